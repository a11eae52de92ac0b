//! The article fields an input field can fill (`--field TARGET=name`), and the input names
//! recognised for each, case-insensitively and ignoring `_`, `-`, `.` and spaces.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An article field that an input field can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The headline.
    Title,
    /// The opening summary.
    Lede,
    /// The article text.
    Body,
    /// The canonical URL.
    Url,
    /// Publisher or site.
    Source,
    /// Byline.
    Author,
    /// Publication date.
    Date,
    /// Tags or categories.
    Tags,
    /// Language code.
    Lang,
}

/// Recognised input names per target, normalised (lower case, no `_`, `-` or spaces), most
/// specific first. `description` is the text only when there is no better one (AG News); with a
/// body beside it (RSS, NewsAPI) it is the lede.
const NAMES: &[(Target, &[&str])] = &[
    (Target::Title, &["title", "headline", "heading", "subject"]),
    (
        Target::Body,
        &[
            "body",
            "text",
            "content",
            "article",
            "articlebody",
            "articletext",
            "fulltext",
            "story",
            "paragraphs",
            "description",
        ],
    ),
    (
        Target::Lede,
        &[
            "lede",
            "lead",
            "dek",
            "standfirst",
            "subtitle",
            "subheadline",
            "description",
        ],
    ),
    (
        Target::Url,
        &[
            "url",
            "link",
            "sourceurl",
            "permalink",
            "canonicalurl",
            "articleurl",
            "href",
            "uri",
        ],
    ),
    (
        Target::Date,
        &[
            "date",
            "published",
            "pubdate",
            "publishdate",
            "publishedat",
            "publishedtime",
            "publicationdate",
            "datepublished",
            "datetime",
            "timestamp",
            "time",
            "createdat",
        ],
    ),
    (
        Target::Source,
        &[
            "source",
            "site",
            "sitename",
            "publisher",
            "sourcename",
            "outlet",
            "feed",
        ],
    ),
    (
        Target::Author,
        &["author", "byline", "authors", "by", "creator", "writer"],
    ),
    (
        Target::Tags,
        &[
            "tags",
            "tag",
            "category",
            "categories",
            "topics",
            "topic",
            "keywords",
            "section",
            "labels",
        ],
    ),
    (Target::Lang, &["lang", "language", "locale"]),
];

impl Target {
    /// Every target, in the order they are read.
    pub const ALL: [Target; 9] = [
        Target::Title,
        Target::Body,
        Target::Lede,
        Target::Url,
        Target::Date,
        Target::Source,
        Target::Author,
        Target::Tags,
        Target::Lang,
    ];

    /// The target an input field name is a common variant of.
    pub fn recognise(name: &str) -> Option<Target> {
        let name = normalise(name);
        NAMES
            .iter()
            .find(|(_, names)| names.contains(&name.as_str()))
            .map(|&(t, _)| t)
    }

    pub(super) fn names(self) -> &'static [&'static str] {
        NAMES
            .iter()
            .find(|(t, _)| *t == self)
            .map_or(&[], |(_, names)| names)
    }
}

impl FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Target, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "title" => Target::Title,
            "lede" => Target::Lede,
            "body" => Target::Body,
            "url" => Target::Url,
            "source" => Target::Source,
            "author" => Target::Author,
            "date" | "published" => Target::Date,
            "tags" => Target::Tags,
            "lang" => Target::Lang,
            _ => {
                return Err(format!(
                    "unknown article field `{s}` (title, lede, body, url, source, author, date, tags, lang)"
                ))
            }
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Target::Title => "title",
            Target::Lede => "lede",
            Target::Body => "body",
            Target::Url => "url",
            Target::Source => "source",
            Target::Author => "author",
            Target::Date => "date",
            Target::Tags => "tags",
            Target::Lang => "lang",
        };
        f.write_str(name)
    }
}

pub(super) fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}
