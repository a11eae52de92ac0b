//! `warta serve`: the binary started on a free port over a temporary index, spoken to over
//! plain HTTP/1.1 on a TcpStream, and killed when each test ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::Sandbox;

/// How long anything a test waits for may take before the test fails.
pub(crate) const DEADLINE: Duration = Duration::from_secs(30);

/// A running server, killed when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
    /// `host:port`.
    pub(crate) addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: String,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

impl Server {
    /// Starts `warta serve` on 127.0.0.1:0 in the sandbox (index in `index/`) and waits for the
    /// URL it prints.
    pub(crate) fn start(sandbox: &Sandbox, extra: &[&str]) -> Server {
        Server::start_with(sandbox, "127.0.0.1:0", extra, Stdio::null())
    }

    /// Starts `warta serve --addr ADDR` with its stderr sent to `stderr`, and waits for the
    /// URL it prints; requests go to loopback on the port it names.
    pub(crate) fn start_with(
        sandbox: &Sandbox,
        addr: &str,
        extra: &[&str],
        stderr: Stdio,
    ) -> Server {
        let mut args = vec!["serve", "--addr", addr];
        args.extend(extra);
        let mut child = sandbox
            .cmd(&args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start warta serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut server = Server {
            child,
            addr: String::new(),
        };
        let line = rx
            .recv_timeout(DEADLINE)
            .expect("the server printed no URL");
        let url = line.trim().rsplit(' ').next().unwrap();
        let host_port = url
            .strip_prefix("http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("not a URL line: {line:?}"));
        let port = host_port.rsplit(':').next().unwrap();
        server.addr = format!("127.0.0.1:{port}");
        server
    }

    /// Sends one request (the target as given, byte for byte) and reads the answer.
    pub(crate) fn send(&self, method: &str, target: &str, body: &[u8]) -> Answer {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        stream.set_write_timeout(Some(DEADLINE)).unwrap();
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        // The server may answer (413) before reading all of a body: a failed write is not
        // the test's failure, the answer is.
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no HTTP answer: {}", String::from_utf8_lossy(&raw)));
        let headers = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = headers.split(' ').nth(1).unwrap().parse().unwrap();
        let mut body = raw[split + 4..].to_vec();
        if headers
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            body = dechunk(&body);
        }
        Answer {
            status,
            headers,
            body,
        }
    }

    pub(crate) fn get(&self, target: &str) -> Answer {
        self.send("GET", target, b"")
    }
}

pub(crate) fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 4 + size..];
    }
}

/// Percent-encodes a query parameter.
pub(crate) fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A sandbox with the shipped corpus indexed in `index/`.
pub(crate) fn indexed_corpus() -> Sandbox {
    let sandbox = Sandbox::with_corpus();
    sandbox.run(&["index", "corpus"]).code(0);
    sandbox
}

/// A search result without its timing.
pub(crate) fn untimed(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("took_ms");
    v
}

#[test]
fn api_search_answers_as_search_json_does() {
    let sandbox = indexed_corpus();
    let server = Server::start(&sandbox, &[]);
    let cases: &[(&str, &[&str])] = &[
        ("data breach", &[]),
        ("kebocoran data", &["--limit", "3", "--offset", "1"]),
        ("\"pusat data\"", &["--facet", "source", "--facet", "lang"]),
        ("paylater OR fintech", &["--lang", "id", "--sort", "date"]),
        (
            "chip",
            &["--since", "2025-01", "--until", "2025", "--snippets", "2"],
        ),
        ("belanjaku", &["--no-collapse", "--facet", "year"]),
        ("inferense", &["--exact"]),
        (
            "cloud outage",
            &["--recent", "30d", "--source", "dailysocial.id"],
        ),
    ];
    for (query, flags) in cases {
        let mut args = vec!["search", "--json", query];
        args.extend(*flags);
        let cli: Value = sandbox.run(&args).json();
        let mut params = vec![format!("q={}", enc(query))];
        let mut rest = flags.iter();
        while let Some(flag) = rest.next() {
            let name = flag.trim_start_matches("--").replace('-', "_");
            match name.as_str() {
                "exact" | "no_collapse" => params.push(format!("{name}=true")),
                _ => params.push(format!("{name}={}", enc(rest.next().unwrap()))),
            }
        }
        let answer = server.get(&format!("/api/search?{}", params.join("&")));
        assert_eq!(answer.status, 200, "{query}: {}", answer.text());
        assert_eq!(untimed(answer.json()), untimed(cli), "{query} {flags:?}");
    }
}

