//! The query language as users type it, parsed by hand into a small tree.
//!
//! tantivy's `QueryParser` maps each `field:` to one index field, but warta's `title:` means the
//! title in every language (several index fields) and its words must be analysed once per
//! language; so the syntax is parsed here and `build` turns the tree into tantivy queries.
//! The parser is lenient, as a search box should be: an unclosed quote or parenthesis closes at
//! the end, a stray `)` is ignored, and `word:` with an unknown field is plain text.

use crate::common::date::period;

/// A user-visible field a query can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldSel {
    /// The headline.
    Title,
    /// Lede and body.
    Body,
    /// The publisher.
    Source,
    /// The language code.
    Lang,
    /// A tag.
    Tags,
}

impl FieldSel {
    fn from_name(name: &str) -> Option<FieldSel> {
        match name.to_ascii_lowercase().as_str() {
            "title" | "judul" => Some(FieldSel::Title),
            "body" | "text" | "isi" => Some(FieldSel::Body),
            "source" | "site" | "sumber" => Some(FieldSel::Source),
            "lang" | "language" | "bahasa" => Some(FieldSel::Lang),
            "tag" | "tags" => Some(FieldSel::Tags),
            _ => None,
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// One word (which analysis may still split, e.g. `Go-Jek`).
    Word {
        /// As typed.
        text: String,
        /// Restricted to a field, or anywhere.
        field: Option<FieldSel>,
    },
    /// A quoted phrase, words within `slop` positions of each other.
    Phrase {
        /// The text between the quotes.
        text: String,
        /// Allowed distance (`"a b"~2`).
        slop: u32,
        /// Restricted to a field, or anywhere.
        field: Option<FieldSel>,
    },
    /// Clauses that each may (or with `Must`, must) match; the default between words.
    Any(Vec<Node>),
    /// Clauses that all must match (`AND`).
    All(Vec<Node>),
    /// A clause that must match (`+word`).
    Must(Box<Node>),
    /// A clause that must not match (`-word`, `NOT word`).
    Not(Box<Node>),
    /// Words that begin with `text` (`kemitra*`).
    Prefix {
        /// The beginning, without the `*`.
        text: String,
        /// Restricted to a field, or anywhere.
        field: Option<FieldSel>,
    },
    /// Published in `[from, to)`, Unix seconds (`published:2024`, `published:[a TO b]`).
    Published {
        /// Start, inclusive; open when `None`.
        from: Option<i64>,
        /// End, exclusive; open when `None`.
        to: Option<i64>,
    },
    /// Syntax that cannot mean anything (a `published:` that is not a date), refused when
    /// the query is built.
    Invalid {
        /// What is wrong.
        message: String,
        /// Character position.
        pos: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Phrase(String, u32),
    Field(FieldSel),
    Published(Option<i64>, Option<i64>),
    Invalid(String),
    Open,
    Close,
    Plus,
    Minus,
    And,
    Or,
    Not,
}

/// Parentheses nested deeper than this are ignored (they only group what is grouped already).
const MAX_DEPTH: usize = 32;

/// Splits a query into tokens, each with its character position.
fn lex(query: &str) -> Vec<(Tok, usize)> {
    let mut out = Vec::new();
    let (mut depth, mut dropped) = (0usize, 0usize);
    for (tok, pos) in lex_flat(query) {
        match tok {
            Tok::Open if depth >= MAX_DEPTH => dropped += 1,
            Tok::Open => {
                depth += 1;
                out.push((tok, pos));
            }
            Tok::Close if dropped > 0 => dropped -= 1,
            Tok::Close => {
                depth = depth.saturating_sub(1);
                out.push((tok, pos));
            }
            _ => out.push((tok, pos)),
        }
    }
    out
}

fn lex_flat(query: &str) -> Vec<(Tok, usize)> {
    let chars: Vec<char> = query.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() || c.is_control() {
            i += 1;
        } else if c == '(' {
            out.push((Tok::Open, start));
            i += 1;
        } else if c == ')' {
            out.push((Tok::Close, start));
            i += 1;
        } else if c == '"' || c == '\u{201c}' || c == '\u{201d}' {
            i += 1;
            let begin = i;
            while i < chars.len() && !matches!(chars[i], '"' | '\u{201c}' | '\u{201d}') {
                i += 1;
            }
            let text: String = chars[begin..i].iter().collect();
            i = (i + 1).min(chars.len());
            let mut slop = 0;
            if i < chars.len() && chars[i] == '~' {
                let digits_start = i + 1;
                let mut j = digits_start;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                if j > digits_start {
                    slop = chars[digits_start..j]
                        .iter()
                        .collect::<String>()
                        .parse()
                        .unwrap_or(0)
                        .min(100);
                    i = j;
                }
            }
            out.push((Tok::Phrase(text, slop), start));
        } else if (c == '+' || c == '-')
            && chars.get(i + 1).is_some_and(|n| !n.is_whitespace())
            && out_allows_prefix(&chars, i)
        {
            out.push((if c == '+' { Tok::Plus } else { Tok::Minus }, start));
            i += 1;
        } else {
            let begin = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '(' | ')' | '"')
            {
                i += 1;
            }
            let mut word: String = chars[begin..i].iter().collect();
            if let Some((name, rest)) = word.split_once(':') {
                if is_date_field(name) {
                    // A range runs to its closing bracket, spaces and all.
                    if rest.starts_with(['[', '{']) && !rest.contains([']', '}']) {
                        while i < chars.len() && !matches!(chars[i], ']' | '}') {
                            i += 1;
                        }
                        i = (i + 1).min(chars.len());
                        word = chars[begin..i].iter().collect();
                    }
                    let spec = &word[word.find(':').map_or(0, |p| p + 1)..];
                    let tok = match date_range(spec) {
                        Ok((from, to)) => Tok::Published(from, to),
                        Err(message) => Tok::Invalid(message),
                    };
                    out.push((tok, start));
                    continue;
                }
            }
            if let Some((name, rest)) = word.split_once(':') {
                if let Some(field) = FieldSel::from_name(name) {
                    out.push((Tok::Field(field), start));
                    if !rest.is_empty() {
                        out.push((
                            Tok::Word(rest.to_string()),
                            start + name.chars().count() + 1,
                        ));
                    }
                    continue;
                }
            }
            let tok = match word.as_str() {
                "AND" | "&&" => Tok::And,
                "OR" | "||" => Tok::Or,
                "NOT" => Tok::Not,
                _ => Tok::Word(word),
            };
            out.push((tok, start));
        }
    }
    out
}

fn is_date_field(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "published" | "date" | "tanggal"
    )
}

