//! AdaGrad: the book's `AdaGrad` class.
//!
//! ```text
//! h ← h + g ⊙ g
//! W ← W − η·g / (√h + 1e−7)
//! ```
//!
//! Book code: `self.h[key] += grads[key] * grads[key]`,
//! `params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)`. The sum of squared
//! gradients `h` starts at zero for each parameter.

use scratchnet_tensor::{Float, Matrix, Param};
use serde::{Deserialize, Serialize};

use crate::checks::check_learning_rate;
use crate::state::State;
use crate::{EPSILON, OptimError, Optimizer};

/// AdaGrad (§6.1.5): `h ← h + g⊙g` (eq. 6.5), `W ← W − η·g/(√h + 1e−7)` (eq. 6.6, with the
/// code's `1e−7`). The book's `AdaGrad(lr=0.01)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "T: Float")]
pub struct AdaGrad<T: Float> {
    /// η, the book's `lr`.
    pub learning_rate: f64,
    /// The running sum of squared gradients `h` of each parameter, by name.
    h: State<T, 1>,
}

impl<T: Float> AdaGrad<T> {
    /// The name [`by_name`](crate::by_name) knows it by.
    pub const NAME: &'static str = "adagrad";
    /// The book's default `lr`.
    pub const DEFAULT_LEARNING_RATE: f64 = 0.01;
    /// Buffers kept per parameter (each the parameter's shape).
    pub const STATE_BUFFERS: usize = State::<T, 1>::BUFFERS;

    /// AdaGrad with learning rate `learning_rate`.
    pub fn new(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            h: State::new(),
        }
    }

    /// The sum of squared gradients `h` of parameter `name`, if it has been updated at least
    /// once.
    pub fn squared_gradient_sum(&self, name: &str) -> Option<&Matrix<T>> {
        self.h.get(name).map(|[h]| h)
    }

    /// Forgets every `h`: the optimizer behaves as if newly created.
    pub fn reset(&mut self) {
        self.h.clear();
    }

    /// Checks that the learning rate is finite and positive.
    ///
    /// # Errors
    ///
    /// [`OptimError::InvalidHyperparameter`] naming the offending field.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_learning_rate(Self::NAME, self.learning_rate)
    }
}

impl<T: Float> Default for AdaGrad<T> {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LEARNING_RATE)
    }
}

impl<T: Float> Optimizer<T> for AdaGrad<T> {
    fn update(&mut self, params: &mut dyn Iterator<Item = Param<'_, T>>) {
        let lr = T::cast(self.learning_rate);
        let epsilon = T::cast(EPSILON);
        self.h.apply(params, |p, g, [h]| {
            *h += g * g;
            *p -= lr * g / (h.sqrt() + epsilon);
        });
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
        // lr 0.1 (tests/expected_values.py). Step 1 is p − 0.1·g/(|g| + 1e−7), e.g.
        // 1 − 0.1·0.1/(0.1 + 1e−7) = 0.9000000999999…
        let mut optimizer = AdaGrad::new(0.1);
        let after = three_steps(&mut optimizer);
        assert_close(
            &after[0],
            [
                1.0 - 0.01 / (0.1 + 1e-7),
                -1.900000049999975,
                0.40000003333332224,
                2.9000000249999935,
            ],
        );
        assert_close(
            &after[1],
            [
                0.9980581483382266,
                -1.9780869065540416,
                0.40000003333332224,
                2.8033765372639348,
            ],
        );
        assert_close(
            &after[2],
            [
                0.9615433178378809,
                -2.0079011373651525,
                0.47071069478531424,
                2.806595650956579,
            ],
        );
        // h = g₁² + g₂² + g₃² = 0.01 + 0.25 + 0.04 for the first element.
        let h = optimizer.squared_gradient_sum("W1").map(|h| h[(0, 0)]);
        assert!((h.unwrap_or(f64::NAN) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn defaults_are_the_books() {
        assert_eq!(AdaGrad::<f64>::default().learning_rate, 0.01);
    }

    #[test]
    fn validate_rejects_bad_learning_rates() {
        assert!(AdaGrad::<f32>::default().validate().is_ok());
        for lr in [0.0, -1.0, f64::NAN, f64::NEG_INFINITY] {
            assert!(AdaGrad::<f32>::new(lr).validate().is_err(), "{lr}");
        }
    }
}
