//! Faults around the service: a broker that comes late, a dead-letter topic that cannot be
//! written, a storm of bad records, a scanner panic, record keys holding personal data, commands
//! too large for their topic, and the network between the service and the broker failing.

use std::time::{Duration, Instant};

use serde_json::Value;

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
    let ready = svc.ready_within(Duration::from_secs(30));
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

#[test]
fn a_record_the_scanner_panics_on_gets_an_unscanned_command_and_a_dead_letter_and_the_rest_flows() {
    let b = Broker::start();
    let topic = "events-p";
    create_topics(&b, &[(topic, 2), ("events-p.commands", 2), ("events-p.dlq", 1)]);
    let gens: Vec<_> = Generator::new(29).take(3_000).collect();
    let secrets: Vec<String> = gens.iter().flat_map(|g| g.secrets.iter().cloned()).collect();
    let payloads: Vec<Vec<u8>> = gens.into_iter().map(|g| g.line.into_bytes()).collect();
    let coords = produce(&b, topic, &payloads);
    // The 1,000th record scanned panics, with a message that quotes the whole record.
    let svc = spawn_service_env(&b.addr, topic, "g-p", &[], &[("PIIGUARD_FAILPOINT", "scan_panic:1000")]);
    let handled = wait_committed(&b, "g-p", topic, 2, 3_000, Duration::from_secs(180));
    let dead = consume(&b, "events-p.dlq", 1, Duration::from_secs(30));
    let panics = svc.metric("piiguard_dead_letters_total", &["reason=\"scan_panic\""]);
    let unscanned_metric = svc.metric("piiguard_prohibited_events_total", &["reason=\"unscanned\""]);
    let ready = svc.get("/readyz");
    let (code, _, err) = svc.stop();
    assert_eq!(dead.len(), 1, "one dead-letter reference");
    let d: Value = serde_json::from_slice(&dead[0]).unwrap();
    let at = (d["source"]["partition"].as_i64().unwrap() as i32, d["source"]["offset"].as_i64().unwrap());
    let i = coords.iter().position(|c| *c == at).expect("the reference names a record of the topic");
    // Every other record's commands, and for the panicked one a single `unscanned` command.
    let others: Vec<usize> = (0..payloads.len()).filter(|&j| j != i).collect();
    let expected = expected_ids(topic, &others.iter().map(|&j| payloads[j].clone()).collect::<Vec<_>>(), &others.iter().map(|&j| coords[j]).collect::<Vec<_>>());
    let got = consume(&b, "events-p.commands", expected.len() + 1, Duration::from_secs(60));
    let parsed: Vec<Value> = got.iter().map(|c| serde_json::from_slice(c).unwrap()).collect();
    let unscanned: Vec<&Value> = parsed.iter().filter(|c| c["reason"] == "unscanned").collect();
    assert_eq!(unscanned.len(), 1, "one unscanned command");
    let u = unscanned[0];
    let u_id = u["command_id"].as_str().unwrap().to_owned();
    let got_ids: std::collections::BTreeSet<String> = ids(&got).into_iter().filter(|id| *id != u_id).collect();
    let (missing, spurious) = (expected.difference(&got_ids).count(), got_ids.difference(&expected).count());
    // The unscanned command names the record's resource by the SIDs in its bytes.
    let record = String::from_utf8_lossy(&payloads[i]).into_owned();
    let sids: Vec<&str> = u["resource"]["sids"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    let in_record: Vec<String> = piiguard::scanner::json::raw_sids(&payloads[i]).iter().map(|s| s.as_str().to_owned()).collect();
    // A record of the generator holds a resource's SID (task, message, conversation, transcript, call)
    // or only account and service SIDs (an Insights record): the command names it when there is one.
    let resource_sid = in_record.iter().find(|s| ["WT", "IM", "SM", "MM", "GT", "CH", "CA"].contains(&&s[..2]));
    let sid = u["resource"]["sid"].as_str();
    println!(
        "scanner panic on record {at:?}: dead-lettered ({}), unscanned command (action {}, resource {} {sid:?}, {} SIDs, {} findings from the raw rescan); {handled} of 3000 records handled; {} other commands, missing {missing}, spurious {spurious}; /readyz {ready:?}",
        d["reason"], u["action"], u["resource"]["type"], sids.len(), u["findings"].as_array().unwrap().len(), expected.len()
    );
    assert_eq!(d["reason"], "scan_panic");
    assert_eq!(d["length"].as_u64(), Some(payloads[i].len() as u64));
    assert_eq!((u["source"]["partition"].as_i64(), u["source"]["offset"].as_i64()), (Some(i64::from(at.0)), Some(at.1)));
    assert_eq!(u["action"], "review");
    assert_eq!(u["parse_error"], "scan_panic");
    assert!(!sids.is_empty() && sids.iter().all(|s| record.contains(s)), "the SIDs come from the record: {sids:?}");
    assert_eq!(sids, in_record.iter().map(String::as_str).collect::<Vec<_>>(), "every SID of the record");
    assert_eq!(sid.is_some(), resource_sid.is_some(), "the resource is named when the record holds one: {u}");
    assert!(sid.is_none_or(|s| record.contains(s)), "{u}");
    assert_eq!(handled, 3_000, "the partition went on past the panic");
    assert_eq!((missing, spurious), (0, 0));
    assert_eq!(panics, 1.0);
    assert_eq!(unscanned_metric, 1.0);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("internal error at") && err.contains("scan_panic"), "the panic is reported, its message withheld: {err}");
    // The panic message quoted the record; nothing of it reaches the logs, the reference or the
    // unscanned command.
    let u_bytes = serde_json::to_vec(u).unwrap();
    assert_no_leaks(&secrets, &[err.as_bytes(), &dead[0], &u_bytes]);
}

