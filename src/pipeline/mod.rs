//! `piiguard run`: consume event topics in a consumer group, scan every record, produce commands
//! (and dead-letter references) with an idempotent producer, and commit only the contiguous
//! handled prefix of each partition (at-least-once; `docs/architecture.md` §4).
//!
//! One task owns the consumer and the consume [`engine`] (shared with `replay`). Records are tracked
//! in offset order as they are received; each is scanned and delivered by the service's sink
//! ([`record::Deliver`]) on any worker (both cores), which retries failed deliveries until they
//! succeed (a failed delivery holds the watermark); the owner settles each handled record and
//! stores the new watermark; librdkafka commits stored offsets every `auto.commit.interval.ms`, on
//! revoke, and at shutdown.
//!
//! Back-pressure: when the records above the watermark (or their unscanned bytes) reach their
//! bounds, the loop stops reading (librdkafka's prefetch queue is bounded, so fetching stops too);
//! if that lasts (the producer is behind, a delivery keeps failing) or a dead-letter storm trips, the
//! assigned partitions are paused (`Consumer::pause`) and the loop reads again, so the group session
//! and rebalances stay served.

mod changelog;
mod conversations;
pub(crate) mod failpoint;
mod fence;
pub(crate) mod engine;
mod group;
pub mod health;
mod kafka;
pub mod offsets;
pub(crate) mod record;
mod storm;

pub use kafka::describe;
pub(crate) use kafka::{client_config, idempotent_producer_config, max_command_bytes};

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::producer::{FutureProducer, Producer};
use rdkafka::util::Timeout;

use crate::config::Storm;
use crate::metrics::Metrics;
use crate::process::Processor;
use crate::shutdown::{Phase, StopGuard};
use engine::{Engine, Handled};
use health::Health;
use kafka::{Ctx, Progress};
use offsets::Tp;
use record::{Deliver, Targets};
use storm::StormWindow;

/// Record bytes copied for scanning and not yet scanned, before the partitions pause (with the
/// record-count bound `max_in_flight`, this bounds memory whatever the record sizes).
const MAX_PENDING_BYTES: usize = 64 << 20;

/// How long the in-flight bounds may stay reached before the partitions are paused. Shorter waits
/// just stop reading: pausing purges librdkafka's prefetched records, which then are fetched again
/// (measured: pausing at every bound halved throughput).
const PAUSE_AFTER: Duration = Duration::from_secs(5);

/// What `run` needs besides the processor.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Bootstrap brokers (`host:port,…`).
    pub brokers: String,
    /// Consumer group.
    pub group: String,
    /// Static membership id (`group.instance.id`); `None` for dynamic membership.
    pub group_instance_id: Option<String>,
    /// When a partition not assigned here counts as stalled (`None`: not checked).
    pub group_stall: Option<Duration>,
    /// Input topics.
    pub topics: Vec<String>,
    /// Where commands go.
    pub commands_topic: String,
    /// Where dead-letter references go.
    pub dlq_topic: String,
    /// Where finding records go for the conversation stage (`None`: not written).
    pub findings_topic: Option<String>,
    /// `partition.assignment.strategy`; eager `range` by default (cooperative-sticky fails on the
    /// local broker, `docs/local-broker.md`).
    pub assignment_strategy: String,
    /// Records in flight (begun, not acknowledged) before the partitions pause.
    pub max_in_flight: usize,
    /// How long a graceful stop may take before exiting non-zero.
    pub shutdown_deadline: Duration,
    /// librdkafka settings passed through (TLS, SASL …); delivery-critical keys are set after them.
    pub librdkafka: BTreeMap<String, String>,
    /// Dead-letter storm detection.
    pub storm: Storm,
    /// Benchmark baseline: consume and produce one small reference record per input, no scanning.
    pub pass_through: bool,
    /// Stop (gracefully) once every assigned partition is handled up to its high watermark.
    pub until_caught_up: bool,
}

