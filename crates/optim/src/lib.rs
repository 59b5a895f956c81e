//! The optimizers of *Deep Learning from Scratch* (ゼロから作るDeep Learning, ch. 6,
//! `common/optimizer.py`): [`Sgd`], [`Momentum`], [`Nesterov`], [`AdaGrad`], [`RmsProp`] and
//! [`Adam`], with the book's default hyperparameters and update formulas.
//!
//! A network hands an optimizer its parameters as an iterator of [`Param`]s (name, value,
//! gradient); [`Optimizer::update`] is the book's `update(params, grads)`. Per-parameter state
//! (velocity, squared-gradient sums, moments) is created lazily, as zeros, the first time a
//! parameter name is seen, and is kept keyed by that name. After that first step an update
//! allocates nothing: every formula is applied element by element, in place.
//!
//! [`AnyOptimizer`] holds any of the six, so a caller can choose one by name ([`by_name`],
//! case-insensitive like the book's `Trainer`) and still serialise it, state included, with
//! serde.
//!
//! ```
//! use scratchnet_optim::{AnyOptimizer, OptimError, Optimizer, by_name};
//! use scratchnet_tensor::{Matrix, Param};
//!
//! let mut w = Matrix::<f64>::from_row_slice(1, 2, &[1.0, 2.0]);
//! let grad = Matrix::from_row_slice(1, 2, &[0.5, -1.0]);
//!
//! // "Momentum" with the book's defaults: lr 0.01, momentum 0.9.
//! let mut optimizer: AnyOptimizer<f64> = by_name("Momentum", None)?;
//! assert_eq!(optimizer.learning_rate(), 0.01);
//! for _ in 0..2 {
//!     let mut params = std::iter::once(Param { name: "W1", value: &mut w, grad: &grad });
//!     optimizer.update(&mut params);
//! }
//! // v₁ = −0.01·g, v₂ = 0.9·v₁ − 0.01·g = −0.019·g, so w = w₀ − 0.029·g.
//! assert!((w[(0, 0)] - (1.0 - 0.029 * 0.5)).abs() < 1e-12);
//! assert!((w[(0, 1)] - (2.0 + 0.029)).abs() < 1e-12);
//!
//! // Unknown names are rejected with the list of valid ones.
//! let error = by_name::<f64>("lbfgs", None).unwrap_err();
//! assert!(error.to_string().contains("sgd, momentum, nesterov, adagrad, rmsprop, adam"));
//! # Ok::<(), OptimError>(())
//! ```
//!
//! Arithmetic happens in the parameter's own type `T` with the hyperparameters cast to `T`, as
//! NumPy does when it multiplies a `float32` array by a Python float; scalar-only expressions
//! (such as `(1 + momentum)·lr` or Adam's bias correction) are computed in `f64` first, in the
//! book's order of operations.

#![warn(missing_docs)]

mod adagrad;
mod adam;
mod momentum;
mod nesterov;
mod rmsprop;
mod sgd;

use std::collections::BTreeMap;

pub use adagrad::AdaGrad;
pub use adam::Adam;
pub use momentum::Momentum;
pub use nesterov::Nesterov;
pub use rmsprop::RmsProp;
use scratchnet_tensor::{Float, Matrix, Param};
use serde::{Deserialize, Serialize};
pub use sgd::Sgd;

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

/// The names [`by_name`] accepts (case-insensitively), in the book's order.
pub const OPTIMIZER_NAMES: [&str; 6] =
    ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];

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

