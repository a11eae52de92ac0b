//! Lines for a person on stderr, all in one voice: `warta: …`. Standard output is kept for
//! results, so that a pipe gets only those. Each line is escaped whole, as it may name a file
//! or echo what the user typed.

use std::fmt::Display;

use super::escape;

/// A problem that does not end the run (a file passed over, a limit reached).
pub fn warn(message: impl Display) {
    eprintln!("warta: {}", escape(&message.to_string()));
}

/// Something the user should know that is not a problem (an index being built first).
pub fn note(message: impl Display) {
    eprintln!("warta: {}", escape(&message.to_string()));
}

/// The error that ended the run, on one line, with the library's hint where it has one.
pub fn error(err: &anyhow::Error) {
    eprintln!("warta: {}", error_line(err));
}

/// An error that is already one line of text (a command-line error).
pub fn error_text(line: &str) {
    eprintln!("warta: {}", escape(line));
}

fn error_line(err: &anyhow::Error) -> String {
    let hint = err
        .chain()
        .find_map(|e| e.downcast_ref::<warta::Error>())
        .and_then(|e| e.hint());
    let message = format!("{err:#}").replace('\n', " ");
    let line = match hint {
        Some(hint) => format!("{message}; {hint}"),
        None => message,
    };
    escape(&line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_line_with_its_causes() {
        let err = anyhow::anyhow!("bad\nthing").context("reading a.txt");
        assert_eq!(error_line(&err), "reading a.txt: bad thing");
    }

    #[test]
    fn an_echoed_escape_is_shown_not_sent() {
        let err = anyhow::anyhow!("no article with id or path \x1b]52;c;aGk=\x07");
        assert_eq!(
            error_line(&err),
            "no article with id or path \\x1b]52;c;aGk=\\x07"
        );
    }
}
