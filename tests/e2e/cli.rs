//! What a user sees: the quick start on a fresh checkout, exit codes, errors, pipes, colour,
//! incremental indexing, `show` and `stats`.

use std::io::Read;
use std::process::Stdio;

use warta::schema::analysis::{analyzer, analyzer_for_lang, tokens};

use crate::json::{ArticleJson, IndexJson, SearchJson, StatsJson};
use crate::util::Sandbox;

#[test]
fn first_search_on_a_fresh_checkout_builds_the_index_and_ranks_hits() {
    let s = Sandbox::with_corpus();
    let run = s.run(&["search", "data", "centre", "investment"]).code(0);
    assert!(
        run.stderr.contains("no index yet") && run.stderr.contains("corpus/"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.starts_with(" 1. "), "{}", run.stdout);
    assert!(run.stdout.contains("Altura Digital"), "{}", run.stdout);
    assert!(s.path().join("index/meta.json").is_file());
    // The second search uses the index quietly.
    let again = s.run(&["search", "data", "centre"]).code(0);
    assert_eq!(again.stderr, "");
}

#[test]
fn exit_codes_follow_grep() {
    let s = Sandbox::with_corpus();
    s.run(&["index"]).code(0);
    s.run(&["search", "paylater"]).code(0);
    let none = s.run(&["search", "zyxwvutsrq"]).code(1);
    assert_eq!(none.stdout, "");
    let missing = s
        .run(&["--index", "no-such-index", "search", "paylater"])
        .code(2);
    assert_eq!(missing.stderr.lines().count(), 1, "{}", missing.stderr);
    assert!(
        missing
            .stderr
            .starts_with("warta: no index at no-such-index"),
        "{}",
        missing.stderr
    );
    let nothing = s.run(&["search", "!!!"]).code(2);
    assert!(
        nothing
            .stderr
            .starts_with("warta: bad query: nothing to search for"),
        "{}",
        nothing.stderr
    );
    let bad_date = s.run(&["search", "x", "--since", "someday"]).code(2);
    assert!(bad_date.stderr.contains("--since"), "{}", bad_date.stderr);
}

#[test]
fn global_options_work_before_and_after_the_subcommand() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "corpus", "--index", "ix", "-q"]).code(0);
    let before = s
        .run(&["--index", "ix", "search", "5G", "--json"])
        .code(0)
        .json::<SearchJson>();
    let after = s
        .run(&["search", "5G", "--json", "--index", "ix"])
        .code(0)
        .json::<SearchJson>();
    assert_eq!(before.total, after.total);
    let env = s
        .cmd(&["search", "5G", "--json"])
        .env("WARTA_INDEX", "ix")
        .output()
        .unwrap();
    assert!(env.status.success());
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let mut child = s
        .cmd(&["search", "AI", "--limit", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once, as `| head -0` would
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn json_hits_keep_the_contract_and_highlights_cover_matching_words() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    for query in [
        "investasi",
        "mitra",
        "funding rounds",
        "kebocoran data",
        "outage",
        "\"data centre\"",
        "Go-Jek OR paylater",
    ] {
        let got: SearchJson = s.run(&["search", query, "--json", "--limit", "20"]).json();
        assert_eq!(got.query, query);
        assert!(got.total >= got.hits.len());
        assert_eq!((got.offset, got.limit), (0, 20));
        for hit in &got.hits {
            assert_eq!(hit.id.len(), 16);
            assert!(hit.path.starts_with("corpus/"));
            let chars: Vec<char> = hit.snippet.chars().collect();
            let mut hit_analyzer = analyzer(analyzer_for_lang(&hit.lang));
            let mut query_terms = tokens(&mut hit_analyzer, query);
            query_terms.retain(|t| t.text != "or");
            let query_terms: Vec<String> = query_terms.into_iter().map(|t| t.text).collect();
            for &(from, to) in &hit.highlights {
                assert!(
                    from < to && to <= chars.len(),
                    "{query}: {from}..{to} outside {:?}",
                    hit.snippet
                );
                let word: String = chars[from..to].iter().collect();
                let stems = tokens(&mut hit_analyzer, &word);
                // A match of the word or its stem, or of a spelling within typo tolerance.
                let near = query.split_whitespace().any(|q| {
                    let (q, w) = (q.to_lowercase(), word.to_lowercase());
                    q.chars().count() >= 5
                        && edits(&q, &w) <= if q.chars().count() >= 9 { 2 } else { 1 }
                });
                // Or a name's other form: a part of a split word (`pay` of `paylater`, written
                // "pay later"), or a hyphenated word joined (`gojek` for `Go-Jek`).
                let form = query.split_whitespace().any(|q| {
                    let (q, w) = (q.to_lowercase().replace('-', ""), word.to_lowercase());
                    q == w || q.starts_with(&w) || q.ends_with(&w)
                });
                assert!(
                    near || form || stems.iter().any(|t| query_terms.contains(&t.text)),
                    "{query}: highlighted {word:?} does not match"
                );
            }
        }
    }
}

#[test]
fn indonesian_word_forms_match_and_are_highlighted() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let got: SearchJson = s.run(&["search", "investasi", "--json"]).json();
    let marked = marked_words(&got);
    assert!(
        marked
            .iter()
            .any(|w| w == "menginvestasikan" || w == "investasikan"),
        "{marked:?}"
    );
}

