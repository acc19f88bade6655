//! Generated conversations for the conversation stage: chats (Conversations messages and their
//! task), calls (real-time transcription and the voice task) and SMS exchanges (two numbers, both
//! directions), interleaved with each other, with a name in one event and an identifier in another,
//! in either order, and duplicate deliveries. Each event's label says which conversation it belongs
//! to, which halves were planted in it, and whether it should get a `conversation_combination`
//! command: the oracle of `scan --correlate` and the Kafka stage's tests.

use rand::seq::SliceRandom;
use rand::Rng;
use serde::Serialize;
use serde_json::json;

use super::Generator;

/// How a conversation's halves are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// The name in an earlier event, the identifier in a later one.
    Split,
    /// The identifier first, the name later.
    Reversed,
    /// Only a name (no command).
    NameOnly,
    /// Only identifiers (per-event `identifier` commands, no conversation command).
    IdentifierOnly,
    /// Neither (no command at all).
    Filler,
    /// Name and identifier in one event, the rest filler (the per-event rule's case).
    SameEvent,
}

/// Ground truth for one generated event.
#[derive(Debug, Clone, Serialize)]
pub struct ConvLabel {
    /// Which conversation (0-based, in generation order).
    pub conversation: usize,
    /// Its plan.
    pub plan: Plan,
    /// chat, voice or sms.
    pub family: &'static str,
    /// The event's CloudEvents id (duplicates share it); `None` for a webhook, which has none.
    pub event_id: Option<String>,
    /// A name was planted.
    pub name: bool,
    /// An identifier was planted.
    pub identifier: bool,
    /// The event should get a `conversation_combination` command.
    pub expect_command: bool,
    /// A duplicate delivery of an earlier line.
    pub duplicate: bool,
}

/// One generated event.
#[derive(Debug, Clone)]
pub struct ConvEvent {
    /// The event as one line of JSON.
    pub line: String,
    /// Ground truth.
    pub label: ConvLabel,
    /// Planted values (for leak sweeps; never written to labels).
    pub secrets: Vec<String>,
}

const FILLER: &[&str] = &[
    "Thanks for waiting, I am looking into this now.",
    "Can you check why my package has not arrived yet?",
    "Okay, that sounds good to me.",
    "Is there anything else I can help you with today?",
    "Please hold while I pull up the order.",
    "The delivery was supposed to come yesterday.",
    "I see the update on my side now, thank you.",
    "We will email you a confirmation shortly.",
];

struct Conv {
    family: &'static str,
    account: String,
    /// CH, CA, or the customer's number.
    id: String,
    /// The business number (SMS) or the conversation's service SID.
    other: String,
}

impl Generator {
    fn conv_time(&mut self, minute: usize) -> String {
        format!("2025-07-01T10:{:02}:{:02}.000Z", minute.min(59), self.rng.gen_range(0..60))
    }

    /// One event of a conversation holding `text` (or, for a task, the customer's name in its
    /// attributes when `field_name` is given).
    fn conv_event(&mut self, c: &Conv, minute: usize, text: &str, field_name: Option<&str>, inbound: bool) -> (String, Option<String>) {
        let id = self.uuid();
        let time = self.conv_time(minute);
        let v = if let Some(name) = field_name {
            let (key, link) = if c.family == "voice" { ("call_sid", c.id.clone()) } else { ("conversationSid", c.id.clone()) };
            let attrs = json!({"channelType": if c.family == "voice" { "voice" } else { "chat" }, key: link,
                "customers": {"name": name, "account_number": "", "customer_label": "returning"}, "conversations": {"conversation_attribute_1": "billing"}});
            json!({"specversion": "1.0", "type": "com.twilio.taskrouter.task.created", "source": "AB00000000000000000000000001", "id": id, "time": time,
              "data": {"account_sid": c.account, "payload_type": "application/json", "payload": {"eventtype": "task.created", "account_sid": c.account,
                "workspace_sid": self.sid("WS"), "task_sid": self.sid("WT"), "task_attributes": attrs.to_string(), "task_channel_unique_name": c.family}}})
        } else {
            match c.family {
                "chat" => json!({"specversion": "1.0", "type": "com.twilio.conversations.message.added", "id": id, "time": time,
                  "source": format!("/v1/Services/{}/Conversations/{}", c.other, c.id),
                  "data": {"AccountSid": c.account, "ChatServiceSid": c.other, "ConversationSid": c.id, "MessageSid": self.sid("IM"),
                    "ParticipantSid": self.sid("MB"), "Author": if inbound { "customer" } else { "agent.support" }, "Index": minute, "Body": text, "DateCreated": time}}),
                // Real-time transcription posts a webhook (no CloudEvents envelope, so no id).
                "voice" => {
                    let v = json!({"AccountSid": c.account, "CallSid": c.id, "TranscriptionSid": c.other, "TranscriptionEvent": "transcription-content",
                      "Track": if inbound { "inbound_track" } else { "outbound_track" }, "Final": "true", "SequenceId": minute.to_string(),
                      "TranscriptionData": json!({"transcript": text, "confidence": 0.9}).to_string(), "Timestamp": time});
                    return (v.to_string(), None);
                }
                _ => {
                    let (from, to, ty) = if inbound {
                        (&c.id, &c.other, "com.twilio.messaging.inbound-message.received")
                    } else {
                        (&c.other, &c.id, "com.twilio.messaging.message.sent")
                    };
                    json!({"specversion": "1.0", "type": ty, "id": id, "time": time, "source": "/2010-04-01/Accounts/Messages",
                      "data": {"messageSid": self.sid("SM"), "accountSid": c.account, "from": from, "to": to, "body": text, "numSegments": 1}})
                }
            }
        };
        (v.to_string(), Some(id))
    }

