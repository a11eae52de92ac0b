//! Bounds HTML before html5ever sees it: the parser's tree building is quadratic in nesting
//! depth and in the attributes of one element, so a page nested a hundred thousand deep or a tag
//! with a million attributes took minutes. One linear pass over the tags drops elements nested
//! deeper than the limit (their text stays) and attributes beyond the limit.
//!
//! The pass reads tags as a tokenizer would, well enough for counting: comments, doctypes and
//! the raw text of `<script>`/`<style>` are copied through untouched; elements that close
//! themselves (`<br>`, `<img>`) and those that a sibling closes (`<p>`, `<li>`, `<td>`) do not
//! deepen the count. Its open-element stack never holds more than the limit, so matching a
//! closing tag costs at most the limit.

use std::borrow::Cow;

use super::Limits;

/// Elements without content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame", "basefont", "bgsound",
];
/// Elements whose content is raw text, up to their closing tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];
/// Elements that the next element of their kind closes (`<p>a<p>b`).
const SELF_CLOSING_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rb", "rt", "rp",
];

/// Elements that close an open paragraph (`<p>a<ul>` is `<p>a</p><ul>`).
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// `html` with elements nested deeper than `limits.html_depth` and attributes beyond
/// `limits.html_attributes` removed, and a warning for each kind of removal.
pub(super) fn bound_markup<'a>(html: &'a str, limits: &Limits) -> (Cow<'a, str>, Vec<String>) {
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0; // bytes of `html` before this are in `out` (or were dropped)
    let mut stack: Vec<String> = Vec::new();
    let (mut too_deep, mut too_many_attributes) = (0usize, 0usize);
    let mut i = 0;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = memchr(b'>', &bytes[start..]).map_or(bytes.len(), |e| start + e + 1);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = start + 1;
            continue;
        }
        let tag = scan_tag(bytes, name_start);
        let name = html[name_start..tag.name_end].to_ascii_lowercase();
        if closing {
            match stack.iter().rposition(|open| *open == name) {
                Some(at) => stack.truncate(at),
                None if too_deep > 0 => {
                    // The closing tag of a dropped element: dropped too.
                    out.push_str(&html[copied..start]);
                    copied = tag.end;
                }
                None => {}
            }
            i = tag.end;
            continue;
        }
        let raw_text = RAW_TEXT.contains(&name.as_str());
        let mut end = tag.end;
        if raw_text && !tag.self_closed {
            // Its content is text up to `</name`, whatever it holds.
            let close = format!("</{name}");
            end = find_ignoring_case(bytes, tag.end, close.as_bytes()).unwrap_or(bytes.len());
        }
        let void = VOID.contains(&name.as_str()) || tag.self_closed || raw_text;
        let closes_paragraph =
            BLOCKS.contains(&name.as_str()) && stack.last().is_some_and(|p| p == "p");
        if closes_paragraph
            || SELF_CLOSING_SIBLINGS.contains(&name.as_str()) && stack.last() == Some(&name)
        {
            stack.pop();
        }
        if !void && stack.len() >= limits.html_depth {
            too_deep += 1;
            out.push_str(&html[copied..start]);
            copied = tag.end;
        } else if tag.attributes.len() > limits.html_attributes {
            too_many_attributes += 1;
            out.push_str(&html[copied..tag.attributes[limits.html_attributes].0]);
            let last = tag.attributes[tag.attributes.len() - 1].1;
            copied = last;
            if !void {
                stack.push(name);
            }
        } else if !void {
            stack.push(name);
        }
        i = end;
    }
    let mut warnings = Vec::new();
    if too_deep > 0 {
        warnings.push(format!(
            "HTML nested deeper than {} elements: {too_deep} inner tags ignored, their text kept",
            limits.html_depth
        ));
    }
    if too_many_attributes > 0 {
        warnings.push(format!(
            "HTML elements with more than {} attributes: the rest ignored ({too_many_attributes} elements)",
            limits.html_attributes
        ));
    }
    if copied == 0 {
        return (Cow::Borrowed(html), warnings);
    }
    out.push_str(&html[copied..]);
    (Cow::Owned(out), warnings)
}

