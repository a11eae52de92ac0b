//! Source names: counted and filtered whatever their case, shown as their articles write them.

use std::collections::BTreeMap;

use crate::json::{SearchJson, StatsJson};
use crate::util::Sandbox;

/// Three articles from KabarTekno (one of them spelt `kabartekno`) and one from DailySocial.
fn corpus() -> Sandbox {
    let s = Sandbox::empty();
    let doc = |name: &str, source: &str, title: &str| {
        s.write(
            &format!("news/{name}.txt"),
            format!("Source: {source}\n\n{title}\n\nStartup lokal membuka kantor baru di Batam.\n"),
        );
    };
    doc("a", "KabarTekno", "Startup lokal buka kantor di Batam");
    doc("b", "KabarTekno", "Kantor baru startup di Batam");
    doc("c", "kabartekno", "Batam jadi rumah startup");
    doc("d", "DailySocial", "Startup Batam menarik investor");
    s.run(&["index", "-q", "news"]).code(0);
    s
}

#[test]
fn sources_are_shown_as_written_and_matched_in_any_case() {
    let s = corpus();
    let expected = BTreeMap::from([
        ("DailySocial".to_string(), 1),
        ("KabarTekno".to_string(), 3),
    ]);

    let stats: StatsJson = s.run(&["stats", "--json"]).code(0).json();
    assert_eq!(stats.sources, expected);

    let by: BTreeMap<String, BTreeMap<String, u64>> =
        s.run(&["stats", "--by", "source", "--json"]).code(0).json();
    assert_eq!(by["source"], expected);

    let faceted: SearchJson = s
        .run(&["search", "startup", "--json", "--facet", "source"])
        .code(0)
        .json();
    assert_eq!(
        faceted.facets.expect("facets asked for")["source"],
        expected
    );

    for written in ["kabartekno", "KABARTEKNO", "KabarTekno"] {
        let found: SearchJson = s
            .run(&[
                "search",
                "startup",
                "--json",
                "--source",
                written,
                "--no-collapse",
            ])
            .code(0)
            .json();
        assert_eq!(found.total, 3, "--source {written}");
        let mut sources: Vec<_> = found.hits.iter().map(|h| h.source.clone()).collect();
        sources.sort();
        // Each hit keeps its own article's spelling.
        let as_stored = |s: &str| Some(s.to_string());
        assert_eq!(
            sources,
            [
                as_stored("KabarTekno"),
                as_stored("KabarTekno"),
                as_stored("kabartekno")
            ]
        );
    }
}
