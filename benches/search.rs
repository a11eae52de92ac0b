//! In-process search latency: opens an index once through the library and times
//! `Engine::search` (top 10 with snippets, as `warta search` does) over a fixed query set.
//!
//! ```sh
//! cargo bench
//! cargo bench --bench search -- --index DIR [--queries benches/queries.txt] [--reps 20] [--json]
//! cargo bench --bench search -- --index DIR --newsdesk
//! cargo bench --bench search -- --big-article [--reps 20]
//! ```
//!
//! Without `--index` it first indexes the shipped `corpus/` into a temporary folder with the
//! `warta` binary, so `cargo bench` alone works in a fresh checkout (on a corpus that small the
//! figures say little; give it a large index for real ones).
//!
//! Prints p50/p95 per query kind and overall, in microseconds; `--json` prints one object
//! for scripts (benches/compare.py). `--newsdesk` instead times every query four ways in turn,
//! plain (no story collapse, no facets), with story collapse, with the three facets, and as a
//! news desk searches (both), and prints the p50s of wall and thread CPU time and their ratios
//! to plain search. `--big-article` builds its own index (a 200 MB article, cut to the text limit
//! per article, beside ordinary ones) and times a search matching the huge article against
//! the same search matching an ordinary one, in-process (on an open index, and as the first
//! search of a freshly opened one, whose docstore block cache is empty) and as whole `warta
//! search` processes, side by side, and prints the ratios. No criterion: a plain main (`harness = false`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use warta::search::{Engine, Facet, SearchOptions};

struct Args {
    /// `--index`, or `None` to index `corpus/` in a temporary folder.
    index: Option<PathBuf>,
    queries: PathBuf,
    reps: usize,
    json: bool,
    newsdesk: bool,
    big_article: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        index: None,
        queries: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/queries.txt")),
        reps: 20,
        json: false,
        newsdesk: false,
        big_article: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--index" => args.index = Some(value("--index")?.into()),
            "--queries" => args.queries = value("--queries")?.into(),
            "--reps" => {
                args.reps = value("--reps")?
                    .parse()
                    .map_err(|_| "--reps needs a number")?
            }
            "--json" => args.json = true,
            "--newsdesk" => args.newsdesk = true,
            "--big-article" => args.big_article = true,
            // cargo bench passes --bench to every bench target.
            "--bench" => {}
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

/// Indexes the shipped `corpus/` into a temporary folder with the `warta` binary (not the
/// library, so the bench measures the index a user gets), returning the folder and the index.
fn index_corpus() -> Result<(tempfile::TempDir, PathBuf), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temporary folder: {e}"))?;
    let index = dir.path().join("index");
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
    eprintln!("search bench: no --index given; indexing {corpus} into a temporary folder");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_warta"))
        .arg("--index")
        .arg(&index)
        .args(["--quiet", "index", corpus])
        .status()
        .map_err(|e| format!("running warta index: {e}"))?;
    if !status.success() {
        return Err(format!("warta index {corpus} failed ({status})"));
    }
    Ok((dir, index))
}

impl Args {
    /// The index to search (set by `main` before any search).
    fn index(&self) -> &Path {
        self.index.as_deref().expect("main sets the index")
    }
}

/// `(kind, query)` pairs from a query file: `KIND<TAB>QUERY`, `#` comments.
fn read_queries(path: &PathBuf) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once('\t') {
            Some((kind, query)) => (kind.to_string(), query.to_string()),
            None => ("query".to_string(), l.to_string()),
        })
        .collect())
}

