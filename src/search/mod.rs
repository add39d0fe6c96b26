//! Search: `Site` in, the sharded search index out (files under `search/`).
//!
//! The browser client (`themes/default/static/search.js`) downloads only
//! what a query needs:
//!
//! - `search/meta.json`: document count, facet definitions, and the
//!   directories of the term and vocabulary shards (first term of each).
//! - `search/t/<hash>.bin`: term shards, contiguous ranges of the sorted
//!   terms. Per term: its *exact* postings (the word itself, stemmed), its
//!   *part* postings (the word inside a compound), and the synonym phrases
//!   that start with it. A posting carries one impact byte (field-weighted,
//!   saturated term frequency), so ranking needs nothing else.
//! - `search/v/<hash>.bin`: the vocabulary (terms and document counts) for
//!   typo tolerance, sharded the same way.
//! - `search/facets-<hash>.bin`: per facet value, the set of documents.
//! - `search/f/<id>.json`: one fragment per page (title, URL, kind,
//!   headings, text) for the results actually shown: snippets and
//!   heading anchors.
//!
//! Analysis (folding, stemming, decompounding, synonyms) happens here, at
//! build time; see `analyzer`. The build is deterministic: terms are sorted,
//! documents are pages in URL order, and no hash map order reaches output.

pub mod analyzer;
mod encode;
mod facets;
mod synonyms;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::build::{OutputFile, Sink};
use crate::error::Error;
use crate::frontmatter::FieldValue;
use crate::pack::Packed;
use crate::page::{Page, Role};
use crate::render::url;
use crate::site::Site;
use crate::swar;
use analyzer::{Analyzer, Dictionary, Language, WordKey, is_stop_word};
use encode::Writer;

/// The output folder of the index.
pub const DIR: &str = "search";

/// Indexed text fields, in this order: title, summary, headings, the
/// text of string/markdown/list fields, and the body (see `doc_fields`).
const N_FIELDS: usize = 5;
/// The body is the one field with length normalisation.
const BODY: usize = 4;

/// How much a match in each field counts. A single title, summary or
/// heading match outweighs any number of body matches (the body's
/// saturated term frequency never exceeds `K1 + 1` = 2.2).
const FIELD_WEIGHTS: [f64; N_FIELDS] = [12.0, 4.0, 4.0, 3.0, 1.0];
/// BM25 saturation and length normalisation (body only).
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Impacts are stored as `round(impact * IMPACT_SCALE)` in one byte.
const IMPACT_SCALE: f64 = 4.0;

/// Term shards aim for this many bytes (uncompressed), and never number
/// more than `MAX_SHARDS`, so the directory in `meta.json` stays small.
const SHARD_BYTES: usize = 16 * 1024;
const MAX_SHARDS: usize = 1024;
/// Vocabulary shards aim for this many bytes.
const VOCAB_BYTES: usize = 12 * 1024;

/// Build the search index of `site`.
pub fn build(site: &Site<'_>) -> Vec<OutputFile> {
    // Collecting never fails.
    crate::build::collect(|sink| build_each(site, sink)).0
}

/// `build`, handing each file to `emit` as soon as it exists; the
/// fragments (one per page, the bulk of the index) are never all in
/// memory at once.
pub fn build_each(site: &Site<'_>, emit: &Sink<'_>) -> Result<(), Error> {
    build_each_from(site, None, emit)
}

/// [`build_each`], with the pages' texts passed in (`texts[id]` for page
/// `id`) when the caller took them out of the site, else read from the
/// pages. A build takes them out once the pages are rendered
/// (`Site::take_texts`): each is read once, its fragment handed to `emit`,
/// and then dropped, so the texts of the whole site (0.7 GB at 100,000
/// pages, about half that packed) are not in memory next to the index
/// being built.
pub fn build_each_from(
    site: &Site<'_>,
    texts: Option<Vec<Packed>>,
    emit: &Sink<'_>,
) -> Result<(), Error> {
    let texts: Vec<Option<Packed>> = match texts {
        Some(owned) => owned.into_iter().map(Some).collect(),
        None => vec![None; site.pages.len()],
    };
    let analyzer = Analyzer::new(Language::for_code(&site.config.language));
    let groups = synonyms::groups(site, &analyzer);
    let keep_sequences = !groups.is_empty();
    let docs: Vec<DocWords> = texts
        .into_par_iter()
        .zip(site.pages.par_iter())
        .enumerate()
        .map(|(id, (owned, page))| {
            let text = owned.as_ref().unwrap_or(&page.body.text).unpack();
            emit(fragment(site, id, page, &text))?;
            Ok(DocWords::read(page, &text, keep_sequences))
        })
        .collect::<Result<_, Error>>()?;
    let mut vocabulary = Vocabulary::new(&docs);
    let terms = Terms::new(&vocabulary, &groups, &analyzer);
    let avg_len = average_body_length(&docs);
    // Each page's words are dropped as soon as its impacts exist, so the
    // two never both take memory for the whole site.
    let per_doc: Vec<Impacts> = docs
        .into_par_iter()
        .zip(std::mem::take(&mut vocabulary.doc_ids))
        .map(|(d, numbers)| doc_impacts(&d, &numbers, &terms, avg_len))
        .collect();
    let postings = invert(per_doc, terms.names.len());
    let n_docs = site.pages.len();
    let mut files = Vec::new();
    let term_dir = write_terms(&terms, &postings, n_docs, &mut files);
    let vocab_dir = write_vocabulary(&vocabulary, &terms, &postings, &mut files);
    let facets = facets::facets(site);
    let facet_file = write_facets(&facets, n_docs, &mut files);
    let version = encode::hash(
        files
            .iter()
            .flat_map(|f| f.path.bytes())
            .collect::<Vec<u8>>()
            .as_slice(),
    );
    let meta = Meta {
        version,
        language: analyzer_language(site),
        docs: n_docs,
        terms: term_dir,
        vocab: vocab_dir,
        facets: facets
            .iter()
            .map(|f| MetaFacet {
                param: f.param.clone(),
                label: f.label.clone(),
                values: f
                    .values
                    .iter()
                    .map(|v| (v.value.clone(), v.label.clone()))
                    .collect(),
            })
            .collect(),
        facet_file,
    };
    files.push(OutputFile {
        path: format!("{DIR}/meta.json"),
        bytes: serde_json::to_vec(&meta).unwrap_or_default(),
    });
    for f in files {
        emit(f)?;
    }
    Ok(())
}

