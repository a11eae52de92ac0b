//! Tests of `src/schema/mod.rs`, kept beside it.

use super::*;

#[test]
fn an_index_opens_only_with_the_schema_it_was_built_with() {
    let ours = tempfile::tempdir().unwrap();
    create_index(ours.path()).unwrap();
    assert!(open_index(ours.path()).is_ok());

    let other = tempfile::tempdir().unwrap();
    let mut builder = Schema::builder();
    builder.add_text_field("title", tantivy::schema::TEXT);
    Index::create_in_dir(other.path(), builder.build()).unwrap();
    assert!(matches!(
        open_index(other.path()),
        Err(Error::SchemaMismatch(_))
    ));
}

fn sample() -> Article {
    Article {
        id: "0123456789abcdef".into(),
        path: "corpus/a.txt".into(),
        title: "Judul".into(),
        lede: "Lede.".into(),
        body: "Isi.".into(),
        headings: vec!["Sub".into()],
        url: Some("https://x.id".into()),
        source: Some("DailySocial.id".into()),
        author: None,
        published: Published::from_iso("2025-08-29"),
        lang: "id".into(),
        tags: vec!["ai".into()],
        fetched: Published::from_iso("2024-03-05T10:20:30Z"),
        ..Article::default()
    }
}

#[test]
fn an_article_survives_the_round_trip() {
    let (_, fields) = build_schema();
    let stamp = FileStamp {
        key: "/x/a.txt".into(),
        mtime: 1,
        size: 2,
        hash: 3,
    };
    let doc = fields.to_document(&sample(), &stamp, StoryStamp::default());
    assert_eq!(fields.to_article(&doc), sample());
}

#[test]
fn source_keys_are_lower_case() {
    assert_eq!(source_key(" DailySocial.id "), "dailysocial.id");
}
