//! The training loop.

use crate::{EpochRecord, LabeledData, TrainError, TrainObserver, TrainingHistory};
use scratchnet_layers::{BatchBuffer, Network};
use scratchnet_optim::Optimizer;
use scratchnet_tensor::random::{self, Rng};
use scratchnet_tensor::{ByteRows, Float, Matrix, Samples, SparseRows};
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// Which loss each iteration records.
    #[serde(default)]
    pub iteration_loss: IterationLoss,
}

impl Default for TrainerConfig {
    fn default() -> Self {
        Self {
            epochs: 20,
            mini_batch_size: 100,
            evaluate_sample_num_per_epoch: None,
            iteration_loss: IterationLoss::default(),
        }
    }
}

/// The loss each iteration records in [`TrainingHistory::train_loss_list`] and reports to
/// [`TrainObserver::iteration_done`]. Either way a loss that is not finite stops the run.
///
/// The default is the book's, so a library user's `train_loss_list` matches the book's
/// figures; it costs one more forward pass per iteration (≈ 1.75× the time of a small network's
/// step). Choose [`BeforeUpdate`](Self::BeforeUpdate) when only speed matters: the command line
/// and the lab do, and say so in the README's departures from the book.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IterationLoss {
    /// The batch's inference-mode loss after the update, the book's `network.loss(x_batch,
    /// t_batch)`: one more forward pass per iteration.
    #[default]
    AfterUpdate,
    /// The training-mode loss the gradient's forward pass computed before the update: free.
    BeforeUpdate,
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
/// x_test, t_test, …).train()`. Any [`Network`] can be trained: the book's
/// `MultiLayerNetExtend`, or a network written from the layers (`examples/two_layer_net.rs`).
pub struct Trainer<'a, T: Float, N: Network<T>, O: Optimizer<T> + ?Sized> {
    network: &'a mut N,
    optimizer: &'a mut O,
    train: LabeledData<'a, T>,
    test: LabeledData<'a, T>,
    config: TrainerConfig,
    rng: Rng,
    /// What each epoch evaluates.
    eval: EvalSets<'a, T>,
    /// Reused per step.
    batch: Batch<T>,
    /// Set from elsewhere to stop before the next iteration (see [`Trainer::stop_on`]).
    stop: Option<&'a AtomicBool>,
}

impl<'a, T: Float, N: Network<T>, O: Optimizer<T> + ?Sized> Trainer<'a, T, N, O> {
    /// Checks the settings and the data against the network. `rng` draws the mini-batches.
    pub fn new(
        network: &'a mut N,
        optimizer: &'a mut O,
        train: LabeledData<'a, T>,
        test: LabeledData<'a, T>,
        config: TrainerConfig,
        rng: Rng,
    ) -> Result<Self, TrainError> {
        check_config(&config, train.len())?;
        for (name, data) in [("training", &train), ("test", &test)] {
            check_data(name, data, network.input_size(), network.output_size())?;
        }
        let limit = config.evaluate_sample_num_per_epoch;
        let test_limited = limit.is_some_and(|count| count < test.len());
        let sparse = network.takes_sparse_batches();
        Ok(Self {
            eval: EvalSets {
                train: EvalSet::new(train.x, limit),
                test: EvalSet::new(test.x, limit),
                test_full: test_limited.then(|| EvalSet::new(test.x, None)),
            },
            network,
            optimizer,
            train,
            test,
            config,
            rng,
            batch: Batch {
                indices: Vec::with_capacity(config.mini_batch_size),
                next_indices: Vec::with_capacity(config.mini_batch_size),
                x: BatchBuffer::default(),
                x_next: BatchBuffer::default(),
                next_gathered: false,
                sparse,
                labels: Vec::with_capacity(config.mini_batch_size),
            },
            stop: None,
        })
    }

