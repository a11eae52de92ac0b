//! Brings an index in line with the files under some paths: plan (what changed since the last
//! run), apply (parse and add on all cores, delete what changed or vanished), commit.
//!
//! Incremental indexing is delete + add by the file's canonical path: each document keeps its
//! file's path, mtime, size and content hash as fast fields, so an unchanged file is skipped on
//! a metadata check alone, and a touched but identical one on its hash.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexWriter, Searcher, Term};

use crate::error::{Error, Result};
use crate::ingest::{self, FieldMap, IngestError, Ingested};
use crate::report::{IndexReport, Problem, ProblemKind};
use crate::schema::{self, ArticleDocument, Fields, FileStamp, StoryStamp};
use crate::walk::{self, io_reason, Candidate};

pub mod story;
mod trim;

use story::Stories;
use trim::{TrimmedDirectory, Trimmer};

/// The index writer, fed documents that borrow their text from the articles.
type Writer = IndexWriter<ArticleDocument>;

/// The writer's default memory budget, in MiB. Peak RSS follows it: the budget is split into
/// one arena per indexing thread, and the two fill up at about the same time. At 100K articles
/// on 2 threads, with the index files trimmed from the resident set (`trim`), peak RSS was
/// 476-486 MiB with 224, 446 with 192 and 420 with 160, in about the same time (25-28 s).
pub const DEFAULT_MEMORY_MB: usize = 192;

/// What `run_index` is asked to do.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Where the index lives (created if missing).
    pub index_dir: PathBuf,
    /// Paths to index; empty means the paths the index was built from.
    pub paths: Vec<PathBuf>,
    /// Start from an empty index.
    pub rebuild: bool,
    /// Threads for parsing and for tantivy's writer.
    pub threads: usize,
    /// The writer's memory budget, in MiB.
    pub memory_mb: usize,
    /// Commit at least this often on long runs, so a crash loses at most this much work.
    pub commit_every: Duration,
    /// How record fields are named (`--field`, `--columns`) for the paths given; empty means
    /// what the index remembers for each path.
    pub fields: FieldMap,
    /// The bounds each input file is held to (bytes, text per article, records, time).
    pub limits: ingest::Limits,
}

impl IndexOptions {
    /// Options with the defaults: all cores, [`DEFAULT_MEMORY_MB`], a commit every 30 s.
    pub fn new(index_dir: PathBuf, paths: Vec<PathBuf>) -> Self {
        IndexOptions {
            index_dir,
            paths,
            rebuild: false,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            memory_mb: DEFAULT_MEMORY_MB,
            commit_every: Duration::from_secs(30),
            fields: FieldMap::default(),
            limits: ingest::Limits::default(),
        }
    }
}

/// Receives progress while an index run works (the CLI draws a bar; tests ignore it).
pub trait Progress: Sync {
    /// The walk has found this many files so far (told every 1,024).
    fn walking(&self, _files: u64) {}
    /// The walk is done: this many files, of this many bytes, need reading.
    fn start(&self, _files: u64, _bytes: u64) {}
    /// One more file was processed.
    fn advance(&self, _bytes: u64) {}
    /// A problem with one input, as it happens.
    fn problem(&self, _problem: &Problem) {}
    /// The run is about to commit.
    fn finish(&self) {}
}

/// A `Progress` that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// What the index remembers between runs, in its commit payload.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    roots: Vec<PathBuf>,
    /// The field map each root was read with, where it was not the default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fields: Vec<(PathBuf, FieldMap)>,
}

impl Payload {
    fn fields_of(&self, root: &Path) -> FieldMap {
        self.fields
            .iter()
            .find(|(r, _)| r == root)
            .map(|(_, map)| map.clone())
            .unwrap_or_default()
    }
}

/// The paths an index was built from (canonical), as remembered in its last commit.
pub fn remembered_roots(index_dir: &Path) -> Result<Vec<PathBuf>> {
    if !schema::index_exists(index_dir) {
        return Ok(Vec::new());
    }
    let index = Index::open_in_dir(index_dir)?;
    Ok(read_payload(&index).roots)
}

fn read_payload(index: &Index) -> Payload {
    index
        .load_metas()
        .ok()
        .and_then(|m| m.payload)
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default()
}

