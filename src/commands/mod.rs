//! One file per command: each turns its clap arguments into library options, calls the
//! library, and hands the result to `render`.

pub mod batch;
pub mod check;
pub mod export;
pub mod index;
pub mod roots;
pub mod search;
pub mod ship;
pub mod show;
pub mod signals;
pub mod similar;
pub mod stats;
pub mod trend;
pub mod watch;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::{Cli, ColorWhen, Command};
use crate::exit_codes::ExitCode;
use crate::render::Style;

/// The index location a user gets without `--index` or `WARTA_INDEX`.
pub const DEFAULT_INDEX: &str = "index";
/// The corpus indexed when no paths are given and the index remembers none.
pub const DEFAULT_CORPUS: &str = "corpus";

/// What every command needs to know besides its own arguments.
pub struct Context {
    /// The index directory.
    pub index_dir: PathBuf,
    /// Whether the index is the default one (so a missing one may be built from `corpus/`).
    pub default_index: bool,
    /// How to draw for a person.
    pub style: Style,
    /// `-q`.
    pub quiet: bool,
}

/// Runs the command line and says how it ended.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let color = match cli.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    let ctx = Context {
        default_index: cli.index.is_none(),
        index_dir: cli.index.unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX)),
        style: Style { color },
        quiet: cli.quiet,
    };
    check::blame_damage(&ctx.index_dir, || match cli.command {
        Command::Index(args) => index::run(&ctx, args),
        Command::Search(args) => search::run(&ctx, args),
        Command::Trend(args) => trend::run(&ctx, args),
        Command::Show(args) => show::run(&ctx, args),
        Command::Similar(args) => similar::run(&ctx, args),
        Command::Stats(args) => stats::run(&ctx, args),
        Command::Export(args) => export::run(&ctx, args),
        Command::Roots(args) => roots::run(&ctx, args),
        Command::Forget(args) => roots::forget(&ctx, args),
        Command::Serve(args) => crate::serve::run(&ctx, args),
        Command::Check(args) => check::run(&ctx, args),
        Command::Completions(args) => ship::completions(args),
        Command::Man => ship::man(),
    })
}

/// A library result with an operating-system error named by what warta was doing with which
/// index folder (`writing the index in x.txt: File exists (os error 17)`), and a hint when the
/// folder is not one; the library's other errors pass as they are, with their own hints.
pub fn in_index<T>(result: warta::Result<T>, doing: &str, dir: &Path) -> anyhow::Result<T> {
    result.map_err(|err| match err {
        warta::Error::Io(io) => {
            let what = format!("{doing} the index in {}: {io}", dir.display());
            if dir.exists() && !dir.is_dir() || dir.ancestors().skip(1).any(Path::is_file) {
                anyhow::anyhow!("{what}; --index names a folder (made when missing), not a file")
            } else {
                anyhow::anyhow!(what)
            }
        }
        other => other.into(),
    })
}
