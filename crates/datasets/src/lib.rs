#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod cache;
mod catalog;
mod fetch;
mod http;
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
