//! The JSON contract of DESIGN.md: every shape the CLI prints, as serialize-only structs built
//! from the library's types. The library's types carry no `Serialize`, so renaming one of their
//! fields cannot change what scripts read: a change to the contract is a change to this file.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use warta::report::{IndexReport, Problem, ProblemKind};
use warta::search::{Facet, Hit, Hits, PeriodCount, Stats, Trend};
use warta::{Article, Published};

/// Writes one shape of this file as a line of JSON.
pub fn write_line(out: &mut impl Write, shape: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, shape)?;
    writeln!(out)
}

/// `search --json` and `similar --json`.
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
    /// Each misspelt word of the query with the indexed words it was expanded to; prefix words
    /// (`kemitra*`) are not listed, the `*` having asked for every word they begin.
    expanded: &'a BTreeMap<String, Vec<String>>,
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
            hits: hits.hits.iter().map(HitJson::new).collect(),
            facets: hits.facets.iter().map(|(f, c)| (f.name(), c)).collect(),
            expanded: &hits.expanded.typos,
        }
    }
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
    published: Option<String>,
    /// When a crawler fetched the page (web archives); never the publication date.
    fetched: Option<String>,
    lang: &'a str,
    snippet: &'a str,
    highlights: &'a [(usize, usize)],
    duplicates: &'a [String],
    /// The misspelt query words this hit has only through words within a typo of them.
    typo_matches: &'a BTreeMap<String, Vec<String>>,
}

impl<'a> HitJson<'a> {
    /// The JSON form of one hit.
    pub fn new(h: &'a Hit) -> Self {
        HitJson {
            id: &h.id,
            score: h.score,
            title: &h.title,
            path: &h.path,
            url: h.url.as_deref(),
            source: h.source.as_deref(),
            published: iso(h.published),
            fetched: iso(h.fetched),
            lang: &h.lang,
            snippet: &h.snippet.text,
            highlights: &h.snippet.highlights,
            duplicates: &h.duplicates,
            typo_matches: &h.typo_matches,
        }
    }
}

/// `show --json`, and each line of `warta export`: one article with every stored field, so that
/// `warta index` reads an export line back as the same article.
#[derive(Serialize)]
pub struct ArticleJson<'a> {
    id: &'a str,
    path: &'a str,
    title: &'a str,
    lede: &'a str,
    body: &'a str,
    headings: &'a [String],
    url: Option<&'a str>,
    source: Option<&'a str>,
    author: Option<&'a str>,
    published: Option<String>,
    /// When a crawler fetched the page (web archives); never the publication date.
    fetched: Option<String>,
    lang: &'a str,
    tags: &'a [String],
}

impl<'a> ArticleJson<'a> {
    /// The JSON form of an article.
    pub fn new(a: &'a Article) -> Self {
        ArticleJson {
            id: &a.id,
            path: &a.path,
            title: &a.title,
            lede: &a.lede,
            body: &a.body,
            headings: &a.headings,
            url: a.url.as_deref(),
            source: a.source.as_deref(),
            author: a.author.as_deref(),
            published: iso(a.published),
            fetched: iso(a.fetched),
            lang: &a.lang,
            tags: &a.tags,
        }
    }
}

/// `stats --json`.
#[derive(Serialize)]
pub struct StatsJson<'a> {
    index: String,
    documents: u64,
    languages: &'a BTreeMap<String, u64>,
    sources: &'a BTreeMap<String, u64>,
    oldest: Option<String>,
    newest: Option<String>,
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
            oldest: iso(stats.oldest),
            newest: iso(stats.newest),
            index_bytes: stats.index_bytes,
        }
    }
}

/// `trend --json` and `GET /api/trend`: the matches per period, every period from the first
/// dated match's to the last's (0 where none), the undated apart.
#[derive(Serialize)]
pub struct TrendJson<'a> {
    query: &'a str,
    /// `year`, `month` or `week`.
    by: &'static str,
    /// Every matching article, dated or not.
    total: u64,
    undated: u64,
    took_ms: f64,
    periods: Vec<PeriodJson<'a>>,
}

