//! What a trainer needs from a network: the book's `gradient`, the parameters and their
//! gradients for an optimizer, and inference on a data set.

use crate::Evaluation;
use scratchnet_tensor::{Float, Matrix, Param, Samples};

/// A training batch as [`Network::gradient`] takes it. Dense today; the type leaves room for
/// batches the first layer reads in another form (byte-stored or sparse rows) without changing
/// the trait again. A `&Matrix` converts into it, so `net.gradient(&x, &labels)` works.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Batch<'a, T: Float> {
    /// One sample per row.
    Dense(&'a Matrix<T>),
}

impl<'a, T: Float> Batch<'a, T> {
    /// The batch as a dense matrix.
    pub fn as_dense(self) -> &'a Matrix<T> {
        match self {
            Self::Dense(x) => x,
        }
    }

    /// Samples in the batch.
    pub fn nrows(self) -> usize {
        self.as_dense().nrows()
    }
}

impl<'a, T: Float> From<&'a Matrix<T>> for Batch<'a, T> {
    fn from(x: &'a Matrix<T>) -> Self {
        Self::Dense(x)
    }
}

/// A classifier that can be trained: the interface of the book's `TwoLayerNet` and
/// `MultiLayerNetExtend` as the `Trainer` uses it. Any network built from these layers can
/// implement it (see the `two_layer_net` example of `scratchnet-trainer`); [`Inference`]
/// gives it fast, multi-core inference with the layers' own arithmetic.
///
/// A trainer evaluates a copy of the network while the original trains on, so a network is
/// `Clone` and can refresh a copy from the original ([`Self::copy_inference_state_from`]).
///
/// [`Inference`]: crate::Inference
pub trait Network<T: Float>: Clone + Send + Sync {
    /// Features each sample must have.
    fn input_size(&self) -> usize;

    /// Classes: scores per sample, and one more than the largest label.
    fn output_size(&self) -> usize;

    /// The book's `gradient(x, t)`: a training-mode forward pass over a batch and the backward
    /// pass, leaving every parameter's gradient where [`Self::params_mut`] finds it. Returns the
    /// training-mode loss.
    fn gradient<'a>(&mut self, x: impl Into<Batch<'a, T>>, labels: &[usize]) -> T;

    /// Every parameter with its gradient, always in the same order (the book's `params` and
    /// `grads` dictionaries, walked together).
    fn params_mut(&mut self) -> impl Iterator<Item = Param<'_, T>>;

    /// Mean inference-mode loss (including any regularisation term) and accuracy on a data set.
    fn evaluate(&self, x: Samples<'_, T>, labels: &[usize]) -> Evaluation;

    /// The book's `accuracy(x, t)`: the fraction of samples classified correctly.
    fn accuracy(&self, x: Samples<'_, T>, labels: &[usize]) -> f64 {
        self.evaluate(x, labels).accuracy
    }

    /// Makes this copy infer like `source` (same parameters and inference statistics), reusing
    /// this copy's buffers where it can. The default clones.
    fn copy_inference_state_from(&mut self, source: &Self) {
        self.clone_from(source);
    }
}
