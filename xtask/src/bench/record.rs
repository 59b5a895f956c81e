//! The measured runs of one command: wall times, peak RSS and what each run reported about
//! itself, with the summaries the workload table shows.

use super::child::{ChildCommand, Measured};
use super::timing::{median, sorted};
use std::time::Duration;

/// What a run reported: its final accuracies and the time it measured itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reported {
    pub train_acc: f64,
    pub test_acc: f64,
    /// Training time measured inside the run (no start-up or data loading).
    pub seconds: f64,
    /// Worker threads, when the run says.
    pub threads: Option<u64>,
}

/// One run of a command.
#[derive(Debug)]
pub struct RunRecord {
    pub measured: Measured,
    pub reported: Option<Reported>,
}

/// Every run of one command.
#[derive(Debug)]
pub struct Series {
    pub command: ChildCommand,
    pub runs: Vec<RunRecord>,
}

impl Series {
    pub fn new(command: ChildCommand) -> Self {
        Self {
            command,
            runs: Vec::new(),
        }
    }

    /// Wall times, shortest first.
    pub fn walls(&self) -> Vec<Duration> {
        sorted(self.runs.iter().map(|run| run.measured.wall).collect())
    }

    pub fn median_wall(&self) -> Duration {
        median(&self.walls())
    }

    /// The median CPU time (user + system).
    pub fn median_cpu(&self) -> Duration {
        median(&sorted(
            self.runs.iter().map(|run| run.measured.cpu).collect(),
        ))
    }

    /// The highest peak RSS of any run, in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        self.runs
            .iter()
            .map(|run| run.measured.max_rss_kib)
            .max()
            .unwrap_or(0)
    }

    /// What the last run reported.
    pub fn last_reported(&self) -> Option<Reported> {
        self.runs.last().and_then(|run| run.reported)
    }

    /// The median of the training times the runs reported, if every run reported one.
    pub fn median_reported_seconds(&self) -> Option<Duration> {
        let reported: Option<Vec<Duration>> = self
            .runs
            .iter()
            .map(|run| Some(Duration::from_secs_f64(run.reported?.seconds.max(0.0))))
            .collect();
        reported
            .filter(|seconds| !seconds.is_empty())
            .map(|seconds| median(&sorted(seconds)))
    }
}

/// KiB as MB (10^6 bytes).
pub fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}
