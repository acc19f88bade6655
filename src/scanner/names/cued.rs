//! Names found from the cue's side, in any case: "hi this is maria gonzalez", "name on the card is
//! Ngozi Eze", "Mr. Tanaka Hiroshi", "Zehra Pruschke speaking", "regards,\nAroha Ngata".
//!
//! One case-insensitive automaton holds the cues. It runs over the whole string, which costs about
//! 0.4 GB/s, so the scanner runs this pass only where a name can matter: in strings of events that
//! hold an identifier (see [`ScannerBuilder::names_everywhere`](crate::scanner::ScannerBuilder::names_everywhere)).
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use aho_corasick::AhoCorasick;

use crate::scanner::cues::cue_automaton;

use super::word::{is_cjk, next_word, prev_word, word_at, word_ending_at, Word};
use super::{negative, negative_evidence, read_run, Run, SCORE_WEAK};
use crate::scanner::{Detector, Inner, Kind, Match};

/// How much a cue says about the words next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// A name follows: "my name is", "account holder", "name on the card". Any words that are not
    /// everyday English are taken.
    Strong,
    /// A title: "Mr.", "Sra.", "Herr". Like `Strong`, but the word right after it may be a surname
    /// alone ("Mr. Smith"), which is not a full name.
    Title,
    /// A name may follow: "this is", "I'm", "thanks", "customer". Listed or name-like words only.
    Weak,
    /// A name stands before it: "… speaking", "… here", "… calling". Listed or name-like words, at
    /// the start of a sentence or after a greeting.
    After,
}

