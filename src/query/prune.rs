//! What a top-k search needs to skip documents that cannot enter the top k: the scoring leaves
//! of a query (its BM25 terms, and its phrases, with a fixed upper bound), each with
//! a cursor over its matches that tells an upper bound of its scores block by block.
//!
//! A document's score is the sum of its matching leaves' scores (a language's other articles
//! weighing less), so the sum of the leaves' bounds bounds it: stretches of documents whose
//! bounds add up to less than the k-th best score so far are passed over. The bounds of a term
//! come from what tantivy stores per block of 128 postings for its block-max WAND: the (field
//! norm, term frequency) pair that scores best under tantivy's BM25 with the segment's average
//! length. warta scores with another idf, saturation and average length; the pair still bounds
//! them, as [`TermCursor::block_bound`] shows.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{BlockSegmentPostings, SegmentPostings};
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, BooleanQuery, BoostWeight, EnableScoring, Explanation,
    Occur, PhraseQuery, Query, Scorer, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term, TERMINATED};

use super::bm25::{Bm25TermQuery, B};
use super::lang::LangFavoured;

/// How much a bound is raised against float rounding: tantivy picks a block's best pair in
/// `f32`, and sums are added up in another order than the scorers add them.
const MARGIN: Score = 1e-3;

/// `query` weighted by `boost`, as tantivy's `BoostQuery` (scored by the same `BoostWeight`),
/// with its parts readable, so that a pruning search can bound its scores.
#[derive(Debug)]
pub struct Boosted {
    query: Box<dyn Query>,
    boost: Score,
}

impl Boosted {
    /// `query` with its scores multiplied by `boost`.
    pub fn new(query: Box<dyn Query>, boost: Score) -> Self {
        Boosted { query, boost }
    }
}

impl Clone for Boosted {
    fn clone(&self) -> Self {
        Boosted {
            query: self.query.box_clone(),
            boost: self.boost,
        }
    }
}

impl Query for Boosted {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(scoring)?;
        Ok(if scoring.is_scoring_enabled() {
            Box::new(BoostWeight::new(inner, self.boost))
        } else {
            inner
        })
    }

    fn explain(
        &self,
        searcher: &Searcher,
        address: tantivy::DocAddress,
    ) -> tantivy::Result<Explanation> {
        let weight = self.weight(EnableScoring::enabled_from_searcher(searcher))?;
        weight.explain(searcher.segment_reader(address.segment_ord), address.doc_id)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

/// A scoring leaf of a query, with the product of the boosts above it.
pub struct Leaf<'q> {
    kind: LeafKind<'q>,
    boost: Score,
}

enum LeafKind<'q> {
    /// A BM25 term: bounded block by block.
    Term(&'q Bm25TermQuery),
    /// A phrase, whose scores never exceed a bound known before the search, with that bound
    /// before boosting.
    Fixed(&'q dyn Query, Score),
}

/// What a top-k search prunes `query` by: its scoring leaves, and how its score is made of
/// theirs when warta can add them up exactly as tantivy's scorers do.
pub struct Plan<'q> {
    /// The scoring leaves.
    pub leaves: Vec<Leaf<'q>>,
    /// The score as a sum of the leaves' scores, when the query is a tree of `Should` clauses,
    /// boosts, phrases, terms and the query-language weighting (the shape of every query of
    /// words without `AND`, `NOT` or filters); `None` otherwise.
    pub sum: Option<Sum>,
    /// The languages the [`Sum::Favoured`] nodes favour, as terms of the `lang` field.
    pub langs: Vec<Term>,
}

/// A query's score made of its leaves' scores, added up in the order tantivy's union adds them
/// (its clauses' order, from 0), so the result is the same float.
pub enum Sum {
    /// A leaf's score ([`Plan::leaves`] index).
    Leaf(usize),
    /// The sum of the matching clauses' scores.
    Should(Vec<Sum>),
    /// A score multiplied by `other_weight` outside the language [`Plan::langs`]`[lang]`.
    Favoured {
        /// The weighted query's score.
        inner: Box<Sum>,
        /// Index of the language favoured.
        lang: usize,
        /// What other languages' scores are multiplied by.
        other_weight: Score,
    },
}

impl Sum {
    /// The score of `doc` from its leaves' scores (`None` where a leaf does not match), with
    /// `langs` the postings of [`Plan::langs`] (read forward: documents in increasing order).
    pub fn score(
        &self,
        doc: DocId,
        leaves: &[Option<Score>],
        langs: &mut [Option<SegmentPostings>],
    ) -> Option<Score> {
        match self {
            Sum::Leaf(n) => leaves[*n],
            Sum::Should(clauses) => {
                let mut sum = None;
                for clause in clauses {
                    if let Some(score) = clause.score(doc, leaves, langs) {
                        sum = Some(sum.unwrap_or(0.0) + score);
                    }
                }
                sum
            }
            Sum::Favoured {
                inner,
                lang,
                other_weight,
            } => {
                let score = inner.score(doc, leaves, langs)?;
                let favoured = langs[*lang].as_mut().is_some_and(|postings| {
                    if postings.doc() < doc {
                        postings.seek(doc);
                    }
                    postings.doc() == doc
                });
                Some(if favoured {
                    score
                } else {
                    score * other_weight
                })
            }
        }
    }
}

