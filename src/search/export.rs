//! Every stored article, one at a time, in the order of their ids: what `warta export` writes.
//! The order does not depend on segments or merges, so an export cut short resumes after the
//! last id it wrote. Only the ids' sort keys are held (16 bytes an article); each article is
//! read from the docstore when its turn comes.

use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::Engine;
use crate::article::Article;
use crate::error::Result;
use crate::schema::{self, Fields};

/// The stored articles of an index in id order, read lazily (see [`Engine::articles_after`]).
pub struct StoredArticles {
    searcher: Searcher,
    fields: Fields,
    order: std::vec::IntoIter<(u64, DocAddress)>,
}

impl StoredArticles {
    /// Articles not yet read.
    pub fn remaining(&self) -> usize {
        self.order.len()
    }
}

impl Iterator for StoredArticles {
    type Item = Result<Article>;

    fn next(&mut self) -> Option<Result<Article>> {
        let (_, addr) = self.order.next()?;
        let doc: tantivy::Result<TantivyDocument> = self.searcher.doc(addr);
        Some(
            doc.map(|doc| self.fields.to_article(&doc))
                .map_err(Into::into),
        )
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.order.size_hint()
    }
}

impl Engine {
    /// Every live article in the order of its id, starting after the id `after` (from the
    /// first with `None`), as of the engine's last commit.
    pub fn articles_after(&self, after: Option<&str>) -> Result<StoredArticles> {
        let searcher = self.reader.searcher();
        let after = after.map(schema::id_key);
        let name = self.field_name(self.fields.id_key);
        let mut order = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let keys = segment.fast_fields().u64(&name)?;
            for doc in segment.doc_ids_alive() {
                let key = keys.first(doc).unwrap_or_default();
                if after.is_none_or(|after| key > after) {
                    order.push((key, DocAddress::new(ord as u32, doc)));
                }
            }
        }
        order.sort_unstable();
        Ok(StoredArticles {
            searcher,
            fields: self.fields.clone(),
            order: order.into_iter(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::FileStamp;

    /// An engine over articles from `/news/{n}.txt` for each `n`, committed in two segments.
    fn engine(count: usize) -> Engine {
        let (index, fields) = schema::create_index_in_ram();
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for n in 0..count {
            let path = format!("/news/{n}.txt");
            let article = Article {
                id: crate::ingest::article_id(&path),
                title: format!("Article {n}"),
                lang: "en".into(),
                path,
                ..Default::default()
            };
            let stamp = FileStamp {
                key: article.path.clone(),
                mtime: 0,
                size: 0,
                hash: 0,
            };
            writer
                .add_document(fields.to_document(&article, &stamp, Default::default()))
                .unwrap();
            if n == count / 2 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        Engine::from_index(index, fields).unwrap()
    }

    fn ids(articles: StoredArticles) -> Vec<String> {
        articles.map(|a| a.unwrap().id).collect()
    }

    #[test]
    fn articles_come_in_id_order_across_segments() {
        let engine = engine(50);
        let all = ids(engine.articles_after(None).unwrap());
        assert_eq!(all.len(), 50);
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted);
    }

    #[test]
    fn an_export_resumes_after_an_id() {
        let engine = engine(20);
        let all = ids(engine.articles_after(None).unwrap());
        let rest = engine.articles_after(Some(&all[6])).unwrap();
        assert_eq!(rest.remaining(), 13);
        assert_eq!(ids(rest), all[7..]);
        assert!(ids(engine.articles_after(Some(&all[19])).unwrap()).is_empty());
    }
}
