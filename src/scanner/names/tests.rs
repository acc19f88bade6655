use crate::scanner::cues::field_hint;
use crate::scanner::{Detector, Kind, ScannerBuilder};

fn names(text: &str) -> Vec<&str> {
    let s = ScannerBuilder::new().names_everywhere(true).build().unwrap();
    s.scan_text(text).into_iter().filter(|m| m.kind == Kind::Name).map(|m| &text[m.start..m.end]).collect()
}

fn field(key: &str, value: &str) -> Option<Detector> {
    let s = ScannerBuilder::new().names_everywhere(true).build().unwrap();
    let mut out = Vec::new();
    s.scan_field(value, &field_hint(key), &mut out);
    out.into_iter().find(|m| m.kind == Kind::Name).map(|m| m.detector)
}

macro_rules! t {
    ($name:ident, $input:expr, [$($v:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            let want: Vec<&str> = vec![$($v),*];
            assert_eq!(names($input), want, "input {:?}", $input);
        }
    };
}

t!(pair, "Hi, this is Jane Doe. My card", ["Jane Doe"]);
t!(initial, "J. Doe here, SSN", ["J. Doe"]);
t!(middle_initial, "Jane A. Smith called", ["Jane A. Smith"]);
t!(upper_case, "JANE DOE called", ["JANE DOE"]);
t!(multicultural, "Priya Sharma, José García, Mehmet Yılmaz", ["Priya Sharma", "José García", "Mehmet Yılmaz"]);
t!(cyrillic, "Меня зовут Олег Петренко", ["Олег Петренко"]);
t!(first_name_only, "Thanks Jane, have a nice day", []);
t!(common_word_pair, "Will Chase send the statement?", []);
t!(places, "We are based in New York and San Francisco.", []);
t!(cue_unknown_name, "my name is Zorvath Quillan and", ["Zorvath Quillan"]);
t!(cue_lowercase_listed, "my name is jane doe", ["jane doe"]);
t!(weak_cue_unknown, "this is Urgent Matter", []);
t!(sentence_start, "Will you help me? May I ask?", []);

#[test]
fn name_fields() {
    assert_eq!(field("customerName", "Jane Doe"), Some(Detector::NameField));
    assert_eq!(field("name", "Doe, Jane"), Some(Detector::NameField));
    assert_eq!(field("full_name", "Mary Smith"), Some(Detector::NameField));
    assert_eq!(field("name", "+15558675310"), None);
    assert_eq!(field("name", "jane.doe@example.com"), None);
    assert_eq!(field("name", "TaskCreated"), None);
    assert_eq!(field("workflow_name", "Assign to Anyone"), None);
    assert_eq!(field("name", "Flex Task Assignment"), None);
}
t!(greek, "Ε. Παπαδάκης and ΑΡΙΣΤΕΊΔΗΣ ΔΑΓΚΛΉΣ", ["Ε. Παπαδάκης", "ΑΡΙΣΤΕΊΔΗΣ ΔΑΓΚΛΉΣ"]);
t!(strong_cue_common_words, "Account holder: Valentine Miller.", ["Valentine Miller"]);
t!(turkish_upper, "SEÇIL TEKIN here", ["SEÇIL TEKIN"]);
t!(turkish_dotless, "MÜNIR ATILGAN speaking", ["MÜNIR ATILGAN"]);
t!(possessive, "read back Jane Doe's SSN and O'Neil", ["Jane Doe"]);

t!(sign_off_then_sentence, "card number 3530-3548-1249-4908. Thanks,\nJames Balogun May I ask what", ["James Balogun May"]);

