//! Hostile requests to one running `warta serve`: 10,000 random and malformed query strings and
//! parameters (the query fuzzer of `fuzz.rs`, with parameters fuzzed around it) over a few
//! keep-alive connections at once, then oversized URLs, headers and bodies, bytes that are not
//! UTF-8 once percent-decoded, unknown ids, path tricks, bad batches, wrong methods and slow,
//! half-closed and broken connections. Every request is answered with a 4xx JSON error or a
//! result (503 only for the time budget), never with a stack trace, a path of this machine or
//! a file from outside the index; the server answers a known query the same way afterwards and
//! wrote no panic to its stderr.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Stdio;
use std::time::Duration;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use crate::fuzz::piece;
use crate::serve::{dechunk, enc, indexed_corpus, Answer, Server, DEADLINE};
use crate::util::{root, Sandbox};

/// Random requests sent over keep-alive connections.
const RANDOM_REQUESTS: usize = 10_000;
/// Connections the random requests are spread over, each on its own thread.
const CONNECTIONS: usize = 4;

/// A query the corpus answers, asked before and after everything else.
const KNOWN: &str = "/api/search?q=chip&facet=lang";

/// What no answer may hold: a panic or backtrace, a file read from outside the index (the
/// start of /etc/passwd, the sandbox's Cargo.toml, the index's own files, the environment).
const FORBIDDEN: &[&str] = &[
    "panicked",
    "stack backtrace",
    "RUST_BACKTRACE",
    "root:x:0:0",
    "[package]",
    "index_settings",
    "\"segments\"",
    "PATH=/",
];

/// What the server may answer with.
const STATUSES: &[u16] = &[200, 400, 404, 405, 413, 414, 503];

#[test]
fn hostile_requests_are_answered_and_the_server_goes_on() {
    let sandbox = indexed_corpus();
    let log = sandbox.path().join("server.stderr");
    let stderr = File::create(&log).unwrap();
    let server = Server::start_with(&sandbox, "127.0.0.1:0", &[], Stdio::from(stderr));
    let guard = Guard::new(&sandbox);
    let known = server.get(KNOWN);
    assert_eq!(known.status, 200, "{}", known.text());
    let known_total = known.json()["total"].clone();

    random_requests(&server, &guard);
    bad_bytes_and_unknown_ids(&server, &guard);
    path_tricks(&server, &guard);
    oversized(&server, &guard);
    batches(&server, &guard);
    methods(&server, &guard);
    connections(&server, &guard);

    let after = server.get(KNOWN);
    assert_eq!(after.status, 200, "{}", after.text());
    assert_eq!(after.json()["total"], known_total, "the same answer after");
    let mut child = server;
    assert!(
        child.child.try_wait().unwrap().is_none(),
        "the server stopped"
    );
    drop(child);
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("serve: "), "an internal error: {stderr}");
}

/// Checks answers against what the server may say.
struct Guard {
    /// Paths of this machine no answer may name: the sandbox (as given and resolved) and the
    /// repository.
    paths: Vec<String>,
    /// The sandbox, resolved.
    sandbox: String,
}

impl Guard {
    fn new(sandbox: &Sandbox) -> Guard {
        let mut paths = vec![
            sandbox.path().to_string_lossy().into_owned(),
            sandbox
                .path()
                .canonicalize()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            root().to_string_lossy().into_owned(),
        ];
        let sandbox = paths[1].clone();
        paths.dedup();
        Guard { paths, sandbox }
    }

    /// An answer the server built: a known status, JSON `{error, hint}` for an API error, a
    /// result for a 200 of the API, and nothing forbidden.
    fn check(&self, what: &str, answer: &Answer) {
        assert!(
            STATUSES.contains(&answer.status),
            "{what}: status {}: {}",
            answer.status,
            answer.text()
        );
        self.clean(what, answer);
        let mut words = what.split(' ');
        let first = words.next().unwrap_or_default();
        let target = match first.bytes().all(|b| b.is_ascii_uppercase()) {
            true => words.next().unwrap_or_default(),
            false => first,
        };
        let api = target.starts_with("/api/");
        if api || answer.status != 200 && is_json(answer) {
            let json = answer.json();
            if answer.status == 200 {
                assert!(json.is_object() || json.is_array(), "{what}: {json}");
            } else {
                assert!(
                    json["error"].as_str().is_some_and(|e| !e.is_empty()),
                    "{what}: {json}"
                );
                assert!(json.get("hint").is_some(), "{what}: {json}");
            }
        }
        if answer.status == 503 {
            let error = answer.text();
            assert!(error.contains("took too long"), "{what}: 503 {error}");
        }
    }

