//! A learned scorer for the category clause, next to the lexicon rules: a logistic model per
//! category over the words and word pairs of an event's strings (`data/categories/model.tsv`).
//!
//! Why: rules written from read cases cover those cases' wording. Measured on sets written by people
//! who had not read the detector, each new set's first run started near the last one's, whatever
//! rules had been added (`tests/corpus/unseen/README.md`). A linear model over word features,
//! trained on every hand-written category set, generalised further on a set it had not seen (the
//! README's figures). It is small (L1-regularised: about a thousand non-zero weights), and costs
//! one hash and one table look-up per word of the strings the scanner already reads.
//!
//! Features, per string: each word (a run of letters and digits, lower case, every digit read as
//! `0`) and each pair of adjacent words, hashed (FNV-1a, 64 bits). A short value (under
//! [`KEYED_BELOW`] bytes) is read after the words of its key (`hasBankruptcy`, `credit_tier`), so a
//! structured attribute says what it is. An event's score per category is
//! `bias + Σ weights / √(number of features)`, a probability through the logistic function; at or
//! over the category's threshold the event is a finding when no rule found that category in it.
//! The finding covers the string that added most to the score. The weights are trained by
//! `examples/train_category_model.rs` from the hand-written sets (its `--leave-out` mode measures
//! it on sets it was not trained on); nothing here reads a word: the table holds hashes.

/// Values shorter than this are read after their key's words.
pub const KEYED_BELOW: usize = 40;

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;
/// Mixed into a word's hash to make its feature; a pair's feature mixes both words.
const UNIGRAM: u64 = 0x9e37_79b9_7f4a_7c15;
const PAIR: u64 = 0xc2b2_ae3d_27d4_eb4f;

/// The category kinds the model scores, in [`super::super::Kind::CATEGORIES`] order.
pub const CATEGORIES: usize = 5;

/// The width of a stored row of weights.
const LANES: usize = 8;

/// The bundled model.
const BUNDLED: &str = include_str!("../../../data/categories/model.tsv");

/// A model: weights per feature hash, a bias and a threshold per category.
pub struct Model {
    /// Feature hashes in an open-addressing table (linear probing, at most half full; 0 marks an
    /// empty slot): one multiply and usually one comparison a feature, where a general hash map
    /// cost several times that (most words of a text are frequent ones, and have a weight).
    keys: Box<[u64]>,
    /// The weights of the feature in the same slot of `keys` (padded to 8 lanes: one vector add).
    values: Box<[[f32; LANES]]>,
    /// `keys.len()` is `1 << bits`.
    bits: u32,
    bias: [f32; CATEGORIES],
    threshold: [f32; CATEGORIES],
}

/// An event's running score: sums of weights and the number of features.
#[derive(Clone, Copy, Default, Debug)]
pub struct Score {
    /// The sum of the weights of its features, per category.
    pub sums: [f32; CATEGORIES],
    /// How many features it has (known to the model or not).
    pub features: u32,
}

impl Model {
    /// The bundled model (`data/categories/model.tsv`).
    pub fn bundled() -> Model {
        Model::parse(BUNDLED).expect("the bundled model parses (unit-tested)")
    }

