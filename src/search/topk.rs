//! The best k matches by score, ties by article id, without scoring every match: a block-max
//! MaxScore over the query's scoring leaves ([`crate::query::prune`]) finds the documents that
//! could enter the top k, and scores them from their leaves' scores added up as tantivy's
//! scorers add them, so the hits, their order and their scores are what scoring every match
//! gives. For queries of words, ORed (what most searches are); the others rank every match.
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

use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Query};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, TERMINATED};

use super::engine::Engine;
use super::ranking::RankedPage;
use crate::error::Result;
use crate::query::prune::{self, Cursor, Plan};

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
        let Some(plan) = prune::plan(query, stats)? else {
            return Ok(None);
        };
        // Phrases alone have no blocks to skip, and would be read twice (ranked, counted).
        // Queries with `AND`, `NOT` or filters are not sums of their leaves: the query's own
        // scorer would have to score the documents that can make the page, which costs as much
        // as ranking every match (measured in benches/RESULTS.md).
        if plan.sum.is_none() || plan.leaves.iter().all(|leaf| !leaf.is_term()) {
            return Ok(None);
        }
        let id = self.field_name(self.inner.fields.id_key);
        let hits = top_k(searcher, &plan, stats, count.saturating_add(skip), &id)?;
        // The matches are the union of the leaves' matches: counted on a bit set.
        let unscored = EnableScoring::disabled_from_searcher(searcher);
        let mut total = 0;
        for segment in searcher.segment_readers() {
            let mut bits = vec![0u64; (segment.max_doc() as usize).div_ceil(64)];
            for leaf in &plan.leaves {
                leaf.mark(segment, unscored, &mut bits)?;
            }
            total += count_alive(&bits, segment.alive_bitset());
        }
        Ok(Some(RankedPage {
            hits: hits.into_iter().skip(skip).collect(),
            total,
            facets: None,
        }))
    }
}

/// The documents marked in `bits` that are alive.
fn count_alive(bits: &[u64], alive: Option<&tantivy::fastfield::AliveBitSet>) -> usize {
    match alive {
        None => bits.iter().map(|word| word.count_ones() as usize).sum(),
        Some(alive) => {
            let mut count = 0;
            for (n, &word) in bits.iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let doc = (n * 64) as DocId + word.trailing_zeros();
                    count += usize::from(alive.is_alive(doc));
                    word &= word - 1;
                }
            }
            count
        }
    }
}

/// The best `k` matches in `searcher` of the query `plan` sums up (score, then article id in
/// the u64 fast field `id_field`), best first.
fn top_k(
    searcher: &Searcher,
    plan: &Plan<'_>,
    stats: &dyn Bm25StatisticsProvider,
    k: usize,
    id_field: &str,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let scoring = EnableScoring::enabled_from_statistics_provider(stats, searcher);
    let mut best = Best {
        k: k.max(1),
        heap: BinaryHeap::new(),
    };
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let mut cursors = Vec::with_capacity(plan.leaves.len());
        for (n, leaf) in plan.leaves.iter().enumerate() {
            if let Some(cursor) = leaf.cursor(segment, scoring, stats)? {
                cursors.push((n, cursor));
            }
        }
        if cursors.is_empty() {
            continue;
        }
        let ids = segment.fast_fields().u64(id_field)?;
        let alive = segment.alive_bitset();
        let mut langs = Vec::with_capacity(plan.langs.len());
        for lang in &plan.langs {
            let inverted = segment.inverted_index(lang.field())?;
            langs.push(inverted.read_postings(lang, IndexRecordOption::Basic)?);
        }
        let mut consider = |doc: DocId, leaves: &[Option<Score>], best: &mut Best| {
            if alive.is_some_and(|alive| alive.is_deleted(doc)) {
                return;
            }
            let score = plan
                .sum
                .as_ref()
                .and_then(|sum| sum.score(doc, leaves, &mut langs));
            if let Some(score) = score {
                best.offer(Hit {
                    score,
                    id: ids.first(doc).unwrap_or(u64::MAX),
                    address: DocAddress::new(ord as u32, doc),
                });
            }
        };
        let mut leaves = vec![None; plan.leaves.len()];
        max_score(&mut cursors, &mut leaves, &mut best, &mut consider);
    }
    let mut hits: Vec<Hit> = best.heap.into_iter().map(|Reverse(hit)| hit).collect();
    hits.sort_by(|a, b| b.better(a));
    Ok(hits
        .into_iter()
        .map(|hit| (hit.score, hit.address))
        .collect())
}

