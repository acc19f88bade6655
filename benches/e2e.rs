//! End-to-end benchmark of `piiguard run` through the local broker (tansu, SQLite engine):
//!
//! 1. throughput of `run` against `run --pass-through` (consume, produce one small record per input,
//!    no scanning) on the same backlog, alternating, median of several runs, as a ratio: the broker
//!    bounds both, so the ratio says what scanning costs end to end;
//! 2. p99 detection latency (record timestamp → command acknowledged, from the service's own
//!    histogram) while events arrive at half the pass-through rate;
//! 3. peak RSS (VmHWM) while draining a large backlog;
//! 4. `piiguard replay` of the backlog (scan, commands to a file) against a plain read of it.
//!
//! `cargo bench --bench e2e` (full: 200,000 events × 3 runs per mode, 20 s of latency load, a
//! 1,000,000-event backlog). `E2E_QUICK=1` runs a small version (the test command uses it so the
//! harness keeps working). Sizes: E2E_EVENTS, E2E_RUNS, E2E_LATENCY_SECS, E2E_BACKLOG.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_piiguard");
const KEY: &str = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

struct Broker {
    addr: String,
    dir: String,
}

impl Broker {
    fn start() -> Broker {
        let out = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/broker.sh")).arg("start").output().expect("broker.sh");
        assert!(out.status.success(), "broker did not start");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let field = |k: &str| text.split_whitespace().find_map(|w| w.strip_prefix(k)).expect("BROKERS= and DIR=").to_string();
        Broker { addr: field("BROKERS="), dir: field("DIR=") }
    }

    fn topic(&self, name: &str, partitions: u32) {
        let tansu = format!("{}/.cargo/bin/tansu", std::env::var("HOME").unwrap());
        let ok = Command::new(std::env::var("TANSU_BIN").unwrap_or(tansu))
            .args(["topic", "create", "--broker", &format!("tcp://{}", self.addr), "--partitions", &partitions.to_string(), name])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "topic {name} not created");
    }

    fn generate(&self, topic: &str, n: u64, seed: u64, rate: Option<f64>) -> Child {
        let mut c = Command::new(BIN);
        c.args(["generate", "-n", &n.to_string(), "--seed", &seed.to_string(), "--brokers", &self.addr, "--topic", topic]);
        if let Some(r) = rate {
            c.args(["--rate", &format!("{r:.0}")]);
        }
        c.stderr(Stdio::null()).spawn().unwrap()
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/broker.sh")).args(["stop", &self.dir]).status();
    }
}

