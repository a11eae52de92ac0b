//! What ships beside the binary: shell completions, the manual page and `--version`, each
//! checked by the tool that would read it.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::util::{root, Sandbox};

/// Whether a program is on PATH.
fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether a tool that is missing may skip its test: outside CI, with a printed reason; in CI
/// (`CI=true`, where `.ci/run` installs them) a missing tool fails the test.
fn may_skip(program: &str) -> bool {
    if installed(program) {
        return false;
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(!in_ci, "{program} is not installed; .ci/run installs it");
    eprintln!("skipped: {program} is not installed (CI installs it)");
    true
}

/// Runs `program args` with `input` on its stdin; returns its exit code and stderr.
fn pipe_into(program: &str, args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `warta completions SHELL` is a script the shell parses without error (`SHELL -n`).
fn completion_parses(shell: &str) {
    if may_skip(shell) {
        return;
    }
    let script = Sandbox::empty().run(&["completions", shell]).code(0).stdout;
    assert!(script.contains("warta"), "{shell}: {script}");
    for word in ["search", "snippet-chars"] {
        assert!(script.contains(word), "{shell} completion lacks {word}");
    }
    let (code, _, stderr) = pipe_into(shell, &["-n"], &script);
    assert_eq!(
        code, 0,
        "{shell} -n refused the completion script: {stderr}"
    );
}

#[test]
fn bash_completion_parses() {
    completion_parses("bash");
}

#[test]
fn zsh_completion_parses() {
    completion_parses("zsh");
}

#[test]
fn fish_completion_parses() {
    completion_parses("fish");
}

#[test]
fn powershell_and_elvish_completions_are_printed() {
    for shell in ["powershell", "elvish"] {
        let script = Sandbox::empty().run(&["completions", shell]).code(0).stdout;
        assert!(
            script.contains("warta") && script.contains("search"),
            "{shell}"
        );
    }
}

#[test]
fn an_unknown_shell_is_refused() {
    let run = Sandbox::empty().run(&["completions", "cmd.exe"]).code(2);
    assert!(run.stderr.contains("bash"), "{}", run.stderr);
}

#[test]
fn the_manual_page_renders_with_man() {
    if may_skip("man") {
        return;
    }
    let page = Sandbox::empty().run(&["man"]).code(0).stdout;
    let (code, text, stderr) = pipe_into("man", &["--warnings", "-l", "-"], &page);
    assert_eq!(code, 0, "man -l - failed: {stderr}");
    assert!(stderr.trim().is_empty(), "man warns: {stderr}");
    for heading in [
        "NAME",
        "SYNOPSIS",
        "COMMANDS",
        "QUERY LANGUAGE",
        "EXIT STATUS",
    ] {
        assert!(
            text.lines().any(|l| l.trim() == heading),
            "no {heading} in the page"
        );
    }
    // man hyphenates and justifies; the flag and the query form survive it whole.
    assert!(text.contains("--snippet-chars"), "{text}");
    assert!(text.contains("published:2025"), "{text}");
}

#[test]
fn version_names_the_commit() {
    let run = Sandbox::empty().run(&["--version"]).code(0);
    let line = run.stdout.trim();
    let version = env!("CARGO_PKG_VERSION");
    assert!(line.starts_with(&format!("warta {version} (")), "{line}");
    let commit = line
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("no commit in {line:?}"));
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success() && root().join(".git").exists());
    match head {
        // In a git checkout the binary names the commit it was built from, HEAD.
        Some(head) => assert_eq!(commit, String::from_utf8_lossy(&head.stdout).trim()),
        None => assert_eq!(commit, "unknown commit"),
    }
}
