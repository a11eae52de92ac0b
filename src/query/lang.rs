//! The language a query is written in, when it clearly is one. In an index of English and
//! Indonesian news, an Indonesian query that shares a word with English (`pembayaran digital`,
//! `ojek online`) would otherwise drift to English articles that use that word often; when the
//! query is clearly Indonesian, the other languages' matches weigh less, so articles in the
//! query's language rank first. A mixed or unclear query weighs every language alike.

use tantivy::postings::SegmentPostings;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term};

use super::{Builder, FieldSel, Node};
use crate::article::{ENGLISH, INDONESIAN};
use crate::common::lang::{ENGLISH_WORDS, INDONESIAN_WORDS};
use crate::schema::{analysis, Fields};

/// What the scores of articles in other languages than the query's are multiplied by: low
/// enough that an article in the query's language matching its words ranks above another
/// language's articles using one of them, not zero, so that a query still finds what only the
/// other language has. Chosen on the mixed judged sets (`eval/README.md`).
pub const OTHER_LANG_WEIGHT: f32 = 0.25;

/// A word counts for a language when it is this many times more frequent there (as a share
/// of that language's articles) than in the other: `pembayaran` is found in Indonesian news
/// alone, `digital` in both, but far more often in Indonesian tech news than in English
/// newswire. Loan words used alike in both (`iphone`, `google`) count for neither. At 4 the
/// mixed English set ranked a little better (nDCG@10 +0.012), but `video games` was taken for
/// Indonesian in an index whose English is mostly 1987 financial newswire (`eval/README.md`).
const CLEAR_RATIO: f64 = 8.0;

/// The analyzer of the language `text` is clearly written in, in the index `searcher` sees
/// (with the fields of `langs`), if it clearly is one (see [`Builder::query_language`]).
pub fn language_of(
    text: &str,
    fields: &Fields,
    langs: &[crate::schema::LangFields],
    searcher: &Searcher,
) -> tantivy::Result<Option<&'static str>> {
    Builder::new(fields, langs, Some(searcher)).query_language(&super::parse(text), searcher)
}

/// Which way one word points.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Vote {
    English,
    Indonesian,
    Neither,
}

impl Builder<'_> {
    /// The analyzer of the language `tree` is clearly written in, if the index holds articles
    /// in English and in Indonesian and every word that points to a language points to the
    /// same one: by being one of its function words, or by being found mostly in its articles.
    pub(super) fn query_language(
        &mut self,
        tree: &Node,
        searcher: &Searcher,
    ) -> tantivy::Result<Option<&'static str>> {
        let has = |analyzer| self.langs.iter().any(|l| l.analyzer == analyzer);
        if !has(analysis::EN) || !has(analysis::ID) {
            return Ok(None);
        }
        let docs = |code: &str| searcher.doc_freq(&Term::from_field_text(self.fields.lang, code));
        let (en_docs, id_docs) = (docs(ENGLISH)?, docs(INDONESIAN)?);
        if en_docs == 0 || id_docs == 0 {
            return Ok(None);
        }
        let mut texts = Vec::new();
        searched_texts(tree, &mut texts);
        let (mut english, mut indonesian) = (0, 0);
        for text in texts {
            for word in self.analyse(analysis::PLAIN, text) {
                match self.vote(&word, searcher, (en_docs, id_docs))? {
                    Vote::English => english += 1,
                    Vote::Indonesian => indonesian += 1,
                    Vote::Neither => {}
                }
            }
        }
        Ok(match (english, indonesian) {
            (0, n) if n > 0 => Some(analysis::ID),
            (n, 0) if n > 0 => Some(analysis::EN),
            _ => None,
        })
    }

    /// Where one (lower-cased, unstemmed) word points.
    fn vote(
        &mut self,
        word: &str,
        searcher: &Searcher,
        (en_docs, id_docs): (u64, u64),
    ) -> tantivy::Result<Vote> {
        let (en_word, id_word) = (
            ENGLISH_WORDS.contains(&word),
            INDONESIAN_WORDS.contains(&word),
        );
        if en_word != id_word {
            return Ok(if en_word {
                Vote::English
            } else {
                Vote::Indonesian
            });
        }
        let mut share = |analyzer: &'static str, docs: u64| -> tantivy::Result<f64> {
            let Some(lang) = self.langs.iter().find(|l| l.analyzer == analyzer) else {
                return Ok(0.0);
            };
            let field = lang.text;
            let df = match self.analyse(analyzer, word).as_slice() {
                [stem] => searcher.doc_freq(&Term::from_field_text(field, stem))?,
                _ => 0,
            };
            Ok((df as f64 + 0.5) / (docs as f64 + 1.0))
        };
        let (en, id) = (share(analysis::EN, en_docs)?, share(analysis::ID, id_docs)?);
        Ok(if en >= CLEAR_RATIO * id {
            Vote::English
        } else if id >= CLEAR_RATIO * en {
            Vote::Indonesian
        } else {
            Vote::Neither
        })
    }
}

