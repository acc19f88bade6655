//! Negative evidence: words shaped like a person's name that name a place, a street or a company.
//!
//! Written from general knowledge of US contact-centre text (banks, brokers, retailers, cities),
//! not from any test corpus.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

/// A word right after a name-shaped run that makes it a place or an organisation ("George Washington
/// Bridge", "Martin Luther King Jr Way", "Morgan Stanley Bank").
pub(crate) const PLACE_OR_ORG_AFTER: &[&str] = &[
    "st", "street", "ave", "avenue", "blvd", "boulevard", "rd", "road", "way", "ln", "lane", "drive",
    "ct", "court", "pl", "place", "pkwy", "parkway", "hwy", "highway", "expressway", "fwy", "freeway",
    "bridge", "tunnel", "park", "square", "plaza", "circle", "terrace", "trail", "crossing",
    "center", "centre", "hospital", "clinic", "medical", "university", "college", "school", "academy",
    "institute", "church", "cathedral", "airport", "station", "hall", "library", "museum", "memorial",
    "foundation", "inc", "llc", "llp", "ltd", "corp", "corporation", "co", "company", "bank", "banking",
    "group", "holdings", "partners", "associates", "insurance", "financial", "securities", "investments",
    "trust", "credit", "mall", "hotel", "stadium", "arena", "county", "city", "beach", "heights",
    "springs", "river", "valley", "elementary", "middle", "high", "stores", "store", "market",
    "pharmacy", "motors", "auto", "dealership", "apartments", "building", "tower", "towers", "village",
    "estates", "gardens", "mortgage", "capital", "advisors", "wealth", "brokerage", "law", "firm",
    // Trades and shops named after their owner ("Ben Franklin Plumbing", "Sam Houston State").
    "plumbing", "heating", "roofing", "electric", "electrical", "hvac", "landscaping", "construction",
    "realty", "dental", "bakery", "cafe", "café", "salon", "spa", "studio", "studios", "consulting",
    "solutions", "enterprises", "industries", "logistics", "trucking", "repair", "services", "supply",
    "foods", "farms", "ranch", "restaurant", "grill", "pizza", "kitchen", "diner", "tavern", "brewery",
    "winery", "state", "univ",
    // Street abbreviations and shops a person's name is lent to ("Betty Ford Dr.", "Bella Rose
    // Bridal", "Harriet Tubman Elementary PTA").
    "dr", "cir", "bridal", "boutique", "florist", "floral", "flowers", "jewelers", "jewelry", "photography", "catering",
    "cleaners", "tailoring", "barbershop", "nails", "fitness", "gym", "daycare", "childcare", "pta", "pto", "hardware",
    "furniture", "books", "bookstore", "pets", "grooming", "tutoring", "cafeteria", "chapel", "parish", "ministries",
];

/// Two-word brands, institutions and places that are shaped like "First Last" (lower case).
pub(crate) const NOT_PEOPLE: &[&str] = &[
    "charles schwab", "wells fargo", "morgan stanley", "merrill lynch", "edward jones", "raymond james",
    "dean witter", "smith barney", "dollar general", "harris teeter", "marshall fields", "ally financial",
    "john deere", "johnson controls", "kate spade", "tommy hilfiger", "ralph lauren", "calvin klein",
    "michael kors", "vera wang", "tory burch", "marc jacobs", "tom ford", "jimmy choo", "ben sherman",
    "john hancock", "thomas cook", "sherwin williams", "dick smith", "marks spencer", "ruby tuesday",
    "papa john", "jack daniels", "jimmy dean", "sam adams", "martha stewart", "betty crocker",
    "john lewis", "ted baker", "paul smith", "hugo boss", "mary kay", "estee lauder", "dave busters",
    "charlotte tilbury", "jenny craig", "stanley black", "lowe foods", "charles river", "george mason",
    "george washington", "san jose", "fort worth", "palo alto", "santa clara", "santa monica",
    "santa barbara", "los angeles", "las vegas", "new york", "costa mesa", "el paso", "baton rouge",
    "corpus christi", "salt lake", "grand rapids", "virginia beach", "colorado springs", "santa fe",
    "green bay", "little rock", "long beach", "sioux falls", "jersey city", "kansas city",
    "carson city", "myrtle beach", "la jolla", "san diego", "san antonio", "san francisco",
    "st louis", "st paul", "st petersburg", "fort lauderdale", "fort myers", "cape coral",
    "boca raton", "port st", "west palm", "palm beach", "des moines", "el cajon", "chula vista",
    "rancho cucamonga", "santa rosa", "santa ana", "walnut creek", "mountain view", "redwood city",
];

/// Words of a name field or a "name" that say it is not a person: queues, teams, caller-ID
/// placeholders, organisations.
pub(crate) const NOT_PERSON_WORDS: &[&str] = &[
    "support", "team", "queue", "sales", "billing", "service", "services", "department", "dept",
    "group", "inc", "llc", "ltd", "corp", "company", "bank", "caller", "wireless", "unknown", "private",
    "anonymous", "restricted", "unavailable", "toll", "free", "cell", "phone", "mobile", "assignment",
    "workflow", "default", "everyone", "anyone", "customer", "customers", "agents", "escalations",
    "tier", "spam", "scam", "likely", "risk", "number", "blocked", "payphone", "office", "desk",
    "helpdesk", "operator", "voicemail", "bot", "assistant", "system", "admin", "test",
    "farm", "farms", "ranch", "bakery", "cafe", "salon", "plumbing", "construction", "realty", "dental",
    "clinic", "shop", "store", "studio", "designs", "consulting", "solutions", "enterprises",
    "industries", "logistics", "transport", "trucking", "motors", "repair", "auto", "insurance",
];

