//! `warta search --count`: the number of matching articles on one line, as `rg -c` prints it,
//! the same number as the JSON `total` under the same filters and story folding.

use crate::json::SearchJson;
use crate::util::Sandbox;

#[test]
fn count_is_the_total_of_the_same_search() {
    let s = Sandbox::with_corpus();
    s.run(&["index", "-q"]).code(0);
    let cases: [&[&str]; 5] = [
        &["nimbus"],
        &["nimbus", "--lang", "id"],
        &["cloud OR data", "--since", "2025-01-01"],
        &["cloud OR data", "--no-collapse"],
        &["startup", "--source", "dailysocial.id", "--offset", "3"],
    ];
    for args in cases {
        let mut json = vec!["search"];
        json.extend_from_slice(args);
        let mut count = json.clone();
        json.push("--json");
        count.push("--count");
        let total = s.run(&json).code(0).json::<SearchJson>().total;
        assert!(total > 0, "{args:?}");
        let counted = s.run(&count).code(0);
        assert_eq!(counted.stdout, format!("{total}\n"), "{args:?}");
        assert_eq!(counted.stderr, "");
    }
    let folded = s.run(&["search", "cloud OR data", "--count"]).code(0);
    let all = s
        .run(&["search", "cloud OR data", "--count", "--no-collapse"])
        .code(0);
    let n = |text: &str| text.trim().parse::<usize>().unwrap();
    assert!(n(&folded.stdout) <= n(&all.stdout));

    let none = s.run(&["search", "zzzqqq", "--count"]).code(1);
    assert_eq!((none.stdout.as_str(), none.stderr.as_str()), ("0\n", ""));
    s.run(&["search", "nimbus", "--count", "--json"]).code(2);
}
