//! A static SVG drawing of a page's neighbourhood in the link graph, made at
//! build time without any JavaScript.
//!
//! The layout is a bow tie: pages that refer to this page on the left, pages
//! it refers to on the right, the page itself in the middle, each neighbour
//! one row. Rows never overlap, so labels stay readable without a force
//! layout, and the same input always gives the same drawing. Colours come
//! from CSS classes (`k0`…`k9`, by the kind's place in the schema), so the
//! drawing follows light and dark mode and needs no inline styles. Every
//! node is a link with the full title as its name; the caption and legend
//! are the text alternative.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::{Strings, kind_index, s};
use crate::markdown::{escape_html, escape_html_into};
use crate::page::Role;
use crate::site::{PageId, Site};

/// Most neighbours drawn per side; the rest are counted in a "+N" row.
const MAX_PER_SIDE: usize = 14;
/// Longest label drawn, in characters; longer titles are cut with `…`.
const MAX_LABEL: usize = 30;
/// Kind colours available in the stylesheet (`k0`…`k9`).
const PALETTE: usize = 10;
const WIDTH: u32 = 720;
const ROW: u32 = 24;
const TOP: u32 = 44;
const CX: u32 = 360;
const LEFT_X: u32 = 250;
const RIGHT_X: u32 = 470;

/// The drawing and its text alternative.
#[derive(Serialize, Clone, Debug)]
pub struct Neighbourhood {
    /// The `<svg>` element, escaped and ready to embed.
    pub svg: String,
    /// One sentence that says what the drawing shows.
    pub summary: String,
    /// The kinds drawn, with their colour class and count.
    pub legend: Vec<LegendItem>,
    /// Number of pages this page refers to.
    pub outgoing: usize,
    /// Number of pages that refer to this page.
    pub incoming: usize,
}

/// One kind in the legend.
#[derive(Serialize, Clone, Debug)]
pub struct LegendItem {
    /// Colour class (`k2`).
    pub class: &'static str,
    /// The kind's plural label.
    pub label: String,
    /// Neighbours of this kind.
    pub count: usize,
}

/// A neighbour as drawn.
struct Node {
    id: PageId,
    class: &'static str,
}

/// The neighbourhood of page `id`, or `None` for pages without neighbours
/// and for the home and section pages (which neighbour everything).
pub fn neighbourhood(
    site: &Site<'_>,
    index: &super::Index,
    id: PageId,
    strings: &Strings,
) -> Option<Neighbourhood> {
    if site.pages[id].role != Role::Page {
        return None;
    }
    let is_page = |p: PageId| site.pages[p].role == Role::Page && p != id;
    let mut outgoing: Vec<PageId> = site.refs[id].values().flatten().copied().collect();
    outgoing.extend(site.links[id].iter().flatten().map(|t| t.page));
    outgoing.retain(|&p| is_page(p));
    let mut incoming: Vec<PageId> = site.incoming[id].iter().map(|(p, _)| *p).collect();
    incoming.retain(|&p| is_page(p));
    let (outgoing, incoming) = (distinct(outgoing), distinct(incoming));
    if outgoing.is_empty() && incoming.is_empty() {
        return None;
    }
    // Only the first nodes of a side are drawn, so only they are put in
    // order: a niveau page has thousands of incoming pages.
    let left = nodes(site, &first_in_order(site, index, &incoming));
    let right = nodes(site, &first_in_order(site, index, &outgoing));
    let legend = legend(site, &incoming, &outgoing);
    let title = &site.pages[id].title;
    let summary = s(strings, "graph_summary")
        .replace("{title}", title)
        .replace("{out}", &pages(outgoing.len(), strings))
        .replace("{in}", &pages(incoming.len(), strings));
    Some(Neighbourhood {
        svg: draw(
            site,
            title,
            &left,
            incoming.len(),
            &right,
            outgoing.len(),
            strings,
        ),
        summary,
        legend,
        outgoing: outgoing.len(),
        incoming: incoming.len(),
    })
}

/// `1 pagina`, `3 pagina's`.
fn pages(n: usize, strings: &Strings) -> String {
    let key = if n == 1 { "pages_one" } else { "pages_many" };
    s(strings, key).replace("{n}", &n.to_string())
}

