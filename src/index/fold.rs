//! One article per URL: when a file holding copies of articles known by their URL is read,
//! changed or gone, each article whose copies changed is resolved again at once, before the
//! next file is applied: its document is made from the winning copy (`copies`) with every
//! holder in its `copy` terms, or deleted when no file holds it any more. Documents made wait
//! for the next commit (or until [`DEFERRED`] wait), so that an article that fifty snapshots
//! read in one run hold is written once, not fifty times; each commit writes them all first.
//!
//! The winner's text is the copy in hand (the file just read), else read again from its file
//! ("pulled"). A file the run has still to read is passed over as a source: what the index
//! recorded of it is out of date, and its own turn resolves its articles again. So a commit
//! never records a file as read while an article it holds is missing: a file whose turn has
//! not come keeps a stamp that differs from the disk, and is read again by the next run,
//! whatever stopped this one (`plan::load_held` marks a file whose documents disagree stale).

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use tantivy::Term;

use super::apply::Applier;
use super::copies::{Copies, Holder};
use super::plan::Plan;
use super::story;
use crate::article::Article;
use crate::error::Result;
use crate::ingest::{self, FieldMap, IngestError, Limits};
use crate::schema::{self, ArticleDocument, FileStamp, StoryStamp};

/// An article read, with its SimHash and headline hash.
pub(super) type Read = (Article, (u64, u64));

/// Files whose articles known by their URL are kept after being pulled, for the next pulls.
const PULLED_FILES: usize = 4;

/// Documents that may wait for the next commit: beyond, they are written at once (their text
/// is held until then).
const DEFERRED: usize = 2_000;

/// The copies of the articles known by their URL, and what a run needs to resolve them.
pub(super) struct Folder {
    /// What the index holds and the run changes.
    pub copies: Copies,
    /// The bounds a pulled file is read within.
    limits: Limits,
    /// Files the run has still to read.
    pending: HashSet<String>,
    /// The articles of the files pulled last (`None`: the file could not be read).
    pulled: Vec<(String, Option<HashMap<u64, Article>>)>,
    /// Documents made since the last commit and not written yet, by id.
    deferred: BTreeMap<u64, ArticleDocument>,
}

/// What pulling one article from its file found.
enum Pull {
    Found(Box<Read>),
    /// The file no longer holds it (or no longer holds articles).
    Missing,
    /// The file could not be read: it keeps its copies.
    Unreadable,
}

impl Folder {
    /// A folder for the run of `plan`, from the copies the index holds.
    pub fn new(copies: Copies, plan: &Plan, limits: &Limits) -> Folder {
        Folder {
            copies,
            limits: *limits,
            pending: plan.work.iter().map(|j| j.candidate.key.clone()).collect(),
            pulled: Vec::new(),
            deferred: BTreeMap::new(),
        }
    }

    /// A folder for removing files only (`warta forget`).
    pub fn removing(copies: Copies) -> Folder {
        Folder {
            copies,
            limits: Limits::default(),
            pending: HashSet::new(),
            pulled: Vec::new(),
            deferred: BTreeMap::new(),
        }
    }

    /// `key` has had its turn: what the index records of it is now its content's.
    pub fn applied(&mut self, key: &str) {
        self.pending.remove(key);
    }

    /// The article `id` as the file `key` holds it now.
    fn pull(&mut self, key: &str, id: u64) -> Pull {
        let at = match self.pulled.iter().position(|(k, _)| k == key) {
            Some(at) => at,
            None => {
                if self.pulled.len() == PULLED_FILES {
                    self.pulled.remove(0);
                }
                let articles = read_urls(key, &self.limits);
                self.pulled.push((key.to_string(), articles));
                self.pulled.len() - 1
            }
        };
        match &self.pulled[at].1 {
            None => Pull::Unreadable,
            Some(articles) => match articles.get(&id) {
                Some(article) => Pull::Found(Box::new((
                    article.clone(),
                    (story::simhash(article), story::title_hash(article)),
                ))),
                None => Pull::Missing,
            },
        }
    }
}

/// The articles known by their URL that the file `key` holds, by id (the best copy where it
/// holds two); `None` when it cannot be read.
fn read_urls(key: &str, limits: &Limits) -> Option<HashMap<u64, Article>> {
    let path = Path::new(key);
    let kind = ingest::kind_of(path)?;
    let read = ingest::read_file(path, kind, limits).ok()?;
    let articles = match ingest::parse_read(key, key, kind, &read, &FieldMap::default(), limits) {
        Ok(ingested) => ingested.articles,
        Err(IngestError::Unreadable(_) | IngestError::TooSlow(_)) => return None,
        Err(_) => Vec::new(),
    };
    let mut out: HashMap<u64, Article> = HashMap::new();
    for article in articles.into_iter().filter(|a| a.keyed_by_url) {
        match out.entry(schema::id_key(&article.id)) {
            Entry::Occupied(mut e) if article.revised() > e.get().revised() => {
                e.insert(article);
            }
            Entry::Occupied(_) => {}
            Entry::Vacant(e) => {
                e.insert(article);
            }
        }
    }
    Some(out)
}

