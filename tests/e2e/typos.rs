//! Typo transparency: a hit found only through a misspelling says so, the JSON output lists
//! what each misspelt word stood for, and a query none of whose words is in the index as typed
//! says which words were searched instead.

use crate::json::SearchJson;
use crate::util::Sandbox;

/// Two articles: one says `covid`, the other only `covia` (one letter off).
fn corpus() -> Sandbox {
    let s = Sandbox::empty();
    s.write(
        "in/covid.txt",
        "Covid vaccine rollout\n\nThe covid vaccine reaches the islands this week.\n",
    );
    s.write(
        "in/covia.txt",
        "Covia outbreak in the lab\n\nThe covia strain spread among the mice in spring.\n",
    );
    s.run(&["index", "in", "-q"]).code(0);
    s
}

#[test]
fn a_hit_matched_only_through_a_typo_says_so_under_it() {
    let s = corpus();
    let run = s.run(&["search", "covid"]).code(0);
    assert_eq!(
        run.stdout,
        " 1. Covid vaccine rollout\n    in/covid.txt  en\n    The covid vaccine reaches the \
         islands this week.\n\n 2. Covia outbreak in the lab\n    in/covia.txt  en\n    The \
         covia strain spread among the mice in spring.\n    matched: covia (for covid)\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn json_lists_each_misspelt_word_with_what_it_stood_for() {
    let s = corpus();
    let found: SearchJson = s.run(&["search", "covid", "--json"]).code(0).json();
    assert_eq!(found.expanded["covid"], ["covia"]);
    assert_eq!(found.hits.len(), 2);
    assert!(found.hits[0].path.ends_with("covid.txt"));
    assert!(found.hits[0].typo_matches.is_empty());
    assert_eq!(found.hits[1].typo_matches["covid"], ["covia"]);
    // Prefix words are not listed: the `*` asked for every word they begin.
    let prefix: SearchJson = s.run(&["search", "cov*", "--json"]).code(0).json();
    assert!(prefix.expanded.is_empty(), "{:?}", prefix.expanded);
    assert!(prefix.hits.iter().all(|h| h.typo_matches.is_empty()));
    // As spelt: nothing is expanded.
    let exact: SearchJson = s
        .run(&["search", "covid", "--exact", "--json"])
        .code(0)
        .json();
    assert!(exact.expanded.is_empty());
    assert_eq!(exact.hits.len(), 1);
}

#[test]
fn a_query_whose_every_word_was_replaced_says_what_was_searched() {
    let s = corpus();
    let run = s.run(&["search", "vacine", "rolout"]).code(0);
    assert!(
        run.stdout.starts_with(
            "showing results for vaccine rollout (no article has vacine or rolout)\n\n 1. Covid \
             vaccine rollout\n"
        ),
        "{}",
        run.stdout
    );
    // For scripts stdout holds the hits alone; the note goes to stderr, and -q silences it.
    let paths = s
        .run(&["search", "vacine", "rolout", "--format", "paths"])
        .code(0);
    assert_eq!(paths.stdout, "in/covid.txt\n");
    assert_eq!(
        paths.stderr,
        "warta: showing results for vaccine rollout (no article has vacine or rolout)\n"
    );
    let quiet = s
        .run(&["search", "vacine", "rolout", "--format", "tsv", "-q"])
        .code(0);
    assert_eq!(quiet.stderr, "");
    // One word as typed is enough for the results to be for the query.
    let partly = s.run(&["search", "vacine", "covid"]).code(0);
    assert!(
        partly.stdout.starts_with(" 1. Covid vaccine rollout\n"),
        "{}",
        partly.stdout
    );
}
