//! Every input format, each field-name variant and each date shape, on fixtures written here;
//! and a folder of bad input beside good articles in every format.

use std::io::Write;

use crate::json::{ArticleJson, IndexJson, SearchJson};
use crate::util::Sandbox;

/// The one article a made-up word finds, in full.
fn only(s: &Sandbox, word: &str) -> ArticleJson {
    let found: SearchJson = s.run(&["search", word, "--json"]).code(0).json();
    assert_eq!(found.total, 1, "{word}: {:?}", found.hits);
    s.run(&["show", &found.hits[0].id, "--json"]).code(0).json()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// One good article per format and variant; returns how many articles they hold.
fn write_good_articles(s: &Sandbox, dir: &str) -> u64 {
    let w = |rel: &str, text: &str| s.write(&format!("{dir}/{rel}"), text);
    w(
        "notes/yaml.md",
        "---\ntitle: Quantum chips arrive\ndate: Aug 29, 2025\nsource: Lab Notes\n\
         tags: [chips, quantum]\nurl: https://notes.example/q\nauthor: Dewi\n---\n\n\
         # Quantum chips arrive\n\nThe first **zorblat** chips [shipped](https://x.example) today.\n\n\
         ## Why it matters\n\nBecause `qubits` are hard.\n",
    );
    w(
        "notes/toml.markdown",
        "+++\ntitle = \"Satelit baru diluncurkan\"\ndate = 2025-08-29T10:00:00+07:00\n\
         source = \"Catatan\"\n+++\n\nSatelit **vornikel** diluncurkan pagi ini dari Biak.\n",
    );
    w(
        "notes/heading.md",
        "# Robots learn to fold\n\nA robot named glimber folds laundry.\n",
    );
    w(
        "web/page.html",
        r#"<!doctype html><html lang="en"><head>
        <title>Drones map reefs | Ocean Wire</title>
        <meta property="og:site_name" content="Ocean Wire">
        <meta property="og:title" content="Drones map reefs">
        <meta property="article:published_time" content="2025-08-29T09:15:00Z">
        <meta name="author" content="Sam Reef">
        <link rel="canonical" href="https://oceanwire.example/reefs">
        <script>var trackzork = 1;</script><style>.stylezork{}</style></head>
        <body><nav class="menu">navzork home</nav>
        <article><h1>Drones map reefs</h1>
        <p>Underwater drones called plimbo mapped the reef.</p>
        <div class="related-links">relzork story</div>
        <div id="share-bar">sharezork</div></article>
        <aside>asidezork</aside><footer>footzork copyright</footer></body></html>"#,
    );
    w(
        "web/ld.htm",
        r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle",
        "headline":"Fintech naik daun","datePublished":"2025-08-29",
        "publisher":{"@type":"Organization","name":"Kabar LD"}}</script></head>
        <body><main><p>Dompet digital quarvit makin populer di Jakarta.</p></main></body></html>"#,
    );
    w(
        "data/one.json",
        r#"{"headline": "Battery breakthrough", "text": "A battery called snorvex charges fast.",
            "pubDate": "Fri, 29 Aug 2025 09:15:00 +0000", "link": "https://b.example/1"}"#,
    );
    w(
        "data/array.json",
        r#"[{"title": "Chip fab opens", "content": "The fab makes trondle wafers.",
             "published_at": "2025-08-29", "site": "Fab News"},
            {"Headline": "Cloud prices fall", "Article": "Prices of wumbat storage fell.",
             "publish_date": "29 Agustus 2025", "Publisher": "Awan"}]"#,
    );
    w(
        "data/wrapped.json",
        r#"{"status": "ok", "articles": [{"source": {"id": null, "name": "Wire API"},
            "title": "Phones get thinner", "description": "A teaser about flinder phones.",
            "content": "Flinder phones are thin.", "publishedAt": "2025-08-29T09:15:00Z",
            "url": "https://w.example/p"}]}"#,
    );
    w(
        "data/feed.jsonl",
        "{\"title\": \"Rocket lands\", \"body\": \"The rocket gorpix landed.\", \"date\": \"Fri, 29 Aug 2025 09:15:00 GMT\", \"author\": \"Ana\"}\n\
         \n\
         {\"headline\": \"Startup raises\", \"description\": \"Startup blenwick raised money.\", \"timestamp\": 1756450800, \"category\": \"funding\"}\n\
         {\"title\": \"COCOA REVIEW\", \"body\": \"Showers continued in\\nthe zone for kaprin.\\n    Dry period ends.\", \"date\": \"26-FEB-1987 15:01:01.79\", \"tags\": [\"cocoa\"]}\n",
    );
    w(
        "data/rows.csv",
        "headline,Description,link,PubDate,Publisher\n\
         \"Chips, again\",\"Makers of zentro chips\nsaid more.\",https://c.example,29 Agustus 2025,Tekno\n\
         Second row,A row about mivvle.,https://c.example/2,2025-08-29,Tekno\n",
    );
    w(
        "data/rows.tsv",
        "title\tbody\tdate\tsource\n\
         Warung online\tWarung daring bernama pendok ramai.\tJumat, 29/08/2025\tKabar\n",
    );
    s.write(
        &format!("{dir}/gz/feed.jsonl.gz"),
        gzip(b"{\"title\": \"Zipped\", \"body\": \"A zipped story about yorbel.\"}\n"),
    );
    // 3 Markdown, 2 HTML, 1 + 2 + 1 JSON, 3 JSON lines, 2 CSV, 1 TSV, 1 gzip.
    16
}

