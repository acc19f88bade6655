//! The category pass's cost counted in instructions, not time: the project's machines are shared
//! and their timings move by ±10 %, while an instruction count under Valgrind's cachegrind is the
//! same at every run. Runs one corpus `reps` times through the scanner with the category pass on or
//! off; `scripts/category-cost.sh` runs it under cachegrind and prints the ratio (BENCHMARKS.md).
//!
//! Usage: `category_cost <clean|hardneg|dense|events|inputs:FILE> <on|off|model> <reps>` (`model`:
//! the category pass with the learned category scorer). `inputs:FILE`
//! runs the event path, command JSON included, over a file the scanner bench wrote with
//! `PIIGUARD_BENCH_INPUTS` (`events-voice.json`, `events-categories.json`, ...): two builds measured
//! on the same bytes.

use piiguard::commands::{Mode, Source};
use piiguard::fingerprint::Fingerprinter;
use piiguard::generate::{text_corpus, Corpus, Generator};
use piiguard::policy::Policy;
use piiguard::process::Processor;
use piiguard::scanner::ScannerBuilder;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (corpus, mode, reps) = match args.as_slice() {
        [_, c, m, r] => (c.as_str(), m.as_str(), r.parse::<usize>().expect("reps: a number")),
        _ => panic!("usage: category_cost <clean|hardneg|dense|events|inputs:FILE> <on|off|model> <reps>"),
    };
    // `model`: the category pass and the learned category scorer (opt-in, README).
    let scanner = ScannerBuilder::new().categories(mode != "off").category_model(mode == "model").build().expect("scanner");
    let mut out = 0usize;
    if let Some(path) = corpus.strip_prefix("inputs:") {
        let p = Processor { scanner, policy: Policy::default(), fingerprinter: Fingerprinter::new(&[3; 32]).expect("key"), max_record_bytes: 1 << 20 };
        let text = std::fs::read_to_string(path).expect("bench inputs file");
        let (lines, _): (Vec<String>, usize) = serde_json::from_str(&text).expect("bench inputs: [lines, count]");
        let src = Source::Kafka { topic: "t".into(), partition: 0, offset: 0, key_hmac: None, timestamp: None };
        for _ in 0..reps {
            for l in &lines {
                for c in &p.process(l.as_bytes(), &src, Mode::Live).commands {
                    out += serde_json::to_vec(c).expect("command JSON").len();
                }
            }
        }
    } else if corpus == "events" {
        let p = Processor { scanner, policy: Policy::default(), fingerprinter: Fingerprinter::new(&[3; 32]).expect("key"), max_record_bytes: 1 << 20 };
        let lines: Vec<String> = Generator::new(17).take(8000).map(|g| g.line).collect();
        let src = Source::Kafka { topic: "t".into(), partition: 0, offset: 0, key_hmac: None, timestamp: None };
        for _ in 0..reps {
            for l in &lines {
                out += p.process(l.as_bytes(), &src, Mode::Live).commands.len();
            }
        }
    } else {
        let kind = match corpus {
            "clean" => Corpus::Clean,
            "hardneg" => Corpus::HardNegatives,
            "dense" => Corpus::Dense,
            other => panic!("unknown corpus {other}"),
        };
        let (records, _) = text_corpus(7, 4 << 20, 1024, kind);
        for _ in 0..reps {
            for r in &records {
                out += scanner.scan_text(r).len();
            }
        }
    }
    std::hint::black_box(out);
    if std::env::var_os("CATEGORY_COST_COUNT").is_some() {
        eprintln!("{out}");
    }
}