    /// Reads a model: lines `bias` and `threshold` with five numbers, then one line per feature,
    /// its hash in hex and five weights, tab-separated. `#` starts a comment line.
    pub fn parse(text: &str) -> Option<Model> {
        let mut rows = Vec::new();
        let (mut bias, mut threshold) = ([0.0; CATEGORIES], [1.0; CATEGORIES]);
        for line in text
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let mut cols = line.split('\t');
            let head = cols.next()?;
            let mut v = [0.0f32; CATEGORIES];
            for x in &mut v {
                *x = cols.next()?.parse().ok()?;
            }
            match head {
                "bias" => bias = v,
                "threshold" => threshold = v,
                h => rows.push((u64::from_str_radix(h, 16).ok()?, v)),
            }
        }
        let bits = (rows.len() * 2).max(2).next_power_of_two().trailing_zeros();
        let mut m = Model {
            keys: vec![0; 1 << bits].into_boxed_slice(),
            values: vec![[0.0; LANES]; 1 << bits].into_boxed_slice(),
            bits,
            bias,
            threshold,
        };
        for (h, v) in rows {
            // A feature hashed to 0 (one in 2^64) cannot be told from an empty slot: it has no weight.
            if h == 0 {
                continue;
            }
            let mut i = m.slot(h);
            while m.keys.get(i).is_some_and(|&k| k != 0 && k != h) {
                i = (i + 1) & (m.keys.len() - 1);
            }
            *m.keys.get_mut(i)? = h;
            let row = m.values.get_mut(i)?;
            row.get_mut(..CATEGORIES)?.copy_from_slice(&v);
        }
        Some(m)
    }

    /// The first slot for feature `h` (Fibonacci hashing: its top bits after a multiply).
    fn slot(&self, h: u64) -> usize {
        (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - self.bits)) as usize
    }

    /// The weights of feature `h`, if it has any.
    #[inline]
    fn weights(&self, h: u64) -> Option<&[f32; LANES]> {
        let mask = self.keys.len() - 1;
        let mut i = self.slot(h);
        loop {
            match self.keys.get(i) {
                Some(&k) if k == h && k != 0 => return self.values.get(i),
                Some(&k) if k != 0 => i = (i + 1) & mask,
                _ => return None,
            }
        }
    }

    /// Adds the weights of feature `h` to `own`.
    #[inline]
    fn accumulate(&self, h: u64, own: &mut [f32; LANES]) {
        if let Some(w) = self.weights(h) {
            for (o, w) in own.iter_mut().zip(w) {
                *o += w;
            }
        }
    }

    /// Adds the features of one string (and of its key's words when the value is short) to `score`,
    /// and returns this string's own sums. The same features as [`features`].
    pub fn add(&self, key: &str, text: &str, score: &mut Score) -> [f32; CATEGORIES] {
        let mut own = [0.0f32; LANES];
        let mut n = 0u32;
        let mut prev: Option<u64> = None;
        let mut word = |h: u64| {
            self.accumulate(h ^ UNIGRAM, &mut own);
            n += 1;
            if let Some(p) = prev {
                self.accumulate(pair(p, h), &mut own);
                n += 1;
            }
            prev = Some(h);
        };
        if text.len() < KEYED_BELOW {
            words(key, true, &mut word);
        }
        words(text, false, &mut word);
        let mut out = [0.0f32; CATEGORIES];
        for ((s, o), x) in score.sums.iter_mut().zip(&mut out).zip(&own) {
            *s += x;
            *o = *x;
        }
        score.features += n;
        out
    }

    /// The probability per category of an event with this score.
    pub fn probabilities(&self, score: &Score) -> [f32; CATEGORIES] {
        let mut p = [0.0f32; CATEGORIES];
        if score.features == 0 {
            return p;
        }
        let scale = 1.0 / (score.features as f32).sqrt();
        for ((p, s), b) in p.iter_mut().zip(&score.sums).zip(&self.bias) {
            *p = 1.0 / (1.0 + (-(b + s * scale)).exp());
        }
        p
    }

    /// The threshold of category `i`.
    pub fn threshold(&self, i: usize) -> f32 {
        self.threshold.get(i).copied().unwrap_or(1.0)
    }
}

/// The feature of two adjacent words.
#[inline]
fn pair(first: u64, second: u64) -> u64 {
    first.rotate_left(23).wrapping_mul(PRIME) ^ second ^ PAIR
}

/// Calls `f` with every feature of `text` (after its key's words when the value is short).
pub fn features(key: &str, text: &str, mut f: impl FnMut(u64)) {
    let mut prev: Option<u64> = None;
    let mut word = |h: u64| {
        f(h ^ UNIGRAM);
        if let Some(p) = prev {
            f(pair(p, h));
        }
        prev = Some(h);
    };
    if text.len() < KEYED_BELOW {
        words(key, true, &mut word);
    }
    words(text, false, &mut word);
}

/// Each ASCII byte as a word hashes it: 0 for a separator, a letter in lower case, a digit as `0`.
#[expect(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of range fails the build"
)]
const NORM: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            c @ b'a'..=b'z' => c,
            c @ b'A'..=b'Z' => c + 32,
            b'0'..=b'9' => b'0',
            _ => 0,
        };
        b += 1;
    }
    t
};

/// [`words`] for ASCII text without camel case: one table look-up a byte (the same hashes).
#[inline]
fn ascii_words(bytes: &[u8], f: &mut impl FnMut(u64)) {
    let mut h = OFFSET;
    for &b in bytes {
        let c = NORM.get(usize::from(b)).copied().unwrap_or(0);
        if c != 0 {
            h = (h ^ u64::from(c)).wrapping_mul(PRIME);
        } else if h != OFFSET {
            f(h);
            h = OFFSET;
        }
    }
    if h != OFFSET {
        f(h);
    }
}

