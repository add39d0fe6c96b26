//! Facets, generated from the schema: the page kind, and every `enum`,
//! `ref` and `refs` field. Fields with the same name in several kinds
//! (`niveaus` on methods and practices) are one facet, so the URL parameter
//! is simply the field name. Values are enum values or the slugs of the
//! pages referred to; labels are what a reader sees.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::FieldType;
use crate::frontmatter::FieldValue;
use crate::page::Role;
use crate::render::natural_cmp;
use crate::site::{PageId, Site};

/// The URL parameter of the kind facet.
pub const KIND_PARAM: &str = "kind";

/// One facet: a URL parameter with its values.
#[derive(Debug, Serialize)]
pub struct Facet {
    /// URL parameter: `kind` or the field name.
    pub param: String,
    /// Display label (empty for the kind facet: the theme names it).
    pub label: String,
    /// Values with at least one page, in schema order.
    #[serde(skip)]
    pub values: Vec<FacetValue>,
}

/// One value of a facet and the pages that have it.
#[derive(Debug)]
pub struct FacetValue {
    /// Enum value, slug, or kind name.
    pub value: String,
    /// Display label.
    pub label: String,
    /// Pages with this value, ascending.
    pub docs: Vec<u32>,
}

/// All facets of a site, kind first, then fields in schema order.
pub fn facets(site: &Site<'_>) -> Vec<Facet> {
    let mut out = vec![kind_facet(site)];
    let mut order: Vec<String> = Vec::new();
    for kind in &site.config.kinds {
        for field in &kind.fields {
            let facetable = matches!(
                field.ty,
                FieldType::Enum(_) | FieldType::Ref(_) | FieldType::Refs(_)
            );
            if facetable && field.name != KIND_PARAM && !order.contains(&field.name) {
                order.push(field.name.clone());
            }
        }
    }
    for name in order {
        out.push(field_facet(site, &name));
    }
    out.retain(|f| !f.values.is_empty());
    out
}

fn kind_facet(site: &Site<'_>) -> Facet {
    let values = site
        .config
        .kinds
        .iter()
        .map(|k| FacetValue {
            value: k.name.clone(),
            label: k.plural.clone(),
            docs: ids(site, |p| {
                p.role == Role::Page && p.kind.as_deref() == Some(k.name.as_str())
            }),
        })
        .filter(|v| !v.docs.is_empty())
        .collect();
    Facet {
        param: KIND_PARAM.into(),
        label: String::new(),
        values,
    }
}

fn ids(site: &Site<'_>, keep: impl Fn(&crate::page::Page) -> bool) -> Vec<u32> {
    (0..site.pages.len())
        .filter(|&i| keep(&site.pages[i]))
        .filter_map(|i| u32::try_from(i).ok())
        .collect()
}

fn field_facet(site: &Site<'_>, name: &str) -> Facet {
    let fields: Vec<_> = site
        .config
        .kinds
        .iter()
        .flat_map(|k| k.fields.iter())
        .filter(|f| f.name == name)
        .collect();
    let label = fields.first().map_or_else(String::new, |f| f.label.clone());
    let mut enum_values: Vec<String> = Vec::new();
    let mut targets: BTreeMap<PageId, Vec<u32>> = BTreeMap::new();
    for f in &fields {
        if let FieldType::Enum(vs) = &f.ty {
            for v in vs {
                if !enum_values.contains(v) {
                    enum_values.push(v.clone());
                }
            }
        }
    }
    for (id, page) in site.pages.iter().enumerate() {
        let Ok(doc) = u32::try_from(id) else { continue };
        for t in site.refs[id].get(name).into_iter().flatten() {
            targets.entry(*t).or_default().push(doc);
        }
        let _ = page;
    }
    let mut values: Vec<FacetValue> = enum_values
        .iter()
        .map(|v| FacetValue {
            value: v.clone(),
            label: humanize(v),
            docs: ids(site, |p| {
                p.fields
                    .iter()
                    .any(|(n, fv)| n == name && matches!(fv, FieldValue::Enum(x) if x == v))
            }),
        })
        .filter(|v| !v.docs.is_empty())
        .collect();
    let mut refs: Vec<(PageId, Vec<u32>)> = targets.into_iter().collect();
    refs.sort_by(|(a, _), (b, _)| {
        let (pa, pb) = (&site.pages[*a], &site.pages[*b]);
        pa.weight
            .cmp(&pb.weight)
            .then_with(|| natural_cmp(&pa.title, &pb.title))
            .then_with(|| pa.path.cmp(&pb.path))
    });
    values.extend(refs.into_iter().map(|(t, mut docs)| {
        docs.sort_unstable();
        docs.dedup();
        FacetValue {
            value: site.pages[t].slug.clone(),
            label: site.pages[t].title.clone(),
            docs,
        }
    }));
    Facet {
        param: name.to_string(),
        label,
        values,
    }
}

/// `goed-onderbouwd` → `Goed onderbouwd`.
fn humanize(value: &str) -> String {
    let spaced = value.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
