//! The conversation stage on the broker: `run --findings-topic` writes finding records keyed by
//! conversation, `correlate` turns the halves of split conversations into commands, and the
//! commands are scored against the stage oracle of `tests/conversations.rs` (what the scanner finds
//! per event; an event is involved when another event of its conversation holds the other half).

use std::collections::HashMap;

use piiguard::generate::conversation::ConvEvent;
use rdkafka::consumer::{BaseConsumer, Consumer};

use super::*;
use crate::conversations::{involved, stage_oracle};

struct Setup {
    events: Vec<ConvEvent>,
    /// (partition, offset) of each event in topic `conv`.
    at: HashMap<(i32, i64), usize>,
    involved: Vec<Option<String>>,
    /// Finding records `run` wrote.
    findings: i64,
}

/// Topics, `n` generated conversations produced to `conv` (spread over its 4 partitions, so a
/// conversation's events land anywhere), and stage 1 run to the end with a findings topic.
fn setup(b: &Broker, n: usize, seed: u64) -> (Setup, String) {
    create_topics(b, &[("conv", 4), ("conv.commands", 4), ("conv.dlq", 1), ("findings", 4), ("findings.commands", 4), ("findings.dlq", 1), ("state", 4)]);
    let events = Generator::new(seed).conversations(n);
    let payloads: Vec<Vec<u8>> = events.iter().map(|e| e.line.clone().into_bytes()).collect();
    let coords = produce(b, "conv", &payloads);
    let at = coords.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let svc = spawn_service_at(&b.addr, "conv", "g-run", &["--findings-topic", "findings", "--until-caught-up"]);
    let (code, took, log) = svc.wait_exit(Instant::now());
    assert_eq!(code, Some(0), "{log}");
    let findings = high_watermarks(b, "findings", 4);
    println!("stage 1: {} events, {findings} finding records in {:.1} s", events.len(), took.as_secs_f64());
    let inv = involved(&events);
    (Setup { events, at, involved: inv, findings }, log)
}

fn high_watermarks(b: &Broker, topic: &str, partitions: i32) -> i64 {
    let c: BaseConsumer = ClientConfig::new().set("bootstrap.servers", &b.addr).create().unwrap();
    (0..partitions).map(|p| c.fetch_watermarks(topic, p, Duration::from_secs(10)).unwrap().1).sum()
}

fn correlate(b: &Broker, extra: &[&str]) -> Service {
    let mut args = vec!["--state-topic", "state"];
    args.extend_from_slice(extra);
    spawn_stage("correlate", &b.addr, "findings", "g-corr", &args, &[])
}

/// Scores the commands in `findings.commands` against the oracle: (missing, spurious, duplicates).
fn score(s: &Setup, commands: &[Value]) -> (usize, usize, usize) {
    let line_of = |c: &Value| {
        let src = &c["source"];
        assert_eq!(src["topic"], "conv");
        s.at[&(src["partition"].as_i64().unwrap() as i32, src["offset"].as_i64().unwrap())]
    };
    stage_oracle(&s.involved, commands, line_of)
}

fn parse(records: &[Vec<u8>]) -> Vec<Value> {
    records.iter().map(|r| serde_json::from_slice(r).unwrap()).collect()
}

#[test]
fn split_pairs_across_partitions_and_event_types_give_every_command() {
    let b = Broker::start();
    let (s, run_log) = setup(&b, 4400, 41);
    let svc = correlate(&b, &["--until-caught-up"]);
    let (code, took, log) = svc.wait_exit(Instant::now());
    assert_eq!(code, Some(0), "{log}");
    let got = drain(&b, "findings.commands", Duration::from_secs(60));
    let commands = parse(&got);
    let (missing, spurious, duplicates) = score(&s, &commands);
    let want = s.involved.iter().flatten().collect::<BTreeSet<_>>().len();
    println!(
        "correlate: {} finding records in {:.1} s; {want} involved events, {} commands: missing {missing}, spurious {spurious}, duplicates {duplicates}",
        s.findings,
        took.as_secs_f64(),
        commands.len()
    );
    assert!(commands.iter().all(|c| c["reason"] == "conversation_combination" && c["mode"] == "live"));
    assert!(want >= 4000, "about two involved events per split conversation, over 2,000 of them");
    assert_eq!((missing, spurious, duplicates), (0, 0, 0));
    // Nothing sensitive on the findings topic, in the state, the commands, the logs.
    let secrets: Vec<String> = s.events.iter().flat_map(|e| e.secrets.clone()).collect();
    let findings = drain(&b, "findings", Duration::from_secs(60));
    let state = drain(&b, "state", Duration::from_secs(60));
    assert!(!state.is_empty());
    assert_no_leaks(&secrets, &[&findings.concat(), &state.concat(), &got.concat(), log.as_bytes(), run_log.as_bytes()]);
}

