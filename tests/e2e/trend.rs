//! `warta trend` (a line and a bar per period, `--json`), `GET /api/trend` (the same JSON) and
//! the search page's histogram (bars that narrow the search to their period).

use chrono::{Datelike, NaiveDate, Weekday};

use crate::json::TrendJson;
use crate::serve::{enc, indexed_corpus, untimed, Server};
use crate::util::Sandbox;

/// The blocks a bar is drawn with.
const BLOCKS: &[char] = &['█', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("not a day: {text}"))
}

/// `warta search ARGS --count`, as a number.
fn count(sandbox: &Sandbox, args: &[&str]) -> u64 {
    let mut all = vec!["search", "--count"];
    all.extend(args);
    let run = sandbox.run(&all);
    assert!(run.code == 0 || run.code == 1, "{run:?}");
    run.stdout.trim().parse().unwrap()
}

/// `warta trend ARGS --json`, read back (exit 0 or 1).
fn trend(sandbox: &Sandbox, args: &[&str]) -> TrendJson {
    let mut all = vec!["trend", "--json"];
    all.extend(args);
    let run = sandbox.run(&all);
    assert!(run.code == 0 || run.code == 1, "{run:?}");
    assert_eq!(run.stderr, "");
    run.json()
}

/// The periods of a trend are one after the other, labelled as `by` labels them, their counts
/// and the undated adding up to the total; the first and last have matches.
fn assert_well_formed(t: &TrendJson) {
    let sum: u64 = t.periods.iter().map(|p| p.count).sum();
    assert_eq!(sum + t.undated, t.total, "{t:?}");
    for pair in t.periods.windows(2) {
        assert_eq!(
            day(&pair[0].last_day).succ_opt().unwrap(),
            day(&pair[1].first_day),
            "{t:?}"
        );
    }
    if let (Some(first), Some(last)) = (t.periods.first(), t.periods.last()) {
        assert!(first.count > 0 && last.count > 0, "{t:?}");
    }
    for p in &t.periods {
        let (first, last) = (day(&p.first_day), day(&p.last_day));
        let label = match t.by.as_str() {
            "year" => {
                assert_eq!(
                    (first.ordinal(), last.succ_opt().unwrap().ordinal()),
                    (1, 1)
                );
                format!("{}", first.year())
            }
            "month" => {
                assert_eq!((first.day(), last.succ_opt().unwrap().day()), (1, 1));
                format!("{}-{:02}", first.year(), first.month())
            }
            "week" => {
                assert_eq!(
                    (first.weekday(), last.weekday()),
                    (Weekday::Mon, Weekday::Sun)
                );
                assert_eq!((last - first).num_days(), 6);
                let week = first.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            other => panic!("by {other}"),
        };
        assert_eq!(p.period, label);
    }
}

#[test]
fn trend_prints_a_line_and_a_bar_per_month_empty_months_included() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let run = s
        .cmd(&["trend", "data"])
        .env("COLUMNS", "60")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(run.stderr.is_empty());
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(!text.contains('\x1b'), "no colour when piped: {text}");
    let json = trend(&s, &["data"]);
    assert_eq!(json.by, "month");
    assert_well_formed(&json);
    assert!(
        json.periods.iter().any(|p| p.count == 0),
        "the corpus has a gap: {json:?}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), json.periods.len(), "{text}");
    let most = json.periods.iter().map(|p| p.count).max().unwrap();
    let bar_of = |line: &str| line.chars().filter(|c| BLOCKS.contains(c)).count();
    let longest = lines.iter().map(|l| bar_of(l)).max().unwrap();
    for (line, period) in lines.iter().zip(&json.periods) {
        assert!(line.chars().count() <= 60, "{line}");
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], period.period, "{line}");
        assert_eq!(words[1], period.count.to_string(), "{line}");
        if period.count == 0 {
            assert_eq!(words.len(), 2, "no bar for an empty month: {line}");
        } else if period.count == most {
            assert_eq!(bar_of(line), longest, "{line}");
        } else {
            assert!(bar_of(line) > 0 && bar_of(line) < longest, "{line}");
        }
    }
    // The same matches `search` counts.
    assert_eq!(json.total, count(&s, &["data"]));
    assert_eq!(json.query, "data");
}

#[test]
fn trend_json_by_week_and_year_and_each_period_is_what_search_finds_in_it() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let query = "cloud OR data OR paylater";
    let total = count(&s, &[query]);
    for by in ["year", "month", "week"] {
        let t = trend(&s, &[query, "--by", by]);
        assert_eq!(t.by, by);
        assert_well_formed(&t);
        assert_eq!(t.total, total, "{by}");
    }
    let weeks = trend(&s, &[query, "--by", "week"]);
    for p in weeks.periods.iter().filter(|p| p.count > 0) {
        let narrowed = count(
            &s,
            &[query, "--since", &p.first_day, "--until", &p.last_day],
        );
        assert_eq!(narrowed, p.count, "{p:?}");
    }
    let months = trend(&s, &[query, "--by", "month"]);
    for p in months.periods.iter().take(6) {
        let narrowed = count(
            &s,
            &[query, "--since", &p.first_day, "--until", &p.last_day],
        );
        assert_eq!(narrowed, p.count, "{p:?}");
    }
}

