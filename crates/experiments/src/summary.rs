//! A run's summary, `NAME.json`: what was run, on which data and build, how it ended.

use scratchnet_network::NetworkConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Every epoch ran and the final test pass was made.
    Completed,
    /// Stopped at an epoch boundary on request (Ctrl-C, SIGTERM, the lab's Stop).
    Interrupted,
    /// The loss stopped being a finite number.
    Diverged,
    /// Writing the results failed (e.g. a full disk).
    Failed,
}

impl RunStatus {
    /// The status as written in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Interrupted => "interrupted",
            Self::Diverged => "diverged",
            Self::Failed => "failed",
        }
    }
}

/// Which arithmetic and random streams produced a run's numbers: 1 = before the keyed random
/// streams (files without the field), 2 = keyed streams (batches and each dropout layer's
/// masks keyed by seed, purpose and layer), 3 = the training step's first layer reads
/// byte-stored images as sparse rows (its product and weight gradient summed over the
/// dense/sparse column split, so in another order; masks and batches as in 2). Bumped
/// whenever the same command's bytes change.
pub const NUMERICS: u32 = 3;

/// The `numerics` of a summary written before the field existed.
fn numerics_before_the_field() -> u32 {
    1
}

/// The contents of `NAME.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The run's name.
    pub name: String,
    /// How it ended.
    pub status: RunStatus,
    /// Why it diverged or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Every option, as `RunConfig` serialises it (the lab's form reads it back).
    pub config: serde_json::Value,
    /// What started it: the command line, or the lab.
    pub command: Vec<String>,
    /// scratchnet's version.
    pub scratchnet_version: String,
    /// The arithmetic version ([`NUMERICS`]) that produced the numbers.
    #[serde(default = "numerics_before_the_field")]
    pub numerics: u32,
    /// The checked-out commit, when known.
    pub git_commit: Option<String>,
    /// Scalar type of the computation.
    pub scalar: String,
    /// The data it saw.
    pub dataset: DatasetSummary,
    /// The network it built.
    pub network: NetworkConfig,
    /// The optimizer.
    pub optimizer: OptimizerSummary,
    /// The Trainer's settings.
    pub trainer: TrainerSummary,
    /// Worker threads.
    pub threads: usize,
    /// Wall time of the training loop, seconds.
    pub wall_seconds: f64,
    /// Epochs whose records are in the CSV.
    pub epochs_completed: usize,
    /// Accuracies at the end.
    #[serde(rename = "final")]
    pub final_result: FinalResult,
}

/// The data a run saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    /// `mnist` or `fashion-mnist`.
    pub name: String,
    /// Where it was loaded from.
    pub dir: String,
    /// The pinned SHA-256 of each file (every load verifies them).
    pub sha256: BTreeMap<String, String>,
    /// Training images used.
    pub train_size: usize,
    /// Test images.
    pub test_size: usize,
}

/// The optimizer of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimizerSummary {
    /// Its name.
    pub name: String,
    /// The learning rate used.
    pub learning_rate: f64,
}

/// The Trainer's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainerSummary {
    /// Epochs asked for.
    pub epochs: usize,
    /// Batch size.
    pub mini_batch_size: usize,
    /// Per-epoch evaluation limit.
    pub evaluate_sample_num_per_epoch: Option<usize>,
    /// Iterations per epoch.
    pub iterations_per_epoch: usize,
    /// How epochs are counted.
    pub epoch_rule: String,
}

/// Where a run ended.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FinalResult {
    /// Training accuracy at the last epoch.
    pub train_acc: Option<f64>,
    /// Test accuracy at the last epoch.
    pub test_acc: Option<f64>,
    /// Training loss at the last epoch.
    pub train_loss: Option<f64>,
    /// Accuracy of the final pass over every test image (completed runs only).
    pub full_test_acc: Option<f64>,
}

impl RunSummary {
    /// Reads a summary written by a run.
    pub fn read(path: &Path) -> Result<Self, std::io::Error> {
        let text = std::fs::read_to_string(path)?;
        serde_json::from_str(&text).map_err(std::io::Error::other)
    }
}