#[test]
fn kill_9_of_the_stage_at_three_points_loses_no_half() {
    let b = Broker::start();
    let (s, _) = setup(&b, 2400, 43);
    let total = s.findings;
    let mut positions = Vec::new();
    let mut logs = String::new();
    // Static membership: each restart takes the partitions back at once.
    let id = ["--group-instance-id", "corr-0", "--max-in-flight", "300"];
    for quarter in 1..=3 {
        let base = committed(&b, "g-corr", "findings", 4);
        let svc = correlate(&b, &id);
        positions.push(wait_position(&svc, base, total * quarter / 4, Duration::from_secs(120)));
        logs += &svc.kill();
    }
    let mut last = id.to_vec();
    last.push("--until-caught-up");
    let svc = correlate(&b, &last);
    let (code, _, log) = svc.wait_exit(Instant::now());
    logs += &log;
    assert_eq!(code, Some(0), "{log}");
    let commands = parse(&drain(&b, "findings.commands", Duration::from_secs(60)));
    let (missing, spurious, duplicates) = score(&s, &commands);
    // A partition's state is restored when its first record after a start arrives.
    let restored = logs.matches("state restored").count();
    println!("kill -9 x3 of correlate at {positions:?} of {total} finding records: {} commands, missing {missing}, spurious {spurious}, duplicates {duplicates}; {restored} partition restores over the four runs", commands.len());
    assert!(positions.iter().all(|&p| p < total), "every kill landed mid-run");
    assert_eq!((missing, spurious), (0, 0));
    assert!(restored >= 4, "restarted instances restored their partitions: {logs}");
    let secrets: Vec<String> = s.events.iter().flat_map(|e| e.secrets.clone()).collect();
    assert_no_leaks(&secrets, &[logs.as_bytes()]);
}

#[test]
fn failpoints_between_commands_state_and_offset_lose_nothing() {
    let b = Broker::start();
    let (s, _) = setup(&b, 1600, 47);
    // The process aborts (as kill -9) after a record's commands are acknowledged but before its
    // state is written, then after its state is written but before its offset is stored.
    let mut aborted = Vec::new();
    for fp in ["after_commands:40", "after_state:300"] {
        let svc = spawn_stage("correlate", &b.addr, "findings", "g-corr", &["--state-topic", "state", "--group-instance-id", "corr-fp"], &[("PIIGUARD_FAILPOINT", fp)]);
        let (code, _, log) = svc.wait_exit(Instant::now());
        assert_ne!(code, Some(0), "the failpoint {fp} was reached: {log}");
        aborted.push((fp, committed(&b, "g-corr", "findings", 4)));
    }
    let svc = correlate(&b, &["--group-instance-id", "corr-fp", "--until-caught-up"]);
    let (code, _, log) = svc.wait_exit(Instant::now());
    assert_eq!(code, Some(0), "{log}");
    let commands = parse(&drain(&b, "findings.commands", Duration::from_secs(60)));
    let (missing, spurious, duplicates) = score(&s, &commands);
    println!("failpoints (name, committed after the abort) {aborted:?} of {} finding records: {} commands, missing {missing}, spurious {spurious}, duplicates {duplicates}", s.findings, commands.len());
    assert!(aborted.iter().all(|(_, c)| *c < s.findings), "each abort landed mid-run");
    assert_eq!((missing, spurious), (0, 0));
}

