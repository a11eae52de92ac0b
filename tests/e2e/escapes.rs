//! Terminal escapes from untrusted text: an article whose title, source, URL and body, and a file
//! whose name, carry a clear-screen (ESC[2J), an OSC 8 hyperlink, an OSC 52 clipboard write and
//! a one-character CSI (U+009B). Whatever command or format prints them, no raw escape reaches
//! stdout or stderr; JSON keeps the exact text (JSON escapes it for itself).

use std::process::Output;

use serde_json::Value;

use crate::util::Sandbox;

const CLEAR: &str = "\x1b[2J";
const LINK: &str = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\";
const CLIPBOARD: &str = "\x1b]52;c;cm0gLXJmIH4=\x07";
const CSI: &str = "\u{9b}2J";

/// The sequences a file name can hold (no `/`).
const NAME_LINK: &str = "\x1b]8;;evil.example\x07";

fn hostile(text: &str) -> String {
    format!("{text}{CLEAR}{LINK}{CLIPBOARD}{CSI}")
}

/// A sandbox with one hostile record, one hostile file name, a hostile skipped file and a hostile
/// broken one, beside a plain article (so that `similar` has something to find).
fn hostile_corpus(s: &Sandbox) {
    let record = serde_json::json!({
        "title": hostile("Escapade headline"),
        "source": hostile("escsource"),
        "url": hostile("https://example.com/escapade"),
        "body": hostile("The escapade body mentions escapadeword and shared words about chips."),
        "lang": "en",
    });
    s.write("docs/feed.jsonl", format!("{record}\n"));
    s.write(
        &format!("docs/name{CLEAR}{NAME_LINK}{CLIPBOARD}{CSI}.txt"),
        "Escapade file\n\nThis file mentions escapadeword and shared words about chips.\n",
    );
    s.write(
        "docs/plain.txt",
        "Plain chips\n\nShared words about chips and escapadeword once more.\n",
    );
    // A feed whose channel and item carry escapes as XML character references.
    let esc = "&#x1b;[2J&#x1b;]52;c;cm0gLXJmIH4=&#x07;";
    s.write(
        "docs/feed.rss",
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed{esc}</title>\
             <item><title>Feedescapade item{esc}</title><link>https://example.com/{esc}</link>\
             <description>The feedescapade text{esc} about chips.</description></item>\
             </channel></rss>"
        ),
    );
    s.write(&format!("docs/empty{CLEAR}{CLIPBOARD}.md"), "");
    s.write(&format!("docs/broken{CLIPBOARD}.json"), "{\"title\": \"cut");
}

/// Runs warta and returns its raw output.
fn raw(s: &Sandbox, args: &[&str]) -> Output {
    s.cmd(args).output().expect("run warta")
}

/// Asserts that neither stream holds ESC or a C1 control (U+0080–U+009F, in UTF-8 or raw).
fn assert_no_escapes(what: &str, output: &Output) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !bytes.contains(&0x1b) && !text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
            "{what}: raw escape on {stream}: {text:?}"
        );
        let is_raw_c1 = |w: &[u8]| w[1] == 0x9b && w[0] < 0x80;
        assert!(
            !bytes.windows(2).any(is_raw_c1) && bytes.first() != Some(&0x9b),
            "{what}: raw 0x9b on {stream}"
        );
    }
}

#[test]
fn no_raw_escape_reaches_a_terminal_from_any_command_or_format() {
    let s = Sandbox::empty();
    hostile_corpus(&s);

    let index = raw(&s, &["index", "docs"]);
    assert_no_escapes("index", &index);
    assert_eq!(index.status.code(), Some(2), "the broken file failed");
    let stderr = String::from_utf8_lossy(&index.stderr);
    assert!(
        stderr.contains("broken\\x1b]52;c;cm0gLXJmIH4=\\x07.json"),
        "the failed file is named, escaped: {stderr}"
    );
    assert!(stderr.contains("empty\\x1b[2J"), "{stderr}");

    let found = raw(&s, &["search", "escapadeword", "--json"]);
    let page: Value = serde_json::from_slice(&found.stdout).unwrap();
    let hits = page["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3, "{page}");
    let record = hits
        .iter()
        .find(|h| h["path"].as_str().unwrap().ends_with("feed.jsonl#1"))
        .unwrap();
    assert_eq!(
        record["title"],
        hostile("Escapade headline"),
        "JSON keeps the exact text"
    );
    let id = record["id"].as_str().unwrap().to_string();

    let mut runs: Vec<(String, Vec<String>)> = Vec::new();
    let mut add =
        |args: &[&str]| runs.push((args.join(" "), args.iter().map(|a| a.to_string()).collect()));
    for format in ["text", "tsv", "paths"] {
        add(&["search", "escapadeword", "--format", format]);
        add(&[
            "search",
            "escapadeword",
            "--facet",
            "source",
            "--format",
            format,
        ]);
        add(&["similar", &id, "--format", format]);
        add(&["search", "feedescapade", "--format", format]);
    }
    add(&["show", "docs/feed.rss#1"]);
    add(&["roots"]);
    add(&["check"]);
    add(&["search", "escapadeword", "--count"]);
    add(&["show", &id]);
    add(&["stats"]);
    for by in ["source", "lang", "year"] {
        add(&["stats", "--by", by]);
    }
    let echo = format!("missing{CLEAR}{CLIPBOARD}{CSI}");
    add(&["show", &echo]);
    add(&["similar", &echo]);
    add(&["search", "escapadeword", "--lang", &echo]);
    add(&["search", "escapadeword", "--sort", &echo]);
    add(&["search", "escapadeword", "--since", &echo]);
    add(&["--index", &echo, "search", "x"]);
    add(&["forget", &echo]);
    add(&["search", &format!("title:{CLEAR}escapadeword {CLIPBOARD}")]);
    for (what, args) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_no_escapes(what, &raw(&s, &args));
    }

    // The escaped forms are what a person sees.
    let tsv = raw(&s, &["search", "escapadeword", "--format", "tsv"]);
    let tsv = String::from_utf8(tsv.stdout).unwrap();
    assert!(
        tsv.contains("Escapade headline\\x1b[2J\\x1b]8;;https://evil.example/\\x1b\\click"),
        "{tsv}"
    );
    let paths = raw(&s, &["search", "escapadeword", "--format", "paths"]);
    let paths = String::from_utf8(paths.stdout).unwrap();
    assert!(
        paths.contains(
            "docs/name\\x1b[2J\\x1b]8;;evil.example\\x07\\x1b]52;c;cm0gLXJmIH4=\\x07\\x9b2J.txt\n"
        ),
        "{paths}"
    );
    let shown = raw(&s, &["show", &echo]);
    assert_eq!(
        String::from_utf8_lossy(&shown.stderr),
        "warta: no article with id or path missing\\x1b[2J\\x1b]52;c;cm0gLXJmIH4=\\x07\\x9b2J; \
         ids and paths are shown by `warta search`\n"
    );
}
