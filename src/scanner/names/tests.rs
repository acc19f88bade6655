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


#[test]
fn name_fields_trust_the_field() {
    assert_eq!(field("CallerName", "GONZALEZ MARIA"), Some(Detector::NameField));
    assert_eq!(field("ProfileName", "ngozi eze"), Some(Detector::NameField));
    assert_eq!(field("customerName", "高橋美咲"), Some(Detector::NameField));
    assert_eq!(field("customerName", "Nguyễn Văn Hùng"), Some(Detector::NameField));
    assert_eq!(field("CallerName", "WIRELESS CALLER"), None);
    assert_eq!(field("CallerName", "SEATTLE WA"), None);
    assert_eq!(field("friendly_name", "Billing Support"), None);
    assert_eq!(field("ProfileName", "delahunty farms"), None);
    assert_eq!(field("ProfileName", "Mrs. T"), None);
    assert_eq!(field("ProfileName", "Priya"), None);
    assert_eq!(field("from", "+15558675310"), None);
    assert_eq!(field("name", "Wells Fargo"), None);
}
t!(korean_after_cue, "제 이름은 박서연입니다.", ["박서연"]);
t!(arabic_after_cue, "مرحبا، أنا فاطمة الزهراني، شكرا", ["فاطمة الزهراني"]);
t!(title_cue, "ms. ana lima called", ["ana lima"]);
t!(in_the_name_of, "the account is in the name of oriel quastenbrook", ["oriel quastenbrook"]);
t!(weak_cue_everyday_words, "this is really urgent and i'm very upset", []);
t!(company_not_a_person, "I bank with Wells Fargo and Charles Schwab", []);
t!(first_name_then_common_words, "thanks Priya for the help", []);
t!(bridge, "sorry was stuck on the George Washington Bridge. social is 298-86-1624", []);
t!(street_named_for_a_person, "deliver to 2210 Martin Luther King Jr Blvd apt 4", []);
t!(all_caps_hyphenated, "ALISTAIR DRUMMOND-HAY CHECKING ACCT 029776624", ["ALISTAIR DRUMMOND-HAY"]);
t!(last_first_text, "Cust Lindqvist, Petra read her SSN", ["Lindqvist, Petra"]);
t!(acronyms_are_not_names, "SIM ICCID 8901260", []);
t!(lowercase_no_cue, "lorna fitzwater. refund to my checking", ["lorna fitzwater"]);
t!(lowercase_in_capitalised_text_needs_a_cue, "Please ask lorna fitzwater", []);
t!(lowercase_weak_cue_unlisted, "hi its ngozi okafor here", ["ngozi okafor"]);
t!(particle, "Faizal bin Rahmat. Card no", ["Faizal bin Rahmat"]);
t!(sign_off_next_line, "thanks for the help.\nRegards,\nAroha Ngata", ["Aroha Ngata"]);
t!(after_cue, "Zehra Pruschke speaking, how can I help", ["Zehra Pruschke"]);
t!(greeting_comma_after_cue, "Sir, Venkatesh Pamulapati here.", ["Venkatesh Pamulapati"]);
t!(everyday_first_name_after_cue, "this is wren castellano my acct", ["wren castellano"]);

// A name signed in lower case right after a long number, with initials or a listed first name.
t!(signature_after_card, "card 4111111111111111 -maria gonzalez", ["maria gonzalez"]);
t!(signature_initials, "4111111111111111 jp ardoin", ["jp ardoin"]);
t!(no_signature_in_prose, "card 4111111111111111 maria said ok", []);
// A listed surname vouches for a given name no list holds ("Last, First" in free text).
// A first name addressed before the pronoun is no `Last, First`.
t!(last_first_not_a_pronoun, "Ngozi, I'll need the SSN for the credit check", []);
// A name alone in a part of a message, in lower case and of everyday words, or in a caseless
// script inside Latin text.
t!(slot_lower_case_before_a_number, "daniel brook 219 44 0183 pls update", ["daniel brook"]);
t!(slot_after_a_dash, "acct 0042 8817 rtn 011000015 - helen stone", ["helen stone"]);
t!(slot_initial, "k. marsh / ssn 219440183", ["k. marsh"]);
t!(slot_not_a_sentence, "daniel brook says hi, ssn 219440183", []);
t!(slot_not_two_words, "thank you / card 4111 1111 1111 1111", []);
t!(slot_after_a_sign_off, "4111111111111111 cvv 123\nxo maren holt", ["maren holt"]);
t!(slot_dashed_initial, "lic A04718362 ty -k brennan", ["k brennan"]);
t!(slot_hebrew, "from: דנה לוי\nacct 88120455 rtn 011000015", ["דנה לוי"]);
t!(slot_devanagari, "राहुल वर्मा — license D1234567 for the claim", ["राहुल वर्मा"]);
t!(slot_not_a_whole_sentence_in_that_script, "note: यह मेरा नया कार्ड है 4111 1111 1111 1111", []);
// Emoji between the words of a name.
t!(emoji_between_names, "🌟 Carla 🌟 Mendes 🌟 here, card 4111 1111 1111 1111", ["Carla 🌟 Mendes"]);
// A cue's run ends at a function word or the pronoun; "a" after a cue is no initial.
t!(cued_run_ends_at_from, "It's Wanda from Ferraro Roofing and Gutters, card 4111 1111 1111 1111", []);
t!(cued_run_ends_at_the_pronoun, "okay mrs hollis I'll read that back, card 4111 1111 1111 1111", []);
t!(cued_a_is_no_initial, "It's a JCB, card 4111 1111 1111 1111", []);
// A surname in capitals and a given name in title case, with or without a comma.
t!(caps_surname_comma_given, "re: the form for HALVORSEN, Ingrid — ssn 219440183", ["HALVORSEN, Ingrid"]);
t!(caps_surname_given, "update card for MOREAU Julien 4111 1111 1111 1111", ["MOREAU Julien"]);
t!(caps_acronym_is_no_surname, "PLEASE Mark this paid, 4111 1111 1111 1111", []);
// After a cue, two listed names that end the clause, everyday words or not.
t!(cued_everyday_words_ending_the_clause, "hey im rose meadows. ssn 219440183", ["rose meadows"]);
t!(cued_everyday_words_going_on, "hey im rose and i need my ssn 219440183", []);
t!(last_first_unlisted_given, "name on the acct is Nakamura, Haruto. ssn next", ["Nakamura, Haruto"]);
// After a self-introduction, a listed surname that is an everyday word.
t!(intro_common_surname, "hi this is eamon carpenter, need to dispute a charge", ["eamon carpenter"]);