    /// Stops the run before the next iteration once `flag` is set (e.g. by a signal handler
    /// or another thread): [`train`](Self::train) returns [`TrainError::Stopped`] with the
    /// last epoch whose record was reported, within one step rather than at the epoch's end.
    pub fn stop_on(mut self, flag: &'a AtomicBool) -> Self {
        self.stop = Some(flag);
        self
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
    /// mode, update, record the batch loss; after the first iteration of each epoch evaluate
    /// train and test accuracy; at the end, one test pass over every sample.
    ///
    /// The evaluation of an epoch runs on a snapshot of the network taken right after that
    /// iteration, on the thread pool, while the next iterations train: the numbers are exactly
    /// those of an evaluation in place. The observer is called on the pool too, in the order
    /// `iteration 1 … iteration k+1, epoch 1, iteration k+2, …` for `k` iterations per epoch:
    /// each epoch's record comes after the next epoch's first iteration.
    pub fn train(
        &mut self,
        observer: &mut (dyn TrainObserver + Send),
    ) -> Result<TrainingHistory, TrainError>
    where
        O: Send,
    {
        let mut history = TrainingHistory::default();
        // The whole loop is one task on the pool: each epoch's `rayon::join` then hands the
        // evaluation to the other worker directly, and the training worker joins in on the
        // evaluation's chunks once its iterations are done. No thread is spawned or woken
        // per epoch beyond that.
        rayon::scope(|_| self.run_epochs(observer, &mut history))?;
        history.final_test_accuracy = self
            .network
            .accuracy(self.eval.full_test().samples(), self.test.labels);
        Ok(history)
    }

    fn run_epochs(
        &mut self,
        observer: &mut (dyn TrainObserver + Send),
        history: &mut TrainingHistory,
    ) -> Result<(), TrainError>
    where
        O: Send,
    {
        let per_epoch = self.iterations_per_epoch();
        let max_iterations = self.max_iterations();
        let labels = (self.train.labels, self.test.labels);
        let mut losses = Vec::with_capacity(per_epoch.min(1 << 16));
        let diverged = |iteration: usize, loss| TrainError::Diverged {
            epoch: iteration / per_epoch + 1,
            iteration: iteration + 1,
            loss,
        };
        let Self {
            network,
            optimizer,
            train,
            config,
            rng,
            eval,
            batch,
            stop,
            ..
        } = self;
        let stop = *stop;
        let mut steps = Steps {
            batch,
            network: &mut **network,
            optimizer: &mut **optimizer,
            data: *train,
            config: *config,
            rng,
            stop,
        };
        let eval = &*eval;
        // Copied before the first step, so the copy holds no training-step buffers (only what
        // inference reads is refreshed into it each epoch).
        let mut snapshot = steps.network.clone();
        let first_step = steps.run(0..1, &mut losses);
        record_losses(0, &mut losses, history, observer);
        match first_step {
            Err(StepsEnd::Diverged(iteration, loss)) => return Err(diverged(iteration, loss)),
            Err(StepsEnd::Stopped) => return Err(TrainError::Stopped { epoch: 0 }),
            Ok(()) => {}
        }
        snapshot.copy_inference_state_from(steps.network);
        for epoch in 1..=config.epochs {
            // This epoch's remaining iterations and the next one's first, beside this epoch's
            // evaluation (of the network after its first iteration).
            let first = (epoch - 1) * per_epoch;
            let iterations = first + 1..(epoch * per_epoch + 1).min(max_iterations);
            let (trained, record) = rayon::join(
                || steps.run(iterations.clone(), &mut losses),
                || eval.evaluate(&snapshot, labels, epoch, first + 1),
            );
            record_losses(iterations.start, &mut losses, history, observer);
            history.epochs.push(record);
            if observer.epoch_done(&record).is_break() {
                return Err(TrainError::Stopped { epoch });
            }
            match trained {
                Err(StepsEnd::Diverged(iteration, loss)) => return Err(diverged(iteration, loss)),
                Err(StepsEnd::Stopped) => return Err(TrainError::Stopped { epoch }),
                Ok(()) => {}
            }
            snapshot.copy_inference_state_from(steps.network);
        }
        Ok(())
    }
}

/// The settings a run can be made of: at least one epoch, batch and evaluated sample, and a
/// number of iterations that fits in memory's counters.
fn check_config(config: &TrainerConfig, train_size: usize) -> Result<(), TrainError> {
    let invalid = |message: &str| Err(TrainError::InvalidConfig(message.into()));
    if config.epochs == 0 {
        return invalid("epochs must be at least 1");
    }
    if config.mini_batch_size == 0 {
        return invalid("mini-batch size must be at least 1");
    }
    if config.evaluate_sample_num_per_epoch == Some(0) {
        return invalid("evaluate sample count must be at least 1");
    }
    let per_epoch = iterations_per_epoch(train_size, config.mini_batch_size);
    if config.epochs.checked_mul(per_epoch).is_none() {
        return invalid("epochs × iterations per epoch does not fit in a counter");
    }
    Ok(())
}

/// Samples the network can take and labels it can score.
fn check_data<T: Float>(
    name: &str,
    data: &LabeledData<'_, T>,
    input_size: usize,
    output_size: usize,
) -> Result<(), TrainError> {
    if name == "training" && data.is_empty() {
        return Err(TrainError::InvalidData("the training set is empty".into()));
    }
    if data.x.ncols() != input_size {
        return Err(TrainError::InvalidData(format!(
            "{name} samples have {} features, the network expects {input_size}",
            data.x.ncols(),
        )));
    }
    if let Some(label) = data.labels.iter().find(|&&label| label >= output_size) {
        return Err(TrainError::InvalidData(format!(
            "{name} label {label} is not a class of a network with {output_size} outputs"
        )));
    }
    Ok(())
}

/// What the training iterations need, borrowed apart from the evaluation sets so that both
/// can run at once.
struct Steps<'s, T: Float, N, O: ?Sized> {
    batch: &'s mut Batch<T>,
    network: &'s mut N,
    optimizer: &'s mut O,
    data: LabeledData<'s, T>,
    config: TrainerConfig,
    rng: &'s mut Rng,
    stop: Option<&'s AtomicBool>,
}

