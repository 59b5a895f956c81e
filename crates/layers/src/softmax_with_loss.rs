//! The book's `SoftmaxWithLoss` layer (ch. 5.6.3): softmax then cross-entropy, the last layer
//! of a classifier.
//!
//! Forward: `y = softmax(x)` per row (row maximum subtracted first),
//! `L = −Σ_i log(y[i, t_i] + 1e−7) / N` against class indices `t`.
//! Backward: `dx = (y − onehot(t)) / N`.
//!
//! Not a [`Layer`](crate::Layer): its forward takes labels and returns the loss.

use scratchnet_tensor::{Float, Matrix, cross_entropy, resize_for, softmax_rows};

/// The book's `SoftmaxWithLoss` (§5.6.3, figs. 5-29, 5-30), against class indices: softmax,
/// then the cross-entropy error; `backward` is `(y − t)/N`.
#[derive(Clone, Debug)]
pub struct SoftmaxWithLoss<T: Float> {
    /// Softmax output of the last forward.
    y: Matrix<T>,
    /// Labels of the last forward.
    labels: Vec<usize>,
    /// `∂L/∂x` buffer.
    dx: Matrix<T>,
}

impl<T: Float> SoftmaxWithLoss<T> {
    /// A layer with empty buffers.
    pub fn new() -> Self {
        Self {
            y: Matrix::zeros(0, 0),
            labels: Vec::new(),
            dx: Matrix::zeros(0, 0),
        }
    }

    /// Softmax (row max subtracted) then mean cross-entropy `−Σ log(y[i, t_i] + 1e−7) / N`
    /// against class indices; caches `y` and the labels.
    ///
    /// # Panics
    /// If there is not one label per row or a label is not a column of `x`.
    pub fn forward(&mut self, x: &Matrix<T>, labels: &[usize]) -> T {
        assert_eq!(
            labels.len(),
            x.nrows(),
            "SoftmaxWithLoss: {} labels for {} rows",
            labels.len(),
            x.nrows()
        );
        if let Some(&label) = labels.iter().find(|&&label| label >= x.ncols()) {
            panic!(
                "SoftmaxWithLoss: label {label} is not below the {} classes",
                x.ncols()
            );
        }
        softmax_rows(x, &mut self.y);
        self.labels.clear();
        self.labels.extend_from_slice(labels);
        cross_entropy(&self.y, &self.labels)
    }

    /// `(y − onehot(t)) / N` for the last forward.
    pub fn backward(&mut self) -> &Matrix<T> {
        let (n, classes) = self.y.shape();
        resize_for(&mut self.dx, n, classes);
        self.dx.copy_from(&self.y);
        for (i, &label) in self.labels.iter().enumerate() {
            self.dx[(i, label)] -= T::one();
        }
        let n_t = T::cast(n as f64);
        for v in self.dx.as_mut_slice().iter_mut() {
            *v /= n_t;
        }
        &self.dx
    }

    /// The softmax probabilities `y` of the last forward (rows = samples).
    pub fn probabilities(&self) -> &Matrix<T> {
        &self.y
    }

    /// The labels of the last forward.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }
}

