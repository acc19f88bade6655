//! `piiguard run`: consume event topics in a consumer group, scan every record, produce commands
//! (and dead-letter references) with an idempotent producer, and commit only the contiguous
//! handled prefix of each partition (at-least-once; `reliability.md` §0).
//!
//! One task owns the consumer and the [`offsets::OffsetTracker`]. Each record's deliveries are awaited
//! by a spawned task that retries failed deliveries until they succeed (a failed delivery holds the
//! watermark), then acknowledges the record to the owner, which stores the new watermark; librdkafka
//! commits stored offsets every `auto.commit.interval.ms`, on revoke, and at shutdown.

pub mod offsets;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::config::{ClientConfig, RDKafkaLogLevel};
use rdkafka::consumer::{CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;
use rdkafka::ClientContext;
use serde::Serialize;
use tokio::sync::mpsc;

use crate::commands::{Mode, Source};
use crate::process::Processor;
use offsets::{OffsetTracker, Tp};

/// Record bytes copied for scanning and not yet scanned, before consumption pauses (with the
/// record-count bound `max_in_flight`, this bounds memory whatever the record sizes).
const MAX_PENDING_BYTES: usize = 64 << 20;

/// What `run` needs besides the processor.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Bootstrap brokers (`host:port,…`).
    pub brokers: String,
    /// Consumer group.
    pub group: String,
    /// Input topics.
    pub topics: Vec<String>,
    /// Where commands go.
    pub commands_topic: String,
    /// Where dead-letter references go.
    pub dlq_topic: String,
    /// `partition.assignment.strategy`; eager `range` by default (cooperative-sticky fails on the
    /// local broker, `broker.md`).
    pub assignment_strategy: String,
    /// Records in flight (begun, not acknowledged) before consumption pauses.
    pub max_in_flight: usize,
    /// How long a graceful stop may take before exiting non-zero.
    pub shutdown_deadline: Duration,
    /// librdkafka settings passed through (TLS, SASL …); delivery-critical keys are set after them.
    pub librdkafka: BTreeMap<String, String>,
}

/// Why the service stopped with an error. Messages carry no payload.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A Kafka client could not be created or subscribed.
    #[error("kafka client: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    /// The graceful stop did not finish within its deadline.
    #[error("shutdown deadline of {0:?} passed with {1} records still in flight")]
    ShutdownDeadline(Duration, usize),
}

/// A dead-letter reference: where the bad record is and why, never its bytes.
#[derive(Debug, Serialize)]
struct DeadLetter<'a> {
    version: u32,
    reason: &'static str,
    source: &'a Source,
    length: usize,
    /// HMAC-SHA256 of the record bytes (128 bits, hex), so a copy can be recognised.
    payload_hmac: String,
    kid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_column: Option<usize>,
}

/// Counts the rebalances, so acknowledgements from before one are recognised and ignored.
struct Ctx {
    generation: Arc<AtomicU64>,
}

impl ClientContext for Ctx {}

