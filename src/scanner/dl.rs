//! US driver's licence and state ID shapes (the states' published formats, as collected by NTSI).
//!
//! A shape is a sequence of letter and digit runs with length ranges, so "A+7N" (California) is
//! `[L1, D7]`. Many shapes (1-9 digits) look like any number, so the caller only asks when a licence
//! cue or field name is present; a state hint near the number narrows the shapes to that state's.
//! All-letter shapes (NY "8A", Washington's legacy 12-character format) are not matched: they need a
//! digit to become candidates, and the Washington format is unverified.

/// A run of letters (`L`) or digits (`D`) with an inclusive length range.
#[derive(Debug, Clone, Copy)]
enum Seg {
    L(u8, u8),
    D(u8, u8),
}
use Seg::{D, L};

/// (state code, state name, shapes).
const STATES: &[(&str, &str, &[&[Seg]])] = &[
    ("AL", "alabama", &[&[D(1, 8)]]),
    ("AK", "alaska", &[&[D(1, 7)]]),
    ("AZ", "arizona", &[&[L(1, 1), D(1, 8)], &[L(2, 2), D(2, 5)], &[D(9, 9)]]),
    ("AR", "arkansas", &[&[D(4, 9)]]),
    ("CA", "california", &[&[L(1, 1), D(7, 7)]]),
    ("CO", "colorado", &[&[D(9, 9)], &[L(1, 1), D(3, 6)], &[L(2, 2), D(2, 5)]]),
    ("CT", "connecticut", &[&[D(9, 9)]]),
    ("DE", "delaware", &[&[D(1, 7)]]),
    ("DC", "district of columbia", &[&[D(7, 7)], &[D(9, 9)]]),
    ("FL", "florida", &[&[L(1, 1), D(12, 12)]]),
    ("GA", "georgia", &[&[D(7, 9)]]),
    ("HI", "hawaii", &[&[L(1, 1), D(8, 8)], &[D(9, 9)]]),
    ("ID", "idaho", &[&[L(2, 2), D(6, 6), L(1, 1)], &[D(9, 9)]]),
    ("IL", "illinois", &[&[L(1, 1), D(11, 12)]]),
    ("IN", "indiana", &[&[L(1, 1), D(9, 9)], &[D(9, 10)]]),
    ("IA", "iowa", &[&[D(9, 9)], &[D(3, 3), L(2, 2), D(4, 4)]]),
    ("KS", "kansas", &[&[L(1, 1), D(1, 1), L(1, 1), D(1, 1), L(1, 1)], &[L(1, 1), D(8, 8)], &[D(9, 9)]]),
    ("KY", "kentucky", &[&[L(1, 1), D(8, 9)], &[D(9, 9)]]),
    ("LA", "louisiana", &[&[D(1, 9)]]),
    ("ME", "maine", &[&[D(7, 8)], &[D(7, 7), L(1, 1)]]),
    ("MD", "maryland", &[&[L(1, 1), D(12, 12)]]),
    ("MA", "massachusetts", &[&[L(1, 1), D(8, 8)], &[L(2, 2), D(7, 7)], &[D(9, 9)]]),
    ("MI", "michigan", &[&[L(1, 1), D(10, 10)], &[L(1, 1), D(12, 12)]]),
    ("MN", "minnesota", &[&[L(1, 1), D(12, 12)]]),
    ("MS", "mississippi", &[&[D(9, 9)]]),
    ("MO", "missouri", &[
        &[L(1, 1), D(5, 9)], &[L(1, 1), D(6, 6), L(1, 1)], &[D(8, 8), L(2, 2)],
        &[D(9, 9), L(1, 1)], &[D(9, 9)], &[D(3, 3), L(1, 1), D(6, 6)],
    ]),
    ("MT", "montana", &[&[L(1, 1), D(8, 8)], &[D(9, 9)], &[D(13, 14)]]),
    ("NE", "nebraska", &[&[D(1, 7)], &[L(1, 1), D(6, 8)]]),
    ("NV", "nevada", &[&[D(9, 10)], &[D(12, 12)], &[L(1, 1), D(8, 8)]]),
    ("NH", "new hampshire", &[&[D(2, 2), L(3, 3), D(5, 5)], &[L(3, 3), D(8, 8)]]),
    ("NJ", "new jersey", &[&[L(1, 1), D(14, 14)]]),
    ("NM", "new mexico", &[&[D(8, 9)]]),
    ("NY", "new york", &[&[L(1, 1), D(7, 7)], &[L(1, 1), D(18, 18)], &[D(8, 9)], &[D(16, 16)]]),
    ("NC", "north carolina", &[&[D(1, 12)]]),
    ("ND", "north dakota", &[&[L(3, 3), D(6, 6)], &[D(9, 9)]]),
    ("OH", "ohio", &[&[L(1, 1), D(4, 8)], &[L(2, 2), D(3, 7)], &[D(8, 8)]]),
    ("OK", "oklahoma", &[&[L(1, 1), D(9, 9)], &[D(9, 9)]]),
    ("OR", "oregon", &[&[D(1, 9)], &[L(1, 1), D(6, 6)]]),
    ("PA", "pennsylvania", &[&[D(8, 8)]]),
    ("RI", "rhode island", &[&[D(7, 8)], &[L(1, 1), D(6, 6)]]),
    ("SC", "south carolina", &[&[D(5, 11)]]),
    ("SD", "south dakota", &[&[D(6, 10)], &[D(12, 12)]]),
    ("TN", "tennessee", &[&[D(7, 9)]]),
    ("TX", "texas", &[&[D(7, 8)]]),
    ("UT", "utah", &[&[D(4, 10)]]),
    ("VT", "vermont", &[&[D(8, 8)], &[D(7, 7), L(1, 1)]]),
    ("VA", "virginia", &[&[L(1, 1), D(8, 11)], &[D(9, 9)]]),
    ("WV", "west virginia", &[&[D(7, 7)], &[L(1, 2), D(5, 6)]]),
    ("WI", "wisconsin", &[&[L(1, 1), D(13, 13)]]),
    ("WY", "wyoming", &[&[D(9, 10)]]),
    ("GU", "guam", &[&[L(1, 1), D(14, 14)]]),
    ("PR", "puerto rico", &[&[D(5, 7)], &[D(9, 9)]]),
];

