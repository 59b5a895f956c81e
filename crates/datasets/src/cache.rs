//! The cache directory: an exclusive lock per directory, recognisable temporary files that
//! vanish on every error path, stale-leftover cleanup, and fsync + atomic rename into place.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The prefix of every temporary file: `.partial-<name>-<random>`.
pub const PARTIAL_PREFIX: &str = ".partial-";

/// The lock file that serialises fetches into one directory. It is never deleted (deleting
/// lock files reintroduces the races they prevent); it holds no data.
pub const LOCK_FILE: &str = ".fetch.lock";

/// An exclusive advisory lock on a cache directory, released on drop (and by the kernel when
/// the process dies, even by SIGKILL).
#[derive(Debug)]
pub(crate) struct DirLock {
    _file: File,
}

impl DirLock {
    /// Takes the lock, calling `waiting` once if another process holds it and then blocking.
    /// File systems without locking support are used unlocked.
    pub(crate) fn acquire(dir: &Path, waiting: impl FnOnce()) -> io::Result<DirLock> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                waiting();
                lock_or_unsupported(&file)?;
            }
            Err(TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {}
            Err(TryLockError::Error(e)) => return Err(e),
        }
        Ok(DirLock { _file: file })
    }
}

fn lock_or_unsupported(file: &File) -> io::Result<()> {
    match file.lock() {
        Err(e) if e.kind() == io::ErrorKind::Unsupported => Ok(()),
        other => other,
    }
}

/// Deletes `.partial-*` files left by a killed run. Only called under the [`DirLock`], so no
/// live download can own them.
pub(crate) fn remove_stale_partials(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let is_partial = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(PARTIAL_PREFIX));
        if is_partial && entry.file_type()?.is_file() {
            let path = entry.path();
            match fs::remove_file(&path) {
                Ok(()) => removed.push(path),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}

/// A new temporary file `dir/.partial-<name>-<random>`, deleted when dropped unless installed.
pub(crate) fn new_partial(dir: &Path, name: &str) -> io::Result<NamedTempFile> {
    let prefix = format!("{PARTIAL_PREFIX}{name}-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(dir)
}

/// Flushes the temporary file to disk, renames it atomically onto `target` and flushes the
/// directory entry. On error the temporary file is removed.
pub(crate) fn install(partial: NamedTempFile, target: &Path) -> io::Result<()> {
    partial.as_file().sync_all()?;
    partial.persist(target).map_err(|e| e.error)?;
    if let Some(dir) = target.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// Makes a rename durable. Best effort: not every platform can open a directory.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
