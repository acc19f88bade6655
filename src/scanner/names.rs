//! Person names without an NER model: bundled name lists, capitalisation, cues and name fields.
//!
//! A full name is what the contract counts ("first name and last name, or first initial and last
//! name"), so a single first name ("Thanks Jane") is not reported. Forms recognised:
//! - `First Last` and `First M. Last`: first name in the first-name list, last name in the surname
//!   list, both capitalised (or both upper case). A pair of two everyday words ("Will Chase") needs a
//!   cue or a name field.
//! - `F. Last`: an initial and a listed surname.
//! - After a strong cue ("my name is", "account holder:"): any two capitalised words.
//! - In a name field (`customers.name`, `customerName`, `Author` …): the whole value, when it is two to
//!   four words that look like a name (not a phone number, e-mail address or single word).
//!
//! Lookups go through hash sets rather than aho-corasick: there are ~90,000 names, candidates are only
//! the capitalised words (found by [`swar::next_upper_or_non_ascii`]), and a hash probe per candidate
//! is cheaper than an automaton over every byte with that many patterns (`performance.md` §1.2:
//! 5,000 patterns already drop aho-corasick to 0.2-0.6 GB/s).

use rustc_hash::FxHashSet;

use super::cues::{Cues, FieldHint};
use super::swar::next_upper_or_non_ascii;
use super::{Detector, Inner, Kind, Match};

/// Words in the first-name lists that mostly start place names ("San Francisco", "Los Angeles",
/// "St Louis") in contact-center text; they are not taken as first names.
const NOT_FIRST: &[&str] = &["San", "Santa", "Los", "Las", "El", "St", "Saint", "Fort", "Mount", "Port", "Lake", "New", "Palo", "Baton"];

/// The name lists.
#[derive(Debug, Default)]
pub struct NameLists {
    first: FxHashSet<Box<str>>,
    last: FxHashSet<Box<str>>,
    common: FxHashSet<Box<str>>,
}

impl NameLists {
    /// Builds the sets from newline-separated lists (first names, surnames, everyday lower-case words).
    pub fn new(first: &str, last: &str, common: &str) -> NameLists {
        let set = |s: &str| s.lines().map(str::trim).filter(|l| !l.is_empty()).map(Box::from).collect();
        let mut first: FxHashSet<Box<str>> = set(first);
        for w in NOT_FIRST {
            first.remove(*w);
        }
        NameLists { first, last: set(last), common: set(common) }
    }

    /// The lists bundled with piiguard (`data/names/`, see `SOURCES.md` there).
    pub fn bundled() -> NameLists {
        NameLists::new(
            include_str!("../../data/names/first.txt"),
            include_str!("../../data/names/last.txt"),
            include_str!("../../data/names/common-words.txt"),
        )
    }

    fn is_first(&self, w: &Word) -> bool {
        w.with_title(|t| self.first.contains(t) || turkish_i(w, t, |v| self.first.contains(v)))
    }
    fn is_last(&self, w: &Word) -> bool {
        w.with_title(|t| self.last.contains(t) || turkish_i(w, t, |v| self.last.contains(v)))
    }
    fn is_common(&self, w: &Word) -> bool {
        w.with_lower(|t| self.common.contains(t))
    }
}

/// Upper-case Turkish loses the dot distinction: "ATILGAN" is "Atılgan", which plain lowering
/// spells "Atilgan". For upper-case words with an `I`, also try the dotless `ı`.
fn turkish_i(w: &Word, title: &str, f: impl Fn(&str) -> bool) -> bool {
    let split = title.chars().next().map_or(0, char::len_utf8);
    let (head, tail) = title.split_at(split);
    w.is_upper() && tail.contains('i') && f(&format!("{head}{}", tail.replace('i', "ı")))
}

/// A word of letters (apostrophes and inner hyphens allowed) at `hay[start..end]`.
struct Word<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

impl Word<'_> {
    fn first_char(&self) -> char {
        self.text.chars().next().unwrap_or(' ')
    }
    fn is_capitalised(&self) -> bool {
        self.first_char().is_uppercase()
    }
    fn is_upper(&self) -> bool {
        self.text.chars().all(|c| !c.is_lowercase()) && self.text.chars().count() > 1
    }
    /// Calls `f` with the word in title case ("SMITH" and "smith" become "Smith"; "McDonald" stays).
    fn with_title<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        if self.is_capitalised() && !self.is_upper() {
            return f(self.text);
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
    fn with_lower<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        if self.text.bytes().all(|b| b.is_ascii_lowercase()) {
            return f(self.text);
        }
        f(&self.text.to_lowercase())
    }
}

