//! BM25 statistics over the live documents only, so that an index kept up to date scores
//! exactly like the same files indexed from scratch.
//!
//! A changed or deleted file's articles are deleted, not erased: tantivy's own statistics keep
//! counting them (documents, document frequencies, tokens) until a merge purges them, and a
//! merge then estimates the token total of what is left. These count live documents alone, and
//! take document lengths from the field norms, as BM25 does for each document's own length.

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, Term, TERMINATED};

/// Token totals per field of one searcher generation, kept across searches: counting them
/// reads a field norm of every document (O(N) per queried field, a noticeable share of a
/// search's time when it was done anew for each search).
#[derive(Default)]
pub struct TokenTotals {
    /// The searcher generation the totals are of, and the totals by field.
    cached: Mutex<(u64, HashMap<Field, u64>)>,
}

/// BM25 statistics of the live documents a searcher sees.
pub struct LiveStats<'a> {
    searcher: &'a Searcher,
    totals: &'a TokenTotals,
}

impl<'a> LiveStats<'a> {
    /// Statistics for a search with `searcher`, with token totals kept in `totals`.
    pub fn new(searcher: &'a Searcher, totals: &'a TokenTotals) -> Self {
        LiveStats { searcher, totals }
    }
}

/// The number of tokens of `field` in the live documents of `searcher`: the sum of their
/// lengths as the field norms record them.
fn count_tokens(searcher: &Searcher, field: Field) -> tantivy::Result<u64> {
    // Each field norm code's length, summed over the live documents, read from the field norm
    // file itself (a byte per document) rather than a document at a time. A table lookup per
    // document, not a histogram: counting into 256 counters stalls on repeated codes.
    let lengths: [u64; 256] =
        std::array::from_fn(|id| u64::from(FieldNormReader::id_to_fieldnorm(id as u8)));
    let mut total = 0u64;
    for segment in searcher.segment_readers() {
        let composite = segment.fieldnorms_readers().get_inner_file();
        let Some(file) = composite.open_read(field) else {
            continue;
        };
        let bytes = file.read_bytes()?;
        let norms = bytes.as_slice();
        total += match segment.alive_bitset() {
            Some(alive) => alive
                .iter_alive()
                .map(|doc| lengths[usize::from(norms[doc as usize])])
                .sum::<u64>(),
            None => norms.iter().map(|&id| lengths[usize::from(id)]).sum(),
        };
    }
    Ok(total)
}

impl Bm25StatisticsProvider for LiveStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let generation = self.searcher.generation().generation_id();
        let mut cached = self.totals.cached.lock().unwrap_or_else(|e| e.into_inner());
        if cached.0 != generation {
            *cached = (generation, HashMap::new());
        }
        if let Some(&total) = cached.1.get(&field) {
            return Ok(total);
        }
        let total = count_tokens(self.searcher, field)?;
        cached.1.insert(field, total);
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut total = 0;
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(term.field())?;
            let Some(alive) = segment.alive_bitset() else {
                total += u64::from(inverted.doc_freq(term)?);
                continue;
            };
            if let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? {
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    total += u64::from(alive.is_alive(doc));
                    doc = postings.advance();
                }
            }
        }
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::QueryParser;
    use tantivy::schema::{Schema, Value, STORED, STRING, TEXT};
    use tantivy::{doc, Index, IndexWriter, TantivyDocument};

    use super::*;

    /// The scores of `query`, by id, over an index that received `batches`, one commit each:
    /// `(id, Some(text))` adds or replaces a document, `(id, None)` removes it.
    fn scores(batches: &[&[(&str, Option<&str>)]], query: &str) -> Vec<(String, f32)> {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING | STORED);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for batch in batches {
            for (key, text) in *batch {
                writer.delete_term(Term::from_field_text(id, key));
                if let Some(text) = text {
                    writer
                        .add_document(doc!(id => *key, body => *text))
                        .unwrap();
                }
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        let query = QueryParser::for_index(&index, vec![body])
            .parse_query(query)
            .unwrap();
        let totals = TokenTotals::default();
        let stats = LiveStats::new(&searcher, &totals);
        let top = TopDocs::with_limit(10).order_by_score();
        let hits = searcher
            .search_with_statistics_provider(&query, &top, &stats)
            .unwrap();
        let mut scored: Vec<(String, f32)> = hits
            .into_iter()
            .map(|(score, addr)| {
                let doc: TantivyDocument = searcher.doc(addr).unwrap();
                let key = doc.get_first(id).and_then(|v| v.as_str()).unwrap();
                (key.to_string(), score)
            })
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0));
        scored
    }

    #[test]
    fn replaced_and_removed_documents_do_not_count() {
        let (a, b) = (
            "chip factory opens in batam",
            "chip shortage hits phone makers",
        );
        let c = "chip designers meet in bandung to talk about the factory of the future";
        let d = "satellite internet reaches remote islands";
        let fresh = scores(
            &[&[
                ("a", Some(a)),
                ("b", Some(b)),
                ("c", Some(c)),
                ("d", Some(d)),
            ]],
            "chip factory",
        );
        // The first segment keeps `c` alive beside the deleted `a`, `b` and `x`.
        let kept = scores(
            &[
                &[
                    ("a", Some("chip chip chip factory factory")),
                    ("b", Some("chip")),
                    ("c", Some(c)),
                    ("x", Some("chip factory chip factory news, removed later")),
                ],
                &[("x", None), ("d", Some(d))],
                &[("a", Some(a)), ("b", Some(b))],
            ],
            "chip factory",
        );
        assert_eq!(fresh.len(), 3);
        assert_eq!(kept, fresh);
    }
}
