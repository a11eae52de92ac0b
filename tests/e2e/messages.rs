//! What a person reads when something is wrong: one line, `warta: what; hint`, for argument
//! errors as for every other; OS errors that say what warta was doing where; and, on a
//! terminal, why a search found nothing when warta can tell. Each message word for word.

use std::process::Command;

use crate::util::{bin, Run, Sandbox};

fn indexed() -> Sandbox {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    s
}

/// Asserts a run failed with exit 2, nothing on stdout and exactly `line` on stderr.
fn assert_error(run: Run, line: &str) {
    let run = run.code(2);
    assert_eq!(run.stderr, format!("{line}\n"));
    assert_eq!(run.stdout, "");
}

#[test]
fn argument_errors_are_one_line_with_clap_suggestions() {
    let s = Sandbox::empty();
    let cases: [(&[&str], &str); 7] = [
        (
            &["search", "x", "--limt", "3"],
            "warta: unexpected argument '--limt'; a similar argument exists: '--limit'",
        ),
        (
            &["search", "x", "--sort", "dat"],
            "warta: invalid value 'dat' for '--sort <SORT>'; possible values: relevance, date; \
             a similar value exists: 'date'",
        ),
        (
            &["search", "x", "--limit", "many"],
            "warta: invalid value 'many' for '--limit <N>': invalid digit found in string; \
             see `warta search --help`",
        ),
        (
            &["serch", "x"],
            "warta: unrecognized subcommand 'serch'; some similar subcommands exist: 'serve', 'search'",
        ),
        (
            &["show"],
            "warta: the following required arguments were not provided: <ID|PATH>; \
             see `warta show --help`",
        ),
        (
            &["search", "x", "--json", "--format", "tsv"],
            "warta: the argument '--json' cannot be used with '--format <FORMAT>'; \
             see `warta search --help`",
        ),
        (
            &["index", "--threads", "0"],
            "warta: invalid value '0' for '--threads <N>': 0 is not in 1..=256; \
             see `warta index --help`",
        ),
    ];
    for (args, line) in cases {
        assert_error(s.run(args), line);
    }
}

#[test]
fn a_query_that_looks_like_a_flag_is_shown_how_to_pass_it() {
    let s = indexed();
    assert_error(
        s.run(&["search", "-data"]),
        "warta: unexpected argument '-data'; to pass '-data' as a value, \
         write `warta search -- -data`",
    );
    assert_error(
        s.run(&["search", "-nimbus"]),
        "warta: invalid value 'imbus' for '--limit <N>': invalid digit found in string; \
         to pass '-nimbus' as a value, write `warta search -- -nimbus`",
    );
    // What the hint says works.
    assert!([0, 1].contains(&s.run(&["search", "--", "-data"]).code));
}

#[test]
fn help_and_version_print_as_usual() {
    let s = Sandbox::empty();
    let help = s.run(&["search", "--help"]).code(0);
    assert!(
        help.stdout.starts_with("Search the index\n"),
        "{}",
        help.stdout
    );
    assert_eq!(help.stderr, "");
    let version = s.run(&["--version"]).code(0);
    assert!(version.stdout.starts_with("warta "), "{}", version.stdout);
}

#[test]
fn os_errors_name_what_warta_was_doing_and_where() {
    let s = Sandbox::with_corpus();
    s.write("some-file.txt", "not a folder\n");
    assert_error(
        s.run(&["--index", "some-file.txt", "index", "corpus"]),
        "warta: writing the index in some-file.txt: File exists (os error 17); \
         --index names a folder (made when missing), not a file",
    );
    assert_error(
        s.run(&["--index", "some-file.txt/index", "index", "corpus"]),
        "warta: writing the index in some-file.txt/index: Not a directory (os error 20); \
         --index names a folder (made when missing), not a file",
    );
}

