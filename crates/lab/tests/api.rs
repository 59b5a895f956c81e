//! The lab's HTTP API against a real server on an ephemeral loopback port, on synthetic
//! MNIST-shaped data (no download): every endpoint, every class of bad request, stopping, a
//! full queue, and two clients on one event stream.

mod common;

use common::{TestLab, read_json};
use scratchnet_lab::Limits;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The run helpers of these tests.
impl TestLab {
    /// Starts a run and returns its id.
    fn start_run(&self, options: Value) -> String {
        let (status, body) = self.post("/api/runs", &options);
        assert_eq!(status, 202, "{body}");
        body["id"].as_str().expect("an id").to_string()
    }

    /// Polls until run `id` is no longer queued or running; returns its details.
    fn wait_finished(&self, id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let (status, run) = self.get(&format!("/api/runs/{id}"));
            assert_eq!(status, 200, "{run}");
            if !matches!(run["state"].as_str(), Some("queued" | "running")) {
                return run;
            }
            assert!(Instant::now() < deadline, "run {id} did not finish: {run}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Polls until run `id` has `epochs` epochs.
    fn wait_epochs(&self, id: &str, epochs: usize) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while self.get(&format!("/api/runs/{id}")).1["epochs_completed"].as_u64()
            < Some(epochs as u64)
        {
            assert!(
                Instant::now() < deadline,
                "run {id} did not reach epoch {epochs}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The events of run `id`'s stream: (event name, data) until the stream ends.
    fn events(&self, id: &str) -> Vec<(String, Value)> {
        let response = self
            .agent
            .get(&self.url(&format!("/api/runs/{id}/events")))
            .call()
            .expect("a response");
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        parse_events(BufReader::new(response.into_body().into_reader()))
    }
}

/// Server-Sent Events: `event:` and `data:` lines, a blank line after each event.
fn parse_events(reader: impl BufRead) -> Vec<(String, Value)> {
    let mut events = Vec::new();
    let (mut name, mut data) = (String::new(), String::new());
    for line in reader.lines() {
        let line = line.expect("a line");
        if let Some(value) = line.strip_prefix("event:") {
            name = value.trim().to_string();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim());
        } else if line.is_empty() && !name.is_empty() {
            events.push((
                std::mem::take(&mut name),
                serde_json::from_str(&data).unwrap(),
            ));
            data.clear();
        }
    }
    events
}

/// A request written by hand, for headers a client library would not send.
fn raw_request(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn quick_run(epochs: usize) -> Value {
    json!({ "hidden": [16], "epochs": epochs, "lr": 0.1, "batch_size": 50 })
}

fn csv_rows(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn the_page_and_the_configuration_are_served() {
    let lab = TestLab::start(8);
    let page = lab.agent.get(&lab.url("/")).call().unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    for asset in ["/lab.js", "/lab.css"] {
        assert_eq!(lab.agent.get(&lab.url(asset)).call().unwrap().status(), 200);
    }
    // Every module the entry module imports, and the ones they import, is served.
    let mut pending = vec!["/lab.js".to_string()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(path) = pending.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let mut response = lab.agent.get(&lab.url(&path)).call().unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/javascript"),
            "{path}"
        );
        let text = response.body_mut().read_to_string().unwrap();
        // Resolved as the browser does: relative to the importing module.
        let base = path[..=path.rfind('/').unwrap()].to_string();
        for line in text.lines().filter(|line| line.starts_with("import ")) {
            let module = line
                .split("from './")
                .nth(1)
                .unwrap()
                .trim_end_matches("';");
            pending.push(format!("{base}{module}"));
        }
    }
    assert_eq!(seen.len(), 10, "the entry module and nine more: {seen:?}");
    let (status, config) = lab.get("/api/config");
    assert_eq!(status, 200);
    assert_eq!(
        config["defaults"],
        serde_json::to_value(scratchnet_experiments::RunConfig::default()).unwrap()
    );
    assert_eq!(
        config["experiments"].as_array().unwrap().len(),
        scratchnet_experiments::ExperimentName::ALL.len()
    );
    assert!(lab.lab.url().starts_with("http://localhost:"));
}

#[test]
fn options_are_checked_with_the_command_lines_messages() {
    let lab = TestLab::start(8);
    let (status, body) = lab.post("/api/validate", &json!({ "dropout": 0.2, "epochs": "31" }));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "dropout0.2-e31-seed0");
    assert_eq!(body["config"]["epochs"], 31);
    for (options, field, message) in [
        (
            json!({ "lr": -1 }),
            "lr",
            "lr: the learning rate must be a finite number > 0, got -1",
        ),
        (
            json!({ "dropout": 1.5 }),
            "dropout",
            "dropout: the dropout ratio must be in [0, 1) (0 = off), got 1.5",
        ),
        (
            json!({ "epochs": 1e300 }),
            "epochs",
            "epochs: the number of epochs must be a whole number from 1 to 1000000",
        ),
        (
            json!({ "epochs": [3] }),
            "epochs",
            "epochs: expected a number, text or true/false",
        ),
        (
            json!({ "batch_size": 1_000_000 }),
            "batch_size",
            "batch_size: the batch size 1000000 exceeds the training-set size 300",
        ),
        (
            json!({ "hidden": [100_000_000] }),
            "hidden",
            "hidden: the network would need ",
        ),
        (json!({ "wat": 1 }), "wat", "wat: unknown option"),
        (
            json!({ "out": "../escape" }),
            "out",
            "out: \"../escape\" is not a run name",
        ),
    ] {
        for path in ["/api/validate", "/api/runs"] {
            let (status, body) = lab.post(path, &options);
            assert_eq!(status, 400, "{path} {options}: {body}");
            assert_eq!(body["field"], field, "{options}");
            let error = body["error"].as_str().unwrap();
            assert!(error.starts_with(message), "{options}: {error}");
        }
    }
}

#[test]
fn malformed_and_oversized_bodies_are_400_and_413_and_the_server_keeps_serving() {
    let lab = TestLab::start(8);
    for body in [
        "{\"lr\":",
        "{\"lr\": NaN}",
        "{\"lr\": Infinity}",
        "[1, 2]",
        "",
        "\u{0}",
    ] {
        let response = lab
            .agent
            .post(&lab.url("/api/runs"))
            .header("Content-Type", "application/json")
            .send(body)
            .unwrap();
        let (status, error) = read_json(response);
        assert_eq!(status, 400, "{body:?}: {error}");
        assert!(error["error"].is_string());
    }
    let huge = format!(
        "{{\"seed\": \"{}\"}}",
        "1".repeat(scratchnet_lab::BODY_LIMIT)
    );
    let response = lab
        .agent
        .post(&lab.url("/api/runs"))
        .header("Content-Type", "application/json")
        .send(huge)
        .unwrap();
    let (status, error) = read_json(response);
    assert_eq!(status, 413, "{error}");
    let (status, _) = lab.get("/api/config");
    assert_eq!(status, 200, "still serving");
}

#[test]
fn other_hosts_and_other_sites_are_refused() {
    let lab = TestLab::start(8);
    let port = lab.lab.address().port();
    let rebound = raw_request(
        port,
        "GET /api/runs HTTP/1.1\r\nHost: attacker.example:7878\r\nConnection: close\r\n\r\n",
    );
    assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
    assert!(rebound.contains("is not this server"), "{rebound}");
    let foreign = lab
        .agent
        .post(&lab.url("/api/runs"))
        .header("Origin", "https://evil.example")
        .header("Content-Type", "application/json")
        .send(quick_run(2).to_string())
        .unwrap();
    let (status, body) = read_json(foreign);
    assert_eq!(status, 403, "{body}");
    let cross_site = lab
        .agent
        .delete(&lab.url("/api/runs/x"))
        .header("Sec-Fetch-Site", "cross-site")
        .call()
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let own = lab
        .agent
        .post(&lab.url("/api/validate"))
        .header("Origin", format!("http://localhost:{port}"))
        .header("Content-Type", "application/json")
        .send("{}")
        .unwrap();
    assert_eq!(own.status(), 200);
}

#[test]
fn a_run_streams_its_epochs_writes_its_files_and_keeps_its_network() {
    let lab = TestLab::start(8);
    let id = lab.start_run(quick_run(4));
    assert_eq!(id, "nodropout-lr0.1-h16-b50-e4-seed0");
    let events = lab.events(&id);
    let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["epoch", "epoch", "epoch", "epoch", "done"]);
    let epochs: Vec<u64> = events[..4]
        .iter()
        .map(|(_, data)| data["epoch"].as_u64().unwrap())
        .collect();
    assert_eq!(epochs, [1, 2, 3, 4]);
    assert_eq!(events[4].1["state"], "completed");
    let run = lab.wait_finished(&id);
    assert_eq!(run["epochs"].as_array().unwrap().len(), 4);
    assert_eq!(run["has_network"], true);
    // The CSV row of each epoch is the streamed epoch.
    let rows = csv_rows(&lab.results.path().join(format!("{id}.csv")));
    let last = rows.last().unwrap();
    assert_eq!(
        last,
        &format!(
            "4,{},{},{}",
            events[3].1["train_loss"], events[3].1["train_acc"], events[3].1["test_acc"]
        )
    );
    for (kind, content_type) in [
        ("csv", "text/csv"),
        ("json", "application/json"),
        ("svg", "image/svg+xml"),
    ] {
        let response = lab
            .agent
            .get(&lab.url(&format!("/api/runs/{id}/files/{kind}")))
            .call()
            .unwrap();
        assert_eq!(response.status(), 200, "{kind}");
        let headers = response.headers();
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with(content_type)
        );
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("{id}.{kind}"))
        );
    }
    // A late client gets the whole history and the final event.
    assert_eq!(lab.events(&id), events);

    let (status, prediction) = lab.post("/api/predict", &json!({ "pixels": vec![0.5; 784] }));
    assert_eq!(status, 200, "{prediction}");
    let first = &prediction["predictions"][0];
    assert_eq!(first["run"], id.as_str());
    let probabilities: Vec<f64> = first["probabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_f64().unwrap())
        .collect();
    assert_eq!(probabilities.len(), 10);
    assert!((probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-4);
    for bad in [
        json!({ "pixels": vec![0.5; 783] }),
        json!({ "pixels": vec![2.0; 784] }),
        json!({ "image": [] }),
    ] {
        let (status, body) = lab.post("/api/predict", &bad);
        assert_eq!(status, 400, "{body}");
    }
}

#[test]
fn runs_from_the_results_directory_are_listed_with_their_files() {
    let lab = TestLab::start(8);
    let id = lab.start_run(quick_run(2));
    lab.wait_finished(&id);
    // What a `cargo xtask train` elsewhere left: a copy under another name.
    for extension in ["csv", "json", "svg"] {
        std::fs::copy(
            lab.results.path().join(format!("{id}.{extension}")),
            lab.results.path().join(format!("from-cli.{extension}")),
        )
        .unwrap();
    }
    let (_, list) = lab.get("/api/runs");
    let runs = list["runs"].as_array().unwrap();
    let cli = runs
        .iter()
        .find(|run| run["name"] == "from-cli")
        .expect("the copied run");
    assert_eq!(cli["source"], "results");
    assert_eq!(cli["state"], "completed");
    assert_eq!(cli["files"]["csv"], "/api/runs/from-cli/files/csv");
    let (status, detail) = lab.get("/api/runs/from-cli");
    assert_eq!(status, 200);
    assert_eq!(detail["epochs"].as_array().unwrap().len(), 2);
    let events = lab.events("from-cli");
    assert_eq!(events.last().unwrap().0, "done");
}

#[test]
fn paths_cannot_leave_the_results_directory() {
    let lab = TestLab::start(8);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.csv"), "secret").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.csv"),
        lab.results.path().join("link.csv"),
    )
    .unwrap();
    for path in [
        "/api/runs/..%2F..%2Fetc%2Fpasswd/files/csv",
        "/api/runs/%2Fetc%2Fpasswd/files/json",
        "/api/runs/../files/csv",
        "/api/runs/link/files/csv",
        "/api/runs/x/files/exe",
        "/api/runs/.locks/files/csv",
        "/api/runs/nope",
        "/api/test-images/abc",
        "/api/test-images/99999",
        "/api/experiments/..%2Fx/figure",
        "/etc/passwd",
    ] {
        let response = lab.agent.get(&lab.url(path)).call().unwrap();
        let status = response.status().as_u16();
        let (_, body) = read_json(response);
        assert!((400..500).contains(&status), "{path}: {status} {body}");
        assert!(!body.to_string().contains("secret"), "{path}");
    }
}

