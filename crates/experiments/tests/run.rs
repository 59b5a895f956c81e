//! The run pipeline on synthetic MNIST-shaped data (no files needed): the files a run leaves
//! however it ends, the names it claims, reproducibility.

use scratchnet_experiments::{
    LoadedData, ResultsDir, RunConfig, RunName, RunObserver, RunPlan, RunRequest, RunStatus,
    RunSummary,
};
use scratchnet_network::MultiLayerNetExtend;
use scratchnet_trainer::EpochRecord;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

fn data(_dir: &Path) -> LoadedData {
    LoadedData::synthetic(600, 200, 1)
}

fn small_config() -> RunConfig {
    RunConfig {
        hidden: vec![32],
        epochs: 6,
        batch_size: 50,
        lr: Some(0.1),
        ..RunConfig::default()
    }
}

fn request(config: RunConfig, name: &str) -> RunRequest {
    RunRequest {
        config,
        name: Some(RunName::new(name).unwrap()),
        command: vec!["test".into()],
        ..RunRequest::default()
    }
}

/// Stops the run after `after` epochs, like Ctrl-C would; records what it saw.
struct StopAfter<'a> {
    after: usize,
    stop: &'a AtomicBool,
    planned: Option<usize>,
    seen: Vec<EpochRecord>,
}

impl RunObserver for StopAfter<'_> {
    fn started(&mut self, plan: &RunPlan) {
        self.planned = Some(plan.epochs);
    }

    fn epoch_done(&mut self, record: &EpochRecord) {
        self.seen.push(*record);
        if self.seen.len() == self.after {
            self.stop.store(true, Ordering::Relaxed);
        }
    }
}

#[test]
fn a_completed_run_leaves_its_csv_summary_and_figure() {
    let dir = tempfile::tempdir().unwrap();
    let results = ResultsDir::new(dir.path());
    let data = data(dir.path());
    let prepared = results.prepare(request(small_config(), "done")).unwrap();
    let outcome = prepared
        .train(&data, &mut (), &AtomicBool::new(false))
        .unwrap();
    assert_eq!(outcome.status, RunStatus::Completed);
    assert_eq!(outcome.epochs.len(), 6);
    let csv = std::fs::read_to_string(&outcome.files.csv).unwrap();
    assert_eq!(csv.lines().count(), 7);
    assert!(csv.starts_with("epoch,train_loss,train_acc,test_acc\n1,"));
    let summary = RunSummary::read(&outcome.files.json).unwrap();
    assert_eq!(summary, outcome.summary);
    assert_eq!(summary.status, RunStatus::Completed);
    assert_eq!(summary.epochs_completed, 6);
    let full_test = summary
        .final_result
        .full_test_acc
        .expect("a final test pass");
    assert!(full_test > 0.9, "the bands are easy to learn: {full_test}");
    // The recorded options give back the run's configuration.
    assert_eq!(
        RunConfig::from_json(&summary.config).unwrap(),
        small_config()
    );
    let svg = std::fs::read_to_string(&outcome.files.svg).unwrap();
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
    let listed: Vec<String> = results
        .runs()
        .into_iter()
        .map(|(name, _)| name.to_string())
        .collect();
    assert_eq!(listed, ["done"]);
}

#[test]
fn a_stopped_run_keeps_its_epochs_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let results = ResultsDir::new(dir.path());
    let stop = AtomicBool::new(false);
    let mut observer = StopAfter {
        after: 2,
        stop: &stop,
        planned: None,
        seen: Vec::new(),
    };
    let outcome = results
        .prepare(request(small_config(), "stopped"))
        .unwrap()
        .train(&data(dir.path()), &mut observer, &stop)
        .unwrap();
    assert_eq!(observer.planned, Some(6));
    assert_eq!(outcome.status, RunStatus::Interrupted);
    assert_eq!(outcome.epochs, observer.seen);
    let csv = std::fs::read_to_string(&outcome.files.csv).unwrap();
    assert_eq!(csv.lines().count(), 3, "header and two epochs");
    let summary = RunSummary::read(&outcome.files.json).unwrap();
    assert_eq!(summary.status, RunStatus::Interrupted);
    assert_eq!(summary.epochs_completed, 2);
    assert_eq!(summary.final_result.full_test_acc, None);
    assert!(outcome.files.svg.exists());
}

#[test]
fn a_diverging_run_is_recorded_as_diverged() {
    let dir = tempfile::tempdir().unwrap();
    let config = RunConfig {
        lr: Some(1e30),
        ..small_config()
    };
    let outcome = ResultsDir::new(dir.path())
        .prepare(request(config, "diverged"))
        .unwrap()
        .train(&data(dir.path()), &mut (), &AtomicBool::new(false))
        .unwrap();
    assert_eq!(outcome.status, RunStatus::Diverged);
    let summary = RunSummary::read(&outcome.files.json).unwrap();
    let error = summary.error.expect("why it stopped");
    assert!(error.contains("training diverged"), "{error}");
}

#[test]
fn the_same_seed_gives_the_same_csv_and_the_saved_network_predicts_alike() {
    let dir = tempfile::tempdir().unwrap();
    let results = ResultsDir::new(dir.path());
    let data = data(dir.path());
    let model = dir.path().join("model.bin");
    let mut with_save = request(small_config(), "first");
    with_save.save = Some(model.clone());
    let first = results.prepare(with_save).unwrap();
    let first = first
        .train(&data, &mut (), &AtomicBool::new(false))
        .unwrap();
    let second = results.prepare(request(small_config(), "second")).unwrap();
    let second = second
        .train(&data, &mut (), &AtomicBool::new(false))
        .unwrap();
    assert_eq!(
        std::fs::read(&first.files.csv).unwrap(),
        std::fs::read(&second.files.csv).unwrap()
    );
    assert_eq!(first.saved.as_deref(), Some(model.as_path()));
    let loaded = MultiLayerNetExtend::<f32>::load(&model).unwrap();
    assert_eq!(
        loaded.predict(&data.test_sparse),
        first.network.predict(&data.test_sparse)
    );
}

#[test]
fn a_name_cannot_be_prepared_twice_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let results = ResultsDir::new(dir.path());
    let held = results.prepare(request(small_config(), "same")).unwrap();
    let refused = results
        .prepare(request(small_config(), "same"))
        .err()
        .unwrap();
    assert!(refused.to_string().contains("another run"), "{refused}");
    drop(held);
    assert!(results.prepare(request(small_config(), "same")).is_ok());
}
