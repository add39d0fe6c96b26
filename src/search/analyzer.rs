//! The Dutch analyzer: text in, index terms out.
//!
//! The same steps run in the browser (`themes/default/static/search.js`),
//! so a query meets the index exactly; a test compares both over the whole
//! vocabulary of the bundled knowledge base. The steps:
//!
//! 1. **Fold**: NFKD, drop combining marks, lowercase (`Cliënt` → `client`,
//!    `coördinatie` → `coordinatie`).
//! 2. **Words**: runs of letters and digits. `thema's` loses its `'s`;
//!    `ggz-agoog` gives `ggz`, `agoog` and the joined extra `ggzagoog`.
//! 3. **Stop words** are dropped (a short list of Dutch function words).
//! 4. **Stem**: Snowball Dutch (rust-stemmers), then the *t-rule*: a stem
//!    that still ends in a `-t` after a consonant loses it, so the verb forms
//!    `werkt` and `begeleidt` meet `werken` and `begeleiden`. Classic Snowball
//!    leaves those forms alone. The rule is symmetric (nouns such as `recht`
//!    and `rechten` both lose the `t`), which keeps singular and plural
//!    together.
//!
//! Decompounding (`Dictionary::split`) runs only at build time: a compound's
//! parts are indexed as *part* terms, so the browser needs no dictionary.

use std::borrow::Cow;
use std::collections::HashSet;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;

use crate::swar;

/// Words longer than this (in chars) are not indexed: they are URLs, hashes
/// or other noise, and they would bloat the term dictionary.
pub const MAX_WORD: usize = 48;

/// Dutch function words that carry no meaning for search. Kept short on
/// purpose: words like `zelf`, `onder` or `meer` stay searchable.
pub const STOP_WORDS: &[&str] = &[
    "aan", "al", "als", "bij", "dan", "dat", "de", "der", "des", "die", "dit", "door", "een", "en",
    "er", "hem", "het", "hij", "hun", "ik", "in", "is", "je", "maar", "me", "men", "met", "mij",
    "na", "naar", "niet", "nog", "of", "om", "omdat", "ons", "ook", "op", "over", "s", "te", "ten",
    "ter", "tot", "u", "uit", "van", "voor", "was", "wat", "we", "wel", "werd", "wie", "wij",
    "zal", "ze", "zich", "zij", "zijn", "zo", "zou",
];

/// One word of a text, folded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The folded word.
    pub text: String,
    /// True for the joined form of a hyphenated word (`ggzagoog`), which
    /// is not part of the word sequence that phrases are matched against.
    pub extra: bool,
}

/// Which stemmer a site uses: Dutch, or none (folding only) for other
/// languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// Snowball Dutch plus the t-rule.
    Dutch,
    /// No stemming.
    Plain,
}

impl Language {
    /// The analyzer for a site language code.
    pub fn for_code(code: &str) -> Language {
        if code == "nl" {
            Language::Dutch
        } else {
            Language::Plain
        }
    }

    /// The name written to the index, read by the client.
    pub fn name(self) -> &'static str {
        match self {
            Language::Dutch => "nl",
            Language::Plain => "plain",
        }
    }
}

/// Fold case and diacritics: NFKD, drop combining marks, lowercase.
pub fn fold(text: &str) -> String {
    // Most text is ASCII: skip the normaliser for it.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    // Decomposing character by character equals NFKD of the whole text
    // here: NFKD only reorders combining marks, and those are dropped.
    // Dutch text is ASCII with a `ë` or `é` here and there, so the ASCII
    // runs between them are copied and lowercased whole.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let run = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..run]);
        out[start..].make_ascii_lowercase();
        let mut chars = rest[run..].chars();
        if let Some(c) = chars.next() {
            unicode_normalization::char::decompose_compatible(c, |d| {
                if !is_combining_mark(d) {
                    out.extend(d.to_lowercase());
                }
            });
        }
        rest = chars.as_str();
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The folded words of `text`, in order, with the joined forms of
/// hyphenated words marked as extras. Stop words are kept (callers drop
/// them), so positions stay meaningful for phrases.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    each_word(text, |w, extra| {
        out.push(Word {
            text: w.to_string(),
            extra,
        })
    });
    out
}

/// Calls `f(word, extra)` for each word of `text`, exactly as [`words`]
/// returns them, without allocating a `String` per word.
pub fn each_word(text: &str, mut f: impl FnMut(&str, bool)) {
    each_keyed_word(text, |w, _, extra| f(w, extra));
}