#[test]
fn two_instances_one_killed_the_survivor_completes_its_halves() {
    let b = Broker::start();
    create_topics(&b, &[("conv", 4), ("conv.commands", 4), ("conv.dlq", 1), ("findings", 4), ("findings.commands", 4), ("findings.dlq", 1), ("state", 4)]);
    // Dynamic membership with the group monitor (the local broker may keep a killed member's
    // partitions; the survivor sees them stalled and rejoins), as for `run`.
    let flags = ["--group-stall-secs", "15"];
    let a = correlate(&b, &flags);
    let c = correlate(&b, &flags);
    let start = Instant::now();
    let assigned = |x: &Service| x.metric("piiguard_assigned_partitions", &[]);
    let joined = |x: &Service| x.metric("piiguard_rebalances_total", &["kind=\"assign\""]) >= 1.0;
    while !(joined(&a) && joined(&c) && assigned(&a) + assigned(&c) == 4.0) && start.elapsed() < Duration::from_secs(90) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let shared = (assigned(&a), assigned(&c));
    let (victim, survivor) = if shared.0 >= 1.0 { (a, c) } else { (c, a) };
    // The events arrive (and stage 1 writes their findings) while both instances run.
    let events = Generator::new(53).conversations(2400);
    let payloads: Vec<Vec<u8>> = events.iter().map(|e| e.line.clone().into_bytes()).collect();
    let coords = produce(&b, "conv", &payloads);
    let run = spawn_service_at(&b.addr, "conv", "g-run", &["--findings-topic", "findings"]);
    let at = wait_position(&victim, 0, 300, Duration::from_secs(120));
    let _ = victim.kill();
    // Stage 1 finishes every event (the oracle counts them all) before the total is taken.
    let scanned = wait_committed(&b, "g-run", "conv", 4, events.len() as i64, Duration::from_secs(240));
    assert_eq!(scanned, events.len() as i64, "stage 1 scanned every event");
    let (code, _, _) = run.stop();
    assert_eq!(code, Some(0));
    let total = high_watermarks(&b, "findings", 4);
    let done = wait_committed(&b, "g-corr", "findings", 4, total, Duration::from_secs(240));
    let rejoins = survivor.metric("piiguard_group_rejoins_total", &[]);
    let (code, _, log) = survivor.stop();
    assert_eq!(code, Some(0), "{log}");
    let s = Setup { at: coords.iter().enumerate().map(|(i, c)| (*c, i)).collect(), involved: involved(&events), events, findings: total };
    let commands = parse(&drain(&b, "findings.commands", Duration::from_secs(60)));
    let (missing, spurious, duplicates) = score(&s, &commands);
    println!("two correlate instances {shared:?}, one killed after {at} records: survivor committed {done} of {total}, rejoined {rejoins} times; missing {missing}, spurious {spurious}, duplicates {duplicates}");
    assert_eq!(shared.0 + shared.1, 4.0, "the group held the 4 partitions: {shared:?}");
    assert!(at < total, "the kill landed mid-run");
    assert_eq!(done, total, "the survivor handled every finding record: {log}");
    assert_eq!((missing, spurious), (0, 0));
    assert!(log.contains("state restored"), "the survivor restored the partitions it took over");
}

/// Produces `(payload, timestamp ms)` to partition 0 of `topic`, in order.
fn produce_at(b: &Broker, topic: &str, records: &[(String, i64)]) {
    let p: FutureProducer = ClientConfig::new().set("bootstrap.servers", &b.addr).set("enable.idempotence", "true").create().unwrap();
    rt().block_on(async {
        for (payload, ts) in records {
            let rec: FutureRecord<'_, str, str> = FutureRecord::to(topic).payload(payload.as_str()).partition(0).timestamp(*ts);
            p.send(rec, Duration::from_secs(30)).await.map_err(|(e, _)| e).unwrap();
        }
    });
}

