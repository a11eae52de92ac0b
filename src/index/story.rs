//! Near-duplicate detection at index time: the same story re-published (a copy, or a copy with
//! small edits such as a retouched headline) gets the story id of the article it repeats.
//!
//! Each article gets a 64-bit SimHash (Charikar) of its word 3-shingles; two articles within
//! `MAX_DISTANCE` differing bits are the same story. Candidates are found by banding: the hash
//! is cut into `BANDS` bands of 16 bits, and two hashes within `MAX_DISTANCE` bits must agree
//! exactly on at least one band (pigeonhole), so each article is compared with a handful of
//! others, not with the whole index. Hand-written because no crate does SimHash with banded
//! lookup over an incremental collection; it is short.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use crate::article::Article;

/// Articles whose SimHashes differ in at most this many bits are one story. Measured on
/// `bbc-tech` against its DUPLICATES.csv (with the same-headline rule below): recall 1.0, and
/// every pair the list lacks is a re-publication under an edited headline (README, "Story
/// collapse").
pub const MAX_DISTANCE: u32 = 3;
/// Bands of 16 bits: `MAX_DISTANCE + 1` of them, so a near pair shares one exactly.
const BANDS: usize = 4;
/// Under the same headline, a re-publication may differ more: up to a quarter of the bits
/// (two unrelated texts differ in about half).
pub const MAX_DISTANCE_SAME_TITLE: u32 = 16;

/// A hash of the headline, lower case and spaces squashed; 0 when there is none.
pub fn title_hash(article: &Article) -> u64 {
    let title = article.title.to_lowercase();
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        0
    } else {
        xxhash_rust::xxh3::xxh3_64(title.as_bytes()).max(1)
    }
}

/// The SimHash of an article's text (its title only when it has no text), over word
/// 3-shingles (lower case, letters and digits), each shingle counted once. The headline is
/// left out because re-publications retouch it: with it, a new headline over the same 500
/// words moved the hash by more bits than a light edit of the text.
pub fn simhash(article: &Article) -> u64 {
    let mut words: Vec<u64> = Vec::new();
    let mut word = String::new();
    let mut ascii: Vec<u8> = Vec::new();
    let parts: Vec<&str> = if article.lede.is_empty() && article.body.is_empty() {
        vec![&article.title]
    } else {
        vec![&article.lede, &article.body]
    };
    for part in parts {
        for piece in part.split(|c: char| !c.is_alphanumeric()) {
            if piece.is_empty() {
                continue;
            }
            // The same lower case as `char::to_lowercase` gives, without decoding characters
            // where there are none but ASCII (most words).
            let lower = if piece.is_ascii() {
                ascii.clear();
                ascii.extend(piece.bytes().map(|b| b.to_ascii_lowercase()));
                &ascii[..]
            } else {
                word.clear();
                word.extend(piece.chars().flat_map(char::to_lowercase));
                word.as_bytes()
            };
            words.push(xxhash_rust::xxh3::xxh3_64(lower));
        }
    }
    let shingles = shingles(&words);
    // A bit is set where more shingles have it than not (each shingle's vote +1 or -1).
    let ones = count_ones(&shingles);
    let total = shingles.len() as u64;
    ones.iter()
        .enumerate()
        .filter(|(_, &count)| count * 2 > total)
        .fold(0u64, |h, (bit, _)| h | 1 << bit)
}

/// The distinct hashes of a text's runs of three words (of its words combined, for fewer than
/// three), sorted.
fn shingles(words: &[u64]) -> Vec<u64> {
    let mut shingles: Vec<u64> = if words.len() < 3 {
        vec![words.iter().fold(0, |h, w| mix(h ^ w))]
    } else {
        words
            .windows(3)
            .map(|w| mix(w[0] ^ w[1].rotate_left(21) ^ w[2].rotate_left(42)))
            .collect()
    };
    shingles.sort_unstable();
    shingles.dedup();
    shingles
}

/// Each byte value with its eight bits spread one to a byte (bit `i` to byte `i`): summing
/// these counts eight bits at once, in eight byte-wide counters.
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut value = 0;
    while value < 256 {
        let mut bit = 0;
        while bit < 8 {
            if value >> bit & 1 == 1 {
                table[value] |= 1 << (8 * bit);
            }
            bit += 1;
        }
        value += 1;
    }
    table
};

