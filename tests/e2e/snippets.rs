//! A huge article costs a search that matches it no more than an ordinary one: the snippet
//! code reads a bounded part of each hit's text (`search::snippet::SCAN_BYTES`).

use std::time::{Duration, Instant};

use crate::util::Sandbox;

/// The fastest of `runs` searches for `query`, each asserted to find something.
fn best_of(sandbox: &Sandbox, query: &str, runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            sandbox.run(&["search", query, "--format", "json"]).code(0);
            started.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn a_search_matching_a_4_mib_article_costs_about_what_one_matching_a_normal_article_does() {
    let sandbox = Sandbox::empty();
    // Just under the per-article cap, so all of it is indexed and stored, with the query word
    // all through it: the worst case for finding matches.
    let line = "Zebrafoo servers in the region kept answering while engineers moved traffic. ";
    let huge = format!(
        "A huge zebrafoo article\n\n{}",
        line.repeat((4 << 20) / line.len() - 1)
    );
    assert!(huge.len() < 4 << 20);
    sandbox.write("a/huge.txt", &huge);
    sandbox.write(
        "a/normal.txt",
        "A normal quokkabar article\n\nQuokkabar servers in the region kept answering while \
         engineers moved traffic. The outage lasted an hour.\n",
    );
    sandbox.run(&["index", "a"]).code(0);

    // Warm both (the page cache, the first open) before timing.
    best_of(&sandbox, "zebrafoo", 1);
    best_of(&sandbox, "quokkabar", 1);
    let huge = best_of(&sandbox, "zebrafoo", 5);
    let normal = best_of(&sandbox, "quokkabar", 5);
    let ratio = huge.as_secs_f64() / normal.as_secs_f64();
    // Before the bound on scanned text it was 45x; what is left is reading the stored document
    // (about 4x in a quiet debug build): the margin keeps a busy machine from deciding.
    assert!(
        ratio < 8.0,
        "matching the huge article took {huge:?}, the normal one {normal:?} ({ratio:.1}x)"
    );

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
}
