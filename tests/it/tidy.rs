//! Architecture checks, run as ordinary tests: each third-party crate and
//! each kind of IO stays in the module that owns it.

use std::path::Path;

fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("src readable") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p
                    .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
                    .expect("prefix")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&p).expect("utf-8 source");
                // Unit tests may unwrap and panic; only library code is checked.
                let lib = text
                    .split("#[cfg(test)]")
                    .next()
                    .unwrap_or_default()
                    .to_string();
                out.push((rel, lib));
            }
        }
    }
    out
}

fn only_in(needle: &str, allowed: &[&str]) {
    for (file, text) in sources() {
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        if contains_token(&code, needle) {
            assert!(
                allowed
                    .iter()
                    .any(|a| file == *a || (a.ends_with('/') && file.starts_with(a))),
                "`{needle}` used in src/{file}; only allowed in {allowed:?}"
            );
        }
    }
}

/// `needle` occurs not preceded by an identifier character (so `println!`
/// does not match `eprintln!`).
fn contains_token(code: &str, needle: &str) -> bool {
    code.match_indices(needle).any(|(i, _)| {
        needle.starts_with('.')
            || !code[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[test]
fn crates_stay_behind_their_modules() {
    only_in("clap::", &["cli.rs", "main.rs"]);
    only_in("saphyr_parser", &["yaml.rs"]);
    // Not even `render/native.rs`: it writes pages without tera.
    only_in("tera::", &["render/mod.rs"]);
    only_in("syntect::", &["highlight.rs"]);
    only_in("walkdir", &["fs.rs"]);
    only_in("ammonia", &["sanitize.rs"]);
    only_in("notify", &["serve/"]);
    only_in("rustc_hash", &["search/mod.rs", "site.rs"]);
    only_in("mimalloc", &["main.rs"]);
    only_in("lz4_flex", &["pack.rs"]);
    only_in("memchr", &["source.rs"]);
}

#[test]
fn io_and_printing_stay_at_the_edges() {
    only_in("std::fs", &["fs.rs", "serve/"]);
    only_in("println!", &[]);
    only_in("eprintln!", &["cli.rs", "main.rs", "serve/"]);
    only_in("print!(", &["cli.rs"]);
    only_in("SystemTime", &["new.rs", "serve/"]);
    only_in(".unwrap()", &[]);
}

#[test]
fn every_module_has_a_doc_comment() {
    for (file, text) in sources() {
        assert!(
            text.trim_start().starts_with("//!"),
            "src/{file} must start with a //! doc saying what it owns"
        );
    }
}
