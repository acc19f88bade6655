//! Bytes in, as the conversation stage reads them from the findings topic: parsed as a finding
//! record (a bad one is skipped, as the stage dead-letters it) and applied to a correlator, then as
//! a state record from the changelog merged into one.
#![no_main]

use piiguard::commands::Mode;
use piiguard::correlate::{Correlator, FindingRecord, Limits, StateRecord};
use piiguard::policy::Action;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut c = Correlator::new(
        Limits {
            max_conversations: 4,
            max_refs: 4,
            ..Limits::default()
        },
        Action::Redact,
        Mode::Live,
    );
    // One input may hold several records, one a line: a conversation's halves meet.
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        if let Ok(rec) = serde_json::from_slice::<FindingRecord>(line) {
            for e in c.apply(rec, i as i64 * 1000) {
                serde_json::to_vec(&e.command).expect("a command serialises");
            }
        }
        if let Ok(s) = serde_json::from_slice::<StateRecord>(line) {
            c.merge(s);
        }
    }
    c.expire_now();
    c.take_forgotten();
});
