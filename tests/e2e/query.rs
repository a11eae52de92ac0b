//! Every form of the query language on a small corpus written here, asserting the articles
//! found (and their order where the language says it).

use crate::json::SearchJson;
use crate::util::Sandbox;

fn corpus() -> Sandbox {
    let s = Sandbox::empty();
    let doc = |name: &str, date: &str, source: &str, title: &str, body: &str| {
        s.write(
            &format!("q/{name}.txt"),
            format!("Date: {date}\nSource: {source}\n\n{title}\n\n{body}\n"),
        );
    };
    doc(
        "a",
        "2024-03-01",
        "Alpha",
        "Meta and Scale AI deepen ties",
        "Meta invested in Scale AI this spring. The meta scale deal is large for both firms.",
    );
    doc(
        "b",
        "2024-06-01",
        "Beta",
        "Scale of Meta's data centres",
        "Meta builds at scale across Asia, and Microsoft watches the growth of its rival closely.",
    );
    doc("c", "2025-01-10", "Gamma", "Kemitraan baru untuk startup lokal",
        "Program kemitraan ini membantu startup lokal berkembang. Microsoft juga ikut mendukung program tersebut.");
    doc(
        "d",
        "2025-02-01",
        "Alpha",
        "Typo in a press release",
        "The press release spelled micrsoft wrongly, and nobody noticed before it went out.",
    );
    doc(
        "e",
        "2023-05-05",
        "Beta",
        "Windows update ships",
        "Microsoft released an update for Windows that fixes a printing fault in offices.",
    );
    s.run(&["index", "q", "-q"]).code(0);
    s
}

/// The file names found, in rank order.
fn found(s: &Sandbox, query: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["search", query, "--json", "-n", "50"];
    args.extend_from_slice(extra);
    let run = s.run(&args);
    assert!(run.code == 0 || run.code == 1, "{query}: {}", run.stderr);
    let hits: SearchJson = run.json();
    hits.hits
        .iter()
        .map(|h| {
            h.path
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".txt")
                .to_string()
        })
        .collect()
}

fn set(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

#[test]
fn every_form_of_the_query_language() {
    let s = corpus();
    let q = |query: &str| found(&s, query, &[]);
    // Phrases, and phrases with slop.
    assert_eq!(q("\"meta scale\""), ["a"]);
    assert_eq!(set(q("\"meta scale\"~2")), ["a", "b"]);
    // Boolean logic, signs and grouping.
    assert_eq!(q("meta AND microsoft"), ["b"]);
    assert_eq!(set(q("meta OR kemitraan")), ["a", "b", "c"]);
    assert_eq!(q("meta NOT microsoft"), ["a"]);
    assert_eq!(q("meta -microsoft"), ["a"]);
    assert_eq!(
        q("+meta microsoft"),
        ["b", "a"],
        "both have meta; b has microsoft too"
    );
    assert_eq!(set(q("(meta OR kemitraan) AND microsoft")), ["b", "c"]);
    // Fields.
    assert_eq!(set(q("title:scale")), ["a", "b"]);
    assert_eq!(q("body:watches"), ["b"]);
    assert_eq!(q("source:gamma"), ["c"]);
    assert_eq!(q("lang:id"), ["c"]);
    assert_eq!(set(q("microsoft source:beta")), ["b", "e"]);
    // Dates.
    assert_eq!(set(q("published:[2024-01-01 TO 2024-12-31]")), ["a", "b"]);
    assert_eq!(set(q("published:2025")), ["c", "d"]);
    assert_eq!(set(q("published:<2024")), ["e"]);
    // d's "micrsoft" is one edit away, but "microsoft" is common here (3 articles), so its
    // misspellings are not looked for.
    assert_eq!(set(q("microsoft published:>=2024-06-01")), ["b", "c"]);
    // Prefixes.
    assert_eq!(q("kemitra*"), ["c"]);
    assert_eq!(set(q("wind* OR print*")), ["e"]);
}

#[test]
fn misspellings_match_with_the_exact_spelling_first() {
    let s = corpus();
    let loose = found(&s, "micrsoft", &[]);
    assert_eq!(
        loose[0], "d",
        "the article that spells it so comes first: {loose:?}"
    );
    assert_eq!(set(loose), ["b", "c", "d", "e"]);
    assert_eq!(found(&s, "micrsoft", &["--exact"]), ["d"]);
    // A misspelling with no exact match anywhere finds the word meant.
    assert_eq!(set(found(&s, "kemitaan", &[])), ["c"]);
    assert!(found(&s, "kemitaan", &["--exact"]).is_empty());
    // Two edits for long words, none for short ones.
    assert_eq!(found(&s, "windowz", &[]), ["e"]);
    assert_eq!(found(&s, "printnig", &[]), ["e"]);
    assert!(found(&s, "mta", &[]).is_empty(), "three letters: no typos");
    // Fuzzy matches are highlighted.
    let hits: SearchJson = s.run(&["search", "kemitaan", "--json"]).code(0).json();
    let chars: Vec<char> = hits.hits[0].snippet.chars().collect();
    let marked: Vec<String> = hits.hits[0]
        .highlights
        .iter()
        .map(|&(a, b)| chars[a..b].iter().collect())
        .collect();
    assert!(
        marked.iter().any(|m| m.to_lowercase() == "kemitraan"),
        "{marked:?}"
    );
}
