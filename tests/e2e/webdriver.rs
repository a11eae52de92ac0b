//! A small WebDriver client (W3C protocol, as chromedriver speaks it) for the browser tests:
//! blocking HTTP/1.1 over `std::net::TcpStream`, one connection per command
//! (`Connection: close`), JSON bodies with serde_json.
//!
//! Written by hand on purpose: a WebDriver crate (fantoccini, thirtyfour) brings an HTTP client
//! stack whose features (hyper's and hyper-util's `client`, syn's `fold`, time's `macros`, …)
//! change those of crates the normal build shares, so `cargo test` could not reuse what
//! `cargo build` compiled and would compile tantivy, html5ever and every proc-macro crate a
//! second time. The tests need a dozen commands; this is them.
//!
//! Every read is bounded: a socket timeout and an overall deadline per command, and a cap on
//! the response's size, so a hung or babbling chromedriver fails the test instead of hanging it.

use std::fmt;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The largest response read (a screenshot, base64, is the largest expected: a few MB at most).
pub const MAX_RESPONSE: usize = 32 << 20;

/// The key under which W3C WebDriver names an element.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// What went wrong with a command.
#[derive(Debug)]
pub enum Error {
    /// The connection: refused, reset, timed out.
    Io(std::io::Error),
    /// Not an HTTP response with a JSON body, or over [`MAX_RESPONSE`].
    Protocol(String),
    /// The driver's own error (`no such element`, `javascript error`, …).
    Driver {
        status: u16,
        error: String,
        message: String,
    },
}

impl Error {
    /// Whether the driver found no element (which a wait retries).
    pub fn is_no_such_element(&self) -> bool {
        matches!(self, Error::Driver { error, .. } if error == "no such element")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "WebDriver connection: {e}"),
            Error::Protocol(what) => write!(f, "WebDriver protocol: {what}"),
            Error::Driver {
                status,
                error,
                message,
            } => write!(f, "WebDriver error {status} {error}: {message}"),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Io(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The driver's HTTP endpoint, and how long one command may take.
#[derive(Debug, Clone)]
pub struct Http {
    addr: SocketAddr,
    timeout: Duration,
}

impl Http {
    pub fn new(addr: SocketAddr, timeout: Duration) -> Http {
        Http { addr, timeout }
    }

    /// Sends one command and returns the `value` of its answer, or the driver's error.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let deadline = Instant::now() + self.timeout;
        let mut stream = TcpStream::connect_timeout(&self.addr, self.timeout)?;
        stream.set_read_timeout(Some(self.timeout))?;
        stream.set_write_timeout(Some(self.timeout))?;
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Accept: application/json\r\n",
            self.addr
        );
        if method != "GET" {
            request.push_str(&format!(
                "Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        stream.write_all(request.as_bytes())?;
        let (status, body) = read_response(&mut stream, deadline)?;
        answer(status, &body)
    }
}

/// Reads one HTTP/1.1 response: until its `Content-Length` is in, or the connection closes,
/// within `deadline` and [`MAX_RESPONSE`] bytes. Returns the status and the body.
fn read_response(stream: &mut impl std::io::Read, deadline: Instant) -> Result<(u16, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    let mut head: Option<(u16, usize, Option<usize>)> = None;
    loop {
        if let Some((_, start, Some(len))) = head {
            if buf.len() >= start + len {
                break;
            }
        }
        if Instant::now() > deadline {
            return Err(Error::Protocol(format!(
                "no complete answer in time ({} bytes read)",
                buf.len()
            )));
        }
        let n = match stream.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::Io(e)),
        };
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_RESPONSE {
            return Err(Error::Protocol(format!(
                "an answer over {MAX_RESPONSE} bytes"
            )));
        }
        if head.is_none() {
            head = parse_head(&buf)?;
        }
    }
    let Some((status, start, len)) = head.or(parse_head(&buf)?) else {
        return Err(Error::Protocol(format!(
            "the connection closed before the headers ended ({} bytes)",
            buf.len()
        )));
    };
    let body = &buf[start..];
    match len {
        Some(len) if body.len() < len => Err(Error::Protocol(format!(
            "the connection closed after {} of {len} bytes",
            body.len()
        ))),
        Some(len) => Ok((status, body[..len].to_vec())),
        None => Ok((status, body.to_vec())),
    }
}

/// The status, where the body starts and its `Content-Length`, once the headers are complete.
fn parse_head(buf: &[u8]) -> Result<Option<(u16, usize, Option<usize>)>> {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = std::str::from_utf8(&buf[..end])
        .map_err(|_| Error::Protocol("headers that are not UTF-8".into()))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| Error::Protocol(format!("not an HTTP status line: {status_line:?}")))?;
    let mut len = None;
    for line in lines {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            len = Some(value.parse().map_err(|_| {
                Error::Protocol(format!("a Content-Length that is not a number: {value:?}"))
            })?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // chromedriver sends a Content-Length; anything else is not what it is known to do.
            return Err(Error::Protocol(format!(
                "Transfer-Encoding {value:?} is not supported"
            )));
        }
    }
    Ok(Some((status, end + 4, len)))
}

