//! What an index remembers between runs and when it commits: the payload of each commit
//! records the paths and field maps the index was built from, so that a later `warta index`
//! with no paths knows what to walk and how each root's records are named.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::Index;

use super::Writer;
use crate::error::{Error, Result};
use crate::ingest::FieldMap;
use crate::schema;

/// What the index remembers between runs, in its commit payload (JSON).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Payload {
    /// The schema version the index was built with.
    pub schema: u32,
    /// The canonical paths the index was built from.
    pub roots: Vec<PathBuf>,
    /// The field map each root was read with, where it was not the default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(PathBuf, FieldMap)>,
    /// Files that failed (wholly or in some records), so that later runs report them again
    /// until they change: a file whose other records were indexed is skipped as unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
}

/// What failed in one file, as of the content it had.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Failure {
    /// The file's key (canonical path).
    pub key: String,
    /// Hash of the content that failed.
    pub hash: u64,
    /// Each failure: what follows the file's path (`#N` for a record, else nothing), and why.
    pub failed: Vec<(String, String)>,
}

impl Payload {
    /// A payload of this schema version with no roots yet.
    pub fn new() -> Payload {
        Payload {
            schema: schema::SCHEMA_VERSION,
            ..Payload::default()
        }
    }

    /// Reads the payload of the index's last commit. An index that was never committed with
    /// one (just created) remembers nothing; one whose payload does not parse is an error, not
    /// an index that forgot its roots.
    pub fn read(index: &Index) -> Result<Payload> {
        match index.load_metas()?.payload {
            None => Ok(Payload::default()),
            Some(text) => Payload::parse(&text),
        }
    }

    /// Parses a payload as a commit stored it.
    pub fn parse(text: &str) -> Result<Payload> {
        serde_json::from_str(text).map_err(|err| Error::PayloadUnreadable(err.to_string()))
    }

    /// The payload as a commit stores it; a path that JSON cannot hold (not valid UTF-8) is an
    /// error rather than an empty payload that would forget every root.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|err| Error::PayloadUnwritable(err.to_string()))
    }

    /// The field map `root` was read with (the default where none was recorded).
    pub fn fields_of(&self, root: &Path) -> FieldMap {
        self.fields
            .iter()
            .find(|(r, _)| r == root)
            .map(|(_, map)| map.clone())
            .unwrap_or_default()
    }
}

/// Commits a run's work with its payload: whenever `every` has passed since the last commit
/// (so that a crash loses at most that much work; the caller asks [`Committer::due`]), and
/// once at the end.
pub(super) struct Committer {
    /// The payload, serialized at each commit (the failures met grow it during the run).
    payload: Payload,
    every: Duration,
    last: Instant,
}

impl Committer {
    /// A committer that records `payload`; fails before anything is committed if the payload
    /// cannot be serialized.
    pub fn new(payload: &Payload, every: Duration) -> Result<Committer> {
        payload.to_json()?;
        Ok(Committer {
            payload: payload.clone(),
            every,
            last: Instant::now(),
        })
    }

    /// Remembers the failures of a file read in this run (the plan kept none of the file's
    /// earlier ones in the payload, and a run reads each file once).
    pub fn remember(&mut self, failure: Failure) {
        self.payload.failures.push(failure);
    }

    /// Whether the last commit is at least `every` old.
    pub fn due(&self) -> bool {
        self.last.elapsed() >= self.every
    }

    /// Commits everything added and deleted so far.
    pub fn commit(&mut self, writer: &mut Writer) -> Result<()> {
        let payload = self.payload.to_json()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.last = Instant::now();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> Payload {
        Payload {
            roots: vec![PathBuf::from("/news"), PathBuf::from("/feeds")],
            fields: vec![(
                PathBuf::from("/feeds"),
                FieldMap {
                    fields: Vec::new(),
                    columns: Some(vec!["title".into(), "body".into()]),
                },
            )],
            ..Payload::new()
        }
    }

    #[test]
    fn a_commit_records_the_payload_and_the_next_run_reads_it_back() {
        let (index, _) = schema::create_index_in_ram();
        assert_eq!(Payload::read(&index).unwrap(), Payload::default());
        let mut writer: Writer = index.writer_with_num_threads(1, 15 << 20).unwrap();
        let mut committer = Committer::new(&payload(), Duration::from_secs(3600)).unwrap();
        assert!(!committer.due(), "not due yet");
        assert_eq!(index.load_metas().unwrap().payload, None);
        committer.commit(&mut writer).unwrap();
        let read = Payload::read(&index).unwrap();
        assert_eq!(read, payload());
        assert_eq!(read.fields_of(Path::new("/feeds")), payload().fields[0].1);
        assert_eq!(read.fields_of(Path::new("/news")), FieldMap::default());
    }

    #[test]
    fn a_payload_that_does_not_parse_is_an_error() {
        let (index, _) = schema::create_index_in_ram();
        let mut writer: Writer = index.writer_with_num_threads(1, 15 << 20).unwrap();
        let mut prepared = writer.prepare_commit().unwrap();
        prepared.set_payload("");
        prepared.commit().unwrap();
        let err = Payload::read(&index).unwrap_err();
        assert!(matches!(err, Error::PayloadUnreadable(_)), "{err}");
        assert!(err.hint().unwrap().contains("--rebuild"));
        for text in ["{", r#"{"schema": 3, "roots": "/news"}"#, "null"] {
            let err = Payload::parse(text).unwrap_err();
            assert!(matches!(err, Error::PayloadUnreadable(_)), "{text}: {err}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_payload_that_does_not_serialize_is_an_error_not_an_empty_commit() {
        use std::os::unix::ffi::OsStrExt;
        let root = PathBuf::from(std::ffi::OsStr::from_bytes(b"/news/\xff"));
        let bad = Payload {
            roots: vec![root],
            ..Payload::new()
        };
        let err = bad.to_json().unwrap_err();
        assert!(matches!(err, Error::PayloadUnwritable(_)), "{err}");
        assert!(Committer::new(&bad, Duration::ZERO).is_err());
    }
}
