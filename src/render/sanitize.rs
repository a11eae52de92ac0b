//! Untrusted text made safe for a terminal. Titles, sources, URLs and snippets come from files
//! off the web, file names from anyone who could write a folder, and queries or ids from whoever
//! typed them: any of them can hold an escape sequence that clears the screen, writes the
//! clipboard (OSC 52) or hides a link (OSC 8). Every printer but JSON (which escapes for itself)
//! passes such text through this module, so that one predicate decides what is unsafe.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` could drive a terminal or make text read other than it is: C0 controls, DEL,
/// C1 controls (U+0080–U+009F, among them the one-character CSI U+009B) and the bidirectional
/// embeddings, overrides, isolates and marks.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
}

/// Rewrites every unsafe character of `text` with `replace`; borrows when there is none.
fn scrub(text: &str, replace: impl Fn(char, &mut String)) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            replace(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Prose for a person (titles, snippets, article text in the text format): line breaks and tabs
/// become spaces and other unsafe characters are dropped, so that the text reads on.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    scrub(text, |c, out| {
        if matches!(c, '\n' | '\t' | '\r') {
            out.push(' ');
        }
    })
}

/// A name or a value that must stay recognisable (paths, fields of `--format tsv`, words in
/// messages): each unsafe character is written as an escape, `\x1b` or `\u{202e}`, as `ls -b`
/// and ripgrep show such bytes; `\t`, `\n` and `\r` for those three.
pub fn escape(text: &str) -> Cow<'_, str> {
    scrub(text, |c, out| match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_escapes_and_bidi() {
        assert_eq!(sanitize("a\x1b[31mb\u{202e}c\nd"), "a[31mbc d");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_shows_every_unsafe_character() {
        assert_eq!(escape("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(
            escape("\x1b]52;c;aGk=\x07"),
            "\\x1b]52;c;aGk=\\x07",
            "OSC 52"
        );
        assert_eq!(escape("x\u{9b}2J\u{7f}"), "x\\x9b2J\\x7f", "C1 CSI and DEL");
        assert_eq!(escape("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(escape("a\tb\nc\r"), "a\\tb\\nc\\r");
        assert!(matches!(escape("kabar/é ü.txt"), Cow::Borrowed(_)));
    }

    #[test]
    fn nothing_unsafe_survives_either_function() {
        let hostile: String = (0u32..0x2100).filter_map(char::from_u32).collect();
        for clean in [sanitize(&hostile), escape(&hostile)] {
            assert!(!clean.chars().any(is_unsafe));
        }
    }
}
