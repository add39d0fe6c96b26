//! The whole-site view: pages indexed by URL and slug, every reference
//! resolved, the typed link graph and its backlinks.
//!
//! `Site::assemble` is the only place that sees all pages at once, so every
//! cross-page check lives here: duplicate slugs and URLs, alias clashes,
//! broken refs and links, missing anchors, ambiguous `[[slug]]`s and
//! orphans. The `Site` is immutable afterwards, which is what lets rendering
//! run in parallel without locks; between renders, `serve` may swap edited
//! pages in with `Site::relink`, which ends where `assemble` would.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Config, FieldType};
use crate::diagnostic::{Diagnostic, Loc, hint};
use crate::frontmatter::{FieldValue, RefValue};
use crate::markdown::{Body, LinkTarget};
use crate::pack::Packed;
use crate::page::{Page, Role};

/// Index of a page in `Site::pages`.
pub type PageId = usize;

/// The code of the warning about a page nothing links to and that links to
/// nothing.
pub const ORPHAN: &str = "orphan-page";

/// The field name used for references made by body links.
pub const BODY_FIELD: &str = "body";

/// A resolved body link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The page linked to.
    pub page: PageId,
    /// The heading anchor, checked to exist.
    pub anchor: Option<String>,
}

/// One edge of the typed graph.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    /// Referring page.
    pub source: PageId,
    /// Referred page.
    pub target: PageId,
    /// Front-matter field, or `body`. Shared, not copied: a large site has
    /// hundreds of thousands of edges and only a handful of field names.
    pub field: Arc<str>,
}

/// The assembled, immutable site.
#[derive(Debug)]
pub struct Site<'c> {
    /// The configuration it was built with.
    pub config: &'c Config,
    /// All pages, sorted by URL path. Shared (`Arc`) so that `serve` can
    /// keep unchanged pages between rebuilds without copying them.
    pub pages: Vec<Arc<Page>>,
    /// Per page, per link slot: the resolved target (`None` when broken).
    pub links: Vec<Vec<Option<Target>>>,
    /// Per page: resolved `ref`/`refs` fields, by field name.
    pub refs: Vec<BTreeMap<String, Vec<PageId>>>,
    /// All edges, sorted and without duplicates or self-loops.
    pub edges: Vec<Edge>,
    /// Per page: incoming edges as (source, field), sorted.
    pub incoming: Vec<Vec<(PageId, Arc<str>)>>,
}

impl<'c> Site<'c> {
    /// Drop the rendered bodies' HTML of every page this site alone holds
    /// (a build, once its pages are rendered). Pages shared with others
    /// (`serve` keeps them for the next rebuild) keep theirs.
    pub fn release_html(&mut self) {
        // Freeing is shared by the cores: 0.9 GB of HTML at 100,000 pages.
        self.pages.par_iter_mut().for_each(|page| {
            if let Some(page) = Arc::get_mut(page) {
                page.body.html = Packed::default();
            }
        });
    }

    /// Drop the site with every core freeing pages, rather than one (a
    /// build, once it is done with the site: at 100,000 pages freeing it
    /// on one thread took 0.3 s).
    pub fn free(self) {
        let Site {
            pages,
            links,
            refs,
            edges,
            incoming,
            ..
        } = self;
        rayon::join(
            || pages.into_par_iter().for_each(drop),
            || drop((links, refs, edges, incoming)),
        );
    }

    /// Take every page's plain text out of the site, `texts[id]` for page
    /// `id` (a build, once its pages are rendered: only the search index
    /// reads the text after that). Pages shared with others keep theirs
    /// and the text is copied.
    pub fn take_texts(&mut self) -> Vec<Packed> {
        self.pages
            .iter_mut()
            .map(|page| match Arc::get_mut(page) {
                Some(page) => std::mem::take(&mut page.body.text),
                None => page.body.text.clone(),
            })
            .collect()
    }

