use crate::fingerprint::Fingerprinter;
use crate::scanner::json::{RecordError, RecordScan};
use crate::scanner::{Kind, ScannerBuilder};

fn scan(json: &str) -> RecordScan {
    let s = ScannerBuilder::new().build().unwrap();
    s.scan_record(json.as_bytes(), &Fingerprinter::new(&[1; 32]).unwrap())
}

fn paths(r: &RecordScan) -> Vec<(Kind, String, Vec<String>, usize, usize)> {
    r.events.iter().flat_map(|e| &e.findings).map(|f| (f.kind, f.path.clone(), f.inner_path.clone(), f.start, f.end)).collect()
}

#[test]
fn pointers_and_spans() {
    let r = scan(r#"{"data":{"body":"Hi, this is Jane Doe. SSN 123-45-6789","a/b~c":["x","card 4111111111111111"]}}"#);
    assert_eq!(r.error, None);
    assert_eq!(
        paths(&r),
        [
            (Kind::Name, "/data/body".into(), vec![], 12, 20),
            (Kind::Ssn, "/data/body".into(), vec![], 26, 37),
            (Kind::Card, "/data/a~1b~0c/1".into(), vec![], 5, 21),
        ]
    );
}

#[test]
fn embedded_json_in_strings() {
    let inner = r#"{\"customers\":{\"name\":\"Jane Doe\"},\"conversations\":{\"conversation_attribute_2\":\"SSN on file 123-45-6789\"}}"#;
    let r = scan(&format!(r#"{{"data":{{"payload":{{"task_attributes":"{inner}","task_sid":"WTaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}}}}}"#));
    let p = paths(&r);
    assert_eq!(p[0], (Kind::Name, "/data/payload/task_attributes".into(), vec!["/customers/name".into()], 0, 8));
    assert_eq!(p[1].1, "/data/payload/task_attributes");
    assert_eq!(p[1].2, vec!["/conversations/conversation_attribute_2".to_string()]);
    assert_eq!(r.events[0].sids[0].as_str(), "WTaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

#[test]
fn duplicate_keys_escapes_and_keys() {
    let r = scan(r#"{"note":"SSN 123-45-6789","note":"ok \u0031\u0032\u0033-45-6789","123-45-6789":"x"}"#);
    let e = &r.events[0];
    assert_eq!(e.findings.len(), 3);
    assert_eq!((e.findings[0].occurrence, e.findings[1].occurrence), (0, 1));
    assert!(e.findings[2].in_key);
    // A sensitive key is named by position, never written into the path.
    assert_eq!(e.findings[2].path, "/#2");
}

#[test]
fn arrays_of_events() {
    let r = scan(r#"[{"id":"EZ1","type":"t","data":{"body":"SSN 123-45-6789"}},{"id":"EZ2","data":"{\"b\":\"clean\"}"}]"#);
    assert_eq!(r.events.len(), 2);
    assert_eq!(r.events[0].pointer, "/0");
    assert_eq!(r.events[0].event_id.as_deref(), Some("EZ1"));
    assert_eq!(r.events[0].event_type.as_deref(), Some("t"));
    assert_eq!(r.events[0].findings[0].path, "/0/data/body");
    assert_eq!(r.events[1].findings.len(), 0);
}

#[test]
fn numbers_in_identifier_fields() {
    let r = scan(r#"{"ssn":123456789,"card":4111111111111111,"count":123456789}"#);
    let k: Vec<Kind> = r.events[0].findings.iter().map(|f| f.kind).collect();
    assert_eq!(k, [Kind::Ssn, Kind::Card]);
}

#[test]
fn bad_input_falls_back_to_raw_text() {
    let r = scan(r#"{"body":"SSN 123-45-6789" "#);
    assert_eq!(r.error, Some(RecordError::ParseError));
    assert_eq!(r.events[0].findings[0].kind, Kind::Ssn);
    assert_eq!(r.events[0].findings[0].path, "");
    let mut bytes = br#"{"body":"SSN 123-45-6789 "#.to_vec();
    bytes.push(0xff);
    let s = ScannerBuilder::new().build().unwrap();
    let r = s.scan_record(&bytes, &Fingerprinter::new(&[1; 32]).unwrap());
    assert_eq!(r.error, Some(RecordError::InvalidUtf8));
    assert_eq!(r.events[0].findings.len(), 1);
    let deep = format!("{}\"SSN 123-45-6789\"{}", "[".repeat(100), "]".repeat(100));
    let r = scan(&deep);
    assert_eq!(r.error, Some(RecordError::TooDeep));
    assert_eq!(r.events[0].findings.len(), 1);
    let very_deep = format!("{}\"SSN 123-45-6789\"{}", "[".repeat(100_000), "]".repeat(100_000));
    let r = scan(&very_deep);
    assert!(r.error.is_some());
    assert_eq!(r.events[0].findings.len(), 1);
    assert_eq!(scan("  ").error, Some(RecordError::Empty));
}

#[test]
fn unicode_spans_are_characters() {
    let r = scan(r#"{"b":"é ssn 123-45-6789"}"#);
    let f = &r.events[0].findings[0];
    assert_eq!((f.start, f.end, f.byte_start, f.byte_end), (6, 17, 7, 18));
}

#[test]
fn failed_embedded_json_is_scanned_as_text_and_leaves_no_trace() {
    // The string looks like JSON but is not; a duplicate key after it must still be numbered right.
    let r = scan(r#"{"a":"{\"x\":\"SSN 123-45-6789\",\"y\" oops}","a":"card 4111111111111111","4111111111111111":1}"#);
    let e = &r.events[0];
    assert_eq!((r.error, r.error_position), (None, None));
    let got: Vec<(Kind, &str, u32, usize)> = e.findings.iter().map(|f| (f.kind, f.path.as_str(), f.occurrence, f.inner_path.len())).collect();
    assert_eq!(got, [(Kind::Ssn, "/a", 0, 0), (Kind::Card, "/a", 1, 0), (Kind::Card, "/#2", 0, 0)]);
}

#[test]
fn sids_every_prefix_and_near_misses() {
    for p in super::SID_PREFIXES {
        assert!(super::is_sid(&format!("{p}0123456789abcdef0123456789ABCDEF")), "{p}");
    }
    assert!(!super::is_sid("ZZ0123456789abcdef0123456789abcdef"));
    assert!(!super::is_sid("CH0123456789abcdef0123456789abcdeg"));
    assert!(!super::is_sid("CH0123456789abcdef0123456789abcde"));
    assert!(!super::is_sid("ch0123456789abcdef0123456789abcdef"));
    assert!(!super::is_sid("EZ0123456789abcdef0123456789abcdef"));
}

#[test]
fn many_keys_and_duplicates_past_the_linear_limit() {
    // 40 distinct keys, then duplicates of key 3 and a sensitive key: occurrence and #N stay right.
    let mut j = String::from("{");
    for i in 0..40 {
        j.push_str(&format!("\"k{i}\":\"x\","));
    }
    j.push_str("\"k3\":\"ssn 123-45-6789\",\"k3\":\"card 4111111111111111\",\"123-45-6789\":1}");
    let r = scan(&j);
    let got: Vec<(Kind, String, u32)> = r.events[0].findings.iter().map(|f| (f.kind, f.path.clone(), f.occurrence)).collect();
    assert_eq!(got, [(Kind::Ssn, "/k3".into(), 1), (Kind::Card, "/k3".into(), 2), (Kind::Ssn, "/#42".into(), 0)]);
}

#[test]
fn a_hundred_thousand_keys_scan_in_linear_time() {
    let mut j = String::from("{");
    for i in 0..100_000 {
        j.push_str(&format!("\"k{}\":1,", i % 50_000));
    }
    j.push_str("\"last\":\"ssn 123-45-6789\"}");
    let r = scan(&j);
    assert_eq!(r.events[0].findings.len(), 1);
}

#[test]
fn gather_digits_take_the_widget_name_as_a_cue() {
    let r = scan(r#"{"context":{"widgets":{"gather_ssn":{"Digits":"123456789"},"gather_zip":{"Digits":"123456789"},"collect_ny_license":{"Digits":"917433391"}}}}"#);
    let p = paths(&r);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!((p[0].0, p[0].1.as_str()), (Kind::Ssn, "/context/widgets/gather_ssn/Digits"));
    assert_eq!((p[1].0, p[1].1.as_str()), (Kind::Dl, "/context/widgets/collect_ny_license/Digits"));
}

#[test]
fn names_before_the_first_identifier_are_found_when_it_comes() {
    // The name stands before the identifier in document order; a name alone makes nothing.
    let r = scan(r#"{"customers":{"name":"Ngozi Eze"},"note":"SSN 123-45-6789"}"#);
    let kinds: Vec<Kind> = paths(&r).into_iter().map(|p| p.0).collect();
    assert_eq!(kinds, [Kind::Name, Kind::Ssn]);
    let r = scan(r#"{"customers":{"name":"Ngozi Eze"},"note":"order 12345678"}"#);
    assert!(paths(&r).is_empty());
}

fn sentences(turns: &[(u32, &str)]) -> String {
    let s: Vec<String> = turns
        .iter()
        .enumerate()
        .map(|(i, (ch, t))| format!(r#"{{"media_channel": {ch}, "sentence_index": {i}, "transcript": "{t}", "sid": "GX{i:032x}", "words": []}}"#))
        .collect();
    format!(r#"{{"sentences": [{}]}}"#, s.join(", "))
}

#[test]
fn a_number_read_over_sentences_is_one_finding_with_a_span_per_sentence() {
    let r = scan(&sentences(&[
        (1, "Sure, and the card number?"),
        (2, "It's five five four four."),
        (1, "Okay."),
        (2, "Nine five two seven."),
        (1, "Go ahead."),
        (2, "Two nine one nine, four seven nine nine."),
    ]));
    let f = &r.events[0].findings;
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].kind, Kind::Card);
    assert_eq!((f[0].path.as_str(), f[0].start, f[0].end), ("/sentences/1/transcript", 5, 24));
    assert_eq!(f[0].sentence_sid.map(|s| s.as_str().to_owned()), Some(format!("GX{:032x}", 1)));
    let more: Vec<(&str, usize, usize)> = f[0].continued.iter().map(|s| (s.path.as_str(), s.start, s.end)).collect();
    assert_eq!(more, [("/sentences/3/transcript", 0, 19), ("/sentences/5/transcript", 0, 39)]);
}

#[test]
fn a_cue_in_the_agents_question_applies_to_the_answer() {
    let r = scan(&sentences(&[(1, "Can I get your social?"), (2, "Sure, five twenty nine, eighty four, seventeen forty six.")]));
    let f = &r.events[0].findings;
    assert_eq!(f.iter().map(|f| (f.kind, f.path.as_str())).collect::<Vec<_>>(), [(Kind::Ssn, "/sentences/1/transcript")]);
    // Not when the answer names something else.
    let r = scan(&sentences(&[(1, "Can I get your social?"), (2, "I don't have it. My phone is five five five, eight six seven, five three oh nine.")]));
    assert!(r.events[0].findings.is_empty(), "{:?}", r.events[0].findings);
}

#[test]
fn first_and_last_name_fields_make_a_name_unless_placeholders() {
    let r = scan(r#"{"parsed": {"first_name": "Yevgenia", "last_name": "Dragomirova"}, "note": "SSN 123-45-6789"}"#);
    let kinds: Vec<Kind> = r.events[0].findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [Kind::Name, Kind::Name, Kind::Ssn]);
    let r = scan(r#"{"parsed": {"first_name": "Unknown", "last_name": "Caller"}, "note": "SSN 123-45-6789"}"#);
    let kinds: Vec<Kind> = r.events[0].findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [Kind::Ssn]);
}

thread_local! {
    /// Makes every key hash the same (tests of duplicate keys under hash collisions).
    pub(super) static COLLIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[test]
fn keys_with_the_same_hash_are_told_apart_by_their_text() {
    COLLIDE.with(|c| c.set(true));
    // Every key collides: distinct keys still count as first occurrences, equal ones do not.
    let small = scan(r#"{"a":"SSN 123-45-6789","b":"SSN 123-45-6789","a":"card 4111111111111111"}"#);
    let mut j = String::from("{");
    for i in 0..40 {
        j.push_str(&format!("\"k{i}\":\"x\","));
    }
    j.push_str("\"k3\":\"ssn 123-45-6789\",\"new\":\"ssn 123-45-6789\"}");
    let large = scan(&j);
    COLLIDE.with(|c| c.set(false));
    let got = |r: &RecordScan| r.events[0].findings.iter().map(|f| (f.path.clone(), f.occurrence)).collect::<Vec<_>>();
    assert_eq!(got(&small), [("/a".to_owned(), 0), ("/b".to_owned(), 0), ("/a".to_owned(), 1)]);
    assert_eq!(got(&large), [("/k3".to_owned(), 1), ("/new".to_owned(), 0)]);
}

#[test]
fn a_name_in_a_key_is_named_by_position_and_never_written_into_a_path() {
    // Found by the structure-aware fuzz test (tests/fuzz_json.rs): a name found in a key was
    // reported at its object's path, not the key's, and the number under that key carried the
    // name in its own path.
    let r = scan(r#"{"x":1,"Jane Doe":"SSN 123-45-6789","n":{"Jane Doe":{"note":"card 4111111111111111"}},"e":"{\"Maria Lopez\":\"SSN 123-45-6789\"}"}"#);
    let got: Vec<(Kind, &str, Vec<&str>, bool)> = r.events[0].findings.iter().map(|f| (f.kind, f.path.as_str(), f.inner_path.iter().map(String::as_str).collect(), f.in_key)).collect();
    assert_eq!(
        got,
        [
            (Kind::Name, "/#1", vec![], true),
            (Kind::Ssn, "/#1", vec![], false),
            (Kind::Name, "/n/#0", vec![], true),
            (Kind::Card, "/n/#0/note", vec![], false),
            (Kind::Name, "/e", vec!["/#0"], true),
            (Kind::Ssn, "/e", vec!["/#0"], false),
        ]
    );
}

#[test]
fn names_found_when_a_key_holds_a_number_keep_their_own_paths() {
    // Found by tests/fuzz_json.rs: a key holding an SSN made the event's names be looked for, and
    // the names found in earlier strings were counted as the key's findings and given its path.
    let r = scan(r#"{"Jane Doe":"Jane Doe ","a/b~c":{"123-45-6789":null}}"#);
    let got: Vec<(Kind, &str, bool)> = r.events[0].findings.iter().map(|f| (f.kind, f.path.as_str(), f.in_key)).collect();
    assert_eq!(got, [(Kind::Name, "/#0", true), (Kind::Name, "/#0", false), (Kind::Ssn, "/a~1b~0c/#0", true)]);
}

#[test]
fn raw_sids_are_read_from_bytes_whatever_surrounds_them() {
    let sm = "SM0123456789abcdef0123456789abcdef";
    let ac = "AC0123456789abcdef0123456789abcdef";
    // Not JSON, invalid UTF-8 and emoji around them; a SID inside a longer run is not one, nor is an
    // unknown prefix; each SID once, sorted.
    let mut bytes = format!("\u{1f64f}{sm} {{\"x\":\"{ac}\",{sm}] X{sm} ZZ0123456789abcdef0123456789abcdef ").into_bytes();
    bytes.push(0xff);
    let got: Vec<String> = crate::scanner::json::raw_sids(&bytes).iter().map(|s| s.as_str().to_owned()).collect();
    assert_eq!(got, [ac, sm]);
    // A record that is not JSON names its resource from them.
    let r = scan(&format!("{{\"MessageSid\":\"{sm}\",\"Body\":\"ssn 536-22-1874\""));
    assert_eq!(r.error, Some(RecordError::ParseError));
    assert_eq!(r.events[0].sids.iter().map(|s| s.as_str()).collect::<Vec<_>>(), [sm]);
}

#[test]
fn a_number_one_speaker_reads_while_the_other_prompts_or_echoes_is_one_finding() {
    // Prompts between the groups.
    let r = scan(&sentences(&[
        (1, "Alright, first three of the social."),
        (2, "five one two"),
        (1, "Then two."),
        (2, "four four"),
        (1, "Last four."),
        (2, "nine oh seven one"),
    ]));
    let f = &r.events[0].findings;
    assert_eq!(f.iter().map(|f| (f.kind, f.path.as_str())).collect::<Vec<_>>(), [(Kind::Ssn, "/sentences/1/transcript")], "{f:?}");
    assert_eq!(f[0].continued.len(), 2);
    // The agent echoing each group, once in other words ("zero" for "oh").
    let r = scan(&sentences(&[
        (2, "my card is four five three two"),
        (1, "four five three two"),
        (2, "oh one one five"),
        (1, "zero one one five"),
        (2, "one nine six two"),
        (1, "one nine six two"),
        (2, "eight eight oh oh"),
    ]));
    let kinds: Vec<Kind> = r.events[0].findings.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&Kind::Card), "{kinds:?}");
    // Two last-fours asked for one after the other are two numbers, not one.
    let r = scan(&sentences(&[
        (1, "I need the last four of the checking account."),
        (2, "Three one seven two."),
        (1, "And the last four of the card on file?"),
        (2, "Oh eight eight five."),
    ]));
    assert!(r.events[0].findings.is_empty(), "{:?}", r.events[0].findings);
}

/// A partner named in one field and the person's sex in a name field of the same event: an
/// orientation on the partner's span; not when the sexes differ, the name field is an agent's, the
/// partner is the one the text is about, or the partner is in another event.
#[test]
fn a_couple_told_across_fields() {
    let so = |json: &str| scan(json).events.iter().map(|e| e.findings.iter().filter(|f| f.kind == Kind::So).count()).collect::<Vec<_>>();
    assert_eq!(so(r#"{"Body":"please add my wife Dana to the plan","Attributes":"{\"customerName\":\"Mrs. Priya Nair\"}"}"#), [1]);
    assert_eq!(so(r#"{"CallerName":"OKAFOR DANIEL","SpeechResult":"add my boyfriend to the account"}"#), [1]);
    assert_eq!(so(r#"{"CallerName":"OKAFOR DANIEL","SpeechResult":"add my wife to the account"}"#), [0]);
    assert_eq!(so(r#"{"agent_name":"Mr. Tom Reyes","Body":"please add my husband to the plan"}"#), [0]);
    assert_eq!(so(r#"{"worker_attributes":"{\"full_name\":\"Tom Reyes\"}","task_attributes":"{\"note\":\"cx asks to add my husband\"}"}"#), [0]);
    assert_eq!(so(r#"{"CallerName":"REYES TOMAS","SpeechResult":"I'm calling for my husband, he can't talk"}"#), [0]);
    assert_eq!(so(r#"[{"name":"Mr. Tom Reyes","Body":"hi"},{"Body":"add my husband please"}]"#), [0, 0]);
}

/// A number read over sentences where one part comes after an aside ("sorry, hold on …, okay,
/// four seven"): one finding, its spans in each sentence, none on the aside's words.
#[test]
fn a_number_read_over_sentences_with_an_aside() {
    let r = scan(r#"{"sentences":[{"media_channel":1,"transcript":"And the social?"},{"media_channel":2,"transcript":"five two one"},{"media_channel":2,"transcript":"sorry, hold on, the kids, okay, four seven"},{"media_channel":2,"transcript":"one one two three"}]}"#);
    let ssn: Vec<_> = r.events.iter().flat_map(|e| &e.findings).filter(|f| f.kind == Kind::Ssn).collect();
    assert_eq!(ssn.len(), 1, "{:?}", paths(&r));
    assert_eq!(ssn[0].continued.len(), 2);
    assert_eq!(ssn[0].continued[0].byte_start, "sorry, hold on, the kids, okay, ".len());
}
