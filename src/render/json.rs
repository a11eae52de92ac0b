//! The JSON contract of DESIGN.md: serialize-only structs, kept in one place so that a change
//! to what scripts see is a change to this file.

use std::collections::BTreeMap;

use serde::Serialize;
use warta::search::{Hits, Stats};
use warta::Published;

/// `search --json`.
#[derive(Serialize)]
pub struct SearchJson<'a> {
    query: &'a str,
    total: usize,
    offset: usize,
    limit: usize,
    took_ms: f64,
    hits: Vec<HitJson<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    facets: BTreeMap<&'static str, &'a BTreeMap<String, u64>>,
}

/// One hit, as in `search --json` (and alone on a line with `--format jsonl`).
#[derive(Serialize)]
pub struct HitJson<'a> {
    id: &'a str,
    score: f32,
    title: &'a str,
    path: &'a str,
    url: Option<&'a str>,
    source: Option<&'a str>,
    published: Option<Published>,
    lang: &'a str,
    snippet: &'a str,
    highlights: &'a [(usize, usize)],
    duplicates: &'a [String],
}

impl<'a> SearchJson<'a> {
    /// The JSON form of a page of hits.
    pub fn new(hits: &'a Hits) -> Self {
        SearchJson {
            query: &hits.query,
            total: hits.total,
            offset: hits.offset,
            limit: hits.limit,
            took_ms: (hits.took_ms * 1000.0).round() / 1000.0,
            hits: hits
                .hits
                .iter()
                .map(|h| HitJson {
                    id: &h.id,
                    score: h.score,
                    title: &h.title,
                    path: &h.path,
                    url: h.url.as_deref(),
                    source: h.source.as_deref(),
                    published: h.published,
                    lang: &h.lang,
                    snippet: &h.snippet.text,
                    highlights: &h.snippet.highlights,
                    duplicates: &h.duplicates,
                })
                .collect(),
            facets: hits.facets.iter().map(|(f, c)| (f.name(), c)).collect(),
        }
    }

    /// The hits alone.
    pub fn hits(&self) -> &[HitJson<'a>] {
        &self.hits
    }
}

/// `stats --json`.
#[derive(Serialize)]
pub struct StatsJson<'a> {
    index: String,
    documents: u64,
    languages: &'a BTreeMap<String, u64>,
    sources: &'a BTreeMap<String, u64>,
    oldest: Option<Published>,
    newest: Option<Published>,
    index_bytes: u64,
}

impl<'a> StatsJson<'a> {
    /// The JSON form of index statistics.
    pub fn new(stats: &'a Stats) -> Self {
        StatsJson {
            index: stats.index_dir.display().to_string(),
            documents: stats.documents,
            languages: &stats.languages,
            sources: &stats.sources,
            oldest: stats.oldest,
            newest: stats.newest,
            index_bytes: stats.index_bytes,
        }
    }
}

/// One line of `warta export`: every stored field of an article, named as `show --json` names
/// them, so that `warta index` reads the line back as the same article.
#[derive(Serialize)]
pub struct ExportJson<'a> {
    id: &'a str,
    path: &'a str,
    title: &'a str,
    lede: &'a str,
    body: &'a str,
    headings: &'a [String],
    url: Option<&'a str>,
    source: Option<&'a str>,
    author: Option<&'a str>,
    published: Option<warta::Published>,
    lang: &'a str,
    tags: &'a [String],
}

impl<'a> ExportJson<'a> {
    /// The export line of an article.
    pub fn new(article: &'a warta::Article) -> Self {
        ExportJson {
            id: &article.id,
            path: &article.path,
            title: &article.title,
            lede: &article.lede,
            body: &article.body,
            headings: &article.headings,
            url: article.url.as_deref(),
            source: article.source.as_deref(),
            author: article.author.as_deref(),
            published: article.published,
            lang: &article.lang,
            tags: &article.tags,
        }
    }
}
