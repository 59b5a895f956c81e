//! The examples' MNIST: the first argument's directory, else the workspace's `datasets/mnist`,
//! fetched there if missing.

use scratchnet_datasets::{DatasetKind, FetchOptions, Mnist, fetch, mirrors_from_env};
use std::error::Error;
use std::path::PathBuf;

/// Loads MNIST, fetching it from `$SCRATCHNET_MNIST_MIRROR` (a directory or URL holding the
/// `.gz` files) or the built-in mirrors when the directory lacks it.
pub fn mnist() -> Result<Mnist, Box<dyn Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/mnist")),
        PathBuf::from,
    );
    if let Ok(mnist) = Mnist::load(&dir, DatasetKind::Mnist) {
        return Ok(mnist);
    }
    let mut options = FetchOptions::new(&dir);
    options.mirrors = mirrors_from_env();
    fetch(DatasetKind::Mnist, &options, &mut ())?;
    Ok(Mnist::load(&dir, DatasetKind::Mnist)?)
}
