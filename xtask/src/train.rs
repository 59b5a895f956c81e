//! `cargo xtask train`: the book's overfitting experiment (and any variation of it), with a
//! CSV, a JSON summary and a figure in `results/`.

use crate::data::{self, DataArgs};
use crate::plot::{self, Marker, Series};
use crate::progress::EpochProgress;
use crate::results;
use crate::usage_error;
use anyhow::{Context, Result};
use clap::ValueEnum;
use scratchnet_network::{
    Activation, DropoutConfig, DropoutMode, MultiLayerNetExtend, NetworkConfig, WeightInit,
};
use scratchnet_optim::{OPTIMIZER_NAMES, Optimizer, by_name};
use scratchnet_tensor::random;
use scratchnet_trainer::{
    EpochCsv, EpochRecord, LabeledData, TrainError, TrainObserver, Trainer, TrainerConfig,
    TrainingHistory,
};
use serde_json::json;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The seed experiment's hidden layers: six of 100 units.
const DEFAULT_HIDDEN: &str = "100,100,100,100,100,100";

#[derive(clap::Args, Clone, Debug)]
#[command(
    after_help = "Defaults reproduce the book's overfitting experiment (ch. 6.4): 300 MNIST training \
images, 6 hidden layers of 100, ReLU, He init, SGD lr 0.01, batch 100, 301 epochs.\n\
`cargo xtask train --dropout 0.2` is the book's figure 6-23 (right)."
)]
pub struct TrainArgs {
    /// Dropout ratio after each hidden activation, in [0, 1); 0 turns dropout off.
    #[arg(long, default_value_t = 0.0, value_parser = parse_dropout, value_name = "RATIO")]
    pub dropout: f64,
    /// `book`: training keeps units with mask, inference scales by (1 − ratio) (the book's
    /// code); `inverted`: training scales kept units by 1/(1 − ratio), inference is identity
    /// (PyTorch's and Keras's choice).
    #[arg(long, value_enum, default_value_t = DropoutModeArg::Book, value_name = "MODE")]
    pub dropout_mode: DropoutModeArg,
    /// Passes over the training set.
    #[arg(long, default_value_t = 301, value_parser = parse_positive, value_name = "N")]
    pub epochs: usize,
    /// Training images used: the first N of the training set.
    #[arg(long, default_value_t = 300, value_parser = parse_positive, value_name = "N")]
    pub train_size: usize,
    /// Mini-batch size (batches are drawn with replacement, like the book's Trainer).
    #[arg(long, default_value_t = 100, value_parser = parse_positive, value_name = "N")]
    pub batch_size: usize,
    /// Hidden layer sizes, comma-separated.
    #[arg(long, default_value = DEFAULT_HIDDEN, value_parser = parse_hidden, value_name = "SIZES")]
    pub hidden: HiddenSizes,
    /// Hidden activation.
    #[arg(long, value_enum, default_value_t = ActivationArg::Relu)]
    pub activation: ActivationArg,
    /// Initial weight scale: `he` (sqrt(2/n), for ReLU), `xavier` (sqrt(1/n), for sigmoid) or a
    /// fixed standard deviation such as 0.01.
    #[arg(long, default_value = "he", value_parser = parse_weight_init, value_name = "he|xavier|STD")]
    pub weight_init: WeightInit,
    /// Optimizer: sgd, momentum, nesterov, adagrad, rmsprop or adam (case-insensitive).
    #[arg(long, default_value = "sgd", value_parser = parse_optimizer, value_name = "NAME")]
    pub optimizer: String,
    /// Learning rate [default: 0.01 for sgd, momentum, nesterov, adagrad, rmsprop; 0.001 for adam].
    #[arg(long, value_parser = parse_learning_rate, value_name = "LR")]
    pub lr: Option<f64>,
    /// L2 weight decay λ: the loss adds 0.5·λ·Σ‖W‖².
    #[arg(long, default_value_t = 0.0, value_parser = parse_weight_decay, value_name = "LAMBDA")]
    pub weight_decay: f64,
    /// Insert BatchNormalization before each hidden activation.
    #[arg(long)]
    pub batchnorm: bool,
    /// Evaluate per-epoch accuracy on only the first N training and test images (the book's
    /// evaluate_sample_num_per_epoch); the final test pass always uses all of them.
    #[arg(long, value_parser = parse_positive, value_name = "N")]
    pub eval_samples: Option<usize>,
    /// Seed of every random number (weights, dropout masks, batches): same seed, same CSV.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[command(flatten)]
    pub data: DataArgs,
    /// Base name of the files in results/ [default: from the configuration, e.g. dropout0.2-seed0].
    #[arg(long, value_name = "NAME", value_parser = parse_name)]
    pub out: Option<String>,
    /// Also save the trained network to this file (load it with `cargo xtask eval --model`).
    #[arg(long, value_name = "PATH")]
    pub save: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
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

/// Hidden sizes as given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HiddenSizes(pub Vec<usize>);

fn parse_dropout(text: &str) -> Result<f64, String> {
    let ratio: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if ratio.is_finite() && (0.0..1.0).contains(&ratio) {
        Ok(ratio)
    } else {
        Err(format!(
            "the dropout ratio must be in [0, 1) (0 = off), got {text}"
        ))
    }
}

fn parse_positive(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(value) => Ok(value),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

fn parse_hidden(text: &str) -> Result<HiddenSizes, String> {
    if text.trim().is_empty() {
        return Err("give at least one hidden layer size, e.g. 100,100".into());
    }
    text.split(',')
        .map(|part| match part.trim().parse::<usize>() {
            Ok(0) => Err("a hidden layer cannot have 0 units".to_string()),
            Ok(size) => Ok(size),
            Err(_) => Err(format!(
                "{part:?} is not a layer size (expected e.g. 100,100,100)"
            )),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(HiddenSizes)
}

fn parse_weight_init(text: &str) -> Result<WeightInit, String> {
    text.parse()
        .map_err(|error: scratchnet_network::NetworkError| error.to_string())
}

fn parse_optimizer(text: &str) -> Result<String, String> {
    let name = text.to_ascii_lowercase();
    if OPTIMIZER_NAMES.contains(&name.as_str()) {
        Ok(name)
    } else {
        Err(format!(
            "unknown optimizer {text:?}; expected one of {}",
            OPTIMIZER_NAMES.join(", ")
        ))
    }
}

fn parse_learning_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        Ok(_) => Err(format!(
            "the learning rate must be a finite number > 0, got {text}"
        )),
        Err(_) => Err(format!("{text:?} is not a number")),
    }
}

fn parse_weight_decay(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(lambda) if lambda.is_finite() && lambda >= 0.0 => Ok(lambda),
        Ok(_) => Err(format!(
            "weight decay must be a finite number >= 0, got {text}"
        )),
        Err(_) => Err(format!("{text:?} is not a number")),
    }
}

fn parse_name(text: &str) -> Result<String, String> {
    let valid = !text.is_empty()
        && text != "."
        && text != ".."
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if valid {
        Ok(text.to_string())
    } else {
        Err("use letters, digits, '-', '_' and '.' only".into())
    }
}

impl TrainArgs {
    /// The network these flags describe.
    pub fn network_config(&self, input_size: usize, output_size: usize) -> NetworkConfig {
        NetworkConfig {
            input_size,
            hidden_sizes: self.hidden.0.clone(),
            output_size,
            activation: match self.activation {
                ActivationArg::Relu => Activation::Relu,
                ActivationArg::Sigmoid => Activation::Sigmoid,
            },
            weight_init: self.weight_init,
            weight_decay_lambda: self.weight_decay,
            dropout: (self.dropout > 0.0).then_some(DropoutConfig {
                ratio: self.dropout,
                mode: self.dropout_mode(),
            }),
            use_batchnorm: self.batchnorm,
        }
    }

