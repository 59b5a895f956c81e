//! Runs started from the lab, as they queue, train and finish; and what the API says of any run,
//! from the lab or from `results/`.

use scratchnet_experiments::messages::Message;
use scratchnet_experiments::network::{MultiLayerNetExtend, WeightInit};
use scratchnet_experiments::trainer::EpochRecord;
use scratchnet_experiments::{
    FinalResult, ResultsDir, RunConfig, RunName, RunObserver, RunOutcome, RunStatus, RunSummary,
};
use serde::Serialize;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;
use tokio::sync::broadcast;

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    /// Waiting for the runs before it.
    Queued,
    /// Training.
    Running,
    /// Every epoch ran.
    Completed,
    /// Stopped on request.
    Interrupted,
    /// The loss stopped being finite.
    Diverged,
    /// It could not start or could not write its results.
    Failed,
}

impl RunState {
    fn of(status: RunStatus) -> Self {
        match status {
            RunStatus::Completed => Self::Completed,
            RunStatus::Interrupted => Self::Interrupted,
            RunStatus::Diverged => Self::Diverged,
            RunStatus::Failed => Self::Failed,
        }
    }

    /// Whether the run is over.
    pub fn is_finished(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}

/// One epoch as the API shows it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EpochPoint {
    /// 1-based epoch.
    pub epoch: usize,
    /// Training loss.
    pub train_loss: f64,
    /// Training accuracy.
    pub train_acc: f64,
    /// Test accuracy.
    pub test_acc: f64,
}

impl From<&EpochRecord> for EpochPoint {
    fn from(record: &EpochRecord) -> Self {
        Self {
            epoch: record.epoch,
            train_loss: record.train_loss,
            train_acc: record.train_acc,
            test_acc: record.test_acc,
        }
    }
}

/// Links to a run's files.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FileLinks {
    /// `NAME.csv`.
    pub csv: Option<String>,
    /// `NAME.json`.
    pub json: Option<String>,
    /// `NAME.svg`.
    pub svg: Option<String>,
}

/// What the API says of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunInfo {
    /// The run's id: its name.
    pub id: String,
    /// Its name, the base of its files.
    pub name: String,
    /// Where it stands.
    pub state: RunState,
    /// `lab` (started here) or `results` (found in the results directory).
    pub source: &'static str,
    /// Every option.
    pub config: Option<serde_json::Value>,
    /// Epochs done.
    pub epochs_completed: usize,
    /// Epochs asked for.
    pub epochs_planned: Option<usize>,
    /// Accuracies at the end (or so far).
    #[serde(rename = "final")]
    pub final_result: FinalResult,
    /// Why it failed or diverged.
    pub error: Option<String>,
    /// For a diverged run, the likely cause in its configuration and what to try
    /// (`{"code", "params"}` of the message table).
    pub advice: Option<Message>,
    /// Whether its network is in memory for predictions.
    pub has_network: bool,
    /// Its files.
    pub files: FileLinks,
}

/// What a stream of run events carries.
#[derive(Clone, Debug)]
pub enum RunEvent {
    /// An epoch ended.
    Epoch(EpochPoint),
    /// The run is over.
    Finished(Box<RunInfo>),
}

/// A run started from the lab.
pub struct RunSlot {
    /// Its name.
    pub name: RunName,
    /// Its options.
    pub config: RunConfig,
    /// Set to stop it at the next epoch boundary.
    pub stop: AtomicBool,
    progress: Mutex<Progress>,
    events: broadcast::Sender<RunEvent>,
}

/// The changing part of a run.
struct Progress {
    state: RunState,
    epochs: Vec<EpochPoint>,
    started: Option<Instant>,
    summary: Option<RunSummary>,
    error: Option<String>,
    network: Option<Arc<MultiLayerNetExtend<f32>>>,
}

/// Events a slow event-stream client may fall behind by before it skips some.
const EVENT_BACKLOG: usize = 4096;

impl RunSlot {
    /// A queued run.
    pub fn new(name: RunName, config: RunConfig) -> Self {
        Self {
            name,
            config,
            stop: AtomicBool::new(false),
            progress: Mutex::new(Progress {
                state: RunState::Queued,
                epochs: Vec::new(),
                started: None,
                summary: None,
                error: None,
                network: None,
            }),
            events: broadcast::channel(EVENT_BACKLOG).0,
        }
    }

    fn progress(&self) -> MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Where it stands.
    pub fn state(&self) -> RunState {
        self.progress().state
    }

    /// It starts training.
    pub fn start(&self) {
        let mut progress = self.progress();
        progress.state = RunState::Running;
        progress.started = Some(Instant::now());
    }

    /// It ended as `outcome` says; its network is kept for predictions unless it diverged (a
    /// network of NaNs predicts nothing). Whether it was kept.
    pub fn finish(&self, outcome: RunOutcome, results: &ResultsDir) -> bool {
        let mut progress = self.progress();
        progress.state = RunState::of(outcome.status);
        progress.error = outcome.summary.error.clone();
        progress.summary = Some(outcome.summary);
        let keep = progress.state != RunState::Diverged;
        progress.network = keep.then(|| Arc::new(outcome.network));
        self.announce_end(progress, results);
        keep
    }

    /// Forgets its network (to bound memory); it predicts no more.
    pub fn drop_network(&self) {
        self.progress().network = None;
    }

