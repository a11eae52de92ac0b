//! Hostile input: files built to exhaust memory or time (gzip bombs, sparse multi-gigabyte
//! files, HTML nested 100,000 deep, a million attributes, 100,000 identical records), each
//! indexed beside good files by `warta index` under an address-space limit. The run must
//! finish, commit the good files, and report the hostile one with a reason.
//!
//! Two bounds are held: resident memory at its peak (the child's own `ru_maxrss`) under 1 GiB,
//! and address space (`RLIMIT_AS`) under 3 GiB, so that a file read whole fails the run rather
//! than swapping the machine. Address space counts what the allocator reserves, not what it
//! touches: mimalloc reserves per thread, so a run indexing large articles and many records on
//! two threads reserves well over 1 GiB that it never uses, while a run over the shipped corpus
//! passes within a quarter of that. At 2 GiB the feeds' run (resident peak 0.6-0.7 GiB) once
//! failed to reserve 92 MB more on a loaded machine: the bound that matters is the resident one.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;

use serde_json::Value;

use crate::util::{Run, Sandbox};

/// The address space a `warta index` run gets here.
const ADDRESS_SPACE: u64 = 3 << 30;
/// The resident memory a `warta index` run may peak at, in KiB.
const MAX_RSS_KIB: i64 = 1 << 20;

/// Runs warta in the sandbox with its address space limited to [`ADDRESS_SPACE`], and checks
/// that its resident memory peaked under [`MAX_RSS_KIB`].
// The child is reaped by `wait4`, which also gives its resource usage.
#[allow(clippy::zombie_processes)]
fn run_limited(sandbox: &Sandbox, args: &[&str]) -> Run {
    use std::io::Read;
    let mut cmd = sandbox.cmd(args);
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe and touches nothing of the parent.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: ADDRESS_SPACE,
                rlim_max: ADDRESS_SPACE,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("run warta");
    // The reports are small, so the pipes are read after the child ends.
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    // SAFETY: waits for our own child, whose status and usage go into locals.
    let waited = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(waited, child.id() as i32);
    let (mut stdout, mut stderr) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let run = Run {
        code,
        stdout,
        stderr,
    };
    assert!(
        usage.ru_maxrss < MAX_RSS_KIB,
        "peak RSS {} KiB; {run:?}",
        usage.ru_maxrss
    );
    run
}

/// Two ordinary articles, the good files beside the hostile ones.
fn write_good_files(sandbox: &Sandbox) {
    sandbox.write(
        "in/good-1.txt",
        "Nimbus cloud outage\n\nA storage fault took the Nimbus cloud down for six hours.\n",
    );
    sandbox.write(
        "in/good-2.txt",
        "Tanibaik raises funds\n\nThe agritech startup Tanibaik raised a series A round.\n",
    );
}

