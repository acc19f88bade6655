//! Walks a JSON record token by token and scans every string: values, object keys, numbers that could
//! be identifiers, and JSON embedded in strings (TaskRouter `task_attributes`, webhook `Attributes`).
//!
//! It drives `serde_json`'s deserializer with its own visitor instead of building a `Value`: a `Value`
//! keeps only the last of duplicate keys (PII in an earlier one would be invisible) and costs an
//! allocation per node, while the visitor sees every key in order, borrows unescaped strings, and still
//! gets `\u` escapes decoded. Paths are RFC 6901 JSON pointers; spans are character offsets into the
//! decoded string.
//!
//! A record is one event, or, when its top level is an array (webhook sinks POST arrays of
//! CloudEvents), one event per element.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::scanner::slice::{slice};
use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::cues::{Cues, FieldHint, KeyHints};
use super::{Detector, Inner, Kind, Match, PartKind, Scanner};

use crate::fingerprint::Fingerprinter;

/// A part of a finding (character offsets into the same string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPart {
    /// What the part is.
    pub kind: PartKind,
    /// Start, in characters.
    pub start: usize,
    /// End, in characters (exclusive).
    pub end: usize,
}

/// One finding in a record: where it is and a keyed fingerprint of the value, never the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What was found.
    pub kind: Kind,
    /// The rule that found it.
    pub detector: Detector,
    /// RFC 6901 pointer to the string in the record ("" for a record scanned as raw text).
    pub path: String,
    /// When the string holds embedded JSON: the pointer inside it, one per level of embedding.
    pub inner_path: Vec<String>,
    /// The match is in an object key, not a value.
    pub in_key: bool,
    /// When a key on the path occurs more than once in its object: which occurrence (0-based).
    pub occurrence: u32,
    /// Start, in characters of the decoded string.
    pub start: usize,
    /// End, in characters (exclusive).
    pub end: usize,
    /// Start, in bytes of the UTF-8 decoded string.
    pub byte_start: usize,
    /// End, in bytes (exclusive).
    pub byte_end: usize,
    /// How sure the rule is, 0-1.
    pub confidence: f32,
    /// Security code, expiry or PIN written with a card or account number.
    pub parts: Vec<FoundPart>,
    /// HMAC-SHA256 of the normalised value (hex, 128 bits).
    pub fingerprint: String,
    /// Masked preview (last 4 letters or digits of an identifier), only when the scanner was built
    /// with [`ScannerBuilder::masked_preview`](super::ScannerBuilder::masked_preview).
    pub preview: Option<String>,
    /// The SID of the transcript sentence (`GX…`) or turn object that holds the string, when it has
    /// one: the resource a per-sentence redaction acts on.
    pub sentence_sid: Option<Sid>,
    /// The rest of an identifier read out over several sentences ("four one one one." / "one one one
    /// one …"): one span per further sentence, in order. The finding's own span is the first.
    pub continued: Vec<Span>,
    /// For a category finding, the rule that found it (`MED.CONDITION`, `PHI.NPI` …).
    pub rule: Option<&'static str>,
}

/// A further span of a finding that continues into another string (see [`Finding::continued`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// RFC 6901 pointer to the string.
    pub path: String,
    /// Pointers inside JSON embedded in that string.
    pub inner_path: Vec<String>,
    /// Which of several equal keys.
    pub occurrence: u32,
    /// Start, in characters.
    pub start: usize,
    /// End, in characters (exclusive).
    pub end: usize,
    /// Start, in UTF-8 bytes.
    pub byte_start: usize,
    /// End, in UTF-8 bytes (exclusive).
    pub byte_end: usize,
    /// The sentence's SID, when it has one.
    pub sentence_sid: Option<Sid>,
}

/// What one event in a record holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventScan {
    /// Pointer to the event inside the record: "" for a whole-record event, "/3" for an array element.
    pub pointer: String,
    /// CloudEvents `id` (or a webhook's `MessageSid`-free equivalent) when present.
    pub event_id: Option<String>,
    /// CloudEvents `type` or webhook `EventType` when present.
    pub event_type: Option<String>,
    /// Twilio SIDs found anywhere in the event (including embedded JSON), sorted, each once.
    pub sids: Vec<Sid>,
    /// Findings in document order.
    pub findings: Vec<Finding>,
    /// More findings than the limit: the rest were dropped.
    pub truncated: bool,
    /// Keyed fingerprints of the event's `from` and `to` (at its root or under `data`): an SMS
    /// carries no conversation SID, so its conversation is the pair of numbers. Never the numbers.
    pub parties: Vec<String>,
    /// A conversation-state event's new state (`StateTo`: active, inactive, closed), read with the
    /// parties: only a move to `closed` ends a conversation.
    pub state_to: Option<String>,
}

/// Why a record was not scanned as JSON (it is then scanned as raw text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordError {
    /// Zero bytes, or only white space.
    Empty,
    /// Not valid UTF-8.
    InvalidUtf8,
    /// Not valid JSON (syntax, truncated, trailing data, lone surrogate …).
    ParseError,
    /// Nested deeper than the limit.
    TooDeep,
    /// Larger than the configured maximum record size.
    Oversize,
    /// The scanner failed on the record (a bug, caught): it was scanned again as raw text, and
    /// its command has reason `unscanned`.
    ScanPanic,
}

impl RecordError {
    /// Every reason, for metric label sets.
    pub const ALL: [RecordError; 6] = [
        RecordError::Empty,
        RecordError::InvalidUtf8,
        RecordError::ParseError,
        RecordError::TooDeep,
        RecordError::Oversize,
        RecordError::ScanPanic,
    ];

