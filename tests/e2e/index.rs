//! What `warta index` does when what the index remembers between runs (the paths it was built
//! from, in its last commit) cannot be read or written.

use crate::json::IndexJson;
use crate::util::Sandbox;

/// Replaces the payload of the index's last commit in `index/meta.json` with `payload`.
fn set_payload(s: &Sandbox, payload: &str) {
    let meta = s.path().join("index/meta.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    json["payload"] = serde_json::Value::String(payload.to_string());
    std::fs::write(&meta, serde_json::to_string(&json).unwrap()).unwrap();
}

#[test]
fn a_record_of_paths_that_does_not_parse_stops_the_run_until_a_rebuild() {
    let s = Sandbox::with_corpus();
    let first: IndexJson = s.run(&["index", "--json"]).code(0).json();
    set_payload(&s, "{\"roots\": ");

    // Without paths, the index cannot know what to walk: an error, not an empty walk.
    let run = s.run(&["index", "--json"]).code(2);
    assert!(
        run.stderr
            .starts_with("warta: the index's record of the paths it was built from"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("warta index --rebuild PATH"),
        "{}",
        run.stderr
    );
    s.run(&["index", "corpus"]).code(2);
    // Search still answers from the index.
    s.run(&["search", "lumora"]).code(0);

    let rebuilt: IndexJson = s
        .run(&["index", "--rebuild", "corpus", "--json"])
        .code(0)
        .json();
    assert_eq!(rebuilt.added, first.added);
    let again: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!((again.unchanged, again.added), (first.added, 0));
}

#[cfg(target_os = "linux")]
#[test]
fn a_path_that_cannot_be_recorded_is_an_error_not_a_forgotten_root() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let s = Sandbox::empty();
    s.write(
        "news/lumora.txt",
        "Lumora delays phone\n\nLumora now says the phone ships later.\n",
    );
    let first: IndexJson = s.run(&["index", "news", "--json"]).code(0).json();
    let odd = OsStr::from_bytes(b"odd-\xff");
    let folder = s.path().join(odd);
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("quokka.txt"),
        "Quokka robots arrive\n\nA startup shipped quokka robots.\n",
    )
    .unwrap();

    let output = s.cmd(&["index"]).arg(odd).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("warta: cannot record the paths indexed"),
        "{stderr}"
    );
    s.run(&["search", "quokka"]).code(1);

    // Nothing was committed: the index still knows the paths it was built from.
    let again: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!((again.unchanged, again.added), (first.added, 0));
}
