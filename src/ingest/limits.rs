//! The bounds one input file is held to, so that no file (a gzip bomb, a sparse multi-gigabyte
//! file, a page nested a hundred thousand deep, a million copies of one record) can take a run
//! down: bytes read, text per article, records, HTML nesting and attributes, and time.
//!
//! Files are read through a bounded reader that sniffs the first block as it streams: a NUL byte
//! marks a binary file before the rest is read, and a UTF-16 byte-order mark turns on decoding.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use super::{FileKind, Format, IngestError, Note};
use crate::report::ProblemKind;

/// Bytes read from one file, or decompressed from its gzip stream, before warta stops reading.
pub const MAX_FILE_BYTES: u64 = 128 << 20;
/// Bytes of text (title, lede and body) kept per article; the rest is cut off with a warning.
pub const MAX_ARTICLE_BYTES: usize = 4 << 20;
/// Records (JSON lines, table rows, items of a JSON array) read from one file.
pub const MAX_RECORDS: usize = 1_000_000;
/// HTML elements nested deeper than this are dropped (their text is kept) before parsing.
pub const MAX_HTML_DEPTH: usize = 256;
/// Attributes of one HTML element beyond this many are dropped before parsing.
pub const MAX_HTML_ATTRIBUTES: usize = 64;
/// Bytes of one web-archive record's block (HTTP headers and payload, and the payload again
/// once decompressed): a larger record is passed over with a warning. (The file limit does not
/// bound an archive, which is read as a stream.)
pub const MAX_RECORD_BYTES: u64 = 16 << 20;
/// Time one file may take to read and parse before it is abandoned; for a web archive, the time
/// each record may take.
pub const FILE_TIME: Duration = Duration::from_secs(60);

/// How much of the start of a file is looked at for NUL bytes and a byte-order mark.
const SNIFF_BYTES: usize = 64 * 1024;

/// The bounds one input file is held to (see the constants for the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes read from a file or decompressed from its gzip stream.
    pub file_bytes: u64,
    /// Bytes of text kept per article.
    pub article_bytes: usize,
    /// Records read per file.
    pub records: usize,
    /// Bytes of one web-archive record.
    pub record_bytes: usize,
    /// HTML nesting depth handed to the parser.
    pub html_depth: usize,
    /// Attributes per HTML element handed to the parser.
    pub html_attributes: usize,
    /// Time to read and parse one file.
    pub file_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: MAX_FILE_BYTES,
            article_bytes: MAX_ARTICLE_BYTES,
            records: MAX_RECORDS,
            record_bytes: MAX_RECORD_BYTES as usize,
            html_depth: MAX_HTML_DEPTH,
            html_attributes: MAX_HTML_ATTRIBUTES,
            file_time: FILE_TIME,
        }
    }
}

impl Limits {
    /// The bytes worth reading of a file of this format: a text or Markdown file is one article,
    /// so beyond twice the article limit it holds nothing that would be kept.
    fn read_bytes(&self, format: Format) -> u64 {
        match format {
            Format::Txt | Format::Markdown => {
                let article = u64::try_from(self.article_bytes).unwrap_or(u64::MAX);
                self.file_bytes.min(article.saturating_mul(2))
            }
            _ => self.file_bytes,
        }
    }
}

/// When the work on one file must stop; checked in the parsers' loops.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    started: Instant,
    budget: Duration,
}

impl Deadline {
    /// A deadline `budget` from now.
    pub fn after(budget: Duration) -> Self {
        Deadline {
            started: Instant::now(),
            budget,
        }
    }

    /// No deadline at all (for callers that parse text already in memory).
    pub fn never() -> Self {
        Deadline::after(Duration::MAX)
    }

    /// An error once the budget is spent.
    pub fn check(&self) -> Result<(), IngestError> {
        if self.started.elapsed() > self.budget {
            Err(IngestError::TooSlow(self.budget))
        } else {
            Ok(())
        }
    }
}

/// The bytes of one file, as far as they were read, with what was odd about reading them.
#[derive(Debug)]
pub struct FileBytes {
    /// The text's bytes (UTF-16 already decoded to UTF-8).
    pub bytes: Vec<u8>,
    /// Warnings from reading (cut short, decoded from UTF-16).
    pub notes: Vec<Note>,
    /// When work on this file must stop.
    pub deadline: Deadline,
}

