//! The index schema: which fields an `Article` becomes, how each is analysed, and the way back
//! from a stored document to an `Article`. With `index`, `query` and `search`, the only place
//! that touches tantivy.

pub mod analysis;
pub mod damage;
mod document;
mod read_only;
pub mod stems;
pub mod tokens;
pub(crate) mod version;
mod word_keys;

pub use document::{ArticleDocument, FieldValue};

use std::path::Path;

use tantivy::directory::{Directory, MmapDirectory};
use tantivy::schema::{
    Document, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    Value, FAST, INDEXED, STORED, STRING,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{DocAddress, Index, IndexSettings, Searcher, TantivyDocument};

use crate::article::{Article, Published};
use crate::error::{Error, Result};

/// Bumped whenever the schema or analysis changes in a way that needs a rebuild.
pub const SCHEMA_VERSION: u32 = 7;

/// The number of articles from which an index is searched on several threads, one segment
/// each: the final merge of a bulk build (`index`) leaves such an index in one segment per
/// indexing thread, and `search` scores those segments side by side. Below it one thread is
/// faster: a fresh process's first thread beside the main one (the allocator's heap of a new
/// thread, its stack) costs more than it saves on a small index.
pub const PARALLEL_MIN_DOCS: u64 = 500_000;

impl From<tantivy::TantivyError> for Error {
    fn from(err: tantivy::TantivyError) -> Self {
        match err {
            tantivy::TantivyError::LockFailure(..) => Error::IndexLocked,
            other => Error::Engine(Box::new(other)),
        }
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for Error {
    fn from(err: tantivy::directory::error::OpenDirectoryError) -> Self {
        Error::Engine(Box::new(err))
    }
}

/// The analysed text fields of one language: stemmed where the language has a stemmer.
#[derive(Debug, Clone, Copy)]
pub struct LangFields {
    /// Name of the analyzer whose stems these fields hold.
    pub analyzer: &'static str,
    /// The title alone, for `title:` queries.
    pub title: Field,
    /// Title, lede and body in one field, the title and lede repeated (see [`TITLE_REPEAT`]).
    pub text: Field,
}

/// Times the title is written into the combined text field. One field with the title repeated
/// scores like BM25F (term frequencies weighted per part, then saturated once), which ranks
/// multi-word queries better than a sum of per-field BM25 scores.
pub const TITLE_REPEAT: usize = 4;
/// Bytes of an article's lede, and of its body, kept in the docstore, which every hit of a
/// search reads (and decompresses whole: tantivy compresses stored documents in blocks). A
/// longer one keeps its rest in a fast field ([`Fields::body_rest`]) that only `show`,
/// `similar` and `export` read,
/// so a hit on an article of megabytes costs about what one on a long ordinary article does.
/// Well above what the snippet code scans of a hit (`search::snippet::SCAN_BYTES`), and above
/// the whole of nearly every news article.
pub const STORED_BODY_BYTES: usize = 128 << 10;

/// Times the lede is written into the combined text field.
pub const LEDE_REPEAT: usize = 1;
/// Times the title is written into the exact (unstemmed) copy of the text: as often as into
/// the stemmed field. Once (or twice) would save analyses of every title, but with the
/// per-language saturation it ranked TIME and Indonesian queries worse, TIME below FTS5
/// (benches/RESULTS.md).
pub const EXACT_TITLE_REPEAT: usize = TITLE_REPEAT;

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Stable article id (`STRING | STORED`).
    pub id: Field,
    /// Display path (`STRING | STORED`).
    pub path: Field,
    /// Canonical path of the file the article came from: the unit of incremental updates.
    pub file: Field,
    /// For an article known by its URL, each file holding a copy, with its stamp (fast,
    /// multi-valued; see `index::copies`).
    pub copy: Field,
    /// Stored title.
    pub title: Field,
    /// Stored lede: all of it, or its first [`STORED_BODY_BYTES`].
    pub lede: Field,
    /// Stored body: all of it, or its first [`STORED_BODY_BYTES`].
    pub body: Field,
    /// The rest of a lede or body longer than [`STORED_BODY_BYTES`], in numbered pieces (a
    /// bytes fast field, not stored).
    pub body_rest: Field,
    /// Stored sub-headings.
    pub headings: Field,
    /// Stored URL.
    pub url: Field,
    /// Stored source as written.
    pub source: Field,
    /// Source, lower case, for filters and counts.
    pub source_key: Field,
    /// Stored author.
    pub author: Field,
    /// Tags, stored and indexed (lower case).
    pub tags: Field,
    /// Publication date, indexed and fast, for ranges and sorting.
    pub published: Field,
    /// Publication date as ISO text, stored, so a bare date stays a bare date.
    pub published_text: Field,
    /// When a crawler fetched the page (a web archive's `WARC-Date`), fast; never the
    /// publication date.
    pub fetched: Field,
    /// The fetch time as ISO text, stored.
    pub fetched_text: Field,
    /// Language code, indexed, stored and fast.
    pub lang: Field,
    /// Content hash of the source file.
    pub hash: Field,
    /// Modification time of the source file, in nanoseconds since the epoch.
    pub mtime: Field,
    /// Size in bytes of the source file.
    pub size: Field,
    /// SimHash of the article's text (fast), for near-duplicate detection.
    pub simhash: Field,
    /// Story id (indexed, fast): near-duplicates share one.
    pub story: Field,
    /// Hash of the headline (fast), to find re-publications under the same headline.
    pub title_hash: Field,
    /// The article id as a number (fast), to order equal scores the same way in every index.
    pub id_key: Field,
    /// Stemmed fields per language: English, Indonesian, and the unstemmed fallback.
    pub langs: [LangFields; 3],
    /// The combined text unstemmed (frequencies only; the title repeated, see
    /// [`EXACT_TITLE_REPEAT`]), so exact matches outrank stemmed ones.
    pub text_exact: Field,
}

/// What the index keeps about the file an article came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    /// Canonical path.
    pub key: String,
    /// Modification time, nanoseconds since the epoch.
    pub mtime: i64,
    /// Size in bytes.
    pub size: u64,
    /// Content hash.
    pub hash: u64,
}

/// Which story an article belongs to (see `index::story`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoryStamp {
    /// SimHash of its text.
    pub simhash: u64,
    /// Story id, shared by near-duplicates.
    pub story: u64,
    /// Hash of the headline.
    pub title_hash: u64,
}

