//! `.html`/`.htm`: a saved web page, parsed with html5ever (through scraper) as browsers parse
//! it. Metadata comes from Open Graph and article meta tags, `<time>` and JSON-LD; the text from
//! the article element (or main, or body) without navigation, scripts, styles, forms, footers,
//! asides and the boxes sites fill with "related" links, sharing buttons and ads.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use super::record::{self, Target};
use super::squash_spaces;
use super::txt::{self, Block};
use crate::article::Article;

/// Elements whose content is never article text.
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "select", "option", "input", "textarea", "iframe", "svg", "canvas", "figure", "menu",
    "dialog", "object", "embed", "video", "audio", "map", "head", "title",
];

/// Elements that end a paragraph.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "address",
    "center",
    "details",
    "summary",
];

/// Words in a class or id that mark a box around the article rather than the article.
const BOILERPLATE_MARKS: &[&str] = &[
    "nav",
    "navbar",
    "menu",
    "sidebar",
    "footer",
    "related",
    "share",
    "sharing",
    "social",
    "comment",
    "comments",
    "newsletter",
    "subscribe",
    "subscription",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "promo",
    "sponsored",
    "breadcrumb",
    "breadcrumbs",
    "cookie",
    "cookies",
    "popup",
    "modal",
    "banner",
    "recommended",
    "recommendations",
    "trending",
    "popular",
    "baca",
    "terkait",
    "outbrain",
    "taboola",
    "paywall",
    "skip",
];

/// Reads a web page.
pub(super) fn parse_html(text: &str) -> Article {
    let doc = Html::parse_document(text);
    let mut article = Article::default();
    let meta = MetaTags::read(&doc);
    let ld = json_ld(&doc);

    article.title = meta
        .first(&["og:title", "twitter:title", "dc.title", "headline"])
        .or_else(|| ld_text(&ld, "headline"))
        .or_else(|| first_text(&doc, "title"))
        .or_else(|| first_text(&doc, "h1"))
        .unwrap_or_default();
    article.source = meta
        .first(&["og:site_name", "application-name", "publisher"])
        .or_else(|| {
            ld.as_ref()
                .and_then(|l| l.get("publisher"))
                .and_then(ld_name)
        });
    if let Some(site) = &article.source {
        article.title = strip_site_name(&article.title, site);
    }
    article.url = first_attr(&doc, "link[rel=canonical]", "href")
        .or_else(|| meta.first(&["og:url"]))
        .or_else(|| ld_text(&ld, "url"));
    let date = meta
        .first(&[
            "article:published_time",
            "og:published_time",
            "datepublished",
            "pubdate",
            "publishdate",
            "publish-date",
            "date",
            "dc.date",
            "dc.date.issued",
            "dcterms.created",
            "sailthru.date",
            "parsely-pub-date",
        ])
        .or_else(|| ld_text(&ld, "datePublished"))
        .or_else(|| first_attr(&doc, "time[datetime]", "datetime"))
        .or_else(|| first_text(&doc, "time"));
    if let Some(date) = date {
        record::apply(&mut article, Target::Date, &Value::String(date));
    }
    let author = meta
        .first(&[
            "author",
            "article:author",
            "byl",
            "dc.creator",
            "parsely-author",
        ])
        .filter(|a| !a.starts_with("http"))
        .or_else(|| ld.as_ref().and_then(|l| l.get("author")).and_then(ld_name));
    article.author = author.map(|a| a.trim_start_matches("By ").to_string());
    let tags = meta.all(&["article:tag", "keywords", "news_keywords", "parsely-tags"]);
    if !tags.is_empty() {
        record::apply(&mut article, Target::Tags, &Value::String(tags.join(",")));
    }
    if let Some(lang) = first_attr(&doc, "html[lang]", "lang") {
        record::apply(&mut article, Target::Lang, &Value::String(lang));
    }

    let mut blocks = text_blocks(content_root(&doc));
    if blocks.iter().all(|b| b.heading) {
        if let Some(body) = ld_text(&ld, "articleBody") {
            blocks = txt::field_paragraphs(&body)
                .into_iter()
                .map(|text| Block {
                    text,
                    heading: false,
                })
                .collect();
        }
    }
    // The page's own headline, repeated at the top of the text.
    let title = article.title.to_lowercase();
    if blocks
        .first()
        .is_some_and(|b| b.text.to_lowercase() == title)
    {
        blocks.remove(0);
    }
    // The byline, set as a paragraph of its own.
    if let Some(author) = &article.author {
        let author = author.to_lowercase();
        blocks.retain(|b| {
            let text = b.text.to_lowercase();
            let text = text.trim_start_matches("by ").trim_start_matches("oleh ");
            text != author
        });
    }
    // A page whose text could not be found still has its description.
    if blocks.iter().all(|b| b.heading) {
        if let Some(description) = meta.first(&["description", "og:description"]) {
            article.lede = description;
        }
    }
    txt::fill_blocks(&mut article, blocks);
    article
}

/// `<meta>` values by lower-cased `property`, `name` or `itemprop`, in page order.
struct MetaTags(Vec<(String, String)>);

