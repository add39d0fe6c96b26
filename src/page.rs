//! One content file in, one `Page` (plus diagnostics) out.
//!
//! This stage sees a single file: it decodes it, splits and checks the front
//! matter against the schema, and renders the body with link slots. It knows
//! nothing about other pages; cross-page checks belong to `site`.

use crate::config::{Config, Kind};
use crate::diagnostic::{Diagnostic, Loc, hint};
use crate::frontmatter::{self, Checker, FieldValue};
use crate::highlight::Highlighter;
use crate::markdown::{self, Body};
use crate::slug;
use crate::source::{self, LineIndex, SourceFile};
use crate::yaml::{self, Node, Value};

/// What a page is in the site structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// `content/_index.md`, the home page.
    Home,
    /// `content/<section>/_index.md`, a kind's section page.
    Section,
    /// A regular page (of a kind, or a standalone page at the content root).
    Page,
}

/// A parsed page.
#[derive(Clone, Debug)]
pub struct Page {
    /// Source path relative to the site root.
    pub source: String,
    /// Home, section or regular page.
    pub role: Role,
    /// Kind name for kind pages and section pages; `None` for home and
    /// standalone pages.
    pub kind: Option<String>,
    /// The slug (empty for home and section pages, which use the section).
    pub slug: String,
    /// Where the slug comes from (the `slug:` value or the file start).
    pub slug_loc: Loc,
    /// URL path below the base path, e.g. `methoden/x/` (`""` for home).
    pub path: String,
    /// Title.
    pub title: String,
    /// Summary (from front matter, else the start of the text).
    pub summary: String,
    /// `date`.
    pub date: Option<String>,
    /// `updated`.
    pub updated: Option<String>,
    /// `draft`.
    pub draft: bool,
    /// `weight` (sort key; default 0).
    pub weight: i64,
    /// Old URL paths that redirect here, with their positions.
    pub aliases: Vec<(String, Loc)>,
    /// Declared fields that are set, in schema order.
    pub fields: Vec<(String, FieldValue)>,
    /// Rendered body with link slots.
    pub body: Body,
}

/// Where a content file sits in the site.
#[derive(Clone, Copy, Debug)]
pub enum Placement<'a> {
    /// Home page.
    Home,
    /// A section page of `kind`.
    Section(&'a Kind),
    /// A page of `kind` with the given file stem.
    Kind(&'a Kind, &'a str),
    /// A standalone page at the content root.
    Root(&'a str),
}

/// Place a content path, or explain why it cannot be placed.
pub fn place<'a>(config: &'a Config, path: &'a str) -> Result<Placement<'a>, String> {
    let rel = path.strip_prefix("content/").unwrap_or(path);
    let parts: Vec<&str> = rel.split('/').collect();
    let stem = |f: &'a str| f.strip_suffix(".md").unwrap_or(f);
    match parts.as_slice() {
        ["_index.md"] => Ok(Placement::Home),
        [file] => Ok(Placement::Root(stem(file))),
        [section, file] => {
            let kind = config.kind_by_section(section).ok_or_else(|| {
                let sections: Vec<&str> = config.kinds.iter().map(|k| k.section.as_str()).collect();
                format!(
                    "folder `content/{section}/` belongs to no kind{}; declare a kind with `section: {section}` in site.yaml or move the file",
                    hint(section, sections.iter().copied())
                )
            })?;
            if *file == "_index.md" { Ok(Placement::Section(kind)) } else { Ok(Placement::Kind(kind, stem(file))) }
        }
        _ => Err("pages may only sit in `content/` or one section folder below it; nested folders are not supported".into()),
    }
}

/// Parse one content file.
pub fn parse(
    file: &SourceFile,
    config: &Config,
    highlighter: &Highlighter,
) -> (Option<Page>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let page = parse_inner(file, config, highlighter, &mut diags);
    (page, diags)
}

fn parse_inner(
    file: &SourceFile,
    config: &Config,
    highlighter: &Highlighter,
    diags: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let path = file.path.as_str();
    let placement = match place(config, path) {
        Ok(p) => p,
        Err(msg) => {
            diags.push(Diagnostic::error(path, Loc::START, "misplaced-file", msg));
            return None;
        }
    };
    let text = match source::decode(file) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    // A BOM is an editor artefact, not content: drop it silently.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let index = LineIndex::new(text);
    let split = match frontmatter::split(text) {
        Ok(s) => s,
        Err((loc, msg)) => {
            diags.push(Diagnostic::error(path, loc, "front-matter", msg));
            return None;
        }
    };
    let root = match yaml::parse(split.yaml, split.yaml_line_offset) {
        Ok(Some(root)) if matches!(root.value, Value::Map(_)) => root,
        Ok(Some(other)) => {
            diags.push(Diagnostic::error(
                path,
                other.loc,
                "front-matter",
                format!(
                    "front matter must be a mapping of `key: value` lines, not {}",
                    other.shape()
                ),
            ));
            return None;
        }
        Ok(None) => Node {
            value: Value::Map(Vec::new()),
            loc: Loc::new(2, 1),
        },
        Err(e) => {
            diags.push(Diagnostic::error(path, e.loc, "yaml-syntax", e.message));
            return None;
        }
    };

    let kind = match placement {
        Placement::Section(k) | Placement::Kind(k, _) => Some(k),
        Placement::Home | Placement::Root(_) => None,
    };
    let mut ck = Checker {
        file: path,
        diags: Vec::new(),
    };
    // Section and home pages only hold their own text: kind fields apply to
    // the kind's regular pages.
    let schema = if matches!(placement, Placement::Kind(..)) {
        kind
    } else {
        None
    };
    ck.unknown_keys(&root, schema);
    let common = common_fields(&root, &mut ck);
    let fields = schema.map_or_else(Vec::new, |k| {
        k.fields
            .iter()
            .filter_map(|f| ck.field(&root, f).map(|v| (f.name.clone(), v)))
            .collect()
    });
    diags.append(&mut ck.diags);

    let (role, slug, slug_loc, url_path) = match placement {
        Placement::Home => (Role::Home, String::new(), Loc::START, String::new()),
        Placement::Section(k) => (
            Role::Section,
            String::new(),
            Loc::START,
            format!("{}/", k.section),
        ),
        Placement::Kind(_, stem) | Placement::Root(stem) => {
            let (slug, loc) = match &common.slug {
                Some((s, loc)) => (s.clone(), *loc),
                None => (slug::slugify(stem), Loc::START),
            };
            if let Err(msg) = slug::check(&slug) {
                diags.push(Diagnostic::error(
                    path,
                    loc,
                    "bad-slug",
                    format!("{msg}; set `slug:` in the front matter or rename the file"),
                ));
                return None;
            }
            let prefix = kind.map_or_else(String::new, |_| format!("{}/", k_section(placement)));
            (Role::Page, slug.clone(), loc, format!("{prefix}{slug}/"))
        }
    };

    let ctx = markdown::Ctx {
        file: path,
        text,
        index: &index,
        body_offset: split.body_offset,
        highlighter,
    };
    let body = markdown::render_body(split.body, &ctx, diags);
    let Some(title) = common.title else {
        diags.push(Diagnostic::error(
            path,
            Loc::START,
            "missing-field",
            "missing required field `title`; add `title: …` to the front matter",
        ));
        return None;
    };
    let summary = common
        .summary
        .unwrap_or_else(|| excerpt(&body.text.unpack(), 200));
    Some(Page {
        source: path.to_string(),
        role,
        kind: kind.map(|k| k.name.clone()),
        slug,
        slug_loc,
        path: url_path,
        title,
        summary,
        date: common.date,
        updated: common.updated,
        draft: common.draft,
        weight: common.weight,
        aliases: common.aliases,
        fields,
        body,
    })
}

fn k_section<'a>(p: Placement<'a>) -> &'a str {
    match p {
        Placement::Kind(k, _) | Placement::Section(k) => &k.section,
        _ => "",
    }
}

