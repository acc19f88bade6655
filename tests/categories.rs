//! The hand-written category corpus (`tests/corpus/categories/*.toml`): events in real Twilio shapes,
//! each with the categories it discloses (`MED`, `PHI`, `REL`, `SO`, `FIN`) or none, written by hand
//! with a reason by authors who had not read the detector (see the corpus README).
//!
//! Three sets: the development corpus (`med`, `phi-fin`, `rel-so`, `mixed`: 400 events, the one whose
//! misses were studied while the detector was built), the second development set (`dev2.toml`: 160
//! events by a sixth author, measured once before its misses were studied, then studied too) and
//! the held-out set (`holdout.toml`: 160 events written by a fifth author after the lexicons were
//! fixed and never read while tuning). Precision and recall are reported per category for each; the
//! issue's bars (precision ≥ 0.95, recall ≥ 0.90 per category) are asserted on the development
//! corpus, and the other two are printed and held to floors, so that a change that only fits the
//! development corpus shows.

use std::collections::{BTreeMap, BTreeSet};

use crate::common;

const CATEGORIES: [&str; 5] = ["MED", "PHI", "REL", "SO", "FIN"];

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    class: String,
    input: String,
    expect: Vec<String>,
    why: String,
}

#[derive(serde::Deserialize)]
struct File {
    case: Vec<Case>,
}

/// Which set a corpus file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Set {
    Development,
    Second,
    HeldOut,
}

impl Set {
    const ALL: [Set; 3] = [Set::Development, Set::Second, Set::HeldOut];

    fn of(stem: &str) -> Set {
        match stem {
            "holdout" => Set::HeldOut,
            "dev2" => Set::Second,
            _ => Set::Development,
        }
    }
}

