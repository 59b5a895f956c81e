//! RMSprop: the book's `RMSprop` class.
//!
//! ```text
//! h ← ρ·h + (1 − ρ)·g ⊙ g
//! W ← W − η·g / (√h + 1e−7)
//! ```
//!
//! Book code: `self.h[key] *= self.decay_rate`,
//! `self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]`,
//! `params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)`. The moving average
//! of squared gradients `h` starts at zero for each parameter (no bias correction, like the
//! book: the first steps are large).

use scratchnet_tensor::{Float, Matrix, Param};
use serde::{Deserialize, Serialize};

use crate::checks::{check_learning_rate, check_unit_interval};
use crate::state::State;
use crate::{EPSILON, OptimError, Optimizer};

/// RMSprop (named in §6.1.5): AdaGrad with a decaying average, `h ← ρ·h + (1 − ρ)·g⊙g`. The
/// book's `RMSprop(lr=0.01, decay_rate=0.99)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "T: Float")]
pub struct RmsProp<T: Float> {
    /// η, the book's `lr`.
    pub learning_rate: f64,
    /// ρ, the book's `decay_rate`, in `[0, 1)`.
    pub decay_rate: f64,
    /// The moving average of squared gradients `h` of each parameter, by name.
    h: State<T, 1>,
}

impl<T: Float> RmsProp<T> {
    /// The name [`by_name`](crate::by_name) knows it by.
    pub const NAME: &'static str = "rmsprop";
    /// The book's default `lr`.
    pub const DEFAULT_LEARNING_RATE: f64 = 0.01;
    /// Buffers kept per parameter (each the parameter's shape).
    pub const STATE_BUFFERS: usize = State::<T, 1>::BUFFERS;
    /// The book's default `decay_rate`.
    pub const DEFAULT_DECAY_RATE: f64 = 0.99;

    /// RMSprop with learning rate `learning_rate` and the book's decay rate 0.99.
    pub fn new(learning_rate: f64) -> Self {
        Self::with_decay_rate(learning_rate, Self::DEFAULT_DECAY_RATE)
    }

    /// RMSprop with both hyperparameters given.
    pub fn with_decay_rate(learning_rate: f64, decay_rate: f64) -> Self {
        Self {
            learning_rate,
            decay_rate,
            h: State::new(),
        }
    }

    /// The moving average of squared gradients `h` of parameter `name`, if it has been updated
    /// at least once.
    pub fn mean_squared_gradient(&self, name: &str) -> Option<&Matrix<T>> {
        self.h.get(name).map(|[h]| h)
    }

    /// Forgets every `h`: the optimizer behaves as if newly created.
    pub fn reset(&mut self) {
        self.h.clear();
    }

    /// Checks that the learning rate is finite and positive and the decay rate in `[0, 1)`.
    ///
    /// # Errors
    ///
    /// [`OptimError::InvalidHyperparameter`] naming the offending field.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_learning_rate(Self::NAME, self.learning_rate)?;
        check_unit_interval(Self::NAME, "decay_rate", self.decay_rate)
    }
}

impl<T: Float> Default for RmsProp<T> {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LEARNING_RATE)
    }
}

impl<T: Float> Optimizer<T> for RmsProp<T> {
    fn update(&mut self, params: &mut dyn Iterator<Item = Param<'_, T>>) {
        let lr = T::cast(self.learning_rate);
        let decay = T::cast(self.decay_rate);
        let one_minus_decay = T::cast(1.0 - self.decay_rate);
        let epsilon = T::cast(EPSILON);
        self.h.apply(params, |p, g, [h]| {
            *h *= decay;
            *h += one_minus_decay * g * g;
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
        // lr 0.1, ρ 0.99 (tests/expected_values.py). Step 1: h = 0.01·g², so
        // p − 0.1·g/(0.1·|g| + 1e−7) ≈ p − sign(g): 1 → 1 − 0.01/(0.01 + 1e−7) ≈ 1e−5.
        let mut optimizer = RmsProp::new(0.1);
        let after = three_steps(&mut optimizer);
        let h = (1.0 - 0.99) * 0.1 * 0.1;
        assert_close(
            &after[0],
            [
                1.0 - 0.1 * 0.1 / (f64::sqrt(h) + 1e-7),
                -1.0000049999750005,
                -0.4999966666777773,
                2.0000024999937507,
            ],
        );
        assert_close(
            &after[1],
            [
                0.9807773793982635,
                -1.7823994813083466,
                -0.4999966666777773,
                1.0334472815296554,
            ],
        );
        assert_close(
            &after[2],
            [
                0.6139759544340201,
                -2.0824419404492485,
                0.21065275891975488,
                1.0658111369960928,
            ],
        );
        // h₃ = 0.99²·0.01·g₁² + 0.99·0.01·g₂² + 0.01·g₃² for the first element.
        let expected_h = 0.99 * 0.99 * 0.01 * 0.01 + 0.99 * 0.01 * 0.25 + 0.01 * 0.04;
        let h = optimizer.mean_squared_gradient("W1").map(|h| h[(0, 0)]);
        assert!((h.unwrap_or(f64::NAN) - expected_h).abs() < 1e-12);
    }

    #[test]
    fn defaults_are_the_books() {
        let optimizer = RmsProp::<f64>::default();
        assert_eq!(
            (optimizer.learning_rate, optimizer.decay_rate),
            (0.01, 0.99)
        );
    }

    #[test]
    fn validate_rejects_bad_hyperparameters() {
        assert!(RmsProp::<f64>::default().validate().is_ok());
        for (lr, decay) in [(-0.01, 0.99), (0.01, 1.0), (0.01, -0.5), (0.01, f64::NAN)] {
            let optimizer = RmsProp::<f64>::with_decay_rate(lr, decay);
            assert!(optimizer.validate().is_err(), "{lr} {decay}");
        }
    }
}
