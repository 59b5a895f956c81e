//! The data flags every command that trains or evaluates shares.

use crate::progress::Progress;
use crate::{Failure, run_flags, workspace_root};
use scratchnet_experiments::datasets::DatasetKind;
use scratchnet_experiments::{DataSource, LoadedData, RunConfig};
use std::path::PathBuf;

/// Where the data comes from: shared by `train`, `eval`, `experiment` and `bench`.
#[derive(clap::Args, Clone, Debug)]
pub struct DataArgs {
    #[arg(
        long,
        default_value = RunConfig::default().dataset.slug(),
        value_parser = crate::fetch::dataset,
        help = run_flags::english_help("dataset"),
    )]
    pub dataset: DatasetKind,
    /// Directory holding the four IDX files [default: datasets/mnist or datasets/fashion-mnist
    /// at the workspace root, or $SCRATCHNET_DATA_DIR/DATASET].
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where to fetch the data from if it is missing: an http(s):// URL, a file:// URL or a
    /// directory holding the `.gz` files; repeatable, tried in order before
    /// $SCRATCHNET_MNIST_MIRROR and the built-in mirrors.
    #[arg(long = "mirror", value_name = "URL|DIR")]
    pub mirrors: Vec<String>,
}

impl DataArgs {
    /// The data source these flags describe.
    pub fn source(&self) -> DataSource {
        DataSource::new(
            &workspace_root(),
            self.dataset,
            self.data_dir.clone(),
            self.mirrors.clone(),
        )
    }

    /// Loads the data (the first `train_samples` training images), fetching with progress
    /// when missing.
    pub fn load(&self, train_samples: usize, quiet: bool) -> Result<LoadedData, Failure> {
        let mut progress = Progress::new(quiet);
        Ok(self.source().load(train_samples, &mut progress)?)
    }
}
