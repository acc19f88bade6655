//! The `piiguard` binary: parses flags, builds the library's pieces, dispatches, maps exit codes.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use clap::{Args, Parser, Subcommand};

use piiguard::fingerprint::Fingerprinter;
use piiguard::generate::Generator;
use piiguard::policy::Policy;
use piiguard::process::Processor;
use piiguard::scan::{scan_reader, Summary};
use piiguard::scanner::ScannerBuilder;

const AFTER_HELP: &str = "\
Exit codes:
  0  success; for `scan`, no prohibited data found (or --exit-zero)
  1  `scan` found data that needs action (commands were written)
  2  error: bad flags, unreadable input or output, invalid policy or key

Environment:
  PIIGUARD_HMAC_KEY       fingerprint key as hex (at least 32 bytes); --hmac-key-file overrides it
  PIIGUARD_HMAC_KEY_FILE  same as --hmac-key-file";

/// Finds prohibited personal data (names together with SSNs, licence, account or card numbers) in
/// Twilio Flex events and writes redaction or deletion commands that name where it is, never what.
#[derive(Parser, Debug)]
#[command(name = "piiguard", version, after_help = AFTER_HELP, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Scan JSON Lines files or stdin; write commands as JSON Lines and a summary to stderr.
    ///
    /// Each line is one record: a Twilio event (CloudEvents envelope, webhook body, TaskRouter event,
    /// transcript, Insights record …) or an array of them. Lines that are not JSON are reported by
    /// line number and error class (never their content) and scanned as raw text; scanning goes on.
    Scan(ScanArgs),
    /// Run the Kafka service: consume event topics in a consumer group, write commands to a topic.
    ///
    /// At-least-once: a record's offset is committed only when its commands (or its dead-letter
    /// reference) are acknowledged by the broker and every record before it is handled too. Records
    /// that are not JSON get a dead-letter reference (source coordinates, reason, length, keyed
    /// hash; never the bytes) and are still scanned as raw text. SIGTERM or SIGINT: stop fetching,
    /// drain, commit, leave the group, exit 0 (non-zero past --shutdown-deadline).
    Run(RunArgs),
    /// Write synthetic Twilio-shaped events (JSON Lines) with ground-truth labels, for demos, tests
    /// and benchmarks. The same seed always gives the same events.
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
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Bootstrap brokers, host:port[,host:port…].
    #[arg(long, env = "PIIGUARD_BROKERS", value_name = "LIST")]
    brokers: String,
    /// Consumer group; scale out by running more instances in the same group.
    #[arg(long, env = "PIIGUARD_GROUP", default_value = "piiguard")]
    group: String,
    /// Input topic (repeat for several).
    #[arg(long = "topic", value_name = "TOPIC", required = true)]
    topics: Vec<String>,
    /// Topic for commands.
    #[arg(long, default_value = "piiguard.commands")]
    commands_topic: String,
    /// Topic for dead-letter references.
    #[arg(long, default_value = "piiguard.dlq")]
    dlq_topic: String,
    /// partition.assignment.strategy. Eager `range` works everywhere; `cooperative-sticky` only on
    /// Apache Kafka (it fails on the local test broker).
    #[arg(long, default_value = "range")]
    assignment_strategy: String,
    /// Records in flight before consumption pauses (bounds memory and duplicates after a crash).
    #[arg(long, default_value_t = 10_000)]
    max_in_flight: usize,
    /// Seconds a graceful stop may take.
    #[arg(long, default_value_t = 30)]
    shutdown_deadline_secs: u64,
    /// librdkafka setting passed through, KEY=VALUE (repeat; TLS and SASL settings go here).
    /// Delivery-critical keys (offsets, idempotence) are set by piiguard after these.
    #[arg(short = 'X', value_name = "KEY=VALUE")]
    librdkafka: Vec<String>,
    #[command(flatten)]
    common: ScannerArgs,
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
}

