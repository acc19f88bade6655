//! Commands: what piiguard tells a downstream applier to redact or delete.
//!
//! # Wire format
//!
//! One JSON object per event that needs action (JSON Lines on files and stdout, one Kafka record per
//! command on a topic), documented by `schemas/command.v1.schema.json`. Fields:
//!
//! - `version`: `1`. Within a version fields are only added, and the values of `action`, `reason`,
//!   `resource.type`, `kind`, `detector` and a part's `kind` may grow (the taxonomy is open:
//!   [`crate::scanner::KINDS`]). A consumer accepts a value it does not know instead of dropping the
//!   command: an unknown action is applied as `redact`, an unknown kind or detector is still a span
//!   to remove, an unknown reason is still a command to apply.
//! - `command_id`: 32 hex digits, SHA-256 of the command's *location* (source coordinates, event
//!   pointer, reason, finding kinds, paths and spans). The same input always yields the same id, so an
//!   applier drops duplicates after a restart or a replay. It hashes no value.
//! - `action`: `redact`, `delete` or `tag`. `reason`: `prohibited_combination`, `identifier`,
//!   `category` or `conversation_combination` (then `conversation` names the conversation, and the
//!   id hashes the conversation and the event's identity instead of the source coordinates, so a
//!   duplicate delivery of the event gets the same id).
//! - `mode`: `scan` (files, stdin), `live` (`piiguard run`), `replay`.
//! - `source`: `{"file": NAME, "line": N}` or `{"topic", "partition", "offset", "key_hmac"?, "timestamp"?}`.
//! - `event_pointer`: the event inside the record (`""`, or `"/0"` for the first of an array).
//! - `event_id`, `event_type`: the CloudEvents `id` and `type` when present.
//! - `parse_status`: `parsed`, or `unparsed` when the record was not JSON and was scanned as raw
//!   text (then `parse_error` names why: `invalid_utf8`, `parse_error`, `too_deep`, `empty`).
//! - `resource`: the Twilio resource to act on: `type` (`task`, `message`, `conversation_message`,
//!   `conversation`, `transcript`, `call`, `unknown`), `sid`, `account_sid`, `parents` (e.g. the
//!   workspace of a task) and `sids` (every SID in the event, for escalation to Twilio).
//! - `findings`: `kind`, `detector`, `path` (RFC 6901 pointer; a segment `#N` stands for the N-th key
//!   of its object when the key itself is sensitive), `inner_path` (pointers inside JSON embedded in
//!   that string), `in_key`, `occurrence` (duplicate keys), `start`/`end` (characters), `byte_start`/
//!   `byte_end`, `confidence`, `parts` (security code, expiry, PIN), `fingerprint` (HMAC-SHA256 under
//!   key `kid`) and, only when asked for, `preview` (at most the last 4 characters). In a transcript,
//!   `sentence_sid` names the sentence (`GX…`) holding the span, and `continued` lists the further
//!   spans of an identifier read out over several sentences (path, offsets, `sentence_sid` each).
//!
//! No field ever holds a sensitive value.

use std::collections::BTreeMap;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fingerprint::Fingerprinter;
use crate::policy::{Action, Reason};
use crate::rule::Decision;
use crate::scanner::json::{EventScan, FoundPart, RecordError, Sid};
use crate::scanner::{Detector, Kind};

/// Schema version of the commands this build writes.
pub const VERSION: u32 = 1;

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Source {
    /// A line of a file or of stdin (`"-"`).
    File {
        /// The file name as given.
        file: String,
        /// 1-based line number.
        line: u64,
    },
    /// A Kafka record.
    Kafka {
        /// Topic.
        topic: String,
        /// Partition.
        partition: i32,
        /// Offset.
        offset: i64,
        /// HMAC-SHA256 of the record key (128 bits, hex), if it has one: a key may hold personal
        /// data (a phone number, an address), so it is never copied.
        #[serde(skip_serializing_if = "Option::is_none")]
        key_hmac: Option<String>,
        /// Record timestamp, milliseconds since the epoch, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        timestamp: Option<i64>,
    },
}

impl Source {
    fn id_material(&self) -> String {
        match self {
            Source::File { file, line } => format!("file\u{0}{file}\u{0}{line}"),
            Source::Kafka { topic, partition, offset, .. } => format!("kafka\u{0}{topic}\u{0}{partition}\u{0}{offset}"),
        }
    }
}

