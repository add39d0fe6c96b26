//! Test helpers: inline multi-file fixtures built in memory, and CLI runs on
//! fixture sites copied to temporary folders.
//!
//! An inline fixture is one string with `//- path` lines starting each file:
//! ```text
//! //- site.yaml
//! title: T
//! //- content/a.md
//! ---
//! title: A
//! ---
//! ```

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use vakwerk::config::Config;
use vakwerk::diagnostic::Diagnostic;
use vakwerk::highlight::Highlighter;
use vakwerk::render::Renderer;
use vakwerk::source::{SourceFile, Sources};
use vakwerk::theme::Theme;
use vakwerk::{Build, BuildOptions};

/// A minimal schema used by most fixtures.
pub const SCHEMA: &str = r#"title: Testsite
base_url: https://example.org/
kinds:
  methode:
    section: methoden
    label: Methode
    plural: Methoden
    fields:
      doel:      { type: string, required: true }
      niveaus:   { type: refs, to: niveau, required: true }
      sdgs:      { type: refs, to: sdg }
      erkenning: { type: enum, values: [niet-beoordeeld, goed-beschreven, effectief] }
      jaar:      { type: int }
      code:      { type: ref, to: artikel }
  niveau:
    section: niveaus
    label: Niveau
    plural: Niveaus
  sdg:
    section: sdg
    label: SDG
    plural: SDG's
  artikel:
    section: beroepscode
    label: Artikel
    plural: Beroepscode
"#;

/// Split an inline fixture into files.
pub fn files(fixture: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in fixture.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            out.push((path.trim().to_string(), String::new()));
        } else if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
        }
    }
    out
}

/// Build an inline fixture in memory. `site.yaml` defaults to [`SCHEMA`].
pub fn build(fixture: &str) -> Build {
    build_with(fixture, &BuildOptions::default())
}

/// Build with options.
pub fn build_with(fixture: &str, options: &BuildOptions) -> Build {
    let files = files(fixture);
    let config_text = files
        .iter()
        .find(|(p, _)| p == "site.yaml")
        .map_or(SCHEMA, |(_, t)| t.as_str());
    let config = Config::parse(config_text).unwrap_or_else(|e| panic!("fixture config: {e:?}"));
    let mut sources = Sources::default();
    for (path, text) in &files {
        if path.starts_with("content/") {
            sources
                .content
                .push(SourceFile::new(path.clone(), text.as_bytes()));
        } else if let Some(rest) = path.strip_prefix("theme/") {
            sources.theme.push(SourceFile::new(rest, text.as_bytes()));
        }
    }
    sources.content.sort_by(|a, b| a.path.cmp(&b.path));
    build_sources(&config, &sources, options)
}

/// Build loaded sources in memory, with their theme.
pub fn build_sources(config: &Config, sources: &Sources, options: &BuildOptions) -> Build {
    let renderer =
        Renderer::new(&Theme::load(&sources.theme), &config.language).expect("theme compiles");
    vakwerk::build(config, sources, &renderer, &Highlighter::new(), options)
}

/// The text of one output file.
pub fn output(build: &Build, path: &str) -> String {
    let f = build
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| {
            let names: Vec<&str> = build.files.iter().map(|f| f.path.as_str()).collect();
            panic!("no output {path}; have {names:?}")
        });
    String::from_utf8(f.bytes.clone()).expect("utf-8 output")
}

/// The `<main>` element of an HTML page, which is what snapshots cover.
pub fn main_of(html: &str) -> String {
    let start = html.find("<main").expect("has <main>");
    let end = html.find("</main>").expect("has </main>") + "</main>".len();
    html[start..end]
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Diagnostics as `file:line:col severity code` lines (messages left out).
pub fn locations(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {:?} {}",
                d.file, d.line, d.column, d.severity, d.code
            )
        })
        .collect()
}

/// Copy `tests/fixtures/<name>` to a fresh temporary folder.
pub fn fixture_dir(name: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&src, dir.path());
    dir
}

/// Copy the bundled knowledge base (`site.yaml`, `content/`, `themes/`)
/// to a fresh temporary folder.
pub fn bundled_site_dir() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(root.join("site.yaml"), dir.path().join("site.yaml")).expect("copy");
    for sub in ["content", "themes"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        copy_dir(&root.join(sub), &dir.path().join(sub));
    }
    dir
}

/// Write an inline fixture to a fresh temporary folder.
pub fn inline_dir(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut has_config = false;
    for (path, text) in files(fixture) {
        has_config |= path == "site.yaml";
        let p = dir.path().join(&path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    if !has_config {
        std::fs::write(dir.path().join("site.yaml"), SCHEMA).expect("write");
    }
    dir
}

fn copy_dir(src: &Path, dst: &Path) {
    for entry in walkdir_like(src) {
        let rel = entry.strip_prefix(src).expect("prefix");
        let target = dst.join(rel);
        if entry.is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&entry, &target).expect("copy");
        }
    }
}

fn walkdir_like(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        if out[i].is_dir() {
            let mut children: Vec<PathBuf> = std::fs::read_dir(&out[i])
                .expect("read_dir")
                .map(|e| e.expect("entry").path())
                .collect();
            children.sort();
            out.extend(children);
        }
        i += 1;
    }
    out
}

/// Run the `vakwerk` binary.
pub fn vakwerk(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vakwerk"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run vakwerk")
}

/// Exit code of a finished run.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Every file below `dir` with its bytes, sorted by relative path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir_like(dir)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.strip_prefix(dir)
                    .expect("prefix")
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(&p).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}
