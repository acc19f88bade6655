//! The finding record: what the conversation stage learns about one event. References only: the
//! event's coordinates, resource, and the location, kind and keyed fingerprint of each name and
//! identifier it holds; never a value.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::key::{self, KeyKind};
use crate::commands::{self, Resource, Source, WireFinding};
use crate::fingerprint::Fingerprinter;
use crate::policy::Policy;
use crate::rule;
use crate::scanner::json::{EventScan, RecordError};

/// Version of the finding record's shape.
pub const VERSION: u32 = 1;

/// One event's halves of a possible combination, keyed by its conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRecord {
    /// Shape version.
    pub version: u32,
    /// The conversation key ([`key::resolve`]).
    pub conversation: String,
    /// Which id the key is.
    pub key_kind: KeyKind,
    /// Where the event's record came from.
    pub source: Source,
    /// The event inside the record.
    pub event_pointer: String,
    /// The event's identity within its conversation, 32 hex digits: a hash of its CloudEvents id
    /// (every delivery of the event shares it), or for an event without one (a webhook) a keyed
    /// hash of its record's bytes and its pointer (a redelivery is the same bytes).
    pub event_ref: String,
    /// CloudEvents id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// CloudEvents type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Why the record was scanned as raw text, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_error: Option<RecordError>,
    /// The resource a command would act on.
    pub resource: Resource,
    /// Names the policy counts as the person half.
    pub names: Vec<WireFinding>,
    /// Identifiers the policy combines with a name.
    pub identifiers: Vec<WireFinding>,
    /// The event says the conversation ended (removed, or its state moved to `closed`): the
    /// conversation is kept only for the shorter closed TTL after it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub closes: bool,
    /// More findings in the event than the per-event limit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// The fingerprint key id.
    pub kid: String,
}

impl FindingRecord {
    /// True when the record holds a name.
    pub fn has_name(&self) -> bool {
        !self.names.is_empty()
    }

    /// True when the record holds an identifier.
    pub fn has_identifier(&self) -> bool {
        !self.identifiers.is_empty()
    }
}

/// Whether an event ends its conversation (CloudEvents and Conversations webhook names): a
/// removal, or a state change to `closed`. A change to `inactive` does not (the conversation can
/// be reactivated), nor one whose new state was not read: the ordinary TTL then bounds it.
fn closes(event_type: Option<&str>, state_to: Option<&str>) -> bool {
    event_type.is_some_and(|t| {
        let state_change = t.ends_with("conversations.conversation-state.updated") || t == "onConversationStateUpdated";
        t.ends_with("conversations.conversation.removed") || t == "onConversationRemoved" || (state_change && state_to.is_some_and(|s| s.eq_ignore_ascii_case("closed")))
    })
}

/// What one event tells the conversation stage.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A record to send: the event holds a half, or ends its conversation.
    Record(Box<FindingRecord>),
    /// The event holds a half but no conversation could be resolved (counted).
    Unresolved,
    /// Nothing for the stage.
    Nothing,
}

/// See [`FindingRecord::event_ref`].
fn event_ref(fp: &Fingerprinter, ev: &EventScan, record: &[u8]) -> String {
    let mut h = Sha256::new();
    match &ev.event_id {
        Some(id) => {
            h.update(b"event id\0");
            h.update(id.as_bytes());
        }
        None => {
            h.update(b"record\0");
            h.update(fp.record_hmac(record).as_bytes());
        }
    }
    h.update([0]);
    h.update(ev.pointer.as_bytes());
    hex::encode(h.finalize().get(..16).unwrap_or_default())
}

/// The finding record for one event of `record`, if the event holds a name or an identifier the
/// policy counts (or closes its conversation).
pub fn of_event(policy: &Policy, fp: &Fingerprinter, ev: &EventScan, record: &[u8], source: &Source, parse_error: Option<RecordError>) -> Outcome {
    let names: Vec<WireFinding> = ev.findings.iter().filter(|f| rule::is_name(policy, f)).map(commands::wire_finding).collect();
    let identifiers: Vec<WireFinding> = ev.findings.iter().filter(|f| rule::is_identifier(policy, f)).map(commands::wire_finding).collect();
    let closes = closes(ev.event_type.as_deref(), ev.state_to.as_deref());
    if names.is_empty() && identifiers.is_empty() && !closes {
        return Outcome::Nothing;
    }
    let Some((conversation, key_kind)) = key::resolve(ev, fp) else {
        return if closes && names.is_empty() && identifiers.is_empty() { Outcome::Nothing } else { Outcome::Unresolved };
    };
    Outcome::Record(Box::new(FindingRecord {
        version: VERSION,
        conversation,
        key_kind,
        source: source.clone(),
        event_pointer: ev.pointer.clone(),
        event_ref: event_ref(fp, ev, record),
        event_id: ev.event_id.clone(),
        event_type: ev.event_type.clone(),
        parse_error,
        resource: commands::resource(ev),
        names,
        identifiers,
        closes,
        truncated: ev.truncated,
        kid: fp.kid().to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Mode;
    use crate::process::Processor;
    use crate::scanner::ScannerBuilder;

    /// Whether the event ends its conversation, read through the walker as the service reads it.
    fn ends(event: &str) -> bool {
        let p = Processor { scanner: ScannerBuilder::new().conversations(true).build().unwrap(), policy: Policy::default(), fingerprinter: Fingerprinter::new(&[3; 32]).unwrap(), max_record_bytes: 1 << 20 };
        let source = Source::File { file: "t".into(), line: 1 };
        let (_, scan) = p.process_keeping_scan(event.as_bytes(), &source, Mode::Scan);
        match of_event(&p.policy, &p.fingerprinter, &scan.events[0], event.as_bytes(), &source, scan.error) {
            Outcome::Record(r) => r.closes,
            _ => false,
        }
    }

    #[test]
    fn only_a_removal_or_a_move_to_closed_ends_a_conversation() {
        let ch = format!("CH{}", "e".repeat(32));
        let state = |to: &str| format!(r#"{{"specversion":"1.0","type":"com.twilio.conversations.conversation-state.updated","id":"ev-1","data":{{"ConversationSid":"{ch}","StateFrom":"active","StateTo":"{to}","Reason":"TIMER"}}}}"#);
        let removed = format!(r#"{{"specversion":"1.0","type":"com.twilio.conversations.conversation.removed","id":"ev-2","data":{{"ConversationSid":"{ch}"}}}}"#);
        let webhook = format!(r#"{{"EventType":"onConversationStateUpdated","ConversationSid":"{ch}","StateFrom":"inactive","StateTo":"closed"}}"#);
        let unread = format!(r#"{{"specversion":"1.0","type":"com.twilio.conversations.conversation-state.updated","id":"ev-3","data":{{"ConversationSid":"{ch}"}}}}"#);
        assert!(ends(&state("closed")));
        assert!(!ends(&state("inactive")), "an inactive conversation can be reactivated");
        assert!(!ends(&state("active")));
        assert!(ends(&removed));
        assert!(ends(&webhook));
        assert!(!ends(&unread), "no new state read: the ordinary TTL bounds it");
    }
}
