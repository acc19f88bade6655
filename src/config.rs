//! The service's configuration: a TOML file (`piiguard.example.toml` documents every key; unknown
//! keys are an error), overridden by environment variables, overridden by flags. Resolved into
//! [`Settings`], which `run`, `replay` and `config check` use.
//!
//! Secrets: the HMAC key is never a config value (only a path to a file holding it, or the
//! `PIIGUARD_HMAC_KEY` environment variable); librdkafka secrets (SASL passwords, TLS key
//! passwords, inline keys) may be set in the `[librdkafka]` table or with `PIIGUARD_LIBRDKAFKA_*`
//! variables, and are masked wherever the configuration is printed ([`is_secret`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Prefix of environment variables that set librdkafka properties: `PIIGUARD_LIBRDKAFKA_SASL_PASSWORD`
/// sets `sasl.password` (lower case, `_` read as `.`; librdkafka property names have no `_`).
pub const LIBRDKAFKA_ENV_PREFIX: &str = "PIIGUARD_LIBRDKAFKA_";

/// What the file (and the overrides) may hold. Every key is optional; [`Settings::resolve`] applies
/// the defaults.
#[derive(Debug, Default, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Bootstrap brokers, `host:port[,host:port…]`.
    pub brokers: Option<String>,
    /// Consumer group.
    pub group: Option<String>,
    /// Static membership: this instance's stable id in the group (`group.instance.id`), e.g. the
    /// pod name of a StatefulSet. A restarted instance with the same id takes its partitions
    /// back at once instead of waiting for the broker to expire the dead member.
    pub group_instance_id: Option<String>,
    /// Seconds a partition of the input topics may sit with lag and no committed progress, while
    /// not assigned to this instance, before it counts as stalled (reported, and this instance
    /// leaves and rejoins the group); 0 disables the check.
    pub group_stall_secs: Option<u64>,
    /// Input topics.
    pub topics: Option<Vec<String>>,
    /// Topic for commands.
    pub commands_topic: Option<String>,
    /// Topic for dead-letter references.
    pub dlq_topic: Option<String>,
    /// Policy file.
    pub policy: Option<PathBuf>,
    /// File holding the HMAC fingerprint key.
    pub hmac_key_file: Option<PathBuf>,
    /// Address for `/metrics`, `/healthz` and `/readyz`; `"off"` disables the endpoint.
    pub metrics_addr: Option<String>,
    /// `partition.assignment.strategy`.
    pub assignment_strategy: Option<String>,
    /// Records in flight before the partitions are paused.
    pub max_in_flight: Option<usize>,
    /// Records larger than this are not parsed (dead-lettered as `oversize`, scanned as raw text).
    pub max_record_bytes: Option<usize>,
    /// Seconds a graceful stop may take.
    pub shutdown_deadline_secs: Option<u64>,
    /// Add a masked preview (last 4 characters) of identifiers to commands.
    pub preview: Option<bool>,
    /// Dead-letter storm detection.
    pub dlq_storm: Option<StormFile>,
    /// Conversation-level correlation (`run` writes finding records, `correlate` reads them).
    pub conversations: Option<ConversationsFile>,
    /// librdkafka properties passed through (TLS, SASL, timeouts …).
    pub librdkafka: Option<BTreeMap<String, Scalar>>,
}

/// `[conversations]`: `run` writes a reference-only finding record per event with a name or an
/// identifier to `findings_topic` (keyed by conversation); `piiguard correlate` reads it (as its
/// input topic), keeps per-conversation state backed by `state_topic`, and commands every event of a
/// conversation where a name and an identifier of different events meet.
#[derive(Debug, Default, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConversationsFile {
    /// Where `run` writes finding records (unset: none are written).
    pub findings_topic: Option<String>,
    /// The correlation stage's changelog (compacted; at least as many partitions as its input).
    pub state_topic: Option<String>,
    /// Seconds of inactivity (event time) after which a conversation is forgotten.
    pub ttl_secs: Option<u64>,
    /// Seconds a conversation is kept after an event that ends it.
    pub closed_ttl_secs: Option<u64>,
    /// Conversations held per instance; past it the one closest to expiry is evicted (counted).
    pub max_conversations: Option<usize>,
    /// Events kept per conversation.
    pub max_refs: Option<usize>,
}

