//! HTML rendering with tera: `Site` in, HTML `OutputFile`s out.
//!
//! This is the only module that knows tera. Templates get small view
//! structs, never the `Site` itself: every value that reaches a template is a
//! plain string or list, already made safe where it is marked as HTML
//! (rendered Markdown, JSON-LD). Everything else is escaped by tera's
//! autoescaping. Pages render in parallel; a template failure on one page is
//! a diagnostic for that page, not a crash.
//!
//! While a site's templates are exactly the built-in ones, content pages
//! skip tera: `native` writes the same bytes from the same views, several
//! times faster. Changing any template switches every page back to tera.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::build::{OutputFile, Sink, collect};
use crate::config::{FieldType, Kind};
use crate::diagnostic::{Diagnostic, Loc};
use crate::error::Error;
use crate::frontmatter::FieldValue;
use crate::markdown::{escape_html, escape_html_into, fill_slots};
use crate::overview;
use crate::page::{Page, Role};
use crate::site::{BODY_FIELD, PageId, Site};
use crate::theme::Theme;
use crate::yaml::{self, Value};

mod native;

/// Compiled templates and UI strings; built once per theme.
pub struct Renderer {
    tera: Tera,
    /// The theme's templates are the built-in ones, so content pages may
    /// render through `native` instead of tera.
    native: bool,
    strings: BTreeMap<String, String>,
    statics: Vec<OutputFile>,
}

impl Renderer {
    /// Compile the theme's templates and load the UI strings for `language`.
    pub fn new(theme: &Theme, language: &str) -> Result<Renderer, Error> {
        if let Some(p) = theme.problems.first() {
            return Err(Error::Template {
                name: "theme".into(),
                message: p.clone(),
            });
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's own escaper also encodes `/`, which mangles every URL in an
        // attribute; ours escapes exactly what HTML needs in text and quoted
        // attributes.
        tera.set_escape_fn(escape_html);
        let templates: Vec<(&str, &str)> = theme
            .templates
            .iter()
            .filter(|(n, _)| n.ends_with(".html"))
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        tera.add_raw_templates(templates)
            .map_err(|e| Error::Template {
                name: template_name(&e),
                message: error_chain(&e),
            })?;
        for required in [
            "base.html",
            "home.html",
            "section.html",
            "page.html",
            "404.html",
        ] {
            if !tera.get_template_names().any(|n| n == required) {
                return Err(Error::Template {
                    name: required.into(),
                    message: "the theme has no such template".into(),
                });
            }
        }
        let mut strings = parse_strings(theme, "nl")?;
        if language != "nl" {
            strings.extend(parse_strings(theme, language)?);
        }
        let statics = theme
            .statics
            .iter()
            .map(|(p, b)| OutputFile {
                path: p.clone(),
                bytes: b.clone(),
            })
            .collect();
        let native = native::available(theme.templates_are_default(), &strings);
        Ok(Renderer {
            tera,
            native,
            strings,
            statics,
        })
    }

    /// The theme's static files, to be copied to the output root.
    pub fn static_files(&self) -> Vec<OutputFile> {
        self.statics.clone()
    }

    /// The UI string `key` (or the key itself when missing).
    pub fn string<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map_or(key, String::as_str)
    }

    /// Render every page plus the pages that come from no content file.
    pub fn render(&self, site: &Site<'_>) -> (Vec<OutputFile>, Vec<Diagnostic>) {
        let (files, diags) = collect(|sink| self.render_each(site, sink).unwrap_or_default());
        (files, diags)
    }

    /// `render`, handing each file to `emit` as soon as it is rendered
    /// (from several threads) instead of keeping them all: a large site's
    /// HTML never has to fit in memory at once. Stops at the first error
    /// `emit` returns.
    pub fn render_each(&self, site: &Site<'_>, emit: &Sink<'_>) -> Result<Vec<Diagnostic>, Error> {
        let globals = Globals::new(site, &self.strings, None);
        // The generated pages (a few, some large, each on one thread) are
        // rendered beside the content pages rather than after them, so no
        // core waits while one renders the overview.
        let (results, rest) = rayon::join(
            || {
                (0..site.pages.len())
                    .into_par_iter()
                    .map(|id| match self.render_page(site, &globals, id) {
                        Ok(f) => emit(f).map(|()| None),
                        Err(d) => Ok(Some(d)),
                    })
                    .collect::<Vec<Result<Option<Diagnostic>, Error>>>()
            },
            || {
                let (mut files, mut diags) = (Vec::new(), Vec::new());
                self.rest_with(site, &globals, &mut files, &mut diags);
                files.into_iter().try_for_each(emit).map(|()| diags)
            },
        );
        let mut diags = Vec::new();
        for r in results {
            diags.extend(r?);
        }
        diags.extend(rest?);
        Ok(diags)
    }

