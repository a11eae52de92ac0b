//! The `warta` binary: parse the command line, run it, turn failure into one line on stderr.

mod cli;
mod commands;
mod exit_codes;
mod render;

use clap::error::ErrorKind;
use clap::Parser;

use exit_codes::ExitCode;

/// mimalloc rather than glibc's malloc: indexing allocates each article's text on one thread and
/// frees it on tantivy's, and glibc's per-thread arenas held on to much of such freed memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // `--help`, `--version`, and help shown for a bare `warta`, print as clap prints them.
        Err(err)
            if !err.use_stderr()
                || err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            let _ = err.print();
            return std::process::ExitCode::from(err.exit_code() as u8);
        }
        Err(err) => {
            render::messages::error_text(&cli::error_line(&err, &args));
            return ExitCode::Error.into();
        }
    };
    let code = match commands::run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::Success,
        Err(err) => {
            render::messages::error(&err);
            ExitCode::Error
        }
    };
    code.into()
}

/// A reader that went away (`warta search x | head -1`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
