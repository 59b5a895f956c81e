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

use scratchnet_tensor::Float;

use crate::{MomentumMethod, VelocityStep};

/// Nesterov momentum as the book codes it. The book's `Nesterov(lr=0.01, momentum=0.9)`, in
/// its `common/optimizer.py` (§6.1's text presents SGD, Momentum, AdaGrad and Adam).
pub type Nesterov<T> = MomentumMethod<T, NesterovStep>;

/// The step of [`Nesterov`], in the book's order: `v ← α·v − η·g`, then `W ← W + α²·v` and
/// `W ← W − (1 + α)·η·g`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NesterovStep;

impl VelocityStep for NesterovStep {
    const NAME: &'static str = "nesterov";

    fn step<T: Float>(learning_rate: f64, momentum: f64) -> impl Fn(&mut T, T, &mut T) {
        // Python evaluates these scalar products before touching the arrays.
        let momentum_squared = T::cast(momentum * momentum);
        let step = T::cast((1.0 + momentum) * learning_rate);
        let lr = T::cast(learning_rate);
        let momentum = T::cast(momentum);
        move |p, g, v| {
            *v *= momentum;
            *v -= lr * g;
            *p += momentum_squared * *v;
            *p -= step * g;
        }
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