    /// An answer holds nothing forbidden and no path of this machine but one the request
    /// itself named (an unknown id is echoed in its error).
    fn clean(&self, what: &str, answer: &Answer) {
        let text = format!("{}\n{}", answer.headers, answer.text());
        for bad in FORBIDDEN {
            assert!(
                !text.contains(bad),
                "{what}: the answer holds {bad:?}: {text}"
            );
        }
        let asked = |path: &str| what.contains(path) || what.contains(&enc(path));
        for path in self.paths.iter().filter(|p| !asked(p)) {
            assert!(!text.contains(path), "{what}: the answer names {path}");
        }
    }

    /// An answer from the HTTP layer to a request it cannot parse: a 4xx with no body, or a
    /// closed connection; or, when it parsed after all, an answer as [`Guard::check`] wants.
    fn check_raw(&self, what: &str, answer: Option<Answer>) {
        let Some(answer) = answer else { return };
        if answer.body.is_empty() && !answer.headers.contains("application/json") {
            assert!(
                (400..500).contains(&answer.status),
                "{what}: status {}",
                answer.status
            );
            self.clean(what, &answer);
        } else {
            self.check(what, &answer);
        }
    }
}

fn is_json(answer: &Answer) -> bool {
    answer
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"))
}

// ---- random requests -------------------------------------------------------------------

/// A query string's value: text percent-encoded as a client would, or raw characters a URL
/// may hold (`%` sequences that decode to anything, `&`, `=`, `+` that split it differently).
fn value() -> impl Strategy<Value = String> {
    let encoded = prop_oneof![
        "\\PC{0,60}",
        vec(piece(), 0..12).prop_map(|p| p.concat()),
        "-?[0-9]{0,25}",
        "[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?",
        "[0-9]{0,4}[dwmyh]?",
        prop::sample::select(vec![
            "",
            "0",
            "-1",
            "1e3",
            "0x10",
            "NaN",
            "1.5",
            " 5",
            "1001",
            "100001",
            "18446744073709551616",
            "2025-13-45",
            "2025-02-30",
            "0000",
            "9999-12-31",
            "yesterday",
            "today",
            "date",
            "relevance",
            "DATE",
            "size",
            "30d",
            "-5d",
            "0d",
            "99999999999d",
            "source",
            "lang",
            "year",
            "author",
            "en",
            "id",
            "xx",
            "true",
            "false",
            "yes",
            "on",
            "2",
            "dailysocial.id",
            "chip",
            "data breach",
            "\"pusat data\"",
            "published:yesterday",
            "title:",
            "*",
        ])
        .prop_map(str::to_string),
    ]
    .prop_map(|text| enc(&text));
    let raw = prop_oneof![
        "[A-Za-z0-9%+=&;,/?:@!$'()*._~-]{0,16}",
        "(%[0-9a-fA-F]{2}){1,8}",
        prop::sample::select(vec![
            "%ff%fe",
            "%",
            "%%",
            "%zz",
            "%0",
            "%00",
            "%c0%af",
            "%ed%a0%80",
            "%e2%80%ae",
            "+++",
            "%2e%2e%2f",
            "..%252f",
            "%5c",
            "%1b%5b31m",
        ])
        .prop_map(str::to_string),
    ];
    prop_oneof![3 => encoded, 1 => raw]
}

/// A parameter name: the known ones, near misses and garbage.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "q", "limit", "offset", "lang", "source", "since", "until", "sort", "recent", "facet",
            "exact", "no_collapse", "snippets", "snippet_chars", "by",
        ])
        .prop_map(str::to_string),
        1 => prop::sample::select(vec![
            "", "Q", "q[]", "LIMIT", "no-collapse", "%71", "q%00", "%ff", "limit ", "by", "id", "_search",
        ])
        .prop_map(str::to_string),
        1 => "[a-z_]{1,10}",
    ]
}

/// One `key=value` (or a bare key, or an empty pair).
fn param() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (key(), value()).prop_map(|(k, v)| format!("{k}={v}")),
        1 => key(),
        1 => Just(String::new()),
    ]
}