/// Splits an alphanumeric token into (is_letter, run length) runs; `None` past 6 runs.
fn runs(token: &[u8]) -> Option<([(bool, u8); 6], usize)> {
    let mut out = [(false, 0u8); 6];
    let mut n = 0usize;
    for &b in token {
        let letter = b.is_ascii_alphabetic();
        match n.checked_sub(1).and_then(|p| out.get_mut(p)) {
            Some(last) if last.0 == letter => last.1 = last.1.saturating_add(1),
            _ => {
                *out.get_mut(n)? = (letter, 1);
                n += 1;
            }
        }
    }
    Some((out, n))
}

fn shape_matches(shape: &[Seg], runs: &[(bool, u8)]) -> bool {
    shape.len() == runs.len()
        && shape.iter().zip(runs).all(|(seg, &(letter, len))| match *seg {
            L(lo, hi) => letter && (lo..=hi).contains(&len),
            D(lo, hi) => !letter && (lo..=hi).contains(&len),
        })
}

/// The states named near a number (a bit per row of the shape table). Several may be named
/// ("Florida Bailey, license issued in Texas"); a number may have any hinted state's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateHint(u64);

/// State codes that are also everyday upper-case words ("state ID", "OK", "HI", "ME", "IN", "OR"):
/// only the state's full name hints at these states.
const AMBIGUOUS_CODES: &[&str] = &["ID", "OK", "HI", "ME", "IN", "OR", "DE", "PA", "LA", "CO", "AL", "MA", "MD"];

/// Finds state names (case-insensitive) and unambiguous upper-case state codes (whole words).
#[derive(Debug, Clone)]
pub struct StateFinder {
    names: aho_corasick::AhoCorasick,
}

