//! A normalised view of speech-to-text output for the identifier rules: numbers said as words become
//! digits, and letters spelled for a licence become upper-case letters glued to its digits.
//!
//! Understood, in English and Spanish:
//! - digits one by one ("four one one one", "cuatro uno uno"), "oh" for zero inside a number,
//!   "double five", "triple seven", teens and tens ("forty two", "nineteen eighty", "treinta y dos",
//!   "veintidós"), hundreds and thousands ("four hundred and twelve", "ciento doce", "two thousand
//!   five");
//! - numerals standing apart ("4 1 4 7, 2 0 9 …") and mixtures of numerals and words
//!   ("4 1 4 seven two");
//! - a filler inside a number ("four one uh one one"), and a hesitation between two parts of one
//!   ("five three one um twenty, let me see, eight four");
//! - a correction: the part after "sorry", "no wait", "I mean", "actually" replaces the number from
//!   where it repeats it ("… six six one four no sorry six six one three" is "…6613");
//! - spelled letters next to digits: "D as in David", "B like boy", "D de dedo", a single letter, and
//!   NATO words ("Delta seven …"); "o", "a", "i" and "y" among spelled letters, and an IBAN's
//!   country code said as one word ("g b eight eight l o y d …", "pl nine two …").
//!
//! A number said in groups keeps them only in the SSN (3-2-4) and ZIP+4 (5-4) layouts; any other
//! grouping follows the speaker's breath and becomes one run of digits, whose cues decide what it is
//! ("five five five, eight six seven, five three oh nine" after "call me at" is a phone number). Offsets map back to the original text: a span covers the words it was read
//! from, from the first word's start to the last word's end.
//!
//! Not understood: ordinals ("first", "second"), fractions and decimals said as words ("point five"),
//! number words in other languages, letters spelled without digits (a spelled name is read by the
//! name rules from the words around it, not from the letters).
// Not yet converted to checked indexing (54 sites): byte scans whose every index is guarded by a
// bound check in the same loop or condition (`i < b.len()`, `e <= b.len()`). Covered by the property
// tests (tests/fuzz.rs, tests/fuzz_json.rs), tests/unicode.rs and the libFuzzer targets (fuzz/).
#![cfg_attr(not(test), expect(clippy::indexing_slicing, reason = "bounds-guarded byte scans, fuzzed; to convert"))]

use crate::scanner::slice::{slice};
use super::view::View;

/// What a word says, as part of a number.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    /// A numeral as written ("4111").
    Digits,
    /// 0-9.
    Unit(u8),
    /// 10-19.
    Teen(u8),
    /// 20-90 (the tens digit).
    Tens(u8),
    /// A Spanish 21-29 in one word ("veintidós").
    TwentyX(u8),
    /// "hundred", "cien".
    Hundred,
    /// A Spanish hundreds word with its digit ("ciento" 1, "doscientos" 2 …).
    Hundreds(u8),
    /// "thousand", "mil".
    Thousand,
    /// "double", "doble": the next digit twice.
    Double,
    /// "triple": the next digit three times.
    Triple,
    /// "and" / "y" between parts of one number.
    And,
    /// "uh", "um": skipped inside a number.
    Filler,
    /// A spelled letter (a single letter, "D as in David", a NATO word).
    Letter(u8),
    /// "oh": zero, only next to other digits.
    Oh,
    /// A word that is a number only next to another number word ("once", "un", "una").
    Weak(u8),
    /// Any other word.
    Other,
}

const UNITS: &[(&str, u8)] = &[
    ("zero", 0), ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7), ("eight", 8), ("nine", 9),
    ("cero", 0), ("uno", 1), ("dos", 2), ("tres", 3), ("cuatro", 4), ("cinco", 5), ("seis", 6), ("siete", 7), ("ocho", 8), ("nueve", 9),
];
const TEENS: &[(&str, u8)] = &[
    ("ten", 10), ("eleven", 11), ("twelve", 12), ("thirteen", 13), ("fourteen", 14), ("fifteen", 15), ("sixteen", 16),
    ("seventeen", 17), ("eighteen", 18), ("nineteen", 19),
    ("diez", 10), ("doce", 12), ("trece", 13), ("catorce", 14), ("quince", 15), ("dieciséis", 16), ("dieciseis", 16),
    ("diecisiete", 17), ("dieciocho", 18), ("diecinueve", 19),
];
const TENS: &[(&str, u8)] = &[
    ("twenty", 2), ("thirty", 3), ("forty", 4), ("fourty", 4), ("fifty", 5), ("sixty", 6), ("seventy", 7), ("eighty", 8), ("ninety", 9),
    ("veinte", 2), ("treinta", 3), ("cuarenta", 4), ("cincuenta", 5), ("sesenta", 6), ("setenta", 7), ("ochenta", 8), ("noventa", 9),
];
const TWENTY_X: &[(&str, u8)] = &[
    ("veintiuno", 1), ("veintiún", 1), ("veintidós", 2), ("veintidos", 2), ("veintitrés", 3), ("veintitres", 3), ("veinticuatro", 4),
    ("veinticinco", 5), ("veintiséis", 6), ("veintiseis", 6), ("veintisiete", 7), ("veintiocho", 8), ("veintinueve", 9),
];
const HUNDREDS: &[(&str, u8)] = &[
    ("ciento", 1), ("doscientos", 2), ("trescientos", 3), ("cuatrocientos", 4), ("quinientos", 5), ("seiscientos", 6),
    ("setecientos", 7), ("ochocientos", 8), ("novecientos", 9),
];
const NATO: &[&str] = &[
    "alpha", "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "juliett", "kilo", "lima",
    "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "x-ray", "xray",
    "yankee", "zulu",
];

