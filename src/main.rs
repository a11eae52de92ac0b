//! The `warta` binary: parse the command line, run it, turn failure into one line on stderr.

mod cli;
mod commands;
mod render;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than glibc's malloc: indexing allocates each article's text on one thread and
/// frees it on tantivy's, and glibc's per-thread arenas kept much of such memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let hint = err
                .chain()
                .find_map(|e| e.downcast_ref::<warta::Error>())
                .and_then(|e| e.hint());
            let message = format!("{err:#}").replace('\n', " ");
            match hint {
                Some(hint) => eprintln!("warta: {message}; {hint}"),
                None => eprintln!("warta: {message}"),
            }
            ExitCode::from(2)
        }
    }
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