impl StateFinder {
    /// Builds the state-name automaton.
    pub fn new() -> Result<StateFinder, aho_corasick::BuildError> {
        let names = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(STATES.iter().map(|(_, name, _)| name))?;
        Ok(StateFinder { names })
    }

    /// The states named or abbreviated in `window`.
    pub fn hint(&self, window: &[u8]) -> Option<StateHint> {
        let mut bits = 0u64;
        for m in self.names.find_overlapping_iter(window) {
            bits |= 1 << m.pattern().as_usize();
        }
        // Codes: two upper-case letters standing alone.
        for (p, w) in window.windows(2).enumerate() {
            if w.iter().all(u8::is_ascii_uppercase)
                && p.checked_sub(1).and_then(|q| window.get(q)).is_none_or(|&c| !is_word_byte(c))
                && window.get(p + 2).is_none_or(|b| !is_word_byte(*b))
            {
                if let Some((i, (code, _, _))) = STATES.iter().enumerate().find(|(_, (code, _, _))| code.as_bytes() == w) {
                    if !AMBIGUOUS_CODES.contains(code) {
                        bits |= 1 << i;
                    }
                }
            }
        }
        (bits != 0).then_some(StateHint(bits))
    }
}

/// The states named in `window` (builds a finder; the scanner keeps one instead).
pub fn state_hint(window: &[u8]) -> Option<StateHint> {
    StateFinder::new().expect("state names build").hint(window)
}

/// Letters and digits, including every byte of a non-ASCII character ("SEÇIL" holds no "IL").
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}


/// True when `token` (letters and digits only) has a licence shape: for an all-digit token, the
/// hinted state's shapes when there is a hint (digits alone are the ambiguous case); otherwise any
/// state's. A token must be at least 5 characters with a hint and 6 without, so
/// "license 2", "H1" or a year is not a licence, even where a state allows it.
pub fn is_dl(token: &[u8], hint: Option<StateHint>) -> bool {
    if token.len() < if hint.is_some() { 5 } else { 6 } {
        return false;
    }
    let Some((r, n)) = runs(token) else { return false };
    let r = r.get(..n).unwrap_or_default();
    if !r.iter().any(|(letter, _)| !letter) {
        return false;
    }
    let all_digits = r.len() == 1;
    match hint {
        Some(StateHint(bits)) if all_digits => STATES
            .iter()
            .enumerate()
            .any(|(i, (_, _, shapes))| bits & (1 << i) != 0 && shapes.iter().any(|s| shape_matches(s, r))),
        _ => {
            STATES.iter().any(|(_, _, shapes)| shapes.iter().any(|s| shape_matches(s, r)))
        }
    }
}

/// True when `token` (upper-case letters and digits, at least one of each) has one of the shapes of
/// a state in `hint`.
pub fn is_dl_of(token: &[u8], hint: StateHint) -> bool {
    let Some((r, n)) = runs(token) else { return false };
    let r = r.get(..n).unwrap_or_default();
    r.len() >= 2
        && token.len() >= 6
        && STATES.iter().enumerate().any(|(i, (_, _, shapes))| hint.0 & (1 << i) != 0 && shapes.iter().any(|s| shape_matches(s, r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(is_dl(b"D1234567", None));
        assert!(is_dl(b"D1234567", state_hint(b"CA")));
        assert!(!is_dl(b"1234567890123", state_hint(b"issued in California")));
        assert!(is_dl(b"1234567890123", state_hint(b"issued in Montana")));
        assert!(is_dl(b"X95101879", state_hint(b"state ID")));
        // Two states named: either's shape will do.
        assert!(is_dl(b"60932901", state_hint(b"Florida Bailey license number 60932901 issued in Texas")));
        assert!(is_dl(b"S12345678901", None)); // FL has 12 digits; IL 11-12
        assert!(is_dl(b"123456789", None));
        assert!(!is_dl(b"12", None));
        assert!(!is_dl(b"INTRODUCTORY", None));
        assert!(!is_dl(b"H1", None));
        assert!(is_dl(b"12ABC34567", state_hint(b"NH")));
        assert!(!is_dl(b"ABCDEFGH", None));
    }
}
