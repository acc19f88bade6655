//! A normalised view of a text for the identifier rules: full-width digits become ASCII digits,
//! non-breaking, thin and ideographic spaces become spaces, en/em/figure dashes and minus signs become
//! hyphens, a line break between two digit groups becomes a space (a card number split over two
//! lines of one message), an emoji becomes a space between the words or digits it stands between
//! ("Maya 🌸 Thompson", "4802 🤞 1195"), and a keycap digit ("2️⃣") its digit. The name rules read
//! the same view. Offsets found in the view map back to the original text, so findings keep
//! exact spans in what was written.
//!
//! Built only when a text needs it (non-ASCII typography, or a digit, a line break and a digit), so
//! plain ASCII text pays one `is_ascii` check and one `memchr` for a line break.

use crate::scanner::slice::{from};

/// The normalised text and, for each of its bytes (and its end), the offset in the original.
pub(crate) struct View {
    pub(crate) text: String,
    map: Vec<u32>,
    /// For each byte, the end of what it was read from, when that is not where the next byte's
    /// source starts (a digit read from a word: the spoken view). Empty otherwise.
    ends: Vec<u32>,
}

impl View {
    /// A view whose bytes each come from `starts[i]..ends[i]` of the original (`starts` has one
    /// more entry: the original's length).
    pub(crate) fn with_ends(text: String, starts: Vec<u32>, ends: Vec<u32>) -> View {
        debug_assert_eq!(starts.len(), text.len() + 1);
        debug_assert_eq!(ends.len(), text.len());
        View { text, map: starts, ends }
    }

    /// The original offset of view offset `i`, as the start of a span.
    pub(crate) fn original(&self, i: usize) -> usize {
        // Past the view's end: the original's end.
        self.map.get(i).or(self.map.last()).map_or(0, |&o| o as usize)
    }

    /// The original offset of view offset `i`, as the end of a span: the end of what the byte
    /// before it was read from.
    pub(crate) fn original_end(&self, i: usize) -> usize {
        match i.checked_sub(1).and_then(|p| self.ends.get(p).or(self.ends.last())) {
            Some(&e) => e as usize,
            None => self.original(i),
        }
    }

    /// This view read through `outer` (a view of the original this view was made from): offsets
    /// map straight to the original.
    pub(crate) fn through(self, outer: &View) -> View {
        let map = self.map.iter().map(|&i| outer.original(i as usize) as u32).collect();
        let ends = (1..=self.text.len()).map(|i| outer.original_end(self.original_end(i)) as u32).collect();
        View { text: self.text, map, ends }
    }
}

/// What a character becomes in the view, if it changes.
fn replacement(c: char) -> Option<char> {
    match c {
        '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + u32::from(b'0')),
        '\u{00A0}' | '\u{2007}' | '\u{2009}' | '\u{200A}' | '\u{202F}' | '\u{3000}' | '\u{2002}' | '\u{2003}' => Some(' '),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' | '\u{FF0D}' | '\u{FE63}' => Some('-'),
        '\u{FF0E}' => Some('.'),
        _ => None,
    }
}

/// Emoji and pictographs (U+2600-27BF, U+1F000-1FAFF): a space between the words and digits they
/// stand between ("Maya 🌸 Thompson", "4802 🤞 1195").
fn pictograph(c: char) -> bool {
    matches!(c as u32, 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x1F000..=0x1FAFF)
}

/// Parts of an emoji that are nothing by themselves: variation selectors, the zero-width joiner,
/// the keycap mark ("2️⃣" is the digit 2), tag characters.
fn emoji_part(c: char) -> bool {
    matches!(c as u32, 0xFE0E | 0xFE0F | 0x200D | 0x20E3 | 0xE0020..=0xE007F)
}

/// True when a line break stands between digits ("4111 1111\n1111 1111").
fn digit_line_break(b: &[u8]) -> bool {
    memchr::memchr_iter(b'\n', b).any(|i| {
        let before = b.get(..i).unwrap_or_default().iter().rev().find(|c| **c != b'\r' && **c != b' ');
        let after = b.get(i + 1..).unwrap_or_default().iter().find(|c| **c != b' ');
        before.is_some_and(u8::is_ascii_digit) && after.is_some_and(u8::is_ascii_digit)
    })
}

