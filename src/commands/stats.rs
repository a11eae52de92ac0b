//! `warta stats`: what the index holds.

use std::io::Write;

use warta::search::Engine;

use super::{in_index, Context};
use crate::cli::StatsArgs;
use crate::exit_codes::ExitCode;
use crate::render::json::{write_line, CountsJson, StatsJson};
use crate::render::terminal;

/// Runs `warta stats`.
pub fn run(ctx: &Context, args: StatsArgs) -> anyhow::Result<ExitCode> {
    let engine = in_index(Engine::open(&ctx.index_dir), "reading", &ctx.index_dir)?;
    let mut out = std::io::stdout().lock();
    if let Some(by) = args.by {
        let counts = engine.counts_by(by.facet())?;
        if args.json {
            write_line(&mut out, &CountsJson::new(by.facet(), &counts))?;
        } else {
            terminal::write_counts(&mut out, &counts)?;
        }
        out.flush()?;
        return Ok(ExitCode::Success);
    }
    let stats = engine.stats()?;
    if args.json {
        write_line(&mut out, &StatsJson::new(&stats))?;
    } else {
        terminal::write_stats(&mut out, &stats, ctx.style)?;
    }
    out.flush()?;
    Ok(ExitCode::Success)
}
