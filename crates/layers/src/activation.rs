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