/// Why a run of iterations ended early.
enum StepsEnd {
    /// The loss of this (0-based) iteration was not finite.
    Diverged(usize, f64),
    /// The stop flag was set.
    Stopped,
}

impl<T: Float, N: Network<T>, O: Optimizer<T> + ?Sized + Send> Steps<'_, T, N, O> {
    /// Runs the iterations `range` (0-based), pushing each batch loss to `losses`; stops at the
    /// first loss that is not finite, or before an iteration once the stop flag is set.
    fn run(
        &mut self,
        range: std::ops::Range<usize>,
        losses: &mut Vec<f64>,
    ) -> Result<(), StepsEnd> {
        for iteration in range {
            if self.stop.is_some_and(|flag| flag.load(Ordering::Relaxed)) {
                return Err(StepsEnd::Stopped);
            }
            let loss = self.step().as_f64();
            if !loss.is_finite() {
                return Err(StepsEnd::Diverged(iteration, loss));
            }
            losses.push(loss);
        }
        Ok(())
    }

    /// One iteration; returns the loss [`TrainerConfig::iteration_loss`] asks for. The next
    /// step's batch is gathered beside it, by the pool's other worker when it is free.
    fn step(&mut self) -> T {
        let Self {
            batch,
            network,
            optimizer,
            data,
            config,
            rng,
            ..
        } = self;
        batch.draw(*data, config.mini_batch_size, rng);
        let Batch {
            x,
            x_next,
            next_indices,
            labels,
            sparse,
            ..
        } = &mut **batch;
        let (loss, ()) = rayon::join(
            || {
                let training_loss = network.gradient(x.batch(), labels);
                optimizer.update(&mut network.params_mut());
                match config.iteration_loss {
                    IterationLoss::BeforeUpdate => training_loss,
                    IterationLoss::AfterUpdate => {
                        T::cast(network.evaluate(x.batch().samples(), labels).loss)
                    }
                }
            },
            || x_next.gather(data.x, next_indices, *sparse),
        );
        loss
    }
}

/// Hands the losses of the iterations from `first` (0-based) on to the history and the
/// observer, in order.
fn record_losses(
    first: usize,
    losses: &mut Vec<f64>,
    history: &mut TrainingHistory,
    observer: &mut (dyn TrainObserver + Send),
) {
    for (offset, loss) in losses.drain(..).enumerate() {
        history.train_loss_list.push(loss);
        observer.iteration_done(first + offset + 1, loss);
    }
}

/// The buffers of one mini-batch and of the next, reused every step.
struct Batch<T: Float> {
    indices: Vec<usize>,
    /// The next step's batch, drawn one step ahead and gathered while this step computes
    /// (the draws are the same, in the same order).
    next_indices: Vec<usize>,
    /// The gathered samples: sparse rows over the training set's column split for
    /// byte-stored samples and a network that reads them (its first layer multiplies them
    /// entry by entry), dense otherwise.
    x: BatchBuffer<T>,
    /// The next step's samples, once gathered.
    x_next: BatchBuffer<T>,
    /// Whether `x_next` holds `next_indices`' samples.
    next_gathered: bool,
    /// Whether the network takes sparse batches.
    sparse: bool,
    labels: Vec<usize>,
}

