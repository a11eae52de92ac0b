//! Runs queries against an index and returns plain data: ranked hits with snippets, single
//! articles, and statistics. Never prints.
//!
//! [`Engine`] (`engine.rs`) opens the index, holds its reader and answers searches and look-ups;
//! `ranking.rs` orders matches and folds each story into its best hit; `similar.rs` finds the
//! articles most like one; `stats.rs` counts over the whole index; `trend.rs` counts matches
//! per year, month or week.

mod engine;
mod export;
pub mod facets;
mod live_stats;
mod proximity;
#[cfg(test)]
mod proximity_tests;
mod ranking;
mod similar;
pub mod snippet;
mod sources;
mod stats;
#[cfg(test)]
mod test_index;
#[cfg(test)]
mod tests;
mod topk;
#[cfg(test)]
mod topk_tests;
mod trend;

pub use crate::common::periods::{Period, PeriodCount};
pub use crate::query::expand::Expansions;
pub use engine::Engine;
pub use export::{stored_articles, stored_articles_in, StoredArticles};
pub use facets::{Facet, FacetCounts};
pub use snippet::Snippet;
pub use sources::SPELLING_SAMPLE;
pub use stats::Stats;
pub use trend::{Trend, TrendOptions};

use std::collections::BTreeMap;

use crate::article::Published;
use crate::query::Filters;

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
    /// When a crawler fetched it (web archives), when known; never the publication date.
    pub fetched: Option<Published>,
    /// Language code.
    pub lang: String,
    /// The best passage with its highlights.
    pub snippet: Snippet,
    /// Ids of other matching articles of the same story, folded into this hit.
    pub duplicates: Vec<String>,
    /// The misspelt query words this hit has not as typed but only through indexed words
    /// within a typo of them, each with those words (`covid` → `["covia"]`).
    pub typo_matches: BTreeMap<String, Vec<String>>,
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
    /// What the query's misspelt and prefix words stood for in the index.
    pub expanded: Expansions,
}
