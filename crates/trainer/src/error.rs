//! The trainer's errors.

/// What stops a training run.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A setting is out of range (the message names it).
    #[error("{0}")]
    InvalidConfig(String),
    /// Images and labels disagree, or the data does not fit the network.
    #[error("{0}")]
    InvalidData(String),
    /// The loss became NaN or infinite.
    #[error(
        "the loss became {loss} at epoch {epoch} (iteration {iteration}): training diverged; \
         try a lower learning rate"
    )]
    Diverged {
        /// 1-based epoch.
        epoch: usize,
        /// 1-based iteration.
        iteration: usize,
        /// The offending loss value.
        loss: f64,
    },
    /// An observer asked to stop (e.g. it could not write its results), or the flag given to
    /// [`Trainer::stop_on`](crate::Trainer::stop_on) was set.
    #[error("stopped after epoch {epoch}")]
    Stopped {
        /// The last epoch whose record was reported (0: stopped before the first).
        epoch: usize,
    },
}
