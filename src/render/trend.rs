//! `warta trend` for a person: a line per period with its count and a bar scaled to the
//! terminal's width (`2025-08  12 ████▌`), as a histogram in a terminal. Bars are drawn when
//! piped too (they are text); colour only on a terminal, as `Style` decides.

use std::io::{self, Write};

use warta::search::Trend;

use super::{sanitize, Style};

/// The width assumed when it cannot be read (piped, no `COLUMNS`).
const DEFAULT_WIDTH: usize = 80;
/// The narrowest and widest widths drawn for, whatever `COLUMNS` says.
const WIDTHS: std::ops::RangeInclusive<usize> = 20..=400;
/// The shortest bar room, on however narrow a terminal.
const MIN_BAR: usize = 10;
/// Eighths of a block, for the end of a bar.
const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// The width to draw for: the terminal's when stdout is one, else `COLUMNS`, else 80.
pub fn terminal_width(on_terminal: bool) -> usize {
    let columns = || std::env::var("COLUMNS").ok()?.trim().parse::<usize>().ok();
    let width = on_terminal
        .then(stdout_columns)
        .flatten()
        .or_else(columns)
        .unwrap_or(DEFAULT_WIDTH);
    width.clamp(*WIDTHS.start(), *WIDTHS.end())
}

/// The columns of the terminal on stdout, as the kernel knows them.
#[cfg(unix)]
fn stdout_columns() -> Option<usize> {
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct it is given, which lives here.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

#[cfg(not(unix))]
fn stdout_columns() -> Option<usize> {
    None
}

/// Writes a line per period, `undated` after them when some matches have no date, and on a
/// terminal (`footer`) a line saying how many matched.
pub fn write_trend(
    out: &mut impl Write,
    trend: &Trend,
    width: usize,
    style: Style,
    footer: bool,
) -> io::Result<()> {
    let undated = (trend.undated > 0).then_some(("undated", trend.undated));
    let lines: Vec<(&str, u64)> = trend
        .periods
        .iter()
        .map(|p| (p.label.as_str(), p.count))
        .chain(undated)
        .collect();
    let label_width = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let most = lines.iter().map(|&(_, n)| n).max().unwrap_or(0);
    let count_width = most.to_string().len();
    let room = width
        .saturating_sub(label_width + count_width + 3)
        .max(MIN_BAR);
    for (label, count) in lines {
        let bar = bar(count, most, room);
        let line = format!("{label:<label_width$}  {count:>count_width$}");
        if bar.is_empty() {
            writeln!(out, "{line}")?;
        } else {
            writeln!(out, "{line} {}", style.bar(&bar))?;
        }
    }
    if footer {
        let text = format!(
            "{} matching article{} by {}{} in {:.1} ms",
            trend.total,
            if trend.total == 1 { "" } else { "s" },
            trend.by.name(),
            if trend.undated > 0 {
                format!(", {} undated", trend.undated)
            } else {
                String::new()
            },
            trend.took_ms
        );
        let gap = if trend.total > 0 { "\n" } else { "" };
        writeln!(out, "{gap}{}", style.dim(&sanitize(&text)))?;
    }
    Ok(())
}

/// A bar of `count` out of `most` in `room` columns, in eighths of a block; a count above 0
/// gets an eighth at least.
fn bar(count: u64, most: u64, room: usize) -> String {
    if count == 0 || most == 0 {
        return String::new();
    }
    let eighths = (u128::from(count) * room as u128 * 8 + u128::from(most) / 2) / u128::from(most);
    let eighths = (eighths as usize).max(1);
    let mut bar = "█".repeat(eighths / 8);
    bar.push_str(EIGHTHS[eighths % 8]);
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use warta::search::{Period, PeriodCount};

    fn trend(counts: &[(&str, u64)], undated: u64) -> Trend {
        let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        Trend {
            query: "q".into(),
            by: Period::Month,
            total: counts.iter().map(|&(_, n)| n).sum::<u64>() + undated,
            undated,
            periods: counts
                .iter()
                .map(|&(label, count)| PeriodCount {
                    label: label.into(),
                    first_day: day,
                    last_day: day,
                    count,
                })
                .collect(),
            took_ms: 1.0,
        }
    }

    fn written(t: &Trend, width: usize, footer: bool) -> String {
        let mut out = Vec::new();
        write_trend(&mut out, t, width, Style { color: false }, footer).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn bars_fill_the_width_for_the_most_and_scale_the_others() {
        let t = trend(&[("2025-07", 12), ("2025-08", 0), ("2025-09", 3)], 2);
        // 40 columns: 7 for the label, 2 for the count, 3 spaces, 28 for the bar.
        let text = written(&t, 40, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("2025-07  12 {}", "█".repeat(28)));
        assert_eq!(lines[1], "2025-08   0");
        // 3/12 of 28 columns: 7 blocks; 2/12 of them: 4.67 blocks, 37 eighths.
        assert_eq!(lines[2], format!("2025-09   3 {}", "█".repeat(7)));
        assert_eq!(lines[3], format!("undated   2 {}▋", "█".repeat(4)));
        assert_eq!(lines.len(), 4);
        for line in &lines {
            assert!(line.chars().count() <= 40, "{line}");
        }
    }

    #[test]
    fn a_tiny_count_still_shows_and_a_narrow_terminal_keeps_some_room() {
        assert_eq!(bar(1, 1_000_000, 10), "▏");
        assert_eq!(bar(0, 5, 10), "");
        assert_eq!(bar(u64::MAX, u64::MAX, 10), "█".repeat(10));
        let t = trend(&[("2025-W01", 5)], 0);
        assert_eq!(
            written(&t, 5, false),
            format!("2025-W01  5 {}\n", "█".repeat(MIN_BAR))
        );
    }

    #[test]
    fn the_footer_says_how_many_matched_and_colour_is_only_asked_for() {
        let t = trend(&[("2025-07", 1)], 1);
        assert!(written(&t, 80, true)
            .ends_with("\n2 matching articles by month, 1 undated in 1.0 ms\n"));
        let mut out = Vec::new();
        write_trend(&mut out, &t, 80, Style { color: true }, false).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("\x1b[36m"));
        assert!(!written(&t, 80, false).contains('\x1b'));
    }
}