fn cases(set: Set) -> Vec<Case> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/categories");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.file_stem().and_then(|s| s.to_str()).is_some_and(|s| Set::of(s) == set))
        .collect();
    paths.sort();
    paths.iter().flat_map(|p| toml::from_str::<File>(&std::fs::read_to_string(p).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", p.display())).case).collect()
}

#[test]
fn category_corpus_is_well_formed_and_read_as_json() {
    for set in Set::ALL {
        let cases = cases(set);
        let p = common::processor();
        let mut per_category: BTreeMap<&str, usize> = BTreeMap::new();
        let mut ids = std::collections::HashSet::new();
        let mut negatives = 0;
        for c in &cases {
            assert!(ids.insert(c.id.as_str()), "{}: duplicate id", c.id);
            assert!(c.why.len() >= 10, "{}: no reason", c.id);
            assert!(!c.class.is_empty(), "{}: no class", c.id);
            for e in &c.expect {
                let known = CATEGORIES.iter().find(|k| *k == e).unwrap_or_else(|| panic!("{}: unknown category {e}", c.id));
                *per_category.entry(known).or_default() += 1;
            }
            if c.expect.is_empty() {
                negatives += 1;
            } else {
                assert!(CATEGORIES.contains(&c.class.as_str()), "{}: a disclosure's class is its category", c.id);
            }
            let scan = p.scanner.scan_record(c.input.as_bytes(), &p.fingerprinter);
            assert_eq!(scan.error, None, "{}: the scanner does not read it as JSON", c.id);
        }
        println!("category corpus ({set:?}): {} events, {negatives} with no disclosure, disclosures per category {per_category:?}", cases.len());
        let (min, per) = if set == Set::Development { (400, 35) } else { (160, 12) };
        assert!(cases.len() >= min, "{} events", cases.len());
        assert!(CATEGORIES.iter().all(|k| per_category.get(k).copied().unwrap_or(0) >= per), "{per_category:?}");
        assert!((cases.len() * 2 / 5..=cases.len() * 3 / 5).contains(&negatives), "{negatives} negatives of {}", cases.len());
    }
}

/// Per category: (true positives, false positives, false negatives), and the ids of the misses.
struct Tally {
    counts: BTreeMap<&'static str, (usize, usize, usize)>,
    misses: Vec<String>,
    events: usize,
}

/// The categories the service reports for each case: the `category` of the findings of its commands.
/// These sets were labelled with denials as no disclosure (their README), so they are measured
/// with `negated = "ignore"`; the default (`denials`) is measured on the unseen sets
/// (`tests/corpus/unseen/`), labelled under it.
fn measure(cases: &[Case]) -> Tally {
    measure_with(cases, piiguard::policy::Negated::Ignore)
}

fn measure_with(cases: &[Case], negated: piiguard::policy::Negated) -> Tally {
    measure_processor(common::processor(), cases, negated)
}

fn measure_processor(mut p: piiguard::process::Processor, cases: &[Case], negated: piiguard::policy::Negated) -> Tally {
    p.policy.categories.negated = negated;
    let mut t = Tally { counts: CATEGORIES.iter().map(|c| (*c, (0, 0, 0))).collect(), misses: Vec::new(), events: cases.len() };
    for (n, c) in cases.iter().enumerate() {
        let got: BTreeSet<String> = common::commands(&p, &c.input, n as u64 + 1)
            .iter()
            .flat_map(|cmd| cmd.findings.iter().filter_map(|f| f.category.as_deref().map(str::to_owned)).collect::<Vec<_>>())
            .collect();
        let want: BTreeSet<String> = c.expect.iter().cloned().collect();
        for cat in CATEGORIES {
            let e = t.counts.get_mut(cat).unwrap();
            match (want.contains(cat), got.contains(cat)) {
                (true, true) => e.0 += 1,
                (false, true) => {
                    e.1 += 1;
                    t.misses.push(format!("{} {} fp {cat}", c.id, c.class));
                }
                (true, false) => {
                    e.2 += 1;
                    t.misses.push(format!("{} {} fn {cat}", c.id, c.class));
                }
                (false, false) => {}
            }
        }
    }
    t
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn report(name: &str, t: &Tally) -> BTreeMap<&'static str, (f64, f64)> {
    let mut out = BTreeMap::new();
    println!("{name}: {} events", t.events);
    for (cat, (tp, fp, fn_)) in &t.counts {
        let (p, r) = (ratio(*tp, tp + fp), ratio(*tp, tp + fn_));
        println!("  {cat:<4} precision {p:.3} ({tp}/{}), recall {r:.3} ({tp}/{})", tp + fp, tp + fn_);
        out.insert(*cat, (p, r));
    }
    println!("  misses: {}", t.misses.join("; "));
    out
}

/// The bars: precision ≥ 0.95 and recall ≥ 0.90 per category, on the development corpus.
const RECALL_FLOOR: [(&str, f64); 5] = [("MED", 0.90), ("PHI", 0.90), ("REL", 0.90), ("SO", 0.90), ("FIN", 0.90)];

#[test]
fn development_corpus_precision_and_recall_per_category() {
    let t = measure(&cases(Set::Development));
    for (cat, (p, r)) in report("category corpus (development)", &t) {
        let floor = RECALL_FLOOR.iter().find(|(c, _)| *c == cat).unwrap().1;
        println!("  {cat}: bar precision 0.95 {}, recall 0.90 {}", if p >= 0.95 { "met" } else { "NOT met" }, if r >= 0.90 { "met" } else { "NOT met" });
        assert!(p >= 0.95, "{cat}: precision {p:.3} < 0.95");
        assert!(r >= floor, "{cat}: recall {r:.3} < {floor}");
    }
}

/// The second development set: its first measurement (before its misses were studied) was P/R
/// MED 0.958/0.885, PHI 1.000/0.786, REL 1.000/0.857, SO 1.000/0.500, FIN 0.857/0.706; the
/// floors keep what the general fixes from its misses reached.
#[test]
fn second_development_set_is_reported_and_above_its_floor() {
    above_floors(Set::Second, "second development set", 0.90, 0.70);
}

#[test]
fn held_out_set_is_reported_and_above_its_floor() {
    above_floors(Set::HeldOut, "held out", 0.85, 0.55);
}

/// Reports a set per category and holds every category to floors of precision and recall.
fn above_floors(set: Set, name: &str, precision: f64, recall: f64) {
    let t = measure(&cases(set));
    for (cat, (p, r)) in report(&format!("category corpus ({name})"), &t) {
        assert!(p >= precision, "{cat}: {name} precision {p:.3} < {precision}");
        assert!(r >= recall, "{cat}: {name} recall {r:.3} < {recall}");
    }
}

/// The generator's ordinary traffic (small talk, billing, shipping, tech support, transcripts) holds
/// no category data: category findings there are false positives. The bar: at most 5 per
/// 10,000 clean events.
#[test]
fn clean_generated_events_give_at_most_5_category_false_positives_per_10k() {
    let p = common::processor();
    let (mut clean, mut flagged) = (0usize, Vec::new());
    for g in piiguard::generate::Generator::new(20261130).take(12_000) {
        if g.label.expect.is_some() {
            continue;
        }
        clean += 1;
        let scan = p.scanner.scan_record(g.line.as_bytes(), &p.fingerprinter);
        let cats: Vec<String> = scan.events.iter().flat_map(|e| &e.findings).filter_map(|f| f.rule.map(|r| format!("{r} {:?} at {}", f.detector, f.path))).collect();
        if !cats.is_empty() {
            flagged.push(format!("line {}: {cats:?}", g.label.line));
        }
    }
    let per_10k = flagged.len() as f64 * 10_000.0 / clean as f64;
    println!("category false positives: {} of {clean} clean generated events ({per_10k:.2} per 10k): {:?}", flagged.len(), &flagged[..flagged.len().min(5)]);
    assert!(clean >= 5_000, "{clean} clean events");
    assert!(per_10k <= 5.0, "{per_10k:.2} per 10k");
}

/// The string a finding points into: `path`, then each `inner_path` level of embedded JSON.
fn string_at(input: &str, path: &str, inner: &[String]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(input).ok()?;
    let mut s = v.pointer(path)?.as_str()?.to_owned();
    for p in inner {
        let inner_v: serde_json::Value = serde_json::from_str(&s).ok()?;
        s = inner_v.pointer(p)?.as_str()?.to_owned();
    }
    Some(s)
}

/// A command names where a category word is, never the word: no command holds the text of any
/// category span it names (nor its lower-case form), on the whole corpus.
#[test]
fn commands_never_hold_the_category_words_they_point_at() {
    let p = common::processor();
    let all: Vec<Case> = Set::ALL.into_iter().flat_map(cases).collect();
    let mut checked = 0;
    for (n, c) in all.iter().enumerate() {
        for cmd in common::commands(&p, &c.input, n as u64 + 1) {
            let json = serde_json::to_string(&cmd).unwrap().to_lowercase();
            for f in cmd.findings.iter().filter(|f| f.category.is_some()) {
                let s = string_at(&c.input, &f.path, &f.inner_path).unwrap_or_else(|| panic!("{}: finding path {} not found", c.id, f.path));
                let word: String = s.get(f.byte_start..f.byte_end).unwrap_or_else(|| panic!("{}: span out of range", c.id)).to_lowercase();
                // Spans of one or two letters ("bi") would match JSON keys; every longer one is checked.
                if word.trim().len() >= 3 {
                    assert!(!json.contains(word.trim()), "{}: the command holds its category span", c.id);
                    checked += 1;
                }
            }
        }
    }
    println!("category spans checked against their commands: {checked}");
    assert!(checked >= 200, "{checked}");
}

/// The category sets of `tests/corpus/unseen/` (labelled with denials as disclosures, the default
/// policy): each round was scored once before any of its cases was read (first-run figures in the
/// README), and rounds 1 to 7 were studied after that (of rounds 8 to 10 only the category false
/// positives of round 9 were read). Floors just under today's figures per
/// category (precision, recall), so a new miss or false positive fails; every miss is printed.
#[test]
fn unseen_category_sets_are_reported_and_above_their_floors() {
    let floors: [(&str, Floors); 10] = [
        ("round1", [("FIN", 0.995, 0.73), ("MED", 0.899, 0.85), ("PHI", 0.995, 0.781), ("REL", 0.995, 0.888), ("SO", 0.995, 0.675)]),
        ("round2", [("FIN", 0.995, 0.773), ("MED", 0.907, 0.833), ("PHI", 0.947, 0.828), ("REL", 0.995, 0.995), ("SO", 0.995, 0.835)]),
        ("round3", [("FIN", 0.884, 0.627), ("MED", 0.95, 0.835), ("PHI", 0.895, 0.778), ("REL", 0.945, 0.628), ("SO", 0.924, 0.537)]),
        ("round4", [("FIN", 0.87, 0.578), ("MED", 0.843, 0.795), ("PHI", 0.728, 0.473), ("REL", 0.995, 0.705), ("SO", 0.995, 0.608)]),
        ("round5", [("FIN", 0.995, 0.766), ("MED", 0.898, 0.87), ("PHI", 0.95, 0.672), ("REL", 0.947, 0.62), ("SO", 0.995, 0.728)]),
        ("round6", [("FIN", 0.952, 0.606), ("MED", 0.957, 0.73), ("PHI", 0.945, 0.608), ("REL", 0.957, 0.801), ("SO", 0.995, 0.595)]),
        ("round7", [("FIN", 0.995, 0.551), ("MED", 0.87, 0.773), ("PHI", 0.995, 0.754), ("REL", 0.995, 0.776), ("SO", 0.995, 0.631)]),
        ("round8", [("FIN", 0.955, 0.681), ("MED", 0.881, 0.856), ("PHI", 0.845, 0.602), ("REL", 0.947, 0.662), ("SO", 0.995, 0.762)]),
        ("round9", [("FIN", 0.995, 0.566), ("MED", 0.959, 0.789), ("PHI", 0.947, 0.764), ("REL", 0.995, 0.672), ("SO", 0.995, 0.714)]),
        ("round10", [("FIN", 0.895, 0.595), ("MED", 0.928, 0.803), ("PHI", 0.904, 0.62), ("REL", 0.995, 0.803), ("SO", 0.995, 0.586)]),
    ];
    unseen_above(&floors, false);
}

/// The same sets with the learned category scorer on (`evidence` lists `model`). It is trained on
/// all ten rounds, so these figures include its fit: what it does on a set it was not trained on
/// is measured by `examples/train_category_model.rs --leave-out` (README, "The learned scorer").
/// Also: on the typed and voice sets, whose labels are about identifiers, it may flag at most 8 of
/// the events with no identifier (a category finding makes a command).
#[test]
fn unseen_category_sets_with_the_learned_scorer_are_above_their_floors() {
    let floors: [(&str, Floors); 10] = [
        ("round1", [("FIN", 0.995, 0.966), ("MED", 0.904, 0.904), ("PHI", 0.995, 0.924), ("REL", 0.995, 0.995), ("SO", 0.995, 0.995)]),
        ("round2", [("FIN", 0.995, 0.995), ("MED", 0.914, 0.914), ("PHI", 0.955, 0.995), ("REL", 0.995, 0.995), ("SO", 0.995, 0.995)]),
        ("round3", [("FIN", 0.918, 0.942), ("MED", 0.953, 0.915), ("PHI", 0.915, 0.995), ("REL", 0.961, 0.928), ("SO", 0.955, 0.995)]),
        ("round4", [("FIN", 0.916, 0.967), ("MED", 0.856, 0.881), ("PHI", 0.847, 0.995), ("REL", 0.995, 0.963), ("SO", 0.995, 0.995)]),
        ("round5", [("FIN", 0.995, 0.995), ("MED", 0.901, 0.901), ("PHI", 0.964, 0.995), ("REL", 0.962, 0.901), ("SO", 0.995, 0.995)]),
        ("round6", [("FIN", 0.966, 0.939), ("MED", 0.961, 0.819), ("PHI", 0.958, 0.834), ("REL", 0.964, 0.995), ("SO", 0.995, 0.995)]),
        ("round7", [("FIN", 0.995, 0.967), ("MED", 0.874, 0.801), ("PHI", 0.995, 0.961), ("REL", 0.995, 0.932), ("SO", 0.995, 0.965)]),
        ("round8", [("FIN", 0.966, 0.938), ("MED", 0.895, 0.995), ("PHI", 0.88, 0.816), ("REL", 0.961, 0.928), ("SO", 0.995, 0.995)]),
        ("round9", [("FIN", 0.995, 0.938), ("MED", 0.963, 0.877), ("PHI", 0.952, 0.841), ("REL", 0.995, 0.963), ("SO", 0.995, 0.964)]),
        ("round10", [("FIN", 0.931, 0.973), ("MED", 0.933, 0.88), ("PHI", 0.936, 0.995), ("REL", 0.995, 0.957), ("SO", 0.995, 0.995)]),
    ];
    unseen_above(&floors, true);
    let p = model_processor();
    let mut flagged = Vec::new();
    for round in 1..=10 {
        for kind in ["typed", "voice"] {
            for (id, _, input, expect, _) in crate::written::cases_in(&format!("unseen/round{round}/{kind}")) {
                let by_model = common::commands(&p, &input, 1).iter().any(|c| c.findings.iter().any(|f| f.detector == piiguard::scanner::Detector::CategoryModel));
                if expect == "none" && by_model {
                    flagged.push(id);
                }
            }
        }
    }
    println!("events with no identifier the learned scorer flags: {flagged:?}");
    // 8 of the 842 such events of rounds 1 to 10 today (7 of 762 before the scorer was trained on
    // round 10): a health-plan member ID said to a member-ID prompt (PHI by the category labels, so
    // not an error), an insurance claim note, a claim number under a claim key and two said aloud,
    // a refused SSN, a 401(k) plan ID, an expired licence.
    assert!(flagged.len() <= 8, "{flagged:?}");
}

type Floors = [(&'static str, f64, f64); 5];

/// A processor whose policy counts the learned scorer's findings, with the scorer on.
fn model_processor() -> piiguard::process::Processor {
    let mut p = common::processor();
    p.scanner = piiguard::scanner::ScannerBuilder::new().category_model(true).build().expect("scanner builds");
    for c in p.policy.categories.all_mut() {
        c.evidence.push(piiguard::scanner::CategoryEvidence::Model);
    }
    p
}

fn unseen_above(floors: &[(&str, Floors)], model: bool) {
    for (round, per) in floors {
        let dir = format!("{}/tests/corpus/unseen/{round}/categories", env!("CARGO_MANIFEST_DIR"));
        let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
        paths.sort();
        let cases: Vec<Case> = paths.iter().flat_map(|p| toml::from_str::<File>(&std::fs::read_to_string(p).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", p.display())).case).collect();
        assert!(cases.len() >= 200, "{round}: {} cases", cases.len());
        let p = if model { model_processor() } else { common::processor() };
        let t = measure_processor(p, &cases, piiguard::policy::Negated::Denials);
        let name = if model { format!("unseen {round} categories, with the learned scorer") } else { format!("unseen {round} categories") };
        for (cat, (pr, r)) in report(&name, &t) {
            let (_, pf, rf) = per.iter().find(|(c, _, _)| *c == cat).copied().unwrap();
            assert!(pr >= pf && r >= rf, "{name} {cat}: precision {pr:.3} (floor {pf}) recall {r:.3} (floor {rf})");
        }
    }
}

/// The shipped model (`data/categories/model.tsv`) is what `piiguard::train` makes from the
/// repository's sets: a change to the sets, or to which words the scanner reads, fails here until
/// the model is retrained (`cargo run --release --example train_category_model`).
#[test]
fn the_shipped_model_is_what_the_trainer_makes_from_the_sets() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = std::fs::read_to_string(root.join("data/categories/model.tsv")).unwrap();
    let made = piiguard::train::bundled_model_text(root, &piiguard::scanner::ScannerBuilder::new().build().unwrap()).unwrap();
    let differ = shipped.lines().zip(made.lines()).filter(|(a, b)| a != b).count() + shipped.lines().count().abs_diff(made.lines().count());
    assert!(
        differ == 0,
        "data/categories/model.tsv differs from what the trainer makes in {differ} lines: retrain with `cargo run --release --example train_category_model`"
    );
}
