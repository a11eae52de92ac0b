//! `warta show`: one stored article in full.

use std::io::Write;

use warta::search::Engine;
use warta::Error;

use super::{in_index, Context};
use crate::cli::ShowArgs;
use crate::exit_codes::ExitCode;
use crate::render::json::{write_line, ArticleJson};
use crate::render::terminal;

/// Runs `warta show`.
pub fn run(ctx: &Context, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let engine = in_index(Engine::open(&ctx.index_dir), "reading", &ctx.index_dir)?;
    let article = engine
        .get(&args.target)
        .map_err(|err| with_record_hint(&engine, err))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        write_line(&mut out, &ArticleJson::new(&article))?;
    } else {
        terminal::write_article(&mut out, &article, ctx.style)?;
    }
    out.flush()?;
    Ok(ExitCode::Success)
}

/// An article asked for by the path of a file of several records (a JSON-lines file, a CSV) is
/// not found, as each record is an article: say how to name one.
pub fn with_record_hint(engine: &Engine, err: Error) -> anyhow::Error {
    match err {
        Error::ArticleNotFound(target) if engine.get(&format!("{target}#1")).is_ok() => {
            anyhow::anyhow!(
                "no article with id or path {target}: it is a file of several articles; \
                 name one by its record number, e.g. `{target}#1`"
            )
        }
        other => other.into(),
    }
}
