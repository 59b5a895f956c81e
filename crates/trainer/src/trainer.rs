//! The training loop.

use crate::{EpochRecord, LabeledData, TrainError, TrainObserver, TrainingHistory};
use scratchnet_network::{MultiLayerNetExtend, Samples};
use scratchnet_optim::Optimizer;
use scratchnet_tensor::random::{self, Rng};
use scratchnet_tensor::{Float, Matrix, SparseRows, resize_for};
use std::borrow::Cow;
use std::ops::ControlFlow;

/// The book's `Trainer` settings (its defaults: 20 epochs, batches of 100, every sample
/// evaluated).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrainerConfig {
    /// Passes over the training set.
    pub epochs: usize,
    /// Samples per mini-batch.
    pub mini_batch_size: usize,
    /// Evaluate accuracy per epoch on only the first N training and test samples (the book's
    /// `evaluate_sample_num_per_epoch`); `None` = all of them.
    pub evaluate_sample_num_per_epoch: Option<usize>,
}

impl Default for TrainerConfig {
    fn default() -> Self {
        Self {
            epochs: 20,
            mini_batch_size: 100,
            evaluate_sample_num_per_epoch: None,
        }
    }
}

/// Iterations that make one epoch: `max(ceil(train_size / batch_size), 1)`.
///
/// The book computes `max(train_size / batch_size, 1)` in floating point and tests
/// `iteration % iter_per_epoch == 0`, which miscounts epochs when the division is not whole
/// (350 samples in batches of 100 evaluate only every 7 iterations). Here an epoch is the
/// smallest whole number of iterations whose batches hold at least `train_size` samples;
/// for sizes that divide evenly (the book's experiments) the two agree.
pub fn iterations_per_epoch(train_size: usize, batch_size: usize) -> usize {
    train_size.div_ceil(batch_size.max(1)).max(1)
}

/// Trains a network with an optimizer, like the book's `Trainer(network, x_train, t_train,
/// x_test, t_test, …).train()`.
pub struct Trainer<'a, T: Float, O: Optimizer<T> + ?Sized> {
    network: &'a mut MultiLayerNetExtend<T>,
    optimizer: &'a mut O,
    train: LabeledData<'a, T>,
    test: LabeledData<'a, T>,
    config: TrainerConfig,
    rng: Rng,
    /// What each epoch evaluates: the first N rows of each set when
    /// `evaluate_sample_num_per_epoch` is set, stored sparsely when mostly zero (pixels).
    train_eval: EvalSet<'a, T>,
    test_eval: EvalSet<'a, T>,
    /// The whole test set for the final pass.
    test_full: EvalSet<'a, T>,
    /// Reused per step: batch indices, images and labels.
    batch_indices: Vec<usize>,
    batch_x: Matrix<T>,
    batch_labels: Vec<usize>,
}