/// The `p`-th percentile (nearest rank) of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() -> ExitCode {
    let mut args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("search bench: {e}");
            return ExitCode::from(2);
        }
    };
    if args.big_article {
        return match big_article(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("search bench: {e}");
                ExitCode::from(2)
            }
        };
    }
    // Held to the end of main: dropping it removes the temporary index.
    let mut _temporary = None;
    if args.index.is_none() {
        match index_corpus() {
            Ok((dir, index)) => {
                args.index = Some(index);
                _temporary = Some(dir);
            }
            Err(e) => {
                eprintln!("search bench: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if args.newsdesk {
        return match newsdesk(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("search bench: {e}");
                ExitCode::from(2)
            }
        };
    }
    let run = || -> Result<(), String> {
        let queries = read_queries(&args.queries)?;
        let opened = Instant::now();
        let engine = Engine::open(args.index()).map_err(|e| e.to_string())?;
        let open_us = opened.elapsed().as_secs_f64() * 1e6;
        let options: Vec<SearchOptions> = queries
            .iter()
            .map(|(_, q)| SearchOptions::new(q.as_str()))
            .collect();
        // One warm-up pass: the first touch of each posting list and doc block pages it in.
        for o in &options {
            engine.search(o).map_err(|e| e.to_string())?;
        }
        let mut by_kind: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut all = Vec::new();
        let mut per_query: Vec<Vec<f64>> = vec![Vec::new(); options.len()];
        for _ in 0..args.reps {
            for (n, o) in options.iter().enumerate() {
                let started = Instant::now();
                let hits = engine.search(o).map_err(|e| e.to_string())?;
                let us = started.elapsed().as_secs_f64() * 1e6;
                std::hint::black_box(hits);
                by_kind.entry(queries[n].0.as_str()).or_default().push(us);
                per_query[n].push(us);
                all.push(us);
            }
        }
        for v in by_kind.values_mut().chain(per_query.iter_mut()) {
            v.sort_by(f64::total_cmp);
        }
        all.sort_by(f64::total_cmp);
        if args.json {
            let kinds: serde_json::Map<String, serde_json::Value> = by_kind
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        serde_json::json!({"p50_us": percentile(v, 50.0), "p95_us": percentile(v, 95.0)}),
                    )
                })
                .collect();
            let queries: Vec<serde_json::Value> = queries
                .iter()
                .zip(&per_query)
                .map(|((kind, q), v)| {
                    serde_json::json!({"kind": kind, "query": q, "p50_us": percentile(v, 50.0)})
                })
                .collect();
            let out = serde_json::json!({
                "open_us": open_us,
                "reps": args.reps,
                "searches": all.len(),
                "p50_us": percentile(&all, 50.0),
                "p95_us": percentile(&all, 95.0),
                "kinds": kinds,
                "queries": queries,
            });
            println!("{out}");
        } else {
            println!("index opened in {open_us:.0} µs; {} searches", all.len());
            println!("{:<10} {:>10} {:>10}", "kind", "p50 µs", "p95 µs");
            for (kind, v) in &by_kind {
                println!(
                    "{kind:<10} {:>10.0} {:>10.0}",
                    percentile(v, 50.0),
                    percentile(v, 95.0)
                );
            }
            println!(
                "{:<10} {:>10.0} {:>10.0}",
                "all",
                percentile(&all, 50.0),
                percentile(&all, 95.0)
            );
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("search bench: {e}");
            ExitCode::from(2)
        }
    }
}

/// CPU time of the calling thread, in microseconds: on a shared machine it moves much less
/// with the load than the wall clock does.
fn thread_cpu_micros() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the valid, exclusively borrowed `ts`.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e6 + ts.tv_nsec as f64 / 1e3
}

