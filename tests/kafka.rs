//! `piiguard run` against a real Kafka-API broker (tansu, SQLite engine) started by the test through
//! `scripts/broker.sh`: each test gets its own broker on a free port, its own topics and group.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use piiguard::commands::{Mode, Source};
use piiguard::generate::Generator;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde_json::Value;

use crate::common;

/// A broker for one test; stopped (and its directory removed) on drop.
struct Broker {
    addr: String,
    dir: String,
    // Held for the test's life: one broker test at a time. Each runs a broker, one or two services
    // and readers; six at once on the 2-core test machine starved group joins (a kill -9 run once
    // took 135 s instead of 15 s).
    _turn: std::sync::MutexGuard<'static, ()>,
}

impl Broker {
    fn start() -> Broker {
        Broker::start_on(None, Broker::turn())
    }

    fn turn() -> std::sync::MutexGuard<'static, ()> {
        static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
        TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn start_on(port: Option<u16>, turn: std::sync::MutexGuard<'static, ()>) -> Broker {
        let mut cmd = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/broker.sh"));
        if let Some(p) = port {
            cmd.env("BROKER_PORT", p.to_string());
        }
        let out = cmd.arg("start").output().expect("broker.sh runs");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "broker did not start: {}", String::from_utf8_lossy(&out.stderr));
        let field = |k: &str| text.split_whitespace().find_map(|w| w.strip_prefix(k)).expect("broker.sh prints BROKERS= and DIR=").to_string();
        Broker { addr: field("BROKERS="), dir: field("DIR="), _turn: turn }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/broker.sh")).args(["stop", &self.dir]).status();
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn create_topics(b: &Broker, topics: &[(&str, i32)]) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new().set("bootstrap.servers", &b.addr).create().unwrap();
    let new: Vec<NewTopic> = topics.iter().map(|(t, p)| NewTopic::new(t, *p, TopicReplication::Fixed(1))).collect();
    let res = rt().block_on(admin.create_topics(&new, &AdminOptions::new())).unwrap();
    for r in res {
        r.unwrap();
    }
}

/// Produces each payload (keyed round-robin over partitions by the broker's partitioner) and
/// returns (partition, offset) per payload.
fn produce(b: &Broker, topic: &str, payloads: &[Vec<u8>]) -> Vec<(i32, i64)> {
    let p: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &b.addr)
        .set("enable.idempotence", "true")
        .set("compression.type", "lz4")
        .set("linger.ms", "5")
        .create()
        .unwrap();
    rt().block_on(async {
        // Enqueue everything first (send_result does not wait), then collect the acknowledgements.
        let mut futs = Vec::with_capacity(payloads.len());
        for (i, pl) in payloads.iter().enumerate() {
            let key = format!("k{i}");
            let rec = FutureRecord::to(topic).key(&key).payload(pl);
            let mut rec = rec;
            let fut = loop {
                match p.send_result(rec) {
                    Ok(f) => break f,
                    Err((_, r)) => {
                        rec = r; // Queue full: let deliveries drain.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
            };
            futs.push(fut);
        }
        let mut out = Vec::with_capacity(futs.len());
        for f in futs {
            let d = f.await.expect("delivery future resolves").map_err(|(e, _)| e).expect("produced");
            out.push((d.partition, d.offset));
        }
        out
    })
}

/// A consumer in its own group that reads `topic` from the beginning and commits nothing.
fn reader(b: &Broker, group: &str, topic: &str) -> BaseConsumer {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &b.addr)
        .set("group.id", format!("{group}-{topic}-{}", std::process::id()))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .set("session.timeout.ms", "6000")
        .set("max.poll.interval.ms", "10000")
        .create()
        .unwrap();
    c.subscribe(&[topic]).unwrap();
    c
}

/// The command ids `scan` logic gives for `payloads` at their (partition, offset) in `topic`.
fn expected_ids(topic: &str, payloads: &[Vec<u8>], coords: &[(i32, i64)]) -> BTreeSet<String> {
    let proc = common::processor();
    let mut expected = BTreeSet::new();
    for (pl, (partition, offset)) in payloads.iter().zip(coords) {
        let src = Source::Kafka { topic: topic.into(), partition: *partition, offset: *offset, key: None, timestamp: None };
        expected.extend(proc.process(pl, &src, Mode::Live).commands.into_iter().map(|c| c.command_id));
    }
    expected
}

