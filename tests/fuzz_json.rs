//! Structure-aware property tests of the JSON walker and the scanner: nested objects and arrays,
//! sensitive keys, numbers, escapes (`\uXXXX`, surrogate pairs), JSON embedded in strings, deep
//! nesting past the limit, huge strings, and invalid UTF-8 at every position of a record. Every
//! finding's path (with `#N` segments and `inner_path`) must name the string it was found in, and
//! its span must lie on that string's character boundaries.
//!
//! `PIIGUARD_FUZZ_CASES` raises the number of cases for a long run on demand (`scripts/fuzz.sh`);
//! a failing case's seed is kept in `tests/fuzz_json.regressions` (or `tests/fuzz.regressions`)
//! and replayed first on every later run: commit the file.

use piiguard::commands::{Mode, Source};
use piiguard::scanner::json::RecordError;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::Value;

use crate::common;

/// The property tests' settings: `default` cases, or `PIIGUARD_FUZZ_CASES` when set; a failing
/// case's seed is kept in `tests/<file>.regressions` and replayed first on every later run.
pub(crate) fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PIIGUARD_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig { cases, failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))), ..ProptestConfig::default() }
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("Jane Doe ".to_string()),
            Just("SSN 123-45-6789 ".to_string()),
            Just("card 4111 1111 1111 1111 ".to_string()),
            Just("acct 000123456789 ".to_string()),
            Just("é😀 ".to_string()),
            Just("\"\\/\u{0}\u{1f}\n\t ".to_string()),
            "[a-zA-Z0-9 .,:/#~'\\-]{0,10}",
            "\\PC{0,3}",
        ],
        0..6,
    )
    .prop_map(|v| v.concat())
}

fn key() -> impl Strategy<Value = String> {
    // Keys that are sensitive themselves (written as `#N` in paths), and plain ones with the
    // pointer's escapes (`~`, `/`). None starts with `#`, which a path would read as a position.
    prop_oneof![Just("123-45-6789".to_string()), Just("Jane Doe".to_string()), Just("a/b~c".to_string()), "[a-z_]{1,8}"]
}

/// A JSON value: objects, arrays, numbers (an SSN-like one too) and strings, some of which hold
/// JSON themselves.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        text().prop_map(Value::String),
        Just(Value::from(123_456_789u64)),
        any::<i32>().prop_map(Value::from),
        Just(Value::Null),
        Just(Value::Bool(true)),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((key(), inner.clone()), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
            // JSON embedded in a string, as Flex Insights and task attributes carry it.
            inner.prop_map(|v| Value::String(v.to_string())),
        ]
    })
}

