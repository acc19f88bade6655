//! The group's view of every partition of the input topics, whoever owns it.
//!
//! librdkafka's statistics cover only the partitions assigned to this instance, so a partition
//! held by a dead member (or owned by nobody) is invisible there: its lag is reported by no one
//! and no alert fires. Brokers are supposed to expire a dead member after `session.timeout.ms`
//! and rebalance; the local test broker (tansu 0.6.0) can keep one for good (`docs/local-broker.md`).
//!
//! A background thread reads, every few seconds, the group's committed offset and the high
//! watermark of every partition of the input topics (an `OffsetFetch` for the group and a
//! `ListOffsets` per partition, with a client that never joins the group nor commits). A partition
//! **stalls** when it has lag and its committed offset has not moved for `group_stall`, while not
//! assigned to this instance (this instance's own partitions have their own alert, the stalled
//! scanner). Stalled partitions are exported (`piiguard_group_lag`,
//! `piiguard_group_stalled_partitions`), make `/readyz` say so, and ask the service loop to leave
//! and rejoin the group: a new member id and a fresh join make the broker compute a new assignment.
//! Rejoins back off (the stall time, doubling to 10 minutes) and are counted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use super::health::Health;
use super::offsets::Tp;
use super::{client_config, RunConfig};
use crate::metrics::Metrics;

/// Longest wait between two rejoins while a stall lasts.
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// Partitions currently assigned to this instance (kept by the rebalance callbacks).
pub(crate) type Assigned = Arc<Mutex<BTreeSet<Tp>>>;

/// Pure stall bookkeeping: when each partition's committed offset last moved.
#[derive(Debug, Default)]
pub(crate) struct StallTracker {
    /// Committed offset last seen, and since when it has had that value.
    seen: BTreeMap<Tp, (i64, Instant)>,
}

impl StallTracker {
    /// Records one observation; true when the partition counts as stalled: lag, not ours, and no
    /// committed progress for `stall`.
    pub(crate) fn observe(&mut self, now: Instant, tp: &Tp, committed: i64, high: i64, ours: bool, stall: Duration) -> bool {
        let since = match self.seen.get(tp) {
            Some(&(c, since)) if c == committed => since,
            _ => {
                self.seen.insert(tp.clone(), (committed, now));
                now
            }
        };
        !ours && high > committed && now.duration_since(since) >= stall
    }
}

/// Rejoin pacing while a stall lasts.
#[derive(Debug)]
pub(crate) struct Backoff {
    next: Option<Instant>,
    wait: Duration,
    first: Duration,
}

impl Backoff {
    pub(crate) fn new(first: Duration) -> Backoff {
        Backoff { next: None, wait: first, first }
    }

    /// Whether to rejoin now, given whether the group is stalled.
    pub(crate) fn due(&mut self, now: Instant, stalled: bool) -> bool {
        if !stalled {
            self.next = None;
            self.wait = self.first;
            return false;
        }
        if self.next.is_some_and(|n| now < n) {
            return false;
        }
        self.next = Some(now + self.wait);
        self.wait = (self.wait * 2).min(MAX_BACKOFF);
        true
    }
}

