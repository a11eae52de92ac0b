//! The command line as clap sees it. Only this module and `commands` know clap; each command
//! turns its arguments into the library's plain options structs.

mod errors;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use warta::ingest::{FieldMap, Target};

/// Full-text search for tech news in English and Indonesian.
#[derive(Debug, Parser)]
#[command(name = "warta", version = env!("WARTA_VERSION"), about, max_term_width = 100)]
pub struct Cli {
    /// Index directory [default: index/]
    #[arg(long, global = true, env = "WARTA_INDEX", value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Print nothing but results and errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index article files (new, changed and deleted files are brought in line)
    Index(IndexArgs),
    /// Search the index
    Search(SearchArgs),
    /// Count the articles matching a query per year, month or week, with a bar each
    Trend(TrendArgs),
    /// Show one article in full
    Show(ShowArgs),
    /// Articles most like a given one (other stories only)
    Similar(SimilarArgs),
    /// Show what the index holds
    Stats(StatsArgs),
    /// Write every stored article as JSON lines, in id order (resumable)
    Export(ExportArgs),
    /// Serve the index over HTTP: a JSON API and a search page
    Serve(ServeArgs),
    /// Read every file of the index and say whether it is intact (exit 2 when damaged)
    Check(CheckArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the manual page, in roff (read it with `warta man | man -l -`)
    Man,
    /// List the folders and files the index tracks, with their articles
    Roots(RootsArgs),
    /// Stop tracking folders or files, removing their articles from the index
    Forget(ForgetArgs),
}

/// The value of a flag's choices called `name` (as written on the command line, e.g. `date`
/// for `--sort`), or every name it takes: for `warta serve`, whose parameters take the same.
pub fn choice_named<T: ValueEnum>(name: &str) -> Result<T, Vec<String>> {
    T::from_str(name, false).map_err(|_| {
        T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect()
    })
}

/// `warta serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port. Anything but loopback makes the index
    /// readable by whoever can reach the address
    #[arg(long, default_value = "127.0.0.1:7700", value_name = "ADDR")]
    pub addr: std::net::SocketAddr,
    /// Write a line per request on stderr
    #[arg(long)]
    pub log: bool,
    /// Allow the pages of ORIGIN (e.g. https://desk.example) to call the API from a browser
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,
}

/// `warta completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `warta roots`.
#[derive(Debug, Args)]
pub struct RootsArgs {
    /// Print the roots as JSON
    #[arg(long)]
    pub json: bool,
}

/// `warta forget`.
#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// Tracked folders or files, as `warta roots` lists them (or any path to them)
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Print the roots forgotten as JSON
    #[arg(long)]
    pub json: bool,
}

/// `warta index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Files or folders to index [default: the paths the index was built from, else corpus/]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Start from an empty index
    #[arg(long)]
    pub rebuild: bool,
    /// Follow symlinks to files and folders outside the paths indexed (passed over otherwise)
    #[arg(long)]
    pub follow_outside: bool,
    /// Print the run's report as JSON
    #[arg(long)]
    pub json: bool,
    /// Threads for parsing and indexing [default: all cores]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
    /// Memory budget of the index writer, in MiB
    #[arg(long, value_name = "MB", default_value_t = warta::index::DEFAULT_MEMORY_MB as u32, value_parser = clap::value_parser!(u32).range(16..=4000))]
    pub memory: u32,
    /// Read an article field from a named input field in JSON, CSV and front matter
    /// (e.g. --field title=headline --field body=text); remembered for these paths
    #[arg(long = "field", value_name = "FIELD=NAME", value_parser = FieldMap::parse_field)]
    pub fields: Vec<(Target, String)>,
    /// Names of the columns of CSV/TSV files that have no header row (e.g. class,title,body);
    /// remembered for these paths
    #[arg(long, value_name = "A,B,C", value_parser = columns)]
    pub columns: Option<Columns>,
    /// Commit at least every SECONDS (fractions allowed), so a killed run loses at most that
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    pub commit_every: Duration,
    /// After indexing, keep watching the paths and index what changes, until Ctrl-C
    #[arg(long)]
    pub watch: bool,
    /// With --watch: look at the files every second instead of asking inotify (for network
    /// file systems, where inotify sees nothing)
    #[arg(long, requires = "watch")]
    pub poll: bool,
    /// Bounds on each input file (docs/limits.md)
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The bounds `warta index` holds each input file to; defaults in `warta::ingest::limits`.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Bytes read from one file or its gzip stream (K, M, G suffixes); beyond, a file is cut
    /// short or skipped, with a warning
    #[arg(long, value_name = "SIZE", default_value = "128M", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Bytes of text kept per article (K, M, G suffixes); the rest is cut off with a warning
    #[arg(long, value_name = "SIZE", default_value = "4M", value_parser = parse_size)]
    pub max_article_size: u64,
    /// Records (JSON lines, table rows, JSON array items) read from one file
    #[arg(long, value_name = "N", default_value_t = warta::ingest::limits::MAX_RECORDS)]
    pub max_records: usize,
    /// HTML elements nested deeper than this are ignored (their text is kept)
    #[arg(long, value_name = "N", default_value_t = warta::ingest::limits::MAX_HTML_DEPTH)]
    pub max_html_depth: usize,
    /// Attributes of one HTML element beyond this many are ignored
    #[arg(long, value_name = "N", default_value_t = warta::ingest::limits::MAX_HTML_ATTRIBUTES)]
    pub max_html_attributes: usize,
    /// Seconds one file may take to read and parse (fractions allowed) before it is abandoned
    /// with a warning
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_seconds)]
    pub file_timeout: Duration,
}