/// A WebDriver answer, `{"value": …}`: the value, or the driver's error it holds.
fn answer(status: u16, body: &[u8]) -> Result<Value> {
    let mut json: Value = serde_json::from_slice(body).map_err(|e| {
        let start = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        Error::Protocol(format!("HTTP {status}, not JSON ({e}): {start:?}"))
    })?;
    let value = json
        .get_mut("value")
        .map(Value::take)
        .ok_or_else(|| Error::Protocol(format!("HTTP {status}, no value: {json}")))?;
    let error = value.get("error").and_then(Value::as_str);
    if !(200..300).contains(&status) || error.is_some() {
        return Err(Error::Driver {
            status,
            error: error.unwrap_or("unknown error").to_string(),
            message: value
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        });
    }
    Ok(value)
}

/// How elements are found.
#[derive(Debug, Clone, Copy)]
pub enum Locator<'a> {
    Css(&'a str),
    XPath(&'a str),
}

impl Locator<'_> {
    fn body(self) -> Value {
        match self {
            Locator::Css(css) => json!({"using": "css selector", "value": css}),
            Locator::XPath(xpath) => json!({"using": "xpath", "value": xpath}),
        }
    }
}

/// A browser session.
#[derive(Debug)]
pub struct Session {
    http: Http,
    id: String,
}

impl Session {
    /// A new session with these capabilities (`alwaysMatch`).
    pub fn new(http: Http, capabilities: Value) -> Result<Session> {
        let body = json!({"capabilities": {"alwaysMatch": capabilities}});
        let value = http.call("POST", "/session", Some(&body))?;
        let id = value
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Protocol(format!("a new session without an id: {value}")))?
            .to_string();
        Ok(Session { http, id })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Ends the session (the browser quits).
    pub fn close(self) -> Result<()> {
        delete_session(&self.http, &self.id)
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let path = format!("/session/{}{path}", segment(&self.id));
        self.http.call(method, &path, body)
    }

    /// Opens a URL and waits for it to load.
    pub fn goto(&self, url: &str) -> Result<()> {
        self.call("POST", "/url", Some(&json!({"url": url})))
            .map(drop)
    }

    pub fn current_url(&self) -> Result<String> {
        string(self.call("GET", "/url", None)?)
    }

    /// The document's title.
    pub fn title(&self) -> Result<String> {
        string(self.call("GET", "/title", None)?)
    }

    /// The browser's back button.
    pub fn back(&self) -> Result<()> {
        self.call("POST", "/back", Some(&json!({}))).map(drop)
    }

    /// The browser's forward button.
    pub fn forward(&self) -> Result<()> {
        self.call("POST", "/forward", Some(&json!({}))).map(drop)
    }

