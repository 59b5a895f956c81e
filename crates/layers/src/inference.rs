//! Fast inference for any network built from these layers: the book's `predict(x,
//! train_flg=False)`, `accuracy` and the loss of a data set.
//!
//! * A network is a list of [`Stage`]s: an [`Affine`] product, then the elementwise layers that
//!   follow it ([`Elementwise`]). Each stage is one matrix product and one pass over its output's
//!   columns applying the bias and the layers' own [`ColumnOp`](crate::ColumnOp)s, so the result
//!   is the same bits as running the layers one by one.
//! * Samples are processed in fixed chunks of [`INFERENCE_CHUNK_ROWS`] on all cores; the chunking
//!   does not depend on the thread count, so neither do the results.
//! * A dense input is read in place; sparse and byte-stored inputs (MNIST is ≈81% zero pixels)
//!   have their frequent columns multiplied densely and the rest one multiply-add per non-zero
//!   entry. Byte-stored samples are decoded one chunk at a time, never as a whole.
//! * Buffers come from [`InferenceBuffers`], which a network keeps, and keep their shapes, so
//!   repeated evaluations (one per epoch) do not allocate or zero them again.

use crate::elementwise::apply_column_ops;
use crate::{Affine, ColumnOp, Elementwise, Layer};
use rayon::prelude::*;
use scratchnet_tensor::{
    Float, Matrix, Samples, SparseRows, SparseWeights, argmax_rows, cross_entropy, matmul,
    matmul_rows, softmax_rows,
};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Rows evaluated together in inference. Fixed, so results do not depend on the thread count.
/// A multiple of 16, so `gemm` reads each chunk in place (≈10% faster than 1000 rows), and not of
/// 512, whose power-of-two column stride makes the cache alias. Half-size chunks (21 for the
/// test set instead of 10) let two workers finish an evaluation closer together.
pub const INFERENCE_CHUNK_ROWS: usize = 496;

/// Loss and accuracy of a data set in inference mode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// Mean cross-entropy of the softmax (plus the network's weight-decay penalty, if any).
    pub loss: f64,
    /// Fraction classified correctly.
    pub accuracy: f64,
}

/// One fully connected stage of a network's inference: `z = x·W + b` by `affine`, then each of
/// `elementwise` in order (BatchNorm, activation, dropout scaling).
pub struct Stage<'a, T: Float> {
    /// The product and bias.
    pub affine: &'a Affine<T>,
    /// The layers applied to the product's output, value by value.
    pub elementwise: Vec<&'a dyn Elementwise<T>>,
}

/// One step of a network's inference: a fused [`Stage`], or a layer that is neither affine nor
/// elementwise after an affine (a LayerNorm, say), run by its own [`Layer::infer`].
pub enum Step<'a, T: Float> {
    /// A product and the elementwise layers fused after it.
    Stage(Stage<'a, T>),
    /// Any other layer.
    Layer(&'a dyn Layer<T>),
}

/// A stage's per-column operations — the bias, then each elementwise layer's — gathered once
/// per inference call rather than once per chunk.
struct ColumnOps<T> {
    /// `per_column` operations for each output column, column after column.
    ops: Vec<ColumnOp<T>>,
    per_column: usize,
}

impl<T: Float> ColumnOps<T> {
    fn of(stage: &Stage<'_, T>) -> Self {
        let per_column = stage.elementwise.len() + 1;
        let ops = (0..stage.affine.output_size())
            .flat_map(|column| {
                let layers = stage
                    .elementwise
                    .iter()
                    .map(move |layer| layer.column_op(column));
                std::iter::once(stage.affine.bias_op(column)).chain(layers)
            })
            .collect();
        Self { ops, per_column }
    }

    /// Adds the bias and applies the elementwise layers to `z = x·W`, each column in one fused
    /// pass.
    fn finish(&self, z: &mut Matrix<T>) {
        let rows = z.nrows().max(1);
        let columns = z.as_mut_slice().chunks_exact_mut(rows);
        for (values, ops) in columns.zip(self.ops.chunks_exact(self.per_column)) {
            apply_column_ops(ops, values);
        }
    }
}

/// A network's inference: its stages and the buffers it reuses. Build one per call from the
/// network's layers (it only borrows them).
///
/// ```
/// use scratchnet_layers::{Affine, Inference, InferenceBuffers, Relu, Stage};
/// use scratchnet_tensor::{Matrix, Samples};
///
/// let hidden = Affine::new(Matrix::<f32>::from_element(2, 3, 0.5), Matrix::zeros(1, 3));
/// let output = Affine::new(Matrix::from_element(3, 2, 1.0), Matrix::from_row_slice(1, 2, &[0.0, 1.0]));
/// let relu = Relu::new();
/// let buffers = InferenceBuffers::default();
/// let inference = Inference::new(
///     vec![
///         Stage { affine: &hidden, elementwise: vec![&relu] },
///         Stage { affine: &output, elementwise: vec![] },
///     ],
///     &buffers,
/// );
/// let x = Matrix::from_row_slice(2, 2, &[1.0, 1.0, -1.0, -1.0]);
/// // Row 0: relu(1) × 3 = 3 in both outputs, plus the bias; row 1: relu(−1) = 0.
/// assert_eq!(inference.predict(Samples::from(&x)), Matrix::from_row_slice(2, 2, &[3.0, 4.0, 0.0, 1.0]));
/// assert_eq!(inference.accuracy(Samples::from(&x), &[1, 1]), 1.0);
/// ```
pub struct Inference<'a, T: Float> {
    /// The first step's product, which reads the samples in whatever form they come.
    first: &'a Affine<T>,
    steps: Vec<Step<'a, T>>,
    /// The fused operations of each stage (`None` for a layer step).
    column_ops: Vec<Option<ColumnOps<T>>>,
    buffers: &'a InferenceBuffers<T>,
}

