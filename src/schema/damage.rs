//! Damage: an index whose files are not what tantivy wrote. Every segment file ends with a
//! checksum of its bytes, so an index is verified before it is read: a flipped byte in a
//! posting list, a term dictionary or the docstore would make tantivy panic on some queries,
//! and one in the field norms or fast fields would silently change the ranking.
//!
//! Verifying reads every byte of the segments, a cost that grows with the index and that a
//! search of a large one should not pay each time. So the check is made once per file: `warta
//! index` verifies the files of its last commit and lists them, with their length and
//! modification time, in [`VERIFIED`]; an open verifies only the files not listed as they are
//! now (a file written again, copied without its times, or new), and writes nothing, so that a
//! read-only index opens. A byte that rots in place, leaving the time as it was, is found by
//! `warta check`, which verifies every file whatever the list says, and in the field norms and
//! fast fields by every open (see [`ALWAYS_VERIFIED`]); a search may verify those beside its
//! first query rather than before it ([`Pending`]), as long as it answers only once they hold.
//!
//! An index is also damaged when its meta.json is gone or unreadable while segment files are
//! still there: nothing then says which of them make the index, so nothing may be deleted.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use tantivy::directory::error::OpenReadError;
use tantivy::index::SegmentComponent;
use tantivy::{Index, IndexMeta};

use crate::error::{Error, Result};

/// The file in an index folder listing the segment files found intact, one a line as
/// `name length mtime` (see [`stamp`]).
pub const VERIFIED: &str = ".warta-verified";

/// The components every segment has, whatever its fields.
const COMPONENTS: [SegmentComponent; 6] = [
    SegmentComponent::Postings,
    SegmentComponent::Positions,
    SegmentComponent::Terms,
    SegmentComponent::Store,
    SegmentComponent::FastFields,
    SegmentComponent::FieldNorms,
];

/// The segment files verified at every open, whatever the list says: a byte that rots in place
/// in them changes answers without a sign (a field norm makes a document score as longer or
/// shorter, a fast field moves its date, its story or its file), where rot in the postings,
/// positions, terms or docstore mostly shows as an error, and they are small (about 15 bytes
/// of field norms and 50 of fast fields per article).
const ALWAYS_VERIFIED: [SegmentComponent; 2] =
    [SegmentComponent::FieldNorms, SegmentComponent::FastFields];
/// Bytes of [`ALWAYS_VERIFIED`] files an open verifies at most: verifying costs about 0.37 ms
/// of CPU per MiB (`warta check` of a 10,000-article index, benches/RESULTS.md), so at most
/// about 3 ms per open, which an index of some 125,000 articles reaches (0.25 ms at 10,000).
/// Beyond it those files are verified as the others are (once, then by `warta check`).
const ALWAYS_VERIFIED_BYTES: u64 = 8 << 20;

/// What a look at the files of a commit found.
struct Look {
    /// Files missing or failing their checksum.
    damaged: Vec<String>,
    /// Stamps of the files intact (verified now, or listed as verified and unchanged).
    intact: Vec<String>,
    /// Files of [`ALWAYS_VERIFIED`], listed and unchanged, left to verify later.
    deferred: Vec<PathBuf>,
}

/// Looks at the files of `index`'s last commit (in `dir`), verifying those whose stamp is not
/// in `known`; with `defer`, the [`ALWAYS_VERIFIED`] ones listed in it are left for later.
fn look(index: &Index, dir: &Path, known: &HashSet<String>, defer: bool) -> Result<Look> {
    let metas = index.load_metas()?;
    let mut found = Look {
        damaged: Vec::new(),
        intact: Vec::new(),
        deferred: Vec::new(),
    };
    let always = always_verified(&metas, dir);
    for path in segment_files(&metas) {
        let name = path.display().to_string();
        let Some(stamp) = stamp(dir, &name) else {
            found.damaged.push(name);
            continue;
        };
        let listed = known.contains(&stamp);
        if listed && defer && always.contains(&path) {
            found.deferred.push(path);
            continue;
        }
        let trusted = listed && !always.contains(&path);
        if trusted || checksum_holds(index, &path)? {
            found.intact.push(stamp);
        } else {
            found.damaged.push(name);
        }
    }
    Ok(found)
}