    /// Render only the pages `ids`, in that order: for each exactly what
    /// `render` gives. `serve`'s incremental rebuild (`incremental`) uses
    /// this to redo just the pages an edit reaches.
    pub fn render_pages(
        &self,
        site: &Site<'_>,
        ids: &[PageId],
    ) -> Vec<Result<OutputFile, Diagnostic>> {
        self.pages_with(site, &Globals::new(site, &self.strings, None), ids)
    }

    /// What every page of `site` shares when rendered (navigation, the
    /// indexes behind related pages), computed once.
    pub fn shared(&self, site: &Site<'_>) -> Shared {
        Shared(Globals::new(site, &self.strings, None))
    }

    /// [`Renderer::shared`] for a new version of the site whose previous
    /// version had `previous`: parts that did not change are reused.
    pub fn shared_after(&self, site: &Site<'_>, previous: Option<&Shared>) -> Shared {
        Shared(Globals::new(site, &self.strings, previous.map(|p| &p.0)))
    }

    /// `render_pages` with `shared` from [`Renderer::shared`] for this
    /// site, or for one that differs only in page bodies (which nothing
    /// shared depends on): `serve` keeps it between body-only edits.
    pub fn render_pages_shared(
        &self,
        site: &Site<'_>,
        shared: &Shared,
        ids: &[PageId],
    ) -> Vec<Result<OutputFile, Diagnostic>> {
        self.pages_with(site, &shared.0, ids)
    }

    /// Render what `render` adds to the content pages: the generated pages
    /// and `404.html`.
    pub fn render_rest(&self, site: &Site<'_>) -> (Vec<OutputFile>, Vec<Diagnostic>) {
        let globals = Globals::new(site, &self.strings, None);
        let (mut files, mut diags) = (Vec::new(), Vec::new());
        self.rest_with(site, &globals, &mut files, &mut diags);
        (files, diags)
    }

    fn pages_with(
        &self,
        site: &Site<'_>,
        globals: &Globals,
        ids: &[PageId],
    ) -> Vec<Result<OutputFile, Diagnostic>> {
        ids.par_iter()
            .map(|&id| self.render_page(site, globals, id))
            .collect()
    }

    fn rest_with(
        &self,
        site: &Site<'_>,
        globals: &Globals,
        files: &mut Vec<OutputFile>,
        diags: &mut Vec<Diagnostic>,
    ) {
        self.render_generated(site, globals, files, diags);
        let mut ctx = globals.context();
        ctx.insert("page", &PageView::not_found(&self.strings));
        match self.tera.render("404.html", &ctx) {
            Ok(html) => files.push(OutputFile {
                path: "404.html".into(),
                bytes: html.into_bytes(),
            }),
            Err(e) => diags.push(Diagnostic::error(
                "templates/404.html",
                Loc::START,
                "template",
                error_chain(&e),
            )),
        }
    }

    fn render_page(
        &self,
        site: &Site<'_>,
        globals: &Globals,
        id: PageId,
    ) -> Result<OutputFile, Diagnostic> {
        let page = &site.pages[id];
        let kind = page.kind.as_deref().and_then(|k| site.config.kind(k));
        let view = PageView::new(site, id, &self.strings, &globals.index);
        let (template, extra) = match page.role {
            Role::Home => ("home.html".to_string(), Extra::Home(section_cards(site))),
            Role::Section => {
                let kind = kind.map(|k| k.name.as_str()).unwrap_or_default();
                let tiles = (kind == overview::SDG_KIND).then(|| overview::sdg_tiles(site));
                (
                    self.pick(&format!("section-{kind}.html"), "section.html"),
                    Extra::Section(SectionView::new(site, &globals.index, kind), tiles),
                )
            }
            Role::Page => (
                self.pick(
                    &format!("{}.html", kind.map_or("page", |k| k.name.as_str())),
                    "page.html",
                ),
                Extra::None,
            ),
        };
        let path = || format!("{}index.html", page.path);
        if let Some(native) = native::Template::named(&template).filter(|_| self.native) {
            let extra = match &extra {
                Extra::None => native::Extra::None,
                Extra::Home(cards) => native::Extra::Home(cards),
                Extra::Section(section, tiles) => native::Extra::Section(section, tiles.as_deref()),
            };
            let html =
                native::Native::new(&self.strings).render(native, &globals.site, &view, &extra);
            if let Some(html) = html {
                return Ok(OutputFile {
                    path: path(),
                    bytes: html.into_bytes(),
                });
            }
        }
        let mut ctx = globals.context();
        ctx.insert("page", &view);
        match &extra {
            Extra::None => {}
            Extra::Home(cards) => ctx.insert("sections", cards),
            Extra::Section(section, tiles) => {
                ctx.insert("section", section);
                if let Some(tiles) = tiles {
                    ctx.insert("tiles", tiles);
                }
            }
        }
        match self.tera.render(&template, &ctx) {
            Ok(html) => Ok(OutputFile {
                path: path(),
                bytes: html.into_bytes(),
            }),
            Err(e) => Err(Diagnostic::error(
                &page.source,
                Loc::START,
                "template",
                format!(
                    "template {template} failed for this page: {}",
                    error_chain(&e)
                ),
            )),
        }
    }