/// Each page once, in id order.
fn distinct(mut ids: Vec<PageId>) -> Vec<PageId> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The first `MAX_PER_SIDE` of `ids` (distinct) by kind (schema order),
/// then title, then id: what the side shows, without ordering the rest.
fn first_in_order(site: &Site<'_>, index: &super::Index, ids: &[PageId]) -> Vec<PageId> {
    // Natural title order by place, not by comparing titles.
    let mut keyed: Vec<(usize, u32, PageId)> = ids
        .iter()
        .map(|&p| (kind_index(site, p), index.title_place(p), p))
        .collect();
    if keyed.len() > MAX_PER_SIDE {
        keyed.select_nth_unstable(MAX_PER_SIDE);
        keyed.truncate(MAX_PER_SIDE);
    }
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, p)| p).collect()
}

fn colour_class(site: &Site<'_>, id: PageId) -> &'static str {
    const CLASSES: [&str; PALETTE] = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"];
    match kind_index(site, id) {
        usize::MAX => "kx",
        i => CLASSES[i % PALETTE],
    }
}

fn nodes(site: &Site<'_>, ids: &[PageId]) -> Vec<Node> {
    ids.iter()
        .map(|&id| Node {
            id,
            class: colour_class(site, id),
        })
        .collect()
}

/// Pages per kind among both sides (a page on both counts once).
fn legend(site: &Site<'_>, incoming: &[PageId], outgoing: &[PageId]) -> Vec<LegendItem> {
    let mut all: Vec<PageId> = incoming.iter().chain(outgoing).copied().collect();
    all.sort_unstable();
    all.dedup();
    let mut by_kind: BTreeMap<usize, (PageId, usize)> = BTreeMap::new();
    for id in all {
        by_kind.entry(kind_index(site, id)).or_insert((id, 0)).1 += 1;
    }
    by_kind
        .into_values()
        .map(|(id, count)| LegendItem {
            class: colour_class(site, id),
            label: site.pages[id]
                .kind
                .as_deref()
                .and_then(|k| site.config.kind(k))
                .map_or_else(String::new, |k| k.plural.clone()),
            count,
        })
        .collect()
}

/// A node's label: `title`, or its first `MAX_LABEL - 1` characters and
/// `…` when it is longer, as a slice of the title plus whether the `…`
/// follows (labels are escaped straight into the drawing, not copied).
fn label(title: &str) -> (&str, bool) {
    // No more bytes than the limit means no more characters either.
    if title.len() <= MAX_LABEL {
        return (title, false);
    }
    match title.char_indices().nth(MAX_LABEL) {
        None => (title, false),
        Some(_) => {
            let cut = title
                .char_indices()
                .nth(MAX_LABEL - 1)
                .map_or(title, |(i, _)| &title[..i]);
            (cut.trim_end(), true)
        }
    }
}

fn truncate(title: &str) -> String {
    let (cut, more) = label(title);
    if more {
        format!("{cut}…")
    } else {
        cut.to_string()
    }
}

/// `n` in decimal, appended.
fn push_num(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

/// Rows a side needs: its nodes, plus one for "+N" when cut.
fn rows(n: usize) -> usize {
    if n > MAX_PER_SIDE {
        MAX_PER_SIDE + 1
    } else {
        n
    }
}

/// The drawing; `left` and `right` are the first nodes of sides of
/// `n_left` and `n_right` pages.
fn draw(
    site: &Site<'_>,
    title: &str,
    left: &[Node],
    n_left: usize,
    right: &[Node],
    n_right: usize,
    strings: &Strings,
) -> String {
    let rows_total = rows(n_left).max(rows(n_right)).max(1) as u32;
    let height = TOP + rows_total * ROW + 12;
    let cy = TOP + rows_total * ROW / 2;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"buurt-svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"group\" aria-labelledby=\"buurt-svg-titel\"><title id=\"buurt-svg-titel\">{}</title>",
        escape_html(&s(strings, "graph_svg_title").replace("{title}", title))
    );
    let _ = write!(
        svg,
        "<text class=\"nb-head\" x=\"{}\" y=\"20\" text-anchor=\"end\">{}</text><text class=\"nb-head\" x=\"{}\" y=\"20\">{}</text>",
        LEFT_X + 6,
        escape_html(s(strings, "graph_incoming")),
        RIGHT_X - 6,
        escape_html(s(strings, "graph_outgoing")),
    );
    side(
        &mut svg,
        site,
        (left, n_left),
        Side::Left,
        rows_total,
        cy,
        strings,
    );
    side(
        &mut svg,
        site,
        (right, n_right),
        Side::Right,
        rows_total,
        cy,
        strings,
    );
    // The page itself last, so it is drawn over the lines.
    let label = truncate(title);
    let w = (label.chars().count() as u32 * 8 + 20).min(LEFT_X + 60);
    let _ = write!(
        svg,
        "<g class=\"nb-centre\"><rect x=\"{}\" y=\"{}\" width=\"{w}\" height=\"26\" rx=\"13\"/><text x=\"{CX}\" y=\"{}\" text-anchor=\"middle\">{}</text></g></svg>",
        CX - w / 2,
        cy - 13,
        cy + 5,
        escape_html(&label)
    );
    svg
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Left,
    Right,
}

fn side(
    svg: &mut String,
    site: &Site<'_>,
    (nodes, total): (&[Node], usize),
    side: Side,
    rows_total: u32,
    cy: u32,
    strings: &Strings,
) {
    let n = rows(total) as u32;
    let first = TOP + (rows_total - n) * ROW / 2 + ROW / 2;
    let (x, anchor, dx) = match side {
        Side::Left => (LEFT_X, "end", -12i32),
        Side::Right => (RIGHT_X, "start", 12),
    };
    let lx = (x as i32 + dx) as u32;
    // Pushed piece by piece, not `write!`: every page draws up to
    // 2 × MAX_PER_SIDE nodes, and the formatting machinery was most of
    // this function's time.
    let mid = (CX + x) / 2;
    for (i, node) in nodes.iter().take(MAX_PER_SIDE).enumerate() {
        let y = first + i as u32 * ROW;
        let p = &site.pages[node.id];
        svg.push_str("<path class=\"nb-line\" d=\"M");
        push_num(svg, CX);
        svg.push(' ');
        push_num(svg, cy);
        svg.push_str(" C");
        push_num(svg, mid);
        svg.push(' ');
        push_num(svg, cy);
        svg.push(' ');
        push_num(svg, mid);
        svg.push(' ');
        push_num(svg, y);
        svg.push(' ');
        push_num(svg, x);
        svg.push(' ');
        push_num(svg, y);
        svg.push_str("\"/><a href=\"");
        escape_html_into(svg, &site.config.base_path);
        escape_html_into(svg, &p.path);
        svg.push_str("\"><title>");
        escape_html_into(svg, &p.title);
        svg.push_str("</title><circle class=\"nb-node ");
        svg.push_str(node.class);
        svg.push_str("\" cx=\"");
        push_num(svg, x);
        svg.push_str("\" cy=\"");
        push_num(svg, y);
        svg.push_str("\" r=\"7\"/><text class=\"nb-label\" x=\"");
        push_num(svg, lx);
        svg.push_str("\" y=\"");
        push_num(svg, y + 5);
        svg.push_str("\" text-anchor=\"");
        svg.push_str(anchor);
        svg.push_str("\">");
        let (cut, more) = label(&p.title);
        escape_html_into(svg, cut);
        if more {
            svg.push('…');
        }
        svg.push_str("</text></a>");
    }
    if total > MAX_PER_SIDE {
        let y = first + MAX_PER_SIDE as u32 * ROW;
        let more = s(strings, "graph_more").replace("{n}", &(total - MAX_PER_SIDE).to_string());
        let _ = write!(
            svg,
            "<text class=\"nb-more\" x=\"{lx}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            y + 5,
            escape_html(&more)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_LABEL, push_num, truncate};

    #[test]
    fn labels_cut_at_a_character_limit() {
        let old = |title: &str| {
            if title.chars().count() <= MAX_LABEL {
                title.to_string()
            } else {
                let cut: String = title.chars().take(MAX_LABEL - 1).collect();
                format!("{}…", cut.trim_end())
            }
        };
        let exact = "a".repeat(MAX_LABEL);
        let over = "a".repeat(MAX_LABEL + 1);
        let accents = "ë".repeat(MAX_LABEL);
        let accents_over = "ë".repeat(MAX_LABEL + 1);
        let space_at_cut = format!("{} b{}", "a".repeat(MAX_LABEL - 2), "c".repeat(5));
        for title in [
            "",
            "Kort",
            &exact,
            &over,
            &accents,
            &accents_over,
            &space_at_cut,
        ] {
            assert_eq!(truncate(title), old(title), "{title}");
        }
    }

    #[test]
    fn push_num_writes_decimal() {
        for n in [0, 7, 10, 99, 1_000, 4_294_967_295] {
            let mut out = String::from("x");
            push_num(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }
}
