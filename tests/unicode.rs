//! Real text is not ASCII: records whose strings mix emoji (ZWJ sequences, skin tones, flags), CJK,
//! Hangul, Devanagari, Arabic with right-to-left marks, no-break and thin spaces and combining marks
//! with names, identifiers and category words are scanned, never failed on. A record the scanner
//! fails on gets an `unscanned` command (see `process`), so here "scanned" means its error is not
//! `scan_panic`.

use piiguard::commands::{Mode, Source};
use piiguard::policy::Reason;
use piiguard::process::{Processed, Processor};
use piiguard::scanner::json::RecordError;

use crate::common;

/// Processes `line` as a `scan` of a file would and fails the test, naming `what`, if the scanner
/// failed on it.
fn scanned(p: &Processor, line: &str, what: impl std::fmt::Display) -> Processed {
    let out = p.process(
        line.as_bytes(),
        &Source::File {
            file: "u".into(),
            line: 1,
        },
        Mode::Scan,
    );
    assert_ne!(
        out.error,
        Some(RecordError::ScanPanic),
        "the scanner failed on {what}"
    );
    out
}

fn reasons(line: &str) -> Vec<Reason> {
    let out = scanned(&common::processor(), line, line);
    out.commands.iter().map(|c| c.reason).collect()
}

#[test]
fn sixty_emoji_before_a_religion_word_a_name_and_an_ssn_are_scanned() {
    // Reported: `internal error at src/scanner/category/gates.rs:70` (200 bytes back from the
    // category word fell inside an emoji), and the name + SSN went unreported.
    let line = format!(
        r#"{{"MessageSid":"SM0123456789abcdef0123456789abcdef","Body":"{} I am Muslim. John Smith, SSN 536-22-1874"}}"#,
        "🙏".repeat(60)
    );
    assert_eq!(reasons(&line), [Reason::ProhibitedCombination]);
}

#[test]
fn long_chinese_text_before_a_category_word_is_scanned() {
    let line = format!(
        r#"{{"Body":"{}我 I have diabetes and my SSN is 536-22-1874"}}"#,
        "你好，请问今天的订单什么时候到？".repeat(8)
    );
    assert_eq!(reasons(&line), [Reason::Identifier]);
}

