//! The engine: opens an index, holds its reader, and answers searches and look-ups of single
//! articles. One `Engine` is shared by every thread that searches (a clone is a reference).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value as _;
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::facets::{self, Facet};
use super::live_stats::TokenTotals;
use super::ranking::Folded;
use super::snippet;
use super::sources::SourceNames;
use super::{Hit, Hits, SearchOptions};
use crate::article::{Article, ENGLISH, INDONESIAN, UNDETERMINED};
use crate::error::{Error, Result};
use crate::query;
use crate::schema::{self, analysis, Fields};

/// A reader of `index` that sees its last commit, reloaded only when asked.
fn manual_reader(index: &Index) -> Result<IndexReader> {
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?)
}

/// An open index, ready to answer queries. Cloning it is cheap (the clones share one reader
/// and its caches), and it may be used from any number of threads at once.
#[derive(Clone)]
pub struct Engine {
    pub(super) inner: Arc<Shared>,
}

/// What the clones of an engine share.
pub(super) struct Shared {
    pub(super) index: Index,
    pub(super) fields: Fields,
    pub(super) reader: IndexReader,
    pub(super) dir: PathBuf,
    /// BM25 token totals, counted once per searcher generation rather than per search.
    pub(super) token_totals: TokenTotals,
    /// What finds the matches for snippets, kept with the keys of their last stems.
    matchers: MatcherPool,
    /// Source names as written, by key.
    pub(super) source_names: SourceNames,
    /// The verification of the files every open verifies, running beside the first search.
    intact: Intact,
}

/// The verification of an opened index's field norms and fast fields (`schema::damage::Pending`),
/// run on a thread of its own so that a fresh process's first search overlaps it; whatever
/// answers waits for its outcome first ([`Engine::intact`]).
enum Verifying {
    /// Running; the thread tells the damaged file, if any.
    Running(std::thread::JoinHandle<Option<String>>),
    /// Done: the damaged file, if any.
    Done(Option<String>),
}

/// A [`Verifying`] that any thread may wait for.
struct Intact(Mutex<Verifying>);

impl Intact {
    /// Starts verifying `pending` (on the calling thread where no thread can be started).
    fn start(pending: schema::damage::Pending) -> Intact {
        let state = if pending.is_empty() {
            Verifying::Done(None)
        } else {
            let pending = Arc::new(pending);
            let theirs = Arc::clone(&pending);
            let spawned = std::thread::Builder::new()
                .name("verify".into())
                .spawn(move || theirs.damaged());
            match spawned {
                Ok(handle) => Verifying::Running(handle),
                Err(_) => Verifying::Done(pending.damaged()),
            }
        };
        Intact(Mutex::new(state))
    }
}