/// A size in bytes: a number with an optional K, M or G suffix (powers of 1024; `MiB`, `KB`
/// and such are read the same).
fn parse_size(text: &str) -> Result<u64, String> {
    let lower = text.trim().to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let shift = match lower[digits.len()..].trim_end_matches(['b', 'i']) {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => {
            return Err(format!(
                "{text:?} is not a size such as 4096, 512K, 128M or 2G"
            ))
        }
    };
    let number: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a size such as 4096, 512K, 128M or 2G"))?;
    let bytes = number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{text} is too large"))?;
    if bytes == 0 {
        return Err("must be more than 0".to_string());
    }
    Ok(bytes)
}

/// The names given to `--columns` (a type of its own, so that clap takes one value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns(pub Vec<String>);

fn columns(spec: &str) -> Result<Columns, String> {
    FieldMap::parse_columns(spec).map(Columns)
}

/// A positive number of seconds, fractions allowed (`30`, `0.5`).
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if seconds.is_nan() || seconds <= 0.0 {
        return Err("must be more than 0 seconds".to_string());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{text} seconds is too long"))
}

/// `warta search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", AND/OR/NOT, +must -not, title:/body:/source:/lang:
    #[arg(value_name = "QUERY", required_unless_present = "batch", num_args = 1..)]
    pub query: Vec<String>,
    /// Run the searches of FILE (`-` for standard input), one per line: a query, or a JSON
    /// object of search parameters (`{"q": "paylater", "lang": "id", "limit": 3}`); prints a
    /// JSON line per search, in order, with its line number. The flags given are every line's
    /// defaults
    #[arg(long, value_name = "FILE", conflicts_with_all = ["query", "count", "format"])]
    pub batch: Option<PathBuf>,
    /// Number of hits to show
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Number of hits to skip
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    /// Print results as JSON (the same as --format json)
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Print only the number of matching articles (each copy of a story counts, as in the JSON
    /// `total`), as `rg -c`; exit 1 when it is 0
    #[arg(long, conflicts_with_all = ["json", "format", "facet"])]
    pub count: bool,
    /// Output format: text for people; json, jsonl (a hit per line), tsv or paths (file paths
    /// of the hits, once each, as `rg -l`) for scripts
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Passages per snippet, joined with …
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=20))]
    pub snippets: u16,
    /// Length of each snippet passage, in characters
    #[arg(long, default_value_t = 220, value_name = "N", value_parser = clap::value_parser!(u32).range(20..=10000))]
    pub snippet_chars: u32,
    /// Favour fresh articles: multiply relevance by 0.5 per HALF_LIFE of age, in h (hours),
    /// d (days), w (weeks), mo (months) or y (years), e.g. 30d; undated articles keep their
    /// relevance
    #[arg(long, value_name = "HALF_LIFE", conflicts_with = "sort")]
    pub recent: Option<String>,
    /// Match words only as spelt: no typo tolerance
    #[arg(long)]
    pub exact: bool,
    /// List every copy of a story instead of folding near-duplicates into the best hit
    #[arg(long)]
    pub no_collapse: bool,
    /// Count all matches by source, language or year (repeatable)
    #[arg(long, value_enum, value_name = "FACET")]
    pub facet: Vec<FacetArg>,
    /// Only articles published in or after DATE: a year, month, day or moment (2025, 2025-08,
    /// 2025-08-29, 2025-08-29T10:00:00Z)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles published up to the end of DATE: `--until 2025` is through 31 December
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only articles in this language (en, id)
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Only articles from this source
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
    /// Order of hits
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
}

