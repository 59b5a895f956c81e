//! Inference: the book's `predict(x, train_flg=False)`, `accuracy` and the loss of a data set,
//! computed fast.
//!
//! * Each hidden block `Affine → [BatchNorm] → activation → [Dropout]` is one matrix product
//!   followed by one fused pass over its output (bias, BatchNorm with running statistics,
//!   activation, the book's `×(1 − ratio)`), with exactly the arithmetic of the layers' own
//!   `infer`, so the result is bit-identical to running the layers one by one.
//! * Samples are processed in fixed chunks of [`INFERENCE_CHUNK_ROWS`] on all cores; the chunking
//!   does not depend on the thread count, so neither do the results.
//! * A dense input is read in place; a [`SparseRows`] input (MNIST is ≈81% zero pixels) has its
//!   frequent columns multiplied densely and the rest one multiply-add per non-zero entry.
//! * Activation buffers come from a pool in the network and keep their shapes, so repeated
//!   evaluations (one per epoch) do not allocate or zero them again.

use crate::MultiLayerNetExtend;
use crate::multi_layer_net_extend::{ActivationLayer, HiddenBlock};
use rayon::prelude::*;
use scratchnet_layers::{BATCH_NORM_EPSILON, DropoutMode};
use scratchnet_tensor::{
    Float, Matrix, SparseRows, SparseWeights, add_row_broadcast, argmax_rows, cross_entropy,
    matmul, matmul_rows, softmax_rows,
};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Rows evaluated together in inference. Fixed, so results do not depend on the thread count.
/// A multiple of 16, so `gemm` reads each chunk in place (≈10% faster than 1000 rows), and not of
/// 512, whose power-of-two column stride makes the cache alias. Half-size chunks (21 for the
/// test set instead of 10) let the two workers finish an evaluation closer together: the seed
/// run measured 1–2% faster than with 1008.
pub const INFERENCE_CHUNK_ROWS: usize = 496;

/// Samples to run through the network: a dense matrix (one sample per row) or the same samples
/// stored sparsely. `&Matrix` and `&SparseRows` convert into it.
#[derive(Clone, Copy, Debug)]
pub enum Samples<'a, T: Float> {
    /// One sample per row.
    Dense(&'a Matrix<T>),
    /// The non-zero entries of one sample per row.
    Sparse(&'a SparseRows<T>),
}

impl<T: Float> Samples<'_, T> {
    /// Number of samples.
    pub fn nrows(&self) -> usize {
        match self {
            Self::Dense(x) => x.nrows(),
            Self::Sparse(x) => x.nrows(),
        }
    }

    /// Features per sample.
    pub fn ncols(&self) -> usize {
        match self {
            Self::Dense(x) => x.ncols(),
            Self::Sparse(x) => x.ncols(),
        }
    }
}

impl<'a, T: Float> From<&'a Matrix<T>> for Samples<'a, T> {
    fn from(x: &'a Matrix<T>) -> Self {
        Self::Dense(x)
    }
}

impl<'a, T: Float> From<&'a SparseRows<T>> for Samples<'a, T> {
    fn from(x: &'a SparseRows<T>) -> Self {
        Self::Sparse(x)
    }
}

/// Loss and accuracy of a data set in inference mode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// Mean cross-entropy plus the weight-decay penalty.
    pub loss: f64,
    /// Fraction classified correctly.
    pub accuracy: f64,
}

/// The buffers of one chunk's inference: two hidden activations the hidden layers alternate
/// between, the scores and the softmax. Each keeps its shape from chunk to chunk, so a
/// workspace reused for chunks of the same size never reallocates.
#[derive(Debug)]
pub(crate) struct Workspace<T: Float> {
    hidden: Matrix<T>,
    next_hidden: Matrix<T>,
    scores: Matrix<T>,
    probabilities: Matrix<T>,
}

impl<T: Float> Default for Workspace<T> {
    fn default() -> Self {
        Self {
            hidden: Matrix::zeros(0, 0),
            next_hidden: Matrix::zeros(0, 0),
            scores: Matrix::zeros(0, 0),
            probabilities: Matrix::zeros(0, 0),
        }
    }
}

