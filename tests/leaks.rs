//! No sensitive value reaches a command or the CLI's stderr: every planted value (exact, and digits
//! only) is searched for in the output of a scan of generated events.

use std::io::Write;
use std::process::{Command, Stdio};

use piiguard::generate::Generator;

fn needles(secrets: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for s in secrets {
        out.push(s.clone());
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 6 {
            out.push(digits);
        }
        // The name's last word alone would match ordinary text; the full name must not appear.
    }
    out
}

#[test]
fn planted_values_never_appear_in_commands_or_stderr() {
    let gens: Vec<_> = Generator::new(5).take(5000).collect();
    let mut input = String::new();
    for g in &gens {
        input.push_str(&g.line);
        input.push('\n');
    }
    // A few bad lines holding PII too: their content must not be echoed.
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
    assert!(stdout.lines().count() > 1000);
    let mut all: Vec<String> = gens.iter().flat_map(|g| needles(&g.secrets)).collect();
    all.extend(["123-45-6789", "123456789", "Jane Doe", "4111 1111 1111 1111", "4111111111111111"].map(String::from));
    all.sort();
    all.dedup();
    let mut checked = 0;
    for n in &all {
        // Fingerprints and SIDs are hex: a digits-only needle of 6+ digits could occur inside one by
        // chance, so digits-only needles are checked against text with hex tokens removed.
        assert!(!stderr.contains(n.as_str()), "stderr leaks a planted value");
        checked += 1;
    }
    let without_hex: String = stdout
        .split(|c: char| c == '"')
        .filter(|t| !(t.len() >= 32 && t.chars().all(|c| c.is_ascii_hexdigit())) && !(t.len() == 34 && t[2..].chars().all(|c| c.is_ascii_hexdigit())))
        .collect::<Vec<_>>()
        .join("\"");
    for n in &all {
        assert!(!without_hex.contains(n.as_str()), "a command leaks a planted value");
    }
    assert!(checked > 3000, "only {checked} values checked");
}
