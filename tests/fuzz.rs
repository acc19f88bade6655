//! Property tests: the scanner never panics, whatever the input, and every span it reports lies on
//! character boundaries inside the string it names.

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
    #![proptest_config(crate::fuzz_json::config(2000))]

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

fn spoken() -> impl Strategy<Value = String> {
    // Spoken numbers, fillers, letters, typography and punctuation, so the spoken view, the turn
    // pass and the sentence joins all run.
    proptest::collection::vec(
        prop_oneof![
            Just("four one one one ".to_string()),
            Just("oh ".to_string()),
            Just("double five ".to_string()),
            Just("forty two ".to_string()),
            Just("hundred and ".to_string()),
            Just("cuatro y ".to_string()),
            Just("D as in David ".to_string()),
            Just("my social is ".to_string()),
            Just("card number? ".to_string()),
            Just("Agent: ".to_string()),
            Just("4 1 ".to_string()),
            Just("Jane Doe ".to_string()),
            Just(". ".to_string()),
            Just(", ".to_string()),
            Just("\u{a0}１２ ".to_string()),
            "[a-zA-Z0-9 .,:?'\\-]{0,10}",
            "\\PC{0,3}",
        ],
        0..10,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(crate::fuzz_json::config(1000))]

    #[test]
    fn transcript_spans_lie_on_character_boundaries(sentences in proptest::collection::vec((1u8..3, spoken()), 1..6)) {
        let p = common::processor();
        let items: Vec<Value> = sentences
            .iter()
            .enumerate()
            .map(|(i, (ch, t))| serde_json::json!({"media_channel": ch, "sentence_index": i, "transcript": t}))
            .collect();
        let record = serde_json::json!({"sentences": items}).to_string();
        let scan = p.scanner.scan_record(record.as_bytes(), &p.fingerprinter);
        prop_assert_eq!(scan.error, None);
        let text = |path: &str| -> &str {
            let i: usize = path.trim_start_matches("/sentences/").trim_end_matches("/transcript").parse().unwrap();
            &sentences[i].1
        };
        for f in scan.events.iter().flat_map(|e| &e.findings) {
            let s = text(&f.path);
            prop_assert!(s.is_char_boundary(f.byte_start) && s.is_char_boundary(f.byte_end) && f.byte_start < f.byte_end);
            prop_assert_eq!(s[..f.byte_start].chars().count(), f.start);
            prop_assert_eq!(s[..f.byte_end].chars().count(), f.end);
            for c in &f.continued {
                let s = text(&c.path);
                prop_assert!(s.is_char_boundary(c.byte_start) && s.is_char_boundary(c.byte_end) && c.byte_start < c.byte_end);
                prop_assert_eq!(s[..c.byte_end].chars().count(), c.end);
            }
        }
    }
}
