//! `warta serve`: the index over HTTP, a JSON API for scripts and a search page for people.
//!
//! Handlers are thin, like commands: they read parameters into the options the CLI builds (the
//! one mapping, `commands::search::search_options`), run the engine off the async threads with
//! a time budget (`state`), and answer with the CLI's own JSON shapes (`render::json`) or the
//! page templates (`page`). This module knows HTTP and the engine's public API, nothing of
//! tantivy.

mod api;
pub mod error;
mod histogram;
mod page;
pub mod params;
mod state;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use axum::extract::{DefaultBodyLimit, Request, State as Shared};
use axum::http::header::{
    CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::CorsLayer;

use crate::cli::ServeArgs;
use crate::commands::Context;
use crate::exit_codes::ExitCode;
use crate::render::messages::{note, warn};
use crate::render::sanitize;
use error::ApiError;
use state::State;

/// The longest request target (path and query) answered; longer ones get 414.
const MAX_URI_BYTES: usize = 8 * 1024;
/// The largest request body read (`POST /api/search/batch`); larger ones get 413.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// No script runs on the pages, from anywhere: they work without one, and an article's own
/// markup can never run even if an escape were missed. Styles come only from `/style.css`.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   base-uri 'none'; frame-ancestors 'none'";

/// Runs `warta serve` until SIGINT or SIGTERM.
pub fn run(ctx: &Context, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(ctx, args))?;
    Ok(ExitCode::Success)
}

async fn serve(ctx: &Context, args: ServeArgs) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        warn(format_args!(
            "listening on {addr}, not on loopback: anyone who can reach it can read the whole index"
        ));
    }
    if !ctx.quiet && !warta::schema::index_exists(&ctx.index_dir) {
        note(format_args!(
            "no index yet in {}; searches answer 503 until `warta index` builds one",
            ctx.index_dir.display()
        ));
    }
    let state = Arc::new(State::new(ctx.index_dir.clone(), args.log));
    let app = router(state, args.cors.as_deref())?;
    print_url(addr)?;
    axum::serve(listener, app)
        .with_graceful_shutdown(stopped())
        .await?;
    Ok(())
}

/// Says where the server listens, on stdout, at once (tests and scripts read it there).
fn print_url(addr: SocketAddr) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{addr}/")?;
    out.flush()
}

/// Every route, behind the guard that bounds the request and sets the security headers.
fn router(state: Arc<State>, cors: Option<&str>) -> anyhow::Result<Router> {
    let mut app = Router::new()
        .route("/", get(page::search))
        .route("/articles/{id}", get(page::article))
        .route("/similar/{id}", get(page::similar))
        .route("/style.css", get(page::style))
        .route("/api/search", get(api::search))
        .route("/api/search/batch", post(api::batch))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/similar/{id}", get(api::similar))
        .route("/api/stats", get(api::stats))
        .route("/api/trend", get(api::trend))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state);
    if let Some(origin) = cors {
        let origin = HeaderValue::from_str(origin)
            .with_context(|| format!("--cors {origin:?} is not a valid origin"))?;
        app = app.layer(
            CorsLayer::new()
                .allow_origin(origin)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([CONTENT_TYPE]),
        );
    }
    Ok(app)
}

/// Refuses over-long request targets and bodies, adds the security headers to every response, and
/// writes the access log line when asked.
async fn guard(Shared(state): Shared<Arc<State>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let target = request.uri().to_string();
    // A body announced as too large is refused before any of it is read or waited for.
    let announced = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let mut response = if target.len() > MAX_URI_BYTES {
        ApiError::UriTooLong.into_response()
    } else if announced.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        ApiError::BodyTooLarge.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.log {
        let shown: String = target.chars().take(200).collect();
        eprintln!(
            "{method} {} {} {:.1}ms",
            sanitize(&shown),
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    response
}

/// Resolves on SIGINT or SIGTERM; the server then finishes the requests in flight and stops.
async fn stopped() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}
