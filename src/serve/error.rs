//! The API's one error type: each failure maps to a status and the JSON `{error, hint}`, once,
//! here. Messages name what was asked, never a path of the server's machine.

use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use warta::query::dates::OptionError;

use crate::render::json::ErrorJson;

/// Why a request was not answered.
#[derive(Debug)]
pub enum ApiError {
    /// A bad query or parameter (400).
    BadRequest {
        /// What is wrong.
        error: String,
        /// What to do instead.
        hint: Option<String>,
    },
    /// No article with that id or path, or no such page (404).
    NotFound(String),
    /// A method the route does not take (405).
    MethodNotAllowed,
    /// The request body is larger than the server reads (413).
    BodyTooLarge,
    /// The request target is longer than the server reads (414).
    UriTooLong,
    /// No index to search yet (503).
    NoIndex,
    /// The index cannot be opened by this version (503).
    IndexUnusable(&'static str),
    /// The request ran past its time budget (503).
    OverBudget,
    /// Anything else; the details stay in the server's log (500).
    Internal,
}

impl ApiError {
    /// A 400 with a message and a hint.
    pub fn bad(error: impl Into<String>, hint: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            error: error.into(),
            hint: Some(hint.into()),
        }
    }

    /// The status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UriTooLong => StatusCode::URI_TOO_LONG,
            ApiError::NoIndex | ApiError::IndexUnusable(_) | ApiError::OverBudget => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message and hint of the JSON body.
    pub fn message(&self) -> (String, Option<String>) {
        let text = |error: &str, hint: &str| (error.to_string(), Some(hint.to_string()));
        match self {
            ApiError::BadRequest { error, hint } => (error.clone(), hint.clone()),
            ApiError::NotFound(what) => (what.clone(), None),
            ApiError::MethodNotAllowed => text(
                "method not allowed",
                "the API is read-only: GET, and POST for /api/search/batch",
            ),
            ApiError::BodyTooLarge => text(
                "request body too large",
                "send fewer queries per batch (the body may hold 1 MiB)",
            ),
            ApiError::UriTooLong => text(
                "request URL too long",
                "shorten the query (the URL may hold 8 KiB)",
            ),
            ApiError::NoIndex => text(
                "no index yet",
                "build one with `warta index PATH`; the server picks it up",
            ),
            ApiError::IndexUnusable(hint) => text("the index cannot be read", hint),
            ApiError::OverBudget => text(
                "the request took too long and was cut off",
                "narrow the query: fewer words, a date range, or a smaller limit",
            ),
            ApiError::Internal => ("internal error".to_string(), None),
        }
    }
}

impl From<warta::Error> for ApiError {
    fn from(err: warta::Error) -> Self {
        let hint = err.hint().map(str::to_string);
        match err {
            warta::Error::BadQuery { .. } | warta::Error::QueryTooCostly(_) => {
                ApiError::BadRequest {
                    error: err.to_string(),
                    hint,
                }
            }
            warta::Error::ArticleNotFound(_) => ApiError::NotFound(err.to_string()),
            warta::Error::IndexNotFound(_) => ApiError::NoIndex,
            warta::Error::SchemaMismatch(_) | warta::Error::PayloadUnreadable(_) => {
                ApiError::IndexUnusable("rebuild it with `warta index --rebuild PATH`")
            }
            warta::Error::Damaged { .. } => {
                // Which file, and where: the server's log says, not the answer.
                crate::render::messages::warn(format_args!("serve: {err}"));
                ApiError::IndexUnusable(
                    "a file of the index is damaged: `warta check` names it, `warta index \
                     --rebuild PATH` repairs it",
                )
            }
            other => {
                // The server's own log may name its paths; the answer does not.
                crate::render::messages::warn(format_args!("serve: {other}"));
                ApiError::Internal
            }
        }
    }
}

impl From<OptionError> for ApiError {
    fn from(err: OptionError) -> Self {
        ApiError::BadRequest {
            error: err.message,
            hint: Some(err.hint),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (error, hint) = self.message();
        let body = serde_json::to_vec(&ErrorJson::new(&error, hint.as_deref()))
            .unwrap_or_else(|_| br#"{"error":"internal error","hint":null}"#.to_vec());
        (self.status(), [(CONTENT_TYPE, "application/json")], body).into_response()
    }
}
