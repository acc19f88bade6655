//! The category clause's detectors: health (`MED`), health identifiers (`PHI`), religion (`REL`),
//! sexual orientation (`SO`) and financial or economic identity (`FIN`).
//!
//! One pass per string: a word-start prefilter ([`prefilter`]) finds where a term, an allow phrase
//! or a health-identifier cue may begin; an anchored automaton over every lexicon ([`lexicon`])
//! confirms it; the gates ([`gates`]) read only the words around each hit. A term is a finding when
//! it is asserted (not negated, hypothetical, asked or offered) and either an ambiguous term follows a
//! disclosure pattern or a specific term has a person as its subject. Health identifiers follow their
//! cue and pass their check ([`phi`]); a field whose key names a category is a finding by itself
//! ([`fields`]). Findings carry where and which rule, never the words.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub(crate) mod couples;
pub mod fields;
mod fuzzy;
mod gates;
mod lexicon;
pub mod model;
mod phi;
mod prefilter;

use crate::scanner::slice::{byte_at, byte_before, ceil, floor, from, slice, upto};
use aho_corasick::{Anchored, Input};

use super::cues::FieldHint;
use super::view::View;
use super::{Detector, Kind, Match};
use lexicon::{Class, Lexicon, Pattern};

pub use gates::answers_yes;

/// The compiled category detectors.
pub struct Categories {
    lex: Lexicon,
    model: model::Model,
}

/// A lexicon hit: a term, an allow phrase, a health-identifier cue or a health word.
#[derive(Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    pattern: Pattern,
    /// A misspelling of the pattern's term ([`fuzzy`]), not the term itself.
    fuzzy: bool,
}

impl Categories {
    /// Builds the bundled lexicons.
    pub fn new() -> Categories {
        Categories { lex: Lexicon::bundled(), model: model::Model::bundled() }
    }

    /// The learned scorer.
    pub(crate) fn model(&self) -> &model::Model {
        &self.model
    }

    /// The lexicon hits in `text`, and the starts of the words in it that may be amounts or codes
    /// (see [`prefilter::Prefixes::for_each`]).
    fn hits(&self, text: &str) -> (Vec<Hit>, Vec<usize>) {
        let hay = text.as_bytes();
        let mut hits = Vec::new();
        let mut numbers = Vec::new();
        let lex = &self.lex;
        let anchored = |at: usize| anchored_term(lex, hay, at);
        // Starts of words that may be a misspelt term, looked at after the terms.
        let mut fuzzy = Vec::new();
        lex.prefixes.for_each_with(hay, &mut numbers, |at| {
            // A term that starts with one or two weak words ("on disability", "go to mass") is keyed
            // on the word after them.
            let lead1 = lead_before(text, at);
            let lead2 = lead1.and_then(|s| lead_before(text, s));
            // Only a match that runs over the keyed word counts from a lead ("wife" before "wears
            // hijab" is a pattern of its own, found at its own start).
            let from_lead = |s: usize| anchored(s).filter(|m| m.1 > at).map(|m| (s, m));
            let lead = lead2.and_then(from_lead).or_else(|| lead1.and_then(from_lead));
            let (s, (pattern, end)) = lead.or_else(|| anchored(at).map(|m| (at, m)))?;
            if let Some(&pattern) = lex.patterns.get(pattern) {
                hits.push(Hit { start: s, end, pattern, fuzzy: false });
            }
            // A term that fails its gates must not hide a term inside it ("positive for covid"):
            // the next word is looked at too (overlapping findings are dropped in `scan`).
            Some(at)
        }, |at| fuzzy.push(at));
        if !fuzzy.is_empty() {
            self.misspelled(hay, &fuzzy, &mut hits);
        }
        hits.retain(|h| !matches!(h.pattern, Pattern::Term { .. }) || !self.allowed(text, h));
        (hits, numbers)
    }

