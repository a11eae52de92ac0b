//! Runs queries against an index and returns plain data: ranked hits with snippets, single
//! articles, and statistics. Never prints.

mod export;
pub mod facets;
mod live_stats;
pub mod snippet;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value as _;
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::article::{Article, Published, ENGLISH, INDONESIAN, UNDETERMINED};
use crate::error::{Error, Result};
use crate::query::{self, Filters};
use crate::schema::{self, analysis, Fields};
pub use export::{stored_articles, stored_articles_in, StoredArticles};
pub use facets::{Facet, FacetCounts};
use live_stats::{LiveStats, TokenTotals};
pub use snippet::Snippet;

/// What a search collects: the page of documents with their sort key and tie-breaking file,
/// and the number of all matches.
type Ranked<Key> = (
    Vec<((Key, Option<u64>), DocAddress)>,
    usize,
    Option<FacetCounts>,
);

/// A ranked page: hits with their scores, the number of matches, and the facet counts when
/// asked for.
struct RankedPage {
    hits: Vec<(f32, DocAddress)>,
    total: usize,
    facets: Option<FacetCounts>,
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first; undated articles last.
    Date,
}

/// What to search for and how to page it.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// The query text, in warta's query language.
    pub query: String,
    /// Hits per page.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Restrictions by language, source and date.
    pub filters: Filters,
    /// Ranking order.
    pub sort: SortBy,
    /// Approximate length of each snippet passage, in characters.
    pub snippet_chars: usize,
    /// Passages per snippet.
    pub snippets: usize,
    /// Facets to count over all matches.
    pub facets: Vec<Facet>,
    /// Fold near-duplicates (one story) into their best hit.
    pub collapse: bool,
    /// With relevance order: multiply each score by 0.5^(age / half-life), this half-life in
    /// seconds; undated articles keep their score.
    pub recent: Option<f64>,
}

impl SearchOptions {
    /// A first page of 10 hits for `query`.
    pub fn new(query: impl Into<String>) -> Self {
        SearchOptions {
            query: query.into(),
            limit: 10,
            offset: 0,
            filters: Filters::default(),
            sort: SortBy::Relevance,
            snippet_chars: 220,
            snippets: 1,
            facets: Vec::new(),
            collapse: true,
            recent: None,
        }
    }
}

/// How `ranked` orders hits.
#[derive(Debug, Clone, Copy)]
enum Ranking {
    /// By score.
    Score,
    /// By score times a decay on age.
    Recent {
        /// Seconds after which the factor halves.
        half_life: f64,
    },
    /// Newest first.
    Date,
}

/// The factor `--recent` multiplies a score by: 1 now (and for future or unknown dates),
/// halving every `half_life` seconds of age.
fn recency(published: Option<tantivy::DateTime>, now: i64, half_life: f64) -> f32 {
    match published {
        Some(date) => {
            let age = (now - date.into_timestamp_secs()).max(0) as f64;
            0.5f64.powf(age / half_life.max(1.0)) as f32
        }
        None => 1.0,
    }
}

/// A ranked hit (score, address) with the hits of its story folded into it.
type Folded = ((f32, DocAddress), Vec<DocAddress>);

/// One ranked match.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Article id.
    pub id: String,
    /// Relevance score (BM25 with field weights).
    pub score: f32,
    /// Headline.
    pub title: String,
    /// Display path.
    pub path: String,
    /// URL, when known.
    pub url: Option<String>,
    /// Source, when known.
    pub source: Option<String>,
    /// Publication date, when known.
    pub published: Option<Published>,
    /// Language code.
    pub lang: String,
    /// The best passage with its highlights.
    pub snippet: Snippet,
    /// Ids of other matching articles of the same story, folded into this hit.
    pub duplicates: Vec<String>,
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct Hits {
    /// The query as given.
    pub query: String,
    /// Exact number of matching articles.
    pub total: usize,
    /// Hits skipped.
    pub offset: usize,
    /// Page size asked for.
    pub limit: usize,
    /// Time taken to search and build snippets, milliseconds.
    pub took_ms: f64,
    /// The page.
    pub hits: Vec<Hit>,
    /// Counts over all matches, for the facets asked for.
    pub facets: FacetCounts,
}