#[test]
fn record_keys_holding_personal_data_reach_no_output_not_even_as_hex() {
    let b = Broker::start();
    let topic = "events-k";
    create_topics(&b, &[(topic, 2), ("events-k.commands", 2), ("events-k.dlq", 1)]);
    let gens: Vec<_> = Generator::new(31).take(1_000).collect();
    // Each record keyed by a planted value (a name, a number), as a careless producer might.
    let keys: Vec<String> = gens.iter().enumerate().map(|(i, g)| g.secrets.first().cloned().unwrap_or_else(|| format!("Maria Lopez {i}"))).collect();
    let mut secrets: Vec<String> = gens.iter().flat_map(|g| g.secrets.iter().cloned()).collect();
    secrets.extend(keys.iter().cloned());
    let mut payloads: Vec<Vec<u8>> = gens.into_iter().map(|g| g.line.into_bytes()).collect();
    // And a record that is not JSON: its dead-letter reference names its source too.
    payloads[7] = b"{not json".to_vec();
    let coords = produce_keyed(&b, topic, &payloads, &keys);
    let expected = expected_ids(topic, &payloads, &coords);
    let svc = spawn_service_at(&b.addr, topic, "g-k", &["--until-caught-up"]);
    let (code, _, err) = svc.wait_exit(Instant::now());
    assert_eq!(code, Some(0), "{err}");
    let commands = consume(&b, "events-k.commands", expected.len(), Duration::from_secs(60));
    let dead = consume(&b, "events-k.dlq", 1, Duration::from_secs(30));
    let sources: Vec<Value> = commands.iter().chain(&dead).map(|c| serde_json::from_slice::<Value>(c).unwrap()["source"].clone()).collect();
    let hashed = sources.iter().filter(|s| s["key_hmac"].as_str().is_some_and(|h| h.len() == 32 && h.bytes().all(|c| c.is_ascii_hexdigit()))).count();
    println!("{} records keyed by planted values: {} commands and {} dead letters, {hashed} sources with a keyed hash of the key, none with the key", payloads.len(), commands.len(), dead.len());
    assert_eq!(ids(&commands), expected);
    assert_eq!(dead.len(), 1);
    assert_eq!(hashed, sources.len(), "every source carries the key's keyed hash");
    assert!(sources.iter().all(|s| s.get("key").is_none()), "no source carries the key");
    assert_no_leaks(&secrets, &[&commands.concat(), &dead.concat(), err.as_bytes()]);
}


