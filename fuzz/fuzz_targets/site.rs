//! Link resolution over a whole site: the input is split into pages at 0xFF
//! bytes, placed in two sections and at the root, then built in memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vakwerk::config::Config;
use vakwerk::highlight::Highlighter;
use vakwerk::render::Renderer;
use vakwerk::source::{SourceFile, Sources};
use vakwerk::theme::Theme;

const SCHEMA: &str = "title: F\nkinds:\n  a:\n    section: a\n    fields:\n      r: { type: refs, to: b }\n  b:\n    section: b\n    fields:\n      s: { type: ref, to: a }\n";
const PLACES: [&str; 4] = ["content/a/", "content/b/", "content/", "content/a/"];

fuzz_target!(|data: &[u8]| {
    let config = Config::parse(SCHEMA).expect("fixed schema parses");
    let mut sources = Sources::default();
    for (i, chunk) in data.split(|b| *b == 0xFF).take(16).enumerate() {
        let name = if i % 5 == 4 { "_index".to_string() } else { format!("p{}", i % 7) };
        sources.content.push(SourceFile::new(format!("{}{name}.md", PLACES[i % 4]), chunk.to_vec()));
    }
    sources.content.sort_by(|a, b| a.path.cmp(&b.path));
    sources.content.dedup_by(|a, b| a.path == b.path);
    let renderer = Renderer::new(&Theme::load(&[]), "nl").expect("default theme compiles");
    let build = vakwerk::build(&config, &sources, &renderer, &Highlighter::new(), &Default::default());
    for f in &build.files {
        assert!(!f.path.contains(".."), "output path escapes: {}", f.path);
    }
});
