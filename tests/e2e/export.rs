//! `warta export`: every stored article as JSON lines, which `warta index` reads back as the
//! same articles; resuming a file that was cut short; and an index built by another schema
//! version refused by every command.

use std::collections::BTreeMap;

use crate::json::ArticleJson;
use crate::util::Sandbox;

/// Articles with every kind of metadata, in both languages: dates with and without a time and
/// offset, sources written in mixed case, authors, tags as lists and as text, a language given
/// and one detected.
const WIRE: &str = r#"{"title": "KabarTekno: startup logistik Rantai raih pendanaan seri B", "lede": "Putaran ini dipimpin oleh investor asal Singapura.", "body": "Rantai akan memakai dana segar untuk memperluas gudang di Jawa Timur.\n\nPerusahaan juga merekrut dua ratus karyawan baru tahun depan.", "url": "https://kabartekno.example/rantai-seri-b", "source": "KabarTekno", "author": "Dewi Lestari", "published": "2025-08-29T09:15:00+07:00", "lang": "id", "tags": ["pendanaan", "logistik"]}
{"title": "Chip plant in Batam starts trial production", "body": "The plant will make power chips for electric scooters.\n\nOutput is planned to reach ten thousand wafers a month by 2027.", "url": "https://wire.example/batam-chips", "source": "Wire.Example", "author": "Sam Ortiz, Lina Wu", "published": "2025-09-01", "lang": "en", "tags": "chips; manufacturing"}
{"title": "Pemerintah siapkan aturan baru untuk layanan paylater", "body": "Otoritas Jasa Keuangan menyiapkan batas usia dan penghasilan minimum bagi pengguna layanan paylater. Aturan ini akan berlaku mulai tahun depan setelah masa konsultasi publik selesai."}
"#;

/// Every article of an export, by title and URL (ids and paths differ between indexes).
fn by_title(export: &str) -> BTreeMap<(String, Option<String>), ArticleJson> {
    let mut articles = BTreeMap::new();
    for line in export.lines() {
        let article: ArticleJson =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("bad line ({e}): {line}"));
        let key = (article.title.clone(), article.url.clone());
        assert!(articles.insert(key, article).is_none(), "{line}");
    }
    articles
}

