//! warta: full-text search for tech news in English and Indonesian, on tantivy.
//!
//! Indexing flows walk → ingest → schema → index; searching flows query → search → render.
//! Every capability is a library call taking a plain options struct, so tests and scripts
//! reach what the CLI reaches.

pub mod article;
pub mod common;
pub mod error;
pub mod index;
pub mod ingest;
pub mod query;
pub mod report;
pub mod schema;
pub mod search;
pub mod walk;

pub use article::{Article, Published};
pub use error::{Error, Result};
