//! The index schema: which fields an `Article` becomes, how each is analysed, and the way back
//! from a stored document to an `Article`. With `index`, `query` and `search`, the only place
//! that touches tantivy.

pub mod analysis;
pub mod damage;
mod read_only;
pub(crate) mod version;

use std::path::Path;

use tantivy::directory::{Directory, MmapDirectory};
use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::{
    Document, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    Value, FAST, INDEXED, STORED, STRING,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{DateTime, Index, IndexSettings, TantivyDocument};

use crate::article::{Article, Published};
use crate::error::{Error, Result};

/// Bumped whenever the schema or analysis changes in a way that needs a rebuild.
pub const SCHEMA_VERSION: u32 = 4;

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
    /// Name of the analyzer for these fields.
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
    /// Stored lede.
    pub lede: Field,
    /// Stored body.
    pub body: Field,
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
    let mut lang_fields = |suffix: &str, analyzer: &'static str| LangFields {
        analyzer,
        title: b.add_text_field(
            &format!("title_{suffix}"),
            text_options(analyzer, positions),
        ),
        text: b.add_text_field(&format!("text_{suffix}"), text_options(analyzer, positions)),
    };
    let langs = [
        lang_fields("en", analysis::EN),
        lang_fields("id", analysis::ID),
        lang_fields("xx", analysis::PLAIN),
    ];
    let exact = IndexRecordOption::WithFreqs;
    let fields = Fields {
        langs,
        text_exact: b.add_text_field("text_exact", text_options(analysis::PLAIN, exact)),
        id: b.add_text_field("id", STRING | STORED),
        path: b.add_text_field("path", STRING | STORED),
        file: b.add_text_field("file", fast_string()),
        copy: b.add_text_field("copy", fast_string()),
        title: b.add_text_field("title", STORED),
        lede: b.add_text_field("lede", STORED),
        body: b.add_text_field("body", STORED),
        headings: b.add_text_field("headings", STORED),
        url: b.add_text_field("url", STORED),
        source: b.add_text_field("source", STORED),
        source_key: b.add_text_field("source_key", fast_string()),
        author: b.add_text_field("author", STORED),
        tags: b.add_text_field("tags", STRING | STORED),
        published: b.add_date_field("published", INDEXED | FAST),
        published_text: b.add_text_field("published_text", STORED),
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
        let opened = open_index_in(dir, directory);
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
    version::check_version(&directory, dir)?;
    let index = Index::open(directory).map_err(|e| name_damage(e.into(), dir))?;
    let (expected, fields) = build_schema();
    if index.schema() != expected {
        return Err(Error::SchemaMismatch(dir.to_path_buf()));
    }
    damage::verify(&index, dir)?;
    analysis::register(index.tokenizers());
    Ok((index, fields))
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
/// Bytes of stored documents compressed together. 32 KB blocks compress better than tantivy's
/// 16 KB with zstd 3 on the synthetic news text and still decompress quickly; a fresh process's
/// search of 10 hits was a little slower than with lz4, and no faster with 16 KB blocks
/// (benches/RESULTS.md has the figures).
const DOCSTORE_BLOCK_BYTES: usize = 32 * 1024;

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

    /// The document tantivy indexes for an article from the file `stamp`: it reads each field
    /// from the article itself, so the writer's queue holds the text once.
    pub fn article_document(
        &self,
        article: Article,
        stamp: FileStamp,
        story: StoryStamp,
    ) -> ArticleDocument {
        ArticleDocument {
            fields: self.clone(),
            id_key: id_key(&article.id),
            source_key: article.source.as_deref().map(source_key),
            published: article
                .published
                .as_ref()
                .map(|p| (DateTime::from_timestamp_secs(p.timestamp()), p.to_iso())),
            article,
            stamp,
            story,
            copies: Vec::new(),
        }
    }

    /// The article a stored document holds.
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
            ..Article::default()
        }
    }
}

