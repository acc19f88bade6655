//! The conversation stage's state per partition and its writes to the changelog, fenced against
//! zombie writers without transactions (docs/architecture.md §5, "Zombie writers").
//!
//! A *zombie* is an instance that was paused (a stop signal, a stalled host) past its session
//! timeout: the group gave its partitions to another instance, which restored them, but the
//! zombie does not know yet and may still write states it held. Restoring merges every record of
//! a key (a union), so such a late write never removes a reference; what it can do is become the
//! *last* record of its key, the one compaction keeps, while lacking references the new owner
//! added. Hence:
//! - after restoring a partition, its owner writes a **claim** record (key [`CLAIM_KEY`]); the
//!   claim's offset is the owner's **epoch**, stamped on each of its later writes (in the state
//!   record, and in a header, which a tombstone can carry);
//! - a **tail reader** follows each owned partition from its claim: a record of another epoch (a
//!   zombie's) is merged into the owner's state, counted (`piiguard_state_zombie_writes_total`),
//!   and the key's merged state is written again, so the last record of the key holds everything;
//! - a restore ignores a tombstone written under an epoch older than the newest claim before it,
//!   and rewrites each key whose last record holds fewer references than the merged state.
//!
//! Writes are snapshot and enqueued under the state lock, so for each partition the changelog
//! holds them in the order the snapshots were taken (each a superset of the one before, unless
//! the key was forgotten, which a tombstone says).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::util::Timeout;

use super::health::Health;
use rdkafka::{Offset, TopicPartitionList};

use crate::correlate::{Correlator, StateRecord};
use crate::metrics::Metrics;

/// Key of a claim record (a conversation key is a SID or `sms:`…, never this).
pub(crate) const CLAIM_KEY: &str = "__claim__";
/// Header carrying the writer's epoch (decimal).
pub(crate) const EPOCH_HEADER: &str = "piiguard-epoch";
/// Writes enqueued under one hold of the lock.
const BATCH: usize = 1000;

/// An owned partition's state and the epoch its writes carry.
pub(crate) struct Slot {
    pub(crate) c: Correlator,
    pub(crate) epoch: i64,
}

/// The states of the partitions this instance owns, and the changelog they are written to.
pub(crate) struct Store {
    pub(crate) topic: String,
    pub(crate) producer: FutureProducer,
    pub(crate) metrics: Metrics,
    /// Told while a write fails with an error retrying does not cure.
    health: Arc<Health>,
    pub(crate) slots: Mutex<HashMap<i32, Slot>>,
}

/// The epoch in a changelog record's header (a tombstone's only mark of its writer).
pub(crate) fn header_epoch<M: Message>(m: &M) -> Option<i64> {
    let h = m.headers()?;
    let v = h.iter().find(|h| h.key == EPOCH_HEADER)?.value?;
    std::str::from_utf8(v).ok()?.parse().ok()
}

impl Store {
    pub(crate) fn new(topic: String, producer: FutureProducer, metrics: Metrics, health: Arc<Health>) -> Store {
        Store { topic, producer, metrics, health, slots: Mutex::new(HashMap::new()) }
    }

    /// Writes a claim to `partition` and returns its offset: the epoch of the caller's writes.
    pub(crate) async fn claim(&self, partition: i32) -> Result<i64, KafkaError> {
        let rec: FutureRecord<'_, str, str> = FutureRecord::to(&self.topic).key(CLAIM_KEY).payload(r#"{"v":1,"claim":true}"#).partition(partition);
        match self.producer.send(rec, Timeout::After(Duration::from_secs(30))).await {
            Ok(d) => Ok(d.offset),
            Err((e, _)) => Err(e),
        }
    }

