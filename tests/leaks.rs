//! The issue's end-to-end check: `piiguard scan` of 100,000 generated events writes commands that
//! all validate against the schema, and no planted value (exact, or digits only) appears in the
//! commands or on stderr, including for bad lines that hold PII.

use std::io::Write;
use std::process::{Command, Stdio};

use aho_corasick::AhoCorasick;
use piiguard::generate::Generator;
use serde_json::Value;

use crate::common::{hex_decoded, needles, without_hex};

#[test]
fn scan_of_100k_events_is_schema_valid_and_leaks_nothing() {
    let gens: Vec<_> = Generator::new(5).take(100_000).collect();
    let mut input = String::new();
    for g in &gens {
        input.push_str(&g.line);
        input.push('\n');
    }
    // Bad lines holding PII: their content must not be echoed anywhere.
    input.push_str("{\"body\": \"SSN 123-45-6789 Jane Doe\" garbage\n");
    input.push_str("not json at all, card 4111 1111 1111 1111\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_piiguard"))
        .args(["scan", "--exit-zero", "-"])
        .env("PIIGUARD_HMAC_KEY", "ab".repeat(32))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();

    // Every command validates.
    let schema: Value = serde_json::from_str(include_str!("../schemas/command.v1.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut commands = 0;
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(validator.is_valid(&v), "invalid command: {:?}", validator.iter_errors(&v).map(|e| e.to_string()).collect::<Vec<_>>());
        commands += 1;
    }
    let expected = gens.iter().filter(|g| g.label.expect.is_some()).count() + 2;
    assert_eq!(commands, expected, "one command per event that needs action");
    println!("scan of 100,000 generated events: {commands} schema-valid commands");

    // No planted value anywhere.
    let mut all: Vec<String> = gens.iter().flat_map(|g| needles(&g.secrets)).collect();
    all.extend(["123-45-6789", "123456789", "Jane Doe", "4111 1111 1111 1111", "4111111111111111"].map(String::from));
    all.sort();
    all.dedup();
    let ac = AhoCorasick::new(&all).unwrap();
    assert!(ac.find(&stderr).is_none(), "stderr leaks a planted value");
    // Hex tokens are searched decoded (a value copied as hex), not as they stand.
    let leak = ac.find(&without_hex(&stdout)).or_else(|| ac.find(&hex_decoded(&stdout)));
    assert!(leak.is_none(), "a command leaks a planted value (needle #{})", leak.map_or(0, |m| m.pattern().as_usize()));
    println!("leak sweep: {} planted values, 0 found in commands or stderr", all.len());
}

#[test]
fn an_ssn_read_as_words_appears_in_no_output_in_either_form() {
    // The SSN 529-84-1746 read over two sentences, the cue in the agent's question; the name in a
    // participant field. Neither the words nor the digits may come back, whole or in part.
    let event = r#"{"transcript": {"sid": "GT0123456789abcdef0123456789abcdef", "channel": {"participants": [{"channel_participant": 2, "role": "Customer", "full_name": "Odalys Brennecke"}]}}, "sentences": [{"media_channel": 1, "sentence_index": 0, "transcript": "Can I get your social?", "sid": "GX00000000000000000000000000000001"}, {"media_channel": 2, "sentence_index": 1, "transcript": "It's five twenty nine, eighty four.", "sid": "GX00000000000000000000000000000002"}, {"media_channel": 1, "sentence_index": 2, "transcript": "Okay.", "sid": "GX00000000000000000000000000000003"}, {"media_channel": 2, "sentence_index": 3, "transcript": "Seventeen forty six.", "sid": "GX00000000000000000000000000000004"}]}"#;
    let mut child = Command::new(env!("CARGO_BIN_EXE_piiguard"))
        .args(["scan", "--exit-zero", "-"])
        .env("PIIGUARD_HMAC_KEY", "cd".repeat(32))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child.stdin.take().unwrap().write_all(format!("{event}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let cmd: Value = serde_json::from_str(stdout.lines().next().expect("one command")).unwrap();
    assert_eq!(cmd["reason"], "prohibited_combination");
    let ssn = cmd["findings"].as_array().unwrap().iter().find(|f| f["kind"] == "ssn").expect("the SSN is found");
    assert_eq!(ssn["path"], "/sentences/1/transcript");
    assert_eq!(ssn["continued"][0]["path"], "/sentences/3/transcript");
    assert_eq!(ssn["continued"][0]["sentence_sid"], "GX00000000000000000000000000000004");
    let needles = ["529841746", "529-84-1746", "529 84 1746", "1746", "five twenty nine", "eighty four", "seventeen forty six", "Seventeen", "Odalys", "Brennecke"];
    for n in needles {
        assert!(!without_hex(&stdout).contains(n) && !hex_decoded(&stdout).contains(n) && !stderr.contains(n), "{n:?} leaks");
    }
}
