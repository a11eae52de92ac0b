//! An article as tantivy indexes it: each field's values borrowed from the `Article` itself,
//! and the rest of a long body kept in pieces out of the docstore.

use std::sync::OnceLock;

use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::{Document, Field};
use tantivy::DateTime;

use super::tokens::Analyser;
use super::{
    analysis, id_key, source_key, Fields, FileStamp, StoryStamp, EXACT_TITLE_REPEAT, LEDE_REPEAT,
    STORED_BODY_BYTES, TITLE_REPEAT,
};
use crate::article::Article;

/// Bytes of the rest of a long lede or body per value of [`Fields::body_rest`]: a fast field
/// value is cut at 64 KiB, so the rest is kept in pieces, each led by its number (four bytes,
/// big-endian) so that the pieces sort in their order whatever order the column gives them in.
const BODY_PIECE_BYTES: usize = 60 << 10;
/// The number of the first piece of a body's rest; the pieces of a lede's rest count from 0.
pub(super) const BODY_PIECES_FROM: u32 = 1 << 31;

/// What is kept in the docstore of a lede or body: its first [`STORED_BODY_BYTES`].
fn stored(text: &str) -> &str {
    &text[..crate::common::char_floor(text, STORED_BODY_BYTES)]
}

/// The rest of `text` beyond what the docstore keeps, in pieces numbered from `first`.
fn rest_pieces(text: &str, first: u32) -> impl Iterator<Item = Vec<u8>> + '_ {
    text.as_bytes()[stored(text).len()..]
        .chunks(BODY_PIECE_BYTES)
        .zip(first..)
        .map(|(piece, n)| [&n.to_be_bytes()[..], piece].concat())
}

impl Fields {
    /// The document tantivy indexes for an article from the file `stamp`: it reads each field
    /// from the article itself, so the writer's queue holds the text once.
    pub fn article_document(
        &self,
        article: Article,
        stamp: FileStamp,
        story: StoryStamp,
    ) -> ArticleDocument {
        let body_pieces = rest_pieces(&article.lede, 0)
            .chain(rest_pieces(&article.body, BODY_PIECES_FROM))
            .collect();
        ArticleDocument {
            body_pieces,
            fields: self.clone(),
            id_key: id_key(&article.id),
            source_key: article.source.as_deref().map(source_key),
            published: article
                .published
                .as_ref()
                .map(|p| (DateTime::from_timestamp_secs(p.timestamp()), p.to_iso())),
            fetched: article
                .fetched
                .as_ref()
                .map(|p| (DateTime::from_timestamp_secs(p.timestamp()), p.to_iso())),
            article,
            stamp,
            story,
            copies: Vec::new(),
            analysed: OnceLock::new(),
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
    fetched: Option<(DateTime, String)>,
    /// The rest of a long lede and body, in numbered pieces (see [`BODY_PIECE_BYTES`]).
    body_pieces: Vec<Vec<u8>>,
    /// The title, lede and body, each analysed once for the indexed fields (`tokens`). Made
    /// when tantivy first reads the document, on its indexing thread: the writer's queue holds
    /// the text only once.
    analysed: OnceLock<Analysed>,
}

/// An article's title, lede and body analysed (see `tokens`).
struct Analysed {
    title: String,
    lede: String,
    body: String,
}

impl Analysed {
    fn of(article: &Article) -> Analysed {
        let mut analyser = Analyser::new(analysis::analyzer_for_lang(&article.lang));
        Analysed {
            title: analyser.analyse(&article.title),
            lede: analyser.analyse(&article.lede),
            body: analyser.analyse(&article.body),
        }
    }
}

/// One value of an [`ArticleDocument`], borrowed from it.
#[derive(Debug, Clone)]
pub enum FieldValue<'a> {
    /// Text.
    Str(&'a str),
    /// Bytes.
    Bytes(&'a [u8]),
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
            FieldValue::Bytes(b) => ReferenceValueLeaf::Bytes(b),
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
            (f.lede, Str(stored(&article.lede))),
            (f.body, Str(stored(&article.body))),
        ];
        out.extend(
            self.body_pieces
                .iter()
                .map(|p| (f.body_rest, FieldValue::Bytes(p))),
        );
        let lang = f.for_lang(&article.lang);
        let analysed = self.analysed.get_or_init(|| Analysed::of(article));
        out.push((lang.title, Str(&analysed.title)));
        for (text, tokens, times, exact_times) in [
            (
                &article.title,
                &analysed.title,
                TITLE_REPEAT,
                EXACT_TITLE_REPEAT,
            ),
            (&article.lede, &analysed.lede, LEDE_REPEAT, LEDE_REPEAT),
            (&article.body, &analysed.body, 1, 1),
        ] {
            if !text.is_empty() {
                out.extend(std::iter::repeat_n((lang.text, Str(tokens)), times));
                out.extend(std::iter::repeat_n(
                    (f.text_exact, Str(tokens)),
                    exact_times,
                ));
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
        if let Some((date, iso)) = &self.fetched {
            out.push((f.fetched, FieldValue::Date(*date)));
            out.push((f.fetched_text, Str(iso)));
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
