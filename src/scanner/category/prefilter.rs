//! The word prefilter: most text holds no category term, so the term automaton runs only at words
//! that may begin one.
//!
//! Sixty-four bytes at a time, the ASCII letters and digits of a text become bit masks (SWAR
//! arithmetic on eight bytes, a multiply to pack the flags). At each start of a word of three
//! letters or more (no pattern is keyed on a shorter one) the word's first eight bytes, cut at its
//! end and case-folded, are hashed and looked up in a 256 Ki-bit table (32 KiB) of the words the
//! lexicon's patterns are keyed on; a word that passes is checked again with the word after it in
//! a 64 Ki-bit table of (word, next word) pairs, so a word that only begins longer terms
//! ("charged", "morning") stops there. A word that passes both is a "maybe": the caller runs an
//! anchored automaton search there. A case-insensitive automaton over every byte instead runs at
//! DFA speed (under 0.5 GB/s here). Even so, visiting every word start of prose costs about 0.5 ns
//! a byte before any lookup, where the identifier scan, which skips to digits, costs about 1 ns a
//! byte in all (`BENCHMARKS.md`).
// Not yet converted to checked indexing (28 sites): byte scans whose every index is guarded by a
// bound check in the same loop or condition (`i < b.len()`, `e <= b.len()`). Covered by the property
// tests (tests/fuzz.rs, tests/fuzz_json.rs), tests/unicode.rs and the libFuzzer targets (fuzz/).
#![cfg_attr(not(test), expect(clippy::indexing_slicing, reason = "bounds-guarded byte scans, fuzzed; to convert"))]

/// Bits of the table index.
const BITS: u32 = 18;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bits of the pair table's index.
const PAIR_BITS: u32 = 16;
/// The "next word" of a pattern's last word.
const END: u64 = u64::MAX;

/// The table of first words, and of first words with the word that follows them.
pub(super) struct Prefixes {
    table: Box<[u64]>,
    pairs: Box<[u64]>,
    /// The first four letters of the terms a misspelling is looked for (`super::fuzzy`).
    fuzzy: Box<[u64]>,
}

const FUZZY_BITS: u32 = 14;

#[inline]
fn fuzzy_slot(k3: u64) -> usize {
    (k3.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FUZZY_BITS)) as usize
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

/// The key of the word after the word at `at` (past one separator byte: "morning sickness",
/// "A-fib", "HbA1c"), or [`END`] when the word ends `hay`. A pattern and a text that match byte for
/// byte (up to case) give the same key.
fn next_key(hay: &[u8], at: usize) -> u64 {
    let e = at + hay[at..].iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if e >= hay.len() {
        END
    } else {
        key(hay, e + 1)
    }
}

#[inline]
fn pair_slot(k: u64, next: u64) -> usize {
    ((k ^ next.rotate_left(23)).wrapping_mul(0xD6E8_FEB8_6659_FD93) >> (64 - PAIR_BITS)) as usize
}

#[inline]
fn slot(k: u64) -> usize {
    (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS)) as usize
}

impl Prefixes {
    pub(super) fn new() -> Prefixes {
        Prefixes {
            table: vec![0; 1 << (BITS - 6)].into_boxed_slice(),
            pairs: vec![0; 1 << (PAIR_BITS - 6)].into_boxed_slice(),
            fuzzy: vec![0; 1 << (FUZZY_BITS - 6)].into_boxed_slice(),
        }
    }

    /// Adds the word that starts `pattern` (lower case, starting with a letter), and that word
    /// with the one after it (or with [`END`]).
    pub(super) fn insert(&mut self, pattern: &[u8]) {
        let k = key(pattern, 0);
        let s = slot(k);
        self.table[s >> 6] |= 1 << (s & 63);
        let s = pair_slot(k, next_key(pattern, 0));
        self.pairs[s >> 6] |= 1 << (s & 63);
    }

