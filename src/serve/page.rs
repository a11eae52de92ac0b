//! The search page, for people: server-rendered HTML that works without JavaScript, its state
//! in the URL. maud escapes every value; the one place that marks matched words builds them
//! from escaped pieces (`snippet`). No script, and the stylesheet is compiled in.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State as Shared};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use warta::search::{Facet, Hit, Hits, PeriodCount, Trend, TrendOptions};
use warta::Article;

use super::api::{bad_path, similar_limit};
use super::error::ApiError;
use super::histogram::histogram;
use super::params::{encode, pairs, SearchRequest};
use super::state::State;

/// The stylesheet, compiled in.
const STYLE: &str = include_str!("style.css");
/// Hits per page.
const PAGE: usize = 10;

/// `GET /style.css`.
pub async fn style() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

/// `GET /`: the search box and, with `q`, a page of ranked hits with facets and paging.
pub async fn search(Shared(state): Shared<Arc<State>>, RawQuery(raw): RawQuery) -> Response {
    let request = pairs(raw.as_deref()).and_then(|p| SearchRequest::from_pairs(&p));
    let mut request = match request {
        Ok(r) => r,
        Err(err) => return failed(&SearchRequest::default(), err),
    };
    if request.q.trim().is_empty() {
        return Html(layout("warta", &request, html! {}).into_string()).into_response();
    }
    request.limit = Some(request.limit.unwrap_or(PAGE));
    request.facet = vec!["source".into(), "lang".into(), "year".into()];
    let options = match request.options() {
        Ok(o) => o,
        Err(err) => return failed(&request, err),
    };
    let trend = TrendOptions {
        query: options.query.clone(),
        filters: options.filters.clone(),
        by: None,
    };
    let found = state
        .run(move |engine| Ok((engine.search(&options)?, engine.trend(&trend)?)))
        .await;
    match found {
        Ok((hits, trend)) => {
            let title = format!("{} · warta", request.q);
            let body = results(&request, &hits, &trend);
            Html(layout(&title, &request, body).into_string()).into_response()
        }
        Err(err) => failed(&request, err),
    }
}

/// `GET /articles/{id}`: one article in full.
pub async fn article(
    Shared(state): Shared<Arc<State>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let blank = SearchRequest::default();
    let id = match id.map_err(bad_path) {
        Ok(Path(id)) => id,
        Err(err) => return failed(&blank, err),
    };
    match state.run(move |engine| Ok(engine.get(&id)?)).await {
        Ok(a) => Html(layout(&a.title, &blank, article_view(&a)).into_string()).into_response(),
        Err(err) => failed(&blank, err),
    }
}

/// `GET /similar/{id}`: the articles most like one.
pub async fn similar(
    Shared(state): Shared<Arc<State>>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let blank = SearchRequest::default();
    let limit = pairs(raw.as_deref()).and_then(|p| similar_limit(&p));
    let (id, limit) = match (id.map_err(bad_path), limit) {
        (Ok(Path(id)), Ok(limit)) => (id, limit),
        (Err(err), _) | (_, Err(err)) => return failed(&blank, err),
    };
    let found = state
        .run(move |engine| Ok((engine.get(&id)?, engine.similar(&id, limit)?)))
        .await;
    match found {
        Ok((a, hits)) => {
            let body = html! {
                h1.heading { "Like: " a href=(article_link(&a.id)) { (a.title) } }
                (hit_list(&hits))
            };
            Html(layout("similar · warta", &blank, body).into_string()).into_response()
        }
        Err(err) => failed(&blank, err),
    }
}

/// The page for an error, with its status.
fn failed(request: &SearchRequest, err: ApiError) -> Response {
    let status = err.status();
    let (error, hint) = err.message();
    let body = html! {
        section.error role="alert" {
            p { strong { (error) } }
            @if let Some(hint) = hint { p { (hint) } }
        }
    };
    let page = layout("error · warta", request, body).into_string();
    (status, Html(page)).into_response()
}

