//! Synthetic Twilio-shaped events with ground-truth labels, for the demo, the accuracy tests and the
//! benchmarks. Deterministic: the same seed gives the same events on every machine (ChaCha8 stream).
//!
//! Every value is synthetic: SSNs are drawn from valid ranges with random digits, cards are built with
//! a brand prefix and a Luhn check digit, names come from `data/names/generator-names.json` (PyPI
//! Faker's locales: another source than the detector's lists), written as people write them (lower
//! case, ALL CAPS, initials, `Last, First` and non-Latin scripts in name fields). The
//! clean events carry the hard negatives the detectors must not report (SIDs, UUIDs, phone numbers,
//! dates, times, amounts, ZIP+4, tracking and order numbers, Luhn-invalid and out-of-range numbers,
//! single first names, everyday words that are also names).

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::policy::Reason;
use crate::scanner::Kind;

pub mod conversation;
mod voice;

/// What an event is expected to produce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// 1-based line number in the generated file.
    pub line: u64,
    /// The expected reason, or `None` for a clean event.
    pub expect: Option<Reason>,
    /// Identifier kinds planted in the event.
    pub kinds: Vec<Kind>,
    /// The event shape (for per-shape accuracy reports).
    pub shape: String,
}

/// One generated event: the JSON line, its label, and the sensitive values planted in it (for leak
/// sweeps in tests; never written to the labels file).
#[derive(Debug, Clone)]
pub struct Generated {
    /// The event as one line of JSON.
    pub line: String,
    /// Ground truth.
    pub label: Label,
    /// Planted sensitive values (names, numbers as written).
    pub secrets: Vec<String>,
}

#[derive(Deserialize, Clone)]
struct Locale {
    #[serde(default = "latin")]
    script: String,
    first: Vec<String>,
    last: Vec<String>,
}

fn latin() -> String {
    "latin".into()
}

/// The generator.
pub struct Generator {
    rng: ChaCha8Rng,
    locales: Vec<Locale>,
    line: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Combination,
    IdentifierOnly,
    NameOnly,
    Clean,
}

/// What the text builder planted.
#[derive(Default)]
struct Plant {
    kinds: Vec<Kind>,
    secrets: Vec<String>,
    name: bool,
}

const SHAPES: &[&str] = &[
    "messaging_inbound",
    "message_status",
    "conversations_message_added",
    "conversations_webhook",
    "taskrouter_task_created",
    "taskrouter_reservation_completed",
    "intelligence_sentence",
    "insights_comment",
    "webhook_batch",
    "voice_call_summary",
    "voice_transcript",
    "realtime_transcription",
];

const FILLER: &[&str] = &[
    "I was charged twice for my last order and need help.",
    "Can you check why my package has not arrived yet?",
    "The app keeps logging me out when I open settings.",
    "Thanks for waiting, I am looking into this now.",
    "Please hold while I transfer you to billing.",
    "My payment did not go through this morning.",
    "Is there a fee for changing the delivery address?",
    "We have updated the ticket and will email you shortly.",
    "I would like to cancel the subscription at the end of the month.",
    "Could you confirm the balance on the statement?",
    "Will you be able to call me back later today?",
    "May I ask what the reason for the return is?",
];

impl Generator {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Generator {
        let raw: std::collections::BTreeMap<String, Locale> =
            serde_json::from_str(include_str!("../data/names/generator-names.json")).expect("bundled JSON is valid");
        let locales = raw.into_values().filter(|l| !l.first.is_empty() && !l.last.is_empty()).collect();
        Generator { rng: ChaCha8Rng::seed_from_u64(seed), locales, line: 0 }
    }

    /// A generator whose names come only from `first` and `last` (Latin script): for leave-out tests
    /// that plant names the detector's lists do not hold.
    pub fn with_names(seed: u64, first: Vec<String>, last: Vec<String>) -> Generator {
        assert!(!first.is_empty() && !last.is_empty(), "name pools must not be empty");
        Generator { rng: ChaCha8Rng::seed_from_u64(seed), locales: vec![Locale { script: latin(), first, last }], line: 0 }
    }

    fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs.choose(&mut self.rng).expect("non-empty")
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.rng.gen_range(0..10u8))).collect()
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b"0123456789abcdef"[self.rng.gen_range(0..16)])).collect()
    }

    fn sid(&mut self, prefix: &str) -> String {
        format!("{prefix}{}", self.hex(32))
    }

    fn uuid(&mut self) -> String {
        format!("{}-{}-{}-{}-{}", self.hex(8), self.hex(4), self.hex(4), self.hex(4), self.hex(12))
    }

    fn phone(&mut self) -> String {
        format!("+1555{}", self.digits(7))
    }

    fn ssn(&mut self) -> String {
        loop {
            let area = self.rng.gen_range(1..900u32);
            let group = self.rng.gen_range(1..100u32);
            let serial = self.rng.gen_range(1..10000u32);
            let d = format!("{area:03}{group:02}{serial:04}");
            if crate::scanner::validate::is_ssn(d.as_bytes()) {
                return d;
            }
        }
    }

    fn luhn_complete(&mut self, prefix: &str, len: usize) -> String {
        let mut d: Vec<u8> = prefix.bytes().collect();
        while d.len() < len - 1 {
            d.push(b'0' + self.rng.gen_range(0..10u8));
        }
        for c in b'0'..=b'9' {
            d.push(c);
            if crate::scanner::validate::luhn(&d) && !crate::scanner::validate::all_same(&d) {
                return String::from_utf8(d).expect("digits");
            }
            d.pop();
        }
        unreachable!("one check digit always satisfies Luhn")
    }

    fn card(&mut self) -> String {
        let (prefix, len) = *[("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("37", 15), ("6011", 16), ("3530", 16), ("4", 19)]
            .choose(&mut self.rng)
            .expect("non-empty");
        let d = self.luhn_complete(prefix, len);
        let sep = *[" ", "-", ""].choose(&mut self.rng).expect("non-empty");
        match (len, sep) {
            (_, "") => d,
            (15, s) => format!("{}{s}{}{s}{}", &d[..4], &d[4..10], &d[10..]),
            (19, _) => d,
            (_, s) => format!("{}{s}{}{s}{}{s}{}", &d[..4], &d[4..8], &d[8..12], &d[12..]),
        }
    }

    fn iban(&mut self) -> String {
        // GB: 4 letters bank code + 14 digits; compute the check digits (mod 97).
        let bank = "WEST";
        let rest = format!("{bank}{}", self.digits(14));
        let mut num = String::new();
        for c in format!("{rest}GB00").chars() {
            if c.is_ascii_digit() {
                num.push(c);
            } else {
                num.push_str(&(u32::from(c as u8 - b'A') + 10).to_string());
            }
        }
        let rem = num.bytes().fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
        format!("GB{:02}{rest}", 98 - rem)
    }

    /// A first and last name from a Latin-script locale (text templates).
    fn full_name(&mut self) -> (String, String) {
        let latin: Vec<usize> = (0..self.locales.len()).filter(|&i| self.locales[i].script == "latin").collect();
        let li = *latin.choose(&mut self.rng).expect("a Latin-script locale");
        let first = self.locales[li].first.choose(&mut self.rng).expect("non-empty").clone();
        let last = self.locales[li].last.choose(&mut self.rng).expect("non-empty").clone();
        (first, last)
    }

    /// A name as written in text: "First Last", "F. Last", ALL CAPS or lower case.
    fn written_name(&mut self) -> String {
        let (f, l) = self.full_name();
        match self.rng.gen_range(0..10) {
            0 => format!("{}. {l}", f.chars().next().expect("non-empty")),
            1 => format!("{} {}", f.to_uppercase(), l.to_uppercase()),
            2 => format!("{} {}", f.to_lowercase(), l.to_lowercase()),
            _ => format!("{f} {l}"),
        }
    }

    /// A name as a name field holds it: "First Last", "Last, First", "LAST FIRST" (caller ID), or a
    /// name in another script (family name first and no space for Han, kana and Hangul).
    fn field_name(&mut self) -> String {
        let other: Vec<usize> = (0..self.locales.len()).filter(|&i| self.locales[i].script != "latin").collect();
        if !other.is_empty() && self.rng.gen_bool(0.15) {
            let li = *other.choose(&mut self.rng).expect("non-empty");
            let f = self.locales[li].first.choose(&mut self.rng).expect("non-empty").clone();
            let l = self.locales[li].last.choose(&mut self.rng).expect("non-empty").clone();
            let cjk = l.chars().next().is_some_and(crate::scanner::names::word::is_cjk);
            return if cjk { format!("{l}{f}") } else { format!("{f} {l}") };
        }
        let (f, l) = self.full_name();
        match self.rng.gen_range(0..10) {
            0 => format!("{l}, {f}"),
            1 => format!("{} {}", l.to_uppercase(), f.to_uppercase()),
            2 => format!("{} {}", f.to_lowercase(), l.to_lowercase()),
            _ => format!("{f} {l}"),
        }
    }

    /// One sentence holding an identifier, with its kind.
    fn identifier_sentence(&mut self, p: &mut Plant) -> String {
        let choice = self.rng.gen_range(0..100);
        let (kind, value, text) = if choice < 30 {
            let d = self.ssn();
            let (v, t) = match self.rng.gen_range(0..4) {
                0 => (d.clone(), format!("my SSN is {d}")),
                1 => {
                    let v = format!("{} {} {}", &d[..3], &d[3..5], &d[5..]);
                    (v.clone(), format!("social security number {v}"))
                }
                _ => {
                    let v = format!("{}-{}-{}", &d[..3], &d[3..5], &d[5..]);
                    let t = *["SSN on file {}", "ssn: {}", "it's {} for verification", "SS# {}"].choose(&mut self.rng).expect("x");
                    (v.clone(), t.replace("{}", &v))
                }
            };
            (Kind::Ssn, v, t)
        } else if choice < 60 {
            let c = self.card();
            let extra = match self.rng.gen_range(0..3) {
                0 => format!(" exp {:02}/{} CVV {}", self.rng.gen_range(1..13), self.rng.gen_range(26..31), self.digits(3)),
                1 => format!(" and the PIN is {}", self.digits(4)),
                _ => String::new(),
            };
            let t = *["my card {} was charged twice", "card number {}", "please use {} for the payment", "the visa is {}"].choose(&mut self.rng).expect("x");
            (Kind::Card, c.clone(), format!("{}{extra}", t.replace("{}", &c)))
        } else if choice < 80 {
            if self.rng.gen_bool(0.2) {
                let v = self.iban();
                (Kind::Account, v.clone(), format!("please refund to IBAN {v}"))
            } else {
                let n = self.rng.gen_range(8..18);
                let v = format!("{}{}", self.rng.gen_range(1..10), self.digits(n - 1));
                let t = if self.rng.gen_bool(0.3) {
                    let routing = self.aba();
                    p.kinds.push(Kind::Routing);
                    p.secrets.push(routing.clone());
                    format!("routing {routing} and checking account {v}")
                } else {
                    let t = *["update my direct deposit to acct {}", "account number {}", "my savings account is {}", "acct# {}"].choose(&mut self.rng).expect("x");
                    t.replace("{}", &v)
                };
                (Kind::Account, v, t)
            }
        } else {
            let (v, t) = match self.rng.gen_range(0..4) {
                0 => {
                    let v = format!("{}{}", char::from(b'A' + self.rng.gen_range(0..26u8)), self.digits(7));
                    (v.clone(), format!("my CA driver's license is {v}"))
                }
                1 => {
                    let v = format!("{}{}", char::from(b'A' + self.rng.gen_range(0..26u8)), self.digits(12));
                    (v.clone(), format!("Florida DL {v}"))
                }
                2 => {
                    let v = self.digits(8);
                    (v.clone(), format!("license number {v} issued in Texas"))
                }
                _ => {
                    let v = format!("{}{}", char::from(b'A' + self.rng.gen_range(0..26u8)), self.digits(8));
                    (v.clone(), format!("state ID {v}"))
                }
            };
            (Kind::Dl, v, t)
        };
        p.kinds.push(kind);
        p.secrets.push(value);
        text
    }

    fn aba(&mut self) -> String {
        loop {
            let d = format!("0{}", self.digits(8));
            if crate::scanner::validate::is_aba(d.as_bytes()) {
                return d;
            }
        }
    }

    /// An everyday number in chat: order id, time, date, amount, phone number, quantity.
    fn ordinary_number(&mut self) -> String {
        match self.rng.gen_range(0..7) {
            0 => format!("order {} ships tomorrow", self.digits(8)),
            1 => format!("I called at {}:{:02} today", self.rng.gen_range(1..13), self.rng.gen_range(0..60)),
            2 => format!("it was delivered on {:02}/{:02}/2025", self.rng.gen_range(1..13), self.rng.gen_range(1..29)),
            3 => format!("the total was ${}.{}", self.rng.gen_range(1..999), self.digits(2)),
            4 => format!("call me back at {}", self.phone()),
            5 => format!("I ordered {} items", self.rng.gen_range(2..40)),
            _ => format!("ticket {} is still open", self.digits(6)),
        }
    }

    /// A hard negative without names (for the benchmark corpora, whose counts must be exact).
    fn hard_negative_plain(&mut self) -> String {
        loop {
            let s = self.hard_negative();
            if !s.starts_with("Thanks") {
                return s;
            }
        }
    }

    /// A sentence with numbers and words that are not PII.
    fn hard_negative(&mut self) -> String {
        match self.rng.gen_range(0..22) {
            0 => format!("order {} ships tomorrow", self.digits(8)),
            1 => format!("call me at {}", self.phone()),
            2 => format!("call (555) {}-{}", self.digits(3), self.digits(4)),
            3 => format!("on 2025-{:02}-{:02} at {:02}:{:02}", self.rng.gen_range(1..13), self.rng.gen_range(1..29), self.rng.gen_range(0..24), self.rng.gen_range(0..60)),
            4 => format!("the total was ${},{}.{}", self.rng.gen_range(1..10), self.digits(3), self.digits(2)),
            5 => format!("zip {}-{}", self.digits(5), self.digits(4)),
            6 => format!("tracking 1Z{}{}", self.hex(6).to_uppercase(), self.digits(10)),
            7 => format!("USPS 9400 {} {} {} {} {}", self.digits(4), self.digits(4), self.digits(4), self.digits(4), self.digits(2)),
            8 => format!("ticket {}", self.uuid()),
            9 => format!("see conversation {}", self.sid("CH")),
            10 => {
                // Luhn-invalid 16 digits.
                let mut c = self.luhn_complete("4", 16).into_bytes();
                c[15] = b'0' + (c[15] - b'0' + 1) % 10;
                format!("reference {}", String::from_utf8(c).expect("digits"))
            }
            11 => format!("{}-{}-{} is not valid", ["000", "666", "912"].choose(&mut self.rng).expect("x"), self.digits(2), self.digits(4)),
            12 => format!("ref {}", self.digits(9)),
            13 => format!("event at {}", 1_700_000_000_000u64 + self.rng.gen_range(0..99_999_999_999u64)),
            14 => format!("pi is {}.{}", self.rng.gen_range(1..9), self.digits(15)),
            15 => {
                // One word: Faker's compound first names ("João Gabriel") read as a full name.
                let (f, _) = self.full_name();
                let f = f.split(' ').next().unwrap_or_default().to_string();
                format!("Thanks {f}, have a nice day")
            }
            16 => "Will Chase send the statement?".to_string(),
            17 => "We are based in New York and San Francisco.".to_string(),
            18 => format!("version {}.{}.{}", self.rng.gen_range(1..9), self.rng.gen_range(0..20), self.rng.gen_range(0..99)),
            19 => format!("invoice INV-{}", self.digits(9)),
            20 => format!("your account is in good standing since {}", 2000 + self.rng.gen_range(0..25)),
            _ => format!("FedEx {}", self.digits(12)),
        }
    }

    fn text(&mut self, scenario: Scenario, p: &mut Plant, name_in_text: bool) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.push(self.pick(FILLER).to_string());
        if name_in_text && matches!(scenario, Scenario::Combination | Scenario::NameOnly) {
            let n = self.written_name();
            p.secrets.push(n.clone());
            p.name = true;
            let t = *[
                "Hi, this is {} calling about my bill.",
                "My name is {}.",
                "Account holder: {}.",
                "{} here, need help.",
                "Hello, {} speaking.",
                "hi this is {} again",
                "the name on the card is {}",
                "it's in the name of {}.",
                "Thanks,\n{}",
                "Customer {} called about the refund.",
            ]
            .choose(&mut self.rng)
            .expect("x");
            parts.push(t.replace("{}", &n));
        }
        if matches!(scenario, Scenario::Combination | Scenario::IdentifierOnly) {
            let s = self.identifier_sentence(p);
            parts.push(format!("{s}."));
        }
        if scenario == Scenario::IdentifierOnly && self.rng.gen_bool(0.3) {
            // Shaped like a person's name, but a company, a street or a place.
            let s = *[
                "I bank with Wells Fargo.",
                "My broker is Charles Schwab.",
                "Deliver to 12 Martin Luther King Jr Blvd.",
                "I was stuck on the George Washington Bridge.",
                "The branch in San Jose closed.",
                "Thanks Priya, that helps.",
            ]
            .choose(&mut self.rng)
            .expect("x");
            parts.push(s.to_string());
        }
        for _ in 0..self.rng.gen_range(1..3) {
            let s = self.hard_negative();
            parts.push(format!("{s}."));
        }
        parts.shuffle(&mut self.rng);
        parts.join(" ")
    }

    fn time(&mut self) -> String {
        format!("2025-06-{:02}T{:02}:{:02}:{:02}.{:03}Z", self.rng.gen_range(1..29), self.rng.gen_range(0..24), self.rng.gen_range(0..60), self.rng.gen_range(0..60), self.rng.gen_range(0..1000))
    }

    /// The next event.
    pub fn next_event(&mut self) -> Generated {
        self.line += 1;
        let shape = *SHAPES.choose(&mut self.rng).expect("non-empty");
        let roll = self.rng.gen_range(0..100);
        let mut scenario = match roll {
            0..=24 => Scenario::Combination,
            25..=34 => Scenario::IdentifierOnly,
            35..=49 => Scenario::NameOnly,
            _ => Scenario::Clean,
        };
        if shape == "voice_call_summary" {
            scenario = Scenario::Clean;
        }
        let mut p = Plant::default();
        let account = self.sid("AC");
        let id = format!("EZ{}", self.hex(32));
        let time = self.time();
        // Where the name goes: in the text, or in a structured name field (when the shape has one).
        let name_in_field = self.rng.gen_bool(0.4);
        let value = match shape {
            "messaging_inbound" | "message_status" => {
                let body = self.text(scenario, &mut p, true);
                let ty = if shape == "messaging_inbound" { "com.twilio.messaging.inbound-message.received" } else { "com.twilio.messaging.message.sent" };
                let sm = self.sid("SM");
                json!({"specversion": "1.0", "type": ty, "source": format!("/2010-04-01/Accounts/{account}/Messages/{sm}.json"),
                  "id": id, "dataschema": "https://events-schemas.twilio.com/Messaging.InboundMessageV1/6",
                  "datacontenttype": "application/json", "time": time,
                  "data": {"messageSid": sm, "timestamp": time, "accountSid": account, "from": self.phone(), "to": self.phone(),
                    "numMedia": 0, "numSegments": 1, "body": body, "toCountry": "US", "toState": "CA", "toZip": "94105",
                    "fromCountry": "US", "fromState": "NH", "fromZip": format!("0{}", self.digits(4)), "mcc": "310", "mnc": "090",
                    "messagingServiceSid": self.sid("MG"), "recipients": []}})
            }
            "conversations_message_added" => {
                let author = if name_in_field && scenario != Scenario::IdentifierOnly && scenario != Scenario::Clean {
                    let n = self.field_name();
                    p.secrets.push(n.clone());
                    p.name = true;
                    n
                } else {
                    self.phone()
                };
                let body = self.text(scenario, &mut p, !name_in_field);
                json!({"specversion": "1.0", "type": "com.twilio.conversations.message.added", "source": "AB00000000000000000000000001",
                  "id": id, "dataschema": "https://events-schemas.twilio.com/Conversations.MessageAdded/2", "datacontenttype": "application/json", "time": time,
                  "data": {"AccountSid": account, "Author": author, "ParticipantSid": self.sid("MB"), "ConversationSid": self.sid("CH"),
                    "MessageSid": self.sid("IM"), "Index": self.rng.gen_range(0..50), "MessageBody": body, "DateCreated": time,
                    "MessagingServiceSid": self.sid("MG"), "Attributes": {}}})
            }
            "conversations_webhook" => {
                let mut attrs = json!({"channel": "sms"});
                if name_in_field && matches!(scenario, Scenario::Combination | Scenario::NameOnly) {
                    let n = self.field_name();
                    p.secrets.push(n.clone());
                    p.name = true;
                    attrs["customerName"] = json!(n);
                }
                let body = self.text(scenario, &mut p, !name_in_field);
                json!({"AccountSid": account, "EventType": "onMessageAdded", "Source": "SMS", "RetryCount": "0",
                  "ConversationSid": self.sid("CH"), "MessageSid": self.sid("IM"), "MessagingServiceSid": self.sid("MG"),
                  "Index": "4", "DateCreated": time, "ParticipantSid": self.sid("MB"), "Author": self.phone(), "Body": body,
                  "Attributes": attrs.to_string()})
            }
            "taskrouter_task_created" | "taskrouter_reservation_completed" => {
                let ws = self.sid("WS");
                let wt = self.sid("WT");
                let phone = self.phone();
                let customer = if name_in_field && matches!(scenario, Scenario::Combination | Scenario::NameOnly) {
                    let n = self.field_name();
                    p.secrets.push(n.clone());
                    p.name = true;
                    n
                } else {
                    phone.clone()
                };
                let attr = self.text(scenario, &mut p, !name_in_field);
                let task_attributes = json!({"channelType": "sms", "conversationSid": self.sid("CH"), "flexInteractionSid": self.sid("KD"),
                    "name": customer, "from": phone, "customers": {"name": customer, "phone": phone},
                    "conversations": {"conversation_id": self.sid("KD"), "conversation_attribute_1": "billing dispute",
                      "conversation_attribute_2": attr, "media": [{"type": "ChatTranscript", "sid": self.sid("CH")}]}});
                let completed = shape == "taskrouter_reservation_completed";
                let mut payload = json!({"sid": self.sid("EV"), "eventtype": if completed { "reservation.completed" } else { "task.created" },
                  "account_sid": account, "timestamp": time, "workspace_sid": ws, "workspace_name": "Flex Task Assignment",
                  "task_sid": wt, "task_attributes": task_attributes.to_string(), "task_age": 0, "task_priority": 0,
                  "task_assignment_status": if completed { "completed" } else { "pending" },
                  "task_channel_sid": self.sid("TC"), "task_channel_unique_name": "sms", "workflow_sid": self.sid("WW"), "workflow_name": "Assign to Anyone"});
                if completed {
                    payload["reservation_sid"] = json!(self.sid("WR"));
                    payload["worker_sid"] = json!(self.sid("WK"));
                    payload["worker_name"] = json!("agent.support");
                    payload["worker_attributes"] = json!(json!({"email": "agent@example.com", "team_name": "Sales 2"}).to_string());
                }
                let ty = if completed { "com.twilio.taskrouter.reservation.completed" } else { "com.twilio.taskrouter.task.created" };
                json!({"specversion": "1.0", "type": ty, "source": "AB00000000000000000000000001", "id": id,
                  "dataschema": "https://events-schemas.twilio.com/TaskRouter.WDSEvent/4", "datacontenttype": "application/json", "time": time,
                  "data": {"sid": self.sid("EV"), "name": "TaskCreated", "account_sid": account, "account_friendly_name": "Acme Support",
                    "timestamp": time, "level": "INFO", "group": "task", "product_name": "TaskRouter", "publisher": "Flex Task Assignment",
                    "publisher_metadata": "{}", "payload_type": "application/json", "payload": payload}})
            }
            "intelligence_sentence" => {
                let t = self.text(scenario, &mut p, true);
                json!({"sentences": [{"media_channel": 2, "sentence_index": self.rng.gen_range(0..40), "start_time": "41.2", "end_time": "46.9",
                  "transcript": t, "sid": self.sid("GX"), "confidence": "0.91", "words": []}],
                  "transcript_sid": self.sid("GT"), "service_sid": self.sid("GA"), "account_sid": account})
            }
            "voice_transcript" => self.voice_transcript(scenario, &mut p, &account),
            "realtime_transcription" => self.realtime_transcription(scenario, &mut p, &account, &time),
            "insights_comment" => {
                let c = self.text(scenario, &mut p, true);
                json!({"CategoryId": "cat-123", "CategoryName": "Compliance", "SegmentId": self.uuid(), "AgentId": self.uuid(),
                  "Offset": 41.2, "Comment": c})
            }
            "webhook_batch" => {
                let body = self.text(scenario, &mut p, true);
                json!([{"specversion": "1.0", "type": "com.twilio.messaging.inbound-message.received", "id": id, "time": time,
                  "source": "Sink", "data": {"messageSid": self.sid("SM"), "accountSid": account, "body": body, "from": self.phone()}}])
            }
            _ => {
                json!({"specversion": "1.0", "type": "com.twilio.voice.insights.call-summary.complete", "id": id, "time": time,
                  "source": "AB00000000000000000000000001", "data": {"account_sid": account, "call_sid": self.sid("CA"), "call_type": "carrier",
                    "duration": self.rng.gen_range(1..2000), "from": {"caller": self.phone(), "carrier": "T-Mobile USA, Inc.", "country_code": "US"},
                    "to": {"callee": self.phone(), "country_code": "US"}, "properties": {"direction": "inbound", "queue_time": 12}, "tags": []}})
            }
        };
        let has_ident = !p.kinds.is_empty();
        let expect = match (has_ident, p.name) {
            (true, true) => Some(Reason::ProhibitedCombination),
            (true, false) => Some(Reason::Identifier),
            _ => None,
        };
        Generated {
            line: value.to_string(),
            label: Label { line: self.line, expect, kinds: p.kinds, shape: shape.to_string() },
            secrets: p.secrets,
        }
    }
}