fn analyzer_language(site: &Site<'_>) -> &'static str {
    Language::for_code(&site.config.language).name()
}

#[derive(Serialize)]
struct Meta {
    version: String,
    language: &'static str,
    docs: usize,
    /// `[first term, file]` per term shard.
    terms: Vec<(String, String)>,
    /// `[first term, file]` per vocabulary shard.
    vocab: Vec<(String, String)>,
    facets: Vec<MetaFacet>,
    facet_file: String,
}

#[derive(Serialize)]
struct MetaFacet {
    param: String,
    label: String,
    values: Vec<(String, String)>,
}

/// The text of each indexed field of a page.
fn doc_fields<'a>(page: &'a Page, body: &'a str) -> [Cow<'a, str>; N_FIELDS] {
    // A summary taken from the start of the body would count the same words
    // twice; only a written summary is its own field.
    let derived = page.summary.trim_end_matches('…').trim();
    let summary = if !derived.is_empty() && starts_with_words(body, derived) {
        ""
    } else {
        page.summary.as_str()
    };
    let headings: Vec<&str> = page.body.headings.iter().map(|h| h.text.as_str()).collect();
    let mut fields = String::new();
    for (_, value) in &page.fields {
        match value {
            FieldValue::Text(s) => push_line(&mut fields, s),
            FieldValue::Html(h) => push_line(&mut fields, &crate::markdown::html_text(h)),
            FieldValue::List(items) => items.iter().for_each(|i| push_line(&mut fields, i)),
            _ => {}
        }
    }
    [
        Cow::Borrowed(page.title.as_str()),
        Cow::Borrowed(summary),
        Cow::Owned(headings.join("\n")),
        Cow::Owned(fields),
        Cow::Borrowed(body),
    ]
}

/// One page's words, read once (tokenising is most of the index's cost):
/// its distinct folded words, how often each occurs per field, and, when
/// the site has synonym phrases to match, the order of its whole words per
/// field. Words are numbered per page here and per site in `Vocabulary`.
struct DocWords {
    /// The distinct words, concatenated (one allocation per page, not one
    /// per word: a large site holds millions of them at once).
    chars: String,
    /// Where each word ends in `chars`.
    ends: Vec<u32>,
    /// Occurrences per field, saturating (term frequencies are `u16`).
    counts: Vec<[u16; N_FIELDS]>,
    /// Per field, the page-local numbers of the whole (not hyphen-joined)
    /// words in text order; empty when there are no synonym phrases.
    sequences: Vec<Vec<u32>>,
    /// Whole words of the body that are not stop words.
    body_len: u32,
}