    /// The wire name, used in reports, dead-letter records and metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordError::Empty => "empty",
            RecordError::InvalidUtf8 => "invalid_utf8",
            RecordError::ParseError => "parse_error",
            RecordError::TooDeep => "too_deep",
            RecordError::Oversize => "oversize",
            RecordError::ScanPanic => "scan_panic",
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of scanning one record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordScan {
    /// The events (one per array element for a top-level array).
    pub events: Vec<EventScan>,
    /// Set when the record was not JSON: its findings come from the raw-text fallback.
    pub error: Option<RecordError>,
    /// Where a parse error was found (line and column in the record), without any content.
    pub error_position: Option<(usize, usize)>,
}

/// Twilio SID prefixes (two letters + 32 hex digits: `AC` account, `WT` task, `CH` conversation …).
const SID_PREFIXES: &[&str] = &[
    "AC", "SM", "MM", "MG", "ME", "CH", "IM", "MB", "IS", "US", "RL", "HX", "WH", "KD", "UO", "UT", "KG",
    "UX", "HQ", "GO", "DG", "VW", "WS", "WT", "WR", "WK", "WQ", "WW", "TC", "WA", "EV", "CA", "RE", "CF",
    "GA", "GT", "GX", "LY", "CR", "FM", "KQ", "DF", "FW",
];

/// A Twilio SID (two upper-case letters and 32 hex digits), stored inline: events carry a dozen, and
/// an allocation each would cost more than scanning them.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sid([u8; 34]);

impl Sid {
    /// Parses a SID.
    pub fn parse(s: &str) -> Option<Sid> {
        is_sid(s).then(|| Sid(s.as_bytes().try_into().expect("34 bytes")))
    }
    /// The SID as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("SIDs are ASCII")
    }
}

impl<'de> serde::Deserialize<'de> for Sid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Sid, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        // The value is a SID or not; it is not echoed.
        Sid::parse(&s).ok_or_else(|| serde::de::Error::custom("not a Twilio SID"))
    }
}

impl serde::Serialize for Sid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Debug for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The SID prefixes as a 26×26 bit table, so checking one is a shift, not 44 comparisons.
#[expect(clippy::indexing_slicing, reason = "evaluated at compile time: an index out of range fails the build")]
const SID_TABLE: [u64; 11] = {
    let mut t = [0u64; 11];
    let mut i = 0;
    while i < SID_PREFIXES.len() {
        let p = SID_PREFIXES[i].as_bytes();
        let idx = (p[0] - b'A') as usize * 26 + (p[1] - b'A') as usize;
        t[idx / 64] |= 1 << (idx % 64);
        i += 1;
    }
    t
};

/// True for a Twilio SID (`CH` + 32 hex digits).
pub fn is_sid(s: &str) -> bool {
    let b = s.as_bytes();
    let [p0 @ b'A'..=b'Z', p1 @ b'A'..=b'Z', hex @ ..] = b else { return false };
    if b.len() != 34 {
        return false;
    }
    let idx = usize::from(p0 - b'A') * 26 + usize::from(p1 - b'A');
    SID_TABLE.get(idx / 64).is_some_and(|w| w & (1 << (idx % 64)) != 0) && super::swar::all_hex(hex)
}

impl Scanner {
    /// Scans one record. Invalid JSON is scanned as raw text and reported in [`RecordScan::error`].
    pub fn scan_record(&self, bytes: &[u8], fp: &Fingerprinter) -> RecordScan {
        self.scan_record_with(bytes, fp, None)
    }

    /// The learned category scorer's features of each event of a record (empty for a record that
    /// is not JSON), as the scanner reads them: what `examples/train_category_model.rs` trains on.
    #[doc(hidden)]
    pub fn category_features(&self, bytes: &[u8]) -> Vec<Vec<u64>> {
        let mut out = Vec::new();
        let fp = Fingerprinter::new(&[0; 32]).expect("a 32-byte key");
        self.scan_record_with(bytes, &fp, Some(&mut out));
        out
    }

    fn scan_record_with(&self, bytes: &[u8], fp: &Fingerprinter, collect: Option<&mut Vec<Vec<u64>>>) -> RecordScan {
        let inner = self.inner();
        let raw = |error: RecordError, pos: Option<(usize, usize)>| {
            let mut r = self.scan_record_raw(bytes, fp);
            r.error = Some(error);
            r.error_position = pos;
            r
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return RecordScan { events: vec![EventScan::default()], error: Some(RecordError::Empty), error_position: None };
        }
        // One validation pass up front lets serde_json read a `str` (its `StrRead` skips per-string
        // UTF-8 checks; measured faster than `from_slice` on Twilio events).
        let Ok(text) = std::str::from_utf8(bytes) else {
            return raw(RecordError::InvalidUtf8, None);
        };
        let mut w = Walker::new(inner, fp, text);
        w.collect = collect.is_some().then(Vec::new);
        let mut de = serde_json::Deserializer::from_str(text);
        let res = Node { w: &mut w, depth: 0 }.deserialize(&mut de).and_then(|()| de.end());
        if let (Some(out), Some(collected)) = (collect, w.collect.take()) {
            *out = collected;
        }
        match res {
            Ok(()) => {
                if w.events.is_empty() {
                    w.events.push(EventScan::default());
                }
                w.model_findings();
                w.couple_findings();
                for e in &mut w.events {
                    e.sids.sort_unstable();
                    e.sids.dedup();
                }
                // Findings in a sentence name its SID (names found after the sentence's own scan too).
                for t in w.turns.iter().filter(|t| t.sid.is_some()) {
                    if let Some(e) = w.events.get_mut(t.event) {
                        for f in e.findings.iter_mut().filter(|f| f.sentence_sid.is_none() && f.path == t.path && f.inner_path == t.inner) {
                            f.sentence_sid = t.sid;
                        }
                    }
                }
                RecordScan { events: std::mem::take(&mut w.events), error: None, error_position: None }
            }
            Err(_) if w.too_deep => raw(RecordError::TooDeep, None),
            // Never print a serde_json error: its Display can quote the input.
            Err(e) => raw(RecordError::ParseError, Some((e.line(), e.column()))),
        }
    }
}

impl Scanner {
    /// Scans a record as raw text, without parsing it (for records that are not JSON or too large).
    /// One event; findings have the path `""` and offsets into the record.
    pub fn scan_record_raw(&self, bytes: &[u8], fp: &Fingerprinter) -> RecordScan {
        let inner = self.inner();
        let mut matches = Vec::new();
        self.scan_bytes(bytes, &mut matches);
        let mut ev = EventScan { truncated: matches.len() > inner.max_findings, sids: raw_sids(bytes), ..EventScan::default() };
        let mut cc = CharCounter::new(bytes);
        for m in matches.into_iter().take(inner.max_findings) {
            let value = String::from_utf8_lossy(bytes.get(m.start..m.end).unwrap_or_default());
            ev.findings.push(finding_from(&m, "", &[], false, 0, &value, &mut cc, fp, inner.preview));
        }
        RecordScan { events: vec![ev], error: None, error_position: None }
    }
}

