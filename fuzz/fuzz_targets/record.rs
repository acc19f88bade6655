//! Bytes in, as one Kafka record or one line of `scan`: JSON parse, the walker (embedded JSON, keys,
//! turns), every detector, the rule and the commands; invalid JSON takes the raw-text path.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::process(data);
});
