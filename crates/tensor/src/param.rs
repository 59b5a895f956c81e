//! A named parameter with its gradient: what a network hands an optimizer.

use crate::{Float, Matrix};

/// One trainable parameter (`W1`, `b1`, `gamma1`, …), its value and its current gradient.
///
/// The book passes `params` and `grads` as two dicts keyed by the same names; here the pair
/// travels together so an optimizer can never mix them up.
#[derive(Debug)]
pub struct Param<'a, T: Float> {
    /// The book's parameter name, e.g. `"W1"`.
    pub name: &'a str,
    /// The value the optimizer updates in place.
    pub value: &'a mut Matrix<T>,
    /// ∂L/∂value from the last backward pass.
    pub grad: &'a Matrix<T>,
}