const CUES: &[(&str, Cue)] = &[
    ("my name is", Cue::Strong),
    ("my name's", Cue::Strong),
    ("my names", Cue::Strong),
    ("name is", Cue::Strong),
    ("name was", Cue::Strong),
    // "name terry bell", "the name on everything is dana hill": what follows must pass the strong
    // test (words that are not everyday English, or a listed first name and surname).
    ("name", Cue::Strong),
    ("name's", Cue::Strong),
    ("name:", Cue::Strong),
    ("full name", Cue::Strong),
    ("legal name", Cue::Strong),
    ("first and last name", Cue::Strong),
    ("account holder", Cue::Strong),
    ("beneficiary", Cue::Strong),
    ("acct holder", Cue::Strong),
    ("acct name", Cue::Strong),
    ("name on acct", Cue::Strong),
    ("beneficiary name", Cue::Strong),
    ("payee name", Cue::Strong),
    ("account holder name", Cue::Strong),
    ("accountholder", Cue::Strong),
    ("account owner", Cue::Strong),
    ("primary account holder", Cue::Strong),
    ("cardholder", Cue::Strong),
    ("card holder", Cue::Strong),
    ("cardholder name", Cue::Strong),
    ("card member", Cue::Strong),
    ("policyholder", Cue::Strong),
    ("policy holder", Cue::Strong),
    ("name on the card", Cue::Strong),
    ("name on card", Cue::Strong),
    ("name on the account", Cue::Strong),
    ("name on account", Cue::Strong),
    ("name on the check", Cue::Strong),
    ("name on the license", Cue::Strong),
    ("in the name of", Cue::Strong),
    ("under the name", Cue::Strong),
    ("under the name of", Cue::Strong),
    ("account is under", Cue::Strong),
    ("account's under", Cue::Strong),
    ("it's under", Cue::Strong),
    ("its under", Cue::Strong),
    ("registered to", Cue::Strong),
    ("customer name", Cue::Strong),
    ("caller name", Cue::Strong),
    ("patient name", Cue::Strong),
    ("member name", Cue::Strong),
    ("customer:", Cue::Strong),
    ("caller:", Cue::Strong),
    ("patient:", Cue::Strong),
    ("signed,", Cue::Strong),
    ("me llamo", Cue::Strong),
    ("mi nombre es", Cue::Strong),
    ("soy", Cue::Weak),
    ("habla", Cue::Weak),
    ("le habla", Cue::Weak),
    ("je m'appelle", Cue::Strong),
    ("je m’appelle", Cue::Strong),
    ("je suis", Cue::Weak),
    ("ich heiße", Cue::Strong),
    ("ich heisse", Cue::Strong),
    ("mein name ist", Cue::Strong),
    ("ich bin", Cue::Weak),
    ("mi chiamo", Cue::Strong),
    ("meu nome é", Cue::Strong),
    ("me chamo", Cue::Strong),
    ("mijn naam is", Cue::Strong),
    ("jag heter", Cue::Strong),
    ("nazywam się", Cue::Strong),
    ("benim adım", Cue::Strong),
    ("tên tôi là", Cue::Strong),
    ("nama saya", Cue::Strong),
    ("ako si", Cue::Weak),
    ("ονομάζομαι", Cue::Strong),
    ("Ονομάζομαι", Cue::Strong),
    ("με λένε", Cue::Strong),
    ("меня зовут", Cue::Strong),
    ("Меня зовут", Cue::Strong),
    ("мене звати", Cue::Strong),
    ("Мене звати", Cue::Strong),
    ("我叫", Cue::Strong),
    ("我的名字是", Cue::Strong),
    ("私の名前は", Cue::Strong),
    ("제 이름은", Cue::Strong),
    ("저는", Cue::Weak),
    ("اسمي", Cue::Strong),
    ("मेरा नाम", Cue::Strong),
    ("שמי", Cue::Strong),
    ("כאן", Cue::Weak),
    // "I am" in scripts without case: the two words after it are a name only when they end the
    // clause (Hebrew) or are followed by "am" (Hindi "मैं … हूँ"); a Han run of two to four.
    ("אני", Cue::Weak),
    ("我是", Cue::Weak),
    ("고객 ", Cue::Weak),
    ("ชื่อ", Cue::Strong),
    ("ดิฉัน", Cue::Weak),
    ("मैं", Cue::Weak),
    ("sent by", Cue::Strong),
    ("أنا", Cue::Weak),
    ("mr", Cue::Title),
    ("mr.", Cue::Title),
    ("mrs", Cue::Title),
    ("mrs.", Cue::Title),
    ("ms", Cue::Title),
    ("ms.", Cue::Title),
    ("miss", Cue::Title),
    ("mx", Cue::Title),
    ("mx.", Cue::Title),
    ("dr", Cue::Title),
    ("dr.", Cue::Title),
    ("prof.", Cue::Title),
    ("herr", Cue::Title),
    ("frau", Cue::Title),
    ("sr.", Cue::Title),
    ("sra", Cue::Title),
    ("sra.", Cue::Title),
    ("srta", Cue::Title),
    ("srta.", Cue::Title),
    ("señor", Cue::Title),
    ("señora", Cue::Title),
    ("mme", Cue::Title),
    ("mme.", Cue::Title),
    ("mlle", Cue::Title),
    ("this is", Cue::Weak),
    ("it's", Cue::Weak),
    ("its", Cue::Weak),
    ("she's", Cue::Weak),
    ("shes", Cue::Weak),
    ("he's", Cue::Weak),
    ("hes", Cue::Weak),
    ("named", Cue::Weak),
    ("cust", Cue::Weak),
    ("cust.", Cue::Weak),
    ("client", Cue::Weak),
    ("member", Cue::Weak),
    ("in my name", Cue::Strong),
    ("under my name", Cue::Strong),
    ("on behalf of", Cue::Strong),
    ("it’s", Cue::Weak),
    ("i'm", Cue::Weak),
    ("i’m", Cue::Weak),
    ("im", Cue::Weak),
    ("i am", Cue::Weak),
    ("speaking with", Cue::Weak),
    ("speaking to", Cue::Weak),
    ("spoke with", Cue::Weak),
    ("spoke w/", Cue::Weak),
    ("talked w/", Cue::Weak),
    ("spoke w", Cue::Weak),
    ("spoke to", Cue::Weak),
    ("talking to", Cue::Weak),
    ("talked to", Cue::Weak),
    ("hi", Cue::Weak),
    ("hello", Cue::Weak),
    ("hey", Cue::Weak),
    ("dear", Cue::Weak),
    ("thanks", Cue::Weak),
    ("thank you", Cue::Weak),
    ("regards", Cue::Weak),
    ("best regards", Cue::Weak),
    ("kind regards", Cue::Weak),
    ("sincerely", Cue::Weak),
    ("cheers", Cue::Weak),
    // Sign-offs in other languages.
    ("groetjes", Cue::Weak),
    ("saludos", Cue::Weak),
    ("atentamente", Cue::Weak),
    ("cordialement", Cue::Weak),
    ("grüße", Cue::Weak),
    ("gruesse", Cue::Weak),
    ("cumprimentos", Cue::Weak),
    ("pozdrawiam", Cue::Weak),
    ("customer", Cue::Weak),
    ("caller", Cue::Weak),
    ("speaking", Cue::After),
    ("here", Cue::After),
    ("calling", Cue::After),
    ("writing", Cue::After),
    ("texting", Cue::After),
];