/// How the command was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// `piiguard scan`.
    Scan,
    /// `piiguard run`.
    Live,
    /// `piiguard replay`.
    Replay,
}

/// The resource a command acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// `task`, `message`, `conversation_message`, `conversation`, `transcript`, `call` or `unknown`.
    #[serde(rename = "type")]
    pub kind: Cow<'static, str>,
    /// The resource's SID, when one was found.
    pub sid: Option<Sid>,
    /// The account SID, when one was found.
    pub account_sid: Option<Sid>,
    /// Parent resources needed to address it (`workspace_sid`, `conversation_sid`, `service_sid`).
    pub parents: BTreeMap<Cow<'static, str>, Sid>,
    /// Every SID in the event, sorted; at most [`MAX_SIDS`] (a command stays small whatever the
    /// event holds).
    pub sids: Vec<Sid>,
    /// The event held more SIDs than [`MAX_SIDS`]: `sids` lists the first of them, sorted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sids_truncated: bool,
}

/// SIDs listed in a command at most. With at most `ScannerBuilder::max_findings` findings this
/// bounds a command's size: an event with 30,000 SIDs (a 1 MiB record) would otherwise make a
/// command larger than a topic's default limit.
pub const MAX_SIDS: usize = 64;

/// A part of a finding on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WirePart {
    /// `security_code`, `expiry` or `pin`.
    pub kind: crate::scanner::PartKind,
    /// Start, in characters.
    pub start: usize,
    /// End, in characters (exclusive).
    pub end: usize,
}

impl From<&FoundPart> for WirePart {
    fn from(p: &FoundPart) -> Self {
        WirePart { kind: p.kind, start: p.start, end: p.end }
    }
}

/// A finding on the wire. A separate type from the scanner's `Finding` on purpose: the schema is a
/// published contract (only additive changes within a version), the scanner's type is not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireFinding {
    /// What was found.
    pub kind: Kind,
    /// Which rule found it.
    pub detector: Detector,
    /// RFC 6901 pointer to the string.
    pub path: String,
    /// Pointers inside JSON embedded in that string, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inner_path: Vec<String>,
    /// In an object key.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_key: bool,
    /// Which of several equal keys.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub occurrence: u32,
    /// Start, in characters.
    pub start: usize,
    /// End, in characters (exclusive).
    pub end: usize,
    /// Start, in UTF-8 bytes.
    pub byte_start: usize,
    /// End, in UTF-8 bytes (exclusive).
    pub byte_end: usize,
    /// 0-1.
    pub confidence: f32,
    /// Security code, expiry, PIN.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<WirePart>,
    /// HMAC-SHA256 (128 bits, hex) of the normalised value.
    pub fingerprint: String,
    /// Masked preview, only when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
    /// The transcript sentence (`GX…`) that holds the string, when the string is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentence_sid: Option<Sid>,
    /// Further spans of an identifier read out over several sentences, one per sentence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub continued: Vec<WireSpan>,
    /// For a category finding: `MED`, `PHI`, `REL`, `SO` or `FIN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Cow<'static, str>>,
    /// For a category finding: the rule that found it (`MED.CONDITION`, `PHI.NPI` …), never the term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Cow<'static, str>>,
}

/// A further span of a finding, in another string (see [`WireFinding::continued`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireSpan {
    /// RFC 6901 pointer to the string.
    pub path: String,
    /// Pointers inside JSON embedded in that string.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inner_path: Vec<String>,
    /// Which of several equal keys.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub occurrence: u32,
    /// Start, in characters.
    pub start: usize,
    /// End, in characters (exclusive).
    pub end: usize,
    /// Start, in UTF-8 bytes.
    pub byte_start: usize,
    /// End, in UTF-8 bytes (exclusive).
    pub byte_end: usize,
    /// The sentence's SID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentence_sid: Option<Sid>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One command.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Command {
    /// Schema version.
    pub version: u32,
    /// Deterministic id (see the module docs).
    pub command_id: String,
    /// Redact or delete.
    pub action: Action,
    /// Why.
    pub reason: Reason,
    /// Scan, live or replay.
    pub mode: Mode,
    /// Where the record came from.
    pub source: Source,
    /// The event inside the record.
    pub event_pointer: String,
    /// CloudEvents id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// CloudEvents type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// `parsed` or `unparsed`.
    pub parse_status: &'static str,
    /// Why the record was scanned as raw text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_error: Option<RecordError>,
    /// The resource to act on.
    pub resource: Resource,
    /// The spans to remove.
    pub findings: Vec<WireFinding>,
    /// More findings than the per-event limit: the applier should treat the whole event as affected.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// For `conversation_combination`: the conversation whose events combine (see
    /// [`crate::correlate::key`]): a SID, or `sms:` and a keyed hash of the two numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
    /// The fingerprint key id.
    pub kid: String,
    /// Set on each part of a command too large for its topic (see [`split`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<Part>,
}

