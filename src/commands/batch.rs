//! `warta search --batch FILE`: many searches from one process, for scripts. Each line is a
//! query (in the query language) or a JSON object of the API's search parameters; each gets
//! one JSON line back, in input order, with its line number. Searches run on every core; lines
//! are answered as they arrive, so a script may also write a query and wait for its answer.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver};

use anyhow::Context as _;
use rayon::prelude::*;
use warta::search::{Engine, Hits};

use super::search::search_options;
use super::{in_index, signals, Context};
use crate::cli::SearchArgs;
use crate::exit_codes::ExitCode;
use crate::render::json::{write_line, BatchLineJson};
use crate::serve::error::ApiError;
use crate::serve::params::SearchRequest;

/// The longest line read: far above any query the limits let through (1,000 characters and
/// the parameters), and low enough that a line without an end cannot fill memory.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Lines answered together on all cores, at most; fewer when no more have arrived yet.
const CHUNK: usize = 256;

/// One input line: its number (from 1) and its text, or why it cannot be read.
type Line = (usize, Result<String, String>);

/// Runs `warta search --batch FROM`, with `base`'s flags as every line's defaults.
pub fn run(ctx: &Context, base: &SearchArgs, from: &Path) -> anyhow::Result<ExitCode> {
    let input: Box<dyn BufRead + Send> = if from == Path::new("-") {
        Box::new(BufReader::new(io::stdin()))
    } else {
        let file = File::open(from).with_context(|| format!("reading {}", from.display()))?;
        Box::new(BufReader::new(file))
    };
    let engine = in_index(Engine::open(&ctx.index_dir), "reading", &ctx.index_dir)?;
    let mut lines = read_lines(input);
    let mut out = BufWriter::new(io::stdout().lock());
    let (mut found, mut failed) = (false, false);
    while let Some(chunk) = lines
        .next_chunk()
        .with_context(|| format!("reading {}", from.display()))?
    {
        let answers = chunk
            .par_iter()
            .map(|(number, line)| answer(&engine, base, line).map(|a| (*number, a)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        for (number, answer) in &answers {
            match answer {
                Ok(hits) => {
                    found |= hits.total > 0;
                    write_line(&mut out, &BatchLineJson::hits(*number, hits))?;
                }
                Err((error, hint)) => {
                    failed = true;
                    write_line(&mut out, &BatchLineJson::error(*number, error, hint))?;
                }
            }
        }
        out.flush()?;
        if let Some(code) = signals::received() {
            return Ok(code);
        }
    }
    std::mem::forget(engine);
    Ok(match (failed, found) {
        (true, _) => ExitCode::Error,
        (false, found) => ExitCode::found(found),
    })
}

/// The lines of `input`, read on a thread of their own into a bounded queue, blank lines
/// left out (their numbers are kept by the others).
fn read_lines(mut input: Box<dyn BufRead + Send>) -> Lines {
    let (send, receive) = sync_channel(CHUNK * 2);
    std::thread::spawn(move || {
        let mut number = 0;
        loop {
            let line = match next_line(&mut input) {
                Ok(None) => return,
                Ok(Some(line)) => line,
                Err(err) => {
                    let _ = send.send(Err(err));
                    return;
                }
            };
            number += 1;
            if line.as_ref().is_ok_and(|text| text.trim().is_empty()) {
                continue;
            }
            if send.send(Ok((number, line))).is_err() {
                return;
            }
        }
    });
    Lines {
        arriving: receive,
        failed: None,
    }
}

/// The lines to answer, as they arrive; a read error ends the run after the lines before it.
struct Lines {
    arriving: Receiver<io::Result<Line>>,
    failed: Option<io::Error>,
}

impl Lines {
    /// The next lines to answer: one, waited for, and then as many more as have already arrived.
    fn next_chunk(&mut self) -> io::Result<Option<Vec<Line>>> {
        if let Some(err) = self.failed.take() {
            return Err(err);
        }
        let Ok(first) = self.arriving.recv() else {
            return Ok(None);
        };
        let mut chunk = vec![first?];
        while chunk.len() < CHUNK {
            match self.arriving.try_recv() {
                Ok(Ok(line)) => chunk.push(line),
                Ok(Err(err)) => {
                    self.failed = Some(err);
                    break;
                }
                Err(_) => break,
            }
        }
        Ok(Some(chunk))
    }
}

/// The next line of `input` without its line end. A line longer than [`MAX_LINE_BYTES`] is
/// read past, never held, and answered as an error, as is one that is not UTF-8.
fn next_line(input: &mut impl BufRead) -> io::Result<Option<Result<String, String>>> {
    let mut line = Vec::new();
    let (mut any, mut too_long) = (false, false);
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        any = true;
        let end = buf.iter().position(|&b| b == b'\n');
        let part = &buf[..end.unwrap_or(buf.len())];
        if line.len() + part.len() > MAX_LINE_BYTES {
            too_long = true;
            line = Vec::new();
        } else if !too_long {
            line.extend_from_slice(part);
        }
        let used = end.map_or(buf.len(), |e| e + 1);
        input.consume(used);
        if end.is_some() {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if too_long {
        return Ok(Some(Err(format!(
            "line longer than {MAX_LINE_BYTES} bytes"
        ))));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(
        String::from_utf8(line).map_err(|_| "line is not UTF-8".to_string()),
    ))
}

/// What one line is answered with: its hits, or what is wrong with it (and a hint). An error
/// that is not the line's own (the index cannot be read) ends the run.
fn answer(
    engine: &Engine,
    base: &SearchArgs,
    line: &Result<String, String>,
) -> anyhow::Result<Result<Hits, (String, Option<String>)>> {
    let text = match line {
        Ok(text) => text.trim(),
        Err(why) => return Ok(Err((why.clone(), None))),
    };
    let request = if text.starts_with('{') {
        match serde_json::from_str::<SearchRequest>(text) {
            Ok(request) => request,
            Err(err) => {
                return Ok(Err((
                    format!("not a search object: {err}"),
                    Some(r#"a query, or e.g. {"q": "paylater", "limit": 3}"#.to_string()),
                )))
            }
        }
    } else {
        SearchRequest {
            q: text.to_string(),
            ..SearchRequest::default()
        }
    };
    let options = match request.over(base) {
        Ok(args) => search_options(&args).map_err(ApiError::from),
        Err(err) => Err(err),
    };
    let options = match options {
        Ok(options) => options,
        Err(err) => return Ok(Err(err.message())),
    };
    match engine.search(&options) {
        Ok(mut hits) => {
            crate::render::show_paths(&mut hits);
            Ok(Ok(hits))
        }
        Err(err @ (warta::Error::BadQuery { .. } | warta::Error::QueryTooCostly(_))) => {
            let hint = err.hint().map(str::to_string);
            Ok(Err((err.to_string(), hint)))
        }
        Err(err) => Err(err.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(bytes: &[u8]) -> Vec<Result<String, String>> {
        let mut input = io::Cursor::new(bytes.to_vec());
        std::iter::from_fn(|| next_line(&mut input).unwrap()).collect()
    }

    #[test]
    fn lines_are_read_with_their_ends_dropped_and_bounded() {
        assert_eq!(
            lines_of(b"a\r\nb\n\nc"),
            vec![
                Ok("a".into()),
                Ok("b".into()),
                Ok("".into()),
                Ok("c".into())
            ]
        );
        let mut long = vec![b'x'; MAX_LINE_BYTES * 3];
        long.extend_from_slice(b"\nnext\n\xff\n");
        let lines = lines_of(&long);
        assert_eq!(lines.len(), 3);
        assert!(lines[0].as_ref().unwrap_err().contains("longer than"));
        assert_eq!(lines[1], Ok("next".into()));
        assert!(lines[2].is_err());
    }

    #[test]
    fn a_line_of_exactly_the_bound_is_read() {
        let mut line = vec![b'q'; MAX_LINE_BYTES];
        line.push(b'\n');
        assert_eq!(lines_of(&line)[0].as_ref().unwrap().len(), MAX_LINE_BYTES);
    }
}
