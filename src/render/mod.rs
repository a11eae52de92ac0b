//! Everything `warta` writes: results for people (a terminal) and for scripts (JSON and the
//! other `--format`s), the progress of an index run, and the warnings and errors on stderr.
//! Colour and layout are decided once, by the caller, and passed in as a `Style`.

pub mod hits;
pub mod json;
pub mod messages;
pub mod progress;
pub mod sanitize;
pub mod terminal;
pub mod trend;

pub use hits::{print_count, print_hits, Format};
pub use sanitize::{escape, sanitize};

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

    /// The bars of `warta trend`.
    pub fn bar<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.paint("36", text)
    }

    /// Matched words, as ripgrep's.
    pub fn matched<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.paint("1;31", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_colour_means_no_escapes() {
        let style = Style { color: false };
        assert_eq!(style.bold("x"), "x");
        assert_eq!(Style { color: true }.bold("x"), "\x1b[1mx\x1b[0m");
    }
}
