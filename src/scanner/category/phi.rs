//! Health identifiers: found only after their cue ("MRN", "member ID", "Medicare", "NPI", "DEA",
//! "ICD-10"), and checked where a check exists: NPI's Luhn digit over the `80840` prefix, DEA's
//! checksum, the MBI's character classes, an ICD-10-CM code that exists in the shipped code list
//! (`data/categories/icd10cm-codes.txt`). A checksum alone passes about one random string in ten,
//! so the cue is always required.
// Not yet converted to checked indexing (46 sites): byte scans whose every index is guarded by a
// bound check in the same loop or condition (`i < b.len()`, `e <= b.len()`). Covered by the property
// tests (tests/fuzz.rs, tests/fuzz_json.rs), tests/unicode.rs and the libFuzzer targets (fuzz/).
#![cfg_attr(not(test), expect(clippy::indexing_slicing, reason = "bounds-guarded byte scans, fuzzed; to convert"))]

use crate::scanner::slice::{slice, from, upto};
use std::sync::OnceLock;

/// Which identifier a cue announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cue {
    /// Medical record, chart or patient number.
    Mrn,
    /// Health-plan member, subscriber or Medicaid ID; counted only with a health word in the text.
    PlanId,
    /// Medicaid ID: a health plan by its name.
    Medicaid,
    /// Medicare beneficiary identifier.
    Mbi,
    /// National provider identifier.
    Npi,
    /// DEA registration number.
    Dea,
    /// ICD-10-CM diagnosis code.
    Icd,
}

impl Cue {
    pub(super) fn rule(self) -> &'static str {
        match self {
            Cue::Mrn => "PHI.MRN",
            Cue::PlanId | Cue::Medicaid => "PHI.PLAN_ID",
            Cue::Mbi => "PHI.MBI",
            Cue::Npi => "PHI.NPI",
            Cue::Dea => "PHI.DEA",
            Cue::Icd => "PHI.ICD_CODE",
        }
    }
}

/// The cue phrases, lower case.
pub(super) const CUES: &[(&str, Cue)] = &[
    ("mrn", Cue::Mrn),
    ("medical record", Cue::Mrn),
    ("medical record number", Cue::Mrn),
    ("chart number", Cue::Mrn),
    ("patient id", Cue::Mrn),
    ("patient number", Cue::Mrn),
    ("patient account number", Cue::Mrn),
    ("member id", Cue::PlanId),
    // Spanish, and the shorthand of wrap-up notes.
    ("número de miembro", Cue::PlanId),
    ("numero de miembro", Cue::PlanId),
    ("número de afiliado", Cue::PlanId),
    ("numero de afiliado", Cue::PlanId),
    ("número de medicare", Cue::Mbi),
    ("numero de medicare", Cue::Mbi),
    ("expediente médico", Cue::Mrn),
    ("expediente medico", Cue::Mrn),
    ("mbr id", Cue::PlanId),
    ("mbr #", Cue::PlanId),
    ("mbr no", Cue::PlanId),
    ("mbr#", Cue::PlanId),
    ("mbr", Cue::PlanId),
    ("member#", Cue::PlanId),
    ("member", Cue::PlanId),
    ("member number", Cue::PlanId),
    ("member #", Cue::PlanId),
    ("member no", Cue::PlanId),
    // A subscriber or insurance ID is a health plan's by its name; a member or policy number only
    // with a health word in the text.
    ("subscriber id", Cue::Medicaid),
    ("subscriber number", Cue::Medicaid),
    ("subscriber #", Cue::Medicaid),
    ("insurance id", Cue::Medicaid),
    ("insurance member id", Cue::Medicaid),
    ("plan id", Cue::PlanId),
    ("health plan id", Cue::Medicaid),
    ("policy number", Cue::PlanId),
    ("group number", Cue::PlanId),
    ("medicaid id", Cue::Medicaid),
    ("medicaid number", Cue::Medicaid),
    ("medicaid #", Cue::Medicaid),
    ("medi-cal", Cue::Medicaid),
    ("medicare", Cue::Mbi),
    ("medicare number", Cue::Mbi),
    ("medicare id", Cue::Mbi),
    ("mbi", Cue::Mbi),
    ("beneficiary id", Cue::Mbi),
    ("npi", Cue::Npi),
    ("provider number", Cue::Npi),
    ("dea", Cue::Dea),
    ("dea number", Cue::Dea),
    ("icd", Cue::Icd),
    ("icd-10", Cue::Icd),
    ("icd10", Cue::Icd),
    ("diagnosis code", Cue::Icd),
    ("dx code", Cue::Icd),
    ("dx", Cue::Icd),
];

