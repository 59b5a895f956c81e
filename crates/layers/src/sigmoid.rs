//! The book's `Sigmoid` layer (ch. 5.5.2).
//!
//! Forward: `out = 1 / (1 + e^−x)`. Backward: `dx = dout·(1 − out)·out`.

use crate::{ColumnOp, Elementwise, Layer};
use scratchnet_tensor::{Float, Matrix, resize_for};

/// The book's `Sigmoid` (§5.5.2): `out = 1 / (1 + e^−x)` (eq. 5.9), keeping `out` because
/// `backward` is `dout·out·(1 − out)` (eq. 5.12, fig. 5-22).
#[derive(Clone, Debug)]
pub struct Sigmoid<T: Float> {
    /// Output of the last training-mode forward (`backward` reads it).
    out: Matrix<T>,
    /// Output of the last inference-mode forward, kept apart so it does not overwrite `out`.
    inference_out: Matrix<T>,
    /// `∂L/∂x` buffer.
    dx: Matrix<T>,
}

impl<T: Float> Sigmoid<T> {
    /// A layer with empty buffers.
    pub fn new() -> Self {
        Self {
            out: Matrix::zeros(0, 0),
            inference_out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
        }
    }
}

impl<T: Float> Default for Sigmoid<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float> Elementwise<T> for Sigmoid<T> {
    fn column_op(&self, _column: usize) -> ColumnOp<T> {
        ColumnOp::Sigmoid
    }
}

impl<T: Float> Layer<T> for Sigmoid<T> {
    /// `out = 1 / (1 + e^−x)`. The training-mode output is what `backward` differentiates; an
    /// inference-mode forward writes to a separate buffer and leaves it alone.
    fn forward(&mut self, x: &Matrix<T>, train: bool) -> &Matrix<T> {
        let buffer = if train {
            &mut self.out
        } else {
            &mut self.inference_out
        };
        let mut out = std::mem::replace(buffer, Matrix::zeros(0, 0));
        self.infer_matrix(x, &mut out);
        if train {
            self.out = out;
            &self.out
        } else {
            self.inference_out = out;
            &self.inference_out
        }
    }

    /// `dx = dout·(1 − out)·out`.
    ///
    /// # Panics
    /// If `dout` does not have the shape of the last training-mode output.
    fn backward(&mut self, dout: &Matrix<T>) -> &Matrix<T> {
        assert_eq!(
            dout.shape(),
            self.out.shape(),
            "Sigmoid::backward: dout must match the output of the last training-mode forward"
        );
        resize_for(&mut self.dx, dout.nrows(), dout.ncols());
        let one = T::one();
        for ((d, &g), &y) in self
            .dx
            .as_mut_slice()
            .iter_mut()
            .zip(dout.as_slice().iter())
            .zip(self.out.as_slice().iter())
        {
            *d = g * (one - y) * y;
        }
        &self.dx
    }

    fn infer(&self, x: &Matrix<T>, out: &mut Matrix<T>) {
        self.infer_matrix(x, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_gradients_match, random_matrix, weighted_sum};
    use scratchnet_tensor::numerical_gradient;

    #[test]
    fn known_values() {
        let mut layer = Sigmoid::new();
        let x = Matrix::<f64>::from_row_slice(1, 4, &[0.0, 2.0, -2.0, -1000.0]);
        let out = layer.forward(&x, true).clone();
        let expected = [0.5, 0.8807970779778823, 0.11920292202211755, 0.0];
        for (o, e) in out.as_slice().iter().zip(expected) {
            assert!((o - e).abs() < 1e-15, "{o} vs {e}");
        }
        let dx = layer.backward(&Matrix::from_element(1, 4, 2.0));
        assert_eq!(dx[(0, 0)], 0.5); // 2·(1 − 0.5)·0.5
        assert!((dx[(0, 1)] - 2.0 * 0.8807970779778823 * 0.11920292202211755).abs() < 1e-15);
        let mut inferred = Matrix::zeros(0, 0);
        layer.infer(&x, &mut inferred);
        assert_eq!(inferred, out);
    }

    #[test]
    fn gradient_check() {
        let mut x = random_matrix(4, 6, -4.0, 4.0, 21);
        let r = random_matrix(4, 6, -1.0, 1.0, 22);
        let mut layer = Sigmoid::new();
        layer.forward(&x, true);
        let dx = layer.backward(&r).clone();
        let numeric = numerical_gradient(&mut x, |x| weighted_sum(layer.forward(x, true), &r));
        assert_gradients_match("Sigmoid dx", &dx, &numeric);
    }

    #[test]
    fn inference_forward_keeps_the_training_output() {
        let mut layer = Sigmoid::new();
        let x = Matrix::<f64>::from_row_slice(1, 1, &[0.0]);
        layer.forward(&x, true);
        let inferred = layer
            .forward(&Matrix::from_row_slice(1, 1, &[3.0]), false)
            .clone();
        assert!((inferred[0] - 0.9525741268224334).abs() < 1e-15);
        // Still the derivative at x = 0: (1 − 0.5)·0.5.
        assert_eq!(
            layer.backward(&Matrix::from_row_slice(1, 1, &[1.0]))[0],
            0.25
        );
    }

    #[test]
    fn buffers_are_reused() {
        let mut layer = Sigmoid::new();
        let x = random_matrix(7, 5, -1.0, 1.0, 23);
        let out_ptr = layer.forward(&x, true).as_ptr();
        let dx_ptr = layer.backward(&x).as_ptr();
        assert_eq!(layer.forward(&x, true).as_ptr(), out_ptr);
        assert_eq!(layer.backward(&x).as_ptr(), dx_ptr);
    }
}