    /// Adds a hit for each word of letters one edit away from a single-word term ([`fuzzy`]) that
    /// no hit covers, keeping `hits` ordered by start.
    fn misspelled(&self, hay: &[u8], starts: &[usize], hits: &mut Vec<Hit>) {
        let before = hits.len();
        for &s in starts {
            let mut i = s;
            while byte_at(hay, i).is_some_and(|c| c.is_ascii_alphabetic()) {
                i += 1;
            }
            // A word inside a longer token ("abc123", "co-pay" is two words) or one a hit covers.
            let inside = byte_before(hay, s).is_some_and(|c| c.is_ascii_digit()) || byte_at(hay, i).is_some_and(|c| c.is_ascii_digit());
            if i - s < 5 || inside || hits.get(..before).unwrap_or_default().iter().any(|h| h.start <= s && s < h.end) {
                continue;
            }
            if let Some(p) = hay.get(s..i).and_then(|w| self.lex.fuzzy.find(w)) {
                if let Some(&pattern) = self.lex.patterns.get(p) {
                    hits.push(Hit { start: s, end: i, pattern, fuzzy: true });
                }
            }
        }
        if hits.len() > before {
            hits.sort_by_key(|h| h.start);
        }
    }

    /// True when an allow phrase covers the hit ("Church St", "economic depression").
    fn allowed(&self, text: &str, h: &Hit) -> bool {
        let from = floor(text, h.start.saturating_sub(40));
        let to = ceil(text, (h.end + 40).min(text.len()));
        let b = text.as_bytes();
        let word_edge = |i: usize| match (byte_before(b, i), byte_at(b, i)) {
            (Some(p), Some(c)) => !c.is_ascii_alphanumeric() || !p.is_ascii_alphanumeric(),
            _ => true,
        };
        self.lex.allow.find_overlapping_iter(Input::new(b).range(from..to)).any(|m| m.start() <= h.start && m.end() >= h.end && word_edge(m.start()) && word_edge(m.end()))
    }

    /// True when `text`, a value without a space or a digit, is one specific term by itself (see
    /// [`Categories::scan`]): the caller scans it then, and skips the rest (most such values are
    /// enumerations: "received", "inbound").
    pub(crate) fn is_whole_term(&self, text: &str) -> bool {
        self.whole_value(text, &FieldHint::default()).is_some()
    }

    /// The finding for a value without a space that is one specific (class A) term, whole.
    fn whole_value(&self, text: &str, hint: &FieldHint) -> Option<Match> {
        // Cheapest checks first: most values are enumerations no term starts like.
        if text.len() < 4 || text.len() > 48 || hint.url || !text.as_bytes().get(..3).is_some_and(|p| p.iter().all(u8::is_ascii_alphabetic)) || !self.lex.prefixes.may_start(text.as_bytes()) {
            return None;
        }
        let t = text.trim_end();
        if t.len() < 4 || t.len() > 40 || !t.bytes().all(|c| c.is_ascii_alphabetic() || c == b'-') {
            return None;
        }
        let (pattern, end) = anchored_term(&self.lex, t.as_bytes(), 0)?;
        let Some(&Pattern::Term { kind, rule, class: Class::A }) = self.lex.patterns.get(pattern) else { return None };
        if end != t.len() {
            return None;
        }
        Some(found(kind, Detector::CategorySubject, 0, end, 0.7, rule))
    }

    /// True when `text` holds a health word ("pharmacy", "copay", "claim").
    fn health_words(&self, text: &str) -> bool {
        self.lex.health.is_match(text)
    }

