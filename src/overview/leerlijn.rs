//! Leerlijnen: the weeks of a course with the pages to read and one
//! reflection question each, and the printable course pack (*cursusmap*).
//!
//! A leerlijn's body is Markdown: every `##` heading starts a week, the
//! internal links below it are what students read, and a paragraph that
//! starts with `**Reflectievraag:**` is the week's question. The structure
//! is read from the rendered body (with its link slots still in place, so
//! each link is already resolved to a page): no second Markdown parse.
//! Reading lists are enriched in place with each page's kind and summary;
//! if the body does not follow the pattern it simply renders as written.

use serde::Serialize;

use super::{LEERLIJN_KIND, Link, PACK_DIR, Strings, s};
use crate::markdown::{SLOT, escape_html};
use crate::page::{Page, Role};
use crate::render::fill_links;
use crate::site::{PageId, Site};

/// Paragraph openings that mark a reflection question, in the languages
/// content is written in.
const QUESTION_MARKERS: [&str; 2] = ["Reflectievraag", "Reflection question"];

/// A leerlijn page, read as weeks.
#[derive(Serialize, Clone, Debug)]
pub struct Leerlijn {
    /// The leerlijn page itself (the course pack links back to it).
    pub link: Link,
    /// Pages linked from the introduction (before the first week).
    pub intro: Vec<Link>,
    /// The weeks, in order.
    pub weeks: Vec<Week>,
    /// The body, with reading lists enriched and questions marked.
    pub content: String,
    /// Root-relative URL of the course pack.
    pub pack_url: String,
    /// Distinct pages referred to in all weeks.
    pub page_count: usize,
    /// Sections with a reflection question: the weeks proper (other `##`
    /// sections, such as "how to use this course", are shown but not counted).
    pub week_count: usize,
}

/// One week (one `##` section).
#[derive(Serialize, Clone, Debug)]
pub struct Week {
    /// Heading id.
    pub id: String,
    /// Heading text (`Week 1: Drie niveaus, één vraagstuk`).
    pub title: String,
    /// Pages linked in this week, in order, without repeats.
    pub pages: Vec<Link>,
    /// The reflection question as plain text (empty when missing).
    pub question: String,
    /// The reflection question as HTML (links filled in).
    pub question_html: String,
}

/// Where a leerlijn's course pack is generated.
#[derive(Clone, Debug)]
pub struct CoursePack {
    /// The leerlijn page.
    pub page: PageId,
    /// Output path below the base path (`leerlijnen/x/cursusmap/`).
    pub path: String,
    /// Page title (`Cursusmap: …`).
    pub title: String,
}

/// The course pack of page `id`, when it is a leerlijn.
pub fn course_pack(site: &Site<'_>, id: PageId, strings: &Strings) -> Option<CoursePack> {
    let page = &site.pages[id];
    is_leerlijn(site, id).then(|| CoursePack {
        page: id,
        path: format!("{}{PACK_DIR}", page.path),
        title: s(strings, "pack_title").replace("{title}", &page.title),
    })
}

/// Page `id` read as a leerlijn, or `None` for other kinds.
pub fn leerlijn(site: &Site<'_>, id: PageId) -> Option<Leerlijn> {
    let page = &site.pages[id];
    if !is_leerlijn(site, id) {
        return None;
    }
    let html = &page.body.html.unpack();
    let starts: Vec<usize> = html.match_indices("<h2").map(|(i, _)| i).collect();
    let intro_end = starts.first().copied().unwrap_or(html.len());
    let intro = links_in(site, id, &html[..intro_end]);
    let weeks: Vec<Week> = starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = starts.get(n + 1).copied().unwrap_or(html.len());
            week(site, id, &html[start..end])
        })
        .collect();
    let mut distinct: Vec<&str> = weeks
        .iter()
        .flat_map(|w| {
            w.pages
                .iter()
                .map(|l| l.url.split('#').next().unwrap_or_default())
        })
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    let page_count = distinct.len();
    Some(Leerlijn {
        link: Link::new(site, id),
        intro,
        content: fill_links(site, id, &enrich(site, id, html)),
        pack_url: format!("{}{PACK_DIR}", crate::render::url(site, &page.path)),
        page_count,
        week_count: weeks.iter().filter(|w| !w.question.is_empty()).count(),
        weeks,
    })
}

