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

/// A story, its copy, a re-publication under another headline, and two other stories.
fn write_stories(s: &Sandbox) {
    let text = std::fs::read_to_string(
        s.path()
            .join("corpus/en-10-altura-indonesia-data-centres.txt"),
    )
    .unwrap();
    let body: String = text.split("\n\n").skip(3).collect::<Vec<_>>().join("\n\n");
    s.write(
        "news/a.txt",
        format!("Altura commits billions to data centres\n\n{body}\n"),
    );
    s.write(
        "news/a-copy.txt",
        format!("Altura commits billions to data centres\n\n{body}\n"),
    );
    s.write(
        "news/a-retitled.txt",
        format!("Altura bets big on Indonesian data centres\n\n{body}\n"),
    );
    let other = std::fs::read_to_string(
        s.path()
            .join("corpus/en-11-indonesia-5g-spectrum-auction.txt"),
    )
    .unwrap();
    s.write("news/b.txt", other);
    let third =
        std::fs::read_to_string(s.path().join("corpus/en-13-lumora-aurora-5-launch.txt")).unwrap();
    s.write("news/c.txt", third);
}

#[test]
fn copies_of_a_story_fold_into_one_hit() {
    let s = Sandbox::with_corpus();
    write_stories(&s);
    s.run(&["index", "news", "-q"]).code(0);
    let folded: SearchJson = s
        .run(&["search", "Altura data centres", "--json"])
        .code(0)
        .json();
    let altura: Vec<&HitJson> = folded
        .hits
        .iter()
        .filter(|h| h.title.contains("Altura"))
        .collect();
    assert_eq!(altura.len(), 1, "{:?}", folded.hits);
    assert_eq!(altura[0].duplicates.len(), 2);
    let all: SearchJson = s
        .run(&["search", "Altura data centres", "--json", "--no-collapse"])
        .code(0)
        .json();
    let ids: Vec<&String> = all
        .hits
        .iter()
        .filter(|h| h.title.contains("Altura"))
        .map(|h| &h.id)
        .collect();
    assert_eq!(ids.len(), 3);
    for id in &altura[0].duplicates {
        assert!(ids.contains(&id));
    }
    assert!(all.hits.iter().all(|h| h.duplicates.is_empty()));
    // The terminal says how many copies were folded.
    let text = s.run(&["search", "Altura data centres"]).code(0);
    assert!(text.stdout.contains("+2 copies"), "{}", text.stdout);
}

#[test]
fn similar_finds_other_stories_not_copies() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    write_stories(&s);
    s.run(&["index", "corpus", "news", "-q"]).code(0);
    let similar: SearchJson = s
        .run(&["similar", "news/a.txt", "--json", "-n", "5"])
        .code(0)
        .json();
    assert!(!similar.hits.is_empty());
    for hit in &similar.hits {
        assert!(
            !hit.path.starts_with("news/a"),
            "a copy of the story itself: {}",
            hit.path
        );
    }
    // The sample corpus has the same investment told in Indonesian and as a data-centre story.
    let titles: Vec<&str> = similar.hits.iter().map(|h| h.title.as_str()).collect();
    assert!(
        titles
            .iter()
            .take(3)
            .any(|t| t.contains("Altura") || t.contains("data")),
        "{titles:?}"
    );
    s.run(&["similar", "no-such-id"]).code(2);
}

#[test]
fn recent_favours_fresh_articles_and_leaves_undated_ones_be() {
    let s = Sandbox::empty();
    let day = |n: i64| {
        (chrono::Utc::now() - chrono::Duration::days(n))
            .format("%Y-%m-%d")
            .to_string()
    };
    // The old article says the word more often: it wins on relevance alone.
    s.write(
        "in/old.txt",
        format!("Date: {}\n\nQuantum chips and quantum chips\n\nQuantum chips again, quantum everywhere.\n", day(400)),
    );
    s.write(
        "in/fresh.txt",
        format!(
            "Date: {}\n\nQuantum chips arrive\n\nThe first chips are here.\n",
            day(2)
        ),
    );
    s.write(
        "in/undated.txt",
        "Quantum note\n\nA note on chips, quantum ones.\n",
    );
    s.run(&["index", "in", "-q"]).code(0);
    let order = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["search", "quantum", "--json"];
        args.extend_from_slice(extra);
        let found: SearchJson = s.run(&args).code(0).json();
        found
            .hits
            .iter()
            .map(|h| h.path.rsplit('/').next().unwrap().to_string())
            .collect()
    };
    let at = |list: &[String], name: &str| list.iter().position(|p| p == name).unwrap();
    let plain = order(&[]);
    assert!(at(&plain, "old.txt") < at(&plain, "fresh.txt"), "{plain:?}");
    let recent = order(&["--recent", "30d"]);
    assert!(
        at(&recent, "fresh.txt") < at(&recent, "old.txt"),
        "{recent:?}"
    );
    assert_eq!(
        recent.last().unwrap(),
        "old.txt",
        "400 days is 13 half-lives: {recent:?}"
    );
    // Undated: its score is the same with and without --recent.
    let score = |extra: &[&str]| -> f64 {
        let mut args = vec!["search", "quantum", "--json"];
        args.extend_from_slice(extra);
        let found: SearchJson = s.run(&args).code(0).json();
        found
            .hits
            .iter()
            .find(|h| h.path.ends_with("undated.txt"))
            .unwrap()
            .score
    };
    assert!((score(&[]) - score(&["--recent", "30d"])).abs() < 1e-4);
    s.run(&["search", "quantum", "--recent", "soon"]).code(2);
    s.run(&["search", "quantum", "--recent", "30d", "--sort", "date"])
        .code(2);
}
