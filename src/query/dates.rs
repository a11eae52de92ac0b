//! Dates and durations a person types as options (`--since 2025`, `--until 2025-08`,
//! `--recent 30d`), read as the query language reads `published:` and refused, with a hint,
//! where a reading would be a guess.

use crate::common::date::{ambiguous, period};

/// A date or duration option that could not be read: what is wrong, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}; {hint}")]
pub struct OptionError {
    /// What is wrong with the value.
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

/// The Unix time an option such as `--since 2025-08` starts at: the start of the year, month,
/// day or moment it names. `flag` names the option in the message.
pub fn period_start(flag: &str, text: &str) -> Result<i64, OptionError> {
    read_period(flag, text).map(|(from, _)| from)
}

/// The Unix time an option such as `--until 2025` ends before: the end of the year, month, day
/// or moment it names, so that `--until 2025` is through 31 December 2025.
pub fn period_end(flag: &str, text: &str) -> Result<i64, OptionError> {
    read_period(flag, text).map(|(_, to)| to)
}

fn read_period(flag: &str, text: &str) -> Result<(i64, i64), OptionError> {
    if let Some(span) = period(text) {
        return Ok(span);
    }
    Err(match ambiguous(text) {
        Some((day_first, month_first)) => OptionError {
            message: format!(
                "{flag} {text:?} is ambiguous: {} or {}?",
                day_first.format("%-d %B %Y"),
                month_first.format("%B %-d, %Y")
            ),
            hint: format!("write the date as year-month-day: {day_first} or {month_first}"),
        },
        None => OptionError {
            message: format!("{flag} {text:?} is not a date"),
            hint: "write a year, a month, a day or a moment: 2025, 2025-08, 2025-08-29 or \
                   2025-08-29T10:00:00Z"
                .into(),
        },
    })
}

/// Seconds per unit of `--recent`: the spans news ages by. Nothing under an hour: every article
/// but the last hour's would weigh next to nothing, and `m` would be a trap (minutes, or months?).
const UNITS: &[(&str, f64)] = &[
    ("h", 3600.0),
    ("d", 86_400.0),
    ("w", 7.0 * 86_400.0),
    ("mo", 365.25 / 12.0 * 86_400.0),
    ("y", 365.25 * 86_400.0),
];

/// The units `--recent` takes, for hints.
const UNITS_HINT: &str = "h (hours), d (days), w (weeks), mo (months) or y (years)";

/// A `--recent` half-life in seconds: a number and a unit of [`UNITS`] (`30d`, `12h`, `2w`,
/// `6mo`, `1y`; a bare number is days). Seconds and minutes are refused with a hint.
pub fn half_life(text: &str) -> Result<f64, OptionError> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let Ok(number) = number.parse::<f64>() else {
        return Err(OptionError {
            message: format!("--recent {text:?} is not a half-life"),
            hint: format!("write a number and a unit, e.g. 30d; units: {UNITS_HINT}"),
        });
    };
    let unit = unit.trim();
    let too_short = match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => Some("second"),
        "m" | "min" | "mins" | "minute" | "minutes" => Some("minute"),
        _ => None,
    };
    if let Some(what) = too_short {
        return Err(OptionError {
            message: format!(
                "--recent {text:?} is {number} {what}{}, and a half-life under an hour leaves \
                 only the last hour's articles any weight",
                if number == 1.0 { "" } else { "s" }
            ),
            hint: format!("did you mean {number}d? units: {UNITS_HINT}"),
        });
    }
    let seconds = match UNITS.iter().find(|(name, _)| *name == unit) {
        Some((_, seconds)) => *seconds,
        None if unit.is_empty() => 86_400.0,
        None => {
            return Err(OptionError {
                message: format!("--recent {text:?} has an unknown unit {unit:?}"),
                hint: format!("units: {UNITS_HINT}, e.g. 30d"),
            })
        }
    };
    let half_life = number * seconds;
    if !half_life.is_finite() || half_life <= 0.0 {
        return Err(OptionError {
            message: format!("--recent {text:?} is no time at all"),
            hint: "a half-life must be more than 0, e.g. 30d".into(),
        });
    }
    if half_life < 3600.0 {
        return Err(OptionError {
            message: format!("--recent {text:?} is under an hour"),
            hint: format!("did you mean {number}d? units: {UNITS_HINT}"),
        });
    }
    Ok(half_life)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: f64 = 86_400.0;

    #[test]
    fn half_lives_in_hours_days_weeks_months_and_years() {
        assert_eq!(half_life("12h"), Ok(12.0 * 3600.0));
        assert_eq!(half_life("30d"), Ok(30.0 * DAY));
        assert_eq!(half_life("30"), Ok(30.0 * DAY));
        assert_eq!(half_life("2w"), Ok(14.0 * DAY));
        assert_eq!(half_life("6mo"), Ok(182.625 * DAY));
        assert_eq!(half_life("1.5y"), Ok(1.5 * 365.25 * DAY));
    }

    #[test]
    fn minutes_and_seconds_are_refused_with_the_days_meant() {
        let err = half_life("30m").unwrap_err();
        assert_eq!(
            err.to_string(),
            "--recent \"30m\" is 30 minutes, and a half-life under an hour leaves only the last \
             hour's articles any weight; did you mean 30d? units: h (hours), d (days), \
             w (weeks), mo (months) or y (years)"
        );
        assert!(half_life("1m")
            .unwrap_err()
            .message
            .starts_with("--recent \"1m\" is 1 minute, "));
        assert!(half_life("90s")
            .unwrap_err()
            .hint
            .starts_with("did you mean 90d?"));
        assert!(half_life("0.5h")
            .unwrap_err()
            .message
            .ends_with("is under an hour"));
    }

    #[test]
    fn unknown_units_and_non_numbers_are_refused() {
        assert_eq!(
            half_life("3q").unwrap_err().message,
            "--recent \"3q\" has an unknown unit \"q\""
        );
        assert_eq!(
            half_life("soon").unwrap_err().message,
            "--recent \"soon\" is not a half-life"
        );
        assert_eq!(
            half_life("0d").unwrap_err().message,
            "--recent \"0d\" is no time at all"
        );
    }

    #[test]
    fn since_is_the_start_and_until_the_end_of_the_period_named() {
        let at = |date: &str| {
            chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp()
        };
        assert_eq!(period_start("--since", "2025"), Ok(at("2025-01-01")));
        assert_eq!(period_end("--until", "2025"), Ok(at("2026-01-01")));
        assert_eq!(period_end("--until", "2025-02"), Ok(at("2025-03-01")));
        assert_eq!(period_end("--until", "2025-08-29"), Ok(at("2025-08-30")));
        assert_eq!(
            period_start("--since", "29 Agustus 2025"),
            Ok(at("2025-08-29"))
        );
    }

    #[test]
    fn an_ambiguous_or_unknown_date_is_refused_with_a_hint() {
        assert_eq!(
            period_end("--until", "01/02/2025").unwrap_err().to_string(),
            "--until \"01/02/2025\" is ambiguous: 1 February 2025 or January 2, 2025?; \
             write the date as year-month-day: 2025-02-01 or 2025-01-02"
        );
        assert_eq!(
            period_start("--since", "someday").unwrap_err().to_string(),
            "--since \"someday\" is not a date; write a year, a month, a day or a moment: \
             2025, 2025-08, 2025-08-29 or 2025-08-29T10:00:00Z"
        );
    }
}