impl<'a> TrendJson<'a> {
    /// The JSON form of a trend.
    pub fn new(trend: &'a Trend) -> Self {
        TrendJson {
            query: &trend.query,
            by: trend.by.name(),
            total: trend.total,
            undated: trend.undated,
            took_ms: (trend.took_ms * 1000.0).round() / 1000.0,
            periods: trend.periods.iter().map(PeriodJson::new).collect(),
        }
    }
}

/// One period of a trend.
#[derive(Serialize)]
pub struct PeriodJson<'a> {
    /// `2025`, `2025-08` or `2025-W35`.
    period: &'a str,
    /// The period's first and last days, ISO dates (as `since` and `until` take them).
    first_day: String,
    last_day: String,
    count: u64,
}

impl<'a> PeriodJson<'a> {
    /// The JSON form of one period.
    pub fn new(p: &'a PeriodCount) -> Self {
        PeriodJson {
            period: &p.label,
            first_day: p.first_day.to_string(),
            last_day: p.last_day.to_string(),
            count: p.count,
        }
    }
}

/// `stats --by FACET --json`: one object named by the facet, holding its counts
/// (`{"source": {"kabartekno": 12, …}}`).
#[derive(Serialize)]
pub struct CountsJson<'a>(BTreeMap<&'static str, &'a BTreeMap<String, u64>>);

impl<'a> CountsJson<'a> {
    /// The JSON form of the counts of one facet.
    pub fn new(facet: Facet, counts: &'a BTreeMap<String, u64>) -> Self {
        CountsJson(BTreeMap::from([(facet.name(), counts)]))
    }
}

/// `index --json`: what the run did, and every problem met.
#[derive(Serialize)]
pub struct IndexReportJson<'a> {
    files: u64,
    added: u64,
    updated: u64,
    unchanged: u64,
    removed: u64,
    folded: u64,
    skipped: u64,
    failed: u64,
    warnings: u64,
    took_ms: f64,
    problems: Vec<ProblemJson<'a>>,
    /// Records of web archives passed over, by kind; only when some were.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    passed_over: &'a BTreeMap<&'static str, u64>,
}

impl<'a> IndexReportJson<'a> {
    /// The JSON form of an index run's report (whether it was interrupted shows in the exit
    /// code, not here).
    pub fn new(r: &'a IndexReport) -> Self {
        IndexReportJson {
            files: r.files,
            added: r.added,
            updated: r.updated,
            unchanged: r.unchanged,
            removed: r.removed,
            folded: r.folded,
            skipped: r.skipped,
            failed: r.failed,
            warnings: r.warnings,
            took_ms: r.took_ms,
            problems: r.problems.iter().map(ProblemJson::new).collect(),
            passed_over: &r.passed_over,
        }
    }
}

/// `index --watch --json`: one line per commit, the run's report with when it was committed
/// and the articles the index then holds.
#[derive(Serialize)]
pub struct WatchCommitJson<'a> {
    at: String,
    articles: u64,
    #[serde(flatten)]
    report: IndexReportJson<'a>,
}

impl<'a> WatchCommitJson<'a> {
    /// The JSON line of a run committed at `at` (RFC 3339), leaving `articles` in the index.
    pub fn new(at: String, articles: u64, r: &'a IndexReport) -> Self {
        WatchCommitJson {
            at,
            articles,
            report: IndexReportJson::new(r),
        }
    }
}

/// One problem in an index report.
#[derive(Serialize)]
pub struct ProblemJson<'a> {
    path: &'a str,
    kind: &'static str,
    reason: &'a str,
    /// Present (true) when an earlier run reported the same problem on the same content.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    repeat: bool,
}

impl<'a> ProblemJson<'a> {
    /// The JSON form of one problem.
    pub fn new(p: &'a Problem) -> Self {
        ProblemJson {
            path: &p.path,
            kind: match p.kind {
                ProblemKind::Skipped => "skipped",
                ProblemKind::Warning => "warning",
                ProblemKind::Failed => "failed",
            },
            reason: &p.reason,
            repeat: p.repeat,
        }
    }
}

/// A date as the contract writes it: ISO 8601 text, or `null` when unknown.
fn iso(published: Option<Published>) -> Option<String> {
    published.map(|p| p.to_iso())
}

