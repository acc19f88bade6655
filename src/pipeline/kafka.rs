//! librdkafka client settings and the consumer context: rebalance bookkeeping, statistics (lag,
//! committed offsets, broker connections) and errors, feeding the metrics and the health state.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rdkafka::config::{ClientConfig, RDKafkaLogLevel};
use rdkafka::consumer::{BaseConsumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::statistics::Statistics;
use rdkafka::ClientContext;

use super::health::{Health, NOT_ANSWERING};
use super::offsets::Tp;
use super::RunConfig;
use crate::config::is_secret;
use crate::metrics::Metrics;

/// What librdkafka last reported for an assigned partition: (low watermark, high watermark,
/// committed offset).
pub(crate) type Progress = BTreeMap<Tp, (i64, i64, i64)>;

/// The consumer's context.
pub(crate) struct Ctx {
    /// Bumped on every revoke: acknowledgements from before one are stale.
    pub(crate) revokes: Arc<AtomicU64>,
    /// Bumped on every assign: a new assignment starts unpaused.
    pub(crate) assigns: Arc<AtomicU64>,
    pub(crate) metrics: Metrics,
    pub(crate) health: Arc<Health>,
    pub(crate) topics: Vec<String>,
    pub(crate) progress: Arc<Mutex<Progress>>,
    /// Partitions assigned here, for the group monitor.
    pub(crate) assigned: super::group::Assigned,
}

impl ClientContext for Ctx {
    fn stats(&self, s: Statistics) {
        let up = s.brokers.values().filter(|b| b.nodeid >= 0 && b.state == "UP").count();
        self.metrics.brokers_up.set(up as i64);
        self.health.set_broker_up(up > 0);
        self.health.set_broker_silent(s.brokers.values().any(silent));
        // Rebuilt from each report, so partitions that moved away disappear.
        self.metrics.consumer_lag.reset();
        self.metrics.committed_offset.reset();
        let mut progress = Progress::new();
        for (name, t) in &s.topics {
            if !self.topics.contains(name) {
                continue; // Label values only from the configuration.
            }
            for p in t.partitions.values() {
                if p.partition < 0 || p.fetch_state != "active" {
                    continue;
                }
                let part = p.partition.to_string();
                // librdkafka reports no lag before the group's first commit; then the group starts at
                // the low watermark (auto.offset.reset=earliest).
                if p.hi_offset >= 0 {
                    let from = if p.committed_offset >= 0 { p.committed_offset } else { p.lo_offset.max(0) };
                    self.metrics.consumer_lag.with_label_values(&[name, &part]).set((p.hi_offset - from).max(0));
                }
                if p.committed_offset >= 0 {
                    self.metrics.committed_offset.with_label_values(&[name, &part]).set(p.committed_offset);
                }
                progress.insert((name.clone(), p.partition), (p.lo_offset, p.hi_offset, p.committed_offset));
            }
        }
        *self.progress.lock().expect("progress lock") = progress;
    }

    fn error(&self, error: KafkaError, _reason: &str) {
        if error.rdkafka_error_code() == Some(RDKafkaErrorCode::AllBrokersDown) {
            self.health.set_broker_up(false);
            self.metrics.brokers_up.set(0);
        }
        // Reported (rate-limited) by the service loop through the consume errors.
    }
}

/// A connected broker with requests waiting that has sent nothing for [`NOT_ANSWERING`]: a black
/// hole or a half-open connection, which librdkafka keeps counting as up until its request
/// timeout (`socket.timeout.ms`) ends the connection.
fn silent(b: &rdkafka::statistics::Broker) -> bool {
    b.nodeid >= 0 && b.state == "UP" && b.waitresp_cnt > 0 && b.rxidle >= 0 && b.rxidle as u128 > NOT_ANSWERING.as_micros()
}

impl ConsumerContext for Ctx {
    fn pre_rebalance(&self, _: &BaseConsumer<Self>, r: &Rebalance<'_>) {
        if matches!(r, Rebalance::Revoke(_)) {
            self.revokes.fetch_add(1, Ordering::SeqCst);
            self.health.set_joined(false);
            self.metrics.rebalances.with_label_values(&["revoke"]).inc();
            self.metrics.assigned_partitions.set(0);
            self.metrics.watermark.reset();
            self.assigned.lock().expect("assigned lock").clear();
        }
    }

    fn post_rebalance(&self, _: &BaseConsumer<Self>, r: &Rebalance<'_>) {
        match r {
            Rebalance::Assign(tpl) => {
                self.assigns.fetch_add(1, Ordering::SeqCst);
                self.health.set_joined(true);
                self.metrics.rebalances.with_label_values(&["assign"]).inc();
                self.metrics.assigned_partitions.set(tpl.count() as i64);
                *self.assigned.lock().expect("assigned lock") = tpl.elements().iter().map(|e| (e.topic().to_owned(), e.partition())).collect();
                tracing::info!(partitions = tpl.count(), "partitions assigned");
            }
            Rebalance::Revoke(tpl) => tracing::info!(partitions = tpl.count(), "partitions revoked"),
            Rebalance::Error(e) => tracing::warn!(error = %e, "rebalance error"),
        }
    }
}

/// A client's settings: the pass-through table (TLS, SASL …), then the brokers. Shared by `run`,
/// `replay` and the event loader.
pub(crate) fn client_config(brokers: &str, librdkafka: &BTreeMap<String, String>) -> ClientConfig {
    let mut cfg = ClientConfig::new();
    for (k, v) in librdkafka {
        cfg.set(k, v);
    }
    cfg.set("bootstrap.servers", brokers).set_log_level(RDKafkaLogLevel::Warning);
    cfg
}

/// The producer of `replay` and the event loader: idempotent, lz4 (SQL engines of the local broker
/// drop Snappy), short linger.
pub(crate) fn idempotent_producer_config(brokers: &str, librdkafka: &BTreeMap<String, String>) -> ClientConfig {
    let mut cfg = client_config(brokers, librdkafka);
    cfg.set("enable.idempotence", "true").set("compression.type", "lz4").set("linger.ms", "5");
    cfg
}

fn base(c: &RunConfig) -> ClientConfig {
    client_config(&c.brokers, &c.librdkafka)
}

fn default(cfg: &mut ClientConfig, c: &RunConfig, key: &str, value: &str) {
    if !c.librdkafka.contains_key(key) {
        cfg.set(key, value);
    }
}

/// The consumer's settings: the pass-through table, then what at-least-once needs.
pub(crate) fn consumer_config(c: &RunConfig) -> ClientConfig {
    let mut cfg = base(c);
    cfg.set("group.id", &c.group)
        .set("partition.assignment.strategy", &c.assignment_strategy)
        .set("enable.auto.commit", "true")
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "false");
    if let Some(id) = &c.group_instance_id {
        cfg.set("group.instance.id", id);
    }
    // A static member is expected back within the session timeout, so it must cover a restart
    // (process start, group join, first heartbeat): librdkafka's own 45 s then, instead of 10 s.
    // The local broker also expires a static member that rejoined if its session runs out before
    // its first heartbeat (docs/local-broker.md).
    let session = if c.group_instance_id.is_some() { "45000" } else { "10000" };
    for (k, v) in [
        ("auto.offset.reset", "earliest"),
        // Bounds what librdkafka prefetches (per partition, in KiB).
        ("queued.max.messages.kbytes", "16384"),
        ("session.timeout.ms", session),
        ("max.poll.interval.ms", "60000"),
        // A broker that comes back, or a topic created after start, is noticed within seconds.
        ("reconnect.backoff.max.ms", "2000"),
        ("topic.metadata.refresh.interval.ms", "10000"),
        // Detection latency: a fetch waits at most this long for data (librdkafka's 500 ms
        // default put p50 at ~400 ms on the local broker).
        ("fetch.wait.max.ms", "100"),
        // Lag, committed offsets and broker state for the metrics and readiness.
        ("statistics.interval.ms", "1000"),
        // A request unanswered this long ends its connection and is retried on a new one: a
        // half-open connection is left after 30 s (librdkafka's default 60 s; Kafka's Java
        // clients' request.timeout.ms is 30 s).
        ("socket.timeout.ms", "30000"),
    ] {
        default(&mut cfg, c, k, v);
    }
    cfg
}

