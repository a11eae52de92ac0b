//! The search page in a real browser: headless Chromium driven over WebDriver (chromedriver),
//! over `warta serve` on the shipped corpus. It types a search, reads the ranked hits and their
//! marked words, clicks a facet and a histogram bar, pages forward and back (with the browser's
//! own back and forward), opens an article and its similar articles, and writes screenshots of
//! the page, wide and phone-width, into `target/screenshots/`. A second test indexes hostile
//! articles beside the corpus and checks that their markup shows as text and that no script of
//! theirs runs, on the results, the article and the similar pages.
//!
//! Both need `chromium` and `chromedriver` (Debian: `apt-get install chromium chromium-driver`;
//! `.ci/run` installs them when missing), so they are `#[ignore]`d: `cargo test -- --ignored
//! browser_`. Without them they fail, saying what to install; they never skip.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::serve::{enc, Server};
use crate::util::Sandbox;
use crate::webdriver::{self, Element, Http, Locator, Session};

/// How long anything the browser waits for may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(60);
/// The search typed: 17 matches in the shipped corpus, in English and Indonesian, from four
/// sources and three years, so there is a second page and every facet narrows.
const QUERY: &str = "data";
/// The marker the hostile articles' scripts would set.
const MARKER: &str = "__xss";

#[test]
#[ignore = "needs chromium and chromedriver; cargo test -- --ignored browser_"]
fn browser_search_facet_histogram_paging_article_and_screenshots() {
    let sandbox = Sandbox::with_corpus();
    sandbox.run(&["index", "corpus"]).code(0);
    let server = Server::start(&sandbox, &[]);
    let driver = Driver::start();
    let page = Page::open(&driver, &server);
    page.search_flow(&server);
    page.client.close().expect("close the browser");
}

#[test]
#[ignore = "needs chromium and chromedriver; cargo test -- --ignored browser_"]
fn browser_hostile_articles_show_as_text_and_run_no_script() {
    let sandbox = Sandbox::with_corpus();
    let payloads = [
        "<script>window.__xss=1</script>",
        "<img src=x onerror=\"window.__xss=1\">",
        "\"><svg onload=\"window.__xss=1\">",
    ];
    let all = payloads.join(" ");
    let hostile = |title: &str, url: &str, story: &str| {
        json!({
            "title": format!("Zanzibar {title} {all}"),
            "source": format!("evil {}", payloads[0]),
            "author": payloads[1],
            "url": url,
            "date": "2025-03-01",
            "lede": format!("Zanzibar lede {}", payloads[2]),
            "body": format!("{story}\n\nThe zanzibar body holds {all}\n\nA last zanzibar paragraph: javascript:window.__xss=1"),
        })
    };
    let articles = json!([
        hostile(
            "script link",
            "javascript:window.__xss=1",
            "Harbour cranes in the old port stopped for a week while engineers replaced the \
             control software, and shipping lines sent their vessels south to Mombasa instead.",
        ),
        hostile(
            "quoted link",
            "https://evil.example/\"><svg/onload=window.__xss=1>",
            "Kebun cengkeh di pulau itu panen lebih awal tahun ini; para petani menjual hasilnya \
             lewat koperasi baru yang dibentuk dengan dukungan pemerintah daerah.",
        ),
    ]);
    sandbox.write("hostile/zanzibar.json", articles.to_string());
    sandbox.run(&["index", "corpus", "hostile"]).code(0);
    let server = Server::start(&sandbox, &[]);
    let driver = Driver::start();
    let page = Page::open(&driver, &server);
    page.hostile_flow(&payloads);
    page.client.close().expect("close the browser");
}

/// chromedriver on a free loopback port, with the Chromium it starts. `drop` (which runs even
/// when the test panics) ends the browser session, which quits Chromium, then ends the process
/// group chromedriver and the browser run in, so no browser outlives the test.
struct Driver {
    child: Child,
    port: u16,
    chromium: PathBuf,
    /// The WebDriver session, once there is one.
    session: Mutex<Option<String>>,
    /// A new, empty profile for Chromium, removed after the processes are gone.
    profile: tempfile::TempDir,
}

