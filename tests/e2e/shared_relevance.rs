//! Ranking over the public corpora in `../shared` (ignored unless `--ignored`): the query's
//! language in an index of English and Indonesian news.

use crate::json::SearchJson;
use crate::util::{corpora, Sandbox};

/// Indonesian queries, none of them from the judged sets; some share a word with English
/// (`digital`, `online`, `internet`, `data`).
const INDONESIAN: [&str; 10] = [
    "pembayaran digital",
    "ojek online",
    "aplikasi pesan",
    "pendanaan startup",
    "peluncuran ponsel baru",
    "layanan keuangan",
    "penjualan mobil",
    "jaringan internet cepat",
    "keamanan data pengguna",
    "kamera ponsel",
];

/// English queries, none of them from the judged sets.
const ENGLISH: [&str; 10] = [
    "oil prices",
    "bank interest rates",
    "mobile phone market",
    "software patents in europe",
    "stock market shares",
    "broadband internet",
    "video games",
    "trade deficit",
    "computer virus",
    "music downloads",
];

#[test]
#[ignore = "needs ../shared"]
fn shared_queries_rank_their_own_language_first_in_a_mixed_index() {
    let s = Sandbox::empty();
    let roots = [
        corpora().join("bbc-tech"),
        corpora().join("id-tech/txt"),
        corpora().join("en-news-large/reuters21578.derived.jsonl"),
    ];
    let mut args = vec!["index", "--quiet"];
    args.extend(roots.iter().map(|r| r.to_str().unwrap()));
    s.run(&args).code(0);
    let mut misses = Vec::new();
    for (lang, queries) in [("id", INDONESIAN), ("en", ENGLISH)] {
        for query in queries {
            let found: SearchJson = s
                .run(&["search", query, "--json", "-n", "5"])
                .code(0)
                .json();
            let langs: Vec<&str> = found.hits.iter().map(|h| h.lang.as_str()).collect();
            let own = langs.iter().filter(|&&l| l == lang).count();
            if own < 4 {
                misses.push(format!("{query:?} ({lang}): {langs:?}"));
            }
        }
    }
    assert!(
        misses.is_empty(),
        "fewer than 4 of 5 in the query's language: {misses:#?}"
    );
}
