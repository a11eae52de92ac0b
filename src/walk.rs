//! Finds the article files under the paths a user names, as walkdir walks them.
//!
//! Hidden files and folders are passed over (as fd and ripgrep do), symlinks are followed with
//! loop detection, and each file gets a canonical key that identifies it across runs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::ingest::{kind_of, FileKind};
use crate::report::{IndexReport, ProblemKind};

/// One file to consider for indexing.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Where to read it: the path as given on the command line joined with the path below it.
    pub path: PathBuf,
    /// Canonical path: the file's identity across runs.
    pub key: String,
    /// How to read it.
    pub kind: FileKind,
    /// Modification time, nanoseconds since the epoch.
    pub mtime: i64,
    /// Size in bytes.
    pub size: u64,
    /// Which of `Walked::roots` it was found under.
    pub root: usize,
}

impl Candidate {
    /// The path as shown to the user (see [`shown`]). Not kept: a 1M-file walk would hold a
    /// second copy of every path for the whole run.
    pub fn display(&self) -> String {
        shown_str(&self.key)
    }
}

/// The result of walking the roots.
#[derive(Debug, Default)]
pub struct Walked {
    /// Article files, in walk order (sorted by name within each folder), each once.
    pub files: Vec<Candidate>,
    /// Canonical forms of the roots that exist.
    pub roots: Vec<PathBuf>,
    /// Keys (canonical paths) of folders that could not be read: what the index holds below
    /// them is kept, as an unreadable file keeps its articles.
    pub unreadable: Vec<String>,
    /// The paths whose files the walk covered, when only some paths below the roots were
    /// walked ([`walk_within`]); None when the roots were walked whole.
    pub scope: Option<Vec<PathBuf>>,
}

/// How the walk treats what it meets.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// Follow symlinks to files and folders outside the root they were found under (by default
    /// such a link is passed over with a note: only what was asked for is indexed).
    pub follow_outside: bool,
}

/// Walks `roots`, recording problems (missing paths, unreadable folders, loops) in `report`.
/// `keep_going` is told the number of files found after each one and stops the walk by
/// returning false (a walk of a million files takes long enough to want progress and Ctrl-C).
pub fn walk(
    roots: &[PathBuf],
    skip_dir: Option<&Path>,
    options: WalkOptions,
    report: &mut IndexReport,
    mut keep_going: impl FnMut(usize) -> bool,
) -> Walked {
    let mut walked = Walked::default();
    let mut walker = Walker::new(skip_dir, options);
    for root in roots {
        let Some(canonical) = root_to_walk(root, report) else {
            continue;
        };
        walked.roots.push(canonical);
        let start = Start {
            path: root,
            root: walked.roots.len() - 1,
            explicit_file: root.is_file(),
        };
        if !walker.walk_tree(&mut walked, start, report, &mut keep_going) {
            break;
        }
    }
    report.files = walked.files.len() as u64;
    walked
}

/// Walks only the paths `within` below `roots` (each canonical, and each below one of the
/// roots; a path that no longer exists is walked as an empty one): what a watch does with the
/// paths that changed. Files keep the root they are under, so their ids are the ones a walk of
/// the whole root gives; what the index holds under a path of `within` that the walk does not
/// find is gone ([`Walked::scope`]).
pub fn walk_within(
    roots: &[PathBuf],
    within: &[PathBuf],
    skip_dir: Option<&Path>,
    options: WalkOptions,
    report: &mut IndexReport,
    mut keep_going: impl FnMut(usize) -> bool,
) -> Walked {
    let mut walked = Walked::default();
    let mut walker = Walker::new(skip_dir, options);
    let mut scope = Vec::new();
    'roots: for root in roots {
        let Some(canonical) = root_to_walk(root, report) else {
            continue;
        };
        walked.roots.push(canonical.clone());
        for path in within.iter().filter(|p| p.starts_with(&canonical)) {
            scope.push(path.clone());
            let below = path.strip_prefix(&canonical).unwrap_or(path);
            let hidden = below.components().any(|c| is_hidden(c.as_os_str()));
            if hidden || std::fs::symlink_metadata(path).is_err() {
                continue;
            }
            let start = Start {
                path,
                root: walked.roots.len() - 1,
                explicit_file: false,
            };
            if !walker.walk_tree(&mut walked, start, report, &mut keep_going) {
                break 'roots;
            }
        }
    }
    walked.scope = Some(scope);
    report.files = walked.files.len() as u64;
    walked
}

/// The canonical form of a root to walk, or None (with the problem recorded) when it is
/// missing or not a folder or a regular file.
fn root_to_walk(root: &Path, report: &mut IndexReport) -> Option<PathBuf> {
    let canonical = match root.canonicalize() {
        Ok(c) => c,
        Err(err) => {
            report.problem(
                shown_str(&key_of(root)),
                ProblemKind::Failed,
                io_reason(&err),
            );
            return None;
        }
    };
    // A FIFO, socket or device named on the command line: told, and never opened (reading
    // a FIFO would wait for a writer).
    if let Some(what) = std::fs::metadata(&canonical)
        .ok()
        .and_then(|m| not_a_file(&m.file_type()))
    {
        let reason = format!("{what}, not a regular file");
        report.problem(root.display().to_string(), ProblemKind::Skipped, reason);
        return None;
    }
    Some(canonical)
}

