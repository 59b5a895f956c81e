#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

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
    Progress, check_sweep_size, figure_file, parse_activations, parse_experiment_dropout,
    parse_ratios, parse_seeds, verdict_file,
};
pub use memory::{estimate_bytes, physical_memory_bytes};
pub use results::{NameLock, ResultsDir, ResultsError, RunFiles, RunName, write_atomically};
pub use run::{
    PreparedRun, RunError, RunObserver, RunOutcome, RunPlan, RunRequest, accuracy_figure,
    accuracy_figure_svg,
};
pub use summary::{FinalResult, NUMERICS, RunStatus, RunSummary};

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
