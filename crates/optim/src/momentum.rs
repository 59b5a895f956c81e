//! Momentum SGD: the book's `Momentum` class.
//!
//! ```text
//! v ← α·v − η·∂L/∂W
//! W ← W + v
//! ```
//!
//! Book code: `self.v[key] = self.momentum*self.v[key] - self.lr*grads[key]`,
//! `params[key] += self.v[key]`. The velocity `v` starts at zero for each parameter.

use scratchnet_tensor::Float;

use crate::{MomentumMethod, VelocityStep};

/// SGD with momentum (§6.1.4, eq. 6.3, 6.4). The book's `Momentum(lr=0.01, momentum=0.9)`.
pub type Momentum<T> = MomentumMethod<T, MomentumStep>;

/// The step of [`Momentum`]: `v ← α·v − η·g` (eq. 6.3), then `W ← W + v` (eq. 6.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MomentumStep;

impl VelocityStep for MomentumStep {
    const NAME: &'static str = "momentum";

    fn step<T: Float>(learning_rate: f64, momentum: f64) -> impl Fn(&mut T, T, &mut T) {
        let lr = T::cast(learning_rate);
        let momentum = T::cast(momentum);
        move |p, g, v| {
            *v = momentum * *v - lr * g;
            *p += *v;
        }
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