/// Workspaces kept between inference calls (one per thread that used them), so evaluating
/// every epoch does not allocate and zero its activation buffers again.
#[derive(Debug, Default)]
pub(crate) struct WorkspacePool<T: Float> {
    free: Mutex<Vec<Workspace<T>>>,
}

impl<T: Float> WorkspacePool<T> {
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

/// A workspace borrowed from a [`WorkspacePool`].
struct Lease<'a, T: Float> {
    pool: &'a WorkspacePool<T>,
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

/// The first layer's weights in the form the input needs: as they are for a dense input,
/// row by row and padded (see `SparseWeights`) for a sparse one.
enum FirstWeights<'a, T: Float> {
    Dense(&'a Matrix<T>),
    Sparse(SparseWeights<T>),
}

impl<T: Float> MultiLayerNetExtend<T> {
    /// Scores (before softmax) in inference mode: running BatchNorm statistics, dropout
    /// scaling, no caches touched.
    ///
    /// # Panics
    /// If the samples do not have `input_size` features.
    pub fn predict<'a>(&self, x: impl Into<Samples<'a, T>>) -> Matrix<T> {
        let x = x.into();
        let chunks = self.map_chunks(x, |_, scores, _| scores.clone());
        let mut scores = Matrix::zeros(x.nrows(), self.config.output_size);
        for (index, chunk) in chunks.iter().enumerate() {
            scores
                .rows_mut(index * INFERENCE_CHUNK_ROWS, chunk.nrows())
                .copy_from(chunk);
        }
        scores
    }

    /// Fraction of samples whose predicted class equals the label: the book's `accuracy(x, t)`.
    ///
    /// # Panics
    /// If `labels.len()` differs from the number of samples.
    pub fn accuracy<'a>(&self, x: impl Into<Samples<'a, T>>, labels: &[usize]) -> f64 {
        let x = x.into();
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

    /// Mean loss (cross-entropy of the softmax plus the weight-decay penalty) and accuracy, from
    /// one inference pass: what the trainer reports per epoch.
    ///
    /// # Panics
    /// If `labels.len()` differs from the number of samples.
    pub fn evaluate<'a>(&self, x: impl Into<Samples<'a, T>>, labels: &[usize]) -> Evaluation {
        let x = x.into();
        assert_eq!(labels.len(), x.nrows(), "one label per sample");
        let penalty = self.weight_decay_penalty().as_f64();
        if labels.is_empty() {
            return Evaluation {
                loss: penalty,
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
            loss: loss_sum / samples + penalty,
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
            self.config.input_size,
            "the samples have {} features, the network expects {}",
            x.ncols(),
            self.config.input_size
        );
        let first = self.first_weights(x);
        let run = |workspace: &mut Workspace<T>, first_row: usize| {
            let rows = INFERENCE_CHUNK_ROWS.min(x.nrows() - first_row);
            self.infer_chunk(x, &first, first_row, rows, workspace);
            let Workspace {
                scores,
                probabilities,
                ..
            } = workspace;
            f(first_row, scores, probabilities)
        };
        if x.nrows() <= INFERENCE_CHUNK_ROWS {
            // One chunk: no thread hand-off.
            return vec![run(&mut self.workspaces.lease(), 0)];
        }
        let starts: Vec<usize> = (0..x.nrows()).step_by(INFERENCE_CHUNK_ROWS).collect();
        starts
            .into_par_iter()
            .map_init(
                || self.workspaces.lease(),
                |lease, first_row| run(lease, first_row),
            )
            .collect()
    }

    fn first_weights<'a>(&'a self, x: Samples<'_, T>) -> FirstWeights<'a, T> {
        let weight = &self
            .blocks
            .first()
            .map_or(&self.output, |block| &block.affine)
            .weight;
        match x {
            Samples::Dense(_) => FirstWeights::Dense(weight),
            Samples::Sparse(x) => FirstWeights::Sparse(SparseWeights::new(weight, x)),
        }
    }

    /// The scores of `rows` samples from `first_row` on, left in `workspace.current`.
    fn infer_chunk(
        &self,
        x: Samples<'_, T>,
        first: &FirstWeights<'_, T>,
        first_row: usize,
        rows: usize,
        workspace: &mut Workspace<T>,
    ) {
        let Workspace {
            hidden,
            next_hidden,
            scores,
            ..
        } = workspace;
        // Without hidden layers the first product is the output layer's.
        let first_out = if self.blocks.is_empty() {
            &mut *scores
        } else {
            &mut *hidden
        };
        match (x, first) {
            (Samples::Dense(x), FirstWeights::Dense(weight)) => {
                matmul_rows(x, first_row, rows, weight, first_out)
            }
            (Samples::Sparse(x), FirstWeights::Sparse(weight)) => {
                x.matmul_rows(first_row, rows, weight, first_out)
            }
            _ => unreachable!("first_weights matches the kind of samples"),
        }
        for (index, block) in self.blocks.iter().enumerate() {
            if index > 0 {
                matmul(hidden, &block.affine.weight, next_hidden);
                std::mem::swap(hidden, next_hidden);
            }
            finish_hidden_block(block, hidden);
        }
        if !self.blocks.is_empty() {
            matmul(hidden, &self.output.weight, scores);
        }
        add_row_broadcast(scores, &self.output.bias);
    }

    /// Scores computed layer by layer through `Layer::infer`: the reference the fused path is
    /// tested against.
    #[cfg(test)]
    pub(crate) fn predict_layer_by_layer(&self, x: &Matrix<T>) -> Matrix<T> {
        let mut current = x.clone();
        let mut next = Matrix::zeros(0, 0);
        for block in &self.blocks {
            for layer in block.layers() {
                layer.infer(&current, &mut next);
                std::mem::swap(&mut current, &mut next);
            }
        }
        scratchnet_layers::Layer::infer(&self.output, &current, &mut next);
        next
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

/// Turns `z = x·W` into the block's output in one pass per column: `+ b`, BatchNorm with the
/// running statistics, the activation, and the book's dropout scaling — the same operations,
/// in the same order, as the layers' `infer`.
fn finish_hidden_block<T: Float>(block: &HiddenBlock<T>, z: &mut Matrix<T>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F (checked just above).
        return unsafe { finish_hidden_block_avx512(block, z) };
    }
    finish_hidden_block_portable(block, z);
}

/// The same code compiled for AVX-512, chosen at run time (16 f32 per instruction).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn finish_hidden_block_avx512<T: Float>(block: &HiddenBlock<T>, z: &mut Matrix<T>) {
    finish_hidden_block_portable(block, z);
}

