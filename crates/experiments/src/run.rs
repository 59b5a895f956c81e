//! One training run from options to files: `NAME.csv` as the epochs end, then `NAME.json` and
//! `NAME.svg`, and the network itself if asked — however the run ends.

use crate::csv_log::{CsvError, EpochCsv};
use crate::data::LoadedData;
use crate::figures::{self, FigureError, Marker, Series};
use crate::messages::{Lang, Message};
use crate::results::{NameLock, ResultsDir, ResultsError, RunFiles, RunName, write_atomically};
use crate::summary::{
    DatasetSummary, FinalResult, OptimizerSummary, RunStatus, RunSummary, TrainerSummary,
};
use crate::{ConfigError, RunConfig};
use scratchnet_datasets::NUM_CLASSES;
use scratchnet_network::{MultiLayerNetExtend, NetworkError};
use scratchnet_optim::{OptimError, by_name};
use scratchnet_tensor::random;
use scratchnet_trainer::{
    EpochRecord, IterationLoss, LabeledData, TrainError, TrainObserver, Trainer, TrainerConfig,
    iterations_per_epoch,
};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// What to run, under which name, and where its provenance comes from.
#[derive(Clone, Debug, Default)]
pub struct RunRequest {
    /// The options.
    pub config: RunConfig,
    /// The base name of the files; `None` = [`RunConfig::default_name`].
    pub name: Option<RunName>,
    /// Also save the trained network to this file.
    pub save: Option<PathBuf>,
    /// What started the run (the command line, or the lab), recorded in the summary.
    pub command: Vec<String>,
    /// The source's commit, when known, recorded in the summary.
    pub git_commit: Option<String>,
    /// The language of the figure's text (title, axes, legend).
    pub lang: Lang,
}