impl Driver {
    fn start() -> Driver {
        let chromedriver = on_path(&["chromedriver"]).unwrap_or_else(|| {
            panic!(
                "chromedriver is not on PATH: the browser tests need it \
                 (Debian: apt-get install chromium-driver; .ci/run installs it)"
            )
        });
        let chromium =
            on_path(&["chromium", "chromium-browser", "google-chrome"]).unwrap_or_else(|| {
                panic!(
                    "chromium is not on PATH: the browser tests need it \
                     (Debian: apt-get install chromium; .ci/run installs it)"
                )
            });
        // The free port is found by binding port 0 and letting it go; another process may take
        // it in between, so a driver that exits at once is started again on another port.
        for _ in 0..5 {
            let port = free_port();
            let child = Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
            let mut driver = Driver {
                child,
                port,
                chromium: chromium.clone(),
                session: Mutex::new(None),
                profile: tempfile::tempdir().expect("temp dir"),
            };
            let started = Instant::now();
            while started.elapsed() < DEADLINE {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return driver;
                }
                if driver.child.try_wait().ok().flatten().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(
                started.elapsed() < DEADLINE,
                "chromedriver did not listen on port {port} within {DEADLINE:?}"
            );
        }
        panic!("chromedriver exited at start five times (is the port range exhausted?)");
    }

    /// chromedriver's endpoint, each command given `timeout` to answer.
    fn http(&self, timeout: Duration) -> Http {
        Http::new(SocketAddr::from(([127, 0, 0, 1], self.port)), timeout)
    }

