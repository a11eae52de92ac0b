//! Web archives (`.warc`, `.warc.gz`), read as a stream, record by record: each `response`
//! record holding an HTML page with status 200 is an article; the other records are counted
//! and passed over.
//!
//! The reader is written here rather than taken from a crate: the `warc` crate (0.4) reads
//! gzip through libflate into one stream, so it cannot tell where a record's gzip member ends
//! (how a truncated record is told from the next one) nor start again at the next member after
//! a corrupt one, and both it and `rust_warc` read a record's whole block into memory at the
//! length its header claims. Here a `.warc.gz` is read one gzip member at a time (a whole-file
//! gzip is one member holding every record), a record's block is read only up to the
//! per-record limit (a larger one is skipped), and after garbage or a corrupt record reading
//! goes on at the next `WARC/1.x` line or the next gzip member.

use std::io::{self, BufRead, Read};

use super::members::{Input, Segment};
use super::{charset, html, http, markup, Deadline, Limits};
use crate::article::Article;
use crate::common::date;

/// One header line of a record (WARC or HTTP) beyond this many bytes: the record is corrupt.
const MAX_LINE: usize = 64 * 1024;
/// A record's header beyond this many lines: the record is corrupt.
const MAX_HEADER_LINES: usize = 256;

/// Something the reader found, in file order.
#[derive(Debug)]
pub(super) enum Found {
    /// A web page, from record `record` (1-based, counting every record of the archive).
    Page {
        record: usize,
        article: Box<Article>,
    },
    /// Something wrong with record `record` (or with the bytes between records when `None`);
    /// what came after it is still read.
    Warning {
        record: Option<usize>,
        reason: String,
    },
}

/// Records passed over, by kind, in the order reports list them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassedOver {
    /// `request` records.
    pub requests: u64,
    /// `metadata` records.
    pub metadata: u64,
    /// `warcinfo` records.
    pub warcinfo: u64,
    /// `revisit` records (a fetch that found the page unchanged: its payload is elsewhere).
    pub revisits: u64,
    /// `resource`, `conversion`, `continuation` and unknown records.
    pub other_records: u64,
    /// Responses with status 200 whose payload is not HTML.
    pub not_html: u64,
    /// Responses with a 3xx status.
    pub redirects: u64,
    /// Responses with any status but 200 and 3xx.
    pub error_pages: u64,
    /// Responses that could not be read (no HTTP status line, an encoding warta does not
    /// decode, cut short).
    pub unreadable: u64,
}

impl PassedOver {
    /// Each count by its name in reports (`index --json`'s `passed_over`).
    pub fn named(&self) -> [(&'static str, u64); 9] {
        [
            ("requests", self.requests),
            ("metadata", self.metadata),
            ("warcinfo", self.warcinfo),
            ("revisits", self.revisits),
            ("other_records", self.other_records),
            ("not_html", self.not_html),
            ("redirects", self.redirects),
            ("error_pages", self.error_pages),
            ("unreadable", self.unreadable),
        ]
    }
}

/// How reading an archive ended.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    /// Records read (including those passed over).
    pub records: usize,
    /// What was passed over.
    pub passed_over: PassedOver,
    /// Whether `each` asked to stop before the end.
    pub stopped: bool,
}

/// Reads the archive in `file` (gzip when `gzip`), calling `each` with every page and warning
/// as it is found; stops early when `each` returns `false`. Each record is held to
/// `limits.record_bytes` and `limits.file_time`, the archive to `limits.records` records.
pub(super) fn read_archive(
    file: impl Read,
    gzip: bool,
    limits: &Limits,
    each: &mut dyn FnMut(Found, u64) -> bool,
) -> Outcome {
    let mut reader = Reader {
        input: Input::new(file, gzip),
        limits: *limits,
        outcome: Outcome::default(),
        pending: None,
        start: (0, 0),
    };
    reader.run(each);
    reader.outcome
}

/// The WARC headers warta reads.
#[derive(Debug, Default)]
struct Headers {
    kind: String,
    length: Option<u64>,
    uri: Option<String>,
    date: Option<String>,
    /// The block's type: `application/http` for an HTTP response.
    content_type: Option<String>,
}

/// How a line read went.
enum Line {
    /// A whole line (without its end), or the end of the segment.
    Whole(Vec<u8>),
    /// The end of the segment before any byte.
    End,
    /// Longer than the limit: that many bytes were consumed.
    TooLong,
}