/// All six optimizers behind one type, so a caller can pick by name and still serialise the
/// state. Serialised with the lowercase names of [`OPTIMIZER_NAMES`] as variant tags.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", bound = "T: Float")]
pub enum AnyOptimizer<T: Float> {
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

impl<T: Float> AnyOptimizer<T> {
    /// The optimizer's name, as in [`OPTIMIZER_NAMES`].
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sgd(_) => Sgd::NAME,
            Self::Momentum(_) => Momentum::<T>::NAME,
            Self::Nesterov(_) => Nesterov::<T>::NAME,
            Self::AdaGrad(_) => AdaGrad::<T>::NAME,
            Self::RmsProp(_) => RmsProp::<T>::NAME,
            Self::Adam(_) => Adam::<T>::NAME,
        }
    }

    /// Checks every hyperparameter (useful after deserialising or editing the public fields).
    pub fn validate(&self) -> Result<(), OptimError> {
        match self {
            Self::Sgd(o) => o.validate(),
            Self::Momentum(o) => o.validate(),
            Self::Nesterov(o) => o.validate(),
            Self::AdaGrad(o) => o.validate(),
            Self::RmsProp(o) => o.validate(),
            Self::Adam(o) => o.validate(),
        }
    }

    /// Forgets all per-parameter state (and Adam's iteration count), keeping the
    /// hyperparameters: the optimizer behaves as if newly created.
    pub fn reset(&mut self) {
        match self {
            Self::Sgd(_) => {}
            Self::Momentum(o) => o.reset(),
            Self::Nesterov(o) => o.reset(),
            Self::AdaGrad(o) => o.reset(),
            Self::RmsProp(o) => o.reset(),
            Self::Adam(o) => o.reset(),
        }
    }
}

/// SGD with the book's default learning rate, like the book's `Trainer` default `'SGD'`.
impl<T: Float> Default for AnyOptimizer<T> {
    fn default() -> Self {
        Self::Sgd(Sgd::default())
    }
}

impl<T: Float> Optimizer<T> for AnyOptimizer<T> {
    fn update(&mut self, params: &mut dyn Iterator<Item = Param<'_, T>>) {
        match self {
            Self::Sgd(o) => Optimizer::<T>::update(o, params),
            Self::Momentum(o) => o.update(params),
            Self::Nesterov(o) => o.update(params),
            Self::AdaGrad(o) => o.update(params),
            Self::RmsProp(o) => o.update(params),
            Self::Adam(o) => o.update(params),
        }
    }

    fn learning_rate(&self) -> f64 {
        match self {
            Self::Sgd(o) => o.learning_rate,
            Self::Momentum(o) => o.learning_rate,
            Self::Nesterov(o) => o.learning_rate,
            Self::AdaGrad(o) => o.learning_rate,
            Self::RmsProp(o) => o.learning_rate,
            Self::Adam(o) => o.learning_rate,
        }
    }
}

impl<T: Float> From<Sgd> for AnyOptimizer<T> {
    fn from(optimizer: Sgd) -> Self {
        Self::Sgd(optimizer)
    }
}

impl<T: Float> From<Momentum<T>> for AnyOptimizer<T> {
    fn from(optimizer: Momentum<T>) -> Self {
        Self::Momentum(optimizer)
    }
}

impl<T: Float> From<Nesterov<T>> for AnyOptimizer<T> {
    fn from(optimizer: Nesterov<T>) -> Self {
        Self::Nesterov(optimizer)
    }
}

impl<T: Float> From<AdaGrad<T>> for AnyOptimizer<T> {
    fn from(optimizer: AdaGrad<T>) -> Self {
        Self::AdaGrad(optimizer)
    }
}

impl<T: Float> From<RmsProp<T>> for AnyOptimizer<T> {
    fn from(optimizer: RmsProp<T>) -> Self {
        Self::RmsProp(optimizer)
    }
}