/// The view of `text`, or `None` when it would be the text itself.
pub(crate) fn normalise(text: &str) -> Option<View> {
    let b = text.as_bytes();
    // Every replaced character's UTF-8 form starts with 0xC2, 0xE2, 0xE3, 0xEF or (emoji) 0xF0:
    // texts with accents only (0xC3, 0xC5 …) are not walked character by character.
    let typography = (memchr::memchr3(0xC2, 0xE2, 0xEF, b).is_some() || memchr::memchr2(0xE3, 0xF0, b).is_some())
        && text.chars().any(|c| replacement(c).is_some() || pictograph(c) || emoji_part(c));
    let breaks = memchr::memchr(b'\n', b).is_some() && digit_line_break(b);
    if !typography && !breaks {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut chars = text.char_indices().peekable();
    // The character before was an emoji read as a space: a space after it is the same gap.
    let mut after_symbol = false;
    while let Some((i, c)) = chars.next() {
        if emoji_part(c) {
            continue;
        }
        if pictograph(c) || c == ' ' && after_symbol {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
                map.push(i as u32);
            }
            after_symbol = true;
            continue;
        }
        after_symbol = false;
        let r = replacement(c).or_else(|| {
            // "1111\n1111", "1111\r\n1111", "1111 \n 1111": one space for the break and its blanks.
            if c == '\n' || c == '\r' {
                let prev_digit = out.trim_end_matches(' ').ends_with(|d: char| d.is_ascii_digit());
                let next_digit = from(text, i + 1).trim_start_matches(['\n', ' ']).starts_with(|d: char| d.is_ascii_digit());
                // Digits run on without separators on both sides ("44079468\n43477618"): join them;
                // otherwise the break stands for a space.
                let run_before = out.bytes().rev().take_while(u8::is_ascii_digit).count();
                let run_after = from(text, i + 1).bytes().take_while(u8::is_ascii_digit).count();
                if prev_digit && next_digit && run_before >= 6 && run_after >= 6 {
                    return Some('\u{0}');
                }
                (prev_digit && next_digit).then_some(' ')
            } else {
                None
            }
        });
        match r {
            Some(' ') if out.ends_with(' ') && (c == '\n' || c == '\r') => {}
            Some('\u{0}') => {}
            Some(r) => {
                out.push(r);
                map.push(i as u32);
            }
            None => {
                out.push(c);
                for k in 0..c.len_utf8() {
                    map.push((i + k) as u32);
                }
            }
        }
        // A space before the break is kept once: drop it from the view if the break made another.
        let _ = chars.peek();
    }
    map.push(text.len() as u32);
    Some(View { text: out, map, ends: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_back() {
        let t = "SSN １２３–４５–６７８９ ok";
        let v = normalise(t).unwrap();
        assert_eq!(v.text, "SSN 123-45-6789 ok");
        let (s, e) = (4, 15);
        assert_eq!(&t[v.original(s)..v.original(e)], "１２３–４５–６７８９");
        assert!(normalise("plain text 123").is_none());
        let v = normalise("card 4111 1111\n1111 1111").unwrap();
        assert_eq!(v.text, "card 4111 1111 1111 1111");
        assert!(normalise("line one\nline two").is_none());
        let t = "card 44079468\n43477618 ok";
        let v = normalise(t).unwrap();
        assert_eq!(v.text, "card 4407946843477618 ok");
        assert_eq!(&t[v.original(5)..v.original(21)], "44079468\n43477618");
    }

    #[test]
    fn emoji_are_gaps_and_keycaps_digits() {
        let t = "✨Nia✨Okoro✨ 4802 🤞 1195 💳 ok";
        let v = normalise(t).unwrap();
        assert_eq!(v.text, "Nia Okoro 4802 1195 ok");
        let s = v.text.find("Okoro").unwrap();
        assert_eq!(&t[v.original(s)..v.original(s + 5)], "Okoro");
        let t = "his social is 2️⃣1️⃣9️⃣-5️⃣7️⃣ 👨‍👩‍👧";
        let v = normalise(t).unwrap();
        assert_eq!(v.text, "his social is 219-57 ");
        assert_eq!(&t[v.original(14)..v.original(20)], "2️⃣1️⃣9️⃣-5️⃣7️⃣");
    }
}
