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
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use tantivy::Term;

use super::apply::Applier;
use super::copies::{Copies, Holder};
use super::plan::Plan;
use super::story;
use crate::article::Article;
use crate::error::Result;
use crate::ingest::{self, FieldMap, Format, IngestError, Ingested, Limits};
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
    pulled: Vec<(String, Option<Pulled>)>,
    /// Documents made since the last commit and not written yet, by id.
    deferred: BTreeMap<u64, ArticleDocument>,
    /// The articles the archive being read in batches held before and has not held again
    /// so far: resolved again at its end.
    streaming: BTreeSet<u64>,
}

/// The articles known by their URL that a file pulled holds, by id (the best copy where it
/// holds two).
struct Pulled {
    articles: HashMap<u64, Article>,
    /// Whether all of them are kept: of a large archive, only some are (see
    /// [`PULLED_ARCHIVE_BYTES`]), and it is read again for an article not kept.
    whole: bool,
}

/// Text of the articles kept from one web archive pulled: beyond, only the article wanted is,
/// so that pulling from an archive of 50,000 pages does not hold them all.
const PULLED_ARCHIVE_BYTES: usize = 32 << 20;

/// Articles of a web archive pulled, read at a time.
const PULL_BATCH: usize = 64;

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
            streaming: BTreeSet::new(),
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
            streaming: BTreeSet::new(),
        }
    }

    /// `key` has had its turn: what the index records of it is now its content's.
    pub fn applied(&mut self, key: &str) {
        self.pending.remove(key);
    }

    /// The article `id` as the file `key` holds it now.
    fn pull(&mut self, key: &str, id: u64) -> Pull {
        let cached = self.pulled.iter().position(|(k, _)| k == key);
        let at = match cached {
            Some(at)
                if !self.pulled[at]
                    .1
                    .as_ref()
                    .is_some_and(|p| !p.whole && !p.articles.contains_key(&id)) =>
            {
                at
            }
            _ => {
                if let Some(at) = cached {
                    self.pulled.remove(at);
                }
                if self.pulled.len() == PULLED_FILES {
                    self.pulled.remove(0);
                }
                let articles = read_urls(key, id, &self.limits);
                self.pulled.push((key.to_string(), articles));
                self.pulled.len() - 1
            }
        };
        match &self.pulled[at].1 {
            None => Pull::Unreadable,
            Some(pulled) => match pulled.articles.get(&id) {
                Some(article) => Pull::Found(Box::new((
                    article.clone(),
                    (story::simhash(article), story::title_hash(article)),
                ))),
                None => Pull::Missing,
            },
        }
    }
}

/// The articles known by their URL that the file `key` holds (of a large web archive, some of
/// them, always `wanted` if it holds it); `None` when it cannot be read.
fn read_urls(key: &str, wanted: u64, limits: &Limits) -> Option<Pulled> {
    let path = Path::new(key);
    let kind = ingest::kind_of(path)?;
    let mut pulled = Pulled {
        articles: HashMap::new(),
        whole: true,
    };
    if kind.format == Format::Warc {
        let mut bytes = 0;
        let mut each = |batch: Ingested, _: u64| {
            for article in batch.articles.into_iter().filter(|a| a.keyed_by_url) {
                let id = schema::id_key(&article.id);
                let size = article.title.len() + article.lede.len() + article.body.len();
                if id != wanted && !pulled.articles.contains_key(&id) {
                    if bytes + size > PULLED_ARCHIVE_BYTES {
                        pulled.whole = false;
                        continue;
                    }
                    bytes += size;
                }
                keep_best(&mut pulled.articles, article);
            }
            true
        };
        ingest::read_archive(path, key, key, kind, limits, PULL_BATCH, &mut each).ok()?;
        return Some(pulled);
    }
    let read = ingest::read_file(path, kind, limits).ok()?;
    let articles = match ingest::parse_read(key, key, kind, &read, &FieldMap::default(), limits) {
        Ok(ingested) => ingested.articles,
        Err(IngestError::Unreadable(_) | IngestError::TooSlow(_)) => return None,
        Err(_) => Vec::new(),
    };
    for article in articles.into_iter().filter(|a| a.keyed_by_url) {
        keep_best(&mut pulled.articles, article);
    }
    Some(pulled)
}

/// Keeps `article` unless `articles` holds a newer copy of it (or one as new, read first).
fn keep_best(articles: &mut HashMap<u64, Article>, article: Article) {
    match articles.entry(schema::id_key(&article.id)) {
        Entry::Occupied(mut e) if article.revised() > e.get().revised() => {
            e.insert(article);
        }
        Entry::Occupied(_) => {}
        Entry::Vacant(e) => {
            e.insert(article);
        }
    }
}

impl Applier<'_> {
    /// Records the articles known by their URL that `holder` holds now (`read`), in place of
    /// what it held, and resolves every article whose copies changed.
    pub(super) fn fold_in(&mut self, holder: Holder, read: Vec<Read>) -> Result<()> {
        let (mut in_hand, held) = self.one_per_article(read);
        let key = holder.key.clone();
        for id in self.urls.copies.replace(holder, &held) {
            self.resolve(id, &key, &mut in_hand)?;
        }
        Ok(())
    }

    /// Records one batch of the articles known by their URL that the archive `holder` holds
    /// (the `first` batch forgets what it held), and resolves each whose copies changed. So
    /// an archive's articles are folded as they come and never all held.
    pub(super) fn fold_batch(
        &mut self,
        holder: Holder,
        first: bool,
        read: Vec<Read>,
    ) -> Result<()> {
        let key = holder.key.clone();
        if first {
            self.urls.streaming = self.urls.copies.begin(holder);
        }
        let (mut in_hand, held) = self.one_per_article(read);
        for id in self.urls.copies.add(&key, &held) {
            self.urls.streaming.remove(&id);
            self.resolve(id, &key, &mut in_hand)?;
        }
        Ok(())
    }

    /// Ends the archive `key` read in batches: resolves the articles it held before and holds
    /// no more.
    pub(super) fn fold_end(&mut self, key: &str) -> Result<()> {
        for id in std::mem::take(&mut self.urls.streaming) {
            self.resolve(id, key, &mut HashMap::new())?;
        }
        Ok(())
    }

    /// The articles read, one copy per article (two copies in one file: the newer, else the
    /// first, the others counted as folded), and each one's id and revised date, in id order.
    fn one_per_article(&mut self, read: Vec<Read>) -> (HashMap<u64, Read>, Vec<(u64, i64)>) {
        let mut in_hand: HashMap<u64, Read> = HashMap::new();
        let mut twice = 0;
        for (article, hashes) in read {
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
        (in_hand, held)
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
