//! Output for scripts and readers: `--format`, several snippet passages, facet counts and
//! `stats --by`, on the sample corpus.

use std::collections::BTreeMap;

use crate::json::{HitJson, SearchJson};
use crate::util::Sandbox;

fn indexed() -> Sandbox {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    s
}

#[test]
fn formats_for_scripts_agree_with_json() {
    let s = indexed();
    let json: SearchJson = s
        .run(&["search", "startup", "--json", "-n", "20"])
        .code(0)
        .json();
    assert!(json.hits.len() >= 3);

    let jsonl = s
        .run(&["search", "startup", "--format", "jsonl", "-n", "20"])
        .code(0);
    let lines: Vec<HitJson> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.iter().map(|h| &h.id).collect::<Vec<_>>(),
        json.hits.iter().map(|h| &h.id).collect::<Vec<_>>()
    );

    let tsv = s
        .run(&["search", "startup", "--format", "tsv", "-n", "20"])
        .code(0);
    let rows: Vec<Vec<&str>> = tsv
        .stdout
        .lines()
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), json.hits.len());
    for (row, hit) in rows.iter().zip(&json.hits) {
        assert_eq!(row.len(), 8, "{row:?}");
        assert_eq!(
            (row[0], row[5], row[6]),
            (hit.id.as_str(), hit.path.as_str(), hit.title.as_str())
        );
        assert_eq!(row[2], hit.published.as_deref().unwrap_or(""));
    }

    // Paths: one file per line, once, records by their file.
    let paths = s
        .run(&[
            "search",
            "telnusa OR lumora OR meridian",
            "--format",
            "paths",
            "-n",
            "50",
        ])
        .code(0);
    let listed: Vec<&str> = paths.stdout.lines().collect();
    let mut unique = listed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "{listed:?}");
    assert!(
        listed.contains(&"corpus/briefs-2025-11.jsonl"),
        "{listed:?}"
    );
    assert!(listed
        .iter()
        .all(|p| !p.contains('#') && s.path().join(p).is_file()));

    s.run(&["search", "startup", "--json", "--format", "tsv"])
        .code(2);
    s.run(&["search", "zzzzqqq", "--format", "paths"]).code(1);
}

#[test]
fn several_passages_cover_more_of_the_query() {
    let s = indexed();
    let query = [
        "search",
        "data centre investment emissions",
        "--json",
        "-n",
        "1",
    ];
    let one: SearchJson = s.run(&query).code(0).json();
    let mut more = query.to_vec();
    more.extend(["--snippets", "3", "--snippet-chars", "80"]);
    let three: SearchJson = s.run(&more).code(0).json();
    assert_eq!(one.hits[0].id, three.hits[0].id);
    let words = |hit: &HitJson| -> std::collections::BTreeSet<String> {
        let chars: Vec<char> = hit.snippet.chars().collect();
        hit.highlights
            .iter()
            .map(|&(a, b)| chars[a..b].iter().collect::<String>().to_lowercase())
            .collect()
    };
    assert!(
        words(&three.hits[0]).len() > words(&one.hits[0]).len(),
        "{:?} vs {:?}",
        three.hits[0].snippet,
        one.hits[0].snippet
    );
    assert!(three.hits[0].snippet.matches('…').count() >= 2);
    s.run(&["search", "data", "--snippets", "0"]).code(2);
}

#[test]
fn facet_counts_equal_filtered_totals() {
    let s = indexed();
    for query in ["startup", "data", "5G OR satelit", "pendanaan OR funding"] {
        let faceted: SearchJson = s
            .run(&[
                "search", query, "--json", "--facet", "source", "--facet", "lang", "--facet",
                "year",
            ])
            .code(0)
            .json();
        let facets = faceted.facets.expect("facets asked for");
        let total = |extra: &[&str]| -> usize {
            let mut args = vec!["search", query, "--json"];
            args.extend_from_slice(extra);
            let run = s.run(&args);
            assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
            run.json::<SearchJson>().total
        };
        for (value, n) in &facets["source"] {
            assert_eq!(
                total(&["--source", value]) as u64,
                *n,
                "{query} source {value}"
            );
        }
        for (value, n) in &facets["lang"] {
            assert_eq!(total(&["--lang", value]) as u64, *n, "{query} lang {value}");
        }
        for (value, n) in &facets["year"] {
            let year: i32 = value.parse().unwrap();
            let (since, until) = (format!("{year}-01-01"), format!("{}-01-01", year + 1));
            assert_eq!(
                total(&["--since", &since, "--until", &until]) as u64,
                *n,
                "{query} year {value}"
            );
        }
        let langs: u64 = facets["lang"].values().sum();
        assert_eq!(langs as usize, faceted.total, "every match has a language");
    }
    let plain: SearchJson = s.run(&["search", "startup", "--json"]).code(0).json();
    assert!(plain.facets.is_none(), "no facets unless asked");
}

#[test]
fn stats_by_counts_the_whole_index() {
    let s = indexed();
    let by_lang = s.run(&["stats", "--by", "lang", "--json"]).code(0);
    let by_lang: BTreeMap<String, BTreeMap<String, u64>> = by_lang.json();
    let stats: crate::json::StatsJson = s.run(&["stats", "--json"]).code(0).json();
    assert_eq!(by_lang["lang"], stats.languages);
    let years = s.run(&["stats", "--by", "year"]).code(0);
    let total: u64 = years
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap().parse::<u64>().unwrap())
        .sum();
    let dated: SearchJson = s
        .run(&["search", "published:[1900 TO 2100]", "--json"])
        .code(0)
        .json();
    assert_eq!(total as usize, dated.total);
}
