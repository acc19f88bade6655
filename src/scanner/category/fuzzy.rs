//! Misspelled terms: a word one edit away from a single-word term of the lexicon ("diabeties",
//! "insullin", "epilepsey", "bankrupcy", "forclosure", "catholick", "bhuddist": a letter added,
//! dropped, changed, or two swapped) is read as that term, then passes the gates of an ambiguous term
//! (class B) when shorter than eight letters, and its own term's gates when longer.
//!
//! A symmetric-deletion index (the SymSpell method, Garbe 2012): each term of six letters or more
//! and each of its one-letter deletions map (by a polynomial hash, so that a word's deletions are
//! hashed in one pass) to the term; a word matches when it, or one of its
//! one-letter deletions, is in the index. Checks keep it cheap and precise: a word is looked up only
//! when no term starts there and its first four letters are a term's (the category prefilter's
//! table; "catholick" is keyed like "catholic" and looked up when no term matched) and its first letter,
//! last letter and length fit some term (one bit of a small table), its hashes go through a Bloom
//! filter before the map, and a word of the English word list is never a misspelling ("cancel" is
//! not "cancer"). So a misspelling in the first four letters ("forclosure", "numonia") is not found.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use rustc_hash::FxHashMap;

/// Terms shorter than this are not matched: short words have too many neighbours.
const MIN: usize = 6;
/// Longer words are not looked up.
const MAX: usize = 24;

/// True for a term the index holds: one word of ASCII letters, six to 24 of them.
pub(super) fn indexed(t: &str) -> bool {
    (MIN..=MAX).contains(&t.len()) && t.bytes().all(|c| c.is_ascii_lowercase())
}

/// The index of the single-word terms.
pub(super) struct Fuzzy {
    /// One bit per (first letter, last letter, length), set for each term's letters at lengths one
    /// less, equal and one more.
    shape: Vec<u64>,
    /// The hash ([`hash`]) of each term and of each of its one-letter deletions, to the term's
    /// pattern index. A collision of 64-bit hashes could only add a lookup's match, never hide one.
    index: FxHashMap<u64, u32>,
    /// One bit per hash of `index` (its low [`BLOOM_BITS`] bits): most words miss here, before the
    /// map is probed.
    bloom: Vec<u64>,
    /// A Bloom filter of the known words: the English word list and the first names and surnames
    /// of the name lists (three bits a word, under 1 % false positives). Most candidates are words
    /// spelt right or names ("Divan" is not "Diovan", "santeri" not "santeria"), rejected here
    /// before any deletion is hashed. A false positive only hides a misspelling.
    english: Vec<u64>,
}

const ENGLISH_BITS: u32 = 21;

fn english_slots(w: &[u8]) -> [usize; 3] {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(w);
    let h = h.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let m = (1usize << ENGLISH_BITS) - 1;
    [
        (h as usize) & m,
        ((h >> 21) as usize) & m,
        ((h >> 42) as usize) & m,
    ]
}

const BLOOM_BITS: u32 = 18;

fn bloom_slot(h: u64) -> usize {
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BLOOM_BITS)) as usize
}

/// Base of the polynomial hash: a deletion's hash is computed from the prefix and suffix hashes in
/// constant time, so a word's deletions cost one pass over it.
const B: u64 = 0x0100_0000_01b3;

/// Calls `f` with the hash of `w` and of each of its one-letter deletions.
fn hashes(w: &[u8], mut f: impl FnMut(u64) -> bool) -> bool {
    let n = w.len();
    if n > MAX + 1 {
        return false;
    }
    // prefix[i]: hash of w[..i]; suffix[i]: hash of w[i..]; pow[k] = B^k.
    let mut prefix = [0u64; MAX + 2];
    let mut suffix = [0u64; MAX + 2];
    let mut pow = [1u64; MAX + 2];
    for (i, &c) in w.iter().enumerate() {
        let (Some(&p), Some(&q)) = (prefix.get(i), pow.get(i)) else {
            return false;
        };
        if let (Some(np), Some(nq)) = (prefix.get_mut(i + 1), pow.get_mut(i + 1)) {
            *np = p.wrapping_mul(B).wrapping_add(u64::from(c));
            *nq = q.wrapping_mul(B);
        }
    }
    for i in (0..n).rev() {
        let c = w.get(i).copied().unwrap_or(0);
        let next = suffix.get(i + 1).copied().unwrap_or(0);
        let p = pow.get(n - 1 - i).copied().unwrap_or(0);
        if let Some(s) = suffix.get_mut(i) {
            *s = u64::from(c).wrapping_mul(p).wrapping_add(next);
        }
    }
    if f(prefix.get(n).copied().unwrap_or(0)) {
        return true;
    }
    (0..n).any(|d| {
        // w without w[d]: prefix(d) * B^(n-1-d) + suffix(d+1).
        let h = prefix
            .get(d)
            .copied()
            .unwrap_or(0)
            .wrapping_mul(pow.get(n - 1 - d).copied().unwrap_or(0))
            .wrapping_add(suffix.get(d + 1).copied().unwrap_or(0));
        f(h)
    })
}

fn shape_slot(first: u8, last: u8, len: usize) -> Option<usize> {
    let f = first
        .to_ascii_lowercase()
        .checked_sub(b'a')
        .filter(|f| *f < 26)?;
    let l = last
        .to_ascii_lowercase()
        .checked_sub(b'a')
        .filter(|l| *l < 26)?;
    (len <= MAX + 1).then(|| (usize::from(f) * 26 + usize::from(l)) * (MAX + 2) + len)
}

