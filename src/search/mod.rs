//! Runs queries against an index and returns plain data: ranked hits with snippets, single
//! articles, and statistics. Never prints.

mod live_stats;
pub mod snippet;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue, SortByString};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{EnableScoring, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::article::{Article, Published};
use crate::error::{Error, Result};
use crate::query::{self, Filters};
use crate::schema::{self, analysis, Fields};
use live_stats::LiveStats;
pub use snippet::Snippet;

/// What a search collects: the page of documents with their sort key and tie-breaking file,
/// and the number of all matches.
type Ranked<Key> = (Vec<((Key, Option<String>), DocAddress)>, usize);

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
    /// Approximate length of a snippet, in characters.
    pub snippet_chars: usize,
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
        }
    }
}

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

/// An open index, ready to answer queries.
pub struct Engine {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    dir: PathBuf,
}

impl Engine {
    /// Opens the index in `dir` at its last commit.
    pub fn open(dir: &Path) -> Result<Engine> {
        let (index, fields) = schema::open_index(dir)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Engine {
            index,
            fields,
            reader,
            dir: dir.to_path_buf(),
        })
    }

    /// Wraps an index built elsewhere (tests use one in RAM).
    pub fn from_index(index: Index, fields: Fields) -> Result<Engine> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Engine {
            index,
            fields,
            reader,
            dir: PathBuf::new(),
        })
    }

    /// Runs a search.
    pub fn search(&self, options: &SearchOptions) -> Result<Hits> {
        let started = Instant::now();
        let built = query::build(&options.query, &self.fields, &options.filters)?;
        let searcher = self.reader.searcher();
        // No page can be larger than the index, which also keeps huge --limit/--offset values
        // from overflowing or allocating.
        let docs = searcher.num_docs() as usize;
        let limit = options.limit.min(docs).max(1);
        let top = TopDocs::with_limit(limit).and_offset(options.offset.min(docs));
        let name = |field| self.index.schema().get_field_name(field).to_string();
        // Equal scores (or dates) are ordered by the file's canonical path. tantivy would order
        // them by segment and document number, which depend on how the index was built (threads,
        // past updates), so the same files would not always give the same page.
        let tie_break = (SortByString::for_field(name(self.fields.file)), Order::Asc);
        let stats = LiveStats::new(&searcher);
        let (page, total): (Vec<(f32, DocAddress)>, usize) = match options.sort {
            SortBy::Relevance => {
                let top = top.order_by(((SortBySimilarityScore, Order::Desc), tie_break));
                let (docs, total): Ranked<f32> = searcher.search_with_statistics_provider(
                    &built.query,
                    &(top, Count),
                    &stats,
                )?;
                let scored = docs.into_iter().map(|((score, _), addr)| (score, addr));
                (scored.collect(), total)
            }
            SortBy::Date => {
                let published = SortByStaticFastValue::for_field(name(self.fields.published));
                let top = top.order_by(((published, Order::Desc), tie_break));
                let (docs, total): Ranked<Option<tantivy::DateTime>> =
                    searcher.search(&built.query, &(top, Count))?;
                let scoring = EnableScoring::enabled_from_statistics_provider(&stats, &searcher);
                let weight = built.query.weight(scoring)?;
                let mut scored = Vec::with_capacity(docs.len());
                for (_, addr) in docs {
                    let segment = searcher.segment_reader(addr.segment_ord);
                    let score = weight
                        .explain(segment, addr.doc_id)
                        .map_or(0.0, |e| e.value());
                    scored.push((score, addr));
                }
                (scored, total)
            }
        };
        let page = if options.limit == 0 { Vec::new() } else { page };
        let mut analyzers: BTreeMap<&'static str, tantivy::tokenizer::TextAnalyzer> =
            BTreeMap::new();
        let no_terms = Default::default();
        let mut hits = Vec::with_capacity(page.len());
        for (score, addr) in page {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let article = self.fields.to_article(&doc);
            let analyzer_name = analysis::analyzer_for_lang(&article.lang);
            let analyzer = analyzers
                .entry(analyzer_name)
                .or_insert_with(|| analysis::analyzer(analyzer_name));
            let terms = built.highlight.get(analyzer_name).unwrap_or(&no_terms);
            let text = if article.lede.is_empty() {
                article.body.clone()
            } else if article.body.is_empty() {
                article.lede.clone()
            } else {
                format!("{}\n\n{}", article.lede, article.body)
            };
            let snippet = snippet::make_snippet(&text, analyzer, terms, options.snippet_chars);
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
            });
        }
        Ok(Hits {
            query: options.query.clone(),
            total,
            offset: options.offset,
            limit: options.limit,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
        })
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

    /// Counts over the whole index.
    pub fn stats(&self) -> Result<Stats> {
        let searcher = self.reader.searcher();
        let mut stats = Stats {
            index_dir: self.dir.clone(),
            ..Stats::default()
        };
        let name = |f| self.index.schema().get_field_name(f).to_string();
        let mut text = String::new();
        let (mut oldest, mut newest): (Option<i64>, Option<i64>) = (None, None);
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let langs = fast.str(&name(self.fields.lang))?;
            let sources = fast.str(&name(self.fields.source_key))?;
            let dates = fast.date(&name(self.fields.published))?;
            for doc in segment.doc_ids_alive() {
                stats.documents += 1;
                for (column, counts) in [
                    (&langs, &mut stats.languages),
                    (&sources, &mut stats.sources),
                ] {
                    if let Some(column) = column {
                        if let Some(ord) = column.term_ords(doc).next() {
                            text.clear();
                            column.ord_to_str(ord, &mut text)?;
                            *counts.entry(text.clone()).or_default() += 1;
                        }
                    }
                }
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
        let (index, fields) = schema::create_index_in_ram();
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for name in names {
            let key = format!("/news/{name}");
            let article = Article {
                id: crate::ingest::article_id(&key),
                path: key.clone(),
                title: "Chip factory opens in Batam".into(),
                lede: String::new(),
                body: "The chip factory opens next year.".into(),
                headings: Vec::new(),
                url: None,
                source: None,
                author: None,
                published: Published::from_iso("2025-08-29"),
                lang: "en".into(),
                tags: Vec::new(),
            };
            let stamp = FileStamp {
                key,
                mtime: 0,
                size: 0,
                hash: 0,
            };
            writer
                .add_document(fields.to_document(&article, &stamp))
                .unwrap();
            writer.commit().unwrap();
        }
        Engine::from_index(index, fields).unwrap()
    }

    fn paths(engine: &Engine, sort: SortBy, offset: usize) -> Vec<String> {
        let mut options = SearchOptions::new("chip factory");
        options.sort = sort;
        options.limit = 2;
        options.offset = offset;
        let hits = engine.search(&options).unwrap();
        hits.hits.into_iter().map(|h| h.path).collect()
    }

    #[test]
    fn ties_are_ordered_by_path_whatever_order_the_files_were_indexed_in() {
        let forward = engine(&["a.txt", "b.txt", "c.txt", "d.txt"]);
        let backward = engine(&["d.txt", "c.txt", "b.txt", "a.txt"]);
        for sort in [SortBy::Relevance, SortBy::Date] {
            for engine in [&forward, &backward] {
                assert_eq!(paths(engine, sort, 0), ["/news/a.txt", "/news/b.txt"]);
                assert_eq!(paths(engine, sort, 2), ["/news/c.txt", "/news/d.txt"]);
            }
        }
    }
}