/// What the index holds for one file.
#[derive(Debug, Clone)]
struct Indexed {
    mtime: i64,
    size: u64,
    hash: u64,
    articles: u64,
    /// Whether this run's walk found the file (one not found under a walked root is gone).
    walked: bool,
}

/// Indexes the files under `options.paths`, reporting progress to `progress`; stops early,
/// committing what is done, when `cancel` is set.
pub fn run_index(
    options: &IndexOptions,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<IndexReport> {
    let started = Instant::now();
    let (index, fields, _trimmer) = open_or_create(&options.index_dir, options.rebuild)?;
    let threads = options.threads.max(1);
    // tantivy refuses less than 15 MB per indexing thread.
    let memory = (options.memory_mb.max(16 * threads) << 20).min(4000 << 20);
    let mut writer: Writer = index.writer_with_num_threads(threads, memory)?;

    let old = read_payload(&index);
    let paths = if options.paths.is_empty() {
        old.roots.clone()
    } else {
        options.paths.clone()
    };
    // The paths to remember: those given now, plus (unless rebuilding) those from before.
    let mut roots = if options.rebuild {
        Vec::new()
    } else {
        old.roots.clone()
    };

    let mut report = IndexReport::default();
    let walked = walk::walk(&paths, Some(&options.index_dir), &mut report, |found| {
        if found % 1024 == 0 {
            progress.walking(found as u64);
        }
        !cancel.load(Ordering::Relaxed)
    });
    if cancel.load(Ordering::Relaxed) {
        // Interrupted before anything was read: the index is left as it was.
        report.interrupted = true;
        report.took_ms = started.elapsed().as_secs_f64() * 1000.0;
        return Ok(report);
    }
    for root in &walked.roots {
        if !roots.contains(root) {
            roots.push(root.clone());
        }
    }
    // The field map of each walked root: the one given now, else the one it was read with.
    let remembered = |root: &Path| {
        if options.rebuild {
            FieldMap::default()
        } else {
            old.fields_of(root)
        }
    };
    let maps: Vec<FieldMap> = walked
        .roots
        .iter()
        .map(|root| {
            if options.fields.is_empty() {
                remembered(root)
            } else {
                options.fields.clone()
            }
        })
        .collect();
    let map_changed: Vec<bool> = walked
        .roots
        .iter()
        .zip(&maps)
        .map(|(root, map)| *map != remembered(root))
        .collect();
    let mut fields_payload: Vec<(PathBuf, FieldMap)> = if options.rebuild {
        Vec::new()
    } else {
        old.fields.clone()
    };
    for (root, map) in walked.roots.iter().zip(&maps) {
        fields_payload.retain(|(r, _)| r != root);
        if !map.is_empty() {
            fields_payload.push((root.clone(), map.clone()));
        }
    }
    for problem in &report.problems {
        progress.problem(problem);
    }

    let mut stories = Stories::default();
    let mut indexed = if options.rebuild {
        writer.delete_all_documents()?;
        HashMap::new()
    } else {
        load_indexed(&index.reader()?.searcher(), &fields, &mut stories)?
    };

    // Plan: files whose size and mtime match what the index holds are not even read.
    let mut work = Vec::new();
    for candidate in walked.files {
        if let Some(i) = indexed.get_mut(&candidate.key) {
            i.walked = true;
            if i.mtime == candidate.mtime
                && i.size == candidate.size
                && !map_changed[candidate.root]
            {
                report.unchanged += i.articles;
                continue;
            }
        }
        work.push(candidate);
    }
    // Files in the order of their roots' paths, not of the paths as given, so that which of
    // two copies is met first (and gives the story its id) does not depend on that order.
    work.sort_by(|a, b| walked.roots[a.root].cmp(&walked.roots[b.root]));
    // A bulk run (a first build, `--rebuild`, or at least as many files to read as the index
    // held) merges all its segments at the end (`merge_after_bulk`); merging some of them
    // meanwhile would only make it merge those bytes twice, and leave segments too large to
    // balance the final merge's parts.
    let bulk = work.len() >= indexed.len();
    if bulk {
        writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
    }
    progress.start(work.len() as u64, work.iter().map(|c| c.size).sum());

    let payload = Payload {
        schema: schema::SCHEMA_VERSION,
        roots: roots.clone(),
        fields: fields_payload,
    };
    let commit = |writer: &mut Writer| -> Result<()> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&serde_json::to_string(&payload).unwrap_or_default());
        prepared.commit()?;
        Ok(())
    };

    // Apply: parse on worker threads, add in file order on this one.
    let next = AtomicUsize::new(0);
    let mut last_commit = Instant::now();
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = mpsc::sync_channel::<(usize, Parsed)>(threads * 16);
        for _ in 0..threads {
            let tx = tx.clone();
            let (work, next, maps) = (&work, &next, &maps);
            scope.spawn(move || loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= work.len() || cancel.load(Ordering::Relaxed) {
                    break;
                }
                let candidate = &work[n];
                let parsed = read_and_parse(candidate, &maps[candidate.root], &options.limits);
                if tx.send((n, parsed)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut expected = 0;
        for (n, parsed) in rx {
            pending.insert(n, parsed);
            while let Some(parsed) = pending.remove(&expected) {
                let candidate = &work[expected];
                expected += 1;
                let problems_before = report.problems.len();
                apply(
                    &mut writer,
                    &fields,
                    candidate,
                    parsed,
                    (&mut indexed, &mut stories),
                    &mut report,
                )?;
                for problem in &report.problems[problems_before..] {
                    progress.problem(problem);
                }
                progress.advance(candidate.size);
                if last_commit.elapsed() >= options.commit_every {
                    commit(&mut writer)?;
                    last_commit = Instant::now();
                }
            }
            if cancel.load(Ordering::Relaxed) {
                next.store(usize::MAX / 2, Ordering::Relaxed);
            }
        }
        Ok(())
    })?;

    if cancel.load(Ordering::Relaxed) {
        report.interrupted = true;
    } else {
        // Files that vanished from under the walked roots.
        for (key, entry) in &indexed {
            let under_walked = walked.roots.iter().any(|r| Path::new(key).starts_with(r));
            if under_walked && !entry.walked {
                writer.delete_term(Term::from_field_text(fields.file, key));
                report.removed += entry.articles;
            }
        }
    }
    progress.finish();
    commit(&mut writer)?;
    writer.wait_merging_threads()?;
    // What the run kept per file (at 1M files, some 400 MB) is not needed for the merge.
    drop((work, indexed, stories));
    if bulk && !report.interrupted {
        merge_after_bulk(&index, &options.index_dir, threads);
    }
    report.took_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(report)
}

