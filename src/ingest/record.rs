//! Articles from records with named fields: JSON objects, JSON lines, CSV rows and Markdown
//! front matter all become a `serde_json` map first, and this one mapping reads it.
//!
//! Field names are recognised case-insensitively, ignoring `_`, `-` and spaces, from the
//! variants data sets use (`headline`, `pubDate`, `source_url`, ...); `--field title=headline`
//! names the input field for an article field outright.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::target::normalise;
pub use super::target::Target;
use super::{date, lang, squash_spaces, txt};
use crate::article::Article;

/// How the fields of records are named: overrides from `--field`, and the columns of CSV files
/// without a header row from `--columns`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMap {
    /// `--field target=name`: the input field that fills each named article field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(Target, String)>,
    /// `--columns a,b,c`: names for the columns of CSV/TSV files, which then have no header row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}

impl FieldMap {
    /// Parses one `--field` value, `target=name`.
    pub fn parse_field(spec: &str) -> Result<(Target, String), String> {
        let (target, name) = spec
            .split_once('=')
            .ok_or_else(|| format!("`{spec}` is not TARGET=NAME (e.g. title=headline)"))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("`{spec}` names no input field"));
        }
        Ok((target.trim().parse()?, name.to_string()))
    }

    /// Parses a `--columns` value, `a,b,c`.
    pub fn parse_columns(spec: &str) -> Result<Vec<String>, String> {
        let columns: Vec<String> = spec.split(',').map(|c| c.trim().to_string()).collect();
        if columns.iter().all(String::is_empty) {
            return Err("no column names given".into());
        }
        Ok(columns)
    }

    /// Whether this map says nothing (field names are recognised as they come).
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.columns.is_none()
    }

    /// A number that changes when the map does, mixed into file hashes so that a file read
    /// with another mapping counts as changed.
    pub fn fingerprint(&self) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let text = serde_json::to_string(self).unwrap_or_default();
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }

    /// The record key that fills `target`, if the record has one; `keys` are the record's
    /// keys with their normalised forms (made once per record: this runs per target).
    fn key_for<'a>(
        &self,
        record: &'a Map<String, Value>,
        keys: &[(String, &'a str)],
        target: Target,
    ) -> Option<&'a str> {
        // A named field wins; a record without it falls back to the usual names.
        if let Some((_, name)) = self.fields.iter().find(|(t, _)| *t == target) {
            let named = keys.iter().find(|(_, k)| k.eq_ignore_ascii_case(name));
            if let Some((_, key)) = named {
                return Some(key);
            }
        }
        // A field named for another target by `--field` is not read again by its own name.
        let overridden = |k: &str| self.fields.iter().any(|(_, n)| n.eq_ignore_ascii_case(k));
        target.names().iter().find_map(|wanted| {
            keys.iter()
                .find(|(norm, k)| norm == wanted && !is_blank(&record[*k]) && !overridden(k))
                .map(|(_, k)| *k)
        })
    }

    /// Whether any key of a header row (or record) fills an article's text or title.
    pub fn recognises_text(&self, keys: &[String]) -> bool {
        let record: Map<String, Value> = keys
            .iter()
            .map(|k| (k.clone(), Value::String("x".into())))
            .collect();
        let keys = normalised_keys(&record);
        [Target::Title, Target::Body]
            .iter()
            .any(|&t| self.key_for(&record, &keys, t).is_some())
    }
}

/// Which of a field map's names some record of one file has, so that a name no record has is
/// told for that file: a misspelt `--field title=nmae` would otherwise give every record
/// "(no title)" in silence, and a `--columns` list longer than the rows an empty column.
#[derive(Debug, Default)]
pub(crate) struct NamesSeen {
    records: usize,
    /// Per `--field` entry, whether a record has its input field.
    fields: Vec<bool>,
    /// Per `--columns` name, whether a row has a value in that column.
    columns: Vec<bool>,
    /// The first record's keys, to show what the file has.
    keys: Vec<String>,
}

