//! What every request shares: the engine over the index, opened again when another process
//! (`warta index`) commits, and the budget each request runs within.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::Semaphore;
use warta::search::Engine;

use super::error::ApiError;

/// How long one request may run before it is answered with 503.
const TIME_BUDGET: Duration = Duration::from_secs(10);

/// The shared state of the server.
pub struct State {
    /// The index directory.
    dir: PathBuf,
    /// `--log`.
    pub log: bool,
    /// The engine, with the commit it was opened at; `None` until an index exists.
    opened: Mutex<Option<Opened>>,
    /// Searches are CPU work: at most this many run at once, the others wait their turn
    /// (within their time budget) rather than crowd the cores.
    running: Arc<Semaphore>,
    /// The cores of the machine: the most threads one request may search on.
    pub cores: usize,
}

/// An engine and the commit it reads.
struct Opened {
    commit: Commit,
    engine: Engine,
}

/// What identifies a commit of the index from outside: each commit writes a new `meta.json`
/// (a new file put in place of the old), so its inode, length and time change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Commit {
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
}

impl Commit {
    /// The last commit in `dir`, or `None` when it holds no index.
    fn of(dir: &Path) -> Option<Commit> {
        let meta = std::fs::metadata(dir.join("meta.json")).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        Some(Commit {
            inode,
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

impl State {
    /// The state of a server over the index in `dir` (which may not exist yet).
    pub fn new(dir: PathBuf, log: bool) -> State {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        State {
            dir,
            log,
            opened: Mutex::new(None),
            running: Arc::new(Semaphore::new(cores * 2)),
            cores,
        }
    }

    /// The engine at the index's last commit: the one already open, or a new one when the index
    /// changed since. Blocking (it may open the index): call it inside [`State::run`].
    fn engine(&self) -> Result<Engine, ApiError> {
        let Some(commit) = Commit::of(&self.dir) else {
            return Err(ApiError::NoIndex);
        };
        let mut opened = self.opened.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(o) = opened.as_ref().filter(|o| o.commit == commit) {
            return Ok(o.engine.clone());
        }
        let engine = Engine::open(&self.dir)?.verified()?;
        *opened = Some(Opened {
            commit,
            engine: engine.clone(),
        });
        Ok(engine)
    }

    /// Runs `work` on the engine on a blocking thread, within the time budget: past it the
    /// request is answered with 503 (the work finishes in the background, holding its turn).
    pub async fn run<T, F>(self: &Arc<Self>, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
    {
        self.run_wide(1, work).await
    }

    /// As [`State::run`], for work that searches on `threads` threads of its own (at most
    /// [`State::cores`]): it waits for as many turns, so that the searches running at once stay
    /// bounded.
    pub async fn run_wide<T, F>(self: &Arc<Self>, threads: usize, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
    {
        let state = Arc::clone(self);
        let turns = threads.clamp(1, self.cores) as u32;
        let task = async move {
            let turn = Arc::clone(&state.running)
                .acquire_many_owned(turns)
                .await
                .map_err(|_| ApiError::Internal)?;
            let done = tokio::task::spawn_blocking(move || {
                let _turn = turn;
                work(&state.engine()?)
            });
            // A panic in a search is answered as an internal error; the server goes on.
            done.await.map_err(|_| ApiError::Internal)?
        };
        tokio::time::timeout(TIME_BUDGET, task)
            .await
            .map_err(|_| ApiError::OverBudget)?
    }
}