/// Why the service stopped with an error. Messages carry no payload.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A Kafka client could not be created or subscribed.
    #[error("kafka client: {}", describe(.0))]
    Kafka(#[from] rdkafka::error::KafkaError),
    /// The stage cannot start as configured (a missing or too small state topic).
    #[error("{0}")]
    Setup(String),
    /// The stop finished its steps but not its work: records were still in flight when the
    /// drain's share of the deadline ran out, or the final commit failed. Nothing is lost: what
    /// was not committed is read again after a restart.
    #[error("stop incomplete: {in_flight} records abandoned in flight, final commit {}; uncommitted records are read again after a restart", if *committed { "done" } else { "failed" })]
    StopIncomplete {
        /// Records begun and not handled.
        in_flight: usize,
        /// Whether the final commit succeeded.
        committed: bool,
    },
}

/// Counters for the final summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct RunStats {
    /// Records consumed.
    pub records: u64,
    /// Commands produced.
    pub commands: u64,
    /// Dead-letter references produced.
    pub dead_letters: u64,
    /// Events with a prohibited combination.
    pub prohibited_combination: u64,
    /// Events with an identifier and no name.
    pub identifier: u64,
    /// Events with only category data (health, religion, orientation, financial identity).
    pub category: u64,
    /// Events commanded by the conversation stage.
    pub conversation_combination: u64,
}

/// Why the partitions are paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pause {
    InFlight,
    Storm,
}

impl Pause {
    fn label(self) -> &'static str {
        match self {
            Pause::InFlight => "in_flight",
            Pause::Storm => "dlq_storm",
        }
    }
}

/// Runs the service until `stop` resolves (SIGTERM/SIGINT in the binary) or, with
/// `until_caught_up`, every assigned partition is handled; then drains, commits, leaves the group
/// and closes, all within `shutdown_deadline` (`guard` exits the process past it).
pub async fn run(
    proc: Arc<Processor>,
    cfg: RunConfig,
    metrics: Metrics,
    health: Arc<Health>,
    guard: Arc<StopGuard>,
    stop: impl std::future::Future<Output = ()>,
) -> Result<RunStats, Error> {
    let targets = Targets {
        commands_topic: cfg.commands_topic.clone(),
        dlq_topic: Some(cfg.dlq_topic.clone()),
        findings_topic: cfg.findings_topic.clone(),
        collect_findings: false,
        pass_through: cfg.pass_through,
        mode: crate::commands::Mode::Live,
        max_command_bytes: kafka::max_command_bytes(&cfg.librdkafka),
    };
    let (m, h) = (metrics.clone(), health.clone());
    serve(cfg, metrics, health, guard, stop, move |producer| Deliver { proc, targets, metrics: m, producer, health: h }).await
}

/// What `correlate` needs besides [`RunConfig`] (whose `topics` are its input: the findings topic).
#[derive(Debug, Clone)]
pub struct Stage {
    /// The changelog topic (compacted; at least as many partitions as the input).
    pub state_topic: String,
    /// TTLs and bounds of the state.
    pub limits: crate::correlate::Limits,
    /// The policy's action for `conversation_combination`.
    pub action: crate::policy::Action,
    /// The key finding records were made under (dead-letter hashes use it too).
    pub fingerprinter: crate::fingerprint::Fingerprinter,
}