    /// The session's capabilities: headless, with nothing that reaches for the network (the
    /// machine may have none, and Chromium then fails many connections at once).
    fn capabilities(&self) -> Value {
        let args = [
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", self.profile.path().display()),
        ];
        json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": self.chromium, "args": args},
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Chromium quits with its session (its helper processes with it); a session already
        // closed answers an error, which changes nothing.
        if let Some(session) = self.session.lock().ok().and_then(|s| s.clone()) {
            let _ = webdriver::delete_session(&self.http(Duration::from_secs(10)), &session);
        }
        // The group's id is the driver's pid (process_group(0)); Chromium inherits the group.
        let group = -(self.child.id() as i32);
        // SAFETY: kill(2) with a negative pid signals only the group this test created.
        unsafe { libc::kill(group, libc::SIGTERM) };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            // kill(group, 0) fails once no process of the group is left.
            if unsafe { libc::kill(group, 0) } != 0 {
                break;
            }
            let _ = self.child.try_wait();
            std::thread::sleep(Duration::from_millis(50));
        }
        unsafe { libc::kill(group, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

/// The first of `names` found on PATH.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().unwrap().port()
}

/// `target/screenshots/`, where the screenshots go.
fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

/// A WebDriver session on the server's pages.
struct Page {
    client: Session,
    base: String,
}

/// A hit as the page shows it.
#[derive(Debug, Clone, PartialEq)]
struct ShownHit {
    id: String,
    title: String,
    source: String,
    date: String,
}

impl Page {
    fn open(driver: &Driver, server: &Server) -> Page {
        let client = Session::new(driver.http(DEADLINE), driver.capabilities())
            .unwrap_or_else(|e| panic!("no WebDriver session with Chromium: {e}"));
        *driver.session.lock().unwrap() = Some(client.id().to_string());
        let page = Page {
            client,
            base: format!("http://{}", server.addr),
        };
        page.viewport(1280, 900);
        page
    }

    // ---- the search page ----

    fn search_flow(&self, server: &Server) {
        self.goto("/");
        // Type the search and submit it, as a person does.
        let input = self.find("input[name=q]");
        input.send_keys(QUERY).expect("type the query");
        let before = self.url();
        self.find("form.search button[type=submit]")
            .click()
            .expect("submit");
        self.wait_for_url_change(&before);
        assert!(
            self.url().contains(&format!("q={QUERY}")),
            "the search is in the URL: {}",
            self.url()
        );

        // Ranked hits: the page shows the API's hits in the API's order.
        let api = server.get(&format!("/api/search?q={}&limit=10", enc(QUERY)));
        let api = api.json();
        let total = api["total"].as_u64().unwrap();
        assert!(total > 10, "the query needs a second page: {total}");
        let first = self.hits();
        assert_eq!(ids(&first), api_ids(&api), "the page ranks as the API does");
        assert_eq!(self.text("p.summary"), format!("1–10 of {total} matches"));
        // Highlighted words: each hit's snippet marks the query's word.
        let marks = self.texts("li.hit p.snippet mark");
        assert!(marks.len() >= first.len(), "marks: {marks:?}");
        for mark in &marks {
            assert!(mark.to_lowercase().contains(QUERY), "marked {mark:?}");
        }
        self.screenshot("results-wide.png");
        self.phone_screenshot("results-phone.png");

        let page_one = self.url();
        self.paging(server, &first, &page_one);
        self.facet(&page_one);
        self.article(&page_one, &first[0]);
        self.histogram(&page_one);
    }

    /// Next page, browser back and forward (the state is the URL), then the page's own link back.
    fn paging(&self, server: &Server, first: &[ShownHit], page_one: &str) {
        self.click_and_wait("a[rel=next]");
        let api = server
            .get(&format!("/api/search?q={}&limit=10&offset=10", enc(QUERY)))
            .json();
        let second = self.hits();
        assert_eq!(
            ids(&second),
            api_ids(&api),
            "page two is the API's offset 10"
        );
        assert!(self.text("p.summary").starts_with("11–"));
        let page_two = self.url();

        self.client.back().expect("back");
        self.wait_for_url(page_one);
        assert_eq!(self.hits(), first, "back shows page one again");
        assert_eq!(self.value("input[name=q]"), QUERY);
        self.client.forward().expect("forward");
        self.wait_for_url(&page_two);
        assert_eq!(self.hits(), second, "forward shows page two again");

        self.click_and_wait("a[rel=prev]");
        assert_eq!(self.hits(), first, "the previous-page link");
        assert_eq!(self.find_all("a[rel=prev]").len(), 0);
    }

    /// A source facet narrows the search: every hit has that source, as many as it counted.
    fn facet(&self, page_one: &str) {
        self.goto_url(page_one);
        let total = self.total();
        let links = self
            .client
            .find_all(Locator::XPath(
                "//aside[contains(@class,'facets')]/h2[.='Source']/following-sibling::ul[1]/li",
            ))
            .expect("source facets");
        assert!(links.len() >= 2, "several sources match");
        let item = &links[links.len() - 1];
        let link = item.find(Locator::Css("a")).expect("facet link");
        let source = link.text().unwrap();
        let count: usize = item
            .find(Locator::Css(".count"))
            .unwrap()
            .text()
            .unwrap()
            .parse()
            .unwrap();
        assert!(count < total, "{source}: {count} of {total}");
        let before = self.url();
        link.click().expect("click the facet");
        self.wait_for_url_change(&before);
        assert_eq!(self.total(), count, "the facet's count");
        let hits = self.hits();
        assert_eq!(hits.len(), count.min(10));
        for hit in &hits {
            assert_eq!(hit.source, source, "{hit:?} is outside the facet");
        }
        assert_eq!(self.value("input[name=source]"), source);
        self.screenshot("facet-wide.png");
        self.client.back().expect("back");
        self.wait_for_url(page_one);
    }

    /// A histogram bar narrows the search to its period: `since`/`until` are its first and last
    /// day, every hit is dated in it, and there are as many as the bar's title says.
    fn histogram(&self, page_one: &str) {
        self.goto_url(page_one);
        let bars = self.find_all("svg.histogram a.bar");
        assert!(bars.len() >= 2, "the histogram has several bars");
        let mut chosen = None;
        for bar in &bars {
            let title = bar
                .find(Locator::Css("title"))
                .expect("a bar's title")
                .prop("textContent")
                .unwrap()
                .unwrap_or_default();
            let (period, count) = bar_title(&title);
            if count > 0 && count < self.total() {
                chosen = Some((bar.clone(), period, count));
                break;
            }
        }
        let (bar, period, count) = chosen.expect("a bar with some but not all matches");
        let before = self.url();
        bar.click().expect("click the bar");
        self.wait_for_url_change(&before);
        let url = self.url();
        let (first_day, last_day) = period_days(&period);
        assert!(url.contains(&format!("since={first_day}")), "{url}");
        assert!(url.contains(&format!("until={last_day}")), "{url}");
        assert!(
            url.contains(&format!("q={QUERY}")),
            "the bar keeps the query: {url}"
        );
        assert_eq!(self.total(), count, "the bar's count");
        for hit in self.hits() {
            assert!(
                first_day <= hit.date && hit.date <= last_day,
                "{hit:?} is outside {period}"
            );
        }
        assert_eq!(self.value("input[name=since]"), first_day);
        assert_eq!(self.value("input[name=until]"), last_day);
        self.client.back().expect("back");
        self.wait_for_url(page_one);
    }

    /// The first hit's title opens the article in full; its similar articles are a click on.
    fn article(&self, page_one: &str, hit: &ShownHit) {
        self.goto_url(page_one);
        self.click_and_wait("li.hit h3 a");
        assert_eq!(self.text("article h1.heading"), hit.title);
        let paragraphs = self.find_all("article > p:not(.meta):not(.links)");
        assert!(paragraphs.len() >= 2, "the article's text is shown");
        self.screenshot("article-wide.png");
        self.phone_screenshot("article-phone.png");
        self.click_and_wait("article p.links a");
        assert!(self.text("h1.heading").starts_with("Like: "));
        assert!(!self.find_all("li.hit").is_empty(), "similar articles");
    }

    // ---- hostile articles ----

    fn hostile_flow(&self, payloads: &[&str]) {
        self.goto("/");
        let input = self.find("input[name=q]");
        input.send_keys("zanzibar").expect("type");
        let before = self.url();
        self.find("form.search button[type=submit]")
            .click()
            .expect("submit");
        self.wait_for_url_change(&before);
        let hits = self.hits();
        assert_eq!(hits.len(), 2, "{hits:?}");
        for hit in &hits {
            for payload in payloads {
                assert!(hit.title.contains(payload), "{payload} not shown literally");
            }
            assert!(hit.source.contains(payloads[0]), "{hit:?}");
        }
        let snippets = self.texts("li.hit p.snippet").join(" ");
        assert!(snippets.contains(payloads[0]), "{snippets}");
        self.no_script_ran("the results");
        self.screenshot("hostile-results.png");
        // Long unbroken payloads must wrap, not widen the page.
        self.phone_screenshot("hostile-phone.png");
        let results = self.url();

        for n in 0..hits.len() {
            self.goto_url(&results);
            let links = self.find_all("li.hit h3 a");
            let before = self.url();
            links[n].click().expect("click the title");
            self.wait_for_url_change(&before);
            self.hostile_article(&hits[n], payloads);

            self.click_and_wait("article p.links a");
            let heading = self.text("h1.heading");
            assert_eq!(heading, format!("Like: {}", hits[n].title));
            self.no_script_ran("the similar page");
            self.click_and_wait("h1.heading a");
            self.no_script_ran("the article reached from the similar page");
        }
        self.reflected(payloads);
    }

    /// Hostile text in the request itself: a typed query (shown back in the search box and the
    /// title), filters, a query that is an error, an unknown article id.
    fn reflected(&self, payloads: &[&str]) {
        for payload in payloads {
            self.goto("/");
            let input = self.find("input[name=q]");
            input
                .send_keys(&format!("zanzibar {payload}"))
                .expect("type");
            let before = self.url();
            self.find("form.search button[type=submit]")
                .click()
                .expect("submit");
            self.wait_for_url_change(&before);
            assert_eq!(self.value("input[name=q]"), format!("zanzibar {payload}"));
            let title = self.client.title().expect("title");
            assert!(title.contains(payload), "{title}");
            self.no_script_ran("a page for a hostile query");
            for target in [
                format!("/?q=zanzibar&source={}", enc(payload)),
                format!("/?q=published%3A{}", enc(payload)),
                format!("/?q={}&since={}", enc(payload), enc(payload)),
                format!("/articles/{}", enc(payload)),
                format!("/similar/{}", enc(payload)),
            ] {
                self.goto(&target);
                self.no_script_ran(&target);
            }
        }
    }

    fn hostile_article(&self, hit: &ShownHit, payloads: &[&str]) {
        assert_eq!(self.text("article h1.heading"), hit.title);
        let title = self.client.title().expect("the document's title");
        assert!(title.contains(payloads[0]), "{title}");
        let meta = self.text("article p.meta");
        assert!(
            meta.contains(payloads[0]) && meta.contains(payloads[1]),
            "{meta}"
        );
        let body = self.text("article");
        for payload in payloads {
            assert!(body.contains(payload), "{payload} not shown in the article");
        }
        // The article's URL: a javascript: URL stays text; an http one is a link whose href
        // is the URL exactly (its quotes escaped in the attribute, not closing it).
        let original = self.text("article p.original");
        let links = self.find_all("article p.original a");
        if original.starts_with("javascript:") {
            assert!(links.is_empty(), "a javascript: URL became a link");
        } else {
            assert_eq!(links.len(), 1);
            let href = links[0].attr("href").unwrap().unwrap();
            assert_eq!(href, original);
        }
        self.no_script_ran("the article page");
    }

    /// No marker set, and nothing in the document that could run: the marker alone would pass
    /// even with an escape missed, as the Content-Security-Policy stops inline scripts too.
    fn no_script_ran(&self, page: &str) {
        let marker = self
            .client
            .execute(&format!("return typeof window.{MARKER};"))
            .expect("read the marker");
        assert_eq!(marker, json!("undefined"), "a payload ran on {page}");
        let found = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll('script, iframe, object, embed, img, \
                 [onerror], [onload], [onclick], svg:not(.histogram)')).map(e => e.outerHTML)
                 .concat(Array.from(document.querySelectorAll('a[href]'))
                   .filter(a => !['http:', 'https:'].includes(
                     new URL(a.getAttribute('href'), location.href).protocol))
                   .map(a => a.outerHTML));",
            )
            .expect("look for markup");
        assert_eq!(
            found,
            json!([]),
            "markup from an article came through on {page}"
        );
    }

