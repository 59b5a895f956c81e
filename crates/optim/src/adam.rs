//! Adam: the book's `Adam` class.
//!
//! ```text
//! t ← t + 1                                   # once per update() call
//! η_t ← η·√(1 − β₂^t) / (1 − β₁^t)
//! m ← m + (1 − β₁)·(g − m)
//! v ← v + (1 − β₂)·(g ⊙ g − v)
//! W ← W − η_t·m / (√v + 1e−7)
//! ```
//!
//! Book code: `self.iter += 1`,
//! `lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)`,
//! `self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])`,
//! `self.v[key] += (1 - self.beta2) * (grads[key]**2 - self.v[key])`,
//! `params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)`.
//!
//! As in the book, the iteration counter `t` is one per optimizer, not per parameter: it counts
//! [`update`](Optimizer::update) calls (even calls with no parameters). A parameter first seen
//! mid-run starts with `m = v = 0` but uses the optimizer's current `t` in the bias correction.
//! (The book creates `m` and `v` for every parameter on the first call only.)

use scratchnet_tensor::{Float, Matrix, Param};
use serde::{Deserialize, Serialize};

use crate::checks::{check_learning_rate, check_unit_interval};
use crate::state::State;
use crate::{EPSILON, OptimError, Optimizer};

/// Adam (§6.1.6; the book gives no equation and codes the paper's bias-corrected step). The
/// book's `Adam(lr=0.001, beta1=0.9, beta2=0.999)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "T: Float")]
pub struct Adam<T: Float> {
    /// η, the book's `lr`.
    pub learning_rate: f64,
    /// β₁, the decay of the first moment, in `[0, 1)`.
    pub beta1: f64,
    /// β₂, the decay of the second moment, in `[0, 1)`.
    pub beta2: f64,
    /// The book's `iter`: the number of `update` calls so far.
    iteration: u64,
    /// The first and second moments `[m, v]` of each parameter, by name.
    moments: State<T, 2>,
}

impl<T: Float> Adam<T> {
    /// The name [`by_name`](crate::by_name) knows it by.
    pub const NAME: &'static str = "adam";
    /// The book's default `lr`.
    pub const DEFAULT_LEARNING_RATE: f64 = 0.001;
    /// Buffers kept per parameter (each the parameter's shape).
    pub const STATE_BUFFERS: usize = State::<T, 2>::BUFFERS;
    /// The book's default `beta1`.
    pub const DEFAULT_BETA1: f64 = 0.9;
    /// The book's default `beta2`.
    pub const DEFAULT_BETA2: f64 = 0.999;

    /// Adam with learning rate `learning_rate` and the book's β₁ 0.9 and β₂ 0.999.
    pub fn new(learning_rate: f64) -> Self {
        Self::with_betas(learning_rate, Self::DEFAULT_BETA1, Self::DEFAULT_BETA2)
    }

    /// Adam with all hyperparameters given.
    pub fn with_betas(learning_rate: f64, beta1: f64, beta2: f64) -> Self {
        Self {
            learning_rate,
            beta1,
            beta2,
            iteration: 0,
            moments: State::new(),
        }
    }

    /// The iteration counter `t`: how many times [`update`](Optimizer::update) has been called.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// The bias-corrected step size `η·√(1 − β₂^t) / (1 − β₁^t)` of iteration `t` (≥ 1), in
    /// `f64` as the book computes it.
    pub fn corrected_learning_rate(&self, t: u64) -> f64 {
        let t = t as f64;
        self.learning_rate * (1.0 - self.beta2.powf(t)).sqrt() / (1.0 - self.beta1.powf(t))
    }

    /// The first moment `m` of parameter `name`, if it has been updated at least once.
    pub fn first_moment(&self, name: &str) -> Option<&Matrix<T>> {
        self.moments.get(name).map(|[m, _]| m)
    }

    /// The second moment `v` of parameter `name`, if it has been updated at least once.
    pub fn second_moment(&self, name: &str) -> Option<&Matrix<T>> {
        self.moments.get(name).map(|[_, v]| v)
    }

    /// Forgets both moments and sets `t` back to 0: the optimizer behaves as if newly created.
    pub fn reset(&mut self) {
        self.iteration = 0;
        self.moments.clear();
    }

