//! The schema version an index was built with. Every commit writes it into the commit payload
//! (`index`), and an index that names another one was built by another version of warta: its
//! fields may match ours while their analysis does not, so it is refused on open rather than
//! searched with the wrong stemmer.

use std::path::Path;

use tantivy::Index;

use super::SCHEMA_VERSION;
use crate::error::{Error, Result};

/// Refuses an index whose last commit names a schema version other than [`SCHEMA_VERSION`].
/// An index with no payload yet (created, never committed) or one that names no version
/// passes: nothing says it is another version's.
pub fn check_version(index: &Index, dir: &Path) -> Result<()> {
    let metas = index.load_metas()?;
    match payload_version(metas.payload.as_deref()) {
        Some(version) if version != u64::from(SCHEMA_VERSION) => {
            Err(Error::SchemaMismatch(dir.to_path_buf()))
        }
        _ => Ok(()),
    }
}

/// The `schema` number a commit payload names, if it names one.
fn payload_version(payload: Option<&str>) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(payload?).ok()?;
    value.get("schema")?.as_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_names_the_version() {
        assert_eq!(payload_version(Some(r#"{"schema":3,"roots":[]}"#)), Some(3));
        assert_eq!(payload_version(Some(r#"{"roots":[]}"#)), None);
        assert_eq!(payload_version(Some("not json")), None);
        assert_eq!(payload_version(None), None);
    }

    #[test]
    fn an_index_committed_by_another_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (index, _) = super::super::create_index(dir.path()).unwrap();
        assert!(check_version(&index, dir.path()).is_ok());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15 << 20).unwrap();
        let mut commit = writer.prepare_commit().unwrap();
        let other = SCHEMA_VERSION + 1;
        commit.set_payload(&format!(r#"{{"schema":{other},"roots":[]}}"#));
        commit.commit().unwrap();
        assert!(matches!(
            check_version(&index, dir.path()),
            Err(Error::SchemaMismatch(_))
        ));
    }
}
