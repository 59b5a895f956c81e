//! `/api/experiments` against a real lab: the descriptions and verdicts in the request's
//! language, unknown fields refused, and a job's verdict kept with the job — never another
//! process's files. Uses `optimizer-paths`, which needs no data set.

mod common;

use common::TestLab;
use scratchnet_experiments::ExperimentName;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

impl TestLab {
    /// The experiment `name` as `GET /api/experiments` (with `query`) lists it.
    fn experiment(&self, name: &str, query: &str, accept_language: Option<&str>) -> Value {
        let (status, list) = self.get_in(&format!("/api/experiments{query}"), accept_language);
        assert_eq!(status, 200, "{list}");
        list["experiments"]
            .as_array()
            .expect("a list")
            .iter()
            .find(|experiment| experiment["name"] == name)
            .cloned()
            .expect("the experiment")
    }
}

#[test]
fn every_experiment_is_described_in_the_requests_language() {
    let lab = TestLab::with_defaults();
    let (status, list) = lab.get("/api/experiments");
    assert_eq!(status, 200);
    let names: Vec<&str> = list["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|experiment| experiment["name"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = ExperimentName::ALL.iter().map(|name| name.slug()).collect();
    assert_eq!(names, expected);

    let english = lab.experiment("weight-decay", "", None);
    assert_eq!(english["title"], "Weight decay");
    assert_eq!(english["book_figure"], "6-21");
    assert!(
        english["describe"]
            .as_str()
            .unwrap()
            .starts_with("fig. 6-21")
    );
    let japanese = lab.experiment("weight-decay", "?lang=ja", None);
    assert_eq!(japanese["title"], "荷重減衰");
    assert!(japanese["describe"].as_str().unwrap().starts_with("図6-21"));
    let header = lab.experiment("weight-decay", "", Some("ja-JP,ja;q=0.9,en;q=0.8"));
    assert_eq!(header["title"], "荷重減衰");
    // `?lang=` wins over the header.
    let both = lab.experiment("weight-decay", "?lang=en", Some("ja"));
    assert_eq!(both["title"], "Weight decay");
    let (status, body) = lab.get("/api/experiments?lang=fr");
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "lang");
}

#[test]
fn unknown_fields_are_refused() {
    let lab = TestLab::with_defaults();
    let (status, body) = lab.post(
        "/api/experiments",
        &json!({ "name": "optimizer-paths", "quik": true }),
    );
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "quik");
    let (status, body) = lab.post("/api/experiments", &json!(["optimizer-paths"]));
    assert_eq!(status, 400, "{body}");
}

/// A verdict another process wrote into results/<experiment>/ is shown only while no job of
/// this lab has run it; the job's own verdict, in the request's language, replaces it — even
/// when the files are overwritten afterwards.
#[test]
fn a_jobs_verdict_stays_with_the_job() {
    let lab = TestLab::with_defaults();
    let dir = lab.results.path().join("optimizer-paths");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("verdict.txt"), "written by another process\n").unwrap();
    let idle = lab.experiment("optimizer-paths", "", None);
    assert_eq!(idle["state"], "idle");
    assert_eq!(idle["verdict"], "written by another process");

    let (status, body) = lab.post(
        "/api/experiments",
        &json!({ "name": "optimizer-paths", "quick": true }),
    );
    assert_eq!(status, 202, "{body}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let finished = loop {
        let experiment = lab.experiment("optimizer-paths", "", None);
        if matches!(experiment["state"].as_str(), Some("queued" | "running")) {
            assert_ne!(experiment["verdict"], "written by another process");
            assert!(Instant::now() < deadline, "{experiment}");
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        break experiment;
    };
    assert_eq!(finished["state"], "completed", "{finished}");
    let verdict = finished["verdict"].as_str().unwrap();
    assert!(verdict.starts_with("after 30 steps"), "{verdict}");
    assert!(finished["figure"].as_str().is_some(), "{finished}");

    std::fs::write(dir.join("verdict.txt"), "written by another process\n").unwrap();
    let again = lab.experiment("optimizer-paths", "", None);
    assert_eq!(again["verdict"], verdict);
    let japanese = lab.experiment("optimizer-paths", "?lang=ja", None);
    assert!(
        japanese["verdict"]
            .as_str()
            .unwrap()
            .starts_with("30 ステップ後"),
        "{japanese}"
    );
}

#[test]
fn an_experiments_figure_is_drawn_in_the_language_asked_for() {
    let lab = TestLab::with_defaults();
    let (status, body) = lab.post(
        "/api/experiments",
        &json!({ "name": "optimizer-paths", "quick": true }),
    );
    assert_eq!(status, 202, "{body}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while lab.experiment("optimizer-paths", "", None)["state"] != "completed" {
        assert!(Instant::now() < deadline, "the experiment did not complete");
        std::thread::sleep(Duration::from_millis(20));
    }
    let figure = |query: &str| {
        let url = lab.url(&format!("/api/experiments/optimizer-paths/figure{query}"));
        let mut response = lab.agent.get(&url).call().unwrap();
        assert_eq!(response.status(), 200);
        response.body_mut().read_to_string().unwrap()
    };
    assert!(figure("").contains("Fig. 6-8"));
    let japanese = figure("?lang=ja");
    assert!(japanese.contains("図6-8") && japanese.contains("ステップ"));
    assert!(!japanese.contains("Fig. 6-8"));
}
