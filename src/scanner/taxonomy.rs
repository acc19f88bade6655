//! The finding taxonomy: what a finding is (`Kind`), which rule found it (`Detector`), which evidence
//! stands behind a name (`NameEvidence`), and what rides along with an identifier (`PartKind`).
//!
//! The taxonomy is open: new kinds and detectors are added within version 1 of the command schema,
//! and consumers must accept values they do not know (README, "Commands"). Each kind has one row in
//! [`KINDS`] saying what the rest of the system needs to know about it.

use serde::Serialize;

/// What was found. `Name` is the person half of the combination rule; the rest are identifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// US social security number (or ITIN shape).
    Ssn,
    /// Payment card number.
    Card,
    /// Financial account number (bank account, IBAN).
    Account,
    /// ABA routing transit number.
    Routing,
    /// Driver's licence or state ID number.
    Dl,
    /// A person's full name (or initial and surname).
    Name,
    /// Medical or physical identity: a condition, medication, procedure, pregnancy, mental health,
    /// substance use, disability or test result disclosed about a person.
    Med,
    /// A health identifier tied to a person: medical record number, health-plan member ID, Medicare
    /// MBI, a provider's NPI or DEA number, an ICD-10-CM code.
    Phi,
    /// Religious belief or practice stated about a person.
    Rel,
    /// Sexual orientation (or gender identity) stated about a person.
    So,
    /// Financial or economic identity: insolvency, collections, credit score, income, benefits,
    /// hardship.
    Fin,
}

impl Kind {
    /// Every kind, in report order (the order of [`KINDS`]).
    pub const ALL: [Kind; 11] =
        [Kind::Ssn, Kind::Card, Kind::Account, Kind::Routing, Kind::Dl, Kind::Name, Kind::Med, Kind::Phi, Kind::Rel, Kind::So, Kind::Fin];

    /// The category kinds (role [`Role::Category`]), in report order.
    pub const CATEGORIES: [Kind; 5] = [Kind::Med, Kind::Phi, Kind::Rel, Kind::So, Kind::Fin];

    /// What the rest of the system knows about this kind.
    #[expect(clippy::indexing_slicing, reason = "KINDS has one row per kind, in declaration order (unit-tested)")]
    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    /// The wire name (`ssn`, `card` …).
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Kind> {
        KINDS.iter().find(|k| k.name == s).map(|k| k.kind)
    }
}

/// The part a kind of finding plays in the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Identifies a person or an account: it makes a command by itself (reason `identifier`) and,
    /// when the policy lists it, a `prohibited_combination` with a name.
    Identifier,
    /// A person's name: it makes a command only together with an identifier.
    Name,
    /// Data of a category the contract forbids by itself (health, religion, orientation, financial
    /// identity): it makes a command (reason `category`) when the policy's `[categories]` table
    /// enables its category.
    Category,
}

/// How a value is normalised before its keyed fingerprint, so that the same value written two ways
/// gets one fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normal {
    /// Letters and digits only, upper case ("123-45-6789" and "123 45 6789" agree).
    Alnum,
    /// Lower-case words joined by one space ("Jane  Doe" and "JANE DOE" agree).
    Words,
}

/// Everything outside a detector needs to know about a kind of finding: its wire name, its role in
/// the rule, how its fingerprint is normalised, whether a masked preview may show its last four
/// characters. A new detector family adds its kinds here (and its detectors to [`Detector`]); the
/// rule, fingerprints, previews, metrics and the policy's kind list read this table.
#[derive(Debug)]
pub struct KindInfo {
    /// The kind.
    pub kind: Kind,
    /// The wire name in commands, metrics and the policy.
    pub name: &'static str,
    /// Its part in the rule.
    pub role: Role,
    /// Its fingerprint normalisation.
    pub normal: Normal,
    /// A masked preview (`--preview`) may show its last four letters or digits.
    pub preview: bool,
    /// For a category kind, the category's wire name (`MED`, `PHI`, `REL`, `SO`, `FIN`).
    pub category: Option<&'static str>,
}

/// One row per [`Kind`], in declaration order.
pub const KINDS: [KindInfo; 11] = [
    KindInfo { kind: Kind::Ssn, name: "ssn", role: Role::Identifier, normal: Normal::Alnum, preview: true, category: None },
    KindInfo { kind: Kind::Card, name: "card", role: Role::Identifier, normal: Normal::Alnum, preview: true, category: None },
    KindInfo { kind: Kind::Account, name: "account", role: Role::Identifier, normal: Normal::Alnum, preview: true, category: None },
    KindInfo { kind: Kind::Routing, name: "routing", role: Role::Identifier, normal: Normal::Alnum, preview: true, category: None },
    KindInfo { kind: Kind::Dl, name: "dl", role: Role::Identifier, normal: Normal::Alnum, preview: true, category: None },
    KindInfo { kind: Kind::Name, name: "name", role: Role::Name, normal: Normal::Words, preview: false, category: None },
    // Category findings never get a preview: their last letters would spell the word.
    KindInfo { kind: Kind::Med, name: "med", role: Role::Category, normal: Normal::Words, preview: false, category: Some("MED") },
    KindInfo { kind: Kind::Phi, name: "phi", role: Role::Category, normal: Normal::Alnum, preview: false, category: Some("PHI") },
    KindInfo { kind: Kind::Rel, name: "rel", role: Role::Category, normal: Normal::Words, preview: false, category: Some("REL") },
    KindInfo { kind: Kind::So, name: "so", role: Role::Category, normal: Normal::Words, preview: false, category: Some("SO") },
    KindInfo { kind: Kind::Fin, name: "fin", role: Role::Category, normal: Normal::Words, preview: false, category: Some("FIN") },
];

