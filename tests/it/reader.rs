//! Readers and lecturers (issue 8): related pages, neighbourhood drawings,
//! citations, leerlijn weeks and course packs, the overview matrices and
//! SDG tiles, metadata, both UI languages, valid HTML (Nu HTML Checker) and
//! the headless-Chromium suites for accessibility, layout and print.
// See: #8

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::browser::{built_site, node};
use crate::support::{build, main_of, output};

/// A small site with every kind the reader views use.
const SCHEMA: &str = r#"title: Testbank
base_url: https://kb.example.org/kb/
language: nl
kinds:
  methode:
    section: methoden
    label: Methode
    plural: Methoden
    fields:
      niveaus: { type: refs, to: niveau, label: "Niveaus" }
      sdgs:    { type: refs, to: sdg, label: "SDG's" }
      themas:  { type: refs, to: thema, label: "Thema's" }
  niveau:
    section: niveaus
    label: Niveau
    plural: Niveaus
  sdg:
    section: sdg
    label: SDG
    plural: SDG's
    fields:
      kleur: { type: string }
  thema:
    section: themas
    label: Thema
    plural: Thema's
  begrip:
    section: begrippen
    label: Begrip
    plural: Begrippen
  leerlijn:
    section: leerlijnen
    label: Leerlijn
    plural: Leerlijnen
    fields:
      leeruitkomsten: { type: list }
"#;

const CONTENT: &str = r##"//- content/niveaus/micro.md
---
title: Micro
summary: De persoon.
---
Tekst.
//- content/niveaus/meso.md
---
title: Meso
summary: De buurt.
---
## Top

Tekst.
//- content/sdg/1.md
---
title: "SDG 1: Geen armoede"
kleur: "#E5243B"
---
Tekst.
//- content/sdg/10.md
---
title: "SDG 10: Ongelijkheid verminderen"
kleur: "#DD1367"
---
Tekst.
//- content/sdg/7.md
---
title: "SDG 7: Schone energie"
kleur: "x; } body { display: none"
---
Tekst.
//- content/themas/armoede.md
---
title: Armoede
---
Tekst.
//- content/themas/wijk.md
---
title: Wijk
---
Tekst.
//- content/begrippen/presentie.md
---
title: Presentie
summary: Er zijn voor de ander.
updated: 2024-05-06
---
Zie [[a]].
//- content/methoden/a.md
---
title: Alpha
summary: Alpha helpt.
date: 2024-03-01
updated: 2024-04-02
niveaus: [micro, meso]
sdgs: [1, 10]
themas: [armoede, wijk]
---
## Wat is het

Tekst over [[presentie]].
//- content/methoden/b.md
---
title: Beta
summary: Beta deelt twee.
niveaus: [micro]
sdgs: [1]
themas: [armoede]
---
Tekst.
//- content/methoden/c.md
---
title: Gamma
summary: Gamma deelt een.
niveaus: [meso]
themas: [wijk]
---
Tekst.
//- content/methoden/d.md
---
title: Delta
summary: Delta deelt alleen een niveau.
niveaus: [meso]
---
Tekst.
//- content/leerlijnen/ll.md
---
title: Leerlijn Een
summary: Twee weken.
updated: 2024-06-07
leeruitkomsten: ["De student kan iets."]
---
Inleiding met [[micro]].

## Week 1: Begin

Lezen:
- [[a]]
- [[presentie]]

**Reflectievraag:** Wat zie jij?

## Week 2: Verder

