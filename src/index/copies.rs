//! Articles known by their URL (feed items, web-archive records): many files may hold a copy
//! of one, and the index holds one document for it. This is what the index knows of those
//! copies, without tantivy: which files hold which articles (with each file's stamp and each
//! copy's revised date), which copy wins, and what a run changed.
//!
//! The document of such an article records every file holding a copy in its `copy` field (one
//! term per file: its stamp and the copy's date, [`Copies::terms`]), and its `file` field names
//! the winning copy's file. The winner is the copy with the newest revised date (updated, else
//! published), then of the newest file (mtime, then the greater path): a total order, so the
//! same files give the same winner whatever order they were read in, incrementally or not.

use std::collections::{BTreeSet, HashMap};

/// A file holding copies, with the stamp it had when they were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Holder {
    /// Canonical path.
    pub key: String,
    /// Modification time, nanoseconds since the epoch.
    pub mtime: i64,
    /// Size in bytes.
    pub size: u64,
    /// Content hash.
    pub hash: u64,
}

/// One copy of an article: the file holding it (an index into the holders) and its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Copy {
    file: u32,
    revised: i64,
}

/// What a run did to the articles known by their URL.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct UrlCounts {
    /// Articles new to the index.
    pub added: u64,
    /// Articles whose winning copy changed (another file, or its file changed).
    pub updated: u64,
    /// Articles in the index that the run did not change.
    pub unchanged: u64,
    /// Articles no file holds any more.
    pub removed: u64,
    /// Copies read in the run of an article that another file (or an earlier copy in the same
    /// file) already stood for.
    pub folded: u64,
}

/// The copies the index holds and the run changes.
#[derive(Debug, Default)]
pub(super) struct Copies {
    holders: Vec<Holder>,
    by_key: HashMap<String, u32>,
    /// Every copy of each article, by id (as a number).
    by_id: HashMap<u64, Vec<Copy>>,
    /// The articles each file holds a copy of.
    by_file: HashMap<u32, Vec<u64>>,
    /// The file of each article's document, for the articles that have one.
    winners: HashMap<u64, u32>,
    /// For each article the run touched: its winner's file and that file's hash before.
    before: HashMap<u64, Option<(u32, u64)>>,
    folded: u64,
}

