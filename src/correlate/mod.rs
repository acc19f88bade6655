//! Conversation-level correlation: a name in one event, an identifier in another event of the same
//! conversation, and every event involved gets a command (reason `conversation_combination`).
//!
//! Pure: a [`Correlator`] holds per-conversation state in memory and turns [`FindingRecord`]s into
//! commands; `scan --correlate` feeds it a file's events, the Kafka stage feeds it the findings topic
//! (docs/architecture.md, "Conversations").
//!
//! The state of a conversation is a set of *references*, one per event (identified by its
//! [`FindingRecord::event_ref`]: its CloudEvents id, or its record's bytes), each holding the event's name and
//! identifier findings (locations and keyed fingerprints, never values). Adding a reference is
//! idempotent and commutative, so duplicates, replays and halves arriving in either order give the
//! same state and the same commands. An event is *involved* when it holds a name and another event
//! of the conversation holds an identifier, or the other way round; each involved event gets one
//! command, once. A combination inside one event is left to the per-event rule (`run`, `scan`).
//!
//! Time is the events' own (record timestamps), never the wall clock, so a restarted stage decides
//! as before: a conversation expires `ttl` after its last event (`closed_ttl` after an event that
//! ends it), and at `max_conversations` the one that would expire first is evicted. Both are
//! counted. A file and a replayed window are one history each (no TTL).

// Text is sliced only at offsets known to be character boundaries, or through `get`.
// Tests slice the spans they check: a panic there fails the test.
#![cfg_attr(not(test), deny(clippy::string_slice))]
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod key;
pub mod record;

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::commands::{self, Command, Mode, WireFinding};
use crate::policy::{Action, Reason};
pub use record::FindingRecord;

/// Limits of the in-memory state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Milliseconds of inactivity after which a conversation is forgotten (`None`: never, for a
    /// file, which is correlated as a whole).
    pub ttl_ms: Option<i64>,
    /// Milliseconds a conversation is kept after an event that ends it (Twilio retries deliveries
    /// for up to 4 hours, so a late half still meets its partner).
    pub closed_ttl_ms: i64,
    /// Conversations held at most; past it the one closest to expiry is evicted.
    pub max_conversations: usize,
    /// References (events) kept per conversation; a further event is still decided against the
    /// ones kept, but not kept itself.
    pub max_refs: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { ttl_ms: Some(24 * 3_600_000), closed_ttl_ms: 4 * 3_600_000, max_conversations: 1_000_000, max_refs: 256 }
    }
}

/// Counters, for the summary and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Conversations in which a name and an identifier of different events met.
    pub combinations: u64,
    /// Commands emitted.
    pub commands: u64,
    /// Conversations forgotten after their TTL.
    pub expired: u64,
    /// Conversations forgotten after their closed TTL.
    pub expired_closed: u64,
    /// Conversations evicted at the capacity limit (halves that may never meet: alert on it).
    pub evicted_capacity: u64,
    /// Events decided but not kept because their conversation held `max_refs` already.
    pub refs_truncated: u64,
}

#[derive(Debug, Clone)]
struct Ref {
    id: String,
    record: FindingRecord,
    /// Its command was emitted (in this process).
    emitted: bool,
    /// Its command was acknowledged by the broker: only this is written to the changelog, so a
    /// restart re-emits a command that may not have reached the topic.
    acked: bool,
}

#[derive(Debug, Clone)]
struct Conversation {
    refs: Vec<Ref>,
    last_seen: i64,
    closed_at: Option<i64>,
    combined: bool,
}

/// A conversation's state as the changelog holds it (key: the conversation). Merging two of them
/// is a union (references by id, acknowledgements or-ed, times maxed), so any order of writes and
/// any duplicate gives the same state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateRecord {
    /// Shape version (1).
    pub v: u32,
    /// The conversation key.
    pub conversation: String,
    /// Time of its latest event (milliseconds).
    pub last_seen: i64,
    /// Time of the event that ended it, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<i64>,
    /// A combination across events was found.
    #[serde(default)]
    pub combined: bool,
    /// Its events.
    pub refs: Vec<StateRef>,
    /// The writer's epoch (the offset of its claim on the changelog partition): set by the Kafka
    /// stage when it writes, to recognise a zombie's writes (docs/architecture.md §5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<i64>,
}

/// One event of a [`StateRecord`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateRef {
    /// The event's identity ([`FindingRecord::event_ref`]).
    pub id: String,
    /// Its command was acknowledged.
    #[serde(default)]
    pub acked: bool,
    /// What it holds.
    pub record: FindingRecord,
}

