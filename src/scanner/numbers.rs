//! Identifier detection: SSN, payment card (+ security code, expiry, PIN), bank account, IBAN, ABA
//! routing number, driver's licence.
//!
//! Design (measured, `BENCHMARKS.md`): candidates are generated from digits, not from a regex
//! pass. [`swar::next_digit`] jumps to the next digit; the digits, spaces and dashes around it form a
//! *token* with its group layout (`4111 1111 1111 1111` is 4-4-4-4 with spaces). The token's
//! neighbours reject numbers that are part of something else (hex SIDs, UUIDs, decimals, amounts,
//! dates, times, phone numbers); its layout and the validators decide what it is. Keyword cues are
//! looked up only for candidates that need one, in a window around them.
// Not yet converted to checked indexing (74 sites): byte scans whose every index is guarded by a
// bound check in the same loop or condition (`i < b.len()`, `e <= b.len()`). Covered by the property
// tests (tests/fuzz.rs, tests/fuzz_json.rs), tests/unicode.rs and the libFuzzer targets (fuzz/).
#![cfg_attr(not(test), expect(clippy::indexing_slicing, reason = "bounds-guarded byte scans, fuzzed; to convert"))]

use super::cues::{Cues, FieldHint};
use super::dl;
use super::swar::next_digit;
use super::validate;
use super::{Detector, Inner, Kind, Match, Part, PartKind};

/// At most this many digit groups make one token; longer runs are not identifiers.
const MAX_GROUPS: usize = 8;

/// A run of digit groups joined by one consistent separator.
#[derive(Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    groups: [u8; MAX_GROUPS],
    ends: [usize; MAX_GROUPS],
    n: usize,
    sep: Option<u8>,
    digits: [u8; 40],
    len: usize,
    /// Digits typed one at a time past [`MAX_GROUPS`] ("3 6 7 4 0 1 9 6 5"): the groups are not
    /// kept, every one being a single digit.
    singles: usize,
}

impl Token {
    fn layout(&self) -> &[u8] {
        &self.groups[..self.n]
    }
    fn digits(&self) -> &[u8] {
        &self.digits[..self.len]
    }
}

/// Reads the token that starts at digit `i`. Returns `None` (and the offset to resume at) when the run
/// is too long to be an identifier.
fn read_token(hay: &[u8], i: usize) -> Result<Token, usize> {
    let mut t = Token {
        start: i,
        end: i,
        groups: [0; MAX_GROUPS],
        ends: [0; MAX_GROUPS],
        n: 0,
        sep: None,
        digits: [0; 40],
        len: 0,
        singles: 0,
    };
    let mut p = i;
    loop {
        let gs = p;
        while p < hay.len() && hay[p].is_ascii_digit() {
            if t.len < t.digits.len() {
                t.digits[t.len] = hay[p];
            }
            t.len += 1;
            p += 1;
        }
        // Single digits apart: counted past the group limit (a card said one digit at a time).
        if t.n == MAX_GROUPS && p - gs == 1 && t.groups.iter().all(|&g| g == 1) && t.len <= t.digits.len() {
            t.singles += 1;
            t.ends[MAX_GROUPS - 1] = p;
            t.end = p;
        } else if t.n == MAX_GROUPS || t.len > t.digits.len() {
            // Skip the rest of this long run of digits and separators.
            while p < hay.len() && (hay[p].is_ascii_digit() || matches!(hay[p], b' ' | b'-' | b'.' | b'/')) {
                p += 1;
            }
            return Err(p);
        } else {
            t.groups[t.n] = (p - gs).min(255) as u8;
            t.ends[t.n] = p;
            t.n += 1;
            t.end = p;
        }
        // Continue over one separator followed by a digit; the separator must stay the same.
        if p + 1 < hay.len() && matches!(hay[p], b' ' | b'-' | b'.' | b'/') && hay[p + 1].is_ascii_digit() {
            match t.sep {
                None => t.sep = Some(hay[p]),
                Some(s) if s == hay[p] => {}
                Some(_) => break,
            }
            p += 1;
        } else {
            break;
        }
    }
    Ok(t)
}

/// True when a word in lower case starts at `at`, right after a digit: a signature or a sign-off
/// typed without a space ("…0474rosa delgado", "…2271best,", "…018sent from my phone"). The
/// letters run to a word's end and hold one letter past `f`, so a hex id ("…4a1fbc") is none.
#[inline]
fn word_after_digits(hay: &[u8], at: usize) -> bool {
    if !at.checked_sub(1).and_then(|i| hay.get(i)).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    // "…0528r.castellanos": an initial and its dot before the word; "…1196Sent by": a capital.
    let mut at = at;
    if hay.get(at).is_some_and(u8::is_ascii_lowercase) && hay.get(at + 1) == Some(&b'.') && hay.get(at + 2).is_some_and(u8::is_ascii_lowercase) {
        at += 2;
    } else if hay.get(at).is_some_and(u8::is_ascii_uppercase) && hay.get(at + 1).is_some_and(u8::is_ascii_lowercase) {
        at += 1;
    }
    let mut e = at;
    let mut past_hex = false;
    while let Some(&c) = hay.get(e).filter(|c| c.is_ascii_lowercase()) {
        past_hex |= c > b'f';
        e += 1;
    }
    e - at >= 2 && past_hex && hay.get(e).is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_')
}

/// True when the bytes around `hay[start..end]` make the number part of something else.
fn embedded(hay: &[u8], start: usize, end: usize) -> bool {
    glued_before(hay, start) || glued_after(hay, end)
}

fn digit(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_digit())
}

