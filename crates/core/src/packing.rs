//! Words packed into two integers: the keys of the word tables ([`crate::lexicon`],
//! [`crate::wordclass`]), and of the first-name table `build.rs` generates (which
//! includes this file, so that both pack alike).

/// `x` with its ASCII capitals lowercased, 8 bytes at a time (every byte below 0x80).
#[inline]
pub(crate) fn ascii_lower8(x: u64) -> u64 {
    const L: u64 = 0x0101_0101_0101_0101;
    // bit 7 of each byte: the byte is >= c (no carries: 127 + 128 < 256)
    let ge = |c: u8| x.wrapping_add((0x80 - c as u64) * L);
    x | ((ge(b'A') & !ge(b'Z' + 1) & (L << 7)) >> 2)
}

/// A word of at most 15 ASCII bytes, lowercased and packed into two integers (bytes
/// 0–14, then its length in the top byte): the key of `lexicon`'s `PackedMap`.
pub(crate) type Packed = (u64, u64);

/// `word` lowercased and packed ([`Packed`]), or `None` when it is longer than 15 bytes
/// or not ASCII.
#[inline]
pub(crate) fn pack_lower(word: &str) -> Option<Packed> {
    pack_lower_bytes(word.as_bytes())
}

/// [`pack_lower`] of the bytes of a word (`None` for bytes that are not ASCII).
#[inline]
pub(crate) fn pack_lower_bytes(b: &[u8]) -> Option<Packed> {
    let n = b.len();
    // bytes 0-7 and 8-14 as little-endian integers, from two (overlapping) loads of the
    // word's head and tail: no byte loop, no copy into a buffer
    let (lo, hi) = match n {
        0 => (0, 0),
        1 => (b[0] as u64, 0),
        2..=3 => (le2(b) | le2(&b[n - 2..]) << (8 * (n - 2)), 0),
        4..=7 => (le4(b) | le4(&b[n - 4..]) << (8 * (n - 4)), 0),
        8 => (le8(b), 0),
        9..=15 => (le8(b), le8(&b[n - 8..]) >> (8 * (16 - n))),
        _ => return None,
    };
    let hi = hi | (n as u64) << 56;
    ((lo | hi) & 0x8080_8080_8080_8080 == 0).then(|| (ascii_lower8(lo), ascii_lower8(hi)))
}

/// The first 2 bytes of `b` (at least 2 long) as a little-endian integer.
#[inline(always)]
fn le2(b: &[u8]) -> u64 {
    b.first_chunk::<2>()
        .map_or(0, |c| u16::from_le_bytes(*c) as u64)
}

/// The first 4 bytes of `b` (at least 4 long) as a little-endian integer.
#[inline(always)]
fn le4(b: &[u8]) -> u64 {
    b.first_chunk::<4>()
        .map_or(0, |c| u32::from_le_bytes(*c) as u64)
}

/// The first 8 bytes of `b` (at least 8 long) as a little-endian integer.
#[inline(always)]
fn le8(b: &[u8]) -> u64 {
    b.first_chunk::<8>().map_or(0, |c| u64::from_le_bytes(*c))
}
