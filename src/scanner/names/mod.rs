//! Person names without an NER model: what a careful reader of contact-centre text uses.
//!
//! A full name is what the contract counts ("first name and last name, or first initial and last
//! name"), so a single first name ("Thanks Jane") is not reported. Each match says which rule found it
//! ([`Detector`]), so an operator can see and tune the evidence:
//! - `name_pair` / `name_initial` (**list**): a capitalised (or ALL CAPS) run whose first word is a
//!   listed first name and whose last word a listed surname; or an initial and a listed surname.
//! - `name_score` (**score**): a capitalised run with one or both words in no list, taken when the
//!   unlisted words are not everyday English and look like names by the learned trigram score
//!   ([`lists`]); particles ("van den", "de la", "bin") count as evidence.
//! - `name_cue` (**cue**): words after an introduction or verification phrase, in any case ("hi this
//!   is maria gonzalez", "name on the card is …", "Mr. …", "… speaking", "regards, …"); see
//!   [`cued`]. Strong cues take any words that are not everyday English; weak cues ("this is",
//!   "I'm", "thanks") need listed or name-like words.
//! - `name_field` (**field**): the value of a person-name field (`customers.name`, `ProfileName`,
//!   `CallerName` …) that is shaped like a name, in any script and order ("GONZALEZ MARIA").
//!
//! Negative evidence ([`negative`]) drops runs followed by a street or company word ("George
//! Washington Bridge", "Martin Luther King Jr Way") and known two-word brands and places ("Wells
//! Fargo", "San Jose").
//!
//! Lookups go through hash sets rather than aho-corasick: there are ~90,000 names, candidates are only
//! the capitalised words (found by [`swar::next_upper_or_non_ascii`]), and a hash probe per candidate
//! is cheaper than an automaton over every byte with that many patterns (5,000 patterns already drop
//! aho-corasick to 0.2-0.6 GB/s).
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::cues::FieldHint;
use super::swar::next_upper_or_non_ascii;
use super::{Detector, Inner, Kind, Match};

pub mod cued;
mod field;
pub mod lists;
mod negative;
mod script;
pub(crate) mod slot;
mod spelled;
pub(crate) mod word;

pub use lists::NameLists;
use word::{initial_at, is_word_start, next_word, prev_word, word_at, Word};

/// An unlisted word needs at least this learned score (mean trigram log-likelihood ratio; English
/// words mostly score below 0, names above) to be taken as a name without a cue: as the surname in
/// `Last, First`…
const SCORE_UNCUED: f32 = 0.0;
/// …next to a listed name, or as one of two unlisted words…
const SCORE_VOUCHED: f32 = -0.5;
/// …which must score at least this much together ("Perpetua Ogbonna": -0.22 + 1.36).
const SCORE_UNCUED_PAIR: f32 = 0.4;
/// An unlisted word after a weak cue ("this is", "I'm", "thanks")…
const SCORE_WEAK: f32 = -0.3;
/// …or two words after a weak cue together (a listed word counts 1).
const SCORE_WEAK_PAIR: f32 = -0.5;

/// A run of name-shaped words: the first, the last, and what lies between.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run<'a> {
    /// Every word of the run but particles, in order (at most 4).
    pub words: [Option<Word<'a>>; 4],
    pub n: usize,
    pub first: Word<'a>,
    pub last: Word<'a>,
    /// Words between first and last (middle names and initials), not counting particles.
    pub middle: usize,
    /// A particle stands before the surname ("van den", "de la", "bin").
    pub particle: bool,
    /// End of the run, after any suffix ("Jr.").
    pub end: usize,
    /// The first word is an initial ("J. Doe").
    pub initial: bool,
}

/// Finds names in free text (or in the value of a name field).
pub(super) fn scan(sc: &Inner, text: &str, hint: &FieldHint, out: &mut Vec<Match>) {
    let lists = &sc.names;
    if hint.name_field {
        if let Some(m) = field::name_field(lists, text).or_else(|| field::identity(lists, text)) {
            out.push(m);
            return;
        }
        if field::truncated_business_id(text) {
            return;
        }
    }
    let hay = text.as_bytes();
    let first = out.len();
    if hay.len() >= 4 {
        capitalised(sc, text, out);
        cued::scan(sc, text, out, first);
        lowercase(sc, text, out, first);
        signature(sc, text, out, first);
        signed_off(sc, text, out, first);
        cued::name_parts(sc, text, out, first);
        spelled::scan(sc, text, out, first);
        script::scan(text, out, first);
        slot::scan(sc, text, out, first);
    }
    if out.len() > first + 1 {
        out.get_mut(first..).unwrap_or_default().sort_by_key(|m| m.start);
    }
}