    /// Assemble pages into a site, checking everything that needs more than
    /// one page to see.
    pub fn assemble(config: &'c Config, mut pages: Vec<Arc<Page>>) -> (Site<'c>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        add_missing_index_pages(config, &mut pages);
        pages.sort_by(|a, b| (&a.path, &a.source).cmp(&(&b.path, &b.source)));
        let mut pages = drop_duplicates(config, pages, &mut diags);
        check_aliases(&mut pages, &mut diags);
        let index = Index::new(&pages);

        // Each page resolves on its own, so in parallel; the results are
        // joined in page order, which keeps the output deterministic.
        let body: Arc<str> = Arc::from(BODY_FIELD);
        let field_names = field_names(config);
        type Resolved = (
            BTreeMap<String, Vec<PageId>>,
            Vec<Option<Target>>,
            Vec<Edge>,
            Vec<Diagnostic>,
        );
        let resolved: Vec<Resolved> = pages
            .par_iter()
            .enumerate()
            .map(|(id, page)| {
                let mut diags = Vec::new();
                let page_refs = resolve_refs(config, &pages, &index, page, &mut diags);
                let page_links = resolve_links(config, &pages, &index, id, &mut diags);
                let edges = edges_of(id, &page_refs, &page_links, &field_names, &body);
                (page_refs, page_links, edges, diags)
            })
            .collect();
        let mut refs = Vec::with_capacity(pages.len());
        let mut links = Vec::with_capacity(pages.len());
        let mut edges = Vec::with_capacity(resolved.iter().map(|r| r.2.len()).sum());
        for (page_refs, page_links, mut page_edges, mut page_diags) in resolved {
            refs.push(page_refs);
            links.push(page_links);
            edges.append(&mut page_edges);
            diags.append(&mut page_diags);
        }
        edges.retain(|e| e.source != e.target);
        edges.par_sort_unstable();
        edges.dedup();
        let incoming = incoming(pages.len(), &edges);
        let site = Site {
            config,
            pages,
            links,
            refs,
            edges,
            incoming,
        };
        diags.extend(site.orphans());
        (site, diags)
    }

    /// Resolve the refs and links of pages `ids` again, after each was
    /// replaced by a version that every *other* page sees the same: the
    /// same source, kind, slug, path, title, summary, aliases and headings
    /// (what the lookup tables, the cross-page checks and the anchors of
    /// other pages' links read), only its fields and body changed. `serve`
    /// does this after an edit of a page's refs or links instead of
    /// assembling the whole site again; the site is then what `assemble`
    /// gives for the new pages.
    ///
    /// Returns the diagnostics of resolving `ids`. Those of other pages are
    /// unchanged from the last assembly, but for the orphan warnings
    /// ([`Site::orphans`]), which any change of edges may add or clear.
    pub fn relink(&mut self, ids: &[PageId]) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let Site {
            config,
            pages,
            links,
            refs,
            edges,
            incoming,
        } = self;
        let index = Index::new(pages);
        let body: Arc<str> = Arc::from(BODY_FIELD);
        let field_names = field_names(config);
        for &id in ids {
            let page_refs = resolve_refs(config, pages, &index, &pages[id], &mut diags);
            let page_links = resolve_links(config, pages, &index, id, &mut diags);
            let mut fresh = edges_of(id, &page_refs, &page_links, &field_names, &body);
            // As `assemble` treats the whole list.
            fresh.retain(|e| e.source != e.target);
            fresh.sort_unstable();
            fresh.dedup();
            // The edges are sorted by source: the page's own are a run.
            let from = edges.partition_point(|e| e.source < id);
            let to = edges.partition_point(|e| e.source <= id);
            let old: Vec<Edge> = edges.splice(from..to, fresh.iter().cloned()).collect();
            // Each incoming list is sorted by (source, field), as the
            // sorted edges bucketed by target give it.
            for e in &old {
                incoming[e.target].retain(|(s, _)| *s != id);
            }
            for e in &fresh {
                let list = &mut incoming[e.target];
                let at = list.partition_point(|(s, f)| (*s, &**f) < (id, &*e.field));
                list.insert(at, (id, Arc::clone(&e.field)));
            }
            refs[id] = page_refs;
            links[id] = page_links;
        }
        diags
    }

    /// A warning (code [`ORPHAN`]) for every page that refers to nothing
    /// and that nothing refers to.
    pub fn orphans(&self) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let mut outgoing = vec![false; self.pages.len()];
        for e in &self.edges {
            outgoing[e.source] = true;
        }
        for (id, page) in self.pages.iter().enumerate() {
            if page.role == Role::Page && self.incoming[id].is_empty() && !outgoing[id] {
                diags.push(Diagnostic::warning(
                    &page.source,
                    Loc::START,
                    ORPHAN,
                    format!("page `{}` is an orphan: nothing refers to it and it refers to nothing; link it from a related page or add a ref field", page.title),
                ));
            }
        }
        diags
    }

    /// The page with this URL path, if any.
    pub fn page_by_path(&self, path: &str) -> Option<PageId> {
        self.pages
            .binary_search_by(|p| p.path.as_str().cmp(path))
            .ok()
    }
}

