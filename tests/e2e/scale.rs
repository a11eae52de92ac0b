//! Indexing at scale: an index brought up to date run after run holds exactly what a rebuild
//! holds; `warta index` killed with SIGKILL at any moment leaves its last commit whole and a
//! rerun completes it; and only one `warta index` writes an index at a time while searches go on.
//!
//! The corpora are generated here, the same on every run, so these tests need nothing outside
//! the checkout. No assertion is about time: moments to kill at vary, outcomes may not.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::thread::sleep;
use std::time::Duration;

use serde_json::Value;

use crate::json::{IndexJson, SearchJson, StatsJson};
use crate::util::{Run, Sandbox};

/// A word every generated article holds, so that one search lists a whole index.
const MARKER: &str = "xylofon";

/// At most this many paragraphs after the lede, in the articles whose ranking is compared.
const PARAGRAPHS: usize = 3;

/// A large enough `--limit` to list every generated article.
const ALL: &str = "100000";

/// The commit interval, in seconds, of the runs that get killed or locked out: short, so that
/// a run over a few thousand files commits many times.
const OFTEN: &str = "0.1";

/// Words of the English articles (stop words included, so that lengths and scores vary).
const EN: &[&str] = &[
    "cloud",
    "chip",
    "startup",
    "funding",
    "data",
    "centre",
    "network",
    "security",
    "model",
    "launch",
    "phone",
    "battery",
    "market",
    "investors",
    "regulator",
    "outage",
    "servers",
    "fibre",
    "satellite",
    "robots",
    "payments",
    "layoffs",
    "merger",
    "quarterly",
    "revenue",
    "developers",
    "platform",
    "subscribers",
    "broadband",
    "semiconductor",
    "factory",
    "ransomware",
    "breach",
    "encryption",
    "smartphone",
    "streaming",
    "licence",
    "spectrum",
    "antitrust",
    "acquisition",
    "the",
    "of",
    "and",
    "for",
    "with",
];

/// Words of the Indonesian articles, with an affixed form the stemmer folds.
const ID: &[&str] = &[
    "pusat",
    "data",
    "investasi",
    "kemitraan",
    "perusahaan",
    "teknologi",
    "jaringan",
    "keamanan",
    "peluncuran",
    "ponsel",
    "baterai",
    "pasar",
    "investor",
    "regulator",
    "layanan",
    "gangguan",
    "satelit",
    "robot",
    "pembayaran",
    "pendanaan",
    "rintisan",
    "pabrik",
    "pengguna",
    "aplikasi",
    "digital",
    "kebocoran",
    "serangan",
    "siber",
    "operator",
    "seluler",
    "frekuensi",
    "akuisisi",
    "pendapatan",
    "karyawan",
    "menginvestasikan",
    "yang",
    "dan",
    "untuk",
    "dengan",
    "di",
];

/// `Source:` header values.
const SOURCES: &[&str] = &[
    "technews.example",
    "dailysocial.id",
    "warta-tekno.id",
    "asiatechwire.example",
];

/// splitmix64: a tiny deterministic generator, so every run writes the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn words(&mut self, vocabulary: &[&str], n: usize) -> String {
        let words: Vec<&str> = (0..n)
            .map(|_| vocabulary[self.below(vocabulary.len())])
            .collect();
        words.join(" ")
    }
}

/// The word that makes article `serial` unique. A same-size edit turns `kode0…` into `kode9…`.
fn serial_word(serial: u32) -> String {
    format!("kode{serial:05}")
}

/// One `.txt` article in English or Indonesian: optional `Date:` and `Source:` header lines,
/// a blank line, the title, a blank line, a lede and up to `paragraphs` more paragraphs. Every
/// one mentions [`MARKER`] and its [`serial_word`].
fn article(rng: &mut Rng, serial: u32, paragraphs: usize) -> String {
    let words = if rng.chance(50) { EN } else { ID };
    let mut text = String::new();
    if rng.chance(70) {
        let (y, m, d) = (2023 + rng.below(3), 1 + rng.below(12), 1 + rng.below(28));
        text += &format!("Date: {y}-{m:02}-{d:02}\n");
    }
    if rng.chance(60) {
        text += &format!("Source: {}\n", SOURCES[rng.below(SOURCES.len())]);
    }
    if !text.is_empty() {
        text.push('\n');
    }
    let length = 3 + rng.below(6);
    let title = rng.words(words, length);
    let mut title_chars = title.chars();
    let first = title_chars.next().unwrap().to_uppercase();
    text += &format!("{first}{}\n\n", title_chars.as_str());
    let length = 5 + rng.below(30);
    let lede = rng.words(words, length);
    text += &format!("{lede} {MARKER} {}.\n", serial_word(serial));
    for _ in 0..rng.below(paragraphs + 1) {
        let length = 10 + rng.below(60);
        text += &format!("\n{}.\n", rng.words(words, length));
    }
    text
}

