//! The conversation stage's changelog: one compacted topic, partition N holding the state of the
//! conversations of input partition N (key: the conversation; value: its [`StateRecord`], or a
//! tombstone once it is forgotten). Restoring reads a partition from its start to the high
//! watermark taken when the restore began, merging every record of a key (a union, so an older
//! write landing after a newer one loses nothing), before the stage processes that partition.

use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use crate::correlate::{Correlator, StateRecord};

/// What a restore read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Restored {
    pub(crate) records: u64,
    pub(crate) bytes: u64,
    /// Records that were not a state record (skipped; never printed).
    pub(crate) unreadable: u64,
    pub(crate) seconds: f64,
}

/// Reads partition `partition` of `topic` from its start into `into`, then forgets what expired by
/// the latest event time it holds. Gives up after `deadline` (the caller retries).
pub(crate) fn restore(cfg: &ClientConfig, topic: &str, partition: i32, into: &mut Correlator, deadline: Duration) -> Result<Restored, KafkaError> {
    let started = Instant::now();
    let mut cfg = cfg.clone();
    // The partition is assigned by hand: the group id (librdkafka's assign needs one) is never
    // joined, and nothing is committed.
    cfg.remove("group.instance.id");
    cfg.set("group.id", "piiguard-state-restore").set("enable.auto.commit", "false").set("enable.partition.eof", "false");
    let c: BaseConsumer = cfg.create()?;
    let (low, high) = c.fetch_watermarks(topic, partition, Duration::from_secs(10))?;
    let mut r = Restored::default();
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
            r.records += 1;
            let key = m.key().and_then(|k| std::str::from_utf8(k).ok());
            match (key, m.payload()) {
                (Some(k), None) => into.remove(k),
                (_, Some(p)) => {
                    r.bytes += p.len() as u64;
                    match serde_json::from_slice::<StateRecord>(p) {
                        Ok(s) => into.merge(s),
                        // Never printed: a serde error quotes its input.
                        Err(_) => r.unreadable += 1,
                    }
                }
                (None, None) => r.unreadable += 1,
            }
        }
    }
    // What expired meanwhile gets its tombstone with the partition's next write.
    into.expire_now();
    r.seconds = started.elapsed().as_secs_f64();
    Ok(r)
}
