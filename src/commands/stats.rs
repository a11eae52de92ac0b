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
    let engine = Engine::open(&ctx.index_dir)?;
    let mut out = std::io::stdout().lock();
    if let Some(by) = args.by {
        let counts = engine.counts_by(by.facet())?;
        if args.json {
            let by_name = serde_json::json!({ by.facet().name(): counts });
            serde_json::to_writer(&mut out, &by_name)?;
            writeln!(out)?;
        } else {
            terminal::write_counts(&mut out, &counts)?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let stats = engine.stats()?;
    if args.json {
        serde_json::to_writer(&mut out, &StatsJson::new(&stats))?;
        writeln!(out)?;
    } else {
        terminal::write_stats(&mut out, &stats, ctx.style)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
