//! The word prefilter: most text holds no category term, so the term automaton runs only at words
//! that may begin one.
//!
//! Eight bytes at a time, the ASCII letters of a text are found with SWAR arithmetic. At each word
//! start (a letter after a non-letter) the word's first eight bytes, cut at its end and case-folded,
//! are hashed and looked up in a 256 Ki-bit table (32 KiB) of the first words of the lexicon's
//! patterns. A set bit means "maybe": the caller then runs an anchored automaton search there. On
//! the generated clean corpus about one word in twenty passes (most of them words that do begin a
//! term, "credit", "back", "high"); the rest cost about ten instructions each. A case-insensitive
//! automaton over every byte instead runs at DFA speed (under 0.5 GB/s here). Even so, looking at
//! every word costs prose about 1 ns a byte (`BENCHMARKS.md`), where the identifier scan, which
//! skips to digits, costs about as much.

/// Bits of the table index.
const BITS: u32 = 18;
const HI: u64 = 0x8080_8080_8080_8080;

/// The table of first words.
pub(super) struct Prefixes {
    table: Box<[u64]>,
}

/// Bit 7 of each byte of `w` that is an ASCII letter.
#[inline]
fn letters(w: u64) -> u64 {
    let x = (w | 0x2020_2020_2020_2020) & 0x7f7f_7f7f_7f7f_7f7f;
    let ge_a = x.wrapping_add(0x1f1f_1f1f_1f1f_1f1f) & HI;
    let gt_z = x.wrapping_add(0x0505_0505_0505_0505) & HI;
    ge_a & !gt_z & !(w & HI)
}

#[inline]
fn load(hay: &[u8], at: usize) -> u64 {
    match hay.get(at..at + 8) {
        Some(b) => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        None => {
            let mut buf = [0u8; 8];
            buf[..hay.len() - at].copy_from_slice(&hay[at..]);
            u64::from_le_bytes(buf)
        }
    }
}

/// The word at `at`: its first eight bytes up to its end, lower case, the rest zero.
#[inline]
fn key(hay: &[u8], at: usize) -> u64 {
    let w = load(hay, at);
    let non = !letters(w) & HI;
    let len = (non.trailing_zeros() >> 3).min(8);
    let mask = if len == 8 { u64::MAX } else { (1u64 << (len * 8)) - 1 };
    (w | 0x2020_2020_2020_2020) & mask
}

#[inline]
fn slot(k: u64) -> usize {
    (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS)) as usize
}

impl Prefixes {
    pub(super) fn new() -> Prefixes {
        Prefixes { table: vec![0; 1 << (BITS - 6)].into_boxed_slice() }
    }

    /// Adds the word that starts `pattern` (lower case, starting with a letter).
    pub(super) fn insert(&mut self, pattern: &[u8]) {
        let s = slot(key(pattern, 0));
        self.table[s >> 6] |= 1 << (s & 63);
    }

    #[inline]
    fn maybe(&self, k: u64) -> bool {
        let s = slot(k);
        self.table[s >> 6] & (1 << (s & 63)) != 0
    }

    /// Calls `f` with each word start in `hay` whose word may begin a pattern; `f` returns the
    /// offset to go on from (past a match, or the start itself).
    #[inline]
    pub(super) fn for_each(&self, hay: &[u8], mut f: impl FnMut(usize) -> usize) {
        let mut i = 0;
        let mut prev_letter = 0u64; // bit 7 set when the byte before this block is a letter
        let mut next = 0usize; // offsets below this were consumed by a match
        while i < hay.len() {
            let l = letters(load(hay, i));
            let mut starts = l & !((l << 8) | prev_letter);
            prev_letter = l >> 56;
            while starts != 0 {
                let at = i + (starts.trailing_zeros() as usize >> 3);
                starts &= starts - 1;
                if at >= next && self.maybe(key(hay, at)) {
                    next = f(at);
                }
            }
            i += 8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(p: &Prefixes, s: &str) -> Vec<usize> {
        let mut v = Vec::new();
        p.for_each(s.as_bytes(), |at| {
            v.push(at);
            at
        });
        v
    }

    #[test]
    fn finds_listed_words_in_any_case_and_only_whole() {
        let mut p = Prefixes::new();
        p.insert(b"diabetes");
        p.insert(b"hiv");
        let s = "I have Diabetes and HIV, not hives; xdiabetes.DIABETIC hiv";
        // "DIABETIC" shares its first eight letters with "diabetes"? No: "diabetic" differs in the
        // eighth, so it does not pass; "xdiabetes" is not a word start.
        assert_eq!(starts(&p, s), [7, 20, 55]);
    }

    #[test]
    fn long_words_texts_and_tails() {
        let mut p = Prefixes::new();
        p.insert(b"chemotherapy");
        p.insert(b"chemo");
        let s = format!("{}chemo chemotherapy chemotherapist", "word ".repeat(40));
        // Words of eight letters or more are keyed on their first eight.
        assert_eq!(starts(&p, &s), [200, 206, 219]);
        assert!(starts(&p, "éé chemo").contains(&5));
    }
}

