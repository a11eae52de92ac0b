//! `warta index --watch`: after a first run, follows the roots with notify (inotify, or polling
//! when inotify runs out of watches or is asked against) and runs the index again on the paths
//! that changed, in batches.
//!
//! Events pass notify's debouncer, then land in one bounded queue of changed paths (canonical,
//! each once). A batch is taken once no event came for a short while (or the first of them has
//! waited long enough); a file still open for writing (created or written, not yet closed) stays
//! queued, and what is taken is checked twice across a short interval: a path whose size or
//! mtime moved goes back to the queue. The batch is then an ordinary incremental run limited to
//! those paths ([`IndexOptions::within`]): the plan decides what was added, changed and removed
//! from the files' stamps, as for any run. An overflowing queue, a lost event (notify's
//! `Rescan`) or a watch error makes the next batch a run over the whole roots instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, ModifyKind};
use notify_debouncer_full::notify::{
    self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, NoCache};
use tantivy::Index;

use super::{run_index, IndexOptions, Progress};
use crate::error::{Error, Result};
use crate::ingest::kind_of;
use crate::report::IndexReport;

/// How long an event waits in the debouncer (which merges the events of one path meanwhile).
const DEBOUNCE: Duration = Duration::from_millis(500);
/// How often the watch looks at its queue.
const TICK: Duration = Duration::from_millis(100);
/// A batch is taken once no event came for this long...
const QUIET: Duration = Duration::from_millis(150);
/// ...or once its first event has waited this long, so a steady stream still commits.
const MAX_DELAY: Duration = Duration::from_millis(1500);
/// The interval across which a batch's paths must keep their size and mtime.
const SETTLE: Duration = Duration::from_millis(150);
/// A file left open for writing with no event for this long is read all the same (a log that
/// is never closed, a file written through a memory map).
const WRITING_QUIET: Duration = Duration::from_secs(5);
/// Paths queued at most: beyond, the queue is dropped and the next batch rescans the roots.
pub const MAX_QUEUED: usize = 50_000;
/// How often the polling watcher looks at the files.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// What a watch tells its caller, besides an index run's progress.
pub trait WatchProgress: Progress {
    /// The watch is (again) following its roots; `how` is "inotify" or "polling".
    fn watching(&self, _how: &str) {}
    /// A batch of `paths` changed paths is about to be read; `None` for a rescan of the roots.
    fn batch(&self, _paths: Option<usize>) {}
    /// A run was committed: what it did, and the articles the index now holds.
    fn committed(&self, _report: &IndexReport, _articles: u64) {}
    /// Something the user should know (a fall back to polling, a watch error, a rescan).
    fn notice(&self, _text: &str) {}
}

/// A path waiting in the queue.
#[derive(Debug, Clone, Copy)]
struct Pending {
    /// Created or written and not closed since (inotify only): still being written.
    writing: bool,
    /// Its last event.
    last: Instant,
}

/// The changed paths waiting for a batch, filled by the debouncer's thread.
#[derive(Debug, Default)]
struct Queue {
    pending: BTreeMap<PathBuf, Pending>,
    /// The next batch runs over the whole roots.
    rescan: bool,
    /// The last event queued, and the first since the queue was last taken.
    last_event: Option<Instant>,
    first_event: Option<Instant>,
    /// Watch errors to tell (a few at most), and whether inotify ran out of watches.
    errors: Vec<String>,
    out_of_watches: bool,
}

impl Queue {
    /// Queues `path`; an event that is a write marks it as being written, a close as done.
    fn push(&mut self, path: PathBuf, writes: bool, closes: bool, now: Instant) {
        if self.pending.len() >= MAX_QUEUED && !self.pending.contains_key(&path) {
            // The rescan finds whatever the dropped paths held.
            self.pending.clear();
            self.rescan = true;
        }
        let entry = self.pending.entry(path).or_insert(Pending {
            writing: false,
            last: now,
        });
        entry.last = now;
        if writes {
            entry.writing = true;
        }
        if closes {
            entry.writing = false;
        }
        self.last_event = Some(now);
        self.first_event.get_or_insert(now);
    }

