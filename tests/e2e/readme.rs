//! The README's examples run: every `warta …` command in its shell blocks and inline code is
//! run, in the README's order, on a copy of `corpus/` as a fresh clone has it, through the
//! built binary, and must exit 0. A command piped into another program (`jq`, `xargs`, `man`)
//! is run up to the pipe; a redirect into the user's home (completions, the manual page) is
//! dropped, the output kept by the test instead; `warta serve` is started, must say where it
//! listens, and is stopped; `warta index --watch` is started, must follow a file dropped into
//! the folder it watches, and is stopped. `cargo install` and `cargo test` are not run;
//! `cargo run --` (or `cargo run --release --`) is the binary under test.

use crate::util::{root, Sandbox};

/// Commands that are meant to find nothing (exit 1), with why. None today: every example is
/// chosen to show hits.
const MAY_FIND_NOTHING: &[(&str, &str)] = &[];

#[test]
fn every_warta_command_in_the_readme_runs_on_a_fresh_corpus() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let commands = readme_commands(&readme);
    // The ten examples, the look-around line, install, quick start and the opening example.
    assert!(
        commands.len() >= 20,
        "too few commands found: {commands:#?}"
    );
    let sandbox = Sandbox::with_corpus();
    let mut failed = Vec::new();
    for line in &commands {
        let args = warta_args(line);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if args.contains(&"--watch") {
            // A watch runs until stopped: it must commit, follow a file dropped into the
            // folder it watches, and exit 143 on SIGTERM.
            if let Err(why) = watches(&sandbox, &args) {
                failed.push(format!("{line}\n  {why}"));
            }
            continue;
        }
        if args.first() == Some(&"serve") {
            // A server runs until stopped: it must start and say where it listens.
            if let Err(why) = serves(&sandbox, &args) {
                failed.push(format!("{line}\n  {why}"));
            }
            continue;
        }
        let run = sandbox
            .cmd(&args)
            .env("HOME", sandbox.path())
            .output()
            .unwrap();
        let code = run.status.code().unwrap_or(-1);
        let allowed = if MAY_FIND_NOTHING.iter().any(|(c, _)| c == line) {
            &[0, 1][..]
        } else {
            &[0][..]
        };
        if !allowed.contains(&code) {
            failed.push(format!(
                "{line}\n  exit {code}: {}",
                String::from_utf8_lossy(&run.stderr).trim()
            ));
        } else if code == 0 && run.stdout.is_empty() && !line.contains(" index") {
            failed.push(format!("{line}\n  printed nothing"));
        }
    }
    assert!(
        failed.is_empty(),
        "README examples that fail:\n{}",
        failed.join("\n")
    );
}

/// Starts `warta serve` (on a free port of loopback, whatever the line names), waits at most
/// 20 s for the line saying where it listens, and stops it.
fn serves(sandbox: &Sandbox, args: &[&str]) -> Result<(), String> {
    use std::io::BufRead;
    let mut args: Vec<&str> = args.to_vec();
    if let Some(at) = args.iter().position(|a| *a == "--addr") {
        args.drain(at..(at + 2).min(args.len()));
    }
    args.extend(["--addr", "127.0.0.1:0"]);
    let mut child = sandbox
        .cmd(&args)
        .env("HOME", sandbox.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("did not start: {e}"))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(std::time::Duration::from_secs(20));
    let _ = child.kill();
    let _ = child.wait();
    match line {
        Ok(line) if line.starts_with("listening on http://127.0.0.1:") => Ok(()),
        Ok(line) => Err(format!("printed {line:?}, not where it listens")),
        Err(_) => Err("said nothing in 20 s".to_string()),
    }
}