/// Every number word, connector, filler and NATO letter, by lower-case spelling: one hash lookup
/// per word.
fn vocabulary() -> &'static rustc_hash::FxHashMap<&'static str, Tok> {
    static MAP: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, Tok>> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = rustc_hash::FxHashMap::default();
        let tables = [UNITS, TEENS, TENS, TWENTY_X, HUNDREDS];
        let toks: [fn(u8) -> Tok; 5] = [Tok::Unit, Tok::Teen, Tok::Tens, Tok::TwentyX, Tok::Hundreds];
        for (table, tok) in tables.into_iter().zip(toks) {
            for &(w, d) in table {
                m.insert(w, tok(d));
            }
        }
        for (w, t) in [
            ("oh", Tok::Oh),
            ("once", Tok::Weak(11)),
            ("un", Tok::Weak(1)),
            ("una", Tok::Weak(1)),
            ("hundred", Tok::Hundred),
            ("hundreds", Tok::Hundred),
            ("cien", Tok::Hundred),
            ("thousand", Tok::Thousand),
            ("mil", Tok::Thousand),
            ("double", Tok::Double),
            ("doble", Tok::Double),
            ("triple", Tok::Triple),
            ("and", Tok::And),
        ] {
            m.insert(w, t);
        }
        // Fillers said inside a number ("four seven six um six six three like six nine three").
        for w in ["uh", "uhh", "um", "uhm", "umm", "er", "erm", "ah", "eh", "hmm", "hm", "mm", "mhm", "mmhm", "huh", "like", "este"] {
            m.insert(w, Tok::Filler);
        }
        for w in NATO {
            m.insert(w, Tok::Letter(w.as_bytes()[0].to_ascii_uppercase()));
        }
        m
    })
}

/// What `word` is, as part of a spoken number.
fn classify(word: &str) -> Tok {
    let b = word.as_bytes();
    if b[0].is_ascii_digit() {
        return if b.iter().all(u8::is_ascii_digit) { Tok::Digits } else { Tok::Other };
    }
    // Lower-case "y" is Spanish "and"; a capital "Y" before digits is the letter. Lower-case "o"
    // between digits is zero ("four o one"); a capital "O" is the letter.
    if b == b"y" {
        return Tok::And;
    }
    if b == b"o" {
        return Tok::Oh;
    }
    if b.len() == 1 {
        // "a" and "I" are words first; they spell a letter only as "A as in apple".
        return if b[0].is_ascii_alphabetic() && !matches!(b[0], b'a' | b'A' | b'i' | b'I') { Tok::Letter(b[0].to_ascii_uppercase()) } else { Tok::Other };
    }
    if b.len() > 14 {
        return Tok::Other;
    }
    let mut buf = [0u8; 14];
    for (i, c) in b.iter().enumerate() {
        buf[i] = c.to_ascii_lowercase();
    }
    let Ok(w) = std::str::from_utf8(&buf[..b.len()]) else { return Tok::Other };
    vocabulary().get(w).copied().unwrap_or(Tok::Other)
}

/// True for a word that says a number by itself.
fn numeric(t: Tok) -> bool {
    matches!(t, Tok::Digits | Tok::Unit(_) | Tok::Teen(_) | Tok::Tens(_) | Tok::TwentyX(_) | Tok::Hundred | Tok::Hundreds(_) | Tok::Thousand | Tok::Double | Tok::Triple)
}

/// True for a number said as a word (not a numeral).
fn word_number(t: Tok) -> bool {
    numeric(t) && t != Tok::Digits
}

/// The words of `text` as byte ranges: letters (any script) and apostrophes, or digits; "x-ray" is
/// one word.
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && !word_byte(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let s = i;
        let digits = b[i].is_ascii_digit();
        while i < b.len() && word_byte(b[i]) && b[i].is_ascii_digit() == digits {
            i += 1;
        }
        if i + 3 < b.len() && b[i] == b'-' && slice(text, s, i).eq_ignore_ascii_case("x") && b[i + 1..i + 4].eq_ignore_ascii_case(b"ray") {
            i += 4;
        }
        Some((s, i))
    })
}

fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b == b'\''
}

/// True when `text` holds a number said as words or digits said one at a time: the cheap test
/// before a view is built.
pub(crate) fn has_spoken_number(text: &str) -> bool {
    let b = text.as_bytes();
    // Single digits standing apart ("4 1 4 7"), not typed groups ("9400 0230").
    let single = |i: usize| b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) && b.get(i + 1).is_none_or(|c| !c.is_ascii_digit());
    let spaced = b.windows(3).enumerate().filter(|(i, w)| matches!(w[1], b' ' | b',') && single(*i) && single(i + 2)).nth(1).is_some();
    spaced || words(text).any(|(s, e)| e - s >= 2 && word_number(classify(slice(text, s, e))))
}

