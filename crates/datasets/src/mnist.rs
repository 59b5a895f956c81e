//! The MNIST-family data set in memory: two splits of `u8` images and labels, converted to
//! float matrices only for the samples a caller asks for.

use crate::catalog::{Catalog, DatasetKind, FileRole, FileSpec, Sha256};
use crate::idx::{self, IdxArray, IdxError};
use crate::verify::{self, HashingReader};
use scratchnet_tensor::{ByteRows, Float, Matrix, SparseRows};
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

/// The number of classes of every MNIST-family data set (digits 0–9, ten kinds of clothing).
pub const NUM_CLASSES: usize = 10;

/// Why a data set could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// None of the file's name variants exists in the directory.
    #[error("{name} not found in {} (looked for {}); fetch it first: `scratchnet_datasets::fetch` from a program, `cargo xtask fetch-mnist` in the scratchnet workspace", dir.display(), tried.join(", "))]
    NotFound {
        /// The directory searched.
        dir: PathBuf,
        /// The standard file name.
        name: String,
        /// Every name looked for.
        tried: Vec<String>,
    },
    /// A file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A file is not a valid IDX array (or its gzip stream is corrupt).
    #[error("{}: {source}", path.display())]
    Idx {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: IdxError,
    },
    /// A file parsed but its decompressed content is not the pinned one.
    #[error("{}: content does not match the pinned SHA-256 ({size} bytes with SHA-256 {actual}, expected {expected_size} bytes with {expected}); fetch it again", path.display())]
    Mismatch {
        /// The file.
        path: PathBuf,
        /// The decompressed size found.
        size: u64,
        /// Its digest.
        actual: Sha256,
        /// The pinned size.
        expected_size: u64,
        /// The pinned digest.
        expected: Sha256,
    },
    /// Images are not `count × rows × columns`, or labels not `count`.
    #[error("{what} have dimensions {dims:?}, expected {expected}")]
    Shape {
        /// `images` or `labels`.
        what: &'static str,
        /// The dimensions found.
        dims: Vec<usize>,
        /// What was expected.
        expected: &'static str,
    },
    /// The image and label files hold different numbers of samples.
    #[error("{images} images but {labels} labels")]
    CountMismatch {
        /// Number of images.
        images: usize,
        /// Number of labels.
        labels: usize,
    },
    /// A label is not a class index below [`NUM_CLASSES`].
    #[error("label {label} at index {index} is not a class below {NUM_CLASSES}")]
    LabelOutOfRange {
        /// The sample index.
        index: usize,
        /// The label found.
        label: u8,
    },
    /// The catalog lacks one of the four files.
    #[error("the catalog has no {0:?} file")]
    MissingSpec(FileRole),
}

/// One split (training or test): `len()` images of `rows × cols` bytes, row-major, and their labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    images: Vec<u8>,
    labels: Vec<u8>,
    rows: usize,
    cols: usize,
}

impl Split {
    /// A split from raw bytes: `images.len()` must be `labels.len() × rows × cols`, every label
    /// below [`NUM_CLASSES`], and `rows`, `cols` non-zero.
    pub fn from_raw(
        images: Vec<u8>,
        labels: Vec<u8>,
        rows: usize,
        cols: usize,
    ) -> Result<Split, DatasetError> {
        let shape_error = || DatasetError::Shape {
            what: "images",
            dims: vec![images.len(), rows, cols],
            expected: "a byte count of labels × rows × columns, with rows and columns > 0",
        };
        let pixels = rows
            .checked_mul(cols)
            .filter(|&p| p > 0)
            .ok_or_else(shape_error)?;
        if !images.len().is_multiple_of(pixels) {
            return Err(shape_error());
        }
        let count = images.len() / pixels;
        if count != labels.len() {
            return Err(DatasetError::CountMismatch {
                images: count,
                labels: labels.len(),
            });
        }
        if let Some((index, &label)) = labels
            .iter()
            .enumerate()
            .find(|(_, l)| usize::from(**l) >= NUM_CLASSES)
        {
            return Err(DatasetError::LabelOutOfRange { index, label });
        }
        Ok(Split {
            images,
            labels,
            rows,
            cols,
        })
    }

