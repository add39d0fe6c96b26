//! The pure pipeline: `Sources` in, `Build` (files + diagnostics) out.
//!
//! load → **parse → assemble (resolve links) → render → index** → write.
//! The bold stages live here; `fs` does the load and write at the edges.
//! Each stage takes the previous stage's output type, so the order cannot be
//! got wrong. `check`, `build` and `serve` all call `build`; only what they
//! do with the result differs.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{self, Diagnostic};
use crate::error::Error;
use crate::feeds;
use crate::highlight::Highlighter;
use crate::page::{self, Page};
use crate::render::Renderer;
use crate::site::Site;
use crate::source::{SourceFile, Sources};

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

/// The first stage's result: parsed pages, the non-Markdown files of
/// `content/`, and the diagnostics so far (loading and parsing). It owns
/// everything later stages need, so the sources can be dropped after it.
#[derive(Default)]
pub struct Parsed {
    pages: Vec<Arc<Page>>,
    assets: Vec<OutputFile>,
    diagnostics: Vec<Diagnostic>,
    /// Pages `pack_beyond` has seen: `pages[..seen]`.
    seen: usize,
    /// Body bytes those pages hold plain.
    plain: usize,
}

/// Body bytes (HTML and text) a command-line build holds plain before it
/// packs the rest (see `pack`). A 10,000-page site's 155 MiB of bodies all
/// stay plain, which saves about a tenth of its CPU against packing every
/// body (at 128 MiB, with 27 MiB packed, it was 8 %); its peak is then
/// 325–355 MB. A 100,000-page site packs nine tenths of its 1.5 GiB and
/// peaks near 1.8 GiB (1.79 GiB with 128 MiB plain).
pub const PLAIN_BODIES: usize = 160 << 20;

impl Parsed {
    /// Add the files `parse_file` gave (a build parses `content/` batch by
    /// batch). Later stages sort pages and diagnostics, so the order of the
    /// batches does not reach the output.
    pub fn extend(&mut self, files: Vec<ParsedFile>) {
        self.pages.reserve(files.len());
        for f in files {
            self.pages.extend(f.page.map(Arc::new));
            self.assets.extend(f.asset);
            self.diagnostics.extend(f.diagnostics);
        }
    }

    /// Pack the bodies of the pages added since the last call, except
    /// those that still fit in `budget` bytes held plain by all pages so
    /// far, in the order the pages came. The order decides only which
    /// bodies are packed, never what is built.
    pub fn pack_beyond(&mut self, budget: usize) {
        let fresh = self.pages[self.seen..].iter_mut().collect();
        pack_beyond(fresh, &mut self.plain, budget);
        self.seen = self.pages.len();
    }

    /// Drop the bodies (HTML and text) of the pages added since the last
    /// call that `check` never reads: it renders no content page and
    /// builds no search index, so only a leerlijn's HTML is read (by its
    /// course pack, one of the generated pages `check` renders). A
    /// 100,000-page `check` spent a quarter of its CPU packing bodies it
    /// then threw away.
    pub fn drop_unchecked_bodies(&mut self) {
        for page in &mut self.pages[self.seen..] {
            if let Some(page) = Arc::get_mut(page) {
                if !crate::overview::is_leerlijn_page(page) {
                    page.body.html = crate::pack::Packed::default();
                }
                page.body.text = crate::pack::Packed::default();
            }
        }
        self.seen = self.pages.len();
    }

    /// The pages, without the rest (for harnesses that time the stages
    /// one by one).
    pub fn into_pages(self) -> Vec<Arc<Page>> {
        self.pages
    }

    /// Add diagnostics found outside parsing (loading).
    pub fn add_diagnostics(&mut self, mut diags: Vec<Diagnostic>) {
        self.diagnostics.append(&mut diags);
    }
}

/// Where a streaming build hands its files: called from several threads,
/// in no particular order; an `Err` stops the build.
pub type Sink<'a> = dyn Fn(OutputFile) -> Result<(), Error> + Sync + 'a;

/// Run `produce` with a sink that keeps every file (it never fails), and
/// return the files sorted by path: the in-memory form of a streaming
/// stage, for tests and `serve`.
pub(crate) fn collect<R>(produce: impl FnOnce(&Sink<'_>) -> R) -> (Vec<OutputFile>, R) {
    let files = Mutex::new(Vec::new());
    let result = produce(&|f| {
        if let Ok(mut files) = files.lock() {
            files.push(f);
        }
        Ok(())
    });
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, result)
}

