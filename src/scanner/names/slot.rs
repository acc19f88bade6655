//! A name standing alone in its own part of a message: two words with nothing but a message's
//! structure around them, the start or end of the text or of a line, punctuation that ends a
//! part (`:` `,` `/` `;` `|` a dash, a bracket, a quote) or a number; or after a sign-off word at
//! such a place ("xo maren holt", "ty -j vasquez", where an initial needs no dot).
//!
//! People put their name in such a slot when they send it with a number ("omar frost 238-71-…",
//! "felix moss / license: …", "rtn … chk … - sandra kim", "sender: נועה כהן", "प्रिया शर्मा — DL
//! …"). The slot is the evidence that capitalisation and a cue give elsewhere, so the words may be
//! lower case and everyday words ("joy green", "r. king"), as long as they are a listed first name
//! (or an initial) and a listed surname. In a text mostly in Latin letters, two words of a script
//! without case (Hebrew, Arabic, Devanagari, Bengali, Tamil, Thai, kana …) in a slot are a name in
//! that script; Greek, Cyrillic, Han and Hangul names are read by [`super::script`].
//!
//! Names are only looked for in strings that hold an identifier (or everywhere in conversation
//! mode), so a pair such as "will pay" in a slot costs a combination only beside a number, and
//! only when "pay" were a listed surname.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::word::{word_at, Word};
use super::{cued, negative_evidence, parts, Run};
use crate::scanner::{Detector, Inner, Kind, Match};

/// A script written without case whose words a name in a slot may be made of.
fn caseless_script(c: char) -> Option<u8> {
    Some(match c as u32 {
        0x0590..=0x05FF => 1,                   // Hebrew
        0x0600..=0x06FF | 0x0750..=0x077F => 2, // Arabic
        0x0900..=0x097F => 3,                   // Devanagari
        0x0980..=0x09FF => 4,                   // Bengali
        0x0A00..=0x0A7F => 5,                   // Gurmukhi
        0x0A80..=0x0AFF => 6,                   // Gujarati
        0x0B80..=0x0BFF => 7,                   // Tamil
        0x0C00..=0x0C7F => 8,                   // Telugu
        0x0E00..=0x0E7F => 9,                   // Thai
        0x3040..=0x30FF => 10,                  // kana
        0x10A0..=0x10FF => 11,                  // Georgian
        0x1200..=0x137F => 12,                  // Ethiopic
        _ => return None,
    })
}

/// The script of a word when all its letters are of one caseless script.
fn word_script(w: &Word) -> Option<u8> {
    let mut script = None;
    for c in w.text.chars().filter(|c| c.is_alphabetic()) {
        let s = caseless_script(c)?;
        if script.is_some_and(|x| x != s) {
            return None;
        }
        script = Some(s);
    }
    script
}

/// Sign-off words after which a name ends a message ("xo penelope grant", "ty -j vasquez").
pub(super) const SIGN_OFFS: &[&str] = &[
    "xo",
    "xoxo",
    "ty",
    "thx",
    "thanks",
    "cheers",
    "regards",
    "love",
    "best",
    "sincerely",
    "gracias",
    "saludos",
];

/// True when the byte at `at` (after spaces) ends the part, or the text ends.
fn closes(b: &[u8], at: usize) -> bool {
    let mut i = at;
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    match b.get(i) {
        None => true,
        // A full stop ends the part at the end of the text or a line, or before a number.
        Some(b'.' | b'!') => b.get(i + 1).is_none_or(|&c| {
            matches!(c, b'\n' | b'\r') || c == b' ' && b.get(i + 2).is_some_and(u8::is_ascii_digit)
        }),
        Some(&c) => delimiter(c) || c.is_ascii_digit() || c >= 0x80 && dash_or_symbol_after(b, i),
    }
}

/// A full stop right at `at` that ends a sentence: a space and a capital after it.
fn own_sentence(b: &[u8], at: usize) -> bool {
    b.get(at) == Some(&b'.') && b.get(at + 1) == Some(&b' ') && b.get(at + 2).is_some_and(u8::is_ascii_uppercase)
}

/// Bytes after which a part of a message may start: the delimiters and digits (a table: this is
/// read for every byte of every string the name rules read).
#[allow(
    clippy::indexing_slicing,
    reason = "a const loop over 0..256 into a table of 256"
)]
static STARTS_PART: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = delimiter(c as u8) || (c as u8).is_ascii_digit();
        c += 1;
    }
    t
};

