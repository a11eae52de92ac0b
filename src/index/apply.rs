//! The workers of a run: the planned files are read and parsed on every thread, and their
//! articles added (the articles they replace deleted) in walk order on the calling thread, so
//! that a run's result does not depend on which thread finished first.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use tantivy::Term;

use super::commit::{Committer, Failure};
use super::copies::Holder;
use super::fold::{Folder, Read};
use super::plan::{Job, Plan, Vanished};
use super::story::{self, Stories};
use super::{Cancel, Phase, Progress, Writer};
use crate::error::Result;
use crate::ingest::{self, FieldMap, IngestError, Ingested};
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
        std::thread::scope(|scope| -> Result<()> {
            let (tx, rx) = mpsc::sync_channel::<(usize, Parsed)>(threads * 16);
            for _ in 0..threads {
                let tx = tx.clone();
                let queue = &queue;
                scope.spawn(move || {
                    while let Some(n) = queue.take() {
                        let candidate = &plan.work[n].candidate;
                        let root = &plan.roots[candidate.root];
                        let map = &plan.maps[candidate.root];
                        let parsed = read_and_parse(candidate, root, map, limits);
                        if tx.send((n, parsed)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut pending = BTreeMap::new();
            let mut expected = 0;
            for (n, parsed) in rx {
                pending.insert(n, parsed);
                while let Some(parsed) = pending.remove(&expected) {
                    self.apply_reported(&plan.work[expected], parsed)?;
                    expected += 1;
                }
            }
            Ok(())
        })
    }

    /// Applies one file, tells the progress of it, and commits if a commit is due.
    fn apply_reported(&mut self, job: &Job, parsed: Parsed) -> Result<()> {
        let problems_before = self.report.problems.len();
        let hash = parsed.hash;
        self.apply(job, parsed)?;
        self.remember_failures(job, hash, problems_before);
        for problem in &self.report.problems[problems_before..] {
            self.progress.problem(problem);
        }
        self.progress.advance(job.candidate.size);
        if self.committer.due() {
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

    /// Replaces what the index held for one file with its articles as parsed.
    fn apply(&mut self, job: &Job, parsed: Parsed) -> Result<()> {
        let Parsed {
            result,
            hash,
            simhashes,
        } = parsed;
        let Job {
            candidate, before, ..
        } = job;
        self.urls.applied(&candidate.key);
        let file_term = Term::from_field_text(self.fields.file, &candidate.key);
        let ingested = match result {
            Ok(ingested) => ingested,
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
        let (by_url, own): (Vec<Read>, Vec<Read>) = (ingested.articles.into_iter())
            .zip(simhashes)
            .partition(|(article, _)| article.keyed_by_url);
        let count = own.len() as u64;
        match before {
            Some(b) if b.hash == hash => self.report.unchanged += count,
            Some(_) => self.report.updated += count,
            None => self.report.added += count,
        }
        if before.is_some() {
            self.writer.delete_term(file_term);
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
        if !by_url.is_empty() || self.urls.copies.holds(&candidate.key) {
            self.fold_in(holder, by_url)?;
        }
        Ok(())
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

/// One file read and parsed on a worker thread.
struct Parsed {
    result: Result<Ingested, IngestError>,
    /// Hash of the file's bytes (and field map).
    hash: u64,
    /// SimHash and headline hash of each article, in order.
    simhashes: Vec<(u64, u64)>,
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
        Err(err) => {
            return Parsed {
                result: Err(err),
                hash: 0,
                simhashes: Vec::new(),
            }
        }
    };
    let mut hash = ingest::content_hash(&read.bytes);
    if candidate.kind.format.reads_named_fields() {
        hash ^= map.fingerprint();
    }
    // Stored under its canonical path; named in ids by its path below its root.
    let mut result = ingest::parse_read(
        &candidate.key,
        &walk::identity(root, &candidate.key),
        candidate.kind,
        &read,
        map,
        limits,
    );
    // The articles wait in tantivy's queue of up to 10,000 documents: without the slack that
    // the parsers' growing strings leave (up to half their capacity), it holds less.
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
    }
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
