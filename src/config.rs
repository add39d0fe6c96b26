//! `site.yaml`: site settings and the content schema (kinds and their fields).
//!
//! The schema lives in configuration, not in Rust, so editors can add a kind
//! without a release. `Config::parse` is pure; every problem in the file is
//! collected and returned at once, each with its line and column. A broken
//! configuration is fatal (exit code 2), unlike content problems.

use std::collections::BTreeSet;

use crate::diagnostic::{Loc, hint};
use crate::yaml::{self, Node, Value};

/// Section folder names the generator itself uses for output.
const RESERVED_SECTIONS: &[&str] = &["zoeken", "static", "search", "graph", "404", "sitemap"];

/// The site configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// Absolute base URL, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending in `/`.
    pub base_path: String,
    /// UI language (`nl` or `en`).
    pub language: String,
    /// Theme name; `default` is built in.
    pub theme: String,
    /// Site description for meta tags.
    pub description: String,
    /// Content kinds, in declaration order.
    pub kinds: Vec<Kind>,
}

/// One content kind: a section folder with a typed front-matter schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Kind {
    /// The kind's name, used in `to:` and templates.
    pub name: String,
    /// Folder under `content/` and first URL segment.
    pub section: String,
    /// Singular display name.
    pub label: String,
    /// Plural display name (section title fallback).
    pub plural: String,
    /// Declared fields, in declaration order.
    pub fields: Vec<Field>,
}

/// One declared front-matter field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Front-matter key.
    pub name: String,
    /// Display label.
    pub label: String,
    /// Value type.
    pub ty: FieldType,
    /// Whether a page must set it.
    pub required: bool,
}

/// Field value types.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldType {
    /// Plain text.
    String,
    /// Markdown, rendered inline.
    Markdown,
    /// Integer.
    Int,
    /// `true` or `false`.
    Bool,
    /// `YYYY-MM-DD`.
    Date,
    /// An absolute http(s) or mailto URL.
    Url,
    /// One of a fixed list of values.
    Enum(Vec<String>),
    /// A list of strings.
    List,
    /// One page of the named kind, by slug.
    Ref(String),
    /// A list of pages of the named kind, by slug.
    Refs(String),
}

impl FieldType {
    /// The type's name as written in `site.yaml`.
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Markdown => "markdown",
            FieldType::Int => "int",
            FieldType::Bool => "bool",
            FieldType::Date => "date",
            FieldType::Url => "url",
            FieldType::Enum(_) => "enum",
            FieldType::List => "list",
            FieldType::Ref(_) => "ref",
            FieldType::Refs(_) => "refs",
        }
    }

    /// The target kind of a `ref` or `refs` field.
    pub fn target(&self) -> Option<&str> {
        match self {
            FieldType::Ref(k) | FieldType::Refs(k) => Some(k),
            _ => None,
        }
    }
}

/// A problem in `site.yaml`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigProblem {
    /// Where.
    pub loc: Loc,
    /// What, and how to fix it.
    pub message: String,
}

impl Config {
    /// The kind with this name.
    pub fn kind(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.name == name)
    }

    /// The kind whose section folder is `section`.
    pub fn kind_by_section(&self, section: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.section == section)
    }

    /// Replace the base URL (from `--base-url`).
    pub fn with_base_url(mut self, url: &str) -> Result<Config, String> {
        let (base_url, base_path) = split_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(self)
    }

    /// Parse `site.yaml`. Returns every problem found, not only the first.
    pub fn parse(text: &str) -> Result<Config, Vec<ConfigProblem>> {
        let root = match yaml::parse(text, 0) {
            Ok(Some(root)) => root,
            Ok(None) => {
                return Err(vec![problem(
                    Loc::START,
                    "site.yaml is empty; it needs at least `title`",
                )]);
            }
            Err(e) => return Err(vec![problem(e.loc, &e.message)]),
        };
        let mut p = Problems(Vec::new());
        let Value::Map(entries) = &root.value else {
            return Err(vec![problem(
                root.loc,
                "site.yaml must be a mapping of keys to values",
            )]);
        };
        let known = [
            "title",
            "base_url",
            "language",
            "theme",
            "description",
            "kinds",
        ];
        for (k, _) in entries {
            let key = k.as_str().unwrap_or_default();
            if !known.contains(&key) {
                p.add(
                    k.loc,
                    format!(
                        "unknown key `{key}` in site.yaml; known keys are {}{}",
                        known.join(", "),
                        hint(key, known)
                    ),
                );
            }
        }
        let title = p.string(&root, "title", true).unwrap_or_default();
        let base = p
            .string(&root, "base_url", false)
            .unwrap_or_else(|| "/".to_string());
        let (base_url, base_path) = match split_base_url(&base) {
            Ok(v) => v,
            Err(msg) => {
                p.add(root.get("base_url").map_or(Loc::START, |n| n.loc), msg);
                (String::from("/"), String::from("/"))
            }
        };
        let language = p
            .string(&root, "language", false)
            .unwrap_or_else(|| "nl".to_string());
        if !matches!(language.as_str(), "nl" | "en") {
            p.add(
                root.get("language").map_or(Loc::START, |n| n.loc),
                format!("language `{language}` is not supported; use `nl` or `en`"),
            );
        }
        let theme = p
            .string(&root, "theme", false)
            .unwrap_or_else(|| "default".to_string());
        if theme.is_empty()
            || !theme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            p.add(
                root.get("theme").map_or(Loc::START, |n| n.loc),
                "theme names use letters, digits, `-` and `_` only",
            );
        }
        let description = p.string(&root, "description", false).unwrap_or_default();
        let kinds = match root.get("kinds") {
            Some(node) if !node.is_null() => parse_kinds(node, &mut p),
            _ => Vec::new(),
        };
        check_kinds(&kinds, &root, &mut p);
        if p.0.is_empty() {
            Ok(Config {
                title,
                base_url,
                base_path,
                language,
                theme,
                description,
                kinds,
            })
        } else {
            Err(p.0)
        }
    }
}