    fn dropout_mode(&self) -> DropoutMode {
        match self.dropout_mode {
            DropoutModeArg::Book => DropoutMode::Book,
            DropoutModeArg::Inverted => DropoutMode::Inverted,
        }
    }

    /// A file name that says what differs from the seed experiment, e.g. `dropout0.2-seed0`.
    pub fn default_name(&self) -> String {
        let mut parts = Vec::new();
        parts.push(if self.dropout > 0.0 {
            format!("dropout{}", self.dropout)
        } else {
            "nodropout".into()
        });
        if self.dropout > 0.0 && self.dropout_mode == DropoutModeArg::Inverted {
            parts.push("inverted".into());
        }
        if self.data.dataset != scratchnet_datasets::DatasetKind::Mnist {
            parts.push(self.data.dataset.slug().to_string());
        }
        if self.optimizer != "sgd" {
            parts.push(self.optimizer.clone());
        }
        if let Some(lr) = self.lr {
            parts.push(format!("lr{lr}"));
        }
        if self.weight_decay > 0.0 {
            parts.push(format!("wd{}", self.weight_decay));
        }
        if self.batchnorm {
            parts.push("bn".into());
        }
        if self.activation == ActivationArg::Sigmoid {
            parts.push("sigmoid".into());
        }
        if self.weight_init != WeightInit::He {
            parts.push(format!("init{}", self.weight_init));
        }
        if self.hidden.0
            != parse_hidden(DEFAULT_HIDDEN)
                .map(|h| h.0)
                .unwrap_or_default()
        {
            parts.push(format!(
                "h{}",
                self.hidden
                    .0
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join("x")
            ));
        }
        if self.train_size != 300 {
            parts.push(format!("n{}", self.train_size));
        }
        if self.batch_size != 100 {
            parts.push(format!("b{}", self.batch_size));
        }
        if self.epochs != 301 {
            parts.push(format!("e{}", self.epochs));
        }
        if let Some(samples) = self.eval_samples {
            parts.push(format!("eval{samples}"));
        }
        parts.push(format!("seed{}", self.seed));
        parts.join("-")
    }

