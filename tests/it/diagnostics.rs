//! Every content error and warning of the core, each asserted at its exact
//! file:line:col with its code.

use crate::support::{build, locations};

/// A site seeded with one of every problem `vakwerk check` must find.
const SEEDED: &str = r#"//- content/niveaus/meso.md
---
title: Meso
---
Niveau.
//- content/sdg/10.md
---
title: SDG 10
---
Doel.
//- content/beroepscode/art-1.md
---
title: Artikel 1
---
Tekst met [[meso]].
//- content/methoden/a.md
---
title: A
doel: Iets
niveaus: [meso, mezo]
sdgs: [10, 11]
erkenning: effectieff
jaar: twee
code: meso
kleur: rood
---
Zie [[bb]] en [[meso#bestaat-niet]] en [x](../niveaus/weg.md).
//- content/methoden/b.md
---
title: B
niveaus: meso
---
```cobol
x
```
//- content/methoden/c.md
---
title: C
slug: a
doel: x
niveaus: [meso]
---
//- content/methoden/d.md
---
title: D
doel: x
niveaus: [meso]
aliases: [/methoden/a/]
---
//- content/methoden/e.md
---
title: [broken
---
//- content/los.md
---
title: Los
---
Niets.
//- content/methoden/g.md
---
title: G
doel: x
niveaus: [meso]
---
[[meso]] [[dubbel]]
//- content/beroepscode/dubbel.md
---
title: Dubbel artikel
---
[[meso]]
//- content/niveaus/dubbel.md
---
title: Dubbel niveau
---
[[meso]]
"#;

#[test]
fn every_problem_is_reported_at_its_location() {
    let mut b = build(SEEDED);
    b.diagnostics.push(vakwerk::Diagnostic::error(
        "x",
        vakwerk::diagnostic::Loc::START,
        "sentinel",
        "",
    ));
    let got = locations(&b.diagnostics);
    let expected = [
        "content/los.md:1:1 Warning orphan-page",
        "content/methoden/a.md:1:1 Error duplicate-slug",
        "content/methoden/a.md:4:17 Error missing-ref",
        "content/methoden/a.md:5:12 Error missing-ref",
        "content/methoden/a.md:6:12 Error unknown-enum-value",
        "content/methoden/a.md:7:7 Error wrong-type",
        "content/methoden/a.md:8:7 Error wrong-kind-ref",
        "content/methoden/a.md:9:1 Warning unknown-field",
        "content/methoden/a.md:11:5 Error broken-link",
        "content/methoden/a.md:11:15 Error missing-anchor",
        "content/methoden/a.md:11:40 Error broken-link",
        "content/methoden/b.md:1:1 Error missing-field",
        "content/methoden/b.md:1:1 Warning orphan-page",
        "content/methoden/b.md:3:10 Error wrong-type",
        "content/methoden/b.md:5:1 Warning unknown-language",
        "content/methoden/c.md:3:7 Error duplicate-slug",
        "content/methoden/d.md:5:11 Error url-clash",
        "content/methoden/e.md:3:1 Error yaml-syntax",
        "content/methoden/g.md:6:10 Error ambiguous-link",
    ];
    for e in expected {
        assert!(
            got.iter().any(|g| g == e),
            "missing {e}\n got:\n{}",
            got.join("\n")
        );
    }
    // Nothing else (besides the sentinel) is reported.
    assert_eq!(got.len(), expected.len() + 1, "got:\n{}", got.join("\n"));
}

#[test]
fn messages_say_how_to_fix_with_did_you_mean() {
    let b = build(SEEDED);
    let msg = |code: &str, file: &str| {
        b.diagnostics
            .iter()
            .filter(|d| d.code == code && d.file.ends_with(file))
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(
        msg("missing-ref", "a.md").contains("did you mean `meso`"),
        "{}",
        msg("missing-ref", "a.md")
    );
    assert!(msg("unknown-enum-value", "a.md").contains("did you mean `effectief`"));
    assert!(msg("wrong-kind-ref", "a.md").contains("kind `niveau`"));
    assert!(msg("unknown-field", "a.md").contains("doel, niveaus, sdgs, erkenning, jaar, code"));
    assert!(
        msg("ambiguous-link", "g.md").contains("[[beroepscode/dubbel]]")
            && msg("ambiguous-link", "g.md").contains("[[niveaus/dubbel]]")
    );
    assert!(msg("wrong-type", "b.md").contains("niveaus: [meso]"));
}

#[test]
fn ref_to_page_of_wrong_kind_is_named_as_such() {
    let b = build(
        "//- content/niveaus/meso.md\n---\ntitle: Meso\n---\n//- content/sdg/1.md\n---\ntitle: S\n---\n//- content/methoden/a.md\n---\ntitle: A\ndoel: x\nniveaus: [1]\n---\n",
    );
    let d = b
        .diagnostics
        .iter()
        .find(|d| d.code == "wrong-kind-ref")
        .expect("wrong-kind-ref reported");
    assert_eq!((d.line, d.column), (4, 11));
    assert!(d.message.contains("kind `sdg`"), "{}", d.message);
}

#[test]
fn invalid_utf8_is_located() {
    let mut bytes = b"---\ntitle: X\n---\nabc ".to_vec();
    bytes.extend([0xff, 0xfe]);
    let config = vakwerk::Config::parse(crate::support::SCHEMA).expect("schema");
    let mut sources = vakwerk::source::Sources::default();
    sources.content.push(vakwerk::source::SourceFile::new(
        "content/methoden/x.md",
        bytes,
    ));
    let b = crate::support::build_sources(&config, &sources, &Default::default());
    let d = b
        .diagnostics
        .iter()
        .find(|d| d.code == "invalid-utf8")
        .expect("reported");
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        ("content/methoden/x.md", 4, 5)
    );
}

#[test]
fn crlf_files_report_the_same_lines() {
    let lf = "//- content/niveaus/meso.md\n---\ntitle: M\n---\n[[meso]]\n//- content/methoden/a.md\n---\ntitle: A\ndoel: x\nniveaus: [mseo]\n---\n";
    let crlf = lf
        .replace('\n', "\r\n")
        .replace(
            "//- content/niveaus/meso.md\r\n",
            "//- content/niveaus/meso.md\n",
        )
        .replace(
            "//- content/methoden/a.md\r\n",
            "//- content/methoden/a.md\n",
        );
    assert_eq!(
        locations(&build(lf).diagnostics),
        locations(&build(&crlf).diagnostics)
    );
}

#[test]
fn front_matter_problems() {
    let b = build(
        "//- content/methoden/a.md\nno front matter\n//- content/methoden/b.md\n---\ntitle: B\n//- content/methoden/c.md\n---\n- a\n- b\n---\n//- content/methoden/d.md\n---\ntitle: D\ntitle: E\n---\n",
    );
    assert_eq!(
        locations(&b.diagnostics),
        [
            "content/methoden/a.md:1:1 Error front-matter",
            "content/methoden/b.md:1:1 Error front-matter",
            "content/methoden/c.md:2:1 Error front-matter",
            "content/methoden/d.md:3:1 Error yaml-syntax",
        ]
    );
}
