//! The hand-written category corpus (`tests/corpus/categories/*.toml`): events in real Twilio shapes,
//! each with the categories it discloses (`MED`, `PHI`, `REL`, `SO`, `FIN`) or none, written by hand
//! with a reason by authors who had not read the detector (see the corpus README).
//!
//! The category detectors are the next step of the category issue; until they land, this checks the
//! corpus itself: its size and spread (at least 400 events, every category disclosed at least 35
//! times, about half hard negatives), unique ids, known labels, a reason for every case, and that the
//! scanner reads every event as JSON (a malformed case would measure nothing).

use std::collections::BTreeMap;

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

fn cases() -> Vec<Case> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/categories");
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
    paths.sort();
    paths.iter().flat_map(|p| toml::from_str::<File>(&std::fs::read_to_string(p).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", p.display())).case).collect()
}

#[test]
fn category_corpus_is_well_formed_and_read_as_json() {
    let cases = cases();
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
    println!("category corpus: {} events, {negatives} with no disclosure, disclosures per category {per_category:?}", cases.len());
    assert!(cases.len() >= 400, "{} events", cases.len());
    assert!(CATEGORIES.iter().all(|k| per_category.get(k).copied().unwrap_or(0) >= 35), "{per_category:?}");
    assert!((cases.len() * 2 / 5..=cases.len() * 3 / 5).contains(&negatives), "{negatives} negatives of {}", cases.len());
}