/// A request target: mostly a search with a fuzzed query and fuzzed parameters, repeated or
/// not, and sometimes the page, an article, similar articles or the stats.
fn target() -> impl Strategy<Value = String> {
    let query = prop_oneof![
        "\\PC{0,60}".boxed(),
        vec(piece(), 0..20).prop_map(|p| p.concat()).boxed(),
        value().prop_map(|v| v.replace('+', " ")).boxed(),
    ];
    let search = (
        prop::option::weighted(0.9, query),
        vec(param(), 0..6),
        prop::sample::select(vec![
            "/api/search",
            "/api/search",
            "/api/search",
            "/api/trend",
            "/",
        ]),
    )
        .prop_map(|(q, params, path)| {
            let mut pairs: Vec<String> = q.iter().map(|q| format!("q={}", enc(q))).collect();
            pairs.extend(params);
            format!("{path}?{}", pairs.join("&"))
        });
    let by_id = (
        prop::sample::select(vec!["/api/articles/", "/api/similar/", "/articles/"]),
        value(),
        vec(param(), 0..3),
    )
        .prop_map(|(path, id, params)| format!("{path}{id}?{}", params.join("&")));
    prop_oneof![
        8 => search,
        2 => by_id,
        1 => vec(param(), 0..3).prop_map(|p| format!("/api/stats?{}", p.join("&"))),
    ]
}

/// A target made a valid request line: anything a client would not send raw is escaped.
fn sendable(target: &str) -> String {
    target
        .bytes()
        .map(|b| match b {
            b'!'..=b'~' if b != b'#' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn random_requests(server: &Server, guard: &Guard) {
    let mut runner = TestRunner::deterministic();
    let strategy = target();
    let targets: Vec<String> = (0..RANDOM_REQUESTS)
        .map(|_| sendable(&strategy.new_tree(&mut runner).unwrap().current()))
        .collect();
    let counts = std::thread::scope(|scope| {
        let workers: Vec<_> = targets
            .chunks(RANDOM_REQUESTS.div_ceil(CONNECTIONS))
            .map(|chunk| {
                scope.spawn(move || {
                    let mut conn = KeepAlive::new(&server.addr);
                    let mut counts = [0usize; 600];
                    for target in chunk {
                        let answer = conn.get(target);
                        guard.check(&format!("GET {target}"), &answer);
                        counts[answer.status as usize] += 1;
                    }
                    counts
                })
            })
            .collect();
        let mut total = [0usize; 600];
        for worker in workers {
            for (sum, n) in total.iter_mut().zip(worker.join().unwrap()) {
                *sum += n;
            }
        }
        total
    });
    let shown: Vec<String> = counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(status, n)| format!("{status}: {n}"))
        .collect();
    eprintln!("random requests by status: {}", shown.join(", "));
    assert_eq!(counts.iter().sum::<usize>(), RANDOM_REQUESTS);
    // The fuzz reaches both sides: searches that run and requests that are refused.
    assert!(counts[200] >= RANDOM_REQUESTS / 10, "{shown:?}");
    assert!(counts[400] >= RANDOM_REQUESTS / 10, "{shown:?}");
    assert!(counts[404] > 0, "{shown:?}");
}

/// A keep-alive HTTP/1.1 connection that reconnects when the server closes it.
struct KeepAlive<'a> {
    addr: &'a str,
    stream: Option<BufReader<TcpStream>>,
}

impl<'a> KeepAlive<'a> {
    fn new(addr: &'a str) -> KeepAlive<'a> {
        KeepAlive { addr, stream: None }
    }

    fn get(&mut self, target: &str) -> Answer {
        let head = format!("GET {target} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr);
        // A connection the server closed between requests is opened again, once.
        for _ in 0..2 {
            let reader = self.stream.get_or_insert_with(|| {
                let stream = TcpStream::connect(self.addr).expect("connect");
                stream.set_read_timeout(Some(DEADLINE)).unwrap();
                BufReader::new(stream)
            });
            if reader.get_mut().write_all(head.as_bytes()).is_err() {
                self.stream = None;
                continue;
            }
            match read_answer(reader) {
                Some(answer) => {
                    let close = answer
                        .header("connection")
                        .is_some_and(|c| c.eq_ignore_ascii_case("close"));
                    if close {
                        self.stream = None;
                    }
                    return answer;
                }
                None => self.stream = None,
            }
        }
        panic!("GET {target}: no answer");
    }
}

/// Reads one answer (status line, headers, a body by length or chunks) off a connection;
/// `None` when it closes first.
fn read_answer(reader: &mut BufReader<TcpStream>) -> Option<Answer> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        if reader.read_until(b'\n', &mut head).ok()? == 0 {
            return None;
        }
        if head[before..] == *b"\r\n" {
            break;
        }
    }
    let headers = String::from_utf8_lossy(&head).trim_end().to_string();
    let status = headers.split(' ').nth(1)?.parse().ok()?;
    let mut answer = Answer {
        status,
        headers,
        body: Vec::new(),
    };
    if let Some(length) = answer.header("content-length") {
        answer.body = vec![0; length.parse().ok()?];
        reader.read_exact(&mut answer.body).ok()?;
    } else if answer
        .header("transfer-encoding")
        .is_some_and(|t| t.contains("chunked"))
    {
        let mut raw = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).ok()?;
            let size = usize::from_str_radix(line.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            raw.extend(format!("{size:x}\r\n").as_bytes());
            raw.extend(&chunk);
            if size == 0 {
                break;
            }
        }
        answer.body = dechunk(&raw);
    }
    Some(answer)
}