    /// Category findings in `text`, the value of a field described by `hint`, appended to `out`.
    /// Returns true when the text names a partner ("my wife", "husband") and tells no orientation:
    /// the walker reads it with the sex a name field of the event tells
    /// ([`Categories::partner_of_the_person`]).
    pub fn scan(&self, text: &str, hint: &FieldHint, out: &mut Vec<Match>) -> bool {
        let first = out.len();
        if hint.category != 0 {
            field(text, hint.category, out);
            return false;
        }
        // Fields written into a string ("credit_tier=D (subprime)", "member_id:QHN447120983",
        // "Primary dx: asthma"): a key that names a category makes its value a finding.
        if memchr::memchr2(b':', b'=', text.as_bytes()).is_some() {
            inline_fields(text, out);
        }
        // A disclosure is a phrase: a value without a space (a timestamp, a SID, a phone number, an
        // id) holds none, and most strings of an event are such values.
        if memchr::memchr(b' ', text.as_bytes()).is_none() {
            // Except a value that is one specific term by itself, as structured attributes hold
            // them (`"diet": "halal"`, `"rx": "metformin"`, `"status": "Chapter7Bankruptcy"` is
            // not one): the record's person is its subject.
            if let Some(m) = self.whole_value(text, hint) {
                out.push(m);
            }
            return false;
        }
        let (hits, numbers) = self.hits(text);
        // The end of the last term finding: a term inside it is not a second finding.
        let mut covered = 0;
        let med_term = hits.iter().any(|h| matches!(h.pattern, Pattern::Term { kind: Kind::Med, .. }));
        let health = std::cell::OnceCell::new();
        let health = || *health.get_or_init(|| med_term || self.health_words(text));
        // The spoken view of a speech field, made once when a spoken identifier, score or income is
        // looked for.
        let view = std::cell::OnceCell::new();
        let view = || view.get_or_init(|| if hint.speech { super::spoken::normalise(text) } else { None }).as_ref();
        for h in &hits {
            match h.pattern {
                Pattern::Couple => {}
                Pattern::PhiCue(cue) => {
                    if let Some(m) = phi_after(text, h.end, cue, health()) {
                        out.push(m);
                    } else if let Some((s, e)) = (cue == phi::Cue::Icd).then(|| phi::code_before(text, h.start)).flatten() {
                        // "put I10 as my husband's diagnosis code"
                        out.push(found(Kind::Phi, Detector::CategoryValidator, s, e, 0.9, "PHI.ICD_CODE"));
                    } else if let Some(m) = view().and_then(|v| spoken_phi(v, h.end, cue, health())) {
                        out.push(m);
                    }
                }
                Pattern::Term { kind, rule, class } => {
                    // Letters glued to digits before them are part of a code, not a word (the
                    // "deaf" that ends the SID "CH…5deaf").
                    if h.start < covered || byte_before(text.as_bytes(), h.start).is_some_and(|c| c.is_ascii_digit()) {
                        continue;
                    }
                    // A word one edit from a term is as often a name no list holds ("Divan",
                    // "Santeri", "Mireia"): never in a name field, never capitalised inside a
                    // sentence, never right after a name's cue.
                    if h.fuzzy && (hint.name_field || gates::name_like(text, h.start, h.end)) {
                        continue;
                    }
                    // A short misspelling must follow a disclosure pattern; a long one (eight
                    // letters or more: "homosexaul", "garnishmint") has few neighbours and keeps
                    // its term's class.
                    let class = if h.fuzzy && h.end - h.start < 8 { Class::B } else { class };
                    if let Some(m) = term(text, h, kind, rule, class, hint.notes, &view) {
                        covered = m.end;
                        // Disability benefits ("on disability", "SSDI") disclose a disability too.
                        if rule == "FIN.BENEFITS" && is_disability_benefit(slice(text, m.start, m.end)) {
                            out.push(found(Kind::Med, m.detector, m.start, m.end, m.confidence, "MED.DISABILITY"));
                        }
                        out.push(m);
                    }
                }
            }
        }
        // A same-sex couple told without an orientation word.
        let couple = hits.iter().any(|h| matches!(h.pattern, Pattern::Couple));
        if let Some((s, e)) = couple.then(|| couples::same_sex_couple(text).or_else(|| couples::titled_couple(text)).or_else(|| couples::named_couple(text))).flatten() {
            if !out.get(first..).unwrap_or_default().iter().any(|m| m.kind == Kind::So) {
                out.push(found(Kind::So, Detector::CategoryDisclosure, s, e, 0.8, "SO.ORIENTATION"));
            }
        }
        // An income stated as an amount: "I make $1,400 a month", "on SSI, $943/mo".
        // Said aloud only where a period is said too ("… a month"): the spoken view costs.
        let spoken = || (hint.speech && ["month", "year", "week"].iter().any(|p| text.contains(p))).then(view).flatten().and_then(spoken_income);
        if let Some((s, e)) = income_amount(text, &numbers).or_else(spoken) {
            if !out.get(first..).unwrap_or_default().iter().any(|m| m.start < e && s < m.end) {
                out.push(found(Kind::Fin, Detector::CategoryDisclosure, s, e, 0.8, "FIN.INCOME"));
            }
        }
        // "dx I10", "Dx: J45.909": the two-letter cue is below the prefilter's three letters.
        if let Some(m) = phi::after_dx(text) {
            if !out.get(first..).unwrap_or_default().iter().any(|x| x.start < m.1 && m.0 < x.end) {
                out.push(found(Kind::Phi, Detector::CategoryValidator, m.0, m.1, 0.9, "PHI.ICD_CODE"));
            }
        }
        let codes = phi::dotted_codes(text, &numbers);
        if !codes.is_empty() && health() {
            for (s, e) in codes {
                if !out.get(first..).unwrap_or_default().iter().any(|m| m.start <= s && s < m.end) {
                    out.push(found(Kind::Phi, Detector::CategoryValidator, s, e, 0.9, "PHI.ICD_CODE"));
                }
            }
        }
        couple && !out.get(first..).unwrap_or_default().iter().any(|m| m.kind == Kind::So)
    }

