//! A first name and a last name in fields of their own (`first_name` / `last_name`, Studio's
//! `gather_first_name.SpeechResult` / `gather_last_name.SpeechResult`, a CRM lookup's `parsed`
//! object): neither is a full name alone, both together in one event are.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::scanner::slice::{slice};
use super::{finding_from, CharCounter, Walker};
use crate::scanner::{Detector, Kind, Match};

/// One part of a name seen in its own field.
pub(super) struct NamePart {
    pub(super) at: usize,
    path: String,
    inner: Vec<String>,
    occurrence: u32,
    text: String,
}

/// True when a name-part field's value looks like one: one to three words of letters ("Dilnoza",
/// "de la Cruz", "O'Neil"), or a name spelled letter by letter ("M U R T A Z A E V A").
pub(super) fn name_part_shaped(s: &str) -> bool {
    let t = s.trim();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    (2..=40).contains(&t.len())
        && letters >= 2
        && t.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | '’'))
        && (t.split_whitespace().count() <= 3 || t.split_whitespace().all(|w| w.chars().count() == 1))
}

impl Walker<'_> {
    /// Notes a first or last name in its own field; once the event has both, both are names.
    pub(super) fn name_part(&mut self, s: &str) {
        let ev_idx = self.event_index();
        if self.name_parts_event != ev_idx {
            self.name_parts = [None, None];
            self.name_parts_event = ev_idx;
            self.name_parts_done = false;
        }
        // The hint says 1 (first name) or 2 (last name); anything else is no slot.
        let slot = usize::from(self.hint.name_part.saturating_sub(1));
        if self.name_parts_done || self.name_parts.get(slot).is_none_or(Option::is_some) || !name_part_shaped(s) || crate::scanner::names::not_a_name_part(s) {
            return;
        }
        let (path, inner) = self.location();
        let at = self.event().findings.len();
        let Some(free) = self.name_parts.get_mut(slot) else { return };
        *free = Some(NamePart { at, path, inner, occurrence: self.occurrence, text: s.to_owned() });
        if self.name_parts.iter().all(Option::is_some) {
            self.name_parts_done = true;
            let mut parts: Vec<NamePart> = self.name_parts.iter_mut().filter_map(Option::take).collect();
            // The later one first, so the earlier insertion point stays valid.
            parts.sort_by_key(|p| std::cmp::Reverse(p.at));
            for p in parts {
                let t = p.text.as_str();
                let start = t.len() - t.trim_start().len();
                let end = t.trim_end().len();
                let m = Match::new(Kind::Name, Detector::NameField, start, end, 0.8);
                let mut cc = CharCounter::new(t.as_bytes());
                let f = finding_from(&m, &p.path, &p.inner, false, p.occurrence, slice(t, start, end), &mut cc, self.fp, self.sc.preview);
                self.insert(ev_idx, p.at, vec![f]);
            }
        }
    }
}
