//! Text analysis per language: Unicode-aware words, lower case, ASCII folding, and a Snowball
//! stemmer (English, or Indonesian from `frostem`, which tantivy's own `Language` lacks), behind
//! a word → stem cache (`super::stems`).

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenStream, TokenizerManager,
};

use super::stems::{CachedStemmer, Stems};
use super::word_keys::{Keys, Stemming};
use crate::article::{ENGLISH, INDONESIAN};

/// Analyzer for English text (stemmed).
pub const EN: &str = "warta_en";
/// Analyzer for Indonesian text (stemmed).
pub const ID: &str = "warta_id";
/// Analyzer without stemming: other languages, and the exact-match fields.
pub const PLAIN: &str = "warta_plain";

/// Words longer than this (in bytes) are not indexed: they are hashes, URLs or junk.
const MAX_WORD_BYTES: usize = 60;
/// Entries kept in one stem cache (one thread, one language) before it is emptied and refilled:
/// a few MB, and most of a language's running text even in the large synthetic corpora.
pub(super) const STEM_CACHE_ENTRIES: usize = 100_000;

/// Registers warta's analyzers with an index's tokenizer manager, and the tokenizers of the
/// indexed fields, which read text analysed before (`super::tokens`).
pub fn register(manager: &TokenizerManager) {
    for name in [EN, ID, PLAIN] {
        manager.register(name, analyzer(name));
    }
    super::tokens::register(manager);
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

/// Other stems an Indonesian word may have, beside the Snowball stem `stem` of `word` (lower
/// case, folded).
///
/// Indonesian prefixes can swallow the first consonant of the root (meN- + tulis = menulis,
/// peN- + kirim = pengiriman, pe- + rekrut = perekrut), and the Snowball stemmer, having no
/// dictionary, always reads such a word as a prefix before a vowel-initial root: perekrutan →
/// ekrut while merekrut → rekrut, pengiriman → irim while dikirim → kirim, penutupan → utup while
/// tutup → tutup. Neither reading can be chosen without a dictionary, so a query looks for both:
/// a vowel-initial stem after `per-`/`pe-`, `meng-`/`peng-` or `men-`/`pen-` also gets the root
/// with r, k or t restored, and a stem that is r, k or t before a vowel also gets the form
/// without that consonant. A reading that is no word matches nothing.
pub fn indonesian_alternatives(word: &str, stem: &str) -> Vec<String> {
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let mut chars = stem.chars();
    let (Some(first), second) = (chars.next(), chars.next()) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    if is_vowel(first) {
        const SWALLOWED: [(&str, char); 6] = [
            ("per", 'r'),
            ("pe", 'r'),
            ("meng", 'k'),
            ("peng", 'k'),
            ("men", 't'),
            ("pen", 't'),
        ];
        for (prefix, consonant) in SWALLOWED {
            let after_prefix = word.strip_prefix(prefix);
            if after_prefix.is_some_and(|rest| rest.starts_with(first)) {
                let restored = format!("{consonant}{stem}");
                if !out.contains(&restored) {
                    out.push(restored);
                }
            }
        }
    } else if matches!(first, 'r' | 'k' | 't') && second.is_some_and(is_vowel) {
        out.push(stem[1..].to_string());
    }
    out
}

/// Finds the words of a text whose stem under one analyzer is among given stems: the tokens
/// that analyzer gives that are in the set, with their offsets, for highlighting. Only the
/// words that can have one of the stems are stemmed, which makes a page of snippets a
/// tokenizer pass and a few stems rather than a stem per word (stemming every word was a large
/// share of a `warta search` process). The Snowball stemmers only cut and rewrite word endings, so an
/// English word keeps its first letter; the Indonesian one also cuts prefixes, putting back
/// at most one letter (`menyapu` → `sapu`), so its stem past the first letter is a part of
/// the word. A word that cannot have any of the stems is left alone.
///
/// Only the words a search for the stems' keys finds are analysed at all (see
/// [`word_keys`](super::word_keys)): on a long text that is a byte search rather than a
/// tokenizer pass.
pub struct StemMatcher {
    /// The analyzer's chain before its stemmer.
    plain: TextAnalyzer,
    /// The stemmer (with this thread's stem cache, as the analyzers have it), and whether it
    /// cuts prefixes too; none for [`PLAIN`].
    stemmer: Option<(Stems, bool)>,
    /// The last stem that differed from its word.
    stem: String,
    /// The keys of the stems last asked for (a search asks for the same ones for every hit).
    keys: Option<Keys>,
}

impl StemMatcher {
    /// A matcher for the analyzer called `name` (one of [`EN`], [`ID`], [`PLAIN`]).
    pub fn new(name: &str) -> Self {
        let stemmer = Stems::for_analyzer(name).map(|stems| (stems, name == ID));
        StemMatcher {
            plain: analyzer(PLAIN),
            stemmer,
            stem: String::new(),
            keys: None,
        }
    }

    /// `(start, end, stem)` of each word of `text` whose stem is in `stems`, byte offsets.
    pub fn matches(
        &mut self,
        text: &str,
        stems: &std::collections::HashSet<String>,
    ) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        if stems.is_empty() {
            return out;
        }
        if !self.keys.as_ref().is_some_and(|k| k.are_for(stems)) {
            let stemming = match &self.stemmer {
                None => Stemming::None,
                Some((_, false)) => Stemming::English,
                Some((_, true)) => Stemming::Indonesian,
            };
            self.keys = Some(Keys::new(stems, stemming));
        }
        let passages = self.keys.as_ref().map(|k| k.passages(text));
        for passage in passages.into_iter().flatten() {
            self.matches_in(text, passage, stems, &mut out);
        }
        out
    }

    /// [`StemMatcher::matches`] without the key search: every word of `text` analysed (what
    /// the key search must agree with).
    #[cfg(test)]
    fn matches_of_every_word(
        &mut self,
        text: &str,
        stems: &std::collections::HashSet<String>,
    ) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        self.matches_in(text, 0..text.len(), stems, &mut out);
        out
    }

    /// Appends the matches among the words of `text[passage]`, which begins and ends at word
    /// boundaries, with their offsets in `text`.
    fn matches_in(
        &mut self,
        text: &str,
        passage: std::ops::Range<usize>,
        stems: &std::collections::HashSet<String>,
        out: &mut Vec<(usize, usize, String)>,
    ) {
        let shift = passage.start;
        let mut stream = self.plain.token_stream(&text[passage]);
        while stream.advance() {
            let token = stream.token();
            let word = token.text.as_str();
            let stem = match &self.stemmer {
                None => word,
                Some((stemmer, prefixes)) => {
                    if !stems.iter().any(|s| may_stem_to(word, s, *prefixes)) {
                        continue;
                    }
                    if stemmer.stem_into(word, &mut self.stem) {
                        self.stem.as_str()
                    } else {
                        word
                    }
                }
            };
            if stems.contains(stem) {
                out.push((
                    shift + token.offset_from,
                    shift + token.offset_to,
                    stem.to_string(),
                ));
            }
        }
    }
}

