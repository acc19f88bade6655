//! Fast skipping to the next byte that can start a candidate.
//!
//! Every identifier contains an ASCII digit and every name starts with an upper-case letter (or a
//! non-ASCII letter), so the scanner spends most of its time skipping bytes that are neither. `memchr`
//! searches for at most three byte values, and a `regex` class search costs a DFA step per byte, so
//! this module classifies 8 bytes per step with a SWAR range test, in safe code.

const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HI: u64 = 0x8080_8080_8080_8080;

/// Sets the high bit of each byte of `x` that is in the ASCII range `lo..=hi` (both < 0x80).
#[inline(always)]
fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    let y = x & LO7;
    let ge_lo = y.wrapping_add(u64::from(0x80 - lo) * 0x0101_0101_0101_0101);
    let gt_hi = y.wrapping_add(u64::from(0x7f - hi) * 0x0101_0101_0101_0101);
    ge_lo & !gt_hi & !x & HI
}

/// The 8 bytes at `hay[i..]` as a little-endian word (zero past the end; the callers read only
/// whole words).
#[inline(always)]
fn word(hay: &[u8], i: usize) -> u64 {
    let b: [u8; 8] = hay.get(i..i + 8).and_then(|w| w.try_into().ok()).unwrap_or_default();
    u64::from_le_bytes(b)
}

/// Position of the first ASCII digit in `hay[from..]`.
#[inline]
pub(super) fn next_digit(hay: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 8 <= hay.len() {
        let m = in_range(word(hay, i), b'0', b'9');
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    hay.get(i..).unwrap_or_default().iter().position(u8::is_ascii_digit).map(|p| i + p)
}

/// Position of the first byte in `hay[from..]` that is an ASCII upper-case letter or not ASCII
/// (a non-ASCII letter may be upper case).
#[inline]
pub(super) fn next_upper_or_non_ascii(hay: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 8 <= hay.len() {
        let x = word(hay, i);
        let m = in_range(x, b'A', b'Z') | (x & HI);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    hay.get(i..).unwrap_or_default().iter().position(|b| b.is_ascii_uppercase() || *b >= 0x80).map(|p| i + p)
}

/// True when `hay` holds an ASCII digit or a space: without either, a string can hold neither an
/// identifier (every one has a digit) nor a full name (two words).
#[inline]
pub(crate) fn has_digit_or_space(hay: &[u8]) -> bool {
    let mut chunks = hay.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        if in_range(x, b'0', b'9') | in_range(x, b' ', b' ') != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|b| b.is_ascii_digit() || *b == b' ')
}

/// True when every byte of `hay` is an ASCII hex digit (8 bytes per step; SIDs carry 32 of them).
#[inline]
pub(super) fn all_hex(hay: &[u8]) -> bool {
    let mut chunks = hay.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        let ok = in_range(x, b'0', b'9') | in_range(x, b'a', b'f') | in_range(x, b'A', b'F');
        if ok != HI {
            return false;
        }
    }
    chunks.remainder().iter().all(u8::is_ascii_hexdigit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn digit_matches_naive(hay in proptest::collection::vec(any::<u8>(), 0..64), from in 0usize..64) {
            let from = from.min(hay.len());
            let naive = hay[from..].iter().position(u8::is_ascii_digit).map(|p| p + from);
            prop_assert_eq!(next_digit(&hay, from), naive);
        }

        #[test]
        fn digit_or_space_matches_naive(hay in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(has_digit_or_space(&hay), hay.iter().any(|b| b.is_ascii_digit() || *b == b' '));
        }

        #[test]
        fn hex_matches_naive(hay in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(all_hex(&hay), hay.iter().all(u8::is_ascii_hexdigit));
        }

        #[test]
        fn upper_matches_naive(hay in proptest::collection::vec(any::<u8>(), 0..64), from in 0usize..64) {
            let from = from.min(hay.len());
            let naive = hay[from..].iter().position(|b| b.is_ascii_uppercase() || *b >= 0x80).map(|p| p + from);
            prop_assert_eq!(next_upper_or_non_ascii(&hay, from), naive);
        }
    }
}
