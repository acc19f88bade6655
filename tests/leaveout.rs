//! Leave-out folds: the detector's recall on names it has never seen.
//!
//! Each fold removes a seeded 30 % of the bundled first names and surnames from the scanner's lists
//! (and so from the name score learned from them, see `scanner::names::lists`), then generates events
//! whose names come only from the removed part. Names that are also everyday English words are left
//! out of the pool, as the generator's other sources leave them out: a pair of such words is a name
//! only after a cue, and the text templates already cover cues. 4 folds × 5,000 events.

use piiguard::fingerprint::Fingerprinter;
use piiguard::generate::Generator;
use piiguard::policy::{Policy, Reason};
use piiguard::process::Processor;
use piiguard::scanner::names::NameLists;
use piiguard::scanner::ScannerBuilder;

use crate::common;

/// Deterministic 64-bit mix of a name and the fold seed (SplitMix64 over FNV-1a).
fn bucket(name: &str, seed: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (h ^ (h >> 31)) % 100
}

fn split(list: &str, seed: u64, common: &std::collections::HashSet<&str>) -> (String, Vec<String>) {
    let mut kept = String::new();
    let mut removed = Vec::new();
    for n in list.lines().filter(|l| !l.is_empty()) {
        if bucket(n, seed) < 30 {
            // Latin-script names only: the generator writes them into English templates.
            if n.chars().all(|c| c.is_alphabetic() && (c.is_ascii() || ('\u{c0}'..='\u{24f}').contains(&c))) && !common.contains(n.to_lowercase().as_str()) {
                removed.push(n.to_string());
            }
        } else {
            kept.push_str(n);
            kept.push('\n');
        }
    }
    (kept, removed)
}

#[test]
fn names_removed_from_the_lists_are_still_found() {
    let (first, last, words) = NameLists::bundled_text();
    let common: std::collections::HashSet<&str> = words.lines().collect();
    let (mut tp, mut fp, mut fneg, mut total) = (0u32, 0u32, 0u32, 0u32);
    for fold in 0..4u64 {
        let seed = 0x9e37_79b9 + fold;
        let (kept_first, removed_first) = split(first, seed, &common);
        let (kept_last, removed_last) = split(last, seed ^ 0x55, &common);
        let p = Processor {
            scanner: ScannerBuilder::new().names(NameLists::new(&kept_first, &kept_last, words)).build().unwrap(),
            policy: Policy::default(),
            fingerprinter: Fingerprinter::new(&[0x5a; 32]).unwrap(),
            max_record_bytes: 1 << 20,
        };
        let (mut ftp, mut ffp, mut ffn) = (0u32, 0u32, 0u32);
        for g in Generator::with_names(fold + 100, removed_first, removed_last).take(5_000) {
            let got = common::commands(&p, &g.line, g.label.line).iter().any(|c| c.reason == Reason::ProhibitedCombination);
            match (g.label.expect == Some(Reason::ProhibitedCombination), got) {
                (true, true) => ftp += 1,
                (false, true) => ffp += 1,
                (true, false) => ffn += 1,
                _ => {}
            }
            total += 1;
        }
        println!(
            "fold {fold}: prohibited_combination precision {:.4} recall {:.4} ({ftp} tp, {ffp} fp, {ffn} fn)",
            f64::from(ftp) / f64::from((ftp + ffp).max(1)),
            f64::from(ftp) / f64::from((ftp + ffn).max(1))
        );
        tp += ftp;
        fp += ffp;
        fneg += ffn;
    }
    let precision = f64::from(tp) / f64::from(tp + fp);
    let recall = f64::from(tp) / f64::from(tp + fneg);
    println!("leave-out, {total} events over 4 folds: precision {precision:.4} recall {recall:.4}");
    assert!(total >= 20_000);
    assert!(recall >= 0.97 && precision >= 0.99, "precision {precision:.4} recall {recall:.4}");
}