/// A name given alone in answer to a question for it (the sentence before, by another speaker).
pub(crate) fn answered_name(sc: &Inner, question: &str, answer: &str) -> Option<Match> {
    field::answered(&sc.names, question, answer)
}

/// Names found from the name's side: capitalised runs.
fn capitalised(sc: &Inner, text: &str, out: &mut Vec<Match>) {
    let hay = text.as_bytes();
    // A full name is two words: no space, no name.
    if memchr::memchr(b' ', hay).is_none() {
        return;
    }
    let mut pos = 0;
    let next = |at: usize| hay.get(at).is_some_and(|b| b.is_ascii_uppercase() || *b >= 0x80);
    // "Ana de la Cruz": a short word, then a capitalised one. Checked against the particle list only
    // when the shape fits (most capitalised words are followed by an everyday lower-case word).
    let particle_next = |at: usize| {
        let w = hay.get(at..).unwrap_or_default();
        let n = w.iter().take(6).take_while(|b| b.is_ascii_alphabetic()).count();
        (1..=5).contains(&n)
            && w.get(n) == Some(&b' ')
            && (next(at + n + 1) || w.get(n + 1).is_some_and(u8::is_ascii_lowercase))
            && negative::PARTICLES.iter().any(|p| p.len() == n && w.get(..n).is_some_and(|x| x.eq_ignore_ascii_case(p.as_bytes())))
    };
    while let Some(i) = next_upper_or_non_ascii(hay, pos) {
        pos = i + 1;
        // Cheap gate before building the word: after an ASCII capitalised word, a name goes on with
        // " X" (a capitalised word), ". X" (after an initial) or a particle. Sentence-initial words
        // ("Can you …") stop here. Non-ASCII words take the general path.
        if hay.get(i).is_some_and(u8::is_ascii) {
            let mut e = i + 1;
            while hay.get(e).is_some_and(u8::is_ascii_alphabetic) {
                e += 1;
            }
            let goes_on = match hay.get(e) {
                Some(b' ') => next(e + 1) || particle_next(e + 1),
                Some(b'.') => hay.get(e + 1) == Some(&b' ') && next(e + 2),
                Some(b',') => hay.get(e + 1) == Some(&b' ') && next(e + 2),
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
        // An acronym ends runs; an opening word ("Okay Ravi, what's …", "Gracias, Rosario") is
        // followed by the person addressed, not by a surname.
        if !w1.is_capitalised() || glued_to_digit(hay, w1.end) || negative::class(&w1) & (negative::class::ACRONYM | negative::class::DISCOURSE) != 0 {
            continue;
        }
        if hay.get(w1.end) == Some(&b',') {
            if let Some(m) = last_first(sc, text, &w1) {
                pos = m.end;
                out.push(m);
            }
            continue;
        }
        if let Some(m) = last_first(sc, text, &w1) {
            pos = m.end;
            out.push(m);
            continue;
        }
        if let Some(m) = caps_then_given(sc, text, &w1) {
            pos = m.end;
            out.push(m);
            continue;
        }
        // Cheap checks on the first word before reading a run: a name starts with a listed first
        // name, or a word that is not everyday English and scores like a name (structural strings
        // such as "Flex Task Assignment" stop here).
        if !w1.is_upper() && !sc.names.is_first(&w1) && initial_at(text, &w1).is_none() && (sc.names.is_common(&w1) || sc.names.score(w1.text) < SCORE_VOUCHED) && !sc.names.is_last(&w1) {
            continue;
        }
        let Some(run) = read_run(sc, text, w1, false) else { continue };
        // A street or company after the whole run rules out its parts too ("Martin Luther King Jr
        // Blvd" is not "Martin Luther").
        if negative_evidence(sc, text, &run) {
            pos = run.end;
            continue;
        }
        // The longest run with evidence: "CORRINE J. ASHDOWN SSN" is a name and a cue word.
        for run in run.shorter() {
            if let Some((det, conf)) = uncued(sc, &run) {
                if !negative_evidence(sc, text, &run) {
                    pos = run.end;
                    out.push(Match::new(Kind::Name, det, run.first.start, run.end, conf));
                }
                break;
            }
        }
    }
}

/// True when a first- or last-name field holds a placeholder or a word that is not a person's
/// ("Unknown", "Caller", "Guest", "N/A", a number word), not a part of a name.
pub(crate) fn not_a_name_part(text: &str) -> bool {
    let bad = negative::class::NOT_PERSON | negative::class::NUMBER | negative::class::DISCOURSE;
    text.split_whitespace().any(|t| {
        ["n/a", "na", "none", "null", "nil", "guest", "tbd", "unk"].iter().any(|p| t.eq_ignore_ascii_case(p))
            || word_at(t, 0).is_some_and(|w| negative::class(&w) & bad != 0)
    })
}

/// Lower-case names with no cue ("lorna fitzwater. refund to my checking …"): a listed first name
/// and a listed surname, neither an everyday word. Chat and SMS are mostly lower case.
fn lowercase(sc: &Inner, text: &str, out: &mut Vec<Match>, first: usize) {
    let l = &sc.names;
    let b = text.as_bytes();
    // Only in text written in lower case (its first letter is): whoever capitalises the start of a
    // message capitalises names too, and those are found from the capitals or the cues.
    if b.iter().find(|c| c.is_ascii_alphabetic()).is_none_or(u8::is_ascii_uppercase) {
        return;
    }
    let mut p = 0;
    while p < b.len() {
        // The next lower-case ASCII letter that starts a word.
        let starts_word = |p: usize| match (b.get(p), p.checked_sub(1).and_then(|q| b.get(q))) {
            (Some(c), prev) => c.is_ascii_lowercase() && prev.is_none_or(|&x| !x.is_ascii_alphanumeric() && x != b'\'' && x != b'-'),
            (None, _) => false,
        };
        while p < b.len() && !starts_word(p) {
            p += 1;
        }
        if p >= b.len() {
            break;
        }
        let Some(w1) = word_at(text, p) else { break };
        p = w1.end.max(p + 1);
        if w1.chars() < 2 || !w1.text.bytes().all(|c| c.is_ascii_lowercase()) || b.get(w1.end) != Some(&b' ') {
            continue;
        }
        if l.is_common(&w1) || !l.is_first(&w1) {
            continue;
        }
        let Some(w2) = next_word(text, w1.end) else { continue };
        if w2.chars() < 2 || w2.is_capitalised() || l.is_common(&w2) || !(l.is_last(&w2) || parts(&w2, |q| l.is_last(q))) {
            continue;
        }
        if out.get(first..).unwrap_or_default().iter().any(|m| m.start < w2.end && w1.start < m.end) {
            continue;
        }
        let run = Run { words: [Some(w1), Some(w2), None, None], n: 2, first: w1, last: w2, middle: 0, particle: false, end: w2.end, initial: false };
        if !negative_evidence(sc, text, &run) {
            out.push(Match::new(Kind::Name, Detector::NamePair, w1.start, w2.end, 0.7));
            p = w2.end;
        }
    }
}

/// A name signed right after a long number, in lower case ("card 4390316879056109 -priscilla
/// nunez", "5306956882021341 jp ardoin", "4614890084204209 n. oyelaran"): a listed first name or
/// initials, then a listed or name-like surname that is not an everyday word, ending the text or
/// its line or sentence.
fn signature(sc: &Inner, text: &str, out: &mut Vec<Match>, first: usize) {
    let l = &sc.names;
    let b = text.as_bytes();
    let mut p = 0;
    while let Some(d) = super::swar::next_digit(b, p) {
        let mut e = d;
        while b.get(e).is_some_and(u8::is_ascii_digit) {
            e += 1;
        }
        p = e.max(d + 1);
        if e - d < 9 {
            continue;
        }
        let mut s = e;
        while matches!(b.get(s), Some(b' ' | b'-' | b',' | b'\n' | b'\r' | b':')) {
            s += 1;
        }
        if s == e || !b.get(s).is_some_and(u8::is_ascii_lowercase) {
            continue;
        }
        let Some(w1) = word_at(text, s) else { continue };
        // Initials: "jp", "n." (one or two letters).
        let initials = w1.chars() <= 2 && w1.text.bytes().all(|c| c.is_ascii_lowercase()) && !l.is_common(&w1);
        let after1 = if initials && b.get(w1.end) == Some(&b'.') { w1.end + 1 } else { w1.end };
        if !(initials || l.is_first(&w1) && w1.text.bytes().all(|c| c.is_ascii_lowercase())) || w1.is_one_of(cued::FUNCTION_WORDS) {
            continue;
        }
        let Some(w2) = next_word(text, after1) else { continue };
        let listed = l.is_last(&w2) || parts(&w2, |q| l.is_last(q));
        // After initials only a listed surname: "no banco" is Portuguese, not "N. O. Banco".
        if w2.chars() < 2 || w2.is_capitalised() || l.is_common(&w2) || !(listed || !initials && l.score(w2.text) >= SCORE_WEAK) {
            continue;
        }
        // The signature ends the text, its line or its sentence.
        let rest = b.get(w2.end..).unwrap_or_default();
        let ends = rest.iter().position(|c| !matches!(c, b' ' | b'\t')).is_none_or(|i| matches!(rest.get(i), Some(b'.' | b'\n' | b'\r' | b'!' | b',')));
        if !ends || out.get(first..).unwrap_or_default().iter().any(|m| m.start < w2.end && w1.start < m.end) {
            continue;
        }
        out.push(Match::new(Kind::Name, Detector::NamePair, w1.start, w2.end, 0.7));
        p = w2.end;
    }
}

/// A lower-case name that ends a line after a sign-off mark ("-- r. venkataraman", "~ tavita
/// faleolo") or right after a number ("… cvv 519 b. oyelaran"), in a text that holds a long number:
/// initials or a given name, then a surname, both name-like and not everyday words.
fn signed_off(sc: &Inner, text: &str, out: &mut Vec<Match>, first: usize) {
    let b = text.as_bytes();
    let mut run = 0;
    let long_number = b.iter().any(|c| {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        run >= 9
    });
    if !long_number || b.len() > 4096 {
        return;
    }
    let l = &sc.names;
    let mut line_start = 0;
    for line in text.split('\n') {
        let start = line_start;
        line_start += line.len() + 1;
        let body = line.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '!'));
        // The last two words of the line: "w1 w2" or "w1. w2".
        let Some(sp) = body.rfind(' ') else { continue };
        let Some(w2) = word_at(text, start + sp + 1).filter(|w| w.end == start + body.len()) else { continue };
        let head = body.get(..sp).unwrap_or_default().trim_end_matches('.');
        // Where the word before starts (after its last non-letter; the char is ASCII or its
        // boundary is found by `char_indices`).
        let s1 = head.char_indices().rev().find(|(_, c)| !c.is_alphabetic()).map_or(0, |(i, c)| i + c.len_utf8());
        let Some(w1) = word_at(text, start + s1).filter(|w| w.end == start + head.len()) else { continue };
        // What stands before: a sign-off mark or a number, after spaces.
        let before = body.get(..s1).unwrap_or_default().trim_end();
        let marked = before.is_empty() && start > 0 || ["--", "~", "-", "—", "–"].iter().any(|m| before.ends_with(m)) || before.ends_with(|c: char| c.is_ascii_digit());
        let lower = w1.text.bytes().all(|c| c.is_ascii_lowercase()) && w2.text.bytes().all(|c| c.is_ascii_lowercase() || c == b'-' || c == b'\'');
        if !marked || !lower || w2.chars() < 3 || l.is_common(&w2) || w2.is_one_of(cued::FUNCTION_WORDS) || w1.is_one_of(cued::FUNCTION_WORDS) {
            continue;
        }
        // A sign-off is no given name ("…830xoxo tamsin").
        let initial = w1.chars() <= 2 && !l.is_common(&w1);
        let given = !w1.is_one_of(slot::SIGN_OFFS) && (initial || l.is_first(&w1) || !l.is_common(&w1) && l.score(w1.text) >= SCORE_WEAK);
        let surname = l.is_last(&w2) || l.score(w2.text) >= SCORE_WEAK;
        if given && surname && !out.get(first..).unwrap_or_default().iter().any(|m| m.start < w2.end && w1.start < m.end) {
            out.push(Match::new(Kind::Name, Detector::NamePair, w1.start, w2.end, 0.7));
        }
    }
}