/// Writes `count` articles under `folder/`, `per_folder` to a sub-folder; returns their paths.
fn write_corpus(
    s: &Sandbox,
    rng: &mut Rng,
    folder: &str,
    (count, per_folder, paragraphs): (u32, u32, usize),
) -> Vec<String> {
    (0..count)
        .map(|n| {
            let rel = format!("{folder}/f{:02}/a{n:05}.txt", n / per_folder);
            s.write(&rel, article(rng, n, paragraphs));
            rel
        })
        .collect()
}

/// Sets a file's modification time `seconds` after its current one.
fn shift_mtime(path: &Path, seconds: u64) {
    let file = File::options().write(true).open(path).unwrap();
    let mtime = file.metadata().unwrap().modified().unwrap();
    file.set_modified(mtime + Duration::from_secs(seconds))
        .unwrap();
}

/// The id warta gives the article in file `rel` of the sandbox.
fn id_of(s: &Sandbox, rel: &str) -> String {
    // Ids are made from the root's name and the path below it (docs/identity.md): the root is
    // `news/` of the sandbox, so that is the path relative to the sandbox.
    assert!(s.path().join(rel).is_file());
    warta::ingest::article_id(rel)
}

/// `warta --index INDEX ARGS…`
fn run_on(s: &Sandbox, index: &str, args: &[&str]) -> Run {
    let mut all = vec!["--index", index];
    all.extend_from_slice(args);
    s.run(&all)
}

/// `warta search … --json` on an index, which must answer (exit 0 or 1) with the contract.
fn search(s: &Sandbox, index: &str, query: &str, limit: &str) -> (SearchJson, Value) {
    // Serial words (`kode9…`) differ by a letter: spelt exactly, not within typo tolerance.
    let run = run_on(
        s,
        index,
        &["search", query, "--json", "--exact", "--limit", limit],
    );
    assert!(
        run.code == 0 || run.code == 1,
        "search {query:?} in {index}: exit {}: {}",
        run.code,
        run.stderr
    );
    let parsed: SearchJson = run.json();
    assert_eq!(run.code == 0, parsed.total > 0, "exit code and total agree");
    (parsed, run.json())
}

/// Asserts that two answers list the same hits in the same order, fields and scores alike.
fn assert_same_hits(a: &Value, b: &Value, what: &str) {
    let (a, b) = (a["hits"].as_array().unwrap(), b["hits"].as_array().unwrap());
    for (rank, (a, b)) in a.iter().zip(b).enumerate() {
        assert_eq!(a, b, "hit {} of {what}", rank + 1);
    }
    assert_eq!(a.len(), b.len(), "hits of {what}");
}

/// The ids of the hits in an answer.
fn ids(answer: &SearchJson) -> BTreeSet<String> {
    answer.hits.iter().map(|h| h.id.clone()).collect()
}

/// `stats --json` of an index.
fn stats(s: &Sandbox, index: &str) -> StatsJson {
    run_on(s, index, &["stats", "--json"]).code(0).json()
}

/// Asserts that the kept index and the `rebuilt` one hold exactly the articles of `files`, with
/// the same stored fields, and answer [`QUERIES`] alike, every hit ranked the same with the same
/// score: replaced and removed copies that the kept index still holds must not count.
fn assert_same_as_rebuilt(s: &Sandbox, kept: &str, rebuilt: &str, files: &BTreeSet<String>) {
    let (kept_stats, rebuilt_stats) = (stats(s, kept), stats(s, rebuilt));
    assert_eq!(kept_stats.documents, files.len() as u64);
    assert_eq!(rebuilt_stats.documents, files.len() as u64);
    assert_eq!(kept_stats.languages, rebuilt_stats.languages);
    assert_eq!(kept_stats.sources, rebuilt_stats.sources);
    assert_eq!(
        (&kept_stats.oldest, &kept_stats.newest),
        (&rebuilt_stats.oldest, &rebuilt_stats.newest)
    );

    // Every article, found by the word they all share, then other queries: the same hits,
    // ranked the same.
    let expected: BTreeSet<String> = files.iter().map(|rel| id_of(s, rel)).collect();
    let (kept_all, kept_raw) = search(s, kept, MARKER, ALL);
    assert_eq!(
        ids(&kept_all),
        expected,
        "the kept index holds other articles"
    );
    let (_, rebuilt_raw) = search(s, rebuilt, MARKER, ALL);
    assert_same_hits(&kept_raw, &rebuilt_raw, MARKER);
    for query in QUERIES {
        let (kept_answer, kept_raw) = search(s, kept, query, ALL);
        let (rebuilt_answer, rebuilt_raw) = search(s, rebuilt, query, ALL);
        assert!(rebuilt_answer.total >= 5, "{query:?} is too rare to rank");
        assert_eq!(kept_answer.total, rebuilt_answer.total, "{query:?}");
        assert_same_hits(&kept_raw, &rebuilt_raw, query);
    }
}

