//! `warta check`: reads every file of the index and says whether it is intact.

use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Mutex;

use warta::schema::damage::inspect;

use super::{in_index, Context};
use crate::cli::CheckArgs;
use crate::exit_codes::ExitCode;
use crate::render::json::{write_line, CheckJson};

/// Runs `warta check`: exit 0 when the index is intact, 2 when a file is damaged.
pub fn run(ctx: &Context, args: CheckArgs) -> anyhow::Result<ExitCode> {
    let health = in_index(inspect(&ctx.index_dir), "reading", &ctx.index_dir)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        write_line(&mut out, &CheckJson::new(&ctx.index_dir, &health))?;
    } else {
        let dir = ctx.index_dir.display();
        match health.damaged.as_slice() {
            [] => writeln!(out, "{dir}: ok")?,
            files => writeln!(out, "{dir}: damaged: {}", files.join(", "))?,
        }
        let number = |n: Option<u64>| n.map_or_else(|| "unknown".to_string(), |n| n.to_string());
        writeln!(out, "articles: {}", number(health.articles))?;
        writeln!(
            out,
            "segments: {}",
            number(health.segments.map(|n| n as u64))
        )?;
        writeln!(out, "schema version: {}", number(health.schema_version))?;
    }
    out.flush()?;
    if health.damaged.is_empty() {
        return Ok(ExitCode::Success);
    }
    let file = health.damaged.join(", ");
    Err(warta::Error::Damaged {
        dir: ctx.index_dir.clone(),
        file,
    }
    .into())
}

/// The index of a command that failed, blamed when it is damaged: a command that panicked or
/// failed with an error of the search engine's, over an index that `check` finds damaged,
/// answers with the damage. The files of an index are verified when it is opened, but only the
/// files changed since `index` verified them (see `schema::damage`): a byte that rots in place
/// is found here, when it makes tantivy fail.
pub fn blame_damage(
    index_dir: &Path,
    command: impl FnOnce() -> anyhow::Result<ExitCode>,
) -> anyhow::Result<ExitCode> {
    let default_hook = std::panic::take_hook();
    // The main thread's panic is told after the index is checked; other threads' as usual.
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("main") {
            *lock(&PANIC) = Some(info.to_string());
        } else {
            default_hook(info);
        }
    }));
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(command));
    let engine_failed = match &outcome {
        Ok(Ok(_)) => false,
        Ok(Err(err)) => err
            .chain()
            .any(|e| matches!(e.downcast_ref(), Some(warta::Error::Engine(_)))),
        Err(_) => true,
    };
    let damage = engine_failed
        .then(|| inspect(index_dir).ok())
        .flatten()
        .and_then(|health| health.damaged.into_iter().next());
    if let Some(file) = damage {
        let dir = index_dir.to_path_buf();
        return Err(warta::Error::Damaged { dir, file }.into());
    }
    match outcome {
        Ok(result) => result,
        Err(panic) => {
            if let Some(message) = lock(&PANIC).take() {
                eprintln!("thread 'main' {message}");
            }
            std::panic::resume_unwind(panic)
        }
    }
}

/// The message of a panic of the main thread, kept until the index has been checked.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
