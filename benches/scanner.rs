//! Scanner throughput, each beside a baseline measured on the same bytes in the same run:
//! `serde_json::from_slice::<Value>` (the issue's yardstick) and a naive one-regex alternation of the
//! numeric PII patterns (`performance.md` §2). Groups are `scanner/<what>/<corpus>`. Every case checks
//! its finding count before timing, so a fast case cannot be one that skipped work.
//!
//! Run: `cargo bench --bench scanner` (results in BENCHMARKS.md).

#![allow(missing_docs)] // criterion_group! generates undocumented functions.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use piiguard::commands::{Mode, Source};
use piiguard::fingerprint::Fingerprinter;
use piiguard::generate::{text_corpus, Corpus, Generator};
use piiguard::policy::Policy;
use piiguard::process::Processor;
use piiguard::scanner::{Kind, ScannerBuilder};
use serde_json::Value;

const TOTAL: usize = 4 << 20;

fn naive() -> regex::bytes::Regex {
    regex::bytes::Regex::new(r"\b(?:\d{3}-\d{2}-\d{4}|(?:\d[ -]?){13,19}|\d{8,17}|[A-Z]\d{7,12})\b").unwrap()
}

fn text(c: &mut Criterion) {
    let scanner = ScannerBuilder::new().build().unwrap();
    let re = naive();
    for (name, corpus) in [("cleandig", Corpus::Clean), ("hardneg", Corpus::HardNegatives), ("dense", Corpus::Dense)] {
        let (records, planted) = text_corpus(7, TOTAL, 1024, corpus);
        let bytes: usize = records.iter().map(String::len).sum();
        // The same bytes as JSON (an array of strings), for the parse baseline.
        let json = serde_json::to_vec(&records).unwrap();
        let idents = |rs: &[String]| -> usize {
            rs.iter().map(|r| scanner.scan_text(r).iter().filter(|m| m.kind != Kind::Name).count()).sum()
        };
        assert_eq!(idents(&records), planted.len(), "{name}: identifier count");
        let mut g = c.benchmark_group(format!("scanner/text/{name}"));
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function("piiguard", |b| {
            let mut out = Vec::new();
            let hint = Default::default();
            b.iter(|| {
                let mut n = 0;
                for r in &records {
                    out.clear();
                    scanner.scan_field(r, &hint, &mut out);
                    n += out.len();
                }
                black_box(n)
            })
        });
        g.bench_function("serde_json_value_parse", |b| b.iter(|| black_box(serde_json::from_slice::<Value>(&json).unwrap())));
        g.bench_function("naive_regex_alternation", |b| {
            b.iter(|| black_box(records.iter().map(|r| re.find_iter(r.as_bytes()).count()).sum::<usize>()))
        });
        g.finish();
    }
}

fn events(c: &mut Criterion) {
    let proc = Processor {
        scanner: ScannerBuilder::new().build().unwrap(),
        policy: Policy::default(),
        fingerprinter: Fingerprinter::new(&[3; 32]).unwrap(),
        max_record_bytes: 1 << 20,
    };
    let gens: Vec<_> = Generator::new(17).take(8000).collect();
    let lines: Vec<&[u8]> = gens.iter().map(|g| g.line.as_bytes()).collect();
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    let expected = gens.iter().filter(|g| g.label.expect.is_some()).count();
    let src = Source::Kafka { topic: "t".into(), partition: 0, offset: 0, key: None, timestamp: None };
    let count = |lines: &[&[u8]]| lines.iter().filter(|l| !proc.process(l, &src, Mode::Live).commands.is_empty()).count();
    assert_eq!(count(&lines), expected, "events needing action");
    let mut g = c.benchmark_group("scanner/event_path/generated");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(BenchmarkId::new("piiguard", "parse_walk_scan_command"), |b| {
        b.iter(|| {
            let mut out = 0usize;
            for l in &lines {
                let p = proc.process(l, &src, Mode::Live);
                for c in &p.commands {
                    out += serde_json::to_vec(c).unwrap().len();
                }
            }
            black_box(out)
        })
    });
    g.bench_function("serde_json_value_parse", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(serde_json::from_slice::<Value>(l).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, text, events);
criterion_main!(benches);
