//! The plain-text article layout of the sample article: optional `Key: value` header lines,
//! the title, the title repeated, a lede, paragraphs with short sub-heading lines, and trailing
//! "related articles" boilerplate.

use super::{date, squash_spaces};
use crate::article::Article;

/// Lines that open the trailing boilerplate of news pages; they and what follows are not body.
const BOILERPLATE: &[&str] = &[
    "artikel terkait",
    "berita terkait",
    "baca juga",
    "related articles",
    "related stories",
    "related",
    "read more",
    "more on this story",
    "share this article",
    "bagikan artikel ini",
];

/// A line this long or shorter, with no closing punctuation, between paragraphs is a sub-heading.
const MAX_HEADING_CHARS: usize = 70;
/// A line at least this long that does not end a sentence, followed by another line, was wrapped.
const MIN_WRAPPED_CHARS: usize = 50;
/// A line in trailing boilerplate (a related-link title) is no longer than this.
const MAX_LINK_CHARS: usize = 160;

/// Parses a `.txt` article. Id and path are left empty for the caller to fill in.
pub fn parse_txt(text: &str) -> Article {
    let mut article = Article::default();
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let mut i = 0;

    // Header lines, before the title.
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            i += 1;
            continue;
        }
        match header(line) {
            Some((key, value)) => {
                apply_header(&mut article, &key, value);
                i += 1;
            }
            None => break,
        }
    }
    if article.title.is_empty() {
        if let Some(line) = lines.get(i) {
            article.title = squash_spaces(line);
            i += 1;
        }
    }

    // The repeated title line of the seed layout.
    let title_lower = article.title.to_lowercase();
    if let Some(next) = (i..lines.len()).find(|&n| !lines[n].trim().is_empty()) {
        if squash_spaces(lines[next]).to_lowercase() == title_lower {
            i = next + 1;
        }
    }

    // Blocks: runs of non-empty lines; a hard-wrapped paragraph is one block.
    let mut units: Vec<String> = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    for line in &lines[i.min(lines.len())..] {
        let line = line.trim();
        if line.is_empty() {
            flush_block(&mut block, &mut units);
        } else {
            block.push(line);
        }
    }
    flush_block(&mut block, &mut units);
    fill_text(&mut article, units);
    article
}

/// Fills lede, body and headings from paragraphs whose sub-headings are not marked: trailing
/// boilerplate is cut, the first paragraph is the lede (unless the input gave one), and short
/// lines between paragraphs are taken for sub-headings.
pub(super) fn fill_text(article: &mut Article, mut units: Vec<String>) {
    cut_boilerplate(&mut units);
    if article.lede.is_empty() && !units.is_empty() {
        article.lede = units.remove(0);
    }
    let last = units.len().saturating_sub(1);
    for (n, unit) in units.iter().enumerate() {
        if n < last && is_heading(unit) {
            article.headings.push(unit.clone());
        }
    }
    article.body = units.join("\n\n");
}

/// One block of a structured document (HTML, Markdown): a paragraph or a sub-heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Block {
    /// The text, whitespace collapsed.
    pub text: String,
    /// Whether the document marked it as a heading.
    pub heading: bool,
}

/// Ends the block being gathered in `current`: its text, whitespace collapsed, becomes a block
/// (unless empty) and `current` is cleared for the next.
pub(super) fn push_block(current: &mut String, blocks: &mut Vec<Block>, heading: bool) {
    let text = squash_spaces(current);
    current.clear();
    if !text.is_empty() {
        blocks.push(Block { text, heading });
    }
}

/// Fills lede, body and headings from blocks whose headings the document marked: trailing
/// boilerplate is cut and the first paragraph is the lede.
pub(super) fn fill_blocks(article: &mut Article, mut blocks: Vec<Block>) {
    let mut texts: Vec<String> = blocks.iter().map(|b| b.text.clone()).collect();
    cut_boilerplate(&mut texts);
    blocks.truncate(texts.len());
    if article.lede.is_empty() {
        if let Some(first) = blocks.iter().position(|b| !b.heading) {
            article.lede = blocks.remove(first).text;
        }
    }
    article.headings = blocks
        .iter()
        .filter(|b| b.heading)
        .map(|b| b.text.clone())
        .collect();
    article.body = blocks
        .into_iter()
        .map(|b| b.text)
        .collect::<Vec<_>>()
        .join("\n\n");
}

