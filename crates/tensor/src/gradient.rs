//! The book's numerical gradient (ch. 4): central differences, one element at a time.

use crate::{Float, Matrix};

/// Step of the central difference, the book's `h = 1e-4`.
pub const H: f64 = 1e-4;

/// `∂f/∂x` by central differences: `(f(x + h·e_i) − f(x − h·e_i)) / 2h` for each element.
///
/// `x` is perturbed in place and restored exactly after each element, like the book's
/// `numerical_gradient(f, x)`. `f` receives the perturbed matrix; a closure over a network
/// copies it into the parameter it checks.
///
/// ```
/// use scratchnet_tensor::{Matrix, numerical_gradient};
/// let mut x = Matrix::<f64>::from_row_slice(1, 2, &[3.0, 4.0]);
/// // f(x) = x0² + x1², so ∇f = (6, 8) — the book's example.
/// let grad = numerical_gradient(&mut x, |x| x[0] * x[0] + x[1] * x[1]);
/// assert!((grad[0] - 6.0).abs() < 1e-6 && (grad[1] - 8.0).abs() < 1e-6);
/// ```
pub fn numerical_gradient<T: Float>(
    x: &mut Matrix<T>,
    mut f: impl FnMut(&Matrix<T>) -> T,
) -> Matrix<T> {
    let h = T::cast(H);
    let mut grad = Matrix::zeros(x.nrows(), x.ncols());
    for index in 0..x.len() {
        let original = x[index];
        x[index] = original + h;
        let plus = f(x);
        x[index] = original - h;
        let minus = f(x);
        x[index] = original;
        grad[index] = (plus - minus) / (h + h);
    }
    grad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_of_a_cubic_and_x_is_restored() {
        let mut x = Matrix::<f64>::from_row_slice(2, 2, &[1.0, -2.0, 0.5, 3.0]);
        let before = x.clone();
        let grad = numerical_gradient(&mut x, |x| x.iter().map(|v| v * v * v).sum());
        assert_eq!(x, before);
        for (g, v) in grad.iter().zip(before.iter()) {
            // Central differences of v³ have error h² exactly.
            assert!((g - 3.0 * v * v).abs() < 1e-7, "{g} vs {}", 3.0 * v * v);
        }
    }
}