/// The schema's field names, each shared by all the edges of its field
/// rather than allocated per page.
fn field_names(config: &Config) -> FxHashMap<&str, Arc<str>> {
    config
        .kinds
        .iter()
        .flat_map(|k| &k.fields)
        .map(|f| (f.name.as_str(), Arc::from(f.name.as_str())))
        .collect()
}

/// The edges of page `id`: one per resolved ref, by field, then one per
/// resolved body link (unsorted, possibly repeated).
fn edges_of(
    id: PageId,
    refs: &BTreeMap<String, Vec<PageId>>,
    links: &[Option<Target>],
    field_names: &FxHashMap<&str, Arc<str>>,
    body: &Arc<str>,
) -> Vec<Edge> {
    let mut edges = Vec::new();
    for (field, targets) in refs {
        let field: Arc<str> = field_names
            .get(field.as_str())
            .cloned()
            .unwrap_or_else(|| Arc::from(field.as_str()));
        edges.extend(targets.iter().map(|&t| Edge {
            source: id,
            target: t,
            field: Arc::clone(&field),
        }));
    }
    edges.extend(links.iter().flatten().map(|t| Edge {
        source: id,
        target: t.page,
        field: Arc::clone(body),
    }));
    edges
}

/// Per page, its incoming edges as (source, field), in edge order. The
/// edges are bucketed by target on one thread (numbers only), and the lists
/// are then made on all cores: one loop pushing every edge was a tenth of
/// assembling a large site, all on one core.
fn incoming(n: usize, edges: &[Edge]) -> Vec<Vec<(PageId, Arc<str>)>> {
    let mut start = vec![0usize; n + 1];
    for e in edges {
        start[e.target + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut by_target = vec![0usize; edges.len()];
    for (i, e) in edges.iter().enumerate() {
        by_target[next[e.target]] = i;
        next[e.target] += 1;
    }
    (0..n)
        .into_par_iter()
        .map(|t| {
            by_target[start[t]..start[t + 1]]
                .iter()
                .map(|&i| (edges[i].source, Arc::clone(&edges[i].field)))
                .collect()
        })
        .collect()
}

/// Every kind gets a section page and the site a home page, even without an
/// `_index.md`: section listings and groupings need somewhere to live.
fn add_missing_index_pages(config: &Config, pages: &mut Vec<Arc<Page>>) {
    let has = |pages: &[Arc<Page>], path: &str| {
        pages.iter().any(|p| p.role != Role::Page && p.path == path)
    };
    if !has(pages, "") {
        pages.push(Arc::new(synthetic(
            Role::Home,
            None,
            String::new(),
            config.title.clone(),
            "content/_index.md".into(),
        )));
    }
    for kind in &config.kinds {
        let path = format!("{}/", kind.section);
        if !has(pages, &path) {
            let source = format!("content/{}/_index.md", kind.section);
            pages.push(Arc::new(synthetic(
                Role::Section,
                Some(kind.name.clone()),
                path,
                kind.plural.clone(),
                source,
            )));
        }
    }
}

fn synthetic(
    role: Role,
    kind: Option<String>,
    path: String,
    title: String,
    source: String,
) -> Page {
    Page {
        source,
        role,
        kind,
        slug: String::new(),
        slug_loc: Loc::START,
        path,
        title,
        summary: String::new(),
        date: None,
        updated: None,
        draft: false,
        weight: 0,
        aliases: Vec::new(),
        fields: Vec::new(),
        body: Body::default(),
    }
}

/// Report duplicate slugs within a kind and pages that share a URL, at
/// every page involved; keep the first of each so later stages see unique
/// URLs.
fn drop_duplicates(
    config: &Config,
    pages: Vec<Arc<Page>>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Arc<Page>> {
    // Pages come sorted by path, so pages sharing one are neighbours.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut start = 0;
    for i in 1..=pages.len() {
        if pages.get(i).is_none_or(|p| p.path != pages[start].path) {
            if i - start > 1 {
                groups.push((start..i).collect());
            }
            start = i;
        }
    }
    let mut drop = vec![false; pages.len()];
    for ids in &groups {
        for &i in ids {
            let others: Vec<&str> = ids
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| pages[j].source.as_str())
                .collect();
            let p = &pages[i];
            let same_kind = ids
                .iter()
                .all(|&j| pages[j].kind == p.kind && pages[j].role == Role::Page);
            let (code, what) = if same_kind {
                let kind = p
                    .kind
                    .as_deref()
                    .and_then(|k| config.kind(k))
                    .map_or("page", |k| k.label.as_str());
                (
                    "duplicate-slug",
                    format!("slug `{}` is used by more than one {kind}", p.slug),
                )
            } else {
                (
                    "url-clash",
                    format!("URL /{} is produced by more than one page", p.path),
                )
            };
            diags.push(Diagnostic::error(
                &p.source,
                p.slug_loc,
                code,
                format!(
                    "{what} (also {}); give one of them another `slug:` or file name",
                    others.join(", ")
                ),
            ));
        }
        for &i in &ids[1..] {
            drop[i] = true;
        }
    }
    pages
        .into_iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(p, _)| p)
        .collect()
}

/// Report aliases that clash with a page URL or an earlier alias, and drop
/// them so no redirect overwrites a page.
fn check_aliases(pages: &mut [Arc<Page>], diags: &mut Vec<Diagnostic>) {
    let mut trimmed: Vec<(usize, Vec<(String, Loc)>)> = Vec::new();
    {
        let mut seen: FxHashMap<&str, &str> = pages
            .iter()
            .map(|p| (p.path.as_str(), p.source.as_str()))
            .collect();
        for (i, p) in pages.iter().enumerate() {
            let mut kept = Vec::with_capacity(p.aliases.len());
            for (alias, loc) in &p.aliases {
                if let Some(other) = seen.get(alias.as_str()) {
                    diags.push(Diagnostic::error(
                        &p.source,
                        *loc,
                        "url-clash",
                        format!("alias `/{alias}` clashes with the URL of {other}; remove the alias or move the other page"),
                    ));
                } else {
                    seen.insert(alias, &p.source);
                    kept.push((alias.clone(), *loc));
                }
            }
            if kept.len() != p.aliases.len() {
                trimmed.push((i, kept));
            }
        }
    }
    // Copy-on-write: a page shared with `serve`'s cache is copied only
    // when an alias is actually dropped.
    for (i, kept) in trimmed {
        Arc::make_mut(&mut pages[i]).aliases = kept;
    }
}

/// Lookup tables built once per assembly. Fx hashing: `serve` rebuilds
/// them on every structural edit, nothing iterates them in hash order
/// (`slugs_of_kind` sorts), and keys are paths and slugs from the site.
struct Index<'p> {
    /// (kind or "" for root pages, slug) → page.
    by_kind_slug: FxHashMap<(&'p str, &'p str), PageId>,
    /// slug → pages of any kind.
    by_slug: FxHashMap<&'p str, Vec<PageId>>,
    /// source path → page.
    by_source: FxHashMap<&'p str, PageId>,
    /// section folder → section page.
    by_section: FxHashMap<&'p str, PageId>,
}

