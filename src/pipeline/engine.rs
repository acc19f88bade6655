//! The consume engine that `run` and `replay` share: records are tracked in offset order as they
//! arrive, handed to a [`Sink`] that scans and delivers them on any worker (both cores), and come
//! back in any order; the engine reports each partition's contiguous handled prefix (its watermark,
//! [`OffsetTracker`]). The caller's loop decides where records come from (a group subscription, a
//! manual assignment over a range) and what a watermark is for (a stored offset, a checkpoint).
//!
//! A sink resolves only when its record is fully handled (its commands, or its dead-letter
//! reference, acknowledged by the broker, or its lines handed back for a file), so a watermark never
//! passes a record whose outputs could still be lost (`docs/architecture.md`, "Invariants").

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rdkafka::message::{BorrowedMessage, Message, OwnedMessage};
use tokio::sync::mpsc;

use super::offsets::{OffsetTracker, Tp};

/// Where a record's work is done: scan it and deliver what it produces.
pub(crate) trait Sink: Send + Sync + 'static {
    /// What the caller's loop learns about a handled record (counts, lines for a file).
    type Done: Send + 'static;
    /// What [`Sink::prepare`] hands to [`Sink::handle`].
    type Prep: Send + 'static;

    /// Work that must happen in offset order, on the loop's task, before the record goes to a
    /// worker (the conversation stage applies a record to its state here); `()` for most sinks.
    fn prepare(&self, record: &OwnedMessage) -> Self::Prep;

    /// Partitions were assigned (their numbers, over every input topic): per-partition state may
    /// be set up here rather than at each one's first record.
    fn assigned(&self, _partitions: &[i32]) {}

    /// The assignment was revoked: forget per-partition state (another member may own it now).
    fn revoked(&self) {}

    /// Handles one record; resolves when it is fully handled. Drop the [`Record`] once its bytes
    /// are no longer needed (after scanning): that releases them from the in-flight byte bound.
    fn handle(self: Arc<Self>, record: Record, prep: Self::Prep) -> impl Future<Output = Self::Done> + Send;
}

/// A record handed to a sink; its bytes count against the engine's in-flight byte bound until it is
/// dropped.
pub(crate) struct Record {
    msg: OwnedMessage,
    size: usize,
    pending: Arc<AtomicUsize>,
}

impl std::ops::Deref for Record {
    type Target = OwnedMessage;

    fn deref(&self) -> &OwnedMessage {
        &self.msg
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        self.pending.fetch_sub(self.size, Ordering::Relaxed);
    }
}

/// A record fully handled.
pub(crate) struct Handled<D> {
    pub(crate) tp: Tp,
    pub(crate) offset: i64,
    /// The revoke count it began under: an older one's acknowledgement is stale.
    generation: u64,
    pub(crate) done: D,
}

/// Tracks records in flight and hands them to a sink.
pub(crate) struct Engine<S: Sink> {
    sink: Arc<S>,
    tracker: OffsetTracker,
    tx: mpsc::UnboundedSender<Handled<S::Done>>,
    rx: mpsc::UnboundedReceiver<Handled<S::Done>>,
    generation: u64,
    pending_bytes: Arc<AtomicUsize>,
}

