//! The scanner: finds identifiers (SSN, card, account, routing, licence) and person names in text and
//! in JSON events. Pure: no I/O, no async, no logging, no metrics; the service and the CLI wrap it.
//!
//! Build once, search many times. A [`Scanner`] is cheap to clone (an `Arc` inside) and can be shared
//! between threads.
//!
//! ```
//! use piiguard::scanner::{Kind, ScannerBuilder};
//!
//! let scanner = ScannerBuilder::new().build().unwrap();
//! let found = scanner.scan_text("Hi, this is Jane Doe, SSN 123-45-6789");
//! let kinds: Vec<Kind> = found.iter().map(|m| m.kind).collect();
//! assert_eq!(kinds, [Kind::Name, Kind::Ssn]);
//! // A match carries where, never what.
//! assert_eq!((found[1].start, found[1].end), (26, 37));
//! ```

// Text is sliced only through `slice` (a computed byte offset can fall inside a character).
// Tests slice the spans they check: a panic there fails the test.
#![cfg_attr(not(test), deny(clippy::string_slice))]
// Indexing and slicing of bytes and vectors is checked (`get`) too, except in the files that say
// why not (`expect` with a reason).
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::sync::Arc;

pub mod category;
pub mod cues;
pub mod dl;
pub mod json;
pub mod names;
mod numbers;
mod slice;
mod spoken;
mod swar;
mod taxonomy;
pub mod validate;
mod view;

pub use taxonomy::{CategoryEvidence, Detector, Kind, KindInfo, NameEvidence, Normal, PartKind, Role, KINDS};

use cues::{CueMatcher, FieldHint};
use names::NameLists;

/// A part of a match (byte offsets into the scanned text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// What the part is.
    pub kind: PartKind,
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
}

/// A match in one text: where and what kind, never the matched value.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// What was found.
    pub kind: Kind,
    /// The rule that found it.
    pub detector: Detector,
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// 0-1: how sure the rule is.
    pub confidence: f32,
    /// Security code, expiry or PIN that goes with a card or account.
    pub parts: Vec<Part>,
    /// The digits and letters the match says when it was read from words ("four one one one" is
    /// "4111"): what its fingerprint and preview are made from.
    pub(crate) said: Option<Box<str>>,
    /// For a category finding, the rule that found it (`MED.CONDITION`, `PHI.NPI` …).
    pub rule: Option<&'static str>,
}

impl Match {
    fn new(kind: Kind, detector: Detector, start: usize, end: usize, confidence: f32) -> Match {
        Match { kind, detector, start, end, confidence, parts: Vec::new(), said: None, rule: None }
    }

    /// Moves the match and its parts `by` bytes on (a match found in a slice of a larger text).
    /// Maps the span and its parts, found in view `v`, back to the text the view was made from.
    pub(crate) fn map_back(&mut self, v: &view::View) {
        self.start = v.original(self.start);
        self.end = v.original_end(self.end);
        for p in &mut self.parts {
            p.start = v.original(p.start);
            p.end = v.original_end(p.end);
        }
    }

    pub(crate) fn shift(&mut self, by: usize) {
        self.start += by;
        self.end += by;
        for p in &mut self.parts {
            p.start += by;
            p.end += by;
        }
    }
}