impl<'a, T: Float> Inference<'a, T> {
    /// The inference of `stages`, in order.
    ///
    /// # Panics
    /// If there are no stages or a stage's input size differs from the previous output size.
    pub fn new(stages: Vec<Stage<'a, T>>, buffers: &'a InferenceBuffers<T>) -> Self {
        for pair in stages.windows(2) {
            assert_eq!(
                pair[0].affine.output_size(),
                pair[1].affine.input_size(),
                "Inference: a stage's inputs must be the previous stage's outputs"
            );
        }
        Self::from_steps(stages.into_iter().map(Step::Stage).collect(), buffers)
    }

    /// The inference of `steps`, in order: stages fused, other layers by their own `infer`.
    ///
    /// # Panics
    /// If the first step is not a stage (the samples, dense, sparse or bytes, are read by an
    /// affine product).
    pub fn from_steps(steps: Vec<Step<'a, T>>, buffers: &'a InferenceBuffers<T>) -> Self {
        let Some(Step::Stage(first)) = steps.first() else {
            panic!("Inference: a network starts with an affine stage");
        };
        let first = first.affine;
        let column_ops = steps
            .iter()
            .map(|step| match step {
                Step::Stage(stage) => Some(ColumnOps::of(stage)),
                Step::Layer(_) => None,
            })
            .collect();
        Self {
            first,
            steps,
            column_ops,
            buffers,
        }
    }

    /// Features each sample must have.
    pub fn input_size(&self) -> usize {
        self.first.input_size()
    }

    /// Scores (before softmax), one row per sample.
    ///
    /// # Panics
    /// If the samples do not have [`Self::input_size`] features.
    pub fn predict(&self, x: Samples<'_, T>) -> Matrix<T> {
        let chunks = self.map_chunks(x, |_, scores, _| scores.clone());
        let classes = chunks.first().map_or(0, Matrix::ncols);
        let mut scores = Matrix::zeros(x.nrows(), classes);
        for (index, chunk) in chunks.iter().enumerate() {
            scores
                .rows_mut(index * INFERENCE_CHUNK_ROWS, chunk.nrows())
                .copy_from(chunk);
        }
        scores
    }

    /// Fraction of samples whose predicted class is the label (0 for no samples).
    ///
    /// # Panics
    /// If `labels.len()` differs from the number of samples.
    pub fn accuracy(&self, x: Samples<'_, T>, labels: &[usize]) -> f64 {
        assert_eq!(labels.len(), x.nrows(), "one label per sample");
        if labels.is_empty() {
            return 0.0;
        }
        let correct: usize = self
            .map_chunks(x, |first_row, scores, _| {
                correct_in(scores, &labels[first_row..first_row + scores.nrows()])
            })
            .into_iter()
            .sum();
        correct as f64 / labels.len() as f64
    }