/// "Lindqvist, Petra" and "Pemberton-Hale, A.": a surname, a comma and a first name or initial, the
/// surname listed or name-like and the first name listed.
fn last_first(sc: &Inner, text: &str, w1: &Word) -> Option<Match> {
    let b = text.as_bytes();
    if b.get(w1.end) != Some(&b',') || w1.chars() < 2 {
        return None;
    }
    let w2 = next_word(text, w1.end + 1)?;
    let l = &sc.names;
    // The pronoun "I" and its contractions ("Ngozi, I'll need …") are no given name.
    let pronoun = w2.is_pronoun_i();
    // A surname in capitals before a given name in title case ("OYELARAN, Tunde") is a form's
    // way of writing it, when the given name is listed.
    let caps_form = w1.is_upper() && !w2.is_upper() && w1.chars() >= 3 && (l.is_first(&w2) || parts(&w2, |p| l.is_first(p))) && !l.is_common(&w2);
    if !w2.is_capitalised() || pronoun || l.is_common(w1) || (w1.is_upper() != w2.is_upper() && w2.chars() > 1 && !caps_form) {
        return None;
    }
    let surname = l.is_last(w1) || parts(w1, |p| l.is_last(p)) || l.score(w1.text) >= SCORE_UNCUED;
    // A listed surname vouches for a given name no list holds that looks like one ("Nakamura,
    // Haruto", "Okafor, Chidiebere").
    let given = (l.is_first(&w2) || parts(&w2, |p| l.is_first(p)) || l.is_last(w1) && l.score(w2.text) >= SCORE_WEAK) && !l.is_common(&w2);
    let end = if let Some(e) = initial_at(text, &w2) { e } else { w2.end };
    // Followed by the end, punctuation or a lower-case word ("Lindqvist, Petra read her SSN").
    let after = next_word(text, end).is_none_or(|w| !w.is_capitalised());
    (surname && (given || initial_at(text, &w2).is_some()) && after)
        .then(|| Match::new(Kind::Name, Detector::NamePair, w1.start, end, 0.8))
}

