//! `warta check`: reads every file of the index and says whether it is intact.

use std::io::Write;

use warta::schema::damage::inspect;

use super::Context;
use crate::cli::CheckArgs;
use crate::exit_codes::ExitCode;
use crate::render::json::{write_line, CheckJson};

/// Runs `warta check`: exit 0 when the index is intact, 2 when a file is damaged.
pub fn run(ctx: &Context, args: CheckArgs) -> anyhow::Result<ExitCode> {
    let health = inspect(&ctx.index_dir)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        write_line(&mut out, &CheckJson::new(&ctx.index_dir, &health))?;
    } else {
        let dir = ctx.index_dir.display();
        match health.damaged.as_slice() {
            [] => writeln!(out, "{dir}: ok")?,
            files => writeln!(out, "{dir}: damaged: {}", files.join(", "))?,
        }
        let number = |n: Option<u64>| n.map_or_else(|| "unknown".to_string(), |n| n.to_string());
        writeln!(out, "articles: {}", number(health.articles))?;
        writeln!(
            out,
            "segments: {}",
            number(health.segments.map(|n| n as u64))
        )?;
        writeln!(out, "schema version: {}", number(health.schema_version))?;
    }
    out.flush()?;
    if health.damaged.is_empty() {
        return Ok(ExitCode::Success);
    }
    let file = health.damaged.join(", ");
    Err(warta::Error::Damaged {
        dir: ctx.index_dir.clone(),
        file,
    }
    .into())
}
