//! `piiguard scan`: the scanner over JSON Lines files or stdin, for exports and rule debugging.
//!
//! Reads one record per line (bytes, so a non-UTF-8 line is reported, not fatal), writes one command
//! per line, and reports bad lines by number and error class only: a line's content is never printed.

use std::io::{self, BufRead, Write};
use std::time::Instant;

use serde::Serialize;

use crate::commands::{Mode, Source};
use crate::correlate::record::{self, Outcome};
use crate::correlate::Correlator;
use crate::process::Processor;
use crate::scanner::json::RecordError;
use crate::scanner::Kind;

/// Counts for the summary.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    /// Lines read (non-empty).
    pub records: u64,
    /// Events in them (array records hold several).
    pub events: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Records scanned as raw text, by reason.
    pub bad_records: std::collections::BTreeMap<&'static str, u64>,
    /// Findings by kind.
    pub findings: std::collections::BTreeMap<&'static str, u64>,
    /// Commands by reason.
    pub commands: std::collections::BTreeMap<&'static str, u64>,
    /// Lines the scanner panicked on (a bug): not scanned; each reported by number.
    #[serde(skip_serializing_if = "is_zero")]
    pub unscanned: u64,
    /// With `--correlate`: what the conversation pass saw.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversations: Option<Conversations>,
    /// Wall time in seconds.
    pub seconds: f64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The conversation pass's counts (`scan --correlate`).
#[derive(Debug, Default, Clone, Serialize)]
pub struct Conversations {
    /// Events holding a name or an identifier, with their conversation resolved.
    pub events_with_halves: u64,
    /// Events holding one but in no conversation that could be resolved (their halves only count
    /// within the event).
    pub unresolved_events: u64,
    /// Conversations held at the end.
    pub conversations: u64,
    /// Conversations in which a name and an identifier of different events met.
    pub combinations: u64,
}

impl Summary {
    /// Megabytes (10^6) per second.
    pub fn mb_per_s(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }

    /// Commands written.
    pub fn total_commands(&self) -> u64 {
        self.commands.values().sum()
    }

    /// The human summary printed to stderr.
    pub fn render(&self) -> String {
        let join = |m: &std::collections::BTreeMap<&str, u64>| {
            if m.is_empty() {
                "none".to_string()
            } else {
                m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
            }
        };
        let conversations = self.conversations.as_ref().map_or(String::new(), |c| {
            format!(
                "conversations: {} events with a name or an identifier in {} conversations, {} combined across events; {} such events with no conversation resolved\n",
                c.events_with_halves, c.conversations, c.combinations, c.unresolved_events
            )
        });
        let unscanned = if self.unscanned > 0 { format!("NOT SCANNED (the scanner panicked, a bug): {} lines, each with an unscanned command\n", self.unscanned) } else { String::new() };
        format!(
            "scanned {} records ({} events, {:.1} MB) in {:.2}s: {:.1} MB/s, {:.0} events/s\n\
             findings: {}\ncommands: {}\nbad records (scanned as raw text): {}\n{unscanned}{conversations}",
            self.records,
            self.events,
            self.bytes as f64 / 1e6,
            self.seconds,
            self.mb_per_s(),
            if self.seconds > 0.0 { self.events as f64 / self.seconds } else { 0.0 },
            join(&self.findings),
            join(&self.commands),
            join(&self.bad_records),
        )
    }
}

/// Scans `input` (named `name` in command sources), writing commands to `out` and a line per bad
/// record to `diag`. Updates `summary`. With a `correlator`, each event's names and identifiers
/// also go to it (one state across every input), and the commands it completes are written as they
/// arise: a `conversation_combination` command names its event's own line.
pub fn scan_reader(
    proc: &Processor,
    name: &str,
    mut input: impl BufRead,
    out: &mut impl Write,
    diag: &mut impl Write,
    summary: &mut Summary,
    mut correlator: Option<&mut Correlator>,
) -> io::Result<()> {
    let start = Instant::now();
    let mut buf = Vec::with_capacity(4096);
    let mut line_no = 0u64;
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line_no += 1;
        summary.bytes += buf.len() as u64;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        summary.records += 1;
        let source = Source::File { file: name.to_owned(), line: line_no };
        // A panic while scanning (a bug) is caught by the processor: the line gets an `unscanned`
        // command naming its resource, is reported by number, and the run ends with an error (exit
        // 2), since the input was not all scanned.
        let (p, scan) = proc.process_keeping_scan(&buf, &source, Mode::Scan);
        if p.error == Some(RecordError::ScanPanic) {
            summary.unscanned += 1;
            writeln!(diag, "{name}:{line_no}: the scanner panicked on this line (a bug: please report it with the line number, never the line); not scanned: an unscanned command names its resource")?;
        }
        let mut commands = p.commands;
        if let Some(c) = correlator.as_deref_mut() {
            let conv = summary.conversations.get_or_insert_with(Conversations::default);
            for ev in &scan.events {
                match record::of_event(&proc.policy, &proc.fingerprinter, ev, &buf, &source, scan.error) {
                    Outcome::Record(r) => {
                        conv.events_with_halves += u64::from(r.has_name() || r.has_identifier());
                        commands.extend(c.apply(*r, 0).into_iter().map(|e| e.command));
                    }
                    Outcome::Unresolved => conv.unresolved_events += 1,
                    Outcome::Nothing => {}
                }
            }
            conv.conversations = c.len() as u64;
            conv.combinations = c.counts().combinations;
        }
        summary.events += p.events as u64;
        for (k, n) in Kind::ALL.iter().zip(p.findings) {
            if n > 0 {
                *summary.findings.entry(k.as_str()).or_default() += n;
            }
        }
        if let Some(e) = p.error.filter(|&e| e != RecordError::ScanPanic) {
            *summary.bad_records.entry(e.as_str()).or_default() += 1;
            let at = match (e, p.error_position) {
                (RecordError::ParseError, Some((l, c))) => format!(" at line {l} column {c} of the record"),
                (RecordError::Oversize, _) => format!(" ({} bytes, limit {})", buf.len(), proc.max_record_bytes),
                _ => String::new(),
            };
            writeln!(diag, "{name}:{line_no}: {e}{at}; scanned as raw text")?;
        }
        for c in &commands {
            *summary.commands.entry(c.reason.as_str()).or_default() += 1;
            serde_json::to_writer(&mut *out, c).map_err(io::Error::other)?;
            out.write_all(b"\n")?;
        }
    }
    summary.seconds += start.elapsed().as_secs_f64();
    Ok(())
}
