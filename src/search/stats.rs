//! Counts over the whole index: documents, languages, sources, the date span, its size on
//! disk; and every article's story, for evaluating near-duplicate detection.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value as _;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::engine::Engine;
use super::facets::{self, Facet};
use crate::article::Published;
use crate::error::Result;

/// Counts over the whole index.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Live articles.
    pub documents: u64,
    /// Articles per language code.
    pub languages: BTreeMap<String, u64>,
    /// Articles per source, by name as written (see [`super::SPELLING_SAMPLE`]).
    pub sources: BTreeMap<String, u64>,
    /// Oldest publication date.
    pub oldest: Option<Published>,
    /// Newest publication date.
    pub newest: Option<Published>,
    /// Bytes the index takes on disk.
    pub index_bytes: u64,
    /// Where the index is.
    pub index_dir: PathBuf,
}

impl Engine {
    /// Every article's path with its story id and SimHash (for evaluating near-duplicate
    /// detection), in no particular order.
    pub fn stories(&self) -> Result<Vec<(String, u64, u64)>> {
        self.intact()?;
        let searcher = self.inner.reader.searcher();
        let mut out = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let fast = segment.fast_fields();
            let stories = fast.u64(&self.field_name(self.inner.fields.story))?;
            let simhashes = fast.u64(&self.field_name(self.inner.fields.simhash))?;
            for doc in segment.doc_ids_alive() {
                let stored: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc))?;
                let path = stored
                    .get_first(self.inner.fields.path)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                let story = stories.first(doc).unwrap_or_default();
                out.push((path, story, simhashes.first(doc).unwrap_or_default()));
            }
        }
        Ok(out)
    }

    /// Counts of every article by one facet.
    pub fn counts_by(&self, facet: Facet) -> Result<BTreeMap<String, u64>> {
        self.intact()?;
        let collector =
            facets::FacetCollector::new(&[facet], &self.inner.fields, &self.inner.index.schema());
        let searcher = self.inner.reader.searcher();
        let mut counts = searcher.search(&tantivy::query::AllQuery, &collector)?;
        let counts = counts.remove(&facet).unwrap_or_default();
        match facet {
            Facet::Source => self.as_written(&searcher, counts),
            _ => Ok(counts),
        }
    }

    /// Counts over the whole index.
    pub fn stats(&self) -> Result<Stats> {
        self.intact()?;
        let searcher = self.inner.reader.searcher();
        let mut stats = Stats {
            index_dir: self.inner.dir.clone(),
            ..Stats::default()
        };
        // Languages and sources are facets of the whole index; the date span is read here.
        let collector = facets::FacetCollector::new(
            &[Facet::Lang, Facet::Source],
            &self.inner.fields,
            &self.inner.index.schema(),
        );
        let mut counts = searcher.search(&tantivy::query::AllQuery, &collector)?;
        stats.languages = counts.remove(&Facet::Lang).unwrap_or_default();
        let sources = counts.remove(&Facet::Source).unwrap_or_default();
        stats.sources = self.as_written(&searcher, sources)?;
        stats.documents = searcher.num_docs();
        let (mut oldest, mut newest): (Option<i64>, Option<i64>) = (None, None);
        for segment in searcher.segment_readers() {
            let dates = segment
                .fast_fields()
                .date(&self.field_name(self.inner.fields.published))?;
            for doc in segment.doc_ids_alive() {
                if let Some(date) = dates.first(doc) {
                    let secs = date.into_timestamp_secs();
                    oldest = Some(oldest.map_or(secs, |o| o.min(secs)));
                    newest = Some(newest.map_or(secs, |n| n.max(secs)));
                }
            }
        }
        stats.oldest = oldest.and_then(|s| self.published_of(&searcher, s));
        stats.newest = newest.and_then(|s| self.published_of(&searcher, s));
        stats.index_bytes = dir_bytes(&self.inner.dir);
        Ok(stats)
    }

    /// The stored publication date of an article published at `secs` (keeps its precision).
    fn published_of(&self, searcher: &Searcher, secs: i64) -> Option<Published> {
        let term = Term::from_field_date_for_search(
            self.inner.fields.published,
            tantivy::DateTime::from_timestamp_secs(secs),
        );
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let found = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .ok()?;
        let doc: TantivyDocument = searcher.doc(found.first()?.1).ok()?;
        self.inner.fields.to_article(&doc).published
    }
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