fn env_or(name: &str, quick: u64, full: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(if std::env::var("E2E_QUICK").is_ok() { quick } else { full })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn service(b: &Broker, topic: &str, group: &str, port: u16, extra: &[&str]) -> Child {
    stage("run", b, topic, group, port, extra, Stdio::null())
}

fn stage(cmd: &str, b: &Broker, topic: &str, group: &str, port: u16, extra: &[&str], stderr: Stdio) -> Child {
    Command::new(BIN)
        .args([cmd, "--brokers", &b.addr, "--group", group, "--topic", topic])
        .args(["--commands-topic", &format!("{topic}.commands"), "--dlq-topic", &format!("{topic}.dlq")])
        .args(["--metrics-addr", &format!("127.0.0.1:{port}")])
        .args(["-X", "session.timeout.ms=6000", "-X", "max.poll.interval.ms=10000"])
        .args(extra)
        .env("PIIGUARD_HMAC_KEY", KEY)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Runs until the child exits; returns (wall time, peak RSS in KiB as last seen).
fn wait_measuring(mut c: Child) -> (Duration, u64) {
    let start = Instant::now();
    let mut peak = 0;
    loop {
        if let Some(st) = c.try_wait().unwrap() {
            assert!(st.success(), "service failed: {st}");
            return (start.elapsed(), peak);
        }
        peak = peak.max(vm_hwm_kib(c.id()).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return String::new() };
    s.write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.split_once("\r\n\r\n").map_or(String::new(), |x| x.1.to_owned())
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines().filter(|l| l.starts_with(name) && !l.starts_with('#')).filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok()).sum()
}

/// A quantile from a Prometheus histogram's cumulative buckets, interpolated as histogram_quantile
/// does.
fn quantile(text: &str, name: &str, q: f64) -> f64 {
    let mut buckets: Vec<(f64, f64)> = text
        .lines()
        .filter(|l| l.starts_with(&format!("{name}_bucket")))
        .filter_map(|l| {
            let le = l.split("le=\"").nth(1)?.split('"').next()?;
            let le = if le == "+Inf" { f64::INFINITY } else { le.parse().ok()? };
            Some((le, l.rsplit(' ').next()?.parse().ok()?))
        })
        .collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = buckets.last().map_or(0.0, |b| b.1);
    let rank = q * total;
    let (mut lo, mut below) = (0.0, 0.0);
    for (le, count) in buckets {
        if count >= rank {
            if le.is_infinite() {
                return lo;
            }
            return lo + (le - lo) * (rank - below) / (count - below).max(1e-9);
        }
        (lo, below) = (le, count);
    }
    lo
}

/// The broker's own ceiling: a plain consumer reading the whole topic (manual assignment, no
/// group, nothing produced). Returns the wall time.
fn plain_consume(b: &Broker, topic: &str, partitions: i32, n: u64) -> Duration {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let c: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &b.addr)
        .set("group.id", "bench-plain")
        .set("enable.auto.commit", "false")
        .set("fetch.wait.max.ms", "100")
        .create()
        .unwrap();
    let mut tpl = rdkafka::TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition_offset(topic, p, rdkafka::Offset::Beginning).unwrap();
    }
    c.assign(&tpl).unwrap();
    let start = Instant::now();
    let mut got = 0;
    while got < n && start.elapsed() < Duration::from_secs(600) {
        if let Some(m) = c.poll(Duration::from_millis(100)) {
            m.expect("fetch");
            got += 1;
        }
    }
    assert_eq!(got, n, "plain consumer read every record");
    start.elapsed()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo test --benches` passes --bench-less flags; run in quick mode then.
    if std::env::args().any(|a| a == "--test") {
        std::env::set_var("E2E_QUICK", "1");
    }
    let events = env_or("E2E_EVENTS", 5_000, 200_000);
    let runs = env_or("E2E_RUNS", 1, 3);
    let latency_secs = env_or("E2E_LATENCY_SECS", 5, 20);
    let backlog = env_or("E2E_BACKLOG", 20_000, 1_000_000);
    let b = Broker::start();
    for (t, p) in [("bench", 4), ("bench.commands", 4), ("bench.dlq", 1)] {
        b.topic(t, p);
    }
    assert!(b.generate("bench", events, 1, None).wait().unwrap().success());
    // Bytes in the backlog: the same generator, same seed.
    let bytes: u64 = piiguard::generate::Generator::new(1).take(events as usize).map(|g| g.line.len() as u64).sum();

    // 1. Throughput, alternating modes so drift hits both; a plain consumer gives the broker's
    // ceiling for reading alone.
    let (mut scan_rates, mut pass_rates, mut plain_rates, mut peak) = (Vec::new(), Vec::new(), Vec::new(), 0);
    // `run` writing finding records too (the first stage of the conversation correlation), in the
    // same alternation.
    for (t, p) in [("bench.findings", 4), ("bench.findings.commands", 4), ("bench.findings.dlq", 1), ("bench.state", 4)] {
        b.topic(t, p);
    }
    let mut on_rates = Vec::new();
    for i in 0..runs {
        let took = plain_consume(&b, "bench", 4, events);
        plain_rates.push(events as f64 / took.as_secs_f64());
        println!("run {i} {:>12}: {events} events in {:.2} s = {:.0} events/s", "plain read", took.as_secs_f64(), events as f64 / took.as_secs_f64());
        for pass in [true, false] {
            let group = format!("bench-{}-{i}", if pass { "pass" } else { "scan" });
            let extra: &[&str] = if pass { &["--until-caught-up", "--pass-through"] } else { &["--until-caught-up"] };
            let (took, kib) = wait_measuring(service(&b, "bench", &group, free_port(), extra));
            peak = peak.max(kib);
            let rate = events as f64 / took.as_secs_f64();
            println!("run {i} {:>12}: {events} events in {:.2} s = {rate:.0} events/s, {:.1} MB/s, peak RSS {} MiB", if pass { "pass-through" } else { "scan" }, took.as_secs_f64(), bytes as f64 / took.as_secs_f64() / 1e6, kib / 1024);
            if pass { pass_rates.push(rate) } else { scan_rates.push(rate) }
        }
        let (took, _) = wait_measuring(service(&b, "bench", &format!("bench-conv-{i}"), free_port(), &["--until-caught-up", "--findings-topic", "bench.findings"]));
        let rate = events as f64 / took.as_secs_f64();
        println!("run {i} {:>12}: {events} events in {:.2} s = {rate:.0} events/s", "findings on", took.as_secs_f64());
        on_rates.push(rate);
    }
    // Replay of the same backlog (scan, commands to a file) against the plain read.
    let mut replay_rates = Vec::new();
    for i in 0..runs {
        let out = std::env::temp_dir().join(format!("piiguard-e2e-replay-{}.jsonl", std::process::id()));
        let start = Instant::now();
        let ok = Command::new(BIN)
            .args(["replay", "--brokers", &b.addr, "--topic", "bench", "--from", "earliest", "--output", out.to_str().unwrap()])
            .env("PIIGUARD_HMAC_KEY", KEY)
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "replay failed");
        let _ = std::fs::remove_file(&out);
        let took = start.elapsed();
        replay_rates.push(events as f64 / took.as_secs_f64());
        println!("run {i} {:>12}: {events} events in {:.2} s = {:.0} events/s", "replay", took.as_secs_f64(), events as f64 / took.as_secs_f64());
    }
    let replay = median(&mut replay_rates);
    let (scan, pass, plain) = (median(&mut scan_rates), median(&mut pass_rates), median(&mut plain_rates));
    println!("replay (median of {runs}): {replay:.0} events/s, {:.2} of the plain read", replay / plain);
    let mb = |r: f64| r * bytes as f64 / events as f64 / 1e6;
    println!("throughput (median of {runs}): run {scan:.0} events/s ({:.1} MB/s), pass-through {pass:.0} events/s ({:.1} MB/s), ratio {:.2} (target >= 0.8); plain read of the topic {plain:.0} events/s ({:.1} MB/s)", mb(scan), mb(pass), scan / pass, mb(plain));

    // 1b. Conversations: the findings-on runs above against `run`, then the `correlate` stage over
    // their records, then a second `correlate` group, which restores the state the first one wrote
    // before it processes anything.
    let on = median(&mut on_rates);
    println!("conversations (median of {runs}): run with --findings-topic {on:.0} events/s, {:.2} of run without (target >= 0.8)", on / scan);
    let correlate = |group: &str| {
        let mut c = stage("correlate", &b, "bench.findings", group, free_port(), &["--until-caught-up", "--state-topic", "bench.state"], Stdio::piped());
        let mut err = c.stderr.take().unwrap();
        let log = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut err, &mut s).unwrap();
            s
        });
        let (took, _) = wait_measuring(c);
        (took, log.join().unwrap())
    };
    let field = |line: &str, key: &str| line.split_whitespace().find_map(|w| w.strip_prefix(key)).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let (took, _) = correlate("bench-correlate-1");
    let records = events * runs; // an upper bound: events with a name or an identifier only
    println!("correlate over the findings of {runs} runs ({} events scanned): {:.2} s", records, took.as_secs_f64());
    let (took, log) = correlate("bench-correlate-2");
    let restores: Vec<&str> = log.lines().filter(|l| l.contains("state restored")).collect();
    let (bytes, secs): (f64, f64) = restores.iter().map(|l| (field(l, "bytes="), field(l, "seconds="))).fold((0.0, 0.0), |a, x| (a.0 + x.0, a.1 + x.1));
    println!(
        "correlate, second group: {:.2} s in all; {} partitions restored: {:.1} MB of changelog in {secs:.2} s = {:.1} MB/s, {:.0} s per 100 MB",
        took.as_secs_f64(),
        restores.len(),
        bytes / 1e6,
        bytes / 1e6 / secs.max(1e-9),
        100.0 * secs / (bytes / 1e6).max(1e-9)
    );

    // 2. Latency at half the pass-through rate.
    for (t, p) in [("live", 4), ("live.commands", 4), ("live.dlq", 1)] {
        b.topic(t, p);
    }
    let port = free_port();
    let svc = service(&b, "live", "bench-live", port, &[]);
    let start = Instant::now();
    while !get(port, "/readyz").starts_with("ready") && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let rate = pass / 2.0;
    let n = (rate * latency_secs as f64) as u64;
    assert!(b.generate("live", n, 2, Some(rate)).wait().unwrap().success());
    let want = n as f64;
    let start = Instant::now();
    let mut text = get(port, "/metrics");
    while metric(&text, "piiguard_events_consumed_total") < want && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(500));
        text = get(port, "/metrics");
    }
    let _ = Command::new("kill").args(["-TERM", &svc.id().to_string()]).status();
    let (_, _) = wait_measuring(svc);
    let name = "piiguard_detection_latency_seconds";
    println!(
        "latency at {rate:.0} events/s for {latency_secs} s ({} commands): p50 {:.0} ms, p99 {:.0} ms (record timestamp to command acknowledged; interpolated from the histogram)",
        metric(&text, &format!("{name}_count")),
        quantile(&text, name, 0.5) * 1e3,
        quantile(&text, name, 0.99) * 1e3
    );

    // 3. Peak RSS draining a large backlog.
    for (t, p) in [("backlog", 4), ("backlog.commands", 4), ("backlog.dlq", 1)] {
        b.topic(t, p);
    }
    let loaded = Instant::now();
    assert!(b.generate("backlog", backlog, 3, None).wait().unwrap().success());
    println!("backlog of {backlog} events produced in {:.1} s", loaded.elapsed().as_secs_f64());
    let (took, kib) = wait_measuring(service(&b, "backlog", "bench-backlog", free_port(), &["--until-caught-up"]));
    println!(
        "drained {backlog} events in {:.1} s ({:.0} events/s); peak RSS {} MiB (target <= 256 MiB); throughput runs peaked at {} MiB",
        took.as_secs_f64(),
        backlog as f64 / took.as_secs_f64(),
        kib / 1024,
        peak / 1024
    );
}