/// Merges every segment into one after a bulk run (a first build, `--rebuild`, or one that read
/// at least as many files as the index held), not a daily update of a few files, which the
/// merge policy looks after. Such a run leaves a segment per flush of each thread's memory
/// budget, and every search pays per segment: opening its files (in every `warta search`
/// process), a term-dictionary lookup per query term and field, a scoring pass. At 100K one
/// segment instead of seven took a `warta search` process from 11.0 to 6.8 ms, for about 6 s
/// of merging. The merge needs as much free disk as the index takes. Only an optimisation: if
/// the writer cannot be had again (another process took it) or the merge fails, the index
/// stays as committed.
fn merge_after_bulk(index: &Index, dir: &Path, threads: usize) {
    let Ok(metas) = index.searchable_segment_metas() else {
        return;
    };
    let live: u64 = metas.iter().map(|m| u64::from(m.num_docs())).sum();
    if metas.len() < 2 {
        return;
    }
    // A large index is merged into one segment per thread instead, of about equal size, which
    // a search then scores side by side (`search::PARALLEL_MIN_DOCS`).
    let parts = if live >= crate::search::PARALLEL_MIN_DOCS {
        threads.clamp(1, metas.len())
    } else {
        1
    };
    let mut groups: Vec<(u64, Vec<tantivy::index::SegmentId>)> = vec![(0, Vec::new()); parts];
    let mut by_size: Vec<_> = metas.iter().collect();
    by_size.sort_by_key(|m| std::cmp::Reverse(m.num_docs()));
    for meta in by_size {
        if let Some(lightest) = groups.iter_mut().min_by_key(|(docs, _)| *docs) {
            lightest.0 += u64::from(meta.num_docs());
            lightest.1.push(meta.id());
        }
    }
    // The merge reads every segment through mmap (its pages are trimmed from the resident set
    // as it goes, see `trim`), on top of what the indexing threads' allocator still holds.
    release_freed_memory();
    let Ok(mut merger) = idle_writer(index) else {
        return;
    };
    // The merges keep the last commit's payload (tantivy saves the metas with it), and run
    // side by side.
    let merges: Vec<_> = groups
        .iter()
        .filter(|(_, group)| group.len() > 1)
        .map(|(_, group)| merger.merge(group))
        .collect();
    for merge in merges {
        let _ = merge.wait();
    }
    let _ = merger.wait_merging_threads();
    // The merged segments' files count as in use until the merge is over; a writer on the
    // index opened afresh deletes them (as tantivy-cli's `merge` does).
    let reopened = Index::open_in_dir(dir).and_then(|index| idle_writer(&index));
    if let Ok(collector) = reopened {
        let _ = collector.garbage_collect_files().wait();
        let _ = collector.wait_merging_threads();
    }
}

