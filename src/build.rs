//! The pure pipeline: `Sources` in, `Build` (files + diagnostics) out.
//!
//! load → **parse → assemble (resolve links) → render → index** → write.
//! The bold stages live here; `fs` does the load and write at the edges.
//! Each stage takes the previous stage's output type, so the order cannot be
//! got wrong. `check`, `build` and `serve` all call `build`; only what they
//! do with the result differs.

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{self, Diagnostic};
use crate::feeds;
use crate::highlight::Highlighter;
use crate::page::{self, Page};
use crate::render::Renderer;
use crate::site::Site;
use crate::source::Sources;

/// One file of the built site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output directory, `/`-separated.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Options that change what is built.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Include pages marked `draft: true`.
    pub drafts: bool,
}

/// The result of a build: every output file (sorted by path) and every
/// content problem (sorted by location).
#[derive(Debug, Default)]
pub struct Build {
    /// Output files.
    pub files: Vec<OutputFile>,
    /// Diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

impl Build {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parsed pages plus the non-Markdown files of `content/`.
struct Parsed {
    pages: Vec<Arc<Page>>,
    assets: Vec<OutputFile>,
}

/// Run the whole pipeline in memory.
pub fn build(
    config: &Config,
    sources: &Sources,
    renderer: &Renderer,
    highlighter: &Highlighter,
    options: &BuildOptions,
) -> Build {
    let mut diags = sources.diagnostics.clone();
    let parsed = parse(config, sources, highlighter, options, &mut diags);
    let (site, mut site_diags) = Site::assemble(config, parsed.pages);
    diags.append(&mut site_diags);
    let (mut files, mut render_diags) = renderer.render(&site);
    diags.append(&mut render_diags);
    files.extend(site_files(&site, renderer, &mut diags));
    files.extend(renderer.static_files());
    files.extend(parsed.assets);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    check_output_clashes(files.iter().map(|f| f.path.as_str()), &mut diags);
    diagnostic::sort(&mut diags);
    Build {
        files,
        diagnostics: diags,
    }
}

/// The outputs computed from the whole site rather than page by page:
/// feeds and search. `serve`'s incremental
/// rebuild (`incremental`) recomputes exactly these after every change, so
/// a new whole-site output belongs here, not in `build`, or `serve` would
/// never update it.
pub(crate) fn site_files(
    site: &Site<'_>,
    renderer: &Renderer,
    diags: &mut Vec<Diagnostic>,
) -> Vec<OutputFile> {
    let mut files = feeds::all(site, renderer.string("redirect_title"));
    // Search: the /zoeken/ page and the sharded index (see `search`).
    files.extend(renderer.search_page(site, diags));
    files.extend(crate::search::build(site));
    files
}

/// Where a non-Markdown file of `content/` goes in the output.
pub(crate) fn asset_path(source: &str) -> Option<&str> {
    source.strip_prefix("content/")
}

fn parse(
    config: &Config,
    sources: &Sources,
    highlighter: &Highlighter,
    options: &BuildOptions,
    diags: &mut Vec<Diagnostic>,
) -> Parsed {
    let results: Vec<(Option<Page>, Vec<Diagnostic>)> = sources
        .content
        .par_iter()
        .filter(|f| f.path.ends_with(".md"))
        .map(|f| page::parse(f, config, highlighter))
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    for (page, mut d) in results {
        diags.append(&mut d);
        pages.extend(page.filter(|p| options.drafts || !p.draft).map(Arc::new));
    }
    let assets = sources
        .content
        .iter()
        .filter(|f| !f.path.ends_with(".md"))
        .filter_map(|f| {
            asset_path(&f.path).map(|p| OutputFile {
                path: p.to_string(),
                bytes: f.bytes.clone(),
            })
        })
        .collect();
    Parsed { pages, assets }
}

/// Two outputs whose paths differ only by case or accents would overwrite
/// each other on macOS and Windows file systems.
pub(crate) fn check_output_clashes<'a>(
    paths: impl IntoIterator<Item = &'a str>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for path in paths {
        let folded = crate::slug::fold_path(path);
        if let Some(other) = seen.insert(folded, path) {
            diags.push(Diagnostic::error(
                &format!("content/{path}"),
                diagnostic::Loc::START,
                "url-clash",
                format!("output {path} and {other} differ only by case or accents and would overwrite each other on macOS or Windows; rename one"),
            ));
        }
    }
}
