//! `warta similar`: the articles most like a given one, as `search` prints hits.

use std::process::ExitCode;

use warta::search::Engine;

use super::search::{format_of, print_hits};
use super::Context;
use crate::cli::SimilarArgs;

/// Runs `warta similar`.
pub fn run(ctx: &Context, args: SimilarArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(&ctx.index_dir)?;
    let hits = engine.similar(&args.target, args.limit)?;
    print_hits(ctx, &hits, format_of(args.json, args.format))?;
    Ok(if hits.hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