    /// The first element found, or the driver's `no such element`.
    pub fn find(&self, locator: Locator) -> Result<Element<'_>> {
        let value = self.call("POST", "/element", Some(&locator.body()))?;
        self.element(value)
    }

    pub fn find_all(&self, locator: Locator) -> Result<Vec<Element<'_>>> {
        let value = self.call("POST", "/elements", Some(&locator.body()))?;
        self.elements(value)
    }

    /// Runs a script (`return …` gives its value) in the page.
    pub fn execute(&self, script: &str) -> Result<Value> {
        let body = json!({"script": script, "args": []});
        self.call("POST", "/execute/sync", Some(&body))
    }

    /// A screenshot of the viewport, as PNG bytes.
    pub fn screenshot(&self) -> Result<Vec<u8>> {
        let base64 = string(self.call("GET", "/screenshot", None)?)?;
        decode_base64(&base64).ok_or_else(|| Error::Protocol("a screenshot not in base64".into()))
    }

    /// A Chrome DevTools command, through chromedriver's `goog/cdp/execute`.
    pub fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        let body = json!({"cmd": cmd, "params": params});
        self.call("POST", "/goog/cdp/execute", Some(&body))
    }

    fn element(&self, value: Value) -> Result<Element<'_>> {
        let id = value
            .get(ELEMENT_KEY)
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Protocol(format!("not an element: {value}")))?;
        Ok(Element {
            session: self,
            id: id.to_string(),
        })
    }

    fn elements(&self, value: Value) -> Result<Vec<Element<'_>>> {
        match value {
            Value::Array(values) => values.into_iter().map(|v| self.element(v)).collect(),
            other => Err(Error::Protocol(format!("not a list of elements: {other}"))),
        }
    }
}

/// Ends a session by its id (what [`Session::close`] does; also for a guard that holds only the
/// id).
pub fn delete_session(http: &Http, id: &str) -> Result<()> {
    http.call("DELETE", &format!("/session/{}", segment(id)), None)
        .map(drop)
}

/// An element of the page.
#[derive(Debug, Clone)]
pub struct Element<'s> {
    session: &'s Session,
    id: String,
}

impl<'s> Element<'s> {
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let path = format!("/element/{}{path}", segment(&self.id));
        self.session.call(method, &path, body)
    }

    /// The first element found inside this one.
    pub fn find(&self, locator: Locator) -> Result<Element<'s>> {
        let value = self.call("POST", "/element", Some(&locator.body()))?;
        self.session.element(value)
    }

    pub fn click(&self) -> Result<()> {
        self.call("POST", "/click", Some(&json!({}))).map(drop)
    }

    /// Types `text` into the element.
    pub fn send_keys(&self, text: &str) -> Result<()> {
        self.call("POST", "/value", Some(&json!({"text": text})))
            .map(drop)
    }

    /// The element's rendered text.
    pub fn text(&self) -> Result<String> {
        string(self.call("GET", "/text", None)?)
    }

    /// An attribute as written in the document, if present.
    pub fn attr(&self, name: &str) -> Result<Option<String>> {
        optional(self.call("GET", &format!("/attribute/{}", segment(name)), None)?)
    }

    /// A DOM property (`value`, `textContent`), if not null.
    pub fn prop(&self, name: &str) -> Result<Option<String>> {
        optional(self.call("GET", &format!("/property/{}", segment(name)), None)?)
    }
}

fn string(value: Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(Error::Protocol(format!("not a string: {other}"))),
    }
}

/// A string, null as `None`, and any other value as its JSON.
fn optional(value: Value) -> Result<Option<String>> {
    Ok(match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

/// A URL path segment, percent-encoded but for the unreserved characters.
fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Standard base64 (with or without padding); `None` for anything else.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=').as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for group in text.chunks(4) {
        let mut bits = 0u32;
        for (i, &c) in group.iter().enumerate() {
            bits |= digit(c)? << (18 - 6 * i);
        }
        out.extend_from_slice(&bits.to_be_bytes()[1..group.len()]);
    }
    Some(out)
}