impl ScannerArgs {
    fn processor(&self) -> anyhow::Result<Processor> {
        let policy = match &self.policy {
            Some(p) => {
                let text = std::fs::read_to_string(p).with_context(|| format!("cannot read policy file {}", p.display()))?;
                Policy::from_toml(&text).with_context(|| format!("policy file {}", p.display()))?
            }
            None => Policy::default(),
        };
        let fingerprinter = match piiguard::keys::load(self.hmac_key_file.as_deref())? {
            Some(f) => f,
            None => {
                eprintln!("piiguard: no HMAC key configured (PIIGUARD_HMAC_KEY or --hmac-key-file): fingerprints use a random key for this run");
                Fingerprinter::ephemeral()
            }
        };
        let scanner = ScannerBuilder::new().masked_preview(self.preview).build()?;
        if self.max_record_bytes == 0 {
            bail!("--max-record-bytes must be positive");
        }
        Ok(Processor { scanner, policy, fingerprinter, max_record_bytes: self.max_record_bytes })
    }
}

fn open_output(path: Option<&PathBuf>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(BufWriter::new(File::create(p).with_context(|| format!("cannot create {}", p.display()))?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

fn scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let proc = args.common.processor()?;
    let mut out = open_output(args.output.as_ref())?;
    let mut diag = io::stderr().lock();
    let mut summary = Summary::default();
    let files = if args.files.is_empty() { vec![PathBuf::from("-")] } else { args.files };
    for f in &files {
        let name = f.display().to_string();
        if name == "-" {
            scan_reader(&proc, "-", io::stdin().lock(), &mut out, &mut diag, &mut summary)
        } else {
            let file = File::open(f).with_context(|| format!("cannot open {name}"))?;
            scan_reader(&proc, &name, BufReader::with_capacity(1 << 16, file), &mut out, &mut diag, &mut summary)
        }
        .with_context(|| format!("while scanning {name}"))?;
    }
    out.flush().context("cannot write commands")?;
    if !args.quiet {
        eprint!("{}", summary.render());
    }
    if let Some(p) = &args.summary_json {
        let mut w = open_output(Some(p))?;
        serde_json::to_writer_pretty(&mut w, &summary)?;
        w.write_all(b"\n")?;
        w.flush()?;
    }
    Ok(if summary.total_commands() > 0 && !args.exit_zero { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let proc = std::sync::Arc::new(args.common.processor()?);
    let mut librdkafka = std::collections::BTreeMap::new();
    for kv in &args.librdkafka {
        let Some((k, v)) = kv.split_once('=') else { bail!("-X takes KEY=VALUE, got a value without '='") };
        librdkafka.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    let cfg = piiguard::pipeline::RunConfig {
        brokers: args.brokers,
        group: args.group,
        topics: args.topics,
        commands_topic: args.commands_topic,
        dlq_topic: args.dlq_topic,
        assignment_strategy: args.assignment_strategy,
        max_in_flight: args.max_in_flight.max(1),
        shutdown_deadline: std::time::Duration::from_secs(args.shutdown_deadline_secs),
        librdkafka,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let stats = rt.block_on(async move {
        let stop = async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal handler");
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        };
        piiguard::pipeline::run(proc, cfg, stop).await
    })?;
    eprintln!(
        "piiguard: stopped: {} records, {} commands, {} dead-letter references",
        stats.records, stats.commands, stats.dead_letters
    );
    Ok(ExitCode::SUCCESS)
}

fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let mut out = open_output(args.output.as_ref())?;
    let labels_path = args.labels.clone().or_else(|| args.output.as_ref().map(|o| PathBuf::from(format!("{}.labels.jsonl", o.display()))));
    let mut labels = labels_path.as_ref().map(|p| open_output(Some(p))).transpose()?;
    for g in Generator::new(args.seed).take(args.count as usize) {
        out.write_all(g.line.as_bytes())?;
        out.write_all(b"\n")?;
        if let Some(l) = labels.as_mut() {
            serde_json::to_writer(&mut *l, &g.label)?;
            l.write_all(b"\n")?;
        }
    }
    out.flush()?;
    if let Some(mut l) = labels {
        l.flush()?;
    }
    Ok(ExitCode::SUCCESS)
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
        Cmd::Run(a) => run(a),
        Cmd::Generate(a) => generate(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("piiguard: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
