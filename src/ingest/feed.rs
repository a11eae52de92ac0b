//! Feeds: RSS 0.9x, 1.0 (RDF) and 2.0, Atom and JSON Feed, read with feed-rs. Each item is an
//! article (`file#N`, N counting items from 1) known by its URL, else its guid, so that the
//! copies of an item in several snapshots of a feed are one article; the channel names the
//! source.
//!
//! The XML's declared encoding is honoured by the parser (ISO-8859-1, windows-1252, GB2312…).
//! HTML content goes through the HTML reader, so markup, scripts, boilerplate and entities are
//! dropped; HTML that a description carries entity-escaped is unescaped once by the XML parser
//! and then read the same way.

use chrono::DateTime;
use feed_rs::model::{Entry, Feed, Text};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use serde_json::Value;

use super::limits::Limits;
use super::record::{self, Target};
use super::txt::{self, Block};
use super::{date, html, markup, squash_spaces, IngestError, Records};
use crate::article::{Article, Published};

/// Root elements that make an `.xml` file a feed.
const FEED_ROOTS: &[&str] = &["rss", "feed", "RDF"];

/// Whether a parsed `.json` value is a JSON Feed: an object whose `version` names jsonfeed.org.
pub(super) fn is_json_feed(value: &Value) -> bool {
    value
        .get("version")
        .and_then(Value::as_str)
        .is_some_and(|v| v.contains("jsonfeed.org"))
}

/// Whether an `.xml` file's root element is a feed (`rss`, `feed`, `rdf:RDF`): anything else
/// (a sitemap, a settings file) is not read.
pub(super) fn xml_is_feed(bytes: &[u8]) -> bool {
    root_element(bytes).is_some_and(|name| {
        let local = name.rsplit(':').next().unwrap_or(name);
        FEED_ROOTS.contains(&local)
    })
}

/// The name of the first element of an XML document, past the declaration, processing
/// instructions, comments and the doctype. Names are ASCII in every feed format, so the bytes
/// can be looked at before their encoding is known.
fn root_element(bytes: &[u8]) -> Option<&str> {
    let mut rest = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    loop {
        let start = rest.iter().position(|&b| b == b'<')?;
        if !rest[..start].iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        rest = &rest[start..];
        let skip_to = |rest: &[u8], end: &[u8]| {
            rest.windows(end.len())
                .position(|w| w == end)
                .map(|p| p + end.len())
        };
        if rest.starts_with(b"<?") {
            rest = &rest[skip_to(rest, b"?>")?..];
        } else if rest.starts_with(b"<!--") {
            rest = &rest[skip_to(rest, b"-->")?..];
        } else if rest.starts_with(b"<!") {
            rest = &rest[skip_to(rest, b">")?..];
        } else {
            let name = &rest[1..];
            let end = name
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
                .unwrap_or(name.len());
            return std::str::from_utf8(&name[..end]).ok();
        }
    }
}

/// Items handed to the feed parser at once. feed-rs builds every item of what it parses before
/// returning (about a kilobyte each before their text), so a feed of a million tiny items took
/// more than a gigabyte: a long feed is parsed in slices of this many items, each with the
/// feed's head (the channel) and tail around it, and memory stays that of one slice.
const ITEMS_PER_PARSE: usize = 10_000;

/// Reads a feed's bytes (XML in its declared encoding, or JSON Feed) into one article per item.
pub(super) fn parse_feed(
    bytes: &[u8],
    limits: &Limits,
    out: &mut Records,
) -> Result<(), IngestError> {
    // Dates in any shape warta reads elsewhere (RFC 2822 and 3339, and the local shapes feeds
    // carry, such as `2020/1/10 14:33:00`).
    let parser = feed_rs::parser::Builder::new()
        .timestamp_parser(|text| {
            let published = date::parse_date(text)?;
            DateTime::from_timestamp(published.timestamp(), 0)
        })
        // An item without a link or guid gets no id (feed-rs would make a random one): it is
        // then known by its file and number, not by a guid that changes on every read.
        .id_generator(|_, _, _| String::new())
        .build();
    let slices = ItemSlices::of(bytes);
    let mut channel = None;
    let mut n = 0;
    for slice in 0..slices.count() {
        let part = slices.slice(bytes, slice);
        let feed = parser.parse(&part[..]).map_err(|err| match err {
            ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => IngestError::NotArticles(
                "not a feed: the root element is not rss, feed or rdf:RDF".into(),
            ),
            err => IngestError::Invalid(format!("broken feed: {err}")),
        })?;
        drop(part);
        let channel = channel.get_or_insert_with(|| Channel::of(&feed));
        for entry in &feed.entries {
            n += 1;
            if !out.may_read(n)? {
                return Ok(());
            }
            let (article, warnings) = item_article(entry, channel, limits);
            warnings.into_iter().for_each(|w| out.warn(w));
            out.article(Some(n), article);
        }
    }
    Ok(())
}

