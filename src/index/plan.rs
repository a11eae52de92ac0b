//! What a run has to do, decided before anything is read: from the walk and what the index
//! holds per file, which files to read (new, or changed on disk or in how they are read), which
//! to skip, which vanished, what the run's commits record, and whether the run is bulk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tantivy::Searcher;

use super::commit::{Failure, Payload};
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
    /// Articles indexed from it.
    pub articles: u64,
}

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
                    articles: h.articles,
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
        let roots = walked.roots;
        // Failures of files not walked now are remembered as they were; those of files walked
        // are replayed (unchanged) or found again (read).
        let mut failed_before: HashMap<String, Failure> = HashMap::new();
        for failure in &old.failures {
            let file = Path::new(&failure.key);
            if roots.iter().any(|r| file.starts_with(r)) {
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
                    unchanged += b.articles;
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
                unchanged += h.articles;
            }
            !kept
        });
        // A file under no tracked root came from a link followed to outside one: gone too when
        // every tracked root was walked and none reached it.
        let all_walked = payload.roots.iter().all(|r| roots.contains(r));
        let vanishes = |key: &str| {
            let file = Path::new(key);
            roots.iter().any(|r| file.starts_with(r))
                || (all_walked && !payload.roots.iter().any(|r| file.starts_with(r)))
        };
        let mut vanished: Vec<Vanished> = held
            .into_iter()
            .filter(|(key, _)| vanishes(key))
            .map(|(key, held)| Vanished {
                key,
                articles: held.articles,
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
/// and the stories of its articles into `stories`.
pub(super) fn load_held(
    searcher: &Searcher,
    fields: &Fields,
    stories: &mut Stories,
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
        // Every file key of the segment, by ordinal, read in one pass over the dictionary:
        // looking each document's key up on its own decompresses a dictionary block per
        // document, which dominated a run that changed nothing.
        let mut keys = Vec::with_capacity(files.num_terms());
        let mut stream = files.dictionary().stream()?;
        while stream.advance() {
            keys.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
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
            let entry = out.entry(key.clone()).or_insert(Held {
                mtime: mtimes.first(doc).unwrap_or(0),
                size: sizes.first(doc).unwrap_or(0),
                hash: hashes.first(doc).unwrap_or(0),
                articles: 0,
            });
            entry.articles += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::kind_of;

    /// A walk of `files` (path, mtime, size) under the roots `/news` and `/feeds`.
    fn walk(files: &[(&str, i64, u64)]) -> Walked {
        let roots = vec![PathBuf::from("/news"), PathBuf::from("/feeds")];
        let files = files
            .iter()
            .map(|&(key, mtime, size)| Candidate {
                path: PathBuf::from(key),
                key: key.to_string(),
                kind: kind_of(Path::new(key)).unwrap(),
                mtime,
                size,
                root: roots
                    .iter()
                    .position(|r| key.starts_with(r.to_str().unwrap()))
                    .unwrap(),
            })
            .collect();
        Walked {
            files,
            roots,
            unreadable: Vec::new(),
        }
    }

    /// An index holding `files` (path, mtime, size, articles).
    fn held(files: &[(&str, i64, u64, u64)]) -> HashMap<String, Held> {
        files
            .iter()
            .map(|&(key, mtime, size, articles)| {
                let hash = 7;
                (
                    key.to_string(),
                    Held {
                        mtime,
                        size,
                        hash,
                        articles,
                    },
                )
            })
            .collect()
    }

    /// The payload of an index built from `roots` with no field maps.
    fn old(roots: &[&str]) -> Payload {
        Payload {
            roots: roots.iter().map(PathBuf::from).collect(),
            ..Payload::new()
        }
    }

    fn options() -> IndexOptions {
        IndexOptions::new(PathBuf::from("/ix"), vec![PathBuf::from("/news")])
    }

    fn columns(names: &[&str]) -> FieldMap {
        FieldMap {
            fields: Vec::new(),
            columns: Some(names.iter().map(|n| n.to_string()).collect()),
        }
    }

    fn keys(plan: &Plan) -> Vec<&str> {
        plan.work.iter().map(|j| j.candidate.key.as_str()).collect()
    }

    /// An index of three news files, each of two articles.
    fn three_files() -> HashMap<String, Held> {
        held(&[
            ("/news/a.txt", 1, 10, 2),
            ("/news/b.txt", 1, 10, 2),
            ("/news/c.txt", 1, 10, 2),
        ])
    }

    #[test]
    fn a_first_build_reads_everything_and_is_bulk() {
        let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
        let plan = Plan::new(&options(), &Payload::default(), walked, HashMap::new(), &[]);
        // Read in the order of the roots' paths, not of the paths as given.
        assert_eq!(keys(&plan), ["/feeds/x.csv", "/news/a.txt"]);
        assert!(plan.work.iter().all(|j| j.before.is_none()));
        assert_eq!((plan.unchanged, plan.bytes()), (0, 30));
        assert!(plan.vanished.is_empty());
        assert!(plan.bulk);
        let roots = [PathBuf::from("/news"), PathBuf::from("/feeds")];
        assert_eq!(plan.payload.roots, roots);
        assert_eq!(plan.payload.schema, crate::schema::SCHEMA_VERSION);
        assert_eq!(plan.maps, [FieldMap::default(), FieldMap::default()]);
    }

    #[test]
    fn files_as_they_were_are_skipped_and_an_added_one_is_read() {
        let walked = walk(&[
            ("/news/a.txt", 1, 10),
            ("/news/b.txt", 1, 10),
            ("/news/c.txt", 1, 10),
            ("/news/d.txt", 5, 10),
        ]);
        let plan = Plan::new(&options(), &old(&["/news"]), walked, three_files(), &[]);
        assert_eq!(keys(&plan), ["/news/d.txt"]);
        assert_eq!(plan.work[0].before, None);
        assert_eq!(plan.unchanged, 6);
        assert!(plan.vanished.is_empty());
        assert!(!plan.bulk, "one file to read against three held");
    }

    #[test]
    fn an_edited_file_is_read_with_what_the_index_held_for_it() {
        // A new mtime, or a new size at the same mtime.
        let walked = walk(&[
            ("/news/a.txt", 2, 10),
            ("/news/b.txt", 1, 12),
            ("/news/c.txt", 1, 10),
        ]);
        let plan = Plan::new(&options(), &old(&["/news"]), walked, three_files(), &[]);
        assert_eq!(keys(&plan), ["/news/a.txt", "/news/b.txt"]);
        let before = plan.work[0].before.unwrap();
        assert_eq!((before.mtime, before.articles), (1, 2));
        assert_eq!(plan.unchanged, 2);
        assert!(!plan.bulk);
    }

    #[test]
    fn a_deleted_file_vanishes_but_not_one_under_a_root_not_walked() {
        let mut index = three_files();
        index.extend(held(&[("/feeds/x.csv", 1, 20, 5)]));
        let walked = walk(&[("/news/a.txt", 1, 10), ("/news/c.txt", 1, 10)]);
        let walked = Walked {
            roots: vec![PathBuf::from("/news")],
            ..walked
        };
        let plan = Plan::new(&options(), &old(&["/news", "/feeds"]), walked, index, &[]);
        assert!(plan.work.is_empty());
        assert_eq!(plan.unchanged, 4);
        let gone = Vanished {
            key: "/news/b.txt".into(),
            articles: 2,
        };
        assert_eq!(plan.vanished, [gone]);
        // The root not walked this time is still remembered.
        assert_eq!(plan.payload.roots, old(&["/news", "/feeds"]).roots);
        assert!(!plan.bulk);
    }

    #[test]
    fn a_renamed_file_is_read_as_new_and_its_old_name_vanishes() {
        let walked = walk(&[
            ("/news/a.txt", 1, 10),
            ("/news/b.txt", 1, 10),
            ("/news/z.txt", 1, 10),
        ]);
        let plan = Plan::new(&options(), &old(&["/news"]), walked, three_files(), &[]);
        assert_eq!(keys(&plan), ["/news/z.txt"]);
        assert_eq!(plan.work[0].before, None);
        assert_eq!(plan.unchanged, 4);
        let gone = Vanished {
            key: "/news/c.txt".into(),
            articles: 2,
        };
        assert_eq!(plan.vanished, [gone]);
    }

    #[test]
    fn a_new_field_map_rereads_its_root_and_is_remembered() {
        let index = held(&[("/feeds/x.csv", 1, 20, 5), ("/news/a.txt", 1, 10, 2)]);
        let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
        let mut given = options();
        given.fields = columns(&["title", "body"]);
        let before = old(&["/news", "/feeds"]);
        let plan = Plan::new(&given, &before, walked, index.clone(), &[]);
        // Both walked roots take the map given, so both are read again, unchanged on disk.
        assert_eq!(keys(&plan), ["/feeds/x.csv", "/news/a.txt"]);
        assert_eq!(plan.maps, [given.fields.clone(), given.fields.clone()]);
        assert_eq!(plan.payload.fields_of(Path::new("/feeds")), given.fields);
        assert!(plan.bulk);

        // The next run without a map reads each root with the one remembered: nothing to read.
        let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
        let again = Plan::new(&options(), &plan.payload, walked, index.clone(), &[]);
        assert!(again.work.is_empty());
        assert_eq!(again.maps, [given.fields.clone(), given.fields.clone()]);
        assert_eq!(again.payload, plan.payload);

        // A different map than the one remembered reads the root again.
        let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
        let mut other = options();
        other.fields = columns(&["title", "lede", "body"]);
        let changed = Plan::new(&other, &plan.payload, walked, index, &[]);
        assert_eq!(changed.work.len(), 2);
        assert_eq!(changed.payload.fields_of(Path::new("/news")), other.fields);
    }

    #[test]
    fn a_root_read_with_a_map_before_keeps_it_when_another_root_is_added() {
        let before = Payload {
            fields: vec![(PathBuf::from("/feeds"), columns(&["title", "body"]))],
            ..old(&["/feeds"])
        };
        let index = held(&[("/feeds/x.csv", 1, 20, 5)]);
        let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
        let plan = Plan::new(&options(), &before, walked, index, &[]);
        assert_eq!(keys(&plan), ["/news/a.txt"]);
        assert_eq!(
            plan.maps,
            [FieldMap::default(), columns(&["title", "body"])]
        );
        assert_eq!(plan.payload.fields, before.fields);
        assert_eq!(plan.payload.roots, old(&["/feeds", "/news"]).roots);
    }

    #[test]
    fn a_run_is_bulk_when_it_reads_at_least_as_many_files_as_the_index_held() {
        let touched = |n: usize| {
            let files: Vec<(&str, i64, u64)> = ["/news/a.txt", "/news/b.txt", "/news/c.txt"]
                .iter()
                .enumerate()
                .map(|(i, key)| (*key, if i < n { 9 } else { 1 }, 10))
                .collect();
            Plan::new(
                &options(),
                &old(&["/news"]),
                walk(&files),
                three_files(),
                &[],
            )
        };
        assert!(!touched(2).bulk);
        assert!(touched(3).bulk, "every file touched, even if none changed");
        // Files added count too: two new ones beside one touched, against three held.
        let walked = walk(&[
            ("/news/a.txt", 9, 10),
            ("/news/b.txt", 1, 10),
            ("/news/c.txt", 1, 10),
            ("/news/d.txt", 1, 10),
            ("/news/e.txt", 1, 10),
        ]);
        assert!(Plan::new(&options(), &old(&["/news"]), walked, three_files(), &[]).bulk);
    }

    #[test]
    fn a_rebuild_forgets_what_the_index_held_and_remembered() {
        let before = Payload {
            fields: vec![(PathBuf::from("/feeds"), columns(&["title", "body"]))],
            ..old(&["/news", "/feeds"])
        };
        let mut rebuild = options();
        rebuild.rebuild = true;
        let walked = walk(&[("/news/a.txt", 1, 10)]);
        let walked = Walked {
            roots: vec![PathBuf::from("/news")],
            ..walked
        };
        let plan = Plan::new(&rebuild, &before, walked, three_files(), &[]);
        assert_eq!(keys(&plan), ["/news/a.txt"]);
        assert_eq!(plan.work[0].before, None);
        assert!(
            plan.vanished.is_empty(),
            "the rebuild deleted everything already"
        );
        assert!(plan.bulk);
        assert_eq!(plan.payload, old(&["/news"]));
    }
    #[test]
    fn a_gone_root_is_forgotten_and_its_files_leave_even_if_cancelled() {
        let mut index = three_files();
        index.extend(held(&[
            ("/feeds/x.csv", 1, 20, 5),
            ("/feeds/y.csv", 1, 20, 1),
        ]));
        let walked = walk(&[
            ("/news/a.txt", 1, 10),
            ("/news/b.txt", 1, 10),
            ("/news/c.txt", 1, 10),
        ]);
        let walked = Walked {
            roots: vec![PathBuf::from("/news")],
            ..walked
        };
        let gone = [PathBuf::from("/feeds")];
        let plan = Plan::new(&options(), &old(&["/news", "/feeds"]), walked, index, &gone);
        assert_eq!(plan.gone, [(PathBuf::from("/feeds"), 6)]);
        let keys: Vec<&str> = plan.gone_files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["/feeds/x.csv", "/feeds/y.csv"]);
        assert!(plan.vanished.is_empty());
        assert_eq!(plan.payload.roots, old(&["/news"]).roots);
        assert_eq!(plan.unchanged, 6);
    }

    #[test]
    fn files_under_an_unreadable_folder_are_kept() {
        let walked = walk(&[("/news/a.txt", 1, 10)]);
        let walked = Walked {
            roots: vec![PathBuf::from("/news")],
            unreadable: vec!["/news/b.txt".into(), "/news/sub".into()],
            ..walked
        };
        let mut index = three_files();
        index.extend(held(&[("/news/sub/d.txt", 1, 10, 3)]));
        let plan = Plan::new(&options(), &old(&["/news"]), walked, index, &[]);
        let gone = Vanished {
            key: "/news/c.txt".into(),
            articles: 2,
        };
        assert_eq!(plan.vanished, [gone]);
        assert_eq!(plan.unchanged, 2 + 2 + 3);
    }

    #[test]
    fn failures_of_unchanged_files_are_replayed_and_of_read_files_looked_up() {
        let failure = |key: &str| Failure {
            key: key.into(),
            hash: 7,
            failed: vec![("#2".into(), "invalid JSON".into())],
        };
        let before = Payload {
            failures: vec![
                failure("/news/a.txt"),
                failure("/news/b.txt"),
                failure("/news/gone.txt"),
                failure("/elsewhere/z.txt"),
            ],
            ..old(&["/news"])
        };
        let walked = walk(&[("/news/a.txt", 1, 10), ("/news/b.txt", 2, 10)]);
        let walked = Walked {
            roots: vec![PathBuf::from("/news")],
            ..walked
        };
        let plan = Plan::new(&options(), &before, walked, three_files(), &[]);
        assert_eq!(plan.replay, [failure("/news/a.txt")]);
        assert_eq!(plan.work[0].failed_before, Some(failure("/news/b.txt")));
        // Kept: the one replayed and the one not walked; the read file's is found again.
        let kept: Vec<&str> = plan
            .payload
            .failures
            .iter()
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(kept, ["/elsewhere/z.txt", "/news/a.txt"]);
    }
    #[test]
    fn a_file_under_no_root_leaves_only_when_every_root_was_walked() {
        let mut index = three_files();
        index.extend(held(&[("/outside/o.txt", 1, 10, 1)]));
        let all = walk(&[
            ("/news/a.txt", 1, 10),
            ("/news/b.txt", 1, 10),
            ("/news/c.txt", 1, 10),
        ]);
        let plan = Plan::new(
            &options(),
            &old(&["/news", "/feeds"]),
            all,
            index.clone(),
            &[],
        );
        assert_eq!(plan.vanished.len(), 1);
        assert_eq!(plan.vanished[0].key, "/outside/o.txt");

        let some = walk(&[
            ("/news/a.txt", 1, 10),
            ("/news/b.txt", 1, 10),
            ("/news/c.txt", 1, 10),
        ]);
        let some = Walked {
            roots: vec![PathBuf::from("/news")],
            ..some
        };
        let plan = Plan::new(&options(), &old(&["/news", "/feeds"]), some, index, &[]);
        assert!(
            plan.vanished.is_empty(),
            "a link under /feeds, not walked now, may lead to it"
        );
    }
}