/// Picks the resource to act on from the event's SIDs and type: a task event acts on its task
/// (`WT`, under its workspace), a Conversations message on the message (`IM`, under its conversation
/// and service), an SMS on the message (`SM`/`MM`), a transcript on the transcript (`GT`).
pub fn resource(ev: &EventScan) -> Resource {
    let sids = ev.sids.clone();
    let first = |p: &str| sids.iter().find(|s| s.as_str().starts_with(p)).copied();
    let ty = ev.event_type.as_deref().unwrap_or("");
    let mut parents = BTreeMap::new();
    let (kind, sid) = if ty.contains("taskrouter") || first("WT").is_some() && !ty.contains("conversations") {
        if let Some(ws) = first("WS") {
            parents.insert(Cow::Borrowed("workspace_sid"), ws);
        }
        ("task", first("WT"))
    } else if let Some(im) = first("IM") {
        if let Some(ch) = first("CH") {
            parents.insert(Cow::Borrowed("conversation_sid"), ch);
        }
        if let Some(is) = first("IS") {
            parents.insert(Cow::Borrowed("service_sid"), is);
        }
        ("conversation_message", Some(im))
    } else if let Some(sm) = first("SM").or_else(|| first("MM")) {
        ("message", Some(sm))
    } else if let Some(gt) = first("GT") {
        if let Some(ga) = first("GA") {
            parents.insert(Cow::Borrowed("service_sid"), ga);
        }
        ("transcript", Some(gt))
    } else if let Some(ch) = first("CH") {
        ("conversation", Some(ch))
    } else if let Some(ca) = first("CA") {
        ("call", Some(ca))
    } else {
        ("unknown", None)
    };
    let kind = if sid.is_none() { "unknown" } else { kind };
    let account_sid = first("AC");
    let mut sids = sids;
    let sids_truncated = sids.len() > MAX_SIDS;
    sids.truncate(MAX_SIDS);
    Resource { kind: Cow::Borrowed(kind), sid, account_sid, parents, sids, sids_truncated }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::Fingerprinter;
    use crate::scanner::ScannerBuilder;

    #[test]
    fn a_command_lists_at_most_max_sids_and_says_so() {
        let sids: Vec<String> = (0..200).map(|i| format!("\"CA{i:032x}\"")).collect();
        let task = format!("WT{}", "a".repeat(32));
        let json = format!(r#"{{"type":"com.twilio.taskrouter.task.created","TaskSid":"{task}","calls":[{}]}}"#, sids.join(","));
        let r = ScannerBuilder::new().build().unwrap().scan_record(json.as_bytes(), &Fingerprinter::new(&[1; 32]).unwrap());
        let res = resource(&r.events[0]);
        assert_eq!((res.sids.len(), res.sids_truncated), (MAX_SIDS, true));
        // The resource is picked from every SID, not only the ones listed.
        assert_eq!(res.sid.map(|s| s.as_str().to_owned()), Some(task));
        let small = ScannerBuilder::new().build().unwrap().scan_record(br#"{"CallSid":"CA0123456789abcdef0123456789abcdef"}"#, &Fingerprinter::new(&[1; 32]).unwrap());
        let res = resource(&small.events[0]);
        assert_eq!((res.sids.len(), res.sids_truncated), (1, false));
        assert!(!serde_json::to_string(&res).unwrap().contains("sids_truncated"));
    }
}

/// Everything a command needs besides the event.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Scan, live or replay.
    pub mode: Mode,
    /// Where the record came from.
    pub source: &'a Source,
    /// Set when the record was scanned as raw text.
    pub parse_error: Option<RecordError>,
    /// Key used for fingerprints.
    pub fingerprinter: &'a Fingerprinter,
}

/// A finding as the wire carries it.
pub fn wire_finding(f: &crate::scanner::json::Finding) -> WireFinding {
    WireFinding {
        kind: f.kind,
        detector: f.detector,
        path: f.path.clone(),
        inner_path: f.inner_path.clone(),
        in_key: f.in_key,
        occurrence: f.occurrence,
        start: f.start,
        end: f.end,
        byte_start: f.byte_start,
        byte_end: f.byte_end,
        confidence: (f.confidence * 100.0).round() / 100.0,
        parts: f.parts.iter().map(WirePart::from).collect(),
        fingerprint: f.fingerprint.clone(),
        preview: f.preview.clone(),
        sentence_sid: f.sentence_sid,
        continued: f
            .continued
            .iter()
            .map(|c| WireSpan {
                path: c.path.clone(),
                inner_path: c.inner_path.clone(),
                occurrence: c.occurrence,
                start: c.start,
                end: c.end,
                byte_start: c.byte_start,
                byte_end: c.byte_end,
                sentence_sid: c.sentence_sid,
            })
            .collect(),
        category: f.kind.info().category.map(Cow::Borrowed),
        rule: f.rule.map(Cow::Borrowed),
    }
}

/// Builds the command for one event.
pub fn build(ctx: Context<'_>, ev: &EventScan, decision: &Decision) -> Command {
    let findings: Vec<WireFinding> = decision.findings.iter().map(|&i| wire_finding(&ev.findings[i])).collect();
    let mut h = Sha256::new();
    h.update(b"piiguard command v1\0");
    h.update(ctx.source.id_material().as_bytes());
    h.update([0]);
    h.update(ev.pointer.as_bytes());
    h.update([0]);
    h.update(decision.reason.as_str().as_bytes());
    hash_locations(&mut h, &findings);
    let command_id = hex::encode(&h.finalize()[..16]);
    Command {
        version: VERSION,
        command_id,
        action: decision.action,
        reason: decision.reason,
        mode: ctx.mode,
        source: ctx.source.clone(),
        event_pointer: ev.pointer.clone(),
        event_id: ev.event_id.clone(),
        event_type: ev.event_type.clone(),
        parse_status: if ctx.parse_error.is_some() { "unparsed" } else { "parsed" },
        parse_error: ctx.parse_error,
        resource: resource(ev),
        findings,
        truncated: ev.truncated,
        conversation: None,
        kid: ctx.fingerprinter.kid().to_owned(),
        part: None,
    }
}

/// Hashes where each finding is (kind, path, span), never what it holds: the part of a command id
/// that says what the command removes.
pub fn hash_locations(h: &mut Sha256, findings: &[WireFinding]) {
    for f in findings {
        let loc = format!(
            "\0{}\0{}\0{}\0{}\0{}\0{}\0{}",
            f.kind.as_str(),
            f.path,
            f.inner_path.join("\u{1}"),
            f.in_key,
            f.occurrence,
            f.byte_start,
            f.byte_end
        );
        h.update(loc.as_bytes());
        for c in &f.continued {
            h.update(format!("\0+{}\0{}\0{}\0{}\0{}", c.path, c.inner_path.join("\u{1}"), c.occurrence, c.byte_start, c.byte_end).as_bytes());
        }
    }
}

/// Which part of a split command this is (see [`split`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// 1-based.
    pub index: u32,
    /// How many parts the command was split into.
    pub count: u32,
    /// The id the whole command would have had: every part names it.
    pub of: String,
}