/// Starts `warta index --watch PATH…` (its folders made if missing, as a fetcher would have
/// them), waits for its first commit line, drops an article into the first folder and waits
/// for the commit of it, then sends SIGTERM and expects 143.
fn watches(sandbox: &Sandbox, args: &[&str]) -> Result<(), String> {
    use std::io::BufRead;
    let at = args.iter().position(|a| *a == "index").unwrap_or(0);
    let folders: Vec<&str> = args[at + 1..]
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let Some(first) = folders.first() else {
        return Err("no folder to watch".into());
    };
    for folder in &folders {
        std::fs::create_dir_all(sandbox.path().join(folder)).unwrap();
    }
    let mut child = sandbox
        .cmd(args)
        .env("HOME", sandbox.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("did not start: {e}"))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let wait = std::time::Duration::from_secs(60);
    let result = rx
        .recv_timeout(wait)
        .map_err(|_| "no commit line for the first run".to_string())
        .and_then(|_| {
            let dropped = sandbox.path().join(first).join("readme-watch.txt");
            let text = "Watched headline\n\nA story saved by the fetcher.\n";
            std::fs::write(&dropped, text).unwrap();
            let line = rx.recv_timeout(wait);
            std::fs::remove_file(&dropped).unwrap();
            match line {
                Ok(line) if line.contains("+1 ") => Ok(()),
                Ok(line) => Err(format!("printed {line:?}, not the commit of the file")),
                Err(_) => Err("no commit line for a file dropped into the folder".into()),
            }
        });
    // SAFETY: kill(2) on a child this test started and has not yet waited for.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let code = child.wait().map(|s| s.code()).ok().flatten();
    result?;
    match code {
        Some(143) => Ok(()),
        other => Err(format!("exit {other:?} on SIGTERM, not 143")),
    }
}

/// Every warta command line of `readme`, in order: lines of fenced blocks starting with
/// `warta`, `$ warta` or `cargo run … --`, and inline code spans starting with `warta `.
fn readme_commands(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    let mut prose = String::new();
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            out.extend(inline_commands(&std::mem::take(&mut prose)));
            continue;
        }
        if !fenced {
            prose.push_str(line);
            prose.push('\n');
            continue;
        }
        let line = line.trim().trim_start_matches("$ ");
        let line = strip_comment(line);
        let run = ["cargo run --release --", "cargo run --"]
            .iter()
            .find_map(|prefix| line.strip_prefix(prefix));
        let line = match run {
            Some(rest) => format!("warta{rest}"),
            None => line.to_string(),
        };
        if line.starts_with("warta ") {
            out.push(line.trim().to_string());
        }
    }
    out.extend(inline_commands(&prose));
    out
}

/// Inline code spans of `prose` (which may wrap lines) that are warta commands.
fn inline_commands(prose: &str) -> Vec<String> {
    let joined = prose.replace('\n', " ");
    joined
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| span.starts_with("warta ") && !span.contains('…'))
        .map(|span| span.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// `line` without a trailing `# comment` (a `#` after whitespace, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev.is_whitespace() => return line[..i].trim_end(),
            _ => {}
        }
        prev = c;
    }
    line
}

/// The arguments of the warta part of `line`, as a shell would split them: up to a pipe or a
/// redirect, without the leading `warta`.
fn warta_args(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '|' | '>') => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    args.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        args.push(word);
    }
    assert_eq!(args.first().map(String::as_str), Some("warta"), "{line}");
    args.remove(0);
    args
}

#[test]
fn commands_are_read_as_a_shell_reads_them() {
    assert_eq!(
        warta_args(r#"warta search 'kebocoran data' --json | jq -r '.hits[].path'"#),
        ["search", "kebocoran data", "--json"]
    );
    assert_eq!(
        warta_args(r#"warta search '"pusat data"' --lang id"#),
        ["search", "\"pusat data\"", "--lang", "id"]
    );
    assert_eq!(warta_args("warta man > ~/x.1"), ["man"]);
    assert_eq!(
        strip_comment("warta search investsi    # a typo # still"),
        "warta search investsi"
    );
    let readme = "Try `warta stats`, `warta show\ncorpus/a.txt` and `cargo`.\n```sh\n\
                  cargo run -- search x   # y\n$ warta search z\ncargo test\n```\n";
    assert_eq!(
        readme_commands(readme),
        [
            "warta stats",
            "warta show corpus/a.txt",
            "warta search x",
            "warta search z"
        ]
    );
}