/// Runs the conversation stage (`piiguard correlate`) until `stop`, like [`run`]: consumes the
/// findings topic in its own group, keeps per-conversation state backed by the changelog, and
/// produces `conversation_combination` commands.
pub async fn correlate(
    cfg: RunConfig,
    stage: Stage,
    metrics: Metrics,
    health: Arc<Health>,
    guard: Arc<StopGuard>,
    stop: impl std::future::Future<Output = ()>,
) -> Result<RunStats, Error> {
    let client = kafka::client_config(&cfg.brokers, &cfg.librdkafka);
    check_state_topic(&client, &cfg.topics, &stage.state_topic)?;
    let topics = conversations::Topics { commands: cfg.commands_topic.clone(), dlq: cfg.dlq_topic.clone(), state: stage.state_topic.clone(), max_command_bytes: kafka::max_command_bytes(&cfg.librdkafka) };
    let (m, h) = (metrics.clone(), health.clone());
    serve(cfg, metrics, health, guard, stop, move |producer| {
        conversations::Conversations::new(topics, stage.limits, stage.action, stage.fingerprinter, m, producer, h, client)
    })
    .await
}

/// The changelog must exist with at least as many partitions as each input topic: input partition
/// N's state lives in its partition N.
fn check_state_topic(client: &rdkafka::ClientConfig, inputs: &[String], state: &str) -> Result<(), Error> {
    use rdkafka::producer::BaseProducer;
    let p: BaseProducer = client.clone().set("allow.auto.create.topics", "false").create()?;
    let count = |t: &str| -> Result<usize, Error> {
        let md = p.client().fetch_metadata(Some(t), Duration::from_secs(15))?;
        Ok(md.topics().iter().find(|x| x.name() == t && x.error().is_none()).map_or(0, |x| x.partitions().len()))
    };
    let have = count(state)?;
    for t in inputs {
        let need = count(t)?;
        if have < need.max(1) {
            return Err(Error::Setup(format!(
                "the state topic `{state}` has {have} partitions; it needs at least {} (as many as `{t}`): create it with cleanup.policy=compact (docs/architecture.md §5)",
                need.max(1)
            )));
        }
    }
    Ok(())
}

