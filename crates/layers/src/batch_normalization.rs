//! The book's `BatchNormalization` layer (ch. 6.3), for 2-D input (batch × features).
//!
//! Training: `μ = mean(x)`, `var = mean((x − μ)²)` (biased) per feature, `std = sqrt(var + 10e−7)`,
//! `xn = (x − μ)/std`, `out = γ·xn + β`; the running statistics move as
//! `running = momentum·running + (1 − momentum)·batch`, starting from zero.
//! Inference: `out = γ·(x − running_mean)/sqrt(running_var + 10e−7) + β`.
//!
//! Backward, exactly the book's: `dβ = Σdout`, `dγ = Σ(xn·dout)`, `dxn = γ·dout`,
//! `dxc = dxn/std`, `dstd = −Σ(dxn·xc)/std²`, `dvar = 0.5·dstd/std`, `dxc += (2/N)·xc·dvar`,
//! `dμ = Σdxc`, `dx = dxc − dμ/N` (sums over the batch).

use crate::{ColumnOp, Elementwise, Layer};
use scratchnet_tensor::{Float, Matrix, resize_for};

/// The book's `10e-7` added to the variance (that is, `1e-6`).
pub const EPSILON: f64 = 10e-7;

/// The book's `BatchNormalization(gamma, beta, momentum)` (§6.3.1): in training,
/// `x̂ = (x − μ_B)/√(σ²_B + ε)` over the batch (eq. 6.7), then `y = γ·x̂ + β` (eq. 6.8);
/// `backward` follows the computation graph of fig. 6-17; inference uses the running averages.
#[derive(Clone, Debug)]
pub struct BatchNormalization<T: Float> {
    /// `γ`, `1 × d`.
    pub gamma: Matrix<T>,
    /// `β`, `1 × d`.
    pub beta: Matrix<T>,
    /// `∂L/∂γ` from the last `backward`.
    pub grad_gamma: Matrix<T>,
    /// `∂L/∂β` from the last `backward`.
    pub grad_beta: Matrix<T>,
    /// Running mean used in inference, `1 × d`, starting at zero.
    pub running_mean: Matrix<T>,
    /// Running (biased) variance used in inference, `1 × d`, starting at zero.
    pub running_var: Matrix<T>,
    /// Weight of the old running value in each update (the book's 0.9).
    pub momentum: f64,
    /// `x − μ` of the last training-mode forward.
    xc: Matrix<T>,
    /// `(x − μ)/std` of the last training-mode forward.
    xn: Matrix<T>,
    /// `sqrt(var + 10e−7)` per feature of the last training-mode forward.
    std: Matrix<T>,
    /// Output buffer.
    out: Matrix<T>,
    /// `∂L/∂x` buffer.
    dx: Matrix<T>,
}

impl<T: Float> BatchNormalization<T> {
    /// A layer with the given `γ` and `β` (both `1 × d`) and momentum; the running statistics
    /// start at zeros (`1 × d`) and the gradients at zero.
    ///
    /// # Panics
    /// If `gamma` is not a single row, `beta` differs in shape, or `momentum` is not in `[0, 1]`.
    pub fn new(gamma: Matrix<T>, beta: Matrix<T>, momentum: f64) -> Self {
        assert_eq!(
            gamma.nrows(),
            1,
            "BatchNormalization: gamma must be a single row"
        );
        assert_eq!(
            beta.shape(),
            gamma.shape(),
            "BatchNormalization: beta must have gamma's shape"
        );
        assert!(
            (0.0..=1.0).contains(&momentum),
            "BatchNormalization: the momentum must be in [0, 1], got {momentum}"
        );
        let features = gamma.ncols();
        Self {
            gamma,
            beta,
            grad_gamma: Matrix::zeros(1, features),
            grad_beta: Matrix::zeros(1, features),
            running_mean: Matrix::zeros(1, features),
            running_var: Matrix::zeros(1, features),
            momentum,
            xc: Matrix::zeros(0, 0),
            xn: Matrix::zeros(0, 0),
            std: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
        }
    }