impl DocWords {
    fn read(page: &Page, text: &str, keep_sequences: bool) -> DocWords {
        // Words are appended to `chars` on first sight and found again in
        // `table`, so reading a page allocates per page, not per word.
        // Sized for the distinct words a page of this length usually has
        // (about one per 24 bytes of text), so they rarely regrow.
        let guess = text.len() / 24 + 16;
        let mut table = WordTable::with_capacity(guess);
        let mut chars = String::with_capacity(guess * 8);
        let mut ends: Vec<u32> = Vec::with_capacity(guess);
        let mut counts: Vec<[u16; N_FIELDS]> = Vec::with_capacity(guess);
        // Whether each distinct word is a stop word, decided on first
        // sight rather than for every occurrence.
        let mut stop: Vec<bool> = Vec::with_capacity(guess);
        let mut sequences = Vec::with_capacity(N_FIELDS);
        let mut body_len = 0u32;
        for (f, text) in doc_fields(page, text).iter().enumerate() {
            let mut sequence = Vec::new();
            analyzer::each_keyed_word(text, |w, key, extra| {
                let word = |id: u32| {
                    let start = id.checked_sub(1).map_or(0, |p| ends[p as usize]) as usize;
                    chars.get(start..ends[id as usize] as usize)
                };
                let (id, new) = table.number(w, key, |id| word(id) == Some(w));
                if new {
                    chars.push_str(w);
                    ends.push(u32::try_from(chars.len()).unwrap_or(u32::MAX));
                    counts.push([0; N_FIELDS]);
                    stop.push(is_stop_word(w));
                }
                if let Some(c) = counts.get_mut(id as usize) {
                    c[f] = c[f].saturating_add(1);
                }
                if !extra {
                    if f == BODY && !stop.get(id as usize).copied().unwrap_or(false) {
                        body_len += 1;
                    }
                    if keep_sequences {
                        sequence.push(id);
                    }
                }
            });
            sequences.push(sequence);
        }
        // The guesses above are generous; every page's words are held until
        // the whole site is read.
        chars.shrink_to_fit();
        ends.shrink_to_fit();
        counts.shrink_to_fit();
        DocWords {
            chars,
            ends,
            counts,
            sequences,
            body_len,
        }
    }

    /// The page's distinct words with their keys, in page-local number
    /// order.
    fn keyed_words(&self) -> impl Iterator<Item = (&str, WordKey)> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let (from, to) = (start, end as usize);
            start = to;
            let w = self.chars.get(from..to).unwrap_or_default();
            (w, analyzer::key_at(self.chars.as_bytes(), from, w.len()))
        })
    }
}

/// The distinct words of one page by page-local number, for
/// `DocWords::read`: an open-addressing table of numbers, probed for every
/// word of every page (ten million at 10,000 pages).
///
/// A word of up to 16 bytes (nearly all of them) is found again by its
/// key, its own bytes (see [`analyzer::WordKey`]): one integer comparison.
/// Longer words are found by hash and confirmed by comparing their text.
struct WordTable {
    /// Per slot, a word number plus one; 0 is an empty slot. The length is
    /// a power of two, at least twice the number of words.
    slots: Vec<u32>,
    /// Per word number, its key (0 for a long word) and its hash.
    words: Vec<(WordKey, u64)>,
}

impl WordTable {
    fn with_capacity(words: usize) -> WordTable {
        WordTable {
            slots: vec![0; (words * 2).next_power_of_two().max(16)],
            words: Vec::with_capacity(words),
        }
    }

    /// The number of word `w` with key `key`, and whether it is new: new
    /// words are numbered in order of first sight. `is` tells whether a
    /// known long word's text is `w`.
    fn number(&mut self, w: &str, key: WordKey, is: impl Fn(u32) -> bool) -> (u32, bool) {
        let hash = if key != 0 {
            // Fold the key's two halves into one and multiply: the
            // product's top bits, which pick the slot, depend on every byte.
            ((key as u64) ^ ((key >> 64) as u64).rotate_left(29))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        } else {
            // Fx hashing: the numbers do not depend on the hash.
            rustc_hash::FxBuildHasher.hash_one(w.as_bytes())
        };
        self.number_hashed(key, hash, is)
    }

    /// [`WordTable::number`] for a word with key `key` and hash `hash`.
    fn number_hashed(&mut self, key: WordKey, hash: u64, is: impl Fn(u32) -> bool) -> (u32, bool) {
        let mask = self.slots.len() - 1;
        let mut at = slot_of(hash, mask);
        loop {
            match self.slots.get(at).copied() {
                Some(0) | None => break,
                Some(n) => {
                    let id = n - 1;
                    if let Some(&(k, h)) = self.words.get(id as usize) {
                        if k == key && h == hash && (key != 0 || is(id)) {
                            return (id, false);
                        }
                    }
                }
            }
            at = (at + 1) & mask;
        }
        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        self.words.push((key, hash));
        if let Some(slot) = self.slots.get_mut(at) {
            *slot = id + 1;
        }
        if self.words.len() * 2 > self.slots.len() {
            self.grow();
        }
        (id, true)
    }

    /// Doubles the slots and puts every word back by its hash.
    fn grow(&mut self) {
        self.slots = vec![0; self.slots.len() * 2];
        let mask = self.slots.len() - 1;
        for (id, &(_, hash)) in self.words.iter().enumerate() {
            let mut at = slot_of(hash, mask);
            while self.slots.get(at).is_some_and(|&n| n != 0) {
                at = (at + 1) & mask;
            }
            if let Some(slot) = self.slots.get_mut(at) {
                *slot = u32::try_from(id + 1).unwrap_or(u32::MAX);
            }
        }
    }
}

