use super::*;

fn view(t: &str) -> String {
    normalise(t).map_or_else(|| t.to_owned(), |v| v.text)
}

/// The original text a view range was read from.
fn back(t: &str, needle: &str) -> String {
    let v = normalise(t).unwrap();
    let s = v.text.find(needle).unwrap();
    t[v.original(s)..v.original_end(s + needle.len())].to_owned()
}

#[test]
fn digits_one_by_one() {
    assert_eq!(view("my social is one two three four five six seven eight nine"), "my social is 123456789");
    assert_eq!(view("it's four one one one, one one one one, one one one one, one one one one."), "it's 4111111111111111.");
    assert_eq!(view("one two three, four five, six seven eight nine"), "123 45 6789");
    assert_eq!(view("4 1 4 7 2 0 9 1 3"), "414720913");
    assert_eq!(view("4 1 4 seven two oh nine"), "4147209");
    assert_eq!(view("four one uh one one"), "4111");
    assert_eq!(view("the card is 5 1 0 2, 4 8 8 7 and one two three, can you"), "the card is 51024887 and 123, can you");
    assert_eq!(view("one two seven, eight two zero three, oh"), "12782030");
}

#[test]
fn words_for_numbers() {
    assert_eq!(view("double five triple seven oh"), "557770");
    assert_eq!(view("forty two"), "42");
    assert_eq!(view("forty-two"), "42");
    assert_eq!(view("nineteen eighty"), "1980");
    assert_eq!(view("four hundred and twelve"), "412");
    assert_eq!(view("two thousand five"), "2005");
    assert_eq!(view("treinta y dos"), "32");
    assert_eq!(view("veintidós cuatro cero"), "2240");
    assert_eq!(view("ciento doce"), "112");
    assert_eq!(view("four six nine, forty three, sixty eight hundred"), "469 43 6800");
    assert_eq!(view("nineteen hundred and five"), "1905");
    assert_eq!(view("mi seguro social es cuatro cinco seis, siete ocho, nueve cero uno dos"), "mi seguro social es 456 78 9012");
}

#[test]
fn groups_kept_only_in_known_layouts() {
    assert_eq!(view("five five five, eight six seven, five three oh nine"), "5558675309");
    assert_eq!(view("nine oh two one oh, one two three four"), "90210 1234");
    assert_eq!(view("four one one, one one one one one, one one one one, one one one one"), "4111111111111111");
}

#[test]
fn oh_and_small_numbers_stay_words() {
    assert_eq!(view("oh, five five five one two one two"), "oh, 5551212");
    assert_eq!(view("oh okay, I have two cards"), "oh okay, I have two cards");
    assert_eq!(view("one of them"), "one of them");
    assert_eq!(view("I called once 4111"), "I called once 4111");
}

#[test]
fn spelled_letters_glue_to_digits() {
    assert_eq!(view("it's D as in David one two three four five six seven"), "it's D1234567");
    assert_eq!(view("B like boy 4 4 5 2 1 9 8"), "B4452198");
    assert_eq!(view("Delta seven seven three one nine two two"), "D7731922");
    assert_eq!(view("spell it S M I T H"), "spell it S M I T H");
    assert_eq!(view("I 4 1 1 1"), "I 4111");
    assert_eq!(view("W D L, seven, K, two, four, N, eight, eight, one, Q."), "WDL7K24N881Q.");
    assert_eq!(view("whiskey delta lima eight romeo tango four two kilo quebec six november and"), "WDL8RT42KQ6N and");
    assert_eq!(view("nine nine eight seven. B as in boy"), "9987. B as in boy");
}

#[test]
fn spans_cover_the_words() {
    let t = "my social is one two three four five six seven eight nine, thanks";
    assert_eq!(back(t, "123456789"), "one two three four five six seven eight nine");
    assert_eq!(back(t, "9"), "nine");
    assert_eq!(back("it's D as in David one two three four", "D1234"), "D as in David one two three four");
    assert_eq!(back("forty two", "42"), "forty two");
}

