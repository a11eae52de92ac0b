//! `warta index --watch`: files dropped, edited, saved over, deleted and moved in folders while
//! a watch runs, seen by searches after the watch's commits. Every wait is a poll with a
//! generous deadline (the machine is shared and the build is a debug one); how fast a change
//! becomes searchable is measured by `benches/watch.py`, not asserted here.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::json::{SearchJson, StatsJson};
use crate::util::Sandbox;

/// How long any one change may take to show before the test fails.
const DEADLINE: Duration = Duration::from_secs(30);

/// A running `warta index --watch feeds`, with the lines it prints on stdout.
struct Watch {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<String>>,
}

impl Watch {
    /// Starts watching `feeds/` (which must exist) into `ix/`, with `extra` flags, and waits
    /// for the first run's commit line.
    fn start(s: &Sandbox, extra: &[&str]) -> Watch {
        let mut args = vec!["--index", "ix", "index", "--watch", "feeds"];
        args.extend_from_slice(extra);
        let mut child = s
            .cmd(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start warta");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stdout = child.stdout.take().unwrap();
        let shared = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                shared.lock().unwrap().push(line);
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let shared = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut text = shared.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        let mut watch = Watch {
            child,
            lines,
            stderr,
        };
        watch.until_lines("the first run's commit", |lines| !lines.is_empty());
        watch
    }

    /// Polls `done` until it holds, failing after [`DEADLINE`] (or if warta ended).
    fn until(&mut self, what: &str, mut done: impl FnMut() -> bool) -> Duration {
        self.until_lines(what, |_| done())
    }

    fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Polls `done` (given the lines printed so far) until it holds, failing after
    /// [`DEADLINE`] (or if warta ended).
    fn until_lines(&mut self, what: &str, mut done: impl FnMut(&[String]) -> bool) -> Duration {
        let started = Instant::now();
        loop {
            if done(&self.lines()) {
                return started.elapsed();
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "warta ended ({status}) waiting for {what}; stderr:\n{}",
                    self.stderr.lock().unwrap()
                );
            }
            assert!(
                started.elapsed() < DEADLINE,
                "{what}: not within {DEADLINE:?}; lines: {:?}; stderr:\n{}",
                self.lines(),
                self.stderr.lock().unwrap()
            );
            sleep(Duration::from_millis(50));
        }
    }