/// Bytes a command's `part` field takes at most (`,"part":{"index":N,"count":N,"of":"<32 hex>"}`).
const PART_BYTES: usize = 96;

/// `c` as it is when it serialises to at most `max_bytes`; else split into parts that do, each
/// with the same resource, reason and action and some of the findings (in order, none twice), and
/// a `part` naming the whole command's id. A part's id hashes the whole id and its index, so a
/// replay splits the same way into the same ids. A finding too large to share a part with another
/// is put in a part of its own; if that part is still over `max_bytes` (a path of about the
/// limit's size: with records capped at `max_record_bytes` this needs a single key of nearly a
/// megabyte), the broker refuses it and the delivery reports the error (`too_large`).
pub fn split(c: Command, max_bytes: usize) -> Vec<Command> {
    let whole = serde_json::to_vec(&c).map_or(usize::MAX, |v| v.len());
    if whole <= max_bytes || c.findings.len() < 2 {
        return vec![c];
    }
    let mut shell = c;
    let findings = std::mem::take(&mut shell.findings);
    let room = max_bytes.saturating_sub(serde_json::to_vec(&shell).map_or(usize::MAX, |v| v.len()) + PART_BYTES);
    let mut groups: Vec<Vec<WireFinding>> = Vec::new();
    let mut size = 0usize;
    for f in findings {
        // One comma per element besides the finding itself.
        let n = serde_json::to_vec(&f).map_or(usize::MAX, |v| v.len()) + 1;
        match groups.last_mut() {
            Some(g) if size.saturating_add(n) <= room => g.push(f),
            _ => {
                groups.push(vec![f]);
                size = 0;
            }
        }
        size = size.saturating_add(n);
    }
    let count = groups.len() as u32;
    let of = shell.command_id.clone();
    groups
        .into_iter()
        .enumerate()
        .map(|(i, findings)| {
            let index = i as u32 + 1;
            let mut h = Sha256::new();
            h.update(b"piiguard command part v1\0");
            h.update(of.as_bytes());
            h.update(format!("\0{index}\0{count}").as_bytes());
            Command { command_id: hex::encode(&h.finalize()[..16]), findings, part: Some(Part { index, count, of: of.clone() }), ..shell.clone() }
        })
        .collect()
}

