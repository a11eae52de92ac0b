//! Snippets: the passage of an article that holds the most distinct query terms, cut at word
//! boundaries, with the matched words' positions in characters.
//!
//! Written here rather than with tantivy's `SnippetGenerator` because that one reads a single
//! field with a single analyzer and reports byte offsets, while warta's matches depend on each
//! article's language and its JSON contract counts characters.

use std::collections::{BTreeMap, HashMap, HashSet};

use tantivy::tokenizer::TextAnalyzer;

use crate::schema::analysis::tokens;

/// A passage with the positions of its matched words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    /// Plain text, whitespace collapsed, with `…` where it was cut.
    pub text: String,
    /// `[start, end)` offsets in Unicode characters into `text`.
    pub highlights: Vec<(usize, usize)>,
}

/// Tells which query words a hit matched only through misspellings, from the terms found in
/// its text for snippets (no second look at the text): per misspelt word, the analysed forms of
/// the word as typed and of each indexed word that stood for it, under one analyzer.
pub struct TypoMatcher {
    words: Vec<TypoWord>,
}

struct TypoWord {
    word: String,
    own: HashSet<String>,
    stand_ins: Vec<(String, HashSet<String>)>,
}

impl TypoMatcher {
    /// A matcher for `typos` (each misspelt word with the indexed words it stood for) as
    /// `analyzer` analyses them. A stand-in that analyses as the word does (`covids` for
    /// `covid`) is a form of the word, not a misspelling, and is left out.
    pub fn new(typos: &BTreeMap<String, Vec<String>>, analyzer: &mut TextAnalyzer) -> Self {
        let mut analysed = |text: &str| -> HashSet<String> {
            tokens(analyzer, text).into_iter().map(|t| t.text).collect()
        };
        let words = typos
            .iter()
            .map(|(word, stand_ins)| {
                let own = analysed(word);
                let stand_ins = stand_ins
                    .iter()
                    .map(|s| (s.clone(), analysed(s)))
                    .filter(|(_, forms)| forms.is_disjoint(&own))
                    .collect();
                TypoWord {
                    word: word.clone(),
                    own,
                    stand_ins,
                }
            })
            .collect();
        TypoMatcher { words }
    }

    /// The words a hit whose text holds the analysed terms `matched` has not as typed but
    /// through stand-ins, each with the stand-ins it has.
    pub fn only_through_typos(&self, matched: &HashSet<&str>) -> BTreeMap<String, Vec<String>> {
        let mut found = BTreeMap::new();
        for word in &self.words {
            if word.own.iter().any(|t| matched.contains(t.as_str())) {
                continue;
            }
            let stand_ins: Vec<String> = word
                .stand_ins
                .iter()
                .filter(|(_, forms)| forms.iter().any(|t| matched.contains(t.as_str())))
                .map(|(s, _)| s.clone())
                .collect();
            if !stand_ins.is_empty() {
                found.insert(word.word.clone(), stand_ins);
            }
        }
        found
    }
}

/// Bytes of an article's body the snippet code reads per hit. Finding a hit's matches means a
/// byte search over all of it for the query stems' keys, and analysing the words found (see
/// `schema::analysis::StemMatcher`), so an article of megabytes (text is kept up to the
/// per-article cap at index time) would still cost a search in proportion; a bounded scan makes
/// such a hit cost no more than a long ordinary one. 64 KiB holds the whole of
/// nearly every news article, several times over, so their snippets are what they were; the
/// first 64 KiB of a long one are where its lede and its story's key words are.
pub const SCAN_BYTES: usize = 64 * 1024;
// A hit reads the body the docstore keeps: the scan must find all it looks at there, and one
// byte more, to know that the body goes on.
const _: () = assert!(crate::schema::STORED_BODY_BYTES > SCAN_BYTES);

/// The text snippets are cut from: the lede, then the body, together cut to their first
/// [`SCAN_BYTES`] at a word boundary (a lede can be long too: a plain-text file's first
/// paragraph is its lede), and whether anything was cut.
pub fn scanned_text(lede: &str, body: &str) -> (String, bool) {
    let lede_part = prefix(lede, SCAN_BYTES);
    let body_part = prefix(body, SCAN_BYTES.saturating_sub(lede_part.len()));
    let cut = lede_part.len() < lede.len() || body_part.len() < body.len();
    let text = match (lede_part.is_empty(), body_part.is_empty()) {
        (true, _) => body_part.to_string(),
        (false, true) => lede_part.to_string(),
        (false, false) => format!("{lede_part}\n\n{body_part}"),
    };
    (text, cut)
}

/// The first `max` bytes of `text` or fewer, ending at a word boundary when there is one near.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let end = floor(text, max);
    let end = text[..end]
        .rfind(char::is_whitespace)
        .filter(|&p| end - p < 256)
        .unwrap_or(end);
    &text[..end]
}

