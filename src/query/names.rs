//! Names as people type them: one word where the articles split it (`gojek` for "GO - JEK",
//! `ecommerce` for "e-commerce", `wifi` for "wi-fi"), and apart where the articles join it
//! (`block chain` for "blockchain", `go-jek` or `go jek` for "Gojek"). Found by analysis and
//! the index's own terms, not a list of names: a word is also looked for as each of its
//! two-part splits whose parts the index holds, side by side; two words side by side in a
//! query, and the parts of a hyphenated word, also as their join, when the index holds it.
//! A split whose part is a function word (`kebocoran` → "ke bocoran") is not looked for.

use tantivy::query::{Occur, PhraseQuery, Query};
use tantivy::{Searcher, Term};

use super::prune::Boosted;
use super::{bm25, Builder};
use crate::common::lang::{ENGLISH_WORDS, INDONESIAN_WORDS};
use crate::schema::{analysis, LangFields};

/// Weight of a word's split form ("GO - JEK" for `gojek`) and of words' joined form
/// ("Gojek" for `go jek`): chosen on the judged sets (`eval/README.md`).
pub const NAME_FORM_WEIGHT: f32 = 0.5;
/// Whether `word` is an English or Indonesian function word.
fn is_function_word(word: &str) -> bool {
    ENGLISH_WORDS.contains(&word) || INDONESIAN_WORDS.contains(&word)
}

/// Words shorter than this are not split (`on` → "o n"), nor longer ones (cost), and joins
/// shorter than this are not looked for (`u.s` → "us").
const SPLIT_CHARS: std::ops::RangeInclusive<usize> = 4..=20;
/// The second part of a split has at least this many letters; the first may be one
/// (`e-commerce`, `e-money`, `e-KTP`).
const MIN_SECOND_PART: usize = 2;

impl Builder<'_> {
    /// The split forms of a one-word `text` in `lang`'s field: for each split into two parts
    /// the index holds, the parts side by side.
    pub(super) fn split_forms(
        &mut self,
        lang: &LangFields,
        text: &str,
        negated: bool,
        clauses: &mut Vec<(Occur, Box<dyn Query>)>,
    ) -> tantivy::Result<()> {
        let Some(searcher) = self.searcher else {
            return Ok(());
        };
        let plain = self.analyse(analysis::PLAIN, text);
        let [word] = plain.as_slice() else {
            return Ok(());
        };
        let chars: Vec<char> = word.chars().collect();
        if !SPLIT_CHARS.contains(&chars.len()) || !chars.iter().all(|c| c.is_alphabetic()) {
            return Ok(());
        }
        for at in 1..=chars.len() - MIN_SECOND_PART {
            let (first, second): (String, String) =
                (chars[..at].iter().collect(), chars[at..].iter().collect());
            // `kebocoran` is not "ke bocoran": a function word is no part of a name.
            if [&first, &second].iter().any(|p| is_function_word(p)) {
                continue;
            }
            let (Some(a), Some(b)) = (
                self.indexed(lang, &first, searcher)?,
                self.indexed(lang, &second, searcher)?,
            ) else {
                continue;
            };
            let terms = vec![
                (0, Term::from_field_text(lang.text, &a)),
                (1, Term::from_field_text(lang.text, &b)),
            ];
            let phrase = PhraseQuery::new_with_offset_and_slop(terms, 0);
            clauses.push((
                Occur::Should,
                Box::new(Boosted::new(Box::new(phrase), NAME_FORM_WEIGHT)),
            ));
            if !negated {
                self.highlight
                    .entry(lang.analyzer)
                    .or_default()
                    .extend([a, b]);
            }
        }
        Ok(())
    }

    /// The joined form of `parts` (`go`, `jek` → `gojek`) in `lang`'s field, if the index
    /// holds it.
    pub(super) fn joined_form(
        &mut self,
        lang: &LangFields,
        parts: &[String],
        negated: bool,
    ) -> tantivy::Result<Option<Box<dyn Query>>> {
        let Some(searcher) = self.searcher else {
            return Ok(None);
        };
        let joined = parts.concat();
        let alphanumeric = parts.iter().all(|p| p.chars().all(char::is_alphanumeric));
        if parts.len() < 2 || !alphanumeric || !SPLIT_CHARS.contains(&joined.chars().count()) {
            return Ok(None);
        }
        let Some(term) = self.indexed(lang, &joined, searcher)? else {
            return Ok(None);
        };
        if !negated {
            let highlight = self.highlight.entry(lang.analyzer).or_default();
            highlight.insert(term.clone());
        }
        let k1 = bm25::saturation(lang.analyzer);
        let term = Term::from_field_text(lang.text, &term);
        let query = bm25::Bm25TermQuery::new(term, k1).within(self.population(lang));
        Ok(Some(Box::new(Boosted::new(
            Box::new(query),
            NAME_FORM_WEIGHT,
        ))))
    }

    /// `word` as `lang` analyses it, if it is one term and the index holds it.
    fn indexed(
        &mut self,
        lang: &LangFields,
        word: &str,
        searcher: &Searcher,
    ) -> tantivy::Result<Option<String>> {
        let terms = self.analyse(lang.analyzer, word);
        let [term] = terms.as_slice() else {
            return Ok(None);
        };
        let found = searcher.doc_freq(&Term::from_field_text(lang.text, term))? > 0;
        Ok(found.then(|| term.clone()))
    }
}
