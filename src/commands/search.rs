//! `warta search`: ranked hits with snippets, for a person or (with `--json`) for a script.

use std::io::IsTerminal;
use std::path::Path;

use warta::common::lang::normalize_code;
use warta::index::IndexOptions;
use warta::query::dates::{half_life, period_end, period_start, OptionError};
use warta::query::Filters;
use warta::schema::damage::holds_segment_files;
use warta::schema::index_exists;
use warta::search::{Engine, Facet, SearchOptions, SortBy};

use super::{in_index, index::index_with_progress, signals, Context, DEFAULT_CORPUS};
use crate::cli::{FormatArg, SearchArgs, SortArg};
use crate::exit_codes::ExitCode;
use crate::render::messages::note;
use crate::render::terminal::{index_summary, respelled_line};
use crate::render::{print_count, print_hits, Format};

/// Runs `warta search`.
pub fn run(ctx: &Context, args: SearchArgs) -> anyhow::Result<ExitCode> {
    if let Some(from) = &args.batch {
        build_default_index_if_missing(ctx)?;
        return super::batch::run(ctx, &args, from);
    }
    let options = search_options(&args)?;
    let format = format_of(args.json, args.format);

    build_default_index_if_missing(ctx)?;
    if let Some(code) = signals::received() {
        return Ok(code);
    }
    let engine = in_index(Engine::open(&ctx.index_dir), "reading", &ctx.index_dir)?;
    let mut hits = engine.search(&options)?;
    crate::render::show_paths(&mut hits);
    if hits.total == 0 {
        refuse_unknown_language(&engine, &options.filters)?;
    }

    // Text output says it above the hits; the formats for scripts keep stdout to the hits.
    let elsewhere = !matches!(format, Format::Text | Format::Json);
    if let (true, false, Some(line)) = (elsewhere, ctx.quiet, respelled_line(&hits)) {
        if !hits.hits.is_empty() {
            note(line);
        }
    }
    if args.count {
        print_count(hits.total)?;
    } else {
        print_hits(&hits, format, ctx.style, show_footer(ctx))?;
    }
    if hits.total == 0 && show_footer(ctx) {
        if let Some(reason) = why_no_hits(&options) {
            note(format_args!("no matches: {reason}"));
        }
    }
    // The process ends here, and the kernel's teardown of the index's mappings at exit is
    // cheaper than tantivy's unmapping of each file one by one.
    std::mem::forget(engine);
    Ok(ExitCode::found(hits.total > 0))
}

/// The search `args` ask for, as the library's options: the one mapping from arguments to
/// `SearchOptions`, shared by `warta search` and `warta serve`.
pub fn search_options(args: &SearchArgs) -> Result<SearchOptions, OptionError> {
    let mut options = SearchOptions::new(args.query.join(" "));
    // `--count` needs the total only: no page of hits to rank or snippet.
    options.limit = if args.count { 0 } else { args.limit };
    options.offset = if args.count { 0 } else { args.offset };
    options.snippets = args.snippets as usize;
    options.snippet_chars = args.snippet_chars as usize;
    options.facets = args.facet.iter().map(|f| f.facet()).collect();
    options.collapse = !args.no_collapse;
    options.recent = args.recent.as_deref().map(half_life).transpose()?;
    options.sort = match args.sort {
        SortArg::Relevance => SortBy::Relevance,
        SortArg::Date => SortBy::Date,
    };
    options.filters = filters(
        args.lang.as_deref(),
        args.source.as_deref(),
        (args.since.as_deref(), args.until.as_deref()),
        args.exact,
    )?;
    Ok(options)
}

/// The filters that `--lang`, `--source`, `--since`, `--until` and `--exact` ask for, as
/// `search` and `trend` read them.
pub fn filters(
    lang: Option<&str>,
    source: Option<&str>,
    (since, until): (Option<&str>, Option<&str>),
    exact: bool,
) -> Result<Filters, OptionError> {
    Ok(Filters {
        lang: lang.map(str::to_string),
        source: source.map(str::to_string),
        since: since.map(|d| period_start("--since", d)).transpose()?,
        until: until.map(|d| period_end("--until", d)).transpose()?,
        exact,
    })
}

