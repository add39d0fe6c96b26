//! The overview page: relation matrices (methods × SDG's, methods ×
//! niveaus, and the same for every kind that refers to SDG's or niveaus)
//! and the SDG tiles in their official colours, with counts.
//!
//! Colours come from content (the `kleur` field), so they reach the page
//! through a generated stylesheet of classes (`kleur-sdg-1`), never inline
//! styles: the site keeps working under a strict Content-Security-Policy.
//! Each colour gets black or white text, whichever contrasts more; by the
//! WCAG formula the better of the two is always at least 4.58:1.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{
    Link, NIVEAU_KIND, SDG_KIND, Strings, is_page_of, kind_index, pages_of, s, short_title,
};
use crate::config::{FieldType, Kind};
use crate::frontmatter::FieldValue;
use crate::site::{BODY_FIELD, PageId, Site};
use crate::slug::slugify;

/// The field whose value is a page's colour.
const COLOUR_FIELD: &str = "kleur";
/// Column kinds of the matrices, in order.
const COLUMN_KINDS: [&str; 2] = [SDG_KIND, NIVEAU_KIND];

/// Everything on the overview page.
#[derive(Serialize, Clone, Debug)]
pub struct Overview {
    /// SDG tiles.
    pub tiles: Vec<Tile>,
    /// Relation matrices.
    pub matrices: Vec<Matrix>,
}

/// One goal as a coloured tile.
#[derive(Serialize, Clone, Debug)]
pub struct Tile {
    /// The SDG page.
    pub link: Link,
    /// `SDG 1`.
    pub short: String,
    /// `Geen armoede`.
    pub name: String,
    /// Colour class from the generated stylesheet (empty without `kleur`).
    pub class: String,
    /// Pages that refer to it through a field, per kind (schema order).
    pub counts: Vec<Count>,
    /// Sum of `counts`.
    pub total: usize,
}

/// A number of pages of one kind.
#[derive(Serialize, Clone, Debug)]
pub struct Count {
    /// The kind's label, plural unless the count is one.
    pub label: String,
    /// How many.
    pub count: usize,
}

/// Rows of one kind against the pages of another kind.
#[derive(Serialize, Clone, Debug)]
pub struct Matrix {
    /// Anchor id (`methode-sdg`).
    pub id: String,
    /// `Methoden × Niveaus`.
    pub caption: String,
    /// Plural label of the row kind.
    pub row_label: String,
    /// Column pages.
    pub columns: Vec<Column>,
    /// Row pages.
    pub rows: Vec<Row>,
    /// Marked cells in all.
    pub total: usize,
}

/// A column of a matrix.
#[derive(Serialize, Clone, Debug)]
pub struct Column {
    /// The column page.
    pub link: Link,
    /// Short header (`SDG 1`).
    pub short: String,
    /// The rest of the title (`Geen armoede`), for screen readers and print.
    pub rest: String,
    /// Colour class, if the page has a colour.
    pub class: String,
    /// Rows that refer to it.
    pub count: usize,
}

/// A row of a matrix.
#[derive(Serialize, Clone, Debug)]
pub struct Row {
    /// The row page.
    pub link: Link,
    /// One per column: whether the row refers to that column's page.
    pub cells: Vec<bool>,
    /// Columns it refers to.
    pub count: usize,
}

/// The overview, or `None` when the schema has neither SDG's nor niveaus.
pub fn overview(site: &Site<'_>, strings: &Strings) -> Option<Overview> {
    let tiles = sdg_tiles(site);
    let matrices = matrices(site, strings);
    (!tiles.is_empty() || !matrices.is_empty()).then_some(Overview { tiles, matrices })
}

/// The SDG pages as tiles, in their order (weight, then number).
pub fn sdg_tiles(site: &Site<'_>) -> Vec<Tile> {
    pages_of(site, SDG_KIND)
        .into_iter()
        .map(|id| {
            let title = &site.pages[id].title;
            let (short, name) = short_title(title);
            let counts = referrers_by_kind(site, id);
            Tile {
                link: Link::new(site, id),
                short: short.to_string(),
                name: name.to_string(),
                class: colour_class(site, id).unwrap_or_default(),
                total: counts.iter().map(|c| c.count).sum(),
                counts,
            }
        })
        .collect()
}

