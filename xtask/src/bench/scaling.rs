//! `cargo xtask bench --scaling`: how the cost of training and evaluation grows, in process.
//! Three tables: against the training-set size (seed network), against the width of a single
//! hidden layer (the chapter-5 network on all of MNIST), and against the thread count.

use super::flops::{TEST_IMAGES, weights_per_sample};
use super::micro::{network_for, seed_config};
use super::report::{Header, env_or_unset, publish};
use super::table::{Table, group_thousands};
use super::timing::{Repetitions, Timing, time_blocks, time_for};
use crate::progress::Progress;
use anyhow::{Context, Result, anyhow};
use scratchnet_experiments::{DataSource, LoadedData, RunConfig, TRAIN_IMAGES};
use scratchnet_layers::{BatchBuffer, Network};
use scratchnet_network::{MultiLayerNetExtend, WeightInit};
use scratchnet_optim::{AnyOptimizer, Optimizer};
use scratchnet_tensor::{ByteRows, Samples, random};
use scratchnet_trainer::{IterationLoss, LabeledData, Trainer, TrainerConfig};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

/// Training-set sizes of the first table.
const TRAIN_SIZES: [usize; 4] = [300, 3_000, 30_000, 60_000];
/// Hidden-layer widths of the second table.
const WIDTHS: [usize; 4] = [50, 100, 500, 1_000];

/// How long to time each figure: blocks of about `block`, and whole runs.
#[derive(Clone, Copy)]
struct Budget {
    block: Duration,
    blocks: usize,
    /// Whole seed runs per thread count.
    runs: usize,
}

impl Budget {
    fn new(quick: bool) -> Self {
        match quick {
            true => Self {
                block: Duration::from_millis(50),
                blocks: 3,
                runs: 1,
            },
            false => Self {
                block: Duration::from_millis(250),
                blocks: 5,
                runs: 3,
            },
        }
    }

    fn time(&self, work: impl FnMut()) -> Timing {
        time_for(self.block, self.blocks, work)
    }
}

/// Loads all of MNIST, measures the three tables and writes results/bench-scaling.txt.
pub fn run(source: &DataSource, quick: bool) -> Result<()> {
    let mut header = Header::start();
    let data = source.load(TRAIN_IMAGES, &mut Progress::new(false))?;
    let budget = Budget::new(quick);
    let sizes = measure_sizes(&data, budget)?;
    let widths = measure_widths(&data, budget)?;
    let threads = measure_threads(&data, budget)?;
    header.threads = format!(
        "rayon {} (RAYON_NUM_THREADS={}) unless a row says otherwise",
        rayon::current_num_threads(),
        env_or_unset("RAYON_NUM_THREADS")
    );
    header.finish();
    let report = [
        header.render(),
        sizes_section(&sizes),
        widths_section(&widths),
        threads_section(&threads, budget),
        notes(budget),
    ];
    publish("bench-scaling.txt", &report.join("\n"))
}

/// What one configuration costs: a training step, and an evaluated image of the training rows
/// and of the test set.
struct Cost {
    config: RunConfig,
    step: Timing,
    train_eval: Timing,
    test_eval: Timing,
}

impl Cost {
    fn weights(&self) -> u64 {
        weights_per_sample(&self.config.mnist_network().layer_sizes())
    }

    fn step_gflops(&self) -> f64 {
        let flops = 6 * self.config.batch_size as u64 * self.weights();
        self.step.gflops(flops as f64)
    }

    /// Median time per image in µs and GFLOP/s of an evaluation of `rows` images.
    fn per_image(&self, timing: &Timing, rows: usize) -> (f64, f64) {
        let micros = timing.median.as_secs_f64() * 1e6 / rows as f64;
        let flops = 2 * self.weights() * rows as u64;
        (micros, timing.gflops(flops as f64))
    }
}

