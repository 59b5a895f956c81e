//! Runs and experiments of *Deep Learning from Scratch* (ゼロから作るDeep Learning), ch. 6, as a
//! library every front end shares — the command line (`cargo xtask`), the lab's web page, a
//! notebook:
//!
//! * [`RunConfig`]: every option of a training run, the book's overfitting experiment as the
//!   defaults, each option parsed and checked by one function in [`options`] whose one-line
//!   message every front end shows, and [`RunConfig::validate`] for what no single option can
//!   tell (sizes against each other, run length, memory).
//! * [`DataSource`]: MNIST or Fashion-MNIST from the verified cache, fetched when missing.
//! * [`ResultsDir`]: a run's files (`NAME.csv` per epoch, `NAME.json`, `NAME.svg`), written whole
//!   or not at all, one run per name at a time.
//! * [`ResultsDir::prepare`] then [`PreparedRun::train`]: a whole run, which can be stopped at an
//!   epoch boundary and always leaves a summary saying how it ended ([`RunStatus`]).
//! * [`messages`]: every text a person reads, in English and Japanese, from one table.
//! * [`ExperimentRequest::prepare`] then [`PreparedExperiment::run`]: the six figures of
//!   chapter 6 with computed verdicts.
//!
//! ```no_run
//! use scratchnet_experiments::{DataSource, ResultsDir, RunConfig, RunRequest};
//! use std::path::Path;
//! use std::sync::atomic::AtomicBool;
//!
//! // The book's dropout experiment: `cargo xtask train --dropout 0.2`.
//! let config = RunConfig { dropout: 0.2, ..RunConfig::default() };
//! let root = Path::new(".");
//! let data = DataSource::new(root, config.dataset, None, vec![]).load(config.train_size, &mut ())?;
//! let run = ResultsDir::new(root.join("results")).prepare(RunRequest { config, ..RunRequest::default() })?;
//! let outcome = run.train(&data, &mut (), &AtomicBool::new(false))?;
//! println!("{:?}: final test accuracy {:?}", outcome.status, outcome.summary.final_result.full_test_acc);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod compare;
mod config;
mod csv_log;
mod data;
mod evaluate;
mod experiments;
pub mod figures;
mod memory;
pub mod messages;
pub mod options;
mod results;
mod run;
mod summary;

pub use compare::{CompareError, RunCurves, compare_figure};
pub use config::{ConfigError, FIELDS, IMAGE_PIXELS, MAX_ITERATIONS, RunConfig, TRAIN_IMAGES};
pub use csv_log::{CSV_HEADER, CsvError, EpochCsv, ReadError, read_epochs};
pub use data::{DataError, DataSource, LoadedData};
pub use evaluate::{EvaluateError, test_accuracy};
pub use experiments::{
    ExperimentError, ExperimentName, ExperimentReport, ExperimentRequest, PreparedExperiment,
    Progress, parse_activations, parse_experiment_dropout, verdict_file,
};
pub use memory::{estimate_bytes, physical_memory_bytes};
pub use results::{NameLock, ResultsDir, ResultsError, RunFiles, RunName, write_atomically};
pub use run::{
    PreparedRun, RunError, RunObserver, RunOutcome, RunPlan, RunRequest, accuracy_figure,
};
pub use summary::{FinalResult, RunStatus, RunSummary};

// The crates a run is built from, re-exported so that a front end (the lab, the command line, a
// notebook) needs this crate alone and always sees the same versions of their types.
#[doc(no_inline)]
pub use scratchnet_datasets as datasets;
#[doc(no_inline)]
pub use scratchnet_layers as layers;
#[doc(no_inline)]
pub use scratchnet_network as network;
#[doc(no_inline)]
pub use scratchnet_optim as optim;
#[doc(no_inline)]
pub use scratchnet_tensor as tensor;
#[doc(no_inline)]
pub use scratchnet_trainer as trainer;
