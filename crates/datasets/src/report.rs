//! What a fetch reports: per-source failure reasons, the error when every source fails, the
//! per-file outcome, and the events an observer (a progress bar, a log) receives.

use crate::catalog::{FileSpec, Sha256};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// What went wrong with one source for one file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureReason {
    /// The mirror string could not be parsed.
    InvalidSource(String),
    /// A directory source has none of the file's name variants.
    Missing {
        /// The names looked for.
        tried: Vec<String>,
    },
    /// The server answered with a non-success status.
    HttpStatus {
        /// The status code.
        status: u16,
        /// Whether the body was an HTML page.
        html: bool,
    },
    /// Name resolution or the TCP/TLS connection failed.
    Unreachable(String),
    /// A timeout expired (which one is in the text).
    Timeout(String),
    /// Another transport or protocol error.
    Network(String),
    /// The body ended before its announced length.
    Truncated {
        /// Bytes received.
        received: u64,
        /// Bytes announced, if known.
        expected: Option<u64>,
    },
    /// The (compressed) body is larger than the cap.
    TooLarge {
        /// The cap in bytes.
        limit: u64,
        /// The announced size, if the server sent one.
        announced: Option<u64>,
    },
    /// The body is neither gzip nor IDX.
    NotGzip {
        /// Whether it is an HTML page.
        html: bool,
        /// Its first bytes, in hex.
        start: String,
    },
    /// The gzip stream is corrupt or truncated.
    CorruptGzip(String),
    /// The decompressed content has the wrong size.
    WrongSize {
        /// The expected size.
        expected: u64,
        /// The size found (for an oversized stream: the first size past the expected one).
        actual: u64,
    },
    /// The decompressed content has the wrong SHA-256.
    HashMismatch {
        /// The pinned digest.
        expected: Sha256,
        /// The digest found.
        actual: Sha256,
    },
    /// A local read or write failed (disk full, permissions, …).
    Io(String),
    /// An http(s) source, in a build without the crate's `download` feature.
    DownloadDisabled,
}

impl FailureReason {
    /// Whether the source itself is unusable (so later files skip it).
    pub(crate) fn source_is_dead(&self) -> bool {
        matches!(
            self,
            FailureReason::InvalidSource(_)
                | FailureReason::Unreachable(_)
                | FailureReason::Timeout(_)
                | FailureReason::DownloadDisabled
        )
    }
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::InvalidSource(e) => write!(f, "invalid mirror: {e}"),
            FailureReason::Missing { tried } => {
                write!(f, "no such file (looked for {})", tried.join(", "))
            }
            FailureReason::HttpStatus { status, html: true } => {
                write!(f, "HTTP {status} (an HTML page, not gzip)")
            }
            FailureReason::HttpStatus {
                status,
                html: false,
            } => write!(f, "HTTP {status}"),
            FailureReason::Unreachable(e) => write!(f, "unreachable: {e}"),
            FailureReason::Timeout(e) => write!(f, "timed out: {e}"),
            FailureReason::Network(e) => write!(f, "network error: {e}"),
            FailureReason::Truncated {
                received,
                expected: Some(expected),
            } => {
                write!(f, "truncated body: {received} of {expected} bytes arrived")
            }
            FailureReason::Truncated {
                received,
                expected: None,
            } => {
                write!(f, "truncated body after {received} bytes")
            }
            FailureReason::TooLarge {
                limit,
                announced: Some(size),
            } => {
                write!(
                    f,
                    "oversized body: {size} bytes announced, the cap is {limit}"
                )
            }
            FailureReason::TooLarge {
                limit,
                announced: None,
            } => {
                write!(f, "oversized body: more than the cap of {limit} bytes")
            }
            FailureReason::NotGzip { html: true, .. } => f.write_str("an HTML page, not gzip"),
            FailureReason::NotGzip { html: false, start } => {
                write!(f, "not gzip data (starts with {start})")
            }
            FailureReason::CorruptGzip(e) => write!(f, "corrupt gzip data: {e}"),
            FailureReason::DownloadDisabled => f.write_str(
                "http(s) sources need scratchnet-datasets' `download` feature (this build has none)",
            ),
            FailureReason::WrongSize { expected, actual } if actual > expected => {
                write!(f, "decompresses to more than the expected {expected} bytes")
            }
            FailureReason::WrongSize { expected, actual } => {
                write!(f, "wrong size: {actual} bytes, expected {expected}")
            }
            FailureReason::HashMismatch { expected, actual } => {
                write!(f, "SHA-256 mismatch: got {actual}, expected {expected}")
            }
            FailureReason::Io(e) => write!(f, "local I/O error: {e}"),
        }
    }
}

