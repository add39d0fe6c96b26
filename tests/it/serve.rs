//! `vakwerk serve` (issue 5): incremental rebuilds equal fresh builds, and
//! the server end to end — edits are served within a bound, broken edits
//! keep the last good build, hostile paths and Host headers are refused.
//!
//! Server tests run the real binary on `--port 0` and read the URL it
//! prints. Every wait is bounded; a server that never answers fails the
//! test instead of hanging it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use vakwerk::config::Config;
use vakwerk::highlight::Highlighter;
use vakwerk::incremental::{Incremental, Inputs, Snapshot};
use vakwerk::render::Renderer;
use vakwerk::source::{SourceFile, Sources};
use vakwerk::theme::Theme;
use vakwerk::{BuildOptions, build};

use crate::support::{SCHEMA, code, files, inline_dir, tree, vakwerk};

// ---------------------------------------------------------------- incremental

/// An in-memory site that is edited step by step; after every step the
/// incremental result must equal a fresh build, byte for byte, diagnostics
/// included.
struct Editing {
    config: Config,
    sources: Sources,
    incremental: Incremental,
    highlighter: Highlighter,
    /// Paths written since the last check, passed as the `changed` hint
    /// (as `serve` does).
    changed: Vec<String>,
    /// The step-1 snapshot of the last check.
    first: Option<Snapshot>,
    /// The fresh build of the last check.
    want: Option<Snapshot>,
}

impl Editing {
    fn new(fixture: &str) -> Editing {
        let config = Config::parse(SCHEMA).expect("schema");
        let mut sources = Sources::default();
        for (path, text) in files(fixture) {
            sources.content.push(SourceFile::new(path, text.as_bytes()));
        }
        sources.content.sort_by(|a, b| a.path.cmp(&b.path));
        Editing {
            config,
            sources,
            incremental: Incremental::new(),
            highlighter: Highlighter::new(),
            changed: Vec::new(),
            first: None,
            want: None,
        }
    }

    fn write(&mut self, path: &str, text: &str) -> &mut Self {
        self.changed.push(path.to_string());
        self.sources.content.retain(|f| f.path != path);
        self.sources
            .content
            .push(SourceFile::new(path, text.as_bytes()));
        self.sources.content.sort_by(|a, b| a.path.cmp(&b.path));
        self
    }

    fn edit(&mut self, path: &str, from: &str, to: &str) -> &mut Self {
        self.changed.push(path.to_string());
        let f = self
            .sources
            .content
            .iter_mut()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"));
        let text = String::from_utf8(f.bytes.clone()).expect("utf-8");
        assert!(text.contains(from), "{path} has no `{from}`");
        f.bytes = text.replacen(from, to, 1).into_bytes();
        self
    }

    fn remove(&mut self, path: &str) -> &mut Self {
        self.changed.push(path.to_string());
        self.sources.content.retain(|f| f.path != path);
        self
    }