#[test]
fn trend_takes_the_filters_of_search() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let cases: [&[&str]; 5] = [
        &["data", "--lang", "id"],
        &["data", "--lang", "en"],
        &["startup OR data", "--source", "DailySocial.id"],
        &["data", "--since", "2025-03", "--until", "2025-09"],
        &["inferense", "--exact"],
    ];
    for args in cases {
        let t = trend(&s, args);
        assert_well_formed(&t);
        assert_eq!(t.total, count(&s, args), "{args:?}");
        if args.contains(&"--since") {
            let first = t.periods.first().unwrap();
            let last = t.periods.last().unwrap();
            assert!(first.first_day.as_str() >= "2025-03-01", "{t:?}");
            assert!(last.last_day.as_str() <= "2025-09-30", "{t:?}");
        }
    }
    let all = trend(&s, &["data"]).total;
    let en = trend(&s, &["data", "--lang", "en"]).total;
    let id = trend(&s, &["data", "--lang", "id"]).total;
    assert_eq!(en + id, all);
    assert!(en > 0 && id > 0);
}

#[test]
fn trend_counts_undated_articles_apart_and_dates_by_their_utc_day() {
    let s = Sandbox::empty();
    let dated = [
        ("a", "2025-08-31T23:30:00Z"),
        ("b", "2025-09-01T02:00:00+07:00"), // 2025-08-31T19:00Z
        ("c", "2025-10-01"),
        ("d", "2025-12-31T20:00:00-05:00"), // 2026-01-01T01:00Z
    ];
    for (name, date) in dated {
        s.write(
            &format!("news/{name}.txt"),
            format!("Date: {date}\nSource: desk\n\nHarbour {name}\n\nThe harbour news {name}.\n"),
        );
    }
    for name in ["u1", "u2", "u3"] {
        s.write(
            &format!("news/{name}.txt"),
            format!("Source: desk\n\nHarbour {name}\n\nThe harbour news {name}, undated.\n"),
        );
    }
    s.run(&["index", "-q", "news"]).code(0);
    let t = trend(&s, &["harbour"]);
    assert_well_formed(&t);
    assert_eq!((t.total, t.undated), (7, 3));
    let counts: Vec<(&str, u64)> = t
        .periods
        .iter()
        .map(|p| (p.period.as_str(), p.count))
        .collect();
    assert_eq!(
        counts,
        [
            ("2025-08", 2),
            ("2025-09", 0),
            ("2025-10", 1),
            ("2025-11", 0),
            ("2025-12", 0),
            ("2026-01", 1)
        ]
    );
    // `--since 2025-09` leaves out the article dated 2 a.m. on 1 September in Jakarta.
    assert_eq!(trend(&s, &["harbour", "--since", "2025-09"]).total, 2);
    let text = s.run(&["trend", "harbour"]).code(0).stdout;
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("undated  3 █"), "{text}");

    // Only undated matches: no period, the undated line alone, exit 0.
    let t = trend(&s, &["undated"]);
    assert_eq!((t.total, t.undated, t.periods.len()), (3, 3, 0));
    let only = s.run(&["trend", "undated"]).code(0).stdout;
    assert_eq!(only.lines().count(), 1, "{only}");
}

#[test]
fn no_match_exits_1_and_bad_arguments_2() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let none = s.run(&["trend", "zzzqqq"]).code(1);
    assert_eq!((none.stdout.as_str(), none.stderr.as_str()), ("", ""));
    let json = s
        .run(&["trend", "zzzqqq", "--json"])
        .code(1)
        .json::<TrendJson>();
    assert_eq!((json.total, json.periods.len()), (0, 0));
    let bad: [&[&str]; 5] = [
        &["trend", "data", "--by", "day"],
        &["trend", "data", "--since", "01/02/2025"],
        &["trend", "data", "--until", "someday"],
        &["trend", "data", "--lang", "xx"],
        &["trend", "published:yesterday"],
    ];
    for args in bad {
        let run = s.run(args).code(2);
        assert!(run.stdout.is_empty(), "{args:?}: {run:?}");
        assert!(run.stderr.starts_with("warta: "), "{args:?}: {run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {run:?}");
    }
    s.run(&["trend"]).code(2);
    let empty = Sandbox::empty();
    empty.run(&["trend", "data", "--index", "nowhere"]).code(2);
}

