//! Orders the matches of a query (by score, by score decayed with age, or by date, ties by
//! article id) and folds each story's copies into its best hit, ranking more matches until the
//! page is full of distinct stories.

use std::collections::HashMap;

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, Order, Searcher};

use super::engine::Engine;
use super::facets::{FacetCollector, FacetCounts};
use super::live_stats::LiveStats;
use super::proximity;
use super::{SearchOptions, SortBy};
use crate::error::Result;
use crate::query::NearPair;

/// What a search collects: the page of documents with their sort key and tie-breaking file,
/// and the number of all matches.
type Ranked<Key> = (
    Vec<((Key, Option<u64>), DocAddress)>,
    usize,
    Option<FacetCounts>,
);

/// A ranked page: hits with their scores, the number of matches, and the facet counts when
/// asked for.
pub(super) struct RankedPage {
    pub(super) hits: Vec<(f32, DocAddress)>,
    pub(super) total: usize,
    pub(super) facets: Option<FacetCounts>,
}

/// How `ranked` orders hits.
#[derive(Debug, Clone, Copy)]
pub(super) enum Ranking {
    /// By score.
    Score,
    /// By score times a decay on age.
    Recent {
        /// Seconds after which the factor halves.
        half_life: f64,
    },
    /// Newest first.
    Date,
}

/// The factor `--recent` multiplies a score by: 1 now (and for future or unknown dates),
/// halving every `half_life` seconds of age.
fn recency(published: Option<tantivy::DateTime>, now: i64, half_life: f64) -> f32 {
    match published {
        Some(date) => {
            let age = (now - date.into_timestamp_secs()).max(0) as f64;
            0.5f64.powf(age / half_life.max(1.0)) as f32
        }
        None => 1.0,
    }
}

/// A ranked hit (score, address) with the hits of its story folded into it.
pub(super) type Folded = ((f32, DocAddress), Vec<DocAddress>);

impl Ranking {
    /// The order `options` ask for.
    pub(super) fn of(options: &SearchOptions) -> Ranking {
        match (options.sort, options.recent) {
            (SortBy::Relevance, Some(half_life)) => Ranking::Recent { half_life },
            (SortBy::Relevance, None) => Ranking::Score,
            (SortBy::Date, _) => Ranking::Date,
        }
    }
}

impl Engine {
    /// The page of `limit` hits after `offset` in the order `options` ask for, folded by story
    /// when they ask for it, with the ranked matches it was taken from (their number and facet
    /// counts).
    pub(super) fn page(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        options: &SearchOptions,
        (limit, offset): (usize, usize),
        facets: Option<FacetCollector>,
        near: &[NearPair],
    ) -> Result<(Vec<Folded>, RankedPage)> {
        let docs = searcher.num_docs() as usize;
        let order = Ranking::of(options);
        let fetch = |count: usize, skip: usize| {
            let count = count.max(1);
            if near.is_empty() || matches!(order, Ranking::Date) {
                return self.ranked(searcher, query, order, count, skip, facets.clone());
            }
            // The top of the ranking rescored for proximity, then the page cut from it.
            let mut ranked = self.ranked(
                searcher,
                query,
                order,
                (count + skip).max(proximity::WINDOW),
                0,
                facets.clone(),
            )?;
            let window = ranked.hits.len().min(proximity::WINDOW);
            let scale = self.scale(searcher, order)?;
            let stats = LiveStats::new(searcher, &self.inner.token_totals);
            let hits = &mut ranked.hits[..window];
            proximity::rescore(searcher, &stats, near, hits, scale)?;
            ranked.hits = ranked.hits.into_iter().skip(skip).take(count).collect();
            Ok(ranked)
        };
        if !options.collapse {
            let ranked = fetch(limit, offset)?;
            let page = ranked.hits.iter().map(|&hit| (hit, Vec::new())).collect();
            return Ok((page, ranked));
        }
        // Rank enough hits to fill the page with distinct stories, widening as needed.
        let want = offset + limit;
        let mut count = (want * 2 + 16).min(docs.max(1));
        loop {
            let ranked = fetch(count, 0)?;
            let stories = self.group_by_story(searcher, &ranked.hits)?;
            if stories.len() >= want || count >= ranked.total || count >= docs {
                let page = stories.into_iter().skip(offset).take(limit).collect();
                return Ok((page, ranked));
            }
            count = (count * 4).min(docs);
        }
    }

    /// What `order` multiplied the score of a hit by: `--recent`'s decay, or 1.
    fn scale(&self, searcher: &Searcher, order: Ranking) -> Result<impl Fn(DocAddress) -> f32> {
        let half_life = match order {
            Ranking::Recent { half_life } => Some(half_life),
            _ => None,
        };
        let published = self.field_name(self.inner.fields.published);
        let mut dates = Vec::new();
        if half_life.is_some() {
            for segment in searcher.segment_readers() {
                dates.push(segment.fast_fields().date(&published).ok());
            }
        }
        let now = chrono::Utc::now().timestamp();
        Ok(move |addr: DocAddress| match half_life {
            Some(half_life) => {
                let column = dates
                    .get(addr.segment_ord as usize)
                    .and_then(|c| c.as_ref());
                recency(column.and_then(|c| c.first(addr.doc_id)), now, half_life)
            }
            None => 1.0,
        })
    }

