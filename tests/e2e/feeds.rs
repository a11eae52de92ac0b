//! Feeds (RSS 2.0, RSS 1.0, Atom, JSON Feed, plain and gzip'd): every item is an article, with
//! its title, URL, date, author, tags and source, and text without markup or entities. The
//! fixtures are written here; one ignored test reads the real feeds of ../shared.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::Value;

use crate::json::IndexJson;
use crate::util::Sandbox;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Every indexed article, by path (`file#N`), as `warta export` writes them.
fn exported(s: &Sandbox) -> BTreeMap<String, Value> {
    let out = s.run(&["export"]).code(0).stdout;
    out.lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|a| (a["path"].as_str().unwrap().to_string(), a))
        .collect()
}

fn field<'a>(article: &'a Value, name: &str) -> &'a str {
    article[name].as_str().unwrap_or("")
}

/// The text of an article as indexed: title, lede and body.
fn text(article: &Value) -> String {
    ["title", "lede", "body"]
        .iter()
        .map(|f| field(article, f))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fails when indexed text still holds an HTML tag or entity.
fn assert_no_markup(path: &str, text: &str) {
    // Text may speak of markup (`<IfModule>` in an article on Apache); HTML's own tags must go.
    const TAGS: &[&str] = &[
        "p",
        "div",
        "span",
        "a",
        "img",
        "br",
        "em",
        "strong",
        "b",
        "i",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "script",
        "style",
        "table",
        "td",
        "tr",
        "figure",
        "iframe",
        "blockquote",
        "article",
        "font",
        "html",
        "body",
        "head",
        "!--",
        "![CDATA[",
    ];
    let lower = text.to_ascii_lowercase();
    for (i, _) in lower.match_indices('<') {
        let rest = lower[i + 1..].trim_start_matches('/');
        let tag = TAGS.iter().find(|t| {
            rest.strip_prefix(**t)
                .is_some_and(|after| after.starts_with([' ', '>', '/']) || t.starts_with('!'))
        });
        assert!(tag.is_none(), "{path}: a tag is left at {i} in {text:?}");
    }
    for (i, _) in text.match_indices('&') {
        let rest = &text[i + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
            .collect();
        assert!(
            name.is_empty() || !rest[name.len()..].starts_with(';'),
            "{path}: an entity is left in {text:?}"
        );
    }
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Orbit Wire</title>
  <link>https://orbit.example/</link>
  <language>en-us</language>
  <item>
    <title>Launch of the &lt;b&gt;zentrofal&lt;/b&gt; probe</title>
    <link>https://orbit.example/zentrofal</link>
    <guid isPermaLink="false">orbit-1</guid>
    <pubDate>Fri, 29 Aug 2025 09:15:00 +0000</pubDate>
    <dc:creator>Rina Sky</dc:creator>
    <category>space</category>
    <category>probes</category>
    <description>&lt;p&gt;A teaser about the probe &amp;amp; its crew.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<div><p>The zentrofal probe left orbit at dawn &amp; sent a picture.</p>
      <script>var trackfeed = 1;</script>
      <p>Engineers cheered &ldquo;loudly&rdquo;.</p></div>]]></content:encoded>
  </item>
  <item>
    <title>Second item only described</title>
    <guid>https://orbit.example/second</guid>
    <pubDate>Sat, 30 Aug 2025 10:00:00 +0200</pubDate>
    <author>desk@orbit.example (Desk)</author>
    <description>&lt;p&gt;Plain wumbrelox text in an &lt;em&gt;escaped&lt;/em&gt; description.&lt;/p&gt;&lt;p&gt;Its second paragraph.&lt;/p&gt;</description>
  </item>
</channel>
</rss>"#;

const ATOM_XHTML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Quiet Lab</title>
  <link rel="alternate" href="https://lab.example/"/>
  <id>tag:lab.example,2025:feed</id>
  <updated>2025-08-29T12:00:00Z</updated>
  <entry>
    <title>Qubits in the cold</title>
    <id>tag:lab.example,2025:1</id>
    <link rel="replies" href="https://lab.example/1#comments"/>
    <link rel="alternate" type="text/html" href="https://lab.example/qubits"/>
    <link rel="self" href="https://lab.example/feeds/1"/>
    <published>2025-08-28T08:00:00+07:00</published>
    <updated>2025-08-29T08:00:00+07:00</updated>
    <author><name>Ayu Lestari</name></author>
    <category term="physics"/>
    <summary type="text">Why qubits like the cold.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The <strong>frimbulon</strong> qubit works at 10&#160;mK.</p><h2>Next steps</h2><p>More fridges.</p></div></content>
  </entry>
</feed>"#;

/// A JSON Feed 1.1 with two items, one of them only text.
const JSON_FEED: &str = r#"{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Byte Journal",
  "home_page_url": "https://bytes.example/",
  "language": "id",
  "items": [
    {"id": "1", "url": "https://bytes.example/dompet", "title": "Dompet digital makin ramai",
     "content_html": "<p>Dompet <b>quarvitan</b> dipakai di Jakarta &amp; Bandung.</p>",
     "summary": "Ringkasan dompet.", "date_published": "2025-08-29T10:00:00+07:00",
     "authors": [{"name": "Budi"}], "tags": ["fintech", "dompet"]},
    {"id": "https://bytes.example/awan", "title": "Awan murah",
     "content_text": "Harga penyimpanan glorbatan turun.\n\nParagraf kedua.",
     "date_modified": "2025-08-30T10:00:00Z", "_geo": {"x": 1}}
  ]
}"#;

