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
    /// The source, matched case-insensitively, counted under its name as written.
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
        counts: YearCounts,
    },
}

/// How many matches are buffered before their values are read: columns read a block of
/// documents at once much faster than one at a time (tantivy's aggregations do the same).
pub(super) const BLOCK: usize = 256;

/// A segment collector that buffers its matches and counts them a [`BLOCK`] at a time: the
/// facet and trend collectors share its `collect` and `collect_block`.
pub(super) trait Blocked {
    /// The matches buffered, not counted yet.
    fn buffered(&mut self) -> &mut Vec<DocId>;
    /// Counts the buffered matches and empties the buffer.
    fn flush(&mut self);

    /// Buffers one match, counting the buffer when it is full.
    fn push(&mut self, doc: DocId) {
        self.buffered().push(doc);
        if self.buffered().len() == BLOCK {
            self.flush();
        }
    }

    /// Buffers a block of matches, counting the buffer before it would overflow.
    fn extend(&mut self, docs: &[DocId]) {
        for chunk in docs.chunks(BLOCK) {
            if self.buffered().len() + chunk.len() > BLOCK {
                self.flush();
            }
            self.buffered().extend_from_slice(chunk);
        }
    }
}

/// The per-segment part of [`FacetCollector`].
pub struct SegmentFacets {
    counters: Vec<(Facet, Counter)>,
    /// Matches not counted yet.
    docs: Vec<DocId>,
    /// Scratch space for one block: the matches that have a value, their rows in a column,
    /// and the values of those rows.
    with_value: Vec<DocId>,
    rows: Vec<u32>,
    ords: Vec<u64>,
    dates: Vec<DateTime>,
}

impl Blocked for SegmentFacets {
    fn buffered(&mut self) -> &mut Vec<DocId> {
        &mut self.docs
    }

    /// Counts the buffered matches.
    fn flush(&mut self) {
        let docs = &self.docs[..];
        let (with_value, rows) = (&mut self.with_value, &mut self.rows);
        for (_, counter) in &mut self.counters {
            match counter {
                Counter::Terms { column, counts } => {
                    let Some(column) = column else { continue };
                    let ords = column.ords();
                    first_rows(ords, docs, with_value, rows);
                    self.ords.resize(rows.len(), 0);
                    ords.values.get_vals(rows, &mut self.ords);
                    for &ord in &self.ords {
                        counts[ord as usize] += 1;
                    }
                }
                Counter::Years { column, counts } => {
                    first_rows(column, docs, with_value, rows);
                    self.dates.resize(rows.len(), DateTime::MIN);
                    column.values.get_vals(rows, &mut self.dates);
                    for date in &self.dates {
                        counts.add_date(date.into_timestamp_secs());
                    }
                }
            }
        }
        self.docs.clear();
    }
}

/// The rows of `column` holding the first value of each of `docs` that has one: looked up for
/// the whole block at once, which is much faster than one document at a time for a column that
/// not every document has a value in.
pub(super) fn first_rows<T>(
    column: &Column<T>,
    docs: &[DocId],
    with_value: &mut Vec<DocId>,
    rows: &mut Vec<u32>,
) {
    with_value.clear();
    rows.clear();
    column.index.docids_to_rowids(docs, with_value, rows);
    if with_value.windows(2).any(|pair| pair[0] == pair[1]) {
        // A document with several values: keep its first.
        let mut previous = None;
        let mut kept = 0;
        for n in 0..rows.len() {
            if previous != Some(with_value[n]) {
                previous = Some(with_value[n]);
                rows[kept] = rows[n];
                kept += 1;
            }
        }
        rows.truncate(kept);
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
                Facet::Year => {
                    let column = fast.date(name)?;
                    let (oldest, newest) = (column.min_value(), column.max_value());
                    let counts = YearCounts::for_dates(
                        oldest.into_timestamp_secs(),
                        newest.into_timestamp_secs(),
                    );
                    Counter::Years { column, counts }
                }
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
            with_value: Vec::with_capacity(BLOCK),
            rows: Vec::with_capacity(BLOCK),
            ords: Vec::with_capacity(BLOCK),
            dates: Vec::with_capacity(BLOCK),
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
        self.push(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.extend(docs);
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
                Counter::Years { counts, .. } => {
                    into.extend(counts.nonzero().map(|(year, n)| (year.to_string(), n)));
                }
            }
        }
        out
    }
}