impl<'a, T: Float, O: Optimizer<T> + ?Sized> Trainer<'a, T, O> {
    /// Checks the settings and the data against the network. `rng` draws the mini-batches.
    pub fn new(
        network: &'a mut MultiLayerNetExtend<T>,
        optimizer: &'a mut O,
        train: LabeledData<'a, T>,
        test: LabeledData<'a, T>,
        config: TrainerConfig,
        rng: Rng,
    ) -> Result<Self, TrainError> {
        if config.epochs == 0 {
            return Err(TrainError::InvalidConfig(
                "epochs must be at least 1".into(),
            ));
        }
        if config.mini_batch_size == 0 {
            return Err(TrainError::InvalidConfig(
                "mini-batch size must be at least 1".into(),
            ));
        }
        if config.evaluate_sample_num_per_epoch == Some(0) {
            return Err(TrainError::InvalidConfig(
                "evaluate sample count must be at least 1".into(),
            ));
        }
        if train.is_empty() {
            return Err(TrainError::InvalidData("the training set is empty".into()));
        }
        let network_config = network.config();
        for (name, data) in [("training", &train), ("test", &test)] {
            if data.x.ncols() != network_config.input_size {
                return Err(TrainError::InvalidData(format!(
                    "{name} samples have {} features, the network expects {}",
                    data.x.ncols(),
                    network_config.input_size
                )));
            }
            if let Some(label) = data
                .labels
                .iter()
                .find(|&&label| label >= network_config.output_size)
            {
                return Err(TrainError::InvalidData(format!(
                    "{name} label {label} is not a class of a network with {} outputs",
                    network_config.output_size
                )));
            }
        }
        let first_rows = |x: &'a Matrix<T>| match config.evaluate_sample_num_per_epoch {
            Some(count) if count < x.nrows() => {
                EvalSet::new(Cow::Owned(x.rows(0, count).into_owned()))
            }
            _ => EvalSet::new(Cow::Borrowed(x)),
        };
        let test_eval = first_rows(test.x);
        let test_full = match config.evaluate_sample_num_per_epoch {
            Some(count) if count < test.x.nrows() => EvalSet::new(Cow::Borrowed(test.x)),
            _ => test_eval.clone(),
        };
        Ok(Self {
            train_eval: first_rows(train.x),
            test_eval,
            test_full,
            network,
            optimizer,
            train,
            test,
            config,
            rng,
            batch_indices: Vec::with_capacity(config.mini_batch_size),
            batch_x: Matrix::zeros(0, 0),
            batch_labels: Vec::with_capacity(config.mini_batch_size),
        })
    }

    /// Iterations per epoch for this training set (see [`iterations_per_epoch`]).
    pub fn iterations_per_epoch(&self) -> usize {
        iterations_per_epoch(self.train.len(), self.config.mini_batch_size)
    }

    /// Total iterations of the run: epochs × iterations per epoch.
    pub fn max_iterations(&self) -> usize {
        self.config.epochs * self.iterations_per_epoch()
    }

    /// Runs every iteration: sample a batch with replacement, compute the gradient in training
    /// mode, update, record the batch loss in inference mode; after the first iteration of each
    /// epoch evaluate train and test accuracy; at the end, one test pass over every sample.
    pub fn train(
        &mut self,
        observer: &mut dyn TrainObserver,
    ) -> Result<TrainingHistory, TrainError> {
        let per_epoch = self.iterations_per_epoch();
        let mut history = TrainingHistory {
            train_loss_list: Vec::with_capacity(self.max_iterations()),
            epochs: Vec::with_capacity(self.config.epochs),
            final_test_accuracy: 0.0,
        };
        for iteration in 0..self.max_iterations() {
            let epoch = iteration / per_epoch + 1;
            let loss = self.train_step().as_f64();
            if !loss.is_finite() {
                return Err(TrainError::Diverged {
                    epoch,
                    iteration: iteration + 1,
                    loss,
                });
            }
            history.train_loss_list.push(loss);
            observer.iteration_done(iteration + 1, loss);
            if iteration % per_epoch == 0 {
                let record = self.evaluate(epoch, iteration + 1);
                history.epochs.push(record);
                if observer.epoch_done(&record) == ControlFlow::Break(()) {
                    return Err(TrainError::Stopped { epoch });
                }
            }
        }
        history.final_test_accuracy = self
            .network
            .accuracy(self.test_full.samples(), self.test.labels);
        Ok(history)
    }

    /// One iteration; returns the batch loss after the update (inference mode, like the book's
    /// `self.network.loss(x_batch, t_batch)`).
    fn train_step(&mut self) -> T {
        let batch_size = self.config.mini_batch_size;
        random::choice_with_replacement(
            self.train.len(),
            batch_size,
            &mut self.rng,
            &mut self.batch_indices,
        );
        gather_rows(self.train.x, &self.batch_indices, &mut self.batch_x);
        self.batch_labels.clear();
        self.batch_labels.extend(
            self.batch_indices
                .iter()
                .map(|&index| self.train.labels[index]),
        );

        self.network.gradient(&self.batch_x, &self.batch_labels);
        self.optimizer.update(&mut self.network.params_mut());
        self.network.loss(&self.batch_x, &self.batch_labels, false)
    }

    fn evaluate(&self, epoch: usize, iteration: usize) -> EpochRecord {
        let train_labels = &self.train.labels[..self.train_eval.rows()];
        let train = self
            .network
            .evaluate(self.train_eval.samples(), train_labels);
        let test_labels = &self.test.labels[..self.test_eval.rows()];
        let test_accuracy = self.network.accuracy(self.test_eval.samples(), test_labels);
        EpochRecord {
            epoch,
            iteration,
            train_loss: train.loss,
            train_acc: train.accuracy,
            test_acc: test_accuracy,
        }
    }
}

/// Density below which evaluation sets are stored sparsely (MNIST images: ≈0.19).
const SPARSE_BELOW_DENSITY: f64 = 0.5;

/// A set evaluated every epoch, dense or sparse, whichever makes inference cheaper.
#[derive(Clone)]
enum EvalSet<'a, T: Float> {
    Dense(Cow<'a, Matrix<T>>, usize),
    Sparse(std::sync::Arc<SparseRows<T>>, usize),
}

impl<'a, T: Float> EvalSet<'a, T> {
    fn new(x: Cow<'a, Matrix<T>>) -> Self {
        let rows = x.nrows();
        let zeros = x.as_slice().iter().filter(|&&v| v == T::zero()).count();
        let density = 1.0 - zeros as f64 / x.len().max(1) as f64;
        if density < SPARSE_BELOW_DENSITY {
            Self::Sparse(std::sync::Arc::new(SparseRows::from_dense(&x)), rows)
        } else {
            Self::Dense(x, rows)
        }
    }

    fn rows(&self) -> usize {
        match self {
            Self::Dense(_, rows) | Self::Sparse(_, rows) => *rows,
        }
    }

    fn samples(&self) -> Samples<'_, T> {
        match self {
            Self::Dense(x, _) => Samples::Dense(x),
            Self::Sparse(x, _) => Samples::Sparse(x),
        }
    }
}

/// `out = x[indices, :]`, the book's `x_train[batch_mask]`, into a reused buffer.
fn gather_rows<T: Float>(x: &Matrix<T>, indices: &[usize], out: &mut Matrix<T>) {
    resize_for(out, indices.len(), x.ncols());
    for (source, mut target) in x.column_iter().zip(out.column_iter_mut()) {
        for (value, &index) in target.iter_mut().zip(indices) {
            *value = source[index];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_counting() {
        assert_eq!(iterations_per_epoch(300, 100), 3);
        assert_eq!(iterations_per_epoch(60_000, 100), 600);
        assert_eq!(iterations_per_epoch(350, 100), 4);
        assert_eq!(iterations_per_epoch(50, 100), 1);
        assert_eq!(iterations_per_epoch(1, 1), 1);
        assert_eq!(iterations_per_epoch(101, 100), 2);
    }

    #[test]
    fn gather_copies_the_chosen_rows() {
        let x = Matrix::<f64>::from_fn(5, 3, |i, j| (10 * i + j) as f64);
        let mut out = Matrix::zeros(0, 0);
        gather_rows(&x, &[4, 0, 4], &mut out);
        assert_eq!(
            out,
            Matrix::from_row_slice(3, 3, &[40.0, 41.0, 42.0, 0.0, 1.0, 2.0, 40.0, 41.0, 42.0])
        );
    }
}