/// The best passage of `text` of about `max_chars` characters for the analysed `terms`.
pub fn make_snippet(
    text: &str,
    analyzer: &mut TextAnalyzer,
    terms: &HashSet<String>,
    max_chars: usize,
) -> Snippet {
    make_snippets(text, analyzer, terms, 1, max_chars)
}

/// Up to `fragments` passages of about `max_chars` characters each, in text order, joined with
/// `…`: first the passage with the most distinct terms, then each time the one that adds the
/// most terms not shown yet (then the most matches), never overlapping.
pub fn make_snippets(
    text: &str,
    analyzer: &mut TextAnalyzer,
    terms: &HashSet<String>,
    fragments: usize,
    max_chars: usize,
) -> Snippet {
    let matches: Vec<(usize, usize, String)> = if terms.is_empty() {
        Vec::new()
    } else {
        // Streamed rather than collected: most tokens are no match, and a copy of each was
        // an allocation.
        let mut matches = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            if terms.contains(&t.text) {
                matches.push((t.offset_from, t.offset_to, t.text.clone()));
            }
        }
        matches
    };
    snippets_around(text, &matches, fragments, max_chars)
}

/// [`make_snippets`] for matches already found: `(start, end, term)` byte ranges of the
/// words of `text` that match, in text order.
pub fn snippets_around(
    text: &str,
    matches: &[(usize, usize, String)],
    fragments: usize,
    max_chars: usize,
) -> Snippet {
    let mut shown: HashSet<&str> = HashSet::new();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    while ranges.len() < fragments.max(1) {
        let free = |from: usize, to: usize| ranges.iter().all(|&(s, e)| to <= s || from >= e);
        let Some((first, last)) = best_window(matches, max_chars, &shown, &free) else {
            break;
        };
        let range = around(text, matches[first].0, matches[last].1, max_chars);
        if !free(range.0, range.1) {
            break;
        }
        shown.extend(matches[first..=last].iter().map(|m| m.2.as_str()));
        ranges.push(range);
    }
    if ranges.is_empty() {
        ranges.push(around(text, 0, 0, max_chars));
    }
    ranges.sort_unstable();
    join(text, &ranges, matches)
}

/// Indexes of the first and last match of the free window with the most distinct terms not yet
/// shown (then the most distinct terms, then the most matches, then the earliest).
///
/// The window of each first match reaches as far as it can (within `max_chars`, not past a
/// match that is not free); it only ever reaches further for a later first match, so one pass
/// slides both ends forward, counting each term in the window, in time linear in the matches.
fn best_window(
    matches: &[(usize, usize, String)],
    max_chars: usize,
    shown: &HashSet<&str>,
    free: &dyn Fn(usize, usize) -> bool,
) -> Option<(usize, usize)> {
    // (new terms, distinct terms, matches) and the window's first and last match.
    type Scored = ((usize, usize, usize), (usize, usize));
    let mut best: Option<Scored> = None;
    // Matches of each term in the window `[i, j)`, and how many terms there are, and not shown.
    let mut in_window: HashMap<&str, usize> = HashMap::new();
    let (mut distinct, mut new) = (0usize, 0usize);
    let mut j = 0;
    for i in 0..matches.len() {
        j = j.max(i);
        while j < matches.len()
            && matches[j].1 - matches[i].0 <= max_chars
            && free(matches[j].0, matches[j].1)
        {
            let n = in_window.entry(matches[j].2.as_str()).or_default();
            *n += 1;
            if *n == 1 {
                distinct += 1;
                new += usize::from(!shown.contains(matches[j].2.as_str()));
            }
            j += 1;
        }
        if j == i {
            continue;
        }
        let score = (new, distinct, j - i);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, (i, j - 1)));
        }
        // Slide the first match out.
        let term = matches[i].2.as_str();
        if let Some(n) = in_window.get_mut(term) {
            *n -= 1;
            if *n == 0 {
                in_window.remove(term);
                distinct -= 1;
                new -= usize::from(!shown.contains(term));
            }
        }
    }
    best.map(|(_, window)| window)
}

/// The passages `ranges` (sorted, apart) as one snippet, `…` where text was left out.
fn join(text: &str, ranges: &[(usize, usize)], matches: &[(usize, usize, String)]) -> Snippet {
    let mut out = Snippet::default();
    let mut chars = 0usize;
    for (n, &(start, end)) in ranges.iter().enumerate() {
        let gap = if n == 0 { start > 0 } else { true };
        if gap {
            let mark = if n == 0 { "… " } else { " … " };
            out.text.push_str(mark);
            chars += mark.chars().count();
        }
        let part = render(text, start, end, matches);
        out.highlights
            .extend(part.highlights.iter().map(|&(a, b)| (a + chars, b + chars)));
        chars += part.text.chars().count();
        out.text.push_str(&part.text);
    }
    if ranges.last().is_some_and(|&(_, end)| end < text.len()) {
        out.text.push_str(" …");
    }
    out
}