/// Greetings that may stand before a name followed by an `After` cue ("hi, ana lima here").
const GREETINGS: &[&str] = &["hi", "hello", "hey", "sir", "madam", "maam", "ma'am", "asc", "salaam", "namaste", "dear", "yes", "yeah", "ok", "okay", "morning", "afternoon", "evening", "hola", "bonjour", "hallo"];

/// Words that never start a name ("this is about Hernandez's claim", "I'm not Smith").
pub(super) const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "about", "not", "just", "so", "very", "really", "my", "your", "his", "her", "our",
    "their", "its", "also", "still", "already", "only", "regarding", "for", "from", "to", "in", "on",
    "at", "with", "calling", "writing", "texting", "here", "there", "now", "again", "because", "and",
    "but", "or", "if", "when", "what", "who", "how", "why", "where", "this", "that", "these", "those",
    "going", "trying", "looking", "having", "getting", "sorry", "sure", "ok", "okay", "yes", "no",
];

/// Words skipped between a cue and the name ("account holder is …", "name on the card: …").
const FILLER: &[&str] = &["is", "was", "reads", "says"];

/// The compiled name-cue automaton.
#[derive(Debug, Clone)]
pub struct NameCues {
    ac: AhoCorasick,
}

impl NameCues {
    /// Builds the automaton.
    pub fn new() -> Result<NameCues, aho_corasick::BuildError> {
        Ok(NameCues { ac: cue_automaton(CUES.iter().map(|(w, _)| *w))? })
    }
}

/// Finds names next to cues in `text`, skipping any that overlap matches already in `out[first..]`.
pub(super) fn scan(sc: &Inner, text: &str, out: &mut Vec<Match>, first: usize) {
    let hay = text.as_bytes();
    for m in sc.name_cues.ac.find_iter(hay) {
        let (s, e) = (m.start(), m.end());
        let byte = |i: Option<usize>| i.and_then(|i| hay.get(i)).copied();
        // A cue may be glued to a number before it ("…1196Sent by: …"), not to letters.
        let before_ok = byte(s.checked_sub(1)).is_none_or(|c| !is_word_byte(c) || c.is_ascii_digit());
        let after_ok = byte(Some(e)).is_none_or(|c| !is_word_byte(c)) || byte(e.checked_sub(1)).is_some_and(|c| !is_word_byte(c));
        // Non-ASCII cues (Han, Hangul) are not separated from the name by spaces.
        let caseless = byte(Some(s)).is_some_and(|c| c >= 0x80) && !hay.get(s..e).unwrap_or_default().contains(&b' ');
        if !(before_ok && (after_ok || caseless)) {
            continue;
        }
        let Some(&(_, cue)) = CUES.get(m.pattern().as_usize()) else { continue };
        // "name on everything is …", "name on my file was …": the bare cue reads past its object.
        let bare_name = hay.get(s..e).is_some_and(|c| c.eq_ignore_ascii_case(b"name"));
        if bare_name && !bare_name_opens(text, s) {
            continue;
        }
        let e = if bare_name { past_object(text, e).unwrap_or(e) } else { e };
        let found = if cue == Cue::After { before(sc, text, s) } else { after(sc, text, e, cue) };
        if let Some(found) = found {
            if !out.get(first..).unwrap_or_default().iter().any(|o| o.start < found.end && found.start < o.end) {
                out.push(found);
            }
        }
    }
}

/// A bare "name" that opens its clause or follows a possessive ("name terry bell", "his name was
/// …", "the name on everything is …"): not "first name", "last name", "user name", "company name".
fn bare_name_opens(text: &str, s: usize) -> bool {
    let Some(w) = prev_word(text, s) else { return true };
    let between = text.as_bytes().get(w.end..s).unwrap_or_default();
    between.iter().any(|c| !matches!(c, b' ' | b'\t')) || w.is_one_of(&["the", "his", "her", "my", "their", "your", "our", "and", "same"])
}

