//! Brings an index in line with the files under some paths, in three steps: `plan` decides
//! from the walk and what the index holds which files to read, skip and remove; `apply` reads
//! and parses them on all cores and adds their articles; `commit` records the run's roots with
//! each commit, and `merge` merges the segments of a bulk run at the end.
//!
//! Incremental indexing is delete + add by the file's canonical path: each document keeps its
//! file's path, mtime, size and content hash as fast fields, so an unchanged file is skipped on
//! a metadata check alone, and a touched but identical one on its hash.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tantivy::{Index, IndexWriter};

use crate::error::{Error, Result};
use crate::ingest::{self, FieldMap};
use crate::report::{IndexReport, Problem, ProblemKind};
use crate::schema::{self, ArticleDocument, Fields};
use crate::walk;

mod apply;
mod commit;
mod copies;
mod fold;
mod merge;
mod plan;
mod rebuild;
mod roots;
pub mod story;
mod trim;
pub mod watch;

use apply::Applier;
use commit::{Committer, Payload};
use copies::Copies;
use fold::Folder;
use plan::Plan;
pub use roots::{forget, roots, Root};
use story::Stories;
use trim::{TrimmedDirectory, Trimmer};

/// The index writer, fed documents that borrow their text from the articles.
type Writer = IndexWriter<ArticleDocument>;

/// The writer's default memory budget, in MiB. Peak RSS follows it: the budget is split into
/// one arena per indexing thread, and the two fill up at about the same time; a smaller budget
/// lowers the peak at about the same indexing time, down to where flushes get too frequent.
pub const DEFAULT_MEMORY_MB: usize = 192;

/// What `run_index` is asked to do.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Where the index lives (created if missing).
    pub index_dir: PathBuf,
    /// Paths to index; empty means the paths the index was built from.
    pub paths: Vec<PathBuf>,
    /// Start from an empty index.
    pub rebuild: bool,
    /// Follow symlinks to files and folders outside the root they were found under.
    pub follow_outside: bool,
    /// Threads for parsing and for tantivy's writer.
    pub threads: usize,
    /// The writer's memory budget, in MiB.
    pub memory_mb: usize,
    /// Commit at least this often on long runs, so a crash loses at most this much work.
    pub commit_every: Duration,
    /// How record fields are named (`--field`, `--columns`) for the paths given; empty means
    /// what the index remembers for each path.
    pub fields: FieldMap,
    /// Hands memory that was freed but is still held by the allocator back to the system; called
    /// before the final merge of a bulk run. The library assumes no allocator: a binary that
    /// installs one with such a call (mimalloc's `mi_collect`) passes it here.
    pub release_memory: Option<fn()>,
    /// The bounds each input file is held to (bytes, text per article, records, time).
    pub limits: ingest::Limits,
    /// Paths below the roots in `paths` (canonical; they may no longer exist) to which the run
    /// is limited: files at or under them are read, added or removed, and the rest of the index
    /// is left as it was (what a watch does with the paths that changed). Empty: the whole roots.
    pub within: Vec<PathBuf>,
}

impl IndexOptions {
    /// Options with the defaults: all cores, [`DEFAULT_MEMORY_MB`], a commit every 30 s, no
    /// allocator hook.
    pub fn new(index_dir: PathBuf, paths: Vec<PathBuf>) -> Self {
        IndexOptions {
            index_dir,
            paths,
            rebuild: false,
            follow_outside: false,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            memory_mb: DEFAULT_MEMORY_MB,
            commit_every: Duration::from_secs(30),
            fields: FieldMap::default(),
            release_memory: None,
            limits: ingest::Limits::default(),
            within: Vec::new(),
        }
    }
}

/// The moments of an index run a [`Progress`] is told of as the run reaches them, besides
/// [`Progress::start`] (the plan is made) and [`Progress::finish`] (the last commit is next).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The walk has found its first file.
    Walk,
    /// A periodic commit is about to be made.
    Commit,
    /// The final merge of a bulk run has started.
    Merge,
    /// A rebuild is done and about to be swapped in for the old index.
    Swap,
}

impl Phase {
    /// Its name, as `WARTA_PAUSE_AT` takes it (see `commands::signals`).
    pub fn name(self) -> &'static str {
        match self {
            Phase::Walk => "walk",
            Phase::Commit => "commit",
            Phase::Merge => "merge",
            Phase::Swap => "swap",
        }
    }
}