    /// Checks that the learning rate is finite and positive and both βs are in `[0, 1)`.
    ///
    /// # Errors
    ///
    /// [`OptimError::InvalidHyperparameter`] naming the offending field.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_learning_rate(Self::NAME, self.learning_rate)?;
        check_unit_interval(Self::NAME, "beta1", self.beta1)?;
        check_unit_interval(Self::NAME, "beta2", self.beta2)
    }
}

impl<T: Float> Default for Adam<T> {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LEARNING_RATE)
    }
}

impl<T: Float> Optimizer<T> for Adam<T> {
    fn update(&mut self, params: &mut dyn Iterator<Item = Param<'_, T>>) {
        self.iteration += 1;
        let lr_t = T::cast(self.corrected_learning_rate(self.iteration));
        let one_minus_beta1 = T::cast(1.0 - self.beta1);
        let one_minus_beta2 = T::cast(1.0 - self.beta2);
        let epsilon = T::cast(EPSILON);
        self.moments.apply(params, |p, g, [m, v]| {
            *m += one_minus_beta1 * (g - *m);
            *v += one_minus_beta2 * (g * g - *v);
            *p -= lr_t * *m / (v.sqrt() + epsilon);
        });
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
        // lr 0.1, β₁ 0.9, β₂ 0.999 (tests/expected_values.py). Step 1 moves each element by
        // −0.1·√0.001/0.1 · 0.1·g / (√0.001·|g| + 1e−7) ≈ −0.1·sign(g).
        let mut optimizer = Adam::new(0.1);
        let after = three_steps(&mut optimizer);
        let step1 = 0.1 * f64::sqrt(1.0 - 0.999) / (1.0 - 0.9) * (0.1 * 0.1)
            / (f64::sqrt(0.001 * 0.1 * 0.1) + 1e-7);
        assert_close(
            &after[0],
            [
                1.0 - step1,
                -1.9000015811138304,
                0.4000010540814424,
                2.900000790563165,
            ],
        );
        assert_close(
            &after[1],
            [
                0.9598382093008055,
                -1.916274646515541,
                0.33299593531716887,
                2.8108406486126616,
            ],
        );
        assert_close(
            &after[2],
            [
                0.9795575883451514,
                -1.947338587274081,
                0.34158264272838956,
                2.7440128638989276,
            ],
        );
        assert_eq!(optimizer.iteration(), 3);
        // m₃ = 0.1·(0.81·g₁ + 0.9·g₂ + g₃), v₃ = 0.001·(0.999²·g₁² + 0.999·g₂² + g₃²).
        let g = [GRADS[0][0], GRADS[1][0], GRADS[2][0]];
        let m = 0.1 * (0.81 * g[0] + 0.9 * g[1] + g[2]);
        let v = 0.001 * (0.998001 * g[0] * g[0] + 0.999 * g[1] * g[1] + g[2] * g[2]);
        let m_actual = optimizer.first_moment("W1").map(|m| m[(0, 0)]);
        let v_actual = optimizer.second_moment("W1").map(|v| v[(0, 0)]);
        assert!((m_actual.unwrap_or(f64::NAN) - m).abs() < 1e-12);
        assert!((v_actual.unwrap_or(f64::NAN) - v).abs() < 1e-12);
    }

    #[test]
    fn iteration_counts_update_calls() {
        let mut optimizer = Adam::<f64>::default();
        optimizer.update(&mut std::iter::empty());
        optimizer.update(&mut std::iter::empty());
        assert_eq!(optimizer.iteration(), 2);
        optimizer.reset();
        assert_eq!(optimizer.iteration(), 0);
        let expected = 0.001 * f64::sqrt(1.0 - 0.999 * 0.999) / (1.0 - 0.9 * 0.9);
        assert!((optimizer.corrected_learning_rate(2) - expected).abs() < 1e-15);
    }

    #[test]
    fn defaults_are_the_books() {
        let optimizer = Adam::<f64>::default();
        assert_eq!(
            (optimizer.learning_rate, optimizer.beta1, optimizer.beta2),
            (0.001, 0.9, 0.999)
        );
    }

    #[test]
    fn validate_rejects_bad_hyperparameters() {
        assert!(Adam::<f64>::default().validate().is_ok());
        for (lr, beta1, beta2) in [(0.0, 0.9, 0.999), (0.001, 1.0, 0.999), (0.001, 0.9, 1.0)] {
            let optimizer = Adam::<f64>::with_betas(lr, beta1, beta2);
            assert!(optimizer.validate().is_err(), "{lr} {beta1} {beta2}");
        }
    }
}