#[test]
fn stopping_a_run_ends_it_at_an_epoch_boundary() {
    let lab = TestLab::start(8);
    let id = lab.start_run(json!({ "hidden": [64, 64], "epochs": 2000 }));
    lab.wait_epochs(&id, 2);
    let (status, body) = lab.delete(&format!("/api/runs/{id}"));
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["state"], "stopping");
    let events = lab.events(&id);
    assert_eq!(events.last().unwrap().0, "stopped");
    let run = lab.wait_finished(&id);
    assert_eq!(run["state"], "interrupted");
    let completed = run["epochs_completed"].as_u64().unwrap() as usize;
    assert!(completed < 2000);
    assert_eq!(
        csv_rows(&lab.results.path().join(format!("{id}.csv"))).len(),
        completed + 1
    );
    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(lab.results.path().join(format!("{id}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["status"], "interrupted");
    let (status, _) = lab.delete(&format!("/api/runs/{id}"));
    assert_eq!(status, 409, "already finished");
    let (status, _) = lab.delete("/api/runs/never-started");
    assert_eq!(status, 404);
}

#[test]
fn a_full_queue_says_429_and_a_queued_run_can_be_cancelled() {
    let lab = TestLab::start(1);
    let running = lab.start_run(json!({ "hidden": [64, 64], "epochs": 2000, "out": "long" }));
    lab.wait_epochs(&running, 1);
    let queued = lab.start_run(json!({ "epochs": 3, "out": "waiting" }));
    let (status, body) = lab.post("/api/runs", &json!({ "epochs": 3, "out": "third" }));
    assert_eq!(status, 429, "{body}");
    assert!(body["error"].as_str().unwrap().contains("queue is full"));
    let (status, body) = lab.post("/api/runs", &json!({ "epochs": 3, "out": "waiting" }));
    assert_eq!(status, 409, "same name queued: {body}");
    let (status, body) = lab.delete(&format!("/api/runs/{queued}"));
    assert_eq!((status, body["state"].as_str()), (200, Some("interrupted")));
    let events = lab.events(&queued);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "stopped");
    assert_eq!(events[0].1["state"], "interrupted");
    lab.delete(&format!("/api/runs/{running}"));
    assert_eq!(lab.wait_finished(&running)["state"], "interrupted");
    assert!(
        !lab.results.path().join("waiting.csv").exists(),
        "the cancelled run never started"
    );
}

#[test]
fn two_clients_on_one_stream_see_the_same_epochs_and_a_disconnect_changes_nothing() {
    let lab = Arc::new(TestLab::start(8));
    let id = lab.start_run(json!({ "hidden": [32], "epochs": 40, "lr": 0.1 }));
    let watchers: Vec<_> = (0..2)
        .map(|_| {
            let (lab, id) = (Arc::clone(&lab), id.clone());
            std::thread::spawn(move || lab.events(&id))
        })
        .collect();
    // A third client reads two events and hangs up.
    {
        let response = lab
            .agent
            .get(&lab.url(&format!("/api/runs/{id}/events")))
            .call()
            .unwrap();
        let mut lines = BufReader::new(response.into_body().into_reader()).lines();
        let first_events = lines
            .by_ref()
            .filter(|line| line.as_ref().is_ok_and(|l| l.starts_with("event:")))
            .take(2)
            .count();
        assert_eq!(first_events, 2);
    }
    let seen: Vec<Vec<(String, Value)>> = watchers
        .into_iter()
        .map(|watcher| watcher.join().unwrap())
        .collect();
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0].len(), 41);
    let run = lab.wait_finished(&id);
    assert_eq!(run["state"], "completed");
    assert_eq!(
        csv_rows(&lab.results.path().join(format!("{id}.csv"))).len(),
        41
    );
}