    /// A split from parsed IDX arrays: images `[n, rows, cols]`, labels `[n]`.
    pub fn from_idx(images: IdxArray, labels: IdxArray) -> Result<Split, DatasetError> {
        let (image_dims, image_data) = images.into_parts();
        let (label_dims, label_data) = labels.into_parts();
        let &[count, rows, cols] = image_dims.as_slice() else {
            return Err(DatasetError::Shape {
                what: "images",
                dims: image_dims,
                expected: "[count, rows, columns]",
            });
        };
        let &[label_count] = label_dims.as_slice() else {
            return Err(DatasetError::Shape {
                what: "labels",
                dims: label_dims,
                expected: "[count]",
            });
        };
        if count != label_count {
            return Err(DatasetError::CountMismatch {
                images: count,
                labels: label_count,
            });
        }
        Split::from_raw(image_data, label_data, rows, cols)
    }

    /// The number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The images (`len() × image_size()` bytes, sample after sample) and the labels, taken out
    /// of the split without copying them (into NumPy arrays, say).
    pub fn into_raw(self) -> (Vec<u8>, Vec<u8>) {
        (self.images, self.labels)
    }

    /// Frees the images and keeps the labels: for a caller that holds the images in another form
    /// (the sparse rows every evaluation multiplies) and needs the bytes no longer. Afterwards
    /// the images are `len() × 0`: [`Self::image_shape`] is `(0, 0)` and every image is empty.
    pub fn release_images(&mut self) {
        self.images = Vec::new();
        (self.rows, self.cols) = (0, 0);
    }

    /// Image height and width (28 × 28 for the MNIST family).
    pub fn image_shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// Pixels per image (784 for the MNIST family): the number of columns of [`Self::images`].
    pub fn image_size(&self) -> usize {
        self.rows * self.cols
    }

    /// The pixels of image `i`, row-major.
    ///
    /// # Panics
    /// If `i >= self.len()`, like slice indexing; see [`Self::get_image`].
    pub fn image_u8(&self, i: usize) -> &[u8] {
        match self.get_image(i) {
            Some(image) => image,
            None => panic!(
                "image index {i} out of range for a split of {} samples",
                self.len()
            ),
        }
    }

    /// The pixels of image `i`, or `None` if out of range.
    pub fn get_image(&self, i: usize) -> Option<&[u8]> {
        let size = self.image_size();
        self.images
            .get(i.checked_mul(size)?..i.checked_add(1)?.checked_mul(size)?)
    }

    /// All pixels, `len() × image_size()` bytes, sample after sample.
    pub fn images_u8(&self) -> &[u8] {
        &self.images
    }

    /// All labels.
    pub fn labels_u8(&self) -> &[u8] {
        &self.labels
    }

    /// The number of samples an `n`-sample conversion uses: `n`, at most [`Self::len`].
    fn count(&self, n: usize) -> usize {
        n.min(self.len())
    }

    /// The first `n` samples (all of them if `n >= len()`) as a new split.
    pub fn take(&self, n: usize) -> Split {
        let n = self.count(n);
        Split {
            images: self
                .images
                .get(..n * self.image_size())
                .unwrap_or_default()
                .to_vec(),
            labels: self.labels.get(..n).unwrap_or_default().to_vec(),
            rows: self.rows,
            cols: self.cols,
        }
    }

    /// The first `n` images (all if `n >= len()`) as an `n × image_size()` matrix with pixels
    /// scaled to [0, 1], one sample per row. Only these `n` samples are converted.
    ///
    /// Like the book's `load_mnist(normalize=True)`, each pixel is divided by 255 in `f32`
    /// (`np.float32` arithmetic) and then widened to `T`, so `f64` networks see exactly the
    /// book's inputs.
    pub fn images<T: Float>(&self, n: usize) -> Matrix<T> {
        let n = self.count(n);
        let lut = ByteRows::<T>::unit_scale_table();
        let pixels = self.images.get(..n * self.image_size()).unwrap_or_default();
        Matrix::from_row_iterator(
            n,
            self.image_size(),
            pixels.iter().map(|&p| lut[usize::from(p)]),
        )
    }