    /// Mean cross-entropy of the softmax and accuracy, from one pass.
    ///
    /// # Panics
    /// If `labels.len()` differs from the number of samples.
    pub fn evaluate(&self, x: Samples<'_, T>, labels: &[usize]) -> Evaluation {
        assert_eq!(labels.len(), x.nrows(), "one label per sample");
        if labels.is_empty() {
            return Evaluation {
                loss: 0.0,
                accuracy: 0.0,
            };
        }
        let per_chunk = self.map_chunks(x, |first_row, scores, probabilities| {
            let chunk_labels = &labels[first_row..first_row + scores.nrows()];
            softmax_rows(scores, probabilities);
            // Summed, not averaged, so chunks of different sizes combine exactly.
            let loss_sum =
                cross_entropy(probabilities, chunk_labels).as_f64() * scores.nrows() as f64;
            (loss_sum, correct_in(scores, chunk_labels))
        });
        let loss_sum: f64 = per_chunk.iter().map(|(loss, _)| loss).sum();
        let correct: usize = per_chunk.iter().map(|(_, correct)| correct).sum();
        let samples = labels.len() as f64;
        Evaluation {
            loss: loss_sum / samples,
            accuracy: correct as f64 / samples,
        }
    }

    /// Runs every chunk of `x` through the network and maps its scores with `f(first_row,
    /// scores, softmax buffer)`, on all cores when there is more than one chunk; results come
    /// back in chunk order.
    fn map_chunks<R: Send>(
        &self,
        x: Samples<'_, T>,
        f: impl Fn(usize, &Matrix<T>, &mut Matrix<T>) -> R + Sync,
    ) -> Vec<R> {
        assert_eq!(
            x.ncols(),
            self.input_size(),
            "the samples have {} features, the network expects {}",
            x.ncols(),
            self.input_size()
        );
        let first = FirstWeights::new(&self.first.weight, x);
        let run = |workspace: &mut Workspace<T>, first_row: usize| {
            let rows = INFERENCE_CHUNK_ROWS.min(x.nrows() - first_row);
            let buffers = self.infer_chunk(x, &first, first_row, rows, workspace);
            let scores = buffers.outputs.last().expect("a network has a stage");
            f(first_row, scores, &mut buffers.probabilities)
        };
        if x.nrows() <= INFERENCE_CHUNK_ROWS {
            // One chunk: no thread hand-off.
            return vec![run(&mut self.buffers.lease(), 0)];
        }
        let starts: Vec<usize> = (0..x.nrows()).step_by(INFERENCE_CHUNK_ROWS).collect();
        starts
            .into_par_iter()
            .map_init(
                || self.buffers.lease(),
                |lease, first_row| run(lease, first_row),
            )
            .collect()
    }

    /// Runs `rows` samples from `first_row` on through the stages; returns the buffers whose
    /// last output holds their scores.
    fn infer_chunk<'w>(
        &self,
        x: Samples<'_, T>,
        first: &FirstWeights<'_, T>,
        first_row: usize,
        rows: usize,
        workspace: &'w mut Workspace<T>,
    ) -> &'w mut ChunkBuffers<T> {
        let mut decoded = workspace.decoded.take();
        let buffers = workspace.for_rows(rows, self.steps.len());
        let (first_out, rest) = buffers.outputs.split_at_mut(1);
        first.multiply(x, first_row, rows, &mut decoded, &mut first_out[0]);
        if let Some(column_ops) = &self.column_ops[0] {
            column_ops.finish(&mut first_out[0]);
        }
        let mut previous = &first_out[0];
        let later = self.steps[1..].iter().zip(&self.column_ops[1..]);
        for ((step, column_ops), out) in later.zip(rest) {
            match (step, column_ops) {
                (Step::Stage(stage), Some(column_ops)) => {
                    matmul(previous, &stage.affine.weight, out);
                    column_ops.finish(out);
                }
                (Step::Layer(layer), _) => layer.infer(previous, out),
                (Step::Stage(_), None) => unreachable!("from_steps gives every stage its ops"),
            }
            previous = out;
        }
        workspace.decoded = decoded;
        workspace.for_rows(rows, self.steps.len())
    }
}

/// Number of rows whose argmax equals the label.
fn correct_in<T: Float>(scores: &Matrix<T>, labels: &[usize]) -> usize {
    argmax_rows(scores)
        .iter()
        .zip(labels)
        .filter(|(predicted, label)| predicted == label)
        .count()
}

/// The first layer's weights in the form the input needs: as they are for a dense input, laid
/// out for the input's column split (see [`SparseWeights`]) for a sparse or byte-stored one.
enum FirstWeights<'a, T: Float> {
    Dense(&'a Matrix<T>),
    Sparse(SparseWeights<T>),
}

impl<'a, T: Float> FirstWeights<'a, T> {
    fn new(weight: &'a Matrix<T>, x: Samples<'_, T>) -> Self {
        match x {
            Samples::Dense(_) => Self::Dense(weight),
            Samples::Sparse(x) => Self::Sparse(SparseWeights::new(weight, x.split())),
            Samples::Bytes(x) => Self::Sparse(SparseWeights::new(weight, x.split())),
        }
    }

