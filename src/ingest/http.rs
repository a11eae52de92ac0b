//! The HTTP response a web archive's `response` record holds: its status, its headers, and its
//! payload with the transfer and content encodings undone (chunked; gzip, deflate), bounded, and
//! whether that payload is a web page (by Content-Type, else by sniffing its first bytes).

use std::io::Read;

use super::charset::{charset_in, find};

/// Headers of one response beyond this many bytes: the response is not read.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// What a response record holds, as far as warta cares.
#[derive(Debug)]
pub(super) enum Response {
    /// A web page with status 200: its payload, decoded from the transfer and content
    /// encodings, and the charset its Content-Type names.
    Page {
        /// The page's bytes.
        body: Vec<u8>,
        /// The header's charset label, if it names one.
        charset: Option<String>,
        /// What was odd about the payload (cut at the limit).
        warning: Option<String>,
    },
    /// A redirect (3xx).
    Redirect,
    /// Any status other than 200 and 3xx.
    Error,
    /// A 200 whose payload is not HTML (an image, a script, JSON).
    NotHtml,
    /// Not an HTTP response, or one whose payload cannot be decoded; why.
    Unreadable(String),
}

/// Reads the HTTP response in a record's block, its payload bounded to `max_bytes` once
/// decoded.
pub(super) fn read_response(block: &[u8], max_bytes: usize) -> Response {
    let Some(head_end) = header_end(block) else {
        return Response::Unreadable("no end to the HTTP headers".into());
    };
    let head = String::from_utf8_lossy(&block[..head_end.0]);
    let mut lines = head.split('\n').map(|l| l.trim_end_matches('\r'));
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.split_ascii_whitespace();
    let status = match (parts.next(), parts.next().map(str::parse::<u16>)) {
        (Some(version), Some(Ok(status))) if version.starts_with("HTTP/") => status,
        _ => return Response::Unreadable("no HTTP status line".into()),
    };
    match status {
        200 => {}
        300..=399 => return Response::Redirect,
        _ => return Response::Error,
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let content_type = header("content-type").unwrap_or_default();
    let mut body = &block[head_end.1..];
    let dechunked;
    if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        // Crawlers often store the payload already dechunked under the original header.
        if let Some(plain) = dechunk(body) {
            dechunked = plain;
            body = &dechunked;
        }
    }
    let mut warning = None;
    let decoded;
    match header("content-encoding").as_deref().map(str::trim) {
        None | Some("" | "identity" | "none") => {}
        Some(coding @ ("gzip" | "x-gzip" | "deflate")) => {
            match inflate(body, coding != "deflate", max_bytes) {
                Ok((bytes, cut)) => {
                    if cut {
                        warning = Some(format!(
                            "payload cut at {} once decompressed",
                            super::limits::size(max_bytes as u64)
                        ));
                    }
                    decoded = bytes;
                    body = &decoded;
                }
                // Stored decoded under the original header, as some crawlers do.
                Err(_) if looks_like_html(body) => {}
                Err(err) => {
                    return Response::Unreadable(format!("{coding} payload does not decode: {err}"))
                }
            }
        }
        Some(other) => {
            return Response::Unreadable(format!("payload in Content-Encoding {other}, not read"))
        }
    }
    let media = content_type.split(';').next().unwrap_or_default().trim();
    let html = match media {
        "text/html" | "application/xhtml+xml" => true,
        "" | "application/octet-stream" | "text/plain" | "unknown/unknown" => looks_like_html(body),
        _ => false,
    };
    if !html {
        return Response::NotHtml;
    }
    Response::Page {
        body: body[..body.len().min(max_bytes)].to_vec(),
        charset: charset_in(content_type.as_bytes()),
        warning,
    }
}

/// Where the header block ends: the end of the headers and the start of the payload, after
/// the first empty line (CRLF or LF).
fn header_end(block: &[u8]) -> Option<(usize, usize)> {
    let window = &block[..block.len().min(MAX_HEADER_BYTES)];
    let crlf = find(window, b"\r\n\r\n").map(|at| (at, at + 4));
    let lf = find(window, b"\n\n").map(|at| (at, at + 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// Whether a payload opens like a web page: a doctype or an `<html>`, `<head>` or `<body>`
/// tag first, or an `<html` within its first 1,024 bytes.
pub(super) fn looks_like_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    let lower = head.to_ascii_lowercase();
    let start = lower
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(lower.len());
    let lower_start = lower[start..]
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&lower[start..]);
    ["<!doctype html", "<html", "<head", "<body"]
        .iter()
        .any(|open| lower_start.starts_with(open.as_bytes()))
        || find(&lower, b"<html").is_some()
}

/// A chunked payload's data, or `None` when the bytes are not chunked (stored dechunked). The
/// result is never longer than the input.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let line_end = find(&body[..body.len().min(1024)], b"\n")?;
        let line = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = line.split(';').next()?.trim();
        let size = usize::from_str_radix(size, 16).ok()?;
        body = &body[line_end + 1..];
        if size == 0 {
            return Some(out);
        }
        let chunk = body.get(..size)?;
        out.extend_from_slice(chunk);
        body = &body[size..];
        body = body
            .strip_prefix(b"\r\n")
            .or_else(|| body.strip_prefix(b"\n"))
            .unwrap_or(body);
        if body.is_empty() {
            // The last chunk and the trailer lost: what came is kept.
            return Some(out);
        }
    }
}

