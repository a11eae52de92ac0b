//! SIGTERM and SIGINT during `warta index`: the run commits what it has done and exits 143 or
//! 130 as shells report those signals; the index answers and a rerun completes it. No
//! assertion is about time: the moments the signal comes at vary, the outcome may not.

use std::process::{Child, Stdio};
use std::thread::sleep;
use std::time::Duration;

use crate::json::{IndexJson, SearchJson, StatsJson};
use crate::util::Sandbox;

/// Files in the generated corpus: enough for a run of many commits.
const FILES: u64 = 3000;
/// A word every generated article holds.
const MARKER: &str = "sinyalkata";

/// `FILES` short articles under `news/`, each with [`MARKER`] and a word of its own.
fn write_news(s: &Sandbox) {
    for n in 0..FILES {
        s.write(
            &format!("news/d{:02}/a{n:05}.txt", n / 100),
            format!(
                "Headline number {n}\n\nA short article about chips and {MARKER}, \
                 serial kata{n:05}, with a few more words about cloud servers.\n"
            ),
        );
    }
}

fn spawn_index(s: &Sandbox, index: &str) -> Child {
    s.cmd(&[
        "--index",
        index,
        "index",
        "news",
        "--commit-every",
        "0.05",
        "--json",
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("start warta")
}

/// Articles in the last commit, `None` while there is no index to read.
fn committed(s: &Sandbox, index: &str) -> Option<u64> {
    let run = s.run(&["--index", index, "stats", "--json"]);
    (run.code == 0).then(|| run.json::<StatsJson>().documents)
}

fn send(child: &Child, signal: i32) {
    // SAFETY: kill(2) on a child this test started and has not yet waited for.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(sent, 0, "kill");
}

#[test]
fn sigterm_and_sigint_commit_what_is_done_and_exit_with_their_codes() {
    let s = Sandbox::empty();
    write_news(&s);
    let mut signalled = 0;
    // (signal, code, articles committed before it is sent)
    let moments = [
        (libc::SIGTERM, 143, 0),
        (libc::SIGTERM, 143, 1),
        (libc::SIGTERM, 143, FILES / 3),
        (libc::SIGINT, 130, FILES / 2),
    ];
    for (round, (signal, code, after)) in moments.into_iter().enumerate() {
        let index = format!("index-{round}");
        let mut writer = spawn_index(&s, &index);
        // The index folder exists once the run has opened it, after its handlers are in place.
        while !s.path().join(&index).join("meta.json").exists() {
            assert!(
                writer.try_wait().unwrap().is_none(),
                "ended before a signal"
            );
            sleep(Duration::from_millis(5));
        }
        while after > 0 && committed(&s, &index).unwrap_or(0) < after {
            if writer.try_wait().unwrap().is_some() {
                break;
            }
            sleep(Duration::from_millis(20));
        }
        send(&writer, signal);
        let output = writer.wait_with_output().unwrap();
        let status = output.status.code();
        if status == Some(0) {
            continue; // finished before the signal came: nothing to learn from this round
        }
        signalled += 1;
        assert_eq!(
            status,
            Some(code),
            "round {round}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: IndexJson = serde_json::from_slice(&output.stdout).expect("a JSON report");

        // The index answers, with what was committed.
        let search = [
            "--index",
            &index,
            "search",
            MARKER,
            "--no-collapse",
            "--json",
            "-n",
            "0",
        ];
        let answer = s.run(&search);
        assert!([0, 1].contains(&answer.code), "{}", answer.stderr);
        let count = answer.json::<SearchJson>().total as u64;
        assert_eq!(count, committed(&s, &index).unwrap());
        assert_eq!(
            count, report.added,
            "round {round}: all that was added is committed"
        );

        // A rerun adds the rest.
        let rerun: IndexJson = s
            .run(&["--index", &index, "index", "news", "--json"])
            .code(0)
            .json();
        assert_eq!((rerun.unchanged, rerun.added), (count, FILES - count));
        let all = s.run(&search).code(0).json::<SearchJson>();
        assert_eq!(all.total as u64, FILES);
    }
    assert!(
        signalled >= 2,
        "only {signalled} runs got the signal in time"
    );
}

/// Files of the corpus the moments below interrupt.
const PAUSED_FILES: u64 = 400;

/// What an index holds, as a script would compare two: every article (`warta export`) and the
/// ranked ids of a search.
fn holdings(s: &Sandbox, index: &str) -> (String, String) {
    let export = s.run(&["--index", index, "export"]).code(0).stdout;
    let ranked = s
        .run(&[
            "--index",
            index,
            "search",
            "chips cloud",
            "--no-collapse",
            "-n",
            "50",
            "--format",
            "paths",
        ])
        .code(0)
        .stdout;
    (export, ranked)
}

/// Starts `warta index` with `args`, paused at `moment` (`WARTA_PAUSE_AT`), and waits until it
/// says it is there; `None` when it ended without reaching it.
fn spawn_paused(s: &Sandbox, args: &[&str], moment: &str) -> (Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = s
        .cmd(args)
        .env("WARTA_PAUSE_AT", moment)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start warta");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let read = stderr.read_line(&mut line).unwrap();
        seen.push_str(&line);
        if read == 0 || line.trim_end() == format!("warta: paused at {moment}") {
            break;
        }
    }
    assert!(
        seen.contains(&format!("warta: paused at {moment}")),
        "the run ended before {moment}: {seen}"
    );
    // The rest of stderr is drained by a thread, so that the child never blocks on it.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    (child, seen)
}

#[test]
fn a_signal_at_each_moment_of_a_run_commits_and_a_rerun_equals_an_uninterrupted_run() {
    let s = Sandbox::empty();
    for n in 0..PAUSED_FILES {
        s.write(
            &format!("news/d{:02}/a{n:04}.txt", n / 50),
            format!(
                "Headline number {n} on chips\n\nA short article about chips and {MARKER}, \
                 serial kata{n:05}, with {} words about cloud servers.\n",
                n % 7 + 1
            ),
        );
    }
    s.run(&["--index", "reference", "index", "news"]).code(0);
    let reference = holdings(&s, "reference");
    assert_eq!(
        reference.1.lines().count(),
        50,
        "the search finds a full page"
    );

    // (signal, its exit code, moment, a rebuild of an index already built, extra arguments)
    let often = ["--commit-every", "0.01", "--threads", "2"];
    let moments: [(i32, i32, &str, bool, &[&str]); 12] = [
        (libc::SIGTERM, 143, "walk", false, &[]),
        (libc::SIGINT, 130, "plan", false, &[]),
        (libc::SIGTERM, 143, "read:1", false, &[]),
        (libc::SIGINT, 130, "read:250", false, &often),
        (libc::SIGTERM, 143, "commit", false, &often),
        (libc::SIGINT, 130, "commit", false, &often),
        (libc::SIGTERM, 143, "final-commit", false, &[]),
        (libc::SIGINT, 130, "final-commit", false, &often),
        (libc::SIGTERM, 143, "merge", false, &often),
        (libc::SIGINT, 130, "merge", false, &often),
        (libc::SIGTERM, 143, "read:100", true, &often),
        (libc::SIGINT, 130, "swap", true, &[]),
    ];
    for (round, (signal, code, moment, rebuild, extra)) in moments.into_iter().enumerate() {
        let index = format!("index-{round}");
        if rebuild {
            s.run(&["--index", &index, "index", "news"]).code(0);
        }
        let mut args = vec!["--index", &index, "index", "news", "--json"];
        if rebuild {
            args.push("--rebuild");
        }
        args.extend_from_slice(extra);
        let (child, _) = spawn_paused(&s, &args, moment);
        send(&child, signal);
        let output = child.wait_with_output().unwrap();
        let what = format!("round {round}, {moment}");
        assert_eq!(output.status.code(), Some(code), "{what}");
        let report: IndexJson = serde_json::from_slice(&output.stdout).expect("a JSON report");

        // The index answers, with what the run committed (a rebuild cut short: the old index).
        let answer = s.run(&[
            "--index",
            &index,
            "search",
            MARKER,
            "--no-collapse",
            "--json",
        ]);
        assert!([0, 1].contains(&answer.code), "{what}: {}", answer.stderr);
        let total = answer.json::<SearchJson>().total as u64;
        let expected = match (rebuild, moment) {
            (true, _) => PAUSED_FILES,
            (false, "walk" | "plan") => 0,
            (false, _) => report.added,
        };
        assert_eq!(total, expected, "{what}");

        // A rerun completes it, to what an uninterrupted run built.
        s.run(&["--index", &index, "index", "news"]).code(0);
        assert_eq!(holdings(&s, &index), reference, "{what}");
    }
}