/// Byte range of about `max_chars` around `[from, to)`, starting at a sentence start when one is
/// near, and cut at word boundaries.
fn around(text: &str, from: usize, to: usize, max_chars: usize) -> (usize, usize) {
    let span = to.saturating_sub(from);
    let slack = max_chars.saturating_sub(span);
    let mut start = from.saturating_sub(slack / 3);
    // Prefer to begin at a sentence start within the slack.
    if let Some(pos) = text[floor(text, start)..floor(text, from)].rfind(". ") {
        start = floor(text, start) + pos + 2;
    }
    start = floor(text, start);
    if start > 0 && !text[..start].ends_with(char::is_whitespace) {
        // Move to the start of the next word.
        start = text[start..]
            .find(char::is_whitespace)
            .map_or(start, |p| start + p + 1)
            .min(from);
    }
    let mut end = floor(text, (start + max_chars).max(to).min(text.len()));
    if end < text.len() {
        if let Some(p) = text[to.min(end)..end].rfind(char::is_whitespace) {
            end = to.min(end) + p;
        }
    }
    (start, end.max(to))
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The text of `text[start..end]`, whitespace collapsed, with highlight offsets.
fn render(text: &str, start: usize, end: usize, matches: &[(usize, usize, String)]) -> Snippet {
    let mut out = String::new();
    let mut chars = 0usize;
    let mut highlights = Vec::new();
    let mut pending_space = false;
    let mut open: Option<usize> = None;
    let mut next_match = matches
        .iter()
        .filter(|m| m.0 >= start && m.1 <= end)
        .peekable();
    for (offset, ch) in text[start..end].char_indices() {
        let at = start + offset;
        if let (Some(from), Some(m)) = (open, next_match.peek()) {
            if at >= m.1 {
                highlights.push((from, chars));
                open = None;
                next_match.next();
            }
        }
        if ch.is_whitespace() || ch.is_control() {
            pending_space = !out.is_empty() && !out.ends_with(' ');
            continue;
        }
        if pending_space {
            out.push(' ');
            chars += 1;
            pending_space = false;
        }
        if open.is_none() && next_match.peek().is_some_and(|m| m.0 == at) {
            open = Some(chars);
        }
        out.push(ch);
        chars += 1;
    }
    if let Some(from) = open {
        highlights.push((from, chars));
    }
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::analysis::{analyzer, EN, ID};

    fn snip(lang: &str, text: &str, terms: &[&str], max: usize) -> Snippet {
        let terms = terms.iter().map(|t| t.to_string()).collect();
        make_snippet(text, &mut analyzer(lang), &terms, max)
    }

    fn marked(s: &Snippet) -> Vec<String> {
        let chars: Vec<char> = s.text.chars().collect();
        s.highlights
            .iter()
            .map(|&(a, b)| chars[a..b].iter().collect())
            .collect()
    }

    #[test]
    fn highlights_stemmed_variants_in_characters() {
        let s = snip(
            ID,
            "Hanya beberapa bulan setelah Meta menginvestasikan $14,3 miliar ke dalam Scale AI.",
            &["investasi"],
            200,
        );
        assert_eq!(marked(&s), ["menginvestasikan"]);
    }

    #[test]
    fn prefers_the_passage_with_more_distinct_terms() {
        let filler = "Nothing to see in this sentence at all. ".repeat(10);
        let text =
            format!("Broadband is here. {filler}Broadband prices fall as fibre spreads. {filler}");
        let s = snip(EN, &text, &["broadband", "price"], 80);
        assert_eq!(marked(&s), ["Broadband", "prices"]);
        assert!(s.text.starts_with("… Broadband prices"), "{}", s.text);
    }

    #[test]
    fn non_ascii_offsets_are_characters() {
        let s = snip(EN, "Café owners say the £5 café tax hurts", &["tax"], 200);
        assert_eq!(marked(&s), ["tax"]);
    }

    #[test]
    fn more_fragments_show_more_of_the_query() {
        let filler = "Nothing to see in this sentence at all. ".repeat(10);
        let text = format!(
            "Broadband is here. {filler}Fibre spreads to villages. {filler}Satellite links too. {filler}"
        );
        let terms = ["broadband", "fibr", "satellit"];
        let one = snip(EN, &text, &terms, 60);
        assert_eq!(marked(&one).len(), 1);
        let terms_set = terms.iter().map(|t| t.to_string()).collect();
        let three = make_snippets(&text, &mut analyzer(EN), &terms_set, 3, 60);
        assert_eq!(marked(&three), ["Broadband", "Fibre", "Satellite"]);
        assert_eq!(three.text.matches('…').count(), 3, "{}", three.text);
        assert!(
            three.text.starts_with("Broadband is here."),
            "{}",
            three.text
        );
        let chars: Vec<char> = three.text.chars().collect();
        for &(a, b) in &three.highlights {
            assert!(chars[a..b].iter().all(|c| c.is_alphabetic()));
        }
    }

    #[test]
    fn a_word_matched_only_through_a_misspelling_is_told_with_its_stand_ins() {
        let typos = BTreeMap::from([
            (
                "covid".to_string(),
                vec!["covia".to_string(), "covids".to_string()],
            ),
            ("vaccine".to_string(), vec!["vaccina".to_string()]),
        ]);
        let typo = TypoMatcher::new(&typos, &mut analyzer(EN));
        let matched = |terms: &[&str]| typo.only_through_typos(&terms.iter().copied().collect());
        assert_eq!(
            matched(&["covia", "vaccin"]),
            BTreeMap::from([("covid".to_string(), vec!["covia".to_string()])])
        );
        // `covids` stems as `covid` does: a form of the word, not a misspelling.
        assert!(matched(&["covid", "vaccin"]).is_empty());
        assert!(matched(&["vaccin"]).is_empty());
    }

    #[test]
    fn a_long_body_is_read_only_to_the_scan_bound() {
        let word = "cloud ";
        let body = word.repeat(SCAN_BYTES / word.len() * 3);
        let (text, cut) = scanned_text("The lede.", &body);
        assert!(cut);
        assert!(text.len() <= SCAN_BYTES + "The lede.\n\n".len());
        assert!(text.starts_with("The lede.\n\ncloud"));
        assert!(text.ends_with("cloud"), "cut at a word boundary");
        let (short, cut) = scanned_text("", "a short body");
        assert_eq!((short.as_str(), cut), ("a short body", false));
        let (lede_only, _) = scanned_text("only a lede", "");
        assert_eq!(lede_only, "only a lede");
        let (long_lede, cut) = scanned_text(&body, "a body");
        assert!(cut && long_lede.len() <= SCAN_BYTES && !long_lede.contains("a body"));
    }

    #[test]
    fn a_cut_in_the_middle_of_a_character_backs_off_to_its_start() {
        let body = "é".repeat(SCAN_BYTES);
        let (text, cut) = scanned_text("", &body);
        assert!(cut && text.len() <= SCAN_BYTES && text.chars().all(|c| c == 'é'));
    }

    /// The window search as it was written first, every window grown from scratch.
    fn best_window_by_every_window(
        matches: &[(usize, usize, String)],
        max_chars: usize,
        shown: &HashSet<&str>,
        free: &dyn Fn(usize, usize) -> bool,
    ) -> Option<(usize, usize)> {
        type Scored = ((usize, usize, usize), (usize, usize));
        let mut best: Option<Scored> = None;
        for i in 0..matches.len() {
            let mut distinct = HashSet::new();
            let mut j = i;
            while j < matches.len() && matches[j].1 - matches[i].0 <= max_chars {
                if !free(matches[j].0, matches[j].1) {
                    break;
                }
                distinct.insert(matches[j].2.as_str());
                j += 1;
            }
            if j == i {
                continue;
            }
            let new = distinct.iter().filter(|t| !shown.contains(*t)).count();
            let score = (new, distinct.len(), j - i);
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, (i, j - 1)));
            }
        }
        best.map(|(_, window)| window)
    }

    #[test]
    fn the_sliding_window_chooses_as_every_window_did() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let terms = ["a", "b", "c", "d"];
        for _ in 0..2000 {
            let mut matches = Vec::new();
            let mut at = 0;
            for _ in 0..next(40) {
                at += 1 + next(30);
                let longest = if next(20) == 0 { 80 } else { 8 };
                let len = 1 + next(longest);
                matches.push((at, at + len, terms[next(terms.len())].to_string()));
                at += len;
            }
            let max_chars = 10 + next(60);
            let shown: HashSet<&str> = terms.iter().copied().filter(|_| next(3) == 0).collect();
            let taken = (next(at.max(1)), next(at.max(1)));
            let taken = (taken.0.min(taken.1), taken.0.max(taken.1));
            let free = |from: usize, to: usize| to <= taken.0 || from >= taken.1;
            assert_eq!(
                best_window(&matches, max_chars, &shown, &free),
                best_window_by_every_window(&matches, max_chars, &shown, &free),
                "{matches:?} {max_chars} {shown:?} {taken:?}"
            );
        }
    }

    #[test]
    fn no_match_gives_the_opening() {
        let s = snip(
            EN,
            "One two three four five six seven eight nine ten",
            &["zebra"],
            20,
        );
        assert!(s.text.starts_with("One two"));
        assert!(s.text.ends_with('…'));
        assert!(s.highlights.is_empty());
    }
}
