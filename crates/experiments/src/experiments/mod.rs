//! The experiments of chapter 6, one figure each, on real MNIST.
//!
//! Every experiment writes `NAME.csv` (tidy: one row per point), `NAME.svg` and `verdict.txt`
//! into its directory, and returns its verdict — a sentence computed from the results.
//! Independent runs (optimizers, weight scales, trials) run on all cores; each run's seed is
//! derived from the experiment's seed and the run's index, so the results do not depend on the
//! thread count.

mod activations;
mod batchnorm;
mod catalog;
mod dropout;
mod dropout_ensemble;
mod dropout_sweep;
mod gradient_check;
mod hyperparams;
mod optimizer_paths;
mod optimizers;
mod pair;
mod race;
mod stats;
mod weight_decay;
mod weight_init;

use crate::data::{DataError, LoadedData};
use crate::figures::FigureError;
use crate::messages::{Lang, ListStyle, Message};
use crate::results::{NameLock, ResultsDir, ResultsError, RunName, write_atomically};
use scratchnet_network::{
    Activation, DropoutMode, MultiLayerNetExtend, NetworkConfig, NetworkError,
};
use scratchnet_optim::{AnyOptimizer, OptimError};
use scratchnet_tensor::random;
use scratchnet_trainer::{
    EpochRecord, IterationLoss, LabeledData, TrainError, TrainObserver, Trainer, TrainerConfig,
};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub use activations::parse_activations;
pub use catalog::{ExperimentName, parse_experiment_dropout};
pub use dropout_sweep::{
    DEFAULT_RATIOS, DEFAULT_SEEDS, check_size as check_sweep_size, parse_ratios, parse_seeds,
};

/// Which experiment to run, and how.
#[derive(Clone, Debug)]
pub struct ExperimentRequest {
    /// The experiment.
    pub name: ExperimentName,
    /// Seed of every random number; each independent run derives its own from it.
    pub seed: u64,
    /// Fewer iterations, epochs, scales and trials, same code path: a look in seconds.
    pub quick: bool,
    /// Dropout ratio of the `dropout` experiment (the book's figure used 0.15).
    pub dropout: f64,
    /// The rows of the `activations` experiment: sigmoid, ReLU or both.
    pub activations: Vec<Activation>,
    /// The language of the figure's text in `NAME.svg` (the command line's own).
    pub lang: Lang,
    /// Also draw the figure in every language, as `NAME.en.svg`, `NAME.ja.svg` (the lab's page
    /// shows it in the visitor's).
    pub every_language: bool,
    /// Dropout ratios of the `dropout-sweep` (0, the baseline, is always added).
    pub ratios: Vec<f64>,
    /// Seeds per ratio of the `dropout-sweep`.
    pub seeds: usize,
    /// Dropout of the `dropout-sweep`: the book's or inverted.
    pub dropout_mode: DropoutMode,
}

impl ExperimentRequest {
    /// `name` with the book's settings: dropout 0.2, both activations; the sweep over
    /// ratios 0…0.5 × 20 seeds of the book's dropout.
    pub fn new(name: ExperimentName, seed: u64, quick: bool) -> Self {
        Self {
            name,
            seed,
            quick,
            dropout: 0.2,
            activations: vec![Activation::Sigmoid, Activation::Relu],
            lang: Lang::En,
            every_language: false,
            ratios: DEFAULT_RATIOS.to_vec(),
            seeds: DEFAULT_SEEDS,
            dropout_mode: DropoutMode::Book,
        }
    }
}

