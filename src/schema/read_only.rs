//! The directory a search reads an index through: tantivy's `MmapDirectory` that writes
//! nothing. tantivy takes a lock file (`.tantivy-meta.lock`) while it opens the segments of a
//! commit, so that a writer's garbage collection cannot delete them midway, and creates the
//! file when it is missing; a lock file cannot be created on a read-only mount or by another
//! user, and a search failed there. Here the lock is taken only on a lock file that is there
//! and may be opened for writing (a lock changes nothing in the file); elsewhere it is not
//! taken, and an open that loses the race with a writer finds a segment file gone and reads the
//! new commit instead (see `schema::open_index`).

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// An `MmapDirectory` that refuses every write and takes no locks.
#[derive(Clone, Debug)]
pub struct ReadOnlyDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl ReadOnlyDirectory {
    /// The directory `dir`, which must exist.
    pub fn open(dir: &Path) -> tantivy::Result<ReadOnlyDirectory> {
        Ok(ReadOnlyDirectory {
            inner: MmapDirectory::open(dir)?,
            root: dir.to_path_buf(),
        })
    }
}

/// The error of every write: a bug, since nothing that reads through this directory writes.
fn refused() -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        "the index is open read-only",
    )
}

impl Directory for ReadOnlyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(refused()),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::wrap_io_error(refused(), path.to_path_buf()))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, _path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(refused())
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        let path = self.root.join(&lock.filepath);
        let Ok(file) = OpenOptions::new().write(true).open(path) else {
            return Ok(DirectoryLock::from(Box::new(())));
        };
        if lock.is_blocking {
            flock(&file, libc::LOCK_EX).map_err(LockError::wrap_io_error)?;
        } else if flock(&file, libc::LOCK_EX | libc::LOCK_NB).is_err() {
            return Err(LockError::LockBusy);
        }
        // Closing the file releases the lock.
        Ok(DirectoryLock::from(Box::new(file)))
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// flock(2) on `file`, as tantivy locks its lock files (`File::lock` is newer than the Rust
/// this crate supports).
fn flock(file: &std::fs::File, operation: libc::c_int) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: the descriptor is open for as long as `file` lives, across the call.
    if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
