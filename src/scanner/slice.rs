//! Slicing text at computed byte offsets without panicking.
//!
//! The detectors work on bytes (ASCII cues, digits, SWAR scans) and compute offsets such as "200 bytes
//! back" or "one past the dash". In text with emoji, CJK, Devanagari, Arabic or no-break spaces such
//! an offset can fall inside a character, and `&text[a..b]` then panics: the record goes unscanned.
//! Every slice of a `&str` at a computed offset in the scanner goes through these helpers, and the
//! `clippy::string_slice` lint (denied in `scanner` and `correlate`) keeps it so.
//!
//! The helpers widen a range to the characters it touches (start down, end up, both clamped to the
//! text): on offsets that are already boundaries, which is every offset a detector reports for ASCII
//! text, they return exactly `&text[a..b]`.

/// `text[start..end]`, widened to whole characters and clamped to the text; empty when `start` is
/// past `end`.
#[inline]
pub(crate) fn slice(text: &str, start: usize, end: usize) -> &str {
    // The common case costs what `&text[start..end]` costs; the widening is out of line.
    match text.get(start..end) {
        Some(s) => s,
        None => widened(text, start, end),
    }
}

#[cold]
#[inline(never)]
fn widened(text: &str, start: usize, end: usize) -> &str {
    let s = text.floor_char_boundary(start);
    let e = text.ceil_char_boundary(end);
    text.get(s..e.max(s)).unwrap_or_default()
}

/// `text[start..]`, from the start of the character that holds `start` (empty past the end).
#[inline]
pub(crate) fn from(text: &str, start: usize) -> &str {
    match text.get(start..) {
        Some(s) => s,
        None => widened(text, start, text.len()),
    }
}

/// `text[..end]`, to the end of the character that holds `end - 1` (the whole text past the end).
#[inline]
pub(crate) fn upto(text: &str, end: usize) -> &str {
    match text.get(..end) {
        Some(s) => s,
        None => widened(text, 0, end),
    }
}

/// The byte before offset `i`, if there is one (`None` at the start or past the end).
#[inline]
pub(crate) fn byte_before(b: &[u8], i: usize) -> Option<u8> {
    i.checked_sub(1).and_then(|p| b.get(p)).copied()
}

/// The byte at offset `i`, if there is one.
#[inline]
pub(crate) fn byte_at(b: &[u8], i: usize) -> Option<u8> {
    b.get(i).copied()
}

/// `start` moved back to the nearest character boundary at or before it (the text's length past the
/// end).
#[inline]
pub(crate) fn floor(text: &str, start: usize) -> usize {
    text.floor_char_boundary(start)
}

/// `end` moved on to the nearest character boundary at or after it (the text's length past the end).
#[inline]
pub(crate) fn ceil(text: &str, end: usize) -> usize {
    text.ceil_char_boundary(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_kept_and_inner_offsets_widened() {
        let t = "ab🙏cd"; // 🙏 is bytes 2..6
        assert_eq!(slice(t, 0, 2), "ab");
        assert_eq!(slice(t, 3, 5), "🙏");
        assert_eq!(slice(t, 1, 3), "b🙏");
        assert_eq!(slice(t, 5, 99), "🙏cd");
        assert_eq!(slice(t, 7, 3), "");
        assert_eq!(slice(t, 50, 60), "");
        assert_eq!(from(t, 4), "🙏cd");
        assert_eq!(from(t, 99), "");
        assert_eq!(upto(t, 3), "ab🙏");
        assert_eq!(upto(t, 99), t);
        assert_eq!(floor(t, 5), 2);
        assert_eq!(floor(t, 99), t.len());
    }

    #[test]
    fn every_offset_pair_of_mixed_text_slices_without_panicking() {
        let t = "\u{a0}Zoë 王小明 नमस्ते 👨\u{200d}👩\u{200d}👧 مرحبا e\u{301}";
        for a in 0..=t.len() + 2 {
            for b in 0..=t.len() + 2 {
                let s = slice(t, a, b);
                assert!(s.len() <= t.len());
                let _ = (from(t, a), upto(t, b), floor(t, a));
            }
        }
    }
}