/// Whether a Snowball stemmer can turn `word` into `stem`: English keeps the first letter;
/// Indonesian (which cuts `prefixes`) keeps all of the stem but its first letter in the word.
fn may_stem_to(word: &str, stem: &str, prefixes: bool) -> bool {
    let mut rest = stem.chars();
    let Some(first) = rest.next() else {
        return true;
    };
    if prefixes {
        word.contains(rest.as_str())
    } else {
        word.starts_with(first)
    }
}

/// Stems one lower-case word.
pub(super) fn stem_word(stemmer: &frostem::Stemmer, word: &str) -> String {
    stemmer.stem(word).into_owned()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::word_keys;
    use super::*;

    fn terms(name: &str, text: &str) -> Vec<String> {
        tokens(&mut analyzer(name), text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    /// The words of the project's corpus and, when present, of the shared real corpora.
    fn corpus_words() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("corpus")];
        for sub in ["bbc-tech", "bbc-other", "id-tech"] {
            dirs.push(root.join("../shared/corpora").join(sub));
        }
        let mut words = std::collections::BTreeSet::new();
        let mut plain = analyzer(PLAIN);
        for dir in dirs {
            for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
                let Ok(bytes) = std::fs::read(entry.path()) else {
                    continue;
                };
                let text = String::from_utf8_lossy(&bytes);
                words.extend(tokens(&mut plain, &text).into_iter().map(|t| t.text));
            }
        }
        words.into_iter().collect()
    }

    #[test]
    fn stem_matcher_finds_what_the_analyzers_find() {
        let words = corpus_words();
        assert!(words.len() > 1000, "{} words", words.len());
        for (name, prefixes) in [(EN, false), (ID, true)] {
            let mut full = analyzer(name);
            let stemming = if prefixes {
                Stemming::Indonesian
            } else {
                Stemming::English
            };
            for word in &words {
                let stem = terms_of(&mut full, word);
                let [stem] = stem.as_slice() else { continue };
                assert!(may_stem_to(word, stem, prefixes), "{name}: {word} → {stem}");
                if let Some(key) = word_keys::key(stem, stemming) {
                    assert!(word.contains(key), "{name}: {word} → {stem}, key {key}");
                }
            }
            let text = words.join(" ");
            let stems: std::collections::HashSet<String> =
                ["invest", "teknologi", "data", "sapu", "kirim", "mobil"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
            let expected: Vec<(usize, usize, String)> = tokens(&mut full, &text)
                .into_iter()
                .filter(|t| stems.contains(&t.text))
                .map(|t| (t.offset_from, t.offset_to, t.text))
                .collect();
            assert_eq!(StemMatcher::new(name).matches(&text, &stems), expected);
        }
    }

    /// English words made of the corpus's word beginnings and the endings the stemmer
    /// rewrites: each holds the key of its stem.
    #[test]
    fn every_english_word_holds_its_stems_key() {
        let endings = [
            "", "s", "es", "ies", "ied", "ed", "ing", "ingly", "edly", "eed", "eedly", "ly", "y",
            "ity", "ility", "ibility", "ability", "ably", "ibly", "ation", "ational", "tional",
            "ization", "izer", "ator", "ness", "fulness", "iveness", "ousness", "ousli", "ful",
            "fully", "alism", "ality", "ally", "ency", "ancy", "ogy", "ically", "ical", "icate",
            "icity", "ative", "alize", "ement", "ment", "ism", "ous", "ive", "ize", "er", "est",
            "le", "ly", "lessly", "ently", "iviti", "ee", "ie", "ying",
        ];
        let mut roots: Vec<String> = corpus_words()
            .into_iter()
            .filter(|w| w.is_ascii() && (2..9).contains(&w.len()))
            .step_by(7)
            .collect();
        roots.extend(
            ["d", "l", "t", "sk", "ug", "on", "ear", "gent", "sing", "id"].map(String::from),
        );
        let mut full = analyzer(EN);
        let mut checked = 0;
        for root in &roots {
            for cut in [0, 1, 2] {
                let root = &root[..root.len().saturating_sub(cut).max(1)];
                for ending in endings {
                    let word = format!("{root}{ending}");
                    let stem = terms_of(&mut full, &word);
                    let [stem] = stem.as_slice() else { continue };
                    let key = word_keys::key(stem, Stemming::English).unwrap_or_default();
                    assert!(word.starts_with(key), "{word} → {stem}, key {key}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    /// The matches found through the keys are those of analysing every word, over the corpus's
    /// articles, for stems of their own words, one, two and three at a time.
    #[test]
    fn the_key_search_finds_every_match() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts: Vec<String> = walkdir::WalkDir::new(root.join("corpus"))
            .into_iter()
            .flatten()
            .filter_map(|e| std::fs::read(e.path()).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect();
        texts
            .push("Café déjà-vu: the CAFÉ's crème brûlée — naïve résumé, ÉTÉ 2024; Ünïcödé".into());
        assert!(texts.len() > 10, "{}", texts.len());
        let mut compared = 0;
        for name in [EN, ID, PLAIN] {
            let mut full = analyzer(name);
            let mut matcher = StemMatcher::new(name);
            for text in &texts {
                let stems = terms_of(&mut full, text);
                for (n, size) in [1, 2, 3].into_iter().cycle().take(12).enumerate() {
                    let at = (n * 37) % stems.len().max(1);
                    let set: std::collections::HashSet<String> = stems
                        .iter()
                        .skip(at)
                        .step_by(5)
                        .take(size)
                        .cloned()
                        .collect();
                    let expected = matcher.matches_of_every_word(text, &set);
                    assert_eq!(matcher.matches(text, &set), expected, "{name}: {set:?}");
                    compared += expected.len();
                }
            }
        }
        assert!(compared > 1000, "{compared}");
    }

    fn terms_of(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        tokens(analyzer, text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn the_cached_stems_are_the_stemmers_own() {
        let words = corpus_words();
        for (name, algorithm) in [
            (EN, frostem::Algorithm::English),
            (ID, frostem::Algorithm::Indonesian),
        ] {
            let stems = super::super::stems::Stems::for_analyzer(name).unwrap();
            let stemmer = frostem::Stemmer::new(algorithm);
            let mut stem = String::new();
            // Twice: the second time from the front table and the whole cache.
            for word in words.iter().chain(&words) {
                let expected = stem_word(&stemmer, word);
                let got = if stems.stem_into(word, &mut stem) {
                    stem.clone()
                } else {
                    word.clone()
                };
                assert_eq!(got, expected, "{name}: {word}");
            }
        }
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

    /// Reduplicated words reduce to their base (the tokenizer splits them at the hyphen and
    /// each half is stemmed), and Snowball strips the clitics and particles: the Indonesian
    /// forms of issue 18 need no rule of their own (`eval/README.md`, row 19).
    #[test]
    fn indonesian_reduplications_and_clitics_reduce_to_the_base() {
        assert_eq!(
            terms(ID, "anak-anak bermain-main perusahaan-perusahaan"),
            ["anak", "anak", "main", "main", "usaha", "usaha"]
        );
        assert_eq!(
            terms(
                ID,
                "kebijakannya pemerintahlah siapapun apakah startuplah bukumu"
            ),
            ["bijak", "perintah", "siapa", "apa", "startup", "buku"]
        );
    }

    #[test]
    fn indonesian_prefixes_are_read_both_ways() {
        let alternatives = |word: &str| {
            let stem = &terms(ID, word)[0];
            indonesian_alternatives(word, stem)
        };
        // The stemmer's own reading of these misses the root; the alternative finds it.
        assert_eq!(terms(ID, "perekrutan merekrut"), ["ekrut", "rekrut"]);
        assert_eq!(alternatives("perekrutan"), ["rekrut"]);
        assert_eq!(alternatives("pengiriman"), ["kirim"]);
        assert_eq!(alternatives("penutupan"), ["tutup"]);
        // And the other way: the root also finds the stemmer's reading of the prefixed forms.
        assert_eq!(alternatives("rekrut"), ["ekrut"]);
        assert_eq!(alternatives("kirim"), ["irim"]);
        // Nothing to add where no consonant can have been swallowed.
        assert!(alternatives("investasi").is_empty());
        assert!(alternatives("pemblokiran").is_empty());
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
