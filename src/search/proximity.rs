//! Proximity: among the best-ranked hits of a query with words typed side by side, those where
//! the words stand close together (in either order) rank above those where they are apart.
//! A pass over the top of the ranking rather than phrase clauses in the query: it reads the
//! positions of a fixed number of hits only, whatever the words' frequency, and leaves the
//! query's matches, their number and the facets as they are.

use std::collections::BTreeMap;

use tantivy::postings::Postings;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED};

use crate::error::Result;
use crate::query::{bm25, NearPair};
use crate::schema::analysis;

/// How many of the best-ranked hits are rescored. The order below them is left to the words'
/// scores, so every page is cut from the same ranking: a rescored hit only gains, and was
/// already above every hit below the window.
pub const WINDOW: usize = 100;
/// The weight of closeness against the words' own scores, in Indonesian articles, and in the
/// others. Chosen on the judged sets (`eval/README.md`): Indonesian queries gain from it
/// (stemming folds many words into one, and a pair such as `pesan tiket` means what its words
/// side by side mean), English ones lose a little at any larger weight, so there it only
/// orders articles the words' scores leave level.
pub const WEIGHT_INDONESIAN: f32 = 1.0;
/// See [`WEIGHT_INDONESIAN`].
pub const WEIGHT_OTHERS: f32 = 0.1;
/// Words further apart than this many positions are not close.
const REACH: u32 = 5;
/// The most times either word of a pair may stand in an article for its positions to be read:
/// an article of megabytes may hold a word a hundred thousand times, and decoding those for
/// each of 100 hits and 24 pairs would cost more than the search. Such an article gets no
/// closeness for the pair (its words' own scores have saturated long before).
const MAX_POSITIONS: u32 = 4096;

/// Adds to each hit's score its closeness bonus, scaled by `scale` of the hit (the factor
/// its score was multiplied by, as `--recent`'s decay), and sorts the hits again (a stable
/// sort: equal scores keep their order).
pub fn rescore(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    pairs: &[NearPair],
    hits: &mut [(f32, DocAddress)],
    scale: impl Fn(DocAddress) -> f32,
) -> Result<()> {
    if pairs.is_empty() || hits.is_empty() {
        return Ok(());
    }
    let bonuses = bonuses(searcher, stats, pairs, hits)?;
    for (hit, bonus) in hits.iter_mut().zip(bonuses) {
        if bonus > 0.0 {
            hit.0 += bonus * scale(hit.1);
        }
    }
    hits.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(())
}

/// Each hit's weighted closeness, averaged over the pairs of its language's field: a pair's
/// saturated closeness in the article times the lesser idf of its two words (so that `the
/// internet` counts for little). Averaged, so a long question's many pairs weigh as much as a
/// two-word query's one.
fn bonuses(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    pairs: &[NearPair],
    hits: &[(f32, DocAddress)],
) -> Result<Vec<f32>> {
    let mut bonuses = vec![0.0f32; hits.len()];
    // The hits of each segment, by document number (postings are read forward).
    let mut segments: BTreeMap<u32, Vec<(u32, usize)>> = BTreeMap::new();
    for (i, (_, addr)) in hits.iter().enumerate() {
        segments
            .entry(addr.segment_ord)
            .or_default()
            .push((addr.doc_id, i));
    }
    segments.values_mut().for_each(|docs| docs.sort_unstable());
    // Live documents only (see `live_stats`), as the words' own scores count them.
    let total = stats.total_num_docs()?;
    let in_field = |f| pairs.iter().filter(|p| p.first.field() == f).count() as f32;
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for pair in pairs {
        let idf = |term| -> Result<f32> { Ok(bm25::idf(stats.doc_freq(term)?, total)) };
        let weight = match pair.analyzer {
            analysis::ID => WEIGHT_INDONESIAN,
            _ => WEIGHT_OTHERS,
        };
        let weight =
            weight * idf(&pair.first)?.min(idf(&pair.second)?) / in_field(pair.first.field());
        for (&segment, docs) in &segments {
            let inverted = searcher
                .segment_reader(segment)
                .inverted_index(pair.first.field())?;
            let option = IndexRecordOption::WithFreqsAndPositions;
            let (Some(mut a), Some(mut b)) = (
                inverted.read_postings(&pair.first, option)?,
                inverted.read_postings(&pair.second, option)?,
            ) else {
                continue;
            };
            for &(doc, i) in docs.iter() {
                if a.doc() == TERMINATED || b.doc() == TERMINATED {
                    break;
                }
                if a.doc() < doc {
                    a.seek(doc);
                }
                if b.doc() < doc {
                    b.seek(doc);
                }
                if a.doc() != doc || b.doc() != doc {
                    continue;
                }
                if a.term_freq() > MAX_POSITIONS || b.term_freq() > MAX_POSITIONS {
                    continue;
                }
                first.clear();
                second.clear();
                a.positions(&mut first);
                b.positions(&mut second);
                let near = closeness(&first, &second);
                bonuses[i] += weight * near / (near + 1.0);
            }
        }
    }
    Ok(bonuses)
}

/// How close two words stand in a text, from their sorted positions: for each position of
/// the first, the nearest of the second within [`REACH`] adds `1 / distance²` (side by side
/// counts 1, two apart a quarter).
fn closeness(first: &[u32], second: &[u32]) -> f32 {
    let mut sum = 0.0;
    let mut j = 0;
    for &p in first {
        while j + 1 < second.len() && second[j + 1] <= p {
            j += 1;
        }
        // The nearest of `second` is at j (at or before p, or the first) or j + 1 (after p).
        let nearest = [second.get(j), second.get(j + 1)]
            .into_iter()
            .flatten()
            .map(|&q| p.abs_diff(q))
            .filter(|&d| d > 0)
            .min();
        if let Some(d) = nearest.filter(|&d| d <= REACH) {
            sum += 1.0 / (d * d) as f32;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::closeness;

    #[test]
    fn side_by_side_counts_most_in_either_order() {
        assert_eq!(closeness(&[3], &[4]), 1.0);
        assert_eq!(closeness(&[4], &[3]), 1.0);
        assert_eq!(closeness(&[3], &[5]), 0.25);
        assert_eq!(closeness(&[3], &[9]), 0.0, "beyond reach");
        assert_eq!(closeness(&[], &[1]), 0.0);
        assert_eq!(closeness(&[1, 10, 20], &[2, 11]), 2.0);
        // Each position of the first looks at its nearest of the second, before or after.
        assert_eq!(closeness(&[5], &[1, 2, 7, 30]), 0.25);
    }
}
