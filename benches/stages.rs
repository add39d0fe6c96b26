//! Stage timings of one build: where the time of `vakwerk build` goes.
//!
//! `cargo bench --bench stages -- SITE_DIR [OUT_DIR]` runs each stage of the
//! pipeline once, in order, on a loaded site and prints its wall time:
//! load, parse, assemble, render (pages + generated pages), feeds, search
//! index, and, with `OUT_DIR`, the write. The figures feed the Performance
//! section of the README; `benches/compare.sh` gives the end-to-end numbers.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Instant;

use vakwerk::highlight::Highlighter;
use vakwerk::render::Renderer;
use vakwerk::site::Site;
use vakwerk::theme::Theme;
use vakwerk::{BuildOptions, build, fs, search};

/// The allocator the `vakwerk` binary uses (`src/main.rs`), so the stages
/// are timed as a build runs them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let dir = args
        .first()
        .expect("usage: cargo bench --bench stages -- SITE_DIR [OUT_DIR]");
    let mut lap = Lap(Instant::now());
    let root = fs::site_root(Path::new(dir)).expect("site root");
    let config = fs::load_config(&root).expect("site.yaml");
    let sources = fs::load_sources(&root, &config).expect("sources");
    lap.print("load");
    let renderer = Renderer::new(&Theme::load(&sources.theme), &config.language).expect("theme");
    let highlighter = Highlighter::new();
    lap.print("theme");
    // Parsed as a command-line build parses: the bodies beyond its
    // budget packed.
    let inputs = build::Inputs {
        config: &config,
        renderer: &renderer,
        highlighter: &highlighter,
        options: &BuildOptions::default(),
    };
    let mut parsed = build::parse(&inputs, sources);
    parsed.pack_beyond(build::PLAIN_BODIES);
    let pages = parsed.into_pages();
    lap.print("parse");
    let html: usize = pages.iter().map(|p| p.body.html.len()).sum();
    let text: usize = pages.iter().map(|p| p.body.text.len()).sum();
    println!(
        "body bytes: html {} MB, text {} MB",
        html / 1_000_000,
        text / 1_000_000
    );
    let (site, _) = Site::assemble(&config, pages.clone());
    lap.print("assemble");
    if let Some(n) = std::env::var_os("STAGES_REPEAT") {
        let n: usize = n.to_str().and_then(|n| n.parse().ok()).unwrap_or(3);
        for _ in 0..n {
            let (again, _) = Site::assemble(&config, pages.clone());
            lap.print("  again");
            drop(again);
            lap.print("  drop");
        }
        for _ in 0..n {
            let shared = renderer.shared(&site);
            lap.print("  shared");
            drop(shared);
        }
        if std::env::var_os("STAGES_PER_PAGE").is_some() {
            let shared = renderer.shared(&site);
            let mut times: Vec<(f64, String, usize)> = (0..site.pages.len())
                .map(|id| {
                    let t = Instant::now();
                    let out = renderer.render_pages_shared(&site, &shared, &[id]);
                    let len = out
                        .first()
                        .and_then(|r| r.as_ref().ok())
                        .map_or(0, |f| f.bytes.len());
                    (
                        t.elapsed().as_secs_f64() * 1e3,
                        site.pages[id].path.clone(),
                        len,
                    )
                })
                .collect();
            let total: f64 = times.iter().map(|t| t.0).sum();
            times.sort_by(|a, b| b.0.total_cmp(&a.0));
            println!("per-page render, one thread: {total:.0} ms in total; slowest:");
            for (ms, path, len) in times.iter().take(12) {
                println!("  {ms:>8.1} ms {len:>9} B /{path}");
            }
        }
        if std::env::var_os("STAGES_EXIT").is_some() {
            return;
        }
    }
    drop(pages);
    let (mut files, _) = renderer.render(&site);
    lap.print("render");
    files.extend(vakwerk::feeds::all(&site, "redirect"));
    lap.print("feeds");
    files.extend(search::build(&site));
    lap.print("search");
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    println!(
        "{:<10} {} files, {:.1} MB",
        "output",
        files.len(),
        bytes as f64 / 1e6
    );
    if let Some(out) = args.get(1) {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        lap.0 = Instant::now();
        fs::write_output(Path::new(out), &files).expect("write");
        lap.print("write");
    }
}

struct Lap(Instant);

impl Lap {
    fn print(&mut self, stage: &str) {
        // Resident memory now (Linux), to see what each stage keeps.
        let rss = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map_or(0, |pages| pages * 4096 / 1_000_000);
        println!(
            "{stage:<10} {:>7.0} ms  rss {rss:>5} MB",
            self.0.elapsed().as_secs_f64() * 1e3
        );
        self.0 = Instant::now();
    }
}