#[test]
fn odd_and_hostile_queries_are_answered_or_refused_in_one_line() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let long = "data ".repeat(2_000);
    let queries = [
        "\"unbalanced",
        "((((data",
        "data))))",
        "-data",
        "NOT",
        "title:",
        "*",
        "\x1b[31mdata\x1b]0;owned\x07",
        "\u{202e}atad",
        long.as_str(),
        "published:[2025-01-01 TO 2024-01-01]",
    ];
    for query in queries {
        let run = s.cmd(&["trend", query]).output().unwrap();
        let code = run.status.code().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr),
        );
        assert!([0, 1, 2].contains(&code), "{query:?}: {code} {stderr}");
        assert!(
            !stdout.contains('\x1b') && !stderr.contains('\x1b'),
            "{query:?}"
        );
        assert!(!stderr.contains("panicked"), "{query:?}: {stderr}");
        if code == 2 {
            assert_eq!(stderr.lines().count(), 1, "{query:?}: {stderr}");
        } else {
            let json = s.cmd(&["trend", query, "--json"]).output().unwrap();
            assert_eq!(json.status.code(), Some(code), "{query:?}");
            let t: TrendJson = serde_json::from_slice(&json.stdout).unwrap();
            assert_well_formed(&t);
            assert_eq!(t.query, query);
        }
    }
}

#[test]
fn api_trend_answers_as_trend_json_does() {
    let sandbox = indexed_corpus();
    let server = Server::start(&sandbox, &[]);
    let cases: &[(&str, &[&str])] = &[
        ("data", &[]),
        ("data", &["--by", "week"]),
        ("paylater OR fintech", &["--by", "year", "--lang", "id"]),
        ("\"pusat data\"", &["--since", "2025-01", "--until", "2025"]),
        ("startup", &["--source", "dailysocial.id"]),
        ("inferense", &["--exact"]),
        ("zzzqqq", &[]),
    ];
    for (query, flags) in cases {
        let mut args = vec!["trend", "--json", query];
        args.extend(*flags);
        let run = sandbox.run(&args);
        let cli: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let mut params = vec![format!("q={}", enc(query))];
        let mut rest = flags.iter();
        while let Some(flag) = rest.next() {
            let name = flag.trim_start_matches("--");
            match name {
                "exact" => params.push("exact=true".into()),
                _ => params.push(format!("{name}={}", enc(rest.next().unwrap()))),
            }
        }
        let answer = server.get(&format!("/api/trend?{}", params.join("&")));
        assert_eq!(answer.status, 200, "{query}: {}", answer.text());
        assert_eq!(untimed(answer.json()), untimed(cli), "{query} {flags:?}");
        let typed: TrendJson = serde_json::from_slice(&answer.body).unwrap();
        assert_well_formed(&typed);
    }
}

#[test]
fn api_trend_refuses_bad_parameters_with_json_errors() {
    let sandbox = indexed_corpus();
    let server = Server::start(&sandbox, &[]);
    for target in [
        "/api/trend?q=data&by=day",
        "/api/trend?q=data&by=MONTH",
        "/api/trend?by=year",
        "/api/trend?q=",
        "/api/trend?q=data&limit=5",
        "/api/trend?q=data&since=01%2F02%2F2025",
        "/api/trend?q=published%3Ayesterday",
        "/api/trend?q=%FF%FE",
        &format!("/api/trend?q={}", "a".repeat(1001)),
    ] {
        let answer = server.get(target);
        assert_eq!(answer.status, 400, "{target}: {}", answer.text());
        let json = answer.json();
        assert!(
            json["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{target}"
        );
        assert!(json.as_object().unwrap().len() == 2 && json.get("hint").is_some());
    }
    let by = server.get("/api/trend?q=data&by=day").json();
    assert_eq!(by["hint"], "by is one of: year, month, week");
    assert_eq!(server.get("/api/trend?q=data").status, 200);
}

/// The `href` of each bar of a page's histogram, decoded, with the bar's title.
fn bars(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for piece in html.split(r#"<a class="bar" href=""#).skip(1) {
        let href = piece.split('"').next().unwrap().replace("&amp;", "&");
        let title = piece
            .split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap()
            .to_string();
        out.push((href, title));
    }
    out
}

/// The decoded query parameters of a URL.
fn params(href: &str) -> Vec<(String, String)> {
    let query = href
        .strip_prefix("/?")
        .unwrap_or_else(|| panic!("not a search: {href}"));
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            let mut bytes = Vec::new();
            let mut raw = v.bytes();
            while let Some(b) = raw.next() {
                if b == b'%' {
                    let hex: String = [raw.next().unwrap(), raw.next().unwrap()]
                        .iter()
                        .map(|&c| c as char)
                        .collect();
                    bytes.push(u8::from_str_radix(&hex, 16).unwrap());
                } else {
                    bytes.push(b);
                }
            }
            (k.to_string(), String::from_utf8(bytes).unwrap())
        })
        .collect()
}

