//! SIGINT (Ctrl-C) and SIGTERM (what `timeout`, systemd and container runtimes send) while the
//! index is written: either asks the run to stop and commit what is done, and the process then
//! exits with the shell's code for that signal (130 or 143). A second signal ends the process at
//! once, as an impatient user means it; the last commit stays whole.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use warta::index::{Phase, Progress};
use warta::report::Problem;

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

/// The environment variable that makes an index run wait at one moment for a signal, so that
/// tests can send theirs at known moments of a run rather than after sleeps that race.
pub const PAUSE_AT: &str = "WARTA_PAUSE_AT";
/// How long a paused run waits for its signal before it goes on.
const PAUSE_FOR: Duration = Duration::from_secs(60);

/// A progress that passes everything on to another and, when [`PAUSE_AT`] names a moment
/// (a [`Phase`] by its name, `plan` when the plan is made, `read:N` after the Nth file read,
/// `final-commit` before the last commit), stops there: it says
/// `warta: paused at MOMENT` on stderr and waits until a signal has come (or [`PAUSE_FOR`]).
pub struct Pausing<'a> {
    inner: &'a dyn Progress,
    at: Option<String>,
    read: AtomicU64,
}

impl<'a> Pausing<'a> {
    /// Tells `inner` everything, pausing where the environment asks.
    pub fn new(inner: &'a dyn Progress) -> Pausing<'a> {
        let at = std::env::var(PAUSE_AT).ok().filter(|at| !at.is_empty());
        Pausing {
            inner,
            at,
            read: AtomicU64::new(0),
        }
    }

    fn pause_if_at(&self, moment: &str) {
        if self.at.as_deref() != Some(moment) {
            return;
        }
        eprintln!("warta: paused at {moment}");
        let started = Instant::now();
        while !STOP.load(Ordering::SeqCst) && started.elapsed() < PAUSE_FOR {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Progress for Pausing<'_> {
    fn phase(&self, phase: Phase) {
        self.inner.phase(phase);
        self.pause_if_at(phase.name());
    }

    fn walking(&self, files: u64) {
        self.inner.walking(files);
    }

    fn start(&self, files: u64, bytes: u64) {
        self.inner.start(files, bytes);
        self.pause_if_at("plan");
    }

    fn advance(&self, bytes: u64) {
        self.inner.advance(bytes);
        if self.at.is_some() {
            let read = self.read.fetch_add(1, Ordering::SeqCst) + 1;
            self.pause_if_at(&format!("read:{read}"));
        }
    }

    fn problem(&self, problem: &Problem) {
        self.inner.problem(problem);
    }

    fn finish(&self) {
        self.inner.finish();
        self.pause_if_at("final-commit");
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