/// An error answered by `warta serve`'s API (and by a line of `search --batch`): what is
/// wrong and, where there is one, what to do instead.
#[derive(Serialize)]
pub struct ErrorJson<'a> {
    error: &'a str,
    hint: Option<&'a str>,
}

impl<'a> ErrorJson<'a> {
    /// The JSON form of an error.
    pub fn new(error: &'a str, hint: Option<&'a str>) -> Self {
        ErrorJson { error, hint }
    }
}

/// `search --batch`: one line's answer, its hits (as `search --json`) or its error, with the
/// number of the line it answers.
#[derive(Serialize)]
pub struct BatchLineJson<'a> {
    line: usize,
    #[serde(flatten)]
    answer: BatchAnswer<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum BatchAnswer<'a> {
    Hits(SearchJson<'a>),
    Error(ErrorJson<'a>),
}

impl<'a> BatchLineJson<'a> {
    /// Line `line` answered with `hits`.
    pub fn hits(line: usize, hits: &'a Hits) -> Self {
        let answer = BatchAnswer::Hits(SearchJson::new(hits));
        BatchLineJson { line, answer }
    }

    /// Line `line` refused: what is wrong with it, and what to do instead.
    pub fn error(line: usize, error: &'a str, hint: &'a Option<String>) -> Self {
        let answer = BatchAnswer::Error(ErrorJson::new(error, hint.as_deref()));
        BatchLineJson { line, answer }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_kinds_are_written_in_lower_case() {
        let mut report = IndexReport::default();
        report.problem("a.txt", ProblemKind::Warning, "invalid UTF-8");
        let json = serde_json::to_string(&IndexReportJson::new(&report)).unwrap();
        assert!(
            json.ends_with(
                r#""problems":[{"path":"a.txt","kind":"warning","reason":"invalid UTF-8"}]}"#
            ),
            "{json}"
        );
    }

    #[test]
    fn counts_are_named_by_their_facet() {
        let counts = BTreeMap::from([("en".to_string(), 3)]);
        let json = serde_json::to_string(&CountsJson::new(Facet::Lang, &counts)).unwrap();
        assert_eq!(json, r#"{"lang":{"en":3}}"#);
    }

    #[test]
    fn an_unknown_date_is_null_and_a_known_one_iso_text() {
        let a = Article {
            published: Published::from_iso("2025-08-29"),
            ..Article::default()
        };
        let json = serde_json::to_value(ArticleJson::new(&a)).unwrap();
        assert_eq!(json["published"], "2025-08-29");
        assert!(json["url"].is_null());
    }
}

/// `roots --json` (the roots tracked) and `forget --json` (the roots forgotten).
#[derive(Serialize)]
pub struct RootsJson {
    roots: Vec<RootJson>,
}

/// One root and the articles it holds (or held, for `forget`).
#[derive(Serialize)]
pub struct RootJson {
    /// The root's canonical absolute path.
    path: String,
    articles: u64,
}

impl RootsJson {
    /// The JSON form of a list of roots.
    pub fn new(roots: &[warta::index::Root]) -> Self {
        RootsJson {
            roots: roots
                .iter()
                .map(|r| RootJson {
                    path: r.path.to_string_lossy().into_owned(),
                    articles: r.articles,
                })
                .collect(),
        }
    }
}

/// `check --json`.
#[derive(Serialize)]
pub struct CheckJson<'a> {
    index: String,
    /// `ok` or `damaged`.
    state: &'static str,
    damaged: &'a [String],
    articles: Option<u64>,
    segments: Option<usize>,
    schema_version: Option<u64>,
}

impl<'a> CheckJson<'a> {
    /// The JSON form of the state of the index in `dir`.
    pub fn new(dir: &std::path::Path, health: &'a warta::schema::damage::Health) -> Self {
        CheckJson {
            index: dir.display().to_string(),
            state: if health.damaged.is_empty() {
                "ok"
            } else {
                "damaged"
            },
            damaged: &health.damaged,
            articles: health.articles,
            segments: health.segments,
            schema_version: health.schema_version,
        }
    }
}