/// `[dlq_storm]`: when the share of bad records in a window passes `max_ratio` (and at least
/// `min_bad` were bad), consumption pauses for `pause_secs` and the service reports it.
#[derive(Debug, Default, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StormFile {
    /// Window length in seconds.
    pub window_secs: Option<u64>,
    /// Bad records needed in the window before the ratio counts.
    pub min_bad: Option<u64>,
    /// Share of bad records (0 to 1) that trips the pause.
    pub max_ratio: Option<f64>,
    /// How long consumption pauses.
    pub pause_secs: Option<u64>,
}

/// A librdkafka property value as TOML may spell it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Scalar {
    /// A string.
    String(String),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::String(s) => s.clone(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

/// Why a configuration was refused. Messages name keys, never secret values.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this schema. Only the position and the key are reported:
    /// a TOML error's text can quote the offending value.
    #[error("config file {path}: {what}")]
    Parse {
        /// The file.
        path: String,
        /// Line and the key or problem, without values.
        what: String,
    },
    /// A value is missing or out of range.
    #[error("{0}")]
    Invalid(String),
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Bootstrap brokers.
    pub brokers: String,
    /// Consumer group.
    pub group: String,
    /// Static membership id (`None`: dynamic membership).
    pub group_instance_id: Option<String>,
    /// When a partition owned by no progressing member counts as stalled (`None`: not checked).
    pub group_stall: Option<Duration>,
    /// Input topics.
    pub topics: Vec<String>,
    /// Where commands go.
    pub commands_topic: String,
    /// Where dead-letter references go.
    pub dlq_topic: String,
    /// Policy file (`None`: the built-in policy).
    pub policy: Option<PathBuf>,
    /// Key file (`None`: `PIIGUARD_HMAC_KEY`).
    pub hmac_key_file: Option<PathBuf>,
    /// Metrics and health endpoint (`None`: off).
    pub metrics_addr: Option<SocketAddr>,
    /// `partition.assignment.strategy`.
    pub assignment_strategy: String,
    /// Records in flight before the partitions are paused.
    pub max_in_flight: usize,
    /// Parse limit per record.
    pub max_record_bytes: usize,
    /// Graceful stop deadline.
    pub shutdown_deadline: Duration,
    /// Masked previews in commands.
    pub preview: bool,
    /// Dead-letter storm detection.
    pub storm: Storm,
    /// Conversation-level correlation.
    pub conversations: Conversations,
    /// librdkafka properties passed through.
    pub librdkafka: BTreeMap<String, String>,
}

/// Resolved `[conversations]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversations {
    /// Where `run` writes finding records (`None`: not written).
    pub findings_topic: Option<String>,
    /// The correlation stage's changelog.
    pub state_topic: String,
    /// Inactivity after which a conversation is forgotten.
    pub ttl: Duration,
    /// How long a conversation is kept after an event that ends it.
    pub closed_ttl: Duration,
    /// Conversations held per instance.
    pub max_conversations: usize,
    /// Events kept per conversation.
    pub max_refs: usize,
}

/// Resolved `[dlq_storm]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Storm {
    /// Window length.
    pub window: Duration,
    /// Bad records needed in the window before the ratio counts.
    pub min_bad: u64,
    /// Share of bad records that trips the pause.
    pub max_ratio: f64,
    /// Pause length.
    pub pause: Duration,
}

impl Default for Storm {
    fn default() -> Storm {
        Storm { window: Duration::from_secs(60), min_bad: 100, max_ratio: 0.5, pause: Duration::from_secs(60) }
    }
}

