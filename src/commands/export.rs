//! `warta export`: every stored article as a JSON line, in id order, to stdout or a file. An
//! existing file is resumed after its last complete line, so a long export that was stopped
//! goes on where it stopped rather than starting over.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::{bail, Context as _};
use warta::search::{stored_articles, StoredArticles};

use super::Context;
use crate::cli::ExportArgs;
use crate::exit_codes::ExitCode;
use crate::render::json::ArticleJson;
use crate::render::messages::note;

/// Bytes read at a time when looking backwards through a file for its last lines.
const TAIL_CHUNK: u64 = 64 * 1024;

/// Runs `warta export`.
pub fn run(ctx: &Context, args: ExportArgs) -> anyhow::Result<ExitCode> {
    // Opened first, so that a missing index leaves no output file behind.
    let mut articles = stored_articles(&ctx.index_dir)?;
    if let Some(after) = &args.after {
        articles = articles.resume_after(after);
    }
    let Some(path) = args.output else {
        let mut out = BufWriter::new(std::io::stdout().lock());
        write_articles(articles, &mut out)?;
        out.flush()?;
        return Ok(ExitCode::Success);
    };
    let context = || format!("writing {}", path.display());
    let (file, resumed) = open_resumable(&path, ctx.quiet).with_context(context)?;
    // Ids are written in order: a file begun after `--after` goes on after the later of the two.
    if let Some(id) = &resumed {
        articles = articles.resume_after(id);
    }
    let mut out = BufWriter::new(file);
    let written = write_articles(articles, &mut out).with_context(context)?;
    let file = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(context)?;
    file.sync_all().with_context(context)?;
    if !ctx.quiet {
        note(format_args!(
            "wrote {written} article{} to {}",
            if written == 1 { "" } else { "s" },
            path.display()
        ));
    }
    Ok(ExitCode::Success)
}

/// Writes each article as one JSON line; returns how many.
fn write_articles(articles: StoredArticles, out: &mut impl Write) -> anyhow::Result<u64> {
    let mut written = 0;
    for article in articles {
        serde_json::to_writer(&mut *out, &ArticleJson::new(&article?))?;
        out.write_all(b"\n")?;
        written += 1;
    }
    Ok(written)
}

/// Opens `path` for writing at its end, creating it if need be. A partial last line (an export
/// that was stopped mid-write) is cut off; the id on the last complete line is returned, to go
/// on after it. Says so on stderr unless `quiet`.
fn open_resumable(path: &Path, quiet: bool) -> anyhow::Result<(File, Option<String>)> {
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    let mut len = file.metadata()?.len();
    if len > 0 && last_byte(&mut file, len)? != b'\n' {
        len = newline_before(&mut file, len)?.map_or(0, |n| n + 1);
        file.set_len(len)?;
        if !quiet {
            note(format_args!(
                "{} ended in a partial line; dropped it",
                path.display()
            ));
        }
    }
    let mut last_id = None;
    if len > 0 {
        let start = newline_before(&mut file, len - 1)?.map_or(0, |n| n + 1);
        let mut line = vec![0; (len - 1 - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut line)?;
        let id = serde_json::from_slice::<serde_json::Value>(&line)
            .ok()
            .and_then(|v| v.get("id")?.as_str().map(str::to_string));
        let Some(id) = id else {
            bail!("its last line is not an article from `warta export`; remove it or write to another file");
        };
        if !quiet {
            note(format_args!(
                "resuming {} after article {id}",
                path.display()
            ));
        }
        last_id = Some(id.to_ascii_lowercase());
    }
    file.seek(SeekFrom::End(0))?;
    Ok((file, last_id))
}

fn last_byte(file: &mut File, len: u64) -> std::io::Result<u8> {
    let mut byte = [0];
    file.seek(SeekFrom::Start(len - 1))?;
    file.read_exact(&mut byte)?;
    Ok(byte[0])
}

/// The offset of the last newline before `end`, reading backwards a chunk at a time.
fn newline_before(file: &mut File, end: u64) -> std::io::Result<Option<u64>> {
    let mut end = end;
    let mut chunk = Vec::new();
    while end > 0 {
        let start = end.saturating_sub(TAIL_CHUNK);
        chunk.resize((end - start) as usize, 0);
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        if let Some(n) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(Some(start + n as u64));
        }
        end = start;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resumed(contents: &str) -> (Option<String>, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, contents).unwrap();
        let (_, id) = open_resumable(&path, true).unwrap();
        (id, std::fs::read_to_string(&path).unwrap())
    }

    #[test]
    fn a_file_resumes_after_its_last_complete_line() {
        let two = "{\"id\":\"00000000000000aa\"}\n{\"id\":\"00000000000000BB\"}\n";
        assert_eq!(resumed(two), (Some("00000000000000bb".into()), two.into()));
        let cut = format!("{two}{{\"id\":\"00000000000000cc\",\"ti");
        assert_eq!(resumed(&cut), (Some("00000000000000bb".into()), two.into()));
        assert_eq!(resumed(""), (None, String::new()));
        assert_eq!(resumed("{\"id\":\"0000"), (None, String::new()));
    }

    #[test]
    fn a_long_last_line_is_found_across_chunks() {
        let long = format!(
            "{{\"id\":\"00000000000000aa\"}}\n{{\"id\":\"00000000000000bb\",\"body\":\"{}\"}}\n",
            "x".repeat(3 * TAIL_CHUNK as usize)
        );
        assert_eq!(resumed(&long).0.as_deref(), Some("00000000000000bb"));
    }

    #[test]
    fn a_file_that_is_not_an_export_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "shopping list\n").unwrap();
        assert!(open_resumable(&path, true).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "shopping list\n");
    }
}
