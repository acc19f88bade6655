//! Progress of a replay on stderr: a bar (records, records/s, ETA, partitions done) when stderr is
//! a terminal, a plain line every 5 s otherwise (logs, CI).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pipeline::offsets::Tp;

pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    partitions: usize,
    partitions_done: usize,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    pub(crate) fn new(total: u64, partitions: usize) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} records, {per_sec}, ETA {eta}, {msg}")
                    .expect("valid template"),
            );
            b
        });
        let p = Progress { bar, total, done: 0, partitions, partitions_done: 0, started: Instant::now(), last_line: Instant::now() };
        p.message();
        p
    }

    fn message(&self) {
        if let Some(b) = &self.bar {
            b.set_message(format!("partitions done {}/{}", self.partitions_done, self.partitions));
        }
    }

    pub(crate) fn record(&mut self, _tp: &Tp) {
        self.done += 1;
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    pub(crate) fn partition_done(&mut self) {
        self.partitions_done += 1;
        self.message();
    }

    pub(crate) fn tick(&mut self) {
        if self.bar.is_none() && self.last_line.elapsed() >= Duration::from_secs(5) {
            self.last_line = Instant::now();
            let secs = self.started.elapsed().as_secs_f64();
            let rate = self.done as f64 / secs.max(1e-9);
            let eta = if rate > 0.0 { (self.total.saturating_sub(self.done)) as f64 / rate } else { f64::NAN };
            eprintln!(
                "piiguard replay: {}/{} records ({:.0}%), {rate:.0} records/s, ETA {eta:.0} s, partitions done {}/{}",
                self.done,
                self.total,
                100.0 * self.done as f64 / self.total.max(1) as f64,
                self.partitions_done,
                self.partitions
            );
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
