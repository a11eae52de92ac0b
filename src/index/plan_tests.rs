//! Tests of `src/index/plan.rs`, kept beside it.

use super::*;
use crate::ingest::kind_of;

/// A walk of `files` (path, mtime, size) under the roots `/news` and `/feeds`.
fn walk(files: &[(&str, i64, u64)]) -> Walked {
    let roots = vec![PathBuf::from("/news"), PathBuf::from("/feeds")];
    let files = files
        .iter()
        .map(|&(key, mtime, size)| Candidate {
            path: PathBuf::from(key),
            key: key.to_string(),
            kind: kind_of(Path::new(key)).unwrap(),
            mtime,
            size,
            root: roots
                .iter()
                .position(|r| key.starts_with(r.to_str().unwrap()))
                .unwrap(),
        })
        .collect();
    Walked {
        files,
        roots,
        unreadable: Vec::new(),
        scope: None,
    }
}

/// An index holding `files` (path, mtime, size, articles).
fn held(files: &[(&str, i64, u64, u64)]) -> HashMap<String, Held> {
    files
        .iter()
        .map(|&(key, mtime, size, articles)| {
            let hash = 7;
            (
                key.to_string(),
                Held {
                    mtime,
                    size,
                    hash,
                    articles,
                    by_url: 0,
                },
            )
        })
        .collect()
}

/// The payload of an index built from `roots` with no field maps.
fn old(roots: &[&str]) -> Payload {
    Payload {
        roots: roots.iter().map(PathBuf::from).collect(),
        ..Payload::new()
    }
}

fn options() -> IndexOptions {
    IndexOptions::new(PathBuf::from("/ix"), vec![PathBuf::from("/news")])
}

fn columns(names: &[&str]) -> FieldMap {
    FieldMap {
        fields: Vec::new(),
        columns: Some(names.iter().map(|n| n.to_string()).collect()),
    }
}

fn keys(plan: &Plan) -> Vec<&str> {
    plan.work.iter().map(|j| j.candidate.key.as_str()).collect()
}

/// An index of three news files, each of two articles.
fn three_files() -> HashMap<String, Held> {
    held(&[
        ("/news/a.txt", 1, 10, 2),
        ("/news/b.txt", 1, 10, 2),
        ("/news/c.txt", 1, 10, 2),
    ])
}

#[test]
fn a_first_build_reads_everything_and_is_bulk() {
    let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
    let plan = Plan::new(&options(), &Payload::default(), walked, HashMap::new(), &[]);
    // Read in the order of the roots' paths, not of the paths as given.
    assert_eq!(keys(&plan), ["/feeds/x.csv", "/news/a.txt"]);
    assert!(plan.work.iter().all(|j| j.before.is_none()));
    assert_eq!((plan.unchanged, plan.bytes()), (0, 30));
    assert!(plan.vanished.is_empty());
    assert!(plan.bulk);
    let roots = [PathBuf::from("/news"), PathBuf::from("/feeds")];
    assert_eq!(plan.payload.roots, roots);
    assert_eq!(plan.payload.schema, crate::schema::SCHEMA_VERSION);
    assert_eq!(plan.maps, [FieldMap::default(), FieldMap::default()]);
}

#[test]
fn files_as_they_were_are_skipped_and_an_added_one_is_read() {
    let walked = walk(&[
        ("/news/a.txt", 1, 10),
        ("/news/b.txt", 1, 10),
        ("/news/c.txt", 1, 10),
        ("/news/d.txt", 5, 10),
    ]);
    let plan = Plan::new(&options(), &old(&["/news"]), walked, three_files(), &[]);
    assert_eq!(keys(&plan), ["/news/d.txt"]);
    assert_eq!(plan.work[0].before, None);
    assert_eq!(plan.unchanged, 6);
    assert!(plan.vanished.is_empty());
    assert!(!plan.bulk, "one file to read against three held");
}

#[test]
fn an_edited_file_is_read_with_what_the_index_held_for_it() {
    // A new mtime, or a new size at the same mtime.
    let walked = walk(&[
        ("/news/a.txt", 2, 10),
        ("/news/b.txt", 1, 12),
        ("/news/c.txt", 1, 10),
    ]);
    let plan = Plan::new(&options(), &old(&["/news"]), walked, three_files(), &[]);
    assert_eq!(keys(&plan), ["/news/a.txt", "/news/b.txt"]);
    let before = plan.work[0].before.unwrap();
    assert_eq!((before.mtime, before.articles), (1, 2));
    assert_eq!(plan.unchanged, 2);
    assert!(!plan.bulk);
}