const fn delimiter(c: u8) -> bool {
    matches!(
        c,
        b'\n'
            | b'\r'
            | b':'
            | b','
            | b'/'
            | b';'
            | b'|'
            | b'('
            | b')'
            | b'['
            | b']'
            | b'-'
            | b'~'
            | b'#'
            | b'\''
            | b'"'
    )
}

/// An en or em dash, or a symbol, starting at `i`.
fn dash_or_symbol_after(b: &[u8], i: usize) -> bool {
    let s = b.get(i..).unwrap_or_default();
    let n = s.len().min(4);
    (1..=n)
        .rev()
        .find_map(|k| std::str::from_utf8(s.get(..k)?).ok())
        .and_then(|t| t.chars().next())
        .is_some_and(symbol)
}

fn symbol(c: char) -> bool {
    matches!(c, '\u{2013}' | '\u{2014}' | '\u{2022}' | '\u{00B7}')
        || matches!(c as u32, 0x2190..=0x21FF | 0x2600..=0x27BF | 0x1F000..=0x1FAFF)
}

/// Names standing alone in a slot, appended to `out` unless they overlap a name found before.
pub(super) fn scan(sc: &Inner, text: &str, out: &mut Vec<Match>, first: usize) {
    let b = text.as_bytes();
    if b.len() > 4096 || memchr::memchr(b' ', b).is_none() {
        return;
    }
    // Latin letters in the text, counted only when a pair in a caseless script needs it.
    let latin = || b.iter().filter(|c| c.is_ascii_alphabetic()).count();
    // Only where a part of the message starts: the text's start and after each delimiter or
    // number (most words of a text are not there, so most are never read).
    let mut next = 0;
    while next < b.len() {
        let mut s = next;
        // The next place a part starts, for the next round.
        next = (s..b.len())
            .find(|&i| {
                b.get(i)
                    .is_some_and(|&c| STARTS_PART.get(usize::from(c)).copied().unwrap_or(false))
            })
            .map_or(b.len(), |i| {
                let mut e = i + 1;
                while b.get(e).is_some_and(u8::is_ascii_digit) {
                    e += 1;
                }
                e
            });
        while matches!(b.get(s), Some(b' ' | b'-' | b'.' | b'\t')) {
            s += 1;
        }
        // Letters glued to a number start a part too ("…2135tasha greene", "…0528r.castellanos").
        if !text.is_char_boundary(s)
            || s > 0 && b.get(s - 1).is_some_and(u8::is_ascii_alphabetic)
        {
            continue;
        }
        let Some(mut w1) = word_at(text, s) else {
            continue;
        };
        // A sign-off word first ("xo maren holt", "ty -j vasquez"): the name follows it.
        let mut signed = false;
        let maybe_sign_off = w1.text.len() <= 9
            && matches!(
                b.get(w1.start).map(|c| c | 0x20),
                Some(b'x' | b't' | b'c' | b'r' | b'l' | b'b' | b's' | b'g')
            );
        if maybe_sign_off && w1.is_one_of(SIGN_OFFS) {
            let mut q = w1.end;
            while matches!(b.get(q), Some(b' ' | b'-' | b',')) {
                q += 1;
            }
            let Some(w) = word_at(text, q) else { continue };
            w1 = w;
            signed = true;
        }
        // "r. king": an initial and its dot; after a dash or a sign-off, without one ("-j vasquez").
        let letter = w1.chars() == 1
            && w1.first_char().is_ascii_alphabetic()
            && !matches!(w1.first_char(), 'a' | 'A' | 'i' | 'I');
        let dashed = w1
            .start
            .checked_sub(1)
            .and_then(|p| b.get(p))
            .is_some_and(|&c| c == b'-');
        let dot = b.get(w1.end) == Some(&b'.');
        let initial = letter && (dot || signed || dashed);
        let gap = if initial && dot { w1.end + 1 } else { w1.end };
        // "r.mcgrath", "j.kowalski": an initial and a surname joined by the dot, as typed in a
        // signature or an e-mail address.
        let joined = letter && dot && b.get(gap).is_some_and(u8::is_ascii_lowercase) && w1.first_char().is_ascii_lowercase();
        if b.get(gap) != Some(&b' ') && !joined {
            continue;
        }
        let Some(w2) = word_at(text, if joined { gap } else { gap + 1 }) else {
            continue;
        };
        let initial = initial || joined;
        // A name that is a sentence of its own at the start of a line ("Mark Young. Social …").
        let line_start = s == 0 || b.get(s - 1) == Some(&b'\n');
        if !(closes(b, w2.end) || line_start && own_sentence(b, w2.end))
            || out
                .get(first..)
                .unwrap_or_default()
                .iter()
                .any(|m| m.start < w2.end && w1.start < m.end)
        {
            continue;
        }
        let found = match (word_script(&w1), word_script(&w2)) {
            (Some(s1), Some(s2)) => {
                s1 == s2
                    && w1.chars() >= 2
                    && w2.chars() >= 2
                    && latin() >= 8
                    && few_words_in(text, s1)
            }
            (None, None) => latin_name(sc, text, &w1, &w2, initial),
            _ => false,
        };
        if found {
            out.push(Match::new(
                Kind::Name,
                Detector::NamePair,
                w1.start,
                w2.end,
                0.7,
            ));
            next = next.max(w2.end);
        }
    }
}

