//! The results directory: the name of each run's files, how they are written (whole or not at
//! all), who may write them (one run per name), and the runs already there.

use crate::summary::RunSummary;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// A run's name: the base of its files. Letters, digits, `-`, `_` and `.`, not starting with a
/// dot, at most 120 characters — so it can never name a path outside the results directory.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunName(String);

impl RunName {
    /// The name `text`, if it is a valid one.
    pub fn new(text: &str) -> Result<Self, String> {
        let valid = !text.is_empty()
            && text.len() <= 120
            && !text.starts_with('.')
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if valid {
            Ok(Self(text.to_string()))
        } else {
            Err(format!(
                "{text:?} is not a run name: use up to 120 letters, digits, '-', '_' and '.', not starting with '.'"
            ))
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RunName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for RunName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::new(text)
    }
}

/// The files of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunFiles {
    /// Per-epoch `epoch,train_loss,train_acc,test_acc`, appended as each epoch ends.
    pub csv: PathBuf,
    /// The summary: configuration, status, data hashes, final accuracies.
    pub json: PathBuf,
    /// Train and test accuracy against epochs.
    pub svg: PathBuf,
}

/// What can go wrong with the results directory.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// A file or directory could not be created, read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The failure.
        source: io::Error,
    },
    /// Another run (this process or another) is writing files of the same name.
    #[error(
        "another run{} is writing the results named {name} in {}: wait for it to finish or choose another name",
        pid.map_or_else(String::new, |pid| format!(" (process {pid})")),
        dir.display()
    )]
    Busy {
        /// The contested name.
        name: RunName,
        /// The results directory.
        dir: PathBuf,
        /// The process holding the name, when it could be read.
        pid: Option<u32>,
    },
}

/// The directory runs write their files to (`results/` of the workspace).
#[derive(Clone, Debug)]
pub struct ResultsDir {
    path: PathBuf,
}

/// Where the per-name locks live, inside the results directory.
const LOCK_DIR: &str = ".locks";

impl ResultsDir {
    /// The results directory at `path` (created when a run claims a name).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The files a run named `name` writes.
    pub fn files(&self, name: &RunName) -> RunFiles {
        let file = |extension: &str| self.path.join(format!("{name}.{extension}"));
        RunFiles {
            csv: file("csv"),
            json: file("json"),
            svg: file("svg"),
        }
    }

    /// Claims `name` for this run until the returned lock is dropped; fails at once, naming the
    /// holder's process, if another run holds it. The operating system releases the lock when
    /// the process ends, however it ends, so a killed run never leaves a name stuck; a lock
    /// dropped normally also removes its file (on Unix), so no lock files pile up.
    pub fn lock(&self, name: &RunName) -> Result<NameLock, ResultsError> {
        let dir = self.path.join(LOCK_DIR);
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ResultsError::Io { path, source }
        };
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let path = dir.join(format!("{name}.lock"));
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_error(&path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(ResultsError::Busy {
                        name: name.clone(),
                        dir: self.path.clone(),
                        pid: read_pid(&mut file),
                    });
                }
                // File systems without locks: run unprotected rather than not at all.
                Err(TryLockError::Error(error)) if error.kind() == io::ErrorKind::Unsupported => {}
                Err(TryLockError::Error(error)) => return Err(io_error(&path)(error)),
            }
            // The holder before us removes the file while it still holds the lock: if it did
            // so after we opened it, our lock is on a file no one else will find. Start again.
            if !is_same_file(&file, &path) {
                continue;
            }
            write_pid(&mut file).map_err(io_error(&path))?;
            return Ok(NameLock { file, path });
        }
    }

    /// Every run with a readable summary here, by name.
    pub fn runs(&self) -> Vec<(RunName, RunSummary)> {
        let Ok(entries) = fs::read_dir(&self.path) else {
            return Vec::new();
        };
        let mut runs: Vec<(RunName, RunSummary)> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let file_name = entry.file_name();
                let stem = file_name.to_str()?.strip_suffix(".json")?;
                let name = RunName::new(stem).ok()?;
                let summary = RunSummary::read(&entry.path()).ok()?;
                Some((name, summary))
            })
            .collect();
        runs.sort_by(|a, b| a.0.cmp(&b.0));
        runs
    }
}

/// A claimed run name, released on drop.
#[derive(Debug)]
pub struct NameLock {
    file: File,
    path: PathBuf,
}

impl Drop for NameLock {
    /// Removes the lock file while the lock is still held (the file closes after this), so
    /// whoever opened it meanwhile sees it gone once it gets the lock, and tries again.
    fn drop(&mut self) {
        if cfg!(unix) && is_same_file(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Whether `path` still names the open `file` (always true where this cannot be told).
fn is_same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::metadata(path)) {
            (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

fn write_pid(file: &mut File) -> io::Result<()> {
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "{}", std::process::id())?;
    file.flush()
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file beside it, synced, then
/// renamed over it, so no reader (and no crash) ever sees half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".partial-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_leave_the_directory() {
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            ".hidden",
            "a b",
            "x\0",
            &"n".repeat(121),
        ] {
            assert!(RunName::new(bad).is_err(), "{bad:?}");
        }
        for good in ["dropout0.2-seed0", "a_b.c", "E1"] {
            assert_eq!(RunName::new(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn a_name_is_held_by_one_run_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let results = ResultsDir::new(dir.path().join("results"));
        let name = RunName::new("run").unwrap();
        let held = results.lock(&name).unwrap();
        match results.lock(&name) {
            Err(ResultsError::Busy { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Busy, got {other:?}"),
        }
        assert!(results.lock(&RunName::new("other").unwrap()).is_ok());
        drop(held);
        assert!(results.lock(&name).is_ok(), "a released name is free again");
    }

    #[cfg(unix)]
    #[test]
    fn a_released_lock_leaves_no_file_even_one_found_stale() {
        let dir = tempfile::tempdir().unwrap();
        let results = ResultsDir::new(dir.path());
        let name = RunName::new("run").unwrap();
        let file = dir.path().join(LOCK_DIR).join("run.lock");
        let held = results.lock(&name).unwrap();
        assert!(file.is_file(), "the holder's file names its process");
        drop(held);
        assert!(!file.exists(), "released, the file is gone");
        fs::write(&file, "12345\n").unwrap(); // left by a killed process
        drop(results.lock(&name).unwrap());
        assert!(!file.exists(), "a stale file is taken over, then removed");
    }

    #[test]
    fn atomic_writes_replace_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left");
        let missing = dir.path().join("no-such-dir").join("a.json");
        assert!(write_atomically(&missing, b"x").is_err());
    }
}