/// Snippet matchers by analyzer, lent to one search at a time: a search takes one out and
/// puts it back when done, so searches never wait on each other's snippets, and the next
/// search of the same words finds their keys built.
#[derive(Default)]
struct MatcherPool(Mutex<BTreeMap<&'static str, Vec<analysis::StemMatcher>>>);

impl MatcherPool {
    /// A matcher for `analyzer`: an idle one, or a new one when every one is lent out.
    fn take(&self, analyzer: &'static str) -> analysis::StemMatcher {
        let idle = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(analyzer)
            .and_then(Vec::pop);
        idle.unwrap_or_else(|| analysis::StemMatcher::new(analyzer))
    }

    /// Returns matchers taken with [`MatcherPool::take`].
    fn give_back(&self, matchers: BTreeMap<&'static str, analysis::StemMatcher>) {
        let mut pool = self.0.lock().unwrap_or_else(|e| e.into_inner());
        for (analyzer, matcher) in matchers {
            pool.entry(analyzer).or_default().push(matcher);
        }
    }
}

impl Engine {
    /// Opens the index in `dir` at its last commit.
    pub fn open(dir: &Path) -> Result<Engine> {
        let (mut index, fields, pending) = schema::open_index_deferring(dir, true)?;
        let mut reader = manual_reader(&index).map_err(|e| schema::name_damage(e, dir))?;
        // Searchers search with the executor of the index they were made from, so a large
        // index is read again with a thread per segment (only there: reading meta.json again
        // here would cost every search process).
        let searcher = reader.searcher();
        let segments = searcher.segment_readers().len();
        if searcher.num_docs() >= schema::PARALLEL_MIN_DOCS && segments > 1 {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            if cores > 1 {
                index.set_multithread_executor(segments.min(cores))?;
                reader = manual_reader(&index).map_err(|e| schema::name_damage(e, dir))?;
            }
        }
        let intact = Intact::start(pending);
        Ok(Engine::with_reader(
            index,
            fields,
            reader,
            dir.to_path_buf(),
            intact,
        ))
    }

    /// This engine once the files left to verify at its open hold: for a caller that answers
    /// many searches (the server), which has no first search to overlap the check with and
    /// should refuse a damaged index before any search reads it.
    pub fn verified(self) -> Result<Engine> {
        self.intact()?;
        Ok(self)
    }

    /// Wraps an index built elsewhere (tests use one in RAM).
    pub fn from_index(index: Index, fields: Fields) -> Result<Engine> {
        let reader = manual_reader(&index)?;
        let intact = Intact(Mutex::new(Verifying::Done(None)));
        Ok(Engine::with_reader(
            index,
            fields,
            reader,
            PathBuf::new(),
            intact,
        ))
    }

    /// An engine over `index` read through `reader`.
    fn with_reader(
        index: Index,
        fields: Fields,
        reader: IndexReader,
        dir: PathBuf,
        intact: Intact,
    ) -> Engine {
        let inner = Shared {
            index,
            fields,
            reader,
            dir,
            token_totals: TokenTotals::default(),
            matchers: MatcherPool::default(),
            source_names: SourceNames::default(),
            intact,
        };
        Engine {
            inner: Arc::new(inner),
        }
    }

    /// Waits for the files left to verify at the open ([`Intact`]) and refuses an index one
    /// of them is damaged in: called by whatever answers, before it answers.
    pub(super) fn intact(&self) -> Result<()> {
        let mut state = self
            .inner
            .intact
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let damaged = match std::mem::replace(&mut *state, Verifying::Done(None)) {
            // A verifier that panicked found nothing; `check` verifies every file.
            Verifying::Running(handle) => handle.join().unwrap_or(None),
            Verifying::Done(damaged) => damaged,
        };
        *state = Verifying::Done(damaged.clone());
        match damaged {
            Some(file) => Err(Error::Damaged {
                dir: self.inner.dir.clone(),
                file,
            }),
            None => Ok(()),
        }
    }

    /// Runs a search.
    pub fn search(&self, options: &SearchOptions) -> Result<Hits> {
        let started = Instant::now();
        let searcher = self.inner.reader.searcher();
        let langs = self.langs_in_use(&searcher)?;
        let built = query::build_in(
            &options.query,
            &self.inner.fields,
            &langs,
            &options.filters,
            Some(&searcher),
        )?;
        // No page can be larger than the index, which also keeps huge --limit/--offset values
        // from overflowing or allocating.
        let docs = searcher.num_docs() as usize;
        let (limit, offset) = (options.limit.min(docs).max(1), options.offset.min(docs));
        // Facets are counted in the ranking pass, from the same matches.
        let facets = (!options.facets.is_empty()).then(|| {
            facets::FacetCollector::new(
                &options.facets,
                &self.inner.fields,
                &self.inner.index.schema(),
            )
        });
        let (page, ranked) = self.page(
            &searcher,
            &built.query,
            options,
            (limit, offset),
            facets,
            &built.near,
        )?;
        let page = if options.limit == 0 { Vec::new() } else { page };
        let mut facets = ranked.facets.unwrap_or_default();
        if let Some(sources) = facets.remove(&Facet::Source) {
            let sources = self.as_written(&searcher, sources)?;
            facets.insert(Facet::Source, sources);
        }
        let highlight = self.with_expanded(&built);
        let typos = &built.expanded.typos;
        let hits = self.hits(&searcher, page, &highlight, typos, options)?;
        self.intact()?;
        Ok(Hits {
            query: options.query.clone(),
            total: ranked.total,
            offset: options.offset,
            limit: options.limit,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets,
            expanded: built.expanded,
        })
    }

    /// The languages whose fields hold text in the index: a query looks in those alone. The
    /// fields of a language no article has (often the undetermined one) hold no terms, and
    /// looking in them is not free: tantivy builds an empty term dictionary for each (in every
    /// `warta search` process) and counts their tokens over every document. Read from the
    /// `lang` field's document frequencies, deleted articles included (a language counts if
    /// any document of it remains, alive or not).
    pub(super) fn langs_in_use(&self, searcher: &Searcher) -> Result<Vec<schema::LangFields>> {
        let (mut english, mut indonesian, mut all) = (0u64, 0u64, 0u64);
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.inner.fields.lang)?;
            let docs =
                |code| inverted.doc_freq(&Term::from_field_text(self.inner.fields.lang, code));
            english += u64::from(docs(ENGLISH)?);
            indonesian += u64::from(docs(INDONESIAN)?);
            all += u64::from(segment.max_doc());
        }
        // Whatever is neither English nor Indonesian is in the undetermined language's fields.
        let others = all.saturating_sub(english + indonesian);
        let used = [
            (self.inner.fields.for_lang(ENGLISH).text, english),
            (self.inner.fields.for_lang(INDONESIAN).text, indonesian),
            (self.inner.fields.for_lang(UNDETERMINED).text, others),
        ];
        // In the schema's order, which is the order the query adds up their scores in.
        Ok(self
            .inner
            .fields
            .langs
            .iter()
            .filter(|lang| used.iter().any(|&(text, n)| text == lang.text && n > 0))
            .copied()
            .collect())
    }

    /// The terms to highlight: the query's, and the analysed forms of the words that its
    /// misspelt and prefix words stood for.
    fn with_expanded(&self, built: &query::BuiltQuery) -> HashMap<&'static str, HashSet<String>> {
        let mut highlight = built.highlight.clone();
        let expanded = &built.expanded;
        if expanded.is_empty() {
            return highlight;
        }
        for lang in &self.inner.fields.langs {
            let mut analyzer = analysis::analyzer(lang.analyzer);
            let terms = highlight.entry(lang.analyzer).or_default();
            for word in expanded.terms() {
                terms.extend(
                    analysis::tokens(&mut analyzer, word)
                        .into_iter()
                        .map(|t| t.text),
                );
            }
        }
        highlight
    }

    /// Hits with their stored fields and snippets for a page of ranked addresses; `typos` are
    /// the misspelt words of the query with the indexed words they stood for.
    pub(super) fn hits(
        &self,
        searcher: &Searcher,
        page: Vec<Folded>,
        highlight: &HashMap<&'static str, HashSet<String>>,
        typos: &BTreeMap<String, Vec<String>>,
        options: &SearchOptions,
    ) -> Result<Vec<Hit>> {
        let mut matchers = BTreeMap::new();
        let mut typo_matchers = HashMap::new();
        let no_terms = Default::default();
        let mut hits = Vec::with_capacity(page.len());
        for ((score, addr), folded) in page {
            let duplicates = folded
                .into_iter()
                .map(|a| self.id_of(searcher, a))
                .collect::<Result<Vec<_>>>()?;
            let doc: TantivyDocument = searcher.doc(addr)?;
            let article = self.inner.fields.to_article(&doc);
            let analyzer_name = analysis::analyzer_for_lang(&article.lang);
            let matcher = matchers
                .entry(analyzer_name)
                .or_insert_with(|| self.inner.matchers.take(analyzer_name));
            let terms = highlight.get(analyzer_name).unwrap_or(&no_terms);
            let (text, cut) = snippet::scanned_text(&article.lede, &article.body);
            let matches = matcher.matches(&text, terms);
            let typo_matches = if typos.is_empty() {
                BTreeMap::new()
            } else {
                // The words matched for the snippet, and the title's: a title match is a match.
                let in_title = matcher.matches(&article.title, terms);
                let matched = matches.iter().chain(&in_title).map(|m| m.2.as_str());
                let typo = typo_matchers.entry(analyzer_name).or_insert_with(|| {
                    snippet::TypoMatcher::new(typos, &mut analysis::analyzer(analyzer_name))
                });
                typo.only_through_typos(&matched.collect())
            };
            let mut snippet =
                snippet::snippets_around(&text, &matches, options.snippets, options.snippet_chars);
            if cut && !snippet.text.ends_with('…') {
                snippet.text.push_str(" …");
            }
            hits.push(Hit {
                id: article.id,
                score,
                title: article.title,
                path: article.path,
                url: article.url,
                source: article.source,
                published: article.published,
                fetched: article.fetched,
                lang: article.lang,
                snippet,
                duplicates,
                typo_matches,
            });
        }
        self.inner.matchers.give_back(matchers);
        Ok(hits)
    }

    pub(super) fn id_of(&self, searcher: &Searcher, addr: DocAddress) -> Result<String> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        Ok(doc
            .get_first(self.inner.fields.id)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string())
    }

    pub(super) fn field_name(&self, field: tantivy::schema::Field) -> String {
        self.inner.index.schema().get_field_name(field).to_string()
    }

    /// One article by its id, its display path, or the path of its file.
    pub fn get(&self, id_or_path: &str) -> Result<Article> {
        self.intact()?;
        let searcher = self.inner.reader.searcher();
        let by = |field, value: &str| -> Result<Option<Article>> {
            let query = TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            );
            let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
            match found.first() {
                Some((_, addr)) => Ok(Some(self.inner.fields.stored_article(&searcher, *addr)?)),
                None => Ok(None),
            }
        };
        if let Some(a) = by(self.inner.fields.id, id_or_path)? {
            return Ok(a);
        }
        if let Some(a) = by(self.inner.fields.path, id_or_path)? {
            return Ok(a);
        }
        // A path written differently (./corpus/a.txt, an absolute path): match the file itself.
        let (file, record) = match id_or_path.rsplit_once('#') {
            Some((f, n)) if n.chars().all(|c| c.is_ascii_digit()) => (f, Some(n)),
            _ => (id_or_path, None),
        };
        if let Ok(canonical) = Path::new(file).canonicalize() {
            let key = canonical.to_string_lossy();
            let key = match record {
                Some(n) => format!("{key}#{n}"),
                None => key.into_owned(),
            };
            if let Some(a) = by(self.inner.fields.path, &key)? {
                return Ok(a);
            }
        }
        Err(Error::ArticleNotFound(id_or_path.to_string()))
    }
}
