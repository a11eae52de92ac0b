use super::*;

fn holder(key: &str, mtime: i64) -> Holder {
    Holder {
        key: key.to_string(),
        mtime,
        size: 10,
        hash: (mtime as u64).wrapping_mul(7),
    }
}

fn keys(copies: &Copies, id: u64) -> Vec<&str> {
    copies.ranked(id).iter().map(|h| h.key.as_str()).collect()
}

/// Resolves each article as the index does when every copy can be read: the best wins.
fn resolve(copies: &mut Copies, ids: &[u64]) {
    for &id in ids {
        let best = copies.ranked(id).first().map(|h| h.key.clone());
        copies.set_winner(id, best.as_deref());
    }
}

#[test]
fn the_newest_date_wins_then_the_newest_file_then_the_greater_path() {
    let mut copies = Copies::default();
    copies.replace(holder("/f/a.rss", 100), &[(1, 50), (2, 50), (3, 60)]);
    copies.replace(holder("/f/b.rss", 200), &[(1, 50), (2, 40), (3, 60)]);
    copies.replace(holder("/f/c.rss", 200), &[(3, 60)]);
    assert_eq!(
        keys(&copies, 1),
        ["/f/b.rss", "/f/a.rss"],
        "same date: newer file"
    );
    assert_eq!(keys(&copies, 2), ["/f/a.rss", "/f/b.rss"], "newer date");
    assert_eq!(
        keys(&copies, 3),
        ["/f/c.rss", "/f/b.rss", "/f/a.rss"],
        "same date and mtime: greater path"
    );
}

#[test]
fn the_winner_does_not_depend_on_the_order_files_are_read_in() {
    let files = [
        (holder("/f/a.rss", 300), vec![(1, 5), (2, 9)]),
        (holder("/f/b.rss", 100), vec![(1, 5), (2, 9), (3, 1)]),
        (holder("/f/c.rss", 200), vec![(1, 7), (3, 1)]),
    ];
    let winners = |order: &[usize]| {
        let mut copies = Copies::default();
        for &n in order {
            let (h, c) = &files[n];
            let touched = copies.replace(h.clone(), c);
            resolve(&mut copies, &touched);
        }
        (1..=3)
            .map(|id| keys(&copies, id)[0].to_string())
            .collect::<Vec<_>>()
    };
    let expected = winners(&[0, 1, 2]);
    assert_eq!(expected, ["/f/c.rss", "/f/a.rss", "/f/c.rss"]);
    for order in [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
        assert_eq!(winners(&order), expected, "{order:?}");
    }
}

#[test]
fn removing_a_file_touches_only_what_it_held_and_keeps_the_other_copies() {
    let mut copies = Copies::default();
    let t = copies.replace(holder("/f/a.rss", 1), &[(1, 0), (2, 0)]);
    resolve(&mut copies, &t);
    let t = copies.replace(holder("/f/b.rss", 2), &[(2, 0), (3, 0)]);
    resolve(&mut copies, &t);
    assert_eq!(copies.remove("/f/b.rss"), [2, 3]);
    assert_eq!(keys(&copies, 2), ["/f/a.rss"], "a still holds 2");
    assert!(keys(&copies, 3).is_empty(), "nothing holds 3");
    assert!(!copies.holds("/f/b.rss"));
    assert!(copies.holds("/f/a.rss"));
    assert_eq!(copies.remove("/f/nothing.rss"), Vec::<u64>::new());
}

#[test]
fn an_edited_file_touches_what_it_held_and_what_it_holds() {
    let mut copies = Copies::default();
    let t = copies.replace(holder("/f/a.rss", 1), &[(1, 0), (2, 0)]);
    resolve(&mut copies, &t);
    let t = copies.replace(holder("/f/b.rss", 2), &[(1, 0)]);
    resolve(&mut copies, &t);
    // b drops item 1 and gains item 4.
    assert_eq!(copies.replace(holder("/f/b.rss", 3), &[(4, 0)]), [1, 4]);
    assert_eq!(keys(&copies, 1), ["/f/a.rss"]);
    assert_eq!(keys(&copies, 4), ["/f/b.rss"]);
}

