//! The download pipeline: for each file, re-verify what is cached, then try every source in
//! order — stream into a temporary file in the target directory, decompress, check size and
//! SHA-256, fsync, rename atomically — and report per source what went wrong.

use crate::cache::{self, DirLock};
use crate::catalog::{Catalog, DatasetKind, FileSpec, Sha256};
use crate::http::{self, Http};
use crate::report::{
    FailureReason, FetchError, FetchEvent, FetchObserver, FetchReport, FileOutcome, FileReport,
    SourceFailure,
};
use crate::source::Source;
use crate::verify::{self, Mismatch, Sniffed};
use flate2::read::MultiGzDecoder;
use sha2::Digest as _;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable that moves the data-set root (the kind's folder goes below it).
pub const DATA_DIR_ENV: &str = "SCRATCHNET_DATA_DIR";

/// How to fetch: where to, from where, and the network limits.
#[derive(Clone, Debug)]
pub struct FetchOptions {
    /// The directory that receives the four decompressed files (created if missing).
    pub dir: PathBuf,
    /// Sources tried first, in order: `http(s)://` base URLs, `file://` URLs or directories.
    /// Callers usually pass the user's `--mirror`s followed by [`crate::mirrors_from_env`].
    pub mirrors: Vec<String>,
    /// Re-download even files that are present and verify.
    pub force: bool,
    /// Whether the catalog's built-in mirrors are tried after [`Self::mirrors`].
    pub use_builtin_mirrors: bool,
    /// Limit for resolving and connecting to a server.
    pub connect_timeout: Duration,
    /// Limit for each read from the network: a server that sends nothing for this long fails.
    pub read_timeout: Duration,
    /// Limit for one whole file download from one source (`None`: no limit).
    pub total_timeout: Option<Duration>,
    /// The User-Agent header sent to HTTP mirrors.
    pub user_agent: String,
}

impl FetchOptions {
    /// Options with the defaults: no extra mirrors, built-in mirrors on, connect timeout 15 s,
    /// read timeout 30 s, 15 minutes per file, the User-Agent `scratchnet-datasets/<version>`.
    pub fn new(dir: impl Into<PathBuf>) -> FetchOptions {
        FetchOptions {
            dir: dir.into(),
            mirrors: Vec::new(),
            force: false,
            use_builtin_mirrors: true,
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(30),
            total_timeout: Some(Duration::from_secs(15 * 60)),
            user_agent: concat!("scratchnet-datasets/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// The default directory of a data set: `$SCRATCHNET_DATA_DIR/<slug>` if that variable is set
/// and not empty, else `<workspace_root>/datasets/<slug>` (`mnist` or `fashion-mnist`).
pub fn default_data_dir(workspace_root: &Path, kind: DatasetKind) -> PathBuf {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(root) if !root.is_empty() => PathBuf::from(root).join(kind.slug()),
        _ => workspace_root.join("datasets").join(kind.slug()),
    }
}

/// Makes sure the four verified files of `kind` are in `options.dir`, downloading what is
/// missing or corrupt. See [`fetch_catalog`].
pub fn fetch(
    kind: DatasetKind,
    options: &FetchOptions,
    observer: &mut dyn FetchObserver,
) -> Result<FetchReport, FetchError> {
    fetch_catalog(&Catalog::for_kind(kind), options, observer)
}

/// Makes sure every file of `catalog` is in `options.dir`, decompressed and verified.
///
/// Under an exclusive lock on the directory: stale `.partial-*` files are deleted; each present
/// file is re-verified (size and SHA-256) unless `force`, and deleted if corrupt; each missing
/// file is fetched from the sources in order (`options.mirrors`, then the catalog's built-in
/// mirrors), streamed into `.partial-<name>-<random>`, decompressed if gzip, checked for size
/// and SHA-256, synced and renamed into place. Any failure moves on to the next source and
/// leaves no temporary file behind.
pub fn fetch_catalog(
    catalog: &Catalog,
    options: &FetchOptions,
    observer: &mut dyn FetchObserver,
) -> Result<FetchReport, FetchError> {
    let dir = options.dir.as_path();
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| FetchError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let _lock = DirLock::acquire(dir, || {
        observer.on_event(&FetchEvent::WaitingForLock { dir })
    })
    .map_err(io_err(&dir.join(cache::LOCK_FILE)))?;
    let removed_partials = cache::remove_stale_partials(dir).map_err(io_err(dir))?;
    for path in &removed_partials {
        observer.on_event(&FetchEvent::RemovedStale { path });
    }

    let mut sources: Vec<(String, Result<Source, FailureReason>)> = options
        .mirrors
        .iter()
        .chain(
            catalog
                .builtin_mirrors
                .iter()
                .filter(|_| options.use_builtin_mirrors),
        )
        .map(|m| {
            let parsed = Source::parse(m).map_err(|e| FailureReason::InvalidSource(e.to_string()));
            (m.trim().to_owned(), parsed)
        })
        .collect();
    let agent = Http::new(options);

    let mut files = Vec::with_capacity(catalog.files.len());
    for spec in &catalog.files {
        let path = dir.join(&spec.name);
        let mut problem = None;
        if !options.force && path.exists() {
            match verify::check_file(&path, spec) {
                Ok(Ok(())) => {
                    observer.on_event(&FetchEvent::AlreadyVerified {
                        file: spec,
                        path: &path,
                    });
                    files.push(FileReport {
                        name: spec.name.clone(),
                        path,
                        size: spec.size,
                        sha256: spec.sha256,
                        outcome: FileOutcome::AlreadyVerified,
                    });
                    continue;
                }
                Ok(Err(mismatch)) => {
                    let reason = mismatch_reason(spec, mismatch);
                    observer.on_event(&FetchEvent::CorruptCached {
                        file: spec,
                        path: &path,
                        problem: &reason,
                    });
                    problem = Some(reason);
                }
                Err(e) => {
                    let reason = FailureReason::Io(e.to_string());
                    observer.on_event(&FetchEvent::CorruptCached {
                        file: spec,
                        path: &path,
                        problem: &reason,
                    });
                    problem = Some(reason);
                }
            }
            // A corrupt file is worthless and must never be trusted later: delete it now.
            remove_if_present(&path).map_err(io_err(&path))?;
        }
        if sources.is_empty() && local_copy(dir, spec).is_none() {
            return Err(FetchError::NoSources {
                file: spec.name.clone(),
            });
        }
        let mut failures = Vec::new();
        let mut installed_from = None;
        // A `.gz` or dotted-name copy already in the target directory is the first source.
        if local_copy(dir, spec).is_some() {
            let label = format!("{} (already there)", dir.display());
            observer.on_event(&FetchEvent::Trying {
                file: spec,
                source: &label,
            });
            match fetch_one(
                &Source::Dir(dir.to_path_buf()),
                spec,
                dir,
                &path,
                &agent,
                observer,
            ) {
                Ok(()) => {
                    observer.on_event(&FetchEvent::Installed {
                        file: spec,
                        source: &label,
                        path: &path,
                    });
                    installed_from = Some(label);
                }
                Err(reason) => {
                    let failure = SourceFailure {
                        source: label,
                        reason,
                    };
                    observer.on_event(&FetchEvent::SourceFailed {
                        file: spec,
                        failure: &failure,
                    });
                    failures.push(failure);
                }
            }
        }
        for (label, source) in sources.iter_mut().filter(|_| installed_from.is_none()) {
            let result = match source {
                Ok(source) => {
                    observer.on_event(&FetchEvent::Trying {
                        file: spec,
                        source: label,
                    });
                    fetch_one(source, spec, dir, &path, &agent, observer)
                }
                Err(dead) => Err(dead.clone()),
            };
            match result {
                Ok(()) => {
                    observer.on_event(&FetchEvent::Installed {
                        file: spec,
                        source: label,
                        path: &path,
                    });
                    installed_from = Some(label.clone());
                    break;
                }
                Err(reason) => {
                    let failure = SourceFailure {
                        source: label.clone(),
                        reason,
                    };
                    observer.on_event(&FetchEvent::SourceFailed {
                        file: spec,
                        failure: &failure,
                    });
                    if failure.reason.source_is_dead() && source.is_ok() {
                        // Do not wait for the same timeout once per file.
                        *source = Err(failure.reason.clone());
                    }
                    failures.push(failure);
                }
            }
        }
        let Some(source) = installed_from else {
            return Err(FetchError::AllSourcesFailed {
                file: spec.name.clone(),
                failures,
            });
        };
        let outcome = match problem {
            Some(problem) => FileOutcome::Replaced { source, problem },
            None => FileOutcome::Downloaded { source },
        };
        files.push(FileReport {
            name: spec.name.clone(),
            path,
            size: spec.size,
            sha256: spec.sha256,
            outcome,
        });
    }
    Ok(FetchReport {
        dir: dir.to_path_buf(),
        files,
        removed_partials,
    })
}

/// A copy of the file in the target directory under another name variant (e.g. `.gz`).
fn local_copy(dir: &Path, spec: &FileSpec) -> Option<PathBuf> {
    spec.name_variants()
        .iter()
        .skip(1)
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

fn mismatch_reason(spec: &FileSpec, mismatch: Mismatch) -> FailureReason {
    match mismatch {
        Mismatch::Size { actual } => FailureReason::WrongSize {
            expected: spec.size,
            actual,
        },
        Mismatch::Hash { actual } => FailureReason::HashMismatch {
            expected: spec.sha256,
            actual,
        },
    }
}

/// The cap on bytes accepted from a source: gzip never grows data by more than a few
/// hundredths of a percent, so an eighth more than the decompressed size plus 64 KiB is well
/// above any honest file and far below a runaway one.
pub fn size_cap(spec: &FileSpec) -> u64 {
    spec.size
        .saturating_add(spec.size / 8)
        .saturating_add(64 << 10)
}

/// Gets one file from one source into place, or says why not. Leaves no temporary file.
fn fetch_one(
    source: &Source,
    spec: &FileSpec,
    dir: &Path,
    target: &Path,
    http: &Http,
    observer: &mut dyn FetchObserver,
) -> Result<(), FailureReason> {
    let cap = size_cap(spec);
    match source {
        Source::Dir(src_dir) => {
            let (found, tried) = if src_dir == dir {
                // The target directory itself: never its own standard file, which is what is
                // being replaced.
                (local_copy(dir, spec), spec.name_variants().split_off(1))
            } else {
                verify::find_variant(src_dir, spec)
            };
            let path = found.ok_or(FailureReason::Missing { tried })?;
            let file = File::open(&path)
                .map_err(|e| FailureReason::Io(format!("{}: {e}", path.display())))?;
            let total = file.metadata().ok().map(|m| m.len());
            if let Some(size) = total.filter(|&size| size > cap) {
                return Err(FailureReason::TooLarge {
                    limit: cap,
                    announced: Some(size),
                });
            }
            let mut tracked = Tracked::new(file, total, cap, spec, observer);
            stream_into_place(&mut tracked, spec, dir, target)
        }
        Source::Http(base) => {
            let (reader, total) = http.open(source, base, spec, cap)?;
            let mut tracked = Tracked::new(reader, total, cap, spec, observer);
            stream_into_place(&mut tracked, spec, dir, target)
        }
    }
}

/// The raw source stream: counts bytes, reports progress, enforces the cap and remembers the
/// transport's failure so it is not mistaken for a decompression error.
struct Tracked<'o, R> {
    inner: R,
    received: u64,
    total: Option<u64>,
    cap: u64,
    spec: &'o FileSpec,
    observer: &'o mut dyn FetchObserver,
    failure: Option<FailureReason>,
    reported: u64,
}

impl<'o, R: Read> Tracked<'o, R> {
    fn new(
        inner: R,
        total: Option<u64>,
        cap: u64,
        spec: &'o FileSpec,
        observer: &'o mut dyn FetchObserver,
    ) -> Self {
        observer.on_event(&FetchEvent::Progress {
            file: spec,
            bytes: 0,
            total,
        });
        Tracked {
            inner,
            received: 0,
            total,
            cap,
            spec,
            observer,
            failure: None,
            reported: 0,
        }
    }
}

impl<R: Read> Read for Tracked<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.received += n as u64;
                if self.received > self.cap {
                    let reason = FailureReason::TooLarge {
                        limit: self.cap,
                        announced: None,
                    };
                    self.failure = Some(reason);
                    return Err(io::Error::other("size cap exceeded"));
                }
                if let Some(expected) = self.total.filter(|&t| n == 0 && self.received < t) {
                    self.failure = Some(FailureReason::Truncated {
                        received: self.received,
                        expected: Some(expected),
                    });
                    return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
                }
                // Report at most every 64 KiB, and at the end.
                if n == 0 || self.received - self.reported >= 64 << 10 {
                    self.reported = self.received;
                    self.observer.on_event(&FetchEvent::Progress {
                        file: self.spec,
                        bytes: self.received,
                        total: self.total,
                    });
                }
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let reason = http::classify_read_error(e, self.received, self.total);
                let message = reason.to_string();
                self.failure = Some(reason);
                Err(io::Error::other(message))
            }
        }
    }
}

