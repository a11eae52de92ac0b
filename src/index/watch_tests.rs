//! Tests of `src/index/watch.rs`, kept beside it.

use super::*;

#[test]
fn a_batch_waits_for_the_events_to_pause_and_for_writers_to_close() {
    let mut queue = Queue::default();
    let t0 = Instant::now();
    queue.push("/news/a.txt".into(), true, false, t0);
    queue.push("/news/b.txt".into(), false, false, t0);
    assert_eq!(queue.take(t0 + QUIET / 2), None, "events still coming");
    let taken = queue.take(t0 + QUIET).unwrap();
    assert_eq!(taken, [PathBuf::from("/news/b.txt")], "a.txt is still open");
    queue.push("/news/a.txt".into(), false, true, t0 + QUIET);
    let taken = queue.take(t0 + QUIET * 2).unwrap();
    assert_eq!(taken, [PathBuf::from("/news/a.txt")]);
    assert!(queue.pending.is_empty());
}

#[test]
fn a_steady_stream_still_makes_batches() {
    let mut queue = Queue::default();
    let t0 = Instant::now();
    let mut now = t0;
    let mut batches = 0;
    for n in 0..100 {
        queue.push(format!("/news/{n}.txt").into(), false, false, now);
        now += QUIET / 2;
        batches += usize::from(queue.take(now).is_some());
    }
    assert!(batches >= 2, "{batches} batches in {:?}", now - t0);
}

#[test]
fn a_writer_that_never_closes_is_read_after_a_while() {
    let mut queue = Queue::default();
    let t0 = Instant::now();
    queue.push("/logs/x.txt".into(), true, false, t0);
    assert_eq!(queue.take(t0 + QUIET), None);
    assert_eq!(queue.take(t0 + WRITING_QUIET).unwrap().len(), 1);
}

#[test]
fn an_overflowing_queue_becomes_one_rescan() {
    let mut queue = Queue::default();
    let t0 = Instant::now();
    for n in 0..=MAX_QUEUED {
        queue.push(format!("/news/{n}.txt").into(), false, false, t0);
    }
    assert!(queue.pending.len() <= MAX_QUEUED);
    assert_eq!(queue.take(t0 + QUIET), Some(Vec::new()), "a rescan");
    assert!(queue.pending.is_empty());
}

#[test]
fn reads_are_not_changes_and_a_close_ends_a_write() {
    use notify::event::{AccessKind, CreateKind, Flag};
    use notify::Event;
    use notify_debouncer_full::DebouncedEvent;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let file = root.join("a.txt");
    std::fs::write(&file, "x").unwrap();
    let filter = Filter {
        roots: vec![(root.clone(), true)],
        index_dir: root.join("ix"),
        tracks_close: true,
    };
    let queue = Mutex::new(Queue::default());
    let event = |kind| DebouncedEvent::new(Event::new(kind).add_path(file.clone()), Instant::now());
    let open = EventKind::Access(AccessKind::Open(AccessMode::Any));
    filter.absorb(&queue, Ok(vec![event(open)]));
    assert!(
        lock(&queue).pending.is_empty(),
        "warta's own reads open files"
    );
    let create = EventKind::Create(CreateKind::File);
    filter.absorb(&queue, Ok(vec![event(create)]));
    assert!(lock(&queue).pending[&file].writing);
    let close = EventKind::Access(AccessKind::Close(AccessMode::Write));
    filter.absorb(&queue, Ok(vec![event(close)]));
    assert!(!lock(&queue).pending[&file].writing);
    let lost = Event::new(EventKind::Other).set_flag(Flag::Rescan);
    filter.absorb(&queue, Ok(vec![DebouncedEvent::new(lost, Instant::now())]));
    assert!(
        lock(&queue).rescan,
        "events the kernel dropped: look at every file"
    );
}

#[test]
fn hidden_temporary_and_index_paths_are_not_queued() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("ix")).unwrap();
    for name in ["a.txt", "b.tmp", "c.txt~", ".d.txt.swp", "ix/meta.json"] {
        std::fs::write(root.join(name), "x").unwrap();
    }
    let filter = Filter {
        roots: vec![(root.clone(), true)],
        index_dir: root.join("ix"),
        tracks_close: true,
    };
    let queued = |name: &str| filter.queued(&root.join(name)).is_some();
    assert!(queued("a.txt"));
    assert!(queued("gone.md"), "a file that is gone");
    assert!(queued("gone-folder"), "a folder that is gone");
    for name in [
        "b.tmp",
        "c.txt~",
        ".d.txt.swp",
        ".git/x.txt",
        "ix/meta.json",
    ] {
        assert!(!queued(name), "{name}");
    }
    assert!(!queued("/elsewhere/a.txt"), "outside the roots");
}