/// What is offered a document that can make the page, with its leaves' scores.
type Consider<'a> = dyn FnMut(DocId, &[Option<Score>], &mut Best) + 'a;

/// Offers `consider` every document of `cursors` (each with its leaf's index) whose bound
/// reaches the threshold of `best`, with its leaves' scores in `leaves`.
fn max_score(
    cursors: &mut [(usize, Cursor)],
    leaves: &mut [Option<Score>],
    best: &mut Best,
    consider: &mut Consider<'_>,
) {
    // Per window: the active cursors (a match in the window) with their bounds, ascending.
    let mut active: Vec<(Score, usize)> = Vec::with_capacity(cursors.len());
    loop {
        let start = cursors.iter().map(|(_, c)| c.doc()).min();
        let start = start.unwrap_or(TERMINATED);
        if start == TERMINATED {
            return;
        }
        let end = cursors
            .iter()
            .filter(|(_, c)| c.doc() != TERMINATED)
            .map(|(_, c)| c.bound_until())
            .min()
            .unwrap_or(TERMINATED);
        active.clear();
        for (n, (_, cursor)) in cursors.iter_mut().enumerate() {
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
                cursors[n].1.seek(end + 1);
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
        let (weak, leading) = active.split_at(weak);
        let mut window = Window {
            cursors,
            leaves,
            weak,
            leading,
        };
        window.run(end, best, consider);
        if end >= TERMINATED - 1 {
            return;
        }
        for &(_, n) in weak {
            cursors[n].1.seek(end + 1);
        }
    }
}

/// One window: the cursors `leading` lead, the `weak` ones are scored only where needed.
struct Window<'a> {
    cursors: &'a mut [(usize, Cursor)],
    leaves: &'a mut [Option<Score>],
    weak: &'a [(Score, usize)],
    leading: &'a [(Score, usize)],
}

impl Window<'_> {
    /// Offers `consider` the documents up to `end` that can make the page.
    fn run(&mut self, end: DocId, best: &mut Best, consider: &mut Consider<'_>) {
        let weak_sum: Score = self.weak.iter().map(|(bound, _)| bound).sum();
        loop {
            let doc = self
                .leading
                .iter()
                .map(|&(_, n)| self.cursors[n].1.doc())
                .min();
            let doc = doc.unwrap_or(TERMINATED);
            if doc > end || doc == TERMINATED {
                return;
            }
            let mut score: Score = 0.0;
            for &(_, n) in self.leading {
                let (leaf, cursor) = &mut self.cursors[n];
                if cursor.doc() == doc {
                    let leaf_score = cursor.score();
                    self.leaves[*leaf] = Some(leaf_score);
                    score += leaf_score;
                    cursor.advance();
                }
            }
            let threshold = best.threshold();
            let reaches =
                |score: Score, rest: Score| (score + rest) * (1.0 + SUM_MARGIN) >= threshold;
            // The weak cursors, strongest first, until the document cannot reach the threshold.
            let mut possible = reaches(score, weak_sum);
            let mut rest = weak_sum;
            for &(bound, n) in self.weak.iter().rev() {
                if !possible {
                    break;
                }
                let (leaf, cursor) = &mut self.cursors[n];
                if cursor.seek(doc) == doc {
                    let leaf_score = cursor.score();
                    self.leaves[*leaf] = Some(leaf_score);
                    score += leaf_score;
                }
                rest -= bound;
                possible = reaches(score, rest.max(0.0));
            }
            if possible {
                consider(doc, self.leaves, best);
            }
            for (leaf, _) in self.cursors.iter() {
                self.leaves[*leaf] = None;
            }
        }
    }
}
