//! Progress of an index run on stderr: an indicatif bar on a terminal, and each problem as a
//! `warta: path: reason` line as it is met (above the bar, which is redrawn below it); and the
//! status line and commit lines of `warta index --watch`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use warta::index::watch::WatchProgress;
use warta::index::Progress;
use warta::report::{IndexReport, Problem, ProblemKind};

use super::json::WatchCommitJson;
use super::messages::warn;

/// What a person sees while an index run goes on.
pub struct IndexProgress {
    bar: Option<ProgressBar>,
    show_warnings: bool,
}

impl IndexProgress {
    /// A bar when `show_bar`; problems that were only skipped or warned about are printed
    /// when `show_warnings` (failures always are).
    pub fn new(show_bar: bool, show_warnings: bool) -> IndexProgress {
        IndexProgress {
            bar: show_bar
                .then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())),
            show_warnings,
        }
    }

    /// Clears the bar when the run is over.
    pub fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for IndexProgress {
    fn walking(&self, files: u64) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("looking for files: {files} found"));
            bar.tick();
        }
    }

    fn start(&self, files: u64, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(bytes.max(1));
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, ETA {eta}) {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message(format!("{files} files to read"));
        }
    }

    fn advance(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn problem(&self, problem: &Problem) {
        if self.show_warnings || problem.kind == ProblemKind::Failed {
            let line = format!("{}: {}", problem.path, problem.reason);
            match &self.bar {
                Some(bar) => bar.suspend(|| warn(&line)),
                None => warn(&line),
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.set_message("committing");
        }
    }
}

/// How a watch reports each commit on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitLines {
    /// Nothing: stdout is a terminal, the status line says it.
    None,
    /// `2026-11-29T08:13:18Z  +3 ~1 -0  (1,234 articles)`.
    Text,
    /// One JSON object per commit ([`WatchCommitJson`](super::json::WatchCommitJson)).
    Json,
}

/// What a person sees while `warta index --watch` goes on: one status line on a terminal (what
/// it is doing, the last commit), a line per commit on stdout when it is not one, and each
/// problem as it is met.
pub struct WatchStatus {
    bar: Option<ProgressBar>,
    lines: CommitLines,
    show_warnings: bool,
    /// "inotify" or "polling", and the last commit, for the status line.
    state: std::sync::Mutex<(String, String)>,
}

impl WatchStatus {
    /// A status line when `show_status`; commit lines as `lines` says.
    pub fn new(show_status: bool, lines: CommitLines, show_warnings: bool) -> WatchStatus {
        let bar = show_status.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(250));
            bar
        });
        WatchStatus {
            bar,
            lines,
            show_warnings,
            state: std::sync::Mutex::new(("inotify".into(), String::new())),
        }
    }

    /// Clears the status line when the watch ends.
    pub fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn status(&self, doing: &str) {
        if let Some(bar) = &self.bar {
            let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let (how, last) = &*state;
            let last = if last.is_empty() {
                String::new()
            } else {
                format!(" · last commit {last}")
            };
            bar.set_message(format!("{doing} ({how}){last}"));
        }
    }

    fn print(&self, line: &str) {
        use std::io::Write;
        let write = || {
            let mut out = std::io::stdout().lock();
            // A closed pipe ends nothing: the index goes on following the files.
            let _ = writeln!(out, "{line}").and_then(|()| out.flush());
        };
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }
}

impl Progress for WatchStatus {
    fn walking(&self, files: u64) {
        self.status(&format!("looking for files: {files} found"));
    }

    fn start(&self, files: u64, _bytes: u64) {
        let s = if files == 1 { "" } else { "s" };
        self.status(&format!("reading {files} file{s}"));
    }

    fn problem(&self, problem: &Problem) {
        if self.show_warnings || problem.kind == ProblemKind::Failed {
            let line = format!("{}: {}", problem.path, problem.reason);
            match &self.bar {
                Some(bar) => bar.suspend(|| warn(&line)),
                None => warn(&line),
            }
        }
    }

    fn finish(&self) {
        self.status("committing");
    }
}

impl WatchProgress for WatchStatus {
    fn watching(&self, how: &str) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0 = how.to_string();
        self.status("watching");
    }

    fn batch(&self, paths: Option<usize>) {
        match paths {
            Some(1) => self.status("1 path changed"),
            Some(n) => self.status(&format!("{n} paths changed")),
            None => self.status("looking at every file again"),
        }
    }

    fn committed(&self, report: &IndexReport, articles: u64) {
        let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let counts = format!("+{} ~{} -{}", report.added, report.updated, report.removed);
        let total = warta::index::articles_count(articles);
        match self.lines {
            CommitLines::None => {}
            CommitLines::Text => self.print(&format!("{at}  {counts}  ({total})")),
            CommitLines::Json => {
                let json = WatchCommitJson::new(at.clone(), articles, report);
                if let Ok(text) = serde_json::to_string(&json) {
                    self.print(&text);
                }
            }
        }
        let time = at.get(11..19).unwrap_or(&at);
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = format!("{time} {counts}");
        self.status(&format!("watching, {total}"));
    }

    fn notice(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| warn(text)),
            None => warn(text),
        }
    }
}
