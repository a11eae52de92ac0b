//! A word or phrase of a query as clauses: in each language's fields (stemmed, with the
//! other readings of Indonesian prefixes and the parts of split words), and in the exact copy
//! of the text (with misspellings).

use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::expand::Expansion;
use super::prune::Boosted;
use super::{bm25, Builder, FieldSel, Node};
use super::{ALTERNATIVE_WEIGHT, EXACT_WEIGHT, SPLIT_PHRASE_WEIGHT};
use super::{TWO_TYPOS_MIN_CHARS, TYPO_MIN_CHARS, TYPO_WEIGHT};
use crate::article::{ENGLISH, INDONESIAN};
use crate::common::lang::normalize_code;
use crate::schema::{analysis, source_key, LangFields};

impl Builder<'_> {
    /// The other stems an Indonesian query word may have (see
    /// [`analysis::indonesian_alternatives`]).
    fn indonesian_alternatives(&mut self, text: &str, stem: &str) -> Vec<String> {
        match self.analyse(analysis::PLAIN, text).as_slice() {
            [word] => analysis::indonesian_alternatives(word, stem),
            _ => Vec::new(),
        }
    }

    /// A word or phrase, looked for in every language's fields of the selected kind.
    pub(super) fn words(
        &mut self,
        text: &str,
        field: Option<FieldSel>,
        slop: u32,
        phrase: bool,
        negated: bool,
    ) -> Option<Box<dyn Query>> {
        let (fields, langs) = (self.fields, self.langs);
        match field {
            Some(FieldSel::Source) => return keyword(fields.source_key, &source_key(text)),
            Some(FieldSel::Lang) => return keyword(fields.lang, &normalize_code(text)),
            Some(FieldSel::Tags) => return keyword(fields.tags, text.trim()),
            _ => {}
        }
        if !negated {
            self.searched += 1;
        }
        let title_only = field == Some(FieldSel::Title);
        let text = if phrase { text } else { strip_possessive(text) };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for lang in langs {
            self.lang_words(
                lang,
                text,
                (slop, phrase, negated, title_only),
                &mut clauses,
            );
            if !phrase && !title_only {
                self.name_forms(lang, text, negated, &mut clauses);
            }
        }
        // The exact copy rewards the unstemmed word; phrases are matched on positions alone.
        if !phrase && !title_only {
            self.exact_words(text, negated, &mut clauses);
        }
        match clauses.len() {
            0 => None,
            _ => Some(Box::new(BooleanQuery::new(clauses))),
        }
    }

    /// The other forms of a name (see [`super::names`]): a word's split forms, a hyphenated
    /// word's join.
    fn name_forms(
        &mut self,
        lang: &LangFields,
        text: &str,
        negated: bool,
        clauses: &mut Vec<(Occur, Box<dyn Query>)>,
    ) {
        let parts = self.analyse(analysis::PLAIN, text);
        let found = if parts.len() == 1 {
            self.split_forms(lang, text, negated, clauses)
        } else {
            self.joined_form(lang, &parts, negated).map(|q| {
                clauses.extend(q.map(|q| (Occur::Should, q)));
            })
        };
        if let Err(error) = found {
            self.failed.get_or_insert(error);
        }
    }

    /// Whether `node` is a word with nothing to search for (`-` standing alone).
    pub(super) fn is_empty_word(&mut self, node: &Node) -> bool {
        matches!(node, Node::Word { text, field: None } if self.analyse(analysis::PLAIN, text).is_empty())
    }

    /// Two words side by side as one joined word, in every language's fields: `block chain`
    /// also finds "blockchain".
    pub(super) fn joined_words(&mut self, a: &Node, b: &Node) -> Option<Box<dyn Query>> {
        let (
            Node::Word {
                text: a,
                field: None,
            },
            Node::Word {
                text: b,
                field: None,
            },
        ) = (a, b)
        else {
            return None;
        };
        let mut parts = self.analyse(analysis::PLAIN, a);
        parts.extend(self.analyse(analysis::PLAIN, b));
        let mut clauses = Vec::new();
        for lang in self.langs {
            match self.joined_form(lang, &parts, false) {
                Ok(Some(q)) => clauses.push((Occur::Should, q)),
                Ok(None) => {}
                Err(error) => {
                    self.failed.get_or_insert(error);
                }
            }
        }
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    /// The articles a language's fields are written for (see [`bm25::Population`]).
    pub(super) fn population(&self, lang: &LangFields) -> bm25::Population {
        let code = |code: &str| Term::from_field_text(self.fields.lang, code);
        match lang.analyzer {
            analysis::EN => bm25::Population::Having(code(ENGLISH)),
            analysis::ID => bm25::Population::Having(code(INDONESIAN)),
            _ => bm25::Population::Rest(vec![code(ENGLISH), code(INDONESIAN)]),
        }
    }

    /// The clauses of a word or phrase in one language's fields.
    fn lang_words(
        &mut self,
        lang: &LangFields,
        text: &str,
        (slop, phrase, negated, title_only): (u32, bool, bool, bool),
        clauses: &mut Vec<(Occur, Box<dyn Query>)>,
    ) {
        let population = self.population(lang);
        {
            let terms = self.analyse(lang.analyzer, text);
            if terms.is_empty() {
                return;
            }
            if !negated {
                self.highlight
                    .entry(lang.analyzer)
                    .or_default()
                    .extend(terms.iter().cloned());
            }
            let field = if title_only { lang.title } else { lang.text };
            let k1 = bm25::saturation(lang.analyzer);
            if let Some(q) = sequence(field, &terms, slop, k1, &population) {
                let split = !phrase && terms.len() > 1;
                clauses.push((Occur::Should, weighted(q, split, SPLIT_PHRASE_WEIGHT)));
            }
            if !phrase && terms.len() == 1 && lang.analyzer == analysis::ID {
                let alternatives = self.indonesian_alternatives(text, &terms[0]);
                for alternative in &alternatives {
                    let term = Term::from_field_text(field, alternative);
                    let q = bm25::Bm25TermQuery::new(term, k1).within(population.clone());
                    clauses.push((
                        Occur::Should,
                        weighted(Box::new(q), true, ALTERNATIVE_WEIGHT),
                    ));
                }
                if !negated {
                    let highlight = self.highlight.entry(lang.analyzer).or_default();
                    highlight.extend(alternatives);
                }
            }
            // A word that analysis split (`anti-spam`, `Ireland's`, `e-mail`) also matches its
            // parts, so the joined form ranks first without losing texts that use one part.
            if !phrase && terms.len() > 1 {
                let parts = terms.iter().filter(|t| t.chars().count() > 1);
                let queries = parts.filter_map(|part| {
                    sequence(field, std::slice::from_ref(part), 0, k1, &population)
                });
                clauses.extend(queries.map(|q| (Occur::Should, q)));
            }
        }
    }

    /// The clauses of a word in the exact (unstemmed) copy of the text, misspellings included.
    fn exact_words(
        &mut self,
        text: &str,
        negated: bool,
        clauses: &mut Vec<(Occur, Box<dyn Query>)>,
    ) {
        let fields = self.fields;
        {
            let exact = self.analyse(analysis::PLAIN, text);
            if exact.len() == 1 {
                let term = Term::from_field_text(fields.text_exact, &exact[0]);
                let k1 = bm25::saturation(analysis::PLAIN);
                let q = Box::new(bm25::Bm25TermQuery::new(term, k1));
                clauses.push((Occur::Should, weighted(q, true, EXACT_WEIGHT)));
                // Typo tolerance as Meilisearch has it: one edit from 5 letters, two from 9.
                let letters = exact[0].chars().count();
                if self.typos && !negated && letters >= TYPO_MIN_CHARS {
                    let edits = if letters >= TWO_TYPOS_MIN_CHARS { 2 } else { 1 };
                    let typo = Expansion::Typo {
                        edits,
                        weight: TYPO_WEIGHT,
                    };
                    let q = self.expand(&exact[0], typo, negated);
                    clauses.push((Occur::Should, q));
                }
            }
        }
    }
}

