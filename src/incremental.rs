//! Incremental rebuilds for `serve`: keep what the previous build parsed and
//! rendered, and redo only what a change reaches.
//!
//! An update always ends in exactly what `build::build` gives for the same
//! inputs (tests/it/serve.rs checks this after sequences of edits). It gets
//! there in two steps, so that the page being edited is back fast:
//!
//! 1. **Pages.** Re-parse the files whose bytes changed, re-assemble the
//!    site (cheap: no Markdown is parsed again) and re-render the changed
//!    pages. When a change is *structural*, i.e. it touches something other
//!    pages can show (title, summary, fields, slug, headings, the link
//!    graph, a page appearing or disappearing), also render a bounded set of
//!    the pages it reaches directly: its section, home, and the pages it
//!    links to and from before and after the edit.
//! 2. **The rest.** The outputs that look at the whole site (feeds, search,
//!    generated overview pages, 404) and, after a structural change, every
//!    page not re-rendered since: views such as related pages reach further
//!    than direct links, so nothing cheaper is exact.
//!
//! A *body-only* edit (the text changes, nothing other pages can show)
//! re-renders one page in step 1, and when the caller says which files
//! changed it takes a fast path that does not even re-assemble the site:
//! the previous site with the one page swapped is exactly what assembly
//! would give, so the edited page is back in milliseconds on any site. An
//! edit of a page's refs or links that leaves it the same to every other
//! page's eyes (title, slug, headings, …) takes a shorter road too: the
//! page is relinked into the previous site (`Site::relink`) and shown with
//! the pages whose backlinks it joined or left, before the site is
//! assembled again for the comparison below. Step 2 can be cancelled when a newer
//! change arrives; what it did not redo stays marked stale and is redone by
//! the next update. Pure: no IO, no clock; `serve` owns the loop.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::build::{self, Build, BuildOptions};
use crate::config::Config;
use crate::diagnostic::{self, Diagnostic};
use crate::frontmatter::FieldValue;
use crate::highlight::Highlighter;
use crate::markdown::Body;
use crate::page::{self, Page};
use crate::render::{Renderer, Shared};
use crate::site::{self, Edge, PageId, Site, Target};
use crate::source::{SourceFile, Sources};

/// How many pages besides the changed ones step 1 may re-render. The rest
/// of a structural change's reach is done in step 2; this bound is what
/// keeps an edit to a much-linked page fast.
const NEIGHBOUR_BUDGET: usize = 24;

/// How many stale pages step 2 renders between checks for cancellation.
const CHUNK: usize = 256;

/// One output file whose bytes are shared between successive builds, so
/// that an update copies pointers, not pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedFile {
    /// Path relative to the output directory, `/`-separated.
    pub path: String,
    /// Contents.
    pub bytes: Arc<Vec<u8>>,
}

/// A whole built site: files sorted by path, diagnostics sorted. The same
/// content as a [`Build`], with shared file contents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Output files, sorted by path.
    pub files: Vec<SharedFile>,
    /// Diagnostics, sorted by location.
    pub diagnostics: Vec<Diagnostic>,
}

impl Snapshot {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

impl From<Build> for Snapshot {
    fn from(build: Build) -> Snapshot {
        Snapshot {
            files: build
                .files
                .into_iter()
                .map(|f| SharedFile {
                    path: f.path,
                    bytes: Arc::new(f.bytes),
                })
                .collect(),
            diagnostics: build.diagnostics,
        }
    }
}

/// The inputs of one update: the same as `build::build`'s.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    /// The site configuration.
    pub config: &'a Config,
    /// Everything read from disk.
    pub sources: &'a Sources,
    /// Compiled templates.
    pub renderer: &'a Renderer,
    /// Code highlighting.
    pub highlighter: &'a Highlighter,
    /// Build options.
    pub options: &'a BuildOptions,
    /// The content files that may have changed since the previous update
    /// (`None`: unknown, compare everything). Lets an update skip
    /// comparing every file, and take the fast path for a body-only edit.
    pub changed: Option<&'a [String]>,
}

/// What an update did, for the terminal and the benchmark.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Content files parsed again.
    pub parsed: usize,
    /// Pages rendered in step 1.
    pub rendered_first: usize,
    /// Pages rendered in step 2.
    pub rendered_rest: usize,
    /// Whether the change reached other pages.
    pub structural: bool,
    /// Whether step 1 took the fast path (no re-assembly).
    pub fast: bool,
    /// Whether step 1 relinked the edited pages into the previous site
    /// instead of assembling it again (an edit of refs or links).
    pub relinked: bool,
}

/// The cache between updates. Create one per configuration and theme
/// templates: a change to either invalidates everything, so `serve` starts
/// a new `Incremental` then.
#[derive(Default)]
pub struct Incremental {
    parsed: HashMap<String, ParsedFile>,
    rendered: HashMap<String, Rendered>,
    assets: HashMap<String, Arc<Vec<u8>>>,
    rest: Vec<SharedFile>,
    rest_diags: Vec<Diagnostic>,
    statics: Vec<SharedFile>,
    previous: Previous,
    /// The last assembled site, in parts (a `Site` borrows its config).
    parts: Option<SiteParts>,
    /// Page ids of `parts` by source path.
    by_source: HashMap<String, PageId>,
    /// What `parts`' pages share when rendered.
    shared: Option<Shared>,
    /// The last snapshot handed out.
    last: Option<Snapshot>,
    /// The output-clash diagnostics of a set of output paths.
    clashes: Option<(Vec<String>, Vec<Diagnostic>)>,
    epoch: u64,
    structural_epoch: u64,
    stats: Stats,
}

