//! Where in a text the words with given stems can be, found without analysing it: each stem has
//! a key, a part of it that every ASCII word with that stem holds, and a byte search for the
//! keys (ASCII case ignored) finds the only ASCII words that can match. Words with non-ASCII
//! letters may fold to anything and are always looked at. The [`StemMatcher`] then analyses
//! only those words, so finding a hit's matches costs a search over its bytes rather than a
//! tokenizer pass over all of its words (which was most of the work on a long article).
//!
//! [`StemMatcher`]: super::analysis::StemMatcher

use std::collections::HashSet;
use std::ops::Range;

use aho_corasick::{AhoCorasick, Input};

/// How a stem comes from a word, as far as keys need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stemming {
    /// No stemmer: the term is the word (lower case, folded).
    None,
    /// Snowball English: cuts and rewrites endings only.
    English,
    /// Snowball Indonesian: also cuts prefixes, putting back at most the first letter.
    Indonesian,
}

/// Keys shorter than this match too many words to be worth searching for: the whole text is
/// analysed instead.
const MIN_KEY_BYTES: usize = 2;
/// Candidate words closer than this are analysed as one passage (one token stream, not two).
const JOIN_GAP_BYTES: usize = 64;

/// The part of `stem` that every ASCII word with that stem holds (ASCII lower case), or `None`
/// when no ASCII word can have it (a stemmer turns ASCII into ASCII).
///
/// English (Porter2, the Snowball English stemmer) keeps a prefix of the word and adds at most
/// two letters after it: `e` (`hoping` → `hope`, `ization` → `ize`, `ency` → `ence`), `i` (`y`
/// → `i`), `le` (`bility` → `ble`, whose `e` step 5 may then drop: `possibility` →
/// `possibl`), and `ie` or `y` for its exceptions (`dying` → `die`, `skies` → `sky`). So a
/// stem's key is the stem without its last two letters when it ends in `le` or `ie`, without
/// its last one when it ends in `e`, `i`, `l` or `y`, and the whole stem otherwise: a prefix
/// of every such word. Indonesian puts back at most the first letter of the root after a cut
/// prefix (`menyapu` → `sapu`): the stem past its first letter is a part of the word.
pub(super) fn key(stem: &str, stemming: Stemming) -> Option<&str> {
    if !stem.is_ascii() {
        return None;
    }
    let b = stem.as_bytes();
    let drop = match stemming {
        Stemming::None => 0,
        Stemming::Indonesian => 1.min(b.len()),
        Stemming::English => {
            if stem.ends_with("le") || stem.ends_with("ie") {
                2
            } else if matches!(b.last(), Some(b'e' | b'i' | b'l' | b'y')) {
                1
            } else {
                0
            }
        }
    };
    let drop = drop.min(b.len());
    Some(match stemming {
        Stemming::Indonesian => &stem[drop..],
        _ => &stem[..b.len() - drop],
    })
}

/// A search for the keys of one set of stems.
pub(super) struct Keys {
    /// The stems the keys are of.
    stems: HashSet<String>,
    /// `None` when some key is too short to narrow anything: the whole text is read.
    search: Option<AhoCorasick>,
}