/// The first slot to probe for a word with hash `hash`: the hash's top bits.
fn slot_of(hash: u64, mask: usize) -> usize {
    (hash >> 32) as usize & mask
}

/// Whether `text` with its whitespace collapsed starts with `prefix` with
/// its whitespace collapsed, without building either collapsed string
/// (the body can be megabytes; the prefix is a summary).
fn starts_with_words(text: &str, prefix: &str) -> bool {
    let mut body = text.split_whitespace();
    let mut words = prefix.split_whitespace().peekable();
    while let Some(w) = words.next() {
        let Some(b) = body.next() else { return false };
        let last = words.peek().is_none();
        if !(b == w || (last && b.starts_with(w))) {
            return false;
        }
    }
    true
}

fn push_line(out: &mut String, s: &str) {
    out.push_str(s);
    out.push('\n');
}

/// Every distinct folded word of the site, sorted, and for each page the
/// site-wide number of each of its page-local words.
struct Vocabulary {
    words: Vec<String>,
    doc_ids: Vec<Vec<u32>>,
}

impl Vocabulary {
    fn new(docs: &[DocWords]) -> Vocabulary {
        // Fx hashing here and below: the tables hold every distinct word of
        // the site, nothing in them reaches the output in hash order, and
        // no input is adversarial enough to matter.
        // Words of up to 16 bytes (nearly all) are found by their key, one
        // integer to hash and compare, the rest by their text: hashing and
        // comparing texts was most of this step.
        let distinct: Keyed<&str> = docs
            .par_iter()
            .fold(Keyed::default, |mut set, d| {
                for (w, key) in d.keyed_words() {
                    set.insert(w, key, w);
                }
                set
            })
            .reduce(Keyed::default, Keyed::merge);
        let mut words: Vec<&str> = distinct.into_values().collect();
        words.par_sort_unstable();
        let mut number = Keyed::default();
        for (i, w) in words.iter().enumerate() {
            number.insert(
                w,
                analyzer::key_at(w.as_bytes(), 0, w.len()),
                u32::try_from(i).unwrap_or(u32::MAX),
            );
        }
        let doc_ids = docs
            .par_iter()
            .map(|d| {
                d.keyed_words()
                    .map(|(w, key)| number.get(w, key).unwrap_or(u32::MAX))
                    .collect()
            })
            .collect();
        Vocabulary {
            words: words.into_iter().map(str::to_string).collect(),
            doc_ids,
        }
    }
}

/// A map from words to `V`, by key for words that have one and by text
/// for the rest.
struct Keyed<'w, V> {
    short: FxHashMap<WordKey, V>,
    long: FxHashMap<&'w str, V>,
}

impl<V> Default for Keyed<'_, V> {
    fn default() -> Self {
        Keyed {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
        }
    }
}

impl<'w, V> Keyed<'w, V> {
    /// Add word `w` with key `key` (0 for none), unless it is there.
    fn insert(&mut self, w: &'w str, key: WordKey, value: V) {
        if key != 0 {
            self.short.entry(key).or_insert(value);
        } else {
            self.long.entry(w).or_insert(value);
        }
    }

    fn get(&self, w: &str, key: WordKey) -> Option<V>
    where
        V: Copy,
    {
        if key != 0 {
            self.short.get(&key).copied()
        } else {
            self.long.get(w).copied()
        }
    }

    /// Both maps' entries, each larger map taking the smaller's.
    fn merge(mut self, other: Self) -> Self {
        fn absorb<K: std::hash::Hash + Eq, V>(
            into: &mut FxHashMap<K, V>,
            mut from: FxHashMap<K, V>,
        ) {
            if into.len() < from.len() {
                std::mem::swap(into, &mut from);
            }
            for (k, v) in from {
                into.entry(k).or_insert(v);
            }
        }
        absorb(&mut self.short, other.short);
        absorb(&mut self.long, other.long);
        self
    }

    fn into_values(self) -> impl Iterator<Item = V> {
        self.short.into_values().chain(self.long.into_values())
    }
}

fn average_body_length(docs: &[DocWords]) -> f64 {
    let total: u64 = docs.iter().map(|d| u64::from(d.body_len)).sum();
    (total as f64 / docs.len().max(1) as f64).max(1.0)
}

/// What one folded word contributes: its exact term and its compound parts.
#[derive(Default, Clone)]
struct WordTerms {
    exact: Option<u32>,
    parts: Vec<u32>,
}

/// The term dictionary: every term, sorted, with ids in that order.
struct Terms {
    names: Vec<String>,
    /// By word number (`Vocabulary::words`).
    by_word: Vec<WordTerms>,
    /// Synonym phrases by first term id: (all term ids, group term id).
    phrases: HashMap<u32, Vec<(Vec<u32>, u32)>>,
}

