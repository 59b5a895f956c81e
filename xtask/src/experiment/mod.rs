//! `cargo xtask experiment NAME`: the experiments of chapter 6, one figure each, on real MNIST.
//!
//! Every experiment writes `results/NAME/NAME.csv` (tidy: one row per point), `NAME.svg` and
//! `verdict.txt`, and prints the verdict — a sentence computed from the results — on stdout.
//! Independent runs (optimizers, weight scales, trials) run on all cores; each run's seed is
//! derived from `--seed` and the run's index, so the results do not depend on the thread count.

mod batchnorm;
mod charts;
mod dropout;
mod hyperparams;
mod optimizers;
mod pair;
mod race;
mod weight_decay;
mod weight_init;

use crate::data::{self, DataArgs};
use crate::results;
use anyhow::{Context, Result};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use scratchnet_network::{MultiLayerNetExtend, NetworkConfig};
use scratchnet_optim::AnyOptimizer;
use scratchnet_tensor::random;
use scratchnet_trainer::{
    EpochRecord, LabeledData, TrainError, TrainObserver, Trainer, TrainerConfig,
};
use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

#[derive(clap::Args, Clone, Debug)]
#[command(
    after_help = "Each experiment writes results/NAME/NAME.csv, NAME.svg and verdict.txt \
and prints its verdict. Settings are the book's ch06 scripts; --quick shrinks iterations, \
epochs, scales and trials (same code path) for a look in seconds."
)]
pub struct ExperimentArgs {
    /// The experiment (a figure of chapter 6).
    #[arg(value_enum)]
    pub name: ExperimentName,
    /// Seed of every random number; each independent run derives its own from it and its index.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Fewer iterations, epochs, scales and trials, same code path: a look in seconds.
    #[arg(long)]
    pub quick: bool,
    /// Dropout ratio of the `dropout` experiment, in (0, 1) (the book's figure used 0.15).
    #[arg(long, default_value_t = 0.2, value_parser = parse_ratio, value_name = "RATIO")]
    pub dropout: f64,
    /// Write the outputs here instead of results/NAME/ at the workspace root.
    #[arg(long = "out-dir", value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Print nothing but errors and the verdict.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The experiments, in the book's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExperimentName {
    /// Fig. 6-9: SGD, Momentum, AdaGrad, Adam — training loss per iteration.
    Optimizers,
    /// Fig. 6-15: weight init std 0.01 vs Xavier vs He (ReLU) — training loss per iteration.
    WeightInit,
    /// Fig. 6-19: with vs without BatchNorm at 16 weight scales — train accuracy per epoch.
    Batchnorm,
    /// Fig. 6-21: weight decay λ = 0 vs 0.1 — train/test accuracy per epoch.
    WeightDecay,
    /// Fig. 6-23: no dropout vs dropout (--dropout) — train/test accuracy per epoch.
    Dropout,
    /// Fig. 6-24: random search over learning rate and weight decay — best validation curves.
    Hyperparams,
}

impl ExperimentName {
    /// The name on the command line, also the folder and file names.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Optimizers => "optimizers",
            Self::WeightInit => "weight-init",
            Self::Batchnorm => "batchnorm",
            Self::WeightDecay => "weight-decay",
            Self::Dropout => "dropout",
            Self::Hyperparams => "hyperparams",
        }
    }
}

fn parse_ratio(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(ratio) if ratio > 0.0 && ratio < 1.0 => Ok(ratio),
        Ok(_) => Err(format!("the dropout ratio must be in (0, 1), got {text}")),
        Err(_) => Err(format!("{text:?} is not a number")),
    }
}

/// What an experiment leaves behind, before it is written out.
pub struct Outcome {
    /// Header and rows of `NAME.csv`.
    pub csv: Table,
    /// Draws `NAME.svg` at the given path.
    pub figure: DrawFigure,
    /// The one-line verdict.
    pub verdict: String,
}

/// Draws a figure into the SVG file at the given path.
pub type DrawFigure = Box<dyn FnOnce(&Path) -> Result<()>>;

/// A CSV in memory: a header and rows of already formatted fields.
pub struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