    /// The paths ready for a batch, taken from the queue (none until the events have paused);
    /// `Some(empty)` for a rescan.
    fn take(&mut self, now: Instant) -> Option<Vec<PathBuf>> {
        let since = |t: Option<Instant>| t.map_or(Duration::ZERO, |t| now - t);
        let paused = since(self.last_event) >= QUIET || since(self.first_event) >= MAX_DELAY;
        if !paused || (self.pending.is_empty() && !self.rescan) {
            return None;
        }
        if self.rescan {
            self.rescan = false;
            self.pending.clear();
            self.first_event = None;
            return Some(Vec::new());
        }
        let ready = |p: &Pending| !p.writing || now - p.last >= WRITING_QUIET;
        let taken: Vec<PathBuf> = self
            .pending
            .iter()
            .filter(|(_, p)| ready(p))
            .map(|(path, _)| path.clone())
            .collect();
        for path in &taken {
            self.pending.remove(path);
        }
        self.first_event = (!self.pending.is_empty()).then_some(now);
        (!taken.is_empty()).then_some(taken)
    }
}

/// Which events matter, and the path each one names as the queue keeps it.
#[derive(Clone)]
struct Filter {
    /// The roots (canonical), each with whether it is a folder.
    roots: Vec<(PathBuf, bool)>,
    /// The index's own folder, written by every commit.
    index_dir: PathBuf,
    /// Whether the watcher reports closes (inotify does, polling cannot).
    tracks_close: bool,
}

impl Filter {
    /// The queue's form of `path`: canonical (as far as it exists), under a root, not hidden
    /// below it (the walk passes such files over), not in the index, and either gone (it may
    /// have held files), a folder, or a file of a format warta reads.
    fn queued(&self, path: &Path) -> Option<PathBuf> {
        let path = canonical_as_far_as_exists(path);
        if path.starts_with(&self.index_dir) {
            return None;
        }
        let (root, _) = self.roots.iter().find(|(root, is_dir)| {
            if *is_dir {
                path.starts_with(root)
            } else {
                path == *root
            }
        })?;
        let below = path.strip_prefix(root).ok()?;
        if below.components().any(|c| is_hidden(c.as_os_str())) {
            return None;
        }
        let wanted = match std::fs::metadata(&path) {
            Ok(meta) => meta.is_dir() || kind_of(&path).is_some(),
            // A temporary file that went (an editor's `foo.txt~`, a `.tmp`) held nothing;
            // a name without an extension may have been a folder.
            Err(_) => kind_of(&path).is_some() || path.extension().is_none(),
        };
        wanted.then_some(path)
    }

    /// Queues what `result` names.
    fn absorb(&self, queue: &Mutex<Queue>, result: DebounceEventResult) {
        let now = Instant::now();
        let mut queue = lock(queue);
        match result {
            Ok(events) => {
                for event in events {
                    if event.need_rescan() {
                        queue.rescan = true;
                        queue.last_event = Some(now);
                        queue.first_event.get_or_insert(now);
                        continue;
                    }
                    let (writes, closes) = match event.kind {
                        EventKind::Access(AccessKind::Close(AccessMode::Write)) => (false, true),
                        // Opening and reading (warta's own reads among them) change nothing.
                        EventKind::Access(_) | EventKind::Other => continue,
                        EventKind::Create(_)
                        | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) => {
                            (self.tracks_close, false)
                        }
                        _ => (false, false),
                    };
                    for path in &event.paths {
                        if let Some(path) = self.queued(path) {
                            // A folder is never "being written".
                            let writes = writes && !path.is_dir();
                            queue.push(path, writes, closes, now);
                        }
                    }
                }
            }
            Err(errors) => {
                for error in errors {
                    match error.kind {
                        // A folder that came and went before it could be watched.
                        notify::ErrorKind::PathNotFound => continue,
                        notify::ErrorKind::MaxFilesWatch => queue.out_of_watches = true,
                        _ if queue.errors.len() < 8 => queue.errors.push(error.to_string()),
                        _ => {}
                    }
                    queue.rescan = true;
                    queue.last_event = Some(now);
                    queue.first_event.get_or_insert(now);
                }
            }
        }
    }
}