#[test]
#[should_panic(expected = "a planted value leaked")]
fn the_leak_sweep_reads_hex_tokens_decoded() {
    // A record key copied into a command as hex, as commands once carried it.
    let out = format!(r#"{{"source":{{"key":"{}"}}}}"#, hex::encode("Maria Lopez"));
    assert_no_leaks(&["Maria Lopez".to_owned()], &[out.as_bytes()]);
}

#[test]
fn a_command_too_large_for_its_topic_holds_the_watermark_says_why_and_flows_once_fixed() {
    let b = Broker::start();
    let topic = "events-t";
    let l = load(&b, topic, 2, 500, 37);
    // The producer's limit below any command, even a part with one finding: each such delivery
    // is rejected for good.
    let svc = spawn_service_at(&b.addr, topic, "g-t", &["-X", "message.max.bytes=1000", "--shutdown-deadline-secs", "5"]);
    let start = Instant::now();
    let rejected = |s: &Service| s.metric("piiguard_delivery_permanent_errors_total", &["class=\"too_large\""]);
    while rejected(&svc) < 3.0 && start.elapsed() < Duration::from_secs(90) {
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(2));
    let ready = svc.get("/readyz");
    let held = committed(&b, "g-t", topic, 2);
    let n = rejected(&svc);
    let (code, _, err) = svc.stop();
    // The limit raised (the topic fixed): the same group handles everything, nothing lost.
    let fixed = spawn_service_at(&b.addr, topic, "g-t", &["--until-caught-up"]);
    let (code2, _, err2) = fixed.wait_exit(Instant::now());
    // Both runs' commands (the first delivered the small ones): every expected id, read to the end.
    let got = drain(&b, "events-t.commands", Duration::from_secs(60));
    let missing = l.expected.difference(&ids(&got)).count();
    println!("commands over the producer's limit: {n} rejected attempts (class too_large), /readyz {ready:?}, committed {held} of 500 while rejected, stop exit {code:?}; after the fix exit {code2:?}, missing {missing} of {}", l.expected.len());
    assert!(n >= 3.0, "{err}");
    assert_eq!(ready.0, 503);
    assert!(ready.1.contains("too large for its topic"), "{ready:?}");
    assert!(held < 500, "the watermark held at the rejected command");
    assert!(err.contains("retrying does not cure"), "{err}");
    assert_eq!(code2, Some(0), "{err2}");
    assert_eq!(missing, 0);
    assert_no_leaks(&l.secrets, &[err.as_bytes(), err2.as_bytes()]);
}

#[test]
fn a_command_over_the_producers_limit_goes_out_in_parts_that_remove_every_span() {
    let b = Broker::start();
    let topic = "events-s";
    create_topics(&b, &[(topic, 2), ("events-s.commands", 2), ("events-s.dlq", 1)]);
    // 30 events with 150 name and number pairs each (a command of about 90 kB), between generated ones.
    let mut payloads: Vec<Vec<u8>> = Generator::new(41).take(300).map(|g| g.line.into_bytes()).collect();
    for i in 0..30 {
        let notes: Vec<String> = (0..150).map(|j| format!("\"Jane Doe SSN 123-{:02}-{:04}\"", 10 + i, 1000 + j)).collect();
        payloads.insert(i * 10, format!(r#"{{"TaskSid":"WT{:032x}","notes":[{}]}}"#, i, notes.join(",")).into_bytes());
    }
    let coords = produce(&b, topic, &payloads);
    // The whole commands `scan` logic gives, by id, with their spans.
    let proc = common::processor();
    let mut whole: std::collections::BTreeMap<String, BTreeSet<(String, u64, u64)>> = Default::default();
    for (pl, (partition, offset)) in payloads.iter().zip(&coords) {
        let src = Source::Kafka { topic: topic.into(), partition: *partition, offset: *offset, key_hmac: None, timestamp: None };
        for c in proc.process(pl, &src, Mode::Live).commands {
            whole.insert(c.command_id.clone(), c.findings.iter().map(|f| (f.path.clone(), f.byte_start as u64, f.byte_end as u64)).collect());
        }
    }
    let svc = spawn_service_at(&b.addr, topic, "g-s", &["-X", "message.max.bytes=20000"]);
    let n = payloads.len() as i64;
    let done = wait_committed(&b, "g-s", topic, 2, n, Duration::from_secs(120));
    let split = svc.metric("piiguard_commands_split_total", &[]);
    let ready = svc.ready_within(Duration::from_secs(30));
    let (code, _, err) = svc.stop();
    let got = drain(&b, "events-s.commands", Duration::from_secs(60));
    // Put the parts back together: each whole id's spans, from the command itself or its parts.
    let mut seen: std::collections::BTreeMap<String, BTreeSet<(String, u64, u64)>> = Default::default();
    let (mut parts, mut largest, mut twice) = (0, 0, 0);
    let mut part_ids = BTreeSet::new();
    for p in &got {
        largest = largest.max(p.len());
        let v: Value = serde_json::from_slice(p).unwrap();
        let id = match v.get("part") {
            Some(part) => {
                parts += 1;
                if !part_ids.insert(v["command_id"].as_str().unwrap().to_owned()) {
                    continue; // A redelivered part: its spans are already counted.
                }
                part["of"].as_str().unwrap().to_owned()
            }
            None => v["command_id"].as_str().unwrap().to_owned(),
        };
        let spans = seen.entry(id).or_default();
        for f in v["findings"].as_array().unwrap() {
            if !spans.insert((f["path"].as_str().unwrap().to_owned(), f["byte_start"].as_u64().unwrap(), f["byte_end"].as_u64().unwrap())) && v.get("part").is_some() {
                twice += 1;
            }
        }
    }
    let missing = whole.keys().filter(|id| !seen.contains_key(*id)).count();
    let spurious = seen.keys().filter(|id| !whole.contains_key(*id)).count();
    let spans_differ = whole.iter().filter(|(id, s)| seen.get(*id).is_some_and(|g| g != *s)).count();
    println!("commands over a 20,000-byte limit: {split} split into {parts} parts (largest record {largest} bytes); {} whole commands expected, missing {missing}, spurious {spurious}, with other spans {spans_differ}, a span in two parts {twice}; committed {done} of {n}", whole.len());
    assert_eq!(done, n, "{err}");
    assert_eq!(split, 30.0);
    assert!(parts >= 30 * 2, "{parts} parts");
    assert!(largest <= 20_000 - 512, "{largest}");
    assert_eq!((missing, spurious, spans_differ, twice), (0, 0, 0, 0));
    assert_eq!(ready.0, 200, "{ready:?}");
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("sent in parts"), "the split is logged");
}
