//! The book's `Relu` layer (ch. 5.5.1).
//!
//! Forward: `mask = (x <= 0)`, `out = x` with the masked elements set to 0.
//! Backward: `dx = dout` with the masked elements set to 0.

use crate::{ColumnOp, Elementwise, Layer};
use scratchnet_tensor::{Float, Matrix, resize_for};

/// The book's `Relu` (§5.5.1): `out = max(x, 0)` (eq. 5.7), remembering the mask `x <= 0`
/// so that `backward` passes `dout` only where `x > 0` (eq. 5.8, fig. 5-18).
#[derive(Clone, Debug)]
pub struct Relu<T: Float> {
    /// `x <= 0` of the last training-mode forward, in the matrices' column-major order.
    mask: Vec<bool>,
    /// Shape of the input `mask` belongs to.
    mask_shape: (usize, usize),
    /// Output buffer.
    out: Matrix<T>,
    /// `∂L/∂x` buffer.
    dx: Matrix<T>,
}

impl<T: Float> Relu<T> {
    /// A layer with empty buffers.
    pub fn new() -> Self {
        Self {
            mask: Vec::new(),
            mask_shape: (0, 0),
            out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
        }
    }
}

impl<T: Float> Default for Relu<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float> Elementwise<T> for Relu<T> {
    fn column_op(&self, _column: usize) -> ColumnOp<T> {
        ColumnOp::Relu
    }
}

impl<T: Float> Layer<T> for Relu<T> {
    /// `out = max(x, 0)`; in training mode also records the mask `x <= 0`.
    fn forward(&mut self, x: &Matrix<T>, train: bool) -> &Matrix<T> {
        if !train {
            let mut out = std::mem::replace(&mut self.out, Matrix::zeros(0, 0));
            self.infer_matrix(x, &mut out);
            self.out = out;
            return &self.out;
        }
        resize_for(&mut self.out, x.nrows(), x.ncols());
        self.mask.resize(x.len(), false);
        self.mask_shape = x.shape();
        let zero = T::zero();
        for ((o, m), &v) in self
            .out
            .as_mut_slice()
            .iter_mut()
            .zip(self.mask.as_mut_slice().iter_mut())
            .zip(x.as_slice().iter())
        {
            *m = v <= zero;
            *o = ColumnOp::Relu.apply(v);
        }
        &self.out
    }

    /// `dx = dout` where the mask is false, else 0.
    ///
    /// # Panics
    /// If `dout` does not have the shape of the last training-mode input.
    fn backward(&mut self, dout: &Matrix<T>) -> &Matrix<T> {
        assert_eq!(
            dout.shape(),
            self.mask_shape,
            "Relu::backward: dout must match the input of the last training-mode forward"
        );
        resize_for(&mut self.dx, dout.nrows(), dout.ncols());
        let zero = T::zero();
        for ((d, &m), &g) in self
            .dx
            .as_mut_slice()
            .iter_mut()
            .zip(self.mask.as_slice().iter())
            .zip(dout.as_slice().iter())
        {
            *d = if m { zero } else { g };
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
        let mut layer = Relu::new();
        let x = Matrix::<f64>::from_row_slice(2, 3, &[1.0, -0.5, 0.0, -2.0, 3.0, 0.25]);
        let out = layer.forward(&x, true).clone();
        assert_eq!(
            out,
            Matrix::from_row_slice(2, 3, &[1.0, 0.0, 0.0, 0.0, 3.0, 0.25])
        );
        let dout = Matrix::from_row_slice(2, 3, &[10.0, 20.0, 30.0, 40.0, 50.0, 60.0]);
        // x = 0 is masked, as in the book (mask = x <= 0).
        assert_eq!(
            *layer.backward(&dout),
            Matrix::from_row_slice(2, 3, &[10.0, 0.0, 0.0, 0.0, 50.0, 60.0])
        );
        let mut inferred = Matrix::zeros(0, 0);
        layer.infer(&x, &mut inferred);
        assert_eq!(inferred, out);
        assert_eq!(*layer.forward(&x, false), out);
    }

    #[test]
    fn gradient_check() {
        // |x| in [0.1, 1): central differences with h = 1e-4 never straddle the kink.
        let magnitude = random_matrix(5, 4, 0.1, 1.0, 11);
        let sign = random_matrix(5, 4, -1.0, 1.0, 12);
        let mut x = magnitude.zip_map(&sign, |m, s| if s < 0.0 { -m } else { m });
        let r = random_matrix(5, 4, -1.0, 1.0, 13);
        let mut layer = Relu::new();
        layer.forward(&x, true);
        let dx = layer.backward(&r).clone();
        let numeric = numerical_gradient(&mut x, |x| weighted_sum(layer.forward(x, true), &r));
        assert_gradients_match("Relu dx", &dx, &numeric);
        assert!(dx.as_slice().contains(&0.0) && dx.as_slice().iter().any(|&v| v != 0.0));
    }

    #[test]
    fn inference_forward_keeps_the_mask() {
        let mut layer = Relu::new();
        let x = Matrix::<f64>::from_row_slice(1, 2, &[1.0, -1.0]);
        let dout = Matrix::from_row_slice(1, 2, &[5.0, 5.0]);
        layer.forward(&x, true);
        layer.forward(&Matrix::from_row_slice(1, 2, &[-1.0, 1.0]), false);
        assert_eq!(
            *layer.backward(&dout),
            Matrix::from_row_slice(1, 2, &[5.0, 0.0])
        );
    }

    #[test]
    fn buffers_are_reused() {
        let mut layer = Relu::new();
        let x = random_matrix(7, 5, -1.0, 1.0, 14);
        let out_ptr = layer.forward(&x, true).as_ptr();
        let dx_ptr = layer.backward(&x).as_ptr();
        let mask_ptr = layer.mask.as_ptr();
        assert_eq!(layer.forward(&x, true).as_ptr(), out_ptr);
        assert_eq!(layer.backward(&x).as_ptr(), dx_ptr);
        assert_eq!(layer.mask.as_ptr(), mask_ptr);
    }

    #[test]
    #[should_panic(expected = "Relu::backward: dout must match")]
    fn backward_shape_is_checked() {
        let mut layer = Relu::<f64>::new();
        layer.forward(&Matrix::zeros(2, 2), true);
        layer.backward(&Matrix::zeros(2, 3));
    }
}
