//! Link forms, backlinks (typed and body), aliases and section groupings.

use crate::support::{build, main_of, output};

const SITE: &str = r#"//- content/niveaus/meso.md
---
title: Meso
summary: De groep en de wijk.
---
## Voorbeelden

Buurtwerk.
//- content/niveaus/micro.md
---
title: Micro
---
Zie [[methoden/a|methode A]].
//- content/sdg/10.md
---
title: Ongelijkheid verminderen
weight: 10
---
Tekst.
//- content/sdg/2.md
---
title: Geen honger
weight: 2
---
Tekst.
//- content/beroepscode/art-1.md
---
title: Artikel 1
---
Over [[a]].
//- content/methoden/a.md
---
title: Methode A
summary: Samen in de wijk.
doel: Verbinden
niveaus: [meso]
sdgs: [10, 2]
erkenning: effectief
code: art-1
aliases: ["/oud/methode-a", "/oud.html"]
---
Zie [[meso]], [[meso#voorbeelden]], [[niveaus/meso|het mesoniveau]], [rel](../niveaus/meso.md#voorbeelden) en [[#werkwijze]].

## Werkwijze
//- content/methoden/b.md
---
title: Methode B
summary: Alleen.
doel: Iets
niveaus: [meso]
erkenning: niet-beoordeeld
---
"#;

#[test]
fn all_link_forms_resolve_to_root_relative_urls() {
    let b = build(SITE);
    assert!(b.diagnostics.is_empty(), "{:?}", b.diagnostics);
    let html = output(&b, "methoden/a/index.html");
    assert!(
        html.contains(r#"<a href="/niveaus/meso/">Meso</a>"#),
        "label-less wikilink shows the title"
    );
    assert!(
        html.contains(r#"<a href="/niveaus/meso/#voorbeelden">meso#voorbeelden</a>"#)
            || html.contains(r#"href="/niveaus/meso/#voorbeelden""#)
    );
    assert!(html.contains(r#"<a href="/niveaus/meso/">het mesoniveau</a>"#));
    assert!(html.contains(r#"<a href="/niveaus/meso/#voorbeelden">rel</a>"#));
    assert!(html.contains(r##"<a href="#werkwijze">"##));
    assert!(!html.contains("index.html"), "never links to …/index.html");
}

#[test]
fn backlinks_are_grouped_by_kind_and_field() {
    let b = build(SITE);
    let meso = main_of(&output(&b, "niveaus/meso/index.html"));
    insta::assert_snapshot!("meso_backlinks", meso);
    let sdg = output(&b, "sdg/10/index.html");
    assert!(sdg.contains("Methode A") && !sdg.contains("Methode B"));
}

#[test]
fn section_page_lists_and_groups() {
    let b = build(SITE);
    let section = main_of(&output(&b, "methoden/index.html"));
    insta::assert_snapshot!("methoden_section", section);
}

#[test]
fn aliases_redirect_with_canonical() {
    let b = build(SITE);
    let alias = output(&b, "oud/methode-a/index.html");
    assert!(
        alias.contains(r#"<meta http-equiv="refresh" content="0; url=/methoden/a/">"#),
        "{alias}"
    );
    assert!(alias.contains(r#"<link rel="canonical" href="https://example.org/methoden/a/">"#));
    output(&b, "oud.html");
}

#[test]
fn base_url_path_prefixes_every_internal_url() {
    let site = SITE.to_string()
        + "//- site.yaml\n"
        + &crate::support::SCHEMA.replace("https://example.org/", "https://example.org/kb/");
    let b = build(&site);
    let html = output(&b, "methoden/a/index.html");
    assert!(html.contains(r#"href="/kb/niveaus/meso/""#));
    assert!(html.contains(r#"href="/kb/style.css""#));
    assert!(html.contains(r#"<link rel="canonical" href="https://example.org/kb/methoden/a/">"#));
    assert!(!html.contains(r#"href="/niveaus"#));
    let sitemap = output(&b, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/kb/methoden/a/</loc>"));
}

#[test]
fn graph_json_has_typed_edges() {
    let b = build(SITE);
    let graph: serde_json::Value =
        serde_json::from_str(&output(&b, "graph.json")).expect("valid json");
    let edges = graph["edges"].as_array().expect("edges");
    let has = |s: &str, t: &str, f: &str| {
        edges
            .iter()
            .any(|e| e["source"] == s && e["target"] == t && e["field"] == f)
    };
    assert!(has("/methoden/a/", "/niveaus/meso/", "niveaus"));
    assert!(has("/methoden/a/", "/niveaus/meso/", "body"));
    assert!(has("/methoden/a/", "/beroepscode/art-1/", "code"));
    assert!(has("/beroepscode/art-1/", "/methoden/a/", "body"));
    let nodes = graph["nodes"].as_array().expect("nodes");
    assert!(nodes.iter().any(|n| n["url"] == "/methoden/a/"
        && n["kind"] == "methode"
        && n["title"] == "Methode A"));
}
