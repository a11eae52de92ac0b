//! Searches over small indexes built in RAM: tie order, facets, segments searched side by
//! side, threads sharing one engine, expansions, source spellings.

use super::test_index::{engine_of, written};
use super::*;
use crate::article::{Article, Published};

/// An engine over the same article in files `names`, added in that order, one commit each,
/// so that every copy sits in its own segment.
fn engine(names: &[&str]) -> Engine {
    let articles = names.iter().map(|name| article(name)).collect();
    engine_of(articles, 1)
}

/// The test article, read from `/news/{name}`.
fn article(name: &str) -> Article {
    let path = format!("/news/{name}");
    Article {
        id: crate::common::article_id(&path),
        path,
        title: "Chip factory opens in Batam".into(),
        body: "The chip factory opens next year.".into(),
        published: Published::from_iso("2025-08-29"),
        lang: "en".into(),
        ..Default::default()
    }
}

fn paths(engine: &Engine, sort: SortBy, offset: usize) -> Vec<String> {
    let mut options = SearchOptions::new("chip factory");
    options.sort = sort;
    options.limit = 2;
    options.offset = offset;
    // The articles are copies of one story: list them all, as the tie order is the point.
    options.collapse = false;
    let hits = engine.search(&options).unwrap();
    hits.hits.into_iter().map(|h| h.path).collect()
}

#[test]
fn ties_are_ordered_by_id_whatever_order_the_files_were_indexed_in() {
    let names = ["a.txt", "b.txt", "c.txt", "d.txt"];
    let forward = engine(&names);
    let backward = engine(&["d.txt", "c.txt", "b.txt", "a.txt"]);
    // The order of the ids (hashes of the paths), not of the paths.
    let mut expected: Vec<String> = names.iter().map(|n| format!("/news/{n}")).collect();
    expected.sort_by_key(|p| crate::schema::id_key(&crate::common::article_id(p)));
    for sort in [SortBy::Relevance, SortBy::Date] {
        for engine in [&forward, &backward] {
            assert_eq!(paths(engine, sort, 0), expected[..2]);
            assert_eq!(paths(engine, sort, 2), expected[2..]);
        }
    }
}

#[test]
fn facets_count_every_match_in_blocks_across_segments() {
    // More matches per segment than the collector buffers, some without a source or a date,
    // and articles that do not match at all.
    let sources = [Some("Kompas"), Some("BBC"), None];
    let years = [
        Some("2023-12-31"),
        Some("2024-01-01"),
        Some("2025-06-30"),
        None,
    ];
    let mut articles = Vec::new();
    let mut expected: FacetCounts = FacetCounts::new();
    for n in 0..1_500 {
        let mut article = article(&format!("{n}.txt"));
        article.source = sources[n % 3].map(str::to_string);
        article.published = years[n % 4].and_then(Published::from_iso);
        if n % 5 == 0 {
            article.title = "Harbour opens in Batam".into();
            article.body = "The harbour opens next year.".into();
        } else {
            let mut count = |facet: Facet, value: &str| {
                *expected
                    .entry(facet)
                    .or_default()
                    .entry(value.into())
                    .or_default() += 1;
            };
            if let Some(source) = article.source.as_deref() {
                count(Facet::Source, source);
            }
            if let Some(day) = years[n % 4] {
                count(Facet::Year, &day[..4]);
            }
            count(Facet::Lang, "en");
        }
        articles.push(article);
    }
    let engine = engine_of(articles, 700);
    let mut options = SearchOptions::new("chip");
    options.facets = vec![Facet::Source, Facet::Lang, Facet::Year];
    for collapse in [false, true] {
        options.collapse = collapse;
        let hits = engine.search(&options).unwrap();
        assert_eq!(hits.total, 1_200);
        assert_eq!(hits.facets, expected);
    }
}

