//! The layers of *Deep Learning from Scratch* (ch. 5–6), one file per book class, each with an
//! explicit `forward` and `backward` like the book (no autodiff).
//!
//! Every layer keeps its outputs and caches in buffers it reuses, so a training step of a
//! fixed batch size allocates nothing once the buffers exist.

mod affine;
mod batch_normalization;
mod dropout;
mod relu;
mod sigmoid;
mod softmax_with_loss;

pub use affine::Affine;
pub use batch_normalization::BatchNormalization;
pub use dropout::{Dropout, DropoutMode};
pub use relu::Relu;
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
