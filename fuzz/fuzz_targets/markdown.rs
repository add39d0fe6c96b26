//! Markdown bodies with wikilinks, raw HTML, headings and code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vakwerk::highlight::Highlighter;
use vakwerk::markdown::{Ctx, SLOT, fill_slots, render_body};
use vakwerk::source::LineIndex;

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else { return };
    let index = LineIndex::new(md);
    // One highlighter for the whole run: loading syntaxes per input would
    // make the fuzzer measure syntect's start-up instead of our code.
    static HIGHLIGHTER: std::sync::OnceLock<Highlighter> = std::sync::OnceLock::new();
    let highlighter = HIGHLIGHTER.get_or_init(Highlighter::new);
    let ctx = Ctx { file: "content/a/b.md", text: md, index: &index, body_offset: 0, highlighter };
    let mut diags = Vec::new();
    let body = render_body(md, &ctx, &mut diags);
    let html = fill_slots(
        &body.html.unpack(),
        |n, out| out.push_str(&format!("/u/{n}/")),
        |n, out| out.push_str(&format!("T{n}")),
    );
    assert!(!html.contains(SLOT), "a slot survived");
    assert!(!html.contains("<script"), "script survived sanitising");
});
