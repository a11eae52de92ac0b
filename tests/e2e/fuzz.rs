//! Hostile and random query strings through the whole query path (parse, build, search,
//! snippets) on a small index: every one is answered or refused with a one-line message.

use std::sync::OnceLock;

use proptest::prelude::*;
use warta::index::{run_index, IndexOptions, NoProgress};
use warta::search::{Engine, SearchOptions};
use warta::Error;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = crate::util::root().join("corpus");
            let options = IndexOptions::new(dir.path().join("ix"), vec![corpus]);
            run_index(&options, &NoProgress, &Default::default()).unwrap();
            let engine = Engine::open(&dir.path().join("ix")).unwrap();
            (dir, engine)
        })
        .1
}

fn check(query: &str) {
    let mut options = SearchOptions::new(query);
    options.limit = 5;
    match engine().search(&options) {
        Ok(hits) => {
            for hit in hits.hits {
                let n = hit.snippet.text.chars().count();
                assert!(
                    hit.snippet.highlights.iter().all(|&(a, b)| a < b && b <= n),
                    "{query:?}"
                );
            }
        }
        Err(err @ (Error::BadQuery { .. } | Error::QueryTooCostly(_))) => {
            let message = err.to_string();
            assert!(
                !message.contains('\n') && !message.is_empty(),
                "{query:?}: {message:?}"
            );
        }
        Err(other) => panic!("{query:?}: unexpected error {other}"),
    }
}

/// Pieces of query syntax, to make strings that are almost valid.
pub(crate) fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(" AND ".to_string()),
        Just(" OR ".to_string()),
        Just("NOT ".to_string()),
        Just("+".to_string()),
        Just("-".to_string()),
        Just("title:".to_string()),
        Just("body:".to_string()),
        Just("source:".to_string()),
        Just("lang:".to_string()),
        Just("nosuchfield:".to_string()),
        Just("~2".to_string()),
        Just("*".to_string()),
        Just("\u{202e}".to_string()),
        Just("\x1b[31m".to_string()),
        Just("\0".to_string()),
        Just(" ".to_string()),
        "[a-zA-Z]{1,12}",
        "(investasi|data|AI|5G|Go-Jek|kemitraan|outage|funding)",
        "\\PC{1,6}",
        "[\\x00-\\x1f]{1,3}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_unicode_strings(query in "\\PC{0,60}") {
        check(&query);
    }

    #[test]
    fn syntax_soup(pieces in proptest::collection::vec(piece(), 0..20)) {
        check(&pieces.concat());
    }
}

#[test]
fn hostile_strings() {
    let long_word = "a".repeat(10_000);
    let long_words = "data ".repeat(2_000);
    let long_quotes = "\"".repeat(10_000);
    let deep = "(".repeat(5_000) + "x" + &")".repeat(5_000);
    let unbalanced = "((((\"meta scale".to_string();
    for query in [
        long_word.as_str(),
        &long_words,
        &long_quotes,
        &deep,
        &unbalanced,
        "title:",
        "nosuch:field",
        "\"\"",
        "()",
        "-",
        "--",
        "NOT",
        "AND OR NOT",
        "-investasi",
        "\u{0}\u{1}\u{7f}",
        "title:(\"a b\"~999999999999)",
        "NOT title:~2+AI",
        "NOT \"data center\"",
    ] {
        check(query);
    }
}

/// A sloppy phrase of `n` times `word`.
pub fn phrase(word: &str, n: usize, slop: u32) -> String {
    format!("\"{}\"~{slop}", vec![word; n].join(" "))
}

/// Queries built to exhaust memory or time: repeated words in sloppy phrases, huge slops, open
/// date ranges, thousands of terms, deep nesting (`hostile.rs` runs them under a memory limit).
pub fn costly_queries() -> Vec<String> {
    let mut queries = vec![
        phrase("microsoft", 40, 100),
        phrase("microsoft", 250, 100),
        phrase("data", 8, 1_000_000),
        phrase("cloud", 2, 100),
        format!("\"{}\"~100", "cloud-".repeat(60)),
        "data ".repeat(10_000),
        "\"data\"~3 ".repeat(5_000),
        "(".repeat(100_000) + "x" + &")".repeat(100_000),
        (0..10_000)
            .map(|n| format!("w{n}"))
            .collect::<Vec<_>>()
            .join(" OR "),
    ];
    for range in [
        "[* TO *]",
        "{* TO *}",
        "[* TO 2025]",
        "[2024 TO *]",
        "{2024 TO *}",
        "{* TO 2025}",
        "[0001 TO 9999]",
        "2400",
        "<=9999",
        ">1000",
        "[ TO ]",
    ] {
        queries.push(format!("published:{range}"));
        queries.push(format!("cloud published:{range}"));
    }
    queries
}

/// Each of the [`costly_queries`] is answered or refused with a message.
#[test]
fn costly_queries_are_answered_or_refused() {
    for query in &costly_queries() {
        check(query);
    }
    let refused = |query: &str| {
        let options = SearchOptions::new(query);
        matches!(engine().search(&options), Err(Error::QueryTooCostly(_)))
    };
    assert!(refused(&phrase("microsoft", 40, 100)));
    assert!(!refused(&phrase("cloud", 2, 100)));
    let all = engine().search(&SearchOptions::new("published:[* TO *]"));
    assert!(!all.unwrap().hits.is_empty());
}
