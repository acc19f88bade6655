//! `piiguard replay` on a real broker: time windows, the live group left alone, crash and resume
//! with a checkpoint, empty ranges, bad arguments.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

use piiguard::generate::Generator;
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde_json::Value;

use super::*;

/// 2026-01-01T00:00:00Z in ms.
const BASE: i64 = 1_767_225_600_000;
const HOUR: i64 = 3_600_000;

/// Produces `payloads` with explicit timestamps; returns (partition, offset) per payload.
fn produce_at(b: &Broker, topic: &str, payloads: &[Vec<u8>], timestamps: &[i64]) -> Vec<(i32, i64)> {
    let p: FutureProducer = ClientConfig::new().set("bootstrap.servers", &b.addr).set("enable.idempotence", "true").set("compression.type", "lz4").set("linger.ms", "5").create().unwrap();
    rt().block_on(async {
        let mut futs = Vec::new();
        for (i, (pl, ts)) in payloads.iter().zip(timestamps).enumerate() {
            let key = format!("k{i}");
            futs.push(p.send_result(FutureRecord::to(topic).key(&key).payload(pl).timestamp(*ts)).map_err(|_| "queue full").unwrap());
        }
        let mut out = Vec::new();
        for f in futs {
            let d = f.await.unwrap().map_err(|(e, _)| e).unwrap();
            out.push((d.partition, d.offset));
        }
        out
    })
}

fn replay(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_piiguard")).arg("replay").args(args).env("PIIGUARD_HMAC_KEY", "5a".repeat(32)).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn file_ids(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap_or_default().lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["command_id"].as_str().unwrap().to_owned()).collect()
}