/// Why an experiment did not produce its files.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// The data could not be had.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A network could not be built.
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// An optimizer could not be built.
    #[error(transparent)]
    Optimizer(#[from] OptimError),
    /// The trainer refused its data or settings.
    #[error(transparent)]
    Train(#[from] TrainError),
    /// The output directory, or another run writing the same experiment.
    #[error(transparent)]
    Results(#[from] ResultsError),
    /// The figure could not be drawn or written.
    #[error(transparent)]
    Figure(#[from] FigureError),
    /// The CSV or the verdict could not be written.
    #[error("writing {}: {source}", path.display())]
    Output {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The experiment reads MNIST and was given no data.
    #[error("the {0} experiment needs MNIST and none was loaded")]
    NoData(&'static str),
    /// Stopped on request before it finished; nothing was written.
    #[error("interrupted")]
    Interrupted,
}

type Result<T, E = ExperimentError> = std::result::Result<T, E>;

/// Progress of an experiment's many runs, reported from several threads: the front end draws
/// it (a bar, log lines, a web page). Every method does nothing by default.
pub trait Progress: Sync {
    /// `total` units (`"epochs"`, `"iterations"`) are about to be done.
    fn start(&self, total: u64, unit: &'static str) {
        let _ = (total, unit);
    }

    /// `amount` more units are done.
    fn advance(&self, amount: u64) {
        let _ = amount;
    }

    /// All units are done.
    fn finish(&self) {}
}

impl Progress for () {}

/// What every experiment needs besides its data.
pub struct RunContext<'a> {
    /// The experiment's seed.
    pub seed: u64,
    /// Shrink everything for a quick look.
    pub quick: bool,
    /// Where progress goes.
    pub progress: &'a dyn Progress,
    /// Set to stop at the next epoch (or every 10 iterations).
    pub stop: &'a AtomicBool,
}

impl RunContext<'_> {
    fn check_stop(&self) -> Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            Err(ExperimentError::Interrupted)
        } else {
            Ok(())
        }
    }
}

/// What an experiment leaves behind, before it is written out.
pub struct Outcome {
    /// Header and rows of `NAME.csv`.
    pub csv: Table,
    /// Draws `NAME.svg` at the given path, its text in the given language.
    pub figure: DrawFigure,
    /// The one-line verdict, in either language.
    pub verdict: Message,
}

/// Draws a figure into the SVG file at the given path, its text (title, axes, legends) in the
/// given language.
pub type DrawFigure = Box<dyn Fn(&Path, Lang) -> Result<(), FigureError>>;

/// A CSV in memory: a header and rows of already formatted fields.
pub struct Table {
    /// Column names.
    pub header: Vec<&'static str>,
    /// Rows of fields.
    pub rows: Vec<Vec<String>>,
}

/// A finished experiment: its verdict and files.
#[derive(Clone, Debug)]
pub struct ExperimentReport {
    /// The sentence computed from the results, in English.
    pub verdict: String,
    /// The same verdict as a message, to render in either language.
    pub message: Message,
    /// `NAME.csv`, `NAME.svg`, `verdict.txt`, `verdict.ja.txt`.
    pub files: Vec<PathBuf>,
    /// Wall time, seconds.
    pub seconds: f64,
}

/// An experiment whose output directory exists and is claimed: refused before any data is
/// loaded if it cannot be.
pub struct PreparedExperiment {
    request: ExperimentRequest,
    out_dir: PathBuf,
    _lock: NameLock,
}

impl ExperimentRequest {
    /// Creates `out_dir` and claims it for this experiment (one writer per experiment and
    /// directory at a time).
    pub fn prepare(self, out_dir: &Path) -> Result<PreparedExperiment> {
        std::fs::create_dir_all(out_dir).map_err(|source| ExperimentError::Output {
            path: out_dir.to_path_buf(),
            source,
        })?;
        let name = RunName::new(self.name.slug()).expect("experiment names are valid run names");
        let lock = ResultsDir::new(out_dir).lock(&name)?;
        Ok(PreparedExperiment {
            request: self,
            out_dir: out_dir.to_path_buf(),
            _lock: lock,
        })
    }
}

impl PreparedExperiment {
    /// The experiment.
    pub fn request(&self) -> &ExperimentRequest {
        &self.request
    }

    /// Runs it on `data` (loaded with at least [`ExperimentName::train_samples`] training
    /// images) and writes its files, each whole or not at all; nothing is written if `stop` is
    /// set before it finishes.
    pub fn run(
        &self,
        data: &LoadedData,
        progress: &dyn Progress,
        stop: &AtomicBool,
    ) -> Result<ExperimentReport> {
        self.run_with(Some(data), progress, stop)
    }

    /// [`PreparedExperiment::run`] for any experiment, with data only when
    /// [`ExperimentName::needs_mnist`] (the others compute on synthetic inputs).
    pub fn run_with(
        &self,
        data: Option<&LoadedData>,
        progress: &dyn Progress,
        stop: &AtomicBool,
    ) -> Result<ExperimentReport> {
        let request = &self.request;
        let context = RunContext {
            seed: request.seed,
            quick: request.quick,
            progress,
            stop,
        };
        let started = Instant::now();
        let mnist = || data.ok_or(ExperimentError::NoData(request.name.slug()));
        let outcome = match request.name {
            ExperimentName::OptimizerPaths => optimizer_paths::run(&context)?,
            ExperimentName::Activations => activations::run(&request.activations, &context)?,
            ExperimentName::Optimizers => optimizers::run(&mnist()?.mnist.train, &context)?,
            ExperimentName::WeightInit => weight_init::run(&mnist()?.mnist.train, &context)?,
            ExperimentName::Batchnorm => batchnorm::run(&mnist()?.mnist.train, &context)?,
            ExperimentName::WeightDecay => {
                let data = mnist()?;
                weight_decay::run(&data.mnist.train, data, &context)?
            }
            ExperimentName::Dropout => {
                let data = mnist()?;
                dropout::run(&data.mnist.train, data, request.dropout, &context)?
            }
            // Only the training split: the search must never see the test set.
            ExperimentName::Hyperparams => hyperparams::run(&mnist()?.mnist.train, &context)?,
            ExperimentName::GradientCheck => gradient_check::run(&mnist()?.mnist.train, &context)?,
            ExperimentName::DropoutSweep => {
                let sweep = dropout_sweep::Sweep::new(
                    &request.ratios,
                    request.seeds,
                    request.dropout_mode,
                    request.quick,
                );
                dropout_sweep::run(mnist()?, &sweep, &context)?
            }
            ExperimentName::DropoutEnsemble => dropout_ensemble::run(mnist()?, &context)?,
        };
        context.check_stop()?;
        let seconds = started.elapsed().as_secs_f64();
        let message = outcome.verdict.clone();
        let files = write_outcome(&self.out_dir, request, outcome)?;
        Ok(ExperimentReport {
            verdict: message.render(Lang::En),
            message,
            files,
            seconds,
        })
    }
}

/// Writes the CSV, the figure (in the request's language, and in every language when asked) and
/// the verdict, each whole or not at all.
fn write_outcome(
    dir: &Path,
    request: &ExperimentRequest,
    outcome: Outcome,
) -> Result<Vec<PathBuf>> {
    let slug = request.name.slug();
    let csv_path = dir.join(format!("{slug}.csv"));
    let svg_path = dir.join(format!("{slug}.svg"));
    write_file(&csv_path, &csv_bytes(&outcome.csv))?;
    (outcome.figure)(&svg_path, request.lang)?;
    let mut files = vec![csv_path, svg_path];
    if request.every_language {
        for lang in Lang::ALL {
            let path = dir.join(figure_file(slug, lang));
            (outcome.figure)(&path, lang)?;
            files.push(path);
        }
    }
    for lang in Lang::ALL {
        let path = dir.join(verdict_file(lang));
        write_file(
            &path,
            format!("{}\n", outcome.verdict.render(lang)).as_bytes(),
        )?;
        files.push(path);
    }
    Ok(files)
}

/// A figure's axis label in `lang` (`figure.axis.NAME` of the message table).
pub(crate) fn axis(name: &str, lang: Lang) -> String {
    figure_text("axis", name, lang)
}

/// A figure's legend entry in `lang` (`figure.legend.NAME` of the message table).
pub(crate) fn legend(name: &str, lang: Lang) -> String {
    figure_text("legend", name, lang)
}

fn figure_text(part: &str, name: &str, lang: Lang) -> String {
    crate::messages::text(lang, &format!("figure.{part}.{name}"))
}

/// The figure drawn in `lang` when every language is asked for: `NAME.en.svg`, `NAME.ja.svg`.
pub fn figure_file(slug: &str, lang: Lang) -> String {
    format!("{slug}.{}.svg", lang.code())
}

/// The file of the verdict in `lang`: `verdict.txt` (English) or `verdict.ja.txt`.
pub fn verdict_file(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "verdict.txt",
        Lang::Ja => "verdict.ja.txt",
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, bytes).map_err(|source| ExperimentError::Output {
        path: path.to_path_buf(),
        source,
    })
}