    /// The partner the person of a text names, as a finding, and whether a man ("add my wife
    /// Folake", "adding husband Paul"): an orientation when a name field of the same event tells
    /// that the person is of the partner's sex ([`couples::sex_of_name`]). Tried on a text for which
    /// [`Categories::scan`] returned true.
    pub(crate) fn partner_of_the_person(text: &str) -> Option<(bool, Match)> {
        let (male, s, e) = couples::partner_of_the_person(text)?;
        Some((male, found(Kind::So, Detector::CategoryDisclosure, s, e, 0.7, "SO.ORIENTATION")))
    }

    /// The health identifier a reply gives to a question that asked for one ("Can I get your
    /// Medicare number?" / "Sure, it's 3TW7-JK2-PR48"): the last cue of `question`, read in `reply`.
    pub(crate) fn phi_carried(&self, question: &str, reply: &str, speech: bool) -> Option<Match> {
        let cue = self.hits(question).0.into_iter().rev().find_map(|h| if let Pattern::PhiCue(c) = h.pattern { Some(c) } else { None })?;
        phi_after(reply, 0, cue, true).or_else(|| speech.then(|| super::spoken::normalise(reply)).flatten().and_then(|v| spoken_phi(&v, 0, cue, true)))
    }

    /// Terms in `text` that an agent asks about ("Are you currently pregnant?"): findings with
    /// detector `category_answer`, for the caller to keep when the next turn answers yes.
    pub fn questions(&self, text: &str) -> Vec<Match> {
        let mut out = Vec::new();
        // An ambiguous term counts in a question put to the other person ("your spouse is also a
        // woman? Same-sex marriage?"): the yes that follows is about them.
        let to_you = gates::mentions_you(text);
        for h in self.hits(text).0 {
            if let Pattern::Term { kind, rule, class } = h.pattern {
                let v = gates::judge(text, h.start, h.end);
                if v.assertion == gates::Assertion::Question && (class == Class::A || to_you || v.pattern == gates::Pattern::Disclosure) {
                    out.push(found(kind, Detector::CategoryAnswer, h.start, h.end, 0.8, rule));
                }
            }
        }
        out
    }
}

impl Default for Categories {
    fn default() -> Self {
        Categories::new()
    }
}

/// A category match found by `detector` with its rule.
fn found(kind: Kind, detector: Detector, start: usize, end: usize, confidence: f32, rule: &'static str) -> Match {
    let mut m = Match::new(kind, detector, start, end, confidence);
    m.rule = Some(rule);
    m
}