/// "DELACROIX Mathieu": a surname in capitals (listed or name-like, no acronym or everyday word)
/// and a listed given name in title case, as forms and notes write a name, ending there.
fn caps_then_given(sc: &Inner, text: &str, w1: &Word) -> Option<Match> {
    let l = &sc.names;
    if !w1.is_upper() || w1.chars() < 3 || l.is_common(w1) || negative::class(w1) & negative::class::ACRONYM != 0 {
        return None;
    }
    let w2 = next_word(text, w1.end)?;
    if !w2.is_capitalised() || w2.is_upper() || w2.chars() < 2 || l.is_common(&w2) || !(l.is_first(&w2) || parts(&w2, |p| l.is_first(p))) {
        return None;
    }
    let surname = l.is_last(w1) || parts(w1, |p| l.is_last(p)) || l.score(w1.text) >= SCORE_UNCUED;
    let after = next_word(text, w2.end).is_none_or(|w| !w.is_capitalised());
    (surname && after).then(|| Match::new(Kind::Name, Detector::NamePair, w1.start, w2.end, 0.8))
}

/// True when a hyphenated word has a part for which `f` holds ("Lefèvre-Duval", "Seo-yeon").
pub(crate) fn parts(w: &Word, f: impl Fn(&Word) -> bool) -> bool {
    if !w.text.contains('-') {
        return false;
    }
    let mut at = w.start;
    w.text.split('-').any(|p| {
        let part = Word { text: p, start: at, end: at + p.len() };
        at += p.len() + 1;
        p.chars().count() >= 2 && f(&part)
    })
}

