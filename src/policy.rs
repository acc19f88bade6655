//! The policy: which findings make a prohibited combination, and which action each reason leads to.
//!
//! Loaded from a TOML file (`policy.example.toml` documents every key); unknown keys are rejected so a
//! typo cannot silently fall back to a default. Every field has a safe default, so no file is needed.

use serde::{Deserialize, Serialize};

use crate::scanner::{CategoryEvidence, Kind, NameEvidence, Role};

/// Where a name and an identifier must both stand to be a prohibited combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Anywhere in the same event (default): the contract counts `customers.name` in one field and an
    /// SSN in `conversation_attribute_2`.
    #[default]
    Event,
    /// In the same string.
    Field,
    /// In the same string, at most `window_chars` apart.
    Window,
}

/// What a downstream applier should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Remove the spans named in the command from the resource.
    Redact,
    /// Delete the resource.
    Delete,
    /// Change nothing; mark the resource for review (category findings only).
    Tag,
    /// Change nothing automatically: a person must review the whole resource (default for reason
    /// `unscanned`: the scanner failed on the record, so no span list can be trusted to be complete).
    Review,
}

impl Action {
    /// Every action, in report order.
    pub const ALL: [Action; 4] = [Action::Redact, Action::Delete, Action::Tag, Action::Review];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Redact => "redact",
            Action::Delete => "delete",
            Action::Tag => "tag",
            Action::Review => "review",
        }
    }
}

/// Why a command was emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A person's name with an SSN, licence, account or card number in the same event.
    ProhibitedCombination,
    /// An identifier with no name near it.
    Identifier,
    /// Data of a category the contract forbids by itself (health, religion, orientation, financial
    /// identity), with no identifier in the event.
    Category,
    /// A name and an identifier in different events of one conversation (`piiguard correlate`,
    /// `scan --correlate`): one command per event involved, the earlier one too.
    ConversationCombination,
    /// The scanner failed on the record (a bug, caught): it was not scanned, so it must not pass as
    /// clean. The command names the resource (SIDs read from the raw bytes) and whatever the plain
    /// raw-text scan found; the record also gets a `scan_panic` dead-letter reference.
    Unscanned,
}

impl Reason {
    /// Every reason, in report order.
    pub const ALL: [Reason; 5] =
        [Reason::ProhibitedCombination, Reason::Identifier, Reason::Category, Reason::ConversationCombination, Reason::Unscanned];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::ProhibitedCombination => "prohibited_combination",
            Reason::Identifier => "identifier",
            Reason::Category => "category",
            Reason::ConversationCombination => "conversation_combination",
            Reason::Unscanned => "unscanned",
        }
    }
}

/// How negated mentions are treated.
///
/// A *denial* is a specific term (a condition, a test result, an orientation, a religion, an
/// insolvency) negated about a person: "I don't have diabetes", "I'm not HIV positive", "I'm not
/// bankrupt", "I'm not gay" (detector `category_denial`). That a person does not have a status is
/// still data regarding it, so by default it counts like a disclosure. Other negated mentions ("no
/// medical conditions", "there are no religious restrictions", a negated term with no person) are
/// `category_negated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Negated {
    /// Denials are reported with the category's action; other negated mentions are not (default).
    #[default]
    Denials,
    /// Neither is reported: a denial counts as no disclosure.
    Ignore,
    /// Both are reported with action `tag`, for review.
    Tag,
}

/// One category's settings (`[categories.med]` …).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CategoryPolicy {
    /// Report this category. Default true.
    pub enabled: bool,
    /// `redact` (default), `delete` or `tag`.
    pub action: Action,
    /// Which kinds of evidence count: `disclosure`, `subject`, `field`, `validator`, `answer` (the
    /// default: all of these), and `model`, the learned scorer (opt-in: it costs about 8 % of the
    /// event path). Each finding's `detector` says which one found it.
    pub evidence: Vec<CategoryEvidence>,
}

impl Default for CategoryPolicy {
    fn default() -> Self {
        CategoryPolicy {
            enabled: true,
            action: Action::Redact,
            evidence: vec![CategoryEvidence::Disclosure, CategoryEvidence::Subject, CategoryEvidence::Field, CategoryEvidence::Validator, CategoryEvidence::Answer],
        }
    }
}

/// The `[categories]` table: the contract's category clause.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Categories {
    /// How negated mentions are treated: `denials` (default), `ignore` or `tag`.
    pub negated: Negated,
    /// Medical or physical identity.
    pub med: CategoryPolicy,
    /// Health identifiers.
    pub phi: CategoryPolicy,
    /// Religious beliefs.
    pub rel: CategoryPolicy,
    /// Sexual orientation.
    pub so: CategoryPolicy,
    /// Financial or economic identity.
    pub fin: CategoryPolicy,
}

impl Categories {
    /// The settings of a category kind (`None` for other kinds).
    pub fn get(&self, kind: Kind) -> Option<&CategoryPolicy> {
        match kind {
            Kind::Med => Some(&self.med),
            Kind::Phi => Some(&self.phi),
            Kind::Rel => Some(&self.rel),
            Kind::So => Some(&self.so),
            Kind::Fin => Some(&self.fin),
            _ => None,
        }
    }

    /// Every category's settings, in [`Kind::CATEGORIES`] order, to change them all alike.
    pub fn all_mut(&mut self) -> [&mut CategoryPolicy; 5] {
        [&mut self.med, &mut self.phi, &mut self.rel, &mut self.so, &mut self.fin]
    }

    /// True when an enabled category counts the learned scorer's findings (`evidence` lists
    /// `model`): the scanner runs the scorer only then.
    pub fn uses_model(&self) -> bool {
        Kind::CATEGORIES.iter().filter_map(|k| self.get(*k)).any(|c| c.enabled && c.evidence.contains(&CategoryEvidence::Model))
    }