/// Reads `topic` from the beginning until `want` records arrived or `timeout` passed.
fn consume(b: &Broker, topic: &str, want: usize, timeout: Duration) -> Vec<Vec<u8>> {
    let c = reader(b, "reader", topic);
    let start = Instant::now();
    let mut out = Vec::new();
    while out.len() < want && start.elapsed() < timeout {
        if let Some(Ok(m)) = c.poll(Duration::from_millis(200)) {
            out.push(m.payload().unwrap_or_default().to_vec());
        }
    }
    out
}

/// A reader that keeps consuming a topic from the beginning and accumulates what it saw.
struct Reader {
    c: BaseConsumer,
    seen: Vec<Vec<u8>>,
}

impl Reader {
    fn new(b: &Broker, topic: &str) -> Reader {
        Reader { c: reader(b, "progress", topic), seen: Vec::new() }
    }

    /// Reads until `ids(seen)` covers `min` distinct commands or `timeout` passes.
    fn until(&mut self, min: usize, timeout: Duration) -> usize {
        let start = Instant::now();
        let mut distinct = ids(&self.seen).len();
        while distinct < min && start.elapsed() < timeout {
            let before = self.seen.len();
            while let Some(Ok(m)) = self.c.poll(Duration::from_millis(50)) {
                self.seen.push(m.payload().unwrap_or_default().to_vec());
                if self.seen.len() - before > 5_000 {
                    break;
                }
            }
            distinct = ids(&self.seen).len();
        }
        distinct
    }
}

fn spawn_service(b: &Broker, input: &str, group: &str) -> Child {
    spawn_service_at(&b.addr, input, group, &[])
}

/// `piiguard run` on `addr` reading `input`, writing `<input>.commands` and `<input>.dlq`, with
/// short group timeouts; `extra` flags are appended.
fn spawn_service_at(addr: &str, input: &str, group: &str, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_piiguard"))
        .args(["run", "--brokers", addr, "--group", group, "--topic", input])
        .args(["--commands-topic", &format!("{input}.commands"), "--dlq-topic", &format!("{input}.dlq")])
        .args(["-X", "session.timeout.ms=6000", "-X", "max.poll.interval.ms=10000", "-X", "auto.commit.interval.ms=500"])
        .args(extra)
        .env("PIIGUARD_HMAC_KEY", "5a".repeat(32))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("service starts")
}

fn sigterm(child: &mut Child) -> (Option<i32>, Duration, String) {
    let start = Instant::now();
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let out = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        assert!(start.elapsed() < Duration::from_secs(40), "no exit 40 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    use std::io::Read;
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut err).unwrap();
    }
    (out, start.elapsed(), err)
}

