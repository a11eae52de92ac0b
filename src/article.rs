//! The one shape every input takes on its way into the index: an `Article`.
//!
//! It knows nothing of tantivy or the command line, so ingest code and tests can build and
//! inspect articles without either.

use chrono::{DateTime, FixedOffset, NaiveDate};

/// A news article as read from a file (or one record of a multi-article file). The parsers
/// start from `Article::default()` and fill in what the input says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Article {
    /// Stable id: the same file (and record) always gets the same id.
    pub id: String,
    /// Path as given on the command line joined with the path below it; `file.jsonl#N` for records.
    pub path: String,
    /// Headline.
    pub title: String,
    /// The opening summary paragraph, if any.
    pub lede: String,
    /// The article text after the lede, paragraphs separated by blank lines (sub-headings kept).
    pub body: String,
    /// Short lines between paragraphs that read as sub-headings, in order.
    pub headings: Vec<String>,
    /// Canonical URL, when the input says.
    pub url: Option<String>,
    /// Publisher or site, when the input says.
    pub source: Option<String>,
    /// Byline, when the input says.
    pub author: Option<String>,
    /// Publication date, when the input says (never guessed).
    pub published: Option<Published>,
    /// Language code: `en`, `id`, another ISO 639 code, or `und` when undetermined.
    pub lang: String,
    /// Tags or categories, when the input says.
    pub tags: Vec<String>,
    /// When a crawler fetched the page (a web archive's `WARC-Date`): never the publication date.
    pub fetched: Option<Published>,
    /// Known by its URL rather than by its file (feed items, web-archive records): the copies
    /// that several files hold are one article.
    pub keyed_by_url: bool,
    /// When the input says the article was last revised (a feed item's `updated`): with the
    /// publication date, it orders the copies of an article known by its URL (the newest
    /// wins). Not stored.
    pub updated: Option<Published>,
    /// The article's own id in its input when it is not a URL (a feed item's `guid` or Atom
    /// `id`): names an article known by its URL that has no URL. Not stored.
    pub guid: Option<String>,
}

impl Article {
    /// The date that orders the copies of an article known by its URL: when it was last
    /// revised, else published, or when a crawler fetched it if that is later (a page fetched
    /// twice: the later fetch shows it as it became), in seconds since the epoch (`i64::MIN`
    /// when the input gives none).
    pub fn revised(&self) -> i64 {
        let dated = (self.updated.or(self.published)).map_or(i64::MIN, |p| p.timestamp());
        self.fetched.map_or(dated, |f| dated.max(f.timestamp()))
    }
}

/// A publication date as precise as the input gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// Only the day is known.
    Date(NaiveDate),
    /// Day and time, with the offset the input gave (UTC when it gave none).
    DateTime(DateTime<FixedOffset>),
}

impl Published {
    /// Seconds since the Unix epoch (midnight UTC for a bare date), for range queries and sorting.
    pub fn timestamp(&self) -> i64 {
        match self {
            Published::Date(d) => d
                .and_hms_opt(0, 0, 0)
                .map_or(0, |dt| dt.and_utc().timestamp()),
            Published::DateTime(dt) => dt.timestamp(),
        }
    }

    /// Whether an index can hold this date: it keeps dates as nanoseconds since 1970 in an
    /// `i64`, which reaches from 1677 to 2262, so the whole years 1678 to 2261.
    pub fn representable(&self) -> bool {
        use chrono::Datelike;
        let year = match self {
            Published::Date(d) => d.year(),
            Published::DateTime(dt) => dt.year(),
        };
        (1678..=2261).contains(&year)
    }

    /// ISO 8601 text: `2025-08-29` or `2025-08-29T09:15:00+07:00`.
    pub fn to_iso(&self) -> String {
        match self {
            Published::Date(d) => d.format("%Y-%m-%d").to_string(),
            Published::DateTime(dt) => dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        }
    }

    /// Parses the ISO text written by [`Published::to_iso`].
    pub fn from_iso(text: &str) -> Option<Published> {
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(Published::Date(d));
        }
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(Published::DateTime)
    }
}

/// The language codes warta analyses with a stemmer of their own.
pub const ENGLISH: &str = "en";
/// Indonesian.
pub const INDONESIAN: &str = "id";
/// Undetermined language (analysed without stemming).
pub const UNDETERMINED: &str = "und";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_holds_the_years_1678_to_2261() {
        let held = |iso: &str| Published::from_iso(iso).unwrap().representable();
        assert!(held("1678-01-01") && held("2261-12-31T23:59:59+00:00"));
        assert!(!held("1677-12-31") && !held("2262-01-01") && !held("9999-12-31"));
    }
}
