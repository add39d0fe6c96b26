//! Bad input never crashes the build, hangs, loses output or runs script.
//! One test per case of issue 7; each ends in a located diagnostic or a
//! defined behaviour.

use std::time::{Duration, Instant};

use crate::support::{build, code, fixture_dir, inline_dir, locations, output, tree, vakwerk};

fn page(front: &str, body: &str) -> String {
    format!(
        "//- content/niveaus/meso.md\n---\ntitle: Meso\n---\n[[methoden/x]]\n//- content/methoden/x.md\n---\n{front}---\n{body}"
    )
}

fn codes(b: &vakwerk::Build) -> Vec<&str> {
    b.diagnostics.iter().map(|d| d.code).collect()
}

/// Locations of the diagnostics in the page under test (a page that fails
/// to parse also breaks the link to it from `meso`).
fn in_x(b: &vakwerk::Build) -> Vec<String> {
    locations(&b.diagnostics)
        .into_iter()
        .filter(|l| l.starts_with("content/methoden/x.md"))
        .collect()
}

#[test]
fn tabs_in_front_matter_are_located() {
    let b = build(&page("title: X\ndoel: y\nniveaus:\n\t- meso\n", ""));
    // The parser reports the tab's column as the character after it.
    assert_eq!(
        in_x(&b),
        ["content/methoden/x.md:5:2 Error yaml-syntax"],
        "{:?}",
        b.diagnostics
    );
}

#[test]
fn empty_file_and_front_matter_only() {
    let b = build(
        "//- content/methoden/leeg.md\n//- content/methoden/kop.md\n---\ntitle: Alleen kop\ndoel: x\nniveaus: [m]\n---\n//- content/niveaus/m.md\n---\ntitle: M\n---\n",
    );
    assert_eq!(
        locations(&b.diagnostics),
        ["content/methoden/leeg.md:1:1 Error front-matter"]
    );
    output(&b, "methoden/kop/index.html");
}

#[test]
fn bom_is_stripped_and_accepted() {
    let b = build(&page("title: X\ndoel: y\nniveaus: [meso]\n", "").replace(
        "//- content/methoden/x.md\n",
        "//- content/methoden/x.md\n\u{feff}",
    ));
    assert!(b.diagnostics.is_empty(), "{:?}", b.diagnostics);
    assert!(output(&b, "methoden/x/index.html").contains("<h1>X</h1>"));
}

