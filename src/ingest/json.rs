//! `.json` (one article, an array of them, or an object holding such an array, as NewsAPI
//! exports) and `.jsonl`/`.ndjson` (one article per line; a broken line is reported and the
//! rest are read).

use serde_json::Value;

use super::record::{self, FieldMap};
use super::{IngestError, Records};
use crate::report::ProblemKind;

/// Reads a `.json` file.
pub(super) fn parse_json(text: &str, map: &FieldMap, out: &mut Records) -> Result<(), IngestError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| IngestError::Invalid(format!("invalid JSON: {e}")))?;
    match &value {
        Value::Object(object) => {
            if let Some(article) = record::article(object, map) {
                out.article(None, article);
                return Ok(());
            }
            // A wrapper such as `{"status": "ok", "articles": [...]}`.
            let list = object.values().find_map(|v| match v {
                Value::Array(items) if items.iter().any(Value::is_object) => Some(items),
                _ => None,
            });
            match list {
                Some(items) => read_list(items, map, out),
                None => Err(no_fields()),
            }
        }
        Value::Array(items) => read_list(items, map, out),
        _ => Err(IngestError::NotArticles(
            "a JSON value that is not an object or array".into(),
        )),
    }
}

fn read_list(items: &[Value], map: &FieldMap, out: &mut Records) -> Result<(), IngestError> {
    for (n, item) in items.iter().enumerate() {
        if !out.may_read(n + 1)? {
            break;
        }
        read_record(n + 1, item, map, out);
    }
    Ok(())
}

/// Reads a `.jsonl` file: record `N` is line `N`, so `file.jsonl#N` points at its line.
pub(super) fn parse_jsonl(
    text: &str,
    map: &FieldMap,
    out: &mut Records,
) -> Result<(), IngestError> {
    for (n, line) in text.lines().enumerate() {
        if !out.may_read(n + 1)? {
            break;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(value) => read_record(n + 1, &value, map, out),
            Err(e) => out.note(
                Some(n + 1),
                ProblemKind::Failed,
                format!("invalid JSON: {e}"),
            ),
        }
    }
    Ok(())
}

fn read_record(n: usize, value: &Value, map: &FieldMap, out: &mut Records) {
    match value {
        Value::Object(object) => match record::article(object, map) {
            Some(article) => out.article(Some(n), article),
            None => out.note(Some(n), ProblemKind::Skipped, no_fields().to_string()),
        },
        _ => out.note(Some(n), ProblemKind::Failed, "not a JSON object".into()),
    }
}

fn no_fields() -> IngestError {
    IngestError::NotArticles(
        "no field warta reads (title, body, text, content, url, date, ...); name them with --field"
            .into(),
    )
}