/// A word's bytes packed little-endian into an integer, for words of up to
/// [`KEY_BYTES`] bytes; 0 for longer words. Words hold no zero bytes, so
/// two words with the same non-zero key are the same word.
pub type WordKey = u128;

/// The longest word that has a [`WordKey`].
pub const KEY_BYTES: usize = 16;

/// [`each_word`], with each word's [`WordKey`]: the index builder finds
/// every word of every page (ten million at 10,000 pages) in a table, and
/// comparing keys there is one integer comparison where comparing texts
/// is a call to `memcmp`. Computed here, where the word lies in the whole
/// folded text, the key is one 16-byte load and a mask.
///
/// Words are found in a bit mask of the word bytes rather than byte by
/// byte. A byte loop guesses wrong at nearly every word's first and last
/// byte (ten million words on a 10,000-page site), and those stalls were
/// most of its time; in the mask a word's end is one `trailing_zeros`.
pub fn each_keyed_word(text: &str, mut f: impl FnMut(&str, WordKey, bool)) {
    let folded = fold(text);
    let s = folded.as_str();
    let bytes = s.as_bytes();
    let mask = word_mask(s);
    let is_word_at = |i: usize| mask.get(i / 64).is_some_and(|m| m & (1 << (i % 64)) != 0);
    let mut chain: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(start) = next_bit(&mask, i, true) {
        // The mask's padding past the text is clear, so a word ends
        // at the text's end at the latest.
        let end = next_bit(&mask, start, false).unwrap_or(bytes.len());
        let word = s.get(start..end).unwrap_or_default();
        let key = key_at(bytes, start, end - start);
        i = end;
        // `thema's`, `SDG's`: the apostrophe-s is a plural or possessive
        // ending, not a word of its own.
        match bytes.get(i) {
            Some(b'\'') if bytes.get(i + 1) == Some(&b's') && !is_word_at(i + 2) => i += 2,
            Some(0xE2)
                if bytes.get(i..i + 4) == Some("\u{2019}s".as_bytes()) && !is_word_at(i + 4) =>
            {
                i += 4
            }
            _ => {}
        }
        // A word of at most MAX_WORD bytes has at most as many characters.
        let long = word.len() > MAX_WORD && word.chars().count() > MAX_WORD;
        let joins = !long && bytes.get(i) == Some(&b'-') && is_word_at(i + 1);
        if !long {
            f(word, key, false);
        }
        // `ggz-agoog` also gives the joined `ggzagoog`; most words stand
        // alone and never touch `chain`.
        if joins {
            chain.push(word);
        } else if !chain.is_empty() {
            if !long {
                chain.push(word);
            }
            if chain.len() > 1 {
                let joined: String = chain.concat();
                if joined.chars().count() <= MAX_WORD {
                    f(&joined, key_at(joined.as_bytes(), 0, joined.len()), true);
                }
            }
            chain.clear();
        }
    }
}

/// The [`WordKey`] of the `len` bytes of `bytes` from `start`.
#[inline(always)]
pub fn key_at(bytes: &[u8], start: usize, len: usize) -> WordKey {
    if len == 0 || len > KEY_BYTES {
        return 0;
    }
    let keep = WordKey::MAX >> (8 * (KEY_BYTES - len));
    match bytes.get(start..start + KEY_BYTES) {
        Some(load) => <[u8; KEY_BYTES]>::try_from(load).map_or(0, WordKey::from_le_bytes) & keep,
        // Near the end of the text: copy what is left.
        None => {
            let mut padded = [0u8; KEY_BYTES];
            if let Some(word) = bytes.get(start..start + len) {
                padded[..len].copy_from_slice(word);
            }
            WordKey::from_le_bytes(padded)
        }
    }
}

/// For eight bytes read as a little-endian `u64`, one bit per byte (bit `k`
/// for byte `k`): which are ASCII letters or digits, and which are not ASCII.
#[inline(always)]
fn word_bits8(x: u64) -> (u64, u64) {
    let non_ascii = x & swar::HIGH;
    let y = x & !swar::HIGH;
    let range = |lo: u8, hi: u8| swar::at_least(y, lo) & !swar::at_least(y, hi + 1);
    let w = (range(b'0', b'9') | range(b'a', b'z') | range(b'A', b'Z')) & !non_ascii;
    (swar::gather(w), swar::gather(non_ascii))
}

