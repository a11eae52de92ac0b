//! The command line as clap sees it. Only this module and `commands` know clap; each command
//! turns its arguments into the library's plain options structs.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use warta::ingest::{FieldMap, Target};

/// Full-text search for tech news in English and Indonesian.
#[derive(Debug, Parser)]
#[command(name = "warta", version, about, max_term_width = 100)]
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
    /// Show one article in full
    Show(ShowArgs),
    /// Articles most like a given one (other stories only)
    Similar(SimilarArgs),
    /// Show what the index holds
    Stats(StatsArgs),
    /// Write every stored article as JSON lines, in id order (resumable)
    Export(ExportArgs),
    /// Read every file of the index and say whether it is intact (exit 2 when damaged)
    Check(CheckArgs),
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
}

/// The names given to `--columns` (a type of its own, so that clap takes one value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns(pub Vec<String>);

fn columns(spec: &str) -> Result<Columns, String> {
    FieldMap::parse_columns(spec).map(Columns)
}

/// A half-life such as `30d`, `12h`, `2w` or `1y`, in seconds.
fn half_life(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a half-life such as 30d, 12h, 2w or 1y"))?;
    let unit = match unit {
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" | "" => 86_400.0,
        "w" => 7.0 * 86_400.0,
        "y" => 365.25 * 86_400.0,
        _ => return Err(format!("unknown unit in {text:?}: use s, m, h, d, w or y")),
    };
    if number <= 0.0 || !number.is_finite() {
        return Err("a half-life must be more than 0".into());
    }
    Ok(number * unit)
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
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Number of hits to show
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Number of hits to skip
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    /// Print results as JSON (the same as --format json)
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
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
    /// Favour fresh articles: multiply relevance by 0.5 per HALF_LIFE of age (e.g. 30d, 12h,
    /// 2w, 1y); undated articles keep their relevance
    #[arg(long, value_name = "HALF_LIFE", value_parser = half_life, conflicts_with = "sort")]
    pub recent: Option<f64>,
    /// Match words only as spelt: no typo tolerance
    #[arg(long)]
    pub exact: bool,
    /// List every copy of a story instead of folding near-duplicates into the best hit
    #[arg(long)]
    pub no_collapse: bool,
    /// Count all matches by source, language or year (repeatable)
    #[arg(long, value_enum, value_name = "FACET")]
    pub facet: Vec<FacetArg>,
    /// Only articles published on or after DATE (e.g. 2025-01-01)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles published before DATE
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        let before = Cli::try_parse_from(["warta", "--index", "D", "search", "x"]).unwrap();
        let after = Cli::try_parse_from(["warta", "search", "x", "--index", "D"]).unwrap();
        assert_eq!(before.index, Some(PathBuf::from("D")));
        assert_eq!(after.index, Some(PathBuf::from("D")));
    }

    #[test]
    fn query_words_are_collected() {
        let cli = Cli::try_parse_from(["warta", "search", "scale", "ai", "--limit", "3", "--json"])
            .unwrap();
        let Command::Search(args) = cli.command else {
            panic!("not search")
        };
        assert_eq!(args.query, ["scale", "ai"]);
        assert_eq!(args.limit, 3);
        assert!(args.json);
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(Cli::try_parse_from(["warta", "search", "x", "--limit", "many"]).is_err());
        assert!(Cli::try_parse_from(["warta", "search", "x", "--color", "sometimes"]).is_err());
        assert!(Cli::try_parse_from(["warta", "index", "--threads", "0"]).is_err());
        assert!(Cli::try_parse_from(["warta", "search"]).is_err());
        assert!(Cli::try_parse_from(["warta", "export", "--after", "corpus/a.txt"]).is_err());
        for bad in ["0", "-1", "soon", "NaN", "1e300"] {
            let args = ["warta", "index", "--commit-every", bad];
            assert!(Cli::try_parse_from(args).is_err(), "{bad}");
        }
    }

    #[test]
    fn export_takes_a_file_and_an_id_to_start_after() {
        let cli = Cli::try_parse_from([
            "warta",
            "export",
            "-o",
            "a.jsonl",
            "--after",
            "00FF00ff00ff00ff",
        ])
        .unwrap();
        let Command::Export(args) = cli.command else {
            panic!("not export")
        };
        assert_eq!(args.output, Some(PathBuf::from("a.jsonl")));
        assert_eq!(args.after.as_deref(), Some("00ff00ff00ff00ff"));
        assert!(Cli::try_parse_from(["warta", "export", "--after", "00ff"]).is_err());
    }

    #[test]
    fn commit_interval_takes_seconds_and_fractions() {
        let interval = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
            Command::Index(args) => args.commit_every,
            other => panic!("not index: {other:?}"),
        };
        assert_eq!(interval(&["warta", "index"]), Duration::from_secs(30));
        let args = ["warta", "index", "--commit-every", "0.25"];
        assert_eq!(interval(&args), Duration::from_millis(250));
    }
}
