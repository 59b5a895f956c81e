//! Nesterov's accelerated gradient: the book's `Nesterov` class.
//!
//! This follows the book's **code** exactly, in its order (the velocity is updated first, and
//! the parameter step then uses the *updated* velocity):
//!
//! ```text
//! v ← α·v − η·g             # self.v[key] *= self.momentum; self.v[key] -= self.lr * grads[key]
//! W ← W + α²·v              # params[key] += self.momentum * self.momentum * self.v[key]
//! W ← W − (1 + α)·η·g       # params[key] -= (1 + self.momentum) * self.lr * grads[key]
//! ```
//!
//! so one step moves `W` by `α³·v_old − (α² + α + 1)·η·g`. The formulation of Bengio et al.
//! (arXiv:1212.0901, eq. 7), which the book's docstring cites, uses the velocity *before* its
//! update, `W ← W + α²·v_old − (1 + α)·η·g`, and moves by `α²·v_old − (1 + α)·η·g`. Both
//! descend; this crate keeps the book's arithmetic so results match the book's NumPy runs.

use std::collections::BTreeMap;

use scratchnet_tensor::{Float, Matrix, Param};
use serde::{Deserialize, Serialize};

use crate::{
    OptimError, Optimizer, check_gradient, check_learning_rate, check_unit_interval, state_for,
};

/// Nesterov momentum as the book codes it. The book's `Nesterov(lr=0.01, momentum=0.9)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "T: Float")]
pub struct Nesterov<T: Float> {
    /// η, the book's `lr`.
    pub learning_rate: f64,
    /// α, the book's `momentum`, in `[0, 1)`.
    pub momentum: f64,
    /// The velocity `v` of each parameter, by name.
    velocity: BTreeMap<String, Matrix<T>>,
}

impl<T: Float> Nesterov<T> {
    /// The name [`by_name`](crate::by_name) knows it by.
    pub const NAME: &'static str = "nesterov";
    /// The book's default `lr`.
    pub const DEFAULT_LEARNING_RATE: f64 = 0.01;
    /// The book's default `momentum`.
    pub const DEFAULT_MOMENTUM: f64 = 0.9;

    /// Nesterov with learning rate `learning_rate` and the book's momentum 0.9.
    pub fn new(learning_rate: f64) -> Self {
        Self::with_momentum(learning_rate, Self::DEFAULT_MOMENTUM)
    }

    /// Nesterov with both hyperparameters given.
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

impl<T: Float> Default for Nesterov<T> {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LEARNING_RATE)
    }
}

impl<T: Float> Optimizer<T> for Nesterov<T> {
    fn update(&mut self, params: &mut dyn Iterator<Item = Param<'_, T>>) {
        let lr = T::cast(self.learning_rate);
        let momentum = T::cast(self.momentum);
        // Python evaluates these scalar products before touching the arrays.
        let momentum_squared = T::cast(self.momentum * self.momentum);
        let step = T::cast((1.0 + self.momentum) * self.learning_rate);
        for param in params {
            check_gradient(&param);
            let v = state_for(&mut self.velocity, param.name, param.value.shape());
            for ((p, &g), v) in param
                .value
                .iter_mut()
                .zip(param.grad.as_slice().iter())
                .zip(v.as_mut_slice().iter_mut())
            {
                *v *= momentum;
                *v -= lr * g;
                *p += momentum_squared * *v;
                *p -= step * g;
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
    use crate::test_support::{P0, assert_close, three_steps};

    #[test]
    fn three_steps_match_hand_computed_values() {
        // The book's order, lr 0.1, α 0.9 (tests/expected_values.py).
        let mut optimizer = Nesterov::new(0.1);
        let after = three_steps(&mut optimizer);
        assert_close(&after[0], [0.9729, -1.9458, 0.4187, 2.8916]);
        assert_close(&after[1], [1.10111, -1.99897, 0.39683, 2.45594]);
        assert_close(&after[2], [1.076799, -2.031173, 0.458447, 2.333896]);
    }

    #[test]
    fn first_step_uses_the_updated_velocity() {
        // Step 1 from v = 0: the book's code moves by −(α² + α + 1)·η·g = −0.271·g, where the
        // "velocity before update" formulation would move by −(1 + α)·η·g = −0.19·g.
        let after = three_steps(&mut Nesterov::new(0.1));
        assert!((after[0][(0, 0)] - (P0[0] - 0.271 * 0.1)).abs() < 1e-12);
    }

    #[test]
    fn defaults_are_the_books() {
        let optimizer = Nesterov::<f64>::default();
        assert_eq!((optimizer.learning_rate, optimizer.momentum), (0.01, 0.9));
        assert_eq!(Nesterov::<f32>::new(0.3).momentum, 0.9);
    }

    #[test]
    fn validate_rejects_bad_hyperparameters() {
        assert!(Nesterov::<f64>::default().validate().is_ok());
        for (lr, momentum) in [(f64::INFINITY, 0.9), (0.1, 1.5), (0.1, f64::NAN)] {
            let optimizer = Nesterov::<f64>::with_momentum(lr, momentum);
            assert!(optimizer.validate().is_err(), "{lr} {momentum}");
        }
    }
}