/// A listed first name (or an initial) and a listed surname, in one case (both lower, both
/// capitalised, or both upper), neither a function word.
fn latin_name(sc: &Inner, text: &str, w1: &Word, w2: &Word, initial: bool) -> bool {
    let lower = |w: &Word| w.text.bytes().all(|c| !c.is_ascii_uppercase());
    let title = |w: &Word| w.is_capitalised() && !w.is_upper();
    let same_case = lower(w1) && lower(w2)
        || title(w1) && title(w2)
        || w1.is_upper() && w2.is_upper()
        || initial && (lower(w2) || title(w2));
    same_case && listed_pair(sc, text, w1, w2, initial)
}

/// Two ASCII words, neither a function word, the first a listed first name (or an initial) and
/// the second a listed surname, with no sign of a place or business around them: what both a
/// slot and a cue ask of a name in everyday words.
fn listed_pair(sc: &Inner, text: &str, w1: &Word, w2: &Word, initial: bool) -> bool {
    let l = &sc.names;
    let ascii = |w: &Word| {
        w.text
            .bytes()
            .all(|c| c.is_ascii_alphabetic() || c == b'\'' || c == b'-')
    };
    if !ascii(w1)
        || !ascii(w2)
        || w2.chars() < 2
        || w1.is_one_of(cued::FUNCTION_WORDS)
        || w2.is_one_of(cued::FUNCTION_WORDS)
    {
        return false;
    }
    let given = initial || l.is_first(w1) || parts(w1, |q| l.is_first(q));
    let surname = l.is_last(w2) || parts(w2, |q| l.is_last(q));
    if !given || !surname {
        return false;
    }
    let run = Run {
        words: [Some(*w1), Some(*w2), None, None],
        n: 2,
        first: *w1,
        last: *w2,
        middle: 0,
        particle: false,
        end: w2.end,
        initial,
    };
    !negative_evidence(sc, text, &run)
}

/// At most four words of script `s` in `text`: a name in a slot, not a sentence in that language.
fn few_words_in(text: &str, s: u8) -> bool {
    let mut words = 0;
    let mut inside = false;
    for c in text.chars() {
        let here =
            caseless_script(c) == Some(s) && c.is_alphabetic() || inside && super::word::is_mark(c);
        if here && !inside {
            words += 1;
        }
        inside = here;
    }
    words <= 4
}

/// After a name cue ("im", "this is", "my name is"), two words that end the clause ("im dawn
/// summers.", "this is grace wood, the acct holder", "my name is will hunter (…"): a listed first
/// name and a listed surname, everyday words or not. The punctuation after them is the evidence a
/// capital would give.
pub(super) fn after_cue<'a>(sc: &Inner, text: &'a str, w1: &Word<'a>) -> Option<Match> {
    let w2 = super::word::next_word(text, w1.end)?;
    let b = text.as_bytes();
    let mut i = w2.end;
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    let ends = b.get(i).is_none_or(|c| {
        matches!(
            c,
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'(' | b')' | b'-' | b'/' | b'\n' | b'\r'
        )
    });
    (ends && w1.chars() >= 2 && listed_pair(sc, text, w1, &w2, false))
        .then(|| Match::new(Kind::Name, Detector::NameCue, w1.start, w2.end, 0.75))
}
