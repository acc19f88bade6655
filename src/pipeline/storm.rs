//! Dead-letter storm detection: the share of bad records over a sliding time window
//! (an upstream schema change must pause and alert, not stream every record to
//! the dead-letter topic).

use std::collections::VecDeque;
use std::time::Instant;

use crate::config::Storm;

/// Cumulative (records, bad records) samples over the last window.
#[derive(Debug)]
pub(crate) struct StormWindow {
    cfg: Storm,
    samples: VecDeque<(Instant, u64, u64)>,
}

impl StormWindow {
    /// A window starting at `now` with the cumulative counts `total` and `bad`.
    pub(crate) fn new(cfg: Storm, now: Instant, total: u64, bad: u64) -> StormWindow {
        let mut w = StormWindow { cfg, samples: VecDeque::new() };
        w.samples.push_back((now, total, bad));
        w
    }

    /// Adds a sample of the cumulative counts; returns `(bad, total)` within the window when they
    /// make a storm.
    pub(crate) fn observe(&mut self, now: Instant, total: u64, bad: u64) -> Option<(u64, u64)> {
        self.samples.push_back((now, total, bad));
        // Keep one sample at or before the window's start as the base.
        while self.samples.len() > 2 && now.duration_since(self.samples[1].0) >= self.cfg.window {
            self.samples.pop_front();
        }
        let &(_, t0, b0) = self.samples.front().expect("never empty");
        let (dt, db) = (total - t0, bad - b0);
        (db >= self.cfg.min_bad && db as f64 > self.cfg.max_ratio * dt as f64).then_some((db, dt))
    }

    /// Starts a new window (after a pause, so the storm that caused it does not trip it again).
    pub(crate) fn reset(&mut self, now: Instant, total: u64, bad: u64) {
        self.samples.clear();
        self.samples.push_back((now, total, bad));
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn cfg() -> Storm {
        Storm { window: Duration::from_secs(10), min_bad: 100, max_ratio: 0.5, pause: Duration::from_secs(5) }
    }

    #[test]
    fn trips_on_ratio_and_minimum_within_the_window() {
        let t = Instant::now();
        let s = |n| t + Duration::from_secs(n);
        let mut w = StormWindow::new(cfg(), t, 0, 0);
        assert_eq!(w.observe(s(1), 1000, 99), None, "few bad records");
        assert_eq!(w.observe(s(2), 1100, 199), None, "199 of 1100 is under half");
        assert_eq!(w.observe(s(3), 1400, 799), Some((799, 1400)), "799 of 1400 is over half");
        w.reset(s(3), 1400, 799);
        assert_eq!(w.observe(s(4), 1500, 810), None, "a reset starts afresh");
    }

    #[test]
    fn old_bad_records_leave_the_window() {
        let t = Instant::now();
        let s = |n| t + Duration::from_secs(n);
        let mut w = StormWindow::new(cfg(), t, 0, 0);
        assert_eq!(w.observe(s(1), 150, 90), None);
        for i in 2..=30 {
            // 60 bad of 100 per second at first would trip; here 5 bad of 100 per second.
            assert_eq!(w.observe(s(i), 150 + 100 * (i - 1), 90 + 5 * (i - 1)), None);
        }
        // 120 bad in the last second, 150 records: within the 10 s window 120+45 bad of 1050.
        assert_eq!(w.observe(s(31), 3150 + 150, 235 + 120), None);
        assert!(w.samples.len() <= 12, "bounded by the window: {}", w.samples.len());
    }
}