impl NamesSeen {
    /// Notes the names of `map` that `record` has.
    pub(crate) fn record(&mut self, record: &Map<String, Value>, map: &FieldMap) {
        if self.records == 0 {
            self.fields = vec![false; map.fields.len()];
            self.columns = vec![false; map.columns.as_ref().map_or(0, Vec::len)];
            self.keys = record.keys().take(12).cloned().collect();
        }
        self.records += 1;
        for (seen, (_, name)) in self.fields.iter_mut().zip(&map.fields) {
            *seen = *seen || record.keys().any(|k| k.eq_ignore_ascii_case(name));
        }
        let columns = map.columns.iter().flatten();
        for (seen, name) in self.columns.iter_mut().zip(columns) {
            *seen = *seen || record.get(name).is_some_and(|v| !is_blank(v));
        }
    }

    /// A warning for each name of `map` that no record had (none when there were no records).
    pub(crate) fn warnings(&self, map: &FieldMap) -> Vec<String> {
        let mut out = Vec::new();
        if self.records == 0 {
            return out;
        }
        for (_, (target, name)) in self.fields.iter().zip(&map.fields).filter(|(s, _)| !**s) {
            out.push(format!(
                "--field {target}={name}: no record of this file has a field `{name}` \
                 (it has: {})",
                self.keys.join(", ")
            ));
        }
        let columns = map.columns.iter().flatten();
        for (_, name) in self
            .columns
            .iter()
            .zip(columns)
            .filter(|(s, n)| !**s && !n.is_empty())
        {
            out.push(format!(
                "--columns names `{name}`, but no row of this file has a value in that column"
            ));
        }
        out
    }
}

fn normalised_keys(record: &Map<String, Value>) -> Vec<(String, &str)> {
    record.keys().map(|k| (normalise(k), k.as_str())).collect()
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.iter().all(is_blank),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Reads a record into an article (id and path left for the caller). Fields that are missing
/// stay empty; a record with no recognised field at all is `None`.
pub fn article(record: &Map<String, Value>, map: &FieldMap) -> Option<Article> {
    let mut article = Article::default();
    let keys = normalised_keys(record);
    let mut used = Vec::new();
    let mut body = None;
    for target in Target::ALL {
        let Some(key) = map.key_for(record, &keys, target) else {
            continue;
        };
        if used.contains(&key) {
            continue;
        }
        used.push(key);
        let value = &record[key];
        match target {
            Target::Body => body = Some(text_of(value)),
            other => apply(&mut article, other, value),
        }
    }
    if used.is_empty() {
        return None;
    }
    let units = body.map_or_else(Vec::new, |b| txt::field_paragraphs(&b));
    txt::fill_text(&mut article, units);
    // `warta export` writes the sub-headings it found (marked in HTML and Markdown): they are
    // kept rather than guessed again from the body.
    if let Some(headings @ Value::Array(_)) = record.get("headings") {
        article.headings = tags(headings);
    }
    // And the time a crawler fetched the page (a web archive's record): never a publication date.
    if let Some(Value::String(fetched)) = record.get("fetched") {
        article.fetched = date::parse_date(fetched);
    }
    Some(article)
}

/// Sets one metadata field of an article from a value, as the field expects it.
pub(super) fn apply(article: &mut Article, target: Target, value: &Value) {
    match target {
        Target::Title => article.title = squash_spaces(&text_of(value)),
        Target::Lede => article.lede = squash_spaces(&text_of(value)),
        Target::Body => txt::fill_text(article, txt::field_paragraphs(&text_of(value))),
        Target::Url => article.url = scalar(value),
        Target::Source => article.source = scalar(value),
        Target::Author => article.author = scalar(value),
        Target::Date => article.published = scalar(value).and_then(|d| date::parse_date(&d)),
        Target::Tags => article.tags = tags(value),
        Target::Lang => {
            if let Some(code) = scalar(value) {
                article.lang = lang::normalize_code(&code);
            }
        }
    }
}

/// A one-line value: a string or number as is, an object by its `name` (NewsAPI's
/// `"source": {"name": ...}`, JSON-LD authors), a list joined with commas.
fn scalar(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => squash_spaces(s),
        Value::Number(n) => n.to_string(),
        Value::Object(o) => {
            return ["name", "title", "@value"]
                .iter()
                .find_map(|k| o.get(*k).and_then(scalar))
        }
        Value::Array(items) => items
            .iter()
            .filter_map(scalar)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Bool(_) | Value::Null => String::new(),
    };
    (!text.is_empty()).then_some(text)
}

