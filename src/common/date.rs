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

    #[test]
    fn non_dates_are_none() {
        for text in ["", "yesterday", "31 Februari 2025", "12 34 56", "Aug 2025"] {
            assert_eq!(iso(text), None, "{text}");
        }
    }
}