    /// Update incrementally and compare with a fresh build; returns the
    /// number of pages step 1 rendered.
    fn check(&mut self, step: &str) -> usize {
        let renderer =
            Renderer::new(&Theme::load(&self.sources.theme), &self.config.language).expect("theme");
        let options = BuildOptions::default();
        let inputs = Inputs {
            config: &self.config,
            sources: &self.sources,
            renderer: &renderer,
            highlighter: &self.highlighter,
            options: &options,
            changed: Some(&self.changed),
        };
        // Step 1 is the first snapshot reported; later ones overwrite nothing.
        let mut first: Option<Snapshot> = None;
        let mut keep_first = |s: &Snapshot| {
            first.get_or_insert_with(|| s.clone());
        };
        let got = self
            .incremental
            .update(&inputs, &mut keep_first, &|| false)
            .expect("not cancelled");
        let want = Snapshot::from(build(
            &self.config,
            &self.sources,
            &renderer,
            &self.highlighter,
            &options,
        ));
        let paths = |s: &Snapshot| s.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&got), paths(&want), "{step}: file lists differ");
        for (g, w) in got.files.iter().zip(&want.files) {
            assert!(
                g.bytes == w.bytes,
                "{step}: {} differs from a fresh build",
                g.path
            );
        }
        assert_eq!(got.diagnostics, want.diagnostics, "{step}: diagnostics");
        assert!(first.is_some(), "{step}: step 1 was not reported");
        if self.incremental.stats().relinked {
            // Relinking works out the orphan warnings again itself.
            let first_diags = first.as_ref().map(|f| &f.diagnostics);
            assert_eq!(
                first_diags,
                Some(&want.diagnostics),
                "{step}: step-1 diagnostics"
            );
        }
        self.changed.clear();
        self.first = first;
        self.want = Some(want);
        self.incremental.stats().rendered_first
    }

    /// Step 1 already served `path` exactly as a fresh build has it, by the
    /// fast path (no re-assembly).
    fn step1_exact(&self, path: &str) {
        assert!(self.incremental.stats().fast, "{path}: fast path not taken");
        self.step1_same(path);
    }

    /// Step 1 already served `path` exactly as a fresh build has it.
    fn step1_same(&self, path: &str) {
        let find = |s: &Option<Snapshot>| {
            s.as_ref()
                .and_then(|s| {
                    s.files
                        .iter()
                        .find(|f| f.path == path)
                        .map(|f| f.bytes.clone())
                })
                .unwrap_or_else(|| panic!("no {path}"))
        };
        assert!(
            find(&self.first) == find(&self.want),
            "{path}: step 1 differs"
        );
    }
}

const SITE: &str = r#"
//- content/_index.md
---
title: Home
---
Welkom. Zie [[a]].
//- content/niveaus/micro.md
---
title: Micro
---
Individu.
//- content/niveaus/meso.md
---
title: Meso
---
Groep.
//- content/niveaus/macro.md
---
title: Macro
summary: Het niveau van de samenleving.
---
Samenleving.
//- content/sdg/1.md
---
title: Geen armoede
---
SDG 1.
//- content/beroepscode/art1.md
---
title: Artikel 1
---
Tekst.
//- content/methoden/a.md
---
title: Aanpak A
summary: Een aanpak.
doel: Iets bereiken.
niveaus: [micro]
sdgs: [1]
code: art1
---
## Kop

