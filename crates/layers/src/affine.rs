//! The book's `Affine` layer (§5.6.1–§5.6.2, figs. 5-24…5-27): a fully connected layer.
//!
//! Forward: `out = x·W + b` (`x` is N×in, `W` in×out, `b` 1×out broadcast over the rows).
//! Backward: `dx = dout·Wᵀ`, `dW = xᵀ·dout` (eq. 5.13), `db = Σ_rows dout` (fig. 5-27).

use crate::{ColumnOp, Layer};
use scratchnet_tensor::random::{self, Rng};
use scratchnet_tensor::{
    Float, Matrix, SparseRows, SparseWeights, TransposeBuffers, add_row_broadcast,
    column_sums_into, matmul, matmul_nt, matmul_tn, resize_for,
};

/// The book's `Affine` (§5.6.2): `out = x·W + b`; `backward` gives `∂L/∂X = ∂L/∂Y·Wᵀ` and
/// keeps `∂L/∂W = Xᵀ·∂L/∂Y` (eq. 5.13) and `∂L/∂b = Σ_rows ∂L/∂Y` (fig. 5-27).
#[derive(Clone, Debug)]
pub struct Affine<T: Float> {
    /// `W`, `in × out`.
    pub weight: Matrix<T>,
    /// `b`, `1 × out`.
    pub bias: Matrix<T>,
    /// `∂L/∂W` from the last `backward` (`in × out`).
    pub grad_weight: Matrix<T>,
    /// `∂L/∂b` from the last `backward` (`1 × out`).
    pub grad_bias: Matrix<T>,
    /// Copy of the input of the last training-mode forward (`dW = xᵀ·dout` needs it).
    x: Matrix<T>,
    /// Output buffer.
    out: Matrix<T>,
    /// `∂L/∂x` buffer.
    dx: Matrix<T>,
    /// `W` laid out for the column split of sparse batches, refilled every sparse forward.
    sparse_weight: Option<SparseWeights<T>>,
    /// Reused by the weight gradient of a sparse batch.
    transpose_buffers: TransposeBuffers<T>,
}

impl<T: Float> Affine<T> {
    /// A layer with the given weight (`in × out`) and bias (`1 × out`); gradients start at zero.
    ///
    /// # Panics
    /// If `bias` is not `1 × weight.ncols()`.
    pub fn new(weight: Matrix<T>, bias: Matrix<T>) -> Self {
        assert_eq!(
            bias.shape(),
            (1, weight.ncols()),
            "Affine: the bias must be 1×{} for a {}×{} weight",
            weight.ncols(),
            weight.nrows(),
            weight.ncols()
        );
        let grad_weight = Matrix::zeros(weight.nrows(), weight.ncols());
        let grad_bias = Matrix::zeros(1, weight.ncols());
        Self {
            weight,
            bias,
            grad_weight,
            grad_bias,
            x: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
            sparse_weight: None,
            transpose_buffers: TransposeBuffers::default(),
        }
    }

    /// A `fan_in × fan_out` layer with weights `std · N(0, 1)` drawn from `rng` and zero
    /// biases: the book's `weight_init_std * np.random.randn(…)`, `np.zeros(…)`.
    pub fn random(fan_in: usize, fan_out: usize, std: f64, rng: &mut Rng) -> Self {
        let weight = random::normal_matrix(fan_in, fan_out, std, rng);
        Self::new(weight, Matrix::zeros(1, fan_out))
    }

    /// Number of input features (rows of `W`).
    pub fn input_size(&self) -> usize {
        self.weight.nrows()
    }

    /// Number of output features (columns of `W`).
    pub fn output_size(&self) -> usize {
        self.weight.ncols()
    }

    /// `out = x·W + b` into `out`.
    fn affine_into(weight: &Matrix<T>, bias: &Matrix<T>, x: &Matrix<T>, out: &mut Matrix<T>) {
        assert_eq!(
            x.ncols(),
            weight.nrows(),
            "Affine: the input has {} features, the weight expects {}",
            x.ncols(),
            weight.nrows()
        );
        matmul(x, weight, out);
        add_row_broadcast(out, bias);
    }

    /// The bias of output `column` as a column operation: the second half of inference, once
    /// the product `x·W` is done.
    pub fn bias_op(&self, column: usize) -> ColumnOp<T> {
        ColumnOp::Add(self.bias[column])
    }