    /// True when any category is enabled (else the scanner can skip the category pass).
    pub fn any_enabled(&self) -> bool {
        Kind::CATEGORIES.iter().any(|k| self.get(*k).is_some_and(|c| c.enabled))
    }
}

/// The `[combination]` table.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Combination {
    /// `event` (default), `field` or `window`.
    pub scope: Scope,
    /// For `scope = "window"`: the largest distance in characters between name and identifier.
    pub window_chars: usize,
    /// Identifier kinds that combine with a name. Default: ssn, card, account, dl (the contract's
    /// list). A routing number alone identifies a bank, not a person.
    pub identifiers: Vec<Kind>,
    /// Which kinds of evidence for a name count: `list`, `cue`, `field`, `score` (default: all).
    /// Each finding's `detector` says which one found it.
    pub name_evidence: Vec<NameEvidence>,
}

impl Default for Combination {
    fn default() -> Self {
        Combination {
            scope: Scope::Event,
            window_chars: 300,
            identifiers: vec![Kind::Ssn, Kind::Card, Kind::Account, Kind::Dl],
            name_evidence: vec![NameEvidence::List, NameEvidence::Cue, NameEvidence::Field, NameEvidence::Score],
        }
    }
}

/// The `[actions]` table: the action for each reason.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Actions {
    /// Default `redact`.
    pub prohibited_combination: Action,
    /// Default `redact`.
    pub identifier: Action,
    /// Default `review`: a record the scanner failed on (see [`Reason::Unscanned`]).
    pub unscanned: Action,
}

impl Default for Actions {
    fn default() -> Self {
        Actions { prohibited_combination: Action::Redact, identifier: Action::Redact, unscanned: Action::Review }
    }
}

/// The `[report]` table.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Report {
    /// Emit commands for identifiers that have no name with them (reason `identifier`). Default true.
    pub identifiers_without_name: bool,
    /// Ignore findings below this confidence (0-1). Default 0.
    pub min_confidence: f32,
}

impl Default for Report {
    fn default() -> Self {
        Report { identifiers_without_name: true, min_confidence: 0.0 }
    }
}

/// The whole policy file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Name + identifier rule.
    pub combination: Combination,
    /// Actions per reason.
    pub actions: Actions,
    /// What to report.
    pub report: Report,
    /// The category clause.
    pub categories: Categories,
}

/// A policy file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// Not valid TOML or not the expected shape (the message names the key, not a value).
    #[error("invalid policy: {0}")]
    Invalid(String),
}

impl Policy {
    /// Parses and validates a policy file's text.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let p: Policy = toml::from_str(text).map_err(|e| PolicyError::Invalid(e.message().to_owned()))?;
        if p.combination.identifiers.is_empty() || p.combination.identifiers.iter().any(|k| k.info().role != Role::Identifier) {
            return Err(PolicyError::Invalid("combination.identifiers must list identifier kinds, not name".into()));
        }
        if p.combination.name_evidence.is_empty() {
            return Err(PolicyError::Invalid("combination.name_evidence must list at least one of list, cue, field, score".into()));
        }
        if !(0.0..=1.0).contains(&p.report.min_confidence) {
            return Err(PolicyError::Invalid("report.min_confidence must be between 0 and 1".into()));
        }
        for k in Kind::CATEGORIES {
            if p.categories.get(k).is_some_and(|c| c.enabled && c.evidence.is_empty()) {
                return Err(PolicyError::Invalid(format!(
                    "categories.{}.evidence must list at least one of disclosure, subject, field, validator, answer, model (or set enabled = false)",
                    k.as_str()
                )));
            }
        }
        if p.combination.window_chars == 0 {
            return Err(PolicyError::Invalid("combination.window_chars must be positive".into()));
        }
        Ok(p)
    }

    /// The action for a reason (for `category`, the strongest action of the categories found is
    /// used instead: see [`crate::rule::decide`]).
    pub fn action(&self, reason: Reason) -> Action {
        match reason {
            Reason::ProhibitedCombination => self.actions.prohibited_combination,
            Reason::Identifier => self.actions.identifier,
            Reason::Category => Action::Redact,
            // The same prohibited combination, split over a conversation's events.
            Reason::ConversationCombination => self.actions.prohibited_combination,
            Reason::Unscanned => self.actions.unscanned,
        }
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        let s = String::deserialize(d)?;
        Kind::parse(&s).ok_or_else(|| {
            let known: Vec<&str> = crate::scanner::KINDS.iter().filter(|k| k.role == Role::Identifier).map(|k| k.name).collect();
            serde::de::Error::custom(format!("unknown finding kind (expected one of {})", known.join(", ")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_learned_scorer_runs_only_when_an_enabled_category_counts_it() {
        let mut c = Categories::default();
        assert!(!c.uses_model(), "off by default");
        c.so.evidence.push(CategoryEvidence::Model);
        assert!(c.uses_model());
        c.so.enabled = false;
        assert!(!c.uses_model(), "a disabled category asks for nothing");
        let p: Policy = toml::from_str("[categories.fin]\nevidence = [\"model\", \"disclosure\"]").unwrap();
        assert!(p.categories.uses_model());
    }

    #[test]
    fn example_file_is_the_default() {
        let p = Policy::from_toml(include_str!("../policy.example.toml")).unwrap();
        assert_eq!(p, Policy::default());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let e = Policy::from_toml("[combination]\nscop = \"event\"\n").unwrap_err();
        assert!(e.to_string().contains("scop"), "{e}");
        assert!(Policy::from_toml("[combination]\nidentifiers = [\"name\"]\n").is_err());
        assert!(Policy::from_toml("[report]\nmin_confidence = 2.0\n").is_err());
    }
}
