//! The value of a person-name field (`customers.name`, `ProfileName`, `CallerName`, `caller_name`,
//! `customerName` …): the key already says it is a person's name, so the value is taken when it is
//! shaped like one, listed or not, in any script and order ("GONZALEZ MARIA", "Doe, Jane",
//! "Nguyễn Văn Hùng", "王小明"). Phones, e-mail addresses, SIDs, queue and team names, caller-ID
//! placeholders ("WIRELESS CALLER"), "CITY ST" caller IDs and companies are not.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::negative::STATE_CODES;
use super::word::{is_cjk, word_at, Word};
use super::NameLists;
use crate::scanner::{Detector, Kind, Match};

/// An identity written `first.last` or `first_last`, or an e-mail address with such a local part
/// ("ricardo.albuquerque", "k.okabe", "sokha.chhim@gmail.com"), as a Conversations `Author` holds
/// it: the full name it spells, as the span of its two parts.
pub(super) fn identity(lists: &NameLists, text: &str) -> Option<Match> {
    let t = text.trim();
    let local = t.split_once('@').map_or(t, |(l, _)| l);
    if local.len() > 40 || !local.bytes().all(|c| c.is_ascii_alphabetic() || matches!(c, b'.' | b'_' | b'-')) {
        return None;
    }
    let sep = local.bytes().position(|c| c == b'.' || c == b'_')?;
    let (first, last) = (local.get(..sep)?, local.get(sep + 1..)?);
    if last.contains(['.', '_']) || last.len() < 2 || first.is_empty() {
        return None;
    }
    let offset = text.len() - text.trim_start().len();
    let w1 = Word { text: first, start: offset, end: offset + first.len() };
    let w2 = Word { text: last, start: offset + sep + 1, end: offset + local.len() };
    // An initial, or a given name; the surname not an everyday word ("support.team", "no_reply").
    let given = w1.chars() == 1 || lists.is_first(&w1) || !lists.is_common(&w1) && lists.score(first) >= 0.0;
    let surname = !lists.is_common(&w2) && (lists.is_last(&w2) || lists.score(last) >= -0.3);
    let negative = super::negative::class(&w1) & super::negative::class::NOT_PERSON != 0 || super::negative::class(&w2) & super::negative::class::NOT_PERSON != 0;
    (given && surname && !negative).then(|| Match::new(Kind::Name, Detector::NameField, w1.start, w2.end, 0.8))
}

/// The value of a name field, when it looks like a person's full name.
pub(super) fn name_field(lists: &NameLists, text: &str) -> Option<Match> {
    let trimmed = text.trim();
    if trimmed.len() > 80 || truncated_business_id(trimmed) || trimmed.bytes().any(|b| b.is_ascii_digit() || b"@+_/#:()[]{}<>|=&%$".contains(&b)) {
        return None;
    }
    let offset = text.len() - text.trim_start().len();
    let end = offset + trimmed.len();
    let b = text.as_bytes();
    let mut words: Vec<Word> = Vec::with_capacity(4);
    let mut comma_after_first = false;
    let mut p = offset;
    while p < end {
        let w = word_at(text, p)?;
        p = w.end;
        // Initials ("J."), "Doe, Jane", single or repeated spaces between words.
        if b.get(p) == Some(&b'.') {
            p += 1;
        }
        if b.get(p) == Some(&b',') {
            comma_after_first |= words.is_empty();
            p += 1;
        }
        if p < end && b.get(p) != Some(&b' ') {
            return None;
        }
        while p < end && b.get(p) == Some(&b' ') {
            p += 1;
        }
        words.push(w);
        if words.len() > 5 {
            return None;
        }
    }
    // Only spaces ("\u{a0}\u{a0}": no-break and thin spaces trim away): no name.
    if words.is_empty() {
        return None;
    }
    // A title is not part of the name: "Mrs. T" is one letter, "Dr. Ana Lima" two words.
    if words.len() > 1 && words.first().is_some_and(|w| w.is_one_of(&["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sr", "sra", "srta", "herr", "frau", "mme", "mlle", "sir"])) {
        words.remove(0);
    }
    let matched = Some(Match::new(Kind::Name, Detector::NameField, offset, end, 0.95));
    let [first, ..] = words.as_slice() else { return None };
    if words.len() == 1 && first.start > offset {
        return None;
    }
    if words.len() == 1 {
        // One run of 2-4 Han, Hangul or kana characters is a full name (family name first, no space).
        let w = first;
        let cjk = is_cjk(w.first_char());
        // Kana alone is how a given name is written ("はなこ"); a full name in kana is longer.
        let kana = w.text.chars().all(|c| matches!(c as u32, 0x3040..=0x30FF));
        let min = if kana { 5 } else { 2 };
        return (cjk && (min..=6).contains(&w.chars())).then(|| Match::new(Kind::Name, Detector::NameField, offset, end, 0.85));
    }
    // A queue, a company, or a place or shop named after a person ("Harriet Tubman Elementary
    // PTA", "Bella Rose Bridal").
    let negative = |(k, w): (usize, &Word)| {
        let c = super::negative::class(w);
        c & super::negative::class::NOT_PERSON != 0 || k >= 2 && c & super::negative::class::PLACE_OR_ORG_AFTER != 0
    };
    if words.iter().enumerate().any(negative) {
        return None;
    }

    let last = words.last().unwrap_or(first);
    // "SEATTLE WA": a caller ID that names a place.
    if words.len() >= 2 && last.chars() == 2 && last.is_upper() && STATE_CODES.contains(&last.text) {
        return None;
    }
    if words.iter().all(|w| w.chars() == 1) || words.iter().filter(|w| w.chars() >= 2).count() == 0 {
        return None;
    }
    let (f, l) = match (comma_after_first, words.get(1)) {
        (true, Some(second)) => (second, first),
        _ => (first, last),
    };
    if super::negative::not_people(f.text, l.text) {
        return None;
    }
    // Everyday words only ("Billing Support", "Assign to Anyone") are not a name, unless they are a
    // listed first name and surname ("Grace Hill", "Will Chase").
    // A listed first name with a capitalised surname that is an everyday word ("Bill Cash") is a
    // name too: the key says so.
    let all_common = words.iter().all(|w| w.chars() == 1 || lists.is_common(w));
    let titled = f.is_capitalised() && !f.is_upper() && l.is_capitalised() && !l.is_upper() && words.len() == 2;
    if all_common && !(lists.is_first(f) && (lists.is_last(l) || titled)) {
        return None;
    }
    matched
}