/// The [`ALWAYS_VERIFIED`] files of a commit, when together they are within
/// [`ALWAYS_VERIFIED_BYTES`] (else none).
fn always_verified(metas: &IndexMeta, dir: &Path) -> HashSet<PathBuf> {
    let files: HashSet<PathBuf> = metas
        .segments
        .iter()
        .flat_map(|segment| ALWAYS_VERIFIED.map(|component| segment.relative_path(component)))
        .collect();
    let bytes: u64 = files
        .iter()
        .filter_map(|path| std::fs::metadata(dir.join(path)).ok())
        .map(|meta| meta.len())
        .sum();
    if bytes <= ALWAYS_VERIFIED_BYTES {
        files
    } else {
        HashSet::new()
    }
}

/// Whether the file at `path` of `index` holds the bytes its checksum was made of.
fn checksum_holds(index: &Index, path: &Path) -> Result<bool> {
    match index.directory().validate_checksum(path) {
        Ok(intact) => Ok(intact),
        // A missing file, or one too short to hold its footer.
        Err(OpenReadError::FileDoesNotExist(_)) | Err(OpenReadError::IoError { .. }) => Ok(false),
        Err(other) => Err(tantivy::TantivyError::from(other).into()),
    }
}

/// `name length mtime` of the file `name` in `dir`, or None when it cannot be read.
fn stamp(dir: &Path, name: &str) -> Option<String> {
    let meta = std::fs::metadata(dir.join(name)).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!("{name} {} {}", meta.len(), mtime.as_nanos()))
}