// The client's own bounds and parsing, against a stand-in driver on loopback (no browser
// needed, so these run in the plain `cargo test`).
#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    /// A one-connection server answering `reply` (after reading the request's first bytes).
    fn serve_once(reply: impl FnOnce(&mut TcpStream) + Send + 'static) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let _ = stream.read(&mut [0u8; 4096]);
            reply(&mut stream);
        });
        addr
    }

    fn http(addr: SocketAddr) -> Http {
        Http::new(addr, Duration::from_secs(2))
    }

    #[test]
    fn webdriver_client_reads_a_value_and_a_driver_error() {
        let addr = serve_once(|s| {
            let body = r#"{"value":{"sessionId":"abc","capabilities":{}}}"#;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            // Kept open: the Content-Length ends the answer, not the connection.
            thread::sleep(Duration::from_secs(5));
        });
        let session = Session::new(http(addr), json!({})).unwrap();
        assert_eq!(session.id(), "abc");

        let addr = serve_once(|s| {
            let body = r#"{"value":{"error":"no such element","message":"none","stacktrace":""}}"#;
            let _ = write!(
                s,
                "HTTP/1.1 404 Not Found\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
        });
        let err = http(addr).call("GET", "/x", None).unwrap_err();
        assert!(err.is_no_such_element(), "{err}");
    }

    #[test]
    fn webdriver_client_reads_an_element_by_its_w3c_key() {
        let reply = |value: &'static str| {
            serve_once(move |s| {
                let body = format!(r#"{{"value":{value}}}"#);
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            })
        };
        let session = |addr| Session {
            http: http(addr),
            id: "s".into(),
        };
        let found = session(reply(r#"{"element-6066-11e4-a52e-4f735466cecf":"e.1"}"#));
        assert_eq!(found.find(Locator::Css("p")).unwrap().id, "e.1");
        let legacy = session(reply(r#"{"ELEMENT":"e.1"}"#));
        assert!(legacy.find(Locator::Css("p")).is_err());
    }

    #[test]
    fn webdriver_client_fails_on_a_silent_driver_instead_of_hanging() {
        let addr = serve_once(|s| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"va");
            thread::sleep(Duration::from_secs(10));
        });
        let err = http(addr).call("GET", "/x", None).unwrap_err();
        assert!(matches!(err, Error::Io(_) | Error::Protocol(_)), "{err}");
    }

    #[test]
    fn webdriver_client_refuses_an_answer_over_the_cap() {
        let addr = serve_once(|s| {
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
                MAX_RESPONSE * 2
            );
            let block = vec![b' '; 1 << 20];
            for _ in 0..(MAX_RESPONSE >> 19) {
                if s.write_all(&block).is_err() {
                    break;
                }
            }
        });
        let err = http(addr).call("GET", "/x", None).unwrap_err();
        assert!(err.to_string().contains("over"), "{err}");
    }

    #[test]
    fn webdriver_client_refuses_what_is_not_a_webdriver_answer() {
        for reply in [
            "not http at all\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{}",
        ] {
            let addr = serve_once(move |s| {
                let _ = s.write_all(reply.as_bytes());
            });
            let err = http(addr).call("GET", "/x", None).unwrap_err();
            assert!(matches!(err, Error::Protocol(_)), "{reply:?}: {err}");
        }
    }

    #[test]
    fn webdriver_base64_decodes_and_refuses() {
        assert_eq!(decode_base64("iVBORw==").unwrap(), b"\x89PNG");
        assert_eq!(decode_base64("aGVsbG8").unwrap(), b"hello");
        assert_eq!(decode_base64("").unwrap(), b"");
        assert!(decode_base64("a").is_none());
        assert!(decode_base64("aGV*bG8=").is_none());
    }
}