fn problem(loc: Loc, message: &str) -> ConfigProblem {
    ConfigProblem {
        loc,
        message: message.to_string(),
    }
}

struct Problems(Vec<ConfigProblem>);

impl Problems {
    fn add(&mut self, loc: Loc, message: impl Into<String>) {
        self.0.push(ConfigProblem {
            loc,
            message: message.into(),
        });
    }

    fn string(&mut self, map: &Node, key: &str, required: bool) -> Option<String> {
        match map.get(key) {
            None => {
                if required {
                    self.add(map.loc, format!("missing `{key}`; add `{key}: …`"));
                }
                None
            }
            Some(n) => match &n.value {
                Value::Scalar { text, .. } => Some(text.clone()),
                _ => {
                    self.add(
                        n.loc,
                        format!("`{key}` must be a single value, not {}", n.shape()),
                    );
                    None
                }
            },
        }
    }
}

/// Split an absolute base URL into its normalised form and its path.
fn split_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim();
    if url == "/" || url.is_empty() {
        return Ok(("/".to_string(), "/".to_string()));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url `{url}` must start with https:// or http://"))?;
    if rest.is_empty() || rest.contains(['"', '<', '>', ' ', '\'', '\\', '?', '#']) {
        return Err(format!("base_url `{url}` is not a valid URL"));
    }
    let path = match rest.find('/') {
        Some(i) => &rest[i..],
        None => "/",
    };
    let path = if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    };
    let mut base = url.to_string();
    if !base.ends_with('/') {
        base.push('/');
    }
    Ok((base, path))
}

fn parse_kinds(node: &Node, p: &mut Problems) -> Vec<Kind> {
    let Value::Map(entries) = &node.value else {
        p.add(
            node.loc,
            "`kinds` must be a mapping from kind name to its definition",
        );
        return Vec::new();
    };
    let mut kinds = Vec::new();
    for (k, def) in entries {
        let name = k.as_str().unwrap_or_default().to_string();
        if !is_name(&name) {
            p.add(
                k.loc,
                format!("kind name `{name}` must use lowercase letters, digits, `-` and `_`"),
            );
        }
        if !matches!(def.value, Value::Map(_)) {
            p.add(
                def.loc,
                format!("kind `{name}` must be a mapping with `section` and `fields`"),
            );
            continue;
        }
        let known = ["section", "label", "plural", "fields"];
        if let Value::Map(keys) = &def.value {
            for (key, _) in keys {
                let key = key.as_str().unwrap_or_default();
                if !known.contains(&key) {
                    p.add(
                        k.loc,
                        format!(
                            "unknown key `{key}` in kind `{name}`; known keys are {}{}",
                            known.join(", "),
                            hint(key, known)
                        ),
                    );
                }
            }
        }
        let section = p
            .string(def, "section", false)
            .unwrap_or_else(|| name.clone());
        if !is_name(&section) {
            p.add(
                def.get("section").map_or(def.loc, |n| n.loc),
                format!("section `{section}` must use lowercase letters, digits, `-` and `_`"),
            );
        }
        if RESERVED_SECTIONS.contains(&section.as_str()) {
            p.add(
                def.get("section").map_or(def.loc, |n| n.loc),
                format!(
                    "section `{section}` is reserved for generated pages; pick another folder name"
                ),
            );
        }
        let label = p
            .string(def, "label", false)
            .unwrap_or_else(|| humanize(&name));
        let plural = p
            .string(def, "plural", false)
            .unwrap_or_else(|| label.clone());
        let fields = match def.get("fields") {
            Some(f) if !f.is_null() => parse_fields(&name, f, p),
            _ => Vec::new(),
        };
        kinds.push(Kind {
            name,
            section,
            label,
            plural,
            fields,
        });
    }
    kinds
}