impl<T: Float> Batch<T> {
    /// Makes the batch drawn last time the current one (the book's `np.random.choice(train_size,
    /// batch_size)`, drawing and gathering it now on the first step) and draws the next.
    fn draw(&mut self, data: LabeledData<'_, T>, size: usize, rng: &mut Rng) {
        if self.next_gathered {
            std::mem::swap(&mut self.x, &mut self.x_next);
            std::mem::swap(&mut self.indices, &mut self.next_indices);
        } else {
            random::choice_with_replacement(data.len(), size, rng, &mut self.indices);
            self.x.gather(data.x, &self.indices, self.sparse);
        }
        random::choice_with_replacement(data.len(), size, rng, &mut self.next_indices);
        self.next_gathered = true;
        self.labels.clear();
        self.labels
            .extend(self.indices.iter().map(|&index| data.labels[index]));
    }
}

/// The sets evaluated every epoch (the first N rows of each when
/// `evaluate_sample_num_per_epoch` is set) and the whole test set for the final pass.
struct EvalSets<'a, T: Float> {
    train: EvalSet<'a, T>,
    test: EvalSet<'a, T>,
    /// The whole test set when `test` is only its first rows.
    test_full: Option<EvalSet<'a, T>>,
}

impl<T: Float> EvalSets<'_, T> {
    fn full_test(&self) -> &EvalSet<'_, T> {
        self.test_full.as_ref().unwrap_or(&self.test)
    }

    /// The book's per-epoch `accuracy(x_train)`, `accuracy(x_test)`, plus the training loss.
    fn evaluate<N: Network<T>>(
        &self,
        network: &N,
        (train_labels, test_labels): (&[usize], &[usize]),
        epoch: usize,
        iteration: usize,
    ) -> EpochRecord {
        let train = network.evaluate(self.train.samples(), &train_labels[..self.train.rows()]);
        let test_accuracy = network.accuracy(self.test.samples(), &test_labels[..self.test.rows()]);
        EpochRecord {
            epoch,
            iteration,
            train_loss: train.loss,
            train_acc: train.accuracy,
            test_acc: test_accuracy,
        }
    }
}

/// Density below which a dense evaluation set is copied into sparse rows (MNIST images: ≈0.19).
const SPARSE_BELOW_DENSITY: f64 = 0.5;

/// A set evaluated every epoch, in whichever form makes inference cheapest.
enum EvalSet<'a, T: Float> {
    Dense(Cow<'a, Matrix<T>>),
    Sparse(Cow<'a, SparseRows<T>>),
    /// Decoded one chunk at a time by inference: no second copy of a large set.
    Bytes(ByteRows<'a, T>),
}

impl<'a, T: Float> EvalSet<'a, T> {
    /// The first `limit` samples (all if `None`); a mostly-zero dense set is stored sparsely.
    fn new(x: Samples<'a, T>, limit: Option<usize>) -> Self {
        let limited = |rows: usize| limit.filter(|&count| count < rows);
        let dense = match x {
            Samples::Sparse(x) => {
                return Self::Sparse(match limited(x.nrows()) {
                    Some(count) => Cow::Owned(x.first_rows(count)),
                    None => Cow::Borrowed(x),
                });
            }
            Samples::Bytes(x) => {
                return Self::Bytes(x.first_rows(limited(x.nrows()).unwrap_or(x.nrows())));
            }
            Samples::Dense(x) => match limited(x.nrows()) {
                Some(count) => Cow::Owned(x.rows(0, count).into_owned()),
                None => Cow::Borrowed(x),
            },
        };
        let zeros = dense.as_slice().iter().filter(|&&v| v == T::zero()).count();
        let density = 1.0 - zeros as f64 / dense.len().max(1) as f64;
        if density < SPARSE_BELOW_DENSITY {
            Self::Sparse(Cow::Owned(SparseRows::from_dense(&dense)))
        } else {
            Self::Dense(dense)
        }
    }

    fn rows(&self) -> usize {
        self.samples().nrows()
    }

    fn samples(&self) -> Samples<'_, T> {
        match self {
            Self::Dense(x) => Samples::Dense(x),
            Self::Sparse(x) => Samples::Sparse(x),
            Self::Bytes(x) => Samples::Bytes(x),
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
    fn a_run_too_long_to_count_is_refused_up_front() {
        let config = TrainerConfig {
            epochs: usize::MAX / 2,
            ..TrainerConfig::default()
        };
        let error = check_config(&config, 300).unwrap_err();
        assert!(error.to_string().contains("does not fit"), "{error}");
        assert!(check_config(&TrainerConfig::default(), 300).is_ok());
    }
}