impl MetaTags {
    fn read(doc: &Html) -> MetaTags {
        let selector = Selector::parse("meta[content]").expect("valid selector");
        let tags = doc
            .select(&selector)
            .filter_map(|el| {
                let e = el.value();
                let key = e
                    .attr("property")
                    .or_else(|| e.attr("name"))
                    .or_else(|| e.attr("itemprop"))?;
                let value = squash_spaces(e.attr("content")?);
                (!value.is_empty()).then(|| (key.trim().to_ascii_lowercase(), value))
            })
            .collect();
        MetaTags(tags)
    }

    fn first(&self, keys: &[&str]) -> Option<String> {
        keys.iter()
            .find_map(|k| self.0.iter().find(|(key, _)| key == k))
            .map(|(_, v)| v.clone())
    }

    fn all(&self, keys: &[&str]) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| keys.contains(&key.as_str()))
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn first_text(doc: &Html, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).expect("valid selector");
    doc.select(&selector)
        .map(|el| squash_spaces(&el.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

fn first_attr(doc: &Html, selector: &str, attr: &str) -> Option<String> {
    let selector = Selector::parse(selector).expect("valid selector");
    doc.select(&selector)
        .filter_map(|el| el.value().attr(attr))
        .map(squash_spaces)
        .find(|t| !t.is_empty())
}

/// Drops a trailing " - Site", " | Site" or " — Site" from a `<title>`.
fn strip_site_name(title: &str, site: &str) -> String {
    for sep in [" - ", " | ", " — ", " – ", " :: "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            if tail.trim().eq_ignore_ascii_case(site.trim()) && !head.trim().is_empty() {
                return head.trim().to_string();
            }
        }
    }
    title.to_string()
}

/// The first JSON-LD object that describes an article (`NewsArticle`, `Article`,
/// `BlogPosting`, ...), looking inside arrays and `@graph`.
fn json_ld(doc: &Html) -> Option<Value> {
    let selector =
        Selector::parse(r#"script[type="application/ld+json"]"#).expect("valid selector");
    let mut found = None;
    for script in doc.select(&selector) {
        let Ok(value) = serde_json::from_str::<Value>(&script.text().collect::<String>()) else {
            continue;
        };
        let mut stack = vec![value];
        while let Some(value) = stack.pop() {
            match value {
                Value::Array(items) => stack.extend(items.into_iter().rev()),
                Value::Object(mut object) => {
                    if let Some(graph) = object.remove("@graph") {
                        stack.push(graph);
                    }
                    let kind = object
                        .get("@type")
                        .map(|t| t.to_string())
                        .unwrap_or_default();
                    if kind.contains("Article")
                        || kind.contains("BlogPosting")
                        || kind.contains("Report")
                    {
                        return Some(Value::Object(object));
                    }
                    if found.is_none() && object.contains_key("datePublished") {
                        found = Some(Value::Object(object));
                    }
                }
                _ => {}
            }
        }
    }
    found
}

fn ld_text(ld: &Option<Value>, key: &str) -> Option<String> {
    match ld.as_ref()?.get(key)? {
        Value::String(s) => Some(squash_spaces(s)).filter(|s| !s.is_empty()),
        _ => None,
    }
}

/// A JSON-LD person or organisation by name (or a list of them, joined).
fn ld_name(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(squash_spaces(s)),
        Value::Object(o) => o.get("name").and_then(ld_name),
        Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(ld_name).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// The paragraphs and headings of an HTML fragment (a feed item's content): markup, scripts
/// and boilerplate dropped, entities decoded.
pub(super) fn fragment_blocks(html: &str) -> Vec<Block> {
    let doc = Html::parse_document(html);
    text_blocks(content_root(&doc))
}

/// Where the article text is: the longest `<article>`, else the element marked as the
/// article body, else `<main>`, else `<body>`.
fn content_root(doc: &Html) -> ElementRef<'_> {
    let select = |s: &str| {
        let selector = Selector::parse(s).expect("valid selector");
        doc.select(&selector).collect::<Vec<_>>()
    };
    let text_len = |el: &ElementRef| el.text().map(str::len).sum::<usize>();
    let articles = select("article");
    if let Some(best) = articles.iter().max_by_key(|el| text_len(el)) {
        return *best;
    }
    for candidate in ["[itemprop=articleBody]", "main", "[role=main]", "body"] {
        if let Some(el) = select(candidate).into_iter().next() {
            return el;
        }
    }
    doc.root_element()
}

/// Whether an element holds no article text: by tag, role, hidden state, or a class or id
/// that names a navigation, sharing, related-links or ad box.
fn is_boilerplate(el: &scraper::node::Element) -> bool {
    let tag = el.name();
    if SKIP_TAGS.contains(&tag) {
        return true;
    }
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    if matches!(
        el.attr("role"),
        Some("navigation" | "complementary" | "contentinfo" | "banner" | "search" | "dialog")
    ) {
        return true;
    }
    if el
        .attr("style")
        .is_some_and(|s| s.replace(' ', "").contains("display:none"))
    {
        return true;
    }
    let names = el.attr("class").into_iter().chain(el.attr("id"));
    names
        .flat_map(|n| n.split(|c: char| c.is_whitespace() || c == '-' || c == '_'))
        .any(|word| BOILERPLATE_MARKS.contains(&word.to_ascii_lowercase().as_str()))
}

/// The paragraphs and headings under `root`, walked without recursion (pages nest deeply).
fn text_blocks(root: ElementRef<'_>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut heading_depth = 0usize;
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(text) => current.push_str(text),
                    Node::Element(el) if node.id() != root.id() && is_boilerplate(el) => {
                        skipping = Some(node.id());
                    }
                    Node::Element(el) if BLOCK_TAGS.contains(&el.name()) => {
                        txt::push_block(&mut current, &mut blocks, heading_depth > 0);
                        if is_heading(el.name()) {
                            heading_depth += 1;
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                    continue;
                }
                if skipping.is_some() {
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    if BLOCK_TAGS.contains(&el.name()) {
                        txt::push_block(&mut current, &mut blocks, heading_depth > 0);
                        if is_heading(el.name()) {
                            heading_depth = heading_depth.saturating_sub(1);
                        }
                    }
                }
            }
        }
    }
    txt::push_block(&mut current, &mut blocks, false);
    blocks
}