/// The Twilio SIDs in raw bytes (two upper-case letters of a known prefix and 32 lower-case hex
/// digits, not inside a longer run of letters and digits), sorted, each once, at most
/// [`MAX_RAW_SIDS`]. Reads bytes only, so it cannot fail on any input: what names the resource of a
/// record that was not parsed, or that the scanner failed on.
pub fn raw_sids(bytes: &[u8]) -> Vec<Sid> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(w) = bytes.get(i..i + 34) {
        let before = i.checked_sub(1).and_then(|p| bytes.get(p)).is_some_and(u8::is_ascii_alphanumeric);
        let after = bytes.get(i + 34).is_some_and(u8::is_ascii_alphanumeric);
        let shaped = w.first().is_some_and(u8::is_ascii_uppercase) && w.get(1).is_some_and(u8::is_ascii_uppercase);
        let sid = if shaped && !before && !after { std::str::from_utf8(w).ok().and_then(Sid::parse) } else { None };
        match sid {
            Some(sid) => {
                out.push(sid);
                i += 34;
            }
            None => i += 1,
        }
        if out.len() >= MAX_RAW_SIDS {
            break;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// At most this many SIDs are read from a record's raw bytes.
pub const MAX_RAW_SIDS: usize = 1024;

/// Converts byte offsets to character offsets, walking forward from the last answer (findings come
/// in order, so a string is walked about once).
struct CharCounter<'a> {
    bytes: &'a [u8],
    ascii: bool,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        CharCounter { bytes, ascii: bytes.is_ascii(), byte: 0, chars: 0 }
    }
    fn at(&mut self, b: usize) -> usize {
        if self.ascii {
            return b;
        }
        if b < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        let b = b.min(self.bytes.len());
        // Count UTF-8 lead bytes (and invalid bytes, each one replacement character).
        self.chars += self.bytes.get(self.byte..b).unwrap_or_default().iter().filter(|&&x| (x & 0xC0) != 0x80).count();
        self.byte = b;
        self.chars
    }
}

#[allow(clippy::too_many_arguments)]
fn finding_from(
    m: &Match,
    path: &str,
    inner_path: &[String],
    in_key: bool,
    occurrence: u32,
    value: &str,
    cc: &mut CharCounter<'_>,
    fp: &Fingerprinter,
    preview: bool,
) -> Finding {
    let mut chars = |b: usize| cc.at(b);
    Finding {
        kind: m.kind,
        detector: m.detector,
        path: path.to_owned(),
        inner_path: inner_path.to_vec(),
        in_key,
        occurrence,
        start: chars(m.start),
        end: chars(m.end),
        byte_start: m.start,
        byte_end: m.end,
        confidence: m.confidence,
        parts: m.parts.iter().map(|p| FoundPart { kind: p.kind, start: chars(p.start), end: chars(p.end) }).collect(),
        fingerprint: fp.fingerprint(m.kind, m.said.as_deref().unwrap_or(value)),
        preview: if preview { masked(m.kind, m.said.as_deref().unwrap_or(value)) } else { None },
        sentence_sid: None,
        continued: Vec::new(),
        rule: m.rule,
    }
}

/// The last 4 letters or digits of an identifier (PCI DSS 3.4.1 allows at most the last four, and
/// never the first six next to a fingerprint, 3.5.1). Names get none.
fn masked(kind: Kind, value: &str) -> Option<String> {
    if !kind.info().preview {
        return None;
    }
    let tail: Vec<char> = value.chars().filter(char::is_ascii_alphanumeric).collect();
    let keep = tail.len().saturating_sub(4);
    Some(format!("***{}", tail.get(keep..).unwrap_or_default().iter().collect::<String>()))
}

impl Drop for Walker<'_> {
    fn drop(&mut self) {
        let hints = std::mem::replace(&mut self.hints, Box::new(KeyHints::empty()));
        KEY_HINTS.with(|h| h.set(Some(hints)));
        let mut pending = std::mem::take(&mut self.pending);
        pending.clear();
        PENDING.with(|p| p.set(Some(pending)));
    }
}

struct Walker<'s> {
    sc: &'s Inner,
    fp: &'s Fingerprinter,
    path: String,
    inner: Vec<String>,
    hint: FieldHint,
    occurrence: u32,
    events: Vec<EventScan>,
    matches: Vec<Match>,
    too_deep: bool,
    /// The record's top level is an array: each element is an event.
    top_is_array: bool,
    /// The next string value is an event's `id` or `type`.
    capture: Option<Capture>,
    /// Keys of the open objects, as (hash, start, end) into `key_text` (see `visit_map`).
    keys: Vec<(u64, usize, usize)>,
    /// The text of the keys in `keys`, one after another.
    key_text: String,
    /// Memoised key hints, kept per thread across records (taken from the thread for the
    /// record's walk, then put back: no per-key thread-local access).
    hints: Box<KeyHints>,
    /// The event (index into `events`) known to hold an identifier: its strings are scanned for
    /// names as they come.
    ident_event: Option<usize>,
    /// Strings of the current event seen before its first identifier, kept to be scanned for names
    /// if one comes (a name alone makes no command; see `ScannerBuilder::names_everywhere`). Reused
    /// per thread, like `hints`: keeping a string costs no allocation once warm.
    pending: Box<PendingBuf>,
    /// The record being walked: strings borrowed from it are kept as offsets, not copied.
    record: &'s str,
    /// Whether the record names something that is not personal data (see `names_not_pii`).
    not_pii: Option<bool>,
    /// The position of the key being scanned in its object (for `Pending::key_index`).
    key_index: usize,
    /// Sentences of turn arrays in this record (see `turns`).
    turns: Vec<turns::Turn>,
    /// Turn arrays seen so far in this record (their ids).
    turn_arrays: u32,
    /// The value being visited is a turn array (set from its key, taken by `visit_seq`).
    next_is_turn_array: bool,
    /// The value being visited is a Studio context's `widgets` object: each widget's gathered
    /// `SpeechResult` or `Digits` is a turn, in the widgets' order (set from its key, taken by
    /// `visit_map`): an SSN gathered in three widgets is read as one number.
    next_is_widgets: bool,
    /// The value being visited is an element object of a turn array (taken by `visit_map`).
    next_is_turn: Option<u32>,
    /// The next string is a sentence's text, in turn array `.0`.
    turn_text: Option<u32>,
    /// Speaker and SID of the turn object being visited.
    turn_channel: Option<u64>,
    turn_sid: Option<Sid>,
    /// A first name and a last name in separate fields of the current event (`first_name`,
    /// `last_name`): once both are seen, both are names.
    name_parts: [Option<parts::NamePart>; 2],
    /// The event `name_parts` belong to, and whether they were already reported.
    name_parts_event: usize,
    name_parts_done: bool,
    /// Identifier cues from the URL of the request whose parameters are being visited
    /// (`…/voice/verify/ssn`): a Gather's `Digits` there take them.
    url_cues: Cues,
    /// The learned category scorer's running score per event (see `scored`).
    scores: Vec<scored::EventScore>,
    /// Where the strings that scored most are: their paths, and values not in the record.
    located: String,
    /// Each event's model features, collected for training (`Scanner::category_features`).
    collect: Option<Vec<Vec<u64>>>,
    /// A partner named and the sex name fields tell, per event (see `couple`).
    couples: Vec<couple::EventCouple>,
}

