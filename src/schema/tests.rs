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

#[test]
fn a_long_body_keeps_its_rest_out_of_the_docstore_and_comes_back_whole() {
    let (index, fields) = create_index_in_ram();
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15 << 20).unwrap();
    let stamp = FileStamp {
        key: "/x/a.txt".into(),
        mtime: 1,
        size: 2,
        hash: 3,
    };
    // A body of 3 MiB with a character of two bytes across the cut.
    let long = Article {
        id: "00000000000000aa".into(),
        lede: "lede words ".repeat(30_000),
        body: format!(
            "{}é{}",
            "a".repeat(STORED_BODY_BYTES - 1),
            "word ".repeat(600_000)
        ),
        ..sample()
    };
    writer
        .add_document(fields.to_document(&long, &stamp, StoryStamp::default()))
        .unwrap();
    writer
        .add_document(fields.to_document(&sample(), &stamp, StoryStamp::default()))
        .unwrap();
    writer.commit().unwrap();
    let searcher = index.reader().unwrap().searcher();
    let addrs: Vec<DocAddress> = (0..searcher.segment_readers().len() as u32)
        .flat_map(|s| (0..searcher.segment_reader(s).max_doc()).map(move |d| DocAddress::new(s, d)))
        .collect();
    let id_of = |a: DocAddress| fields.to_article(&searcher.doc(a).unwrap()).id;
    let long_at = *addrs.iter().find(|&&a| id_of(a) == long.id).unwrap();
    let short_at = *addrs.iter().find(|&&a| id_of(a) == sample().id).unwrap();
    let addr = |n| if n == 0 { long_at } else { short_at };
    let stored: TantivyDocument = searcher.doc(addr(0)).unwrap();
    let hit = fields.to_article(&stored);
    assert_eq!(hit.body.len(), STORED_BODY_BYTES - 1, "cut before the é");
    assert_eq!(hit.lede.len(), STORED_BODY_BYTES);
    let whole = fields.stored_article(&searcher, addr(0)).unwrap();
    assert_eq!(whole.body.len(), long.body.len());
    assert_eq!(whole.lede.len(), long.lede.len());
    assert!(whole == long, "the article comes back as it was");
    assert_eq!(fields.stored_article(&searcher, addr(1)).unwrap(), sample());
}
