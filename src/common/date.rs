//! Publication dates in the shapes news arrives with: RFC 3339, RFC 2822 (RSS), ISO days,
//! newswire stamps, English and Indonesian month names, Unix seconds.
//!
//! chrono parses each fixed shape; the month-name and day-first shapes are matched by hand here
//! because no crate reads Indonesian month names.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::article::Published;

/// Month names and abbreviations, English and Indonesian, lower case, with their number.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("januari", 1),
    ("february", 2),
    ("feb", 2),
    ("februari", 2),
    ("pebruari", 2),
    ("peb", 2),
    ("march", 3),
    ("mar", 3),
    ("maret", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("mei", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("august", 8),
    ("aug", 8),
    ("agustus", 8),
    ("agu", 8),
    ("agt", 8),
    ("ags", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("okt", 10),
    ("november", 11),
    ("nov", 11),
    ("nopember", 11),
    ("nop", 11),
    ("december", 12),
    ("dec", 12),
    ("desember", 12),
    ("des", 12),
];

/// Parses a date in any shape warta knows; `None` when it is not a date (never a guess).
pub fn parse_date(text: &str) -> Option<Published> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(Published::DateTime(dt));
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(text) {
        return Some(Published::DateTime(dt));
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(Published::Date(d));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(text, fmt) {
            return Some(utc(dt));
        }
    }
    if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z") {
        return Some(Published::DateTime(dt));
    }
    if text.len() >= 9 && text.len() <= 11 && text.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = text.parse().ok()?;
        return Utc
            .timestamp_opt(secs, 0)
            .single()
            .map(|dt| Published::DateTime(dt.fixed_offset()));
    }
    parse_words(text)
}

/// The span `[from, to)` in Unix seconds that a date a person typed names: a year (`2025`), a
/// month (`2025-08`), a day in any shape [`parse_date`] reads, or the one second of a full
/// timestamp. `None` when it is no date, or a numeric date that reads as two days
/// ([`ambiguous`]): a person's `01/02/2025` is refused rather than guessed.
pub fn period(text: &str) -> Option<(i64, i64)> {
    use chrono::Datelike;
    let text = text.trim();
    let day_start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if text.len() == 4 && digits(text) {
        let year: i32 = text.parse().ok()?;
        let start = NaiveDate::from_ymd_opt(year, 1, 1)?;
        let end = NaiveDate::from_ymd_opt(year + 1, 1, 1)?;
        return Some((day_start(start)?, day_start(end)?));
    }
    if let Some((y, m)) = text.split_once('-') {
        if y.len() == 4 && (1..=2).contains(&m.len()) && digits(y) && digits(m) {
            let start = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
            let end = start.checked_add_months(chrono::Months::new(1))?;
            debug_assert_eq!(end.day(), 1);
            return Some((day_start(start)?, day_start(end)?));
        }
    }
    if ambiguous(text).is_some() {
        return None;
    }
    match parse_date(text)? {
        Published::Date(d) => Some((day_start(d)?, day_start(d.succ_opt()?)?)),
        moment => Some((moment.timestamp(), moment.timestamp() + 1)),
    }
}

/// The two days a numeric date such as `01/02/2025` can be, day first and month first, when
/// they differ: articles are read day first (as Indonesian and British sources write them),
/// but a person typing a date may be American.
pub fn ambiguous(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = text.split_whitespace().next()?;
    let parts: Vec<&str> = first.split(['/', '.', '-']).collect();
    let [a, b, year] = parts.as_slice() else {
        return None;
    };
    if year.len() != 4 || a.len() > 2 || b.len() > 2 {
        return None;
    }
    let (a, b, year): (u32, u32, i32) = (a.parse().ok()?, b.parse().ok()?, year.parse().ok()?);
    if a == b {
        return None;
    }
    let day_first = NaiveDate::from_ymd_opt(year, b, a)?;
    let month_first = NaiveDate::from_ymd_opt(year, a, b)?;
    Some((day_first, month_first))
}

fn utc(dt: NaiveDateTime) -> Published {
    Published::DateTime(dt.and_utc().fixed_offset())
}