/// After a bare "name": "on" and up to three words, then "is" or "was": where the name starts.
fn past_object(text: &str, e: usize) -> Option<usize> {
    let mut w = next_word(text, e)?;
    if !w.is_one_of(&["on", "in", "for"]) {
        return None;
    }
    for _ in 0..4 {
        w = next_word(text, w.end)?;
        if w.is_one_of(&["is", "was"]) {
            return Some(w.end);
        }
    }
    None
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'\''
}

/// A name right after a cue ending at `e`.
fn after(sc: &Inner, text: &str, e: usize, cue: Cue) -> Option<Match> {
    let hay = text.as_bytes();
    let mut p = e;
    // Punctuation and line breaks between a cue and the name ("Regards,\nAna Lima", "name: …").
    while matches!(hay.get(p), Some(b' ' | b':' | b',' | b'-' | b'\n' | b'\r' | b'\t' | b'"' | b'(')) {
        p += 1;
    }
    let mut w1 = word_at(text, p)?;
    if cue == Cue::Strong && w1.is_one_of(FILLER) {
        p = w1.end;
        while matches!(hay.get(p), Some(b' ' | b':')) {
            p += 1;
        }
        w1 = word_at(text, p)?;
    }
    if w1.is_caseless() {
        return caseless(sc, text, w1, cue);
    }
    // Two listed names that end the clause, everyday words or not ("im dawn summers.").
    if let Some(m) = super::slot::after_cue(sc, text, &w1) {
        return Some(m);
    }
    // Most cue hits are followed by everyday words ("thanks for", "this is a", "I am looking"):
    // stop before reading a run when the first word is one and no name list holds it.
    if w1.chars() > 1
        && sc.names.is_common(&w1)
        && !sc.names.is_first(&w1)
        && !(cue == Cue::Strong && hay.get(w1.end) == Some(&b','))
        && next_word(text, w1.end).is_none_or(|w2| sc.names.is_common(&w2))
    {
        return None;
    }
    // "Last, First" after a strong cue: "account holder: Gonzalez, Maria".
    if cue == Cue::Strong && hay.get(w1.end) == Some(&b',') {
        if let Some(w2) = next_word(text, w1.end + 1) {
            if accept_strong(sc, &w1) && accept_strong(sc, &w2) && w2.chars() >= 2 && w1.chars() >= 2 {
                let end = w2.end;
                if hay.get(end).is_none_or(|b| !b.is_ascii_alphabetic()) {
                    return Some(Match::new(Kind::Name, Detector::NameCue, w1.start, end, 0.85));
                }
            }
        }
    }
    let run = read_run(sc, text, w1, true)?;
    if negative_evidence(sc, text, &run) {
        return None;
    }
    // The longest run with evidence ("this is wren castellano my acct": not "… castellano my").
    let run = run.shorter().find(|run| match cue {
        Cue::Strong | Cue::Title => strong(sc, run),
        Cue::Weak | Cue::After => weak(sc, run),
    })?;
    let conf = if matches!(cue, Cue::Strong | Cue::Title) { 0.9 } else { 0.75 };
    Some(Match::new(Kind::Name, Detector::NameCue, run.first.start, run.end, conf))
}

/// After a strong cue: both ends pass [`accept_strong`], or a listed first name that is not an
/// everyday word vouches for a listed surname that is one ("my name is jane doe").
fn strong(sc: &Inner, run: &Run) -> bool {
    let l = &sc.names;
    let first_ok = run.initial || accept_strong(sc, &run.first);
    let vouched = l.is_first(&run.first) && !l.is_common(&run.first) && l.is_last(&run.last);
    first_ok && (accept_strong(sc, &run.last) || vouched)
}

/// After a strong cue a word is a name unless it is an everyday word that is in no name list.
fn accept_strong(sc: &Inner, w: &Word) -> bool {
    let l = &sc.names;
    (w.chars() == 1 && w.is_capitalised()) || !l.is_common(w) || l.is_first(w) && w.is_capitalised() || l.is_last(w) && w.is_capitalised()
}

