//! `piiguard correlate`: the conversation stage. Its input is the findings topic `run` writes
//! (one reference-only record per event with a name or an identifier, keyed by conversation, so
//! one conversation's records share a partition); its state is a [`Correlator`] per assigned
//! partition, restored from the changelog before the partition's first record is applied
//! (docs/architecture.md §5).
//!
//! Order of acknowledgements, per record: apply it to the state (in offset order, on the loop's
//! task), then deliver the commands it completes, then write the conversation's state to the
//! changelog (only acknowledged commands are marked done in it), then settle the offset. A crash
//! anywhere reads the record again: a command not acknowledged is emitted again (same id), an
//! acknowledged one is not, and nothing is invented (every command comes from references that were
//! read).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::message::{Message, OwnedMessage};
use rdkafka::producer::FutureProducer;

use super::changelog;
use super::engine::{Record, Sink};
use super::failpoint;
use super::fence::{self, Slot, Store};
use super::record;
use crate::correlate::{Correlator, Emitted, FindingRecord, Limits};
use crate::fingerprint::Fingerprinter;
use crate::metrics::Metrics;
use super::health::Health;
use crate::policy::Action;

/// Where the stage writes.
pub(crate) struct Topics {
    pub(crate) commands: String,
    pub(crate) dlq: String,
    pub(crate) state: String,
    /// A command larger than this goes out in parts.
    pub(crate) max_command_bytes: usize,
}

/// The stage's sink.
pub(crate) struct Conversations {
    pub(crate) topics: Topics,
    pub(crate) limits: Limits,
    pub(crate) action: Action,
    pub(crate) fingerprinter: Fingerprinter,
    pub(crate) metrics: Metrics,
    pub(crate) producer: FutureProducer,
    /// Told when a delivery or a state write fails permanently.
    pub(crate) health: Arc<Health>,
    /// For the restore and tail consumers.
    pub(crate) client: ClientConfig,
    /// The owned partitions' states and their changelog writes.
    store: Arc<Store>,
    /// The tail reader, started with the first restore; stopped when the sink is dropped.
    tail: OnceLock<()>,
    stop: Arc<AtomicBool>,
}

/// What applying a record left for its worker to deliver.
pub(crate) enum Prep {
    /// Commands to deliver, then the conversation's state (and tombstones) to write.
    Applied { partition: i32, conversation: String, emitted: Vec<Emitted>, forgotten: Vec<String> },
    /// Not a finding record: a dead-letter reference.
    Bad,
    /// A tombstone or an empty record: nothing to do.
    Nothing,
}

impl Drop for Conversations {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Runs `f` to completion from the loop's task (restoring blocks the loop anyway).
fn block<F: std::future::Future>(f: F) -> F::Output {
    let rt = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| rt.block_on(f))
}

impl Conversations {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(topics: Topics, limits: Limits, action: Action, fingerprinter: Fingerprinter, metrics: Metrics, producer: FutureProducer, health: Arc<Health>, client: ClientConfig) -> Self {
        let store = Arc::new(Store::new(topics.state.clone(), producer.clone(), metrics.clone(), health.clone()));
        Conversations { topics, limits, action, fingerprinter, metrics, producer, health, client, store, tail: OnceLock::new(), stop: Arc::default() }
    }

