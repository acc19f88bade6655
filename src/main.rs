//! The `piiguard` binary: parses flags, builds the library's pieces, dispatches, maps exit codes.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use clap::{Args, Parser, Subcommand};

use piiguard::commands::Mode;
use piiguard::config::{self, FileConfig, Settings};
use piiguard::correlate::{Correlator, Limits};
use piiguard::fingerprint::Fingerprinter;
use piiguard::generate::Generator;
use piiguard::metrics::Metrics;
use piiguard::pipeline::health::Health;
use piiguard::policy::{Policy, Reason};
use piiguard::process::Processor;
use piiguard::scan::{scan_reader, Summary};
use piiguard::scanner::ScannerBuilder;
use piiguard::shutdown::{StopGuard, EXIT_ABANDONED};

const AFTER_HELP: &str = "\
Exit codes:
  0  success; for `scan`, no prohibited data found (or --exit-zero)
  1  `scan` found data that needs action (commands were written)
  2  error: bad flags or configuration, unreadable input or output, invalid policy or key, unknown
     topic, bad replay range, broker unreachable (replay); for `run`, a failed start; for `scan`,
     lines the scanner panicked on (reported by number, each with an `unscanned` command naming
     its resource; the other lines were scanned)
  3  a stop that abandoned work (`run`, `replay`, `generate --topic`): the stop deadline passed
     (--shutdown-deadline-secs, 30 s; e.g. the broker went away during the stop), records were
     still in flight, the final commit failed, a replay or load was interrupted, or a second
     SIGTERM/SIGINT came. Nothing is lost: uncommitted records are read again after a restart, and
     a replay resumes from its --checkpoint
  101 internal error (details withheld)

Stopping: SIGTERM or SIGINT stops fetching, drains, commits, leaves the group and closes, all
within the stop deadline; the process exits 0 when all of it completed, 3 otherwise.

Environment:
  PIIGUARD_HMAC_KEY       fingerprint key as hex (at least 32 bytes); --hmac-key-file overrides it
  PIIGUARD_HMAC_KEY_FILE  same as --hmac-key-file";

/// Finds prohibited personal data (names together with SSNs, licence, account or card numbers) in
/// Twilio Flex events and writes redaction or deletion commands that name where it is, never what.
#[derive(Parser, Debug)]
#[command(name = "piiguard", version, after_help = AFTER_HELP, max_term_width = 100)]
struct Cli {
    /// Log format of `run`, `replay` and `generate` (stderr): text or json. Level from PIIGUARD_LOG (error, warn, info,
    /// debug; default info). Log lines carry counts, coordinates and error classes, never data.
    #[arg(long, global = true, env = "PIIGUARD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Scan JSON Lines files or stdin; write commands as JSON Lines and a summary to stderr.
    ///
    /// Each line is one record: a Twilio event (CloudEvents envelope, webhook body, TaskRouter event,
    /// transcript, Insights record …) or an array of them. Lines that are not JSON are reported by
    /// line number and error class (never their content) and scanned as raw text; scanning goes on.
    /// Speech fields (transcript sentences, SpeechResult, TranscriptionText) are read with numbers
    /// said as words ("four one one one", "cuatro uno") as digits, and a transcript's sentences in
    /// order: a cue in the agent's question applies to the answer, and a number read over several
    /// sentences is one finding with a span in each.
    Scan(ScanArgs),
    /// Run the Kafka service: consume event topics in a consumer group, write commands to a topic.
    ///
    /// At-least-once: a record's offset is committed only when its commands (or its dead-letter
    /// reference) are acknowledged by the broker and every record before it is handled too. Records
    /// that are not JSON get a dead-letter reference (source coordinates, reason, length, keyed
    /// hash; never the bytes) and are still scanned as raw text. SIGTERM or SIGINT: stop fetching,
    /// drain, commit, leave the group, close, exit 0; within --shutdown-deadline-secs whatever the
    /// broker does, exit 3 when work was abandoned (a second signal exits 3 at once).
    Run(RunArgs),
    /// Run the conversation stage: a name in one event and a number in another of the same
    /// conversation.
    ///
    /// Reads the finding records `run --findings-topic` writes (reference-only, keyed by
    /// conversation) in its own consumer group (--topic is that findings topic, --group e.g.
    /// piiguard-correlate), keeps each conversation's references in memory per partition, backed
    /// by a compacted changelog (--state-topic, at least as many partitions as the findings
    /// topic) that is read back before a partition is processed, and writes a
    /// `conversation_combination` command for every event of a conversation where a name and an
    /// identifier of different events meet. A record's offset is committed after its commands and
    /// then its state are acknowledged. Conversations are forgotten after 24 h without events (4 h
    /// after one that ends them), by event time; `[conversations]` in the config file sets the
    /// TTLs and bounds. Signals, exit codes and metrics as for `run`.
    Correlate(CorrelateArgs),
    /// Rescan historical topics over a time or offset range (rule change, incident, audit)
    ///
    /// Resolves start offsets per partition from --from (timestamps looked up on the broker and
    /// checked), snapshots the end offsets at start, reads with manual assignment (never joining or
    /// committing to any consumer group), filters record timestamps on the client too, scans with
    /// the same scanner and policy as `run`, and stops when every partition reaches its end.
    /// Commands carry mode "replay" and the same ids a live run gives for the same record.
    /// Examples:
    ///   piiguard replay --brokers B --topic flex-events --from 2026-11-27T00:00:00Z --to 2026-11-27T23:59:59.999Z --output day.jsonl
    ///   piiguard replay --brokers B --topic flex-events --from earliest --dry-run --summary-json s.json
    #[command(verbatim_doc_comment)]
    Replay(ReplayArgs),
    /// Check the service configuration.
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Write synthetic Twilio-shaped events (JSON Lines) with ground-truth labels, for demos, tests
    /// and benchmarks; or, with --brokers and --topic, produce them into a Kafka topic. The same
    /// seed always gives the same events.
    Generate(GenerateArgs),
}

