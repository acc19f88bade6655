//! Per-partition ordered acknowledgements: which offset may be committed.
//!
//! Records are handled concurrently and their deliveries complete in any order, but an offset may
//! only be committed when *every* record below it is fully handled (its commands or dead-letter
//! reference acknowledged by the broker). This tracker stores the offsets in flight per partition
//! and reports the contiguous watermark: the offset of the last record of the handled prefix.
//! Committing a later offset as soon as it is done, while an earlier one is still in flight, loses
//! the earlier one in a crash (`docs/architecture.md` §4). Pure: no I/O.

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A topic partition.
pub type Tp = (String, i32);

#[derive(Debug, Default)]
struct Partition {
    /// Offsets begun and not yet acknowledged.
    pending: BTreeSet<i64>,
    /// Offsets acknowledged while a lower one is still pending.
    done: BTreeSet<i64>,
    /// The highest offset handled with nothing pending below it.
    watermark: Option<i64>,
}

/// Tracks in-flight offsets for every assigned partition.
#[derive(Debug, Default)]
pub struct OffsetTracker {
    parts: HashMap<Tp, Partition>,
    in_flight: usize,
    /// Pending plus acknowledged-above-a-gap: what a crash now would make the group read again.
    unsettled: usize,
}

impl OffsetTracker {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// A record at `offset` starts being handled. Offsets of a partition must begin in increasing
    /// order (as a consumer delivers them).
    pub fn begin(&mut self, tp: &Tp, offset: i64) {
        let p = self.parts.entry(tp.clone()).or_default();
        debug_assert!(p.pending.last().is_none_or(|&l| l < offset), "offsets begin in order");
        if p.pending.insert(offset) {
            self.in_flight += 1;
            self.unsettled += 1;
        }
    }

    /// The record at `offset` is fully handled. Returns the new watermark when it moved: the offset
    /// of the last record of the contiguous handled prefix (commit `watermark + 1`).
    pub fn ack(&mut self, tp: &Tp, offset: i64) -> Option<i64> {
        let p = self.parts.get_mut(tp)?;
        if !p.pending.remove(&offset) {
            return None; // Unknown (a revoked partition's late ack, or a duplicate): ignored.
        }
        self.in_flight -= 1;
        let lowest_pending = p.pending.first().copied();
        match lowest_pending {
            Some(low) if low < offset => {
                p.done.insert(offset);
                None
            }
            _ => {
                // Everything below `offset` is handled; absorb acknowledged offsets below the next
                // pending one.
                let mut mark = offset;
                let limit = lowest_pending.unwrap_or(i64::MAX);
                let absorbed: Vec<i64> = p.done.range(..limit).copied().collect();
                self.unsettled -= 1 + absorbed.len();
                for o in absorbed {
                    p.done.remove(&o);
                    mark = mark.max(o);
                }
                let moved = p.watermark.is_none_or(|w| mark > w);
                if moved {
                    p.watermark = Some(mark);
                }
                moved.then_some(mark)
            }
        }
    }

    /// Forgets a partition (revoked): later acks for it are ignored.
    pub fn forget(&mut self, tp: &Tp) {
        if let Some(p) = self.parts.remove(tp) {
            self.in_flight -= p.pending.len();
            self.unsettled -= p.pending.len() + p.done.len();
        }
    }

    /// Forgets every partition.
    pub fn clear(&mut self) {
        self.parts.clear();
        self.in_flight = 0;
        self.unsettled = 0;
    }

    /// Records begun and not acknowledged, over all partitions.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Records above the watermarks (pending, or acknowledged above a pending one): bounded by the
    /// service's `max_in_flight`, so a stuck delivery pauses consumption instead of growing memory,
    /// and bounds what is read again after a crash.
    pub fn unsettled(&self) -> usize {
        self.unsettled
    }

    /// The watermark per partition (offset of the last record of the handled prefix).
    pub fn watermarks(&self) -> BTreeMap<Tp, i64> {
        self.parts.iter().filter_map(|(tp, p)| p.watermark.map(|w| (tp.clone(), w))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tp() -> Tp {
        ("t".into(), 0)
    }

    #[test]
    fn out_of_order_acks_hold_the_watermark() {
        let mut t = OffsetTracker::new();
        for o in 10..15 {
            t.begin(&tp(), o);
        }
        assert_eq!(t.ack(&tp(), 12), None);
        assert_eq!(t.ack(&tp(), 11), None);
        assert_eq!(t.ack(&tp(), 10), Some(12));
        assert_eq!(t.ack(&tp(), 14), None);
        assert_eq!(t.in_flight(), 1);
        assert_eq!(t.unsettled(), 2, "14 is done but held above 13");
        assert_eq!(t.ack(&tp(), 13), Some(14));
        assert_eq!(t.ack(&tp(), 13), None, "a duplicate ack is ignored");
        t.forget(&tp());
        assert_eq!(t.ack(&tp(), 15), None, "a revoked partition's ack is ignored");
    }

    proptest! {
        /// Model test: whatever the ack order, the watermark never passes an unacknowledged offset
        /// and reaches the last offset once all are acknowledged.
        #[test]
        fn watermark_is_the_contiguous_prefix(n in 1usize..60, seed in any::<u64>()) {
            let mut order: Vec<i64> = (0..n as i64).collect();
            let mut s = seed;
            for i in (1..order.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                order.swap(i, (s >> 33) as usize % (i + 1));
            }
            let mut t = OffsetTracker::new();
            for o in 0..n as i64 {
                t.begin(&tp(), 100 + o);
            }
            let mut acked = std::collections::BTreeSet::new();
            let mut last = None;
            for o in order {
                acked.insert(o);
                if let Some(w) = t.ack(&tp(), 100 + o) {
                    last = Some(w);
                }
                let prefix = (0..n as i64).take_while(|x| acked.contains(x)).last();
                prop_assert_eq!(t.watermarks().get(&tp()).copied(), prefix.map(|p| p + 100));
                let settled = prefix.map_or(0, |p| p as usize + 1);
                prop_assert_eq!(t.unsettled(), n - settled);
                prop_assert_eq!(t.in_flight(), n - acked.len());
            }
            prop_assert_eq!(last, Some(100 + n as i64 - 1));
            prop_assert_eq!(t.in_flight(), 0);
            prop_assert_eq!(t.unsettled(), 0);
        }
    }
}
