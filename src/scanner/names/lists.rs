//! The name lists and a name-likeness score learned from them.
//!
//! The lists say whether a word is a known first name, surname or everyday English word. The score
//! says how much a word *looks like* a name when it is in no list: a character-trigram log-likelihood
//! ratio between a model of the name lists and a model of the English word list, learned when the
//! lists are loaded (about 40 ms for the bundled lists, once per process: [`NameLists::shared`]).
//!
//! Why learned at load time rather than shipped as a table: the score is then a function of the
//! lists the scanner was given, so a leave-out test that removes names from the lists removes them
//! from the score too, and measures the detector on names it has truly never seen. It needs no
//! separate build step or artefact to keep in sync.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashSet;

use super::word::Word;

/// Words in the first-name lists that mostly start place names ("San Francisco", "Los Angeles",
/// "St Louis") in contact-center text; they are not taken as first names.
const NOT_FIRST: &[&str] = &["San", "Santa", "Los", "Las", "El", "St", "Saint", "Fort", "Mount", "Port", "Lake", "New", "Palo", "Baton"];

/// Buckets of the hashed trigram table (a power of two).
const BUCKETS: usize = 1 << 16;

/// The name lists.
#[derive(Debug)]
pub struct NameLists {
    first: FxHashSet<Box<str>>,
    last: FxHashSet<Box<str>>,
    common: FxHashSet<Box<str>>,
    /// Per hashed trigram: ln P(trigram | names) − ln P(trigram | English words).
    score: Box<[f32]>,
}

impl Default for NameLists {
    fn default() -> Self {
        NameLists::new("", "", "")
    }
}

impl NameLists {
    /// Builds the sets from newline-separated lists (first names, surnames, everyday lower-case words)
    /// and learns the name score from them.
    pub fn new(first: &str, last: &str, common: &str) -> NameLists {
        let set = |s: &str| s.lines().map(str::trim).filter(|l| !l.is_empty()).map(Box::from).collect();
        let mut first: FxHashSet<Box<str>> = set(first);
        for w in NOT_FIRST {
            first.remove(*w);
        }
        let last: FxHashSet<Box<str>> = set(last);
        let common: FxHashSet<Box<str>> = set(common);
        let score = learn(&first, &last, &common);
        NameLists { first, last, common, score }
    }

    /// The lists bundled with piiguard (`data/names/`, see `SOURCES.md` there).
    pub fn bundled() -> NameLists {
        let (first, last, common) = NameLists::bundled_text();
        NameLists::new(first, last, common)
    }

    /// The bundled lists, built once per process and shared.
    pub fn shared() -> Arc<NameLists> {
        static LISTS: OnceLock<Arc<NameLists>> = OnceLock::new();
        LISTS.get_or_init(|| Arc::new(NameLists::bundled())).clone()
    }

    /// The bundled lists as text (first names, surnames, common words), for tests that build
    /// reduced lists from them.
    pub fn bundled_text() -> (&'static str, &'static str, &'static str) {
        (
            include_str!("../../../data/names/first.txt"),
            include_str!("../../../data/names/last.txt"),
            include_str!("../../../data/names/common-words.txt"),
        )
    }

    pub(super) fn is_first(&self, w: &Word) -> bool {
        w.with_title(|t| self.first.contains(t) || turkish_i(w, t, |v| self.first.contains(v)))
    }
    pub(super) fn is_last(&self, w: &Word) -> bool {
        w.with_title(|t| self.last.contains(t) || turkish_i(w, t, |v| self.last.contains(v)))
    }
    pub(super) fn is_common(&self, w: &Word) -> bool {
        w.with_lower(|t| self.common.contains(t))
    }