/// The stamps listed in `dir`'s [`VERIFIED`] (none when it is missing or unreadable).
fn verified_before(dir: &Path) -> HashSet<String> {
    std::fs::read_to_string(dir.join(VERIFIED))
        .map(|text| text.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// The files of `index`'s last commit that are missing or fail their checksum, by name,
/// verifying every one.
pub fn damaged_files(index: &Index, dir: &Path) -> Result<Vec<String>> {
    Ok(look(index, dir, &HashSet::new(), false)?.damaged)
}

/// Refuses `index` (in `dir`) when a file of its last commit is missing or damaged, verifying
/// the files not listed in [`VERIFIED`] as they are now. With `defer`, the [`ALWAYS_VERIFIED`]
/// files listed and unchanged are not verified yet but returned, for the caller to verify
/// beside its first search; without, they are verified now and none are returned.
pub fn verify(index: &Index, dir: &Path, defer: bool) -> Result<Pending> {
    let found = look(index, dir, &verified_before(dir), defer)?;
    match found.damaged.into_iter().next() {
        Some(file) => Err(Error::Damaged {
            dir: dir.to_path_buf(),
            file,
        }),
        None => Ok(Pending {
            index: index.clone(),
            files: found.deferred,
        }),
    }
}

/// Files of an opened index still to verify (see [`verify`]): the field norms and fast fields,
/// whose rot in place changes answers without a sign, checked on another core while the first
/// search runs, which then answers only once they hold. Rot elsewhere shows when it makes
/// tantivy fail (`warta check` finds the rest).
pub struct Pending {
    index: Index,
    files: Vec<PathBuf>,
}

impl Pending {
    /// Whether nothing is left to verify.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The first file that fails its checksum, if any. A file gone since the open is not
    /// damage: a writer's commit replaced it, and the searcher already holds it open.
    pub fn damaged(&self) -> Option<String> {
        self.files.iter().find_map(
            |path| match self.index.directory().validate_checksum(path) {
                Ok(true) | Err(OpenReadError::FileDoesNotExist(_)) => None,
                Ok(false) | Err(_) => Some(path.display().to_string()),
            },
        )
    }
}

/// Verifies the files of the last commit of the index in `dir` not yet listed, and lists the
/// intact ones in [`VERIFIED`] (written beside and renamed, so a reader sees one list or the
/// other). Called by `index` after it commits; a list that cannot be written only means the
/// next open verifies more.
pub fn record_verified(index: &Index, dir: &Path) -> Result<()> {
    let before = verified_before(dir);
    let found = look(index, dir, &before, false)?;
    let now: HashSet<String> = found.intact.iter().cloned().collect();
    if now == before {
        return Ok(());
    }
    let mut text = found.intact.join("\n");
    text.push('\n');
    let temporary = dir.join(format!("{VERIFIED}.new"));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .and_then(|()| std::fs::rename(&temporary, dir.join(VERIFIED)));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    Ok(())
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
    name.split_once('.')
        .is_some_and(|(stem, _)| stem.len() == 32 && stem.chars().all(|c| c.is_ascii_hexdigit()))
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
    health.damaged = damaged_files(&index, dir)?;
    Ok(health)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of one segment holding one document, in `dir`.
    fn one_segment(dir: &Path) -> Index {
        let (index, fields) = super::super::create_index(dir).unwrap();
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15 << 20).unwrap();
        writer
            .add_document(tantivy::doc!(fields.id => "a1", fields.title => "A title"))
            .unwrap();
        writer.commit().unwrap();
        index
    }

    #[test]
    fn a_listed_file_is_verified_again_once_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let index = one_segment(dir.path());
        assert!(verify(&index, dir.path(), false).is_ok());
        record_verified(&index, dir.path()).unwrap();
        let listed = verified_before(dir.path());
        assert_eq!(listed.len(), COMPONENTS.len());

        let store = segment_files(&index.load_metas().unwrap())
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "store"))
            .unwrap();
        let path = dir.path().join(&store);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[0] ^= 0xff;
        std::fs::write(&path, bytes).unwrap();
        let Err(Error::Damaged { file, .. }) = verify(&index, dir.path(), false) else {
            panic!("a changed file passed as listed");
        };
        assert_eq!(file, store.display().to_string());
        assert_eq!(damaged_files(&index, dir.path()).unwrap(), vec![file]);
        // What is damaged is not listed.
        record_verified(&index, dir.path()).unwrap();
        assert_eq!(verified_before(dir.path()).len(), COMPONENTS.len() - 1);
    }

    #[test]
    fn rot_in_place_in_the_field_norms_is_found_now_or_beside_the_first_search() {
        let dir = tempfile::tempdir().unwrap();
        let index = one_segment(dir.path());
        record_verified(&index, dir.path()).unwrap();
        let pending = verify(&index, dir.path(), true).unwrap();
        assert_eq!(pending.files.len(), ALWAYS_VERIFIED.len());
        assert_eq!(pending.damaged(), None);
        assert!(verify(&index, dir.path(), false).unwrap().is_empty());

        // A byte flips and the file keeps its length and time: still listed as verified.
        let norms = segment_files(&index.load_metas().unwrap())
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "fieldnorm"))
            .unwrap();
        let path = dir.path().join(&norms);
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[0] ^= 0xff;
        std::fs::write(&path, bytes).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(modified).unwrap();
        let name = norms.display().to_string();
        let Err(Error::Damaged { file, .. }) = verify(&index, dir.path(), false) else {
            panic!("rot in the field norms passed an open");
        };
        assert_eq!(file, name);
        let pending = verify(&index, dir.path(), true).unwrap();
        assert_eq!(pending.damaged(), Some(name));
    }

    #[test]
    fn segment_files_are_told_by_their_names() {
        assert!(is_segment_file_name("0123456789abcdef0123456789abcdef.idx"));
        assert!(is_segment_file_name(
            "0123456789abcdef0123456789abcdef.7.del"
        ));
        assert!(!is_segment_file_name("meta.json"));
        assert!(!is_segment_file_name("notes.txt"));
    }
}