    /// The book's defaults for `features` inputs: `γ = 1`, `β = 0`, momentum 0.9.
    pub fn with_features(features: usize) -> Self {
        Self::new(
            Matrix::from_element(1, features, T::one()),
            Matrix::zeros(1, features),
            0.9,
        )
    }

    /// Number of features `d`.
    pub fn features(&self) -> usize {
        self.gamma.ncols()
    }

    fn check_input(&self, x: &Matrix<T>) {
        assert_eq!(
            x.ncols(),
            self.gamma.ncols(),
            "BatchNormalization: the input has {} features, gamma has {}",
            x.ncols(),
            self.gamma.ncols()
        );
    }

    /// Inference: `out = γ·(x − running_mean)/sqrt(running_var + 10e−7) + β`.
    fn infer_into(&self, x: &Matrix<T>, out: &mut Matrix<T>) {
        self.check_input(x);
        self.infer_matrix(x, out);
    }

    /// Training: batch statistics, caches for `backward`, output, running statistics.
    fn train_forward(&mut self, x: &Matrix<T>) {
        self.check_input(x);
        let (n, d) = x.shape();
        assert!(
            n > 0,
            "BatchNormalization: a training batch needs at least one sample"
        );
        resize_for(&mut self.xc, n, d);
        resize_for(&mut self.xn, n, d);
        resize_for(&mut self.std, 1, d);
        resize_for(&mut self.out, n, d);
        let n_t = T::cast(n as f64);
        let epsilon = T::cast(EPSILON);
        let momentum = T::cast(self.momentum);
        let one_minus_momentum = T::cast(1.0 - self.momentum);

        // Column-major storage: feature j is the contiguous column j of every matrix.
        let columns = x
            .as_slice()
            .chunks_exact(n)
            .zip(self.xc.as_mut_slice().chunks_exact_mut(n))
            .zip(self.xn.as_mut_slice().chunks_exact_mut(n))
            .zip(self.out.as_mut_slice().chunks_exact_mut(n));
        let features = self
            .gamma
            .iter()
            .zip(self.beta.iter())
            .zip(self.std.iter_mut())
            .zip(
                self.running_mean
                    .iter_mut()
                    .zip(self.running_var.iter_mut()),
            );
        for (
            (((x_col, xc_col), xn_col), out_col),
            (((&gamma, &beta), std), (running_mean, running_var)),
        ) in columns.zip(features)
        {
            let mean = x_col.iter().fold(T::zero(), |acc, &v| acc + v) / n_t;
            let mut square_sum = T::zero();
            for (c, &v) in xc_col.iter_mut().zip(x_col) {
                *c = v - mean;
                square_sum += *c * *c;
            }
            let var = square_sum / n_t;
            *std = (var + epsilon).sqrt();
            for ((xn, o), &c) in xn_col.iter_mut().zip(out_col.iter_mut()).zip(xc_col.iter()) {
                *xn = c / *std;
                *o = gamma * *xn + beta;
            }
            *running_mean = momentum * *running_mean + one_minus_momentum * mean;
            *running_var = momentum * *running_var + one_minus_momentum * var;
        }
    }
}

impl<T: Float> Layer<T> for BatchNormalization<T> {
    /// Training: normalise with the batch statistics and update the running ones. Inference:
    /// normalise with the running statistics, touching neither them nor the caches.
    ///
    /// # Panics
    /// If the input does not have `d` columns, or a training batch is empty.
    fn forward(&mut self, x: &Matrix<T>, train: bool) -> &Matrix<T> {
        if train {
            self.train_forward(x);
        } else {
            let mut out = std::mem::replace(&mut self.out, Matrix::zeros(0, 0));
            self.infer_into(x, &mut out);
            self.out = out;
        }
        &self.out
    }

