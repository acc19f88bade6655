//! One record in, commands out: the path shared by `scan`, `run` and `replay`.
//!
//! Parse and scan ([`Scanner::scan_record`]), decide per event ([`rule::decide`]), build commands
//! ([`commands::build`]). Pure: the callers do the reading and writing.
//!
//! Fail closed: a panic while scanning (a bug) is caught here, for all three callers. The record
//! does not pass as clean: it gets one command with reason `unscanned` (the policy's action, default
//! `review`) naming the resource by the SIDs in its raw bytes and whatever a second, plain raw-text
//! scan finds, and its error is [`RecordError::ScanPanic`] (the callers dead-letter a reference).

use crate::commands::{self, Command, Mode, Source};
use crate::fingerprint::Fingerprinter;
use crate::policy::Policy;
use crate::rule;
use crate::policy::Reason;
use crate::rule::Decision;
use crate::scanner::json::{raw_sids, EventScan, RecordError, RecordScan};
use crate::scanner::{Kind, Scanner};

/// Everything needed to process records, built once.
#[derive(Debug, Clone)]
pub struct Processor {
    /// The compiled scanner.
    pub scanner: Scanner,
    /// The policy.
    pub policy: Policy,
    /// The fingerprint key.
    pub fingerprinter: Fingerprinter,
    /// Records larger than this are not parsed as JSON (reason `oversize`); they are still scanned
    /// as raw text.
    pub max_record_bytes: usize,
}

/// The outcome of one record.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Commands, one per event that needs action, in event order.
    pub commands: Vec<Command>,
    /// Set when the record was not JSON (or too large) and was scanned as raw text, or when the
    /// scanner failed on it ([`RecordError::ScanPanic`]: its one command has reason `unscanned`).
    pub error: Option<RecordError>,
    /// Line and column of a JSON syntax error.
    pub error_position: Option<(usize, usize)>,
    /// Events in the record.
    pub events: usize,
    /// Findings per kind (all findings, including those no command names).
    pub findings: [u64; Kind::ALL.len()],
}

impl Processor {
    /// Processes one record.
    pub fn process(&self, bytes: &[u8], source: &Source, mode: Mode) -> Processed {
        self.process_keeping_scan(bytes, source, mode).0
    }

    /// Processes one record and hands back its scan too (the conversation stage reads the events'
    /// findings and SIDs from it).
    ///
    /// A record the scanner fails on is reported as [`RecordError::ScanPanic`] with an `unscanned`
    /// command, and its scan holds no events (nothing from it is correlated).
    pub fn process_keeping_scan(&self, bytes: &[u8], source: &Source, mode: Mode) -> (Processed, RecordScan) {
        // The process's panic hook prints only where a panic happened, never its message (which
        // could quote the record).
        let scanned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if crate::pipeline::failpoint::reached("scan_panic") {
                // Quotes the record, as a careless panic could: the hook must withhold it.
                panic!("failpoint scan_panic: {}", String::from_utf8_lossy(bytes));
            }
            self.scan(bytes)
        }));
        match scanned {
            Ok(scan) => {
                let p = self.decide(&scan, source, mode);
                (p, scan)
            }
            Err(_) => (self.unscanned(bytes, source, mode), RecordScan { events: Vec::new(), error: Some(RecordError::ScanPanic), error_position: None }),
        }
    }

    fn scan(&self, bytes: &[u8]) -> RecordScan {
        if bytes.len() > self.max_record_bytes {
            // Not parsed, but PII in it is still found by the raw-text scan.
            let mut s = self.scanner.scan_record_raw(bytes, &self.fingerprinter);
            s.error = Some(RecordError::Oversize);
            s
        } else {
            self.scanner.scan_record(bytes, &self.fingerprinter)
        }
    }

    /// The outcome of a record the scanner failed on: one `unscanned` command. Its resource comes
    /// from the SIDs in the raw bytes (a byte scan that cannot fail); its findings from the plain
    /// raw-text scan, when that one does not fail too.
    fn unscanned(&self, bytes: &[u8], source: &Source, mode: Mode) -> Processed {
        let raw = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.scanner.scan_record_raw(bytes, &self.fingerprinter)));
        let ev = match raw {
            Ok(mut r) if r.events.len() == 1 => r.events.swap_remove(0),
            _ => EventScan { sids: raw_sids(bytes), ..EventScan::default() },
        };
        let mut findings = [0u64; Kind::ALL.len()];
        count_kinds(&ev, &mut findings);
        // The command names every finding of the plain scan (at most the scanner's limit, then
        // `truncated`), whatever the policy would report.
        let decision = Decision { reason: Reason::Unscanned, action: self.policy.action(Reason::Unscanned), findings: (0..ev.findings.len()).collect() };
        let ctx = commands::Context { mode, source, parse_error: Some(RecordError::ScanPanic), fingerprinter: &self.fingerprinter };
        let command = commands::build(ctx, &ev, &decision);
        Processed { commands: vec![command], error: Some(RecordError::ScanPanic), error_position: None, events: 1, findings }
    }

    fn decide(&self, scan: &RecordScan, source: &Source, mode: Mode) -> Processed {
        let mut findings = [0u64; Kind::ALL.len()];
        let mut out = Vec::new();
        for ev in &scan.events {
            count_kinds(ev, &mut findings);
            if let Some(d) = rule::decide(&self.policy, ev) {
                let ctx = commands::Context { mode, source, parse_error: scan.error, fingerprinter: &self.fingerprinter };
                out.push(commands::build(ctx, ev, &d));
            }
        }
        Processed { commands: out, error: scan.error, error_position: scan.error_position, events: scan.events.len(), findings }
    }
}

/// Adds the event's findings to `counts`, one slot per kind in [`Kind::ALL`] order.
fn count_kinds(ev: &EventScan, counts: &mut [u64; Kind::ALL.len()]) {
    for f in &ev.findings {
        counts[Kind::ALL.iter().position(|k| *k == f.kind).expect("every kind is listed")] += 1;
    }
}