// A surname spelled letter by letter after a first name.
t!(spelled_surname, "tobias r as in robert e i n h a r d t michigan license", ["tobias r as in robert e i n h a r d t"]);
t!(spelled_then_said, "its femi a d e y e m i adeyemi and the amex", ["femi a d e y e m i adeyemi"]);
t!(spelled_letters_alone, "press a b c to continue", []);
// Both parts labelled, in any case.
t!(labelled_parts_lowercase, "first name anatoly last name herrera-quist social", ["anatoly", "herrera-quist"]);
// Signed off after a mark or a number, in a text with a long number.
t!(signed_off_mark, "cust msg: my ss is 702461183 -- r. venkataraman", ["r. venkataraman"]);
t!(signed_off_after_cvv, "4008275641933082 exp 0728 cvv 519 b. oyelaran", ["b. oyelaran"]);
t!(signed_off_needs_number, "see you soon -- r. venkataraman", []);

#[test]
fn identities_and_caller_ids() {
    assert_eq!(field("Author", "ricardo.albuquerque"), Some(Detector::NameField));
    assert_eq!(field("Author", "sokha.chhim@gmail.com"), Some(Detector::NameField));
    assert_eq!(field("Author", "k.okabe"), Some(Detector::NameField));
    assert_eq!(field("Author", "support.team"), None);
    assert_eq!(field("Author", "no_reply@example.com"), None);
    // A caller ID cut at 15 characters whose last word starts a business word.
    assert_eq!(field("CallerName", "RIVERBEND DENTA"), None);
    assert_eq!(field("CallerName", "LIAO WENHSUAN"), Some(Detector::NameField));
}

#[test]
fn a_name_given_in_answer() {
    let s = ScannerBuilder::new().build().unwrap();
    let lists = &s.0.names;
    let m = super::field::answered(lists, "may i have your name", "desmond achterberg").unwrap();
    assert_eq!((m.start, m.end), (0, 18));
    let m = super::field::answered(lists, "can I get your full name please", "yeah its tamsin okonkwo").unwrap();
    assert_eq!(&"yeah its tamsin okonkwo"[m.start..m.end], "tamsin okonkwo");
    assert!(super::field::answered(lists, "what's your user name", "blue falcon").is_none());
    assert!(super::field::answered(lists, "may i have your name", "billing support").is_none());
}
t!(slot_after_a_quote_and_a_sign_off, "agent typed back 'thanks fern silver, ssn 781-18-9698 verified' in the chat", ["fern silver"]);
// A bare "name" cue, not "first name" or "last name".
t!(bare_name_cue, "name petra lund. ssn", ["petra lund"]);
t!(name_was_cue, "his name was oskar berg and his ssn", ["oskar berg"]);
t!(name_on_object_is, "the name on my file is ingrid holm. ssn", ["ingrid holm"]);
t!(bare_name_after_first, "first name brand new", []);
t!(writing_after_cue, "hello. ruth olsen writing about my account", ["ruth olsen"]);
t!(spoke_w_slash, "spoke w/ nina berg re: her account", ["nina berg"]);
// A name as a sentence of its own at the start of a message.
t!(own_sentence_at_start, "Rose Hill. Social 123-45-6789", ["Rose Hill"]);
t!(own_sentence_needs_start, "I love it. Rose Hill. Social", []);
// Signatures glued to a number; an initial joined to a surname by its dot.
t!(signature_glued_to_digits, "1234tina garcia", ["tina garcia"]);
t!(initial_dot_surname, "ok 3782~k.nowak~", ["k.nowak"]);
// A place after "at", a shop named after a person.
t!(at_a_place, "charged at Ruby Tuesday and at Amy Wong", []);
t!(mad_at_a_person, "I was mad at Amy Wong yesterday", ["Amy Wong"]);
t!(bridal_shop, "Kara Lynn Bridal here: deposit", []);
// "I am" in scripts without case.
t!(hebrew_i_am, "שלום, אני דנה לוי. כרטיס", ["דנה לוי"]);
t!(hebrew_i_want_is_no_name, "אני רוצה לבטל את הכרטיס", []);
t!(hindi_i_am, "मैं सुनील वर्मा हूँ। SSN", ["सुनील वर्मा"]);
t!(chinese_i_am, "我是李明，卡号", ["李明"]);
t!(function_word_is_no_given_name, "pasted 4111111111111111 in lowercase", []);
