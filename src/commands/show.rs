//! `warta show`: one stored article in full.

use std::io::Write;

use warta::search::Engine;

use super::Context;
use crate::cli::ShowArgs;
use crate::exit_codes::ExitCode;
use crate::render::json::{write_line, ArticleJson};
use crate::render::terminal;

/// Runs `warta show`.
pub fn run(ctx: &Context, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(&ctx.index_dir)?;
    let mut article = engine.get(&args.target)?;
    article.path = warta::walk::shown_str(&article.path);
    let mut out = std::io::stdout().lock();
    if args.json {
        write_line(&mut out, &ArticleJson::new(&article))?;
    } else {
        terminal::write_article(&mut out, &article, ctx.style)?;
    }
    out.flush()?;
    Ok(ExitCode::Success)
}
