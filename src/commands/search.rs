//! `warta search`: ranked hits with snippets, for a person or (with `--json`) for a script.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use warta::index::IndexOptions;
use warta::ingest::date::parse_date;
use warta::query::Filters;
use warta::schema::index_exists;
use warta::search::{Engine, Hits, SearchOptions, SortBy};

use super::{index::index_with_progress, Context, DEFAULT_CORPUS};
use crate::cli::{FormatArg, SearchArgs, SortArg};
use crate::render::json::SearchJson;
use crate::render::terminal;

/// Runs `warta search`.
pub fn run(ctx: &Context, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let mut options = SearchOptions::new(args.query.join(" "));
    options.limit = args.limit;
    options.offset = args.offset;
    options.snippets = args.snippets as usize;
    options.snippet_chars = args.snippet_chars as usize;
    options.facets = args.facet.iter().map(|f| f.facet()).collect();
    options.collapse = !args.no_collapse;
    options.recent = args.recent;
    let format = format_of(args.json, args.format);
    options.sort = match args.sort {
        SortArg::Relevance => SortBy::Relevance,
        SortArg::Date => SortBy::Date,
    };
    options.filters = Filters {
        lang: args.lang,
        source: args.source,
        since: args
            .since
            .as_deref()
            .map(|d| date_arg("--since", d))
            .transpose()?,
        until: args
            .until
            .as_deref()
            .map(|d| date_arg("--until", d))
            .transpose()?,
        exact: args.exact,
    };

    build_default_index_if_missing(ctx)?;
    let engine = Engine::open(&ctx.index_dir)?;
    let hits = engine.search(&options)?;

    print_hits(ctx, &hits, format)?;
    // The process ends here, and the kernel's teardown of the index's mappings at exit is
    // cheaper than tantivy's unmapping of each file one by one (5% of a search process).
    std::mem::forget(engine);
    Ok(if hits.total > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Prints a page of hits in the format asked for.
pub fn print_hits(ctx: &Context, hits: &Hits, format: FormatArg) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        FormatArg::Json => {
            serde_json::to_writer(&mut out, &SearchJson::new(hits))?;
            writeln!(out)?;
        }
        FormatArg::Jsonl => {
            for hit in SearchJson::new(hits).hits() {
                serde_json::to_writer(&mut out, hit)?;
                writeln!(out)?;
            }
        }
        FormatArg::Tsv => terminal::write_tsv(&mut out, hits)?,
        FormatArg::Paths => terminal::write_paths(&mut out, hits)?,
        FormatArg::Text => {
            terminal::write_hits(&mut out, hits, ctx.style)?;
            terminal::write_facets(&mut out, &hits.facets, ctx.style)?;
            if !ctx.quiet && std::io::stdout().is_terminal() {
                terminal::write_footer(&mut out, hits, ctx.style)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The format asked for with `--json` or `--format`.
pub fn format_of(json: bool, format: Option<FormatArg>) -> FormatArg {
    if json {
        FormatArg::Json
    } else {
        format.unwrap_or(FormatArg::Text)
    }
}

/// A `--since`/`--until` value as Unix seconds.
fn date_arg(flag: &str, text: &str) -> anyhow::Result<i64> {
    parse_date(text)
        .map(|p| p.timestamp())
        .with_context(|| format!("{flag} {text:?} is not a date; write it as 2025-08-29"))
}

/// On a fresh checkout, the first search builds the default index from `corpus/`.
fn build_default_index_if_missing(ctx: &Context) -> anyhow::Result<()> {
    if !ctx.default_index || index_exists(&ctx.index_dir) || !Path::new(DEFAULT_CORPUS).is_dir() {
        return Ok(());
    }
    eprintln!(
        "warta: no index yet in {}/; indexing {DEFAULT_CORPUS}/ first",
        ctx.index_dir.display()
    );
    let options = IndexOptions::new(ctx.index_dir.clone(), vec![DEFAULT_CORPUS.into()]);
    let report = index_with_progress(&options, false, !ctx.quiet)?;
    if !ctx.quiet {
        eprintln!("warta: {}", crate::render::terminal::index_summary(&report));
    }
    Ok(())
}