#[test]
fn an_experiment_runs_from_the_page_and_shows_its_verdict_and_figure() {
    let lab = TestLab::start(8);
    let (status, body) = lab.post("/api/experiments", &json!({ "name": "optimisers" }));
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "name");
    let (status, body) = lab.post(
        "/api/experiments",
        &json!({ "name": "weight-decay", "quick": true }),
    );
    assert_eq!(status, 202, "{body}");
    let deadline = Instant::now() + Duration::from_secs(120);
    let experiment = loop {
        let (_, list) = lab.get("/api/experiments");
        let experiment = list["experiments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|experiment| experiment["name"] == "weight-decay")
            .cloned()
            .unwrap();
        if !matches!(experiment["state"].as_str(), Some("queued" | "running")) {
            break experiment;
        }
        assert!(Instant::now() < deadline, "{experiment}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(experiment["state"], "completed", "{experiment}");
    assert!(
        experiment["verdict"]
            .as_str()
            .unwrap()
            .starts_with("λ = 0.1"),
        "{experiment}"
    );
    let figure = lab
        .agent
        .get(&lab.url(experiment["figure"].as_str().unwrap()))
        .call()
        .unwrap();
    assert_eq!(figure.headers()["content-type"], "image/svg+xml");
    let (status, _) = lab.delete("/api/experiments/weight-decay");
    assert_eq!(status, 409);
}

/// The lock files of the results directory.
fn lock_files(results: &Path) -> Vec<String> {
    std::fs::read_dir(results.join(".locks"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A POST of `body` with the given headers; its status and JSON.
fn post_with(lab: &TestLab, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut request = lab.agent.post(&lab.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    read_json(request.send(body.to_string()).unwrap())
}

#[test]
fn only_the_exact_origins_served_may_change_anything() {
    let lab = TestLab::start(8);
    let port = lab.lab.address().port();
    let json = ("Content-Type", "application/json");
    for (origin, status) in [
        (format!("http://localhost:{port}"), 200),
        (format!("http://127.0.0.1:{port}"), 200),
        (format!("http://[::1]:{port}"), 200),
        (format!("http://1.2.3.4:{port}"), 403),
        (format!("http://192.168.1.5:{port}"), 403),
        (format!("https://localhost:{port}"), 403),
        (format!("http://localhost:{}", port.wrapping_add(1)), 403),
        ("http://localhost".to_string(), 403),
        ("null".to_string(), 403),
    ] {
        let (got, body) = post_with(&lab, "/api/validate", &[json, ("Origin", &origin)], "{}");
        assert_eq!(got, status, "{origin}: {body}");
    }
    let (status, body) = post_with(
        &lab,
        "/api/runs",
        &[json, ("Origin", &format!("http://1.2.3.4:{port}"))],
        &quick_run(2).to_string(),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(lab.get("/api/runs").1["runs"], json!([]), "no run started");
}

#[test]
fn a_body_not_declared_as_json_is_415() {
    let lab = TestLab::start(8);
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        for path in [
            "/api/validate",
            "/api/runs",
            "/api/predict",
            "/api/experiments",
        ] {
            let headers: Vec<(&str, &str)> = content_type
                .map(|value| ("Content-Type", value))
                .into_iter()
                .collect();
            let (status, body) = post_with(&lab, path, &headers, "{}");
            assert_eq!(status, 415, "{path} {content_type:?}: {body}");
        }
    }
    let charset = ("Content-Type", "application/json; charset=utf-8");
    assert_eq!(post_with(&lab, "/api/validate", &[charset], "{}").0, 200);
    assert!(lock_files(lab.results.path()).is_empty());
}

/// Reads until the server closes the connection (or 30 s pass): what it sent.
fn read_until_closed(stream: &mut TcpStream) -> Result<String, std::io::Error> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut received = Vec::new();
    stream.read_to_end(&mut received)?;
    Ok(String::from_utf8_lossy(&received).into_owned())
}

#[test]
fn slow_and_idle_clients_are_cut_off_and_others_still_served() {
    let limits = Limits {
        header_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let lab = TestLab::start_with(8, limits);
    let port = lab.lab.address().port();
    let connect = || TcpStream::connect(("127.0.0.1", port)).unwrap();
    // Idle: never sends anything.
    let mut idle = connect();
    assert_eq!(
        read_until_closed(&mut idle).expect("closed, not timed out"),
        ""
    );
    // Slow headers: one header line, then nothing.
    let mut slow = connect();
    write!(
        slow,
        "GET /api/config HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    )
    .unwrap();
    let answer = read_until_closed(&mut slow).expect("closed, not timed out");
    assert!(!answer.contains("200 OK"), "{answer}");
    // A body announced far larger than what comes.
    let mut stuck = connect();
    write!(
        stuck,
        "POST /api/validate HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{{}}"
    )
    .unwrap();
    let answer = read_until_closed(&mut stuck).expect("answered and closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_eq!(lab.get("/api/config").0, 200, "still serving");
}

#[test]
fn an_event_stream_outlives_the_idle_timeout() {
    let limits = Limits {
        header_timeout: Duration::from_millis(200),
        ..Limits::default()
    };
    let lab = TestLab::start_with(8, limits);
    let id = lab.start_run(json!({ "hidden": [64, 64], "epochs": 30 }));
    let events = lab.events(&id);
    assert_eq!(events.len(), 31, "every epoch and the end");
}

#[test]
fn at_most_n_networks_are_kept_least_recently_used_dropped() {
    let limits = Limits {
        kept_networks: 2,
        ..Limits::default()
    };
    let lab = TestLab::start_with(8, limits);
    let ids: Vec<String> = (0..3)
        .map(|seed| {
            let mut options = quick_run(1);
            options["seed"] = json!(seed);
            let id = lab.start_run(options);
            lab.wait_finished(&id);
            id
        })
        .collect();
    let kept = |lab: &TestLab| -> Vec<String> {
        let (_, list) = lab.get("/api/runs");
        list["runs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|run| run["has_network"] == true)
            .map(|run| run["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(kept(&lab), [ids[1].clone(), ids[2].clone()]);
    // Predicting with the older one makes it the most recently used.
    let (status, body) = lab.post(
        "/api/predict",
        &json!({ "pixels": vec![0.5; 784], "runs": [ids[1]] }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["predictions"].as_array().unwrap().len(), 1);
    let mut options = quick_run(1);
    options["seed"] = json!(3);
    let newest = lab.start_run(options);
    lab.wait_finished(&newest);
    assert_eq!(kept(&lab), [ids[1].clone(), newest]);
    let (_, body) = lab.post("/api/predict", &json!({ "pixels": vec![0.5; 784] }));
    assert_eq!(body["predictions"].as_array().unwrap().len(), 2);
}

#[test]
fn no_lock_file_is_left_after_a_refused_or_finished_run() {
    let lab = TestLab::start(1);
    let running = lab.start_run(json!({ "hidden": [64, 64], "epochs": 2000, "out": "long" }));
    lab.wait_epochs(&running, 1);
    let queued = lab.start_run(json!({ "epochs": 3, "out": "waiting" }));
    for attempt in 0..5 {
        let (status, _) = lab.post(
            "/api/runs",
            &json!({ "epochs": 3, "out": format!("x{attempt}") }),
        );
        assert_eq!(status, 429);
    }
    let (status, _) = lab.post("/api/runs", &json!({ "epochs": 3, "out": "long" }));
    assert_eq!(status, 409);
    assert_eq!(
        lock_files(lab.results.path()),
        ["long.lock"],
        "only the running run's"
    );
    lab.delete(&format!("/api/runs/{queued}"));
    lab.delete(&format!("/api/runs/{running}"));
    lab.wait_finished(&running);
    let done = lab.start_run(quick_run(1));
    lab.wait_finished(&done);
    assert_eq!(lock_files(lab.results.path()), Vec::<String>::new());
}

#[test]
fn a_diverged_run_does_not_predict_and_its_advice_names_the_cause() {
    let lab = TestLab::start(8);
    let huge_init = lab
        .start_run(json!({ "hidden": [64, 64, 64], "epochs": 3, "weight_init": 1e15, "lr": 0.01 }));
    let huge_lr = lab.start_run(json!({ "hidden": [64, 64, 64], "epochs": 3, "lr": 1e6 }));
    for (id, code) in [
        (&huge_init, "run.advice.weight_init"),
        (&huge_lr, "run.advice.lr"),
    ] {
        let run = lab.wait_finished(id);
        assert_eq!(run["state"], "diverged", "{run}");
        assert_eq!(run["has_network"], false);
        assert_eq!(run["advice"]["code"], code, "{run}");
    }
    let (status, body) = lab.post("/api/predict", &json!({ "pixels": vec![0.5; 784] }));
    assert_eq!(status, 200);
    assert_eq!(body["predictions"], json!([]));
}

#[test]
fn headers_strictness_and_the_icon() {
    let lab = TestLab::start(8);
    let config = lab.agent.get(&lab.url("/api/config")).call().unwrap();
    assert_eq!(config.headers()["x-content-type-options"], "nosniff");
    assert_eq!(config.headers()["cache-control"], "no-store");
    let missing = lab.agent.get(&lab.url("/api/nope")).call().unwrap();
    assert_eq!(missing.headers()["cache-control"], "no-store");
    let id = lab.start_run(quick_run(1));
    lab.wait_finished(&id);
    let svg = lab
        .agent
        .get(&lab.url(&format!("/api/runs/{id}/files/svg")))
        .call()
        .unwrap();
    let policy = svg.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert_eq!(svg.headers()["x-content-type-options"], "nosniff");
    let (status, body) = lab.post("/api/validate", &json!({ "wat": [1] }));
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("wat")),
        "{body}"
    );
    assert!(
        body["error"].as_str().unwrap().contains("unknown option"),
        "{body}"
    );
    let (status, body) = lab.post("/api/validate", &json!({ "hidden": vec![1; 20_000] }));
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("hidden")),
        "{body}"
    );
    let icon = lab.agent.get(&lab.url("/favicon.ico")).call().unwrap();
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/x-icon");
    let bytes = icon.into_body().read_to_vec().unwrap();
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an ICO file");
}

#[test]
fn errors_and_messages_come_in_the_language_asked_for() {
    let lab = TestLab::start(1);
    let running = lab.start_run(json!({ "hidden": [64, 64], "epochs": 2000, "out": "long" }));
    lab.wait_epochs(&running, 1);
    let json = ("Content-Type", "application/json");
    let busy = json!({ "epochs": 3, "out": "long" }).to_string();
    let (status, body) = post_with(
        &lab,
        "/api/runs",
        &[json, ("Accept-Language", "ja,en;q=0.5")],
        &busy,
    );
    assert_eq!(status, 409);
    assert_eq!(body["code"], "run.busy.here");
    assert!(body["error"].as_str().unwrap().contains("実行中"), "{body}");
    let (_, body) = post_with(
        &lab,
        "/api/runs?lang=en",
        &[json, ("Accept-Language", "ja")],
        &busy,
    );
    assert_eq!(
        body["error"],
        "a run named long is already queued or running"
    );
    let (status, body) = post_with(
        &lab,
        "/api/validate",
        &[json, ("Accept-Language", "ja")],
        &json!({ "dropout": 1.5 }).to_string(),
    );
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("dropout")),
        "{body}"
    );
    let error = body["error"].as_str().unwrap();
    assert!(
        error.starts_with("dropout: ") && !error.is_ascii(),
        "{body}"
    );
    let (_, options) = lab.get("/api/options?lang=ja");
    assert_eq!(options["lang"], "ja");
    assert!(
        options["options"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["name"] == "dropout")
    );
    let (_, table) = lab.get("/api/messages?lang=ja");
    assert_eq!(table["lang"], "ja");
    assert_eq!(table["messages"]["lang.name"], "日本語");
    lab.delete(&format!("/api/runs/{running}"));
    lab.wait_finished(&running);
}

#[test]
fn a_runs_figure_is_drawn_in_the_language_asked_for() {
    let lab = TestLab::start(8);
    let id = lab.start_run(quick_run(2));
    lab.wait_finished(&id);
    let svg = |query: &str, accept_language: Option<&str>| {
        let mut request = lab
            .agent
            .get(&lab.url(&format!("/api/runs/{id}/files/svg{query}")));
        if let Some(value) = accept_language {
            request = request.header("Accept-Language", value);
        }
        let mut response = request.call().unwrap();
        assert_eq!(response.status(), 200);
        response.body_mut().read_to_string().unwrap()
    };
    let english = svg("", None);
    assert!(english.contains("epochs") && english.contains("accuracy"));
    for japanese in [svg("?lang=ja", None), svg("", Some("ja-JP,ja;q=0.9"))] {
        for text in [
            "エポック",
            "認識精度",
            "訓練データ",
            "テストデータ",
            "隠れ層",
        ] {
            assert!(japanese.contains(text), "no {text} in the Japanese figure");
        }
        assert!(!japanese.contains("accuracy"));
    }
    // The file on disk (the download in English) is the one the run wrote.
    let on_disk = std::fs::read_to_string(lab.results.path().join(format!("{id}.svg"))).unwrap();
    assert_eq!(english, on_disk);
}