/// The finding for one term hit, if its gates let it through.
/// `view` gives the spoken view of a speech field (none for other fields).
fn term<'v>(text: &str, h: &Hit, kind: Kind, rule: &'static str, class: Class, notes: bool, view: &impl Fn() -> Option<&'v View>) -> Option<Match> {
    if class == Class::B && gates::is_a_name(text, h.start, h.end) {
        return None;
    }
    // "diabetic-friendly meals", "kosher-style", "HIV-safe": a compound adjective describes a
    // product, not a person.
    let after = text.as_bytes().get(h.end..).unwrap_or_default();
    if ["-friendly", "-safe", "-style", "-free", " friendly"].iter().any(|s| after.get(..s.len()).is_some_and(|a| a.eq_ignore_ascii_case(s.as_bytes()))) {
        return None;
    }
    let mut v = gates::judge(text, h.start, h.end);
    if v.animal || gates::figurative(text, h.start, h.end, class == Class::B && rule == "MED.MENTAL") {
        return None;
    }
    // A joke ("… giving me PTSD 😂"), unless the term opens a terse note ("sober 2 yrs lol").
    if v.pattern != gates::Pattern::Disclosure && gates::joking(text, h.start, h.end) && !gates::terse(text, h.start, h.end, class == Class::A) {
        return None;
    }
    // A term that opens with a possessive ("my sugar's been high", "lost his job") names its
    // person itself.
    // Spanish too: "mi", "nos", and "me" as the object a term's verb acts on ("me embargaron el
    // sueldo", "me operaron").
    let own = slice(text, h.start, h.end).split(' ').next().is_some_and(|w| matches!(w.to_ascii_lowercase().as_str(), "my" | "his" | "her" | "our" | "their" | "mi" | "mis" | "me" | "nos"));
    if own && v.assertion == gates::Assertion::Affirmed {
        v.pattern = gates::Pattern::Disclosure;
    }
    // "religion: Muslim", "Dx - asthma": a label that names the category, written in the text.
    if gates::labelled(text, h.start) && matches!(v.assertion, gates::Assertion::Affirmed) {
        v.pattern = gates::Pattern::Disclosure;
    }
    // An agent's note about the customer ("cust veh repo'd 5/28", "cx in ch13, trustee ltr"): the
    // note names its person before the term, and notes describe the customer's situation.
    if notes && v.subject == gates::Subject::Person && v.assertion == gates::Assertion::Affirmed && kind == Kind::Fin {
        v.pattern = gates::Pattern::Disclosure;
    }
    let (detector, confidence, end) = match v.assertion {
        gates::Assertion::Hypothetical | gates::Assertion::Offer => return None,
        gates::Assertion::Question => {
            // A dialogue in one string: the question answered yes on the next line.
            let q = floor(text, h.end) + from(text, h.end).find('?')?;
            let reply = from(text, q + 1).trim_start();
            let reply = strip_label(reply);
            if (class == Class::A || v.pattern == gates::Pattern::Disclosure) && answers_yes(reply) {
                (Detector::CategoryAnswer, 0.8, h.end)
            } else {
                return None;
            }
        }
        gates::Assertion::Negated => {
            // A specific term, or an ambiguous one after its pattern, denied about a person ("I
            // don't have diabetes", "I'm not gay"): the denial of a status is data regarding it.
            if v.subject == gates::Subject::Person && (class == Class::A || v.pattern == gates::Pattern::Disclosure) {
                (Detector::CategoryDenial, 0.7, h.end)
            } else {
                (Detector::CategoryNegated, 0.5, h.end)
            }
        }
        // A business's broadcast ("Walk in for your flu shot … Reply STOP"): no person's data
        // unless a person is its subject.
        gates::Assertion::Affirmed if v.subject != gates::Subject::Person && gates::broadcast(text) => return None,
        gates::Assertion::Affirmed => {
            // A credit score is about a person only with its value ("my score is 540", "FICO 612",
            // said aloud "five forty").
            let said = slice(text, h.start, h.end).to_ascii_lowercase();
            // Credit words that say nothing without a value ("credit is", "score is").
            let needs_value = said.contains("score") || said.contains("fico") || matches!(said.as_str(), "credit is" | "credit's" | "credit was");
            // "my credit is like seven ninety", "credit is excellent, like 790": a value said after
            // other credit words counts too; without one they go by their pattern.
            let credit_words = said.starts_with("credit is") || said.starts_with("credit was") || said.starts_with("credit's");
            let value = || {
                // Said in words in a typed text too ("my credit score is like five eighty").
                let typed_words = || if view().is_none() { super::spoken::normalise(text).and_then(|v| spoken_score(&v, h.start, h.end)) } else { None };
                score_value(text, h.start, h.end).or_else(|| view().and_then(|v| spoken_score(v, h.start, h.end))).or_else(typed_words)
            };
            let credit_value = if rule == "FIN.CREDIT" && (needs_value || credit_words) { value() } else { None };
            if let Some(e) = credit_value {
                (Detector::CategoryDisclosure, 0.85, e)
            } else if rule == "FIN.CREDIT" && needs_value {
                return None;
            } else if v.pattern == gates::Pattern::Disclosure {
                (Detector::CategoryDisclosure, 0.85, h.end)
            } else if class == Class::A && (v.subject >= gates::Subject::Plural || gates::subject_after(text, h.end) || v.subject == gates::Subject::None && gates::writer_implied(text, h.start, h.end) && !(rule == "MED.MENTAL" && gates::said_of_a_thing(text, h.start, h.end))) {
                (Detector::CategorySubject, 0.7, h.end)
            } else if gates::terse(text, h.start, h.end, class == Class::A) {
                // A note or a message that opens with the term ("Celiac. No gluten", "muslim, no
                // pork", "sober 2 yrs", "laid off friday"): its writer is the subject.
                (Detector::CategorySubject, 0.7, h.end)
            } else {
                return None;
            }
        }
    };
    Some(found(kind, detector, h.start, end, confidence, rule))
}

