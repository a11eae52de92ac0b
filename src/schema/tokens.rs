//! Each text of an article analysed once for the index. An article's title, lede and body are
//! each split into words, lower-cased, folded and stemmed once ([`Analyser`]), into one string
//! that holds every position's word and, where it differs, its stem. That string is the value
//! tantivy indexes in the stemmed fields (`title_<lang>`, and `text_<lang>` with the title
//! four times) and in the exact field (`text_exact`), whose tokenizers only read it back:
//! [`STEMS`] gives the stems, [`WORDS`] the words. tantivy's own analysis would run once per
//! field and per value, the title nine times, the lede and body twice.
//!
//! The string: each position's entry followed by [`NEXT`]; an entry is the word, or the word,
//! [`STEM`] and its stem; an empty entry is a position whose word is not indexed (one longer
//! than the analyzer keeps), so the positions, and phrase matches over them, are those of the
//! analyzer. Words are letters and digits (folded to ASCII letters, digits and a few signs),
//! so neither separator is ever part of one.

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager};

use super::analysis;
use super::stems::Stems;

/// Tokenizer of the stemmed fields: the stems of text written by an [`Analyser`].
pub const STEMS: &str = "warta_stems";
/// Tokenizer of the exact field: the words (lower case, folded, unstemmed) of text written by
/// an [`Analyser`].
pub const WORDS: &str = "warta_words";

/// Ends each position's entry.
const NEXT: char = '\u{1f}';
/// Parts a word from its stem within an entry.
const STEM: char = '\u{1e}';

/// Registers [`STEMS`] and [`WORDS`] with an index's tokenizer manager.
pub fn register(manager: &TokenizerManager) {
    manager.register(STEMS, TextAnalyzer::from(Replay { stems: true }));
    manager.register(WORDS, TextAnalyzer::from(Replay { stems: false }));
}

/// Analyses texts of one language for the index (see the module's documentation).
pub struct Analyser {
    /// The analyzer's chain before its stemmer.
    plain: TextAnalyzer,
    stems: Option<Stems>,
    stem: String,
}

impl Analyser {
    /// An analyser for the analyzer called `name` (one of `analysis::EN`, `ID`, `PLAIN`).
    pub fn new(name: &str) -> Analyser {
        Analyser {
            plain: analysis::analyzer(analysis::PLAIN),
            stems: Stems::for_analyzer(name),
            stem: String::new(),
        }
    }

    /// `text` analysed: the value of the indexed fields.
    pub fn analyse(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 4);
        let mut stream = self.plain.token_stream(text);
        let mut next = 0;
        while stream.advance() {
            let token = stream.token();
            let word = token.text.as_str();
            if word.is_empty() || word.contains([NEXT, STEM]) {
                continue;
            }
            for _ in next..token.position {
                out.push(NEXT);
            }
            next = token.position + 1;
            out.push_str(word);
            if let Some(stems) = &self.stems {
                if stems.stem_into(word, &mut self.stem) {
                    out.push(STEM);
                    out.push_str(&self.stem);
                }
            }
            out.push(NEXT);
        }
        out.shrink_to_fit();
        out
    }
}

/// The tokenizer of [`STEMS`] (`stems`) or [`WORDS`].
#[derive(Clone, Copy)]
struct Replay {
    stems: bool,
}

impl Tokenizer for Replay {
    type TokenStream<'a> = ReplayStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ReplayStream<'a> {
        ReplayStream {
            rest: text,
            stems: self.stems,
            position: 0,
            token: Token::default(),
        }
    }
}

/// Token stream of a [`Replay`]. No field records offsets, so the tokens have none.
struct ReplayStream<'a> {
    /// What is left of the text, from an entry's start.
    rest: &'a str,
    stems: bool,
    /// The position of the next entry.
    position: usize,
    token: Token,
}