#[cfg(test)]
mod split_tests {
    use super::*;
    use crate::process::Processor;
    use crate::scanner::ScannerBuilder;

    fn command(n: usize) -> Command {
        let notes: Vec<String> = (0..n).map(|i| format!("\"Jane Doe SSN 123-45-{:04}\"", 1000 + i)).collect();
        of(&format!(r#"{{"TaskSid":"WT{}","notes":[{}]}}"#, "a".repeat(32), notes.join(",")))
    }

    fn of(json: &str) -> Command {
        let p = Processor { scanner: ScannerBuilder::new().build().unwrap(), policy: crate::policy::Policy::default(), fingerprinter: Fingerprinter::new(&[7; 32]).unwrap(), max_record_bytes: 1 << 20 };
        let src = Source::Kafka { topic: "t".into(), partition: 1, offset: 9, key_hmac: None, timestamp: None };
        p.process(json.as_bytes(), &src, Mode::Live).commands.remove(0)
    }

    fn spans(cs: &[Command]) -> Vec<(String, usize, usize)> {
        let mut v: Vec<_> = cs.iter().flat_map(|c| c.findings.iter().map(|f| (f.path.clone(), f.byte_start, f.byte_end))).collect();
        v.sort();
        v
    }

    #[test]
    fn a_command_over_the_limit_is_split_into_parts_under_it_that_remove_the_same_spans() {
        let whole = command(200);
        let size = serde_json::to_vec(&whole).unwrap().len();
        assert!(whole.findings.len() >= 400 && size > 60_000, "{} findings, {size} bytes", whole.findings.len());
        let parts = split(whole.clone(), 20_000);
        assert!(parts.len() >= 4, "{} parts", parts.len());
        for (i, p) in parts.iter().enumerate() {
            assert!(serde_json::to_vec(p).unwrap().len() <= 20_000);
            let part = p.part.as_ref().unwrap();
            assert_eq!((part.index as usize, part.count as usize, part.of.as_str()), (i + 1, parts.len(), whole.command_id.as_str()));
            assert_eq!((&p.resource, p.reason, p.action, &p.source), (&whole.resource, whole.reason, whole.action, &whole.source));
            assert!(!p.findings.is_empty());
        }
        assert_eq!(spans(&parts), spans(std::slice::from_ref(&whole)), "every span once, none lost");
        let ids: BTreeSet<&str> = parts.iter().map(|p| p.command_id.as_str()).collect();
        assert_eq!(ids.len(), parts.len());
        assert!(!ids.contains(whole.command_id.as_str()));
        // The same command splits the same way (a replay gives the same ids).
        assert_eq!(split(whole.clone(), 20_000), parts);
        // Under the limit: unchanged, no part field.
        let small = command(2);
        assert_eq!(split(small.clone(), 20_000), vec![small.clone()]);
        assert!(!serde_json::to_string(&small).unwrap().contains("\"part\""));
    }

    #[test]
    fn a_single_finding_over_the_limit_is_left_whole() {
        let one = of(r#"{"body":"SSN 123-45-6789"}"#);
        assert_eq!(one.findings.len(), 1);
        assert_eq!(split(one.clone(), 100), vec![one]);
        // Each finding alone in a part when no two fit together.
        let three = command(3);
        let parts = split(three.clone(), 100);
        assert_eq!(parts.len(), three.findings.len());
        assert_eq!(spans(&parts), spans(&[three]));
    }

    use std::collections::BTreeSet;
}