/// One content file as last parsed.
struct ParsedFile {
    bytes: Vec<u8>,
    page: Option<Arc<Page>>,
    diags: Vec<Diagnostic>,
}

/// One page as last rendered, keyed by its source path.
struct Rendered {
    /// The version of the page it was rendered from. Holding the `Arc`
    /// keeps the pointer unique, so pointer equality means "same parse".
    page: Arc<Page>,
    /// When it was rendered; older than the last structural change means
    /// stale.
    epoch: u64,
    output: Result<SharedFile, Diagnostic>,
}

/// The link graph of the previous update, to find the pages an edit
/// reached before it (old neighbours).
#[derive(Default)]
struct Previous {
    pages: Vec<Arc<Page>>,
    edges: Vec<(PageId, PageId, Arc<str>)>,
}

/// The owned contents of a `Site`, kept between updates.
struct SiteParts {
    pages: Vec<Arc<Page>>,
    links: Vec<Vec<Option<Target>>>,
    refs: Vec<BTreeMap<String, Vec<PageId>>>,
    edges: Vec<Edge>,
    incoming: Vec<Vec<(PageId, Arc<str>)>>,
}

impl SiteParts {
    fn from_site(site: Site<'_>) -> SiteParts {
        // Exhaustive, so a new field of `Site` is not silently dropped.
        let Site {
            config: _,
            pages,
            links,
            refs,
            edges,
            incoming,
        } = site;
        SiteParts {
            pages,
            links,
            refs,
            edges,
            incoming,
        }
    }

    /// The same pages (by URL) linked the same way as `site`.
    fn same_graph(&self, site: &Site<'_>) -> bool {
        self.pages.len() == site.pages.len()
            && self
                .pages
                .iter()
                .zip(&site.pages)
                .all(|(a, b)| a.path == b.path)
            && self.links == site.links
            && self.refs == site.refs
            && self.edges == site.edges
            && self.incoming == site.incoming
    }

    fn into_site(self, config: &Config) -> Site<'_> {
        let SiteParts {
            pages,
            links,
            refs,
            edges,
            incoming,
        } = self;
        Site {
            config,
            pages,
            links,
            refs,
            edges,
            incoming,
        }
    }
}

/// A content file the caller named, parsed again: its page's id in the last
/// site, and the page's versions before and after.
struct Edit<'i> {
    id: PageId,
    file: &'i SourceFile,
    old: Arc<Page>,
    new: Arc<Page>,
}

/// The edits as (id, file, new version) when `alike(old, new)` holds for
/// each; `None` otherwise.
fn accepted<'i>(
    edits: &[Edit<'i>],
    alike: fn(&Page, &Page) -> bool,
) -> Option<Vec<(PageId, &'i SourceFile, Arc<Page>)>> {
    edits
        .iter()
        .map(|e| alike(&e.old, &e.new).then(|| (e.id, e.file, Arc::clone(&e.new))))
        .collect()
}

/// What step 1 rendered for the files the caller named: per named page
/// rendered, the version it was last rendered from (`None` for a new page),
/// and the ids of every page rendered.
type Named = (HashMap<String, Option<Arc<Page>>>, Vec<PageId>);

/// What changed between the previous site and this one.
struct Changes {
    /// Pages (new ids) whose parse changed or that are new.
    changed: Vec<PageId>,
    /// Pages whose rendering another page's change may have reached,
    /// most important first.
    reached: Vec<PageId>,
    structural: bool,
}

impl Incremental {
    /// An empty cache: the first update renders everything.
    pub fn new() -> Incremental {
        Incremental::default()
    }

