//! Paths and roots that change under the index: folders removed or moved, roots listed and
//! forgotten, the same folder indexed from two working directories, failures that stay
//! failures, and files from outside the roots.

use std::collections::BTreeSet;

use crate::json::IndexJson;
use crate::util::Sandbox;

/// Three folders of two articles each.
fn three_folders() -> Sandbox {
    let s = Sandbox::empty();
    for dir in ["f1", "f2", "f3"] {
        for n in 1..=2 {
            s.write(
                &format!("{dir}/{n}.txt"),
                format!("Headline {dir} {n}\n\nThe body of {dir} article {n}.\n"),
            );
        }
    }
    s
}

/// The ids and paths of every article the index holds.
fn articles(s: &Sandbox) -> BTreeSet<(String, String)> {
    let run = s.run(&["export"]).code(0);
    // Export writes the canonical paths the index stores.
    let base = format!("{}/", s.path().canonicalize().unwrap().display());
    run.stdout
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = v["id"].as_str().unwrap().to_string();
            let path = v["path"].as_str().unwrap();
            let rel = path.strip_prefix(&base).expect("below the sandbox");
            (rel.to_string(), id)
        })
        .collect()
}

fn paths(s: &Sandbox) -> Vec<String> {
    articles(s).into_iter().map(|(path, _)| path).collect()
}

#[test]
fn a_removed_root_is_one_warning_and_its_articles_leave() {
    let s = three_folders();
    s.run(&["index", "f1", "f2", "f3"]).code(0);
    let before = articles(&s);
    std::fs::remove_dir_all(s.path().join("f2")).unwrap();

    let run = s.run(&["index", "--json"]).code(0);
    let report: IndexJson = run.json();
    assert_eq!((report.removed, report.unchanged, report.failed), (2, 4, 0));
    assert_eq!(report.warnings, 1);
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].path, "f2");
    assert_eq!(
        report.problems[0].reason,
        "no longer exists: its 2 articles removed and it is no longer tracked; \
         `warta index f2` tracks it again if it comes back"
    );
    let after = articles(&s);
    let expected: BTreeSet<_> = before
        .into_iter()
        .filter(|(path, _)| !path.starts_with("f2/"))
        .collect();
    assert_eq!(after, expected);
    assert_eq!(after.len(), 4);

    // Reported once: the next run has nothing to say.
    let again: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    let roots = s.run(&["roots"]).code(0);
    assert_eq!(roots.stdout, "f1  (2 articles)\nf3  (2 articles)\n");
}

#[test]
fn a_moved_root_indexed_under_its_new_name_leaves_no_copies() {
    let s = three_folders();
    s.run(&["index", "f1", "f2", "f3"]).code(0);
    std::fs::rename(s.path().join("f3"), s.path().join("f3b")).unwrap();

    let run = s.run(&["index", "f3b", "--json"]).code(0);
    let report: IndexJson = run.json();
    assert_eq!((report.added, report.removed, report.failed), (2, 2, 0));
    assert_eq!(report.warnings, 1);
    assert_eq!(report.problems[0].path, "f3");
    assert_eq!(
        run.stderr,
        "warta: f3: no longer exists: its 2 articles removed and it is no longer tracked; \
         `warta index f3` tracks it again if it comes back\n"
    );
    let held = paths(&s);
    assert_eq!(
        held,
        [
            "f1/1.txt",
            "f1/2.txt",
            "f2/1.txt",
            "f2/2.txt",
            "f3b/1.txt",
            "f3b/2.txt"
        ]
    );
    let ids: BTreeSet<String> = articles(&s).into_iter().map(|(_, id)| id).collect();
    assert_eq!(ids.len(), 6, "one id per article");
}