    /// Marks the first four letters of a term whose misspellings are looked for. (A misspelling in
    /// the first four letters, "ashma", is not looked for: keying the terms' deletions there as well
    /// found 4 more of 1,440 category events and cost +6.8 % on text with no finding.)
    pub(super) fn insert_fuzzy(&mut self, term: &[u8]) {
        let s = fuzzy_slot(key(term, 0) & 0xFFFF_FFFF);
        self.fuzzy[s >> 6] |= 1 << (s & 63);
    }

    /// True when the word keyed `k` may be one edit from a term whose misspellings are looked for.
    #[inline]
    fn fuzzy_maybe(&self, k: u64) -> bool {
        let s = fuzzy_slot(k & 0xFFFF_FFFF);
        self.fuzzy[s >> 6] & (1 << (s & 63)) != 0
    }

    /// True when a pattern may start with the word at the start of `word` (no false negatives).
    pub(super) fn may_start(&self, word: &[u8]) -> bool {
        self.maybe(key(word, 0))
    }

    #[inline]
    fn maybe(&self, k: u64) -> bool {
        let s = slot(k);
        self.table[s >> 6] & (1 << (s & 63)) != 0
    }

    /// The second stage, for a word that passed the first: some pattern starts with this word and
    /// the word after it, or with this word alone. Most words that pass the first stage begin a
    /// longer term ("charged off", "morning sickness") and fail here.
    #[inline]
    fn pair(&self, hay: &[u8], at: usize, k: u64) -> bool {
        let has = |n: u64| {
            let s = pair_slot(k, n);
            self.pairs[s >> 6] & (1 << (s & 63)) != 0
        };
        has(END) || has(next_key(hay, at))
    }

    /// Calls `f` with each word start in `hay` whose word may begin a pattern; `f` returns the
    /// offset to go on from (past a match, or the start itself). Pushes to `numbers` the start of
    /// each word (of letters and digits) that begins with a digit ("1,400", "28k") or with one letter
    /// and a digit ("E11.9"): amounts and codes are read from there. Digits inside a word (a SID's
    /// hex, "WS4f0fa14…") start none.
    ///
    /// Sixty-four bytes at a time: the block and the eight bytes after it (for a word that runs
    /// past the block's end) are copied to a buffer, the block's letters become a bit mask, and
    /// each word start's first eight letters, cut at the word's end, are looked up. The copy makes
    /// every load a fixed eight bytes, with no bounds branch per word.
    #[inline]
    #[cfg(test)]
    pub(super) fn for_each(&self, hay: &[u8], numbers: &mut Vec<usize>, mut f: impl FnMut(usize) -> usize) {
        self.for_each_with(hay, numbers, |at| Some(f(at)), |_| {});
    }

