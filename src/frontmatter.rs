//! Front matter: finding the leading `---` block and checking its values
//! against the kind's schema.
//!
//! Every value is checked and every problem reported, with the position of
//! the offending key or value. The result is typed (`FieldValue`) so later
//! stages never look at YAML again.

use crate::config::{Field, FieldType, Kind};
use crate::diagnostic::{Diagnostic, Loc, hint};
use crate::markdown::render_inline;
use crate::yaml::{Node, Value};

/// Front matter larger than this is refused: it never needs to be big, and
/// the cap bounds parser time and memory.
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// The common fields every page may set.
pub const COMMON: &[&str] = &[
    "title", "slug", "summary", "date", "updated", "draft", "aliases", "weight",
];

/// A file split into front matter and body.
#[derive(Debug)]
pub struct Split<'a> {
    /// The YAML text between the fences.
    pub yaml: &'a str,
    /// The 0-based line number of the first YAML line (added to YAML positions).
    pub yaml_line_offset: u32,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file text.
    pub body_offset: usize,
}

/// Split `text` (BOM already removed) into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, (Loc, String)> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        return Err((
            Loc::START,
            "missing front matter; start the file with a line `---`, then `title: …`, then another `---`".into(),
        ));
    }
    let mut pos = first_end;
    let mut line = 1u32;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            let yaml = &text[first_end..pos];
            if yaml.len() > MAX_FRONT_MATTER {
                return Err((
                    Loc::START,
                    format!(
                        "front matter is larger than {} KiB; move long text into the body",
                        MAX_FRONT_MATTER / 1024
                    ),
                ));
            }
            return Ok(Split {
                yaml,
                yaml_line_offset: 1,
                body: &text[end..],
                body_offset: end,
            });
        }
        pos = end;
        line += 1;
        if pos - first_end > MAX_FRONT_MATTER {
            break;
        }
    }
    let _ = line;
    Err((
        Loc::START,
        "front matter opened here is never closed; add a line `---` after the last field".into(),
    ))
}

/// A checked front-matter value.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// `string`.
    Text(String),
    /// `markdown`, rendered to inline HTML.
    Html(String),
    /// `int`.
    Int(i64),
    /// `bool`.
    Bool(bool),
    /// `date`, as `YYYY-MM-DD`.
    Date(String),
    /// `url`.
    Url(String),
    /// `enum`.
    Enum(String),
    /// `list`.
    List(Vec<String>),
    /// `ref` or `refs`, still unresolved.
    Refs(Vec<RefValue>),
}

/// One slug written in a `ref` or `refs` field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefValue {
    /// The slug as written (numbers count as slugs).
    pub slug: String,
    /// Where it is written.
    pub loc: Loc,
}