#[test]
fn segments_searched_side_by_side_give_the_same_page() {
    let articles: Vec<Article> = (0..900)
        .map(|n| {
            let mut a = article(&format!("{n}.txt"));
            let extra = ["in Batam", "chip chip", "soon"][n % 3];
            a.body = format!(
                "The chip factory {extra} {} next year.",
                "works ".repeat(n % 7)
            );
            a.published = Published::from_iso(&format!("20{:02}-01-01", 10 + n % 15));
            a
        })
        .collect();
    let one = engine_of(articles, 300);
    let mut index = one.inner.index.clone();
    index.set_multithread_executor(2).unwrap();
    let two = Engine::from_index(index, one.inner.fields.clone()).unwrap();
    let page = |hits: &Hits| -> Vec<(String, f32)> {
        hits.hits.iter().map(|h| (h.id.clone(), h.score)).collect()
    };
    for query in [
        "chip",
        "works",
        "chip factory",
        "\"next year\"",
        "batam AND soon",
    ] {
        for (collapse, sort) in [
            (false, SortBy::Relevance),
            (true, SortBy::Relevance),
            (false, SortBy::Date),
        ] {
            let mut options = SearchOptions::new(query);
            options.collapse = collapse;
            options.sort = sort;
            options.facets = vec![Facet::Year];
            let (a, b) = (one.search(&options).unwrap(), two.search(&options).unwrap());
            assert!(a.total > 0, "{query}");
            assert_eq!((a.total, &a.facets), (b.total, &b.facets), "{query}");
            assert_eq!(page(&a), page(&b), "{query} {collapse} {sort:?}");
        }
    }
}

fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}

#[test]
fn an_engine_is_shared_across_threads() {
    assert_send_sync::<Engine>();
}

#[test]
fn threads_searching_at_once_get_the_pages_one_thread_gets() {
    let articles: Vec<Article> = (0..200)
        .map(|n| {
            let mut a = article(&format!("{n}.txt"));
            a.title = format!("Chip factory {n} opens in Batam");
            a.body = format!("The chip factory opens. {}", "Batam grows. ".repeat(n % 5));
            a
        })
        .collect();
    let engine = engine_of(articles, 50);
    let queries = ["chip", "batam", "factory opens", "fatcory", "grows"];
    let page = |engine: &Engine, query: &str| -> Vec<(String, f32, String)> {
        let hits = engine.search(&SearchOptions::new(query)).unwrap();
        let page = hits.hits.into_iter();
        page.map(|h| (h.id, h.score, h.snippet.text)).collect()
    };
    let expected: Vec<_> = queries.iter().map(|q| page(&engine, q)).collect();
    assert!(expected.iter().all(|p| !p.is_empty()));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                (0..10)
                    .flat_map(|_| queries.iter().map(|q| page(&engine, q)))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for thread in threads {
        let pages = thread.join().unwrap();
        for (n, got) in pages.iter().enumerate() {
            assert_eq!(
                got,
                &expected[n % queries.len()],
                "{}",
                queries[n % queries.len()]
            );
        }
    }
}

#[test]
fn a_search_says_what_its_misspelt_and_prefix_words_stood_for() {
    let engine = engine(&["a.txt"]);
    let hits = engine.search(&SearchOptions::new("fatcory bat*")).unwrap();
    assert_eq!(hits.total, 1);
    let expanded = &hits.expanded;
    assert_eq!(expanded.typos["fatcory"], ["factory"]);
    assert_eq!(expanded.prefixes["bat"], ["batam"]);
    // The words they stood for are highlighted as the query's own would be.
    let snippet = &hits.hits[0].snippet;
    let marked: Vec<String> = snippet
        .highlights
        .iter()
        .map(|&(from, to)| snippet.text.chars().skip(from).take(to - from).collect())
        .collect();
    assert!(marked.contains(&"factory".to_string()), "{marked:?}");
    // The hit has `factory` only for `fatcory`; `bat*` was written as a prefix, so it is one
    // of the query's words as typed, and not every word was replaced.
    assert_eq!(hits.hits[0].typo_matches["fatcory"], ["factory"]);
    assert_eq!(expanded.replaced, ["fatcory"]);
    assert_eq!(expanded.respelled(), None);
    let alone = engine.search(&SearchOptions::new("fatcory")).unwrap();
    assert_eq!(alone.expanded.respelled().as_deref(), Some("factory"));
}