/// Reads the word starting at `start` (which must be a char boundary), if any.
fn word_at(text: &str, start: usize) -> Option<Word<'_>> {
    // Fast path: an ASCII word ended by ASCII punctuation or space (most words).
    let b = text.as_bytes();
    let mut p = start;
    while p < b.len() && b[p].is_ascii_alphabetic() {
        p += 1;
    }
    if p > start && b.get(p).is_none_or(|&c| c < 0x80 && c != b'\'' && c != b'-') {
        return Some(Word { text: &text[start..p], start, end: p });
    }
    let rest = &text[start..];
    let mut end = start;
    let mut prev_letter = false;
    for (i, c) in rest.char_indices() {
        if c.is_alphabetic() {
            prev_letter = true;
            end = start + i + c.len_utf8();
        } else if (c == '\'' || c == '-' || c == '\u{2019}') && prev_letter {
            prev_letter = false;
        } else {
            break;
        }
    }
    // A possessive is not part of the name: "Jane Doe's SSN".
    for suffix in ["'s", "\u{2019}s"] {
        if text[start..end].ends_with(suffix) && end - start > suffix.len() + 1 {
            end -= suffix.len();
        }
    }
    (end > start).then(|| Word { text: &text[start..end], start, end })
}

fn is_word_start(text: &str, i: usize) -> bool {
    text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric() && c != '\'' && c != '_')
}

/// The next word after `end`, separated by exactly one space (names do not span punctuation).
fn next_word(text: &str, end: usize) -> Option<Word<'_>> {
    let b = text.as_bytes();
    if b.get(end) != Some(&b' ') {
        return None;
    }
    word_at(text, end + 1)
}

/// A single capital letter followed by '.', as in "J. Smith": returns the end after the dot.
fn initial_at(text: &str, w: &Word) -> Option<usize> {
    (w.text.chars().count() == 1 && w.is_capitalised() && text.as_bytes().get(w.end) == Some(&b'.')).then_some(w.end + 1)
}

/// Finds names in free text.
pub(super) fn scan(sc: &Inner, text: &str, hint: &FieldHint, out: &mut Vec<Match>) {
    let lists = &sc.names;
    if hint.name_field {
        if let Some(m) = name_field(lists, text) {
            out.push(m);
            return;
        }
    }
    let hay = text.as_bytes();
    // A full name is two words: no space, no name (most leaves are ids, times, enums).
    if hay.len() < 4 || memchr::memchr(b' ', hay).is_none() {
        return;
    }
    let mut pos = 0;
    let next = |at: usize| hay.get(at).is_some_and(|b| b.is_ascii_uppercase() || *b >= 0x80);
    while let Some(i) = next_upper_or_non_ascii(hay, pos) {
        pos = i + 1;
        // Cheap gate before building the word: after an ASCII capitalised word, a name goes on with
        // " X" (a capitalised word) or, for an initial, ". X". Sentence-initial words ("Can you …")
        // stop here. Non-ASCII words take the general path.
        if hay[i] < 0x80 {
            let mut e = i + 1;
            while e < hay.len() && hay[e].is_ascii_alphabetic() {
                e += 1;
            }
            let goes_on = match hay.get(e) {
                Some(b' ') => next(e + 1),
                Some(b'.') => hay.get(e + 1) == Some(&b' ') && next(e + 2),
                Some(&c) => c >= 0x80 || c == b'\'' || c == b'-',
                None => false,
            };
            if !goes_on {
                pos = e;
                continue;
            }
        }
        if !text.is_char_boundary(i) || !is_word_start(text, i) {
            continue;
        }
        let Some(w1) = word_at(text, i) else { continue };
        pos = w1.end;
        let goes_on = (hay.get(w1.end) == Some(&b' ') && next(w1.end + 1))
            || (hay.get(w1.end) == Some(&b'.') && hay.get(w1.end + 1) == Some(&b' ') && next(w1.end + 2));
        if !goes_on || !w1.is_capitalised() {
            continue;
        }
        if let Some(m) = name_from(sc, text, &w1).or_else(|| cued_name_at(sc, text, &w1)) {
            pos = m.end;
            out.push(m);
        }
    }
    lowercase_cued_names(sc, text, out);
}

/// Two capitalised words right after a strong cue ("my name is Zorvath Quillan", "Ονομάζομαι
/// Γιώργος Παπαδόπουλος"): listed or not, unless both are everyday words.
fn cued_name_at(sc: &Inner, text: &str, w1: &Word) -> Option<Match> {
    let hay = text.as_bytes();
    let mut from = w1.start.saturating_sub(32);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut cued = false;
    sc.cues.for_each(hay, from, w1.start, |h| {
        let mut p = h.end;
        while p < w1.start && (hay[p] == b' ' || hay[p] == b':') {
            p += 1;
        }
        cued |= h.cues.contains(Cues::NAME) && p == w1.start && p > h.end;
    });
    if !cued {
        return None;
    }
    let w2 = next_word(text, w1.end)?;
    let listed = sc.names.is_first(w1) && sc.names.is_last(&w2);
    let both_common = sc.names.is_common(w1) && sc.names.is_common(&w2);
    let ok = listed || (w2.is_capitalised() && !both_common);
    (ok && w2.text.chars().count() > 1)
        .then(|| Match::new(Kind::Name, Detector::NameCue, w1.start, w2.end, if listed { 0.9 } else { 0.75 }))
}