    /// Render the search page (`zoeken/index.html`, template `search.html`)
    /// with the global context; a template failure becomes a diagnostic.
    pub fn search_page(&self, site: &Site<'_>, diags: &mut Vec<Diagnostic>) -> Option<OutputFile> {
        let path = "zoeken/";
        let mut view = PageView::not_found(&self.strings);
        view.title = self.string("search_title").to_string();
        view.role = "search";
        view.url = url(site, path);
        view.permalink = permalink(site, path);
        // Not `Globals`: the search page needs no related-pages index,
        // which takes a while to build on a large site.
        let strings = serde_json::to_value(&self.strings).unwrap_or_default();
        let mut ctx = context_of(&SiteView::new(site), &strings);
        ctx.insert("page", &view);
        match self.tera.render("search.html", &ctx) {
            Ok(html) => Some(OutputFile {
                path: format!("{path}index.html"),
                bytes: html.into_bytes(),
            }),
            Err(e) => {
                let msg = error_chain(&e);
                diags.push(Diagnostic::error(
                    "templates/search.html",
                    Loc::START,
                    "template",
                    msg,
                ));
                None
            }
        }
    }

    /// Pages that come from no content file: the overview with its
    /// matrices, each leerlijn's course pack, and the stylesheet of content
    /// colours. They live in `overview`; this only renders them.
    fn render_generated(
        &self,
        site: &Site<'_>,
        globals: &Globals,
        files: &mut Vec<OutputFile>,
        diags: &mut Vec<Diagnostic>,
    ) {
        files.push(OutputFile {
            path: overview::SITE_CSS.into(),
            bytes: overview::colour_css(site).into_bytes(),
        });
        let mut jobs: Vec<(String, &str, PageView, Context)> = Vec::new();
        if let Some(path) = overview_path(site) {
            let mut view = PageView::not_found(&self.strings);
            view.title = self.string("overview_title").to_string();
            view.summary = self.string("overview_summary").to_string();
            view.role = "page";
            view.url = url(site, &path);
            view.permalink = permalink(site, &path);
            if let Some(home) = site.page_by_path("") {
                view.updated = overview::updated(site, home).unwrap_or_default();
                view.updated_text = overview::human_date(&view.updated, &self.strings);
            }
            let overview = overview::overview(site, &self.strings);
            match overview.as_ref().filter(|_| self.native) {
                Some(o) => files.push(OutputFile {
                    path: format!("{path}index.html"),
                    bytes: native::Native::new(&self.strings)
                        .overview(&globals.site, &view, o)
                        .into_bytes(),
                }),
                None => {
                    let mut ctx = globals.context();
                    ctx.insert("overview", &overview);
                    jobs.push((path, "overzicht.html", view, ctx));
                }
            }
        }
        for id in 0..site.pages.len() {
            if let Some(pack) = overview::course_pack(site, id, &self.strings) {
                let mut view = PageView::new(site, id, &self.strings, &globals.index);
                view.title = pack.title;
                view.url = url(site, &pack.path);
                view.permalink = permalink(site, &pack.path);
                // The structured data describes the leerlijn, at its own URL.
                view.jsonld = String::new();
                jobs.push((pack.path, "cursusmap.html", view, globals.context()));
            }
        }
        for (path, template, view, mut ctx) in jobs {
            ctx.insert("page", &view);
            match self.tera.render(template, &ctx) {
                Ok(html) => files.push(OutputFile {
                    path: format!("{path}index.html"),
                    bytes: html.into_bytes(),
                }),
                Err(e) => diags.push(Diagnostic::error(
                    &format!("templates/{template}"),
                    Loc::START,
                    "template",
                    error_chain(&e),
                )),
            }
        }
    }

    fn pick(&self, specific: &str, fallback: &str) -> String {
        if self.tera.get_template_names().any(|n| n == specific) {
            specific.to_string()
        } else {
            fallback.to_string()
        }
    }
}

fn template_name(e: &tera::Error) -> String {
    // Tera puts the template name in the top-level message.
    let msg = e.to_string();
    msg.split('\'').nth(1).unwrap_or("template").to_string()
}

fn error_chain(e: &tera::Error) -> String {
    crate::error::chain(e)
}

