//! `warta completions` and `warta man`: what a packaged CLI ships beside its binary, generated
//! from the same clap tree as `--help`, so they cannot drift from it.

use crate::exit_codes::ExitCode;
use std::io::Write;

use clap::CommandFactory;
use clap_mangen::roff::{bold, italic, roman, Inline, Roff};

use crate::cli::{Cli, CompletionsArgs};

/// Prints the completion script for a shell on stdout.
pub fn completions(args: CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "warta", &mut out);
    out.flush()?;
    Ok(ExitCode::Success)
}

/// Prints the manual page, in roff, on stdout.
pub fn man() -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(manual_page()?.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::Success)
}

/// The query language, as `(form, meaning)` rows (docs/query-language.md says it at length).
const QUERY_LANGUAGE: &[(&str, &str)] = &[
    (
        "scale ai",
        "either word; articles with more of them rank first",
    ),
    (
        "\"meta scale\", \"meta scale\"~2",
        "a phrase; with ~N, words up to N positions apart",
    ),
    (
        "a AND b, a OR b, NOT a, +a, -a, ( ... )",
        "boolean logic and grouping",
    ),
    (
        "title:word, body:word",
        "only in titles; anywhere in the text",
    ),
    (
        "source:NAME, lang:id, tags:TAG",
        "narrow to a source, language or tag (several values of one are alternatives)",
    ),
    (
        "kemitra*",
        "words that begin so, at least two letters before the star",
    ),
    (
        "micrsoft",
        "typo tolerance: words of 5-8 letters also match words one edit away, longer words \
         two edits (--exact turns it off)",
    ),
    (
        "published:2025, published:2025-08, published:2025-08-29",
        "published in that year, month or day",
    ),
    (
        "published:[2025-01-01 TO 2025-06-30], published:>=2025-07-01, published:<2025",
        "published in a range ({} for exclusive ends, * for an open end)",
    ),
];

/// The exit codes, as `(code, meaning)` rows.
const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "something found, or the command succeeded"),
    ("1", "a search that matched nothing"),
    (
        "2",
        "an error: bad query or arguments, no index, unreadable path (and index when a file \
         or record could not be read or parsed)",
    ),
    (
        "130",
        "index interrupted by Ctrl-C (what was done is committed)",
    ),
];

/// The whole page: clap's sections for the top-level command, the commands and each one's
/// arguments, then the query language, exit status, environment and files.
fn manual_page() -> anyhow::Result<String> {
    let command = Cli::command();
    let man = clap_mangen::Man::new(command.clone()).manual("warta manual");
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;

    // clap_mangen would point at a page per subcommand; this page holds them all.
    let mut commands = Roff::new();
    commands.control("SH", ["COMMANDS"]);
    for sub in command.get_subcommands() {
        commands.control("TP", []);
        commands.text([bold(format!("warta {}", sub.get_name()))]);
        commands.text([roman(
            sub.get_about().map(|a| a.to_string()).unwrap_or_default(),
        )]);
    }
    commands.control("SH", ["COMMAND OPTIONS"]);
    commands.to_writer(&mut page)?;
    for sub in command.get_subcommands() {
        let mut title = Roff::new();
        title.control("SS", [format!("warta {}", sub.get_name()).as_str()]);
        title.to_writer(&mut page)?;
        let mut options = Vec::new();
        clap_mangen::Man::new(sub.clone()).render_options_section(&mut options)?;
        // clap_mangen heads the list with its own `.SH OPTIONS`; here it is a sub-section.
        let options = String::from_utf8(options)?.replacen(".SH OPTIONS\n", "", 1);
        page.extend_from_slice(options.as_bytes());
    }

    let mut extra = Roff::new();
    extra.control("SH", ["QUERY LANGUAGE"]);
    extra.text([roman(
        "Words are searched in every language's analysis of the text (stemmed and as written) \
         and ranked by BM25. The parser is lenient: an unclosed quote or parenthesis closes at \
         the end of the query, and word: with an unknown field is searched as text.",
    )]);
    rows(&mut extra, QUERY_LANGUAGE, |form| vec![bold(form)]);
    extra.control("SH", ["EXIT STATUS"]);
    rows(&mut extra, EXIT_STATUS, |code| vec![bold(code)]);
    extra.text([roman(
        "Errors are one line on stderr, \"warta: what went wrong; hint\". A closed pipe is not \
         an error.",
    )]);
    extra.control("SH", ["ENVIRONMENT"]);
    rows(
        &mut extra,
        &[
            ("WARTA_INDEX", "the index directory, as --index"),
            (
                "NO_COLOR",
                "no colour with --color auto, when set and not empty",
            ),
        ],
        |name| vec![bold(name)],
    );
    extra.control("SH", ["FILES"]);
    rows(
        &mut extra,
        &[
            (
                "index/",
                "the index, unless --index or WARTA_INDEX names another",
            ),
            (
                "corpus/",
                "indexed when no paths are given and the index remembers none",
            ),
        ],
        |path| vec![italic(path)],
    );
    extra.to_writer(&mut page)?;
    man.render_version_section(&mut page)?;
    Ok(once_preamble(&String::from_utf8(page)?))
}

/// The page with roff's apostrophe preamble (which every rendered piece starts with) only at
/// its top.
fn once_preamble(page: &str) -> String {
    let is_preamble =
        |line: &str| line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq");
    let preamble: Vec<&str> = page.lines().take_while(|l| is_preamble(l)).collect();
    let body = page.lines().filter(|l| !is_preamble(l));
    let mut out = String::with_capacity(page.len());
    for line in preamble.into_iter().chain(body) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A tagged paragraph per row: the first cell as the tag, set by `tag`; the second as text.
fn rows(roff: &mut Roff, rows: &[(&str, &str)], tag: impl Fn(&str) -> Vec<Inline>) {
    for (first, second) in rows {
        roff.control("TP", []);
        roff.text(tag(first));
        roff.text([roman(*second)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manual_page_has_every_command_and_the_extra_sections() {
        let page = manual_page().unwrap();
        assert!(page.contains("\n.TH warta 1 "), "{}", &page[..80]);
        for section in [
            "COMMANDS",
            "COMMAND OPTIONS",
            "QUERY LANGUAGE",
            "EXIT STATUS",
            "ENVIRONMENT",
        ] {
            let heading = |line: &str| {
                line.strip_prefix(".SH ").map(|h| h.trim_matches('"')) == Some(section)
            };
            assert!(page.lines().any(heading), "{section}");
        }
        for command in Cli::command().get_subcommands() {
            let heading = format!(".SS \"warta {}\"", command.get_name());
            assert!(page.contains(&heading), "{heading}");
        }
        assert!(page.contains(env!("WARTA_VERSION")));
        assert_eq!(page.matches(".ds Aq").count(), 2, "one preamble");
    }
}