/// Words that make a member or policy number a health plan's.
pub(super) const HEALTH_WORDS: &[&str] = &[
    "health", "medical", "medicaid", "medicare", "dental", "vision", "pharmacy", "prescription", "rx", "doctor", "clinic",
    "hospital", "patient", "hmo", "ppo", "aetna", "cigna", "humana", "blue cross", "blue shield", "unitedhealthcare",
    "kaiser", "anthem", "prior auth", "prior authorization", "copay", "co-pay", "deductible", "formulary", "refill",
    "physician", "therapist", "health plan", "insurance card", "urgent care", "telehealth", "specialist", "claim",
    "chart", "eob", "superbill", "referral", "diagnosis", "coded", "pediatrician", "nurse", "prescriber", "prescribed",
    // Clinical shorthand of notes: "dx" (diagnosis), "icd".
    "dx", "icd",
];

/// An ICD-10-CM code of the shipped list among the four words before a diagnosis-code cue ending
/// at `cue_start` ("billing put I10 as my husband's diagnosis code").
pub(super) fn code_before(text: &str, cue_start: usize) -> Option<(usize, usize)> {
    let head = upto(text, cue_start);
    let mut end = head.len();
    for _ in 0..5 {
        let t = upto(head, end).trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.');
        // After the last character that is not part of a code, whatever its width (found by
        // tests/fuzz.rs: a two-byte character before the code made `+ 1` land inside it).
        let start = t.char_indices().rev().find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '.')).map_or(0, |(i, c)| i + c.len_utf8());
        let word = from(t, start).trim_end_matches('.');
        if word.is_empty() {
            return None;
        }
        if word.bytes().any(|c| c.is_ascii_digit()) && icd_exists(word) {
            return Some((start, start + word.len()));
        }
        end = start;
    }
    None
}

/// ICD-10-CM codes written with their dot ("E11.65", "J45.909") that exist in the shipped list, in
/// a text with health context (the caller checks it): byte ranges.
pub(super) fn dotted_codes(text: &str, numbers: &[usize]) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // A code is a capital, a digit, a letter or digit, a dot ("E11.9", "F32.A"): found from the
    // words that start with a letter and a digit, which prose holds few of (most dots end a
    // sentence).
    for &s in numbers {
        let (d, dot) = (s + 1, s + 3);
        if dot + 1 >= b.len() || b[dot] != b'.' || !b[s].is_ascii_uppercase() || !b[d].is_ascii_digit() || !b[d + 1].is_ascii_alphanumeric() || !b[dot + 1].is_ascii_alphanumeric() {
            continue;
        }
        let mut e = dot + 1;
        while e < b.len() && b[e].is_ascii_alphanumeric() && e - dot <= 4 {
            e += 1;
        }
        if e < b.len() && b[e].is_ascii_alphanumeric() {
            continue;
        }
        if icd_exists(slice(text, s, e)) {
            out.push((s, e));
        }
    }
    out
}

/// The first token after a cue that holds a digit, within 48 bytes ("member ID on the card is
/// W283741965", "NPI here, it's 1648293052"): letters, digits, dashes and dots inside it (and single
/// spaces inside an MBI's 4-3-4 groups). Returns its byte range.
fn token_after(text: &str, from: usize, cue: Cue) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let limit = (from + 48).min(b.len());
    let mut i = from;
    while i < limit {
        if !b[i].is_ascii_alphanumeric() || i > 0 && b[i - 1].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while end < b.len() && end - start < 24 {
            let c = b[end];
            let inner = end + 1 < b.len() && b[end + 1].is_ascii_alphanumeric();
            // An MBI read in groups: "5KC9 QA1 XP62", "5 K C 9, Q A 1, X P 6 2".
            let mbi_space = cue == Cue::Mbi
                && (c == b' ' && inner || c == b',' && b.get(end + 1) == Some(&b' ') && b.get(end + 2).is_some_and(u8::is_ascii_alphanumeric))
                && b[start..end].iter().any(u8::is_ascii_digit);
            if c.is_ascii_alphanumeric() || (c == b'-' || c == b'.') && inner || mbi_space {
                end += 1;
            } else {
                break;
            }
        }
        if b[start..end].iter().any(u8::is_ascii_digit) {
            return Some((start, end));
        }
        i = end.max(i + 1);
    }
    None
}

