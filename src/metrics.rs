//! Prometheus metrics of the service, on a private registry (no process-global state, so tests and
//! several services in one process do not share counters).
//!
//! Label values come only from closed sets (kinds, reasons, actions, outcomes) or from the
//! configuration (input topic names, partition numbers): never from a payload. Every labelled
//! series of a closed set is created at zero on start, so alert rules see 0 rather than nothing.

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use crate::scanner::json::RecordError;
use crate::scanner::Kind;

/// Outcomes of a consumed event (record): `consumed = clean + findings + dead_lettered`.
pub const OUTCOMES: [&str; 3] = ["clean", "findings", "dead_lettered"];
/// Command reasons.
pub const REASONS: [&str; 5] = ["prohibited_combination", "identifier", "category", "conversation_combination", "unscanned"];
/// Command actions.
pub const ACTIONS: [&str; 4] = ["redact", "delete", "tag", "review"];
/// Where a delivery goes.
pub const DESTINATIONS: [&str; 4] = ["commands", "dlq", "findings", "state"];
/// Why the conversation stage forgot a conversation.
pub const EVICTION_REASONS: [&str; 3] = ["ttl", "closed", "capacity"];
/// Every dead-letter reason: why a record was not JSON, or that scanning it panicked (`scan_panic`).
pub fn dead_letter_reasons() -> impl Iterator<Item = &'static str> {
    RecordError::ALL.into_iter().map(RecordError::as_str)
}

/// Classes of delivery errors that retrying does not cure (see `pipeline::record::permanent_class`).
pub const PERMANENT_CLASSES: [&str; 4] = ["too_large", "unauthorized", "unknown_topic", "invalid_record"];

/// Why consumption is paused.
pub const PAUSE_REASONS: [&str; 2] = ["in_flight", "dlq_storm"];

/// The service's metrics.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// Records consumed, per input topic.
    pub events_consumed: IntCounterVec,
    /// Record bytes scanned, per input topic.
    pub bytes_scanned: IntCounterVec,
    /// Records per outcome, per input topic.
    pub events: IntCounterVec,
    /// Findings per kind.
    pub findings: IntCounterVec,
    /// Events that need action, per reason.
    pub prohibited_events: IntCounterVec,
    /// Commands acknowledged by the broker, per action.
    pub commands_produced: IntCounterVec,
    /// Dead-letter references acknowledged, per reason.
    pub dead_letters: IntCounterVec,
    /// Failed delivery attempts (each is retried), per destination.
    pub delivery_errors: IntCounterVec,
    /// Failed delivery attempts whose error retrying does not cure, by class.
    pub delivery_permanent_errors: IntCounterVec,
    /// Rebalance events, per kind (assign, revoke).
    pub rebalances: IntCounterVec,
    /// Consumer lag (high watermark − committed offset), per assigned partition.
    pub consumer_lag: IntGaugeVec,
    /// Committed offset as librdkafka last reported it, per assigned partition.
    pub committed_offset: IntGaugeVec,
    /// Next offset stored for commit (the contiguous handled watermark), per partition.
    pub watermark: IntGaugeVec,
    /// Records read and not yet fully handled.
    pub in_flight: IntGauge,
    /// 1 while consumption is paused, per reason.
    pub paused: IntGaugeVec,
    /// Dead-letter storms that paused consumption.
    pub dlq_storm_pauses: IntCounter,
    /// 1 when ready (broker reachable, group joined, not paused by a storm).
    pub ready: IntGauge,
    /// Seconds to scan one record.
    pub scan_duration: Histogram,
    /// Seconds from a record's timestamp to the acknowledgement of its last command.
    pub detection_latency: Histogram,
    /// Assigned partitions.
    pub assigned_partitions: IntGauge,
    /// Brokers the consumer is connected to.
    pub brokers_up: IntGauge,
    /// Group lag (high watermark − the group's committed offset) of every partition of the input
    /// topics, whoever owns it.
    pub group_lag: IntGaugeVec,
    /// Partitions with lag and no committed progress for the stall time, not assigned here.
    pub group_stalled_partitions: IntGauge,
    /// Times this instance left and rejoined the group to unstick stalled partitions.
    pub group_rejoins: IntCounter,
    /// `run` with a findings topic: finding records acknowledged, by key kind, and events with
    /// a name or an identifier whose conversation could not be resolved (`unresolved`).
    pub conversation_findings: IntCounterVec,
    /// `correlate`: conversations held in state (all assigned partitions).
    pub state_entries: IntGauge,
    /// `correlate`: conversations forgotten, by reason (ttl, closed, capacity).
    pub state_evictions: IntCounterVec,
    /// `correlate`: seconds to restore a partition's state from the changelog.
    pub state_restore_seconds: Histogram,
    /// `correlate`: changelog records read while restoring.
    pub state_restored_records: IntCounter,
    /// `correlate`: conversations in which a name and an identifier of different events met.
    pub conversation_combinations: IntCounter,
    /// `correlate`: events decided but not kept (the conversation held `max_refs`).
    pub state_refs_truncated: IntCounter,
    /// correlate: changelog writes of another instance after this one's claim (a zombie's).
    pub state_zombie_writes: IntCounter,
    /// Commands larger than the producer takes, sent in parts.
    pub commands_split: IntCounter,
    /// correlate: finding records written under another HMAC key id.
    pub conversation_kid_mismatch: IntCounter,
}

