//! The rule: a person's name together with an identifier is a prohibited combination; an identifier
//! alone is reported as an identifier; data of a forbidden category (health, religion, orientation,
//! financial identity) is reported as a category, or rides along in the identifier's command. Pure
//! function of the scan result and the policy.

use crate::policy::{Action, Negated, Policy, Reason, Scope};
use crate::scanner::json::{EventScan, Finding};
use crate::scanner::{Detector, Role};

/// What to do about one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Why.
    pub reason: Reason,
    /// What the applier should do.
    pub action: Action,
    /// Indices into the event's findings that the command names: every identifier, the names that
    /// pair with one, and other findings (routing numbers) that ride along.
    pub findings: Vec<usize>,
}

fn same_field(a: &Finding, b: &Finding) -> bool {
    a.path == b.path && a.inner_path == b.inner_path && a.in_key == b.in_key && a.occurrence == b.occurrence
}

/// True for an identifier the policy combines with a name (an SSN, licence, account or card number
/// found with enough confidence).
pub fn is_identifier(policy: &Policy, f: &Finding) -> bool {
    f.confidence >= policy.report.min_confidence && policy.combination.identifiers.contains(&f.kind)
}

/// True for a name the policy counts as the person half of a combination (its evidence is listed).
pub fn is_name(policy: &Policy, f: &Finding) -> bool {
    f.confidence >= policy.report.min_confidence
        && f.kind.info().role == Role::Name
        && f.detector.name_evidence().is_some_and(|e| policy.combination.name_evidence.contains(&e))
}

/// Decides whether an event needs a command.
pub fn decide(policy: &Policy, ev: &EventScan) -> Option<Decision> {
    let usable = |f: &Finding| f.confidence >= policy.report.min_confidence;
    let is_ident = |f: &Finding| is_identifier(policy, f);
    let is_name = |f: &Finding| is_name(policy, f);
    // Identifiers the policy does not combine with names (routing numbers) ride along.
    let is_extra = |f: &Finding| usable(f) && f.kind.info().role == Role::Identifier && !is_ident(f);
    let idents: Vec<usize> = (0..ev.findings.len()).filter(|&i| is_ident(&ev.findings[i])).collect();
    // Category findings the policy counts, with the action each asks for.
    let category_action = |f: &Finding| -> Option<Action> {
        let c = policy.categories.get(f.kind).filter(|c| c.enabled && usable(f))?;
        match f.detector.category_evidence() {
            Some(e) => c.evidence.contains(&e).then_some(c.action),
            None => match (policy.categories.negated, f.detector) {
                (Negated::Tag, _) => Some(Action::Tag),
                (Negated::Denials, Detector::CategoryDenial) => Some(c.action),
                _ => None,
            },
        }
    };
    let categories: Vec<(usize, Action)> = (0..ev.findings.len()).filter_map(|i| category_action(&ev.findings[i]).map(|a| (i, a))).collect();
    if idents.is_empty() {
        return category_decision(&categories);
    }
    let near = |n: &Finding, id: &Finding| match policy.combination.scope {
        Scope::Event => true,
        Scope::Field => same_field(n, id),
        Scope::Window => {
            same_field(n, id) && {
                let gap = if n.end <= id.start { id.start - n.end } else { n.start.saturating_sub(id.end) };
                gap <= policy.combination.window_chars
            }
        }
    };
    let mut combo: Vec<usize> = Vec::new();
    for (i, f) in ev.findings.iter().enumerate() {
        let paired = if is_name(f) {
            idents.iter().any(|&j| near(f, &ev.findings[j]))
        } else if is_ident(f) {
            ev.findings.iter().any(|n| is_name(n) && near(n, f))
        } else {
            false
        };
        if paired {
            combo.push(i);
        }
    }
    // Every identifier is named, paired or not: the command removes all of them.
    let (reason, mut chosen) = if !combo.is_empty() {
        combo.extend(&idents);
        (Reason::ProhibitedCombination, combo)
    } else if policy.report.identifiers_without_name {
        (Reason::Identifier, idents)
    } else {
        return category_decision(&categories);
    };
    chosen.extend((0..ev.findings.len()).filter(|&i| is_extra(&ev.findings[i])));
    // Category data in the same event is removed with the identifiers (unless only tagged).
    chosen.extend(categories.iter().filter(|(_, a)| *a != Action::Tag).map(|(i, _)| *i));
    chosen.sort_unstable();
    chosen.dedup();
    Some(Decision { reason, action: policy.action(reason), findings: chosen })
}

