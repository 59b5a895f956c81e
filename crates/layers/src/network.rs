//! What a trainer needs from a network: the book's `gradient`, the parameters and their
//! gradients for an optimizer, and inference on a data set.

use crate::Evaluation;
use scratchnet_tensor::{Float, Matrix, Param, Samples, SparseRows};

/// A training batch as [`Network::gradient`] takes it: dense, or sparse rows (a batch gathered
/// from byte-stored MNIST images) that the first layer reads over their dense/sparse column
/// split. A `&Matrix` or `&SparseRows` converts into it, so `net.gradient(&x, &labels)` works.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Batch<'a, T: Float> {
    /// One sample per row.
    Dense(&'a Matrix<T>),
    /// One sample per row, stored sparsely; only networks whose
    /// [`Network::takes_sparse_batches`] is true are given one.
    Sparse(&'a SparseRows<T>),
}

impl<'a, T: Float> Batch<'a, T> {
    /// The batch as a dense matrix, or `None` if it is sparse (a network that reads only dense
    /// batches says so with [`Network::takes_sparse_batches`], and is given only those).
    pub fn as_dense(self) -> Option<&'a Matrix<T>> {
        match self {
            Self::Dense(x) => Some(x),
            Self::Sparse(_) => None,
        }
    }

    /// Samples in the batch.
    pub fn nrows(self) -> usize {
        match self {
            Self::Dense(x) => x.nrows(),
            Self::Sparse(x) => x.nrows(),
        }
    }

    /// The batch as inference reads it (for a loss on the same batch).
    pub fn samples(self) -> Samples<'a, T> {
        match self {
            Self::Dense(x) => Samples::Dense(x),
            Self::Sparse(x) => Samples::Sparse(x),
        }
    }
}

/// A mini-batch gathered from a data set in the form a network's gradient reads fastest, in
/// buffers reused from step to step: sparse rows when the samples are byte-stored and the
/// network takes them ([`Network::takes_sparse_batches`]), otherwise a dense matrix.
#[derive(Clone, Debug)]
pub struct BatchBuffer<T: Float> {
    dense: Matrix<T>,
    sparse: Option<SparseRows<T>>,
    /// Whether the last gather went into `sparse`.
    is_sparse: bool,
}

impl<T: Float> Default for BatchBuffer<T> {
    fn default() -> Self {
        Self {
            dense: Matrix::zeros(0, 0),
            sparse: None,
            is_sparse: false,
        }
    }
}

impl<T: Float> BatchBuffer<T> {
    /// Gathers rows `indices` of `x` (the book's `x_train[batch_mask]`): as sparse rows over
    /// `x`'s column split if `x` is byte-stored and `sparse` is true, densely otherwise.
    ///
    /// # Panics
    /// If an index is not a row of `x`.
    pub fn gather(&mut self, x: Samples<'_, T>, indices: &[usize], sparse: bool) {
        self.is_sparse = false;
        match x {
            Samples::Bytes(bytes) if sparse => {
                let rows = self
                    .sparse
                    .get_or_insert_with(|| SparseRows::empty_like(bytes));
                rows.gather_rows(bytes, indices);
                self.is_sparse = true;
            }
            _ => x.gather_rows(indices, &mut self.dense),
        }
    }

    /// The last gathered batch.
    pub fn batch(&self) -> Batch<'_, T> {
        match (&self.sparse, self.is_sparse) {
            (Some(sparse), true) => Batch::Sparse(sparse),
            _ => Batch::Dense(&self.dense),
        }
    }
}

impl<'a, T: Float> From<&'a SparseRows<T>> for Batch<'a, T> {
    fn from(x: &'a SparseRows<T>) -> Self {
        Self::Sparse(x)
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

    /// Whether [`Self::gradient`] reads [`Batch::Sparse`] batches (every [`Sequential`] does:
    /// its first Affine multiplies them over their column split). A trainer gathers sparse
    /// batches from byte-stored samples only for such a network. The default is `false`.
    ///
    /// [`Sequential`]: crate::Sequential
    fn takes_sparse_batches(&self) -> bool {
        false
    }

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
