//! `cargo xtask train`: the book's overfitting experiment (and any variation of it), with a
//! CSV, a JSON summary and a figure in `results/`.

use crate::data::DataArgs;
use crate::lang;
use crate::progress::Progress;
use crate::run_flags::RunFlags;
use crate::signals::StopSignal;
use crate::{Failure, Outcome, git_commit, results_dir};
use scratchnet_experiments::messages::Message;
use scratchnet_experiments::{
    ResultsDir, RunConfig, RunError, RunName, RunOutcome, RunRequest, RunStatus,
};
use std::path::PathBuf;

#[derive(clap::Args, Clone, Debug)]
#[command(
    allow_negative_numbers = true,
    after_help = "Defaults reproduce the book's overfitting experiment (ch. 6.4): 300 MNIST training \
images, 6 hidden layers of 100, ReLU, He init, SGD lr 0.01, batch 100, 301 epochs.\n\
`cargo xtask train --dropout 0.2` is the book's figure 6-23 (right).\n\n\
Ctrl-C (or SIGTERM) stops at the end of the current epoch: the CSV keeps every finished epoch, \
NAME.json says \"status\": \"interrupted\", NAME.svg shows the epochs so far, and the exit status \
is 130 (143 for SIGTERM). A second Ctrl-C ends at once."
)]
pub struct TrainArgs {
    #[command(flatten)]
    pub run: RunFlags,
    #[command(flatten)]
    pub data: DataArgs,
    /// Base name of the files in results/ [default: from the configuration, e.g. dropout0.2-seed0].
    /// Two runs cannot write the same name at once.
    #[arg(long, value_name = "NAME")]
    pub out: Option<RunName>,
    /// Also save the trained network to this file (load it with `cargo xtask eval --model`);
    /// checked before training starts.
    #[arg(long, value_name = "PATH")]
    pub save: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl TrainArgs {
    /// The run these flags describe.
    pub fn config(&self) -> RunConfig {
        RunConfig {
            dataset: self.data.dataset,
            ..self.run.0.clone()
        }
    }
}

pub fn run(args: &TrainArgs) -> Outcome {
    let stop = StopSignal::install();
    let request = RunRequest {
        config: args.config(),
        name: args.out.clone(),
        save: args.save.clone(),
        command: std::env::args().collect(),
        git_commit: git_commit(),
        lang: lang::current(),
    };
    let prepared = ResultsDir::new(results_dir())
        .prepare(request)
        .map_err(run_failure)?;
    let config = prepared.config().clone();
    let mut data = args.data.load(config.train_size, args.quiet)?;
    data.release_test_bytes();
    if !args.quiet {
        let iterations = scratchnet_experiments::trainer::iterations_per_epoch(
            config.train_size,
            config.batch_size,
        );
        let start = Message::new("cli.train.start")
            .arg("name", prepared.name())
            .arg("size", config.train_size)
            .arg("dataset", data.kind)
            .arg("test", data.mnist.test.len())
            .arg("epochs", config.epochs)
            .arg("iterations", iterations)
            .arg("seed", config.seed);
        eprintln!("{}", start.render(lang::current()));
    }
    let mut progress = Progress::new(args.quiet);
    let outcome = prepared
        .train(&data, &mut progress, stop.flag())
        .map_err(run_failure)?;
    progress.finish();
    report(&outcome, args.quiet);
    match outcome.status {
        RunStatus::Completed => Ok(()),
        RunStatus::Interrupted => Err(Failure::Signal(stop.exit_status().unwrap_or(130))),
        RunStatus::Diverged | RunStatus::Failed => {
            let failed = Message::new("cli.train.failed")
                .arg(
                    "error",
                    outcome.summary.error.as_deref().unwrap_or("the run failed"),
                )
                .arg("csv", outcome.files.csv.display());
            Err(Failure::Error(anyhow::anyhow!(
                "{}",
                failed.render(lang::current())
            )))
        }
    }
}

fn run_failure(error: RunError) -> Failure {
    match &error {
        RunError::Config(config) => Failure::Usage(format!(
            "{}: {}",
            config.flag(),
            config.render(lang::current())
        )),
        _ if error.is_usage() => Failure::Usage(error.to_string()),
        _ => Failure::Error(error.into()),
    }
}

/// Where the run ended and where its files are.
fn report(outcome: &RunOutcome, quiet: bool) {
    if quiet && outcome.status != RunStatus::Interrupted {
        return;
    }
    let lang = lang::current();
    let summary = &outcome.summary;
    let last = &summary.final_result;
    let accuracy = |value: Option<f64>| {
        value.map_or_else(
            || Message::new("cli.accuracy.none").render(lang),
            |v| format!("{v:.4}"),
        )
    };
    let line = match outcome.status {
        RunStatus::Completed => Some(
            Message::new("cli.train.done")
                .arg("seconds", format!("{:.1}", summary.wall_seconds))
                .arg("train", accuracy(last.train_acc))
                .arg("test", accuracy(last.test_acc))
                .arg("full", accuracy(last.full_test_acc)),
        ),
        RunStatus::Interrupted => Some(
            Message::new("cli.train.interrupted")
                .arg("done", summary.epochs_completed)
                .arg("total", summary.trainer.epochs)
                .arg("train", accuracy(last.train_acc))
                .arg("test", accuracy(last.test_acc)),
        ),
        RunStatus::Diverged | RunStatus::Failed => None,
    };
    if let Some(line) = line {
        eprintln!("{}", line.render(lang));
    }
    let files = &outcome.files;
    let results = Message::new("cli.train.results")
        .arg("csv", files.csv.display())
        .arg("json", files.json.display())
        .arg("svg", files.svg.display());
    eprintln!("{}", results.render(lang));
    if let Some(path) = &outcome.saved {
        let network = Message::new("cli.train.network").arg("path", path.display());
        eprintln!("{}", network.render(lang));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use scratchnet_experiments::network::{Activation, DropoutMode, WeightInit};
    use scratchnet_experiments::optim::OptimizerKind;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        train: TrainArgs,
    }

    fn config(flags: &[&str]) -> RunConfig {
        let args = std::iter::once("train").chain(flags.iter().copied());
        Command::try_parse_from(args)
            .expect("the flags parse")
            .train
            .config()
    }

    #[test]
    fn the_flags_defaults_are_the_librarys() {
        assert_eq!(config(&[]), RunConfig::default());
    }

    #[test]
    fn every_flag_reaches_the_configuration() {
        let parsed = config(&[
            "--dropout",
            "0.2",
            "--dropout-mode",
            "inverted",
            "--epochs",
            "7",
            "--train-size",
            "500",
            "--batch-size",
            "50",
            "--hidden",
            "30,20",
            "--activation",
            "sigmoid",
            "--weight-init",
            "0.05",
            "--optimizer",
            "Adam",
            "--lr",
            "0.002",
            "--weight-decay",
            "0.1",
            "--batchnorm",
            "--eval-samples",
            "40",
            "--seed",
            "3",
            "--dataset",
            "fashion",
        ]);
        let expected = RunConfig {
            dataset: scratchnet_experiments::datasets::DatasetKind::FashionMnist,
            train_size: 500,
            hidden: vec![30, 20],
            activation: Activation::Sigmoid,
            weight_init: WeightInit::Std(0.05),
            dropout: 0.2,
            dropout_mode: DropoutMode::Inverted,
            batchnorm: true,
            weight_decay: 0.1,
            optimizer: OptimizerKind::Adam,
            lr: Some(0.002),
            batch_size: 50,
            epochs: 7,
            eval_samples: Some(40),
            seed: 3,
        };
        assert_eq!(parsed, expected);
    }
}
