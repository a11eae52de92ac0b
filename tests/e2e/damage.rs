//! A damaged index (a flipped byte in each kind of segment file, a meta.json gone) is refused
//! by every command with one message, nothing of it is deleted, and `--rebuild` recovers it;
//! an index is read without writing to its folder.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::util::{Run, Sandbox};

/// The kinds of segment file tantivy writes.
const KINDS: [&str; 6] = ["idx", "term", "store", "pos", "fieldnorm", "fast"];

/// Queries whose answers are compared before and after a rebuild.
const QUERIES: [&str; 3] = ["chip", "startup funding", "pemerintah"];

/// A sandbox with the corpus indexed into `index`, and the id of one of its articles.
fn indexed() -> (Sandbox, String) {
    let s = Sandbox::with_corpus();
    s.run(&["index", "corpus"]).code(0);
    let hits: Value = s.run(&["search", "--json", "chip"]).code(0).json();
    let id = hits["hits"][0]["id"].as_str().unwrap().to_string();
    (s, id)
}

/// Every file of a folder with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Copies the files of `from` into a new folder `to`.
fn copy(from: &Path, to: &Path) {
    std::fs::create_dir(to).unwrap();
    for (name, bytes) in contents(from) {
        std::fs::write(to.join(name), bytes).unwrap();
    }
}