#[test]
fn api_articles_similar_stats_and_batch_answer_as_the_cli_does() {
    let sandbox = indexed_corpus();
    let server = Server::start(&sandbox, &[]);
    let hits: Value = sandbox.run(&["search", "--json", "belanjaku"]).json();
    let id = hits["hits"][0]["id"].as_str().unwrap();

    let show: Value = sandbox.run(&["show", "--json", id]).json();
    assert_eq!(server.get(&format!("/api/articles/{id}")).json(), show);

    let similar: Value = sandbox.run(&["similar", "--json", "-n", "3", id]).json();
    let answer = server.get(&format!("/api/similar/{id}?limit=3"));
    assert_eq!(untimed(answer.json()), untimed(similar));

    let stats = server.get("/api/stats").json();
    let cli: Value = sandbox.run(&["stats", "--json"]).json();
    assert_eq!(stats["documents"], cli["documents"]);
    assert_eq!(
        stats["index"], "index",
        "the server's paths stay on the server"
    );

    let body = br#"[{"q": "data breach"}, {"q": "chip", "limit": 2, "facet": "lang"}, {"q": "published:yesterday"}]"#;
    let answer = server.send("POST", "/api/search/batch", body);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let results = answer.json();
    let first: Value = sandbox.run(&["search", "--json", "data breach"]).json();
    assert_eq!(untimed(results[0].clone()), untimed(first));
    let second: Value = sandbox
        .run(&["search", "--json", "-n", "2", "--facet", "lang", "chip"])
        .json();
    assert_eq!(untimed(results[1].clone()), untimed(second));
    assert!(results[2]["error"].is_string(), "{}", results[2]);
}

#[test]
fn bad_requests_get_json_errors_with_their_status_and_no_file() {
    let sandbox = indexed_corpus();
    let server = Server::start(&sandbox, &[]);
    let error = |target: &str, status: u16| {
        let answer = server.get(target);
        assert_eq!(answer.status, status, "{target}: {}", answer.text());
        let json = answer.json();
        assert!(json["error"].is_string(), "{target}: {json}");
        assert!(json.get("hint").is_some(), "{target}: {json}");
        assert!(!answer.text().contains("root:"), "{target} read a file");
        let here = sandbox.path().to_string_lossy().into_owned();
        assert!(
            !answer.text().contains(&here),
            "{target} names a server path"
        );
        json
    };
    error("/api/search?q=published%3Ayesterday", 400);
    error("/api/search?q=a&limit=1001", 400);
    error("/api/search?q=a&sort=size", 400);
    error("/api/search?q=a&since=someday", 400);
    error("/api/search?q=a&bogus=1", 400);
    error("/api/search", 400);
    error("/api/search?q=%FF%FE", 400);
    error("/api/articles/%FF", 400);
    error("/api/articles/no-such-id", 404);
    error("/api/similar/no-such-id", 404);
    for trick in [
        "/api/articles/../../etc/passwd",
        "/api/articles/..%2F..%2Fetc%2Fpasswd",
        "/api/articles/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/api/articles/%2Fetc%2Fpasswd",
        "/api/articles/..%252F..%252Fetc%252Fpasswd",
        "/api/articles/corpus%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    ] {
        let answer = server.get(trick);
        assert!(
            [400, 404].contains(&answer.status),
            "{trick}: {}",
            answer.status
        );
        assert!(!answer.text().contains("root:"), "{trick} read a file");
    }
    error("/nothing/here", 404);
    let long = format!("/api/search?q={}", "a".repeat(10_000));
    error(&long, 414);
    let answer = server.send("POST", "/api/search/batch", &vec![b' '; 2 << 20]);
    assert_eq!(answer.status, 413, "{}", answer.text());
    let answer = server.send("POST", "/api/search/batch", b"{not json");
    assert_eq!(answer.status, 400, "{}", answer.text());
    let answer = server.send("DELETE", "/api/articles/x", b"");
    assert_eq!(answer.status, 405);
    // Still serving after all of it.
    assert_eq!(server.get("/api/search?q=chip").status, 200);
}

