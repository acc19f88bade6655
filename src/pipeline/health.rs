//! Liveness and readiness of the service, as `/healthz` and `/readyz` report them.
//!
//! Ready means: a broker is reachable (librdkafka statistics or its all-brokers-down error), the
//! group is joined (an assignment arrived, possibly empty when there are more instances than
//! partitions), every connected broker answers (no requests waiting with nothing received for
//! [`NOT_ANSWERING`]: a black hole or a half-open connection looks connected), consumption is not
//! paused by a dead-letter storm, no delivery fails permanently, and no partition of the group is
//! stalled (lag, no committed progress, not assigned here: `pipeline::group`). Alive means the
//! service loop turned within [`STALL`]; a wedged loop fails the liveness probe so the supervisor
//! restarts it.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long the service loop may go without turning before the process counts as not alive.
pub const STALL: Duration = Duration::from_secs(60);

/// How long a connected broker may leave requests unanswered, receiving nothing, before the
/// service counts it as not answering. Fetches wait at most `fetch.wait.max.ms` (100 ms by default
/// here) and heartbeats go every 3 s, so a live connection receives well within it.
pub const NOT_ANSWERING: Duration = Duration::from_secs(5);

/// Shared health state.
#[derive(Debug)]
pub struct Health {
    start: Instant,
    /// 0: no report yet, 1: up, 2: down.
    broker: AtomicU8,
    silent: AtomicBool,
    joined: AtomicBool,
    storm: AtomicBool,
    group_stalled: AtomicBool,
    /// Deliveries failing with a permanent error now, and the class of the latest.
    blocked: AtomicUsize,
    blocked_class: AtomicU8,
    last_turn_ms: AtomicU64,
}

impl Default for Health {
    fn default() -> Health {
        Health {
            start: Instant::now(),
            broker: AtomicU8::new(0),
            silent: AtomicBool::new(false),
            joined: AtomicBool::new(false),
            storm: AtomicBool::new(false),
            group_stalled: AtomicBool::new(false),
            blocked: AtomicUsize::new(0),
            blocked_class: AtomicU8::new(0),
            last_turn_ms: AtomicU64::new(0),
        }
    }
}

impl Health {
    /// Whether some broker is connected.
    pub fn set_broker_up(&self, up: bool) {
        self.broker.store(if up { 1 } else { 2 }, Ordering::Relaxed);
    }

    /// Whether a connected broker leaves requests unanswered (see [`NOT_ANSWERING`]).
    pub fn set_broker_silent(&self, silent: bool) {
        self.silent.store(silent, Ordering::Relaxed);
    }

    /// Whether the group is joined (assignment received).
    pub fn set_joined(&self, joined: bool) {
        self.joined.store(joined, Ordering::Relaxed);
    }

    /// Whether a dead-letter storm paused consumption.
    pub fn set_storm(&self, storm: bool) {
        self.storm.store(storm, Ordering::Relaxed);
    }

    /// Whether partitions of the group sit with lag and no progress (see `pipeline::group`).
    pub fn set_group_stalled(&self, stalled: bool) {
        self.group_stalled.store(stalled, Ordering::Relaxed);
    }

    /// A delivery began failing with a permanent error of `class` (one of
    /// [`crate::metrics::PERMANENT_CLASSES`]); until [`Health::unblocked`], not ready.
    pub fn blocked(&self, class: &str) {
        let i = crate::metrics::PERMANENT_CLASSES.iter().position(|c| *c == class).unwrap_or(0);
        self.blocked_class.store(i as u8, Ordering::Relaxed);
        self.blocked.fetch_add(1, Ordering::Relaxed);
    }

    /// A delivery that failed permanently went through after all (the topic was fixed).
    pub fn unblocked(&self) {
        self.blocked.fetch_sub(1, Ordering::Relaxed);
    }

    /// The service loop turned.
    pub fn turned(&self) {
        self.last_turn_ms.store(self.start.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// `Ok` when ready, else why not (a fixed phrase).
    pub fn readiness(&self) -> Result<(), &'static str> {
        let broker = self.broker.load(Ordering::Relaxed);
        if broker == 0 {
            Err("connecting to the broker")
        } else if broker == 2 {
            Err("broker unreachable")
        } else if !self.joined.load(Ordering::Relaxed) {
            Err("waiting for a partition assignment")
        } else if self.silent.load(Ordering::Relaxed) {
            Err("broker not answering: requests wait and nothing was received for 5 s")
        } else if self.storm.load(Ordering::Relaxed) {
            Err("paused by a dead-letter storm")
        } else if self.blocked.load(Ordering::Relaxed) > 0 {
            Err(match crate::metrics::PERMANENT_CLASSES[usize::from(self.blocked_class.load(Ordering::Relaxed))] {
                "too_large" => "a delivery fails permanently: record too large for its topic; the watermark holds",
                "unauthorized" => "a delivery fails permanently: not authorised to write the topic; the watermark holds",
                "unknown_topic" => "a delivery fails permanently: the topic does not exist; the watermark holds",
                _ => "a delivery fails permanently: the broker rejects the record; the watermark holds",
            })
        } else if self.group_stalled.load(Ordering::Relaxed) {
            Err("partitions of the group stalled: lag and no committed progress, owned by no live member")
        } else {
            Ok(())
        }
    }

    /// Whether the service loop turned recently.
    pub fn alive(&self) -> bool {
        let last = Duration::from_millis(self.last_turn_ms.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last) < STALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_only_with_broker_group_and_no_storm() {
        let h = Health::default();
        assert_eq!(h.readiness(), Err("connecting to the broker"));
        h.set_broker_up(false);
        assert_eq!(h.readiness(), Err("broker unreachable"));
        h.set_broker_up(true);
        assert_eq!(h.readiness(), Err("waiting for a partition assignment"));
        h.set_joined(true);
        assert_eq!(h.readiness(), Ok(()));
        h.set_broker_silent(true);
        assert!(h.readiness().is_err_and(|r| r.starts_with("broker not answering")));
        h.set_broker_silent(false);
        h.set_storm(true);
        assert_eq!(h.readiness(), Err("paused by a dead-letter storm"));
        h.set_storm(false);
        h.set_group_stalled(true);
        assert!(h.readiness().is_err_and(|r| r.starts_with("partitions of the group stalled")));
        h.set_group_stalled(false);
        h.blocked("too_large");
        assert!(h.readiness().is_err_and(|r| r.contains("too large")));
        h.unblocked();
        assert_eq!(h.readiness(), Ok(()));
        h.set_broker_up(false);
        assert_eq!(h.readiness(), Err("broker unreachable"));
        assert!(h.alive());
    }
}