impl<T: Float> From<Adam<T>> for AnyOptimizer<T> {
    fn from(optimizer: Adam<T>) -> Self {
        Self::Adam(optimizer)
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
    let canonical = canonical_name(name)?;
    let lr = match learning_rate {
        Some(lr) => lr,
        None => default_learning_rate(canonical)?,
    };
    let optimizer = match canonical {
        "sgd" => AnyOptimizer::Sgd(Sgd::new(lr)),
        "momentum" => AnyOptimizer::Momentum(Momentum::new(lr)),
        "nesterov" => AnyOptimizer::Nesterov(Nesterov::new(lr)),
        "adagrad" => AnyOptimizer::AdaGrad(AdaGrad::new(lr)),
        "rmsprop" => AnyOptimizer::RmsProp(RmsProp::new(lr)),
        _ => AnyOptimizer::Adam(Adam::new(lr)),
    };
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
    Ok(match canonical_name(name)? {
        "sgd" => Sgd::DEFAULT_LEARNING_RATE,
        "momentum" => Momentum::<f64>::DEFAULT_LEARNING_RATE,
        "nesterov" => Nesterov::<f64>::DEFAULT_LEARNING_RATE,
        "adagrad" => AdaGrad::<f64>::DEFAULT_LEARNING_RATE,
        "rmsprop" => RmsProp::<f64>::DEFAULT_LEARNING_RATE,
        _ => Adam::<f64>::DEFAULT_LEARNING_RATE,
    })
}

/// The entry of [`OPTIMIZER_NAMES`] equal to `name` ignoring ASCII case.
fn canonical_name(name: &str) -> Result<&'static str, OptimError> {
    OPTIMIZER_NAMES
        .iter()
        .copied()
        .find(|candidate| candidate.eq_ignore_ascii_case(name))
        .ok_or_else(|| OptimError::UnknownOptimizer {
            name: name.to_owned(),
        })
}

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

/// Panics unless the gradient has the parameter's shape.
pub(crate) fn check_gradient<T: Float>(param: &Param<'_, T>) {
    assert_eq!(
        param.grad.shape(),
        param.value.shape(),
        "gradient of parameter {:?} has the wrong shape",
        param.name
    );
}

/// The state matrix kept for parameter `name`, created as zeros of `shape` the first time the
/// name is seen (the book's `np.zeros_like(val)`). Allocates only then.
pub(crate) fn state_for<'s, T: Float>(
    states: &'s mut BTreeMap<String, Matrix<T>>,
    name: &str,
    shape: (usize, usize),
) -> &'s mut Matrix<T> {
    if !states.contains_key(name) {
        states.insert(name.to_owned(), Matrix::zeros(shape.0, shape.1));
    }
    match states.get_mut(name) {
        Some(state) => {
            assert_eq!(
                state.shape(),
                shape,
                "parameter {name:?} changed shape since its optimizer state was created"
            );
            state
        }
        None => unreachable!("the state of {name:?} was inserted above"),
    }
}

/// Test helpers shared by the per-optimizer unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use super::Optimizer;
    use scratchnet_tensor::{Matrix, Param};

    /// The starting parameter of the three-step tests (row-major 2×2).
    pub const P0: [f64; 4] = [1.0, -2.0, 0.5, 3.0];
    /// The gradients of steps 1, 2 and 3 (row-major 2×2).
    pub const GRADS: [[f64; 4]; 3] = [
        [0.1, -0.2, 0.3, 0.4],
        [-0.5, 0.25, 0.0, 1.5],
        [0.2, 0.1, -0.3, -0.05],
    ];

    /// Runs three updates of one 2×2 parameter `"W1"` and returns its value after each.
    pub fn three_steps(optimizer: &mut dyn Optimizer<f64>) -> Vec<Matrix<f64>> {
        let mut value = Matrix::from_row_slice(2, 2, &P0);
        let mut after = Vec::new();
        for grad in GRADS {
            let grad = Matrix::from_row_slice(2, 2, &grad);
            let param = Param {
                name: "W1",
                value: &mut value,
                grad: &grad,
            };
            optimizer.update(&mut std::iter::once(param));
            after.push(value.clone());
        }
        after
    }

    /// Asserts `actual` equals the row-major `expected` to 1e-12.
    pub fn assert_close(actual: &Matrix<f64>, expected: [f64; 4]) {
        let expected = Matrix::from_row_slice(2, 2, &expected);
        for (a, e) in actual.as_slice().iter().zip(expected.as_slice().iter()) {
            assert!((a - e).abs() < 1e-12, "got\n{actual}\nexpected\n{expected}");
        }
    }
}
