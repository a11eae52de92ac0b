//! The web-archive reader's tests, over archives written here.

use std::io::Write;

use super::*;

/// One WARC record of `kind` for `uri` holding `block`.
fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-05T10:20:30Z\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn page(title: &str, text: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>{title}</title></head><body><article><p>{text}</p></article></body></html>"
    )
    .into_bytes()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// Pages (record number, title, URL, fetched) and warnings of an archive.
fn read(
    bytes: &[u8],
    gzip: bool,
    limits: &Limits,
) -> (Vec<(usize, Article)>, Vec<String>, Outcome) {
    let mut pages = Vec::new();
    let mut warnings = Vec::new();
    let outcome = read_archive(bytes, gzip, limits, &mut |found, _| {
        match found {
            Found::Page { record, article } => pages.push((record, *article)),
            Found::Warning { record, reason } => warnings.push(format!("{record:?}: {reason}")),
        }
        true
    });
    (pages, warnings, outcome)
}

fn mixed() -> Vec<Vec<u8>> {
    vec![
        record("warcinfo", "", b"software: test\r\n"),
        record(
            "request",
            "https://news.example/a",
            b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n",
        ),
        record(
            "response",
            "https://news.example/a",
            &page("Alpha story", "Alpha text here."),
        ),
        record("metadata", "https://news.example/a", b"fetchTimeMs: 12\r\n"),
        record(
            "response",
            "https://news.example/b.png",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\0\0",
        ),
        record(
            "response",
            "https://news.example/old",
            b"HTTP/1.1 301 Moved Permanently\r\nLocation: /a\r\n\r\n",
        ),
        record(
            "response",
            "https://news.example/gone",
            b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html>gone</html>",
        ),
        record(
            "revisit",
            "https://news.example/a",
            b"HTTP/1.1 200 OK\r\n\r\n",
        ),
        record(
            "response",
            "<https://news.example/c>",
            &page("Gamma story", "Gamma text here."),
        ),
    ]
}

#[test]
fn pages_are_read_and_the_rest_counted_in_every_layout() {
    let records = mixed();
    let plain: Vec<u8> = records.concat();
    let per_record: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
    let whole = gzip(&plain);
    for (bytes, gz) in [(&plain, false), (&per_record, true), (&whole, true)] {
        let (pages, warnings, outcome) = read(bytes, gz, &Limits::default());
        assert!(warnings.is_empty(), "{warnings:?}");
        let got: Vec<_> = pages
            .iter()
            .map(|(n, a)| (*n, a.title.as_str(), a.url.as_deref().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "Alpha story", "https://news.example/a"),
                (9, "Gamma story", "https://news.example/c")
            ]
        );
        let a = &pages[0].1;
        assert_eq!(a.fetched.unwrap().to_iso(), "2024-03-05T10:20:30Z");
        assert_eq!(
            a.published, None,
            "the crawl date is not a publication date"
        );
        assert!(a.keyed_by_url);
        assert_eq!(a.source.as_deref(), Some("news.example"));
        assert_eq!(a.lede, "Alpha text here.");
        let p = &outcome.passed_over;
        assert_eq!(
            (p.warcinfo, p.requests, p.metadata, p.revisits),
            (1, 1, 1, 1)
        );
        assert_eq!((p.not_html, p.redirects, p.error_pages), (1, 1, 1));
        assert_eq!(outcome.records, 9);
    }
}