/// A name given alone in answer to a question for it ("may I have your name?" / "desmond
/// achterberg", "yeah it's tamsin okonkwo"): the answer without its opening words, read as the
/// value of a name field.
pub(crate) fn answered(lists: &NameLists, question: &str, answer: &str) -> Option<Match> {
    if answer.len() > 80 || answer.len() < 5 || !asks_name(question) {
        return None;
    }
    // Opening words of an answer: "yeah", "it's", "sure", "my name is", "this is" …
    const OPENERS: &[&str] = &[
        "yeah", "yes", "yep", "sure", "okay", "ok", "uh", "um", "so", "it's", "its", "it", "is", "this", "my", "name", "name's", "names", "i'm",
        "im", "i", "am", "hi", "hello", "oh", "right", "of", "course", "it’s",
    ];
    let mut p = 0;
    while let Some(w) = word_at(answer, p).filter(|w| w.is_one_of(OPENERS)) {
        p = w.end;
        while answer.as_bytes().get(p).is_some_and(|b| matches!(b, b' ' | b',')) {
            p += 1;
        }
    }
    let rest = answer.get(p..)?.trim_end_matches(['.', '?', '!', ' ']);
    if rest.split_whitespace().count() < 2 {
        return None;
    }
    name_field(lists, rest).map(|mut m| {
        m.start += p;
        m.end += p;
        m.confidence = 0.8;
        m
    })
}

/// True when `question` asks for a person's name ("may I have your name", "who am I speaking
/// with", "your first and last name please"), not a company's or a user name.
fn asks_name(question: &str) -> bool {
    // Most sentences say neither "name" nor "speaking": no lower-cased copy for them.
    let b = question.as_bytes();
    let has = |first: u8, rest: &[u8]| {
        memchr::memchr2_iter(first, first.to_ascii_uppercase(), b).any(|i| b.get(i + 1..i + 1 + rest.len()).is_some_and(|x| x.eq_ignore_ascii_case(rest)))
    };
    if !(has(b'n', b"ame") || has(b's', b"peaking") || has(b'w', b"ho do i have")) {
        return false;
    }
    let q = question.to_ascii_lowercase();
    let named = q.contains("your name") || q.contains("full name") || q.contains("first and last") || q.contains("the name on");
    let who = q.contains("who am i speaking") || q.contains("who i'm speaking") || q.contains("who do i have");
    (named || who) && !["user name", "username", "company name", "business name", "name of the company"].iter().any(|x| q.contains(x))
}

/// True when a name field holds a caller ID cut at 15 characters whose last word is the start of a
/// business word ("RIVERBEND DENTA"): a business, not a person, by any rule.
pub(super) fn truncated_business_id(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() == 15 && t.contains(' ') && t.rsplit(' ').next().is_some_and(truncated_business)
}

/// True when `w` (four letters or more) is the start of a business word ("DENTA", "PLUMBI").
fn truncated_business(w: &str) -> bool {
    w.len() >= 4 && w.is_ascii() && super::negative::NOT_PERSON_WORDS.iter().any(|b| b.len() > w.len() && b.as_bytes().get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w.as_bytes())))
}
