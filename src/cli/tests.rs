//! Tests of `src/cli/mod.rs`, kept beside it.

use clap::CommandFactory;

use super::*;

#[test]
fn the_cli_is_well_formed() {
    Cli::command().debug_assert();
}

#[test]
fn global_options_go_before_or_after_the_subcommand() {
    let before = Cli::try_parse_from(["warta", "--index", "D", "search", "x"]).unwrap();
    let after = Cli::try_parse_from(["warta", "search", "x", "--index", "D"]).unwrap();
    assert_eq!(before.index, Some(PathBuf::from("D")));
    assert_eq!(after.index, Some(PathBuf::from("D")));
}

#[test]
fn query_words_are_collected() {
    let cli =
        Cli::try_parse_from(["warta", "search", "scale", "ai", "--limit", "3", "--json"]).unwrap();
    let Command::Search(args) = cli.command else {
        panic!("not search")
    };
    assert_eq!(args.query, ["scale", "ai"]);
    assert_eq!(args.limit, 3);
    assert!(args.json);
}

#[test]
fn bad_values_are_refused() {
    assert!(Cli::try_parse_from(["warta", "search", "x", "--limit", "many"]).is_err());
    assert!(Cli::try_parse_from(["warta", "search", "x", "--color", "sometimes"]).is_err());
    assert!(Cli::try_parse_from(["warta", "index", "--threads", "0"]).is_err());
    assert_eq!(parse_size("128M"), Ok(128 << 20));
    assert_eq!(parse_size("4MiB"), Ok(4 << 20));
    assert_eq!(parse_size("512k"), Ok(512 << 10));
    assert_eq!(parse_size("4096"), Ok(4096));
    assert!(parse_size("0").is_err() && parse_size("12X").is_err());
    assert!(Cli::try_parse_from(["warta", "search"]).is_err());
    assert!(Cli::try_parse_from(["warta", "export", "--after", "corpus/a.txt"]).is_err());
    for bad in ["0", "-1", "soon", "NaN", "1e300"] {
        let args = ["warta", "index", "--commit-every", bad];
        assert!(Cli::try_parse_from(args).is_err(), "{bad}");
    }
}

#[test]
fn export_takes_a_file_and_an_id_to_start_after() {
    let cli = Cli::try_parse_from([
        "warta",
        "export",
        "-o",
        "a.jsonl",
        "--after",
        "00FF00ff00ff00ff",
    ])
    .unwrap();
    let Command::Export(args) = cli.command else {
        panic!("not export")
    };
    assert_eq!(args.output, Some(PathBuf::from("a.jsonl")));
    assert_eq!(args.after.as_deref(), Some("00ff00ff00ff00ff"));
    assert!(Cli::try_parse_from(["warta", "export", "--after", "00ff"]).is_err());
}

#[test]
fn commit_interval_takes_seconds_and_fractions() {
    let interval = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
        Command::Index(args) => args.commit_every,
        other => panic!("not index: {other:?}"),
    };
    assert_eq!(interval(&["warta", "index"]), Duration::from_secs(30));
    let args = ["warta", "index", "--commit-every", "0.25"];
    assert_eq!(interval(&args), Duration::from_millis(250));
}

/// Every `docs/*.md` page, as one text.
fn docs() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).expect("docs/") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            text += &std::fs::read_to_string(&path).unwrap();
        }
    }
    text
}

/// Whether `word` occurs in `text` not as the start of a longer name (`--json` is not
/// found in `--jsonl`).
fn mentions(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let next = text[at + word.len()..].chars().next();
        !next.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_')
    })
}

/// `(command path, long flag)` for every flag of `command` and its subcommands.
fn long_flags(command: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
        if let Some(long) = arg.get_long() {
            out.push((path.to_string(), format!("--{long}")));
        }
    }
    for sub in command.get_subcommands() {
        long_flags(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_command_and_flag_is_in_the_docs() {
    let docs = docs();
    let mut command = Cli::command();
    command.build();
    let missing_commands: Vec<String> = command
        .get_subcommands()
        .map(|sub| format!("`warta {}", sub.get_name()))
        .filter(|heading| !mentions(&docs, heading))
        .collect();
    assert!(
        missing_commands.is_empty(),
        "commands no docs/*.md page names: {missing_commands:?}"
    );
    let mut flags = Vec::new();
    long_flags(&command, "warta", &mut flags);
    assert!(flags.iter().any(|(_, flag)| flag == "--snippet-chars"));
    let missing_flags: Vec<String> = flags
        .into_iter()
        .filter(|(_, flag)| !mentions(&docs, &format!("`{flag}")))
        .map(|(path, flag)| format!("{path} {flag}"))
        .collect();
    assert!(
        missing_flags.is_empty(),
        "flags no docs/*.md page names in backquotes: {missing_flags:?}"
    );
}

#[test]
fn a_flag_is_not_found_inside_a_longer_one() {
    assert!(mentions("`--json` or `--format`", "`--json"));
    assert!(!mentions("`--jsonl`", "`--json"));
    assert!(!mentions("`--snippets-max`", "`--snippets"));
    assert!(mentions("`--snippets N`", "`--snippets"));
}

#[test]
fn the_readme_is_short_and_links_every_docs_page() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines < 250,
        "README.md has {lines} lines; the reference belongs in docs/"
    );
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".md") {
            let link = format!("](docs/{name})");
            assert!(
                readme.contains(&link),
                "README.md does not link docs/{name}"
            );
        }
    }
}
