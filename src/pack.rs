//! Text that may be held compressed in memory: page bodies (HTML and plain
//! text) between parsing and the stages that read them. The only lz4_flex
//! user.
//!
//! Bodies are most of what a large site holds while it builds (1.6 GB of
//! the 2.5 GB a 100,000-page site needs before rendering). Each is read
//! once or twice after parsing (rendering, the search index), so on a large
//! site they wait compressed: LZ4 halves them and unpacks at gigabytes per
//! second. Packing is not free, though (a tenth of a 10,000-page build's
//! CPU), so a build packs only the bodies beyond a budget (see
//! `build::Parsed::pack_beyond`) and a `Packed` starts out plain. Either
//! way it holds the same text: equality and every output ignore the form.

use std::borrow::Cow;
use std::fmt;

/// A string, held as it is or LZ4-compressed.
#[derive(Clone)]
pub struct Packed(Form);

#[derive(Clone)]
enum Form {
    Plain(Box<str>),
    /// An LZ4 block with the text's length prepended; `len` is that length.
    Lz4 {
        bytes: Box<[u8]>,
        len: usize,
    },
}

impl Default for Packed {
    fn default() -> Packed {
        Packed(Form::Plain(Box::default()))
    }
}

impl Packed {
    /// Hold `text` as it is.
    pub fn new(text: String) -> Packed {
        Packed(Form::Plain(text.into_boxed_str()))
    }

    /// Compress the text in place (no-op when it already is, or is empty).
    pub fn pack(&mut self) {
        if let Form::Plain(text) = &self.0
            && !text.is_empty()
        {
            self.0 = Form::Lz4 {
                bytes: lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice(),
                len: text.len(),
            };
        }
    }

    /// The text. Only `pack` makes the compressed bytes, so they always
    /// unpack to the UTF-8 they were made from; were they ever damaged, the
    /// text would come back empty rather than bring the build down.
    pub fn unpack(&self) -> Cow<'_, str> {
        match &self.0 {
            Form::Plain(text) => Cow::Borrowed(text),
            Form::Lz4 { bytes, .. } => Cow::Owned(
                lz4_flex::decompress_size_prepended(bytes)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .unwrap_or_default(),
            ),
        }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        match &self.0 {
            Form::Plain(text) => text.len(),
            Form::Lz4 { len, .. } => *len,
        }
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held for the text.
    pub fn held_len(&self) -> usize {
        match &self.0 {
            Form::Plain(text) => text.len(),
            Form::Lz4 { bytes, .. } => bytes.len(),
        }
    }
}

/// Equal when the texts are, whatever their forms. LZ4 here is
/// deterministic, so two packed forms can be compared as bytes.
impl PartialEq for Packed {
    fn eq(&self, other: &Packed) -> bool {
        match (&self.0, &other.0) {
            (Form::Plain(a), Form::Plain(b)) => a == b,
            (Form::Lz4 { bytes: a, .. }, Form::Lz4 { bytes: b, .. }) => a == b,
            _ => self.len() == other.len() && self.unpack() == other.unpack(),
        }
    }
}

impl Eq for Packed {}

impl fmt::Debug for Packed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Packed({:?})", self.unpack())
    }
}

#[cfg(test)]
mod tests {
    use super::Packed;

    fn packed(text: &str) -> Packed {
        let mut p = Packed::new(text.to_string());
        p.pack();
        p
    }

    /// Texts come back byte for byte in either form, equal texts are equal
    /// across forms and different ones are not, and repetitive HTML takes
    /// less room packed.
    #[test]
    fn packs_and_unpacks_exactly() {
        let html = "<p>Een <a href=\"\u{0}1\">buurtgerichte</a> aanpak.</p>\n".repeat(200);
        for text in ["", "a", "ĳsbeer — café ☕", html.as_str()] {
            let plain = Packed::new(text.to_string());
            let p = packed(text);
            for form in [&plain, &p] {
                assert_eq!(form.unpack(), text);
                assert_eq!(form.len(), text.len());
                assert_eq!(*form, plain);
                assert_eq!(*form, p);
                assert_ne!(*form, packed(&format!("{text}!")));
                assert_ne!(*form, Packed::new(format!("{text}!")));
            }
        }
        assert_eq!(Packed::new(html.clone()).held_len(), html.len());
        assert!(packed(&html).held_len() * 4 < html.len());
    }
}