/// The command for an event whose only reportable findings are category findings: the strongest
/// action asked for (`delete` over `redact` over `review` over `tag`); a `tag` finding is named only
/// when the command is a tag.
fn category_decision(categories: &[(usize, Action)]) -> Option<Decision> {
    let rank = |a: Action| match a {
        Action::Delete => 3,
        Action::Redact => 2,
        Action::Review => 1,
        Action::Tag => 0,
    };
    let action = categories.iter().map(|(_, a)| *a).max_by_key(|a| rank(*a))?;
    let findings = categories.iter().filter(|(_, a)| action == Action::Tag || *a != Action::Tag).map(|(i, _)| *i).collect();
    Some(Decision { reason: Reason::Category, action, findings })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::Kind;

    fn f(kind: Kind, path: &str, start: usize, end: usize) -> Finding {
        Finding {
            kind,
            detector: if kind == Kind::Name { Detector::NamePair } else { Detector::Ssn },
            path: path.into(),
            inner_path: vec![],
            in_key: false,
            occurrence: 0,
            start,
            end,
            byte_start: start,
            byte_end: end,
            confidence: 0.9,
            parts: vec![],
            fingerprint: String::new(),
            preview: None,
            sentence_sid: None,
            continued: vec![],
            rule: None,
        }
    }

    fn ev(findings: Vec<Finding>) -> EventScan {
        EventScan { findings, ..EventScan::default() }
    }

    #[test]
    fn name_in_other_field_combines_by_default() {
        let e = ev(vec![f(Kind::Name, "/customers/name", 0, 8), f(Kind::Ssn, "/body", 4, 15)]);
        let d = decide(&Policy::default(), &e).unwrap();
        assert_eq!(d.reason, Reason::ProhibitedCombination);
        assert_eq!(d.findings, [0, 1]);
    }

    #[test]
    fn identifier_alone() {
        let e = ev(vec![f(Kind::Card, "/body", 0, 19)]);
        assert_eq!(decide(&Policy::default(), &e).unwrap().reason, Reason::Identifier);
        let mut p = Policy::default();
        p.report.identifiers_without_name = false;
        assert_eq!(decide(&p, &e), None);
    }

    #[test]
    fn name_alone_or_routing_alone_is_nothing() {
        assert_eq!(decide(&Policy::default(), &ev(vec![f(Kind::Name, "/a", 0, 8)])), None);
        assert_eq!(decide(&Policy::default(), &ev(vec![f(Kind::Name, "/a", 0, 8), f(Kind::Routing, "/a", 10, 19)])), None);
    }

    #[test]
    fn name_evidence_can_be_required() {
        let mut name = f(Kind::Name, "/a", 0, 8);
        name.detector = Detector::NameScore;
        let e = ev(vec![name, f(Kind::Ssn, "/a", 10, 21)]);
        assert_eq!(decide(&Policy::default(), &e).unwrap().reason, Reason::ProhibitedCombination);
        let mut p = Policy::default();
        p.combination.name_evidence.retain(|x| *x != crate::scanner::NameEvidence::Score);
        assert_eq!(decide(&p, &e).unwrap().reason, Reason::Identifier);
    }

    #[test]
    fn categories_make_their_own_command_or_ride_along() {
        let mut med = f(Kind::Med, "/body", 0, 8);
        med.detector = Detector::CategoryDisclosure;
        let d = decide(&Policy::default(), &ev(vec![med.clone()])).unwrap();
        assert_eq!((d.reason, d.action, d.findings), (Reason::Category, Action::Redact, vec![0]));
        let d = decide(&Policy::default(), &ev(vec![med.clone(), f(Kind::Ssn, "/body", 20, 31)])).unwrap();
        assert_eq!((d.reason, d.findings), (Reason::Identifier, vec![0, 1]));
        let mut p = Policy::default();
        p.categories.med.enabled = false;
        assert_eq!(decide(&p, &ev(vec![med.clone()])), None);
        let mut p = Policy::default();
        p.categories.med.action = Action::Tag;
        assert_eq!(decide(&p, &ev(vec![med.clone()])).unwrap().action, Action::Tag);
        let d = decide(&p, &ev(vec![med.clone(), f(Kind::Ssn, "/body", 20, 31)])).unwrap();
        assert_eq!(d.findings, vec![1], "a tagged category does not ride along in a redaction");
        let mut neg = med.clone();
        neg.detector = Detector::CategoryNegated;
        assert_eq!(decide(&Policy::default(), &ev(vec![neg.clone()])), None);
        let mut denial = med;
        denial.detector = Detector::CategoryDenial;
        assert_eq!(decide(&Policy::default(), &ev(vec![denial.clone()])).unwrap().action, Action::Redact, "a denial counts by default");
        let mut p = Policy::default();
        p.categories.negated = Negated::Ignore;
        assert_eq!(decide(&p, &ev(vec![denial.clone()])), None);
        p.categories.negated = Negated::Tag;
        assert_eq!(decide(&p, &ev(vec![neg])).unwrap().action, Action::Tag);
        assert_eq!(decide(&p, &ev(vec![denial])).unwrap().action, Action::Tag);
    }

    #[test]
    fn scopes() {
        let e = ev(vec![f(Kind::Name, "/a", 0, 8), f(Kind::Ssn, "/b", 0, 11), f(Kind::Ssn, "/a", 500, 511)]);
        let mut p = Policy::default();
        p.combination.scope = Scope::Field;
        let d = decide(&p, &e).unwrap();
        assert_eq!((d.reason, d.findings.clone()), (Reason::ProhibitedCombination, vec![0, 1, 2]));
        p.combination.scope = Scope::Window;
        assert_eq!(decide(&p, &e).unwrap().reason, Reason::Identifier);
    }
}
