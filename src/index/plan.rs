//! What a run has to do, decided before anything is read: from the walk and what the index
//! holds per file, which files to read (new, or changed on disk or in how they are read), which
//! to skip, which vanished, what the run's commits record, and whether the run is bulk.

use std::collections::HashMap;
use std::path::Path;

use tantivy::Searcher;

use super::commit::Payload;
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
    /// Files to read, in walk order.
    pub work: Vec<Job>,
    /// Articles of files skipped because their size and mtime match what the index holds.
    pub unchanged: u64,
    /// Files whose articles leave the index (unless the run is cancelled).
    pub vanished: Vec<Vanished>,
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
    ) -> Plan {
        let (old, mut held) = if options.rebuild {
            (&Payload::new(), HashMap::new())
        } else {
            (old, held)
        };
        let held_files = held.len();
        let payload = remember(old, &walked.roots, &options.fields);
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
        for candidate in walked.files {
            let before = held.remove(&candidate.key);
            if let Some(b) = before {
                if b.mtime == candidate.mtime
                    && b.size == candidate.size
                    && !map_changed[candidate.root]
                {
                    unchanged += b.articles;
                    continue;
                }
            }
            work.push(Job { candidate, before });
        }
        // Files in the order of their roots' paths, not of the paths as given, so that which of
        // two copies is met first (and gives the story its id) does not depend on that order.
        work.sort_by(|a, b| walked.roots[a.candidate.root].cmp(&walked.roots[b.candidate.root]));
        // What is left was not walked: gone, if it was under a root walked now.
        let mut vanished: Vec<Vanished> = held
            .into_iter()
            .filter(|(key, _)| walked.roots.iter().any(|r| Path::new(key).starts_with(r)))
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
            work,
            unchanged,
            vanished,
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
    use std::path::PathBuf;

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
        Walked { files, roots }
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
        let plan = Plan::new(&options(), &Payload::default(), walked, HashMap::new());
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
        let plan = Plan::new(&options(), &old(&["/news"]), walked, three_files());
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
        let plan = Plan::new(&options(), &old(&["/news"]), walked, three_files());
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
        let plan = Plan::new(&options(), &old(&["/news", "/feeds"]), walked, index);
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
        let plan = Plan::new(&options(), &old(&["/news"]), walked, three_files());
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
        let plan = Plan::new(&given, &before, walked, index.clone());
        // Both walked roots take the map given, so both are read again, unchanged on disk.
        assert_eq!(keys(&plan), ["/feeds/x.csv", "/news/a.txt"]);
        assert_eq!(plan.maps, [given.fields.clone(), given.fields.clone()]);
        assert_eq!(plan.payload.fields_of(Path::new("/feeds")), given.fields);
        assert!(plan.bulk);

        // The next run without a map reads each root with the one remembered: nothing to read.
        let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
        let again = Plan::new(&options(), &plan.payload, walked, index.clone());
        assert!(again.work.is_empty());
        assert_eq!(again.maps, [given.fields.clone(), given.fields.clone()]);
        assert_eq!(again.payload, plan.payload);

        // A different map than the one remembered reads the root again.
        let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
        let mut other = options();
        other.fields = columns(&["title", "lede", "body"]);
        let changed = Plan::new(&other, &plan.payload, walked, index);
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
        let plan = Plan::new(&options(), &before, walked, index);
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
            Plan::new(&options(), &old(&["/news"]), walk(&files), three_files())
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
        assert!(Plan::new(&options(), &old(&["/news"]), walked, three_files()).bulk);
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
        let plan = Plan::new(&rebuild, &before, walked, three_files());
        assert_eq!(keys(&plan), ["/news/a.txt"]);
        assert_eq!(plan.work[0].before, None);
        assert!(
            plan.vanished.is_empty(),
            "the rebuild deleted everything already"
        );
        assert!(plan.bulk);
        assert_eq!(plan.payload, old(&["/news"]));
    }
}