/// (outer pointer, inner pointers) for `path` inside the embedded JSON levels `inner`, the outer
/// pointer borrowed (inner levels are rare).
fn split_location<'a>(path: &'a str, inner: &'a [String]) -> (&'a str, Vec<String>) {
    match inner.split_first() {
        None => (path, Vec::new()),
        Some((outer, rest)) => {
            let mut levels: Vec<String> = rest.to_vec();
            levels.push(path.to_owned());
            (outer, levels)
        }
    }
}

/// Appends `seg` as an RFC 6901 reference token (`~` as `~0`, `/` as `~1`).
fn push_escaped(out: &mut String, seg: &str) {
    if seg.bytes().any(|b| b == b'~' || b == b'/') {
        for c in seg.chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
    } else {
        out.push_str(seg);
    }
}

/// A key found to hold a name after its object was walked: paths through it are renamed from the
/// key's text to its position (`#N`), as a key holding an identifier is named while walking.
struct KeyRename {
    /// The levels (outer pointer, then pointers inside embedded JSON) of the key's object.
    levels: Vec<String>,
    /// The key's segment as written (`/` + escaped text) and as it becomes (`/#N`).
    from: String,
    to: String,
}

impl KeyRename {
    fn new(outer: &str, inner: &[String], key: &str, index: usize) -> KeyRename {
        let mut levels = Vec::with_capacity(inner.len() + 1);
        levels.push(outer.to_owned());
        levels.extend(inner.iter().cloned());
        let mut from = String::with_capacity(key.len() + 1);
        from.push('/');
        push_escaped(&mut from, key);
        KeyRename { levels, from, to: format!("/#{index}") }
    }

    /// The finding of the name itself: it lies in the key `#N` of the object.
    fn name_the_key(&self, f: &mut Finding) {
        match f.inner_path.last_mut() {
            Some(last) => last.push_str(&self.to),
            None => f.path.push_str(&self.to),
        }
    }

    /// Renames the key in a location under it (the same levels above, then the key).
    fn apply(&self, path: &mut String, inner: &mut [String]) {
        let depth = self.levels.len() - 1;
        if inner.len() < depth {
            return;
        }
        let prefix_matches = std::iter::once(&*path).chain(inner.iter()).take(depth).zip(&self.levels).all(|(a, b)| a == b);
        if !prefix_matches {
            return;
        }
        let Some(prefix) = self.levels.get(depth) else { return };
        let level: &mut String = match depth.checked_sub(1) {
            None => path,
            Some(d) => match inner.get_mut(d) {
                Some(l) => l,
                None => return,
            },
        };
        let Some(rest) = level.strip_prefix(prefix.as_str()).and_then(|r| r.strip_prefix(self.from.as_str())) else { return };
        if rest.is_empty() || rest.starts_with('/') {
            *level = format!("{prefix}{}{rest}", self.to);
        }
    }
}

/// A string kept aside for the name rules.
struct Pending {
    event: usize,
    /// Index in the event's findings where this string's findings belong (document order).
    at: usize,
    /// The outer pointer, in `PendingBuf::paths`.
    path: std::ops::Range<usize>,
    inner: Vec<String>,
    in_key: bool,
    /// For a key: its position in its object (a name found in it is named `#N`, never by text).
    key_index: usize,
    occurrence: u32,
    hint: FieldHint,
    /// The string: in the record (`in_record`) or in `PendingBuf::texts`.
    text: std::ops::Range<usize>,
    in_record: bool,
}

#[derive(Default)]
struct PendingBuf {
    items: Vec<Pending>,
    paths: String,
    texts: String,
}

impl PendingBuf {
    fn clear(&mut self) {
        self.items.clear();
        self.paths.clear();
        self.texts.clear();
    }
}

thread_local! {
    static KEY_HINTS: std::cell::Cell<Option<Box<KeyHints>>> = const { std::cell::Cell::new(None) };
    static PENDING: std::cell::Cell<Option<Box<PendingBuf>>> = const { std::cell::Cell::new(None) };
}

#[derive(Clone, Copy)]
enum Capture {
    Id,
    Type,
    /// A turn's speaker (`media_channel`, `role` …).
    Channel,
    /// A turn's SID.
    TurnSid,
    /// A request URL whose path may name what the parameters are.
    Url,
    /// An SMS's `from` or `to`, kept as a keyed fingerprint.
    Party,
    /// A conversation's new state.
    StateTo,
}