fn measure_sizes(data: &LoadedData, budget: Budget) -> Result<Vec<Cost>> {
    TRAIN_SIZES
        .iter()
        .map(|&train_size| {
            eprintln!("scaling: seed network, {train_size} training images …");
            let config = RunConfig {
                train_size,
                ..seed_config()
            };
            measure_cost(data, config, budget)
        })
        .collect()
}

fn measure_widths(data: &LoadedData, budget: Budget) -> Result<Vec<Cost>> {
    WIDTHS
        .iter()
        .map(|&width| {
            eprintln!("scaling: 784-{width}-10 on {TRAIN_IMAGES} training images …");
            measure_cost(data, chapter5_config(width), budget)
        })
        .collect()
}

/// The chapter-5 run (`--hidden W --train-size 60000 --weight-init 0.01 --lr 0.1`).
fn chapter5_config(width: usize) -> RunConfig {
    RunConfig {
        hidden: vec![width],
        train_size: TRAIN_IMAGES,
        weight_init: WeightInit::Std(0.01),
        lr: Some(0.1),
        epochs: 17,
        ..RunConfig::default()
    }
}

fn measure_cost(data: &LoadedData, config: RunConfig, budget: Budget) -> Result<Cost> {
    let rows = data.train_rows(config.train_size);
    let labels = data.mnist.train.labels(config.train_size);
    if rows.nrows() < config.train_size {
        return Err(anyhow!("only {} training images were loaded", rows.nrows()));
    }
    let test_labels = data.mnist.test.labels(data.mnist.test.len());
    let (mut network, mut optimizer) = network_for(&config)?;
    let step = time_steps(
        &rows,
        &labels,
        (&mut network, &mut optimizer),
        config.batch_size,
        budget,
    );
    let train_eval = budget.time(|| {
        black_box(network.evaluate(&rows, &labels));
    });
    let test_eval = budget.time(|| {
        black_box(network.accuracy(&data.test_sparse, &test_labels));
    });
    Ok(Cost {
        config,
        step,
        train_eval,
        test_eval,
    })
}

/// Training steps as the trainer runs them: draw a batch with replacement, gather it from the
/// byte-stored images as sparse rows, compute the gradient, update with SGD.
fn time_steps(
    rows: &ByteRows<'_, f32>,
    labels: &[usize],
    (network, optimizer): (&mut MultiLayerNetExtend<f32>, &mut AnyOptimizer<f32>),
    batch_size: usize,
    budget: Budget,
) -> Timing {
    let samples = Samples::Bytes(rows);
    let mut rng = random::seeded(1);
    let (mut indices, mut batch, mut batch_labels) =
        (Vec::new(), BatchBuffer::default(), Vec::new());
    budget.time(|| {
        random::choice_with_replacement(samples.nrows(), batch_size, &mut rng, &mut indices);
        batch.gather(samples, &indices, true);
        batch_labels.clear();
        batch_labels.extend(indices.iter().map(|&index| labels[index]));
        black_box(Network::gradient(network, batch.batch(), &batch_labels));
        optimizer.update(&mut network.params_mut());
    })
}

/// A thread count's whole seed run (in process) and test evaluation.
struct ThreadCost {
    threads: usize,
    seed_run: Timing,
    test_eval: Timing,
}

fn measure_threads(data: &LoadedData, budget: Budget) -> Result<Vec<ThreadCost>> {
    thread_counts(rayon::current_num_threads())
        .into_iter()
        .map(|threads| {
            eprintln!("scaling: {threads} thread(s) …");
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .context("building a thread pool")?;
            pool.install(|| measure_thread_count(data, threads, budget))
        })
        .collect()
}

/// 1, 2, 4, … up to `max`, and `max`.
fn thread_counts(max: usize) -> Vec<usize> {
    let mut counts: Vec<usize> = std::iter::successors(Some(1_usize), |&n| n.checked_mul(2))
        .take_while(|&n| n < max)
        .collect();
    counts.push(max.max(1));
    counts
}