impl Terms {
    fn new(v: &Vocabulary, groups: &[synonyms::Group], analyzer: &Analyzer) -> Terms {
        let dictionary = Dictionary::new(v.words.iter().map(String::as_str));
        let analysed: Vec<(&String, Option<String>, Vec<String>)> = v
            .words
            .par_iter()
            .map(|w| {
                if is_stop_word(w) {
                    return (w, None, Vec::new());
                }
                let exact = analyzer.stem(w);
                let mut parts: Vec<String> = dictionary
                    .split(w)
                    .iter()
                    .filter(|p| !is_stop_word(p))
                    .map(|p| analyzer.stem(p))
                    .filter(|p| *p != exact)
                    .collect();
                parts.sort();
                parts.dedup();
                (w, Some(exact), parts)
            })
            .collect();
        let mut all: BTreeSet<&str> = BTreeSet::new();
        for (_, exact, parts) in &analysed {
            all.extend(exact.iter().map(String::as_str));
            all.extend(parts.iter().map(String::as_str));
        }
        for g in groups {
            all.insert(&g.term);
            for p in &g.phrases {
                all.extend(p.iter().map(String::as_str));
            }
        }
        let names: Vec<String> = all.into_iter().map(str::to_string).collect();
        let id = |t: &str| {
            names
                .binary_search_by(|n| n.as_str().cmp(t))
                .ok()
                .and_then(|i| u32::try_from(i).ok())
        };
        let by_word = analysed
            .iter()
            .map(|(_, exact, parts)| WordTerms {
                exact: exact.as_deref().and_then(id),
                parts: parts.iter().filter_map(|p| id(p)).collect(),
            })
            .collect();
        let mut phrases: HashMap<u32, Vec<(Vec<u32>, u32)>> = HashMap::new();
        for g in groups {
            let Some(group) = id(&g.term) else { continue };
            for p in &g.phrases {
                let ids: Vec<u32> = p.iter().filter_map(|t| id(t)).collect();
                if let (Some(&first), true) = (ids.first(), ids.len() == p.len()) {
                    phrases.entry(first).or_default().push((ids, group));
                }
            }
        }
        Terms {
            names,
            by_word,
            phrases,
        }
    }
}

/// One document's terms with their exact and part impacts, sorted by term.
type Impacts = Vec<(u32, u8, u8)>;

/// Per-field term frequencies of one document.
#[derive(Default, Clone, Copy)]
struct Tf {
    exact: [u16; N_FIELDS],
    part: [u16; N_FIELDS],
}

/// One document's [`Impacts`]. `numbers` gives the site-wide number of
/// each of the page's words.
fn doc_impacts(doc: &DocWords, numbers: &[u32], terms: &Terms, avg_len: f64) -> Impacts {
    let word_terms: Vec<&WordTerms> = numbers
        .iter()
        .map(|&n| &terms.by_word[n as usize])
        .collect();
    let mut tfs: FxHashMap<u32, Tf> =
        FxHashMap::with_capacity_and_hasher(word_terms.len() * 2, Default::default());
    // Counts saturate at `u16::MAX`, as adding one occurrence at a time
    // with `saturating_add` would.
    let add = |to: &mut [u16; N_FIELDS], counts: &[u16; N_FIELDS]| {
        for (t, &c) in to.iter_mut().zip(counts) {
            *t = t.saturating_add(c);
        }
    };
    for (wt, counts) in word_terms.iter().zip(&doc.counts) {
        if let Some(e) = wt.exact {
            add(&mut tfs.entry(e).or_default().exact, counts);
        }
        for &p in &wt.parts {
            add(&mut tfs.entry(p).or_default().part, counts);
        }
    }
    for (f, sequence) in doc.sequences.iter().enumerate() {
        if sequence.is_empty() {
            continue;
        }
        let exact: Vec<u32> = sequence
            .iter()
            .filter_map(|&l| word_terms[l as usize].exact)
            .collect();
        for group in synonyms::matches(&exact, &terms.phrases) {
            let tf = tfs.entry(group).or_default();
            tf.exact[f] = tf.exact[f].saturating_add(1);
        }
    }
    let norm = 1.0 - B + B * f64::from(doc.body_len) / avg_len;
    // Sorted as one integer each (term, then the two impacts): terms are
    // distinct, so this is the tuples' order, with one comparison instead
    // of up to three (sorting was a quarter of this function's time).
    let mut packed: Vec<u64> = tfs
        .into_iter()
        .map(|(t, tf)| {
            let (e, p) = (impact(&tf.exact, norm), impact(&tf.part, norm));
            u64::from(t) << 16 | u64::from(e) << 8 | u64::from(p)
        })
        .collect();
    packed.sort_unstable();
    packed
        .into_iter()
        .map(|x| ((x >> 16) as u32, (x >> 8) as u8, x as u8))
        .collect()
}