#[test]
fn a_source_written_two_ways_is_shown_one_way_whatever_the_indexing_order() {
    let spelt = |name: &str, source: &str| {
        let mut a = article(name);
        a.source = Some(source.into());
        a
    };
    let forward = vec![spelt("a.txt", "KabarTekno"), spelt("b.txt", "kabartekno")];
    let backward: Vec<Article> = forward.iter().rev().cloned().collect();
    let mut shown = Vec::new();
    for articles in [forward, backward] {
        let engine = engine_of(articles, 1);
        let sources = engine.stats().unwrap().sources;
        assert_eq!(sources.values().sum::<u64>(), 2, "{sources:?}");
        assert_eq!(sources.len(), 1, "{sources:?}");
        shown.push(sources);
    }
    assert_eq!(shown[0], shown[1]);
}

#[test]
fn trend_counts_every_match_by_its_utc_day_with_the_undated_apart() {
    // Over several segments, more matches per segment than the collector buffers; dates with
    // offsets count on the UTC day they fall on, as --since and --until read them.
    let dates = [
        Some("2025-08-31T23:30:00Z"),
        Some("2025-09-01T02:00:00+07:00"), // 2025-08-31T19:00Z: August
        Some("2025-10-01T00:00:00Z"),
        Some("2025-12-31T20:00:00-05:00"), // 2026-01-01T01:00Z: January
        None,
    ];
    let mut articles = Vec::new();
    for n in 0..1_000 {
        let mut a = article(&format!("{n}.txt"));
        a.published = dates[n % 5].and_then(Published::from_iso);
        if n % 10 == 9 {
            a.title = "Harbour opens".into();
            a.body = "The harbour opens.".into();
        }
        articles.push(a);
    }
    let engine = engine_of(articles, 300);
    let trend = engine.trend(&TrendOptions::new("chip")).unwrap();
    let total = engine.search(&SearchOptions::new("chip")).unwrap().total;
    assert_eq!((trend.total, total), (900, 900));
    let periods: Vec<(&str, u64)> = trend
        .periods
        .iter()
        .map(|p| (p.label.as_str(), p.count))
        .collect();
    // The articles that do not match (n % 10 == 9) are undated ones: 200 of each date match,
    // and 100 undated.
    assert_eq!(
        periods,
        [
            ("2025-08", 400),
            ("2025-09", 0),
            ("2025-10", 200),
            ("2025-11", 0),
            ("2025-12", 0),
            ("2026-01", 200)
        ]
    );
    assert_eq!(trend.undated, 100);
    assert_eq!(trend.by, Period::Month);

    // The same articles narrowed to September by --since/--until: none of August's.
    let mut september = TrendOptions::new("chip");
    september.filters.since = crate::query::dates::period_start("--since", "2025-09").ok();
    september.filters.until = crate::query::dates::period_end("--until", "2025-09").ok();
    let narrowed = engine.trend(&september).unwrap();
    assert_eq!((narrowed.total, narrowed.undated), (0, 0));
    assert!(narrowed.periods.is_empty());

    // Chosen by span: four months of dates read by month; nothing matched, by month.
    let mut chosen = TrendOptions::new("chip");
    chosen.by = None;
    assert_eq!(engine.trend(&chosen).unwrap().by, Period::Month);
    chosen.query = "zzzqqq".into();
    let none = engine.trend(&chosen).unwrap();
    assert_eq!(
        (none.total, none.periods.len(), none.by),
        (0, 0, Period::Month)
    );
}