    /// What the last update did.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Bring the cache up to date with `inputs`. Calls `on_pages` with the
    /// step-1 snapshot (changed pages fresh, the rest as before), then does
    /// step 2 and returns the complete snapshot, which equals
    /// `build::build(inputs)`. Returns `None` when `cancelled` said so
    /// during step 2; the next update then finishes the work.
    pub fn update(
        &mut self,
        inputs: &Inputs<'_>,
        on_pages: &mut dyn FnMut(&Snapshot),
        cancelled: &dyn Fn() -> bool,
    ) -> Option<Snapshot> {
        self.epoch += 1;
        self.stats = Stats::default();
        let edits = self.edited(inputs);
        let fast = self.fast(inputs, edits.as_deref());
        if let Some(snapshot) = &fast {
            self.stats.fast = true;
            on_pages(snapshot);
            self.last = fast;
        }
        // An edit of refs or links that leaves the page the same to the
        // lookup tables needs no assembly before its page and backlinks are
        // shown: step 1 relinks it into the previous site.
        let early = if self.stats.fast {
            None
        } else {
            self.relinked(inputs, edits.as_deref())
        };
        if let Some((_, snapshot)) = &early {
            self.stats.relinked = true;
            on_pages(snapshot);
        }
        let (pages, parse_diags) = self.parse(inputs);
        let (site, site_diags) = Site::assemble(inputs.config, pages);
        debug_assert!(
            !self.stats.relinked || self.parts.as_ref().is_some_and(|p| p.same_graph(&site)),
            "the relinked site differs from the assembled one"
        );
        let shared = inputs.renderer.shared_after(&site, self.shared.as_ref());
        // The files the caller named are rendered and shown before anything
        // else is worked out: finding what else an edit reached means
        // comparing the whole site, and the edited page should not wait.
        let shown = early.is_some();
        let (before, first) = match early {
            Some((named, _)) => named,
            None if self.stats.fast => (HashMap::new(), Vec::new()),
            None => self.render_named(inputs, &site, &shared),
        };
        if !before.is_empty() && !shown {
            let clean = parse_diags.is_empty()
                && site_diags.is_empty()
                && self.last.as_ref().is_some_and(|l| l.diagnostics.is_empty());
            let patched = clean
                .then(|| self.patched(inputs, &site, &before, &first, &[]))
                .flatten();
            let snapshot = match patched {
                Some(snapshot) => snapshot,
                None => {
                    let base = Base {
                        sources: inputs.sources,
                        statics: self.statics(inputs.renderer),
                        parse_diags: &parse_diags,
                        site_diags: &site_diags,
                    };
                    self.snapshot(&base, &site)
                }
            };
            on_pages(&snapshot);
        }
        let changes = self.changes(&site, &before);
        let present: HashSet<&str> = site.pages.iter().map(|p| p.source.as_str()).collect();
        self.rendered
            .retain(|source, _| present.contains(source.as_str()));
        self.stats.structural = changes.structural;
        if changes.structural {
            self.structural_epoch = self.epoch;
        }
        // Pages rendered in step 1 for their backlinks are final already.
        let reached: Vec<PageId> = changes
            .reached
            .iter()
            .take(NEIGHBOUR_BUDGET)
            .copied()
            .filter(|&id| !first.contains(&id))
            .collect();
        // After the fast path this finds nothing left to render.
        let rest_changed: Vec<PageId> = changes
            .changed
            .iter()
            .copied()
            .filter(|&id| !before.contains_key(&site.pages[id].source))
            .collect();
        self.stats.rendered_first += self.render(inputs.renderer, &site, &shared, &rest_changed);
        self.previous = Previous {
            pages: site.pages.clone(),
            edges: site
                .edges
                .iter()
                .map(|e| (e.source, e.target, e.field.clone()))
                .collect(),
        };
        self.update_assets(inputs.sources);
        let base = Base {
            sources: inputs.sources,
            statics: self.statics(inputs.renderer),
            parse_diags: &parse_diags,
            site_diags: &site_diags,
        };
        if !self.stats.fast {
            // The edited pages first; the pages they reach (a niveau page
            // with thousands of backlinks, a long section) right after.
            if !reached.is_empty() && !rest_changed.is_empty() {
                let snapshot = self.snapshot(&base, &site);
                on_pages(&snapshot);
            }
            self.stats.rendered_first += self.render(inputs.renderer, &site, &shared, &reached);
            let snapshot = self.snapshot(&base, &site);
            on_pages(&snapshot);
            self.last = Some(snapshot);
        }

        let stale: Vec<PageId> = (0..site.pages.len())
            .filter(|&id| !self.is_fresh(&site, id))
            .collect();
        for chunk in stale.chunks(CHUNK) {
            if cancelled() {
                self.keep(site, shared);
                return None;
            }
            self.stats.rendered_rest += self.render(inputs.renderer, &site, &shared, chunk);
        }
        if cancelled() {
            self.keep(site, shared);
            return None;
        }
        let (rest, mut rest_diags) = inputs.renderer.render_rest(&site);
        let mut rest: Vec<SharedFile> = rest
            .into_iter()
            .map(|f| SharedFile {
                path: f.path,
                bytes: Arc::new(f.bytes),
            })
            .collect();
        rest.extend(
            build::site_files(&site, inputs.renderer, &mut rest_diags)
                .into_iter()
                .map(|f| SharedFile {
                    path: f.path,
                    bytes: Arc::new(f.bytes),
                }),
        );
        self.rest = rest;
        self.rest_diags = rest_diags;
        let snapshot = self.snapshot(&base, &site);
        self.last = Some(snapshot.clone());
        self.keep(site, shared);
        Some(snapshot)
    }

    /// Keep the assembled site for the next update's fast path.
    fn keep(&mut self, site: Site<'_>, shared: Shared) {
        self.shared = Some(shared);
        self.by_source = site
            .pages
            .iter()
            .enumerate()
            .map(|(id, p)| (p.source.clone(), id))
            .collect();
        self.parts = Some(SiteParts::from_site(site));
    }