    /// `out = x[first_row..first_row + rows, :]·W`; byte-stored rows are decoded into `decoded`
    /// first.
    fn multiply(
        &self,
        x: Samples<'_, T>,
        first_row: usize,
        rows: usize,
        decoded: &mut Option<SparseRows<T>>,
        out: &mut Matrix<T>,
    ) {
        match (x, self) {
            (Samples::Dense(x), Self::Dense(weight)) => {
                matmul_rows(x, first_row, rows, weight, out)
            }
            (Samples::Sparse(x), Self::Sparse(weight)) => {
                x.matmul_rows(first_row, rows, weight, out)
            }
            (Samples::Bytes(x), Self::Sparse(weight)) => {
                let chunk = decoded.get_or_insert_with(|| SparseRows::empty_like(x));
                chunk.decode_rows(x, first_row, rows);
                chunk.matmul_rows(0, rows, weight, out);
            }
            _ => unreachable!("FirstWeights::new matches the kind of samples"),
        }
    }
}

/// The buffers of one chunk's inference: each stage's output and the softmax, kept per chunk
/// size (a set's last chunk is usually shorter), and the decoded rows of a byte-stored input.
/// Each buffer keeps its shape, so a workspace reused for chunks of the sizes it has seen never
/// reallocates.
#[derive(Debug)]
struct Workspace<T: Float> {
    by_rows: Vec<ChunkBuffers<T>>,
    decoded: Option<SparseRows<T>>,
}

impl<T: Float> Default for Workspace<T> {
    fn default() -> Self {
        Self {
            by_rows: Vec::new(),
            decoded: None,
        }
    }
}

/// Chunk sizes a workspace keeps buffers for (full chunks, and the last chunks of the few sets
/// a trainer evaluates).
const CHUNK_SIZES_KEPT: usize = 4;

/// The outputs of every stage for chunks of `rows` rows, and the softmax of the last.
#[derive(Debug)]
struct ChunkBuffers<T: Float> {
    rows: usize,
    outputs: Vec<Matrix<T>>,
    probabilities: Matrix<T>,
}

impl<T: Float> Workspace<T> {
    /// The buffers for chunks of `rows` rows, with one output per stage.
    fn for_rows(&mut self, rows: usize, stages: usize) -> &mut ChunkBuffers<T> {
        let index = match self.by_rows.iter().position(|buffers| buffers.rows == rows) {
            Some(index) => index,
            None => {
                if self.by_rows.len() == CHUNK_SIZES_KEPT {
                    self.by_rows.remove(0);
                }
                self.by_rows.push(ChunkBuffers {
                    rows,
                    outputs: Vec::new(),
                    probabilities: Matrix::zeros(0, 0),
                });
                self.by_rows.len() - 1
            }
        };
        let buffers = &mut self.by_rows[index];
        buffers.outputs.resize_with(stages, || Matrix::zeros(0, 0));
        buffers
    }
}

/// Workspaces kept between inference calls (one per thread that used them), so evaluating
/// every epoch does not allocate and zero its buffers again. A network owns one; a clone of it
/// starts empty.
#[derive(Debug, Default)]
pub struct InferenceBuffers<T: Float> {
    free: Mutex<Vec<Workspace<T>>>,
}

impl<T: Float> Clone for InferenceBuffers<T> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl<T: Float> InferenceBuffers<T> {
    /// A workspace from the pool (or a new one), given back when the lease is dropped.
    fn lease(&self) -> Lease<'_, T> {
        let workspace = self.lock().pop().unwrap_or_default();
        Lease {
            pool: self,
            workspace: Some(workspace),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Workspace<T>>> {
        // The pool is only pushed to and popped from; a panic elsewhere cannot break it.
        self.free.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A workspace borrowed from [`InferenceBuffers`].
struct Lease<'a, T: Float> {
    pool: &'a InferenceBuffers<T>,
    workspace: Option<Workspace<T>>,
}

impl<T: Float> Drop for Lease<'_, T> {
    fn drop(&mut self) {
        if let Some(workspace) = self.workspace.take() {
            self.pool.lock().push(workspace);
        }
    }
}

impl<T: Float> std::ops::Deref for Lease<'_, T> {
    type Target = Workspace<T>;

    fn deref(&self) -> &Workspace<T> {
        self.workspace
            .as_ref()
            .expect("a lease holds its workspace until dropped")
    }
}

impl<T: Float> std::ops::DerefMut for Lease<'_, T> {
    fn deref_mut(&mut self) -> &mut Workspace<T> {
        self.workspace
            .as_mut()
            .expect("a lease holds its workspace until dropped")
    }
}
