//! One article per URL: the snapshots of a feed saved again and again hold the same items, and
//! each item is one article (docs/identity.md), whichever snapshots come and go, and whether
//! the index was kept up to date or rebuilt. The fixtures are written here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::json::{IndexJson, SearchJson, StatsJson};
use crate::util::{Run, Sandbox};

/// One feed item: URL, title, date (RFC 2822), text.
type Item<'a> = (&'a str, &'a str, &'a str, &'a str);

const D1: &str = "Mon, 01 Sep 2025 08:00:00 GMT";
const D2: &str = "Tue, 02 Sep 2025 08:00:00 GMT";

/// An RSS 2.0 feed of `items`.
fn rss(items: &[Item]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Orbit Wire</title>\
         <link>https://orbit.example/</link>\n",
    );
    for (url, title, date, text) in items {
        out.push_str(&format!(
            "<item><title>{title}</title><link>{url}</link><pubDate>{date}</pubDate>\
             <description>{text}</description></item>\n"
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

/// Writes `contents` at `rel`, modified `minutes` after a fixed moment (so "the newest file"
/// does not depend on how fast the test writes).
fn write_at(s: &Sandbox, rel: &str, contents: &str, minutes: u64) {
    let path = s.write(rel, contents);
    let moment = SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000 + minutes * 60);
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(moment).unwrap();
}

fn run_on(s: &Sandbox, index: &str, args: &[&str]) -> Run {
    let mut all = vec!["--index", index];
    all.extend_from_slice(args);
    s.run(&all)
}

fn index(s: &Sandbox, index: &str, extra: &[&str]) -> IndexJson {
    let mut args = vec!["index", "feeds", "--json"];
    args.extend_from_slice(extra);
    let report: IndexJson = run_on(s, index, &args).code(0).json();
    assert_eq!(report.failed, 0, "{:?}", report.problems);
    report
}

/// Every article as `warta export` writes it, by canonical URL.
fn exported(s: &Sandbox, index: &str) -> BTreeMap<String, Value> {
    let out = run_on(s, index, &["export"]).code(0).stdout;
    let mut all = BTreeMap::new();
    for line in out.lines() {
        let article: Value = serde_json::from_str(line).unwrap();
        let url = warta::common::url::canonical(article["url"].as_str().unwrap());
        assert!(
            all.insert(url, article).is_none(),
            "two articles of one URL"
        );
    }
    all
}

/// The text of the article of `url` (lede, else body).
fn text_of(all: &BTreeMap<String, Value>, url: &str) -> String {
    let a = &all[url];
    format!(
        "{}{}",
        a["lede"].as_str().unwrap_or(""),
        a["body"].as_str().unwrap_or("")
    )
}

/// Asserts that the index kept up to date holds what a `--rebuild` of the same files holds,
/// as `warta export` writes it (ids, paths, texts, dates alike).
fn assert_same_as_rebuilt(s: &Sandbox) {
    index(s, "rebuilt", &["--rebuild"]);
    let kept = run_on(s, "kept", &["export"]).code(0).stdout;
    let rebuilt = run_on(s, "rebuilt", &["export"]).code(0).stdout;
    assert_eq!(kept, rebuilt);
}

fn ids_found(s: &Sandbox, index: &str, query: &str) -> Vec<String> {
    let run = run_on(s, index, &["search", query, "--json", "--no-collapse"]);
    let answer: SearchJson = run.json();
    answer.hits.iter().map(|h| h.id.clone()).collect()
}

const A: &str = "https://orbit.example/a";
const B: &str = "https://orbit.example/b";
const C: &str = "https://orbit.example/c";
const D: &str = "https://orbit.example/d";
const E: &str = "https://orbit.example/e";

/// Three snapshots of one feed: overlapping items, one edited with a newer date (C in s2), one
/// edited under the same date (D in s3, the newest file), one written another way (B in s3).
fn write_snapshots(s: &Sandbox) {
    write_at(
        s,
        "feeds/s1.rss",
        &rss(&[
            (A, "Alpha launch", D1, "Alpha zorbenite first."),
            (B, "Bravo landing", D1, "Bravo quellion first."),
            (C, "Charlie orbit", D1, "Charlie first text."),
        ]),
        1,
    );
    write_at(
        s,
        "feeds/s2.rss",
        &rss(&[
            (B, "Bravo landing", D1, "Bravo quellion first."),
            (C, "Charlie orbit", D2, "Charlie edited text."),
            (D, "Delta dock", D1, "Delta first text."),
        ]),
        2,
    );
    write_at(
        s,
        "feeds/s3.rss",
        &rss(&[
            (
                "HTTPS://Orbit.Example:443/b?utm_source=rss#top",
                "Bravo landing",
                D1,
                "Bravo quellion first.",
            ),
            (C, "Charlie orbit", D1, "Charlie first text."),
            (D, "Delta dock", D1, "Delta later text."),
            (E, "Echo eclipse", D1, "Echo text."),
        ]),
        3,
    );
}

#[test]
fn snapshots_of_a_feed_make_one_article_per_item_and_the_newest_version_wins() {
    let s = Sandbox::empty();
    write_snapshots(&s);
    let report = index(&s, "kept", &[]);
    // 10 items in three files: 5 articles, 5 copies folded into them.
    assert_eq!((report.added, report.folded), (5, 5), "{report:?}");
    let all = exported(&s, "kept");
    assert_eq!(
        all.keys().map(String::as_str).collect::<Vec<_>>(),
        [A, B, C, D, E]
    );
    assert_eq!(
        text_of(&all, C),
        "Charlie edited text.",
        "the newer date wins"
    );
    assert_eq!(
        text_of(&all, D),
        "Delta later text.",
        "same date: the newest file wins"
    );
    assert!(all[D]["path"].as_str().unwrap().ends_with("s3.rss#3"));
    // Ids are the URL's, whichever file holds the copy.
    for url in [A, B, C, D, E] {
        assert_eq!(all[url]["id"], warta::ingest::article_id(url), "{url}");
    }

    // Counts, facets and stats count articles, not copies.
    let stats: StatsJson = run_on(&s, "kept", &["stats", "--json"]).code(0).json();
    assert_eq!(stats.documents, 5);
    assert_eq!(stats.sources.get("Orbit Wire"), Some(&5));
    let run = run_on(
        &s,
        "kept",
        &[
            "search",
            "bravo OR charlie OR delta",
            "--json",
            "--no-collapse",
            "--facet",
            "source",
        ],
    );
    let answer: SearchJson = run.code(0).json();
    assert_eq!(answer.total, 3);
    assert_eq!(answer.facets.unwrap()["source"]["Orbit Wire"], 3);
    let count = run_on(
        &s,
        "kept",
        &["search", "quellion", "--count", "--no-collapse"],
    );
    assert_eq!(count.code(0).stdout.trim(), "1");
    let b_id = warta::ingest::article_id(B);
    assert_eq!(
        ids_found(&s, "kept", "quellion"),
        std::slice::from_ref(&b_id)
    );
    let shown = run_on(&s, "kept", &["show", &b_id, "--json"]).code(0);
    let shown: Value = shown.json();
    assert_eq!(shown["title"], "Bravo landing");

    // The summary line says so too.
    let line = run_on(&s, "other", &["index", "feeds"]).code(0).stdout;
    assert!(
        line.starts_with("3 files: 5 added, 0 updated, 0 unchanged, 0 removed, 5 folded; "),
        "{line}"
    );

    // Read again unchanged: nothing to do.
    let again = index(&s, "kept", &[]);
    assert_eq!(
        (again.unchanged, again.added, again.updated, again.folded),
        (5, 0, 0, 0)
    );
    assert_same_as_rebuilt(&s);
}

#[test]
fn snapshots_that_go_take_only_the_items_no_other_snapshot_holds() {
    let s = Sandbox::empty();
    write_snapshots(&s);
    index(&s, "kept", &[]);

    // s3 edited (still the newest file): D leaves it, s2 still holds D: D stays, with s2's text.
    write_at(
        &s,
        "feeds/s3.rss",
        &rss(&[
            (B, "Bravo landing", D1, "Bravo quellion first."),
            (C, "Charlie orbit", D1, "Charlie first text."),
            (E, "Echo eclipse", D1, "Echo text."),
        ]),
        4,
    );
    let report = index(&s, "kept", &[]);
    assert_eq!(report.removed, 0, "{report:?}");
    let all = exported(&s, "kept");
    assert_eq!(all.len(), 5);
    assert_eq!(
        text_of(&all, D),
        "Delta first text.",
        "the other copy's text"
    );
    assert_same_as_rebuilt(&s);

    // s2 deleted: C falls back to the older version s1 and s3 hold; D goes, no file holds it.
    std::fs::remove_file(s.path().join("feeds/s2.rss")).unwrap();
    let report = index(&s, "kept", &[]);
    assert_eq!((report.removed, report.updated), (1, 1), "{report:?}");
    let all = exported(&s, "kept");
    assert_eq!(
        all.keys().map(String::as_str).collect::<Vec<_>>(),
        [A, B, C, E]
    );
    assert_eq!(text_of(&all, C), "Charlie first text.");
    assert!(
        all[B]["path"].as_str().unwrap().ends_with("s3.rss#1"),
        "B from the newest file"
    );
    assert_same_as_rebuilt(&s);

    // s3 deleted: B stays (s1 holds it), E goes.
    std::fs::remove_file(s.path().join("feeds/s3.rss")).unwrap();
    let report = index(&s, "kept", &[]);
    assert_eq!(report.removed, 1, "{report:?}");
    let all = exported(&s, "kept");
    assert_eq!(
        all.keys().map(String::as_str).collect::<Vec<_>>(),
        [A, B, C]
    );
    assert!(all[B]["path"].as_str().unwrap().ends_with("s1.rss#2"));
    assert_same_as_rebuilt(&s);

    // Every snapshot gone: every item goes.
    std::fs::remove_file(s.path().join("feeds/s1.rss")).unwrap();
    std::fs::write(
        s.path().join("feeds/other.txt"),
        "Other\n\nA plain article.\n",
    )
    .unwrap();
    let report = index(&s, "kept", &[]);
    assert_eq!((report.removed, report.added), (3, 1), "{report:?}");
    let stats: StatsJson = run_on(&s, "kept", &["stats", "--json"]).code(0).json();
    assert_eq!(stats.documents, 1);
}

#[test]
fn the_winner_does_not_depend_on_the_order_snapshots_arrive_in() {
    // The older snapshot's path sorts last, so a first build reads the newer one first.
    let s = Sandbox::empty();
    write_at(
        &s,
        "feeds/b-old.rss",
        &rss(&[
            (A, "Alpha", D1, "Old alpha."),
            (B, "Bravo", D1, "Old bravo."),
        ]),
        1,
    );
    write_at(
        &s,
        "feeds/a-new.rss",
        &rss(&[
            (A, "Alpha", D1, "New alpha."),
            (B, "Bravo", D2, "New bravo."),
        ]),
        2,
    );
    let report = index(&s, "kept", &["--threads", "2"]);
    assert_eq!((report.added, report.folded), (2, 2));
    let all = exported(&s, "kept");
    assert_eq!(text_of(&all, A), "New alpha.");
    assert_eq!(text_of(&all, B), "New bravo.");
    // Incrementally: the older snapshot arrives after the newer one was indexed.
    let s2 = Sandbox::empty();
    write_at(
        &s2,
        "feeds/a-new.rss",
        &rss(&[
            (A, "Alpha", D1, "New alpha."),
            (B, "Bravo", D2, "New bravo."),
        ]),
        2,
    );
    index(&s2, "kept", &[]);
    write_at(
        &s2,
        "feeds/b-old.rss",
        &rss(&[
            (A, "Alpha", D1, "Old alpha."),
            (B, "Bravo", D1, "Old bravo."),
        ]),
        1,
    );
    let report = index(&s2, "kept", &[]);
    assert_eq!(
        (report.added, report.folded, report.unchanged),
        (0, 2, 2),
        "{report:?}"
    );
    let kept = run_on(&s2, "kept", &["export"]).code(0).stdout;
    let first = run_on(&s, "kept", &["export"]).code(0).stdout;
    assert_eq!(
        kept.replace(&*s2.path().to_string_lossy(), ""),
        first.replace(&*s.path().to_string_lossy(), "")
    );
}

const ATOM_1: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet Lab</title><id>tag:lab.example,2025:feed</id>
<updated>2025-09-01T00:00:00Z</updated>
<entry><title>Qubits</title><id>tag:lab.example,2025:1</id><link href="https://lab.example/qubits"/>
<published>2025-08-28T08:00:00Z</published><updated>2025-08-28T08:00:00Z</updated>
<content type="html">&lt;p&gt;Frimbulon first draft.&lt;/p&gt;</content></entry>
<entry><title>No link</title><id>tag:lab.example,2025:2</id>
<updated>2025-08-28T09:00:00Z</updated><content type="text">Known by its guid only.</content></entry>
</feed>"#;

/// The same feed later: the first entry revised (a newer `updated`, the same `published`).
const ATOM_2: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet Lab</title><id>tag:lab.example,2025:feed</id>
<updated>2025-09-02T00:00:00Z</updated>
<entry><title>Qubits</title><id>tag:lab.example,2025:1</id><link href="https://lab.example/qubits"/>
<published>2025-08-28T08:00:00Z</published><updated>2025-08-30T08:00:00Z</updated>
<content type="html">&lt;p&gt;Frimbulon revised.&lt;/p&gt;</content></entry>
<entry><title>No link</title><id>tag:lab.example,2025:2</id>
<updated>2025-08-28T09:00:00Z</updated><content type="text">Known by its guid only.</content></entry>
</feed>"#;

const JSON_1: &str = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Byte Journal",
 "items": [
  {"id": "1", "url": "https://bytes.example/dompet", "title": "Dompet digital",
   "content_text": "Dompet quarvitan versi pertama.", "date_published": "2025-08-29T10:00:00+07:00"},
  {"id": "2", "url": "https://lab.example/qubits", "title": "Qubits",
   "content_text": "A copy of the lab's item.", "date_published": "2025-08-28T08:00:00Z"}
 ]}"#;

const JSON_2: &str = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Byte Journal",
 "items": [
  {"id": "1", "url": "https://bytes.example/dompet", "title": "Dompet digital",
   "content_text": "Dompet quarvitan versi kedua.", "date_published": "2025-08-29T10:00:00+07:00",
   "date_modified": "2025-08-31T10:00:00+07:00"}
 ]}"#;

