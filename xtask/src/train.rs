//! `cargo xtask train`: the book's overfitting experiment (and any variation of it), with a
//! CSV, a JSON summary and a figure in `results/`.

use crate::data::DataArgs;
use crate::progress::Progress;
use crate::signals::StopSignal;
use crate::{Failure, Outcome, git_commit, results_dir};
use clap::ValueEnum;
use scratchnet_experiments::network::{Activation, DropoutMode, WeightInit};
use scratchnet_experiments::{
    ResultsDir, RunConfig, RunError, RunName, RunOutcome, RunRequest, RunStatus, options,
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
    /// Dropout ratio after each hidden activation, in [0, 1); 0 turns dropout off.
    #[arg(long, default_value = "0", value_parser = options::dropout, value_name = "RATIO")]
    pub dropout: f64,
    /// `book`: training keeps units with the mask, inference scales by (1 − ratio) (the book's
    /// code); `inverted`: training scales kept units by 1/(1 − ratio), inference is identity
    /// (PyTorch's and Keras's choice).
    #[arg(long, value_enum, default_value_t = DropoutModeArg::Book, value_name = "MODE")]
    pub dropout_mode: DropoutModeArg,
    /// Passes over the training set (1 to 1,000,000).
    #[arg(long, default_value = "301", value_parser = options::epochs, value_name = "N")]
    pub epochs: usize,
    /// Training images used: the first N of the 60,000.
    #[arg(long, default_value = "300", value_parser = options::train_size, value_name = "N")]
    pub train_size: usize,
    /// Mini-batch size, at most --train-size (batches are drawn with replacement, like the
    /// book's Trainer).
    #[arg(long, default_value = "100", value_parser = options::batch_size, value_name = "N")]
    pub batch_size: usize,
    /// Hidden layer sizes, comma-separated.
    #[arg(long, default_value = "100,100,100,100,100,100", value_parser = parse_hidden, value_name = "SIZES")]
    pub hidden: HiddenSizes,
    /// Hidden activation.
    #[arg(long, value_enum, default_value_t = ActivationArg::Relu)]
    pub activation: ActivationArg,
    /// Initial weight scale: `he` (sqrt(2/n), for ReLU), `xavier` (sqrt(1/n), for sigmoid) or a
    /// fixed standard deviation such as 0.01.
    #[arg(long, default_value = "he", value_parser = options::weight_init, value_name = "he|xavier|STD")]
    pub weight_init: WeightInit,
    /// Optimizer: sgd, momentum, nesterov, adagrad, rmsprop or adam (case-insensitive).
    #[arg(long, default_value = "sgd", value_parser = options::optimizer, value_name = "NAME")]
    pub optimizer: scratchnet_experiments::optim::OptimizerKind,
    /// Learning rate [default: 0.01 for sgd, momentum, nesterov, adagrad, rmsprop; 0.001 for adam].
    #[arg(long, value_parser = options::learning_rate, value_name = "LR")]
    pub lr: Option<f64>,
    /// L2 weight decay λ: the loss adds 0.5·λ·Σ‖W‖².
    #[arg(long, default_value = "0", value_parser = options::weight_decay, value_name = "LAMBDA")]
    pub weight_decay: f64,
    /// Insert BatchNormalization before each hidden activation.
    #[arg(long)]
    pub batchnorm: bool,
    /// Evaluate per-epoch accuracy on only the first N training and test images (the book's
    /// evaluate_sample_num_per_epoch); the final test pass always uses all of them.
    #[arg(long, value_parser = options::eval_samples, value_name = "N")]
    pub eval_samples: Option<usize>,
    /// Seed of every random number (weights, dropout masks, batches): same seed, same CSV.
    #[arg(long, default_value = "0", value_parser = options::seed)]
    pub seed: u64,
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

/// Hidden sizes as one flag value (clap would take a bare `Vec` for a repeated flag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HiddenSizes(pub Vec<usize>);

fn parse_hidden(text: &str) -> Result<HiddenSizes, String> {
    options::hidden(text).map(HiddenSizes)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DropoutModeArg {
    Book,
    Inverted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ActivationArg {
    Relu,
    Sigmoid,
}

impl TrainArgs {
    /// The run these flags describe.
    pub fn config(&self) -> RunConfig {
        RunConfig {
            dataset: self.data.dataset,
            train_size: self.train_size,
            hidden: self.hidden.0.clone(),
            activation: match self.activation {
                ActivationArg::Relu => Activation::Relu,
                ActivationArg::Sigmoid => Activation::Sigmoid,
            },
            weight_init: self.weight_init,
            dropout: self.dropout,
            dropout_mode: match self.dropout_mode {
                DropoutModeArg::Book => DropoutMode::Book,
                DropoutModeArg::Inverted => DropoutMode::Inverted,
            },
            batchnorm: self.batchnorm,
            weight_decay: self.weight_decay,
            optimizer: self.optimizer,
            lr: self.lr,
            batch_size: self.batch_size,
            epochs: self.epochs,
            eval_samples: self.eval_samples,
            seed: self.seed,
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
    };
    let prepared = ResultsDir::new(results_dir())
        .prepare(request)
        .map_err(run_failure)?;
    let config = prepared.config().clone();
    let data = args.data.load(config.train_size, args.quiet)?;
    if !args.quiet {
        eprintln!(
            "training {} on {} {} images ({} test), {} epochs × {} iterations, seed {}",
            prepared.name(),
            config.train_size,
            data.kind,
            data.mnist.test.len(),
            config.epochs,
            scratchnet_experiments::trainer::iterations_per_epoch(
                config.train_size,
                config.batch_size
            ),
            config.seed
        );
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
        RunStatus::Diverged | RunStatus::Failed => Err(Failure::Error(anyhow::anyhow!(
            "{}; the epochs so far are in {}",
            outcome.summary.error.as_deref().unwrap_or("the run failed"),
            outcome.files.csv.display()
        ))),
    }
}

fn run_failure(error: RunError) -> Failure {
    match &error {
        RunError::Config(config) => {
            Failure::Usage(format!("{}: {}", config.flag(), config.message))
        }
        _ if error.is_usage() => Failure::Usage(error.to_string()),
        _ => Failure::Error(error.into()),
    }
}

/// Where the run ended and where its files are.
fn report(outcome: &RunOutcome, quiet: bool) {
    if quiet && outcome.status != RunStatus::Interrupted {
        return;
    }
    let summary = &outcome.summary;
    let last = &summary.final_result;
    let accuracy = |value: Option<f64>| value.map_or_else(|| "n/a".into(), |v| format!("{v:.4}"));
    match outcome.status {
        RunStatus::Completed => eprintln!(
            "done in {:.1} s: final train acc {}, test acc {} (last epoch), {} (final full test pass)",
            summary.wall_seconds,
            accuracy(last.train_acc),
            accuracy(last.test_acc),
            accuracy(last.full_test_acc)
        ),
        RunStatus::Interrupted => eprintln!(
            "interrupted after epoch {} of {}: train acc {}, test acc {}",
            summary.epochs_completed,
            summary.trainer.epochs,
            accuracy(last.train_acc),
            accuracy(last.test_acc)
        ),
        RunStatus::Diverged | RunStatus::Failed => {}
    }
    let files = &outcome.files;
    eprintln!(
        "results: {}  {}  {}",
        files.csv.display(),
        files.json.display(),
        files.svg.display()
    );
    if let Some(path) = &outcome.saved {
        eprintln!("network: {}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

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
            optimizer: scratchnet_experiments::optim::OptimizerKind::Adam,
            lr: Some(0.002),
            batch_size: 50,
            epochs: 7,
            eval_samples: Some(40),
            seed: 3,
        };
        assert_eq!(parsed, expected);
    }
}
