//! Language codes as users and data sets write them, and the code warta stores.

use crate::article::{ENGLISH, INDONESIAN, UNDETERMINED};

/// Function words (and a few headline staples) that tell English from Indonesian in a few
/// words: a headline at ingestion, a query at search time.
pub const ENGLISH_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "is", "for", "on", "at", "with", "by", "says", "said", "from",
    "as", "it", "its", "be", "are", "was", "will", "vs", "up", "new", "over", "after", "net",
];
/// The Indonesian counterpart of [`ENGLISH_WORDS`].
pub const INDONESIAN_WORDS: &[&str] = &[
    "yang", "dan", "di", "ke", "dari", "ini", "itu", "untuk", "dengan", "tidak", "akan", "pada",
    "dalam", "juga", "ada", "atau", "karena", "oleh", "sudah", "bisa", "kata", "baru", "para",
];

/// A language name or code as users write it (`id`, `ind`, `Indonesian`, `en`, `English`),
/// as the code warta stores.
pub fn normalize_code(text: &str) -> String {
    let t = text.trim().to_ascii_lowercase();
    // A region or script subtag (`en-US`, `id_ID`) does not change the analysis.
    let t = match t.split_once(['-', '_']) {
        Some((primary, _)) if (2..=3).contains(&primary.len()) => primary.to_string(),
        _ => t,
    };
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
    fn codes() {
        assert_eq!(normalize_code("Indonesian"), "id");
        assert_eq!(normalize_code("EN"), "en");
        assert_eq!(normalize_code("id-ID"), "id");
        assert_eq!(normalize_code("en_GB"), "en");
    }
}