/// The longest pattern at `at` that ends a word, or ends one but for a plural "s" ("unemployment
/// checks", "seizures"): the match is extended over it. A longer pattern that runs into a word
/// ("unemployment check" in "unemployment checking") gives way to a shorter one that does not.
fn anchored_term(lex: &Lexicon, hay: &[u8], at: usize) -> Option<(usize, usize)> {
    let ends_word = |i: usize| hay.get(i).is_none_or(|c| !c.is_ascii_alphanumeric());
    let mut to = hay.len();
    while to > at {
        let m = lex.ac.find(Input::new(hay).range(at..to).anchored(Anchored::Yes))?;
        let e = m.end();
        if ends_word(e) {
            return Some((m.pattern().as_usize(), e));
        }
        let prev = byte_before(hay, e);
        if matches!(byte_at(hay, e), Some(b's' | b'S')) && prev.is_some_and(|c| c.is_ascii_alphabetic() && !matches!(c, b's' | b'S')) && ends_word(e + 1) {
            return Some((m.pattern().as_usize(), e + 1));
        }
        to = e - 1;
    }
    None
}

/// True for a benefit that is paid for a disability ("on disability", "SSDI", "disability check").
fn is_disability_benefit(term: &str) -> bool {
    let t = term.to_ascii_lowercase();
    t.contains("disab") || t == "ssdi"
}

/// The start of the word before `at` (across one space or hyphen) when it is short: a pattern that
/// starts with a lead or common word ("on disability", "A-fib", "can't afford") is keyed on its
/// second word.
fn lead_before(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    if at < 2 || !matches!(byte_before(b, at), Some(b' ' | b'-')) {
        return None;
    }
    let e = at - 1;
    let mut s = e;
    while e - s < 6 && byte_before(b, s).is_some_and(|c| c.is_ascii_alphabetic() || c == b'\'') {
        s -= 1;
    }
    (s < e && e - s <= 5 && byte_before(b, s).is_none_or(|c| !c.is_ascii_alphanumeric())).then_some(s)
}

/// The health identifier after a cue ending at `from`, checked; NPI and DEA numbers only where a
/// person is mentioned (a provider's number in a vendor note is not about a patient).
fn phi_after(text: &str, from: usize, cue: phi::Cue, health: bool) -> Option<Match> {
    let (s, e) = phi::after_cue(text, from, cue, health)?;
    if matches!(cue, phi::Cue::Npi | phi::Cue::Dea) && (!gates::mentions_person(text) || gates::provider_own(text)) {
        return None;
    }
    Some(found(Kind::Phi, Detector::CategoryValidator, s, e, 0.95, cue.rule()))
}

/// The same, in the spoken view of a text ("M R N six six zero two, one eight four five": numbers
/// and letters said aloud), offsets mapped back.
fn spoken_phi(v: &View, from: usize, cue: phi::Cue, health: bool) -> Option<Match> {
    let mut m = phi_after(&v.text, view_offset(v, from), cue, health)?;
    m.start = v.original(m.start);
    m.end = v.original_end(m.end);
    Some(m)
}

/// The view offset of original offset `at`: the first view offset that maps at or after it.
fn view_offset(v: &View, at: usize) -> usize {
    (0..=v.text.len()).find(|&i| v.text.is_char_boundary(i) && v.original(i) >= at).unwrap_or(v.text.len())
}

/// [`score_value`] in the spoken view ("my credit score is like five forty"): the end of the
/// value in the original text.
fn spoken_score(v: &View, start: usize, end: usize) -> Option<usize> {
    let e = score_value(&v.text, view_offset(v, start), view_offset(v, end))?;
    Some(v.original_end(e))
}

