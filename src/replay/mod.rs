//! `piiguard replay`: rescan a time or offset range of historical topics.
//!
//! Resolves start and end offsets per partition (end offsets snapshotted at start; timestamp
//! lookups checked against the watermarks, since brokers answer them imprecisely), reads with manual
//! assignment and no consumer group (the live service's committed offsets are never touched),
//! filters record timestamps on the client too, scans with the same processor and the same consume
//! engine as `run` ([`crate::pipeline::engine`]), and writes commands (`mode: "replay"`, the ids a
//! live run gives) to a topic or a JSON Lines file; records that are not JSON are counted, and no
//! dead-letter reference is written. Partitions are fetched in parallel by librdkafka and scanned on
//! both cores; memory is bounded by the records in flight. With a checkpoint, a rerun after a crash
//! resumes where the handled prefix ended.
//!
//! With [`ReplayConfig::correlate`], the window is also correlated as one conversation history
//! (docs/architecture.md §5): each record's finding records go back to the loop, which applies
//! them to a [`Correlator`] held for this run only (no TTL, never the live changelog) and writes
//! the `conversation_combination` commands it completes to the same output.

pub mod checkpoint;
mod progress;
pub mod range;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::producer::FutureProducer;
use rdkafka::{Offset, TopicPartitionList};
use serde::Serialize;

use crate::commands::Mode;
use crate::correlate::{Correlator, FindingRecord, Limits};
use crate::metrics::Metrics;
use crate::policy::Reason;
use crate::pipeline::engine::{Engine, Record, Sink};
use crate::pipeline::offsets::Tp;
use crate::pipeline::record::{self, Targets};
use crate::pipeline::{client_config, describe, idempotent_producer_config};
use crate::process::Processor;
use crate::shutdown::{Phase, StopGuard};
use checkpoint::{key, Checkpoint};
use range::{Bound, PartitionFacts, Span};

/// Where the commands go.
#[derive(Debug, Clone)]
pub enum Output {
    /// A Kafka topic.
    Topic(String),
    /// A JSON Lines file.
    File(PathBuf),
    /// Nowhere: count only.
    DryRun,
}

/// What a replay needs besides the processor.
#[derive(Debug, Clone)]
pub struct ReplayConfig {
    /// Bootstrap brokers.
    pub brokers: String,
    /// Topics to replay.
    pub topics: Vec<String>,
    /// Range start.
    pub from: Bound,
    /// Range end (inclusive).
    pub to: Bound,
    /// Output.
    pub output: Output,
    /// Checkpoint file.
    pub checkpoint: Option<PathBuf>,
    /// librdkafka properties passed through.
    pub librdkafka: BTreeMap<String, String>,
    /// Records in flight at most.
    pub max_in_flight: usize,
    /// How long a stop (SIGTERM, SIGINT) may take before the process exits anyway.
    pub shutdown_deadline: Duration,
    /// Also correlate the window's conversations, in memory with these limits (the processor's
    /// scanner must be built with `ScannerBuilder::conversations`). The state is not saved, so
    /// this cannot be combined with a checkpoint.
    pub correlate: Option<Limits>,
}

