//! `warta index`: bring the index in line with the files, with a progress bar on a terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use warta::index::{self, IndexOptions};
use warta::ingest::{FieldMap, Limits};
use warta::report::IndexReport;

use super::signals::{self, Caught};
use super::{in_index, Context, DEFAULT_CORPUS};
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
        paths = in_index(
            index::remembered_roots(&ctx.index_dir),
            "reading",
            &ctx.index_dir,
        )?;
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
    options.limits = Limits {
        file_bytes: args.limits.max_file_size,
        article_bytes: usize::try_from(args.limits.max_article_size).unwrap_or(usize::MAX),
        records: args.limits.max_records,
        // Never more than a whole file may hold.
        record_bytes: usize::try_from(
            warta::ingest::limits::MAX_RECORD_BYTES.min(args.limits.max_file_size),
        )
        .unwrap_or(usize::MAX),
        html_depth: args.limits.max_html_depth,
        html_attributes: args.limits.max_html_attributes,
        file_time: args.limits.file_timeout,
    };
    if args.watch {
        return super::watch::run(ctx, &options, args.poll, args.json);
    }
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

/// Indexes with SIGINT and SIGTERM caught (the run commits what is done and stops; see
/// `signals::received`) and, when asked, a progress bar; prints problems as they come.
pub fn index_with_progress(
    options: &IndexOptions,
    show_bar: bool,
    show_warnings: bool,
) -> anyhow::Result<IndexReport> {
    let caught = Caught::install();
    let options = IndexOptions {
        release_memory: options.release_memory.or(Some(crate::release_freed_memory)),
        ..options.clone()
    };
    let bar = IndexProgress::new(show_bar, show_warnings);
    let report = in_index(
        index::run_index(&options, &signals::Pausing::new(&bar), caught.stop()),
        "writing",
        &options.index_dir,
    )?;
    bar.done();
    Ok(report)
}

/// The signal's code when one stopped the run (or came while it finished), else an error when
/// an article file could not be read or parsed.
pub fn exit_code(report: &IndexReport) -> ExitCode {
    if let Some(code) = signals::received() {
        code
    } else if report.interrupted {
        ExitCode::Interrupted
    } else if report.failed > 0 {
        ExitCode::Error
    } else {
        ExitCode::Success
    }
}
