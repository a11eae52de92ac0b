//! Output for a person at a terminal.

use std::io::{self, Write};

use warta::report::IndexReport;
use warta::search::{FacetCounts, Hit, Hits, Stats};
use warta::Article;

use super::{escape, sanitize, Style};

/// A headline in bold; records of data sets often have none.
fn title(text: &str, style: Style) -> String {
    if text.is_empty() {
        style.dim("(no title)").into_owned()
    } else {
        style.bold(&sanitize(text)).into_owned()
    }
}

/// Writes one hit: rank and title, path and metadata, snippet with matches marked.
pub fn write_hit(out: &mut impl Write, rank: usize, hit: &Hit, style: Style) -> io::Result<()> {
    let rank = format!("{rank:>2}.");
    writeln!(out, "{} {}", style.dim(&rank), title(&hit.title, style))?;
    writeln!(
        out,
        "    {}{}",
        style.path(&sanitize(&hit.path)),
        style.dim(&meta_line(hit))
    )?;
    writeln!(out, "    {}", marked(hit, style))?;
    if !hit.typo_matches.is_empty() {
        let line = format!("matched: {}", typo_list(&hit.typo_matches));
        writeln!(out, "    {}", style.dim(&sanitize(&line)))?;
    }
    Ok(())
}

/// `covia (for covid), microsft (for microsoft)`: what stood for each misspelt word.
fn typo_list(typos: &std::collections::BTreeMap<String, Vec<String>>) -> String {
    let each = typos
        .iter()
        .map(|(word, stand_ins)| format!("{} (for {word})", stand_ins.join(", ")));
    each.collect::<Vec<_>>().join(", ")
}

/// When no word of the query is in the index as typed, the words searched instead, as a
/// search engine says it: `showing results for covia (no article has covid)`.
pub fn respelled_line(hits: &Hits) -> Option<String> {
    let respelled = hits.expanded.respelled()?;
    let typed = hits.expanded.replaced.join(" or ");
    Some(
        sanitize(&format!(
            "showing results for {respelled} (no article has {typed})"
        ))
        .into_owned(),
    )
}

/// Facet counts after the hits: `source: a 12, b 3`, most first.
pub fn write_facets(out: &mut impl Write, facets: &FacetCounts, style: Style) -> io::Result<()> {
    for (n, (facet, counts)) in facets.iter().enumerate() {
        let list: Vec<String> = most_first(counts)
            .iter()
            .map(|(value, n)| format!("{} {n}", sanitize(value)))
            .collect();
        let gap = if n == 0 { "\n" } else { "" };
        let name = format!("{}:", facet.name());
        writeln!(out, "{gap}{} {}", style.dim(&name), list.join(", "))?;
    }
    Ok(())
}

/// Counts, one `count<TAB>value` line each, most first (as `sort | uniq -c | sort -rn`).
pub fn write_counts(
    out: &mut impl Write,
    counts: &std::collections::BTreeMap<String, u64>,
) -> io::Result<()> {
    for (value, n) in most_first(counts) {
        writeln!(out, "{n}\t{}", sanitize(value))?;
    }
    Ok(())
}

/// The footer for a terminal: which hits were shown of how many.
pub fn write_footer(out: &mut impl Write, hits: &Hits, style: Style) -> io::Result<()> {
    let shown = hits.hits.len();
    let text = if shown == 0 {
        format!("no hits on this page ({} matches in all)", hits.total)
    } else {
        let (first, last) = (hits.offset + 1, hits.offset + shown);
        let more = if last < hits.total {
            format!("; next page: --offset {last}")
        } else {
            String::new()
        };
        format!(
            "{first}-{last} of {} matches in {:.1} ms{more}",
            hits.total, hits.took_ms
        )
    };
    writeln!(out, "\n{}", style.dim(&text))
}

fn meta_line(hit: &Hit) -> String {
    let mut parts = vec![sanitize(&hit.lang).into_owned()];
    if let Some(source) = &hit.source {
        parts.push(sanitize(source).into_owned());
    }
    if let Some(published) = &hit.published {
        parts.push(published.to_iso());
    }
    match hit.duplicates.len() {
        0 => {}
        1 => parts.push("+1 copy".into()),
        n => parts.push(format!("+{n} copies")),
    }
    format!("  {}", parts.join(" · "))
}