/// A regular page of the leerlijn kind (the section page is not a course).
fn is_leerlijn(site: &Site<'_>, id: PageId) -> bool {
    is_leerlijn_page(&site.pages[id])
}

/// Whether `page` is a leerlijn: the only pages whose body HTML the
/// generated pages read (a course pack shows its leerlijn's weeks).
pub fn is_leerlijn_page(page: &Page) -> bool {
    page.role == Role::Page && page.kind.as_deref() == Some(LEERLIJN_KIND)
}

fn week(site: &Site<'_>, id: PageId, chunk: &str) -> Week {
    let heading_id = chunk
        .split_once("id=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("", |(v, _)| v)
        .to_string();
    let title = site.pages[id]
        .body
        .headings
        .iter()
        .find(|h| h.id == heading_id)
        .map_or_else(|| heading_id.clone(), |h| h.text.clone());
    let question_html = question(chunk)
        .map(|q| fill_links(site, id, q).trim().to_string())
        .unwrap_or_default();
    Week {
        id: heading_id,
        title,
        pages: links_in(site, id, chunk),
        question: crate::markdown::html_text(&question_html),
        question_html,
    }
}

/// The HTML of the question after its marker, up to the paragraph's end.
fn question(chunk: &str) -> Option<&str> {
    QUESTION_MARKERS.iter().find_map(|m| {
        let at = chunk.find(&format!("<strong>{m}"))?;
        let rest = &chunk[at..];
        let after = rest.find("</strong>")? + "</strong>".len();
        let end = rest.find("</p>")?;
        (after <= end).then(|| rest[after..end].trim_start_matches(':'))
    })
}

/// The slot numbers of internal link hrefs in `html`, in order.
fn slots(html: &str) -> Vec<usize> {
    let marker = format!("{SLOT}H");
    html.match_indices(&marker)
        .filter_map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest[..rest.find(SLOT)?].parse().ok()
        })
        .collect()
}

/// Pages linked in `html`, in order, without repeats or the page itself.
fn links_in(site: &Site<'_>, id: PageId, html: &str) -> Vec<Link> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for n in slots(html) {
        let Some(Some(t)) = site.links[id].get(n) else {
            continue;
        };
        if t.page == id || seen.contains(&(t.page, t.anchor.clone())) {
            continue;
        }
        seen.push((t.page, t.anchor.clone()));
        out.push(Link::with_anchor(site, t.page, t.anchor.as_deref()));
    }
    out
}

/// Mark question paragraphs and add kind and summary to list items that
/// are a single internal link (the reading lists).
fn enrich(site: &Site<'_>, id: PageId, html: &str) -> String {
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    while let Some(start) = rest.find("<li>") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "<li>".len()..];
        let Some(end) = after.find("</li>") else {
            rest = &rest[start..];
            break;
        };
        let inner = &after[..end];
        match reading_item(site, id, inner) {
            Some(extra) => {
                out.push_str("<li class=\"lezen\">");
                out.push_str(inner);
                out.push_str(&extra);
            }
            None => {
                out.push_str("<li>");
                out.push_str(inner);
            }
        }
        out.push_str("</li>");
        rest = &after[end + "</li>".len()..];
    }
    out.push_str(rest);
    for m in QUESTION_MARKERS {
        out = out.replace(
            &format!("<p><strong>{m}"),
            &format!("<p class=\"reflectie\"><strong>{m}"),
        );
    }
    out
}

/// For `<a href="slot">…</a>` alone in a list item: the kind and summary
/// to append.
fn reading_item(site: &Site<'_>, id: PageId, inner: &str) -> Option<String> {
    let inner = inner.trim();
    if !inner.starts_with(&format!("<a href=\"{SLOT}H"))
        || !inner.ends_with("</a>")
        || inner.matches("<a ").count() != 1
    {
        return None;
    }
    let n = *slots(inner).first()?;
    let target = site.links[id].get(n)?.as_ref()?;
    let link = Link::new(site, target.page);
    let mut extra = String::new();
    if !link.kind_label.is_empty() {
        extra.push_str(&format!(
            " <span class=\"lezen-soort\">{}</span>",
            escape_html(&link.kind_label)
        ));
    }
    if !link.summary.is_empty() {
        extra.push_str(&format!(
            "<span class=\"lezen-samenvatting\">{}</span>",
            escape_html(&link.summary)
        ));
    }
    Some(extra)
}