#[test]
fn roots_are_listed_and_forgotten_with_their_articles() {
    let s = three_folders();
    s.run(&["index", "f1", "f2", "f3"]).code(0);
    let listed = s.run(&["roots", "--json"]).code(0);
    let json: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    let roots = json["roots"].as_array().unwrap();
    assert_eq!(roots.len(), 3);
    let canonical = s.path().canonicalize().unwrap();
    assert_eq!(
        roots[1]["path"].as_str().unwrap(),
        canonical.join("f2").to_str().unwrap()
    );
    assert_eq!(roots[1]["articles"], 2);

    let forgot = s.run(&["forget", "f2", "./f3"]).code(0);
    assert_eq!(
        forgot.stdout,
        "forgotten: f2  (2 articles)\nforgotten: f3  (2 articles)\n"
    );
    assert_eq!(paths(&s), ["f1/1.txt", "f1/2.txt"]);
    // A later run without paths walks only what is still tracked.
    let report: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!((report.files, report.unchanged), (2, 2));

    let unknown = s.run(&["forget", "f9"]).code(2);
    assert_eq!(
        unknown.stderr,
        "warta: f9 is not a folder or file this index tracks; `warta roots` lists the tracked ones\n"
    );
}

#[test]
fn one_folder_indexed_from_two_working_directories_is_one_article_per_file() {
    let s = three_folders();
    s.run(&["index", "f1"]).code(0);
    // The same folder, named from inside it and by an absolute path, with the index named
    // from there too.
    let mut inside = s.cmd(&["--index", "../index", "index", "."]);
    inside.current_dir(s.path().join("f1"));
    assert!(inside.status().unwrap().success());
    let absolute = s.path().join("f1");
    let report: IndexJson = s
        .run(&["index", absolute.to_str().unwrap(), "--json"])
        .code(0)
        .json();
    assert_eq!((report.added, report.unchanged), (0, 2));
    assert_eq!(paths(&s), ["f1/1.txt", "f1/2.txt"]);
    assert_eq!(s.run(&["roots"]).code(0).stdout, "f1  (2 articles)\n");
}

#[test]
fn paths_printed_open_from_where_the_search_runs() {
    let s = three_folders();
    s.run(&["index", "f1", "f2"]).code(0);
    // From the sandbox: relative paths, as ripgrep prints them.
    let here = s.run(&["search", "headline", "--format", "paths"]).code(0);
    let mut lines: Vec<&str> = here.stdout.lines().collect();
    lines.sort();
    assert_eq!(lines, ["f1/1.txt", "f1/2.txt", "f2/1.txt", "f2/2.txt"]);
    // From a folder below: paths below it relative, the others absolute; each opens from there.
    for dir in ["f2", "f1"] {
        let mut cmd = s.cmd(&[
            "--index", "../index", "search", "headline", "--format", "paths",
        ]);
        cmd.current_dir(s.path().join(dir));
        let out = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
        assert_eq!(out.lines().count(), 4);
        for line in out.lines() {
            let path = s.path().join(dir).join(line);
            assert!(path.is_file(), "{line} does not open from {dir}/");
        }
        assert!(out.lines().any(|l| l == "1.txt"), "{out}");
    }
    // From elsewhere: absolute paths.
    let elsewhere = tempfile::tempdir().unwrap();
    let index = s.path().join("index");
    let mut cmd = s.cmd(&["--index", index.to_str().unwrap(), "search", "headline"]);
    cmd.args(["--format", "paths"])
        .current_dir(elsewhere.path());
    let out = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    for line in out.lines() {
        assert!(line.starts_with('/'), "{line}");
        assert!(std::path::Path::new(line).is_file(), "{line}");
    }
}

#[test]
fn ids_are_the_same_in_two_copies_of_a_folder() {
    let a = three_folders();
    let b = three_folders();
    a.run(&["index", "f1"]).code(0);
    b.run(&["index", "f1"]).code(0);
    assert_eq!(articles(&a), articles(&b));
    // The rule of docs/identity.md: the root's name and the path below it.
    let ids: Vec<String> = articles(&a).into_iter().map(|(_, id)| id).collect();
    assert_eq!(
        ids,
        [
            warta::ingest::article_id("f1/1.txt"),
            warta::ingest::article_id("f1/2.txt")
        ]
    );
}

