//! A surname spelled letter by letter after a first name, as callers do for an agent: "tobias r as
//! in robert e i n h a r d t", "femi a d e y e m i adeyemi", "marco l u n d q u i s t dash p e r e
//! z". The first name and the spelled letters (and the surname said again after them) are one name.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::cued::FUNCTION_WORDS;
use super::word::{next_word, prev_word, word_at, Word};
use crate::scanner::{Detector, Inner, Kind, Match};

/// Fewest letters spelled to count as a spelled surname.
const MIN_LETTERS: usize = 3;

/// True when three single letters stand apart ("… r e i …") or a letter is spelled by a word ("r as
/// in robert"): the cheap test, from the spaces (most text has neither).
fn may_spell(b: &[u8]) -> bool {
    let letter = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphabetic);
    let space = |i: usize| b.get(i) == Some(&b' ');
    memchr::memchr_iter(b' ', b)
        .map(|s| s + 1)
        .any(|i| letter(i) && space(i + 1) && letter(i + 2) && space(i + 3) && letter(i + 4))
        || memchr::memmem::find(b, b" as in ").is_some()
}

/// One spelled unit starting with the single-letter word `w`: the letter alone, "r as in robert",
/// "r for robert", "r like robert". Returns the end of the unit.
fn unit(text: &str, w: &Word) -> Option<usize> {
    if w.text.len() != 1
        || !w
            .text
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
    {
        return None;
    }
    let lead = w.text.as_bytes().first().copied().unwrap_or(0);
    let n1 = next_word(text, w.end);
    let example = |x: &Word| {
        x.text
            .as_bytes()
            .first()
            .is_some_and(|c| c.eq_ignore_ascii_case(&lead))
            && x.text.len() >= 2
    };
    match n1 {
        Some(a) if a.is_one_of(&["as"]) => {
            let i = next_word(text, a.end).filter(|x| x.is_one_of(&["in"]));
            if let Some(x) = i.and_then(|i| next_word(text, i.end)).filter(example) {
                return Some(x.end);
            }
        }
        Some(a) if a.is_one_of(&["for", "like"]) => {
            if let Some(x) = next_word(text, a.end).filter(example) {
                return Some(x.end);
            }
        }
        _ => {}
    }
    Some(w.end)
}

/// Spelled surnames after a first name in `text`, appended to `out` unless they overlap a name
/// already found.
pub(super) fn scan(sc: &Inner, text: &str, out: &mut Vec<Match>, first: usize) {
    let b = text.as_bytes();
    if b.len() > 4096 || !may_spell(b) {
        return;
    }
    // Word starts: the text's start and after each space.
    let starts = std::iter::once(0).chain(memchr::memchr_iter(b' ', b).map(|s| s + 1));
    let mut resume = 0;
    for i in starts {
        if i < resume {
            continue;
        }
        // A single-letter word.
        let single = b.get(i).is_some_and(u8::is_ascii_alphabetic)
            && b.get(i + 1)
                .is_none_or(|c| !c.is_ascii_alphanumeric() && *c < 0x80);
        if !single {
            continue;
        }
        let Some(w) = word_at(text, i) else {
            continue;
        };
        // Read the units: letters, with "dash" / "hyphen" between parts of a double surname.
        let (mut end, mut letters) = (w.end, 0);
        let mut at = Some(w);
        while let Some(x) = at {
            if let Some(e) = unit(text, &x) {
                letters += 1;
                end = e;
            } else if x.is_one_of(&["dash", "hyphen"]) && letters > 0 {
                end = x.end;
            } else {
                break;
            }
            at = next_word(text, end);
        }
        if letters >= MIN_LETTERS {
            let given = prev_word(text, w.start).filter(|p| {
                p.chars() >= 2
                    && p.text.chars().all(char::is_alphabetic)
                    && !p.is_one_of(FUNCTION_WORDS)
                    && (sc.names.is_first(p) || !sc.names.is_common(p))
            });
            if let Some(g) = given {
                // The surname said again after its spelling ("a d e y e m i adeyemi").
                let again =
                    next_word(text, end).filter(|x| x.chars() == letters && !sc.names.is_common(x));
                let stop = again.map_or(end, |x| x.end);
                if !out
                    .get(first..)
                    .unwrap_or_default()
                    .iter()
                    .any(|m| m.start < stop && g.start < m.end)
                {
                    out.push(Match::new(
                        Kind::Name,
                        Detector::NameCue,
                        g.start,
                        stop,
                        0.75,
                    ));
                }
            }
        }
        resume = end.max(i + 1);
    }
}