/// The plan of `query`, if every document it matches matches one of its leaves and its score
/// is at most the sum of theirs: a tree of boolean queries (their `MustNot` clauses left out:
/// they neither score nor match), boosts, the query-language weighting, BM25 terms and
/// phrases. `None` for any other shape, filters among them (it is searched without pruning).
pub fn plan<'q>(
    query: &'q dyn Query,
    stats: &dyn Bm25StatisticsProvider,
) -> tantivy::Result<Option<Plan<'q>>> {
    let mut walk = Walk {
        stats,
        plan: Plan {
            leaves: Vec::new(),
            sum: None,
            langs: Vec::new(),
        },
        prunable: true,
    };
    let sum = walk.walk(query, 1.0)?;
    walk.plan.sum = sum;
    Ok(walk.prunable.then_some(walk.plan))
}

struct Walk<'q, 's> {
    stats: &'s dyn Bm25StatisticsProvider,
    plan: Plan<'q>,
    prunable: bool,
}

impl<'q> Walk<'q, '_> {
    fn leaf(&mut self, kind: LeafKind<'q>, boost: Score) -> Sum {
        self.plan.leaves.push(Leaf { kind, boost });
        Sum::Leaf(self.plan.leaves.len() - 1)
    }

    /// Collects the leaves of `query` (boosted by `boost`), and returns its sum if it has one.
    fn walk(&mut self, query: &'q dyn Query, boost: Score) -> tantivy::Result<Option<Sum>> {
        let stats = self.stats;
        let fixed = |bound: Score| LeafKind::Fixed(query, bound);
        Ok(
            if let Some(boxed) = query.downcast_ref::<Box<dyn Query>>() {
                // A boxed query passed on as a query of its own.
                self.walk(boxed.as_ref(), boost)?
            } else if let Some(term) = query.downcast_ref::<Bm25TermQuery>() {
                Some(self.leaf(LeafKind::Term(term), boost))
            } else if let Some(boolean) = query.downcast_ref::<BooleanQuery>() {
                // No clauses match nothing (a misspelling with no neighbour in the index).
                let mut exact =
                    boolean.clauses().is_empty() || boolean.get_minimum_number_should_match() == 1;
                let mut clauses = Vec::new();
                for (occur, clause) in boolean.clauses() {
                    exact &= *occur == Occur::Should;
                    if *occur != Occur::MustNot {
                        clauses.push(self.walk(clause.as_ref(), boost)?);
                    }
                }
                let clauses: Option<Vec<Sum>> = clauses.into_iter().collect();
                clauses.filter(|_| exact).map(Sum::Should)
            } else if let Some(boosted) = query.downcast_ref::<Boosted>() {
                if boosted.boost.is_nan() || boosted.boost < 0.0 {
                    self.prunable = false;
                    return Ok(None);
                }
                // tantivy's boost is passed down to the leaves, which multiply their weights.
                self.walk(boosted.query.as_ref(), boost * boosted.boost)?
            } else if let Some(favoured) = query.downcast_ref::<LangFavoured>() {
                // The other languages' articles weigh less, never more.
                let other_weight = favoured.other_weight();
                if other_weight.is_nan() || other_weight > 1.0 {
                    self.prunable = false;
                    return Ok(None);
                }
                let inner = self.walk(favoured.inner(), boost)?;
                self.plan.langs.push(favoured.lang().clone());
                let lang = self.plan.langs.len() - 1;
                inner.map(|inner| Sum::Favoured {
                    inner: Box::new(inner),
                    lang,
                    other_weight,
                })
            } else if let Some(phrase) = query.downcast_ref::<PhraseQuery>() {
                // A phrase scores as tantivy's BM25 of the phrase's count, below idf × (1 + k1).
                let bound = Bm25Weight::for_terms(stats, &phrase.phrase_terms())?.max_score();
                Some(self.leaf(fixed(bound), boost))
            } else {
                self.prunable = false;
                None
            },
        )
    }
}