/// Run the whole pipeline in memory.
pub fn build(
    config: &Config,
    sources: &Sources,
    renderer: &Renderer,
    highlighter: &Highlighter,
    options: &BuildOptions,
) -> Build {
    let inputs = Inputs {
        config,
        renderer,
        highlighter,
        options,
    };
    let (files, diagnostics) = collect(|sink| {
        // Every body packed, as most are in a large build: the builds of
        // the tests go through packing.
        let mut parsed = parse(&inputs, sources.clone());
        parsed.pack_beyond(0);
        run(&inputs, parsed, sink, true).unwrap_or_default()
    });
    Build { files, diagnostics }
}

/// The inputs of one build.
pub struct Inputs<'a> {
    /// Settings and schema.
    pub config: &'a Config,
    /// The compiled theme.
    pub renderer: &'a Renderer,
    /// Code highlighting.
    pub highlighter: &'a Highlighter,
    /// Drafts or not.
    pub options: &'a BuildOptions,
}

/// Run the rest of the pipeline on `parsed`, handing every output file to
/// `sink` as soon as it exists instead of keeping the site in memory
/// (`vakwerk build`). When parsing or resolving found an error, nothing is
/// handed over at all (rendering still runs, for its own diagnostics): a
/// failed build has no output to write. Returns the diagnostics, sorted.
pub fn build_into(
    inputs: &Inputs<'_>,
    parsed: Parsed,
    sink: &Sink<'_>,
) -> Result<Vec<Diagnostic>, Error> {
    run(inputs, parsed, sink, false)
}

/// Everything `build` would report, without producing the site
/// (`vakwerk check`): parsing, link resolution and the checks across
/// outputs. Pages are not rendered, so a template failure that depends
/// on one page's data is found by `build` (or `check --render`), not here;
/// templates that do not compile are refused when the `Renderer` is made.
pub fn check(inputs: &Inputs<'_>, parsed: Parsed) -> Vec<Diagnostic> {
    let mut diags = parsed.diagnostics;
    let (site, mut site_diags) = Site::assemble(inputs.config, parsed.pages);
    diags.append(&mut site_diags);
    // The generated pages are few; rendering them gives their paths (and
    // their template problems) for the clash check.
    let (generated, mut render_diags) = inputs.renderer.render_rest(&site);
    diags.append(&mut render_diags);
    let mut paths: Vec<String> = site
        .pages
        .iter()
        .map(|p| format!("{}index.html", p.path))
        .collect();
    paths.extend(generated.into_iter().map(|f| f.path));
    paths.extend(
        inputs
            .renderer
            .search_page(&site, &mut diags)
            .map(|f| f.path),
    );
    paths.extend(feeds::all(&site, inputs.renderer.string("redirect_title")).map(|f| f.path));
    paths.extend(inputs.renderer.static_files().into_iter().map(|f| f.path));
    paths.extend(parsed.assets.into_iter().map(|f| f.path));
    paths.sort();
    check_output_clashes(paths.iter().map(String::as_str), &mut diags);
    diagnostic::sort(&mut diags);
    diags
}

fn run(
    inputs: &Inputs<'_>,
    parsed: Parsed,
    sink: &Sink<'_>,
    emit_on_error: bool,
) -> Result<Vec<Diagnostic>, Error> {
    let renderer = inputs.renderer;
    let mut diags = parsed.diagnostics;
    let (site, mut site_diags) = Site::assemble(inputs.config, parsed.pages);
    diags.append(&mut site_diags);
    let emitting = emit_on_error || !diags.iter().any(Diagnostic::is_error);
    // Output paths, for the clash check once everything is out.
    let paths = Mutex::new(Vec::new());
    let emit = |f: OutputFile| {
        if let Ok(mut paths) = paths.lock() {
            paths.push(f.path.clone());
        }
        if emitting { sink(f) } else { Ok(()) }
    };
    diags.append(&mut renderer.render_each(&site, &emit)?);
    // Every page is rendered; what is left (feeds, the search index) reads
    // no page HTML, which on a 100,000-page site is 0.9 GB.
    let mut site = site;
    site.release_html();
    let texts = site.take_texts();
    site_files_each(&site, renderer, &mut diags, Some(texts), &emit)?;
    site.free();
    let mut rest = renderer.static_files();
    rest.extend(parsed.assets);
    for f in rest {
        emit(f)?;
    }
    let mut paths = paths.into_inner().unwrap_or_default();
    paths.sort();
    check_output_clashes(paths.iter().map(String::as_str), &mut diags);
    diagnostic::sort(&mut diags);
    Ok(diags)
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
    collect(|sink| site_files_each(site, renderer, diags, None, sink)).0
}