#[test]
fn security_headers_and_no_cors_unless_asked() {
    let sandbox = indexed_corpus();
    let server = Server::start(&sandbox, &[]);
    for target in [
        "/",
        "/?q=chip",
        "/api/search?q=chip",
        "/api/articles/nope",
        "/style.css",
    ] {
        let answer = server.get(target);
        let csp = answer.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'none'"), "{target}: {csp}");
        assert!(!csp.contains("script-src"), "{target}: {csp}");
        assert_eq!(
            answer.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert!(answer.header("access-control-allow-origin").is_none());
    }
    assert!(server
        .get("/style.css")
        .header("content-type")
        .unwrap()
        .starts_with("text/css"));
    drop(server);

    let server = Server::start(&sandbox, &["--cors", "https://desk.example"]);
    let answer = server.send("GET", "/api/search?q=chip", b"");
    assert_eq!(answer.status, 200);
    let mut stream_answer = answer.header("access-control-allow-origin");
    if stream_answer.is_none() {
        // Only a request that names its origin is answered with one.
        let mut stream = TcpStream::connect(&server.addr).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            stream,
            "GET /api/search?q=chip HTTP/1.1\r\nHost: x\r\nOrigin: https://desk.example\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = String::new();
        let _ = stream.read_to_string(&mut raw);
        stream_answer = raw.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("access-control-allow-origin")
                .then(|| v.trim().to_string())
        });
    }
    assert_eq!(stream_answer.as_deref(), Some("https://desk.example"));
}

#[test]
fn the_page_shows_hits_facets_and_paging_and_escapes_hostile_articles() {
    let sandbox = Sandbox::empty();
    let payload = "<script>window.pwned=1</script> <img src=x onerror=\"window.pwned=1\"> \
                   \"><svg onload=window.pwned=1>";
    sandbox.write(
        "news/evil.txt",
        format!(
            "Date: 2025-03-01\nSource: evil<script>alert(1)</script>\n\
             URL: javascript:window.pwned=1\n\n\
             Zanzibar exploit {payload}\n\n\
             The zanzibar body holds {payload} and more zanzibar words.\n"
        ),
    );
    for i in 0..12 {
        sandbox.write(
            &format!("news/plain-{i:02}.txt"),
            format!("Date: 2024-0{}-01\nSource: desk\n\nZanzibar report {i}\n\nZanzibar story number {i} in full.\n", 1 + i % 9),
        );
    }
    sandbox.run(&["index", "news"]).code(0);
    let server = Server::start(&sandbox, &[]);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("name=\"q\""));

    let page = server.get("/?q=zanzibar");
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(html.contains("<mark>"), "matched words are marked");
    for raw in [
        "<script",
        "<img",
        "<svg onload",
        "onerror=\"",
        "href=\"javascript:",
    ] {
        assert!(!html.contains(raw), "{raw} came through unescaped");
    }
    // The one SVG is the page's own histogram.
    assert_eq!(
        html.matches("<svg").count(),
        html.matches("<svg class=\"histogram\"").count(),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;"), "the payload shows as text");
    assert!(html.contains("13 matches"), "{html}");
    assert!(html.contains("rel=\"next\""), "a second page is linked");
    assert!(
        html.contains("/?q=zanzibar&amp;source=desk"),
        "facet links narrow"
    );

    let narrowed = server.get("/?q=zanzibar&source=desk&offset=10").text();
    assert!(narrowed.contains("11–12 of 12 matches"), "{narrowed}");
    assert!(narrowed.contains("rel=\"prev\""));

    let hits = server.get("/api/search?q=exploit").json();
    let id = hits["hits"][0]["id"].as_str().unwrap().to_string();
    let article = server.get(&format!("/articles/{id}"));
    assert_eq!(article.status, 200);
    let html = article.text();
    for raw in ["<script", "<img", "<svg", "href=\"javascript:"] {
        assert!(
            !html.contains(raw),
            "{raw} came through unescaped on the article page"
        );
    }
    assert!(
        html.contains("javascript:window.pwned=1"),
        "the URL shows as text"
    );
    assert_eq!(server.get(&format!("/similar/{id}")).status, 200);

    let bad = server.get("/?q=published%3Ayesterday");
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("bad query"));
}