/// One source's failure for one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFailure {
    /// The source as given (or as built in).
    pub source: String,
    /// What went wrong.
    pub reason: FailureReason,
}

impl fmt::Display for SourceFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

/// Why [`fetch`](crate::fetch) gave up.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The data directory could not be created, locked, listed or written.
    #[error("data directory {}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// There was nothing to try: no mirrors given and the built-in ones disabled.
    #[error("no source to get {file} from: no mirrors given and the built-in mirrors are disabled")]
    NoSources {
        /// The file's name.
        file: String,
    },
    /// Every source failed for a file; one entry per source, in the order tried.
    #[error("could not get a verified {file} from any of {} source(s):{}", failures.len(), FailureList(failures))]
    AllSourcesFailed {
        /// The file's name.
        file: String,
        /// What went wrong at each source.
        failures: Vec<SourceFailure>,
    },
}

struct FailureList<'a>(&'a [SourceFailure]);

impl fmt::Display for FailureList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for failure in self.0 {
            write!(f, "\n  - {failure}")?;
        }
        Ok(())
    }
}

/// What happened to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOutcome {
    /// It was present and its size and SHA-256 matched: nothing was downloaded.
    AlreadyVerified,
    /// It was missing (or `force` was set) and came from `source`.
    Downloaded {
        /// The source it came from.
        source: String,
    },
    /// It was present but corrupt, was deleted, and came anew from `source`.
    Replaced {
        /// The source it came from.
        source: String,
        /// What was wrong with the old file.
        problem: FailureReason,
    },
}

/// One file's line in a [`FetchReport`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// The file name.
    pub name: String,
    /// Where the verified file is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256.
    pub sha256: Sha256,
    /// What was done.
    pub outcome: FileOutcome,
}

/// The result of a successful [`fetch`](crate::fetch): all files are present and verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchReport {
    /// The data directory.
    pub dir: PathBuf,
    /// One entry per file, in catalog order.
    pub files: Vec<FileReport>,
    /// Stale temporary files of an interrupted earlier run that were deleted.
    pub removed_partials: Vec<PathBuf>,
}

impl FetchReport {
    /// Whether every file was already present and verified (a second run is a no-op).
    pub fn nothing_to_do(&self) -> bool {
        self.files
            .iter()
            .all(|f| f.outcome == FileOutcome::AlreadyVerified)
    }
}

/// Progress and decisions of [`fetch`](crate::fetch), for a user interface; the library itself prints nothing.
#[derive(Debug)]
#[non_exhaustive]
pub enum FetchEvent<'a> {
    /// Another process is fetching into the same directory; waiting for it.
    WaitingForLock {
        /// The directory.
        dir: &'a Path,
    },
    /// A temporary file of an interrupted earlier run was deleted.
    RemovedStale {
        /// Its path.
        path: &'a Path,
    },
    /// The cached file is present and verified.
    AlreadyVerified {
        /// The file.
        file: &'a FileSpec,
        /// Its path.
        path: &'a Path,
    },
    /// The cached file was corrupt and has been deleted; it will be fetched anew.
    CorruptCached {
        /// The file.
        file: &'a FileSpec,
        /// Its path.
        path: &'a Path,
        /// What was wrong.
        problem: &'a FailureReason,
    },
    /// Starting to fetch a file from a source.
    Trying {
        /// The file.
        file: &'a FileSpec,
        /// The source.
        source: &'a str,
    },
    /// Bytes received from the source so far (compressed bytes, as sent).
    Progress {
        /// The file.
        file: &'a FileSpec,
        /// Bytes so far.
        bytes: u64,
        /// The total, if the source announced it.
        total: Option<u64>,
    },
    /// A source failed for a file; the next one is tried.
    SourceFailed {
        /// The file.
        file: &'a FileSpec,
        /// The source and reason.
        failure: &'a SourceFailure,
    },
    /// A file was verified and moved into place.
    Installed {
        /// The file.
        file: &'a FileSpec,
        /// The source it came from.
        source: &'a str,
        /// Its path.
        path: &'a Path,
    },
}

/// Receives [`FetchEvent`]s. Implemented for closures taking `&FetchEvent` and for `()`
/// (ignore everything).
pub trait FetchObserver {
    /// Called for each event, in order.
    fn on_event(&mut self, event: &FetchEvent<'_>);
}

impl FetchObserver for () {
    fn on_event(&mut self, _: &FetchEvent<'_>) {}
}

impl<F: FnMut(&FetchEvent<'_>)> FetchObserver for F {
    fn on_event(&mut self, event: &FetchEvent<'_>) {
        self(event);
    }
}
