//! The hyperparameter checks behind every optimizer's `validate`.

use crate::OptimError;

/// Checks that a learning rate is finite and positive.
pub(crate) fn check_learning_rate(optimizer: &'static str, value: f64) -> Result<(), OptimError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(OptimError::InvalidHyperparameter {
            optimizer,
            hyperparameter: "learning_rate",
            value,
            expected: "finite and > 0",
        })
    }
}

/// Checks that a momentum, decay rate or β lies in `[0, 1)` (NaN does not).
pub(crate) fn check_unit_interval(
    optimizer: &'static str,
    hyperparameter: &'static str,
    value: f64,
) -> Result<(), OptimError> {
    if (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err(OptimError::InvalidHyperparameter {
            optimizer,
            hyperparameter,
            value,
            expected: "in [0, 1)",
        })
    }
}