Lezen:
- [[b]]
- [[meso#top|de buurt]]

Extra alinea.

**Reflectievraag:** Wat doe je met [[c]]?
"##;

fn site(extra: &str) -> vakwerk::Build {
    let b = build(&format!("//- site.yaml\n{SCHEMA}{CONTENT}{extra}"));
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    b
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let s = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let e = html[s..].find(end).map_or(html.len(), |e| s + e);
    &html[s..e]
}

#[test]
fn related_pages_are_ranked_by_shared_themas_and_sdgs() {
    let b = site("");
    let html = output(&b, "methoden/a/index.html");
    let block = between(&html, "<section class=\"related\"", "</section>");
    // Beta shares armoede + SDG 1 (2), Gamma shares wijk (1), Delta only a
    // niveau (0 facets, 1 other), and the thema/SDG pages themselves are left
    // out because the fields already list them.
    let order: Vec<usize> = ["Beta", "Gamma", "Delta"]
        .iter()
        .map(|t| block.find(&format!(">{t}</a>")).expect(t))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{block}");
    assert!(
        block.contains("Gedeeld: Armoede, SDG 1: Geen armoede"),
        "{block}"
    );
    assert!(!block.contains(">Armoede</a>"), "{block}");
    // A thema page is related to what is filed under it.
    let thema = output(&b, "themas/armoede/index.html");
    assert!(thema.contains("<section class=\"related\""), "{thema}");
}

#[test]
fn pages_that_refer_to_nothing_relate_through_shared_referrers() {
    let b = site("");
    // Micro has no fields; Alpha refers to both niveaus, so Meso is related.
    let html = output(&b, "niveaus/micro/index.html");
    let block = between(&html, "<section class=\"related\"", "</section>");
    assert!(block.contains(">Meso</a>"), "{block}");
    assert!(block.contains("Samen genoemd op: Alpha</p>"), "{block}");
}

#[test]
fn section_pages_show_the_newest_date_below_them() {
    let b = site("");
    let html = output(&b, "methoden/index.html");
    assert!(
        html.contains("Bijgewerkt op <time datetime=\"2024-04-02\">2 april 2024</time>"),
        "{html}"
    );
    let home = output(&b, "overzicht/index.html");
    assert!(
        home.contains("<time datetime=\"2024-06-07\">7 juni 2024</time>"),
        "{home}"
    );
}

#[test]
fn every_page_gets_a_neighbourhood_drawing_with_a_text_alternative() {
    let b = site("");
    let html = output(&b, "methoden/a/index.html");
    let fig = between(&html, "<section class=\"buurt\"", "</section>");
    assert!(fig.contains("<svg class=\"buurt-svg\""), "{fig}");
    assert!(fig.contains("<title id=\"buurt-svg-titel\">Netwerk rond Alpha"));
    assert!(
        fig.contains("Alpha verwijst naar 7 pagina&#39;s en wordt genoemd op 2 pagina&#39;s."),
        "{fig}"
    );
    assert!(
        fig.contains("<a href=\"/kb/sdg/10/\"><title>SDG 10: Ongelijkheid verminderen</title>"),
        "the full title names a node whose label is cut: {fig}"
    );
    assert!(
        fig.contains(">SDG 10: Ongelijkheid verminde…</text>"),
        "{fig}"
    );
    assert!(
        fig.contains("<span class=\"swatch k3\"></span>Thema&#39;s: 2"),
        "{fig}"
    );
    assert!(!fig.contains("<script"), "no JavaScript in the drawing");
    assert!(!fig.contains("style="), "colours come from classes");
    // Section pages neighbour everything and get no drawing.
    assert!(!output(&b, "methoden/index.html").contains("class=\"buurt\""));
}

#[test]
fn pages_cite_themselves_in_apa_7_and_show_their_updated_date() {
    let b = site("");
    let html = output(&b, "methoden/a/index.html");
    assert!(
        html.contains("<p class=\"citation\" id=\"citaat\">Testbank. (2024, 2 april). <i>Alpha.</i> https://kb.example.org/kb/methoden/a/</p>"),
        "{html}"
    );
    assert!(html.contains("Bijgewerkt op <time datetime=\"2024-04-02\">2 april 2024</time>"));
    let undated = output(&b, "methoden/b/index.html");
    assert!(
        undated.contains("Testbank. (z.d.). <i>Beta.</i>"),
        "{undated}"
    );
}

#[test]
fn every_section_heading_has_a_visible_anchor() {
    let b = site("");
    for path in [
        "methoden/a/index.html",
        "methoden/index.html",
        "sdg/index.html",
        "leerlijnen/ll/index.html",
        "leerlijnen/ll/cursusmap/index.html",
        "overzicht/index.html",
        "index.html",
    ] {
        let main = main_of(&output(&b, path));
        for (i, _) in main.match_indices("<h2 id=\"") {
            let h2 = &main[i..i + main[i..].find("</h2>").expect("closed")];
            let id = h2["<h2 id=\"".len()..].split('"').next().expect("id");
            if id == "toc-kop" {
                continue; // the table of contents is navigation, not a section
            }
            assert!(
                h2.contains(&format!("<a class=\"anker\" href=\"#{id}\"")),
                "{path}: {h2}"
            );
        }
    }
}

#[test]
fn leerlijn_weeks_show_their_pages_and_one_question_each() {
    let b = site("");
    let html = output(&b, "leerlijnen/ll/index.html");
    assert_eq!(html.matches("<p class=\"reflectie\">").count(), 2, "{html}");
    assert!(html.contains(
        "<li class=\"lezen\"><a href=\"/kb/methoden/a/\">Alpha</a> <span class=\"lezen-soort\">Methode</span><span class=\"lezen-samenvatting\">Alpha helpt.</span></li>"
    ), "{html}");
    assert!(html.contains("<a href=\"/kb/leerlijnen/ll/cursusmap/\">Open de cursusmap om te printen</a> <span class=\"meta\">(2 weken, 5 pagina&#39;s)</span>"), "{html}");
    // The course pack: every week, its question, and each page's summary and full URL.
    let pack = main_of(&output(&b, "leerlijnen/ll/cursusmap/index.html"));
    for want in [
        "<h1>Cursusmap: Leerlijn Een</h1>",
        "<h2 id=\"week-1-begin\">Week 1: Begin",
        "<strong>Reflectievraag:</strong> Wat zie jij?",
        "<strong>Reflectievraag:</strong> Wat doe je met <a href=\"/kb/methoden/c/\">Gamma</a>?",
        "<p>Alpha helpt.</p><p class=\"pack-url\">https://kb.example.org/kb/methoden/a/</p>",
        "<p class=\"pack-url\">https://kb.example.org/kb/niveaus/meso/#top</p>",
        "<h2 id=\"inleiding\">Inleiding",
        "De student kan iets.",
    ] {
        assert!(pack.contains(want), "pack lacks {want}:\n{pack}");
    }
    let canonical = output(&b, "leerlijnen/ll/cursusmap/index.html");
    assert!(canonical.contains(
        "<link rel=\"canonical\" href=\"https://kb.example.org/kb/leerlijnen/ll/cursusmap/\">"
    ));
    // The section page of the kind is not a course.
    assert!(
        !b.files
            .iter()
            .any(|f| f.path == "leerlijnen/cursusmap/index.html")
    );
}

#[test]
fn leerlijn_view_reads_weeks_from_the_body() {
    let b = site("");
    let html = output(&b, "leerlijnen/ll/index.html");
    // Week 2's reading list keeps the anchor and the label as written.
    assert!(
        html.contains("<a href=\"/kb/niveaus/meso/#top\">de buurt</a>"),
        "{html}"
    );
    assert!(
        html.contains("<p>Extra alinea.</p>"),
        "text around the lists stays"
    );
}

#[test]
fn overview_has_accessible_matrices_with_links_and_counts() {
    let b = site("");
    let html = main_of(&output(&b, "overzicht/index.html"));
    let sdg = between(
        &html,
        "<section class=\"matrix\" aria-labelledby=\"methode-sdg\">",
        "</section>",
    );
    assert!(
        sdg.contains(
            "<caption id=\"methode-sdg-caption\">Methoden × SDG&#39;s: 3 koppelingen</caption>"
        ),
        "{sdg}"
    );
    assert!(sdg.contains("<th scope=\"col\" class=\"col kleur-sdg-1\"><a href=\"/kb/sdg/1/\">SDG 1<span class=\"vh\">: Geen armoede</span></a></th>"), "{sdg}");
    assert!(sdg.contains("<th scope=\"row\"><a href=\"/kb/methoden/a/\">Alpha</a></th><td><span aria-hidden=\"true\">●</span><span class=\"vh\">ja</span></td>"), "{sdg}");
    // Column totals: SDG 1 twice (Alpha, Beta), SDG 7 never, SDG 10 once.
    assert!(sdg.contains("<tfoot><tr><th scope=\"row\">Totaal</th><td class=\"n\">2</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">3</td></tr></tfoot>"), "{sdg}");
    let niv = between(&html, "aria-labelledby=\"methode-niveau\">", "</section>");
    assert!(niv.contains("Methoden × Niveaus: 5 koppelingen"), "{niv}");
    assert!(output(&b, "index.html").contains("<a href=\"/kb/overzicht/\">Overzicht</a>"));
}

#[test]
fn sdg_tiles_use_the_kleur_field_through_a_generated_stylesheet() {
    let b = site("");
    let css = output(&b, "site.css");
    assert!(
        css.contains(":root { --origin: \"https://kb.example.org\"; }"),
        "{css}"
    );
    assert!(
        css.contains(".kleur-sdg-1 { --kleur: #e5243b; --kleur-fg: #000000; }"),
        "{css}"
    );
    assert!(
        css.contains(".kleur-sdg-10 { --kleur: #dd1367; --kleur-fg: #ffffff; }"),
        "{css}"
    );
    assert!(
        !css.contains("display: none"),
        "a bad colour never reaches the CSS: {css}"
    );
    let section = main_of(&output(&b, "sdg/index.html"));
    assert!(section.contains("<li class=\"tile kleur-sdg-1\"><a href=\"/kb/sdg/1/\"><span class=\"tile-short\">SDG 1</span> <span class=\"tile-name\">Geen armoede</span></a>\n<p class=\"tile-counts\"><span>2 methoden</span></p></li>"), "{section}");
    assert!(
        section.contains("<li class=\"tile \"><a href=\"/kb/sdg/7/\">"),
        "{section}"
    );
    assert!(section.contains("nog geen pagina&#39;s"), "{section}");
}

#[test]
fn metadata_canonical_opengraph_json_ld_robots_and_favicon() {
    let b = site("");
    let html = output(&b, "methoden/a/index.html");
    for want in [
        "<link rel=\"canonical\" href=\"https://kb.example.org/kb/methoden/a/\">",
        "<meta property=\"og:title\" content=\"Alpha\">",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:url\" content=\"https://kb.example.org/kb/methoden/a/\">",
        "\"@type\":\"Article\"",
        "\"dateModified\":\"2024-04-02\"",
        "<link rel=\"icon\" href=\"/kb/favicon.svg\" type=\"image/svg+xml\">",
    ] {
        assert!(html.contains(want), "{want}");
    }
    let term = output(&b, "begrippen/presentie/index.html");
    assert!(term.contains("\"@type\":\"DefinedTerm\""), "{term}");
    assert!(
        term.contains("\"inDefinedTermSet\":{\"@type\":\"DefinedTermSet\",\"name\":\"Begrippen\",\"url\":\"https://kb.example.org/kb/begrippen/\"}"),
        "{term}"
    );
    assert!(!term.contains("\"headline\""), "{term}");
    let glossary = output(&b, "begrippen/index.html");
    assert!(
        glossary.contains("\"@type\":\"DefinedTermSet\""),
        "{glossary}"
    );
    let robots = output(&b, "robots.txt");
    assert!(
        robots.contains("Sitemap: https://kb.example.org/kb/sitemap.xml"),
        "{robots}"
    );
    assert!(output(&b, "favicon.svg").starts_with("<svg"));
}

#[test]
fn language_en_switches_every_ui_string() {
    let b = build(&format!(
        "//- site.yaml\n{}{CONTENT}",
        SCHEMA.replace("language: nl", "language: en")
    ));
    let nl = strings("nl");
    let en = strings("en");
    // No Dutch UI string may appear where the English one differs.
    let dutch: Vec<&String> = nl
        .iter()
        .filter(|(k, v)| en.get(*k) != Some(v) && v.chars().count() > 4 && !v.contains('{'))
        // Words the (Dutch) fixture content itself uses cannot tell UI from content.
        .filter(|(_, v)| !CONTENT.contains(v.as_str()))
        .map(|(_, v)| v)
        .collect();
    for f in &b.files {
        if !f.path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&f.bytes);
        assert!(html.contains("<html lang=\"en\">"), "{}", f.path);
        for d in &dutch {
            assert!(
                !html.contains(&vakwerk::markdown::escape_html(d)),
                "{} shows the Dutch UI string {d:?}",
                f.path
            );
        }
    }
    let page = output(&b, "methoden/a/index.html");
    for want in [
        "Cite this page",
        "Testbank. (2024, April 2). <i>Alpha.</i>",
        "Updated on <time datetime=\"2024-04-02\">2 April 2024</time>",
        ">Related <a class=\"anker\"",
        "Alpha refers to 7 pages and is mentioned on 2 pages.",
    ] {
        assert!(page.contains(want), "{want}");
    }
    let pack = output(&b, "leerlijnen/ll/cursusmap/index.html");
    assert!(
        pack.contains("<h1>Course pack: Leerlijn Een</h1>"),
        "{pack}"
    );
}

/// The theme's UI strings for `lang`, as key → value.
fn strings(lang: &str) -> std::collections::BTreeMap<String, String> {
    let path = root().join(format!("themes/default/i18n/{lang}.yaml"));
    std::fs::read_to_string(path)
        .expect("i18n file")
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        .collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn both_languages_have_every_string_the_templates_use() {
    let (nl, en) = (strings("nl"), strings("en"));
    let nl_keys: Vec<&String> = nl.keys().collect();
    let en_keys: Vec<&String> = en.keys().collect();
    assert_eq!(nl_keys, en_keys, "nl.yaml and en.yaml have different keys");
    let dir = root().join("themes/default/templates");
    let mut templates = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("templates") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            // partials/
            for inner in std::fs::read_dir(&path).expect("partials") {
                templates.push(inner.expect("entry").path());
            }
        } else {
            templates.push(path);
        }
    }
    assert!(
        templates
            .iter()
            .any(|p| p.ends_with("partials/related.html"))
    );
    for path in templates {
        let text = std::fs::read_to_string(&path).expect("template");
        for (i, _) in text.match_indices("t.") {
            let before = text[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let key: String = text[i + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !key.is_empty() {
                assert!(nl.contains_key(&key), "{}: t.{key} missing", path.display());
            }
        }
        // Outside template tags and HTML tags, a template has no words:
        // every word a reader sees comes from the strings or from content.
        let words = visible_literal_text(&text);
        assert!(
            words.is_empty(),
            "{} has literal UI text {words:?}; put it in i18n/*.yaml",
            path.display()
        );
    }
}

/// Letters left in a template once `{{ }}`, `{% %}`, `{# #}`, tags and
/// entities are removed.
fn visible_literal_text(template: &str) -> Vec<String> {
    let mut text = template.to_string();
    for (open, close) in [
        ("{#", "#}"),
        ("{%", "%}"),
        ("{{", "}}"),
        ("<", ">"),
        ("&", ";"),
    ] {
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(s) = rest.find(open) {
            out.push_str(&rest[..s]);
            out.push(' ');
            match rest[s..].find(close) {
                Some(e) => rest = &rest[s + e + close.len()..],
                None => rest = "",
            }
        }
        out.push_str(rest);
        text = out;
    }
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The bundled knowledge base, built once per test into a temporary folder.
fn bundled() -> (tempfile::TempDir, PathBuf) {
    built_site(&root(), &[])
}

/// The bundled knowledge base with `language: en` (source folder, output
/// folder, output path).
fn bundled_en() -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    copy_tree(&root().join("content"), &dir.path().join("content"));
    let config = std::fs::read_to_string(root().join("site.yaml")).expect("site.yaml");
    let config = config.replacen("language: nl", "language: en", 1);
    assert!(
        config.contains("language: en"),
        "site.yaml sets language: nl"
    );
    std::fs::write(dir.path().join("site.yaml"), config).expect("write");
    let (out, public) = built_site(dir.path(), &[]);
    (dir, out, public)
}

fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for e in std::fs::read_dir(src).expect("read_dir") {
        let p = e.expect("entry").path();
        let target = dst.join(p.file_name().expect("name"));
        if p.is_dir() {
            copy_tree(&p, &target);
        } else {
            std::fs::copy(&p, &target).expect("copy");
        }
    }
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn browser_a11y_zero_axe_violations_light_and_dark() {
    let (_tmp, public) = bundled();
    node("a11y.spec.mjs", &["--site", arg(&public), "--lang", "nl"]);
}

#[test]
fn browser_a11y_in_english() {
    let (_src, _out, public) = bundled_en();
    node(
        "a11y.spec.mjs",
        &[
            "--site",
            arg(&public),
            "--lang",
            "en",
            "--schemes",
            "light",
            "--keyboard",
            "no",
        ],
    );
}

#[test]
fn browser_no_horizontal_scroll_at_360_and_1280() {
    let (_tmp, public) = bundled();
    let shots = root().join("target/screenshots");
    node(
        "layout.spec.mjs",
        &["--site", arg(&public), "--shots", arg(&shots)],
    );
}

#[test]
fn browser_print_handout_course_pack_and_citation_copy() {
    let (_tmp, public) = bundled();
    node("print.spec.mjs", &["--site", arg(&public)]);
}

#[test]
fn built_site_is_valid_html() {
    let (_tmp, public) = bundled();
    let jar = root().join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.exists(),
        "the HTML checker needs `npm ci --prefix tests/browser` and Java 17 (.ci/run installs both)"
    );
    let o = Command::new("java")
        .args([
            "-Xss8m",
            "-jar",
            arg(&jar),
            "--errors-only",
            "--skip-non-html",
        ])
        .arg(&public)
        .output()
        .expect("java runs");
    let report = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && report.trim().is_empty(),
        "the Nu HTML Checker found errors:\n{report}"
    );
}
