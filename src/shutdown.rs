//! Bounded stops: every exit of a command that talks to a broker happens within a deadline.
//!
//! librdkafka's close waits for the broker: a consumer's close waits for the group leave, a
//! commit for the coordinator, a producer's destroy for in-flight requests. When the broker goes
//! away during a stop (a whole deployment stopped at once, a node drained), those waits never
//! end: measured, `piiguard run` sat inside the consumer's drop for over an hour. So a stop is
//! guarded from outside the clients:
//!
//! - [`StopGuard::arm`] starts a watchdog thread when the stop begins. Past the deadline it logs
//!   what it abandons (the phase and the records in flight: counts, never data) and exits the
//!   process with [`EXIT_ABANDONED`], whatever the clients are doing.
//! - [`StopGuard::listen`] resolves on the first SIGTERM or SIGINT; every later one exits at once
//!   with [`EXIT_ABANDONED`] (an operator who asks twice means it).
//!
//! Nothing is lost by abandoning a stop: offsets are committed only for records fully handled, so
//! what was in flight is read again after a restart; a replay resumes from its checkpoint.

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Exit code of a stop that did not finish its work: the deadline passed, a second signal came,
/// the final commit failed, or a replay or load was interrupted. Work not committed is redone
/// after a restart.
pub const EXIT_ABANDONED: u8 = 3;

/// Environment variable for tests: `PIIGUARD_TEST_HOLD_STOP=<phase>` holds the stop for
/// [`TEST_HOLD`] when it enters that phase (after logging it), so a test can take the broker away
/// at that exact moment. Phases: `drain`, `commit`, `leave`, `flush`, `close`.
pub const TEST_HOLD_ENV: &str = "PIIGUARD_TEST_HOLD_STOP";

/// How long the test hook holds a phase.
pub const TEST_HOLD: Duration = Duration::from_secs(3);

/// The steps of a stop, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// Not stopping.
    Running = 0,
    /// Waiting for records in flight (scans and deliveries) to finish.
    Drain = 1,
    /// Committing the handled offsets.
    Commit = 2,
    /// Leaving the consumer group.
    Leave = 3,
    /// Flushing the producer.
    Flush = 4,
    /// Closing the clients.
    Close = 5,
}

impl Phase {
    const ALL: [Phase; 6] = [Phase::Running, Phase::Drain, Phase::Commit, Phase::Leave, Phase::Flush, Phase::Close];

    /// The phase's name in logs and in [`TEST_HOLD_ENV`].
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Running => "running",
            Phase::Drain => "drain",
            Phase::Commit => "commit",
            Phase::Leave => "leave",
            Phase::Flush => "flush",
            Phase::Close => "close",
        }
    }

    fn from_u8(v: u8) -> Phase {
        Phase::ALL.get(usize::from(v)).copied().unwrap_or(Phase::Running)
    }
}

/// Where a stop is, shared with the watchdog and the signal listener.
#[derive(Debug)]
pub struct StopGuard {
    command: &'static str,
    phase: AtomicU8,
    in_flight: AtomicUsize,
    armed: AtomicBool,
    hold: Option<Phase>,
}

impl StopGuard {
    /// A guard for `command` (named in the abandon report).
    pub fn new(command: &'static str) -> Arc<StopGuard> {
        let hold = std::env::var(TEST_HOLD_ENV).ok().and_then(|v| Phase::ALL.into_iter().find(|p| p.as_str() == v.trim()));
        Arc::new(StopGuard { command, phase: AtomicU8::new(0), in_flight: AtomicUsize::new(0), armed: AtomicBool::new(false), hold })
    }

    /// Records the phase the stop entered and the records still in flight.
    pub fn enter(&self, phase: Phase, in_flight: usize) {
        self.in_flight.store(in_flight, Ordering::SeqCst);
        self.phase.store(phase as u8, Ordering::SeqCst);
        tracing::debug!(phase = phase.as_str(), in_flight, "stop phase");
        if self.hold == Some(phase) {
            tracing::warn!(phase = phase.as_str(), hold_ms = TEST_HOLD.as_millis() as u64, "test hook: holding the stop at this phase");
            std::thread::sleep(TEST_HOLD);
        }
    }

    /// Starts the deadline (once; later calls do nothing): past it the process exits with
    /// [`EXIT_ABANDONED`] after logging what it abandons.
    pub fn arm(self: &Arc<Self>, deadline: Duration) {
        if self.armed.swap(true, Ordering::SeqCst) {
            return;
        }
        let me = self.clone();
        let started = Instant::now();
        std::thread::Builder::new()
            .name("stop-deadline".into())
            .spawn(move || {
                std::thread::sleep(deadline);
                me.abandon(&format!("stop deadline of {} s passed after {:.1} s", deadline.as_secs(), started.elapsed().as_secs_f64()));
            })
            .expect("spawn the stop-deadline thread");
    }

    /// Logs what is abandoned and exits with [`EXIT_ABANDONED`].
    pub fn abandon(&self, why: &str) -> ! {
        let phase = Phase::from_u8(self.phase.load(Ordering::SeqCst));
        let in_flight = self.in_flight.load(Ordering::SeqCst);
        tracing::error!(
            command = self.command,
            phase = phase.as_str(),
            in_flight,
            exit_code = EXIT_ABANDONED,
            "{why}: abandoning the stop; records not committed are read again after a restart"
        );
        // The log writer is synchronous (stderr); nothing else needs flushing.
        std::process::exit(i32::from(EXIT_ABANDONED))
    }

    /// Listens for SIGTERM and SIGINT from now on (call inside the runtime). The first signal
    /// arms the deadline and resolves the returned future; every later signal exits the process
    /// at once with [`EXIT_ABANDONED`], also while the stop is inside a client call that does not
    /// return.
    pub fn listen(self: &Arc<Self>, deadline: Duration) -> impl std::future::Future<Output = ()> + Send + 'static {
        use tokio::signal::unix::{signal, SignalKind};
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let me = self.clone();
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
        tokio::spawn(async move {
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            };
            tracing::info!(signal = name, deadline_secs = deadline.as_secs(), "stop requested: draining (a second SIGTERM or SIGINT exits at once)");
            me.arm(deadline);
            let _ = tx.send(true);
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            };
            me.abandon(&format!("second stop signal ({name})"));
        });
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_round_trip_through_their_numbers() {
        for p in Phase::ALL {
            assert_eq!(Phase::from_u8(p as u8), p);
        }
        assert_eq!(Phase::from_u8(200), Phase::Running);
    }

    #[test]
    fn enter_records_phase_and_count() {
        let g = StopGuard::new("test");
        g.enter(Phase::Commit, 7);
        assert_eq!(Phase::from_u8(g.phase.load(Ordering::SeqCst)), Phase::Commit);
        assert_eq!(g.in_flight.load(Ordering::SeqCst), 7);
    }
}