impl<'p> Index<'p> {
    fn new(pages: &'p [Arc<Page>]) -> Self {
        // Two halves built side by side: on a large site these tables are
        // a good part of what `serve` redoes after a structural edit.
        let ((by_kind_slug, by_slug), (by_source, by_section)) = rayon::join(
            || {
                let mut by_kind_slug =
                    FxHashMap::with_capacity_and_hasher(pages.len(), Default::default());
                let mut by_slug: FxHashMap<&str, Vec<PageId>> =
                    FxHashMap::with_capacity_and_hasher(pages.len(), Default::default());
                for (id, p) in pages.iter().enumerate() {
                    if p.role == Role::Page {
                        by_kind_slug.insert((p.kind.as_deref().unwrap_or(""), p.slug.as_str()), id);
                        by_slug.entry(&p.slug).or_default().push(id);
                    }
                }
                (by_kind_slug, by_slug)
            },
            || {
                let mut by_source =
                    FxHashMap::with_capacity_and_hasher(pages.len(), Default::default());
                let mut by_section = FxHashMap::default();
                for (id, p) in pages.iter().enumerate() {
                    by_source.insert(p.source.as_str(), id);
                    if p.role == Role::Section {
                        by_section.insert(p.path.trim_end_matches('/'), id);
                    }
                }
                (by_source, by_section)
            },
        );
        Index {
            by_kind_slug,
            by_slug,
            by_source,
            by_section,
        }
    }