/// Defaults, also quoted by `--help` and `piiguard.example.toml`.
pub mod defaults {
    /// Consumer group.
    pub const GROUP: &str = "piiguard";
    /// Commands topic.
    pub const COMMANDS_TOPIC: &str = "piiguard.commands";
    /// Dead-letter topic.
    pub const DLQ_TOPIC: &str = "piiguard.dlq";
    /// Metrics address (loopback: exposing it is a deliberate choice).
    pub const METRICS_ADDR: &str = "127.0.0.1:9464";
    /// Assignment strategy (eager; cooperative-sticky fails on the local broker).
    pub const ASSIGNMENT_STRATEGY: &str = "range";
    /// Records in flight.
    pub const MAX_IN_FLIGHT: usize = 10_000;
    /// Parse limit per record.
    pub const MAX_RECORD_BYTES: usize = 1 << 20;
    /// Graceful stop deadline in seconds.
    pub const SHUTDOWN_DEADLINE_SECS: u64 = 30;
    /// Seconds without committed progress before a partition with lag counts as stalled.
    pub const GROUP_STALL_SECS: u64 = 120;
    /// The correlation stage's changelog topic.
    pub const STATE_TOPIC: &str = "piiguard.state";
    /// Conversation TTL (24 h of inactivity).
    pub const CONVERSATION_TTL_SECS: u64 = 24 * 3600;
    /// Kept after a conversation ends (Twilio retries deliveries for up to 4 h).
    pub const CLOSED_TTL_SECS: u64 = 4 * 3600;
    /// Conversations held per instance (about 1 KB each with one event; more with many).
    pub const MAX_CONVERSATIONS: usize = 1_000_000;
    /// Events kept per conversation.
    pub const MAX_REFS: usize = 256;
}

/// librdkafka properties piiguard sets itself because delivery guarantees rest on them, and where
/// to set them instead.
const OWNED_PROPERTIES: &[(&str, &str)] = &[
    ("bootstrap.servers", "use `brokers` / --brokers"),
    ("group.id", "use `group` / --group"),
    ("group.instance.id", "use `group_instance_id` / --group-instance-id"),
    ("enable.auto.commit", "offsets are committed as a contiguous watermark"),
    ("enable.auto.offset.store", "offsets are committed as a contiguous watermark"),
    ("enable.idempotence", "the producer is always idempotent"),
    ("partition.assignment.strategy", "use `assignment_strategy` / --assignment-strategy"),
];

/// True for librdkafka properties whose values are secrets (masked when printed). rdkafka's own
/// `Debug` masks only some of them (not `ssl.key.pem` nor `sasl.oauthbearer.config`).
pub fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("password")
        || k.contains("secret")
        || (k.ends_with(".pem") && k.contains("key"))
        || k == "sasl.oauthbearer.config"
        || k.contains("jaas")
        || k.contains("token")
}

/// Reads a config file.
pub fn read_file(path: &std::path::Path) -> Result<FileConfig, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.display().to_string(), source })?;
    parse(&text).map_err(|what| Error::Parse { path: path.display().to_string(), what })
}

/// Parses config text; the error names the line and the problem without quoting values.
pub fn parse(text: &str) -> Result<FileConfig, String> {
    toml::from_str::<FileConfig>(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        // The message of a toml error is one of a closed set of phrases, except that type errors
        // quote the value (`invalid type: string "…"`) and unknown-field errors name the key. Keep
        // the first clause, cut any quoted value.
        let msg = e.message();
        let msg = if msg.starts_with("unknown field") {
            msg.split(", expected").next().unwrap_or(msg).to_owned()
        } else if let Some(i) = msg.find('"') {
            format!("{}… (value withheld)", &msg[..i])
        } else {
            msg.to_owned()
        };
        match line {
            Some(l) => format!("line {l}: {msg}"),
            None => msg,
        }
    })
}