/// The debouncer and the watcher under it, kept alive while the watch goes on.
struct Watching {
    _debouncer: Box<dyn Send>,
    polling: bool,
}

/// Indexes the files under `options.paths` as [`run_index`] does, then follows them and indexes
/// what changes, until `cancel` is set (a run under way commits what it read, as any run does).
/// `poll` watches by polling instead of inotify (for network file systems, where inotify sees
/// nothing); inotify falls back to polling by itself when it runs out of watches.
pub fn watch<P: WatchProgress>(
    options: &IndexOptions,
    poll: bool,
    progress: &P,
    cancel: &AtomicBool,
) -> Result<()> {
    let queue = Arc::new(Mutex::new(Queue::default()));
    // Watched before the first run, so that what changes meanwhile is queued.
    let mut roots = Vec::new();
    for path in &options.paths {
        if let Ok(root) = path.canonicalize() {
            roots.push((root.clone(), root.is_dir()));
        }
    }
    let mut watching = start(&roots, options, poll, &queue, progress)?;
    let report = run_index(&IndexOptions::clone(options), progress, cancel)?;
    committed(options, &report, progress)?;
    if report.interrupted {
        return Ok(());
    }
    while !cancel.load(Ordering::Relaxed) {
        std::thread::sleep(TICK);
        let (taken, errors, out_of_watches) = {
            let mut queue = lock(&queue);
            let taken = queue.take(Instant::now());
            let errors = std::mem::take(&mut queue.errors);
            (taken, errors, std::mem::take(&mut queue.out_of_watches))
        };
        for error in errors {
            progress.notice(&format!("watching: {error}; looking at every file again"));
        }
        if out_of_watches && !watching.polling {
            drop(watching);
            progress.notice(OUT_OF_WATCHES);
            watching = start(&roots, options, true, &queue, progress)?;
        }
        let Some(paths) = taken else { continue };
        let within = if paths.is_empty() {
            paths
        } else {
            let (steady, moving) = settle(paths);
            let mut queue = lock(&queue);
            for path in moving {
                queue.push(path, false, false, Instant::now());
            }
            if steady.is_empty() {
                continue;
            }
            steady
        };
        progress.batch((!within.is_empty()).then_some(within.len()));
        let batch = IndexOptions {
            paths: roots.iter().map(|(root, _)| root.clone()).collect(),
            within,
            rebuild: false,
            ..options.clone()
        };
        let result = run_index(&batch, progress, cancel);
        // What the run held (its writer's arenas, the plan) goes back to the system, so that a
        // watch of weeks keeps the footprint of one batch, not of the largest one.
        if let Some(release) = options.release_memory {
            release();
        }
        match result {
            Ok(report) => {
                // A batch of paths that held no articles (a temporary file come and gone) is
                // not worth a line.
                let changed = report.added + report.updated + report.removed + report.failed;
                if changed > 0 || report.interrupted {
                    committed(options, &report, progress)?;
                }
                if report.interrupted {
                    break;
                }
            }
            // Another `warta index` holds the index: this batch waits for it, whole.
            Err(Error::IndexLocked) => {
                progress.notice("the index is being written by another run; trying again");
                let mut queue = lock(&queue);
                queue.rescan = true;
                queue.last_event = Some(Instant::now() + Duration::from_secs(1));
            }
            Err(err) => return Err(err),
        }
    }
    drop(watching);
    Ok(())
}

const OUT_OF_WATCHES: &str = "inotify ran out of watches (raise the limit with \
    `sudo sysctl fs.inotify.max_user_watches=524288`); polling every second instead";