    /// The book's backward (see the module documentation); stores `dγ` and `dβ`.
    ///
    /// # Panics
    /// If `dout` does not have the shape of the last training-mode input.
    fn backward(&mut self, dout: &Matrix<T>) -> &Matrix<T> {
        assert_eq!(
            dout.shape(),
            self.xn.shape(),
            "BatchNormalization::backward: dout must match the last training-mode input"
        );
        let (n, d) = dout.shape();
        resize_for(&mut self.dx, n, d);
        resize_for(&mut self.grad_gamma, 1, d);
        resize_for(&mut self.grad_beta, 1, d);
        if n == 0 {
            return &self.dx;
        }
        let n_t = T::cast(n as f64);
        let two_over_n = T::cast(2.0) / n_t;
        let half = T::cast(0.5);

        let columns = dout
            .as_slice()
            .chunks_exact(n)
            .zip(self.xc.as_slice().chunks_exact(n))
            .zip(self.xn.as_slice().chunks_exact(n))
            .zip(self.dx.as_mut_slice().chunks_exact_mut(n));
        let features = self
            .gamma
            .iter()
            .zip(self.std.iter())
            .zip(self.grad_gamma.iter_mut().zip(self.grad_beta.iter_mut()));
        for ((((dout_col, xc_col), xn_col), dx_col), ((&gamma, &std), (dgamma, dbeta))) in
            columns.zip(features)
        {
            // dbeta = Σdout, dgamma = Σ(xn·dout), dstd = −Σ(dxn·xc)/std² with dxn = γ·dout.
            let mut sum_dout = T::zero();
            let mut sum_xn_dout = T::zero();
            let mut sum_dstd = T::zero();
            let std_squared = std * std;
            for ((&g, &c), &xn) in dout_col.iter().zip(xc_col).zip(xn_col) {
                sum_dout += g;
                sum_xn_dout += xn * g;
                sum_dstd += (gamma * g * c) / std_squared;
            }
            *dbeta = sum_dout;
            *dgamma = sum_xn_dout;
            let dstd = -sum_dstd;
            let dvar = half * dstd / std;
            // dxc = dxn/std + (2/N)·xc·dvar; dmu = Σdxc; dx = dxc − dmu/N.
            let mut dmu = T::zero();
            for ((dx, &g), &c) in dx_col.iter_mut().zip(dout_col).zip(xc_col) {
                *dx = gamma * g / std + two_over_n * c * dvar;
                dmu += *dx;
            }
            let shift = dmu / n_t;
            for dx in dx_col.iter_mut() {
                *dx -= shift;
            }
        }
        &self.dx
    }

    fn infer(&self, x: &Matrix<T>, out: &mut Matrix<T>) {
        self.infer_into(x, out);
    }
}

