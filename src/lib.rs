//! piiguard keeps prohibited personal data out of contact-center analytics.
//!
//! Twilio Flex customers may not process in Flex Insights a person's name together with an SSN, a
//! driver's licence or state ID number, a financial account number or a payment card number. piiguard
//! scans Twilio events (files, stdin, and Kafka topics), finds identifiers and names, decides when
//! they combine, and emits redaction or deletion *commands* that name the resource, the JSON paths
//! and the spans to remove, never the values.
//!
//! Layout:
//! - [`scanner`]: the pure detection core (no I/O): identifiers, names, the JSON walker.
//! - [`rule`] and [`policy`]: when findings make a prohibited combination, and what to do.
//! - [`commands`]: the output wire format (`schemas/command.v1.schema.json`).
//! - [`process`]: record in, commands out; shared by every front end.
//! - [`correlate`]: conversation-level correlation (a name and an identifier in different events).
//! - [`fingerprint`]: keyed HMAC-SHA256 fingerprints of values.
//! - [`generate`]: synthetic Twilio-shaped events with ground-truth labels.
//! - [`scan`]: the `piiguard scan` front end (files and stdin).
//! - [`config`]: the service configuration (file, environment, flags).
//! - [`metrics`] and [`http`]: Prometheus metrics, `/metrics`, `/healthz`, `/readyz`.
//! - [`load`]: produce generated events into a topic.
//! - [`replay`]: rescan a time or offset range of historical topics.
//! - [`pipeline`]: the Kafka stages, `piiguard run` and `piiguard correlate` (consumer groups,
//!   at-least-once).
//! - [`shutdown`]: bounded stops (deadline watchdog, second signal) for every broker command.

pub mod commands;
pub mod config;
pub mod correlate;
pub mod fingerprint;
pub mod generate;
pub mod http;
pub mod keys;
pub mod load;
pub mod metrics;
pub mod pipeline;
pub mod policy;
pub mod process;
pub mod replay;
pub mod rule;
pub mod scan;
pub mod scanner;
pub mod train;
pub mod shutdown;