fn text_options(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    )
}

/// Builds warta's schema.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let fast_string = || STRING | FAST;
    // The analysed fields are given text analysed once (`tokens`), which their tokenizers
    // read back: the stems, or the exact words.
    let mut lang_fields = |suffix: &str, analyzer: &'static str| LangFields {
        analyzer,
        title: b.add_text_field(
            &format!("title_{suffix}"),
            text_options(tokens::STEMS, positions),
        ),
        text: b.add_text_field(
            &format!("text_{suffix}"),
            text_options(tokens::STEMS, positions),
        ),
    };
    let langs = [
        lang_fields("en", analysis::EN),
        lang_fields("id", analysis::ID),
        lang_fields("xx", analysis::PLAIN),
    ];
    let exact = IndexRecordOption::WithFreqs;
    let fields = Fields {
        langs,
        text_exact: b.add_text_field("text_exact", text_options(tokens::WORDS, exact)),
        id: b.add_text_field("id", STRING | STORED),
        path: b.add_text_field("path", STRING | STORED),
        file: b.add_text_field("file", fast_string()),
        copy: b.add_text_field("copy", fast_string()),
        title: b.add_text_field("title", STORED),
        lede: b.add_text_field("lede", STORED),
        body: b.add_text_field("body", STORED),
        body_rest: b.add_bytes_field("body_rest", FAST),
        headings: b.add_text_field("headings", STORED),
        url: b.add_text_field("url", STORED),
        source: b.add_text_field("source", STORED),
        source_key: b.add_text_field("source_key", fast_string()),
        author: b.add_text_field("author", STORED),
        tags: b.add_text_field("tags", STRING | STORED),
        published: b.add_date_field("published", INDEXED | FAST),
        published_text: b.add_text_field("published_text", STORED),
        fetched: b.add_date_field("fetched", FAST),
        fetched_text: b.add_text_field("fetched_text", STORED),
        lang: b.add_text_field("lang", STRING | STORED | FAST),
        hash: b.add_u64_field("hash", NumericOptions::default() | FAST),
        mtime: b.add_i64_field("mtime", NumericOptions::default() | FAST),
        size: b.add_u64_field("size", NumericOptions::default() | FAST),
        simhash: b.add_u64_field("simhash", NumericOptions::default() | FAST),
        story: b.add_u64_field("story", NumericOptions::default() | INDEXED | FAST),
        title_hash: b.add_u64_field("title_hash", NumericOptions::default() | FAST),
        id_key: b.add_u64_field("id_key", NumericOptions::default() | FAST),
    };
    (b.build(), fields)
}

/// An article id (16 hex digits) as a number.
pub fn id_key(id: &str) -> u64 {
    u64::from_str_radix(id, 16).unwrap_or_else(|_| xxhash_rust::xxh3::xxh3_64(id.as_bytes()))
}

