//! The walker's side of the learned category scorer ([`crate::scanner::category::model`]): each
//! string the walker reads adds its words to its event's score; when the record is walked, an event
//! that scores at or over a category's threshold, with no rule finding of that category, gets one
//! finding on the string that added most.

use super::{finding_from, CharCounter, Walker};
use crate::scanner::category::model::{Score, CATEGORIES};
use crate::scanner::{Detector, Kind, Match};

/// The string that added most to one category's score so far: where it is, as ranges into the
/// walker's `located` text (no allocation per string), or into the record for its value.
#[derive(Clone, Copy)]
pub(super) struct Best {
    added: f32,
    /// The outer pointer, then each inner level, one after another in `located`.
    path: (u32, u32),
    /// Ends of the inner levels in `located` (at most [`INNER`]; deeper is not located).
    inner: [u32; INNER],
    levels: u8,
    occurrence: u32,
    /// The value: in the record when `in_record`, else in `located`.
    value: (u32, u32),
    in_record: bool,
}

/// Embedded JSON levels a located string may be under.
const INNER: usize = 4;

/// One event's running score.
#[derive(Clone, Copy, Default)]
pub(super) struct EventScore {
    score: Score,
    best: [Option<Best>; CATEGORIES],
}

/// The rule names of model findings, per category.
const RULES: [&str; CATEGORIES] = [
    "MED.MODEL",
    "PHI.MODEL",
    "REL.MODEL",
    "SO.MODEL",
    "FIN.MODEL",
];

impl Walker<'_> {
    /// Adds string `s` (a value, not a key) to its event's score. Kept out of `leaf`, the walker's
    /// hottest function, whose inlining it would change for every string.
    #[inline(never)]
    pub(super) fn score_string(&mut self, s: &str) {
        // Off unless the policy asks for it; always on when features are collected for training.
        if !self.sc.category_model && self.collect.is_none() {
            return;
        }
        // Words are read from text: a value without a space (a time, a number, an id) adds none;
        // nor does a person's name (`CallerName`, `ProfileName`, `customers.name`), which says
        // nothing about health, faith, orientation or money.
        if memchr::memchr(b' ', s.as_bytes()).is_none() || self.hint.name_field {
            return;
        }
        let Some(model) = self.sc.categories.as_ref().map(|c| c.model()) else {
            return;
        };
        let ev = self.event_index();
        if self.scores.len() <= ev {
            self.scores.resize(ev + 1, EventScore::default());
        }
        // The value's key: the last segment of its path (`#N` for a key that held a finding, a
        // number for an array element).
        let key = self.path.rsplit('/').next().unwrap_or_default();
        if let Some(collected) = self.collect.as_mut() {
            if collected.len() <= ev {
                collected.resize(ev + 1, Vec::new());
            }
            if let Some(v) = collected.get_mut(ev) {
                crate::scanner::category::model::features(key, s, |h| v.push(h));
            }
        }
        let Some(event) = self.scores.get_mut(ev) else {
            return;
        };
        let own = model.add(key, s, &mut event.score);
        let mut located: Option<Best> = None;
        for (i, &added) in own.iter().enumerate() {
            let Some(slot) = event.best.get_mut(i) else {
                continue;
            };
            if added <= 0.0 || slot.is_some_and(|b| added <= b.added) {
                continue;
            }
            if located.is_none() {
                located = locate(
                    &mut self.located,
                    &self.path,
                    &self.inner,
                    self.occurrence,
                    s,
                    self.record,
                );
            }
            if let Some(mut b) = located {
                b.added = added;
                *slot = Some(b);
            }
        }
    }

    /// The model's findings, added to each event that scores at or over a category's threshold and
    /// has no finding of that category from the rules.
    #[inline(never)]
    pub(super) fn model_findings(&mut self) {
        if self.scores.is_empty() || !self.sc.category_model {
            return;
        }
        let Some(model) = self.sc.categories.as_ref().map(|c| c.model()) else {
            return;
        };
        let scores = std::mem::take(&mut self.scores);
        for (ev, score) in scores.iter().enumerate() {
            let p = model.probabilities(&score.score);
            let Some(event) = self.events.get_mut(ev) else {
                continue;
            };
            for (i, kind) in Kind::CATEGORIES.into_iter().enumerate() {
                let (Some(&p), Some(&Some(best))) = (p.get(i), score.best.get(i)) else {
                    continue;
                };
                if p < model.threshold(i) || event.findings.iter().any(|f| f.kind == kind) {
                    continue;
                }
                if event.findings.len() >= self.sc.max_findings {
                    event.truncated = true;
                    break;
                }
                let m = Match {
                    kind,
                    detector: Detector::CategoryModel,
                    start: 0,
                    end: 0,
                    confidence: p,
                    parts: Vec::new(),
                    said: None,
                    rule: RULES.get(i).copied(),
                };
                let text = |(a, b): (u32, u32)| {
                    self.located.get(a as usize..b as usize).unwrap_or_default()
                };
                let value = if best.in_record {
                    self.record
                        .get(best.value.0 as usize..best.value.1 as usize)
                        .unwrap_or_default()
                } else {
                    text(best.value)
                };
                let mut inner = Vec::with_capacity(usize::from(best.levels));
                let mut from = best.path.1;
                for &end in best.inner.iter().take(usize::from(best.levels)) {
                    inner.push(text((from, end)).to_owned());
                    from = end;
                }
                let m = Match {
                    end: value.len(),
                    ..m
                };
                let mut cc = CharCounter::new(value.as_bytes());
                let f = finding_from(
                    &m,
                    text(best.path),
                    &inner,
                    false,
                    best.occurrence,
                    value,
                    &mut cc,
                    self.fp,
                    false,
                );
                event.findings.push(f);
            }
        }
    }
}

/// Notes where string `s` is: its path and inner levels copied into `located`, its value as a range
/// of the record when it lies in it (else copied too). `None` past [`INNER`] levels or 4 GiB.
fn locate(
    located: &mut String,
    path: &str,
    inner: &[String],
    occurrence: u32,
    s: &str,
    record: &str,
) -> Option<Best> {
    // As `split_location`, without its vector: the outer pointer is the first level's (or the
    // path), the inner levels are the rest, then the path.
    let (outer, levels): (&str, &[String]) = match inner.split_first() {
        None => (path, &[]),
        Some((outer, rest)) => (outer, rest),
    };
    let count = if inner.is_empty() {
        0
    } else {
        levels.len() + 1
    };
    if count > INNER {
        return None;
    }
    let at = |t: &String| u32::try_from(t.len()).ok();
    let start = at(located)?;
    located.push_str(outer);
    let path_range = (start, at(located)?);
    let mut ends = [0u32; INNER];
    let all = levels
        .iter()
        .map(String::as_str)
        .chain((count > 0).then_some(path));
    for (end, level) in ends.iter_mut().zip(all) {
        located.push_str(level);
        *end = at(located)?;
    }
    let base = record.as_ptr() as usize;
    let p = s.as_ptr() as usize;
    let (value, in_record) = if p >= base && p + s.len() <= base + record.len() {
        (
            (
                u32::try_from(p - base).ok()?,
                u32::try_from(p - base + s.len()).ok()?,
            ),
            true,
        )
    } else {
        let start = at(located)?;
        located.push_str(s);
        ((start, at(located)?), false)
    };
    Some(Best {
        added: 0.0,
        path: path_range,
        inner: ends,
        levels: count as u8,
        occurrence,
        value,
        in_record,
    })
}
