//! Where a run's data comes from, and loading it: from the verified cache, fetching only when a
//! file is missing or corrupt.

use rand::RngExt;
use scratchnet_datasets::{
    Catalog, DatasetError, DatasetKind, FetchError, FetchObserver, FetchOptions, FetchReport,
    Mnist, NUM_CLASSES, Split, default_data_dir, fetch, mirrors_from_env,
};
use scratchnet_tensor::{ByteRows, SparseRows};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A data set, the directory caching it, and where to fetch it from when it is missing.
#[derive(Clone, Debug)]
pub struct DataSource {
    /// The data set.
    pub dataset: DatasetKind,
    /// The directory holding (or receiving) the four decompressed files.
    pub dir: PathBuf,
    /// Sources tried before `$SCRATCHNET_MNIST_MIRROR` and the built-in mirrors: http(s)://
    /// or file:// URLs, or directories holding the `.gz` files.
    pub mirrors: Vec<String>,
}

/// Why the data could not be had.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// No source delivered a verified copy.
    #[error(
        "{dataset}: {source}\nOffline or behind a firewall? Point --mirror at a directory (or a \
         file:// or http:// URL) holding the four .gz files, or set SCRATCHNET_MNIST_MIRROR \
         (comma-separated)."
    )]
    Unavailable {
        /// The data set.
        dataset: DatasetKind,
        /// What every source did.
        source: FetchError,
    },
    /// Fetching failed for another reason (the cache directory, a lock, …).
    #[error("{dataset}: {source}")]
    Fetch {
        /// The data set.
        dataset: DatasetKind,
        /// The failure.
        source: FetchError,
    },
    /// The files are there but could not be loaded.
    #[error("loading {dataset} from {}: {source}", dir.display())]
    Load {
        /// The data set.
        dataset: DatasetKind,
        /// Its directory.
        dir: PathBuf,
        /// The failure.
        source: Box<DatasetError>,
    },
}

impl DataSource {
    /// `dataset` cached in `dir` if given, else in the workspace's `datasets/<slug>` (or
    /// `$SCRATCHNET_DATA_DIR/<slug>`), fetched from `mirrors` first.
    pub fn new(
        workspace_root: &Path,
        dataset: DatasetKind,
        dir: Option<PathBuf>,
        mirrors: Vec<String>,
    ) -> Self {
        Self {
            dataset,
            dir: dir.unwrap_or_else(|| default_data_dir(workspace_root, dataset)),
            mirrors,
        }
    }

    /// Fetches what is missing or corrupt (everything again with `force`) and verifies every
    /// file, reporting progress to `observer`.
    pub fn fetch(
        &self,
        force: bool,
        observer: &mut dyn FetchObserver,
    ) -> Result<FetchReport, DataError> {
        let mut options = FetchOptions::new(&self.dir);
        options.mirrors = self
            .mirrors
            .iter()
            .cloned()
            .chain(mirrors_from_env())
            .collect();
        options.force = force;
        fetch(self.dataset, &options, observer).map_err(|source| match source {
            FetchError::AllSourcesFailed { .. } | FetchError::NoSources { .. } => {
                DataError::Unavailable {
                    dataset: self.dataset,
                    source,
                }
            }
            source => DataError::Fetch {
                dataset: self.dataset,
                source,
            },
        })
    }

    /// Loads the data set, keeping the first `train_samples` training images (every byte of
    /// every file is still verified), fetching first only if the verified cache cannot be
    /// read. The test set is converted to sparse rows while the training files are checked.
    pub fn load(
        &self,
        train_samples: usize,
        observer: &mut dyn FetchObserver,
    ) -> Result<LoadedData, DataError> {
        if let Ok(loaded) = self.load_cached(train_samples) {
            return Ok(loaded);
        }
        match self.fetch(false, observer) {
            Ok(_) => {}
            // A read-only directory that already holds every file (e.g. Debian's
            // /usr/share/datasets/fashion-mnist): loading verifies the hashes itself.
            Err(DataError::Fetch {
                source: FetchError::Io { .. },
                ..
            }) if self.all_files_present() => {}
            Err(error) => return Err(error),
        }
        self.load_cached(train_samples)
    }