    /// [`Prefixes::for_each`], where `f` returns `None` when no pattern starts there after all, and
    /// `g` at each start of a word of five letters or more that no pattern starts with but whose
    /// first four letters a misspelt term's are.
    #[inline]
    pub(super) fn for_each_with(&self, hay: &[u8], numbers: &mut Vec<usize>, mut f: impl FnMut(usize) -> Option<usize>, mut g: impl FnMut(usize)) {
        let mut prev_letter = 0u64; // 1 when the byte before this block is a letter
        let mut prev_alnum = 0u64; // … a letter or a digit
        let mut skip_to = 0usize; // offsets below this were consumed by a match
        let mut buf = [0u8; 72];
        let mut base = 0;
        while base < hay.len() {
            let take = (hay.len() - base).min(72);
            if take < 72 {
                buf = [0; 72];
            }
            buf[..take].copy_from_slice(&hay[base..base + take]);
            let (mut m, mut d) = (0u64, 0u64);
            for j in 0..8 {
                let w = word(&buf, 8 * j);
                m |= gather(letters(w)) << (8 * j);
                d |= gather(digits_of(w)) << (8 * j);
            }
            let tail = word(&buf, 64);
            let l = u128::from(m) | u128::from(gather(letters(tail))) << 64;
            let a = m | d;
            let digit_after = (d >> 1) | gather(digits_of(tail)) << 63;
            let mut nums = a & !((a << 1) | prev_alnum) & (d | m & digit_after);
            prev_alnum = a >> 63;
            while nums != 0 {
                numbers.push(base + nums.trailing_zeros() as usize);
                nums &= nums - 1;
            }
            // Starts of words of three letters or more: no pattern is keyed on a shorter word.
            let mut starts = m & !((m << 1) | prev_letter) & (l >> 1) as u64 & (l >> 2) as u64 & from(skip_to, base);
            prev_letter = m >> 63;
            while starts != 0 {
                let p = starts.trailing_zeros() as usize;
                starts &= starts - 1;
                let len = (!(l >> p) as u64).trailing_zeros().min(8);
                let k = (word(&buf, p) | 0x2020_2020_2020_2020) & LEN_MASK[len as usize];
                // A word keyed like a term that is none may be a misspelling of one ("catholick",
                // "garnishmint").
                if let Some(at) = (self.maybe(k) && self.pair(hay, base + p, k)).then(|| f(base + p)).flatten() {
                    skip_to = at;
                    starts &= from(skip_to, base);
                } else if len >= 5 && self.fuzzy_maybe(k) {
                    g(base + p);
                }
            }
            base += 64;
        }
    }
}

/// Bit 7 of each byte of `w` that is an ASCII digit.
#[inline]
fn digits_of(w: u64) -> u64 {
    let x = w & 0x7f7f_7f7f_7f7f_7f7f;
    let ge_0 = x.wrapping_add(0x5050_5050_5050_5050) & HI;
    let gt_9 = x.wrapping_add(0x4646_4646_4646_4646) & HI;
    ge_0 & !gt_9 & !(w & HI)
}

/// The eight bytes of `buf` at `at`.
#[inline]
fn word(buf: &[u8; 72], at: usize) -> u64 {
    let b = &buf[at..at + 8];
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// The bits of a block starting at `base` for offsets at or after `skip_to`.
#[inline]
fn from(skip_to: usize, base: usize) -> u64 {
    match skip_to.saturating_sub(base) {
        0 => u64::MAX,
        d if d >= 64 => 0,
        d => u64::MAX << d,
    }
}

/// The low `n` bytes of a word.
const LEN_MASK: [u64; 9] = {
    let mut m = [0u64; 9];
    let mut n = 1;
    while n < 9 {
        m[n] = if n == 8 { u64::MAX } else { (1u64 << (n * 8)) - 1 };
        n += 1;
    }
    m
};

/// Bit 7 of each byte of `x`, packed into the low eight bits (byte `i` to bit `i`).
#[inline]
fn gather(x: u64) -> u64 {
    ((x >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(p: &Prefixes, s: &str) -> Vec<usize> {
        let mut v = Vec::new();
        p.for_each(s.as_bytes(), &mut Vec::new(), |at| {
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

    #[test]
    fn numbers_start_words_across_blocks() {
        let p = Prefixes::new();
        let numbers = |s: &str| {
            let mut d = Vec::new();
            p.for_each(s.as_bytes(), &mut d, |at| at);
            d
        };
        // "12" at 61, "x7" at 64 (a letter and a digit, in the next block), "345" at 127 crossing
        // 128, "a12" at 131 (a letter and a digit); the SID's inner digits start none.
        let s = format!("{} 12 x7 {} 345 a12 WS4f0fa14c", "a".repeat(60), "b".repeat(59));
        assert_eq!(numbers(&s), [61, 64, 127, 131]);
        // A letter at a block's last byte and its digit in the next: "E11.9" across 64 (and "9").
        let s = format!("{} E11.9", "a".repeat(62));
        assert_eq!(numbers(&s), [63, 67]);
        assert_eq!(numbers("1234567890123456789012345678901234567890123456789012345678901234 5"), [0, 65]);
    }
}