fn parse_strings(theme: &Theme, lang: &str) -> Result<BTreeMap<String, String>, Error> {
    let name = format!("i18n/{lang}.yaml");
    let Some(text) = theme.i18n.get(lang) else {
        return Err(Error::Template {
            name,
            message: format!("the theme has no UI strings for language `{lang}`"),
        });
    };
    let root = yaml::parse(text, 0).map_err(|e| Error::Template {
        name: name.clone(),
        message: format!("{}:{}: {}", e.loc.line, e.loc.col, e.message),
    })?;
    let mut out = BTreeMap::new();
    if let Some(yaml::Node {
        value: Value::Map(entries),
        ..
    }) = root
    {
        for (k, v) in entries {
            if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
                out.insert(k.to_string(), v.to_string());
            }
        }
    }
    Ok(out)
}

/// What a page's template gets besides the page, by role.
enum Extra<'s> {
    None,
    Home(Vec<SectionCard>),
    Section(SectionView<'s>, Option<Vec<overview::Tile>>),
}

/// What every page of one site shares when rendered; see
/// [`Renderer::shared`].
pub struct Shared(Globals);

/// Values shared by every page of one render.
struct Globals {
    site: SiteView,
    strings: tera::Value,
    index: overview::Index,
}

impl Globals {
    fn new(
        site: &Site<'_>,
        strings: &BTreeMap<String, String>,
        previous: Option<&Globals>,
    ) -> Self {
        Globals {
            site: SiteView::new(site),
            strings: serde_json::to_value(strings).unwrap_or_default(),
            index: overview::Index::new(site, previous.map(|p| &p.index)),
        }
    }

    fn context(&self) -> Context {
        context_of(&self.site, &self.strings)
    }
}

/// The context every template gets: the site and the UI strings.
fn context_of(site: &SiteView, strings: &serde_json::Value) -> Context {
    let mut ctx = Context::new();
    ctx.insert("site", site);
    ctx.insert("t", strings);
    ctx
}

impl SiteView {
    fn new(site: &Site<'_>) -> SiteView {
        let c = site.config;
        let sections = c
            .kinds
            .iter()
            .filter_map(|k| {
                site.page_by_path(&format!("{}/", k.section))
                    .map(|id| NavItem {
                        title: site.pages[id].title.clone(),
                        url: url(site, &site.pages[id].path),
                        kind: k.name.clone(),
                    })
            })
            .collect();
        SiteView {
            title: c.title.clone(),
            description: c.description.clone(),
            base_url: c.base_url.clone(),
            base_path: c.base_path.clone(),
            language: c.language.clone(),
            sections,
            overview_url: overview_path(site).map_or_else(String::new, |p| url(site, &p)),
        }
    }
}

/// Root-relative URL of a path below the base path.
pub fn url(site: &Site<'_>, path: &str) -> String {
    // Not `format!`: pages make dozens of links each, and the formatting
    // machinery cost more than the copying.
    [site.config.base_path.as_str(), path].concat()
}

/// Absolute URL of a path below the base path.
pub fn permalink(site: &Site<'_>, path: &str) -> String {
    if site.config.base_url.starts_with("http") {
        [site.config.base_url.as_str(), path].concat()
    } else {
        url(site, path)
    }
}

#[derive(Serialize)]
struct SiteView {
    title: String,
    description: String,
    base_url: String,
    base_path: String,
    language: String,
    sections: Vec<NavItem>,
    overview_url: String,
}

#[derive(Serialize)]
struct NavItem {
    title: String,
    url: String,
    kind: String,
}

/// A link to a page with what a list needs to show. The texts are borrowed
/// from the site: a hub page lists thousands of backlinks, and copying
/// each one's summary was about 1.7 % of a 10k build's CPU.
#[derive(Serialize, Clone)]
struct PageLink<'s> {
    title: &'s str,
    url: String,
    summary: &'s str,
    kind_label: &'s str,
}

impl<'s> PageLink<'s> {
    fn new(site: &'s Site<'_>, id: PageId) -> Self {
        let p = &site.pages[id];
        PageLink {
            title: &p.title,
            url: url(site, &p.path),
            summary: &p.summary,
            kind_label: kind_of(site, p).map_or("", |k| k.label.as_str()),
        }
    }
}

fn kind_of<'c>(site: &Site<'c>, page: &Page) -> Option<&'c Kind> {
    page.kind.as_deref().and_then(|k| site.config.kind(k))
}

#[derive(Serialize)]
struct FieldView<'s> {
    name: String,
    label: String,
    #[serde(rename = "type")]
    ty: &'static str,
    text: String,
    html: String,
    items: Vec<String>,
    links: Vec<PageLink<'s>>,
}

#[derive(Serialize)]
struct BacklinkGroup<'s> {
    kind: String,
    kind_label: String,
    field: String,
    field_label: String,
    pages: Vec<PageLink<'s>>,
}

#[derive(Serialize)]
struct HeadingView {
    level: u8,
    id: String,
    text: String,
}

