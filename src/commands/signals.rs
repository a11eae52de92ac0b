//! SIGINT (Ctrl-C) and SIGTERM (what `timeout`, systemd and container runtimes send) while the
//! index is written: either asks the run to stop and commit what is done, and the process then
//! exits with the shell's code for that signal (130 or 143). A second signal ends the process at
//! once, as an impatient user means it; the last commit stays whole.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use crate::exit_codes::ExitCode;

/// Set by the first signal: the index run stops at its next check.
static STOP: AtomicBool = AtomicBool::new(false);
/// The first signal received, 0 before one is.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

const CAUGHT: [libc::c_int; 2] = [libc::SIGINT, libc::SIGTERM];

/// Only async-signal-safe work here: two atomic stores, or `_exit` on a second signal.
extern "C" fn on_signal(signal: libc::c_int) {
    if STOP.swap(true, Ordering::SeqCst) {
        // SAFETY: `_exit` is async-signal-safe and ends the process without unwinding.
        unsafe { libc::_exit(128 + signal) };
    }
    SIGNAL.store(signal, Ordering::SeqCst);
}

/// SIGINT and SIGTERM caught while this lives; their default actions are back once it is
/// dropped (so that a `search` that indexed first can be stopped as usual afterwards).
pub struct Caught(());

impl Caught {
    /// Starts catching SIGINT and SIGTERM.
    pub fn install() -> Caught {
        STOP.store(false, Ordering::SeqCst);
        SIGNAL.store(0, Ordering::SeqCst);
        set_handlers(on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t);
        Caught(())
    }

    /// The flag the index run watches.
    pub fn stop(&self) -> &'static AtomicBool {
        &STOP
    }
}

impl Drop for Caught {
    fn drop(&mut self) {
        set_handlers(libc::SIG_DFL);
    }
}

fn set_handlers(handler: libc::sighandler_t) {
    for signal in CAUGHT {
        // SAFETY: a zeroed sigaction is valid (no flags, empty mask); the handler only touches
        // atomics or calls `_exit`.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = handler;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// How the process should end for the signal received during the last run, if one was:
/// `Interrupted` (130) for SIGINT, `Terminated` (143) for SIGTERM.
pub fn received() -> Option<ExitCode> {
    match SIGNAL.load(Ordering::SeqCst) {
        libc::SIGINT => Some(ExitCode::Interrupted),
        libc::SIGTERM => Some(ExitCode::Terminated),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_signal_ends_with_its_own_code() {
        let caught = Caught::install();
        assert_eq!(received(), None);
        // SAFETY: raising a signal that is caught runs the handler on this thread.
        unsafe { libc::raise(libc::SIGTERM) };
        assert!(caught.stop().load(Ordering::SeqCst));
        assert_eq!(received(), Some(ExitCode::Terminated));
        drop(caught);

        let _caught = Caught::install();
        assert_eq!(received(), None, "a new run starts afresh");
        // SAFETY: as above.
        unsafe { libc::raise(libc::SIGINT) };
        assert_eq!(received(), Some(ExitCode::Interrupted));
    }
}