/// Which rule produced a match (finer than [`Kind`], for debugging rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detector {
    /// `AAA-GG-SSSS` (or spaces with a cue).
    Ssn,
    /// Nine bare digits after an SSN cue or in an SSN field.
    SsnBare,
    /// Card number: IIN, length, layout and Luhn.
    Card,
    /// 8-17 digits after an account cue or in an account field.
    Account,
    /// IBAN with mod-97 check.
    Iban,
    /// ABA number after a routing cue.
    Routing,
    /// A state licence shape after a licence cue.
    Dl,
    /// Listed first name and surname.
    NamePair,
    /// Initial and listed surname.
    NameInitial,
    /// The value of a name field.
    NameField,
    /// Words after "my name is" and similar cues, in any case.
    NameCue,
    /// Capitalised words in no list (or one listed, one not) that look like a name by the learned
    /// score.
    NameScore,
    /// A category term after a disclosure pattern ("I have …", "diagnosed with …", "my son is …").
    CategoryDisclosure,
    /// A specific category term (one with no everyday sense) with a person as its subject.
    CategorySubject,
    /// The value of a field whose key names the category (`medical_condition`, `religion`).
    CategoryField,
    /// A health identifier with its cue and, where it has one, a valid check digit or a code that
    /// exists in the shipped list.
    CategoryValidator,
    /// A category term in an agent's question that the customer answers "yes" in the next turn.
    CategoryAnswer,
    /// A category term that is negated without being a denial about a person ("no hardship
    /// programs here", "not a depression"); reported only when the policy's `categories.negated` is
    /// `tag`.
    CategoryNegated,
    /// A specific condition, result, orientation, religion or insolvency term denied about a person
    /// ("I don't have diabetes", "I'm not bankrupt", "she's not Catholic"): the denial of a status is
    /// data regarding it. Reported with the category's action when `categories.negated` is
    /// `denials` (the default), with action `tag` when it is `tag`.
    CategoryDenial,
    /// The learned category scorer ([`crate::scanner::category`]'s model): an event whose words
    /// score at or over the category's threshold when no rule found that category in it. The
    /// finding covers the string that added most to the score.
    CategoryModel,
}

/// What kind of evidence found a name: the policy can require some (`[combination] name_evidence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameEvidence {
    /// Listed first name and surname, or initial and listed surname (`name_pair`, `name_initial`).
    List,
    /// Words after an introduction or verification phrase (`name_cue`).
    Cue,
    /// The value of a person-name field (`name_field`).
    Field,
    /// Words in no list that look like a name by the learned score (`name_score`).
    Score,
}

impl Detector {
    /// For a name detector, the kind of evidence it stands for.
    pub fn name_evidence(self) -> Option<NameEvidence> {
        match self {
            Detector::NamePair | Detector::NameInitial => Some(NameEvidence::List),
            Detector::NameCue => Some(NameEvidence::Cue),
            Detector::NameField => Some(NameEvidence::Field),
            Detector::NameScore => Some(NameEvidence::Score),
            _ => None,
        }
    }
}

/// What kind of evidence found a category finding: the policy can require some (`[categories]
/// evidence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryEvidence {
    /// A disclosure pattern before an ambiguous or specific term (`category_disclosure`).
    Disclosure,
    /// A specific term with a person as its subject (`category_subject`).
    Subject,
    /// A field whose key names the category (`category_field`).
    Field,
    /// A validated health identifier with its cue (`category_validator`).
    Validator,
    /// An agent's question answered yes (`category_answer`).
    Answer,
    /// The learned scorer, over an event's words (`category_model`).
    Model,
}

impl Detector {
    /// For a category detector, the kind of evidence it stands for (a negated mention has none).
    pub fn category_evidence(self) -> Option<CategoryEvidence> {
        match self {
            Detector::CategoryDisclosure => Some(CategoryEvidence::Disclosure),
            Detector::CategorySubject => Some(CategoryEvidence::Subject),
            Detector::CategoryField => Some(CategoryEvidence::Field),
            Detector::CategoryValidator => Some(CategoryEvidence::Validator),
            Detector::CategoryAnswer => Some(CategoryEvidence::Answer),
            Detector::CategoryModel => Some(CategoryEvidence::Model),
            _ => None,
        }
    }
}

/// Something written next to a card or account number that belongs to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// CVV / CVC / security code.
    SecurityCode,
    /// Expiry date.
    Expiry,
    /// PIN, passcode or password.
    Pin,
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_kind_in_order_and_names_round_trip() {
        for (i, k) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(KINDS[i].kind, k);
            assert_eq!(k as usize, i);
            assert_eq!(Kind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert_eq!(Kind::ALL.len(), KINDS.len());
    }
}