/// After a weak cue both ends must be listed names (capitalised, or not everyday words) or look like
/// names by the learned score.
fn weak(sc: &Inner, run: &Run) -> bool {
    let l = &sc.names;
    let (f, s) = (&run.first, &run.last);
    let f_listed = l.is_first(f) || super::parts(f, |p| l.is_first(p));
    let s_listed = l.is_last(s) || super::parts(s, |p| l.is_last(p)) || run.particle;
    let (f_common, s_common) = (l.is_common(f), l.is_common(s));
    let ok = |w: &Word, listed: bool, common: bool| (listed && (!common || w.is_capitalised())) || (!common && l.score(w.text) >= SCORE_WEAK);
    // A listed first name that is also a word ("wren", "hunter") with a surname that is not one.
    let word_first = f_listed && f_common && s_listed && !s_common;
    // Two words that are not English, listed or not, name-like enough together ("Customer Pasqual
    // Parpinel called"): a listed word counts 1.
    let together = !f_common && !s_common && f.chars() >= 2 && {
        let sf = if f_listed { 1.0 } else { l.score(f.text) };
        let ss = if s_listed { 1.0 } else { l.score(s.text) };
        sf + ss >= super::SCORE_WEAK_PAIR
    };
    // A listed first name, even an everyday word ("wren"), vouches for a surname that is not one;
    // and a surname that is listed or clearly name-like vouches for a given name that is an everyday
    // word but not a function word ("this is wren castellano").
    let s_strong = !s_common && (s_listed || l.score(s.text) >= 0.5);
    let vouched = f_listed && !s_common && l.score(s.text) >= SCORE_WEAK
        || s_strong && f.chars() >= 3 && f.text.chars().all(char::is_alphabetic) && !f.is_one_of(FUNCTION_WORDS);
    // A listed first name that is not an everyday word vouches for a listed surname that is one
    // ("this is eamon carpenter", "its halima sparrow", "lars cook here"): surnames from trades,
    // colours and birds are as common as any.
    let surname_word = (f_listed || l.score(f.text) >= SCORE_WEAK) && !f_common && f.chars() >= 3 && s_listed && s.chars() >= 3 && !s.is_one_of(FUNCTION_WORDS);
    (run.initial || ok(f, f_listed, f_common) || word_first) && ok(s, s_listed, s_common) || together || vouched || surname_word
}

/// A name right before an `After` cue starting at `s` ("Zehra Pruschke speaking"), read backwards:
/// two or three words, standing at the start of the text or a sentence, or after a greeting.
fn before(sc: &Inner, text: &str, s: usize) -> Option<Match> {
    let last = prev_word(text, s)?;
    let mut first = prev_word(text, last.start)?;
    if let Some(w) = prev_word(text, first.start) {
        if !w.is_one_of(GREETINGS) && !w.is_one_of(&["this", "is", "it's", "im", "i'm", "am"]) && (w.is_capitalised() == first.is_capitalised()) && !sc.names.is_common(&w) {
            first = w;
        }
    }
    // "Yeah Kwame here": an opening word and a first name.
    if first.is_one_of(GREETINGS) || negative::class(&first) & negative::class::DISCOURSE != 0 {
        return None;
    }
    let hay = text.as_bytes();
    let mut q = first.start;
    let before = |q: usize| q.checked_sub(1).and_then(|p| hay.get(p)).copied();
    while matches!(before(q), Some(b' ' | b',')) {
        q -= 1;
    }
    let at_start = matches!(before(q), None | Some(b'.' | b'!' | b'?' | b'\n' | b':' | b'-' | b'(' | b'"'));
    let after_greeting = prev_word(text, first.start).or_else(|| {
        // "hi, ana lima here": a comma between the greeting and the name.
        (first.start >= 2 && hay.get(first.start - 2..first.start) == Some(b", ")).then(|| word_ending_at(text, first.start - 2)).flatten()
    });
    let greeted = after_greeting.is_some_and(|w| w.is_one_of(GREETINGS));
    if !(at_start || greeted) {
        return None;
    }
    let run = read_run(sc, text, first, true)?;
    (run.end == last.end && weak(sc, &run) && !negative_evidence(sc, text, &run))
        .then(|| Match::new(Kind::Name, Detector::NameCue, run.first.start, run.end, 0.75))
}

