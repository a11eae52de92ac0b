//! The best k matches by score, ties by article id, without scoring every match: a block-max
//! MaxScore over the query's scoring leaves ([`crate::query::prune`]) finds the documents that
//! could enter the top k, and the query's own scorer scores those, so the hits, their order and
//! their scores are what scoring every match gives.
//!
//! Documents are taken in windows that end where the first of the leaves' current blocks ends.
//! In a window, each leaf's block bound bounds its scores; when the bounds add up to less than
//! the k-th best score so far, the window is passed over. Otherwise the leaves whose bounds add
//! up to less than it (the non-essential ones) do not lead: only documents of the others are
//! visited, and a document is scored by the query when its leaves' scores and the others'
//! bounds reach the k-th score. Equal scores are ordered by article id, so a document whose
//! bound equals the k-th score is still looked at.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Query, Scorer};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, TERMINATED};

use super::engine::Engine;
use super::ranking::RankedPage;
use crate::error::Result;
use crate::query::prune::{self, Cursor};

/// How much the leaves' summed scores are raised before comparing with the k-th score: the
/// query's scorer adds the same scores in another order.
const SUM_MARGIN: Score = 1e-5;

/// A collected hit, ordered better first: higher score, then lower article id.
struct Hit {
    score: Score,
    id: u64,
    address: DocAddress,
}

impl Hit {
    fn better(&self, other: &Hit) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.id.cmp(&self.id))
            .then_with(|| other.address.cmp(&self.address))
    }
}

impl PartialEq for Hit {
    fn eq(&self, other: &Hit) -> bool {
        self.better(other) == Ordering::Equal
    }
}

impl Eq for Hit {}

impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Hit) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Hit {
    fn cmp(&self, other: &Hit) -> Ordering {
        self.better(other)
    }
}

/// The best `k` hits so far, the worst on top.
struct Best {
    k: usize,
    heap: BinaryHeap<Reverse<Hit>>,
}

impl Best {
    /// The least score a document must reach to enter: the k-th best (ties may enter by id).
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(Reverse(worst)) if self.heap.len() >= self.k => worst.score,
            _ => Score::NEG_INFINITY,
        }
    }

    fn offer(&mut self, hit: Hit) {
        if self.heap.len() < self.k {
            self.heap.push(Reverse(hit));
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if hit > worst.0 {
                *worst = Reverse(hit);
            }
        }
    }
}

impl Engine {
    /// The `count` best matches after the first `skip` by score (ties by article id), and the
    /// number of all matches, counted without scoring; `None` when the query's shape cannot
    /// be pruned.
    pub(super) fn pruned(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        stats: &dyn Bm25StatisticsProvider,
        (count, skip): (usize, usize),
    ) -> Result<Option<RankedPage>> {
        let id = self.field_name(self.inner.fields.id_key);
        let Some(hits) = top_k(searcher, query, stats, count.saturating_add(skip), &id)? else {
            return Ok(None);
        };
        let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let mut total = 0;
        for segment in searcher.segment_readers() {
            total += weight.count(segment)? as usize;
        }
        Ok(Some(RankedPage {
            hits: hits.into_iter().skip(skip).collect(),
            total,
            facets: None,
        }))
    }
}

/// The best `k` matches of `query` in `searcher` (score, then article id in the u64 fast field
/// `id_field`), best first, or `None` when the query's shape cannot be pruned
/// ([`prune::leaves`]).
pub(super) fn top_k(
    searcher: &Searcher,
    query: &dyn Query,
    stats: &dyn Bm25StatisticsProvider,
    k: usize,
    id_field: &str,
) -> tantivy::Result<Option<Vec<(Score, DocAddress)>>> {
    let Some(leaves) = prune::leaves(query, stats)? else {
        return Ok(None);
    };
    let scoring = EnableScoring::enabled_from_statistics_provider(stats, searcher);
    let weight = query.weight(scoring)?;
    let mut best = Best {
        k: k.max(1),
        heap: BinaryHeap::new(),
    };
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let mut cursors = Vec::with_capacity(leaves.len());
        for leaf in &leaves {
            cursors.extend(leaf.cursor(segment, scoring, stats)?);
        }
        if cursors.is_empty() {
            continue;
        }
        let ids = segment.fast_fields().u64(id_field)?;
        let alive = segment.alive_bitset();
        let mut exact = weight.scorer(segment, 1.0)?;
        let mut consider = |doc: DocId, best: &mut Best| {
            if alive.is_some_and(|alive| alive.is_deleted(doc)) {
                return;
            }
            if exact.doc() < doc {
                exact.seek(doc);
            }
            if exact.doc() != doc {
                return;
            }
            best.offer(Hit {
                score: exact.score(),
                id: ids.first(doc).unwrap_or(u64::MAX),
                address: DocAddress::new(ord as u32, doc),
            });
        };
        max_score(&mut cursors, &mut best, &mut consider);
    }
    let mut hits: Vec<Hit> = best.heap.into_iter().map(|Reverse(hit)| hit).collect();
    hits.sort_by(|a, b| b.better(a));
    Ok(Some(
        hits.into_iter()
            .map(|hit| (hit.score, hit.address))
            .collect(),
    ))
}

