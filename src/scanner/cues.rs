//! Keyword cues ("ssn", "acct", "driver's license", "cvv", "my name is" …) and field-name hints.
//!
//! Weak identifiers (bare 9 digits, 8-17 digit accounts, routing numbers, licence shapes) are only
//! reported when a cue stands near them or the JSON key names them (Macie-style *required* context).
//! One case-insensitive aho-corasick automaton holds every cue. It runs only over a small window around
//! a candidate, never over the whole text: a case-insensitive automaton falls to DFA speed
//! (~0.47 GB/s, `BENCHMARKS.md`), which would cap the clean-text scanner.

use crate::scanner::slice::{slice};
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
/// let "lic" match "public" and "policy".
const CUE_WORDS: &[(&str, Cues)] = &[
    ("ssn", Cues::SSN),
    ("ssn#", Cues::SSN),
    ("ss#", Cues::SSN),
    ("ss #", Cues::SSN),
    ("ss", Cues::SSN),
    ("ss no", Cues::SSN),
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
    // Investment accounts: brokerage, IRA, Roth, 401(k) numbers, often with a letter prefix.
    ("brokerage", Cues::ACCOUNT),
    ("ira", Cues::ACCOUNT),
    ("roth", Cues::ACCOUNT),
    ("investment account", Cues::ACCOUNT),
    // Brokerages by name ("Fidelity X49-…"): the firm says what the number is.
    ("fidelity", Cues::ACCOUNT),
    ("schwab", Cues::ACCOUNT),
    ("vanguard", Cues::ACCOUNT),
    ("etrade", Cues::ACCOUNT),
    ("e*trade", Cues::ACCOUNT),
    ("ameritrade", Cues::ACCOUNT),
    ("merrill", Cues::ACCOUNT),
    ("robinhood", Cues::ACCOUNT),
    ("webull", Cues::ACCOUNT),
    ("wealthfront", Cues::ACCOUNT),
    ("betterment", Cues::ACCOUNT),
    ("morgan stanley", Cues::ACCOUNT),
    ("interactive brokers", Cues::ACCOUNT),
    ("401k", Cues::ACCOUNT),
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
    ("non-driver id", Cues::DL),
    ("non driver id", Cues::DL),
    ("nondriver id", Cues::DL),
    ("mva", Cues::DL),
    ("mvd", Cues::DL),
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
    // Spoken numbers that are not identifiers: a birth date, an extension, a callback number, a
    // claim; in Spanish a phone number and an order.
    ("birth", Cues::NOT_PII),
    ("born", Cues::NOT_PII),
    ("birthday", Cues::NOT_PII),
    ("dob", Cues::NOT_PII),
    ("extension", Cues::NOT_PII),
    ("callback", Cues::NOT_PII),
    ("call back", Cues::NOT_PII),
    ("reach me", Cues::NOT_PII),
    ("claim", Cues::NOT_PII),
    ("teléfono", Cues::NOT_PII),
    ("telefono", Cues::NOT_PII),
    ("pedido", Cues::NOT_PII),
    // Reference numbers of bookings, returns and paperwork, often SSN- or card-shaped (everyday
    // words such as "lot" or "quote" are not cues: "thanks a lot" would drop a spoken SSN).
    ("reservation", Cues::NOT_PII),
    ("booking", Cues::NOT_PII),
    ("itinerary", Cues::NOT_PII),
    ("pnr", Cues::NOT_PII),
    ("locator", Cues::NOT_PII),
    ("rma", Cues::NOT_PII),
    ("inv", Cues::NOT_PII),
    ("receipt", Cues::NOT_PII),
    ("work order", Cues::NOT_PII),
    ("shipment", Cues::NOT_PII),
    ("vin", Cues::NOT_PII),
    // Licences that are not a driver's licence or state ID, and the registrations and plates that
    // share the word (leftmost-longest: "hunting license" wins over "license").
    ("hunting license", Cues::NOT_PII),
    ("hunting licence", Cues::NOT_PII),
    ("fishing license", Cues::NOT_PII),
    ("fishing licence", Cues::NOT_PII),
    ("business license", Cues::NOT_PII),
    ("business licence", Cues::NOT_PII),
    ("marriage license", Cues::NOT_PII),
    ("liquor license", Cues::NOT_PII),
    ("contractor license", Cues::NOT_PII),
    ("contractor's license", Cues::NOT_PII),
    ("contractors license", Cues::NOT_PII),
    ("software license", Cues::NOT_PII),
    ("license key", Cues::NOT_PII),
    ("licence key", Cues::NOT_PII),
    ("license plate", Cues::NOT_PII),
    ("licence plate", Cues::NOT_PII),
    ("plate number", Cues::NOT_PII),
    ("registry", Cues::NOT_PII),
    ("clm", Cues::NOT_PII),
    // Everyday phrases that hold a cue word and announce nothing: "in case it's blurry".
    ("in case", Cues::empty()),
    ("policy number", Cues::NOT_PII),
    ("policy #", Cues::NOT_PII),
    ("policy no", Cues::NOT_PII),
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
            let before_ok = s.checked_sub(1).and_then(|p| hay.get(p)).is_none_or(|c| !c.is_ascii_alphanumeric());
            let last = e.checked_sub(1).and_then(|p| hay.get(p)).copied().unwrap_or(b' ');
            // A cue ending in punctuation ("name:", "ssn#") needs no boundary after it.
            let after_ok = !last.is_ascii_alphanumeric() || hay.get(e).is_none_or(|&c| !is_word_byte(c));
            let cues = CUE_WORDS.get(m.pattern().as_usize()).map(|w| w.1);
            if let (true, Some(cues)) = (before_ok && after_ok, cues) {
                f(CueHit { cues, start: s, end: e });
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
    /// The key holds speech-to-text output (`transcript`, `SpeechResult`, `TranscriptionText` …):
    /// numbers said as words are read as digits, and cues are looked for twice as far (speech is
    /// wordier than typing).
    pub speech: bool,
    /// Cues carried from an earlier sentence of the same conversation (the agent's question "and
    /// the card number?" before the customer's answer). Weaker than the string's own cues.
    pub carried: Cues,
    /// The key holds one part of a person's name: 1 a first name (`first_name`, `givenName`), 2 a
    /// last name (`last_name`, `surname`). Both parts in one event make a full name.
    pub name_part: u8,
    /// The key is a generic value key (see [`is_value_key`]).
    pub value_key: bool,
    /// The key holds a turn array (see [`is_turn_array_key`]).
    pub turn_array: bool,
    /// The key holds a request URL (`url`, `action`) whose path may name what its parameters are.
    pub url: bool,
    /// The key names a category (`medical_condition`, `religion`, `credit_score`): one bit per
    /// category kind (see [`super::category::fields`]); the value is a finding by itself.
    pub category: u8,
    /// The key names notes or free attributes (`conversation_attribute_2`, `notes`, `comment`,
    /// `content`, `summary`): typed text that may quote a call, numbers said as words included.
    pub notes: bool,
    /// The key holds digits keyed on a phone (a Gather's `Digits`).
    pub keyed: bool,
    /// Nine digits with no cue at all may be read as an SSN: set by the walker for speech and keyed
    /// digits when the record names nothing that is not personal data (an order, a confirmation,
    /// a claim, in any key or value).
    pub uncued: bool,
}

/// Keys whose value is speech-to-text output: Voice Intelligence sentences and real-time
/// transcription (`transcript`), Gather (`SpeechResult`, `UnstableSpeechResult`), recording
/// transcription (`TranscriptionText`).
const SPEECH_KEYS: &[&str] = &[
    "transcript", "speechresult", "unstablespeechresult", "stablespeechresult", "transcriptiontext", "transcription",
    "utterance", "spokentext", "speech",
];

/// Keys whose value is a person's name when it looks like one (Twilio's `FriendlyName`, TaskRouter's
/// `name` attribute, Conversations' `Author` …).
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

/// The parts of a key: split at anything not a letter or digit, and before an upper-case letter that
/// follows a lower-case one (`gatherDl` is `gather`, `Dl`).
fn key_parts(key: &str) -> impl Iterator<Item = &str> {
    let b = key.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while b.get(i).is_some_and(|c| !c.is_ascii_alphanumeric()) {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let s = i;
        i += 1;
        // A letter or digit, not an upper-case letter after a lower-case one.
        let goes_on = |i: usize| match (b.get(i), i.checked_sub(1).and_then(|p| b.get(p))) {
            (Some(c), Some(p)) => c.is_ascii_alphanumeric() && !(c.is_ascii_uppercase() && p.is_ascii_lowercase()),
            _ => false,
        };
        while goes_on(i) {
            i += 1;
        }
        Some(slice(key, s, i))
    })
}