/// Why the scanner could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The keyword automaton failed to build.
    #[error("building the keyword automaton failed: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
    /// A limit is out of range.
    #[error("invalid scanner setting {setting}: {reason}")]
    Setting {
        /// Which setting.
        setting: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Builds a [`Scanner`].
#[derive(Debug, Clone)]
pub struct ScannerBuilder {
    cue_window: usize,
    max_depth: usize,
    max_findings: usize,
    max_embedded: usize,
    preview: bool,
    names: Option<Arc<NameLists>>,
    names_everywhere: bool,
    parties: bool,
    categories: bool,
    category_model: bool,
}

impl Default for ScannerBuilder {
    fn default() -> Self {
        ScannerBuilder {
            cue_window: 48,
            max_depth: 64,
            max_findings: 1000,
            max_embedded: 3,
            preview: false,
            names: None,
            names_everywhere: false,
            parties: false,
            categories: true,
            category_model: false,
        }
    }
}

impl ScannerBuilder {
    /// Defaults: cue window 48 bytes, JSON depth 64, 1,000 findings per event, 3 levels of JSON in strings.
    pub fn new() -> ScannerBuilder {
        ScannerBuilder::default()
    }
    /// How many bytes before a number a keyword cue may stand (half as many after it).
    pub fn cue_window(mut self, bytes: usize) -> Self {
        self.cue_window = bytes;
        self
    }
    /// Deepest JSON nesting scanned as JSON; deeper records are scanned as raw text.
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }
    /// Findings kept per event; past it the event is marked truncated.
    pub fn max_findings(mut self, n: usize) -> Self {
        self.max_findings = n;
        self
    }
    /// Attach a masked preview (the last 4 letters or digits) to identifier findings. Off by default:
    /// even a partial value is only shown when asked for.
    pub fn masked_preview(mut self, on: bool) -> Self {
        self.preview = on;
        self
    }
    /// Use these name lists instead of the bundled ones.
    pub fn names(mut self, lists: NameLists) -> Self {
        self.names = Some(Arc::new(lists));
        self
    }
    /// Look for names in every string. Off by default: a name alone makes no command, so names are
    /// looked for only in texts and events that hold an identifier (in an event, the strings before
    /// the first identifier are kept aside and scanned for names once one is found). This keeps the
    /// name rules, which cost more than the identifier scan, off the clean traffic that is most of a
    /// stream.
    pub fn names_everywhere(mut self, on: bool) -> Self {
        self.names_everywhere = on;
        self
    }
    /// Prepare events for the conversation stage: look for names in every string
    /// ([`names_everywhere`](Self::names_everywhere): a name waits for an identifier in a later
    /// event), and keep keyed fingerprints of an event's `from` and `to` (an SMS's conversation is
    /// its two numbers). Off by default: both cost time the per-event rule does not need.
    pub fn conversations(mut self, on: bool) -> Self {
        self.names_everywhere = on;
        self.parties = on;
        self
    }
    /// Look for the category clause's data (health, health identifiers, religion, orientation,
    /// financial identity). On by default; off only when the policy disables every category (the
    /// scanner then skips the category pass).
    pub fn categories(mut self, on: bool) -> Self {
        self.categories = on;
        self
    }
    /// Run the learned category scorer (`category::model`) over every string with words, for the
    /// policy's `model` evidence. Off by default: it reads every word of the text once more (7.9 %
    /// of the event path's instructions, BENCHMARKS.md); on only when a category's `evidence` lists
    /// `model`.
    pub fn category_model(mut self, on: bool) -> Self {
        self.category_model = on;
        self
    }
    /// Compiles the scanner.
    pub fn build(self) -> Result<Scanner, BuildError> {
        if !(8..=1000).contains(&self.cue_window) {
            return Err(BuildError::Setting { setting: "cue_window", reason: "must be 8 to 1000 bytes" });
        }
        if !(1..=127).contains(&self.max_depth) {
            return Err(BuildError::Setting { setting: "max_depth", reason: "must be 1 to 127" });
        }
        if self.max_findings == 0 {
            return Err(BuildError::Setting { setting: "max_findings", reason: "must be at least 1" });
        }
        let names = self.names.unwrap_or_else(NameLists::shared);
        Ok(Scanner(Arc::new(Inner {
            cues: CueMatcher::new()?,
            name_cues: names::cued::NameCues::new()?,
            names_everywhere: self.names_everywhere,
            parties: self.parties,
            states: dl::StateFinder::new()?,
            names,
            categories: self.categories.then(shared_categories),
            category_model: self.categories && self.category_model,
            cue_window: self.cue_window,
            max_depth: self.max_depth,
            max_findings: self.max_findings,
            max_embedded: self.max_embedded,
            preview: self.preview,
        })))
    }
}