/// Where one walk of a tree starts.
struct Start<'a> {
    /// The path to walk (a root, or a path below one).
    path: &'a Path,
    /// Which of `Walked::roots` it is, or is below.
    root: usize,
    /// Whether the path was named as a file on the command line (an unknown format is told).
    explicit_file: bool,
}

/// What the walk of several trees shares: the files seen (each once), the folder skipped.
struct Walker {
    seen: HashSet<PathBuf>,
    skip_dir: Option<PathBuf>,
    options: WalkOptions,
}

impl Walker {
    fn new(skip_dir: Option<&Path>, options: WalkOptions) -> Walker {
        Walker {
            seen: HashSet::new(),
            skip_dir: skip_dir.and_then(|d| d.canonicalize().ok()),
            options,
        }
    }

    /// Walks the tree at `start`, adding its article files to `walked`; false when
    /// `keep_going` stopped it.
    fn walk_tree(
        &mut self,
        walked: &mut Walked,
        start: Start,
        report: &mut IndexReport,
        keep_going: &mut impl FnMut(usize) -> bool,
    ) -> bool {
        let root = start.path;
        let mut entries = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let unreadable_dir =
                        err.loop_ancestor().is_none() && err.path().is_some_and(|p| p.is_dir());
                    if unreadable_dir {
                        if let Some(dir) = err.path().and_then(|p| p.canonicalize().ok()) {
                            walked.unreadable.push(key_of(&dir));
                        }
                    }
                    let path = shown_str(&key_of(err.path().unwrap_or(root)));
                    // A link to an ancestor folder (walkdir's check), or a link that leads back
                    // to itself (the kernel's ELOOP).
                    let self_loop = err.io_error().is_some_and(is_eloop);
                    let (kind, reason) = if err.loop_ancestor().is_some() || self_loop {
                        (ProblemKind::Skipped, "symlink loop".to_string())
                    } else {
                        let reason = err.io_error().map_or_else(|| err.to_string(), io_reason);
                        (ProblemKind::Failed, reason)
                    };
                    report.problem(path, kind, reason);
                    continue;
                }
            };
            if entry.path_is_symlink() && !self.options.follow_outside && entry.depth() > 0 {
                let target = entry.path().canonicalize();
                if target.is_ok_and(|t| !t.starts_with(&walked.roots[start.root])) {
                    report.problem(
                        shown_str(&key_of(entry.path())),
                        ProblemKind::Skipped,
                        "a link to outside the folder indexed; --follow-outside follows it",
                    );
                    if entry.file_type().is_dir() {
                        entries.skip_current_dir();
                    }
                    continue;
                }
            }
            if !entry.file_type().is_file() {
                continue;
            }
            // A name that is not UTF-8 is read by its bytes; its format by its (lossy) name.
            let lossy_name = entry.file_name().to_string_lossy();
            let Some(kind) = kind_of(Path::new(lossy_name.as_ref())) else {
                if start.explicit_file {
                    report.problem(
                        entry.path().display().to_string(),
                        ProblemKind::Skipped,
                        "not an article format warta reads",
                    );
                }
                continue;
            };
            let key = match entry.path().canonicalize() {
                Ok(k) => k,
                Err(err) => {
                    report.problem(
                        entry.path().display().to_string(),
                        ProblemKind::Failed,
                        io_reason(&err),
                    );
                    continue;
                }
            };
            if self.skip_dir.as_ref().is_some_and(|d| key.starts_with(d))
                || !self.seen.insert(key.clone())
            {
                continue;
            }
            let (mtime, size) = match entry.metadata() {
                Ok(m) => (mtime_nanos(&m), m.len()),
                Err(_) => (0, 0),
            };
            walked.files.push(Candidate {
                path: entry.path().to_path_buf(),
                key: key_of(&key),
                kind,
                mtime,
                size,
                root: start.root,
            });
            if !keep_going(walked.files.len()) {
                return false;
            }
        }
        true
    }
}

/// What a path that is neither a folder nor a regular file is, or None for those two.
fn not_a_file(file_type: &std::fs::FileType) -> Option<&'static str> {
    if file_type.is_dir() || file_type.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
    }
    Some("a special file")
}