/// A command the correlator emitted, with the event it is for (to acknowledge it later).
#[derive(Debug, Clone)]
pub struct Emitted {
    /// The event's identity.
    pub event_ref: String,
    /// The command.
    pub command: Command,
}

impl Conversation {
    fn expiry(&self, l: &Limits) -> i64 {
        let idle = l.ttl_ms.map_or(i64::MAX, |t| self.last_seen.saturating_add(t));
        self.closed_at.map_or(idle, |c| idle.min(c.saturating_add(l.closed_ttl_ms)))
    }
}

/// Per-conversation state and the decision.
#[derive(Debug, Clone)]
pub struct Correlator {
    limits: Limits,
    action: Action,
    mode: Mode,
    conversations: HashMap<String, Conversation>,
    /// (expiry, key) of every conversation, to expire and evict in order.
    by_expiry: BTreeSet<(i64, String)>,
    /// The latest event time seen: what "now" is for expiry.
    stream_time: i64,
    counts: Counts,
    forgotten: Vec<String>,
}

impl Correlator {
    /// An empty state; `action` is the policy's action for `conversation_combination`.
    pub fn new(limits: Limits, action: Action, mode: Mode) -> Correlator {
        Correlator { limits, action, mode, conversations: HashMap::new(), by_expiry: BTreeSet::new(), stream_time: i64::MIN, counts: Counts::default(), forgotten: Vec::new() }
    }

    /// Counters so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Conversations held.
    pub fn len(&self) -> usize {
        self.conversations.len()
    }

    /// True when no conversation is held.
    pub fn is_empty(&self) -> bool {
        self.conversations.is_empty()
    }

    /// Adds one event's record, seen at `time` (milliseconds since the epoch; any constant for a
    /// file), and returns the commands it completes: one per involved event not commanded before.
    pub fn apply(&mut self, rec: FindingRecord, time: i64) -> Vec<Emitted> {
        self.stream_time = self.stream_time.max(time);
        self.expire();
        let key = rec.conversation.clone();
        let limits = self.limits;
        if !self.conversations.contains_key(&key) {
            while self.conversations.len() >= limits.max_conversations.max(1) {
                let Some((_, oldest)) = self.by_expiry.pop_first() else { break };
                self.conversations.remove(&oldest);
                self.forgotten.push(oldest);
                self.counts.evicted_capacity += 1;
            }
        }
        let conv = self.conversations.entry(key.clone()).or_insert_with(|| Conversation { refs: Vec::new(), last_seen: time, closed_at: None, combined: false });
        self.by_expiry.remove(&(conv.expiry(&limits), key.clone()));
        conv.last_seen = conv.last_seen.max(time);
        if rec.closes {
            conv.closed_at = Some(conv.closed_at.map_or(time, |c| c.max(time)));
        }
        let id = rec.event_ref.clone();
        // A reference not kept (the conversation is full) still takes part in this decision.
        let mut extra = None;
        if !conv.refs.iter().any(|r| r.id == id) {
            let r = Ref { id, record: rec, emitted: false, acked: false };
            if conv.refs.len() < limits.max_refs {
                conv.refs.push(r);
            } else {
                self.counts.refs_truncated += 1;
                extra = Some(r);
            }
        }
        self.by_expiry.insert((conv.expiry(&limits), key.clone()));
        let mut out = Vec::new();
        let (names, idents) = conv.refs.iter().chain(&extra).fold((0usize, 0usize), |(n, i), r| (n + usize::from(r.record.has_name()), i + usize::from(r.record.has_identifier())));
        if names == 0 || idents == 0 {
            return out;
        }
        for r in conv.refs.iter_mut().chain(extra.as_mut()) {
            let (n, i) = (r.record.has_name(), r.record.has_identifier());
            // Another event holds the other half (this one's own halves are counted out).
            let involved = (n && idents > usize::from(i)) || (i && names > usize::from(n));
            if involved && !r.emitted {
                r.emitted = true;
                out.push(Emitted { event_ref: r.id.clone(), command: command(&key, r, self.action, self.mode) });
            }
        }
        if !out.is_empty() && !conv.combined {
            conv.combined = true;
            self.counts.combinations += 1;
        }
        self.counts.commands += out.len() as u64;
        out
    }

    /// Marks the commands of `refs` in `conversation` acknowledged by the broker.
    pub fn acknowledge(&mut self, conversation: &str, refs: &[String]) {
        if let Some(c) = self.conversations.get_mut(conversation) {
            for r in c.refs.iter_mut().filter(|r| refs.contains(&r.id)) {
                r.acked = true;
            }
        }
    }