/// Day-first and month-name shapes: "29 Agustus 2025", "Aug 29, 2025", "Jumat, 29/08/2025",
/// "26-FEB-1987 15:01:01.79", "29/08/2025 10:00".
fn parse_words(text: &str) -> Option<Published> {
    // Drop a leading weekday ("Jumat, ", "Fri, ").
    let text = match text.split_once(',') {
        Some((head, tail)) if head.chars().all(char::is_alphabetic) => tail.trim(),
        _ => text,
    };
    let parts: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-' || c == '/' || c == '.')
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 3 {
        return None;
    }
    let number = |s: &str| s.parse::<u32>().ok();
    let month = |s: &str| {
        let s = s.to_lowercase();
        MONTHS.iter().find(|(name, _)| *name == s).map(|&(_, m)| m)
    };
    let (day, mon, year) = if let (Some(d), Some(m), Some(y)) =
        (number(parts[0]), month(parts[1]), number(parts[2]))
    {
        (d, m, y)
    } else if let (Some(m), Some(d), Some(y)) =
        (month(parts[0]), number(parts[1]), number(parts[2]))
    {
        (d, m, y)
    } else if let (Some(d), Some(m), Some(y)) =
        (number(parts[0]), number(parts[1]), number(parts[2]))
    {
        // Numeric dates are day-first, as Indonesian and British sources write them.
        (d, m, y)
    } else {
        return None;
    };
    if !(1000..=9999).contains(&year) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year as i32, mon, day)?;
    let time = text
        .split_whitespace()
        .find(|w| w.contains(':'))
        .and_then(|w| {
            let w = w.split('.').next().unwrap_or(w);
            chrono::NaiveTime::parse_from_str(w, "%H:%M:%S")
                .or_else(|_| chrono::NaiveTime::parse_from_str(w, "%H:%M"))
                .ok()
        });
    Some(match time {
        Some(t) => utc(date.and_time(t)),
        None => Published::Date(date),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> Option<String> {
        parse_date(text).map(|p| p.to_iso())
    }

    #[test]
    fn shapes() {
        assert_eq!(iso("2025-08-29").as_deref(), Some("2025-08-29"));
        assert_eq!(
            iso("2025-08-29T09:15:00+07:00").as_deref(),
            Some("2025-08-29T09:15:00+07:00")
        );
        assert_eq!(
            iso("Fri, 29 Aug 2025 09:15:00 +0000").as_deref(),
            Some("2025-08-29T09:15:00Z")
        );
        assert_eq!(iso("29 Agustus 2025").as_deref(), Some("2025-08-29"));
        assert_eq!(iso("Aug 29, 2025").as_deref(), Some("2025-08-29"));
        assert_eq!(iso("Jumat, 29/08/2025").as_deref(), Some("2025-08-29"));
        assert_eq!(
            iso("26-FEB-1987 15:01:01.79").as_deref(),
            Some("1987-02-26T15:01:01Z")
        );
        assert_eq!(iso("1756458900").as_deref(), Some("2025-08-29T09:15:00Z"));
    }

    fn span(text: &str) -> Option<(String, String)> {
        let iso = |t: i64| DateTime::from_timestamp(t, 0).unwrap().to_rfc3339();
        period(text).map(|(from, to)| (iso(from), iso(to)))
    }

    #[test]
    fn a_period_is_a_year_a_month_a_day_or_a_second() {
        let span_of = |from: &str, to: &str| Some((from.to_string(), to.to_string()));
        assert_eq!(
            span("2025"),
            span_of("2025-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00")
        );
        assert_eq!(
            span("2025-12"),
            span_of("2025-12-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00")
        );
        assert_eq!(
            span("2025-02-28"),
            span_of("2025-02-28T00:00:00+00:00", "2025-03-01T00:00:00+00:00")
        );
        assert_eq!(span("29 Agustus 2025"), span("2025-08-29"));
        assert_eq!(
            span("2025-08-29T10:00:00Z"),
            span_of("2025-08-29T10:00:00+00:00", "2025-08-29T10:00:01+00:00")
        );
        assert_eq!(span("29/08/2025"), span("2025-08-29"));
        assert_eq!(span("01/01/2025"), span("2025-01-01"));
        for text in [
            "01/02/2025",
            "1.2.2025",
            "12-11-2025 10:00",
            "2025-13",
            "someday",
        ] {
            assert_eq!(span(text), None, "{text}");
        }
    }

    #[test]
    fn a_numeric_date_with_two_readings_is_ambiguous() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            ambiguous("01/02/2025"),
            Some((day(2025, 2, 1), day(2025, 1, 2)))
        );
        assert_eq!(
            ambiguous("3.4.2025 10:00"),
            Some((day(2025, 4, 3), day(2025, 3, 4)))
        );
        for text in [
            "29/08/2025",
            "05/05/2025",
            "2025-01-02",
            "01/02/25",
            "Aug 29, 2025",
        ] {
            assert_eq!(ambiguous(text), None, "{text}");
        }
    }

    #[test]
    fn non_dates_are_none() {
        for text in ["", "yesterday", "31 Februari 2025", "12 34 56", "Aug 2025"] {
            assert_eq!(iso(text), None, "{text}");
        }
    }
}