impl Leaf<'_> {
    /// Marks the documents this leaf matches in `reader` in `bits` (a bit per document), with
    /// `unscored` the scoring off, for counting matches.
    pub fn mark(
        &self,
        reader: &SegmentReader,
        unscored: EnableScoring<'_>,
        bits: &mut [u64],
    ) -> tantivy::Result<()> {
        let mut set = |doc: DocId| {
            if let Some(word) = bits.get_mut(doc as usize / 64) {
                *word |= 1 << (doc % 64);
            }
        };
        match &self.kind {
            LeafKind::Term(term) => {
                let inverted = reader.inverted_index(term.term().field())?;
                let postings =
                    inverted.read_block_postings(term.term(), IndexRecordOption::Basic)?;
                let Some(mut postings) = postings else {
                    return Ok(());
                };
                while postings.block_len() > 0 {
                    postings.docs().iter().for_each(|&doc| set(doc));
                    postings.advance();
                }
            }
            LeafKind::Fixed(query, _) => {
                let mut scorer = query.weight(unscored)?.scorer(reader, 1.0)?;
                while scorer.doc() != TERMINATED {
                    set(scorer.doc());
                    scorer.advance();
                }
            }
        }
        Ok(())
    }

    /// Whether this leaf is a BM25 term (bounded block by block).
    pub fn is_term(&self) -> bool {
        matches!(self.kind, LeafKind::Term(_))
    }

    /// The cursor over this leaf's matches in `reader`, `None` when it has none there.
    pub fn cursor(
        &self,
        reader: &SegmentReader,
        scoring: EnableScoring<'_>,
        stats: &dyn Bm25StatisticsProvider,
    ) -> tantivy::Result<Option<Cursor>> {
        match &self.kind {
            LeafKind::Term(term) => TermCursor::open(term, self.boost, reader, stats)
                .map(|cursor| cursor.map(|c| Cursor::Term(Box::new(c)))),
            LeafKind::Fixed(query, bound) => {
                let scorer = query.weight(scoring)?.scorer(reader, self.boost)?;
                if scorer.doc() == TERMINATED {
                    return Ok(None);
                }
                let bound = bound * self.boost * (1.0 + MARGIN);
                Ok(Some(Cursor::Fixed { scorer, bound }))
            }
        }
    }
}

/// A leaf's matches in one segment, with bounds of their scores.
pub enum Cursor {
    /// A BM25 term, read block by block.
    Term(Box<TermCursor>),
    /// Any other scorer, with one bound for all its matches.
    Fixed {
        /// The leaf's own scorer.
        scorer: Box<dyn Scorer>,
        /// Its scores' bound.
        bound: Score,
    },
}

impl Cursor {
    /// The current match (`TERMINATED` past the last).
    pub fn doc(&self) -> DocId {
        match self {
            Cursor::Term(term) => term.doc(),
            Cursor::Fixed { scorer, .. } => scorer.doc(),
        }
    }

    /// The next match.
    pub fn advance(&mut self) -> DocId {
        match self {
            Cursor::Term(term) => term.advance(),
            Cursor::Fixed { scorer, .. } => scorer.advance(),
        }
    }

    /// The first match at or after `target` (no move when already there).
    pub fn seek(&mut self, target: DocId) -> DocId {
        match self {
            Cursor::Term(term) => term.seek(target),
            Cursor::Fixed { scorer, .. } if scorer.doc() < target => scorer.seek(target),
            Cursor::Fixed { scorer, .. } => scorer.doc(),
        }
    }

    /// The score of the current match.
    pub fn score(&mut self) -> Score {
        match self {
            Cursor::Term(term) => term.score(),
            Cursor::Fixed { scorer, .. } => scorer.score(),
        }
    }

    /// The last document the current [`Cursor::bound`] holds for.
    pub fn bound_until(&self) -> DocId {
        match self {
            Cursor::Term(term) => term.block_last(),
            Cursor::Fixed { .. } => TERMINATED,
        }
    }

    /// A bound of the scores of the matches from the current one to [`Cursor::bound_until`].
    pub fn bound(&mut self) -> Score {
        match self {
            Cursor::Term(term) => term.block_bound(),
            Cursor::Fixed { bound, .. } => *bound,
        }
    }
}

/// A BM25 term's postings in one segment, scored as [`Bm25TermQuery`] scores them.
pub struct TermCursor {
    postings: BlockSegmentPostings,
    /// The current posting's place in the loaded block.
    at: usize,
    fieldnorms: FieldNormReader,
    /// idf × (k1 + 1) × boost.
    weight: Score,
    norms: Box<[Score; 256]>,
    /// k1 × b / the average length warta divides by.
    slope: Score,
    /// The average length's share `(1 - b) / b`, the `a` of `k1 × b / avg × (a + length)`.
    offset: Score,
    /// tantivy's BM25 with the segment's average length: the one its stored pairs maximise.
    segment_bm25: Bm25Weight,
    /// That BM25's `idf × (1 + k1)`, and its `k1 × b / average`.
    segment_weight: Score,
    segment_slope: Score,
    /// `(1 - b) / b` × the segment's average length.
    segment_offset: Score,
    /// The current block's bound, once asked for, and the block's last document it is of.
    cached: Option<(DocId, Score)>,
}