/// A name in a script without case after a cue: one run of 2-4 Han, Hangul or kana characters is a
/// full name (family name first, no space); in other scripts two words.
fn caseless(_sc: &Inner, text: &str, w1: Word, cue: Cue) -> Option<Match> {
    if !matches!(cue, Cue::Strong | Cue::Title | Cue::Weak) {
        return None;
    }
    let cjk = is_cjk(w1.first_char());
    if cjk {
        let n = w1.chars();
        // Korean and Japanese add a particle or copula after the name ("김민준입니다", "田中です");
        // take the first 2-4 characters of a longer run only after a strong cue.
        if (2..=4).contains(&n) {
            return Some(Match::new(Kind::Name, Detector::NameCue, w1.start, w1.end, 0.8));
        }
        if cue == Cue::Strong && n > 4 {
            let end = w1.text.char_indices().nth(3).map_or(w1.end, |(i, _)| w1.start + i);
            return Some(Match::new(Kind::Name, Detector::NameCue, w1.start, end, 0.7));
        }
        return None;
    }
    let w2 = next_word(text, w1.end)?;
    if cue == Cue::Weak && !clause_ends(text, &w2) {
        return None;
    }
    (w2.is_caseless() && w1.chars() >= 2 && w2.chars() >= 2 && negative::class(&w1) & negative::class::PARTICLE == 0)
        .then(|| Match::new(Kind::Name, Detector::NameCue, w1.start, w2.end, 0.8))
}

/// After a weak cue in a script without case, two words are a name only where the clause ends
/// after them (punctuation, a line break, the end), or Hindi "am" follows ("मैं राजेश शर्मा हूँ"):
/// "אני רוצה לבטל" ("I want to cancel") is not one. Thai, written without spaces between words,
/// puts one after a name.
fn clause_ends(text: &str, w2: &Word) -> bool {
    let rest = text.get(w2.end..).unwrap_or_default().trim_start_matches(' ');
    let thai = matches!(w2.first_char() as u32, 0x0E00..=0x0E7F);
    rest.is_empty()
        || rest.starts_with(['.', ',', ';', ':', '!', '?', '\n', '،', '।', '-'])
        || rest.starts_with("हूँ")
        || rest.starts_with("हूं")
        || thai && text.as_bytes().get(w2.end) == Some(&b' ')
}

/// "Last name is Achterberg, first name Roos", "first name: Dilnoza, last name: Murtazaeva": both
/// parts named in one text make a full name (one finding per part, so only the names are removed).
pub(super) fn name_parts(sc: &Inner, text: &str, out: &mut Vec<Match>, first: usize) {
    let b = text.as_bytes();
    if b.len() > 4096 {
        return;
    }
    // The word after "first name" / "last name" / "surname" (and "is", ":" or a comma), with which
    // part it is.
    let mut parts: Vec<(bool, Word)> = Vec::new();
    let ends_with = |end: usize, w: &[u8]| {
        let Some(s) = end.checked_sub(w.len()) else { return false };
        b.get(s..end).is_some_and(|x| x.eq_ignore_ascii_case(w)) && s.checked_sub(1).and_then(|p| b.get(p)).is_none_or(|c| !c.is_ascii_alphabetic())
    };
    let hits: Vec<usize> = memchr::memmem::find_iter(b, b"ame").chain(memchr::memmem::find_iter(b, b"AME")).collect();
    for i in hits {
        let (at, end) = (i.saturating_sub(1), i + 3);
        if i == 0 || !b.get(at).is_some_and(|c| c.eq_ignore_ascii_case(&b'n')) || b.get(end).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let given = ends_with(at, b"first ") || ends_with(at, b"given ");
        let last = ends_with(at, b"last ") || ends_with(end, b"surname");
        if !(given || last) {
            continue;
        }
        let mut p = end;
        while matches!(b.get(p), Some(b' ' | b':' | b',')) {
            p += 1;
        }
        if b.get(p..p + 3).is_some_and(|x| x.eq_ignore_ascii_case(b"is ")) {
            p += 3;
        }
        let Some(w) = word_at(text, p) else { continue };
        let l = &sc.names;
        // Both parts labelled is evidence enough for any word that is not everyday English, in any
        // case ("first name anatoly last name herrera-quist").
        let name_like = w.chars() >= 2 && !l.is_common(&w) && !w.is_one_of(FUNCTION_WORDS);
        if name_like && !parts.iter().any(|(g, _)| *g == given) {
            parts.push((given, w));
        }
    }
    if let [(g1, _), (g2, _)] = parts.as_slice() {
        if g1 == g2 {
            return;
        }
        for (_, w) in parts {
            if !out.get(first..).unwrap_or_default().iter().any(|m| m.start < w.end && w.start < m.end) {
                out.push(Match::new(Kind::Name, Detector::NameCue, w.start, w.end, 0.75));
            }
        }
    }
}
