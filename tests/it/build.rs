//! Whole-site output: rendering snapshots, feeds, determinism, escaping,
//! drafts and the default theme.

use vakwerk::BuildOptions;

use crate::support::{
    build, build_sources, build_with, bundled_site_dir, code, fixture_dir, main_of, output, tree,
    vakwerk,
};

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

/// The default theme's templates with one changed so it is no longer the
/// built-in theme, without changing what it renders: `base.html` with a
/// comment appended.
fn base_with_comment() -> String {
    let base =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html");
    std::fs::read_to_string(base).expect("base.html") + "{# door tera #}"
}

/// While a site's templates are the built-in ones, content pages are
/// written by Rust code that mirrors them (`render::native`) instead of by
/// tera. Once any template differs, tera renders everything. Both must give
/// the same bytes: for the bundled knowledge base, every fixture site and
/// the inline fixtures, in Dutch and in English.
#[test]
fn pages_written_without_tera_equal_the_templates_output() {
    let sites = [
        ("bundled", bundled_site_dir()),
        ("basic", fixture_dir("basic")),
        ("hostile", fixture_dir("hostile")),
        ("search", fixture_dir("search")),
    ];
    for (name, dir) in &sites {
        let root = dir.path();
        let o = vakwerk(&["build", "--output", "native"], root);
        assert_eq!(
            code(&o),
            0,
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        std::fs::create_dir_all(root.join("templates")).expect("mkdir");
        std::fs::write(root.join("templates/base.html"), base_with_comment()).expect("write");
        let o = vakwerk(&["build", "--output", "tera"], root);
        assert_eq!(
            code(&o),
            0,
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let (native, tera) = (tree(&root.join("native")), tree(&root.join("tera")));
        assert!(native.len() > 10, "{name}: {} files", native.len());
        assert_eq!(native.len(), tera.len(), "{name}: file count");
        for ((path, a), (_, b)) in native.iter().zip(&tera) {
            assert!(
                a == b,
                "{name}: {path} differs without tera\n{}",
                first_difference(a, b)
            );
        }
    }
    let english =
        crate::support::SCHEMA.replace("title: Testsite", "title: Testsite\nlanguage: en");
    for fixture in [PAGE.to_string(), format!("{PAGE}//- site.yaml\n{english}")] {
        let with_tera = format!(
            "{fixture}//- theme/templates/base.html\n{}",
            base_with_comment()
        );
        let (native, tera) = (build(&fixture), build(&with_tera));
        assert_eq!(native.files.len(), tera.files.len());
        for (a, b) in native.files.iter().zip(&tera.files) {
            assert_eq!(a.path, b.path);
            assert!(
                a.bytes == b.bytes,
                "{} differs without tera\n{}",
                a.path,
                first_difference(&a.bytes, &b.bytes)
            );
        }
    }
}

/// A command-line build holds small sites' page bodies plain; the
/// in-memory build packs every one (see `pack`). Both must give the same
/// site, byte for byte: the bundled knowledge base built both ways.
#[test]
fn packed_and_plain_bodies_build_the_same_site() {
    let dir = bundled_site_dir();
    let root = dir.path();
    let o = vakwerk(&["build", "--output", "plain"], root);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let mut plain = tree(&root.join("plain"));
    plain.retain(|(path, _)| path != vakwerk::fs::MARKER);
    let config = vakwerk::fs::load_config(root).expect("config");
    let sources = vakwerk::fs::load_sources(root, &config).expect("sources");
    let packed = build_sources(&config, &sources, &BuildOptions::default());
    assert!(packed.diagnostics.is_empty(), "{:?}", packed.diagnostics);
    let packed: Vec<(String, Vec<u8>)> = packed
        .files
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    assert!(plain.len() > 300, "{} files", plain.len());
    assert_eq!(plain.len(), packed.len(), "file count");
    for ((path, a), (other, b)) in plain.iter().zip(&packed) {
        assert_eq!(path, other);
        assert!(a == b, "{path} differs\n{}", first_difference(a, b));
    }
}

/// Where two outputs part, with some context, for a readable failure.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(80);
    let show = |s: &[u8]| String::from_utf8_lossy(&s[from..(at + 80).min(s.len())]).into_owned();
    format!(
        "at byte {at}:\n  native: {:?}\n  tera:   {:?}",
        show(a),
        show(b)
    )
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
