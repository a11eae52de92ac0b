//! Language detection from an article's text.
//!
//! whatlang recognises some 70 languages from trigrams; for the two languages warta analyses
//! with stemmers it is told to decide between English and Indonesian when its first answer is
//! unsure, and Javanese (which whatlang sometimes reports for Indonesian news) counts as Indonesian.

use whatlang::{Detector, Lang};

use crate::article::{ENGLISH, INDONESIAN, UNDETERMINED};

/// How much text is enough to tell a language; more only costs time.
const SAMPLE_CHARS: usize = 3000;

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
    if let Some(info) = whatlang::detect(text) {
        if info.is_reliable() {
            return code(info.lang());
        }
    }
    // Unsure: most warta articles are English or Indonesian, so choose between those two.
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

/// A language name or code as users write it (`id`, `ind`, `Indonesian`, `en`, `English`),
/// as the code warta stores.
pub fn normalize_code(text: &str) -> String {
    let t = text.trim().to_ascii_lowercase();
    match t.as_str() {
        "en" | "eng" | "english" | "inggris" => ENGLISH.into(),
        "id" | "ind" | "in" | "indonesian" | "indonesia" | "bahasa indonesia" => INDONESIAN.into(),
        "" => UNDETERMINED.into(),
        _ => t,
    }
}

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
    fn no_letters_is_undetermined() {
        assert_eq!(detect_text("12345 !!!"), "und");
    }

    #[test]
    fn codes() {
        assert_eq!(normalize_code("Indonesian"), "id");
        assert_eq!(normalize_code("EN"), "en");
    }
}