/// Why a replay failed. Messages carry no payload.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No broker answered.
    #[error("broker unreachable: no metadata from {0} within 10 s")]
    Unreachable(String),
    /// A topic does not exist.
    #[error("unknown topic `{0}`")]
    UnknownTopic(String),
    /// The range is invalid or outside retention.
    #[error(transparent)]
    Range(#[from] range::RangeError),
    /// A Kafka client error.
    #[error("kafka: {}", describe(.0))]
    Kafka(#[from] rdkafka::error::KafkaError),
    /// The checkpoint belongs to another replay.
    #[error("checkpoint {0} was written by a different replay (topics, range or output differ); remove it or use another file")]
    CheckpointMismatch(String),
    /// Reading or writing a file.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// Correlation keeps its state in memory only: a resumed run would miss halves read before.
    #[error("a correlating replay cannot use a checkpoint: its conversation state is held in memory for the run only")]
    CorrelateCheckpoint,
    /// Stopped by a signal before the end of the range.
    #[error("interrupted after {records} records{}", if *checkpointed { "; the checkpoint holds the handled prefix: rerun the same command to resume" } else { " (no --checkpoint: a rerun starts over)" })]
    Interrupted {
        /// Records scanned before the stop.
        records: u64,
        /// Whether a checkpoint was saved.
        checkpointed: bool,
    },
}

/// The final summary (text on stderr, JSON with `--summary-json`).
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    /// The range as given.
    pub from: String,
    /// The range as given.
    pub to: String,
    /// Partitions in the range, with their offsets.
    pub partitions: BTreeMap<String, Span>,
    /// Records read inside the range and scanned.
    pub records: u64,
    /// Records read but outside the time range (client-side filter).
    pub filtered: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Findings by kind.
    pub findings: BTreeMap<&'static str, u64>,
    /// Events needing action, by reason.
    pub reasons: BTreeMap<&'static str, u64>,
    /// Commands written (0 with --dry-run).
    pub commands: u64,
    /// Records that were not JSON, by reason (scanned as raw text).
    pub dead_letters: BTreeMap<&'static str, u64>,
    /// Seconds taken.
    pub seconds: f64,
    /// Whether this run resumed from a checkpoint.
    pub resumed: bool,
    /// With correlation: what it found across the window's events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversations: Option<ConversationSummary>,
}

/// What a correlating replay found across events.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct ConversationSummary {
    /// Conversations in which a name and an identifier of different events met.
    pub combinations: u64,
    /// `conversation_combination` commands (one per event involved; counted in `commands` too).
    pub commands: u64,
    /// Conversations evicted at the capacity bound (their halves could not meet later ones).
    pub evicted: u64,
}

impl Summary {
    /// Human-readable form.
    pub fn render(&self) -> String {
        let join = |m: &BTreeMap<&str, u64>| if m.is_empty() { "none".to_owned() } else { m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ") };
        let conversations = self.conversations.map_or_else(String::new, |c| format!("  conversations: {} with a name and an identifier in different events, {} commands for their events, {} evicted at the capacity bound\n", c.combinations, c.commands, c.evicted));
        format!(
            "piiguard replay: {} to {}, {} partitions{}\n  records: {} scanned ({:.1} MB), {} outside the time range\n  findings: {}\n  events needing action: {}\n{conversations}  commands written: {}\n  not JSON (scanned as raw text): {}\n  time: {:.1} s ({:.0} records/s)\n",
            self.from,
            self.to,
            self.partitions.len(),
            if self.resumed { ", resumed from checkpoint" } else { "" },
            self.records,
            self.bytes as f64 / 1e6,
            self.filtered,
            join(&self.findings),
            join(&self.reasons),
            self.commands,
            join(&self.dead_letters),
            self.seconds,
            self.records as f64 / self.seconds.max(1e-9),
        )
    }
}

/// A consumer that joins no group: manual assignment from explicit offsets, nothing committed
/// anywhere. librdkafka wants a group id for `assign`; a throw-away one is never used on the
/// broker (no subscribe, no commit, no stored-offset lookup).
fn consumer_config(cfg: &ReplayConfig) -> ClientConfig {
    let mut c = client_config(&cfg.brokers, &cfg.librdkafka);
    let nonce = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    c.set("group.id", format!("piiguard-replay-{}-{nonce}", std::process::id()))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "false")
        // Records deleted by retention during the replay must be an error, not a silent jump.
        .set("auto.offset.reset", "error")
        .set("queued.max.messages.kbytes", "16384")
        .set("fetch.wait.max.ms", "100");
    c
}

