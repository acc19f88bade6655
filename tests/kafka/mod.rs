//! `piiguard run` against a real Kafka-API broker (tansu, SQLite engine) started by the test through
//! `scripts/broker.sh`: each test gets its own broker on a free port, its own topics and group.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
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

mod conversations;
mod delivery;
mod faults;
mod network;
mod observability;
mod proxy;
mod replay;
mod stop;

/// A broker for one test; stopped (and its directory removed) on drop.
struct Broker {
    /// Where clients connect: the broker, or the fault proxy in front of it.
    addr: String,
    dir: String,
    /// The port the broker listens on.
    listen: u16,
    /// The fault proxy the broker advertises, for the network-fault tests.
    proxy: Option<proxy::Proxy>,
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
        Broker::launch(port, None, turn)
    }

    /// A broker behind a fault proxy: it advertises the proxy's port, so every client connection
    /// goes through the proxy.
    fn start_proxied() -> Broker {
        let turn = Broker::turn();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut b = Broker::launch(None, Some(listener.local_addr().unwrap().port()), turn);
        b.proxy = Some(proxy::Proxy::on(listener, b.listen));
        b
    }

    fn launch(port: Option<u16>, advertised: Option<u16>, turn: std::sync::MutexGuard<'static, ()>) -> Broker {
        let mut cmd = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/broker.sh"));
        if let Some(p) = port {
            cmd.env("BROKER_PORT", p.to_string());
        }
        if let Some(p) = advertised {
            cmd.env("BROKER_ADVERTISED_PORT", p.to_string());
        }
        let out = cmd.arg("start").output().expect("broker.sh runs");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "broker did not start: {}", String::from_utf8_lossy(&out.stderr));
        let field = |k: &str| text.split_whitespace().find_map(|w| w.strip_prefix(k)).expect("broker.sh prints BROKERS=, DIR= and LISTEN=").to_string();
        Broker { addr: field("BROKERS="), dir: field("DIR="), listen: field("LISTEN=").parse().expect("a port"), proxy: None, _turn: turn }
    }

    fn proxy(&self) -> &proxy::Proxy {
        self.proxy.as_ref().expect("a proxied broker")
    }
}

impl Broker {
    fn port(&self) -> u16 {
        self.listen
    }

    fn pid(&self) -> String {
        std::fs::read_to_string(format!("{}/broker.pid", self.dir)).expect("broker.pid").trim().to_owned()
    }

    /// Sends a signal (`KILL`, `STOP`, `CONT` …) to the broker process.
    fn signal(&self, sig: &str) {
        Command::new("kill").args([&format!("-{sig}"), &self.pid()]).status().unwrap();
    }