#[test]
fn a_name_field_of_only_no_break_or_thin_spaces_is_no_name_and_the_ssn_is_still_found() {
    // Reported: `internal error at src/scanner/names/field.rs:63`; the SSN was dropped.
    for spaces in [
        "\u{a0}\u{a0}",
        "\u{2009}\u{2009}",
        "\u{a0}",
        "\u{202f}\u{2009}\u{a0}",
    ] {
        let line = format!(r#"{{"ProfileName":"{spaces}","Body":"ssn 536-22-1874"}}"#);
        assert_eq!(reasons(&line), [Reason::Identifier], "{spaces:?}");
        let escaped = format!(
            r#"{{"ProfileName":"{}","Body":"ssn 536-22-1874"}}"#,
            spaces
                .chars()
                .map(|c| format!("\\u{:04x}", c as u32))
                .collect::<String>()
        );
        assert_eq!(reasons(&escaped), [Reason::Identifier], "{escaped}");
    }
}

/// Runs of other scripts, of every length up to 300 bytes, before (and after) cue words, names,
/// identifiers and category words, in a message body and in name fields: nothing may fail. The
/// lengths move each run's end over every byte offset a detector counts back from ("200 bytes
/// back", "80 bytes back"), so a slice inside a character is found wherever it is.
#[test]
fn runs_of_other_scripts_before_every_cue_never_fail_the_scanner() {
    let runs = [
        "🙏",
        "👨\u{200d}👩\u{200d}👧\u{200d}👦",
        "👍🏽",
        "🇲🇽🇺🇸",
        "你好",
        "こんにちは",
        "안녕하세요",
        "नमस्ते",
        "\u{200f}مرحبا",
        "שלום\u{200f}",
        "e\u{301}",
        "\u{a0}",
        "\u{2009}",
        "\u{200b}",
        "１２３",
        "\u{feff}",
        "\u{fffd}",
        "ß",
        "Ωμέγα",
        "Иван",
    ];
    let tails = [
        "I am Muslim. John Smith, SSN 536-22-1874",
        "this is maria gonzalez my card is 4111 1111 1111 1111",
        "diagnosed with diabetes, dx code E11.9 npi 1234567893",
        "my name is Ana Lima, dl WDL12345678, routing 021000021 acct 123456789",
        "I filed for bankruptcy, my credit score is 540, I'm gay and my wife and I both",
        "Agent: can I have the number? Customer: five three six, two two, one eight seven four",
        "religion: Catholic. Doe, Jane. member id: W283741965",
        // The rules for unseen text: titles and partners, misspellings, fields in strings, terse
        // notes, Spanish, signatures after a number, odd card groupings, digits one at a time.
        "Mr. Ortega here, my husband has diabeties, credit_tier=D, sober 2 yrs, tengo diabetes",
        "card 4111 11111111 1111 -maria gonzalez, ssn 3 6 7 4 0 1 9 6 5, brokerage Z27-481093",
        // Spelled surnames and IBANs, corrections in a number, labelled name parts, sign-offs,
        // names in other scripts, dx codes, credit values, cards in threes.
        "tobias r as in robert e i n h a r d t, first name anatoly last name quist, two two nine oh five six six one four no sorry six six one three, iban g b eight eight l o y d zero five",
        "cust veh repo'd, credit is like 620, dx I10, 陈美玲 Σταυρούλα Παπαδάκη, 5351 278 804 419 261 -- r. venkataraman",
        // Licences that start with digits or follow their state, IBANs in any case and grouping,
        // cards with odd separators, bare name cues, names glued to numbers, "I am" in scripts
        // without case, places after "at", spoken bank codes, broadcasts, partners by title.
        "his name was oskar berg, spoke w/ nina berg, nh license 09TRS41882, NJ A1234 56789 01234, iban gb82-west-1234-5698-7654-32 fr1420041010050500013m02606 NO93  8601  1117  947",
        "card 4111_1111_1111_1111 and 4111 | 1111 | 1111 | 1111, 6,011,000,990,139,424, אני דנה לוי. मैं सुनील वर्मा हूँ 我是李明 at Ruby Tuesday, ssn 123456780r.castellanos 250-48-1196Sent by: Guillermo Ruiz",
        "i e two nine a i b k nine three, double 7 2 triple 0 4 1 5, Reply STOP to opt out, adding spouse Ms. Ada Lin, my fiancée Ines, Mark Young. Social 529 74 0831",
    ];
    let p = common::processor();
    let mut lines = 0;
    for run in runs {
        for n in 1..=(300 / run.len()).max(1) {
            let prefix = run.repeat(n);
            for tail in tails {
                for line in [
                    format!(r#"{{"Body":"{prefix} {tail}"}}"#),
                    format!(r#"{{"Body":"{prefix}{tail}{prefix}"}}"#),
                    format!(r#"{{"ProfileName":"{prefix}","Body":"{tail}"}}"#),
                    format!(r#"{{"Author":"k.{prefix}okabe@x.com","SpeechResult":"{prefix} {tail}","Digits":"{prefix}386685074"}}"#),
                    format!(
                        r#"{{"attributes":"{{\"customerName\":\"{prefix} Jane\",\"notes\":\"{prefix}{tail}\"}}"}}"#
                    ),
                ] {
                    scanned(
                        &p,
                        &line,
                        format_args!("a {run:?} run of {n} before {tail:?}"),
                    );
                    lines += 1;
                }
            }
        }
    }
    println!("{lines} records with other scripts before cues: none failed");
}
