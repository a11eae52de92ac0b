//! `warta trend`: how many articles match a query per year, month or week, a line and a bar
//! per period for a person, or (with `--json`) the counts for a script.

use std::io::{IsTerminal, Write};

use warta::query::dates::OptionError;
use warta::search::{Engine, SearchOptions, TrendOptions};

use super::search::{build_default_index_if_missing, filters, refuse_unknown_language};
use super::search::{show_footer, why_no_hits};
use super::{in_index, signals, Context};
use crate::cli::TrendArgs;
use crate::exit_codes::ExitCode;
use crate::render::json::{write_line, TrendJson};
use crate::render::messages::note;
use crate::render::trend::{terminal_width, write_trend};

/// Runs `warta trend`.
pub fn run(ctx: &Context, args: TrendArgs) -> anyhow::Result<ExitCode> {
    let options = trend_options(&args)?;
    build_default_index_if_missing(ctx)?;
    if let Some(code) = signals::received() {
        return Ok(code);
    }
    let engine = in_index(Engine::open(&ctx.index_dir), "reading", &ctx.index_dir)?;
    let trend = engine.trend(&options)?;
    if trend.total == 0 {
        refuse_unknown_language(&engine, &options.filters)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        write_line(&mut out, &TrendJson::new(&trend))?;
    } else {
        let width = terminal_width(std::io::stdout().is_terminal());
        write_trend(&mut out, &trend, width, ctx.style, show_footer(ctx))?;
    }
    out.flush()?;
    if trend.total == 0 && show_footer(ctx) {
        let search = SearchOptions {
            filters: options.filters.clone(),
            ..SearchOptions::new(options.query.clone())
        };
        if let Some(reason) = why_no_hits(&search) {
            note(format_args!("no matches: {reason}"));
        }
    }
    std::mem::forget(engine);
    Ok(ExitCode::found(trend.total > 0))
}

/// The counts `args` ask for, as the library's options: shared by `warta trend` and
/// `GET /api/trend`.
pub fn trend_options(args: &TrendArgs) -> Result<TrendOptions, OptionError> {
    Ok(TrendOptions {
        query: args.query.join(" "),
        filters: filters(
            args.lang.as_deref(),
            args.source.as_deref(),
            (args.since.as_deref(), args.until.as_deref()),
            args.exact,
        )?,
        by: Some(args.by.period()),
    })
}
