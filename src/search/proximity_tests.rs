//! Proximity over small indexes built in RAM: words side by side rank above the same words
//! apart, without losing either, and pages are cut from one ranking.

use super::test_index::{engine_of, written};
use super::*;

/// The same words, as often, in texts of the same length: side by side in `near.txt`, apart
/// in `apart.txt`, and only one of them in the others.
fn engine() -> Engine {
    let mut articles = vec![
        written(
            "apart.txt",
            "en",
            "Market report",
            "The mobile market grew while every phone maker cut prices this year.",
        ),
        written(
            "near.txt",
            "en",
            "Market report",
            "The market grew while every mobile phone maker cut prices this year.",
        ),
    ];
    for n in 0..8 {
        articles.push(written(
            &format!("other{n}.txt"),
            "en",
            "Market report",
            "The market grew while every mobile maker cut prices this year, again.",
        ));
    }
    engine_of(articles, 3)
}

fn ranked(engine: &Engine, query: &str, offset: usize, limit: usize) -> Vec<(String, f32)> {
    let mut options = SearchOptions::new(query);
    options.collapse = false;
    options.offset = offset;
    options.limit = limit;
    let hits = engine.search(&options).unwrap().hits;
    hits.into_iter().map(|h| (h.path, h.score)).collect()
}

#[test]
fn words_side_by_side_rank_above_the_same_words_apart() {
    let engine = engine();
    for query in ["mobile phone", "phone mobile", "+mobile +phone"] {
        let hits = ranked(&engine, query, 0, 10);
        assert_eq!(hits[0].0, "/news/near.txt", "{query}: {hits:?}");
        assert_eq!(hits[1].0, "/news/apart.txt", "{query}: {hits:?}");
        assert!(hits[0].1 > hits[1].1, "{query}: {hits:?}");
    }
    // A single word, or a quoted phrase, is not rescored: both articles score alike.
    let hits = ranked(&engine, "phone", 0, 10);
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].1, hits[1].1, "{hits:?}");
}

#[test]
fn proximity_loses_no_match_and_pages_are_cut_from_one_ranking() {
    let engine = engine();
    let all = ranked(&engine, "mobile phone", 0, 10);
    assert_eq!(all.len(), 10, "every article holds a word of the query");
    for offset in 0..10 {
        let page = ranked(&engine, "mobile phone", offset, 3);
        let expected: Vec<_> = all.iter().skip(offset).take(3).cloned().collect();
        assert_eq!(page, expected, "offset {offset}");
    }
}

#[test]
fn recent_ranking_weighs_proximity_too() {
    let engine = engine();
    let mut options = SearchOptions::new("mobile phone");
    options.collapse = false;
    options.recent = Some(86_400.0 * 30.0);
    let hits = engine.search(&options).unwrap().hits;
    assert_eq!(hits[0].path, "/news/near.txt");
}

#[test]
fn an_article_holding_a_word_thousands_of_times_is_found_without_reading_its_positions() {
    let (together, apart) = ("mobile phone ".repeat(5000), {
        let mut text = "mobile ".repeat(5000);
        text.push_str(&"phone ".repeat(5000));
        text
    });
    let engine = engine_of(
        vec![
            written("together.txt", "en", "Report", &together),
            written("apart.txt", "en", "Report", &apart),
        ],
        1,
    );
    let hits = ranked(&engine, "mobile phone", 0, 10);
    assert_eq!(hits.len(), 2, "{hits:?}");
    // Read, the positions would put `together.txt` first; past the bound neither gets any
    // closeness, and the two score alike.
    assert_eq!(hits[0].1, hits[1].1, "{hits:?}");
}
