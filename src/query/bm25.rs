//! A term query scored with BM25 and the classic Robertson–Spärck Jones idf. tantivy's
//! `TermQuery` fixes the idf to `ln(1 + (N - n + 0.5) / (n + 0.5))`, which still gives a word
//! found in nearly every document a good share of a rare word's weight; long queries then
//! rank documents by how many common words they hold.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// Term-frequency saturation: the usual value (as in tantivy and SQLite FTS5), kept for
/// Indonesian and undetermined text, where a higher one loses Indonesian queries.
pub const K1: f32 = 1.2;
/// Term-frequency saturation in English text and in unstemmed text (the exact copy of every
/// article, and languages other than English and Indonesian): a repeated word counts for more
/// before it saturates. Measured in `eval/README.md`: TIME and BBC rank better than with 1.2,
/// Indonesian about the same.
pub const K1_ENGLISH: f32 = 2.0;

/// The saturation for fields analysed with `analyzer`.
pub fn saturation(analyzer: &str) -> f32 {
    if analyzer == crate::schema::analysis::EN || analyzer == crate::schema::analysis::PLAIN {
        K1_ENGLISH
    } else {
        K1
    }
}
/// Length normalisation (the usual value).
pub const B: f32 = 0.75;
/// The least idf a term gets, so a word in most documents still orders them by frequency
/// without outweighing any informative word.
pub const IDF_FLOOR: f32 = 0.01;

/// The Robertson–Spärck Jones idf of a term in `n` of `total` documents, `ln((N - n + 0.5) /
/// (n + 0.5))`, floored at [`IDF_FLOOR`]. Unlike tantivy's `ln(1 + …)`, it gives words in
/// half the documents or more next to nothing, which acts as a stop list that adapts to the
/// collection (measured in `eval/README.md`).
pub fn idf(n: u64, total: u64) -> f32 {
    let (n, total) = (n as f32, total.max(n) as f32);
    ((total - n + 0.5) / (n + 0.5)).ln().max(IDF_FLOOR)
}

/// The documents a term's field is written for, which BM25 counts as the collection (its
/// `N`, and the denominator of the average length). A language's fields hold its articles'
/// text alone, so in an index of English and Indonesian news each language's statistics are
/// its own articles': counted over every article, an Indonesian word in half the Indonesian
/// articles would look rare beside thousands of English ones, and every Indonesian article
/// longer than the average by the share of English ones.
#[derive(Debug, Clone)]
pub enum Population {
    /// Every document (fields every article writes, such as the exact copy).
    All,
    /// The documents holding this term (a language code in the `lang` field).
    Having(Term),
    /// The documents holding none of these terms (the languages without their own fields).
    Rest(Vec<Term>),
}

/// One term, scored with BM25 (saturation `k1`, [`B`]) and [`idf`].
#[derive(Debug, Clone)]
pub struct Bm25TermQuery {
    term: Term,
    k1: f32,
    population: Population,
}

impl Bm25TermQuery {
    /// A query for `term`, saturating its frequency with `k1` (see [`saturation`]), over
    /// every document.
    pub fn new(term: Term, k1: f32) -> Self {
        Bm25TermQuery {
            term,
            k1,
            population: Population::All,
        }
    }

    /// The same query, counting `population` as the collection.
    pub fn within(mut self, population: Population) -> Self {
        self.population = population;
        self
    }
}

/// The number of live documents in `population`.
fn population_size(
    stats: &dyn tantivy::query::Bm25StatisticsProvider,
    population: &Population,
) -> tantivy::Result<u64> {
    Ok(match population {
        Population::All => stats.total_num_docs()?,
        Population::Having(term) => stats.doc_freq(term)?,
        Population::Rest(terms) => {
            let mut rest = stats.total_num_docs()?;
            for term in terms {
                rest = rest.saturating_sub(stats.doc_freq(term)?);
            }
            rest
        }
    })
}

impl Bm25TermQuery {
    /// The term looked for.
    pub fn term(&self) -> &Term {
        &self.term
    }