/// librdkafka properties from `PIIGUARD_LIBRDKAFKA_*` variables.
pub fn librdkafka_from_env(vars: impl Iterator<Item = (String, String)>) -> BTreeMap<String, Scalar> {
    vars.filter_map(|(k, v)| {
        let name = k.strip_prefix(LIBRDKAFKA_ENV_PREFIX)?;
        (!name.is_empty()).then(|| (name.to_ascii_lowercase().replace('_', "."), Scalar::String(v)))
    })
    .collect()
}

/// Field by field, `over` wins where it is set; librdkafka tables are merged key by key.
pub fn merge(base: FileConfig, over: FileConfig) -> FileConfig {
    let storm = match (base.dlq_storm, over.dlq_storm) {
        (Some(b), Some(o)) => Some(StormFile {
            window_secs: o.window_secs.or(b.window_secs),
            min_bad: o.min_bad.or(b.min_bad),
            max_ratio: o.max_ratio.or(b.max_ratio),
            pause_secs: o.pause_secs.or(b.pause_secs),
        }),
        (b, o) => o.or(b),
    };
    let conversations = match (base.conversations, over.conversations) {
        (Some(b), Some(o)) => Some(ConversationsFile {
            findings_topic: o.findings_topic.or(b.findings_topic),
            state_topic: o.state_topic.or(b.state_topic),
            ttl_secs: o.ttl_secs.or(b.ttl_secs),
            closed_ttl_secs: o.closed_ttl_secs.or(b.closed_ttl_secs),
            max_conversations: o.max_conversations.or(b.max_conversations),
            max_refs: o.max_refs.or(b.max_refs),
        }),
        (b, o) => o.or(b),
    };
    let librdkafka = match (base.librdkafka, over.librdkafka) {
        (Some(mut b), Some(o)) => {
            b.extend(o);
            Some(b)
        }
        (b, o) => o.or(b),
    };
    FileConfig {
        brokers: over.brokers.or(base.brokers),
        group: over.group.or(base.group),
        group_instance_id: over.group_instance_id.or(base.group_instance_id),
        group_stall_secs: over.group_stall_secs.or(base.group_stall_secs),
        topics: over.topics.or(base.topics),
        commands_topic: over.commands_topic.or(base.commands_topic),
        dlq_topic: over.dlq_topic.or(base.dlq_topic),
        policy: over.policy.or(base.policy),
        hmac_key_file: over.hmac_key_file.or(base.hmac_key_file),
        metrics_addr: over.metrics_addr.or(base.metrics_addr),
        assignment_strategy: over.assignment_strategy.or(base.assignment_strategy),
        max_in_flight: over.max_in_flight.or(base.max_in_flight),
        max_record_bytes: over.max_record_bytes.or(base.max_record_bytes),
        shutdown_deadline_secs: over.shutdown_deadline_secs.or(base.shutdown_deadline_secs),
        preview: over.preview.or(base.preview),
        dlq_storm: storm,
        conversations,
        librdkafka,
    }
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::Invalid(msg.into())
}