/// The span `[from, to)` in Unix seconds that a `published:` value names: a year (`2024`), a
/// month (`2024-05`), a day in any shape warta reads, a range `[a TO b]` (`*` for open; `{}`
/// for exclusive ends), or a comparison (`>=2024-05-01`, `<2025`).
pub fn date_range(spec: &str) -> Result<(Option<i64>, Option<i64>), String> {
    let spec = spec.trim();
    let bad = || {
        match crate::common::date::ambiguous(spec.trim_start_matches(['>', '<', '='])) {
        Some((day_first, _)) => format!(
            "`{spec}` is ambiguous (day or month first?): write dates as year-month-day, e.g. {day_first}"
        ),
        None => format!("`{spec}` is not a date or range (e.g. 2024, 2024-05, 2024-05-01, [2024-01-01 TO 2024-06-30], >=2024-05-01)"),
    }
    };
    if let Some(inner) = spec.strip_prefix(['[', '{']) {
        let from_inclusive = spec.starts_with('[');
        let to_inclusive = !inner.ends_with('}');
        let inner = inner.trim_end_matches([']', '}']);
        let (a, b) = inner
            .split_once(" TO ")
            .or_else(|| inner.split_once(" to "))
            .ok_or_else(bad)?;
        let end = |text: &str, start: bool, inclusive: bool| -> Result<Option<i64>, String> {
            let text = text.trim();
            if text == "*" || text.is_empty() {
                return Ok(None);
            }
            let (s, e) = period(text).ok_or_else(bad)?;
            Ok(Some(if start == inclusive { s } else { e }))
        };
        return Ok((end(a, true, from_inclusive)?, end(b, false, to_inclusive)?));
    }
    for (op, from_start, is_from) in [
        (">=", true, true),
        (">", false, true),
        ("<=", false, false),
        ("<", true, false),
    ] {
        if let Some(text) = spec.strip_prefix(op) {
            let (s, e) = period(text.trim()).ok_or_else(bad)?;
            let at = if from_start { s } else { e };
            return Ok(if is_from {
                (Some(at), None)
            } else {
                (None, Some(at))
            });
        }
    }
    let (s, e) = period(spec).ok_or_else(bad)?;
    Ok((Some(s), Some(e)))
}

