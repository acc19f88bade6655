//! The conversation stage's changelog: one compacted topic, partition N holding the state of the
//! conversations of input partition N (key: the conversation; value: its [`StateRecord`], or a
//! tombstone once it is forgotten). Restoring reads a partition from its start through the
//! restorer's own claim (written first: what lands after it is the tail reader's, so no write falls
//! between the two), merging every record of a key (a union, so an older write landing after a
//! newer one loses nothing), before the stage processes that partition.
//! Claims and epochs ([`super::fence`]) decide which tombstones count and which keys need writing
//! again.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use super::fence::{header_epoch, CLAIM_KEY};
use crate::correlate::{Correlator, StateRecord};

/// What a restore read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Restored {
    pub(crate) records: u64,
    pub(crate) bytes: u64,
    /// Records that were not a state record (skipped; never printed).
    pub(crate) unreadable: u64,
    /// Tombstones ignored: written under an epoch older than the newest claim before them (a
    /// zombie's).
    pub(crate) stale_tombstones: u64,
    /// Keys whose last record holds fewer references than their merged state (a zombie's write
    /// came last): the new owner writes them again, so compaction keeps everything.
    pub(crate) repair: Vec<String>,
    pub(crate) seconds: f64,
}

/// A consumer of the changelog that partitions are assigned to by hand: its group id (librdkafka's
/// assign needs one) is never joined, and nothing is committed. For the restore and the tail reader.
pub(crate) fn reader(cfg: &ClientConfig, group_id: &str) -> Result<BaseConsumer, KafkaError> {
    let mut cfg = cfg.clone();
    cfg.remove("group.instance.id");
    cfg.set("group.id", group_id).set("enable.auto.commit", "false").set("enable.partition.eof", "false");
    cfg.create()
}

/// Reads partition `partition` of `topic` from its start through offset `through` (the caller's
/// claim) into `into`, then forgets what expired by the latest event time it holds. Gives up after
/// `deadline` (the caller retries).
pub(crate) fn restore(cfg: &ClientConfig, topic: &str, partition: i32, through: i64, into: &mut Correlator, deadline: Duration) -> Result<Restored, KafkaError> {
    let started = Instant::now();
    let c = reader(cfg, "piiguard-state-restore")?;
    let (low, _) = c.fetch_watermarks(topic, partition, Duration::from_secs(10))?;
    let high = through + 1;
    let mut fold = Fold::new(into);
    if high > low {
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset(topic, partition, Offset::Offset(low))?;
        c.assign(&tpl)?;
        let mut next = low;
        while next < high {
            if started.elapsed() > deadline {
                return Err(KafkaError::MessageConsumption(rdkafka::types::RDKafkaErrorCode::OperationTimedOut));
            }
            let Some(m) = c.poll(Duration::from_millis(200)) else { continue };
            let m = m?;
            next = m.offset() + 1;
            fold.record(m.offset(), m.key(), m.payload(), header_epoch(&m));
        }
    }
    let mut r = fold.finish();
    r.seconds = started.elapsed().as_secs_f64();
    Ok(r)
}

/// Folds a changelog partition's records, in offset order, into a state. Pure (no broker), so its
/// rules are unit-tested: every state record of a key is merged; a tombstone forgets its key unless
/// it was written under an epoch older than the newest claim before it (a zombie's); a key whose
/// last record holds fewer references than its merged state is listed for writing again.
pub(crate) struct Fold<'a> {
    into: &'a mut Correlator,
    /// Offset of the newest claim read so far.
    claim: i64,
    /// References in each key's last record.
    last: HashMap<String, usize>,
    r: Restored,
}

impl<'a> Fold<'a> {
    pub(crate) fn new(into: &'a mut Correlator) -> Self {
        Fold { into, claim: i64::MIN, last: HashMap::new(), r: Restored::default() }
    }