    /// The first `n` images like [`Self::images`], stored sparsely (only non-zero pixels,
    /// ≈19% of MNIST's), converted straight from the bytes: the 10,000 test images take 12 MB
    /// instead of 31 MB.
    pub fn sparse_images<T: Float>(&self, n: usize) -> SparseRows<T> {
        let n = self.count(n);
        let lut = ByteRows::<T>::unit_scale_table();
        let pixels = self.images.get(..n * self.image_size()).unwrap_or_default();
        let mut row_starts = Vec::with_capacity(n + 1);
        row_starts.push(0);
        let (mut columns, mut values) = (Vec::new(), Vec::new());
        for image in pixels.chunks_exact(self.image_size().max(1)) {
            for (column, &pixel) in (0_u32..).zip(image) {
                if pixel != 0 {
                    columns.push(column);
                    values.push(lut[usize::from(pixel)]);
                }
            }
            row_starts.push(values.len());
        }
        SparseRows::from_csr(self.image_size(), row_starts, columns, values)
    }

    /// The first `n` images (all if `n >= len()`) as they are stored, one byte per pixel,
    /// decoded like [`Self::images`] only when a batch or an inference chunk needs them: the
    /// compact form for training (47 MB for the 60,000 MNIST images, not 188 MB).
    pub fn byte_rows<T: Float>(&self, n: usize) -> ByteRows<'_, T> {
        let n = self.count(n);
        ByteRows::new(
            &self.images[..n * self.image_size()],
            self.image_size(),
            ByteRows::unit_scale_table(),
        )
    }

    /// [`Self::images`] in `f32`.
    pub fn images_f32(&self, n: usize) -> Matrix<f32> {
        self.images(n)
    }

    /// The first `n` labels (all if `n >= len()`) as class indices.
    pub fn labels(&self, n: usize) -> Vec<usize> {
        self.labels
            .iter()
            .take(n)
            .map(|&l| usize::from(l))
            .collect()
    }

    /// The first `n` labels (all if `n >= len()`) one-hot encoded: an `n × 10` matrix.
    pub fn one_hot<T: Float>(&self, n: usize) -> Matrix<T> {
        let mut out = Matrix::<T>::zeros(self.count(n), NUM_CLASSES);
        for (row, &label) in self.labels.iter().take(n).enumerate() {
            if let Some(cell) = out.get_mut((row, usize::from(label))) {
                *cell = T::one();
            }
        }
        out
    }
}

/// An MNIST-family data set: 60,000 training and 10,000 test samples of 28 × 28 pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mnist {
    /// The training split.
    pub train: Split,
    /// The test split.
    pub test: Split,
}

impl Mnist {
    /// Loads the four files of `kind` from `dir` and verifies each against its pinned size and
    /// SHA-256. Accepts decompressed and `.gz` files under the standard and dotted names.
    pub fn load(dir: impl AsRef<Path>, kind: DatasetKind) -> Result<Mnist, DatasetError> {
        Mnist::load_with(dir, &Catalog::for_kind(kind))
    }

    /// Like [`Mnist::load`] (every byte is still hashed and verified) but keeps only the first
    /// `train_samples` training and `test_samples` test samples in memory: the seed experiment
    /// needs 300 of the 60,000 training images, 235 KB instead of 47 MB.
    pub fn load_prefix(
        dir: impl AsRef<Path>,
        kind: DatasetKind,
        train_samples: usize,
        test_samples: usize,
    ) -> Result<Mnist, DatasetError> {
        Self::load_prefix_preparing(dir, kind, (train_samples, test_samples), |_| ())
            .map(|(mnist, ())| mnist)
    }