impl Builder<'_> {
    /// Words beginning with `text`, in the unstemmed text (or titles, which it includes).
    pub(super) fn prefix(
        &mut self,
        text: &str,
        field: Option<FieldSel>,
        negated: bool,
    ) -> Option<Box<dyn Query>> {
        if matches!(
            field,
            Some(FieldSel::Source | FieldSel::Lang | FieldSel::Tags)
        ) {
            return self.words(text, field, 0, false, negated);
        }
        let plain = self.analyse(analysis::PLAIN, text);
        let [beginning] = plain.as_slice() else {
            // `e-mai*`: the words before the last as typed, the last as a prefix.
            return self.words(text, field, 0, true, negated);
        };
        let beginning = beginning.clone();
        if !negated {
            self.searched += 1;
        }
        Some(self.expand(&beginning, Expansion::Prefix, negated))
    }
}

/// `query` weighted by `weight` when `apply`.
fn weighted(query: Box<dyn Query>, apply: bool, weight: f32) -> Box<dyn Query> {
    if apply {
        Box::new(Boosted::new(query, weight))
    } else {
        query
    }
}

/// A word without its English possessive `'s` (`Ireland's` → `Ireland`), which analysis would
/// otherwise split off as a word `s` and turn the name into a phrase. English stemmers drop it
/// too (Porter2's step 0), and articles say "Ireland" far more often than "Ireland's".
fn strip_possessive(text: &str) -> &str {
    for suffix in ["'s", "'S", "\u{2019}s", "\u{2019}S"] {
        if let Some(stem) = text.strip_suffix(suffix) {
            if !stem.is_empty() {
                return stem;
            }
        }
    }
    text
}

/// One term (its frequency saturated with `k1`), or the terms in sequence (within `slop`)
/// when analysis split the text.
fn sequence(
    field: Field,
    terms: &[String],
    slop: u32,
    k1: f32,
    population: &bm25::Population,
) -> Option<Box<dyn Query>> {
    match terms {
        [] => None,
        [one] => {
            let term = Term::from_field_text(field, one);
            let query = bm25::Bm25TermQuery::new(term, k1).within(population.clone());
            Some(Box::new(query))
        }
        many => {
            let terms: Vec<(usize, Term)> = many
                .iter()
                .enumerate()
                .map(|(n, t)| (n, Term::from_field_text(field, t)))
                .collect();
            Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)))
        }
    }
}

fn keyword(field: Field, value: &str) -> Option<Box<dyn Query>> {
    (!value.is_empty()).then(|| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    })
}
