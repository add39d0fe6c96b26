//! The `vakwerk` binary end to end: exit codes, output formats, atomic
//! output, refused output folders and `new`.

use clap::CommandFactory;

use crate::support::{build, code, fixture_dir, inline_dir, tree, vakwerk};

#[test]
fn cli_definition_is_consistent() {
    vakwerk::cli::Cli::command().debug_assert();
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().expect("tmp");
    for args in [
        &["--help"][..],
        &["--version"],
        &["build", "--help"],
        &["check", "--help"],
        &["new", "--help"],
    ] {
        let o = vakwerk(args, dir.path());
        assert_eq!(code(&o), 0, "{args:?}");
    }
}

#[test]
fn build_writes_site_and_exits_0() {
    let dir = fixture_dir("basic");
    let o = vakwerk(&["build"], dir.path());
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let public = dir.path().join("public");
    for f in [
        "index.html",
        "methoden/buurtcirkel/index.html",
        "niveaus/meso/index.html",
        "sitemap.xml",
        "graph.json",
        ".vakwerk-output",
    ] {
        assert!(public.join(f).is_file(), "{f}");
    }
    // Rebuilding replaces its own output.
    assert_eq!(code(&vakwerk(&["build"], dir.path())), 0);
}

#[test]
fn check_exit_codes_and_formats() {
    let dir = fixture_dir("basic");
    assert_eq!(code(&vakwerk(&["check"], dir.path())), 0);
    let page = dir.path().join("content/methoden/buurtcirkel.md");
    std::fs::write(
        &page,
        "---\ntitle: Buurtcirkel\ndoel: x\nniveaus: [mseo]\nonbekend: 1\n---\n",
    )
    .expect("write");
    let o = vakwerk(&["check", "--format", "json"], dir.path());
    assert_eq!(code(&o), 1);
    let diags: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is exactly one JSON array");
    let arr = diags.as_array().expect("array");
    assert_eq!(
        arr.len(),
        3,
        "the error, the unknown key, and meso now being an orphan"
    );
    assert_eq!(arr[0]["file"], "content/methoden/buurtcirkel.md");
    assert_eq!(
        (arr[0]["line"].as_u64(), arr[0]["column"].as_u64()),
        (Some(4), Some(11))
    );
    assert_eq!(arr[0]["severity"], "error");
    assert_eq!(arr[0]["code"], "missing-ref");
    assert_eq!(arr[1]["severity"], "warning");

    let o = vakwerk(&["check", "--format", "github"], dir.path());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(
            "::error file=content/methoden/buurtcirkel.md,line=4,col=11,title=missing-ref::"
        ),
        "{out}"
    );

    let o = vakwerk(&["check"], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--> content/methoden/buurtcirkel.md:4:11") && err.contains("niveaus: [mseo]"),
        "{err}"
    );
    assert!(!err.contains('\x1b'), "no colour when not on a TTY");

    std::fs::write(
        &page,
        "---\ntitle: Buurtcirkel\ndoel: x\nniveaus: [meso]\nonbekend: 1\n---\n",
    )
    .expect("write");
    assert_eq!(
        code(&vakwerk(&["check"], dir.path())),
        0,
        "warnings alone pass"
    );
    assert_eq!(code(&vakwerk(&["check", "--deny-warnings"], dir.path())), 1);
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let dir = fixture_dir("basic");
    assert_eq!(code(&vakwerk(&["build"], dir.path())), 0);
    let before = tree(&dir.path().join("public"));
    std::fs::write(
        dir.path().join("content/methoden/buurtcirkel.md"),
        "---\ntitle: [kapot\n---\n",
    )
    .expect("write");
    let o = vakwerk(&["build"], dir.path());
    assert_eq!(code(&o), 1);
    assert!(String::from_utf8_lossy(&o.stderr).contains("untouched"));
    assert_eq!(before, tree(&dir.path().join("public")));
}

