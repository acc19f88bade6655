//! The category lexicons: terms with their category, rule and ambiguity class, and allow-list
//! phrases, compiled into one automaton. The data is in `data/categories/` (built by
//! `scripts/build-lexicons.py`; provenance and licences in `data/categories/SOURCES.md`).
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::scanner::slice::{slice, from};
use aho_corasick::{AhoCorasick, MatchKind, StartKind};

use super::prefilter::Prefixes;
use crate::scanner::Kind;

/// How much a term says by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// Specific: it carries the category whenever a person is its subject ("chemotherapy").
    A,
    /// Ambiguous: it has everyday senses or appears in names ("depression", "Baptist"); it counts only
    /// right after a disclosure pattern ("I have", "I'm a", "diagnosed with").
    B,
}

/// The rules a finding can name (`rule` in commands): the category, then what the term is.
pub(super) const RULES: &[&str] = &[
    "MED.CONDITION",
    "MED.MEDICATION",
    "MED.PROCEDURE",
    "MED.PREGNANCY",
    "MED.MENTAL",
    "MED.SUBSTANCE",
    "MED.DISABILITY",
    "MED.RESULT",
    "MED.GENETIC",
    "MED.FIELD",
    "PHI.MRN",
    "PHI.PLAN_ID",
    "PHI.MBI",
    "PHI.NPI",
    "PHI.DEA",
    "PHI.ICD_CODE",
    "PHI.FIELD",
    "REL.BELIEF",
    "REL.PRACTICE",
    "REL.FIELD",
    "SO.ORIENTATION",
    "SO.GENDER_IDENTITY",
    "SO.FIELD",
    "FIN.INSOLVENCY",
    "FIN.COLLECTIONS",
    "FIN.CREDIT",
    "FIN.INCOME",
    "FIN.BENEFITS",
    "FIN.HARDSHIP",
    "FIN.FIELD",
];

/// The wire name of a rule, checked against [`RULES`].
pub(super) fn rule(name: &str) -> Option<&'static str> {
    RULES.iter().copied().find(|r| *r == name)
}

/// The kind of a category's wire name (`MED` …).
pub(super) fn kind_of(category: &str) -> Option<Kind> {
    Kind::CATEGORIES.into_iter().find(|k| k.info().category == Some(category))
}

/// What a pattern of the term automaton is.
#[derive(Debug, Clone, Copy)]
pub(super) enum Pattern {
    /// A term.
    Term { kind: Kind, rule: &'static str, class: Class },
    /// A health identifier's cue ("MRN", "member ID", "NPI").
    PhiCue(super::phi::Cue),
    /// A word of a couple ("wife", "boyfriend", "both", "dads"): the same-sex couple patterns
    /// (`couples`) are tried only on a text that holds one.
    Couple,
}

/// The compiled lexicons.
pub(super) struct Lexicon {
    /// Terms and health-identifier cues, searched anchored at the words the prefilter passes.
    pub(super) ac: AhoCorasick,
    pub(super) patterns: Vec<Pattern>,
    pub(super) prefixes: Prefixes,
    /// Allow phrases ("Church St", "positive feedback"), searched only around a term.
    pub(super) allow: AhoCorasick,
    /// Words that make a member or policy number a health plan's, searched only when one is cued.
    pub(super) health: AhoCorasick,
    /// Misspellings of the single-word terms.
    pub(super) fuzzy: super::fuzzy::Fuzzy,
    /// Terms per category (the lexicon test checks every category has some).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) counts: [usize; 5],
}

const TERMS: &str = include_str!("../../../data/categories/terms.tsv");
const HL7_RELIGIONS: &str = include_str!("../../../data/categories/religions-hl7.tsv");
const ALLOW: &str = include_str!("../../../data/categories/allow.tsv");

/// Words a term may start with that say nothing by themselves ("on disability", "in rehab"): such a
/// term is keyed in the prefilter on its second word, and looked for from the word before.
pub(super) const LEAD: &[&str] = &["in", "on", "the", "a", "an", "my", "to", "of", "for", "at", "i", "im", "i'm", "being", "was", "is", "got", "no", "had", "have", "has"];

/// Spelling variants a surface is matched in: a typographic apostrophe for an ASCII one, a space for
/// a hyphen and the other way round.
fn variants(surface: &str) -> Vec<String> {
    let mut out = vec![surface.to_owned()];
    if surface.contains('\'') {
        out.push(surface.replace('\'', "\u{2019}"));
        out.push(surface.replace('\'', ""));
    }
    if surface.contains('-') {
        out.push(surface.replace('-', " "));
        out.push(surface.replace('-', ""));
    }
    // "lost my job" is also said of someone else: "lost his job", "lost their job".
    if surface.contains(" my ") {
        for p in ["his", "her", "their", "our"] {
            out.push(surface.replace(" my ", &format!(" {p} ")));
        }
    }
    out
}

/// Words too common to key the prefilter on ("the", "me", "low", "end" …): a pattern that starts
/// with one is keyed on its second word (and looked for from the word before, see `hits`).
const COMMON: &[&str] = &[
    "the", "me", "end", "low", "non", "pre", "mom", "mum", "due", "bed", "cat", "pet", "egg", "lab", "hip", "lap", "lo", "al",
    "na", "cd", "can", "go", "out", "high", "back", "open", "big",
];

/// The letters that open a word (what the prefilter keys on).
fn letters_of(word: &str) -> &str {
    let n = word.bytes().take_while(u8::is_ascii_alphabetic).count();
    slice(word, 0, n)
}

/// The word of `pattern` the prefilter keys it on: the first that is not weak, after at most two
/// weak ones ("the big c", "go to mass"); `None` for a pattern of weak words. A [`LEAD`] word, a word
/// of one or two letters (the prefilter never looks at those) and a [`COMMON`] word that ends the
/// pattern are weak; a common word followed by another ("big c", "back pain") is a key, since
/// the prefilter's second stage checks the word after it.
fn key_word(pattern: &str) -> Option<&str> {
    let mut p = pattern;
    for _ in 0..3 {
        let first = letters_of(p);
        let rest = from(p, first.len()).trim_start_matches(|c: char| !c.is_ascii_alphabetic());
        let last = rest.is_empty();
        let weak = LEAD.contains(&first) || first.len() <= 2 || COMMON.contains(&first) && last;
        if !first.is_empty() && !weak {
            return Some(p);
        }
        if first.is_empty() || last {
            // A pattern that opens with a digit or symbol, or ends with its weak word.
            return None;
        }
        p = rest;
    }
    None
}

fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')).map(|(n, l)| (n + 1, l.trim_end_matches('\r').split('\t').collect()))
}

