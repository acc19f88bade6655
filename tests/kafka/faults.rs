//! Faults around the service: a broker that comes late, a dead-letter topic that cannot be
//! written, a storm of bad records.

use std::time::{Duration, Instant};

use piiguard::generate::Generator;

use super::*;

#[test]
fn broker_started_20_s_after_the_service_all_events_handled() {
    let turn = Broker::turn();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let topic = "events-f";
    let svc = spawn_service_at(&addr, topic, "g-f", &["-X", "topic.metadata.refresh.interval.ms=1000"]);
    // Not ready while the broker is away, and saying why.
    let start = Instant::now();
    let mut not_ready = None;
    while start.elapsed() < Duration::from_secs(20) {
        let r = svc.get("/readyz");
        if r.0 == 503 {
            not_ready = Some(r.1);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let alive = svc.get("/healthz").0;
    let b = Broker::start_on(Some(port), turn);
    let l = load(&b, topic, 2, 5_000, 26);
    let mut reader = Reader::new(&b, "events-f.commands");
    let n = reader.until(l.expected.len(), Duration::from_secs(120));
    let ready = svc.get("/readyz");
    let (code, _, err) = svc.stop();
    let missing = l.expected.difference(&ids(&reader.seen)).count();
    println!("broker started 20 s after the service: /readyz said {not_ready:?} before, {ready:?} after; {n} of {} commands, missing {missing}, exit {code:?}", l.expected.len());
    assert_eq!(alive, 200, "alive while the broker is away");
    assert!(not_ready.as_deref().is_some_and(|r| r.contains("broker unreachable") || r.contains("connecting")), "{not_ready:?}");
    assert!(err.contains("not ready"), "the not-ready state is logged: {err}");
    assert_eq!(ready, (200, "ready\n".to_owned()));
    assert_eq!(missing, 0);
    assert_eq!(code, Some(0), "stderr: {err}");
    assert_no_leaks(&l.secrets, &[err.as_bytes(), &reader.seen.concat()]);
}

#[test]
fn an_unwritable_dead_letter_topic_holds_the_watermark_until_it_can_be_written() {
    let b = Broker::start();
    let topic = "events-g";
    // No dead-letter topic yet (the broker does not create topics on demand).
    create_topics(&b, &[(topic, 1), ("events-g.commands", 1)]);
    let gens: Vec<_> = Generator::new(27).take(200).collect();
    let mut payloads: Vec<Vec<u8>> = gens.iter().map(|g| g.line.clone().into_bytes()).collect();
    payloads[100] = b"{\"body\": \"Jane Doe SSN 123-45-6789\"".to_vec();
    let coords = produce(&b, topic, &payloads);
    assert_eq!(coords[100], (0, 100));
    let good: Vec<Vec<u8>> = payloads.iter().enumerate().filter(|(i, _)| *i != 100).map(|(_, p)| p.clone()).collect();
    let good_coords: Vec<(i32, i64)> = coords.iter().enumerate().filter(|(i, _)| *i != 100).map(|(_, c)| *c).collect();
    let expected_good = expected_ids(topic, &good, &good_coords);
    let svc = spawn_service_at(&b.addr, topic, "g-g", &["-X", "topic.metadata.refresh.interval.ms=1000", "-X", "message.timeout.ms=5000"]);
    // Every good record, before and after the bad one, is handled …
    let mut reader = Reader::new(&b, "events-g.commands");
    reader.until(expected_good.len(), Duration::from_secs(120));
    // … but the committed offset stops at the record whose dead letter cannot be written.
    wait_committed(&b, "g-g", topic, 1, 100, Duration::from_secs(30));
    // A failed attempt (message.timeout.ms = 5 s here) is retried and keeps holding it.
    let start = Instant::now();
    let dlq_errors = || svc.metric("piiguard_delivery_errors_total", &["destination=\"dlq\""]);
    while dlq_errors() < 2.0 && start.elapsed() < Duration::from_secs(90) {
        std::thread::sleep(Duration::from_millis(500));
    }
    let held = committed(&b, "g-g", topic, 1);
    let errors = dlq_errors();
    // Once the topic exists, the retried delivery lands and the watermark moves to the end.
    create_topics(&b, &[("events-g.dlq", 1)]);
    let after = wait_committed(&b, "g-g", topic, 1, 200, Duration::from_secs(120));
    let dlq = consume(&b, "events-g.dlq", 1, Duration::from_secs(30));
    let (code, _, err) = svc.stop();
    println!("dead-letter topic missing: committed offset held at {held} (bad record at 100), {errors} failed dead-letter deliveries; topic created: committed {after}, {} dead letters", dlq.len());
    assert_eq!(held, 100, "nothing at or past the unwritten dead letter is committed");
    assert!(errors >= 2.0, "failed attempts were retried");
    assert_eq!(after, 200);
    assert_eq!(dlq.len(), 1);
    assert_eq!(code, Some(0), "stderr: {err}");
    assert!(!err.contains("6789") && !String::from_utf8_lossy(&dlq[0]).contains("6789"));
}

#[test]
fn a_storm_of_bad_records_pauses_and_reports_then_everything_is_handled() {
    let b = Broker::start();
    let topic = "events-h";
    create_topics(&b, &[(topic, 1), ("events-h.commands", 1), ("events-h.dlq", 1)]);
    let mut payloads: Vec<Vec<u8>> = Generator::new(28).take(50).map(|g| g.line.into_bytes()).collect();
    let bad = 3_000;
    payloads.extend((0..bad).map(|i| format!("<xml>not json {i}</xml>").into_bytes()));
    payloads.extend(Generator::new(29).take(50).map(|g| g.line.into_bytes()));
    let coords = produce(&b, topic, &payloads);
    let expected = expected_ids(topic, &payloads, &coords);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("piiguard.toml");
    std::fs::write(&cfg, "[dlq_storm]\nwindow_secs = 30\nmin_bad = 50\nmax_ratio = 0.5\npause_secs = 2\n").unwrap();
    let svc = spawn_service_at(&b.addr, topic, "g-h", &["--config", cfg.to_str().unwrap(), "--max-in-flight", "500"]);
    // While it pauses it says so on /readyz.
    let start = Instant::now();
    let mut saw_pause = None;
    let mut dlq = super::Reader::new(&b, "events-h.dlq");
    while dlq.seen.len() < bad && start.elapsed() < Duration::from_secs(180) {
        let r = svc.get("/readyz");
        if r.0 == 503 && r.1.contains("storm") && saw_pause.is_none() {
            saw_pause = Some((r.1, svc.metric("piiguard_dead_letters_total", &[])));
        }
        while let Some(Ok(m)) = dlq.c.poll(Duration::from_millis(100)) {
            dlq.seen.push(m.payload().unwrap_or_default().to_vec());
        }
    }
    let pauses = svc.metric("piiguard_dlq_storm_pauses_total", &[]);
    let cmds = consume(&b, "events-h.commands", expected.len(), Duration::from_secs(60));
    let (code, _, err) = svc.stop();
    println!("{bad} bad records: {pauses} storm pauses, first seen as {saw_pause:?}; {} dead letters, {} of {} commands", dlq.seen.len(), ids(&cmds).len(), expected.len());
    let (why, dead_so_far) = saw_pause.expect("/readyz reported the pause");
    assert!(why.contains("dead-letter storm"), "{why}");
    assert!(dead_so_far < bad as f64, "paused before the whole storm went to the dead-letter topic");
    assert!(pauses >= 2.0, "a long storm pauses again after each resume");
    assert!(err.contains("dead-letter storm"), "logged: {err}");
    assert_eq!(dlq.seen.len(), bad);
    assert_eq!(ids(&cmds), expected, "the good records after the storm are handled");
    assert_eq!(code, Some(0));
}