#[test]
fn counts_tell_new_changed_gone_and_folded_articles() {
    let mut copies = Copies::default();
    // The index held 1 and 2 from a, and 2 from b too.
    copies.load(1, "/f/a.rss", ["1:10:7:0:/f/a.rss"].into_iter());
    copies.load(
        2,
        "/f/a.rss",
        ["1:10:7:0:/f/a.rss", "2:10:14:0:/f/b.rss"].into_iter(),
    );
    copies.load(5, "/f/c.rss", ["3:10:21:0:/f/c.rss"].into_iter());
    assert!(copies.has_document(2));
    // A new file d holds 2 (newer) and 3 (new); c is gone.
    let t = copies.replace(holder("/f/d.rss", 9), &[(2, 0), (3, 0)]);
    resolve(&mut copies, &t);
    let t = copies.remove("/f/c.rss");
    resolve(&mut copies, &t);
    assert_eq!(
        copies.counts(),
        UrlCounts {
            added: 1,
            updated: 1,
            unchanged: 1,
            removed: 1,
            folded: 1,
        }
    );
}

#[test]
fn a_file_read_again_unchanged_leaves_its_winners_unchanged() {
    let mut copies = Copies::default();
    copies.load(1, "/f/a.rss", ["1:10:7:0:/f/a.rss"].into_iter());
    let t = copies.replace(holder("/f/a.rss", 1), &[(1, 0)]);
    resolve(&mut copies, &t);
    let counts = copies.counts();
    assert_eq!((counts.unchanged, counts.updated, counts.folded), (1, 0, 0));
}

#[test]
fn terms_round_trip_through_load_whatever_the_path_holds() {
    let mut copies = Copies::default();
    let odd = holder("/f/x:y:z.rss", -5);
    copies.replace(odd.clone(), &[(1, i64::MIN)]);
    copies.replace(holder("/f/b.rss", 3), &[(1, 42)]);
    let terms = copies.terms(1);
    assert_eq!(terms.len(), 2);
    let mut read = Copies::default();
    let holders = read.load(1, "/f/b.rss", terms.iter().map(String::as_str));
    assert!(holders.contains(&Some(odd)));
    assert_eq!(read.terms(1), terms);
    assert_eq!(keys(&read, 1), ["/f/b.rss", "/f/x:y:z.rss"]);
    assert_eq!(read.load(2, "/f/b.rss", ["junk"].into_iter()), [None]);
}

#[test]
fn an_archive_recorded_in_batches_holds_what_one_replace_would() {
    let mut whole = Copies::default();
    let mut batches = Copies::default();
    for copies in [&mut whole, &mut batches] {
        copies.replace(holder("/w/a.warc", 100), &[(1, 50), (2, 50), (9, 50)]);
        copies.replace(holder("/f/b.rss", 50), &[(1, 60)]);
    }
    let touched = whole.replace(holder("/w/a.warc", 300), &[(1, 70), (2, 40), (3, 40)]);
    assert_eq!(touched, [1, 2, 3, 9]);
    let mut left = batches.begin(holder("/w/a.warc", 300));
    assert_eq!(batches.add("/w/a.warc", &[(2, 30), (1, 70)]), [2, 1]);
    // The page fetched again in a later batch: the later fetch is resolved again, an earlier
    // one is not.
    assert_eq!(
        batches.add("/w/a.warc", &[(2, 40), (3, 40), (1, 20)]),
        [2, 3]
    );
    for id in [1, 2, 3] {
        left.remove(&id);
    }
    assert_eq!(
        left.into_iter().collect::<Vec<_>>(),
        [9],
        "held before, not now"
    );
    for id in [1, 2, 3, 9] {
        assert_eq!(batches.terms(id), whole.terms(id), "copies of {id}");
    }
    assert_eq!(keys(&batches, 1), ["/w/a.warc", "/f/b.rss"]);
    assert!(keys(&batches, 9).is_empty());
    // Two copies of 1 and of 2 across the batches, one of 1 in b.rss: four folded in all.
    assert_eq!(batches.counts().folded, whole.counts().folded + 2);
}
