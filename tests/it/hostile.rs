//! A hostile site: script, event handlers, `</script>`, `-->`, `]]>` and
//! quotes in every front-matter field, in the configuration and in file
//! names. Everything must come out escaped, and no script from content may
//! run in a real browser. See: #7.

use std::path::Path;

use crate::browser::{built_site, node};
use crate::support::tree;

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

/// Every `<script` in generated HTML must be one of ours: JSON-LD or an
/// external file; no element may carry an event-handler attribute.
fn assert_inert_html(path: &str, html: &str) {
    for (i, _) in html.match_indices("<script") {
        let rest = &html[i..];
        assert!(
            rest.starts_with("<script type=\"application/ld+json\">")
                || rest.starts_with("<script src=\"")
                || rest.starts_with("<script defer src=\""),
            "{path}: unexpected script element: {}",
            &rest[..rest.len().min(120)]
        );
    }
    for (name, value) in attributes(&html.to_ascii_lowercase()) {
        assert!(
            !name.starts_with("on"),
            "{path}: event handler attribute {name}={value}"
        );
        assert!(
            !value.trim_start().starts_with("javascript:"),
            "{path}: javascript: URL in {name}"
        );
    }
    // JSON-LD may not contain a raw `<` (it could close the element).
    if let Some(start) = html.find("<script type=\"application/ld+json\">") {
        let body = &html[start + 35..];
        let body = &body[..body.find("</script>").expect("closed")];
        assert!(
            !body.contains('<') && !body.contains('>'),
            "{path}: raw angle bracket in JSON-LD"
        );
        serde_json::from_str::<serde_json::Value>(body).expect("JSON-LD is valid JSON");
    }
}

/// Every attribute (name, value) of every tag, honouring quotes, the way a
/// browser tokenises them. Text between tags is skipped.
fn attributes(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b: Vec<char> = html.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] != '<' || !b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        // Skip the tag name.
        i += 1;
        while i < b.len() && !b[i].is_whitespace() && b[i] != '>' {
            i += 1;
        }
        loop {
            while i < b.len() && (b[i].is_whitespace() || b[i] == '/') {
                i += 1;
            }
            if i >= b.len() || b[i] == '>' {
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_whitespace() && b[i] != '=' && b[i] != '>' {
                i += 1;
            }
            let name: String = b[start..i].iter().collect();
            let mut value = String::new();
            if i < b.len() && b[i] == '=' {
                i += 1;
                if i < b.len() && (b[i] == '"' || b[i] == '\'') {
                    let q = b[i];
                    i += 1;
                    while i < b.len() && b[i] != q {
                        value.push(b[i]);
                        i += 1;
                    }
                    i += 1;
                } else {
                    while i < b.len() && !b[i].is_whitespace() && b[i] != '>' {
                        value.push(b[i]);
                        i += 1;
                    }
                }
            }
            out.push((name, value));
        }
    }
    out
}

#[test]
fn hostile_content_is_escaped_everywhere() {
    let (_tmp, public) = built_site(&fixture(), &[]);
    let files = tree(&public);
    assert!(
        files
            .iter()
            .any(|(p, _)| p.starts_with("niveaus/x-img-src-x-onerror-alert-1/")),
        "readable URL for the hostile file name"
    );
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".html") {
            assert_inert_html(path, &text);
        } else if path.ends_with(".xml") {
            assert!(
                !text.contains("<script") && !text.contains("<img"),
                "{path}: markup from content in XML"
            );
            let cdata_free = !text.contains("<![CDATA[");
            assert!(cdata_free || !text.contains("]]>]]>"), "{path}");
        } else if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{path} is not valid JSON: {e}"));
        }
    }
}

#[test]
fn no_script_from_content_runs_in_chromium() {
    let (_tmp, public) = built_site(&fixture(), &[]);
    node(
        "hostile.spec.mjs",
        &["--site", public.to_str().expect("utf-8")],
    );
}
