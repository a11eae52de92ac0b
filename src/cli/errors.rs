//! Command-line errors in warta's one voice: clap's message and suggestions as one line,
//! `what; hint`, without its usage block.

use super::Cli;

/// A command-line error as one line, `what; hint`: clap's message with its suggestions (a similar
/// flag, the accepted values) kept as hints, its usage block and trailing advice dropped, and a
/// pointer to the command's `--help` where clap had no suggestion. `args` is the command line, to
/// name a word clap reports only in part.
pub fn error_line(err: &clap::Error, args: &[String]) -> String {
    let text = err.render().to_string();
    let command = command_path(args);
    let mut what = String::new();
    let mut hints: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("For more information") || line.starts_with("Usage:")
        {
            continue;
        }
        if let Some(message) = line.strip_prefix("error: ") {
            what = message.trim_end_matches(" found").to_string();
        } else if let Some(tip) = line.strip_prefix("tip: ") {
            hints.push(tip.to_string());
        } else if let Some(values) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            hints.push(values.to_string());
        } else {
            what = format!("{what} {line}");
        }
    }
    // clap reads `-data` as `-d` followed by a value, and suggests `-- -d`: name the whole word.
    if let Some(at) = hints.iter().position(|h| h.starts_with("to pass '-")) {
        let flag = what.split('\'').nth(1).unwrap_or_default().to_string();
        let word = args
            .iter()
            .skip(1)
            .find(|a| a.starts_with(&flag) && !a.starts_with("--"))
            .cloned()
            .unwrap_or(flag.clone());
        what = what.replace(&format!("'{flag}'"), &format!("'{word}'"));
        hints[at] = format!("to pass '{word}' as a value, write `{command} -- {word}`");
    }
    // `search -nimbus` is `-n imbus` to clap: a bad value glued to a short flag was likely a word.
    if err.kind() == clap::error::ErrorKind::ValueValidation {
        let value = what.split('\'').nth(1).unwrap_or_default();
        let glued = args.iter().skip(1).find(|a| {
            a.len() == value.len() + 2
                && a.starts_with('-')
                && !a.starts_with("--")
                && a.ends_with(value)
        });
        if let Some(word) = glued {
            hints.insert(
                0,
                format!("to pass '{word}' as a value, write `{command} -- {word}`"),
            );
        }
    }
    if hints.is_empty() {
        hints.push(format!("see `{command} --help`"));
    }
    format!("{what}; {}", hints.join("; "))
}

/// `warta` and the subcommand named on the command line, if any.
fn command_path(args: &[String]) -> String {
    use clap::CommandFactory;
    let cli = Cli::command();
    let sub = args.iter().skip(1).find(|a| {
        cli.get_subcommands()
            .any(|c| c.get_name() == a.as_str() && c.get_name() != "help")
    });
    match sub {
        Some(sub) => format!("warta {sub}"),
        None => "warta".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn error_of(args: &[&str]) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        error_line(&Cli::try_parse_from(&args).unwrap_err(), &args)
    }

    #[test]
    fn argument_errors_are_one_line_with_clap_suggestions() {
        assert_eq!(
            error_of(&["warta", "search", "x", "--limt", "3"]),
            "unexpected argument '--limt'; a similar argument exists: '--limit'"
        );
        assert_eq!(
            error_of(&["warta", "search", "x", "--sort", "dat"]),
            "invalid value 'dat' for '--sort <SORT>'; possible values: relevance, date; \
             a similar value exists: 'date'"
        );
        assert_eq!(
            error_of(&["warta", "search", "-data"]),
            "unexpected argument '-data'; to pass '-data' as a value, write `warta search -- -data`"
        );
        assert_eq!(
            error_of(&["warta", "search", "-nimbus"]),
            "invalid value 'imbus' for '--limit <N>': invalid digit found in string; \
             to pass '-nimbus' as a value, write `warta search -- -nimbus`"
        );
        assert_eq!(
            error_of(&["warta", "show"]),
            "the following required arguments were not provided: <ID|PATH>; \
             see `warta show --help`"
        );
    }
}