#[test]
fn a_deleted_file_vanishes_but_not_one_under_a_root_not_walked() {
    let mut index = three_files();
    index.extend(held(&[("/feeds/x.csv", 1, 20, 5)]));
    let walked = walk(&[("/news/a.txt", 1, 10), ("/news/c.txt", 1, 10)]);
    let walked = Walked {
        roots: vec![PathBuf::from("/news")],
        ..walked
    };
    let plan = Plan::new(&options(), &old(&["/news", "/feeds"]), walked, index, &[]);
    assert!(plan.work.is_empty());
    assert_eq!(plan.unchanged, 4);
    let gone = Vanished {
        key: "/news/b.txt".into(),
        articles: 2,
    };
    assert_eq!(plan.vanished, [gone]);
    // The root not walked this time is still remembered.
    assert_eq!(plan.payload.roots, old(&["/news", "/feeds"]).roots);
    assert!(!plan.bulk);
}

#[test]
fn a_renamed_file_is_read_as_new_and_its_old_name_vanishes() {
    let walked = walk(&[
        ("/news/a.txt", 1, 10),
        ("/news/b.txt", 1, 10),
        ("/news/z.txt", 1, 10),
    ]);
    let plan = Plan::new(&options(), &old(&["/news"]), walked, three_files(), &[]);
    assert_eq!(keys(&plan), ["/news/z.txt"]);
    assert_eq!(plan.work[0].before, None);
    assert_eq!(plan.unchanged, 4);
    let gone = Vanished {
        key: "/news/c.txt".into(),
        articles: 2,
    };
    assert_eq!(plan.vanished, [gone]);
}

#[test]
fn a_new_field_map_rereads_its_root_and_is_remembered() {
    let index = held(&[("/feeds/x.csv", 1, 20, 5), ("/news/a.txt", 1, 10, 2)]);
    let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
    let mut given = options();
    given.fields = columns(&["title", "body"]);
    let before = old(&["/news", "/feeds"]);
    let plan = Plan::new(&given, &before, walked, index.clone(), &[]);
    // Both walked roots take the map given, so both are read again, unchanged on disk.
    assert_eq!(keys(&plan), ["/feeds/x.csv", "/news/a.txt"]);
    assert_eq!(plan.maps, [given.fields.clone(), given.fields.clone()]);
    assert_eq!(plan.payload.fields_of(Path::new("/feeds")), given.fields);
    assert!(plan.bulk);

    // The next run without a map reads each root with the one remembered: nothing to read.
    let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
    let again = Plan::new(&options(), &plan.payload, walked, index.clone(), &[]);
    assert!(again.work.is_empty());
    assert_eq!(again.maps, [given.fields.clone(), given.fields.clone()]);
    assert_eq!(again.payload, plan.payload);

    // A different map than the one remembered reads the root again.
    let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
    let mut other = options();
    other.fields = columns(&["title", "lede", "body"]);
    let changed = Plan::new(&other, &plan.payload, walked, index, &[]);
    assert_eq!(changed.work.len(), 2);
    assert_eq!(changed.payload.fields_of(Path::new("/news")), other.fields);
}

#[test]
fn a_root_read_with_a_map_before_keeps_it_when_another_root_is_added() {
    let before = Payload {
        fields: vec![(PathBuf::from("/feeds"), columns(&["title", "body"]))],
        ..old(&["/feeds"])
    };
    let index = held(&[("/feeds/x.csv", 1, 20, 5)]);
    let walked = walk(&[("/news/a.txt", 1, 10), ("/feeds/x.csv", 1, 20)]);
    let plan = Plan::new(&options(), &before, walked, index, &[]);
    assert_eq!(keys(&plan), ["/news/a.txt"]);
    assert_eq!(
        plan.maps,
        [FieldMap::default(), columns(&["title", "body"])]
    );
    assert_eq!(plan.payload.fields, before.fields);
    assert_eq!(plan.payload.roots, old(&["/feeds", "/news"]).roots);
}