/// The frame of every page: the search form (holding the current search) above `body`.
fn layout(title: &str, r: &SearchRequest, body: Markup) -> Markup {
    let lang = r.lang.as_deref().unwrap_or("");
    let sort = r.sort.as_deref().unwrap_or("relevance");
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/style.css";
            }
            body {
                header {
                    form.search action="/" method="get" role="search" {
                        a.brand href="/" { "warta" }
                        input type="search" name="q" value=(r.q) aria-label="Search"
                            placeholder="Search the news" autofocus;
                        button type="submit" { "Search" }
                        div.filters {
                            label { "Language "
                                select name="lang" {
                                    option value="" selected[lang.is_empty()] { "any" }
                                    option value="en" selected[lang == "en"] { "English" }
                                    option value="id" selected[lang == "id"] { "Indonesian" }
                                }
                            }
                            label { "Source "
                                input name="source" size="12" value=(r.source.as_deref().unwrap_or(""));
                            }
                            label { "From "
                                input name="since" size="10" placeholder="2024-01"
                                    value=(r.since.as_deref().unwrap_or(""));
                            }
                            label { "to "
                                input name="until" size="10" placeholder="2025"
                                    value=(r.until.as_deref().unwrap_or(""));
                            }
                            label { "Order "
                                select name="sort" {
                                    option value="relevance" selected[sort == "relevance"] { "best match" }
                                    option value="date" selected[sort == "date"] { "newest" }
                                }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A page of results: the count, the date histogram, the facets, the hits and the paging
/// links.
fn results(r: &SearchRequest, hits: &Hits, trend: &Trend) -> Markup {
    let offset = hits.offset;
    let shown = hits.hits.len();
    let limit = r.limit.unwrap_or(PAGE).max(1);
    html! {
        p.summary {
            @if hits.total == 0 { "No matches." }
            @else { (offset + 1) "–" (offset + shown) " of " (hits.total) " matches" }
            @if !hits.expanded.typos.is_empty() {
                " (also matched: "
                @for (i, (word, to)) in hits.expanded.typos.iter().enumerate() {
                    @if i > 0 { "; " }
                    (word) " → " (to.join(", "))
                }
                ")"
            }
        }
        (histogram(trend, |period| link(r, &period_filter(period))))
        div.results {
            aside.facets { (facets(r, hits)) }
            section {
                (hit_list(hits))
                nav.pages aria-label="Pages" {
                    @if offset > 0 {
                        a rel="prev" href=(link(r, &[("offset", Some(offset.saturating_sub(limit).to_string()))])) { "← Previous page" }
                    }
                    @if offset + shown < hits.total {
                        a rel="next" href=(link(r, &[("offset", Some((offset + limit).to_string()))])) { "Next page →" }
                    }
                }
            }
        }
    }
}

/// The facet counts, each a link that narrows the search to it.
fn facets(r: &SearchRequest, hits: &Hits) -> Markup {
    html! {
        @for (facet, counts) in &hits.facets {
            @if !counts.is_empty() {
                h2 { (facet_heading(*facet)) }
                ul {
                    @for (value, count) in counts.iter().take(20) {
                        li {
                            a href=(link(r, &facet_filter(*facet, value))) { (facet_label(*facet, value)) }
                            " " span.count { (count) }
                        }
                    }
                }
            }
        }
    }
}

fn facet_heading(facet: Facet) -> &'static str {
    match facet {
        Facet::Source => "Source",
        Facet::Lang => "Language",
        Facet::Year => "Year",
    }
}

/// A facet value as people read it: languages by name, the rest as stored.
fn facet_label(facet: Facet, value: &str) -> &str {
    match (facet, value) {
        (Facet::Lang, "en") => "English",
        (Facet::Lang, "id") => "Indonesian",
        _ => value,
    }
}

/// The parameters that narrow a search to one facet value.
fn facet_filter(facet: Facet, value: &str) -> Vec<(&'static str, Option<String>)> {
    let value = Some(value.to_string());
    match facet {
        Facet::Source => vec![("source", value), ("offset", None)],
        Facet::Lang => vec![("lang", value), ("offset", None)],
        Facet::Year => vec![("since", value.clone()), ("until", value), ("offset", None)],
    }
}

/// The parameters that narrow a search to one period of the histogram: from its first day
/// through its last.
fn period_filter(period: &PeriodCount) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("since", Some(period.first_day.to_string())),
        ("until", Some(period.last_day.to_string())),
        ("offset", None),
    ]
}

/// Ranked hits, each with its title, source, date, language, snippet and links.
fn hit_list(hits: &Hits) -> Markup {
    html! {
        ol.hits start=(hits.offset + 1) {
            @for hit in &hits.hits {
                li.hit lang=(hit.lang) {
                    h3 { a href=(article_link(&hit.id)) { (title_of(&hit.title)) } }
                    p.meta {
                        @if let Some(source) = &hit.source { span.source { (source) } " · " }
                        @if let Some(date) = hit.published { time { (date.to_iso()) } " · " }
                        span.lang { (hit.lang) }
                    }
                    p.snippet { (snippet(hit)) }
                    p.links {
                        a href=(format!("/similar/{}", encode(&hit.id))) { "Similar articles" }
                        @if !hit.duplicates.is_empty() {
                            details.copies {
                                summary { "+" (hit.duplicates.len()) " copies" }
                                ul {
                                    @for id in &hit.duplicates {
                                        li { a href=(article_link(id)) { (id) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The snippet with its matched words in `<mark>`: every piece is text that maud escapes.
fn snippet(hit: &Hit) -> Markup {
    let chars: Vec<char> = hit.snippet.text.chars().collect();
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut at = 0;
    for &(from, to) in &hit.snippet.highlights {
        let (from, to) = (from.min(chars.len()), to.min(chars.len()));
        if from < at || to < from {
            continue;
        }
        pieces.push((chars[at..from].iter().collect(), false));
        pieces.push((chars[from..to].iter().collect(), true));
        at = to;
    }
    pieces.push((chars[at..].iter().collect(), false));
    html! {
        @for (text, matched) in pieces {
            @if matched { mark { (text) } } @else { (text) }
        }
    }
}

/// One article in full.
fn article_view(a: &Article) -> Markup {
    html! {
        article lang=(a.lang) {
            h1.heading { (title_of(&a.title)) }
            p.meta {
                @if let Some(source) = &a.source { span.source { (source) } " · " }
                @if let Some(date) = a.published { time { (date.to_iso()) } " · " }
                @if let Some(author) = &a.author { "by " (author) " · " }
                span.lang { (a.lang) }
            }
            @if let Some(url) = a.url.as_deref() {
                p.original {
                    @if is_web_link(url) { a href=(url) rel="noopener noreferrer nofollow" { (url) } }
                    @else { (url) }
                }
            }
            @if !a.lede.is_empty() { p.lede { (a.lede) } }
            @for paragraph in a.body.split("\n\n").filter(|p| !p.trim().is_empty()) {
                p { (paragraph) }
            }
            p.links {
                a href=(format!("/similar/{}", encode(&a.id))) { "Similar articles" }
                " · " span.path { (a.path) }
            }
        }
    }
}

/// Only http(s) URLs become links: an article's `javascript:` or `data:` URL stays text.
fn is_web_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

fn title_of(title: &str) -> &str {
    if title.trim().is_empty() {
        "(untitled)"
    } else {
        title
    }
}

fn article_link(id: &str) -> String {
    format!("/articles/{}", encode(id))
}

/// The URL of the current search with `changes` made (a `None` value drops the parameter).
fn link(r: &SearchRequest, changes: &[(&str, Option<String>)]) -> String {
    let mut params: Vec<(&str, String)> = vec![("q", r.q.clone())];
    let text = |name: &'static str, v: &Option<String>| v.clone().map(|v| (name, v));
    params.extend(text("lang", &r.lang));
    params.extend(text("source", &r.source));
    params.extend(text("since", &r.since));
    params.extend(text("until", &r.until));
    params.extend(text("sort", &r.sort));
    params.extend(text("recent", &r.recent));
    params.extend(
        r.offset
            .filter(|&o| o > 0)
            .map(|o| ("offset", o.to_string())),
    );
    if r.exact == Some(true) {
        params.push(("exact", "1".into()));
    }
    if r.no_collapse == Some(true) {
        params.push(("no_collapse", "1".into()));
    }
    for (name, value) in changes {
        params.retain(|(n, _)| n != name);
        if let Some(v) = value {
            params.push((name, v.clone()));
        }
    }
    let query: Vec<String> = params
        .iter()
        .map(|(n, v)| format!("{n}={}", encode(v)))
        .collect();
    format!("/?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_are_links() {
        assert!(is_web_link("https://example.com/a"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link(" JavaScript:alert(1)"));
        assert!(!is_web_link("data:text/html,x"));
    }

    #[test]
    fn languages_are_named_other_facet_values_shown_as_stored() {
        assert_eq!(facet_label(Facet::Lang, "id"), "Indonesian");
        assert_eq!(facet_label(Facet::Lang, "en"), "English");
        assert_eq!(facet_label(Facet::Lang, "und"), "und");
        assert_eq!(facet_label(Facet::Source, "id"), "id");
    }

    #[test]
    fn a_facet_link_keeps_the_search_and_drops_the_page() {
        let r = SearchRequest {
            q: "a&b".into(),
            offset: Some(20),
            lang: Some("id".into()),
            ..SearchRequest::default()
        };
        let url = link(&r, &facet_filter(Facet::Year, "2025"));
        assert_eq!(url, "/?q=a%26b&lang=id&since=2025&until=2025");
    }

    #[test]
    fn markup_in_a_snippet_is_escaped_and_matches_marked() {
        let hit = Hit {
            id: "x".into(),
            score: 1.0,
            title: String::new(),
            path: String::new(),
            url: None,
            source: None,
            published: None,
            fetched: None,
            lang: "en".into(),
            snippet: warta::search::Snippet {
                text: "<script>x</script> bitcoin".into(),
                highlights: vec![(19, 26)],
            },
            duplicates: vec![],
            typo_matches: Default::default(),
        };
        assert_eq!(
            snippet(&hit).into_string(),
            "&lt;script&gt;x&lt;/script&gt; <mark>bitcoin</mark>"
        );
    }
}