#[test]
fn a_file_of_several_records_is_named_by_record() {
    let s = indexed();
    let file = "corpus/briefs-2025-11.jsonl";
    let line = format!(
        "warta: no article with id or path {file}: it is a file of several articles; \
         name one by its record number, e.g. `{file}#1`"
    );
    assert_error(s.run(&["show", file]), &line);
    assert_error(s.run(&["similar", file]), &line);
    s.run(&["show", &format!("{file}#1")]).code(0);
    assert_error(
        s.run(&["show", "nothing-here"]),
        "warta: no article with id or path nothing-here; ids and paths are shown by \
         `warta search`",
    );
}

#[test]
fn an_unknown_language_is_refused_with_those_the_index_holds() {
    let s = indexed();
    assert_error(
        s.run(&["search", "nimbus", "--lang", "fr"]),
        "warta: --lang fr: no article in the index is in that language; the index holds en, id",
    );
    // Names of a held language are still welcome, and a held one with no match is no error.
    s.run(&["search", "nimbus", "--lang", "English", "-q"])
        .code(0);
    s.run(&["search", "zzzqqq", "--lang", "id", "-q"]).code(1);
}

#[test]
fn bad_queries_get_a_hint_that_fits() {
    let s = indexed();
    assert_error(
        s.run(&["search", "published:2025-13-45"]),
        "warta: bad query: `2025-13-45` is not a date or range (e.g. 2024, 2024-05, \
         2024-05-01, [2024-01-01 TO 2024-06-30], >=2024-05-01) (at character 0); \
         write dates as ISO years, months or days, e.g. 2025, 2025-08, 2025-08-29",
    );
    assert_error(
        s.run(&["search", "title:("]),
        "warta: bad query: nothing to search for (at character 0); give a word to search \
         for; quote an operator to search for it, e.g. \"AND\"",
    );
}

/// Runs warta in `s` on a pseudo-terminal (through `script`), returning what the terminal
/// showed, lines ended by `\n`, and the exit code; `None` where `script` is missing.
fn on_terminal(s: &Sandbox, args: &[&str]) -> Option<(String, i32)> {
    let quoted: Vec<String> = std::iter::once(bin().display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let output = Command::new("script")
        .args(["-qec", &quoted.join(" "), "/dev/null"])
        .current_dir(s.path())
        .env_remove("WARTA_INDEX")
        .env_remove("NO_COLOR")
        .env("TERM", "dumb")
        .output()
        .ok()?;
    let shown = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    Some((shown, output.status.code().unwrap_or(-1)))
}

#[test]
fn a_search_with_no_hits_on_a_terminal_says_why_when_it_knows() {
    let s = indexed();
    let cases: [(&[&str], &str); 3] = [
        (
            &["search", "k*"],
            "warta: no matches: a prefix needs two letters or more, so `k*` was read as the \
             word `k`",
        ),
        (
            &["search", "qx*"],
            "warta: no matches: no word in the index begins with `qx`",
        ),
        (
            &[
                "search",
                "nimbus",
                "--since",
                "2025-06-01",
                "--until",
                "2025-01-01",
            ],
            "warta: no matches: the dates leave no time between them (--since is not before \
             --until); swap them",
        ),
    ];
    for (args, line) in cases {
        let Some((shown, code)) = on_terminal(&s, args) else {
            eprintln!("no `script` to run a terminal with: skipped");
            return;
        };
        assert_eq!(code, 1, "{shown}");
        assert!(
            shown.ends_with(&format!("(0 matches in all)\n{line}\n")),
            "{args:?}: {shown:?}"
        );
        // A pipe gets no such line: scripts read the exit code.
        let piped = s.run(args).code(1);
        assert_eq!((piped.stdout.as_str(), piped.stderr.as_str()), ("", ""));
    }
    // A search that knows no reason says nothing more.
    let (shown, code) = on_terminal(&s, &["search", "zzzqqq"]).unwrap();
    assert_eq!(
        (shown.as_str(), code),
        ("\nno hits on this page (0 matches in all)\n", 1)
    );
}
