//! The schema version an index was built with. Every commit writes it into the commit payload
//! (`index`), and an index that names another one was built by another version of warta: its
//! fields may match ours while their analysis does not, so it is refused on open rather than
//! searched with the wrong stemmer.

use std::path::Path;

use serde::Deserialize;
use tantivy::directory::Directory;

use super::SCHEMA_VERSION;
use crate::error::{Error, Result};

/// The one part of tantivy's meta.json read here. Parsing it alone skips the schema and segment
/// list, which tantivy parses again when it opens the index: every `warta search` opens one.
#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    payload: Option<String>,
}

/// Refuses the index in `directory` (a view of `dir`) when its last commit names a schema
/// version other than [`SCHEMA_VERSION`]. An index with no payload yet (created, never
/// committed) or one that names no version passes: nothing says it is another version's. A
/// meta.json that does not parse is left for tantivy to report.
pub fn check_version(directory: &dyn Directory, dir: &Path) -> Result<()> {
    let bytes = directory
        .atomic_read(Path::new("meta.json"))
        .map_err(tantivy::TantivyError::from)?;
    let Ok(meta) = serde_json::from_slice::<Meta>(&bytes) else {
        return Ok(());
    };
    match payload_version(meta.payload.as_deref()) {
        Some(version) if version != u64::from(SCHEMA_VERSION) => {
            Err(Error::SchemaMismatch(dir.to_path_buf()))
        }
        _ => Ok(()),
    }
}

/// The schema version the last commit of the index in `directory` names, if it names one.
pub fn read_version(directory: &dyn Directory) -> Option<u64> {
    let bytes = directory.atomic_read(Path::new("meta.json")).ok()?;
    let meta: Meta = serde_json::from_slice(&bytes).ok()?;
    payload_version(meta.payload.as_deref())
}

/// The `schema` number a commit payload names, if it names one.
fn payload_version(payload: Option<&str>) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(payload?).ok()?;
    value.get("schema")?.as_u64()
}

#[cfg(test)]
mod tests {
    use tantivy::directory::MmapDirectory;

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
        let directory = MmapDirectory::open(dir.path()).unwrap();
        assert!(check_version(&directory, dir.path()).is_ok());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15 << 20).unwrap();
        let mut commit = writer.prepare_commit().unwrap();
        commit.set_payload(&format!(r#"{{"schema":{SCHEMA_VERSION},"roots":[]}}"#));
        commit.commit().unwrap();
        assert!(check_version(&directory, dir.path()).is_ok());
        let mut commit = writer.prepare_commit().unwrap();
        let other = SCHEMA_VERSION + 1;
        commit.set_payload(&format!(r#"{{"schema":{other},"roots":[]}}"#));
        commit.commit().unwrap();
        assert!(matches!(
            check_version(&directory, dir.path()),
            Err(Error::SchemaMismatch(_))
        ));
    }
}