/// [`income_amount`] in the spoken view ("I make about nineteen hundred a month").
fn spoken_income(v: &View) -> Option<(usize, usize)> {
    let b = v.text.as_bytes();
    let numbers: Vec<usize> = (0..b.len()).filter(|&i| byte_at(b, i).is_some_and(|c| c.is_ascii_digit()) && byte_before(b, i).is_none_or(|c| !c.is_ascii_alphanumeric())).collect();
    let (s, e) = income_amount(&v.text, &numbers)?;
    Some((v.original(s), v.original_end(e)))
}

/// An amount said to be a person's income: a sum with a period ("$1,400 a month", "28k a year",
/// "$412/wk") in a sentence with an income word ("make", "earn", "income", "living on", "SSI") and a
/// person ("I", "we", "my", "caller"); a price ("the plan is $45 a month") has no income word.
fn income_amount(text: &str, numbers: &[usize]) -> Option<(usize, usize)> {
    const PERIODS: &[&str] = &[" a month", " per month", "/mo", "/month", " a year", " per year", "/yr", "/year", " a week", " per week", "/wk", "/week", " monthly", " annually", " a yr", " a mo"];
    const INCOME: &[&str] = &["income", "make", "makes", "making", "earn", "earns", "earning", "living on", "live on", "salary", "wage", "wages", "pension", "paycheck", "ssi", "ssdi", "disability", "unemployment", "benefits", "reported", "take home", "bring in", "get paid", "gets paid"];
    let b = text.as_bytes();
    // Candidates: words that start with a digit (`numbers`), after a dollar sign, before a "k"
    // ("28k"), or bare; prose holds few.
    let mut after = 0; // the end of the last candidate: "1.5k" is one
    for &d in numbers {
        // A word that starts with a digit (an amount is a word of its own, "$1,400", "28k").
        if d < after || !byte_at(b, d).is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        let mut e = d;
        let digit = |i: usize| byte_at(b, i).is_some_and(|c| c.is_ascii_digit());
        while digit(e) || matches!(byte_at(b, e), Some(b',' | b'.')) && digit(e + 1) {
            e += 1;
        }
        after = e;
        // A period, a unit or a "k" follows an amount: most numbers in events (dates, times, ids)
        // are ruled out here.
        if !matches!(b.get(e), Some(b' ' | b'/' | b'k' | b'K')) {
            continue;
        }
        let dollar = byte_before(b, d) == Some(b'$');
        let thousands = matches!(byte_at(b, e), Some(b'k' | b'K'));
        // A bare amount of three digits or more ("I make 1900 a month", said aloud as "nineteen
        // hundred"); the period after it is required below as for the others.
        let bare = b.get(d..e).unwrap_or_default().iter().filter(|c| c.is_ascii_digit()).count() >= 3;
        if !dollar && !thousands && !bare {
            continue;
        }
        let s = if dollar { d - 1 } else { d };
        if thousands {
            e += 1;
        }
        // "1900 dollars a month", "2k bucks a month"
        let starts = |rest: &[u8], w: &str| rest.len() >= w.len() && rest.get(..w.len()).is_some_and(|x| x.eq_ignore_ascii_case(w.as_bytes()));
        let rest = b.get(e..).unwrap_or_default();
        let unit = [" dollars", " bucks"].iter().find(|u| starts(rest, u)).map_or(0, |u| u.len());
        e += unit;
        let rest = b.get(e..).unwrap_or_default();
        let Some(period) = PERIODS.iter().find(|p| starts(rest, p)) else { continue };
        let from = floor(text, s.saturating_sub(80));
        let sentence = slice(text, from, s).rsplit(['.', '!', '?', '\n']).next().unwrap_or("").to_ascii_lowercase();
        let spaced = sentence.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
        let income = INCOME.iter().any(|w| format!(" {spaced} ").contains(&format!(" {w} ")));
        let person = gates::mentions_person(&sentence) || spaced.split(' ').any(|w| w == "we" || w == "household");
        if income && person {
            return Some((s, e + period.len()));
        }
    }
    None
}

/// A speaker label at the start of a line ("Customer: ", "Agent - ").
fn strip_label(s: &str) -> &str {
    match s.find(':') {
        Some(i) if i <= 24 && !upto(s, i).contains(['.', '?', '!']) => from(s, i + 1).trim_start(),
        _ => s,
    }
}

