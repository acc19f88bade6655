//! Check-digit and range validators for identifier candidates.
//!
//! Validity lives in code, not in regexes: the hyphenated-SSN regex shipped by Vector's VRL rejects a
//! third of valid serials, and card regexes cannot express Luhn. Each
//! function takes ASCII digits only (separators already removed) and never allocates.

/// Why a card number is valid: its brand, from the card networks' published IIN ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardBrand {
    /// IIN 4; 16, 18 or 19 digits.
    Visa,
    /// IIN 51-55 or 2221-2720; 16 digits.
    Mastercard,
    /// IIN 34, 37; 15 digits.
    Amex,
    /// IIN 300-305, 36, 38, 39; 14, 16 or 19 digits.
    Diners,
    /// IIN 6011, 644-649, 65; 16 or 19 digits.
    Discover,
    /// IIN 3528-3589 (and legacy 2131, 1800); 15-19 digits.
    Jcb,
    /// IIN 62, 81; 14-19 digits.
    UnionPay,
    /// IIN 50, 56-59, 63, 67; 12-19 digits.
    Maestro,
    /// IIN 2200-2204; 16-19 digits.
    Mir,
}

fn prefix(d: &[u8], n: usize) -> u32 {
    d.iter().take(n).fold(0, |acc, &b| acc * 10 + u32::from(b - b'0'))
}

/// The brand whose IIN range and length admit `digits`, if any.
pub fn card_brand(digits: &[u8]) -> Option<CardBrand> {
    let len = digits.len();
    if !(12..=19).contains(&len) {
        return None;
    }
    let p1 = prefix(digits, 1);
    let p2 = prefix(digits, 2);
    let p3 = prefix(digits, 3);
    let p4 = prefix(digits, 4);
    let brand = if p1 == 4 && matches!(len, 16 | 18 | 19) {
        CardBrand::Visa
    } else if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        CardBrand::Mastercard
    } else if (p2 == 34 || p2 == 37) && len == 15 {
        CardBrand::Amex
    } else if ((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39)
        && matches!(len, 14 | 16 | 19)
    {
        CardBrand::Diners
    } else if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && matches!(len, 16 | 19) {
        CardBrand::Discover
    } else if ((3528..=3589).contains(&p4) || p4 == 2131 || p4 == 1800) && (15..=19).contains(&len)
    {
        CardBrand::Jcb
    } else if (p2 == 62 || p2 == 81) && (14..=19).contains(&len) {
        CardBrand::UnionPay
    } else if (2200..=2204).contains(&p4) && (16..=19).contains(&len) {
        CardBrand::Mir
    } else if (p2 == 50 || (56..=59).contains(&p2) || p2 == 63 || p2 == 67) && (12..=19).contains(&len)
    {
        CardBrand::Maestro
    } else {
        return None;
    };
    Some(brand)
}

/// Luhn mod-10 check over ASCII digits.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &b) in digits.iter().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// Every digit the same ("0000 0000 0000 0000" passes Luhn trivially).
pub fn all_same(digits: &[u8]) -> bool {
    digits.windows(2).all(|w| matches!(w, [a, b] if a == b))
}

/// A payment card number: known IIN and length, Luhn, not all one digit.
pub fn is_card(digits: &[u8]) -> Option<CardBrand> {
    if all_same(digits) || !luhn(digits) {
        return None;
    }
    card_brand(digits)
}

/// Sample and advertising SSNs that were never issued to a person (python-stdnum blacklist, SSA).
const SSN_DENY: [&[u8; 9]; 3] = [b"078051120", b"219099999", b"457555462"];

/// A structurally valid SSN per SSA POMS RM 10201.035: area not 000, 666 or 900-999; group not 00;
/// serial not 0000; not a known sample number; not all one digit.
pub fn is_ssn(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let area = prefix(d, 3);
    let group = prefix(d.get(3..).unwrap_or_default(), 2);
    let serial = prefix(d.get(5..).unwrap_or_default(), 4);
    area != 0
        && area != 666
        && area < 900
        && group != 0
        && serial != 0
        && !all_same(d)
        && !SSN_DENY.iter().any(|s| &s[..] == d)
}

/// An ABA routing transit number: valid Federal Reserve prefix and the 3-7-1 checksum.
pub fn is_aba(d: &[u8]) -> bool {
    if d.len() != 9 || all_same(d) {
        return false;
    }
    let p = prefix(d, 2);
    let prefix_ok = p <= 12 || (21..=32).contains(&p) || (61..=72).contains(&p) || p == 80;
    const W: [u32; 9] = [3, 7, 1, 3, 7, 1, 3, 7, 1];
    let sum: u32 = d.iter().zip(W).map(|(&b, w)| u32::from(b - b'0') * w).sum();
    prefix_ok && sum.is_multiple_of(10)
}

