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
#[derive(Clone)]
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
        /// Count per year of `years`.
        counts: Vec<u64>,
        /// The years met so far, in order, so that a document's year is found by a binary
        /// search instead of a calendar conversion per document.
        years: Vec<YearSpan>,
    },
}

/// How many matches are buffered before their values are read: columns read a block of
/// documents at once much faster than one at a time (tantivy's aggregations do the same).
const BLOCK: usize = 256;

/// The per-segment part of [`FacetCollector`].
pub struct SegmentFacets {
    counters: Vec<(Facet, Counter)>,
    /// Matches not counted yet.
    docs: Vec<DocId>,
    /// Scratch space for one block's ordinals and dates.
    ords: Vec<Option<u64>>,
    dates: Vec<Option<DateTime>>,
}

impl SegmentFacets {
    /// Counts the buffered matches.
    fn flush(&mut self) {
        let docs = &self.docs[..];
        for (_, counter) in &mut self.counters {
            match counter {
                Counter::Terms { column, counts } => {
                    let Some(column) = column else { continue };
                    let ords = &mut self.ords[..docs.len()];
                    ords.fill(None);
                    column.ords().first_vals(docs, ords);
                    for &ord in ords.iter().flatten() {
                        counts[ord as usize] += 1;
                    }
                }
                Counter::Years {
                    column,
                    counts,
                    years,
                } => {
                    let dates = &mut self.dates[..docs.len()];
                    dates.fill(None);
                    column.first_vals(docs, dates);
                    for date in dates.iter().flatten() {
                        let secs = date.into_timestamp_secs();
                        let at = years.partition_point(|span| span.end <= secs);
                        if years.get(at).is_none_or(|span| !span.contains(secs)) {
                            years.insert(at, YearSpan::of(secs));
                            counts.insert(at, 0);
                        }
                        counts[at] += 1;
                    }
                }
            }
        }
        self.docs.clear();
    }
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
                    counts: Vec::new(),
                    years: Vec::new(),
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
        Ok(SegmentFacets {
            counters,
            docs: Vec::with_capacity(BLOCK),
            ords: vec![None; BLOCK],
            dates: vec![None; BLOCK],
        })
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
        self.docs.push(doc);
        if self.docs.len() == BLOCK {
            self.flush();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for chunk in docs.chunks(BLOCK) {
            if self.docs.len() + chunk.len() > BLOCK {
                self.flush();
            }
            self.docs.extend_from_slice(chunk);
        }
    }

    fn harvest(mut self) -> FacetCounts {
        self.flush();
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
                Counter::Years { counts, years, .. } => {
                    let years = years.iter().map(|span| span.year.to_string());
                    into.extend(years.zip(counts));
                }
            }
        }
        out
    }
}

/// A calendar year (UTC) as a span of Unix seconds.
#[derive(Debug, Clone, Copy)]
struct YearSpan {
    year: i32,
    start: i64,
    end: i64,
}

impl YearSpan {
    /// The year holding `secs`.
    fn of(secs: i64) -> YearSpan {
        use chrono::{Datelike, NaiveDate};
        let year = chrono::DateTime::from_timestamp(secs, 0).map_or(0, |d| d.year());
        let first_second = |year: i32| {
            NaiveDate::from_ymd_opt(year, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc().timestamp())
        };
        match (first_second(year), first_second(year + 1)) {
            (Some(start), Some(end)) => YearSpan { year, start, end },
            // Out of chrono's range: a span of this one second.
            _ => YearSpan {
                year,
                start: secs,
                end: secs + 1,
            },
        }
    }

    fn contains(&self, secs: i64) -> bool {
        (self.start..self.end).contains(&secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_span_ends_at_the_first_second_of_the_next_year() {
        let new_year_2025 = 1_735_689_600; // 2025-01-01T00:00:00Z
        let last_of_2024 = YearSpan::of(new_year_2025 - 1);
        assert_eq!(last_of_2024.year, 2024);
        assert!(last_of_2024.contains(1_704_067_200)); // 2024-01-01T00:00:00Z
        assert!(!last_of_2024.contains(new_year_2025));
        assert!(!last_of_2024.contains(1_704_067_200 - 1));
        assert_eq!(YearSpan::of(new_year_2025).year, 2025);
        assert_eq!(YearSpan::of(-1).year, 1969);
    }
}
