//! `warta similar`: the articles most like a given one, as `search` prints hits.

use warta::search::Engine;

use super::search::{format_of, show_footer};
use super::show::with_record_hint;
use super::{in_index, Context};
use crate::cli::SimilarArgs;
use crate::exit_codes::ExitCode;
use crate::render::print_hits;

/// Runs `warta similar`.
pub fn run(ctx: &Context, args: SimilarArgs) -> anyhow::Result<ExitCode> {
    let engine = in_index(Engine::open(&ctx.index_dir), "reading", &ctx.index_dir)?;
    let hits = engine
        .similar(&args.target, args.limit)
        .map_err(|err| with_record_hint(&engine, err))?;
    print_hits(
        &hits,
        format_of(args.json, args.format),
        ctx.style,
        show_footer(ctx),
    )?;
    Ok(ExitCode::found(!hits.hits.is_empty()))
}