#[test]
fn atom_and_json_feed_snapshots_fold_by_url_and_guid() {
    let s = Sandbox::empty();
    write_at(&s, "feeds/lab-1.atom", ATOM_1, 1);
    write_at(&s, "feeds/lab-2.atom", ATOM_2, 2);
    write_at(&s, "feeds/bytes-1.json", JSON_1, 3);
    write_at(&s, "feeds/bytes-2.json", JSON_2, 4);
    let report = index(&s, "kept", &[]);
    // Qubits (3 copies: two Atom, one JSON Feed), the guid-only entry (2), dompet (2).
    assert_eq!((report.added, report.folded), (3, 4), "{report:?}");
    let out = run_on(&s, "kept", &["export"]).code(0).stdout;
    let all: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(all.len(), 3);
    let by_title = |t: &str| all.iter().find(|a| a["title"] == t).unwrap();
    let text = |a: &Value| {
        format!(
            "{}{}",
            a["lede"].as_str().unwrap(),
            a["body"].as_str().unwrap()
        )
    };
    // The revised entry wins by its `updated` date over the JSON copy and the first draft.
    assert_eq!(text(by_title("Qubits")), "Frimbulon revised.");
    assert_eq!(
        text(by_title("Dompet digital")),
        "Dompet quarvitan versi kedua."
    );
    let guid_only = by_title("No link");
    assert_eq!(
        guid_only["id"],
        warta::ingest::article_id("guid:tag:lab.example,2025:2")
    );
    assert!(guid_only["path"]
        .as_str()
        .unwrap()
        .ends_with("lab-2.atom#2"));
    assert_same_as_rebuilt(&s);

    // The revised snapshot gone: the first draft and the JSON copy share a date; the JSON
    // Feed is the newer file.
    std::fs::remove_file(s.path().join("feeds/lab-2.atom")).unwrap();
    index(&s, "kept", &[]);
    let out = run_on(&s, "kept", &["export"]).code(0).stdout;
    assert!(out.contains("A copy of the lab's item."), "{out}");
    assert_eq!(out.lines().count(), 3);
    assert_same_as_rebuilt(&s);
}