#[test]
fn every_format_is_read_with_its_metadata() {
    let s = Sandbox::empty();
    let expected = write_good_articles(&s, "in");
    let report: IndexJson = s.run(&["index", "in", "--json"]).code(0).json();
    assert_eq!(report.added, expected, "{:?}", report.problems);
    assert!(report.problems.is_empty(), "{:?}", report.problems);

    let yaml = only(&s, "zorblat");
    assert_eq!(yaml.title, "Quantum chips arrive");
    assert_eq!(yaml.published.as_deref(), Some("2025-08-29"));
    assert_eq!(yaml.source.as_deref(), Some("Lab Notes"));
    assert_eq!(yaml.author.as_deref(), Some("Dewi"));
    assert_eq!(yaml.url.as_deref(), Some("https://notes.example/q"));
    assert_eq!(yaml.tags, vec!["chips", "quantum"]);
    assert_eq!(yaml.lede, "The first zorblat chips shipped today.");
    assert_eq!(yaml.headings, vec!["Why it matters"]);
    assert!(yaml.path.ends_with("yaml.md"), "{}", yaml.path);

    let toml = only(&s, "vornikel");
    assert_eq!(toml.title, "Satelit baru diluncurkan");
    assert_eq!(toml.published.as_deref(), Some("2025-08-29T10:00:00+07:00"));
    assert_eq!(toml.lang, "id");
    assert_eq!(only(&s, "glimber").title, "Robots learn to fold");

    let page = only(&s, "plimbo");
    assert_eq!(page.title, "Drones map reefs");
    assert_eq!(page.source.as_deref(), Some("Ocean Wire"));
    assert_eq!(page.author.as_deref(), Some("Sam Reef"));
    assert_eq!(page.url.as_deref(), Some("https://oceanwire.example/reefs"));
    assert_eq!(page.published.as_deref(), Some("2025-08-29T09:15:00Z"));
    for word in [
        "navzork",
        "relzork",
        "sharezork",
        "asidezork",
        "footzork",
        "trackzork",
        "stylezork",
    ] {
        let found: SearchJson = s.run(&["search", word, "--json"]).code(1).json();
        assert_eq!(found.total, 0, "{word} is page furniture, not article text");
    }
    let ld = only(&s, "quarvit");
    assert_eq!(
        (ld.title.as_str(), ld.source.as_deref()),
        ("Fintech naik daun", Some("Kabar LD"))
    );

    let one = only(&s, "snorvex");
    assert_eq!(one.title, "Battery breakthrough");
    assert_eq!(one.published.as_deref(), Some("2025-08-29T09:15:00Z"));
    assert!(
        one.path.ends_with("one.json"),
        "a single object is no record"
    );
    let first = only(&s, "trondle");
    assert!(first.path.ends_with("array.json#1"), "{}", first.path);
    assert_eq!(first.source.as_deref(), Some("Fab News"));
    let second = only(&s, "wumbat");
    assert!(second.path.ends_with("array.json#2"));
    assert_eq!(
        (second.title.as_str(), second.source.as_deref()),
        ("Cloud prices fall", Some("Awan"))
    );
    assert_eq!(second.published.as_deref(), Some("2025-08-29"));
    let wrapped = only(&s, "flinder");
    assert_eq!(wrapped.source.as_deref(), Some("Wire API"));
    assert_eq!(wrapped.lede, "A teaser about flinder phones.");
    assert_eq!(wrapped.body, "Flinder phones are thin.");

    let rfc2822 = only(&s, "gorpix");
    assert!(rfc2822.path.ends_with("feed.jsonl#1"));
    assert_eq!(rfc2822.published.as_deref(), Some("2025-08-29T09:15:00Z"));
    assert_eq!(rfc2822.author.as_deref(), Some("Ana"));
    let unix = only(&s, "blenwick");
    assert!(
        unix.path.ends_with("feed.jsonl#3"),
        "records are numbered by line"
    );
    assert_eq!(unix.published.as_deref(), Some("2025-08-29T07:00:00Z"));
    assert_eq!(unix.tags, vec!["funding"]);
    let newswire = only(&s, "kaprin");
    assert_eq!(newswire.published.as_deref(), Some("1987-02-26T15:01:01Z"));
    assert_eq!(newswire.lede, "Showers continued in the zone for kaprin.");
    assert_eq!(newswire.body, "Dry period ends.");

    let csv = only(&s, "zentro");
    assert!(csv.path.ends_with("rows.csv#1"));
    assert_eq!(csv.title, "Chips, again");
    assert_eq!(csv.published.as_deref(), Some("2025-08-29"));
    assert_eq!(csv.url.as_deref(), Some("https://c.example"));
    assert!(only(&s, "mivvle").path.ends_with("rows.csv#2"));
    let tsv = only(&s, "pendok");
    assert_eq!(
        (tsv.published.as_deref(), tsv.source.as_deref()),
        (Some("2025-08-29"), Some("Kabar"))
    );
    assert!(only(&s, "yorbel").path.ends_with("feed.jsonl.gz#1"));

    // Metadata in searches: source, dates in the query and as options.
    let by_source: SearchJson = s
        .run(&["search", "chips", "source:tekno", "--json"])
        .code(0)
        .json();
    assert!(by_source.total >= 1);
    assert!(by_source
        .hits
        .iter()
        .all(|h| h.source.as_deref() == Some("Tekno")));
    let old: SearchJson = s
        .run(&["search", "published:1987", "--json"])
        .code(0)
        .json();
    assert_eq!(old.total, 1);
    let range: SearchJson = s
        .run(&[
            "search",
            "published:[1987-01-01 TO 1987-12-31]",
            "OR",
            "published:<1988",
            "--json",
        ])
        .code(0)
        .json();
    assert_eq!(range.total, 1);
    let recent: SearchJson = s
        .run(&[
            "search",
            "rocket OR cocoa",
            "--since",
            "2025-01-01",
            "--json",
        ])
        .code(0)
        .json();
    assert_eq!(recent.total, 1);
    s.run(&["search", "published:2025-13"]).code(2);
}

