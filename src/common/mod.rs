//! What several stages share and none of them owns: article ids, dates as news writes them,
//! language codes. A leaf: it imports only the `Article` types, never walk, ingest, schema,
//! index, query or search, so any stage may use it without importing another stage.

pub mod date;
pub mod lang;
pub mod periods;
pub mod url;

/// The stable id of an article: 16 hex digits of a hash of its file's identity and record number,
/// or of its URL identity (`url::identity`) for an article known by its URL.
pub fn article_id(key: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

/// The largest character boundary of `text` at or before `max`.
pub fn char_floor(text: &str, max: usize) -> usize {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    /// The leaf's sources.
    const SOURCES: &[(&str, &str)] = &[
        ("common/mod.rs", include_str!("mod.rs")),
        ("common/date.rs", include_str!("date.rs")),
        ("common/lang.rs", include_str!("lang.rs")),
        ("common/periods.rs", include_str!("periods.rs")),
        ("common/url.rs", include_str!("url.rs")),
    ];

    #[test]
    fn the_leaf_imports_no_stage() {
        for (file, text) in SOURCES {
            for stage in ["walk", "ingest", "schema", "index", "query", "search"] {
                let path = format!("crate::{stage}");
                assert!(!text.contains(&path), "{file} uses {path}");
            }
        }
    }

    #[test]
    fn ids_are_stable_hashes() {
        assert_eq!(super::article_id("/x/a.txt"), super::article_id("/x/a.txt"));
        assert_ne!(super::article_id("/x/a.txt"), super::article_id("/x/b.txt"));
        assert_eq!(super::article_id("/x/a.txt").len(), 16);
    }
}