impl Fuzzy {
    /// Builds the index from the lexicon's surfaces and their pattern indexes; only single words of
    /// ASCII letters, six or more, are kept.
    pub(super) fn new<'a>(terms: impl Iterator<Item = (&'a str, usize)>) -> Fuzzy {
        let mut shape = vec![0u64; (26 * 26 * (MAX + 2)).div_ceil(64)];
        let mut index: FxHashMap<u64, u32> = FxHashMap::default();
        for (t, i) in terms {
            let b = t.as_bytes();
            if !indexed(t) {
                continue;
            }
            let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
                continue;
            };
            for len in [b.len() - 1, b.len(), b.len() + 1] {
                if let Some(s) = shape_slot(first, last, len) {
                    if let Some(w) = shape.get_mut(s / 64) {
                        *w |= 1 << (s % 64);
                    }
                }
            }
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            hashes(b, |h| {
                index.entry(h).or_insert(i);
                false
            });
        }
        let mut bloom = vec![0u64; 1 << (BLOOM_BITS - 6)];
        for h in index.keys() {
            let s = bloom_slot(*h);
            if let Some(w) = bloom.get_mut(s / 64) {
                *w |= 1 << (s % 64);
            }
        }
        let mut english = vec![0u64; 1 << (ENGLISH_BITS - 6)];
        let known = [
            include_str!("../../../data/names/common-words.txt"),
            include_str!("../../../data/names/first.txt"),
            include_str!("../../../data/names/last.txt"),
        ];
        // One buffer for the 130,000 lower-cased words, not a string each.
        let mut w = Vec::new();
        for line in known.iter().flat_map(|t| t.lines()) {
            w.clear();
            w.extend(line.trim().bytes().map(|c| c.to_ascii_lowercase()));
            for s in english_slots(&w) {
                if let Some(x) = english.get_mut(s / 64) {
                    *x |= 1 << (s % 64);
                }
            }
        }
        Fuzzy {
            shape,
            index,
            bloom,
            english,
        }
    }

    /// The pattern index of the term `word` (ASCII letters) is one edit away from, if any.
    pub(super) fn find(&self, word: &[u8]) -> Option<usize> {
        let (Some(&first), Some(&last)) = (word.first(), word.last()) else {
            return None;
        };
        if word.len() < MIN - 1 || word.len() > MAX {
            return None;
        }
        // The shape allows the first letter as it is and the last or the one before it (a letter
        // added at the end, "catholick"): a misspelt first letter is not found (it is rarer, and the
        // check is what keeps this cheap).
        let fits = |last: u8| {
            shape_slot(first, last, word.len()).is_some_and(|s| {
                self.shape
                    .get(s / 64)
                    .is_some_and(|w| w & (1 << (s % 64)) != 0)
            })
        };
        if !fits(last)
            && !word
                .len()
                .checked_sub(2)
                .and_then(|i| word.get(i))
                .is_some_and(|&c| fits(c))
        {
            return None;
        }
        let mut buf = [0u8; MAX];
        let lower = buf.get_mut(..word.len())?;
        for (d, c) in lower.iter_mut().zip(word) {
            *d = c.to_ascii_lowercase();
        }
        let lower: &[u8] = lower;
        // An English word is itself, not a misspelling ("cancel" is not "cancer"), and so is one
        // with a plural or a contraction typed without its apostrophe ("theres", "dont", "youre").
        let known = |w: &[u8]| {
            english_slots(w).iter().all(|s| {
                self.english
                    .get(s / 64)
                    .is_some_and(|x| x & (1 << (s % 64)) != 0)
            })
        };
        if known(lower) {
            return None;
        }
        let contraction = || {
            ["s", "nt", "re", "ve", "ll", "d", "m"]
                .iter()
                .any(|suffix| {
                    lower
                        .strip_suffix(suffix.as_bytes())
                        .is_some_and(|stem| stem.len() >= 2 && known(stem))
                })
        };
        let mut hit = None;
        hashes(lower, |h| {
            let s = bloom_slot(h);
            if self
                .bloom
                .get(s / 64)
                .is_some_and(|w| w & (1 << (s % 64)) != 0)
            {
                hit = self.index.get(&h).copied();
            }
            hit.is_some()
        });
        // Checked only for a hit (rare): the stem of a contraction is a known word.
        hit.filter(|_| !contraction()).map(|i| i as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_away_and_never_an_english_word() {
        let terms = [
            "diabetes",
            "insulin",
            "epilepsy",
            "bankruptcy",
            "foreclosure",
            "catholic",
            "buddhist",
            "cancer",
        ];
        let f = Fuzzy::new(terms.iter().enumerate().map(|(i, t)| (*t, i)));
        for (w, t) in [
            ("diabeties", 0),
            ("insullin", 1),
            ("Epilepsey", 2),
            ("bankrupcy", 3),
            ("forclosure", 4),
            ("catholick", 5),
            ("bhuddist", 6),
            ("cancr", 7),
        ] {
            assert_eq!(f.find(w.as_bytes()), Some(t), "{w}");
        }
        for w in [
            "cancel",
            "insulting",
            "diabolic",
            "catholics2",
            "dialysis",
            "Divan",
            "santeri",
        ] {
            assert_eq!(f.find(w.as_bytes()), None, "{w}");
        }
    }
}