    /// Claims `partition` (the claim's offset is the epoch of this instance's writes to it),
    /// restores its state from the changelog through the claim and writes again the keys a
    /// zombie's write left short. Claiming first leaves no gap: a write landing before the claim is
    /// restored, one after it is the tail reader's. Blocks the loop: no record of any partition is
    /// applied meanwhile.
    fn restore(&self, partition: i32) {
        self.tail.get_or_init(|| {
            if let Err(e) = fence::spawn_tail(self.store.clone(), &self.client, tokio::runtime::Handle::current(), self.stop.clone()) {
                tracing::error!(error = %super::describe(&e), "state tail reader did not start: zombie writes will not be merged");
            }
        });
        let mut backoff = Duration::from_millis(200);
        loop {
            let mut c = Correlator::new(self.limits, self.action, crate::commands::Mode::Live);
            // On the loop's task, which the binary runs on the runtime's own thread (not a
            // worker): workers go on delivering what is in flight meanwhile.
            let restored = block(self.store.claim(partition))
                .and_then(|epoch| changelog::restore(&self.client, &self.topics.state, partition, epoch, &mut c, Duration::from_secs(600)).map(|r| (r, epoch)));
            match restored {
                Ok((r, epoch)) => {
                    let conversations = c.len();
                    self.store.slots.lock().expect("state lock").insert(partition, Slot { c, epoch });
                    block(self.store.write(partition, &r.repair));
                    self.metrics.state_restore_seconds.observe(r.seconds);
                    self.metrics.state_restored_records.inc_by(r.records);
                    tracing::info!(partition, records = r.records, bytes = r.bytes, unreadable = r.unreadable, stale_tombstones = r.stale_tombstones, rewritten = r.repair.len(), conversations, epoch, seconds = r.seconds, "state restored");
                    return;
                }
                Err(e) => {
                    tracing::warn!(partition, error = %super::describe(&e), "state restore failed; retrying");
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
    }

    fn count(&self, c: &Correlator, before: crate::correlate::Counts) {
        let now = c.counts();
        self.metrics.state_evictions.with_label_values(&["ttl"]).inc_by(now.expired - before.expired);
        self.metrics.state_evictions.with_label_values(&["closed"]).inc_by(now.expired_closed - before.expired_closed);
        self.metrics.state_evictions.with_label_values(&["capacity"]).inc_by(now.evicted_capacity - before.evicted_capacity);
        self.metrics.conversation_combinations.inc_by(now.combinations - before.combinations);
        self.metrics.state_refs_truncated.inc_by(now.refs_truncated - before.refs_truncated);
    }
}

impl Sink for Conversations {
    type Done = bool;
    type Prep = Prep;

    fn prepare(&self, m: &OwnedMessage) -> Prep {
        let partition = m.partition();
        self.metrics.events_consumed.with_label_values(&[m.topic()]).inc();
        if !self.store.slots.lock().expect("state lock").contains_key(&partition) {
            self.restore(partition);
        }
        let mut slots = self.store.slots.lock().expect("state lock");
        // Restored above, on this task: only this task's revoke removes it.
        let c = &mut slots.get_mut(&partition).expect("restored").c;
        let Some(payload) = m.payload() else { return Prep::Nothing };
        let rec: FindingRecord = match serde_json::from_slice(payload) {
            Ok(r) => r,
            // Never printed: a serde error quotes its input.
            Err(_) => return Prep::Bad,
        };
        if rec.kid != self.fingerprinter.kid() {
            // SMS keys and fingerprints made under another key cannot meet this key's; SID keys
            // and references still can. A key rotation passes; a lasting mismatch is a deployment
            // error (alert PiiguardConversationKeyMismatch).
            self.metrics.conversation_kid_mismatch.inc();
            static WARNED: AtomicBool = AtomicBool::new(false);
            if !WARNED.swap(true, Ordering::Relaxed) {
                tracing::warn!(partition, "finding record written under another HMAC key id than this instance's: run and correlate must share the key (counted in piiguard_conversation_kid_mismatch_total)");
            }
        }
        let before = c.counts();
        let conversation = rec.conversation.clone();
        let time = m.timestamp().to_millis().unwrap_or(0);
        let emitted = c.apply(rec, time);
        let forgotten = c.take_forgotten();
        self.count(c, before);
        self.metrics.state_entries.set(slots.values().map(|s| s.c.len()).sum::<usize>() as i64);
        Prep::Applied { partition, conversation, emitted, forgotten }
    }

    fn assigned(&self, partitions: &[i32]) {
        // At once, not at the partition's first record: the new owner repairs what a zombie left
        // short even when no record of the partition arrives (everything was handled already).
        let held: Vec<i32> = self.store.slots.lock().expect("state lock").keys().copied().collect();
        for &p in partitions.iter().filter(|p| !held.contains(p)) {
            self.restore(p);
        }
    }

    fn revoked(&self) {
        // Another member may own these partitions now: restore again when one comes back.
        self.store.slots.lock().expect("state lock").clear();
        self.metrics.state_entries.set(0);
    }

    async fn handle(self: Arc<Self>, rec: Record, prep: Prep) -> bool {
        let timestamp = rec.timestamp().to_millis();
        match prep {
            Prep::Nothing => false,
            Prep::Bad => {
                let source = record::source_of(&self.fingerprinter, &rec);
                let out = record::dead_letter(&self.fingerprinter, "parse_error", &source, rec.payload().unwrap_or_default(), None, &self.topics.dlq);
                drop(rec);
                record::deliver(&self.producer, &self.metrics, Some(&self.health), vec![out], None).await;
                true
            }
            Prep::Applied { partition, conversation, emitted, forgotten } => {
                drop(rec);
                // 1. The commands.
                let refs: Vec<String> = emitted.iter().map(|e| e.event_ref.clone()).collect();
                let outs = emitted.iter().flat_map(|e| record::command_outs(&self.metrics, &e.command, &self.topics.commands, self.topics.max_command_bytes)).collect();
                let commanded = !refs.is_empty();
                record::deliver(&self.producer, &self.metrics, Some(&self.health), outs, timestamp).await;
                if commanded {
                    failpoint::abort("after_commands");
                }
                // 2. The state, with those commands marked acknowledged, and tombstones.
                if let Some(slot) = self.store.slots.lock().expect("state lock").get_mut(&partition) {
                    slot.c.acknowledge(&conversation, &refs);
                }
                failpoint::stall("before_state").await;
                let mut keys = forgotten;
                keys.push(conversation);
                self.store.write(partition, &keys).await;
                failpoint::abort("after_state");
                // 3. The engine settles the offset.
                false
            }
        }
    }
}
