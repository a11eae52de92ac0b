//! `warta search`: ranked hits with snippets, for a person or (with `--json`) for a script.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context as _;
use warta::index::IndexOptions;
use warta::ingest::date::parse_date;
use warta::query::Filters;
use warta::schema::damage::holds_segment_files;
use warta::schema::index_exists;
use warta::search::{Engine, SearchOptions, SortBy};

use super::{index::index_with_progress, Context, DEFAULT_CORPUS};
use crate::cli::{FormatArg, SearchArgs, SortArg};
use crate::exit_codes::ExitCode;
use crate::render::messages::note;
use crate::render::terminal::index_summary;
use crate::render::{print_hits, Format};

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

    print_hits(&hits, format, ctx.style, show_footer(ctx))?;
    // The process ends here, and the kernel's teardown of the index's mappings at exit is
    // cheaper than tantivy's unmapping of each file one by one.
    std::mem::forget(engine);
    Ok(ExitCode::found(hits.total > 0))
}

/// Whether text output ends with the "1-10 of 42 matches" line: on a terminal, unless `-q`.
pub fn show_footer(ctx: &Context) -> bool {
    !ctx.quiet && std::io::stdout().is_terminal()
}

/// The format asked for with `--json` or `--format`.
pub fn format_of(json: bool, format: Option<FormatArg>) -> Format {
    if json {
        return Format::Json;
    }
    match format.unwrap_or(FormatArg::Text) {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Tsv => Format::Tsv,
        FormatArg::Paths => Format::Paths,
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
    if !ctx.default_index
        || index_exists(&ctx.index_dir)
        || holds_segment_files(&ctx.index_dir)
        || !Path::new(DEFAULT_CORPUS).is_dir()
    {
        return Ok(());
    }
    note(format_args!(
        "no index yet in {}/; indexing {DEFAULT_CORPUS}/ first",
        ctx.index_dir.display()
    ));
    let options = IndexOptions::new(ctx.index_dir.clone(), vec![DEFAULT_CORPUS.into()]);
    let report = index_with_progress(&options, false, !ctx.quiet)?;
    if !ctx.quiet {
        note(index_summary(&report));
    }
    Ok(())
}