#[derive(Args, Debug)]
struct ScanArgs {
    /// Input files; `-` or nothing reads stdin.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write commands here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    common: ScannerArgs,
    /// Write the summary as JSON to this file too.
    #[arg(long, value_name = "FILE")]
    summary_json: Option<PathBuf>,
    /// Exit 0 even when commands were written.
    #[arg(long)]
    exit_zero: bool,
    /// Print no summary.
    #[arg(short, long)]
    quiet: bool,
    /// Also correlate across the whole input, in memory: a name in one event and an SSN, licence,
    /// account or card number in another event of the same conversation (same Conversations, call,
    /// interaction or task SID, or the same two SMS numbers) give a `conversation_combination`
    /// command for every event involved, each naming its own line. Names are then looked for in
    /// every event, not only in events holding an identifier. Use a fixed HMAC key when comparing
    /// runs: fingerprints depend on it, and so do the ids of events without a CloudEvents id (a
    /// webhook is recognised by a keyed hash of its bytes).
    #[arg(long)]
    correlate: bool,
}

#[derive(Args, Debug)]
struct RunArgs {
    #[command(flatten)]
    service: ServiceArgs,
    /// Benchmark baseline: consume and produce one small reference record per input to the commands
    /// topic, without scanning (`BENCHMARKS.md` compares `run` with it).
    #[arg(long)]
    pass_through: bool,
    /// Stop gracefully once every assigned partition is handled up to its end (demos, batch jobs).
    #[arg(long)]
    until_caught_up: bool,
}

#[derive(Args, Debug)]
struct CorrelateArgs {
    #[command(flatten)]
    service: ServiceArgs,
    /// Stop gracefully once every assigned partition is handled up to its end (tests, batch jobs).
    #[arg(long)]
    until_caught_up: bool,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("out").required(true).args(["commands_topic", "output", "dry_run"])))]
