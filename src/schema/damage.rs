//! Damage: an index whose files are not what tantivy wrote. Every segment file ends with a
//! checksum of its bytes, so an index is verified before it is read: a flipped byte in a
//! posting list, a term dictionary or the docstore would make tantivy panic on some queries,
//! and one in the field norms or fast fields would silently change the ranking. The check reads
//! every byte of the segments once per open; with the files mapped, that is the cost of
//! bringing them into the page cache, which the search would pay for most of them anyway.
//!
//! An index is also damaged when its meta.json is gone or unreadable while segment files are
//! still there: nothing then says which of them make the index, so nothing may be deleted.

use std::path::{Path, PathBuf};

use tantivy::directory::error::OpenReadError;
use tantivy::index::SegmentComponent;
use tantivy::{Index, IndexMeta};

use crate::error::{Error, Result};

/// The components every segment has, whatever its fields.
const COMPONENTS: [SegmentComponent; 6] = [
    SegmentComponent::Postings,
    SegmentComponent::Positions,
    SegmentComponent::Terms,
    SegmentComponent::Store,
    SegmentComponent::FastFields,
    SegmentComponent::FieldNorms,
];

/// The files of `index`'s last commit that are missing or fail their checksum, by name.
pub fn damaged_files(index: &Index) -> Result<Vec<String>> {
    let metas = index.load_metas()?;
    let mut damaged = Vec::new();
    for path in segment_files(&metas) {
        let intact = match index.directory().validate_checksum(&path) {
            Ok(intact) => intact,
            // A missing file, or one too short to hold its footer.
            Err(OpenReadError::FileDoesNotExist(_)) | Err(OpenReadError::IoError { .. }) => false,
            Err(other) => return Err(tantivy::TantivyError::from(other).into()),
        };
        if !intact {
            damaged.push(path.display().to_string());
        }
    }
    Ok(damaged)
}

/// Refuses `index` (in `dir`) when a file of its last commit is missing or damaged.
pub fn verify(index: &Index, dir: &Path) -> Result<()> {
    match damaged_files(index)?.into_iter().next() {
        Some(file) => Err(Error::Damaged {
            dir: dir.to_path_buf(),
            file,
        }),
        None => Ok(()),
    }
}

/// The files the segments of a commit are made of, in a stable order.
fn segment_files(metas: &IndexMeta) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for segment in &metas.segments {
        for component in COMPONENTS {
            files.push(segment.relative_path(component));
        }
        if segment.has_deletes() {
            files.push(segment.relative_path(SegmentComponent::Delete));
        }
    }
    files
}

/// Whether `dir` holds files named as tantivy names a segment's (a 32-digit hex id and an
/// extension): what is left of an index whose meta.json is gone.
pub fn holds_segment_files(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        name.to_str().is_some_and(is_segment_file_name)
    })
}

/// Whether `name` is the name of a segment file (`<32 hex digits>.<component>`).
pub fn is_segment_file_name(name: &str) -> bool {
    name.split_once('.').is_some_and(|(stem, _)| {
        stem.len() == 32 && stem.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// The damage named by an error of tantivy's met while opening or reading the index in `dir`,
/// if it names one: a file that should be there and is not, or data that does not decode.
pub fn as_damage(err: &tantivy::TantivyError, dir: &Path) -> Option<Error> {
    use tantivy::TantivyError as T;
    let file = match err {
        T::OpenReadError(OpenReadError::FileDoesNotExist(path)) => path.display().to_string(),
        T::DataCorruption(corruption) => corrupted_file(corruption),
        _ => return None,
    };
    Some(Error::Damaged {
        dir: dir.to_path_buf(),
        file,
    })
}

/// The file a `DataCorruption` names (it offers it only through its `Debug` text); meta.json,
/// the one file read without a segment, when it names none.
fn corrupted_file(corruption: &tantivy::error::DataCorruption) -> String {
    let text = format!("{corruption:?}");
    text.split_once("(in file `")
        .and_then(|(_, rest)| rest.split_once("`)"))
        .map_or_else(
            || "meta.json".to_string(),
            |(file, _)| file.trim_matches('"').to_string(),
        )
}

/// What `warta check` reports of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// The files found missing or damaged (empty when the index is intact).
    pub damaged: Vec<String>,
    /// Articles in the index, when its meta.json can be read.
    pub articles: Option<u64>,
    /// Segments of its last commit, when its meta.json can be read.
    pub segments: Option<usize>,
    /// The schema version its last commit names, if it names one.
    pub schema_version: Option<u64>,
}

/// Reads every file of the index in `dir` and reports its state; writes nothing. An index
/// built by another version of warta is still checked (its files carry the same checksums).
pub fn inspect(dir: &Path) -> Result<Health> {
    let mut health = Health {
        damaged: Vec::new(),
        articles: None,
        segments: None,
        schema_version: None,
    };
    if !super::index_exists(dir) {
        if holds_segment_files(dir) {
            health.damaged.push("meta.json".to_string());
            return Ok(health);
        }
        return Err(Error::IndexNotFound(dir.to_path_buf()));
    }
    let directory = super::read_only::ReadOnlyDirectory::open(dir).map_err(Error::from)?;
    health.schema_version = super::version::read_version(&directory);
    let index = match Index::open(directory) {
        Ok(index) => index,
        Err(err) => match as_damage(&err, dir) {
            Some(Error::Damaged { file, .. }) => {
                health.damaged.push(file);
                return Ok(health);
            }
            _ => return Err(err.into()),
        },
    };
    let metas = index.load_metas()?;
    health.segments = Some(metas.segments.len());
    health.articles = Some(metas.segments.iter().map(|s| u64::from(s.num_docs())).sum());
    health.damaged = damaged_files(&index)?;
    Ok(health)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_files_are_told_by_their_names() {
        assert!(is_segment_file_name("0123456789abcdef0123456789abcdef.idx"));
        assert!(is_segment_file_name("0123456789abcdef0123456789abcdef.7.del"));
        assert!(!is_segment_file_name("meta.json"));
        assert!(!is_segment_file_name("notes.txt"));
    }
}