/// Whether `dir` holds a tantivy index.
pub fn index_exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens the index in `dir` for reading, checking that warta built it with this schema and
/// that its files are intact. It writes nothing and takes no lock, so a read-only copy opens.
pub fn open_index(dir: &Path) -> Result<(Index, Fields)> {
    open_index_deferring(dir, false).map(|(index, fields, _)| (index, fields))
}

/// [`open_index`], leaving with `defer` the files that every open verifies, listed and
/// unchanged, to verify beside the first search ([`damage::Pending`]).
pub fn open_index_deferring(dir: &Path, defer: bool) -> Result<(Index, Fields, damage::Pending)> {
    if !index_exists(dir) {
        if damage::holds_segment_files(dir) {
            return Err(Error::Damaged {
                dir: dir.to_path_buf(),
                file: "meta.json".to_string(),
            });
        }
        return Err(Error::IndexNotFound(dir.to_path_buf()));
    }
    // A writer that commits while the index is opened may delete the files of the commit being
    // opened where no lock keeps it from it (see `read_only`): they then seem missing, and the
    // open is tried again at the new commit.
    let mut tries = 10;
    loop {
        let before = std::fs::read(dir.join("meta.json"))?;
        let directory = read_only::ReadOnlyDirectory::open(dir).map_err(Error::from)?;
        let lock = directory
            .acquire_lock(&tantivy::directory::META_LOCK)
            .map_err(|err| tantivy::TantivyError::LockFailure(err, None))?;
        let opened = open_checked(dir, directory, defer);
        drop(lock);
        let moved = || std::fs::read(dir.join("meta.json")).is_ok_and(|after| after != before);
        match opened {
            Err(Error::Damaged { .. }) if tries > 1 && moved() => tries -= 1,
            other => return other,
        }
    }
}

/// Opens the index in `dir`, which holds one ([`index_exists`]), through `directory`, a view of
/// `dir`, checking that warta built it with this schema and that its files are intact.
pub fn open_index_in(dir: &Path, directory: impl Directory) -> Result<(Index, Fields)> {
    open_checked(dir, directory, false).map(|(index, fields, _)| (index, fields))
}

/// [`open_index_in`], verifying the files as [`damage::verify`] does with `defer`.
fn open_checked(
    dir: &Path,
    directory: impl Directory,
    defer: bool,
) -> Result<(Index, Fields, damage::Pending)> {
    version::check_version(&directory, dir)?;
    let index = Index::open(directory).map_err(|e| name_damage(e.into(), dir))?;
    let (expected, fields) = build_schema();
    if index.schema() != expected {
        return Err(Error::SchemaMismatch(dir.to_path_buf()));
    }
    let pending = damage::verify(&index, dir, defer)?;
    analysis::register(index.tokenizers());
    Ok((index, fields, pending))
}

/// Gives the files tantivy writes whole (meta.json, .managed.json) the mode any file the user
/// creates gets: tantivy writes them through a temporary file, made 0600, and renames it, so
/// another user (or a search as a service user) could not read an index it could otherwise.
pub fn apply_umask(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = 0o666 & !umask();
        for name in ["meta.json", ".managed.json"] {
            let path = dir.join(name);
            match std::fs::metadata(&path) {
                Ok(meta) if meta.permissions().mode() & 0o777 != mode => {
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))?;
                }
                Ok(_) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(err.into()),
            }
        }
    }
    Ok(())
}

/// The process's umask, as Linux reports it in /proc/self/status (reading it with umask(2)
/// would change it for a moment, for every thread); 022 where it cannot be read.
#[cfg(unix)]
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("Umask:"))?;
            u32::from_str_radix(line["Umask:".len()..].trim(), 8).ok()
        })
        .unwrap_or(0o022)
}

/// `err` as the damage of the index in `dir` when it is tantivy's word for one (a file gone,
/// data that does not decode), else as it is.
pub fn name_damage(err: Error, dir: &Path) -> Error {
    match err {
        Error::Engine(inner) => match inner.downcast::<tantivy::TantivyError>() {
            Ok(tantivy) => damage::as_damage(&tantivy, dir).unwrap_or(Error::Engine(tantivy)),
            Err(other) => Error::Engine(other),
        },
        other => other,
    }
}

/// tantivy's own directory of index files in `dir`.
fn open_directory(dir: &Path) -> Result<MmapDirectory> {
    Ok(MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?)
}

/// How stored documents are compressed: zstd at its default level 3 keeps the docstore much
/// smaller than lz4 does, and a hit's block still decompresses quickly. The setting lives in each index's meta.json, so indexes built with lz4
/// stay readable.
const DOCSTORE_ZSTD_LEVEL: i32 = 3;
/// Bytes of stored documents compressed together (tantivy's default). Every hit of a search
/// decompresses its whole block, the largest share of a search's instructions with 32 KB
/// blocks; 16 KB blocks cost a slightly larger docstore, and 8 KB saved little more. The size
/// lives in each index's meta.json, so an index built with other blocks stays readable.
const DOCSTORE_BLOCK_BYTES: usize = 16 * 1024;