struct ReplayArgs {
    /// Bootstrap brokers, host:port[,host:port…].
    #[arg(long, env = "PIIGUARD_BROKERS", value_name = "LIST")]
    brokers: String,
    /// Topic to replay (repeat for several).
    #[arg(long = "topic", value_name = "TOPIC", required = true)]
    topics: Vec<String>,
    /// Start: earliest, an offset (`offset:N` or N, in every partition) or an RFC 3339 UTC time.
    #[arg(long, value_name = "BOUND")]
    from: String,
    /// End, inclusive: latest (the end when the replay starts), an offset or an RFC 3339 UTC time.
    #[arg(long, value_name = "BOUND", default_value = "latest")]
    to: String,
    /// Write commands to this Kafka topic.
    #[arg(long, value_name = "TOPIC")]
    commands_topic: Option<String>,
    /// Write commands to this JSON Lines file.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Only count: scan and summarise, write no command.
    #[arg(long)]
    dry_run: bool,
    /// Resume from (and keep) this checkpoint file: a rerun after a crash continues with no gap.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// Write the final summary as JSON to this file too.
    #[arg(long, value_name = "FILE")]
    summary_json: Option<PathBuf>,
    /// Records in flight at most (bounds memory).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_in_flight: usize,
    /// Also correlate the window as one conversation history, in memory: a name in one event and
    /// an SSN, licence, account or card number in another event of the same conversation give
    /// each event involved a conversation_combination command (the ids `piiguard correlate`
    /// gives), in the same output. The state lives for this run only (no TTL inside the window;
    /// the live changelog is never read or written), so it cannot resume from a checkpoint.
    #[arg(long, conflicts_with = "checkpoint")]
    correlate: bool,
    /// With --correlate: conversations held at most; past it the one seen longest ago is evicted
    /// (counted in the summary: its halves cannot meet later ones). About 1 KB each.
    #[arg(long, value_name = "N", default_value_t = 1_000_000, requires = "correlate")]
    max_conversations: usize,
    /// Seconds a stop (SIGTERM, SIGINT) may take to flush the output and save the checkpoint;
    /// past it the process exits with code 3 anyway. A second signal exits at once.
    #[arg(long, value_name = "SECS", default_value_t = config::defaults::SHUTDOWN_DEADLINE_SECS)]
    shutdown_deadline_secs: u64,
    /// librdkafka property, KEY=VALUE (repeat; TLS and SASL settings go here).
    #[arg(short = 'X', value_name = "KEY=VALUE")]
    librdkafka: Vec<String>,
    #[command(flatten)]
    common: ScannerArgs,
}

#[derive(Subcommand, Debug)]
enum ConfigCmd {
    /// Validate the configuration (file, environment, flags; policy and key loaded, librdkafka
    /// properties checked) and print the effective configuration with secrets masked. Exit 0 when
    /// valid, 2 otherwise. Does not connect to a broker.
    Check(ServiceArgs),
}

/// The service's settings as flags. Each overrides its environment variable, which overrides the
/// config file (`piiguard.example.toml` documents every key and default).
#[derive(Args, Debug)]
struct ServiceArgs {
    /// Config file (TOML; see piiguard.example.toml). Unknown keys are an error.
    #[arg(long, env = "PIIGUARD_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Bootstrap brokers, host:port[,host:port…]. Required here or in the config file.
    #[arg(long, env = "PIIGUARD_BROKERS", value_name = "LIST")]
    brokers: Option<String>,
    /// Consumer group; scale out by running more instances in the same group. [default: piiguard]
    #[arg(long, env = "PIIGUARD_GROUP")]
    group: Option<String>,
    /// Static membership: this instance's stable id in the group (group.instance.id), unique per
    /// instance and the same across its restarts (a StatefulSet pod name). A restarted instance
    /// takes its partitions back at once. [default: none, dynamic membership]
    #[arg(long, env = "PIIGUARD_GROUP_INSTANCE_ID", value_name = "ID")]
    group_instance_id: Option<String>,
    /// Seconds a partition of the input topics may keep lag without committed progress while no
    /// other member moves it before it counts as stalled: /readyz reports it, and this instance
    /// leaves and rejoins the group (with backoff) to make the broker reassign it. 0 disables.
    /// [default: 120]
    #[arg(long, value_name = "SECS")]
    group_stall_secs: Option<u64>,
    /// Input topic (repeat for several). Required here or in the config file.
    #[arg(long = "topic", value_name = "TOPIC")]
    topics: Vec<String>,
    /// Topic for commands. [default: piiguard.commands]
    #[arg(long, env = "PIIGUARD_COMMANDS_TOPIC", value_name = "TOPIC")]
    commands_topic: Option<String>,
    /// Topic for dead-letter references. [default: piiguard.dlq]
    #[arg(long, env = "PIIGUARD_DLQ_TOPIC", value_name = "TOPIC")]
    dlq_topic: Option<String>,
    /// Address of /metrics, /healthz and /readyz, IP:PORT, or `off`. [default: 127.0.0.1:9464]
    #[arg(long, env = "PIIGUARD_METRICS_ADDR", value_name = "ADDR")]
    metrics_addr: Option<String>,
    /// Policy file (TOML; see policy.example.toml). Default: the built-in policy.
    #[arg(long, env = "PIIGUARD_POLICY", value_name = "FILE")]
    policy: Option<PathBuf>,
    /// File holding the fingerprint key (32+ bytes, raw or hex). Without it the key comes from
    /// PIIGUARD_HMAC_KEY (hex); `run` refuses to start with neither.
    #[arg(long, env = "PIIGUARD_HMAC_KEY_FILE", value_name = "FILE")]
    hmac_key_file: Option<PathBuf>,
    /// partition.assignment.strategy: range, roundrobin or cooperative-sticky (Apache Kafka only;
    /// it fails on the local test broker). [default: range]
    #[arg(long, value_name = "NAME")]
    assignment_strategy: Option<String>,
    /// Records in flight before the partitions pause (bounds memory and the records handled again
    /// after a crash). [default: 10000]
    #[arg(long, value_name = "N")]
    max_in_flight: Option<usize>,
    /// Records larger than this are dead-lettered as `oversize` and scanned as raw text.
    /// [default: 1048576]
    #[arg(long, value_name = "BYTES")]
    max_record_bytes: Option<usize>,
    /// Seconds a stop (SIGTERM, SIGINT, --until-caught-up) may take: drain, commit, leave, flush,
    /// close. Past it the process exits 3 anyway (uncommitted records are read again after a
    /// restart). [default: 30]
    #[arg(long, value_name = "SECS")]
    shutdown_deadline_secs: Option<u64>,
    /// Add a masked preview (last 4 characters) of each identifier to the commands.
    #[arg(long)]
    preview: bool,
    /// `run`: also write a reference-only finding record for every event holding a name or an
    /// SSN, licence, account or card number to this topic, keyed by its conversation, for
    /// `piiguard correlate` (names are then looked for in every event). [default: none]
    #[arg(long, env = "PIIGUARD_FINDINGS_TOPIC", value_name = "TOPIC")]
    findings_topic: Option<String>,
    /// `correlate`: the state changelog topic (compacted, as many partitions as the input).
    /// [default: piiguard.state]
    #[arg(long, env = "PIIGUARD_STATE_TOPIC", value_name = "TOPIC")]
    state_topic: Option<String>,
    /// librdkafka property, KEY=VALUE (repeat; TLS and SASL settings go here). Also from
    /// PIIGUARD_LIBRDKAFKA_<KEY> variables (`_` read as `.`). Secret values are masked when printed.
    #[arg(short = 'X', value_name = "KEY=VALUE")]
    librdkafka: Vec<String>,
}

