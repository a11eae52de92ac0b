//! The workers of a run: the planned files are read and parsed on every thread, and their
//! articles added (the articles they replace deleted) in walk order on the calling thread, so
//! that a run's result does not depend on which thread finished first.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::Duration;

use tantivy::Term;

use super::commit::{Committer, Failure};
use super::copies::Holder;
use super::fold::{Folder, Read};
use super::plan::{Job, Plan, Vanished};
use super::story::{self, Stories};
use super::{Cancel, Phase, Progress, Writer};
use crate::error::Result;
use crate::ingest::{self, FieldMap, Format, IngestError, Ingested};
use crate::report::{IndexReport, ProblemKind};
use crate::schema::{Fields, FileStamp, StoryStamp};
use crate::walk::{self, io_reason, Candidate};

/// Hands out the planned files to the workers in walk order, one at a time, until every file
/// is taken or the run is cancelled.
struct Queue<'a> {
    /// The next file to hand out (past `len` once all are taken).
    next: AtomicUsize,
    /// The number of files to read.
    len: usize,
    /// Stops the handing out when requested.
    cancel: Cancel<'a>,
}

impl<'a> Queue<'a> {
    fn new(len: usize, cancel: Cancel<'a>) -> Queue<'a> {
        Queue {
            next: AtomicUsize::new(0),
            len,
            cancel,
        }
    }

    /// The next file to read, or `None` once all are taken or the run is cancelled (a worker
    /// then finishes the file it holds and stops).
    fn take(&self) -> Option<usize> {
        if self.cancel.requested() {
            return None;
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        (n < self.len).then_some(n)
    }
}

/// Whose turn it is to be applied: the workers wait on it so that they run no further ahead of
/// the applying thread than a window of files, and so that a web archive, whose articles come
/// in batches, is read only once it is the file being applied (its batches are then applied as
/// they come, never held).
struct Turn {
    /// The file being applied (all before it are done).
    applying: Mutex<usize>,
    moved: Condvar,
    /// Set when the applying thread stops (done, or failed): nobody waits any more.
    over: AtomicBool,
}

impl Turn {
    fn new() -> Turn {
        Turn {
            applying: Mutex::new(0),
            moved: Condvar::new(),
            over: AtomicBool::new(false),
        }
    }

    /// Waits until `ready` holds of the file being applied; `false` if the run stops first.
    fn wait(&self, cancel: Cancel, ready: impl Fn(usize) -> bool) -> bool {
        let mut applying = self.applying.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if self.over.load(Ordering::Relaxed) || cancel.requested() {
                return false;
            }
            if ready(*applying) {
                return true;
            }
            applying = self
                .moved
                .wait_timeout(applying, Duration::from_millis(100))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn advance(&self, to: usize) {
        *self.applying.lock().unwrap_or_else(|e| e.into_inner()) = to;
        self.moved.notify_all();
    }

    fn end(&self) {
        self.over.store(true, Ordering::Relaxed);
        self.moved.notify_all();
    }
}

/// Ends the turn when the applying thread leaves, however it leaves.
struct EndTurn<'a>(&'a Turn);

impl Drop for EndTurn<'_> {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// Files a worker may read ahead of the one being applied, per thread.
const AHEAD_PER_THREAD: usize = 64;
/// Articles of a web archive sent to the applying thread at a time.
const ARCHIVE_BATCH: usize = 64;

/// Where a run's articles go, and what hears of them.
pub(super) struct Applier<'a> {
    /// Takes the articles added and the files deleted.
    pub writer: &'a mut Writer,
    /// The schema's fields, to build documents and file terms.
    pub fields: &'a Fields,
    /// The stories the index holds, which each new article joins or starts.
    pub stories: &'a mut Stories,
    /// Counts what was added, updated, removed, and the problems met.
    pub report: &'a mut IndexReport,
    /// Hears of each file applied and each problem.
    pub progress: &'a dyn Progress,
    /// Commits when a commit is due.
    pub committer: &'a mut Committer,
    /// The copies of the articles known by their URL.
    pub urls: Folder,
}

/// How far the file being applied has come, while an archive's batches come.
#[derive(Debug, Default)]
struct Stream {
    /// Articles of the archive applied so far.
    streamed: Option<u64>,
    /// Bytes of the file told to the progress so far.
    advanced: u64,
}

impl Applier<'_> {
    /// Reads and parses the plan's files on `threads` workers and applies each in walk order,
    /// committing when a commit is due; stops taking files when `cancel` is requested. Each file
    /// is held to `limits`.
    pub fn apply_all(
        &mut self,
        plan: &Plan,
        limits: &ingest::Limits,
        threads: usize,
        cancel: Cancel,
    ) -> Result<()> {
        let queue = Queue::new(plan.work.len(), cancel);
        let turn = Turn::new();
        let ahead = threads * AHEAD_PER_THREAD;
        std::thread::scope(|scope| -> Result<()> {
            let (tx, rx) = mpsc::sync_channel::<(usize, Parsed)>(threads * 16);
            for _ in 0..threads {
                let tx = tx.clone();
                let (queue, turn) = (&queue, &turn);
                scope.spawn(move || {
                    while let Some(n) = queue.take() {
                        let candidate = &plan.work[n].candidate;
                        let root = &plan.roots[candidate.root];
                        let archive = candidate.kind.format == Format::Warc;
                        if !turn.wait(cancel, |applying| {
                            if archive {
                                applying == n
                            } else {
                                n < applying + ahead
                            }
                        }) {
                            break;
                        }
                        if archive {
                            if !stream_archive(n, candidate, root, limits, &tx, cancel) {
                                break;
                            }
                            continue;
                        }
                        let map = &plan.maps[candidate.root];
                        let parsed = read_and_parse(candidate, root, map, limits);
                        if tx.send((n, parsed)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let _end = EndTurn(&turn);
            let mut pending: BTreeMap<usize, Vec<Parsed>> = BTreeMap::new();
            let mut stream = Stream::default();
            let mut expected = 0;
            for (n, parsed) in rx {
                pending.entry(n).or_default().push(parsed);
                while let Some(parts) = pending.remove(&expected) {
                    let mut done = false;
                    for parsed in parts {
                        done = parsed.part.is_last();
                        self.apply_reported(&plan.work[expected], parsed, &mut stream)?;
                    }
                    if !done {
                        // An archive's batches: more to come.
                        pending.insert(expected, Vec::new());
                        break;
                    }
                    expected += 1;
                    turn.advance(expected);
                }
            }
            Ok(())
        })
    }

    /// Applies one file (or one batch of an archive), tells the progress of it, and commits
    /// if a commit is due. Not in the middle of an archive: a commit there would record the
    /// file as read with only some of its articles.
    fn apply_reported(&mut self, job: &Job, parsed: Parsed, stream: &mut Stream) -> Result<()> {
        let problems_before = self.report.problems.len();
        let hash = parsed.hash;
        let read = match parsed.part {
            Part::Whole | Part::End { .. } => job.candidate.size,
            Part::Batch { read } => read.min(job.candidate.size),
        };
        let last = parsed.part.is_last();
        self.apply(job, parsed, stream)?;
        self.remember_failures(job, hash, problems_before);
        for problem in &self.report.problems[problems_before..] {
            self.progress.problem(problem);
        }
        self.progress.advance(read.saturating_sub(stream.advanced));
        stream.advanced = if last { 0 } else { read.max(stream.advanced) };
        if last && self.committer.due() {
            self.progress.phase(Phase::Commit);
            // The documents waiting go into the commit with the files they came from.
            self.flush()?;
            self.committer.commit(self.writer)?;
        }
        Ok(())
    }

    /// Remembers what failed in one file read (the problems from `first` on), so that later
    /// runs report it again until the file changes; marks the failures an earlier run reported
    /// on the same content as repeats.
    fn remember_failures(&mut self, job: &Job, hash: u64, first: usize) {
        let problems = &self.report.problems[first..];
        if !problems.iter().any(|p| p.kind == ProblemKind::Failed) {
            return;
        }
        let display = job.candidate.display();
        let mut failed = Vec::new();
        for problem in &mut self.report.problems[first..] {
            if problem.kind != ProblemKind::Failed {
                continue;
            }
            let suffix = problem
                .path
                .strip_prefix(&display)
                .unwrap_or("")
                .to_string();
            let entry = (suffix, problem.reason.clone());
            problem.repeat = job
                .failed_before
                .as_ref()
                .is_some_and(|f| f.hash == hash && f.failed.contains(&entry));
            failed.push(entry);
        }
        self.committer.remember(Failure {
            key: job.candidate.key.clone(),
            hash,
            failed,
        });
    }

    /// Replaces what the index held for one file with its articles as parsed; an archive's
    /// articles come in batches, the first of which deletes what the index held.
    fn apply(&mut self, job: &Job, parsed: Parsed, stream: &mut Stream) -> Result<()> {
        let Parsed {
            result,
            hash,
            simhashes,
            part,
        } = parsed;
        let Job {
            candidate, before, ..
        } = job;
        self.urls.applied(&candidate.key);
        let file_term = Term::from_field_text(self.fields.file, &candidate.key);
        // Articles of this archive applied by earlier batches (`None`: none came yet).
        let streamed = stream.streamed.take();
        let ingested = match result {
            Ok(ingested) => ingested,
            Err(err) if streamed.is_some() => {
                // An archive failing after some of its batches: as if left half read.
                self.report
                    .problem(candidate.display(), err.kind(), err.to_string());
                return self.drop_half_read(job);
            }
            Err(IngestError::Unreadable(err)) => {
                // Keep what the index had: an unreadable file is not a deleted one.
                self.report.problem(
                    candidate.display(),
                    ProblemKind::Failed,
                    format!("cannot read: {}", io_reason(&err)),
                );
                return Ok(());
            }
            Err(err @ IngestError::TooSlow(_)) => {
                // Keep what the index had too: a file abandoned for time may read on a quieter run.
                self.report
                    .problem(candidate.display(), err.kind(), err.to_string());
                return Ok(());
            }
            Err(err) => {
                // What the file held before is gone from it: its articles leave the index.
                if let Some(before) = before {
                    self.writer.delete_term(file_term);
                    self.report.removed += before.own();
                }
                self.report
                    .problem(candidate.display(), err.kind(), err.to_string());
                return self.fold_out(&candidate.key);
            }
        };
        for note in &ingested.notes {
            let path = match note.record {
                Some(n) => format!("{}#{n}", candidate.display()),
                None => candidate.display(),
            };
            self.report.problem(path, note.kind, note.reason.clone());
        }
        for (name, count) in ingested.passed_over.named() {
            if count > 0 {
                *self.report.passed_over.entry(name).or_default() += count;
            }
        }
        let (by_url, own): (Vec<Read>, Vec<Read>) = (ingested.articles.into_iter())
            .zip(simhashes)
            .partition(|(article, _)| article.keyed_by_url);
        if before.is_some() && streamed.is_none() {
            self.writer.delete_term(file_term);
        }
        let count = streamed.unwrap_or(0) + own.len() as u64;
        match part {
            Part::Batch { .. } => stream.streamed = Some(count),
            Part::End { complete: false } => return self.drop_half_read(job),
            Part::Whole | Part::End { complete: true } => match before {
                Some(b) if b.hash == hash => self.report.unchanged += count,
                Some(_) => self.report.updated += count,
                None => self.report.added += count,
            },
        }
        let stamp = FileStamp {
            key: candidate.key.clone(),
            mtime: candidate.mtime,
            size: candidate.size,
            hash,
        };
        for (article, (simhash, title_hash)) in own {
            let story = self
                .stories
                .assign(simhash, title_hash, story::own_story(&article.id));
            let stamp_story = StoryStamp {
                simhash,
                story,
                title_hash,
            };
            let document = self
                .fields
                .article_document(article, stamp.clone(), stamp_story);
            self.writer.add_document(document)?;
        }
        let holder = Holder {
            key: candidate.key.clone(),
            mtime: candidate.mtime,
            size: candidate.size,
            hash,
        };
        match part {
            // An archive's copies are recorded batch by batch, the first forgetting its old ones.
            Part::Batch { .. } | Part::End { .. } => {
                self.fold_batch(holder, streamed.is_none(), by_url)?;
                if part.is_last() {
                    self.fold_end(&candidate.key)?;
                }
            }
            Part::Whole if !by_url.is_empty() || self.urls.copies.holds(&candidate.key) => {
                self.fold_in(holder, by_url)?;
            }
            Part::Whole => {}
        }
        Ok(())
    }

    /// An archive left half read (the run was stopped, or reading it failed): none of it
    /// stays, neither its articles nor its copies, so that the next run reads it whole.
    fn drop_half_read(&mut self, job: &Job) -> Result<()> {
        let key = &job.candidate.key;
        self.writer
            .delete_term(Term::from_field_text(self.fields.file, key));
        self.report.removed += job.before.as_ref().map_or(0, |b| b.own());
        self.fold_end(key)?;
        self.fold_out(key)
    }

    /// Deletes the articles of files that vanished from under the walked roots (an article
    /// known by its URL stays while another file holds a copy).
    pub fn remove_vanished(&mut self, vanished: &[Vanished]) -> Result<()> {
        for file in vanished {
            self.writer
                .delete_term(Term::from_field_text(self.fields.file, &file.key));
            self.report.removed += file.articles;
            self.fold_out(&file.key)?;
        }
        Ok(())
    }

    /// Ends a run: removes the files that vanished unless it was `interrupted`, and counts what
    /// it did to the articles known by their URL.
    pub fn finish(&mut self, plan: &Plan, interrupted: bool) -> Result<()> {
        if !interrupted {
            self.remove_vanished(&plan.vanished)?;
        }
        self.flush()?;
        let urls = self.urls.copies.counts();
        self.report.added += urls.added;
        self.report.updated += urls.updated;
        self.report.unchanged += urls.unchanged;
        self.report.removed += urls.removed;
        self.report.folded += urls.folded;
        Ok(())
    }
}

/// One file read and parsed on a worker thread, or one batch of an archive's articles.
struct Parsed {
    result: Result<Ingested, IngestError>,
    /// Hash of the file's bytes (and field map).
    hash: u64,
    /// SimHash and headline hash of each article, in order.
    simhashes: Vec<(u64, u64)>,
    /// Which part of the file this is.
    part: Part,
}

/// A whole file, or a part of an archive read as a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// All of a file's articles.
    Whole,
    /// A batch of an archive's articles, more to come; the archive's bytes read so far.
    Batch { read: u64 },
    /// The end of an archive: whether it was read to its end (not stopped by the run).
    End { complete: bool },
}

impl Part {
    fn is_last(self) -> bool {
        !matches!(self, Part::Batch { .. })
    }
}

impl Parsed {
    /// Articles as parsed, their text's spare capacity given back and their hashes taken.
    fn new(mut result: Result<Ingested, IngestError>, hash: u64, part: Part) -> Parsed {
        // The articles wait in tantivy's queue of up to 10,000 documents: without the slack
        // that the parsers' growing strings leave (up to half their capacity), it holds less.
        if let Ok(ingested) = &mut result {
            for article in &mut ingested.articles {
                article.title.shrink_to_fit();
                article.lede.shrink_to_fit();
                article.body.shrink_to_fit();
            }
        }
        let simhashes = match &result {
            Ok(ingested) => ingested
                .articles
                .iter()
                .map(|a| (story::simhash(a), story::title_hash(a)))
                .collect(),
            Err(_) => Vec::new(),
        };
        Parsed {
            result,
            hash,
            simhashes,
            part,
        }
    }
}

/// Reads and parses one file; the hash covers its bytes and, for formats with named fields,
/// the field map, so that reading a file with another map replaces its articles.
fn read_and_parse(
    candidate: &Candidate,
    root: &Path,
    map: &FieldMap,
    limits: &ingest::Limits,
) -> Parsed {
    let read = match ingest::read_file(&candidate.path, candidate.kind, limits) {
        Ok(b) => b,
        Err(err) => return Parsed::new(Err(err), 0, Part::Whole),
    };
    let mut hash = ingest::content_hash(&read.bytes);
    if candidate.kind.format.reads_named_fields() {
        hash ^= map.fingerprint();
    }
    // Stored under its canonical path; named in ids by its path below its root.
    let result = ingest::parse_read(
        &candidate.key,
        &walk::identity(root, &candidate.key),
        candidate.kind,
        &read,
        map,
        limits,
    );
    Parsed::new(result, hash, Part::Whole)
}

/// Reads web archive `n` as a stream and sends its articles in batches, then its end; `false`
/// when the applying thread is gone.
fn stream_archive(
    n: usize,
    candidate: &Candidate,
    root: &Path,
    limits: &ingest::Limits,
    tx: &mpsc::SyncSender<(usize, Parsed)>,
    cancel: Cancel,
) -> bool {
    let end = |result| Parsed::new(result, 0, Part::End { complete: false });
    let hash = match ingest::hash_file(&candidate.path) {
        Ok(hash) => hash,
        Err(err) => return tx.send((n, end(Err(err)))).is_ok(),
    };
    // A stopped run still sends the archive's end (not complete), so that what its batches
    // added is taken out again; only a gone applying thread ends the sending.
    let mut gone = false;
    let mut send = |batch: Ingested, read: u64| {
        if cancel.requested() {
            return false;
        }
        gone = tx
            .send((n, Parsed::new(Ok(batch), hash, Part::Batch { read })))
            .is_err();
        !gone
    };
    let read = ingest::read_archive(
        &candidate.path,
        &candidate.key,
        &walk::identity(root, &candidate.key),
        candidate.kind,
        limits,
        ARCHIVE_BATCH,
        &mut send,
    );
    let last = match read {
        Ok(complete) => Parsed::new(Ok(Ingested::default()), hash, Part::End { complete }),
        Err(err) => end(Err(err)),
    };
    !gone && tx.send((n, last)).is_ok()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::*;

    #[test]
    fn the_queue_hands_out_every_file_once_in_order() {
        let flag = AtomicBool::new(false);
        let queue = Queue::new(3, Cancel::new(&flag));
        let taken: Vec<usize> = std::iter::from_fn(|| queue.take()).collect();
        assert_eq!(taken, [0, 1, 2]);
        assert_eq!(queue.take(), None);
    }

    #[test]
    fn a_cancelled_queue_hands_out_nothing_more() {
        let flag = AtomicBool::new(false);
        let queue = Queue::new(100, Cancel::new(&flag));
        assert_eq!(queue.take(), Some(0));
        flag.store(true, Ordering::SeqCst);
        assert!(Cancel::new(&flag).requested());
        assert_eq!(queue.take(), None);
        assert_eq!(queue.take(), None);
    }
}