/// Words a speaker opens a sentence with before addressing someone ("Okay Ravi, …", "Gracias,
/// Rosario."): never the first word of a name. Speech-to-text capitalises them, and without this
/// list "Okay Tobias" reads as a first and last name.
pub(crate) const DISCOURSE: &[&str] = &[
    "okay", "ok", "yeah", "yes", "yep", "no", "hi", "hello", "hey", "thanks", "thank", "gracias", "sure", "well", "so", "right",
    "alright", "great", "perfect", "hola", "sí", "si", "bueno", "oh", "good", "please", "sorry", "bye", "goodbye", "and", "but",
    "also", "now", "wait", "listen", "look", "excuse", "pardon", "claro", "perdón", "perdon", "disculpe", "señor", "senor", "gotcha",
    "cool", "awesome", "wonderful", "excellent",
];

/// Acronyms and identifier words written in capitals that end a name-shaped run ("SIM ICCID",
/// "CORRINE ASHDOWN SSN").
pub(crate) const ACRONYMS: &[&str] = &[
    "sim", "iccid", "imei", "meid", "esn", "ssn", "itin", "ein", "tin", "acct", "aba", "iban", "dob",
    "vin", "pin", "cvv", "cvc", "atm", "ach", "usps", "ups", "fedex", "dhl", "dl", "dln", "id", "llc",
    "inc", "usa", "irs", "dmv", "pos", "eta", "faq", "asap", "fyi", "tx", "ca", "ny", "fl",
];

/// US state codes, for caller-ID values of the form "CITY ST" ("SEATTLE WA").
pub(crate) const STATE_CODES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
    "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
];

/// Surname particles: "van den Broek", "de la Cruz", "bin Salleh", "Ní Bhriain", "Mac Giolla".
pub(crate) const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "dela", "di", "da", "das", "dos", "du", "la", "le",
    "bin", "binti", "bint", "ibn", "al", "el", "ní", "nic", "mac", "ter", "ten", "zu", "y", "e", "abu",
    "ben", "ap", "st", "st.", "mc", "lo", "degli", "vander", "op", "ó", "o", "ua", "uí", "mhic",
];

/// Number words (English and Spanish) as speech-to-text writes digits: never part of a name
/// ("it's seis ocho …", "S nine three four"). "dos" is left out: it is a particle too ("dos Santos").
pub(crate) const NUMBER_WORDS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty",
    "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "double", "triple", "cero", "uno", "tres", "cuatro",
    "cinco", "seis", "siete", "ocho", "nueve", "diez", "veinte", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta",
    "ochenta", "noventa",
];

/// Generational and honorific suffixes after a surname.
pub(crate) const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "esq"];

/// Which of the lists above a word is on (a bit each), looked up once per word in one hash map.
pub(crate) mod class {
    pub(crate) const PLACE_OR_ORG_AFTER: u8 = 1;
    pub(crate) const NOT_PERSON: u8 = 1 << 1;
    pub(crate) const PARTICLE: u8 = 1 << 2;
    pub(crate) const SUFFIX: u8 = 1 << 3;
    pub(crate) const ACRONYM: u8 = 1 << 4;
    pub(crate) const NUMBER: u8 = 1 << 5;
    pub(crate) const DISCOURSE: u8 = 1 << 6;
}

/// The classes of `w` (0 for most words).
pub(crate) fn class(w: &super::word::Word) -> u8 {
    static MAP: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, u8>> = std::sync::OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut m: rustc_hash::FxHashMap<&'static str, u8> = rustc_hash::FxHashMap::default();
        for (list, bit) in [
            (PLACE_OR_ORG_AFTER, class::PLACE_OR_ORG_AFTER),
            (NOT_PERSON_WORDS, class::NOT_PERSON),
            (PARTICLES, class::PARTICLE),
            (SUFFIXES, class::SUFFIX),
            (ACRONYMS, class::ACRONYM),
            (NUMBER_WORDS, class::NUMBER),
            (DISCOURSE, class::DISCOURSE),
        ] {
            for w in list {
                *m.entry(w).or_default() |= bit;
            }
        }
        m
    });
    if w.text.len() > 16 {
        return 0;
    }
    w.with_lower(|l| map.get(l).copied().unwrap_or(0))
}

/// True when "first last" is one of [`NOT_PEOPLE`] (ASCII case-insensitive, apostrophes ignored).
pub(crate) fn not_people(first: &str, last: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> = std::sync::OnceLock::new();
    let set = SET.get_or_init(|| NOT_PEOPLE.iter().copied().collect());
    if first.len() + last.len() >= 40 || !first.is_ascii() || !last.is_ascii() {
        return false;
    }
    let mut buf = [0u8; 40];
    let mut n = 0;
    for b in first.bytes().chain(std::iter::once(b' ')).chain(last.bytes()).filter(|b| *b != b'\'') {
        let Some(slot) = buf.get_mut(n) else { return false };
        *slot = b.to_ascii_lowercase();
        n += 1;
    }
    std::str::from_utf8(buf.get(..n).unwrap_or_default()).is_ok_and(|p| set.contains(p))
}