#[test]
fn a_broken_record_fails_run_after_run_until_fixed() {
    let s = Sandbox::empty();
    let good = |n: u32| format!("{{\"title\":\"Good {n}\",\"body\":\"Fine text {n}.\"}}\n");
    let broken = format!("{}{{\"title\": broken\n{}", good(1), good(2));
    s.write("feed/f.jsonl", &broken);
    // A file that fails as a whole, beside it.
    s.write("feed/whole.json", "{ not json");

    let first = s.run(&["index", "feed", "--json"]).code(2);
    let report: IndexJson = first.json();
    assert_eq!((report.added, report.failed), (2, 2));
    assert!(report.problems.iter().all(|p| !p.repeat));
    for _ in 0..2 {
        let run = s.run(&["index", "--json"]).code(2);
        let report: IndexJson = run.json();
        assert_eq!((report.unchanged, report.failed), (2, 2));
        let paths: Vec<(&str, bool)> = report
            .problems
            .iter()
            .map(|p| (p.path.as_str(), p.repeat))
            .collect();
        assert_eq!(paths, [("feed/f.jsonl#2", true), ("feed/whole.json", true)]);
        assert!(
            run.stderr.contains("warta: feed/f.jsonl#2: invalid JSON"),
            "{}",
            run.stderr
        );
    }
    // A new failure in the changed file is not a repeat.
    s.write(
        "feed/f.jsonl",
        format!("{broken}{{\"title\": also broken\n"),
    );
    let report: IndexJson = s.run(&["index", "--json"]).code(2).json();
    let repeats: Vec<bool> = report.problems.iter().map(|p| p.repeat).collect();
    assert_eq!(repeats, [false, false, true]);

    // Fixed, and the other file removed: indexed, and quiet from then on.
    s.write("feed/f.jsonl", format!("{}{}{}", good(1), good(3), good(2)));
    std::fs::remove_file(s.path().join("feed/whole.json")).unwrap();
    let fixed: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!((fixed.updated, fixed.failed), (3, 0));
    assert!(fixed.problems.is_empty());
    let again: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!((again.unchanged, again.failed), (3, 0));
}

#[cfg(unix)]
#[test]
fn a_link_to_outside_is_followed_only_when_asked() {
    let s = Sandbox::empty();
    s.write("news/a.txt", "Inside\n\nText inside the folder.\n");
    s.write("outside/b.txt", "Outside\n\nText outside the folder.\n");
    std::os::unix::fs::symlink("../outside/b.txt", s.path().join("news/b.txt")).unwrap();
    std::os::unix::fs::symlink("../outside", s.path().join("news/sub")).unwrap();

    let run = s.run(&["index", "news", "--json"]).code(0);
    let report: IndexJson = run.json();
    assert_eq!((report.added, report.skipped), (1, 2));
    let reasons: Vec<(&str, &str)> = report
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.reason.as_str()))
        .collect();
    let why = "a link to outside the folder indexed; --follow-outside follows it";
    assert_eq!(reasons, [("news/b.txt", why), ("news/sub", why)]);
    assert_eq!(paths(&s), ["news/a.txt"]);

    let followed: IndexJson = s
        .run(&["index", "news", "--follow-outside", "--json"])
        .code(0)
        .json();
    assert_eq!((followed.added, followed.skipped), (1, 0));
    assert_eq!(paths(&s), ["news/a.txt", "outside/b.txt"]);
    // Once the link is removed (here, no longer followed), what it led to leaves the index.
    let plain: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!((plain.removed, plain.skipped), (1, 2));
    assert_eq!(paths(&s), ["news/a.txt"]);
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_indexed_by_their_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let s = Sandbox::empty();
    for (byte, n) in [(0xff_u8, 1), (0xfe, 2)] {
        let bytes = [b'x', byte, b'.', b't', b'x', b't'];
        let path = s
            .path()
            .join("news")
            .join(std::ffi::OsStr::from_bytes(&bytes));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("Name {n}\n\nText of name {n}.\n")).unwrap();
    }
    let report: IndexJson = s.run(&["index", "news", "--json"]).code(0).json();
    assert_eq!(report.added, 2);
    let held = articles(&s);
    let shown: Vec<&str> = held.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(shown, ["news/x\\xFE.txt", "news/x\\xFF.txt"]);
    let ids: BTreeSet<&String> = held.iter().map(|(_, id)| id).collect();
    assert_eq!(ids.len(), 2, "two names, two ids");
    // Unchanged on the next run: the bytes are the identity.
    let again: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!((again.unchanged, again.added, again.removed), (2, 0, 0));
}