    fn load_cached(&self, train_samples: usize) -> Result<LoadedData, DataError> {
        let (mnist, test_sparse) = Mnist::load_prefix_preparing(
            &self.dir,
            self.dataset,
            (train_samples, usize::MAX),
            |test| test.sparse_images::<f32>(test.len()),
        )
        .map_err(|source| DataError::Load {
            dataset: self.dataset,
            dir: self.dir.clone(),
            source: Box::new(source),
        })?;
        Ok(LoadedData {
            kind: self.dataset,
            dir: self.dir.clone(),
            mnist,
            test_sparse,
        })
    }

    fn all_files_present(&self) -> bool {
        Catalog::for_kind(self.dataset)
            .files
            .iter()
            .all(|file| file.find_in(&self.dir).is_some())
    }
}

/// A loaded, verified data set.
pub struct LoadedData {
    /// Which data set.
    pub kind: DatasetKind,
    /// The directory it was loaded from.
    pub dir: PathBuf,
    /// The images and labels (the training split possibly cut to its first images).
    pub mnist: Mnist,
    /// The test images as sparse rows: what every evaluation multiplies.
    pub test_sparse: SparseRows<f32>,
}

impl LoadedData {
    /// Frees the test images' bytes, keeping their labels and the sparse rows evaluation reads:
    /// a training run needs nothing else of the test set (7.8 MB of MNIST's 10,000 images).
    pub fn release_test_bytes(&mut self) {
        self.mnist.test.release_images();
    }

    /// The first `n` training images, one byte per pixel, decoded batch by batch.
    pub fn train_rows(&self, n: usize) -> ByteRows<'_, f32> {
        self.mnist.train.byte_rows(n)
    }

    /// MNIST-shaped data made up on the spot (28 × 28 images, ten classes): class `c` lights two
    /// rows of pixels at a height of its own, among a few random bright pixels. Easy to learn and
    /// needing no download: for tests and demonstrations.
    pub fn synthetic(train_images: usize, test_images: usize, seed: u64) -> Self {
        let mnist = Mnist {
            train: synthetic_split(train_images, seed),
            test: synthetic_split(test_images, seed.wrapping_add(1)),
        };
        let test_sparse = mnist.test.sparse_images(mnist.test.len());
        Self {
            kind: DatasetKind::Mnist,
            dir: PathBuf::from("(synthetic)"),
            mnist,
            test_sparse,
        }
    }

    /// The pinned SHA-256 of each file, by standard file name.
    pub fn file_hashes(&self) -> BTreeMap<String, String> {
        Catalog::for_kind(self.kind)
            .files
            .iter()
            .map(|file| (file.name.clone(), file.sha256.to_string()))
            .collect()
    }
}

/// `count` synthetic 28 × 28 images with labels `0, 1, …, 9, 0, …` (see
/// [`LoadedData::synthetic`]).
fn synthetic_split(count: usize, seed: u64) -> Split {
    let mut noise = scratchnet_tensor::random::seeded(seed);
    let labels: Vec<u8> = (0..count).map(|i| (i % NUM_CLASSES) as u8).collect();
    let mut images = Vec::with_capacity(count * 784);
    for &label in &labels {
        let band = 2 * usize::from(label) + 4;
        for pixel in 0..784 {
            let row = pixel / 28;
            let value: u32 = noise.random();
            images.push(if row == band || row == band + 1 {
                200
            } else if value.is_multiple_of(20) {
                (value >> 8) as u8
            } else {
                0
            });
        }
    }
    Split::from_raw(images, labels, 28, 28).expect("whole 28 × 28 images with labels below 10")
}
