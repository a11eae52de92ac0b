//! Errors a caller of the library can act on; the CLI adds context and turns them into one line.

use std::path::PathBuf;

/// What went wrong in a library call, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No index has been built at the given directory yet.
    #[error("no index at {}", .0.display())]
    IndexNotFound(PathBuf),
    /// The index was built by an incompatible version of warta.
    #[error("this index ({}) was built by another version of warta", .0.display())]
    SchemaMismatch(PathBuf),
    /// A file of the index is missing or is not what was written (its checksum fails), or its
    /// meta.json is gone while its segments remain.
    #[error("the index in {} is damaged ({file})", .dir.display())]
    Damaged {
        /// The index directory.
        dir: PathBuf,
        /// The first file found damaged, relative to `dir`.
        file: String,
    },
    /// Another process holds the index writer lock.
    #[error("index is being written by another process")]
    IndexLocked,
    /// The query could not be understood.
    #[error("bad query: {message} (at character {pos})")]
    BadQuery {
        /// What is wrong.
        message: String,
        /// Character offset (0-based) into the query where the problem is.
        pos: usize,
    },
    /// The query would cost more memory or time than a search may take (a long phrase with a
    /// large slop, groups nested too deep); it is refused before it runs.
    #[error("query too costly: {0}")]
    QueryTooCostly(String),
    /// No article with that id or path is in the index.
    #[error("no article with id or path {0}")]
    ArticleNotFound(String),
    /// The index's record of what it was built from (its last commit's payload) does not
    /// parse, so the paths and field maps of earlier runs are unknown.
    #[error("the index's record of the paths it was built from does not parse: {0}")]
    PayloadUnreadable(String),
    /// What the index must remember of this run (its paths and field maps) cannot be written,
    /// e.g. a path that is not valid UTF-8.
    #[error("cannot record the paths indexed: {0}")]
    PayloadUnwritable(String),
    /// A path given to forget that is not a root the index tracks.
    #[error("{} is not a folder or file this index tracks", .0.display())]
    NotARoot(PathBuf),
    /// An error from the search engine library (converted in `schema`, which owns tantivy).
    #[error(transparent)]
    Engine(Box<dyn std::error::Error + Send + Sync>),
    /// An I/O error.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Error {
    /// A one-line suggestion for the user, where there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::IndexNotFound(_) => Some("build one with `warta index PATH`"),
            Error::SchemaMismatch(_) => Some("run `warta index --rebuild`"),
            Error::Damaged { .. } => Some("run warta index --rebuild"),
            Error::IndexLocked => Some("wait for the other `warta index` to finish"),
            // The date message lists the forms a date may take; the hint says what to change.
            Error::BadQuery { message, .. } if message.contains("not a date") => {
                Some("write dates as ISO years, months or days, e.g. 2025, 2025-08, 2025-08-29")
            }
            Error::BadQuery { message, .. } if message.contains("nothing to search for") => {
                Some("give a word to search for; quote an operator to search for it, e.g. \"AND\"")
            }
            Error::BadQuery { .. } => {
                Some("quote words with special characters, e.g. \"re:invent\"")
            }
            Error::NotARoot(_) => Some("`warta roots` lists the tracked ones"),
            Error::QueryTooCostly(_) => {
                Some("use fewer words in a ~phrase, a smaller ~slop, or fewer nested groups")
            }
            Error::ArticleNotFound(_) => Some("ids and paths are shown by `warta search`"),
            Error::PayloadUnreadable(_) => Some("rebuild it with `warta index --rebuild PATH`"),
            _ => None,
        }
    }
}

/// Result with the library's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
