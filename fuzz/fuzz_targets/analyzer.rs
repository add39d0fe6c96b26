//! The Dutch search analyzer: folding, word splitting, stemming with the
//! t-rule, and decompounding against a dictionary built from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vakwerk::search::analyzer::{Analyzer, Dictionary, Language, fold, words};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let folded = fold(text);
    assert!(folded.chars().all(|c| !c.is_uppercase()), "fold left an upper-case letter");
    let analyzer = Analyzer::new(Language::for_code("nl"));
    let terms = analyzer.terms(text);
    let ws = words(text);
    let dict = Dictionary::new(ws.iter().map(|w| w.text.as_str()));
    for t in terms.iter().take(64) {
        let parts = dict.split(t);
        assert!(parts.iter().all(|p| !p.is_empty()), "empty compound part");
    }
});