/// Receives progress while an index run works (the CLI draws a bar; tests ignore it).
pub trait Progress: Sync {
    /// The run has reached `phase`.
    fn phase(&self, _phase: Phase) {}
    /// The walk has found this many files so far (told every 1,024).
    fn walking(&self, _files: u64) {}
    /// The walk is done: this many files, of this many bytes, need reading.
    fn start(&self, _files: u64, _bytes: u64) {}
    /// One more file was processed.
    fn advance(&self, _bytes: u64) {}
    /// A problem with one input, as it happens.
    fn problem(&self, _problem: &Problem) {}
    /// The run is about to commit.
    fn finish(&self) {}
}

/// A `Progress` that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Whether the caller asked a run to stop (Ctrl-C sets the flag it hands to `run_index`). A
/// cancelled run stops walking, or stops taking files while each worker finishes the one it
/// holds; it adds and commits what was read, and neither removes vanished files nor merges.
#[derive(Clone, Copy)]
struct Cancel<'a>(&'a AtomicBool);

impl<'a> Cancel<'a> {
    fn new(flag: &'a AtomicBool) -> Cancel<'a> {
        Cancel(flag)
    }

    /// Whether the run should stop.
    fn requested(self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The paths an index was built from (canonical), as remembered in its last commit.
pub fn remembered_roots(index_dir: &Path) -> Result<Vec<PathBuf>> {
    if !schema::index_exists(index_dir) {
        return Ok(Vec::new());
    }
    let index =
        Index::open_in_dir(index_dir).map_err(|err| schema::name_damage(err.into(), index_dir))?;
    Ok(Payload::read(&index)?.roots)
}

/// Indexes the files under `options.paths`, reporting progress to `progress`; stops early,
/// committing what is done, when `cancel` is set.
pub fn run_index(
    options: &IndexOptions,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<IndexReport> {
    let started = Instant::now();
    let cancel = Cancel::new(cancel);
    // A rebuild of an index that is there is built beside it and swapped in when done, so a
    // search sees the old index or the new one, never a part of the new one.
    let beside = (options.rebuild && holds_an_index(&options.index_dir))
        .then(|| rebuild::beside(&options.index_dir))
        .transpose()?;
    let dir = beside.as_ref().map_or(&*options.index_dir, |b| &*b.dir);
    let (index, fields, _trimmer) = open_or_create(dir, options.rebuild)?;
    let threads = options.threads.max(1);
    let mut writer = open_writer(&index, threads, options.memory_mb)?;
    let old = match beside {
        Some(_) => rebuild::remembered(&options.index_dir, options),
        None => remembered(&index, options)?,
    };
    let (paths, gone) = roots_to_walk(&old, options);
    let mut report = IndexReport::default();
    let walked = walk_roots(&paths, options, &mut report, progress, cancel);
    if cancel.requested() {
        // Interrupted before anything was read: the index is left as it was.
        report.interrupted = true;
        report.took_ms = started.elapsed().as_secs_f64() * 1000.0;
        schema::apply_umask(dir)?;
        return Ok(report);
    }
    let (mut stories, mut copies) = (Stories::default(), Copies::default());
    let held = if options.rebuild {
        writer.delete_all_documents()?;
        HashMap::new()
    } else {
        let searcher = index.reader()?.searcher();
        plan::load_held(&searcher, &fields, &mut stories, &mut copies)?
    };
    let plan = Plan::new(options, &old, walked, held, &gone);
    report.unchanged += plan.unchanged;
    report_gone_and_failed(&plan, &mut report, progress);
    let mut committer = Committer::new(&plan.payload, options.commit_every)?;
    if plan.bulk {
        writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
    }
    progress.start(plan.work.len() as u64, plan.bytes());
    let mut applier = Applier {
        writer: &mut writer,
        fields: &fields,
        stories: &mut stories,
        report: &mut report,
        progress,
        committer: &mut committer,
        urls: Folder::new(copies, &plan, &options.limits),
    };
    applier.remove_vanished(&plan.gone_files)?;
    applier.apply_all(&plan, &options.limits, threads, cancel)?;
    let interrupted = cancel.requested();
    applier.finish(&plan, interrupted)?;
    report.interrupted = interrupted;
    progress.finish();
    committer.commit(&mut writer)?;
    writer.wait_merging_threads()?;
    // What the run kept per file is not needed for the merge.
    let bulk = plan.bulk;
    drop((plan, stories));
    if bulk && !interrupted {
        merge::merge_after_bulk(&index, dir, threads, options.release_memory, progress);
    }
    schema::damage::record_verified(&index, dir)?;
    schema::apply_umask(dir)?;
    drop((index, _trimmer));
    // An interrupted rebuild leaves the old index as it was; the next one starts over.
    if let (Some(beside), false) = (&beside, interrupted) {
        rebuild::swap_in(&beside.dir, &options.index_dir, progress)?;
    }
    report.took_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(report)
}

/// Walks `paths` for the files to index, telling `progress` how many were found and the
/// problems met, and stopping when `cancel` is requested.
fn walk_roots(
    paths: &[PathBuf],
    options: &IndexOptions,
    report: &mut IndexReport,
    progress: &dyn Progress,
    cancel: Cancel,
) -> walk::Walked {
    let walk_options = walk::WalkOptions {
        follow_outside: options.follow_outside,
    };
    let keep_going = |found| {
        if found == 1 {
            progress.phase(Phase::Walk);
        }
        if found % 1024 == 0 {
            progress.walking(found as u64);
        }
        !cancel.requested()
    };
    let skip = Some(&*options.index_dir);
    let walked = if options.within.is_empty() {
        walk::walk(paths, skip, walk_options, report, keep_going)
    } else {
        let within = &options.within;
        walk::walk_within(paths, within, skip, walk_options, report, keep_going)
    };
    for problem in &report.problems {
        progress.problem(problem);
    }
    walked
}

/// The paths to walk and the tracked roots that are gone from disk. Gone roots are not walked:
/// their articles leave the index and they are no longer tracked (a root moved with `mv` is one
/// of them). A rebuild remembers nothing of earlier runs, but is given their roots when given
/// no paths: those gone are passed over all the same.
fn roots_to_walk(old: &Payload, options: &IndexOptions) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let paths = if options.paths.is_empty() {
        &old.roots
    } else {
        &options.paths
    };
    // A rebuild beside the old index reads what the old one tracked, not the new one.
    let tracked = if options.rebuild {
        remembered_roots(&options.index_dir).unwrap_or_default()
    } else {
        old.roots.clone()
    };
    let gone: Vec<PathBuf> = tracked.into_iter().filter(|r| is_gone(r)).collect();
    let paths = paths
        .iter()
        .filter(|p| !gone.contains(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())))
        .cloned()
        .collect();
    (paths, gone)
}

/// Reports, once each, the roots found gone (with the articles they took along) and the files
/// and records that failed before and are unchanged, so still failed.
fn report_gone_and_failed(plan: &Plan, report: &mut IndexReport, progress: &dyn Progress) {
    for (root, articles) in &plan.gone {
        let shown = walk::shown(root);
        let removed = match articles {
            0 => String::new(),
            n => format!("its {} removed and ", articles_count(*n)),
        };
        let reason = format!(
            "no longer exists: {removed}it is no longer tracked; \
             `warta index {shown}` tracks it again if it comes back"
        );
        report.problem(shown, ProblemKind::Warning, reason);
        progress.problem(report.problems.last().expect("just recorded"));
    }
    for failure in &plan.replay {
        let path = walk::shown_str(&failure.key);
        for (suffix, reason) in &failure.failed {
            report.repeated(
                format!("{path}{suffix}"),
                ProblemKind::Failed,
                reason.clone(),
            );
            progress.problem(report.problems.last().expect("just recorded"));
        }
    }
}

/// Whether a remembered root is gone from disk (not merely unreadable).
fn is_gone(root: &Path) -> bool {
    std::fs::symlink_metadata(root).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
}

/// "1 article", "1,234 articles".
pub fn articles_count(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let noun = if n == 1 { "article" } else { "articles" };
    format!("{grouped} {noun}")
}

/// Whether `dir` holds an index, or what is left of one (segments without a meta.json).
fn holds_an_index(dir: &Path) -> bool {
    schema::index_exists(dir) || schema::damage::holds_segment_files(dir)
}

/// A writer on `index` with `threads` indexing threads sharing `memory_mb`.
fn open_writer(index: &Index, threads: usize, memory_mb: usize) -> Result<Writer> {
    // tantivy refuses less than 15 MB per indexing thread.
    let memory = (memory_mb.max(16 * threads) << 20).min(4000 << 20);
    Ok(index.writer_with_num_threads(threads, memory)?)
}

/// What the index remembers of earlier runs; a rebuild of the paths given needs none of it.
fn remembered(index: &Index, options: &IndexOptions) -> Result<Payload> {
    if options.rebuild && !options.paths.is_empty() {
        Ok(Payload::new())
    } else {
        Payload::read(index)
    }
}

/// Opens the index in `dir` for writing, or creates it, with a trimmer that keeps the files it
/// reads out of the resident set until it is dropped.
fn open_or_create(dir: &Path, rebuild: bool) -> Result<(Index, Fields, Trimmer)> {
    std::fs::create_dir_all(dir)?;
    let directory = TrimmedDirectory::open(dir)?;
    let trimmer = directory.trimmer();
    let (index, fields) = if !schema::index_exists(dir) {
        // Segments without a meta.json: nothing says which of them were the index, and a new
        // index's first commit would garbage-collect them all. Only a rebuild may delete them.
        if schema::damage::holds_segment_files(dir) {
            if !rebuild {
                return Err(Error::Damaged {
                    dir: dir.to_path_buf(),
                    file: "meta.json".to_string(),
                });
            }
            remove_index_files(dir)?;
        }
        schema::create_index_in(dir, directory)?
    } else {
        match schema::open_index_in(dir, directory.clone()) {
            Err(Error::SchemaMismatch(_) | Error::Damaged { .. }) if rebuild => {
                remove_index_files(dir)?;
                schema::create_index_in(dir, directory)?
            }
            other => other?,
        }
    };
    Ok((index, fields, trimmer))
}

/// Deletes an old index's files (only the files tantivy writes, never anything else).
fn remove_index_files(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let tantivy_file = name == "meta.json"
            || name == ".managed.json"
            || name.ends_with(".lock")
            || name.rsplit_once('.').is_some_and(|(stem, _)| {
                stem.len() == 32 && stem.chars().all(|c| c.is_ascii_hexdigit())
            });
        if tantivy_file && path.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sets the cancel flag once the first file has been applied, as a Ctrl-C mid-run would.
    struct CancelAfterFirst<'a>(&'a AtomicBool);
    impl Progress for CancelAfterFirst<'_> {
        fn advance(&self, _bytes: u64) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    fn write_news(dir: &Path, files: std::ops::Range<usize>) {
        std::fs::create_dir_all(dir).unwrap();
        for n in files {
            let text = format!("Headline number {n}\n\nThe body of article {n}.\n");
            std::fs::write(dir.join(format!("{n:03}.txt")), text).unwrap();
        }
    }

    #[test]
    fn a_run_cancelled_before_it_reads_leaves_the_index_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        write_news(&dir.path().join("news"), 0..3);
        let options = IndexOptions::new(dir.path().join("ix"), vec![dir.path().join("news")]);
        let report = run_index(&options, &NoProgress, &AtomicBool::new(true)).unwrap();
        assert!(report.interrupted);
        assert_eq!(report.added, 0);
        assert!(remembered_roots(&options.index_dir).unwrap().is_empty());
    }