/// Reads a run of name-shaped words starting at `w1`. With `any_case`, words of any case are read
/// (after a cue), stopping at an everyday word that is not a listed name; otherwise each word must
/// be capitalised like `w1` (ALL CAPS with ALL CAPS).
pub(crate) fn read_run<'a>(sc: &Inner, text: &'a str, w1: Word<'a>, any_case: bool) -> Option<Run<'a>> {
    let lists = &sc.names;
    // "J. Doe", and after a cue "m hollingworth".
    // Not the article "a" or the pronoun "I" ("it's a JCB").
    let initial = initial_at(text, &w1).or_else(|| (any_case && w1.chars() == 1 && w1.first_char().is_alphabetic() && !matches!(w1.first_char(), 'a' | 'I')).then_some(w1.end));
    let mut p = initial.unwrap_or(w1.end);
    let mut words: [Option<Word>; 4] = [Some(w1), None, None, None];
    let mut n = 1;
    let mut particle = false;
    let mut pending_particle = false;
    let mut end = w1.end;
    let upper = w1.is_upper();
    while n < 4 {
        let Some(w) = next_word(text, p) else { break };
        let class = negative::class(&w);
        if class & negative::class::PARTICLE != 0 && w.text.len() <= 5 && !(w.is_capitalised() && w.chars() > 2 && lists.is_last(&w)) {
            // A particle only counts when a surname follows it.
            pending_particle = true;
            p = w.end;
            continue;
        }
        if n >= 2 && class & negative::class::PLACE_OR_ORG_AFTER != 0 || class & negative::class::ACRONYM != 0 {
            break;
        }
        if n >= 2 && class & negative::class::SUFFIX != 0 && !pending_particle {
            end = w.end + usize::from(text.as_bytes().get(w.end) == Some(&b'.'));
            break;
        }
        if glued_to_digit(text.as_bytes(), w.end) {
            break;
        }
        // The pronoun "I" ("mrs petrova I'll read that back") ends a name.
        if w.is_pronoun_i() {
            break;
        }
        let shaped = if any_case {
            w.text.chars().all(char::is_alphabetic) || w.text.contains(['-', '\'', '\u{2019}'])
        } else {
            (w.is_capitalised() || w.is_caseless()) && (w.is_upper() == upper || w.chars() == 1)
        };
        if !shaped {
            break;
        }
        // After a cue, a lower-case function word ends a name ("Gina from Rossi Plumbing").
        if any_case && !w.is_capitalised() && w.is_one_of(cued::FUNCTION_WORDS) {
            break;
        }
        let is_initial = initial_at(text, &w).is_some();
        // An everyday word ends the run unless it is a listed name written as one (after a cue, in
        // any case: "my name is jane doe").
        if !is_initial && lists.is_common(&w) && !((w.is_capitalised() || any_case) && (lists.is_last(&w) || lists.is_first(&w))) && !pending_particle {
            break;
        }
        particle |= pending_particle;
        pending_particle = false;
        let Some(slot) = words.get_mut(n) else { break };
        *slot = Some(w);
        n += 1;
        end = w.end;
        p = if is_initial { w.end + 1 } else { w.end };
        if is_initial {
            end = w.end + 1;
        }
    }
    // A trailing one-letter word ("… May I ask") is not a surname: end the run before it.
    while n > 2 && words.get(n - 1).copied().flatten().is_some_and(|w| w.chars() < 2) {
        n -= 1;
        if let Some(slot) = words.get_mut(n) {
            *slot = None;
        }
        end = words.get(n - 1).copied().flatten().map_or(end, |w| w.end);
    }
    if n < 2 {
        return None;
    }
    let last = words.get(n - 1).copied().flatten()?;
    // The surname is a word, not an initial.
    if last.chars() < 2 || initial_at(text, &last).is_some() && end == last.end + 1 {
        return None;
    }
    if end < last.end {
        end = last.end;
    }
    Some(Run { words, n, first: w1, last, middle: n - 2, particle, end, initial: initial.is_some() })
}