#[derive(Args, Debug)]
struct ScannerArgs {
    /// Policy file (TOML; see policy.example.toml). Default: the built-in policy.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// File holding the fingerprint key (raw bytes, or hex). Without a key, fingerprints use a
    /// random per-run key and cannot be compared across runs.
    #[arg(long, value_name = "FILE", env = "PIIGUARD_HMAC_KEY_FILE")]
    hmac_key_file: Option<PathBuf>,
    /// Add a masked preview (last 4 characters) of each identifier to the commands.
    #[arg(long)]
    preview: bool,
    /// Records larger than this many bytes are not parsed, only scanned as raw text.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    max_record_bytes: usize,
}

#[derive(Args, Debug)]
struct GenerateArgs {
    /// How many events.
    #[arg(short = 'n', long, default_value_t = 1000)]
    count: u64,
    /// Random seed.
    #[arg(short, long, default_value_t = 1)]
    seed: u64,
    /// Write events here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write labels (one JSON object per event: line, expected reason, planted kinds, shape) here.
    /// Default with --output: FILE.labels.jsonl; without: no labels.
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// Produce the events to this Kafka topic (with --brokers) instead of writing them.
    #[arg(long, value_name = "TOPIC", requires = "brokers", conflicts_with = "output")]
    topic: Option<String>,
    /// Bootstrap brokers for --topic.
    #[arg(long, value_name = "LIST", requires = "topic")]
    brokers: Option<String>,
    /// With --topic: at most this many events per second (default: as fast as the broker takes them).
    #[arg(long, value_name = "N", requires = "topic")]
    rate: Option<f64>,
    /// Generate --count whole conversations instead of single events (chats with their task,
    /// calls, SMS exchanges; a name in one event and a number in another, in either order,
    /// interleaved, some events twice), for `scan --correlate`. Labels then name each event's
    /// conversation, its plan, its halves and whether it needs a conversation_combination command.
    #[arg(long, conflicts_with = "topic")]
    conversations: bool,
}

impl ScannerArgs {
    /// With `conversations`, the scanner prepares events for the conversation pass (names in events
    /// with no identifier too, SMS parties: `ScannerBuilder::conversations`).
    fn processor_for(&self, conversations: bool) -> anyhow::Result<Processor> {
        let fingerprinter = match piiguard::keys::load(self.hmac_key_file.as_deref())? {
            Some(f) => f,
            None => {
                eprintln!("piiguard: no HMAC key configured (PIIGUARD_HMAC_KEY or --hmac-key-file): fingerprints use a random key for this run");
                Fingerprinter::ephemeral()
            }
        };
        let mut p = build_processor(self.policy.as_deref(), fingerprinter, self.preview, self.max_record_bytes)?;
        if conversations {
            p.scanner = ScannerBuilder::new().masked_preview(self.preview).categories(p.policy.categories.any_enabled()).category_model(p.policy.categories.uses_model()).conversations(true).build()?;
        }
        Ok(p)
    }
}