impl ConsumerContext for Ctx {
    fn pre_rebalance(&self, _: &rdkafka::consumer::BaseConsumer<Self>, r: &Rebalance<'_>) {
        if matches!(r, Rebalance::Revoke(_)) {
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn consumer_config(c: &RunConfig) -> ClientConfig {
    let mut cfg = ClientConfig::new();
    for (k, v) in &c.librdkafka {
        cfg.set(k, v);
    }
    cfg.set("bootstrap.servers", &c.brokers)
        .set("group.id", &c.group)
        .set("partition.assignment.strategy", &c.assignment_strategy)
        .set("enable.auto.commit", "true")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("enable.partition.eof", "false")
        .set("queued.max.messages.kbytes", "16384")
        .set_log_level(RDKafkaLogLevel::Warning);
    if !c.librdkafka.contains_key("session.timeout.ms") {
        cfg.set("session.timeout.ms", "10000");
    }
    if !c.librdkafka.contains_key("max.poll.interval.ms") {
        cfg.set("max.poll.interval.ms", "60000");
    }
    // A broker that comes back, or a topic created after start, is noticed within seconds.
    for (k, v) in [("reconnect.backoff.max.ms", "2000"), ("topic.metadata.refresh.interval.ms", "10000")] {
        if !c.librdkafka.contains_key(k) {
            cfg.set(k, v);
        }
    }
    cfg
}

fn producer_config(c: &RunConfig) -> ClientConfig {
    let mut cfg = ClientConfig::new();
    for (k, v) in &c.librdkafka {
        cfg.set(k, v);
    }
    cfg.set("bootstrap.servers", &c.brokers)
        .set("enable.idempotence", "true")
        .set("compression.type", "lz4")
        .set("linger.ms", "5")
        .set("message.timeout.ms", "300000")
        .set("queue.buffering.max.kbytes", "65536")
        .set_log_level(RDKafkaLogLevel::Warning);
    cfg
}

/// What the owner task hears back: a record fully handled (under the rebalance generation it began
/// in).
struct Ack {
    tp: Tp,
    offset: i64,
    generation: u64,
}

/// One record's outputs: (topic, key, payload).
type Outputs = Vec<(String, String, Vec<u8>)>;

/// Scans one record and returns what must be produced for it before its offset may be committed.
fn outputs(proc: &Processor, cfg: &RunConfig, m: &impl Message) -> Outputs {
    let Some(payload) = m.payload() else {
        return Vec::new(); // A tombstone: nothing to scan, nothing to send.
    };
    let source = Source::Kafka {
        topic: m.topic().to_owned(),
        partition: m.partition(),
        offset: m.offset(),
        key: m.key().map(hex::encode),
        timestamp: m.timestamp().to_millis(),
    };
    let p = proc.process(payload, &source, Mode::Live);
    let mut out = Vec::with_capacity(p.commands.len() + 1);
    if let Some(e) = p.error {
        let dl = DeadLetter {
            version: 1,
            reason: e.as_str(),
            source: &source,
            length: payload.len(),
            payload_hmac: proc.fingerprinter.record_hmac(payload),
            kid: proc.fingerprinter.kid(),
            error_line: p.error_position.map(|x| x.0),
            error_column: p.error_position.map(|x| x.1),
        };
        let key = format!("{}/{}/{}", m.topic(), m.partition(), m.offset());
        out.push((cfg.dlq_topic.clone(), key, serde_json::to_vec(&dl).expect("serialisable")));
    }
    for c in &p.commands {
        // Keyed by the resource, so one resource's commands stay in order on one partition.
        let key = c.resource.sid.map_or_else(|| c.command_id.clone(), |s| s.as_str().to_owned());
        out.push((cfg.commands_topic.clone(), key, serde_json::to_vec(c).expect("serialisable")));
    }
    out
}

/// Sends one record's outputs, retrying each failed delivery with backoff until it succeeds.
async fn deliver(producer: FutureProducer, outs: Outputs) {
    for (topic, key, payload) in outs {
        let mut backoff = Duration::from_millis(100);
        loop {
            let rec = FutureRecord::to(&topic).key(&key).payload(&payload);
            match producer.send(rec, Timeout::After(Duration::from_secs(30))).await {
                Ok(_) => break,
                Err((e, _)) => {
                    // The error names a class and code, never the payload.
                    eprintln!("piiguard: delivery to {topic} failed ({e}); retrying in {backoff:?}");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
    }
}

/// Counters for the final summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct RunStats {
    /// Records consumed.
    pub records: u64,
    /// Commands produced.
    pub commands: u64,
    /// Dead-letter references produced.
    pub dead_letters: u64,
}

/// Runs the service until `stop` resolves (SIGTERM/SIGINT in the binary), then drains, commits and
/// leaves the group.
pub async fn run(
    proc: Arc<Processor>,
    cfg: RunConfig,
    stop: impl std::future::Future<Output = ()>,
) -> Result<RunStats, Error> {
    let generation = Arc::new(AtomicU64::new(0));
    let consumer: StreamConsumer<Ctx> =
        consumer_config(&cfg).create_with_context(Ctx { generation: generation.clone() })?;
    let producer: FutureProducer = producer_config(&cfg).create()?;
    let topics: Vec<&str> = cfg.topics.iter().map(String::as_str).collect();
    consumer.subscribe(&topics)?;
    let (ack_tx, mut ack_rx) = mpsc::unbounded_channel::<Ack>();
    let mut tracker = OffsetTracker::new();
    let mut seen_generation = 0u64;
    let cfg = Arc::new(cfg);
    // Records, commands, dead letters (counted by the tasks that scan them).
    let counts: Arc<[AtomicU64; 3]> = Arc::new(Default::default());
    // Bytes of records copied for scanning and not yet scanned.
    let pending_bytes = Arc::new(AtomicUsize::new(0));
    // Consume errors (broker away) are reports, queued while they last: read them without delay
    // (librdkafka reconnects on its own, with backoff) and log at most one line per 5 s.
    let mut last_log: Option<Instant> = None;
    let mut suppressed = 0u64;
    tokio::pin!(stop);
    loop {
        let room = tracker.in_flight() < cfg.max_in_flight && pending_bytes.load(Ordering::Relaxed) < MAX_PENDING_BYTES;
        tokio::select! {
            biased;
            () = &mut stop => break,
            Some(ack) = ack_rx.recv() => on_ack(&consumer, &mut tracker, seen_generation, ack),
            msg = consumer.recv(), if room => {
                let m = match msg {
                    Ok(m) => {
                        if last_log.take().is_some() {
                            eprintln!("piiguard: consuming again");
                        }
                        m
                    }
                    Err(e) => {
                        if last_log.is_none_or(|t| t.elapsed() >= Duration::from_secs(5)) {
                            eprintln!("piiguard: consume error ({e}); {suppressed} more since the last report; librdkafka keeps reconnecting");
                            last_log = Some(Instant::now());
                            suppressed = 0;
                        } else {
                            suppressed += 1;
                        }
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                // A rebalance runs inside `recv`: check for one before tracking this record.
                let gen_now = generation.load(Ordering::SeqCst);
                if gen_now != seen_generation {
                    // Partitions were revoked: in-flight acks are stale, and every partition
                    // restarts from its committed offset (nothing past an unhandled record).
                    tracker.clear();
                    seen_generation = gen_now;
                }
                let tp: Tp = (m.topic().to_owned(), m.partition());
                let offset = m.offset();
                // Tracked now, in offset order; scanned and delivered on any worker (both cores).
                tracker.begin(&tp, offset);
                let owned = m.detach();
                let size = owned.payload().map_or(0, <[u8]>::len);
                pending_bytes.fetch_add(size, Ordering::Relaxed);
                let (proc, cfg, counts, pending) = (proc.clone(), cfg.clone(), counts.clone(), pending_bytes.clone());
                let (producer, tx, generation) = (producer.clone(), ack_tx.clone(), seen_generation);
                tokio::spawn(async move {
                    let outs = outputs(&proc, &cfg, &owned);
                    drop(owned);
                    pending.fetch_sub(size, Ordering::Relaxed);
                    let dead = outs.iter().filter(|(t, _, _)| *t == cfg.dlq_topic).count() as u64;
                    counts[0].fetch_add(1, Ordering::Relaxed);
                    counts[1].fetch_add(outs.len() as u64 - dead, Ordering::Relaxed);
                    counts[2].fetch_add(dead, Ordering::Relaxed);
                    deliver(producer, outs).await;
                    let _ = tx.send(Ack { tp, offset, generation });
                });
            }
        }
    }
    // Graceful stop: no more fetching; wait for in-flight records, store, commit, leave, flush.
    let deadline = Instant::now() + cfg.shutdown_deadline;
    while tracker.in_flight() > 0 && Instant::now() < deadline {
        if let Ok(Some(ack)) = tokio::time::timeout(Duration::from_millis(100), ack_rx.recv()).await {
            on_ack(&consumer, &mut tracker, seen_generation, ack);
        }
    }
    let left = tracker.in_flight();
    if let Err(e) = consumer.commit_consumer_state(CommitMode::Sync) {
        // Nothing stored yet (no record handled) is not an error worth failing on.
        eprintln!("piiguard: final commit: {e}");
    }
    consumer.unsubscribe();
    let _ = producer.flush(Timeout::After(Duration::from_secs(5)));
    if left > 0 {
        return Err(Error::ShutdownDeadline(cfg.shutdown_deadline, left));
    }
    let [records, commands, dead_letters] = counts.as_ref().each_ref().map(|c| c.load(Ordering::Relaxed));
    Ok(RunStats { records, commands, dead_letters })
}

fn on_ack(consumer: &StreamConsumer<Ctx>, tracker: &mut OffsetTracker, generation: u64, ack: Ack) {
    if ack.generation != generation {
        return; // Begun before a rebalance: its partition restarts from the committed offset.
    }
    if let Some(w) = tracker.ack(&ack.tp, ack.offset) {
        // `store_offset` stores `w + 1`: the next record to read.
        if let Err(e) = consumer.store_offset(&ack.tp.0, ack.tp.1, w) {
            // The partition moved away (ERR__STATE): the new owner resumes from the commit.
            eprintln!("piiguard: offset not stored for {}[{}] ({e})", ack.tp.0, ack.tp.1);
        }
    }
}