/// Pages that refer to `id` through a front-matter field, counted per kind.
fn referrers_by_kind(site: &Site<'_>, id: PageId) -> Vec<Count> {
    let sources: BTreeSet<PageId> = site.incoming[id]
        .iter()
        .filter(|(_, f)| &**f != BODY_FIELD)
        .map(|(p, _)| *p)
        .collect();
    let mut by_kind: BTreeMap<usize, (&Kind, usize)> = BTreeMap::new();
    for p in sources {
        let Some(kind) = site.pages[p]
            .kind
            .as_deref()
            .and_then(|k| site.config.kind(k))
        else {
            continue;
        };
        by_kind.entry(kind_index(site, p)).or_insert((kind, 0)).1 += 1;
    }
    by_kind
        .into_values()
        .map(|(kind, count)| Count {
            label: if count == 1 {
                &kind.label
            } else {
                &kind.plural
            }
            .clone(),
            count,
        })
        .collect()
}

fn matrices(site: &Site<'_>, strings: &Strings) -> Vec<Matrix> {
    matrix_specs(site)
        .into_iter()
        .map(|spec| {
            let m = matrix(site, &spec.rows, &spec.cols, &spec.fields);
            Matrix {
                id: format!(
                    "{}-{}",
                    slugify(&spec.row_kind.name),
                    slugify(&spec.col_kind.name)
                ),
                caption: s(strings, "matrix_caption")
                    .replace("{rows}", &spec.row_kind.plural)
                    .replace("{columns}", &spec.col_kind.plural),
                row_label: spec.row_kind.plural.clone(),
                ..m
            }
        })
        .collect()
}

/// Whether the site has an overview page: what `overview` returns `Some`
/// for, without computing the matrices (every render asks).
pub fn has_overview(site: &Site<'_>) -> bool {
    // Only whether there are pages, not which in what order: sorting every
    // kind's pages by title held up the start of rendering by 10 ms on a
    // 10,000-page site.
    let any = |kind: &str| site.pages.iter().any(|p| is_page_of(p, kind));
    any(SDG_KIND)
        || matrix_pairs(site)
            .iter()
            .any(|(row_kind, col_kind, _)| any(&row_kind.name) && any(&col_kind.name))
}

/// One matrix to draw: a kind's pages against a column kind's, through the
/// ref fields between them.
struct MatrixSpec<'s> {
    row_kind: &'s Kind,
    col_kind: &'s Kind,
    fields: Vec<&'s str>,
    rows: Vec<PageId>,
    cols: Vec<PageId>,
}

fn matrix_specs<'s>(site: &'s Site<'_>) -> Vec<MatrixSpec<'s>> {
    matrix_pairs(site)
        .into_iter()
        .filter_map(|(row_kind, col_kind, fields)| {
            let (rows, cols) = (
                pages_of(site, &row_kind.name),
                pages_of(site, &col_kind.name),
            );
            (!rows.is_empty() && !cols.is_empty()).then_some(MatrixSpec {
                row_kind,
                col_kind,
                fields,
                rows,
                cols,
            })
        })
        .collect()
}

/// The kinds a matrix could be drawn for, row kind against column kind,
/// with the ref fields between them; whether either has pages is not
/// asked.
fn matrix_pairs<'s>(site: &'s Site<'_>) -> Vec<(&'s Kind, &'s Kind, Vec<&'s str>)> {
    let mut out = Vec::new();
    for row_kind in &site.config.kinds {
        for col_kind in COLUMN_KINDS {
            if row_kind.name == col_kind {
                continue;
            }
            let fields: Vec<&str> = row_kind
                .fields
                .iter()
                .filter(
                    |f| matches!(&f.ty, FieldType::Ref(t) | FieldType::Refs(t) if t == col_kind),
                )
                .map(|f| f.name.as_str())
                .collect();
            let Some(col) = site.config.kind(col_kind) else {
                continue;
            };
            if fields.is_empty() {
                continue;
            }
            out.push((row_kind, col, fields));
        }
    }
    out
}

fn matrix(site: &Site<'_>, rows: &[PageId], cols: &[PageId], fields: &[&str]) -> Matrix {
    let col_pos: BTreeMap<PageId, usize> = cols.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let mut col_counts = vec![0; cols.len()];
    let rows: Vec<Row> = rows
        .iter()
        .map(|&r| {
            let mut cells = vec![false; cols.len()];
            for f in fields {
                for t in site.refs[r].get(*f).into_iter().flatten() {
                    if let Some(&i) = col_pos.get(t) {
                        cells[i] = true;
                    }
                }
            }
            for (i, c) in cells.iter().enumerate() {
                col_counts[i] += usize::from(*c);
            }
            Row {
                link: Link::new(site, r),
                count: cells.iter().filter(|c| **c).count(),
                cells,
            }
        })
        .collect();
    let columns = cols
        .iter()
        .zip(col_counts)
        .map(|(&c, count)| {
            let (short, rest) = short_title(&site.pages[c].title);
            Column {
                link: Link::new(site, c),
                short: short.to_string(),
                rest: rest.to_string(),
                class: colour_class(site, c).unwrap_or_default(),
                count,
            }
        })
        .collect();
    Matrix {
        id: String::new(),
        caption: String::new(),
        row_label: String::new(),
        total: rows.iter().map(|r| r.count).sum(),
        columns,
        rows,
    }
}

