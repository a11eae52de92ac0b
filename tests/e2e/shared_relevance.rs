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

/// The id-tech articles (by file name) whose words include `name` joined, or its `parts`
/// side by side (apart, or with a hyphen between them).
fn id_tech_writing(name: &str, parts: &[&str]) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    for folder in ["teknologi", "lainnya"] {
        let dir = corpora().join("id-tech/txt").join(folder);
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
            let words: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            if words.contains(&name) || words.windows(parts.len()).any(|w| w == parts) {
                found.insert(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    found
}

#[test]
#[ignore = "needs ../shared"]
fn shared_names_are_found_however_they_are_written() {
    let s = Sandbox::empty();
    let txt = corpora().join("id-tech/txt");
    s.run(&["index", txt.to_str().unwrap(), "--quiet"]).code(0);
    let files = |query: &str| -> std::collections::BTreeSet<String> {
        let found: SearchJson = s
            .run(&["search", query, "--json", "-n", "500"])
            .code(0)
            .json();
        let names = found
            .hits
            .iter()
            .map(|h| h.path.rsplit('/').next().unwrap().to_string());
        names.collect()
    };
    // Every article that writes Go-Jek in any form, and only those, whatever form is typed.
    let gojek = id_tech_writing("gojek", &["go", "jek"]);
    assert!(gojek.len() >= 30, "{}", gojek.len());
    for query in ["gojek", "go-jek", "Go Jek", "GO - JEK"] {
        let found = files(query);
        let missed: Vec<_> = gojek.difference(&found).collect();
        assert!(missed.is_empty(), "{query}: missed {missed:?}");
    }
    // `ecommerce` finds the articles that write "e-commerce" (the source splits it, "e - commerce").
    let ecommerce = id_tech_writing("ecommerce", &["e", "commerce"]);
    let found = files("ecommerce");
    let missed: Vec<_> = ecommerce.difference(&found).collect();
    assert!(missed.is_empty(), "ecommerce: missed {missed:?}");
    // A reduplicated word finds its base.
    let perusahaan = id_tech_writing("perusahaan", &["perusahaan"]);
    let found = files("perusahaan-perusahaan");
    assert!(
        perusahaan.intersection(&found).count() >= 100,
        "{}",
        found.len()
    );
}