/// What stands before `start` makes the number part of something else: letters or digits (SIDs,
/// UUID groups, codes), a decimal, time, date or fraction ("1.5", "12:30", "06/02"), an amount or
/// phone sign, a hex group and dash (UUIDs), or a parenthesised area code ("(555) 867-5310").
fn glued_before(hay: &[u8], start: usize) -> bool {
    let before = start.checked_sub(1).map(|i| hay[i]);
    let before2 = start.checked_sub(2).map(|i| hay[i]);
    before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        || matches!(before, Some(b'.' | b',' | b':' | b'/')) && digit(before2)
        || matches!(before, Some(b'$' | b'+' | b'\xa3' | b'='))
        // A UUID's group before ("…-4a1f-8123"): a hex digit with a letter or digit before it, so a
        // licence letter standing alone ("E-504-882-985-823") is not one.
        || before == Some(b'-') && before2.is_some_and(|b| b.is_ascii_hexdigit()) && start >= 3 && hay[start - 3].is_ascii_alphanumeric()
        // A parenthesised area code: "(555) 867-5310".
        || before == Some(b' ') && before2 == Some(b')') && start >= 6 && hay[start - 6] == b'(' && hay[start - 5..start - 2].iter().all(u8::is_ascii_digit)
}

/// What stands after `end` makes the number part of something else: letters or digits, a decimal
/// or time continuing it, a percent sign, or a dash and hex group.
fn glued_after(hay: &[u8], end: usize) -> bool {
    let after = hay.get(end).copied();
    let after2 = hay.get(end + 1).copied();
    after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') && !word_after_digits(hay, end)
        || matches!(after, Some(b'.' | b',' | b':' | b'/')) && digit(after2)
        || after == Some(b'%')
        || after == Some(b'-') && after2.is_some_and(|b| b.is_ascii_hexdigit())
}

/// Card layouts with separators: 4-4-4-4, 4-6-5 (Amex), 4-6-4 (Diners), 4-4-4-4-3 (19 digits).
const CARD_LAYOUTS: &[&[u8]] = &[&[4, 4, 4, 4], &[4, 6, 5], &[4, 6, 4], &[4, 4, 4, 4, 3], &[4, 4, 4, 4, 2]];

/// Phone layouts that are never SSNs or accounts: 3-3-4, 1-3-3-4, 3-4.
const PHONE_LAYOUTS: &[&[u8]] = &[&[3, 3, 4], &[1, 3, 3, 4], &[3, 4]];

/// The cues that apply to a candidate: the field's, every cue in the window before it and a short
/// window after it, and the nearest identifier or not-PII cue before it (which decides between
/// kinds; a field-name hint outranks words in the text).
struct Context {
    all: Cues,
    nearest: Cues,
}

const IDENT_CUES: [Cues; 5] = [Cues::SSN, Cues::ROUTING, Cues::DL, Cues::ACCOUNT, Cues::CARD];

fn context(sc: &Inner, hay: &[u8], start: usize, end: usize, hint: &FieldHint) -> Context {
    // Speech is wordier than typing ("the account is under … and the number is …"): twice the window.
    let window = if hint.speech { sc.cue_window * 2 } else { sc.cue_window };
    let from = floor_char(hay, start.saturating_sub(window));
    let to = ceil_char(hay, (end + window / 2).min(hay.len()));
    // A cue speaks for its own sentence only ("your account is in good standing. FedEx 3461…").
    let from = memchr::memrchr3_iter(b'.', b'!', b'?', &hay[from..start])
        .map(|i| from + i)
        .find(|&i| sentence_break(hay, i))
        .max(memchr::memrchr(b'\n', &hay[from..start]).map(|i| from + i))
        .map_or(from, |i| i + 1);
    let stop = memchr::memchr3_iter(b'.', b'!', b'?', &hay[end..to]).map(|i| end + i).find(|&i| sentence_break(hay, i));
    let newline = memchr::memchr(b'\n', &hay[end..to]).map(|i| end + i);
    // (Option's `min` would take None as the least; the nearest present break is wanted.)
    let to = stop.into_iter().chain(newline).min().unwrap_or(to);
    let mut all = hint.cues;
    let mut nearest = hint.cues;
    sc.cues.for_each(hay, from, to, |h| {
        all |= h.cues;
        let decisive = h.cues.contains(Cues::NOT_PII) || IDENT_CUES.iter().any(|c| h.cues.contains(*c));
        if h.end <= start && decisive && hint.cues.is_empty() {
            nearest = h.cues;
        }
    });
    // Cues carried from an earlier sentence count when the sentence has none of its own.
    if !hint.carried.is_empty() {
        all |= hint.carried;
        if nearest.is_empty() {
            nearest = hint.carried;
        }
    }
    Context { all, nearest }
}

/// True when `hay[i]` ends a sentence: `.`, `!` or `?` followed by spaces and a letter, or a line
/// break. ("acct. 1234…" is not a break: a digit follows.)
fn sentence_break(hay: &[u8], i: usize) -> bool {
    match hay[i] {
        b'\n' => true,
        b'.' if abbreviation(hay, i) => false,
        b'.' | b'!' | b'?' => {
            let mut j = i + 1;
            let spaces = j;
            while j < hay.len() && hay[j] == b' ' {
                j += 1;
            }
            j > spaces && hay.get(j).is_some_and(|b| b.is_ascii_alphabetic() || *b >= 0x80)
        }
        _ => false,
    }
}

/// True when the '.' at `i` ends an abbreviation that introduces a number ("licence no. J 243 …",
/// "acct. 1234"), not a sentence.
fn abbreviation(hay: &[u8], i: usize) -> bool {
    let mut s = i;
    while s > 0 && hay[s - 1].is_ascii_alphabetic() && i - s < 5 {
        s -= 1;
    }
    let w = &hay[s..i];
    (s == 0 || !hay[s - 1].is_ascii_alphabetic())
        && ["no", "nr", "num", "lic", "acct", "acc", "dl", "sec", "soc", "ref", "tel"].iter().any(|a| w.eq_ignore_ascii_case(a.as_bytes()))
}

