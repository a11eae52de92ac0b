//! Turns the bytes of one input file into `Article`s, whatever its format.
//!
//! Ingest knows nothing of tantivy or the CLI: it takes bytes and a path, returns articles or
//! a reason why the file is not one, so every format can be tested on its own.

pub use crate::common::date;
mod charset;
mod feed;
mod html;
mod http;
mod json;
pub mod lang;
pub mod limits;
mod markdown;
mod markup;
mod members;
pub mod record;
mod table;
mod target;
pub mod txt;
mod warc;

use std::path::Path;

use crate::article::Article;
use crate::report::ProblemKind;
pub use limits::{read_file, Deadline, FileBytes, Limits};
pub use record::FieldMap;
pub use target::Target;
pub use warc::PassedOver;

/// The input formats warta reads, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text in the layout of the sample article.
    Txt,
    /// Markdown with optional front matter.
    Markdown,
    /// A saved web page.
    Html,
    /// One JSON article, or an array of them.
    Json,
    /// JSON lines: one article per line.
    JsonLines,
    /// Comma-separated rows, one article each.
    Csv,
    /// Tab-separated rows, one article each.
    Tsv,
    /// An RSS, RDF or Atom feed (`.rss`, `.rdf`, `.atom`): one article per item.
    Feed,
    /// An `.xml` file: read as a feed when its root element is one, else passed over.
    Xml,
    /// A web archive (`.warc`): one article per HTML page it holds, read as a stream.
    Warc,
}

impl Format {
    /// Whether a file holds records (`file#N`) rather than one article.
    pub fn has_records(self) -> bool {
        matches!(
            self,
            Format::JsonLines
                | Format::Csv
                | Format::Tsv
                | Format::Feed
                | Format::Xml
                | Format::Warc
        )
    }

    /// Whether articles are read from named fields, so that a `FieldMap` applies.
    pub fn reads_named_fields(self) -> bool {
        !matches!(
            self,
            Format::Txt | Format::Html | Format::Feed | Format::Xml | Format::Warc
        )
    }
}

/// How a file is to be read: its format and whether it is gzip-compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// The article format inside.
    pub format: Format,
    /// Whether the file is gzip-compressed (`.txt.gz`).
    pub gzip: bool,
}

/// File names that sit beside articles but describe them (data set notes, licences).
const METADATA_NAMES: &[&str] = &[
    "provenance",
    "readme",
    "license",
    "licence",
    "copying",
    "changelog",
    "duplicates",
];

/// The kind of an input file by its name, or `None` when warta does not read such files.
pub fn kind_of(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (name, gzip) = match name.strip_suffix(".gz") {
        Some(inner) => (inner.to_string(), true),
        None => (name, false),
    };
    let (stem, ext) = name.rsplit_once('.')?;
    if METADATA_NAMES.contains(&stem) {
        return None;
    }
    let format = match ext {
        "txt" | "text" => Format::Txt,
        "md" | "markdown" | "mdown" | "mkd" => Format::Markdown,
        "html" | "htm" | "xhtml" => Format::Html,
        "json" => Format::Json,
        "jsonl" | "ndjson" => Format::JsonLines,
        "csv" => Format::Csv,
        "tsv" | "tab" => Format::Tsv,
        "rss" | "rdf" | "atom" => Format::Feed,
        "xml" => Format::Xml,
        "warc" => Format::Warc,
        _ => return None,
    };
    Some(FileKind { format, gzip })
}

/// Why a file that looked like an article yielded none.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read (permissions, vanished, bad gzip stream).
    #[error("cannot read: {0}")]
    Unreadable(#[from] std::io::Error),
    /// The file holds NUL bytes: it is binary, not text.
    #[error("binary file (NUL byte at offset {0})")]
    Binary(usize),
    /// The file is larger than the byte limit and of a format that cannot be cut short.
    #[error("larger than {}: not read", limits::size(*.0))]
    TooLarge(u64),
    /// Reading and parsing the file took longer than its time budget; it was abandoned.
    #[error("abandoned after {}s (the time limit per file)", .0.as_secs_f64())]
    TooSlow(std::time::Duration),
    /// The file holds no text.
    #[error("empty file")]
    Empty,
    /// The file is not in its format (JSON that does not parse, a CSV header that cannot be
    /// read): it looked like articles but could not be read as such.
    #[error("{0}")]
    Invalid(String),
    /// The file is well-formed but holds nothing warta reads as an article (a JSON file of
    /// settings, a CSV without a title or text column).
    #[error("{0}")]
    NotArticles(String),
}