    /// How this term scores under `stats`: its idf × (k1 + 1), and the norm per field norm id.
    pub fn scoring(
        &self,
        stats: &dyn tantivy::query::Bm25StatisticsProvider,
    ) -> tantivy::Result<Bm25Scoring> {
        let k1 = self.k1;
        let n = stats.doc_freq(&self.term)?;
        let total = if n == 0 {
            0
        } else {
            population_size(stats, &self.population)?.max(n)
        };
        // A term in no document scores nothing, whatever the field's length: counting the
        // field's tokens (a pass over its field norms) is spared.
        let tokens = if n == 0 {
            0
        } else {
            stats.total_num_tokens(self.term.field())?
        };
        let avg_len = if total == 0 {
            1.0
        } else {
            (tokens as f32 / total as f32).max(1.0)
        };
        Ok(Bm25Scoring::new(idf(n, total) * (k1 + 1.0), k1, avg_len))
    }
}

/// The constants of one term's BM25 score: `weight × tf / (tf + norms[field norm id])`.
#[derive(Clone)]
pub struct Bm25Scoring {
    /// idf × (k1 + 1).
    pub weight: Score,
    /// Term-frequency saturation.
    pub k1: Score,
    /// The average length BM25 divides by.
    pub avg_len: Score,
    /// k1 × (1 - b + b × length / average length), per fieldnorm id.
    pub norms: Box<[Score; 256]>,
}

impl Bm25Scoring {
    fn new(weight: Score, k1: Score, avg_len: Score) -> Self {
        let mut norms = [0.0; 256];
        for (id, norm) in norms.iter_mut().enumerate() {
            let len = FieldNormReader::id_to_fieldnorm(id as u8) as f32;
            *norm = k1 * (1.0 - B + B * len / avg_len);
        }
        Bm25Scoring {
            weight,
            k1,
            avg_len,
            norms: Box::new(norms),
        }
    }
}

impl Query for Bm25TermQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let scoring = match scoring {
            EnableScoring::Enabled {
                statistics_provider: stats,
                ..
            } => self.scoring(stats)?,
            EnableScoring::Disabled { .. } => Bm25Scoring::new(0.0, self.k1, 1.0),
        };
        Ok(Box::new(Bm25TermWeight {
            term: self.term.clone(),
            weight: scoring.weight,
            norms: scoring.norms,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

struct Bm25TermWeight {
    term: Term,
    /// idf × (k1 + 1).
    weight: Score,
    /// k1 × (1 - b + b × length / average length), per fieldnorm id.
    norms: Box<[Score; 256]>,
}

impl Bm25TermWeight {
    fn term_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<TermScorer>> {
        let field = self.term.field();
        let postings = reader
            .inverted_index(field)?
            .read_postings(&self.term, IndexRecordOption::WithFreqs)?;
        let Some(postings) = postings else {
            return Ok(None);
        };
        Ok(Some(TermScorer {
            postings,
            fieldnorms: reader.get_fieldnorms_reader(field)?,
            weight: self.weight * boost,
            norms: self.norms.clone(),
        }))
    }
}

impl Weight for Bm25TermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.term_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_found = || tantivy::TantivyError::InvalidArgument(format!("no match for {doc}"));
        let mut scorer = self.term_scorer(reader, 1.0)?.ok_or_else(not_found)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(not_found());
        }
        let mut explanation = Explanation::new("bm25", scorer.score());
        explanation.add_context(format!("term {:?}", self.term));
        Ok(explanation)
    }
}

struct TermScorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    weight: Score,
    norms: Box<[Score; 256]>,
}

impl DocSet for TermScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for TermScorer {
    fn score(&mut self) -> Score {
        let id = self.fieldnorms.fieldnorm_id(self.doc());
        let tf = self.postings.term_freq() as Score;
        self.weight * tf / (tf + self.norms[id as usize])
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    use super::*;

    #[test]
    fn rare_words_weigh_more_and_common_ones_next_to_nothing() {
        assert!(idf(1, 1000) > 6.0);
        assert_eq!(idf(600, 1000), IDF_FLOOR);
        assert_eq!(idf(1000, 1000), IDF_FLOOR);
    }

    #[test]
    fn scores_rank_by_frequency_and_length() -> tantivy::Result<()> {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        for body in [
            "spam spam law",
            "spam law and many other words about it",
            "law",
            "nothing",
        ] {
            writer.add_document(doc!(text => body))?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let query = Bm25TermQuery::new(Term::from_field_text(text, "spam"), K1);
        let top = searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?;
        let docs: Vec<u32> = top.iter().map(|(_, addr)| addr.doc_id).collect();
        assert_eq!(docs, [0, 1]);
        assert!(top[0].0 > top[1].0);
        let explained = query.explain(&searcher, top[0].1)?;
        assert!((explained.value() - top[0].0).abs() < 1e-6);
        Ok(())
    }
}
