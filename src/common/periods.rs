//! Calendar periods (years, months, ISO weeks) of UTC days, and counts per day gathered into
//! counts per period, with the empty periods between the first and the last present as 0, as a
//! histogram needs them.
//!
//! Days are counted from the Unix epoch in UTC, the day an article's indexed instant falls on:
//! the same clock `--since` and `--until` read, so that narrowing a search to a period finds
//! exactly the articles counted in it.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

/// A span of the calendar that counts are gathered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// A calendar year: `2025`.
    Year,
    /// A calendar month: `2025-08`.
    Month,
    /// An ISO 8601 week, Monday to Sunday, numbered in its ISO year: `2025-W35`.
    Week,
}

/// The days from 0001-01-01 to 1970-01-01, to turn days since the epoch into chrono's days.
const EPOCH_FROM_CE: i64 = 719_163;

/// Above this many days between its first and last dated match, a histogram counts years.
const YEARS_ABOVE_DAYS: i64 = 5 * 365;
/// Below this many days between its first and last dated match, a histogram counts weeks.
const WEEKS_BELOW_DAYS: i64 = 92;

impl Period {
    /// Every period, in the order `--by` lists them.
    pub const ALL: [Period; 3] = [Period::Year, Period::Month, Period::Week];

    /// The period's name, as `--by` and the JSON's `by` write it.
    pub fn name(self) -> &'static str {
        match self {
            Period::Year => "year",
            Period::Month => "month",
            Period::Week => "week",
        }
    }

    /// The period named `name` (`year`, `month`, `week`).
    pub fn named(name: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The period a histogram of dates from `first` to `last` reads best by: months, or years
    /// when they span more than about five years, or weeks when less than about three months.
    pub fn for_span(first: NaiveDate, last: NaiveDate) -> Period {
        let days = (last - first).num_days();
        if days > YEARS_ABOVE_DAYS {
            Period::Year
        } else if days < WEEKS_BELOW_DAYS {
            Period::Week
        } else {
            Period::Month
        }
    }

    /// The first day of the period that holds `day`.
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Period::Year => day.with_ordinal(1).unwrap_or(day),
            Period::Month => day.with_day(1).unwrap_or(day),
            Period::Week => day - chrono::Days::new(day.weekday().num_days_from_monday().into()),
        }
    }

    /// The first day of the period after the one starting on `start`; `None` past chrono's
    /// last date.
    fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Year => start.checked_add_months(Months::new(12)),
            Period::Month => start.checked_add_months(Months::new(1)),
            Period::Week => start.checked_add_days(chrono::Days::new(7)),
        }
    }

    /// The period's label: `2025`, `2025-08` or `2025-W35` (the ISO year of a week can be the
    /// calendar year before or after: 2024-12-30 is in `2025-W01`).
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Period::Year => format!("{:04}", start.year()),
            Period::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Period::Week => {
                let week = start.iso_week();
                format!("{:04}-W{:02}", week.year(), week.week())
            }
        }
    }
}

/// The UTC day of a Unix time in seconds, counted from the epoch (negative before 1970).
pub fn day_of(secs: i64) -> i64 {
    secs.div_euclid(86_400)
}

/// The calendar date of a day counted from the epoch; `None` outside chrono's range.
pub fn date_of_day(day: i64) -> Option<NaiveDate> {
    let from_ce = i32::try_from(day.checked_add(EPOCH_FROM_CE)?).ok()?;
    NaiveDate::from_num_days_from_ce_opt(from_ce)
}

/// The number of matches in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodCount {
    /// `2025`, `2025-08` or `2025-W35`.
    pub label: String,
    /// The period's first day.
    pub first_day: NaiveDate,
    /// The period's last day (inclusive).
    pub last_day: NaiveDate,
    /// Matches dated in the period.
    pub count: u64,
}

