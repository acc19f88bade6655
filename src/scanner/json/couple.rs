//! The walker's side of a couple told across fields: a partner named in one string ("add my wife
//! Folake as a secondary") and the person's sex in a name field of the same event ("Mrs. Adaeze
//! Okoro", a caller ID "MCALLISTER JAMES"). When the record is walked, an event whose name fields
//! tell one sex, the partner's, and which has no orientation finding, gets the partner's.

use super::{finding_from, CharCounter, Finding, Walker};
use crate::scanner::category::{couples, Categories};
use crate::scanner::slice::slice;
use crate::scanner::Kind;

/// What one event's strings told so far.
#[derive(Default)]
pub(super) struct EventCouple {
    /// Bit 1: a name field told a man; bit 2: a woman.
    sexes: u8,
    /// The first partner named, and whether a man.
    partner: Option<(bool, Finding)>,
}

impl Walker<'_> {
    fn couple(&mut self) -> Option<&mut EventCouple> {
        let ev = self.event_index();
        if self.couples.len() <= ev {
            self.couples.resize_with(ev + 1, EventCouple::default);
        }
        self.couples.get_mut(ev)
    }

    /// Notes the sex a name field of the customer tells (not an agent's or a worker's name: not
    /// under a key that names one, at any level, `worker_attributes` holding JSON included).
    pub(super) fn name_sex(&mut self, s: &str) {
        if self.sc.categories.is_none() {
            return;
        }
        let has = |p: &str, w: &[u8]| p.as_bytes().windows(w.len()).any(|x| x.eq_ignore_ascii_case(w));
        let staff = |p: &str| has(p, b"agent") || has(p, b"worker");
        if staff(&self.path) || self.inner.iter().any(|p| staff(p)) {
            return;
        }
        if let Some(male) = couples::sex_of_name(s) {
            if let Some(c) = self.couple() {
                c.sexes |= if male { 1 } else { 2 };
            }
        }
    }

    /// Notes the partner string `s` names (the category pass found one and no orientation).
    pub(super) fn partner(&mut self, s: &str) {
        let Some((male, m)) = Categories::partner_of_the_person(s) else {
            return;
        };
        if self.couple().is_some_and(|c| c.partner.is_some()) {
            return;
        }
        let (path, inner) = self.location();
        let mut cc = CharCounter::new(s.as_bytes());
        let f = finding_from(&m, &path, &inner, false, self.occurrence, slice(s, m.start, m.end), &mut cc, self.fp, self.sc.preview);
        if let Some(c) = self.couple() {
            c.partner = Some((male, f));
        }
    }

    /// Each event whose name fields told one sex and whose partner is of that sex gets the
    /// partner's finding, unless it has an orientation finding already.
    pub(super) fn couple_findings(&mut self) {
        let couples = std::mem::take(&mut self.couples);
        for (ev, c) in couples.into_iter().enumerate() {
            let Some((male, f)) = c.partner else { continue };
            if c.sexes != if male { 1 } else { 2 } {
                continue;
            }
            let max = self.sc.max_findings;
            let Some(event) = self.events.get_mut(ev) else { continue };
            if event.findings.iter().any(|x| x.kind == Kind::So) {
                continue;
            }
            if event.findings.len() >= max {
                event.truncated = true;
                continue;
            }
            event.findings.push(f);
        }
    }
}
