//! Front matter: splitting, the YAML tree, and checking against a schema.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vakwerk::config::Config;
use vakwerk::highlight::Highlighter;
use vakwerk::source::SourceFile;

const SCHEMA: &str = "title: F\nkinds:\n  m:\n    section: m\n    fields:\n      a: { type: refs, to: m, required: true }\n      b: { type: enum, values: [x, y] }\n      c: { type: int }\n      d: { type: date }\n      e: { type: markdown }\n      f: { type: url }\n      g: { type: list }\n      h: { type: bool }\n";

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = vakwerk::yaml::parse(text, 0);
        let _ = Config::parse(text);
    }
    let mut bytes = b"---\n".to_vec();
    bytes.extend_from_slice(data);
    let config = Config::parse(SCHEMA).expect("fixed schema parses");
    let _ = vakwerk::page::parse(&SourceFile::new("content/m/x.md", bytes), &config, &Highlighter::new());
});