/// A name starting with the capitalised word `w1`.
fn name_from(sc: &Inner, text: &str, w1: &Word) -> Option<Match> {
    let lists = &sc.names;
    // "J. Smith"
    if let Some(after_dot) = initial_at(text, w1) {
        let w2 = next_word(text, after_dot)?;
        if w2.is_capitalised() && w2.text.chars().count() > 1 && lists.is_last(&w2) {
            return Some(Match::new(Kind::Name, Detector::NameInitial, w1.start, w2.end, 0.8));
        }
        return None;
    }
    if !lists.is_first(w1) {
        return None;
    }
    let mut w2 = next_word(text, w1.end)?;
    // Optional middle initial or middle name: "Jane A. Doe", "Mary Ann Smith".
    if let Some(after_dot) = initial_at(text, &w2) {
        w2 = next_word(text, after_dot)?;
    } else if w2.is_capitalised() && lists.is_first(&w2) && !lists.is_last(&w2) {
        if let Some(w3) = next_word(text, w2.end) {
            if w3.is_capitalised() && lists.is_last(&w3) {
                w2 = w3;
            }
        }
    }
    let same_case = w2.is_capitalised() && (w1.is_upper() == w2.is_upper());
    if !same_case || w2.text.chars().count() < 2 || !lists.is_last(&w2) {
        return None;
    }
    if lists.is_common(w1) && lists.is_common(&w2) {
        return None;
    }
    Some(Match::new(Kind::Name, Detector::NamePair, w1.start, w2.end, 0.85))
}

/// Listed names written in lower case after an English strong cue ("my name is jane doe",
/// "account holder: jane doe"). Capitalised names after any cue are found by [`scan`].
fn lowercase_cued_names(sc: &Inner, text: &str, out: &mut Vec<Match>) {
    let hay = text.as_bytes();
    if !sc.cues.may_have_name_cue(hay) {
        return;
    }
    let mut found = Vec::new();
    sc.cues.for_each(hay, 0, hay.len(), |h| {
        if h.cues.contains(Cues::NAME) {
            found.push(h.end);
        }
    });
    for end in found {
        let mut p = end;
        while p < hay.len() && (hay[p] == b' ' || hay[p] == b':') {
            p += 1;
        }
        if p == end || out.iter().any(|m| m.start <= p && p < m.end) {
            continue;
        }
        let Some(w1) = word_at(text, p) else { continue };
        let Some(w2) = next_word(text, w1.end) else { continue };
        if sc.names.is_first(&w1) && sc.names.is_last(&w2) && w2.text.chars().count() > 1 {
            out.push(Match::new(Kind::Name, Detector::NameCue, w1.start, w2.end, 0.9));
        }
    }
}

/// The value of a name field, when it looks like a person's full name.
fn name_field(lists: &NameLists, text: &str) -> Option<Match> {
    let trimmed = text.trim();
    if trimmed.len() > 80 || trimmed.bytes().any(|b| b.is_ascii_digit() || b == b'@' || b == b'+' || b == b'_') {
        return None;
    }
    let offset = text.len() - text.trim_start().len();
    let mut words = Vec::with_capacity(4);
    let mut p = offset;
    let end = offset + trimmed.len();
    while p < end {
        let w = word_at(text, p)?;
        p = w.end;
        // Allow "J." initials and single spaces or ", " between words ("Doe, Jane").
        let b = text.as_bytes();
        if b.get(p) == Some(&b'.') {
            p += 1;
        }
        if b.get(p) == Some(&b',') {
            p += 1;
        }
        if p < end && b[p] != b' ' {
            return None;
        }
        while p < end && b[p] == b' ' {
            p += 1;
        }
        words.push(w);
        if words.len() > 4 {
            return None;
        }
    }
    if words.len() < 2 {
        return None;
    }
    let (f, l) = (&words[0], &words[words.len() - 1]);
    let comma_form = text[f.end..].starts_with(',');
    let (f, l) = if comma_form { (l, f) } else { (f, l) };
    let first_ok = lists.is_first(f) || f.text.chars().count() == 1;
    let last_ok = lists.is_last(l) || (l.is_capitalised() && !lists.is_common(l));
    if first_ok && last_ok && !(lists.is_common(f) && lists.is_common(l)) && l.text.chars().count() > 1 {
        return Some(Match::new(Kind::Name, Detector::NameField, offset, end, 0.95));
    }
    None
}

#[cfg(test)]
mod tests;
