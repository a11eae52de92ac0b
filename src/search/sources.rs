//! Source names as their articles write them. Sources are counted and filtered by a lower-case
//! key (`kabartekno`), so that one source written two ways is still one source; counts show
//! the name as written (`KabarTekno`) instead.
//!
//! Which spelling wins when a source is written several ways: the most frequent among the
//! [`SPELLING_SAMPLE`] articles of that source with the smallest ids, ties going to the
//! spelling of the smallest id. Ids are hashes of the files' paths, so the choice does not
//! depend on the order files were indexed in, and it reads a few stored articles per source,
//! never all of them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use tantivy::schema::{IndexRecordOption, Value as _};
use tantivy::{DocAddress, DocSet, Searcher, TantivyDocument, Term, TERMINATED};

use super::engine::Engine;
use crate::error::Result;

/// How many articles of one source are read to choose its spelling.
pub const SPELLING_SAMPLE: usize = 16;

/// Spellings chosen so far, by key, for one searcher generation: choosing reads stored
/// articles, so it is done once per source while the index does not change.
#[derive(Default)]
pub(super) struct SourceNames {
    cached: Mutex<(u64, HashMap<String, String>)>,
}

impl Engine {
    /// `counts` by source key, keyed by each source's name as written instead.
    pub(super) fn as_written(
        &self,
        searcher: &Searcher,
        counts: BTreeMap<String, u64>,
    ) -> Result<BTreeMap<String, u64>> {
        let generation = searcher.generation().generation_id();
        let names = &self.inner.source_names.cached;
        let known: HashMap<String, String> = {
            let cached = names.lock().unwrap_or_else(|e| e.into_inner());
            let keys = counts.keys();
            let known = keys.filter_map(|k| Some((k.clone(), cached.1.get(k)?.clone())));
            if cached.0 == generation {
                known.collect()
            } else {
                HashMap::new()
            }
        };
        let mut chosen = Vec::new();
        let mut out = BTreeMap::new();
        for (key, n) in counts {
            let name = match known.get(&key) {
                Some(name) => name.clone(),
                None => {
                    let name = self
                        .spelling(searcher, &key)?
                        .unwrap_or_else(|| key.clone());
                    chosen.push((key, name.clone()));
                    name
                }
            };
            *out.entry(name).or_default() += n;
        }
        if !chosen.is_empty() {
            let mut cached = names.lock().unwrap_or_else(|e| e.into_inner());
            if cached.0 != generation {
                *cached = (generation, HashMap::new());
            }
            cached.1.extend(chosen);
        }
        Ok(out)
    }

    /// The spelling of the source whose key is `key` (see the module's doc), if any live
    /// article has it.
    fn spelling(&self, searcher: &Searcher, key: &str) -> Result<Option<String>> {
        let fields = &self.inner.fields;
        let term = Term::from_field_text(fields.source_key, key);
        let id_key = self.field_name(fields.id_key);
        // The live articles of the source with their id keys, smallest first.
        let mut articles: Vec<(u64, DocAddress)> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(fields.source_key)?;
            let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            let ids = segment.fast_fields().u64(&id_key)?;
            let alive = segment.alive_bitset();
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    let id = ids.first(doc).unwrap_or_default();
                    articles.push((id, DocAddress::new(ord as u32, doc)));
                }
                doc = postings.advance();
            }
        }
        articles.sort_unstable();
        let mut spellings: Vec<(String, usize)> = Vec::new();
        for &(_, addr) in articles.iter().take(SPELLING_SAMPLE) {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let Some(name) = doc.get_first(fields.source).and_then(|v| v.as_str()) else {
                continue;
            };
            let name = name.trim();
            match spellings.iter_mut().find(|(s, _)| s == name) {
                Some((_, n)) => *n += 1,
                None => spellings.push((name.to_string(), 1)),
            }
        }
        // The first spelling met (the smallest id's) wins ties: `max_by_key` keeps the last.
        let best = spellings.into_iter().rev().max_by_key(|&(_, n)| n);
        Ok(best.map(|(name, _)| name))
    }
}