#[test]
fn paging_and_filters() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let all: SearchJson = s.run(&["search", "AI", "--json", "--limit", "100"]).json();
    let page: SearchJson = s
        .run(&["search", "AI", "--json", "--limit", "3", "--offset", "2"])
        .json();
    assert_eq!(page.total, all.total);
    let ids = |r: &SearchJson| r.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&page), ids(&all)[2..5]);
    let id: SearchJson = s
        .run(&["search", "AI", "--json", "--lang", "id", "--limit", "100"])
        .json();
    assert!(!id.hits.is_empty() && id.hits.iter().all(|h| h.lang == "id"));
    let src: SearchJson = s
        .run(&[
            "search",
            "AI",
            "--json",
            "--source",
            "DailySocial.id",
            "--limit",
            "100",
        ])
        .json();
    assert!(
        !src.hits.is_empty()
            && src
                .hits
                .iter()
                .all(|h| h.source.as_deref() == Some("dailysocial.id"))
    );
    let dated: SearchJson = s
        .run(&["search", "AI", "--json", "--sort", "date", "--limit", "100"])
        .json();
    let dates: Vec<&str> = dated
        .hits
        .iter()
        .filter_map(|h| h.published.as_deref())
        .map(|d| &d[..10])
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let since: SearchJson = s
        .run(&[
            "search",
            "AI",
            "--json",
            "--since",
            "2025-09-01",
            "--until",
            "2026-01-01",
            "--limit",
            "100",
        ])
        .json();
    assert!(!since.hits.is_empty());
    assert!(since.hits.iter().all(|h| h
        .published
        .as_deref()
        .is_some_and(|d| ("2025-09-01".."2026-01-01").contains(&&d[..10]))));
}

#[test]
fn show_and_stats() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let hit = &s
        .run(&["search", "Tanibaik", "--json"])
        .json::<SearchJson>()
        .hits[0];
    let by_id: ArticleJson = s.run(&["show", &hit.id, "--json"]).code(0).json();
    let by_path: ArticleJson = s.run(&["show", &hit.path, "--json"]).code(0).json();
    let by_other_path: ArticleJson = s
        .run(&["show", &format!("./{}", hit.path), "--json"])
        .code(0)
        .json();
    assert_eq!(by_id.id, hit.id);
    assert_eq!(by_path.id, hit.id);
    assert_eq!(by_other_path.id, hit.id);
    assert_eq!(by_id.title, hit.title);
    assert!(!by_id.body.is_empty() && !by_id.lede.is_empty());
    let human = s.run(&["show", &hit.id]).code(0);
    assert!(human.stdout.starts_with(&hit.title));
    let missing = s.run(&["show", "nope"]).code(2);
    assert!(missing
        .stderr
        .starts_with("warta: no article with id or path nope"));

    let stats: StatsJson = s.run(&["stats", "--json"]).code(0).json();
    let files = std::fs::read_dir(s.path().join("corpus")).unwrap().count() as u64;
    // One article per file, but for the records of the JSON-lines brief.
    let jsonl_records = std::fs::read_dir(s.path().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .map(|p| std::fs::read_to_string(p).unwrap().lines().count() as u64 - 1)
        .sum::<u64>();
    assert_eq!(stats.documents, files + jsonl_records);
    assert!(
        stats.languages["en"] >= 10 && stats.languages["id"] >= 10,
        "{:?}",
        stats.languages
    );
    assert!(stats.index_bytes > 0);
    assert!(stats.oldest.is_some() && stats.oldest <= stats.newest);
}