/// How many of `hashes` have each of the 64 bits set. Counted a byte of each hash at a time
/// through [`SPREAD`] (8 additions per hash where a loop over the bits takes 64: that loop was
/// most of the SimHash's share of a build), in byte-wide counters emptied every 255 hashes,
/// before they could overflow.
fn count_ones(hashes: &[u64]) -> [u64; 64] {
    let mut ones = [0u64; 64];
    for chunk in hashes.chunks(255) {
        let mut lanes = [0u64; 8];
        for h in chunk {
            for (byte, lane) in lanes.iter_mut().enumerate() {
                *lane += SPREAD[(h >> (8 * byte) & 0xff) as usize];
            }
        }
        for (byte, lane) in lanes.iter().enumerate() {
            for bit in 0..8 {
                ones[8 * byte + bit] += lane >> (8 * bit) & 0xff;
            }
        }
    }
    ones
}

/// A 64-bit finaliser (splitmix64), so that combined word hashes spread over all bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The story id an article starts with when it repeats no other: its own id as a number.
pub fn own_story(article_id: &str) -> u64 {
    crate::schema::id_key(article_id)
}

/// A band bucket holds at most this many distinct hashes. Random texts spread evenly over the
/// 65,536 values of a band, so only texts made to collide fill one; beyond it, a new hash is
/// still matched against the bucket but not added, which keeps each assignment bounded.
const MAX_BAND_CANDIDATES: usize = 1024;
/// A headline shared by this many distinct texts is a generic one ("Untitled", a site name),
/// not a story's: further texts under it are matched but not added as candidates.
const MAX_TITLE_CANDIDATES: usize = 64;

/// The stories known so far, by band, to assign new articles to.
///
/// Identical texts (the same SimHash) are one candidate, with the lowest story id among them,
/// so a file of a million copies of one text is assigned in linear time.
#[derive(Debug, Default)]
pub struct Stories {
    /// The lowest story id of each distinct SimHash known.
    exact: HashMap<u64, u64>,
    /// The distinct SimHashes by band value.
    bands: HashMap<(u8, u16), Vec<u64>>,
    /// The distinct SimHashes under each headline hash.
    titles: HashMap<u64, Vec<u64>>,
    /// Which (headline, SimHash) pairs `titles` holds.
    titled: HashSet<(u64, u64)>,
}

impl Stories {
    /// Records an article already in the index.
    pub fn insert(&mut self, simhash: u64, title: u64, story: u64) {
        match self.exact.entry(simhash) {
            Entry::Occupied(mut known) => {
                let lowest = known.get_mut();
                *lowest = (*lowest).min(story);
            }
            Entry::Vacant(new) => {
                new.insert(story);
                for band in 0..BANDS {
                    let bucket = self.bands.entry(band_key(simhash, band)).or_default();
                    if bucket.len() < MAX_BAND_CANDIDATES {
                        bucket.push(simhash);
                    }
                }
            }
        }
        if title != 0 && self.titled.insert((title, simhash)) {
            let bucket = self.titles.entry(title).or_default();
            if bucket.len() < MAX_TITLE_CANDIDATES {
                bucket.push(simhash);
            }
        }
    }

    /// The story of a new article: that of the nearest known article within `MAX_DISTANCE`
    /// bits, or within `MAX_DISTANCE_SAME_TITLE` under the same headline (the lowest story id
    /// among equals, so the result does not depend on lookup order), else `own`. The article
    /// is then known too.
    pub fn assign(&mut self, simhash: u64, title: u64, own: u64) -> u64 {
        let mut best: Option<(u32, u64)> = None;
        let exact = &self.exact;
        let mut consider = |candidates: Option<&Vec<u64>>, max: u32| {
            for &other in candidates.into_iter().flatten() {
                let distance = (other ^ simhash).count_ones();
                if distance > max {
                    continue;
                }
                if let Some(&story) = exact.get(&other) {
                    if best.is_none_or(|b| (distance, story) < b) {
                        best = Some((distance, story));
                    }
                }
            }
        };
        for band in 0..BANDS {
            consider(self.bands.get(&band_key(simhash, band)), MAX_DISTANCE);
        }
        if title != 0 {
            consider(self.titles.get(&title), MAX_DISTANCE_SAME_TITLE);
        }
        let story = best.map_or(own, |(_, story)| story);
        self.insert(simhash, title, story);
        story
    }
}