impl<'a> Run<'a> {
    /// This run, then the same run ending one word earlier, down to two words.
    pub(crate) fn shorter(self) -> impl Iterator<Item = Run<'a>> {
        (2..=self.n).rev().filter_map(move |k| {
            let last = self.words.get(k.checked_sub(1)?).copied().flatten()?;
            (last.chars() >= 2).then_some(Run { n: k, last, middle: k - 2, end: if k == self.n { self.end } else { last.end }, ..self })
        })
    }
}

/// A word glued to a digit ("GB82", "A1234567") is a code, not a name.
fn glued_to_digit(hay: &[u8], end: usize) -> bool {
    hay.get(end).is_some_and(u8::is_ascii_digit)
}

/// Evidence for a capitalised run with no cue: lists, the learned score, particles.
fn uncued(sc: &Inner, run: &Run) -> Option<(Detector, f32)> {
    let l = &sc.names;
    let (f, s) = (&run.first, &run.last);
    let s_common = l.is_common(s);
    let s_listed = l.is_last(s) || parts(s, |p| l.is_last(p));
    let s_score = if s_listed { 1.0 } else { l.score(s.text) };
    if run.initial {
        return if s_listed && !s_common || l.is_last(s) && s.is_capitalised() {
            Some((Detector::NameInitial, 0.8))
        } else if !s_common && s_score >= SCORE_UNCUED_PAIR {
            Some((Detector::NameScore, 0.65))
        } else {
            None
        };
    }
    let f_common = l.is_common(f);
    let f_listed = l.is_first(f) || parts(f, |p| l.is_first(p));
    if f_listed && s_listed && !(f_common && s_common) {
        return Some((Detector::NamePair, 0.85));
    }
    // Unlisted words of two letters ("GB", "OK") are too short to judge.
    if f_common || s_common || f.chars() < 2 || !f_listed && f.chars() < 3 || !s_listed && s.chars() < 3 {
        return None;
    }
    // A particle before the surname is evidence of its own ("Faizal bin Rahmat", "Ana de la Cruz").
    if run.particle {
        return Some((Detector::NameScore, 0.75));
    }
    let f_score = if f_listed { 1.0 } else { l.score(f.text) };
    // One listed end vouches for an unlisted one that is not English-like; two unlisted ends must
    // both look like names.
    let ok = if f_listed || s_listed {
        f_score >= SCORE_VOUCHED && s_score >= SCORE_VOUCHED
    } else {
        f_score >= SCORE_VOUCHED && s_score >= SCORE_VOUCHED && f_score + s_score >= SCORE_UNCUED_PAIR
    };
    ok.then_some((Detector::NameScore, 0.7))
}

