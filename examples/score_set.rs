//! Scores a directory of hand-written cases kept anywhere (`tests/corpus/unseen/`'s format), for a
//! set's first run before anyone reads its cases.
//!
//! ```text
//! cargo run --release --example score_set -- DIR [--figures-only] [--model] [--predictions FILE]
//! ```
//!
//! Typed and voice sets (`expect = "combination" | "identifier" | "none"`): precision and recall of
//! the prohibited combination and of "needs action" (any command), overall and per class.
//! Category sets (`expect = ["MED", …]`): precision and recall per category under the default
//! policy (`negated = "denials"`), and the share of events right per class.
//! `--figures-only` prints the figures and withholds every case id (a first run); without it each
//! miss is listed by id. `--predictions FILE` writes one JSON line per case (id, class, expected,
//! got) for offline study. `--model` adds the learned category scorer (`evidence` lists `model`).
//! `--negated ignore` measures the older sets, labelled with denials as no
//! disclosure (`tests/corpus/categories/README.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use piiguard::commands::{Mode, Source};
use piiguard::fingerprint::Fingerprinter;
use piiguard::policy::{Policy, Reason};
use piiguard::process::Processor;
use piiguard::scanner::ScannerBuilder;

const CATEGORIES: [&str; 5] = ["MED", "PHI", "REL", "SO", "FIN"];

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Expect {
    Label(String),
    Categories(Vec<String>),
}

#[derive(serde::Deserialize)]
struct Case {
    id: String,
    class: String,
    input: String,
    expect: Expect,
}

#[derive(serde::Deserialize)]
struct File {
    case: Vec<Case>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fneg: u32,
}

impl Counts {
    fn add(&mut self, want: bool, got: bool) {
        match (want, got) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fneg += 1,
            _ => {}
        }
    }
    fn p(self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn r(self) -> f64 {
        ratio(self.tp, self.tp + self.fneg)
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

fn usage() -> ! {
    eprintln!("usage: score_set DIR [--figures-only] [--model] [--predictions FILE] [--negated denials|ignore|tag]");
    std::process::exit(2)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut dir, mut figures_only, mut predictions) = (None, false, None);
    let mut policy = Policy::default();
    let mut model = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--figures-only" => figures_only = true,
            "--model" => model = true,
            "--predictions" => predictions = Some(args.next().unwrap_or_else(|| usage())),
            "--negated" => {
                policy.categories.negated = match args.next().as_deref() {
                    Some("ignore") => piiguard::policy::Negated::Ignore,
                    Some("denials") => piiguard::policy::Negated::Denials,
                    Some("tag") => piiguard::policy::Negated::Tag,
                    _ => usage(),
                }
            }
            "-h" | "--help" => usage(),
            _ if dir.is_none() => dir = Some(a),
            _ => usage(),
        }
    }
    let dir = dir.unwrap_or_else(|| usage());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let cases: Vec<Case> = paths
        .iter()
        .flat_map(|p| {
            toml::from_str::<File>(&std::fs::read_to_string(p).expect("readable"))
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
                .case
        })
        .collect();
    if model {
        for c in policy.categories.all_mut() {
            c.evidence.push(piiguard::scanner::CategoryEvidence::Model);
        }
    }
    let processor = Processor {
        scanner: ScannerBuilder::new()
            .category_model(model)
            .build()
            .expect("scanner builds"),
        policy,
        fingerprinter: Fingerprinter::new(&[0x5a; 32]).expect("key"),
        max_record_bytes: 1 << 20,
    };
    let mut out = predictions
        .map(|f| std::io::BufWriter::new(std::fs::File::create(f).expect("predictions file")));
    let (mut combo, mut action) = (Counts::default(), Counts::default());
    let mut per_category: BTreeMap<&str, Counts> =
        CATEGORIES.iter().map(|c| (*c, Counts::default())).collect();
    let mut per_class: BTreeMap<String, (u32, u32, Counts, Counts)> = BTreeMap::new();
    let mut misses = Vec::new();
    let (mut labelled, mut categorised) = (0, 0);
    for (n, c) in cases.iter().enumerate() {
        let result = processor.process(
            c.input.as_bytes(),
            &Source::File {
                file: "set".into(),
                line: n as u64 + 1,
            },
            Mode::Scan,
        );
        let class = per_class.entry(c.class.clone()).or_default();
        class.0 += 1;
        let (want, got) = match &c.expect {
            Expect::Label(want) => {
                labelled += 1;
                let got = if result
                    .commands
                    .iter()
                    .any(|c| c.reason == Reason::ProhibitedCombination)
                {
                    "combination"
                } else if result.commands.is_empty() {
                    "none"
                } else {
                    "identifier"
                };
                combo.add(want == "combination", got == "combination");
                class.2.add(want == "combination", got == "combination");
                action.add(want != "none", got != "none");
                class.3.add(want != "none", got != "none");
                (serde_json::json!(want), serde_json::json!(got))
            }
            Expect::Categories(want) => {
                categorised += 1;
                let got: BTreeSet<String> = result
                    .commands
                    .iter()
                    .flat_map(|cmd| {
                        cmd.findings
                            .iter()
                            .filter_map(|f| f.category.as_deref().map(str::to_owned))
                    })
                    .collect();
                let want: BTreeSet<String> = want.iter().cloned().collect();
                for (cat, counts) in &mut per_category {
                    counts.add(want.contains(*cat), got.contains(*cat));
                }
                (serde_json::json!(want), serde_json::json!(got))
            }
        };
        if want == got {
            class.1 += 1;
        } else {
            misses.push(format!("{} [{}] want {want}, got {got}", c.id, c.class));
        }
        if let Some(out) = out.as_mut() {
            let line = serde_json::json!({"id": c.id, "class": c.class, "want": want, "got": got});
            writeln!(out, "{line}").expect("write predictions");
        }
    }
    println!("{dir}: {} cases", cases.len());
    if labelled > 0 {
        println!(
            "  combination: precision {:.3} recall {:.3} ({} tp, {} fp, {} fn)",
            combo.p(),
            combo.r(),
            combo.tp,
            combo.fp,
            combo.fneg
        );
        println!(
            "  needs action: precision {:.3} recall {:.3} ({} tp, {} fp, {} fn)",
            action.p(),
            action.r(),
            action.tp,
            action.fp,
            action.fneg
        );
    }
    if categorised > 0 {
        for (cat, c) in &per_category {
            println!(
                "  {cat:<4} precision {:.3} ({}/{}) recall {:.3} ({}/{})",
                c.p(),
                c.tp,
                c.tp + c.fp,
                c.r(),
                c.tp,
                c.tp + c.fneg
            );
        }
    }
    println!(
        "  {:<26} {:>6} {:>7} {:>8} {:>9}",
        "class", "cases", "right", "combo R", "action R"
    );
    for (class, (n, right, c, a)) in &per_class {
        let (cr, ar) = if labelled > 0 {
            (format!("{:.2}", c.r()), format!("{:.2}", a.r()))
        } else {
            (String::new(), String::new())
        };
        println!(
            "  {class:<26} {n:>6} {:>7.2} {cr:>8} {ar:>9}",
            f64::from(*right) / f64::from(*n)
        );
    }
    if figures_only {
        println!(
            "  {} cases labelled differently (ids withheld: --figures-only)",
            misses.len()
        );
    } else {
        println!(
            "  {} cases labelled differently:\n    {}",
            misses.len(),
            misses.join("\n    ")
        );
    }
}
