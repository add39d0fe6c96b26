//! Whole-site output: rendering snapshots, feeds, determinism, escaping,
//! drafts and the default theme.

use vakwerk::BuildOptions;

use crate::support::{build, build_with, main_of, output};

const PAGE: &str = r#"//- content/niveaus/meso.md
---
title: Meso
---
[[methoden/a]]
//- content/methoden/a.md
---
title: "Methode <A> & \"co\""
summary: Korte samenvatting met <script>alert(1)</script>.
date: 2024-03-01
updated: 2024-04-02
doel: "Mensen *verbinden*"
niveaus: [meso]
erkenning: goed-beschreven
jaar: 2020
---
Tekst met **nadruk**, een voetnoot[^1] en ~~doorgehaald~~.

## Aanpak {#stappen}

- [x] klaar
- [ ] nog niet

| a | b |
|---|---|
| 1 | 2 |

```yaml
sleutel: waarde
```

[^1]: De noot.
"#;

#[test]
fn method_page_renders_fields_and_markdown() {
    let b = build(PAGE);
    let html = output(&b, "methoden/a/index.html");
    insta::assert_snapshot!("method_page_main", main_of(&html));
}

#[test]
fn content_is_escaped_in_head_and_json_ld() {
    let b = build(PAGE);
    let html = output(&b, "methoden/a/index.html");
    assert!(html.contains("<title>Methode &lt;A&gt; &amp; &quot;co&quot; · Testsite</title>"));
    assert!(!html.contains("<script>alert"));
    let ld_start = html.find("application/ld+json").expect("json-ld");
    let ld = &html[ld_start..html[ld_start..].find("</script>").expect("end") + ld_start];
    assert!(!ld[20..].contains('<'), "{ld}");
}

#[test]
fn code_is_highlighted_with_classes_only() {
    let html = output(&build(PAGE), "methoden/a/index.html");
    assert!(
        html.contains(
            r#"<pre class="code" data-lang="yaml"><code class="language-yaml"><span class="hl-"#
        ),
        "{html}"
    );
    assert!(!html.contains("style="));
}

#[test]
fn builds_are_byte_identical() {
    let a = build(PAGE);
    let b = build(PAGE);
    assert_eq!(a.files, b.files);
}

#[test]
fn drafts_are_left_out_unless_asked() {
    let site = "//- content/niveaus/meso.md\n---\ntitle: M\ndraft: true\n---\n[[sdg]]\n";
    assert!(
        !build(site)
            .files
            .iter()
            .any(|f| f.path == "niveaus/meso/index.html")
    );
    assert!(
        build_with(site, &BuildOptions { drafts: true })
            .files
            .iter()
            .any(|f| f.path == "niveaus/meso/index.html")
    );
}

#[test]
fn feeds_and_special_files_exist() {
    let b = build(PAGE);
    for f in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "graph.json",
        "robots.txt",
        "style.css",
        "favicon.svg",
        "methoden/index.html",
    ] {
        output(&b, f);
    }
    let atom = output(&b, "atom.xml");
    assert!(atom.contains("<updated>2024-04-02T00:00:00Z</updated>"));
    assert!(atom.contains("<title>Methode &lt;A&gt; &amp; &quot;co&quot;</title>"));
}

#[test]
fn site_templates_override_the_default_theme() {
    let site = format!("{PAGE}//- theme/templates/page.html\nEIGEN {{{{ page.title }}}}\n");
    let b = build(&site);
    assert_eq!(
        output(&b, "methoden/a/index.html").trim(),
        "EIGEN Methode &lt;A&gt; &amp; &quot;co&quot;"
    );
}

#[test]
fn english_ui_strings() {
    let site = format!(
        "{PAGE}//- site.yaml\n{}",
        crate::support::SCHEMA.replace("title: Testsite", "title: Testsite\nlanguage: en")
    );
    let html = output(&build(&site), "methoden/a/index.html");
    assert!(html.contains("Skip to content") && html.contains(r#"<html lang="en">"#));
}
