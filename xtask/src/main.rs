//! `cargo xtask …`: scratchnet's command line. Thin by design: parse, call the crates, report.

mod bench;
mod compare;
mod data;
mod eval;
mod experiment;
mod fetch;
mod plot;
mod progress;
mod results;
mod train;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "scratchnet: the neural networks of Deep Learning from Scratch (ch. 6) in Rust",
    after_help = "Start with `cargo xtask train --dropout 0.2`: it fetches MNIST when needed and \
writes results/dropout0.2-seed0.{csv,json,svg}."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Download MNIST (or Fashion-MNIST), verify every file by SHA-256 and cache it.
    FetchMnist(fetch::FetchArgs),
    /// Train MultiLayerNetExtend; defaults are the book's overfitting experiment.
    Train(train::TrainArgs),
    /// Overlay the accuracy curves of several runs in one figure.
    Compare(compare::CompareArgs),
    /// Report the test accuracy of a saved network.
    Eval(eval::EvalArgs),
    /// Reproduce a figure of chapter 6 on MNIST: CSV, SVG and a verdict in results/NAME/.
    Experiment(experiment::ExperimentArgs),
    /// Benchmark the seed experiment against the book's NumPy code, plus step/evaluation GFLOP/s.
    Bench(bench::BenchArgs),
}

/// A mistake in the command line found after parsing (e.g. a size beyond the data set):
/// reported like clap's own errors, with exit status 2.
#[derive(Debug)]
pub struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// An [`UsageError`] as an `anyhow::Error`.
pub fn usage_error(message: String) -> anyhow::Error {
    UsageError(message).into()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::FetchMnist(args) => fetch::run(args),
        Command::Train(args) => train::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Experiment(args) => experiment::run(args),
        Command::Bench(args) => bench::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.downcast_ref::<UsageError>().is_some() => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
