//! The conversation an event belongs to.
//!
//! Twilio neither keys nor orders its event streams by conversation, so each event's conversation is
//! read from the SIDs it carries, in this order (docs/architecture.md, "Conversations"):
//!
//! 1. a Conversations SID (`CH…`): message and participant events carry it, and so do the attributes
//!    of a task created for a chat or SMS conversation (`conversationSid`);
//! 2. a call SID (`CA…`): voice events, real-time transcription, a voice task's `call_sid`;
//! 3. a Flex interaction SID (`KD…`);
//! 4. a task SID (`WT…`), for a task that carries none of the above;
//! 5. for an SMS, which carries no conversation SID, the pair of numbers: `sms:` and a keyed hash
//!    of the account and the two numbers' fingerprints, in sorted order (so both directions agree).
//!
//! An event with none of these is *unresolved*: it is counted, and its findings only count within
//! the event. A known limit: an event that carries only a secondary id (a task before its link to
//! the conversation) is keyed by that id and does not meet the conversation's other events.

use serde::{Deserialize, Serialize};

use crate::fingerprint::Fingerprinter;
use crate::scanner::json::EventScan;

/// Which kind of id the key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// `CH…`.
    Conversation,
    /// `CA…`.
    Call,
    /// `KD…`.
    Interaction,
    /// `WT…`.
    Task,
    /// The two numbers of an SMS exchange.
    SmsPair,
}

impl KeyKind {
    /// Every kind, for metric label sets.
    pub const ALL: [KeyKind; 5] = [KeyKind::Conversation, KeyKind::Call, KeyKind::Interaction, KeyKind::Task, KeyKind::SmsPair];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Conversation => "conversation",
            KeyKind::Call => "call",
            KeyKind::Interaction => "interaction",
            KeyKind::Task => "task",
            KeyKind::SmsPair => "sms_pair",
        }
    }
}

/// Resolves an event's conversation: the key (a SID, or `sms:` and 32 hex digits) and its kind.
pub fn resolve(ev: &EventScan, fp: &Fingerprinter) -> Option<(String, KeyKind)> {
    let first = |p: &str| ev.sids.iter().find(|s| s.as_str().starts_with(p));
    for (prefix, kind) in [("CH", KeyKind::Conversation), ("CA", KeyKind::Call), ("KD", KeyKind::Interaction), ("WT", KeyKind::Task)] {
        if let Some(sid) = first(prefix) {
            return Some((sid.as_str().to_owned(), kind));
        }
    }
    if let [a, b] = ev.parties.as_slice() {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let account = first("AC").map_or("", |s| s.as_str());
        return Some((format!("sms:{}", fp.keyed("piiguard sms pair v1", &[account, lo, hi])), KeyKind::SmsPair));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::json::Sid;

    fn sid(p: &str, n: u8) -> Sid {
        Sid::parse(&format!("{p}{}", format!("{n:02x}").repeat(16))).unwrap()
    }

    #[test]
    fn precedence_and_sms_pairs() {
        let fp = Fingerprinter::new(&[5; 32]).unwrap();
        let mut ev = EventScan { sids: vec![sid("CA", 1), sid("CH", 2), sid("WT", 3)], ..EventScan::default() };
        ev.sids.sort();
        assert_eq!(resolve(&ev, &fp).unwrap(), (sid("CH", 2).as_str().to_owned(), KeyKind::Conversation));
        ev.sids.retain(|s| !s.as_str().starts_with("CH"));
        assert_eq!(resolve(&ev, &fp).unwrap().1, KeyKind::Call);
        let sms = |from: &str, to: &str| EventScan { sids: vec![sid("AC", 9), sid("SM", 4)], parties: vec![fp.party(from), fp.party(to)], ..EventScan::default() };
        let (k, kind) = resolve(&sms("+15551230001", "+15551230002"), &fp).unwrap();
        assert_eq!(kind, KeyKind::SmsPair);
        assert!(k.starts_with("sms:") && !k.contains("555"), "{k}");
        assert_eq!(resolve(&sms("+1 555 123 0002", "+15551230001"), &fp).unwrap().0, k, "both directions, any spacing");
        assert_ne!(resolve(&sms("+15551230001", "+15551230003"), &fp).unwrap().0, k);
        assert_eq!(resolve(&EventScan { sids: vec![sid("SM", 4)], ..EventScan::default() }, &fp), None);
    }

    #[test]
    fn the_walker_keeps_sms_parties_only_when_asked() {
        use crate::scanner::ScannerBuilder;
        let fp = Fingerprinter::new(&[5; 32]).unwrap();
        let on = ScannerBuilder::new().conversations(true).build().unwrap();
        let ac = "AC0123456789abcdef0123456789abcdef";
        let inbound = format!(r#"{{"type":"com.twilio.messaging.inbound-message.received","data":{{"accountSid":"{ac}","from":"+15551230001","to":"+15551230002","body":"hi"}}}}"#);
        let reply = format!(r#"{{"AccountSid":"{ac}","From":"+15551230002","To":"+15551230001","Body":"hello"}}"#);
        let nested = r#"{"data":{"call":{"from":"+15551230001","to":"+15551230002"}}}"#;
        let key = |s: &crate::scanner::Scanner, r: &str| resolve(&s.scan_record(r.as_bytes(), &fp).events[0], &fp);
        let k = key(&on, &inbound).unwrap();
        assert_eq!(k.1, KeyKind::SmsPair);
        assert_eq!(key(&on, &reply).unwrap(), k, "a CloudEvent's data and a webhook's root; both directions");
        assert_eq!(key(&on, nested), None, "only the event's own from/to");
        assert_eq!(key(&ScannerBuilder::new().build().unwrap(), &inbound), None, "off by default");
    }
}