/// A gzip (or zlib / raw deflate) payload inflated, at most `max` bytes of it; `true` when
/// there was more.
fn inflate(body: &[u8], gzip: bool, max: usize) -> std::io::Result<(Vec<u8>, bool)> {
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut out = Vec::new();
    if gzip {
        flate2::read::MultiGzDecoder::new(body)
            .take(limit)
            .read_to_end(&mut out)?;
    } else if flate2::read::ZlibDecoder::new(body)
        .take(limit)
        .read_to_end(&mut out)
        .is_err()
    {
        // "deflate" is zlib by the standard, raw deflate by many servers.
        out.clear();
        flate2::read::DeflateDecoder::new(body)
            .take(limit)
            .read_to_end(&mut out)?;
    }
    let cut = out.len() > max;
    out.truncate(max);
    Ok((out, cut))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn page(response: Response) -> (Vec<u8>, Option<String>) {
        match response {
            Response::Page { body, charset, .. } => (body, charset),
            other => panic!("not a page: {other:?}"),
        }
    }

    #[test]
    fn statuses_and_types_sort_responses() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\n\r\n<p>x</p>";
        let (body, charset) = page(read_response(ok, 1000));
        assert_eq!(body, b"<p>x</p>");
        assert_eq!(charset.as_deref(), Some("iso-8859-1"));
        let moved = b"HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n";
        assert!(matches!(read_response(moved, 1000), Response::Redirect));
        let gone = b"HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html>";
        assert!(matches!(read_response(gone, 1000), Response::Error));
        let image = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG";
        assert!(matches!(read_response(image, 1000), Response::NotHtml));
        let sniffed = b"HTTP/1.1 200 OK\n\n  <!DOCTYPE html><title>t</title>";
        assert!(page(read_response(sniffed, 1000))
            .0
            .starts_with(b"  <!DOCTYPE"));
        let text = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\njust words";
        assert!(matches!(read_response(text, 1000), Response::NotHtml));
        assert!(matches!(
            read_response(b"GET / HTTP/1.1\r\n\r\n", 1000),
            Response::Unreadable(_)
        ));
        assert!(matches!(
            read_response(b"no headers end", 1000),
            Response::Unreadable(_)
        ));
    }

    #[test]
    fn chunked_and_gzip_payloads_are_decoded_and_bounded() {
        let html = b"<html><body><p>hello chunked world</p></body></html>";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(html).unwrap();
        let gz = gz.finish().unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        let (a, b) = gz.split_at(gz.len() / 2);
        for chunk in [a, b] {
            write!(block, "{:x}\r\n", chunk.len()).unwrap();
            block.extend_from_slice(chunk);
            block.extend_from_slice(b"\r\n");
        }
        block.extend_from_slice(b"0\r\n\r\n");
        assert_eq!(page(read_response(&block, 1000)).0, html);
        // A gzip bomb stops at the bound.
        let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        bomb.write_all(b"<html>").unwrap();
        for _ in 0..1000 {
            bomb.write_all(&[b' '; 10_000]).unwrap();
        }
        let bomb = bomb.finish().unwrap();
        let mut block =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
                .to_vec();
        block.extend_from_slice(&bomb);
        match read_response(&block, 4096) {
            Response::Page { body, warning, .. } => {
                assert_eq!(body.len(), 4096);
                assert!(warning.unwrap().contains("cut"));
            }
            other => panic!("{other:?}"),
        }
        // Stored dechunked and decompressed under the original headers: read as it is.
        let stored = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n<html><p>plain</p>";
        assert!(page(read_response(stored, 1000)).0.ends_with(b"plain</p>"));
        let brotli =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n\r\n\x1b\x00";
        assert!(matches!(
            read_response(brotli, 1000),
            Response::Unreadable(_)
        ));
    }
}