/// An RSS 2.0 feed declared windows-1252, its accented letters and curly quotes single bytes.
fn windows_1252_feed() -> Vec<u8> {
    let mut feed =
        b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<rss version=\"2.0\"><channel>\
        <title>Caf\xe9 Tech</title><link>https://cafe.example/</link>\
        <item><title>Caf\xe9 sans fil \x93premi\xe8re\x94</title>\
        <link>https://cafe.example/premiere</link><pubDate>Mon, 01 Sep 2025 07:00:00 GMT</pubDate>\
        <description>Le r\xe9seau plorvique arrive \xe0 Montr\xe9al.</description></item>\
        </channel></rss>"
            .to_vec();
    feed.push(b'\n');
    feed
}

const OLD_RSS: &str = r#"<rss version="2.0"><channel><title>Archive Desk</title>
<item><title>Compressed snorkatron news</title><link>https://archive.example/snork</link>
<pubDate>Tue, 02 Sep 2025 07:00:00 GMT</pubDate><description>Kept in gzip.</description></item>
</channel></rss>"#;

const RSS1: &str = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/"><title>RDF Daily</title><link>https://rdf.example/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://rdf.example/a"/></rdf:Seq></items></channel>
  <item rdf:about="https://rdf.example/a"><title>Moss grows on trelvinor rocks</title>
    <link>https://rdf.example/a</link><dc:date>2025-08-27T00:00:00Z</dc:date>
    <dc:creator>M. Moss</dc:creator><description>An abstract.</description></item>
</rdf:RDF>"#;