#[test]
fn reindexing_adds_updates_and_removes_only_what_changed() {
    let s = Sandbox::with_corpus();
    let files = std::fs::read_dir(s.path().join("corpus")).unwrap().count() as u64;
    let first: IndexJson = s.run(&["index", "--json"]).code(0).json();
    // The sample holds one JSON-lines file of several articles.
    let n = first.added;
    assert_eq!((first.files, first.unchanged), (files, 0));
    assert!(n > files, "{n} articles from {files} files");
    let second: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!(
        (
            second.added,
            second.updated,
            second.unchanged,
            second.removed
        ),
        (0, 0, n, 0)
    );

    s.write(
        "corpus/new.txt",
        "Quokka robots arrive\n\nA startup shipped quokka robots.\n",
    );
    s.write(
        "corpus/en-13-lumora-aurora-5-launch.txt",
        "Lumora delays phone\n\nLumora now says the wombat phone ships later.\n",
    );
    std::fs::remove_file(s.path().join("corpus/en-06-zipway-layoffs.txt")).unwrap();
    let third: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!(
        (third.added, third.updated, third.removed, third.unchanged),
        (1, 1, 1, n - 2)
    );
    s.run(&["search", "quokka"]).code(0);
    s.run(&["search", "wombat"]).code(0);
    let stats: StatsJson = s.run(&["stats", "--json"]).json();
    assert_eq!(stats.documents, n);
    std::fs::remove_file(s.path().join("corpus/new.txt")).unwrap();
    let fourth: IndexJson = s.run(&["index", "--json"]).code(0).json();
    assert_eq!((fourth.removed, fourth.unchanged), (1, n - 1));
    s.run(&["search", "quokka"]).code(1);

    // --rebuild holds exactly the same articles.
    let rebuilt: IndexJson = s.run(&["index", "--rebuild", "--json"]).code(0).json();
    assert_eq!(rebuilt.added, n - 1);
    assert_eq!(
        s.run(&["stats", "--json"]).json::<StatsJson>().documents,
        n - 1
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let plain = s.run(&["search", "5G"]).code(0);
    assert!(!plain.stdout.contains('\x1b'));
    let always = s.run(&["search", "5G", "--color", "always"]).code(0);
    assert!(always.stdout.contains("\x1b[1;31m"));
    let never = s
        .cmd(&["search", "5G", "--color", "auto"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&never.stdout).contains('\x1b'));
}

#[test]
fn bad_files_are_reported_and_the_rest_is_indexed() {
    let s = Sandbox::empty();
    s.write("in/good.txt", "Good story\n\nIt is fine.\n");
    s.write("in/empty.txt", "");
    s.write("in/binary.txt", b"\x00\x01\x02garbage");
    s.write("in/latin1.txt", b"Price story\n\nIt costs \xa3100.\n");
    s.write("in/notes.pdf", "ignored");
    let run = s.run(&["index", "in", "--json"]).code(0);
    let report: IndexJson = run.json();
    assert_eq!((report.added, report.skipped, report.failed), (2, 2, 0));
    let kinds: Vec<(String, String)> = report
        .problems
        .iter()
        .map(|p| {
            (
                p.path.rsplit('/').next().unwrap().to_string(),
                p.kind.clone(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("empty.txt".into(), "skipped".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("binary.txt".into(), "skipped".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("latin1.txt".into(), "warning".into())),
        "{kinds:?}"
    );
    assert!(
        run.stderr.contains("empty.txt: empty file"),
        "{}",
        run.stderr
    );
    s.run(&["search", "costs"]).code(0);

    let missing = s.run(&["index", "no-such-folder"]).code(2);
    assert!(
        missing
            .stderr
            .contains("no-such-folder: no such file or directory"),
        "{}",
        missing.stderr
    );
}

/// The highlighted words of every hit, lower case.
fn marked_words(got: &SearchJson) -> Vec<String> {
    got.hits
        .iter()
        .flat_map(|h| {
            let chars: Vec<char> = h.snippet.chars().collect();
            h.highlights
                .iter()
                .map(move |&(a, b)| chars[a..b].iter().collect::<String>().to_lowercase())
        })
        .collect()
}

#[test]
fn word_forms_in_both_languages_match_and_are_highlighted() {
    let s = Sandbox::empty();
    s.write("in/id-seed.txt", "Retakan kemitraan\n\nMeta menginvestasikan miliaran dolar ke Scale AI.\n\nBeberapa eksekutif bergabung dengan Meta, dan kemitraan itu retak.\n");
    s.write("in/id-label.txt", "Aturan baru konten AI\n\nPlatform wajib memasang label pada konten buatan AI.\n\nLabel harus terlihat jelas oleh pengguna.\n");
    s.write("in/en-invest.txt", "Funds pour into chips\n\nInvestors are investing heavily in chip plants.\n\nThe investment will double output.\n");
    s.run(&["index", "in", "-q"]).code(0);
    for (query, wanted) in [
        ("investasi", "menginvestasikan"),
        ("mitra", "kemitraan"),
        ("gabung", "bergabung"),
        ("pelabelan", "label"),
        ("invest", "investment"),
        ("invest", "investing"),
    ] {
        let got: SearchJson = s.run(&["search", query, "--json"]).code(0).json();
        let marked = marked_words(&got);
        assert!(
            marked.iter().any(|w| w == wanted),
            "{query}: wanted {wanted} highlighted, got {marked:?}"
        );
    }
}

#[test]
fn exact_matches_rank_above_stemmed_ones() {
    let s = Sandbox::empty();
    s.write(
        "in/a.txt",
        "Berita satu\n\nPerusahaan itu menginvestasikan dana besar tahun ini di sektor energi.\n",
    );
    s.write(
        "in/b.txt",
        "Berita dua\n\nNilai investasi perusahaan itu besar tahun ini di sektor energi.\n",
    );
    s.run(&["index", "in", "-q"]).code(0);
    let got: SearchJson = s.run(&["search", "investasi", "--json"]).code(0).json();
    assert_eq!(got.total, 2);
    assert!(
        got.hits[0].path.ends_with("b.txt"),
        "{:?}",
        got.hits.iter().map(|h| &h.path).collect::<Vec<_>>()
    );
}

#[test]
fn only_the_engine_modules_touch_tantivy_and_only_the_cli_touches_clap() {
    let src = crate::util::root().join("src");
    let mut offenders = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let code: String = std::fs::read_to_string(entry.path())
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let engine = ["schema/", "index/", "query/", "search/"]
            .iter()
            .any(|m| rel.starts_with(m));
        if !engine && code.contains("tantivy") {
            offenders.push(format!("{rel} uses tantivy"));
        }
        let cli = rel.starts_with("cli/") || rel == "main.rs" || rel.starts_with("commands/");
        if !cli && code.contains("clap") {
            offenders.push(format!("{rel} uses clap"));
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}

#[test]
fn huge_limits_and_offsets_are_answered() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let max = usize::MAX.to_string();
    let far: SearchJson = s
        .run(&["search", "AI", "--json", "--offset", &max])
        .code(0)
        .json();
    assert!(far.hits.is_empty() && far.total > 0);
    let all: SearchJson = s
        .run(&["search", "AI", "--json", "--limit", &max])
        .code(0)
        .json();
    assert_eq!(all.hits.len(), all.total);
    let none: SearchJson = s
        .run(&["search", "AI", "--json", "--limit", "0"])
        .code(0)
        .json();
    assert!(none.hits.is_empty());
}

/// Levenshtein distance with a swap of neighbours counting one (optimal string alignment).
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}