#[test]
fn forgetting_a_root_keeps_the_items_another_root_holds() {
    let s = Sandbox::empty();
    write_at(
        &s,
        "feeds/a/s1.rss",
        &rss(&[
            (A, "Alpha", D1, "Alpha one."),
            (B, "Bravo", D1, "Bravo one."),
        ]),
        2,
    );
    write_at(
        &s,
        "more/s2.rss",
        &rss(&[
            (B, "Bravo", D1, "Bravo two."),
            (C, "Charlie", D1, "Charlie."),
        ]),
        1,
    );
    let report: IndexJson = run_on(&s, "kept", &["index", "feeds", "more", "--json"])
        .code(0)
        .json();
    assert_eq!((report.added, report.folded), (3, 1));
    run_on(&s, "kept", &["forget", "feeds"]).code(0);
    let all = exported(&s, "kept");
    assert_eq!(all.keys().map(String::as_str).collect::<Vec<_>>(), [B, C]);
    assert_eq!(text_of(&all, B), "Bravo two.");
}

/// Paths of a folder's files, for the messages of the kill test.
fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_run_killed_between_commits_loses_no_item_a_snapshot_still_holds() {
    use std::os::unix::process::ExitStatusExt;
    // 300 snapshots of a feed of 40 items, each holding 20 (a sliding window), then every
    // third snapshot edited and every fifth deleted; runs killed at varying moments.
    let s = Sandbox::empty();
    let item = |n: usize, version: usize| {
        (
            format!("https://orbit.example/item/{n}"),
            format!("Item {n}"),
            format!("Item {n} text, version {version}, plovertide."),
        )
    };
    let snapshot = |k: usize, version: usize| {
        let items: Vec<(String, String, String)> =
            (0..20).map(|i| item((k + i) % 40, version)).collect();
        let refs: Vec<Item> = items
            .iter()
            .map(|(u, t, x)| (u.as_str(), t.as_str(), D1, x.as_str()))
            .collect();
        rss(&refs)
    };
    for k in 0..300 {
        write_at(&s, &format!("feeds/s{k:03}.rss"), &snapshot(k, 1), k as u64);
    }
    index(&s, "kept", &[]);
    for k in (0..300).step_by(3) {
        write_at(
            &s,
            &format!("feeds/s{k:03}.rss"),
            &snapshot(k + 1, 2),
            1000 + k as u64,
        );
    }
    for k in (0..300).step_by(5) {
        std::fs::remove_file(s.path().join(format!("feeds/s{k:03}.rss"))).unwrap();
    }
    let left = names(&s.path().join("feeds"));
    let mut kills = 0;
    for delay_ms in [100, 500, 1500, 3000, 6000] {
        let mut child = s
            .cmd(&[
                "--index",
                "kept",
                "index",
                "feeds",
                "--commit-every",
                "0.05",
                "--threads",
                "2",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.signal() == Some(9) {
            kills += 1;
        }
        // Whatever was committed, every item is still there: each is held by a snapshot left.
        let stats: StatsJson = run_on(&s, "kept", &["stats", "--json"]).code(0).json();
        assert_eq!(
            stats.documents,
            40,
            "after a kill at {delay_ms} ms; files {}",
            left.len()
        );
    }
    assert!(kills >= 1, "no run was killed before it ended");
    index(&s, "kept", &[]);
    assert_same_as_rebuilt(&s);
}
