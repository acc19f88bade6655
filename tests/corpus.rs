//! The regression corpus: `tests/corpus/*.toml`, one case per known false positive or negative,
//! including the known failures of other tools' detectors (VRL's SSN serial check, timestamps read as cards …).
//!
//! A case is `{name, input, kinds, reason, see}`: `input` is text (scanned as the value of a `body`
//! field) or, with `json = true`, a whole record; `kinds` lists the finding kinds in order; `reason`
//! is the expected command reason or "none".

use serde::Deserialize;

use crate::common;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    input: String,
    #[serde(default)]
    json: bool,
    kinds: Vec<String>,
    reason: String,
    #[allow(dead_code)]
    see: Option<String>,
}

#[derive(Deserialize)]
struct File {
    case: Vec<Case>,
}

#[test]
fn corpus() {
    let p = common::processor();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut n = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries.into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        let file: File = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for c in file.case {
            n += 1;
            let record = if c.json { c.input.clone() } else { serde_json::json!({ "body": c.input }).to_string() };
            let out = p.process(record.as_bytes(), &piiguard::commands::Source::File { file: "c".into(), line: 1 }, piiguard::commands::Mode::Scan);
            let scan = p.scanner.scan_record(record.as_bytes(), &p.fingerprinter);
            let kinds: Vec<String> = scan.events.iter().flat_map(|e| &e.findings).map(|f| f.kind.as_str().to_string()).collect();
            let reason = out.commands.first().map_or("none", |c| c.reason.as_str());
            if kinds != c.kinds || reason != c.reason {
                failures.push(format!("{}: {}: kinds {kinds:?} (want {:?}), reason {reason} (want {})", path.display(), c.name, c.kinds, c.reason));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {n} corpus cases failed:\n{}", failures.len(), failures.join("\n"));
    assert!(n >= 40, "corpus has only {n} cases");
}