/// IBAN lengths by country (ISO 13616 registry, common SEPA and non-SEPA countries).
const IBAN_LEN: &[(&[u8; 2], usize)] = &[
    (b"AD", 24), (b"AE", 23), (b"AL", 28), (b"AT", 20), (b"AZ", 28), (b"BA", 20), (b"BE", 16),
    (b"BG", 22), (b"BH", 22), (b"BR", 29), (b"CH", 21), (b"CR", 22), (b"CY", 28), (b"CZ", 24),
    (b"DE", 22), (b"DK", 18), (b"DO", 28), (b"EE", 20), (b"EG", 29), (b"ES", 24), (b"FI", 18),
    (b"FO", 18), (b"FR", 27), (b"GB", 22), (b"GE", 22), (b"GI", 23), (b"GL", 18), (b"GR", 27),
    (b"GT", 28), (b"HR", 21), (b"HU", 28), (b"IE", 22), (b"IL", 23), (b"IS", 26), (b"IT", 27),
    (b"JO", 30), (b"KW", 30), (b"KZ", 20), (b"LB", 28), (b"LI", 21), (b"LT", 20), (b"LU", 20),
    (b"LV", 21), (b"MC", 27), (b"MD", 24), (b"ME", 22), (b"MK", 19), (b"MR", 27), (b"MT", 31),
    (b"MU", 30), (b"NL", 18), (b"NO", 15), (b"PK", 24), (b"PL", 28), (b"PS", 29), (b"PT", 25),
    (b"QA", 29), (b"RO", 24), (b"RS", 22), (b"SA", 24), (b"SE", 24), (b"SI", 19), (b"SK", 24),
    (b"SM", 27), (b"TN", 24), (b"TR", 26), (b"UA", 29), (b"VG", 24), (b"XK", 20),
];

/// The length of an IBAN of the country `cc` (upper case), if the country issues them.
pub fn iban_len(cc: [u8; 2]) -> Option<usize> {
    IBAN_LEN.iter().find(|(c, _)| **c == cc).map(|(_, len)| *len)
}

/// An IBAN (upper-case letters and digits, no separators): registered country length and mod-97 == 1.
pub fn is_iban(s: &[u8]) -> bool {
    let (Some(country), Some(check), Some(bban)) = (s.get(..2), s.get(2..4), s.get(4..)) else { return false };
    if s.len() < 15 || s.len() > 34 || !country.iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    if !check.iter().all(u8::is_ascii_digit) {
        return false;
    }
    match IBAN_LEN.iter().find(|(cc, _)| cc[..] == *country) {
        Some((_, len)) if *len == s.len() => {}
        _ => return false,
    }
    let mut rem: u32 = 0;
    for &b in bban.iter().chain(country).chain(check) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! t {
        ($name:ident, $f:expr, $($input:expr => $want:expr),+ $(,)?) => {
            #[test]
            fn $name() {
                $( assert_eq!($f($input.as_bytes()), $want, "input {:?}", $input); )+
            }
        };
    }

    t!(ssn_valid, is_ssn,
        "123456789" => true, "123451023" => true, "123450101" => true, "899999999" => true,
        "734010001" => true);
    t!(ssn_invalid, is_ssn,
        "000123456" => false, "666123456" => false, "900123456" => false, "999999999" => false,
        "123004567" => false, "123450000" => false, "078051120" => false, "219099999" => false,
        "457555462" => false, "111111111" => false, "12345678" => false);
    t!(luhn_cases, luhn,
        "4111111111111111" => true, "4111111111111112" => false, "79927398713" => true);
    t!(card_valid, |d: &[u8]| is_card(d).is_some(),
        "4111111111111111" => true, "5555555555554444" => true, "2223003122003222" => true,
        "378282246310005" => true, "6011111111111117" => true, "30569309025904" => true,
        "3530111333300000" => true, "6200000000000005" => true, "4000056655665556" => true);
    t!(card_invalid, |d: &[u8]| is_card(d).is_some(),
        "0000000000000000" => false, "4111111111111112" => false, "1234567812345670" => false,
        "9999999999999995" => false, "4222222222222" => false, "5105105105105106" => false);
    t!(aba_cases, is_aba,
        "011000015" => true, "021000021" => true, "111000025" => true, "322271627" => true,
        "123456789" => false, "021000022" => false, "500000005" => false, "000000000" => false);
    t!(iban_cases, is_iban,
        "GB82WEST12345698765432" => true, "DE89370400440532013000" => true,
        "FR1420041010050500013M02606" => true, "GB82WEST12345698765433" => false,
        "GB82WEST1234569876543" => false, "XX82WEST12345698765432" => false);

    #[test]
    fn brands() {
        assert_eq!(is_card(b"4111111111111111"), Some(CardBrand::Visa));
        assert_eq!(is_card(b"378282246310005"), Some(CardBrand::Amex));
        assert_eq!(is_card(b"2223003122003222"), Some(CardBrand::Mastercard));
    }
}