#[test]
fn a_pair_split_past_the_ttl_or_after_the_conversation_closed_gives_no_command() {
    let b = Broker::start();
    create_topics(&b, &[("conv", 1), ("conv.commands", 1), ("conv.dlq", 1), ("findings", 4), ("findings.commands", 4), ("findings.dlq", 1), ("state", 4)]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("piiguard.toml");
    std::fs::write(&cfg, "[conversations]\nttl_secs = 3600\nclosed_ttl_secs = 600\n").unwrap();
    let msg = |ch: &str, n: u32, body: &str| {
        format!(r#"{{"specversion":"1.0","type":"com.twilio.conversations.message.added","id":"ev-{ch}-{n}","data":{{"AccountSid":"AC{a}","ConversationSid":"{ch}","MessageSid":"IM{n:032x}","Body":"{body}"}}}}"#, a = "1".repeat(32))
    };
    let (a, bb, c) = (format!("CH{}", "a".repeat(32)), format!("CH{}", "b".repeat(32)), format!("CH{}", "c".repeat(32)));
    let closed = format!(r#"{{"specversion":"1.0","type":"com.twilio.conversations.conversation.removed","id":"ev-close","data":{{"AccountSid":"AC{}","ConversationSid":"{c}"}}}}"#, "1".repeat(32));
    let (name, ssn) = ("Hi, this is Maria Lopez.", "Sure, my social security number is 529-84-1746.");
    let t = 1_750_000_000_000i64;
    let min = 60_000;
    // A: name, then its SSN 2 h later (TTL 1 h). B: 30 min apart (kept). C: ended after 10 min
    // (closed TTL 10 min), its SSN 30 min after the name. In phases, each read by the stage before
    // the next is produced (stage 1 delivers a record's outputs concurrently with the next's).
    let cfg_arg = cfg.to_str().unwrap();
    let run = spawn_service_at(&b.addr, "conv", "g-run", &["--findings-topic", "findings"]);
    let corr = correlate(&b, &["--config", cfg_arg]);
    let read = |n: f64| {
        let start = Instant::now();
        while corr.metric("piiguard_events_consumed_total", &[]) < n && start.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    produce_at(&b, "conv", &[(msg(&a, 1, name), t), (msg(&bb, 2, name), t), (msg(&c, 3, name), t), (closed, t + 10 * min)]);
    read(4.0);
    produce_at(&b, "conv", &[(msg(&bb, 4, ssn), t + 30 * min), (msg(&c, 5, ssn), t + 30 * min)]);
    let first = consume(&b, "findings.commands", 2, Duration::from_secs(120));
    read(6.0);
    produce_at(&b, "conv", &[(msg(&a, 6, ssn), t + 120 * min)]);
    read(7.0);
    let evicted = |r: &str| corr.metric("piiguard_state_evictions_total", &[&format!("reason=\"{r}\"")]);
    let (ttl, closed_evictions) = (evicted("ttl"), evicted("closed"));
    let (_, metrics) = corr.get("/metrics");
    let _ = run.stop();
    let (code, _, log) = corr.stop();
    assert_eq!(code, Some(0), "{log}");
    let all = parse(&drain(&b, "findings.commands", Duration::from_secs(30)));
    let convs: BTreeSet<&str> = all.iter().map(|c| c["conversation"].as_str().unwrap()).collect();
    println!("TTL 1 h, closed TTL 10 min: commands for {convs:?} ({} commands); evictions ttl {ttl}, closed {closed_evictions}", all.len());
    assert_eq!(first.len(), 2);
    assert_eq!(convs, BTreeSet::from([bb.as_str()]), "only the pair within the TTL combined");
    assert_eq!(all.len(), 2);
    assert!(ttl >= 1.0 && closed_evictions >= 1.0, "evictions are counted: ttl {ttl}, closed {closed_evictions}");
    assert!(metrics.contains("piiguard_state_entries") && metrics.contains("piiguard_conversation_combinations_total 1"), "{metrics}");
    // No name, number or conversation-free value in the stage's metrics or logs.
    assert_no_leaks(&["Maria Lopez".into(), "529-84-1746".into()], &[metrics.as_bytes(), log.as_bytes()]);
}

/// Every record of the changelog `topic`, in offset order per partition: (key, state or `None`
/// for a tombstone), read until none came for 3 s.
fn changelog(b: &Broker, topic: &str) -> Vec<(String, Option<Value>)> {
    let c = reader(b, "changelog", topic);
    let (start, mut last) = (Instant::now(), Instant::now());
    let mut out = Vec::new();
    while start.elapsed() < Duration::from_secs(60) && last.elapsed() < Duration::from_secs(3) {
        if let Some(Ok(m)) = c.poll(Duration::from_millis(200)) {
            let key = String::from_utf8(m.key().unwrap_or_default().to_vec()).unwrap();
            out.push((key, m.payload().map(|p| serde_json::from_slice(p).unwrap())));
            last = Instant::now();
        }
    }
    out
}

/// Keys of the changelog whose last record (the one compaction keeps) lacks an event some earlier
/// record of the key held.
fn short_last_records(log: &[(String, Option<Value>)]) -> Vec<String> {
    let refs = |s: &Value| s["refs"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect::<BTreeSet<_>>();
    let mut union: HashMap<&str, BTreeSet<String>> = HashMap::new();
    let mut last: HashMap<&str, Option<BTreeSet<String>>> = HashMap::new();
    for (k, v) in log.iter().filter(|(k, _)| k != "__claim__") {
        let r = v.as_ref().map(refs);
        if let Some(r) = &r {
            union.entry(k).or_default().extend(r.iter().cloned());
        }
        last.insert(k, r);
    }
    last.into_iter().filter(|(k, l)| l.as_ref().is_none_or(|l| !union[k].is_subset(l))).map(|(k, _)| k.to_owned()).collect()
}

#[test]
fn a_zombie_paused_past_its_session_loses_no_half_and_its_writes_are_counted() {
    let b = Broker::start();
    let (s, _) = setup(&b, 2400, 59);
    // A takes every partition; from its 600th record on, each record's state write waits 2 s, so
    // when A is stopped (SIGSTOP) writes are pending: it resumes as a zombie and makes them.
    let a = spawn_stage("correlate", &b.addr, "findings", "g-corr", &["--state-topic", "state", "--max-in-flight", "300"], &[("PIIGUARD_STALLPOINT", "before_state:600:2000")]);
    assert!(a.wait_log("stallpoint reached", Duration::from_secs(120)), "A reached the stallpoint: {}", a.logs_after_exit());
    std::thread::sleep(Duration::from_millis(300));
    let pid = a.child.id().to_string();
    Command::new("kill").args(["-STOP", &pid]).status().unwrap();
    let stopped = Instant::now();
    // B joins; A, stopped, misses its session: B restores, claims and handles every record.
    let bb = correlate(&b, &["--group-stall-secs", "15"]);
    let done = wait_committed(&b, "g-corr", "findings", 4, s.findings, Duration::from_secs(240));
    let took_over = stopped.elapsed();
    Command::new("kill").args(["-CONT", &pid]).status().unwrap();
    // A wakes with its pending writes (of its own epoch, after B's claim): B merges them.
    let start = Instant::now();
    while bb.metric("piiguard_state_zombie_writes_total", &[]) < 1.0 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let zombie = bb.metric("piiguard_state_zombie_writes_total", &[]) + a.metric("piiguard_state_zombie_writes_total", &[]);
    // A's zombie commits may move the group's offsets back: wait until every record is handled.
    let again = wait_committed(&b, "g-corr", "findings", 4, s.findings, Duration::from_secs(240));
    // A's return moves partitions: the owner of each restores it at once and writes again what
    // A's late writes left short. Wait for that (as long as 120 s) before stopping both.
    let settle = Instant::now();
    while !short_last_records(&changelog(&b, "state")).is_empty() && settle.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_secs(2));
    }
    let settled = settle.elapsed();
    let (code_a, _, log_a) = a.stop();
    let (code_b, _, log_b) = bb.stop();
    assert_eq!((code_a, code_b), (Some(0), Some(0)), "{log_a}\n{log_b}");
    let commands = parse(&drain(&b, "findings.commands", Duration::from_secs(60)));
    let (missing, spurious, duplicates) = score(&s, &commands);
    let log = changelog(&b, "state");
    let short = short_last_records(&log);
    let claims = log.iter().filter(|(k, _)| k == "__claim__").count();
    println!(
        "zombie: A stopped at its 600th record's state write, B handled {done} of {} finding records {:.1} s later; A resumed: {zombie} zombie writes counted, group back at {again}, changelog repaired {:.1} s later; {} commands, missing {missing}, spurious {spurious}, duplicates {duplicates}; changelog {} records, {claims} claims, keys whose last record lacks a half: {}",
        s.findings,
        took_over.as_secs_f64(),
        settled.as_secs_f64(),
        commands.len(),
        log.len(),
        short.len()
    );
    assert_eq!(done, s.findings, "B took over while A was stopped: {log_b}");
    assert!(zombie >= 1.0, "the zombie's late writes were seen and counted: {log_b}");
    assert!(log_b.contains("state written by a zombie instance"), "{log_b}");
    assert_eq!((missing, spurious), (0, 0));
    assert!(short.is_empty(), "what compaction keeps holds every half: {short:?}");
}

#[test]
fn replay_correlates_a_window_with_the_ids_of_scan_correlate_and_no_state_of_its_own_kept() {
    let b = Broker::start();
    create_topics(&b, &[("conv", 4), ("replayed", 4)]);
    let events = Generator::new(61).conversations(1600);
    let payloads: Vec<Vec<u8>> = events.iter().map(|e| e.line.clone().into_bytes()).collect();
    let coords = produce(&b, "conv", &payloads);
    let at: HashMap<(i32, i64), usize> = coords.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &std::path::Path, extra: &[&str]| {
        // The key `scan_correlate` uses: SMS keys and the ids of events without an id depend on it.
        let key = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/test.key");
        let mut args = vec!["replay", "--brokers", &b.addr, "--topic", "conv", "--from", "earliest", "--correlate", "--hmac-key-file", key, "--output", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = Command::new(env!("CARGO_BIN_EXE_piiguard")).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        let lines = std::fs::read_to_string(out).unwrap();
        let all: Vec<Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (all.into_iter().filter(|c| c["reason"] == "conversation_combination").collect::<Vec<_>>(), stderr)
    };
    let line_of = |c: &Value| at[&(c["source"]["partition"].as_i64().unwrap() as i32, c["source"]["offset"].as_i64().unwrap())];
    // The whole topic: every involved event, and the ids `scan --correlate` gives the same lines.
    let (whole, summary) = run(&dir.path().join("all.jsonl"), &[]);
    let (missing, spurious, duplicates) = stage_oracle(&involved(&events), &whole, line_of);
    let ids = |cs: &[Value]| cs.iter().map(|c| c["command_id"].as_str().unwrap().to_owned()).collect::<BTreeSet<_>>();
    let scanned: Vec<Value> = crate::conversations::scan_correlate(&events).into_iter().filter(|c| c["reason"] == "conversation_combination").collect();
    assert!(whole.iter().all(|c| c["mode"] == "replay" && c["source"]["topic"] == "conv"));
    // A window (the first 1,200 offsets of each partition, about half): only halves inside it meet.
    let inside: Vec<usize> = (0..events.len()).filter(|&i| coords[i].1 < 1200).collect();
    let window_events: Vec<ConvEvent> = inside.iter().map(|&i| events[i].clone()).collect();
    let (window, _) = run(&dir.path().join("window.jsonl"), &["--to", "offset:1199"]);
    let window_line = |c: &Value| inside.iter().position(|&i| i == line_of(c)).expect("a command for an event inside the window");
    let (w_missing, w_spurious, w_duplicates) = stage_oracle(&involved(&window_events), &window, window_line);
    println!(
        "replay --correlate: {} events, {} conversation commands (scan --correlate: {}), missing {missing}, spurious {spurious}, duplicates {duplicates}; window of {} events: {} commands, missing {w_missing}, spurious {w_spurious}, duplicates {w_duplicates}",
        events.len(),
        whole.len(),
        scanned.len(),
        inside.len(),
        window.len()
    );
    assert!(whole.len() >= 1000, "{summary}");
    assert_eq!((missing, spurious, duplicates), (0, 0, 0));
    assert_eq!(ids(&whole), ids(&scanned), "the ids of scan --correlate");
    assert!(summary.contains(&format!("{} commands for their events", whole.len())), "{summary}");
    assert!(!window.is_empty() && window.len() < whole.len());
    assert_eq!((w_missing, w_spurious, w_duplicates), (0, 0, 0));
    // To a topic: the same commands, each acknowledged before its record counts as handled.
    let key = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/test.key");
    let o = Command::new(env!("CARGO_BIN_EXE_piiguard")).args(["replay", "--brokers", &b.addr, "--topic", "conv", "--from", "earliest", "--correlate", "--hmac-key-file", key, "--commands-topic", "replayed"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let on_topic: Vec<Value> = parse(&drain(&b, "replayed", Duration::from_secs(60))).into_iter().filter(|c| c["reason"] == "conversation_combination").collect();
    assert_eq!(ids(&on_topic), ids(&whole));
    // The state is this run's only: resuming from a checkpoint is refused, clearly.
    let o = Command::new(env!("CARGO_BIN_EXE_piiguard")).args(["replay", "--brokers", &b.addr, "--topic", "conv", "--from", "earliest", "--correlate", "--dry-run", "--checkpoint", "cp.json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be used with"));
}