fn csv_bytes(table: &Table) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(&table.header);
    for row in &table.rows {
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
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

/// The per-epoch records of one run, and whether the loss blew up before the last epoch.
#[derive(Clone, Debug, Default)]
pub struct Curve {
    /// One record per epoch.
    pub epochs: Vec<EpochRecord>,
    /// Whether the run stopped on a loss that was not finite.
    pub diverged: bool,
}

/// Collects the epochs, advances the shared progress by one per epoch, and stops on request.
struct Collect<'p> {
    epochs: Vec<EpochRecord>,
    context: &'p RunContext<'p>,
}

impl TrainObserver for Collect<'_> {
    fn epoch_done(&mut self, record: &EpochRecord) -> ControlFlow<()> {
        self.epochs.push(*record);
        self.context.progress.advance(1);
        if self.context.stop.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// One epoch-based run with the book's `Trainer`: weights and dropout masks from `seed`,
/// batches from a generator derived from it (so two configurations with the same seed start
/// from the same weights and see the same batches). `evaluate` plays the Trainer's test set.
/// A run whose loss becomes NaN stops there and is marked `diverged`.
pub fn train_curve(
    config: NetworkConfig,
    mut optimizer: AnyOptimizer<f32>,
    (train, evaluate): (LabeledData<'_, f32>, LabeledData<'_, f32>),
    trainer_config: TrainerConfig,
    seed: u64,
    context: &RunContext<'_>,
) -> Result<Curve> {
    context.check_stop()?;
    let mut rng = random::seeded(seed);
    let mut network = MultiLayerNetExtend::<f32>::new(config, &mut rng)?;
    let mut observer = Collect {
        epochs: Vec::with_capacity(trainer_config.epochs),
        context,
    };
    let trainer_config = TrainerConfig {
        iteration_loss: IterationLoss::BeforeUpdate,
        ..trainer_config
    };
    let outcome = Trainer::new(
        &mut network,
        &mut optimizer,
        train,
        evaluate,
        trainer_config,
        random::stream(&rng, random::Purpose::Batches, 0).into_rng(),
    )?
    .train(&mut observer);
    match outcome {
        Ok(_) => Ok(Curve {
            epochs: observer.epochs,
            diverged: false,
        }),
        Err(TrainError::Stopped { .. }) => Err(ExperimentError::Interrupted),
        Err(TrainError::Diverged { .. }) => {
            let remaining = trainer_config.epochs.saturating_sub(observer.epochs.len());
            context.progress.advance(remaining as u64);
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

/// `message` with the runs' names as the list `names` and their final losses (two decimals)
/// as the list `losses`, each joined in the language the message is rendered in.
pub fn with_runs(
    message: Message,
    names: &'static str,
    losses: &'static str,
    runs: &[&(String, f64)],
) -> Message {
    message
        .list_arg(names, ListStyle::Prose, runs.iter().map(|(name, _)| name))
        .list_arg(
            losses,
            ListStyle::Series,
            runs.iter().map(|(_, loss)| format!("{loss:.2}")),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_drawn_in_the_requests_language_and_in_every_language_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let request = ExperimentRequest {
            lang: Lang::Ja,
            every_language: true,
            ..ExperimentRequest::new(ExperimentName::OptimizerPaths, 0, true)
        };
        let report = request
            .prepare(dir.path())
            .unwrap()
            .run_with(None, &(), &AtomicBool::new(false))
            .unwrap();
        let read = |file: &str| std::fs::read_to_string(dir.path().join(file)).unwrap();
        let own = read("optimizer-paths.svg");
        assert!(own.contains("図6-8") && !own.contains("Fig. 6-8"));
        assert_eq!(read("optimizer-paths.ja.svg"), own);
        assert!(read("optimizer-paths.en.svg").contains("Fig. 6-8"));
        assert_eq!(report.files.len(), 2 + Lang::ALL.len() * 2);
    }

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
}
