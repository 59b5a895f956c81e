//! Momentum SGD: the book's `Momentum` class.
//!
//! ```text
//! v ← α·v − η·∂L/∂W
//! W ← W + v
//! ```
//!
//! Book code: `self.v[key] = self.momentum*self.v[key] - self.lr*grads[key]`,
//! `params[key] += self.v[key]`. The velocity `v` starts at zero for each parameter.

use std::collections::BTreeMap;

use scratchnet_tensor::{Float, Matrix, Param};
use serde::{Deserialize, Serialize};

use crate::{
    OptimError, Optimizer, check_gradient, check_learning_rate, check_unit_interval, state_for,
};

/// SGD with momentum. The book's `Momentum(lr=0.01, momentum=0.9)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "T: Float")]
pub struct Momentum<T: Float> {
    /// η, the book's `lr`.
    pub learning_rate: f64,
    /// α, the book's `momentum`, in `[0, 1)`.
    pub momentum: f64,
    /// The velocity `v` of each parameter, by name.
    velocity: BTreeMap<String, Matrix<T>>,
}

impl<T: Float> Momentum<T> {
    /// The name [`by_name`](crate::by_name) knows it by.
    pub const NAME: &'static str = "momentum";
    /// The book's default `lr`.
    pub const DEFAULT_LEARNING_RATE: f64 = 0.01;
    /// The book's default `momentum`.
    pub const DEFAULT_MOMENTUM: f64 = 0.9;

    /// Momentum with learning rate `learning_rate` and the book's momentum 0.9.
    pub fn new(learning_rate: f64) -> Self {
        Self::with_momentum(learning_rate, Self::DEFAULT_MOMENTUM)
    }

    /// Momentum with both hyperparameters given.
    pub fn with_momentum(learning_rate: f64, momentum: f64) -> Self {
        Self {
            learning_rate,
            momentum,
            velocity: BTreeMap::new(),
        }
    }

    /// The velocity `v` of parameter `name`, if it has been updated at least once.
    pub fn velocity(&self, name: &str) -> Option<&Matrix<T>> {
        self.velocity.get(name)
    }

    /// Forgets every velocity: the optimizer behaves as if newly created.
    pub fn reset(&mut self) {
        self.velocity.clear();
    }

    /// Checks that the learning rate is finite and positive and the momentum in `[0, 1)`.
    ///
    /// # Errors
    ///
    /// [`OptimError::InvalidHyperparameter`] naming the offending field.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_learning_rate(Self::NAME, self.learning_rate)?;
        check_unit_interval(Self::NAME, "momentum", self.momentum)
    }
}

impl<T: Float> Default for Momentum<T> {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LEARNING_RATE)
    }
}

impl<T: Float> Optimizer<T> for Momentum<T> {
    fn update(&mut self, params: &mut dyn Iterator<Item = Param<'_, T>>) {
        let lr = T::cast(self.learning_rate);
        let momentum = T::cast(self.momentum);
        for param in params {
            check_gradient(&param);
            let v = state_for(&mut self.velocity, param.name, param.value.shape());
            for ((p, &g), v) in param
                .value
                .iter_mut()
                .zip(param.grad.as_slice().iter())
                .zip(v.as_mut_slice().iter_mut())
            {
                *v = momentum * *v - lr * g;
                *p += *v;
            }
        }
    }

    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{GRADS, assert_close, three_steps};

    #[test]
    fn three_steps_match_hand_computed_values() {
        // v = 0.9·v − 0.1·g; p += v (tests/expected_values.py).
        let mut optimizer = Momentum::new(0.1);
        let after = three_steps(&mut optimizer);
        assert_close(&after[0], [0.99, -1.98, 0.47, 2.96]);
        assert_close(&after[1], [1.031, -1.987, 0.443, 2.774]);
        assert_close(&after[2], [1.0479, -2.0033, 0.4487, 2.6116]);
        // v₃ = 0.81·(−0.1·g₁) + 0.9·(−0.1·g₂) − 0.1·g₃ = p₃ − p₂.
        let v1 = -0.081 * GRADS[0][0] - 0.09 * GRADS[1][0] - 0.1 * GRADS[2][0];
        let velocity = optimizer.velocity("W1").map(|v| v[(0, 0)]);
        assert!((velocity.unwrap_or(f64::NAN) - v1).abs() < 1e-12);
        assert!(optimizer.velocity("b1").is_none());
    }

    #[test]
    fn defaults_are_the_books() {
        let optimizer = Momentum::<f64>::default();
        assert_eq!((optimizer.learning_rate, optimizer.momentum), (0.01, 0.9));
        assert_eq!(Momentum::<f32>::new(0.3).momentum, 0.9);
    }

    #[test]
    fn reset_forgets_the_velocity() {
        let mut optimizer = Momentum::new(0.1);
        three_steps(&mut optimizer);
        optimizer.reset();
        assert!(optimizer.velocity("W1").is_none());
        assert_close(&three_steps(&mut optimizer)[0], [0.99, -1.98, 0.47, 2.96]);
    }

    #[test]
    fn validate_rejects_bad_hyperparameters() {
        assert!(Momentum::<f64>::default().validate().is_ok());
        assert!(Momentum::<f64>::with_momentum(0.1, 0.0).validate().is_ok());
        for (lr, momentum) in [(0.0, 0.9), (0.1, 1.0), (0.1, -0.1), (0.1, f64::NAN)] {
            let optimizer = Momentum::<f64>::with_momentum(lr, momentum);
            assert!(optimizer.validate().is_err(), "{lr} {momentum}");
        }
    }
}