fn measure_thread_count(data: &LoadedData, threads: usize, budget: Budget) -> Result<ThreadCost> {
    let config = seed_config();
    let mut failure = None;
    let repetitions = Repetitions {
        warmup: 0,
        blocks: budget.runs,
        reps: 1,
    };
    let seed_run = time_blocks(repetitions, || {
        if let Err(error) = train_in_process(data, &config) {
            failure.get_or_insert(error);
        }
    });
    if let Some(error) = failure {
        return Err(error);
    }
    let (network, _) = network_for(&config)?;
    let test_labels = data.mnist.test.labels(data.mnist.test.len());
    let test_eval = budget.time(|| {
        black_box(network.accuracy(&data.test_sparse, &test_labels));
    });
    Ok(ThreadCost {
        threads,
        seed_run,
        test_eval,
    })
}

/// The training loop of `cargo xtask train` for `config`, without its files.
fn train_in_process(data: &LoadedData, config: &RunConfig) -> Result<()> {
    let rows = data.train_rows(config.train_size);
    let labels = data.mnist.train.labels(config.train_size);
    let test_labels = data.mnist.test.labels(data.mnist.test.len());
    let (mut network, mut optimizer) = network_for(config)?;
    let trainer_config = TrainerConfig {
        epochs: config.epochs,
        mini_batch_size: config.batch_size,
        evaluate_sample_num_per_epoch: config.eval_samples,
        iteration_loss: IterationLoss::BeforeUpdate,
    };
    let mut trainer = Trainer::new(
        &mut network,
        &mut optimizer,
        LabeledData::new(&rows, &labels)?,
        LabeledData::new(&data.test_sparse, &test_labels)?,
        trainer_config,
        random::seeded(config.seed),
    )?;
    trainer.train(&mut ())?;
    Ok(())
}

fn sizes_section(costs: &[Cost]) -> String {
    let mut table = Table::new([
        "training images",
        "step (median)",
        "step GFLOP/s",
        "step ÷ step at 300",
        "training-set evaluation per image",
        "test-set evaluation per image",
    ]);
    let first_step = costs.first().map(|cost| cost.step.median.as_secs_f64());
    for cost in costs {
        let (train_us, train_gflops) = cost.per_image(&cost.train_eval, cost.config.train_size);
        let (test_us, test_gflops) = cost.per_image(&cost.test_eval, TEST_IMAGES);
        table.row([
            group_thousands(cost.config.train_size),
            format!("{:.3} ms", cost.step.median_ms()),
            format!("{:.0}", cost.step_gflops()),
            ratio(cost.step.median.as_secs_f64(), first_step),
            format!("{train_us:.2} µs ({train_gflops:.0} GFLOP/s)"),
            format!("{test_us:.2} µs ({test_gflops:.0} GFLOP/s)"),
        ]);
    }
    let mut out = String::from(
        "Cost against the training-set size: seed network 784-[100]×6-10, dropout 0.2, batch 100.\n\n",
    );
    out.push_str(&table.render());
    if let (Some(first), Some(last)) = (costs.first(), costs.last()) {
        let _ = writeln!(
            out,
            "\nPer-step time at {} images ÷ at {}: {} (a step gathers 100 rows wherever they \
             are: it should stay ≈ 1).",
            group_thousands(last.config.train_size),
            group_thousands(first.config.train_size),
            ratio(
                last.step.median.as_secs_f64(),
                Some(first.step.median.as_secs_f64())
            )
        );
    }
    out
}

