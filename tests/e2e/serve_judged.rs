//! `GET /api/search` answers every judged query of `eval/` exactly as `warta search --json`
//! does (ids, order, scores, snippets, highlights, facets), over the corpora they were judged
//! on. Reads `../shared`: ignored by plain `cargo test`.

use serde_json::Value;

use crate::serve::{enc, untimed, Server};
use crate::util::{corpora, root, Sandbox};

/// The queries of the judged sets (`qid<TAB>query<TAB>judgments`, `#` comments).
fn judged_queries() -> Vec<String> {
    let mut queries = Vec::new();
    for set in ["en", "id", "heldout-en", "heldout-id"] {
        let text = std::fs::read_to_string(root().join(format!("eval/{set}.tsv"))).unwrap();
        let lines = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        queries.extend(lines.map(|l| l.split('\t').nth(1).unwrap().to_string()));
    }
    queries
}

#[test]
#[ignore = "reads ../shared; run with cargo test -- --ignored"]
fn shared_api_search_equals_search_json_over_the_judged_queries() {
    let corpora = corpora();
    let sandbox = Sandbox::empty();
    let roots = ["bbc-tech", "bbc-other", "id-tech/txt"].map(|r| corpora.join(r));
    let mut args = vec!["index".to_string()];
    args.extend(roots.iter().map(|r| r.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sandbox.run(&args).code(0);
    let server = Server::start(&sandbox, &[]);
    let queries = judged_queries();
    assert!(queries.len() >= 130, "{} judged queries", queries.len());
    for (n, query) in queries.iter().enumerate() {
        // Every other query with facets and a second page, so both paths are compared.
        let (flags, params): (&[&str], &str) = match n % 2 {
            0 => (&[], ""),
            _ => (
                &["--facet", "source", "--facet", "year", "--offset", "5"],
                "&facet=source&facet=year&offset=5",
            ),
        };
        let mut args = vec!["search", "--json", query.as_str()];
        args.extend(flags);
        let cli = sandbox.run(&args);
        assert!(cli.code == 0 || cli.code == 1, "{query}: {}", cli.stderr);
        let cli: Value = serde_json::from_str(&cli.stdout).unwrap();
        let answer = server.get(&format!("/api/search?q={}{params}", enc(query)));
        assert_eq!(answer.status, 200, "{query}: {}", answer.text());
        assert_eq!(untimed(answer.json()), untimed(cli), "{query} {flags:?}");
    }
}