// ---- one-shot requests -----------------------------------------------------------------

/// Writes `bytes` on a new connection, half-closes it, and reads the answer until the server
/// closes; `None` when it closes without one.
fn raw(server: &Server, bytes: &[u8]) -> Option<Answer> {
    let stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    let mut writer = &stream;
    // The server may answer and close before reading everything: that is its right.
    let _ = writer.write_all(bytes);
    let _ = stream.shutdown(Shutdown::Write);
    read_answer(&mut BufReader::new(stream))
}

/// Writes `bytes` on a new connection left open, and reads the answer.
fn raw_open(server: &Server, bytes: &[u8]) -> Option<Answer> {
    let stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let _ = (&stream).write_all(bytes);
    read_answer(&mut BufReader::new(stream))
}

/// A GET of `target` exactly as written, on its own connection.
fn get_raw(server: &Server, target: &str) -> Option<Answer> {
    let head = format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    raw(server, head.as_bytes())
}

fn bad_bytes_and_unknown_ids(server: &Server, guard: &Guard) {
    let long_id = "a".repeat(8000);
    let cases: &[(&str, u16)] = &[
        ("/api/search?q=%ff%fe", 400),
        ("/api/search?q=%c0%af", 400),
        ("/api/search?q=%ed%a0%80", 400),
        ("/api/search?q=chip&source=%80", 400),
        ("/api/search?%ff=1", 400),
        ("/api/search?q=%00", 400),
        ("/api/search?q=chip%00", 200),
        ("/api/search?q=chip%e2%80%ae%1b%5b31m", 200),
        ("/api/articles/%ff%fe", 400),
        ("/api/similar/%c0%af", 400),
        ("/api/similar/chip?limit=%ff", 400),
        ("/?q=%ff%fe", 400),
        ("/articles/%ff", 400),
        ("/api/articles/0000000000000000", 404),
        ("/api/articles/ffffffffffffffff", 404),
        ("/api/similar/ffffffffffffffff?limit=5", 404),
        ("/api/similar/ffffffffffffffff?limit=99999", 400),
        ("/articles/no-such-id", 404),
        ("/similar/no-such-id", 404),
        ("/api/nothing", 404),
        ("/api", 404),
        ("/api/", 404),
        ("/api/search/", 404),
    ];
    for (target, status) in cases {
        let answer = server.get(target);
        guard.check(target, &answer);
        assert_eq!(answer.status, *status, "{target}: {}", answer.text());
    }
    let target = format!("/api/articles/{long_id}");
    let answer = server.get(&target);
    guard.check(
        &format!("/api/articles/ (an id of {} bytes)", long_id.len()),
        &answer,
    );
    assert_eq!(answer.status, 404);
}

