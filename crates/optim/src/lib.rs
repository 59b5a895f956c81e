#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod checks;
mod kind;
mod momentum_method;
mod registry;
mod state;
#[cfg(test)]
mod test_support;

// One module per optimizer of the book. A new optimizer adds its module and re-export here and
// one entry to the list below.
mod adagrad;
mod adam;
mod momentum;
mod nesterov;
mod rmsprop;
mod sgd;

pub use adagrad::AdaGrad;
pub use adam::Adam;
pub use momentum::{Momentum, MomentumStep};
pub use momentum_method::{MomentumMethod, VelocityStep};
pub use nesterov::{Nesterov, NesterovStep};
pub use rmsprop::RmsProp;
pub use sgd::Sgd;

use scratchnet_tensor::{Float, Param};

/// The ε the book adds to square roots in the denominators of AdaGrad, RMSprop and Adam.
pub const EPSILON: f64 = 1e-7;

/// An optimizer: updates parameters in place from their gradients.
pub trait Optimizer<T: Float> {
    /// One update of every parameter: the book's `update(params, grads)`. Called once per
    /// training step.
    ///
    /// State for a parameter name not seen before is created as zeros.
    ///
    /// # Panics
    ///
    /// If a gradient's shape differs from its parameter's, or a parameter's shape differs from
    /// the shape it had when its state was created.
    fn update(&mut self, params: &mut dyn Iterator<Item = Param<'_, T>>);

    /// The learning rate in use.
    fn learning_rate(&self) -> f64;
}

// Every optimizer, in the book's order: generates `AnyOptimizer` (one variant each, serde tag =
// lowercase variant name), its `From` impls and dispatch, and `OPTIMIZER_NAMES`.
registry::optimizers! {
    /// The book's `SGD`.
    Sgd(Sgd),
    /// The book's `Momentum`.
    Momentum(Momentum<T>),
    /// The book's `Nesterov`.
    Nesterov(Nesterov<T>),
    /// The book's `AdaGrad`.
    AdaGrad(AdaGrad<T>),
    /// The book's `RMSprop`.
    RmsProp(RmsProp<T>),
    /// The book's `Adam`.
    Adam(Adam<T>),
}

/// What can go wrong choosing or configuring an optimizer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimError {
    /// [`by_name`] or [`default_learning_rate`] got a name that is not one of
    /// [`OPTIMIZER_NAMES`].
    #[error("unknown optimizer {name:?}: expected one of {}", OPTIMIZER_NAMES.join(", "))]
    UnknownOptimizer {
        /// The name as given.
        name: String,
    },
    /// A hyperparameter is out of range (non-finite or non-positive learning rate, momentum or
    /// decay outside `[0, 1)`, …).
    #[error("invalid {hyperparameter} {value} for {optimizer}: must be {expected}")]
    InvalidHyperparameter {
        /// The optimizer's name, one of [`OPTIMIZER_NAMES`].
        optimizer: &'static str,
        /// The field, e.g. `"learning_rate"`.
        hyperparameter: &'static str,
        /// The rejected value.
        value: f64,
        /// The valid range, in words.
        expected: &'static str,
    },
}

/// SGD with the book's default learning rate, like the book's `Trainer` default `'SGD'`.
impl<T: Float> Default for AnyOptimizer<T> {
    fn default() -> Self {
        Self::Sgd(Sgd::default())
    }
}

/// The optimizer called `name` (case-insensitive, like the book's `Trainer`: `"SGD"`,
/// `"Adam"`, `"rmsprop"`, …) with the book's default hyperparameters, and `learning_rate` if
/// given (`None` = that optimizer's book default, see [`default_learning_rate`]).
///
/// # Errors
///
/// [`OptimError::UnknownOptimizer`] if `name` is not one of [`OPTIMIZER_NAMES`];
/// [`OptimError::InvalidHyperparameter`] if the learning rate is not finite and positive.
pub fn by_name<T: Float>(
    name: &str,
    learning_rate: Option<f64>,
) -> Result<AnyOptimizer<T>, OptimError> {
    let optimizer = AnyOptimizer::from_name(name, learning_rate)?;
    optimizer.validate()?;
    Ok(optimizer)
}

/// The book's default learning rate of the optimizer called `name` (case-insensitive):
/// 0.001 for Adam, 0.01 for the other five.
///
/// # Errors
///
/// [`OptimError::UnknownOptimizer`] if `name` is not one of [`OPTIMIZER_NAMES`].
pub fn default_learning_rate(name: &str) -> Result<f64, OptimError> {
    // The learning rate of that optimizer as built with the book's defaults.
    Ok(AnyOptimizer::<f64>::from_name(name, None)?.learning_rate())
}
