//! The architecture of DESIGN.md, checked by reading `src/`: JSON shapes live only in the output
//! layer (`src/render/`), and a stage does not import the stages after it; the module map in
//! `docs/architecture.md` names every file and only files that exist; no room is crowded (files
//! and the two central functions have a size bound). A rule here fails with the files that
//! break it, so a pipe through the wrong wall is caught when it is laid.

use std::fs;
use std::path::{Path, PathBuf};

/// Most lines a file of `src/` may have: past it, a file holds more than one room's work.
const MAX_FILE_LINES: usize = 600;

/// Most lines `run_index` and `Engine::search` may have, `fn` line to closing brace: each is
/// the table of contents of its stage and hands the work to named steps.
const MAX_CENTRAL_FN_LINES: usize = 80;

/// Types outside `src/render/` that may derive or implement `Serialize`, and why. Each is stored,
/// never printed: what the CLI prints is shaped in `src/render/json.rs`.
const SERIALIZE_ALLOWED: &[(&str, &str)] = &[
    (
        "Payload",
        "the index's commit payload (schema, roots, field maps), read back by the next run",
    ),
    (
        "FieldMap",
        "the field map a root was read with, stored in the commit payload",
    ),
    (
        "Failure",
        "what failed in a file, stored in the commit payload so later runs report it again",
    ),
    ("Target", "a field map's article field, stored with it"),
];

#[test]
fn json_shapes_live_only_in_the_output_layer() {
    let render = src().join("render");
    let mut found = Vec::new();
    for file in rust_files(&src()) {
        if file.starts_with(&render) {
            continue;
        }
        for name in serialized_types(&read(&file)) {
            if !SERIALIZE_ALLOWED
                .iter()
                .any(|(allowed, _)| *allowed == name)
            {
                found.push(format!("{}: {name}", shown(&file)));
            }
        }
    }
    assert!(
        found.is_empty(),
        "Serialize outside src/render/ (give the type a serialize-only twin in \
         src/render/json.rs, or list it in SERIALIZE_ALLOWED if it is stored, not printed):\n{}",
        found.join("\n")
    );
}

#[test]
fn ingest_does_not_import_search() {
    assert_no_import("ingest", "search");
}

#[test]
fn ingest_does_not_import_index() {
    assert_no_import("ingest", "index");
}

#[test]
fn query_does_not_import_ingest() {
    assert_no_import("query", "ingest");
}

#[test]
fn index_does_not_import_search() {
    assert_no_import("index", "search");
}

#[test]
fn search_does_not_import_ingest() {
    assert_no_import("search", "ingest");
}

#[test]
fn the_leaf_imports_no_stage() {
    for stage in ["walk", "ingest", "schema", "index", "query", "search"] {
        assert_no_import("common", stage);
    }
}

/// Fails if a file of module `dir` (`src/<dir>.rs` or `src/<dir>/**.rs`) imports module
/// `forbidden` of the crate: `use crate::forbidden…`, `crate::forbidden::` in code, a
/// `use crate::{…}` group naming it, or the same through `super::`.
#[test]
fn the_module_map_names_every_file_and_only_files_that_exist() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let doc = read(&root.join("docs/architecture.md"));
    let named = src_paths_named(&doc);
    let missing_from_doc: Vec<String> = rust_files(&src())
        .iter()
        .map(|f| shown(f))
        .filter(|f| !named.contains(f))
        .collect();
    assert!(
        missing_from_doc.is_empty(),
        "files of src/ that docs/architecture.md does not name (add a row for each):\n{}",
        missing_from_doc.join("\n")
    );
    let gone: Vec<&String> = named
        .iter()
        .filter(|p| !root.join(p.trim_end_matches('/')).exists())
        .collect();
    assert!(
        gone.is_empty(),
        "paths docs/architecture.md names that do not exist: {gone:?}"
    );
}