    /// [`Mnist::load_prefix`] with `(train_samples, test_samples)`, reading and hashing the
    /// training files on a second thread, and running `prepare` on the test split as soon as
    /// it is verified, while the training files (47 MB against 8 MB) are still being hashed.
    /// Returns the data and what `prepare` returned.
    pub fn load_prefix_preparing<R>(
        dir: impl AsRef<Path>,
        kind: DatasetKind,
        (train_samples, test_samples): (usize, usize),
        prepare: impl FnOnce(&Split) -> R,
    ) -> Result<(Mnist, R), DatasetError> {
        let dir = dir.as_ref();
        let catalog = Catalog::for_kind(kind);
        let load_split = |images, labels, keep| -> Result<Split, DatasetError> {
            let load = |role| -> Result<IdxArray, DatasetError> {
                let spec = catalog.file(role).ok_or(DatasetError::MissingSpec(role))?;
                load_file(dir, spec, true, keep)
            };
            Split::from_idx(load(images)?, load(labels)?)
        };
        std::thread::scope(|scope| {
            let train = scope
                .spawn(|| load_split(FileRole::TrainImages, FileRole::TrainLabels, train_samples));
            let test = load_split(FileRole::TestImages, FileRole::TestLabels, test_samples);
            let test = test.map(|split| {
                let prepared = prepare(&split);
                (split, prepared)
            });
            // Loading only returns errors; a panic there is a bug to pass on.
            let train = train
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            let (test, prepared) = test?;
            Ok((Mnist { train, test }, prepared))
        })
    }

    /// Loads and verifies against the sizes and hashes of `catalog`.
    pub fn load_with(dir: impl AsRef<Path>, catalog: &Catalog) -> Result<Mnist, DatasetError> {
        let dir = dir.as_ref();
        let file = |role| catalog.file(role).ok_or(DatasetError::MissingSpec(role));
        let load = |role| -> Result<IdxArray, DatasetError> {
            load_file(dir, file(role)?, true, usize::MAX)
        };
        Ok(Mnist {
            train: Split::from_idx(load(FileRole::TrainImages)?, load(FileRole::TrainLabels)?)?,
            test: Split::from_idx(load(FileRole::TestImages)?, load(FileRole::TestLabels)?)?,
        })
    }

    /// Loads the four files under their standard names without checking hashes or sample
    /// counts (for custom data in the MNIST format); shapes and labels are still checked.
    pub fn load_unverified(dir: impl AsRef<Path>) -> Result<Mnist, DatasetError> {
        let dir = dir.as_ref();
        let load = |role: FileRole| {
            let spec = FileSpec::new(role, idx::DEFAULT_MAX_PAYLOAD, Sha256([0; 32]));
            load_file(dir, &spec, false, usize::MAX)
        };
        Ok(Mnist {
            train: Split::from_idx(load(FileRole::TrainImages)?, load(FileRole::TrainLabels)?)?,
            test: Split::from_idx(load(FileRole::TestImages)?, load(FileRole::TestLabels)?)?,
        })
    }
}

/// Finds, decompresses (if gzip), hashes and parses one file.
fn load_file(
    dir: &Path,
    spec: &FileSpec,
    check: bool,
    keep_items: usize,
) -> Result<IdxArray, DatasetError> {
    let (found, tried) = verify::find_variant(dir, spec);
    let path = found.ok_or_else(|| DatasetError::NotFound {
        dir: dir.to_path_buf(),
        name: spec.name.clone(),
        tried,
    })?;
    let io_error = |source| DatasetError::Io {
        path: path.clone(),
        source,
    };
    let file = File::open(&path).map_err(io_error)?;
    let (_, decoded) =
        verify::decoded(BufReader::with_capacity(1 << 20, file)).map_err(io_error)?;
    let mut hashing = HashingReader::new(decoded);
    // The header can announce at most the file's pinned size (minus the smallest header).
    let array = idx::read_prefix(&mut hashing, spec.size, keep_items).map_err(|source| {
        DatasetError::Idx {
            path: path.clone(),
            source,
        }
    })?;
    let (size, actual) = hashing.finish();
    if check && (size != spec.size || actual != spec.sha256) {
        return Err(DatasetError::Mismatch {
            path,
            size,
            actual,
            expected_size: spec.size,
            expected: spec.sha256,
        });
    }
    Ok(array)
}
