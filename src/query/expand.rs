//! Words that stand for several terms: a misspelling (`micrsoft`) for the indexed words within
//! one or two edits, a prefix (`kemitra*`) for the indexed words it begins. The terms are found
//! in the term dictionary of the unstemmed field with tantivy's Levenshtein and prefix automata
//! when the search runs (building a query sees no index), and each is scored by BM25 like a
//! typed word; the terms found are kept for highlighting.

use std::sync::{Arc, Mutex, OnceLock};

use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, FuzzyTermQuery, Occur, Query, Weight,
};
use tantivy::schema::Field;
use tantivy::Term;

use super::bm25::{saturation, Bm25TermQuery};

/// How a word is expanded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expansion {
    /// Indexed words within `edits` edits (a swap of two letters is one), but the word itself;
    /// their matches weigh `weight` where the word itself is in the index too (so that it ranks
    /// first), and as much as the word where it is not (a plain misspelling).
    Typo {
        /// Edits allowed.
        edits: u8,
        /// Weight of the misspellings' matches where the word is found as typed.
        weight: f32,
    },
    /// Indexed words that begin with the word (the word itself too).
    Prefix,
}

/// At most this many terms stand for one word: the most frequent ones.
const MAX_TERMS: usize = 30;

/// The terms each expanded word of a query stood for, once it ran.
pub type Expanded = Arc<Mutex<Vec<String>>>;

/// A word expanded into the indexed terms it stands for, in one field.
#[derive(Debug, Clone)]
pub struct ExpandedWord {
    field: Field,
    word: String,
    expansion: Expansion,
    found: Expanded,
    /// The terms and their weight, worked out once: one search asks for the weight several
    /// times (ranking, widening for story collapse, facets), and each dictionary scan costs.
    resolved: Arc<OnceLock<(Vec<String>, f32)>>,
}

impl ExpandedWord {
    /// `word` (already lower-cased and folded as `field` indexes it), expanded in `field`; the
    /// terms found are added to `found`.
    pub fn new(field: Field, word: &str, expansion: Expansion, found: Expanded) -> Self {
        ExpandedWord {
            field,
            word: word.to_string(),
            expansion,
            found,
            resolved: Arc::default(),
        }
    }

    /// The indexed terms the word stands for, most frequent first.
    fn terms(&self, searcher: &tantivy::Searcher) -> tantivy::Result<Vec<String>> {
        let term = Term::from_field_text(self.field, &self.word);
        let query = match self.expansion {
            Expansion::Typo { edits, .. } => FuzzyTermQuery::new(term, edits, true),
            Expansion::Prefix => FuzzyTermQuery::new_prefix(term, 0, false),
        };
        let automaton = query.automaton()?;
        let mut counts: std::collections::HashMap<String, u64> = Default::default();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.field)?;
            let mut stream = inverted.terms().search(&automaton).into_stream()?;
            while stream.advance() {
                let Ok(text) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if matches!(self.expansion, Expansion::Typo { .. }) && text == self.word {
                    continue;
                }
                *counts.entry(text.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
        let mut terms: Vec<(String, u64)> = counts.into_iter().collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.truncate(MAX_TERMS);
        Ok(terms.into_iter().map(|(t, _)| t).collect())
    }
}

impl Query for ExpandedWord {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let resolved = match (self.resolved.get(), scoring.searcher()) {
            (Some(resolved), _) => Some(resolved.clone()),
            (None, Some(searcher)) => {
                let (weight, expand) = match self.expansion {
                    Expansion::Typo { weight, .. } => {
                        let word = Term::from_field_text(self.field, &self.word);
                        let found = searcher.doc_freq(&word)?;
                        // A word in one article in a thousand (and three at least) is a word
                        // users mean: its misspellings are not looked for, which spares a scan
                        // of the dictionary (a large share of search time on big indexes) for
                        // no change in ranking (they would weigh a tenth).
                        let common = found >= 3 && found * 1000 >= searcher.num_docs();
                        (if found > 0 { weight } else { 1.0 }, !common)
                    }
                    Expansion::Prefix => (1.0, true),
                };
                let terms = if expand {
                    self.terms(searcher)?
                } else {
                    Vec::new()
                };
                let resolved = (terms, weight);
                if self.resolved.set(resolved.clone()).is_ok() {
                    if let Ok(mut found) = self.found.lock() {
                        found.extend(resolved.0.iter().cloned());
                    }
                }
                Some(resolved)
            }
            (None, None) => None,
        };
        let (terms, weight) = resolved.unwrap_or_else(|| (Vec::new(), 1.0));
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .into_iter()
            .map(|t| {
                let term = Term::from_field_text(self.field, &t);
                let k1 = saturation(crate::schema::analysis::PLAIN);
                let query = BoostQuery::new(Box::new(Bm25TermQuery::new(term, k1)), weight);
                (Occur::Should, Box::new(query) as Box<dyn Query>)
            })
            .collect();
        BooleanQuery::new(clauses).weight(scoring)
    }
}