    /// kill -9, and waits until the port is closed.
    fn kill(&self) {
        self.signal("KILL");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port())).is_ok() {
            assert!(start.elapsed() < Duration::from_secs(30), "the broker's port stays open after kill -9");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts the broker again on the same port with the same SQLite store (advertising the
    /// same address).
    fn restart(&self) {
        let advertised = self.addr.rsplit(':').next().expect("BROKERS=127.0.0.1:PORT");
        let out = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/broker.sh"))
            .env("BROKER_PORT", self.port().to_string())
            .env("BROKER_ADVERTISED_PORT", advertised)
            .args(["start", &self.dir])
            .output()
            .expect("broker.sh runs");
        assert!(out.status.success(), "broker did not restart: {}", String::from_utf8_lossy(&out.stderr));
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
    let keys: Vec<String> = (0..payloads.len()).map(|i| format!("k{i}")).collect();
    produce_keyed(b, topic, payloads, &keys)
}

/// [`produce`] with the given record keys.
fn produce_keyed(b: &Broker, topic: &str, payloads: &[Vec<u8>], keys: &[String]) -> Vec<(i32, i64)> {
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
        for (key, pl) in keys.iter().zip(payloads) {
            let rec = FutureRecord::to(topic).key(key).payload(pl);
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
        let src = Source::Kafka { topic: topic.into(), partition: *partition, offset: *offset, key_hmac: None, timestamp: None };
        expected.extend(proc.process(pl, &src, Mode::Live).commands.into_iter().map(|c| c.command_id));
    }
    expected
}

/// Reads `topic` from the beginning until `want` records arrived or `timeout` passed.
/// Every record of `topic` (tombstones as empty payloads), read until none came for 3 s.
fn drain(b: &Broker, topic: &str, timeout: Duration) -> Vec<Vec<u8>> {
    let c = reader(b, "drain", topic);
    let (start, mut last) = (Instant::now(), Instant::now());
    let mut out = Vec::new();
    while start.elapsed() < timeout && last.elapsed() < Duration::from_secs(3) {
        if let Some(Ok(m)) = c.poll(Duration::from_millis(200)) {
            out.push(m.payload().unwrap_or_default().to_vec());
            last = Instant::now();
        }
    }
    out
}

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

fn ids(payloads: &[Vec<u8>]) -> BTreeSet<String> {
    payloads.iter().map(|p| serde_json::from_slice::<Value>(p).unwrap()["command_id"].as_str().unwrap().to_owned()).collect()
}


/// A running `piiguard run`. Its stderr is collected as it comes (a full pipe would block it) for
/// the assertions and the leak sweep.
struct Service {
    child: Child,
    metrics_port: u16,
    log: Arc<Mutex<String>>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `piiguard run` on `addr` reading `input`, writing `<input>.commands` and `<input>.dlq`, with
/// short group timeouts and its own metrics port; `extra` flags are appended.
fn spawn_service_at(addr: &str, input: &str, group: &str, extra: &[&str]) -> Service {
    spawn_service_env(addr, input, group, extra, &[])
}

/// [`spawn_service_at`] with extra environment variables.
fn spawn_service_env(addr: &str, input: &str, group: &str, extra: &[&str], env: &[(&str, &str)]) -> Service {
    spawn_stage("run", addr, input, group, extra, env)
}

/// `piiguard <stage>` (`run` or `correlate`) as [`spawn_service_env`] describes.
fn spawn_stage(stage: &str, addr: &str, input: &str, group: &str, extra: &[&str], env: &[(&str, &str)]) -> Service {
    let metrics_port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_piiguard"))
        .args([stage, "--brokers", addr, "--group", group, "--topic", input])
        .args(["--commands-topic", &format!("{input}.commands"), "--dlq-topic", &format!("{input}.dlq")])
        .args(["--metrics-addr", &format!("127.0.0.1:{metrics_port}")])
        // Short group timeouts for quick failover; a static member keeps a session long enough
        // to cover its restart (the service's default for static membership is 45 s).
        .args(if extra.contains(&"--group-instance-id") {
            ["-X", "session.timeout.ms=30000", "-X", "max.poll.interval.ms=60000"]
        } else {
            ["-X", "session.timeout.ms=6000", "-X", "max.poll.interval.ms=10000"]
        })
        .args(["-X", "auto.commit.interval.ms=500"])
        .args(extra)
        .env("PIIGUARD_HMAC_KEY", "5a".repeat(32))
        .env_remove("PIIGUARD_LOG")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("service starts");
    let log = Arc::new(Mutex::new(String::new()));
    let (mut err, sink) = (child.stderr.take().unwrap(), log.clone());
    std::thread::spawn(move || {
        use std::io::Read;
        let mut buf = [0u8; 4096];
        while let Ok(n) = err.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    Service { child, metrics_port, log }
}

fn spawn_service(b: &Broker, input: &str, group: &str) -> Service {
    spawn_service_at(&b.addr, input, group, &[])
}

impl Service {
    /// SIGTERM; waits for the exit. Returns (exit code, time to exit, stderr).
    fn stop(self) -> (Option<i32>, Duration, String) {
        let start = Instant::now();
        self.sigterm();
        self.wait_exit(start)
    }

    fn sigterm(&self) {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
    }

    /// Waits for the exit (at most 90 s, then kill -9 and fail). Returns (exit code, time since
    /// `since`, stderr).
    fn wait_exit(mut self, since: Instant) -> (Option<i32>, Duration, String) {
        let code = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status.code();
            }
            if since.elapsed() > Duration::from_secs(90) {
                let _ = self.child.kill();
                panic!("no exit 90 s after SIGTERM; stderr: {}", self.logs_after_exit());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let took = since.elapsed();
        (code, took, self.logs_after_exit())
    }

    /// Waits until the service's stderr contains `needle` (or `timeout`); returns whether it did.
    fn wait_log(&self, needle: &str, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.log.lock().unwrap().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// kill -9; returns stderr.
    fn kill(mut self) -> String {
        Command::new("kill").args(["-KILL", &self.child.id().to_string()]).status().unwrap();
        let _ = self.child.wait();
        self.logs_after_exit()
    }

    fn logs_after_exit(&self) -> String {
        // The reader thread sees end-of-file once the process is gone.
        std::thread::sleep(Duration::from_millis(200));
        self.log.lock().unwrap().clone()
    }

    /// GET on the metrics port: (status, body).
    fn get(&self, path: &str) -> (u16, String) {
        http_get(self.metrics_port, path)
    }

    /// `/readyz` once it answers 200, or its last answer after `deadline`. Readiness follows
    /// librdkafka's statistics, reported each second: the records can all be handled before the
    /// first report, or before the report after a reconnect, so a test waits as a probe would.
    fn ready_within(&self, deadline: Duration) -> (u16, String) {
        let start = Instant::now();
        loop {
            let r = self.get("/readyz");
            if r.0 == 200 || start.elapsed() >= deadline {
                return r;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The sum of the series of `name` whose labels include every `k="v"` of `labels`.
    fn metric(&self, name: &str, labels: &[&str]) -> f64 {
        let (_, body) = self.get("/metrics");
        metric_sum(&body, name, labels)
    }
}

/// GET on a loopback port: (status, body). A plain HTTP/1.0 exchange over a socket: the tests need
/// nothing more, and no HTTP client crate is otherwise a dependency.
fn http_get(port: u16, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return (0, String::new()) };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map_or("", |x| x.1).to_owned();
    (status, body)
}

fn metric_sum(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.strip_prefix(name).is_some_and(|r| r.starts_with('{') || r.starts_with(' ')))
        .filter(|l| labels.iter().all(|kv| l.contains(kv)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// The group's committed offsets summed over partitions `0..partitions` of `topic` (a partition
/// without a commit counts 0), read without joining the group: records handled for good.
fn committed(b: &Broker, group: &str, topic: &str, partitions: i32) -> i64 {
    let c: BaseConsumer = ClientConfig::new().set("bootstrap.servers", &b.addr).set("group.id", group).create().unwrap();
    let mut tpl = rdkafka::TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    let got = c.committed_offsets(tpl, Duration::from_secs(10)).unwrap();
    got.elements().iter().map(|e| if let rdkafka::Offset::Offset(o) = e.offset() { o } else { 0 }).sum()
}

/// Waits until the records handled for good reach `n` (or `timeout`), as the group's committed
/// offsets when `svc` started plus what `svc` has consumed since (its own counter, read every
/// 10 ms: commits come only every 500 ms, too coarse to stop a fast service mid-run). Returns the
/// position then.
fn wait_position(svc: &Service, base: i64, n: i64, timeout: Duration) -> i64 {
    let start = Instant::now();
    loop {
        let at = base + svc.metric("piiguard_events_consumed_total", &[]) as i64;
        if at >= n || start.elapsed() > timeout {
            return at;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Waits until `committed` reaches `n` (or `timeout`); returns what it was then.
fn wait_committed(b: &Broker, group: &str, topic: &str, partitions: i32, n: i64, timeout: Duration) -> i64 {
    let start = Instant::now();
    loop {
        let c = committed(b, group, topic, partitions);
        if c >= n || start.elapsed() > timeout {
            return c;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Generated events in a topic: the command ids `scan` logic expects, and the planted values.
struct Loaded {
    expected: BTreeSet<String>,
    secrets: Vec<String>,
}

/// Produces `n` generated events to a new `partitions`-partition topic (with its commands and
/// dead-letter topics).
fn load(b: &Broker, topic: &str, partitions: i32, n: usize, seed: u64) -> Loaded {
    create_topics(b, &[(topic, partitions), (&format!("{topic}.commands"), partitions), (&format!("{topic}.dlq"), 1)]);
    fill(b, topic, n, seed)
}

/// Produces `n` generated events to an existing topic.
fn fill(b: &Broker, topic: &str, n: usize, seed: u64) -> Loaded {
    let gens: Vec<_> = Generator::new(seed).take(n).collect();
    let secrets = gens.iter().flat_map(|g| g.secrets.iter().cloned()).collect();
    let payloads: Vec<Vec<u8>> = gens.into_iter().map(|g| g.line.into_bytes()).collect();
    let coords = produce(b, topic, &payloads);
    Loaded { expected: expected_ids(topic, &payloads, &coords), secrets }
}

/// No planted value (exact, or its digits alone) in any of `outputs` (service logs, commands, dead
/// letters, /metrics), standing alone. Hex tokens (fingerprints, ids, SIDs) are searched decoded,
/// not as they stand: a digit run can occur in one by chance.
fn assert_no_leaks(secrets: &[String], outputs: &[&[u8]]) {
    let needles: Vec<String> = common::needles(secrets).into_iter().filter(|s| s.len() >= 6).collect();
    let ac = aho_corasick::AhoCorasick::new(&needles).unwrap();
    for (i, o) in outputs.iter().enumerate() {
        // Hex tokens are left out of the plain text (a digit run occurs in a fingerprint by
        // chance) but searched decoded: a value copied as hex would show there.
        let raw = String::from_utf8_lossy(o);
        let text = format!("{}\n{}", common::without_hex(&raw), common::hex_decoded(&raw));
        // A match inside a longer run of letters or digits (a timestamp, an offset) is a
        // coincidence, not a value.
        let b = text.as_bytes();
        let standalone = |m: &aho_corasick::Match| {
            let before = m.start() > 0 && b[m.start() - 1].is_ascii_alphanumeric();
            let after = b.get(m.end()).is_some_and(u8::is_ascii_alphanumeric);
            !before && !after
        };
        if let Some(m) = ac.find_overlapping_iter(&text).find(standalone) {
            // Synthetic test data, so the match may be shown.
            let at = String::from_utf8_lossy(&b[m.start().saturating_sub(60)..(m.end() + 60).min(b.len())]);
            panic!("a planted value leaked into output {i}: …{at}…");
        }
    }
}
