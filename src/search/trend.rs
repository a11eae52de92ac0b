//! Trend counts: how many articles match a query per year, month or ISO week, counted over
//! every match from the `published` fast field (no stored document is read), with the undated
//! ones counted apart.
//!
//! Every matching article counts once, as a search's `total` and its facets count them: the
//! copies of one story published by several sources are each an article (a page a crawler or
//! a feed saved many times is already one article, by its URL). The sum of the periods and the
//! undated is the search's `total` for the same query and filters.

use std::collections::BTreeMap;
use std::time::Instant;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use super::engine::Engine;
use super::facets::{first_rows, Blocked, BLOCK};
use crate::common::periods::{by_period, date_of_day, day_of, Period, PeriodCount};
use crate::error::Result;
use crate::query::{self, Filters};

/// What to count and how.
#[derive(Debug, Clone)]
pub struct TrendOptions {
    /// The query text, in warta's query language.
    pub query: String,
    /// Restrictions by language, source and date.
    pub filters: Filters,
    /// The period counted by; `None` chooses by the span of the matches' dates
    /// ([`Period::for_span`]), as the search page's histogram does.
    pub by: Option<Period>,
}

impl TrendOptions {
    /// Counts of `query` per month, unfiltered.
    pub fn new(query: impl Into<String>) -> Self {
        TrendOptions {
            query: query.into(),
            filters: Filters::default(),
            by: Some(Period::Month),
        }
    }
}

/// Matching articles per period.
#[derive(Debug, Clone)]
pub struct Trend {
    /// The query as given.
    pub query: String,
    /// The period counted by.
    pub by: Period,
    /// Every matching article, dated or not.
    pub total: u64,
    /// Matching articles without a publication date (in no period).
    pub undated: u64,
    /// One entry per period from the first dated match's to the last's, in order; periods
    /// without a match are there with 0.
    pub periods: Vec<PeriodCount>,
    /// Time taken, milliseconds.
    pub took_ms: f64,
}

impl Engine {
    /// Counts the articles matching `options` per period.
    pub fn trend(&self, options: &TrendOptions) -> Result<Trend> {
        self.intact()?;
        let started = Instant::now();
        let searcher = self.inner.reader.searcher();
        let langs = self.langs_in_use(&searcher)?;
        let built = query::build_in(
            &options.query,
            &self.inner.fields,
            &langs,
            &options.filters,
            Some(&searcher),
        )?;
        let published = self.field_name(self.inner.fields.published);
        let counts = searcher.search(&built.query, &DayCollector { published })?;
        let dated = |day: Option<(&i64, &u64)>| day.and_then(|(&d, _)| date_of_day(d));
        let by = match (options.by, dated(counts.days.first_key_value())) {
            (Some(by), _) => by,
            (None, Some(first)) => {
                let last = dated(counts.days.last_key_value()).unwrap_or(first);
                Period::for_span(first, last)
            }
            (None, None) => Period::Month,
        };
        Ok(Trend {
            query: options.query.clone(),
            by,
            total: counts.total,
            undated: counts.undated,
            periods: by_period(&counts.days, by),
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }
}

/// Matches per UTC day (since the epoch), the undated ones, and all of them.
#[derive(Debug, Default)]
pub(super) struct DayCounts {
    days: BTreeMap<i64, u64>,
    undated: u64,
    total: u64,
}

/// A collector of [`DayCounts`] from the `published` fast field.
struct DayCollector {
    /// The fast field's name.
    published: String,
}

/// The most days a segment's table of counts may cover (about 110 years, 160 KB); the days of
/// a segment whose dates span more (an article dated 1800 beside today's) are counted in a map.
const MAX_TABLE_DAYS: i64 = 40_000;

/// The per-segment part of [`DayCollector`].
struct SegmentDays {
    column: Column<DateTime>,
    /// The day `table` starts at.
    first_day: i64,
    /// Counts per day from `first_day`, for the segment's range of dates (a segment holds
    /// fewer than 2^31 documents).
    table: Vec<u32>,
    /// Counts of days outside the table.
    others: BTreeMap<i64, u64>,
    undated: u64,
    total: u64,
    /// Matches not counted yet, and scratch space for one block (as in facets.rs).
    docs: Vec<DocId>,
    with_value: Vec<DocId>,
    rows: Vec<u32>,
    dates: Vec<DateTime>,
}

impl Blocked for SegmentDays {
    fn buffered(&mut self) -> &mut Vec<DocId> {
        &mut self.docs
    }

    /// Counts the buffered matches.
    fn flush(&mut self) {
        first_rows(
            &self.column,
            &self.docs,
            &mut self.with_value,
            &mut self.rows,
        );
        self.dates.resize(self.rows.len(), DateTime::MIN);
        self.column.values.get_vals(&self.rows, &mut self.dates);
        for date in &self.dates {
            let day = day_of(date.into_timestamp_secs());
            let at = usize::try_from(day - self.first_day).ok();
            match at.and_then(|at| self.table.get_mut(at)) {
                Some(n) => *n += 1,
                None => *self.others.entry(day).or_default() += 1,
            }
        }
        let docs = self.docs.len() as u64;
        self.total += docs;
        self.undated += docs - self.rows.len() as u64;
        self.docs.clear();
    }
}

impl Collector for DayCollector {
    type Fruit = DayCounts;
    type Child = SegmentDays;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentDays> {
        let column = segment.fast_fields().date(&self.published)?;
        let first_day = day_of(column.min_value().into_timestamp_secs());
        let last_day = day_of(column.max_value().into_timestamp_secs());
        let days = last_day - first_day + 1;
        let table = if (1..=MAX_TABLE_DAYS).contains(&days) && column.num_docs() > 0 {
            vec![0; days as usize]
        } else {
            Vec::new()
        };
        Ok(SegmentDays {
            column,
            first_day,
            table,
            others: BTreeMap::new(),
            undated: 0,
            total: 0,
            docs: Vec::with_capacity(BLOCK),
            with_value: Vec::with_capacity(BLOCK),
            rows: Vec::with_capacity(BLOCK),
            dates: Vec::with_capacity(BLOCK),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<DayCounts>) -> tantivy::Result<DayCounts> {
        let mut all = DayCounts::default();
        for fruit in fruits {
            for (day, n) in fruit.days {
                *all.days.entry(day).or_default() += n;
            }
            all.undated += fruit.undated;
            all.total += fruit.total;
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentDays {
    type Fruit = DayCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.push(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.extend(docs);
    }

    fn harvest(mut self) -> DayCounts {
        self.flush();
        let mut days = self.others;
        let counted = self.table.iter().enumerate().filter(|(_, &n)| n > 0);
        for (at, &n) in counted {
            *days.entry(self.first_day + at as i64).or_default() += u64::from(n);
        }
        DayCounts {
            days,
            undated: self.undated,
            total: self.total,
        }
    }
}
