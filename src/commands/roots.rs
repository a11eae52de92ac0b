//! `warta roots` (the folders and files the index tracks, with their articles) and
//! `warta forget` (stop tracking some, removing their articles).

use std::io::Write;

use warta::index::{self, Root};
use warta::walk::shown;

use super::Context;
use crate::cli::{ForgetArgs, RootsArgs};
use crate::exit_codes::ExitCode;
use crate::render::json::{write_line, RootsJson};

/// Runs `warta roots`.
pub fn run(ctx: &Context, args: RootsArgs) -> anyhow::Result<ExitCode> {
    let roots = index::roots(&ctx.index_dir)?;
    write_roots(&roots, args.json, "")?;
    Ok(ExitCode::Success)
}

/// Runs `warta forget`.
pub fn forget(ctx: &Context, args: ForgetArgs) -> anyhow::Result<ExitCode> {
    let forgotten = index::forget(&ctx.index_dir, &args.paths)?;
    if !ctx.quiet || args.json {
        write_roots(&forgotten, args.json, "forgotten: ")?;
    }
    Ok(ExitCode::Success)
}

/// One line per root (its articles, then its path as output shows paths), or one JSON line.
fn write_roots(roots: &[Root], json: bool, prefix: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        write_line(&mut out, &RootsJson::new(roots))?;
    } else {
        for root in roots {
            let count = index::articles_count(root.articles);
            writeln!(out, "{prefix}{}  ({count})", shown(&root.path))?;
        }
    }
    out.flush()?;
    Ok(())
}
