//! MNIST-family data sets for scratchnet: a strict IDX parser, verified downloads from mirrors
//! into a cache that never trusts a bad file, and conversions to the matrices the networks eat.
//!
//! * [`idx`] parses IDX from any reader and never panics or over-allocates on hostile input.
//! * [`fetch`] makes sure the four files are in a directory, decompressed and SHA-256-verified,
//!   trying `--mirror`s, `SCRATCHNET_MNIST_MIRROR` and the built-in mirrors in order; every
//!   download goes through a `.partial-*` file that is renamed into place only after the hash
//!   matches. Progress is reported to a [`FetchObserver`]; the library prints nothing.
//! * [`Mnist::load`] reads the cache (also `.gz` files and the `train-images.idx3-ubyte` name
//!   variant) and [`Split`] converts only the samples asked for into matrices.
//!
//! ```
//! use scratchnet_datasets::{idx, Split};
//!
//! // Two 2 × 2 images and their labels, as IDX bytes.
//! let images = idx::encode(&[2, 2, 2], &[0, 255, 51, 102, 255, 255, 0, 0]).unwrap();
//! let labels = idx::encode(&[2], &[7, 2]).unwrap();
//! let split = Split::from_idx(idx::parse(&images)?, idx::parse(&labels)?)?;
//!
//! assert_eq!(split.len(), 2);
//! assert_eq!(split.image_u8(1), [255, 255, 0, 0]);
//! let x = split.images_f32(1); // only the first sample is converted
//! assert_eq!((x.nrows(), x.ncols()), (1, 4));
//! assert_eq!(x[(0, 1)], 1.0);
//! assert_eq!(x[(0, 2)], 0.2);
//! let bytes = split.byte_rows::<f32>(2); // the same values, decoded batch by batch
//! assert_eq!(bytes.table()[usize::from(bytes.row(0)[2])], 0.2);
//! let t = split.one_hot::<f64>(2);
//! assert_eq!((t[(0, 7)], t[(1, 2)], t[(1, 7)]), (1.0, 1.0, 0.0));
//! assert_eq!(split.labels(5), [7, 2]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod cache;
mod catalog;
mod fetch;
pub mod idx;
mod mnist;
mod report;
mod source;
mod verify;

pub use cache::{LOCK_FILE, PARTIAL_PREFIX};
pub use catalog::{
    Catalog, DatasetKind, FASHION_MNIST_MIRRORS, FileRole, FileSpec, MNIST_MIRRORS, Sha256,
    UnknownDatasetKind,
};
pub use fetch::{DATA_DIR_ENV, FetchOptions, default_data_dir, fetch, fetch_catalog, size_cap};
pub use idx::{IdxArray, IdxError};
pub use mnist::{DatasetError, Mnist, NUM_CLASSES, Split};
pub use report::{
    FailureReason, FetchError, FetchEvent, FetchObserver, FetchReport, FileOutcome, FileReport,
    SourceFailure,
};
pub use source::{MIRROR_ENV, Source, SourceError, mirrors_from_env, split_mirror_list};
