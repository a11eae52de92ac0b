//! The stemmers behind warta's analyzers, each with a word → stem cache: word frequencies follow
//! Zipf's law, so a small cache answers most lookups, and stemming otherwise costs several
//! times the tokenizing (benches/RESULTS.md). The cache is one per thread and language, not
//! one per analyzer: tantivy clones an analyzer for every field of every segment it writes, so
//! per-clone caches were refilled from empty with each segment and held four times over per
//! indexing thread. A front table of short words before it answers the commonest words from
//! the CPU's own cache.

use std::cell::RefCell;
use std::hash::BuildHasher;

// FxHash: the stem cache hashes short words on every token; no untrusted-key concern.
use rustc_hash::{FxBuildHasher, FxHashMap as HashMap};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::analysis::{stem_word, EN, ID, STEM_CACHE_ENTRIES};

/// A Snowball stemmer with this thread's word → stem cache for its language.
#[derive(Clone, Copy)]
pub struct Stems {
    stemmer: frostem::Stemmer,
    /// Which of [`STEM_CACHES`] is this language's.
    cache: usize,
}

impl Stems {
    /// The stemmer of an analyzer (one of [`EN`], [`ID`], [`PLAIN`]); none for [`PLAIN`].
    pub fn for_analyzer(name: &str) -> Option<Stems> {
        match name {
            EN => Some(Stems::new(frostem::Algorithm::English)),
            ID => Some(Stems::new(frostem::Algorithm::Indonesian)),
            _ => None,
        }
    }

    fn new(algorithm: frostem::Algorithm) -> Stems {
        let cache = match algorithm {
            frostem::Algorithm::Indonesian => 1,
            _ => 0,
        };
        Stems {
            stemmer: frostem::Stemmer::new(algorithm),
            cache,
        }
    }

    /// Writes the stem of `word` (lower case, folded) into `stem` and returns true, or returns
    /// false where the stem is the word itself. Stems from the cache, stemming on a miss.
    pub fn stem_into(&self, word: &str, stem: &mut String) -> bool {
        STEM_CACHES.with_borrow_mut(|caches| {
            let LangCache { front, all } = &mut caches[self.cache];
            if front.is_empty() && all.len() >= FRONT_AFTER {
                *front = vec![Slot::default(); FRONT_SLOTS];
            }
            let mut slot = (!front.is_empty())
                .then(|| &mut front[FxBuildHasher.hash_one(word) as usize % FRONT_SLOTS]);
            if let Some(known) = slot.as_ref().and_then(|slot| slot.get(word)) {
                return match known {
                    Some(known) => {
                        stem.clear();
                        stem.push_str(known);
                        true
                    }
                    None => false,
                };
            }
            let known = match all.get(word) {
                Some(known) => known.as_deref(),
                None => {
                    if all.len() >= STEM_CACHE_ENTRIES {
                        all.clear();
                    }
                    let stemmed = stem_word(&self.stemmer, word);
                    let known = (stemmed != word).then(|| stemmed.into_boxed_str());
                    all.entry(word.into())
                        .insert_entry(known)
                        .into_mut()
                        .as_deref()
                }
            };
            if let Some(slot) = slot.as_mut() {
                slot.set(word, known);
            }
            match known {
                Some(known) => {
                    stem.clear();
                    stem.push_str(known);
                    true
                }
                None => false,
            }
        })
    }
}

/// Bytes of a word, and of its stem, that a [`Slot`] of the front table holds.
const FRONT_BYTES: usize = 15;
/// Slots of the front table of a stem cache: the words of running text that come most often
/// are found there without leaving the CPU's own cache, where the whole cache's entries are
/// scattered over megabytes (its lookups were most of the stemming's cost).
const FRONT_SLOTS: usize = 4096;
/// Distinct words a thread stems before its front table is made: the table pays for itself over
/// running text, and a search stems only its query's few words.
const FRONT_AFTER: usize = 1024;
/// [`Slot::stem_len`] of a word that is its own stem.
const SAME: u8 = u8::MAX;

/// One slot of the front table: a short word and its stem, in place (32 bytes).
#[derive(Clone, Copy, Default)]
struct Slot {
    /// 0 for an empty slot.
    word_len: u8,
    stem_len: u8,
    word: [u8; FRONT_BYTES],
    stem: [u8; FRONT_BYTES],
}

impl Slot {
    /// `Some(stem)` where the slot holds `word` (`Some(None)`: the word is its own stem).
    fn get(&self, word: &str) -> Option<Option<&str>> {
        let len = usize::from(self.word_len);
        if len == 0 || len != word.len() || self.word[..len] != *word.as_bytes() {
            return None;
        }
        if self.stem_len == SAME {
            return Some(None);
        }
        let stem = &self.stem[..usize::from(self.stem_len)];
        // Written from a `str` below.
        Some(std::str::from_utf8(stem).ok())
    }

    /// Holds `word` and its stem from now on, where both fit.
    fn set(&mut self, word: &str, stem: Option<&str>) {
        let fits = |s: &str| !s.is_empty() && s.len() <= FRONT_BYTES;
        if !fits(word) || stem.is_some_and(|s| s.len() > FRONT_BYTES) {
            return;
        }
        self.word_len = word.len() as u8;
        self.word[..word.len()].copy_from_slice(word.as_bytes());
        match stem {
            Some(stem) => {
                self.stem_len = stem.len() as u8;
                self.stem[..stem.len()].copy_from_slice(stem.as_bytes());
            }
            None => self.stem_len = SAME,
        }
    }
}

/// One thread's stem cache of one language: the front table, and every word seen.
#[derive(Default)]
struct LangCache {
    front: Vec<Slot>,
    all: StemCache,
}

/// A Snowball stemmer token filter with a word → stem cache.
#[derive(Clone)]
pub struct CachedStemmer {
    stems: Stems,
}

impl CachedStemmer {
    /// A stemmer filter for a Snowball algorithm.
    pub fn new(algorithm: frostem::Algorithm) -> Self {
        CachedStemmer {
            stems: Stems::new(algorithm),
        }
    }
}

/// A word's stem, or `None` where the stem is the word itself (no second copy to keep).
type StemCache = HashMap<Box<str>, Option<Box<str>>>;

thread_local! {
    /// Per thread, the stem cache of each stemmed language (English, Indonesian).
    static STEM_CACHES: RefCell<[LangCache; 2]> = RefCell::default();
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            stems: self.stems,
            inner,
        }
    }
}

/// The tokenizer a [`CachedStemmer`] wraps around its inner tokenizer.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    stems: Stems,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: self.stems,
            stem: String::new(),
        }
    }
}

/// Token stream of a [`CachedStemmerFilter`].
pub struct CachedStemmerStream<S> {
    tail: S,
    stems: Stems,
    /// The last stem that differed from its word.
    stem: String,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if self.stems.stem_into(&token.text, &mut self.stem) {
            std::mem::swap(&mut token.text, &mut self.stem);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}