impl Settings {
    /// Applies defaults and checks every value.
    pub fn resolve(c: FileConfig) -> Result<Settings, Error> {
        let brokers = c.brokers.filter(|b| !b.trim().is_empty()).ok_or_else(|| invalid("no brokers: set `brokers` in the config file, PIIGUARD_BROKERS or --brokers"))?;
        let topics = c.topics.unwrap_or_default();
        if topics.is_empty() {
            return Err(invalid("no input topics: set `topics` in the config file or --topic (repeatable)"));
        }
        if topics.iter().any(|t| t.trim().is_empty()) {
            return Err(invalid("an input topic name is empty"));
        }
        let commands_topic = c.commands_topic.unwrap_or_else(|| defaults::COMMANDS_TOPIC.into());
        let dlq_topic = c.dlq_topic.unwrap_or_else(|| defaults::DLQ_TOPIC.into());
        for (what, t) in [("commands topic", &commands_topic), ("dead-letter topic", &dlq_topic)] {
            if t.trim().is_empty() {
                return Err(invalid(format!("the {what} name is empty")));
            }
            if topics.contains(t) {
                return Err(invalid(format!("the {what} `{t}` is also an input topic: piiguard would scan its own output")));
            }
        }
        if commands_topic == dlq_topic {
            return Err(invalid("the commands topic and the dead-letter topic must differ"));
        }
        let metrics_addr = match c.metrics_addr.as_deref().unwrap_or(defaults::METRICS_ADDR) {
            "off" | "" => None,
            a => Some(a.parse::<SocketAddr>().map_err(|_| invalid(format!("metrics address `{a}` is not IP:PORT (or `off`)")))?),
        };
        let assignment_strategy = c.assignment_strategy.unwrap_or_else(|| defaults::ASSIGNMENT_STRATEGY.into());
        for s in assignment_strategy.split(',') {
            if !matches!(s.trim(), "range" | "roundrobin" | "cooperative-sticky") {
                return Err(invalid(format!("assignment strategy `{}` is not range, roundrobin or cooperative-sticky", s.trim())));
            }
        }
        let max_in_flight = c.max_in_flight.unwrap_or(defaults::MAX_IN_FLIGHT);
        if max_in_flight == 0 {
            return Err(invalid("max_in_flight must be at least 1"));
        }
        let max_record_bytes = c.max_record_bytes.unwrap_or(defaults::MAX_RECORD_BYTES);
        if max_record_bytes == 0 {
            return Err(invalid("max_record_bytes must be positive"));
        }
        let d = Storm::default();
        let s = c.dlq_storm.unwrap_or_default();
        let storm = Storm {
            window: s.window_secs.map_or(d.window, Duration::from_secs),
            min_bad: s.min_bad.unwrap_or(d.min_bad),
            max_ratio: s.max_ratio.unwrap_or(d.max_ratio),
            pause: s.pause_secs.map_or(d.pause, Duration::from_secs),
        };
        if !(storm.max_ratio > 0.0 && storm.max_ratio <= 1.0) || storm.window.is_zero() || storm.min_bad == 0 {
            return Err(invalid("dlq_storm: max_ratio must be in (0, 1], window_secs and min_bad positive"));
        }
        let group_instance_id = match c.group_instance_id.map(|g| g.trim().to_owned()) {
            Some(g) if g.is_empty() => None,
            Some(g) if g.len() > 249 || !g.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-')) => {
                return Err(invalid("group_instance_id must be 1 to 249 characters of a-z, A-Z, 0-9, '.', '_' and '-'"));
            }
            g => g,
        };
        let group_stall = match c.group_stall_secs.unwrap_or(defaults::GROUP_STALL_SECS) {
            0 => None,
            s => Some(Duration::from_secs(s)),
        };
        let cf = c.conversations.unwrap_or_default();
        let conversations = Conversations {
            findings_topic: cf.findings_topic.filter(|t| !t.trim().is_empty()),
            state_topic: cf.state_topic.unwrap_or_else(|| defaults::STATE_TOPIC.into()),
            ttl: Duration::from_secs(cf.ttl_secs.unwrap_or(defaults::CONVERSATION_TTL_SECS)),
            closed_ttl: Duration::from_secs(cf.closed_ttl_secs.unwrap_or(defaults::CLOSED_TTL_SECS)),
            max_conversations: cf.max_conversations.unwrap_or(defaults::MAX_CONVERSATIONS),
            max_refs: cf.max_refs.unwrap_or(defaults::MAX_REFS),
        };
        if conversations.ttl.is_zero() || conversations.max_conversations == 0 || conversations.max_refs == 0 {
            return Err(invalid("conversations: ttl_secs, max_conversations and max_refs must be positive"));
        }
        // (The findings topic is `correlate`'s input, so `run` checks it against its own inputs.)
        if topics.contains(&conversations.state_topic) || conversations.findings_topic.as_ref() == Some(&conversations.state_topic) {
            return Err(invalid(format!("the state topic `{}` is also an input or the findings topic", conversations.state_topic)));
        }
        for t in conversations.findings_topic.iter().chain([&conversations.state_topic]) {
            if *t == commands_topic || *t == dlq_topic {
                return Err(invalid(format!("the conversation topic `{t}` is also the commands or dead-letter topic")));
            }
        }
        let mut librdkafka = BTreeMap::new();
        for (k, v) in c.librdkafka.unwrap_or_default() {
            if let Some((_, instead)) = OWNED_PROPERTIES.iter().find(|(o, _)| *o == k) {
                return Err(invalid(format!("librdkafka property `{k}` is set by piiguard: {instead}")));
            }
            librdkafka.insert(k, v.text());
        }
        Ok(Settings {
            brokers,
            group: c.group.unwrap_or_else(|| defaults::GROUP.into()),
            group_instance_id,
            group_stall,
            topics,
            commands_topic,
            dlq_topic,
            policy: c.policy,
            hmac_key_file: c.hmac_key_file,
            metrics_addr,
            assignment_strategy,
            max_in_flight,
            max_record_bytes,
            shutdown_deadline: Duration::from_secs(c.shutdown_deadline_secs.unwrap_or(defaults::SHUTDOWN_DEADLINE_SECS)),
            preview: c.preview.unwrap_or(false),
            storm,
            conversations,
            librdkafka,
        })
    }

    /// The effective configuration as TOML, secrets masked (`piiguard config check`).
    pub fn render_masked(&self, key_source: &str) -> String {
        let librdkafka = self
            .librdkafka
            .iter()
            .map(|(k, v)| (k.clone(), Scalar::String(if is_secret(k) { "***".into() } else { v.clone() })))
            .collect();
        let f = FileConfig {
            brokers: Some(self.brokers.clone()),
            group: Some(self.group.clone()),
            group_instance_id: self.group_instance_id.clone(),
            group_stall_secs: Some(self.group_stall.map_or(0, |d| d.as_secs())),
            topics: Some(self.topics.clone()),
            commands_topic: Some(self.commands_topic.clone()),
            dlq_topic: Some(self.dlq_topic.clone()),
            policy: self.policy.clone(),
            hmac_key_file: self.hmac_key_file.clone(),
            metrics_addr: Some(self.metrics_addr.map_or_else(|| "off".into(), |a| a.to_string())),
            assignment_strategy: Some(self.assignment_strategy.clone()),
            max_in_flight: Some(self.max_in_flight),
            max_record_bytes: Some(self.max_record_bytes),
            shutdown_deadline_secs: Some(self.shutdown_deadline.as_secs()),
            preview: Some(self.preview),
            dlq_storm: Some(StormFile {
                window_secs: Some(self.storm.window.as_secs()),
                min_bad: Some(self.storm.min_bad),
                max_ratio: Some(self.storm.max_ratio),
                pause_secs: Some(self.storm.pause.as_secs()),
            }),
            conversations: Some(ConversationsFile {
                findings_topic: self.conversations.findings_topic.clone(),
                state_topic: Some(self.conversations.state_topic.clone()),
                ttl_secs: Some(self.conversations.ttl.as_secs()),
                closed_ttl_secs: Some(self.conversations.closed_ttl.as_secs()),
                max_conversations: Some(self.conversations.max_conversations),
                max_refs: Some(self.conversations.max_refs),
            }),
            librdkafka: Some(librdkafka),
        };
        let body = toml::to_string(&f).expect("serialisable");
        format!("# effective configuration (secrets shown as ***)\n# HMAC key: {key_source}\n{body}")
    }
}

#[cfg(test)]
mod tests;
