//! `warta index --watch`: index, then follow the paths and index what changes, with a status
//! line on a terminal and a line (or a JSON object) per commit on stdout otherwise, until
//! Ctrl-C or SIGTERM (exit 130 / 143, what was read committed).

use std::io::IsTerminal;

use warta::index::{self, IndexOptions};

use super::signals::{self, Caught};
use super::{in_index, Context};
use crate::exit_codes::ExitCode;
use crate::render::progress::{CommitLines, WatchStatus};

/// Runs `warta index --watch` with the options `warta index` made from its arguments.
pub fn run(
    ctx: &Context,
    options: &IndexOptions,
    poll: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let caught = Caught::install();
    let options = IndexOptions {
        release_memory: options.release_memory.or(Some(crate::release_freed_memory)),
        ..options.clone()
    };
    let lines = if json {
        CommitLines::Json
    } else if ctx.quiet || std::io::stdout().is_terminal() {
        CommitLines::None
    } else {
        CommitLines::Text
    };
    let show_status = !ctx.quiet && std::io::stderr().is_terminal();
    let status = WatchStatus::new(show_status, lines, !ctx.quiet);
    let result = index::watch::watch(&options, poll, &status, caught.stop());
    status.done();
    in_index(result, "writing", &options.index_dir)?;
    Ok(signals::received().unwrap_or(ExitCode::Success))
}