#[test]
fn field_and_column_names_can_be_given() {
    let s = Sandbox::empty();
    s.write(
        "in/odd.jsonl",
        "{\"name\": \"Named title\", \"story_text\": \"About grimble.\", \"when\": \"2025-08-29\"}\n",
    );
    s.write(
        "in/bare.csv",
        "4,\"Headless row\",\"A row about frobnik.\"\n",
    );
    // Without names the JSON record has no field warta knows, and the CSV no header it knows.
    let plain: IndexJson = s.run(&["index", "in", "--json"]).code(0).json();
    assert_eq!((plain.added, plain.skipped), (0, 2), "{:?}", plain.problems);
    assert!(plain
        .problems
        .iter()
        .any(|p| p.reason.contains("--columns")));

    let named: IndexJson = s
        .run(&[
            "index",
            "in",
            "--json",
            "--field",
            "title=name",
            "--field",
            "body=story_text",
            "--field",
            "date=when",
            "--columns",
            "class,title,body",
        ])
        .code(0)
        .json();
    assert_eq!(named.added, 2, "{:?}", named.problems);
    let odd = only(&s, "grimble");
    assert_eq!(odd.title, "Named title");
    assert_eq!(odd.published.as_deref(), Some("2025-08-29"));
    assert_eq!(only(&s, "frobnik").title, "Headless row");

    // The names are remembered for these paths: a refresh changes nothing.
    let again: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!((again.unchanged, again.added, again.updated), (2, 0, 0));

    let bad = s.run(&["index", "in", "--field", "colour=x"]).code(2);
    assert!(
        bad.stderr.contains("unknown article field"),
        "{}",
        bad.stderr
    );
}

