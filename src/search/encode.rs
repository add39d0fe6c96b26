//! The binary encoding of the search index, mirrored by the reader in
//! `themes/default/static/search.js`.
//!
//! Everything is a sequence of LEB128 varints and length-prefixed UTF-8
//! strings. A *doc set* is either a list of gaps or, when that is larger, a
//! bitmap over all documents; whichever is smaller is written, so the
//! posting list of a word on every page costs one bit per page. Files are
//! named by a hash of their bytes, so browsers can cache them forever and a
//! rebuilt index never mixes with a cached old shard.

/// A growing byte buffer with the index's primitive writers.
#[derive(Default)]
pub struct Writer {
    /// The bytes written so far.
    pub bytes: Vec<u8>,
}

impl Writer {
    /// An unsigned LEB128 varint.
    pub fn varint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.bytes.push(byte);
                return;
            }
            self.bytes.push(byte | 0x80);
        }
    }

    /// A length-prefixed UTF-8 string.
    pub fn string(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }

    /// A sorted set of document ids out of `n_docs`: header `len * 2 +
    /// bitmap`, then gaps or a bitmap.
    pub fn doc_set(&mut self, docs: &[u32], n_docs: usize) {
        let bitmap_len = n_docs.div_ceil(8);
        let mut gaps = Writer::default();
        let mut prev: Option<u32> = None;
        for &d in docs {
            gaps.varint(u64::from(prev.map_or(d, |p| d - p - 1)));
            prev = Some(d);
        }
        let use_bitmap = !docs.is_empty() && bitmap_len < gaps.bytes.len();
        self.varint(docs.len() as u64 * 2 + u64::from(use_bitmap));
        if use_bitmap {
            let mut bits = vec![0u8; bitmap_len];
            for &d in docs {
                let d = d as usize;
                if let Some(b) = bits.get_mut(d / 8) {
                    *b |= 1 << (d % 8);
                }
            }
            self.bytes.extend_from_slice(&bits);
        } else {
            self.bytes.extend_from_slice(&gaps.bytes);
        }
    }

    /// A posting list: the doc set, then one impact byte per document.
    pub fn postings(&mut self, postings: &[(u32, u8)], n_docs: usize) {
        let docs: Vec<u32> = postings.iter().map(|&(d, _)| d).collect();
        self.doc_set(&docs, n_docs);
        self.bytes.extend(postings.iter().map(|&(_, i)| i));
    }
}

/// FNV-1a, 64 bits: a stable content hash for file names (not security).
pub fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Group consecutive entries into chunks of about `target` bytes: an entry
/// larger than `target` gets a chunk of its own. Returns the index of each
/// chunk's first entry.
pub fn chunk_starts(sizes: &[usize], target: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut current = 0usize;
    for (i, &size) in sizes.iter().enumerate() {
        if starts.is_empty() || (current > 0 && current + size > target) {
            starts.push(i);
            current = 0;
        }
        current += size;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_leb128() {
        let mut w = Writer::default();
        w.varint(0);
        w.varint(127);
        w.varint(128);
        w.varint(300);
        assert_eq!(w.bytes, [0, 127, 0x80, 1, 0xac, 2]);
    }

    #[test]
    fn doc_sets_pick_the_smaller_form() {
        let mut sparse = Writer::default();
        sparse.doc_set(&[3, 900], 1000);
        assert_eq!(sparse.bytes, [4, 3, 0x80, 7]);
        let mut dense = Writer::default();
        let all: Vec<u32> = (0..16).collect();
        dense.doc_set(&all, 16);
        assert_eq!(dense.bytes, [33, 0xff, 0xff]);
    }

    #[test]
    fn chunks_respect_the_target() {
        assert_eq!(chunk_starts(&[5, 5, 5, 20, 1, 1], 10), [0, 2, 3, 4]);
        assert_eq!(chunk_starts(&[], 10), Vec::<usize>::new());
    }
}
