//! The Markdown floor: pulldown-cmark parsing and rendering every page of a
//! site, on one thread, with all files already in memory (no I/O timed).
//! This is the lower bound a generator's build is compared with.
//!
//! Usage: `cargo bench --bench floor -- SITE_DIR`

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: cargo bench --bench floor -- SITE_DIR");
        std::process::exit(2)
    });
    let mut texts = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(&dir).join("content")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable content folder") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                texts.push(std::fs::read_to_string(&p).expect("utf-8 page"));
            }
        }
    }
    let opts = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_FOOTNOTES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let mut total = 0usize;
        for t in &texts {
            let mut html = String::with_capacity(t.len() * 2);
            pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(t, opts));
            total += html.len();
        }
        best = best.min(start.elapsed().as_secs_f64());
        std::hint::black_box(total);
    }
    println!("floor_seconds {best:.3} pages {}", texts.len());
}
