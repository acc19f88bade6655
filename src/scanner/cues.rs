//! Keyword cues ("ssn", "acct", "driver's license", "cvv", "my name is" …) and field-name hints.
//!
//! Weak identifiers (bare 9 digits, 8-17 digit accounts, routing numbers, licence shapes) are only
//! reported when a cue stands near them or the JSON key names them (Macie-style *required* context).
//! One case-insensitive aho-corasick automaton holds every cue. It runs only over a small window around
//! a candidate, never over the whole text: a case-insensitive automaton falls to DFA speed
//! (~0.47 GB/s, `performance.md` §2), which would cap the clean-text scanner.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// What a cue word announces. A bit set, so a window can carry several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cues(u16);

impl Cues {
    /// Social security number.
    pub const SSN: Cues = Cues(1);
    /// Bank or financial account number.
    pub const ACCOUNT: Cues = Cues(1 << 1);
    /// ABA routing number.
    pub const ROUTING: Cues = Cues(1 << 2);
    /// Driver's licence or state ID.
    pub const DL: Cues = Cues(1 << 3);
    /// Payment card.
    pub const CARD: Cues = Cues(1 << 4);
    /// Card security code.
    pub const CVV: Cues = Cues(1 << 5);
    /// PIN, passcode or password.
    pub const PIN: Cues = Cues(1 << 6);
    /// Card expiry.
    pub const EXPIRY: Cues = Cues(1 << 7);
    /// The number is something else (order, invoice, tracking, phone, zip …): suppresses weak cues.
    pub const NOT_PII: Cues = Cues(1 << 9);

