//! Views that look across pages, for readers and lecturers: related pages
//! ranked by shared thema's and SDG's, a drawing of each page's
//! neighbourhood, relation matrices, SDG tiles, APA citations, leerlijn
//! weeks and printable course packs.
//!
//! Everything here is pure data for the templates (serde structs and
//! already-escaped SVG/HTML fragments); `render` owns tera and decides where
//! the views go. UI words come from the theme's string table, so
//! `language: en` switches them too. Nothing here reads the clock: every
//! date is a content date.

mod cite;
mod graph;
mod leerlijn;
mod matrix;
mod related;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::page::{Page, Role};
use crate::render::{permalink, url};
use crate::site::{PageId, Site};

pub use cite::{Citation, citation, human_date};
pub use graph::{Neighbourhood, neighbourhood};
pub use leerlijn::{CoursePack, Leerlijn, Week, course_pack, is_leerlijn_page, leerlijn};
pub use matrix::{Matrix, Overview, Tile, colour_css, has_overview, overview, sdg_tiles};
pub use related::{Related, related};

/// The kind whose pages are leerlijnen (and use `leerlijn.html`).
pub const LEERLIJN_KIND: &str = "leerlijn";
/// The kind whose pages are the SDG's, shown as coloured tiles.
pub const SDG_KIND: &str = "sdg";
/// The kind whose pages are the levels micro, meso and macro.
pub const NIVEAU_KIND: &str = "niveau";
/// Kinds whose shared use makes two pages related.
pub const FACET_KINDS: [&str; 2] = ["thema", SDG_KIND];
/// Where the overview page with the matrices lives.
pub const OVERVIEW_PATH: &str = "overzicht/";
/// The course pack of a leerlijn, below the leerlijn's own path.
pub const PACK_DIR: &str = "cursusmap/";
/// The generated stylesheet with colours from content (`kleur` fields) and
/// the site's origin for printed link URLs.
pub const SITE_CSS: &str = "site.css";

/// UI strings of the theme, by key.
pub type Strings = BTreeMap<String, String>;

/// The string `key`, or the key itself so a missing string shows up.
fn s<'a>(strings: &'a Strings, key: &'a str) -> &'a str {
    strings.get(key).map_or(key, String::as_str)
}

/// A link to a page, with what lists, cards and the course pack show.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Page title.
    pub title: String,
    /// Root-relative URL (with `#anchor` when the link had one).
    pub url: String,
    /// Absolute URL, for print and citations.
    pub permalink: String,
    /// The kind's label (`Methode`), empty for kindless pages.
    pub kind_label: String,
    /// The page's summary.
    pub summary: String,
}

impl Link {
    fn new(site: &Site<'_>, id: PageId) -> Link {
        Link::with_anchor(site, id, None)
    }

    fn with_anchor(site: &Site<'_>, id: PageId, anchor: Option<&str>) -> Link {
        let p = &site.pages[id];
        let (mut url, mut permalink) = (url(site, &p.path), permalink(site, &p.path));
        if let Some(a) = anchor {
            for u in [&mut url, &mut permalink] {
                u.push('#');
                u.push_str(a);
            }
        }
        Link {
            title: p.title.clone(),
            url,
            permalink,
            kind_label: kind_label(site, p),
            summary: p.summary.clone(),
        }
    }
}

fn kind_label(site: &Site<'_>, p: &Page) -> String {
    p.kind
        .as_deref()
        .and_then(|k| site.config.kind(k))
        .map_or_else(String::new, |k| k.label.clone())
}

/// Position of a page's kind in the schema (kindless pages last), so
/// groupings follow the order editors wrote `site.yaml` in.
fn kind_index(site: &Site<'_>, id: PageId) -> usize {
    site.pages[id]
        .kind
        .as_deref()
        .and_then(|k| site.config.kinds.iter().position(|x| x.name == k))
        .unwrap_or(usize::MAX)
}

/// Regular pages of `kind`, by weight and then title in natural order.
fn pages_of(site: &Site<'_>, kind: &str) -> Vec<PageId> {
    let mut ids: Vec<PageId> = (0..site.pages.len())
        .filter(|&i| is_page_of(&site.pages[i], kind))
        .collect();
    crate::render::sort_pages(site, &mut ids);
    ids
}

/// Whether `page` is a regular page of `kind`.
fn is_page_of(page: &Page, kind: &str) -> bool {
    page.role == Role::Page && page.kind.as_deref() == Some(kind)
}

/// The section page of a page's kind, if the site has one.
pub fn section_of(site: &Site<'_>, page: &Page) -> Option<PageId> {
    let kind = site.config.kind(page.kind.as_deref()?)?;
    site.page_by_path(&format!("{}/", kind.section))
}

/// When a page last changed: its `updated`, else its `date`. A section or
/// home page without either takes the newest date of the pages below it,
/// so every page can show one.
pub fn updated(site: &Site<'_>, id: PageId) -> Option<String> {
    let page = &site.pages[id];
    let own = |p: &Page| p.updated.clone().or_else(|| p.date.clone());
    own(page).or_else(|| {
        let below = |p: &Page| match page.role {
            Role::Home => true,
            Role::Section => p.role == Role::Page && p.kind == page.kind,
            Role::Page => false,
        };
        site.pages
            .iter()
            .filter(|p| below(p))
            .filter_map(|p| own(p))
            .max()
    })
}

/// Per-site data computed once per render and shared by every page.
#[derive(Debug, Default)]
pub struct Index {
    related: related::Index,
}

impl Index {
    /// Page `id`'s place when pages are sorted by title with
    /// [`natural_cmp`](crate::render::natural_cmp); equal titles share a
    /// place. Sorting by it orders exactly as comparing the titles does.
    pub fn title_place(&self, id: PageId) -> u32 {
        self.related.title_place(id)
    }

    /// Compute the indexes for `site`, reusing what `previous` (the
    /// indexes of an earlier version of the site) still has right.
    pub fn new(site: &Site<'_>, previous: Option<&Index>) -> Index {
        Index {
            related: related::Index::new(site, previous.map(|p| &p.related)),
        }
    }
}

/// A short label for a column header: the part of the title before a
/// colon (`SDG 1` for `SDG 1: Geen armoede`), else the whole title.
fn short_title(title: &str) -> (&str, &str) {
    match title.split_once(':') {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => (a.trim(), b.trim()),
        _ => (title, ""),
    }
}
