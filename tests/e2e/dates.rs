//! Dates and durations as options: `--since/--until` read every form `published:` reads and
//! name whole periods, ambiguous dates and sub-hour half-lives are refused, word for word.

use crate::json::SearchJson;
use crate::util::Sandbox;

/// Four dated articles about rockets, around the turn of 2024 and 2025.
fn dated() -> Sandbox {
    let s = Sandbox::empty();
    for (name, date) in [
        ("a", "2024-12-31"),
        ("b", "2025-01-01"),
        ("c", "2025-02-01"),
        ("d", "2025-12-31T23:30:00Z"),
    ] {
        s.write(
            &format!("in/{name}.txt"),
            format!("Date: {date}\n\nRocket news {name}\n\nA rocket flew today.\n"),
        );
    }
    s.run(&["index", "in", "-q"]).code(0);
    s
}

/// The files (`a`…`d`) that `rocket` finds with `extra` options, in name order.
fn found(s: &Sandbox, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["search", "rocket", "--json", "--no-collapse"];
    args.extend_from_slice(extra);
    let hits: SearchJson = s.run(&args).json();
    let mut names: Vec<String> = hits
        .hits
        .iter()
        .map(|h| {
            h.path
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".txt")
                .to_string()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn since_and_until_take_years_months_days_and_moments() {
    let s = dated();
    assert_eq!(found(&s, &["--since", "2025"]), ["b", "c", "d"]);
    assert_eq!(found(&s, &["--until", "2024"]), ["a"]);
    // `--until 2025` is through the end of 2025, its last half hour included.
    assert_eq!(
        found(&s, &["--since", "2025", "--until", "2025"]),
        ["b", "c", "d"]
    );
    assert_eq!(
        found(&s, &["--since", "2025-02", "--until", "2025-02"]),
        ["c"]
    );
    assert_eq!(found(&s, &["--until", "2025-01-01"]), ["a", "b"]);
    assert_eq!(found(&s, &["--since", "1 Februari 2025"]), ["c", "d"]);
    assert_eq!(found(&s, &["--since", "2025-12-31T23:00:00Z"]), ["d"]);
    // Day first where it can only be read so, as `published:` reads it.
    assert_eq!(found(&s, &["--since", "31/12/2025"]), ["d"]);
}

#[test]
fn an_ambiguous_date_is_refused_with_a_hint_to_write_iso_dates() {
    let s = dated();
    let run = s
        .run(&["search", "rocket", "--until", "01/02/2025"])
        .code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "warta: --until \"01/02/2025\" is ambiguous: 1 February 2025 or January 2, 2025?; \
         write the date as year-month-day: 2025-02-01 or 2025-01-02\n"
    );
    let run = s.run(&["search", "rocket", "--since", "someday"]).code(2);
    assert_eq!(
        run.stderr,
        "warta: --since \"someday\" is not a date; write a year, a month, a day or a moment: \
         2025, 2025-08, 2025-08-29 or 2025-08-29T10:00:00Z\n"
    );
}

#[test]
fn recent_refuses_minutes_and_seconds_and_names_its_units() {
    let s = dated();
    let units = "h (hours), d (days), w (weeks), mo (months) or y (years)";
    let run = s.run(&["search", "rocket", "--recent", "30m"]).code(2);
    assert_eq!(
        run.stderr,
        format!(
            "warta: --recent \"30m\" is 30 minutes, and a half-life under an hour leaves only \
             the last hour's articles any weight; did you mean 30d? units: {units}\n"
        )
    );
    let run = s.run(&["search", "rocket", "--recent", "1m"]).code(2);
    assert_eq!(
        run.stderr,
        format!(
            "warta: --recent \"1m\" is 1 minute, and a half-life under an hour leaves only \
             the last hour's articles any weight; did you mean 1d? units: {units}\n"
        )
    );
    let run = s.run(&["search", "rocket", "--recent", "45s"]).code(2);
    assert_eq!(
        run.stderr,
        format!(
            "warta: --recent \"45s\" is 45 seconds, and a half-life under an hour leaves only \
             the last hour's articles any weight; did you mean 45d? units: {units}\n"
        )
    );
    let run = s.run(&["search", "rocket", "--recent", "2x"]).code(2);
    assert_eq!(
        run.stderr,
        format!("warta: --recent \"2x\" has an unknown unit \"x\"; units: {units}, e.g. 30d\n")
    );
    let run = s.run(&["search", "rocket", "--recent", "soon"]).code(2);
    assert_eq!(
        run.stderr,
        format!(
            "warta: --recent \"soon\" is not a half-life; write a number and a unit, e.g. 30d; \
             units: {units}\n"
        )
    );
    for ok in ["12h", "30d", "2w", "6mo", "1y"] {
        s.run(&["search", "rocket", "--recent", ok]).code(0);
    }
}

#[test]
fn published_refuses_an_ambiguous_date_too() {
    let s = dated();
    let run = s.run(&["search", "rocket", "published:01/02/2025"]).code(2);
    assert!(
        run.stderr.starts_with(
            "warta: bad query: `01/02/2025` is ambiguous (day or month first?): write dates as \
             year-month-day, e.g. 2025-02-01 (at character 7)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_date_outside_the_years_an_index_holds_is_left_out_with_a_warning() {
    let s = Sandbox::empty();
    s.write(
        "news/far.txt",
        "Date: 9999-12-31\n\nFar rocket\n\nA rocket to Mars.\n",
    );
    s.write(
        "news/old.json",
        r#"[{"title": "Old rocket", "body": "A rocket of old", "published": "0001-01-01T00:00:00Z"}]"#,
    );
    s.write(
        "news/edge.txt",
        "Date: 2261-12-31\n\nEdge rocket\n\nA rocket on the edge of time.\n",
    );
    let run = s.run(&["index", "news"]).code(0);
    assert!(
        run.stderr.contains("9999-12-31 is not kept"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("0001-01-01"), "{}", run.stderr);
    let hits = s.run(&["search", "rocket", "--format", "tsv"]).code(0);
    let dates: Vec<&str> = hits
        .stdout
        .lines()
        .map(|l| l.split('\t').nth(2).unwrap())
        .collect();
    assert_eq!(dates.len(), 3, "{}", hits.stdout);
    assert_eq!(dates.iter().filter(|d| d.is_empty()).count(), 2);
    assert!(dates.contains(&"2261-12-31"));
}