#[derive(Serialize)]
struct PageView<'s> {
    title: String,
    summary: String,
    url: String,
    permalink: String,
    role: &'static str,
    kind: String,
    kind_label: String,
    section_title: String,
    section_url: String,
    date: String,
    updated: String,
    content: String,
    headings: Vec<HeadingView>,
    fields: Vec<FieldView<'s>>,
    backlinks: Vec<BacklinkGroup<'s>>,
    jsonld: String,
    source: String,
    updated_text: String,
    related: Vec<overview::Related>,
    graph: Option<overview::Neighbourhood>,
    citation: Option<overview::Citation>,
    leerlijn: Option<overview::Leerlijn>,
}

impl<'s> PageView<'s> {
    fn new(
        site: &'s Site<'_>,
        id: PageId,
        strings: &BTreeMap<String, String>,
        index: &overview::Index,
    ) -> Self {
        let page = &site.pages[id];
        let kind = kind_of(site, page);
        let section = kind.and_then(|k| site.page_by_path(&format!("{}/", k.section)));
        let leerlijn = overview::leerlijn(site, id);
        let content = match &leerlijn {
            Some(l) => l.content.clone(),
            None => fill_links(site, id, &page.body.html.unpack()),
        };
        let updated = overview::updated(site, id);
        let role = match page.role {
            Role::Home => "home",
            Role::Section => "section",
            Role::Page => "page",
        };
        PageView {
            title: page.title.clone(),
            summary: page.summary.clone(),
            url: url(site, &page.path),
            permalink: permalink(site, &page.path),
            role,
            kind: page.kind.clone().unwrap_or_default(),
            kind_label: kind.map_or_else(String::new, |k| k.label.clone()),
            section_title: section.map_or_else(String::new, |s| site.pages[s].title.clone()),
            section_url: section.map_or_else(String::new, |s| url(site, &site.pages[s].path)),
            date: page.date.clone().unwrap_or_default(),
            updated: updated.clone().unwrap_or_default(),
            content,
            headings: page
                .body
                .headings
                .iter()
                .map(|h| HeadingView {
                    level: h.level,
                    id: h.id.clone(),
                    text: h.text.clone(),
                })
                .collect(),
            fields: field_views(site, id),
            backlinks: backlink_groups(site, index, id, strings),
            jsonld: json_ld(site, page),
            source: page.source.clone(),
            updated_text: updated
                .as_deref()
                .map_or_else(String::new, |d| overview::human_date(d, strings)),
            related: overview::related(site, index, id),
            graph: overview::neighbourhood(site, index, id, strings),
            citation: Some(overview::citation(site, id, strings)),
            leerlijn,
        }
    }

    fn not_found(strings: &BTreeMap<String, String>) -> Self {
        let title = strings
            .get("not_found_title")
            .cloned()
            .unwrap_or_else(|| "404".into());
        PageView {
            title,
            summary: String::new(),
            url: String::new(),
            permalink: String::new(),
            role: "404",
            kind: String::new(),
            kind_label: String::new(),
            section_title: String::new(),
            section_url: String::new(),
            date: String::new(),
            updated: String::new(),
            content: String::new(),
            headings: Vec::new(),
            fields: Vec::new(),
            backlinks: Vec::new(),
            jsonld: String::new(),
            source: String::new(),
            updated_text: String::new(),
            related: Vec::new(),
            graph: None,
            citation: None,
            leerlijn: None,
        }
    }
}

/// The body HTML of page `id` with its link slots filled: URLs (same-page
/// anchors stay `#a`) and, for `[[slug]]` links without a label, titles.
pub fn fill_links(site: &Site<'_>, id: PageId, html: &str) -> String {
    let links = &site.links[id];
    fill_slots(
        html,
        |n, out| match links.get(n).and_then(Option::as_ref) {
            Some(t) => {
                // Escaping is per byte, so the parts are escaped one by one
                // instead of being joined first.
                if t.page != id || t.anchor.is_none() {
                    escape_html_into(out, &site.config.base_path);
                    escape_html_into(out, &site.pages[t.page].path);
                }
                if let Some(a) = &t.anchor {
                    out.push('#');
                    escape_html_into(out, a);
                }
            }
            None => out.push('#'),
        },
        |n, out| {
            if let Some(t) = links.get(n).and_then(Option::as_ref) {
                escape_html_into(out, &site.pages[t.page].title);
            }
        },
    )
}

/// The overview page's path, unless the site has nothing to show there or
/// a content page already uses that path.
fn overview_path(site: &Site<'_>) -> Option<String> {
    let free = site.page_by_path(overview::OVERVIEW_PATH).is_none();
    (free && overview::has_overview(site)).then(|| overview::OVERVIEW_PATH.to_string())
}

