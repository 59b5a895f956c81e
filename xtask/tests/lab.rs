//! A run started from the lab writes the same CSV as `cargo xtask train` with the same options:
//! both go through the same library, on the same data.

mod common;

use common::{mnist_dir, run_ok, scratch, xtask};
use scratchnet_datasets::DatasetKind;
use scratchnet_experiments::DataSource;
use scratchnet_lab::{Lab, LabOptions};
use std::time::{Duration, Instant};

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn a_lab_run_writes_the_csv_of_the_same_command_line_run() {
    let (lab_results, cli_results) = (scratch(), scratch());
    let data = DataSource::new(
        lab_results.path(),
        DatasetKind::Mnist,
        Some(mnist_dir()),
        vec![],
    );
    let mut options = LabOptions::new(lab_results.path().to_path_buf(), data);
    options.port = 0;
    let lab = Lab::start(options).expect("the lab starts");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("http://127.0.0.1:{}/api/runs", lab.address().port());
    let response = agent
        .post(&url)
        .header("Content-Type", "application/json")
        .send(r#"{"dropout": 0.2, "epochs": 31}"#)
        .expect("a response");
    assert_eq!(response.status(), 202);
    let name = "dropout0.2-e31-seed0";
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let mut response = agent.get(&format!("{url}/{name}")).call().unwrap();
        let run: serde_json::Value =
            serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
        match run["state"].as_str() {
            Some("queued" | "running") => {}
            Some("completed") => break,
            other => panic!("the lab run ended {other:?}: {run}"),
        }
        assert!(Instant::now() < deadline, "the lab run did not finish");
        std::thread::sleep(Duration::from_millis(100));
    }
    lab.shutdown();
    run_ok(
        xtask(cli_results.path())
            .args(["train", "--dropout", "0.2", "--epochs", "31", "--quiet"])
            .args(common::data_flags()),
    );
    let csv = |dir: &std::path::Path| std::fs::read(dir.join(format!("{name}.csv"))).unwrap();
    assert_eq!(csv(lab_results.path()), csv(cli_results.path()));
}