    /// One record: its offset, key, payload (`None`: a tombstone) and header epoch.
    pub(crate) fn record(&mut self, offset: i64, key: Option<&[u8]>, payload: Option<&[u8]>, epoch: Option<i64>) {
        self.r.records += 1;
        let key = key.and_then(|k| std::str::from_utf8(k).ok());
        match (key, payload) {
            (Some(CLAIM_KEY), _) => self.claim = offset,
            (Some(k), None) => {
                // A tombstone without an epoch predates fencing: it counts.
                if epoch.is_some_and(|e| e < self.claim) {
                    self.r.stale_tombstones += 1;
                } else {
                    self.into.remove(k);
                    self.last.remove(k);
                }
            }
            (_, Some(p)) => {
                self.r.bytes += p.len() as u64;
                match serde_json::from_slice::<StateRecord>(p) {
                    Ok(s) => {
                        self.last.insert(s.conversation.clone(), s.refs.len());
                        self.into.merge(s);
                    }
                    // Never printed: a serde error quotes its input.
                    Err(_) => self.r.unreadable += 1,
                }
            }
            (None, None) => self.r.unreadable += 1,
        }
    }

    /// Forgets what expired by the latest event time read (its tombstone goes with the
    /// partition's next write) and lists the keys to write again.
    pub(crate) fn finish(self) -> Restored {
        let Fold { into, last, mut r, .. } = self;
        into.expire_now();
        r.repair = last.into_iter().filter(|(k, n)| into.refs_len(k).is_some_and(|held| held > *n)).map(|(k, _)| k).collect();
        r.repair.sort();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Mode;
    use crate::correlate::tests::rec;
    use crate::correlate::{Limits, StateRef};
    use crate::policy::Action;

    fn state(conversation: &str, refs: &[&str]) -> Vec<u8> {
        let refs = refs.iter().map(|id| StateRef { id: (*id).into(), acked: false, record: rec(conversation, id, 1, true, false) }).collect();
        serde_json::to_vec(&StateRecord { v: 1, conversation: conversation.into(), last_seen: 1, closed_at: None, combined: false, refs, epoch: None }).unwrap()
    }

    /// (offset, key, payload or `None` for a tombstone, header epoch)
    type Rec<'a> = (i64, &'a str, Option<Vec<u8>>, Option<i64>);

    fn fold(records: &[Rec<'_>]) -> (Correlator, Restored) {
        let mut c = Correlator::new(Limits { ttl_ms: None, ..Limits::default() }, Action::Redact, Mode::Live);
        let mut f = Fold::new(&mut c);
        for (o, k, p, e) in records {
            f.record(*o, Some(k.as_bytes()), p.as_deref(), *e);
        }
        let r = f.finish();
        (c, r)
    }

    #[test]
    fn every_record_of_a_key_is_merged_and_a_short_last_record_is_written_again() {
        // The owner's write (claim 2) holds e1 and e2; a zombie's older snapshot (e1) lands last.
        let (c, r) = fold(&[(2, CLAIM_KEY, Some(b"{}".to_vec()), None), (3, "CHx", Some(state("CHx", &["e1", "e2"])), Some(2)), (4, "CHx", Some(state("CHx", &["e1"])), Some(0)), (5, "CHy", Some(state("CHy", &["e3"])), Some(2))]);
        assert_eq!((c.refs_len("CHx"), c.refs_len("CHy")), (Some(2), Some(1)));
        assert_eq!(r.repair, vec!["CHx".to_owned()]);
        assert_eq!((r.records, r.unreadable, r.stale_tombstones), (4, 0, 0));
    }

    #[test]
    fn a_tombstone_older_than_the_newest_claim_is_ignored_a_current_one_forgets() {
        let (c, r) = fold(&[
            (0, CLAIM_KEY, Some(b"{}".to_vec()), None),
            (1, "CHx", Some(state("CHx", &["e1"])), Some(0)),
            (2, "CHy", Some(state("CHy", &["e2"])), Some(0)),
            (3, CLAIM_KEY, Some(b"{}".to_vec()), None),
            // A zombie of epoch 0 forgets CHx after the claim of epoch 3: ignored.
            (4, "CHx", None, Some(0)),
            // The owner (epoch 3) forgets CHy: it is gone; so is one without an epoch.
            (5, "CHy", None, Some(3)),
            (6, "CHz", Some(state("CHz", &["e3"])), None),
            (7, "CHz", None, None),
        ]);
        assert_eq!((c.refs_len("CHx"), c.refs_len("CHy"), c.refs_len("CHz")), (Some(1), None, None));
        assert_eq!(r.stale_tombstones, 1);
        assert!(r.repair.is_empty());
    }
}