/// Starts the monitor thread. It sets `rejoin` when the service loop should leave and rejoin the
/// group, and stops when `stop` is set.
pub(crate) fn spawn(cfg: &RunConfig, stall: Duration, metrics: Metrics, health: Arc<Health>, assigned: Assigned, rejoin: Arc<AtomicBool>, stop: Arc<AtomicBool>) -> Result<(), rdkafka::error::KafkaError> {
    let mut c = client_config(&cfg.brokers, &cfg.librdkafka);
    // The same group, to read its commits; never subscribed, never committing.
    c.set("group.id", &cfg.group).set("enable.auto.commit", "false").set("enable.auto.offset.store", "false");
    let consumer: BaseConsumer = c.create()?;
    let topics = cfg.topics.clone();
    let every = (stall / 4).clamp(Duration::from_secs(1), Duration::from_secs(10));
    std::thread::Builder::new()
        .name("group-monitor".into())
        .spawn(move || {
            let mut tracker = StallTracker::default();
            let mut backoff = Backoff::new(stall);
            while !stop.load(Ordering::Relaxed) {
                let now = Instant::now();
                let ours = assigned.lock().expect("assigned lock").clone();
                match observe(&consumer, &topics) {
                    Ok(parts) => {
                        metrics.group_lag.reset();
                        let mut stalled = 0;
                        for (tp, (committed, high)) in &parts {
                            metrics.group_lag.with_label_values(&[&tp.0, &tp.1.to_string()]).set((high - committed).max(0));
                            stalled += usize::from(tracker.observe(now, tp, *committed, *high, ours.contains(tp), stall));
                        }
                        tracing::debug!(partitions = parts.len(), stalled, assigned_here = ours.len(), "group check");
                        metrics.group_stalled_partitions.set(stalled as i64);
                        health.set_group_stalled(stalled > 0);
                        if backoff.due(now, stalled > 0) {
                            tracing::warn!(stalled_partitions = stalled, stall_secs = stall.as_secs(), assigned_here = ours.len(),
                                "partitions of the group have lag and no committed progress, and are not assigned here: leaving and rejoining the group so the broker reassigns them");
                            rejoin.store(true, Ordering::SeqCst);
                        }
                    }
                    // The broker is away: readiness already says so; try again later.
                    Err(e) => tracing::debug!(error = %e, "group check failed"),
                }
                let until = Instant::now() + every;
                while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        })
        .expect("spawn the group monitor");
    Ok(())
}

/// (committed offset, high watermark) of every partition of `topics`; a partition with no commit
/// counts from its low watermark (the group starts there, `auto.offset.reset=earliest`).
fn observe(c: &BaseConsumer, topics: &[String]) -> Result<BTreeMap<Tp, (i64, i64)>, rdkafka::error::KafkaError> {
    let timeout = Duration::from_secs(5);
    let mut tpl = TopicPartitionList::new();
    for t in topics {
        let md = c.fetch_metadata(Some(t), timeout)?;
        for mt in md.topics().iter().filter(|mt| mt.name() == t && mt.error().is_none()) {
            for p in mt.partitions() {
                tpl.add_partition(t, p.id());
            }
        }
    }
    let committed = c.committed_offsets(tpl, timeout)?;
    let mut out = BTreeMap::new();
    for e in committed.elements() {
        let (low, high) = c.fetch_watermarks(e.topic(), e.partition(), timeout)?;
        let at = match e.offset() {
            Offset::Offset(o) => o,
            _ => low,
        };
        out.insert((e.topic().to_owned(), e.partition()), (at, high));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(p: i32) -> Tp {
        ("t".to_owned(), p)
    }

    #[test]
    fn a_partition_stalls_only_with_lag_no_progress_and_another_owner() {
        let stall = Duration::from_secs(10);
        let t0 = Instant::now();
        let mut s = StallTracker::default();
        assert!(!s.observe(t0, &tp(0), 5, 9, false, stall), "first sight starts the clock");
        assert!(!s.observe(t0 + Duration::from_secs(9), &tp(0), 5, 9, false, stall));
        assert!(s.observe(t0 + Duration::from_secs(10), &tp(0), 5, 9, false, stall), "lag, no progress for the stall time");
        assert!(!s.observe(t0 + Duration::from_secs(11), &tp(0), 6, 9, false, stall), "progress restarts the clock");
        assert!(!s.observe(t0 + Duration::from_secs(30), &tp(0), 6, 9, true, stall), "this instance's own partition");
        assert!(!s.observe(t0 + Duration::from_secs(30), &tp(1), 9, 9, false, stall));
        assert!(!s.observe(t0 + Duration::from_secs(60), &tp(1), 9, 9, false, stall), "no lag, nothing to move");
    }

    #[test]
    fn rejoins_back_off_while_the_stall_lasts_and_reset_after() {
        let t0 = Instant::now();
        let s = |n| t0 + Duration::from_secs(n);
        let mut b = Backoff::new(Duration::from_secs(10));
        assert!(!b.due(s(0), false));
        assert!(b.due(s(1), true), "first rejoin at once");
        assert!(!b.due(s(5), true));
        assert!(b.due(s(11), true), "then after 10 s");
        assert!(!b.due(s(25), true));
        assert!(b.due(s(31), true), "then after 20 s");
        assert!(!b.due(s(32), false), "stall over");
        assert!(b.due(s(33), true), "a new stall rejoins at once");
        for i in 0..20 {
            b.due(s(40 + i * 1000), true);
        }
        assert_eq!(b.wait, MAX_BACKOFF);
    }
}