/// Benchmark text corpora (`BENCHMARKS.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corpus {
    /// "cleandig": chat text with an ordinary number (order id, time, date, amount, phone number)
    /// about every 120 bytes, and no PII.
    Clean,
    /// Every other sentence a hard negative (SIDs, UUIDs, long references, tracking numbers,
    /// Luhn-invalid and out-of-range numbers, decimals, timestamps): the adversarial clean case.
    HardNegatives,
    /// One identifier (with a name) about every 200 bytes, ordinary numbers between them.
    Dense,
}

/// A text corpus for benchmarks: records of about `record_bytes` of chat text. Returns the records
/// and the identifiers planted in them (as written).
pub fn text_corpus(seed: u64, total_bytes: usize, record_bytes: usize, corpus: Corpus) -> (Vec<String>, Vec<String>) {
    let mut g = Generator::new(seed);
    let mut out = Vec::new();
    let mut planted = Vec::new();
    let mut size = 0;
    while size < total_bytes {
        let mut rec = String::new();
        // Bytes since the last identifier (dense) and since the last ordinary number.
        let (mut since_pii, mut since_num) = (0, 0);
        while rec.len() < record_bytes {
            let s = if corpus == Corpus::Dense && since_pii >= 150 {
                since_pii = 0;
                let mut p = Plant::default();
                let id = g.identifier_sentence(&mut p);
                planted.extend(p.secrets);
                format!("{} {id}. ", g.written_name())
            } else if corpus == Corpus::HardNegatives && rec.len() % 120 < 60 {
                format!("{}. ", g.hard_negative_plain())
            } else if corpus != Corpus::HardNegatives && since_num >= 90 {
                since_num = 0;
                format!("{}. ", g.ordinary_number())
            } else {
                format!("{} ", g.pick(FILLER))
            };
            since_pii += s.len();
            since_num += s.len();
            rec.push_str(&s);
        }
        size += rec.len();
        out.push(rec);
    }
    (out, planted)
}

impl Iterator for Generator {
    type Item = Generated;
    fn next(&mut self) -> Option<Generated> {
        Some(self.next_event())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic() {
        let a: Vec<String> = Generator::new(7).take(50).map(|g| g.line).collect();
        let b: Vec<String> = Generator::new(7).take(50).map(|g| g.line).collect();
        assert_eq!(a, b);
        let c: Vec<String> = Generator::new(8).take(50).map(|g| g.line).collect();
        assert_ne!(a, c);
    }

    #[test]
    fn planted_values_are_valid() {
        let mut g = Generator::new(1);
        for _ in 0..200 {
            let s = g.ssn();
            assert!(crate::scanner::validate::is_ssn(s.as_bytes()));
            let c: String = g.card().chars().filter(char::is_ascii_digit).collect();
            assert!(crate::scanner::validate::is_card(c.as_bytes()).is_some(), "{c}");
            assert!(crate::scanner::validate::is_iban(g.iban().as_bytes()));
        }
    }
}