/// Offers `consider` every document of `cursors` whose bound reaches the threshold of `best`.
fn max_score(cursors: &mut [Cursor], best: &mut Best, consider: &mut dyn FnMut(DocId, &mut Best)) {
    // Per window: the active cursors (a match in the window) with their bounds, ascending.
    let mut active: Vec<(Score, usize)> = Vec::with_capacity(cursors.len());
    loop {
        let start = cursors.iter().map(Cursor::doc).min().unwrap_or(TERMINATED);
        if start == TERMINATED {
            return;
        }
        let end = cursors
            .iter()
            .filter(|c| c.doc() != TERMINATED)
            .map(Cursor::bound_until)
            .min()
            .unwrap_or(TERMINATED);
        active.clear();
        for (n, cursor) in cursors.iter_mut().enumerate() {
            if cursor.doc() <= end {
                active.push((cursor.bound(), n));
            }
        }
        let threshold = best.threshold();
        let total: Score = active.iter().map(|(bound, _)| bound).sum();
        if total < threshold {
            if end >= TERMINATED - 1 {
                return;
            }
            for &(_, n) in &active {
                cursors[n].seek(end + 1);
            }
            continue;
        }
        active.sort_by(|a, b| a.0.total_cmp(&b.0));
        // The leading (essential) cursors: all but the weakest, whose bounds add up to less
        // than the threshold.
        let mut weak = 0;
        let mut weak_sum: Score = 0.0;
        while weak < active.len() && weak_sum + active[weak].0 < threshold {
            weak_sum += active[weak].0;
            weak += 1;
        }
        window(cursors, &active, weak, end, best, consider);
        if end >= TERMINATED - 1 {
            return;
        }
        for &(_, n) in &active[..weak] {
            cursors[n].seek(end + 1);
        }
    }
}

/// The documents up to `end` of the cursors `active[weak..]` lead, the others `active[..weak]`
/// scored only where needed.
fn window(
    cursors: &mut [Cursor],
    active: &[(Score, usize)],
    weak: usize,
    end: DocId,
    best: &mut Best,
    consider: &mut dyn FnMut(DocId, &mut Best),
) {
    let (weak_cursors, leading) = active.split_at(weak);
    let weak_sum: Score = weak_cursors.iter().map(|(bound, _)| bound).sum();
    loop {
        let doc = leading
            .iter()
            .map(|&(_, n)| cursors[n].doc())
            .min()
            .unwrap_or(TERMINATED);
        if doc > end || doc == TERMINATED {
            return;
        }
        let mut score: Score = 0.0;
        for &(_, n) in leading {
            if cursors[n].doc() == doc {
                score += cursors[n].score();
                cursors[n].advance();
            }
        }
        let threshold = best.threshold();
        let reaches = |score: Score, rest: Score| (score + rest) * (1.0 + SUM_MARGIN) >= threshold;
        if !reaches(score, weak_sum) {
            continue;
        }
        // The weak cursors, strongest first, until the document cannot reach the threshold.
        let mut rest = weak_sum;
        let mut possible = true;
        for &(bound, n) in weak_cursors.iter().rev() {
            if cursors[n].seek(doc) == doc {
                score += cursors[n].score();
            }
            rest -= bound;
            if !reaches(score, rest.max(0.0)) {
                possible = false;
                break;
            }
        }
        if possible {
            consider(doc, best);
        }
    }
}