/// [`word_bits8`] for 64 bytes.
#[inline(always)]
fn word_bits64(block: &[u8; 64]) -> (u64, u64) {
    let (mut w, mut h) = (0, 0);
    for (k, chunk) in block.chunks_exact(8).enumerate() {
        let x = swar::load(chunk).unwrap_or(0);
        let (cw, ch) = word_bits8(x);
        w |= cw << (8 * k);
        h |= ch << (8 * k);
    }
    (w, h)
}

/// Bit `i % 64` of `mask[i / 64]` is set when byte `i` of `s` belongs to a
/// word character; bits past the end of `s` are clear. ASCII is classified
/// eight bytes at a time; the rare other characters (folded Dutch text is
/// nearly all ASCII) one by one, all their bytes alike.
fn word_mask(s: &str) -> Vec<u64> {
    let bytes = s.as_bytes();
    let mut mask = Vec::with_capacity(bytes.len() / 64 + 1);
    // The blocks with other bytes than ASCII, and which those are.
    let mut others: Vec<(usize, u64)> = Vec::new();
    let mut blocks = bytes.chunks_exact(64);
    let mut push = |(w, h): (u64, u64)| {
        if h != 0 {
            others.push((mask.len(), h));
        }
        mask.push(w);
    };
    for block in &mut blocks {
        push(<&[u8; 64]>::try_from(block).map_or((0, 0), word_bits64));
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        let mut padded = [0u8; 64];
        padded[..rest.len()].copy_from_slice(rest);
        push(word_bits64(&padded));
    }
    for (block, mut h) in others {
        while h != 0 {
            let i = block * 64 + h.trailing_zeros() as usize;
            h &= h - 1;
            // Only a character's first byte starts a `get`.
            let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else {
                continue;
            };
            if is_word_char(c) {
                for j in i..i + c.len_utf8() {
                    if let Some(m) = mask.get_mut(j / 64) {
                        *m |= 1 << (j % 64);
                    }
                }
            }
        }
    }
    mask
}

/// The first byte at or after `i` whose bit in `mask` is `set`.
#[inline(always)]
fn next_bit(mask: &[u64], i: usize, set: bool) -> Option<usize> {
    let flip = if set { 0 } else { u64::MAX };
    let mut b = i / 64;
    let mut m = (mask.get(b)? ^ flip) & (u64::MAX << (i % 64));
    while m == 0 {
        b += 1;
        m = mask.get(b)? ^ flip;
    }
    Some(b * 64 + m.trailing_zeros() as usize)
}

/// True for a stop word (already folded). Asked for every word of every
/// page, so it compares integers: each stop word packed big-endian into a
/// `u64` (zero-padded, so the packed order is the words' order).
pub fn is_stop_word(word: &str) -> bool {
    word.len() <= 8 && STOP_KEYS.binary_search(&pack(word)).is_ok()
}

/// Up to 8 bytes of `w`, big-endian, zero-padded.
const fn pack(w: &str) -> u64 {
    let b = w.as_bytes();
    let mut key = 0u64;
    let mut i = 0;
    while i < 8 {
        key <<= 8;
        if i < b.len() {
            key |= b[i] as u64;
        }
        i += 1;
    }
    key
}

const STOP_KEYS: [u64; STOP_WORDS.len()] = {
    let mut keys = [0u64; STOP_WORDS.len()];
    let mut i = 0;
    while i < keys.len() {
        keys[i] = pack(STOP_WORDS[i]);
        i += 1;
    }
    keys
};

/// Stems folded words. Cheap to create; holds no state between words.
#[derive(Clone, Copy)]
pub struct Analyzer {
    language: Language,
}

impl Analyzer {
    /// An analyzer for `language`.
    pub fn new(language: Language) -> Analyzer {
        Analyzer { language }
    }

    /// The index term of a folded word.
    pub fn stem(&self, word: &str) -> String {
        match self.language {
            Language::Plain => word.to_string(),
            Language::Dutch => {
                let stemmer = Stemmer::create(Algorithm::Dutch);
                let s: Cow<'_, str> = stemmer.stem(word);
                t_rule(&s)
            }
        }
    }

    /// The index terms of a text: folded, stop words dropped, stemmed.
    pub fn terms(&self, text: &str) -> Vec<String> {
        words(text)
            .into_iter()
            .filter(|w| !is_stop_word(&w.text))
            .map(|w| self.stem(&w.text))
            .collect()
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'è')
}

