//! Facet counts over every match of a query: by source, language or year of publication, read
//! from fast fields (no stored document is loaded).

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::Fields;

/// What matches can be counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Facet {
    /// The source (as stored for filtering: lower case).
    Source,
    /// The language code.
    Lang,
    /// The year of publication (UTC); undated articles are not counted.
    Year,
}

impl Facet {
    /// The facet's name in output.
    pub fn name(self) -> &'static str {
        match self {
            Facet::Source => "source",
            Facet::Lang => "lang",
            Facet::Year => "year",
        }
    }
}

/// Counts per value, for each facet asked for.
pub type FacetCounts = BTreeMap<Facet, BTreeMap<String, u64>>;

/// A collector of facet counts.
pub struct FacetCollector {
    facets: Vec<(Facet, String)>,
}

impl FacetCollector {
    /// Counts `facets`, reading the fast fields of `fields` named as in `schema`.
    pub fn new(facets: &[Facet], fields: &Fields, schema: &tantivy::schema::Schema) -> Self {
        let name = |f| schema.get_field_name(f).to_string();
        let facets = facets
            .iter()
            .map(|&facet| {
                let field = match facet {
                    Facet::Source => fields.source_key,
                    Facet::Lang => fields.lang,
                    Facet::Year => fields.published,
                };
                (facet, name(field))
            })
            .collect();
        FacetCollector { facets }
    }
}

/// One facet's column in one segment, with its counts so far.
enum Counter {
    Terms {
        column: Option<StrColumn>,
        /// Count per term ordinal.
        counts: Vec<u64>,
    },
    Years {
        column: Column<DateTime>,
        counts: BTreeMap<i32, u64>,
    },
}

/// The per-segment part of [`FacetCollector`].
pub struct SegmentFacets {
    counters: Vec<(Facet, Counter)>,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let fast = segment.fast_fields();
        let mut counters = Vec::with_capacity(self.facets.len());
        for (facet, name) in &self.facets {
            let counter = match facet {
                Facet::Year => Counter::Years {
                    column: fast.date(name)?,
                    counts: BTreeMap::new(),
                },
                Facet::Source | Facet::Lang => {
                    let column = fast.str(name)?;
                    let terms = column.as_ref().map_or(0, |c| c.num_terms());
                    Counter::Terms {
                        column,
                        counts: vec![0; terms],
                    }
                }
            };
            counters.push((*facet, counter));
        }
        Ok(SegmentFacets { counters })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut all = FacetCounts::new();
        for fruit in fruits {
            for (facet, counts) in fruit {
                let into = all.entry(facet).or_default();
                for (value, n) in counts {
                    *into.entry(value).or_default() += n;
                }
            }
        }
        for (facet, _) in &self.facets {
            all.entry(*facet).or_default();
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (_, counter) in &mut self.counters {
            match counter {
                Counter::Terms { column, counts } => {
                    if let Some(ord) = column.as_ref().and_then(|c| c.term_ords(doc).next()) {
                        counts[ord as usize] += 1;
                    }
                }
                Counter::Years { column, counts } => {
                    if let Some(date) = column.first(doc) {
                        *counts.entry(year_of(date)).or_default() += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> FacetCounts {
        let mut out = FacetCounts::new();
        for (facet, counter) in self.counters {
            let into = out.entry(facet).or_default();
            match counter {
                Counter::Terms { column, counts } => {
                    let Some(column) = column else { continue };
                    let mut text = String::new();
                    for (ord, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                        text.clear();
                        if column.ord_to_str(ord as u64, &mut text).unwrap_or(false) {
                            *into.entry(text.clone()).or_default() += n;
                        }
                    }
                }
                Counter::Years { counts, .. } => {
                    into.extend(counts.into_iter().map(|(y, n)| (y.to_string(), n)));
                }
            }
        }
        out
    }
}

fn year_of(date: DateTime) -> i32 {
    use chrono::Datelike;
    chrono::DateTime::from_timestamp(date.into_timestamp_secs(), 0).map_or(0, |d| d.year())
}
