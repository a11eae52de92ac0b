//! The character encoding of a web page, as a browser finds it: a byte-order mark, else the
//! charset its HTTP header names, else a `<meta charset>` (or `http-equiv` Content-Type) within
//! its first 1,024 bytes, else UTF-8 when the bytes are valid UTF-8 and windows-1252 when not
//! (what browsers fall back to for pages that name none). Decoding is encoding_rs's.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far into a page a `<meta charset>` is looked for (the HTML standard's prescan).
const PRESCAN_BYTES: usize = 1024;

/// A page's bytes as text, decoded by its byte-order mark, `declared` (an HTTP header's
/// charset label), its `<meta charset>`, or valid UTF-8 / windows-1252; with a warning when
/// the bytes did not all decode.
pub(crate) fn decode_html<'a>(
    bytes: &'a [u8],
    declared: Option<&str>,
) -> (Cow<'a, str>, Option<String>) {
    let (encoding, bom) = match Encoding::for_bom(bytes) {
        Some((encoding, bom)) => (encoding, bom),
        None => (
            declared
                .and_then(label)
                .or_else(|| meta_charset(bytes))
                .unwrap_or_else(|| {
                    if std::str::from_utf8(bytes).is_ok() {
                        UTF_8
                    } else {
                        WINDOWS_1252
                    }
                }),
            0,
        ),
    };
    let (text, malformed) = encoding.decode_without_bom_handling(&bytes[bom..]);
    let warning = malformed.then(|| {
        format!(
            "bytes that are not {} read with replacement characters",
            encoding.name()
        )
    });
    (text, warning)
}

/// The encoding a charset label names; UTF-16 labels in a header or meta tag of a page that
/// has no byte-order mark are read as UTF-8, as browsers do.
fn label(label: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.trim().trim_matches(['"', '\'']).as_bytes())?;
    Some(if encoding.output_encoding() == UTF_8 {
        UTF_8
    } else {
        encoding
    })
}

/// The charset a `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…;
/// charset=…">` in the first 1,024 bytes names.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"<meta") {
        let start = from + at + 5;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(name) = charset_in(tag) {
            if let Some(encoding) = label(&name) {
                return Some(encoding);
            }
        }
        from = end;
    }
    None
}

/// The value after `charset=` in a meta tag's text (lower case), quoted or not.
pub(crate) fn charset_in(text: &[u8]) -> Option<String> {
    let at = find(text, b"charset")? + 7;
    let rest = &text[at..];
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    let rest = rest.strip_prefix(b"=")?;
    let rest: &[u8] = {
        let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        &rest[skip..]
    };
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let len = rest
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>') || b < b' ')
        .unwrap_or(rest.len());
    let value = std::str::from_utf8(&rest[..len]).ok()?;
    (!value.is_empty()).then(|| value.to_string())
}

/// Where `needle` first occurs in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_then_the_meta_tag_then_utf8_or_windows_1252() {
        let latin = b"<html><head><meta charset=\"iso-8859-1\"></head><body>caf\xe9</body>";
        let (text, warning) = decode_html(latin, None);
        assert!(text.contains("café"), "{text}");
        assert!(warning.is_none());
        // The header wins over the page.
        let (text, _) = decode_html("<p>café</p>".as_bytes(), Some("utf-8"));
        assert!(text.contains("café"));
        let http_equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"><p>\x93quoted\x94</p>";
        let (text, _) = decode_html(http_equiv, None);
        assert!(text.contains("\u{201c}quoted\u{201d}"), "{text}");
        // Nothing declared: UTF-8 when it is, windows-1252 when it is not.
        assert!(decode_html("naïve".as_bytes(), None).0.contains("naïve"));
        assert!(decode_html(b"na\xefve", None).0.contains("naïve"));
        // A byte-order mark wins over everything.
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend_from_slice("é".as_bytes());
        assert_eq!(decode_html(&bom, Some("iso-8859-1")).0, "é");
    }

    #[test]
    fn bad_bytes_in_a_declared_encoding_warn() {
        let (text, warning) = decode_html(b"ok \xff\xfe", Some("utf-8"));
        assert!(text.starts_with("ok "));
        assert!(warning.unwrap().contains("UTF-8"));
        assert!(decode_html(b"x", Some("no-such-charset")).1.is_none());
    }

    #[test]
    fn charset_values_quoted_or_not() {
        assert_eq!(
            charset_in(b"text/html; charset=UTF-8").as_deref(),
            Some("UTF-8")
        );
        assert_eq!(charset_in(b" charset='koi8-r'>").as_deref(), Some("koi8-r"));
        assert_eq!(charset_in(b"text/html"), None);
        assert_eq!(charset_in(b"charset="), None);
    }
}