impl IngestError {
    /// How the index report counts this: a file passed over, or one that failed.
    pub fn kind(&self) -> ProblemKind {
        match self {
            IngestError::Binary(_)
            | IngestError::Empty
            | IngestError::NotArticles(_)
            | IngestError::TooLarge(_)
            | IngestError::TooSlow(_) => ProblemKind::Skipped,
            IngestError::Unreadable(_) | IngestError::Invalid(_) => ProblemKind::Failed,
        }
    }
}

/// Something odd about one file or one record of it, which did not stop the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The record (`file#N`) it is about, or `None` for the whole file.
    pub record: Option<usize>,
    /// A warning (indexed anyway), a record passed over, or a record that failed.
    pub kind: ProblemKind,
    /// Why, in a few words.
    pub reason: String,
}

/// The articles found in one file, with notes about what was odd but survivable.
#[derive(Debug, Default)]
pub struct Ingested {
    /// Articles in file order.
    pub articles: Vec<Article>,
    /// Problems that did not stop the file from being indexed (invalid UTF-8, a broken line).
    pub notes: Vec<Note>,
    /// Records of a web archive passed over, by kind (told with its last batch).
    pub passed_over: PassedOver,
}

/// What a format parser found: articles by record number, and notes.
#[derive(Debug)]
pub(crate) struct Records {
    articles: Vec<(Option<usize>, Article)>,
    notes: Vec<Note>,
    /// Records beyond this many are not read.
    max_records: usize,
    deadline: Deadline,
    /// Which `--field` and `--columns` names the file's records have.
    names: record::NamesSeen,
}

impl Records {
    fn new(limits: &Limits, deadline: Deadline) -> Self {
        Records {
            articles: Vec::new(),
            notes: Vec::new(),
            max_records: limits.records,
            deadline,
            names: record::NamesSeen::default(),
        }
    }

    /// Whether record `n` (1-based) may be read: an error once the file's time is spent, and
    /// `false` (with a warning, once) past the record limit.
    fn may_read(&mut self, n: usize) -> Result<bool, IngestError> {
        if n % 256 == 0 {
            self.deadline.check()?;
        }
        if n > self.max_records {
            let max = self.max_records;
            self.warn(format!("more than {max} records: the rest are not read"));
            return Ok(false);
        }
        Ok(true)
    }

    fn article(&mut self, record: Option<usize>, article: Article) {
        self.articles.push((record, article));
    }

    fn note(&mut self, record: Option<usize>, kind: ProblemKind, reason: String) {
        self.notes.push(Note {
            record,
            kind,
            reason,
        });
    }

    fn warn(&mut self, reason: String) {
        self.note(None, ProblemKind::Warning, reason);
    }
}

/// A title longer than this is not a headline (a file that is one long line, say); it is read
/// as text instead.
const MAX_TITLE_CHARS: usize = 400;

/// A hash of a file's content read as a stream (a web archive, before its articles are read).
pub fn hash_file(path: &Path) -> Result<u64, IngestError> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        match std::io::Read::read(&mut file, &mut chunk)? {
            0 => return Ok(hasher.digest()),
            n => hasher.update(&chunk[..n]),
        }
    }
}

/// Reads the web archive at `path` as a stream (bounded memory however large it is), handing
/// its articles and notes to `each` in batches of up to `batch` articles, each with the bytes
/// of the file read so far; stops early when `each` returns `false` (and says so: `Ok(true)`
/// when the archive was read to its end). Records are named
/// `display#N` and keyed `key#N`; each is held to `limits` as a file of another format is.
pub fn read_archive(
    path: &Path,
    display: &str,
    key: &str,
    kind: FileKind,
    limits: &Limits,
    batch: usize,
    each: &mut dyn FnMut(Ingested, u64) -> bool,
) -> Result<bool, IngestError> {
    let file = std::fs::File::open(path)?;
    Ok(read_archive_from(
        file, display, key, kind, limits, batch, each,
    ))
}