/// Why a record could not be read on.
enum Stop {
    /// The segment ended inside the record's header.
    Truncated,
    /// Not a WARC record, or a header that is not one (of that record, if it had a number).
    Corrupt(Option<usize>, String),
    /// `each` asked to stop, or a limit stops the archive.
    Archive,
    /// Reading the file or decompressing it failed.
    Io(io::Error),
}

impl From<io::Error> for Stop {
    fn from(err: io::Error) -> Self {
        Stop::Io(err)
    }
}

struct Reader<R> {
    input: Input<R>,
    limits: Limits,
    outcome: Outcome,
    /// A `WARC/` line found while looking for the next record, and where it began.
    pending: Option<(Vec<u8>, (u64, u64))>,
    /// Where the record being read began (see [`Input::offset`]).
    start: (u64, u64),
}

impl<R: Read> Reader<R> {
    fn run(&mut self, each: &mut dyn FnMut(Found, u64) -> bool) {
        let mut in_segment = false;
        loop {
            if !in_segment {
                match self.input.next_segment() {
                    Ok(Segment::End) => return,
                    Ok(Segment::Started { garbage }) => {
                        if garbage > 0 {
                            let at = self.input.segment_start - garbage;
                            let reason = format!(
                                "{garbage} bytes that are not gzip data at byte {at}: passed over"
                            );
                            if !self.warn(each, None, reason) {
                                return;
                            }
                        }
                        in_segment = true;
                    }
                    Err(err) => {
                        let at = self.input.raw().position();
                        self.warn(each, None, format!("cannot read on from byte {at}: {err}"));
                        return;
                    }
                }
            }
            let (record, reason) = match self.record(each) {
                Ok(true) => continue,
                Ok(false) => {
                    in_segment = false;
                    continue;
                }
                Err(Stop::Archive) => return,
                Err(Stop::Truncated) => {
                    in_segment = false;
                    let n = self.outcome.records;
                    (
                        Some(n),
                        format!("record {} cut short in its header", self.where_()),
                    )
                }
                Err(Stop::Corrupt(record, why)) => {
                    let reason = format!("{why} {}: passed over", self.where_());
                    match self.resync() {
                        Ok(found) => in_segment = found,
                        Err(Stop::Archive) => return,
                        Err(_) if self.input.gzip => in_segment = false,
                        Err(_) => return,
                    }
                    (record, reason)
                }
                Err(Stop::Io(err)) if self.input.gzip => {
                    in_segment = false;
                    let at = self.start.0;
                    let reason = format!(
                        "corrupt gzip member at byte {at}: {err}; read on at the next member"
                    );
                    (None, reason)
                }
                Err(Stop::Io(err)) => {
                    let at = self.input.offset().1;
                    self.warn(each, None, format!("cannot read on from byte {at}: {err}"));
                    return;
                }
            };
            if !self.warn(each, record, reason) {
                return;
            }
        }
    }

    /// Where the record being read starts, as messages say it: its byte in a plain file, its
    /// gzip member's byte (and its byte inside the member, unless it opens it) in a `.warc.gz`.
    fn where_(&self) -> String {
        match (self.input.gzip, self.start) {
            (false, (_, at)) => format!("at byte {at}"),
            (true, (member, 0)) => format!("at byte {member}"),
            (true, (member, at)) => format!("at byte {at} of the gzip member at byte {member}"),
        }
    }

    fn warn(
        &mut self,
        each: &mut dyn FnMut(Found, u64) -> bool,
        record: Option<usize>,
        reason: String,
    ) -> bool {
        let at = self.input.raw().position();
        let go_on = each(Found::Warning { record, reason }, at);
        self.outcome.stopped |= !go_on;
        go_on
    }