/// The texts of the words and phrases a query looks for in article text (not those it
/// excludes, nor metadata filters).
fn searched_texts<'t>(node: &'t Node, out: &mut Vec<&'t str>) {
    match node {
        Node::Word { text, field } | Node::Phrase { text, field, .. } => {
            if !matches!(
                field,
                Some(FieldSel::Source | FieldSel::Lang | FieldSel::Tags)
            ) {
                out.push(text);
            }
        }
        Node::Any(children) | Node::All(children) => {
            children.iter().for_each(|c| searched_texts(c, out));
        }
        Node::Must(inner) => searched_texts(inner, out),
        Node::Not(_) | Node::Prefix { .. } | Node::Published { .. } | Node::Invalid { .. } => {}
    }
}

/// `query` with the scores of articles in other languages than `analyzer`'s weighted by
/// [`OTHER_LANG_WEIGHT`].
pub fn favour(query: Box<dyn Query>, fields: &Fields, analyzer: &'static str) -> Box<dyn Query> {
    let code = if analyzer == analysis::EN {
        ENGLISH
    } else {
        INDONESIAN
    };
    Box::new(LangFavoured {
        query,
        lang: Term::from_field_text(fields.lang, code),
        other_weight: OTHER_LANG_WEIGHT,
    })
}

/// A query whose matches outside one language score `other_weight` times their score.
#[derive(Debug)]
pub(super) struct LangFavoured {
    query: Box<dyn Query>,
    /// The favoured language, as a term of the `lang` field.
    lang: Term,
    other_weight: Score,
}

impl Clone for LangFavoured {
    fn clone(&self) -> Self {
        LangFavoured {
            query: self.query.box_clone(),
            lang: self.lang.clone(),
            other_weight: self.other_weight,
        }
    }
}

impl LangFavoured {
    /// The query weighted.
    pub(super) fn inner(&self) -> &dyn Query {
        self.query.as_ref()
    }

    /// The favoured language, as a term of the `lang` field.
    pub(super) fn lang(&self) -> &Term {
        &self.lang
    }

    /// What the other languages' scores are multiplied by.
    pub(super) fn other_weight(&self) -> Score {
        self.other_weight
    }
}

impl Query for LangFavoured {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(scoring)?;
        if !scoring.is_scoring_enabled() {
            return Ok(inner);
        }
        Ok(Box::new(LangFavouredWeight {
            inner,
            lang: self.lang.clone(),
            other_weight: self.other_weight,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct LangFavouredWeight {
    inner: Box<dyn Weight>,
    lang: Term,
    other_weight: Score,
}

impl LangFavouredWeight {
    /// The favoured language's articles in `reader`, if it has any.
    fn lang_postings(&self, reader: &SegmentReader) -> tantivy::Result<Option<SegmentPostings>> {
        let inverted = reader.inverted_index(self.lang.field())?;
        Ok(inverted.read_postings(&self.lang, IndexRecordOption::Basic)?)
    }
}

impl Weight for LangFavouredWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(LangFavouredScorer {
            inner: self.inner.scorer(reader, boost)?,
            lang: self.lang_postings(reader)?,
            other_weight: self.other_weight,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.inner.explain(reader, doc)?;
        let favoured = self
            .lang_postings(reader)?
            .is_some_and(|mut p| p.doc() == doc || (p.doc() < doc && p.seek(doc) == doc));
        let factor = if favoured { 1.0 } else { self.other_weight };
        let mut explanation = Explanation::new("query language", inner.value() * factor);
        explanation.add_detail(inner);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

struct LangFavouredScorer {
    inner: Box<dyn Scorer>,
    /// The favoured language's articles, advanced along with the matches.
    lang: Option<SegmentPostings>,
    other_weight: Score,
}

impl DocSet for LangFavouredScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for LangFavouredScorer {
    fn score(&mut self) -> Score {
        let doc = self.inner.doc();
        let favoured = self.lang.as_mut().is_some_and(|lang| {
            if lang.doc() < doc {
                lang.seek(doc);
            }
            lang.doc() == doc
        });
        let score = self.inner.score();
        if favoured {
            score
        } else {
            score * self.other_weight
        }
    }
}