/// Indexes `in/` under the limit with `extra` arguments; the report's problems by file name.
fn index(sandbox: &Sandbox, extra: &[&str]) -> BTreeMap<String, Vec<(String, String)>> {
    let mut args = vec!["index", "--json", "--threads", "2", "in"];
    args.extend_from_slice(extra);
    let run = run_limited(sandbox, &args);
    assert!(run.code == 0, "{run:?}");
    let report: Value = run.json();
    let mut problems: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for p in report["problems"].as_array().unwrap() {
        let name = Path::new(p["path"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let name = name.split('#').next().unwrap().to_string();
        problems.entry(name).or_default().push((
            p["kind"].as_str().unwrap().to_string(),
            p["reason"].as_str().unwrap().to_string(),
        ));
    }
    problems
}

/// The titles a search finds (exit 0 or 1).
fn titles(sandbox: &Sandbox, query: &str) -> Vec<String> {
    let run = sandbox.run(&["search", "--json", "-n", "50", query]);
    assert!(run.code <= 1, "{run:?}");
    let found: Value = run.json();
    found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect()
}

/// How many articles a search matches, copies folded into a hit included.
fn articles(sandbox: &Sandbox, query: &str) -> usize {
    let found: Value = sandbox.run(&["search", "--json", query]).code(0).json();
    let hits = found["hits"].as_array().unwrap();
    hits.iter()
        .map(|h| 1 + h["duplicates"].as_array().unwrap().len())
        .sum()
}

fn assert_good_files_indexed(sandbox: &Sandbox) {
    assert_eq!(titles(sandbox, "nimbus"), ["Nimbus cloud outage"]);
    assert_eq!(titles(sandbox, "tanibaik"), ["Tanibaik raises funds"]);
}

/// One gzip member of `bytes`, to be repeated: gzip readers read concatenated members as one
/// stream, so a small file expands to gigabytes without the test compressing them.
fn gzip_member(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// A gzip file of `copies` members of `bytes`.
fn write_bomb(path: &Path, bytes: &[u8], copies: usize) {
    let member = gzip_member(bytes);
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for _ in 0..copies {
        file.write_all(&member).unwrap();
    }
    file.flush().unwrap();
}

#[test]
fn bombs_and_sparse_files_are_reported_and_the_good_files_committed() {
    let sandbox = Sandbox::empty();
    write_good_files(&sandbox);
    let block = 16 << 20;
    // 10 GiB of zeros, 10 GiB of text lines, 10 GiB of JSON lines, each in a few MB of gzip.
    write_bomb(
        &sandbox.path().join("in/zeros.txt.gz"),
        &vec![0; block],
        640,
    );
    let text = b"all work and no play makes a dull article\n".repeat(block / 42);
    write_bomb(&sandbox.path().join("in/text.txt.gz"), &text, 640);
    let body = "the same words again and again in a body of some length ".repeat(30);
    let record = format!("{{\"title\": \"Bomb record\", \"body\": \"{body}\"}}\n");
    let lines = record.as_bytes().repeat(block / record.len());
    write_bomb(&sandbox.path().join("in/lines.jsonl.gz"), &lines, 640);
    // A sparse 6 GiB text file, and a JSON file over the byte limit.
    let sparse = std::fs::File::create(sandbox.path().join("in/sparse.txt")).unwrap();
    sparse.set_len(6 << 30).unwrap();
    sandbox.write("in/big.json", format!("[{}]", " ".repeat(5 << 20)));

    let problems = index(&sandbox, &["--max-file-size", "4M"]);
    assert_good_files_indexed(&sandbox);
    let reason = |file: &str| {
        problems[file]
            .iter()
            .map(|(k, r)| format!("{k}: {r}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    assert!(
        reason("zeros.txt.gz").contains("skipped: binary file"),
        "{problems:?}"
    );
    assert!(
        reason("sparse.txt").contains("skipped: binary file"),
        "{problems:?}"
    );
    assert!(
        reason("big.json").contains("skipped: larger than 4 MiB"),
        "{problems:?}"
    );
    assert!(
        reason("text.txt.gz").contains("warning: larger than 4 MiB"),
        "{problems:?}"
    );
    assert!(
        reason("lines.jsonl.gz").contains("warning: larger than 4 MiB"),
        "{problems:?}"
    );
    // What was read of the bombs within the limit is indexed.
    assert!(!titles(&sandbox, "\"bomb record\"").is_empty());
}

#[test]
fn html_nested_100k_deep_or_with_a_million_attributes_is_cut_in_bounded_time() {
    let sandbox = Sandbox::empty();
    write_good_files(&sandbox);
    let deep = format!(
        "<html><head><title>Deep page</title></head><body>{}<p>deepest words</p>{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    sandbox.write("in/deep.html", deep);
    let attributes: String = (0..1_000_000).map(|n| format!(" a{n}=\"{n}\"")).collect();
    let wide = format!(
        "<html><head><title>Wide page</title></head><body><p{attributes}>wide words</p></body></html>"
    );
    sandbox.write("in/wide.html", wide);
    let started = std::time::Instant::now();
    let problems = index(&sandbox, &[]);
    let took = started.elapsed();
    assert_good_files_indexed(&sandbox);
    assert!(
        problems["deep.html"][0]
            .1
            .contains("HTML nested deeper than 256"),
        "{problems:?}"
    );
    assert!(
        problems["wide.html"][0]
            .1
            .contains("more than 64 attributes"),
        "{problems:?}"
    );
    assert_eq!(titles(&sandbox, "deepest"), ["Deep page"]);
    assert_eq!(titles(&sandbox, "wide"), ["Wide page"]);
    assert!(took < std::time::Duration::from_secs(60), "took {took:?}");
}

#[test]
fn identical_records_long_articles_and_utf16_files_are_indexed_within_bounds() {
    let sandbox = Sandbox::empty();
    write_good_files(&sandbox);
    let line = "{\"title\": \"Same story\", \"body\": \"one text copied over and over again\"}\n";
    sandbox.write("in/copies.jsonl", line.repeat(100_000));
    let long = format!("Long article\n\nLede.\n\n{}\n", "word ".repeat(400_000));
    sandbox.write("in/long.txt", long);
    let mut utf16 = vec![0xff, 0xfe];
    let text = "Berita dalam UTF-16\n\nArtikel ini disimpan sebagai UTF-16 oleh editor lama.\n";
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    sandbox.write("in/utf16.txt", utf16);
    let problems = index(
        &sandbox,
        &["--max-records", "50000", "--max-article-size", "1M"],
    );
    assert_good_files_indexed(&sandbox);
    assert!(
        problems["copies.jsonl"][0]
            .1
            .contains("more than 50000 records"),
        "{problems:?}"
    );
    assert!(
        problems["long.txt"][0].1.contains("cut to the first 1 MiB"),
        "{problems:?}"
    );
    assert_eq!(problems["utf16.txt"][0].1, "UTF-16 text, decoded");
    assert_eq!(titles(&sandbox, "editor"), ["Berita dalam UTF-16"]);
    // The copies are one story: one hit, the others folded into it.
    let run = sandbox
        .run(&["search", "--json", "\"copied over\""])
        .code(0);
    let found: Value = run.json();
    assert_eq!(found["hits"].as_array().unwrap().len(), 1);
}

#[test]
fn a_file_over_its_time_budget_is_abandoned_and_the_run_goes_on() {
    let sandbox = Sandbox::empty();
    write_good_files(&sandbox);
    let line = "{\"title\": \"Slow\", \"body\": \"a record\"}\n";
    sandbox.write("in/slow.jsonl", line.repeat(10));
    index(&sandbox, &[]);
    assert_eq!(articles(&sandbox, "slow"), 10);
    // Grown past what it can be read in within its time: abandoned, its old articles kept.
    sandbox.write("in/slow.jsonl", line.repeat(1_000_000));
    let problems = index(&sandbox, &["--file-timeout", "0.2"]);
    assert_eq!(problems["slow.jsonl"][0].0, "skipped");
    assert!(
        problems["slow.jsonl"][0].1.contains("abandoned after"),
        "{problems:?}"
    );
    assert_good_files_indexed(&sandbox);
    assert_eq!(articles(&sandbox, "slow"), 10);
}

#[test]
fn costly_queries_are_refused_with_exit_2_and_open_ranges_answered() {
    let sandbox = Sandbox::empty();
    write_good_files(&sandbox);
    index(&sandbox, &[]);
    let phrase = format!("\"{}\"~100", vec!["nimbus"; 40].join(" "));
    let run = run_limited(&sandbox, &["search", &phrase]).code(2);
    assert!(run.stderr.contains("query too costly"), "{}", run.stderr);
    assert!(run.stderr.contains("smaller ~slop"), "{}", run.stderr);
    let deep = "(".repeat(50_000) + "nimbus" + &")".repeat(50_000);
    run_limited(&sandbox, &["search", &deep]).code(2);
    let many = vec!["nimbus"; 10_000].join(" ");
    run_limited(&sandbox, &["search", &many]).code(2);
    run_limited(&sandbox, &["search", "\"nimbus cloud\"~100"]).code(0);
    for range in ["[* TO *]", "{* TO *}", "[2020 TO *]", "[* TO 2400]", "2400"] {
        let run = run_limited(&sandbox, &["search", &format!("nimbus published:{range}")]);
        assert!(run.code <= 1, "{range}: {run:?}");
    }
    // The query fuzzer's costly queries (repeated words, huge slops, 10,000 terms, open ranges),
    // each answered or refused by the binary under the same limit.
    for query in crate::fuzz::costly_queries() {
        // Linux takes no single argument over 128 KiB (the fuzzer sends those in-process).
        if query.len() >= 128 << 10 {
            continue;
        }
        let run = run_limited(&sandbox, &["search", "--", &query]);
        let shown: String = query.chars().take(60).collect();
        assert!(run.code <= 2, "{shown}: {run:?}");
        if run.code == 2 {
            let line = run.stderr.trim_end();
            assert!(
                line.starts_with("warta: ") && !line.contains('\n') && !line.contains("panicked"),
                "{shown}: {line}"
            );
        }
    }
}

/// The story an article gets does not depend on the order its files are indexed in: the same
/// copies, given as two folders in either order, get the same story ids.
#[test]
fn story_ids_do_not_depend_on_indexing_order() {
    use warta::index::{run_index, IndexOptions, NoProgress};
    let sandbox = Sandbox::empty();
    let text = "Altura commits billions to data centres\n\n\
                Altura will spend billions on new data centres across the region over the next \
                five years, the company said, as demand for cloud computing keeps growing.\n";
    sandbox.write("one/a.txt", text);
    sandbox.write("two/b.txt", text);
    sandbox.write("two/c.txt", text.replace("billions", "six billion dollars"));
    let (one, two) = (sandbox.path().join("one"), sandbox.path().join("two"));
    let stories = |name: &str, paths: Vec<std::path::PathBuf>| {
        let dir = sandbox.path().join(name);
        let mut options = IndexOptions::new(dir.clone(), paths);
        options.threads = 1;
        run_index(&options, &NoProgress, &Default::default()).unwrap();
        let engine = warta::search::Engine::open(&dir).unwrap();
        let mut stories: Vec<(String, u64)> = engine
            .stories()
            .unwrap()
            .into_iter()
            .map(|(path, story, _)| (path, story))
            .collect();
        stories.sort();
        stories
    };
    let forward = stories("ix1", vec![one.clone(), two.clone()]);
    let backward = stories("ix2", vec![two, one]);
    assert_eq!(forward.len(), 3);
    assert_eq!(forward[0].1, forward[1].1, "{forward:?}");
    assert_eq!(forward, backward);
}

#[test]
fn hostile_web_archives_are_read_in_bounded_memory_and_their_good_pages_kept() {
    use crate::warc::{gzip, record, response};
    let sandbox = Sandbox::empty();
    write_good_files(&sandbox);
    let date = "2024-03-05T10:20:30Z";
    // Each page at its own URL (one URL would be one article).
    let page = |title: &str| {
        let body = format!("<html><title>{title}</title><body><p>{title} text.</p></body></html>");
        let first = title.split(' ').next().unwrap_or_default();
        record(
            "response",
            &format!("https://ok.example/{first}"),
            date,
            &response("Content-Type: text/html\r\n", body.as_bytes()),
        )
    };
    let mut archive = gzip(&page("Walrus archive page"));
    // A record that claims a petabyte and holds a few bytes.
    let liar = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 1000000000000000\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html>";
    archive.extend(gzip(liar));
    // A payload that inflates to 10 GiB (640 gzip members of 16 MiB of spaces).
    let member = gzip_member(&vec![b' '; 16 << 20]);
    let mut bomb =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    for _ in 0..640 {
        bomb.extend_from_slice(&member);
    }
    archive.extend(gzip(&record(
        "response",
        "https://bomb.example/",
        date,
        &bomb,
    )));
    // A record of 64 MiB in one member: over the limit per record, skipped as it streams.
    let mut big = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><p>".to_vec();
    big.resize(64 << 20, b'x');
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&record("response", "https://big.example/", date, &big))
        .unwrap();
    archive.extend(gz.finish().unwrap());
    // Garbage between members.
    archive.extend((0..100_000u32).map(|n| (n.wrapping_mul(2_654_435_761) >> 24) as u8 | 1));
    archive.extend(gzip(&page("Narwhal archive page")));
    sandbox.write("in/hostile.warc.gz", &archive);
    // 100,000 tiny records in one gzip stream, then a page.
    let tiny = record(
        "response",
        "https://tiny.example/",
        date,
        b"HTTP/1.1 404 Not Found\r\n\r\n",
    );
    let mut many = tiny.repeat(100_000);
    many.extend(page("Dugong archive page"));
    sandbox.write("in/tiny.warc.gz", gzip(&many));

    let run = run_limited(&sandbox, &["index", "--json", "--threads", "2", "in"]);
    assert_eq!(run.code, 0, "{run:?}");
    let report: Value = run.json();
    assert_good_files_indexed(&sandbox);
    for title in ["Walrus", "Narwhal", "Dugong"] {
        assert_eq!(
            titles(&sandbox, title),
            [format!("{title} archive page")],
            "{report}"
        );
    }
    assert_eq!(report["passed_over"]["error_pages"], 100_000, "{report}");
    let reasons: Vec<String> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}: {}", p["path"], p["reason"]))
        .collect();
    let has = |path: &str, words: &str| {
        reasons
            .iter()
            .any(|r| r.contains(path) && r.contains(words))
    };
    assert!(
        has("hostile.warc.gz#2", "over the 16 MiB limit per record"),
        "{reasons:?}"
    );
    assert!(
        has("hostile.warc.gz#3", "payload cut at 16 MiB"),
        "{reasons:?}"
    );
    assert!(
        has("hostile.warc.gz#4", "over the 16 MiB limit per record"),
        "{reasons:?}"
    );
    assert!(
        has("hostile.warc.gz", "bytes that are not gzip data"),
        "{reasons:?}"
    );
}

/// An RSS 2.0 feed's head and tail, around its items.
const FEED_HEAD: &str =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Hostile feed</title>\n";
const FEED_TAIL: &str = "</channel></rss>\n";

/// A gzip file of a feed whose items are `copies` times `item`, streamed in members so that
/// neither the test nor the disk holds the whole of it.
fn write_feed_gz(path: &Path, item: &str, copies: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    file.write_all(&gzip_member(FEED_HEAD.as_bytes())).unwrap();
    // Members of up to 16 MiB of items each.
    let per_member = ((16 << 20) / item.len()).clamp(1, copies.max(1));
    let member = gzip_member(item.repeat(per_member).as_bytes());
    for _ in 0..copies / per_member {
        file.write_all(&member).unwrap();
    }
    let rest = copies % per_member;
    if rest > 0 {
        file.write_all(&gzip_member(item.repeat(rest).as_bytes()))
            .unwrap();
    }
    file.write_all(&gzip_member(FEED_TAIL.as_bytes())).unwrap();
    file.flush().unwrap();
}

/// A feed with one item whose description is `inner`.
fn feed_with_description(inner: &str) -> String {
    format!("{FEED_HEAD}<item><title>Nested item</title><description>{inner}</description></item>{FEED_TAIL}")
}

#[test]
fn hostile_feeds_are_read_within_bounds_and_the_good_files_committed() {
    let sandbox = Sandbox::empty();
    write_good_files(&sandbox);
    // A million items (77 MB of XML in 1 MB of gzip): feed-rs alone built a gigabyte of items.
    let item = "<item><title>Crowded item</title><description>crowded words</description></item>\n";
    write_feed_gz(&sandbox.path().join("in/million.rss.gz"), item, 1_000_000);
    // One item of 100 MB of text, under the byte limit per file: cut to the article limit.
    let text = "a hugeitem sentence of words without end ".repeat(1 << 10);
    let mut huge = std::io::BufWriter::new(
        std::fs::File::create(sandbox.path().join("in/huge.rss.gz")).unwrap(),
    );
    let head = format!("{FEED_HEAD}<item><title>Huge item</title><description>");
    huge.write_all(&gzip_member(head.as_bytes())).unwrap();
    let member = gzip_member(text.repeat(256).as_bytes());
    for _ in 0..(100 << 20) / (text.len() * 256) {
        huge.write_all(&member).unwrap();
    }
    let tail = format!("</description></item>{FEED_TAIL}");
    huge.write_all(&gzip_member(tail.as_bytes())).unwrap();
    huge.flush().unwrap();
    drop(huge);
    // Entities defined in terms of each other, a billion "lol"s if expanded: the XML parser
    // expands only XML's own five entities, so these stay as written.
    let mut entities = String::from("<!ENTITY lol \"lol\">");
    for n in 1..10 {
        let inner = if n == 1 {
            "&lol;".to_string()
        } else {
            format!("&lol{};", n - 1)
        };
        entities.push_str(&format!("<!ENTITY lol{n} \"{}\">", inner.repeat(10)));
    }
    sandbox.write(
        "in/laughs.rss",
        format!(
            "<?xml version=\"1.0\"?><!DOCTYPE rss [{entities}]><rss version=\"2.0\"><channel>\
             <title>Laughs</title><item><title>Laughing item</title>\
             <description>laughter &lol9; here</description></item></channel></rss>"
        ),
    );
    // HTML 100,000 elements deep in a description, entity-escaped as feeds carry HTML: the
    // HTML reader's depth bound cuts it.
    let deep = format!(
        "{}deepfeed words{}",
        "&lt;div&gt;".repeat(100_000),
        "&lt;/div&gt;".repeat(100_000)
    );
    sandbox.write("in/deep.rss", feed_with_description(&deep));

    // A generous time per file: a debug build on a busy machine parses 100 MB slowly.
    let limits = [
        "--max-records",
        "30000",
        "--max-article-size",
        "1M",
        "--file-timeout",
        "600",
    ];
    let problems = index(&sandbox, &limits);
    assert_good_files_indexed(&sandbox);
    let reasons = |file: &str| format!("{:?}", problems.get(file));
    assert!(
        reasons("million.rss.gz").contains("more than 30000 records"),
        "{problems:?}"
    );
    let found: Value = sandbox
        .run(&["search", "--json", "--no-collapse", "-n", "0", "crowded"])
        .code(0)
        .json();
    assert_eq!(found["total"], 30_000);
    assert!(
        reasons("huge.rss.gz").contains("cut to the first 1 MiB"),
        "{problems:?}"
    );
    assert_eq!(titles(&sandbox, "hugeitem"), ["Huge item"]);
    assert!(!problems.contains_key("laughs.rss"), "{problems:?}");
    assert_eq!(titles(&sandbox, "laughter"), ["Laughing item"]);
    let shown = sandbox
        .run(&["show", "--json", "in/laughs.rss#1"])
        .code(0)
        .stdout;
    assert!(!shown.contains("lollol"), "an entity was expanded: {shown}");
    assert!(
        reasons("deep.rss").contains("HTML nested deeper than 256"),
        "{problems:?}"
    );
    assert_eq!(titles(&sandbox, "deepfeed"), ["Nested item"]);
}

#[test]
fn a_feed_bomb_and_a_feed_nested_too_deep_are_reported_and_the_good_files_committed() {
    let sandbox = Sandbox::empty();
    write_good_files(&sandbox);
    // 10 GiB of items in a few MB of gzip.
    let item = "<item><title>Bomb item</title><description>the same words</description></item>\n";
    write_feed_gz(&sandbox.path().join("in/bomb.rss.gz"), item, 130_000_000);
    // 100,000 elements deep: beyond what the XML parser nests.
    let deep = format!(
        "{}too deep{}",
        "<x>".repeat(100_000),
        "</x>".repeat(100_000)
    );
    sandbox.write("in/deeper.rss", feed_with_description(&deep));

    let args = [
        "index",
        "--json",
        "--threads",
        "2",
        "in",
        "--max-file-size",
        "4M",
    ];
    let run = run_limited(&sandbox, &args);
    // A file that could not be parsed makes the run exit 2, its good files committed.
    assert_eq!(run.code, 2, "{run:?}");
    let report: Value = run.json();
    let problem = |name: &str| {
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["path"].as_str().unwrap().ends_with(name))
            .map(|p| format!("{}: {}", p["kind"], p["reason"]))
            .unwrap_or_default()
    };
    assert!(
        problem("bomb.rss.gz").contains("skipped")
            && problem("bomb.rss.gz").contains("larger than 4 MiB"),
        "{report}"
    );
    assert!(
        problem("deeper.rss").contains("failed") && problem("deeper.rss").contains("deeper than"),
        "{report}"
    );
    assert_eq!(report["added"], 2, "{report}");
    assert_good_files_indexed(&sandbox);
}