/// The identifier announced by `cue` (ending at `cue_end`), if one follows and passes its check.
pub(super) fn after_cue(text: &str, cue_end: usize, cue: Cue, health_context: bool) -> Option<(usize, usize)> {
    let (s, mut e) = token_after(text, cue_end, cue)?;
    // A plain MBI-space token may have run into the next word: cut at its last digit group.
    let raw = slice(text, s, e);
    let alnum: Vec<u8> = raw.bytes().filter(u8::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
    let digits = alnum.iter().filter(|c| c.is_ascii_digit()).count();
    let ok = match cue {
        Cue::Mrn => (5..=12).contains(&alnum.len()) && digits >= 4,
        // A member number counts with a health word in the text, or shaped as the Blue plans print
        // them: a three-letter prefix, then eight to twelve digits ("BCX914472081"). A gym's or a
        // credit union's ("W283741965", digits alone) needs the health word.
        Cue::PlanId => (health_context || plan_shape(&alnum)) && (6..=15).contains(&alnum.len()) && digits >= 3,
        Cue::Medicaid => (6..=15).contains(&alnum.len()) && digits >= 3,
        Cue::Mbi => {
            // Spaces may have taken the next word ("1EG4 TE5 MK73 please"): cut back to 11.
            let (ok, cut) = mbi_prefix(raw);
            if ok {
                e = s + cut;
            }
            ok
        }
        Cue::Npi => alnum.len() == 10 && digits == 10 && npi(&alnum),
        Cue::Dea => dea(&alnum),
        Cue::Icd => icd_exists(raw.trim_end_matches('.')),
    };
    ok.then_some((s, e))
}

/// The ICD-10-CM code after the word "dx" ("dx I10", "Dx: J45.909"), the first that exists.
pub(super) fn after_dx(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    memchr::memchr2_iter(b'x', b'X', b).find_map(|i| {
        let d = i.checked_sub(1)?;
        let word = b.get(d).is_some_and(|c| c.eq_ignore_ascii_case(&b'd'))
            && d.checked_sub(1).is_none_or(|p| b.get(p).is_some_and(|c| !c.is_ascii_alphanumeric()))
            && b.get(i + 1).is_none_or(|c| !c.is_ascii_alphanumeric());
        if !word {
            return None;
        }
        after_cue(text, i + 1, Cue::Icd, true).filter(|&(s, _)| s <= i + 4)
    })
}

/// A health plan's member ID layout: a three-letter prefix, then eight to twelve digits.
fn plan_shape(alnum: &[u8]) -> bool {
    let letters = alnum.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let rest = alnum.get(letters..).unwrap_or_default();
    letters == 3 && (8..=12).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit)
}

/// True when `raw` starts with a Medicare beneficiary identifier (11 characters, with or without
/// dashes or spaces), and the byte length of that prefix.
fn mbi_prefix(raw: &str) -> (bool, usize) {
    let mut chars = Vec::new();
    let mut cut = 0;
    for (i, c) in raw.char_indices() {
        if c.is_ascii_alphanumeric() {
            chars.push(c.to_ascii_uppercase() as u8);
            if chars.len() == 11 {
                cut = i + 1;
                break;
            }
        }
    }
    (chars.len() == 11 && mbi(&chars), cut)
}

/// MBI character classes: C A AN N A AN N A A N N, where C is 1-9, A a letter other than S, L, O,
/// I, B, Z, N a digit, AN either (CMS, "Understanding the MBI format").
pub(super) fn mbi(c: &[u8]) -> bool {
    let alpha = |x: u8| x.is_ascii_uppercase() && !b"SLOIBZ".contains(&x);
    let num = |x: u8| x.is_ascii_digit();
    c.len() == 11
        && (b'1'..=b'9').contains(&c[0])
        && alpha(c[1])
        && (alpha(c[2]) || num(c[2]))
        && num(c[3])
        && alpha(c[4])
        && (alpha(c[5]) || num(c[5]))
        && num(c[6])
        && alpha(c[7])
        && alpha(c[8])
        && num(c[9])
        && num(c[10])
}

/// NPI: 10 digits starting 1 or 2, Luhn over `80840` and the digits (CMS check-digit spec).
pub(super) fn npi(d: &[u8]) -> bool {
    if d.len() != 10 || !(d[0] == b'1' || d[0] == b'2') || d.iter().all(|&x| x == d[0]) {
        return false;
    }
    let mut full = b"80840".to_vec();
    full.extend_from_slice(d);
    crate::scanner::validate::luhn(&full)
}