fn build_processor(policy: Option<&Path>, fingerprinter: Fingerprinter, preview: bool, max_record_bytes: usize) -> anyhow::Result<Processor> {
    let policy = match policy {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read policy file {}", p.display()))?;
            Policy::from_toml(&text).with_context(|| format!("policy file {}", p.display()))?
        }
        None => Policy::default(),
    };
    // With every category disabled the scanner skips the category pass altogether.
    let scanner = ScannerBuilder::new().masked_preview(preview).categories(policy.categories.any_enabled()).category_model(policy.categories.uses_model()).build()?;
    if max_record_bytes == 0 {
        bail!("--max-record-bytes must be positive");
    }
    Ok(Processor { scanner, policy, fingerprinter, max_record_bytes })
}

impl ServiceArgs {
    /// File, then environment, then flags; defaults and checks applied.
    fn settings(&self) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(p) => config::read_file(p)?,
            None => FileConfig::default(),
        };
        let env = FileConfig { librdkafka: Some(config::librdkafka_from_env(std::env::vars())), ..FileConfig::default() };
        let x = parse_x(&self.librdkafka)?.into_iter().map(|(k, v)| (k, config::Scalar::String(v))).collect();
        let flags = FileConfig {
            brokers: self.brokers.clone(),
            group: self.group.clone(),
            group_instance_id: self.group_instance_id.clone(),
            group_stall_secs: self.group_stall_secs,
            topics: (!self.topics.is_empty()).then(|| self.topics.clone()),
            commands_topic: self.commands_topic.clone(),
            dlq_topic: self.dlq_topic.clone(),
            policy: self.policy.clone(),
            hmac_key_file: self.hmac_key_file.clone(),
            metrics_addr: self.metrics_addr.clone(),
            assignment_strategy: self.assignment_strategy.clone(),
            max_in_flight: self.max_in_flight,
            max_record_bytes: self.max_record_bytes,
            shutdown_deadline_secs: self.shutdown_deadline_secs,
            preview: self.preview.then_some(true),
            dlq_storm: None,
            conversations: (self.findings_topic.is_some() || self.state_topic.is_some()).then(|| config::ConversationsFile {
                findings_topic: self.findings_topic.clone(),
                state_topic: self.state_topic.clone(),
                ..Default::default()
            }),
            librdkafka: Some(x),
        };
        let s = Settings::resolve(config::merge(config::merge(file, env), flags))?;
        // librdkafka checks names and values when a client is created (it connects lazily).
        let mut probe = rdkafka::ClientConfig::new();
        for (k, v) in &s.librdkafka {
            probe.set(k, v);
        }
        probe.set("bootstrap.servers", &s.brokers).set_log_level(rdkafka::config::RDKafkaLogLevel::Emerg);
        probe.create::<rdkafka::producer::BaseProducer>().map_err(|e| anyhow::anyhow!(piiguard::pipeline::describe(&e)))?;
        Ok(s)
    }
}

/// The service's processor: the key is required (fingerprints and dead-letter hashes must be
/// comparable across restarts and instances).
fn service_processor(s: &Settings) -> anyhow::Result<(Processor, String)> {
    let Some(fingerprinter) = piiguard::keys::load(s.hmac_key_file.as_deref())? else {
        bail!("no HMAC key: set hmac_key_file in the config file, --hmac-key-file, PIIGUARD_HMAC_KEY_FILE or PIIGUARD_HMAC_KEY (hex); the service does not run with a random key");
    };
    let source = match &s.hmac_key_file {
        Some(p) => format!("file {} (kid {})", p.display(), fingerprinter.kid()),
        None => format!("environment PIIGUARD_HMAC_KEY (kid {})", fingerprinter.kid()),
    };
    let mut p = build_processor(s.policy.as_deref(), fingerprinter, s.preview, s.max_record_bytes)?;
    if s.conversations.findings_topic.is_some() {
        // The conversation stage needs names from every event and SMS parties.
        p.scanner = ScannerBuilder::new().masked_preview(s.preview).categories(p.policy.categories.any_enabled()).category_model(p.policy.categories.uses_model()).conversations(true).build()?;
    }
    Ok((p, source))
}