    /// The parameter half of `backward`: `dW = xᵀ·dout`, `db = Σ_rows dout`, without `dx`.
    /// A network's first layer needs no `∂L/∂x` (the input is data), which saves one of its
    /// three products per step.
    ///
    /// # Panics
    /// If `dout` is not `N × out` for the `N` rows of the last training-mode forward.
    pub fn backward_params_only(&mut self, dout: &Matrix<T>) {
        assert_eq!(
            dout.shape(),
            (self.x.nrows(), self.weight.ncols()),
            "Affine::backward: dout must match the output of the last training-mode forward"
        );
        matmul_tn(&self.x, dout, &mut self.grad_weight);
        column_sums_into(dout, &mut self.grad_bias);
    }
}

/// The first layer of a training step on sparse rows (a batch gathered from byte-stored
/// images): the same `x·W + b` and `dW = xᵀ·dout`, over the rows' dense/sparse column split.
/// The input is not copied; the caller passes the same batch to both halves.
impl<T: Float> Affine<T> {
    /// Training-mode `out = x·W + b` for a sparse batch: the dense columns by `gemm`, the
    /// others one multiply-add per non-zero entry. A later dense [`Layer::backward`] panics
    /// (its cached input is cleared): use [`Self::backward_params_sparse`] with the same `x`.
    ///
    /// # Panics
    /// If `x` does not have [`Self::input_size`] features.
    pub fn forward_sparse(&mut self, x: &SparseRows<T>) -> &Matrix<T> {
        assert_eq!(
            x.ncols(),
            self.input_size(),
            "Affine: the input has {} features, the weight expects {}",
            x.ncols(),
            self.input_size()
        );
        let weight = match &mut self.sparse_weight {
            Some(laid_out) if laid_out.fits(x.split()) => {
                laid_out.refill(&self.weight);
                laid_out
            }
            slot => slot.insert(SparseWeights::new(&self.weight, x.split())),
        };
        x.matmul_rows(0, x.nrows(), weight, &mut self.out);
        add_row_broadcast(&mut self.out, &self.bias);
        let features = self.input_size();
        resize_for(&mut self.x, 0, features);
        &self.out
    }

    /// The parameter half of the backward pass of [`Self::forward_sparse`]: `dW = xᵀ·dout`
    /// over the column split and `db = Σ_rows dout`; no `∂L/∂x` (the input is data).
    ///
    /// # Panics
    /// If `dout` is not `N × out` for the `N` rows of `x`.
    pub fn backward_params_sparse(&mut self, x: &SparseRows<T>, dout: &Matrix<T>) {
        assert_eq!(
            dout.shape(),
            (x.nrows(), self.weight.ncols()),
            "Affine::backward: dout must match the output of the sparse forward"
        );
        x.transpose_matmul(dout, &mut self.transpose_buffers, &mut self.grad_weight);
        column_sums_into(dout, &mut self.grad_bias);
    }
}

impl<T: Float> Layer<T> for Affine<T> {
    /// `out = x·W + b`. In training mode the input is copied for `backward`; an inference-mode
    /// forward leaves that cache alone.
    fn forward(&mut self, x: &Matrix<T>, train: bool) -> &Matrix<T> {
        Self::affine_into(&self.weight, &self.bias, x, &mut self.out);
        if train {
            resize_for(&mut self.x, x.nrows(), x.ncols());
            self.x.as_mut_slice().copy_from_slice(x.as_slice());
        }
        &self.out
    }

    /// `dx = dout·Wᵀ`, and stores `dW = xᵀ·dout`, `db = Σ_rows dout`.
    ///
    /// # Panics
    /// If `dout` is not `N × out` for the `N` rows of the last training-mode forward.
    fn backward(&mut self, dout: &Matrix<T>) -> &Matrix<T> {
        self.backward_params_only(dout);
        matmul_nt(dout, &self.weight, &mut self.dx);
        &self.dx
    }