/// Words said before or after a number in an answer that are not part of it.
fn lead_in(t: Tok, w: &str) -> bool {
    matches!(t, Tok::And | Tok::Filler) || ["it's", "its", "it", "is", "that's", "then", "okay", "ok", "yes", "yeah", "sure", "so", "es", "son", "sí", "si"].iter().any(|x| w.eq_ignore_ascii_case(x))
}

/// True when `text` ends with a number (a numeral or a number word, after trailing punctuation and
/// fillers): a sentence that may go on in the next one.
pub(crate) fn ends_with_number(text: &str) -> bool {
    last_words(text).into_iter().flatten().map(|(s, e)| (classify(slice(text, s, e)), slice(text, s, e))).find(|(t, w)| !matches!(t, Tok::Filler) && !lead_in(*t, w) || numeric(*t)).is_some_and(|(t, _)| numeric(t) || t == Tok::Oh)
}

/// The last three words of `text`, the last first, read backwards from its end (the same words as
/// [`words`] gives, without reading the rest of the text: this runs on every sentence of a
/// transcript).
fn last_words(text: &str) -> [Option<(usize, usize)>; 3] {
    let b = text.as_bytes();
    let mut out = [None; 3];
    let mut i = b.len();
    for slot in &mut out {
        while i > 0 && !word_byte(b[i - 1]) {
            i -= 1;
        }
        if i == 0 {
            break;
        }
        let e = i;
        let digits = b[i - 1].is_ascii_digit();
        while i > 0 && word_byte(b[i - 1]) && b[i - 1].is_ascii_digit() == digits {
            i -= 1;
        }
        // "x-ray" is one word, as `words` reads it.
        if !digits && slice(text, i, e).eq_ignore_ascii_case("ray") && i >= 2 && b[i - 1] == b'-' && b[i - 2].eq_ignore_ascii_case(&b'x') && (i == 2 || !word_byte(b[i - 3])) {
            i -= 2;
        }
        *slot = Some((i, e));
    }
    out
}

/// True when `text` goes on a number read in the sentence before: it starts with a number (after a
/// few words such as "and", "uh", "it's") and says little else ("Nine five two seven.", "Eighty
/// four, seventeen forty six, got it?"), not "One two three, can you hear me okay?".
pub(crate) fn continues_number(text: &str) -> bool {
    if !starts_with_number(text) {
        return false;
    }
    let ws: Vec<(usize, usize)> = words(text).collect();
    let last_number = ws.iter().rposition(|&(s, e)| {
        let t = classify(slice(text, s, e));
        numeric(t) || t == Tok::Oh || matches!(t, Tok::Letter(_))
    });
    last_number.is_some_and(|k| ws.len() - 1 - k <= 3)
}

/// Where the number a sentence ends with starts, when an aside with no number comes before it
/// ("sorry, the dog, hang on, okay, seven four", "wait is this the one you need? okay so oh five
/// eight"): the aside, at most twelve words, holds no digit and no number word. `None` for a
/// sentence that starts with its number (see [`starts_with_number`]) or holds another.
pub(crate) fn number_after_aside(text: &str) -> Option<usize> {
    if !ends_with_number(text) {
        return None;
    }
    let part = |t: Tok| numeric(t) || t == Tok::Oh || matches!(t, Tok::And | Tok::Filler);
    // One pass, no allocation: the trailing run of number words (with "oh", "and" and fillers
    // inside it) and what stands before it.
    let (mut aside, mut aside_number) = (0usize, false);
    let (mut tail, mut tail_number, mut first) = (0usize, false, None);
    for (s, e) in words(text) {
        let t = classify(slice(text, s, e));
        if part(t) {
            tail += 1;
            tail_number |= numeric(t);
            if first.is_none() && (numeric(t) || t == Tok::Oh) {
                first = Some(s);
            }
        } else {
            aside += tail + 1;
            aside_number |= tail_number;
            (tail, tail_number, first) = (0, false, None);
            if aside > 12 || aside_number {
                return None;
            }
        }
    }
    (aside > 0).then_some(first).flatten()
}

/// True when `text` starts with a number (after a few words such as "and", "uh", "it's").
pub(crate) fn starts_with_number(text: &str) -> bool {
    words(text).take(4).map(|(s, e)| (classify(slice(text, s, e)), slice(text, s, e))).find(|(t, w)| !lead_in(*t, w) || numeric(*t)).is_some_and(|(t, _)| numeric(t) || t == Tok::Oh || matches!(t, Tok::Letter(_)))
}

/// One word of a run: where it is, what it says, and what stands before it.
#[derive(Clone, Copy, Debug)]
struct W {
    s: usize,
    e: usize,
    t: Tok,
    /// A pause (comma, period, semicolon, dash between numerals) stands before this word.
    pause: bool,
    /// The pause is a period (the end of a spoken sentence).
    period: bool,
    /// Something that ends a number (a question or exclamation mark, a colon, a line break,
    /// brackets or quotes) stands before this word.
    stop: bool,
}