    /// How much `w` looks like a name rather than an English word: the mean per-trigram log
    /// likelihood ratio (positive: name-like). Words of other scripts than Latin score 0.
    pub fn score(&self, w: &str) -> f32 {
        let mut sum = 0.0;
        let mut n = 0;
        let mut latin = true;
        trigrams(w, |h, ok| {
            latin &= ok;
            sum += self.score.get(h).copied().unwrap_or(0.0);
            n += 1;
        });
        if !latin || n == 0 {
            return 0.0;
        }
        sum / n as f32
    }
}

/// Upper-case Turkish loses the dot distinction: "ATILGAN" is "Atılgan", which plain lowering
/// spells "Atilgan". For upper-case words with an `I`, also try the dotless `ı`.
fn turkish_i(w: &Word, title: &str, f: impl Fn(&str) -> bool) -> bool {
    let split = title.chars().next().map_or(0, char::len_utf8);
    let (head, tail) = title.split_at(split);
    w.is_upper() && tail.contains('i') && f(&format!("{head}{}", tail.replace('i', "ı")))
}

/// Calls `f(bucket, is_latin)` for each character trigram of `^word$`, lower-cased, with accents
/// folded onto their base letter where Latin-1 has one (so "José" and "Jose" share trigrams).
fn trigrams(w: &str, mut f: impl FnMut(usize, bool)) {
    let mut win = ['^', '^', '^'];
    let push = |c: char, win: &mut [char; 3], f: &mut dyn FnMut(usize, bool)| {
        win[0] = win[1];
        win[1] = win[2];
        win[2] = c;
        if win[1] != '^' {
            let h = (u64::from(win[0] as u32).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ u64::from(win[1] as u32).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
                ^ u64::from(win[2] as u32).wrapping_mul(0x1656_67B1_9E37_79F9))
                >> 48;
            f(h as usize & (BUCKETS - 1), win.iter().all(|c| c.is_ascii()));
        }
    };
    for c in w.chars() {
        let c = fold(c);
        if c == '\'' || c == '-' || c == '\u{2019}' {
            continue;
        }
        push(c, &mut win, &mut f);
    }
    push('$', &mut win, &mut f);
}

/// Lower case, with common Latin accents folded (é → e, ß → s, ı → i); anything else unchanged.
fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let c = c.to_lowercase().next().unwrap_or(c);
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è'..='ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì'..='ï' | 'ı' | 'ī' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò'..='ö' | 'ø' | 'ő' | 'ō' => 'o',
        'ù'..='ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ß' | 'ś' | 'š' | 'ş' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        'ğ' => 'g',
        'đ' | 'ď' => 'd',
        'ř' => 'r',
        'ť' | 'ţ' => 't',
        c => c,
    }
}

/// Learns the trigram log-likelihood ratios: names (first ∪ last, without the words that are also
/// everyday English) against the English word list, add-one smoothed.
#[expect(clippy::indexing_slicing, reason = "trigram hashes are masked to 0..BUCKETS, the tables' length")]
fn learn(first: &FxHashSet<Box<str>>, last: &FxHashSet<Box<str>>, common: &FxHashSet<Box<str>>) -> Box<[f32]> {
    let mut names = vec![0u32; BUCKETS];
    let mut words = vec![0u32; BUCKETS];
    let (mut nn, mut nw) = (0u64, 0u64);
    let mut seen: FxHashSet<String> = FxHashSet::default();
    for n in first.iter().chain(last.iter()) {
        let lower = n.to_lowercase();
        if common.contains(lower.as_str()) || !seen.insert(lower.clone()) {
            continue;
        }
        trigrams(&lower, |h, _| {
            names[h] += 1;
            nn += 1;
        });
    }
    for w in common {
        trigrams(w, |h, _| {
            words[h] += 1;
            nw += 1;
        });
    }
    let (nn, nw) = ((nn + BUCKETS as u64) as f32, (nw + BUCKETS as u64) as f32);
    names
        .iter()
        .zip(&words)
        .map(|(&a, &b)| ((a as f32 + 1.0) / nn).ln() - ((b as f32 + 1.0) / nw).ln())
        .collect()
}