    fn infer(&self, x: &Matrix<T>, out: &mut Matrix<T>) {
        Self::affine_into(&self.weight, &self.bias, x, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_gradients_match, random_matrix, weighted_sum};
    use scratchnet_tensor::numerical_gradient;

    fn example() -> Affine<f64> {
        Affine::new(
            Matrix::from_row_slice(2, 3, &[1.0, 0.0, -1.0, 2.0, 1.0, 0.0]),
            Matrix::from_row_slice(1, 3, &[0.5, -1.0, 2.0]),
        )
    }

    #[test]
    fn known_values() {
        let mut layer = example();
        let x = Matrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
        let out = layer.forward(&x, true).clone();
        assert_eq!(
            out,
            Matrix::from_row_slice(2, 3, &[5.5, 1.0, 1.0, 11.5, 3.0, -1.0])
        );

        let dout = Matrix::from_row_slice(2, 3, &[1.0, 0.0, 1.0, 0.0, 2.0, -1.0]);
        let dx = layer.backward(&dout).clone();
        assert_eq!(dx, Matrix::from_row_slice(2, 2, &[0.0, 2.0, 1.0, 2.0]));
        assert_eq!(
            layer.grad_weight,
            Matrix::from_row_slice(2, 3, &[1.0, 6.0, -2.0, 2.0, 8.0, -2.0])
        );
        assert_eq!(
            layer.grad_bias,
            Matrix::from_row_slice(1, 3, &[1.0, 2.0, 0.0])
        );

        let mut inferred = Matrix::zeros(0, 0);
        layer.infer(&x, &mut inferred);
        assert_eq!(inferred, out);
    }

    #[test]
    fn known_values_f32() {
        let mut layer = Affine::<f32>::new(
            Matrix::from_row_slice(2, 1, &[2.0, -1.0]),
            Matrix::from_row_slice(1, 1, &[0.25]),
        );
        let x = Matrix::from_row_slice(3, 2, &[1.0, 1.0, 0.0, 2.0, 3.0, 0.5]);
        assert_eq!(
            *layer.forward(&x, true),
            Matrix::from_row_slice(3, 1, &[1.25, -1.75, 5.75])
        );
        assert_eq!(layer.input_size(), 2);
        assert_eq!(layer.output_size(), 1);
    }

    #[test]
    fn gradient_check() {
        let (n, d_in, d_out) = (4, 5, 3);
        let mut layer = Affine::new(
            random_matrix(d_in, d_out, -1.0, 1.0, 1),
            random_matrix(1, d_out, -1.0, 1.0, 2),
        );
        let mut x = random_matrix(n, d_in, -2.0, 2.0, 3);
        let r = random_matrix(n, d_out, -1.0, 1.0, 4);

        layer.forward(&x, true);
        let dx = layer.backward(&r).clone();
        let dw = layer.grad_weight.clone();
        let db = layer.grad_bias.clone();

        let numeric_dx = numerical_gradient(&mut x, |x| weighted_sum(layer.forward(x, true), &r));
        assert_gradients_match("Affine dx", &dx, &numeric_dx);

        let mut w = layer.weight.clone();
        let numeric_dw = numerical_gradient(&mut w, |w| {
            layer.weight.copy_from(w);
            weighted_sum(layer.forward(&x, true), &r)
        });
        layer.weight.copy_from(&w);
        assert_gradients_match("Affine dW", &dw, &numeric_dw);

        let mut b = layer.bias.clone();
        let numeric_db = numerical_gradient(&mut b, |b| {
            layer.bias.copy_from(b);
            weighted_sum(layer.forward(&x, true), &r)
        });
        assert_gradients_match("Affine db", &db, &numeric_db);
    }

    #[test]
    fn inference_forward_keeps_the_training_cache() {
        let mut layer = example();
        let x = Matrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
        let dout = Matrix::from_row_slice(2, 3, &[1.0, 0.0, 1.0, 0.0, 2.0, -1.0]);
        layer.forward(&x, true);
        layer.backward(&dout);
        let expected = layer.grad_weight.clone();
        layer.forward(&Matrix::from_element(2, 2, 9.0), false);
        layer.backward(&dout);
        assert_eq!(layer.grad_weight, expected);
    }

    #[test]
    fn buffers_are_reused() {
        let mut layer = Affine::new(
            random_matrix(6, 4, -1.0, 1.0, 5),
            random_matrix(1, 4, -1.0, 1.0, 6),
        );
        let x = random_matrix(8, 6, -1.0, 1.0, 7);
        let dout = random_matrix(8, 4, -1.0, 1.0, 8);
        let out_ptr = layer.forward(&x, true).as_ptr();
        let dx_ptr = layer.backward(&dout).as_ptr();
        let (dw_ptr, db_ptr) = (layer.grad_weight.as_ptr(), layer.grad_bias.as_ptr());
        assert_eq!(layer.forward(&x, true).as_ptr(), out_ptr);
        assert_eq!(layer.backward(&dout).as_ptr(), dx_ptr);
        assert_eq!(layer.grad_weight.as_ptr(), dw_ptr);
        assert_eq!(layer.grad_bias.as_ptr(), db_ptr);
    }

    #[test]
    #[should_panic(expected = "the bias must be 1×3")]
    fn bias_shape_is_checked() {
        Affine::<f64>::new(Matrix::zeros(2, 3), Matrix::zeros(1, 2));
    }

    #[test]
    #[should_panic(expected = "the input has 3 features, the weight expects 2")]
    fn input_width_is_checked() {
        example().forward(&Matrix::zeros(1, 3), true);
    }
}