/// One start or end tag as scanned: where its name ends, its attributes' byte spans, where it
/// ends (after `>`), and whether it closed itself (`/>`).
struct Tag {
    name_end: usize,
    attributes: Vec<(usize, usize)>,
    end: usize,
    self_closed: bool,
}

/// Scans a tag from its name to its `>`, attribute values quoted or not.
fn scan_tag(bytes: &[u8], name_start: usize) -> Tag {
    let mut i = name_start;
    while i < bytes.len() && !is_tag_break(bytes[i]) {
        i += 1;
    }
    let name_end = i;
    let mut attributes = Vec::new();
    let mut self_closed = false;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => {
                return Tag {
                    name_end,
                    attributes,
                    end: i + 1,
                    self_closed,
                }
            }
            b'/' => {
                self_closed = bytes.get(i + 1) == Some(&b'>');
                i += 1;
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                let attribute_start = i;
                while i < bytes.len() && !is_tag_break(bytes[i]) && bytes[i] != b'=' {
                    i += 1;
                }
                let mut j = i;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if bytes.get(j) == Some(&b'=') {
                    j += 1;
                    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    match bytes.get(j) {
                        Some(&quote @ (b'"' | b'\'')) => {
                            j = memchr(quote, &bytes[j + 1..]).map_or(bytes.len(), |e| j + e + 2);
                        }
                        _ => {
                            while j < bytes.len() && !is_tag_break(bytes[j]) {
                                j += 1;
                            }
                        }
                    }
                    i = j;
                }
                i = i.max(attribute_start + 1);
                attributes.push((attribute_start, i.min(bytes.len())));
                self_closed = false;
            }
        }
    }
    Tag {
        name_end,
        attributes,
        end: bytes.len(),
        self_closed,
    }
}

fn is_tag_break(b: u8) -> bool {
    b.is_ascii_whitespace() || b == b'>' || b == b'/'
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// Where `needle` next occurs in `bytes` from `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Where `needle` (lower case ASCII) next occurs in `bytes` from `from`, in any case.
fn find_ignoring_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(depth: usize, attributes: usize) -> Limits {
        Limits {
            html_depth: depth,
            html_attributes: attributes,
            ..Limits::default()
        }
    }

    #[test]
    fn ordinary_pages_pass_unchanged() {
        let page = "<!doctype html><html><head><title>T</title><script>if (a<b) {}</script>\
                    </head><body><p>one<p>two<br><img src=x alt='a>b'><ul><li>x<li>y</ul>\
                    <!-- <div><div> --></body></html>";
        let (out, warnings) = bound_markup(page, &limits(4, 3));
        assert!(matches!(out, Cow::Borrowed(_)), "{out}");
        assert!(warnings.is_empty());
    }

    #[test]
    fn deep_nesting_is_cut_and_its_text_kept() {
        let page = "<div>".repeat(10) + "deep text" + &"</div>".repeat(10);
        let (out, warnings) = bound_markup(&page, &limits(3, 64));
        assert_eq!(out, "<div><div><div>deep text</div></div></div>");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn attributes_beyond_the_limit_are_dropped() {
        let page = "<p a=1 b=\"2 2\" c d='4' e=5>text</p>";
        let (out, warnings) = bound_markup(page, &limits(8, 2));
        assert_eq!(out, "<p a=1 b=\"2 2\" >text</p>");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn a_page_nested_100k_deep_is_bounded_in_linear_time() {
        // The best of five runs, so that a busy machine does not decide the ratio.
        let time = |n: usize| {
            let page = "<div><b>".repeat(n) + "x" + &"</b></div>".repeat(n);
            (0..5)
                .map(|_| {
                    let started = std::time::Instant::now();
                    let (out, _) = bound_markup(&page, &Limits::default());
                    assert!(out.len() < 10_000, "{} bytes kept", out.len());
                    started.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        let small = time(25_000);
        let large = time(100_000);
        assert!(
            large < small * 10 + std::time::Duration::from_millis(100),
            "4x the nesting took {large:?} against {small:?}"
        );
    }
}