impl Keys {
    /// The keys of `stems` under `stemming`.
    pub(super) fn new(stems: &HashSet<String>, stemming: Stemming) -> Keys {
        let keys: Vec<&str> = stems.iter().filter_map(|s| key(s, stemming)).collect();
        let search = if keys.iter().any(|k| k.len() < MIN_KEY_BYTES) {
            None
        } else {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&keys)
                .ok()
        };
        Keys {
            stems: stems.clone(),
            search,
        }
    }

    /// Whether these are the keys of `stems`.
    pub(super) fn are_for(&self, stems: &HashSet<String>) -> bool {
        self.stems == *stems
    }

    /// Byte ranges of `text`, in order and apart, outside which no word has one of the stems:
    /// each begins and ends at a word boundary (an ASCII byte that is not a letter or digit, or
    /// an end of the text), so the words inside are the text's own.
    pub(super) fn passages(&self, text: &str) -> Vec<Range<usize>> {
        let Some(search) = &self.search else {
            return std::iter::once(0..text.len()).collect();
        };
        let bytes = text.as_bytes();
        let mut found: Vec<Range<usize>> = Vec::new();
        // Each search starts after the word of the last key found, so that a long word full of
        // keys is widened once, not once per key.
        let mut at = 0;
        while let Some(m) = search.find(Input::new(text).span(at..text.len())) {
            let word = word_around(bytes, m.start(), m.end());
            at = word.end;
            found.push(word);
        }
        at = 0;
        while let Some(p) = next_non_ascii(bytes, at) {
            let word = word_around(bytes, p, p + 1);
            at = word.end;
            found.push(word);
        }
        found.sort_unstable_by_key(|r| r.start);
        let mut passages: Vec<Range<usize>> = Vec::with_capacity(found.len());
        for r in found {
            match passages.last_mut() {
                Some(last) if r.start <= last.end + JOIN_GAP_BYTES => {
                    last.end = last.end.max(r.end);
                }
                _ => passages.push(r),
            }
        }
        passages
    }
}

/// Whether `b` is a byte words are made of, or may be: an ASCII letter or digit, or any byte of
/// a non-ASCII character (which may be a letter).
fn in_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || !b.is_ascii()
}

/// The bytes `[from, to)` widened to the word (or run of words and non-ASCII characters) they
/// are in.
fn word_around(bytes: &[u8], from: usize, to: usize) -> Range<usize> {
    let start = bytes[..from]
        .iter()
        .rposition(|&b| !in_word(b))
        .map_or(0, |p| p + 1);
    let end = bytes[to..]
        .iter()
        .position(|&b| !in_word(b))
        .map_or(bytes.len(), |p| to + p);
    start..end
}

/// The first non-ASCII byte at or after `from`, checking a block at a time.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut at = from;
    while at < bytes.len() {
        let block = &bytes[at..(at + BLOCK).min(bytes.len())];
        if !block.is_ascii() {
            return block.iter().position(|b| !b.is_ascii()).map(|p| at + p);
        }
        at += block.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passages<'a>(text: &'a str, stems: &[&str], stemming: Stemming) -> Vec<&'a str> {
        let stems = stems.iter().map(|s| s.to_string()).collect();
        Keys::new(&stems, stemming)
            .passages(text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn english_keys_are_the_prefix_every_form_keeps() {
        let en = |s| key(s, Stemming::English);
        assert_eq!(en("invest"), Some("invest"));
        assert_eq!(en("hope"), Some("hop"));
        assert_eq!(en("happi"), Some("happ"));
        assert_eq!(en("possibl"), Some("possib"));
        assert_eq!(en("possible"), Some("possib"));
        assert_eq!(en("die"), Some("d"));
        assert_eq!(en("sky"), Some("sk"));
        assert_eq!(key("sapu", Stemming::Indonesian), Some("apu"));
        assert_eq!(key("cafe", Stemming::None), Some("cafe"));
        assert_eq!(key("café", Stemming::None), None);
    }

    #[test]
    fn passages_are_the_words_holding_a_key_and_the_non_ascii_ones() {
        let filler = "Nothing else is here at all, in any of these many words. ".repeat(3);
        let text = format!("Investors invested. {filler}Then a café, {filler}INVESTMENT!");
        let text = text.as_str();
        assert_eq!(
            passages(text, &["invest"], Stemming::English),
            ["Investors invested", "café", "INVESTMENT"]
        );
        // A key too short to narrow anything: the whole text.
        assert_eq!(passages(text, &["ai"], Stemming::English), [text]);
        assert!(passages("nothing to see", &["invest"], Stemming::English).is_empty());
    }

    #[test]
    fn a_long_word_full_of_keys_is_one_passage_found_in_one_pass() {
        // 4 MiB without a break: widened once per key found, it would take hours.
        let word = "zebrafoo".repeat(1 << 19);
        let text = format!("a {word}é {word} b");
        assert_eq!(
            passages(&text, &["zebrafoo"], Stemming::English),
            [format!("{word}é {word}")]
        );
    }
}
