//! The final merge of a bulk run: its segments become one (or one per thread on a large index),
//! because every search pays per segment.

use std::path::Path;

use tantivy::index::SegmentId;
use tantivy::{Index, IndexWriter};

use super::{Phase, Progress};
use crate::schema::PARALLEL_MIN_DOCS;

/// Merges every segment into one after a bulk run (a first build, `--rebuild`, or one that read
/// at least as many files as the index held), not a daily update of a few files, which the
/// merge policy looks after. Such a run leaves a segment per flush of each thread's memory
/// budget, and every search pays per segment: opening its files (in every `warta search`
/// process), a term-dictionary lookup per query term and field, a scoring pass. The merge needs
/// as much free disk as the index takes. Only an optimisation: if the writer cannot be had
/// again (another process took it) or the merge fails, the index stays as committed.
///
/// `release_memory`, when given, hands memory the allocator still holds back to the system
/// before the merge reads every segment; `progress` hears when the merge has started.
pub(super) fn merge_after_bulk(
    index: &Index,
    dir: &Path,
    threads: usize,
    release_memory: Option<fn()>,
    progress: &dyn Progress,
) {
    let Ok(metas) = index.searchable_segment_metas() else {
        return;
    };
    if metas.len() < 2 {
        return;
    }
    let live: u64 = metas.iter().map(|m| u64::from(m.num_docs())).sum();
    // A large index is merged into one segment per thread instead, of about equal size, which
    // a search then scores side by side (`schema::PARALLEL_MIN_DOCS`).
    let parts = if live >= PARALLEL_MIN_DOCS {
        threads.clamp(1, metas.len())
    } else {
        1
    };
    let sizes: Vec<(SegmentId, u64)> = metas
        .iter()
        .map(|m| (m.id(), u64::from(m.num_docs())))
        .collect();
    let groups = balance(&sizes, parts);
    // The merge reads every segment through mmap (its pages are trimmed from the resident set
    // as it goes, see `trim`), on top of what the indexing threads' allocator still holds.
    if let Some(release) = release_memory {
        release();
    }
    let Ok(mut merger) = idle_writer(index) else {
        return;
    };
    // The merges keep the last commit's payload (tantivy saves the metas with it), and run
    // side by side.
    let merges: Vec<_> = groups
        .iter()
        .filter(|group| group.len() > 1)
        .map(|group| merger.merge(group))
        .collect();
    progress.phase(Phase::Merge);
    for merge in merges {
        let _ = merge.wait();
    }
    let _ = merger.wait_merging_threads();
    // The merged segments' files count as in use until the merge is over; a writer on the
    // index opened afresh deletes them (as tantivy-cli's `merge` does).
    let reopened = Index::open_in_dir(dir).and_then(|index| idle_writer(&index));
    if let Ok(collector) = reopened {
        let _ = collector.garbage_collect_files().wait();
        let _ = collector.wait_merging_threads();
    }
}

/// Splits items of the given sizes into `parts` groups of about equal total size: largest
/// first, each into the lightest group so far.
fn balance<T: Copy>(sizes: &[(T, u64)], parts: usize) -> Vec<Vec<T>> {
    let mut groups: Vec<(u64, Vec<T>)> = vec![(0, Vec::new()); parts.max(1)];
    let mut by_size: Vec<&(T, u64)> = sizes.iter().collect();
    by_size.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    for &(item, size) in by_size {
        if let Some(lightest) = groups.iter_mut().min_by_key(|(total, _)| *total) {
            lightest.0 += size;
            lightest.1.push(item);
        }
    }
    groups.into_iter().map(|(_, group)| group).collect()
}

/// A writer that adds nothing (merges, collects files): one indexing thread with tantivy's least
/// budget.
pub(super) fn idle_writer(index: &Index) -> tantivy::Result<IndexWriter> {
    index.writer_with_num_threads(1, 15 << 20)
}

#[cfg(test)]
mod tests {
    use super::balance;

    #[test]
    fn one_part_takes_every_segment() {
        let groups = balance(&[('a', 5), ('b', 9), ('c', 1)], 1);
        assert_eq!(groups, vec![vec!['b', 'a', 'c']]);
    }

    #[test]
    fn parts_come_out_about_equal_in_size() {
        let sizes = [('a', 50), ('b', 40), ('c', 30), ('d', 20), ('e', 10)];
        let groups = balance(&sizes, 2);
        let total = |group: &Vec<char>| -> u64 {
            group
                .iter()
                .map(|c| sizes.iter().find(|(s, _)| s == c).unwrap().1)
                .sum()
        };
        assert_eq!(groups, vec![vec!['a', 'd', 'e'], vec!['b', 'c']]);
        assert_eq!((total(&groups[0]), total(&groups[1])), (80, 70));
    }
}