    /// One line describing the run, used as the figure's title.
    fn title(&self, dataset: &str, learning_rate: f64) -> String {
        let dropout = if self.dropout > 0.0 {
            format!(
                "dropout {} ({})",
                self.dropout,
                if self.dropout_mode == DropoutModeArg::Book {
                    "book"
                } else {
                    "inverted"
                }
            )
        } else {
            "no dropout".into()
        };
        let mut title = format!(
            "{dataset} {} images, hidden {}, {dropout}, {} lr {learning_rate}",
            self.train_size,
            describe_hidden(&self.hidden.0),
            self.optimizer
        );
        if self.weight_decay > 0.0 {
            title.push_str(&format!(", λ {}", self.weight_decay));
        }
        if self.batchnorm {
            title.push_str(", BatchNorm");
        }
        title.push_str(&format!(", seed {}", self.seed));
        title
    }
}

/// `[100]×6` for equal sizes, `100-50-10` otherwise.
fn describe_hidden(sizes: &[usize]) -> String {
    match sizes {
        [first, rest @ ..] if rest.iter().all(|size| size == first) => {
            format!("[{first}]×{}", sizes.len())
        }
        _ => sizes
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("-"),
    }
}

/// Writes each epoch to the CSV and drives the progress display.
struct RunObserver {
    csv: EpochCsv,
    csv_error: Option<TrainError>,
    progress: EpochProgress,
}

impl TrainObserver for RunObserver {
    fn epoch_done(&mut self, record: &EpochRecord) -> ControlFlow<()> {
        if let Err(error) = self.csv.append(record) {
            self.csv_error = Some(error);
            return ControlFlow::Break(());
        }
        self.progress.epoch_done(record);
        ControlFlow::Continue(())
    }
}

pub fn run(args: &TrainArgs) -> Result<()> {
    // Only the training images used are kept (a prefix shorter than asked means too few).
    // Inference needs only the non-zero pixels (19%): 12 MB instead of a 31 MB dense matrix.
    // The test set converts while the training files are still being verified.
    let (loaded, x_test) =
        data::load_prefix_preparing(&args.data, args.quiet, args.train_size, |test| {
            test.sparse_images::<f32>(test.len())
        })?;
    let (train, test) = (&loaded.mnist.train, &loaded.mnist.test);
    if args.train_size > train.len() {
        return Err(usage_error(format!(
            "--train-size {} exceeds the {} training images of {}",
            args.train_size,
            train.len(),
            loaded.kind
        )));
    }
    let x_train = train.images::<f32>(args.train_size);
    let t_train = train.labels(args.train_size);
    let t_test = test.labels(test.len());

    let name = args.out.clone().unwrap_or_else(|| args.default_name());
    let results_dir = results::results_dir()?;
    let csv_path = results_dir.join(format!("{name}.csv"));
    let json_path = results_dir.join(format!("{name}.json"));
    let svg_path = results_dir.join(format!("{name}.svg"));

    let config = args.network_config(x_train.ncols(), 10);
    let mut rng = random::seeded(args.seed);
    let mut network = MultiLayerNetExtend::<f32>::new(config.clone(), &mut rng)?;
    let mut optimizer = by_name::<f32>(&args.optimizer, args.lr)?;
    let learning_rate = optimizer.learning_rate();
    let trainer_config = TrainerConfig {
        epochs: args.epochs,
        mini_batch_size: args.batch_size,
        evaluate_sample_num_per_epoch: args.eval_samples,
        iteration_loss: scratchnet_trainer::IterationLoss::AfterUpdate,
    };
    let mut observer = RunObserver {
        csv: EpochCsv::create(&csv_path)?,
        csv_error: None,
        progress: EpochProgress::new(args.epochs as u64, args.quiet),
    };
    if !args.quiet {
        eprintln!(
            "training on {} {} images ({} test), {} epochs × {} iterations, seed {}",
            args.train_size,
            loaded.kind,
            x_test.nrows(),
            args.epochs,
            scratchnet_trainer::iterations_per_epoch(args.train_size, args.batch_size),
            args.seed
        );
    }
    let started = Instant::now();
    let outcome = Trainer::new(
        &mut network,
        &mut optimizer,
        LabeledData::new(&x_train, &t_train)?,
        LabeledData::new(&x_test, &t_test)?,
        trainer_config,
        random::child(&mut rng),
    )?
    .train(&mut observer);
    let wall_seconds = started.elapsed().as_secs_f64();
    observer.progress.finish();

    let (history, status) = match outcome {
        Ok(history) => (history, "completed".to_string()),
        Err(TrainError::Stopped { .. }) if observer.csv_error.is_some() => {
            return Err(observer
                .csv_error
                .take()
                .map(anyhow::Error::from)
                .unwrap_or_else(|| anyhow::anyhow!("stopped")));
        }
        Err(error @ TrainError::Diverged { .. }) => {
            let records = read_back(&csv_path);
            let partial = TrainingHistory {
                epochs: records,
                ..TrainingHistory::default()
            };
            let summary = summary_json(
                args,
                &name,
                &loaded,
                &config,
                learning_rate,
                &partial,
                wall_seconds,
                &error.to_string(),
            );
            write_outputs(
                args,
                &loaded.kind.to_string(),
                learning_rate,
                &partial,
                &summary,
                &json_path,
                &svg_path,
            )?;
            return Err(anyhow::Error::from(error)
                .context(format!("the epochs so far are in {}", csv_path.display())));
        }
        Err(error) => return Err(error.into()),
    };

    let summary = summary_json(
        args,
        &name,
        &loaded,
        &config,
        learning_rate,
        &history,
        wall_seconds,
        &status,
    );
    write_outputs(
        args,
        &loaded.kind.to_string(),
        learning_rate,
        &history,
        &summary,
        &json_path,
        &svg_path,
    )?;
    if let Some(path) = &args.save {
        network
            .save(path)
            .with_context(|| format!("saving the network to {}", path.display()))?;
    }
    if !args.quiet {
        let last = history.epochs.last();
        eprintln!(
            "done in {wall_seconds:.1} s: final train acc {:.4}, test acc {:.4} (last epoch), {:.4} (final full test pass)",
            last.map_or(0.0, |r| r.train_acc),
            last.map_or(0.0, |r| r.test_acc),
            history.final_test_accuracy
        );
        eprintln!(
            "results: {}  {}  {}",
            csv_path.display(),
            json_path.display(),
            svg_path.display()
        );
        if let Some(path) = &args.save {
            eprintln!("network: {}", path.display());
        }
    }
    Ok(())
}

/// The epochs already written, for the figure of a run that stopped early.
fn read_back(csv_path: &Path) -> Vec<EpochRecord> {
    let Ok(mut reader) = csv::Reader::from_path(csv_path) else {
        return Vec::new();
    };
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|row| {
            let number = |index: usize| row.get(index).and_then(|field| field.parse::<f64>().ok());
            Some(EpochRecord {
                epoch: row.get(0)?.parse().ok()?,
                iteration: 0,
                train_loss: number(1)?,
                train_acc: number(2)?,
                test_acc: number(3)?,
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn summary_json(
    args: &TrainArgs,
    name: &str,
    loaded: &data::LoadedData,
    config: &NetworkConfig,
    learning_rate: f64,
    history: &TrainingHistory,
    wall_seconds: f64,
    status: &str,
) -> serde_json::Value {
    let last = history.epochs.last();
    json!({
        "name": name,
        "status": status,
        "scratchnet_version": env!("CARGO_PKG_VERSION"),
        "git_commit": results::git_commit(),
        "command": std::env::args().collect::<Vec<_>>(),
        "seed": args.seed,
        "scalar": "f32",
        "dataset": {
            "name": loaded.kind.slug(),
            "dir": loaded.dir,
            "sha256": loaded.file_hashes().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
            "train_size": args.train_size,
            "test_size": loaded.mnist.test.len(),
        },
        "network": config,
        "optimizer": { "name": args.optimizer, "learning_rate": learning_rate },
        "trainer": {
            "epochs": args.epochs,
            "mini_batch_size": args.batch_size,
            "evaluate_sample_num_per_epoch": args.eval_samples,
            "iterations_per_epoch": scratchnet_trainer::iterations_per_epoch(args.train_size, args.batch_size),
            "epoch_rule": "ceil(train_size / mini_batch_size) iterations per epoch, at least 1",
        },
        "threads": rayon_threads(),
        "wall_seconds": wall_seconds,
        "epochs_completed": history.epochs.len(),
        "final": {
            "train_acc": last.map(|r| r.train_acc),
            "test_acc": last.map(|r| r.test_acc),
            "train_loss": last.map(|r| r.train_loss),
            "full_test_acc": (status == "completed").then_some(history.final_test_accuracy),
        },
    })
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(
            std::env::var("RAYON_NUM_THREADS")
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|&n: &usize| n > 0)
                .unwrap_or(usize::MAX),
        )
}

fn write_outputs(
    args: &TrainArgs,
    dataset: &str,
    learning_rate: f64,
    history: &TrainingHistory,
    summary: &serde_json::Value,
    json_path: &Path,
    svg_path: &Path,
) -> Result<()> {
    let json = serde_json::to_string_pretty(summary)? + "\n";
    results::write_atomically(json_path, json.as_bytes())
        .with_context(|| format!("writing {}", json_path.display()))?;
    let points = |pick: fn(&EpochRecord) -> f64| {
        history
            .epochs
            .iter()
            .map(|r| (r.epoch as f64, pick(r)))
            .collect()
    };
    let series = [
        Series {
            label: "train".into(),
            points: points(|r| r.train_acc),
            marker: Marker::Circle,
            color: plot::PALETTE[0],
        },
        Series {
            label: "test".into(),
            points: points(|r| r.test_acc),
            marker: Marker::Square,
            color: plot::PALETTE[1],
        },
    ];
    plot::accuracy_chart(svg_path, &args.title(dataset, learning_rate), &series)
}