/// The snippet with its highlighted ranges painted.
fn marked(hit: &Hit, style: Style) -> String {
    let chars: Vec<char> = hit.snippet.text.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    for &(from, to) in &hit.snippet.highlights {
        let (from, to) = (from.min(chars.len()), to.min(chars.len()));
        if from < at {
            continue;
        }
        out.push_str(&sanitize(&chars[at..from].iter().collect::<String>()));
        out.push_str(&style.matched(&sanitize(&chars[from..to].iter().collect::<String>())));
        at = to;
    }
    out.push_str(&sanitize(&chars[at..].iter().collect::<String>()));
    out
}

/// Writes one article in full.
pub fn write_article(out: &mut impl Write, a: &Article, style: Style) -> io::Result<()> {
    writeln!(out, "{}", title(&a.title, style))?;
    let mut meta = vec![format!("id {}", a.id), a.path.clone(), a.lang.clone()];
    meta.extend(a.source.clone());
    meta.extend(a.published.map(|p| p.to_iso()));
    meta.extend(a.author.as_ref().map(|x| format!("by {x}")));
    writeln!(out, "{}", style.dim(&sanitize(&meta.join(" · "))))?;
    if let Some(url) = &a.url {
        writeln!(out, "{}", style.path(&sanitize(url)))?;
    }
    if !a.tags.is_empty() {
        writeln!(
            out,
            "{}",
            style.dim(&sanitize(&format!("tags: {}", a.tags.join(", "))))
        )?;
    }
    for block in [&a.lede, &a.body] {
        if !block.is_empty() {
            writeln!(out)?;
            for para in block.split("\n\n") {
                let para = sanitize(para);
                if a.headings.iter().any(|h| h == &*para) {
                    writeln!(out, "{}\n", style.bold(&para))?;
                } else {
                    writeln!(out, "{para}\n")?;
                }
            }
        }
    }
    Ok(())
}

/// Counts, the largest first (ties by value), as every count list here is shown.
fn most_first(counts: &std::collections::BTreeMap<String, u64>) -> Vec<(&String, &u64)> {
    let mut sorted: Vec<(&String, &u64)> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    sorted
}

/// Writes index statistics.
pub fn write_stats(out: &mut impl Write, s: &Stats, style: Style) -> io::Result<()> {
    let counts = |map: &std::collections::BTreeMap<String, u64>, top: usize| {
        let v = most_first(map);
        let mut text: Vec<String> = v
            .iter()
            .take(top)
            .map(|(k, n)| format!("{} {n}", sanitize(k)))
            .collect();
        if v.len() > top {
            text.push(format!("… {} more", v.len() - top));
        }
        if text.is_empty() {
            "none".to_string()
        } else {
            text.join(", ")
        }
    };
    let span = match (&s.oldest, &s.newest) {
        (Some(o), Some(n)) => format!("{} to {}", o.to_iso(), n.to_iso()),
        _ => "no dates".to_string(),
    };
    let rows = [
        (
            "index",
            format!(
                "{} ({})",
                escape(&s.index_dir.display().to_string()),
                human_bytes(s.index_bytes)
            ),
        ),
        ("documents", s.documents.to_string()),
        ("languages", counts(&s.languages, 10)),
        ("sources", counts(&s.sources, 10)),
        ("published", span),
    ];
    for (label, value) in rows {
        writeln!(out, "{} {value}", style.bold(&format!("{label:<10}")))?;
    }
    Ok(())
}

/// The one-line summary of an index run.
pub fn index_summary(r: &IndexReport) -> String {
    // Copies folded into an article known by its URL show only when there were some.
    let folded = match r.folded {
        0 => String::new(),
        n => format!(", {n} folded"),
    };
    let mut text = format!(
        "{} files: {} added, {} updated, {} unchanged, {} removed{folded}; {} skipped, {} failed",
        r.files, r.added, r.updated, r.unchanged, r.removed, r.skipped, r.failed,
    );
    if r.warnings > 0 {
        let s = if r.warnings == 1 { "" } else { "s" };
        text.push_str(&format!(", {} warning{s}", r.warnings));
    }
    if !r.passed_over.is_empty() {
        let counts: Vec<String> = r
            .passed_over
            .iter()
            .map(|(kind, n)| format!("{n} {}", kind.replace('_', " ")))
            .collect();
        text.push_str(&format!(
            "; web archive records passed over: {}",
            counts.join(", ")
        ));
    }
    text.push_str(&format!(" in {:.2} s", r.took_ms / 1000.0));
    if r.interrupted {
        text.push_str(" (interrupted; what was done is committed)");
    }
    text
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}