#[test]
fn the_api_follows_index_runs_within_two_seconds() {
    let sandbox = Sandbox::empty();
    sandbox.write(
        "news/a.txt",
        "Source: desk\n\nFirst story\n\nA first story about harbours.\n",
    );
    let server = Server::start(&sandbox, &[]);
    assert_eq!(
        server.get("/api/search?q=harbours").status,
        503,
        "no index yet"
    );
    sandbox.run(&["index", "news"]).code(0);

    let total = |word: &str| server.get(&format!("/api/search?q={word}")).json()["total"].clone();
    let within_two_seconds = |word: &str, expected: u64| {
        let started = Instant::now();
        while total(word) != expected {
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{word}: not {expected} within 2 s"
            );
            std::thread::yield_now();
        }
    };
    within_two_seconds("harbours", 1);

    sandbox.write(
        "news/b.txt",
        "Source: desk\n\nSecond story\n\nOf quokkas.\n",
    );
    sandbox.run(&["index", "news"]).code(0);
    within_two_seconds("quokkas", 1);

    sandbox.write(
        "news/b.txt",
        "Source: desk\n\nSecond story\n\nOf wombats now.\n",
    );
    sandbox.run(&["index", "news"]).code(0);
    within_two_seconds("wombats", 1);
    within_two_seconds("quokkas", 0);

    std::fs::remove_file(sandbox.path().join("news/a.txt")).unwrap();
    sandbox.run(&["index", "news"]).code(0);
    within_two_seconds("harbours", 0);
}

#[test]
fn sigterm_stops_the_server() {
    let sandbox = indexed_corpus();
    let mut server = Server::start(&sandbox, &[]);
    assert_eq!(server.get("/api/search?q=chip").status, 200);
    let pid = server.child.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(started.elapsed() < DEADLINE, "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A damaged index (a byte rotted in place in the field norms, the file's time kept) is
/// answered with 503 and the way to repair it, naming no path of the server's machine.
#[test]
fn a_damaged_index_is_answered_with_503_and_the_repair() {
    let sandbox = indexed_corpus();
    let dir = sandbox.path().join("index");
    let norms = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "fieldnorm"))
        .expect("a field norm file");
    crate::damage::rot_in_place(&norms);
    let server = Server::start(&sandbox, &[]);
    for target in ["/api/search?q=chip", "/api/stats"] {
        let answer = server.get(target);
        assert_eq!(answer.status, 503, "{target}: {}", answer.text());
        let body = answer.json();
        assert_eq!(body["error"], "the index cannot be read", "{body}");
        assert!(body["hint"]
            .as_str()
            .unwrap()
            .contains("warta index --rebuild"));
        let text = answer.text();
        assert!(!text.contains(&*sandbox.path().to_string_lossy()), "{text}");
        assert!(!text.contains("fieldnorm"), "{text}");
    }
}

/// warta's processes keep their memory in 4 KB pages (main.rs): with transparent huge pages
/// the kernel zeroed 2 MB at the first touch of each of the allocator's arenas.
#[cfg(target_os = "linux")]
#[test]
fn the_server_holds_no_transparent_huge_pages() {
    let sandbox = indexed_corpus();
    let server = Server::start(&sandbox, &[]);
    for _ in 0..20 {
        assert_eq!(server.get("/api/search?q=chip&limit=50").status, 200);
    }
    let proc = format!("/proc/{}", server.child.id());
    let status = std::fs::read_to_string(format!("{proc}/status")).unwrap();
    if let Some(line) = status.lines().find(|l| l.starts_with("THP_enabled:")) {
        assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
    }
    let smaps = std::fs::read_to_string(format!("{proc}/smaps_rollup")).unwrap();
    let huge = smaps
        .lines()
        .find(|l| l.starts_with("AnonHugePages:"))
        .expect("smaps_rollup counts huge pages");
    assert_eq!(huge.split_whitespace().nth(1), Some("0"), "{huge}");
}

