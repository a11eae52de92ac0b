//! What a run has to do, decided before anything is read: from the walk and what the index
//! holds per file, which files to read (new, or changed on disk or in how they are read), which
//! to skip, which vanished, what the run's commits record, and whether the run is bulk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tantivy::Searcher;

use super::commit::{Failure, Payload};
use super::copies::{Copies, Holder};
use super::story::Stories;
use super::IndexOptions;
use crate::error::Result;
use crate::ingest::FieldMap;
use crate::schema::Fields;
use crate::walk::{Candidate, Walked};

/// What the index holds for one file, from its fast fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Held {
    /// Modification time when it was indexed, nanoseconds since the epoch.
    pub mtime: i64,
    /// Size in bytes when it was indexed.
    pub size: u64,
    /// Hash of its bytes and, for formats with named fields, its field map.
    pub hash: u64,
    /// Articles indexed from it: those known by their file, and those known by their URL whose
    /// winning copy it holds.
    pub articles: u64,
    /// Of those, the articles known by their URL (a file may also hold copies that lost, and
    /// then has an entry with no articles).
    pub by_url: u64,
}

impl Held {
    /// The articles known by the file itself.
    pub fn own(&self) -> u64 {
        self.articles - self.by_url
    }
}

/// The mtime given to a file whose documents disagree on its stamp: a run cut short between
/// two of its articles. No file has it, so the file is read again.
const STALE: i64 = i64::MIN;

/// One file to read, and what the index held for it (`None` for a file new to the index).
#[derive(Debug)]
pub(super) struct Job {
    /// The file as the walk found it.
    pub candidate: Candidate,
    /// What the index held for it, whose articles the run replaces.
    pub before: Option<Held>,
    /// What failed in it on an earlier run, to tell a repeat from a new failure.
    pub failed_before: Option<Failure>,
}

/// A file the index holds that the walk no longer finds under a root it walked.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Vanished {
    /// The file's key (canonical path).
    pub key: String,
    /// Articles indexed from it.
    pub articles: u64,
}

/// What one run does, computed from the walk and what the index holds.
#[derive(Debug)]
pub(super) struct Plan {
    /// What the run's commits record: the roots from before (unless rebuilding) and those
    /// walked now, and the field map of each.
    pub payload: Payload,
    /// The field map each walked root is read with, by [`Candidate::root`].
    pub maps: Vec<FieldMap>,
    /// The walked roots (canonical), by [`Candidate::root`]: ids are made from a file's path
    /// below its root.
    pub roots: Vec<PathBuf>,
    /// Files to read, in walk order.
    pub work: Vec<Job>,
    /// What failed in files skipped as unchanged: reported again, as repeats.
    pub replay: Vec<Failure>,
    /// Articles of files skipped because their size and mtime match what the index holds.
    pub unchanged: u64,
    /// Files whose articles leave the index (unless the run is cancelled).
    pub vanished: Vec<Vanished>,
    /// Remembered roots that no longer exist, each with the articles it held: no longer
    /// tracked, and their files' articles (in `gone_files`) leave the index even if the run is
    /// cancelled, since the payload no longer names them.
    pub gone: Vec<(PathBuf, u64)>,
    /// The files held under the roots in `gone`.
    pub gone_files: Vec<Vanished>,
    /// Whether the run is bulk: a first build, `--rebuild`, or at least as many files to read
    /// as the index held. A bulk run merges all its segments at the end (`merge`), and none
    /// meanwhile: that would only merge those bytes twice, and leave segments too large to
    /// balance the final merge's parts.
    pub bulk: bool,
}