#[test]
fn no_file_of_src_is_over_the_line_bound() {
    let long: Vec<String> = rust_files(&src())
        .iter()
        .map(|f| (shown(f), read(f).lines().count()))
        .filter(|(_, n)| *n > MAX_FILE_LINES)
        .map(|(f, n)| format!("{f}: {n} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines (split them by job):\n{}",
        long.join("\n")
    );
}

#[test]
fn run_index_and_engine_search_are_short() {
    for (file, signature) in [
        ("index/mod.rs", "pub fn run_index("),
        ("search/engine.rs", "pub fn search("),
    ] {
        let text = read(&src().join(file));
        let lines =
            fn_lines(&text, signature).unwrap_or_else(|| panic!("src/{file} has no `{signature}`"));
        assert!(
            lines < MAX_CENTRAL_FN_LINES,
            "`{signature}` in src/{file} is {lines} lines, over {MAX_CENTRAL_FN_LINES}"
        );
    }
}

/// The `src/…` paths written in backticks in `doc`.
fn src_paths_named(doc: &str) -> Vec<String> {
    doc.split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| span.starts_with("src/") && !span.contains(' '))
        .map(str::to_string)
        .collect()
}

/// Lines of the function whose first line holds `signature`, from that line to the closing
/// brace at the same indent.
fn fn_lines(text: &str, signature: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.contains(signature))?;
    let indent = lines[start].len() - lines[start].trim_start().len();
    let close = format!("{}}}", " ".repeat(indent));
    let end = lines[start..].iter().position(|l| *l == close)?;
    Some(end + 1)
}

fn assert_no_import(dir: &str, forbidden: &str) {
    let mut files = rust_files(&src().join(dir));
    let single = src().join(format!("{dir}.rs"));
    if single.is_file() {
        files.push(single);
    }
    assert!(!files.is_empty(), "no module {dir} in src/");
    let mut found = Vec::new();
    for file in files {
        let depth = depth_below_crate(&file);
        for line in imports_of(&read(&file), forbidden, depth) {
            found.push(format!("{}: {line}", shown(&file)));
        }
    }
    assert!(
        found.is_empty(),
        "{dir} must not import {forbidden}:\n{}",
        found.join("\n")
    );
}

/// The code of `text` without comments (a `//` to the end of its line), one line per line.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| l.split_once("//").map_or(l, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names of the types that derive or implement `Serialize` in a Rust file.
fn serialized_types(text: &str) -> Vec<String> {
    let code = code(text);
    let mut names = Vec::new();
    // #[derive(…, Serialize, …)] then the next struct or enum.
    let mut rest = code.as_str();
    while let Some(at) = rest.find("derive(") {
        let after = &rest[at + "derive(".len()..];
        let close = after.find(')').unwrap_or(after.len());
        let serializes = after[..close].split(',').any(|d| is_serialize(d.trim()));
        if serializes {
            names.extend(next_item_name(&after[close..]));
        }
        rest = &after[close..];
    }
    // impl … Serialize for Name
    let mut rest = code.as_str();
    while let Some(at) = rest.find("Serialize for ") {
        let before = rest[..at]
            .trim_end_matches("serde::")
            .trim_end_matches("ser::");
        let whole_word = !before.ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let after = &rest[at + "Serialize for ".len()..];
        if whole_word && before.contains("impl") {
            names.push(ident(after));
        }
        rest = after;
    }
    names
}

/// `Serialize` or a path ending in it, not `Deserialize`.
fn is_serialize(derive: &str) -> bool {
    derive == "Serialize" || derive.ends_with("::Serialize")
}

/// The name of the first struct, enum or union in `code`.
fn next_item_name(code: &str) -> Option<String> {
    let words: Vec<&str> = code.split_whitespace().collect();
    words
        .windows(2)
        .find(|w| matches!(w[0], "struct" | "enum" | "union"))
        .map(|w| ident(w[1]))
}

