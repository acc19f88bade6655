//! One record in, commands out: the path shared by `scan`, `run` and `replay`.
//!
//! Parse and scan ([`Scanner::scan_record`]), decide per event ([`rule::decide`]), build commands
//! ([`commands::build`]). Pure: the callers do the reading and writing.

use crate::commands::{self, Command, Mode, Source};
use crate::fingerprint::Fingerprinter;
use crate::policy::Policy;
use crate::rule;
use crate::scanner::json::{RecordError, RecordScan};
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
    /// Set when the record was not JSON (or too large) and was scanned as raw text.
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
    pub fn process_keeping_scan(&self, bytes: &[u8], source: &Source, mode: Mode) -> (Processed, RecordScan) {
        let scan = if bytes.len() > self.max_record_bytes {
            // Not parsed, but PII in it is still found by the raw-text scan.
            let mut s = self.scanner.scan_record_raw(bytes, &self.fingerprinter);
            s.error = Some(RecordError::Oversize);
            s
        } else {
            self.scanner.scan_record(bytes, &self.fingerprinter)
        };
        let p = self.decide(&scan, source, mode);
        (p, scan)
    }

    fn decide(&self, scan: &RecordScan, source: &Source, mode: Mode) -> Processed {
        let mut findings = [0u64; Kind::ALL.len()];
        let mut out = Vec::new();
        for ev in &scan.events {
            for f in &ev.findings {
                findings[Kind::ALL.iter().position(|k| *k == f.kind).expect("every kind is listed")] += 1;
            }
            if let Some(d) = rule::decide(&self.policy, ev) {
                let ctx = commands::Context { mode, source, parse_error: scan.error, fingerprinter: &self.fingerprinter };
                out.push(commands::build(ctx, ev, &d));
            }
        }
        Processed { commands: out, error: scan.error, error_position: scan.error_position, events: scan.events.len(), findings }
    }
}
