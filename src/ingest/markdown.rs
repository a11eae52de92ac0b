//! `.md`/`.markdown`: YAML (`---`) or TOML (`+++`) front matter for metadata, read by the same
//! mapping as JSON records; the first `#` heading is the title when the front matter has none.
//! pulldown-cmark parses the CommonMark, so markup, link targets and raw HTML never reach the
//! text.

use pulldown_cmark::{Event, HeadingLevel, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use serde_json::Value;

use super::record::{self, FieldMap};
use super::squash_spaces;
use super::txt::{self, Block};
use crate::article::Article;

/// Reads a Markdown article; the strings are warnings (e.g. front matter that does not parse).
pub(super) fn parse_markdown(text: &str, map: &FieldMap) -> (Article, Vec<String>) {
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    let mut warnings = Vec::new();
    let mut article = Article::default();
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut heading: Option<HeadingLevel> = None;
    let mut metadata: Option<MetadataBlockKind> = None;
    let mut hidden = 0usize; // inside an image: its alt text is not article text
    for event in Parser::new_ext(text, options) {
        match event {
            Event::Start(Tag::MetadataBlock(kind)) => metadata = Some(kind),
            Event::End(TagEnd::MetadataBlock(_)) => metadata = None,
            Event::Text(t) if metadata.is_some() => {
                match front_matter(&t, metadata == Some(MetadataBlockKind::PlusesStyle)) {
                    Ok(Some(fields)) => {
                        let mut seen = record::NamesSeen::default();
                        seen.record(&fields, map);
                        warnings.extend(seen.warnings(map));
                        if let Some(meta) = record::article(&fields, map) {
                            article = meta;
                        }
                    }
                    Ok(None) => {}
                    Err(e) => warnings.push(e),
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                txt::push_block(&mut current, &mut blocks, false);
                heading = Some(level);
            }
            Event::End(TagEnd::Heading(_)) => {
                let text = squash_spaces(&std::mem::take(&mut current));
                let is_title = heading == Some(HeadingLevel::H1)
                    && (article.title.is_empty() || article.title.eq_ignore_ascii_case(&text))
                    && blocks.is_empty();
                if is_title {
                    article.title = text;
                } else if !text.is_empty() {
                    blocks.push(Block {
                        text,
                        heading: true,
                    });
                }
                heading = None;
            }
            Event::Start(Tag::Image { .. }) => hidden += 1,
            Event::End(TagEnd::Image) => hidden = hidden.saturating_sub(1),
            Event::Start(
                Tag::Paragraph
                | Tag::Item
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::TableRow
                | Tag::TableHead
                | Tag::FootnoteDefinition(_),
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::FootnoteDefinition,
            ) => txt::push_block(&mut current, &mut blocks, false),
            Event::Text(t) | Event::Code(t) if hidden == 0 => current.push_str(&t),
            Event::End(TagEnd::TableCell) | Event::SoftBreak | Event::HardBreak => {
                current.push(' ')
            }
            _ => {}
        }
    }
    txt::push_block(&mut current, &mut blocks, false);
    // Front matter that gave a lede (a `description`) keeps it; the Markdown is the body, and
    // text from the front matter only stands in when there is no Markdown.
    let from_front_matter = std::mem::take(&mut article.body);
    if blocks.is_empty() && !from_front_matter.is_empty() {
        blocks.push(Block {
            text: from_front_matter,
            heading: false,
        });
    }
    txt::fill_blocks(&mut article, blocks);
    (article, warnings)
}

/// Front matter as a map of fields; `None` when it is empty.
fn front_matter(text: &str, toml: bool) -> Result<Option<serde_json::Map<String, Value>>, String> {
    let value: Value = if toml {
        let table: toml::Table = toml::from_str(text)
            .map_err(|e| format!("front matter is not valid TOML: {}", e.message()))?;
        toml_to_json(toml::Value::Table(table))
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| format!("front matter is not valid YAML: {e}"))?
    };
    match value {
        Value::Object(fields) => Ok(Some(fields)),
        Value::Null => Ok(None),
        _ => Err("front matter is not a map of fields".into()),
    }
}

/// TOML values as JSON ones; dates become their RFC 3339 text.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter_and_first_heading() {
        let (a, warnings) = parse_markdown(
            "---\ndate: 2025-08-29\nsource: Notes\ntags: [ai, chips]\nurl: https://x.io/n\n---\n\n\
             # Chips *get* faster\n\nThe [lede](https://x.io) is `here`.\n\n## Details\n\n\
             - one item\n- two ![alt words](i.png)\n\n<div>raw html</div>\n",
            &FieldMap::default(),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(a.title, "Chips get faster");
        assert_eq!(a.published.unwrap().to_iso(), "2025-08-29");
        assert_eq!(a.source.as_deref(), Some("Notes"));
        assert_eq!(a.tags, vec!["ai", "chips"]);
        assert_eq!(a.lede, "The lede is here.");
        assert_eq!(a.headings, vec!["Details"]);
        assert_eq!(a.body, "Details\n\none item\n\ntwo");
    }

    #[test]
    fn toml_front_matter_title_wins_over_the_heading() {
        let (a, _) = parse_markdown(
            "+++\ntitle = \"From front matter\"\ndate = 2025-08-29T10:00:00Z\n+++\n\n\
             # Another heading\n\nText.\n",
            &FieldMap::default(),
        );
        assert_eq!(a.title, "From front matter");
        assert_eq!(a.published.unwrap().to_iso(), "2025-08-29T10:00:00Z");
        assert_eq!(a.headings, vec!["Another heading"]);
    }

    #[test]
    fn bad_front_matter_is_a_warning() {
        let (a, warnings) = parse_markdown(
            "---\ntitle: [unclosed\n---\n\n# T\n\nText.\n",
            &FieldMap::default(),
        );
        assert_eq!(a.title, "T");
        assert_eq!(warnings.len(), 1);
    }
}