/// The ids of the hits of each of [`QUERIES`] in the index `index`.
fn answers(s: &Sandbox, index: &str) -> Vec<Vec<String>> {
    QUERIES
        .iter()
        .map(|q| {
            let run = s.run(&["--index", index, "search", "--json", q]);
            let hits: Value = run.code(0).json();
            let hits = hits["hits"].as_array().unwrap();
            hits.iter()
                .map(|h| h["id"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// Every command over the index `index`, each of which must refuse it as damaged (`file`).
fn every_command<'a>(index: &'a str, id: &'a str) -> Vec<Vec<&'a str>> {
    let mut commands: Vec<Vec<&str>> = QUERIES.iter().map(|q| vec!["search", q]).collect();
    commands.extend([
        vec!["search", "--json", "chip"],
        vec!["show", id],
        vec!["similar", id],
        vec!["stats"],
        vec!["stats", "--by", "source"],
        vec!["export"],
        vec!["check"],
        vec!["index", "corpus"],
        vec!["index"],
    ]);
    for command in &mut commands {
        command.splice(0..0, ["--index", index]);
    }
    commands
}

/// Asserts that `run` refused the index `index` as damaged, naming a file with `file` in it.
fn assert_refused(run: &Run, index: &str, file: &str, args: &[&str]) {
    assert_eq!(run.code, 2, "{args:?}: {run:?}");
    let line = run.stderr.lines().last().unwrap_or("");
    let prefix = format!("warta: the index in {index} is damaged (");
    assert!(
        line.starts_with(&prefix) && line.ends_with("); run warta index --rebuild"),
        "{args:?}: {line}"
    );
    assert!(line.contains(file), "{args:?} names {file}: {line}");
    assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
}

/// Flips the bits of a byte in the middle of `path`, within the data its checksum covers.
fn flip_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_flipped_byte_in_any_segment_file_is_refused_by_every_command_and_rebuilt() {
    let (s, id) = indexed();
    let intact = answers(&s, "index");
    for kind in KINDS {
        let index = format!("damaged-{kind}");
        let dir = s.path().join(&index);
        copy(&s.path().join("index"), &dir);
        let file = contents(&dir)
            .into_keys()
            .find(|name| name.ends_with(&format!(".{kind}")))
            .unwrap_or_else(|| panic!("no .{kind} file"));
        flip_byte(&dir.join(&file));
        let before = contents(&dir);

        for args in every_command(&index, &id) {
            let run = s.run(&args);
            assert_refused(&run, &index, &file, &args);
        }
        let check = s.run(&["--index", &index, "check", "--json"]);
        let report: Value = check.json();
        assert_eq!(report["state"], "damaged");
        assert_eq!(report["damaged"], serde_json::json!([file]));
        assert_eq!(
            contents(&dir),
            before,
            "a command changed the damaged index"
        );

        s.run(&["--index", &index, "index", "--rebuild"]).code(0);
        s.run(&["--index", &index, "check"]).code(0);
        assert_eq!(answers(&s, &index), intact, "rebuilt from .{kind} damage");
    }
}

#[test]
fn an_index_without_meta_json_is_refused_and_nothing_is_deleted() {
    let (s, id) = indexed();
    let intact = answers(&s, "index");
    let dir = s.path().join("index");
    std::fs::remove_file(dir.join("meta.json")).unwrap();
    let before = contents(&dir);

    for args in every_command("index", &id) {
        let run = s.run(&args);
        assert_refused(&run, "index", "meta.json", &args);
    }
    // Without --index: the default index is not built again from corpus/ over its segments.
    let run = s.run(&["search", "chip"]);
    assert_refused(&run, "index", "meta.json", &["search", "chip"]);
    assert_eq!(contents(&dir), before, "a command changed the index");

    s.run(&["index", "--rebuild", "corpus"]).code(0);
    let report: Value = s.run(&["check", "--json"]).code(0).json();
    assert_eq!(report["state"], "ok");
    assert_eq!(answers(&s, "index"), intact);
}

#[test]
fn check_reports_an_intact_index() {
    let (s, _) = indexed();
    let report: Value = s.run(&["check", "--json"]).code(0).json();
    let stats: Value = s.run(&["stats", "--json"]).code(0).json();
    assert_eq!(report["state"], "ok");
    assert_eq!(report["damaged"], serde_json::json!([]));
    assert_eq!(report["articles"], stats["documents"]);
    assert_eq!(report["segments"], 1);
    assert!(report["schema_version"].as_u64().is_some());
    let text = s.run(&["check"]).code(0);
    assert!(text.stdout.starts_with("index: ok\n"), "{}", text.stdout);
    let none = s.run(&["--index", "nowhere", "check"]).code(2);
    assert!(
        none.stderr.contains("no index at nowhere"),
        "{}",
        none.stderr
    );
}

/// The name, length and modification time of every file of a folder, and of the folder.
fn listing(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let entry =
        |name: String, meta: std::fs::Metadata| (name, meta.len(), meta.modified().unwrap());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            entry(
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap(),
            )
        })
        .collect();
    files.sort();
    files.push(entry(".".into(), std::fs::metadata(dir).unwrap()));
    files
}

/// The commands that only read the index.
fn reading_commands(id: &str) -> Vec<Vec<&str>> {
    vec![
        vec!["search", "chip"],
        vec!["search", "--json", "pemerintah"],
        vec!["show", id],
        vec!["similar", id],
        vec!["stats"],
        vec!["export"],
        vec!["check"],
    ]
}

#[test]
fn reading_an_index_writes_nothing_in_its_folder_and_takes_no_lock() {
    let (s, id) = indexed();
    let dir = s.path().join("index");
    for name in [".tantivy-meta.lock", ".tantivy-writer.lock"] {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let before = listing(&dir);
    for args in reading_commands(&id) {
        let run = s.run(&args);
        assert!(run.code == 0 || run.code == 1, "{args:?}: {run:?}");
    }
    assert_eq!(
        listing(&dir),
        before,
        "a reading command wrote to the index folder"
    );
}

#[test]
fn an_immutable_index_is_searched() {
    let (s, id) = indexed();
    let dir = s.path().join("index");
    let chattr = |flag: &str| {
        Command::new("chattr")
            .arg(flag)
            .arg(&dir)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    // chattr needs a file system that keeps the flag, and the capability to set it (root has
    // it; write permissions do not stop root, the immutable flag does).
    if !chattr("+i") {
        eprintln!("chattr +i is not available here; skipped");
        return;
    }
    let runs: Vec<(Vec<&str>, Run)> = reading_commands(&id)
        .into_iter()
        .map(|args| {
            let run = s.run(&args);
            (args, run)
        })
        .collect();
    let write = std::fs::write(dir.join("probe"), b"");
    assert!(chattr("-i"), "chattr -i");
    assert!(write.is_err(), "the folder was writable under chattr +i");
    for (args, run) in runs {
        assert!(run.code == 0 || run.code == 1, "{args:?}: {run:?}");
    }
}

#[test]
fn the_files_of_an_index_get_the_users_umask() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::with_corpus();
    let warta = crate::util::bin();
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#"umask 022 && exec "$0" --index index index corpus"#)
        .arg(&warta)
        .current_dir(s.path())
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    for name in ["meta.json", ".managed.json"] {
        let mode = std::fs::metadata(s.path().join("index").join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "{name}");
    }
}

#[test]
fn a_byte_flipped_in_place_after_the_index_was_verified_is_found() {
    let (s, _) = indexed();
    let dir = s.path().join("index");
    assert!(
        dir.join(".warta-verified").is_file(),
        "index lists what it verified"
    );
    s.run(&["search", "chip"]).code(0);
    let file = contents(&dir)
        .into_keys()
        .find(|name| name.ends_with(".fast"))
        .unwrap();
    flip_byte(&dir.join(&file));
    let run = s.run(&["search", "chip"]);
    assert_refused(&run, "index", &file, &["search", "chip"]);
}

#[test]
fn searches_during_a_rebuild_see_the_old_index_or_the_new_one() {
    let s = Sandbox::empty();
    s.write(
        "old/a.txt",
        "Zebra crossing\n\nA zebra crossing in the old corpus.\n",
    );
    s.run(&["index", "old"]).code(0);
    const NEW: usize = 1500;
    for n in 0..NEW {
        let text = format!("Zebra report {n}\n\nThe zebra count of day {n} is in.\n");
        s.write(&format!("new/{n:04}.txt"), text);
    }
    // Commits every 20 ms: a rebuild in place would show each of them to a search.
    let mut rebuild = s
        .cmd(&[
            "index",
            "--rebuild",
            "--commit-every",
            "0.02",
            "--threads",
            "1",
            "new",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    let status = loop {
        if let Some(status) = rebuild.try_wait().unwrap() {
            break status;
        }
        let run = s.run(&["search", "--json", "-n", "1", "zebra"]);
        assert_eq!(run.code, 0, "{run:?}");
        let hits: Value = run.json();
        seen.push(hits["total"].as_u64().unwrap());
    };
    assert!(status.success(), "{status:?}");
    let total: Value = s.run(&["search", "--json", "zebra"]).code(0).json();
    assert_eq!(total["total"], NEW);
    assert!(
        seen.len() > 3,
        "the rebuild ended before searches could look"
    );
    for total in &seen {
        assert!(
            *total == 1 || *total == NEW as u64,
            "a search saw {total} of {seen:?}"
        );
    }
    assert!(
        !s.path().join(".index.rebuild").exists(),
        "the old index is removed"
    );
}

#[test]
fn a_meta_json_that_does_not_parse_is_refused_by_every_command() {
    let (s, id) = indexed();
    let dir = s.path().join("index");
    std::fs::write(dir.join("meta.json"), b"{\"segments\": [").unwrap();
    let before = contents(&dir);
    for args in every_command("index", &id) {
        let run = s.run(&args);
        assert_refused(&run, "index", "meta.json", &args);
    }
    assert_eq!(contents(&dir), before, "a command changed the index");
    s.run(&["index", "--rebuild", "corpus"]).code(0);
    s.run(&["check"]).code(0);
}

/// Flips a byte in every hundred of the middle half of `path` and gives it back its time, as
/// bytes that rot on a disk leave it: the list of files verified still names it.
pub(crate) fn rot_in_place(path: &Path) {
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(path).unwrap();
    let len = bytes.len();
    for i in (len / 4..len * 3 / 4).step_by(97) {
        bytes[i] ^= 0xff;
    }
    std::fs::write(path, bytes).unwrap();
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(modified).unwrap();
}

#[test]
fn bytes_that_rot_in_place_never_make_a_command_panic_and_rot_that_changes_rankings_is_refused() {
    let (s, id) = indexed();
    for kind in KINDS {
        let index = format!("rotten-{kind}");
        let dir = s.path().join(&index);
        std::fs::create_dir(&dir).unwrap();
        for (name, _) in contents(&s.path().join("index")) {
            let to = dir.join(&name);
            std::fs::copy(s.path().join("index").join(&name), &to).unwrap();
            let from = std::fs::metadata(s.path().join("index").join(&name)).unwrap();
            let file = std::fs::File::options().write(true).open(&to).unwrap();
            file.set_modified(from.modified().unwrap()).unwrap();
        }
        let file = contents(&dir)
            .into_keys()
            .find(|name| name.ends_with(&format!(".{kind}")))
            .unwrap();
        rot_in_place(&dir.join(&file));

        let mut commands: Vec<Vec<&str>> = ["apple", "cloud security", "\"new chip\"", "pasar"]
            .iter()
            .map(|q| vec!["search", q])
            .collect();
        commands.extend([vec!["show", &id], vec!["similar", &id], vec!["export"]]);
        for mut args in commands {
            args.splice(0..0, ["--index", &index]);
            let run = s.run(&args);
            // Rot in the field norms or fast fields, which would change answers silently, is
            // found by every open; elsewhere a command answers or refuses, never panics.
            let found_on_open = kind == "fieldnorm" || kind == "fast";
            match run.code {
                0 | 1 if !found_on_open => {}
                _ => assert_refused(&run, &index, &file, &args),
            }
        }
        // What a search may not see, check does.
        let run = s.run(&["--index", &index, "check"]);
        assert_refused(&run, &index, &file, &["check"]);
    }
}

/// Sets the mode of `dir` and of every file in it.
#[cfg(unix)]
fn chmod_all(dir: &Path, dir_mode: u32, file_mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    for (name, _) in contents(dir) {
        let perms = std::fs::Permissions::from_mode(file_mode);
        std::fs::set_permissions(dir.join(name), perms).unwrap();
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(dir_mode)).unwrap();
}

/// `chmod -R a-w` of the index: its owner searches it; so does another user (as root, the
/// test runs warta as `nobody`, who could never write there).
#[cfg(unix)]
#[test]
fn a_read_only_index_is_searched_by_its_owner_and_by_another_user() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    let (s, id) = indexed();
    let dir = s.path().join("index");
    chmod_all(&dir, 0o555, 0o444);
    for args in reading_commands(&id) {
        let run = s.run(&args);
        assert!(run.code == 0 || run.code == 1, "{args:?}: {run:?}");
    }
    // /proc/self belongs to the process's effective user.
    let as_root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if as_root {
        std::fs::set_permissions(s.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        for args in reading_commands(&id) {
            let output = s.cmd(&args).uid(65534).gid(65534).output().unwrap();
            let code = output.status.code();
            assert!(
                code == Some(0) || code == Some(1),
                "{args:?} as nobody: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    } else {
        eprintln!("not root: searching as another user is not tried here");
    }
    chmod_all(&dir, 0o755, 0o644);
}
