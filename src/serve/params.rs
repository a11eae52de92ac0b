//! Search parameters as a request carries them (a query string, or one object of a batch),
//! read into the same `SearchArgs` the command line fills, so that the CLI's one mapping
//! (`commands::search::search_options`) turns both into the library's options.

use serde::Deserialize;
use warta::search::{SearchOptions, TrendOptions};

use super::error::ApiError;
use crate::cli::{choice_named, FacetArg, PeriodArg, SearchArgs, SortArg, TrendArgs};
use crate::commands::search::search_options;
use crate::commands::trend::trend_options;

/// The longest query read, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// The most hits one request may ask for.
pub const MAX_LIMIT: usize = 1000;
/// The most hits one request may skip.
pub const MAX_OFFSET: usize = 100_000;

/// One search, as `GET /api/search` and the page take it in the query string and
/// `POST /api/search/batch` in each object.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    pub q: String,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    pub lang: Option<String>,
    pub source: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub sort: Option<String>,
    pub recent: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub facet: Vec<String>,
    pub exact: Option<bool>,
    pub no_collapse: Option<bool>,
    pub snippets: Option<u16>,
    pub snippet_chars: Option<u32>,
}

/// `"facet": "source"` or `"facet": ["source", "lang"]`.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

impl SearchRequest {
    /// Reads a query string's pairs (see [`pairs`]). An empty value is no value, as an HTML
    /// form sends an untouched field.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<SearchRequest, ApiError> {
        let mut r = SearchRequest::default();
        for (key, value) in pairs {
            let text = || Some(value.clone()).filter(|v| !v.is_empty());
            match key.as_str() {
                "q" => r.q = value.clone(),
                "limit" => r.limit = number(key, value)?,
                "offset" => r.offset = number(key, value)?,
                "lang" => r.lang = text(),
                "source" => r.source = text(),
                "since" => r.since = text(),
                "until" => r.until = text(),
                "sort" => r.sort = text(),
                "recent" => r.recent = text(),
                "facet" => r.facet.extend(text()),
                "exact" => r.exact = Some(flag(key, value)?),
                "no_collapse" => r.no_collapse = Some(flag(key, value)?),
                "snippets" => r.snippets = number(key, value)?,
                "snippet_chars" => r.snippet_chars = number(key, value)?,
                _ => {
                    return Err(ApiError::bad(
                        format!("unknown parameter {key:?}"),
                        "parameters: q, limit, offset, lang, source, since, until, sort, \
                         recent, facet, exact, no_collapse, snippets, snippet_chars",
                    ))
                }
            }
        }
        Ok(r)
    }

    /// The library's options for this search, checked against the server's limits.
    pub fn options(&self) -> Result<SearchOptions, ApiError> {
        Ok(search_options(&self.over(&defaults())?)?)
    }

    /// The arguments of this search: what it names, and `base` (the command line's flags, for
    /// `warta search --batch`) for what it leaves out; checked against the server's limits.
    pub fn over(&self, base: &SearchArgs) -> Result<SearchArgs, ApiError> {
        check_query(&self.q)?;
        let limit = self.limit.unwrap_or(base.limit);
        if limit > MAX_LIMIT {
            return Err(ApiError::bad(
                format!("limit {limit} is more than {MAX_LIMIT}"),
                "page with offset",
            ));
        }
        let offset = self.offset.unwrap_or(base.offset);
        if offset > MAX_OFFSET {
            return Err(ApiError::bad(
                format!("offset {offset} is more than {MAX_OFFSET}"),
                "narrow the query with filters",
            ));
        }
        let snippets = self.snippets.unwrap_or(base.snippets);
        if !(1..=20).contains(&snippets) {
            return Err(ApiError::bad("snippets must be 1 to 20", "snippets=1"));
        }
        let snippet_chars = self.snippet_chars.unwrap_or(base.snippet_chars);
        if !(20..=10000).contains(&snippet_chars) {
            return Err(ApiError::bad(
                "snippet_chars must be 20 to 10000",
                "snippet_chars=220",
            ));
        }
        let sort = match &self.sort {
            Some(s) => choice("sort", s, choice_named::<SortArg>)?,
            None => base.sort,
        };
        let recent = self.recent.clone().or_else(|| base.recent.clone());
        if recent.is_some() && sort == SortArg::Date {
            return Err(ApiError::bad(
                "recent and sort=date cannot be combined",
                "recent reweighs relevance; sort=date ignores it",
            ));
        }
        let facet = match self.facet.is_empty() {
            true => base.facet.clone(),
            false => self
                .facet
                .iter()
                .map(|f| choice("facet", f, choice_named::<FacetArg>))
                .collect::<Result<_, _>>()?,
        };
        Ok(SearchArgs {
            query: vec![self.q.clone()],
            batch: None,
            limit,
            offset,
            json: true,
            count: false,
            format: None,
            snippets,
            snippet_chars,
            recent,
            exact: self.exact.unwrap_or(base.exact),
            no_collapse: self.no_collapse.unwrap_or(base.no_collapse),
            facet,
            since: self.since.clone().or_else(|| base.since.clone()),
            until: self.until.clone().or_else(|| base.until.clone()),
            lang: self.lang.clone().or_else(|| base.lang.clone()),
            source: self.source.clone().or_else(|| base.source.clone()),
            sort,
        })
    }
}

