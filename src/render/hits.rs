//! A page of hits in each output format. As ripgrep's printers implement its `Sink`, each format
//! is one `HitPrinter` that is told where a page begins, each hit in rank order, and where the
//! page ends; `print_hits` drives whichever printer the user asked for.

use std::collections::HashSet;
use std::io::{self, Write};

use warta::search::{Hit, Hits};

use super::json::{write_line, HitJson, SearchJson};
use super::{escape, terminal, Style};

/// The output formats of `search` and `similar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Ranked hits with snippets, for a person.
    Text,
    /// One JSON object for the page.
    Json,
    /// One JSON object per hit, a line each.
    Jsonl,
    /// Tab-separated values, a line per hit.
    Tsv,
    /// The file of each hit, once.
    Paths,
}

/// One output format: told about a page of hits in three steps.
pub trait HitPrinter {
    /// A page begins.
    fn begin(&mut self, _hits: &Hits) -> io::Result<()> {
        Ok(())
    }

    /// One hit, at `rank` (1 for the first hit of the first page).
    fn hit(&mut self, rank: usize, hit: &Hit) -> io::Result<()>;

    /// The page is over.
    fn finish(&mut self, _hits: &Hits) -> io::Result<()> {
        Ok(())
    }
}

/// Writes a page of hits to stdout in `format`. `footer` adds the terminal's "1-10 of 42" line
/// to text output.
pub fn print_hits(hits: &Hits, format: Format, style: Style, footer: bool) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let mut printer = printer(format, &mut out, style, footer);
    print_page(printer.as_mut(), hits)?;
    drop(printer);
    out.flush()
}

/// Writes the number of matching articles, alone on a line (`search --count`).
pub fn print_count(total: usize) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{total}")?;
    out.flush()
}

/// The printer of one format, writing to `out`.
pub fn printer<'w>(
    format: Format,
    out: &'w mut dyn Write,
    style: Style,
    footer: bool,
) -> Box<dyn HitPrinter + 'w> {
    match format {
        Format::Text => Box::new(Text {
            out,
            style,
            footer,
            first: true,
        }),
        Format::Json => Box::new(Json { out }),
        Format::Jsonl => Box::new(JsonLines { out }),
        Format::Tsv => Box::new(Tsv { out }),
        Format::Paths => Box::new(Paths {
            out,
            seen: HashSet::new(),
        }),
    }
}

/// Tells `printer` about every hit of a page, in rank order.
pub fn print_page(printer: &mut dyn HitPrinter, hits: &Hits) -> io::Result<()> {
    printer.begin(hits)?;
    for (n, hit) in hits.hits.iter().enumerate() {
        printer.hit(hits.offset + n + 1, hit)?;
    }
    printer.finish(hits)
}

/// For a person: each hit as three lines, a blank line between hits, then the facet counts and
/// (on a terminal) which hits these were of how many.
struct Text<'w> {
    out: &'w mut dyn Write,
    style: Style,
    footer: bool,
    first: bool,
}

impl HitPrinter for Text<'_> {
    fn begin(&mut self, hits: &Hits) -> io::Result<()> {
        self.first = true;
        match terminal::respelled_line(hits) {
            Some(line) if !hits.hits.is_empty() => writeln!(self.out, "{line}\n"),
            _ => Ok(()),
        }
    }

    fn hit(&mut self, rank: usize, hit: &Hit) -> io::Result<()> {
        if !self.first {
            writeln!(self.out)?;
        }
        self.first = false;
        terminal::write_hit(&mut self.out, rank, hit, self.style)
    }

    fn finish(&mut self, hits: &Hits) -> io::Result<()> {
        terminal::write_facets(&mut self.out, &hits.facets, self.style)?;
        if self.footer {
            terminal::write_footer(&mut self.out, hits, self.style)?;
        }
        Ok(())
    }
}

/// The page as one JSON object: it is written whole when the page ends.
struct Json<'w> {
    out: &'w mut dyn Write,
}

impl HitPrinter for Json<'_> {
    fn hit(&mut self, _rank: usize, _hit: &Hit) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, hits: &Hits) -> io::Result<()> {
        write_line(&mut self.out, &SearchJson::new(hits))
    }
}

/// Each hit as a JSON object on a line of its own.
struct JsonLines<'w> {
    out: &'w mut dyn Write,
}

