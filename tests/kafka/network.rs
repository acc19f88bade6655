//! The network between the service and the broker failing, through the fault proxy (`proxy.rs`):
//! latency, connection resets, a black hole longer than the session timeout, half-open
//! connections; and the broker killed with -9 and restarted on its store while the service runs.
//! Each case ends with every expected command (missing 0, spurious 0), every record committed and
//! `/readyz` ready; where the fault is one the service can see, `/readyz` says so while it lasts.
//!
//! The service runs with static membership (as the deployment files run it) and a 10 s session.
//! The late-delivery black hole (the ignored test) wedged the local broker's group with dynamic
//! membership too; the other cases were run with static membership only.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::proxy::Fault;
use super::*;

/// `/readyz` answers seen while a fault lasted (not-ready reasons), polled every 250 ms.
struct Sampler {
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<BTreeSet<(u16, String)>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sampler {
    fn start(port: u16) -> Sampler {
        let (stop, seen) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(BTreeSet::new())));
        let (s, out) = (stop.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let (code, body) = http_get(port, "/readyz");
                out.lock().unwrap().insert((code, body.trim().to_owned()));
                std::thread::sleep(Duration::from_millis(250));
            }
        });
        Sampler { stop, seen, thread: Some(thread) }
    }

    fn finish(mut self) -> BTreeSet<(u16, String)> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        self.seen.lock().unwrap().clone()
    }
}

/// What a case measured.
struct Outcome {
    during: BTreeSet<(u16, String)>,
    missing: usize,
    spurious: usize,
    duplicates: usize,
    recovered: Duration,
    ready: (u16, String),
}

/// Loads 6,000 events on 4 partitions, starts the service, and once it has consumed 1,500 runs
/// `fault` (which returns when the fault is over) while `/readyz` is sampled; then produces 1,000
/// more events and waits until every record is committed. `proxied`: the broker sits behind the
/// fault proxy.
fn under_fault(case: &str, seed: u64, proxied: bool, fault: impl FnOnce(&Broker, &Service)) -> Outcome {
    let b = if proxied { Broker::start_proxied() } else { Broker::start() };
    let topic = &format!("events-{case}");
    let group = &format!("g-{case}");
    let mut l = load(&b, topic, 4, 6_000, seed);
    // Static membership, as the deployment files run it, with a 10 s session (the black hole is
    // longer): after it the instance rejoins as the same member.
    let svc = spawn_service_at(&b.addr, topic, group, &["--group-instance-id", &format!("{case}-0"), "-X", "session.timeout.ms=10000"]);
    wait_position(&svc, 0, 1_500, Duration::from_secs(120));
    // Ready first (the first statistics report comes a second after start).
    let start = Instant::now();
    while svc.get("/readyz").0 != 200 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let sampler = Sampler::start(svc.metrics_port);
    fault(&b, &svc);
    let over = Instant::now();
    let during = sampler.finish();
    // New events after the fault: the fetch path works again, not only the prefetched backlog.
    let more = fill(&b, topic, 1_000, seed + 1);
    l.expected.extend(more.expected);
    l.secrets.extend(more.secrets);
    let committed = wait_committed(&b, group, topic, 4, 7_000, Duration::from_secs(240));
    let recovered = over.elapsed();
    // Ready again (a reconnect after the last reset may still be under way when the commits are in).
    let ready = svc.ready_within(Duration::from_secs(60));
    let ready_after = over.elapsed();
    let (code, _, err) = svc.stop();
    let got = drain(&b, &format!("{topic}.commands"), Duration::from_secs(60));
    let seen = ids(&got);
    let (missing, spurious) = (l.expected.difference(&seen).count(), seen.difference(&l.expected).count());
    let out = Outcome { during, missing, spurious, duplicates: got.len() - seen.len(), recovered, ready };
    println!(
        "{case}: {} of {} commands, missing {}, spurious {}, duplicates {}; every record committed {:.1} s after the fault ended ({committed} of 7000); /readyz during the fault: {:?}; after: {:?} ({:.1} s after the fault ended)",
        seen.len(),
        l.expected.len(),
        out.missing,
        out.spurious,
        out.duplicates,
        out.recovered.as_secs_f64(),
        out.during,
        out.ready,
        ready_after.as_secs_f64()
    );
    assert_eq!(committed, 7_000, "{case}: {err}");
    assert_eq!((out.missing, out.spurious), (0, 0), "{case}");
    assert_eq!(out.ready.0, 200, "{case}: {:?}", out.ready);
    assert_eq!(code, Some(0), "{case}: {err}");
    assert_no_leaks(&l.secrets, &[err.as_bytes(), &got.concat()]);
    out
}

