//! Web archives (`.warc`, `.warc.gz`): each HTML response with status 200 is an article, known
//! by its URL, with the crawl's date as `fetched` (never as `published`); requests, metadata,
//! revisits, redirects, error pages and responses that are not HTML are passed over and
//! counted; a record cut short is a warning with its offset and the records after it are read.
//! The archives are written here; one ignored test reads the real ones of ../shared.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::Value;

use crate::json::{ArticleJson, IndexJson, SearchJson};
use crate::util::Sandbox;

/// One WARC record.
pub fn record(kind: &str, uri: &str, date: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n\
         WARC-Record-ID: <urn:uuid:{:08x}-0000-0000-0000-000000000000>\r\n\
         Content-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        block.len() as u32 ^ uri.len() as u32,
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// An HTTP response with status 200 and `headers`, holding `body`.
pub fn response(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
    out.extend_from_slice(body);
    out
}

/// One gzip member.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn page(title: &str, text: &str) -> String {
    format!(
        "<!doctype html><html><head><title>{title}</title></head><body><nav>Navword</nav>\
         <article><h1>{title}</h1><p>{text}</p></article><footer>Footerword</footer></body></html>"
    )
}

const DATE: &str = "2024-03-05T10:20:30Z";

/// The archive of the main test, as its records: the first page, pages in windows-1252 by the
/// header and ISO-8859-1 by `<meta>`, a chunked gzip payload, and every kind passed over; the
/// page after the truncated one is `after`.
fn crawl() -> (Vec<Vec<u8>>, Vec<u8>) {
    let utf8 = response(
        "Content-Type: text/html; charset=utf-8\r\n",
        page(
            "Kabar teknologi Nusantara",
            "Startup <b>Nusantara</b> menggalang dana baru — kata CEO.",
        )
        .as_bytes(),
    );
    let mut latin_header = response("Content-Type: text/html; charset=windows-1252\r\n", b"");
    latin_header.extend_from_slice(
        b"<html><head><title>Caf\xe9 chips \x93arrive\x94</title></head><body><p>The cr\xe8me of chip makers met in M\xfcnchen.</p></body></html>",
    );
    let mut latin_meta = response("Content-Type: text/html\r\n", b"");
    latin_meta.extend_from_slice(
        b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><title>Se\xf1or robots</title></head><body><p>El ni\xf1o y la m\xe1quina.</p></body></html>",
    );
    // Chunked, of a gzip'd payload.
    let zipped = gzip(page("Chunked gzip story", "Zebrafish sensors stream data.").as_bytes());
    let mut chunked = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for part in zipped.chunks(50) {
        chunked.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        chunked.extend_from_slice(part);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let records = vec![
        record("warcinfo", "", DATE, b"software: test crawler\r\nformat: WARC File Format 1.0\r\n"),
        record("request", "https://kabar.example/nusantara", DATE, b"GET /nusantara HTTP/1.1\r\nHost: kabar.example\r\n\r\n"),
        record("response", "https://kabar.example/nusantara", DATE, &utf8),
        record("metadata", "https://kabar.example/nusantara", DATE, b"fetchTimeMs: 120\r\n"),
        record("response", "https://chips.example/cafe", "2024-03-06T08:00:00Z", &latin_header),
        record("response", "https://robots.example/senor", DATE, &latin_meta),
        record("response", "https://kabar.example/logo.png", DATE, b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\0\0\0"),
        record("response", "https://kabar.example/old", DATE, b"HTTP/1.1 301 Moved Permanently\r\nLocation: /nusantara\r\n\r\n"),
        record("response", "https://kabar.example/missing", DATE, b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html><body>Missingword page</body></html>"),
        record("revisit", "https://kabar.example/nusantara", DATE, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"),
        record("response", "https://zebra.example/chunked", DATE, &chunked),
    ];
    let after = record(
        "response",
        "https://kabar.example/after",
        DATE,
        &response(
            "Content-Type: text/html\r\n",
            page("After the cut", "Quokka drones fly on.").as_bytes(),
        ),
    );
    (records, after)
}

fn exported(s: &Sandbox) -> BTreeMap<String, Value> {
    let out = s.run(&["export"]).code(0).stdout;
    out.lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|a| (a["title"].as_str().unwrap().to_string(), a))
        .collect()
}

#[test]
fn pages_of_a_warc_gz_are_articles_and_the_rest_is_counted() {
    let s = Sandbox::empty();
    let (records, after) = crawl();
    let mut bytes: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
    // A record cut in the middle: its member ends before its block does.
    let cut_at = bytes.len();
    let whole = record(
        "response",
        "https://kabar.example/cut",
        DATE,
        &response(
            "Content-Type: text/html\r\n",
            page("Cut story", &"words ".repeat(200)).as_bytes(),
        ),
    );
    bytes.extend(gzip(&whole[..whole.len() / 2]));
    bytes.extend(gzip(&after));
    s.write("crawl/news.warc.gz", &bytes);

    let report: IndexJson = s.run(&["index", "--json", "crawl"]).code(0).json();
    assert_eq!(report.added, 5, "{report:?}");
    let passed: BTreeMap<&str, u64> = report
        .passed_over
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        passed,
        BTreeMap::from([
            ("error_pages", 1),
            ("metadata", 1),
            ("not_html", 1),
            ("redirects", 1),
            ("requests", 1),
            ("revisits", 1),
            ("unreadable", 1),
            ("warcinfo", 1),
        ])
    );
    let cut: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.reason.contains("cut short"))
        .collect();
    assert_eq!(cut.len(), 1, "{:?}", report.problems);
    assert_eq!(cut[0].kind, "warning");
    assert!(cut[0].path.ends_with("news.warc.gz#12"), "{:?}", cut[0]);
    assert!(
        cut[0].reason.contains(&format!("at byte {cut_at}")),
        "{:?}",
        cut[0]
    );

    let all = exported(&s);
    let titles: Vec<&str> = all.keys().map(String::as_str).collect();
    assert_eq!(
        titles,
        [
            "After the cut",
            "Café chips \u{201c}arrive\u{201d}",
            "Chunked gzip story",
            "Kabar teknologi Nusantara",
            "Señor robots"
        ]
    );
    let nusantara = &all["Kabar teknologi Nusantara"];
    assert_eq!(nusantara["url"], "https://kabar.example/nusantara");
    assert_eq!(nusantara["fetched"], DATE);
    assert_eq!(
        nusantara["published"],
        Value::Null,
        "a crawl date is not a publication date"
    );
    assert_eq!(nusantara["source"], "kabar.example");
    assert!(nusantara["path"]
        .as_str()
        .unwrap()
        .ends_with("crawl/news.warc.gz#3"));
    let text = format!("{} {}", nusantara["lede"], nusantara["body"]);
    assert!(
        text.contains("Startup Nusantara menggalang dana baru — kata CEO."),
        "{text}"
    );
    for word in ["Navword", "Footerword", "<b>"] {
        assert!(!text.contains(word), "{word} in {text}");
    }
    assert_eq!(
        all["Café chips \u{201c}arrive\u{201d}"]["lede"],
        "The crème of chip makers met in München."
    );
    assert_eq!(
        all["Café chips \u{201c}arrive\u{201d}"]["fetched"],
        "2024-03-06T08:00:00Z"
    );
    assert_eq!(all["Señor robots"]["lede"], "El niño y la máquina.");
    assert_eq!(
        all["Chunked gzip story"]["lede"],
        "Zebrafish sensors stream data."
    );
    assert_eq!(all["After the cut"]["url"], "https://kabar.example/after");
    assert!(!all.contains_key("Cut story"));
    // Error pages, redirects, revisits and images are not searchable.
    assert_eq!(s.run(&["search", "missingword"]).code, 1);

    // `fetched` in search and show.
    let found: SearchJson = s.run(&["search", "--json", "zebrafish"]).code(0).json();
    assert_eq!(found.hits[0].fetched.as_deref(), Some(DATE));
    assert_eq!(found.hits[0].published, None);
    let shown: ArticleJson = s.run(&["show", "--json", &found.hits[0].id]).code(0).json();
    assert_eq!(shown.fetched.as_deref(), Some(DATE));
    assert_eq!(shown.url.as_deref(), Some("https://zebra.example/chunked"));

    // An export read back keeps `fetched`.
    let lines = s.run(&["export"]).code(0).stdout;
    let back = Sandbox::empty();
    back.write("export.jsonl", &lines);
    back.run(&["index", "export.jsonl"]).code(0);
    let again = exported(&back);
    assert_eq!(again["Chunked gzip story"]["fetched"], DATE);
    assert_eq!(again["Chunked gzip story"]["published"], Value::Null);
}

#[test]
fn a_plain_warc_and_a_whole_file_gzip_read_alike_and_garbage_is_passed_over() {
    let s = Sandbox::empty();
    let (records, after) = crawl();
    let mut plain = records.concat();
    let garbage_at = plain.len();
    plain.extend_from_slice(b"this line is not a record\r\nnor this one\r\n");
    plain.extend_from_slice(&after);
    s.write("a/crawl.warc", &plain);
    s.write("b/crawl.warc.gz", gzip(&plain));
    for folder in ["a", "b"] {
        let report: IndexJson = s
            .run(&[
                "--index",
                &format!("idx-{folder}"),
                "index",
                "--json",
                folder,
            ])
            .code(0)
            .json();
        assert_eq!(report.added, 5, "{folder}: {report:?}");
        assert_eq!(report.passed_over["requests"], 1);
        assert_eq!(report.passed_over["redirects"], 1);
        let garbage: Vec<_> = report
            .problems
            .iter()
            .filter(|p| p.reason.contains("not a WARC record"))
            .collect();
        assert_eq!(garbage.len(), 1, "{:?}", report.problems);
        if folder == "a" {
            assert!(
                garbage[0].reason.contains(&format!("at byte {garbage_at}")),
                "{:?}",
                garbage[0]
            );
        }
    }
}

#[test]
fn a_re_indexed_archive_replaces_its_articles_and_an_archive_without_pages_is_skipped() {
    let s = Sandbox::empty();
    let (records, _) = crawl();
    s.write(
        "c/news.warc.gz",
        records.iter().flat_map(|r| gzip(r)).collect::<Vec<u8>>(),
    );
    let first: IndexJson = s.run(&["index", "--json", "c"]).code(0).json();
    assert_eq!(first.added, 4);
    // Only the first page left, and a second archive of requests alone.
    s.write("c/news.warc.gz", gzip(&records[2]));
    s.write("c/requests.warc", records[1].repeat(3));
    let second: IndexJson = s.run(&["index", "--json", "c"]).code(0).json();
    assert_eq!((second.updated, second.added), (1, 0), "{second:?}");
    let skipped: Vec<_> = second
        .problems
        .iter()
        .filter(|p| p.kind == "skipped")
        .collect();
    assert!(skipped[0].path.ends_with("requests.warc"), "{skipped:?}");
    assert!(skipped[0].reason.contains("no HTML page"), "{skipped:?}");
    let stats: Value = s.run(&["stats", "--json"]).code(0).json();
    assert_eq!(stats["documents"], 1);
}

#[test]
#[ignore = "reads ../shared"]
fn shared_warcs_index_with_their_page_counts() {
    let feeds = crate::util::corpora().join("feeds");
    let s = Sandbox::empty();
    // PROVENANCE.md: 1 page (example.com), 1 page (Wikipedia's main page), 94 HTML pages with
    // status 200 (archive.org, WARC/0.17).
    for (file, pages) in [
        ("warc-webrecorder-example.warc.gz", 1),
        ("warc-wikipedia-main-page-2012.warc.gz", 1),
        ("warc-archive-org-blackbook-2008.warc.gz", 94),
    ] {
        let folder = s.path().join(file);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::copy(feeds.join(file), folder.join(file)).unwrap();
        let index = format!("idx-{file}");
        let report: IndexJson = s
            .run(&["--index", &index, "index", "--json", file])
            .code(0)
            .json();
        assert_eq!(report.added, pages, "{file}: {report:?}");
        assert!(
            report.problems.iter().all(|p| p.kind != "failed"),
            "{file}: {:?}",
            report.problems
        );
        let lines = s.run(&["--index", &index, "export"]).code(0).stdout;
        for line in lines.lines() {
            let a: Value = serde_json::from_str(line).unwrap();
            assert!(a["url"].as_str().unwrap().starts_with("http"), "{a}");
            assert!(a["fetched"].as_str().is_some(), "{a}");
        }
        let passed = &report.passed_over;
        match file {
            "warc-webrecorder-example.warc.gz" => {
                assert_eq!(
                    (passed["warcinfo"], passed["requests"], passed["revisits"]),
                    (2, 2, 1)
                );
                let a: Value = serde_json::from_str(lines.trim()).unwrap();
                assert_eq!(a["title"], "Example Domain");
                assert_eq!(a["url"], "http://example.com/");
            }
            "warc-wikipedia-main-page-2012.warc.gz" => {
                assert_eq!((passed["requests"], passed["other_records"]), (77, 3));
                assert_eq!(passed["not_html"], 69, "{passed:?}");
                let a: Value = serde_json::from_str(lines.trim()).unwrap();
                assert_eq!(a["url"], "http://en.wikipedia.org/wiki/Main_Page");
                assert!(a["fetched"].as_str().unwrap().starts_with("2012-01-19"));
            }
            _ => {
                assert_eq!((passed["requests"], passed["metadata"]), (261, 261));
                assert_eq!(passed["error_pages"], 40, "{passed:?}");
                // PROVENANCE counts 6 HTML redirects; a 301 of a text/plain resource is one more.
                assert_eq!(passed["redirects"], 7, "{passed:?}");
                assert_eq!(passed["other_records"], 38, "the dns: lookups; {passed:?}");
            }
        }
    }
}

/// The titles of the articles found for `query`, and their paths.
fn found(s: &Sandbox, query: &str) -> Vec<(String, String)> {
    let out: Value = s.run(&["search", "--json", query]).code(0).json();
    (out["hits"].as_array().unwrap().iter())
        .map(|h| {
            let title = h["title"].as_str().unwrap().to_string();
            (title, h["path"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn one_url_in_two_archives_and_a_feed_is_one_article_the_newest_winning() {
    let s = Sandbox::empty();
    let url = "https://news.example/quokka";
    let fetch = |date: &str, title: &str| {
        let body = page(title, "Quokka drones map the island.");
        record(
            "response",
            url,
            date,
            &response("Content-Type: text/html\r\n", body.as_bytes()),
        )
    };
    // One crawl fetching the page twice (the later fetch wins), another a month later, and a
    // feed whose item is older than both.
    let first: Vec<u8> = [
        fetch("2024-03-01T10:00:00Z", "Early fetch quokka"),
        fetch("2024-03-02T10:00:00Z", "Later fetch quokka"),
    ]
    .iter()
    .flat_map(|r| gzip(r))
    .collect();
    s.write("c/march.warc.gz", first);
    s.write(
        "c/april.warc",
        fetch("2024-04-01T10:00:00Z", "April quokka"),
    );
    s.write(
        "c/feed.rss",
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>\
             <item><title>Feed quokka</title><link>{url}</link>\
             <pubDate>Mon, 01 Jan 2024 08:00:00 GMT</pubDate>\
             <description>Quokka drones, first word.</description></item></channel></rss>"
        ),
    );
    let report: IndexJson = s.run(&["index", "--json", "c"]).code(0).json();
    assert_eq!((report.added, report.folded), (1, 3), "{report:?}");
    let hits = found(&s, "quokka");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].0, "April quokka");
    assert!(hits[0].1.ends_with("april.warc#1"), "{hits:?}");
    // The archive holding the winner goes: the other archive's later fetch stands.
    std::fs::remove_file(s.path().join("c/april.warc")).unwrap();
    let report: IndexJson = s.run(&["index", "--json", "c"]).code(0).json();
    assert_eq!((report.updated, report.removed), (1, 0), "{report:?}");
    let hits = found(&s, "quokka");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].0, "Later fetch quokka");
    assert!(hits[0].1.ends_with("march.warc.gz#2"), "{hits:?}");
    // Then the feed's item, then nothing.
    std::fs::remove_file(s.path().join("c/march.warc.gz")).unwrap();
    s.run(&["index", "c"]).code(0);
    let hits = found(&s, "quokka");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].0, "Feed quokka");
    std::fs::remove_file(s.path().join("c/feed.rss")).unwrap();
    s.run(&["index", "c"]).code(0);
    s.run(&["search", "quokka"]).code(1);
    let stats: Value = s.run(&["stats", "--json"]).code(0).json();
    assert_eq!(stats["documents"], 0);
}