#[test]
fn typed_text_is_left_alone() {
    assert!(normalise("SSN 123-45-6789 please").is_none());
    assert!(normalise("call me tomorrow").is_none());
    assert!(!has_spoken_number("order 1234 5678"));
    assert!(normalise("USPS 9400 0230 1344. it's 534-48-4482 ok 4 1").is_none());
    assert!(has_spoken_number("four one"));
}

#[test]
fn sentence_edges() {
    assert!(ends_with_number("it's four one one one."));
    assert!(ends_with_number("4111 1111, uh"));
    assert!(!ends_with_number("Can I get your social?"));
    assert!(starts_with_number("and one one one one."));
    assert!(starts_with_number("Uh, it's 4 1 1 1"));
    assert!(!starts_with_number("Okay, go ahead."));
    assert!(continues_number("Eighty four, seventeen forty six, got it?"));
    assert!(!continues_number("One two three, can you hear me okay?"));
}

#[test]
fn spelled_iban_and_corrections() {
    assert_eq!(view("iban is g b eight eight l o y d zero five three four"), "iban is GB88LOYD0534");
    assert_eq!(view("i e six six b o f i five eight two seven"), "IE66BOFI5827");
    assert_eq!(view("iban read out pl nine two four seven six"), "iban read out PL92476");
    // Hesitations join; corrections replace from where the speaker starts again.
    assert_eq!(view("five three one um twenty uh seven seven let me see eight four"), "531207784");
    assert_eq!(view("two two nine oh five six six one four no sorry six six one three"), "229056613");
    assert_eq!(view("three one eight nine three i mean nine two four four zero six"), "318924406");
    assert_eq!(view("four three four and one two three"), "434 and 123");
}

#[test]
fn last_words_are_the_words_read_forwards() {
    for t in ["", "  ", "four one one one.", "it's 4111 ok", "Call x-ray now", "a,b;c  d", "nine B as in boy", "déjà vu 42", "uh... um"] {
        let fwd: Vec<(usize, usize)> = words(t).collect();
        let want: Vec<(usize, usize)> = fwd.iter().rev().take(3).copied().collect();
        let got: Vec<(usize, usize)> = last_words(t).into_iter().flatten().collect();
        assert_eq!(got, want, "{t:?}");
    }
}

#[test]
fn a_number_after_an_aside() {
    use super::number_after_aside;
    let t = "sorry, the dog, hang on, okay, seven four";
    assert_eq!(number_after_aside(t).map(|i| &t[i..]), Some("seven four"));
    // A sentence that starts with its number, or holds another one in its aside, has none.
    assert_eq!(number_after_aside("five five one"), None);
    assert_eq!(number_after_aside("it's 12 past, so seven four"), None);
    assert_eq!(number_after_aside("no number here"), None);
}
#[test]
fn double_and_triple_before_numerals() {
    assert_eq!(view("it's a new york license. double 7 2 triple 0 4 1 5."), "it's a new york license. 772000415.");
}

#[test]
fn spelled_bank_codes() {
    // A bank code after the check digits: "a" and "i" are letters there, and "o" after three
    // letters is the letter before the account digits.
    assert_eq!(view("n l nine one a b n a zero four one seven one six four three zero zero"), "NL91ABNA0417164300");
    assert_eq!(view("i e two nine a i b k nine three one one five two"), "IE29AIBK931152");
    assert_eq!(view("n l six five i n g b zero zero zero six"), "NL65INGB0006");
    assert_eq!(view("n l two two r a b o zero three four seven one nine two"), "NL22RABO0347192");
    assert_eq!(view("i t six zero x come xilofono zero five"), "IT60X05");
    // Not a code: one letter between digits, or a word after a pause.
    assert_eq!(view("one two three a four five six seven"), "1234567");
}