/// Reads a file within `limits`, decompressing gzip when `kind` says so. Reading stops at the
/// byte limit: a JSON file (which would not parse cut short) is then refused, other formats are
/// cut at the last line break read, with a warning. A NUL byte in the first block refuses the
/// file as binary before the rest is read.
pub fn read_file(path: &Path, kind: FileKind, limits: &Limits) -> Result<FileBytes, IngestError> {
    let deadline = Deadline::after(limits.file_time);
    let file = std::fs::File::open(path)?;
    let source: Box<dyn Read> = if kind.gzip {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            file,
        )))
    } else {
        Box::new(file)
    };
    let limit = limits.read_bytes(kind.format);
    let mut reader = source.take(limit.saturating_add(1));
    let mut bytes = Vec::new();
    let mut notes = Vec::new();
    // The first block, sniffed before anything else is read.
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut bytes)?;
    let utf16 = utf16_order(&bytes);
    if utf16.is_none() {
        if let Some(pos) = bytes.iter().position(|&b| b == 0) {
            return Err(IngestError::Binary(pos));
        }
    }
    // A file shorter than the first block is read whole (most articles are): no zeroed
    // megabyte of buffer for it (zeroing one per file was 4% of a build's CPU at 100K).
    let mut chunk = if bytes.len() < SNIFF_BYTES {
        Vec::new()
    } else {
        vec![0u8; 1 << 20]
    };
    while !chunk.is_empty() {
        let n = reader.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
        deadline.check()?;
    }
    if bytes.len() as u64 > limit {
        // A document that is whole or nothing: cut short, it would not parse.
        if matches!(kind.format, Format::Json | Format::Feed | Format::Xml) {
            return Err(IngestError::TooLarge(limit));
        }
        bytes.truncate(limit as usize);
        if let Some(end) = bytes.iter().rposition(|&b| b == b'\n') {
            if kind.format != Format::Txt && kind.format != Format::Markdown {
                bytes.truncate(end + 1);
            }
        }
        notes.push(warning(format!(
            "larger than {}: only the first {} read",
            size(limit),
            size(bytes.len() as u64)
        )));
    }
    if let Some(big_endian) = utf16 {
        bytes = decode_utf16(&bytes[2..], big_endian).into_bytes();
        notes.push(warning("UTF-16 text, decoded".into()));
    } else if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(IngestError::Binary(pos));
    }
    Ok(FileBytes {
        bytes,
        notes,
        deadline,
    })
}

/// Whether the bytes open with a UTF-16 byte-order mark: `Some(true)` for big-endian.
fn utf16_order(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xff, 0xfe, ..] => Some(false),
        [0xfe, 0xff, ..] => Some(true),
        _ => None,
    }
}

/// UTF-16 text as a string, unpaired surrogates (and an odd last byte) replaced.
fn decode_utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// A byte count for a message: `128 MiB`, `12 KiB`, `300 bytes`.
pub(crate) fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 10 << 20 => format!("{:.0} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 10 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

fn warning(reason: String) -> Note {
    Note {
        record: None,
        kind: ProblemKind::Warning,
        reason,
    }
}

/// `text` cut to at most `max` bytes, at a character boundary.
pub(crate) fn cut_at_char(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

/// Cuts an article's text to `max` bytes in all: the body gives way first, then the lede, then
/// the title, each at a character boundary.
pub(crate) fn cut_text(article: &mut crate::article::Article, max: usize) {
    let mut room = max;
    for text in [&mut article.title, &mut article.lede, &mut article.body] {
        cut_at_char(text, room);
        room -= text.len();
    }
    article
        .headings
        .retain(|h| article.body.contains(h.as_str()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn kind(format: Format, gzip: bool) -> FileKind {
        FileKind { format, gzip }
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.jsonl.gz");
        let file = std::fs::File::create(&path).unwrap();
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let line = b"{\"title\": \"t\", \"body\": \"b\"}\n".repeat(1000);
        for _ in 0..200 {
            gz.write_all(&line).unwrap();
        }
        gz.finish().unwrap();
        let limits = Limits {
            file_bytes: 1 << 20,
            ..Limits::default()
        };
        let read = read_file(&path, kind(Format::JsonLines, true), &limits).unwrap();
        assert!(read.bytes.len() <= 1 << 20);
        assert!(read.bytes.ends_with(b"}\n"));
        assert_eq!(read.notes.len(), 1, "{:?}", read.notes);
        let json = dir.path().join("big.json");
        std::fs::write(&json, vec![b' '; 2 << 20]).unwrap();
        assert!(matches!(
            read_file(&json, kind(Format::Json, false), &limits),
            Err(IngestError::TooLarge(_))
        ));
    }

    #[test]
    fn nul_bytes_are_binary_and_utf16_is_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let zeros = dir.path().join("zeros.txt");
        std::fs::File::create(&zeros)
            .unwrap()
            .set_len(6 << 30)
            .unwrap();
        let limits = Limits::default();
        assert!(matches!(
            read_file(&zeros, kind(Format::Txt, false), &limits),
            Err(IngestError::Binary(0))
        ));
        let late = dir.path().join("late.txt");
        let mut text = vec![b'a'; 100_000];
        text[90_000] = 0;
        std::fs::write(&late, text).unwrap();
        assert!(matches!(
            read_file(&late, kind(Format::Txt, false), &limits),
            Err(IngestError::Binary(90_000))
        ));
        let utf16 = dir.path().join("utf16.txt");
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(
            "Judul berita\n\nIsi.\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        std::fs::write(&utf16, bytes).unwrap();
        let read = read_file(&utf16, kind(Format::Txt, false), &limits).unwrap();
        assert_eq!(read.bytes, b"Judul berita\n\nIsi.\n");
    }

    #[test]
    fn cuts_fall_on_character_boundaries() {
        let mut text = "aé".to_string();
        cut_at_char(&mut text, 2);
        assert_eq!(text, "a");
    }
}