#[test]
fn a_run_is_bulk_when_it_reads_at_least_as_many_files_as_the_index_held() {
    let touched = |n: usize| {
        let files: Vec<(&str, i64, u64)> = ["/news/a.txt", "/news/b.txt", "/news/c.txt"]
            .iter()
            .enumerate()
            .map(|(i, key)| (*key, if i < n { 9 } else { 1 }, 10))
            .collect();
        Plan::new(
            &options(),
            &old(&["/news"]),
            walk(&files),
            three_files(),
            &[],
        )
    };
    assert!(!touched(2).bulk);
    assert!(touched(3).bulk, "every file touched, even if none changed");
    // Files added count too: two new ones beside one touched, against three held.
    let walked = walk(&[
        ("/news/a.txt", 9, 10),
        ("/news/b.txt", 1, 10),
        ("/news/c.txt", 1, 10),
        ("/news/d.txt", 1, 10),
        ("/news/e.txt", 1, 10),
    ]);
    assert!(Plan::new(&options(), &old(&["/news"]), walked, three_files(), &[]).bulk);
}

#[test]
fn a_rebuild_forgets_what_the_index_held_and_remembered() {
    let before = Payload {
        fields: vec![(PathBuf::from("/feeds"), columns(&["title", "body"]))],
        ..old(&["/news", "/feeds"])
    };
    let mut rebuild = options();
    rebuild.rebuild = true;
    let walked = walk(&[("/news/a.txt", 1, 10)]);
    let walked = Walked {
        roots: vec![PathBuf::from("/news")],
        ..walked
    };
    let plan = Plan::new(&rebuild, &before, walked, three_files(), &[]);
    assert_eq!(keys(&plan), ["/news/a.txt"]);
    assert_eq!(plan.work[0].before, None);
    assert!(
        plan.vanished.is_empty(),
        "the rebuild deleted everything already"
    );
    assert!(plan.bulk);
    assert_eq!(plan.payload, old(&["/news"]));
}
#[test]
fn a_gone_root_is_forgotten_and_its_files_leave_even_if_cancelled() {
    let mut index = three_files();
    index.extend(held(&[
        ("/feeds/x.csv", 1, 20, 5),
        ("/feeds/y.csv", 1, 20, 1),
    ]));
    let walked = walk(&[
        ("/news/a.txt", 1, 10),
        ("/news/b.txt", 1, 10),
        ("/news/c.txt", 1, 10),
    ]);
    let walked = Walked {
        roots: vec![PathBuf::from("/news")],
        ..walked
    };
    let gone = [PathBuf::from("/feeds")];
    let plan = Plan::new(&options(), &old(&["/news", "/feeds"]), walked, index, &gone);
    assert_eq!(plan.gone, [(PathBuf::from("/feeds"), 6)]);
    let keys: Vec<&str> = plan.gone_files.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["/feeds/x.csv", "/feeds/y.csv"]);
    assert!(plan.vanished.is_empty());
    assert_eq!(plan.payload.roots, old(&["/news"]).roots);
    assert_eq!(plan.unchanged, 6);
}

#[test]
fn files_under_an_unreadable_folder_are_kept() {
    let walked = walk(&[("/news/a.txt", 1, 10)]);
    let walked = Walked {
        roots: vec![PathBuf::from("/news")],
        unreadable: vec!["/news/b.txt".into(), "/news/sub".into()],
        ..walked
    };
    let mut index = three_files();
    index.extend(held(&[("/news/sub/d.txt", 1, 10, 3)]));
    let plan = Plan::new(&options(), &old(&["/news"]), walked, index, &[]);
    let gone = Vanished {
        key: "/news/c.txt".into(),
        articles: 2,
    };
    assert_eq!(plan.vanished, [gone]);
    assert_eq!(plan.unchanged, 2 + 2 + 3);
}

