//! Turns query text into a tantivy query: each word is analysed once per language and looked
//! for in that language's fields, with titles weighted above ledes above bodies, and an extra
//! score for exact (unstemmed) matches so they rank above stemmed ones.

pub mod bm25;
pub mod dates;
pub mod expand;
pub mod lang;
mod names;
mod near;
pub mod parse;
pub mod prune;
mod words;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;

use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Searcher, Term};

use crate::common::lang::normalize_code;
use crate::error::{Error, Result};
use crate::schema::analysis::{self, tokens};
use crate::schema::{source_key, Fields, LangFields};
use expand::{Expander, Expansion, Expansions};
pub use near::{NearPair, MAX_NEAR_PAIRS};
pub use parse::{parse, FieldSel, Node};

/// Weight of the exact (unstemmed) copy of the text, added on top of the stemmed match: enough
/// to rank the exact form above other forms of the word, small enough not to push aside
/// articles that use only other forms (a larger weight cost relevance on the Indonesian set).
pub const EXACT_WEIGHT: f32 = 0.25;
/// A word of this many letters or more also matches its misspellings (one edit)...
const TYPO_MIN_CHARS: usize = 5;
/// ...and from this many, two edits.
const TWO_TYPOS_MIN_CHARS: usize = 9;
/// The weight of a misspelling's matches where the word as typed is in the index too, so that
/// it ranks first (where it is not, they weigh as much as the word). Chosen on the judged sets:
/// heavier misspellings pushed aside what users meant, lighter ones gained nothing.
const TYPO_WEIGHT: f32 = 0.1;
/// Weight of the phrase of a word that analysis split (`anti-spam`), besides its parts: at 1
/// the phrase counted the compound's words twice over.
pub const SPLIT_PHRASE_WEIGHT: f32 = 0.5;
/// Weight of the other readings of an Indonesian word's prefix
/// ([`analysis::indonesian_alternatives`]): likelier wrong than the stemmer's own reading.
pub const ALTERNATIVE_WEIGHT: f32 = 0.5;
/// Queries with more words than this are refused: they are pasted text, not searches.
pub const MAX_WORDS: usize = 256;

/// Groups nested deeper than this are refused: no one types them, and the parser recurses.
pub const MAX_NESTING: usize = 64;
/// The most a query's sloppy phrases may cost, summed: each costs its word count times its
/// slop. tantivy's sloppy phrase matching grows with both, and fast with repeated words (forty
/// times one word within a slop of 100 exhausted memory), so the product is bounded in the
/// query builder: `"a b"~100` and `"a b c d e f g h"~25` run, `"w w … (40×)"~100` is refused.
pub const SLOP_BUDGET: u64 = 200;

/// Restrictions that apply whatever the query says.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only articles in this language.
    pub lang: Option<String>,
    /// Only articles from this source (case-insensitive).
    pub source: Option<String>,
    /// Only articles published at or after this Unix time.
    pub since: Option<i64>,
    /// Only articles published before this Unix time.
    pub until: Option<i64>,
    /// Only the words as spelt: no typo tolerance.
    pub exact: bool,
}

/// A query ready to run, with the terms to highlight in snippets.
pub struct BuiltQuery {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// Per analyzer name, the analysed terms that count as a match in a snippet.
    pub highlight: HashMap<&'static str, HashSet<String>>,
    /// The unstemmed terms that misspelt and prefix words stood for in the index searched; they
    /// count as matches in snippets too.
    pub expanded: Expansions,
    /// Words typed side by side, whose closeness in an article counts in its rank.
    pub near: Vec<NearPair>,
}

/// Builds the tantivy query for `text` under `filters`, for no index in particular: misspelt
/// and prefix words stand for nothing.
pub fn build(text: &str, fields: &Fields, filters: &Filters) -> Result<BuiltQuery> {
    build_in(text, fields, &fields.langs, filters, None)
}