#[test]
fn a_record_cut_short_garbage_and_a_corrupt_member_do_not_stop_the_rest() {
    let good = record("response", "https://x.example/1", &page("First", "one"));
    let mut cut = record("response", "https://x.example/2", &page("Second", "two"));
    cut.truncate(cut.len() / 2 + 40);
    let after = record("response", "https://x.example/3", &page("Third", "three"));
    let mut corrupt = gzip(&record(
        "response",
        "https://x.example/4",
        &page("Fourth", "four"),
    ));
    let middle = corrupt.len() / 2;
    corrupt[middle..middle + 8].copy_from_slice(b"GARBAGE!");
    let last = record("response", "https://x.example/5", &page("Fifth", "five"));
    let mut bytes = gzip(&good);
    let cut_at = bytes.len();
    bytes.extend(gzip(&cut));
    bytes.extend(gzip(&after));
    bytes.extend_from_slice(b"some junk between members\n");
    let corrupt_at = bytes.len();
    bytes.extend(corrupt);
    bytes.extend(gzip(&last));
    let (pages, warnings, _) = read(&bytes, true, &Limits::default());
    let titles: Vec<&str> = pages.iter().map(|(_, a)| a.title.as_str()).collect();
    assert_eq!(titles, ["First", "Third", "Fifth"], "{warnings:?}");
    assert!(
        warnings.iter().any(|w| w.starts_with("Some(2)") && w.contains(&format!("at byte {cut_at} cut short"))),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("not gzip data")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains(&format!("corrupt gzip member at byte {corrupt_at}"))),
        "{warnings:?}"
    );

    // In a plain archive, reading goes on at the next WARC/1.x line.
    let plain = [
        good.clone(),
        b"garbage line\r\nmore\r\n".to_vec(),
        after.clone(),
    ]
    .concat();
    let (pages, warnings, _) = read(&plain, false, &Limits::default());
    assert_eq!(pages.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains(&format!("not a WARC record at byte {}", good.len())),
        "{warnings:?}"
    );
}

#[test]
fn records_are_bounded_in_size_number_and_header() {
    let big = record(
        "response",
        "https://x.example/big",
        &page("Big", &"word ".repeat(10_000)),
    );
    let small = record(
        "response",
        "https://x.example/small",
        &page("Small", "fits"),
    );
    let limits = Limits {
        record_bytes: 10_000,
        ..Limits::default()
    };
    let bytes: Vec<u8> = [gzip(&big), gzip(&small)].concat();
    let (pages, warnings, _) = read(&bytes, true, &limits);
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].0, 2);
    assert!(
        warnings[0].contains("over the 10000 bytes limit per record"),
        "{warnings:?}"
    );

    // A claimed length of 1e15 costs only the bytes there are.
    let liar = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 1000000000000000\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html>".to_vec();
    let bytes: Vec<u8> = [gzip(&liar), gzip(&small)].concat();
    let (pages, warnings, _) = read(&bytes, true, &Limits::default());
    assert_eq!(pages.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("limit per record"), "{warnings:?}");

    let many: Vec<u8> = (0..10).flat_map(|_| small.clone()).collect();
    let limits = Limits {
        records: 4,
        ..Limits::default()
    };
    let (pages, warnings, _) = read(&many, false, &limits);
    assert_eq!(pages.len(), 4);
    assert!(warnings[0].contains("more than 4 records"));

    let no_length =
        b"WARC/1.0\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html>\r\n\r\n".to_vec();
    let (pages, warnings, _) = read(
        &[no_length, small.clone()].concat(),
        false,
        &Limits::default(),
    );
    assert_eq!(pages.len(), 1);
    assert!(
        warnings[0].contains("without a Content-Length"),
        "{warnings:?}"
    );
}

#[test]
fn charsets_by_header_and_by_meta_tag() {
    let by_header = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1252\r\n\r\n<html><title>Caf\xe9 \x93news\x94</title><p>cr\xe8me</p></html>";
    let by_meta = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><meta charset=\"ISO-8859-1\"><title>Se\xf1or</title></head><p>ni\xf1o</p></html>";
    let bytes = [
        record("response", "https://x.example/h", by_header),
        record("response", "https://x.example/m", by_meta),
    ]
    .concat();
    let (pages, warnings, _) = read(&bytes, false, &Limits::default());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(pages[0].1.title, "Café \u{201c}news\u{201d}");
    assert_eq!(pages[0].1.lede, "crème");
    assert_eq!(pages[1].1.title, "Señor");
    assert_eq!(pages[1].1.lede, "niño");
}

#[test]
fn a_stop_asked_for_stops_the_reading() {
    let bytes: Vec<u8> = (0..5)
        .flat_map(|n| {
            gzip(&record(
                "response",
                &format!("https://x.example/{n}"),
                &page("T", "x"),
            ))
        })
        .collect();
    let mut seen = 0;
    let outcome = read_archive(&bytes[..], true, &Limits::default(), &mut |_, _| {
        seen += 1;
        seen < 2
    });
    assert_eq!(seen, 2);
    assert!(outcome.stopped);
}
