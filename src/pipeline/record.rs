//! One record's work: scan it, build what must be produced for it (commands, a dead-letter
//! reference), count it, and deliver, retrying each failed delivery until it succeeds; and the
//! service's sink ([`Deliver`]) that does this for the engine.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rdkafka::message::{Message, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::util::Timeout;
use serde::Serialize;

use super::engine::{Record, Sink};
use super::health::Health;
use crate::commands::{Mode, Source};
use crate::fingerprint::Fingerprinter;
use crate::correlate::record::{self as conversation, Outcome};
use crate::correlate::FindingRecord;
use crate::metrics::Metrics;
use crate::process::Processor;
use crate::scanner::json::RecordError;
use crate::scanner::Kind;

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

/// What a produced record is, for counting its acknowledgement.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Dest {
    /// A command with this action.
    Command(&'static str),
    /// A dead-letter reference with this reason.
    DeadLetter(&'static str),
    /// A pass-through copy (benchmark baseline).
    PassThrough,
    /// A finding record for the conversation stage, with its key kind.
    Finding(&'static str),
}

/// One record to produce.
pub(crate) struct Out {
    pub(crate) dest: Dest,
    pub(crate) topic: String,
    pub(crate) key: String,
    pub(crate) payload: Vec<u8>,
}

/// Where outputs go and whether to scan at all.
#[derive(Debug, Clone)]
pub(crate) struct Targets {
    pub(crate) commands_topic: String,
    /// Where dead-letter references go; `None` (a replay): none is produced, the reason is still
    /// reported.
    pub(crate) dlq_topic: Option<String>,
    /// Where finding records go for the conversation stage (`None`: not written).
    pub(crate) findings_topic: Option<String>,
    /// Hand finding records back in [`Outputs::findings`] (a replay's own correlation).
    pub(crate) collect_findings: bool,
    /// Benchmark baseline: no scanning, one small reference record per input.
    pub(crate) pass_through: bool,
    /// `live` or `replay`, written in the commands.
    pub(crate) mode: Mode,
    /// A command larger than this is sent in parts (see [`command_outs`]).
    pub(crate) max_command_bytes: usize,
}

/// A command to produce to `topic`, counted by its reason: one record, or, when it serialises to
/// more than `max_bytes`, one per part ([`crate::commands::split`]).
pub(crate) fn command_outs(metrics: &Metrics, c: &crate::commands::Command, topic: &str, max_bytes: usize) -> Vec<Out> {
    metrics.prohibited_events.with_label_values(&[c.reason.as_str()]).inc();
    let out = |c: &crate::commands::Command, payload: Vec<u8>| {
        // Keyed by the resource, so one resource's commands stay in order on one partition.
        let key = c.resource.sid.map_or_else(|| c.command_id.clone(), |s| s.as_str().to_owned());
        Out { dest: Dest::Command(c.action.as_str()), topic: topic.to_owned(), key, payload }
    };
    let payload = serde_json::to_vec(c).expect("serialisable");
    if payload.len() <= max_bytes {
        return vec![out(c, payload)];
    }
    let parts = crate::commands::split(c.clone(), max_bytes);
    if parts.len() > 1 {
        metrics.commands_split.inc();
        tracing::warn!(parts = parts.len(), findings = c.findings.len(), max_bytes, "a command is larger than the producer's message.max.bytes: sent in parts");
    }
    parts.iter().map(|p| out(p, serde_json::to_vec(p).expect("serialisable"))).collect()
}

/// A dead-letter reference to `payload` (read at `source`) for `reason`: coordinates, length and
/// keyed hash, never the bytes.
pub(crate) fn dead_letter(fp: &Fingerprinter, reason: &'static str, source: &Source, payload: &[u8], position: Option<(usize, usize)>, dlq_topic: &str) -> Out {
    let key = match source {
        Source::Kafka { topic, partition, offset, .. } => format!("{topic}/{partition}/{offset}"),
        Source::File { file, line } => format!("{file}:{line}"),
    };
    let dl = DeadLetter {
        version: 1,
        reason,
        source,
        length: payload.len(),
        payload_hmac: fp.record_hmac(payload),
        kid: fp.kid(),
        error_line: position.map(|x| x.0),
        error_column: position.map(|x| x.1),
    };
    let body = serde_json::to_vec(&dl).expect("serialisable");
    Out { dest: Dest::DeadLetter(reason), topic: dlq_topic.to_owned(), key, payload: body }
}

/// Where `m` was read; its key only as a keyed hash.
pub(crate) fn source_of(fp: &Fingerprinter, m: &OwnedMessage) -> Source {
    Source::Kafka {
        topic: m.topic().to_owned(),
        partition: m.partition(),
        offset: m.offset(),
        key_hmac: m.key().map(|k| fp.key_hmac(k)),
        timestamp: m.timestamp().to_millis(),
    }
}

/// What one record produces: the records to send before its offset may be committed, and why it
/// was not JSON, if it was not.
#[derive(Default)]
pub(crate) struct Outputs {
    pub(crate) outs: Vec<Out>,
    pub(crate) dead: Option<&'static str>,
    /// Finding records, with [`Targets::collect_findings`].
    pub(crate) findings: Vec<FindingRecord>,
}

/// Scans one record, counts it, and returns what must be produced before its offset may be
/// committed.
pub(crate) fn outputs(proc: &Processor, t: &Targets, metrics: &Metrics, m: &OwnedMessage) -> Outputs {
    let topic = m.topic();
    metrics.events_consumed.with_label_values(&[topic]).inc();
    let Some(payload) = m.payload() else {
        // A tombstone: nothing to scan, nothing to send.
        metrics.events.with_label_values(&[topic, "clean"]).inc();
        return Outputs::default();
    };
    let coords = format!("{topic}/{}/{}", m.partition(), m.offset());
    if t.pass_through {
        let body = serde_json::to_vec(&source_of(&proc.fingerprinter, m)).expect("serialisable");
        return Outputs { outs: vec![Out { dest: Dest::PassThrough, topic: t.commands_topic.clone(), key: coords, payload: body }], ..Outputs::default() };
    }
    let source = source_of(&proc.fingerprinter, m);
    let started = Instant::now();
    // A panic while scanning (a bug) is caught by the processor: the record gets an `unscanned`
    // command and a `scan_panic` dead-letter reference, and the next one flows.
    let (p, scan) = proc.process_keeping_scan(payload, &source, t.mode);
    if p.error == Some(RecordError::ScanPanic) {
        tracing::error!(topic, partition = m.partition(), offset = m.offset(), "the scanner panicked on a record (a bug): not scanned; an unscanned command names its resource and a scan_panic dead-letter reference is sent; the next record flows");
    }
    metrics.scan_duration.observe(started.elapsed().as_secs_f64());
    metrics.bytes_scanned.with_label_values(&[topic]).inc_by(payload.len() as u64);
    for (k, n) in Kind::ALL.iter().zip(p.findings) {
        if n > 0 {
            metrics.findings.with_label_values(&[k.as_str()]).inc_by(n);
        }
    }
    let outcome = if p.error.is_some() {
        "dead_lettered"
    } else if p.findings.iter().any(|&n| n > 0) {
        "findings"
    } else {
        "clean"
    };
    metrics.events.with_label_values(&[topic, outcome]).inc();
    let mut out = Vec::with_capacity(p.commands.len() + 1);
    let dead = p.error.map(|e| e.as_str());
    if let (Some(e), Some(dlq_topic)) = (p.error, &t.dlq_topic) {
        out.push(dead_letter(&proc.fingerprinter, e.as_str(), &source, payload, p.error_position, dlq_topic));
    }
    out.extend(p.commands.iter().flat_map(|c| command_outs(metrics, c, &t.commands_topic, t.max_command_bytes)));
    // The conversation stage's input: each event's halves, keyed by its conversation.
    let mut findings = Vec::new();
    if t.findings_topic.is_some() || t.collect_findings {
        for ev in &scan.events {
            match conversation::of_event(&proc.policy, &proc.fingerprinter, ev, payload, &source, p.error) {
                Outcome::Record(r) => match &t.findings_topic {
                    Some(topic) => {
                        let body = serde_json::to_vec(&*r).expect("serialisable");
                        out.push(Out { dest: Dest::Finding(r.key_kind.as_str()), topic: topic.clone(), key: r.conversation.clone(), payload: body });
                    }
                    None => {
                        metrics.conversation_findings.with_label_values(&[r.key_kind.as_str()]).inc();
                        findings.push(*r);
                    }
                },
                Outcome::Unresolved => metrics.conversation_findings.with_label_values(&["unresolved"]).inc(),
                Outcome::Nothing => {}
            }
        }
    }
    Outputs { outs: out, dead, findings }
}

/// The service's sink: a record's commands and dead-letter reference go to their topics. Done:
/// whether the record was dead-lettered (for the storm window).
pub(crate) struct Deliver {
    pub(crate) proc: Arc<Processor>,
    pub(crate) targets: Targets,
    pub(crate) metrics: Metrics,
    pub(crate) producer: FutureProducer,
    /// Told when a delivery fails permanently (not ready until it goes through).
    pub(crate) health: Arc<Health>,
}

impl Sink for Deliver {
    type Done = bool;
    type Prep = ();

    fn prepare(&self, _: &OwnedMessage) {}

    async fn handle(self: Arc<Self>, record: Record, (): ()) -> bool {
        let o = outputs(&self.proc, &self.targets, &self.metrics, &record);
        let timestamp = record.timestamp().to_millis();
        drop(record);
        deliver(&self.producer, &self.metrics, Some(&self.health), o.outs, timestamp).await;
        o.dead.is_some()
    }
}

/// Sends one record's outputs, retrying each failed delivery with backoff until it succeeds, and
/// counts the acknowledgements. `timestamp_ms` is the record's timestamp, for the detection latency.
pub(crate) async fn deliver(producer: &FutureProducer, metrics: &Metrics, health: Option<&Health>, outs: Vec<Out>, timestamp_ms: Option<i64>) {
    let mut commands = false;
    for o in outs {
        let mut backoff = Duration::from_millis(100);
        // Set while this delivery fails with a permanent error: the service is then not ready.
        let mut blocked = false;
        loop {
            let mut rec: FutureRecord<'_, str, [u8]> = FutureRecord::to(o.topic.as_str()).key(o.key.as_str()).payload(o.payload.as_slice());
            // A finding record carries its event's time: the conversation stage's TTL runs on it.
            if let (Dest::Finding(_), Some(ts)) = (o.dest, timestamp_ms) {
                rec = rec.timestamp(ts);
            }
            match producer.send(rec, Timeout::After(Duration::from_secs(30))).await {
                Ok(_) => {
                    if let (true, Some(h)) = (blocked, health) {
                        h.unblocked();
                    }
                    break;
                }
                Err((e, _)) => {
                    let destination = match o.dest {
                        Dest::DeadLetter(_) => "dlq",
                        Dest::Finding(_) => "findings",
                        Dest::Command(_) | Dest::PassThrough => "commands",
                    };
                    metrics.delivery_errors.with_label_values(&[destination]).inc();
                    // The error names a class and code, never the payload.
                    match permanent(metrics, health, &mut blocked, &e) {
                        Some(class) => {
                            tracing::error!(topic = %o.topic, class, error = %e, retry_in_ms = backoff.as_millis() as u64, "delivery fails with an error retrying does not cure; the watermark holds and the service is not ready until the topic is fixed");
                        }
                        None => tracing::warn!(topic = %o.topic, error = %e, retry_in_ms = backoff.as_millis() as u64, "delivery failed; the watermark waits for the retry"),
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
        match o.dest {
            Dest::Command(action) => {
                metrics.commands_produced.with_label_values(&[action]).inc();
                commands = true;
            }
            Dest::DeadLetter(reason) => metrics.dead_letters.with_label_values(&[reason]).inc(),
            Dest::Finding(key) => metrics.conversation_findings.with_label_values(&[key]).inc(),
            Dest::PassThrough => {}
        }
    }
    if let (true, Some(ts)) = (commands, timestamp_ms) {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        metrics.detection_latency.observe((now - ts).max(0) as f64 / 1000.0);
    }
}

/// Counts a failed write's error if retrying does not cure it and, the first time for this write
/// (`blocked` false), tells `health` (not ready until [`Health::unblocked`]); returns its class,
/// `None` for a transient error. Shared by deliveries and `correlate`'s state writes.
pub(crate) fn permanent(metrics: &Metrics, health: Option<&Health>, blocked: &mut bool, e: &rdkafka::error::KafkaError) -> Option<&'static str> {
    let class = permanent_class(e)?;
    metrics.delivery_permanent_errors.with_label_values(&[class]).inc();
    if let (false, Some(h)) = (*blocked, health) {
        h.blocked(class);
    }
    *blocked = true;
    Some(class)
}

/// The class of a delivery error that retrying does not cure (librdkafka's codes), or `None` for
/// a transient one (timeouts, a broker away, a leader moving).
pub(crate) fn permanent_class(e: &rdkafka::error::KafkaError) -> Option<&'static str> {
    use rdkafka::types::RDKafkaErrorCode as C;
    match e.rdkafka_error_code()? {
        C::MessageSizeTooLarge | C::InvalidMessageSize | C::MessageBatchTooLarge => Some("too_large"),
        C::TopicAuthorizationFailed | C::ClusterAuthorizationFailed | C::TransactionalIdAuthorizationFailed => Some("unauthorized"),
        C::UnknownTopic | C::InvalidTopic => Some("unknown_topic"),
        C::InvalidRecord | C::InvalidMessage | C::InvalidRequiredAcks => Some("invalid_record"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use rdkafka::error::KafkaError;
    use rdkafka::types::RDKafkaErrorCode as C;

    #[test]
    fn permanent_delivery_errors_are_classified_transient_ones_are_not() {
        let class = |c| super::permanent_class(&KafkaError::MessageProduction(c));
        assert_eq!(class(C::MessageSizeTooLarge), Some("too_large"));
        assert_eq!(class(C::TopicAuthorizationFailed), Some("unauthorized"));
        assert_eq!(class(C::UnknownTopic), Some("unknown_topic"));
        assert_eq!(class(C::InvalidRecord), Some("invalid_record"));
        for transient in [C::MessageTimedOut, C::RequestTimedOut, C::NotLeaderForPartition, C::AllBrokersDown, C::QueueFull, C::UnknownTopicOrPartition] {
            assert_eq!(class(transient), None, "{transient:?}");
        }
        // Every class is a metric label.
        for c in [C::MessageSizeTooLarge, C::TopicAuthorizationFailed, C::UnknownTopic, C::InvalidRecord] {
            assert!(crate::metrics::PERMANENT_CLASSES.contains(&class(c).unwrap()));
        }
    }
}
