//! Turns the bytes of one input file into `Article`s, whatever its format.
//!
//! Ingest knows nothing of tantivy or the CLI: it takes bytes and a path, returns articles or
//! a reason why the file is not one, so every format can be tested on its own.

pub mod date;
pub mod lang;
pub mod txt;

use std::io::Read;
use std::path::Path;

use crate::article::Article;

/// The input formats warta reads, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text in the layout of the sample article.
    Txt,
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
    /// The file holds no text.
    #[error("empty file")]
    Empty,
}

/// The articles found in one file, with warnings about what was odd but survivable.
#[derive(Debug, Default)]
pub struct Ingested {
    /// Articles in file order.
    pub articles: Vec<Article>,
    /// Problems that did not stop the file from being indexed (e.g. invalid UTF-8).
    pub warnings: Vec<String>,
}

/// Reads a file's bytes, decompressing gzip when `kind` says so.
pub fn read_bytes(path: &Path, kind: FileKind) -> Result<Vec<u8>, IngestError> {
    let raw = std::fs::read(path)?;
    if !kind.gzip {
        return Ok(raw);
    }
    let mut out = Vec::with_capacity(raw.len() * 4);
    flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut out)?;
    Ok(out)
}

/// Parses the bytes of one file into articles.
///
/// `path` is the display path (as given on the command line), `key` the stable identity of the
/// file (its canonical path), from which article ids are derived.
pub fn parse(path: &str, key: &str, kind: FileKind, bytes: &[u8]) -> Result<Ingested, IngestError> {
    // As ripgrep does, a NUL byte near the start marks a binary file.
    if let Some(pos) = bytes.iter().take(64 * 1024).position(|&b| b == 0) {
        return Err(IngestError::Binary(pos));
    }
    let mut warnings = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(err) => {
            warnings.push(format!(
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
    let mut articles = match kind.format {
        Format::Txt => vec![txt::parse_txt(text)],
    };
    let many = articles.len() > 1;
    for (n, article) in articles.iter_mut().enumerate() {
        let (record_path, record_key) = if many {
            (format!("{path}#{}", n + 1), format!("{key}#{}", n + 1))
        } else {
            (path.to_string(), key.to_string())
        };
        article.id = article_id(&record_key);
        article.path = record_path;
        if article.lang.is_empty() {
            article.lang = lang::detect(&article.title, &article.lede, &article.body).to_string();
        }
    }
    Ok(Ingested { articles, warnings })
}

/// The stable id of an article: 16 hex digits of a hash of its file's identity and record number.
pub fn article_id(key: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

/// A hash of a file's content, to tell a changed file from a touched one.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Collapses runs of whitespace to one space and trims, for titles and metadata values.
pub(crate) fn squash_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension() {
        assert_eq!(kind_of(Path::new("a/b.txt")).unwrap().format, Format::Txt);
        assert!(kind_of(Path::new("a/b.TXT.gz")).unwrap().gzip);
        assert!(kind_of(Path::new("PROVENANCE.md")).is_none());
        assert!(kind_of(Path::new("README.txt")).is_none());
        assert!(kind_of(Path::new("image.png")).is_none());
        assert!(kind_of(Path::new("noext")).is_none());
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        let kind = FileKind {
            format: Format::Txt,
            gzip: false,
        };
        assert!(matches!(
            parse("a", "a", kind, b"ab\0cd"),
            Err(IngestError::Binary(2))
        ));
        assert!(matches!(
            parse("a", "a", kind, b" \n\n "),
            Err(IngestError::Empty)
        ));
    }

    #[test]
    fn invalid_utf8_is_read_lossily_with_a_warning() {
        let kind = FileKind {
            format: Format::Txt,
            gzip: false,
        };
        let got = parse(
            "a.txt",
            "/x/a.txt",
            kind,
            b"Price rise\n\nIt costs \xa3100 now.\n",
        )
        .unwrap();
        assert_eq!(got.articles[0].title, "Price rise");
        assert!(got.articles[0].lede.contains("costs"));
        assert_eq!(got.warnings.len(), 1);
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(article_id("/x/a.txt"), article_id("/x/a.txt"));
        assert_ne!(article_id("/x/a.txt"), article_id("/x/b.txt"));
        assert_eq!(article_id("/x/a.txt").len(), 16);
    }
}
