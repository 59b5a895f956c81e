//! Chapter-6 experiments started from the lab: their progress, verdict and figure.

use scratchnet_experiments::{ExperimentName, Progress};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

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
}

/// What the API says of an experiment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExperimentInfo {
    /// Its name.
    pub name: &'static str,
    /// The book's figure and what it shows.
    pub describe: &'static str,
    /// Where it stands.
    pub state: ExperimentState,
    /// Quick or full, when started here.
    pub quick: Option<bool>,
    /// Units done and to do.
    pub progress: Option<ExperimentProgress>,
    /// The verdict of its last completed run (from its files).
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

    /// What the API says of it, its files read from `dir`.
    pub fn info(&self, dir: &Path) -> ExperimentInfo {
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
        ExperimentInfo {
            state,
            quick: Some(self.quick),
            progress,
            error,
            ..idle_info(self.name, dir)
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

/// What the API says of an experiment not started here: its files, if any.
pub fn idle_info(name: ExperimentName, dir: &Path) -> ExperimentInfo {
    let verdict = std::fs::read_to_string(dir.join("verdict.txt"))
        .ok()
        .map(|text| text.trim().to_string());
    let figure = figure_path(name, dir)
        .is_file()
        .then(|| format!("/api/experiments/{}/figure", name.slug()));
    ExperimentInfo {
        name: name.slug(),
        describe: name.describe(),
        state: ExperimentState::Idle,
        quick: None,
        progress: None,
        verdict,
        figure,
        error: None,
    }
}

/// `NAME.svg` in the experiment's directory.
pub fn figure_path(name: ExperimentName, dir: &Path) -> PathBuf {
    dir.join(format!("{}.svg", name.slug()))
}