pub fn run(args: &ExperimentArgs) -> Result<()> {
    let slug = args.name.slug();
    let out_dir = match &args.out_dir {
        Some(dir) => dir.clone(),
        None => results::results_dir()?.join(slug),
    };
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let loaded = data::load(&args.data, args.quiet)?;
    let train = &loaded.mnist.train;
    let test = &loaded.mnist.test;
    let context = RunContext {
        seed: args.seed,
        quick: args.quick,
        quiet: args.quiet,
    };
    if !args.quiet {
        eprintln!(
            "experiment {slug}{} on {}, seed {}",
            if args.quick { " (quick)" } else { "" },
            loaded.kind,
            args.seed
        );
    }
    let started = Instant::now();
    let outcome = match args.name {
        ExperimentName::Optimizers => optimizers::run(train, &context)?,
        ExperimentName::WeightInit => weight_init::run(train, &context)?,
        ExperimentName::Batchnorm => batchnorm::run(train, &context)?,
        ExperimentName::WeightDecay => weight_decay::run(train, test, &context)?,
        ExperimentName::Dropout => dropout::run(train, test, args.dropout, &context)?,
        // Only the training split: the search must never see the test set.
        ExperimentName::Hyperparams => hyperparams::run(train, &context)?,
    };
    let seconds = started.elapsed().as_secs_f64();
    let verdict = outcome.verdict.clone();
    let paths = write_outcome(&out_dir, slug, outcome)?;
    if !args.quiet {
        eprintln!("done in {seconds:.1} s: {}", paths.join("  "));
    }
    println!("{verdict}");
    Ok(())
}

/// Writes the CSV, the figure and the verdict; returns their paths for display.
fn write_outcome(dir: &Path, slug: &str, outcome: Outcome) -> Result<Vec<String>> {
    let csv_path = dir.join(format!("{slug}.csv"));
    let svg_path = dir.join(format!("{slug}.svg"));
    let verdict_path = dir.join("verdict.txt");
    write_csv(&csv_path, &outcome.csv)?;
    (outcome.figure)(&svg_path)?;
    results::write_atomically(&verdict_path, format!("{}\n", outcome.verdict).as_bytes())
        .with_context(|| format!("writing {}", verdict_path.display()))?;
    Ok([csv_path, svg_path, verdict_path]
        .iter()
        .map(|path| path.display().to_string())
        .collect())
}

fn write_csv(path: &Path, table: &Table) -> Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&table.header)?;
    for row in &table.rows {
        writer.write_record(row)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("formatting {}: {error}", path.display()))?;
    results::write_atomically(path, &bytes).with_context(|| format!("writing {}", path.display()))
}

/// What every experiment needs to know about the command line.
pub struct RunContext {
    pub seed: u64,
    pub quick: bool,
    pub quiet: bool,
}