impl Plan {
    /// Plans a run of `options` over `walked`, given the payload of the index's last commit and
    /// what it holds per file (both ignored when rebuilding).
    pub fn new(
        options: &IndexOptions,
        old: &Payload,
        walked: Walked,
        held: HashMap<String, Held>,
        gone: &[PathBuf],
    ) -> Plan {
        let (old, mut held) = if options.rebuild {
            (&Payload::new(), HashMap::new())
        } else {
            (old, held)
        };
        let held_files = held.len();
        let mut payload = remember(old, &walked.roots, &options.fields);
        payload.roots.retain(|r| !gone.contains(r));
        payload.fields.retain(|(r, _)| !gone.contains(r));
        let mut gone: Vec<(PathBuf, u64)> = gone.iter().map(|r| (r.clone(), 0)).collect();
        let mut gone_files = Vec::new();
        if !gone.is_empty() {
            held.retain(|key, h| {
                let Some(root) = gone.iter_mut().find(|(r, _)| Path::new(key).starts_with(r))
                else {
                    return true;
                };
                root.1 += h.articles;
                gone_files.push(Vanished {
                    key: key.clone(),
                    articles: h.own(),
                });
                false
            });
            gone_files.sort_by(|a, b| a.key.cmp(&b.key));
        }
        // The field map each root is read with: the one given now, else the one it was read
        // with. Files under a root whose map changed are read again, whatever their mtime.
        let maps: Vec<FieldMap> = walked
            .roots
            .iter()
            .map(|root| payload.fields_of(root))
            .collect();
        let map_changed: Vec<bool> = walked
            .roots
            .iter()
            .zip(&maps)
            .map(|(root, map)| *map != old.fields_of(root))
            .collect();

        let mut work = Vec::new();
        let mut unchanged = 0;
        // The paths whose files were walked: the roots, or only some paths below them.
        let scope = walked.scope.unwrap_or_else(|| walked.roots.clone());
        let roots = walked.roots;
        // Failures of files not walked now are remembered as they were; those of files walked
        // are replayed (unchanged) or found again (read).
        let mut failed_before: HashMap<String, Failure> = HashMap::new();
        for failure in &old.failures {
            let file = Path::new(&failure.key);
            if scope.iter().any(|r| file.starts_with(r)) {
                failed_before.insert(failure.key.clone(), failure.clone());
            } else if !gone.iter().any(|(r, _)| file.starts_with(r)) {
                payload.failures.push(failure.clone());
            }
        }
        let mut replay = Vec::new();
        for candidate in walked.files {
            let before = held.remove(&candidate.key);
            let failed = failed_before.remove(&candidate.key);
            if let Some(b) = before {
                if b.mtime == candidate.mtime
                    && b.size == candidate.size
                    && !map_changed[candidate.root]
                {
                    unchanged += b.own();
                    if let Some(failure) = failed {
                        payload.failures.push(failure.clone());
                        replay.push(failure);
                    }
                    continue;
                }
            }
            work.push(Job {
                candidate,
                before,
                failed_before: failed,
            });
        }
        // Files in the order of their roots' paths, not of the paths as given, so that which of
        // two copies is met first (and gives the story its id) does not depend on that order.
        work.sort_by(|a, b| roots[a.candidate.root].cmp(&roots[b.candidate.root]));
        // What is left was not walked: gone, if it was under a root walked now, unless it is
        // under a folder that could not be read (kept, as an unreadable file is).
        let unreadable = &walked.unreadable;
        held.retain(|key, h| {
            let kept = unreadable.iter().any(|d| Path::new(key).starts_with(d));
            if kept {
                unchanged += h.own();
            }
            !kept
        });
        // A file under no tracked root came from a link followed to outside one: gone too when
        // every tracked root was walked and none reached it.
        let all_walked = payload.roots.iter().all(|r| scope.contains(r));
        let vanishes = |key: &str| {
            let file = Path::new(key);
            scope.iter().any(|r| file.starts_with(r))
                || (all_walked && !payload.roots.iter().any(|r| file.starts_with(r)))
        };
        let mut vanished: Vec<Vanished> = held
            .into_iter()
            .filter(|(key, _)| vanishes(key))
            .map(|(key, held)| Vanished {
                key,
                articles: held.own(),
            })
            .collect();
        vanished.sort_by(|a, b| a.key.cmp(&b.key));
        let bulk = work.len() >= held_files;
        Plan {
            payload,
            maps,
            roots,
            work,
            replay,
            unchanged,
            vanished,
            gone,
            gone_files,
            bulk,
        }
    }

    /// Bytes of the files to read.
    pub fn bytes(&self) -> u64 {
        self.work.iter().map(|job| job.candidate.size).sum()
    }
}

