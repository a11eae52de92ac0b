//! A huge article is searched like an ordinary one: a hit reads the first 128 KiB of its lede
//! and body (`schema::STORED_BODY_BYTES`), the snippet code a bounded part of that
//! (`search::snippet::SCAN_BYTES`), while `show` and `export` give it whole. What it costs is
//! measured beside an ordinary article by `cargo bench --bench search -- --big-article`.

use crate::util::Sandbox;

#[test]
fn a_4_mib_article_is_found_with_a_cut_snippet_and_shown_whole() {
    let sandbox = Sandbox::empty();
    // Just under the per-article cap, so all of it is indexed and stored, with the query word
    // all through it: the worst case for finding matches.
    let line = "Zebrafoo servers in the region kept answering while engineers moved traffic. ";
    let text = line.repeat((4 << 20) / line.len() - 1);
    let huge = format!("A huge zebrafoo article\n\n{text}\n\nThe last paragraph, zebrafoo.\n");
    assert!(huge.len() < 4 << 20);
    sandbox.write("a/huge.txt", &huge);
    sandbox.write(
        "a/normal.txt",
        "A normal quokkabar article\n\nQuokkabar servers in the region kept answering while \
         engineers moved traffic. The outage lasted an hour.\n",
    );
    sandbox.run(&["index", "a"]).code(0);

    // The snippet still comes from the article, and says it was cut.
    let hits: serde_json::Value = sandbox
        .run(&["search", "zebrafoo", "--format", "json"])
        .code(0)
        .json();
    let snippet = hits["hits"][0]["snippet"].as_str().unwrap_or_default();
    assert!(
        snippet.contains("Zebrafoo") && snippet.ends_with('…'),
        "{hits}"
    );

    // Shown and exported whole: the lede (one paragraph of 4 MiB) and the body.
    let shown: serde_json::Value = sandbox
        .run(&["show", "--json", "a/huge.txt"])
        .code(0)
        .json();
    assert_eq!(
        shown["lede"].as_str().map(str::len),
        Some(text.trim_end().len())
    );
    assert_eq!(shown["body"], "The last paragraph, zebrafoo.");
    let exported = sandbox.run(&["export"]).code(0).stdout;
    let huge_line = exported
        .lines()
        .find(|l| l.contains("A huge zebrafoo article"))
        .unwrap();
    let exported: serde_json::Value = serde_json::from_str(huge_line).unwrap();
    assert_eq!(exported["lede"], shown["lede"]);
}

/// A match far into a long article (60 KiB into 100 KiB, the rest of its words no match) is
/// found and highlighted, with the passage around it, as in a short article.
#[test]
fn a_match_deep_in_a_long_article_is_found_and_highlighted() {
    let sandbox = Sandbox::empty();
    let line = "Engineers moved traffic between the regions while servers kept answering. ";
    let before = line.repeat((60 << 10) / line.len() + 1);
    let after = line.repeat((40 << 10) / line.len());
    let deep = "The quokkabar migration finished at night.";
    let text = format!("A long article\n\n{before}{deep} {after}\n");
    assert!(text.find("quokkabar").is_some_and(|at| at > 60 << 10));
    sandbox.write("a/long.txt", &text);
    sandbox.write(
        "a/short.txt",
        format!("A short article\n\nThe lede is here.\n\n{line}{deep} {line}\n"),
    );
    sandbox.run(&["index", "a"]).code(0);
    let hits: serde_json::Value = sandbox
        .run(&["search", "quokkabar", "--format", "json"])
        .code(0)
        .json();
    let hits = hits["hits"].as_array().cloned().unwrap_or_default();
    assert_eq!(hits.len(), 2, "{hits:?}");
    for hit in &hits {
        let snippet = hit["snippet"].as_str().unwrap_or_default();
        assert!(snippet.contains(deep), "{hit}");
        let chars: Vec<char> = snippet.chars().collect();
        let marked: Vec<String> = hit["highlights"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| {
                let (a, b) = (
                    h[0].as_u64().unwrap() as usize,
                    h[1].as_u64().unwrap() as usize,
                );
                chars[a..b].iter().collect()
            })
            .collect();
        assert_eq!(marked, ["quokkabar"], "{hit}");
    }
}
