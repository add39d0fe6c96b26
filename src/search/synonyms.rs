//! Synonyms and abbreviations, from the content editors already maintain:
//! every page with an `afkorting` or `synoniemen` field (the glossary,
//! `begrippen`) makes one group of its title, its abbreviation and its
//! synonyms: `Wmo` ↔ `Wet maatschappelijke ondersteuning`.
//!
//! Each group gets a *group term* (`=` plus the page id). At build time a
//! page gets the group term wherever one of the group's phrases occurs, as a
//! phrase, in its text. The phrases are stored with their first term in the
//! term shards, so the client recognises them in a query and also looks up
//! the group term; a query for `wmo` thus finds pages that only write the
//! law's full name, and the other way round.

use std::collections::HashMap;

use crate::frontmatter::FieldValue;
use crate::search::analyzer::{Analyzer, is_stop_word, words};
use crate::site::Site;

/// Field names whose values are alternative names of the page's subject.
pub const FIELDS: &[&str] = &["afkorting", "synoniemen"];

/// One synonym group.
#[derive(Debug)]
pub struct Group {
    /// The group term (`=12`).
    pub term: String,
    /// Each phrase as its sequence of terms.
    pub phrases: Vec<Vec<String>>,
}

/// The synonym groups of a site, in page order.
pub fn groups(site: &Site<'_>, analyzer: &Analyzer) -> Vec<Group> {
    let mut out = Vec::new();
    for (id, page) in site.pages.iter().enumerate() {
        let mut names: Vec<&str> = Vec::new();
        for (field, value) in &page.fields {
            if !FIELDS.contains(&field.as_str()) {
                continue;
            }
            match value {
                FieldValue::Text(s) => names.push(s),
                FieldValue::List(items) => names.extend(items.iter().map(String::as_str)),
                _ => {}
            }
        }
        if names.is_empty() {
            continue;
        }
        names.insert(0, &page.title);
        let mut phrases: Vec<Vec<String>> =
            names.iter().filter_map(|n| phrase(n, analyzer)).collect();
        phrases.sort();
        phrases.dedup();
        if phrases.len() > 1 {
            out.push(Group {
                term: format!("={id}"),
                phrases,
            });
        }
    }
    out
}

/// The terms of one name, or `None` when stop-word removal would leave a
/// single everyday word of a longer name (`op maat` must not become `maat`).
fn phrase(name: &str, analyzer: &Analyzer) -> Option<Vec<String>> {
    let all: Vec<String> = words(name)
        .into_iter()
        .filter(|w| !w.extra)
        .map(|w| w.text)
        .collect();
    let kept: Vec<String> = all
        .iter()
        .filter(|w| !is_stop_word(w))
        .map(|w| analyzer.stem(w))
        .collect();
    if kept.is_empty() || (kept.len() == 1 && all.len() > 1) {
        None
    } else {
        Some(kept)
    }
}

/// The group terms whose phrases occur in `sequence` (one per occurrence).
pub fn matches(sequence: &[u32], phrases: &HashMap<u32, Vec<(Vec<u32>, u32)>>) -> Vec<u32> {
    let mut out = Vec::new();
    if phrases.is_empty() {
        return out;
    }
    for (i, t) in sequence.iter().enumerate() {
        let Some(candidates) = phrases.get(t) else {
            continue;
        };
        let mut hit: Vec<u32> = candidates
            .iter()
            .filter(|(p, _)| sequence.get(i..i + p.len()) == Some(p.as_slice()))
            .map(|(_, g)| *g)
            .collect();
        // Two phrases of one group at the same place count once.
        hit.sort_unstable();
        hit.dedup();
        out.extend(hit);
    }
    out
}