/// Whether text output ends with the "1-10 of 42 matches" line: on a terminal, unless `-q`.
pub fn show_footer(ctx: &Context) -> bool {
    !ctx.quiet && std::io::stdout().is_terminal()
}

/// Whether the current directory is a checkout of warta: its `Cargo.toml` names the package.
fn in_warta_checkout() -> bool {
    std::fs::read_to_string("Cargo.toml").is_ok_and(|text| {
        text.lines()
            .map(|l| l.replace(' ', ""))
            .any(|l| l == "name=\"warta\"")
    })
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

/// A `--lang` that no article of the index is in is a bad value, not a search with no hits:
/// refused, with the languages the index holds.
pub fn refuse_unknown_language(engine: &Engine, filters: &Filters) -> anyhow::Result<()> {
    let Some(lang) = &filters.lang else {
        return Ok(());
    };
    let held = engine.counts_by(Facet::Lang)?;
    if held.contains_key(&normalize_code(lang)) {
        return Ok(());
    }
    let list: Vec<&str> = held.keys().map(String::as_str).collect();
    anyhow::bail!(
        "--lang {lang}: no article in the index is in that language; the index holds {}",
        if list.is_empty() {
            "none".to_string()
        } else {
            list.join(", ")
        }
    )
}

/// Why a search found nothing, when the options alone tell: dates that leave no time between
/// them, or a query that is one prefix with nothing to expand to.
pub fn why_no_hits(options: &SearchOptions) -> Option<String> {
    let filters = &options.filters;
    if let (Some(since), Some(until)) = (filters.since, filters.until) {
        if since >= until {
            return Some(
                "the dates leave no time between them (--since is not before --until); \
                 swap them"
                    .to_string(),
            );
        }
    }
    let query = options.query.trim();
    let word = query.rsplit_once(':').map_or(query, |(_, word)| word);
    let prefix = word.strip_suffix('*')?;
    if query.contains(char::is_whitespace) || prefix.contains(['*', '"']) {
        return None;
    }
    if prefix.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return Some(format!(
            "a prefix needs two letters or more, so `{word}` was read as the word `{prefix}`"
        ));
    }
    let unfiltered = word == query
        && filters.lang.is_none()
        && filters.source.is_none()
        && filters.since.is_none()
        && filters.until.is_none();
    unfiltered.then(|| format!("no word in the index begins with `{prefix}`"))
}

/// On a fresh checkout of warta, the first search builds the default index from its
/// `corpus/`. Only there: a plain search in any other folder holding a `corpus/` indexes
/// nothing (only what was asked for is indexed), and says there is no index.
pub fn build_default_index_if_missing(ctx: &Context) -> anyhow::Result<()> {
    if !ctx.default_index
        || index_exists(&ctx.index_dir)
        || holds_segment_files(&ctx.index_dir)
        || !Path::new(DEFAULT_CORPUS).is_dir()
        || !in_warta_checkout()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn why(query: &str, since_until: Option<(i64, i64)>) -> Option<String> {
        let mut options = SearchOptions::new(query);
        if let Some((since, until)) = since_until {
            options.filters.since = Some(since);
            options.filters.until = Some(until);
        }
        why_no_hits(&options)
    }

    #[test]
    fn no_hits_are_explained_only_when_the_options_tell_why() {
        assert!(why("k*", None)
            .unwrap()
            .starts_with("a prefix needs two letters"));
        assert_eq!(
            why("qx*", None).unwrap(),
            "no word in the index begins with `qx`"
        );
        assert!(why("title:k*", None).unwrap().starts_with("a prefix needs"));
        assert_eq!(why("title:qx*", None), None, "a field narrows it: no claim");
        assert_eq!(why("qx* nimbus", None), None);
        assert_eq!(why("nimbus", None), None);
        assert!(why("nimbus", Some((10, 10))).unwrap().contains("swap them"));
        assert_eq!(why("nimbus", Some((10, 20))), None);
        assert_eq!(why("qx*", Some((10, 20))), None, "filters: no claim");
    }
}