Eerste tekst.
//- content/methoden/b.md
---
title: Aanpak B
doel: Iets anders.
niveaus: [meso]
---
Zie [[a]] en [[a#kop|de kop]].
//- content/over.md
---
title: Over
---
Over deze site, zie [[b]].
"#;

#[test]
fn incremental_rebuilds_equal_fresh_builds_after_every_edit() {
    // See: #5
    let mut s = Editing::new(SITE);
    s.check("first build");
    let body_only = s
        .edit(
            "content/methoden/a.md",
            "Eerste tekst.",
            "Andere tekst, langer.",
        )
        .check("body-only edit");
    assert_eq!(
        body_only, 1,
        "a body-only edit re-renders one page in step 1"
    );
    s.step1_exact("methoden/a/index.html");
    s.edit(
        "content/methoden/a.md",
        "title: Aanpak A",
        "title: Aanpak Alfa",
    )
    .check("title change reaches [[a]] links and backlinks");
    // The pages whose backlinks list the edited page come with it in step
    // 1, not after the comparison of the whole site.
    for listing in [
        "niveaus/micro/index.html",
        "sdg/1/index.html",
        "beroepscode/art1/index.html",
    ] {
        s.step1_same(listing);
    }
    s.edit(
        "content/methoden/a.md",
        "niveaus: [micro]",
        "niveaus: [micro, macro]",
    )
    .check("ref added: macro gets a backlink");
    // A ref edit is relinked into the last site, not assembled again, and
    // renders only the page that gained a backlink besides the edited one.
    assert!(s.incremental.stats().relinked, "ref added: not relinked");
    s.step1_same("niveaus/macro/index.html");
    s.step1_same("methoden/a/index.html");
    s.edit(
        "content/methoden/a.md",
        "niveaus: [micro, macro]",
        "niveaus: [macro]",
    )
    .check("ref removed: micro loses its backlink");
    assert!(s.incremental.stats().relinked, "ref removed: not relinked");
    // (A has a summary of its own, so the text is not shown elsewhere.)
    s.edit(
        "content/methoden/a.md",
        "## Kop",
        "Zie [[micro]].\n\n## Kop",
    )
    .check("body link added: micro lists a via the text");
    assert!(s.incremental.stats().relinked, "link added: not relinked");
    s.step1_same("niveaus/micro/index.html");
    s.step1_same("methoden/a/index.html");
    s.edit(
        "content/methoden/a.md",
        "Zie [[micro]].\n\n## Kop",
        "## Kop",
    )
    .check("body link removed again");
    assert!(s.incremental.stats().relinked, "link removed: not relinked");
    s.step1_same("niveaus/micro/index.html");
    s.step1_same("niveaus/micro/index.html");
    s.step1_same("methoden/a/index.html");
    s.write(
        "content/methoden/c.md",
        "---\ntitle: Aanpak C\ndoel: D.\nniveaus: [meso]\n---\nZie [[a#kop]].\n",
    )
    .check("new page");
    s.edit("content/methoden/a.md", "## Kop", "## Andere kop")
        .check("heading removed: links to it break (errors)");
    s.edit("content/methoden/a.md", "## Andere kop", "## Kop")
        .check("fixed");
    s.edit(
        "content/methoden/c.md",
        "niveaus: [meso]",
        "niveaus: [mesoo]",
    )
    .check("broken ref (error with did-you-mean)");
    s.edit(
        "content/methoden/c.md",
        "niveaus: [mesoo]",
        "niveaus: [meso]",
    )
    .check("ref fixed");
    s.edit(
        "content/methoden/c.md",
        "title: Aanpak C",
        "title: Aanpak C\ndraft: true",
    )
    .check("page becomes a draft");
    s.edit("content/methoden/c.md", "draft: true", "draft: false")
        .check("draft published again");
    s.edit(
        "content/methoden/a.md",
        "title: Aanpak Alfa",
        "title: Aanpak Alfa\naliases: [oud/a/]",
    )
    .check("alias added");
    s.write(
        "content/niveaus/a.md",
        "---\ntitle: Niveau A\n---\nOok a.\n",
    )
    .check("same slug in another kind makes [[a]] ambiguous");
    s.remove("content/niveaus/a.md").check("ambiguity gone");
    s.remove("content/methoden/b.md")
        .check("page deleted: its links and backlinks go");
    s.write("content/methoden/plaatje.png", "\u{89}PNG fake")
        .check("asset added");
    s.write("content/methoden/plaatje.png", "\u{89}PNG other")
        .check("asset changed");
    s.write("content/methoden/Plaatje.png", "other case")
        .check("two outputs that differ only by case (error)");
    s.edit(
        "content/methoden/a.md",
        "Andere tekst, langer.",
        "Weer andere tekst.",
    )
    .check("body edit while the clash stands");
    s.remove("content/methoden/Plaatje.png").check("clash gone");
    let linked = s
        .edit(
            "content/niveaus/macro.md",
            "Samenleving.",
            "De samenleving.",
        )
        .check("body-only edit of a much-linked page");
    assert_eq!(linked, 1);
    s.step1_exact("niveaus/macro/index.html");
    s.edit("content/niveaus/micro.md", "Individu.", "Het individu.")
        .check("text edit that changes a derived summary (structural)");
    s.edit("content/methoden/a.md", "---\ntitle", "--\ntitle")
        .check("front matter broken");
    s.edit("content/methoden/a.md", "--\ntitle", "---\ntitle")
        .check("front matter fixed");
    s.sources.theme = vec![SourceFile::new("static/style.css", "body{color:red}")];
    let css = s.check("stylesheet changed, templates not");
    assert_eq!(css, 0, "a stylesheet change re-renders no page");
}

#[test]
fn cancelled_updates_are_finished_by_the_next_one() {
    let mut s = Editing::new(SITE);
    s.check("first build");
    s.edit(
        "content/methoden/a.md",
        "title: Aanpak A",
        "title: Aanpak Beta",
    );
    let renderer = Renderer::new(&Theme::load(&[]), "nl").expect("theme");
    let options = BuildOptions::default();
    let inputs = Inputs {
        config: &s.config,
        sources: &s.sources,
        renderer: &renderer,
        highlighter: &s.highlighter,
        options: &options,
        changed: None,
    };
    let cancelled = s.incremental.update(&inputs, &mut |_| {}, &|| true);
    assert!(cancelled.is_none());
    s.check("after a cancelled structural update");
}

// ---------------------------------------------------------------- the server

/// A running `vakwerk serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    port: u16,
    log: mpsc::Receiver<String>,
    /// What it printed before the URL.
    early: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vakwerk"))
            .args([
                "serve",
                "--root",
                root.to_str().expect("utf-8"),
                "--port",
                "0",
            ])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vakwerk serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = Vec::new();
        let url = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match log.recv_timeout(left) {
                Ok(line) => {
                    if let Some(at) = line.find("http://") {
                        let url = line[at..]
                            .split_whitespace()
                            .next()
                            .expect("url")
                            .to_string();
                        break url;
                    }
                    seen.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!("serve printed no URL within 60 s:\n{}", seen.join("\n"));
                }
            }
        };
        let port = url
            .trim_start_matches("http://")
            .split(['/', ':'])
            .nth(1)
            .and_then(|p| p.parse().ok())
            .expect("port in URL");
        Server {
            child,
            url,
            port,
            log,
            early: seen,
        }
    }

    /// `GET path` with a normal Host header.
    fn get(&self, path: &str) -> Reply {
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            self.port
        ))
    }

    /// Send `request` as is; read the whole reply.
    fn raw(&self, request: &str) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream.write_all(request.as_bytes()).expect("send");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("reply");
        Reply::parse(&bytes)
    }

    fn status_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.get("/__vakwerk/status").body).expect("status json")
    }

    /// Poll until `ok` holds for the reply to `path`; panics after `bound`.
    fn wait_for(&self, path: &str, bound: Duration, ok: impl Fn(&Reply) -> bool) -> Duration {
        let start = Instant::now();
        loop {
            let r = self.get(path);
            if ok(&r) {
                return start.elapsed();
            }
            if start.elapsed() > bound {
                let log: Vec<String> = self.log.try_iter().collect();
                panic!(
                    "{path} did not update within {bound:?}; last status {}\nserver log:\n{}",
                    r.status,
                    log.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Wait until no rebuild runs and nothing changes for a moment.
    fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut quiet_since: Option<(Instant, u64)> = None;
        loop {
            let s = self.status_json();
            let version = s["version"].as_u64().unwrap_or(0);
            let busy = s["busy"].as_bool().unwrap_or(true);
            match quiet_since {
                Some((t, v)) if v == version && !busy => {
                    if t.elapsed() > Duration::from_millis(400) {
                        return;
                    }
                }
                _ => quiet_since = Some((Instant::now(), version)),
            }
            assert!(Instant::now() < deadline, "server never settled: {s}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn parse(bytes: &[u8]) -> Reply {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(bytes.len());
        let head = String::from_utf8_lossy(&bytes[..split]).to_string();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = bytes.get(split + 4..).unwrap_or_default().to_vec();
        Reply { status, head, body }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// The served HTML without the live-reload tag the server adds.
fn without_live_script(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let Some(start) = text.find("<script src=\"/__vakwerk/live.js") else {
        return html.to_vec();
    };
    let end = start + text[start..].find("</script>\n").expect("tag end") + "</script>\n".len();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// Save like vim and many editors do: write a temporary file, rename it over.
fn atomic_save(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    let tmp = p.with_file_name(format!(
        ".{}.swp",
        p.file_name().expect("name").to_string_lossy()
    ));
    std::fs::write(&tmp, text).expect("tmp");
    std::fs::rename(&tmp, &p).expect("rename");
}

const DISK_SITE: &str = r#"
//- content/_index.md
---
title: Home
---
Welkom.
//- content/niveaus/meso.md
---
title: Meso
---
Groepen en buurten.
//- content/niveaus/micro.md
---
title: Micro
---
Individu.
//- content/methoden/buurtcirkel.md
---
title: Buurtcirkel
doel: Netwerken bouwen.
niveaus: [meso]
---
## Wat is het

Een buurtcirkel is een groep bewoners.
"#;

/// Every file of a fresh `vakwerk build` of `root`, by relative path.
fn fresh_build(root: &Path) -> Vec<(String, Vec<u8>)> {
    let out = tempfile::tempdir().expect("tmp");
    let public = out.path().join("public");
    let o = vakwerk(
        &[
            "build",
            "--root",
            root.to_str().expect("utf-8"),
            "--output",
            public.to_str().expect("utf-8"),
        ],
        root,
    );
    assert_eq!(
        code(&o),
        0,
        "fresh build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    tree(&public)
        .into_iter()
        .filter(|(p, _)| p != ".vakwerk-output")
        .map(|(p, b)| (p.replace('\\', "/"), b))
        .collect()
}

/// The served site equals a fresh build: every built file is served with
/// the same bytes, and nothing else is.
fn assert_serves_fresh_build(server: &Server, root: &Path) {
    assert_serves_fresh_build_below(server, root, "/");
}

fn assert_serves_fresh_build_below(server: &Server, root: &Path, base: &str) {
    server.settle();
    let want = fresh_build(root);
    let listed: Vec<String> =
        serde_json::from_slice(&server.get("/__vakwerk/files").body).expect("file list");
    let built: Vec<String> = want.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(listed, built, "served file list differs from a fresh build");
    for (path, bytes) in &want {
        let r = server.get(&format!("{base}{path}"));
        assert_eq!(r.status, 200, "{path}");
        assert!(
            without_live_script(&r.body) == *bytes,
            "{path}: served bytes differ from a fresh build"
        );
    }
}

#[test]
fn serves_edits_within_a_bound_and_equals_a_fresh_build_after_them() {
    // See: #5
    let dir = inline_dir(DISK_SITE);
    let root = dir.path().to_path_buf();
    let server = Server::start(&root, &[]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    let page = "/methoden/buurtcirkel/";
    assert!(server.get(page).text().contains("Een buurtcirkel"));

    // A plain save is served within a generous bound (CI machines are slow;
    // the benchmark measures the real number).
    write(
        &root,
        "content/methoden/buurtcirkel.md",
        &DISK_SITE[DISK_SITE.find("---\ntitle: Buurtcirkel").unwrap()..]
            .replace("Een buurtcirkel", "Een nieuwe buurtcirkel"),
    );
    server.wait_for(page, Duration::from_secs(10), |r| {
        r.text().contains("Een nieuwe buurtcirkel")
    });

    // Editing a ref updates the other page's backlinks.
    atomic_save(
        &root,
        "content/methoden/buurtcirkel.md",
        "---\ntitle: Buurtcirkel\ndoel: Netwerken bouwen.\nniveaus: [meso, micro]\n---\n## Wat is het\n\nEen buurtcirkel.\n",
    );
    server.wait_for("/niveaus/micro/", Duration::from_secs(10), |r| {
        r.text().contains("Buurtcirkel")
    });

    // Real editing patterns: swap files, new folders, renames, deletes, a burst.
    write(&root, "content/methoden/.buurtcirkel.md.swp", "garbage");
    write(&root, "content/methoden/buurtcirkel.md~", "backup");
    write(
        &root,
        "content/themas/eenzaamheid.md",
        "---\ntitle: Eenzaamheid\n---\nLos.\n",
    );
    write(
        &root,
        "site.yaml",
        &format!("{SCHEMA}  thema:\n    section: themas\n    label: Thema\n    plural: Thema's\n"),
    );
    server.wait_for("/themas/eenzaamheid/", Duration::from_secs(10), |r| {
        r.status == 200
    });
    std::fs::rename(root.join("content/themas"), root.join("content/themas-oud"))
        .expect("rename dir");
    std::fs::rename(root.join("content/themas-oud"), root.join("content/themas"))
        .expect("rename back");
    write(
        &root,
        "content/methoden/nieuw.md",
        "---\ntitle: Nieuw\ndoel: X.\nniveaus: [micro]\n---\nTekst.\n",
    );
    std::fs::rename(
        root.join("content/methoden/nieuw.md"),
        root.join("content/methoden/hernoemd.md"),
    )
    .expect("rename");
    for i in 0..40 {
        write(
            &root,
            &format!("content/methoden/m{i}.md"),
            &format!("---\ntitle: M {i}\ndoel: X.\nniveaus: [meso]\n---\nZie [[buurtcirkel]].\n"),
        );
    }
    for i in 0..20 {
        std::fs::remove_file(root.join(format!("content/methoden/m{i}.md"))).expect("rm");
    }
    server.wait_for("/methoden/hernoemd/", Duration::from_secs(10), |r| {
        r.status == 200
    });
    server.wait_for("/methoden/m39/", Duration::from_secs(10), |r| {
        r.status == 200
    });
    assert_serves_fresh_build(&server, &root);
    assert!(
        !root.join("public").exists(),
        "serve must not write public/ without --output"
    );
}

#[test]
fn broken_edits_keep_the_last_good_build_and_report_file_line_col() {
    // See: #5
    let dir = inline_dir(DISK_SITE);
    let root = dir.path().to_path_buf();
    let server = Server::start(&root, &[]);
    let page = "/methoden/buurtcirkel/";
    let good = server.get(page).text();
    write(
        &root,
        "content/methoden/buurtcirkel.md",
        "---\ntitle: Buurtcirkel\ndoel: Netwerken bouwen.\nniveaus: [mesoo]\n---\nKapot.\n",
    );
    let start = Instant::now();
    let problems = loop {
        let s = server.status_json();
        let p = s["problems"].as_array().cloned().unwrap_or_default();
        if !p.is_empty() {
            break p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no problem reported: {s}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let p = &problems[0];
    assert_eq!(p["file"], "content/methoden/buurtcirkel.md");
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(4), Some(11)),
        "{p}"
    );
    assert!(
        p["message"].as_str().unwrap_or("").contains("meso"),
        "did-you-mean: {p}"
    );
    assert_eq!(
        without_live_script(&server.get(page).body),
        without_live_script(good.as_bytes()),
        "the last good build stays served"
    );

    // Fixing it clears the problems and serves the fix.
    write(
        &root,
        "content/methoden/buurtcirkel.md",
        "---\ntitle: Buurtcirkel\ndoel: Netwerken bouwen.\nniveaus: [meso]\n---\nHersteld.\n",
    );
    server.wait_for(page, Duration::from_secs(10), |r| {
        r.text().contains("Hersteld")
    });
    server.settle();
    assert_eq!(server.status_json()["problems"], serde_json::json!([]));

    // A broken site.yaml and a broken template are handled the same way.
    let config = std::fs::read_to_string(root.join("site.yaml")).expect("config");
    write(&root, "site.yaml", "title: [unclosed\n");
    wait_problem(&server, "site.yaml");
    assert!(
        server.get(page).text().contains("Hersteld"),
        "still serving"
    );
    write(&root, "site.yaml", &config);
    wait_no_problems(&server);
    write(
        &root,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.title }{% endblock main %}",
    );
    let p = wait_problem(&server, "templates/page.html");
    assert!(
        p["line"].as_u64().unwrap_or(0) >= 1,
        "template error has a position: {p}"
    );
    std::fs::remove_file(root.join("templates/page.html")).expect("rm");
    wait_no_problems(&server);
    assert_serves_fresh_build(&server, &root);
}

fn wait_problem(server: &Server, file: &str) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let s = server.status_json();
        if let Some(p) = s["problems"]
            .as_array()
            .and_then(|a| a.iter().find(|p| p["file"] == file).cloned())
        {
            return p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no problem in {file}: {s}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_no_problems(server: &Server) {
    let start = Instant::now();
    loop {
        let s = server.status_json();
        if s["problems"].as_array().is_some_and(Vec::is_empty)
            && !s["busy"].as_bool().unwrap_or(true)
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "problems stay: {s}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn hostile_paths_and_hosts_are_refused() {
    // See: #5
    let dir = inline_dir(DISK_SITE);
    let root = dir.path().to_path_buf();
    write(&root, "secret.txt", "TOPSECRET");
    std::os::unix::fs::symlink("/etc/hostname", root.join("content/methoden/host.txt"))
        .expect("symlink");
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(outside.path().join("x.txt"), "TOPSECRET").expect("write");
    std::os::unix::fs::symlink(outside.path(), root.join("content/uit")).expect("symlink");
    let server = Server::start(&root, &[]);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/methoden/..%2f..%2fsecret.txt",
        "/methoden%5c..%5csecret.txt",
        "/methoden\\..\\secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/methoden/host.txt",
        "/uit/x.txt",
        "/secret.txt",
        "/site.yaml",
        "/content/methoden/buurtcirkel.md",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("TOPSECRET"), "{path}");
    }
    let r = server.raw(&format!(
        "GET /etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        server.port
    ));
    assert_eq!(r.status, 404);
    let r = server.raw("GET http://127.0.0.1/secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!(r.status, 404, "absolute-form target");
    // The site's own 404 page, with live reload.
    let r = server.get("/bestaat/niet/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("</html>") && r.text().contains("/__vakwerk/live.js"));

    // DNS rebinding: only localhost and the bind address are served.
    for host in [
        "evil.example",
        "evil.example:1111",
        "localhost.evil.example",
        "192.168.1.20",
    ] {
        let r = server.raw(&format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        assert_eq!(r.status, 403, "Host: {host}");
    }
    let r = server.raw("GET / HTTP/1.1\r\n\r\n");
    assert_eq!(r.status, 403, "no Host header");
    for host in ["localhost", "127.0.0.1", "localhost:9"] {
        let r = server.raw(&format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        assert_eq!(r.status, 200, "Host: {host}");
    }

    // Content types; a folder URL without its slash redirects.
    for (path, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/graph.json", "application/json"),
        ("/sitemap.xml", "application/xml"),
        ("/atom.xml", "application/atom+xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/__vakwerk/live.js", "text/javascript; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type").as_deref(), Some(ty), "{path}");
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
    }
    let r = server.get("/methoden/buurtcirkel");
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/methoden/buurtcirkel/")
    );
    let r = server.raw(&format!(
        "POST / HTTP/1.1\r\nHost: localhost:{}\r\nContent-Length: 0\r\n\r\n",
        server.port
    ));
    assert_eq!(r.status, 405);
}

#[test]
fn output_is_written_only_when_asked() {
    let dir = inline_dir(DISK_SITE);
    let root = dir.path().to_path_buf();
    let out = tempfile::tempdir().expect("tmp");
    let public: PathBuf = out.path().join("site");
    let server = Server::start(&root, &["--output", public.to_str().expect("utf-8")]);
    let start = Instant::now();
    while !public.join("methoden/buurtcirkel/index.html").exists() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "--output never written"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
    drop(server);
    assert!(!root.join("public").exists());
}

#[test]
fn binding_all_interfaces_warns_loudly() {
    let dir = inline_dir(DISK_SITE);
    let server = Server::start(dir.path(), &["--bind", "0.0.0.0"]);
    assert!(
        server
            .early
            .iter()
            .any(|l| l.contains("WARNING") && l.contains("0.0.0.0")),
        "no warning: {:?}",
        server.early
    );
    // Other machines reach it by address; a host name is still refused.
    let r = server.raw("GET / HTTP/1.1\r\nHost: 192.168.1.20\r\n\r\n");
    assert_eq!(r.status, 200);
    let r = server.raw("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n");
    assert_eq!(r.status, 403);
}

#[test]
fn browser_reloads_swaps_css_and_shows_the_overlay() {
    // See: #5
    let dir = inline_dir(DISK_SITE);
    let root = dir.path().to_path_buf();
    let server = Server::start(&root, &[]);
    crate::browser::node(
        "serve.spec.mjs",
        &[
            "--url",
            &server.url,
            "--site",
            root.to_str().expect("utf-8"),
        ],
    );
    assert_serves_fresh_build(&server, &root);
}

#[test]
fn content_folder_replaced_whole_is_still_watched() {
    // A checkout or a restore can delete content/ and write a new one.
    let dir = inline_dir(DISK_SITE);
    let root = dir.path().to_path_buf();
    let server = Server::start(&root, &[]);
    let saved = tempfile::tempdir().expect("tmp");
    std::fs::rename(root.join("content"), saved.path().join("content")).expect("move away");
    std::fs::create_dir_all(root.join("content/methoden")).expect("mkdir");
    for (rel, _) in tree(&saved.path().join("content")) {
        let rel = rel.replace('\\', "/");
        std::fs::create_dir_all(root.join("content").join(&rel).parent().expect("parent"))
            .expect("mkdir");
        std::fs::copy(
            saved.path().join("content").join(&rel),
            root.join("content").join(&rel),
        )
        .expect("copy back");
    }
    server.settle();
    write(
        &root,
        "content/methoden/buurtcirkel.md",
        "---\ntitle: Buurtcirkel\ndoel: Netwerken bouwen.\nniveaus: [meso]\n---\nNa het terugzetten.\n",
    );
    server.wait_for("/methoden/buurtcirkel/", Duration::from_secs(10), |r| {
        r.text().contains("Na het terugzetten")
    });
    assert_serves_fresh_build(&server, &root);
}

#[test]
fn git_checkout_of_another_branch_ends_equal_to_a_fresh_build() {
    // See: #5 (bursts such as `git checkout`)
    let dir = inline_dir(DISK_SITE);
    let root = dir.path().to_path_buf();
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(&root)
            .output()
            .expect("git runs");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "start"]);
    git(&["checkout", "-q", "-b", "ander"]);
    for i in 0..60 {
        write(
            &root,
            &format!("content/methoden/b{i}.md"),
            &format!("---\ntitle: B {i}\ndoel: X.\nniveaus: [micro]\n---\nZie [[buurtcirkel]].\n"),
        );
    }
    std::fs::remove_file(root.join("content/niveaus/meso.md")).expect("rm");
    write(
        &root,
        "content/methoden/buurtcirkel.md",
        "---\ntitle: Buurtcirkel\ndoel: Netwerken bouwen.\nniveaus: [micro]\n---\nTak ander.\n",
    );
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "ander"]);
    git(&["checkout", "-q", "main"]);
    let server = Server::start(&root, &[]);
    git(&["checkout", "-q", "ander"]);
    server.wait_for("/methoden/b59/", Duration::from_secs(20), |r| {
        r.status == 200
    });
    assert_serves_fresh_build(&server, &root);
    git(&["checkout", "-q", "main"]);
    server.wait_for("/methoden/b59/", Duration::from_secs(20), |r| {
        r.status == 404
    });
    assert_serves_fresh_build(&server, &root);
}

#[test]
fn starts_with_a_broken_site_yaml_and_recovers_when_it_is_fixed() {
    // See: #5 ("a typo shows up as a readable overlay instead of a dead server")
    let dir = inline_dir(DISK_SITE);
    let root = dir.path().to_path_buf();
    write(&root, "site.yaml", &format!("{SCHEMA}  kapot: [\n"));
    let server = Server::start(&root, &[]);
    let r = server.get("/");
    assert_eq!(r.status, 503);
    assert!(
        r.text().contains("/__vakwerk/live.js"),
        "the waiting page reloads by itself"
    );
    let p = wait_problem(&server, "site.yaml");
    assert!(p["line"].as_u64().unwrap_or(0) > 1, "{p}");
    write(&root, "site.yaml", SCHEMA);
    server.wait_for("/methoden/buurtcirkel/", Duration::from_secs(10), |r| {
        r.status == 200
    });
    wait_no_problems(&server);
    assert_serves_fresh_build(&server, &root);
}

#[test]
fn a_site_below_a_base_path_is_served_there() {
    let dir = inline_dir(DISK_SITE);
    let root = dir.path().to_path_buf();
    write(
        &root,
        "site.yaml",
        &SCHEMA.replace(
            "base_url: https://example.org/",
            "base_url: https://example.org/kb/",
        ),
    );
    let server = Server::start(&root, &[]);
    assert!(server.url.ends_with("/kb/"), "{}", server.url);
    let r = server.get("/kb/methoden/buurtcirkel/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("href=\"/kb/niveaus/meso/\""));
    for (path, to) in [("/", "/kb/"), ("/kb", "/kb/")] {
        let r = server.get(path);
        assert_eq!(r.status, 301, "{path}");
        assert_eq!(r.header("location").as_deref(), Some(to), "{path}");
    }
    assert_eq!(server.get("/methoden/buurtcirkel/").status, 404);
    assert_serves_fresh_build_below(&server, &root, "/kb/");
}