#[test]
fn feed_items_index_as_articles_with_their_fields() {
    let s = Sandbox::empty();
    s.write("in/orbit.rss", RSS);
    s.write("in/lab.atom", ATOM_XHTML);
    s.write("in/bytes.json", JSON_FEED);
    s.write("in/cafe.xml", windows_1252_feed());
    s.write("in/old.rss.gz", gzip(OLD_RSS.as_bytes()));
    s.write("in/daily.rdf", RSS1);
    s.write(
        "in/sitemap.xml",
        r#"<?xml version="1.0"?><urlset><url><loc>https://x.example/sitemapzork</loc></url></urlset>"#,
    );
    s.write(
        "in/broken.rss",
        "<rss version=\"2.0\"><channel><title>Bad</title><item><title>x</title></chan",
    );
    // The broken feed fails the run (exit 2) after the rest is committed.
    let report: IndexJson = s.run(&["index", "in", "--json"]).code(2).json();
    assert_eq!(
        (report.skipped, report.failed),
        (1, 1),
        "{:?}",
        report.problems
    );
    let problem = |name: &str| {
        report
            .problems
            .iter()
            .find(|p| p.path.ends_with(name))
            .unwrap_or_else(|| panic!("no problem for {name}: {:?}", report.problems))
    };
    assert_eq!(problem("sitemap.xml").kind, "skipped");
    assert!(problem("sitemap.xml").reason.contains("not a feed"));
    assert_eq!(problem("broken.rss").kind, "failed");
    assert!(problem("broken.rss").reason.contains("broken feed"));

    let all = exported(&s);
    assert_eq!(all.len(), 8, "{:?}", all.keys());
    for (path, article) in &all {
        assert_no_markup(path, &text(article));
    }
    let get = |path: &str| {
        all.iter()
            .find(|(p, _)| p.ends_with(path))
            .map(|(_, a)| a)
            .unwrap_or_else(|| panic!("no {path} in {:?}", all.keys()))
    };

    let first = get("orbit.rss#1");
    assert_eq!(field(first, "title"), "Launch of the zentrofal probe");
    assert_eq!(field(first, "url"), "https://orbit.example/zentrofal");
    assert_eq!(field(first, "published"), "2025-08-29T09:15:00Z");
    assert_eq!(field(first, "author"), "Rina Sky");
    assert_eq!(field(first, "source"), "Orbit Wire");
    assert_eq!(field(first, "lang"), "en");
    assert_eq!(first["tags"], serde_json::json!(["space", "probes"]));
    assert_eq!(field(first, "lede"), "A teaser about the probe & its crew.");
    assert!(field(first, "body").contains("left orbit at dawn & sent a picture"));
    assert!(field(first, "body").contains("\u{201c}loudly\u{201d}"));
    assert!(!field(first, "body").contains("trackfeed"));
    let second = get("orbit.rss#2");
    assert_eq!(field(second, "url"), "https://orbit.example/second");
    assert_eq!(field(second, "published"), "2025-08-30T08:00:00Z");
    assert_eq!(
        field(second, "lede"),
        "Plain wumbrelox text in an escaped description."
    );
    assert_eq!(field(second, "body"), "Its second paragraph.");

    let atom = get("lab.atom#1");
    assert_eq!(field(atom, "url"), "https://lab.example/qubits");
    assert_eq!(field(atom, "author"), "Ayu Lestari");
    assert_eq!(field(atom, "published"), "2025-08-28T01:00:00Z");
    assert_eq!(field(atom, "source"), "Quiet Lab");
    assert_eq!(atom["tags"], serde_json::json!(["physics"]));
    assert_eq!(field(atom, "lede"), "Why qubits like the cold.");
    assert!(
        field(atom, "body").contains("The frimbulon qubit works at 10 mK."),
        "{atom}"
    );
    assert_eq!(atom["headings"], serde_json::json!(["Next steps"]));

    let json = get("bytes.json#1");
    assert_eq!(field(json, "title"), "Dompet digital makin ramai");
    assert_eq!(field(json, "url"), "https://bytes.example/dompet");
    assert_eq!(field(json, "author"), "Budi");
    assert_eq!(field(json, "lang"), "id");
    assert_eq!(field(json, "source"), "Byte Journal");
    assert_eq!(field(json, "published"), "2025-08-29T03:00:00Z");
    assert_eq!(json["tags"], serde_json::json!(["fintech", "dompet"]));
    assert!(field(json, "body").contains("Dompet quarvitan dipakai di Jakarta & Bandung."));
    let text_only = get("bytes.json#2");
    assert_eq!(field(text_only, "url"), "https://bytes.example/awan");
    assert_eq!(field(text_only, "published"), "2025-08-30T10:00:00Z");
    assert!(text(text_only).contains("glorbatan"));

    let cafe = get("cafe.xml#1");
    assert_eq!(
        field(cafe, "title"),
        "Caf\u{e9} sans fil \u{201c}premi\u{e8}re\u{201d}"
    );
    assert_eq!(field(cafe, "source"), "Caf\u{e9} Tech");
    assert!(text(cafe).contains("Le r\u{e9}seau plorvique arrive \u{e0} Montr\u{e9}al."));

    let old = get("old.rss.gz#1");
    assert_eq!(field(old, "title"), "Compressed snorkatron news");
    assert_eq!(field(old, "url"), "https://archive.example/snork");

    let rdf = get("daily.rdf#1");
    assert_eq!(field(rdf, "title"), "Moss grows on trelvinor rocks");
    assert_eq!(field(rdf, "author"), "M. Moss");
    assert_eq!(field(rdf, "published"), "2025-08-27T00:00:00Z");

    // Searches find items by their words, and nothing of the sitemap.
    let found: Value = s.run(&["search", "plorvique", "--json"]).code(0).json();
    assert_eq!(found["total"], 1);
    let none: Value = s.run(&["search", "sitemapzork", "--json"]).code(1).json();
    assert_eq!(none["total"], 0);
}

