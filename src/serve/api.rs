//! The JSON API: the CLI's `--json` shapes (`render::json`), one serializer for both.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State as Shared};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use warta::search::SearchOptions;

use super::error::ApiError;
use super::params::{pairs, trend_options_of, SearchRequest, MAX_LIMIT};
use super::state::State;
use crate::render::json::{ArticleJson, ErrorJson, SearchJson, StatsJson, TrendJson};

/// The most searches in one batch.
const MAX_BATCH: usize = 1000;
/// A batch gets another thread for each this many searches (up to the cores).
const BATCH_PER_THREAD: usize = 8;

/// `GET /api/search`: as `warta search --json`.
pub async fn search(
    Shared(state): Shared<Arc<State>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let options = SearchRequest::from_pairs(&pairs(raw.as_deref())?)?.options()?;
    let body = state
        .run(move |engine| json(&SearchJson::new(&shown(engine.search(&options)?))))
        .await?;
    Ok(answer(body))
}

/// `GET /api/trend`: as `warta trend --json`.
pub async fn trend(
    Shared(state): Shared<Arc<State>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let options = trend_options_of(&pairs(raw.as_deref())?)?;
    let body = state
        .run(move |engine| json(&TrendJson::new(&engine.trend(&options)?)))
        .await?;
    Ok(answer(body))
}

/// `POST /api/search/batch`: a JSON array of searches (each an object of the parameters of
/// `GET /api/search`) → an array of results, in order. A search that cannot run has its
/// `{error, hint}` in its place; the others are answered.
pub async fn batch(
    Shared(state): Shared<Arc<State>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::BodyTooLarge,
        _ => ApiError::bad("the request body could not be read", "send a JSON array"),
    })?;
    let requests: Vec<SearchRequest> = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad(
            format!("the body is not a JSON array of searches: {e}"),
            r#"send e.g. [{"q": "bitcoin", "limit": 5}]"#,
        )
    })?;
    if requests.len() > MAX_BATCH {
        return Err(ApiError::bad(
            format!("more than {MAX_BATCH} searches in one batch"),
            "split the batch",
        ));
    }
    let options: Vec<_> = requests.iter().map(SearchRequest::options).collect();
    // The searches of a batch are independent: they run on the cores side by side, each
    // thread a contiguous run of them, answered in order.
    let threads = state.cores.min(options.len().div_ceil(BATCH_PER_THREAD));
    let body = state
        .run_wide(threads, move |engine| {
            let per_thread = options.len().div_ceil(threads.max(1)).max(1);
            let mut runs = Vec::new();
            let mut rest = options;
            while !rest.is_empty() {
                let tail = rest.split_off(per_thread.min(rest.len()));
                runs.push(std::mem::replace(&mut rest, tail));
            }
            let parts: Vec<Result<Vec<u8>, ApiError>> = std::thread::scope(|scope| {
                let runs: Vec<_> = runs
                    .into_iter()
                    .map(|run| scope.spawn(move || batch_part(engine, run)))
                    .collect();
                runs.into_iter()
                    .map(|r| r.join().unwrap_or(Err(ApiError::Internal)))
                    .collect()
            });
            let mut out = b"[".to_vec();
            for part in parts {
                let part = part?;
                if out.len() > 1 && !part.is_empty() {
                    out.push(b',');
                }
                out.extend(part);
            }
            out.push(b']');
            Ok(out)
        })
        .await?;
    Ok(answer(body))
}

/// The answers to a run of a batch's searches, comma-separated: each search's result, or its
/// `{error, hint}` when it cannot run.
fn batch_part(
    engine: &warta::search::Engine,
    run: Vec<Result<SearchOptions, ApiError>>,
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    for (i, options) in run.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let answered = options.and_then(|o| Ok(engine.search(&o)?));
        match answered {
            Ok(hits) => out.extend(json(&SearchJson::new(&shown(hits)))?),
            Err(err @ ApiError::BadRequest { .. }) => {
                let (error, hint) = err.message();
                out.extend(json(&ErrorJson::new(&error, hint.as_deref()))?);
            }
            Err(err) => return Err(err),
        }
    }
    Ok(out)
}

/// `GET /api/articles/{id}`: as `warta show --json` (by id or the article's path).
pub async fn article(
    Shared(state): Shared<Arc<State>>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(bad_path)?;
    let body = state
        .run(move |engine| {
            let mut article = engine.get(&id)?;
            article.path = warta::walk::shown_str(&article.path);
            json(&ArticleJson::new(&article))
        })
        .await?;
    Ok(answer(body))
}

/// `GET /api/similar/{id}?limit=N`: as `warta similar --json`.
pub async fn similar(
    Shared(state): Shared<Arc<State>>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(bad_path)?;
    let limit = similar_limit(&pairs(raw.as_deref())?)?;
    let body = state
        .run(move |engine| json(&SearchJson::new(&shown(engine.similar(&id, limit)?))))
        .await?;
    Ok(answer(body))
}

/// The `limit` of a `similar` request: 10 unless given, at most [`MAX_LIMIT`].
pub fn similar_limit(pairs: &[(String, String)]) -> Result<usize, ApiError> {
    let mut limit = 10;
    for (key, value) in pairs {
        match key.as_str() {
            "limit" => {
                limit = value.parse().map_err(|_| {
                    ApiError::bad(format!("limit={value:?} is not a number"), "limit=10")
                })?
            }
            _ => {
                return Err(ApiError::bad(
                    format!("unknown parameter {key:?}"),
                    "limit=N",
                ))
            }
        }
    }
    if limit > MAX_LIMIT {
        return Err(ApiError::bad(
            format!("limit {limit} is more than {MAX_LIMIT}"),
            format!("limit={MAX_LIMIT}"),
        ));
    }
    Ok(limit)
}

/// `GET /api/stats`: as `warta stats --json`, the index named by its folder's name only (the
/// server's paths are not the reader's business).
pub async fn stats(Shared(state): Shared<Arc<State>>) -> Result<Response, ApiError> {
    let body = state
        .run(|engine| {
            let mut stats = engine.stats()?;
            stats.index_dir = stats.index_dir.file_name().unwrap_or_default().into();
            json(&StatsJson::new(&stats))
        })
        .await?;
    Ok(answer(body))
}

/// Any other path.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such page".to_string())
}

/// A route asked with a method it does not take.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// A path segment that could not be read (not UTF-8 once decoded).
pub fn bad_path(_: PathRejection) -> ApiError {
    ApiError::bad(
        "the path is not UTF-8 once percent-decoded",
        "percent-encode the UTF-8 bytes of the id",
    )
}

/// A JSON shape as bytes.
fn json(shape: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(shape).map_err(|_| ApiError::Internal)
}

/// A 200 with a JSON body.
fn answer(body: Vec<u8>) -> Response {
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}

/// Hits with their paths as the CLI shows them (relative to where the server runs when below
/// it), so that the API answers as `warta search --json` does.
fn shown(mut hits: warta::search::Hits) -> warta::search::Hits {
    crate::render::show_paths(&mut hits);
    hits
}