fn field_views<'s>(site: &'s Site<'_>, id: PageId) -> Vec<FieldView<'s>> {
    let page = &site.pages[id];
    let Some(kind) = kind_of(site, page) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for field in &kind.fields {
        let Some((_, value)) = page.fields.iter().find(|(n, _)| n == &field.name) else {
            continue;
        };
        let mut v = FieldView {
            name: field.name.clone(),
            label: field.label.clone(),
            ty: "text",
            text: String::new(),
            html: String::new(),
            items: Vec::new(),
            links: Vec::new(),
        };
        match value {
            FieldValue::Text(s) | FieldValue::Date(s) | FieldValue::Enum(s) => v.text = s.clone(),
            FieldValue::Int(n) => v.text = n.to_string(),
            FieldValue::Bool(b) => v.text = b.to_string(),
            FieldValue::Url(s) => {
                v.ty = "url";
                v.text = s.clone();
            }
            FieldValue::Html(h) => {
                v.ty = "html";
                v.html = h.clone();
            }
            FieldValue::List(items) => {
                v.ty = "list";
                v.items = items.clone();
            }
            FieldValue::Refs(_) => {
                v.ty = "links";
                let targets = site.refs[id].get(&field.name).cloned().unwrap_or_default();
                v.links = targets
                    .into_iter()
                    .map(|t| PageLink::new(site, t))
                    .collect();
                if v.links.is_empty() {
                    continue;
                }
            }
        }
        out.push(v);
    }
    out
}

/// Incoming references grouped by referring kind and field: kinds in schema
/// order, fields in schema order, body links last.
fn backlink_groups<'s>(
    site: &'s Site<'_>,
    index: &overview::Index,
    id: PageId,
    strings: &BTreeMap<String, String>,
) -> Vec<BacklinkGroup<'s>> {
    // The sources per (kind, field) first; labels are then made once per
    // group, not once per backlink (a niveau page has thousands).
    let mut sources: BTreeMap<(usize, usize), (&str, Vec<PageId>)> = BTreeMap::new();
    for (source, field) in &site.incoming[id] {
        let src = &site.pages[*source];
        let kind_idx = src
            .kind
            .as_deref()
            .and_then(|k| site.config.kinds.iter().position(|x| x.name == k))
            .unwrap_or(usize::MAX);
        let field_idx = if &**field == BODY_FIELD {
            usize::MAX
        } else {
            kind_of(site, src)
                .and_then(|k| k.fields.iter().position(|f| *f.name == **field))
                .unwrap_or(usize::MAX - 1)
        };
        sources
            .entry((kind_idx, field_idx))
            .or_insert_with(|| (field, Vec::new()))
            .1
            .push(*source);
    }
    sources
        .into_values()
        .map(|(field, mut ids)| {
            let src = &site.pages[ids[0]];
            let kind = kind_of(site, src);
            let field_label = if field == BODY_FIELD {
                strings
                    .get("backlinks_body")
                    .cloned()
                    .unwrap_or_else(|| "tekst".into())
            } else {
                kind.and_then(|k| k.fields.iter().find(|f| *f.name == *field))
                    .map_or_else(|| field.to_string(), |f| f.label.clone())
            };
            // Natural title order, then URL (the same order as the path):
            // by each page's place, not by comparing titles.
            ids.sort_by(|&a, &b| {
                index
                    .title_place(a)
                    .cmp(&index.title_place(b))
                    .then_with(|| site.pages[a].path.cmp(&site.pages[b].path))
            });
            BacklinkGroup {
                kind: src.kind.clone().unwrap_or_default(),
                kind_label: kind.map_or_else(
                    || {
                        strings
                            .get("pages")
                            .cloned()
                            .unwrap_or_else(|| "Pagina's".into())
                    },
                    |k| k.plural.clone(),
                ),
                field: field.to_string(),
                field_label,
                pages: ids.iter().map(|&q| PageLink::new(site, q)).collect(),
            }
        })
        .collect()
}