/// The calendar year (UTC) of a Unix time in seconds, by Howard Hinnant's `civil_from_days`
/// (public domain): a few integer operations, where a calendar library's conversion per match
/// was the largest cost of a year facet.
fn year_of(secs: i64) -> i32 {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months counted from March: January and February belong to the next year.
    let month_from_march = (5 * day_of_year + 2) / 153;
    let year = year_of_era + era * 400 + i64::from(month_from_march >= 10);
    year.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// The most days a segment's table of years may cover (about 400 years, 300 KB).
const MAX_TABLE_DAYS: i64 = 150_000;

/// Counts per year, in a vector indexed from the first year met.
#[derive(Debug, Default)]
struct YearCounts {
    first: i32,
    counts: Vec<u64>,
    /// The day (since the epoch) that `years` starts at.
    first_day: i64,
    /// For each day of a segment's range of dates, the index of its year in `counts`: a table
    /// lookup per match instead of a calendar computation.
    years: Vec<u16>,
}

impl YearCounts {
    /// Counts for dates from `oldest` to `newest` (Unix seconds); others are counted too.
    fn for_dates(oldest: i64, newest: i64) -> YearCounts {
        let mut counts = YearCounts::default();
        let (first_day, last_day) = (oldest.div_euclid(86_400), newest.div_euclid(86_400));
        if last_day < first_day || last_day - first_day >= MAX_TABLE_DAYS {
            return counts;
        }
        let (first, last) = (year_of(oldest), year_of(newest));
        counts.first = first;
        counts.counts = vec![0; (last - first) as usize + 1];
        counts.first_day = first_day;
        counts.years = (first_day..=last_day)
            .map(|day| (year_of(day * 86_400) - first) as u16)
            .collect();
        counts
    }

    /// Counts the date `secs` (Unix seconds).
    fn add_date(&mut self, secs: i64) {
        let day = secs.div_euclid(86_400) - self.first_day;
        match usize::try_from(day)
            .ok()
            .and_then(|day| self.years.get(day))
        {
            Some(&at) => self.counts[usize::from(at)] += 1,
            None => self.add(year_of(secs)),
        }
    }

    fn add(&mut self, year: i32) {
        if self.counts.is_empty() {
            self.first = year;
        } else if year < self.first {
            let missing = (self.first - year) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, missing));
            self.first = year;
            // The table's indexes are relative to the old first year.
            self.years.clear();
        }
        let at = (year - self.first) as usize;
        if at >= self.counts.len() {
            self.counts.resize(at + 1, 0);
        }
        self.counts[at] += 1;
    }

    /// The years counted, with their counts.
    fn nonzero(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        let years = (self.first..).zip(self.counts.iter().copied());
        years.filter(|&(_, n)| n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_change_at_the_first_second_of_january() {
        let new_year_2025 = 1_735_689_600; // 2025-01-01T00:00:00Z
        assert_eq!(year_of(new_year_2025 - 1), 2024);
        assert_eq!(year_of(new_year_2025), 2025);
        assert_eq!(year_of(951_782_400), 2000); // 2000-02-29, a leap day in a century year
        assert_eq!(year_of(-1), 1969);
        assert_eq!(year_of(0), 1970);
    }

    proptest::proptest! {
        #[test]
        fn years_are_chronos_years(secs in -62_000_000_000i64..250_000_000_000) {
            use chrono::Datelike;
            let expected = chrono::DateTime::from_timestamp(secs, 0).unwrap().year();
            proptest::prop_assert_eq!(year_of(secs), expected);
        }
    }

    #[test]
    fn year_counts_grow_both_ways() {
        let mut counts = YearCounts::default();
        for year in [2024, 2022, 2024, 2026] {
            counts.add(year);
        }
        let all: Vec<_> = counts.nonzero().collect();
        assert_eq!(all, [(2022, 1), (2024, 2), (2026, 1)]);
    }

    #[test]
    fn dates_inside_and_outside_the_table_are_counted_by_year() {
        let day = 86_400;
        let new_year_2025 = 1_735_689_600;
        let mut counts = YearCounts::for_dates(new_year_2025 - 3 * day, new_year_2025 + 3 * day);
        // In the table, on both sides of new year; then before and after it.
        for secs in [new_year_2025 - 1, new_year_2025, new_year_2025 + day] {
            counts.add_date(secs);
        }
        counts.add_date(new_year_2025 - 400 * day);
        counts.add_date(new_year_2025 - 1);
        counts.add_date(new_year_2025 + 800 * day);
        let all: Vec<_> = counts.nonzero().collect();
        assert_eq!(all, [(2023, 1), (2024, 2), (2025, 2), (2027, 1)]);
    }
}