fn ids(payloads: &[Vec<u8>]) -> BTreeSet<String> {
    payloads.iter().map(|p| serde_json::from_slice::<Value>(p).unwrap()["command_id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn twenty_thousand_events_on_four_partitions_give_exactly_the_expected_commands() {
    let b = Broker::start();
    let topic = "events-a";
    create_topics(&b, &[(topic, 4), ("events-a.commands", 4), ("events-a.dlq", 1)]);
    let gens: Vec<_> = Generator::new(21).take(20_000).collect();
    let payloads: Vec<Vec<u8>> = gens.iter().map(|g| g.line.clone().into_bytes()).collect();
    let coords = produce(&b, topic, &payloads);
    let expected = expected_ids(topic, &payloads, &coords);
    let mut svc = spawn_service(&b, topic, "g-a");
    let got = consume(&b, "events-a.commands", expected.len(), Duration::from_secs(180));
    let (code, took, err) = sigterm(&mut svc);
    let got = ids(&got);
    let missing = expected.difference(&got).count();
    let spurious = got.difference(&expected).count();
    println!("20,000 events, 4 partitions: {} commands expected, {} distinct received; missing {missing}, spurious {spurious}; SIGTERM exit {code:?} in {took:?}", expected.len(), got.len());
    assert_eq!((missing, spurious), (0, 0));
    assert_eq!(code, Some(0), "service stderr: {err}");
    assert!(consume(&b, "events-a.dlq", 1, Duration::from_secs(3)).is_empty(), "no bad input, no dead letters");
}

#[test]
fn malformed_records_get_reference_only_dead_letters_and_the_rest_flows() {
    let b = Broker::start();
    let topic = "events-b";
    create_topics(&b, &[(topic, 2), ("events-b.commands", 2), ("events-b.dlq", 1)]);
    let mut payloads: Vec<Vec<u8>> = Vec::new();
    let mut secrets = Vec::new();
    let mut bad = 0;
    for (i, g) in Generator::new(22).take(1000).enumerate() {
        if i % 50 == 0 {
            // Truncated JSON, invalid UTF-8, too deep: each with PII in it.
            let ssn = format!("123-45-{:04}", 1000 + i);
            secrets.push(ssn.clone());
            let p = match (i / 50) % 3 {
                0 => format!("{{\"body\": \"Jane Doe SSN {ssn}\"").into_bytes(),
                1 => {
                    let mut v = format!("Jane Doe SSN {ssn} ").into_bytes();
                    v.push(0xff);
                    v
                }
                _ => format!("{}\"Jane Doe SSN {ssn}\"{}", "[".repeat(100), "]".repeat(100)).into_bytes(),
            };
            payloads.push(p);
            bad += 1;
        }
        secrets.extend(g.secrets.iter().cloned());
        payloads.push(g.line.into_bytes());
    }
    let coords = produce(&b, topic, &payloads);
    let expected = expected_ids(topic, &payloads, &coords);
    let mut svc = spawn_service(&b, topic, "g-b");
    let cmds = consume(&b, "events-b.commands", expected.len(), Duration::from_secs(120));
    let dlq = consume(&b, "events-b.dlq", bad, Duration::from_secs(30));
    let (code, _, err) = sigterm(&mut svc);
    assert_eq!(code, Some(0), "service stderr: {err}");
    let got = ids(&cmds);
    assert_eq!(expected.difference(&got).count(), 0, "every record, malformed or not, handled");
    assert_eq!(dlq.len(), bad, "one dead-letter reference per malformed record");
    let reasons: BTreeSet<String> = dlq.iter().map(|d| serde_json::from_slice::<Value>(d).unwrap()["reason"].as_str().unwrap().to_owned()).collect();
    assert_eq!(reasons, ["invalid_utf8", "parse_error", "too_deep"].map(String::from).into());
    // PII in malformed records is still found (raw-text scan) …
    let unparsed = cmds.iter().filter(|c| serde_json::from_slice::<Value>(c).unwrap()["parse_status"] == "unparsed").count();
    assert_eq!(unparsed, bad);
    // … and no value reaches the dead letters, the commands or the service's stderr.
    let all_out: Vec<u8> = dlq.iter().chain(cmds.iter()).flatten().copied().chain(err.bytes()).collect();
    let all_out = String::from_utf8_lossy(&all_out);
    for s in &secrets {
        assert!(!all_out.contains(s.as_str()), "a planted value leaked");
    }
    println!("{bad} malformed records among {}: {bad} dead-letter references (reference only), {unparsed} commands from the raw-text scan, 0 leaks", payloads.len());
}

/// Produces `n` generated events to a new `partitions`-partition topic and returns the expected
/// command ids.
fn load(b: &Broker, topic: &str, partitions: i32, n: usize, seed: u64) -> BTreeSet<String> {
    create_topics(b, &[(topic, partitions), (&format!("{topic}.commands"), partitions), (&format!("{topic}.dlq"), 1)]);
    let payloads: Vec<Vec<u8>> = Generator::new(seed).take(n).map(|g| g.line.into_bytes()).collect();
    let coords = produce(b, topic, &payloads);
    expected_ids(topic, &payloads, &coords)
}

fn kill9(child: &mut Child) {
    Command::new("kill").args(["-KILL", &child.id().to_string()]).status().unwrap();
    let _ = child.wait();
}

#[test]
fn kill_9_at_three_points_loses_nothing() {
    let b = Broker::start();
    let topic = "events-c";
    let expected = load(&b, topic, 4, 50_000, 23);
    let max_in_flight = 2_000;
    let limit = max_in_flight.to_string();
    let spawn = || spawn_service_at(&b.addr, topic, "g-c", &["--max-in-flight", &limit]);
    let start = Instant::now();
    // Kill points: when a quarter, a half and three quarters of the commands are out, so every kill
    // lands mid-run whatever the machine's speed.
    let mut reader = Reader::new(&b, "events-c.commands");
    let mut progress = Vec::new();
    for quarter in 1..=3 {
        let mut svc = spawn();
        progress.push(reader.until(expected.len() * quarter / 4, Duration::from_secs(120)));
        kill9(&mut svc);
    }
    let mut svc = spawn();
    reader.until(expected.len(), Duration::from_secs(240));
    let got = std::mem::take(&mut reader.seen);
    let (code, _, _) = sigterm(&mut svc);
    let elapsed = start.elapsed().as_secs_f64();
    let distinct = ids(&got);
    let missing = expected.difference(&distinct).count();
    let spurious = distinct.difference(&expected).count();
    let duplicates = got.len() - distinct.len();
    // Per crash at most the in-flight records plus what was stored but not yet committed
    // (auto.commit.interval.ms = 500 ms at the observed rate) are handled again.
    let rate = 50_000.0 / elapsed;
    let bound = 3 * (max_in_flight + (rate * 0.5) as usize + 1) * 2; // two commands per record at most, on average far fewer
    println!("kill -9 x3 during 50,000 events (at {progress:?} distinct commands out): {} commands expected, missing {missing}, spurious {spurious}, duplicates {duplicates} (bound {bound}), {elapsed:.1} s", expected.len());
    assert!(progress.iter().all(|&p| p < expected.len()), "every kill landed mid-run");
    assert_eq!((missing, spurious), (0, 0));
    assert!(duplicates <= bound, "duplicates {duplicates} over bound {bound}");
    assert_eq!(code, Some(0));
}

#[test]
fn sigterm_mid_run_exits_0_and_restart_duplicates_nothing() {
    let b = Broker::start();
    let topic = "events-d";
    let expected = load(&b, topic, 4, 40_000, 24);
    let mut reader = Reader::new(&b, "events-d.commands");
    let mut svc = spawn_service(&b, topic, "g-d");
    let first = reader.until(expected.len() / 3, Duration::from_secs(120));
    let (code, took, err) = sigterm(&mut svc);
    assert_eq!(code, Some(0), "stderr: {err}");
    assert!(took < Duration::from_secs(30));
    assert!(first < expected.len(), "the stop landed mid-run");
    let mut svc = spawn_service(&b, topic, "g-d");
    reader.until(expected.len(), Duration::from_secs(120));
    let got = std::mem::take(&mut reader.seen);
    let (code2, _, _) = sigterm(&mut svc);
    let distinct = ids(&got);
    println!("SIGTERM at {first} of {} commands: exit {code:?} in {took:?}; after restart {} commands, {} distinct", expected.len(), got.len(), distinct.len());
    assert_eq!(expected.difference(&distinct).count(), 0);
    assert_eq!(got.len(), distinct.len(), "no duplicates after a graceful stop");
    assert_eq!(code2, Some(0));
}

#[test]
fn two_instances_one_killed_the_survivor_finishes() {
    let b = Broker::start();
    let topic = "events-e";
    let expected = load(&b, topic, 4, 40_000, 25);
    let mut reader = Reader::new(&b, "events-e.commands");
    let mut a = spawn_service(&b, topic, "g-e");
    let mut s = spawn_service(&b, topic, "g-e");
    let at = reader.until(expected.len() * 2 / 5, Duration::from_secs(120));
    kill9(&mut a);
    assert!(at < expected.len(), "the kill landed mid-run");
    reader.until(expected.len(), Duration::from_secs(180));
    let got = std::mem::take(&mut reader.seen);
    let (code, _, _) = sigterm(&mut s);
    let distinct = ids(&got);
    let missing = expected.difference(&distinct).count();
    println!("two instances, one killed at {at} of {} commands: missing {missing}, duplicates {}", expected.len(), got.len() - distinct.len());
    assert_eq!(missing, 0);
    assert_eq!(code, Some(0));
}

#[test]
fn broker_started_20_s_after_the_service_all_events_handled() {
    let turn = Broker::turn();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let topic = "events-f";
    let mut svc = spawn_service_at(&addr, topic, "g-f", &["-X", "topic.metadata.refresh.interval.ms=1000"]);
    std::thread::sleep(Duration::from_secs(20));
    assert!(svc.try_wait().unwrap().is_none(), "the service keeps retrying while the broker is away");
    let b = Broker::start_on(Some(port), turn);
    let expected = load(&b, topic, 2, 5_000, 26);
    let mut reader = Reader::new(&b, "events-f.commands");
    let n = reader.until(expected.len(), Duration::from_secs(120));
    let (code, _, err) = sigterm(&mut svc);
    let missing = expected.difference(&ids(&reader.seen)).count();
    println!("broker started 20 s after the service: {n} of {} commands, missing {missing}, exit {code:?}", expected.len());
    assert_eq!(missing, 0);
    assert_eq!(code, Some(0), "stderr: {err}");
}
