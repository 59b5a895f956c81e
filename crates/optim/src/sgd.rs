//! Stochastic gradient descent: the book's `SGD` class.
//!
//! ```text
//! W ← W − η·∂L/∂W
//! ```
//!
//! Book code: `params[key] -= self.lr * grads[key]`. Stateless.

use scratchnet_tensor::{Float, Param};
use serde::{Deserialize, Serialize};

use crate::checks::check_learning_rate;
use crate::state::apply_stateless;
use crate::{OptimError, Optimizer};

/// Plain SGD: `W ← W − η·∂L/∂W` (§6.1.2, eq. 6.1). The book's `SGD(lr=0.01)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sgd {
    /// η, the book's `lr`.
    pub learning_rate: f64,
}

impl Sgd {
    /// The name [`by_name`](crate::by_name) knows it by.
    pub const NAME: &'static str = "sgd";
    /// The book's default `lr`.
    pub const DEFAULT_LEARNING_RATE: f64 = 0.01;
    /// Buffers kept per parameter: none, SGD keeps no state.
    pub const STATE_BUFFERS: usize = 0;

    /// SGD with learning rate `learning_rate`.
    pub const fn new(learning_rate: f64) -> Self {
        Self { learning_rate }
    }

    /// Checks that the learning rate is finite and positive.
    ///
    /// # Errors
    ///
    /// [`OptimError::InvalidHyperparameter`] naming the offending field.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_learning_rate(Self::NAME, self.learning_rate)
    }

    /// Does nothing: SGD keeps no state. (Here so every optimizer can be reset alike.)
    pub fn reset(&mut self) {}
}

impl Default for Sgd {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LEARNING_RATE)
    }
}

impl<T: Float> Optimizer<T> for Sgd {
    fn update(&mut self, params: &mut dyn Iterator<Item = Param<'_, T>>) {
        let lr = T::cast(self.learning_rate);
        apply_stateless(params, |p, g| *p -= lr * g);
    }

    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_close, three_steps};

    #[test]
    fn three_steps_match_hand_computed_values() {
        // p −= 0.1·g, step by step (tests/expected_values.py).
        let after = three_steps(&mut Sgd::new(0.1));
        assert_close(&after[0], [0.99, -1.98, 0.47, 2.96]);
        assert_close(&after[1], [1.04, -2.005, 0.47, 2.81]);
        assert_close(&after[2], [1.02, -2.015, 0.5, 2.815]);
    }

    #[test]
    fn defaults_are_the_books() {
        assert_eq!(
            Sgd::default(),
            Sgd {
                learning_rate: 0.01
            }
        );
        assert_eq!(Optimizer::<f32>::learning_rate(&Sgd::new(0.5)), 0.5);
    }

    #[test]
    fn validate_rejects_bad_learning_rates() {
        for lr in [0.0, -0.1, f64::NAN, f64::INFINITY] {
            assert!(Sgd::new(lr).validate().is_err(), "{lr}");
        }
        assert!(Sgd::default().validate().is_ok());
    }
}
