//! `.csv` and `.tsv`: a header row names the columns (or `--columns` does, and every row is
//! data); each row is an article, `file.csv#N` for the N-th data row.

use serde_json::{Map, Value};

use super::record::{self, FieldMap};
use super::{IngestError, Records};
use crate::report::ProblemKind;

/// Reads a table with the given delimiter (`,` or tab).
pub(super) fn parse_table(
    text: &str,
    delimiter: u8,
    map: &FieldMap,
    out: &mut Records,
) -> Result<(), IngestError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = reader.records();
    let names: Vec<String> = match &map.columns {
        Some(columns) => columns.clone(),
        None => match rows.next() {
            Some(Ok(header)) => header.iter().map(|h| h.trim().to_string()).collect(),
            Some(Err(e)) => return Err(IngestError::Invalid(format!("bad header row: {e}"))),
            None => return Err(IngestError::Empty),
        },
    };
    if !map.recognises_text(&names) {
        return Err(IngestError::NotArticles(format!(
            "no column named like title or body in {} (columns: {}); name them with --columns",
            if map.columns.is_some() {
                "--columns"
            } else {
                "the header row"
            },
            shorten(&names.join(","), 80)
        )));
    }
    for (n, row) in rows.enumerate() {
        let n = n + 1;
        if !out.may_read(n)? {
            break;
        }
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                out.note(Some(n), ProblemKind::Failed, format!("bad row: {e}"));
                continue;
            }
        };
        if row.len() != names.len() {
            out.note(
                Some(n),
                ProblemKind::Warning,
                format!("row has {} fields, the header {}", row.len(), names.len()),
            );
        }
        let mut fields = Map::new();
        for (name, cell) in names.iter().zip(row.iter()) {
            if !name.is_empty() && !fields.contains_key(name) {
                fields.insert(name.clone(), Value::String(unescape(cell, delimiter)));
            }
        }
        match record::article(&fields, map) {
            Some(article) => out.article(Some(n), article),
            None => out.note(Some(n), ProblemKind::Skipped, "empty row".into()),
        }
    }
    Ok(())
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Undoes the backslash escapes that tables use for line breaks inside a cell: `\n`, `\r`,
/// `\\`, and in TSV `\t`. In CSV a backslash before a letter is a line break that lost its `n`
/// (AG News writes "second\team" for "second\nteam"), so it becomes a space.
fn unescape(cell: &str, delimiter: u8) -> String {
    if !cell.contains('\\') {
        return cell.to_string();
    }
    let mut out = String::with_capacity(cell.len());
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some('r') => {
                chars.next();
            }
            // In TSV an escaped backslash; in CSV exports such as AG News a doubled backslash
            // is one more line break.
            Some('\\') if delimiter == b'\t' => {
                chars.next();
                out.push('\\');
            }
            Some('\\') => {
                while chars.peek() == Some(&'\\') {
                    chars.next();
                }
                out.push(' ');
            }
            Some('t') if delimiter == b'\t' => {
                chars.next();
                out.push(' ');
            }
            Some(next) if next.is_alphabetic() => out.push(' '),
            // An escaped sign (`US\$10`) is the sign; before a space or at the end, a lone
            // backslash is the line break itself.
            Some(next) if next.is_ascii_punctuation() || next.is_whitespace() => {}
            None => {}
            _ => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslash_line_breaks_become_whitespace() {
        assert_eq!(unescape(r"a second\team\nof", b','), "a second team\nof");
        assert_eq!(unescape(r"Close\\Microsoft", b','), "Close Microsoft");
        assert_eq!(unescape(r"C:\\dir", b'\t'), r"C:\dir");
        assert_eq!(unescape(r"a\tb", b'\t'), "a b");
        assert_eq!(unescape(r"US\$10, \ x\", b','), "US$10,  x");
        assert_eq!(unescape(r"1\2", b','), r"1\2");
    }
}
