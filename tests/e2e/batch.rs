//! `warta search --batch`: each line answered as `warta search --json` answers it alone, in
//! order, with its line number; bad lines answered with an error in their place.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::util::Sandbox;

/// An indexed copy of the shipped corpus.
fn indexed() -> Sandbox {
    let sandbox = Sandbox::with_corpus();
    sandbox.run(&["index", "corpus", "-q"]).code(0);
    sandbox
}

/// The JSON lines of a batch run's stdout.
fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line ({e}): {l}")))
        .collect()
}

/// A search answer without what differs from run to run (the time taken) or what only the
/// batch adds (the line number).
fn comparable(mut answer: Value) -> Value {
    let object = answer.as_object_mut().expect("an object");
    object.remove("took_ms");
    object.remove("line");
    answer
}

#[test]
fn each_line_answers_as_search_json_does_alone() {
    let sandbox = indexed();
    // A query per line, or an object of parameters; the flags are every line's defaults.
    let cases: &[(&str, &[&str])] = &[
        ("data centre", &["-n", "3"]),
        ("\"pusat data\"", &["-n", "3"]),
        (
            r#"{"q": "kebocoran data", "lang": "id", "limit": 2}"#,
            &["-n", "2", "--lang", "id"],
        ),
        (
            r#"{"q": "chip", "facet": ["lang", "year"], "exact": true}"#,
            &["-n", "3", "--facet", "lang", "--facet", "year", "--exact"],
        ),
        (
            r#"{"q": "data", "sort": "date", "offset": 2, "limit": 4}"#,
            &["-n", "4", "--sort", "date", "--offset", "2"],
        ),
        ("paylatr", &["-n", "3"]),
        ("title:bitcoin OR source:reuters", &["-n", "3"]),
        ("zzqxv", &["-n", "3"]),
    ];
    let input: String = cases.iter().map(|(line, _)| format!("{line}\n")).collect();
    sandbox.write("queries.txt", &input);
    let run = sandbox.run(&["search", "--batch", "queries.txt", "-n", "3"]);
    let answers = lines(&run.stdout);
    assert_eq!(answers.len(), cases.len(), "{}", run.stdout);
    for (n, ((line, flags), answer)) in cases.iter().zip(&answers).enumerate() {
        assert_eq!(answer["line"], n + 1);
        let query = match line.starts_with('{') {
            true => serde_json::from_str::<Value>(line).unwrap()["q"]
                .as_str()
                .unwrap()
                .to_string(),
            false => line.to_string(),
        };
        let mut args = vec!["search", query.as_str(), "--json"];
        args.extend_from_slice(flags);
        let alone = sandbox.run(&args);
        let alone: Value = serde_json::from_str(&alone.stdout).unwrap();
        assert_eq!(comparable(answer.clone()), comparable(alone), "line {line}");
    }
    // Some lines matched, none failed.
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn bad_lines_are_answered_in_their_place_and_the_run_goes_on() {
    let sandbox = indexed();
    let long = "x".repeat(200_000);
    let input = format!(
        "data centre\n\n{{not json\n{{\"q\": \"a\", \"limit\": 5000}}\n{{\"q\": \"a\", \"nope\": 1}}\n\
         {{\"q\": \"\"}}\n{long}\n{}\n\"microsoft microsoft microsoft microsoft microsoft \
         microsoft microsoft microsoft microsoft microsoft microsoft microsoft\"~100000\n\
         {{\"q\": \"a\", \"since\": \"yesterday\"}}\nchip\n",
        "\u{1b}[2J"
    );
    sandbox.write("queries.txt", input.as_bytes());
    let run = sandbox.run(&["search", "--batch", "queries.txt"]).code(2);
    let answers = lines(&run.stdout);
    let numbers: Vec<u64> = answers
        .iter()
        .map(|a| a["line"].as_u64().unwrap())
        .collect();
    // The blank line 2 is no search; every other line has its answer, in order.
    assert_eq!(numbers, vec![1, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert!(answers[0]["hits"].as_array().is_some_and(|h| !h.is_empty()));
    for bad in &answers[1..6] {
        assert!(bad["error"].is_string(), "{bad}");
        assert!(bad.get("hits").is_none());
    }
    assert!(answers[5]["error"]
        .as_str()
        .unwrap()
        .contains("longer than"));
    assert!(answers[6]["hits"].is_array(), "{}", answers[6]);
    assert!(answers[7]["error"].as_str().unwrap().contains("costly"));
    assert!(answers[8]["error"].is_string(), "{}", answers[8]);
    assert!(answers[9]["hits"].is_array());
    // JSON escapes what the terminal must not see raw.
    assert!(!run.stdout.contains('\u{1b}'));
}

#[test]
fn exit_codes_say_whether_anything_matched() {
    let sandbox = indexed();
    sandbox.write("none.txt", "zzqxv\nqqzzx\n");
    sandbox.run(&["search", "--batch", "none.txt"]).code(1);
    sandbox.write("some.txt", "zzqxv\ndata\n");
    sandbox.run(&["search", "--batch", "some.txt"]).code(0);
    let missing = sandbox.run(&["search", "--batch", "nowhere.txt"]).code(2);
    assert!(missing.stderr.contains("nowhere.txt"), "{}", missing.stderr);
    let both = sandbox
        .run(&["search", "chip", "--batch", "some.txt"])
        .code(2);
    assert!(both.stderr.contains("--batch"), "{}", both.stderr);
}

#[test]
fn many_lines_keep_their_order() {
    let sandbox = indexed();
    let words = ["data", "chip", "zzqxv", "pusat", "startup"];
    let input: String = (0..1500)
        .map(|n| format!("{}\n", words[n % words.len()]))
        .collect();
    sandbox.write("many.txt", &input);
    let run = sandbox
        .run(&["search", "--batch", "many.txt", "-n", "1"])
        .code(0);
    let answers = lines(&run.stdout);
    assert_eq!(answers.len(), 1500);
    for (n, answer) in answers.iter().enumerate() {
        assert_eq!(answer["line"], n + 1);
        assert_eq!(answer["query"], words[n % words.len()]);
    }
}

#[test]
fn a_line_is_answered_before_the_next_arrives() {
    let sandbox = indexed();
    let mut child = sandbox
        .cmd(&["search", "--batch", "-", "-n", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if send.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    // A script writes one query and waits for its answer, with stdin still open.
    for query in ["chip", "data centre"] {
        writeln!(stdin, "{query}").unwrap();
        stdin.flush().unwrap();
        let answer = receive
            .recv_timeout(Duration::from_secs(60))
            .expect("an answer while stdin stays open");
        let answer: Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(answer["query"], query);
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}
