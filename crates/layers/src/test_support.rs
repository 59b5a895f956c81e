//! Helpers shared by the unit tests: seeded inputs, the scalar test loss and the error measure
//! of the gradient checks.

use scratchnet_tensor::Matrix;
use scratchnet_tensor::random::{seeded, uniform_matrix};

/// Largest relative error a gradient check accepts.
pub const TOLERANCE: f64 = 1e-6;

/// Seeded entries uniform in `[low, high)`.
pub fn random_matrix(rows: usize, cols: usize, low: f64, high: f64, seed: u64) -> Matrix<f64> {
    uniform_matrix::<f64>(rows, cols, &mut seeded(seed)).map(|v| low + (high - low) * v)
}

/// The scalar test loss `L = Σ out ⊙ r`, whose gradient with respect to `out` is `r`.
pub fn weighted_sum(out: &Matrix<f64>, r: &Matrix<f64>) -> f64 {
    assert_eq!(out.shape(), r.shape(), "weights must match the output");
    out.iter().zip(r.iter()).map(|(a, b)| a * b).sum()
}

/// `max_i |a_i − n_i| / max(|a_i| + |n_i|, 1e−8)` over all elements.
pub fn max_relative_error(analytic: &Matrix<f64>, numeric: &Matrix<f64>) -> f64 {
    assert_eq!(
        analytic.shape(),
        numeric.shape(),
        "gradients of different shapes"
    );
    analytic
        .iter()
        .zip(numeric.iter())
        .map(|(a, n)| (a - n).abs() / (a.abs() + n.abs()).max(1e-8))
        .fold(0.0, f64::max)
}

/// Panics with both gradients when their relative error reaches [`TOLERANCE`].
pub fn assert_gradients_match(what: &str, analytic: &Matrix<f64>, numeric: &Matrix<f64>) {
    let error = max_relative_error(analytic, numeric);
    assert!(
        error < TOLERANCE,
        "{what}: relative error {error:e}\nanalytic {analytic}\nnumeric {numeric}"
    );
}
