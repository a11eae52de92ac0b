//! Words that stand for several terms: a misspelling (`micrsoft`) for the indexed words within
//! one or two edits, a prefix (`kemitra*`) for the indexed words it begins. The terms are found
//! in the term dictionary of the unstemmed field with tantivy's Levenshtein and prefix automata
//! while the query is built, before anything is scored: the query is then made of plain terms,
//! each scored by BM25 like a typed word, and the terms found are plain data ([`Expansions`])
//! that snippets highlight and callers may show.

use std::collections::{BTreeMap, HashMap};

use tantivy::query::{BooleanQuery, FuzzyTermQuery, Occur, Query};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use super::bm25::{saturation, Bm25TermQuery};
use super::prune::Boosted;

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

/// The indexed terms one word stands for, and the weight of their matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The terms, most frequent first (at most 30).
    pub terms: Vec<String>,
    /// What each term's match is multiplied by.
    pub weight: f32,
    /// Whether the word itself is in the index (always, for a prefix).
    pub as_typed: bool,
}

/// What the expanded words of one query stood for in the index searched, by word as it is
/// indexed (lower case, accents folded). Only words that count as matches are listed: a
/// prefix under `NOT` expands, but is not shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expansions {
    /// Words of five letters or more with the indexed words within one or two edits of them.
    pub typos: BTreeMap<String, Vec<String>>,
    /// Words written with `*` and the indexed words they begin.
    pub prefixes: BTreeMap<String, Vec<String>>,
    /// The words of the query, in its order, that no article has as typed and that stood for
    /// their misspellings instead.
    pub replaced: Vec<String>,
    /// Whether every word the query looks for is among `replaced`: its results are for other
    /// words than the ones typed.
    pub all_replaced: bool,
}

impl Expansions {
    /// Every term any word stood for.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        let typos = self.typos.values().flatten();
        typos
            .chain(self.prefixes.values().flatten())
            .map(String::as_str)
    }

    /// Whether no word stood for any term.
    pub fn is_empty(&self) -> bool {
        self.terms().next().is_none()
    }

    /// The query as searched when every word of it was replaced: each word's most frequent
    /// stand-in, in the query's order (`micrsoft acquisiton` → `microsoft acquisition`).
    pub fn respelled(&self) -> Option<String> {
        if !self.all_replaced {
            return None;
        }
        let words: Vec<&str> = self
            .replaced
            .iter()
            .filter_map(|word| self.typos.get(word)?.first().map(String::as_str))
            .collect();
        Some(words.join(" "))
    }

    /// Records that `word`, expanded as `how`, stood for the terms of `resolved` (when it stood
    /// for any).
    pub(super) fn record(&mut self, word: &str, how: Expansion, resolved: &Resolved) {
        if resolved.terms.is_empty() {
            return;
        }
        let words = match how {
            Expansion::Typo { .. } => &mut self.typos,
            Expansion::Prefix => &mut self.prefixes,
        };
        words.insert(word.to_string(), resolved.terms.clone());
        if matches!(how, Expansion::Typo { .. }) && !resolved.as_typed {
            self.replaced.push(word.to_string());
        }
    }
}

/// Looks words up in one field's term dictionaries of one searcher, once per word.
pub struct Expander<'a> {
    searcher: Option<&'a Searcher>,
    field: Field,
    resolved: HashMap<(String, bool), Resolved>,
}

impl<'a> Expander<'a> {
    /// An expander over `field` as `searcher` sees it; without a searcher, words stand for
    /// nothing (a query built without an index).
    pub fn new(searcher: Option<&'a Searcher>, field: Field) -> Self {
        Expander {
            searcher,
            field,
            resolved: HashMap::new(),
        }
    }

    /// The terms `word` (already lower-cased and folded as the field indexes it) stands for
    /// under `how`, and their weight.
    pub fn resolve(&mut self, word: &str, how: Expansion) -> tantivy::Result<Resolved> {
        let key = (word.to_string(), matches!(how, Expansion::Prefix));
        if let Some(resolved) = self.resolved.get(&key) {
            return Ok(resolved.clone());
        }
        let Some(searcher) = self.searcher else {
            return Ok(Resolved {
                terms: Vec::new(),
                weight: 1.0,
                as_typed: true,
            });
        };
        let (weight, expand, as_typed) = match how {
            Expansion::Typo { weight, .. } => {
                let found = searcher.doc_freq(&Term::from_field_text(self.field, word))?;
                // A word in one article in a thousand (and three at least) is a word users
                // mean: its misspellings are not looked for, which spares a scan of the
                // dictionary, a large share of a search's time, for no change in ranking
                // (they would weigh a tenth).
                let common = found >= 3 && found * 1000 >= searcher.num_docs();
                (if found > 0 { weight } else { 1.0 }, !common, found > 0)
            }
            Expansion::Prefix => (1.0, true, true),
        };
        let terms = if expand {
            self.terms(searcher, word, how)?
        } else {
            Vec::new()
        };
        let resolved = Resolved {
            terms,
            weight,
            as_typed,
        };
        self.resolved.insert(key, resolved.clone());
        Ok(resolved)
    }