    /// It could not run (or was stopped while queued: `RunState::Interrupted`).
    pub fn fail(&self, state: RunState, error: Option<String>, results: &ResultsDir) {
        let mut progress = self.progress();
        progress.state = state;
        progress.error = error;
        self.announce_end(progress, results);
    }

    fn announce_end(&self, progress: MutexGuard<'_, Progress>, results: &ResultsDir) {
        let info = self.info_locked(&progress, results);
        // Sent under the lock, so a subscriber sees either the history or the event.
        let _ = self.events.send(RunEvent::Finished(Box::new(info)));
    }

    /// The network as training left it, once the run is over.
    pub fn network(&self) -> Option<Arc<MultiLayerNetExtend<f32>>> {
        self.progress().network.clone()
    }

    /// The epochs so far, and a receiver of what comes next (nothing is missed or repeated
    /// between the two); the final info if the run is already over.
    pub fn subscribe(
        &self,
        results: &ResultsDir,
    ) -> (
        Vec<EpochPoint>,
        broadcast::Receiver<RunEvent>,
        Option<RunInfo>,
    ) {
        let progress = self.progress();
        let finished = progress
            .state
            .is_finished()
            .then(|| self.info_locked(&progress, results));
        (progress.epochs.clone(), self.events.subscribe(), finished)
    }

    /// What the API says of it.
    pub fn info(&self, results: &ResultsDir) -> RunInfo {
        self.info_locked(&self.progress(), results)
    }

    /// Its epochs so far and the seconds it has run and (estimated) has left.
    pub fn timeline(&self) -> (Vec<EpochPoint>, Option<f64>, Option<f64>) {
        let progress = self.progress();
        let elapsed = progress.started.map(|started| match &progress.summary {
            Some(summary) => summary.wall_seconds,
            None => started.elapsed().as_secs_f64(),
        });
        let done = progress.epochs.len();
        let remaining = self.config.epochs.saturating_sub(done);
        let eta = match (elapsed, progress.state) {
            (Some(elapsed), RunState::Running) if done > 0 => {
                Some(elapsed / done as f64 * remaining as f64)
            }
            _ => None,
        };
        (progress.epochs.clone(), elapsed, eta)
    }

    fn info_locked(&self, progress: &Progress, results: &ResultsDir) -> RunInfo {
        let last = progress.epochs.last();
        let final_result = match &progress.summary {
            Some(summary) => summary.final_result.clone(),
            None => FinalResult {
                train_acc: last.map(|point| point.train_acc),
                test_acc: last.map(|point| point.test_acc),
                train_loss: last.map(|point| point.train_loss),
                full_test_acc: None,
            },
        };
        RunInfo {
            id: self.name.to_string(),
            name: self.name.to_string(),
            state: progress.state,
            source: "lab",
            config: serde_json::to_value(&self.config).ok(),
            epochs_completed: progress.epochs.len(),
            epochs_planned: Some(self.config.epochs),
            final_result,
            error: progress.error.clone(),
            advice: (progress.state == RunState::Diverged).then(|| divergence_advice(&self.config)),
            has_network: progress.network.is_some(),
            files: file_links(results, &self.name),
        }
    }
}

/// Records each epoch and tells the event streams.
pub struct SlotObserver<'a>(pub &'a RunSlot);

impl RunObserver for SlotObserver<'_> {
    fn epoch_done(&mut self, record: &EpochRecord) {
        let point = EpochPoint::from(record);
        let mut progress = self.0.progress();
        progress.epochs.push(point);
        let _ = self.0.events.send(RunEvent::Epoch(point));
    }
}

/// What the API says of a run found in the results directory.
pub fn info_from_summary(name: &RunName, summary: &RunSummary, results: &ResultsDir) -> RunInfo {
    RunInfo {
        id: name.to_string(),
        name: name.to_string(),
        state: RunState::of(summary.status),
        source: "results",
        config: Some(summary.config.clone()),
        epochs_completed: summary.epochs_completed,
        epochs_planned: Some(summary.trainer.epochs),
        final_result: summary.final_result.clone(),
        error: summary.error.clone(),
        advice: (summary.status == RunStatus::Diverged)
            .then(|| RunConfig::from_json(&summary.config).ok())
            .flatten()
            .map(|config| divergence_advice(&config)),
        has_network: false,
        files: file_links(results, name),
    }
}

/// A fixed weight-init standard deviation from which this large up, the start alone can make
/// the loss overflow (the book's figure 6-10 uses 1 to show saturation; He init is ≈ 0.05).
const HUGE_INIT_STD: f64 = 0.5;

/// The likely cause of a divergence, read from the configuration: a huge fixed weight init,
/// else the learning rate.
pub fn divergence_advice(config: &RunConfig) -> Message {
    match config.weight_init {
        WeightInit::Std(std) if std >= HUGE_INIT_STD => {
            Message::new("run.advice.weight_init").arg("std", std)
        }
        _ => {
            let lr = config.learning_rate();
            Message::new("run.advice.lr")
                .arg("lr", lr)
                .arg("lower", lr / 10.0)
        }
    }
}

/// Links to the files of `name` that exist.
fn file_links(results: &ResultsDir, name: &RunName) -> FileLinks {
    let files = results.files(name);
    let link = |path: &std::path::Path, kind: &str| {
        path.is_file()
            .then(|| format!("/api/runs/{name}/files/{kind}"))
    };
    FileLinks {
        csv: link(&files.csv, "csv"),
        json: link(&files.json, "json"),
        svg: link(&files.svg, "svg"),
    }
}