/// The UTC days of the hits of a page (`<time>` holds each hit's date as indexed).
fn hit_days(html: &str) -> Vec<NaiveDate> {
    html.split("<time>")
        .skip(1)
        .map(|t| {
            let text = t.split("</time>").next().unwrap();
            match chrono::DateTime::parse_from_rfc3339(text) {
                Ok(moment) => moment.naive_utc().date(),
                Err(_) => day(text),
            }
        })
        .collect()
}

#[test]
fn the_page_histogram_bars_narrow_the_search_to_their_period() {
    let sandbox = indexed_corpus();
    let server = Server::start(&sandbox, &[]);
    let page = server.get("/?q=data&lang=en&sort=date&offset=10");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains(r#"<svg class="histogram" viewBox="0 0 600 100""#),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-label="Articles per month, "#),
        "{html}"
    );
    let bars = bars(&html);
    let t = trend(&sandbox, &["data", "--lang", "en"]);
    let linked: Vec<_> = t.periods.iter().filter(|p| p.count > 0).collect();
    assert_eq!(bars.len(), linked.len(), "a link per month with articles");
    assert!(bars.len() > 3, "{html}");
    // A month without articles is drawn, not linked.
    for empty in t.periods.iter().filter(|p| p.count == 0) {
        let tip = format!("<title>{}: 0 articles</title>", empty.period);
        assert!(html.contains("<g class=\"empty\"><rect"), "{html}");
        assert!(html.contains(&tip), "{tip}");
    }
    for ((href, title), period) in bars.iter().zip(&linked) {
        let noun = if period.count == 1 {
            "article"
        } else {
            "articles"
        };
        assert_eq!(
            title,
            &format!("{}: {} {noun}", period.period, period.count)
        );
        let p = params(href);
        let names: Vec<&str> = p.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["q", "lang", "sort", "since", "until"], "{href}");
        let get = |name: &str| p.iter().find(|(k, _)| k == name).unwrap().1.clone();
        assert_eq!(
            (get("q"), get("lang"), get("sort")),
            ("data".into(), "en".into(), "date".into())
        );
        assert_eq!(
            (get("since"), get("until")),
            (period.first_day.clone(), period.last_day.clone())
        );

        // Following the bar: its articles and no others, every one dated in the period.
        let narrowed = server.get(href);
        assert_eq!(narrowed.status, 200, "{href}");
        let html = narrowed.text();
        let summary = format!("of {} matches", period.count);
        assert!(html.contains(&summary), "{href}: {summary}");
        let days = hit_days(&html);
        assert_eq!(days.len() as u64, period.count.min(10), "{href}");
        for d in days {
            assert!(
                d >= day(&period.first_day) && d <= day(&period.last_day),
                "{href}: {d}"
            );
        }
    }
}

#[test]
fn the_page_histogram_counts_weeks_over_a_short_span_and_years_over_a_long_one() {
    let sandbox = Sandbox::empty();
    for (n, date) in [
        "2019-03-04",
        "2019-03-20",
        "2025-08-04",
        "2025-08-06",
        "2025-08-27",
    ]
    .iter()
    .enumerate()
    {
        sandbox.write(
            &format!("news/{n}.txt"),
            format!("Date: {date}\n\nTelescope {n}\n\nThe telescope story {n}.\n"),
        );
    }
    sandbox.write(
        "news/undated.txt",
        "Source: desk\n\nTelescope undated\n\nNo date.\n",
    );
    sandbox.run(&["index", "-q", "news"]).code(0);
    let server = Server::start(&sandbox, &[]);

    let all = server.get("/?q=telescope").text();
    assert!(all.contains("Articles per year, 2019 to 2025"), "{all}");
    assert!(all.contains("1 article undated"), "{all}");
    let years: Vec<String> = bars(&all).into_iter().map(|(_, t)| t).collect();
    assert_eq!(years, ["2019: 2 articles", "2025: 3 articles"]);

    let august = server.get("/?q=telescope&since=2025-08").text();
    let weeks: Vec<(String, String)> = bars(&august);
    let titles: Vec<&str> = weeks.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(titles, ["2025-W32: 2 articles", "2025-W35: 1 article"]);
    assert!(
        august.contains("<title>2025-W33: 0 articles</title>"),
        "{august}"
    );
    let (href, _) = &weeks[0];
    assert!(
        href.ends_with("&since=2025-08-04&until=2025-08-10"),
        "{href}"
    );
    let week = server.get(href).text();
    assert!(week.contains("1–2 of 2 matches"), "{week}");

    // Nothing dated: no histogram.
    let undated = server.get("/?q=undated").text();
    assert!(!undated.contains("<svg"), "{undated}");
}