/// The words of `text`, classified, with spelled letters ("D as in David") folded into one word.
fn tokens(text: &str) -> Vec<W> {
    let b = text.as_bytes();
    let mut out: Vec<W> = Vec::new();
    let mut prev_end = 0;
    let all: Vec<(usize, usize)> = words(text).collect();
    let iban = memchr::memmem::find(text.to_ascii_lowercase().as_bytes(), b"iban").is_some();
    let mut k = 0;
    while k < all.len() {
        let (s, mut e) = all[k];
        let gap = &b[prev_end..s];
        let stop = gap.iter().any(|c| matches!(c, b'?' | b'!' | b':' | b'\n' | b'(' | b')' | b'"' | b'[' | b']' | b'/'));
        let pause = gap.iter().any(|c| matches!(c, b',' | b'.' | b';')) || gap.contains(&b'-') && b[s].is_ascii_digit();
        let mut t = classify(slice(text, s, e));
        // "D as in David", "B like boy", "S for Sam", "D de dedo": one letter.
        if e - s == 1 && b[s].is_ascii_alphabetic() {
            let w = |i: usize| all.get(k + i).map(|&(x, y)| slice(text, x, y));
            let joined = |i: usize| all.get(k + i).is_some_and(|&(x, _)| !b[all[k + i - 1].1..x].iter().any(|c| matches!(c, b'.' | b'?' | b'!' | b'\n')));
            let step = if w(1).is_some_and(|x| x.eq_ignore_ascii_case("as")) && w(2).is_some_and(|x| x.eq_ignore_ascii_case("in")) && joined(3) {
                3
            } else if w(1).is_some_and(|x| ["like", "for", "de", "como", "come"].iter().any(|c| x.eq_ignore_ascii_case(c))) && joined(2) {
                2
            } else {
                0
            };
            if step > 0 && w(step).is_some_and(|x| x.as_bytes()[0].eq_ignore_ascii_case(&b[s])) {
                t = Tok::Letter(b[s].to_ascii_uppercase());
                e = all[k + step].1;
                k += step;
            }
        }
        let period = gap.contains(&b'.');
        // An IBAN's country code said as one word ("pl nine two four …") when the text names an
        // IBAN: two letters.
        if t == Tok::Other && e - s == 2 && iban && iban_country(&b[s..e]) && all.get(k + 1).is_some_and(|&(x, y)| numeric(classify(slice(text, x, y)))) {
            out.push(W { s, e: s + 1, t: Tok::Letter(b[s].to_ascii_uppercase()), pause, period, stop });
            out.push(W { s: s + 1, e, t: Tok::Letter(b[s + 1].to_ascii_uppercase()), pause: false, period: false, stop: false });
            prev_end = e;
            k += 1;
            continue;
        }
        out.push(W { s, e, t, pause, period, stop });
        prev_end = e;
        k += 1;
    }
    spelled_letters(text, &mut out);
    out
}

/// "a", "i" and "y" are words first ("a", "I", Spanish "and"); among spelled letters they are
/// letters: "l o y d", "i e six six b o f i five …".
fn spelled_letters(text: &str, ws: &mut [W]) {
    let b = text.as_bytes();
    let letterish = |w: Option<&W>| w.is_some_and(|w| matches!(w.t, Tok::Letter(_)) || w.t == Tok::Oh && w.e - w.s == 1);
    for i in 0..ws.len() {
        let w = ws[i];
        let c = b[w.s];
        if w.e - w.s != 1 || !matches!(c, b'a' | b'A' | b'i' | b'I' | b'y' | b'Y') || !matches!(w.t, Tok::Other | Tok::And) {
            continue;
        }
        let before = letterish(i.checked_sub(1).and_then(|p| ws.get(p))) && !w.pause;
        let next = ws.get(i + 1).filter(|x| !x.pause);
        let after = letterish(next) || next.is_some_and(|x| numeric(x.t));
        // Starting a spelling: another letter, then a number ("i e six six …").
        let starts = letterish(next) && ws.get(i + 2).is_some_and(|x| numeric(x.t));
        // An IBAN's bank code between its check digits and the account ("one five a i b k nine",
        // "six five i n g b zero"): after a digit, single letters up to the next digit, two at least.
        let code = i.checked_sub(1).and_then(|p| ws.get(p)).is_some_and(|p| numeric(p.t)) && !w.pause && letter_run(b, ws, i) >= 2;
        if before && after || starts || code {
            ws[i].t = Tok::Letter(c.to_ascii_uppercase());
        }
    }
}

/// How many single-letter words run from `ws[i]` without a pause up to a number word (0 when no
/// number ends them).
fn letter_run(b: &[u8], ws: &[W], i: usize) -> usize {
    for (n, w) in ws.iter().skip(i).enumerate() {
        if numeric(w.t) && n > 0 {
            return n;
        }
        if w.e - w.s != 1 || !b.get(w.s).is_some_and(u8::is_ascii_alphabetic) || n > 0 && w.pause {
            return 0;
        }
    }
    0
}

