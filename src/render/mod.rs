//! Everything `warta` writes: results for people (a terminal) and for scripts (JSON and the
//! other `--format`s), the progress of an index run, and the warnings and errors on stderr.
//! Colour and layout are decided once, by the caller, and passed in as a `Style`.

pub mod hits;
pub mod json;
pub mod messages;
pub mod progress;
pub mod terminal;

pub use hits::{print_hits, Format};

/// Each hit's path as output shows paths: relative to the current directory when below it,
/// absolute otherwise (the index stores canonical paths), so a script can open it from here.
pub fn show_paths(hits: &mut warta::search::Hits) {
    for hit in &mut hits.hits {
        hit.path = warta::walk::shown_str(&hit.path);
    }
}

use std::borrow::Cow;

/// How to draw output for a person.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
}

impl Style {
    fn paint<'a>(&self, code: &str, text: &'a str) -> Cow<'a, str> {
        if self.color {
            Cow::Owned(format!("\x1b[{code}m{text}\x1b[0m"))
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Bold text (titles).
    pub fn bold<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.paint("1", text)
    }

    /// Dim text (metadata).
    pub fn dim<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.paint("2", text)
    }

    /// Path colour, as ripgrep's.
    pub fn path<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.paint("35", text)
    }

    /// Matched words, as ripgrep's.
    pub fn matched<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.paint("1;31", text)
    }
}

/// Removes what could drive a terminal from untrusted text: control characters (a newline
/// becomes a space) and bidirectional overrides, which can make text read differently from
/// what it is.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
    };
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\n' | '\t' | '\r' => Some(' '),
                c if bad(c) => None,
                c => Some(c),
            })
            .collect(),
    )
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
    fn no_colour_means_no_escapes() {
        let style = Style { color: false };
        assert_eq!(style.bold("x"), "x");
        assert_eq!(Style { color: true }.bold("x"), "\x1b[1mx\x1b[0m");
    }
}