/// `warta trend`.
#[derive(Debug, Args)]
pub struct TrendArgs {
    /// The query, as for `search`
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Count per year, month or ISO week (Monday to Sunday)
    #[arg(long, value_enum, default_value_t = PeriodArg::Month, value_name = "PERIOD")]
    pub by: PeriodArg,
    /// Print the counts as JSON
    #[arg(long)]
    pub json: bool,
    /// Match words only as spelt: no typo tolerance
    #[arg(long)]
    pub exact: bool,
    /// Only articles published in or after DATE (as for `search`)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles published up to the end of DATE (as for `search`)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only articles in this language (en, id)
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Only articles from this source
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
}

/// `trend --by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// Calendar years
    Year,
    /// Calendar months
    Month,
    /// ISO weeks, Monday to Sunday
    Week,
}

impl PeriodArg {
    /// The library's period.
    pub fn period(self) -> warta::search::Period {
        match self {
            PeriodArg::Year => warta::search::Period::Year,
            PeriodArg::Month => warta::search::Period::Month,
            PeriodArg::Week => warta::search::Period::Week,
        }
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Ranked hits with snippets, for a terminal
    Text,
    /// One JSON object
    Json,
    /// One JSON object per hit, per line
    Jsonl,
    /// Tab-separated: id, score, published, lang, source, path, title, url
    Tsv,
    /// The file path of each hit, once
    Paths,
}

/// `--facet` and `stats --by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FacetArg {
    /// Source
    Source,
    /// Language
    Lang,
    /// Year of publication
    Year,
}

impl FacetArg {
    /// The library's facet.
    pub fn facet(self) -> warta::search::Facet {
        match self {
            FacetArg::Source => warta::search::Facet::Source,
            FacetArg::Lang => warta::search::Facet::Lang,
            FacetArg::Year => warta::search::Facet::Year,
        }
    }
}

/// `--sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// Best match first
    Relevance,
    /// Newest first
    Date,
}

/// `warta similar`.
#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// Article id or path
    #[arg(value_name = "ID|PATH")]
    pub target: String,
    /// Number of articles to show
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Print results as JSON (the same as --format json)
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Output format, as for `search`
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
}

/// `warta show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Article id or path
    #[arg(value_name = "ID|PATH")]
    pub target: String,
    /// Print the article as JSON
    #[arg(long)]
    pub json: bool,
}

/// `warta stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print the statistics as JSON
    #[arg(long)]
    pub json: bool,
    /// Only count articles by source, language or year
    #[arg(long, value_enum, value_name = "FACET")]
    pub by: Option<FacetArg>,
}

/// `warta check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

/// `warta export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to FILE instead of stdout; an existing FILE is resumed after its last complete line
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start after the article with this id (ids are written in order)
    #[arg(long, value_name = "ID", value_parser = article_id)]
    pub after: Option<String>,
}

/// An article id as warta writes them: 16 hex digits.
fn article_id(text: &str) -> Result<String, String> {
    let id = text.trim().to_ascii_lowercase();
    if id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(id)
    } else {
        Err(format!("{text:?} is not an article id (16 hex digits)"))
    }
}

/// Why the command line gave no command to run.
#[derive(Debug)]
pub enum NotRun {
    /// Help or the version was asked for (or help shown for a bare `warta`) and printed as
    /// clap prints it; the process exits with this code.
    Shown(u8),
    /// A bad command line, as the one line `what; hint` to show.
    Refused(String),
}

/// Parses the process's command line.
pub fn parse() -> Result<Cli, NotRun> {
    // Parsed from the OS strings themselves: a path that is not UTF-8 names a real file.
    let os_args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    Cli::try_parse_from(&os_args).map_err(|err| {
        let args: Vec<String> = os_args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let help = err.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
        if !err.use_stderr() || help {
            let _ = err.print();
            NotRun::Shown(err.exit_code() as u8)
        } else {
            NotRun::Refused(errors::error_line(&err, &args))
        }
    })
}

#[cfg(test)]
mod tests;