/// Plain search against story collapse, facets, and both, each query timed every way in turn
/// (wall clock and thread CPU time).
fn newsdesk(args: &Args) -> Result<(), String> {
    let queries = read_queries(&args.queries)?;
    let engine = Engine::open(args.index()).map_err(|e| e.to_string())?;
    let ways: [(&str, bool, bool); 4] = [
        ("plain", false, false),
        ("collapse", true, false),
        ("3 facets", false, true),
        ("collapse + 3 facets", true, true),
    ];
    let options: Vec<Vec<SearchOptions>> = ways
        .iter()
        .map(|&(_, collapse, facets)| {
            let for_query = |(_, q): &(String, String)| {
                let mut o = SearchOptions::new(q.as_str());
                o.collapse = collapse;
                if facets {
                    o.facets = vec![Facet::Source, Facet::Lang, Facet::Year];
                }
                o
            };
            queries.iter().map(for_query).collect()
        })
        .collect();
    for o in options.iter().flatten() {
        engine.search(o).map_err(|e| e.to_string())?;
    }
    let mut wall = vec![Vec::new(); ways.len()];
    let mut cpu = vec![Vec::new(); ways.len()];
    for rep in 0..args.reps {
        for query in 0..queries.len() {
            // The first way to run a query meets its postings cold in the CPU caches: rotate
            // which way goes first, so that no way pays that more often than the others.
            for turn in 0..ways.len() {
                let way = (rep + query + turn) % ways.len();
                let options = &options[way];
                let (started, cpu_started) = (Instant::now(), thread_cpu_micros());
                let hits = engine.search(&options[query]).map_err(|e| e.to_string())?;
                std::hint::black_box(hits);
                wall[way].push(started.elapsed().as_secs_f64() * 1e6);
                cpu[way].push(thread_cpu_micros() - cpu_started);
            }
        }
    }
    for times in wall.iter_mut().chain(cpu.iter_mut()) {
        times.sort_by(f64::total_cmp);
    }
    let p50 = |times: &[f64]| percentile(times, 50.0);
    println!("{} searches each way", wall[0].len());
    println!(
        "{:<22} {:>13} {:>13} {:>13} {:>10} {:>10}",
        "", "wall p50 µs", "wall p95 µs", "CPU p50 µs", "wall ×", "CPU ×"
    );
    for (way, (name, _, _)) in ways.iter().enumerate() {
        println!(
            "{name:<22} {:>13.0} {:>13.0} {:>13.0} {:>10.2} {:>10.2}",
            p50(&wall[way]),
            percentile(&wall[way], 95.0),
            p50(&cpu[way]),
            p50(&wall[way]) / p50(&wall[0]),
            p50(&cpu[way]) / p50(&cpu[0]),
        );
    }
    Ok(())
}

/// Text of `bytes` or a little more made of words drawn from a made-up vocabulary (so that it
/// compresses as prose does, not as one line repeated), with `marker` in every paragraph.
fn prose(bytes: usize, marker: &str, seed: u64) -> String {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let syllables = [
        "ka", "ro", "mi", "ten", "sa", "lu", "per", "dan", "gi", "o", "via", "net",
    ];
    let vocabulary: Vec<String> = (0..4000)
        .map(|_| {
            let n = 1 + next() % 4;
            (0..n)
                .map(|_| syllables[(next() % syllables.len() as u64) as usize])
                .collect()
        })
        .collect();
    let mut text = String::with_capacity(bytes + 1024);
    while text.len() < bytes {
        text.push_str(marker);
        for n in 0..120 {
            text.push(' ');
            text.push_str(&vocabulary[(next() % vocabulary.len() as u64) as usize]);
            if n % 15 == 14 {
                text.push('.');
            }
        }
        text.push_str(".\n\n");
    }
    text
}