/// Queries that both indexes must answer alike.
const QUERIES: &[&str] = &[
    "data centre",
    "pusat data",
    "investasi",
    "\"chip factory\"",
    "title:data",
    "ransomware OR kebocoran",
    "startup -funding",
];

#[test]
fn an_index_kept_up_to_date_holds_what_a_rebuild_holds() {
    let s = Sandbox::empty();
    let mut rng = Rng(7);
    let mut files: BTreeSet<String> = write_corpus(&s, &mut rng, "news", (300, 40, PARAGRAPHS))
        .into_iter()
        .collect();
    let mut next_serial = 300;
    let mut new_article = |s: &Sandbox, rel: &str, rng: &mut Rng| {
        s.write(rel, article(rng, next_serial, PARAGRAPHS));
        next_serial += 1;
    };

    // Runs `warta index news` on the kept index and checks its counts, then rebuilds the other.
    let round = |files: &BTreeSet<String>, expect: (u64, u64, u64, u64)| {
        let report: IndexJson = run_on(&s, "kept", &["index", "news", "--json"])
            .code(0)
            .json();
        assert_eq!(
            (
                report.added,
                report.updated,
                report.removed,
                report.unchanged
            ),
            expect,
            "added, updated, removed, unchanged"
        );
        assert_eq!(report.files, files.len() as u64);
        let rebuilt: IndexJson = run_on(&s, "rebuilt", &["index", "--rebuild", "news", "--json"])
            .code(0)
            .json();
        assert_eq!(rebuilt.added, files.len() as u64);
        assert_same_as_rebuilt(&s, "kept", "rebuilt", files);
    };

    round(&files, (300, 0, 0, 0));

    // New files, in existing folders and in a new one.
    for n in 0..40 {
        let rel = match n % 3 {
            0 => format!("news/gadget/g{n:03}.txt"),
            _ => format!("news/f{:02}/new{n:03}.txt", n % 7),
        };
        new_article(&s, &rel, &mut rng);
        files.insert(rel);
    }
    round(&files, (40, 0, 0, 300));

    // Content edits (the file grows), same-size edits (with a later mtime), and mtime-only
    // touches, which must count as unchanged.
    let list: Vec<String> = files.iter().cloned().collect();
    let grown = pick(&list, 0, 11, 25, &[]);
    for rel in &grown {
        let path = s.path().join(rel);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text += &format!("\n{} quokka.\n", rng.words(EN, 20));
        std::fs::write(&path, text).unwrap();
    }
    let same_size = pick(&list, 5, 17, 10, &grown);
    for rel in &same_size {
        let path = s.path().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replacen("kode0", "kode9", 1);
        assert_ne!(text, edited);
        assert_eq!(text.len(), edited.len());
        std::fs::write(&path, edited).unwrap();
        shift_mtime(&path, 2);
    }
    let touched = pick(
        &list,
        3,
        29,
        10,
        &[grown.clone(), same_size.clone()].concat(),
    );
    for rel in &touched {
        shift_mtime(&s.path().join(rel), 5);
    }
    round(&files, (0, 35, 0, files.len() as u64 - 35));
    let new_serials: Vec<String> = same_size
        .iter()
        .map(|rel| std::fs::read_to_string(s.path().join(rel)).unwrap())
        .map(|text| {
            let at = text.find("kode9").unwrap();
            text[at..at + 9].to_string()
        })
        .collect();
    let new_serials = new_serials.join(" ");
    let old_serials = new_serials.replace("kode9", "kode0");
    for index in ["kept", "rebuilt"] {
        let (quokka, _) = search(&s, index, "quokka", ALL);
        assert_eq!(quokka.total, 25, "grown files in {index}");
        let (edited, _) = search(&s, index, &new_serials, ALL);
        assert_eq!(edited.total, 10, "same-size edits in {index}");
        let (stale, _) = search(&s, index, &old_serials, ALL);
        assert_eq!(stale.total, 0, "words edited away in {index}");
    }

    // Deleted files, and a whole deleted folder.
    let list: Vec<String> = files.iter().cloned().collect();
    let deleted = pick(&list, 2, 13, 20, &[]);
    for rel in &deleted {
        std::fs::remove_file(s.path().join(rel)).unwrap();
        files.remove(rel);
    }
    let folder: Vec<String> = files
        .iter()
        .filter(|rel| rel.starts_with("news/f03/"))
        .cloned()
        .collect();
    assert!(folder.len() > 20, "{}", folder.len());
    std::fs::remove_dir_all(s.path().join("news/f03")).unwrap();
    for rel in &folder {
        files.remove(rel);
    }
    let gone = (deleted.len() + folder.len()) as u64;
    round(&files, (0, 0, gone, files.len() as u64));

    // All at once: renames, the deleted folder back with other files, edits and deletions.
    let list: Vec<String> = files.iter().cloned().collect();
    let renamed = pick(&list, 1, 31, 8, &[]);
    for rel in &renamed {
        let to = rel.replace(".txt", "-renamed.txt");
        std::fs::rename(s.path().join(rel), s.path().join(&to)).unwrap();
        files.remove(rel);
        files.insert(to);
    }
    for n in 0..6 {
        let rel = format!("news/f03/back{n}.txt");
        new_article(&s, &rel, &mut rng);
        files.insert(rel);
    }
    let edits = pick(&list, 4, 37, 5, &renamed);
    for rel in &edits {
        let path = s.path().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}\nAn update: {MARKER} wombat.\n")).unwrap();
    }
    let removed = pick(&list, 6, 41, 4, &[renamed.clone(), edits.clone()].concat());
    for rel in &removed {
        std::fs::remove_file(s.path().join(rel)).unwrap();
        files.remove(rel);
    }
    let unchanged = files.len() as u64 - 8 - 6 - 5;
    round(&files, (8 + 6, 5, 8 + 4, unchanged));
    for index in ["kept", "rebuilt"] {
        let (wombat, _) = search(&s, index, "wombat", ALL);
        assert_eq!(wombat.total, 5, "edited files in {index}");
    }
}

