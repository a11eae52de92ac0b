//! Progress of an index run on stderr: an indicatif bar on a terminal, and each problem as a
//! `warta: path: reason` line as it is met (above the bar, which is redrawn below it).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use warta::index::Progress;
use warta::report::{Problem, ProblemKind};

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
