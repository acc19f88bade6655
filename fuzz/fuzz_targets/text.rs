//! Free text in, placed where each part of the scanner reads it: a message body (identifiers, cued
//! names, the category pass), speech (`SpeechResult`, a transcript sentence: the spoken view and
//! turns), and a person-name field (`ProfileName`, `customerName` in task attributes: name-field
//! parsing). The first line of the input is the name field's value, the rest the text; JSON escaping
//! is done here, so every input reaches the detectors instead of the JSON parser's errors.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (name, body) = text.split_once('\n').unwrap_or((&text, &text));
    let p = common::processor();
    p.scanner.scan_text(&text);
    let attributes = serde_json::json!({ "customerName": name, "notes": body }).to_string();
    let events = [
        serde_json::json!({ "MessageSid": "SM0123456789abcdef0123456789abcdef", "ProfileName": name, "Body": body }),
        serde_json::json!({ "SpeechResult": body, "CallerName": name, "CallSid": "CA0123456789abcdef0123456789abcdef" }),
        serde_json::json!({ "type": "com.twilio.taskrouter.task.created", "data": { "payload": { "task_sid": "WT0123456789abcdef0123456789abcdef", "task_attributes": attributes } } }),
        serde_json::json!({ "sentences": [ { "media_channel": 1, "transcript": name }, { "media_channel": 2, "transcript": body } ] }),
    ];
    for ev in events {
        common::process(ev.to_string().as_bytes());
    }
});