#[test]
fn unusable_invocations_exit_2_before_reading_content() {
    let dir = fixture_dir("basic");
    // Broken content must not matter: invocation problems win.
    std::fs::write(
        dir.path().join("content/methoden/kapot.md"),
        "geen front matter",
    )
    .expect("write");
    let root = dir.path().to_str().expect("utf-8 path");
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    for out in [
        "/",
        root,
        &format!("{root}/content"),
        &format!("{root}/content/x"),
        &format!("{root}/themes"),
        &format!("{root}/.."),
        &home,
    ] {
        let o = vakwerk(&["build", "--output", out], dir.path());
        assert_eq!(
            code(&o),
            2,
            "--output {out}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = vakwerk(&["build", "--root", "/bestaat/niet"], dir.path());
    assert_eq!(code(&o), 2);
    let foreign = tempfile::tempdir().expect("tmp");
    std::fs::write(foreign.path().join("belangrijk.txt"), "niet weggooien").expect("write");
    let o = vakwerk(
        &["build", "--output", foreign.path().to_str().expect("utf-8")],
        dir.path(),
    );
    assert_eq!(
        code(&o),
        2,
        "a folder Vakwerk did not make is never replaced"
    );
    assert!(foreign.path().join("belangrijk.txt").exists());
    std::fs::write(
        dir.path().join("site.yaml"),
        "title: x\nkinds:\n  a:\n    fields:\n      f: { type: strng }\n",
    )
    .expect("write");
    let o = vakwerk(&["check"], dir.path());
    assert_eq!(code(&o), 2);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("site.yaml:5:"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        code(&vakwerk(&["bouw"], dir.path())),
        2,
        "unknown subcommand"
    );
}

#[test]
fn new_stubs_required_fields_and_never_overwrites() {
    let dir = fixture_dir("basic");
    let o = vakwerk(&["new", "methode", "kringgesprek"], dir.path());
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(dir.path().join("content/methoden/kringgesprek.md"))
        .expect("created");
    assert!(text.starts_with("---\ntitle: \"Kringgesprek\"\n"), "{text}");
    assert!(text.contains("doel: \"\"") && text.contains("niveaus: []"));
    assert_eq!(
        code(&vakwerk(&["new", "methode", "kringgesprek"], dir.path())),
        2
    );
    assert_eq!(code(&vakwerk(&["new", "onbekend", "x"], dir.path())), 2);
    assert_eq!(code(&vakwerk(&["new", "methode", "../x"], dir.path())), 2);
    // The stub is not yet valid: check points at the empty required fields.
    assert_eq!(code(&vakwerk(&["check"], dir.path())), 1);
}

#[test]
fn bundled_knowledge_base_passes_check_with_deny_warnings() {
    let root = env!("CARGO_MANIFEST_DIR");
    let o = vakwerk(
        &["check", "--root", root, "--deny-warnings"],
        std::path::Path::new(root),
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
}

/// `check` drops the page bodies it never reads (all but a leerlijn's
/// HTML, which its course pack shows) instead of packing them; it must
/// still report exactly what the rendering pipeline reports, on the
/// bundled site (which has a leerlijn with a course pack) and on a site
/// with errors.
#[test]
fn check_without_bodies_reports_what_rendering_reports() {
    let json = |args: &[&str], dir: &std::path::Path| {
        let o = vakwerk(args, dir);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON array");
        (code(&o), v)
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let bundled = std::path::Path::new(root);
    let plain = json(&["check", "--root", root, "--format", "json"], bundled);
    let rendered = json(
        &["check", "--render", "--root", root, "--format", "json"],
        bundled,
    );
    assert_eq!(plain, rendered);
    let dir = fixture_dir("basic");
    std::fs::write(
        dir.path().join("content/methoden/buurtcirkel.md"),
        "---\ntitle: Buurtcirkel\ndoel: x\nniveaus: [mseo]\n---\nZie [[nergens]].\n",
    )
    .expect("write");
    let plain = json(&["check", "--format", "json"], dir.path());
    let rendered = json(&["check", "--render", "--format", "json"], dir.path());
    assert_eq!(plain.0, 1);
    assert!(
        plain.1.as_array().is_some_and(|a| a.len() >= 2),
        "{:?}",
        plain.1
    );
    assert_eq!(plain, rendered);
}

/// `build` reads and parses `content/` in batches (so the raw files of a
/// large site are never all in memory); a site of more than one batch
/// must come out exactly as the in-memory pipeline builds it, and `check`
/// must still report a problem in the last batch at its line and column.
#[test]
fn a_site_larger_than_one_parse_batch_builds_like_the_library() {
    let mut fixture = String::from(
        "//- content/niveaus/meso.md\n---\ntitle: Meso\n---\nHet mesoniveau.\n//- content/sdg/1.md\n---\ntitle: SDG 1\n---\n",
    );
    for i in 0..2_500 {
        let sdgs = if i % 3 == 0 { "sdgs: [1]\n" } else { "" };
        fixture.push_str(&format!(
            "//- content/methoden/m{i:04}.md\n---\ntitle: Methode {i}\ndoel: Doel {i}\nniveaus: [meso]\n{sdgs}---\nZie [[methoden/m{:04}]] en de buurt.\n",
            (i + 1) % 2_500
        ));
    }
    fixture.push_str(
        "//- content/methoden/plaatje.svg\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    let dir = inline_dir(&fixture);
    let o = vakwerk(&["build"], dir.path());
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let on_disk: Vec<(String, Vec<u8>)> = tree(&dir.path().join("public"))
        .into_iter()
        .filter(|(p, _)| p != ".vakwerk-output")
        .collect();
    let in_memory: Vec<(String, Vec<u8>)> = build(&fixture)
        .files
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    assert_eq!(on_disk.len(), in_memory.len());
    assert!(
        on_disk == in_memory,
        "the CLI build differs from the in-memory build"
    );

    // A broken ref in the last file read.
    let last = dir.path().join("content/methoden/m2499.md");
    std::fs::write(
        &last,
        "---\ntitle: Methode 2499\ndoel: D\nniveaus: [makro]\n---\nTekst.\n",
    )
    .expect("write");
    let o = vakwerk(&["check"], dir.path());
    assert_eq!(code(&o), 1);
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(out.contains("content/methoden/m2499.md:4:"), "{out}");
}