#[test]
fn bad_input_is_reported_and_everything_good_is_indexed() {
    let s = Sandbox::empty();
    let good = write_good_articles(&s, "mix");
    s.write("mix/binary.txt", b"\x7fELF\x00\x00\x01garbage");
    s.write(
        "mix/latin1.txt",
        b"Harga naik\n\nHarganya \xa3100 untuk latinword.\n",
    );
    s.write("mix/empty.md", "");
    let long_line = "longlineword ".repeat(20 * 1024 * 1024 / 13);
    s.write("mix/one-line.txt", &long_line);
    s.write(
        "mix/broken.jsonl",
        "{\"title\": \"Good line\", \"body\": \"brokenfilegood one\"}\n{\"title\": \"cut off\n\
         [1, 2]\n{\"title\": \"Good again\", \"body\": \"brokenfilegood two\"}\n",
    );
    s.write(
        "mix/ragged.csv",
        "title,body,source\nShort row,raggedword text\nLong row,raggedword more,Src,extra\n",
    );
    s.write(
        "mix/untitled.html",
        "<html><body><p>A page about notitleword without any title.</p></body></html>",
    );
    s.write("mix/bad.json", "{\"title\": \"never closed\"");
    s.write("mix/settings.json", "{\"theme\": \"dark\", \"size\": 3}");
    s.write("mix/corrupt.txt.gz", b"\x1f\x8b\x08\x00not really gzip");
    s.write("mix/photo.jpg", b"\xff\xd8\xff");
    let locked = s.write("mix/locked.txt", "Locked story\n\nlockedword text.\n");
    set_mode(&locked, 0o000);
    let root_reads_anything = std::fs::read(&locked).is_ok();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("self-loop", s.path().join("mix/self-loop")).unwrap();
        s.write("mix/sub/inner.txt", "Inner story\n\nAbout innerword.\n");
        std::os::unix::fs::symlink("..", s.path().join("mix/sub/up")).unwrap();
    }

    let run = s.run(&["index", "mix", "--json"]);
    let report: IndexJson = run.json();
    let reason = |name: &str| -> Vec<(String, String)> {
        report
            .problems
            .iter()
            .filter(|p| p.path.contains(name))
            .map(|p| (p.kind.clone(), p.reason.clone()))
            .collect()
    };
    let expect = |name: &str, kind: &str, words: &str| {
        let got = reason(name);
        assert!(
            got.iter().any(|(k, r)| k == kind && r.contains(words)),
            "{name}: expected {kind} with {words:?}, got {got:?}; all: {:?}",
            report.problems
        );
    };
    expect("binary.txt", "skipped", "binary");
    expect("latin1.txt", "warning", "invalid UTF-8");
    expect("empty.md", "skipped", "empty");
    expect("one-line.txt", "warning", "too long for a title");
    expect("broken.jsonl#2", "failed", "invalid JSON");
    expect("broken.jsonl#3", "failed", "not a JSON object");
    expect("ragged.csv#1", "warning", "row has 2 fields");
    expect("ragged.csv#2", "warning", "row has 4 fields");
    expect("untitled.html", "warning", "no title");
    expect("bad.json", "failed", "invalid JSON");
    expect("settings.json", "skipped", "no field warta reads");
    expect("corrupt.txt.gz", "failed", "cannot read");
    expect("self-loop", "skipped", "symlink loop");
    expect("sub/up", "skipped", "symlink loop");
    if root_reads_anything {
        // Permissions do not stop root (CI runs as root); the file is then simply indexed.
        eprintln!("running as root: locked.txt is readable, so it is indexed");
        only(&s, "lockedword");
    } else {
        expect("locked.txt", "failed", "permission denied");
    }
    assert!(
        reason("photo.jpg").is_empty(),
        "unknown extensions pass silently"
    );
    // A failed file makes the exit code 2, after everything good was committed.
    assert_eq!(run.code, 2, "{}", run.stderr);
    for problem in &report.problems {
        assert!(
            run.stderr
                .contains(&format!("{}: {}", problem.path, problem.reason)),
            "{problem:?} not on stderr:\n{}",
            run.stderr
        );
    }

    // Every good article: the sixteen in every format and the survivors of the bad files.
    let extra = 1 /* sub/inner */ + 1 /* latin1 */ + 1 /* one line */ + 2 /* broken.jsonl */ + 2 /* ragged */
        + 1 /* untitled */ + u64::from(root_reads_anything);
    assert_eq!(report.added, good + extra, "{:?}", report.problems);
    for word in [
        "zorblat",
        "vornikel",
        "plimbo",
        "quarvit",
        "snorvex",
        "trondle",
        "wumbat",
        "flinder",
        "gorpix",
        "blenwick",
        "kaprin",
        "zentro",
        "mivvle",
        "pendok",
        "yorbel",
        "latinword",
        "notitleword",
        "innerword",
    ] {
        only(&s, word);
    }
    let two: SearchJson = s
        .run(&["search", "brokenfilegood", "--json"])
        .code(0)
        .json();
    assert_eq!(two.total, 2);
    let ragged: SearchJson = s.run(&["search", "raggedword", "--json"]).code(0).json();
    assert_eq!(ragged.total, 2);
    let long: SearchJson = s.run(&["search", "longlineword", "--json"]).code(0).json();
    assert_eq!(long.total, 1);
    assert!(
        long.hits[0].snippet.len() < 1000,
        "a snippet, not the 20 MB line"
    );

    // A second run over the same folder changes nothing.
    let again: IndexJson = s.run(&["index", "mix", "--json"]).json();
    assert_eq!(
        (again.added, again.updated, again.removed),
        (0, 0, 0),
        "{:?}",
        again.problems
    );
    assert_eq!(again.unchanged, report.added);
    set_mode(&locked, 0o644);
}

fn set_mode(path: &std::path::Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}
