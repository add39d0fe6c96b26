//! Build-time syntax highlighting of fenced code with syntect.
//!
//! Output uses CSS classes (`hl-…`), never inline styles, so pages work
//! under a strict Content-Security-Policy. The syntax set loads once, lazily,
//! on the first code block of the build: most knowledge-base pages have none.
//! Its regexes run on Oniguruma (see `Cargo.toml`): each language's are
//! compiled on its first block, and that compiling was the cost.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Languages that mean "no highlighting" and are never reported as unknown.
const PLAIN: &[&str] = &["text", "plain", "txt", "plaintext", "none"];

/// Highlights code; shared by all pages of a build.
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
}

/// The result of highlighting one block.
pub enum Highlighted {
    /// Classed HTML for the inside of `<code>`.
    Html(String),
    /// The language needs no highlighting.
    Plain,
    /// syntect does not know the language.
    Unknown,
}

impl Highlighter {
    /// A highlighter that loads its syntaxes on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Highlight `code` as `lang`.
    pub fn highlight(&self, code: &str, lang: &str) -> Highlighted {
        if PLAIN.contains(&lang.to_ascii_lowercase().as_str()) {
            return Highlighted::Plain;
        }
        let set = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let Some(syntax) = set.find_syntax_by_token(lang) else {
            return Highlighted::Unknown;
        };
        let mut generator = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            set,
            ClassStyle::SpacedPrefixed { prefix: "hl-" },
        );
        for line in LinesWithEndings::from(code) {
            if generator
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                // A syntax definition failed on this input; plain text is
                // always a correct rendering.
                return Highlighted::Plain;
            }
        }
        Highlighted::Html(generator.finalize())
    }
}
