//! The `warta` binary: parse the command line, run it, turn failure into one line on stderr.

mod cli;
mod commands;
mod exit_codes;
mod render;
mod serve;

use exit_codes::ExitCode;

/// mimalloc rather than glibc's malloc: indexing allocates each article's text on one thread and
/// frees it on tantivy's, and glibc's per-thread arenas held on to much of such freed memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Hands memory that was freed but is still held by mimalloc back to the system: the library
/// calls it before an index run's final merge (`IndexOptions::release_memory`).
fn release_freed_memory() {
    // SAFETY: mi_collect takes no pointers and may be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// Keeps the process's memory in 4 KB pages. With transparent huge pages the kernel zeroes 2 MB
/// at the first touch of each of mimalloc's arenas: a large share of a short `warta search`
/// process, and more resident memory in an indexing run, for a little less CPU there
/// (benches/RESULTS.md). mimalloc is built not to ask for them (its `no_thp` feature), which
/// is all a system that gives them only when asked needs; this turns them off where the system
/// gives them always, for the memory touched from here on.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integers only and changes nothing but this flag.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> std::process::ExitCode {
    no_huge_pages();
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(cli::NotRun::Shown(code)) => return std::process::ExitCode::from(code),
        Err(cli::NotRun::Refused(line)) => {
            render::messages::error_text(&line);
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