/// Builds the tantivy query for `text` under `filters`, looking in the fields of `langs` only
/// (the languages an index holds: the others' fields are empty). Misspelt and prefix words are
/// first looked up in the term dictionaries `searcher` sees, so the query holds the indexed
/// terms they stand for.
pub fn build_in(
    text: &str,
    fields: &Fields,
    langs: &[LangFields],
    filters: &Filters,
    searcher: Option<&Searcher>,
) -> Result<BuiltQuery> {
    let depth = nesting(text);
    if depth > MAX_NESTING {
        return Err(Error::QueryTooCostly(format!(
            "groups nested {depth} deep (at most {MAX_NESTING})"
        )));
    }
    let tree = parse(text);
    if let Some((message, pos)) = first_invalid(&tree) {
        return Err(Error::BadQuery { message, pos });
    }
    let words = count_words(&tree);
    if words > MAX_WORDS {
        return Err(Error::BadQuery {
            message: format!("too many words ({words}; at most {MAX_WORDS})"),
            pos: 0,
        });
    }
    let cost = slop_cost(&tree);
    if cost > SLOP_BUDGET {
        return Err(Error::QueryTooCostly(format!(
            "sloppy phrases cost {cost} (words times slop; at most {SLOP_BUDGET})"
        )));
    }
    let mut builder = Builder::new(fields, langs, searcher);
    builder.typos = !filters.exact;
    // `--lang` filters outright; otherwise a query clearly in one language favours it.
    if let (None, Some(searcher)) = (&filters.lang, searcher) {
        builder.query_lang = builder.query_language(&tree, searcher)?;
    }
    let query = builder.node(&tree, false);
    let query = match (query, builder.query_lang) {
        (Some(query), Some(analyzer)) => Some(lang::favour(query, fields, analyzer)),
        (query, _) => query,
    };
    builder.expanded.all_replaced =
        builder.searched > 0 && builder.expanded.replaced.len() == builder.searched;
    if let Some(error) = builder.failed {
        return Err(error.into());
    }
    let Some(query) = query else {
        return Err(Error::BadQuery {
            message: "nothing to search for".into(),
            pos: 0,
        });
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
    if let Some(lang) = &filters.lang {
        let term = Term::from_field_text(fields.lang, &normalize_code(lang));
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        ));
    }
    if let Some(source) = &filters.source {
        let term = Term::from_field_text(fields.source_key, &source_key(source));
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        ));
    }
    if filters.since.is_some() || filters.until.is_some() {
        clauses.push((
            Occur::Must,
            published_range(fields, filters.since, filters.until),
        ));
    }
    let query: Box<dyn Query> = if clauses.len() == 1 {
        clauses
            .pop()
            .map(|(_, q)| q)
            .unwrap_or_else(|| Box::new(AllQuery))
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    Ok(BuiltQuery {
        query,
        highlight: builder.highlight,
        expanded: builder.expanded,
        near: builder.near,
    })
}

/// The earliest and latest Unix seconds a date term can hold (tantivy counts nanoseconds in an
/// `i64`); dates beyond are clamped to them.
const DATE_SECS: std::ops::RangeInclusive<i64> = -9_223_372_035..=9_223_372_035;

/// Articles published in `[from, to)` (Unix seconds; `None` is open). Both ends open
/// (`published:[* TO *]`) means articles with a date.
fn published_range(fields: &Fields, from: Option<i64>, to: Option<i64>) -> Box<dyn Query> {
    let from = match (from, to) {
        (None, None) => Some(*DATE_SECS.start()),
        _ => from,
    };
    let bound = |t: Option<i64>, inclusive: bool| match t {
        None => Bound::Unbounded,
        Some(secs) => {
            let secs = secs.clamp(*DATE_SECS.start(), *DATE_SECS.end());
            let term = Term::from_field_date_for_search(
                fields.published,
                DateTime::from_timestamp_secs(secs),
            );
            if inclusive {
                Bound::Included(term)
            } else {
                Bound::Excluded(term)
            }
        }
    };
    Box::new(RangeQuery::new(bound(from, true), bound(to, false)))
}

