//! In-RAM indexes for the search module's tests: articles added in commits of a given size,
//! some deleted after.

use super::Engine;
use crate::article::Article;
use crate::schema::{self, Fields, FileStamp};
use tantivy::Index;

/// An engine over `articles`, committed every `per_commit` of them.
pub(super) fn engine_of(articles: Vec<Article>, per_commit: usize) -> Engine {
    engine_deleting(&articles, per_commit, |_| false)
}

/// An engine over `articles`, committed every `per_commit` of them, with the articles whose
/// place in `articles` is `deleted` deleted after (in one more commit).
pub(super) fn engine_deleting(
    articles: &[Article],
    per_commit: usize,
    deleted: impl Fn(usize) -> bool,
) -> Engine {
    let (index, fields) = index_deleting(articles, per_commit, deleted);
    Engine::from_index(index, fields).unwrap()
}

/// The index [`engine_deleting`] searches.
pub(super) fn index_deleting(
    articles: &[Article],
    per_commit: usize,
    deleted: impl Fn(usize) -> bool,
) -> (Index, Fields) {
    let (index, fields) = schema::create_index_in_ram();
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
    for (n, article) in articles.iter().enumerate() {
        let stamp = FileStamp {
            key: article.path.clone(),
            mtime: 0,
            size: 0,
            hash: 0,
        };
        writer
            .add_document(fields.to_document(article, &stamp, Default::default()))
            .unwrap();
        if (n + 1) % per_commit == 0 {
            writer.commit().unwrap();
        }
    }
    writer.commit().unwrap();
    let mut any = false;
    for (_, article) in articles.iter().enumerate().filter(|(n, _)| deleted(*n)) {
        writer.delete_term(tantivy::Term::from_field_text(fields.id, &article.id));
        any = true;
    }
    if any {
        writer.commit().unwrap();
    }
    (index, fields)
}

/// An article in `lang` from `/news/{name}`.
pub(super) fn written(name: &str, lang: &str, title: &str, body: &str) -> Article {
    let path = format!("/news/{name}");
    Article {
        id: crate::common::article_id(&path),
        path,
        title: title.into(),
        body: body.into(),
        lang: lang.into(),
        ..Default::default()
    }
}
