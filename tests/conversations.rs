//! `piiguard scan --correlate` against the generated conversations' oracle: a name in one event and
//! an identifier in another event of the same conversation (chat, call or SMS; either order;
//! interleaved with other conversations; some events delivered twice).
//!
//! The names and wordings come from the project's generator (its names are in the detector's
//! lists): this measures the correlation, not name detection, which `leaveout.rs` and `written.rs`
//! measure on data the detector has not seen.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Command;

use piiguard::commands::{Mode, Source};
use piiguard::correlate::record::{self, Outcome};
use piiguard::generate::conversation::{ConvEvent, Plan};
use piiguard::generate::Generator;
use piiguard::process::Processor;
use piiguard::scanner::ScannerBuilder;
use serde_json::Value;

use crate::common;

const KEY: &str = "tests/fixtures/test.key";

/// Runs the shipped binary over `events` and returns every command it wrote.
pub(crate) fn scan_correlate(events: &[ConvEvent]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("conversations.jsonl");
    let output = dir.path().join("commands.jsonl");
    std::fs::write(&input, events.iter().map(|e| format!("{}\n", e.line)).collect::<String>()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_piiguard"))
        .args(["scan", "--correlate", "--exit-zero", "--hmac-key-file", KEY])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("conversations: "), "the summary reports the conversation pass: {err}");
    let text = std::fs::read_to_string(&output).unwrap();
    // Leak sweep: no planted name or number, and no SMS party's number, in commands or summary.
    let mut needles: Vec<String> = events.iter().flat_map(|e| common::needles(&e.secrets)).collect();
    needles.push("+1555".into());
    let ac = aho_corasick::AhoCorasick::new(&needles).unwrap();
    assert!(ac.find(&common::without_hex(&text)).is_none() && ac.find(&*err).is_none(), "a planted value leaks");
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// What the commands did against the labels.
#[derive(Debug, Default)]
pub(crate) struct Oracle {
    pub expected: usize,
    pub missing: usize,
    pub spurious: usize,
    /// Commands for an event already commanded (a duplicate delivery read from another place).
    pub duplicates: usize,
    /// Conversation keys whose commands span two generated conversations.
    pub crossed: usize,
    /// Commands of any reason on an event holding neither a name nor an identifier.
    pub filler_flagged: usize,
    /// Split conversations with every expected event commanded, and their number.
    pub conversations_complete: usize,
    pub conversations_split: usize,
    /// Missing events by plan and family.
    pub missing_by: BTreeMap<String, usize>,
}

/// Scores `commands` against `events`; `line_of` maps a command to the 0-based index of the event
/// it names (its file line, or its Kafka coordinates).
pub(crate) fn score(events: &[ConvEvent], commands: &[Value], line_of: impl Fn(&Value) -> usize) -> Oracle {
    let mut o = Oracle::default();
    // An event is identified by its CloudEvents id, or by its line when it has none.
    let identity = |i: usize| events[i].label.event_id.clone().unwrap_or_else(|| format!("line {i}"));
    let mut covered: HashMap<String, usize> = HashMap::new();
    let mut keys: HashMap<String, BTreeSet<usize>> = HashMap::new();
    for c in commands {
        let i = line_of(c);
        let l = &events[i].label;
        if !l.name && !l.identifier {
            o.filler_flagged += 1;
        }
        if c["reason"] != "conversation_combination" {
            continue;
        }
        keys.entry(c["conversation"].as_str().unwrap().to_owned()).or_default().insert(l.conversation);
        if !l.expect_command {
            o.spurious += 1;
        }
        *covered.entry(identity(i)).or_default() += 1;
    }
    o.duplicates = covered.values().map(|n| n - 1).sum();
    o.crossed = keys.values().filter(|c| c.len() > 1).count();
    let mut complete: BTreeMap<usize, bool> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        let l = &e.label;
        if matches!(l.plan, Plan::Split | Plan::Reversed) {
            complete.entry(l.conversation).or_insert(true);
        }
        if l.expect_command && !l.duplicate {
            o.expected += 1;
            if !covered.contains_key(&identity(i)) {
                o.missing += 1;
                *o.missing_by.entry(format!("{:?}/{}", l.plan, l.family)).or_default() += 1;
                complete.insert(l.conversation, false);
            }
        }
    }
    o.conversations_split = complete.len();
    o.conversations_complete = complete.values().filter(|&&c| c).count();
    o
}