/// Starts watching `roots`, with inotify unless `poll` (or inotify runs out of watches).
fn start<P: WatchProgress>(
    roots: &[(PathBuf, bool)],
    options: &IndexOptions,
    poll: bool,
    queue: &Arc<Mutex<Queue>>,
    progress: &P,
) -> Result<Watching> {
    std::fs::create_dir_all(&options.index_dir)?;
    let filter = Filter {
        roots: roots.to_vec(),
        index_dir: canonical_as_far_as_exists(&options.index_dir),
        tracks_close: !poll && cfg!(target_os = "linux"),
    };
    let shared = Arc::clone(queue);
    let handler = move |result: DebounceEventResult| filter.absorb(&shared, result);
    if !poll {
        let config = notify::Config::default();
        let mut debouncer: Debouncer<RecommendedWatcher, NoCache> =
            new_debouncer_opt(DEBOUNCE, None, handler.clone(), NoCache, config)
                .map_err(watch_error)?;
        match watch_roots(&mut debouncer, roots) {
            Ok(()) => {
                progress.watching("inotify");
                return Ok(Watching {
                    _debouncer: Box::new(debouncer),
                    polling: false,
                });
            }
            Err(err) if matches!(err.kind, notify::ErrorKind::MaxFilesWatch) => {
                progress.notice(OUT_OF_WATCHES);
            }
            Err(err) => return Err(watch_error(err)),
        }
    }
    let config = notify::Config::default().with_poll_interval(POLL_EVERY);
    let mut debouncer: Debouncer<PollWatcher, NoCache> =
        new_debouncer_opt(DEBOUNCE, None, handler, NoCache, config).map_err(watch_error)?;
    watch_roots(&mut debouncer, roots).map_err(watch_error)?;
    progress.watching("polling");
    Ok(Watching {
        _debouncer: Box::new(debouncer),
        polling: true,
    })
}

/// Watches each root: a folder with all below it, a file through its folder (an editor's save
/// replaces the file, and with it a watch on the file itself).
fn watch_roots<W: notify::Watcher>(
    debouncer: &mut Debouncer<W, NoCache>,
    roots: &[(PathBuf, bool)],
) -> notify::Result<()> {
    for (root, is_dir) in roots {
        if *is_dir {
            debouncer.watch(root, RecursiveMode::Recursive)?;
        } else if let Some(parent) = root.parent() {
            debouncer.watch(parent, RecursiveMode::NonRecursive)?;
        }
    }
    Ok(())
}

fn watch_error(err: notify::Error) -> Error {
    Error::Io(std::io::Error::other(format!(
        "cannot watch the files: {err}"
    )))
}

/// Tells `progress` of a run committed, with the articles the index now holds.
fn committed<P: WatchProgress>(
    options: &IndexOptions,
    report: &IndexReport,
    progress: &P,
) -> Result<()> {
    let index = Index::open_in_dir(&options.index_dir)?;
    let articles = index.reader()?.searcher().num_docs();
    progress.committed(report, articles);
    Ok(())
}

/// Splits `paths` into those whose size and mtime hold across [`SETTLE`] and those still
/// moving.
fn settle(paths: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let stamp = |path: &Path| -> Option<(u64, SystemTime)> {
        let meta = std::fs::metadata(path).ok()?;
        Some((meta.len(), meta.modified().ok()?))
    };
    let before: Vec<_> = paths.iter().map(|p| stamp(p)).collect();
    std::thread::sleep(SETTLE);
    let (mut steady, mut moving) = (Vec::new(), Vec::new());
    for (path, before) in paths.into_iter().zip(before) {
        if stamp(&path) == before {
            steady.push(path);
        } else {
            moving.push(path);
        }
    }
    (steady, moving)
}

/// `path` with the part of it that exists canonical: a file that is gone keeps the canonical
/// folder it was in, so it names the key the index holds it under.
fn canonical_as_far_as_exists(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => canonical_as_far_as_exists(parent).join(name),
        _ => path.to_path_buf(),
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// The queue, even if a panic elsewhere poisoned its lock (it holds plain data).
fn lock(queue: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    queue.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