    /// Reads one record of the current segment: `Ok(false)` at the segment's end.
    fn record(&mut self, each: &mut dyn FnMut(Found, u64) -> bool) -> Result<bool, Stop> {
        let version = match self.pending.take() {
            Some((line, start)) => {
                self.start = start;
                line
            }
            None => loop {
                // Blank lines between records are passed over.
                self.start = self.input.offset();
                match self.line()? {
                    Line::End => return Ok(false),
                    Line::Whole(line) if line.iter().all(u8::is_ascii_whitespace) => {}
                    Line::Whole(line) => break line,
                    Line::TooLong => {
                        return Err(Stop::Corrupt(None, "a line of over 64 KiB".into()))
                    }
                }
            },
        };
        if !version.starts_with(b"WARC/") {
            return Err(Stop::Corrupt(
                None,
                "bytes that are not a WARC record".into(),
            ));
        }
        self.outcome.records += 1;
        let record = self.outcome.records;
        if record > self.limits.records {
            let max = self.limits.records;
            self.warn(
                each,
                None,
                format!("more than {max} records: the rest are not read"),
            );
            return Err(Stop::Archive);
        }
        let headers = self.headers(record)?;
        let deadline = Deadline::after(self.limits.file_time);
        let Some(length) = headers.length else {
            let why = "a WARC header without a Content-Length".to_string();
            return Err(Stop::Corrupt(Some(record), why));
        };
        let passed = &mut self.outcome.passed_over;
        // A response that is not HTTP (a crawler's `dns:` lookups) holds no page.
        let http = headers
            .content_type
            .as_deref()
            .is_none_or(|t| t.starts_with("application/http"));
        let counter = match headers.kind.as_str() {
            "response" if http => None,
            "response" => Some(&mut passed.other_records),
            "request" => Some(&mut passed.requests),
            "metadata" => Some(&mut passed.metadata),
            "warcinfo" => Some(&mut passed.warcinfo),
            "revisit" => Some(&mut passed.revisits),
            _ => Some(&mut passed.other_records),
        };
        if let Some(counter) = counter {
            *counter += 1;
            return self.skip(length, record, &deadline, each);
        }
        let max = self.limits.record_bytes as u64;
        if length > max {
            let reason = format!(
                "a record of {} (over the {} limit per record): passed over",
                super::limits::size(length),
                super::limits::size(max)
            );
            if !self.warn(each, Some(record), reason) {
                return Err(Stop::Archive);
            }
            return self.skip(length, record, &deadline, each);
        }
        let mut block = Vec::with_capacity(length.min(1 << 20) as usize);
        (&mut self.input).take(length).read_to_end(&mut block)?;
        if (block.len() as u64) < length {
            let reason = format!(
                "record {} cut short: {} of its {length} bytes; passed over",
                self.where_(),
                block.len()
            );
            self.outcome.passed_over.unreadable += 1;
            if !self.warn(each, Some(record), reason) {
                return Err(Stop::Archive);
            }
            return Ok(false);
        }
        let passed = &mut self.outcome.passed_over;
        match http::read_response(&block, self.limits.record_bytes) {
            http::Response::Page {
                body,
                charset,
                warning,
            } => {
                drop(block);
                if let Some(warning) = warning {
                    if !self.warn(each, Some(record), warning) {
                        return Err(Stop::Archive);
                    }
                }
                self.page(record, &headers, &body, charset.as_deref(), each)
            }
            http::Response::Redirect => {
                passed.redirects += 1;
                Ok(true)
            }
            http::Response::Error => {
                passed.error_pages += 1;
                Ok(true)
            }
            http::Response::NotHtml => {
                passed.not_html += 1;
                Ok(true)
            }
            http::Response::Unreadable(why) => {
                passed.unreadable += 1;
                let reason = format!("response {}: {why}; passed over", self.where_());
                match self.warn(each, Some(record), reason) {
                    true => Ok(true),
                    false => Err(Stop::Archive),
                }
            }
        }
    }

    /// Reads a page's text into an article and hands it on.
    fn page(
        &mut self,
        record: usize,
        headers: &Headers,
        body: &[u8],
        charset: Option<&str>,
        each: &mut dyn FnMut(Found, u64) -> bool,
    ) -> Result<bool, Stop> {
        let (text, warning) = charset::decode_html(body, charset);
        let (bounded, warnings) = markup::bound_markup(&text, &self.limits);
        for warning in warning.into_iter().chain(warnings) {
            if !self.warn(each, Some(record), warning) {
                return Err(Stop::Archive);
            }
        }
        let mut article = html::parse_html(&bounded);
        if let Some(uri) = &headers.uri {
            article.url = Some(uri.clone());
        }
        if article.source.is_none() {
            article.source = article.url.as_deref().and_then(host);
        }
        article.fetched = headers.date.as_deref().and_then(date::parse_date);
        article.keyed_by_url = true;
        let at = self.input.raw().position();
        if each(
            Found::Page {
                record,
                article: Box::new(article),
            },
            at,
        ) {
            Ok(true)
        } else {
            self.outcome.stopped = true;
            Err(Stop::Archive)
        }
    }

