//! The pruned top k against scoring every match: over generated indexes (several segments,
//! English and Indonesian articles of Zipf-distributed words, some deleted), many random
//! queries must give the same hits, in the same order, with the same scores and totals.

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::{DocAddress, Order, Searcher};

use super::engine::Engine;
use super::live_stats::LiveStats;
use super::ranking::Ranking;
use crate::article::{Article, Published};
use crate::query::{self, Filters};

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A word rank, Zipf-like: small ranks far more often.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        (((n as f64).powf(u) - 1.0) as usize).min(n - 1)
    }
}

const ENGLISH: &[&str] = &[
    "the",
    "said",
    "mobile",
    "phone",
    "security",
    "cloud",
    "computing",
    "market",
    "chip",
    "factory",
    "search",
    "engine",
    "google",
    "microsoft",
    "games",
    "music",
    "broadband",
    "network",
    "data",
    "centre",
    "quantum",
    "blockchain",
    "startup",
    "funding",
    "users",
    "software",
    "update",
    "privacy",
    "regulator",
    "battery",
    "screen",
    "camera",
    "launch",
];
const INDONESIAN: &[&str] = &[
    "yang",
    "dan",
    "teknologi",
    "investasi",
    "pemerintah",
    "regulasi",
    "pusat",
    "data",
    "kecerdasan",
    "buatan",
    "layanan",
    "pengguna",
    "aplikasi",
    "digital",
    "pembayaran",
    "ojek",
    "daring",
    "perusahaan",
    "jaringan",
    "seluler",
    "keamanan",
    "mobile",
    "google",
];

/// `n` articles, every third Indonesian, of 3 to 300 words.
fn articles(random: &mut Random, n: usize) -> Vec<Article> {
    (0..n)
        .map(|i| {
            let words = if i % 3 == 2 { INDONESIAN } else { ENGLISH };
            let text = |random: &mut Random, count: usize| -> String {
                let picked: Vec<&str> = (0..count)
                    .map(|_| words[random.zipf(words.len())])
                    .collect();
                picked.join(" ")
            };
            let length = 3 + random.zipf(300);
            let title_length = 2 + random.below(6);
            let title = text(random, title_length);
            let body = text(random, length);
            let path = format!("/news/{i}.txt");
            Article {
                id: crate::common::article_id(&path),
                path,
                title,
                body,
                published: Published::from_iso(&format!("20{:02}-03-01", 10 + i % 15)),
                lang: if i % 3 == 2 { "id" } else { "en" }.into(),
                source: Some(["Kompas", "Reuters", "Tempo"][i % 3].into()),
                ..Default::default()
            }
        })
        .collect()
}

/// An engine over `articles`, committed every `per_commit`, with every `delete_every`-th
/// article deleted after.
fn engine_of(articles: &[Article], per_commit: usize, delete_every: usize) -> Engine {
    super::test_index::engine_deleting(articles, per_commit, |n| n % delete_every == 0)
}

/// A random query: one to three words, ORed, ANDed, quoted or negated, sometimes filtered.
fn random_query(random: &mut Random) -> (String, Filters) {
    let words = if random.below(3) == 0 {
        INDONESIAN
    } else {
        ENGLISH
    };
    let count = 1 + random.below(3);
    let picked: Vec<String> = (0..count)
        .map(|_| words[random.zipf(words.len())].to_string())
        .collect();
    let text = match random.below(6) {
        0 if count > 1 => picked.join(" AND "),
        1 if count > 1 => format!("\"{}\"", picked.join(" ")),
        2 if count > 1 => format!("{} -{}", picked[..count - 1].join(" "), picked[count - 1]),
        3 => format!("{}*", &picked[0][..picked[0].len().min(3)]),
        _ => picked.join(" "),
    };
    let mut filters = Filters::default();
    match random.below(8) {
        0 => filters.lang = Some("id".into()),
        1 => filters.source = Some("reuters".into()),
        2 => filters.since = Some(1_400_000_000),
        _ => {}
    }
    (text, filters)
}

/// The page and total as scoring every match gives them.
fn exhaustive(
    engine: &Engine,
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
    (k, skip): (usize, usize),
) -> (Vec<(f32, DocAddress)>, usize) {
    let tie_break = (
        SortByStaticFastValue::<u64>::for_field(engine.field_name(engine.inner.fields.id_key)),
        Order::Asc,
    );
    let top = TopDocs::with_limit(k)
        .and_offset(skip)
        .order_by(((SortBySimilarityScore, Order::Desc), tie_break));
    let stats = LiveStats::new(searcher, &engine.inner.token_totals);
    let (docs, total) = searcher
        .search_with_statistics_provider(query, &(top, Count), &stats)
        .unwrap();
    let hits = docs.into_iter().map(|((score, _), addr)| (score, addr));
    (hits.collect(), total)
}

#[test]
fn pruned_top_k_equals_scoring_every_match() {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let articles = articles(&mut random, 3000);
    let mut pruned_any = 0;
    for (per_commit, delete_every) in [(3000, 1000), (700, 7)] {
        let engine = engine_of(&articles, per_commit, delete_every);
        let searcher = engine.inner.reader.searcher();
        let langs = engine.langs_in_use(&searcher).unwrap();
        let stats = LiveStats::new(&searcher, &engine.inner.token_totals);
        for _ in 0..150 {
            let (text, filters) = random_query(&mut random);
            let built = query::build_in(
                &text,
                &engine.inner.fields,
                &langs,
                &filters,
                Some(&searcher),
            )
            .unwrap();
            let query = built.query.as_ref();
            let (k, skip) = ([1, 3, 10, 50][random.below(4)], random.below(3) * 5);
            // The query as the engine passes it: boxed.
            let page = engine
                .pruned(&searcher, &built.query, &stats, (k, skip))
                .unwrap();
            // Words ORed (prefixes too) are always pruned.
            let plain = !text.contains(" AND ") && !text.contains(" -") && !text.contains('"');
            let unfiltered = filters.lang.is_none() && filters.source.is_none();
            if plain && unfiltered && filters.since.is_none() {
                assert!(page.is_some(), "{text:?} is pruned");
            }
            let Some(page) = page else {
                continue;
            };
            pruned_any += 1;
            let (hits, total) = exhaustive(&engine, &searcher, query, (k, skip));
            assert_eq!(page.hits, hits, "{text:?} {filters:?} k {k} skip {skip}");
            assert_eq!(page.total, total, "{text:?} {filters:?}");
            // What `ranked` returns is the pruned page, for the query as the engine passes it
            // (boxed).
            let ranked = engine
                .ranked(&searcher, &built.query, Ranking::Score, k, skip, None)
                .unwrap();
            assert_eq!(ranked.hits, hits);
        }
    }
    // Queries of words ORed are pruned (the others, with AND, NOT, a filter, or phrases
    // alone, rank every match).
    assert!(pruned_any >= 100, "{pruned_any} of 300 pruned");
}
