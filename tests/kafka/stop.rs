//! Bounded stops: the broker goes away at each moment of a stop (before SIGTERM, during the drain,
//! the final commit, the group leave, the close; or stops answering without closing connections),
//! and the service still exits within its deadline with the documented code; a restart then
//! loses nothing.

use std::time::{Duration, Instant};

use super::*;

/// The stop deadline given to the service in these tests.
const DEADLINE_SECS: u64 = 8;
/// Time allowed past the deadline for the exit itself (the watchdog fires at the deadline).
const MARGIN: Duration = Duration::from_secs(5);
/// Exit code of a stop that abandoned work (README, `--help`).
const EXIT_ABANDONED: i32 = 3;

/// How the broker goes away.
#[derive(Clone, Copy, Debug)]
enum Away {
    /// kill -9 of the broker, then SIGTERM to the service.
    BeforeSigterm,
    /// SIGTERM; kill -9 of the broker once the stop reaches this phase (held there by the test
    /// hook `PIIGUARD_TEST_HOLD_STOP`).
    AtPhase(&'static str),
    /// SIGSTOP of the broker (connections stay open, nothing answers), then SIGTERM.
    Paused,
}

fn broker_goes_away(case: &str, seed: u64, away: Away) {
    let b = Broker::start();
    let topic = format!("events-stop-{case}");
    let l = load(&b, &topic, 2, 10_000, seed);
    let group = format!("g-stop-{case}");
    let deadline = DEADLINE_SECS.to_string();
    let flags = ["--shutdown-deadline-secs", deadline.as_str(), "--max-in-flight", "500", "--group-instance-id", "stop-test-0"];
    let hold: Vec<(&str, &str)> = match away {
        Away::AtPhase(p) => vec![("PIIGUARD_TEST_HOLD_STOP", p)],
        _ => vec![],
    };
    let svc = spawn_service_env(&b.addr, &topic, &group, &flags, &hold);
    let at = wait_position(&svc, 0, 2_000, Duration::from_secs(120));
    assert!(at >= 2_000, "the service consumed {at} records before the stop; stderr: {}", svc.logs_after_exit());
    let sigterm_at = Instant::now();
    match away {
        Away::BeforeSigterm => {
            b.kill();
            svc.sigterm();
        }
        Away::AtPhase(p) => {
            svc.sigterm();
            assert!(svc.wait_log("test hook: holding the stop", Duration::from_secs(DEADLINE_SECS)), "the stop never reached phase {p}");
            b.kill();
        }
        Away::Paused => {
            b.signal("STOP");
            svc.sigterm();
        }
    }
    let (code, took, log) = svc.wait_exit(sigterm_at);
    let finished = log.contains("stop finished") && log.contains("committed=true") && log.contains("in_flight_abandoned=0");
    println!("broker away ({away:?}): exit {code:?} {took:.1?} after SIGTERM (deadline {DEADLINE_SECS} s); stop finished cleanly: {finished}");
    assert!(took <= Duration::from_secs(DEADLINE_SECS) + MARGIN, "exit {took:?} after SIGTERM, deadline {DEADLINE_SECS} s; stderr: {log}");
    match away {
        // The commit can no longer reach the broker: work is abandoned, and says so.
        Away::BeforeSigterm | Away::Paused | Away::AtPhase("drain" | "commit") => {
            assert_eq!(code, Some(EXIT_ABANDONED), "stderr: {log}");
            assert!(log.contains("abandon") || log.contains("stop incomplete"), "the log says what was abandoned: {log}");
        }
        // Offsets were committed before the broker went: a clean stop (0) is right if the close
        // returned; a close that waits for the broker is cut at the deadline (3).
        Away::AtPhase(_) => assert!(code == Some(EXIT_ABANDONED) || (code == Some(0) && finished), "exit {code:?}; stderr: {log}"),
    }
    // Back again: nothing lost.
    match away {
        Away::Paused => b.signal("CONT"),
        _ => b.restart(),
    }
    let mut reader = Reader::new(&b, &format!("{topic}.commands"));
    let svc = spawn_service_env(&b.addr, &topic, &group, &flags, &[]);
    reader.until(l.expected.len(), Duration::from_secs(180));
    let (code2, _, log2) = svc.stop();
    let got = ids(&reader.seen);
    let (missing, spurious) = (l.expected.difference(&got).count(), got.difference(&l.expected).count());
    println!("  after a restart: {} commands expected, missing {missing}, spurious {spurious}, duplicates {}", l.expected.len(), reader.seen.len() - got.len());
    assert_eq!((missing, spurious), (0, 0));
    assert_eq!(code2, Some(0), "stderr: {log2}");
    assert_no_leaks(&l.secrets, &[log.as_bytes(), log2.as_bytes(), &reader.seen.concat()]);
}

#[test]
fn broker_gone_before_sigterm_exit_within_the_deadline() {
    broker_goes_away("before", 41, Away::BeforeSigterm);
}

#[test]
fn broker_gone_during_the_drain_exit_within_the_deadline() {
    broker_goes_away("drain", 42, Away::AtPhase("drain"));
}

#[test]
fn broker_gone_during_the_final_commit_exit_within_the_deadline() {
    broker_goes_away("commit", 43, Away::AtPhase("commit"));
}

#[test]
fn broker_gone_during_the_close_exit_within_the_deadline() {
    broker_goes_away("close", 44, Away::AtPhase("close"));
}

#[test]
fn broker_paused_sigstop_exit_within_the_deadline() {
    broker_goes_away("paused", 45, Away::Paused);
}

#[test]
fn a_second_sigterm_exits_at_once() {
    let b = Broker::start();
    let topic = "events-stop-twice";
    load(&b, topic, 1, 2_000, 46);
    // The stop is held at the drain for 3 s; the second SIGTERM must not wait for it.
    let svc = spawn_service_env(&b.addr, topic, "g-stop-twice", &["--shutdown-deadline-secs", "60"], &[("PIIGUARD_TEST_HOLD_STOP", "drain")]);
    assert!(svc.wait_log("partitions assigned", Duration::from_secs(60)), "never assigned");
    svc.sigterm();
    assert!(svc.wait_log("test hook: holding the stop", Duration::from_secs(30)));
    let second = Instant::now();
    svc.sigterm();
    let (code, took, log) = svc.wait_exit(second);
    println!("second SIGTERM during the drain: exit {code:?} {took:.1?} after it (deadline 60 s)");
    assert_eq!(code, Some(EXIT_ABANDONED), "stderr: {log}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(log.contains("second stop signal"), "{log}");
}