/// The end of a credit score value (300-850) within 30 bytes after `from`, when the words before it
/// are not a requirement ("minimum", "at least", "required").
fn score_value(text: &str, term_start: usize, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    let limit = (from + 30).min(b.len());
    let mut i = from;
    while i < limit {
        if byte_at(b, i).is_some_and(|c| c.is_ascii_digit()) && byte_before(b, i).is_none_or(|c| !c.is_ascii_alphanumeric()) {
            let mut e = i;
            while byte_at(b, e).is_some_and(|c| c.is_ascii_digit()) {
                e += 1;
            }
            let lead = floor(text, term_start.saturating_sub(30));
            let between = format!("{} {}", slice(text, lead, term_start), slice(text, from, i)).to_ascii_lowercase();
            if e - i == 3 && (300..=850).contains(&slice(text, i, e).parse::<u32>().ok()?) && !["minimum", "least", "require", "need", "over", "above", "qualify", "approval"].iter().any(|w| between.contains(w)) {
                return Some(e);
            }
            return None;
        }
        i += 1;
    }
    None
}

/// Each `key: value` or `key=value` in `text` whose key names a category (see
/// [`fields::of_key`]): the value, up to the next `,`, `;`, `|` or line end, is a field finding.
fn inline_fields(text: &str, out: &mut Vec<Match>) {
    let b = text.as_bytes();
    for sep in memchr::memchr2_iter(b':', b'=', b) {
        // The key: letters, digits, `_`, `-` and `.` back to a boundary, 3 to 40 bytes.
        let mut s = sep;
        while s > 0 && byte_before(b, s).is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')) {
            s -= 1;
        }
        // A key opens with three letters (not a time, "09:19:06", nor a URL's "https:").
        let opens = b.get(s..s + 3).is_some_and(|p| p.iter().all(u8::is_ascii_alphabetic));
        if !opens || sep - s > 40 || byte_before(b, s).is_some_and(|c| !matches!(c, b' ' | b',' | b';' | b'|' | b'{' | b'(' | b'=' | b'\n' | b'\t' | b'"')) {
            continue;
        }
        let mut buf = [0u8; crate::scanner::cues::KEY_BYTES];
        // At most 40 bytes (checked above): it fits.
        let Some(k) = crate::scanner::cues::normalise_key(b.get(s..sep).unwrap_or_default(), &mut buf) else { continue };
        // Keys with an everyday sense in prose ("Orientation: Monday 9am", "Benefits: dental",
        // "Conditions: apply") count only as attribute keys; a URL's scheme is no key.
        if matches!(k, b"https" | b"http") {
            continue;
        }
        let bits = fields::of_key(k);
        // NPI and DEA numbers are read from their cues in the text, where whose number it is is
        // decided (a provider's own is no patient's PHI).
        if bits == 0 || matches!(k, b"orientation" | b"benefits" | b"conditions" | b"symptoms" | b"illness" | b"npi" | b"deanumber") {
            continue;
        }
        let vs = sep + 1;
        let ve = b.get(vs..).unwrap_or_default().iter().position(|c| matches!(c, b',' | b';' | b'|' | b'\n')).map_or(b.len(), |i| vs + i).min(vs + 80);
        let ve = floor(text, ve);
        let mut one = Vec::new();
        field(slice(text, vs, ve), bits, &mut one);
        out.extend(one.into_iter().map(|mut m| {
            m.start += vs;
            m.end += vs;
            m
        }));
    }
}

/// The finding for a field whose key names a category: the whole value, trimmed.
fn field(text: &str, bits: u8, out: &mut Vec<Match>) {
    if fields::is_placeholder(text) {
        return;
    }
    let Some(kind) = Kind::CATEGORIES.into_iter().find(|k| bits & fields::bit(*k) != 0) else { return };
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    if kind == Kind::Phi && !text.bytes().any(|c| c.is_ascii_digit()) {
        return;
    }
    let rule = match kind {
        Kind::Med => "MED.FIELD",
        Kind::Phi => "PHI.FIELD",
        Kind::Rel => "REL.FIELD",
        Kind::So => "SO.FIELD",
        _ => "FIN.FIELD",
    };
    out.push(found(kind, Detector::CategoryField, start, end, 0.9, rule));
}

#[cfg(test)]
mod tests;
