//! The tests of ingest's front: file kinds, refusals, limits, ids.

use super::*;

#[test]
fn kinds_by_extension() {
    assert_eq!(kind_of(Path::new("a/b.txt")).unwrap().format, Format::Txt);
    assert!(kind_of(Path::new("a/b.TXT.gz")).unwrap().gzip);
    assert!(kind_of(Path::new("PROVENANCE.md")).is_none());
    assert!(kind_of(Path::new("README.txt")).is_none());
    assert!(kind_of(Path::new("image.png")).is_none());
    assert!(kind_of(Path::new("noext")).is_none());
}

#[test]
fn binary_and_empty_files_are_refused() {
    let kind = FileKind {
        format: Format::Txt,
        gzip: false,
    };
    assert!(matches!(
        parse("a", "a", kind, b"ab\0cd", &FieldMap::default()),
        Err(IngestError::Binary(2))
    ));
    assert!(matches!(
        parse("a", "a", kind, b" \n\n ", &FieldMap::default()),
        Err(IngestError::Empty)
    ));
}

#[test]
fn invalid_utf8_is_read_lossily_with_a_warning() {
    let kind = FileKind {
        format: Format::Txt,
        gzip: false,
    };
    let got = parse(
        "a.txt",
        "/x/a.txt",
        kind,
        b"Price rise\n\nIt costs \xa3100 now.\n",
        &FieldMap::default(),
    )
    .unwrap();
    assert_eq!(got.articles[0].title, "Price rise");
    assert!(got.articles[0].lede.contains("costs"));
    assert_eq!(got.notes.len(), 1);
}

#[test]
fn ids_are_stable_and_distinct() {
    assert_eq!(article_id("/x/a.txt"), article_id("/x/a.txt"));
    assert_ne!(article_id("/x/a.txt"), article_id("/x/b.txt"));
    assert_eq!(article_id("/x/a.txt").len(), 16);
}

#[test]
fn dates_an_index_cannot_hold_are_left_out_with_a_note() {
    let txt = FileKind {
        format: Format::Txt,
        gzip: false,
    };
    for (date, kept) in [
        ("9999-12-31", false),
        ("0001-01-01", false),
        ("1677-01-01", false),
        ("1678-01-01", true),
        ("2261-12-31", true),
        ("2262-06-01", false),
    ] {
        let text = format!("Date: {date}\n\nTitle\n\nText.\n");
        let got = parse_within(
            "a",
            "a",
            txt,
            text.as_bytes(),
            &FieldMap::default(),
            &Limits::default(),
            Deadline::never(),
        )
        .unwrap();
        assert_eq!(got.articles[0].published.is_some(), kept, "{date}");
        assert_eq!(got.notes.len(), usize::from(!kept), "{date}");
    }
}

#[test]
fn long_texts_and_many_records_are_cut_with_warnings() {
    let limits = Limits {
        article_bytes: 100,
        records: 3,
        ..Limits::default()
    };
    let txt = FileKind {
        format: Format::Txt,
        gzip: false,
    };
    let long = format!("Title\n\nLede.\n\n{}\n", "ü".repeat(500));
    let got = parse_within(
        "a",
        "a",
        txt,
        long.as_bytes(),
        &FieldMap::default(),
        &limits,
        Deadline::never(),
    )
    .unwrap();
    let a = &got.articles[0];
    assert!(a.title.len() + a.lede.len() + a.body.len() <= 100);
    assert_eq!(a.title, "Title");
    assert!(got.notes[0].reason.contains("cut to the first 100 bytes"));
    let jsonl = FileKind {
        format: Format::JsonLines,
        gzip: false,
    };
    let lines = "{\"title\": \"t\", \"body\": \"b\"}\n".repeat(10);
    let got = parse_within(
        "a",
        "a",
        jsonl,
        lines.as_bytes(),
        &FieldMap::default(),
        &limits,
        Deadline::never(),
    )
    .unwrap();
    assert_eq!(got.articles.len(), 3);
    assert!(got
        .notes
        .iter()
        .any(|n| n.reason.contains("more than 3 records")));
    let spent = Deadline::after(std::time::Duration::ZERO);
    std::thread::sleep(std::time::Duration::from_millis(2));
    assert!(matches!(
        parse_within(
            "a",
            "a",
            jsonl,
            lines.as_bytes(),
            &FieldMap::default(),
            &limits,
            spent
        ),
        Err(IngestError::TooSlow(_))
    ));
}