fn path_tricks(server: &Server, guard: &Guard) {
    let sandbox = guard.sandbox.clone();
    let meta = enc(&format!("{sandbox}/index/meta.json"));
    let cargo = enc(&format!("{sandbox}/Cargo.toml"));
    let outside = enc(&format!("{sandbox}/corpus/../Cargo.toml"));
    let mut tricks: Vec<String> = [
        "/api/articles/../../etc/passwd",
        "/api/articles/..%2f..%2fetc%2fpasswd",
        "/api/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/articles/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/api/articles/..%252f..%252fetc%252fpasswd",
        "/api/articles/%252e%252e%252fetc%252fpasswd",
        "/api/articles/..%5c..%5cetc%5cpasswd",
        "/api/articles/..%c0%af..%c0%afetc%c0%afpasswd",
        "/api/articles/%2fetc%2fpasswd",
        "/api/articles/%2f%2fetc%2fpasswd",
        "/api/articles/%2fetc%2fpasswd%00.txt",
        "/api/articles/%00",
        "/api/articles/corpus%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/api/articles/corpus%2f..%2fCargo.toml",
        "/api/articles/Cargo.toml",
        "/api/articles/.%2fCargo.toml",
        "/api/articles/index%2fmeta.json",
        "/api/articles/index%2fmeta.json%231",
        "/api/articles/%2fproc%2fself%2fenviron",
        "/api/articles/%2fproc%2fself%2fcmdline",
        "/api/articles/%2fdev%2fzero",
        "/api/articles/%2fdev%2fstdin",
        "/api/articles/%2e",
        "/api/articles/%2e%2e",
        "/api/articles/~root",
        "/api/articles/C:%5cWindows%5cwin.ini",
        "/api/articles/file:%2f%2f%2fetc%2fpasswd",
        "/api/similar/..%2f..%2fetc%2fpasswd",
        "/api/similar/%2fetc%2fpasswd?limit=5",
        "/articles/..%2f..%2fetc%2fpasswd",
        "/articles/%2fetc%2fpasswd",
        "/similar/%2fetc%2fpasswd",
        "/style.css/..%2f..%2fetc%2fpasswd",
        "/style.css%2f..%2f..%2fetc%2fpasswd",
        "/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/index/meta.json",
        "/Cargo.toml",
        "/corpus/en-01-nimbus-cloud-outage.txt",
        "/api/../Cargo.toml",
        "/api/articles/%2fetc%2fpasswd/../../x",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for absolute in [&meta, &cargo, &outside] {
        tricks.push(format!("/api/articles/{absolute}"));
        tricks.push(format!("/articles/{absolute}"));
    }
    for trick in &tricks {
        let answer = server.get(trick);
        guard.check(trick, &answer);
        assert!(
            [400, 404].contains(&answer.status),
            "{trick}: {} {}",
            answer.status,
            answer.text()
        );
    }
    // An article by its own absolute path is the one thing a path may find.
    let article = enc(&format!("{sandbox}/corpus/en-01-nimbus-cloud-outage.txt"));
    let answer = server.get(&format!("/api/articles/{article}"));
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(
        answer.json()["path"],
        "corpus/en-01-nimbus-cloud-outage.txt"
    );
    // Targets the HTTP layer itself may refuse: backslashes, raw bytes, other forms.
    for target in [
        "/api/articles/..\\..\\etc\\passwd",
        "\\..\\..\\etc\\passwd",
        "/api/articles/\x00",
        "/api/articles/\x7f",
        "http://127.0.0.1/etc/passwd",
        "http://127.0.0.1/api/articles/..%2f..%2fetc%2fpasswd",
        "file:///etc/passwd",
        "etc/passwd",
        "*",
        "/api/articles/\u{ff}",
    ] {
        guard.check_raw(target, get_raw(server, target));
    }
}

fn oversized(server: &Server, guard: &Guard) {
    for (n, status) in [(9 * 1024, Some(414)), (64 * 1024, None), (1 << 20, None)] {
        let target = format!("/api/search?q={}", "a".repeat(n));
        let what = format!("/api/search (a URL of {n} bytes)");
        match status {
            Some(status) => {
                let answer = server.get(&target);
                guard.check(&what, &answer);
                assert_eq!(answer.status, status);
            }
            None => guard.check_raw(&what, get_raw(server, &target)),
        }
    }
    let many_headers: String = (0..2000)
        .map(|i| format!("X-Pad-{i}: {}\r\n", "b".repeat(100)))
        .collect();
    let head = format!("GET {KNOWN} HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n");
    guard.check_raw("many headers", raw(server, head.as_bytes()));
    let huge_header = format!(
        "GET {KNOWN} HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "c".repeat(1 << 20)
    );
    guard.check_raw("a huge header", raw(server, huge_header.as_bytes()));

    let body = vec![b' '; 2 << 20];
    let answer = server.send("POST", "/api/search/batch", &body);
    guard.check("POST /api/search/batch (a 2 MiB body)", &answer);
    assert_eq!(answer.status, 413);
    // A length announced but never sent is refused at once, not waited for.
    let head = "POST /api/search/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                Content-Length: 99999999999\r\n\r\n[";
    let answer = raw_open(server, head.as_bytes()).expect("an answer");
    guard.check("POST /api/search/batch (a length of 100 GB)", &answer);
    assert_eq!(answer.status, 413);
    // A chunked body that grows past the limit.
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
    let mut chunked = b"POST /api/search/batch HTTP/1.1\r\nHost: x\r\n\
                        Transfer-Encoding: chunked\r\n\r\n"
        .to_vec();
    for _ in 0..40 {
        chunked.extend(chunk.as_bytes());
    }
    chunked.extend(b"0\r\n\r\n");
    let answer = raw_open(server, &chunked).expect("an answer");
    guard.check("POST /api/search/batch (a chunked 2.5 MiB body)", &answer);
    assert_eq!(answer.status, 413);
}

fn batches(server: &Server, guard: &Guard) {
    let many = |n: usize, one: &str| format!("[{}]", vec![one; n].join(","));
    let deep = "[".repeat(100_000);
    let numbers = format!("[{}0]", "0,".repeat(400_000));
    let objects = many(100_000, "{}");
    let cases: Vec<(String, u16)> = vec![
        ("{not json".into(), 400),
        ("".into(), 400),
        ("null".into(), 400),
        ("{}".into(), 400),
        ("\"chip\"".into(), 400),
        ("[1,2,3]".into(), 400),
        (r#"[{"q":1}]"#.into(), 400),
        (r#"[{"q":"a","limit":-1}]"#.into(), 400),
        (r#"[{"q":"a","limit":1e400}]"#.into(), 400),
        (r#"[{"q":"a","limit":18446744073709551616}]"#.into(), 400),
        (r#"[{"q":"a","nope":1}]"#.into(), 400),
        (r#"[{"q":"a","facet":{"x":1}}]"#.into(), 400),
        (r#"[{"q":"\ud800"}]"#.into(), 400),
        (r#"[{"q":"a"}"#.into(), 400),
        (r#"[{"q":"a"}] trailing"#.into(), 400),
        (deep, 400),
        (numbers, 400),
        (objects, 400),
        (many(1001, r#"{"q":"chip","limit":1}"#), 400),
        ("[]".into(), 200),
        (
            r#"[{"q":"published:yesterday"},{"q":"chip","limit":1001},{"q":""},{"q":"chip","sort":"size"},{"q":"chip"}]"#
                .into(),
            200,
        ),
        (many(1000, r#"{"q":"chip","limit":1}"#), 200),
    ];
    for (body, status) in &cases {
        let what = format!("POST /api/search/batch {}", &body[..body.len().min(60)]);
        let answer = server.send("POST", "/api/search/batch", body.as_bytes());
        guard.check(&what, &answer);
        assert_eq!(answer.status, *status, "{what}: {}", answer.text());
    }
    let answer = server.send("POST", "/api/search/batch", b"[{\"q\":\"\xff\xfe\"}]");
    guard.check("POST /api/search/batch (not UTF-8)", &answer);
    assert_eq!(answer.status, 400);
    let mixed = server.send(
        "POST",
        "/api/search/batch",
        cases[cases.len() - 2].0.as_bytes(),
    );
    let results = mixed.json();
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), 5);
    assert!(
        results[..4].iter().all(|r| r["error"].is_string()),
        "{results:?}"
    );
    assert!(results[4]["hits"].is_array());
    // The biggest batch the server takes, of queries that match everything: answered, or cut
    // off by the time budget with 503, and the server goes on either way.
    let heavy = many(
        1000,
        r#"{"q":"the OR data OR a","limit":1000,"snippets":20}"#,
    );
    let answer = server.send("POST", "/api/search/batch", heavy.as_bytes());
    guard.check("POST /api/search/batch (the heaviest)", &answer);
}

fn methods(server: &Server, guard: &Guard) {
    for (method, target) in [
        ("PUT", "/api/search?q=chip"),
        ("POST", "/api/search?q=chip"),
        ("DELETE", "/api/articles/x"),
        ("PATCH", "/api/stats"),
        ("GET", "/api/search/batch"),
        ("PUT", "/api/search/batch"),
        ("DELETE", "/api/search/batch"),
        ("POST", "/"),
        ("POST", "/style.css"),
        ("OPTIONS", "/api/search"),
        ("TRACE", "/api/search"),
        ("FOO", "/api/search?q=chip"),
    ] {
        let what = format!("{method} {target}");
        let answer = server.send(method, target, b"");
        guard.check(&what, &answer);
        assert_eq!(answer.status, 405, "{what}: {}", answer.text());
    }
    // HEAD is GET without the body.
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        stream,
        "HEAD {KNOWN} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut head = String::new();
    let _ = stream.read_to_string(&mut head);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "HEAD has no body: {head}");
    for request in [
        "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n".to_string(),
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n".into(),
        "GET /api/search?q=chip\r\n\r\n".into(),
        "GET /api/search?q=chip HTTP/1.0\r\n\r\n".into(),
        "\r\n\r\n".into(),
        "GARBAGE\r\n\r\n".into(),
        "GET /api/search?q=chip HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".into(),
        "GET /api/search?q=chip HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n".into(),
        "GET /api/search?q=chip HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nzz\r\n".into(),
        "POST /api/search/batch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n".into(),
        "GET /api/search?q=chip HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n".into(),
        "GET /api/search?q=chip HTTP/1.1\r\nHost: x\r\nX: \x01\x02\x7f\r\n\r\n".into(),
    ] {
        guard.check_raw(&format!("{request:?}"), raw(server, request.as_bytes()));
    }
    let binary: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    guard.check_raw("4 KiB of binary", raw(server, &binary));
}

fn connections(server: &Server, guard: &Guard) {
    // Idle connections and connections stuck half-way through their headers do not keep the
    // server from others.
    let mut held = Vec::new();
    for i in 0..40 {
        let mut stream = TcpStream::connect(&server.addr).expect("connect");
        if i % 2 == 1 {
            let _ = stream.write_all(b"GET /api/search?q=chip HTTP/1.1\r\nHost: x\r\n");
        }
        held.push(stream);
    }
    let answer = server.get(KNOWN);
    guard.check(&format!("{KNOWN} (beside held connections)"), &answer);
    assert_eq!(answer.status, 200);
    // A request written slowly, in pieces.
    let stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    for piece in [
        "GET /api/search?q=ch",
        "ip HTTP/1.1\r\nHo",
        "st: x\r\nConnection: close\r\n",
        "\r\n",
    ] {
        (&stream).write_all(piece.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    let answer = read_answer(&mut BufReader::new(stream));
    let answer = answer.expect("an answer to a slow request");
    guard.check("/api/search (written slowly)", &answer);
    assert_eq!(answer.status, 200);
    // Half-closed after the request: answered, or dropped (the HTTP layer closes a connection
    // whose reading side ends, axum::serve does not turn on half-closes); the server goes on.
    let head = format!("GET {KNOWN} HTTP/1.1\r\nHost: x\r\n\r\n");
    if let Some(answer) = raw(server, head.as_bytes()) {
        guard.check(&format!("{KNOWN} (half-closed)"), &answer);
        assert_eq!(answer.status, 200);
    }
    // Two requests in one write (pipelined), both answered in order.
    let stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let two = format!(
        "GET {KNOWN} HTTP/1.1\r\nHost: x\r\n\r\nGET /api/articles/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    );
    (&stream).write_all(two.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream);
    let first = read_answer(&mut reader).expect("the first pipelined answer");
    let second = read_answer(&mut reader).expect("the second pipelined answer");
    assert_eq!((first.status, second.status), (200, 404));
    // Closed half-way through a body, or through the headers.
    for partial in [
        "POST /api/search/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n[{\"q\":",
        "GET /api/search?q=chip HTTP/1.1\r\nHo",
        "POST /api/search/batch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n[{\"q\"",
    ] {
        let mut stream = TcpStream::connect(&server.addr).expect("connect");
        let _ = stream.write_all(partial.as_bytes());
        drop(stream);
    }
    let answer = server.get(KNOWN);
    assert_eq!(answer.status, 200);
    drop(held);
}
