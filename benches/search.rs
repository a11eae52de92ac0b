//! In-process search latency: opens an index once through the library and times
//! `Engine::search` (top 10 with snippets, as `warta search` does) over a fixed query set.
//!
//! ```sh
//! cargo bench --bench search -- --index DIR [--queries benches/queries.txt] [--reps 20] [--json]
//! cargo bench --bench search -- --index DIR --newsdesk
//! ```
//!
//! Prints p50/p95 per query kind and overall, in microseconds; `--json` prints one object
//! for scripts (benches/compare.py). `--newsdesk` instead times every query twice in turn,
//! plain (no story collapse, no facets) and as a news desk searches (collapse and the three
//! facets), and prints both p50s and their ratio. No criterion: a plain main
//! (`harness = false`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use warta::search::{Engine, Facet, SearchOptions};

struct Args {
    index: PathBuf,
    queries: PathBuf,
    reps: usize,
    json: bool,
    newsdesk: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        index: PathBuf::new(),
        queries: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/queries.txt")),
        reps: 20,
        json: false,
        newsdesk: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--index" => args.index = value("--index")?.into(),
            "--queries" => args.queries = value("--queries")?.into(),
            "--reps" => {
                args.reps = value("--reps")?
                    .parse()
                    .map_err(|_| "--reps needs a number")?
            }
            "--json" => args.json = true,
            "--newsdesk" => args.newsdesk = true,
            // cargo bench passes --bench to every bench target.
            "--bench" => {}
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if args.index.as_os_str().is_empty() {
        return Err("--index DIR is needed".into());
    }
    Ok(args)
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
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("search bench: {e}");
            return ExitCode::from(2);
        }
    };
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
        let engine = Engine::open(&args.index).map_err(|e| e.to_string())?;
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

/// Plain search against collapse + facets, each query timed both ways in turn.
fn newsdesk(args: &Args) -> Result<(), String> {
    let queries = read_queries(&args.queries)?;
    let engine = Engine::open(&args.index).map_err(|e| e.to_string())?;
    let plain: Vec<SearchOptions> = queries
        .iter()
        .map(|(_, q)| {
            let mut o = SearchOptions::new(q.as_str());
            o.collapse = false;
            o
        })
        .collect();
    let desk: Vec<SearchOptions> = queries
        .iter()
        .map(|(_, q)| {
            let mut o = SearchOptions::new(q.as_str());
            o.collapse = true;
            o.facets = vec![Facet::Source, Facet::Lang, Facet::Year];
            o
        })
        .collect();
    for o in plain.iter().chain(&desk) {
        engine.search(o).map_err(|e| e.to_string())?;
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..args.reps {
        for (p, d) in plain.iter().zip(&desk) {
            for (options, times) in [(p, &mut a), (d, &mut b)] {
                let started = Instant::now();
                std::hint::black_box(engine.search(options).map_err(|e| e.to_string())?);
                times.push(started.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (pa, pb) = (percentile(&a, 50.0), percentile(&b, 50.0));
    println!("{} searches each way", a.len());
    println!(
        "plain                   p50 {pa:>8.0} µs  p95 {:>8.0} µs",
        percentile(&a, 95.0)
    );
    println!(
        "collapse + 3 facets     p50 {pb:>8.0} µs  p95 {:>8.0} µs",
        percentile(&b, 95.0)
    );
    println!("ratio p50 {:.2}", pb / pa);
    Ok(())
}