/// The timestamp of the record at `offset`, read with a throw-away assignment.
fn timestamp_at(c: &BaseConsumer, topic: &str, partition: i32, offset: i64) -> Result<Option<i64>, Error> {
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, partition, Offset::Offset(offset))?;
    c.assign(&tpl)?;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Some(m) = c.poll(Duration::from_millis(200)) {
            let m = m?;
            if m.offset() >= offset {
                return Ok(m.timestamp().to_millis());
            }
        }
    }
    Ok(None)
}

/// Asks the broker what the range needs to know, per partition (blocking calls).
fn resolve_spans(cfg: &ReplayConfig) -> Result<BTreeMap<Tp, Span>, Error> {
    range::check_order(cfg.from, cfg.to)?;
    let c: BaseConsumer = consumer_config(cfg).create()?;
    let md = c.fetch_metadata(None, Duration::from_secs(10)).map_err(|_| Error::Unreachable(cfg.brokers.clone()))?;
    // A missing commands topic would make every delivery retry forever: say so now.
    if let Output::Topic(out) = &cfg.output {
        if !md.topics().iter().any(|t| t.name() == out && t.error().is_none() && !t.partitions().is_empty()) {
            return Err(Error::UnknownTopic(out.clone()));
        }
    }
    let times = matches!(cfg.from, Bound::Time(_)) || matches!(cfg.to, Bound::Time(_));
    let mut spans = BTreeMap::new();
    for topic in &cfg.topics {
        let Some(t) = md.topics().iter().find(|t| t.name() == topic && t.error().is_none() && !t.partitions().is_empty()) else {
            return Err(Error::UnknownTopic(topic.clone()));
        };
        for p in t.partitions() {
            let (low, high) = c.fetch_watermarks(topic, p.id(), Duration::from_secs(10))?;
            let mut f = PartitionFacts { low, high, first_ts: None, last_ts: None, from_lookup: None, to_lookup: None };
            if times && high > low {
                f.first_ts = timestamp_at(&c, topic, p.id(), low)?;
                f.last_ts = timestamp_at(&c, topic, p.id(), high - 1)?;
                let ask = |ms: i64| -> Result<Option<i64>, Error> {
                    let mut tpl = TopicPartitionList::new();
                    tpl.add_partition_offset(topic, p.id(), Offset::Offset(ms))?;
                    let got = c.offsets_for_times(tpl, Duration::from_secs(10))?;
                    Ok(got.find_partition(topic, p.id()).and_then(|e| match e.offset() {
                        Offset::Offset(o) => Some(o),
                        Offset::End => Some(-1),
                        _ => None,
                    }))
                };
                if let Bound::Time(ms) = cfg.from {
                    f.from_lookup = ask(ms)?;
                }
                if let Bound::Time(ms) = cfg.to {
                    f.to_lookup = ask(ms.saturating_add(1))?;
                }
            }
            spans.insert((topic.clone(), p.id()), range::resolve(topic, p.id(), cfg.from, cfg.to, &f)?);
        }
    }
    Ok(spans)
}

/// A record handled: its command payloads (for a file) and what to count.
#[derive(Default)]
struct Done {
    lines: Vec<Vec<u8>>,
    dead: Option<&'static str>,
    /// With correlation: the record's finding records, for the loop's correlator.
    findings: Vec<FindingRecord>,
}

/// The replay's sink: commands to a topic (acknowledged before the record counts as handled) or
/// back to the loop as lines for a file; nothing for a dry run.
struct ReplaySink {
    proc: Arc<Processor>,
    targets: Targets,
    metrics: Metrics,
    producer: Option<FutureProducer>,
}

impl Sink for ReplaySink {
    type Done = Done;
    type Prep = ();

    fn prepare(&self, _: &rdkafka::message::OwnedMessage) {}

    async fn handle(self: Arc<Self>, record: Record, (): ()) -> Done {
        let o = record::outputs(&self.proc, &self.targets, &self.metrics, &record);
        drop(record);
        // No dead-letter topic and no pass-through: every output is a command.
        let commands = o.outs;
        let lines = match &self.producer {
            Some(p) => {
                let n = commands.len();
                record::deliver(p, &self.metrics, None, commands, None).await;
                vec![Vec::new(); n]
            }
            None => commands.into_iter().map(|o| o.payload).collect(),
        };
        Done { lines, dead: o.dead, findings: o.findings }
    }
}