/// The bucket of one band of a SimHash.
fn band_key(simhash: u64, band: usize) -> (u8, u16) {
    (band as u8, (simhash >> (16 * band)) as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, body: &str) -> Article {
        let mut a = crate::ingest::txt::parse_txt(&format!("{title}\n\n{body}\n"));
        a.id = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(title.as_bytes()));
        a
    }

    /// A real-sized article: the sample article on data centres, without its header lines.
    fn body() -> String {
        let text = include_str!("../../corpus/en-10-altura-indonesia-data-centres.txt");
        text.split("\n\n").skip(3).collect::<Vec<_>>().join("\n\n")
    }

    #[test]
    fn copies_and_light_edits_share_a_story_and_other_stories_do_not() {
        let original = article("Altura commits billions to data centres", &body());
        let copy = article("Altura commits billions to data centres", &body());
        let edited = article("Altura commits $6bn to data centres", &body());
        let other = article(
            "Broadband prices fall",
            "Prices for home broadband fell again this year as fibre reached more villages and \
             operators competed for customers with cheaper plans and faster speeds in cities.",
        );
        let mut stories = Stories::default();
        let first = stories.assign(simhash(&original), 0, own_story(&original.id));
        assert_eq!(first, own_story(&original.id));
        assert_eq!(
            stories.assign(simhash(&copy), 0, own_story(&copy.id)),
            first
        );
        assert!((simhash(&original) ^ simhash(&edited)).count_ones() <= MAX_DISTANCE);
        assert_eq!(
            stories.assign(simhash(&edited), 0, own_story(&edited.id)),
            first
        );
        assert_ne!(
            stories.assign(simhash(&other), 0, own_story(&other.id)),
            first
        );
    }

    #[test]
    fn many_identical_texts_are_assigned_in_linear_time() {
        // Each assignment looks at the candidates of its bands and title only: with every
        // list bounded (and identical texts found by the exact map), 80,000 copies cost 80,000
        // bounded steps. Counted, not timed: a busy machine cannot decide it.
        let mut stories = Stories::default();
        for id in 0..80_000u64 {
            assert_eq!(stories.assign(0xfeed_beef, 7, 1_000 + id), 1_000);
        }
        assert_eq!(stories.exact.len(), 1);
        assert!(stories.bands.values().all(|b| b.len() <= 1));
        assert!(stories.titles.values().all(|t| t.len() <= 1));
    }

    #[test]
    fn a_generic_headline_holds_a_bounded_number_of_candidates() {
        let mut stories = Stories::default();
        for n in 0..10_000u64 {
            stories.assign(n.wrapping_mul(0x9e37_79b9_7f4a_7c15), 7, n + 1);
        }
        assert_eq!(stories.titles[&7].len(), MAX_TITLE_CANDIDATES);
        assert!(stories
            .bands
            .values()
            .all(|b| b.len() <= MAX_BAND_CANDIDATES));
    }

    /// The SimHash as first written (every word lower-cased through `char::to_lowercase`, a
    /// signed vote per bit; the shingles are the same function): the faster one must give the
    /// same hashes, or stories would move.
    fn simhash_as_defined(article: &Article) -> u64 {
        let text = if article.lede.is_empty() && article.body.is_empty() {
            article.title.clone()
        } else {
            format!("{}\u{0}{}", article.lede, article.body)
        };
        let words: Vec<u64> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let lower: String = w.chars().flat_map(char::to_lowercase).collect();
                xxhash_rust::xxh3::xxh3_64(lower.as_bytes())
            })
            .collect();
        let mut weights = [0i64; 64];
        for h in shingles(&words) {
            for (bit, weight) in weights.iter_mut().enumerate() {
                *weight += if h >> bit & 1 == 1 { 1 } else { -1 };
            }
        }
        (0..64)
            .filter(|&b| weights[b] > 0)
            .fold(0, |h, b| h | 1 << b)
    }

    #[test]
    fn bits_are_counted_past_what_a_byte_counter_holds() {
        let hashes: Vec<u64> = (0..1000u64)
            .map(|n| if n % 3 == 0 { u64::MAX } else { mix(n) })
            .collect();
        for len in [0, 1, 254, 255, 256, 511, 1000] {
            let hashes = &hashes[..len];
            let bits = (0..64).map(|bit| hashes.iter().map(|h| h >> bit & 1).sum::<u64>());
            assert_eq!(
                count_ones(hashes).to_vec(),
                bits.collect::<Vec<_>>(),
                "{len}"
            );
        }
    }

    #[test]
    fn the_simhash_is_the_one_defined() {
        let texts = [
            body(),
            "Perusahaan ÉLAN İstanbul ΣΊΣΥΦΟΣ straße 5G-Netz ½ Café".to_string(),
            "two words".to_string(),
            String::new(),
        ];
        for text in &texts {
            for (title, lede) in [("A headline", ""), ("", "A LEDE, with Ünïcode")] {
                let a = article(title, text);
                let a = Article {
                    lede: lede.to_string(),
                    ..a
                };
                assert_eq!(
                    simhash(&a),
                    simhash_as_defined(&a),
                    "{title} / {lede} / {text}"
                );
            }
        }
    }
}
