//! Loading a data set for a command, fetching it first when it is missing.

use crate::fetch;
use anyhow::{Context, Result};
use scratchnet_datasets::{Catalog, DatasetKind, Mnist, Split};
use std::path::{Path, PathBuf};

/// Where the data comes from: shared by `train`, `eval` and `experiment`.
#[derive(clap::Args, Clone, Debug)]
pub struct DataArgs {
    /// Data set: `mnist` or `fashion` (Fashion-MNIST, a drop-in with the same format).
    #[arg(long, default_value = "mnist", value_parser = parse_kind)]
    pub dataset: DatasetKind,
    /// Directory holding the four IDX files [default: datasets/mnist or datasets/fashion-mnist
    /// at the workspace root, or $SCRATCHNET_DATA_DIR].
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where to fetch the data from if it is missing: an http(s):// URL, a file:// URL or a
    /// directory holding the `.gz` files; repeatable, tried in order before
    /// $SCRATCHNET_MNIST_MIRROR and the built-in mirrors.
    #[arg(long = "mirror", value_name = "URL|DIR")]
    pub mirrors: Vec<String>,
}

/// `mnist` | `fashion` for clap, with the data-set crate's error text.
pub fn parse_kind(text: &str) -> Result<DatasetKind, String> {
    text.parse()
        .map_err(|error: scratchnet_datasets::UnknownDatasetKind| error.to_string())
}

/// A loaded data set and what identifies it.
pub struct LoadedData {
    pub kind: DatasetKind,
    pub dir: PathBuf,
    pub mnist: Mnist,
}

impl LoadedData {
    /// The pinned SHA-256 of each file, by standard file name.
    pub fn file_hashes(&self) -> Vec<(String, String)> {
        Catalog::for_kind(self.kind)
            .files
            .iter()
            .map(|file| (file.name.clone(), file.sha256.to_string()))
            .collect()
    }
}

/// Makes sure the verified files are present (fetching and saying so if not), then loads them.
pub fn load(args: &DataArgs, quiet: bool) -> Result<LoadedData> {
    load_prefix(args, quiet, usize::MAX)
}

/// Like [`load`], keeping only the first `train_samples` training samples in memory (every
/// byte is still verified).
pub fn load_prefix(args: &DataArgs, quiet: bool, train_samples: usize) -> Result<LoadedData> {
    load_prefix_preparing(args, quiet, train_samples, |_| ()).map(|(loaded, ())| loaded)
}

/// [`load_prefix`], running `prepare` on the test split while the training files are still
/// being verified (see `Mnist::load_prefix_preparing`).
pub fn load_prefix_preparing<R>(
    args: &DataArgs,
    quiet: bool,
    train_samples: usize,
    prepare: impl Fn(&Split) -> R,
) -> Result<(LoadedData, R)> {
    let load = |dir: &Path| {
        Mnist::load_prefix_preparing(dir, args.dataset, (train_samples, usize::MAX), &prepare)
    };
    // Loading checks every file's size and SHA-256 anyway, so a verified cache is read once;
    // only when that fails (missing, corrupt) does the fetch run, re-verifying and repairing.
    let cached = args.data_dir.clone().unwrap_or_else(|| {
        scratchnet_datasets::default_data_dir(&crate::results::workspace_root(), args.dataset)
    });
    if let Ok((mnist, prepared)) = load(&cached) {
        let loaded = LoadedData {
            kind: args.dataset,
            dir: cached,
            mnist,
        };
        return Ok((loaded, prepared));
    }
    let dir = fetch::ensure_dataset(args.dataset, args.data_dir.clone(), &args.mirrors, quiet)?;
    let (mnist, prepared) =
        load(&dir).with_context(|| format!("loading {} from {}", args.dataset, dir.display()))?;
    let loaded = LoadedData {
        kind: args.dataset,
        dir,
        mnist,
    };
    Ok((loaded, prepared))
}
