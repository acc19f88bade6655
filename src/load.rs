//! `piiguard generate --brokers … --topic …`: produce synthetic events into a topic, for the demo,
//! the end-to-end benchmark and workstation setups (the compose file's loader).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;

use crate::pipeline::{describe, idempotent_producer_config};

/// Why loading failed. Carries no payload.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The producer could not be created.
    #[error("kafka producer: {}", describe(.0))]
    Client(rdkafka::error::KafkaError),
    /// The topic is not there (the broker may not create topics on demand).
    #[error("topic `{0}` does not exist (create it first)")]
    NoTopic(String),
    /// A record was not acknowledged.
    #[error("record {index} not delivered: {}", describe(.error))]
    Delivery {
        /// Its index.
        index: u64,
        /// Why.
        error: rdkafka::error::KafkaError,
    },
}

/// Produces `records` to `topic` (keyed by index, so they spread over the partitions), at most
/// `rate` records per second when given, and waits for every acknowledgement. Returns the count.
pub async fn produce(
    brokers: &str,
    topic: &str,
    librdkafka: &BTreeMap<String, String>,
    records: impl Iterator<Item = Vec<u8>>,
    rate: Option<f64>,
) -> Result<u64, Error> {
    let producer: FutureProducer = idempotent_producer_config(brokers, librdkafka).create().map_err(Error::Client)?;
    // Producing to a missing topic would wait for message.timeout.ms per record: ask first.
    let md = tokio::task::block_in_place(|| producer.client().fetch_metadata(Some(topic), Duration::from_secs(30))).map_err(Error::Client)?;
    if md.topics().iter().all(|t| t.name() != topic || t.error().is_some() || t.partitions().is_empty()) {
        return Err(Error::NoTopic(topic.to_owned()));
    }
    let start = Instant::now();
    let mut pending = std::collections::VecDeque::new();
    let mut n = 0u64;
    for payload in records {
        if let Some(r) = rate {
            let due = start + Duration::from_secs_f64(n as f64 / r);
            tokio::time::sleep_until(due.into()).await;
        }
        let key = n.to_string();
        let mut rec = FutureRecord::to(topic).key(&key).payload(&payload);
        let fut = loop {
            match producer.send_result(rec) {
                Ok(f) => break f,
                Err((_, r)) => {
                    // Queue full: let deliveries drain.
                    rec = r;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        };
        pending.push_back((n, fut));
        // Collect acknowledgements as they come so memory stays bounded.
        while pending.len() > 50_000 {
            let (i, f) = pending.pop_front().expect("non-empty");
            ack(i, f).await?;
        }
        n += 1;
    }
    for (i, f) in pending {
        ack(i, f).await?;
    }
    let _ = producer.flush(Timeout::After(Duration::from_secs(10)));
    Ok(n)
}

async fn ack(index: u64, f: rdkafka::producer::DeliveryFuture) -> Result<(), Error> {
    match f.await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err((error, _))) => Err(Error::Delivery { index, error }),
        Err(_) => Err(Error::Delivery { index, error: rdkafka::error::KafkaError::Canceled }),
    }
}