/// The stage's own oracle: which events the commands must name, given what the per-event scanner
/// finds in each (a second, independent implementation of the rule: an event is involved when it
/// holds one half and another event of its conversation holds the other). Returns, per line, the
/// event's identity when the line's event is involved. Detector misses do not count here; the
/// planted labels ([`score`]) measure them.
pub(crate) fn involved(events: &[ConvEvent]) -> Vec<Option<String>> {
    let p = Processor { scanner: ScannerBuilder::new().conversations(true).build().unwrap(), ..common::processor() };
    let mut halves: Vec<Option<(String, String, bool, bool)>> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let source = Source::File { file: "t".into(), line: i as u64 + 1 };
        let (_, scan) = p.process_keeping_scan(e.line.as_bytes(), &source, Mode::Scan);
        assert_eq!(scan.events.len(), 1);
        halves.push(match record::of_event(&p.policy, &p.fingerprinter, &scan.events[0], e.line.as_bytes(), &source, scan.error) {
            Outcome::Record(r) => Some((r.conversation.clone(), r.event_ref.clone(), r.has_name(), r.has_identifier())),
            _ => None,
        });
    }
    // Per conversation: the events holding a name, and those holding an identifier.
    let mut by_conv: HashMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = HashMap::new();
    for (conv, r, n, i) in halves.iter().flatten() {
        let e = by_conv.entry(conv).or_default();
        if *n {
            e.0.insert(r);
        }
        if *i {
            e.1.insert(r);
        }
    }
    halves
        .iter()
        .map(|h| {
            let (conv, r, n, i) = h.as_ref()?;
            let (names, idents) = &by_conv[conv.as_str()];
            let other = |set: &BTreeSet<&str>| set.iter().any(|x| *x != r);
            ((*n && other(idents)) || (*i && other(names))).then(|| r.clone())
        })
        .collect()
}

/// Missing, spurious and duplicate commands against [`involved`]; `line_of` as for [`score`].
pub(crate) fn stage_oracle(involved: &[Option<String>], commands: &[Value], line_of: impl Fn(&Value) -> usize) -> (usize, usize, usize) {
    let want: BTreeSet<&String> = involved.iter().flatten().collect();
    let mut got: HashMap<&String, usize> = HashMap::new();
    let mut spurious = 0;
    for c in commands.iter().filter(|c| c["reason"] == "conversation_combination") {
        match &involved[line_of(c)] {
            Some(r) => *got.entry(r).or_default() += 1,
            None => spurious += 1,
        }
    }
    let missing = want.iter().filter(|r| !got.contains_key(*r)).count();
    (missing, spurious, got.values().map(|n| n - 1).sum())
}

#[test]
fn scan_correlate_meets_the_split_pair_oracle() {
    // About half the conversations split their halves: well over 2,000 of them.
    let events = Generator::new(12).conversations(4400);
    let commands = scan_correlate(&events);
    let schema = crate::schema::validator();
    for c in commands.iter().filter(|c| c["reason"] == "conversation_combination") {
        crate::schema::check(&schema, c);
    }
    let o = score(&events, &commands, |c| c["source"]["line"].as_u64().unwrap() as usize - 1);
    let recall = o.conversations_complete as f64 / o.conversations_split as f64;
    println!(
        "scan --correlate: {} events, {} split conversations, {} events expected: missing {}, spurious {}, duplicates {}, crossed {}, filler flagged {}, conversation recall {recall:.4} {:?}",
        events.len(),
        o.conversations_split,
        o.expected,
        o.missing,
        o.spurious,
        o.duplicates,
        o.crossed,
        o.filler_flagged,
        o.missing_by
    );
    // Against the planted labels: conversations complete (the detector's misses count), nothing
    // across conversations, no filler or label-less event commanded.
    assert!(o.conversations_split >= 2000, "{o:?}");
    assert_eq!((o.spurious, o.crossed, o.filler_flagged), (0, 0, 0), "{o:?}");
    assert!(recall >= 0.98, "{o:?}");
    // Against what the scanner finds per event: every involved event commanded, once.
    let inv = involved(&events);
    let (missing, spurious, duplicates) = stage_oracle(&inv, &commands, |c| c["source"]["line"].as_u64().unwrap() as usize - 1);
    println!("stage oracle: {} involved events: missing {missing}, spurious {spurious}, duplicates {duplicates}", inv.iter().flatten().collect::<BTreeSet<_>>().len());
    assert_eq!((missing, spurious, duplicates), (0, 0, 0));
}
