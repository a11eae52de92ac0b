//! The pairs of query words whose closeness in an article counts in its rank: two words typed
//! side by side, as the terms of each language's text field. `search::proximity` scores them
//! on the best-ranked hits.

use tantivy::Term;

use super::{Builder, Node};

/// Two words of a query typed side by side, as terms of one language's text field (the last
/// term of the first word and the first of the second: `go-jek online` pairs `jek` and
/// `online`).
#[derive(Debug, Clone, PartialEq)]
pub struct NearPair {
    /// The first word's term.
    pub first: Term,
    /// The second word's term.
    pub second: Term,
    /// The analyzer of the field (its language's).
    pub analyzer: &'static str,
}

/// The most pairs a query's proximity looks at, over all languages: each costs reading two
/// terms' positions for every hit rescored, and a pasted paragraph has hundreds of pairs.
pub const MAX_NEAR_PAIRS: usize = 24;

impl Builder<'_> {
    /// Records the pair of `a` and `b`, two nodes side by side, if both are plain words.
    pub(super) fn near_pair(&mut self, a: &Node, b: &Node) {
        let (Some(a), Some(b)) = (plain_word(a), plain_word(b)) else {
            return;
        };
        for lang in self.langs {
            if self.near.len() >= MAX_NEAR_PAIRS {
                return;
            }
            let first = self.analyse(lang.analyzer, a).pop();
            let second = self.analyse(lang.analyzer, b).into_iter().next();
            if let (Some(first), Some(second)) = (first, second) {
                if first != second {
                    self.near.push(NearPair {
                        first: Term::from_field_text(lang.text, &first),
                        second: Term::from_field_text(lang.text, &second),
                        analyzer: lang.analyzer,
                    });
                }
            }
        }
    }
}

/// The text of a plain word (no field, not excluded; `+word` counts).
fn plain_word(node: &Node) -> Option<&str> {
    match node {
        Node::Word { text, field: None } => Some(text),
        Node::Must(inner) => plain_word(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::query::{build, Filters};
    use crate::schema::build_schema;

    fn near(query: &str) -> Vec<(String, String)> {
        let (_, fields) = build_schema();
        let built = build(query, &fields, &Filters::default()).unwrap();
        let text = |t: &tantivy::Term| t.value().as_str().unwrap_or_default().to_string();
        built
            .near
            .iter()
            .map(|p| (text(&p.first), text(&p.second)))
            .collect()
    }

    #[test]
    fn words_side_by_side_pair_in_every_language() {
        let pairs = near("pembayaran digital");
        // Each language's stems: Indonesian `bayar` (and Snowball's `gital`), English
        // `digit`, and the words as written in the fields of other languages.
        for pair in [
            ("bayar", "gital"),
            ("pembayaran", "digit"),
            ("pembayaran", "digital"),
        ] {
            assert!(pairs.contains(&(pair.0.into(), pair.1.into())), "{pairs:?}");
        }
    }

    #[test]
    fn only_plain_words_pair() {
        assert!(near("paylater").is_empty());
        assert!(near("\"mobile phone\"").is_empty());
        assert!(near("mobile -phone").is_empty());
        assert!(near("title:mobile phone").is_empty());
        assert!(near("phone phone").is_empty(), "one term is no pair");
        assert!(!near("+mobile +phone").is_empty());
    }

    #[test]
    fn a_pasted_paragraph_pairs_a_bounded_number() {
        let text = (0..200)
            .map(|i| format!("w{i}x"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(near(&text).len(), super::MAX_NEAR_PAIRS);
    }
}