fn reported(o: &Outcome, reason: &str) -> bool {
    o.during.iter().any(|(code, body)| *code == 503 && body.contains(reason))
}

#[test]
fn latency_of_50_ms_each_way_loses_nothing() {
    under_fault("lat", 61, true, |b, _| {
        b.proxy().set(Fault::Latency(Duration::from_millis(50)));
        std::thread::sleep(Duration::from_secs(15));
        b.proxy().set(Fault::None);
    });
}

#[test]
fn every_connection_reset_each_second_for_15_s_loses_nothing() {
    let mut resets = 0;
    under_fault("rst", 62, true, |b, _| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            resets += b.proxy().reset_all();
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    println!("connections reset: {resets}");
    assert!(resets >= 15, "{resets}");
}

#[test]
fn a_black_hole_longer_than_the_session_timeout_is_reported_and_loses_nothing() {
    // 20 s, over the 10 s session; then the connections are reset, as a firewall or NAT that lost
    // the flows during the outage answers (see the ignored test below for the other ending).
    let o = under_fault("hole", 63, true, |b, _| {
        b.proxy().set(Fault::BlackHole);
        std::thread::sleep(Duration::from_secs(20));
        b.proxy().reset_all();
        b.proxy().set(Fault::None);
    });
    assert!(reported(&o, "broker not answering"), "{:?}", o.during);
}

/// The same black hole, but what the client sent during it reaches the broker late, when it ends
/// (TCP retransmits it). On tansu 0.6.0 the group is then never assigned again: no partition for
/// the service, nor for a new member after the group monitor's leave and rejoin, for 4 minutes
/// (docs/local-broker.md). Apache Kafka fences such late requests by generation; run this test
/// against a broker that does.
#[test]
#[ignore = "tansu 0.6.0 never reassigns the group after late-delivered group requests (docs/local-broker.md)"]
fn a_black_hole_whose_requests_arrive_late_loses_nothing() {
    under_fault("late", 66, true, |b, _| {
        b.proxy().set(Fault::BlackHole);
        std::thread::sleep(Duration::from_secs(20));
        b.proxy().set(Fault::None);
    });
}

#[test]
fn half_open_connections_are_reported_and_left_and_nothing_is_lost() {
    let o = under_fault("half", 64, true, |b, svc| {
        let n = b.proxy().half_open_all();
        println!("half-open connections: {n}");
        assert!(n > 0);
        // Until the service's requests on them time out (socket.timeout.ms, 30 s by default), it
        // connects again and is ready.
        let start = Instant::now();
        let mut reported_at = None;
        while start.elapsed() < Duration::from_secs(120) {
            let (code, _) = svc.get("/readyz");
            if code == 503 && reported_at.is_none() && start.elapsed() > Duration::from_secs(1) {
                reported_at = Some(start.elapsed());
            }
            if code == 200 && reported_at.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        println!("half-open: not ready after {reported_at:?}, ready again after {:.1} s", start.elapsed().as_secs_f64());
    });
    assert!(reported(&o, "broker not answering"), "{:?}", o.during);
}

#[test]
fn the_broker_killed_and_restarted_on_its_store_while_the_service_runs_loses_nothing() {
    let o = under_fault("brk", 65, false, |b, _| {
        b.kill();
        std::thread::sleep(Duration::from_secs(10));
        b.restart();
    });
    assert!(reported(&o, "broker unreachable") || reported(&o, "broker not answering"), "{:?}", o.during);
}
