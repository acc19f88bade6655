//! Words as the name rules see them: letters of any script, with inner apostrophes and hyphens
//! ("O'Sullivan-Kelly", "al-Farsi"), a possessive "'s" left out.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::scanner::slice::{slice, from, upto};

/// A word of letters at `text[start..end]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word<'a> {
    pub(crate) text: &'a str,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Word<'_> {
    pub(crate) fn first_char(&self) -> char {
        self.text.chars().next().unwrap_or(' ')
    }
    pub(crate) fn is_capitalised(&self) -> bool {
        self.first_char().is_uppercase()
    }
    pub(crate) fn is_upper(&self) -> bool {
        self.text.chars().all(|c| !c.is_lowercase()) && self.text.chars().count() > 1
    }
    /// Letters of a script with no case (Han, Hangul, kana, Arabic, Hebrew, Devanagari, Thai …).
    pub(crate) fn is_caseless(&self) -> bool {
        let c = self.first_char();
        c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase()
    }
    pub(crate) fn chars(&self) -> usize {
        self.text.chars().count()
    }
    /// Calls `f` with the word in title case ("SMITH" and "smith" become "Smith"; "McDonald" stays).
    pub(crate) fn with_title<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        if self.is_capitalised() && !self.is_upper() {
            return f(self.text);
        }
        // ASCII words (most) are re-cased on the stack.
        let b = self.text.as_bytes();
        if b.len() <= 32 && b.is_ascii() {
            let mut buf = [0u8; 32];
            for (i, (slot, c)) in buf.iter_mut().zip(b).enumerate() {
                *slot = if i == 0 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
            }
            return f(std::str::from_utf8(buf.get(..b.len()).unwrap_or_default()).unwrap_or_default());
        }
        let mut s = String::with_capacity(self.text.len());
        for (i, c) in self.text.chars().enumerate() {
            if i == 0 {
                s.extend(c.to_uppercase());
            } else {
                s.extend(c.to_lowercase());
            }
        }
        // Greek: a word-final sigma is 'ς', which char-by-char lowering cannot know.
        if s.ends_with('σ') {
            s.pop();
            s.push('ς');
        }
        f(&s)
    }
    pub(crate) fn with_lower<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        let b = self.text.as_bytes();
        if b.iter().all(|c| c.is_ascii_lowercase()) {
            return f(self.text);
        }
        if b.len() <= 32 && b.is_ascii() {
            let mut buf = [0u8; 32];
            for (slot, c) in buf.iter_mut().zip(b) {
                *slot = c.to_ascii_lowercase();
            }
            return f(std::str::from_utf8(buf.get(..b.len()).unwrap_or_default()).unwrap_or_default());
        }
        f(&self.text.to_lowercase())
    }
    /// The pronoun "I" or one of its contractions ("I'll", "I’m"): never part of a name.
    pub(crate) fn is_pronoun_i(&self) -> bool {
        self.text == "I" || self.text.starts_with("I'") || self.text.starts_with("I\u{2019}")
    }
    /// True when the word, lower-cased, is one of `set`.
    pub(crate) fn is_one_of(&self, set: &[&str]) -> bool {
        if self.text.len() > 16 {
            return false;
        }
        self.with_lower(|l| set.contains(&l))
    }
}

/// Reads the word starting at `start` (which must be a char boundary), if any.
pub(crate) fn word_at(text: &str, start: usize) -> Option<Word<'_>> {
    // Fast path: an ASCII word ended by ASCII punctuation or space (most words).
    let b = text.as_bytes();
    let mut p = start;
    while b.get(p).is_some_and(u8::is_ascii_alphabetic) {
        p += 1;
    }
    if p > start && b.get(p).is_none_or(|&c| c < 0x80 && c != b'\'' && c != b'-') {
        return Some(Word { text: slice(text, start, p), start, end: p });
    }
    if !text.is_char_boundary(start) {
        return None;
    }
    let rest = from(text, start);
    let mut end = start;
    let mut prev_letter = false;
    for (i, c) in rest.char_indices() {
        if c.is_alphabetic() || (prev_letter && is_mark(c)) {
            prev_letter = true;
            end = start + i + c.len_utf8();
        } else if (c == '\'' || c == '-' || c == '\u{2019}' || c == '\u{05BE}') && prev_letter {
            prev_letter = false;
        } else {
            break;
        }
    }
    // A possessive is not part of the name: "Jane Doe's SSN".
    for suffix in ["'s", "\u{2019}s"] {
        if slice(text, start, end).ends_with(suffix) && end - start > suffix.len() + 1 {
            end -= suffix.len();
        }
    }
    (end > start).then(|| Word { text: slice(text, start, end), start, end })
}

/// Han, Hangul or kana: scripts that write a full name as one run of characters, family name first.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x9FFF | 0xAC00..=0xD7AF)
}

/// Combining marks (Devanagari vowel signs, decomposed accents): part of the word they follow.
pub(crate) fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0B82..=0x0BCD | 0x0C00..=0x0C4D | 0x0E31..=0x0E4E | 0x064B..=0x065F)
}

pub(crate) fn is_word_start(text: &str, i: usize) -> bool {
    upto(text, i).chars().next_back().is_none_or(|c| !c.is_alphanumeric() && c != '\'' && c != '_')
}

/// The next word after `end`, separated by exactly one space (names do not span punctuation).
pub(crate) fn next_word(text: &str, end: usize) -> Option<Word<'_>> {
    let b = text.as_bytes();
    if b.get(end) != Some(&b' ') {
        return None;
    }
    word_at(text, end + 1)
}

/// The word that ends right before `start` (one space between), if any.
pub(crate) fn prev_word(text: &str, start: usize) -> Option<Word<'_>> {
    let b = text.as_bytes();
    if start.checked_sub(1).and_then(|p| b.get(p)) != Some(&b' ') {
        return None;
    }
    word_ending_at(text, start - 1)
}

/// The word that ends exactly at `end`, if any.
pub(crate) fn word_ending_at(text: &str, end: usize) -> Option<Word<'_>> {
    let mut s = end;
    for (i, c) in upto(text, end).char_indices().rev() {
        if c.is_alphabetic() || is_mark(c) || c == '\'' || c == '-' || c == '\u{2019}' {
            s = i;
        } else {
            break;
        }
    }
    if s == end {
        return None;
    }
    let w = word_at(text, s)?;
    (w.end == end).then_some(w)
}

/// A single capital letter followed by '.', as in "J. Smith": returns the end after the dot.
pub(crate) fn initial_at(text: &str, w: &Word) -> Option<usize> {
    (w.chars() == 1 && w.is_capitalised() && text.as_bytes().get(w.end) == Some(&b'.')).then_some(w.end + 1)
}