    #[test]
    fn a_run_cancelled_midway_commits_what_it_read_and_removes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let news = dir.path().join("news");
        write_news(&news, 0..3);
        let mut options = IndexOptions::new(dir.path().join("ix"), vec![news.clone()]);
        options.threads = 1;
        let first = run_index(&options, &NoProgress, &AtomicBool::new(false)).unwrap();
        assert_eq!(first.added, 3);

        // 197 new files, one gone: the run stops taking files after the first is applied.
        write_news(&news, 3..200);
        std::fs::remove_file(news.join("000.txt")).unwrap();
        let cancel = AtomicBool::new(false);
        let cut = run_index(&options, &CancelAfterFirst(&cancel), &cancel).unwrap();
        assert!(cut.interrupted);
        assert!(
            (1..197).contains(&cut.added),
            "{} of 197 new files read before stopping",
            cut.added
        );
        assert_eq!(cut.removed, 0, "a cancelled run removes nothing");

        // The next run reads only what was not committed, and removes the file gone.
        let rest = run_index(&options, &NoProgress, &AtomicBool::new(false)).unwrap();
        assert!(!rest.interrupted);
        assert_eq!((rest.added, rest.removed), (197 - cut.added, 1));
        assert_eq!(rest.unchanged, 2 + cut.added);
    }
}