fn read_archive_from(
    file: impl std::io::Read,
    display: &str,
    key: &str,
    kind: FileKind,
    limits: &Limits,
    batch: usize,
    each: &mut dyn FnMut(Ingested, u64) -> bool,
) -> bool {
    let mut pending = Ingested::default();
    let mut pages = 0usize;
    let mut read_to = 0;
    let mut found = |found: warc::Found, at: u64| {
        read_to = at;
        match found {
            warc::Found::Page { record, article } => {
                pages += 1;
                let notes = &mut pending.notes;
                let article = finish(
                    display,
                    key,
                    kind.format,
                    Some(record),
                    *article,
                    limits,
                    notes,
                );
                pending.articles.push(article);
            }
            warc::Found::Warning { record, reason } => pending.notes.push(Note {
                record,
                kind: ProblemKind::Warning,
                reason,
            }),
        }
        pending.articles.len() < batch || each(std::mem::take(&mut pending), at)
    };
    let outcome = warc::read_archive(file, kind.gzip, limits, &mut found);
    pending.passed_over = outcome.passed_over;
    if pages == 0 && !outcome.stopped {
        pending.notes.push(Note {
            record: None,
            kind: ProblemKind::Skipped,
            reason: format!(
                "no HTML page with status 200 in {} web archive records",
                outcome.records
            ),
        });
    }
    !outcome.stopped && each(pending, read_to)
}

/// Parses the bytes of one file into articles, with the default limits and no deadline.
///
/// `path` is the display path (as given on the command line), `key` the stable identity of the
/// file (its canonical path), from which article ids are derived; `map` names record fields.
pub fn parse(
    path: &str,
    key: &str,
    kind: FileKind,
    bytes: &[u8],
    map: &FieldMap,
) -> Result<Ingested, IngestError> {
    parse_within(
        path,
        key,
        kind,
        bytes,
        map,
        &Limits::default(),
        Deadline::never(),
    )
}

/// Parses a file read by [`read_file`] into articles within `limits`, its reading notes first.
pub fn parse_read(
    path: &str,
    key: &str,
    kind: FileKind,
    read: &FileBytes,
    map: &FieldMap,
    limits: &Limits,
) -> Result<Ingested, IngestError> {
    let mut ingested = parse_within(path, key, kind, &read.bytes, map, limits, read.deadline)?;
    ingested.notes.splice(0..0, read.notes.iter().cloned());
    Ok(ingested)
}

/// Parses the bytes of one file into articles within `limits`, until `deadline`.
fn parse_within(
    path: &str,
    key: &str,
    kind: FileKind,
    bytes: &[u8],
    map: &FieldMap,
    limits: &Limits,
    deadline: Deadline,
) -> Result<Ingested, IngestError> {
    if kind.format == Format::Warc {
        // Already decompressed: read as a plain archive, in one batch.
        let mut all = Ingested::default();
        let mut gather = |batch: Ingested, _: u64| {
            all.articles.extend(batch.articles);
            all.notes.extend(batch.notes);
            all.passed_over = batch.passed_over;
            true
        };
        let plain = FileKind {
            gzip: false,
            ..kind
        };
        read_archive_from(bytes, path, key, plain, limits, usize::MAX, &mut gather);
        return Ok(all);
    }
    // As ripgrep does, a NUL byte marks a binary file.
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(IngestError::Binary(pos));
    }
    let mut records = Records::new(limits, deadline);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty);
    }
    match kind.format {
        // A feed's bytes go to the XML parser undecoded: it honours the declared encoding.
        Format::Feed => feed::parse_feed(bytes, limits, &mut records)?,
        Format::Xml if feed::xml_is_feed(bytes) => feed::parse_feed(bytes, limits, &mut records)?,
        Format::Xml => {
            return Err(IngestError::NotArticles(
                "XML that is not a feed (its root element is not rss, feed or rdf:RDF)".into(),
            ))
        }
        _ => read_text(kind, bytes, map, limits, &mut records)?,
    }
    deadline.check()?;
    for warning in records.names.warnings(map) {
        records.warn(warning);
    }
    let Records {
        articles,
        mut notes,
        ..
    } = records;
    if articles.is_empty() && notes.iter().all(|n| n.kind == ProblemKind::Warning) {
        return Err(IngestError::NotArticles("no articles in the file".into()));
    }
    let out = articles
        .into_iter()
        .map(|(record, article)| {
            finish(path, key, kind.format, record, article, limits, &mut notes)
        })
        .collect();
    Ok(Ingested {
        articles: out,
        notes,
        ..Ingested::default()
    })
}