/// Runs the replay to the end of the range, or until `stop` resolves: then the output is flushed,
/// the checkpoint saved (not complete) and [`Error::Interrupted`] returned, all within
/// `shutdown_deadline` (`guard` exits the process past it).
pub async fn replay(proc: Arc<Processor>, cfg: ReplayConfig, guard: Arc<StopGuard>, stop: impl std::future::Future<Output = ()>) -> Result<Summary, Error> {
    tokio::pin!(stop);
    let mut interrupted = false;
    let started = Instant::now();
    let spec = format!("topics={:?} from={} to={} output={:?}", cfg.topics, cfg.from, cfg.to, cfg.output);
    if cfg.correlate.is_some() && cfg.checkpoint.is_some() {
        return Err(Error::CorrelateCheckpoint);
    }
    let c2 = cfg.clone();
    let resolved = tokio::task::spawn_blocking(move || resolve_spans(&c2)).await.expect("resolver task")?;
    // A checkpoint of the same replay keeps its spans (the end snapshot of the first start).
    let mut cp = match &cfg.checkpoint {
        Some(path) => Checkpoint::load(path).map_err(|e| Error::Io(path.display().to_string(), e))?,
        None => None,
    };
    if let (Some(c), Some(path)) = (&cp, &cfg.checkpoint) {
        if c.spec != spec {
            return Err(Error::CheckpointMismatch(path.display().to_string()));
        }
    }
    let resumed = cp.is_some();
    let spans: BTreeMap<Tp, Span> = match &cp {
        Some(c) => resolved.keys().filter_map(|tp| c.spans.get(&key(&tp.0, tp.1)).map(|s| (tp.clone(), *s))).collect(),
        None => resolved,
    };
    let cp = cp.get_or_insert_with(|| Checkpoint {
        version: 1,
        spec: spec.clone(),
        spans: spans.iter().map(|((t, p), s)| (key(t, *p), *s)).collect(),
        next: spans.iter().map(|((t, p), s)| (key(t, *p), s.start)).collect(),
        complete: false,
    });
    let mut summary = Summary {
        from: cfg.from.to_string(),
        to: cfg.to.to_string(),
        partitions: cp.spans.clone(),
        resumed,
        ..Summary::default()
    };
    // Where each partition starts now, and which still have records to read.
    let mut todo: BTreeMap<Tp, (i64, i64)> = BTreeMap::new();
    for (tp, s) in &spans {
        let next = cp.next.get(&key(&tp.0, tp.1)).copied().unwrap_or(s.start).max(s.start);
        if next < s.end {
            todo.insert(tp.clone(), (next, s.end));
        }
    }
    let total: i64 = todo.values().map(|(a, b)| b - a).sum();
    let mut writer = match &cfg.output {
        Output::File(p) => {
            // Appending when resuming: the lines past the checkpoint are written again (duplicates,
            // never a gap; command ids are deterministic).
            let f = std::fs::OpenOptions::new().create(true).append(resumed).write(true).truncate(!resumed).open(p).map_err(|e| Error::Io(p.display().to_string(), e))?;
            Some(std::io::BufWriter::new(f))
        }
        _ => None,
    };
    let metrics = Metrics::new(&cfg.topics);
    let producer: Option<FutureProducer> = match &cfg.output {
        Output::Topic(_) => Some(idempotent_producer_config(&cfg.brokers, &cfg.librdkafka).create()?),
        _ => None,
    };
    let targets = Targets {
        commands_topic: match &cfg.output {
            Output::Topic(t) => t.clone(),
            _ => String::new(),
        },
        dlq_topic: None,
        findings_topic: None,
        collect_findings: cfg.correlate.is_some(),
        pass_through: false,
        mode: Mode::Replay,
        max_command_bytes: crate::pipeline::max_command_bytes(&cfg.librdkafka),
    };
    // The window is one history: every conversation in it (up to the capacity bound), no TTL.
    let mut correlator = cfg.correlate.map(|l| Correlator::new(Limits { ttl_ms: None, ..l }, proc.policy.action(Reason::ConversationCombination), Mode::Replay));
    let commands_topic = targets.commands_topic.clone();
    let max_command_bytes = targets.max_command_bytes;
    let loop_producer = producer.clone();
    let mut progress = progress::Progress::new(total.max(0) as u64, todo.len());
    if !todo.is_empty() {
        let consumer: StreamConsumer = consumer_config(&cfg).create()?;
        let mut tpl = TopicPartitionList::new();
        for ((t, p), (start, _)) in &todo {
            tpl.add_partition_offset(t, *p, Offset::Offset(*start))?;
        }
        consumer.assign(&tpl)?;
        let mut engine = Engine::new(ReplaySink { proc: proc.clone(), targets, metrics: metrics.clone(), producer });
        let mut open: BTreeMap<Tp, i64> = todo.iter().map(|(tp, (_, end))| (tp.clone(), *end)).collect();
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let (from_ms, to_ms) = (
            if let Bound::Time(t) = cfg.from { Some(t) } else { None },
            if let Bound::Time(t) = cfg.to { Some(t) } else { None },
        );
        loop {
            if open.is_empty() && engine.in_flight() == 0 {
                break;
            }
            let room = engine.unsettled() < cfg.max_in_flight;
            tokio::select! {
                // The signal that resolves `stop` has armed the deadline already.
                () = &mut stop => {
                    guard.enter(Phase::Drain, engine.in_flight());
                    interrupted = true;
                    // Saved now: closing the clients below may wait for a broker that is gone.
                    save(&cfg, cp, writer.as_mut())?;
                    break;
                }
                mut h = engine.next() => {
                    if let Some(c) = correlator.as_mut() {
                        let mut outs = Vec::new();
                        for f in std::mem::take(&mut h.done.findings) {
                            // Time 0 for every record, as in `scan --correlate`: with no TTL nothing expires
                            // (closed conversations included) and arrival order does not matter.
                            outs.extend(c.apply(f, 0).iter().flat_map(|e| record::command_outs(&metrics, &e.command, &commands_topic, max_command_bytes)));
                        }
                        c.take_forgotten();
                        match &loop_producer {
                            Some(p) => {
                                let n = outs.len();
                                record::deliver(p, &metrics, None, outs, None).await;
                                h.done.lines.extend(std::iter::repeat_n(Vec::new(), n));
                            }
                            None => h.done.lines.extend(outs.into_iter().map(|o| o.payload)),
                        }
                    }
                    let d = &h.done;
                    if let Some(w) = writer.as_mut() {
                        for l in &d.lines {
                            w.write_all(l).and_then(|()| w.write_all(b"\n")).map_err(|e| Error::Io("output".into(), e))?;
                        }
                    }
                    summary.commands += d.lines.len() as u64;
                    if let Some(r) = d.dead {
                        *summary.dead_letters.entry(r).or_default() += 1;
                    }
                    if let Some(w) = engine.settle(&h) {
                        cp.next.insert(key(&h.tp.0, h.tp.1), w + 1);
                    }
                }
                _ = tick.tick() => {
                    // A partition whose position passed its end is done even if its last offsets
                    // were never delivered (transaction markers, compaction).
                    let done: Vec<Tp> = open.iter().filter(|(tp, end)| {
                        consumer.position().ok().and_then(|p| p.find_partition(&tp.0, tp.1).map(|e| e.offset()))
                            .is_some_and(|o| matches!(o, Offset::Offset(x) if x >= **end))
                    }).map(|(tp, _)| tp.clone()).collect();
                    for tp in done {
                        close(&consumer, &mut open, &tp, &mut progress);
                    }
                    save(&cfg, cp, writer.as_mut())?;
                    progress.tick();
                }
                msg = consumer.recv(), if room => {
                    let m = match msg {
                        Ok(m) => m,
                        Err(e) if fatal(&e) => return Err(e.into()),
                        Err(e) => {
                            // Transport errors: librdkafka reconnects; a crash would resume from
                            // the checkpoint anyway.
                            tracing::warn!(error = %e, "consume error; retrying");
                            tokio::time::sleep(Duration::from_millis(200)).await;
                            continue;
                        }
                    };
                    let tp: Tp = (m.topic().to_owned(), m.partition());
                    let Some(&end) = open.get(&tp) else { continue };
                    let offset = m.offset();
                    if offset >= end {
                        close(&consumer, &mut open, &tp, &mut progress);
                        continue;
                    }
                    progress.record(&tp);
                    if offset + 1 >= end {
                        close(&consumer, &mut open, &tp, &mut progress);
                    }
                    let ts = m.timestamp().to_millis();
                    let outside = ts.is_some_and(|t| from_ms.is_some_and(|f| t < f) || to_ms.is_some_and(|x| t > x));
                    if outside {
                        summary.filtered += 1;
                        engine.skip(tp, offset, Done::default());
                        continue;
                    }
                    summary.records += 1;
                    summary.bytes += m.payload().map_or(0, <[u8]>::len) as u64;
                    engine.begin(&m);
                }
            }
        }
    }
    if let Some(w) = writer.as_mut() {
        w.flush().map_err(|e| Error::Io("output".into(), e))?;
    }
    if interrupted {
        // Records in flight are abandoned: the checkpoint, saved at the signal, holds only the
        // handled prefix.
        progress.finish();
        return Err(Error::Interrupted { records: summary.records, checkpointed: cfg.checkpoint.is_some() });
    }
    if let Some(c) = &correlator {
        let n = c.counts();
        summary.conversations = Some(ConversationSummary { combinations: n.combinations, commands: n.commands, evicted: n.evicted_capacity });
    }
    if matches!(cfg.output, Output::DryRun) {
        summary.commands = 0;
    }
    cp.complete = true;
    save(&cfg, cp, writer.as_mut())?;
    progress.finish();
    for k in crate::scanner::Kind::ALL {
        let n = metrics.findings.with_label_values(&[k.as_str()]).get();
        if n > 0 {
            summary.findings.insert(k.as_str(), n);
        }
    }
    for r in crate::metrics::REASONS {
        let n = metrics.prohibited_events.with_label_values(&[r]).get();
        if n > 0 {
            summary.reasons.insert(r, n);
        }
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Errors a replay cannot go past: the range is no longer there.
fn fatal(e: &rdkafka::error::KafkaError) -> bool {
    use rdkafka::types::RDKafkaErrorCode as C;
    matches!(e.rdkafka_error_code(), Some(C::OffsetOutOfRange | C::AutoOffsetReset | C::UnknownTopicOrPartition | C::UnknownPartition | C::TopicAuthorizationFailed))
}

/// A partition reached its end: stop fetching it.
fn close(consumer: &StreamConsumer, open: &mut BTreeMap<Tp, i64>, tp: &Tp, progress: &mut progress::Progress) {
    if open.remove(tp).is_some() {
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition(&tp.0, tp.1);
        let _ = consumer.pause(&tpl);
        progress.partition_done();
    }
}

/// Flushes the output, then records the handled prefix (so the checkpoint never runs ahead of
/// what is written).
fn save(cfg: &ReplayConfig, cp: &Checkpoint, writer: Option<&mut std::io::BufWriter<std::fs::File>>) -> Result<(), Error> {
    let Some(path) = &cfg.checkpoint else { return Ok(()) };
    if let Some(w) = writer {
        w.flush().and_then(|()| w.get_ref().sync_data()).map_err(|e| Error::Io("output".into(), e))?;
    }
    cp.save(path).map_err(|e| Error::Io(path.display().to_string(), e))
}
