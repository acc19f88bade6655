//! Keys that name a category (`medical_condition`, `religion`, `credit_score`): their values are
//! category findings by themselves, the way Macie counts a column name as the keyword. Placeholder
//! values ("none", "N/A", "prefer not to say") are not.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::scanner::Kind;

/// Bits of [`crate::scanner::cues::FieldHint::category`], one per category kind.
pub fn bit(kind: Kind) -> u8 {
    1 << Kind::CATEGORIES.iter().position(|k| *k == kind).expect("a category kind")
}

/// The category a normalised key (lower case, letters and digits only) names, as a bit.
pub fn of_key(k: &[u8]) -> u8 {
    let t = tables();
    if let Some(bits) = t.exact.get(k) {
        return *bits;
    }
    // Not a category: device and network diagnostics, a banknote's denomination. (Every part is
    // four letters or more.)
    if k.len() < 4 || t.not.is_match(k) {
        return 0;
    }
    t.parts.find(k).and_then(|m| t.part_bits.get(m.pattern().as_usize()).copied()).unwrap_or(0)
}

/// Whole keys that name a category.
const EXACT: [(&[&str], Kind); 5] = [
    (
        &[
            "medicalcondition", "medicalconditions", "healthcondition", "healthconditions", "diagnosis", "diagnoses", "medication",
            "medications", "currentmedications", "medicine", "medicines", "prescription", "prescriptions", "allergies", "allergy",
            "disability", "disabilities", "pregnancy", "pregnancystatus", "mentalhealth", "symptoms", "illness", "medicalhistory",
            "healthhistory", "impairment", "chiefcomplaint", "conditions", "healthstatus", "accessibilityneeds",
        ],
        Kind::Med,
    ),
    (
        &[
            "mrn", "medicalrecordnumber", "medicalrecord", "patientid", "patientnumber", "healthplanid", "insuranceid",
            "insurancememberid", "healthmemberid", "medicaidid", "medicaidnumber", "medicareid", "medicarenumber", "mbi",
            "icd10", "icdcode", "icd10code", "diagnosiscode", "dxcode", "memberid", "subscriberid",
        ],
        Kind::Phi,
    ),
    (&["religion", "religiousaffiliation", "religiouspreference", "faith", "denomination", "religiousbeliefs"], Kind::Rel),
    (&["sexualorientation", "sexuality", "genderidentity", "orientation"], Kind::So),
    (
        &[
            "creditscore", "ficoscore", "fico", "income", "annualincome", "householdincome", "monthlyincome", "bankruptcy",
            "bankruptcystatus", "hardship", "hardshipreason", "financialhardship", "collectionsstatus", "benefits", "publicassistance",
        ],
        Kind::Fin,
    ),
];

/// Parts of longer keys, as attribute names are written (`hasBankruptcy`, `bankruptcy_flag`,
/// `income_verified_monthly`, `credit_tier`, `religious_pref`, `dx_primary_diagnosis`,
/// `known_allergies`): a part names the category wherever it stands in the key.
const PARTS: [(&[&str], Kind); 5] = [
    (
        &[
            "diagnos", "medicalcondition", "healthcondition", "chroniccondition", "medication", "allerg", "disabilit", "pregnan",
            "mentalhealth", "medicalhistory", "healthhistory", "illness", "impairment", "symptom", "medicalneeds",
        ],
        Kind::Med,
    ),
    (&["medicalrecord", "patientid", "medicareid", "medicarenumber", "medicaidid", "healthplanid", "insurancememberid", "icd10"], Kind::Phi),
    (&["religio", "faith", "denomination"], Kind::Rel),
    (&["sexualorientation", "sexuality", "lgbt"], Kind::So),
    (
        &[
            "bankrupt", "income", "salary", "creditscore", "credittier", "creditrating", "creditband", "creditgrade", "fico",
            "hardship", "foreclos", "reposs", "garnish", "taxlevy", "unemploy", "welfare", "publicassistance", "collectionsstatus",
            "incollections", "collectionsflag", "delinquen", "chargeoff",
        ],
        Kind::Fin,
    ),
];

struct Tables {
    exact: rustc_hash::FxHashMap<&'static [u8], u8>,
    parts: aho_corasick::AhoCorasick,
    part_bits: Vec<u8>,
    not: aho_corasick::AhoCorasick,
}

/// Keys are looked up once per distinct key (the walker memoises hints), through these tables.
fn tables() -> &'static Tables {
    static T: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let exact = EXACT.iter().flat_map(|(list, kind)| list.iter().map(move |w| (w.as_bytes(), bit(*kind)))).collect();
        let part_bits = PARTS.iter().flat_map(|(list, kind)| list.iter().map(move |_| bit(*kind))).collect();
        let dfa = |pats: Vec<&str>| aho_corasick::AhoCorasick::builder().kind(Some(aho_corasick::AhoCorasickKind::DFA)).build(pats).expect("static key parts build");
        let parts = dfa(PARTS.iter().flat_map(|(list, _)| list.iter().copied()).collect());
        let not = dfa(vec!["diagnostic", "denominationamount"]);
        Tables { exact, parts, part_bits, not }
    })
}

/// True when a field value says nothing ("none", "N/A", "no", "unknown", "prefer not to say").
pub fn is_placeholder(v: &str) -> bool {
    let t = v.trim().trim_matches(|c: char| c == '.' || c == '-' || c == '"').to_ascii_lowercase();
    t.is_empty()
        || matches!(
            t.as_str(),
            "none" | "n/a" | "na" | "no" | "nil" | "null" | "unknown" | "false" | "0" | "nothing" | "not applicable" | "not provided"
                | "prefer not to say" | "prefer not to answer" | "declined" | "decline to state" | "none reported" | "nka" | "nkda"
                | "nkma" | "no known allergies" | "n.a" | "tbd" | "pending" | "unspecified" | "other" | "not stated" | "ninguna"
                | "ninguno" | "undisclosed" | "no preference" | "none known" | "not asked"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_placeholders() {
        assert_eq!(of_key(b"medicalcondition"), bit(Kind::Med));
        assert_eq!(of_key(b"religion"), bit(Kind::Rel));
        assert_eq!(of_key(b"screenorientationx"), 0);
        for (k, kind) in [("hasbankruptcy", Kind::Fin), ("bankruptcyflag", Kind::Fin), ("monthlyincomeverified", Kind::Fin), ("credittier", Kind::Fin), ("religiouspref", Kind::Rel), ("knownallergies", Kind::Med), ("primarydiagnosis", Kind::Med)] {
            assert_eq!(of_key(k.as_bytes()), bit(kind), "{k}");
        }
        for k in ["networkdiagnostics", "incomingcallsid", "outcome", "conditionofitem"] {
            assert_eq!(of_key(k.as_bytes()), 0, "{k}");
        }
        assert!(is_placeholder(" N/A ") && is_placeholder("Prefer not to say") && !is_placeholder("Type 2 diabetes"));
    }
}