/// The producer's settings: idempotent, lz4 (SQL engines of the local broker drop Snappy), bounded
/// queue so back-pressure is real.
pub(crate) fn producer_config(c: &RunConfig) -> ClientConfig {
    let mut cfg = base(c);
    cfg.set("enable.idempotence", "true");
    for (k, v) in [
        ("compression.type", "lz4"),
        ("linger.ms", "5"),
        ("message.timeout.ms", "300000"),
        ("queue.buffering.max.kbytes", "65536"),
        // As the consumer's: a half-open connection is left after 30 s.
        ("socket.timeout.ms", "30000"),
        // Keys go to the partition Kafka's Java clients pick (librdkafka's default hashes with
        // CRC32): the findings topic is keyed by conversation, and another producer of it (a
        // re-keying job, a Streams app) must agree on which partition a conversation lives.
        ("partitioner", "murmur2_random"),
    ] {
        default(&mut cfg, c, k, v);
    }
    // The consumer-only statistics interval would make the producer emit reports nobody reads.
    cfg.remove("statistics.interval.ms");
    cfg
}

/// Room a produced record needs besides its value: the key (a SID or a command id) and the record's
/// framing, which librdkafka counts against `message.max.bytes`.
const RECORD_OVERHEAD: usize = 512;

/// The largest command the producer takes: its `message.max.bytes` (librdkafka's default
/// 1,000,000) less [`RECORD_OVERHEAD`]. A topic's own `max.message.bytes` may be lower still: the
/// broker then refuses the record and the delivery reports it (`too_large`).
pub(crate) fn max_command_bytes(librdkafka: &BTreeMap<String, String>) -> usize {
    let limit = librdkafka.get("message.max.bytes").and_then(|v| v.parse::<usize>().ok()).unwrap_or(1_000_000);
    limit.saturating_sub(RECORD_OVERHEAD)
}

/// A Kafka error as text safe to print: librdkafka's configuration errors quote the offending
/// value, which may be a secret, so those name the property only.
pub fn describe(e: &KafkaError) -> String {
    match e {
        KafkaError::ClientConfig(_, desc, key, _) if !is_secret(key) => format!("librdkafka refused property `{key}`: {desc}"),
        KafkaError::ClientConfig(_, _, key, _) => format!("librdkafka refused property `{key}` (value withheld)"),
        e => e.to_string(),
    }
}