/// The seed of independent run `index` of an experiment seeded with `seed` (SplitMix64 of
/// both): the same whatever order the runs are scheduled in.
pub fn run_seed(seed: u64, index: u64) -> u64 {
    splitmix64(seed ^ splitmix64(index.wrapping_add(0x5EED)))
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Progress of many runs at once, shared between threads: a bar on a terminal, about ten plain
/// lines otherwise, nothing when quiet.
pub enum Progress {
    Bar(ProgressBar),
    Lines {
        unit: &'static str,
        total: u64,
        done: AtomicU64,
    },
    Quiet,
}

impl Progress {
    pub fn new(total: u64, unit: &'static str, quiet: bool) -> Self {
        if quiet {
            return Self::Quiet;
        }
        if !std::io::stderr().is_terminal() {
            return Self::Lines {
                unit,
                total,
                done: AtomicU64::new(0),
            };
        }
        let bar = ProgressBar::new(total);
        let template =
            format!("{{elapsed_precise}} [{{bar:30}}] {{pos}}/{{len}} {unit} (eta {{eta}})");
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        Self::Bar(bar)
    }

    pub fn advance(&self, amount: u64) {
        match self {
            Self::Bar(bar) => bar.inc(amount),
            Self::Lines { .. } if amount == 0 => {}
            Self::Lines { unit, total, done } => {
                let before = done.fetch_add(amount, Ordering::Relaxed);
                let after = before + amount;
                let step = total.div_ceil(10).max(1);
                if before / step != after / step || after == *total {
                    eprintln!("{}/{total} {unit}", after.min(*total));
                }
            }
            Self::Quiet => {}
        }
    }

    pub fn finish(&self) {
        if let Self::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// The per-epoch records of one run, and whether the loss blew up before the last epoch.
#[derive(Clone, Debug, Default)]
pub struct Curve {
    pub epochs: Vec<EpochRecord>,
    pub diverged: bool,
}

/// Collects the epochs and advances the shared progress by one per epoch.
struct Collect<'p> {
    epochs: Vec<EpochRecord>,
    progress: &'p Progress,
}

impl TrainObserver for Collect<'_> {
    fn epoch_done(&mut self, record: &EpochRecord) -> ControlFlow<()> {
        self.epochs.push(*record);
        self.progress.advance(1);
        ControlFlow::Continue(())
    }
}

/// One epoch-based run with the book's `Trainer`: weights and dropout masks from `seed`,
/// batches from a generator derived from it (so two configurations with the same seed start
/// from the same weights and see the same batches). `evaluate` plays the Trainer's test set.
/// A run whose loss becomes NaN stops there and is marked `diverged`.
pub fn train_curve(
    config: NetworkConfig,
    mut optimizer: AnyOptimizer<f32>,
    train: LabeledData<'_, f32>,
    evaluate: LabeledData<'_, f32>,
    trainer_config: TrainerConfig,
    seed: u64,
    progress: &Progress,
) -> Result<Curve> {
    let mut rng = random::seeded(seed);
    let mut network = MultiLayerNetExtend::<f32>::new(config, &mut rng)?;
    let mut observer = Collect {
        epochs: Vec::with_capacity(trainer_config.epochs),
        progress,
    };
    let outcome = Trainer::new(
        &mut network,
        &mut optimizer,
        train,
        evaluate,
        trainer_config,
        random::child(&mut rng),
    )?
    .train(&mut observer);
    match outcome {
        Ok(_) => Ok(Curve {
            epochs: observer.epochs,
            diverged: false,
        }),
        Err(TrainError::Diverged { .. }) => {
            let remaining = trainer_config.epochs.saturating_sub(observer.epochs.len());
            progress.advance(remaining as u64);
            Ok(Curve {
                epochs: observer.epochs,
                diverged: true,
            })
        }
        Err(error) => Err(error.into()),
    }
}

/// Mean of the last tenth (at least one) of `values`: a final value that one noisy batch or
/// epoch cannot swing. `NaN` for no values.
pub fn tail_mean(values: &[f64]) -> f64 {
    let tail = (values.len() / 10).max(1).min(values.len());
    if tail == 0 {
        return f64::NAN;
    }
    values[values.len() - tail..].iter().sum::<f64>() / tail as f64
}

/// Joins names like prose: `a`, `a and b`, `a, b and c`.
pub fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    match names {
        [] => String::new(),
        [only] => only.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// Values with two decimals, comma-separated.
pub fn join_values(values: &[f64]) -> String {
    values
        .iter()
        .map(|value| format!("{value:.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_seeds_differ_by_index_and_seed_and_are_stable() {
        assert_eq!(run_seed(0, 3), run_seed(0, 3));
        assert_ne!(run_seed(0, 3), run_seed(0, 4));
        assert_ne!(run_seed(0, 3), run_seed(1, 3));
    }

    #[test]
    fn tail_mean_averages_the_last_tenth() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(tail_mean(&values), 19.5);
        assert_eq!(tail_mean(&[3.0]), 3.0);
        assert!(tail_mean(&[]).is_nan());
    }

    #[test]
    fn names_join_like_prose() {
        assert_eq!(join_names(&["Adam"]), "Adam");
        assert_eq!(join_names(&["Adam", "AdaGrad"]), "Adam and AdaGrad");
        assert_eq!(join_names(&["a", "b", "c"]), "a, b and c");
    }
}