impl HitPrinter for JsonLines<'_> {
    fn hit(&mut self, _rank: usize, hit: &Hit) -> io::Result<()> {
        write_line(&mut self.out, &HitJson::new(hit))
    }
}

/// Tab-separated lines: id, score, published, lang, source, path, title, url. Tabs and line
/// breaks inside a value become spaces, other control characters are escaped (`\x1b`);
/// unknown values are empty.
struct Tsv<'w> {
    out: &'w mut dyn Write,
}

impl HitPrinter for Tsv<'_> {
    fn hit(&mut self, _rank: usize, hit: &Hit) -> io::Result<()> {
        let clean = |s: &str| escape(&s.replace(['\t', '\n', '\r'], " ")).into_owned();
        let fields = [
            clean(&hit.id),
            format!("{:.4}", hit.score),
            hit.published.map(|p| p.to_iso()).unwrap_or_default(),
            clean(&hit.lang),
            hit.source.as_deref().map(clean).unwrap_or_default(),
            clean(&hit.path),
            clean(&hit.title),
            hit.url.as_deref().map(clean).unwrap_or_default(),
        ];
        writeln!(self.out, "{}", fields.join("\t"))
    }
}

/// The file of each hit, once per page, in rank order (a record's `file#N` is its file). A name
/// with control characters is printed escaped (`\x1b`, as `ls -b` does), never raw.
struct Paths<'w> {
    out: &'w mut dyn Write,
    seen: HashSet<String>,
}

impl HitPrinter for Paths<'_> {
    fn begin(&mut self, _hits: &Hits) -> io::Result<()> {
        self.seen.clear();
        Ok(())
    }

    fn hit(&mut self, _rank: usize, hit: &Hit) -> io::Result<()> {
        let file = match hit.path.rsplit_once('#') {
            Some((file, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => file,
            _ => hit.path.as_str(),
        };
        if self.seen.insert(file.to_string()) {
            writeln!(self.out, "{}", escape(file))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warta::search::Snippet;

    fn hit(id: &str, path: &str) -> Hit {
        Hit {
            id: id.into(),
            score: 1.5,
            title: format!("Title\tof {id}"),
            path: path.into(),
            url: None,
            source: Some("kabartekno".into()),
            published: None,
            fetched: None,
            lang: "id".into(),
            snippet: Snippet {
                text: "a snippet".into(),
                highlights: vec![(2, 9)],
            },
            duplicates: Vec::new(),
            typo_matches: Default::default(),
        }
    }

    fn page() -> Hits {
        Hits {
            query: "q".into(),
            total: 3,
            offset: 0,
            limit: 10,
            took_ms: 1.0,
            hits: vec![
                hit("a", "x.jsonl#1"),
                hit("b", "x.jsonl#2"),
                hit("c", "y#z.txt"),
            ],
            facets: Default::default(),
            expanded: Default::default(),
        }
    }

    fn printed(format: Format) -> String {
        let mut out = Vec::new();
        let mut p = printer(format, &mut out, Style { color: false }, false);
        print_page(p.as_mut(), &page()).unwrap();
        drop(p);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn paths_name_each_file_once() {
        assert_eq!(printed(Format::Paths), "x.jsonl\ny#z.txt\n");
    }

    #[test]
    fn tsv_has_eight_clean_columns_per_hit() {
        let tsv = printed(Format::Tsv);
        let rows: Vec<Vec<&str>> = tsv.lines().map(|l| l.split('\t').collect()).collect();
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.len() == 8));
        assert_eq!(rows[0][..3], ["a", "1.5000", ""]);
        assert_eq!(rows[0][6], "Title of a");
    }

    #[test]
    fn json_lines_agree_with_the_page_object() {
        let page: serde_json::Value = serde_json::from_str(&printed(Format::Json)).unwrap();
        let lines: Vec<serde_json::Value> = printed(Format::Jsonl)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(page["hits"].as_array().unwrap(), &lines);
    }

    #[test]
    fn text_ranks_hits_from_the_page_offset() {
        let mut hits = page();
        hits.offset = 10;
        let mut out = Vec::new();
        let mut p = printer(Format::Text, &mut out, Style { color: false }, false);
        print_page(p.as_mut(), &hits).unwrap();
        drop(p);
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("11. Title of a\n"), "{text}");
        assert!(text.contains("\n\n13. Title of c\n"), "{text}");
    }
}