/// Field-weighted BM25 term frequency, quantised to a byte (0 = absent).
fn impact(tf: &[u16; N_FIELDS], body_norm: f64) -> u8 {
    let mut score = 0.0;
    for (f, &n) in tf.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let n = f64::from(n);
        let norm = if f == BODY { body_norm } else { 1.0 };
        score += FIELD_WEIGHTS[f] * n * (K1 + 1.0) / (n + K1 * norm);
    }
    if score <= 0.0 {
        0
    } else {
        (score * IMPACT_SCALE).round().clamp(1.0, 255.0) as u8
    }
}

/// Exact and part posting lists per term, documents ascending.
struct Postings {
    exact: Vec<Vec<(u32, u8)>>,
    part: Vec<Vec<(u32, u8)>>,
}

/// The postings of every term, from every document's impacts: runs of
/// documents are inverted on all cores and their lists then joined term by
/// term, in document order (on one core this was a tenth of the index's
/// time at 10,000 pages). Each run consumes its per-document lists as it
/// goes, so the two forms of the index are not both in memory at full size.
fn invert(per_doc: Vec<Impacts>, n_terms: usize) -> Postings {
    let size = per_doc
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let mut runs: Vec<(usize, Vec<Impacts>)> = Vec::new();
    let mut rest = per_doc;
    let mut first = 0;
    while !rest.is_empty() {
        let tail = rest.split_off(size.min(rest.len()));
        let len = rest.len();
        runs.push((first, rest));
        first += len;
        rest = tail;
    }
    let mut inverted = runs
        .into_par_iter()
        .map(|(first, lists)| invert_run(first, lists, n_terms))
        .collect::<Vec<_>>()
        .into_iter();
    let mut p = inverted
        .next()
        .unwrap_or_else(|| invert_run(0, Vec::new(), n_terms));
    for run in inverted {
        let join = |a: &mut Vec<Vec<(u32, u8)>>, b: Vec<Vec<(u32, u8)>>| {
            a.par_iter_mut().zip(b).for_each(|(a, b)| a.extend(b));
        };
        join(&mut p.exact, run.exact);
        join(&mut p.part, run.part);
    }
    p
}

/// The postings of the documents numbered from `first` on.
fn invert_run(first: usize, per_doc: Vec<Impacts>, n_terms: usize) -> Postings {
    let mut p = Postings {
        exact: vec![Vec::new(); n_terms],
        part: vec![Vec::new(); n_terms],
    };
    for (doc, terms) in per_doc.into_iter().enumerate() {
        let Ok(doc) = u32::try_from(first + doc) else {
            break;
        };
        for (t, e, pa) in terms {
            let t = t as usize;
            if e > 0 {
                p.exact[t].push((doc, e));
            }
            if pa > 0 {
                p.part[t].push((doc, pa));
            }
        }
    }
    p
}

/// Encode every term's entry, cut the sorted terms into shards, write them;
/// returns the shard directory.
fn write_terms(
    terms: &Terms,
    postings: &Postings,
    n_docs: usize,
    files: &mut Vec<OutputFile>,
) -> Vec<(String, String)> {
    let entries: Vec<Vec<u8>> = (0..terms.names.len())
        .into_par_iter()
        .map(|t| {
            let mut w = Writer::default();
            let id = u32::try_from(t).unwrap_or(u32::MAX);
            let syns = terms.phrases.get(&id).map_or(&[][..], Vec::as_slice);
            let mut syns: Vec<&(Vec<u32>, u32)> = syns.iter().collect();
            syns.sort();
            w.varint(syns.len() as u64);
            for (phrase, group) in syns {
                w.varint(phrase.len() as u64 - 1);
                for &p in &phrase[1..] {
                    w.string(&terms.names[p as usize]);
                }
                w.string(&terms.names[*group as usize]);
            }
            w.postings(&postings.exact[t], n_docs);
            w.postings(&postings.part[t], n_docs);
            w.bytes
        })
        .collect();
    let sizes: Vec<usize> = entries
        .iter()
        .zip(&terms.names)
        .map(|(e, n)| e.len() + n.len() + 1)
        .collect();
    let total: usize = sizes.iter().sum();
    let target = SHARD_BYTES.max(total / MAX_SHARDS);
    shards(&sizes, target, |range| {
        let mut w = Writer::default();
        w.varint(range.len() as u64);
        for t in range.clone() {
            w.string(&terms.names[t]);
        }
        for t in range.clone() {
            w.bytes.extend_from_slice(&entries[t]);
        }
        let path = format!("t/{}.bin", encode::hash(&w.bytes));
        let first = terms.names[range.start].clone();
        files.push(OutputFile {
            path: format!("{DIR}/{path}"),
            bytes: w.bytes,
        });
        (first, path)
    })
}

fn shards<F>(sizes: &[usize], target: usize, mut write: F) -> Vec<(String, String)>
where
    F: FnMut(std::ops::Range<usize>) -> (String, String),
{
    let starts = encode::chunk_starts(sizes, target);
    let mut dir = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(sizes.len());
        let (first, path) = write(s..end);
        // The first shard starts at the empty string, so every term has one.
        let key = if i == 0 { String::new() } else { first };
        dir.push((key, path));
    }
    dir
}

