//! Keeps the index files that an indexing run reads out of its resident set.
//!
//! tantivy reads segments through `mmap`: merging segments (the merges of a long run, and the
//! bulk run's final merge into one segment) reads every byte of them, and each page read stays
//! mapped, and counted in the process's RSS, until the segment is dropped. Such pages, several
//! times the merge's own memory, made a build's peak RSS (benches/RESULTS.md). The pages are the
//! kernel's page cache, which the machine would keep anyway, but the RSS is what a user sees in
//! `top` and what a memory limit counts.
//!
//! [`TrimmedDirectory`] is tantivy's `MmapDirectory` that also remembers each file it maps, and
//! [`Trimmer`] drops those pages from the process's page tables (`madvise(MADV_DONTNEED)`)
//! whenever more than [`TRIM_ABOVE`] of file pages are resident; a page read again is mapped
//! again from the page cache, a minor fault. It looks every [`LOOK_EVERY`]: merging segments
//! copies a whole docstore in one `write`, which maps a gigabyte of pages in under a second (a
//! slower trimmer let a 1M build's final merge peak far higher).
//!
//! No crate does this: memmap2 offers `madvise` only on a map one owns, and tantivy keeps its
//! maps to itself, hence the wrapper that sees each map as it is handed out.

use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};
use tantivy::HasLen;

/// How often the trimmer looks at how much of the files is resident (reading /proc/self/statm,
/// some microseconds).
const LOOK_EVERY: Duration = Duration::from_millis(10);
/// The resident file pages above which the trimmer drops them.
const TRIM_ABOVE: u64 = 32 << 20;

/// The maps handed out so far (dead ones are pruned at each trim).
type Maps = Arc<Mutex<Vec<Weak<Mapped>>>>;

/// tantivy's `MmapDirectory`, remembering the files it maps so that a [`Trimmer`] can drop their
/// pages.
#[derive(Clone, Debug)]
pub struct TrimmedDirectory {
    inner: MmapDirectory,
    maps: Maps,
}

impl TrimmedDirectory {
    /// The directory `dir`, which must exist.
    pub fn open(dir: &Path) -> tantivy::Result<TrimmedDirectory> {
        Ok(TrimmedDirectory {
            inner: MmapDirectory::open(dir)?,
            maps: Maps::default(),
        })
    }

    /// Starts dropping the pages of this directory's maps, until the trimmer is dropped.
    pub fn trimmer(&self) -> Trimmer {
        Trimmer::start(Arc::clone(&self.maps))
    }
}

/// A whole file as mapped by `MmapDirectory`. The bytes it hands out hold it (not just the
/// map), so that it lives, and is trimmed, as long as anything reads the file: tantivy keeps
/// many of its readers' bytes (term dictionaries, field norms, columns) and drops the handle.
#[derive(Debug)]
struct Mapped {
    bytes: OwnedBytes,
    this: Weak<Mapped>,
}

/// Bytes of a [`Mapped`] file, holding it.
struct Held(Arc<Mapped>);

impl std::ops::Deref for Held {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.0.bytes.as_slice()
    }
}

// SAFETY: the bytes are a file's map, which stays where it is for as long as `Held` holds it.
unsafe impl stable_deref_trait::StableDeref for Held {}

impl HasLen for Mapped {
    fn len(&self) -> usize {
        self.bytes.len()
    }
}

impl FileHandle for Mapped {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        // Only ever called through the `Arc` that `get_file_handle` made, so it is alive.
        let this = self.this.upgrade().ok_or(io::ErrorKind::NotFound)?;
        Ok(OwnedBytes::new(Held(this)).slice(range))
    }
}

impl Directory for TrimmedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let handle = self.inner.get_file_handle(path)?;
        // MmapDirectory's handle is the map itself: reading it whole copies nothing.
        let bytes = handle
            .read_bytes(0..handle.len())
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?;
        let mapped = Arc::new_cyclic(|this| Mapped {
            bytes,
            this: this.clone(),
        });
        lock(&self.maps).push(Arc::downgrade(&mapped));
        Ok(mapped)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

fn lock(maps: &Maps) -> std::sync::MutexGuard<'_, Vec<Weak<Mapped>>> {
    maps.lock().unwrap_or_else(|e| e.into_inner())
}