/// True when a typed text names an identifier and says a number in words: the cheap test (an
/// automaton of a few cue words, then the spoken-number test) before a spoken view is built for
/// a string that is not a speech field, only in keys of notes and free attributes
/// ([`FieldHint::notes`]). Card and account words count too: the spoken-number test keeps the view
/// rare (no measurable cost on the event path, BENCHMARKS.md; an earlier version that built the
/// view for every note naming one cost 2.5 %).
fn quotes_speech(text: &str) -> bool {
    static CUES: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    if text.len() < 24 || memchr::memchr(b' ', text.as_bytes()).is_none() {
        return false;
    }
    let cues = CUES.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(["social", "ssn", "routing", "licen", "iban", "card", "account", "acct"])
            .expect("static cue words build")
    });
    // A note with digits has its numbers typed: it is read as typed.
    swar::next_digit(text.as_bytes(), 0).is_none() && cues.is_match(text) && spoken::has_spoken_number(text)
}

/// Identifiers in `text`, appended to `out`; returns how many.
fn scan_identifiers(inner: &Inner, text: &str, hint: &FieldHint, out: &mut Vec<Match>) -> usize {
    let first = out.len();
    // Full-width digits, typographic spaces and dashes, a number split over lines.
    let typed = if !text.is_ascii() || memchr::memchr(b'\n', text.as_bytes()).is_some() { view::normalise(text) } else { None };
    // Speech: numbers said as words or digits said one at a time (on top of the typography view);
    // also a typed note that quotes a call ("ivr said: social is eight six four um four …"), when
    // it names an identifier.
    let spoken = if hint.speech || hint.notes && quotes_speech(text) {
        match &typed {
            Some(t) => spoken::normalise(&t.text).map(|s| s.through(t)),
            None => spoken::normalise(text),
        }
    } else {
        None
    };
    let is_spoken = spoken.is_some();
    if let Some(v) = spoken.or(typed) {
        numbers::scan(inner, v.text.as_bytes(), hint, out);
        for m in out.get_mut(first..).unwrap_or_default() {
            if is_spoken {
                // What was said, for the fingerprint: the view's letters and digits of the match.
                m.said = Some(slice::slice(&v.text, m.start, m.end).chars().filter(char::is_ascii_alphanumeric).collect::<String>().into());
            }
            m.map_back(&v);
        }
        return out.len() - first;
    }
    if swar::next_digit(text.as_bytes(), 0).is_none() {
        return 0;
    }
    numbers::scan(inner, text.as_bytes(), hint, out);
    out.len() - first
}

/// The category lexicons, compiled once per process (every scanner shares them).
fn shared_categories() -> &'static category::Categories {
    static C: std::sync::OnceLock<category::Categories> = std::sync::OnceLock::new();
    C.get_or_init(category::Categories::new)
}

/// True when a string could hold a finding of any detector family: the one gate every string passes
/// before it is scanned or kept for the name rules. Each family's condition is here: identifiers
/// hold a digit; names a space between two words, a script written without spaces (not in keys), or
/// in a name field an identity without a space (`ricardo.albuquerque`, `k.okabe@…`); category terms a space too (a term alone is no disclosure), except the value of a field
/// whose key names a category (`religion: "Buddhist"`).
#[inline(always)]
pub(crate) fn may_hold_finding(s: &str, in_key: bool, category_field: bool, name_field: bool) -> bool {
    swar::has_digit_or_space(s.as_bytes())
        || (!in_key && (!s.is_ascii() || category_field || name_field && memchr::memchr3(b'.', b'_', b'@', s.as_bytes()).is_some()))
}

/// Category findings in `text` appended to `out`; the run of `out` from `first` is kept ordered by
/// start when matches of other detectors were already in it. True when the text names a partner
/// and tells no orientation (see [`category::Categories::scan`]).
fn scan_categories(inner: &Inner, text: &str, hint: &FieldHint, out: &mut Vec<Match>, first: usize) -> bool {
    let Some(c) = inner.categories else { return false };
    let mid = out.len();
    let partner = c.scan(text, hint, out);
    if out.len() > mid && mid > first {
        out.get_mut(first..).unwrap_or_default().sort_by_key(|m| m.start);
    }
    partner
}

/// True when `text` could hold a name the name rules would find: a space between two words, a name
/// field, or a script written without spaces.
fn may_hold_name(text: &str, hint: &FieldHint) -> bool {
    text.len() >= 4 && (hint.name_field || memchr::memchr(b' ', text.as_bytes()).is_some() || !text.is_ascii())
}

