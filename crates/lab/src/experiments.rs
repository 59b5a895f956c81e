//! Chapter-6 experiments started from the lab: their progress, verdict and figure.

use scratchnet_experiments::messages::{Lang, Message};
use scratchnet_experiments::{
    DataError, ExperimentError, ExperimentName, ExperimentRequest, LoadedData, Progress,
    figure_file, verdict_file,
};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Where an experiment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExperimentState {
    /// Not started in this session (its files may exist from an earlier one).
    Idle,
    /// Waiting for the jobs before it.
    Queued,
    /// Running.
    Running,
    /// Its files are written.
    Completed,
    /// Stopped on request; nothing was written.
    Interrupted,
    /// It could not finish.
    Failed,
}

/// An experiment started from the lab.
pub struct ExperimentSlot {
    /// Which one.
    pub name: ExperimentName,
    /// Shrunk for a quick look.
    pub quick: bool,
    /// Its seed.
    pub seed: u64,
    /// Set to stop it.
    pub stop: AtomicBool,
    state: Mutex<(ExperimentState, Option<String>)>,
    done: AtomicU64,
    total: AtomicU64,
    unit: Mutex<&'static str>,
    verdict: Mutex<Option<Message>>,
}

/// What the API says of an experiment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExperimentInfo {
    /// Its name.
    pub name: &'static str,
    /// Its title, in the request's language.
    pub title: String,
    /// The book's figure(s), e.g. `6-9`.
    pub book_figure: &'static str,
    /// The book's figure and what it shows, in the request's language.
    pub describe: String,
    /// How much it runs, at full size and with `quick`, in the request's language.
    pub size: String,
    /// Where it stands.
    pub state: ExperimentState,
    /// Quick or full, when started here.
    pub quick: Option<bool>,
    /// Units done and to do.
    pub progress: Option<ExperimentProgress>,
    /// The verdict, in the request's language: of this job when it was started here (never
    /// another process's), else of the last completed run whose files are on disk.
    pub verdict: Option<String>,
    /// The figure of its last completed run.
    pub figure: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// Units done of an experiment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExperimentProgress {
    /// Done.
    pub done: u64,
    /// To do in all.
    pub total: u64,
    /// `epochs` or `iterations`.
    pub unit: &'static str,
}

impl ExperimentSlot {
    /// A queued experiment.
    pub fn new(name: ExperimentName, quick: bool, seed: u64) -> Self {
        Self {
            name,
            quick,
            seed,
            stop: AtomicBool::new(false),
            state: Mutex::new((ExperimentState::Queued, None)),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            unit: Mutex::new("epochs"),
            verdict: Mutex::new(None),
        }
    }

    /// Where it stands.
    pub fn state(&self) -> ExperimentState {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).0
    }

    /// Moves it to `state`, with an error message for failures.
    pub fn set_state(&self, state: ExperimentState, error: Option<String>) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = (state, error);
    }

    /// What the API says of it in `lang`: its own verdict and figure once it completed, none
    /// before (the files in `dir` may be another run's).
    pub fn info(&self, dir: &Path, lang: Lang) -> ExperimentInfo {
        let (state, error) = self
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let progress = (state != ExperimentState::Queued).then(|| ExperimentProgress {
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            unit: *self.unit.lock().unwrap_or_else(PoisonError::into_inner),
        });
        let verdict = self
            .verdict
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|_| state == ExperimentState::Completed)
            .map(|message| message.render(lang));
        let figure = verdict
            .is_some()
            .then(|| figure_url(self.name))
            .filter(|_| figure_path(self.name, dir).is_file());
        ExperimentInfo {
            state,
            quick: Some(self.quick),
            progress,
            error,
            verdict,
            figure,
            ..describe(self.name, lang)
        }
    }

    /// Runs it (loading MNIST through `data` only when it needs it), writes its files into
    /// `dir` and keeps its verdict with this job.
    pub fn run(&self, data: impl FnOnce() -> Result<Arc<LoadedData>, DataError>, dir: &Path) {
        if self.stop.load(Ordering::SeqCst) {
            return;
        }
        self.set_state(ExperimentState::Running, None);
        let request = ExperimentRequest {
            // The page shows the figure in its visitor's language.
            every_language: true,
            ..ExperimentRequest::new(self.name, self.seed, self.quick)
        };
        let outcome = (|| {
            let data = if self.name.needs_mnist() {
                Some(data()?)
            } else {
                None
            };
            let prepared = request.prepare(dir)?;
            prepared.run_with(data.as_deref(), self, &self.stop)
        })();
        match outcome {
            Ok(report) => {
                *self.verdict.lock().unwrap_or_else(PoisonError::into_inner) = Some(report.message);
                self.set_state(ExperimentState::Completed, None);
            }
            Err(ExperimentError::Interrupted) => self.set_state(ExperimentState::Interrupted, None),
            Err(error) => self.set_state(ExperimentState::Failed, Some(error.to_string())),
        }
    }
}

/// Progress reported by the experiment's runs, from any thread.
impl Progress for ExperimentSlot {
    fn start(&self, total: u64, unit: &'static str) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        *self.unit.lock().unwrap_or_else(PoisonError::into_inner) = unit;
    }

    fn advance(&self, amount: u64) {
        self.done.fetch_add(amount, Ordering::Relaxed);
    }
}

/// What describes an experiment in `lang`, with no state, verdict or figure.
fn describe(name: ExperimentName, lang: Lang) -> ExperimentInfo {
    let size = Message::new("experiments.sizes")
        .arg("full", name.size(false).render(lang))
        .arg("quick", name.size(true).render(lang));
    ExperimentInfo {
        name: name.slug(),
        title: name.title(lang),
        book_figure: name.figure(),
        describe: name.describe_in(lang),
        size: size.render(lang),
        state: ExperimentState::Idle,
        quick: None,
        progress: None,
        verdict: None,
        figure: None,
        error: None,
    }
}

/// What the API says in `lang` of an experiment not started here: its files, if any (the
/// verdict in `lang`, or in English when its files predate the Japanese one).
pub fn idle_info(name: ExperimentName, dir: &Path, lang: Lang) -> ExperimentInfo {
    let read = |lang| {
        std::fs::read_to_string(dir.join(verdict_file(lang)))
            .ok()
            .map(|text| text.trim().to_string())
    };
    let verdict = read(lang).or_else(|| read(Lang::En));
    let figure = figure_path(name, dir).is_file().then(|| figure_url(name));
    ExperimentInfo {
        verdict,
        figure,
        ..describe(name, lang)
    }
}

fn figure_url(name: ExperimentName) -> String {
    format!("/api/experiments/{}/figure", name.slug())
}

/// `NAME.svg` in the experiment's directory.
pub fn figure_path(name: ExperimentName, dir: &Path) -> PathBuf {
    dir.join(format!("{}.svg", name.slug()))
}

/// The figure with its text in `lang` (`NAME.ja.svg`), else `NAME.svg`.
pub fn figure_path_in(name: ExperimentName, dir: &Path, lang: Lang) -> PathBuf {
    let own = dir.join(figure_file(name.slug(), lang));
    match own.is_file() {
        true => own,
        false => figure_path(name, dir),
    }
}