/// An article as parsed made ready for the index: a title too long to be one read as text, the
/// text cut to the limit, its path and id (`file#N` for record `N`), its language detected;
/// with a note for each of these.
fn finish(
    path: &str,
    key: &str,
    format: Format,
    record: Option<usize>,
    mut article: Article,
    limits: &Limits,
    notes: &mut Vec<Note>,
) -> Article {
    let mut note = |reason: String| {
        notes.push(Note {
            record,
            kind: ProblemKind::Warning,
            reason,
        })
    };
    let title_chars = article.title.chars().count();
    if title_chars > MAX_TITLE_CHARS {
        note(format!(
            "first line is {title_chars} characters, too long for a title: read as text"
        ));
        let line = std::mem::take(&mut article.title);
        article.body = [
            std::mem::take(&mut article.lede),
            std::mem::take(&mut article.body),
        ]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
        article.lede = line;
    }
    let text_bytes = article.title.len() + article.lede.len() + article.body.len();
    if text_bytes > limits.article_bytes {
        limits::cut_text(&mut article, limits.article_bytes);
        note(format!(
            "text of {} cut to the first {}",
            limits::size(text_bytes as u64),
            limits::size(limits.article_bytes as u64)
        ));
    }
    for date in [&mut article.published, &mut article.fetched] {
        if let Some(far) = date.take_if(|d| !d.representable()) {
            let far = far.to_iso();
            note(format!(
                "date {far} is not kept: an index holds the years 1678-2261"
            ));
        }
    }
    let no_text = article.lede.is_empty() && article.body.is_empty();
    if article.title.is_empty() && no_text {
        note("no title or text".into());
    } else if article.title.is_empty()
        && !format.has_records()
        && format != Format::Json
        && title_chars <= MAX_TITLE_CHARS
    {
        note("no title".into());
    }
    let (record_path, record_key) = match record {
        Some(n) => (format!("{path}#{n}"), format!("{key}#{n}")),
        None => (path.to_string(), key.to_string()),
    };
    // An article known by its URL is named by it (the copies in other files are one
    // article); any other by its file and record.
    let url_key = crate::common::url::key_of(&article);
    article.keyed_by_url = url_key.is_some();
    article.id = article_id(url_key.as_deref().unwrap_or(&record_key));
    article.path = record_path;
    if article.lang.is_empty() {
        article.lang = lang::detect(&article.title, &article.lede, &article.body).to_string();
    }
    article
}

/// Whether a `.json` file's text is a JSON Feed (its `version` names jsonfeed.org) rather than
/// articles.
fn is_json_feed(text: &str) -> bool {
    text.contains("jsonfeed.org")
        && serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| feed::is_json_feed(&v))
}

/// Reads a text format: decoded as UTF-8 (lossily, with a warning), a web page by the charset
/// it names (else UTF-8 or windows-1252, as browsers do); then parsed.
fn read_text(
    kind: FileKind,
    bytes: &[u8],
    map: &FieldMap,
    limits: &Limits,
    records: &mut Records,
) -> Result<(), IngestError> {
    let text = match std::str::from_utf8(bytes) {
        _ if kind.format == Format::Html => {
            let (text, warning) = charset::decode_html(bytes, None);
            warning.into_iter().for_each(|w| records.warn(w));
            text
        }
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(err) => {
            records.warn(format!(
                "invalid UTF-8 at byte {}, read with replacement characters",
                err.valid_up_to()
            ));
            String::from_utf8_lossy(bytes)
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    match kind.format {
        Format::Txt => records.article(None, txt::parse_txt(text)),
        Format::Markdown => {
            let (article, warnings) = markdown::parse_markdown(text, map);
            warnings.into_iter().for_each(|w| records.warn(w));
            records.article(None, article);
        }
        Format::Html => {
            let (html, warnings) = markup::bound_markup(text, limits);
            warnings.into_iter().for_each(|w| records.warn(w));
            records.deadline.check()?;
            records.article(None, html::parse_html(&html));
        }
        Format::Json if is_json_feed(text) => feed::parse_feed(text.as_bytes(), limits, records)?,
        Format::Json => json::parse_json(text, map, records)?,
        Format::JsonLines => json::parse_jsonl(text, map, records)?,
        Format::Csv => table::parse_table(text, b',', map, records)?,
        Format::Tsv => table::parse_table(text, b'\t', map, records)?,
        Format::Feed | Format::Xml => feed::parse_feed(bytes, limits, records)?,
        Format::Warc => unreachable!("archives are read before text is decoded"),
    }
    Ok(())
}

pub use crate::common::article_id;

/// A hash of a file's content, to tell a changed file from a touched one.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Collapses runs of whitespace to one space and trims, for titles and metadata values.
pub(crate) fn squash_spaces(text: &str) -> String {
    // Word by word into one string: a list of the words first would take 16 bytes per word, four
    // times the text of a page of short words (a 100 MB paragraph ran out of memory).
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