    /// The indexed terms `word` stands for under `how`, most frequent first.
    fn terms(
        &self,
        searcher: &Searcher,
        word: &str,
        how: Expansion,
    ) -> tantivy::Result<Vec<String>> {
        let term = Term::from_field_text(self.field, word);
        let query = match how {
            Expansion::Typo { edits, .. } => FuzzyTermQuery::new(term, edits, true),
            Expansion::Prefix => FuzzyTermQuery::new_prefix(term, 0, false),
        };
        let automaton = query.automaton()?;
        // A misspelling keeps its first letter: the scan stays among the words that begin with
        // it (a small part of the dictionary, where a scan of all of it was most of the time
        // of a search for a rare word). An edit of the first letter counts as two, as in
        // Meilisearch: a word allowed two edits also stands for the words one edit of its first
        // letter away, looked up one by one ([`first_letter_edits`]).
        let first = word.chars().next().map(String::from).unwrap_or_default();
        let typo = match how {
            Expansion::Typo { edits, .. } => Some(edits),
            Expansion::Prefix => None,
        };
        let first_edits = if typo == Some(2) {
            first_letter_edits(word)
        } else {
            Vec::new()
        };
        let mut counts: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.field)?;
            let terms = inverted.terms();
            let mut stream = match (typo, after(&first)) {
                (Some(_), Some(end)) => terms
                    .search(&automaton)
                    .ge(first.as_bytes())
                    .lt(&end)
                    .into_stream()?,
                _ => terms.search(&automaton).into_stream()?,
            };
            let mut count = |text: &str, docs: u32| {
                if !(typo.is_some() && text == word) {
                    *counts.entry(text.to_string()).or_default() += u64::from(docs);
                }
            };
            while stream.advance() {
                if let Ok(text) = std::str::from_utf8(stream.key()) {
                    count(text, stream.value().doc_freq);
                }
            }
            for edit in &first_edits {
                if let Some(info) = terms.get(edit.as_bytes())? {
                    count(edit, info.doc_freq);
                }
            }
        }
        let mut terms: Vec<(String, u64)> = counts.into_iter().collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.truncate(MAX_TERMS);
        Ok(terms.into_iter().map(|(t, _)| t).collect())
    }

    /// The query for a resolved word: any of its terms, each weighted.
    pub fn query(&self, resolved: &Resolved) -> Box<dyn Query> {
        let k1 = saturation(crate::schema::analysis::PLAIN);
        let clauses: Vec<(Occur, Box<dyn Query>)> = resolved
            .terms
            .iter()
            .map(|t| {
                let term = Term::from_field_text(self.field, t);
                let query = Boosted::new(Box::new(Bm25TermQuery::new(term, k1)), resolved.weight);
                (Occur::Should, Box::new(query) as Box<dyn Query>)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }
}

/// The least byte string above every string that begins with `first` (`b` → `c`), if any.
fn after(first: &str) -> Option<Vec<u8>> {
    let mut end = first.as_bytes().to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// The letters an edit of a word's first letter may put there: those of the words as the
/// unstemmed field indexes them (lower case, accents folded).
const FIRST_LETTERS: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

/// The words one edit of `word`'s first letter away that begin with another letter: another
/// letter in its place, the letter dropped, a letter put before it, or it swapped with the
/// second.
fn first_letter_edits(word: &str) -> Vec<String> {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return Vec::new();
    };
    let rest = chars.as_str();
    let mut edits: Vec<String> = FIRST_LETTERS
        .chars()
        .filter(|&c| c != first)
        .map(|c| format!("{c}{rest}"))
        .collect();
    edits.extend(FIRST_LETTERS.chars().map(|c| format!("{c}{word}")));
    edits.push(rest.to_string());
    let mut swapped = rest.chars();
    if let Some(second) = swapped.next() {
        edits.push(format!("{second}{first}{}", swapped.as_str()));
    }
    // Those still beginning with the first letter are one edit away within its range of the
    // dictionary, which the scan reads already.
    edits.retain(|edit| !edit.is_empty() && !edit.starts_with(first));
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::analysis::PLAIN;

    /// A searcher over one field indexed as warta's unstemmed text, holding `texts`.
    fn searcher(texts: &[&str]) -> (Searcher, Field) {
        let mut schema = tantivy::schema::Schema::builder();
        let options = tantivy::schema::TextOptions::default().set_indexing_options(
            tantivy::schema::TextFieldIndexing::default()
                .set_tokenizer(PLAIN)
                .set_index_option(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
        );
        let field = schema.add_text_field("text", options);
        let index = tantivy::Index::create_in_ram(schema.build());
        crate::schema::analysis::register(index.tokenizers());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for text in texts {
            writer.add_document(tantivy::doc!(field => *text)).unwrap();
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), field)
    }

    #[test]
    fn misspellings_and_prefixes_resolve_to_indexed_words_before_any_scoring() {
        let (searcher, field) = searcher(&["microsoft buys", "microsoft sells", "kemitraan baru"]);
        let mut expander = Expander::new(Some(&searcher), field);
        let typo = Expansion::Typo {
            edits: 1,
            weight: 0.1,
        };
        let misspelt = expander.resolve("micrsoft", typo).unwrap();
        assert_eq!(misspelt.terms, ["microsoft"]);
        // Not in the index as typed: its misspellings weigh as much as the word would.
        assert_eq!(misspelt.weight, 1.0);
        let prefix = expander.resolve("kemitra", Expansion::Prefix).unwrap();
        assert_eq!(prefix.terms, ["kemitraan"]);
        let mut expansions = Expansions::default();
        expansions.record("micrsoft", typo, &misspelt);
        expansions.record("kemitra", Expansion::Prefix, &prefix);
        assert_eq!(
            expansions.terms().collect::<Vec<_>>(),
            ["microsoft", "kemitraan"]
        );
        // Not in the index as typed, so replaced; a prefix never is.
        assert_eq!(expansions.replaced, ["micrsoft"]);
        assert_eq!(expansions.respelled(), None);
        expansions.all_replaced = true;
        assert_eq!(expansions.respelled().as_deref(), Some("microsoft"));
    }

    #[test]
    fn a_misspelling_keeps_its_first_letter_unless_the_word_is_long() {
        let (searcher, field) = searcher(&["nvidia ships", "nanotechnology grows", "teknologi"]);
        let mut expander = Expander::new(Some(&searcher), field);
        let one = Expansion::Typo {
            edits: 1,
            weight: 0.1,
        };
        let two = Expansion::Typo {
            edits: 2,
            weight: 0.1,
        };
        let terms =
            |expander: &mut Expander, word: &str, how| expander.resolve(word, how).unwrap().terms;
        // Five to eight letters: one edit, never of the first letter.
        assert_eq!(terms(&mut expander, "nvidai", one), ["nvidia"]);
        assert!(terms(&mut expander, "bvidia", one).is_empty());
        assert!(terms(&mut expander, "vnidia", one).is_empty());
        // Nine and more: two edits after the first letter, or one edit of it (counted as two).
        assert_eq!(
            terms(&mut expander, "nanotecnologi", two),
            ["nanotechnology"]
        );
        for word in [
            "manotechnology",
            "anotechnology",
            "snanotechnology",
            "annotechnology",
        ] {
            assert_eq!(
                terms(&mut expander, word, two),
                ["nanotechnology"],
                "{word}"
            );
        }
        assert!(terms(&mut expander, "manotecnology", two).is_empty());
        assert_eq!(terms(&mut expander, "eknologi", one), Vec::<String>::new());
    }

    #[test]
    fn first_letter_edits_and_the_end_of_a_first_letter() {
        let edits = first_letter_edits("kata");
        for edit in ["bata", "ata", "akta", "xkata"] {
            assert!(edits.contains(&edit.to_string()), "{edit}");
        }
        assert!(!edits.iter().any(|edit| edit.starts_with('k')));
        assert!(first_letter_edits("aardvark")
            .iter()
            .all(|e| !e.starts_with('a')));
        assert_eq!(after("b"), Some(b"c".to_vec()));
        assert_eq!(after("\u{4e2d}"), Some(vec![0xe4, 0xb8, 0xae]));
        assert_eq!(after(""), None);
    }

    #[test]
    fn without_an_index_words_stand_for_nothing() {
        let (_, field) = searcher(&[]);
        let mut expander = Expander::new(None, field);
        let resolved = expander.resolve("kemitra", Expansion::Prefix).unwrap();
        assert!(resolved.terms.is_empty());
    }
}
