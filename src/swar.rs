//! Byte tests eight bytes at a time, in one `u64` (SIMD within a
//! register): how the text scanners (the search tokeniser, HTML and JSON
//! escaping) skip the long clean stretches of a page without a branch per
//! byte. The crate forbids `unsafe`, so platform SIMD is out; these are
//! plain integer operations the compiler keeps in registers.
//!
//! A mask has the high bit (0x80) of each byte that passes a test. Masks
//! from [`eq`] and [`below`] are exact for their lowest set byte, which is
//! all [`first`] reads; bytes above a passing byte may show up falsely
//! (the borrow of the subtraction runs upward).

/// Every byte 0x01.
pub const LOW: u64 = 0x0101_0101_0101_0101;
/// Every byte 0x80.
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `chunk` as a little-endian `u64` (byte `k` in bits
/// `8k..8k + 8`), when it has exactly eight.
#[inline(always)]
pub fn load(chunk: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(chunk).ok().map(u64::from_le_bytes)
}

/// The bytes of `x` equal to `b`.
#[inline(always)]
pub fn eq(x: u64, b: u8) -> u64 {
    let y = x ^ (LOW * u64::from(b));
    y.wrapping_sub(LOW) & !y & HIGH
}

/// The bytes of `x` below `n` (`n` at most 0x80).
#[inline(always)]
pub fn below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(LOW * u64::from(n)) & !x & HIGH
}

/// The bytes of `x` that are at least `lo`, for `x` without high bits
/// (every byte below 0x80, so no sum carries into its neighbour). Exact
/// for every byte.
#[inline(always)]
pub fn at_least(x: u64, lo: u8) -> u64 {
    x.wrapping_add(LOW * u64::from(0x80 - lo)) & HIGH
}

/// The index of the lowest byte in `mask`, if any.
#[inline(always)]
pub fn first(mask: u64) -> Option<usize> {
    (mask != 0).then(|| (mask.trailing_zeros() / 8) as usize)
}

/// One bit per byte of `mask` (bit `k` for byte `k`), for a mask exact
/// for every byte.
#[inline(always)]
pub fn gather(mask: u64) -> u64 {
    (mask >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The position of the first byte of `bytes` that `hit` marks (eight
/// at a time, the last few one by one through the same test).
#[inline(always)]
pub fn position(bytes: &[u8], hit: impl Fn(u64) -> u64) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        if let Some(k) = load(chunk).and_then(|x| first(hit(x))) {
            return Some(at + k);
        }
        at += 8;
    }
    let rest = chunks.remainder();
    // Gathered byte by byte: a copy of a variable length would be a call
    // to memcpy for at most seven bytes.
    let padded = rest
        .iter()
        .enumerate()
        .fold(0u64, |x, (k, &b)| x | u64::from(b) << (8 * k));
    // Only the real bytes count; the padding might pass the test.
    first(hit(padded))
        .filter(|&k| k < rest.len())
        .map(|k| at + k)
}

/// How many UTF-16 code units the UTF-8 `bytes` encode, as
/// `encode_utf16().count()` would say, without decoding: every byte that
/// starts a character is one unit, and a four-byte character (lead byte
/// `0xF0` and up) is a surrogate pair, one unit more.
pub fn utf16_len(bytes: &[u8]) -> usize {
    let units = |b: u8| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0);
    let mut chunks = bytes.chunks_exact(8);
    let mut total = 0;
    // Per byte lane, the units counted so far; a lane gains at most two per
    // chunk, so it is emptied into `total` before it could pass 255.
    let (mut lanes, mut in_lanes) = (0u64, 0);
    for chunk in &mut chunks {
        let Some(x) = load(chunk) else { break };
        // A lead byte is not `10xxxxxx`; a four-byte lead is `1111xxxx`.
        let lead = !(x & !(x << 1)) & HIGH;
        let four = x & (x << 1) & (x << 2) & (x << 3) & HIGH;
        lanes += (lead >> 7) + (four >> 7);
        in_lanes += 1;
        if in_lanes == 127 {
            total += lane_sum(lanes);
            (lanes, in_lanes) = (0, 0);
        }
    }
    total + lane_sum(lanes) + chunks.remainder().iter().map(|&b| units(b)).sum::<usize>()
}

/// The sum of the eight byte lanes of `x`.
#[inline(always)]
fn lane_sum(x: u64) -> usize {
    const EVEN: u64 = 0x00FF_00FF_00FF_00FF;
    // Pairs of lanes into four 16-bit lanes (each at most 510), then those
    // summed into the top 16 bits by one multiply.
    let pairs = (x & EVEN) + ((x >> 8) & EVEN);
    (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize
}

#[cfg(test)]
mod tests {
    use super::{at_least, below, eq, gather, position, utf16_len};

    /// The UTF-16 length of every mix of one- to four-byte characters,
    /// long enough to empty the lanes more than once, at every offset.
    #[test]
    fn utf16_len_matches_encode_utf16() {
        let pieces = ["a", "ë", "–", "😀", "中", "\u{301}", " "];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in [0, 1, 7, 8, 9, 63, 64, 200, 1016, 1024, 2100, 5000] {
            let mut s = String::new();
            while s.len() < len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            for start in (0..s.len()).filter(|&i| s.is_char_boundary(i)).take(9) {
                let t = &s[start..];
                assert_eq!(
                    utf16_len(t.as_bytes()),
                    t.encode_utf16().count(),
                    "{len} {start}"
                );
            }
        }
        // All four-byte characters: every lane gains two per chunk.
        let s = "😀".repeat(2000);
        assert_eq!(utf16_len(s.as_bytes()), s.encode_utf16().count());
    }

    /// Every test against its byte-by-byte meaning, for every byte value
    /// at every position among neighbours that pass and fail.
    #[test]
    fn tests_match_byte_by_byte() {
        for b in 0..=255u8 {
            for k in 0..8 {
                for fill in [0u8, b'a', 0x7f, 0xff, b] {
                    let mut bytes = [fill; 8];
                    bytes[k] = b;
                    let x = u64::from_le_bytes(bytes);
                    let lowest = |test: &dyn Fn(u8) -> bool| bytes.iter().position(|&c| test(c));
                    let eq_b = |c: u8| c == b'<';
                    assert_eq!(
                        position(&bytes, |x| eq(x, b'<')),
                        lowest(&eq_b),
                        "{bytes:?}"
                    );
                    let below_n = |c: u8| c < 0x20;
                    assert_eq!(position(&bytes, |x| below(x, 0x20)), lowest(&below_n));
                    let ascii = x & !super::HIGH;
                    let bits = gather(at_least(ascii, b'a'));
                    for (i, &c) in bytes.iter().enumerate() {
                        assert_eq!(bits >> i & 1 == 1, (c & 0x7f) >= b'a', "{bytes:?} byte {i}");
                    }
                }
            }
        }
    }

    /// `position` finds hits in the tail shorter than eight bytes, and
    /// never in the padding after it.
    #[test]
    fn position_reads_the_tail_and_not_the_padding() {
        let text = b"abcdefghij<k";
        for len in 0..=text.len() {
            let expect = text[..len].iter().position(|&c| c == b'<');
            assert_eq!(position(&text[..len], |x| eq(x, b'<')), expect, "{len}");
            // Zero padding passes `below`; it must not count.
            assert_eq!(position(&text[..len], |x| below(x, 1)), None, "{len}");
        }
    }
}