fn json_ld(site: &Site<'_>, page: &Page) -> String {
    // Begrippen are a glossary: each term a `DefinedTerm` in the set that
    // their section page is (the section page itself is not a term).
    let glossary = page.kind.as_deref() == Some("begrip");
    let ty = match page.role {
        Role::Page if glossary => "DefinedTerm",
        Role::Section if glossary => "DefinedTermSet",
        Role::Page => "Article",
        _ => "WebPage",
    };
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": ty,
        "name": page.title,
        "headline": page.title,
        "description": page.summary,
        "url": permalink(site, &page.path),
        "inLanguage": site.config.language,
        "isPartOf": { "@type": "WebSite", "name": site.config.title, "url": permalink(site, "") },
    });
    if ty == "DefinedTerm" {
        // `headline` belongs to articles; a term names its set instead.
        if let Some(map) = v.as_object_mut() {
            map.remove("headline");
        }
        let set = crate::overview::section_of(site, page);
        if let Some(set) = set {
            v["inDefinedTermSet"] = serde_json::json!({
                "@type": "DefinedTermSet",
                "name": site.pages[set].title,
                "url": permalink(site, &site.pages[set].path),
            });
        }
    }
    if let Some(d) = &page.date {
        v["datePublished"] = d.clone().into();
    }
    if let Some(d) = page.updated.as_ref().or(page.date.as_ref()) {
        v["dateModified"] = d.clone().into();
    }
    // `<`, `>` and `&` are escaped so no string can close the script element
    // or open a comment, whatever the content says.
    serde_json::to_string(&v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[derive(Serialize)]
struct SectionCard {
    title: String,
    url: String,
    summary: String,
    count: usize,
    kind: String,
}

fn section_cards(site: &Site<'_>) -> Vec<SectionCard> {
    site.config
        .kinds
        .iter()
        .filter_map(|k| {
            let id = site.page_by_path(&format!("{}/", k.section))?;
            let count = site
                .pages
                .iter()
                .filter(|p| p.role == Role::Page && p.kind.as_deref() == Some(&k.name))
                .count();
            let p = &site.pages[id];
            Some(SectionCard {
                title: p.title.clone(),
                url: url(site, &p.path),
                summary: p.summary.clone(),
                count,
                kind: k.name.clone(),
            })
        })
        .collect()
}

#[derive(Serialize)]
struct SectionView<'s> {
    pages: Vec<PageLink<'s>>,
    groupings: Vec<Grouping<'s>>,
}

#[derive(Serialize)]
struct Grouping<'s> {
    field: String,
    label: String,
    groups: Vec<Group<'s>>,
}

#[derive(Serialize)]
struct Group<'s> {
    id: String,
    label: String,
    url: String,
    pages: Vec<PageLink<'s>>,
}

impl<'s> SectionView<'s> {
    fn new(site: &'s Site<'_>, index: &overview::Index, kind_name: &str) -> Self {
        let mut ids: Vec<PageId> = (0..site.pages.len())
            .filter(|&i| {
                site.pages[i].role == Role::Page && site.pages[i].kind.as_deref() == Some(kind_name)
            })
            .collect();
        // Titles compared by their place: a section of a large site lists
        // thousands of pages.
        sort_pages_by(site, &mut ids, |a, b| {
            index.title_place(a).cmp(&index.title_place(b))
        });
        let pages = ids.iter().map(|&i| PageLink::new(site, i)).collect();
        let groupings = site
            .config
            .kind(kind_name)
            .map_or_else(Vec::new, |k| groupings(site, k, &ids));
        SectionView { pages, groupings }
    }
}

/// Sort by weight, then title in natural order (`SDG 2` before `SDG 10`).
pub(crate) fn sort_pages(site: &Site<'_>, ids: &mut [PageId]) {
    sort_pages_by(site, ids, |a, b| {
        natural_cmp(&site.pages[a].title, &site.pages[b].title)
    });
}

/// [`sort_pages`] with the title order given by `titles`, which must order
/// as `natural_cmp` on the titles does.
fn sort_pages_by(
    site: &Site<'_>,
    ids: &mut [PageId],
    titles: impl Fn(PageId, PageId) -> std::cmp::Ordering,
) {
    ids.sort_by(|&a, &b| {
        let (pa, pb) = (&site.pages[a], &site.pages[b]);
        pa.weight
            .cmp(&pb.weight)
            .then_with(|| titles(a, b))
            .then_with(|| pa.path.cmp(&pb.path))
    });
}

fn groupings<'s>(site: &'s Site<'_>, kind: &Kind, ids: &[PageId]) -> Vec<Grouping<'s>> {
    let mut out = Vec::new();
    for field in &kind.fields {
        let groups: Vec<Group> = match &field.ty {
            FieldType::Enum(values) => values
                .iter()
                .map(|v| {
                    let members = ids.iter().filter(|&&i| {
                        site.pages[i]
                            .fields
                            .iter()
                            .any(|(n, fv)| n == &field.name && *fv == FieldValue::Enum(v.clone()))
                    });
                    Group {
                        id: format!("{}-{}", field.name, crate::slug::slugify(v)),
                        label: v.clone(),
                        url: String::new(),
                        pages: members.map(|&i| PageLink::new(site, i)).collect(),
                    }
                })
                .filter(|g| !g.pages.is_empty())
                .collect(),
            FieldType::Ref(_) | FieldType::Refs(_) => {
                let mut by_target: BTreeMap<PageId, Vec<PageId>> = BTreeMap::new();
                for &i in ids {
                    for &t in site.refs[i].get(&field.name).into_iter().flatten() {
                        by_target.entry(t).or_default().push(i);
                    }
                }
                let mut targets: Vec<PageId> = by_target.keys().copied().collect();
                sort_pages(site, &mut targets);
                targets
                    .into_iter()
                    .map(|t| {
                        let tp = &site.pages[t];
                        Group {
                            id: format!("{}-{}", field.name, tp.slug),
                            label: tp.title.clone(),
                            url: url(site, &tp.path),
                            pages: by_target[&t]
                                .iter()
                                .map(|&i| PageLink::new(site, i))
                                .collect(),
                        }
                    })
                    .collect()
            }
            _ => continue,
        };
        if !groups.is_empty() {
            out.push(Grouping {
                field: field.name.clone(),
                label: field.label.clone(),
                groups,
            });
        }
    }
    out
}