fn floor_char(hay: &[u8], mut i: usize) -> usize {
    while i > 0 && i < hay.len() && (hay[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

fn ceil_char(hay: &[u8], mut i: usize) -> usize {
    while i < hay.len() && (hay[i] & 0xC0) == 0x80 {
        i += 1;
    }
    i
}

/// Finds identifiers in `hay`, appending to `out`.
pub(super) fn scan(sc: &Inner, hay: &[u8], hint: &FieldHint, out: &mut Vec<Match>) {
    let mut pos = 0;
    while let Some(i) = next_digit(hay, pos) {
        // A letter run glued in front: a licence ("D1234567") or an IBAN ("GB82…").
        if i > 0 && hay[i - 1].is_ascii_alphabetic() {
            pos = alnum_token(sc, hay, i, hint, out);
            continue;
        }
        let t = match read_token(hay, i) {
            Ok(t) => t,
            Err(resume) => {
                pos = resume;
                continue;
            }
        };
        pos = t.end;
        let found = if t.len < 7 && !hint.cues.contains(Cues::DL) { None } else { classify(sc, hay, &t, hint) };
        let found = found.or_else(|| sep_card(sc, hay, &t, hint));
        match found {
            Some(m) => {
                let m = with_parts(sc, hay, m);
                pos = pos.max(m.end);
                out.push(m);
            }
            // Glued to letters after ("1Z999…", a UUID or hex group): the whole run is one code,
            // skip it rather than visiting each digit run inside it; an account number right after
            // its cue may be one ("brokerage account 7RK-40921-3").
            None if hay.get(pos).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') => {
                if let Some(m) = digit_first_dl(sc, hay, i, hint) {
                    pos = pos.max(m.end);
                    out.push(m);
                    continue;
                }
                if let Some(m) = hay.get(pos).is_some_and(u8::is_ascii_uppercase).then(|| cued_account(sc, hay, i, hint)).flatten() {
                    pos = pos.max(m.end);
                    out.push(m);
                    continue;
                }
                while pos < hay.len() && (hay[pos].is_ascii_alphanumeric() || hay[pos] == b'_' || hay[pos] == b'-') {
                    pos += 1;
                }
            }
            // "HX-5528107": capitals and a hyphen before the digits.
            None if i >= 2 && hay[i - 1] == b'-' && hay[i - 2].is_ascii_uppercase() => {
                if let Some(m) = cued_account(sc, hay, i, hint) {
                    pos = pos.max(m.end);
                    out.push(m);
                }
            }
            None => {}
        }
    }
}

/// A card with groups joined by a separator numbers do not otherwise use: underscores
/// ("5384_4730_9710_0204"), thousands commas a spreadsheet added ("6,011,633,595,544,133") or pipes
/// with spaces ("4075 | 6900 | 7200 | 3171"). Only a card is read this way (IIN, length, Luhn), so
/// lists and amounts keep their meaning.
fn sep_card(sc: &Inner, hay: &[u8], t: &Token, hint: &FieldHint) -> Option<Match> {
    if t.n != 1 || t.sep.is_some() || glued_before(hay, t.start) {
        return None;
    }
    let sep: &[u8] = match hay.get(t.end..)? {
        [b'_' | b',', d, ..] if d.is_ascii_digit() => &hay[t.end..t.end + 1],
        [b' ', b'|', b' ', d, ..] if d.is_ascii_digit() => b" | ",
        _ => return None,
    };
    let mut digits = [0u8; 19];
    let mut n = 0;
    let mut p = t.start;
    let mut end;
    loop {
        let gs = p;
        while p < hay.len() && hay[p].is_ascii_digit() {
            if n == digits.len() {
                return None;
            }
            digits[n] = hay[p];
            n += 1;
            p += 1;
        }
        if p == gs {
            return None;
        }
        end = p;
        if hay.get(p..p + sep.len()) == Some(sep) && hay.get(p + sep.len()).is_some_and(u8::is_ascii_digit) {
            p += sep.len();
        } else {
            break;
        }
    }
    if !(13..=19).contains(&n) || glued_after(hay, end) {
        return None;
    }
    card(sc, hay, &digits[..n], t.start, end, hint)
}

/// A card in any grouping a person types ("4007 94402176 1766", "52700321 51903296", "404 417 736
/// 620 158 6", "49-1644-8271-05-5937", "4981/2770/5364/4125", "3.0.1.2.8.8 …"): 13 to 19 digits in
/// groups of two or more (the last may be one digit), or one digit at a time, with one separator;
/// a brand's prefix and Luhn decide, as for any card.
/// The card may be followed by more groups (an expiry or a CVV on the next line): the longest run
/// of whole groups from the start that makes one is taken.
fn odd_card(sc: &Inner, hay: &[u8], t: &Token, hint: &FieldHint) -> Option<Match> {
    let layout = t.layout();
    let d = t.digits();
    if t.sep.is_none() || d.len() < 13 || glued_before(hay, t.start) {
        return None;
    }
    if t.singles > 0 || layout.iter().all(|&g| g == 1) {
        return ((13..=19).contains(&d.len()) && !glued_after(hay, t.end)).then(|| card(sc, hay, d, t.start, t.end, hint)).flatten();
    }
    // Whole groups from the start, longest first (no allocation: at most MAX_GROUPS prefixes).
    let mut sums = [0usize; MAX_GROUPS];
    let mut nd = 0;
    for (k, &g) in layout.iter().enumerate() {
        nd += g as usize;
        if let Some(slot) = sums.get_mut(k) {
            *slot = nd;
        }
    }
    (0..t.n).rev().find_map(|k| {
        let nd = sums.get(k).copied()?;
        if !(13..=19).contains(&nd) {
            return None;
        }
        // A digit alone between groups ("6011-0093-8-8172-442") only after a card cue, with dashes
        // or spaces, never first ("pi is 4.389755403996582" is a decimal).
        let whole = layout.get(..k).is_some_and(|rest| rest.iter().all(|&x| x >= 2))
            || matches!(t.sep, Some(b'-' | b' ')) && layout.first().is_some_and(|&g| g >= 2) && context(sc, hay, t.start, t.end, hint).all.contains(Cues::CARD);
        if !whole {
            return None;
        }
        let end = t.ends.get(k).copied()?;
        if k + 1 == t.n && glued_after(hay, end) {
            return None;
        }
        // What follows a card is an expiry or a CVV (two to four digits), not a stray digit.
        if layout.get(k + 1).is_some_and(|&g| !(2..=4).contains(&g)) {
            return None;
        }
        card(sc, hay, d.get(..nd)?, t.start, end, hint)
    })
}

fn classify(sc: &Inner, hay: &[u8], t: &Token, hint: &FieldHint) -> Option<Match> {
    // Slashes separate a card's groups only ("4981/2770/5364/4125"); anything else with them is a
    // date, a fraction or a path.
    if t.sep == Some(b'/') {
        return if CARD_LAYOUTS.contains(&t.layout()) || t.n >= 3 { odd_card(sc, hay, t, hint) } else { None };
    }
    // Dots separate groups only in the SSN and card layouts ("123.45.6789", "4111.1111.1111.1111")
    // and in a card typed oddly; anything else with dots is a decimal, a version, an address or a
    // date.
    if t.sep == Some(b'.') && t.layout() != [3, 2, 4] && !CARD_LAYOUTS.contains(&t.layout()) {
        return odd_card(sc, hay, t, hint);
    }
    // Cards first: a grouped card may be followed by more digits (a CVV), so try group prefixes.
    if t.sep.is_some() {
        for layout in CARD_LAYOUTS {
            if t.n >= layout.len() && &t.layout()[..layout.len()] == *layout {
                let nd: usize = layout.iter().map(|&g| g as usize).sum();
                let end = t.ends[layout.len() - 1];
                // Followed by more groups (a CVV written after the card), only the start must be free.
                let more_groups = t.n > layout.len();
                if !glued_before(hay, t.start) && (more_groups || !glued_after(hay, end)) {
                    if let Some(m) = card(sc, hay, &t.digits()[..nd], t.start, end, hint) {
                        return Some(m);
                    }
                }
            }
        }
    }
    // A card typed in an unusual grouping, perhaps with an expiry glued after it ("… 44197360
    // 07/29").
    if let Some(m) = odd_card(sc, hay, t, hint) {
        return Some(m);
    }
    if embedded(hay, t.start, t.end) {
        return None;
    }
    // Digits typed one at a time ("3 6 7 4 0 1 9 6 5"): read as the number they spell.
    if t.n + t.singles >= 9 && t.layout().iter().all(|&g| g == 1) {
        let mut one = Token { sep: None, n: 1, singles: 0, ..*t };
        one.groups[0] = (t.n + t.singles).min(255) as u8;
        one.ends[0] = t.end;
        // Typed that way on purpose, like digits keyed on a phone: nine of them with no cue are
        // read as an SSN.
        let keyed = FieldHint { uncued: true, ..*hint };
        return classify(sc, hay, &one, &keyed);
    }
    let d = t.digits();
    let layout = t.layout();
    if t.sep.is_none() && (12..=19).contains(&d.len()) {
        if let Some(m) = card(sc, hay, d, t.start, t.end, hint) {
            return Some(m);
        }
    }
    // SSN 3-2-4 with one separator used in both places.
    if layout == [3, 2, 4] && validate::is_ssn(d) {
        // Dashes and dots make the SSN shape on their own, unless a label right before it calls the
        // number something else ("order number 412-55-8831", "ticket # 530-71-2294") and no SSN
        // cue is near; spaces ("123 45 6789") need a cue.
        let ctx = context(sc, hay, t.start, t.end, hint);
        let other = labelled_other(hay, t.start) && !ctx.all.contains(Cues::SSN);
        if matches!(t.sep, Some(b'-' | b'.')) && !other || ctx.all.contains(Cues::SSN) {
            return Some(Match::new(Kind::Ssn, Detector::Ssn, t.start, t.end, 0.95));
        }
    }
    // An SSN layout that failed validation is not re-read as an account number.
    if layout == [3, 2, 4] {
        return None;
    }
    // Nine digits in another grouping ("2063 5881 7", "51 24 73 991") right after an SSN cue:
    // the cue says what they are, the SSA rules check them.
    if t.n >= 2 && d.len() == 9 && validate::is_ssn(d) && !labelled_other(hay, t.start) {
        let ctx = context(sc, hay, t.start, t.end, hint);
        if ctx.nearest.contains(Cues::SSN) {
            return Some(Match::new(Kind::Ssn, Detector::Ssn, t.start, t.end, 0.9));
        }
    }
    if PHONE_LAYOUTS.contains(&layout) || matches!(layout, [4, 2, 2] | [2, 2, 4] | [5, 4]) {
        return None;
    }
    // A capital standing alone before the groups, in a licence shape ("H 531 772 904 118",
    // "M-412-905-337-812"): a licence cue earlier in the text or the state next to it will do.
    if hay.get(t.start.wrapping_sub(2)).is_some_and(u8::is_ascii_uppercase) && letter_dl(hay, t, d) {
        let mut tok = [0u8; 21];
        tok[0] = hay[t.start - 2];
        tok[1..=d.len()].copy_from_slice(d);
        if dl_cue_wide(sc, hay, t.start - 2, t.end, hint, &tok[..=d.len()]) {
            return Some(Match::new(Kind::Dl, Detector::Dl, t.start - 2, t.end, 0.8));
        }
    }
    // Everything below needs a cue.
    let ctx = context(sc, hay, t.start, t.end, hint);
    let want = |c: Cues| ctx.all.contains(c);
    // Nine digits said aloud or keyed on the phone with no cue at all, valid as an SSN and not as a
    // routing number: on a call, that is what callers read out ("… for mrs okafor? six nine oh one
    // three five five oh seven") or key in. Typed, nine bare digits are anything.
    // Not counting ("one two three four five …"), and not a number labelled as something the cues
    // do not know ("policy number is …").
    if ctx.all.is_empty()
        && hint.uncued
        && t.sep.is_none()
        && d.len() == 9
        && validate::is_ssn(d)
        && !validate::is_aba(d)
        && !counting(d)
        && !labelled(hay, t.start)
    {
        return Some(Match::new(Kind::Ssn, Detector::SsnBare, t.start, t.end, UNCUED_CONFIDENCE));
    }
    // No cue, or the nearest cue says the number is an order, ticket, phone … number.
    if ctx.all.is_empty() || ctx.nearest.contains(Cues::NOT_PII) {
        return None;
    }
    let mut order: [Cues; 4] = [Cues::SSN, Cues::ROUTING, Cues::DL, Cues::ACCOUNT];
    if let Some(p) = order.iter().position(|c| ctx.nearest.contains(*c)) {
        order[..=p].rotate_right(1);
    }
    let mut return_start = t.start;
    for cue in order {
        if !want(cue) {
            continue;
        }
        let m = if cue == Cues::SSN && t.sep.is_none() && validate::is_ssn(d) {
            Some((Kind::Ssn, Detector::SsnBare, 0.85))
        } else if cue == Cues::ROUTING && t.sep.is_none() && validate::is_aba(d) {
            Some((Kind::Routing, Detector::Routing, 0.9))
        } else if cue == Cues::DL && letter_dl(hay, t, d) {
            // Michigan "A 123 456 789 012", Maryland "E-504-882-985-823": a letter standing alone
            // before the digit groups, with the same separator.
            return_start = t.start - 2;
            Some((Kind::Dl, Detector::Dl, 0.8))
        } else if cue == Cues::DL && dl::is_dl(d, state_near(sc, hay, t.start, t.end)) {
            // Printed with separators too: New York "123 456 789", Colorado "12-345-6789".
            Some((Kind::Dl, Detector::Dl, 0.8))
        } else if cue == Cues::ACCOUNT && (8..=17).contains(&d.len()) && !validate::all_same(d) {
            Some((Kind::Account, Detector::Account, 0.8))
        } else {
            None
        };
        if let Some((kind, det, conf)) = m {
            return Some(Match::new(kind, det, return_start, t.end, conf));
        }
    }
    None
}

/// The confidence of an SSN read with no cue (nine digits said or keyed): the walker finds such
/// findings by it, to drop them in a record that names an order or a claim.
pub(crate) const UNCUED_CONFIDENCE: f32 = 0.7;

/// True when five digits in a row count up or down ("12345", "98765"): someone counting.
fn counting(d: &[u8]) -> bool {
    d.windows(5).any(|w| w.windows(2).all(|p| p[1] == p[0] + 1) || w.windows(2).all(|p| p[0] == p[1] + 1))
}

/// The word of ASCII letters that ends where the bytes in `seps` before `end` begin: its start and
/// end (equal when no letter stands there).
fn word_before(hay: &[u8], end: usize, seps: &[u8]) -> (usize, usize) {
    let mut e = end;
    while e > 0 && hay.get(e - 1).is_some_and(|c| seps.contains(c)) {
        e -= 1;
    }
    let mut s = e;
    while s > 0 && hay.get(s - 1).is_some_and(u8::is_ascii_alphabetic) {
        s -= 1;
    }
    (s, e)
}

/// True when a label ends right before `start`: "policy number is", "… #", "member id:" (whatever it
/// numbers), not "the number is".
fn labelled(hay: &[u8], start: usize) -> bool {
    let mut i = start;
    for _ in 0..2 {
        let (s, e) = word_before(hay, i, b" :-.,");
        if e > 0 && hay.get(e - 1) == Some(&b'#') {
            return true;
        }
        i = s;
        let w = hay.get(s..e).unwrap_or_default();
        if ["number", "num", "no", "nbr", "id"].iter().any(|l| w.eq_ignore_ascii_case(l.as_bytes())) {
            // "policy number is …" names what it numbers; "the number is …" does not.
            let (j, k) = word_before(hay, s, b" ");
            let before = hay.get(j..k).unwrap_or_default();
            return !before.is_empty() && !["the", "my", "a", "your", "this", "that", "his", "her", "our", "their"].iter().any(|l| before.eq_ignore_ascii_case(l.as_bytes()));
        }
        if !["is", "was", "it's", "its"].iter().any(|l| w.eq_ignore_ascii_case(l.as_bytes())) {
            return false;
        }
    }
    false
}

/// True when the words right before `start` label the number as something that is not personal
/// data: "order number 412-55-8831", "ticket # 530-71-2294", "claim ref 229-40-7716", "booking
/// confirmation is 552-19-8873". Only a label word followed by nothing but "number", "#", "is" and
/// the like counts (a cue found inside a name, "EŞREF", does not).
fn labelled_other(hay: &[u8], start: usize) -> bool {
    const LABELS: &[&str] = &[
        "order", "ticket", "confirmation", "conf", "ref", "reference", "claim", "case", "invoice", "booking", "tracking", "reservation",
        "appointment", "appt", "policy", "rma", "inv", "receipt", "quote",
    ];
    const FILLERS: &[&str] = &["number", "no", "num", "nbr", "is", "was", "id", "code"];
    let mut i = start;
    for _ in 0..4 {
        // Back over separators, then one word.
        let (s, e) = word_before(hay, i, b" #:-.");
        i = s;
        if i == e || hay.get(i.wrapping_sub(1)).is_some_and(|c| c.is_ascii_alphanumeric() || *c >= 0x80) && i > 0 {
            return false;
        }
        let w = hay.get(i..e).unwrap_or_default();
        if LABELS.iter().any(|l| w.eq_ignore_ascii_case(l.as_bytes())) {
            return true;
        }
        if !FILLERS.iter().any(|f| w.eq_ignore_ascii_case(f.as_bytes())) {
            return false;
        }
    }
    false
}

/// A licence letter standing alone before the digit groups of `t`, with the same separator, that
/// makes a licence shape with them.
fn letter_dl(hay: &[u8], t: &Token, d: &[u8]) -> bool {
    let s = t.start;
    let letter = matches!(t.sep, Some(b' ' | b'-'))
        && s >= 2
        && Some(hay[s - 1]) == t.sep
        && hay[s - 2].is_ascii_alphabetic()
        && (s == 2 || !hay[s - 3].is_ascii_alphanumeric());
    if !letter || d.len() >= 20 {
        return false;
    }
    let mut tok = [0u8; 21];
    tok[0] = hay[s - 2].to_ascii_uppercase();
    tok[1..=d.len()].copy_from_slice(d);
    dl::is_dl(&tok[..=d.len()], None)
}

/// A licence that starts with digits and holds capitals ("09TRS41882" New Hampshire, "512KL3094"
/// Iowa, "482Q107736" Missouri, "2290471A" Vermont), read as one token from the digit at `i`.
fn digit_first_dl(sc: &Inner, hay: &[u8], i: usize, hint: &FieldHint) -> Option<Match> {
    if glued_before(hay, i) {
        return None;
    }
    let mut e = i;
    while e < hay.len() && (hay[e].is_ascii_digit() || hay[e].is_ascii_uppercase()) && e - i <= 20 {
        e += 1;
    }
    let tok = &hay[i..e];
    if hay.get(e).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c >= 0x80) || !tok.iter().any(u8::is_ascii_uppercase) {
        return None;
    }
    (dl::is_dl(tok, None) && dl_cue_wide(sc, hay, i, e, hint, tok)).then(|| Match::new(Kind::Dl, Detector::Dl, i, e, 0.85))
}

/// Evidence for a licence number that holds letters (a shape few other codes share): a licence cue
/// in its sentence as for any number, or one earlier in the text, up to [`DL_CUE_REACH`] bytes
/// back across sentences (a caption: "front of my license. Corinne Ashby. the # is hard to read:
/// WDL…"), or a state named next to it whose shapes it has ("Maryland # M-412-905-337-812"). Not
/// when a label calls it something else ("order # A1234567").
fn dl_cue_wide(sc: &Inner, hay: &[u8], s: usize, e: usize, hint: &FieldHint, tok: &[u8]) -> bool {
    if labelled_other(hay, s) {
        return false;
    }
    // The state's code or name right before it ("NJ B1247 31852 07413"), in that state's shape:
    // the word first, which rules out most numbers, then the states named in the 16 bytes before.
    if state_right_before(sc, hay, s) && sc.states.hint(&hay[floor_char(hay, s.saturating_sub(16))..s]).is_some_and(|st| dl::is_dl_of(tok, st)) {
        return true;
    }
    let ctx = context(sc, hay, s, e, hint);
    if ctx.nearest.contains(Cues::NOT_PII) {
        return false;
    }
    if ctx.all.contains(Cues::DL) || hint.carried.contains(Cues::DL) {
        return true;
    }
    let from = floor_char(hay, s.saturating_sub(DL_CUE_REACH));
    let mut earlier = false;
    sc.cues.for_each(hay, from, s, |h| earlier |= h.cues.contains(Cues::DL));
    earlier || state_near(sc, hay, s, e).is_some_and(|st| dl::is_dl_of(tok, st))
}

/// True when the word right before `s` (over spaces, a colon or "#") is a state's code in
/// capitals or the last word of its name.
fn state_right_before(sc: &Inner, hay: &[u8], s: usize) -> bool {
    let (ws, we) = word_before(hay, s, b" :#");
    let w = &hay[ws..we];
    we > ws && (w.len() == 2 && w.iter().all(u8::is_ascii_uppercase) || w.len() > 3) && sc.states.hint(w).is_some()
}

/// How far back a licence cue speaks for a number with letters in a licence shape.
const DL_CUE_REACH: usize = 160;

fn state_near(sc: &Inner, hay: &[u8], start: usize, end: usize) -> Option<dl::StateHint> {
    let from = floor_char(hay, start.saturating_sub(40));
    let to = ceil_char(hay, (end + 24).min(hay.len()));
    sc.states.hint(&hay[from..to])
}

fn card(sc: &Inner, hay: &[u8], d: &[u8], start: usize, end: usize, hint: &FieldHint) -> Option<Match> {
    // A 13-digit Visa (still in wallets, no longer issued) only with a card cue.
    if d.len() == 13 && d[0] == b'4' && validate::luhn(d) && !validate::all_same(d) {
        let ctx = context(sc, hay, start, end, hint);
        return (ctx.all.contains(Cues::CARD) && !ctx.nearest.contains(Cues::NOT_PII)).then(|| Match::new(Kind::Card, Detector::Card, start, end, 0.9));
    }
    let brand = validate::is_card(d)?;
    // IIN, length, layout and Luhn make a card, unless the nearest cue says it is something else (an
    // IMEI is 15 Luhn-valid digits by design; order, gift-card and tracking numbers, grouped or not:
    // "Order no. 4958 9426 7702 9560"). A Maestro number (12-19 digits, weak IIN) also needs a card
    // cue.
    let ctx = context(sc, hay, start, end, hint);
    if ctx.nearest.contains(Cues::NOT_PII) || brand == validate::CardBrand::Maestro && !ctx.all.contains(Cues::CARD) {
        return None;
    }
    let conf = 0.95;
    Some(Match::new(Kind::Card, Detector::Card, start, end, conf))
}

/// A letter run followed by digits: a licence shape after a licence cue, or an IBAN.
fn alnum_token(sc: &Inner, hay: &[u8], i: usize, hint: &FieldHint, out: &mut Vec<Match>) -> usize {
    let mut s = i;
    while s > 0 && hay[s - 1].is_ascii_alphabetic() {
        s -= 1;
    }
    let mut e = i;
    while e < hay.len() && hay[e].is_ascii_alphanumeric() && !(hay[e].is_ascii_lowercase() && word_after_digits(hay, e)) {
        e += 1;
    }
    let tok = &hay[s..e];
    let glued = |b: Option<&u8>| b.is_some_and(|b| *b == b'_' || *b >= 0x80);
    if glued(s.checked_sub(1).map(|p| &hay[p])) || glued(hay.get(e)) || tok.len() > 34 {
        return e;
    }
    if let Some((end, conf)) = iban(hay, s, e) {
        out.push(with_parts(sc, hay, Match::new(Kind::Account, Detector::Iban, s, end, conf)));
        return end;
    }
    let letters = i - s;
    // Washington: "WDL" and nine letters or digits.
    if tok.len() == 12 && tok[..3].eq_ignore_ascii_case(b"WDL") {
        if dl_cue_wide(sc, hay, s, e, hint, tok) || sc.states.hint(&hay[floor_char(hay, s.saturating_sub(40))..s]).is_some() {
            out.push(Match::new(Kind::Dl, Detector::Dl, s, e, 0.85));
        }
        return e;
    }
    if letters <= 3 && (2..=20).contains(&tok.len()) && !(s > 0 && hay[s - 1] == b'-') {
        // Printed with separators: Florida "A123-456-78-901-2", Illinois "A123-4567-8901",
        // New Jersey "A1234 56789 01234". The groups after the first are digits.
        let mut up = [0u8; 24];
        let mut n = 0;
        for b in tok {
            up[n] = b.to_ascii_uppercase();
            n += 1;
        }
        let mut end = e;
        if let Some(&sep) = hay.get(e).filter(|b| matches!(**b, b'-' | b' ')) {
            let mut p = e;
            while p + 1 < hay.len() && hay[p] == sep && hay[p + 1].is_ascii_digit() {
                let gs = p + 1;
                let mut ge = gs;
                while ge < hay.len() && hay[ge].is_ascii_digit() {
                    ge += 1;
                }
                if n + (ge - gs) > 20 || hay.get(ge).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_') {
                    break;
                }
                up[n..n + (ge - gs)].copy_from_slice(&hay[gs..ge]);
                n += ge - gs;
                end = ge;
                p = ge;
            }
        }
        let dangling = end == e && hay.get(e) == Some(&b'-');
        // A token with letters fits any state's shape or none (state hints only narrow all-digit
        // numbers), so check the shape before paying for the cue lookup.
        let capitals = hay[s..i].iter().all(u8::is_ascii_uppercase);
        let cued = |up: &[u8]| if capitals { dl_cue_wide(sc, hay, s, end, hint, up) } else { context(sc, hay, s, end, hint).all.contains(Cues::DL) };
        if !dangling && (6..=20).contains(&n) && dl::is_dl(&up[..n], None) && cued(&up[..n]) {
            out.push(Match::new(Kind::Dl, Detector::Dl, s, end, 0.85));
            return end;
        }
        // A brokerage or IRA account with a letter prefix ("Z27-481093", "X55102844") after an
        // account cue: one to three letters, then six digits or more, 7 to 14 in all.
        let digits = up[..n].iter().filter(|b| b.is_ascii_digit()).count();
        if !dangling && (1..=3).contains(&letters) && digits >= 6 && (7..=14).contains(&n) && up[letters..n].iter().all(u8::is_ascii_alphanumeric) {
            let ctx = context(sc, hay, s, end, hint);
            if ctx.all.contains(Cues::ACCOUNT) && !ctx.nearest.contains(Cues::NOT_PII) {
                out.push(Match::new(Kind::Account, Detector::Account, s, end, 0.75));
                return end;
            }
        }
    }
    // "JPM-K81557203": a firm's two to four capitals and a hyphen before a letter-prefixed account
    // number, after an account cue.
    if (1..=3).contains(&letters) && s >= 3 && hay[s - 1] == b'-' && tok.len() - letters >= 6 && tok.len() <= 14 && tok[letters..].iter().all(u8::is_ascii_digit) {
        let mut p = s - 1;
        while p > 0 && hay[p - 1].is_ascii_uppercase() {
            p -= 1;
        }
        if (2..=4).contains(&(s - 1 - p)) && (p == 0 || !hay[p - 1].is_ascii_alphanumeric() && hay[p - 1] < 0x80) {
            let ctx = context(sc, hay, p, e, hint);
            if ctx.all.contains(Cues::ACCOUNT) && !ctx.nearest.contains(Cues::NOT_PII) {
                out.push(Match::new(Kind::Account, Detector::Account, p, e, 0.75));
                return e;
            }
        }
    }
    // Capitals and digits only, as account numbers are printed (a SID's hex is in lower case).
    let printed = tok.len() <= 18 && tok.iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    if let Some(m) = printed.then(|| cued_account(sc, hay, i, hint)).flatten() {
        let end = m.end;
        out.push(m);
        return end.max(e);
    }
    e
}