/// Counts over the whole index.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Live articles.
    pub documents: u64,
    /// Articles per language code.
    pub languages: BTreeMap<String, u64>,
    /// Articles per source (lower case).
    pub sources: BTreeMap<String, u64>,
    /// Oldest publication date.
    pub oldest: Option<Published>,
    /// Newest publication date.
    pub newest: Option<Published>,
    /// Bytes the index takes on disk.
    pub index_bytes: u64,
    /// Where the index is.
    pub index_dir: PathBuf,
}

/// A reader of `index` that sees its last commit, reloaded only when asked.
fn manual_reader(index: &Index) -> Result<IndexReader> {
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?)
}

/// An open index, ready to answer queries.
pub struct Engine {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    dir: PathBuf,
    /// BM25 token totals, counted once per searcher generation rather than per search.
    token_totals: TokenTotals,
    /// What finds the matches for snippets, per analyzer, kept so that stem caches stay warm.
    snippet_matchers: Mutex<BTreeMap<&'static str, analysis::StemMatcher>>,
}

/// The number of articles from which an index is searched on several threads, one segment
/// each (a bulk build leaves such an index in one segment per indexing thread). Below it one
/// thread is faster: a fresh process's first thread beside the main one cost 0.5 ms here (the
/// allocator's heap of a new thread, its stack), more than it saves on a 100K index, where a
/// search takes about 1 ms; at 1M the scoring pass takes 4-17 ms.
pub const PARALLEL_MIN_DOCS: u64 = 500_000;

impl Engine {
    /// Opens the index in `dir` at its last commit.
    pub fn open(dir: &Path) -> Result<Engine> {
        let (mut index, fields) = schema::open_index(dir)?;
        let mut reader = manual_reader(&index)?;
        // Searchers search with the executor of the index they were made from, so a large
        // index is read again with a thread per segment (only there: reading meta.json again
        // here would cost every search process).
        let searcher = reader.searcher();
        let segments = searcher.segment_readers().len();
        if searcher.num_docs() >= PARALLEL_MIN_DOCS && segments > 1 {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            if cores > 1 {
                index.set_multithread_executor(segments.min(cores))?;
                reader = manual_reader(&index)?;
            }
        }
        Ok(Engine::with_reader(
            index,
            fields,
            reader,
            dir.to_path_buf(),
        ))
    }

    /// Wraps an index built elsewhere (tests use one in RAM).
    pub fn from_index(index: Index, fields: Fields) -> Result<Engine> {
        let reader = manual_reader(&index)?;
        Ok(Engine::with_reader(index, fields, reader, PathBuf::new()))
    }

    /// An engine over `index` read through `reader`.
    fn with_reader(index: Index, fields: Fields, reader: IndexReader, dir: PathBuf) -> Engine {
        Engine {
            index,
            fields,
            reader,
            dir,
            token_totals: TokenTotals::default(),
            snippet_matchers: Mutex::default(),
        }
    }