const COMMON_FIELDS: &[&str] = &[
    "title", "slug", "summary", "date", "updated", "draft", "aliases", "weight",
];

fn parse_fields(kind: &str, node: &Node, p: &mut Problems) -> Vec<Field> {
    let Value::Map(entries) = &node.value else {
        p.add(
            node.loc,
            format!("`fields` of kind `{kind}` must be a mapping from field name to its type"),
        );
        return Vec::new();
    };
    let mut fields = Vec::new();
    for (k, def) in entries {
        let name = k.as_str().unwrap_or_default().to_string();
        if COMMON_FIELDS.contains(&name.as_str()) {
            p.add(
                k.loc,
                format!("`{name}` is a common field every page has; remove it from kind `{kind}`"),
            );
            continue;
        }
        if !is_name(&name) {
            p.add(
                k.loc,
                format!("field name `{name}` must use lowercase letters, digits, `-` and `_`"),
            );
        }
        let ty_name = p.string(def, "type", true).unwrap_or_default();
        let to = p.string(def, "to", false);
        let required = match def.get("required") {
            None => false,
            Some(n) => match n.as_str() {
                Some("true") => true,
                Some("false") => false,
                _ => {
                    p.add(n.loc, "`required` must be `true` or `false`");
                    false
                }
            },
        };
        let label = p
            .string(def, "label", false)
            .unwrap_or_else(|| humanize(&name));
        let ty_loc = def.get("type").map_or(def.loc, |n| n.loc);
        let ty = match ty_name.as_str() {
            "string" => FieldType::String,
            "markdown" => FieldType::Markdown,
            "int" => FieldType::Int,
            "bool" => FieldType::Bool,
            "date" => FieldType::Date,
            "url" => FieldType::Url,
            "list" => FieldType::List,
            "enum" => FieldType::Enum(enum_values(def, p)),
            "ref" | "refs" => {
                let Some(to) = to else {
                    p.add(
                        ty_loc,
                        format!("field `{name}` of type {ty_name} needs `to: <kind>`"),
                    );
                    continue;
                };
                if ty_name == "ref" {
                    FieldType::Ref(to)
                } else {
                    FieldType::Refs(to)
                }
            }
            "" => continue,
            other => {
                const TYPES: &[&str] = &[
                    "string", "markdown", "int", "bool", "date", "url", "enum", "list", "ref",
                    "refs",
                ];
                p.add(
                    ty_loc,
                    format!(
                        "unknown field type `{other}`; use one of {}{}",
                        TYPES.join(", "),
                        hint(other, TYPES.iter().copied())
                    ),
                );
                continue;
            }
        };
        fields.push(Field {
            name,
            label,
            ty,
            required,
        });
    }
    fields
}

fn enum_values(def: &Node, p: &mut Problems) -> Vec<String> {
    match def.get("values") {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) if !items.is_empty() => items
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
        Some(n) => {
            p.add(n.loc, "`values` of an enum must be a non-empty list");
            Vec::new()
        }
        None => {
            p.add(def.loc, "an enum field needs `values: [a, b, …]`");
            Vec::new()
        }
    }
}

fn check_kinds(kinds: &[Kind], root: &Node, p: &mut Problems) {
    let names: Vec<&str> = kinds.iter().map(|k| k.name.as_str()).collect();
    let mut sections = BTreeSet::new();
    let kinds_loc = root.get("kinds").map_or(Loc::START, |n| n.loc);
    for kind in kinds {
        if !sections.insert(kind.section.as_str()) {
            p.add(
                kinds_loc,
                format!(
                    "two kinds use section `{}`; each kind needs its own folder",
                    kind.section
                ),
            );
        }
        for field in &kind.fields {
            if let Some(target) = field.ty.target() {
                if !names.contains(&target) {
                    p.add(
                        kinds_loc,
                        format!(
                            "field `{}` of kind `{}` refers to unknown kind `{target}`{}",
                            field.name,
                            kind.name,
                            hint(target, names.iter().copied())
                        ),
                    );
                }
            }
        }
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// `werkzame_elementen` → `Werkzame elementen`.
pub fn humanize(name: &str) -> String {
    let s = name.replace(['_', '-'], " ");
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn base_url_path_becomes_prefix() {
        assert_eq!(split_base_url("https://example.org/kb").unwrap().1, "/kb/");
        assert_eq!(
            split_base_url("https://example.org").unwrap(),
            ("https://example.org/".into(), "/".into())
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let errs = Config::parse("title: x\nkinds:\n  a:\n    fields:\n      f: { type: strin }\n      g: { type: ref }\n").unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].message.contains("did you mean `string`"));
    }
}