fn count_words(node: &Node) -> usize {
    match node {
        Node::Word { .. } | Node::Prefix { .. } => 1,
        Node::Phrase { text, .. } => text.split_whitespace().count().max(1),
        Node::Any(v) | Node::All(v) => v.iter().map(count_words).sum(),
        Node::Must(n) | Node::Not(n) => count_words(n),
        Node::Published { .. } | Node::Invalid { .. } => 0,
    }
}

/// What the sloppy phrases of a query cost together: words times slop, summed.
fn slop_cost(node: &Node) -> u64 {
    match node {
        Node::Phrase { text, slop, .. } if *slop > 0 => {
            let words = text.split(|c: char| !c.is_alphanumeric());
            words.filter(|w| !w.is_empty()).count() as u64 * u64::from(*slop)
        }
        Node::Any(v) | Node::All(v) => v.iter().map(slop_cost).sum(),
        Node::Must(n) | Node::Not(n) => slop_cost(n),
        _ => 0,
    }
}

/// How deep the query's parentheses nest, outside quotes.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest, mut quoted) = (0usize, 0, false);
    for c in text.chars() {
        match c {
            '"' | '\u{201c}' | '\u{201d}' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn first_invalid(node: &Node) -> Option<(String, usize)> {
    match node {
        Node::Invalid { message, pos } => Some((message.clone(), *pos)),
        Node::Any(v) | Node::All(v) => v.iter().find_map(first_invalid),
        Node::Must(n) | Node::Not(n) => first_invalid(n),
        _ => None,
    }
}

/// Which metadata filter a clause is (`source:`, `lang:`, `tags:`, `published:`), if any:
/// among words these narrow the results rather than add to them, as in a mail search.
fn filter_kind(node: &Node) -> Option<u8> {
    match node {
        Node::Word {
            field: Some(FieldSel::Source),
            ..
        } => Some(0),
        Node::Word {
            field: Some(FieldSel::Lang),
            ..
        } => Some(1),
        Node::Word {
            field: Some(FieldSel::Tags),
            ..
        } => Some(2),
        Node::Published { .. } => Some(3),
        _ => None,
    }
}

struct Builder<'a> {
    fields: &'a Fields,
    /// The languages whose fields words are looked for in.
    langs: &'a [LangFields],
    analyzers: HashMap<&'static str, tantivy::tokenizer::TextAnalyzer>,
    highlight: HashMap<&'static str, HashSet<String>>,
    /// Whether longer words also match their misspellings.
    typos: bool,
    /// Looks misspelt and prefix words up in the index.
    expander: Expander<'a>,
    /// What the words that count as matches stood for.
    expanded: Expansions,
    /// The first error met looking words up.
    failed: Option<tantivy::TantivyError>,
    /// Words (and phrases) the query looks for, outside `NOT`.
    searched: usize,
    /// The analyzer of the language the query is clearly written in, if it is: the other
    /// languages' articles' scores are weighted by [`lang::OTHER_LANG_WEIGHT`].
    query_lang: Option<&'static str>,
    /// The index searched, if any: where names' split and joined forms are looked up.
    searcher: Option<&'a Searcher>,
    /// Words typed side by side (see [`near`]).
    near: Vec<NearPair>,
}

impl<'a> Builder<'a> {
    fn new(fields: &'a Fields, langs: &'a [LangFields], searcher: Option<&'a Searcher>) -> Self {
        Builder {
            fields,
            langs,
            analyzers: HashMap::new(),
            highlight: HashMap::new(),
            typos: true,
            expander: Expander::new(searcher, fields.text_exact),
            expanded: Expansions::default(),
            failed: None,
            searched: 0,
            query_lang: None,
            searcher,
            near: Vec::new(),
        }
    }
}

impl Builder<'_> {
    /// The query for `word` expanded as `how`, recorded among the expansions unless `negated`.
    fn expand(&mut self, word: &str, how: Expansion, negated: bool) -> Box<dyn Query> {
        let resolved = match self.expander.resolve(word, how) {
            Ok(resolved) => resolved,
            Err(error) => {
                self.failed.get_or_insert(error);
                expand::Resolved {
                    terms: Vec::new(),
                    weight: 1.0,
                    as_typed: true,
                }
            }
        };
        if !negated {
            self.expanded.record(word, how, &resolved);
        }
        self.expander.query(&resolved)
    }

    fn analyse(&mut self, analyzer: &'static str, text: &str) -> Vec<String> {
        let a = self
            .analyzers
            .entry(analyzer)
            .or_insert_with(|| analysis::analyzer(analyzer));
        tokens(a, text).into_iter().map(|t| t.text).collect()
    }

    /// The query for a node; `negated` tells whether its matches are being excluded (and so
    /// should not be highlighted).
    fn node(&mut self, node: &Node, negated: bool) -> Option<Box<dyn Query>> {
        match node {
            Node::Word { text, field } => self.words(text, *field, 0, false, negated),
            Node::Prefix { text, field } => self.prefix(text, *field, negated),
            Node::Phrase { text, slop, field } => self.words(text, *field, *slop, true, negated),
            Node::Must(inner) => self.node(inner, negated),
            Node::Not(inner) => self.node(inner, !negated),
            Node::Published { from, to } => Some(published_range(self.fields, *from, *to)),
            Node::Invalid { .. } => None,
            Node::Any(children) | Node::All(children) => {
                let default = if matches!(node, Node::All(_)) {
                    Occur::Must
                } else {
                    Occur::Should
                };
                let mut clauses = Vec::new();
                // Filters beside words must hold (values of one filter are alternatives).
                let has_words = children.iter().any(|c| filter_kind(c).is_none());
                let mut filters: BTreeMap<u8, Vec<Box<dyn Query>>> = BTreeMap::new();
                for child in children {
                    if let (true, Some(kind)) = (has_words, filter_kind(child)) {
                        if let Some(q) = self.node(child, negated) {
                            filters.entry(kind).or_default().push(q);
                        }
                        continue;
                    }
                    let (occur, inner, inner_negated) = match child {
                        Node::Must(inner) => (Occur::Must, &**inner, negated),
                        Node::Not(inner) => (Occur::MustNot, &**inner, !negated),
                        other => (default, other, negated),
                    };
                    if let Some(q) = self.node(inner, inner_negated) {
                        clauses.push((occur, q));
                    }
                }
                // Two words side by side may be one name the articles write joined (what
                // analysis drops between them, as the `-` of `GO - JEK`, does not part them).
                if !negated {
                    let words: Vec<&Node> =
                        children.iter().filter(|c| !self.is_empty_word(c)).collect();
                    for pair in words.windows(2) {
                        if let Some(q) = self.joined_words(pair[0], pair[1]) {
                            clauses.push((Occur::Should, q));
                        }
                        self.near_pair(pair[0], pair[1]);
                    }
                }
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) && !clauses.is_empty() {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                let words: Option<Box<dyn Query>> = match clauses.len() {
                    0 => None,
                    1 if clauses[0].0 != Occur::MustNot => clauses.pop().map(|(_, q)| q),
                    _ => Some(Box::new(BooleanQuery::new(clauses))),
                };
                if filters.is_empty() {
                    return words;
                }
                // Words (when they still say something) and every filter must match.
                let mut all: Vec<(Occur, Box<dyn Query>)> =
                    words.into_iter().map(|q| (Occur::Must, q)).collect();
                for (_, mut alternatives) in filters {
                    let q = match alternatives.len() {
                        1 => alternatives.remove(0),
                        _ => Box::new(BooleanQuery::union(alternatives)) as Box<dyn Query>,
                    };
                    all.push((Occur::Must, q));
                }
                Some(Box::new(BooleanQuery::new(all)))
            }
        }
    }
}