/// DEA: two letters and seven digits, (d1+d3+d5) + 2(d2+d4+d6) ≡ d7 (mod 10).
pub(super) fn dea(c: &[u8]) -> bool {
    if c.len() != 9 || !c[0].is_ascii_uppercase() || !c[1].is_ascii_uppercase() || !c[2..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !b"ABCDEFGHJKLMPRSTUX".contains(&c[0]) {
        return false;
    }
    let d: Vec<u32> = c[2..].iter().map(|x| u32::from(x - b'0')).collect();
    (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6]
}

/// The shipped ICD-10-CM code list, packed (up to 7 characters in a u64), sorted.
fn icd_codes() -> &'static [u64] {
    static CODES: OnceLock<Vec<u64>> = OnceLock::new();
    CODES.get_or_init(|| {
        let mut v: Vec<u64> = include_str!("../../../data/categories/icd10cm-codes.txt").lines().filter_map(|l| pack(l.trim().as_bytes())).collect();
        v.sort_unstable();
        v
    })
}

fn pack(code: &[u8]) -> Option<u64> {
    if code.is_empty() || code.len() > 8 {
        return None;
    }
    Some(code.iter().fold(0u64, |acc, &c| acc << 8 | u64::from(c.to_ascii_uppercase())))
}

/// True when `raw` ("E11.9", "f32a") is a code of the shipped ICD-10-CM list. Shape first:
/// `[A-TV-Z][0-9][0-9AB]`, then up to four letters or digits after an optional dot.
pub(super) fn icd_exists(raw: &str) -> bool {
    let b = raw.as_bytes();
    if b.len() < 3 || !b[0].is_ascii_alphabetic() || b[0].eq_ignore_ascii_case(&b'U') || !b[1].is_ascii_digit() || !(b[2].is_ascii_digit() || matches!(b[2].to_ascii_uppercase(), b'A' | b'B')) {
        return false;
    }
    let code: Vec<u8> = b.iter().copied().filter(|c| *c != b'.').collect();
    if code.len() > 7 || !code.iter().all(u8::is_ascii_alphanumeric) || b.iter().filter(|c| **c == b'.').count() > 1 {
        return false;
    }
    pack(&code).is_some_and(|k| icd_codes().binary_search(&k).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wide_character_before_a_code_is_stepped_over_whole() {
        // Found by tests/fuzz.rs (bytes " \u{80}0ICd{"): the scan panicked slicing inside U+0080.
        let text = " \u{80}0ICd{";
        let cue = text.find("ICd").unwrap();
        assert_eq!(code_before(text, cue), None);
        let text = "é\u{80}I10 diagnosis code";
        assert_eq!(code_before(text, text.find("diagnosis").unwrap()), Some((4, 7)));
    }

    #[test]
    fn validators() {
        assert!(npi(b"1234567893")); // CMS's worked example
        assert!(!npi(b"1234567890"));
        assert!(!npi(b"3234567893"));
        assert!(dea(b"AB1234563"));
        assert!(!dea(b"AB1234567"));
        assert!(mbi(b"1EG4TE5MK73")); // CMS's example
        assert!(!mbi(b"1EG4TE5MK7S"));
        assert!(!mbi(b"1SG4TE5MK73"));
        assert!(icd_exists("E11.9") && icd_exists("e119") && icd_exists("F32.A") && icd_exists("J45.909"));
        assert!(!icd_exists("B12.0") || icd_exists("B12.0") == icd_codes().binary_search(&pack(b"B120").unwrap()).is_ok());
        assert!(!icd_exists("E30.99") && !icd_exists("A4") && !icd_exists("U07.1"));
    }

    #[test]
    fn cue_then_token() {
        let t = "Member ID: W283741965, calling about her prior auth";
        let at = t.find("ID").unwrap() + 2;
        assert_eq!(after_cue(t, at, Cue::PlanId, true).map(|(s, e)| &t[s..e]), Some("W283741965"));
        assert_eq!(after_cue(t, at, Cue::PlanId, false), None);
        // A Blue plan's three-letter prefix is a health plan's without a health word.
        let t = "the member id on the card is BCX914472081";
        let at = t.find("id").unwrap() + 2;
        assert_eq!(after_cue(t, at, Cue::PlanId, false).map(|(s, e)| &t[s..e]), Some("BCX914472081"));
        let t = "my medicare number is 1EG4-TE5-MK73 thanks";
        let at = t.find("number").unwrap() - 1;
        assert_eq!(after_cue(t, at, Cue::Mbi, false).map(|(s, e)| &t[s..e]), Some("1EG4-TE5-MK73"));
        let t = "NPI 1234567893";
        assert_eq!(after_cue(t, 3, Cue::Npi, false).map(|(s, e)| &t[s..e]), Some("1234567893"));
        let t = "dx code E11.9.";
        assert_eq!(after_cue(t, 7, Cue::Icd, false).map(|(s, e)| &t[s..e]), Some("E11.9"));
    }
}
