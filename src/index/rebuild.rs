//! `--rebuild` of an index that is there: the new index is built in a hidden folder beside the
//! old one and the two are exchanged in one rename when it is done, so that a search opens the
//! old index or the new one, never a part of the new one (a rebuild commits as it goes), and an
//! interrupted or failed rebuild leaves the old index as it was.

use std::path::{Path, PathBuf};

use tantivy::directory::{Directory, DirectoryLock, MmapDirectory, INDEX_WRITER_LOCK};
use tantivy::Index;

use super::commit::Payload;
use super::{remove_index_files, IndexOptions, Phase, Progress};
use crate::error::Result;
use crate::schema;

/// The folder a rebuild is built in, and the old index's writer lock, held until the swap so
/// that no other run writes to the old index what the swap would drop.
pub(super) struct Beside {
    /// `.NAME.rebuild` beside the index.
    pub dir: PathBuf,
    _lock: DirectoryLock,
}

/// The folder beside `dir` that a rebuild of it is built in (`.NAME.rebuild`: hidden, so a walk
/// of a root holding both passes over it), emptied of what an earlier rebuild left.
pub(super) fn beside(dir: &Path) -> Result<Beside> {
    let lock = MmapDirectory::open(dir)
        .map_err(tantivy::TantivyError::from)?
        .acquire_lock(&INDEX_WRITER_LOCK)
        .map_err(|err| tantivy::TantivyError::LockFailure(err, None))?;
    let name = dir
        .file_name()
        .map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty());
    let beside = parent
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.rebuild"));
    if beside.is_dir() {
        remove_leftovers(&beside)?;
    }
    Ok(Beside {
        dir: beside,
        _lock: lock,
    })
}

/// What the old index in `dir` remembers of its runs, for a rebuild of the paths it was built
/// from (none when the rebuild names its paths, or the old index cannot tell).
pub(super) fn remembered(dir: &Path, options: &IndexOptions) -> Payload {
    if !options.paths.is_empty() {
        return Payload::new();
    }
    Index::open_in_dir(dir)
        .map_err(Into::into)
        .and_then(|index| Payload::read(&index))
        .unwrap_or_else(|_| Payload::new())
}

/// Puts the index built in `beside` in the place of the one in `dir`, in one step where the
/// system can (Linux exchanges two names atomically), and removes the old one; `progress`
/// hears of it first.
pub(super) fn swap_in(beside: &Path, dir: &Path, progress: &dyn Progress) -> Result<()> {
    progress.phase(Phase::Swap);
    exchange(beside, dir)?;
    // The old index is now in `beside`; searches that opened it keep their maps of its files.
    remove_leftovers(beside)?;
    let _ = std::fs::remove_dir(beside);
    Ok(())
}

/// Removes the files an index writes from `dir`, keeping anything else.
fn remove_leftovers(dir: &Path) -> Result<()> {
    remove_index_files(dir)?;
    for name in [
        schema::damage::VERIFIED.to_string(),
        format!("{}.new", schema::damage::VERIFIED),
    ] {
        match std::fs::remove_file(dir.join(name)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err.into()),
            _ => {}
        }
    }
    Ok(())
}

/// Exchanges the names `a` and `b` (both folders) in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::from);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are NUL-terminated paths that live across the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    // File systems without the exchange (some network ones) get the two renames.
    match err.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) => exchange_in_two(a_path(&a), a_path(&b)),
        _ => Err(err.into()),
    }
}

#[cfg(target_os = "linux")]
fn a_path(c: &std::ffi::CStr) -> &Path {
    use std::os::unix::ffi::OsStrExt;
    Path::new(std::ffi::OsStr::from_bytes(c.to_bytes()))
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    exchange_in_two(a, b)
}

/// Exchanges `a` and `b` by renaming `b` aside: a search between the renames finds no index.
fn exchange_in_two(a: &Path, b: &Path) -> Result<()> {
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_folders_exchange_their_names() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("x"), "from a").unwrap();
        exchange(&a, &b).unwrap();
        assert_eq!(std::fs::read_to_string(b.join("x")).unwrap(), "from a");
        assert!(!a.join("x").exists());
    }

    #[test]
    fn a_rebuild_is_built_in_a_hidden_folder_beside() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        std::fs::create_dir(&index).unwrap();
        assert_eq!(
            beside(&index).unwrap().dir,
            dir.path().join(".index.rebuild")
        );
        // A second rebuild of the same index waits for none: it is refused.
        let first = beside(&index).unwrap();
        assert!(matches!(beside(&index), Err(crate::Error::IndexLocked)));
        drop(first);
    }
}