    /// The files the caller named whose bytes changed, each parsed again
    /// (once, for both short roads of step 1) into its page's new version.
    /// `None` (the short roads do not apply) unless each is Markdown that
    /// parsed cleanly before and now.
    fn edited<'i>(&self, inputs: &Inputs<'i>) -> Option<Vec<Edit<'i>>> {
        let changed = inputs.changed.filter(|c| !c.is_empty())?;
        let parts = self.parts.as_ref()?;
        let mut work = Vec::new();
        for path in changed {
            if !path.ends_with(".md") {
                return None;
            }
            let at = inputs
                .sources
                .content
                .binary_search_by(|f| f.path.as_str().cmp(path))
                .ok()?;
            let file = &inputs.sources.content[at];
            let old = self.parsed.get(path)?;
            if old.bytes == file.bytes {
                continue;
            }
            let old_page = old.page.as_ref()?;
            let &id = self.by_source.get(path)?;
            if !old.diags.is_empty() || !Arc::ptr_eq(&parts.pages[id], old_page) {
                return None;
            }
            let (page, diags) = page::parse(file, inputs.config, inputs.highlighter);
            let page = page?;
            if !diags.is_empty() {
                return None;
            }
            work.push(Edit {
                id,
                file,
                old: Arc::clone(old_page),
                new: Arc::new(page),
            });
        }
        Some(work)
    }

    /// Cache `page` as the clean parse of `file`.
    fn remember_clean(&mut self, file: &SourceFile, page: &Arc<Page>) {
        let entry = ParsedFile {
            bytes: file.bytes.clone(),
            page: Some(Arc::clone(page)),
            diags: Vec::new(),
        };
        self.parsed.insert(file.path.clone(), entry);
    }

    /// Step 1 for body-only edits of files the caller named: swap the new
    /// versions into the previous site and render just them. `None` when
    /// any condition fails; the normal path then does the work. The
    /// result differs from the normal step 1 only in diagnostics, which
    /// the fast path requires to be absent for these files.
    fn fast(&mut self, inputs: &Inputs<'_>, edits: Option<&[Edit<'_>]>) -> Option<Snapshot> {
        let last = self.last.as_ref()?;
        let work = accepted(edits?, |old, new| {
            new.draft == old.draft && same_page_links(old, new)
        })?;
        if work.is_empty()
            || last
                .diagnostics
                .iter()
                .any(|d| work.iter().any(|w| w.1.path == d.file))
        {
            return None;
        }
        let mut snapshot = last.clone();
        let mut parts = self.parts.take()?;
        for (id, file, page) in &work {
            parts.pages[*id] = Arc::clone(page);
            self.remember_clean(file, page);
        }
        let site = parts.into_site(inputs.config);
        let ids: Vec<PageId> = work.iter().map(|w| w.0).collect();
        let outputs = match &self.shared {
            Some(shared) => inputs.renderer.render_pages_shared(&site, shared, &ids),
            None => inputs.renderer.render_pages(&site, &ids),
        };
        self.parts = Some(SiteParts::from_site(site));
        for ((_, file, page), output) in work.iter().zip(outputs) {
            let f = output.ok()?;
            let at = snapshot
                .files
                .binary_search_by(|s| s.path.as_str().cmp(&f.path))
                .ok()?;
            let bytes = Arc::new(f.bytes);
            snapshot.files[at].bytes = Arc::clone(&bytes);
            self.rendered.insert(
                file.path.clone(),
                Rendered {
                    page: Arc::clone(page),
                    epoch: self.epoch,
                    output: Ok(SharedFile {
                        path: f.path,
                        bytes,
                    }),
                },
            );
        }
        self.stats.rendered_first = work.len();
        Some(snapshot)
    }

    /// Step 1 for edits of refs, links or text of files the caller named,
    /// when every edited page still looks the same to the other pages but
    /// for its fields (`same_but_fields`): the previous site with the new
    /// versions swapped in and relinked (`Site::relink`) is exactly what
    /// assembly would give, so the edited pages and the pages whose
    /// backlinks list them are rendered without assembling the site again.
    /// Returns what `render_named` does and the snapshot to show; `None`
    /// when any condition fails, and the normal path then does the work.
    /// It needs a last snapshot without diagnostics other than orphan
    /// warnings (which it works out again): of any other kind, only a whole
    /// assembly knows which still stand.
    fn relinked(
        &mut self,
        inputs: &Inputs<'_>,
        edits: Option<&[Edit<'_>]>,
    ) -> Option<(Named, Snapshot)> {
        let last = self.last.as_ref()?;
        if last.diagnostics.iter().any(|d| d.code != site::ORPHAN)
            || !inputs.sources.diagnostics.is_empty()
        {
            return None;
        }
        let work = accepted(edits?, same_but_fields)?;
        if work.is_empty() {
            return None;
        }
        let mut parts = self.parts.take()?;
        for (id, _, page) in &work {
            parts.pages[*id] = Arc::clone(page);
        }
        let mut site = parts.into_site(inputs.config);
        let ids: Vec<PageId> = work.iter().map(|w| w.0).collect();
        if !site.relink(&ids).is_empty() {
            // The site is neither the old one nor a clean new one; this
            // update's assembly makes the next.
            return None;
        }
        for (_, file, page) in &work {
            self.remember_clean(file, page);
        }
        let shared = inputs.renderer.shared_after(&site, self.shared.as_ref());
        let (before, first) = self.render_named(inputs, &site, &shared);
        let mut orphans = site.orphans();
        diagnostic::sort(&mut orphans);
        let snapshot = match self.patched(inputs, &site, &before, &first, &orphans) {
            Some(snapshot) => snapshot,
            None => {
                let base = Base {
                    sources: inputs.sources,
                    statics: self.statics(inputs.renderer),
                    parse_diags: &[],
                    site_diags: &orphans,
                };
                self.snapshot(&base, &site)
            }
        };
        self.parts = Some(SiteParts::from_site(site));
        self.shared = Some(shared);
        Some(((before, first), snapshot))
    }

    /// Parse what changed; return this update's pages (drafts filtered as
    /// `build` does) and every file's parse diagnostics.
    fn parse(&mut self, inputs: &Inputs<'_>) -> (Vec<Arc<Page>>, Vec<Diagnostic>) {
        let markdown: Vec<&SourceFile> = inputs
            .sources
            .content
            .iter()
            .filter(|f| f.path.ends_with(".md"))
            .collect();
        // A fresh cache knows nothing, so a hint is no use to it.
        let hint = inputs.changed.filter(|_| !self.parsed.is_empty());
        let todo: Vec<&SourceFile> = match hint {
            Some(paths) => {
                let mut todo = Vec::new();
                for path in paths {
                    match inputs
                        .sources
                        .content
                        .binary_search_by(|f| f.path.as_str().cmp(path))
                    {
                        Ok(i) if path.ends_with(".md") => todo.push(&inputs.sources.content[i]),
                        Ok(_) => {}
                        Err(_) => {
                            self.parsed.remove(path);
                        }
                    }
                }
                let parsed = &self.parsed;
                todo.retain(|f| parsed.get(&f.path).is_none_or(|p| p.bytes != f.bytes));
                todo
            }
            None => {
                let present: HashSet<&str> = markdown.iter().map(|f| f.path.as_str()).collect();
                self.parsed
                    .retain(|path, _| present.contains(path.as_str()));
                let parsed = &self.parsed;
                markdown
                    .par_iter()
                    .filter(|f| parsed.get(&f.path).is_none_or(|p| p.bytes != f.bytes))
                    .copied()
                    .collect()
            }
        };
        self.stats.parsed = todo.len();
        let mut fresh: Vec<(String, ParsedFile)> = todo
            .par_iter()
            .map(|f| {
                let (page, diags) = page::parse(f, inputs.config, inputs.highlighter);
                let entry = ParsedFile {
                    bytes: f.bytes.clone(),
                    page: page.map(Arc::new),
                    diags,
                };
                (f.path.clone(), entry)
            })
            .collect();
        // Parsed whole, the site keeps its bodies as a build does: plain up
        // to the budget, packed beyond it. Pages parsed after an edit are
        // few and stay plain.
        if hint.is_none() {
            let pages = fresh
                .iter_mut()
                .filter_map(|(_, f)| f.page.as_mut())
                .collect();
            build::pack_beyond(pages, &mut 0, build::PLAIN_BODIES);
        }
        self.parsed.extend(fresh);
        let mut pages = Vec::with_capacity(markdown.len());
        let mut diags = Vec::new();
        for f in &markdown {
            let Some(p) = self.parsed.get(&f.path) else {
                continue;
            };
            diags.extend(p.diags.iter().cloned());
            pages.extend(
                p.page
                    .as_ref()
                    .filter(|page| inputs.options.drafts || !page.draft)
                    .cloned(),
            );
        }
        (pages, diags)
    }

    /// Compare the new site with what was rendered and the previous graph.
    /// `before` holds, for pages rendered ahead of this (`render_named`),
    /// the page they were last rendered from: those count as changed.
    fn changes(&mut self, site: &Site<'_>, before: &HashMap<String, Option<Arc<Page>>>) -> Changes {
        let mut structural = false;
        let mut changed = Vec::new();
        for (id, page) in site.pages.iter().enumerate() {
            // The version this page was last rendered from, if any.
            let old = match before.get(&page.source) {
                Some(old) => old.clone(),
                None => match self.rendered.get_mut(&page.source) {
                    Some(r) if Arc::ptr_eq(&r.page, page) => continue,
                    // Section and home pages without an `_index.md` are made
                    // anew by every assembly; equal is as good as the same.
                    Some(r) if same_page(&r.page, page) => {
                        r.page = Arc::clone(page);
                        continue;
                    }
                    Some(r) => Some(Arc::clone(&r.page)),
                    None => None,
                },
            };
            match old {
                Some(old) if same_page(&old, page) => {}
                Some(old) => {
                    structural |= !same_outside(&old, page);
                    changed.push(id);
                }
                None => {
                    structural = true;
                    changed.push(id);
                }
            }
        }
        let present: HashSet<&str> = site.pages.iter().map(|p| p.source.as_str()).collect();
        // A page that disappeared changes its old neighbours' backlinks.
        let removed: Vec<&str> = self
            .previous
            .pages
            .iter()
            .map(|p| p.source.as_str())
            .filter(|s| !present.contains(s))
            .collect();
        structural |= !removed.is_empty();
        let edge_ends = self.edge_changes(site);
        structural |= !edge_ends.is_empty();
        if !structural {
            return Changes {
                changed,
                reached: Vec::new(),
                structural,
            };
        }
        let reached = self.reached(site, &changed, &removed, edge_ends);
        Changes {
            changed,
            reached,
            structural,
        }
    }

    /// Pages (new ids) at either end of an edge that was added or removed.
    fn edge_changes(&self, site: &Site<'_>) -> Vec<PageId> {
        let old = &self.previous;
        type Key<'k> = (&'k str, &'k str, &'k str);
        fn key_old<'k>(old: &'k Previous, e: &'k (PageId, PageId, Arc<str>)) -> Key<'k> {
            (&old.pages[e.0].path, &old.pages[e.1].path, &e.2)
        }
        fn key_new<'k>(site: &'k Site<'_>, e: &'k crate::site::Edge) -> Key<'k> {
            (
                &site.pages[e.source].path,
                &site.pages[e.target].path,
                &e.field,
            )
        }
        let mut ends: Vec<&str> = Vec::new();
        // Both edge lists are sorted by (source, target, field) ids, and ids
        // follow URL order, so a merge finds the differences in one pass.
        let (mut i, mut j) = (0, 0);
        while i < old.edges.len() || j < site.edges.len() {
            let a = old.edges.get(i).map(|e| key_old(old, e));
            let b = site.edges.get(j).map(|e| key_new(site, e));
            match (a, b) {
                (Some(a), Some(b)) if a == b => {
                    i += 1;
                    j += 1;
                }
                (Some(a), Some(b)) if a < b => {
                    ends.extend([a.0, a.1]);
                    i += 1;
                }
                (Some(a), None) => {
                    ends.extend([a.0, a.1]);
                    i += 1;
                }
                (_, Some(b)) => {
                    ends.extend([b.0, b.1]);
                    j += 1;
                }
                (None, None) => break,
            }
        }
        let mut ids: Vec<PageId> = ends
            .into_iter()
            .filter_map(|path| site.page_by_path(path))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The pages a structural change reaches directly, most visible first:
    /// sections and home, then both ends of changed edges, then the old and
    /// new neighbours of changed and removed pages.
    fn reached(
        &self,
        site: &Site<'_>,
        changed: &[PageId],
        removed: &[&str],
        edge_ends: Vec<PageId>,
    ) -> Vec<PageId> {
        let mut out: Vec<PageId> = Vec::new();
        let mut seen: HashSet<PageId> = changed.iter().copied().collect();
        let mut push = |id: PageId, out: &mut Vec<PageId>| {
            if seen.insert(id) {
                out.push(id);
            }
        };
        let old_index: HashMap<&str, PageId> = self
            .previous
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.source.as_str(), i))
            .collect();
        let section_of = |p: &Page| {
            p.kind
                .as_deref()
                .and_then(|k| site.config.kind(k))
                .and_then(|k| site.page_by_path(&format!("{}/", k.section)))
        };
        for &id in changed {
            let page = &site.pages[id];
            if let Some(s) = section_of(page) {
                push(s, &mut out);
            }
            if let Some(old) = self.rendered.get(&page.source) {
                if let Some(s) = section_of(&old.page) {
                    push(s, &mut out);
                }
            }
        }
        if let Some(home) = site.page_by_path("") {
            push(home, &mut out);
        }
        for id in edge_ends {
            push(id, &mut out);
        }
        let mut old_ids: Vec<PageId> = changed
            .iter()
            .filter_map(|&id| old_index.get(site.pages[id].source.as_str()).copied())
            .collect();
        old_ids.extend(removed.iter().filter_map(|s| old_index.get(s).copied()));
        let old_ids: HashSet<PageId> = old_ids.into_iter().collect();
        for (s, t, _) in &self.previous.edges {
            for (from, to) in [(s, t), (t, s)] {
                if old_ids.contains(from) {
                    let path = &self.previous.pages[*to].path;
                    if let Some(id) = site.page_by_path(path) {
                        push(id, &mut out);
                    }
                }
            }
        }
        let new_ids: HashSet<PageId> = changed.iter().copied().collect();
        for e in &site.edges {
            if new_ids.contains(&e.source) {
                push(e.target, &mut out);
            }
            if new_ids.contains(&e.target) {
                push(e.source, &mut out);
            }
        }
        out
    }

    /// Render `ids` and remember the results; returns how many.
    fn render(
        &mut self,
        renderer: &Renderer,
        site: &Site<'_>,
        shared: &Shared,
        ids: &[PageId],
    ) -> usize {
        let outputs = renderer.render_pages_shared(site, shared, ids);
        for (&id, output) in ids.iter().zip(outputs) {
            let page = &site.pages[id];
            let output = output.map(|f| SharedFile {
                path: f.path,
                bytes: Arc::new(f.bytes),
            });
            self.rendered.insert(
                page.source.clone(),
                Rendered {
                    page: Arc::clone(page),
                    epoch: self.epoch,
                    output,
                },
            );
        }
        ids.len()
    }

    /// Render the pages of the files `inputs.changed` names whose parse is
    /// new, and the pages whose backlinks list them. Returns, per named page
    /// rendered, the page it was last rendered from (`None` for a new
    /// page), and every page rendered.
    fn render_named(&mut self, inputs: &Inputs<'_>, site: &Site<'_>, shared: &Shared) -> Named {
        let Some(named) = inputs.changed else {
            return (HashMap::new(), Vec::new());
        };
        let mut before = HashMap::new();
        let mut ids = Vec::new();
        let mut listing = Vec::new();
        for (id, page) in site.pages.iter().enumerate() {
            if !named.contains(&page.source) {
                continue;
            }
            let old = self.rendered.get(&page.source).map(|r| Arc::clone(&r.page));
            if old.as_ref().is_some_and(|old| Arc::ptr_eq(old, page)) {
                continue;
            }
            if !old.as_ref().is_some_and(|old| same_page_links(old, page)) {
                listing.extend(self.listing(site, id, old.as_deref()));
            }
            before.insert(page.source.clone(), old);
            ids.push(id);
        }
        // The pages whose backlinks show an edited page come in the same
        // step: "with backlinks correct" should not wait for the comparison
        // of the whole site. They are rendered from the new site, so they
        // are final for this update and the later steps skip them.
        listing.sort_unstable();
        listing.dedup();
        listing.retain(|&t| !before.contains_key(&site.pages[t].source));
        ids.extend(listing);
        self.stats.rendered_first += self.render(inputs.renderer, site, shared, &ids);
        (before, ids)
    }

    /// The pages (new ids) whose backlinks list page `id` differently
    /// since the edit (`old` is its previous version): when the page shows
    /// the same in a backlinks list, the targets of the edges it gained or
    /// lost; else the targets of all its edges in the new site and in the
    /// previous one. (A niveau page lists thousands of pages and takes
    /// milliseconds to render; one joined should not render all of them.)
    fn listing(&self, site: &Site<'_>, id: PageId, old: Option<&Page>) -> Vec<PageId> {
        // Both edge lists are sorted by source id.
        let from = site.edges.partition_point(|e| e.source < id);
        let now: Vec<(PageId, &str)> = site.edges[from..]
            .iter()
            .take_while(|e| e.source == id)
            .map(|e| (e.target, &*e.field))
            .collect();
        let prev = &self.previous;
        let mut then: Vec<(PageId, &str)> = Vec::new();
        if let Some(old_id) = old.and_then(|o| prev.pages.iter().position(|p| p.path == o.path)) {
            let from = prev.edges.partition_point(|e| e.0 < old_id);
            then.extend(
                prev.edges[from..]
                    .iter()
                    .take_while(|e| e.0 == old_id)
                    .filter_map(|e| Some((site.page_by_path(&prev.pages[e.1].path)?, &*e.2))),
            );
        }
        let listed_alike = old.is_some_and(|o| same_in_listings(o, &site.pages[id]));
        let mut out: Vec<PageId> = if listed_alike {
            let gained = now.iter().filter(|e| !then.contains(e));
            let lost = then.iter().filter(|e| !now.contains(e));
            gained.chain(lost).map(|e| e.0).collect()
        } else {
            now.iter().chain(&then).map(|e| e.0).collect()
        };
        out.retain(|&t| t != id);
        out
    }

    /// The last snapshot with the pages just rendered by `render_named`
    /// swapped in and `diagnostics` as its diagnostics: what `snapshot`
    /// would give, without rebuilding the whole file list, when nothing but
    /// Markdown changed, every page keeps its URL and renders, and the
    /// caller knows the diagnostics are the whole site's (from a clean
    /// last snapshot and a clean assembly, say). `None` otherwise.
    fn patched(
        &self,
        inputs: &Inputs<'_>,
        site: &Site<'_>,
        before: &HashMap<String, Option<Arc<Page>>>,
        rendered: &[PageId],
        diagnostics: &[Diagnostic],
    ) -> Option<Snapshot> {
        let last = self.last.as_ref()?;
        let only_markdown = inputs
            .changed?
            .iter()
            .all(|p| p.ends_with(".md") && before.contains_key(p));
        if !only_markdown || !inputs.sources.diagnostics.is_empty() {
            return None;
        }
        let mut snapshot = last.clone();
        snapshot.diagnostics = diagnostics.to_vec();
        for page in rendered.iter().map(|&id| &site.pages[id]) {
            let Some(Ok(out)) = self.rendered.get(&page.source).map(|r| &r.output) else {
                return None;
            };
            let at = snapshot
                .files
                .binary_search_by(|f| f.path.as_str().cmp(&out.path))
                .ok()?;
            snapshot.files[at].bytes = Arc::clone(&out.bytes);
        }
        Some(snapshot)
    }

    fn is_fresh(&self, site: &Site<'_>, id: PageId) -> bool {
        let page = &site.pages[id];
        self.rendered
            .get(&page.source)
            .is_some_and(|r| Arc::ptr_eq(&r.page, page) && r.epoch >= self.structural_epoch)
    }

    /// The theme's static files, sharing bytes with the previous update's
    /// when unchanged.
    fn statics(&mut self, renderer: &Renderer) -> Vec<SharedFile> {
        let files: Vec<SharedFile> = renderer
            .static_files()
            .into_iter()
            .map(|f| {
                let bytes = match self.statics.iter().find(|s| s.path == f.path) {
                    Some(s) if *s.bytes == f.bytes => Arc::clone(&s.bytes),
                    _ => Arc::new(f.bytes),
                };
                SharedFile {
                    path: f.path,
                    bytes,
                }
            })
            .collect();
        self.statics.clone_from(&files);
        files
    }

    /// Share the bytes of unchanged content assets between updates.
    fn update_assets(&mut self, sources: &Sources) {
        let mut next = HashMap::new();
        for f in sources.content.iter().filter(|f| !f.path.ends_with(".md")) {
            let bytes = match self.assets.remove(&f.path) {
                Some(b) if *b == f.bytes => b,
                _ => Arc::new(f.bytes.clone()),
            };
            next.insert(f.path.clone(), bytes);
        }
        self.assets = next;
    }

    /// Everything as it stands now, in `build::build`'s order and form.
    fn snapshot(&mut self, base: &Base<'_>, site: &Site<'_>) -> Snapshot {
        let mut diags = base.sources.diagnostics.clone();
        diags.extend(base.parse_diags.iter().cloned());
        diags.extend(base.site_diags.iter().cloned());
        let mut files = Vec::with_capacity(site.pages.len() + self.rest.len());
        for page in &site.pages {
            match self.rendered.get(&page.source).map(|r| &r.output) {
                Some(Ok(f)) => files.push(f.clone()),
                Some(Err(d)) => diags.push(d.clone()),
                // Every page is rendered in step 1 or 2 before it is shown;
                // a page without a render yet is one step 2 will add.
                None => {}
            }
        }
        files.extend(self.rest.iter().cloned());
        diags.extend(self.rest_diags.iter().cloned());
        // The theme's static files come straight from the renderer, so a
        // stylesheet edit shows in step 1 without waiting for search.
        files.extend(base.statics.iter().map(|f| SharedFile {
            path: f.path.clone(),
            bytes: Arc::clone(&f.bytes),
        }));
        for f in base
            .sources
            .content
            .iter()
            .filter(|f| !f.path.ends_with(".md"))
        {
            if let (Some(path), Some(bytes)) =
                (build::asset_path(&f.path), self.assets.get(&f.path))
            {
                files.push(SharedFile {
                    path: path.to_string(),
                    bytes: Arc::clone(bytes),
                });
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        // Folding 20,000 paths takes longer than comparing them with the
        // last snapshot's: most updates keep the same set of files.
        let same_paths = self.clashes.as_ref().is_some_and(|(paths, _)| {
            paths.len() == files.len() && paths.iter().zip(&files).all(|(p, f)| *p == f.path)
        });
        if !same_paths {
            let mut clashes = Vec::new();
            build::check_output_clashes(files.iter().map(|f| f.path.as_str()), &mut clashes);
            let paths = files.iter().map(|f| f.path.clone()).collect();
            self.clashes = Some((paths, clashes));
        }
        diags.extend(self.clashes.iter().flat_map(|(_, d)| d.iter().cloned()));
        diagnostic::sort(&mut diags);
        Snapshot {
            files,
            diagnostics: diags,
        }
    }
}

/// The parts of an update that the snapshot needs besides the cache.
struct Base<'a> {
    sources: &'a Sources,
    statics: Vec<SharedFile>,
    parse_diags: &'a [Diagnostic],
    site_diags: &'a [Diagnostic],
}