/// A search matching one huge article against the same search matching an ordinary one.
fn big_article(args: &Args) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temporary folder: {e}"))?;
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
    let write = |name: &str, text: String| {
        std::fs::write(corpus.join(name), text).map_err(|e| format!("{name}: {e}"))
    };
    write(
        "huge.txt",
        format!(
            "A huge zebrafoo article\n\n{}",
            prose(200 << 20, "Zebrafoo", 7)
        ),
    )?;
    write(
        "normal.txt",
        format!(
            "A normal quokkabar article\n\n{}",
            prose(3 << 10, "Quokkabar", 11)
        ),
    )?;
    for n in 0..300 {
        write(
            &format!("filler-{n:03}.txt"),
            format!("Filler {n}\n\n{}", prose(3 << 10, "Filler", 100 + n)),
        )?;
    }
    let index = dir.path().join("index");
    let warta = env!("CARGO_BIN_EXE_warta");
    let status = std::process::Command::new(warta)
        .arg("--index")
        .arg(&index)
        .args(["--quiet", "index"])
        .arg(&corpus)
        .status()
        .map_err(|e| format!("running warta index: {e}"))?;
    if !status.success() {
        return Err(format!("warta index failed ({status})"));
    }
    std::fs::remove_file(corpus.join("huge.txt")).map_err(|e| e.to_string())?;
    let engine = Engine::open(&index).map_err(|e| e.to_string())?;
    let huge = SearchOptions::new("zebrafoo");
    let normal = SearchOptions::new("quokkabar");
    let hit = engine.search(&huge).map_err(|e| e.to_string())?;
    let id = &hit.hits.first().ok_or("the huge article is not found")?.id;
    let stored = engine.get(id).map_err(|e| e.to_string())?;
    println!(
        "huge article: 200 MiB written, {} KiB of text stored (title, lede, body)",
        (stored.title.len() + stored.lede.len() + stored.body.len()) >> 10
    );
    // In-process: the index opened once, the two searches in turn.
    let (mut wall, mut cpu) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    for rep in 0..args.reps * 5 + 2 {
        for (n, options) in [&huge, &normal].into_iter().enumerate() {
            let (started, cpu_started) = (Instant::now(), thread_cpu_micros());
            std::hint::black_box(engine.search(options).map_err(|e| e.to_string())?);
            if rep >= 2 {
                wall[n].push(started.elapsed().as_secs_f64() * 1e6);
                cpu[n].push(thread_cpu_micros() - cpu_started);
            }
        }
    }
    // In-process, the first search of a freshly opened index: the hit's docstore block is not
    // in tantivy's block cache yet, so it is decompressed (the huge article's 128 KiB).
    let mut cold = [Vec::new(), Vec::new()];
    for rep in 0..args.reps * 5 + 1 {
        for (n, options) in [&huge, &normal].into_iter().enumerate() {
            let engine = Engine::open(&index).map_err(|e| e.to_string())?;
            let started = Instant::now();
            std::hint::black_box(engine.search(options).map_err(|e| e.to_string())?);
            if rep >= 1 {
                cold[n].push(started.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    // Whole processes, as `warta search` runs from a shell.
    let mut process = [Vec::new(), Vec::new()];
    for rep in 0..args.reps + 1 {
        for (n, query) in ["zebrafoo", "quokkabar"].into_iter().enumerate() {
            let started = Instant::now();
            let out = std::process::Command::new(warta)
                .arg("--index")
                .arg(&index)
                .args(["search", query, "--format", "json"])
                .output()
                .map_err(|e| format!("running warta search: {e}"))?;
            if !out.status.success() {
                return Err(format!("warta search {query} failed ({})", out.status));
            }
            if rep >= 1 {
                process[n].push(started.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    for times in wall
        .iter_mut()
        .chain(&mut cpu)
        .chain(&mut cold)
        .chain(&mut process)
    {
        times.sort_by(f64::total_cmp);
    }
    let p50 = |times: &[f64]| percentile(times, 50.0);
    println!(
        "{:<30} {:>12} {:>12} {:>8}",
        "p50 µs", "huge", "ordinary", "ratio"
    );
    for (name, times) in [
        ("in-process wall", &wall),
        ("in-process thread CPU", &cpu),
        ("in-process, first search", &cold),
        ("whole process (warta search)", &process),
    ] {
        println!(
            "{name:<30} {:>12.0} {:>12.0} {:>8.2}",
            p50(&times[0]),
            p50(&times[1]),
            p50(&times[0]) / p50(&times[1])
        );
    }
    Ok(())
}