/// tantivy's BM25 saturation, with which it picked each block's best pair.
const TANTIVY_K1: Score = 1.2;

impl TermCursor {
    fn open(
        query: &Bm25TermQuery,
        boost: Score,
        reader: &SegmentReader,
        stats: &dyn Bm25StatisticsProvider,
    ) -> tantivy::Result<Option<TermCursor>> {
        let field = query.term().field();
        let inverted = reader.inverted_index(field)?;
        let Some(mut postings) =
            inverted.read_block_postings(query.term(), IndexRecordOption::WithFreqs)?
        else {
            return Ok(None);
        };
        let at = postings.seek(0);
        let scoring = query.scoring(stats)?;
        let fieldnorms = reader.get_fieldnorms_reader(field)?;
        // Without field norms tantivy stored no pairs: the blocks are bounded by the weight.
        let has_norms = reader.fieldnorms_readers().get_field(field)?.is_some();
        // The average length tantivy's postings writer took (`FieldSerializer::create`).
        let segment_avg = inverted.total_num_tokens() as Score / fieldnorms.num_docs() as Score;
        // idf ln 2 (one document in two): any idf does, the bound divides it out.
        let segment_bm25 = Bm25Weight::for_one_term_without_explain(1, 2, segment_avg);
        // Field norm id 0 is length 0, whose norm is k1 × (1 - b).
        let segment_weight = if has_norms && segment_avg > 0.0 && segment_avg.is_finite() {
            segment_bm25.score(0, 1) * (1.0 + TANTIVY_K1 * (1.0 - B))
        } else {
            0.0
        };
        let cursor = TermCursor {
            postings,
            at,
            fieldnorms,
            weight: scoring.weight * boost,
            norms: scoring.norms,
            slope: scoring.k1 * B / scoring.avg_len,
            offset: scoring.avg_len * (1.0 - B) / B,
            segment_bm25,
            segment_weight,
            segment_slope: TANTIVY_K1 * B / segment_avg,
            segment_offset: segment_avg * (1.0 - B) / B,
            cached: None,
        };
        Ok((cursor.doc() != TERMINATED).then_some(cursor))
    }

    fn doc(&self) -> DocId {
        let docs = self.postings.docs();
        docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn next_block(&mut self) {
        if self.postings.block_len() > 0 {
            self.postings.advance();
        }
        self.at = 0;
    }

    fn advance(&mut self) -> DocId {
        self.at += 1;
        if self.at >= self.postings.block_len() {
            self.next_block();
        }
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() >= target {
            return self.doc();
        }
        let last = self.block_last();
        if target <= last {
            let docs = self.postings.docs();
            self.at += docs[self.at..].partition_point(|&doc| doc < target);
            return self.doc();
        }
        self.at = self.postings.seek(target);
        if self.at >= self.postings.block_len() {
            self.next_block();
        }
        self.doc()
    }

    fn score(&self) -> Score {
        let id = self.fieldnorms.fieldnorm_id(self.doc());
        let tf = self.postings.freqs()[self.at] as Score;
        self.weight * tf / (tf + self.norms[id as usize])
    }

    fn block_last(&self) -> DocId {
        self.postings.docs().last().copied().unwrap_or(TERMINATED)
    }

    /// A bound of the scores of the current block. A score is `weight / (1 + slope × (a +
    /// length) / tf)`: it grows as `(a + length) / tf` shrinks, for any idf and saturation.
    /// tantivy stored the pair with the least `(a' + length) / tf`, `a'` from the segment's
    /// average; its tantivy score gives that least value `r`. For every posting, `(a + length)
    /// / tf ≥ min(1, a / a') × (a' + length) / tf ≥ min(1, a / a') × r`, which bounds warta's
    /// score. Blocks without a stored pair (the last, short one) are bounded by their best
    /// posting under tantivy's score, through the same inequality.
    fn block_bound(&mut self) -> Score {
        let last = self.block_last();
        if let Some((block, bound)) = self.cached {
            if block == last {
                return bound;
            }
        }
        let best = self
            .postings
            .block_max_score(&self.fieldnorms, &self.segment_bm25);
        let bound = if best > 0.0 && best.is_finite() && self.segment_weight > 0.0 {
            let r = ((self.segment_weight / best - 1.0) / self.segment_slope).max(0.0);
            let least = r * (self.offset / self.segment_offset).min(1.0);
            self.weight / (1.0 + self.slope * least)
        } else {
            self.weight
        };
        let bound = bound * (1.0 + MARGIN);
        self.cached = Some((last, bound));
        bound
    }
}