/// Why a run could not start or could not write its results.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// An option is out of range.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The results directory or the run's name.
    #[error(transparent)]
    Results(#[from] ResultsError),
    /// The network could not be saved where asked; found before training.
    #[error("cannot save the network to {}: {reason}", path.display())]
    SavePath {
        /// The path given.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
    /// The network could not be built or saved.
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// The optimizer could not be built.
    #[error(transparent)]
    Optimizer(#[from] OptimError),
    /// The trainer refused the data or settings.
    #[error(transparent)]
    Train(#[from] TrainError),
    /// The CSV could not be written (it keeps its whole lines).
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// The summary could not be written.
    #[error("writing {}: {source}", path.display())]
    Summary {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The figure could not be drawn or written.
    #[error(transparent)]
    Figure(#[from] FigureError),
}

impl RunError {
    /// Whether the request itself was wrong (a usage error), as opposed to the run failing.
    pub fn is_usage(&self) -> bool {
        matches!(self, Self::Config(_) | Self::SavePath { .. })
    }
}

/// What a run is about to do, told to its observer before the first iteration.
#[derive(Clone, Debug)]
pub struct RunPlan {
    /// The run's name.
    pub name: RunName,
    /// Its files.
    pub files: RunFiles,
    /// Epochs to run.
    pub epochs: usize,
    /// Iterations per epoch.
    pub iterations_per_epoch: usize,
    /// Training images.
    pub train_size: usize,
    /// Test images.
    pub test_size: usize,
}

/// Sees a run as it happens: what a progress bar, a log or a web page shows.
pub trait RunObserver: Send {
    /// Before the first iteration.
    fn started(&mut self, plan: &RunPlan) {
        let _ = plan;
    }

    /// After each epoch's row is in the CSV.
    fn epoch_done(&mut self, record: &EpochRecord) {
        let _ = record;
    }
}

impl RunObserver for () {}

/// A finished run: how it ended, its records and files, and the network.
pub struct RunOutcome {
    /// How it ended.
    pub status: RunStatus,
    /// What `NAME.json` holds.
    pub summary: RunSummary,
    /// The epochs in the CSV.
    pub epochs: Vec<EpochRecord>,
    /// Its files.
    pub files: RunFiles,
    /// The network as training left it.
    pub network: MultiLayerNetExtend<f32>,
    /// Where the network was saved, if asked and completed.
    pub saved: Option<PathBuf>,
}

/// A run whose options are valid, whose name is claimed and whose model path is writable:
/// everything that can be refused is refused before any data is loaded.
pub struct PreparedRun {
    request: RunRequest,
    name: RunName,
    files: RunFiles,
    _lock: NameLock,
}

impl ResultsDir {
    /// Checks `request`, claims its name and checks the model path.
    pub fn prepare(&self, request: RunRequest) -> Result<PreparedRun, RunError> {
        request.config.validate()?;
        let name = match &request.name {
            Some(name) => name.clone(),
            None => RunName::new(&request.config.default_name()).map_err(|reason| {
                ConfigError::new(
                    "out",
                    Message::new("option.out.invalid").arg("reason", reason),
                )
            })?,
        };
        std::fs::create_dir_all(self.path()).map_err(|source| ResultsError::Io {
            path: self.path().to_path_buf(),
            source,
        })?;
        let lock = self.lock(&name)?;
        if let Some(path) = &request.save {
            check_save_path(path)?;
        }
        Ok(PreparedRun {
            files: self.files(&name),
            name,
            request,
            _lock: lock,
        })
    }
}

impl PreparedRun {
    /// The run's name.
    pub fn name(&self) -> &RunName {
        &self.name
    }

    /// The run's files.
    pub fn files(&self) -> &RunFiles {
        &self.files
    }

    /// The options.
    pub fn config(&self) -> &RunConfig {
        &self.request.config
    }

    /// Trains on `data`, appending each epoch to the CSV and telling `observer`; stops at the
    /// next epoch boundary once `stop` is set. Whatever the ending — completed, interrupted,
    /// diverged — the summary and the figure of the epochs so far are written; if the CSV
    /// cannot be written, they are attempted and the CSV's error is returned.
    pub fn train(
        self,
        data: &LoadedData,
        observer: &mut dyn RunObserver,
        stop: &AtomicBool,
    ) -> Result<RunOutcome, RunError> {
        let config = &self.request.config;
        let x_train = data.train_rows(config.train_size);
        if x_train.nrows() < config.train_size {
            let detail = Message::new("option.train_size.loaded")
                .arg("size", config.train_size)
                .arg("images", x_train.nrows())
                .arg("dir", data.dir.display());
            return Err(ConfigError::new("train_size", detail).into());
        }
        let t_train = data.mnist.train.labels(config.train_size);
        let t_test = data.mnist.test.labels(data.mnist.test.len());
        let mut rng = random::seeded(config.seed);
        let mut network = MultiLayerNetExtend::<f32>::new(
            config.network_config(x_train.ncols(), NUM_CLASSES),
            &mut rng,
        )?;
        let mut optimizer = by_name::<f32>(config.optimizer.name(), config.lr)?;
        let trainer_config = TrainerConfig {
            epochs: config.epochs,
            mini_batch_size: config.batch_size,
            evaluate_sample_num_per_epoch: config.eval_samples,
            // Nothing reads the per-iteration losses: take the free one.
            iteration_loss: IterationLoss::BeforeUpdate,
        };
        let mut recorder = Recorder {
            csv: EpochCsv::create(&self.files.csv)?,
            csv_error: None,
            observer,
            stop,
            epochs: Vec::new(),
        };
        recorder.observer.started(&RunPlan {
            name: self.name.clone(),
            files: self.files.clone(),
            epochs: config.epochs,
            iterations_per_epoch: iterations_per_epoch(config.train_size, config.batch_size),
            train_size: config.train_size,
            test_size: t_test.len(),
        });
        let started = Instant::now();
        let trained = Trainer::new(
            &mut network,
            &mut optimizer,
            LabeledData::new(&x_train, &t_train)?,
            LabeledData::new(&data.test_sparse, &t_test)?,
            trainer_config,
            random::stream(&rng, random::Purpose::Batches, 0).into_rng(),
        )?
        .train(&mut recorder);
        let wall_seconds = started.elapsed().as_secs_f64();
        let Recorder {
            csv_error, epochs, ..
        } = recorder;
        let (status, error, full_test_acc) = match trained {
            Ok(history) => (
                RunStatus::Completed,
                None,
                Some(history.final_test_accuracy),
            ),
            Err(TrainError::Stopped { .. }) => match &csv_error {
                Some(error) => (RunStatus::Failed, Some(error.to_string()), None),
                None => (RunStatus::Interrupted, None, None),
            },
            Err(error @ TrainError::Diverged { .. }) => {
                (RunStatus::Diverged, Some(error.to_string()), None)
            }
            Err(error) => return Err(error.into()),
        };
        let mut summary = self.summary(data, status, error, &epochs, wall_seconds);
        summary.final_result.full_test_acc = full_test_acc;
        let written = self.write_summary_and_figure(&summary, &epochs);
        if let Some(error) = csv_error {
            return Err(error.into());
        }
        written?;
        let saved = match (&self.request.save, status) {
            (Some(path), RunStatus::Completed) => {
                network.save(path)?;
                Some(path.clone())
            }
            _ => None,
        };
        Ok(RunOutcome {
            status,
            summary,
            epochs,
            files: self.files,
            network,
            saved,
        })
    }

    fn summary(
        &self,
        data: &LoadedData,
        status: RunStatus,
        error: Option<String>,
        epochs: &[EpochRecord],
        wall_seconds: f64,
    ) -> RunSummary {
        let config = &self.request.config;
        let last = epochs.last();
        RunSummary {
            name: self.name.to_string(),
            status,
            error,
            config: serde_json::to_value(config).unwrap_or_default(),
            command: self.request.command.clone(),
            scratchnet_version: env!("CARGO_PKG_VERSION").into(),
            numerics: crate::summary::NUMERICS,
            git_commit: self.request.git_commit.clone(),
            scalar: "f32".into(),
            dataset: DatasetSummary {
                name: data.kind.slug().into(),
                dir: data.dir.display().to_string(),
                sha256: data.file_hashes(),
                train_size: config.train_size,
                test_size: data.mnist.test.len(),
            },
            network: config.network_config(data.mnist.train.image_size(), NUM_CLASSES),
            optimizer: OptimizerSummary {
                name: config.optimizer.to_string(),
                learning_rate: config.learning_rate(),
            },
            trainer: TrainerSummary {
                epochs: config.epochs,
                mini_batch_size: config.batch_size,
                evaluate_sample_num_per_epoch: config.eval_samples,
                iterations_per_epoch: iterations_per_epoch(config.train_size, config.batch_size),
                epoch_rule: "ceil(train_size / mini_batch_size) iterations per epoch, at least 1"
                    .into(),
            },
            threads: rayon::current_num_threads(),
            wall_seconds,
            epochs_completed: epochs.len(),
            final_result: FinalResult {
                train_acc: last.map(|record| record.train_acc),
                test_acc: last.map(|record| record.test_acc),
                train_loss: last.map(|record| record.train_loss),
                full_test_acc: None,
            },
        }
    }

    fn write_summary_and_figure(
        &self,
        summary: &RunSummary,
        epochs: &[EpochRecord],
    ) -> Result<(), RunError> {
        let json = serde_json::to_string_pretty(summary).unwrap_or_default() + "\n";
        write_atomically(&self.files.json, json.as_bytes()).map_err(|source| {
            RunError::Summary {
                path: self.files.json.clone(),
                source,
            }
        })?;
        let lang = self.request.lang;
        let title = self.request.config.title_in(lang);
        accuracy_figure(&self.files.svg, &title, epochs, lang)?;
        Ok(())
    }
}

/// Train (circles) and test (squares) accuracy against epochs, like the book's figures, its
/// text in `lang`.
pub fn accuracy_figure(
    path: &Path,
    title: &str,
    epochs: &[EpochRecord],
    lang: Lang,
) -> Result<(), FigureError> {
    figures::accuracy_chart(path, title, &accuracy_series(epochs, lang), lang)
}

/// The SVG of [`accuracy_figure`], in memory.
pub fn accuracy_figure_svg(
    title: &str,
    epochs: &[EpochRecord],
    lang: Lang,
) -> Result<String, FigureError> {
    figures::accuracy_svg(title, &accuracy_series(epochs, lang), lang)
}

/// The train and test curves of `epochs`, labelled in `lang`.
fn accuracy_series(epochs: &[EpochRecord], lang: Lang) -> [Series; 2] {
    let points = |pick: fn(&EpochRecord) -> f64| {
        epochs
            .iter()
            .map(|record| (record.epoch as f64, pick(record)))
            .collect()
    };
    [
        Series {
            label: Message::new("figure.legend.train").render(lang),
            points: points(|record| record.train_acc),
            marker: Marker::Circle,
            color: figures::PALETTE[0],
        },
        Series {
            label: Message::new("figure.legend.test").render(lang),
            points: points(|record| record.test_acc),
            marker: Marker::Square,
            color: figures::PALETTE[1],
        },
    ]
}

/// The trainer's observer: each epoch to the CSV, then to the caller's observer; a stop request
/// or a CSV failure ends the run at the epoch boundary.
struct Recorder<'a> {
    csv: EpochCsv,
    csv_error: Option<CsvError>,
    observer: &'a mut dyn RunObserver,
    stop: &'a AtomicBool,
    epochs: Vec<EpochRecord>,
}

impl TrainObserver for Recorder<'_> {
    fn epoch_done(&mut self, record: &EpochRecord) -> ControlFlow<()> {
        if let Err(error) = self.csv.append(record) {
            self.csv_error = Some(error);
            return ControlFlow::Break(());
        }
        self.epochs.push(*record);
        self.observer.epoch_done(record);
        if self.stop.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// The model file can be written: its directory exists and takes a new file, and it is not a
/// directory itself. Checked before training so a long run cannot fail at its very end.
fn check_save_path(path: &Path) -> Result<(), RunError> {
    let refuse = |reason: String| RunError::SavePath {
        path: path.to_path_buf(),
        reason,
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(refuse(format!(
            "the directory {} does not exist",
            dir.display()
        )));
    }
    if path.is_dir() {
        return Err(refuse("it is a directory".into()));
    }
    tempfile::Builder::new()
        .prefix(".scratchnet-write-check-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|error| refuse(format!("{} is not writable ({error})", dir.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_path_is_checked_before_training() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_save_path(&dir.path().join("m.bin")).is_ok());
        let error = check_save_path(Path::new("/nonexistent/dir/m.bin")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot save the network to /nonexistent/dir/m.bin: the directory /nonexistent/dir does not exist"
        );
        assert!(error.is_usage());
        let error = check_save_path(dir.path()).unwrap_err();
        assert!(error.to_string().ends_with("it is a directory"), "{error}");
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "the check leaves nothing behind"
        );
    }

    #[test]
    fn a_bad_request_is_refused_before_the_name_is_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let results = ResultsDir::new(dir.path().join("results"));
        let request = RunRequest {
            config: RunConfig {
                batch_size: 1_000,
                ..RunConfig::default()
            },
            ..RunRequest::default()
        };
        let error = results.prepare(request).err().expect("refused");
        assert!(error.is_usage(), "{error}");
        assert!(!results.path().exists(), "nothing was created");

        let prepared = results.prepare(RunRequest::default()).expect("accepted");
        assert_eq!(prepared.name().as_str(), "nodropout-seed0");
        let again = results.prepare(RunRequest::default()).err().expect("busy");
        assert!(
            matches!(again, RunError::Results(ResultsError::Busy { .. })),
            "{again}"
        );
    }
}