fn widths_section(costs: &[Cost]) -> String {
    let mut table = Table::new([
        "hidden layer",
        "Σ n_in·n_out",
        "step (median)",
        "step GFLOP/s",
        "training-set evaluation per image",
        "test-set evaluation per image",
    ]);
    for cost in costs {
        let (train_us, train_gflops) = cost.per_image(&cost.train_eval, cost.config.train_size);
        let (test_us, test_gflops) = cost.per_image(&cost.test_eval, TEST_IMAGES);
        table.row([
            format!(
                "784-{}-10",
                group_thousands(cost.config.hidden.iter().sum())
            ),
            group_thousands(cost.weights() as usize),
            format!("{:.3} ms", cost.step.median_ms()),
            format!("{:.0}", cost.step_gflops()),
            format!("{train_us:.2} µs ({train_gflops:.0} GFLOP/s)"),
            format!("{test_us:.2} µs ({test_gflops:.0} GFLOP/s)"),
        ]);
    }
    let mut out = format!(
        "Cost against the width: one hidden layer (the chapter-5 network: weight init 0.01, SGD \
         lr 0.1, batch 100) on all {} training images.\n\n",
        group_thousands(TRAIN_IMAGES)
    );
    out.push_str(&table.render());
    out
}

fn threads_section(costs: &[ThreadCost], budget: Budget) -> String {
    let mut table = Table::new([
        "rayon threads",
        "seed run in process (median)",
        "speed-up",
        "test-set evaluation per image",
        "speed-up",
    ]);
    let first = costs.first();
    for cost in costs {
        let run = cost.seed_run.median.as_secs_f64();
        let test = cost.test_eval.median.as_secs_f64();
        table.row([
            cost.threads.to_string(),
            format!("{run:.2} s"),
            ratio(
                first.map_or(run, |first| first.seed_run.median.as_secs_f64()),
                Some(run),
            ),
            format!("{:.2} µs", test * 1e6 / TEST_IMAGES as f64),
            ratio(
                first.map_or(test, |first| first.test_eval.median.as_secs_f64()),
                Some(test),
            ),
        ]);
    }
    format!(
        "Cost against the thread count: the seed experiment's training loop in process (903 \
         steps, 301 evaluations of 300 + 10,000 images, the final test pass; median of {} \
         run(s)), and one evaluation of the test set.\n\n{}",
        budget.runs,
        table.render()
    )
}

fn notes(budget: Budget) -> String {
    format!(
        "A step = draw 100 indices with replacement, gather those rows from the byte-stored \
         images as sparse rows (BatchBuffer::gather), gradient, SGD update: the trainer's iteration without \
         its loss record. Training-set evaluation = the first N training images as bytes through \
         `evaluate` (loss and accuracy, as every epoch does); test-set evaluation = the 10,000 \
         test images as sparse rows through `accuracy`. Each figure is the median of {} blocks \
         of about {} ms; GFLOP/s count dense-equivalent products (3 · 2·B·Σ per step, 2·Σ per \
         image). A step runs on one thread, an evaluation on every rayon thread.\n\
         this report: {}\n",
        budget.blocks,
        budget.block.as_millis(),
        super::report::this_command()
    )
}

/// `value / base` as `1.02`, or empty without a base.
fn ratio(value: f64, base: Option<f64>) -> String {
    base.map_or_else(String::new, |base| {
        format!("{:.2}", value / base.max(1e-12))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_double_up_to_the_pool() {
        assert_eq!(thread_counts(1), [1]);
        assert_eq!(thread_counts(2), [1, 2]);
        assert_eq!(thread_counts(6), [1, 2, 4, 6]);
        assert_eq!(thread_counts(8), [1, 2, 4, 8]);
    }

    #[test]
    fn numbers_for_the_tables() {
        assert_eq!(ratio(1.53, Some(1.5)), "1.02");
        assert_eq!(ratio(1.0, None), "");
    }

    #[test]
    fn the_width_rows_are_the_chapter_5_network() {
        let config = chapter5_config(50);
        assert_eq!(config.mnist_network().layer_sizes(), [784, 50, 10]);
        assert_eq!(config.learning_rate(), 0.1);
        assert_eq!(config.validate(), Ok(()));
    }
}