/// Every `step`-th of `list` from `first`, passing over those in `taken`, at most `n` of them.
fn pick(list: &[String], first: usize, step: usize, n: usize, taken: &[String]) -> Vec<String> {
    let picked: Vec<String> = list
        .iter()
        .skip(first)
        .step_by(step)
        .filter(|rel| !taken.contains(rel))
        .take(n)
        .cloned()
        .collect();
    assert_eq!(picked.len(), n, "too few files to pick from");
    picked
}

/// Starts `warta --index INDEX ARGS…` in the background, its output captured.
fn spawn_on(s: &Sandbox, index: &str, args: &[&str]) -> Child {
    let mut all = vec!["--index", index];
    all.extend_from_slice(args);
    s.cmd(&all)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start warta")
}

/// Articles in the last commit of an index, as `stats` reports them while a writer may be at
/// work; `None` while there is no index yet.
fn committed(s: &Sandbox, index: &str) -> Option<u64> {
    let run = run_on(s, index, &["stats", "--json"]);
    if run.code == 2 && run.stderr.starts_with("warta: no index at") {
        return None;
    }
    Some(run.code(0).json::<StatsJson>().documents)
}

/// Polls a running `warta index` until its index exists and `done` holds for the committed
/// count, or the run ends; returns the highest count seen.
fn watch(s: &Sandbox, index: &str, writer: &mut Child, done: impl Fn(u64) -> bool) -> u64 {
    let mut seen = 0;
    while writer.try_wait().unwrap().is_none() {
        if let Some(count) = committed(s, index) {
            seen = seen.max(count);
            if done(count) {
                break;
            }
        }
        sleep(Duration::from_millis(50));
    }
    seen
}

/// When to kill a run.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// As soon as it starts.
    Started,
    /// Once its index exists, which it likely has not committed to yet.
    Created,
    /// This long after a commit with at least this many articles is seen.
    Committed(u64, Duration),
}

/// Whether a process was ended by SIGKILL (rather than finishing first).
fn killed(output: &Output) -> bool {
    use std::os::unix::process::ExitStatusExt;
    output.status.signal() == Some(9)
}