/// A writer that adds nothing (merges, collects files): one indexing thread with tantivy's least
/// budget.
fn idle_writer(index: &Index) -> tantivy::Result<IndexWriter> {
    index.writer_with_num_threads(1, 15 << 20)
}

/// Hands memory that was freed but is still held by mimalloc (the `warta` binary's allocator)
/// back to the system. Does nothing under another allocator (tests).
fn release_freed_memory() {
    // SAFETY: mi_collect takes no pointers and may be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// Opens the index in `dir` for writing, or creates it, with a trimmer that keeps the files it
/// reads out of the resident set until it is dropped.
fn open_or_create(dir: &Path, rebuild: bool) -> Result<(Index, Fields, Trimmer)> {
    std::fs::create_dir_all(dir)?;
    let directory = TrimmedDirectory::open(dir)?;
    let trimmer = directory.trimmer();
    let (index, fields) = if !schema::index_exists(dir) {
        schema::create_index_in(dir, directory)?
    } else {
        match schema::open_index_in(dir, directory.clone()) {
            Err(Error::SchemaMismatch(_)) if rebuild => {
                remove_index_files(dir)?;
                schema::create_index_in(dir, directory)?
            }
            other => other?,
        }
    };
    Ok((index, fields, trimmer))
}

/// Deletes an old index's files (only the files tantivy writes, never anything else).
fn remove_index_files(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let tantivy_file = name == "meta.json"
            || name == ".managed.json"
            || name.ends_with(".lock")
            || name.rsplit_once('.').is_some_and(|(stem, _)| {
                stem.len() == 32 && stem.chars().all(|c| c.is_ascii_hexdigit())
            });
        if tantivy_file && path.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// One file read and parsed on a worker thread.
struct Parsed {
    result: Result<Ingested, IngestError>,
    /// Hash of the file's bytes (and field map).
    hash: u64,
    /// SimHash and headline hash of each article, in order.
    simhashes: Vec<(u64, u64)>,
}

/// Reads and parses one file; the hash covers its bytes and, for formats with named fields,
/// the field map, so that reading a file with another map replaces its articles.
fn read_and_parse(candidate: &Candidate, map: &FieldMap, limits: &ingest::Limits) -> Parsed {
    let read = match ingest::read_file(&candidate.path, candidate.kind, limits) {
        Ok(b) => b,
        Err(err) => {
            return Parsed {
                result: Err(err),
                hash: 0,
                simhashes: Vec::new(),
            }
        }
    };
    let mut hash = ingest::content_hash(&read.bytes);
    if candidate.kind.format.reads_named_fields() {
        hash ^= map.fingerprint();
    }
    let mut result = ingest::parse_read(
        &candidate.display(),
        &candidate.key,
        candidate.kind,
        &read,
        map,
        limits,
    );
    // The articles wait in tantivy's queue of up to 10,000 documents: without the slack that
    // the parsers' growing strings leave (up to half their capacity), it holds less.
    if let Ok(ingested) = &mut result {
        for article in &mut ingested.articles {
            article.title.shrink_to_fit();
            article.lede.shrink_to_fit();
            article.body.shrink_to_fit();
        }
    }
    let simhashes = match &result {
        Ok(ingested) => ingested
            .articles
            .iter()
            .map(|a| (story::simhash(a), story::title_hash(a)))
            .collect(),
        Err(_) => Vec::new(),
    };
    Parsed {
        result,
        hash,
        simhashes,
    }
}

fn apply(
    writer: &mut Writer,
    fields: &Fields,
    candidate: &Candidate,
    parsed: Parsed,
    (indexed, stories): (&mut HashMap<String, Indexed>, &mut Stories),
    report: &mut IndexReport,
) -> Result<()> {
    let Parsed {
        result,
        hash,
        simhashes,
    } = parsed;
    let file_term = Term::from_field_text(fields.file, &candidate.key);
    let before = indexed.get(&candidate.key).cloned();
    let ingested = match result {
        Ok(ingested) => ingested,
        Err(IngestError::Unreadable(err)) => {
            // Keep what the index had: an unreadable file is not a deleted one.
            report.problem(
                candidate.display(),
                ProblemKind::Failed,
                format!("cannot read: {}", io_reason(&err)),
            );
            return Ok(());
        }
        Err(err @ IngestError::TooSlow(_)) => {
            // Keep what the index had too: a file abandoned for time may read on a quieter run.
            report.problem(candidate.display(), err.kind(), err.to_string());
            return Ok(());
        }
        Err(err) => {
            // What the file held before is gone from it: its articles leave the index.
            if let Some(before) = before {
                writer.delete_term(file_term);
                report.removed += before.articles;
                indexed.remove(&candidate.key);
            }
            report.problem(candidate.display(), err.kind(), err.to_string());
            return Ok(());
        }
    };
    for note in &ingested.notes {
        let path = match note.record {
            Some(n) => format!("{}#{n}", candidate.display()),
            None => candidate.display(),
        };
        report.problem(path, note.kind, note.reason.clone());
    }
    let count = ingested.articles.len() as u64;
    match &before {
        Some(b) if b.hash == hash => report.unchanged += count,
        Some(_) => report.updated += count,
        None => report.added += count,
    }
    if before.is_some() {
        writer.delete_term(file_term);
    }
    let stamp = FileStamp {
        key: candidate.key.clone(),
        mtime: candidate.mtime,
        size: candidate.size,
        hash,
    };
    for (article, (simhash, title_hash)) in ingested.articles.into_iter().zip(simhashes) {
        let story = stories.assign(simhash, title_hash, story::own_story(&article.id));
        let stamp_story = StoryStamp {
            simhash,
            story,
            title_hash,
        };
        writer.add_document(fields.article_document(article, stamp.clone(), stamp_story))?;
    }
    Ok(())
}

/// Reads what the index holds per file from its fast fields (no stored documents are loaded),
/// and the stories of its articles into `stories`.
fn load_indexed(
    searcher: &Searcher,
    fields: &Fields,
    stories: &mut Stories,
) -> Result<HashMap<String, Indexed>> {
    let schema = searcher.schema();
    let name = |f| schema.get_field_name(f).to_string();
    let mut out: HashMap<String, Indexed> = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(files) = fast.str(&name(fields.file))? else {
            continue;
        };
        let mtimes = fast.i64(&name(fields.mtime))?;
        let sizes = fast.u64(&name(fields.size))?;
        let hashes = fast.u64(&name(fields.hash))?;
        let simhashes = fast.u64(&name(fields.simhash))?;
        let story_ids = fast.u64(&name(fields.story))?;
        let title_hashes = fast.u64(&name(fields.title_hash))?;
        // Every file key of the segment, by ordinal, read in one pass over the dictionary:
        // looking each document's key up on its own decompressed a dictionary block per
        // document (two thirds of a no-change run's time at 1M articles).
        let mut keys = Vec::with_capacity(files.num_terms());
        let mut stream = files.dictionary().stream()?;
        while stream.advance() {
            keys.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            if let (Some(simhash), Some(story)) = (simhashes.first(doc), story_ids.first(doc)) {
                stories.insert(simhash, title_hashes.first(doc).unwrap_or(0), story);
            }
            let Some(key) = files
                .term_ords(doc)
                .next()
                .and_then(|ord| keys.get(ord as usize))
            else {
                continue;
            };
            let entry = out.entry(key.clone()).or_insert(Indexed {
                mtime: mtimes.first(doc).unwrap_or(0),
                size: sizes.first(doc).unwrap_or(0),
                hash: hashes.first(doc).unwrap_or(0),
                articles: 0,
                walked: false,
            });
            entry.articles += 1;
        }
    }
    Ok(out)
}