/// Where the items of an XML feed start and where the last one ends, from a scan of its bytes
/// (CDATA sections and comments passed over), to parse a long feed in slices.
#[derive(Debug, PartialEq, Eq)]
struct ItemSlices {
    /// Offsets of the `<item` and `<entry` tags (any namespace prefix).
    starts: Vec<usize>,
    /// The offset just past the last item's end tag.
    end: usize,
}

impl ItemSlices {
    fn of(bytes: &[u8]) -> ItemSlices {
        let mut found = ItemSlices {
            starts: Vec::new(),
            end: 0,
        };
        let find = |from: usize, what: &[u8]| {
            bytes[from..]
                .windows(what.len())
                .position(|w| w == what)
                .map(|p| from + p + what.len())
        };
        let mut at = 0;
        while let Some(p) = bytes[at..].iter().position(|&b| b == b'<') {
            let tag = at + p;
            let rest = &bytes[tag..];
            let skip_to = if rest.starts_with(b"<![CDATA[") {
                find(tag, b"]]>")
            } else if rest.starts_with(b"<!--") {
                find(tag, b"-->")
            } else {
                found.look_at(bytes, tag);
                Some(tag + 1)
            };
            match skip_to {
                Some(next) => at = next,
                None => break,
            }
        }
        found
    }

    /// Notes the tag at `tag` if it opens or closes an item.
    fn look_at(&mut self, bytes: &[u8], tag: usize) {
        let rest = &bytes[tag..];
        let closing = rest.starts_with(b"</");
        let name = &rest[if closing { 2 } else { 1 }..];
        let name_len = name
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
            .unwrap_or(name.len());
        let local = name[..name_len]
            .rsplit(|&b| b == b':')
            .next()
            .unwrap_or(&[]);
        if local != b"item" && local != b"entry" {
            return;
        }
        let Some(gt) = rest.iter().position(|&b| b == b'>') else {
            return;
        };
        if !closing {
            self.starts.push(tag);
        }
        if closing || rest[..gt].ends_with(b"/") {
            self.end = tag + gt + 1;
        }
    }

    /// How many slices the feed is parsed in.
    fn count(&self) -> usize {
        if self.sliced() {
            self.starts.len().div_ceil(ITEMS_PER_PARSE)
        } else {
            1
        }
    }

    /// Whether the feed is long enough to be parsed in slices, and its items were found whole.
    fn sliced(&self) -> bool {
        self.starts.len() > ITEMS_PER_PARSE && self.starts.last().is_some_and(|&s| s < self.end)
    }

    /// The `n`th slice: the feed's head, the items of the slice, the feed's tail.
    fn slice<'a>(&self, bytes: &'a [u8], n: usize) -> std::borrow::Cow<'a, [u8]> {
        if !self.sliced() {
            return bytes.into();
        }
        let from = self.starts[n * ITEMS_PER_PARSE];
        let to = self
            .starts
            .get((n + 1) * ITEMS_PER_PARSE)
            .copied()
            .unwrap_or(self.end);
        let (head, tail) = (&bytes[..self.starts[0]], &bytes[self.end..]);
        let mut part = Vec::with_capacity(head.len() + (to - from) + tail.len());
        part.extend_from_slice(head);
        part.extend_from_slice(&bytes[from..to]);
        part.extend_from_slice(tail);
        part.into()
    }
}

