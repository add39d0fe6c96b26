//! Text held compressed in memory: page bodies (HTML and plain text)
//! between parsing and the stages that read them. The only lz4_flex user.
//!
//! Bodies are most of what a large site holds while it builds (1.6 GB of
//! the 2.5 GB a 100,000-page site needs before rendering). Each is read
//! once or twice after parsing (rendering, the search index), so they wait
//! compressed: LZ4 halves them and unpacks at gigabytes per second. The
//! packing is deterministic, so two `Packed` are equal exactly when their
//! texts are.

use std::fmt;

/// A string, LZ4-compressed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Packed {
    /// LZ4 block with the text's length prepended; empty for `""`.
    bytes: Box<[u8]>,
    /// The text's length in bytes.
    len: usize,
}

impl Packed {
    /// Pack `text`.
    pub fn new(text: &str) -> Packed {
        if text.is_empty() {
            return Packed::default();
        }
        Packed {
            bytes: lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice(),
            len: text.len(),
        }
    }

    /// The text. Only `Packed::new` makes the bytes, so they always unpack
    /// to the UTF-8 they were made from; were they ever damaged, the text
    /// would come back empty rather than bring the build down.
    pub fn unpack(&self) -> String {
        if self.bytes.is_empty() {
            return String::new();
        }
        lz4_flex::decompress_size_prepended(&self.bytes)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held for the text.
    pub fn packed_len(&self) -> usize {
        self.bytes.len()
    }
}

impl fmt::Debug for Packed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Packed({:?})", self.unpack())
    }
}

#[cfg(test)]
mod tests {
    use super::Packed;

    /// Texts come back byte for byte, equal texts pack equal and different
    /// ones do not, and repetitive HTML takes less room.
    #[test]
    fn packs_and_unpacks_exactly() {
        let html = "<p>Een <a href=\"\u{0}1\">buurtgerichte</a> aanpak.</p>\n".repeat(200);
        for text in ["", "a", "ĳsbeer — café ☕", html.as_str()] {
            let p = Packed::new(text);
            assert_eq!(p.unpack(), text);
            assert_eq!(p.len(), text.len());
            assert_eq!(p, Packed::new(text));
            assert_ne!(p, Packed::new(&format!("{text}!")));
        }
        assert!(Packed::new(&html).packed_len() * 4 < html.len());
    }
}
