//! Text analysis per language: Unicode-aware words, lower case, ASCII folding, and a Snowball
//! stemmer (English, or Indonesian from `frostem`, which tantivy's own `Language` lacks).
//!
//! The stemmer is wrapped with a word → stem cache: word frequencies follow Zipf's law, so a
//! small cache answers most lookups, and stemming otherwise costs six times the tokenizing
//! (PERFORMANCE.md). Each analyzer clone (one per indexing thread) has its own cache.

use std::collections::HashMap;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

use crate::article::{ENGLISH, INDONESIAN};

/// Analyzer for English text (stemmed).
pub const EN: &str = "warta_en";
/// Analyzer for Indonesian text (stemmed).
pub const ID: &str = "warta_id";
/// Analyzer without stemming: other languages, and the exact-match fields.
pub const PLAIN: &str = "warta_plain";

/// Words longer than this (in bytes) are not indexed: they are hashes, URLs or junk.
const MAX_WORD_BYTES: usize = 60;
/// Entries kept in one stem cache before it is emptied and refilled.
const STEM_CACHE_ENTRIES: usize = 200_000;

/// Registers warta's analyzers with an index's tokenizer manager.
pub fn register(manager: &TokenizerManager) {
    for name in [EN, ID, PLAIN] {
        manager.register(name, analyzer(name));
    }
}

/// The analyzer called `name` (one of [`EN`], [`ID`], [`PLAIN`]).
pub fn analyzer(name: &str) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter);
    match name {
        EN => base
            .filter(CachedStemmer::new(frostem::Algorithm::English))
            .build(),
        ID => base
            .filter(CachedStemmer::new(frostem::Algorithm::Indonesian))
            .build(),
        _ => base.build(),
    }
}

/// The analyzer name for an article language code.
pub fn analyzer_for_lang(lang: &str) -> &'static str {
    match lang {
        ENGLISH => EN,
        INDONESIAN => ID,
        _ => PLAIN,
    }
}

/// Runs `text` through an analyzer and returns its tokens (terms with byte offsets).
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// A Snowball stemmer token filter with a word → stem cache.
#[derive(Clone)]
pub struct CachedStemmer {
    stemmer: frostem::Stemmer,
}

impl CachedStemmer {
    /// A stemmer filter for a Snowball algorithm.
    pub fn new(algorithm: frostem::Algorithm) -> Self {
        CachedStemmer {
            stemmer: frostem::Stemmer::new(algorithm),
        }
    }
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            stemmer: self.stemmer,
            cache: HashMap::new(),
            inner,
        }
    }
}

/// The tokenizer a [`CachedStemmer`] wraps around its inner tokenizer.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    stemmer: frostem::Stemmer,
    cache: HashMap<String, String>,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.cache.len() > STEM_CACHE_ENTRIES {
            self.cache.clear();
        }
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: self.stemmer,
            cache: &mut self.cache,
        }
    }
}

/// Token stream of a [`CachedStemmerFilter`].
pub struct CachedStemmerStream<'a, S> {
    tail: S,
    stemmer: frostem::Stemmer,
    cache: &'a mut HashMap<String, String>,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.cache.get(&token.text) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = stem_word(&self.stemmer, &token.text);
        self.cache
            .insert(std::mem::replace(&mut token.text, stem.clone()), stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Stems one lower-case word.
fn stem_word(stemmer: &frostem::Stemmer, word: &str) -> String {
    stemmer.stem(word).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(name: &str, text: &str) -> Vec<String> {
        tokens(&mut analyzer(name), text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn english_stems() {
        assert_eq!(
            terms(EN, "Investing investment Invests"),
            ["invest", "invest", "invest"]
        );
    }

    #[test]
    fn indonesian_stems() {
        assert_eq!(
            terms(ID, "menginvestasikan investasi"),
            ["investasi", "investasi"]
        );
        assert_eq!(
            terms(ID, "Kemitraan mitra bergabung"),
            ["mitra", "mitra", "gabung"]
        );
    }

    #[test]
    fn plain_folds_but_keeps_words() {
        assert_eq!(
            terms(PLAIN, "Café Déjà-Vu investasi"),
            ["cafe", "deja", "vu", "investasi"]
        );
    }

    #[test]
    fn the_cache_gives_the_same_stems_twice() {
        let mut a = analyzer(EN);
        let first: Vec<_> = tokens(&mut a, "running runs")
            .into_iter()
            .map(|t| t.text)
            .collect();
        let again: Vec<_> = tokens(&mut a, "running runs")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(first, again);
        assert_eq!(first, ["run", "run"]);
    }
}