/// `site_files`, handed to `emit` one by one; `texts[id]` is page `id`'s
/// text when the caller took the texts out of the site.
fn site_files_each(
    site: &Site<'_>,
    renderer: &Renderer,
    diags: &mut Vec<Diagnostic>,
    texts: Option<Vec<crate::pack::Packed>>,
    emit: &Sink<'_>,
) -> Result<(), Error> {
    // The feeds are made on one thread, beside the search index (which
    // uses every core it gets) instead of before it.
    let (feeds, search) = rayon::join(
        || feeds::all(site, renderer.string("redirect_title")).try_for_each(emit),
        || {
            // Search: the /zoeken/ page and the sharded index (see `search`).
            if let Some(f) = renderer.search_page(site, diags) {
                emit(f)?;
            }
            crate::search::build_each_from(site, texts, emit)
        },
    );
    feeds.and(search)
}

/// Pack the bodies of `pages` (freshly parsed: nothing else holds them)
/// beyond `budget` bytes held plain, `plain` counting what earlier pages
/// hold; once one page is over budget, the rest are packed too.
pub(crate) fn pack_beyond(mut pages: Vec<&mut Arc<Page>>, plain: &mut usize, budget: usize) {
    let mut keep = 0;
    for page in &pages {
        let size = page.body.html.held_len() + page.body.text.held_len();
        if *plain + size > budget {
            break;
        }
        *plain += size;
        keep += 1;
    }
    if keep < pages.len() {
        *plain = budget;
    }
    pages[keep..].par_iter_mut().for_each(|page| {
        if let Some(page) = Arc::get_mut(page) {
            page.body.html.pack();
            page.body.text.pack();
        }
    });
}

/// Where a non-Markdown file of `content/` goes in the output.
pub(crate) fn asset_path(source: &str) -> Option<&str> {
    source.strip_prefix("content/")
}

/// The parse stage: every Markdown file of `sources` to a page, in
/// parallel.
pub fn parse(inputs: &Inputs<'_>, sources: Sources) -> Parsed {
    let mut parsed = Parsed {
        diagnostics: sources.diagnostics,
        ..Parsed::default()
    };
    parsed.extend(
        sources
            .content
            .into_par_iter()
            .map(|f| parse_file(inputs, f))
            .collect(),
    );
    parsed
}

/// What one content file gave: a page (or none, for a draft or a page
/// with errors) or an asset to copy, and its diagnostics.
pub struct ParsedFile {
    page: Option<Page>,
    asset: Option<OutputFile>,
    diagnostics: Vec<Diagnostic>,
}

/// The parse stage for one content file (`parse` runs it over every file,
/// a build as each file is read). The file is dropped as soon as its page
/// exists: a page holds its body twice over (HTML and text), and on a
/// large site the raw files and every page at once would be the build's
/// peak.
pub fn parse_file(inputs: &Inputs<'_>, f: SourceFile) -> ParsedFile {
    if !f.path.ends_with(".md") {
        return ParsedFile {
            page: None,
            asset: asset_path(&f.path).map(|p| OutputFile {
                path: p.to_string(),
                bytes: f.bytes,
            }),
            diagnostics: Vec::new(),
        };
    }
    let (page, diagnostics) = page::parse(&f, inputs.config, inputs.highlighter);
    ParsedFile {
        page: page.filter(|p| inputs.options.drafts || !p.draft),
        asset: None,
        diagnostics,
    }
}

/// Two outputs whose paths differ only by case or accents would overwrite
/// each other on macOS and Windows file systems.
pub(crate) fn check_output_clashes<'a>(
    paths: impl IntoIterator<Item = &'a str>,
    diags: &mut Vec<Diagnostic>,
) {
    // Folded on both cores: a 100,000-page site has 200,000 outputs.
    let paths: Vec<&str> = paths.into_iter().collect();
    let folded: Vec<String> = paths
        .par_iter()
        .map(|p| crate::slug::fold_path(p))
        .collect();
    let mut seen: std::collections::HashMap<String, &str> =
        std::collections::HashMap::with_capacity(paths.len());
    for (folded, path) in folded.into_iter().zip(paths) {
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
