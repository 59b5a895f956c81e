//! In-process micro benchmarks of the seed network: one training step (gradient + SGD update on
//! a fixed batch of 100) and one evaluation of the 10,000 test images as training evaluates them
//! (sparse rows), each as a median over repeated blocks, with its GFLOP/s.

use super::flops::TrainingWork;
use super::peak::Peak;
use super::timing::{Repetitions, Timing, time_blocks};
use anyhow::{Context, Result};
use scratchnet_experiments::{DataSource, LoadedData, RunConfig};
use scratchnet_layers::{BatchBuffer, Network};
use scratchnet_network::MultiLayerNetExtend;
use scratchnet_optim::{AnyOptimizer, Optimizer, by_name};
use scratchnet_tensor::{Samples, random};
use std::hint::black_box;

/// The micro benchmarks' results.
pub struct Micro {
    /// Rayon threads of this process (evaluation runs on all of them; a step on one).
    pub threads: usize,
    pub step: Timing,
    pub eval: Timing,
    /// The seed experiment's work, for the FLOPs of a step and of a sample.
    pub work: TrainingWork,
    pub test_images: usize,
    /// This machine's peak, measured before the benchmarks.
    pub peak: Peak,
}

impl Micro {
    pub fn step_gflops(&self) -> f64 {
        self.step.gflops(self.work.step_flops() as f64)
    }

    /// Step GFLOP/s counting only the products scratchnet does (no first-layer dx).
    pub fn step_gflops_done(&self) -> f64 {
        let done = self.work.step_flops() - self.work.first_layer_dx_flops();
        self.step.gflops(done as f64)
    }

    pub fn eval_gflops(&self) -> f64 {
        let flops = self.work.sample_flops() * self.test_images as u64;
        self.eval.gflops(flops as f64)
    }
}

/// The seed experiment: `cargo xtask train --dropout 0.2`.
pub fn seed_config() -> RunConfig {
    RunConfig {
        dropout: 0.2,
        ..RunConfig::default()
    }
}

/// The network and optimizer `train` builds for `config`.
pub fn network_for(config: &RunConfig) -> Result<(MultiLayerNetExtend<f32>, AnyOptimizer<f32>)> {
    let mut rng = random::seeded(config.seed);
    let network = MultiLayerNetExtend::<f32>::new(config.mnist_network(), &mut rng)?;
    let optimizer = by_name::<f32>(config.optimizer.name(), Some(config.learning_rate()))?;
    Ok((network, optimizer))
}

/// Loads the seed experiment's data and times a step and a test evaluation.
pub fn run(source: &DataSource, quick: bool) -> Result<Micro> {
    let config = seed_config();
    let data = source
        .load(config.train_size, &mut ())
        .with_context(|| format!("loading MNIST from {}", source.dir.display()))?;
    let peak = Peak::measure(rayon::current_num_threads());
    let (mut network, mut optimizer) = network_for(&config)?;
    let (batch, batch_labels) = one_batch(&data, &config);
    let step = time_blocks(step_repetitions(quick), || {
        black_box(Network::gradient(
            &mut network,
            batch.batch(),
            &batch_labels,
        ));
        optimizer.update(&mut network.params_mut());
    });
    let test_labels = data.mnist.test.labels(data.mnist.test.len());
    let eval = time_blocks(eval_repetitions(quick), || {
        black_box(network.accuracy(&data.test_sparse, &test_labels));
    });
    Ok(Micro {
        threads: rayon::current_num_threads(),
        step,
        eval,
        work: TrainingWork::of_run(&config),
        test_images: test_labels.len(),
        peak,
    })
}

/// One batch of the seed experiment's kind: rows drawn with replacement from its training set.
/// Gathered as training gathers it: sparse rows of the byte-stored images.
fn one_batch(data: &LoadedData, config: &RunConfig) -> (BatchBuffer<f32>, Vec<usize>) {
    let rows = data.train_rows(config.train_size);
    let labels = data.mnist.train.labels(config.train_size);
    let mut picks = Vec::new();
    random::choice_with_replacement(
        rows.nrows(),
        config.batch_size,
        &mut random::seeded(0),
        &mut picks,
    );
    let mut batch = BatchBuffer::default();
    batch.gather(Samples::Bytes(&rows), &picks, true);
    (batch, picks.iter().map(|&pick| labels[pick]).collect())
}

fn step_repetitions(quick: bool) -> Repetitions {
    match quick {
        true => Repetitions {
            warmup: 10,
            blocks: 3,
            reps: 50,
        },
        false => Repetitions {
            warmup: 50,
            blocks: 9,
            reps: 200,
        },
    }
}

fn eval_repetitions(quick: bool) -> Repetitions {
    match quick {
        true => Repetitions {
            warmup: 1,
            blocks: 3,
            reps: 3,
        },
        false => Repetitions {
            warmup: 3,
            blocks: 7,
            reps: 10,
        },
    }
}
