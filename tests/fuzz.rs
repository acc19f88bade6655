//! Property tests: the scanner never panics, whatever the input, and every span it reports lies on
//! character boundaries inside the string it names (reliability.md F7; style.md §8).

use piiguard::commands::{Mode, Source};
use proptest::prelude::*;
use serde_json::Value;

use crate::common;

fn strings() -> impl Strategy<Value = String> {
    // Mix plain text, digits, separators, capitals and non-ASCII so detectors actually fire.
    proptest::collection::vec(
        prop_oneof![
            Just("SSN 123-45-6789 ".to_string()),
            Just("Jane Doe ".to_string()),
            Just("4111 1111 1111 1111 ".to_string()),
            Just("acct 000123456789 ".to_string()),
            Just("é ".to_string()),
            "[a-zA-Z0-9 .,:/#'\"\\-]{0,12}",
            "\\PC{0,4}",
        ],
        0..8,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let p = common::processor();
        let out = p.process(&bytes, &Source::File { file: "f".into(), line: 1 }, Mode::Scan);
        for c in out.commands {
            for f in c.findings {
                prop_assert!(f.byte_start < f.byte_end && f.byte_end <= bytes.len());
            }
        }
    }

    #[test]
    fn spans_lie_on_character_boundaries(texts in proptest::collection::vec(strings(), 1..4)) {
        let p = common::processor();
        let mut obj = serde_json::Map::new();
        for (i, t) in texts.iter().enumerate() {
            obj.insert(format!("f{i}"), Value::String(t.clone()));
        }
        let record = Value::Object(obj).to_string();
        let scan = p.scanner.scan_record(record.as_bytes(), &p.fingerprinter);
        prop_assert_eq!(scan.error, None);
        for f in scan.events.iter().flat_map(|e| &e.findings) {
            let i: usize = f.path[2..].parse().unwrap();
            let s = &texts[i];
            prop_assert!(s.is_char_boundary(f.byte_start) && s.is_char_boundary(f.byte_end) && f.byte_start < f.byte_end);
            prop_assert_eq!(s[..f.byte_start].chars().count(), f.start);
            prop_assert_eq!(s[..f.byte_end].chars().count(), f.end);
        }
    }
}
