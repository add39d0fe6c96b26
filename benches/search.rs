//! Search benchmark: how much of a build the index takes, and how big it is.
//!
//! `cargo bench --bench search -- SITE_DIR` loads the site once, times the
//! whole in-memory build (`vakwerk::build`, which includes the index) and the
//! index stage alone (`search::build` on the assembled site), and prints the
//! index's size. `benches/search_size.sh` runs it on generated 10k and 100k
//! page sites and adds the browser-side first-query download.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use vakwerk::highlight::Highlighter;
use vakwerk::render::Renderer;
use vakwerk::site::Site;
use vakwerk::theme::Theme;
use vakwerk::{BuildOptions, fs, page, search};

/// The allocator the `vakwerk` binary uses (`src/main.rs`), so the stages
/// are timed as a build runs them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .iter()
        .find(|a| Path::new(a).join("site.yaml").exists())
        .expect("usage: cargo bench --bench search -- SITE_DIR [--index-only] [--out DIR]")
        .clone();
    let index_only = args.iter().any(|a| a == "--index-only");
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let root = fs::site_root(Path::new(&dir)).expect("site root");
    let config = fs::load_config(&root).expect("site.yaml");
    let sources = fs::load_sources(&root, &config).expect("sources");
    let renderer = Renderer::new(&Theme::load(&sources.theme), &config.language).expect("theme");
    let highlighter = Highlighter::new();

    let t = Instant::now();
    let built = if index_only {
        None
    } else {
        Some(vakwerk::build(
            &config,
            &sources,
            &renderer,
            &highlighter,
            &BuildOptions::default(),
        ))
    };
    let total = t.elapsed();

    let pages: Vec<_> = sources
        .content
        .par_iter()
        .filter(|f| f.path.ends_with(".md"))
        .filter_map(|f| {
            page::parse(f, &config, &highlighter)
                .0
                .map(std::sync::Arc::new)
        })
        .collect();
    let (site, _) = Site::assemble(&config, pages);
    let t = Instant::now();
    let index = search::build(&site);
    let index_time = t.elapsed();

    let bytes: usize = index.iter().map(|f| f.bytes.len()).sum();
    let count = |prefix: &str| index.iter().filter(|f| f.path.starts_with(prefix)).count();
    let size = |prefix: &str| -> usize {
        index
            .iter()
            .filter(|f| f.path.starts_with(prefix))
            .map(|f| f.bytes.len())
            .sum()
    };
    println!("pages            {}", site.pages.len());
    if built.is_some() {
        println!("build (in memory) {:.2} s", total.as_secs_f64());
        println!(
            "index            {:.2} s = {:.1} % of the build",
            index_time.as_secs_f64(),
            100.0 * index_time.as_secs_f64() / total.as_secs_f64()
        );
    } else {
        println!("index            {:.2} s", index_time.as_secs_f64());
    }
    println!(
        "index files      {} ({:.1} MB)",
        index.len(),
        bytes as f64 / 1e6
    );
    println!(
        "  term shards    {} ({:.1} MB)",
        count("search/t/"),
        size("search/t/") as f64 / 1e6
    );
    println!(
        "  vocabulary     {} ({:.1} MB)",
        count("search/v/"),
        size("search/v/") as f64 / 1e6
    );
    println!(
        "  fragments      {} ({:.1} MB)",
        count("search/f/"),
        size("search/f/") as f64 / 1e6
    );
    println!(
        "  facets + meta  {:.1} KB",
        (size("search/facets") + size("search/meta")) as f64 / 1e3
    );
    if let Some(b) = &built {
        println!("output files     {}", b.files.len());
    }
    // `--out DIR`: write just what search needs (the index, the /zoeken/
    // page and the theme's static files), for the browser measurement.
    if let Some(out) = out {
        let mut diags = Vec::new();
        let mut files = index;
        files.extend(renderer.search_page(&site, &mut diags));
        files.extend(renderer.static_files());
        for f in files {
            let path = out.join(&f.path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, &f.bytes).expect("write");
        }
    }
}