/// Compare strings case-insensitively with digit runs compared as numbers
/// (`SDG 2` before `SDG 10`): the lowercased strings are split into runs of
/// ASCII digits and runs of other characters and compared run by run; two
/// digit runs compare by length without leading zeros, then as text; any
/// other pair compares as text. When all paired runs are equal, fewer runs
/// come first, and last of all the original strings decide.
///
/// Listings, backlinks and the graph sort thousands of titles with this on
/// a large site, so it allocates nothing: it walks the original strings run
/// by run and lowercases as it compares. Lowercasing never turns a
/// non-digit into a digit, so the runs of the original and of the
/// lowercased string are the same. The one character whose lowercase
/// depends on its neighbours (`Σ`) takes the path that lowercases whole
/// strings.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if a.contains('Σ') || b.contains('Σ') {
        return natural_cmp_lowercased(a, b);
    }
    let (mut x, mut y) = (a, b);
    loop {
        let (Some(rx), Some(ry)) = (next_run(x), next_run(y)) else {
            // Equal so far: fewer runs first (`x` empty means it ran out).
            return match (x.is_empty(), y.is_empty()) {
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                _ => a.cmp(b),
            };
        };
        let (sx, sy) = (&x[..rx], &y[..ry]);
        let digits = |s: &str| s.as_bytes()[0].is_ascii_digit();
        let ord = if digits(sx) && digits(sy) {
            let (tx, ty) = (sx.trim_start_matches('0'), sy.trim_start_matches('0'));
            tx.len().cmp(&ty.len()).then_with(|| sx.cmp(sy))
        } else {
            // Titles are nearly all ASCII, and neighbours in title order
            // share long prefixes: the equal ASCII prefix is skipped a byte
            // at a time (each such byte lowercases to one char), and only
            // the rest is compared char by char, lowercased.
            let same = sx
                .bytes()
                .zip(sy.bytes())
                .take_while(|(p, q)| p.is_ascii() && p.eq_ignore_ascii_case(q))
                .count();
            let (sx, sy) = (&sx[same..], &sy[same..]);
            sx.chars()
                .flat_map(char::to_lowercase)
                .cmp(sy.chars().flat_map(char::to_lowercase))
        };
        if ord != Ordering::Equal {
            return ord;
        }
        (x, y) = (&x[rx..], &y[ry..]);
    }
}

/// The byte length of the run (digits or non-digits) that `s` starts with;
/// `None` when `s` is empty.
fn next_run(s: &str) -> Option<usize> {
    let first = s.as_bytes().first()?.is_ascii_digit();
    Some(
        s.bytes()
            .position(|c| c.is_ascii_digit() != first)
            .unwrap_or(s.len()),
    )
}

/// [`natural_cmp`] on wholly lowercased strings: the reference it is tested
/// against, and the path for text with a capital sigma.
fn natural_cmp_lowercased(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, text)) if *d == digit => text.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(&a.to_lowercase()), chunks(&b.to_lowercase()));
    for (x, y) in ca.iter().zip(cb.iter()) {
        let ord = match (x, y) {
            ((true, nx), (true, ny)) => nx
                .trim_start_matches('0')
                .len()
                .cmp(&ny.trim_start_matches('0').len())
                .then_with(|| nx.cmp(ny)),
            ((_, sx), (_, sy)) => sx.cmp(sy),
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::{natural_cmp, natural_cmp_lowercased};

    /// The allocation-free comparison orders exactly as the one that
    /// lowercases and splits whole strings: every pair from a set of
    /// titles built to hit the edges (leading zeros, digits against
    /// punctuation, multi-character lowercases, a prefix run, a sigma).
    #[test]
    fn natural_cmp_matches_the_lowercasing_reference() {
        let parts = [
            "", "a", "A", "ab", "ab-", "SDG ", "10", "2", "007", "7", " ", "-", "İ", "ß", "é", "É",
            "Σ", "zz", "0", "00", "x1y", "ǅ",
        ];
        let mut titles = Vec::new();
        for p in parts {
            for q in parts {
                for r in ["", "03"] {
                    titles.push(format!("{p}{q}{r}"));
                }
            }
        }
        for a in &titles {
            for b in &titles {
                assert_eq!(
                    natural_cmp(a, b),
                    natural_cmp_lowercased(a, b),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }
}