/// Checks values against their declared types, collecting diagnostics.
pub struct Checker<'a> {
    /// The file, for diagnostics.
    pub file: &'a str,
    /// Collected problems.
    pub diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn err(&mut self, loc: Loc, code: &'static str, msg: String) {
        self.diags
            .push(Diagnostic::error(self.file, loc, code, msg));
    }

    /// Warn about keys that are neither common nor declared by `kind`.
    pub fn unknown_keys(&mut self, root: &Node, kind: Option<&Kind>) {
        let Value::Map(entries) = &root.value else {
            return;
        };
        let mut known: Vec<&str> = COMMON.to_vec();
        if let Some(k) = kind {
            known.extend(k.fields.iter().map(|f| f.name.as_str()));
        }
        for (key, _) in entries {
            let name = key.as_str().unwrap_or_default();
            if known.contains(&name) {
                continue;
            }
            let whose =
                kind.map_or_else(|| "this page".to_string(), |k| format!("kind `{}`", k.name));
            let declared: Vec<&str> = kind
                .map(|k| k.fields.iter().map(|f| f.name.as_str()).collect())
                .unwrap_or_default();
            let list = if declared.is_empty() {
                "none besides the common fields".to_string()
            } else {
                declared.join(", ")
            };
            self.diags.push(Diagnostic::warning(
                self.file,
                key.loc,
                "unknown-field",
                format!(
                    "unknown front-matter key `{name}` for {whose}{}; the kind's fields are: {list} (common fields: {}); declare it in site.yaml or remove it",
                    hint(name, known.iter().copied()),
                    COMMON.join(", ")
                ),
            ));
        }
    }

    /// Check one declared field.
    pub fn field(&mut self, root: &Node, field: &Field) -> Option<FieldValue> {
        // An empty string or list counts as missing: `vakwerk new` stubs
        // required fields that way, and check must point at them.
        let empty = |n: &&Node| match &n.value {
            Value::Scalar { text, .. } => text.trim().is_empty(),
            Value::Seq(items) => items.is_empty(),
            Value::Map(_) => false,
        };
        let node = root
            .get(&field.name)
            .filter(|n| !(n.is_null() || (field.required && empty(n))));
        let Some(node) = node else {
            if field.required {
                let loc = root.get(&field.name).map_or(Loc::START, |n| n.loc);
                self.err(
                    loc,
                    "missing-field",
                    format!(
                        "missing required field `{}` ({}); add `{}: …` to the front matter",
                        field.name,
                        describe(&field.ty),
                        field.name
                    ),
                );
            }
            return None;
        };
        let name = &field.name;
        match &field.ty {
            FieldType::String => self
                .scalar(node, name)
                .map(|s| FieldValue::Text(s.to_string())),
            FieldType::Markdown => self
                .scalar(node, name)
                .map(|s| FieldValue::Html(render_inline(s))),
            FieldType::Int => self.int(node, name).map(FieldValue::Int),
            FieldType::Bool => self.bool(node, name).map(FieldValue::Bool),
            FieldType::Date => self.date(node, name).map(FieldValue::Date),
            FieldType::Url => {
                let s = self.scalar(node, name)?;
                if is_url(s) {
                    Some(FieldValue::Url(s.to_string()))
                } else {
                    self.err(
                        node.loc,
                        "wrong-type",
                        format!(
                            "field `{name}` must be an absolute http(s) or mailto URL, found `{s}`"
                        ),
                    );
                    None
                }
            }
            FieldType::Enum(values) => {
                let s = self.scalar(node, name)?;
                if values.iter().any(|v| v == s) {
                    Some(FieldValue::Enum(s.to_string()))
                } else {
                    self.err(
                        node.loc,
                        "unknown-enum-value",
                        format!(
                            "`{s}` is not a valid value for `{name}`{}; allowed values: {}",
                            hint(s, values.iter().map(String::as_str)),
                            values.join(", ")
                        ),
                    );
                    None
                }
            }
            FieldType::List => self
                .list(node, name)
                .map(|items| FieldValue::List(items.into_iter().map(|(s, _)| s).collect())),
            FieldType::Ref(_) => {
                let s = self.scalar(node, name)?;
                Some(FieldValue::Refs(vec![RefValue {
                    slug: s.trim().to_string(),
                    loc: node.loc,
                }]))
            }
            FieldType::Refs(_) => self.list(node, name).map(|items| {
                FieldValue::Refs(
                    items
                        .into_iter()
                        .map(|(slug, loc)| RefValue { slug, loc })
                        .collect(),
                )
            }),
        }
    }

    /// A scalar value (any text).
    pub fn scalar<'n>(&mut self, node: &'n Node, name: &str) -> Option<&'n str> {
        match &node.value {
            Value::Scalar { text, .. } => Some(text),
            _ => {
                self.err(
                    node.loc,
                    "wrong-type",
                    format!(
                        "field `{name}` must be a single value, not {}",
                        node.shape()
                    ),
                );
                None
            }
        }
    }

    /// An integer value.
    pub fn int(&mut self, node: &Node, name: &str) -> Option<i64> {
        let s = self.scalar(node, name)?;
        match s.trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.err(
                    node.loc,
                    "wrong-type",
                    format!("field `{name}` must be a whole number, found `{s}`"),
                );
                None
            }
        }
    }

    /// A boolean value.
    pub fn bool(&mut self, node: &Node, name: &str) -> Option<bool> {
        match self.scalar(node, name)? {
            "true" => Some(true),
            "false" => Some(false),
            s => {
                self.err(
                    node.loc,
                    "wrong-type",
                    format!("field `{name}` must be `true` or `false`, found `{s}`"),
                );
                None
            }
        }
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(&mut self, node: &Node, name: &str) -> Option<String> {
        let s = self.scalar(node, name)?.trim();
        if is_date(s) {
            Some(s.to_string())
        } else {
            self.err(
                node.loc,
                "wrong-type",
                format!("field `{name}` must be a date written as YYYY-MM-DD, found `{s}`"),
            );
            None
        }
    }

    /// A list of scalars, each with its position.
    pub fn list(&mut self, node: &Node, name: &str) -> Option<Vec<(String, Loc)>> {
        let Value::Seq(items) = &node.value else {
            let example = node
                .as_str()
                .map_or_else(String::new, |s| format!("; write `{name}: [{s}]`"));
            self.err(
                node.loc,
                "wrong-type",
                format!(
                    "field `{name}` must be a list, not {}{example}",
                    node.shape()
                ),
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.as_str() {
                Some(s) if !s.trim().is_empty() => out.push((s.trim().to_string(), item.loc)),
                _ => self.err(
                    item.loc,
                    "wrong-type",
                    format!(
                        "items of `{name}` must be single, non-empty values, not {}",
                        item.shape()
                    ),
                ),
            }
        }
        Some(out)
    }
}

fn describe(ty: &FieldType) -> String {
    match ty {
        FieldType::Ref(k) => format!("the slug of a `{k}` page"),
        FieldType::Refs(k) => format!("a list of `{k}` slugs"),
        FieldType::Enum(v) => format!("one of {}", v.join(", ")),
        other => other.name().to_string(),
    }
}

fn is_url(s: &str) -> bool {
    let ok_scheme = ["https://", "http://"]
        .iter()
        .any(|p| s.starts_with(p) && s.len() > p.len())
        || (s.starts_with("mailto:") && s.len() > 7);
    ok_scheme
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
}

/// True for a real calendar date written `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn split_handles_crlf_and_unclosed() {
        let s = split("---\r\ntitle: x\r\n---\r\nbody").unwrap();
        assert_eq!(s.yaml, "title: x\r\n");
        assert_eq!(s.body, "body");
        assert!(split("---\ntitle: x\n").is_err());
        assert!(split("title: x").is_err());
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("23-1-1"));
    }
}
