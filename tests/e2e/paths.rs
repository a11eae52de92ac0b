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
    run.stdout
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = v["id"].as_str().unwrap().to_string();
            (v["path"].as_str().unwrap().to_string(), id)
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
        ["f1/1.txt", "f1/2.txt", "f2/1.txt", "f2/2.txt", "f3b/1.txt", "f3b/2.txt"]
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
