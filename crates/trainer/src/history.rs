//! What a training run leaves behind: the book's `train_loss_list`, `train_acc_list` and
//! `test_acc_list`, with the epoch each accuracy belongs to.

use serde::{Deserialize, Serialize};

/// One epoch's evaluation, taken after the epoch's first iteration (like the book).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch number.
    pub epoch: usize,
    /// 1-based iteration after which the evaluation ran.
    pub iteration: usize,
    /// Inference-mode loss on the evaluated training samples (incl. weight decay).
    pub train_loss: f64,
    /// Accuracy on the evaluated training samples.
    pub train_acc: f64,
    /// Accuracy on the evaluated test samples.
    pub test_acc: f64,
}

/// The complete record of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingHistory {
    /// Loss of each iteration's batch after its update, in inference mode (the book's
    /// `train_loss_list`).
    pub train_loss_list: Vec<f64>,
    /// One record per epoch.
    pub epochs: Vec<EpochRecord>,
    /// Accuracy on the whole test set after the last iteration.
    pub final_test_accuracy: f64,
}

impl TrainingHistory {
    /// The book's `train_acc_list`.
    pub fn train_acc_list(&self) -> Vec<f64> {
        self.epochs.iter().map(|record| record.train_acc).collect()
    }

    /// The book's `test_acc_list`.
    pub fn test_acc_list(&self) -> Vec<f64> {
        self.epochs.iter().map(|record| record.test_acc).collect()
    }
}