/// `#rrggbb` (or `#rgb`) as three bytes.
fn parse_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize, n: usize| u8::from_str_radix(&hex[i..i + n], 16).ok();
    match hex.len() {
        6 => Some([digit(0, 2)?, digit(2, 2)?, digit(4, 2)?]),
        3 => Some([digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17]),
        _ => None,
    }
}

/// WCAG 2.1 relative luminance.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG contrast ratio of two luminances.
fn contrast(a: f64, b: f64) -> f64 {
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// Black or white text, whichever contrasts more with `bg`.
fn text_colour(bg: [u8; 3]) -> (&'static str, f64) {
    let l = luminance(bg);
    let (black, white) = (contrast(l, 0.0), contrast(l, 1.0));
    if black >= white {
        ("#000000", black)
    } else {
        ("#ffffff", white)
    }
}

/// The page's colour, when it has a valid `kleur`.
fn colour(site: &Site<'_>, id: PageId) -> Option<[u8; 3]> {
    site.pages[id].fields.iter().find_map(|(name, v)| match v {
        FieldValue::Text(t) if name == COLOUR_FIELD => parse_colour(t),
        _ => None,
    })
}

/// The class name for a page's colour, when it has one.
fn colour_class(site: &Site<'_>, id: PageId) -> Option<String> {
    colour(site, id)?;
    let p = &site.pages[id];
    Some(format!(
        "kleur-{}-{}",
        slugify(p.kind.as_deref().unwrap_or("pagina")),
        slugify(&p.slug)
    ))
}

/// The generated stylesheet: one class per page with a colour, and the
/// site's origin so printed pages can show full link URLs.
pub fn colour_css(site: &Site<'_>) -> String {
    let mut css =
        String::from("/* Generated by Vakwerk from content: colours and the site origin. */\n");
    if let Some(origin) = origin(&site.config.base_url) {
        css.push_str(&format!(":root {{ --origin: \"{origin}\"; }}\n"));
    }
    for id in 0..site.pages.len() {
        if let (Some(rgb), Some(class)) = (colour(site, id), colour_class(site, id)) {
            let (fg, _) = text_colour(rgb);
            css.push_str(&format!(
                ".{class} {{ --kleur: #{:02x}{:02x}{:02x}; --kleur-fg: {fg}; }}\n",
                rgb[0], rgb[1], rgb[2]
            ));
        }
    }
    css
}

/// `https://host` of an absolute base URL; `None` for anything that could
/// break out of a CSS string.
fn origin(base_url: &str) -> Option<&str> {
    let rest = base_url
        .strip_prefix("https://")
        .or_else(|| base_url.strip_prefix("http://"))?;
    let host_len = rest.find('/').unwrap_or(rest.len());
    let end = base_url.len() - rest.len() + host_len;
    let origin = &base_url[..end];
    origin
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-.:/[]".contains(&b))
        .then_some(origin)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The seventeen official SDG colours, as in `content/sdg/`.
    const SDG: [&str; 17] = [
        "#E5243B", "#DDA63A", "#4C9F38", "#C5192D", "#FF3A21", "#26BDE2", "#FCC30B", "#A21942",
        "#FD6925", "#DD1367", "#FD9D24", "#BF8B2E", "#3F7E44", "#0A97D9", "#56C02B", "#00689D",
        "#19486A",
    ];

    #[test]
    fn every_sdg_colour_gets_aa_text() {
        for c in SDG {
            let (_, ratio) = text_colour(parse_colour(c).unwrap());
            assert!(ratio >= 4.5, "{c}: {ratio}");
        }
        assert_eq!(text_colour([0x19, 0x48, 0x6a]).0, "#ffffff");
        assert_eq!(text_colour([0xfc, 0xc3, 0x0b]).0, "#000000");
    }

    #[test]
    fn colours_parse_strictly() {
        assert_eq!(parse_colour("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_colour("#E5243B"), Some([0xe5, 0x24, 0x3b]));
        assert_eq!(parse_colour("red"), None);
        assert_eq!(parse_colour("#12345"), None);
        assert_eq!(parse_colour("#12;}x"), None);
    }

    #[test]
    fn origin_is_scheme_and_host() {
        assert_eq!(
            origin("https://vakwerk.example.org/kb/"),
            Some("https://vakwerk.example.org")
        );
        assert_eq!(
            origin("http://localhost:8080/"),
            Some("http://localhost:8080")
        );
        assert_eq!(origin("/"), None);
        assert_eq!(origin("https://x\"}/"), None);
    }
}