    /// Sends `signal` and waits for the exit code.
    fn stop(mut self, signal: i32) -> i32 {
        // SAFETY: kill(2) on a child this test started and has not yet waited for.
        let sent = unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        assert_eq!(sent, 0, "kill");
        let status = self.child.wait().unwrap();
        status.code().unwrap_or(-1)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The paths (as stored) of the articles matching `query`.
fn found(s: &Sandbox, query: &str) -> Vec<String> {
    let run = s.run(&["--index", "ix", "search", query, "--json", "--no-collapse"]);
    assert!([0, 1].contains(&run.code), "{}", run.stderr);
    let hits = run.json::<SearchJson>().hits;
    hits.into_iter().map(|h| h.path).collect()
}

/// Articles in the index's last commit.
fn articles(s: &Sandbox) -> u64 {
    let run = s.run(&["--index", "ix", "stats", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json::<StatsJson>().documents
}

fn article(title: &str, words: &str) -> String {
    format!("{title}\n\nA short news story about {words}, told in a few more words.\n")
}

#[test]
fn dropped_edited_saved_over_and_deleted_files_are_followed() {
    let s = Sandbox::empty();
    s.write("feeds/first.txt", article("First story", "kangaroos"));
    let mut watch = Watch::start(&s, &[]);
    assert_eq!(watch.lines().len(), 1, "one commit for the first run");

    s.write("feeds/drop.txt", article("Dropped story", "zebras"));
    let took = watch.until("the dropped file", || found(&s, "zebras").len() == 1);
    eprintln!("dropped file searchable after {took:?}");
    assert_eq!(found(&s, "zebras"), ["feeds/drop.txt"]);

    s.write("feeds/drop.txt", article("Edited story", "giraffes"));
    watch.until("the edit", || {
        found(&s, "giraffes").len() == 1 && found(&s, "zebras").is_empty()
    });

    // An editor's save: the new text goes to a hidden temporary file, renamed over the old.
    s.write("feeds/.drop.txt.swp", article("Saved story", "okapis"));
    std::fs::rename(
        s.path().join("feeds/.drop.txt.swp"),
        s.path().join("feeds/drop.txt"),
    )
    .unwrap();
    watch.until("the save", || {
        found(&s, "okapis") == ["feeds/drop.txt"] && found(&s, "giraffes").is_empty()
    });
    assert_eq!(articles(&s), 2, "replaced, not added");

    // Temporary files that are not articles are passed over, as the walk passes them over.
    s.write("feeds/download.tmp", article("Temporary", "tapirs"));
    s.write("feeds/drop.txt~", article("Backup", "tapirs"));
    std::fs::remove_file(s.path().join("feeds/drop.txt")).unwrap();
    watch.until("the delete", || found(&s, "okapis").is_empty());
    assert_eq!(articles(&s), 1);
    assert!(found(&s, "tapirs").is_empty());
    assert_eq!(watch.stop(libc::SIGINT), 130);
}

#[test]
fn folders_moved_in_and_out_and_removed_are_followed() {
    let s = Sandbox::empty();
    s.write("feeds/first.txt", article("First story", "kangaroos"));
    for n in 0..3 {
        s.write(
            &format!("outside/batch/deep/{n}.md"),
            article(&format!("Moved story {n}"), "wombats"),
        );
    }
    let mut watch = Watch::start(&s, &[]);
    let (outside, inside) = (s.path().join("outside/batch"), s.path().join("feeds/batch"));
    std::fs::rename(&outside, &inside).unwrap();
    watch.until("the folder moved in", || found(&s, "wombats").len() == 3);
    // A file written into the folder after it came is watched too.
    s.write("feeds/batch/deep/late.md", article("Late story", "wombats"));
    watch.until("a file in the new folder", || {
        found(&s, "wombats").len() == 4
    });

    std::fs::rename(&inside, &outside).unwrap();
    watch.until("the folder moved out", || found(&s, "wombats").is_empty());
    assert_eq!(articles(&s), 1);

    std::fs::rename(&outside, &inside).unwrap();
    watch.until("the folder moved back", || found(&s, "wombats").len() == 4);
    std::fs::remove_dir_all(&inside).unwrap();
    watch.until("the folder removed", || found(&s, "wombats").is_empty());
    assert_eq!(articles(&s), 1);
    // The watch holds no writer while it waits: another run of the same index goes through.
    s.run(&["--index", "ix", "index", "feeds"]).code(0);
    assert_eq!(watch.stop(libc::SIGTERM), 143);
}

#[test]
fn a_burst_of_files_is_a_few_commits_with_the_exact_count() {
    const FILES: u64 = 5000;
    let s = Sandbox::empty();
    s.write("feeds/first.txt", article("First story", "kangaroos"));
    let mut watch = Watch::start(&s, &[]);
    for n in 0..FILES {
        s.write(
            &format!("feeds/burst/{:02}/{n:05}.txt", n / 250),
            article(
                &format!("Burst story {n}"),
                &format!("burstword serial{n:05}"),
            ),
        );
    }
    watch.until("every file of the burst", || articles(&s) == FILES + 1);
    // The line of the commit that made the count is printed after it.
    let last = format!("({} articles)", "5,001");
    watch.until_lines("the last commit's line", |lines| {
        lines.last().is_some_and(|l| l.ends_with(&last))
    });
    let lines = watch.lines();
    let commits = lines.len() - 1;
    assert!(
        (1..=5).contains(&commits),
        "{commits} commits for a burst of {FILES} files: {lines:?}"
    );
    eprintln!("commit lines: {lines:?}");
    let hits = found(&s, "serial04999");
    assert_eq!(
        hits.first().map(String::as_str),
        Some("feeds/burst/19/04999.txt")
    );
    assert_eq!(watch.stop(libc::SIGTERM), 143);
}

#[test]
fn a_file_being_written_is_read_once_it_is_whole() {
    let s = Sandbox::empty();
    s.write("feeds/first.txt", article("First story", "kangaroos"));
    let mut watch = Watch::start(&s, &[]);
    // Written in three parts, with pauses longer than the watch's debounce and settling
    // together: a watch that read it as soon as it paused would index a prefix.
    let path = s.path().join("feeds/slow.txt");
    let mut file = std::fs::File::create(&path).unwrap();
    let parts = [
        "Slow story\n\nThe first part speaks of alpacas.\n",
        "\nThe second part speaks of bisons.\n",
        "\nThe third part speaks of caribous.\n",
    ];
    for (n, part) in parts.iter().enumerate() {
        file.write_all(part.as_bytes()).unwrap();
        file.flush().unwrap();
        if n + 1 < parts.len() {
            // Searched for while the file is still open: never there.
            let pause = Instant::now();
            while pause.elapsed() < Duration::from_millis(1500) {
                assert!(
                    found(&s, "alpacas").is_empty(),
                    "indexed while still being written (after part {})",
                    n + 1
                );
                sleep(Duration::from_millis(100));
            }
        }
    }
    drop(file);
    watch.until("the whole file", || found(&s, "alpacas").len() == 1);
    assert_eq!(found(&s, "caribous"), ["feeds/slow.txt"]);
    assert_eq!(articles(&s), 2);
    assert_eq!(watch.stop(libc::SIGINT), 130);
}

#[test]
fn polling_follows_the_files_too() {
    let s = Sandbox::empty();
    s.write("feeds/first.txt", article("First story", "kangaroos"));
    let mut watch = Watch::start(&s, &["--poll", "--json"]);
    s.write("feeds/sub/drop.md", article("Polled story", "lemurs"));
    watch.until("the dropped file", || found(&s, "lemurs").len() == 1);
    std::fs::remove_file(s.path().join("feeds/sub/drop.md")).unwrap();
    watch.until("the delete", || found(&s, "lemurs").is_empty());
    // The commit's line comes once the commit is made, so maybe after the search saw it.
    watch.until_lines("the delete's line", |lines| {
        lines.last().is_some_and(|l| l.contains(r#""removed":1"#))
    });
    let lines = watch.lines();
    for line in &lines {
        let commit: serde_json::Value = serde_json::from_str(line).expect(line);
        assert!(commit["at"].as_str().is_some_and(|at| at.ends_with('Z')));
        assert!(
            commit["articles"].is_u64() && commit["added"].is_u64(),
            "{line}"
        );
    }
    let last: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(
        (last["removed"].as_u64(), last["articles"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(watch.stop(libc::SIGTERM), 143);
}

#[test]
fn sigterm_during_a_batch_leaves_an_index_a_rerun_completes() {
    const FILES: u64 = 3000;
    let s = Sandbox::empty();
    s.write("feeds/first.txt", article("First story", "kangaroos"));
    let mut watch = Watch::start(&s, &["--commit-every", "0.05"]);
    for n in 0..FILES {
        s.write(
            &format!("feeds/burst/{:02}/{n:05}.txt", n / 250),
            article(&format!("Burst story {n}"), "termword"),
        );
    }
    // Once the batch has committed some of the burst, and (most likely) not all of it.
    watch.until("a commit of the batch", || articles(&s) > 1);
    let code = watch.stop(libc::SIGTERM);
    assert_eq!(code, 143);
    let held = articles(&s);
    eprintln!("{held} of {} articles committed at SIGTERM", FILES + 1);
    let search = s.run(&["--index", "ix", "search", "termword", "--json", "-n", "0"]);
    assert!([0, 1].contains(&search.code), "{}", search.stderr);
    assert_eq!(search.json::<SearchJson>().total as u64, held - 1);

    s.run(&["--index", "ix", "index", "feeds"]).code(0);
    s.run(&["--index", "fresh", "index", "--rebuild", "feeds"])
        .code(0);
    let export = |index: &str| s.run(&["--index", index, "export"]).code(0).stdout;
    let (rerun, fresh) = (export("ix"), export("fresh"));
    assert_eq!(rerun.lines().count() as u64, FILES + 1);
    assert!(
        rerun == fresh,
        "the rerun holds what a fresh --rebuild does"
    );
}

#[test]
fn fifos_link_loops_and_odd_names_dropped_in_do_not_stop_the_watch() {
    use std::os::unix::ffi::OsStrExt;
    let s = Sandbox::empty();
    s.write("feeds/first.txt", article("First story", "kangaroos"));
    let mut watch = Watch::start(&s, &[]);
    let feeds = s.path().join("feeds");
    // A FIFO named like an article: never opened (reading it would wait for a writer).
    let fifo = std::ffi::CString::new(feeds.join("pipe.txt").as_os_str().as_bytes()).unwrap();
    // SAFETY: mkfifo(3) with a NUL-terminated path this test owns.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink(".", feeds.join("loop")).unwrap();
    std::os::unix::fs::symlink("missing.txt", feeds.join("dangling.txt")).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"odd \xff\x1b[31m\nname.txt");
    std::fs::write(feeds.join(odd), article("Odd story", "narwhals")).unwrap();
    watch.until("the file with the odd name", || {
        found(&s, "narwhals").len() == 1
    });
    s.write("feeds/after.txt", article("After story", "pangolins"));
    watch.until("a file after them", || found(&s, "pangolins").len() == 1);
    assert_eq!(articles(&s), 3);
    for line in watch.lines() {
        assert!(!line.contains('\x1b'), "{line:?}");
    }
    let stderr = watch.stderr.lock().unwrap().clone();
    assert!(
        !stderr.contains('\x1b'),
        "raw escapes on stderr: {stderr:?}"
    );
    assert_eq!(watch.stop(libc::SIGTERM), 143);
}