fn tags(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(scalar).collect(),
        other => scalar(other)
            .map(|s| {
                s.split([',', ';', '|'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The text of a value. Lists are read by shape, so that tokenised corpora (IndoSum's
/// paragraphs → sentences → tokens) come out as readable text: a list of single words is a
/// sentence, a list of sentences a paragraph, a list of paragraphs a text.
pub(super) fn text_of(value: &Value) -> String {
    flatten(value).0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Word,
    Sentence,
    Paragraph,
    Text,
}

fn flatten(value: &Value) -> (String, Level) {
    match value {
        Value::String(s) => {
            let level = if s.contains("\n\n") {
                Level::Text
            } else if s.split_whitespace().nth(1).is_some() {
                Level::Paragraph
            } else {
                Level::Word
            };
            (s.clone(), level)
        }
        Value::Number(n) => (n.to_string(), Level::Word),
        Value::Array(items) => {
            let parts: Vec<(String, Level)> = items
                .iter()
                .map(flatten)
                .filter(|(s, _)| !s.trim().is_empty())
                .collect();
            let top = parts.iter().map(|p| p.1).max().unwrap_or(Level::Word);
            let texts = parts.into_iter().map(|p| p.0);
            match top {
                Level::Word => (detokenise(texts), Level::Sentence),
                Level::Sentence => (texts.collect::<Vec<_>>().join(" "), Level::Paragraph),
                Level::Paragraph | Level::Text => {
                    (texts.collect::<Vec<_>>().join("\n\n"), Level::Text)
                }
            }
        }
        Value::Object(o) => o
            .get("text")
            .or_else(|| o.get("content"))
            .map_or((String::new(), Level::Word), flatten),
        Value::Bool(_) | Value::Null => (String::new(), Level::Word),
    }
}

/// Joins word tokens as the sentence was written: no space before closing punctuation or
/// after opening brackets and quotes. (No crate detokenises; the rules are short.)
fn detokenise(tokens: impl Iterator<Item = String>) -> String {
    let tokens: Vec<String> = tokens.collect();
    let mut out = String::new();
    let mut glue_next = false;
    let mut open_quote = false;
    for (i, token) in tokens.iter().enumerate() {
        let after_stop = i > 0 && matches!(tokens[i - 1].as_str(), "." | "," | "!" | "?");
        // A quote closes an open one; an unpaired quote after a stop closes a quotation
        // opened in an earlier sentence (`..., " tuturnya`).
        let closing_quote = token == "\""
            && (open_quote || (after_stop && !tokens[i + 1..].iter().any(|t| t == "\"")));
        let closing = closing_quote
            || matches!(
                token.as_str(),
                "." | "," | ";" | ":" | "!" | "?" | "%" | ")" | "]" | "}" | "..." | "'s"
            );
        if !out.is_empty() && !closing && !glue_next {
            out.push(' ');
        }
        glue_next =
            matches!(token.as_str(), "(" | "[" | "{" | "$") || (token == "\"" && !closing_quote);
        if token == "\"" {
            open_quote = !closing_quote;
        }
        out.push_str(token);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_field_map_name_no_record_has_is_told_once() {
        let map = FieldMap {
            fields: vec![
                (Target::Title, "nmae".into()),
                (Target::Body, "text".into()),
            ],
            columns: None,
        };
        let mut seen = NamesSeen::default();
        assert!(
            seen.warnings(&map).is_empty(),
            "no records, nothing to tell"
        );
        for record in [json!({"name": "a", "text": "b"}), json!({"Text": "c"})] {
            seen.record(record.as_object().unwrap(), &map);
        }
        let warnings = seen.warnings(&map);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("title=nmae") && warnings[0].contains("name, text"));
    }

    #[test]
    fn a_column_no_row_fills_is_told() {
        let map = FieldMap {
            fields: Vec::new(),
            columns: Some(vec!["title".into(), "body".into(), "extra".into()]),
        };
        let mut seen = NamesSeen::default();
        seen.record(
            json!({"title": "a", "body": "b"}).as_object().unwrap(),
            &map,
        );
        assert_eq!(
            seen.warnings(&map),
            ["--columns names `extra`, but no row of this file has a value in that column"]
        );
    }

    fn read(value: Value, map: &FieldMap) -> Article {
        article(value.as_object().unwrap(), map).unwrap()
    }

    #[test]
    fn common_names_are_recognised_in_any_case() {
        let a = read(
            json!({"Headline": "Chips get faster", "PUB_DATE": "2025-08-29",
                   "source_url": "https://x.io/a", "Publisher": "X",
                   "byline": "Rina", "Category": "tech", "content": "First.\n\nSecond."}),
            &FieldMap::default(),
        );
        assert_eq!(a.title, "Chips get faster");
        assert_eq!(a.published.unwrap().to_iso(), "2025-08-29");
        assert_eq!(a.url.as_deref(), Some("https://x.io/a"));
        assert_eq!(a.source.as_deref(), Some("X"));
        assert_eq!(a.author.as_deref(), Some("Rina"));
        assert_eq!(a.tags, vec!["tech"]);
        assert_eq!((a.lede.as_str(), a.body.as_str()), ("First.", "Second."));
    }

    #[test]
    fn description_is_the_lede_beside_a_body_and_the_text_alone() {
        let both = read(
            json!({"title": "T", "description": "Teaser.", "body": "Text."}),
            &FieldMap::default(),
        );
        assert_eq!(
            (both.lede.as_str(), both.body.as_str()),
            ("Teaser.", "Text.")
        );
        let alone = read(
            json!({"title": "T", "description": "Only this."}),
            &FieldMap::default(),
        );
        assert_eq!(alone.lede, "Only this.");
    }

    #[test]
    fn overrides_name_the_field_and_stop_the_default() {
        let map = FieldMap {
            fields: vec![
                (Target::Title, "name".into()),
                (Target::Body, "title".into()),
            ],
            columns: None,
        };
        let a = read(json!({"name": "Real title", "title": "Text here."}), &map);
        assert_eq!(a.title, "Real title");
        assert_eq!(a.lede, "Text here.");
        assert!(FieldMap::parse_field("headline").is_err());
        assert!(FieldMap::parse_field("colour=x").is_err());
        assert_eq!(
            FieldMap::parse_field("date=pubDate").unwrap(),
            (Target::Date, "pubDate".into())
        );
    }

    #[test]
    fn tokenised_paragraphs_read_as_text() {
        let a = read(
            json!({"paragraphs": [[["Harga", "naik", "(", "lagi", ")", "."], ["Kata", "dia", ",", "\"", "ya", "\"", "."]],
                                  [["Paragraf", "dua", ",", "\"", "tuturnya", "."]]]}),
            &FieldMap::default(),
        );
        assert_eq!(a.lede, "Harga naik (lagi). Kata dia, \"ya\".");
        assert_eq!(a.body, "Paragraf dua,\" tuturnya.");
    }

    #[test]
    fn wrapped_newswire_text_keeps_its_paragraphs() {
        let a = read(
            json!({"title": "COCOA", "body": "Showers continued in\nthe zone.\n    The dry period\nends."}),
            &FieldMap::default(),
        );
        assert_eq!(a.lede, "Showers continued in the zone.");
        assert_eq!(a.body, "The dry period ends.");
    }

    #[test]
    fn objects_lists_and_numbers_as_metadata() {
        let a = read(
            json!({"title": "T", "source": {"id": null, "name": "BBC"}, "authors": ["A", "B"],
                   "timestamp": 1756450800, "tags": "ai; chips", "lang": "Bahasa Indonesia"}),
            &FieldMap::default(),
        );
        assert_eq!(a.source.as_deref(), Some("BBC"));
        assert_eq!(a.author.as_deref(), Some("A, B"));
        assert_eq!(a.published.unwrap().to_iso(), "2025-08-29T07:00:00Z");
        assert_eq!(a.tags, vec!["ai", "chips"]);
        assert_eq!(a.lang, "id");
    }

    #[test]
    fn headings_given_are_kept_rather_than_guessed() {
        let text = "Lede.\n\nShort line\n\nA paragraph.\n\nMarked heading\n\nMore.";
        let guessed = read(json!({"title": "T", "body": text}), &FieldMap::default());
        assert_eq!(guessed.headings, ["Short line", "Marked heading"]);
        let given = read(
            json!({"title": "T", "body": text, "headings": ["Marked heading"]}),
            &FieldMap::default(),
        );
        assert_eq!(given.headings, ["Marked heading"]);
        assert_eq!(given.body, guessed.body);
    }

    #[test]
    fn a_record_without_known_fields_is_none() {
        assert!(article(json!({"x": 1}).as_object().unwrap(), &FieldMap::default()).is_none());
    }
}
