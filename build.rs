//! Two jobs at build time:
//!
//! - Links the `warta` binary as a position-dependent executable on Linux. A PIE's loader
//!   relocates tens of thousands of pointers (vtables and other constant tables) at every
//!   start, which was a large share of a `warta search` process's time: a search is one
//!   process, so its start-up is part of every search (benches/RESULTS.md has the figures).
//! - Names the commit the binary is built from, for `warta --version`: `WARTA_VERSION` is the
//!   crate version and `git rev-parse --short HEAD`, or "unknown commit" outside a git
//!   checkout of this crate (a source tarball, a vendored copy) or without git.

use std::path::Path;
use std::process::Command;

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.contains("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");

    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = commit().unwrap_or_else(|| "unknown commit".to_string());
    println!("cargo:rustc-env=WARTA_VERSION={version} ({commit})");
}

/// The short commit hash of HEAD; `None` when this crate is not the top of a git checkout
/// or git is not installed. Asks cargo to run this again when HEAD or the branch it names
/// moves.
fn commit() -> Option<String> {
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    if Path::new(&top).canonicalize().ok()? != Path::new(&manifest_dir).canonicalize().ok()? {
        return None;
    }
    let git_dir = git(&["rev-parse", "--git-dir"])?;
    rerun_if_changed(&Path::new(&git_dir).join("HEAD"));
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"]) {
        // A branch's ref lives in the common dir (shared by worktrees), loose or packed.
        let common = git(&["rev-parse", "--git-common-dir"]).unwrap_or(git_dir);
        let common = Path::new(&common);
        rerun_if_changed(&common.join(&reference));
        rerun_if_changed(&common.join("packed-refs"));
    }
    git(&["rev-parse", "--short", "HEAD"])
}

/// The trimmed standard output of a successful `git` command.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// Watches a file that exists (cargo reruns the script on every build for a missing one).
fn rerun_if_changed(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