#[test]
fn trend_by_week_and_year_and_only_undated_matches() {
    let dates = [
        Some("2024-12-29"),
        Some("2024-12-30"),
        Some("2025-01-13"),
        None,
    ];
    let articles = (0..4)
        .map(|n| {
            let mut a = article(&format!("{n}.txt"));
            a.published = dates[n].and_then(Published::from_iso);
            a
        })
        .collect();
    let engine = engine_of(articles, 2);
    let count = |by| {
        let mut options = TrendOptions::new("chip");
        options.by = by;
        let trend = engine.trend(&options).unwrap();
        let periods: Vec<(String, u64)> = trend
            .periods
            .into_iter()
            .map(|p| (p.label, p.count))
            .collect();
        (trend.by, periods, trend.undated)
    };
    let pairs = |list: &[(&str, u64)]| -> Vec<(String, u64)> {
        list.iter().map(|&(l, n)| (l.to_string(), n)).collect()
    };
    assert_eq!(
        count(Some(Period::Week)),
        (
            Period::Week,
            pairs(&[
                ("2024-W52", 1),
                ("2025-W01", 1),
                ("2025-W02", 0),
                ("2025-W03", 1)
            ]),
            1
        )
    );
    assert_eq!(
        count(Some(Period::Year)),
        (Period::Year, pairs(&[("2024", 2), ("2025", 1)]), 1)
    );
    // Two weeks of dates: weeks when chosen by span.
    assert_eq!(count(None).0, Period::Week);

    let undated = engine_of(
        vec![Article {
            published: None,
            ..article("x.txt")
        }],
        1,
    );
    let trend = undated.trend(&TrendOptions::new("chip")).unwrap();
    assert_eq!((trend.total, trend.undated, trend.periods.len()), (1, 1, 0));
}

#[test]
fn trend_counts_dates_centuries_apart_in_one_segment() {
    // A segment whose dates span more than its table holds counts its days in a map instead.
    let dates = [
        "1800-06-01",
        "2025-01-01",
        "2025-01-01",
        "1999-12-31T23:59:59Z",
    ];
    let articles: Vec<Article> = dates
        .iter()
        .enumerate()
        .map(|(n, date)| Article {
            published: Published::from_iso(date),
            ..article(&format!("{n}.txt"))
        })
        .collect();
    let mut options = TrendOptions::new("chip");
    options.by = Some(Period::Year);
    for per_commit in [4, 1] {
        let trend = engine_of(articles.clone(), per_commit)
            .trend(&options)
            .unwrap();
        assert_eq!(trend.periods.len(), 2025 - 1800 + 1);
        let counted: Vec<(&str, u64)> = trend
            .periods
            .iter()
            .filter(|p| p.count > 0)
            .map(|p| (p.label.as_str(), p.count))
            .collect();
        assert_eq!(counted, [("1800", 1), ("1999", 1), ("2025", 2)]);
    }
    let mut chosen = options.clone();
    chosen.by = None;
    let by_span = engine_of(articles, 2).trend(&chosen).unwrap();
    assert_eq!(by_span.by, Period::Year);
}

/// English newswire that says "digital" over and over, Indonesian news that says it once.
fn english_and_indonesian() -> Engine {
    let mut articles = Vec::new();
    for n in 0..6 {
        let body = "Digital Equipment said digital sales rose. The digital unit grew.";
        articles.push(written(
            &format!("en{n}.txt"),
            "en",
            "DIGITAL RESULTS",
            body,
        ));
    }
    let id = [
        (
            "Pembayaran digital makin ramai",
            "Layanan pembayaran digital dipakai warga.",
        ),
        (
            "Dompet elektronik baru",
            "Pembayaran lewat ponsel dengan saldo digital.",
        ),
        (
            "Ojek online di Jakarta",
            "Pengemudi ojek menerima pembayaran tunai.",
        ),
        ("Bank tambah kanal", "Bank membuka kanal pembayaran baru."),
        (
            "Tagihan listrik",
            "Pembayaran tagihan listrik bisa di minimarket.",
        ),
        ("Tiket kereta", "Pembayaran tiket kereta kini nontunai."),
        (
            "Harga cabai naik",
            "Pedagang di pasar mengeluh harga cabai yang naik.",
        ),
    ];
    for (n, (title, body)) in id.iter().enumerate() {
        articles.push(written(&format!("id{n}.txt"), "id", title, body));
    }
    // Other news in both languages, so that neither word is in most of its language's articles.
    for n in 0..24 {
        let body = format!("Oil prices rose on day {n} as traders bought crude.");
        articles.push(written(
            &format!("oil{n}.txt"),
            "en",
            "Oil prices rise",
            &body,
        ));
        let body = format!("Harga beras di pasar naik pada hari ke-{n} menurut pedagang.");
        articles.push(written(
            &format!("beras{n}.txt"),
            "id",
            "Harga beras naik",
            &body,
        ));
    }
    engine_of(articles, 20)
}

