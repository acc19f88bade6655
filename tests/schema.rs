//! Real `scan` output validates against `schemas/command.v1.schema.json`.

use piiguard::commands::{Mode, Source};
use piiguard::generate::Generator;
use piiguard::process::Processor;
use piiguard::scanner::ScannerBuilder;
use serde_json::Value;

use crate::common;

pub(crate) fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("../schemas/command.v1.schema.json")).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

pub(crate) fn check(v: &jsonschema::Validator, cmd: &Value) {
    let errors: Vec<String> = v.iter_errors(cmd).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}\n{cmd}");
}

#[test]
fn generated_commands_are_valid() {
    let v = validator();
    let p = common::processor();
    let preview = Processor { scanner: ScannerBuilder::new().masked_preview(true).build().unwrap(), ..common::processor() };
    let mut n = 0;
    for (i, g) in Generator::new(11).take(3000).enumerate() {
        let proc = if i % 2 == 0 { &p } else { &preview };
        for c in common::commands(proc, &g.line, i as u64 + 1) {
            check(&v, &serde_json::to_value(&c).unwrap());
            n += 1;
        }
    }
    assert!(n > 500, "only {n} commands");
}

#[test]
fn kafka_sources_unparsed_records_and_keys_are_valid() {
    let v = validator();
    let p = common::processor();
    let src = Source::Kafka { topic: "events".into(), partition: 3, offset: 42, key_hmac: Some("0123456789abcdef0123456789abcdef".into()), timestamp: Some(1_700_000_000_000) };
    // An event with more SIDs than a command lists (sids_truncated).
    let many = format!(r#"{{"CallSid":"CA{}","body":"Jane Doe SSN 123-45-6789","calls":[{}]}}"#, "0".repeat(32), (1..100).map(|i| format!("\"CA{i:032x}\"")).collect::<Vec<_>>().join(","));
    let out = p.process(many.as_bytes(), &src, Mode::Live);
    let c = serde_json::to_value(&out.commands[0]).unwrap();
    assert_eq!(c["resource"]["sids_truncated"], true);
    check(&v, &c);
    // The parts of a command too large for its topic.
    let notes: Vec<String> = (0..100).map(|i| format!("\"Jane Doe SSN 123-45-{:04}\"", 1000 + i)).collect();
    let big = format!(r#"{{"CallSid":"CA{}","notes":[{}]}}"#, "0".repeat(32), notes.join(","));
    let whole = p.process(big.as_bytes(), &src, Mode::Live).commands.remove(0);
    let parts = piiguard::commands::split(whole, 8_000);
    assert!(parts.len() > 2, "{} parts", parts.len());
    for part in parts {
        check(&v, &serde_json::to_value(&part).unwrap());
    }
    let inputs: [&[u8]; 4] = [
        br#"{"body":"SSN 123-45-6789" "#,
        b"\xff\xfe Jane Doe SSN 123-45-6789",
        br#"{"123-45-6789":"Jane Doe","n":"x","n":"card 4111111111111111"}"#,
        br#"[{"id":"EZ1","type":"t","data":{"body":"Jane Doe, acct 000123456789 PIN 1234"}}]"#,
    ];
    for input in inputs {
        let out = p.process(input, &src, Mode::Live);
        assert!(!out.commands.is_empty());
        for c in out.commands {
            check(&v, &serde_json::to_value(&c).unwrap());
        }
    }
}

#[test]
fn hand_written_and_voice_commands_are_valid() {
    let v = validator();
    let p = common::processor();
    let mut n = 0;
    let mut continued = 0;
    for (_, _, input, _, _) in crate::written::cases_in("written").into_iter().chain(crate::written::cases_in("voice")) {
        let out = p.process(input.as_bytes(), &Source::File { file: "w".into(), line: 1 }, Mode::Scan);
        for c in out.commands {
            let value = serde_json::to_value(&c).unwrap();
            continued += value["findings"].as_array().unwrap().iter().filter(|f| f.get("continued").is_some()).count();
            check(&v, &value);
            n += 1;
        }
    }
    assert!(n > 300 && continued > 0, "{n} commands, {continued} findings over several sentences");
}

#[test]
fn the_schema_lists_every_kind_the_taxonomy_has() {
    // The taxonomy is open (consumers accept values they do not know), so the schema lists the known
    // kinds in its description: keep that list true.
    let schema: Value = serde_json::from_str(include_str!("../schemas/command.v1.schema.json")).unwrap();
    let text = schema["$defs"]["finding"]["properties"]["kind"]["description"].as_str().unwrap();
    let known = text.split("Known values: ").nth(1).and_then(|t| t.split('.').next()).unwrap();
    let listed: Vec<&str> = known.split(", ").collect();
    let kinds: Vec<&str> = piiguard::scanner::KINDS.iter().map(|k| k.name).collect();
    assert_eq!(listed, kinds);
    assert!(schema["description"].as_str().unwrap().contains("Version policy"));
}
