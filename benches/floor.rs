//! The floor of a build: the same article files indexed by tantivy with none of warta's extras,
//! to compare `warta index` against (benches/RESULTS.md). One text field (title and body once,
//! positions, warta's English analyzer with its stem cache), the title and body stored (zstd,
//! as warta's docstore), two indexing threads and warta's writer budget; no exact copy, no title
//! repeats, no language detection, no SimHash, no per-file bookkeeping, no merge at the end.
//!
//! ```sh
//! cargo bench --bench floor                                  # corpus/, into a temporary folder
//! cargo bench --bench floor -- ../benchdata/synth-100k /tmp/floor-100k
//! ```
//!
//! Prints one JSON line: articles, seconds (wall, reading and parsing included), index bytes.
//! No criterion: a plain main (`harness = false`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{doc, Index, IndexSettings, IndexWriter};
use warta::schema::analysis;

/// warta's default writer budget (`index --memory`).
const WRITER_BYTES: usize = 224 << 20;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = args
        .first()
        .map_or_else(|| root.join("corpus"), PathBuf::from);
    let temp = tempfile::tempdir().expect("a temporary folder");
    let dir = args
        .get(1)
        .map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the index folder");

    let start = Instant::now();
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analysis::EN)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = b.add_text_field(
        "text",
        TextOptions::default().set_indexing_options(indexing),
    );
    let title = b.add_text_field("title", STORED);
    let body = b.add_text_field("body", STORED);
    let settings = IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(3),
        }),
        docstore_blocksize: 32 * 1024,
        ..IndexSettings::default()
    };
    let index = Index::builder()
        .schema(b.build())
        .settings(settings)
        .create_in_dir(&dir)
        .expect("an index");
    analysis::register(index.tokenizers());
    let mut writer: IndexWriter = index
        .writer_with_num_threads(2, WRITER_BYTES)
        .expect("a writer");
    let mut articles = 0u64;
    for entry in walkdir::WalkDir::new(&corpus).sort_by_file_name() {
        let entry = entry.expect("a readable corpus");
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let raw = std::fs::read(path).expect("a readable file");
        let (head, rest) = parse_txt(&String::from_utf8_lossy(&raw));
        writer
            .add_document(
                doc!(text => head.clone(), text => rest.clone(), title => head, body => rest),
            )
            .expect("added");
        articles += 1;
    }
    writer.commit().expect("committed");
    writer.wait_merging_threads().expect("merged");
    let secs = start.elapsed().as_secs_f64();
    let bytes: u64 = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    println!("{{\"articles\": {articles}, \"seconds\": {secs:.2}, \"index_bytes\": {bytes}}}");
}

/// Title and body of a `.txt` article: header lines, then the title line, then the body (as
/// benches/compare.py reads them for the other engines).
fn parse_txt(text: &str) -> (String, String) {
    const HEADER_KEYS: [&str; 6] = ["date:", "source:", "url:", "author:", "tags:", "lang:"];
    let mut lines = text.split('\n');
    let mut title = "";
    for line in lines.by_ref() {
        let lower = line.to_lowercase();
        if !line.trim().is_empty() && !HEADER_KEYS.iter().any(|k| lower.starts_with(k)) {
            title = line.trim();
            break;
        }
    }
    let body: Vec<&str> = lines.collect();
    (title.to_string(), body.join("\n").trim().to_string())
}