/// The consume loop of a stage (`run`, `correlate`): a group subscription to `cfg.topics`, the
/// engine with the sink `make` builds around the stage's producer, bounded in-flight work, storm
/// pauses, health, and the bounded stop.
pub(crate) async fn serve<S: engine::Sink<Done = bool>>(
    cfg: RunConfig,
    metrics: Metrics,
    health: Arc<Health>,
    guard: Arc<StopGuard>,
    stop: impl std::future::Future<Output = ()>,
    make: impl FnOnce(FutureProducer) -> S,
) -> Result<RunStats, Error> {
    let revokes = Arc::new(AtomicU64::new(0));
    let assigns = Arc::new(AtomicU64::new(0));
    let progress = Arc::new(Mutex::new(Progress::new()));
    let assigned: group::Assigned = Arc::default();
    let rejoin = Arc::new(AtomicBool::new(false));
    let monitor_stop = Arc::new(AtomicBool::new(false));
    let ctx = Ctx {
        revokes: revokes.clone(),
        assigns: assigns.clone(),
        metrics: metrics.clone(),
        health: health.clone(),
        topics: cfg.topics.clone(),
        progress: progress.clone(),
        assigned: assigned.clone(),
    };
    let consumer: StreamConsumer<Ctx> = kafka::consumer_config(&cfg).create_with_context(ctx)?;
    let producer: FutureProducer = kafka::producer_config(&cfg).create()?;
    let topics: Vec<&str> = cfg.topics.iter().map(String::as_str).collect();
    consumer.subscribe(&topics)?;
    if let Some(stall) = cfg.group_stall {
        group::spawn(&cfg, stall, metrics.clone(), health.clone(), assigned.clone(), rejoin.clone(), monitor_stop.clone())?;
    }
    let mut engine = Engine::new(make(producer.clone()));
    let mut seen_revokes = 0u64;
    let mut seen_assigns = 0u64;
    // Next offset stored per partition (for --until-caught-up).
    let mut stored: BTreeMap<Tp, i64> = BTreeMap::new();
    let (mut records, mut bad) = (0u64, 0u64);
    let mut storm = StormWindow::new(cfg.storm, Instant::now(), 0, 0);
    let mut storm_until: Option<Instant> = None;
    // The pause in force and the assignment it was applied to.
    let mut paused: Option<(Pause, u64)> = None;
    // Since when the in-flight bounds are reached.
    let mut full_since: Option<Instant> = None;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Consume errors (broker away) are reports, queued while they last: read them without delay
    // (librdkafka reconnects on its own, with backoff) and log at most one line per 5 s.
    let mut last_log: Option<Instant> = None;
    let mut suppressed = 0u64;
    let mut was_ready: Option<bool> = None;
    tokio::pin!(stop);
    loop {
        health.turned();
        if rejoin.swap(false, Ordering::SeqCst) {
            // The revoke this causes resets the bookkeeping: records in flight are read again.
            metrics.group_rejoins.inc();
            consumer.unsubscribe();
            if let Err(e) = consumer.subscribe(&topics) {
                tracing::error!(error = %e, "rejoining the group failed");
            }
        }
        // Also here, not only when a record arrives: a stale in-flight count must not keep a new
        // assignment paused.
        after_revoke(&revokes, &mut seen_revokes, &mut engine, &mut stored);
        after_assign(&assigns, &mut seen_assigns, &assigned, &engine);
        let full = engine.unsettled() >= cfg.max_in_flight || engine.pending_bytes() >= MAX_PENDING_BYTES;
        if !full {
            full_since = None;
        } else if full_since.is_none() {
            full_since = Some(Instant::now());
        }
        let want = if storm_until.is_some() {
            Some(Pause::Storm)
        } else if full_since.is_some_and(|t| t.elapsed() >= PAUSE_AFTER) {
            Some(Pause::InFlight)
        } else {
            None
        };
        let assignment = assigns.load(Ordering::SeqCst);
        if want != paused.map(|p| p.0) || (want.is_some() && paused.map(|p| p.1) != Some(assignment)) {
            set_paused(&consumer, &metrics, paused.map(|p| p.0), want);
            paused = want.map(|w| (w, assignment));
        }
        // At the bound, stop reading for a moment (librdkafka's bounded prefetch queue then stops
        // fetching); past PAUSE_AFTER, pause the partitions and read again, which serves the
        // group's heartbeats and rebalances while nothing is fetched.
        let read = !full || paused.is_some();
        tokio::select! {
            biased;
            () = &mut stop => break,
            h = engine.next() => {
                records += 1;
                bad += u64::from(h.done);
                on_handled(&consumer, &mut engine, &mut stored, &metrics, &h);
                // Between ticks too, so a fast storm is caught within a few hundred records.
                if records % 256 == 0 && storm_until.is_none() {
                    check_storm(&mut storm, &mut storm_until, &cfg.storm, &metrics, &health, records, bad);
                }
            }
            _ = tick.tick() => {
                metrics.in_flight.set(engine.in_flight() as i64);
                let now = Instant::now();
                if storm_until.is_some_and(|u| now >= u) {
                    storm_until = None;
                    health.set_storm(false);
                    storm.reset(now, records, bad);
                    tracing::warn!("dead-letter storm pause over; consuming again");
                } else if storm_until.is_none() {
                    check_storm(&mut storm, &mut storm_until, &cfg.storm, &metrics, &health, records, bad);
                }
                let ready = health.readiness();
                if was_ready != Some(ready.is_ok()) {
                    match ready {
                        Ok(()) => tracing::info!("ready"),
                        Err(why) => tracing::warn!(reason = why, "not ready"),
                    }
                    was_ready = Some(ready.is_ok());
                }
                metrics.ready.set(i64::from(ready.is_ok()));
                if cfg.until_caught_up && engine.in_flight() == 0 && caught_up(&consumer, &progress, &stored) {
                    tracing::info!(records, "caught up with every assigned partition; stopping");
                    break;
                }
            }
            msg = consumer.recv(), if read => {
                let m = match msg {
                    Ok(m) => {
                        if last_log.take().is_some() {
                            tracing::info!("consuming again");
                        }
                        m
                    }
                    Err(e) => {
                        if last_log.is_none_or(|t| t.elapsed() >= Duration::from_secs(5)) {
                            tracing::warn!(error = %e, suppressed, "consume error; librdkafka keeps reconnecting");
                            last_log = Some(Instant::now());
                            suppressed = 0;
                        } else {
                            suppressed += 1;
                        }
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                // A rebalance runs inside `recv`: check for one before tracking this record.
                after_revoke(&revokes, &mut seen_revokes, &mut engine, &mut stored);
                after_assign(&assigns, &mut seen_assigns, &assigned, &engine);
                // Tracked now, in offset order; scanned and delivered on any worker (both cores).
                engine.begin(&m);
            }
        }
    }
    // Graceful stop: no more fetching; wait for in-flight records, store, commit, leave, flush,
    // close. Every step runs under the stop deadline: past it the guard's watchdog exits the
    // process (a client call that waits for a broker that went away never returns by itself).
    guard.arm(cfg.shutdown_deadline);
    monitor_stop.store(true, Ordering::Relaxed);
    let began = Instant::now();
    guard.enter(Phase::Drain, engine.in_flight());
    if let Ok(a) = consumer.assignment() {
        let _ = consumer.pause(&a);
    }
    // The drain may use the deadline but a reserve for the commit and the close.
    let reserve = (cfg.shutdown_deadline / 3).min(Duration::from_secs(5));
    let drain_until = began + cfg.shutdown_deadline.saturating_sub(reserve);
    while engine.in_flight() > 0 && Instant::now() < drain_until {
        if let Ok(h) = tokio::time::timeout(Duration::from_millis(100), engine.next()).await {
            records += 1;
            on_handled(&consumer, &mut engine, &mut stored, &metrics, &h);
        }
    }
    let left = engine.in_flight();
    guard.enter(Phase::Commit, left);
    let committed = match consumer.commit_consumer_state(CommitMode::Sync) {
        Ok(()) => true,
        // Nothing stored since the last commit (or no record handled at all).
        Err(e) if e.rdkafka_error_code() == Some(rdkafka::types::RDKafkaErrorCode::NoOffset) => true,
        Err(e) => {
            tracing::warn!(error = %e, "final commit failed; records handled since the last commit are read again after a restart");
            false
        }
    };
    guard.enter(Phase::Leave, left);
    consumer.unsubscribe();
    guard.enter(Phase::Flush, left);
    let _ = producer.flush(Timeout::After(Duration::from_secs(5).min(cfg.shutdown_deadline.saturating_sub(began.elapsed()))));
    guard.enter(Phase::Close, left);
    drop(consumer);
    drop(engine);
    drop(producer);
    tracing::info!(took_ms = began.elapsed().as_millis() as u64, in_flight_abandoned = left, committed, "stop finished");
    if left > 0 || !committed {
        return Err(Error::StopIncomplete { in_flight: left, committed });
    }
    let sum = |v: &prometheus::IntCounterVec, labels: &[&str]| labels.iter().map(|l| v.with_label_values(&[l]).get()).sum::<u64>();
    let commands = sum(&metrics.commands_produced, &crate::metrics::ACTIONS);
    let dead_letters = sum(&metrics.dead_letters, &crate::metrics::dead_letter_reasons().collect::<Vec<_>>());
    let reason = |r: &str| metrics.prohibited_events.with_label_values(&[r]).get();
    Ok(RunStats {
        records,
        commands,
        dead_letters,
        prohibited_combination: reason("prohibited_combination"),
        identifier: reason("identifier"),
        category: reason("category"),
        conversation_combination: reason("conversation_combination"),
    })
}

/// After a revoke, in-flight acknowledgements are stale and every partition restarts from its
/// committed offset (nothing past an unhandled record): forget the bookkeeping.
fn after_revoke<S: engine::Sink>(revokes: &AtomicU64, seen: &mut u64, engine: &mut Engine<S>, stored: &mut BTreeMap<Tp, i64>) {
    let now = revokes.load(Ordering::SeqCst);
    if now != *seen {
        engine.revoke();
        stored.clear();
        *seen = now;
    }
}

/// After an assignment, the sink sets up the new partitions' state (the conversation stage
/// restores and repairs them at once).
fn after_assign<S: engine::Sink>(assigns: &AtomicU64, seen: &mut u64, assigned: &group::Assigned, engine: &Engine<S>) {
    let now = assigns.load(Ordering::SeqCst);
    if now != *seen {
        *seen = now;
        let mut partitions: Vec<i32> = assigned.lock().expect("assigned lock").iter().map(|(_, p)| *p).collect();
        partitions.sort_unstable();
        partitions.dedup();
        engine.assigned(&partitions);
    }
}

/// Samples the counts into the storm window; past the threshold, starts a pause and reports it.
fn check_storm(window: &mut StormWindow, until: &mut Option<Instant>, cfg: &Storm, metrics: &Metrics, health: &Health, records: u64, bad: u64) {
    let now = Instant::now();
    if let Some((b, total)) = window.observe(now, records, bad) {
        *until = Some(now + cfg.pause);
        health.set_storm(true);
        metrics.dlq_storm_pauses.inc();
        tracing::error!(bad_records = b, records = total, window_secs = cfg.window.as_secs(), pause_secs = cfg.pause.as_secs(),
            "dead-letter storm: too many records are not valid JSON; partitions paused (check the producer of the input topics)");
    }
}

/// Pauses or resumes the whole assignment.
fn set_paused(consumer: &StreamConsumer<Ctx>, metrics: &Metrics, from: Option<Pause>, to: Option<Pause>) {
    let Ok(assignment) = consumer.assignment() else { return };
    if let Some(f) = from {
        metrics.paused.with_label_values(&[f.label()]).set(0);
    }
    let result = match to {
        Some(t) => {
            metrics.paused.with_label_values(&[t.label()]).set(1);
            consumer.pause(&assignment)
        }
        None => consumer.resume(&assignment),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "pause/resume failed");
    }
}

/// Whether every assigned partition is handled up to the high watermark librdkafka last reported.
fn caught_up(consumer: &StreamConsumer<Ctx>, progress: &Mutex<Progress>, stored: &BTreeMap<Tp, i64>) -> bool {
    let Ok(assignment) = consumer.assignment() else { return false };
    let elems = assignment.elements();
    if elems.is_empty() {
        return false;
    }
    let progress = progress.lock().expect("progress lock");
    elems.iter().all(|e| {
        let tp = (e.topic().to_owned(), e.partition());
        match progress.get(&tp) {
            Some(&(lo, hi, committed)) if hi >= 0 => stored.get(&tp).copied().unwrap_or(-1).max(committed).max(lo) >= hi,
            _ => false,
        }
    })
}

/// Settles a handled record and stores its partition's new watermark. A record begun before a
/// rebalance moves nothing: its partition restarts from the committed offset.
fn on_handled<S: engine::Sink>(consumer: &StreamConsumer<Ctx>, engine: &mut Engine<S>, stored: &mut BTreeMap<Tp, i64>, metrics: &Metrics, h: &Handled<S::Done>) {
    if let Some(w) = engine.settle(h) {
        // `store_offset` stores `w + 1`: the next record to read.
        match consumer.store_offset(&h.tp.0, h.tp.1, w) {
            Ok(()) => {
                stored.insert(h.tp.clone(), w + 1);
                metrics.watermark.with_label_values(&[&h.tp.0, &h.tp.1.to_string()]).set(w + 1);
            }
            // The partition moved away (ERR__STATE): the new owner resumes from the commit.
            Err(e) => tracing::info!(topic = %h.tp.0, partition = h.tp.1, error = %e, "offset not stored"),
        }
    }
}