#[test]
fn a_query_clearly_in_one_language_ranks_that_language_first() {
    let engine = english_and_indonesian();
    let langs = |query: &str, lang: Option<&str>| {
        let mut options = SearchOptions::new(query);
        options.filters.lang = lang.map(str::to_string);
        options.limit = 20;
        options.collapse = false;
        let hits = engine.search(&options).unwrap().hits;
        hits.into_iter().map(|h| h.lang).collect::<Vec<_>>()
    };
    // `pembayaran` is Indonesian alone: the six Indonesian matches come first (even those
    // without `digital`), then the English articles that only share `digital`, still found.
    let paid = langs("pembayaran digital", None);
    assert_eq!(paid[..6], ["id"; 6], "{paid:?}");
    assert_eq!(paid[6..], ["en"; 6], "{paid:?}");
    // `--lang` still filters outright.
    assert_eq!(langs("pembayaran digital", Some("en")), ["en"; 6]);
    // Which queries are clearly in one language: by a word found in one language's articles
    // alone, or by function words; `digital` is in both languages' articles.
    let searcher = engine.inner.reader.searcher();
    let in_use = engine.langs_in_use(&searcher).unwrap();
    let language = |text: &str| {
        crate::query::lang::language_of(text, &engine.inner.fields, &in_use, &searcher).unwrap()
    };
    use crate::schema::analysis::{EN, ID};
    assert_eq!(language("pembayaran digital"), Some(ID));
    assert_eq!(language("harga yang digital"), Some(ID));
    assert_eq!(language("digital"), None);
    assert_eq!(language("the digital"), Some(EN));
    assert_eq!(language("oil pembayaran"), None, "mixed");
}

#[test]
fn names_are_found_joined_split_and_hyphenated() {
    let mut articles = vec![
        written(
            "a.txt",
            "id",
            "GO - JEK ekspansi",
            "GO - JEK membuka layanan di kota baru.",
        ),
        written(
            "b.txt",
            "id",
            "Liga sepak bola",
            "Sponsor liga adalah Gojek dan Traveloka.",
        ),
        written(
            "c.txt",
            "id",
            "Pos terapkan blockchain",
            "Pos memakai blockchain untuk giro.",
        ),
        written(
            "d.txt",
            "en",
            "UK firms embrace e-commerce",
            "Firms sell online.",
        ),
    ];
    for n in 0..6 {
        let body = format!("Harga beras naik pada hari ke-{n}, pergi ke pasar.");
        articles.push(written(&format!("f{n}.txt"), "id", "Harga beras", &body));
    }
    let engine = engine_of(articles, 5);
    let found = |query: &str| {
        let mut options = SearchOptions::new(query);
        options.collapse = false;
        let hits = engine.search(&options).unwrap().hits;
        let mut paths: Vec<String> = hits.iter().map(|h| h.path.clone()).collect();
        paths.sort();
        (paths, hits)
    };
    let gojek = ["/news/a.txt", "/news/b.txt"];
    for query in ["gojek", "go-jek", "Go Jek", "GO - JEK"] {
        assert_eq!(found(query).0, gojek, "{query}");
    }
    // The split form is highlighted where it matched.
    let (_, hits) = found("gojek");
    let split = hits.iter().find(|h| h.path == "/news/a.txt").unwrap();
    let text = &split.snippet.text;
    let marked: Vec<&str> = split
        .snippet
        .highlights
        .iter()
        .map(|&(s, e)| &text[s..e])
        .collect();
    assert!(
        marked.contains(&"GO") && marked.contains(&"JEK"),
        "{marked:?}"
    );
    assert_eq!(found("block chain").0, ["/news/c.txt"]);
    assert_eq!(found("ecommerce").0, ["/news/d.txt"]);
}