/// The vocabulary for typo tolerance: every word that occurs as a whole
/// word, with its term (as the length of the prefix it shares with the word
/// plus the rest) and the term's document count. Typos are measured against
/// what people type, words, not against stems.
fn write_vocabulary(
    vocabulary: &Vocabulary,
    terms: &Terms,
    postings: &Postings,
    files: &mut Vec<OutputFile>,
) -> Vec<(String, String)> {
    let kept: Vec<(&str, &str, usize)> = vocabulary
        .words
        .iter()
        .zip(&terms.by_word)
        .filter_map(|(w, wt)| {
            let t = wt.exact? as usize;
            let df = postings.exact[t].len();
            (df > 0).then(|| (w.as_str(), terms.names[t].as_str(), df))
        })
        .collect();
    let sizes: Vec<usize> = kept.iter().map(|(w, _, _)| w.len() + 4).collect();
    shards(&sizes, VOCAB_BYTES, |range| {
        let mut w = Writer::default();
        w.varint(range.len() as u64);
        for &(word, term, df) in &kept[range.clone()] {
            let shared = word
                .char_indices()
                .zip(term.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| i + a.len_utf8());
            w.string(word);
            w.varint(word[..shared].encode_utf16().count() as u64);
            w.string(&term[shared..]);
            w.varint(df as u64);
        }
        let path = format!("v/{}.bin", encode::hash(&w.bytes));
        let first = kept[range.start].0.to_string();
        files.push(OutputFile {
            path: format!("{DIR}/{path}"),
            bytes: w.bytes,
        });
        (first, path)
    })
}

fn write_facets(facets: &[facets::Facet], n_docs: usize, files: &mut Vec<OutputFile>) -> String {
    let mut w = Writer::default();
    for f in facets {
        for v in &f.values {
            w.doc_set(&v.docs, n_docs);
        }
    }
    let path = format!("facets-{}.bin", encode::hash(&w.bytes));
    files.push(OutputFile {
        path: format!("{DIR}/{path}"),
        bytes: w.bytes,
    });
    path
}

/// What the client shows for one result.
#[derive(Serialize)]
struct Fragment<'a> {
    /// Title.
    t: &'a str,
    /// URL.
    u: String,
    /// Kind label (empty for home, section and standalone pages).
    k: &'a str,
    /// Summary.
    s: &'a str,
    /// Headings: `[id, text, offset in x (UTF-16 units)]`.
    h: Vec<(&'a str, &'a str, usize)>,
    // `x`, the body text, follows: see `fragment`.
}

/// The fragment of page `id`: what its search result shows.
fn fragment(site: &Site<'_>, id: usize, page: &Page, text: &str) -> OutputFile {
    let kind = match page.role {
        Role::Page => page
            .kind
            .as_deref()
            .and_then(|k| site.config.kind(k))
            .map_or("", |k| k.label.as_str()),
        _ => "",
    };
    // Headings come in text order, so UTF-16 offsets (what the
    // browser indexes by) are counted incrementally: counting from
    // the start for each heading is quadratic on long pages.
    let mut counted = (0usize, 0usize);
    let h = page
        .body
        .headings
        .iter()
        .map(|h| {
            let from = counted.0.min(h.text_offset);
            let base = if from == counted.0 { counted.1 } else { 0 };
            let start = if from == counted.0 { from } else { 0 };
            let off = base + text.get(start..h.text_offset).map_or(0, utf16_len);
            counted = (h.text_offset, off);
            (h.id.as_str(), h.text.as_str(), off)
        })
        .collect();
    let frag = Fragment {
        t: &page.title,
        u: url(site, &page.path),
        k: kind,
        s: &page.summary,
        h,
    };
    // Sized for the text plus a little escaping and the other fields, so
    // the buffer (10 KB a page) is not regrown while it is written.
    let mut bytes = Vec::with_capacity(text.len() + text.len() / 32 + 1024);
    if serde_json::to_writer(&mut bytes, &frag).is_err() {
        bytes.clear();
    }
    // The body text, the bulk of every fragment, is appended as the last
    // member by `push_json_str`, which skips clean stretches eight bytes
    // at a time; serde_json's byte-by-byte escaping was 4 % of a build.
    if bytes.pop() == Some(b'}') {
        bytes.extend_from_slice(b",\"x\":");
        push_json_str(&mut bytes, text);
        bytes.push(b'}');
    }
    OutputFile {
        path: format!("{DIR}/f/{id}.json"),
        bytes,
    }
}