fn counter(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
    r.register(Box::new(c.clone())).expect("unique metric");
    c
}

fn gauge(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    let g = IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric");
    r.register(Box::new(g.clone())).expect("unique metric");
    g
}

fn histogram(r: &Registry, name: &str, help: &str, buckets: Vec<f64>) -> Histogram {
    let h = Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets)).expect("valid metric");
    r.register(Box::new(h.clone())).expect("unique metric");
    h
}

fn scalar_counter(r: &Registry, name: &str, help: &str) -> IntCounter {
    let c = IntCounter::new(name, help).expect("valid metric");
    r.register(Box::new(c.clone())).expect("unique metric");
    c
}

fn scalar_gauge(r: &Registry, name: &str, help: &str) -> IntGauge {
    let g = IntGauge::new(name, help).expect("valid metric");
    r.register(Box::new(g.clone())).expect("unique metric");
    g
}

impl Metrics {
    /// Creates the metrics for a service reading `topics`.
    pub fn new(topics: &[String]) -> Metrics {
        let r = Registry::new();
        let m = Metrics {
            events_consumed: counter(&r, "piiguard_events_consumed_total", "Records (events) consumed.", &["topic"]),
            bytes_scanned: counter(&r, "piiguard_bytes_scanned_total", "Record bytes scanned.", &["topic"]),
            events: counter(&r, "piiguard_events_total", "Records by outcome: clean, findings (scanned with at least one finding), dead_lettered (not valid JSON or too large; scanned as raw text).", &["topic", "outcome"]),
            findings: counter(&r, "piiguard_findings_total", "Findings by kind (names and identifiers, whether or not a command names them).", &["kind"]),
            prohibited_events: counter(&r, "piiguard_prohibited_events_total", "Events that need action, by reason.", &["reason"]),
            commands_produced: counter(&r, "piiguard_commands_produced_total", "Commands acknowledged by the broker, by action.", &["action"]),
            dead_letters: counter(&r, "piiguard_dead_letters_total", "Dead-letter references acknowledged by the broker, by reason.", &["reason"]),
            delivery_errors: counter(&r, "piiguard_delivery_errors_total", "Failed delivery attempts (each is retried; the watermark waits), by destination.", &["destination"]),
            delivery_permanent_errors: counter(&r, "piiguard_delivery_permanent_errors_total", "Failed delivery attempts whose error retrying does not cure (too_large, unauthorized, unknown_topic, invalid_record): the watermark holds and the service is not ready until the topic is fixed.", &["class"]),
            rebalances: counter(&r, "piiguard_rebalances_total", "Consumer group rebalance events, by kind.", &["kind"]),
            consumer_lag: gauge(&r, "piiguard_consumer_lag", "Records behind: high watermark minus committed offset, per assigned partition (librdkafka statistics).", &["topic", "partition"]),
            committed_offset: gauge(&r, "piiguard_committed_offset", "Committed offset per assigned partition (librdkafka statistics).", &["topic", "partition"]),
            watermark: gauge(&r, "piiguard_watermark_offset", "Next offset stored for commit: every record below it is handled.", &["topic", "partition"]),
            in_flight: scalar_gauge(&r, "piiguard_in_flight_records", "Records read and not yet fully handled."),
            paused: gauge(&r, "piiguard_paused", "1 while consumption is paused, by reason.", &["reason"]),
            dlq_storm_pauses: scalar_counter(&r, "piiguard_dlq_storm_pauses_total", "Dead-letter storms that paused consumption."),
            ready: scalar_gauge(&r, "piiguard_ready", "1 when ready: broker reachable, group joined, not paused by a dead-letter storm."),
            scan_duration: histogram(&r, "piiguard_scan_duration_seconds", "Time to scan one record.", prometheus::exponential_buckets(5e-6, 4.0, 10).expect("valid buckets")),
            detection_latency: histogram(&r, "piiguard_detection_latency_seconds", "Time from a record's timestamp to the broker's acknowledgement of its commands.", vec![0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0]),
            assigned_partitions: scalar_gauge(&r, "piiguard_assigned_partitions", "Partitions assigned to this instance."),
            brokers_up: scalar_gauge(&r, "piiguard_brokers_up", "Brokers the consumer is connected to."),
            group_lag: gauge(&r, "piiguard_group_lag", "Records behind for the whole group: high watermark minus the group's committed offset, per partition of the input topics, whoever owns it.", &["topic", "partition"]),
            group_stalled_partitions: scalar_gauge(&r, "piiguard_group_stalled_partitions", "Partitions of the input topics with lag and no committed progress for the stall time, not assigned to this instance."),
            group_rejoins: scalar_counter(&r, "piiguard_group_rejoins_total", "Times this instance left and rejoined the group because partitions stalled."),
            conversation_findings: counter(&r, "piiguard_conversation_findings_total", "run with a findings topic: finding records acknowledged, by conversation key kind; unresolved: events with a name or an identifier and no conversation key.", &["key"]),
            state_entries: scalar_gauge(&r, "piiguard_state_entries", "correlate: conversations held in state, over the assigned partitions."),
            state_evictions: counter(&r, "piiguard_state_evictions_total", "correlate: conversations forgotten, by reason: ttl, closed (after an event that ended it), capacity (halves that may never meet).", &["reason"]),
            state_restore_seconds: histogram(&r, "piiguard_state_restore_seconds", "correlate: time to restore one partition's state from the changelog.", vec![0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0]),
            state_restored_records: scalar_counter(&r, "piiguard_state_restored_records_total", "correlate: changelog records read while restoring."),
            conversation_combinations: scalar_counter(&r, "piiguard_conversation_combinations_total", "correlate: conversations in which a name and an identifier of different events met."),
            state_refs_truncated: scalar_counter(&r, "piiguard_state_refs_truncated_total", "correlate: events decided but not kept because their conversation held max_refs events."),
            conversation_kid_mismatch: scalar_counter(&r, "piiguard_conversation_kid_mismatch_total", "correlate: finding records written under another HMAC key id than this instance's (run and correlate must share the key: SMS conversation keys and fingerprints differ between keys)."),
            state_zombie_writes: scalar_counter(&r, "piiguard_state_zombie_writes_total", "correlate: changelog writes by another instance after this one claimed the partition (a paused former owner: merged and written again)."),
            commands_split: scalar_counter(&r, "piiguard_commands_split_total", "Commands larger than the producer's message.max.bytes, sent as several parts (each with part.index, part.count and part.of)."),
            registry: r,
        };
        let info = gauge(&m.registry, "piiguard_build_info", "Build information; the value is 1.", &["version"]);
        info.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        for t in topics {
            m.events_consumed.with_label_values(&[t]);
            m.bytes_scanned.with_label_values(&[t]);
            for o in OUTCOMES {
                m.events.with_label_values(&[t.as_str(), o]);
            }
        }
        for k in Kind::ALL {
            m.findings.with_label_values(&[k.as_str()]);
        }
        for r in REASONS {
            m.prohibited_events.with_label_values(&[r]);
        }
        for a in ACTIONS {
            m.commands_produced.with_label_values(&[a]);
        }
        for r in dead_letter_reasons() {
            m.dead_letters.with_label_values(&[r]);
        }
        for d in DESTINATIONS {
            m.delivery_errors.with_label_values(&[d]);
        }
        for c in PERMANENT_CLASSES {
            m.delivery_permanent_errors.with_label_values(&[c]);
        }
        for k in ["assign", "revoke"] {
            m.rebalances.with_label_values(&[k]);
        }
        for p in PAUSE_REASONS {
            m.paused.with_label_values(&[p]);
        }
        for k in crate::correlate::key::KeyKind::ALL.map(|k| k.as_str()).into_iter().chain(["unresolved"]) {
            m.conversation_findings.with_label_values(&[k]);
        }
        for r in EVICTION_REASONS {
            m.state_evictions.with_label_values(&[r]);
        }
        m
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buf).expect("text encoding");
        String::from_utf8(buf).expect("UTF-8 exposition")
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Action, Reason};

    #[test]
    fn label_sets_list_every_reason_and_action() {
        assert_eq!(REASONS.to_vec(), Reason::ALL.map(Reason::as_str).to_vec());
        assert_eq!(ACTIONS.to_vec(), Action::ALL.map(Action::as_str).to_vec());
    }
}