/// Sniffs, decompresses, writes to a temporary file while hashing, verifies, installs.
fn stream_into_place<R: Read>(
    tracked: &mut Tracked<'_, R>,
    spec: &FileSpec,
    dir: &Path,
    target: &Path,
) -> Result<(), FailureReason> {
    let local = |e: io::Error| FailureReason::Io(e.to_string());
    let transport_or = |tracked: &mut Tracked<'_, R>, e: io::Error, decoding: bool| {
        tracked.failure.take().unwrap_or_else(|| {
            if decoding {
                FailureReason::CorruptGzip(e.to_string())
            } else {
                FailureReason::Network(e.to_string())
            }
        })
    };
    let prefix = match verify::read_prefix(tracked, 512) {
        Ok(prefix) => prefix,
        Err(e) => return Err(transport_or(tracked, e, false)),
    };
    let kind = verify::sniff(&prefix);
    let start = io::Cursor::new(prefix.clone()).chain(&mut *tracked);
    let mut decoded: Box<dyn Read + '_> = match kind {
        Sniffed::Gzip => Box::new(MultiGzDecoder::new(start)),
        // A server that applied Content-Encoding: gzip has been decoded by the client already.
        Sniffed::Idx => Box::new(start),
        Sniffed::Html | Sniffed::Other => {
            let start = prefix
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ");
            return Err(FailureReason::NotGzip {
                html: kind == Sniffed::Html,
                start,
            });
        }
    };

    let mut partial = cache::new_partial(dir, &spec.name).map_err(local)?;
    let mut hasher = sha2::Sha256::new();
    let mut written = 0u64;
    let mut buf = vec![0u8; 256 << 10];
    let outcome = loop {
        let n = match decoded.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(e),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        written += n as u64;
        if written > spec.size {
            drop(decoded);
            return Err(FailureReason::WrongSize {
                expected: spec.size,
                actual: written,
            });
        }
        hasher.update(chunk);
        partial.write_all(chunk).map_err(local)?;
    };
    drop(decoded);
    if let Err(e) = outcome {
        return Err(transport_or(tracked, e, kind == Sniffed::Gzip));
    }
    if let Some(failure) = tracked.failure.take() {
        return Err(failure);
    }
    if written != spec.size {
        return Err(FailureReason::WrongSize {
            expected: spec.size,
            actual: written,
        });
    }
    let actual = Sha256(hasher.finalize().into());
    if actual != spec.sha256 {
        return Err(FailureReason::HashMismatch {
            expected: spec.sha256,
            actual,
        });
    }
    cache::install(partial, target).map_err(local)
}
