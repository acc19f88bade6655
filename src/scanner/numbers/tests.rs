use crate::scanner::{Kind, ScannerBuilder};

fn kinds(text: &str) -> Vec<(Kind, &str)> {
    let s = ScannerBuilder::new().build().unwrap();
    s.scan_text(text).into_iter().filter(|m| m.kind != Kind::Name).map(|m| (m.kind, &text[m.start..m.end])).collect()
}

macro_rules! t {
    ($name:ident, $input:expr, [$(($k:ident, $v:expr)),* $(,)?]) => {
        #[test]
        fn $name() {
            let want: Vec<(Kind, &str)> = vec![$((Kind::$k, $v)),*];
            assert_eq!(kinds($input), want, "input {:?}", $input);
        }
    };
}

// SSN
t!(ssn_dashed, "SSN on file 123-45-6789", [(Ssn, "123-45-6789")]);
t!(ssn_dashed_no_cue, "it is 123-45-6789 ok", [(Ssn, "123-45-6789")]);
t!(ssn_serial_with_zeros, "ssn 123-45-1023 and 123-45-0101", [(Ssn, "123-45-1023"), (Ssn, "123-45-0101")]);
t!(ssn_spaces_need_cue, "code 123 45 6789", []);
t!(ssn_spaces_with_cue, "social security 123 45 6789", [(Ssn, "123 45 6789")]);
t!(ssn_bare_with_cue, "my ssn is 123456789", [(Ssn, "123456789")]);
t!(ssn_bare_hash_cue, "SS#123456789", [(Ssn, "123456789")]);
t!(ssn_bare_without_cue, "ref 123456789", []);
t!(ssn_mixed_separators, "ssn 123-45 6789", []);
t!(ssn_invalid_area, "ssn 000-12-3456 666-12-3456 912-12-3456", []);
t!(ssn_invalid_group_serial, "ssn 123-00-4567 123-45-0000", []);
t!(ssn_advertising, "ssn 078-05-1120 and 219-09-9999", []);
t!(ssn_inside_longer_run, "1234-56-78901 and 91234-56-7890", []);
t!(zip4_not_ssn, "zip 94105-1234", []);
// Cards
t!(card_plain, "card 4111111111111111", [(Card, "4111111111111111")]);
t!(card_spaces, "my card 4111 1111 1111 1111 exp 12/27", [(Card, "4111 1111 1111 1111")]);
t!(card_dashes, "use 5555-5555-5555-4444 please", [(Card, "5555-5555-5555-4444")]);
t!(card_amex, "amex 3782 822463 10005", [(Card, "3782 822463 10005")]);
t!(card_mc_2series, "2223003122003222", [(Card, "2223003122003222")]);
t!(card_then_cvv_digits, "4111 1111 1111 1111 123", [(Card, "4111 1111 1111 1111")]);
t!(card_luhn_fail, "card 4111111111111112", []);
t!(card_all_zero, "0000 0000 0000 0000", []);
// People type cards in other groupings too (4-8-4, 8-8): Luhn and a brand's prefix decide.
t!(card_odd_layout, "4111 11111111 1111", [(Card, "4111 11111111 1111")]);
t!(card_eight_eight, "its 41111111 11111111 ok", [(Card, "41111111 11111111")]);
t!(ssn_odd_grouping_after_its_cue, "my social: 2194 4018 3", [(Ssn, "2194 4018 3")]);
t!(nine_digits_odd_grouping_no_cue, "parts 2194 4018 3 in stock", []);
t!(card_bad_layout, "4111 111 11111 1111 3", []);
t!(spaced_single_digits_ssn, "my ssn is 3 6 7 4 0 1 9 6 5", [(Ssn, "3 6 7 4 0 1 9 6 5")]);
t!(spaced_single_digits_card, "here u go 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", [(Card, "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1")]);
t!(ssn_shape_order_number, "order number 412-55-8831 never showed up", []);
t!(ssn_shape_ticket, "ticket # 530-71-2294 still open", []);
// Only a label right before the number: "REF" inside a name ("EŞREF") is no label.
t!(ssn_after_name_holding_ref, "EŞREF ÇETIN it's 693-88-9754 for verification.", [(Ssn, "693-88-9754")]);
t!(ssn_cue_beats_label, "my ssn is 412-55-8831, not my order number", [(Ssn, "412-55-8831")]);
t!(brokerage_letter_prefix, "pls move the funds to my brokerage acct Z27-481093", [(Account, "Z27-481093")]);
t!(ira_letter_prefix, "roth ira acct X55102844 - transfer out", [(Account, "X55102844")]);
t!(card_in_decimal, "3.4111111111111111", []);
t!(card_timestamp, "at 1717337000123", []);
t!(card_in_sid, "CH4111111111111111aaaaaaaaaaaaaaaa", []);
// Accounts and routing
t!(account_cue, "direct deposit to acct 000123456789", [(Account, "000123456789")]);
t!(account_no_cue, "number 000123456789", []);
t!(account_order_cue, "account 12345678, order 55512345", [(Account, "12345678")]);
t!(routing_and_account, "routing 021000021 and checking account 123456789012", [(Routing, "021000021"), (Account, "123456789012")]);
t!(routing_bad_checksum, "routing 021000022", []);
t!(iban_compact, "IBAN GB82WEST12345698765432", [(Account, "GB82WEST12345698765432")]);
t!(iban_printed, "iban DE89 3704 0044 0532 0130 00 thanks", [(Account, "DE89 3704 0044 0532 0130 00")]);
t!(iban_bad_check, "GB82WEST12345698765433", []);
// Licences
t!(dl_california, "my license is D1234567", [(Dl, "D1234567")]);
t!(dl_state_hint, "license number 12345678 issued in Texas", [(Dl, "12345678")]);
t!(dl_no_cue, "D1234567", []);
t!(dl_public_policy, "public policy D1234567", []);
t!(dl_wrong_state_shape, "California driver's license 1234567890123", []);
t!(dl_state_id, "state ID X95101879", [(Dl, "X95101879")]);
t!(cue_stops_at_sentence, "Your account is in good standing since 2023. FedEx 346183215324.", []);
// Hard negatives
t!(phone_numbers, "call +1 555 867 5310 or (555) 867-5310 or 555-867-5310", []);
t!(dates_times, "on 2025-06-02T14:03:11.512Z and 06/02/2025 12:30:45", []);
t!(amounts, "total $1,234,567.89 or 1,234,567", []);
t!(uuid, "segment 02dd8a65-c9e3-550b-9e98-5b11abb9b3a5 and 12345678-1234-1234-1234-123456789012", []);
t!(tracking, "tracking 1Z999AA10123456784 USPS 9400 1000 0000 0000 0000 00", []);
t!(long_run, "00000000000000000000000000000000000000000000", []);
t!(invalid_ssn_not_account, "your account is in good standing. 000-99-7026 is not valid", []);
t!(cue_after_sentence_lowercase, "FedEx 815045335073. your account is fine", []);
t!(dl_texas_after_ref, "ref 449434614. license number 82901888 issued in Texas. SEÇIL TEKIN here", [(Dl, "82901888")]);
t!(card_prefix_glued_before, "x4111 1111 1111 1111 123 and $4111 1111 1111 1111 12", []);
t!(newline_ends_cue_window, "my acct\n12345678 is the order", []);