    /// The conversation's state for the changelog (`None` when it is no longer held).
    pub fn snapshot(&self, conversation: &str) -> Option<StateRecord> {
        let c = self.conversations.get(conversation)?;
        Some(StateRecord {
            v: 1,
            conversation: conversation.to_owned(),
            last_seen: c.last_seen,
            closed_at: c.closed_at,
            combined: c.combined,
            refs: c.refs.iter().map(|r| StateRef { id: r.id.clone(), acked: r.acked, record: r.record.clone() }).collect(),
            epoch: None,
        })
    }

    /// References (events) held for `conversation`.
    pub fn refs_len(&self, conversation: &str) -> Option<usize> {
        self.conversations.get(conversation).map(|c| c.refs.len())
    }

    /// Merges a changelog record (restoring): references are added (an acknowledged command counts
    /// as emitted; one that was not is emitted again when its event is read again), times maxed.
    pub fn merge(&mut self, s: StateRecord) {
        let limits = self.limits;
        let conv = self.conversations.entry(s.conversation.clone()).or_insert_with(|| Conversation { refs: Vec::new(), last_seen: s.last_seen, closed_at: None, combined: false });
        self.by_expiry.remove(&(conv.expiry(&limits), s.conversation.clone()));
        conv.last_seen = conv.last_seen.max(s.last_seen);
        conv.closed_at = match (conv.closed_at, s.closed_at) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        conv.combined |= s.combined;
        for r in s.refs {
            if let Some(x) = conv.refs.iter_mut().find(|x| x.id == r.id) {
                x.acked |= r.acked;
                x.emitted |= r.acked;
            } else if conv.refs.len() < limits.max_refs {
                conv.refs.push(Ref { id: r.id, record: r.record, emitted: r.acked, acked: r.acked });
            }
        }
        self.by_expiry.insert((conv.expiry(&limits), s.conversation));
        self.stream_time = self.stream_time.max(s.last_seen);
    }

    /// Forgets a conversation (a tombstone in the changelog).
    pub fn remove(&mut self, conversation: &str) {
        if let Some(c) = self.conversations.remove(conversation) {
            self.by_expiry.remove(&(c.expiry(&self.limits), conversation.to_owned()));
        }
    }

    /// Forgets what expired by the latest event time seen (after a restore).
    pub fn expire_now(&mut self) {
        self.expire();
    }

    /// Conversations forgotten (expired or evicted) since the last call: their changelog entries
    /// get tombstones.
    pub fn take_forgotten(&mut self) -> Vec<String> {
        std::mem::take(&mut self.forgotten)
    }

    /// Forgets the conversations whose expiry is before the stream time.
    fn expire(&mut self) {
        while let Some((at, _)) = self.by_expiry.first() {
            if *at >= self.stream_time {
                break;
            }
            let (at, key) = self.by_expiry.pop_first().expect("first exists");
            if let Some(c) = self.conversations.remove(&key) {
                self.forgotten.push(key);
                if c.closed_at.is_some_and(|t| t.saturating_add(self.limits.closed_ttl_ms) == at) {
                    self.counts.expired_closed += 1;
                } else {
                    self.counts.expired += 1;
                }
            }
        }
    }
}

/// The command for one involved event. Its id hashes the conversation, the event's identity and
/// what is removed, not where this copy was read: every delivery of the event gets the same id.
fn command(conversation: &str, r: &Ref, action: Action, mode: Mode) -> Command {
    let rec = &r.record;
    let mut findings: Vec<WireFinding> = rec.names.iter().chain(&rec.identifiers).cloned().collect();
    findings.sort_by(|a, b| (&a.path, &a.inner_path, a.occurrence, a.byte_start).cmp(&(&b.path, &b.inner_path, b.occurrence, b.byte_start)));
    let mut h = Sha256::new();
    h.update(b"piiguard conversation command v1\0");
    h.update(conversation.as_bytes());
    h.update([0]);
    h.update(r.id.as_bytes());
    commands::hash_locations(&mut h, &findings);
    Command {
        version: commands::VERSION,
        command_id: hex::encode(h.finalize().get(..16).unwrap_or_default()),
        action,
        reason: Reason::ConversationCombination,
        mode,
        source: rec.source.clone(),
        event_pointer: rec.event_pointer.clone(),
        event_id: rec.event_id.clone(),
        event_type: rec.event_type.clone(),
        parse_status: if rec.parse_error.is_some() { "unparsed" } else { "parsed" },
        parse_error: rec.parse_error,
        resource: rec.resource.clone(),
        findings,
        truncated: rec.truncated,
        conversation: Some(conversation.to_owned()),
        kid: rec.kid.clone(),
        part: None,
    }
}

#[cfg(test)]
pub(crate) mod tests;