#[derive(Default)]
struct Common {
    title: Option<String>,
    slug: Option<(String, Loc)>,
    summary: Option<String>,
    date: Option<String>,
    updated: Option<String>,
    draft: bool,
    weight: i64,
    aliases: Vec<(String, Loc)>,
}

fn common_fields(root: &Node, ck: &mut Checker<'_>) -> Common {
    let mut c = Common::default();
    let get = |k: &str| root.get(k).filter(|n| !n.is_null());
    if let Some(n) = get("title") {
        match ck.scalar(n, "title") {
            Some(t) if !t.trim().is_empty() => c.title = Some(t.trim().to_string()),
            Some(_) => ck.diags.push(Diagnostic::error(
                ck.file,
                n.loc,
                "wrong-type",
                "`title` is empty; give the page a title",
            )),
            None => {}
        }
    }
    if let Some(n) = get("slug") {
        c.slug = ck.scalar(n, "slug").map(|s| (s.to_string(), n.loc));
    }
    if let Some(n) = get("summary") {
        c.summary = ck.scalar(n, "summary").map(|s| s.trim().to_string());
    }
    c.date = get("date").and_then(|n| ck.date(n, "date"));
    c.updated = get("updated").and_then(|n| ck.date(n, "updated"));
    c.draft = get("draft")
        .and_then(|n| ck.bool(n, "draft"))
        .unwrap_or(false);
    c.weight = get("weight").and_then(|n| ck.int(n, "weight")).unwrap_or(0);
    if let Some(n) = get("aliases") {
        for (alias, loc) in ck.list(n, "aliases").unwrap_or_default() {
            match normalize_alias(&alias) {
                Ok(a) => c.aliases.push((a, loc)),
                Err(msg) => ck
                    .diags
                    .push(Diagnostic::error(ck.file, loc, "bad-alias", msg)),
            }
        }
    }
    c
}

/// Normalise an alias to a URL path below the base path without leading
/// slash: `/oud/pad` → `oud/pad/`; `/oud.html` stays a file.
pub fn normalize_alias(alias: &str) -> Result<String, String> {
    let trimmed = alias.trim().trim_start_matches('/');
    let bad = trimmed.is_empty()
        || trimmed.split('/').any(|s| s == ".." || s == ".")
        || trimmed.contains(['\\', '%', '?', '#', '"', '<', '>', ' '])
        || trimmed.contains("//")
        || trimmed.chars().any(char::is_control);
    if bad {
        return Err(format!(
            "alias `{alias}` is not a clean URL path; write it like `/oude/plek/` (no `..`, `%`, `\\`, `?` or `#`)"
        ));
    }
    if trimmed.ends_with(".html") || trimmed.ends_with('/') {
        Ok(trimmed.to_string())
    } else {
        Ok(format!("{trimmed}/"))
    }
}

/// The first `max` characters of `text`, cut at a word boundary.
pub fn excerpt(text: &str, max: usize) -> String {
    let words = text.split_whitespace();
    let mut out = String::new();
    for w in words {
        if out.chars().count() + w.chars().count() + 1 > max {
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}