/// The longest normalised key read; a longer one names nothing.
pub(crate) const KEY_BYTES: usize = 48;

/// A key normalised as keys are matched: its ASCII letters and digits, lower case, into `buf`;
/// `None` when they do not fit.
pub(crate) fn normalise_key<'a>(raw: &[u8], buf: &'a mut [u8; KEY_BYTES]) -> Option<&'a [u8]> {
    let mut n = 0;
    for b in raw.iter().filter(|b| b.is_ascii_alphanumeric()) {
        *buf.get_mut(n)? = b.to_ascii_lowercase();
        n += 1;
    }
    buf.get(..n)
}

/// Classifies a JSON key. Separators and case are ignored: `customer_name`, `customerName` and
/// `Customer-Name` are the same key.
pub fn field_hint(key: &str) -> FieldHint {
    let mut buf = [0u8; KEY_BYTES];
    let Some(k) = normalise_key(key.as_bytes(), &mut buf) else { return FieldHint::default() };
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
    // Parts of a key split at separators and case changes: Studio's `gather_dl`, `collect_card`.
    let part = |p: &str| key_parts(key).any(|x| x.eq_ignore_ascii_case(p));
    if has("license") || has("licence") || k == b"dl" || has("dlnumber") || has("stateid") || part("dl") {
        cues |= Cues::DL;
    }
    let not_a_payment_card = ["gift", "loyalty", "reward", "sim", "id", "type", "brand", "holder", "last", "last4", "exp", "expiry", "count"];
    if has("cardnumber") || k == b"pan" || has("ccnumber") || k == b"card" || has("creditcard") || part("card") && !not_a_payment_card.iter().any(|p| part(p)) {
        cues |= Cues::CARD;
    }
    if has("cvv") || has("cvc") || has("securitycode") {
        cues |= Cues::CVV;
    }
    let name_field = NAME_KEYS.iter().any(|nk| k == nk.as_bytes())
        || (k.ends_with(b"fullname") || k.ends_with(b"customername") || k.ends_with(b"holdername"));
    let speech = SPEECH_KEYS.iter().any(|sk| k == sk.as_bytes());
    let ends = |list: &[&str]| list.iter().any(|p| k.ends_with(p.as_bytes()));
    let name_part = if ends(&["firstname", "givenname", "forename"]) || matches!(k, b"fname" | b"first" | b"nombre") {
        1
    } else if ends(&["lastname", "surname", "familyname"]) || matches!(k, b"lname" | b"last" | b"apellido" | b"apellidos") {
        2
    } else {
        0
    };
    FieldHint {
        cues,
        name_field,
        speech,
        carried: Cues::empty(),
        name_part,
        value_key: is_value_key(key),
        turn_array: is_turn_array_key(key),
        url: key.eq_ignore_ascii_case("url") || key.eq_ignore_ascii_case("action"),
        category: super::category::fields::of_key(k),
        notes: [&b"notes"[..], b"note", b"comment", b"comments", b"content", b"summary", b"speech", b"memo"].iter().any(|p| k.ends_with(p))
            || k.starts_with(b"conversationattribute")
            || k.starts_with(b"customerattribute"),
        keyed: k == b"digits",
        uncued: false,
    }
}