    /// No cue.
    pub const fn empty() -> Cues {
        Cues(0)
    }
    /// True when every bit of `other` is set.
    pub const fn contains(self, other: Cues) -> bool {
        self.0 & other.0 == other.0
    }
    /// True when no bit is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl std::ops::BitOr for Cues {
    type Output = Cues;
    fn bitor(self, rhs: Cues) -> Cues {
        Cues(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for Cues {
    fn bitor_assign(&mut self, rhs: Cues) {
        self.0 |= rhs.0;
    }
}

/// The cue vocabulary. Matching is whole-word and ASCII case-insensitive: Presidio's substring mode
/// let "lic" match "public" and "policy" (`detection-rules.md` §4.3).
const CUE_WORDS: &[(&str, Cues)] = &[
    ("ssn", Cues::SSN),
    ("ssn#", Cues::SSN),
    ("ss#", Cues::SSN),
    ("ss #", Cues::SSN),
    ("social", Cues::SSN),
    ("social security", Cues::SSN),
    ("soc sec", Cues::SSN),
    ("itin", Cues::SSN),
    ("taxpayer id", Cues::SSN),
    // Misspellings seen in typed chat ("soical", "acount", "lisence", "rounting").
    ("soical", Cues::SSN),
    ("scoial", Cues::SSN),
    ("socail", Cues::SSN),
    ("sosial", Cues::SSN),
    ("socal security", Cues::SSN),
    ("social secuirty", Cues::SSN),
    ("social securty", Cues::SSN),
    ("acount", Cues::ACCOUNT),
    ("accout", Cues::ACCOUNT),
    ("accnt", Cues::ACCOUNT),
    ("acnt", Cues::ACCOUNT),
    ("acct no", Cues::ACCOUNT),
    ("acc no", Cues::ACCOUNT),
    ("rounting", Cues::ROUTING),
    ("routeing", Cues::ROUTING),
    ("routng", Cues::ROUTING),
    ("lisence", Cues::DL),
    ("liscense", Cues::DL),
    ("lisense", Cues::DL),
    ("liscence", Cues::DL),
    ("licens", Cues::DL),
    ("lic", Cues::DL),
    ("lic.", Cues::DL),
    ("lic#", Cues::DL),
    ("lic no", Cues::DL),
    ("licence no.", Cues::DL),
    ("license no.", Cues::DL),
    ("drivers lic", Cues::DL),
    ("driver's lic", Cues::DL),
    ("account", Cues::ACCOUNT),
    ("account number", Cues::ACCOUNT),
    ("account no", Cues::ACCOUNT),
    ("acct", Cues::ACCOUNT),
    ("acct#", Cues::ACCOUNT),
    ("acc", Cues::ACCOUNT),
    ("a/c", Cues::ACCOUNT),
    ("checking", Cues::ACCOUNT),
    ("savings", Cues::ACCOUNT),
    ("iban", Cues::ACCOUNT),
    ("bank", Cues::ACCOUNT),
    ("direct deposit", Cues::ACCOUNT),
    ("deposit", Cues::ACCOUNT),
    ("routing", Cues::ROUTING),
    ("routing number", Cues::ROUTING),
    ("aba", Cues::ROUTING),
    ("rtn", Cues::ROUTING),
    ("transit", Cues::ROUTING),
    ("license", Cues::DL),
    ("licence", Cues::DL),
    ("driver's license", Cues::DL),
    ("drivers license", Cues::DL),
    ("driver license", Cues::DL),
    ("driver's licence", Cues::DL),
    ("driving licence", Cues::DL),
    ("dl", Cues::DL),
    ("dl#", Cues::DL),
    ("dln", Cues::DL),
    ("d.l.", Cues::DL),
    ("state id", Cues::DL),
    ("id card", Cues::DL),
    ("identification card", Cues::DL),
    ("card", Cues::CARD),
    ("credit", Cues::CARD),
    ("debit", Cues::CARD),
    ("visa", Cues::CARD),
    ("mastercard", Cues::CARD),
    ("amex", Cues::CARD),
    ("cc", Cues::CARD),
    ("pan", Cues::CARD),
    ("cvv", Cues::CVV),
    ("cvv2", Cues::CVV),
    ("cvc", Cues::CVV),
    ("csc", Cues::CVV),
    ("security code", Cues::CVV),
    ("pin", Cues::PIN),
    ("passcode", Cues::PIN),
    ("password", Cues::PIN),
    ("access code", Cues::PIN),
    ("exp", Cues::EXPIRY),
    ("expires", Cues::EXPIRY),
    ("expiry", Cues::EXPIRY),
    ("expiration", Cues::EXPIRY),
    ("valid thru", Cues::EXPIRY),
    // The same cues in the languages customers write to US contact centres in (non-ASCII cues
    // match exactly; scripts without spaces need no word boundary).
    ("cuenta", Cues::ACCOUNT),
    ("número de cuenta", Cues::ACCOUNT),
    ("tarjeta", Cues::CARD),
    ("seguro social", Cues::SSN),
    ("licencia", Cues::DL),
    ("licencia de conducir", Cues::DL),
    ("conta", Cues::ACCOUNT),
    ("cartão", Cues::CARD),
    ("compte", Cues::ACCOUNT),
    ("carte", Cues::CARD),
    ("konto", Cues::ACCOUNT),
    ("kontonummer", Cues::ACCOUNT),
    ("karte", Cues::CARD),
    ("führerschein", Cues::DL),
    ("계좌", Cues::ACCOUNT),
    ("계좌번호", Cues::ACCOUNT),
    ("카드번호", Cues::CARD),
    ("口座", Cues::ACCOUNT),
    ("口座番号", Cues::ACCOUNT),
    ("カード番号", Cues::CARD),
    ("账号", Cues::ACCOUNT),
    ("账户", Cues::ACCOUNT),
    ("卡号", Cues::CARD),
    ("حسابي", Cues::ACCOUNT),
    ("رقم الحساب", Cues::ACCOUNT),
    ("بطاقة", Cues::CARD),
    ("חשבון", Cues::ACCOUNT),
    ("כרטיס", Cues::CARD),
    ("счет", Cues::ACCOUNT),
    ("счёт", Cues::ACCOUNT),
    ("карта", Cues::CARD),
    ("карты", Cues::CARD),
    ("खाता", Cues::ACCOUNT),
    ("tài khoản", Cues::ACCOUNT),
    ("order", Cues::NOT_PII),
    ("imei", Cues::NOT_PII),
    ("meid", Cues::NOT_PII),
    ("iccid", Cues::NOT_PII),
    ("sim", Cues::NOT_PII),
    ("sim card", Cues::NOT_PII),
    ("esn", Cues::NOT_PII),
    ("serial", Cues::NOT_PII),
    ("s/n", Cues::NOT_PII),
    ("sku", Cues::NOT_PII),
    ("upc", Cues::NOT_PII),
    ("gift card", Cues::NOT_PII),
    ("giftcard", Cues::NOT_PII),
    ("voucher", Cues::NOT_PII),
    ("coupon", Cues::NOT_PII),
    ("promo", Cues::NOT_PII),
    ("invoice", Cues::NOT_PII),
    ("tracking", Cues::NOT_PII),
    ("confirmation", Cues::NOT_PII),
    ("reference", Cues::NOT_PII),
    ("ref", Cues::NOT_PII),
    ("ticket", Cues::NOT_PII),
    ("case", Cues::NOT_PII),
    ("phone", Cues::NOT_PII),
    ("call me", Cues::NOT_PII),
    ("zip", Cues::NOT_PII),
    ("po", Cues::NOT_PII),
];

/// A cue found in a window: what it announces and where it is (byte offsets into the haystack).
#[derive(Debug, Clone, Copy)]
pub struct CueHit {
    /// What the cue announces.
    pub cues: Cues,
    /// Start of the cue word.
    pub start: usize,
    /// End of the cue word.
    pub end: usize,
}

/// A cue automaton: ASCII case-insensitive, leftmost-longest ("name on the card" over "name"), a
/// DFA (cue vocabularies are small and searched often). Shared by the identifier and name cues.
pub(crate) fn cue_automaton<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(words)
}

/// The compiled cue automaton.
#[derive(Debug, Clone)]
pub struct CueMatcher {
    ac: AhoCorasick,
}

impl CueMatcher {
    /// Builds the automaton (a DFA: the vocabulary is small, and windows are searched often).
    pub fn new() -> Result<CueMatcher, aho_corasick::BuildError> {
        Ok(CueMatcher { ac: cue_automaton(CUE_WORDS.iter().map(|(w, _)| *w))? })
    }

    /// Calls `f` for every whole-word cue inside `hay[from..to]` (offsets are into `hay`).
    pub fn for_each(&self, hay: &[u8], from: usize, to: usize, mut f: impl FnMut(CueHit)) {
        let input = aho_corasick::Input::new(hay).range(from..to);
        for m in self.ac.find_iter(input) {
            let (s, e) = (m.start(), m.end());
            let before_ok = s == 0 || !hay[s - 1].is_ascii_alphanumeric();
            let last = hay[e - 1];
            // A cue ending in punctuation ("name:", "ssn#") needs no boundary after it.
            let after_ok = e == hay.len() || !last.is_ascii_alphanumeric() || !is_word_byte(hay[e]);
            if before_ok && after_ok {
                f(CueHit { cues: CUE_WORDS[m.pattern().as_usize()].1, start: s, end: e });
            }
        }
    }

    /// The union of cues in `hay[from..to]`.
    pub fn cues_in(&self, hay: &[u8], from: usize, to: usize) -> Cues {
        let mut c = Cues::empty();
        self.for_each(hay, from, to, |h| c |= h.cues);
        c
    }

    /// The cue nearest before `pos` within `hay[from..pos]` (the last one), with its end offset.
    pub fn last_before(&self, hay: &[u8], from: usize, pos: usize) -> Option<CueHit> {
        let mut last = None;
        self.for_each(hay, from, pos, |h| last = Some(h));
        last
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Hints from the JSON key that holds a string: `ssn`, `acct_number`, `customerName` …
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldHint {
    /// Identifier cues implied by the key.
    pub cues: Cues,
    /// The key names a person's name (`customers.name`, `customerName`, `full_name`, `Author` …).
    pub name_field: bool,
}

/// Keys whose value is a person's name when it looks like one (`twilio-domain.md` §5).
const NAME_KEYS: &[&str] = &[
    "name", "customername", "fullname", "author", "authorfriendlyname", "profilename",
    "friendlyname", "agentname", "username", "firstlastname", "contactname",
    "callername", "accountholder", "accountholdername", "cardholder", "cardholdername",
    "holdername", "displayname", "identity", "workername", "personname", "patientname",
    // Webchat and Conversations attributes carry the customer's friendly name in `from`; phone
    // numbers, addresses and channel ids there are not name-shaped and are left alone.
    "from", "participantname", "membername", "subscribername", "policyholder", "insuredname",
    "clientname", "callerid", "cnam", "agentfullname",
];

/// Substrings of normalised keys that carry a cue.
const KEY_PARTS: &[&str] = &[
    "ssn", "socialsecurity", "taxid", "account", "accountsid", "accountid", "accountfriendly", "acct", "iban",
    "bankaccount", "routing", "abanumber", "license", "licence", "dlnumber", "stateid", "cardnumber",
    "ccnumber", "creditcard", "cvv", "cvc", "securitycode",
];

fn key_automaton() -> &'static AhoCorasick {
    static AC: std::sync::OnceLock<AhoCorasick> = std::sync::OnceLock::new();
    AC.get_or_init(|| AhoCorasick::new(KEY_PARTS).expect("static patterns build"))
}

/// Classifies a JSON key. Separators and case are ignored: `customer_name`, `customerName` and
/// `Customer-Name` are the same key.
pub fn field_hint(key: &str) -> FieldHint {
    let mut buf = [0u8; 48];
    let mut n = 0;
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() {
            if n == buf.len() {
                return FieldHint::default();
            }
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        }
    }
    let k = &buf[..n];
    // One pass of a small automaton over the normalised key (overlapping, so "accountsid" reports
    // both "account" and "accountsid").
    let mut hits = 0u32;
    for m in key_automaton().find_overlapping_iter(k) {
        hits |= 1 << m.pattern().as_usize();
    }
    let has = |s: &str| KEY_PARTS.iter().position(|p| *p == s).is_some_and(|i| hits & (1 << i) != 0);
    let mut cues = Cues::empty();
    if has("ssn") || has("socialsecurity") || k == b"social" || has("taxid") {
        cues |= Cues::SSN;
    }
    if has("account") && !has("accountsid") && !has("accountid") && !has("accountfriendly") || has("acct") || has("iban") || has("bankaccount") {
        cues |= Cues::ACCOUNT;
    }
    if has("routing") || k == b"aba" || has("abanumber") {
        cues |= Cues::ROUTING;
    }
    if has("license") || has("licence") || k == b"dl" || has("dlnumber") || has("stateid") {
        cues |= Cues::DL;
    }
    if has("cardnumber") || k == b"pan" || has("ccnumber") || k == b"card" || has("creditcard") {
        cues |= Cues::CARD;
    }
    if has("cvv") || has("cvc") || has("securitycode") {
        cues |= Cues::CVV;
    }
    let name_field = NAME_KEYS.iter().any(|nk| k == nk.as_bytes())
        || (k.ends_with(b"fullname") || k.ends_with(b"customername") || k.ends_with(b"holdername"));
    FieldHint { cues, name_field }
}

/// Keys that hold the value of whatever their object is about: Gather `Digits` and `SpeechResult`,
/// form fields' `value` or `answer`. Such a key takes the cues of the key that holds its object.
pub fn is_value_key(key: &str) -> bool {
    const KEYS: &[&str] = &["digits", "speechresult", "speech_result", "value", "answer", "input", "response", "result", "entered", "keyed"];
    key.len() <= 14 && KEYS.iter().any(|k| key.eq_ignore_ascii_case(k))
}

/// A direct-mapped memo of key hints: events repeat the same few dozen keys, and classifying one
/// costs an automaton pass. Bounded (1,024 slots, overwritten on collision), so hostile key sets
/// cannot grow it.
#[derive(Debug)]
pub struct KeyHints {
    slots: Vec<(u64, Box<str>, FieldHint)>,
}

impl Default for KeyHints {
    fn default() -> Self {
        KeyHints { slots: vec![(u64::MAX, Box::from(""), FieldHint::default()); 1024] }
    }
}

impl KeyHints {
    /// A memo with no slots (a placeholder; `get` on it is not allowed).
    pub(crate) fn empty() -> KeyHints {
        KeyHints { slots: Vec::new() }
    }

    /// The hint for `key`, whose hash the caller already has.
    pub fn get(&mut self, hash: u64, key: &str) -> FieldHint {
        let slot = &mut self.slots[(hash as usize) & 1023];
        if slot.0 != hash || &*slot.1 != key {
            *slot = (hash, Box::from(key), field_hint(key));
        }
        slot.2
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    fn cues(s: &str) -> Cues {
        CueMatcher::new().unwrap().cues_in(s.as_bytes(), 0, s.len())
    }

    #[test]
    fn whole_words_only() {
        assert!(cues("my SSN is").contains(Cues::SSN));
        assert!(cues("ssn#").contains(Cues::SSN));
        assert!(cues("Driver's License:").contains(Cues::DL));
        assert!(!cues("public policy").contains(Cues::DL));
        assert!(!cues("licensed").contains(Cues::DL));
        assert!(!cues("accountant").contains(Cues::ACCOUNT));
        assert!(!cues("cards").contains(Cues::CARD));
        assert!(cues("acct 123").contains(Cues::ACCOUNT));
    }

    #[test]
    fn field_hints() {
        assert!(field_hint("customer_name").name_field);
        assert!(field_hint("customerName").name_field);
        assert!(field_hint("full_name").name_field);
        assert!(field_hint("Author").name_field);
        assert!(!field_hint("worker_sid").name_field);
        assert!(field_hint("ssn").cues.contains(Cues::SSN));
        assert!(field_hint("bank_account_number").cues.contains(Cues::ACCOUNT));
        assert!(!field_hint("account_sid").cues.contains(Cues::ACCOUNT));
        assert!(!field_hint("AccountSid").cues.contains(Cues::ACCOUNT));
        assert!(field_hint("drivers_license").cues.contains(Cues::DL));
    }
}