/// Inference: `γ·(x − running_mean)/sqrt(running_var + 10e−7) + β` for each feature.
impl<T: Float> Elementwise<T> for BatchNormalization<T> {
    fn column_op(&self, column: usize) -> ColumnOp<T> {
        ColumnOp::Normalize {
            gamma: self.gamma[column],
            beta: self.beta[column],
            mean: self.running_mean[column],
            std: (self.running_var[column] + T::cast(EPSILON)).sqrt(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_gradients_match, random_matrix, weighted_sum};
    use scratchnet_tensor::numerical_gradient;

    /// Per-feature mean and biased variance, computed independently of the layer.
    fn column_stats(x: &Matrix<f64>) -> (Vec<f64>, Vec<f64>) {
        let n = x.nrows() as f64;
        let means: Vec<f64> = x.column_iter().map(|c| c.iter().sum::<f64>() / n).collect();
        let vars = x
            .column_iter()
            .zip(&means)
            .map(|(c, m)| c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n)
            .collect();
        (means, vars)
    }

    #[test]
    fn known_training_values() {
        let mut layer = BatchNormalization::new(
            Matrix::from_row_slice(1, 2, &[2.0, 1.0]),
            Matrix::from_row_slice(1, 2, &[0.5, -1.0]),
            0.9,
        );
        // Feature 0: [1, 3] → μ 2, var 1. Feature 1: [5, 5] → μ 5, var 0.
        let x = Matrix::from_row_slice(2, 2, &[1.0, 5.0, 3.0, 5.0]);
        let out = layer.forward(&x, true).clone();
        let s = (1.0f64 + 1e-6).sqrt();
        assert!((out[(0, 0)] - (2.0 * (-1.0 / s) + 0.5)).abs() < 1e-15);
        assert!((out[(1, 0)] - (2.0 * (1.0 / s) + 0.5)).abs() < 1e-15);
        assert_eq!(out[(0, 1)], -1.0);
        assert_eq!(out[(1, 1)], -1.0);
        assert!((layer.running_mean[0] - 0.2).abs() < 1e-15);
        assert!((layer.running_mean[1] - 0.5).abs() < 1e-15);
        assert!((layer.running_var[0] - 0.1).abs() < 1e-15);
        assert_eq!(layer.running_var[1], 0.0);
    }

    #[test]
    fn running_statistics_follow_the_closed_form() {
        let mut layer = BatchNormalization::<f64>::with_features(3);
        assert_eq!(layer.momentum, 0.9);
        assert_eq!(layer.running_mean, Matrix::zeros(1, 3));
        assert_eq!(layer.running_var, Matrix::zeros(1, 3));
        let batches: Vec<Matrix<f64>> = (0..5)
            .map(|i| random_matrix(6, 3, -1.0 + i as f64, 2.0 + 2.0 * i as f64, 40 + i))
            .collect();
        for batch in &batches {
            layer.forward(batch, true);
        }
        // running_k = (1 − 0.9)·Σ_i 0.9^(k−1−i)·batch_i, from zero.
        let k = batches.len();
        for j in 0..3 {
            let (mut mean, mut var) = (0.0, 0.0);
            for (i, batch) in batches.iter().enumerate() {
                let (means, vars) = column_stats(batch);
                let weight = 0.1 * 0.9f64.powi((k - 1 - i) as i32);
                mean += weight * means[j];
                var += weight * vars[j];
            }
            assert!((layer.running_mean[j] - mean).abs() < 1e-12, "mean {j}");
            assert!((layer.running_var[j] - var).abs() < 1e-12, "var {j}");
        }
    }

    #[test]
    fn training_output_is_standardised() {
        let mut layer = BatchNormalization::<f64>::with_features(4);
        let x = random_matrix(50, 4, -3.0, 7.0, 50);
        let out = layer.forward(&x, true).clone();
        let (means, vars) = column_stats(&out);
        for (mean, var) in means.iter().zip(&vars) {
            assert!(mean.abs() < 1e-12, "mean {mean}");
            // var/(var + 1e-6) with var ≈ 8: 1 within 1e-6.
            assert!((var - 1.0).abs() < 1e-6, "var {var}");
        }
    }

    #[test]
    fn inference_uses_the_running_statistics() {
        let mut layer = BatchNormalization::new(
            Matrix::from_row_slice(1, 2, &[2.0, 1.0]),
            Matrix::from_row_slice(1, 2, &[0.5, 0.0]),
            0.9,
        );
        layer.running_mean = Matrix::from_row_slice(1, 2, &[1.0, -2.0]);
        layer.running_var = Matrix::from_row_slice(1, 2, &[4.0, 0.25]);
        let x = Matrix::from_row_slice(2, 2, &[3.0, -2.0, 1.0, -1.0]);
        let expected = Matrix::from_row_slice(
            2,
            2,
            &[
                2.0 * (2.0 / (4.0f64 + 1e-6).sqrt()) + 0.5,
                0.0,
                0.5,
                1.0 / (0.25f64 + 1e-6).sqrt(),
            ],
        );
        let out = layer.forward(&x, false).clone();
        assert!(
            (&out - &expected).abs().max() < 1e-15,
            "{out} vs {expected}"
        );
        let mut inferred = Matrix::zeros(0, 0);
        layer.infer(&x, &mut inferred);
        assert_eq!(inferred, out);
        // Inference leaves the running statistics alone.
        assert_eq!(
            layer.running_mean,
            Matrix::from_row_slice(1, 2, &[1.0, -2.0])
        );
        assert_eq!(
            layer.running_var,
            Matrix::from_row_slice(1, 2, &[4.0, 0.25])
        );
    }

    #[test]
    fn inference_forward_keeps_the_training_cache() {
        let mut layer = BatchNormalization::<f64>::with_features(2);
        let x = random_matrix(4, 2, -1.0, 1.0, 51);
        let dout = random_matrix(4, 2, -1.0, 1.0, 52);
        layer.forward(&x, true);
        let dx = layer.backward(&dout).clone();
        layer.forward(&random_matrix(4, 2, -5.0, 5.0, 53), false);
        assert_eq!(*layer.backward(&dout), dx);
    }

    #[test]
    fn gradient_check_in_training_mode() {
        let (n, d) = (5, 3);
        let mut layer = BatchNormalization::new(
            random_matrix(1, d, 0.5, 1.5, 54),
            random_matrix(1, d, -0.5, 0.5, 55),
            0.9,
        );
        let mut x = random_matrix(n, d, -2.0, 2.0, 56);
        let r = random_matrix(n, d, -1.0, 1.0, 57);
        layer.forward(&x, true);
        let dx = layer.backward(&r).clone();
        let dgamma = layer.grad_gamma.clone();
        let dbeta = layer.grad_beta.clone();

        let numeric_dx = numerical_gradient(&mut x, |x| weighted_sum(layer.forward(x, true), &r));
        assert_gradients_match("BatchNormalization dx", &dx, &numeric_dx);

        let mut gamma = layer.gamma.clone();
        let numeric_dgamma = numerical_gradient(&mut gamma, |g| {
            layer.gamma.copy_from(g);
            weighted_sum(layer.forward(&x, true), &r)
        });
        layer.gamma.copy_from(&gamma);
        assert_gradients_match("BatchNormalization dgamma", &dgamma, &numeric_dgamma);

        let mut beta = layer.beta.clone();
        let numeric_dbeta = numerical_gradient(&mut beta, |b| {
            layer.beta.copy_from(b);
            weighted_sum(layer.forward(&x, true), &r)
        });
        assert_gradients_match("BatchNormalization dbeta", &dbeta, &numeric_dbeta);
    }

    #[test]
    fn buffers_are_reused() {
        let mut layer = BatchNormalization::<f64>::with_features(5);
        let x = random_matrix(8, 5, -1.0, 1.0, 58);
        let out_ptr = layer.forward(&x, true).as_ptr();
        let dx_ptr = layer.backward(&x).as_ptr();
        let caches = (layer.xc.as_ptr(), layer.xn.as_ptr(), layer.std.as_ptr());
        assert_eq!(layer.forward(&x, true).as_ptr(), out_ptr);
        assert_eq!(layer.backward(&x).as_ptr(), dx_ptr);
        assert_eq!(
            (layer.xc.as_ptr(), layer.xn.as_ptr(), layer.std.as_ptr()),
            caches
        );
        assert_eq!(layer.features(), 5);
    }

    #[test]
    #[should_panic(expected = "needs at least one sample")]
    fn empty_training_batch_is_rejected() {
        BatchNormalization::<f64>::with_features(2).forward(&Matrix::zeros(0, 2), true);
    }

    #[test]
    #[should_panic(expected = "the input has 3 features, gamma has 2")]
    fn feature_count_is_checked() {
        BatchNormalization::<f64>::with_features(2).forward(&Matrix::zeros(4, 3), true);
    }
}