/// Every non-ASCII character as a `\uXXXX` escape (surrogate pairs above the BMP). Non-ASCII
/// occurs only inside strings in JSON text, so the value is unchanged.
fn escape_non_ascii(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// The string a finding's pointer names in `v`: a value, or the key itself (`in_key`); `#N` is the
/// N-th key of its object.
fn resolve(v: &Value, path: &str, in_key: bool) -> Option<String> {
    let segs: Vec<String> = if path.is_empty() { Vec::new() } else { path.strip_prefix('/')?.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect() };
    let mut cur = v;
    for (i, seg) in segs.iter().enumerate() {
        match cur {
            Value::Object(m) => {
                let (k, next) = match seg.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
                    Some(n) => m.iter().nth(n)?,
                    None => m.get_key_value(seg.as_str())?,
                };
                if in_key && i + 1 == segs.len() {
                    return Some(k.clone());
                }
                cur = next;
            }
            Value::Array(a) => cur = a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        }
    }
    match cur {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The string a finding lies in: its path, then each inner path into the JSON held there.
fn located(v: &Value, f: &piiguard::scanner::json::Finding) -> Option<String> {
    let mut s = resolve(v, &f.path, f.in_key && f.inner_path.is_empty())?;
    for (i, inner) in f.inner_path.iter().enumerate() {
        let embedded: Value = serde_json::from_str(&s).ok()?;
        s = resolve(&embedded, inner, f.in_key && i + 1 == f.inner_path.len())?;
    }
    Some(s)
}

fn check_spans(s: &str, start: usize, end: usize, byte_start: usize, byte_end: usize) -> Result<(), TestCaseError> {
    prop_assert!(byte_start < byte_end && byte_end <= s.len(), "{byte_start}..{byte_end} of {}", s.len());
    prop_assert!(s.is_char_boundary(byte_start) && s.is_char_boundary(byte_end));
    prop_assert_eq!(s[..byte_start].chars().count(), start);
    prop_assert_eq!(s[..byte_end].chars().count(), end);
    Ok(())
}

proptest! {
    #![proptest_config(config(1500))]

    #[test]
    fn every_path_names_the_string_its_span_lies_in(v in value(), escaped in any::<bool>()) {
        let json = if escaped { escape_non_ascii(&v.to_string()) } else { v.to_string() };
        let p = common::processor();
        let scan = p.scanner.scan_record(json.as_bytes(), &p.fingerprinter);
        if scan.error.is_some() {
            // Only nesting past the limit (strings in strings count) may stop the walker.
            prop_assert_eq!(scan.error, Some(RecordError::TooDeep));
            return Ok(());
        }
        for f in scan.events.iter().flat_map(|e| &e.findings) {
            let s = located(&v, f);
            prop_assert!(s.is_some(), "path {:?} inner {:?} in_key {} names no string in {}", f.path, f.inner_path, f.in_key, json);
            let s = s.unwrap();
            check_spans(&s, f.start, f.end, f.byte_start, f.byte_end)?;
        }
        // And the whole pipeline on it: commands serialise, spans stay inside the record.
        let out = p.process(json.as_bytes(), &Source::File { file: "f".into(), line: 1 }, Mode::Scan);
        prop_assert!(out.error.is_none());
    }

    #[test]
    fn nesting_at_any_depth_is_walked_or_refused_and_the_number_still_found(depth in 0usize..400, objects in any::<bool>()) {
        let mut json = String::from("\"Jane Doe SSN 123-45-6789\"");
        for _ in 0..depth {
            json = if objects { format!("{{\"k\":{json}}}") } else { format!("[{json}]") };
        }
        let p = common::processor();
        let scan = p.scanner.scan_record(json.as_bytes(), &p.fingerprinter);
        let findings: Vec<_> = scan.events.iter().flat_map(|e| &e.findings).collect();
        prop_assert!(findings.iter().any(|f| f.kind == piiguard::scanner::Kind::Ssn), "depth {depth}: {:?}", scan.error);
        if scan.error.is_none() {
            let v: Value = serde_json::from_str(&json).unwrap();
            for f in findings {
                let s = located(&v, f).unwrap();
                check_spans(&s, f.start, f.end, f.byte_start, f.byte_end)?;
            }
        } else {
            prop_assert_eq!(scan.error, Some(RecordError::TooDeep));
        }
    }
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn a_number_in_a_huge_string_is_found_at_its_span(before in 0usize..300_000, after in 0usize..100_000, wide in any::<bool>()) {
        let filler = |n: usize| if wide { "é ab ".repeat(n / 6) } else { "ab cd ".repeat(n / 6) };
        let s = format!("{}SSN 123-45-6789 {}", filler(before), filler(after));
        let at = s.find("123-45-6789").unwrap();
        let json = serde_json::json!({ "body": s }).to_string();
        let p = common::processor();
        let scan = p.scanner.scan_record(json.as_bytes(), &p.fingerprinter);
        prop_assert_eq!(scan.error, None);
        let f = scan.events[0].findings.iter().find(|f| f.kind == piiguard::scanner::Kind::Ssn);
        prop_assert!(f.is_some());
        let f = f.unwrap();
        prop_assert_eq!((f.byte_start, f.byte_end), (at, at + 11));
        check_spans(&s, f.start, f.end, f.byte_start, f.byte_end)?;
    }
}

/// Invalid UTF-8 inserted at, or written over, every byte of a record: never a panic, and every
/// span reported lies inside the record.
#[test]
fn invalid_utf8_at_every_position() {
    let base = r#"{"a":"Jane Doe SSN 123-45-6789","b":["é",{"c":"card 4111 1111 1111 1111","d":"{\"e\":\"acct 000123456789\"}"}]}"#.as_bytes();
    let p = common::processor();
    let src = Source::File { file: "f".into(), line: 1 };
    let mut records = 0;
    for i in 0..=base.len() {
        for bad in [0xffu8, 0xc3, 0x80, 0xed] {
            let mut inserted = base.to_vec();
            inserted.insert(i, bad);
            let mut written = base.to_vec();
            if i < base.len() {
                written[i] = bad;
            }
            for r in [inserted, written] {
                let out = p.process(&r, &src, Mode::Scan);
                assert_ne!(out.error, Some(RecordError::ScanPanic), "{i} {bad:#x}");
                for c in &out.commands {
                    for f in &c.findings {
                        assert!(f.byte_start < f.byte_end && f.byte_end <= r.len(), "{i} {bad:#x}");
                    }
                }
                records += 1;
            }
        }
    }
    assert!(records > 900, "{records}");
}
