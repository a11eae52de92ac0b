//! The JSON contract, read back with `deny_unknown_fields` so that any change shows.

// Every field is declared to pin the contract (deny_unknown_fields); not every test reads all.
#![allow(dead_code)]

use serde::Deserialize;

/// `search --json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchJson {
    pub query: String,
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub took_ms: f64,
    pub hits: Vec<HitJson>,
    /// Only with `--facet`.
    #[serde(default)]
    pub facets: Option<std::collections::BTreeMap<String, std::collections::BTreeMap<String, u64>>>,
    /// Each misspelt word of the query and the indexed words it stood for.
    pub expanded: std::collections::BTreeMap<String, Vec<String>>,
}

/// One hit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HitJson {
    pub id: String,
    pub score: f64,
    pub title: String,
    pub path: String,
    pub url: Option<String>,
    pub source: Option<String>,
    pub published: Option<String>,
    pub fetched: Option<String>,
    pub lang: String,
    pub snippet: String,
    pub highlights: Vec<(usize, usize)>,
    pub duplicates: Vec<String>,
    /// The misspelt words this hit has only through their stand-ins.
    pub typo_matches: std::collections::BTreeMap<String, Vec<String>>,
}

/// `show --json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleJson {
    pub id: String,
    pub path: String,
    pub title: String,
    pub lede: String,
    pub body: String,
    pub headings: Vec<String>,
    pub url: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub published: Option<String>,
    pub fetched: Option<String>,
    pub lang: String,
    pub tags: Vec<String>,
}

/// `trend --json` and `GET /api/trend`.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrendJson {
    pub query: String,
    pub by: String,
    pub total: u64,
    pub undated: u64,
    pub took_ms: f64,
    pub periods: Vec<PeriodJson>,
}

/// One period of a trend.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PeriodJson {
    pub period: String,
    pub first_day: String,
    pub last_day: String,
    pub count: u64,
}

/// `stats --json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsJson {
    pub index: String,
    pub documents: u64,
    pub languages: std::collections::BTreeMap<String, u64>,
    pub sources: std::collections::BTreeMap<String, u64>,
    pub oldest: Option<String>,
    pub newest: Option<String>,
    pub index_bytes: u64,
}

/// `index --json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexJson {
    pub files: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
    pub folded: u64,
    pub skipped: u64,
    pub failed: u64,
    pub warnings: u64,
    pub took_ms: f64,
    pub problems: Vec<ProblemJson>,
    /// Only when web-archive records were passed over.
    #[serde(default)]
    pub passed_over: std::collections::BTreeMap<String, u64>,
}

/// One problem in an index report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemJson {
    pub path: String,
    pub kind: String,
    pub reason: String,
    /// Present, and true, when an earlier run reported it on the same content.
    #[serde(default)]
    pub repeat: bool,
}
