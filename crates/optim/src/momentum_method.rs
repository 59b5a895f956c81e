//! What the book's `Momentum` and `Nesterov` share: the hyperparameters (`lr`, `momentum`) and a
//! velocity `v` per parameter, starting at zero. They differ only in how one step moves `v` and
//! the parameter, which a [`VelocityStep`] supplies: see [`Momentum`](crate::Momentum) and
//! [`Nesterov`](crate::Nesterov).

use std::marker::PhantomData;

use scratchnet_tensor::{Float, Matrix, Param};
use serde::{Deserialize, Serialize};

use crate::checks::{check_learning_rate, check_unit_interval};
use crate::state::State;
use crate::{OptimError, Optimizer};

/// How a momentum method moves, element by element: the one thing that differs between
/// [`Momentum`](crate::Momentum) and [`Nesterov`](crate::Nesterov).
pub trait VelocityStep {
    /// The name [`by_name`](crate::by_name) knows the optimizer by.
    const NAME: &'static str;

    /// The element-wise step for learning rate η and momentum α: given a parameter element
    /// `p`, its gradient `g` and its velocity `v`, updates `v` and `p` in place.
    fn step<T: Float>(learning_rate: f64, momentum: f64) -> impl Fn(&mut T, T, &mut T);
}

/// A momentum method with the book's hyperparameters, `Momentum(lr=0.01, momentum=0.9)` or
/// `Nesterov(lr=0.01, momentum=0.9)` depending on the step `S`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "T: Float")]
pub struct MomentumMethod<T: Float, S> {
    /// η, the book's `lr`.
    pub learning_rate: f64,
    /// α, the book's `momentum`, in `[0, 1)`.
    pub momentum: f64,
    /// The velocity `v` of each parameter, by name.
    velocity: State<T, 1>,
    /// The step: a type, not data.
    #[serde(skip)]
    step: PhantomData<S>,
}

impl<T: Float, S: VelocityStep> MomentumMethod<T, S> {
    /// The name [`by_name`](crate::by_name) knows it by.
    pub const NAME: &'static str = S::NAME;
    /// The book's default `lr`.
    pub const DEFAULT_LEARNING_RATE: f64 = 0.01;
    /// Buffers kept per parameter (each the parameter's shape).
    pub const STATE_BUFFERS: usize = State::<T, 1>::BUFFERS;
    /// The book's default `momentum`.
    pub const DEFAULT_MOMENTUM: f64 = 0.9;

    /// The method with learning rate `learning_rate` and the book's momentum 0.9.
    pub fn new(learning_rate: f64) -> Self {
        Self::with_momentum(learning_rate, Self::DEFAULT_MOMENTUM)
    }

    /// The method with both hyperparameters given.
    pub fn with_momentum(learning_rate: f64, momentum: f64) -> Self {
        Self {
            learning_rate,
            momentum,
            velocity: State::new(),
            step: PhantomData,
        }
    }

    /// The velocity `v` of parameter `name`, if it has been updated at least once.
    pub fn velocity(&self, name: &str) -> Option<&Matrix<T>> {
        self.velocity.get(name).map(|[v]| v)
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

impl<T: Float, S: VelocityStep> Default for MomentumMethod<T, S> {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LEARNING_RATE)
    }
}

impl<T: Float, S: VelocityStep> Optimizer<T> for MomentumMethod<T, S> {
    fn update(&mut self, params: &mut dyn Iterator<Item = Param<'_, T>>) {
        let step = S::step::<T>(self.learning_rate, self.momentum);
        self.velocity.apply(params, |p, g, [v]| step(p, g, v));
    }

    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }
}