impl Applier<'_> {
    /// Records the articles known by their URL that `holder` holds now (`read`), in place of
    /// what it held, and resolves every article whose copies changed.
    pub(super) fn fold_in(&mut self, holder: Holder, read: Vec<Read>) -> Result<()> {
        let mut in_hand: HashMap<u64, Read> = HashMap::new();
        let mut twice = 0;
        for (article, hashes) in read {
            // Two copies in one file: the newer, else the first.
            match in_hand.entry(schema::id_key(&article.id)) {
                Entry::Occupied(mut e) => {
                    twice += 1;
                    if article.revised() > e.get().0.revised() {
                        e.insert((article, hashes));
                    }
                }
                Entry::Vacant(e) => {
                    e.insert((article, hashes));
                }
            }
        }
        self.urls.copies.fold(twice);
        let mut held: Vec<(u64, i64)> = in_hand
            .iter()
            .map(|(id, (a, _))| (*id, a.revised()))
            .collect();
        held.sort_unstable();
        let key = holder.key.clone();
        for id in self.urls.copies.replace(holder, &held) {
            self.resolve(id, &key, &mut in_hand)?;
        }
        Ok(())
    }

    /// Forgets the copies the file `key` held, and resolves the articles they were copies of.
    pub(super) fn fold_out(&mut self, key: &str) -> Result<()> {
        for id in self.urls.copies.remove(key) {
            self.resolve(id, key, &mut HashMap::new())?;
        }
        Ok(())
    }

    /// Writes the document of `id` from its best copy that can be read now (`in_hand` holds
    /// those of `from`, the file just read), or deletes it when there is none.
    fn resolve(&mut self, id: u64, from: &str, in_hand: &mut HashMap<u64, Read>) -> Result<()> {
        let ranked: Vec<String> = (self.urls.copies.ranked(id).iter())
            .map(|h| h.key.clone())
            .collect();
        // The same copy still wins, only the holders changed: a document waiting takes the new
        // holders as it is (its winner was read in this run, so it is the file's content).
        let same = ranked.first().is_some_and(|best| {
            *best != from && self.urls.copies.winner(id) == Some(best.as_str())
        });
        if same {
            if let Some(document) = self.urls.deferred.remove(&id) {
                let terms = self.urls.copies.terms(id);
                self.urls.deferred.insert(id, document.with_copies(terms));
                return Ok(());
            }
        }
        let mut chosen = None;
        for key in ranked {
            if key == from {
                chosen = in_hand.remove(&id).map(|read| (key, read));
            } else if !self.urls.pending.contains(&key) {
                match self.urls.pull(&key, id) {
                    Pull::Found(read) => chosen = Some((key, *read)),
                    Pull::Missing => self.urls.copies.drop_copy(id, &key),
                    Pull::Unreadable => {}
                }
            }
            if chosen.is_some() {
                break;
            }
        }
        // A document waiting is replaced; one written is deleted.
        let waiting = self.urls.deferred.remove(&id).is_some();
        if !waiting && self.urls.copies.has_document(id) {
            let term = Term::from_field_text(self.fields.id, &format!("{id:016x}"));
            self.writer.delete_term(term);
        }
        let Some((key, (article, (simhash, title_hash)))) = chosen else {
            self.urls.copies.set_winner(id, None);
            return Ok(());
        };
        let holder = self.urls.copies.holder(&key).expect("a holder of a copy");
        let stamp = FileStamp {
            key: key.clone(),
            mtime: holder.mtime,
            size: holder.size,
            hash: holder.hash,
        };
        let story = self
            .stories
            .assign(simhash, title_hash, story::own_story(&article.id));
        let story = StoryStamp {
            simhash,
            story,
            title_hash,
        };
        let terms = self.urls.copies.terms(id);
        let document = self
            .fields
            .article_document(article, stamp, story)
            .with_copies(terms);
        self.urls.deferred.insert(id, document);
        self.urls.copies.set_winner(id, Some(&key));
        if self.urls.deferred.len() >= DEFERRED {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the documents waiting: before every commit.
    pub(super) fn flush(&mut self) -> Result<()> {
        for (_, document) in std::mem::take(&mut self.urls.deferred) {
            self.writer.add_document(document)?;
        }
        Ok(())
    }
}
