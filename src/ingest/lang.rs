//! Language detection from an article's text.
//!
//! whatlang recognises some 70 languages from trigrams; for the two languages warta analyses
//! with stemmers it is told to decide between English and Indonesian when its first answer is
//! unsure, and Javanese (which whatlang sometimes reports for Indonesian news) counts as Indonesian.

use whatlang::{Detector, Lang};

use crate::article::{ENGLISH, INDONESIAN, UNDETERMINED};
use crate::common::lang::{ENGLISH_WORDS, INDONESIAN_WORDS};

/// How much text is enough to tell a language; more only costs time.
const SAMPLE_CHARS: usize = 1000;

/// Fewer words than this are only ever called English or Indonesian.
const MIN_WORDS_FOR_OTHER: usize = 40;

/// Function words that other languages written in Latin script rarely use.
const ENGLISH_MARKERS: &[&str] = &[
    "the", "and", "of", "to", "with", "that", "was", "said", "for", "from", "will", "have", "has",
    "this", "which", "were", "their", "would",
];
const INDONESIAN_MARKERS: &[&str] = &[
    "yang", "dan", "dengan", "untuk", "dari", "ini", "itu", "tidak", "akan", "pada", "dalam",
    "juga", "adalah", "oleh", "telah", "sebagai", "bahwa", "kepada",
];
/// Distinct markers of one language, with at most one of the other, that settle it...
const CLEAR_MARKERS: usize = 6;
/// ...or this many, when the other has none (short Indonesian news has 4-5).
const CLEAR_MARKERS_ALONE: usize = 4;

fn clearly_en_or_id(text: &str) -> Option<&'static str> {
    let mut en = [false; ENGLISH_MARKERS.len()];
    let mut id = [false; INDONESIAN_MARKERS.len()];
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if let Some(n) = ENGLISH_MARKERS.iter().position(|m| *m == word) {
            en[n] = true;
        } else if let Some(n) = INDONESIAN_MARKERS.iter().position(|m| *m == word) {
            id[n] = true;
        }
    }
    let en = en.iter().filter(|&&b| b).count();
    let id = id.iter().filter(|&&b| b).count();
    if (en >= CLEAR_MARKERS && id <= 1) || (en >= CLEAR_MARKERS_ALONE && id == 0) {
        Some(ENGLISH)
    } else if (id >= CLEAR_MARKERS && en <= 1) || (id >= CLEAR_MARKERS_ALONE && en == 0) {
        Some(INDONESIAN)
    } else {
        None
    }
}

fn word_count(text: &str) -> usize {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3)
        .count()
}

/// The language code of an article from its title, lede and body.
pub fn detect(title: &str, lede: &str, body: &str) -> &'static str {
    let mut sample = String::with_capacity(SAMPLE_CHARS + 64);
    for part in [title, lede, body] {
        for ch in part.chars() {
            if sample.len() >= SAMPLE_CHARS {
                break;
            }
            sample.push(ch);
        }
        sample.push_str(". ");
    }
    detect_text(&sample)
}

/// The language code of a piece of text.
pub fn detect_text(text: &str) -> &'static str {
    if !text.chars().any(char::is_alphabetic) {
        return UNDETERMINED;
    }
    // Trigram statistics are of lower-case prose; newswire titles in capitals read as noise.
    let text = &text.to_lowercase();
    // Prose full of one language's function words and without the other's is that language:
    // this settles most articles before the trigram scoring, which costs more than the rest
    // of indexing an article.
    if let Some(lang) = clearly_en_or_id(text) {
        return lang;
    }
    if let Some(info) = whatlang::detect(text) {
        let ours = matches!(info.lang(), Lang::Eng | Lang::Ind | Lang::Jav);
        // Another language only on enough words: a table of figures ("Shr profit 10 cts vs
        // loss seven cts") is not French, however sure the trigrams are.
        if info.is_reliable() && (ours || word_count(text) >= MIN_WORDS_FOR_OTHER) {
            return code(info.lang());
        }
    }
    // Unsure (short text): most warta articles are English or Indonesian, so choose between
    // those two, first by their commonest words, which short headlines still have.
    let (en, id) = text
        .split(|c: char| !c.is_alphabetic())
        .fold((0, 0), |(en, id), w| {
            (
                en + usize::from(ENGLISH_WORDS.contains(&w)),
                id + usize::from(INDONESIAN_WORDS.contains(&w)),
            )
        });
    if en != id {
        return if en > id { ENGLISH } else { INDONESIAN };
    }
    let two = Detector::with_allowlist(vec![Lang::Eng, Lang::Ind]);
    two.detect_lang(text).map_or(UNDETERMINED, code)
}

fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Eng => ENGLISH,
        Lang::Ind | Lang::Jav => INDONESIAN,
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Nld => "nl",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Jpn => "ja",
        Lang::Kor => "ko",
        Lang::Ara => "ar",
        Lang::Tgl => "tl",
        Lang::Vie => "vi",
        Lang::Tha => "th",
        other => other.code(),
    }
}

pub use crate::common::lang::normalize_code;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_indonesian() {
        assert_eq!(
            detect_text("The company said on Tuesday that it would invest in new data centres."),
            "en"
        );
        assert_eq!(
            detect_text(
                "Perusahaan itu mengumumkan pendanaan baru untuk memperluas layanan di Indonesia."
            ),
            "id"
        );
    }

    #[test]
    fn short_headlines_by_their_function_words() {
        assert_eq!(
            detect_text("Bundesbank says it leaves credit policies unchanged"),
            "en"
        );
        assert_eq!(
            detect_text("CRA Ltd 1986 net profit 138.2 mln dlrs vs 87.8 mln"),
            "en"
        );
        assert_eq!(detect_text("Gojek dan Grab bersaing di pasar baru"), "id");
    }

    #[test]
    fn other_languages_are_not_taken_for_english_or_indonesian() {
        assert_eq!(
            detect_text(
                "Le gouvernement a annoncé mardi un nouveau plan pour les centres de données \
                 et les réseaux mobiles dans tout le pays, avec un budget de trois milliards \
                 d'euros sur cinq ans. Les opérateurs devront couvrir les zones rurales avant \
                 la fin de l'année prochaine, selon le ministre chargé du numérique, qui a \
                 également promis des aides pour les petites entreprises et les écoles."
            ),
            "fr"
        );
        assert_eq!(
            detect_text(
                "Die Regierung hat am Dienstag einen neuen Plan für Rechenzentren und \
                 Mobilfunknetze im ganzen Land angekündigt, mit einem Budget von drei Milliarden \
                 Euro über fünf Jahre. Die Betreiber sollen ländliche Gebiete bis zum Ende des \
                 nächsten Jahres abdecken, sagte der zuständige Minister, der außerdem Hilfen \
                 für kleine Unternehmen und Schulen versprochen hat."
            ),
            "de"
        );
    }

    #[test]
    fn no_letters_is_undetermined() {
        assert_eq!(detect_text("12345 !!!"), "und");
    }
}