impl Copies {
    /// Records a document of the index: the article `id` whose `file` is `winner`, with its
    /// `copy` terms. Returns the holders whose stamps the terms give (to check them against
    /// the stamps other documents give); `None` for a term that does not parse.
    pub fn load<'t>(
        &mut self,
        id: u64,
        winner: &str,
        terms: impl Iterator<Item = &'t str>,
    ) -> Vec<Option<Holder>> {
        let mut out = Vec::new();
        for term in terms {
            let Some((holder, revised)) = parse_term(term) else {
                out.push(None);
                continue;
            };
            let file = self.file(&holder.key);
            self.add_copy(id, file, revised);
            out.push(Some(holder.clone()));
            self.holders[file as usize] = holder;
        }
        if let Some(&file) = self.by_key.get(winner) {
            self.winners.insert(id, file);
        }
        out
    }

    /// Whether the index holds a document for `id`.
    pub fn has_document(&self, id: u64) -> bool {
        self.winners.contains_key(&id)
    }

    /// The file of the document of `id`, when it has one.
    pub fn winner(&self, id: u64) -> Option<&str> {
        self.winners
            .get(&id)
            .map(|&f| self.holders[f as usize].key.as_str())
    }

    /// Whether `key` holds copies.
    pub fn holds(&self, key: &str) -> bool {
        self.by_key
            .get(key)
            .is_some_and(|f| self.by_file.get(f).is_some_and(|ids| !ids.is_empty()))
    }

    /// Records what `holder` holds now (`copies`: each article's id and revised date, one
    /// per article), in place of what it held; returns the articles whose copies changed, in
    /// id order (each to be resolved again).
    pub fn replace(&mut self, holder: Holder, copies: &[(u64, i64)]) -> Vec<u64> {
        let key = holder.key.clone();
        let mut touched = self.begin(holder);
        touched.extend(self.add(&key, copies));
        touched.into_iter().collect()
    }

    /// Starts recording what `holder` holds now (then given by [`Copies::add`], in batches):
    /// forgets what it held; returns the articles it held, each to be resolved again.
    pub fn begin(&mut self, holder: Holder) -> BTreeSet<u64> {
        let file = self.file(&holder.key);
        let touched = self.forget_copies(file);
        self.holders[file as usize] = holder;
        touched
    }

    /// Records copies that `key` holds (after [`Copies::begin`]): each article's id and
    /// revised date, one per article in a batch. Returns the articles to resolve again, in
    /// the order given: those the file held no copy of yet in this reading, and those it
    /// held an older copy of (a page fetched twice: the newer copy, else the first, stands).
    pub fn add(&mut self, key: &str, copies: &[(u64, i64)]) -> Vec<u64> {
        let file = self.file(key);
        let mut out = Vec::new();
        for &(id, revised) in copies {
            self.touch(id);
            let held = self.by_id.entry(id).or_default();
            if let Some(copy) = held.iter_mut().find(|c| c.file == file) {
                self.folded += 1;
                if revised > copy.revised {
                    copy.revised = revised;
                    out.push(id);
                }
                continue;
            }
            if !held.is_empty() {
                self.folded += 1;
            }
            self.add_copy(id, file, revised);
            out.push(id);
        }
        out
    }

    /// Forgets the copies `key` held (the file is gone, or holds articles no more); returns
    /// the articles whose copies changed, in id order.
    pub fn remove(&mut self, key: &str) -> Vec<u64> {
        match self.by_key.get(key) {
            Some(&file) => self.forget_copies(file).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// The files holding a copy of `id`, best copy first.
    pub fn ranked(&self, id: u64) -> Vec<&Holder> {
        let mut copies: Vec<Copy> = self.by_id.get(&id).cloned().unwrap_or_default();
        copies.sort_by(|a, b| self.rank(*b).cmp(&self.rank(*a)));
        copies
            .iter()
            .map(|c| &self.holders[c.file as usize])
            .collect()
    }

    /// The stamp recorded for `key`, when it holds copies.
    pub fn holder(&self, key: &str) -> Option<&Holder> {
        self.by_key.get(key).map(|&f| &self.holders[f as usize])
    }

    /// Counts `n` copies read in the run that were folded into an article another copy in the
    /// same file already stands for.
    pub fn fold(&mut self, n: u64) {
        self.folded += n;
    }

    /// Forgets that `key` holds a copy of `id` (it was not found there when read again).
    pub fn drop_copy(&mut self, id: u64, key: &str) {
        let Some(&file) = self.by_key.get(key) else {
            return;
        };
        if let Some(copies) = self.by_id.get_mut(&id) {
            copies.retain(|c| c.file != file);
        }
        if let Some(ids) = self.by_file.get_mut(&file) {
            ids.retain(|i| *i != id);
        }
    }

    /// Records which file's copy the document of `id` now holds (`None`: it has none).
    pub fn set_winner(&mut self, id: u64, winner: Option<&str>) {
        self.touch(id);
        match winner.and_then(|key| self.by_key.get(key)) {
            Some(&file) => self.winners.insert(id, file),
            None => self.winners.remove(&id),
        };
    }

    /// The `copy` terms of the document of `id`: one per file holding a copy.
    pub fn terms(&self, id: u64) -> Vec<String> {
        let mut terms: Vec<String> = (self.by_id.get(&id).into_iter().flatten())
            .map(|c| {
                let h = &self.holders[c.file as usize];
                format!("{}:{}:{}:{}:{}", h.mtime, h.size, h.hash, c.revised, h.key)
            })
            .collect();
        terms.sort();
        terms
    }

    /// What the run did, from what each article it touched had before and has now.
    pub fn counts(&self) -> UrlCounts {
        let mut counts = UrlCounts {
            folded: self.folded,
            ..UrlCounts::default()
        };
        for (id, before) in &self.before {
            let now = self
                .winners
                .get(id)
                .map(|&f| (f, self.holders[f as usize].hash));
            match (before, now) {
                (None, Some(_)) => counts.added += 1,
                (Some(_), None) => counts.removed += 1,
                (Some(b), Some(n)) if *b != n => counts.updated += 1,
                _ => {}
            }
        }
        counts.unchanged = self.winners.len() as u64 - counts.added - counts.updated;
        counts
    }

    /// The order of copies: newest revised date, then newest file, then greater path.
    fn rank(&self, copy: Copy) -> (i64, i64, &str) {
        let holder = &self.holders[copy.file as usize];
        (copy.revised, holder.mtime, &holder.key)
    }

    /// Remembers what the document of `id` held before the run first touched it.
    fn touch(&mut self, id: u64) {
        if !self.before.contains_key(&id) {
            let was = self
                .winners
                .get(&id)
                .map(|&f| (f, self.holders[f as usize].hash));
            self.before.insert(id, was);
        }
    }

    fn file(&mut self, key: &str) -> u32 {
        if let Some(&file) = self.by_key.get(key) {
            return file;
        }
        let file = self.holders.len() as u32;
        self.holders.push(Holder {
            key: key.to_string(),
            mtime: 0,
            size: 0,
            hash: 0,
        });
        self.by_key.insert(key.to_string(), file);
        file
    }

    fn add_copy(&mut self, id: u64, file: u32, revised: i64) {
        let copies = self.by_id.entry(id).or_default();
        if !copies.iter().any(|c| c.file == file) {
            copies.push(Copy { file, revised });
            self.by_file.entry(file).or_default().push(id);
        }
    }

    fn forget_copies(&mut self, file: u32) -> BTreeSet<u64> {
        let ids = self.by_file.remove(&file).unwrap_or_default();
        for id in &ids {
            self.touch(*id);
            if let Some(copies) = self.by_id.get_mut(id) {
                copies.retain(|c| c.file != file);
                if copies.is_empty() {
                    self.by_id.remove(id);
                }
            }
        }
        ids.into_iter().collect()
    }
}

/// A `copy` term read back: the holder's stamp and the copy's revised date.
fn parse_term(term: &str) -> Option<(Holder, i64)> {
    let mut parts = term.splitn(5, ':');
    let mtime = parts.next()?.parse().ok()?;
    let size = parts.next()?.parse().ok()?;
    let hash = parts.next()?.parse().ok()?;
    let revised = parts.next()?.parse().ok()?;
    let key = parts.next()?.to_string();
    Some((
        Holder {
            key,
            mtime,
            size,
            hash,
        },
        revised,
    ))
}

#[cfg(test)]
#[path = "copies_tests.rs"]
mod tests;