    /// Skips a record's block without keeping it, within its time budget: `Ok(false)` when
    /// the segment ended first.
    fn skip(
        &mut self,
        length: u64,
        record: usize,
        deadline: &Deadline,
        each: &mut dyn FnMut(Found, u64) -> bool,
    ) -> Result<bool, Stop> {
        let mut left = length;
        while left > 0 {
            let mut chunk = (&mut self.input).take(left.min(1 << 20));
            let skipped = io::copy(&mut chunk, &mut io::sink())?;
            if skipped == 0 {
                let reason = format!(
                    "record {} cut short: {} of its {length} bytes",
                    self.where_(),
                    length - left
                );
                return match self.warn(each, Some(record), reason) {
                    true => Ok(false),
                    false => Err(Stop::Archive),
                };
            }
            left -= skipped;
            if deadline.check().is_err() {
                let secs = self.limits.file_time.as_secs();
                let reason = format!(
                    "not read to its end in {secs}s (the time limit per record): the rest of the archive is not read"
                );
                self.warn(each, Some(record), reason);
                return Err(Stop::Archive);
            }
        }
        Ok(true)
    }

    /// The header lines of record `record` after its version line, up to the empty line.
    fn headers(&mut self, record: usize) -> Result<Headers, Stop> {
        let mut headers = Headers::default();
        for _ in 0..MAX_HEADER_LINES {
            let line = match self.line()? {
                Line::Whole(line) => line,
                Line::End => return Err(Stop::Truncated),
                Line::TooLong => {
                    let why = "a WARC header line of over 64 KiB".to_string();
                    return Err(Stop::Corrupt(Some(record), why));
                }
            };
            if line.iter().all(u8::is_ascii_whitespace) {
                return Ok(headers);
            }
            let line = String::from_utf8_lossy(&line);
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "warc-type" => headers.kind = value.to_ascii_lowercase(),
                "content-length" => headers.length = value.parse().ok(),
                // WARC 1.0's examples wrap the URI in angle brackets; some writers copied them.
                "warc-target-uri" => {
                    let uri = value.trim_start_matches('<').trim_end_matches('>');
                    headers.uri = Some(uri.to_string()).filter(|u| !u.is_empty());
                }
                "warc-date" => headers.date = Some(value.to_string()),
                "content-type" => headers.content_type = Some(value.to_ascii_lowercase()),
                _ => {}
            }
        }
        let why = format!("a WARC header of over {MAX_HEADER_LINES} lines");
        Err(Stop::Corrupt(Some(record), why))
    }

    /// One line of the segment, without its end of line.
    fn line(&mut self) -> io::Result<Line> {
        let mut line = Vec::new();
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                return Ok(if line.is_empty() {
                    Line::End
                } else {
                    Line::Whole(line)
                });
            }
            let (take, done) = match available.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            line.extend_from_slice(&available[..take]);
            self.input.consume(take);
            if line.len() > MAX_LINE {
                return Ok(Line::TooLong);
            }
            if done {
                while line.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
                    line.pop();
                }
                return Ok(Line::Whole(line));
            }
        }
    }

    /// Looks for the next line of the segment that opens a record (`WARC/1.x`) and keeps it for
    /// [`Reader::record`]: `Ok(false)` when the segment ends first. Held to the time limit of a
    /// record.
    fn resync(&mut self) -> Result<bool, Stop> {
        let deadline = Deadline::after(self.limits.file_time);
        for n in 0u64.. {
            if n % 1024 == 0 && deadline.check().is_err() {
                return Err(Stop::Archive);
            }
            let start = self.input.offset();
            match self.line()? {
                Line::End => return Ok(false),
                Line::Whole(line)
                    if line.starts_with(b"WARC/1.") || line.starts_with(b"WARC/0.") =>
                {
                    self.pending = Some((line, start));
                    return Ok(true);
                }
                _ => {}
            }
        }
        Ok(false)
    }
}

/// The host of a URL (`https://host:port/path` → `host`), for a page that names no site.
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let host = host.trim_start_matches("www.");
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
#[path = "warc_tests.rs"]
mod tests;
