//! Hooks into a running [`Trainer`](crate::Trainer).

use crate::EpochRecord;
use std::ops::ControlFlow;

/// Sees the run as it happens. Every method has a default that does nothing; `()` is the
/// observer that observes nothing. The trainer calls it from its thread pool (the whole
/// training loop runs there), so [`crate::Trainer::train`] takes a `Send` observer.
pub trait TrainObserver {
    /// After each iteration's update, with the batch loss (1-based iteration).
    fn iteration_done(&mut self, iteration: usize, loss: f64) {
        let _ = (iteration, loss);
    }

    /// After each epoch's evaluation. Return `ControlFlow::Break(())` to stop the run.
    fn epoch_done(&mut self, record: &EpochRecord) -> ControlFlow<()> {
        let _ = record;
        ControlFlow::Continue(())
    }
}

impl TrainObserver for () {}
