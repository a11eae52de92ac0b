//! `warta index`: bring the index in line with the files, with a progress bar on a terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use warta::index::{self, IndexOptions, Progress};
use warta::ingest::{FieldMap, Limits};
use warta::report::{IndexReport, Problem, ProblemKind};

use super::{warn, Context, DEFAULT_CORPUS};
use crate::cli::IndexArgs;
use crate::render::terminal::index_summary;

/// Exit code of a run stopped by Ctrl-C, as shells report SIGINT.
const INTERRUPTED: u8 = 130;

/// Runs `warta index`.
pub fn run(ctx: &Context, args: IndexArgs) -> anyhow::Result<ExitCode> {
    let mut paths = args.paths;
    if paths.is_empty() && index::remembered_roots(&ctx.index_dir)?.is_empty() {
        paths.push(PathBuf::from(DEFAULT_CORPUS));
    }
    let mut options = IndexOptions::new(ctx.index_dir.clone(), paths);
    options.rebuild = args.rebuild;
    options.memory_mb = args.memory as usize;
    options.commit_every = args.commit_every;
    if let Some(threads) = args.threads {
        options.threads = threads as usize;
    }
    options.fields = FieldMap {
        fields: args.fields,
        columns: args.columns.map(|c| c.0),
    };
    options.limits = Limits {
        file_bytes: args.limits.max_file_size,
        article_bytes: usize::try_from(args.limits.max_article_size).unwrap_or(usize::MAX),
        records: args.limits.max_records,
        html_depth: args.limits.max_html_depth,
        html_attributes: args.limits.max_html_attributes,
        file_time: args.limits.file_timeout,
    };
    let show_bar = !ctx.quiet && !args.json && std::io::stderr().is_terminal();
    let report = index_with_progress(&options, show_bar, !ctx.quiet)?;

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else if !ctx.quiet {
        writeln!(out, "{}", index_summary(&report))?;
    }
    Ok(exit_code(&report))
}

/// Indexes with Ctrl-C handling and, when asked, a progress bar; prints problems as they come.
pub fn index_with_progress(
    options: &IndexOptions,
    show_bar: bool,
    show_warnings: bool,
) -> anyhow::Result<IndexReport> {
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = Arc::clone(&cancel);
        // A second handler cannot be installed (e.g. when `search` indexes first): then Ctrl-C
        // simply ends the process, and the last commit stays whole.
        let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::SeqCst));
    }
    let bar = Bar::new(show_bar, show_warnings);
    let report = index::run_index(options, &bar, &cancel)?;
    bar.done();
    Ok(report)
}

/// 130 when interrupted, 2 when an article file could not be read or parsed, else 0.
pub fn exit_code(report: &IndexReport) -> ExitCode {
    if report.interrupted {
        ExitCode::from(INTERRUPTED)
    } else if report.failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// Progress on stderr: an indicatif bar on a terminal, problems as `warta: path: reason` lines.
struct Bar {
    bar: Option<ProgressBar>,
    show_warnings: bool,
}

impl Bar {
    fn new(show: bool, show_warnings: bool) -> Bar {
        Bar {
            bar: show.then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())),
            show_warnings,
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
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
