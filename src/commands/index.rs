//! `warta index`: bring the index in line with the files, with a progress bar on a terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use warta::index::{self, IndexOptions};
use warta::ingest::FieldMap;
use warta::report::IndexReport;

use super::{Context, DEFAULT_CORPUS};
use crate::cli::IndexArgs;
use crate::exit_codes::ExitCode;
use crate::render::json::{write_line, IndexReportJson};
use crate::render::progress::IndexProgress;
use crate::render::terminal::index_summary;

/// Runs `warta index`.
pub fn run(ctx: &Context, args: IndexArgs) -> anyhow::Result<ExitCode> {
    let mut paths = args.paths;
    if paths.is_empty() {
        // Read here, before a rebuild of another version's index removes what remembers them.
        paths = index::remembered_roots(&ctx.index_dir)?;
        if paths.is_empty() {
            paths.push(PathBuf::from(DEFAULT_CORPUS));
        }
    }
    let mut options = IndexOptions::new(ctx.index_dir.clone(), paths);
    options.rebuild = args.rebuild;
    options.follow_outside = args.follow_outside;
    options.memory_mb = args.memory as usize;
    options.commit_every = args.commit_every;
    if let Some(threads) = args.threads {
        options.threads = threads as usize;
    }
    options.fields = FieldMap {
        fields: args.fields,
        columns: args.columns.map(|c| c.0),
    };
    let show_bar = !ctx.quiet && !args.json && std::io::stderr().is_terminal();
    let report = index_with_progress(&options, show_bar, !ctx.quiet)?;

    let mut out = std::io::stdout().lock();
    if args.json {
        write_line(&mut out, &IndexReportJson::new(&report))?;
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
    let options = IndexOptions {
        release_memory: options.release_memory.or(Some(crate::release_freed_memory)),
        ..options.clone()
    };
    let bar = IndexProgress::new(show_bar, show_warnings);
    let report = index::run_index(&options, &bar, &cancel)?;
    bar.done();
    Ok(report)
}

/// Interrupted when it was, an error when an article file could not be read or parsed.
pub fn exit_code(report: &IndexReport) -> ExitCode {
    if report.interrupted {
        ExitCode::Interrupted
    } else if report.failed > 0 {
        ExitCode::Error
    } else {
        ExitCode::Success
    }
}