/// Names in `text`, merged into `out[from..]` (which holds the same text's identifiers) by start.
fn scan_names(inner: &Inner, text: &str, hint: &FieldHint, out: &mut Vec<Match>, from: usize) {
    if !may_hold_name(text, hint) {
        return;
    }
    let mid = out.len();
    // Emoji between a name's words and typographic spaces ("Maya 🌸 Thompson", a no-break space)
    // are read as one space, as the identifier rules read them.
    match (!text.is_ascii()).then(|| view::normalise(text)).flatten() {
        Some(v) => {
            names::scan(inner, &v.text, hint, out);
            for m in out.get_mut(mid..).unwrap_or_default() {
                m.map_back(&v);
            }
        }
        None => names::scan(inner, text, hint, out),
    }
    if out.len() > mid && mid > from {
        // Names never overlap identifiers (identifiers hold a digit); merge the two sorted runs.
        out.get_mut(from..).unwrap_or_default().sort_by_key(|m| m.start);
    }
}

/// Identifiers, then (when there are any, or always with `names_everywhere`) names, in one run
/// ordered by start.
fn scan_into(inner: &Inner, text: &str, hint: &FieldHint, out: &mut Vec<Match>) {
    let first = out.len();
    if scan_identifiers(inner, text, hint, out) > 0 || inner.names_everywhere {
        scan_names(inner, text, hint, out, first);
    }
    scan_categories(inner, text, hint, out, first);
}

pub(crate) struct Inner {
    cues: CueMatcher,
    name_cues: names::cued::NameCues,
    names_everywhere: bool,
    /// Keep fingerprints of `from`/`to` ([`ScannerBuilder::conversations`]).
    parties: bool,
    states: dl::StateFinder,
    names: Arc<NameLists>,
    categories: Option<&'static category::Categories>,
    /// Run the learned category scorer ([`ScannerBuilder::category_model`]).
    category_model: bool,
    cue_window: usize,
    max_depth: usize,
    max_findings: usize,
    max_embedded: usize,
    preview: bool,
}

/// The compiled scanner. Clone it freely: clones share the compiled tables.
#[derive(Clone)]
pub struct Scanner(Arc<Inner>);

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner").field("cue_window", &self.0.cue_window).finish_non_exhaustive()
    }
}

impl Scanner {
    /// Scans one text with no field context.
    pub fn scan_text(&self, text: &str) -> Vec<Match> {
        let mut out = Vec::new();
        self.scan_field(text, &FieldHint::default(), &mut out);
        out
    }

    /// Scans one text that is the value of a field described by `hint`, appending to `out` in order.
    pub fn scan_field(&self, text: &str, hint: &FieldHint, out: &mut Vec<Match>) {
        scan_into(&self.0, text, hint, out);
    }

    /// Scans raw bytes that are not valid JSON (or not UTF-8): each valid UTF-8 stretch is scanned as
    /// text; offsets are into `bytes`. Names are looked for when any stretch holds an identifier.
    pub fn scan_bytes(&self, bytes: &[u8], out: &mut Vec<Match>) {
        let hint = FieldHint::default();
        let first = out.len();
        let mut idents = 0;
        for pass in 0..2 {
            if pass == 1 && idents == 0 && !self.0.names_everywhere {
                break;
            }
            let mut offset = 0;
            for chunk in bytes.utf8_chunks() {
                let at = out.len();
                if pass == 0 {
                    idents += scan_identifiers(&self.0, chunk.valid(), &hint, out);
                    scan_categories(&self.0, chunk.valid(), &hint, out, at);
                } else {
                    names::scan(&self.0, chunk.valid(), &hint, out);
                }
                for m in out.get_mut(at..).unwrap_or_default() {
                    m.shift(offset);
                }
                offset += chunk.valid().len() + chunk.invalid().len();
            }
        }
        out.get_mut(first..).unwrap_or_default().sort_by_key(|m| m.start);
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_is_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<Scanner>();
    }

    #[test]
    fn bad_settings_are_named() {
        let e = ScannerBuilder::new().cue_window(2).build().unwrap_err();
        assert!(e.to_string().contains("cue_window"));
    }
}
