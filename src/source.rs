//! The raw inputs of a build as plain data: content files and theme files,
//! each with a path relative to the site root.
//!
//! `fs` fills these from disk; tests build them in memory. Nothing here reads
//! the file system. `LineIndex` maps byte offsets to 1-based line:column.

use crate::diagnostic::{Diagnostic, Loc};

/// One input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated (`content/methoden/x.md`).
    pub path: String,
    /// The file's bytes, unvalidated.
    pub bytes: Vec<u8>,
}

/// Everything a build reads, except `site.yaml` (parsed before this is loaded).
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// Files under `content/`, sorted by path.
    pub content: Vec<SourceFile>,
    /// The site's theme overrides, relative to the theme root
    /// (`templates/page.html`, `static/style.css`, `i18n/nl.yaml`), sorted.
    pub theme: Vec<SourceFile>,
    /// Problems found while loading (skipped symlinks and the like).
    pub diagnostics: Vec<Diagnostic>,
}

impl SourceFile {
    /// Convenience constructor for in-memory sources.
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        SourceFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Byte offset → line:column for one text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Index the line starts of `text`. `\r\n` counts as one line break.
    pub fn new(text: &str) -> Self {
        // Every page is indexed while it is parsed, so this scan runs over
        // all the Markdown of a build: memchr finds the breaks a word at a
        // time instead of a byte at a time.
        let mut starts = Vec::with_capacity(text.len() / 64 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line and character column of byte `offset` in `text`.
    pub fn loc(&self, text: &str, offset: usize) -> Loc {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Loc::new(line as u32, col as u32 + 1)
    }

    /// The text of 1-based `line`, without its line break.
    pub fn line<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map_or(text.len(), |e| e - 1);
        text.get(start..end).map(|l| l.trim_end_matches('\r'))
    }
}

/// Locates many offsets of one text, cheaply when they come in increasing
/// order (as parser events do): columns are counted from the previous
/// position instead of from the line start, so a single 1 MB line with
/// thousands of links stays linear.
pub struct Locator<'t> {
    text: &'t str,
    index: &'t LineIndex,
    last: Option<(usize, Loc)>,
}

impl<'t> Locator<'t> {
    /// A locator over `text` and its index.
    pub fn new(text: &'t str, index: &'t LineIndex) -> Self {
        Locator {
            text,
            index,
            last: None,
        }
    }

    /// The location of byte `offset`.
    pub fn loc(&mut self, offset: usize) -> Loc {
        let offset = offset.min(self.text.len());
        let loc = match self.last {
            Some((prev, prev_loc))
                if prev <= offset
                    && self.text.is_char_boundary(prev)
                    && self.text.is_char_boundary(offset) =>
            {
                let between = &self.text[prev..offset];
                match between.rfind('\n') {
                    None => Loc::new(prev_loc.line, prev_loc.col + between.chars().count() as u32),
                    Some(_) => self.index.loc(self.text, offset),
                }
            }
            _ => self.index.loc(self.text, offset),
        };
        self.last = Some((offset, loc));
        loc
    }
}

/// Decode a file as UTF-8, or locate the first invalid byte.
pub fn decode(file: &SourceFile) -> Result<&str, Diagnostic> {
    std::str::from_utf8(&file.bytes).map_err(|e| {
        let valid = e.valid_up_to();
        // The prefix up to `valid` is UTF-8 by definition.
        let prefix = std::str::from_utf8(&file.bytes[..valid]).unwrap_or_default();
        let loc = LineIndex::new(prefix).loc(prefix, valid);
        Diagnostic::error(
            &file.path,
            loc,
            "invalid-utf8",
            format!(
                "file is not valid UTF-8 (byte 0x{:02x} at offset {valid}); save it as UTF-8",
                file.bytes[valid]
            ),
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_multibyte_columns() {
        let t = "a\r\nbé x\n";
        let idx = LineIndex::new(t);
        assert_eq!(idx.loc(t, t.find('x').unwrap()), Loc::new(2, 4));
        assert_eq!(idx.line(t, 1), Some("a"));
    }
}
