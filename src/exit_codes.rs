//! The exit codes of `warta`, in one place (as grep and ripgrep: 0 found, 1 nothing found,
//! 2 an error), so that the commands name an outcome rather than a number.

/// How a run of `warta` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The command did what it was asked; a search found something.
    Success,
    /// A search or `similar` that matched nothing.
    NoMatch,
    /// An error: a bad query, no index, an unreadable path, an article file that failed.
    Error,
    /// Stopped by Ctrl-C (SIGINT) after committing what was done, as shells report it.
    Interrupted,
    /// Stopped by SIGTERM after committing what was done: 128 + 15, as shells report it.
    Terminated,
}

impl ExitCode {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::NoMatch => 1,
            ExitCode::Error => 2,
            ExitCode::Interrupted => 130,
            ExitCode::Terminated => 143,
        }
    }

    /// `Success` when something was found, else `NoMatch`.
    pub fn found(found: bool) -> ExitCode {
        if found {
            ExitCode::Success
        } else {
            ExitCode::NoMatch
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_those_of_grep_and_the_shell() {
        let codes = [
            ExitCode::Success,
            ExitCode::NoMatch,
            ExitCode::Error,
            ExitCode::Interrupted,
            ExitCode::Terminated,
        ]
        .map(ExitCode::code);
        assert_eq!(codes, [0, 1, 2, 130, 143]);
        assert_eq!(ExitCode::found(false), ExitCode::NoMatch);
    }
}