// As people type them.
t!(ssn_dots, "ssn 123.45.6789", [(Ssn, "123.45.6789")]);
t!(decimals_and_versions_are_not_dotted_numbers, "v 10.0.19045.2965 and 3.14159 and 12.05.2025", []);
t!(ssn_en_dashes, "ssn 123\u{2013}45\u{2013}6789", [(Ssn, "123\u{2013}45\u{2013}6789")]);
t!(ssn_full_width, "SSN \u{ff11}\u{ff12}\u{ff13}-\u{ff14}\u{ff15}-\u{ff16}\u{ff17}\u{ff18}\u{ff19}", [(Ssn, "\u{ff11}\u{ff12}\u{ff13}-\u{ff14}\u{ff15}-\u{ff16}\u{ff17}\u{ff18}\u{ff19}")]);
t!(card_nbsp, "card 4111\u{a0}1111\u{a0}1111\u{a0}1111", [(Card, "4111\u{a0}1111\u{a0}1111\u{a0}1111")]);
t!(card_split_over_lines, "card 4111 1111\n1111 1111 thanks", [(Card, "4111 1111\n1111 1111")]);
t!(imei_is_not_a_card, "my IMEI is 490154203237518", []);
t!(gift_card_is_not_a_card, "gift card 4111111111111111", []);
t!(misspelled_ssn_cue, "my soical is 123456789", [(Ssn, "123456789")]);
t!(misspelled_account_cue, "acount number 12345678901", [(Account, "12345678901")]);
t!(dl_florida_printed, "FL DL S382-793-70-230-9 on file", [(Dl, "S382-793-70-230-9")]);
t!(dl_illinois_printed, "drivers lic A123-4567-8901", [(Dl, "A123-4567-8901")]);
t!(dl_michigan_spaced, "MI licence no. J 243 480 218 750", [(Dl, "J 243 480 218 750")]);
t!(dl_maryland_dashed_letter, "MD DL E-504-882-985-823", [(Dl, "E-504-882-985-823")]);
t!(dl_new_york_spaced, "NY license 123 456 789", [(Dl, "123 456 789")]);
t!(dl_washington, "WA license WDLABCD1234E", [(Dl, "WDLABCD1234E")]);
t!(dl_lower_case, "drivers license d1234567", [(Dl, "d1234567")]);
t!(account_cue_in_korean, "계좌번호 966-595-194857", [(Account, "966-595-194857")]);
t!(uuid_group_still_embedded, "id 4a1f-8123-4567", []);
t!(grouped_order_number_is_not_a_card, "Order no. 4958 9426 7702 9560 \u{2014} wrong item", []);