    /// Runs a search.
    pub fn search(&self, options: &SearchOptions) -> Result<Hits> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let langs = self.langs_in_use(&searcher)?;
        let built = query::build_in(&options.query, &self.fields, &langs, &options.filters)?;
        // No page can be larger than the index, which also keeps huge --limit/--offset values
        // from overflowing or allocating.
        let docs = searcher.num_docs() as usize;
        let (limit, offset) = (options.limit.min(docs).max(1), options.offset.min(docs));
        // Facets are counted in the ranking pass, from the same matches.
        let facets = (!options.facets.is_empty()).then(|| {
            facets::FacetCollector::new(&options.facets, &self.fields, &self.index.schema())
        });
        let fetch = |count: usize, skip: usize| -> Result<RankedPage> {
            let order = match (options.sort, options.recent) {
                (SortBy::Relevance, Some(half_life)) => Ranking::Recent { half_life },
                (SortBy::Relevance, None) => Ranking::Score,
                (SortBy::Date, _) => Ranking::Date,
            };
            let facets = facets.clone();
            self.ranked(&searcher, &built.query, order, count.max(1), skip, facets)
        };
        let (page, ranked): (Vec<Folded>, RankedPage) = if options.collapse {
            // Rank enough hits to fill the page with distinct stories, widening as needed.
            let want = offset + limit;
            let mut count = (want * 2 + 16).min(docs.max(1));
            loop {
                let ranked = fetch(count, 0)?;
                let stories = self.group_by_story(&searcher, &ranked.hits)?;
                if stories.len() >= want || count >= ranked.total || count >= docs {
                    let page = stories.into_iter().skip(offset).take(limit).collect();
                    break (page, ranked);
                }
                count = (count * 4).min(docs);
            }
        } else {
            let ranked = fetch(limit, offset)?;
            let page = ranked.hits.iter().map(|&hit| (hit, Vec::new())).collect();
            (page, ranked)
        };
        let page = if options.limit == 0 { Vec::new() } else { page };
        let highlight = self.with_expanded(&built);
        let hits = self.hits(&searcher, page, &highlight, options)?;
        let (total, facets) = (ranked.total, ranked.facets.unwrap_or_default());
        Ok(Hits {
            query: options.query.clone(),
            total,
            offset: options.offset,
            limit: options.limit,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets,
        })
    }

    /// The languages whose fields hold text in the index: a query looks in those alone. The
    /// fields of a language no article has (often the undetermined one) hold no terms, and
    /// looking in them is not free: tantivy builds an empty term dictionary for each (in every
    /// `warta search` process) and counts their tokens over every document. Read from the
    /// `lang` field's document frequencies, deleted articles included (a language counts if
    /// any document of it remains, alive or not).
    fn langs_in_use(&self, searcher: &Searcher) -> Result<Vec<schema::LangFields>> {
        let (mut english, mut indonesian, mut all) = (0u64, 0u64, 0u64);
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.lang)?;
            let docs = |code| inverted.doc_freq(&Term::from_field_text(self.fields.lang, code));
            english += u64::from(docs(ENGLISH)?);
            indonesian += u64::from(docs(INDONESIAN)?);
            all += u64::from(segment.max_doc());
        }
        // Whatever is neither English nor Indonesian is in the undetermined language's fields.
        let others = all.saturating_sub(english + indonesian);
        let used = [
            (self.fields.for_lang(ENGLISH).text, english),
            (self.fields.for_lang(INDONESIAN).text, indonesian),
            (self.fields.for_lang(UNDETERMINED).text, others),
        ];
        // In the schema's order, which is the order the query adds up their scores in.
        Ok(self
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
        let expanded = built.expanded.lock().map(|v| v.clone()).unwrap_or_default();
        if expanded.is_empty() {
            return highlight;
        }
        for lang in &self.fields.langs {
            let mut analyzer = analysis::analyzer(lang.analyzer);
            let terms = highlight.entry(lang.analyzer).or_default();
            for word in &expanded {
                terms.extend(
                    analysis::tokens(&mut analyzer, word)
                        .into_iter()
                        .map(|t| t.text),
                );
            }
        }
        highlight
    }

    /// Hits with their stored fields and snippets for a page of ranked addresses.
    fn hits(
        &self,
        searcher: &Searcher,
        page: Vec<Folded>,
        highlight: &HashMap<&'static str, HashSet<String>>,
        options: &SearchOptions,
    ) -> Result<Vec<Hit>> {
        let mut matchers = self
            .snippet_matchers
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let no_terms = Default::default();
        let mut hits = Vec::with_capacity(page.len());
        for ((score, addr), folded) in page {
            let duplicates = folded
                .into_iter()
                .map(|a| self.id_of(searcher, a))
                .collect::<Result<Vec<_>>>()?;
            let doc: TantivyDocument = searcher.doc(addr)?;
            let article = self.fields.to_article(&doc);
            let analyzer_name = analysis::analyzer_for_lang(&article.lang);
            let matcher = matchers
                .entry(analyzer_name)
                .or_insert_with(|| analysis::StemMatcher::new(analyzer_name));
            let terms = highlight.get(analyzer_name).unwrap_or(&no_terms);
            let text = if article.lede.is_empty() {
                article.body.clone()
            } else if article.body.is_empty() {
                article.lede.clone()
            } else {
                format!("{}\n\n{}", article.lede, article.body)
            };
            let matches = matcher.matches(&text, terms);
            let snippet =
                snippet::snippets_around(&text, &matches, options.snippets, options.snippet_chars);
            hits.push(Hit {
                id: article.id,
                score,
                title: article.title,
                path: article.path,
                url: article.url,
                source: article.source,
                published: article.published,
                lang: article.lang,
                snippet,
                duplicates,
            });
        }
        Ok(hits)
    }

    /// Articles most like the one named by `id_or_path` (More Like This over its language's
    /// text: its most telling terms, weighted by tf-idf), without itself and its story's copies,
    /// folded by story.
    pub fn similar(&self, id_or_path: &str, limit: usize) -> Result<Hits> {
        let started = Instant::now();
        let article = self.get(id_or_path)?;
        let searcher = self.reader.searcher();
        let own = TermQuery::new(
            Term::from_field_text(self.fields.id, &article.id),
            IndexRecordOption::Basic,
        );
        let story = match searcher
            .search(&own, &TopDocs::with_limit(1).order_by_score())?
            .first()
        {
            Some((_, addr)) => {
                let segment = searcher.segment_reader(addr.segment_ord);
                let column = segment
                    .fast_fields()
                    .u64(&self.field_name(self.fields.story))?;
                column.first(addr.doc_id)
            }
            None => None,
        };
        let text = format!("{}\n\n{}\n\n{}", article.title, article.lede, article.body);
        let field = self.fields.for_lang(&article.lang).text;
        let docs = searcher.num_docs();
        let like = tantivy::query::MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_max_doc_frequency((docs / 4).max(2))
            .with_min_term_frequency(2)
            .with_min_word_length(3)
            .with_max_query_terms(30)
            .with_document_fields(vec![(field, vec![tantivy::schema::OwnedValue::Str(text)])]);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(like)),
            (Occur::MustNot, Box::new(own)),
        ];
        if let Some(story) = story {
            let term = Term::from_field_u64(self.fields.story, story);
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let limit = limit.min(docs as usize).max(1);
        let RankedPage {
            hits: ranked,
            total,
            ..
        } = self.ranked(&searcher, &query, Ranking::Score, limit * 3 + 10, 0, None)?;
        let page: Vec<Folded> = self
            .group_by_story(&searcher, &ranked)?
            .into_iter()
            .take(limit)
            .collect();
        let options = SearchOptions::new(format!("similar to {}", article.id));
        let hits = self.hits(&searcher, page, &HashMap::new(), &options)?;
        Ok(Hits {
            query: options.query,
            total,
            offset: 0,
            limit,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets: FacetCounts::new(),
        })
    }

    /// `count` hits after the first `skip`, in the order asked for, with the number of matches
    /// and, when a collector is given, the facet counts of all of them, in the same pass.
    /// Sorted by date, scores are still computed, for the output.
    fn ranked(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        order: Ranking,
        count: usize,
        skip: usize,
        facets: Option<facets::FacetCollector>,
    ) -> Result<RankedPage> {
        let top = TopDocs::with_limit(count).and_offset(skip);
        // Equal scores (or dates) are ordered by article id (a hash of the file's canonical path
        // and record number). tantivy would order them by segment and document number, which
        // depend on how the index was built (threads, past updates), so the same files would not
        // always give the same page. A number, not the path: comparing paths across segments
        // decompressed a dictionary block per hit, the largest cost of a search at 100K.
        let tie_break = (
            SortByStaticFastValue::<u64>::for_field(self.field_name(self.fields.id_key)),
            Order::Asc,
        );
        let stats = LiveStats::new(searcher, &self.token_totals);
        Ok(match order {
            Ranking::Recent { half_life } => {
                let published = self.field_name(self.fields.published);
                let now = chrono::Utc::now().timestamp();
                // Decayed scores rarely tie, so this order has no tie-break by path.
                let top = top.tweak_score(move |segment: &tantivy::SegmentReader| {
                    let dates = segment.fast_fields().date(&published).ok();
                    move |doc: tantivy::DocId, score: f32| {
                        let published = dates.as_ref().and_then(|d| d.first(doc));
                        score * recency(published, now, half_life)
                    }
                });
                let (hits, total, facets) = searcher.search_with_statistics_provider(
                    query,
                    &(top, Count, facets),
                    &stats,
                )?;
                RankedPage {
                    hits,
                    total,
                    facets,
                }
            }
            Ranking::Score => {
                let top = top.order_by(((SortBySimilarityScore, Order::Desc), tie_break));
                let (docs, total, facets): Ranked<f32> = searcher.search_with_statistics_provider(
                    query,
                    &(top, Count, facets),
                    &stats,
                )?;
                let hits = docs.into_iter().map(|((score, _), addr)| (score, addr));
                RankedPage {
                    hits: hits.collect(),
                    total,
                    facets,
                }
            }
            Ranking::Date => {
                let published =
                    SortByStaticFastValue::for_field(self.field_name(self.fields.published));
                let top = top.order_by(((published, Order::Desc), tie_break));
                let (docs, total, facets): Ranked<Option<tantivy::DateTime>> =
                    searcher.search(query, &(top, Count, facets))?;
                let scoring = EnableScoring::enabled_from_statistics_provider(&stats, searcher);
                let weight = query.weight(scoring)?;
                let mut hits = Vec::with_capacity(docs.len());
                for (_, addr) in docs {
                    let segment = searcher.segment_reader(addr.segment_ord);
                    let score = weight
                        .explain(segment, addr.doc_id)
                        .map_or(0.0, |e| e.value());
                    hits.push((score, addr));
                }
                RankedPage {
                    hits,
                    total,
                    facets,
                }
            }
        })
    }

    /// Ranked hits folded by story: each story's best hit, in rank order, with the others.
    fn group_by_story(
        &self,
        searcher: &Searcher,
        ranked: &[(f32, DocAddress)],
    ) -> Result<Vec<Folded>> {
        let name = self.field_name(self.fields.story);
        let mut columns = HashMap::new();
        let mut groups: Vec<Folded> = Vec::new();
        let mut by_story: HashMap<u64, usize> = HashMap::new();
        for &(score, addr) in ranked {
            if let std::collections::hash_map::Entry::Vacant(e) = columns.entry(addr.segment_ord) {
                let segment = searcher.segment_reader(addr.segment_ord);
                e.insert(segment.fast_fields().u64(&name)?);
            }
            let story = columns[&addr.segment_ord].first(addr.doc_id);
            match story.and_then(|s| by_story.get(&s)) {
                Some(&group) => groups[group].1.push(addr),
                None => {
                    if let Some(story) = story {
                        by_story.insert(story, groups.len());
                    }
                    groups.push(((score, addr), Vec::new()));
                }
            }
        }
        Ok(groups)
    }

    fn id_of(&self, searcher: &Searcher, addr: DocAddress) -> Result<String> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        Ok(doc
            .get_first(self.fields.id)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string())
    }

    fn field_name(&self, field: tantivy::schema::Field) -> String {
        self.index.schema().get_field_name(field).to_string()
    }

    /// One article by its id, its display path, or the path of its file.
    pub fn get(&self, id_or_path: &str) -> Result<Article> {
        let searcher = self.reader.searcher();
        let by = |field, value: &str| -> Result<Option<Article>> {
            let query = TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            );
            let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
            match found.first() {
                Some((_, addr)) => Ok(Some(self.fields.to_article(&searcher.doc(*addr)?))),
                None => Ok(None),
            }
        };
        if let Some(a) = by(self.fields.id, id_or_path)? {
            return Ok(a);
        }
        if let Some(a) = by(self.fields.path, id_or_path)? {
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
            if let Some(a) = by(self.fields.id, &crate::ingest::article_id(&key))? {
                return Ok(a);
            }
        }
        Err(Error::ArticleNotFound(id_or_path.to_string()))
    }

    /// Every article's path with its story id and SimHash (for evaluating near-duplicate
    /// detection), in no particular order.
    pub fn stories(&self) -> Result<Vec<(String, u64, u64)>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let fast = segment.fast_fields();
            let stories = fast.u64(&self.field_name(self.fields.story))?;
            let simhashes = fast.u64(&self.field_name(self.fields.simhash))?;
            for doc in segment.doc_ids_alive() {
                let stored: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc))?;
                let path = stored
                    .get_first(self.fields.path)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                let story = stories.first(doc).unwrap_or_default();
                out.push((path, story, simhashes.first(doc).unwrap_or_default()));
            }
        }
        Ok(out)
    }

    /// Counts of every article by one facet.
    pub fn counts_by(&self, facet: Facet) -> Result<BTreeMap<String, u64>> {
        let collector = facets::FacetCollector::new(&[facet], &self.fields, &self.index.schema());
        let mut counts = self
            .reader
            .searcher()
            .search(&tantivy::query::AllQuery, &collector)?;
        Ok(counts.remove(&facet).unwrap_or_default())
    }

    /// Counts over the whole index.
    pub fn stats(&self) -> Result<Stats> {
        let searcher = self.reader.searcher();
        let mut stats = Stats {
            index_dir: self.dir.clone(),
            ..Stats::default()
        };
        // Languages and sources are facets of the whole index; the date span is read here.
        let collector = facets::FacetCollector::new(
            &[Facet::Lang, Facet::Source],
            &self.fields,
            &self.index.schema(),
        );
        let mut counts = searcher.search(&tantivy::query::AllQuery, &collector)?;
        stats.languages = counts.remove(&Facet::Lang).unwrap_or_default();
        stats.sources = counts.remove(&Facet::Source).unwrap_or_default();
        stats.documents = searcher.num_docs();
        let (mut oldest, mut newest): (Option<i64>, Option<i64>) = (None, None);
        for segment in searcher.segment_readers() {
            let dates = segment
                .fast_fields()
                .date(&self.field_name(self.fields.published))?;
            for doc in segment.doc_ids_alive() {
                if let Some(date) = dates.first(doc) {
                    let secs = date.into_timestamp_secs();
                    oldest = Some(oldest.map_or(secs, |o| o.min(secs)));
                    newest = Some(newest.map_or(secs, |n| n.max(secs)));
                }
            }
        }
        stats.oldest = oldest.and_then(|s| self.published_of(&searcher, s));
        stats.newest = newest.and_then(|s| self.published_of(&searcher, s));
        stats.index_bytes = dir_bytes(&self.dir);
        Ok(stats)
    }

    /// The stored publication date of an article published at `secs` (keeps its precision).
    fn published_of(&self, searcher: &Searcher, secs: i64) -> Option<Published> {
        let term = Term::from_field_date_for_search(
            self.fields.published,
            tantivy::DateTime::from_timestamp_secs(secs),
        );
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let found = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .ok()?;
        let doc: TantivyDocument = searcher.doc(found.first()?.1).ok()?;
        self.fields.to_article(&doc).published
    }
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::FileStamp;

    /// An engine over the same article in files `names`, added in that order, one commit each,
    /// so that every copy sits in its own segment.
    fn engine(names: &[&str]) -> Engine {
        let articles = names.iter().map(|name| article(name)).collect();
        engine_of(articles, 1)
    }

    /// The test article, read from `/news/{name}`.
    fn article(name: &str) -> Article {
        let path = format!("/news/{name}");
        Article {
            id: crate::ingest::article_id(&path),
            path,
            title: "Chip factory opens in Batam".into(),
            body: "The chip factory opens next year.".into(),
            published: Published::from_iso("2025-08-29"),
            lang: "en".into(),
            ..Default::default()
        }
    }

    /// An engine over `articles`, committed every `per_commit` of them.
    fn engine_of(articles: Vec<Article>, per_commit: usize) -> Engine {
        let (index, fields) = schema::create_index_in_ram();
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (n, article) in articles.iter().enumerate() {
            let stamp = FileStamp {
                key: article.path.clone(),
                mtime: 0,
                size: 0,
                hash: 0,
            };
            writer
                .add_document(fields.to_document(article, &stamp, Default::default()))
                .unwrap();
            if (n + 1) % per_commit == 0 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        Engine::from_index(index, fields).unwrap()
    }

    fn paths(engine: &Engine, sort: SortBy, offset: usize) -> Vec<String> {
        let mut options = SearchOptions::new("chip factory");
        options.sort = sort;
        options.limit = 2;
        options.offset = offset;
        // The articles are copies of one story: list them all, as the tie order is the point.
        options.collapse = false;
        let hits = engine.search(&options).unwrap();
        hits.hits.into_iter().map(|h| h.path).collect()
    }

    #[test]
    fn ties_are_ordered_by_id_whatever_order_the_files_were_indexed_in() {
        let names = ["a.txt", "b.txt", "c.txt", "d.txt"];
        let forward = engine(&names);
        let backward = engine(&["d.txt", "c.txt", "b.txt", "a.txt"]);
        // The order of the ids (hashes of the paths), not of the paths.
        let mut expected: Vec<String> = names.iter().map(|n| format!("/news/{n}")).collect();
        expected.sort_by_key(|p| crate::schema::id_key(&crate::ingest::article_id(p)));
        for sort in [SortBy::Relevance, SortBy::Date] {
            for engine in [&forward, &backward] {
                assert_eq!(paths(engine, sort, 0), expected[..2]);
                assert_eq!(paths(engine, sort, 2), expected[2..]);
            }
        }
    }

    #[test]
    fn facets_count_every_match_in_blocks_across_segments() {
        // More matches per segment than the collector buffers, some without a source or a date,
        // and articles that do not match at all.
        let sources = [Some("Kompas"), Some("BBC"), None];
        let years = [
            Some("2023-12-31"),
            Some("2024-01-01"),
            Some("2025-06-30"),
            None,
        ];
        let mut articles = Vec::new();
        let mut expected: FacetCounts = FacetCounts::new();
        for n in 0..1_500 {
            let mut article = article(&format!("{n}.txt"));
            article.source = sources[n % 3].map(str::to_string);
            article.published = years[n % 4].and_then(Published::from_iso);
            if n % 5 == 0 {
                article.title = "Harbour opens in Batam".into();
                article.body = "The harbour opens next year.".into();
            } else {
                let mut count = |facet: Facet, value: &str| {
                    *expected
                        .entry(facet)
                        .or_default()
                        .entry(value.into())
                        .or_default() += 1;
                };
                if let Some(source) = article.source.as_deref() {
                    count(Facet::Source, &source.to_lowercase());
                }
                if let Some(day) = years[n % 4] {
                    count(Facet::Year, &day[..4]);
                }
                count(Facet::Lang, "en");
            }
            articles.push(article);
        }
        let engine = engine_of(articles, 700);
        let mut options = SearchOptions::new("chip");
        options.facets = vec![Facet::Source, Facet::Lang, Facet::Year];
        for collapse in [false, true] {
            options.collapse = collapse;
            let hits = engine.search(&options).unwrap();
            assert_eq!(hits.total, 1_200);
            assert_eq!(hits.facets, expected);
        }
    }

    #[test]
    fn segments_searched_side_by_side_give_the_same_page() {
        let articles: Vec<Article> = (0..900)
            .map(|n| {
                let mut a = article(&format!("{n}.txt"));
                let extra = ["in Batam", "chip chip", "soon"][n % 3];
                a.body = format!(
                    "The chip factory {extra} {} next year.",
                    "works ".repeat(n % 7)
                );
                a.published = Published::from_iso(&format!("20{:02}-01-01", 10 + n % 15));
                a
            })
            .collect();
        let one = engine_of(articles, 300);
        let mut index = one.index.clone();
        index.set_multithread_executor(2).unwrap();
        let two = Engine::from_index(index, one.fields.clone()).unwrap();
        let page = |hits: &Hits| -> Vec<(String, f32)> {
            hits.hits.iter().map(|h| (h.id.clone(), h.score)).collect()
        };
        for query in [
            "chip",
            "works",
            "chip factory",
            "\"next year\"",
            "batam AND soon",
        ] {
            for (collapse, sort) in [
                (false, SortBy::Relevance),
                (true, SortBy::Relevance),
                (false, SortBy::Date),
            ] {
                let mut options = SearchOptions::new(query);
                options.collapse = collapse;
                options.sort = sort;
                options.facets = vec![Facet::Year];
                let (a, b) = (one.search(&options).unwrap(), two.search(&options).unwrap());
                assert!(a.total > 0, "{query}");
                assert_eq!((a.total, &a.facets), (b.total, &b.facets), "{query}");
                assert_eq!(page(&a), page(&b), "{query} {collapse} {sort:?}");
            }
        }
    }
}