/// Starts a server with its stderr in a file of the sandbox, and returns both.
fn start_logged(sandbox: &Sandbox, addr: &str, extra: &[&str]) -> (Server, std::path::PathBuf) {
    static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = sandbox.path().join(format!("stderr-{n}.txt"));
    let file = std::fs::File::create(&path).unwrap();
    let server = Server::start_with(sandbox, addr, extra, Stdio::from(file));
    (server, path)
}

#[test]
fn log_writes_one_line_per_request_on_stderr_and_nothing_without_it() {
    let sandbox = indexed_corpus();
    let (server, log) = start_logged(&sandbox, "127.0.0.1:0", &["--log"]);
    assert_eq!(server.get("/api/search?q=chip&limit=2").status, 200);
    assert_eq!(server.get("/api/articles/nope").status, 404);
    assert_eq!(server.send("DELETE", "/api/stats", b"").status, 405);
    let started = Instant::now();
    let lines = loop {
        let text = std::fs::read_to_string(&log).unwrap();
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.len() >= 3 {
            break lines;
        }
        assert!(started.elapsed() < DEADLINE, "log lines: {text:?}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(lines.len(), 3, "one line per request: {lines:?}");
    for (line, start) in lines.iter().zip([
        "GET /api/search?q=chip&limit=2 200 ",
        "GET /api/articles/nope 404 ",
        "DELETE /api/stats 405 ",
    ]) {
        assert!(line.starts_with(start), "{line:?} is not {start:?}…");
        let took = line[start.len()..]
            .strip_suffix("ms")
            .unwrap_or_else(|| panic!("{line}"));
        assert!(took.parse::<f64>().is_ok(), "{line}");
    }
    drop(server);

    let (server, quiet) = start_logged(&sandbox, "127.0.0.1:0", &[]);
    assert_eq!(server.get("/api/search?q=chip").status, 200);
    assert_eq!(server.get("/api/articles/nope").status, 404);
    drop(server);
    assert_eq!(
        std::fs::read_to_string(&quiet).unwrap(),
        "",
        "quiet by default"
    );
}

#[test]
fn listening_beyond_loopback_warns_that_the_index_is_readable() {
    let sandbox = indexed_corpus();
    let (server, stderr) = start_logged(&sandbox, "0.0.0.0:0", &[]);
    assert_eq!(server.get("/api/search?q=chip").status, 200);
    let warning = std::fs::read_to_string(&stderr).unwrap();
    assert!(warning.contains("not on loopback"), "{warning:?}");
    assert!(
        warning.contains("anyone who can reach it can read the whole index"),
        "{warning:?}"
    );
    drop(server);
    let (server, stderr) = start_logged(&sandbox, "127.0.0.1:0", &["--cors", "https://x.example"]);
    assert_eq!(server.get("/api/search?q=chip").status, 200);
    drop(server);
    let quiet = std::fs::read_to_string(&stderr).unwrap();
    assert!(!quiet.contains("loopback"), "{quiet:?}");
}

#[test]
fn a_large_batch_answers_in_order_as_separate_searches_do() {
    let sandbox = indexed_corpus();
    let server = Server::start(&sandbox, &[]);
    let queries = [
        "data breach",
        "kebocoran data",
        "published:yesterday",
        "chip",
        "\"pusat data\"",
        "paylater OR fintech",
        "cloud outage",
        "",
        "belanjaku",
        "zzznotaword",
    ];
    // More searches than one thread takes, so that the batch runs on several, with errors
    // between them.
    let searches: Vec<Value> = (0..45)
        .map(|i| serde_json::json!({"q": queries[i % queries.len()], "limit": 1 + i % 4}))
        .collect();
    let body = serde_json::to_vec(&searches).unwrap();
    let answer = server.send("POST", "/api/search/batch", &body);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let results = answer.json();
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), searches.len());
    for (search, result) in searches.iter().zip(results) {
        let target = format!(
            "/api/search?q={}&limit={}",
            enc(search["q"].as_str().unwrap()),
            search["limit"]
        );
        let alone = server.get(&target);
        if alone.status == 200 {
            assert_eq!(untimed(result.clone()), untimed(alone.json()), "{target}");
        } else {
            assert_eq!(result["error"], alone.json()["error"], "{target}");
        }
    }
}