/// What a request leaves out: the command line's defaults.
fn defaults() -> SearchArgs {
    SearchArgs {
        query: Vec::new(),
        batch: None,
        limit: 10,
        offset: 0,
        json: true,
        count: false,
        format: None,
        snippets: 1,
        snippet_chars: 220,
        recent: None,
        exact: false,
        no_collapse: false,
        facet: Vec::new(),
        since: None,
        until: None,
        lang: None,
        source: None,
        sort: SortArg::Relevance,
    }
}

/// `GET /api/trend`'s parameters (`q`, `by`, `lang`, `source`, `since`, `until`, `exact`),
/// read into the `TrendArgs` the command line fills and mapped as `warta trend` maps them.
pub fn trend_options_of(pairs: &[(String, String)]) -> Result<TrendOptions, ApiError> {
    let mut args = TrendArgs {
        query: vec![String::new()],
        by: PeriodArg::Month,
        json: true,
        exact: false,
        since: None,
        until: None,
        lang: None,
        source: None,
    };
    for (key, value) in pairs {
        let text = || Some(value.clone()).filter(|v| !v.is_empty());
        match key.as_str() {
            "q" => args.query = vec![value.clone()],
            "by" if !value.is_empty() => args.by = choice("by", value, choice_named::<PeriodArg>)?,
            "by" => {}
            "lang" => args.lang = text(),
            "source" => args.source = text(),
            "since" => args.since = text(),
            "until" => args.until = text(),
            "exact" => args.exact = flag(key, value)?,
            _ => {
                return Err(ApiError::bad(
                    format!("unknown parameter {key:?}"),
                    "parameters: q, by, lang, source, since, until, exact",
                ))
            }
        }
    }
    check_query(&args.query[0])?;
    Ok(trend_options(&args)?)
}

/// A query the server runs: not blank, not longer than [`MAX_QUERY_CHARS`].
fn check_query(q: &str) -> Result<(), ApiError> {
    if q.trim().is_empty() {
        return Err(ApiError::bad("no query", "give one with q=…"));
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad(
            format!("query longer than {MAX_QUERY_CHARS} characters"),
            "shorten the query",
        ));
    }
    Ok(())
}

/// One of the values the CLI takes for a flag, named as the CLI names it.
fn choice<T>(
    key: &str,
    value: &str,
    named: fn(&str) -> Result<T, Vec<String>>,
) -> Result<T, ApiError> {
    named(value).map_err(|names| {
        ApiError::bad(
            format!("{key}={value:?} is not known"),
            format!("{key} is one of: {}", names.join(", ")),
        )
    })
}