#[test]
fn failures_of_unchanged_files_are_replayed_and_of_read_files_looked_up() {
    let failure = |key: &str| Failure {
        key: key.into(),
        hash: 7,
        failed: vec![("#2".into(), "invalid JSON".into())],
    };
    let before = Payload {
        failures: vec![
            failure("/news/a.txt"),
            failure("/news/b.txt"),
            failure("/news/gone.txt"),
            failure("/elsewhere/z.txt"),
        ],
        ..old(&["/news"])
    };
    let walked = walk(&[("/news/a.txt", 1, 10), ("/news/b.txt", 2, 10)]);
    let walked = Walked {
        roots: vec![PathBuf::from("/news")],
        ..walked
    };
    let plan = Plan::new(&options(), &before, walked, three_files(), &[]);
    assert_eq!(plan.replay, [failure("/news/a.txt")]);
    assert_eq!(plan.work[0].failed_before, Some(failure("/news/b.txt")));
    // Kept: the one replayed and the one not walked; the read file's is found again.
    let kept: Vec<&str> = plan
        .payload
        .failures
        .iter()
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(kept, ["/elsewhere/z.txt", "/news/a.txt"]);
}
#[test]
fn a_file_under_no_root_leaves_only_when_every_root_was_walked() {
    let mut index = three_files();
    index.extend(held(&[("/outside/o.txt", 1, 10, 1)]));
    let all = walk(&[
        ("/news/a.txt", 1, 10),
        ("/news/b.txt", 1, 10),
        ("/news/c.txt", 1, 10),
    ]);
    let plan = Plan::new(
        &options(),
        &old(&["/news", "/feeds"]),
        all,
        index.clone(),
        &[],
    );
    assert_eq!(plan.vanished.len(), 1);
    assert_eq!(plan.vanished[0].key, "/outside/o.txt");

    let some = walk(&[
        ("/news/a.txt", 1, 10),
        ("/news/b.txt", 1, 10),
        ("/news/c.txt", 1, 10),
    ]);
    let some = Walked {
        roots: vec![PathBuf::from("/news")],
        ..some
    };
    let plan = Plan::new(&options(), &old(&["/news", "/feeds"]), some, index, &[]);
    assert!(
        plan.vanished.is_empty(),
        "a link under /feeds, not walked now, may lead to it"
    );
}

#[test]
fn a_walk_within_some_paths_adds_and_removes_only_there() {
    let mut index = three_files();
    index.extend(held(&[
        ("/news/sub/e.txt", 1, 10, 1),
        ("/feeds/x.csv", 1, 20, 5),
    ]));
    // A watch saw b.txt deleted, d.txt created, sub/ removed; a.txt and c.txt not walked.
    let walked = walk(&[("/news/d.txt", 1, 10)]);
    let scope = ["/news/b.txt", "/news/d.txt", "/news/sub"];
    let walked = Walked {
        scope: Some(scope.iter().map(PathBuf::from).collect()),
        ..walked
    };
    let old = Payload {
        failures: vec![Failure {
            key: "/news/c.txt".into(),
            hash: 7,
            failed: vec![("#2".into(), "bad row".into())],
        }],
        ..old(&["/news", "/feeds"])
    };
    let plan = Plan::new(&options(), &old, walked, index, &[]);
    assert_eq!(keys(&plan), ["/news/d.txt"]);
    let vanished: Vec<&str> = plan.vanished.iter().map(|v| v.key.as_str()).collect();
    assert_eq!(vanished, ["/news/b.txt", "/news/sub/e.txt"]);
    assert_eq!(
        plan.payload.roots, old.roots,
        "no path of the scope becomes a root"
    );
    assert_eq!(
        plan.payload.failures, old.failures,
        "a failure outside the scope is remembered as it was"
    );
}

#[test]
fn a_file_whose_documents_disagree_on_its_stamp_is_read_again() {
    let stamp = |mtime| Holder {
        key: "/feeds/a.rss".into(),
        mtime,
        size: 10,
        hash: 7,
    };
    let mut held = HashMap::new();
    // The winning copy of one article, a losing copy of another: both as of the same content.
    note_stamp(&mut held, &stamp(5), 1, 1);
    note_stamp(&mut held, &stamp(5), 0, 0);
    let agreed = held["/feeds/a.rss"];
    assert_eq!(
        (agreed.mtime, agreed.articles, agreed.by_url, agreed.own()),
        (5, 1, 1, 0)
    );
    // A run stopped after recording the file's new content in one document but not another.
    note_stamp(&mut held, &stamp(6), 0, 0);
    note_stamp(&mut held, &stamp(5), 1, 0);
    let stale = held["/feeds/a.rss"];
    assert_eq!((stale.mtime, stale.articles, stale.own()), (STALE, 2, 1));

    let walked = walk(&[("/feeds/a.rss", 5, 10)]);
    let plan = Plan::new(&options(), &old(&["/news", "/feeds"]), walked, held, &[]);
    assert_eq!(
        plan.work.len(),
        1,
        "read again, though its mtime and size match one stamp"
    );
}