/// The identifier at the start of `text`.
fn ident(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The lines of `text` that import crate module `module`; `depth` is how many `super::` lead
/// from the file's module to the crate root.
fn imports_of(text: &str, module: &str, depth: usize) -> Vec<String> {
    let roots = ["crate::".to_string(), "super::".repeat(depth)];
    let code = code(text);
    let mut found = Vec::new();
    for root in roots.iter().filter(|r| !r.is_empty()) {
        // A path: `crate::module::x`, `crate::module;`, `crate::module as m`.
        let path = format!("{root}{module}");
        let mut rest = code.as_str();
        while let Some(at) = rest.find(&path) {
            let before_ok =
                !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
            let after = &rest[at + path.len()..];
            if before_ok && !after.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                found.push(line_at(&code, &rest[at..]));
            }
            rest = after;
        }
        // A group: `use crate::{article::Article, module::{…}}`.
        let group = format!("{root}{{");
        let mut rest = code.as_str();
        while let Some(at) = rest.find(&group) {
            let inner = &rest[at + group.len()..];
            let names_it = top_level_items(inner).iter().any(|item| {
                item == module
                    || item.starts_with(&format!("{module}::"))
                    || item.starts_with(&format!("{module} "))
            });
            if names_it {
                found.push(line_at(&code, &rest[at..]));
            }
            rest = inner;
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The comma-separated items of a `{…}` group whose opening brace is just before `inner`.
fn top_level_items(inner: &str) -> Vec<String> {
    let mut items = Vec::new();
    let (mut depth, mut item) = (0usize, String::new());
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(item.trim().to_string());
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    items.push(item.trim().to_string());
    items
}

/// The whole line of `code` on which `tail` (a suffix of `code`) starts.
fn line_at(code: &str, tail: &str) -> String {
    let at = code.len() - tail.len();
    let start = code[..at].rfind('\n').map_or(0, |n| n + 1);
    let end = code[at..].find('\n').map_or(code.len(), |n| at + n);
    code[start..end].trim().to_string()
}

/// How many `super::` lead from the module of `file` to the crate root.
fn depth_below_crate(file: &Path) -> usize {
    let below = file.strip_prefix(src()).expect("a file in src/");
    let parts = below.components().count();
    if below.file_name().is_some_and(|n| n == "mod.rs") {
        parts - 1
    } else {
        parts
    }
}

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn read(file: &Path) -> String {
    fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The file's path from the repository root, for messages.
fn shown(file: &Path) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    file.strip_prefix(&root)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// Every `.rs` file below `dir`, in a stable order (none when `dir` is not a folder).
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let path = entry.expect("a readable src/").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

// The checks themselves, on text written here, so that a rule that passes is known to look.

#[test]
fn serialize_is_found_however_it_is_written() {
    let text = "
        #[derive(Debug, Clone, Serialize)]
        pub struct Derived { a: u8 }
        #[derive(
            Debug,
            serde::Serialize,
        )]
        #[serde(rename_all = \"lowercase\")]
        pub(crate) enum Spread<T> { A(T) }
        #[derive(Debug, Deserialize)] // Serialize would be wrong here
        struct OnlyRead;
        impl serde::Serialize for Manual { }
        impl<'a> Serialize for Generic<'a> { }
        /// impl Serialize for Commented
    ";
    assert_eq!(
        serialized_types(text),
        ["Derived", "Spread", "Manual", "Generic"]
    );
}

#[test]
fn imports_are_found_in_every_form() {
    let text = "
        use crate::search::Engine;
        use crate::searching::Other;
        use crate::{article::Article, search::{Hit, Hits}};
        use super::super::search;
        use super::sibling::x;
        fn f() { crate::search::run(); }
        // use crate::search::Commented;
    ";
    assert_eq!(
        imports_of(text, "search", 2),
        [
            "fn f() { crate::search::run(); }",
            "use crate::search::Engine;",
            "use crate::{article::Article, search::{Hit, Hits}};",
            "use super::super::search;",
        ]
    );
    assert!(imports_of(text, "article", 1).len() == 1);
    assert!(imports_of(text, "sibling", 2).is_empty());
}

#[test]
fn functions_and_named_paths_are_measured_as_written() {
    let text = "impl E {\n    pub fn search(&self) {\n        if x {\n        }\n    }\n}\n";
    assert_eq!(fn_lines(text, "pub fn search("), Some(4));
    let doc = "| `src/a.rs` | x |\n`src/b/` and `warta search` and `src/c d`";
    assert_eq!(src_paths_named(doc), ["src/a.rs", "src/b/"]);
}
