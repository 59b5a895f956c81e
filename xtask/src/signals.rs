//! Ctrl-C and SIGTERM: the first asks the work to stop at its next boundary (an epoch) and tidy
//! up; a second of the same kind ends the process at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The stop request of this process's work, set by SIGINT or SIGTERM.
pub struct StopSignal {
    stop: Arc<AtomicBool>,
    signal: Arc<AtomicUsize>,
}

impl StopSignal {
    /// Installs the handlers (on Unix; elsewhere the default behaviour stays: the process ends).
    pub fn install() -> Self {
        let handler = Self {
            stop: Arc::new(AtomicBool::new(false)),
            signal: Arc::new(AtomicUsize::new(0)),
        };
        #[cfg(unix)]
        handler.register();
        handler
    }

    #[cfg(unix)]
    fn register(&self) {
        use signal_hook::consts::{SIGINT, SIGTERM};
        use signal_hook::flag;
        for signal in [SIGINT, SIGTERM] {
            // The shutdown goes first, so it only fires once the flag is already set.
            let registered =
                flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&self.stop))
                    .and_then(|_| flag::register(signal, Arc::clone(&self.stop)))
                    .and_then(|_| {
                        flag::register_usize(signal, Arc::clone(&self.signal), signal as usize)
                    });
            if let Err(error) = registered {
                eprintln!(
                    "warning: cannot handle signal {signal} ({error}); it will end the process at once"
                );
            }
        }
    }

    /// The flag the work polls.
    pub fn flag(&self) -> &AtomicBool {
        &self.stop
    }

    /// The exit status for a stop: 130 after SIGINT, 143 after SIGTERM; `None` if no signal came.
    pub fn exit_status(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            signal => Some(128 + signal as i32),
        }
    }
}
