//! The search page's date histogram: the matches per period drawn as inline SVG, each bar a
//! link that narrows the search to its period. Server-rendered (no script), styled only by
//! classes of the compiled-in stylesheet (the CSP allows no inline style), scaled to the width
//! of the screen by its `viewBox`.

use maud::{html, Markup};
use warta::search::{PeriodCount, Trend};

/// The drawing's width and height in its own units; CSS stretches it to the page's width.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 100.0;
/// Height of a bar of no articles: a mark on the baseline, so that gaps show.
const EMPTY_HEIGHT: f64 = 1.0;
/// The least height of a bar of some articles, so that it can be seen and clicked.
const MIN_HEIGHT: f64 = 3.0;

/// The histogram of `trend`, its bars linking to `link(period)`; nothing when no match is
/// dated.
pub fn histogram(trend: &Trend, link: impl Fn(&PeriodCount) -> String) -> Markup {
    let periods = &trend.periods;
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else {
        return html! {};
    };
    let most = periods.iter().map(|p| p.count).max().unwrap_or(0).max(1);
    let slot = WIDTH / periods.len() as f64;
    let gap = if slot >= 4.0 { slot * 0.15 } else { 0.0 };
    let per = trend.by.name();
    let caption = format!("Articles per {per}, {} to {}", first.label, last.label);
    html! {
        figure.histogram-figure {
            svg.histogram viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) preserveAspectRatio="none"
                aria-label=(caption) {
                title { (caption) }
                @for (n, period) in periods.iter().enumerate() {
                    @let x = n as f64 * slot + gap / 2.0;
                    @let tip = format!("{}: {}", period.label, articles(period.count));
                    @if period.count == 0 {
                        g.empty {
                            rect x=(num(x)) y=(num(HEIGHT - EMPTY_HEIGHT)) width=(num(slot - gap))
                                height=(num(EMPTY_HEIGHT)) {}
                            title { (tip) }
                        }
                    } @else {
                        @let height = (period.count as f64 / most as f64 * HEIGHT).max(MIN_HEIGHT);
                        a.bar href=(link(period)) {
                            rect x=(num(x)) y=(num(HEIGHT - height)) width=(num(slot - gap))
                                height=(num(height)) {}
                            title { (tip) }
                        }
                    }
                }
            }
            figcaption.histogram-axis {
                span { (first.label) }
                span.histogram-note {
                    "Articles per " (per) ", most " (most)
                    @if trend.undated > 0 { " · " (articles(trend.undated)) " undated" }
                    " · click a bar to narrow the search"
                }
                span { (last.label) }
            }
        }
    }
}

/// `1 article`, `12 articles`.
fn articles(n: u64) -> String {
    if n == 1 {
        "1 article".to_string()
    } else {
        format!("{n} articles")
    }
}

/// A coordinate with two decimals at most (`12`, `12.5`, `12.35`).
fn num(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use warta::search::Period;

    fn period(label: &str, first: &str, last: &str, count: u64) -> PeriodCount {
        let day = |t| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
        PeriodCount {
            label: label.into(),
            first_day: day(first),
            last_day: day(last),
            count,
        }
    }

    fn trend(periods: Vec<PeriodCount>, undated: u64) -> Trend {
        Trend {
            query: "q".into(),
            by: Period::Month,
            total: periods.iter().map(|p| p.count).sum::<u64>() + undated,
            undated,
            periods,
            took_ms: 0.0,
        }
    }

    #[test]
    fn bars_link_to_their_period_and_empty_ones_are_drawn_without_a_link() {
        let t = trend(
            vec![
                period("2025-07", "2025-07-01", "2025-07-31", 1),
                period("2025-08", "2025-08-01", "2025-08-31", 0),
                period("2025-09", "2025-09-01", "2025-09-30", 12),
            ],
            2,
        );
        let html = histogram(&t, |p| {
            format!("/?since={}&until={}", p.first_day, p.last_day)
        })
        .into_string();
        assert!(
            html.contains(r#"<svg class="histogram" viewBox="0 0 600 100""#),
            "{html}"
        );
        assert_eq!(html.matches(r#"<a class="bar""#).count(), 2, "{html}");
        assert!(html.contains(
            r#"<a class="bar" href="/?since=2025-07-01&amp;until=2025-07-31"><rect x="15" y="91.67" width="170" height="8.33"></rect><title>2025-07: 1 article</title></a>"#
        ), "{html}");
        assert!(
            html.contains("<title>2025-08: 0 articles</title>"),
            "{html}"
        );
        assert!(html.contains(r#"<g class="empty"><rect x="215""#), "{html}");
        assert!(
            html.contains("<title>2025-09: 12 articles</title>"),
            "{html}"
        );
        assert!(html.contains("2 articles undated"), "{html}");
        assert!(html.contains(r#"aria-label="Articles per month, 2025-07 to 2025-09""#));
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn no_dated_match_draws_nothing() {
        assert_eq!(
            histogram(&trend(vec![], 3), |_| String::new()).into_string(),
            ""
        );
    }

    #[test]
    fn coordinates_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(1.0 / 3.0), "0.33");
        assert_eq!(num(0.0), "0");
    }
}