/// An article as tantivy indexes it. tantivy's writer queues up to 10,000 documents; a
/// `TantivyDocument` would copy each article's text into every field that indexes it (stored,
/// stemmed with the title repeated, exact), three to four times over, where this one lends
/// tantivy the article's own strings (the queue holds about a third of what it did).
pub struct ArticleDocument {
    fields: Fields,
    article: Article,
    stamp: FileStamp,
    story: StoryStamp,
    /// The `copy` terms of an article known by its URL.
    copies: Vec<String>,
    id_key: u64,
    source_key: Option<String>,
    published: Option<(DateTime, String)>,
}

/// One value of an [`ArticleDocument`], borrowed from it.
#[derive(Debug, Clone)]
pub enum FieldValue<'a> {
    /// Text.
    Str(&'a str),
    /// An unsigned number.
    U64(u64),
    /// A signed number.
    I64(i64),
    /// A date.
    Date(DateTime),
}

impl<'a> tantivy::schema::Value<'a> for FieldValue<'a> {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        ReferenceValue::Leaf(match *self {
            FieldValue::Str(s) => ReferenceValueLeaf::Str(s),
            FieldValue::U64(n) => ReferenceValueLeaf::U64(n),
            FieldValue::I64(n) => ReferenceValueLeaf::I64(n),
            FieldValue::Date(d) => ReferenceValueLeaf::Date(d),
        })
    }
}

impl ArticleDocument {
    /// The document with the `copy` terms of an article known by its URL.
    pub fn with_copies(self, copies: Vec<String>) -> ArticleDocument {
        ArticleDocument { copies, ..self }
    }

    fn values(&self) -> Vec<(Field, FieldValue<'_>)> {
        use FieldValue::{Str, I64, U64};
        let (f, article, stamp, story) = (&self.fields, &self.article, &self.stamp, &self.story);
        let mut out = vec![
            (f.simhash, U64(story.simhash)),
            (f.story, U64(story.story)),
            (f.title_hash, U64(story.title_hash)),
            (f.id, Str(&article.id)),
            (f.id_key, U64(self.id_key)),
            (f.path, Str(&article.path)),
            (f.file, Str(&stamp.key)),
            (f.hash, U64(stamp.hash)),
            (f.mtime, I64(stamp.mtime)),
            (f.size, U64(stamp.size)),
            (f.lang, Str(&article.lang)),
            (f.title, Str(&article.title)),
            (f.lede, Str(&article.lede)),
            (f.body, Str(&article.body)),
        ];
        let analysed = f.for_lang(&article.lang);
        out.push((analysed.title, Str(&article.title)));
        for (text, times, exact_times) in [
            (&article.title, TITLE_REPEAT, EXACT_TITLE_REPEAT),
            (&article.lede, LEDE_REPEAT, LEDE_REPEAT),
            (&article.body, 1, 1),
        ] {
            if !text.is_empty() {
                out.extend(std::iter::repeat_n((analysed.text, Str(text)), times));
                out.extend(std::iter::repeat_n((f.text_exact, Str(text)), exact_times));
            }
        }
        out.extend(article.headings.iter().map(|h| (f.headings, Str(h))));
        out.extend(self.copies.iter().map(|c| (f.copy, Str(c))));
        if let Some(url) = &article.url {
            out.push((f.url, Str(url)));
        }
        if let (Some(source), Some(key)) = (&article.source, &self.source_key) {
            out.push((f.source, Str(source)));
            out.push((f.source_key, Str(key)));
        }
        if let Some(author) = &article.author {
            out.push((f.author, Str(author)));
        }
        out.extend(article.tags.iter().map(|t| (f.tags, Str(t))));
        if let Some((date, iso)) = &self.published {
            out.push((f.published, FieldValue::Date(*date)));
            out.push((f.published_text, Str(iso)));
        }
        out
    }
}

impl Document for ArticleDocument {
    type Value<'a> = FieldValue<'a>;
    type FieldsValuesIter<'a> = std::vec::IntoIter<(Field, FieldValue<'a>)>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.values().into_iter()
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