/// Paragraphs of a text field of a record (JSON, CSV): a blank line, or a line break followed
/// by an indent, starts a paragraph; other line breaks are wrapping.
pub(super) fn field_paragraphs(text: &str) -> Vec<String> {
    let mut units = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let starts_paragraph = line.trim().is_empty() || line.starts_with([' ', '\t']);
        if starts_paragraph && !current.is_empty() {
            units.push(std::mem::take(&mut current));
        }
        for word in line.split_whitespace() {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    if !current.is_empty() {
        units.push(current);
    }
    units
}

/// One block of lines; lines of the seed layout that are a paragraph each stay separate
/// paragraphs, while a hard-wrapped paragraph (lines not ending a sentence) is joined.
///
/// The length of the paragraph gathered so far is kept as it grows rather than counted again per
/// line, so a long hard-wrapped text is joined in linear time.
fn flush_block(block: &mut Vec<&str>, units: &mut Vec<String>) {
    let mut current = String::new();
    let mut current_chars = 0;
    for line in block.drain(..) {
        if !current.is_empty() {
            let ends_sentence = current.ends_with(['.', '!', '?', '"', '\u{201d}', ':']);
            let wrapped = !ends_sentence && current_chars >= MIN_WRAPPED_CHARS;
            if wrapped {
                current.push(' ');
                current.push_str(line);
                current_chars += 1 + line.chars().count();
                continue;
            }
            units.push(std::mem::take(&mut current));
        }
        current.push_str(line);
        current_chars = line.chars().count();
    }
    if !current.is_empty() {
        units.push(current);
    }
}

/// Drops trailing boilerplate: a marker line such as "Artikel Terkait" and the short link
/// lines after it.
fn cut_boilerplate(units: &mut Vec<String>) {
    let tail_start = units.len().saturating_sub(12);
    for n in tail_start..units.len() {
        let key = units[n].trim_end_matches([':', '.']).trim().to_lowercase();
        let is_marker = BOILERPLATE.contains(&key.as_str());
        let rest_is_links = units[n + 1..]
            .iter()
            .all(|u| u.chars().count() <= MAX_LINK_CHARS && !u.contains('\n'));
        if is_marker && rest_is_links {
            units.truncate(n);
            return;
        }
    }
}

/// A short line without closing punctuation reads as a sub-heading.
fn is_heading(unit: &str) -> bool {
    let chars = unit.chars().count();
    chars <= MAX_HEADING_CHARS
        && !unit.contains('\n')
        && !unit.ends_with(['.', '!', '?', ',', ';', ':', '"', '\u{201d}'])
        && unit.split_whitespace().count() <= 10
}

/// A `Key: value` header line with a key warta knows, lower-cased.
fn header(line: &str) -> Option<(String, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim().to_ascii_lowercase();
    const KEYS: &[&str] = &[
        "date",
        "published",
        "source",
        "url",
        "link",
        "author",
        "by",
        "tags",
        "lang",
        "language",
        "title",
    ];
    KEYS.contains(&key.as_str()).then(|| (key, value.trim()))
}

fn apply_header(article: &mut Article, key: &str, value: &str) {
    let value = squash_spaces(value);
    if value.is_empty() {
        return;
    }
    match key {
        "date" | "published" => article.published = date::parse_date(&value),
        "source" => article.source = Some(value),
        "url" | "link" => article.url = Some(value),
        "author" | "by" => article.author = Some(value),
        "tags" => {
            article.tags = value
                .split([',', ';'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        }
        "lang" | "language" => article.lang = super::lang::normalize_code(&value),
        "title" => article.title = value,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Published;

    const SEEDLIKE: &str =
        "Retakan di Meta\n\nRetakan di Meta\nKemitraan mulai retak, kata sumber.\n\n\
        Paragraf pertama yang cukup panjang untuk menjadi paragraf biasa dalam berita ini.\n\n\
        Perubahan dalam Kemitraan\n\nParagraf kedua juga panjang dan berakhir dengan titik.\n\n\n\
        Artikel Terkait\n";

    #[test]
    fn seed_layout() {
        let a = parse_txt(SEEDLIKE);
        assert_eq!(a.title, "Retakan di Meta");
        assert_eq!(a.lede, "Kemitraan mulai retak, kata sumber.");
        assert!(!a.body.contains("Retakan di Meta"));
        assert!(!a.body.contains("Artikel Terkait"));
        assert!(a.body.contains("Perubahan dalam Kemitraan"));
        assert_eq!(a.headings, vec!["Perubahan dalam Kemitraan"]);
    }

    #[test]
    fn header_lines_are_metadata() {
        let a = parse_txt(
            "Date: 29 Agustus 2025\nSource: dailysocial.id\nURL: https://x.id/a\nAuthor: Rina\n\n\
             Judul\n\nLede di sini.\n\nIsi berita.\n",
        );
        assert_eq!(a.title, "Judul");
        assert_eq!(a.source.as_deref(), Some("dailysocial.id"));
        assert_eq!(a.url.as_deref(), Some("https://x.id/a"));
        assert_eq!(a.author.as_deref(), Some("Rina"));
        assert_eq!(a.published.map(|p| p.to_iso()), Some("2025-08-29".into()));
        assert!(matches!(a.published, Some(Published::Date(_))));
        assert_eq!(a.lede, "Lede di sini.");
        assert_eq!(a.body, "Isi berita.");
    }

    #[test]
    fn bbc_layout_without_repeated_title() {
        let a = parse_txt("Ink helps drive democracy in Asia\n\nThe Kyrgyz Republic is using ink.\n\nMore text here.\n");
        assert_eq!(a.title, "Ink helps drive democracy in Asia");
        assert_eq!(a.lede, "The Kyrgyz Republic is using ink.");
        assert_eq!(a.body, "More text here.");
    }

    #[test]
    fn a_title_that_looks_like_a_header_key_is_still_a_title() {
        let a = parse_txt("Update: phones get faster\n\nBody.\n");
        assert_eq!(a.title, "Update: phones get faster");
    }

    #[test]
    fn hard_wrapped_paragraphs_are_joined() {
        let a = parse_txt(
            "Title\n\nThis is a long paragraph that was wrapped by an old newswire system at\n\
             seventy characters or so, and continues here.\n",
        );
        assert!(a.lede.contains("system at seventy"), "{:?}", a.lede);
    }

    #[test]
    fn boilerplate_only_at_the_end() {
        let a = parse_txt("T\n\nLede.\n\nRelated articles\n\nThe body goes on after a stray marker and is long enough to be a paragraph of text that no link list would hold, clearly over the limit of one hundred and sixty characters.\n");
        assert!(a.body.contains("body goes on"));
        let b = parse_txt("T\n\nLede.\n\nBody.\n\nRelated articles\nLink one\nLink two\n");
        assert_eq!(b.body, "Body.");
    }

    #[test]
    fn long_hard_wrapped_text_is_joined_in_linear_time() {
        let text = |lines: usize| {
            let mut t = String::from("Title\n\n");
            for _ in 0..lines {
                t.push_str("a line of hard wrapped text that goes on without ending a sentence\n");
            }
            t
        };
        let time = |text: &str| {
            let started = std::time::Instant::now();
            let article = parse_txt(text);
            assert!(article.lede.len() > text.len() / 2);
            started.elapsed()
        };
        // The best of five runs each, taken in turn, so that a busy machine does not decide.
        let (small_text, large_text) = (text(20_000), text(80_000));
        let (mut small, mut large) = (std::time::Duration::MAX, std::time::Duration::MAX);
        for _ in 0..5 {
            small = small.min(time(&small_text));
            large = large.min(time(&large_text));
        }
        assert!(
            large < small * 10 + std::time::Duration::from_millis(100),
            "4x the text took {large:?} against {small:?}"
        );
    }
}