// Digits typed one at a time are typed that way on purpose: nine valid as an SSN, with no cue, are
// one (like digits keyed on a phone); counting is not.
t!(ssn_typed_one_at_a_time, "the number is 3 6 8 2 5 9 9 1 0", [(Ssn, "3 6 8 2 5 9 9 1 0")]);
t!(counting_one_at_a_time, "testing 1 2 3 4 5 6 7 8 9", []);
// Cards in any grouping of three or more digits, with a brand's prefix and Luhn.
t!(card_in_threes, "5351 278 804 419 261 is the mastercard", [(Card, "5351 278 804 419 261")]);
t!(ss_cue, "ss 157398824", [(Ssn, "157398824")]);
#[test]
fn cards_in_any_grouping_with_an_expiry_after() {
    let s = crate::scanner::ScannerBuilder::new().build().unwrap();
    let cards = |t: &str| s.scan_text(t).into_iter().filter(|m| m.kind == Kind::Card).map(|m| t[m.start..m.end].to_owned()).collect::<Vec<_>>();
    // Two halves on two lines, the expiry on a third.
    assert_eq!(cards("Odile Brandt\n45170228\n44197360\n07/29"), ["45170228\n44197360"]);
    assert_eq!(cards("4517022844197360 07"), ["4517022844197360"]);
    assert_eq!(cards("45-1702-2844-19-7360 ok"), ["45-1702-2844-19-7360"]);
    assert_eq!(cards("card 4517/0228/4419/7360 exp 07/29"), ["4517/0228/4419/7360"]);
    assert_eq!(cards("4.5.1.7.0.2.2.8.4.4.1.9.7.3.6.0"), ["4.5.1.7.0.2.2.8.4.4.1.9.7.3.6.0"]);
    // A date, a fraction, a version: no card.
    assert!(cards("due 07/29/2026, 3/4 done, v4.5.17.0228").is_empty());
    // Luhn fails: no card.
    assert!(cards("45-1702-2844-19-7361").is_empty());
}
t!(brokerage_firm_prefix, "my brokerage acct is MSW-T55310928 - can I trade options", [(Account, "MSW-T55310928")]);
t!(brokerage_by_firm_name, "Schwab Z61-804215 needs closing", [(Account, "Z61-804215")]);
t!(firm_prefix_needs_a_cue, "ticket MSW-T55310928 is closed", []);
t!(cued_account_letters_inside, "moving it out of brokerage account 4QT-55012-8 next week", [(Account, "4QT-55012-8")]);
t!(cued_account_letter_suffix, "my roth acct # 7JD-30391-K", [(Account, "7JD-30391-K")]);
t!(cued_account_spaced_groups, "investment account 8NB 61730 2 please", [(Account, "8NB 61730 2")]);
t!(cued_account_letters_first, "account HQ-7710392 for the transfer", [(Account, "HQ-7710392")]);
t!(cued_account_needs_the_cue_right_before, "account closed; ticket 4QT-55012-8", []);
t!(cued_account_capitals_only, "account ref ab4417720x and order A7", []);
// Licences that start with digits, and licence shapes with letters cued from further away.
t!(dl_digit_first_nh, "my NH licence is 11ABC22334 thanks", [(Dl, "11ABC22334")]);
t!(dl_digit_first_iowa, "Iowa DL 207MN5518", [(Dl, "207MN5518")]);
t!(dl_digit_first_vermont, "vermont lic 3318205B", [(Dl, "3318205B")]);
t!(dl_digit_first_needs_a_cue, "part 207MN5518 shipped", []);
t!(dl_cue_earlier_sentence, "photo of my license attached. Lena Ortiz. here it is: W123-4567-8901", [(Dl, "W123-4567-8901")]);
t!(dl_state_named_with_letter, "Maryland # K-318-204-551-903", [(Dl, "K-318-204-551-903")]);
t!(dl_not_a_hunting_licence, "my hunting license # 30571946 lapsed", []);
t!(dl_in_case_is_no_label, "in case the scan is blurry, licence number is P 210 448 391 207", [(Dl, "P 210 448 391 207")]);
t!(dl_order_label_wins, "license renewal fee, order # A12345678", []);
// IBANs in lower case, with dashes, odd last groups, a name glued after.
t!(iban_lower_case, "iban gb82west12345698765432 pls", [(Account, "gb82west12345698765432")]);
t!(iban_dashes, "GB82-WEST-1234-5698-7654-32", [(Account, "GB82-WEST-1234-5698-7654-32")]);
t!(iban_name_glued_after, "IBAN GB82WEST12345698765432Ada", [(Account, "GB82WEST12345698765432")]);
t!(iban_longer_number_is_none, "GB82WEST123456987654321", []);
t!(iban_mixed_case_is_none, "GB82West12345698765432", []);
// Cards with separators numbers do not otherwise use.
t!(card_underscores, "card 4111_1111_1111_1111", [(Card, "4111_1111_1111_1111")]);
t!(card_pipes, "4111 | 1111 | 1111 | 1111 | renew", [(Card, "4111 | 1111 | 1111 | 1111")]);
t!(card_thousands_commas, "card 4,111,111,111,111,111 (excel)", [(Card, "4,111,111,111,111,111")]);
t!(card_lone_digit_group_after_cue, "card 4111-1111-1-111-1111", [(Card, "4111-1111-1-111-1111")]);
t!(card_lone_digit_group_needs_cue, "ref 4111-1111-1-111-1111", []);
t!(amounts_with_commas_are_not_cards, "totals 1,234,567 and 12,000", []);
// A number glued to a signature: an initial and dot, or a capitalised word.
t!(ssn_glued_initial_surname, "ssn 123456780x.moreno", [(Ssn, "123456780")]);
t!(ssn_glued_capital_word, "ssn 123-45-6789Sent by: me", [(Ssn, "123-45-6789")]);
t!(iban_not_inside_a_uuid, "id ad00626b-9449-60c6-9072-3d09c8a1b2f4", []);
t!(iban_group_longer_than_four_is_none, "GB82 WEST 12345 698 7654 32", []);
t!(card_cue_does_not_make_a_decimal_a_card, "name on the card is on file, pi is 4.389755403996582.", []);
t!(iban_double_spaces, "account for the refund:  NO93  8601  1117  947", [(Account, "NO93  8601  1117  947")]);
t!(dl_state_code_right_before, "licence pic for the claim: NJ A1234 56789 01234", [(Dl, "A1234 56789 01234")]);
t!(dl_state_code_must_be_right_before, "NJ office, claim ref A1234 56789 01234", []);
