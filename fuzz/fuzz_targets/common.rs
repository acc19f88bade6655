//! Shared by the targets: one processor, built once (the scanner's tables take ~0.1 s).

use piiguard::commands::{Mode, Source};
use piiguard::fingerprint::Fingerprinter;
use piiguard::policy::Policy;
use piiguard::process::Processor;
use piiguard::scanner::ScannerBuilder;

pub fn processor() -> &'static Processor {
    static P: std::sync::OnceLock<Processor> = std::sync::OnceLock::new();
    P.get_or_init(|| Processor {
        scanner: ScannerBuilder::new().build().expect("scanner builds"),
        policy: Policy::default(),
        fingerprinter: Fingerprinter::new(&[0x5a; 32]).expect("key"),
        max_record_bytes: 1 << 20,
    })
}

/// Processes one record as `scan` would. libfuzzer-sys's panic hook aborts, so a panic is a crash
/// here even though `Processor` would catch it in the service (fail closed).
pub fn process(bytes: &[u8]) -> piiguard::process::Processed {
    let p = processor();
    let out = p.process(
        bytes,
        &Source::File {
            file: "fuzz".into(),
            line: 1,
        },
        Mode::Scan,
    );
    for c in &out.commands {
        // Every command serialises (the wire form the service writes).
        serde_json::to_vec(c).expect("a command serialises");
    }
    out
}