impl<S: Sink> Engine<S> {
    pub(crate) fn new(sink: S) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Engine { sink: Arc::new(sink), tracker: OffsetTracker::new(), tx, rx, generation: 0, pending_bytes: Arc::default() }
    }

    /// Tracks `m` (records of a partition must begin in offset order) and hands it to the sink on a
    /// worker.
    pub(crate) fn begin(&mut self, m: &BorrowedMessage<'_>) {
        self.begin_owned(m.detach());
    }

    fn begin_owned(&mut self, msg: OwnedMessage) {
        let tp: Tp = (msg.topic().to_owned(), msg.partition());
        let offset = msg.offset();
        self.tracker.begin(&tp, offset);
        let size = msg.payload().map_or(0, <[u8]>::len);
        self.pending_bytes.fetch_add(size, Ordering::Relaxed);
        let prep = self.sink.prepare(&msg);
        let record = Record { msg, size, pending: self.pending_bytes.clone() };
        let (sink, tx, generation) = (self.sink.clone(), self.tx.clone(), self.generation);
        tokio::spawn(async move {
            let done = sink.handle(record, prep).await;
            let _ = tx.send(Handled { tp, offset, generation, done });
        });
    }

    /// Tracks a record the caller handled itself (outside a replay's time range): it comes back
    /// from [`Engine::next`] in turn, like the others.
    pub(crate) fn skip(&mut self, tp: Tp, offset: i64, done: S::Done) {
        self.tracker.begin(&tp, offset);
        let _ = self.tx.send(Handled { tp, offset, generation: self.generation, done });
    }

    /// The next handled record. Never ends: the engine holds a sender.
    pub(crate) async fn next(&mut self) -> Handled<S::Done> {
        self.rx.recv().await.expect("the engine holds a sender")
    }

    /// Settles a handled record; returns the partition's new watermark (the offset of the last
    /// record of its handled prefix) when it moved. A record begun before the last revoke is stale:
    /// its partition restarts from the committed offset, so it moves nothing.
    pub(crate) fn settle(&mut self, h: &Handled<S::Done>) -> Option<i64> {
        if h.generation != self.generation {
            return None;
        }
        self.tracker.ack(&h.tp, h.offset)
    }

    /// The assignment was revoked: forget every record in flight (their partitions restart from
    /// their committed offsets; late acknowledgements are ignored).
    pub(crate) fn revoke(&mut self) {
        self.tracker.clear();
        self.generation += 1;
        self.sink.revoked();
    }

    /// Partitions were assigned (see [`Sink::assigned`]).
    pub(crate) fn assigned(&self, partitions: &[i32]) {
        self.sink.assigned(partitions);
    }

    /// Records begun and not handled.
    pub(crate) fn in_flight(&self) -> usize {
        self.tracker.in_flight()
    }

    /// Records a crash now would make the group read again (in flight, or handled above a gap).
    pub(crate) fn unsettled(&self) -> usize {
        self.tracker.unsettled()
    }

    /// Bytes of records handed to the sink and not yet dropped by it.
    pub(crate) fn pending_bytes(&self) -> usize {
        self.pending_bytes.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::Timestamp;

    /// Holds each record until told to go on, then reports its payload's length.
    struct Gate(tokio::sync::Semaphore);

    impl Sink for Gate {
        type Done = usize;
        type Prep = ();

        fn prepare(&self, _: &OwnedMessage) {}

        async fn handle(self: Arc<Self>, record: Record, (): ()) -> usize {
            let n = record.payload().map_or(0, <[u8]>::len);
            drop(record);
            self.0.acquire().await.expect("open").forget();
            n
        }
    }

    fn msg(offset: i64, bytes: usize) -> OwnedMessage {
        OwnedMessage::new(Some(vec![b'x'; bytes]), None, "t".into(), Timestamp::NotAvailable, 0, offset, None)
    }

    #[tokio::test]
    async fn the_watermark_waits_for_the_lowest_record_and_a_revoke_makes_acks_stale() {
        let mut e = Engine::new(Gate(tokio::sync::Semaphore::new(0)));
        for o in 10..13 {
            e.begin_owned(msg(o, 100));
        }
        e.skip(("t".into(), 0), 13, 0);
        assert_eq!(e.in_flight(), 4);
        // The skipped record comes back first, but records below it are in flight.
        let h = e.next().await;
        assert_eq!((h.offset, e.settle(&h)), (13, None));
        e.sink.0.add_permits(3);
        let mut marks = Vec::new();
        for _ in 0..3 {
            let h = e.next().await;
            assert_eq!(h.done, 100);
            marks.extend(e.settle(&h));
        }
        // Whatever order they came back in, the watermark ends past the skipped record.
        assert_eq!(marks.last(), Some(&13));
        assert_eq!((e.in_flight(), e.unsettled(), e.pending_bytes()), (0, 0, 0));
        // Begun before a revoke: its acknowledgement moves nothing.
        e.begin_owned(msg(14, 5));
        e.revoke();
        e.sink.0.add_permits(1);
        let h = e.next().await;
        assert_eq!(e.settle(&h), None);
        assert_eq!(e.in_flight(), 0);
    }
}