#[inline(always)]
fn finish_hidden_block_portable<T: Float>(block: &HiddenBlock<T>, z: &mut Matrix<T>) {
    let rows = z.nrows().max(1);
    let epsilon = T::cast(BATCH_NORM_EPSILON);
    let keep = block
        .dropout
        .as_ref()
        .filter(|dropout| dropout.mode() == DropoutMode::Book)
        .map(|dropout| T::cast(1.0 - dropout.dropout_ratio()));
    let relu = matches!(block.activation, ActivationLayer::Relu(_));
    let (zero, one) = (T::zero(), T::one());
    for (j, column) in z.as_mut_slice().chunks_exact_mut(rows).enumerate() {
        let bias = block.affine.bias[j];
        let batch_norm = block.batch_norm.as_ref().map(|layer| {
            let std = (layer.running_var[j] + epsilon).sqrt();
            (layer.gamma[j], layer.beta[j], layer.running_mean[j], std)
        });
        if relu && batch_norm.is_none() {
            // The common case as a branch-free loop; `× 1` without dropout is exact.
            let scale = keep.unwrap_or(one);
            for value in column.iter_mut() {
                let v = *value + bias;
                *value = (if v <= zero { zero } else { v }) * scale;
            }
            continue;
        }
        for value in column.iter_mut() {
            let mut v = *value + bias;
            if let Some((gamma, beta, mean, std)) = batch_norm {
                v = gamma * ((v - mean) / std) + beta;
            }
            v = if relu {
                if v <= zero { zero } else { v }
            } else {
                one / (one + (-v).exp())
            };
            if let Some(keep) = keep {
                v *= keep;
            }
            *value = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Activation, DropoutConfig, MultiLayerNetExtend, NetworkConfig};
    use scratchnet_layers::DropoutMode;
    use scratchnet_tensor::{Matrix, SparseRows, random};

    fn trained(config: NetworkConfig) -> MultiLayerNetExtend<f32> {
        let mut net = MultiLayerNetExtend::new(config, &mut random::seeded(3)).unwrap();
        let x = random::normal_matrix::<f32>(32, 12, 1.0, &mut random::seeded(4));
        let labels: Vec<usize> = (0..32).map(|i| i % 4).collect();
        for _ in 0..3 {
            net.gradient(&x, &labels); // moves the BatchNorm running statistics off zero
            for param in net.params_mut() {
                for (value, grad) in param.value.iter_mut().zip(param.grad.iter()) {
                    *value -= 0.1 * grad;
                }
            }
        }
        net
    }

    #[test]
    fn fused_inference_is_bit_identical_to_layer_by_layer() {
        for (activation, batchnorm, mode) in [
            (Activation::Relu, true, DropoutMode::Book),
            (Activation::Sigmoid, false, DropoutMode::Inverted),
            (Activation::Relu, false, DropoutMode::Book),
        ] {
            let mut config = NetworkConfig::new(12, vec![9, 7], 4);
            config.activation = activation;
            config.use_batchnorm = batchnorm;
            config.dropout = Some(DropoutConfig { ratio: 0.3, mode });
            let net = trained(config);
            let mut x = random::normal_matrix::<f32>(2500, 12, 1.0, &mut random::seeded(5));
            x.apply(|v| *v = v.max(0.0)); // half zeros, like pixels
            let reference = net.predict_layer_by_layer(&x);
            assert_eq!(
                net.predict(&x),
                reference,
                "{activation:?} bn={batchnorm} {mode:?}"
            );
            let sparse_scores = net.predict(&SparseRows::from_dense(&x));
            assert!((sparse_scores - &reference).abs().max() < 1e-4);
        }
    }

    #[test]
    fn a_copied_inference_state_predicts_like_its_source() {
        let mut config = NetworkConfig::new(12, vec![9, 7], 4);
        config.use_batchnorm = true;
        config.dropout = Some(DropoutConfig {
            ratio: 0.3,
            mode: DropoutMode::Book,
        });
        let source = trained(config.clone());
        // Same shape, other weights and statistics: everything inference reads is overwritten.
        let mut copy = MultiLayerNetExtend::new(config, &mut random::seeded(99)).unwrap();
        let x = random::normal_matrix::<f32>(50, 12, 1.0, &mut random::seeded(7));
        assert_ne!(copy.predict(&x), source.predict(&x));
        copy.copy_inference_state_from(&source);
        assert_eq!(copy.predict(&x), source.predict(&x));
        let mut other =
            MultiLayerNetExtend::new(NetworkConfig::new(12, vec![9], 4), &mut random::seeded(1))
                .unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            other.copy_inference_state_from(&source);
        }));
        assert!(outcome.is_err(), "a network of another shape is refused");
    }

    #[test]
    fn sparse_and_dense_agree_on_accuracy_and_loss() {
        let net = trained(NetworkConfig::new(12, vec![9], 4));
        let mut x = random::normal_matrix::<f32>(1500, 12, 1.0, &mut random::seeded(6));
        x.apply(|v| *v = v.max(0.0));
        let labels: Vec<usize> = (0..1500).map(|i| (i * 7) % 4).collect();
        let sparse = SparseRows::from_dense(&x);
        let (dense_eval, sparse_eval) = (net.evaluate(&x, &labels), net.evaluate(&sparse, &labels));
        assert!((dense_eval.loss - sparse_eval.loss).abs() < 1e-5);
        assert!((dense_eval.accuracy - sparse_eval.accuracy).abs() <= 2.0 / 1500.0);
        assert_eq!(net.accuracy(&x, &labels), dense_eval.accuracy);
        let empty = Matrix::<f32>::zeros(0, 12);
        assert_eq!(net.accuracy(&empty, &[]), 0.0);
    }
}