/// Counts per day (days since the epoch, UTC) gathered by `by`: one entry per period from the
/// first day's to the last day's, those with no match at 0. Days outside chrono's range (none
/// that tantivy can store) are left out.
pub fn by_period(days: &BTreeMap<i64, u64>, by: Period) -> Vec<PeriodCount> {
    let dated = || {
        days.iter()
            .filter_map(|(&d, &n)| Some((date_of_day(d)?, n)))
    };
    let (Some((first, _)), Some((last, _))) = (dated().next(), dated().next_back()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut counts = dated().peekable();
    let mut start = by.start_of(first);
    while start <= last {
        let next = by.next(start);
        let mut count = 0;
        while let Some(&(day, n)) = counts.peek() {
            if next.is_some_and(|next| day >= next) {
                break;
            }
            count += n;
            counts.next();
        }
        let last_day = next.and_then(|n| n.pred_opt()).unwrap_or(NaiveDate::MAX);
        out.push(PeriodCount {
            label: by.label(start),
            first_day: start,
            last_day,
            count,
        });
        match next {
            Some(next) => start = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i64 {
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        day_of(date.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp())
    }

    fn counts(days: &[(&str, u64)]) -> BTreeMap<i64, u64> {
        days.iter().map(|&(d, n)| (day(d), n)).collect()
    }

    fn labelled(periods: &[PeriodCount]) -> Vec<(String, u64)> {
        periods.iter().map(|p| (p.label.clone(), p.count)).collect()
    }

    fn pairs(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
        expected.iter().map(|&(l, n)| (l.to_string(), n)).collect()
    }

    #[test]
    fn days_are_utc_days_and_map_back_to_dates() {
        let new_year_2025 = 1_735_689_600; // 2025-01-01T00:00:00Z
        assert_eq!(day_of(new_year_2025), day("2025-01-01"));
        assert_eq!(day_of(new_year_2025 - 1), day("2024-12-31"));
        assert_eq!(day_of(-1), -1);
        assert_eq!(date_of_day(0), NaiveDate::from_ymd_opt(1970, 1, 1));
        assert_eq!(date_of_day(-1), NaiveDate::from_ymd_opt(1969, 12, 31));
        assert_eq!(date_of_day(i64::MAX), None);
    }

    #[test]
    fn months_change_on_the_first_and_empty_months_between_are_zero() {
        let days = counts(&[
            ("2025-01-31", 2),
            ("2025-02-01", 1),
            ("2025-02-28", 1),
            ("2025-05-01", 4),
        ]);
        let months = by_period(&days, Period::Month);
        assert_eq!(
            labelled(&months),
            pairs(&[
                ("2025-01", 2),
                ("2025-02", 2),
                ("2025-03", 0),
                ("2025-04", 0),
                ("2025-05", 4)
            ])
        );
        assert_eq!(months[1].first_day.to_string(), "2025-02-01");
        assert_eq!(months[1].last_day.to_string(), "2025-02-28");
        assert_eq!(months[4].last_day.to_string(), "2025-05-31");
    }

    #[test]
    fn a_leap_february_ends_on_the_29th() {
        let months = by_period(&counts(&[("2024-02-29", 1)]), Period::Month);
        assert_eq!(months[0].last_day.to_string(), "2024-02-29");
    }

    #[test]
    fn years_run_from_the_first_of_january_to_the_31st_of_december() {
        let days = counts(&[("2022-12-31", 1), ("2023-01-01", 1), ("2025-06-15", 3)]);
        let years = by_period(&days, Period::Year);
        assert_eq!(
            labelled(&years),
            pairs(&[("2022", 1), ("2023", 1), ("2024", 0), ("2025", 3)])
        );
        assert_eq!(years[2].first_day.to_string(), "2024-01-01");
        assert_eq!(years[2].last_day.to_string(), "2024-12-31");
    }

    #[test]
    fn weeks_are_iso_weeks_from_monday_to_sunday_in_their_iso_year() {
        // 2024-12-30 is a Monday in 2025-W01; 2024-12-29 a Sunday in 2024-W52; 2021-01-03 a
        // Sunday in 2020-W53.
        let days = counts(&[("2024-12-29", 1), ("2024-12-30", 2), ("2025-01-05", 1)]);
        let weeks = by_period(&days, Period::Week);
        assert_eq!(labelled(&weeks), pairs(&[("2024-W52", 1), ("2025-W01", 3)]));
        assert_eq!(weeks[0].first_day.to_string(), "2024-12-23");
        assert_eq!(weeks[1].first_day.to_string(), "2024-12-30");
        assert_eq!(weeks[1].last_day.to_string(), "2025-01-05");
        let week53 = by_period(&counts(&[("2021-01-03", 1)]), Period::Week);
        assert_eq!(labelled(&week53), pairs(&[("2020-W53", 1)]));
        assert_eq!(week53[0].first_day.to_string(), "2020-12-28");
    }

    #[test]
    fn empty_weeks_between_are_there_and_every_period_is_contiguous() {
        let days = counts(&[("2025-08-04", 1), ("2025-09-01", 1)]);
        let weeks = by_period(&days, Period::Week);
        assert_eq!(
            labelled(&weeks),
            pairs(&[
                ("2025-W32", 1),
                ("2025-W33", 0),
                ("2025-W34", 0),
                ("2025-W35", 0),
                ("2025-W36", 1)
            ])
        );
        for by in Period::ALL {
            let periods = by_period(&counts(&[("1999-12-31", 1), ("2026-03-03", 1)]), by);
            for pair in periods.windows(2) {
                assert_eq!(
                    pair[0].last_day.succ_opt(),
                    Some(pair[1].first_day),
                    "{by:?}"
                );
            }
            assert_eq!(periods.iter().map(|p| p.count).sum::<u64>(), 2);
        }
    }

    #[test]
    fn dates_before_1970_and_no_dates_at_all() {
        let days = counts(&[("1969-12-31", 1), ("1970-01-01", 1)]);
        assert_eq!(
            labelled(&by_period(&days, Period::Year)),
            pairs(&[("1969", 1), ("1970", 1)])
        );
        assert!(by_period(&BTreeMap::new(), Period::Month).is_empty());
    }

    #[test]
    fn the_span_of_the_dates_chooses_the_period() {
        let date = |t| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
        let span = |a, b| Period::for_span(date(a), date(b));
        assert_eq!(span("2025-08-01", "2025-08-01"), Period::Week);
        assert_eq!(span("2025-08-01", "2025-10-15"), Period::Week);
        assert_eq!(span("2025-08-01", "2025-12-01"), Period::Month);
        assert_eq!(span("2020-01-01", "2024-12-01"), Period::Month);
        assert_eq!(span("2019-01-01", "2025-12-01"), Period::Year);
    }

    #[test]
    fn periods_are_named_as_by_names_them() {
        for by in Period::ALL {
            assert_eq!(Period::named(by.name()), Some(by));
        }
        assert_eq!(Period::named("day"), None);
    }
}
