//! The hand-written corpus (`tests/corpus/written/*.toml`): events in real Twilio shapes, each written
//! by hand (by authors who had not read the detector) with its label and a one-line reason.
//!
//! Labels are per event: `combination` (a person's full name and an identifier), `identifier` (an
//! identifier without a full name), `none`. Measured: precision and recall of the
//! `prohibited_combination` reason, and of "any command" against "needs action", overall and per
//! class. Every case the detector gets wrong is printed with its id and reason.

use std::collections::BTreeMap;

use piiguard::commands::{Mode, Source};
use piiguard::policy::Reason;
use serde::Deserialize;

use crate::common;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    class: String,
    input: String,
    expect: String,
    why: String,
}

#[derive(Deserialize)]
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
    fn precision(self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { f64::from(self.tp) / f64::from(self.tp + self.fp) }
    }
    fn recall(self) -> f64 {
        if self.tp + self.fneg == 0 { 1.0 } else { f64::from(self.tp) / f64::from(self.tp + self.fneg) }
    }
}

pub(crate) fn cases() -> Vec<(String, String, String, String, String)> {
    cases_in("written")
}

/// The cases of `tests/corpus/<name>/*.toml`, in file order.
pub(crate) fn cases_in(name: &str) -> Vec<(String, String, String, String, String)> {
    let dir = format!("{}/tests/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let f: File = toml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        out.extend(f.case.into_iter().map(|c| (c.id, c.class, c.input, c.expect, c.why)));
    }
    out
}

/// What a corpus measured: the combination and any-command counts.
struct Measured {
    events: usize,
    /// Records the scanner failed on (`unscanned` commands).
    unscanned: usize,
    combo: Counts,
    action: Counts,
}