/// A path as a key: its text, with each byte that is not UTF-8 written as `\xNN`, so that two
/// names that differ only in such bytes stay two keys (and two ids).
pub fn key_of(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for byte in chunk.invalid() {
                out.push_str(&format!("\\x{byte:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned()
    }
}

/// What an article id is made from for the file `key` found under `root` (both canonical):
/// the root's own name and the path below it, so that ids are the same in every clone and on
/// every machine (docs/identity.md). A file outside its root (a link followed with
/// `--follow-outside`), or under `/`, is named by its whole path.
pub fn identity(root: &Path, key: &str) -> String {
    let Some(name) = root.file_name() else {
        return key.to_string();
    };
    let name = name.to_string_lossy();
    match Path::new(key).strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => name.into_owned(),
        Ok(rel) => format!("{name}/{}", rel.to_string_lossy()),
        Err(_) => key.to_string(),
    }
}

/// A path as output shows it: relative to the current directory when it lies below it (as
/// ripgrep and fd print paths), absolute otherwise, so that a script can open it from where it
/// runs. A record's `#N` suffix is kept.
pub fn shown(path: &Path) -> String {
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let cwd = CWD.get_or_init(|| std::env::current_dir().ok()?.canonicalize().ok());
    match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        Some(_) => ".".to_string(),
        None => path.display().to_string(),
    }
}

/// [`shown`] of a stored path (a canonical path, with `#N` for a record of a file).
pub fn shown_str(path: &str) -> String {
    if !path.starts_with('/') {
        return path.to_string();
    }
    match path.rsplit_once('#') {
        Some((file, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{}#{n}", shown(Path::new(file)))
        }
        _ => shown(Path::new(path)),
    }
}

/// ELOOP ("too many levels of symbolic links"); `ErrorKind::FilesystemLoop` is not stable.
fn is_eloop(err: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    const ELOOP: i32 = 40;
    #[cfg(not(target_os = "linux"))]
    const ELOOP: i32 = 62;
    err.raw_os_error() == Some(ELOOP)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

fn mtime_nanos(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}

/// A short reason for an I/O error, without Rust's "(os error N)" suffix.
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match err.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(cut) => text[..cut].to_string(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_articles_and_passes_over_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::create_dir(dir.path().join(".hidden")).unwrap();
        for name in [
            "a.txt",
            "sub/b.txt",
            "PROVENANCE.md",
            "x.png",
            ".hidden/c.txt",
        ] {
            std::fs::write(dir.path().join(name), "T\n\nBody.\n").unwrap();
        }
        let mut report = IndexReport::default();
        let walked = walk(
            &[dir.path().to_path_buf()],
            None,
            WalkOptions::default(),
            &mut report,
            |_| true,
        );
        let names: Vec<_> = walked
            .files
            .iter()
            .map(|c| c.path.strip_prefix(dir.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(names, [PathBuf::from("a.txt"), PathBuf::from("sub/b.txt")]);
        assert!(report.problems.is_empty());
    }

    #[test]
    fn a_missing_root_is_a_failure() {
        let mut report = IndexReport::default();
        walk(
            &[PathBuf::from("/no/such/dir")],
            None,
            WalkOptions::default(),
            &mut report,
            |_| true,
        );
        assert_eq!(report.failed, 1);
        assert_eq!(report.problems[0].reason, "no such file or directory");
    }

    #[test]
    fn the_walk_stops_when_told() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a/1.txt", "a/2.txt", "b/3.txt"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "T\n\nBody.\n").unwrap();
        }
        let roots = [dir.path().join("a"), dir.path().join("b")];
        let mut told = Vec::new();
        let mut report = IndexReport::default();
        let walked = walk(&roots, None, WalkOptions::default(), &mut report, |found| {
            told.push(found);
            found < 2
        });
        assert_eq!(told, [1, 2]);
        assert_eq!(walked.files.len(), 2);
        assert_eq!(report.files, 2);
    }
    #[test]
    fn ids_are_made_from_the_root_name_and_the_path_below_it() {
        let root = Path::new("/home/me/corpus");
        assert_eq!(
            identity(root, "/home/me/corpus/en/a.txt"),
            "corpus/en/a.txt"
        );
        assert_eq!(identity(Path::new("/x/a.txt"), "/x/a.txt"), "a.txt");
        assert_eq!(identity(root, "/elsewhere/b.txt"), "/elsewhere/b.txt");
        assert_eq!(identity(Path::new("/"), "/a.txt"), "/a.txt");
    }

    #[cfg(unix)]
    #[test]
    fn keys_keep_bytes_that_are_not_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let name = |b: &[u8]| key_of(Path::new(std::ffi::OsStr::from_bytes(b)));
        assert_eq!(name(b"/n/x\xff.txt"), "/n/x\\xFF.txt");
        assert_ne!(name(b"/n/x\xff.txt"), name(b"/n/x\xfe.txt"));
        assert_eq!(name("/n/é.txt".as_bytes()), "/n/é.txt");
    }

    #[test]
    fn stored_paths_are_shown_relative_below_the_current_directory() {
        let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
        let inside = cwd.join("corpus/a.jsonl");
        assert_eq!(
            shown_str(&format!("{}#3", inside.display())),
            "corpus/a.jsonl#3"
        );
        assert_eq!(shown_str("/no/such/place.txt"), "/no/such/place.txt");
        assert_eq!(shown_str("relative.txt"), "relative.txt");
    }
}