#[test]
fn an_export_indexed_again_holds_the_same_articles() {
    let s = Sandbox::with_corpus();
    s.write("wire/wire.jsonl", WIRE);
    s.run(&["index", "corpus", "wire"]).code(0);
    let first = s.run(&["export"]).code(0);
    assert_eq!(first.stderr, "");
    let original = by_title(&first.stdout);
    let stats: serde_json::Value =
        serde_json::from_str(&s.run(&["stats", "--json"]).stdout).unwrap();
    assert_eq!(original.len() as u64, stats["documents"].as_u64().unwrap());
    assert!(original.len() > 30);

    s.write("again/export.jsonl", &first.stdout);
    s.run(&["--index", "second", "index", "again"]).code(0);
    let second = s.run(&["--index", "second", "export"]).code(0);
    let copy = by_title(&second.stdout);
    assert_eq!(
        original.keys().collect::<Vec<_>>(),
        copy.keys().collect::<Vec<_>>()
    );
    for (key, a) in &original {
        let b = &copy[key];
        let fields = |x: &ArticleJson| {
            (
                x.lede.clone(),
                x.body.clone(),
                x.headings.clone(),
                x.source.clone(),
                x.author.clone(),
                x.published.clone(),
                x.lang.clone(),
                x.tags.clone(),
            )
        };
        assert_eq!(fields(a), fields(b), "{key:?}");
    }
    // The metadata of the fixture came through as written.
    let rantai = original
        .values()
        .find(|a| a.title.starts_with("KabarTekno:"))
        .unwrap();
    assert_eq!(rantai.source.as_deref(), Some("KabarTekno"));
    assert_eq!(
        rantai.published.as_deref(),
        Some("2025-08-29T09:15:00+07:00")
    );
    assert_eq!(rantai.tags, ["pendanaan", "logistik"]);
    let paylater = original
        .values()
        .find(|a| a.title.starts_with("Pemerintah"))
        .unwrap();
    assert_eq!(
        (paylater.lang.as_str(), paylater.published.as_deref()),
        ("id", None)
    );
    // The search results read the same.
    let titles = |index: &str| {
        let run = s.run(&["--index", index, "search", "pendanaan", "--format", "tsv"]);
        let run = run.code(0);
        run.stdout
            .lines()
            .map(|l| l.split('\t').nth(6).unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(titles("index"), titles("second"));
}

#[test]
fn an_export_is_in_id_order_and_starts_after_an_id() {
    let s = Sandbox::with_corpus();
    s.run(&["index"]).code(0);
    let all = s.run(&["export"]).code(0).stdout;
    let ids: Vec<String> = all
        .lines()
        .map(|l| serde_json::from_str::<ArticleJson>(l).unwrap().id)
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let rest = s.run(&["export", "--after", &ids[9]]).code(0).stdout;
    let tail: Vec<&str> = all.lines().skip(10).collect();
    assert_eq!(rest.lines().collect::<Vec<_>>(), tail);
    let bad = s.run(&["export", "--after", "corpus/a.txt"]).code(2);
    assert!(bad.stderr.contains("not an article id"), "{}", bad.stderr);
}

#[test]
fn an_export_file_cut_short_is_resumed_after_its_last_complete_line() {
    let s = Sandbox::with_corpus();
    s.run(&["index"]).code(0);
    let written = s.run(&["export", "--output", "out.jsonl"]).code(0);
    assert_eq!(written.stdout, "");
    assert!(
        written.stderr.contains("wrote 32 articles to out.jsonl"),
        "{}",
        written.stderr
    );
    let full = std::fs::read_to_string(s.path().join("out.jsonl")).unwrap();
    assert_eq!(full, s.run(&["export"]).stdout);

    // Stopped in the middle of the twelfth line.
    let cut: usize = full.lines().take(11).map(|l| l.len() + 1).sum::<usize>() + 40;
    s.write("out.jsonl", &full[..cut]);
    let resumed = s.run(&["export", "-o", "out.jsonl"]).code(0);
    assert!(
        resumed.stderr.contains("partial line"),
        "{}",
        resumed.stderr
    );
    assert!(
        resumed.stderr.contains("resuming out.jsonl after article"),
        "{}",
        resumed.stderr
    );
    assert!(
        resumed.stderr.contains("wrote 21 articles"),
        "{}",
        resumed.stderr
    );
    assert_eq!(
        std::fs::read_to_string(s.path().join("out.jsonl")).unwrap(),
        full
    );

    // A finished file has nothing left to add.
    let again = s.run(&["export", "-o", "out.jsonl"]).code(0);
    assert!(
        again.stderr.contains("wrote 0 articles"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(s.path().join("out.jsonl")).unwrap(),
        full
    );

    // A file that is not an export is left alone.
    s.write("notes.txt", "shopping list\n");
    let refused = s.run(&["export", "-o", "notes.txt"]).code(2);
    assert!(
        refused.stderr.starts_with("warta: writing notes.txt"),
        "{}",
        refused.stderr
    );
}

/// Rewrites the schema version in the index's last commit payload.
fn set_schema_version(s: &Sandbox, version: u64) {
    let meta = s.path().join("index/meta.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    let mut payload: serde_json::Value =
        serde_json::from_str(json["payload"].as_str().unwrap()).unwrap();
    payload["schema"] = version.into();
    json["payload"] = payload.to_string().into();
    std::fs::write(&meta, json.to_string()).unwrap();
}

#[test]
fn an_index_built_by_another_schema_version_is_refused_until_rebuilt() {
    let s = Sandbox::with_corpus();
    s.run(&["index"]).code(0);
    let id = serde_json::from_str::<ArticleJson>(s.run(&["export"]).stdout.lines().next().unwrap())
        .unwrap()
        .id;
    set_schema_version(&s, u64::from(warta::schema::SCHEMA_VERSION) + 1);
    for args in [
        vec!["search", "paylater"],
        vec!["show", &id],
        vec!["stats"],
        vec!["similar", &id],
        vec!["export"],
        vec!["index"],
    ] {
        let run = s.run(&args).code(2);
        assert_eq!(run.stdout, "", "{args:?}");
        assert_eq!(
            run.stderr,
            "warta: this index (index) was built by another version of warta; \
             run `warta index --rebuild`\n",
            "{args:?}"
        );
    }
    s.run(&["index", "--rebuild"]).code(0);
    s.run(&["search", "paylater"]).code(0);
    s.run(&["show", &id]).code(0);
}