#[test]
fn alias_bomb_is_refused_at_once() {
    let mut yaml = String::from(
        "title: X\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        yaml.push_str(&format!(
            "{i}: &{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    let start = Instant::now();
    let b = build(&page(&yaml, ""));
    // A hang guard, not a benchmark: the refusal happens at the first anchor.
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(in_x(&b), ["content/methoden/x.md:3:4 Error yaml-syntax"]);
}

#[test]
fn nul_bytes_and_huge_inputs_build() {
    let b = build(&page(
        "title: X\ndoel: y\nniveaus: [meso]\n",
        "a\0b [[meso]]\n",
    ));
    assert!(b.diagnostics.is_empty(), "{:?}", b.diagnostics);
    assert!(output(&b, "methoden/x/index.html").contains("a\u{fffd}b"));

    let long_line = "woord ".repeat(1024 * 1024 / 6);
    let b = build(&page("title: X\ndoel: y\nniveaus: [meso]\n", &long_line));
    assert!(!b.has_errors());

    let big = "## Kop\n\nEen alinea met [[meso]] en *nadruk* en wat tekst.\n\n"
        .repeat(50 * 1024 * 1024 / 60);
    let b = build(&page("title: X\ndoel: y\nniveaus: [meso]\n", &big));
    assert!(!b.has_errors());
    assert!(output(&b, "methoden/x/index.html").len() > 50 * 1024 * 1024);
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let quotes = format!("{}diep\n", "> ".repeat(10_000));
    let lists = format!("{}diep\n", "- ".repeat(10_000));
    let html = format!("{}x{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
    for body in [quotes, lists, html] {
        let b = build(&page("title: X\ndoel: y\nniveaus: [meso]\n", &body));
        assert!(!b.has_errors(), "{:?}", b.diagnostics);
    }
}

#[test]
fn thousands_of_links_and_self_links() {
    let body = "[[meso]] [[x]] [[#kop]] ".repeat(5_000) + "\n\n## Kop\n";
    let b = build(&page("title: X\ndoel: y\nniveaus: [meso]\n", &body));
    assert!(b.diagnostics.is_empty(), "{:?}", b.diagnostics);
    let html = output(&b, "methoden/x/index.html");
    // 5,000 body links, the niveaus field and meso's backlink.
    assert_eq!(
        html.matches(r#"<a href="/niveaus/meso/">Meso</a>"#).count(),
        5_000 + 2
    );
    // A page does not list itself among its backlinks.
    let main = crate::support::main_of(&html);
    let backlinks = &main[main
        .find("Verwijzingen naar deze pagina")
        .expect("meso links here")..];
    assert!(!backlinks.contains(r#"href="/methoden/x/""#));
}

#[test]
fn alias_chains_and_cycles_are_clashes() {
    let b = build(
        "//- content/niveaus/a.md\n---\ntitle: A\naliases: [/niveaus/b/]\n---\n[[b]]\n//- content/niveaus/b.md\n---\ntitle: B\naliases: [/niveaus/a/, /oud/]\n---\n[[a]]\n//- content/niveaus/c.md\n---\ntitle: C\naliases: [/oud/, /niveaus/c/]\n---\n[[a]]\n",
    );
    assert_eq!(
        locations(&b.diagnostics),
        [
            "content/niveaus/a.md:3:11 Error url-clash",
            "content/niveaus/b.md:3:11 Error url-clash",
            "content/niveaus/c.md:3:11 Error url-clash",
            "content/niveaus/c.md:3:18 Error url-clash",
        ]
    );
}

#[test]
fn hostile_slugs_are_refused() {
    for (slug, col) in [
        ("\"../x\"", 7),
        ("a/b", 7),
        ("'a\\b'", 7),
        ("\"%2e%2e\"", 7),
        ("\"a\\tb\"", 7),
    ] {
        let b = build(&page(
            &format!("title: X\nslug: {slug}\ndoel: y\nniveaus: [meso]\n"),
            "",
        ));
        assert!(
            codes(&b).contains(&"bad-slug"),
            "{slug}: {:?}",
            b.diagnostics
        );
        let d = b
            .diagnostics
            .iter()
            .find(|d| d.code == "bad-slug")
            .expect("bad slug");
        assert_eq!((d.line, d.column), (3, col), "{slug}");
    }
}

#[test]
fn names_differing_only_by_case_or_accents_clash() {
    let b = build(
        "//- content/niveaus/Cliënt.md\n---\ntitle: A\n---\n[[client]]\n//- content/niveaus/client.md\n---\ntitle: B\n---\n",
    );
    let dup: Vec<_> = b
        .diagnostics
        .iter()
        .filter(|d| d.code == "duplicate-slug")
        .map(|d| d.file.as_str())
        .collect();
    assert_eq!(
        dup,
        ["content/niveaus/Cliënt.md", "content/niveaus/client.md"]
    );
}

#[test]
fn readable_urls_for_spaces_and_non_ascii_names() {
    let b = build(
        "//- content/niveaus/Mijn pagina über Één.md\n---\ntitle: A\n---\n[[b]]\n//- content/niveaus/b.md\n---\ntitle: B\n---\n[[mijn-pagina-uber-een]]\n",
    );
    assert!(b.diagnostics.is_empty(), "{:?}", b.diagnostics);
    output(&b, "niveaus/mijn-pagina-uber-een/index.html");
}

#[test]
fn kind_without_pages_or_folder_is_fine() {
    let b = build("//- content/niveaus/m.md\n---\ntitle: M\n---\n[[sdg]]\n");
    assert!(b.diagnostics.is_empty(), "{:?}", b.diagnostics);
    output(&b, "sdg/index.html");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_root() {
    let dir = fixture_dir("basic");
    let content = dir.path().join("content");
    std::os::unix::fs::symlink(&content, content.join("niveaus/lus")).expect("symlink");
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(
        outside.path().join("geheim.md"),
        "---\ntitle: Geheim\n---\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(
        outside.path().join("geheim.md"),
        content.join("niveaus/geheim.md"),
    )
    .expect("symlink");
    let o = vakwerk(&["check", "--format", "json"], dir.path());
    let diags: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let codes: Vec<&str> = diags
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"symlink-outside"), "{codes:?}");
    assert!(
        codes.contains(&"unreadable"),
        "the loop is reported: {codes:?}"
    );
    assert!(!String::from_utf8_lossy(&o.stdout).contains("Geheim"));
}

#[test]
fn raw_html_is_sanitised_and_reported() {
    let body = "Tekst <img src=x onerror=\"alert(1)\"> en\n\n<script>alert(2)</script>\n\n[klik](javascript:alert(3)) <a href=\"vbscript:x\">v</a> ![i](data:image/png;base64,AA)\n";
    let b = build(&page("title: X\ndoel: y\nniveaus: [meso]\n", body));
    let html = output(&b, "methoden/x/index.html");
    for bad in [
        "onerror",
        "<script>alert",
        "javascript:",
        "vbscript:",
        "data:image",
    ] {
        assert!(!html.contains(bad), "{bad} survived");
    }
    assert_eq!(
        locations(&b.diagnostics),
        [
            "content/methoden/x.md:6:7 Warning unsafe-html",
            "content/methoden/x.md:8:1 Warning unsafe-html",
            "content/methoden/x.md:10:1 Warning unsafe-url",
            "content/methoden/x.md:10:29 Warning unsafe-html",
            "content/methoden/x.md:10:56 Warning unsafe-url",
        ]
    );
}

#[test]
fn template_errors_name_the_template_or_the_page() {
    let dir = inline_dir(&format!(
        "{}//- templates/page.html\n{{% if %}}\n",
        page("title: X\ndoel: y\nniveaus: [meso]\n", "")
    ));
    let o = vakwerk(&["check"], dir.path());
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("page.html") && err.contains("1:"), "{err}");

    let b = build(&format!(
        "{}//- theme/templates/page.html\n{{% if page.title == \"X\" %}}{{{{ page.bestaat_niet.veld }}}}{{% else %}}ok{{% endif %}}\n",
        page("title: X\ndoel: y\nniveaus: [meso]\n", "")
    ));
    assert_eq!(
        locations(&b.diagnostics),
        ["content/methoden/x.md:1:1 Error template"]
    );
    assert!(b.diagnostics[0].message.contains("page.html"));

    // `check` renders no pages (that is what makes it fast); `check
    // --render` and `build` find a failure that depends on a page's data.
    let dir = inline_dir(&format!(
        "{}//- templates/page.html\n{{% if page.title == \"X\" %}}{{{{ page.bestaat_niet.veld }}}}{{% else %}}ok{{% endif %}}\n",
        page("title: X\ndoel: y\nniveaus: [meso]\n", "")
    ));
    assert_eq!(code(&vakwerk(&["check"], dir.path())), 0);
    for args in [&["check", "--render"][..], &["build"][..]] {
        let o = vakwerk(args, dir.path());
        assert_eq!(code(&o), 1, "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("content/methoden/x.md") && err.contains("page.html"),
            "{err}"
        );
    }
    assert!(
        !dir.path().join("public").exists(),
        "a failed build writes nothing"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("vakwerk-staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn user_theme_without_a_template_falls_back_with_a_note() {
    let fixture = format!(
        "{}//- site.yaml\n{}//- themes/eigen/templates/base.html\n<!DOCTYPE html><html lang=\"nl\"><head><title>eigen</title></head><body>{{% block main %}}{{% endblock main %}}</body></html>\n",
        page("title: X\ndoel: y\nniveaus: [meso]\n", ""),
        crate::support::SCHEMA.replace("title: Testsite", "title: Testsite\ntheme: eigen")
    );
    let dir = inline_dir(&fixture);
    let o = vakwerk(&["build"], dir.path());
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("note:") && err.contains("page.html"), "{err}");
    let html =
        std::fs::read_to_string(dir.path().join("public/methoden/x/index.html")).expect("built");
    assert!(html.contains("<title>eigen</title>") && html.contains("<h1>X</h1>"));
}

#[test]
fn output_is_identical_across_thread_counts() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut trees = Vec::new();
    for threads in ["1", "2"] {
        let out = tempfile::tempdir().expect("tmp");
        let public = out.path().join("public");
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_vakwerk"))
            .args([
                "build",
                "--root",
                root,
                "--output",
                public.to_str().expect("utf-8"),
            ])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("run");
        assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
        trees.push(tree(&public));
    }
    assert!(
        trees[0] == trees[1],
        "output differs between 1 and 2 threads"
    );
}

#[cfg(unix)]
#[test]
fn killed_builds_never_leave_a_half_written_output() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = tempfile::tempdir().expect("tmp");
    let public = out.path().join("public");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_vakwerk"))
            .args([
                "build",
                "--root",
                root,
                "--output",
                public.to_str().expect("utf-8"),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn")
    };
    assert!(run().wait().expect("wait").success());
    let before = tree(&public);
    for (signal, delay_ms) in [
        ("KILL", 5),
        ("KILL", 40),
        ("INT", 80),
        ("KILL", 120),
        ("INT", 160),
        ("KILL", 200),
    ] {
        let child = run();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status();
        let mut child = child;
        let _ = child.wait();
        assert!(
            tree(&public) == before,
            "output changed after SIG{signal} at {delay_ms} ms"
        );
    }
    // The next build cleans up whatever staging folders the killed ones left.
    assert!(run().wait().expect("wait").success());
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .expect("read")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("public")]);
}

#[test]
fn parallel_writes_into_one_new_folder_all_land() {
    // Regression: a thread that saw a folder recorded as made wrote into it
    // before the thread making it had finished (`No such file or
    // directory` on search/f/*.json).
    use rayon::prelude::*;
    let dir = tempfile::tempdir().expect("tmp");
    for round in 0..20 {
        let out = dir.path().join(format!("out{round}"));
        let staging = vakwerk::fs::Staging::begin(&out).expect("staging");
        let files: Vec<vakwerk::OutputFile> = (0..256)
            .map(|i| vakwerk::OutputFile {
                path: format!("d{}/f/{i}.json", i % 4),
                bytes: vec![b'x'; 10],
            })
            .collect();
        files
            .par_iter()
            .try_for_each(|f| staging.write(f))
            .expect("every write lands");
        staging.commit().expect("commit");
        assert_eq!(tree(&out).len(), 257, "256 files and the marker");
    }
}
