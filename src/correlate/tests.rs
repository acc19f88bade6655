use super::key::KeyKind;
use super::*;
use crate::commands::{Resource, Source};
use crate::scanner::{Detector, Kind};

fn wf(kind: Kind, path: &str) -> WireFinding {
    WireFinding {
        kind,
        detector: if kind == Kind::Name { Detector::NameCue } else { Detector::Ssn },
        path: path.into(),
        inner_path: vec![],
        in_key: false,
        occurrence: 0,
        start: 3,
        end: 14,
        byte_start: 3,
        byte_end: 14,
        confidence: 0.9,
        parts: vec![],
        fingerprint: "00".repeat(16),
        preview: None,
        sentence_sid: None,
        continued: vec![],
        category: None,
        rule: None,
    }
}

/// A record of conversation `conv`, event `id` read at `line`, with a name and/or an identifier.
pub(crate) fn rec(conv: &str, id: &str, line: u64, name: bool, ident: bool) -> FindingRecord {
    FindingRecord {
        version: record::VERSION,
        conversation: conv.into(),
        key_kind: KeyKind::Conversation,
        source: Source::File { file: "f".into(), line },
        event_pointer: String::new(),
        event_ref: id.into(),
        event_id: Some(id.into()),
        event_type: None,
        parse_error: None,
        resource: Resource { kind: "conversation_message".into(), sid: None, account_sid: None, parents: Default::default(), sids: vec![], sids_truncated: false },
        names: if name { vec![wf(Kind::Name, "/data/Body")] } else { vec![] },
        identifiers: if ident { vec![wf(Kind::Ssn, "/data/Body")] } else { vec![] },
        closes: false,
        truncated: false,
        kid: "k".into(),
    }
}

fn file() -> Correlator {
    Correlator::new(Limits { ttl_ms: None, ..Limits::default() }, Action::Redact, Mode::Scan)
}

fn ids(cs: &[Emitted]) -> Vec<String> {
    let mut v: Vec<String> = cs.iter().map(|e| e.command.event_id.clone().unwrap()).collect();
    v.sort();
    v
}

#[test]
fn split_pair_commands_both_events_in_either_order_once() {
    let mut c = file();
    assert!(c.apply(rec("CH1", "a", 1, true, false), 0).is_empty());
    assert!(c.apply(rec("CH1", "f", 2, false, false), 0).is_empty(), "a filler record (a closing event) is no half");
    let out = c.apply(rec("CH1", "b", 3, false, true), 0);
    assert_eq!(ids(&out), ["a", "b"], "the earlier name message gets its command too");
    assert!(out.iter().all(|e| e.command.reason == Reason::ConversationCombination && e.command.conversation.as_deref() == Some("CH1")));
    assert!(c.apply(rec("CH1", "b", 4, false, true), 0).is_empty(), "a duplicate delivery adds nothing");
    let late = c.apply(rec("CH1", "d", 5, true, false), 0);
    assert_eq!(ids(&late), ["d"], "a later name meets the identifier already there");
    assert_eq!(c.counts().combinations, 1);

    let mut r = file();
    let mut rev = r.apply(rec("CH1", "b", 9, false, true), 0);
    rev.extend(r.apply(rec("CH1", "a", 8, true, false), 0));
    let id_of = |cs: &[Emitted], e: &str| cs.iter().find(|x| x.command.event_id.as_deref() == Some(e)).unwrap().command.command_id.clone();
    assert_eq!(id_of(&out, "a"), id_of(&rev, "a"), "ids do not depend on order or on where the copy was read");
    assert_eq!(id_of(&out, "b"), id_of(&rev, "b"));
    assert_ne!(id_of(&out, "a"), id_of(&out, "b"));
}

#[test]
fn halves_in_one_event_or_other_conversations_do_not_combine() {
    let mut c = file();
    assert!(c.apply(rec("CH1", "a", 1, true, true), 0).is_empty(), "left to the per-event rule");
    assert!(c.apply(rec("CH2", "b", 2, false, true), 0).is_empty());
    assert!(c.apply(rec("CH3", "c", 3, true, false), 0).is_empty());
    assert!(c.apply(rec("CH1", "d", 4, false, false), 0).is_empty());
    let out = c.apply(rec("CH1", "e", 5, true, false), 0);
    assert_eq!(ids(&out), ["a", "e"], "a name elsewhere meets the identifier of the combined event");
}

#[test]
fn ttl_closed_ttl_and_capacity_are_counted() {
    let hour = 3_600_000;
    let mut c = Correlator::new(Limits { ttl_ms: Some(hour), closed_ttl_ms: 10, max_conversations: 2, max_refs: 2 }, Action::Redact, Mode::Live);
    assert!(c.apply(rec("CH1", "a", 1, true, false), 0).is_empty());
    assert!(c.apply(rec("CH1", "b", 2, false, true), hour + 1).is_empty(), "split past the TTL: no command");
    assert_eq!(c.counts().expired, 1);
    let mut closing = rec("CH2", "c", 3, true, false);
    closing.closes = true;
    assert!(c.apply(closing, 2 * hour).is_empty());
    assert!(c.apply(rec("CH2", "d", 4, false, true), 2 * hour + 11).is_empty(), "past the closed TTL");
    assert_eq!(c.counts().expired_closed, 1);
    assert_eq!((c.counts().expired, c.len()), (2, 1), "CH1 went idle past its TTL meanwhile; CH2 holds d alone");
    // Capacity 2: a second and a third conversation evict the one closest to expiry (CH2).
    assert!(c.apply(rec("CH3", "e", 5, true, false), 2 * hour + 12).is_empty());
    assert!(c.apply(rec("CH4", "x", 8, true, false), 2 * hour + 12).is_empty());
    assert_eq!((c.len(), c.counts().evicted_capacity), (2, 1));
    // max_refs 2: a third event (g) is decided with the others but not kept.
    assert!(c.apply(rec("CH3", "f", 6, true, false), 2 * hour + 13).is_empty());
    let out = c.apply(rec("CH3", "g", 7, false, true), 2 * hour + 14);
    assert_eq!(ids(&out), ["e", "f", "g"]);
    assert_eq!(c.counts().refs_truncated, 1);
}

#[test]
fn the_changelog_state_round_trips_and_merges_as_a_union() {
    let mut live = Correlator::new(Limits::default(), Action::Redact, Mode::Live);
    live.apply(rec("CH1", "a", 1, true, false), 10);
    let out = live.apply(rec("CH1", "b", 2, false, true), 20);
    assert_eq!(ids(&out), ["a", "b"]);
    // Only a's command was acknowledged before the "crash".
    live.acknowledge("CH1", &["a".to_owned()]);
    let snap = live.snapshot("CH1").unwrap();
    let wire = serde_json::to_string(&snap).unwrap();
    let back: StateRecord = serde_json::from_str(&wire).unwrap();
    assert_eq!(back, snap, "a state record survives the changelog");
    // Restored from an older write and the newer one, in either order: the same state.
    let older = StateRecord { refs: snap.refs[..1].to_vec(), last_seen: 10, ..snap.clone() };
    let mut r = Correlator::new(Limits::default(), Action::Redact, Mode::Live);
    r.merge(snap.clone());
    r.merge(older);
    assert_eq!(r.snapshot("CH1").unwrap(), snap);
    // b is read again: its command, never acknowledged, is emitted again; a's is not.
    assert_eq!(ids(&r.apply(rec("CH1", "b", 2, false, true), 20)), ["b"]);
    r.remove("CH1");
    assert!(r.is_empty());
}
