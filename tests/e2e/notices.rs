//! Things a user named that warta cannot use are told, not passed over in silence: a FIFO
//! named on the command line, a `--field` or `--columns` name that no record of a file has.

use crate::util::Sandbox;

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_skipped_with_a_reason_and_never_opened() {
    let sandbox = Sandbox::empty();
    let fifo = sandbox.path().join("news.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    sandbox.write("good/a.txt", "A title\n\nSome text about clouds.\n");
    // No writer ever opens the FIFO: reading it would block, and the run would never end.
    let run = sandbox.run(&["index", "news.txt", "good"]);
    assert!(
        run.stderr.contains("news.txt") && run.stderr.contains("a FIFO, not a regular file"),
        "{run:?}"
    );
    assert_eq!(run.code, 0, "a skipped file is not a failure: {run:?}");
    sandbox.run(&["search", "clouds"]).code(0);
}

#[test]
fn a_field_name_no_record_has_is_a_warning_for_that_file() {
    let sandbox = Sandbox::empty();
    sandbox.write(
        "feed/a.jsonl",
        "{\"name\": \"Nimbus outage\", \"text\": \"The region went dark.\"}\n\
         {\"name\": \"Rantai raises\", \"text\": \"A series B round.\"}\n",
    );
    let run = sandbox
        .run(&["index", "feed", "--field", "title=nmae"])
        .code(0);
    assert!(
        run.stderr.contains("a.jsonl")
            && run
                .stderr
                .contains("--field title=nmae: no record of this file has a field `nmae`"),
        "{run:?}"
    );
    // Spelt right, nothing to tell.
    let run = sandbox
        .run(&["index", "feed", "--field", "title=name"])
        .code(0);
    assert!(!run.stderr.contains("no record of this file"), "{run:?}");
}

#[test]
fn a_column_no_row_fills_is_a_warning_for_that_file() {
    let sandbox = Sandbox::empty();
    sandbox.write(
        "t/a.csv",
        "Nimbus outage,The region went dark.\nRantai raises,A series B round.\n",
    );
    let run = sandbox
        .run(&["index", "t", "--columns", "title,body,published"])
        .code(0);
    assert!(
        run.stderr.contains("a.csv")
            && run.stderr.contains(
                "--columns names `published`, but no row of this file has a value in that column"
            ),
        "{run:?}"
    );
}
