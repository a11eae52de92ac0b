//! The identity of an article known by its URL (a feed item, a web-archive record): its
//! canonical URL, else its guid. Copies of one page in several files share the identity, so
//! they make one article (docs/identity.md, "Articles known by their URL").

/// The URL as warta compares it, normalised conservatively (only what never names another
/// page): surrounding space trimmed; scheme and host lower case; the scheme's default port
/// (`:80` for http, `:443` for https) dropped; an empty path written `/`; the fragment dropped;
/// `utm_*` query parameters (campaign tags) dropped, the others kept in their order. Paths,
/// trailing slashes, other parameters and percent-escapes are kept as written: `/a` and `/a/`
/// may be two pages. Text that is not an absolute http(s) URL is only trimmed.
pub fn canonical(url: &str) -> String {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return url.to_string();
    }
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, host_port) = match authority.rsplit_once('@') {
        Some((user, host)) => (Some(user), host),
        None => (None, authority),
    };
    let mut host = host_port.to_ascii_lowercase();
    let default_port = if scheme == "http" { ":80" } else { ":443" };
    if let Some(bare) = host.strip_suffix(default_port) {
        host = bare.to_string();
    }
    let (path, query) = match tail.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (tail, None),
    };
    let mut out = format!("{scheme}://");
    if let Some(user) = user {
        out.push_str(user);
        out.push('@');
    }
    out.push_str(&host);
    out.push_str(if path.is_empty() { "/" } else { path });
    let kept: Vec<&str> = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|p| !p.is_empty() && !p.to_ascii_lowercase().starts_with("utm_"))
        .collect();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    out
}

/// What names an article known by its URL: its canonical URL, else `guid:` and its guid (a
/// feed item's own id, which names no page); `None` when it has neither.
pub fn identity(url: Option<&str>, guid: Option<&str>) -> Option<String> {
    let url = url.map(str::trim).filter(|u| !u.is_empty());
    let guid = guid.map(str::trim).filter(|g| !g.is_empty());
    match (url, guid) {
        (Some(url), _) => Some(canonical(url)),
        (None, Some(guid)) => Some(format!("guid:{guid}")),
        (None, None) => None,
    }
}

/// The identity of an article known by its URL ([`identity`]); `None` for any other, or one
/// with neither URL nor guid (then known by its file after all).
pub fn key_of(article: &crate::article::Article) -> Option<String> {
    if !article.keyed_by_url {
        return None;
    }
    identity(article.url.as_deref(), article.guid.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_host_and_default_ports_are_normalised() {
        assert_eq!(
            canonical("  HTTPS://News.Example.COM:443/Tech/A?x=1#top "),
            "https://news.example.com/Tech/A?x=1"
        );
        assert_eq!(canonical("http://a.example:80"), "http://a.example/");
        assert_eq!(
            canonical("http://a.example:8080/x"),
            "http://a.example:8080/x"
        );
        assert_eq!(
            canonical("https://a.example:80/x"),
            "https://a.example:80/x"
        );
        assert_eq!(
            canonical("https://Me@A.example/x"),
            "https://Me@a.example/x"
        );
    }

    #[test]
    fn paths_and_trailing_slashes_are_kept() {
        assert_ne!(
            canonical("https://a.example/x"),
            canonical("https://a.example/x/")
        );
        assert_ne!(
            canonical("https://a.example/X"),
            canonical("https://a.example/x")
        );
        assert_ne!(
            canonical("http://a.example/x"),
            canonical("https://a.example/x")
        );
    }

    #[test]
    fn campaign_tags_go_and_other_parameters_stay_in_order() {
        assert_eq!(
            canonical("https://a.example/x?utm_source=rss&id=7&UTM_Medium=feed&b=2"),
            "https://a.example/x?id=7&b=2"
        );
        assert_eq!(
            canonical("https://a.example/x?utm_source=rss"),
            "https://a.example/x"
        );
        assert_eq!(canonical("https://a.example/x?"), "https://a.example/x");
    }

    #[test]
    fn other_text_is_only_trimmed() {
        assert_eq!(
            canonical(" tag:lab.example,2025:1 "),
            "tag:lab.example,2025:1"
        );
        assert_eq!(canonical("ftp://A.example/x"), "ftp://A.example/x");
        assert_eq!(canonical("https://"), "https:///");
    }

    #[test]
    fn identity_is_the_url_else_the_guid() {
        assert_eq!(
            identity(Some("https://A.example/x#c"), Some("g1")).as_deref(),
            Some("https://a.example/x")
        );
        assert_eq!(
            identity(Some(" "), Some(" g1 ")).as_deref(),
            Some("guid:g1")
        );
        assert_eq!(identity(None, None), None);
        assert_eq!(identity(None, Some("")), None);
    }
}
