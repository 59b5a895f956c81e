//! The layers of *Deep Learning from Scratch* (ch. 5–6), one file per book class, each with an
//! explicit `forward` and `backward` like the book (no autodiff).
//!
//! Every layer keeps its outputs and caches in buffers it reuses, so a training step of a
//! fixed batch size allocates nothing once the buffers exist.
//!
//! | book class | here | formula |
//! |---|---|---|
//! | `Affine` | [`Affine`] | `out = x·W + b` |
//! | `Relu` | [`Relu`] | `out = max(x, 0)` (mask `x <= 0`) |
//! | `Sigmoid` | [`Sigmoid`] | `out = 1 / (1 + e^−x)` |
//! | `Dropout` | [`Dropout`] | `out = x·mask` (book) or `x·mask/(1−p)` (inverted) |
//! | `BatchNormalization` | [`BatchNormalization`] | `out = γ·(x − μ)/σ + β` |
//! | `SoftmaxWithLoss` | [`SoftmaxWithLoss`] | `L = −Σ log softmax(x)[t] / N` |
//!
//! One training step through `Affine → Relu → SoftmaxWithLoss`:
//!
//! ```
//! use scratchnet_layers::{Affine, Layer, Relu, SoftmaxWithLoss};
//! use scratchnet_tensor::Matrix;
//!
//! let mut affine = Affine::new(
//!     Matrix::<f64>::from_row_slice(2, 3, &[1.0, -1.0, 0.5, 0.5, 2.0, -1.0]),
//!     Matrix::from_row_slice(1, 3, &[0.0, 0.1, 0.2]),
//! );
//! let mut relu = Relu::new();
//! let mut loss_layer = SoftmaxWithLoss::new();
//!
//! let x = Matrix::from_row_slice(2, 2, &[1.0, 2.0, -1.0, 0.5]);
//! let labels = [1, 0];
//!
//! // Forward (training mode), each layer returning its reused output buffer.
//! let hidden = affine.forward(&x, true);
//! let scores = relu.forward(hidden, true);
//! let loss = loss_layer.forward(scores, &labels);
//! assert!(loss > 0.0);
//!
//! // Backward in reverse order; the parameter gradients are left in the layers.
//! let dscores = loss_layer.backward();
//! let dhidden = relu.backward(dscores);
//! let dx = affine.backward(dhidden);
//! assert_eq!(dx.shape(), (2, 2));
//! assert_eq!(affine.grad_weight.shape(), affine.weight.shape());
//! assert_eq!(affine.grad_bias.shape(), (1, 3));
//!
//! // Each row of the loss gradient sums to zero: (y − onehot(t)) / N.
//! let row_sum: f64 = loss_layer.backward().row(0).iter().sum();
//! assert!(row_sum.abs() < 1e-12);
//! ```

#![warn(missing_docs)]

mod activation;
mod affine;
mod batch_normalization;
mod dropout;
mod elementwise;
mod inference;
mod network;
mod relu;
mod sequential;
mod sigmoid;
mod softmax_with_loss;
#[cfg(test)]
mod test_support;

pub use activation::ActivationLayer;
pub use affine::Affine;
pub use batch_normalization::{BatchNormalization, EPSILON as BATCH_NORM_EPSILON};
pub use dropout::{Dropout, DropoutMode};
pub use elementwise::{ActivationFn, ColumnOp, Elementwise, apply_column_ops};
pub use inference::{Evaluation, INFERENCE_CHUNK_ROWS, Inference, InferenceBuffers, Stage, Step};
pub use network::{Batch, Network};
pub use relu::Relu;
pub use sequential::{
    CloneLayer, LayerParam, Sequential, SequentialBuilder, SequentialError, SequentialLayer,
};
pub use sigmoid::Sigmoid;
pub use softmax_with_loss::SoftmaxWithLoss;

use scratchnet_tensor::{Float, Matrix};

/// A layer with the book's interface: `forward` then `backward` on the same batch.
pub trait Layer<T: Float>: Send + Sync {
    /// Forward pass. `train` selects training behaviour (dropout masks, batch statistics) and
    /// caches what `backward` needs. Returns the layer's output buffer.
    fn forward(&mut self, x: &Matrix<T>, train: bool) -> &Matrix<T>;

    /// Backward pass: takes `∂L/∂out`, stores the parameter gradients (if any) and returns
    /// `∂L/∂x`, valid for the batch of the last training-mode `forward`.
    fn backward(&mut self, dout: &Matrix<T>) -> &Matrix<T>;

    /// Inference-mode forward into `out` (resized as needed) that touches no cache and no
    /// training state, so several threads can evaluate one network at once.
    fn infer(&self, x: &Matrix<T>, out: &mut Matrix<T>);
}