/// The settings of a new index.
fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..IndexSettings::default()
    }
}

/// Creates an empty index in `dir` (which may exist but must not hold an index).
pub fn create_index(dir: &Path) -> Result<(Index, Fields)> {
    std::fs::create_dir_all(dir)?;
    create_index_in(dir, open_directory(dir)?)
}

/// Creates an empty index in the existing `dir` (which must not hold an index yet), through
/// `directory`, a view of `dir`.
pub fn create_index_in(dir: &Path, directory: impl Directory) -> Result<(Index, Fields)> {
    if index_exists(dir) {
        return Err(tantivy::TantivyError::IndexAlreadyExists.into());
    }
    let (schema, fields) = build_schema();
    let index = Index::builder()
        .schema(schema)
        .settings(index_settings())
        .open_or_create(directory)?;
    analysis::register(index.tokenizers());
    Ok((index, fields))
}

/// An in-memory index, for tests.
pub fn create_index_in_ram() -> (Index, Fields) {
    let (schema, fields) = build_schema();
    let index = Index::builder()
        .schema(schema)
        .settings(index_settings())
        .create_in_ram()
        .expect("an index in RAM");
    analysis::register(index.tokenizers());
    (index, fields)
}

impl Fields {
    /// The analysed fields for an article language.
    pub fn for_lang(&self, lang: &str) -> &LangFields {
        match analysis::analyzer_for_lang(lang) {
            analysis::EN => &self.langs[0],
            analysis::ID => &self.langs[1],
            _ => &self.langs[2],
        }
    }

    /// The tantivy document for an article from the file `stamp` (a copy, for tests and for
    /// writers of `TantivyDocument`s; indexing uses [`Fields::article_document`]).
    pub fn to_document(
        &self,
        article: &Article,
        stamp: &FileStamp,
        story: StoryStamp,
    ) -> TantivyDocument {
        self.article_document(article.clone(), stamp.clone(), story)
            .into_tantivy_document()
    }

    /// The whole article stored at `addr`, the rest of a long lede or body read from its fast
    /// field (pieces numbered from `document::BODY_PIECES_FROM` on are the body's).
    pub fn stored_article(&self, searcher: &Searcher, addr: DocAddress) -> Result<Article> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let mut article = self.to_article(&doc);
        let rest = searcher
            .segment_reader(addr.segment_ord)
            .fast_fields()
            .bytes("body_rest")?;
        if let Some(rest) = rest {
            let mut pieces = Vec::new();
            for ord in rest.term_ords(addr.doc_id) {
                let mut piece = Vec::new();
                rest.ord_to_bytes(ord, &mut piece)?;
                pieces.push(piece);
            }
            pieces.sort();
            let number = |p: &Vec<u8>| {
                p.get(..4)
                    .map_or(0, |n| u32::from_be_bytes([n[0], n[1], n[2], n[3]]))
            };
            let of_body = |p: &Vec<u8>| number(p) >= document::BODY_PIECES_FROM;
            for (text, body) in [(&mut article.lede, false), (&mut article.body, true)] {
                let bytes: Vec<u8> = pieces
                    .iter()
                    .filter(|p| of_body(p) == body)
                    .flat_map(|p| p.get(4..).unwrap_or(&[]))
                    .copied()
                    .collect();
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
        Ok(article)
    }

    /// The article a stored document holds, its body cut to [`STORED_BODY_BYTES`] (a hit's
    /// view; [`Fields::stored_article`] reads the whole).
    pub fn to_article(&self, doc: &TantivyDocument) -> Article {
        let text = |field: Field| first_text(doc, field).unwrap_or_default();
        let opt = |field: Field| first_text(doc, field).filter(|s| !s.is_empty());
        let all = |field: Field| {
            doc.get_all(field)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        };
        Article {
            id: text(self.id),
            path: text(self.path),
            title: text(self.title),
            lede: text(self.lede),
            body: text(self.body),
            headings: all(self.headings),
            url: opt(self.url),
            source: opt(self.source),
            author: opt(self.author),
            published: opt(self.published_text).and_then(|t| Published::from_iso(&t)),
            lang: text(self.lang),
            tags: all(self.tags),
            fetched: opt(self.fetched_text).and_then(|t| Published::from_iso(&t)),
            ..Article::default()
        }
    }
}

/// The normalised form of a source name used for filters and counts: trimmed, lower case.
pub fn source_key(source: &str) -> String {
    source.trim().to_lowercase()
}

fn first_text(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

#[cfg(test)]
mod tests;
