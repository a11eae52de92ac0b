//! Every `--json` shape (and every `--format`) compared byte for byte with a file under
//! `tests/e2e/golden/`, so that a change to what scripts read cannot pass unnoticed. Timings and
//! the index's size on disk vary from run to run and are written as 0 on both sides.
//!
//! After a deliberate change to the output, write the files again with
//! `WARTA_BLESS=1 cargo test --test e2e golden` and review the diff.

use crate::util::{root, Sandbox};

/// A small corpus written here, so that the sample corpus can grow without touching these files:
/// two languages, every metadata field, a record file, a copy of a story and a file that is
/// passed over.
fn sandbox() -> Sandbox {
    let s = Sandbox::empty();
    let pasar = "Date: 2025-08-29\nSource: kabartekno\nURL: https://kabartekno.example/pasar-cip\nAuthor: Rina Wulandari\n\nPasar cip Indonesia tumbuh\n\nProdusen cip lokal menambah kapasitas pabrik di Batam untuk memenuhi permintaan kendaraan listrik.\n\nInvestasi baru\n\nPerusahaan itu menginvestasikan dana besar dan menjalin kemitraan dengan pembuat baterai.\n";
    s.write("news/id-pasar-cip.txt", pasar);
    s.write(
        "news/copy/id-pasar-cip-salinan.txt",
        // Longer than the original, so it ranks below it whatever the ids.
        pasar.replace("Source: kabartekno", "Source: portalcip") + "\nDisalin dari kabartekno.\n",
    );
    s.write(
        "news/en-satellite.md",
        "---\ntitle: Satellite broadband reaches remote islands\ndate: 2025-09-02T08:30:00+07:00\nsource: orbitdaily\nauthor: Sam Porter\ntags: [satellite, broadband]\n---\n\nA new constellation brings broadband to remote islands in eastern Indonesia.\n\nOperators say the service will cut costs for schools and clinics that relied on slow links.\n",
    );
    s.write(
        "news/en-satellite-deal.txt",
        "Satellite operator signs island broadband deal\n\nThe operator will bring satellite broadband to remote schools on the islands next year.\n",
    );
    s.write(
        "news/records.jsonl",
        concat!(
            "{\"title\": \"Startup raises seed round for chip design tools\", \"body\": \"The startup builds design tools for chip makers and plans to hire engineers in Jakarta.\", \"source\": \"orbitdaily\", \"published\": \"2025-07-14\"}\n",
            "{\"title\": \"Undated note on battery recycling\", \"body\": \"Recycling battery cells recovers lithium and nickel for new batteries.\"}\n",
        ),
    );
    s.write("news/empty.txt", "");
    s
}

/// Runs warta and checks its stdout against `golden/<name>`.
fn check(s: &Sandbox, name: &str, args: &[&str], code: i32) {
    let run = s.run(args).code(code);
    let got = normalise(&run.stdout);
    let path = root().join("tests/e2e/golden").join(name);
    if std::env::var_os("WARTA_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        got == want,
        "`warta {}` differs from {}\n--- got:\n{got}\n--- want:\n{want}",
        args.join(" "),
        path.display()
    );
}

/// Sets the values that vary between runs (`took_ms`, `index_bytes`) to 0, and names article
/// ids (which hash the sandbox's path) `id1`, `id2`, ... in the order they first appear.
fn normalise(text: &str) -> String {
    let mut out = name_ids(text);
    for key in ["\"took_ms\":", "\"index_bytes\":"] {
        let mut done = String::new();
        let mut rest = out.as_str();
        while let Some(at) = rest.find(key) {
            let (head, tail) = rest.split_at(at + key.len());
            done.push_str(head);
            done.push('0');
            let end = tail
                .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+')))
                .unwrap_or(tail.len());
            rest = &tail[end..];
        }
        done.push_str(rest);
        out = done;
    }
    out
}

/// Replaces each 16-hex-digit word by `id<N>`, the same id by the same name.
fn name_ids(text: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = match rest.find(|c: char| !c.is_ascii_alphanumeric()) {
            Some(0) => rest.chars().next().map_or(1, char::len_utf8),
            Some(end) => end,
            None => rest.len(),
        };
        let (word, tail) = rest.split_at(end);
        if word.len() == 16
            && word
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            let n = names.iter().position(|w| *w == word).unwrap_or_else(|| {
                names.push(word);
                names.len() - 1
            });
            out.push_str(&format!("id{}", n + 1));
        } else {
            out.push_str(word);
        }
        rest = tail;
    }
    out
}

#[test]
fn every_json_shape_matches_its_golden_file() {
    let s = sandbox();
    check(&s, "index.json", &["index", "news", "--json"], 0);
    check(
        &s,
        "search.json",
        &[
            "search",
            "cip OR broadband OR battery",
            "--json",
            "--facet",
            "source",
            "--facet",
            "lang",
        ],
        0,
    );
    check(
        &s,
        "search-empty.json",
        &["search", "zeppelin", "--json"],
        1,
    );
    // A word in no article as typed, replaced by the indexed words within a typo of it.
    check(&s, "search-typo.json", &["search", "satelite", "--json"], 0);
    check(
        &s,
        "show.json",
        &["show", "news/id-pasar-cip.txt", "--json"],
        0,
    );
    check(
        &s,
        "show-md.json",
        &["show", "news/en-satellite.md", "--json"],
        0,
    );
    check(
        &s,
        "show-record.json",
        &["show", "news/records.jsonl#2", "--json"],
        0,
    );
    check(
        &s,
        "similar.json",
        &["similar", "news/en-satellite.md", "--json"],
        0,
    );
    check(&s, "stats.json", &["stats", "--json"], 0);
    check(
        &s,
        "stats-by-source.json",
        &["stats", "--by", "source", "--json"],
        0,
    );
    check(
        &s,
        "stats-by-lang.json",
        &["stats", "--by", "lang", "--json"],
        0,
    );
}

#[test]
fn every_hit_format_matches_its_golden_file() {
    let s = sandbox();
    s.run(&["index", "news", "-q"]).code(0);
    let query = "cip OR broadband OR battery";
    for (name, format) in [
        ("hits.txt", "text"),
        ("hits.jsonl", "jsonl"),
        ("hits.tsv", "tsv"),
        ("hits.paths", "paths"),
    ] {
        check(&s, name, &["search", query, "--format", format], 0);
    }
    check(&s, "hits-typo.txt", &["search", "satelite", "broadbnd"], 0);
    check(
        &s,
        "similar.tsv",
        &["similar", "news/en-satellite.md", "--format", "tsv"],
        0,
    );
}
