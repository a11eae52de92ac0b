//! End-to-end tests: the built `warta` binary run in temporary folders with a scrubbed
//! environment, as a user or a script would run it. One test binary, several modules.
//!
//! Tests named `shared_*` read the public corpora in `../shared` and are `#[ignore]`d, so the
//! README's `cargo test` passes on a lone clone; `.ci/run` runs them with `--ignored`.
mod batch;
mod browser;
mod cli;
mod count;
mod damage;
mod dates;
mod escapes;
mod export;
mod feeds;
mod formats;
mod fuzz;
mod golden;
mod hostile;
mod index;
mod json;
mod messages;
mod notices;
mod output;
mod paths;
mod query;
mod readme;
mod scale;
mod serve;
mod serve_hostile;
mod serve_judged;
mod shared;
mod shared_relevance;
mod ship;
mod signals;
mod snippets;
mod sources;
mod trend;
mod typos;
mod urls;
mod util;
mod warc;
mod watch;
mod webdriver;