/// True when `cc` (two letters, any case) is a country code of an IBAN.
fn iban_country(cc: &[u8]) -> bool {
    const CODES: &[&str] = &[
        "ad", "ae", "al", "at", "az", "ba", "be", "bg", "bh", "br", "by", "ch", "cr", "cy", "cz", "de", "dk", "do", "ee", "eg", "es", "fi", "fo",
        "fr", "gb", "ge", "gi", "gl", "gr", "gt", "hr", "hu", "ie", "il", "iq", "is", "it", "jo", "kw", "kz", "lb", "lc", "li", "lt", "lu", "lv",
        "mc", "md", "me", "mk", "mr", "mt", "mu", "nl", "no", "pk", "pl", "ps", "pt", "qa", "ro", "rs", "sa", "se", "si", "sk", "sm", "tn", "tr",
        "ua", "vg", "xk",
    ];
    CODES.iter().any(|c| cc.eq_ignore_ascii_case(c.as_bytes()))
}

/// Digits and letters read from a run, each with the original range it came from.
#[derive(Default)]
struct Read {
    chars: Vec<(u8, u32, u32)>,
    /// Where each group after the first starts (indices into `chars`).
    breaks: Vec<usize>,
}

impl Read {
    fn push(&mut self, c: u8, s: usize, e: usize) {
        self.chars.push((c, s as u32, e as u32));
    }
    fn push_n(&mut self, n: u32, width: usize, s: usize, e: usize) {
        let mut digits = [0u8; 8];
        let mut v = n;
        for i in (0..width).rev() {
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        for &c in &digits[..width] {
            self.push(c, s, e);
        }
    }
}

/// A number below 100 starting at `ws[i]` (a teen, tens with an optional unit, or a unit), with the
/// index after it.
fn below_100(ws: &[W], i: usize) -> Option<(u32, usize)> {
    let w = ws.get(i)?;
    match w.t {
        Tok::Teen(n) | Tok::Weak(n @ 11) => Some((u32::from(n), i + 1)),
        Tok::TwentyX(d) => Some((20 + u32::from(d), i + 1)),
        Tok::Tens(t) => {
            // "forty two", "treinta y dos"; not "forty, two".
            let mut j = i + 1;
            if ws.get(j).is_some_and(|x| x.t == Tok::And && !x.pause) && ws.get(j + 1).is_some_and(|x| matches!(x.t, Tok::Unit(1..=9))) {
                j += 1;
            }
            match ws.get(j) {
                Some(x) if !x.pause && matches!(x.t, Tok::Unit(1..=9) | Tok::Weak(1)) => {
                    let d = match x.t {
                        Tok::Unit(d) => d,
                        _ => 1,
                    };
                    Some((u32::from(t) * 10 + u32::from(d), j + 1))
                }
                _ => Some((u32::from(t) * 10, i + 1)),
            }
        }
        Tok::Unit(d) => Some((u32::from(d), i + 1)),
        _ => None,
    }
}

/// The rest of a hundreds phrase after index `i` ("(and) twelve"), or 0 and `i`.
fn hundreds_rest(ws: &[W], i: usize) -> (u32, usize) {
    let mut j = i;
    if ws.get(j).is_some_and(|x| x.t == Tok::And && !x.pause) {
        j += 1;
    }
    match ws.get(j) {
        Some(x) if !x.pause && !matches!(ws.get(j + 1).map(|y| y.t), Some(Tok::Hundred | Tok::Thousand)) => below_100(ws, j).unwrap_or((0, i)),
        _ => (0, i),
    }
}

fn is(ws: &[W], i: usize, t: Tok) -> bool {
    ws.get(i).is_some_and(|x| x.t == t && !x.pause)
}

/// Turns the words of one run into digits and letters.
fn read_run(text: &str, ws: &[W]) -> Read {
    let mut out = Read::default();
    let mut i = 0;
    while i < ws.len() {
        let w = ws[i];
        if w.pause && !out.chars.is_empty() && out.breaks.last() != Some(&out.chars.len()) {
            out.breaks.push(out.chars.len());
        }
        let unit = match w.t {
            Tok::Unit(d) => Some(d),
            Tok::Weak(1) => Some(1),
            _ => None,
        };
        match w.t {
            Tok::Digits => {
                for (k, c) in text.as_bytes()[w.s..w.e].iter().enumerate() {
                    out.push(*c, w.s + k, w.s + k + 1);
                }
                i += 1;
            }
            _ if unit.is_some() && is(ws, i + 1, Tok::Hundred) => {
                let (rest, end) = hundreds_rest(ws, i + 2);
                out.push_n(u32::from(unit.unwrap_or(0)) * 100 + rest, 3, w.s, ws[end - 1].e);
                i = end;
            }
            Tok::Unit(_) | Tok::Teen(_) | Tok::Tens(_) if is(ws, i + 1, Tok::Thousand) || below_100(ws, i).is_some_and(|(_, j)| is(ws, j, Tok::Thousand)) => {
                // "two thousand (and) five", "twenty thousand"
                let (n, j) = below_100(ws, i).unwrap_or((0, i + 1));
                let mut end = j + 1;
                let mut rest = 0;
                if let Some(d) = ws.get(end).filter(|x| !x.pause).and_then(|x| if let Tok::Unit(d) = x.t { Some(d) } else { None }) {
                    if is(ws, end + 1, Tok::Hundred) {
                        let (r, e) = hundreds_rest(ws, end + 2);
                        rest = u32::from(d) * 100 + r;
                        end = e;
                    }
                }
                if rest == 0 {
                    let (r, e) = hundreds_rest(ws, end);
                    rest = r;
                    end = e;
                }
                let width = if n >= 10 { 5 } else { 4 };
                out.push_n(n * 1000 + rest, width, w.s, ws[end - 1].e);
                i = end;
            }
            Tok::Hundreds(h) => {
                let (rest, end) = hundreds_rest(ws, i + 1);
                out.push_n(u32::from(h) * 100 + rest, 3, w.s, ws[end - 1].e);
                i = end;
            }
            Tok::Hundred => {
                let (rest, end) = hundreds_rest(ws, i + 1);
                out.push_n(100 + rest, 3, w.s, ws[end - 1].e);
                i = end;
            }
            Tok::Teen(_) | Tok::Tens(_) | Tok::TwentyX(_) | Tok::Weak(11) => {
                let (n, end) = below_100(ws, i).unwrap_or((0, i + 1));
                if is(ws, end, Tok::Hundred) {
                    // "sixty eight hundred", "nineteen hundred and five"
                    let (rest, e) = hundreds_rest(ws, end + 1);
                    out.push_n(n * 100 + rest, 4, w.s, ws[e.max(end + 1) - 1].e);
                    i = e.max(end + 1);
                } else {
                    out.push_n(n, 2, w.s, ws[end - 1].e);
                    i = end;
                }
            }
            _ if unit.is_some() => {
                out.push(b'0' + unit.unwrap_or(0), w.s, w.e);
                i += 1;
            }
            Tok::Oh => {
                // Between spelled letters it is the letter ("l o y d" in an IBAN's bank code).
                let letter = |x: Option<&W>| x.is_some_and(|x| matches!(x.t, Tok::Letter(_)));
                // After three spelled letters it ends a bank code ("r a b o zero three …").
                let after_code = i >= 3 && (1..=3).all(|k| letter(ws.get(i - k)));
                let o = letter(i.checked_sub(1).and_then(|p| ws.get(p))) && (letter(ws.get(i + 1)) || after_code || ws.get(i + 1).is_none_or(|x| !numeric(x.t) && x.t != Tok::Oh));
                out.push(if o { b'O' } else { b'0' }, w.s, w.e);
                i += 1;
            }
            Tok::Double | Tok::Triple => {
                let times = if w.t == Tok::Double { 2 } else { 3 };
                let d = match ws.get(i + 1).map(|x| (x.t, x.s, x.e)) {
                    Some((Tok::Unit(d), _, _)) => Some(d),
                    Some((Tok::Oh, _, _)) => Some(0),
                    // "double 7", "triple 0": a numeral of one digit.
                    Some((Tok::Digits, s, e)) if e == s + 1 => text.as_bytes().get(s).map(|c| c - b'0'),
                    _ => None,
                };
                match d {
                    Some(d) => {
                        for _ in 0..times {
                            out.push(b'0' + d, w.s, ws[i + 1].e);
                        }
                        i += 2;
                    }
                    None => i += 1,
                }
            }
            Tok::Letter(c) => {
                out.push(c, w.s, w.e);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Layouts kept with their groups: SSN 3-2-4 (an SSN with spaces needs an SSN cue, and is never
/// read as an account) and ZIP+4 5-4. Other groups follow the speaker's breath, not the number's
/// layout ("three hundred twelve, double oh seven, forty one fifty" is an account number read
/// 3-3-4), so they are joined and the cues decide.
const KEPT_LAYOUTS: &[&[usize]] = &[&[3, 2, 4], &[5, 4]];

/// True when a run of words (indices `a..b` of `ws`) is worth rewriting as a number.
fn trim_run(ws: &[W], mut a: usize, mut b: usize) -> Option<(usize, usize)> {
    // Connectors, fillers and letters at the edges belong to the words around, not to the number;
    // "oh" counts only with a number word or numeral right after it (or before it at the end); a
    // weak word only next to a number word.
    // Connectors, fillers and letters at the edges belong to the words around, not to the number;
    // "oh" counts only with a number word or numeral right after it (or before it at the end); a
    // weak word only next to a number word.
    fn edge_ok(ws: &[W], a: usize, b: usize, i: usize, at_start: bool) -> bool {
        let next = if at_start { (i + 1 < b).then(|| &ws[i + 1]) } else { (i > a).then(|| &ws[i - 1]) };
        let joined = |x: &W| if at_start { !x.pause } else { !ws[i].pause };
        match ws[i].t {
            Tok::And | Tok::Filler | Tok::Other => false,
            // At the end, "…, eight two zero three, oh" is the last digit.
            Tok::Oh => next.is_some_and(|x| (joined(x) || !at_start) && (numeric(x.t) || x.t == Tok::Oh)),
            Tok::Weak(_) => next.is_some_and(|x| joined(x) && word_number(x.t)),
            // A letter at the end of a number is usually the next word ("… nine B as in"), unless
            // the number already holds letters (Washington's "WDL7K24N881Q").
            Tok::Letter(_) => at_start || ws[a..i].iter().any(|x| matches!(x.t, Tok::Letter(_))),
            _ => true,
        }
    }
    while a < b && !edge_ok(ws, a, b, a, true) {
        a += 1;
    }
    while b > a && !edge_ok(ws, a, b, b - 1, false) {
        b -= 1;
    }
    if a >= b {
        return None;
    }
    let run = &ws[a..b];
    let words = run.iter().filter(|w| word_number(w.t) || w.t == Tok::Oh || matches!(w.t, Tok::Weak(_))).count();
    let numerals = run.iter().filter(|w| w.t == Tok::Digits).count();
    let singles = run.iter().filter(|w| w.t == Tok::Digits && w.e - w.s == 1).count();
    // Rewritten: a number said with words, or single digits standing apart ("4 1 4 7"). Typed
    // groups ("534-48-4482", "9400 0230 1344") are left as written: their layout means something,
    // and so is a lone small number ("one of them", "two cards").
    (words >= 2 || words >= 1 && numerals >= 1 || singles >= 2).then_some((a, b))
}

/// Runs of number-ish words in `ws` (indices), with a letter allowed at the start of a run that
/// holds digits.
fn runs(ws: &[W]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let part = |w: &W| !matches!(w.t, Tok::Other);
        if !part(&ws[i]) {
            i += 1;
            continue;
        }
        let s = i;
        i += 1;
        // "and" / "y" joins the parts of one number ("four hundred and twelve", "treinta y dos"),
        // not two numbers ("… three four and one two three").
        let joins = |k: usize| {
            ws[k].t != Tok::And
                || matches!(ws[k - 1].t, Tok::Hundred | Tok::Hundreds(_) | Tok::Thousand | Tok::Tens(_)) && ws.get(k + 1).is_some_and(|x| word_number(x.t))
        };
        while i < ws.len() && part(&ws[i]) && !ws[i].stop && joins(i) {
            i += 1;
        }
        // Split where a letter follows a digit word after a pause ("…nine. B as in …" starts anew).
        let mut a = s;
        for j in s + 1..=i {
            let split = j == i || matches!(ws[j].t, Tok::Letter(_)) && !matches!(ws[j - 1].t, Tok::Letter(_)) && ws[j].period;
            if split {
                if let Some(r) = trim_run(ws, a, j) {
                    out.push(r);
                }
                a = j;
            }
        }
    }
    out
}

/// What stands between two runs of number words.
#[derive(Debug, PartialEq)]
enum Gap {
    /// Other words: two numbers.
    Apart,
    /// Only hesitation ("uh", "let me see", "hang on", "then"): one number goes on.
    Hesitation,
    /// A correction ("sorry", "no wait", "I mean", "actually"): the second run replaces the end of
    /// the first.
    Correction,
    /// Only "and": two numbers ("… three four and one two three"), unless a long number is being
    /// read in groups ("five two nine eight got it one one six five mm hmm four four oh seven and
    /// three one nine four").
    And,
}

/// A number read this far in groups goes on across an "and".
const LONG_READ: usize = 12;

/// Words that say the speaker is correcting what was just said.
const CORRECTIONS: &[&str] =
    &["sorry", "no", "nope", "wait", "mean", "actually", "scratch", "oops", "correction", "rather", "perdón", "perdon", "digo", "mejor", "wrong"];

/// Words that may stand in a hesitation or a correction between two parts of one number.
const HESITATIONS: &[&str] = &[
    "let", "me", "see", "hold", "hang", "on", "sec", "then", "okay", "ok", "yeah", "yes", "so", "i", "it's", "its", "it", "is", "that",
    "that's", "thats", "said", "make", "start", "over", "again", "got", "right", "was", "and", "pues", "a", "ver", "eso", "es",
];

/// Words that mark an aside inside a number being read ("hang on the light's bad in here", "let
/// me grab it real quick", "you know", "the rest is"): with one of them, other words may stand in
/// the aside too.
const ASIDE_MARKS: &[&str] = &[
    "hang", "hold", "wait", "sec", "second", "moment", "minute", "lemme", "let", "grab", "think", "rest", "know", "check", "find",
    "looking", "reading", "squint", "momento", "espera",
];

/// Words that name a number: an aside holding one starts another number ("… hold on, my phone is
/// …", "… and the expiry is …").
const NUMBER_NOUNS: &[&str] = &[
    "exp", "expiry", "expires", "expiration", "cvv", "cvc", "security", "code", "pin", "zip", "postal", "phone", "cell", "mobile",
    "extension", "ext", "routing", "account", "acct", "checking", "savings", "card", "license", "licence", "social", "ssn", "iban",
    "date", "dob", "born", "birthday", "amount", "dollars", "bucks", "cents", "order", "ticket", "confirmation", "reference",
    "teléfono", "telefono", "cuenta", "tarjeta",
];

/// What the words `between` two runs say (at most eight words, no question or line break).
fn gap(text: &str, between: &[W]) -> Gap {
    if between.is_empty() || between.len() > 8 || between.iter().any(|w| w.stop) {
        return Gap::Apart;
    }
    let mut correction = false;
    let mut only_and = true;
    let mut plain = true;
    let mut marked = false;
    for w in between {
        let word = slice(text, w.s, w.e);
        let is = |set: &[&str]| set.iter().any(|x| word.eq_ignore_ascii_case(x));
        if is(NUMBER_NOUNS) {
            return Gap::Apart;
        }
        if is(CORRECTIONS) {
            correction = true;
        } else if w.t == Tok::Filler || is(ASIDE_MARKS) {
            marked = true;
        } else if !is(HESITATIONS) {
            plain = false;
        }
        only_and &= w.t == Tok::And;
    }
    if !plain && !marked {
        return Gap::Apart;
    }
    match (correction, only_and) {
        (true, _) => Gap::Correction,
        (false, true) => Gap::And,
        (false, false) => Gap::Hesitation,
    }
}

/// Where a correction `fix` starts again in `read`: the position whose following characters share
/// the longest start with `fix` (a speaker repeats a few digits before the one corrected); with no
/// shared start, the last group as long as `fix` is replaced (or all of `read`, when `fix` is
/// longer).
fn corrected_from(read: &Read, fix: &Read) -> usize {
    let a: Vec<u8> = read.chars.iter().map(|c| c.0).collect();
    let b: Vec<u8> = fix.chars.iter().map(|c| c.0).collect();
    let shared = |p: usize| a.get(p..).unwrap_or_default().iter().zip(&b).take_while(|(x, y)| x == y).count();
    // The longest shared start; among equals the later position.
    let best = (0..a.len()).map(|p| (shared(p), p)).filter(|&(n, _)| n > 0).max();
    match best {
        Some((_, p)) => p,
        None => a.len().saturating_sub(b.len()),
    }
}

/// Appends `more` to `read`, replacing `read` from character `at` (a correction) when given.
fn join(read: &mut Read, more: Read, at: Option<usize>) {
    let at = at.unwrap_or(read.chars.len()).min(read.chars.len());
    read.chars.truncate(at);
    // No group break where they meet: a hesitation is not a pause that shapes the number.
    read.breaks.retain(|&b| b < at);
    read.breaks.extend(more.breaks.iter().map(|&b| b + at));
    read.chars.extend(more.chars);
}

/// The spoken view of `text`, or `None` when no number is said in words or digits apart.
pub(crate) fn normalise(text: &str) -> Option<View> {
    if !has_spoken_number(text) {
        return None;
    }
    let ws = tokens(text);
    let runs = runs(&ws);
    // Each run read, then joined with the one before it across a hesitation ("… six eight, let me
    // see, three oh …") or a correction ("… six one four no sorry six six one three").
    let mut read_runs: Vec<(usize, usize, Read)> = Vec::with_capacity(runs.len());
    for (a, b) in runs {
        let read = read_run(text, &ws[a..b]);
        if let Some(prev) = read_runs.last_mut() {
            match gap(text, &ws[prev.1..a]) {
                Gap::Hesitation => {
                    join(&mut prev.2, read, None);
                    prev.1 = b;
                    continue;
                }
                Gap::Correction => {
                    let at = corrected_from(&prev.2, &read);
                    join(&mut prev.2, read, Some(at));
                    prev.1 = b;
                    continue;
                }
                Gap::And if prev.2.chars.len() >= LONG_READ && read.chars.len() >= 4 => {
                    join(&mut prev.2, read, None);
                    prev.1 = b;
                    continue;
                }
                Gap::And | Gap::Apart => {}
            }
        }
        read_runs.push((a, b, read));
    }
    let mut pieces: Vec<(usize, usize, Read)> = Vec::new();
    for (a, b, read) in read_runs {
        let letters = read.chars.iter().filter(|c| c.0.is_ascii_uppercase()).count();
        let digits = read.chars.len() - letters;
        // Letters only glued to digits (a licence): a run of letters alone is left as written.
        if digits < 2 || letters > 0 && digits < 4 {
            continue;
        }
        pieces.push((ws[a].s, ws[b - 1].e, read));
    }
    if pieces.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut starts: Vec<u32> = Vec::with_capacity(text.len() + 1);
    let mut ends: Vec<u32> = Vec::with_capacity(text.len());
    let mut at = 0;
    let copy = |out: &mut String, starts: &mut Vec<u32>, ends: &mut Vec<u32>, from: usize, to: usize| {
        out.push_str(slice(text, from, to));
        for i in from..to {
            starts.push(i as u32);
            ends.push(i as u32 + 1);
        }
    };
    for (s, e, read) in pieces {
        copy(&mut out, &mut starts, &mut ends, at, s);
        let mut lens = Vec::with_capacity(read.breaks.len() + 1);
        let mut prev = 0;
        for &b in read.breaks.iter().chain(std::iter::once(&read.chars.len())) {
            lens.push(b - prev);
            prev = b;
        }
        let grouped = read.chars.iter().all(|c| c.0.is_ascii_digit()) && KEPT_LAYOUTS.contains(&lens.as_slice());
        for (k, &(c, cs, ce)) in read.chars.iter().enumerate() {
            if grouped && k > 0 && read.breaks.contains(&k) {
                out.push(' ');
                starts.push(cs);
                ends.push(cs);
            }
            out.push(c as char);
            starts.push(cs);
            ends.push(ce);
        }
        at = e;
    }
    copy(&mut out, &mut starts, &mut ends, at, text.len());
    starts.push(text.len() as u32);
    Some(View::with_ends(out, starts, ends))
}

#[cfg(test)]
mod tests;