/// Calls `f` with the hash of every word of `s`; a key's camel-case humps are words too. ASCII
/// bytes are read with one table look-up each; other characters are decoded (letters and digits of
/// every script are word characters, lower-cased).
#[inline]
fn words(s: &str, camel: bool, f: &mut impl FnMut(u64)) {
    if !camel && s.is_ascii() {
        return ascii_words(s.as_bytes(), f);
    }
    let bytes = s.as_bytes();
    let mut h = OFFSET;
    let mut in_word = false;
    let mut lower_before = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // (normalised unit to hash, is upper case, is lower case); None for a separator.
        let unit = if let Some(&c) = NORM.get(usize::from(b)) {
            i += 1;
            (c != 0).then(|| (u32::from(c), b.is_ascii_uppercase(), b.is_ascii_lowercase()))
        } else {
            let c = s
                .get(i..)
                .and_then(|r| r.chars().next())
                .unwrap_or(char::REPLACEMENT_CHARACTER);
            i += c.len_utf8();
            c.is_alphanumeric()
                .then(|| (0, c.is_uppercase(), c.is_lowercase()))
        };
        let Some((unit, upper, lower)) = unit else {
            if in_word {
                f(h);
                (h, in_word) = (OFFSET, false);
            }
            lower_before = false;
            continue;
        };
        if camel {
            if lower_before && in_word && upper {
                f(h);
                h = OFFSET;
            }
            lower_before = lower;
        }
        if unit != 0 {
            h = (h ^ u64::from(unit)).wrapping_mul(PRIME);
        } else {
            // A non-ASCII letter or digit: its lower case, one or more characters.
            let c = s
                .get(..i)
                .and_then(|r| r.chars().next_back())
                .unwrap_or(char::REPLACEMENT_CHARACTER);
            for l in c.to_lowercase() {
                h = (h ^ u64::from(u32::from(l))).wrapping_mul(PRIME);
            }
        }
        in_word = true;
    }
    if in_word {
        f(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(key: &str, text: &str) -> Vec<u64> {
        let mut v = Vec::new();
        features(key, text, |h| v.push(h));
        v
    }

    #[test]
    fn words_are_case_and_digit_blind_and_pairs_follow_order() {
        assert_eq!(all("", "Credit 540"), all("", "credit 620"));
        assert_eq!(all("", "I'm OK"), all("", "i'm ok"));
        assert_ne!(all("", "a b"), all("", "b a"));
        // Two words: two unigrams and one pair.
        assert_eq!(all("", "hello, world!").len(), 3);
        // A short value is read after its key's words, camel humps and snake parts alike.
        assert_eq!(all("hasBankruptcy", "true"), all("has_bankruptcy", "true"));
        assert_eq!(all("hasBankruptcy", "true").len(), 5);
        // A long value is read alone.
        let long = "a sentence that is long enough to be read without its key";
        assert_eq!(all("notes", long), all("", long));
    }

    #[test]
    fn the_ascii_path_gives_the_general_paths_hashes() {
        let text = "Hi, I'm on SSDI since 2019 -- my_wife's 2nd chemo!";
        let mut fast = Vec::new();
        ascii_words(text.as_bytes(), &mut |h| fast.push(h));
        let mut general = Vec::new();
        // With a non-ASCII word at the end, `words` takes the general path.
        words(&format!("{text} é"), false, &mut |h| general.push(h));
        assert_eq!(
            Some(fast.as_slice()),
            general.split_last().map(|(_, rest)| rest)
        );
    }

    #[test]
    fn other_scripts_are_words_and_lower_cased() {
        assert_eq!(all("", "ÉCOLE Straße"), all("", "école straße"));
        assert_eq!(all("", "день ночь").len(), 3);
        assert_eq!(all("", "a—b"), all("", "a b"), "a dash is a separator");
        assert_eq!(
            all("fooÉtat", "x").len(),
            all("foo_état", "x").len(),
            "camel humps in any script"
        );
    }

    #[test]
    fn any_text_is_read_without_panicking() {
        for s in [
            "",
            "🙂🙂",
            "Ǆemal İstanbul",
            "नमस्ते दुनिया",
            "ﷺ x\u{0301}",
            "\u{a0}\u{200b}",
        ] {
            let _ = all("kEy_Ẋ", s);
        }
        assert_eq!(
            all("", "İ").len(),
            1,
            "a letter whose lower case is two chars is one word"
        );
    }

    #[test]
    fn the_bundled_model_parses_and_scores() {
        let m = Model::bundled();
        let weights = m.keys.iter().filter(|&&k| k != 0).count();
        assert!(weights > 100, "{weights} weights");
        // Every feature of the file is found at its weights.
        let first = BUNDLED
            .lines()
            .find(|l| !l.starts_with('#') && !l.starts_with("bias") && !l.starts_with("threshold"))
            .unwrap();
        let h = u64::from_str_radix(first.split('\t').next().unwrap(), 16).unwrap();
        let w: f32 = first.split('\t').nth(1).unwrap().parse().unwrap();
        assert_eq!(m.weights(h).map(|v| v[0]), Some(w));
        // `add` sees the features `features` gives.
        let text = "my husband and i just filed for bankruptcy";
        let mut s = Score::default();
        let own = m.add("body", text, &mut s);
        let mut n = 0;
        let mut sums = [0.0f32; CATEGORIES];
        features("body", text, |h| {
            n += 1;
            if let Some(w) = m.weights(h) {
                for (x, w) in sums.iter_mut().zip(w) {
                    *x += w;
                }
            }
        });
        assert_eq!((own, s.features), (sums, n));
        assert!(
            m.weights(0).is_none(),
            "0 marks an empty slot: never a feature"
        );
        assert!(
            m.threshold.iter().all(|t| (0.5..=1.0).contains(t)),
            "{:?}",
            m.threshold
        );
        let mut s = Score::default();
        m.add("", "", &mut s);
        assert_eq!(
            m.probabilities(&s),
            [0.0; CATEGORIES],
            "no features, no score"
        );
        assert!(
            Model::parse("bias\t1\t2").is_none(),
            "a short line is refused"
        );
    }
}