impl TokenStream for ReplayStream<'_> {
    fn advance(&mut self) -> bool {
        // Byte scans for the separators (ASCII, so never inside a character, and the text is
        // cut at them without decoding it): cheaper than `str::split`'s searcher on entries of
        // a few bytes.
        let find = |text: &str, byte: char| text.bytes().position(|b| b == byte as u8);
        while !self.rest.is_empty() {
            let position = self.position;
            self.position += 1;
            let end = find(self.rest, NEXT).unwrap_or(self.rest.len());
            let entry = &self.rest[..end];
            self.rest = self.rest.get(end + 1..).unwrap_or_default();
            if entry.is_empty() {
                continue;
            }
            let (word, stemmed) = match find(entry, STEM) {
                Some(at) => (&entry[..at], &entry[at + 1..]),
                None => (entry, entry),
            };
            self.token.text.clear();
            self.token
                .text
                .push_str(if self.stems { stemmed } else { word });
            self.token.position = position;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::analysis::{analyzer, tokens, EN, ID, PLAIN};

    /// `(position, term)` of each token of `text` under `analyzer`.
    fn direct(name: &str, text: &str) -> Vec<(usize, String)> {
        tokens(&mut analyzer(name), text)
            .into_iter()
            .map(|t| (t.position, t.text))
            .collect()
    }

    fn replayed(name: &str, text: &str, stems: bool) -> Vec<(usize, String)> {
        let encoded = Analyser::new(name).analyse(text);
        let mut replay = TextAnalyzer::from(Replay { stems });
        tokens(&mut replay, &encoded)
            .into_iter()
            .map(|t| (t.position, t.text))
            .collect()
    }

    #[test]
    fn replayed_tokens_are_the_analyzers_own() {
        let long = "x".repeat(61);
        let texts = [
            "Investing in Café Déjà-Vu: the investments invest",
            "Perusahaan itu menginvestasikan dana untuk kemitraan dan bergabung",
            &format!("{long} first, a {long} b {long}"),
            "",
            "!!! ???",
            "½ ⑴ ﬁne straße İstanbul ΣΊΣΥΦΟΣ",
            "a\u{1f}b\u{1e}c \u{1f}\u{1e}",
        ];
        for text in texts {
            for name in [EN, ID, PLAIN] {
                assert_eq!(
                    replayed(name, text, true),
                    direct(name, text),
                    "{name}: {text}"
                );
                assert_eq!(
                    replayed(name, text, false),
                    direct(PLAIN, text),
                    "{name}: {text}"
                );
            }
        }
    }

    #[test]
    fn a_word_is_stored_with_its_stem_only_where_they_differ() {
        let encoded = Analyser::new(EN).analyse("Investing data");
        assert_eq!(encoded, "investing\u{1e}invest\u{1f}data\u{1f}");
    }

    /// An index built from replayed text and one built by the analyzers themselves hold the
    /// same terms at the same positions, with the same field lengths.
    #[test]
    fn an_index_of_replayed_text_equals_one_of_analysed_text() {
        use tantivy::postings::Postings;
        use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
        use tantivy::{doc, DocSet, Index, IndexWriter, TantivyDocument};

        let texts = [
            "Investing in data centres",
            "The investment, said the investors, invests in invested data.",
            "Startup itu menginvestasikan dana; investasi kemitraan",
        ];
        let build = |tokenizer: &str, values: &dyn Fn(&str) -> String| {
            let mut b = Schema::builder();
            let options = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            let field = b.add_text_field("text", options);
            let index = Index::create_in_ram(b.build());
            analysis::register(index.tokenizers());
            let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
            let mut document = TantivyDocument::default();
            for text in texts {
                document.add_text(field, values(text));
                document.add_text(field, values(text));
            }
            writer.add_document(document).unwrap();
            writer
                .add_document(doc!(field => values(texts[1])))
                .unwrap();
            writer.commit().unwrap();
            let searcher = index.reader().unwrap().searcher();
            let segment = &searcher.segment_readers()[0];
            let inverted = segment.inverted_index(field).unwrap();
            let mut terms = Vec::new();
            let mut stream = inverted.terms().stream().unwrap();
            while stream.advance() {
                let info = stream.value().clone();
                let mut postings = inverted
                    .read_postings_from_terminfo(&info, IndexRecordOption::WithFreqsAndPositions)
                    .unwrap();
                let mut positions = Vec::new();
                while postings.doc() != tantivy::TERMINATED {
                    let mut at = Vec::new();
                    postings.positions(&mut at);
                    positions.push((postings.doc(), at));
                    postings.advance();
                }
                terms.push((String::from_utf8(stream.key().to_vec()).unwrap(), positions));
            }
            let norms = segment.get_fieldnorms_reader(field).unwrap();
            (terms, [norms.fieldnorm(0), norms.fieldnorm(1)])
        };
        for name in [EN, ID] {
            let replayed = build(STEMS, &|text| Analyser::new(name).analyse(text));
            assert_eq!(replayed, build(name, &|text| text.to_string()), "{name}");
            let exact = build(WORDS, &|text| Analyser::new(name).analyse(text));
            assert_eq!(exact, build(PLAIN, &|text| text.to_string()), "{name}");
        }
    }
}