    fn slugs_of_kind(&self, kind: &str) -> Vec<&'p str> {
        let mut v: Vec<&str> = self
            .by_kind_slug
            .keys()
            .filter(|(k, _)| *k == kind)
            .map(|(_, s)| *s)
            .collect();
        v.sort_unstable();
        v
    }
}

fn resolve_refs(
    config: &Config,
    pages: &[Arc<Page>],
    index: &Index<'_>,
    page: &Page,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Vec<PageId>> {
    let mut out = BTreeMap::new();
    let Some(kind) = page.kind.as_deref().and_then(|k| config.kind(k)) else {
        return out;
    };
    for (name, value) in &page.fields {
        let (FieldValue::Refs(values), Some(field)) =
            (value, kind.fields.iter().find(|f| &f.name == name))
        else {
            continue;
        };
        let Some(target_kind) = field.ty.target() else {
            continue;
        };
        let mut targets = Vec::new();
        for RefValue { slug, loc } in values {
            if let Some(&id) = index.by_kind_slug.get(&(target_kind, slug.as_str())) {
                if !targets.contains(&id) {
                    targets.push(id);
                }
                continue;
            }
            let target_label = config
                .kind(target_kind)
                .map_or(target_kind, |k| k.label.as_str());
            let elsewhere: Vec<String> = index
                .by_slug
                .get(slug.as_str())
                .map(|ids| {
                    ids.iter()
                        .map(|&i| pages[i].kind.clone().unwrap_or_else(|| "page".into()))
                        .collect()
                })
                .unwrap_or_default();
            let msg = if elsewhere.is_empty() {
                format!(
                    "`{name}` refers to `{slug}`, but there is no {target_label} with that slug{}; create content/{}/{slug}.md or fix the slug",
                    hint(slug, index.slugs_of_kind(target_kind)),
                    config
                        .kind(target_kind)
                        .map_or(target_kind, |k| k.section.as_str())
                )
            } else {
                format!(
                    "`{name}` must refer to a {target_label} (kind `{target_kind}`), but `{slug}` is a page of kind `{}`",
                    elsewhere.join("`, `")
                )
            };
            let code = if elsewhere.is_empty() {
                "missing-ref"
            } else {
                "wrong-kind-ref"
            };
            diags.push(Diagnostic::error(&page.source, *loc, code, msg));
        }
        out.insert(name.clone(), targets);
    }
    // Keep the schema's type information honest: a `ref` field holds one value.
    debug_assert!(kind.fields.iter().all(
        |f| !matches!(f.ty, FieldType::Ref(_)) || out.get(&f.name).is_none_or(|v| v.len() <= 1)
    ));
    out
}

fn resolve_links(
    config: &Config,
    pages: &[Arc<Page>],
    index: &Index<'_>,
    id: PageId,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Option<Target>> {
    let page = &pages[id];
    let mut out = Vec::with_capacity(page.body.links.len());
    for link in &page.body.links {
        let found = match &link.target {
            LinkTarget::SamePage => Ok(id),
            LinkTarget::Wiki { section, slug } => resolve_wiki(config, pages, index, section.as_deref(), slug),
            LinkTarget::File(Ok(path)) => index
                .by_source
                .get(path.as_str())
                .copied()
                .ok_or_else(|| ("broken-link", format!("link `{}` points to {path}, which does not exist; fix the path or create the file", link.written))),
            LinkTarget::File(Err(path)) => Err(("broken-link", format!("link `{path}` leaves the content folder; link to a page inside content/"))),
        };
        let target = match found {
            Ok(t) => t,
            Err((code, msg)) => {
                diags.push(Diagnostic::error(&page.source, link.loc, code, msg));
                out.push(None);
                continue;
            }
        };
        if let Some(anchor) = &link.anchor {
            let headings = &pages[target].body.headings;
            if !anchor.is_empty() && !headings.iter().any(|h| &h.id == anchor) {
                diags.push(Diagnostic::error(
                    &page.source,
                    link.loc,
                    "missing-anchor",
                    format!(
                        "link `{}`: page `{}` has no heading with id `#{anchor}`{}",
                        link.written,
                        pages[target].title,
                        hint(anchor, headings.iter().map(|h| h.id.as_str()))
                    ),
                ));
                out.push(None);
                continue;
            }
        }
        out.push(Some(Target {
            page: target,
            anchor: link.anchor.clone().filter(|a| !a.is_empty()),
        }));
    }
    out
}

type LinkError = (&'static str, String);

fn resolve_wiki(
    config: &Config,
    pages: &[Arc<Page>],
    index: &Index<'_>,
    section: Option<&str>,
    slug: &str,
) -> Result<PageId, LinkError> {
    let shown =
        |s: Option<&str>| s.map_or_else(|| format!("[[{slug}]]"), |s| format!("[[{s}/{slug}]]"));
    if let Some(section) = section {
        let kind = config.kind_by_section(section).ok_or_else(|| {
            (
                "broken-link",
                format!(
                    "{}: there is no section `{section}`{}",
                    shown(Some(section)),
                    hint(section, config.kinds.iter().map(|k| k.section.as_str()))
                ),
            )
        })?;
        return index
            .by_kind_slug
            .get(&(kind.name.as_str(), slug))
            .copied()
            .ok_or_else(|| {
                (
                    "broken-link",
                    format!(
                        "{}: no {} has slug `{slug}`{}",
                        shown(Some(section)),
                        kind.label,
                        hint(slug, index.slugs_of_kind(&kind.name))
                    ),
                )
            });
    }
    match index.by_slug.get(slug).map(Vec::as_slice) {
        Some([one]) => Ok(*one),
        Some(many) => {
            let names: Vec<String> = many
                .iter()
                .map(|&i| format!("[[{}]]", pages[i].path.trim_end_matches('/')))
                .collect();
            Err((
                "ambiguous-link",
                format!(
                    "[[{slug}]] is ambiguous: it matches {}; write one of those instead",
                    names.join(" and ")
                ),
            ))
        }
        None => {
            if let Some(&sec) = index.by_section.get(slug) {
                return Ok(sec);
            }
            let mut all: Vec<&str> = index.by_slug.keys().copied().collect();
            all.sort_unstable();
            Err((
                "broken-link",
                format!(
                    "{}: no page has slug `{slug}`{}",
                    shown(None),
                    hint(slug, all)
                ),
            ))
        }
    }
}