/// The extra rule on top of Snowball Dutch: `werkt` → `werk` (as `werken`),
/// `begeleidt` → `begeleid` (as `begeleiden`), `loopt` → `lop` (as
/// `lopen`). A final `t` after a consonant is dropped from stems of five or
/// more letters, and a double vowel before the new final consonant is
/// undoubled the way Snowball does it. Short stems keep their `t`
/// (`moet`, `wet`), since dropping it would merge unrelated words.
pub fn t_rule(stem: &str) -> String {
    let chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    if n < 5 || chars[n - 1] != 't' || is_vowel(chars[n - 2]) {
        return stem.to_string();
    }
    let mut s: Vec<char> = chars[..n - 1].to_vec();
    let m = s.len();
    if m >= 4
        && !is_vowel(s[m - 1])
        && s[m - 2] == s[m - 3]
        && matches!(s[m - 2], 'a' | 'e' | 'o' | 'u')
        && !is_vowel(s[m - 4])
    {
        s.remove(m - 2);
    }
    s.into_iter().collect()
}

/// Common Dutch words and compound heads of the social domain. Together
/// with the site's own vocabulary they form the decompounding dictionary,
/// so `schuldhulpverlening` splits even on a site where `hulpverlening`
/// never occurs on its own.
pub const BUILTIN_WORDS: &[&str] = &[
    "aanbod",
    "aanpak",
    "advies",
    "afspraak",
    "arbeid",
    "armoede",
    "begeleider",
    "begeleiding",
    "beleid",
    "beroep",
    "bewoner",
    "bewoners",
    "buurt",
    "centrum",
    "code",
    "coach",
    "dienst",
    "doel",
    "doelen",
    "druk",
    "geld",
    "gemeente",
    "gesprek",
    "gezin",
    "gezondheid",
    "groep",
    "hulp",
    "hulpverlener",
    "hulpverleners",
    "hulpverlening",
    "huis",
    "instelling",
    "jeugd",
    "jongere",
    "jongeren",
    "kennis",
    "kind",
    "kinderen",
    "kracht",
    "kwaliteit",
    "leven",
    "mens",
    "methode",
    "netwerk",
    "ondersteuning",
    "onderwijs",
    "ouder",
    "ouderen",
    "ouders",
    "plan",
    "plicht",
    "praktijk",
    "professional",
    "raad",
    "recht",
    "regel",
    "register",
    "schuld",
    "schulden",
    "sociaal",
    "steun",
    "team",
    "verlener",
    "verleners",
    "verlening",
    "vorm",
    "vraag",
    "welzijn",
    "werk",
    "werker",
    "werkers",
    "wet",
    "wijk",
    "woning",
    "zaak",
    "zorg",
];

/// Linking sounds that may sit between the parts of a compound
/// (`beroep-s-code`, `kinder-en-opvang`).
const LINKS: &[&str] = &["s", "e", "en"];

/// Compounds shorter than this are not split.
const MIN_COMPOUND: usize = 7;
/// Parts from the site vocabulary must be at least this long; shorter parts
/// (`wet`) must come from the built-in list.
const MIN_VOCAB_PART: usize = 4;
const MIN_BUILTIN_PART: usize = 3;
/// Pieces that look like words but are inflections or suffixes: `jongeren`
/// is not `jong` + `eren`, `mogelijk` is not `moge` + `lijk`.
const NOT_PARTS: &[&str] = &[
    "eren", "ende", "ente", "heid", "ingen", "isch", "lijk", "ling", "tjes",
];

/// A split candidate: number of parts, and the parts as `(start, end)`.
type Split = (usize, Vec<(usize, usize)>);

/// The decompounding dictionary: the site's own vocabulary plus
/// [`BUILTIN_WORDS`].
pub struct Dictionary {
    words: HashSet<String>,
}

