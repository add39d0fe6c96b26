//! The default theme's page templates written out as Rust: the fast path
//! for sites whose templates are exactly the built-in ones.
//!
//! A page through tera costs a JSON copy of its view, a pointer lookup per
//! `{{ page.x }}` and the copy dropped again; on a large site that was
//! about half of all rendering. This module writes the same bytes straight
//! from the view structs instead. It mirrors `base.html`, `page.html`,
//! `leerlijn.html`, `section.html`, `section-sdg.html`, `home.html`,
//! `overzicht.html`, `search-box.html`, the partials and the macros they
//! use, line for line (each literal below is a stretch of template text,
//! newlines included), and escapes exactly where tera's autoescaping would.
//!
//! It is used only when every template of the theme is byte for byte the
//! built-in one and every UI string it prints exists ([`available`]); a
//! site that changes any template renders through tera, so overriding a
//! template always works. Pages only tera renders (course packs, search,
//! 404) are few per site. The integration tests build sites both ways and
//! require identical output, so a template edit that this module does not
//! follow fails the suite.

use std::collections::BTreeMap;

use super::{PageView, SectionCard, SectionView, SiteView};
use crate::markdown::escape_html_into;
use crate::overview::{Matrix, Overview, Tile};

/// Every UI string the templates above print: with one missing, tera would
/// fail the page, so the native path is off and tera reports it.
const STRINGS: &[&str] = &[
    "skip_to_content",
    "nav_main",
    "overview_title",
    "feed",
    "sitemap",
    "link_copied",
    "copied",
    "search_label",
    "search_placeholder",
    "search_button",
    "breadcrumb",
    "home",
    "updated",
    "fields_heading",
    "toc",
    "related_heading",
    "related_cocited",
    "related_shared",
    "graph_heading",
    "backlinks_heading",
    "via",
    "cite_heading",
    "cite_style",
    "cite_copy",
    "pack_link",
    "pack_weeks",
    "count_pages",
    "browse_per",
    "all_pages",
    "go_to",
    "tile_none",
    "sections_heading",
    "overview_link",
    "tiles_heading",
    "matrix_links",
    "matrix_total",
    "matrix_yes",
];

/// Which template a content page would render with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Template {
    Page,
    Leerlijn,
    Home,
    Section,
    SectionSdg,
}

impl Template {
    /// The native stand-in for template `name`, if there is one.
    pub(super) fn named(name: &str) -> Option<Template> {
        Some(match name {
            "page.html" => Template::Page,
            "leerlijn.html" => Template::Leerlijn,
            "home.html" => Template::Home,
            "section.html" => Template::Section,
            "section-sdg.html" => Template::SectionSdg,
            _ => return None,
        })
    }
}

/// The writer, with the UI strings (which [`available`] checked to hold
/// every key the templates print).
pub(super) struct Native<'a> {
    t: &'a BTreeMap<String, String>,
}

/// The theme's templates are the built-in ones (`is_default`) and the UI
/// strings have every key: then the native path may stand in for tera.
pub(super) fn available(is_default: bool, strings: &BTreeMap<String, String>) -> bool {
    is_default && STRINGS.iter().all(|k| strings.contains_key(*k))
}