/// What every item of a feed shares.
struct Channel {
    /// The channel's title, else its site's host.
    source: Option<String>,
    /// The channel's language.
    lang: Option<String>,
    /// Whether text typed as plain is plain for sure: JSON Feed says so of its titles,
    /// summaries and `content_text`, where RSS says nothing of its descriptions' type.
    typed: bool,
}

impl Channel {
    fn of(feed: &Feed) -> Channel {
        let typed = feed.feed_type == feed_rs::model::FeedType::JSON;
        let title = feed
            .title
            .as_ref()
            .map(|t| plain_text(t, typed))
            .filter(|t| !t.is_empty());
        let host = || {
            feed.links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .and_then(|l| host_of(&l.href))
        };
        Channel {
            source: title.or_else(host),
            lang: feed.language.clone(),
            typed,
        }
    }
}

/// The host of an absolute http(s) URL.
fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn is_web_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

/// One item as an article, with warnings from bounding its HTML.
fn item_article(entry: &Entry, channel: &Channel, limits: &Limits) -> (Article, Vec<String>) {
    let mut article = Article::default();
    let mut warnings = Vec::new();
    article.title = entry
        .title
        .as_ref()
        .map(|t| plain_text(t, channel.typed))
        .unwrap_or_default();
    // The article's page: the alternate link (Atom lists replies, edit and self links too),
    // else the guid when it is a URL.
    article.url = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.trim().to_string())
        .filter(|u| !u.is_empty())
        .or_else(|| is_web_url(entry.id.trim()).then(|| entry.id.trim().to_string()));
    article.published = entry
        .published
        .or(entry.updated)
        .map(|dt| Published::DateTime(dt.fixed_offset()));
    article.updated = entry
        .updated
        .map(|dt| Published::DateTime(dt.fixed_offset()));
    // Known by its URL, else by its guid: the copies of an item in many saved snapshots of
    // the feed are one article.
    let guid = entry.id.trim();
    article.guid = (!guid.is_empty()).then(|| guid.to_string());
    article.keyed_by_url = article.url.is_some() || article.guid.is_some();
    let authors: Vec<String> = entry
        .authors
        .iter()
        .filter_map(|p| p.name.as_deref().map(squash_spaces))
        .filter(|n| !n.is_empty())
        .collect();
    if !authors.is_empty() {
        article.author = Some(authors.join(", "));
    }
    let mut tags: Vec<String> = Vec::new();
    for category in &entry.categories {
        let tag = squash_spaces(category.label.as_deref().unwrap_or(&category.term));
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    article.tags = tags;
    article.source = channel.source.clone();
    if let Some(lang) = entry.language.as_ref().or(channel.lang.as_ref()) {
        record::apply(&mut article, Target::Lang, &Value::String(lang.clone()));
    }

    let mut blocks_of = |text: &str, html_type: bool| {
        // Beyond twice the article limit an item holds nothing that would be kept (the article
        // is cut to the limit, with a warning); its markup is not worth parsing.
        let text = head(text, limits.article_bytes.saturating_mul(2));
        if html_type || (!channel.typed && looks_like_markup(text)) {
            let (bounded, notes) = markup::bound_markup(text, limits);
            warnings.extend(notes);
            html::fragment_blocks(&bounded)
        } else {
            txt::field_paragraphs(text)
                .into_iter()
                .map(|text| Block {
                    text,
                    heading: false,
                })
                .collect()
        }
    };
    let content = entry.content.as_ref().and_then(|c| {
        let body = c.body.as_deref()?;
        let html_type = c.content_type.subty().as_str() != "plain";
        Some(blocks_of(body, html_type)).filter(|b| !b.is_empty())
    });
    let summary = entry.summary.as_ref().map(|s| {
        let html_type = s.content_type.subty().as_str() != "plain";
        blocks_of(&s.content, html_type)
    });
    match (content, summary) {
        (Some(content), summary) => {
            // The description or summary is the lede, the content the text.
            if let Some(summary) = summary {
                article.lede = summary
                    .into_iter()
                    .map(|b| b.text)
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            txt::fill_blocks(&mut article, content);
        }
        (None, Some(summary)) => txt::fill_blocks(&mut article, summary),
        (None, None) => {}
    }
    // The item's headline, repeated at the top of its text.
    if !article.title.is_empty() && article.lede.eq_ignore_ascii_case(&article.title) {
        article.lede.clear();
    }
    (article, warnings)
}

/// The first `max` bytes of `text` or fewer, at a character boundary.
fn head(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Whether text typed as plain holds markup or entities after all (RSS descriptions say nothing
/// of their type).
fn looks_like_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).any(|w| {
        (w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
            || (w[0] == b'&' && (w[1].is_ascii_alphanumeric() || w[1] == b'#'))
    })
}

/// A title or channel name as one line of plain text, markup and entities dropped when the
/// text is HTML.
fn plain_text(text: &Text, typed: bool) -> String {
    let html_type = text.content_type.subty().as_str() != "plain";
    if html_type || (!typed && looks_like_markup(&text.content)) {
        let blocks = html::fragment_blocks(&text.content);
        squash_spaces(
            &blocks
                .into_iter()
                .map(|b| b.text)
                .collect::<Vec<_>>()
                .join(" "),
        )
    } else {
        squash_spaces(&text.content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_found_past_declarations_comments_and_doctypes() {
        assert_eq!(
            root_element(
                b"\n  <?xml version=\"1.0\"?>\n<!-- x -->\n<!DOCTYPE rss>\n<rss version=\"2.0\">"
            ),
            Some("rss")
        );
        assert_eq!(
            root_element(b"<?xml-stylesheet href=\"a\"?><feed xmlns=\"x\">"),
            Some("feed")
        );
        assert!(xml_is_feed(b"<rdf:RDF xmlns:rdf=\"x\">"));
        assert!(!xml_is_feed(
            b"<?xml version=\"1.0\"?><urlset><url/></urlset>"
        ));
        assert!(!xml_is_feed(b"not xml <rss>"));
    }

    #[test]
    fn a_long_feed_is_parsed_in_slices_of_whole_items() {
        let items: String = (0..ITEMS_PER_PARSE + 5)
            .map(|n| format!("<item><title>Item {n}</title><description><![CDATA[<item>]]></description></item>\n"))
            .collect();
        let feed = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Long</title>\n{items}<!-- <item> --></channel></rss>"
        );
        let slices = ItemSlices::of(feed.as_bytes());
        assert_eq!(slices.starts.len(), ITEMS_PER_PARSE + 5);
        assert_eq!(slices.count(), 2);
        let last = slices.slice(feed.as_bytes(), 1);
        let last = std::str::from_utf8(&last).unwrap();
        assert!(last.starts_with("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Long</title>\n<item><title>Item 10000<"), "{last}");
        assert!(last.ends_with("<title>Item 10004</title><description><![CDATA[<item>]]></description></item>\n<!-- <item> --></channel></rss>"), "{last}");
        assert_eq!(last.matches("<title>Item").count(), 5);

        let mut records = Records::new(&Limits::default(), super::super::limits::Deadline::never());
        parse_feed(feed.as_bytes(), &Limits::default(), &mut records).unwrap();
        assert_eq!(records.articles.len(), ITEMS_PER_PARSE + 5);
        assert_eq!(records.articles[ITEMS_PER_PARSE + 4].1.title, "Item 10004");
        assert_eq!(
            records.articles[ITEMS_PER_PARSE + 4].0,
            Some(ITEMS_PER_PARSE + 5)
        );
    }

    #[test]
    fn a_short_feed_is_parsed_whole() {
        let feed = b"<feed><entry><title>A</title></entry><atom:entry/></feed>";
        let slices = ItemSlices::of(feed);
        assert_eq!(slices.starts, [6, 37]);
        assert_eq!(slices.end, 50);
        assert_eq!(slices.count(), 1);
        assert_eq!(&slices.slice(feed, 0)[..], &feed[..]);
    }

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            host_of("https://Example.com/a?b").as_deref(),
            Some("example.com")
        );
        assert_eq!(host_of("http://u@h.org").as_deref(), Some("h.org"));
        assert_eq!(host_of("ftp://x"), None);
    }

    #[test]
    fn markup_is_told_from_plain_text() {
        assert!(looks_like_markup("a <b>bold</b> move"));
        assert!(looks_like_markup("Q&amp;A"));
        assert!(!looks_like_markup("a < b & c"));
    }
}
