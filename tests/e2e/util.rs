//! A small harness: a temp dir with a copy of the shipped corpus, and a way to run warta there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The built binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_warta"))
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpora`, which must exist when a `shared_*` test runs.
pub fn corpora() -> PathBuf {
    let dir = root().join("../shared/corpora");
    assert!(
        dir.is_dir(),
        "{} is missing: the shared_* tests need ../shared beside the checkout",
        dir.display()
    );
    dir
}

/// A scratch folder in which warta runs.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    /// An empty sandbox.
    pub fn empty() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A sandbox holding a copy of the shipped `corpus/` and `Cargo.toml`, as a fresh checkout
    /// has them.
    pub fn with_corpus() -> Sandbox {
        let sandbox = Sandbox::empty();
        copy_dir(&root().join("corpus"), &sandbox.path().join("corpus"));
        std::fs::copy(root().join("Cargo.toml"), sandbox.path().join("Cargo.toml")).unwrap();
        sandbox
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A `warta` command run in the sandbox with no WARTA_*/NO_COLOR from the caller.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.args(args)
            .current_dir(self.path())
            .env_remove("WARTA_INDEX")
            .env_remove("NO_COLOR");
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Runs warta to completion.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.cmd(args).output().expect("run warta");
        Run::from(output)
    }

    /// Writes a file below the sandbox, creating folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts the exit code, showing the output when it is wrong.
    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Parses stdout as JSON of type T.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}):\n{}", self.stdout))
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
