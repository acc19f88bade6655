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
    const MED: &[&str] = &[
        "medicalcondition", "medicalconditions", "healthcondition", "healthconditions", "diagnosis", "diagnoses", "medication",
        "medications", "currentmedications", "medicine", "medicines", "prescription", "prescriptions", "allergies", "allergy",
        "disability", "disabilities", "pregnancy", "pregnancystatus", "mentalhealth", "symptoms", "illness", "medicalhistory",
        "healthhistory", "impairment", "chiefcomplaint", "conditions", "healthstatus", "accessibilityneeds",
    ];
    const PHI: &[&str] = &[
        "mrn", "medicalrecordnumber", "medicalrecord", "patientid", "patientnumber", "healthplanid", "insuranceid",
        "insurancememberid", "healthmemberid", "medicaidid", "medicaidnumber", "medicareid", "medicarenumber", "mbi", "npi",
        "deanumber", "icd10", "icdcode", "icd10code", "diagnosiscode", "dxcode", "memberid", "subscriberid",
    ];
    const REL: &[&str] = &["religion", "religiousaffiliation", "religiouspreference", "faith", "denomination", "religiousbeliefs"];
    const SO: &[&str] = &["sexualorientation", "sexuality", "genderidentity", "orientation"];
    const FIN: &[&str] = &[
        "creditscore", "ficoscore", "fico", "income", "annualincome", "householdincome", "monthlyincome", "bankruptcy",
        "bankruptcystatus", "hardship", "hardshipreason", "financialhardship", "collectionsstatus", "benefits", "publicassistance",
    ];
    for (list, kind) in [(MED, Kind::Med), (PHI, Kind::Phi), (REL, Kind::Rel), (SO, Kind::So), (FIN, Kind::Fin)] {
        if list.iter().any(|w| w.as_bytes() == k) {
            return bit(kind);
        }
    }
    0
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
        assert!(is_placeholder(" N/A ") && is_placeholder("Prefer not to say") && !is_placeholder("Type 2 diabetes"));
    }
}
