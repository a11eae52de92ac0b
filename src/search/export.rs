//! Every stored article, one at a time, in the order of their ids: what `warta export` writes.
//! The order does not depend on segments or merges, so an export cut short resumes after the
//! last id it wrote. Only the ids' sort keys are held (16 bytes an article); each article is
//! read from the docstore when its turn comes.

use std::path::Path;

use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher};

use crate::article::Article;
use crate::error::Result;
use crate::schema::{self, Fields};

/// The stored articles of an index in id order, read lazily (see [`stored_articles`]).
pub struct StoredArticles {
    searcher: Searcher,
    fields: Fields,
    /// Every live article's id key and address, sorted.
    order: Vec<(u64, DocAddress)>,
    /// The position of the next article in `order`.
    next: usize,
}

/// Every live article of the index in `dir`, in the order of its id, as of the index's last
/// commit.
pub fn stored_articles(dir: &Path) -> Result<StoredArticles> {
    let (index, fields) = schema::open_index(dir)?;
    stored_articles_in(&index, fields)
}

/// [`stored_articles`] of an index already open (tests use one in RAM).
pub fn stored_articles_in(index: &Index, fields: Fields) -> Result<StoredArticles> {
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let name = index.schema().get_field_name(fields.id_key).to_string();
    let mut order = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let keys = segment.fast_fields().u64(&name)?;
        for doc in segment.doc_ids_alive() {
            let key = keys.first(doc).unwrap_or_default();
            order.push((key, DocAddress::new(ord as u32, doc)));
        }
    }
    order.sort_unstable();
    Ok(StoredArticles {
        searcher,
        fields,
        order,
        next: 0,
    })
}

impl StoredArticles {
    /// Skips every article up to and including the one with the id `id` (which need not be in
    /// the index): an export resumes after the last id it wrote.
    pub fn resume_after(mut self, id: &str) -> Self {
        let key = schema::id_key(id);
        let after = self.order.partition_point(|&(k, _)| k <= key);
        self.next = self.next.max(after);
        self
    }

    /// Articles not yet read.
    pub fn remaining(&self) -> usize {
        self.order.len() - self.next
    }
}

impl Iterator for StoredArticles {
    type Item = Result<Article>;

    fn next(&mut self) -> Option<Result<Article>> {
        let &(_, addr) = self.order.get(self.next)?;
        self.next += 1;
        Some(self.fields.stored_article(&self.searcher, addr))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining(), Some(self.remaining()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of articles from `/news/{n}.txt` for each `n`, committed in two segments.
    fn index(count: usize) -> (Index, Fields) {
        let articles: Vec<Article> = (0..count)
            .map(|n| {
                let path = format!("/news/{n}.txt");
                Article {
                    id: crate::common::article_id(&path),
                    title: format!("Article {n}"),
                    lang: "en".into(),
                    path,
                    ..Default::default()
                }
            })
            .collect();
        crate::search::test_index::index_deleting(&articles, count / 2 + 1, |_| false)
    }

    fn articles(index: &(Index, Fields)) -> StoredArticles {
        stored_articles_in(&index.0, index.1.clone()).unwrap()
    }

    fn ids(articles: StoredArticles) -> Vec<String> {
        articles.map(|a| a.unwrap().id).collect()
    }

    #[test]
    fn articles_come_in_id_order_across_segments() {
        let index = index(50);
        assert_eq!(index.0.searchable_segment_ids().unwrap().len(), 2);
        let all = ids(articles(&index));
        assert_eq!(all.len(), 50);
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted);
    }

    #[test]
    fn an_export_resumes_after_an_id() {
        let index = index(20);
        let all = ids(articles(&index));
        let rest = articles(&index).resume_after(&all[6]);
        assert_eq!(rest.remaining(), 13);
        assert_eq!(ids(rest), all[7..]);
        assert!(ids(articles(&index).resume_after(&all[19])).is_empty());
        // An id between two others (an article since removed) resumes at the next one.
        let between = format!("{:016x}", schema::id_key(&all[6]) + 1);
        assert_eq!(ids(articles(&index).resume_after(&between)), all[7..]);
    }
}
