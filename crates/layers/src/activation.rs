//! A layer from a custom elementwise activation ([`ActivationFn`]): forward `y = f(x)`,
//! backward `dx = dout·f′(x, y)`, inference fused into a network's fast pass as
//! [`ColumnOp::Map`].

use crate::{ActivationFn, ColumnOp, Elementwise, Layer};
use scratchnet_tensor::{Float, Matrix, resize_for};
use std::marker::PhantomData;

/// The layer of activation `F` (tanh, leaky ReLU, GELU, …): what [`Relu`](crate::Relu) is
/// to ReLU, for any function written once as an [`ActivationFn`].
#[derive(Clone, Debug)]
pub struct ActivationLayer<F: ActivationFn, T: Float> {
    /// Input of the last training-mode forward.
    x: Matrix<T>,
    /// Output of the last training-mode forward (`y` for the derivative).
    out: Matrix<T>,
    /// Output of the last inference-mode forward, kept apart so it does not overwrite `out`.
    inference_out: Matrix<T>,
    /// `∂L/∂x` buffer.
    dx: Matrix<T>,
    function: PhantomData<F>,
}

impl<F: ActivationFn, T: Float> ActivationLayer<F, T> {
    /// A layer with empty buffers.
    pub fn new() -> Self {
        Self {
            x: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            inference_out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
            function: PhantomData,
        }
    }
}

impl<F: ActivationFn, T: Float> Default for ActivationLayer<F, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: ActivationFn, T: Float> Elementwise<T> for ActivationLayer<F, T> {
    fn column_op(&self, _column: usize) -> ColumnOp<T> {
        ColumnOp::Map(F::value::<T>)
    }
}

impl<F: ActivationFn, T: Float> Layer<T> for ActivationLayer<F, T> {
    /// `y = f(x)`; in training mode the input is kept for the derivative.
    fn forward(&mut self, x: &Matrix<T>, train: bool) -> &Matrix<T> {
        let target = if train {
            &mut self.out
        } else {
            &mut self.inference_out
        };
        let mut out = std::mem::replace(target, Matrix::zeros(0, 0));
        self.infer_matrix(x, &mut out);
        if !train {
            self.inference_out = out;
            return &self.inference_out;
        }
        self.out = out;
        resize_for(&mut self.x, x.nrows(), x.ncols());
        self.x.copy_from(x);
        &self.out
    }

    /// `dx = dout·f′(x, y)` for the last training-mode forward.
    ///
    /// # Panics
    /// If `dout` does not have the shape of the last training-mode input.
    fn backward(&mut self, dout: &Matrix<T>) -> &Matrix<T> {
        assert_eq!(
            dout.shape(),
            self.x.shape(),
            "ActivationLayer::backward: dout must match the input of the last training-mode forward"
        );
        resize_for(&mut self.dx, dout.nrows(), dout.ncols());
        let inputs = self.x.as_slice().iter().zip(self.out.as_slice());
        for ((d, &g), (&x, &y)) in self
            .dx
            .as_mut_slice()
            .iter_mut()
            .zip(dout.as_slice())
            .zip(inputs)
        {
            *d = g * F::derivative(x, y);
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

    /// `tanh`, the custom activation of the tests.
    #[derive(Clone, Copy, Debug)]
    struct Tanh;

    impl ActivationFn for Tanh {
        fn value<T: Float>(x: T) -> T {
            x.tanh()
        }
        fn derivative<T: Float>(_x: T, y: T) -> T {
            T::one() - y * y
        }
    }

    #[test]
    fn known_values_and_inference_agree() {
        let mut layer = ActivationLayer::<Tanh, f64>::new();
        let x = Matrix::from_row_slice(1, 3, &[0.0, 1.0, -2.0]);
        let out = layer.forward(&x, true).clone();
        assert_eq!(out, x.map(f64::tanh));
        let mut inferred = Matrix::zeros(0, 0);
        layer.infer(&x, &mut inferred);
        assert_eq!(inferred, out);
        let dx = layer.backward(&Matrix::from_element(1, 3, 1.0));
        assert_eq!(dx[(0, 0)], 1.0);
    }

    #[test]
    fn gradient_check() {
        let mut x = random_matrix(5, 4, -2.0, 2.0, 21);
        let r = random_matrix(5, 4, -1.0, 1.0, 22);
        let mut layer = ActivationLayer::<Tanh, f64>::new();
        layer.forward(&x, true);
        let dx = layer.backward(&r).clone();
        let numeric = numerical_gradient(&mut x, |x| weighted_sum(layer.forward(x, true), &r));
        assert_gradients_match("tanh dx", &dx, &numeric);
    }
}