/// Starts `piiguard` with `args` (a replay with `--checkpoint cp`) and returns once the checkpoint
/// on disk shows progress (or after 60 s).
fn spawn_until_checkpointed(args: &[&str], cp: &std::path::Path) -> std::process::Child {
    let child = Command::new(env!("CARGO_BIN_EXE_piiguard")).args(args).env("PIIGUARD_HMAC_KEY", "5a".repeat(32)).stderr(std::process::Stdio::null()).spawn().unwrap();
    let progressed = || {
        std::fs::read(cp).ok().and_then(|b| serde_json::from_slice::<Value>(&b).ok()).is_some_and(|v| v["next"].as_object().unwrap().values().map(|x| x.as_i64().unwrap()).sum::<i64>() > 0)
    };
    let start = Instant::now();
    while !progressed() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn rfc3339(ms: i64) -> String {
    humantime::format_rfc3339_millis(std::time::UNIX_EPOCH + Duration::from_millis(ms as u64)).to_string()
}

#[test]
fn the_middle_window_gives_exactly_its_commands_and_the_live_group_is_left_alone() {
    let b = Broker::start();
    let topic = "replay-a";
    create_topics(&b, &[(topic, 3), ("replay-a.commands", 3), ("replay-a.dlq", 1)]);
    // Three windows an hour apart, 1,000 events each, one millisecond apart; in the middle of
    // window B, 30 late records stamped in window A (out of timestamp order: inside B's offsets,
    // outside its time range, so only the client-side filter keeps them out).
    let n = 3_030;
    let payloads: Vec<Vec<u8>> = Generator::new(41).take(n).map(|g| g.line.into_bytes()).collect();
    let ts: Vec<i64> = (0..n as i64)
        .map(|i| match i {
            0..1_000 => BASE + i,
            1_000..1_500 => BASE + HOUR + (i - 1_000),
            1_500..1_530 => BASE + 100 + (i - 1_500),
            1_530..2_030 => BASE + HOUR + (i - 1_030),
            _ => BASE + 2 * HOUR + (i - 2_030),
        })
        .collect();
    let coords = produce_at(&b, topic, &payloads, &ts);
    let middle: Vec<usize> = (0..n).filter(|&i| (BASE + HOUR..BASE + 2 * HOUR).contains(&ts[i])).collect();
    assert_eq!(middle.len(), 1_000);
    let expected = expected_ids(topic, &middle.iter().map(|&i| payloads[i].clone()).collect::<Vec<_>>(), &middle.iter().map(|&i| coords[i]).collect::<Vec<_>>());
    // The live service handles everything first; its committed offsets are the reference.
    let svc = spawn_service(&b, topic, "g-live");
    let start = Instant::now();
    while committed(&b, "g-live", topic, 3) < n as i64 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let (code, _, _) = svc.stop();
    assert_eq!(code, Some(0));
    let live_committed = committed(&b, "g-live", topic, 3);
    let live_ids = ids(&consume(&b, "replay-a.commands", usize::MAX, Duration::from_secs(10)));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("middle.jsonl");
    let summary = dir.path().join("summary.json");
    let (from, to) = (rfc3339(BASE + HOUR), rfc3339(BASE + HOUR + 999));
    let (code, err) = replay(&["--brokers", &b.addr, "--topic", topic, "--from", &from, "--to", &to, "--output", out.to_str().unwrap(), "--summary-json", summary.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    let got = file_ids(&out);
    let distinct: BTreeSet<String> = got.iter().cloned().collect();
    let s: Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    println!("replay of the middle window: {} commands ({} expected), summary records {} filtered {}; live group committed {live_committed} before and {} after", got.len(), expected.len(), s["records"], s["filtered"], committed(&b, "g-live", topic, 3));
    assert_eq!(distinct, expected, "exactly the middle window's commands");
    assert_eq!(got.len(), distinct.len());
    assert_eq!(s["records"], 1_000);
    assert_eq!(s["filtered"], 30, "the late records inside B's offsets are filtered by timestamp");
    assert!(std::fs::read_to_string(&out).unwrap().lines().all(|l| l.contains("\"mode\":\"replay\"")));
    assert!(expected.is_subset(&live_ids), "the same ids the live run gave");
    assert_eq!(committed(&b, "g-live", topic, 3), live_committed, "the live group's offsets are untouched");
    // An offset range: the first 10 offsets of every partition.
    let (code, err) = replay(&["--brokers", &b.addr, "--topic", topic, "--from", "offset:0", "--to", "offset:9", "--dry-run", "--summary-json", summary.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    let s: Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    assert_eq!(s["records"], 30);
    assert_eq!(s["commands"], 0, "--dry-run writes nothing");
}

#[test]
fn kill_9_during_a_checkpointed_replay_then_a_rerun_covers_the_range_with_no_gap() {
    let b = Broker::start();
    let topic = "replay-b";
    let l = load(&b, topic, 4, 100_000, 42);
    let dir = tempfile::tempdir().unwrap();
    let (out, cp) = (dir.path().join("out.jsonl"), dir.path().join("cp.json"));
    let args = ["replay", "--brokers", &b.addr, "--topic", topic, "--from", "earliest", "--output", out.to_str().unwrap(), "--checkpoint", cp.to_str().unwrap(), "--max-in-flight", "500"];
    // Kill once a checkpoint with progress is on disk.
    let mut child = spawn_until_checkpointed(&args, &cp);
    Command::new("kill").args(["-KILL", &child.id().to_string()]).status().unwrap();
    let _ = child.wait();
    let first = file_ids(&out).len();
    let saved: Value = serde_json::from_slice(&std::fs::read(&cp).unwrap()).unwrap();
    assert_eq!(saved["complete"], false, "the kill landed mid-replay");
    let (code, err) = replay(&args[1..]);
    assert_eq!(code, Some(0), "{err}");
    let all = file_ids(&out);
    let distinct: BTreeSet<String> = all.iter().cloned().collect();
    let missing = l.expected.difference(&distinct).count();
    println!("replay killed with {first} commands written (checkpoint at {}), rerun: {} lines, {} distinct of {} expected, missing {missing}, duplicates {}", saved["next"], all.len(), distinct.len(), l.expected.len(), all.len() - distinct.len());
    assert!(err.contains("resumed from checkpoint"), "{err}");
    assert_eq!(missing, 0, "no gap");
    assert_eq!(distinct.difference(&l.expected).count(), 0);
}

#[test]
fn an_empty_range_exits_0_with_zero_counts_and_bad_arguments_get_clear_errors() {
    let b = Broker::start();
    let topic = "replay-c";
    create_topics(&b, &[(topic, 2)]);
    let payloads: Vec<Vec<u8>> = Generator::new(43).take(100).map(|g| g.line.into_bytes()).collect();
    let ts: Vec<i64> = (0..100).map(|i| BASE + i).collect();
    produce_at(&b, topic, &payloads, &ts);
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("s.json");
    // After the last record (the local broker answers such lookups with offset 0: not trusted).
    let (code, err) = replay(&["--brokers", &b.addr, "--topic", topic, "--from", &rfc3339(BASE + HOUR), "--dry-run", "--summary-json", summary.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    let s: Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    assert_eq!((s["records"].as_u64(), s["filtered"].as_u64(), s["commands"].as_u64()), (Some(0), Some(0), Some(0)), "{s}");

    let cases: &[(&[&str], &str)] = &[
        (&["--topic", "no-such-topic", "--from", "earliest", "--dry-run"], "unknown topic `no-such-topic`"),
        (&["--topic", topic, "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z", "--dry-run"], "is after --to"),
        (&["--topic", topic, "--from", "offset:5", "--to", "offset:2", "--dry-run"], "is after --to"),
        (&["--topic", topic, "--from", "earliest", "--to", "offset:100000", "--dry-run"], "past the end of the partition"),
        (&["--topic", topic, "--from", "yesterday", "--dry-run"], "RFC 3339"),
        (&["--topic", topic, "--from", "earliest"], "--commands-topic"),
        (&["--topic", topic, "--from", "earliest", "--commands-topic", "no-such-commands"], "unknown topic `no-such-commands`"),
    ];
    for (args, want) in cases {
        let mut full = vec!["--brokers", b.addr.as_str()];
        full.extend_from_slice(args);
        let (code, err) = replay(&full);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let (code, err) = replay(&["--brokers", "127.0.0.1:1", "--topic", topic, "--from", "earliest", "--dry-run"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("broker unreachable"), "{err}");
    println!("empty range: exit 0, 0 records; 8 bad invocations: exit 2 with their messages");
}

#[test]
fn sigterm_while_the_broker_is_frozen_exits_3_within_the_deadline_and_a_rerun_resumes() {
    let b = Broker::start();
    let topic = "replay-d";
    let l = load(&b, topic, 4, 60_000, 44);
    let dir = tempfile::tempdir().unwrap();
    let (out, cp) = (dir.path().join("out.jsonl"), dir.path().join("cp.json"));
    let args = ["replay", "--brokers", &b.addr, "--topic", topic, "--from", "earliest", "--output", out.to_str().unwrap(), "--checkpoint", cp.to_str().unwrap(), "--max-in-flight", "500", "--shutdown-deadline-secs", "5"];
    let mut child = spawn_until_checkpointed(&args, &cp);
    // The broker stops answering (connections stay open), then the stop is asked for.
    b.signal("STOP");
    let sigterm = Instant::now();
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code();
        }
        if sigterm.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("no exit 60 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = sigterm.elapsed();
    b.signal("CONT");
    let saved: Value = serde_json::from_slice(&std::fs::read(&cp).unwrap()).unwrap();
    println!("replay: SIGTERM with the broker frozen: exit {code:?} {took:.1?} after it (deadline 5 s), checkpoint complete: {}", saved["complete"]);
    assert_eq!(code, Some(3));
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(saved["complete"], false, "the stop landed mid-replay");
    let (code, err) = replay(&args[1..]);
    assert_eq!(code, Some(0), "{err}");
    let distinct: BTreeSet<String> = file_ids(&out).into_iter().collect();
    let missing = l.expected.difference(&distinct).count();
    println!("  rerun: {} distinct of {} expected, missing {missing}", distinct.len(), l.expected.len());
    assert!(err.contains("resumed from checkpoint"), "{err}");
    assert_eq!(missing, 0, "no gap");
    assert_eq!(distinct.difference(&l.expected).count(), 0);
}