/// The identifier cues a request URL's path names ("https://ivr.example.com/voice/verify/ssn",
/// "/gather/checking-account-number"): each path segment is read as a key. Twilio's own API paths
/// (`/Accounts/AC…/Calls`) name no identifier.
pub fn url_cues(url: &str) -> Cues {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p));
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut cues = Cues::empty();
    for seg in path.split('/').filter(|s| !s.is_empty() && s.len() <= 48 && !s.eq_ignore_ascii_case("accounts")) {
        let seg = seg.strip_suffix(".json").unwrap_or(seg);
        let h = field_hint(seg);
        cues |= Cues(h.cues.0 & (Cues::SSN.0 | Cues::ACCOUNT.0 | Cues::ROUTING.0 | Cues::DL.0 | Cues::CARD.0));
    }
    cues
}

/// The part a key plays in an element of a turn array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnKey {
    /// What was said or written (`transcript`, `text`, `body` …).
    Text,
    /// Who said it (`media_channel`, `role`, `speaker`, `author` …).
    Speaker,
    /// The sentence's or message's SID.
    Sid,
}

/// The part `key` plays in a turn object, if any.
pub fn turn_key(key: &str) -> Option<TurnKey> {
    const TEXT: &[&str] = &["transcript", "text", "content", "body", "message", "utterance", "speechresult", "said", "speech", "digits"];
    const SPEAKER: &[&str] = &[
        "media_channel", "mediachannel", "channel", "speaker", "role", "participant", "channel_participant", "author", "track",
        "from", "speaker_label", "speakerlabel", "participant_role", "participantrole",
    ];
    if TEXT.iter().any(|k| key.eq_ignore_ascii_case(k)) {
        Some(TurnKey::Text)
    } else if SPEAKER.iter().any(|k| key.eq_ignore_ascii_case(k)) {
        Some(TurnKey::Speaker)
    } else if key.eq_ignore_ascii_case("sid") {
        Some(TurnKey::Sid)
    } else {
        None
    }
}

/// Keys whose array holds the turns of a conversation, in order: Voice Intelligence `sentences`, a
/// bot's `turns`, `utterances`, a chat `messages` history.
pub fn is_turn_array_key(key: &str) -> bool {
    const KEYS: &[&str] = &[
        "sentences", "turns", "utterances", "transcripts", "segments", "dialog", "dialogue", "history", "conversation",
        "conversation_history", "conversationhistory", "messages", "exchanges",
    ];
    key.len() <= 20 && KEYS.iter().any(|k| key.eq_ignore_ascii_case(k))
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
        #[expect(clippy::indexing_slicing, reason = "the memo always has 1,024 slots (built by `new`; `empty` is never read), and the index is masked to 0..1024")]
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