fn config_check(args: ServiceArgs) -> anyhow::Result<ExitCode> {
    // The librdkafka probe never connects, but its close is a client close like any other.
    StopGuard::new("config check").arm(std::time::Duration::from_secs(config::defaults::SHUTDOWN_DEADLINE_SECS));
    let s = args.settings()?;
    let (_, key_source) = service_processor(&s)?;
    print!("{}", s.render_masked(&key_source));
    eprintln!("piiguard: configuration is valid");
    Ok(ExitCode::SUCCESS)
}

fn init_logs(format: LogFormat) {
    let level = match std::env::var("PIIGUARD_LOG").as_deref().map(str::trim) {
        Ok("error") => tracing::Level::ERROR,
        Ok("warn") => tracing::Level::WARN,
        Ok("debug") => tracing::Level::DEBUG,
        Ok("trace") => tracing::Level::TRACE,
        _ => tracing::Level::INFO,
    };
    let b = tracing_subscriber::fmt().with_writer(io::stderr).with_max_level(level).with_target(false);
    match format {
        LogFormat::Json => b.json().flatten_event(true).init(),
        LogFormat::Text => b.with_ansi(io::IsTerminal::is_terminal(&io::stderr())).init(),
    }
}

fn open_output(path: Option<&PathBuf>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(BufWriter::new(File::create(p).with_context(|| format!("cannot create {}", p.display()))?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

fn write_json(path: &PathBuf, value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut w = open_output(Some(path))?;
    serde_json::to_writer_pretty(&mut w, value)?;
    w.write_all(b"\n")?;
    w.flush()?;
    Ok(())
}

/// `-X KEY=VALUE` flags.
fn parse_x(flags: &[String]) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    let mut out = std::collections::BTreeMap::new();
    for kv in flags {
        let Some((k, v)) = kv.split_once('=') else { bail!("-X takes KEY=VALUE, got a value without '='") };
        out.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    Ok(out)
}

fn scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let proc = args.common.processor_for(args.correlate)?;
    let mut out = open_output(args.output.as_ref())?;
    let mut diag = io::stderr().lock();
    let mut summary = Summary::default();
    // A file is one history: no TTL, and room for every conversation in it.
    let limits = Limits { ttl_ms: None, max_conversations: usize::MAX, ..Limits::default() };
    let mut correlator = args.correlate.then(|| Correlator::new(limits, proc.policy.action(Reason::ConversationCombination), Mode::Scan));
    let files = if args.files.is_empty() { vec![PathBuf::from("-")] } else { args.files };
    for f in &files {
        let name = f.display().to_string();
        if name == "-" {
            scan_reader(&proc, "-", io::stdin().lock(), &mut out, &mut diag, &mut summary, correlator.as_mut())
        } else {
            let file = File::open(f).with_context(|| format!("cannot open {name}"))?;
            scan_reader(&proc, &name, BufReader::with_capacity(1 << 16, file), &mut out, &mut diag, &mut summary, correlator.as_mut())
        }
        .with_context(|| format!("while scanning {name}"))?;
    }
    out.flush().context("cannot write commands")?;
    if !args.quiet {
        eprint!("{}", summary.render());
    }
    if let Some(p) = &args.summary_json {
        write_json(p, &summary)?;
    }
    if summary.unscanned > 0 {
        bail!("{} lines were not scanned: the scanner panicked on them (a bug; their line numbers are above). Each has an `unscanned` command naming its resource; the other lines were scanned and their commands written", summary.unscanned);
    }
    Ok(if summary.total_commands() > 0 && !args.exit_zero { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The pipeline settings of a stage (`run`, `correlate`) from the resolved configuration.
fn run_config(s: &Settings, findings_topic: Option<String>, pass_through: bool, until_caught_up: bool) -> piiguard::pipeline::RunConfig {
    piiguard::pipeline::RunConfig {
        brokers: s.brokers.clone(),
        group: s.group.clone(),
        group_instance_id: s.group_instance_id.clone(),
        group_stall: s.group_stall,
        topics: s.topics.clone(),
        commands_topic: s.commands_topic.clone(),
        dlq_topic: s.dlq_topic.clone(),
        findings_topic,
        assignment_strategy: s.assignment_strategy.clone(),
        max_in_flight: s.max_in_flight,
        shutdown_deadline: s.shutdown_deadline,
        librdkafka: s.librdkafka.clone(),
        storm: s.storm,
        pass_through,
        until_caught_up,
    }
}

type Stop = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Runs a stage on a two-worker runtime: signals and the stop deadline (`name` in the stop's
/// messages), `/metrics` and the health endpoints when configured, then `stage`.
fn serve_stage<F, Fut>(name: &'static str, s: &Settings, stage: F) -> anyhow::Result<piiguard::pipeline::RunStats>
where
    F: FnOnce(Metrics, std::sync::Arc<Health>, std::sync::Arc<StopGuard>, Stop) -> Fut,
    Fut: std::future::Future<Output = Result<piiguard::pipeline::RunStats, piiguard::pipeline::Error>>,
{
    let metrics = Metrics::new(&s.topics);
    let health = std::sync::Arc::new(Health::default());
    let guard = StopGuard::new(name);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(async move {
        let stop = Box::pin(guard.listen(s.shutdown_deadline));
        if let Some(addr) = s.metrics_addr {
            let bound = piiguard::http::serve(addr, metrics.clone(), health.clone())
                .await
                .with_context(|| format!("cannot serve metrics on {addr}"))?;
            tracing::info!(addr = %bound, "metrics on /metrics, health on /healthz and /readyz");
        }
        Ok(stage(metrics, health, guard, stop).await?)
    })
}

fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let s = args.service.settings()?;
    if let Some(f) = s.conversations.findings_topic.as_ref().filter(|f| s.topics.contains(f)) {
        bail!("the findings topic `{f}` is also an input topic: run would scan its own output (it is correlate's input)");
    }
    let (proc, key_source) = service_processor(&s)?;
    let cfg = run_config(&s, s.conversations.findings_topic.clone(), args.pass_through, args.until_caught_up);
    let stats = serve_stage("run", &s, |metrics, health, guard, stop| {
        tracing::info!(group = %s.group, group_instance_id = s.group_instance_id.as_deref().unwrap_or("(dynamic membership)"), topics = ?s.topics, commands_topic = %s.commands_topic, dlq_topic = %s.dlq_topic, findings_topic = s.conversations.findings_topic.as_deref().unwrap_or("(none)"), key = %key_source, pass_through = args.pass_through, "starting");
        piiguard::pipeline::run(std::sync::Arc::new(proc), cfg, metrics, health, guard, stop)
    })?;
    tracing::info!(
        records = stats.records,
        prohibited_combination = stats.prohibited_combination,
        category = stats.category,
        identifier = stats.identifier,
        commands = stats.commands,
        dead_letters = stats.dead_letters,
        "stopped"
    );
    Ok(ExitCode::SUCCESS)
}

fn correlate(args: CorrelateArgs) -> anyhow::Result<ExitCode> {
    let s = args.service.settings()?;
    let (proc, key_source) = service_processor(&s)?;
    let c = &s.conversations;
    let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    let stage = piiguard::pipeline::Stage {
        state_topic: c.state_topic.clone(),
        limits: Limits { ttl_ms: Some(ms(c.ttl)), closed_ttl_ms: ms(c.closed_ttl), max_conversations: c.max_conversations, max_refs: c.max_refs },
        action: proc.policy.action(Reason::ConversationCombination),
        fingerprinter: proc.fingerprinter.clone(),
    };
    let cfg = run_config(&s, None, false, args.until_caught_up);
    let stats = serve_stage("correlate", &s, |metrics, health, guard, stop| {
        tracing::info!(group = %s.group, topics = ?s.topics, state_topic = %c.state_topic, commands_topic = %s.commands_topic, key = %key_source, ttl_secs = c.ttl.as_secs(), "starting the conversation stage");
        piiguard::pipeline::correlate(cfg, stage, metrics, health, guard, stop)
    })?;
    tracing::info!(records = stats.records, conversation_combination = stats.conversation_combination, commands = stats.commands, dead_letters = stats.dead_letters, "stopped");
    Ok(ExitCode::SUCCESS)
}

fn replay(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    use piiguard::replay::{range::Bound, Output, ReplayConfig};
    let from: Bound = args.from.parse().map_err(|e| anyhow::anyhow!("--from: {e}"))?;
    let to: Bound = args.to.parse().map_err(|e| anyhow::anyhow!("--to: {e}"))?;
    let output = match (&args.commands_topic, &args.output) {
        (Some(t), _) => Output::Topic(t.clone()),
        (_, Some(f)) => Output::File(f.clone()),
        _ => Output::DryRun,
    };
    if !args.dry_run && std::env::var(piiguard::keys::KEY_ENV).is_err() && args.common.hmac_key_file.is_none() {
        bail!("no HMAC key: set --hmac-key-file, PIIGUARD_HMAC_KEY_FILE or PIIGUARD_HMAC_KEY (hex) so fingerprints match the live service's");
    }
    let librdkafka = parse_x(&args.librdkafka)?;
    let proc = std::sync::Arc::new(args.common.processor_for(args.correlate)?);
    let shutdown_deadline = std::time::Duration::from_secs(args.shutdown_deadline_secs);
    let correlate = args.correlate.then(|| Limits { max_conversations: args.max_conversations.max(1), ..Limits::default() });
    let cfg = ReplayConfig { brokers: args.brokers, topics: args.topics, from, to, output, checkpoint: args.checkpoint, librdkafka, max_in_flight: args.max_in_flight.max(1), shutdown_deadline, correlate };
    let guard = StopGuard::new("replay");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let summary = rt.block_on(async move {
        let stop = guard.listen(shutdown_deadline);
        piiguard::replay::replay(proc, cfg, guard, stop).await
    })?;
    eprint!("{}", summary.render());
    if let Some(p) = &args.summary_json {
        write_json(p, &summary)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    if let (Some(topic), Some(brokers)) = (&args.topic, &args.brokers) {
        let events = Generator::new(args.seed).take(args.count as usize).map(|g| g.line.into_bytes());
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let started = std::time::Instant::now();
        let guard = StopGuard::new("generate");
        let no_settings = Default::default();
        let produced = rt.block_on(async {
            let stop = guard.listen(std::time::Duration::from_secs(config::defaults::SHUTDOWN_DEADLINE_SECS));
            tokio::select! {
                n = piiguard::load::produce(brokers, topic, &no_settings, events, args.rate) => n.map(Some),
                () = stop => Ok(None),
            }
        });
        drop(rt);
        return match produced? {
            Some(n) => {
                eprintln!("piiguard: produced {n} events to {topic} in {:.1} s", started.elapsed().as_secs_f64());
                Ok(ExitCode::SUCCESS)
            }
            None => {
                eprintln!("piiguard: interrupted after {:.1} s; events already acknowledged stay in {topic}", started.elapsed().as_secs_f64());
                Ok(ExitCode::from(EXIT_ABANDONED))
            }
        };
    }
    let mut out = open_output(args.output.as_ref())?;
    let labels_path = args.labels.clone().or_else(|| args.output.as_ref().map(|o| PathBuf::from(format!("{}.labels.jsonl", o.display()))));
    let mut labels = labels_path.as_ref().map(|p| open_output(Some(p))).transpose()?;
    // Each event's line, and its label as one JSON line when labels are written.
    let want = labels.is_some();
    let events: Box<dyn Iterator<Item = (String, Option<String>)>> = if args.conversations {
        Box::new(Generator::new(args.seed).conversations(args.count as usize).into_iter().map(move |e| (e.line, want.then(|| serde_json::to_string(&e.label).expect("serialisable")))))
    } else {
        Box::new(Generator::new(args.seed).take(args.count as usize).map(move |g| (g.line, want.then(|| serde_json::to_string(&g.label).expect("serialisable")))))
    };
    for (line, label) in events {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        if let (Some(l), Some(label)) = (labels.as_mut(), label) {
            l.write_all(label.as_bytes())?;
            l.write_all(b"\n")?;
        }
    }
    out.flush()?;
    if let Some(mut l) = labels {
        l.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether an error is a stop that did not finish its work (exit code 3, not 2).
fn abandoned(e: &anyhow::Error) -> bool {
    matches!(e.downcast_ref::<piiguard::pipeline::Error>(), Some(piiguard::pipeline::Error::StopIncomplete { .. }))
        || matches!(e.downcast_ref::<piiguard::replay::Error>(), Some(piiguard::replay::Error::Interrupted { .. }))
}

fn main() -> ExitCode {
    // A panic message could quote data; print only where it happened.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("piiguard: internal error{at} (details withheld: they could hold scanned data); please report it");
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Scan(a) => scan(a),
        Cmd::Run(a) => {
            init_logs(cli.log_format);
            run(a)
        }
        Cmd::Correlate(a) => {
            init_logs(cli.log_format);
            correlate(a)
        }
        Cmd::Config(ConfigCmd::Check(a)) => config_check(a),
        Cmd::Replay(a) => {
            init_logs(cli.log_format);
            replay(a)
        }
        Cmd::Generate(a) => {
            init_logs(cli.log_format);
            generate(a)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("piiguard: error: {e:#}");
            ExitCode::from(if abandoned(&e) { EXIT_ABANDONED } else { 2 })
        }
    }
}