/// The payload that records `old`'s roots and those walked now, each walked root with `given`
/// as its field map when one was given, else the one it was read with before.
fn remember(old: &Payload, walked: &[std::path::PathBuf], given: &FieldMap) -> Payload {
    let mut payload = Payload {
        roots: old.roots.clone(),
        fields: old.fields.clone(),
        ..Payload::new()
    };
    for root in walked {
        if !payload.roots.contains(root) {
            payload.roots.push(root.clone());
        }
        let map = if given.is_empty() {
            old.fields_of(root)
        } else {
            given.clone()
        };
        payload.fields.retain(|(r, _)| r != root);
        if !map.is_empty() {
            payload.fields.push((root.clone(), map));
        }
    }
    payload
}

/// Reads what the index holds per file from its fast fields (no stored documents are loaded),
/// the stories of its articles into `stories`, and the copies of the articles known by their
/// URL into `copies`.
pub(super) fn load_held(
    searcher: &Searcher,
    fields: &Fields,
    stories: &mut Stories,
    copies: &mut Copies,
) -> Result<HashMap<String, Held>> {
    let schema = searcher.schema();
    let name = |f| schema.get_field_name(f).to_string();
    let mut out: HashMap<String, Held> = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(files) = fast.str(&name(fields.file))? else {
            continue;
        };
        let mtimes = fast.i64(&name(fields.mtime))?;
        let sizes = fast.u64(&name(fields.size))?;
        let hashes = fast.u64(&name(fields.hash))?;
        let simhashes = fast.u64(&name(fields.simhash))?;
        let story_ids = fast.u64(&name(fields.story))?;
        let title_hashes = fast.u64(&name(fields.title_hash))?;
        let ids = fast.u64(&name(fields.id_key))?;
        let copy_terms = match fast.str(&name(fields.copy))? {
            Some(column) => Some((terms_of(&column)?, column)),
            None => None,
        };
        // Every file key of the segment, by ordinal, read in one pass over the dictionary:
        // looking each document's key up on its own decompresses a dictionary block per
        // document, which dominated a run that changed nothing.
        let keys = terms_of(&files)?;
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            if let (Some(simhash), Some(story)) = (simhashes.first(doc), story_ids.first(doc)) {
                stories.insert(simhash, title_hashes.first(doc).unwrap_or(0), story);
            }
            let Some(key) = files
                .term_ords(doc)
                .next()
                .and_then(|ord| keys.get(ord as usize))
            else {
                continue;
            };
            let stamp = Holder {
                key: key.clone(),
                mtime: mtimes.first(doc).unwrap_or(0),
                size: sizes.first(doc).unwrap_or(0),
                hash: hashes.first(doc).unwrap_or(0),
            };
            let held_copies = match &copy_terms {
                Some((terms, column)) => {
                    let of_doc = column
                        .term_ords(doc)
                        .filter_map(|ord| terms.get(ord as usize).map(String::as_str));
                    copies.load(ids.first(doc).unwrap_or(0), key, of_doc)
                }
                None => Vec::new(),
            };
            let by_url = u64::from(!held_copies.is_empty());
            note_stamp(&mut out, &stamp, 1, by_url);
            for holder in held_copies.iter().flatten() {
                note_stamp(&mut out, holder, 0, 0);
            }
        }
    }
    Ok(out)
}

/// Every term of a fast text column, by ordinal, read in one pass over its dictionary.
fn terms_of(column: &tantivy::columnar::StrColumn) -> Result<Vec<String>> {
    let mut terms = Vec::with_capacity(column.num_terms());
    let mut stream = column.dictionary().stream()?;
    while stream.advance() {
        terms.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(terms)
}

/// Counts `articles` (of them `by_url` known by their URL) for the file `stamp` names; a stamp
/// that disagrees with one seen before marks the file stale, to be read again.
fn note_stamp(out: &mut HashMap<String, Held>, stamp: &Holder, articles: u64, by_url: u64) {
    let entry = out.entry(stamp.key.clone()).or_insert(Held {
        mtime: stamp.mtime,
        size: stamp.size,
        hash: stamp.hash,
        articles: 0,
        by_url: 0,
    });
    if (entry.mtime, entry.size, entry.hash) != (stamp.mtime, stamp.size, stamp.hash) {
        entry.mtime = STALE;
    }
    entry.articles += articles;
    entry.by_url += by_url;
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