#[test]
fn a_json_file_that_is_not_a_feed_is_still_read_as_articles() {
    let s = Sandbox::empty();
    s.write(
        "in/a.json",
        r#"{"title": "Not a feed", "text": "Mentions jsonfeed.org in zimbrofal text.", "version": "2"}"#,
    );
    let report: IndexJson = s.run(&["index", "in", "--json"]).code(0).json();
    assert_eq!(report.added, 1, "{:?}", report.problems);
}

/// Every feed of ../shared/corpora/feeds indexes with the item count its PROVENANCE.md states,
/// without markup or entities in the text, and a sample per format has the fields read by hand.
#[test]
#[ignore]
fn shared_feeds_index_with_their_item_counts() {
    let feeds = crate::util::corpora().join("feeds");
    let s = Sandbox::empty();
    let dir = s.path().join("feeds");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&feeds).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !name.contains(".warc") && name != "PROVENANCE.md" {
            std::fs::copy(&path, dir.join(&name)).unwrap();
            // One modification time for all: of two copies of an item with the same date, the
            // one in the greater path wins, not the one copied last.
            let copy = std::fs::File::options()
                .write(true)
                .open(dir.join(name))
                .unwrap();
            copy.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1.5e9 as u64))
                .unwrap();
        }
    }
    let report: IndexJson = s.run(&["index", "feeds", "--json"]).code(0).json();
    assert_eq!(report.failed, 0, "{:?}", report.problems);
    // Items are known by their URL (docs/identity.md): PROVENANCE.md says the Daring Fireball
    // Atom and JSON feeds are one snapshot of the same 48 posts, but the Atom entries of the
    // 42 link-blog posts link to the page they quote, where the JSON items' `url` is the
    // post's own page; the 6 others share their URL, with the same dates, and the JSON copies
    // win as the greater path. Two Atom entries (a post and a "[Sponsor]" post) share the link
    // `http://mnml.af/` and are one article too, the newer post winning. 444 items, 7 folded.
    assert_eq!((report.added, report.folded), (437, 7), "{report:?}");
    let all = exported(&s);
    let expected = [
        ("rss2-macworld.rss", 30),
        ("rss2-google-cloud-blog.rss", 20),
        ("rss2-natashatherobot.xml", 10),
        ("rss2-guardian-us.rss", 55),
        ("rss2-jn-pt-iso-8859-1.rss", 40),
        ("rss2-kc0011-zh-gb2312.rss", 20),
        ("rss2-aktuality-sk.rss", 30),
        ("rss2-tempo-ekonomi-id.xml", 9),
        ("rss1-golem-de-iso-8859-1.rdf", 1),
        ("rss1-biorxiv-plant-biology.rdf", 30),
        // 48 entries: 6 copies of JSON Feed items, 1 of another entry (see above).
        ("atom-daringfireball.atom", 41),
        ("atom-heise-developer-de.atom", 15),
        ("atom-google-testing-blog.atom", 25),
        ("atom-ent-expert-opinion-xhtml.atom", 43),
        ("jsonfeed-daringfireball.json", 48),
        ("jsonfeed-3960-de-v1.1.json", 20),
    ];
    for (file, items) in expected {
        let held = all
            .keys()
            .filter(|p| p.rsplit_once('#').is_some_and(|(f, _)| f.ends_with(file)))
            .count();
        assert_eq!(held, items, "{file}");
    }
    assert_eq!(all.len(), expected.iter().map(|(_, n)| n).sum::<usize>());
    assert_eq!(all.len(), 437);
    let item = |file: &str, n: usize| {
        all.iter()
            .find(|(p, _)| p.ends_with(&format!("{file}#{n}")))
            .map(|(_, a)| a)
            .unwrap()
    };
    for (path, article) in &all {
        // A web developer's blog, whose posts (and titles) quote HTML tags as text.
        if !path.contains("jsonfeed-3960-de") {
            assert_no_markup(path, &text(article));
        }
        assert!(!field(article, "title").is_empty(), "{path} has no title");
    }
    let tags = item("jsonfeed-3960-de-v1.1.json", 14);
    assert_eq!(field(tags, "title"), "Die R\u{fc}ckkehr von <i> und <b>");
    let check = |a: &Value, title: &str, url: &str, date: &str, author: Option<&str>| {
        assert_eq!(field(a, "title"), title);
        assert_eq!(field(a, "url"), url);
        assert!(field(a, "published").starts_with(date), "{a}");
        assert_eq!(a["author"].as_str(), author, "{a}");
    };
    check(
        item("rss2-guardian-us.rss", 1),
        "Trump State of the Union address promised unity but emphasized discord",
        "https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord",
        "2018-01-31T07:26:05",
        Some("David Smith in Washington"),
    );
    let guardian = item("rss2-guardian-us.rss", 1);
    assert_eq!(field(guardian, "source"), "The Guardian");
    assert!(guardian["tags"]
        .as_array()
        .unwrap()
        .contains(&"US politics".into()));
    check(
        item("rss2-jn-pt-iso-8859-1.rss", 1),
        "M\u{e3}e de utente \u{e9} a nova presidente da Rar\u{ed}ssimas",
        "http://feeds.jn.pt/~r/JN-ULTIMAS/~3/UBnb8Ra3Q1U/sonia-laig-e-a-nova-presidente-da-rarissimas-9021600.html",
        "2018-01-03T13:47:00",
        None,
    );
    check(
        item("rss1-golem-de-iso-8859-1.rdf", 1),
        "Digitalministerium: Neue Glasfaserf\u{f6}rderung mit Schnellkasse",
        "https://www.golem.de/news/digitalministerium-neue-glasfaserfoerderung-mit-schnellkasse-2301-171451.html",
        "2023-01-25T18:03:02",
        Some("Achim Sawall"),
    );
    check(
        item("atom-google-testing-blog.atom", 1),
        "Code Health: Providing Context with Commit Messages and Bug Reports",
        "http://feedproxy.google.com/~r/blogspot/RLXA/~3/lTnHFI_mRTg/code-health-providing-context-with.html",
        "2017-09-11T21:01:00",
        Some("Google Testing Bloggers"),
    );
    check(
        item("atom-ent-expert-opinion-xhtml.atom", 1),
        "Advances and Testing in Vestibular Pathology",
        "http://expertopinionent.typepad.com/my-blog/2017/04/advances-and-testing-in-vestibular-pathology.html",
        "2017-04-07T01:50:50",
        Some("ENTexpertopinion"),
    );
    let lecker = item("jsonfeed-3960-de-v1.1.json", 1);
    check(
        lecker,
        "Lecker, lecker",
        "https://journal.3960.org/posts/2020-02-21-lecker-lecker/",
        "2020-02-21T17:08:06",
        Some("Frank Bo\u{eb}s"),
    );
    assert_eq!(lecker["tags"], serde_json::json!(["Lustiges"]));
    assert_eq!(field(lecker, "lang"), "de");
    let coins = item("rss2-kc0011-zh-gb2312.rss", 1);
    assert_eq!(field(coins, "title"), "\u{5efa}\u{56fd}35\u{5468}\u{5e74}\u{7eaa}\u{5ff5}\u{ff0c}\u{534e}\u{8868}\u{ff0c}\u{548c}\u{5e73}\u{9e3d}");
}
