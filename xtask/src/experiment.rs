//! `cargo xtask experiment NAME`: the experiments of chapter 6, one figure each, on real MNIST.

use crate::data::DataArgs;
use crate::progress::Progress;
use crate::signals::StopSignal;
use crate::{Failure, Outcome, results_dir};
use scratchnet_experiments::{
    ExperimentError, ExperimentName, ExperimentRequest, parse_experiment_dropout,
};
use std::path::PathBuf;

#[derive(clap::Args, Clone, Debug)]
#[command(
    allow_negative_numbers = true,
    after_help = "Experiments (the book's figures):
  optimizers    fig. 6-9: SGD, Momentum, AdaGrad and Adam, training loss per iteration
  weight-init   fig. 6-15: weight init std 0.01 vs Xavier vs He (ReLU)
  batchnorm     fig. 6-19: with vs without BatchNorm at 16 weight scales
  weight-decay  fig. 6-21: weight decay λ = 0 vs 0.1, train/test accuracy per epoch
  dropout       fig. 6-23: no dropout vs dropout (--dropout)
  hyperparams   fig. 6-24: random search over learning rate and weight decay

Each experiment writes results/NAME/NAME.csv, NAME.svg and verdict.txt and prints its verdict. \
Settings are the book's ch06 scripts; --quick shrinks iterations, epochs, scales and trials (same \
code path) for a look in seconds. Ctrl-C stops at the next epoch without writing anything (exit \
130)."
)]
pub struct ExperimentArgs {
    /// The experiment (a figure of chapter 6): optimizers, weight-init, batchnorm,
    /// weight-decay, dropout or hyperparams.
    #[arg(value_parser = parse_name, value_name = "NAME")]
    pub name: ExperimentName,
    /// Seed of every random number; each independent run derives its own from it and its index.
    #[arg(long, default_value = "0", value_parser = scratchnet_experiments::options::seed)]
    pub seed: u64,
    /// Fewer iterations, epochs, scales and trials, same code path: a look in seconds.
    #[arg(long)]
    pub quick: bool,
    /// Dropout ratio of the `dropout` experiment, in (0, 1) (the book's figure used 0.15).
    #[arg(long, default_value = "0.2", value_parser = parse_experiment_dropout, value_name = "RATIO")]
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

fn parse_name(text: &str) -> Result<ExperimentName, String> {
    text.parse()
}

pub fn run(args: &ExperimentArgs) -> Outcome {
    let stop = StopSignal::install();
    let slug = args.name.slug();
    let out_dir = args
        .out_dir
        .clone()
        .unwrap_or_else(|| results_dir().join(slug));
    let request = ExperimentRequest {
        name: args.name,
        seed: args.seed,
        quick: args.quick,
        dropout: args.dropout,
    };
    let prepared = request.prepare(&out_dir)?;
    let data = args.data.load(args.name.train_samples(), args.quiet)?;
    if !args.quiet {
        eprintln!(
            "experiment {slug}{} on {}, seed {}",
            if args.quick { " (quick)" } else { "" },
            data.kind,
            args.seed
        );
    }
    let progress = Progress::new(args.quiet);
    match prepared.run(&data, &progress, stop.flag()) {
        Ok(report) => {
            if !args.quiet {
                let files: Vec<String> = report
                    .files
                    .iter()
                    .map(|path| path.display().to_string())
                    .collect();
                eprintln!("done in {:.1} s: {}", report.seconds, files.join("  "));
            }
            println!("{}", report.verdict);
            Ok(())
        }
        Err(ExperimentError::Interrupted) => {
            eprintln!("interrupted: nothing was written to {}", out_dir.display());
            Err(Failure::Signal(stop.exit_status().unwrap_or(130)))
        }
        Err(error) => Err(error.into()),
    }
}