impl<'s> Walker<'s> {
    fn new(sc: &'s Inner, fp: &'s Fingerprinter, record: &'s str) -> Walker<'s> {
        Walker {
            sc,
            fp,
            path: String::with_capacity(128),
            inner: Vec::new(),
            hint: FieldHint::default(),
            occurrence: 0,
            events: Vec::new(),
            matches: Vec::new(),
            too_deep: false,
            top_is_array: false,
            capture: None,
            // Sized for a typical event, so the stacks rarely grow (measured: growing them from
            // empty cost 1.6 % of the event path's instructions).
            keys: Vec::with_capacity(32),
            key_text: String::with_capacity(512),
            hints: KEY_HINTS.with(|h| h.take()).unwrap_or_default(),
            ident_event: None,
            pending: PENDING.with(|p| p.take()).map(|mut b| {
                b.clear();
                b
            }).unwrap_or_default(),
            record,
            not_pii: None,
            key_index: 0,
            turns: Vec::new(),
            turn_arrays: 0,
            next_is_turn_array: false,
            next_is_widgets: false,
            next_is_turn: None,
            turn_text: None,
            turn_channel: None,
            turn_sid: None,
            url_cues: Cues::empty(),
            name_parts: [None, None],
            name_parts_event: 0,
            name_parts_done: false,
            scores: Vec::new(),
            located: String::new(),
            collect: None,
            couples: Vec::new(),
        }
    }

    fn event_index(&self) -> usize {
        self.events.len().saturating_sub(1)
    }

    /// Scans the kept strings of the current event for names, now that it holds an identifier.
    fn drain_pending(&mut self) {
        let ev_idx = self.event_index();
        if self.ident_event != Some(ev_idx) || self.pending.items.is_empty() {
            return;
        }
        let mut buf = std::mem::take(&mut self.pending);
        let mut matches = Vec::new();
        let mut renames: Vec<KeyRename> = Vec::new();
        // From the last to the first, so each insertion leaves the earlier indices valid.
        for p in buf.items.iter().rev().filter(|p| p.event == ev_idx) {
            let text = if p.in_record { slice(self.record, p.text.start, p.text.end) } else { slice(&buf.texts, p.text.start, p.text.end) };
            matches.clear();
            super::scan_names(self.sc, text, &p.hint, &mut matches, 0);
            if matches.is_empty() {
                continue;
            }
            let path = slice(&buf.paths, p.path.start, p.path.end);
            let mut cc = CharCounter::new(text.as_bytes());
            // A name in a key: the finding names the key by position (`#N`), and every path
            // through the key is renamed below, so the name is never written into a path.
            let renamed = p.in_key.then(|| KeyRename::new(path, &p.inner, text, p.key_index));
            let found: Vec<Finding> = matches
                .iter()
                .map(|m| {
                    let mut f = finding_from(m, path, &p.inner, p.in_key, p.occurrence, slice(text, m.start, m.end), &mut cc, self.fp, self.sc.preview);
                    if let Some(r) = &renamed {
                        r.name_the_key(&mut f);
                    }
                    f
                })
                .collect();
            // (The kept strings are in `buf`, out of `self.pending`: `insert` moves only the
            // turns and name parts after the insertion point.)
            self.insert(ev_idx, p.at, found);
            if let Some(r) = renamed {
                renames.push(r);
            }
        }
        if let (false, Some(ev)) = (renames.is_empty(), self.events.get_mut(ev_idx)) {
            for r in &renames {
                for f in &mut ev.findings {
                    r.apply(&mut f.path, &mut f.inner_path);
                    for c in &mut f.continued {
                        r.apply(&mut c.path, &mut c.inner_path);
                    }
                }
            }
        }
        buf.clear();
        self.pending = buf;
    }

    fn event(&mut self) -> &mut EventScan {
        if self.events.is_empty() {
            self.events.push(EventScan::default());
        }
        self.events.last_mut().expect("pushed above")
    }

    /// Keeps `s` aside for the name rules (see `pending`).
    fn keep(&mut self, s: &str, in_key: bool, hint: FieldHint) {
        let ev_idx = self.event_index();
        if self.pending.items.first().is_some_and(|p| p.event != ev_idx) {
            self.pending.clear();
        }
        let at = self.event().findings.len();
        let occurrence = self.occurrence;
        let (outer, inner) = split_location(&self.path, &self.inner);
        let buf = &mut self.pending;
        let path = buf.paths.len()..buf.paths.len() + outer.len();
        buf.paths.push_str(outer);
        let base = self.record.as_ptr() as usize;
        let p = s.as_ptr() as usize;
        let (text, in_record) = if p >= base && p + s.len() <= base + self.record.len() {
            (p - base..p - base + s.len(), true)
        } else {
            let r = buf.texts.len()..buf.texts.len() + s.len();
            buf.texts.push_str(s);
            (r, false)
        };
        let key_index = self.key_index;
        buf.items.push(Pending { event: ev_idx, at, path, inner, in_key, key_index, occurrence, hint, text, in_record });
    }

    fn push_segment(&mut self, seg: &str) -> usize {
        let len = self.path.len();
        self.path.push('/');
        push_escaped(&mut self.path, seg);
        len
    }

    /// Scans a key or string value; returns how many findings it added.
    fn leaf(&mut self, s: &str, in_key: bool) -> usize {
        if !in_key {
            if let Some(sid) = Sid::parse(s) {
                // Deduplicated once per record (sort + dedup), not per SID.
                self.event().sids.push(sid);
                return 0;
            }
            if self.hint.name_part != 0 {
                self.name_part(s);
            }
            if self.hint.name_field {
                self.name_sex(s);
            }
        }
        // Nothing without a digit or a space can hold a finding, embedded JSON included (a name in
        // a script written without spaces is the exception). A sentence of a transcript is kept for
        // the turn pass all the same ("Five." may end a number read over sentences).
        let category_field = self.hint.category != 0 && self.sc.categories.is_some();
        // A value that is one specific term by itself (`"diet": "halal"`) is the exception.
        let whole_term = || !in_key && self.sc.categories.is_some_and(|c| c.is_whole_term(s));
        if !super::may_hold_finding(s, in_key, category_field, self.hint.name_field) && !whole_term() {
            if let Some(array) = self.turn_text.take().filter(|_| !in_key) {
                let before = self.event().findings.len();
                self.keep_turn(array, s, before);
            }
            return 0;
        }
        let t = s.trim();
        let embedded = !in_key
            && t.len() >= 2
            && self.inner.len() < self.sc.max_embedded
            && ((t.starts_with('{') && t.ends_with('}')) || (t.starts_with('[') && t.ends_with(']')));
        let before = self.event().findings.len();
        let turn = if in_key { None } else { self.turn_text.take() };
        let done = embedded && turn.is_none() && self.embedded(s);
        if !done {
            // The learned category scorer's words (when the policy asks for it).
            if !in_key {
                self.score_string(s);
            }
            // Nine digits said or keyed with no cue: an SSN, unless the record names something
            // that is not personal data (an order asked for in a transcript's earlier sentence),
            // which is looked for only when such an SSN was found.
            let uncued = (self.hint.speech || self.hint.keyed) && !in_key;
            let saved = std::mem::replace(&mut self.hint.uncued, uncued);
            self.scan_string(s, in_key);
            self.hint.uncued = saved;
            if uncued {
                self.drop_uncued(before, turn);
            }
        }
        if let Some(array) = turn {
            self.keep_turn(array, s, before);
        }
        // This string's own findings: the names of earlier strings that draining inserts are not
        // (a key's caller renames its own findings' paths to `#N`; found by tests/fuzz_json.rs).
        let own = self.event().findings.len() - before;
        if self.inner.is_empty() {
            self.drain_pending();
        }
        own
    }

    /// Removes the SSNs read with no cue (see [`FieldHint::uncued`]) among the event's findings from
    /// `from` when the record names something that is not personal data, or when the string is a
    /// sentence of turn array `turn` that may go on a number read in the sentences before ("It's
    /// seven seven three." / "Uh-huh." / "Four one eight, …": the turn pass reads them as one).
    fn drop_uncued(&mut self, from: usize, turn: Option<u32>) {
        let uncued = |f: &Finding| f.detector == super::Detector::SsnBare && f.confidence == super::numbers::UNCUED_CONFIDENCE;
        if !self.event().findings.get(from..).unwrap_or_default().iter().any(uncued) {
            return;
        }
        let goes_on = turn.is_some_and(|array| self.turns.iter().rev().take(2).any(|t| t.array == array && super::spoken::ends_with_number(&t.text)));
        if !goes_on && !self.names_not_pii() {
            return;
        }
        let ev = self.event();
        let mut i = 0;
        ev.findings.retain(|f| {
            i += 1;
            i <= from || !uncued(f)
        });
    }

    /// True when the record names something that is not personal data (an order, a confirmation,
    /// a ticket, a claim …) anywhere, in a key or a value: computed once per record, only for a
    /// record with speech or keyed digits.
    fn names_not_pii(&mut self) -> bool {
        *self.not_pii.get_or_insert_with(|| {
            // Keys are snake or camel case ("prompt_name": "confirmation_number"): read them with
            // their parts apart.
            let spaced: String = self.record.chars().map(|c| if c == '_' { ' ' } else { c }).collect();
            self.sc.cues.cues_in(spaced.as_bytes(), 0, spaced.len()).contains(super::cues::Cues::NOT_PII)
        })
    }

    /// Scans JSON held in a string. Returns false (leaving no trace) when it is not JSON after all.
    fn embedded(&mut self, s: &str) -> bool {
        let saved_path = std::mem::take(&mut self.path);
        let saved_hint = std::mem::take(&mut self.hint);
        let saved_occ = std::mem::replace(&mut self.occurrence, 0);
        let ev = self.events.len().max(1) - 1;
        let before = self.events.get(ev).map_or(0, |e| e.findings.len());
        let keys = (self.keys.len(), self.key_text.len());
        let too_deep = self.too_deep;
        let pending = self.pending.items.len();
        let turns = self.turns.len();
        let ident_event = self.ident_event;
        let scores = self.scores.get(ev).copied();
        let collected = self.collect.as_ref().and_then(|c| c.get(ev)).map(Vec::len);
        self.inner.push(saved_path.clone());
        let mut de = serde_json::Deserializer::from_str(s);
        let ok = Node { w: self, depth: EVENT_DEPTH_EMBEDDED }.deserialize(&mut de).and_then(|()| de.end()).is_ok();
        self.inner.pop();
        if !ok {
            // Not JSON after all: forget what the attempt found; the caller scans it as text.
            if let Some(e) = self.events.get_mut(ev) {
                e.findings.truncate(before);
            }
            self.too_deep = too_deep;
            self.pending.items.truncate(pending);
            self.turns.truncate(turns);
            self.ident_event = ident_event;
            // Nor may its strings count twice toward the learned score.
            self.scores.truncate(ev + 1);
            if let (Some(slot), Some(saved)) = (self.scores.get_mut(ev), scores) {
                *slot = saved;
            } else {
                self.scores.truncate(ev);
            }
            if let Some(c) = self.collect.as_mut() {
                c.truncate(ev + 1);
                match (c.get_mut(ev), collected) {
                    (Some(v), Some(n)) => v.truncate(n),
                    _ => c.truncate(ev),
                }
            }
        }
        // An attempt that failed inside an object leaves its keys behind.
        self.keys.truncate(keys.0);
        self.key_text.truncate(keys.1);
        self.path = saved_path;
        self.hint = saved_hint;
        self.occurrence = saved_occ;
        ok
    }

    /// Scans one string: identifiers, and names when the event holds an identifier (or keeps the
    /// string aside for the name rules until it does).
    fn scan_string(&mut self, s: &str, in_key: bool) {
        let hint = if in_key { FieldHint::default() } else { self.hint };
        let mut matches = std::mem::take(&mut self.matches);
        matches.clear();
        let mut idents = super::scan_identifiers(self.sc, s, &hint, &mut matches);
        // A dialogue written into one string ("Agent: … the card number?\nCustomer: …").
        if idents == 0 && !in_key && memchr::memchr(b'?', s.as_bytes()).is_some() && memchr::memchr(b':', s.as_bytes()).is_some() {
            turns::dialogue(self.sc, s, &hint, &mut matches);
            idents = matches.len();
        }
        let ev_idx = self.event_index();
        if idents > 0 {
            self.ident_event = Some(ev_idx);
        }
        if !in_key && super::scan_categories(self.sc, s, &hint, &mut matches, 0) && !hint.name_field {
            self.partner(s);
        }
        if self.ident_event == Some(ev_idx) || self.sc.names_everywhere {
            super::scan_names(self.sc, s, &hint, &mut matches, 0);
        } else if super::may_hold_name(s, &hint) {
            self.keep(s, in_key, hint);
        }
        if !matches.is_empty() {
            let (path, inner) = self.location();
            let max = self.sc.max_findings;
            let preview = self.sc.preview;
            let fp = self.fp;
            let occurrence = self.occurrence;
            let ev = self.event();
            let mut cc = CharCounter::new(s.as_bytes());
            for m in &matches {
                if ev.findings.len() >= max {
                    ev.truncated = true;
                    break;
                }
                let f = finding_from(m, &path, &inner, in_key, occurrence, slice(s, m.start, m.end), &mut cc, fp, preview);
                ev.findings.push(f);
            }
        }
        self.matches = matches;
    }

    /// (outer pointer, inner pointers) for the current position.
    fn location(&self) -> (String, Vec<String>) {
        let (outer, inner) = split_location(&self.path, &self.inner);
        (outer.to_owned(), inner)
    }

    fn number(&mut self, digits: &str) {
        if digits.len() >= 7 {
            self.scan_string(digits, false);
            if self.inner.is_empty() {
                self.drain_pending();
            }
        }
    }

    /// Records an event's `id` or `type`, a turn's speaker or SID, or a request URL's cues, unless
    /// the value itself held a finding.
    fn capture(&mut self, c: Capture, v: &str) {
        let ev = self.event();
        let slot = match c {
            Capture::Id => &mut ev.event_id,
            Capture::Type => &mut ev.event_type,
            Capture::StateTo => &mut ev.state_to,
            Capture::Channel => {
                let mut h = FxHasher::default();
                v.hash(&mut h);
                self.turn_channel = Some(h.finish());
                return;
            }
            Capture::TurnSid => {
                self.turn_sid = Sid::parse(v);
                return;
            }
            Capture::Url => {
                self.url_cues = super::cues::url_cues(v);
                return;
            }
            Capture::Party => {
                let party = self.fp.party(v);
                let ev = self.event();
                if ev.parties.len() < 2 {
                    ev.parties.push(party);
                }
                return;
            }
        };
        if slot.is_none() {
            *slot = Some(v.to_owned());
        }
    }

    /// Inserts findings at `at` in event `ev` (within the per-event limit); returns how many.
    fn insert(&mut self, ev: usize, at: usize, found: Vec<Finding>) -> usize {
        let max = self.sc.max_findings;
        let e = self.event();
        let room = max.saturating_sub(e.findings.len());
        if room < found.len() {
            e.truncated = true;
        }
        let at = at.min(e.findings.len());
        let n = found.len().min(room);
        e.findings.splice(at..at, found.into_iter().take(room));
        self.shift(ev, at, n);
        n
    }

    /// `n` findings were inserted at `at` in event `ev`: later kept strings and turns move along.
    fn shift(&mut self, ev: usize, at: usize, n: usize) {
        for p in self.pending.items.iter_mut().filter(|p| p.event == ev && p.at > at) {
            p.at += n;
        }
        for t in self.turns.iter_mut().filter(|t| t.event == ev && t.at >= at) {
            t.at += n;
        }
        if self.name_parts_event == ev {
            for p in self.name_parts.iter_mut().flatten().filter(|p| p.at >= at) {
                p.at += n;
            }
        }
    }
}

/// The visitor for one JSON value at `depth` (relative to the record; embedded JSON starts deep so
/// it never splits events).
struct Node<'a, 's> {
    w: &'a mut Walker<'s>,
    depth: usize,
}

const EVENT_DEPTH_EMBEDDED: usize = usize::MAX / 2;

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Node<'_, '_> {
    fn relative_depth(&self) -> usize {
        if self.depth >= EVENT_DEPTH_EMBEDDED {
            self.depth - EVENT_DEPTH_EMBEDDED
        } else {
            self.depth
        }
    }
    fn check_depth<E: de::Error>(&mut self) -> Result<(), E> {
        let total = self.relative_depth() + self.w.inner.len();
        if total >= self.w.sc.max_depth {
            self.w.too_deep = true;
            return Err(E::custom("too deep"));
        }
        Ok(())
    }
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
}

/// A key's hash, to skip most comparisons when numbering duplicate keys.
fn key_hash(key: &str) -> u64 {
    #[cfg(test)]
    if tests::COLLIDE.with(std::cell::Cell::get) {
        return 0;
    }
    let mut h = FxHasher::default();
    key.hash(&mut h);
    h.finish()
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let capture = self.w.capture.take();
        if self.w.leaf(v, false) == 0 {
            if let Some(c) = capture {
                self.w.capture(c, v);
            }
        }
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        if let Some(Capture::Channel) = self.w.capture {
            self.w.turn_channel = Some(v);
        }
        self.w.capture = None;
        if v >= 1_000_000 {
            self.w.number(&v.to_string());
        } else if self.w.hint.category != 0 && self.w.sc.categories.is_some() {
            // `"credit_score": 540`, `"household_income": 18000`.
            self.w.scan_string(&v.to_string(), false);
        }
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        if v && self.w.hint.category != 0 && self.w.sc.categories.is_some() {
            // `"hasBankruptcy": true`, `"pregnant": true`: a flag set under a key that names a
            // category (`false` says nothing, like a placeholder).
            self.w.scan_string("true", false);
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.check_depth()?;
        self.w.capture = None;
        let split_events = self.depth == 0;
        self.w.top_is_array |= split_events;
        // A transcript's sentences, a bot's turns: read in order by the turn pass at the end.
        let turn_array = std::mem::take(&mut self.w.next_is_turn_array).then(|| {
            self.w.turn_arrays += 1;
            (self.w.turn_arrays, self.w.turns.len())
        });
        let mut i = 0usize;
        loop {
            let mark = self.w.push_segment(itoa(i).as_str());
            if split_events {
                let pointer = self.w.path.clone();
                self.w.events.push(EventScan { pointer, ..EventScan::default() });
            }
            self.w.next_is_turn = turn_array.map(|(id, _)| id);
            let more = seq.next_element_seed(Node { w: self.w, depth: self.depth + 1 })?;
            self.w.next_is_turn = None;
            self.w.path.truncate(mark);
            if more.is_none() {
                if split_events {
                    self.w.events.pop();
                }
                break;
            }
            i += 1;
        }
        if let Some((id, from)) = turn_array {
            self.w.turn_pass(id, from);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.check_depth()?;
        self.w.capture = None;
        // Events start at the record root, or at the elements of a top-level array.
        let event_root = self.depth == 0 || (self.depth == 1 && self.w.top_is_array);
        // A CloudEvent's `data` object (where an SMS keeps `from` and `to`).
        let event_data = self.w.sc.parties && self.depth == 1 + usize::from(self.w.top_is_array) && self.w.inner.is_empty() && self.w.path.ends_with("/data");
        // An element of a turn array: its speaker and SID are noted for its sentence.
        let turn = self.w.next_is_turn.take();
        // A Studio context's widgets: each widget object is one turn of one speaker.
        let widgets = (std::mem::take(&mut self.w.next_is_widgets) && turn.is_none()).then(|| {
            self.w.turn_arrays += 1;
            (self.w.turn_arrays, self.w.turns.len())
        });
        let saved_turn = (std::mem::take(&mut self.w.turn_channel), std::mem::take(&mut self.w.turn_sid));
        let turns_before = self.w.turns.len();
        let saved_url = self.w.url_cues;
        // This object's keys, on a stack shared by all open objects (no allocation per object),
        // to number duplicate keys. Keys are equal when their text is, not their hash: the hash
        // only skips the comparison.
        let (base, text_base) = (self.w.keys.len(), self.w.key_text.len());
        let mut index = 0usize;
        // Past 32 keys, occurrences are counted in a map: a linear scan would make a record with
        // 100,000 keys cost 10^10 steps.
        let mut counts: Option<rustc_hash::FxHashMap<Box<str>, u32>> = None;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let kh = key_hash(&key);
            let occ = match counts.as_mut() {
                Some(c) => match c.get_mut(key.as_ref()) {
                    Some(n) => {
                        *n += 1;
                        *n - 1
                    }
                    None => {
                        c.insert(Box::from(key.as_ref()), 1);
                        0
                    }
                },
                None => {
                    let w = &mut *self.w;
                    let occ = w.keys.get(base..).unwrap_or_default().iter().filter(|&&(h, s, e)| h == kh && slice(&w.key_text, s, e) == &*key).count() as u32;
                    let s = w.key_text.len();
                    w.key_text.push_str(&key);
                    w.keys.push((kh, s, w.key_text.len()));
                    if index == 31 {
                        let mut c = rustc_hash::FxHashMap::default();
                        for &(_, s, e) in w.keys.get(base..).unwrap_or_default() {
                            *c.entry(Box::from(slice(&w.key_text, s, e))).or_insert(0) += 1;
                        }
                        counts = Some(c);
                    }
                    occ
                }
            };
            // A key that holds sensitive data is never written into a path: `#N` names it by position.
            self.w.key_index = index;
            let key_findings = self.w.leaf(&key, true);
            let mark = if key_findings > 0 {
                let mark = self.w.push_segment(&format!("#{index}"));
                let (path, inner) = self.w.location();
                let ev = self.w.event();
                let n = ev.findings.len();
                for f in ev.findings.get_mut(n.saturating_sub(key_findings)..).unwrap_or_default() {
                    f.path.clone_from(&path);
                    f.inner_path.clone_from(&inner);
                }
                mark
            } else {
                self.w.push_segment(&key)
            };
            let mut hint = self.w.hints.get(kh, &key);
            // IVR input: Studio's `widgets.gather_ssn.Digits`, a form's `acct_number.value`. A
            // generic value key takes the cues of the key that holds its object.
            if hint.value_key {
                if hint.cues.is_empty() && !self.w.hint.cues.is_empty() {
                    hint.cues = self.w.hint.cues;
                }
                // Studio's `gather_last_name.SpeechResult`: the widget names the name part.
                if hint.name_part == 0 {
                    hint.name_part = self.w.hint.name_part;
                }
                if hint.category == 0 {
                    hint.category = self.w.hint.category;
                }
            }
            let saved_occ = self.w.occurrence;
            if occ > 0 {
                self.w.occurrence = occ;
            }
            // A Gather's `Digits` take the cues of the request URL's path ("…/verify/ssn").
            if hint.cues.is_empty() && hint.value_key && !self.w.url_cues.is_empty() {
                hint.cues = self.w.url_cues;
            }
            if let Some(array) = turn {
                match super::cues::turn_key(&key) {
                    Some(super::cues::TurnKey::Text) => {
                        hint.speech = true;
                        self.w.turn_text = Some(array);
                    }
                    Some(super::cues::TurnKey::Speaker) => self.w.capture = Some(Capture::Channel),
                    Some(super::cues::TurnKey::Sid) => self.w.capture = Some(Capture::TurnSid),
                    None => {}
                }
            }
            self.w.next_is_turn_array = hint.turn_array;
            self.w.next_is_widgets = key.as_ref() == "widgets";
            self.w.next_is_turn = widgets.map(|(id, _)| id);
            if hint.url {
                self.w.capture = Some(Capture::Url);
            }
            if event_root {
                self.w.capture = match key.as_ref() {
                    "id" => Some(Capture::Id),
                    "type" | "EventType" => Some(Capture::Type),
                    "from" | "From" | "to" | "To" if self.w.sc.parties => Some(Capture::Party),
                    "StateTo" if self.w.sc.parties => Some(Capture::StateTo),
                    _ => self.w.capture,
                };
            } else if event_data {
                match key.as_ref() {
                    "from" | "to" => self.w.capture = Some(Capture::Party),
                    "StateTo" => self.w.capture = Some(Capture::StateTo),
                    _ => {}
                }
            }
            let saved_hint = std::mem::replace(&mut self.w.hint, hint);
            map.next_value_seed(Node { w: self.w, depth: self.depth + 1 })?;
            self.w.capture = None;
            self.w.turn_text = None;
            self.w.next_is_turn_array = false;
            self.w.next_is_widgets = false;
            self.w.next_is_turn = None;
            self.w.path.truncate(mark);
            self.w.hint = saved_hint;
            self.w.occurrence = saved_occ;
            index += 1;
        }
        self.w.keys.truncate(base);
        self.w.key_text.truncate(text_base);
        if turn.is_some() {
            let (channel, sid) = (self.w.turn_channel, self.w.turn_sid);
            for t in self.w.turns.get_mut(turns_before..).unwrap_or_default() {
                t.channel = t.channel.or(channel);
                t.sid = t.sid.or(sid);
            }
        }
        (self.w.turn_channel, self.w.turn_sid) = saved_turn;
        self.w.url_cues = saved_url;
        if let Some((id, from)) = widgets {
            self.w.turn_pass(id, from);
        }
        Ok(())
    }
}

fn itoa(i: usize) -> String {
    i.to_string()
}

mod couple;
mod parts;
mod scored;
#[cfg(test)]
mod tests;
mod turns;