#[test]
fn a_killed_index_run_leaves_a_searchable_index_that_a_rerun_completes() {
    const FILES: u32 = 2000;
    let s = Sandbox::empty();
    // Short articles: many files, and a run long for its many commits, not for its work.
    write_corpus(&s, &mut Rng(11), "news", (FILES, 100, 0));
    let n = u64::from(FILES);
    let reference: IndexJson = run_on(&s, "reference", &["index", "news", "--json"])
        .code(0)
        .json();
    assert_eq!(reference.added, n);
    let (everything, expected) = search(&s, "reference", MARKER, ALL);
    assert_eq!(everything.total as u64, n);

    let ms = Duration::from_millis;
    let mut moments = vec![Moment::Started, Moment::Created];
    // At every twelfth of the run, at varying points of the commit interval after it.
    moments.extend((0..=12).map(|k| Moment::Committed((n * k / 12).max(1), ms(k * 37 % 100))));
    let mut kills = 0;
    for (round, moment) in moments.into_iter().enumerate() {
        let index = format!("index-{round}");
        let mut writer = spawn_on(
            &s,
            &index,
            &["index", "news", "--commit-every", OFTEN, "--json"],
        );
        let seen = match moment {
            Moment::Started => 0,
            Moment::Created => watch(&s, &index, &mut writer, |_| true),
            Moment::Committed(target, delay) => {
                let seen = watch(&s, &index, &mut writer, |c| c >= target);
                sleep(delay);
                seen
            }
        };
        let _ = writer.kill();
        let output = writer.wait_with_output().unwrap();
        if killed(&output) {
            kills += 1;
        } else {
            assert!(output.status.success(), "{moment:?}: {output:?}");
        }

        // The index answers from a commit: all seen before the kill, or more. Killed before its
        // first commit, a new index is either not there yet ("no index", exit 2) or empty.
        let query = ["search", MARKER, "--json", "--limit", "0"];
        let after = run_on(&s, &index, &query);
        let count = match after.code {
            0 | 1 => {
                let answer: SearchJson = after.json();
                assert_eq!(stats(&s, &index).documents, answer.total as u64);
                answer.total as u64
            }
            _ => {
                assert!(
                    after.code == 2 && after.stderr.starts_with("warta: no index at"),
                    "{moment:?}: exit {}: {}",
                    after.code,
                    after.stderr
                );
                assert_eq!(seen, 0, "{moment:?}: a commit was seen, then no index");
                0
            }
        };
        assert!(
            (seen..=n).contains(&count),
            "{moment:?}: {count} articles after the kill, {seen} seen committed before"
        );

        // A rerun reads only what was not committed, and ends where an uninterrupted run does.
        let rerun: IndexJson = run_on(&s, &index, &["index", "news", "--json"])
            .code(0)
            .json();
        assert_eq!(
            (rerun.unchanged, rerun.added, rerun.updated, rerun.removed),
            (count, n - count, 0, 0),
            "{moment:?}: rerun after {count} committed"
        );
        let (_, answer) = search(&s, &index, MARKER, ALL);
        assert_same_hits(&answer, &expected, &format!("{MARKER} after {moment:?}"));
    }
    assert!(
        kills >= 10,
        "only {kills} runs were killed before they ended"
    );
}

#[test]
fn one_writer_at_a_time_while_searches_answer_from_the_last_commit() {
    for files in [2000, 5000, 12000] {
        let s = Sandbox::empty();
        write_corpus(&s, &mut Rng(13), "news", (files, 200, 0));
        let n = u64::from(files);
        let args = ["index", "news", "--commit-every", OFTEN, "--json"];
        let mut first = spawn_on(&s, "index", &args);
        let before = watch(&s, "index", &mut first, |c| c > 0);

        // The first writer has committed, so it holds the lock until its last commit.
        let second = run_on(&s, "index", &["index", "news", "--json"]);
        let rebuild = run_on(&s, "index", &["index", "--rebuild", "news"]);
        let (during, _) = search(&s, "index", MARKER, "0");
        let between = committed(&s, "index").unwrap();

        let output = first.wait_with_output().unwrap();
        assert!(output.status.success(), "{output:?}");
        let report: IndexJson = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report.added, n);
        assert_eq!(stats(&s, "index").documents, n);
        if before == 0 || between == n {
            // The first run ended before it could be caught at work: try a longer one.
            continue;
        }

        // The first run committed after all of these ended, so it was writing throughout.
        for other in [second, rebuild] {
            assert_eq!(other.code, 2, "{other:?}");
            assert!(
                other
                    .stderr
                    .starts_with("warta: index is being written by another process"),
                "{}",
                other.stderr
            );
            assert_eq!(other.stderr.lines().count(), 1, "{}", other.stderr);
            assert!(other.stdout.is_empty(), "{}", other.stdout);
        }
        assert!(
            (before..=between).contains(&(during.total as u64)),
            "search found {} while {before}..={between} were committed",
            during.total
        );
        return;
    }
    panic!("every `warta index` run ended before a second one could be started beside it");
}