    // ---- helpers ----

    fn goto(&self, path: &str) {
        self.goto_url(&format!("{}{path}", self.base));
    }

    fn goto_url(&self, url: &str) {
        self.client.goto(url).expect("load the page");
    }

    fn url(&self) -> String {
        self.client.current_url().expect("url")
    }

    /// The first element `css` finds, waited for until the deadline.
    fn find(&self, css: &str) -> Element<'_> {
        let started = Instant::now();
        loop {
            match self.client.find(Locator::Css(css)) {
                Ok(element) => return element,
                Err(e) if e.is_no_such_element() && started.elapsed() < DEADLINE => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                Err(e) => panic!("no {css} on the page: {e}"),
            }
        }
    }

    fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        self.client
            .find_all(Locator::Css(css))
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    fn text(&self, css: &str) -> String {
        self.find(css).text().expect("text")
    }

    fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.find_all(css) {
            out.push(e.text().expect("text"));
        }
        out
    }

    fn value(&self, css: &str) -> String {
        self.find(css)
            .prop("value")
            .expect("value")
            .unwrap_or_default()
    }

    /// The number of matches the summary line states.
    fn total(&self) -> usize {
        let summary = self.text("p.summary");
        summary
            .split(" of ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no total in {summary:?}"))
    }

    fn hits(&self) -> Vec<ShownHit> {
        let mut out = Vec::new();
        for li in self.find_all("ol.hits > li.hit") {
            let link = li.find(Locator::Css("h3 a")).expect("title link");
            let href = link.attr("href").unwrap().unwrap_or_default();
            let part = |css: &'static str| match li.find(Locator::Css(css)) {
                Ok(e) => e.text().unwrap_or_default(),
                Err(_) => String::new(),
            };
            out.push(ShownHit {
                id: href.rsplit('/').next().unwrap_or_default().to_string(),
                title: link.text().unwrap(),
                source: part(".meta .source"),
                date: part(".meta time"),
            });
        }
        out
    }

    fn click_and_wait(&self, css: &str) {
        let before = self.url();
        self.find(css)
            .click()
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
        self.wait_for_url_change(&before);
    }

    fn wait_for_url_change(&self, before: &str) {
        self.wait_until(|url| url != before, &format!("leaving {before}"));
    }

    fn wait_for_url(&self, want: &str) {
        self.wait_until(|url| url == want, &format!("reaching {want}"));
    }

    /// Polls the URL until `done` holds and the document is loaded, or fails at the deadline.
    fn wait_until(&self, done: impl Fn(&str) -> bool, what: &str) {
        let started = Instant::now();
        loop {
            let url = self.url();
            if done(&url) {
                let state = self.client.execute("return document.readyState;").ok();
                if state == Some(json!("complete")) {
                    return;
                }
            }
            assert!(
                started.elapsed() < DEADLINE,
                "{what}: still at {url} after {DEADLINE:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().expect("screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(screenshots().join(name), png).expect("write the screenshot");
    }

    /// A screenshot 390 px wide (a phone), checking that nothing is wider than the screen.
    fn phone_screenshot(&self, name: &str) {
        self.viewport(390, 844);
        let width = self
            .client
            .execute("return [window.innerWidth, document.documentElement.scrollWidth];")
            .unwrap();
        let (inner, scroll) = (width[0].as_u64().unwrap(), width[1].as_u64().unwrap());
        assert_eq!(inner, 390, "the viewport is {inner} px wide, not a phone's");
        assert!(
            scroll <= inner,
            "the page is {scroll} px wide on a {inner} px screen"
        );
        self.screenshot(name);
        self.viewport(1280, 900);
    }

    /// Sets the page's viewport (what a screenshot holds) to `width` × `height` CSS pixels, as
    /// Chromium's device emulation does (a window cannot be narrower than 500 px).
    fn viewport(&self, width: u32, height: u32) {
        let params = json!({
            "width": width,
            "height": height,
            "deviceScaleFactor": 1,
            "mobile": width < 600,
        });
        self.client
            .cdp("Emulation.setDeviceMetricsOverride", params)
            .expect("set the viewport");
    }
}

fn ids(hits: &[ShownHit]) -> Vec<String> {
    hits.iter().map(|h| h.id.clone()).collect()
}

fn api_ids(api: &Value) -> Vec<String> {
    api["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

/// `2025-08: 12 articles` → (`2025-08`, 12).
fn bar_title(title: &str) -> (String, usize) {
    let (period, rest) = title
        .split_once(": ")
        .unwrap_or_else(|| panic!("a bar title is `PERIOD: N articles`, not {title:?}"));
    let count = rest
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {title:?}"));
    (period.to_string(), count)
}

/// The first and last day of a period as the histogram labels it: a year `YYYY` or a month
/// `YYYY-MM`.
fn period_days(period: &str) -> (String, String) {
    let Some((year, month)) = period.split_once('-') else {
        return (format!("{period}-01-01"), format!("{period}-12-31"));
    };
    let (y, m): (u32, u32) = (year.parse().unwrap(), month.parse().unwrap());
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let last = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (format!("{period}-01"), format!("{period}-{last:02}"))
}
