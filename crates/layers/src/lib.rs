#![doc = include_str!("../README.md")]
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
pub use dropout::{Dropout, DropoutMode, UnknownDropoutMode};
pub use elementwise::{ActivationFn, ColumnOp, Elementwise, apply_column_ops};
pub use inference::{Evaluation, INFERENCE_CHUNK_ROWS, Inference, InferenceBuffers, Stage, Step};
pub use network::{Batch, BatchBuffer, Network};
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
