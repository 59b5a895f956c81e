//! The thread pool every computation of the package runs on: sized by `set_num_threads`, and
//! rebuilt in a child process after `fork` (rayon's global pool would wait forever for worker
//! threads that `fork` did not copy).

use std::sync::{Arc, Mutex, PoisonError};

/// Why a pool could not be built.
#[derive(Debug, thiserror::Error)]
#[error("could not start a pool of {threads} threads")]
pub struct PoolError {
    /// Threads asked for.
    pub threads: usize,
    /// rayon's reason.
    #[source]
    pub source: rayon::ThreadPoolBuildError,
}

/// The pool of this process, with the process id that built it.
struct Current {
    pid: u32,
    threads: usize,
    pool: Arc<rayon::ThreadPool>,
}

static CURRENT: Mutex<Option<Current>> = Mutex::new(None);

/// Threads a new pool gets: the last `set_num_threads`, else the machine's cores.
static REQUESTED: Mutex<Option<usize>> = Mutex::new(None);

/// Uses `threads` workers from now on (`0` = the machine's cores).
pub fn set_num_threads(threads: usize) {
    *REQUESTED.lock().unwrap_or_else(PoisonError::into_inner) = (threads > 0).then_some(threads);
    let mut current = CURRENT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(old) = current.take() {
        forget_if_forked(old);
    }
}

/// The number of workers the pool has or will have.
pub fn num_threads() -> usize {
    REQUESTED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(1)
        })
}

/// Runs `work` on this process's pool, building it first if needed.
pub fn install<R: Send>(work: impl FnOnce() -> R + Send) -> Result<R, PoolError> {
    Ok(pool()?.install(work))
}

/// This process's pool; a pool inherited through `fork` is abandoned, not used.
fn pool() -> Result<Arc<rayon::ThreadPool>, PoolError> {
    let mut current = CURRENT.lock().unwrap_or_else(PoisonError::into_inner);
    let pid = std::process::id();
    let threads = num_threads();
    if let Some(existing) = current.as_ref()
        && existing.pid == pid
        && existing.threads == threads
    {
        return Ok(Arc::clone(&existing.pool));
    }
    if let Some(old) = current.take() {
        forget_if_forked(old);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map(Arc::new)
        .map_err(|source| PoolError { threads, source })?;
    *current = Some(Current {
        pid,
        threads,
        pool: Arc::clone(&pool),
    });
    Ok(pool)
}

/// Drops a pool of this process; leaks one inherited through `fork`, whose threads are gone
/// (dropping it would signal workers that do not exist).
fn forget_if_forked(old: Current) {
    if old.pid != std::process::id() {
        std::mem::forget(old.pool);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_runs_on_the_requested_number_of_threads() {
        set_num_threads(3);
        assert_eq!(num_threads(), 3);
        assert_eq!(install(rayon::current_num_threads).ok(), Some(3));
        set_num_threads(1);
        assert_eq!(install(rayon::current_num_threads).ok(), Some(1));
        set_num_threads(0);
        assert!(num_threads() >= 1);
    }
}