/// A `+`/`-` is an operator only at the start of a word, not inside one (`Go-Jek`).
fn out_allows_prefix(chars: &[char], i: usize) -> bool {
    i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '('
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(t, _)| t)
    }

    fn bump(&mut self) -> Option<Tok> {
        let tok = self.toks.get(self.at).map(|(t, _)| t.clone());
        self.at += 1;
        tok
    }

    /// Clauses up to the end (or a `)` when nested).
    fn sequence(&mut self, nested: bool, field: Option<FieldSel>) -> Node {
        let mut clauses = Vec::new();
        while let Some(tok) = self.peek() {
            if *tok == Tok::Close {
                if nested {
                    break;
                }
                self.at += 1; // a stray `)` at top level
                continue;
            }
            if let Some(node) = self.disjunction(field) {
                clauses.push(node);
            }
        }
        Node::Any(clauses)
    }

    fn disjunction(&mut self, field: Option<FieldSel>) -> Option<Node> {
        let first = self.conjunction(field)?;
        let mut any = vec![first];
        while self.peek() == Some(&Tok::Or) {
            self.at += 1;
            if let Some(node) = self.conjunction(field) {
                any.push(node);
            }
        }
        Some(if any.len() == 1 {
            any.pop()?
        } else {
            Node::Any(any)
        })
    }

    fn conjunction(&mut self, field: Option<FieldSel>) -> Option<Node> {
        let first = self.unary(field);
        let mut all: Vec<Node> = first.into_iter().collect();
        while self.peek() == Some(&Tok::And) {
            self.at += 1;
            if let Some(node) = self.unary(field) {
                all.push(node);
            }
        }
        match all.len() {
            0 => None,
            1 => all.pop(),
            _ => Some(Node::All(all)),
        }
    }

    fn unary(&mut self, field: Option<FieldSel>) -> Option<Node> {
        // Iterative, so `NOT NOT NOT …` cannot exhaust the stack; the innermost sign wins.
        let mut sign = None;
        while let Some(tok @ (Tok::Plus | Tok::Minus | Tok::Not)) = self.peek() {
            sign = Some(*tok == Tok::Plus);
            self.at += 1;
        }
        let node = self.primary(field)?;
        Some(match sign {
            Some(true) => Node::Must(Box::new(node)),
            Some(false) => Node::Not(Box::new(node)),
            None => node,
        })
    }

    fn primary(&mut self, field: Option<FieldSel>) -> Option<Node> {
        match self.bump()? {
            Tok::Open => {
                let inner = self.sequence(true, field);
                if self.peek() == Some(&Tok::Close) {
                    self.at += 1;
                }
                Some(inner)
            }
            Tok::Field(f) => match self.peek() {
                Some(Tok::Word(_) | Tok::Phrase(..) | Tok::Open) => self.primary(Some(f)),
                _ => None,
            },
            Tok::Word(text) => Some(match text.strip_suffix('*') {
                // A prefix needs two letters at least, or it would expand to half the index.
                Some(prefix) if prefix.chars().filter(|c| c.is_alphanumeric()).count() >= 2 => {
                    Node::Prefix {
                        text: prefix.to_string(),
                        field,
                    }
                }
                _ => Node::Word { text, field },
            }),
            Tok::Published(from, to) => Some(Node::Published { from, to }),
            Tok::Invalid(message) => Some(Node::Invalid {
                message,
                pos: self.toks.get(self.at - 1).map_or(0, |(_, p)| *p),
            }),
            Tok::Phrase(text, slop) => Some(Node::Phrase { text, slop, field }),
            // An operator where a word should be is a word ("AND" alone, "- 2").
            Tok::And => Some(Node::Word {
                text: "and".into(),
                field,
            }),
            Tok::Or => Some(Node::Word {
                text: "or".into(),
                field,
            }),
            Tok::Close | Tok::Plus | Tok::Minus | Tok::Not => None,
        }
    }
}

/// Parses a query. Never fails: whatever cannot be read as syntax is read as words.
pub fn parse(query: &str) -> Node {
    let mut parser = Parser {
        toks: lex(query),
        at: 0,
    };
    parser.sequence(false, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> Node {
        Node::Word {
            text: text.into(),
            field: None,
        }
    }

    #[test]
    fn words_are_any() {
        assert_eq!(parse("scale ai"), Node::Any(vec![w("scale"), w("ai")]));
    }

    #[test]
    fn operators() {
        assert_eq!(
            parse("+meta -google a AND b OR c"),
            Node::Any(vec![
                Node::Must(Box::new(w("meta"))),
                Node::Not(Box::new(w("google"))),
                Node::Any(vec![Node::All(vec![w("a"), w("b")]), w("c")]),
            ])
        );
        assert_eq!(parse("NOT x"), Node::Any(vec![Node::Not(Box::new(w("x")))]));
    }

    #[test]
    fn phrases_fields_and_groups() {
        assert_eq!(
            parse("title:(a b) \"meta scale\"~2 source:dailysocial.id"),
            Node::Any(vec![
                Node::Any(vec![
                    Node::Word {
                        text: "a".into(),
                        field: Some(FieldSel::Title)
                    },
                    Node::Word {
                        text: "b".into(),
                        field: Some(FieldSel::Title)
                    },
                ]),
                Node::Phrase {
                    text: "meta scale".into(),
                    slop: 2,
                    field: None
                },
                Node::Word {
                    text: "dailysocial.id".into(),
                    field: Some(FieldSel::Source)
                },
            ])
        );
    }

    #[test]
    fn lenient() {
        assert_eq!(
            parse("\"open"),
            Node::Any(vec![Node::Phrase {
                text: "open".into(),
                slop: 0,
                field: None
            }])
        );
        assert_eq!(parse("(a"), Node::Any(vec![Node::Any(vec![w("a")])]));
        assert_eq!(parse("a)"), Node::Any(vec![w("a")]));
        assert_eq!(parse("re:invent"), Node::Any(vec![w("re:invent")]));
        assert_eq!(parse("Go-Jek"), Node::Any(vec![w("Go-Jek")]));
        assert_eq!(parse(""), Node::Any(vec![]));
        assert_eq!(
            parse("NOT -x"),
            Node::Any(vec![Node::Not(Box::new(w("x")))])
        );
        let deep = "(".repeat(1000) + "x" + &")".repeat(1000);
        assert!(matches!(parse(&deep), Node::Any(_)));
    }
}