/// Runs the processor over `cases`, prints precision and recall overall and per class, and every
/// case labelled differently with its id and reason.
fn measure(title: &str, cases: &[(String, String, String, String, String)]) -> Measured {
    let p = common::processor();
    let mut combo = Counts::default();
    let mut action = Counts::default();
    let mut per_class: BTreeMap<String, (Counts, Counts, u32)> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut unscanned = Vec::new();
    for (id, class, input, expect, why) in cases {
        assert!(["combination", "identifier", "none"].contains(&expect.as_str()), "{id}: label {expect}");
        let out = p.process(input.as_bytes(), &Source::File { file: "w".into(), line: 1 }, Mode::Scan);
        if out.commands.iter().any(|c| c.reason == Reason::Unscanned) {
            unscanned.push(id.clone());
        }
        let got = if out.commands.iter().any(|c| c.reason == Reason::ProhibitedCombination) {
            "combination"
        } else if !out.commands.is_empty() {
            "identifier"
        } else {
            "none"
        };
        let e = per_class.entry(class.clone()).or_default();
        e.2 += 1;
        combo.add(expect == "combination", got == "combination");
        e.0.add(expect == "combination", got == "combination");
        action.add(expect != "none", got != "none");
        e.1.add(expect != "none", got != "none");
        if got != expect {
            // The detectors' view, for the person reading a failure (test data, not real values).
            let scan = p.scanner.scan_record(input.as_bytes(), &p.fingerprinter);
            let seen: Vec<String> = scan.events.iter().flat_map(|e| &e.findings).map(|f| format!("{}:{:?}", f.kind.as_str(), f.detector)).collect();
            wrong.push(format!("  {id} [{class}] want {expect}, got {got}: {why} (found {seen:?})"));
        }
    }
    println!("{title}: {} events", cases.len());
    println!("  prohibited_combination: precision {:.3} recall {:.3} ({} tp, {} fp, {} fn)", combo.precision(), combo.recall(), combo.tp, combo.fp, combo.fneg);
    println!("  any command: precision {:.3} recall {:.3} ({} tp, {} fp, {} fn)", action.precision(), action.recall(), action.tp, action.fp, action.fneg);
    println!("  {:<16} {:>6} {:>10} {:>10} {:>10} {:>10}", "class", "events", "combo P", "combo R", "action P", "action R");
    for (class, (c, a, n)) in &per_class {
        println!("  {class:<16} {n:>6} {:>10.3} {:>10.3} {:>10.3} {:>10.3}", c.precision(), c.recall(), a.precision(), a.recall());
    }
    println!("{} of {} labelled differently:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
    println!("{} of {} not scanned (the scanner failed): {unscanned:?}", unscanned.len(), cases.len());
    Measured { events: cases.len(), unscanned: unscanned.len(), combo, action }
}

#[test]
fn hand_written_corpus_precision_and_recall() {
    let m = measure("hand-written corpus", &cases());
    let (combo, action) = (m.combo, m.action);
    assert!(m.events >= 300, "the corpus has {} events", m.events);
    // The floors sit at the measured figures (combination recall 0.995 at precision 1.000 on 340
    // events, every event needing action flagged), so a single new false positive or a new miss
    // fails the test. The miss left is listed above.
    assert!(combo.recall() >= 0.99 && combo.precision() >= 0.995, "combination precision {:.3} recall {:.3}", combo.precision(), combo.recall());
    assert!(action.recall() >= 0.99 && action.precision() >= 0.995, "any-command precision {:.3} recall {:.3}", action.precision(), action.recall());
}

#[test]
fn voice_corpus_precision_and_recall() {
    let m = measure("voice corpus", &cases_in("voice"));
    let (combo, action) = (m.combo, m.action);
    assert!(m.events >= 150, "the corpus has {} events", m.events);
    // The bar: recall 0.95 at precision 0.98 on events that need action (measured 0.968 at
    // 1.000 on 170 events); the combination floor sits just under the measured 0.938 at 1.000. The
    // misses left are listed above, each with its reason.
    assert!(action.recall() >= 0.95 && action.precision() >= 0.98, "any-command precision {:.3} recall {:.3}", action.precision(), action.recall());
    assert!(combo.recall() >= 0.93 && combo.precision() >= 0.98, "combination precision {:.3} recall {:.3}", combo.precision(), combo.recall());
}

#[test]
fn multilingual_corpus_precision_and_recall() {
    let m = measure("multilingual corpus", &cases_in("multilingual"));
    let (combo, action) = (m.combo, m.action);
    assert!(m.events >= 150, "the corpus has {} events", m.events);
    assert_eq!(m.unscanned, 0, "every record is scanned");
    // Floors at the first run's figures (see tests/corpus/multilingual/README.md), so a new miss or
    // false positive fails; the misses are listed above, each with its reason.
    // First run: any command P 1.000 R 0.833 (120 tp, 0 fp, 24 fn); combination P 0.877 R 0.674
    // (64 tp, 9 fp, 31 fn).
    assert!(action.recall() >= 0.83 && action.precision() >= 0.995, "any-command precision {:.3} recall {:.3}", action.precision(), action.recall());
    assert!(combo.recall() >= 0.67 && combo.precision() >= 0.87, "combination precision {:.3} recall {:.3}", combo.precision(), combo.recall());
}

/// The sets written for the accuracy work on text nobody here wrote (`tests/corpus/unseen/`, see
/// its README): each round was scored once, figures only, before any of its cases was read (those
/// first-run figures are in the README); rounds 1 to 9 were studied after that, and of round 10 the
/// typed and voice misses of a few classes. The floors sit just under today's figures, so a new
/// miss or false positive fails, and every miss is printed with its reason. Measured under the default policy (the learned category scorer off); with it on, see
/// `tests/categories.rs`.
#[test]
fn unseen_typed_and_voice_sets_are_reported_and_above_their_floors() {
    // (set, combination P, combination R, any-command P, any-command R)
    let floors = [
        ("unseen/round1/typed", 0.986, 0.922, 0.995, 0.973),
        ("unseen/round1/voice", 0.995, 0.819, 0.995, 0.874),
        ("unseen/round2/typed", 0.953, 0.807, 0.983, 0.947),
        ("unseen/round2/voice", 0.995, 0.862, 0.995, 0.928),
        ("unseen/round3/typed", 0.946, 0.855, 0.995, 0.938),
        ("unseen/round3/voice", 0.956, 0.648, 0.995, 0.877),
        ("unseen/round4/typed", 0.965, 0.919, 0.995, 0.976),
        ("unseen/round4/voice", 0.995, 0.876, 0.995, 0.909),
        ("unseen/round5/typed", 0.955, 0.919, 0.989, 0.963),
        ("unseen/round5/voice", 0.974, 0.775, 0.995, 0.899),
        ("unseen/round6/typed", 0.898, 0.881, 0.982, 0.925),
        ("unseen/round6/voice", 0.933, 0.775, 0.984, 0.869),
        ("unseen/round7/typed", 0.943, 0.862, 0.988, 0.938),
        ("unseen/round7/voice", 0.934, 0.805, 0.963, 0.888),
        ("unseen/round8/typed", 0.963, 0.862, 0.995, 0.899),
        ("unseen/round8/voice", 0.974, 0.792, 0.995, 0.88),
        ("unseen/round9/typed", 0.964, 0.881, 0.975, 0.95),
        ("unseen/round9/voice", 0.932, 0.784, 0.984, 0.889),
        ("unseen/round10/typed", 0.905, 0.766, 0.967, 0.874),
        ("unseen/round10/voice", 0.975, 0.842, 0.995, 0.83),
    ];
    for (set, cp, cr, ap, ar) in floors {
        let m = measure(set, &cases_in(set));
        assert!(m.events >= 130, "{set}: {} events", m.events);
        assert_eq!(m.unscanned, 0, "{set}: every record is scanned");
        assert!(m.combo.precision() >= cp && m.combo.recall() >= cr, "{set}: combination precision {:.3} recall {:.3}", m.combo.precision(), m.combo.recall());
        assert!(m.action.precision() >= ap && m.action.recall() >= ar, "{set}: any-command precision {:.3} recall {:.3}", m.action.precision(), m.action.recall());
    }
}