/// What a page adds to the shared view when it renders as a section or as
/// the home page.
pub(super) enum Extra<'v> {
    None,
    Home(&'v [SectionCard]),
    Section(&'v SectionView<'v>, Option<&'v [Tile]>),
}

impl<'a> Native<'a> {
    pub(super) fn new(t: &'a BTreeMap<String, String>) -> Self {
        Native { t }
    }

    fn t(&self, key: &str) -> &'a str {
        self.t.get(key).map_or("", String::as_str)
    }

    /// The whole HTML document of a content page; `None` when `template`
    /// is not the one for the page's role (a kind named `home`, say), which
    /// tera renders (or fails) as before.
    pub(super) fn render(
        &self,
        template: Template,
        site: &SiteView,
        page: &PageView,
        extra: &Extra<'_>,
    ) -> Option<String> {
        let paired = matches!(
            (template, extra),
            (Template::Page | Template::Leerlijn, Extra::None)
                | (Template::Home, Extra::Home(_))
                | (Template::Section | Template::SectionSdg, Extra::Section(..))
        );
        if !paired {
            return None;
        }
        let mut o = Out(String::with_capacity(16 * 1024 + page.content.len()));
        self.base(&mut o, site, page, |o| match extra {
            Extra::None => self.page_main(o, site, page, template == Template::Leerlijn),
            Extra::Home(cards) => self.home_main(o, site, page, cards),
            Extra::Section(section, tiles) => {
                let tiles = tiles.filter(|_| template == Template::SectionSdg);
                self.section_main(o, site, page, section, tiles, template);
            }
        });
        Some(o.0)
    }

    /// The whole HTML document of the overview page (`overzicht.html`).
    pub(super) fn overview(&self, site: &SiteView, page: &PageView, overview: &Overview) -> String {
        // At 100,000 pages this page is tens of megabytes; grown by
        // doubling, it would briefly need twice that at the build's peak.
        let mut o = Out(String::with_capacity(overview_size(overview)));
        self.base(&mut o, site, page, |o| {
            o.s("\n\n");
            self.crumbs(o, site, page);
            o.s("\n<article class=\"overview\">\n<h1>")
                .e(&page.title)
                .s("</h1>\n");
            self.summary(o, page);
            o.s("\n\n");
            self.updated(o, page);
            o.s("\n");
            if !overview.tiles.is_empty() {
                o.s("<section aria-labelledby=\"sdg-tegels\">\n<h2 id=\"sdg-tegels\">")
                    .e(self.t("tiles_heading"));
                anker(o, "sdg-tegels");
                o.s("</h2>\n");
                self.tiles(o, &overview.tiles);
                o.s("\n</section>\n");
            }
            for m in &overview.matrices {
                self.matrix(o, m);
                o.s("\n");
            }
            o.s("</article>\n");
        });
        o.0
    }

    /// The `matrix` macro of `macros.html`.
    fn matrix(&self, o: &mut Out, m: &Matrix) {
        o.s("\n<section class=\"matrix\" aria-labelledby=\"")
            .e(&m.id)
            .s("\">\n<h2 id=\"")
            .e(&m.id)
            .s("\">")
            .e(&m.caption);
        anker(o, &m.id);
        o.s("</h2>\n<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"")
            .e(&m.id)
            .s("-caption\" tabindex=\"0\">\n<table>\n<caption id=\"")
            .e(&m.id)
            .s("-caption\">")
            .e(&m.caption)
            .s(": ")
            .n(m.total)
            .s(" ")
            .e(self.t("matrix_links"))
            .s("</caption>\n<thead><tr><th scope=\"col\">")
            .e(&m.row_label)
            .s("</th>");
        for c in &m.columns {
            o.s("<th scope=\"col\" class=\"col ")
                .e(&c.class)
                .s("\"><a href=\"")
                .e(&c.link.url)
                .s("\">")
                .e(&c.short);
            if !c.rest.is_empty() {
                o.s("<span class=\"vh\">: ").e(&c.rest).s("</span>");
            }
            o.s("</a></th>");
        }
        o.s("<th scope=\"col\">")
            .e(self.t("matrix_total"))
            .s("</th></tr></thead>\n<tbody>\n");
        for r in &m.rows {
            o.s("<tr><th scope=\"row\"><a href=\"")
                .e(&r.link.url)
                .s("\">")
                .e(&r.link.title)
                .s("</a></th>");
            for &c in &r.cells {
                o.s("<td>");
                if c {
                    o.s("<span aria-hidden=\"true\">●</span><span class=\"vh\">")
                        .e(self.t("matrix_yes"))
                        .s("</span>");
                }
                o.s("</td>");
            }
            o.s("<td class=\"n\">").n(r.count).s("</td></tr>\n");
        }
        o.s("</tbody>\n<tfoot><tr><th scope=\"row\">")
            .e(self.t("matrix_total"))
            .s("</th>");
        for c in &m.columns {
            o.s("<td class=\"n\">").n(c.count).s("</td>");
        }
        o.s("<td class=\"n\">")
            .n(m.total)
            .s("</td></tr></tfoot>\n</table>\n</div>\n</section>\n");
    }

    /// `base.html`, with `main` writing the `main` block.
    fn base(&self, o: &mut Out, site: &SiteView, page: &PageView, main: impl FnOnce(&mut Out)) {
        o.s("<!DOCTYPE html>\n<html lang=\"")
            .e(&site.language)
            .s("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        if page.role == "home" {
            o.e(&site.title);
        } else {
            o.e(&page.title).s(" · ").e(&site.title);
        }
        o.s("</title>\n<meta name=\"description\" content=\"");
        self.description(o, site, page);
        o.s("\">\n");
        if !page.permalink.is_empty() {
            o.s("<link rel=\"canonical\" href=\"")
                .e(&page.permalink)
                .s("\">\n<meta property=\"og:title\" content=\"")
                .e(&page.title)
                .s("\">\n<meta property=\"og:description\" content=\"");
            self.description(o, site, page);
            o.s("\">\n<meta property=\"og:url\" content=\"")
                .e(&page.permalink)
                .s("\">\n<meta property=\"og:type\" content=\"")
                .s(if page.role == "page" {
                    "article"
                } else {
                    "website"
                })
                .s("\">\n<meta property=\"og:site_name\" content=\"")
                .e(&site.title)
                .s("\">\n<meta property=\"og:locale\" content=\"")
                .s(if site.language == "en" {
                    "en_GB"
                } else {
                    "nl_NL"
                })
                .s("\">\n");
        }
        let base = &site.base_path;
        o.s("<link rel=\"stylesheet\" href=\"")
            .e(base)
            .s("style.css\">\n<link rel=\"stylesheet\" href=\"")
            .e(base)
            .s("site.css\">\n<script src=\"")
            .e(base)
            .s("vakwerk.js\" defer></script>\n<link rel=\"icon\" href=\"")
            .e(base)
            .s("favicon.svg\" type=\"image/svg+xml\">\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"")
            .e(&site.title)
            .s("\" href=\"")
            .e(base)
            .s("atom.xml\">\n");
        if !page.jsonld.is_empty() {
            o.s("<script type=\"application/ld+json\">")
                .s(&page.jsonld)
                .s("</script>\n");
        }
        o.s("\n</head>\n<body class=\"role-").e(page.role);
        if !page.kind.is_empty() {
            o.s(" kind-").e(&page.kind);
        }
        o.s("\">\n<a class=\"skip\" href=\"#inhoud\">")
            .e(self.t("skip_to_content"))
            .s("</a>\n<header class=\"site-header\">\n<div class=\"wrap\">\n<a class=\"brand\" href=\"")
            .e(base)
            .s("\">")
            .e(&site.title)
            .s("</a>\n");
        self.search_box(o, site);
        o.s("\n<nav class=\"site-nav\" aria-label=\"")
            .e(self.t("nav_main"))
            .s("\">\n<ul>\n");
        for s in &site.sections {
            o.s("<li><a href=\"").e(&s.url).s("\"");
            if s.url == page.url || s.url == page.section_url {
                o.s(" aria-current=\"")
                    .s(if s.url == page.url { "page" } else { "true" })
                    .s("\"");
            }
            o.s(">").e(&s.title).s("</a></li>\n");
        }
        if !site.overview_url.is_empty() {
            o.s("<li><a href=\"").e(&site.overview_url).s("\"");
            if site.overview_url == page.url {
                o.s(" aria-current=\"page\"");
            }
            o.s(">").e(self.t("overview_title")).s("</a></li>\n");
        }
        o.s("</ul>\n</nav>\n</div>\n</header>\n<main id=\"inhoud\" class=\"wrap\">\n");
        main(o);
        o.s("\n</main>\n<footer class=\"site-footer\">\n<div class=\"wrap\">\n<p>")
            .e(&site.title);
        if !site.overview_url.is_empty() {
            o.s(" · <a href=\"")
                .e(&site.overview_url)
                .s("\">")
                .e(self.t("overview_title"))
                .s("</a>");
        }
        o.s(" · <a href=\"")
            .e(base)
            .s("atom.xml\">")
            .e(self.t("feed"))
            .s("</a> · <a href=\"")
            .e(base)
            .s("sitemap.xml\">")
            .e(self.t("sitemap"))
            .s("</a></p>\n<p id=\"melding\" class=\"vh\" role=\"status\" data-link-copied=\"")
            .e(self.t("link_copied"))
            .s("\" data-copied=\"")
            .e(self.t("copied"))
            .s("\"></p>\n</div>\n</footer>\n</body>\n</html>\n");
    }

    fn description(&self, o: &mut Out, site: &SiteView, page: &PageView) {
        if page.summary.is_empty() {
            o.e(&site.description);
        } else {
            o.e(&page.summary);
        }
    }

    /// `search-box.html`.
    fn search_box(&self, o: &mut Out, site: &SiteView) {
        o.s("<form class=\"zoekvak\" role=\"search\" action=\"")
            .e(&site.base_path)
            .s("zoeken/\" method=\"get\">\n<label class=\"vh\" for=\"zoekvak-q\">")
            .e(self.t("search_label"))
            .s("</label>\n<input id=\"zoekvak-q\" type=\"search\" name=\"q\" placeholder=\"")
            .e(self.t("search_placeholder"))
            .s("\" autocomplete=\"off\" spellcheck=\"false\" aria-keyshortcuts=\"/\">\n<button type=\"submit\">")
            .e(self.t("search_button"))
            .s("</button>\n</form>\n<script src=\"")
            .e(&site.base_path)
            .s("search.js\" defer></script>\n");
    }

    /// The `main` block of `page.html` (and of `leerlijn.html`, which
    /// replaces its `content` block).
    fn page_main(&self, o: &mut Out, site: &SiteView, page: &PageView, leerlijn: bool) {
        o.s("\n\n");
        self.crumbs(o, site, page);
        o.s("\n<article class=\"page\">\n<header class=\"page-header\">\n");
        if !page.kind_label.is_empty() {
            o.s("<p class=\"kind-label\">")
                .e(&page.kind_label)
                .s("</p>");
        }
        o.s("\n<h1>").e(&page.title).s("</h1>\n");
        self.summary(o, page);
        o.s("\n\n");
        self.updated(o, page);
        o.s("\n</header>\n\n");
        self.fields(o, page);
        o.s("\n\n");
        self.toc(o, page);
        o.s("\n");
        if leerlijn {
            if let Some(l) = &page.leerlijn {
                o.s("<p class=\"pack-link\"><a href=\"")
                    .e(&l.pack_url)
                    .s("\">")
                    .e(self.t("pack_link"))
                    .s("</a> <span class=\"meta\">(")
                    .n(l.week_count)
                    .s(" ")
                    .e(self.t("pack_weeks"))
                    .s(", ")
                    .n(l.page_count)
                    .s(" ")
                    .e(self.t("count_pages"))
                    .s(")</span></p>\n");
            }
            o.s("<div class=\"content leerlijn\">\n");
        } else {
            o.s("<div class=\"content\">\n");
        }
        o.s(&page.content).s("\n</div>\n\n");
        self.related(o, page);
        o.s("\n\n");
        self.graph(o, page);
        o.s("\n\n");
        self.backlinks(o, page);
        o.s("\n\n");
        self.cite(o, page);
        o.s("\n</article>\n");
    }

    /// The `main` block of `home.html`.
    fn home_main(&self, o: &mut Out, site: &SiteView, page: &PageView, cards: &[SectionCard]) {
        o.s("\n<article class=\"home\">\n<h1>")
            .e(&page.title)
            .s("</h1>\n");
        self.summary(o, page);
        o.s("\n\n");
        self.updated(o, page);
        o.s("\n<div class=\"content\">\n")
            .s(&page.content)
            .s("\n</div>\n<section aria-labelledby=\"secties\">\n<h2 id=\"secties\">")
            .e(self.t("sections_heading"));
        anker(o, "secties");
        o.s("</h2>\n<ul class=\"cards grid\">\n");
        for s in cards {
            o.s("<li><a href=\"")
                .e(&s.url)
                .s("\">")
                .e(&s.title)
                .s("</a> <span class=\"count\">")
                .n(s.count)
                .s(" ")
                .e(self.t("count_pages"))
                .s("</span>");
            if !s.summary.is_empty() {
                o.s("<p>").e(&s.summary).s("</p>");
            }
            o.s("</li>\n");
        }
        o.s("</ul>\n");
        if !site.overview_url.is_empty() {
            o.s("<p class=\"overview-link\"><a href=\"")
                .e(&site.overview_url)
                .s("\">")
                .e(self.t("overview_link"))
                .s("</a></p>");
        }
        o.s("\n</section>\n\n");
        self.backlinks(o, page);
        o.s("\n\n");
        self.cite(o, page);
        o.s("\n</article>\n");
    }

    /// The `main` block of `section.html` (and of `section-sdg.html`, which
    /// replaces its `listing` block).
    fn section_main(
        &self,
        o: &mut Out,
        site: &SiteView,
        page: &PageView,
        section: &SectionView,
        tiles: Option<&[Tile]>,
        template: Template,
    ) {
        o.s("\n\n");
        self.crumbs(o, site, page);
        o.s("\n<article class=\"section\">\n<h1>")
            .e(&page.title)
            .s("</h1>\n");
        self.summary(o, page);
        o.s("\n\n");
        self.updated(o, page);
        o.s("\n<div class=\"content\">\n")
            .s(&page.content)
            .s("\n</div>\n");
        if !section.groupings.is_empty() {
            o.s("<nav class=\"browse\" aria-label=\"")
                .e(self.t("browse_per"))
                .s("\">\n<p>")
                .e(self.t("browse_per"))
                .s(": ");
            for (i, g) in section.groupings.iter().enumerate() {
                o.s("<a href=\"#per-")
                    .e(&g.field)
                    .s("\">")
                    .e(&g.label)
                    .s("</a>");
                if i + 1 < section.groupings.len() {
                    o.s(" · ");
                }
            }
            o.s("</p>\n</nav>");
        }
        o.s("\n<section aria-labelledby=\"alle\">\n<h2 id=\"alle\">")
            .e(self.t("all_pages"))
            .s(" (")
            .n(section.pages.len())
            .s(")");
        anker(o, "alle");
        o.s("</h2>\n");
        match tiles {
            Some(tiles) if template == Template::SectionSdg && !tiles.is_empty() => {
                self.tiles(o, tiles);
            }
            _ => cards(o, &section.pages),
        }
        o.s("\n</section>\n");
        for g in &section.groupings {
            o.s("<section class=\"grouping\" aria-labelledby=\"per-")
                .e(&g.field)
                .s("\">\n<h2 id=\"per-")
                .e(&g.field)
                .s("\">")
                .e(&g.label);
            anker(o, &format!("per-{}", g.field));
            o.s("</h2>\n");
            for grp in &g.groups {
                o.s("<details id=\"")
                    .e(&grp.id)
                    .s("\">\n<summary>")
                    .e(&grp.label)
                    .s(" <span class=\"count\">(")
                    .n(grp.pages.len())
                    .s(")</span></summary>\n");
                if !grp.url.is_empty() {
                    o.s("<p><a href=\"")
                        .e(&grp.url)
                        .s("\">")
                        .e(self.t("go_to"))
                        .s(" ")
                        .e(&grp.label)
                        .s("</a></p>");
                }
                o.s("\n<ul>");
                for p in &grp.pages {
                    o.s("<li><a href=\"")
                        .e(&p.url)
                        .s("\">")
                        .e(p.title)
                        .s("</a></li>");
                }
                o.s("</ul>\n</details>\n");
            }
            o.s("</section>\n");
        }
        o.s("\n\n");
        self.backlinks(o, page);
        o.s("\n\n");
        self.cite(o, page);
        o.s("\n</article>\n");
    }

    fn summary(&self, o: &mut Out, page: &PageView) {
        if !page.summary.is_empty() {
            o.s("<p class=\"summary\">").e(&page.summary).s("</p>");
        }
    }

    /// `partials/crumbs.html`.
    fn crumbs(&self, o: &mut Out, site: &SiteView, page: &PageView) {
        o.s("<nav class=\"crumbs\" aria-label=\"")
            .e(self.t("breadcrumb"))
            .s("\">\n<ol>\n<li><a href=\"")
            .e(&site.base_path)
            .s("\">")
            .e(self.t("home"))
            .s("</a></li>\n");
        if !page.section_url.is_empty() && page.section_url != page.url {
            o.s("<li><a href=\"")
                .e(&page.section_url)
                .s("\">")
                .e(&page.section_title)
                .s("</a></li>\n");
        }
        o.s("<li><span aria-current=\"page\">")
            .e(&page.title)
            .s("</span></li>\n</ol>\n</nav>\n");
    }

    /// `partials/updated.html`.
    fn updated(&self, o: &mut Out, page: &PageView) {
        if !page.updated.is_empty() {
            o.s("<p class=\"meta\">")
                .e(self.t("updated"))
                .s(" <time datetime=\"")
                .e(&page.updated)
                .s("\">")
                .e(&page.updated_text)
                .s("</time></p>");
        }
        o.s("\n");
    }

    /// How every page block of the partials opens: a section labelled by
    /// its heading, which carries an anchor link to itself.
    fn open_section(&self, o: &mut Out, class: &str, id: &str, heading: &str) {
        o.s("\n<section class=\"")
            .s(class)
            .s("\" aria-labelledby=\"")
            .s(id)
            .s("\">\n<h2 id=\"")
            .s(id)
            .s("\">")
            .e(self.t(heading));
        anker(o, id);
        o.s("</h2>\n");
    }

    /// `partials/fields.html`.
    fn fields(&self, o: &mut Out, page: &PageView) {
        if !page.fields.is_empty() {
            self.open_section(o, "fields", "kenmerken", "fields_heading");
            o.s("<dl>\n");
            for f in &page.fields {
                o.s("<div class=\"field field-")
                    .e(&f.name)
                    .s("\">\n<dt>")
                    .e(&f.label)
                    .s("</dt>\n<dd>");
                match f.ty {
                    "links" => {
                        o.s("<ul class=\"chips\">");
                        for l in &f.links {
                            o.s("<li><a href=\"")
                                .e(&l.url)
                                .s("\">")
                                .e(l.title)
                                .s("</a></li>");
                        }
                        o.s("</ul>");
                    }
                    "list" => {
                        o.s("<ul>");
                        for i in &f.items {
                            o.s("<li>").e(i).s("</li>");
                        }
                        o.s("</ul>");
                    }
                    "html" => {
                        o.s(&f.html);
                    }
                    "url" => {
                        o.s("<a href=\"").e(&f.text).s("\">").e(&f.text).s("</a>");
                    }
                    _ => {
                        o.e(&f.text);
                    }
                }
                o.s("</dd>\n</div>\n");
            }
            o.s("</dl>\n</section>\n");
        }
        o.s("\n");
    }

    /// `partials/toc.html`: a table of contents from three `h2`s up.
    fn toc(&self, o: &mut Out, page: &PageView) {
        o.s("\n");
        let h2s = || page.headings.iter().filter(|h| h.level == 2);
        if h2s().count() > 2 {
            o.s("\n<nav class=\"toc\" aria-labelledby=\"toc-kop\">\n<h2 id=\"toc-kop\">")
                .e(self.t("toc"))
                .s("</h2>\n<ol>");
            for h in h2s() {
                o.s("<li><a href=\"#")
                    .e(&h.id)
                    .s("\">")
                    .e(&h.text)
                    .s("</a></li>");
            }
            o.s("</ol>\n</nav>\n");
        }
        o.s("\n");
    }

    /// `partials/related.html`.
    fn related(&self, o: &mut Out, page: &PageView) {
        if !page.related.is_empty() {
            self.open_section(o, "related", "gerelateerd", "related_heading");
            o.s("<ul class=\"cards grid\">\n");
            for r in &page.related {
                o.s("<li><a href=\"")
                    .e(&r.link.url)
                    .s("\">")
                    .e(&r.link.title)
                    .s("</a>");
                if !r.link.kind_label.is_empty() {
                    o.s(" <span class=\"kind-tag\">")
                        .e(&r.link.kind_label)
                        .s("</span>");
                }
                if !r.shared.is_empty() {
                    o.s("<p class=\"shared\">")
                        .e(self.t(if r.cocited {
                            "related_cocited"
                        } else {
                            "related_shared"
                        }))
                        .s(" ");
                    for (i, s) in r.shared.iter().enumerate() {
                        if i > 0 {
                            o.s(", ");
                        }
                        o.e(s);
                    }
                    o.s("</p>");
                }
                o.s("</li>\n");
            }
            o.s("</ul>\n</section>\n");
        }
        o.s("\n");
    }

    /// `partials/graph.html`.
    fn graph(&self, o: &mut Out, page: &PageView) {
        if let Some(g) = &page.graph {
            self.open_section(o, "buurt", "netwerk", "graph_heading");
            o.s("<figure>\n")
                .s(&g.svg)
                .s("\n<figcaption>\n<p>")
                .e(&g.summary)
                .s("</p>\n<ul class=\"legend\">");
            for l in &g.legend {
                o.s("<li><span class=\"swatch ")
                    .e(l.class)
                    .s("\"></span>")
                    .e(&l.label)
                    .s(": ")
                    .n(l.count)
                    .s("</li>");
            }
            o.s("</ul>\n</figcaption>\n</figure>\n</section>\n");
        }
        o.s("\n");
    }

    /// `partials/backlinks.html`.
    fn backlinks(&self, o: &mut Out, page: &PageView) {
        if !page.backlinks.is_empty() {
            self.open_section(o, "backlinks", "verwijzingen", "backlinks_heading");
            for g in &page.backlinks {
                o.s("<section class=\"backlink-group\">\n<h3>")
                    .e(&g.kind_label)
                    .s(" <span class=\"via\">")
                    .e(self.t("via"))
                    .s(" ")
                    .e(&g.field_label)
                    .s("</span></h3>\n<ul class=\"cards\">\n");
                for p in &g.pages {
                    o.s("<li><a href=\"")
                        .e(&p.url)
                        .s("\">")
                        .e(p.title)
                        .s("</a>");
                    if !p.summary.is_empty() {
                        o.s("<p>").e(p.summary).s("</p>");
                    }
                    o.s("</li>\n");
                }
                o.s("</ul>\n</section>\n");
            }
            o.s("</section>\n");
        }
        o.s("\n");
    }

    /// `partials/cite.html`.
    fn cite(&self, o: &mut Out, page: &PageView) {
        if let Some(c) = &page.citation {
            self.open_section(o, "cite", "citeer", "cite_heading");
            o.s("<p class=\"cite-style\">")
                .e(self.t("cite_style"))
                .s("</p>\n<p class=\"citation\" id=\"citaat\">")
                .s(&c.html)
                .s("</p>\n<p class=\"cite-actions\"><button type=\"button\" class=\"copy\" data-copy=\"citaat\" hidden>")
                .e(self.t("cite_copy"))
                .s("</button></p>\n</section>\n");
        }
        o.s("\n");
    }

    /// The `tiles` macro of `macros.html`.
    fn tiles(&self, o: &mut Out, tiles: &[Tile]) {
        o.s("\n<ul class=\"tiles\">\n");
        for x in tiles {
            o.s("<li class=\"tile ")
                .e(&x.class)
                .s("\"><a href=\"")
                .e(&x.link.url)
                .s("\"><span class=\"tile-short\">")
                .e(&x.short)
                .s("</span> <span class=\"tile-name\">")
                .e(&x.name)
                .s("</span></a>\n<p class=\"tile-counts\">");
            if x.total == 0 {
                o.e(self.t("tile_none"));
            } else {
                for c in &x.counts {
                    o.s("<span>")
                        .n(c.count)
                        .s(" ")
                        .e(&c.label.to_lowercase())
                        .s("</span>");
                }
            }
            o.s("</p></li>\n");
        }
        o.s("</ul>\n");
    }
}

/// A close upper estimate of the overview page's length: what its
/// matrices' rows and marked cells take, and room for the rest.
fn overview_size(overview: &Overview) -> usize {
    // Titles are escaped: an eighth more covers the usual apostrophes.
    let link = |l: &crate::overview::Link| l.url.len() + l.title.len() + l.title.len() / 8;
    let mut size = 64 * 1024 + overview.tiles.len() * 512;
    for m in &overview.matrices {
        size += m
            .columns
            .iter()
            .map(|c| 160 + link(&c.link) + 2 * (c.short.len() + c.rest.len()))
            .sum::<usize>();
        for r in &m.rows {
            // `<td></td>` per cell, 61 bytes more for a marked one.
            size += 72 + link(&r.link) + 9 * r.cells.len() + 64 * r.count;
        }
    }
    size
}

/// The `cards` macro of `macros.html`.
fn cards(o: &mut Out, pages: &[super::PageLink]) {
    o.s("\n<ul class=\"cards\">\n");
    for p in pages {
        o.s("<li><a href=\"")
            .e(&p.url)
            .s("\">")
            .e(p.title)
            .s("</a>");
        if !p.summary.is_empty() {
            o.s("<p>").e(p.summary).s("</p>");
        }
        o.s("</li>\n");
    }
    o.s("</ul>\n");
}

/// The `anker` macro of `macros.html`.
fn anker(o: &mut Out, id: &str) {
    o.s(" <a class=\"anker\" href=\"#")
        .e(id)
        .s("\" aria-labelledby=\"")
        .e(id)
        .s("\">#</a>");
}

/// The page being written: `s` appends template text or markup that is
/// already safe, `e` appends a value escaped as tera's autoescape would,
/// `n` a number.
struct Out(String);

impl Out {
    fn s(&mut self, text: &str) -> &mut Self {
        self.0.push_str(text);
        self
    }

    fn e(&mut self, value: &str) -> &mut Self {
        escape_html_into(&mut self.0, value);
        self
    }

    fn n(&mut self, n: usize) -> &mut Self {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(self.0, "{n}");
        self
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use crate::theme::Theme;

    /// Every UI string the native templates print exists in both built-in
    /// languages, so the native path is on for an unchanged theme.
    #[test]
    fn built_in_strings_have_every_key() {
        let theme = Theme::load(&[]);
        for lang in ["nl", "en"] {
            // As `Renderer::new` loads them: Dutch, overlaid with the language.
            let mut strings = super::super::parse_strings(&theme, "nl").expect("nl");
            strings.extend(super::super::parse_strings(&theme, lang).expect("strings"));
            let missing: Vec<&str> = super::STRINGS
                .iter()
                .copied()
                .filter(|k| !strings.contains_key(*k))
                .collect();
            assert!(missing.is_empty(), "{lang}: {missing:?}");
            assert!(super::available(true, &strings));
        }
    }
}