    fn conv_name(&mut self) -> String {
        let (f, l) = self.full_name();
        format!("{f} {l}")
    }

    /// A sentence with a name a reader would call one, and the name.
    fn name_sentence(&mut self) -> (String, String) {
        let n = self.conv_name();
        let t = match self.rng.gen_range(0..4) {
            0 => format!("Hi, this is {n}."),
            1 => format!("My name is {n} and I have a question about my bill."),
            2 => format!("Hello, {n} here, following up on my order."),
            _ => format!("Yes, the account holder is {n}."),
        };
        (t, n)
    }

    /// A sentence with an identifier, and the identifier as written.
    fn id_sentence(&mut self) -> (String, String) {
        match self.rng.gen_range(0..3) {
            0 => {
                let d = self.ssn();
                let v = format!("{}-{}-{}", &d[..3], &d[3..5], &d[5..]);
                (format!("Sure, my social security number is {v}."), v)
            }
            1 => {
                let v = self.card();
                (format!("The card number is {v}, expiry next March."), v)
            }
            _ => {
                let v = self.digits(10);
                (format!("My checking account number is {v}."), v)
            }
        }
    }

    /// `n` conversations, interleaved, with about one event in ten delivered twice.
    pub fn conversations(&mut self, n: usize) -> Vec<ConvEvent> {
        let plans = [Plan::Split, Plan::Split, Plan::Reversed, Plan::Reversed, Plan::NameOnly, Plan::IdentifierOnly, Plan::Filler, Plan::SameEvent];
        let mut convs: Vec<std::collections::VecDeque<ConvEvent>> = Vec::with_capacity(n);
        for ci in 0..n {
            let plan = *plans.choose(&mut self.rng).expect("non-empty");
            let family = *["chat", "voice", "sms"].choose(&mut self.rng).expect("non-empty");
            let account = self.sid("AC");
            let c = match family {
                "chat" => Conv { family, account, id: self.sid("CH"), other: self.sid("IS") },
                "voice" => Conv { family, account, id: self.sid("CA"), other: self.sid("GT") },
                _ => Conv { family, account, id: self.phone(), other: self.phone() },
            };
            let len = self.rng.gen_range(3..9usize);
            // Where the halves go (indices into the conversation's events).
            let (a, b) = {
                let i = self.rng.gen_range(0..len - 1);
                (i, self.rng.gen_range(i + 1..len))
            };
            let (name_at, id_at) = match plan {
                Plan::Split => (Some(a), Some(b)),
                Plan::Reversed => (Some(b), Some(a)),
                Plan::NameOnly => (Some(a), None),
                Plan::IdentifierOnly => (None, Some(a)),
                Plan::Filler => (None, None),
                Plan::SameEvent => (Some(a), Some(a)),
            };
            let split = matches!(plan, Plan::Split | Plan::Reversed);
            let mut events = std::collections::VecDeque::new();
            for k in 0..len {
                let (name, ident) = (name_at == Some(k), id_at == Some(k));
                let mut secrets = Vec::new();
                let inbound = name || ident || self.rng.gen_bool(0.5);
                // A chat or call name may sit in the task's customer name field instead of text.
                let as_field = name && !ident && family != "sms" && self.rng.gen_bool(0.3);
                let (line, event_id) = if as_field {
                    let n = self.conv_name();
                    secrets.push(n.clone());
                    self.conv_event(&c, k, "", Some(&n), true)
                } else {
                    let mut text = Vec::new();
                    if name {
                        let (t, n) = self.name_sentence();
                        secrets.push(n);
                        text.push(t);
                    }
                    if ident {
                        let (t, v) = self.id_sentence();
                        secrets.push(v);
                        text.push(t);
                    }
                    if text.is_empty() {
                        text.push((*FILLER.choose(&mut self.rng).expect("non-empty")).to_owned());
                    }
                    self.conv_event(&c, k, &text.join(" "), None, inbound)
                };
                let label = ConvLabel { conversation: ci, plan, family, event_id, name, identifier: ident, expect_command: split && (name || ident), duplicate: false };
                let ev = ConvEvent { line, label, secrets };
                if self.rng.gen_bool(0.1) {
                    let mut dup = ev.clone();
                    dup.label.duplicate = true;
                    events.push_back(ev);
                    events.push_back(dup);
                } else {
                    events.push_back(ev);
                }
            }
            convs.push(events);
        }
        // Interleave: each step takes the next event of a random unfinished conversation.
        let mut out = Vec::new();
        let mut open: Vec<usize> = (0..convs.len()).collect();
        while !open.is_empty() {
            let pick = self.rng.gen_range(0..open.len());
            let ci = open[pick];
            out.push(convs[ci].pop_front().expect("open conversations have events"));
            if convs[ci].is_empty() {
                open.swap_remove(pick);
            }
        }
        out
    }
}