/// `s` as a JSON string, quoted and escaped byte for byte as serde_json
/// writes it: `"` and `\\` with a backslash, the control characters
/// `\\b \\t \\n \\f \\r` short and the others as `\\u00xx`, all else as is.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    // Whether any byte of `v` is below 0x20, a quote or a backslash.
    let special = |v: u64| swar::below(v, 0x20) | swar::eq(v, b'"') | swar::eq(v, b'\\') != 0;
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut clean, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8).and_then(swar::load) {
            if !special(word) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let short = match b {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'\n' => Some(b'n'),
            b'\r' => Some(b'r'),
            b'\t' => Some(b't'),
            0x08 => Some(b'b'),
            0x0C => Some(b'f'),
            0x00..=0x1F => None,
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[clean..i]);
        match short {
            Some(c) => out.extend_from_slice(&[b'\\', c]),
            None => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xF)]);
            }
        }
        i += 1;
        clean = i;
    }
    out.extend_from_slice(&bytes[clean..]);
    out.push(b'"');
}

/// `s.encode_utf16().count()`: what the browser indexes a page's text by.
/// Counted eight bytes at a time ([`swar::utf16_len`]): it runs over the
/// text of every page.
fn utf16_len(s: &str) -> usize {
    swar::utf16_len(s.as_bytes())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{WordTable, analyzer, invert, invert_run, push_json_str, utf16_len};

    /// Inverting runs of documents on several cores and joining them gives
    /// the postings one run over all documents gives, whatever the number
    /// of runs (here 1 to 5 threads, and more runs than documents).
    #[test]
    fn parallel_inversion_matches_one_run() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for n_docs in [0, 1, 3, 200] {
            let n_terms = 50;
            let per_doc: Vec<Vec<(u32, u8, u8)>> = (0..n_docs)
                .map(|_| {
                    let mut terms: Vec<(u32, u8, u8)> = (0..next() % 20)
                        .map(|_| {
                            (
                                (next() % n_terms) as u32,
                                (next() % 3) as u8,
                                (next() % 2) as u8,
                            )
                        })
                        .collect();
                    terms.sort_unstable();
                    terms.dedup_by_key(|t| t.0);
                    terms
                })
                .collect();
            let one = invert_run(0, per_doc.clone(), n_terms as usize);
            for threads in 1..=5 {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let p = pool.install(|| invert(per_doc.clone(), n_terms as usize));
                assert_eq!(
                    (&p.exact, &p.part),
                    (&one.exact, &one.part),
                    "{n_docs} docs, {threads} threads"
                );
            }
        }
    }

    /// The table numbers words in order of first sight, as a map from
    /// each word to its first position would: short and long words alike,
    /// through several doublings, and long words whose hashes collide.
    #[test]
    fn word_table_numbers_in_first_sight_order() {
        let words: Vec<String> = (0..3000)
            .map(|i| match i % 3 {
                0 => format!("w{}", i % 700),
                1 => format!("samenwerking{}", i % 500),
                _ => "x".repeat(1 + i % 40),
            })
            .collect();
        for force_collisions in [false, true] {
            let mut table = WordTable::with_capacity(1);
            let mut texts: Vec<&str> = Vec::new();
            let mut expect: std::collections::HashMap<&str, u32> = Default::default();
            for w in &words {
                let next = expect.len() as u32;
                let want = *expect.entry(w.as_str()).or_insert(next);
                let mut key = 0;
                analyzer::each_keyed_word(w, |_, k, _| key = k);
                if force_collisions && key == 0 {
                    // Every long word gets the same hash: only comparing
                    // the text tells them apart.
                    let is = |id: u32| texts[id as usize] == w.as_str();
                    let (id, new) = table.number_hashed(0, 0xdead, is);
                    assert_eq!((id, new), (want, want == next), "{w}");
                    if new {
                        texts.push(w);
                    }
                    continue;
                }
                let (id, new) = table.number(w, key, |id| texts[id as usize] == w.as_str());
                assert_eq!((id, new), (want, want == next), "{w}");
                if new {
                    texts.push(w);
                }
            }
        }
    }

    #[test]
    fn json_strings_match_serde_json() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        let mut cases = vec![
            String::new(),
            "plain text of more than eight bytes".to_string(),
            "quote \" and back\\slash".to_string(),
            "line\nbreak\r\ttab\u{8}\u{c}\u{1}\u{1f}\u{7f}".to_string(),
            "cliënt – coöperatie 😀 \u{2028}".to_string(),
            every_ascii.clone(),
        ];
        // Every special byte at every position of an eight-byte word.
        for pos in 0..17 {
            for c in ['"', '\\', '\n', '\u{0}', '\u{1f}', 'ë'] {
                let mut s = "abcdefghijklmnop".to_string();
                s.insert(pos, c);
                cases.push(s);
            }
        }
        for s in cases {
            let mut ours = Vec::new();
            push_json_str(&mut ours, &s);
            let theirs = serde_json::to_vec(&s).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn utf16_len_counts_as_the_browser_does() {
        for s in [
            "",
            "cliënt",
            "coöperatie – ‘wijk’",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 and 中文",
            "ASCII only",
            "e\u{301}",
        ] {
            assert_eq!(utf16_len(s), s.encode_utf16().count(), "{s}");
        }
    }
}