/// A number parameter; empty is none.
fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<Option<T>, ApiError> {
    if value.is_empty() {
        return Ok(None);
    }
    value.parse().map(Some).map_err(|_| {
        ApiError::bad(
            format!("{key}={value:?} is not a number"),
            format!("{key}=10"),
        )
    })
}

/// A yes/no parameter: present (empty, `1`, `true`) or `0`/`false`.
fn flag(key: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "" | "1" | "true" | "on" => Ok(true),
        "0" | "false" | "off" => Ok(false),
        _ => Err(ApiError::bad(
            format!("{key}={value:?} is neither true nor false"),
            format!("{key}=true"),
        )),
    }
}

/// The decoded pairs of a query string. Text that is not UTF-8 once percent-decoded is refused
/// rather than guessed at.
pub fn pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    raw.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(key)?, decode(value)?))
        })
        .collect()
}

/// Percent-decodes one part of a query string (`+` is a space).
fn decode(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| {
        ApiError::bad(
            "the query string is not UTF-8 once percent-decoded",
            "percent-encode the UTF-8 bytes of the text",
        )
    })
}

/// Percent-encodes `text` for a URL's query or path: all but unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_reads_utf8_and_refuses_other_bytes() {
        assert_eq!(decode("a+b%20c%C3%A9").unwrap(), "a b cé");
        assert_eq!(decode("100%").unwrap(), "100%");
        assert_eq!(decode("%4").unwrap(), "%4");
        assert_eq!(decode("%zz").unwrap(), "%zz");
        assert!(decode("%FF%FE").is_err());
    }

    #[test]
    fn encoding_round_trips() {
        let text = "kredit \"macet\" & <b>é/?#%+";
        assert_eq!(decode(&encode(text)).unwrap(), text);
    }

    #[test]
    fn a_request_maps_as_the_command_line_does() {
        let pairs = pairs(Some(
            "q=harga+bitcoin&limit=5&facet=source&facet=lang&sort=date",
        ));
        let options = SearchRequest::from_pairs(&pairs.unwrap())
            .unwrap()
            .options()
            .unwrap();
        assert_eq!(options.query, "harga bitcoin");
        assert_eq!(options.limit, 5);
        assert_eq!(options.facets.len(), 2);
        assert_eq!(options.sort, warta::search::SortBy::Date);
    }

    #[test]
    fn limits_and_unknown_values_are_refused() {
        let refused = |query: &str| {
            let request = SearchRequest::from_pairs(&pairs(Some(query)).unwrap());
            request.and_then(|r| r.options()).is_err()
        };
        assert!(refused("q=a&limit=1001"));
        assert!(refused("q=a&sort=size"));
        assert!(refused("q=a&facet=author"));
        assert!(refused("q=a&nope=1"));
        assert!(refused("q=a&since=yesterday"));
        assert!(refused("q="));
        assert!(refused(&format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1))));
        assert!(!refused("q=a&limit=1000&lang=&exact"));
    }

    #[test]
    fn a_trend_request_maps_as_the_command_line_does() {
        let options = |query: &str| trend_options_of(&pairs(Some(query)).unwrap());
        let weekly = options("q=paylater&by=week&lang=id&since=2025&exact").unwrap();
        assert_eq!(weekly.query, "paylater");
        assert_eq!(weekly.by, Some(warta::search::Period::Week));
        assert_eq!(weekly.filters.lang.as_deref(), Some("id"));
        assert!(weekly.filters.since.is_some() && weekly.filters.exact);
        assert_eq!(
            options("q=a&by=").unwrap().by,
            Some(warta::search::Period::Month)
        );
        for bad in [
            "q=a&by=day",
            "q=a&by=Month",
            "q=",
            "by=year",
            "q=a&limit=5",
            "q=a&until=x",
        ] {
            assert!(options(bad).is_err(), "{bad}");
        }
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        assert!(options(&long).is_err());
    }
}
