//! Content problems: `Diagnostic`, its severity and location, and the three
//! output formats (`human`, `json`, `github`).
//!
//! A diagnostic always names a file relative to the site root and a 1-based
//! line and column, so an editor or CI annotation can jump straight to it.
//! Formatting is pure: the CLI decides where the text goes.

use std::fmt::Write as _;

use serde::Serialize;

/// How bad a content problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The site cannot be published as is (exit code 1).
    Error,
    /// The site builds, but something is probably a mistake.
    Warning,
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Loc {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

impl Loc {
    /// The first character of a file.
    pub const START: Loc = Loc { line: 1, col: 1 };

    /// Build a location from 1-based numbers.
    pub fn new(line: u32, col: u32) -> Loc {
        Loc { line, col }
    }
}

/// One content problem, located in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Error or warning.
    pub severity: Severity,
    /// A stable, kebab-case identifier such as `broken-link`.
    pub code: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Diagnostic {
    /// An error at `loc` in `file`.
    pub fn error(file: &str, loc: Loc, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(file, loc, Severity::Error, code, message.into())
    }

    /// A warning at `loc` in `file`.
    pub fn warning(file: &str, loc: Loc, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(file, loc, Severity::Warning, code, message.into())
    }

    fn new(file: &str, loc: Loc, severity: Severity, code: &'static str, message: String) -> Self {
        Diagnostic {
            file: file.to_string(),
            line: loc.line.max(1),
            column: loc.col.max(1),
            severity,
            code,
            message,
        }
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sort diagnostics by file, position and code so output is deterministic
/// whatever order the parallel stages produced them in.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
    diags.dedup();
}

/// Counts of errors and warnings.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// The output formats of `vakwerk check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style text with a source excerpt; colour only when asked for.
    Human {
        /// Use ANSI colours.
        color: bool,
    },
    /// One JSON array on stdout.
    Json,
    /// GitHub Actions workflow commands.
    Github,
}

/// Render diagnostics in `format`. `line_of` returns the text of a line of a
/// file (for the excerpt in the human format), if it is known.
pub fn render(
    diags: &[Diagnostic],
    format: Format,
    line_of: &dyn Fn(&str, u32) -> Option<String>,
) -> String {
    match format {
        Format::Json => {
            // Serialising plain strings and integers cannot fail.
            let mut s = serde_json::to_string_pretty(diags).unwrap_or_else(|_| "[]".to_string());
            s.push('\n');
            s
        }
        Format::Github => diags.iter().map(github_line).collect(),
        Format::Human { color } => diags.iter().map(|d| human(d, color, line_of)).collect(),
    }
}

fn github_line(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // Workflow commands need `%`, CR and LF escaped in the message, and also
    // `,` and `:` in properties.
    let msg = d
        .message
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    let file = d
        .file
        .replace('%', "%25")
        .replace(',', "%2C")
        .replace(':', "%3A");
    format!(
        "::{level} file={file},line={},col={},title={}::{msg}\n",
        d.line, d.column, d.code
    )
}

fn human(d: &Diagnostic, color: bool, line_of: &dyn Fn(&str, u32) -> Option<String>) -> String {
    let (label, paint) = match d.severity {
        Severity::Error => ("error", "\x1b[1;31m"),
        Severity::Warning => ("warning", "\x1b[1;33m"),
    };
    let (on, bold, blue, off) = if color {
        (paint, "\x1b[1m", "\x1b[1;34m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{on}{label}[{}]{off}{bold}: {}{off}",
        d.code, d.message
    );
    let _ = writeln!(out, "  {blue}-->{off} {}:{}:{}", d.file, d.line, d.column);
    if let Some(text) = line_of(&d.file, d.line) {
        let num = d.line.to_string();
        let pad = " ".repeat(num.len());
        let text = text.replace('\t', " ");
        let caret_pad = " ".repeat(d.column.saturating_sub(1) as usize);
        let _ = writeln!(out, "{blue}{pad} |{off}");
        let _ = writeln!(out, "{blue}{num} |{off} {text}");
        let _ = writeln!(out, "{blue}{pad} |{off} {caret_pad}{on}^{off}");
    }
    out.push('\n');
    out
}

/// The closest candidate to `wrong`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wrong_l = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wrong_l, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.82)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `" (did you mean `x`?)"` or an empty string.
pub fn hint<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match did_you_mean(wrong, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => String::new(),
    }
}
