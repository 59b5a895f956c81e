//! The dense-equivalent matrix-product FLOPs of a training run, computed from its configuration
//! (what GFLOP/s figures divide by).
//!
//! One step of batch B costs 3 · 2·B·Σ n_in·n_out: the forward products, and backward dW and dx
//! of every Affine layer. scratchnet skips the first layer's dx (its input is data), so its
//! steps do a little less than the count; the NumPy reference does all of it. Evaluating one
//! sample costs 2·Σ n_in·n_out. Sparse products count as if dense (MNIST is ≈81% zeros).

use scratchnet_experiments::RunConfig;
use scratchnet_trainer::iterations_per_epoch;

/// Images in the test set of every MNIST-family data set.
pub const TEST_IMAGES: usize = 10_000;

/// The matrix-product work of a training run: its steps and the samples it evaluates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingWork {
    /// Input, hidden and output sizes.
    pub layer_sizes: Vec<usize>,
    pub batch: usize,
    pub steps: u64,
    /// Samples passed through the network in inference, over the whole run.
    pub evaluated_samples: u64,
}

impl TrainingWork {
    /// What `cargo xtask train` does with `config`: epochs × iterations-per-epoch steps; each
    /// epoch evaluates the training and test sets (their first --eval-samples when given), and
    /// the run ends with one pass over the whole test set.
    pub fn of_run(config: &RunConfig) -> Self {
        let per_epoch = iterations_per_epoch(config.train_size, config.batch_size);
        let limit = |rows: usize| config.eval_samples.map_or(rows, |limit| limit.min(rows));
        let per_epoch_samples = limit(config.train_size) + limit(TEST_IMAGES);
        Self {
            layer_sizes: config.mnist_network().layer_sizes(),
            batch: config.batch_size,
            steps: to_u64(config.epochs) * to_u64(per_epoch),
            evaluated_samples: to_u64(config.epochs) * to_u64(per_epoch_samples)
                + to_u64(TEST_IMAGES),
        }
    }

    /// FLOPs of the whole run.
    pub fn flops(&self) -> u64 {
        self.steps * self.step_flops() + self.evaluated_samples * self.sample_flops()
    }

    /// FLOPs of one training step: 3 · 2·B·Σ.
    pub fn step_flops(&self) -> u64 {
        6 * to_u64(self.batch) * weights_per_sample(&self.layer_sizes)
    }

    /// FLOPs of one sample's inference: 2·Σ.
    pub fn sample_flops(&self) -> u64 {
        2 * weights_per_sample(&self.layer_sizes)
    }

    /// FLOPs of the first layer's dx in one step (2·B·n_in·n_out), which the step count
    /// includes and scratchnet does not compute.
    pub fn first_layer_dx_flops(&self) -> u64 {
        match self.layer_sizes.as_slice() {
            [input, first, ..] => 2 * to_u64(self.batch) * to_u64(input * first),
            _ => 0,
        }
    }
}

/// Σ n_in·n_out over the Affine layers of a network with these layer sizes.
pub fn weights_per_sample(layer_sizes: &[usize]) -> u64 {
    layer_sizes
        .windows(2)
        .map(|pair| to_u64(pair[0] * pair[1]))
        .sum()
}

fn to_u64(value: usize) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_run() -> RunConfig {
        RunConfig {
            dropout: 0.2,
            ..RunConfig::default()
        }
    }

    #[test]
    fn the_seed_network_has_129400_weights_per_sample() {
        // 784·100 + 5·100·100 + 100·10
        assert_eq!(
            weights_per_sample(&[784, 100, 100, 100, 100, 100, 100, 10]),
            129_400
        );
        assert_eq!(weights_per_sample(&[784, 50, 10]), 39_700);
        assert_eq!(weights_per_sample(&[784]), 0);
    }

    #[test]
    fn the_seed_run_is_875_gflop() {
        let work = TrainingWork::of_run(&seed_run());
        // 301 epochs × 3 steps; 301 × (300 + 10,000) evaluated + the final 10,000.
        assert_eq!((work.steps, work.evaluated_samples), (903, 3_110_300));
        assert_eq!(work.step_flops(), 77_640_000); // 6 · 100 · 129,400
        assert_eq!(work.first_layer_dx_flops(), 15_680_000); // 2 · 100 · 784 · 100
        // 903 · 77,640,000 + 3,110,300 · 258,800
        assert_eq!(work.flops(), 70_108_920_000 + 804_945_640_000);
    }

    #[test]
    fn the_chapter_5_run_is_338_gflop() {
        let config = RunConfig {
            hidden: vec![50],
            train_size: 60_000,
            epochs: 17,
            ..RunConfig::default()
        };
        let work = TrainingWork::of_run(&config);
        // 17 × 600 steps; 17 × 70,000 evaluated + 10,000.
        assert_eq!((work.steps, work.evaluated_samples), (10_200, 1_200_000));
        // 10,200 · 6 · 100 · 39,700 + 1,200,000 · 2 · 39,700
        assert_eq!(work.flops(), 242_964_000_000 + 95_280_000_000);
    }

    #[test]
    fn eval_samples_limit_each_epochs_evaluation_but_not_the_final_pass() {
        let config = RunConfig {
            train_size: 60_000,
            epochs: 2,
            eval_samples: Some(1_000),
            ..RunConfig::default()
        };
        let work = TrainingWork::of_run(&config);
        assert_eq!((work.steps, work.evaluated_samples), (1_200, 14_000));
        let larger_than_the_sets = RunConfig {
            eval_samples: Some(50_000),
            ..seed_run()
        };
        assert_eq!(
            TrainingWork::of_run(&larger_than_the_sets).evaluated_samples,
            3_110_300
        );
    }
}