fn is_heading(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html lang="en-GB"><head>
<title>Chip makers race ahead - Tech Daily</title>
<meta property="og:site_name" content="Tech Daily">
<meta property="article:published_time" content="2025-08-29T09:15:00+07:00">
<meta name="author" content="Rina Putri">
<meta name="keywords" content="chips, ai">
<link rel="canonical" href="https://techdaily.example/chips">
<script>var navigationWords = "menuword";</script><style>.x{color:red}</style>
</head><body>
<nav><a href="/">Home</a> <a href="/gadgets">Gadgetsnavword</a></nav>
<header class="site-header">Headerword subscribe</header>
<article>
  <h1>Chip makers race ahead</h1>
  <p class="byline">By Rina Putri</p>
  <p>Chip makers are racing to <b>build</b> faster <i>parts</i> for AI.</p>
  <h2>Why now</h2>
  <p>Demand for data centres keeps growing.</p>
  <div class="related-articles"><h3>Related</h3><ul><li>Relatedword story</li></ul></div>
  <div class="share-buttons">Shareword</div>
  <form><input value="Formword"></form>
</article>
<aside>Asideword</aside>
<footer>Footerword copyright</footer>
</body></html>"#;

    #[test]
    fn metadata_and_article_text_without_the_page_around_it() {
        let a = parse_html(PAGE);
        assert_eq!(a.title, "Chip makers race ahead");
        assert_eq!(a.source.as_deref(), Some("Tech Daily"));
        assert_eq!(a.url.as_deref(), Some("https://techdaily.example/chips"));
        assert_eq!(a.author.as_deref(), Some("Rina Putri"));
        assert_eq!(a.published.unwrap().to_iso(), "2025-08-29T09:15:00+07:00");
        assert_eq!(a.tags, vec!["chips", "ai"]);
        assert_eq!(a.lang, "en");
        assert_eq!(
            a.lede,
            "Chip makers are racing to build faster parts for AI."
        );
        assert_eq!(a.headings, vec!["Why now"]);
        let all = format!("{} {} {}", a.title, a.lede, a.body);
        for word in [
            "menuword",
            "Gadgetsnavword",
            "Headerword",
            "Relatedword",
            "Shareword",
            "Formword",
            "Asideword",
            "Footerword",
            "color",
        ] {
            assert!(!all.contains(word), "{word} leaked into {all}");
        }
    }

    #[test]
    fn json_ld_and_time_when_meta_tags_are_missing() {
        let a = parse_html(
            r#"<html><head><script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"W"},
             {"@type":"NewsArticle","headline":"LD headline","datePublished":"2025-08-29",
              "author":[{"@type":"Person","name":"A"},{"@type":"Person","name":"B"}],
              "publisher":{"@type":"Organization","name":"LD News"}}]}
            </script></head><body><main><p>Text of the story.</p></main></body></html>"#,
        );
        assert_eq!(a.title, "LD headline");
        assert_eq!(a.published.unwrap().to_iso(), "2025-08-29");
        assert_eq!(a.author.as_deref(), Some("A, B"));
        assert_eq!(a.source.as_deref(), Some("LD News"));
        assert_eq!(a.lede, "Text of the story.");

        let b = parse_html(
            r#"<body><h1>Only h1</h1><time datetime="2024-01-02">2 Jan</time><p>Words.</p></body>"#,
        );
        assert_eq!(b.title, "Only h1");
        assert_eq!(b.published.unwrap().to_iso(), "2024-01-02");
    }

    #[test]
    fn a_page_without_title_still_yields_its_text() {
        let a = parse_html("<html><body><div><p>Just some words here.</p></div></body></html>");
        assert_eq!(a.title, "");
        assert_eq!(a.lede, "Just some words here.");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let page = format!(
            "{}<p>deep</p>{}",
            "<div>".repeat(10_000),
            "</div>".repeat(10_000)
        );
        let a = parse_html(&page);
        assert!(a.lede.contains("deep"));
    }
}