/// A thread that drops the pages of a [`TrimmedDirectory`]'s maps when too many are resident.
/// Dropping it stops the thread (and waits for it).
pub struct Trimmer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Trimmer {
    fn start(maps: Maps) -> Trimmer {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("warta-trim".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    std::thread::park_timeout(LOOK_EVERY);
                    if resident_file_bytes().is_none_or(|bytes| bytes > TRIM_ABOVE) {
                        trim(&maps);
                    }
                }
            })
            .ok();
        Trimmer { stop, thread }
    }
}

impl Drop for Trimmer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

/// Drops the resident pages of every live map, and forgets the dead ones.
fn trim(maps: &Maps) {
    let live: Vec<Arc<Mapped>> = {
        let mut maps = lock(maps);
        maps.retain(|m| m.strong_count() > 0);
        maps.iter().filter_map(Weak::upgrade).collect()
    };
    // Each map is held (`live`) while its pages are dropped, so it cannot be unmapped and its
    // addresses reused meanwhile.
    for mapped in &live {
        drop_pages(mapped.bytes.as_slice());
    }
}

/// The bytes of files (and shared memory) mapped and resident in this process: the third field
/// of /proc/self/statm, in pages. None where that cannot be read.
fn resident_file_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(2)?.parse().ok()?;
    Some(pages * 4096)
}

#[cfg(target_os = "linux")]
fn drop_pages(bytes: &[u8]) {
    const PAGE: usize = 4096;
    let start = bytes.as_ptr() as usize;
    let aligned = start.next_multiple_of(PAGE);
    let end = start + bytes.len();
    if end <= aligned {
        return;
    }
    // SAFETY: the range lies within a live read-only shared map of a file (held by the caller).
    // MADV_DONTNEED on such a map only unmaps its pages from this process: the file's bytes stay
    // in the page cache, and a later read maps the same bytes again, so what any reader sees
    // never changes. A failure (a map that is not what it seems) leaves the pages as they were.
    unsafe {
        libc::madvise(
            aligned as *mut libc::c_void,
            end - aligned,
            libc::MADV_DONTNEED,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn drop_pages(_bytes: &[u8]) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_read_the_same_bytes_after_their_pages_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.path().join("f"), &data).unwrap();
        let directory = TrimmedDirectory::open(dir.path()).unwrap();
        let file = directory.open_read(Path::new("f")).unwrap();
        let bytes = file.read_bytes().unwrap();
        assert_eq!(bytes.as_slice(), &data[..]);
        trim(&directory.maps);
        assert_eq!(bytes.as_slice(), &data[..]);
        assert_eq!(
            file.read_bytes_slice(1000..2000).unwrap().as_slice(),
            &data[1000..2000]
        );
        assert_eq!(lock(&directory.maps).len(), 1);
        drop((file, bytes));
        trim(&directory.maps);
        assert!(lock(&directory.maps).is_empty(), "dead maps are forgotten");
    }

    #[test]
    fn the_pages_of_read_maps_leave_the_resident_set() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f"), vec![7u8; 8 << 20]).unwrap();
        let directory = TrimmedDirectory::open(dir.path()).unwrap();
        let bytes = directory
            .open_read(Path::new("f"))
            .unwrap()
            .read_bytes()
            .unwrap();
        let sum: u64 = bytes.as_slice().iter().map(|&b| u64::from(b)).sum();
        assert_eq!(sum, 7 * (8 << 20));
        let before = resident_kib(bytes.as_slice());
        assert!(before >= 8 * 1024, "read whole, {before} KiB resident");
        trim(&directory.maps);
        let after = resident_kib(bytes.as_slice());
        assert!(after < 1024, "{after} KiB still resident after trimming");
        assert_eq!(bytes.as_slice()[5 << 20], 7);
    }

    /// The resident KiB of the map that starts at `bytes`, from /proc/self/smaps.
    fn resident_kib(bytes: &[u8]) -> u64 {
        let start = format!("{:x}-", bytes.as_ptr() as usize);
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut lines = smaps.lines().skip_while(|l| !l.starts_with(&start));
        assert!(lines.next().is_some(), "no map at {start}");
        lines
            .find_map(|l| l.strip_prefix("Rss:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}