impl<T: Float> Default for SoftmaxWithLoss<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_gradients_match, random_matrix};
    use scratchnet_tensor::numerical_gradient;

    #[test]
    fn known_values() {
        let mut layer = SoftmaxWithLoss::new();
        // Row 0 is the book's softmax example; row 1 is uniform.
        let x = Matrix::<f64>::from_row_slice(2, 3, &[0.3, 2.9, 4.0, 0.0, 0.0, 0.0]);
        let loss = layer.forward(&x, &[2, 0]);
        let y0 = [0.01821127, 0.24519181, 0.73659691];
        let expected_loss = (-(y0[2] + 1e-7f64).ln() - (1.0f64 / 3.0 + 1e-7).ln()) / 2.0;
        assert!(
            (loss - expected_loss).abs() < 1e-7,
            "{loss} vs {expected_loss}"
        );
        for (j, y) in y0.iter().enumerate() {
            assert!((layer.probabilities()[(0, j)] - y).abs() < 1e-8);
        }
        assert_eq!(layer.labels(), &[2, 0]);

        let dx = layer.backward().clone();
        let expected = [
            [y0[0] / 2.0, y0[1] / 2.0, (y0[2] - 1.0) / 2.0],
            [(1.0 / 3.0 - 1.0) / 2.0, 1.0 / 6.0, 1.0 / 6.0],
        ];
        for (i, row) in expected.as_slice().iter().enumerate() {
            for (j, e) in row.as_slice().iter().enumerate() {
                assert!(
                    (dx[(i, j)] - e).abs() < 1e-8,
                    "({i}, {j}): {} vs {e}",
                    dx[(i, j)]
                );
            }
        }
    }

    #[test]
    fn backward_is_probabilities_minus_one_hot_over_n() {
        let mut layer = SoftmaxWithLoss::new();
        let x = random_matrix(4, 5, -3.0, 3.0, 60);
        let labels = [4, 0, 2, 2];
        layer.forward(&x, &labels);
        let y = layer.probabilities().clone();
        let dx = layer.backward().clone();
        for i in 0..4 {
            for j in 0..5 {
                let one_hot = if labels[i] == j { 1.0 } else { 0.0 };
                assert_eq!(dx[(i, j)], (y[(i, j)] - one_hot) / 4.0);
            }
        }
    }

    #[test]
    fn gradient_check() {
        let mut layer = SoftmaxWithLoss::new();
        let mut x = random_matrix(5, 4, -2.0, 2.0, 61);
        let labels = [3, 1, 0, 1, 2];
        layer.forward(&x, &labels);
        let dx = layer.backward().clone();
        let y = layer.probabilities().clone();
        let mut numeric = numerical_gradient(&mut x, |x| layer.forward(x, &labels));
        // The book's backward ignores the 1e−7 inside the log: the exact gradient of the guarded
        // loss is c_i·(y − onehot)/N with c_i = y_t/(y_t + 1e−7) per row. Undo that factor so
        // the comparison is not limited by the guard (≈ 1e−6 relative at y_t ≈ 0.05).
        for (i, &label) in labels.iter().enumerate() {
            let c = y[(i, label)] / (y[(i, label)] + 1e-7);
            numeric.row_mut(i).iter_mut().for_each(|v| *v /= c);
        }
        assert_gradients_match("SoftmaxWithLoss dx", &dx, &numeric);
    }

    #[test]
    fn large_logits_stay_finite() {
        let mut layer = SoftmaxWithLoss::<f32>::new();
        let x = Matrix::from_row_slice(1, 2, &[1000.0, 0.0]);
        // y = [1, 0]: the right class costs −ln(1 + 1e−7) ≈ −1e−7 (the book's guard makes it
        // very slightly negative), the wrong one −ln(0 + 1e−7) = 16.118.
        let right = layer.forward(&x, &[0]);
        assert!(right.is_finite() && right.abs() < 1e-6, "{right}");
        assert!(layer.backward().iter().all(|v| v.is_finite()));
        let wrong = layer.forward(&x, &[1]);
        assert!((wrong - 16.118_095).abs() < 1e-4, "{wrong}");
        assert_eq!(
            *layer.backward(),
            Matrix::from_row_slice(1, 2, &[1.0, -1.0])
        );
    }

    #[test]
    fn buffers_are_reused() {
        let mut layer = SoftmaxWithLoss::new();
        let x = random_matrix(6, 3, -1.0, 1.0, 62);
        let labels = [0, 1, 2, 0, 1, 2];
        layer.forward(&x, &labels);
        let y_ptr = layer.probabilities().as_ptr();
        let dx_ptr = layer.backward().as_ptr();
        layer.forward(&x, &labels);
        assert_eq!(layer.probabilities().as_ptr(), y_ptr);
        assert_eq!(layer.backward().as_ptr(), dx_ptr);
    }

    #[test]
    #[should_panic(expected = "label 3 is not below the 3 classes")]
    fn labels_are_checked() {
        SoftmaxWithLoss::<f64>::new().forward(&Matrix::zeros(1, 3), &[3]);
    }

    #[test]
    #[should_panic(expected = "1 labels for 2 rows")]
    fn label_count_is_checked() {
        SoftmaxWithLoss::<f64>::new().forward(&Matrix::zeros(2, 3), &[0]);
    }
}