    /// Writes the current state of each of `keys` of `partition` (its snapshot, or a tombstone
    /// when it is no longer held), stamped with the partition's epoch; retries until every write
    /// is acknowledged, or stops when the partition is no longer owned (a new owner reads its
    /// records again).
    pub(crate) async fn write(&self, partition: i32, keys: &[String]) {
        // Set while a write fails with a permanent error: the service is then not ready.
        let mut blocked = false;
        'chunks: for chunk in keys.chunks(BATCH) {
            let mut backoff = Duration::from_millis(100);
            loop {
                // The partition is no longer this instance's to write.
                let Some(pending) = self.enqueue(partition, chunk) else { break 'chunks };
                let mut failed = None;
                for p in pending {
                    let r = match p {
                        Ok(f) => match f.await {
                            Ok(Ok(_)) => Ok(()),
                            Ok(Err((e, _))) => Err(e),
                            Err(_) => Err(KafkaError::Canceled),
                        },
                        Err(e) => Err(e),
                    };
                    if let Err(e) = r {
                        failed = Some(e);
                    }
                }
                let Some(e) = failed else { break };
                self.metrics.delivery_errors.with_label_values(&["state"]).inc();
                // The error names a class and code, never the payload.
                match super::record::permanent(&self.metrics, Some(&self.health), &mut blocked, &e) {
                    Some(class) => {
                        tracing::error!(topic = %self.topic, partition, class, error = %e, retry_in_ms = backoff.as_millis() as u64, "state write fails with an error retrying does not cure; the watermark holds and the service is not ready until the topic is fixed");
                    }
                    None => tracing::warn!(topic = %self.topic, partition, error = %e, retry_in_ms = backoff.as_millis() as u64, "state write failed; the watermark waits for the retry"),
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
        }
        if blocked {
            // Written, or the partition is no longer this instance's to write.
            self.health.unblocked();
        }
    }

    /// Snapshots and enqueues under the lock; `None` when the partition is not owned.
    #[allow(clippy::type_complexity)]
    fn enqueue(&self, partition: i32, keys: &[String]) -> Option<Vec<Result<rdkafka::producer::DeliveryFuture, KafkaError>>> {
        let slots = self.slots.lock().expect("state lock");
        let slot = slots.get(&partition)?;
        let epoch = slot.epoch.to_string();
        Some(
            keys.iter()
                .map(|k| {
                    let body = slot.c.snapshot(k).map(|mut s| {
                        s.epoch = Some(slot.epoch);
                        serde_json::to_vec(&s).expect("serialisable")
                    });
                    let headers = OwnedHeaders::new().insert(Header { key: EPOCH_HEADER, value: Some(epoch.as_str()) });
                    let mut rec: FutureRecord<'_, str, [u8]> = FutureRecord::to(&self.topic).key(k.as_str()).partition(partition).headers(headers);
                    if let Some(b) = &body {
                        rec = rec.payload(b);
                    }
                    // librdkafka copies the key and payload: they may be dropped at once.
                    self.producer.send_result(rec).map_err(|(e, _)| e)
                })
                .collect(),
        )
    }
}

/// Follows the changelog partitions this instance owns, from each one's claim, on a thread of its
/// own (a group-less consumer, assigned by hand), until `stop`.
pub(crate) fn spawn_tail(store: Arc<Store>, client: &ClientConfig, rt: tokio::runtime::Handle, stop: Arc<AtomicBool>) -> Result<(), KafkaError> {
    let c = super::changelog::reader(client, "piiguard-state-tail")?;
    std::thread::Builder::new()
        .name("state-tail".into())
        .spawn(move || tail(&store, &c, &rt, &stop))
        .map_err(|_| KafkaError::ClientCreation("state tail thread".into()))?;
    Ok(())
}

fn tail(store: &Store, c: &BaseConsumer, rt: &tokio::runtime::Handle, stop: &AtomicBool) {
    // Per partition: (epoch followed, next offset to read).
    let mut following: HashMap<i32, (i64, i64)> = HashMap::new();
    // Partitions another instance claimed after this one (partition → the epoch it superseded).
    let mut superseded: HashMap<i32, i64> = HashMap::new();
    while !stop.load(Ordering::Relaxed) {
        let owned: HashMap<i32, i64> = store.slots.lock().expect("state lock").iter().map(|(p, s)| (*p, s.epoch)).collect();
        let changed = owned.len() != following.len() || owned.iter().any(|(p, e)| following.get(p).is_none_or(|f| f.0 != *e));
        if changed {
            following = owned.iter().map(|(p, e)| (*p, following.get(p).filter(|f| f.0 == *e).map_or((*e, *e + 1), |f| *f))).collect();
            let mut tpl = TopicPartitionList::new();
            for (p, (_, next)) in &following {
                let _ = tpl.add_partition_offset(&store.topic, *p, Offset::Offset(*next));
            }
            if let Err(e) = c.assign(&tpl) {
                tracing::warn!(error = %e, "state tail: assign failed; retrying");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        }
        if following.is_empty() {
            std::thread::sleep(Duration::from_millis(200));
            continue;
        }
        let Some(Ok(m)) = c.poll(Duration::from_millis(200)) else { continue };
        let (p, offset) = (m.partition(), m.offset());
        let Some(f) = following.get_mut(&p) else { continue };
        f.1 = offset + 1;
        let epoch = f.0;
        let key = m.key().and_then(|k| std::str::from_utf8(k).ok()).unwrap_or_default().to_owned();
        if superseded.get(&p) == Some(&epoch) {
            continue;
        }
        if key == CLAIM_KEY {
            // Another instance restored this partition after this one did: this one is the zombie
            // until the group tells it so. Its writes stay harmless (the new owner merges them);
            // what follows is the new owner's, not this one's to merge.
            superseded.insert(p, epoch);
            tracing::warn!(partition = p, "another instance claimed this partition; its owner now merges this instance's late writes");
            continue;
        }
        let state = m.payload().and_then(|b| serde_json::from_slice::<StateRecord>(b).ok());
        if state.as_ref().and_then(|s| s.epoch).or_else(|| header_epoch(&m)) == Some(epoch) {
            continue;
        }
        // A write of another epoch after this instance's claim: a zombie's.
        store.metrics.state_zombie_writes.inc();
        let held = {
            let mut slots = store.slots.lock().expect("state lock");
            match slots.get_mut(&p) {
                Some(slot) if slot.epoch == epoch => {
                    if let Some(s) = state {
                        slot.c.merge(s);
                    }
                    slot.c.snapshot(&key).is_some()
                }
                _ => false,
            }
        };
        tracing::warn!(partition = p, tombstone = m.payload().is_none(), "state written by a zombie instance after this one's claim; merged and written again");
        if held {
            rt.block_on(store.write(p, &[key]));
        }
    }
}