/// An account number with capitals among its digits, right after its cue ("brokerage account
/// 7RK-40921-3", "roth account 2WB-71846-C", "acct # RPX-208846-3", "account HX-5528107"): the
/// token around the digit at `i` (capitals, digits, single hyphens, and groups after single spaces
/// when each holds a digit), 7 to 18 characters with one to four capitals and six digits or more,
/// and between the cue and the token nothing but ":", "#", "no", "number" or "is".
fn cued_account(sc: &Inner, hay: &[u8], i: usize, hint: &FieldHint) -> Option<Match> {
    // Most digit runs have no capital next to them ("2024 was", "$40"): out before any work.
    let mut d = i;
    while d < hay.len() && hay[d].is_ascii_digit() {
        d += 1;
    }
    let cap = |j: usize| hay.get(j).is_some_and(u8::is_ascii_uppercase);
    let capital_near = i > 0 && cap(i - 1)
        || i > 1 && hay[i - 1] == b'-' && hay[i - 2].is_ascii_alphanumeric()
        || cap(d)
        || matches!(hay.get(d), Some(b'-' | b' ')) && cap(d + 1);
    if !capital_near {
        return None;
    }
    let part = |c: u8| c.is_ascii_digit() || c.is_ascii_uppercase();
    let mut s = i;
    while s > 0 && (part(hay[s - 1]) || hay[s - 1] == b'-' && s >= 2 && part(hay[s - 2])) {
        s -= 1;
    }
    if s > 0 && (hay[s - 1].is_ascii_alphanumeric() || hay[s - 1] >= 0x80 || hay[s - 1] == b'_') {
        return None;
    }
    let mut e = i;
    loop {
        while e < hay.len() && part(hay[e]) {
            e += 1;
        }
        // A hyphen, or one space before a group that holds a digit ("5MX 28817 4").
        let sep = hay.get(e).copied();
        let next = e + 1;
        let mut g = next;
        while g < hay.len() && part(hay[g]) {
            g += 1;
        }
        let group_ok = g > next && hay[next..g].iter().any(u8::is_ascii_digit) && hay.get(g).is_none_or(|c| !c.is_ascii_alphanumeric());
        if sep == Some(b'-') && g > next || sep == Some(b' ') && group_ok && g - s <= 18 {
            e = g;
        } else {
            break;
        }
    }
    if hay.get(e).is_some_and(|c| c.is_ascii_alphanumeric() || *c >= 0x80 || *c == b'_') || !(7..=18).contains(&(e - s)) {
        return None;
    }
    let tok = &hay[s..e];
    let letters = tok.iter().filter(|c| c.is_ascii_uppercase()).count();
    let digits = tok.iter().filter(|c| c.is_ascii_digit()).count();
    if !(1..=4).contains(&letters) || digits < 6 {
        return None;
    }
    // The cue right before, read back word by word over labels (a few byte comparisons: this runs
    // on every code with capitals and digits, most of them order or ticket numbers).
    const LABELS: &[&[u8]] = &[b"no", b"number", b"num", b"nbr", b"is", b"nr"];
    const ACCOUNT: &[&[u8]] = &[
        b"account", b"acct", b"acc", b"a/c", b"brokerage", b"ira", b"roth", b"401k", b"fidelity", b"schwab", b"vanguard",
        b"etrade", b"ameritrade", b"merrill", b"robinhood", b"webull",
    ];
    let mut p = s;
    for _ in 0..4 {
        while p > 0 && matches!(hay[p - 1], b' ' | b':' | b'#' | b'.' | b'-' | b'\t') {
            p -= 1;
        }
        let mut w = p;
        while w > 0 && (hay[w - 1].is_ascii_alphanumeric() || hay[w - 1] == b'/') {
            w -= 1;
        }
        let word = &hay[w..p];
        if ACCOUNT.iter().any(|a| word.eq_ignore_ascii_case(a)) {
            return (!context(sc, hay, s, e, hint).nearest.contains(Cues::NOT_PII)).then(|| Match::new(Kind::Account, Detector::Account, s, e, 0.75));
        }
        if word.is_empty() || !LABELS.iter().any(|l| word.eq_ignore_ascii_case(l)) {
            return None;
        }
        p = w;
    }
    None
}