/// True when what stands around the run says it is a place, a street or a company.
pub(crate) fn negative_evidence(_sc: &Inner, text: &str, run: &Run) -> bool {
    // A number said in words is not a name ("it's seis ocho dos ocho").
    if run.words.iter().take(run.n).flatten().any(|w| negative::class(w) & negative::class::NUMBER != 0) {
        return true;
    }
    let mut after = next_word(text, run.end);
    if let Some(w) = after {
        if negative::class(&w) & negative::class::SUFFIX != 0 {
            let e = w.end + usize::from(text.as_bytes().get(w.end) == Some(&b'.'));
            after = next_word(text, e);
        }
    }
    if after.is_some_and(|w| negative::class(&w) & negative::class::PLACE_OR_ORG_AFTER != 0) {
        return true;
    }
    // "Jack Henry & Associates", "Rossi and Sons".
    let b = text.as_bytes();
    let joined = [" & ", " and "].iter().find_map(|j| b.get(run.end..run.end + j.len()).filter(|x| x == &j.as_bytes()).map(|_| run.end + j.len() - 1));
    if joined.and_then(|e| next_word(text, e)).is_some_and(|w| w.is_capitalised() && negative::class(&w) & negative::class::PLACE_OR_ORG_AFTER != 0 || w.is_one_of(&["sons", "daughters", "associates", "partners", "co"])) {
        return true;
    }
    // "charged twice at Tim Hortons", "meet me at Betty Ford": a place, unless the word before
    // "at" points at a person ("mad at", "look at").
    if let Some(at) = prev_word(text, run.first.start).filter(|w| w.is_one_of(&["at"])) {
        let verb = prev_word(text, at.start);
        if !verb.is_some_and(|v| v.is_one_of(AT_A_PERSON)) {
            return true;
        }
    }
    run.middle == 0 && negative::not_people(run.first.text, run.last.text)
}

/// Words before "at" that point at a person rather than a place ("mad at", "look at").
const AT_A_PERSON: &[&str] = &[
    "look", "looked", "looking", "mad", "angry", "upset", "yell", "yelled", "yelling", "shout", "shouted", "laugh", "laughed",
    "stare", "staring", "pointed", "aimed", "directed", "swore", "cursed", "snapped", "lashed", "frustrated", "furious",
];

#[cfg(test)]
mod tests;