/// True when two versions of a page look the same from any *other* page:
/// everything but the rendered body and positions, which only the page
/// itself and its diagnostics use.
fn same_outside(a: &Page, b: &Page) -> bool {
    same_but_fields(a, b)
        && a.fields.len() == b.fields.len()
        && a.fields
            .iter()
            .zip(&b.fields)
            .all(|(x, y)| x.0 == y.0 && same_value(&x.1, &y.1))
}

/// `same_outside` but for the fields (refs among them): what `Site::relink`
/// needs to put the new version in place of the old. Exhaustive on purpose:
/// a new field of `Page` or `Body` does not compile until it is sorted in
/// here.
fn same_but_fields(a: &Page, b: &Page) -> bool {
    let Page {
        source,
        role,
        kind,
        slug,
        slug_loc: _,
        path,
        title,
        summary,
        date,
        updated,
        draft,
        weight,
        aliases,
        fields: _,
        body:
            Body {
                html: _,
                links: _,
                headings,
                text: _,
            },
    } = a;
    let headings_b = &b.body.headings;
    *source == b.source
        && *role == b.role
        && *kind == b.kind
        && *slug == b.slug
        && *path == b.path
        && *title == b.title
        && *summary == b.summary
        && *date == b.date
        && *updated == b.updated
        && *draft == b.draft
        && *weight == b.weight
        && aliases.len() == b.aliases.len()
        && aliases.iter().zip(&b.aliases).all(|(x, y)| x.0 == y.0)
        && headings.len() == headings_b.len()
        && headings
            .iter()
            .zip(headings_b)
            .all(|(x, y)| x.level == y.level && x.id == y.id && x.text == y.text)
}

/// True when a backlinks list shows two versions of a page the same: its
/// title (and so its place in title order), URL, summary and kind.
fn same_in_listings(a: &Page, b: &Page) -> bool {
    a.title == b.title
        && a.path == b.path
        && a.summary == b.summary
        && a.kind == b.kind
        && a.role == b.role
}

/// True when two versions of a page render the same: the same outside
/// and the same body.
fn same_page(a: &Page, b: &Page) -> bool {
    same_page_links(a, b) && a.body.html == b.body.html && a.body.text == b.body.text
}

/// The same outside, and links to the same places: assembling the site
/// again would resolve everything exactly as before.
fn same_page_links(a: &Page, b: &Page) -> bool {
    same_outside(a, b)
        && a.body.links.len() == b.body.links.len()
        && a.body
            .links
            .iter()
            .zip(&b.body.links)
            .all(|(x, y)| x.target == y.target && x.anchor == y.anchor)
}

/// Field values compared without their source positions.
fn same_value(a: &FieldValue, b: &FieldValue) -> bool {
    match (a, b) {
        (FieldValue::Refs(x), FieldValue::Refs(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(r, s)| r.slug == s.slug)
        }
        _ => a == b,
    }
}
