//! What an indexing run did, as plain data: counts, and the problems met on the way. Its JSON
//! form is the binary's (`render/json.rs`).

/// How serious a problem with one input was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// Passed over on purpose (binary, empty, not an article); nothing was lost.
    Skipped,
    /// Indexed, but something was off (e.g. invalid UTF-8 read lossily).
    Warning,
    /// Looked like an article but could not be read or parsed.
    Failed,
}

/// One problem with one input path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path as the user would write it.
    pub path: String,
    /// How serious it was.
    pub kind: ProblemKind,
    /// Why, in a few words.
    pub reason: String,
    /// Whether an earlier run reported it too, on the same content (a failure stays a failure
    /// until its file is fixed or removed).
    pub repeat: bool,
}

/// The outcome of one `warta index` run. Article counts, except `skipped`/`failed` (files).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexReport {
    /// Article files found under the paths.
    pub files: u64,
    /// Articles new to the index.
    pub added: u64,
    /// Articles replaced because their file changed.
    pub updated: u64,
    /// Articles whose file had not changed.
    pub unchanged: u64,
    /// Articles removed because their file is gone.
    pub removed: u64,
    /// Records read that were copies of an article known by its URL that another record (in
    /// another file, or earlier in the same one) already stands for: folded into it, not
    /// counted as articles of their own.
    pub folded: u64,
    /// Files or records passed over (binary, empty, not articles).
    pub skipped: u64,
    /// Files or records that could not be read or parsed.
    pub failed: u64,
    /// Files or records indexed with a warning (e.g. invalid UTF-8 read lossily).
    pub warnings: u64,
    /// Wall time of the run, milliseconds.
    pub took_ms: f64,
    /// Every problem met, in the order met.
    pub problems: Vec<Problem>,
    /// Whether the run was interrupted (what was done is committed).
    pub interrupted: bool,
    /// Records of web archives passed over (requests, redirects, pages that are not HTML...),
    /// by kind: not problems, so not in `problems`.
    pub passed_over: std::collections::BTreeMap<&'static str, u64>,
}

impl IndexReport {
    /// Records a problem and counts it.
    pub fn problem(
        &mut self,
        path: impl Into<String>,
        kind: ProblemKind,
        reason: impl Into<String>,
    ) {
        match kind {
            ProblemKind::Skipped => self.skipped += 1,
            ProblemKind::Failed => self.failed += 1,
            ProblemKind::Warning => self.warnings += 1,
        }
        self.problems.push(Problem {
            path: path.into(),
            kind,
            reason: reason.into(),
            repeat: false,
        });
    }

    /// Records a problem an earlier run reported on the same content, and counts it.
    pub fn repeated(
        &mut self,
        path: impl Into<String>,
        kind: ProblemKind,
        reason: impl Into<String>,
    ) {
        self.problem(path, kind, reason);
        if let Some(last) = self.problems.last_mut() {
            last.repeat = true;
        }
    }

    /// Documents in the index after the run, from what it touched.
    pub fn total_articles(&self) -> u64 {
        self.added + self.updated + self.unchanged
    }
}
