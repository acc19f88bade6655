//! Property tests: the scanner never panics, whatever the input, and every span it reports lies on
//! character boundaries inside the string it names.

use piiguard::commands::{Mode, Source};
use piiguard::scanner::json::RecordError;
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
        // The processor catches a panic (fail closed); here it is a failure.
        prop_assert_ne!(out.error, Some(RecordError::ScanPanic));
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

/// A long run of one non-ASCII script (emoji with ZWJ, skin tones and flags, CJK, Hangul, Devanagari,
/// Arabic with RTL marks, combining marks, no-break, thin and zero-width spaces, full-width digits),
/// 0 to 400 bytes: what puts a detector's "N bytes back" inside a character.
fn run_of_script() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("🙏"), Just("👨\u{200d}👩\u{200d}👧"), Just("👍🏽"), Just("🇺🇸"), Just("你好"), Just("안녕"), Just("नमस्ते"),
        Just("\u{200f}مرحبا"), Just("e\u{301}"), Just("\u{a0}"), Just("\u{2009}"), Just("\u{200b}"), Just("１２"), Just("ß"),
        Just("\u{fffd}"), Just(" "),
    ];
    (pieces, 0usize..120, "\\PC{0,3}").prop_map(|(p, n, tail)| {
        let mut s = p.repeat(n);
        while s.len() > 400 {
            s.pop();
        }
        s + &tail
    })
}

/// Cue words, names, identifiers and category words: what the detectors count back from.
fn cue() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("I am Muslim. John Smith, SSN 536-22-1874"),
        Just("this is maria gonzalez my card is 4111 1111 1111 1111"),
        Just("diagnosed with diabetes, dx code E11.9, npi 1234567893"),
        Just("my name is Ana Lima, dl WDL12345678, routing 021000021 acct 123456789"),
        Just("I filed for bankruptcy, my credit score is 540"),
        Just("I'm gay and my wife and I both"),
        Just("religion: Catholic. Doe, Jane."),
        Just("Agent: the number? Customer: five three six two two one eight seven four"),
        Just("member id: W283741965 medicare number 1EG4-TE5-MK73"),
        Just("Mr. "),
        Just("ssn "),
        Just("his name was "),
        Just("nh license 09TRS41882 NJ A1234 56789 01234"),
        Just("iban gb82-west-1234-5698-7654-32 NO93  8601  1117  947"),
        Just("card 4111_1111_1111_1111 at Ruby Tuesday "),
        Just("אני "),
        Just("मैं "),
        Just("ssn 123456780r.castellanos"),
    ]
    .prop_map(str::to_owned)
}

proptest! {
    #![proptest_config(crate::fuzz_json::config(2000))]

    /// Long runs of other scripts before (and between) cues, names and category words, in a body, in
    /// speech and in a name field: the scanner never fails, and every span lies on the string's
    /// character boundaries.
    #[test]
    fn long_non_ascii_runs_before_cues_never_fail_the_scanner(parts in proptest::collection::vec((run_of_script(), cue()), 1..4), name in run_of_script()) {
        let p = common::processor();
        let body: String = parts.iter().map(|(r, c)| format!("{r}{c}")).collect();
        for record in [
            serde_json::json!({"Body": body, "ProfileName": name}),
            serde_json::json!({"SpeechResult": body, "CallerName": format!("{name} Smith")}),
            serde_json::json!({"attributes": serde_json::json!({"customerName": name, "notes": body}).to_string()}),
        ] {
            let record = record.to_string();
            let out = p.process(record.as_bytes(), &Source::File { file: "f".into(), line: 1 }, Mode::Scan);
            prop_assert_ne!(out.error, Some(RecordError::ScanPanic));
            let scan = p.scanner.scan_record(record.as_bytes(), &p.fingerprinter);
            for f in scan.events.iter().flat_map(|e| &e.findings) {
                let s = match f.path.as_str() {
                    "/Body" | "/SpeechResult" | "/attributes" if f.inner_path.last().is_some_and(|k| k.ends_with("notes")) || f.inner_path.is_empty() => body.clone(),
                    "/ProfileName" => name.clone(),
                    "/CallerName" => format!("{name} Smith"),
                    "/attributes" => name.clone(),
                    other => panic!("a finding at {other}"),
                };
                prop_assert!(s.is_char_boundary(f.byte_start) && s.is_char_boundary(f.byte_end) && f.byte_start < f.byte_end, "{} {}..{}", f.path, f.byte_start, f.byte_end);
            }
        }
    }
}

proptest! {
    #![proptest_config(crate::fuzz_json::config(1000))]

    /// With the learned category scorer on (opt-in), any text, in plain, embedded and broken
    /// embedded JSON, is scanned without a panic, and every span lies on character boundaries in
    /// the string its path names (a scorer finding covers its whole string).
    #[test]
    fn the_learned_scorer_never_fails_the_scanner(texts in proptest::collection::vec(strings(), 1..4), words in proptest::collection::vec(prop_oneof![
        Just("I filed for bankruptcy "), Just("my wife and I "), Just("diabetes "), Just("we go to mass "), Just("ÉCOLE "), Just("मेरी पत्नी "), Just("{broken json "),
    ], 0..6)) {
        let mut p = common::processor();
        p.scanner = piiguard::scanner::ScannerBuilder::new().category_model(true).build().unwrap();
        for c in [&mut p.policy.categories.med, &mut p.policy.categories.rel, &mut p.policy.categories.so, &mut p.policy.categories.fin] {
            c.evidence.push(piiguard::scanner::CategoryEvidence::Model);
        }
        let mut texts = texts;
        texts.push(words.concat());
        // One field holds the others as embedded JSON, and one a string that only looks like it.
        let mut obj = serde_json::Map::new();
        for (i, t) in texts.iter().enumerate() {
            obj.insert(format!("f{i}"), Value::String(t.clone()));
        }
        let inner = Value::Object(obj.clone()).to_string();
        let record = serde_json::json!({"top": obj, "attrs": inner, "note": format!("{{{}}}", words.concat())}).to_string();
        let out = p.process(record.as_bytes(), &Source::File { file: "f".into(), line: 1 }, Mode::Scan);
        prop_assert_ne!(out.error, Some(RecordError::ScanPanic));
        let scan = p.scanner.scan_record(record.as_bytes(), &p.fingerprinter);
        prop_assert_eq!(scan.error, None);
        for f in scan.events.iter().flat_map(|e| &e.findings) {
            let Some(i) = f.path.strip_prefix("/top/f").or_else(|| f.inner_path.first().and_then(|p| p.strip_prefix("/f"))) else { continue };
            let s = &texts[i.parse::<usize>().unwrap()];
            prop_assert!(s.is_char_boundary(f.byte_start) && s.is_char_boundary(f.byte_end) && f.byte_start < f.byte_end);
            prop_assert_eq!(s[..f.byte_end].chars().count(), f.end);
        }
    }
}