impl Lexicon {
    /// Parses the bundled lexicons. Panics on a malformed row: the data is part of the build, and a
    /// unit test parses it.
    #[expect(clippy::indexing_slicing, reason = "parses the shipped tables at start-up: a row without its columns is a broken build, which every test catches")]
    pub(super) fn bundled() -> Lexicon {
        let allow_phrases: Vec<String> = rows(ALLOW).map(|(_, c)| c[0].trim().to_lowercase()).filter(|p| p.len() >= 3).flat_map(|p| variants(&p)).collect();
        let allowed: rustc_hash::FxHashSet<&str> = allow_phrases.iter().map(String::as_str).collect();
        let mut pats: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut counts = [0usize; 5];
        let mut seen = rustc_hash::FxHashSet::default();
        // Spanish terms: their misspellings are not looked for (Spanish words are in no word list
        // here, so "ayudando" would be one edit from "ayunando").
        let mut spanish = rustc_hash::FxHashSet::default();
        for (file, text) in [("terms.tsv", TERMS), ("religions-hl7.tsv", HL7_RELIGIONS)] {
            for (n, cols) in rows(text) {
                let bad = |what: &str| -> ! { panic!("data/categories/{file} line {n}: {what}") };
                if cols.len() < 5 {
                    bad("expected 5 tab-separated columns");
                }
                let kind = kind_of(cols[1]).unwrap_or_else(|| bad("unknown category"));
                let rule = rule(cols[2]).unwrap_or_else(|| bad("unknown rule"));
                let class = match cols[3] {
                    "A" => Class::A,
                    "B" => Class::B,
                    _ => bad("class must be A or B"),
                };
                let surface = cols[4].trim().to_lowercase();
                if surface.len() < 3 || !surface.as_bytes()[0].is_ascii_alphabetic() {
                    continue;
                }
                for v in variants(&surface) {
                    // A term spelled like an allow phrase is never reported.
                    if !allowed.contains(v.as_str()) && seen.insert(v.clone()) {
                        if cols[0].contains(".ES.") {
                            spanish.insert(v.clone());
                        }
                        pats.push(v);
                        patterns.push(Pattern::Term { kind, rule, class });
                    }
                }
                counts[Kind::CATEGORIES.iter().position(|k| *k == kind).expect("a category")] += 1;
            }
        }
        for (w, c) in super::phi::CUES {
            if seen.insert((*w).to_owned()) {
                pats.push((*w).to_owned());
                patterns.push(Pattern::PhiCue(*c));
            }
        }
        for w in super::couples::TRIGGERS {
            if seen.insert((*w).to_owned()) {
                pats.push((*w).to_owned());
                patterns.push(Pattern::Couple);
            }
        }
        let mut prefixes = Prefixes::new();
        let mut i = 0;
        while i < pats.len() {
            match key_word(&pats[i]) {
                Some(k) => {
                    prefixes.insert(k.as_bytes());
                    i += 1;
                }
                None => {
                    pats.remove(i);
                    patterns.remove(i);
                }
            }
        }
        let build = |pats: &[String], kind: StartKind| {
            AhoCorasick::builder().ascii_case_insensitive(true).match_kind(MatchKind::LeftmostLongest).start_kind(kind).build(pats).expect("the bundled lexicon builds")
        };
        let health: Vec<String> = super::phi::HEALTH_WORDS.iter().map(|w| (*w).to_owned()).collect();
        let misspelt = |s: &String, p: &Pattern| matches!(p, Pattern::Term { .. }) && !spanish.contains(s);
        let fuzzy = super::fuzzy::Fuzzy::new(pats.iter().zip(&patterns).enumerate().filter(|(_, (s, p))| misspelt(s, p)).map(|(i, (s, _))| (s.as_str(), i)));
        for t in pats.iter().zip(&patterns).filter(|(s, p)| misspelt(s, p) && super::fuzzy::indexed(s)) {
            prefixes.insert_fuzzy(t.0.as_bytes());
        }
        Lexicon {
            fuzzy,
            ac: build(&pats, StartKind::Anchored),
            patterns,
            prefixes,
            allow: AhoCorasick::builder().ascii_case_insensitive(true).build(&allow_phrases).expect("the bundled allow list builds"),
            health: build(&health, StartKind::Unanchored),
            counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lexicon_parses_and_covers_every_category_but_phi() {
        let l = Lexicon::bundled();
        // PHI is found by validators, not terms.
        for (i, k) in Kind::CATEGORIES.iter().enumerate() {
            if *k != Kind::Phi {
                assert!(l.counts[i] >= 20, "{k:?}: {} terms", l.counts[i]);
            }
        }
    }
}
