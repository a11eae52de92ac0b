//! `warta stats`: what the index holds.

use std::io::Write;
use std::process::ExitCode;

use warta::search::Engine;

use super::Context;
use crate::cli::StatsArgs;
use crate::render::json::StatsJson;
use crate::render::terminal;

/// Runs `warta stats`.
pub fn run(ctx: &Context, args: StatsArgs) -> anyhow::Result<ExitCode> {
    let stats = Engine::open(&ctx.index_dir)?.stats()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &StatsJson::new(&stats))?;
        writeln!(out)?;
    } else {
        terminal::write_stats(&mut out, &stats, ctx.style)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
