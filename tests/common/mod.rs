//! Helpers shared by the integration tests.

use piiguard::commands::{Command, Mode, Source};
use piiguard::fingerprint::Fingerprinter;
use piiguard::policy::Policy;
use piiguard::process::Processor;
use piiguard::scanner::ScannerBuilder;
use serde_json::Value;

/// A processor with the default policy and a fixed test key (built once; clones share the tables).
pub(crate) fn processor() -> Processor {
    static P: std::sync::OnceLock<Processor> = std::sync::OnceLock::new();
    P.get_or_init(|| Processor {
        scanner: ScannerBuilder::new().build().expect("scanner builds"),
        policy: Policy::default(),
        fingerprinter: Fingerprinter::new(&[0x5a; 32]).expect("key"),
        max_record_bytes: 1 << 20,
    })
    .clone()
}

/// Commands for one line as a `scan` of file "t" would produce.
pub(crate) fn commands(p: &Processor, line: &str, n: u64) -> Vec<Command> {
    p.process(line.as_bytes(), &Source::File { file: "t".into(), line: n }, Mode::Scan).commands
}

fn pointer_mut<'a>(v: &'a mut Value, ptr: &str) -> &'a mut Value {
    v.pointer_mut(ptr).unwrap_or_else(|| panic!("pointer {ptr} not found"))
}

/// Replaces each span a command names with `*` characters, following `path` and `inner_path` into
/// embedded JSON: a reference applier, to prove the spans cover what the scanner finds.
pub(crate) fn apply(event: &str, cmds: &[Command]) -> String {
    let mut v: Value = serde_json::from_str(event).expect("test events are JSON");
    for c in cmds {
        for f in &c.findings {
            let spans: Vec<(usize, usize)> =
                std::iter::once((f.start, f.end)).chain(f.parts.iter().map(|p| (p.start, p.end))).collect();
            redact_at(pointer_mut(&mut v, &f.path), &f.inner_path, &spans);
            // An identifier read over several sentences: every sentence's part.
            for c in &f.continued {
                redact_at(pointer_mut(&mut v, &c.path), &c.inner_path, &[(c.start, c.end)]);
            }
        }
    }
    v.to_string()
}

fn redact_at(v: &mut Value, inner: &[String], spans: &[(usize, usize)]) {
    let Value::String(s) = v else { panic!("findings point at strings") };
    if let Some((first, rest)) = inner.split_first() {
        let mut iv: Value = serde_json::from_str(s).expect("embedded JSON");
        redact_at(pointer_mut(&mut iv, first), rest, spans);
        *s = iv.to_string();
        return;
    }
    let mut chars: Vec<char> = s.chars().collect();
    for &(a, b) in spans {
        for c in &mut chars[a..b] {
            *c = '*';
        }
    }
    *s = chars.into_iter().collect();
}

/// The planted values as sweep needles: each, and its digits alone when there are 6 or more.
pub(crate) fn needles(secrets: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for s in secrets {
        out.push(s.clone());
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 6 {
            out.push(digits);
        }
    }
    out
}

/// Drops hex tokens (fingerprints, command ids, SIDs, hex record keys): a digits-only needle could
/// occur inside one by chance without anything leaking (the hex of ASCII digits is all digits
/// and 3s). A quoted token of digits alone is kept: that is what a leaked value would look like.
pub(crate) fn without_hex(s: &str) -> String {
    without_hex_tokens(s)
}

/// The hex tokens of `s` decoded (each on a line of its own), so that a value written as hex (a
/// copied record key) is still found by a sweep that leaves hex tokens out of the plain text.
pub(crate) fn hex_decoded(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_hexdigit())
        .filter(|t| t.len() >= 8 && t.len() % 2 == 0)
        .filter_map(|t| hex::decode(t).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn without_hex_tokens(s: &str) -> String {
    let hex = |t: &str| {
        (t.len() >= 32 && t.bytes().skip(2).all(|b| b.is_ascii_hexdigit()))
            || (t.len() >= 8 && t.bytes().all(|b| b.is_ascii_hexdigit()) && t.bytes().any(|b| matches!(b, b'a'..=b'f')))
    };
    s.split('"').filter(|t| !hex(t)).collect::<Vec<_>>().join("\"")
}