    /// `count` hits after the first `skip`, in the order asked for, with the number of matches
    /// and, when a collector is given, the facet counts of all of them, in the same pass.
    /// Sorted by date, scores are still computed, for the output.
    pub(super) fn ranked(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        order: Ranking,
        count: usize,
        skip: usize,
        facets: Option<FacetCollector>,
    ) -> Result<RankedPage> {
        let top = TopDocs::with_limit(count).and_offset(skip);
        // Equal scores (or dates) are ordered by article id (a hash of the file's canonical path
        // and record number). tantivy would order them by segment and document number, which
        // depend on how the index was built (threads, past updates), so the same files would not
        // always give the same page. A number, not the path: comparing paths across segments
        // decompressed a dictionary block per hit, the largest cost of a search at 100K.
        let tie_break = (
            SortByStaticFastValue::<u64>::for_field(self.field_name(self.inner.fields.id_key)),
            Order::Asc,
        );
        let stats = LiveStats::new(searcher, &self.inner.token_totals);
        Ok(match order {
            Ranking::Recent { half_life } => {
                let published = self.field_name(self.inner.fields.published);
                let now = chrono::Utc::now().timestamp();
                // Decayed scores rarely tie, so this order has no tie-break by path.
                let top = top.tweak_score(move |segment: &tantivy::SegmentReader| {
                    let dates = segment.fast_fields().date(&published).ok();
                    move |doc: tantivy::DocId, score: f32| {
                        let published = dates.as_ref().and_then(|d| d.first(doc));
                        score * recency(published, now, half_life)
                    }
                });
                let (hits, total, facets) = searcher.search_with_statistics_provider(
                    query,
                    &(top, Count, facets),
                    &stats,
                )?;
                RankedPage {
                    hits,
                    total,
                    facets,
                }
            }
            Ranking::Score => {
                // Without facets, which need every match, the matches that cannot make the
                // page are skipped.
                if facets.is_none() {
                    if let Some(page) = self.pruned(searcher, query, &stats, (count, skip))? {
                        return Ok(page);
                    }
                }
                let top = top.order_by(((SortBySimilarityScore, Order::Desc), tie_break));
                let (docs, total, facets): Ranked<f32> = searcher.search_with_statistics_provider(
                    query,
                    &(top, Count, facets),
                    &stats,
                )?;
                let hits = docs.into_iter().map(|((score, _), addr)| (score, addr));
                RankedPage {
                    hits: hits.collect(),
                    total,
                    facets,
                }
            }
            Ranking::Date => {
                let published =
                    SortByStaticFastValue::for_field(self.field_name(self.inner.fields.published));
                let top = top.order_by(((published, Order::Desc), tie_break));
                let (docs, total, facets): Ranked<Option<tantivy::DateTime>> =
                    searcher.search(query, &(top, Count, facets))?;
                let scoring = EnableScoring::enabled_from_statistics_provider(&stats, searcher);
                let weight = query.weight(scoring)?;
                let mut hits = Vec::with_capacity(docs.len());
                for (_, addr) in docs {
                    let segment = searcher.segment_reader(addr.segment_ord);
                    let score = weight
                        .explain(segment, addr.doc_id)
                        .map_or(0.0, |e| e.value());
                    hits.push((score, addr));
                }
                RankedPage {
                    hits,
                    total,
                    facets,
                }
            }
        })
    }

    /// Ranked hits folded by story: each story's best hit, in rank order, with the others.
    pub(super) fn group_by_story(
        &self,
        searcher: &Searcher,
        ranked: &[(f32, DocAddress)],
    ) -> Result<Vec<Folded>> {
        let name = self.field_name(self.inner.fields.story);
        let mut columns = HashMap::new();
        let mut groups: Vec<Folded> = Vec::new();
        let mut by_story: HashMap<u64, usize> = HashMap::new();
        for &(score, addr) in ranked {
            if let std::collections::hash_map::Entry::Vacant(e) = columns.entry(addr.segment_ord) {
                let segment = searcher.segment_reader(addr.segment_ord);
                e.insert(segment.fast_fields().u64(&name)?);
            }
            let story = columns[&addr.segment_ord].first(addr.doc_id);
            match story.and_then(|s| by_story.get(&s)) {
                Some(&group) => groups[group].1.push(addr),
                None => {
                    if let Some(story) = story {
                        by_story.insert(story, groups.len());
                    }
                    groups.push(((score, addr), Vec::new()));
                }
            }
        }
        Ok(groups)
    }
}