/// An IBAN starting at `s`: compact ("GB82WEST12345698765432", "ch9309000000312744805") or printed
/// in groups ("GB82 WEST 1234 …", "ES38-7541-8820-…", a last group of any length). Upper or lower
/// case, one separator throughout. The country's length ends it, so a signature glued after the
/// last character ("…440271Sanne de Wit", "…294401r.mcgrath") is not read into it; the check
/// digits decide.
fn iban(hay: &[u8], s: usize, first_end: usize) -> Option<(usize, f32)> {
    let tok = &hay[s..first_end];
    if tok.len() < 4 || !tok[..2].iter().all(u8::is_ascii_alphabetic) || !tok[2..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    // One case for the letters: "GB82West…" is not an IBAN typed by anyone.
    let upper = tok[..2].iter().all(u8::is_ascii_uppercase);
    if !upper && !tok[..2].iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let want = validate::iban_len([tok[0].to_ascii_uppercase(), tok[1].to_ascii_uppercase()])?;
    let mut buf = [0u8; 34];
    let mut n = 0;
    let mut end = s;
    let same_case = |c: u8| c.is_ascii_digit() || if upper { c.is_ascii_uppercase() } else { c.is_ascii_lowercase() };
    // The first group (the letter run and what is glued to it), cut at the country's length.
    for (k, &c) in tok.iter().enumerate() {
        if n == want || !same_case(c) {
            break;
        }
        buf[n] = c.to_ascii_uppercase();
        n += 1;
        end = s + k + 1;
    }
    if end == first_end && n < want {
        // Printed form: whole groups of one to four after one separator, the same one throughout
        // (dashes only in capitals: lower-case hex with dashes is a UUID).
        let sep = hay.get(end).copied().filter(|b| *b == b' ' || *b == b'-' && upper)?;
        while n < want && hay.get(end) == Some(&sep) {
            // Two spaces between groups are typed too ("NO17  1503  4277  181").
            let gs = if sep == b' ' && hay.get(end + 1) == Some(&b' ') { end + 2 } else { end + 1 };
            let mut ge = gs;
            while ge < hay.len() && same_case(hay[ge]) {
                ge += 1;
            }
            if ge == gs || ge - gs > 4 || n + (ge - gs) > want || hay.get(ge).is_some_and(u8::is_ascii_alphanumeric) {
                return None;
            }
            for &c in &hay[gs..ge] {
                buf[n] = c.to_ascii_uppercase();
                n += 1;
            }
            end = ge;
        }
    } else if end < first_end {
        // Cut at the country's length inside one token: only a signature in letters may follow
        // ("…440271Sanne"), not more digits.
        if hay[end..first_end].iter().any(u8::is_ascii_digit) {
            return None;
        }
    }
    if n != want || hay.get(end).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    validate::is_iban(&buf[..n]).then_some((end, 0.95))
}

/// Security code, expiry or PIN written just after a card or account number.
fn with_parts(sc: &Inner, hay: &[u8], mut m: Match) -> Match {
    if !matches!(m.kind, Kind::Card | Kind::Account) {
        return m;
    }
    let to = ceil_char(hay, (m.end + sc.cue_window).min(hay.len()));
    // Every part (CVV, PIN, expiry) holds a digit: no digit after the number, no part.
    if !hay[m.end..to].iter().any(u8::is_ascii_digit) {
        return m;
    }
    let mut parts = Vec::new();
    sc.cues.for_each(hay, m.end, to, |h| {
        let kind = if h.cues.contains(Cues::CVV) {
            PartKind::SecurityCode
        } else if h.cues.contains(Cues::PIN) {
            PartKind::Pin
        } else if h.cues.contains(Cues::EXPIRY) {
            PartKind::Expiry
        } else {
            return;
        };
        // Skip a little filler ("CVV: ", "PIN is ") then read the value.
        let mut p = h.end;
        let limit = (p + 8).min(hay.len());
        while p < limit && !hay[p].is_ascii_digit() {
            p += 1;
        }
        let vs = p;
        while p < hay.len() && (hay[p].is_ascii_digit() || (kind == PartKind::Expiry && hay[p] == b'/')) {
            p += 1;
        }
        let v = &hay[vs..p];
        let ok = match kind {
            PartKind::SecurityCode => (3..=4).contains(&v.len()),
            PartKind::Pin => (4..=8).contains(&v.len()),
            PartKind::Expiry => v.contains(&b'/') && (4..=7).contains(&v.len()),
        };
        if ok && hay.get(p).is_none_or(|b| !b.is_ascii_alphanumeric()) {
            parts.push(Part { kind, start: vs, end: p });
        }
    });
    m.parts = parts;
    m
}

#[cfg(test)]
mod tests;