impl Dictionary {
    /// A dictionary of the built-in words plus `vocabulary` (folded words
    /// as they occur on the site).
    pub fn new<'a>(vocabulary: impl IntoIterator<Item = &'a str>) -> Dictionary {
        let mut words: HashSet<String> = vocabulary
            .into_iter()
            .filter(|w| {
                w.chars().count() >= MIN_VOCAB_PART
                    && !is_stop_word(w)
                    && w.chars().all(char::is_alphabetic)
            })
            .map(str::to_string)
            .collect();
        words.extend(
            BUILTIN_WORDS
                .iter()
                .filter(|w| w.len() >= MIN_BUILTIN_PART)
                .map(|w| (*w).to_string()),
        );
        Dictionary { words }
    }

    /// The parts of a compound as substrings of `word`, finest split first
    /// level by level: `schuldhulpverlening` → `schuld`, `hulp`, `verlening`,
    /// `schuldhulp`, `hulpverlening`. Empty when `word` is not a compound.
    /// Linking sounds inside a span are kept (`beroepscode` → `beroep`,
    /// `code`), so each part can be stemmed like any other word.
    pub fn split(&self, word: &str) -> Vec<String> {
        let chars: Vec<char> = word.chars().collect();
        let mut segments = Vec::new();
        self.segment(&chars, 0, chars.len(), &mut segments, 0);
        if segments.len() < 2 {
            return Vec::new();
        }
        // Every contiguous run of segments except the whole word.
        let mut out = Vec::new();
        for a in 0..segments.len() {
            for b in a..segments.len() {
                if a == 0 && b == segments.len() - 1 {
                    continue;
                }
                let (start, _) = segments[a];
                let (_, end) = segments[b];
                out.push(chars[start..end].iter().collect::<String>());
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Split `chars[from..to]` into the fewest dictionary words (at least
    /// two), then split each of those again; push the finest segments as
    /// `(start, end)` without linking sounds.
    fn segment(
        &self,
        chars: &[char],
        from: usize,
        to: usize,
        out: &mut Vec<(usize, usize)>,
        depth: u8,
    ) {
        let best = if to - from >= MIN_COMPOUND && depth < 4 {
            self.fewest_parts(chars, from, to)
        } else {
            None
        };
        match best {
            Some(parts) => {
                for (s, e) in parts {
                    self.segment(chars, s, e, out, depth + 1);
                }
            }
            None => out.push((from, to)),
        }
    }

    /// Dynamic programming over split points: the split of `chars[from..to]`
    /// into the fewest parts (two or more), ties broken by the longest last
    /// part (Dutch compounds are head-final).
    fn fewest_parts(&self, chars: &[char], from: usize, to: usize) -> Option<Vec<(usize, usize)>> {
        let n = to - from;
        // best[i]: (parts, last part length, parts list) for chars[from+i..to].
        let mut best: Vec<Option<Split>> = vec![None; n + 1];
        best[n] = Some((0, Vec::new()));
        for i in (0..n).rev() {
            let mut choice: Option<Split> = None;
            for j in (i + MIN_BUILTIN_PART)..=n {
                if i == 0 && j == n {
                    continue;
                }
                let part: String = chars[from + i..from + j].iter().collect();
                if !self.words.contains(&part) || NOT_PARTS.contains(&part.as_str()) {
                    continue;
                }
                let mut nexts = vec![j];
                if j < n {
                    for link in LINKS {
                        let l = link.chars().count();
                        if j + l < n
                            && chars[from + j..from + j + l]
                                .iter()
                                .copied()
                                .eq(link.chars())
                        {
                            nexts.push(j + l);
                        }
                    }
                }
                for next in nexts {
                    if next == n && next != j {
                        continue;
                    }
                    let Some((count, rest)) = &best[next] else {
                        continue;
                    };
                    let mut parts = vec![(from + i, from + j)];
                    parts.extend(rest.iter().copied());
                    let candidate = (count + 1, parts);
                    if better(&candidate, &choice) {
                        choice = Some(candidate);
                    }
                }
            }
            best[i] = choice;
        }
        best[0].take().map(|(_, parts)| parts)
    }
}

fn better(candidate: &Split, current: &Option<Split>) -> bool {
    let Some(cur) = current else { return true };
    let last_len = |p: &[(usize, usize)]| p.last().map_or(0, |(s, e)| e - s);
    (candidate.0, std::cmp::Reverse(last_len(&candidate.1)))
        < (cur.0, std::cmp::Reverse(last_len(&cur.1)))
}

#[cfg(test)]
mod tests {
    /// The scanner `each_word` replaced, byte by byte over the folded
    /// text: the oracle for the bit-mask scanner.
    fn each_word_reference(text: &str, mut f: impl FnMut(&str, bool)) {
        let folded = fold(text);
        let s = folded.as_str();
        // Most characters are ASCII: read those as bytes, decode the rest.
        let bytes = s.as_bytes();
        let at = |i: usize| match bytes.get(i) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => s.get(i..).and_then(|r| r.chars().next()),
            None => None,
        };
        // The length of the character at `i` and whether it is a word
        // character; ASCII, nearly all of folded text, is decided by its byte.
        let step = |i: usize| match bytes.get(i) {
            Some(&b) if b.is_ascii() => Some((1, b.is_ascii_alphanumeric())),
            Some(_) => at(i).map(|c| (c.len_utf8(), is_word_char(c))),
            None => None,
        };
        let mut chain: Vec<&str> = Vec::new();
        let mut i = 0;
        while let Some((len, word_char)) = step(i) {
            if !word_char {
                i += len;
                continue;
            }
            let start = i;
            while let Some((len, true)) = step(i) {
                i += len;
            }
            let word = &s[start..i];
            // `thema's`, `SDG's`: the apostrophe-s is a plural or possessive
            // ending, not a word of its own.
            if let Some(q @ ('\'' | '\u{2019}')) = at(i) {
                let after_q = i + q.len_utf8();
                if at(after_q) == Some('s') && !at(after_q + 1).is_some_and(is_word_char) {
                    i = after_q + 1;
                }
            }
            // A word of at most MAX_WORD bytes has at most as many characters.
            let long = word.len() > MAX_WORD && word.chars().count() > MAX_WORD;
            let joins = at(i) == Some('-') && !long && at(i + 1).is_some_and(is_word_char);
            if !long {
                f(word, false);
                chain.push(word);
            }
            if !joins {
                if chain.len() > 1 {
                    let joined: String = chain.concat();
                    if joined.chars().count() <= MAX_WORD {
                        f(&joined, true);
                    }
                }
                chain.clear();
            }
        }
    }

    use super::*;

    fn nl() -> Analyzer {
        Analyzer::new(Language::Dutch)
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(
            STOP_WORDS.iter().all(|w| w.len() <= 8),
            "packed stop words fit a u64"
        );
        assert!(
            STOP_KEYS.windows(2).all(|k| k[0] < k[1]),
            "packed keys sorted"
        );
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(fold("Cliënt"), "client");
        assert_eq!(fold("coördinatie"), "coordinatie");
        assert_eq!(fold("ÉÉN Ĳsselmeer"), "een ijsselmeer");
        assert_eq!(nl().terms("cliënt"), nl().terms("client"));
        assert_eq!(nl().terms("Coördinatie"), nl().terms("coordinatie"));
        // The run-wise fold equals folding character by character.
        let by_char = |t: &str| -> String {
            let mut out = String::new();
            for c in t.chars() {
                unicode_normalization::char::decompose_compatible(c, |d| {
                    if !is_combining_mark(d) {
                        out.extend(d.to_lowercase());
                    }
                });
            }
            out
        };
        for t in [
            "",
            "Ë",
            "AbC",
            "ëA",
            "Aë",
            "De Cliënt ZEGT: „Coöperatie” ﬁ ½ Ⅻ İstanbul ΣΑΣ ß €",
            "👩‍👧 jeugd-GGZ\u{301}é\u{0}",
        ] {
            assert_eq!(fold(t), by_char(t), "{t:?}");
        }
    }

    #[test]
    fn splits_words_apostrophes_and_hyphens() {
        let w: Vec<(String, bool)> = words("SDG's en thema’s; GGZ-agoog, jeugd- en zorg")
            .into_iter()
            .map(|w| (w.text, w.extra))
            .collect();
        let expect = [
            ("sdg", false),
            ("en", false),
            ("thema", false),
            ("ggz", false),
            ("agoog", false),
            ("ggzagoog", true),
            ("jeugd", false),
            ("en", false),
            ("zorg", false),
        ];
        let expect: Vec<(String, bool)> = expect.iter().map(|(t, e)| (t.to_string(), *e)).collect();
        assert_eq!(w, expect);
    }

    /// The bit-mask scanner finds exactly the words of the byte-by-byte
    /// one, each with its bytes as its key: on every Markdown page of the bundled knowledge base, on the
    /// edge cases by hand, and on 20,000 random strings of the characters
    /// that end, join or extend words, around every block boundary.
    #[test]
    fn mask_scanner_matches_byte_scanner() {
        fn both(text: &str) {
            let (mut new, mut old) = (Vec::new(), Vec::new());
            each_keyed_word(text, |w, key, e| {
                // The key is the word's bytes, zero-padded, or 0 when long.
                let mut padded = [0u8; KEY_BYTES];
                let expect = match padded.get_mut(..w.len()) {
                    Some(head) => {
                        head.copy_from_slice(w.as_bytes());
                        WordKey::from_le_bytes(padded)
                    }
                    None => 0,
                };
                assert_eq!(key, expect, "{w:?} in {text:?}");
                new.push((w.to_string(), e));
            });
            each_word_reference(text, |w, e| old.push((w.to_string(), e)));
            assert_eq!(new, old, "{text:?}");
        }
        let long = "x".repeat(MAX_WORD + 1);
        for text in [
            "",
            "a",
            "thema's",
            "thema's-lijst",
            "x's's",
            "SDG’s en ’s avonds",
            "ggz-agoog-extra",
            "jeugd- en zorg",
            "-a-",
            &format!("{long}-kort"),
            &format!("kort-{long}-kort"),
            "Straße øre Łódź привет 東京 ١٢٣",
            "a\u{0301}b–c—d“e”",
        ] {
            both(text);
        }
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/content"
        ))];
        let mut pages = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "md") {
                    both(&std::fs::read_to_string(&path).unwrap_or_default());
                    pages += 1;
                }
            }
        }
        assert!(pages > 100, "only {pages} pages read");
        let alphabet: Vec<char> = "ab0Z- '’s\nëß–é\u{0301}東.".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = 50 + (next() % 100) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            both(&text);
        }
    }

    #[test]
    fn drops_stop_words() {
        assert_eq!(nl().terms("de wet en het recht"), ["wet", "rech"]);
    }

    #[test]
    fn stems_dutch() {
        let a = nl();
        assert_eq!(a.stem("jongeren"), a.stem("jongere"));
        assert_eq!(a.stem("werkt"), a.stem("werken"));
        assert_eq!(a.stem("begeleidt"), a.stem("begeleiden"));
        assert_eq!(a.stem("loopt"), a.stem("lopen"));
        assert_eq!(a.stem("leert"), a.stem("leren"));
        assert_eq!(a.stem("bespreekt"), a.stem("bespreken"));
        assert_eq!(a.stem("recht"), a.stem("rechten"));
        // Short stems keep their t: `moet` is not `moe`, `wet` is not `we`.
        assert_ne!(a.stem("moet"), a.stem("moe"));
        assert_eq!(a.stem("wet"), "wet");
    }

    #[test]
    fn classic_snowball_alone_misses_the_t_forms() {
        // Documents why the t-rule exists.
        let s = Stemmer::create(Algorithm::Dutch);
        assert_ne!(s.stem("werkt"), s.stem("werken"));
        assert_ne!(s.stem("begeleidt"), s.stem("begeleiden"));
    }

    #[test]
    fn plain_language_only_folds() {
        let a = Analyzer::new(Language::Plain);
        assert_eq!(a.terms("Cliënten werken"), ["clienten", "werken"]);
    }

    #[test]
    fn decompounds_with_builtin_words_only() {
        let d = Dictionary::new(std::iter::empty());
        let parts = d.split("schuldhulpverlening");
        for p in ["schuld", "hulp", "verlening", "hulpverlening", "schuldhulp"] {
            assert!(parts.contains(&p.to_string()), "{p} in {parts:?}");
        }
        assert_eq!(d.split("jeugdhulp"), ["hulp", "jeugd"]);
    }

    #[test]
    fn decompounds_with_site_vocabulary_and_linking_sounds() {
        let d = Dictionary::new(["adviesvangers", "vangers", "ervaring", "deskundige"]);
        assert_eq!(d.split("adviesvangers"), ["advies", "vangers"]);
        assert_eq!(d.split("ervaringsdeskundige"), ["deskundige", "ervaring"]);
        assert_eq!(d.split("beroepscode"), ["beroep", "code"]);
    }

    #[test]
    fn does_not_split_non_compounds() {
        let d = Dictionary::new(["onder", "verlening", "belang"]);
        assert!(d.split("ondersteuning").is_empty());
        assert!(d.split("hulp").is_empty());
        assert!(d.split("verlening").is_empty());
        // Short words and prefixes are no parts.
        assert!(d.split("verwerking").is_empty());
    }
}