/// A folder made unreadable keeps its articles and is reported. Root reads any folder, so as
/// root warta runs as `nobody` on a sandbox it may otherwise write.
#[cfg(unix)]
#[test]
fn an_unreadable_folder_keeps_its_articles_and_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let s = three_folders();
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the process's effective user.
    let as_root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let run = |args: &[&str]| {
        let mut cmd = s.cmd(args);
        if as_root {
            cmd.uid(65534).gid(65534);
        }
        cmd.output().unwrap()
    };
    if as_root {
        let open = |p: &std::path::Path| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o777)).unwrap()
        };
        open(s.path());
        for dir in ["f1", "f2", "f3"] {
            open(&s.path().join(dir));
            for n in 1..=2 {
                open(&s.path().join(format!("{dir}/{n}.txt")));
            }
        }
    }
    assert!(run(&["index", "f1", "f2", "f3"]).status.success());
    let f2 = s.path().join("f2");
    std::fs::set_permissions(&f2, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = run(&["index", "--json"]);
    std::fs::set_permissions(&f2, std::fs::Permissions::from_mode(0o777)).unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: IndexJson = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report.unchanged, report.removed, report.failed), (6, 0, 1));
    assert_eq!(report.problems[0].path, "f2");
    assert_eq!(report.problems[0].reason, "permission denied");
    assert_eq!(paths(&s).len(), 6);
}

#[test]
fn a_plain_search_indexes_corpus_only_in_a_checkout_of_warta() {
    let s = Sandbox::with_corpus();
    std::fs::remove_file(s.path().join("Cargo.toml")).unwrap();
    let run = s.run(&["search", "lumora"]).code(2);
    assert!(
        run.stderr.starts_with("warta: no index at index"),
        "{}",
        run.stderr
    );
    assert!(!s.path().join("index").exists(), "nothing indexed");
    // Another project's Cargo.toml is not warta's.
    s.write("Cargo.toml", "[package]\nname = \"other\"\n");
    s.run(&["search", "lumora"]).code(2);
    s.write("Cargo.toml", "[package]\nname = \"warta\"\n");
    let run = s.run(&["search", "lumora"]).code(0);
    assert!(run.stderr.contains("no index yet"), "{}", run.stderr);
}

#[test]
fn a_rebuild_passes_over_a_root_that_is_gone() {
    let s = three_folders();
    s.run(&["index", "f1", "f2"]).code(0);
    std::fs::remove_dir_all(s.path().join("f2")).unwrap();
    let run = s.run(&["index", "--rebuild", "--json"]).code(0);
    let report: IndexJson = run.json();
    assert_eq!((report.added, report.failed, report.warnings), (2, 0, 1));
    assert_eq!(
        run.stderr,
        "warta: f2: no longer exists: it is no longer tracked; \
         `warta index f2` tracks it again if it comes back\n"
    );
    assert_eq!(s.run(&["roots"]).code(0).stdout, "f1  (2 articles)\n");
}
