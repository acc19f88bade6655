//! The gates a term passes before it is a finding: who it is about (subject), whether it is said
//! to be so (a disclosure pattern for ambiguous terms), and whether it is asserted at all (not
//! negated, not hypothetical, not a question, not an offer). Each gate reads only the words around
//! one term, so they cost nothing on text without terms.
//!
//! The word lists are ours, written for how customers and agents talk; negation and hypothetical
//! triggers follow the ConText algorithm's categories (Harkema et al. 2009; the medSpaCy rule set is
//! the reference we compared against, `data/categories/SOURCES.md`).
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::scanner::slice::{slice, from, upto, floor};

/// What the words before a term say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Assertion {
    /// Said to be so.
    Affirmed,
    /// Said not to be so ("I don't have …", "never been …").
    Negated,
    /// Said of a case that may not be ("if I ever …", "in case …").
    Hypothetical,
    /// Asked ("Do you have …?"): a disclosure only when the answer is yes.
    Question,
    /// An offer or a description of a service ("we cover …", "our program for …").
    Offer,
}

/// Who a term is about, as far as the words before it tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Subject {
    /// No person.
    None,
    /// Only "we", "our", "they": a company as often as a household.
    Plural,
    /// "you", "your": the agent speaking of the customer.
    Second,
    /// I, my, a relative, he, she, the customer or patient in an agent's note.
    Person,
}

/// How a term is introduced, reading back from it over fillers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pattern {
    /// No disclosure pattern.
    None,
    /// A disclosure pattern ("I have", "she's a", "diagnosed with", "my", "taking", "as a").
    Disclosure,
}

/// One word before a term, lower case, with how many clause breaks (commas, "but") lie between it
/// and the term.
struct Word {
    text: String,
    clause: u8,
    capitalised: bool,
}

/// Up to 16 words back from `end`, stopping at a sentence break (`.`, `!`, `?`, `;`, a new line) or
/// 200 bytes. Nearest first.
fn words_before(text: &str, end: usize) -> Vec<Word> {
    let b = text.as_bytes();
    // Both ends on character boundaries: a word is a run of bytes, and a run cut at a byte inside a
    // character (200 bytes back in emoji or CJK text) is not text.
    let end = floor(text, end);
    let floor = floor(text, end.saturating_sub(200));
    let mut out = Vec::new();
    let mut i = end;
    let mut clause = 0u8;
    while i > floor && out.len() < 16 {
        let Some(&c) = b.get(i - 1) else { break };
        if is_word_byte(c) {
            let e = i;
            while i > floor && b.get(i - 1).is_some_and(|&c| is_word_byte(c)) {
                i -= 1;
            }
            let w = slice(text, i, e);
            let lower = w.to_ascii_lowercase().replace('\u{2019}', "'");
            // "but", "because" …, and "and"/"so"/"then" before a new subject ("I couldn't work *and
            // they* repossessed my car"): a new clause, out of the reach of the negation before it.
            let new_subject = out.last().is_some_and(|n: &Word| matches!(n.text.as_str(), "i" | "i'm" | "im" | "he" | "she" | "they" | "we" | "he's" | "she's" | "they're" | "we're"));
            if matches!(lower.as_str(), "but" | "although" | "though" | "because" | "since") || matches!(lower.as_str(), "and" | "so" | "then") && new_subject {
                clause = clause.saturating_add(1);
            }
            out.push(Word { text: lower, clause, capitalised: w.as_bytes().first().is_some_and(u8::is_ascii_uppercase) });
            continue;
        }
        match c {
            // A dot between letters or digits ("J45.909", "3.5") is not the end of a sentence.
            b'.' if b.get(i).is_some_and(u8::is_ascii_alphanumeric) && i.checked_sub(2).and_then(|j| b.get(j)).is_some_and(u8::is_ascii_alphanumeric) => {}
            b'.' | b'!' | b'?' | b';' | b'\n' => break,
            b',' | b':' | b'(' | b')' => clause = clause.saturating_add(1),
            _ => {}
        }
        i -= 1;
    }
    out
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'\'' || c >= 0x80
}

fn any(w: &str, list: &[&str]) -> bool {
    list.contains(&w)
}

const FIRST: &[&str] = &[
    "i", "i'm", "im", "i've", "ive", "i'd", "me", "my", "mine", "myself", "i'll",
    // Spanish: "yo", "mi", and the verbs that carry their subject ("tengo", "estoy", "soy").
    "yo", "mi", "mis", "tengo", "estoy", "soy", "tomo", "sufro", "padezco", "vivo",
];
const THIRD: &[&str] = &[
    "he", "she", "he's", "she's", "hes", "shes", "his", "her", "him", "hers", "himself", "herself",
    "customer", "customer's", "cx", "cx's", "cust", "cust's", "mbr", "caller", "caller's", "client", "client's", "patient", "patient's", "pt", "member", "member's",
    "insured", "beneficiary", "subscriber", "cardholder", "borrower", "applicant", "resident", "tenant", "debtor", "homeowner",
];
const KIN: &[&str] = &[
    "son", "daughter", "wife", "husband", "mom", "mum", "mother", "dad", "father", "brother", "sister", "child", "kid", "kids",
    "baby", "partner", "boyfriend", "girlfriend", "fiance", "fiancee", "grandma", "grandmother", "grandpa", "grandfather", "aunt",
    "uncle", "parents", "parent", "family", "spouse", "niece", "nephew", "cousin", "stepson", "stepdaughter", "children", "mama",
    "papa", "granddaughter", "grandson", "son's", "daughter's", "wife's", "husband's", "mom's", "dad's", "mother's", "father's",
    // Spanish
    "hijo", "hija", "hijos", "esposo", "esposa", "mamá", "papá", "madre", "padre", "hermano", "hermana", "abuela", "abuelo",
    "él", "ella", "marido", "novio", "novia", "pareja",
];
const SECOND: &[&str] = &["you", "your", "you're", "youre", "yours", "yourself", "u", "ur"];
const PLURAL: &[&str] = &[
    "we", "we're", "were", "our", "us", "we've", "they", "they're", "their", "them", "customers", "callers", "couple",
    // Spanish: "we" and "they", and the verbs that carry them ("somos", "estamos").
    "nosotros", "nosotras", "ellos", "ellas", "somos", "estamos", "tenemos", "nuestro", "nuestra", "nuestros", "nuestras",
];

fn subject_of(w: &str) -> Subject {
    if any(w, FIRST) || any(w, THIRD) || any(w, KIN) {
        Subject::Person
    } else if any(w, SECOND) {
        Subject::Second
    } else if any(w, PLURAL) {
        Subject::Plural
    } else {
        Subject::None
    }
}

/// Words that may stand between a disclosure pattern and its term ("I have *severe* depression",
/// "she's *a devout* Catholic").
const FILLERS: &[&str] = &[
    "a", "an", "the", "very", "so", "really", "also", "still", "currently", "now", "recently", "just", "newly", "severe",
    "severely", "chronic", "chronically", "mild", "mildly", "bad", "pretty", "quite", "some", "type", "1", "2", "one", "two",
    "ii", "stage", "early", "late", "clinical", "clinically", "major", "borderline", "kind", "of", "sort", "devout", "practicing",
    "practising", "observant", "openly", "proud", "full", "blown", "terminal", "advanced", "actually", "officially", "finally",
    "like", "literally", "being", "been", "lifelong", "life", "long", "raised", "born", "again", "strict", "strictly", "active",
    "diagnosed", "always", "both", "all", "in", "having", "mental",
];

/// Words that open a disclosure when right before a term (after fillers).
const OPENERS: &[&str] = &[
    // having and being
    "have", "has", "had", "got", "gotten", "having", "get", "gets", "am", "is", "are", "was", "were", "i'm", "im", "he's",
    "she's", "hes", "shes", "we're", "they're", "i've", "ive", "being", "been", "became", "become", "becoming", "identify",
    "identifies", "identified", "turned",
    // diagnosis, treatment, taking
    "with", "from", "for", "on", "taking", "take", "takes", "took", "prescribed", "using", "doing", "started", "stopped", "quit",
    "received", "receive", "receives", "receiving", "collect", "collects", "collecting", "rely", "relies", "need", "needs",
    "needed", "filed", "file", "filing", "went", "going", "through", "into", "out", "of", "under", "after", "since", "as",
    // possession
    "my", "his", "her", "our", "their", "your", "mom's", "dad's", "son's", "daughter's", "wife's", "husband's",
    // Spanish: having, being, taking, treated for
    "tengo", "tiene", "tienen", "tenemos", "estoy", "está", "estamos", "soy", "somos", "tomo", "toma", "sufro",
    "sufre", "padezco", "padece", "con", "por", "mi", "mis", "su", "sus",
];

/// Openers that only open when a person was named before them ("*she* is diabetic", not "the bill is
/// collections"), or a verb of diagnosis ("diagnosed *with*").
const NEEDS_SUBJECT: &[&str] = &["is", "are", "was", "were", "am", "has", "have", "had", "got", "get", "gets", "being", "been", "became", "become", "need", "needs", "needed", "out", "of", "into", "through", "under", "after", "since", "on", "going", "went", "for"];
const DIAGNOSIS_VERBS: &[&str] = &[
    "diagnosed", "dx'd", "dxd", "suffer", "suffers", "suffering", "suffered", "living", "lives", "live", "struggling", "struggle",
    "struggles", "dealing", "deal", "deals", "recovering", "treated", "treatment", "battling", "born", "tested", "testing",
    "positive", "medication", "medications", "meds", "prescription", "surgery", "admitted", "hospitalized", "hospitalised",
    "checked", "went", "been", "currently", "still", "now", "i'm", "im", "he's", "she's", "is", "am", "was", "are", "were",
];

/// Negation triggers before a term, in its clause.
const NEGATIONS: &[&str] = &[
    "nunca", "tampoco",
    "not", "no", "never", "don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "isn't", "isnt", "wasn't", "wasnt", "aren't",
    "arent", "haven't", "havent", "hasn't", "hasnt", "hadn't", "without", "denies", "denied", "deny", "nor", "neither", "none",
    "ain't", "weren't", "won't", "nobody", "negative", "free", "ruled", "longer",
];
/// Negations that stand between a disclosure pattern and its term in a denial ("I'm not …", "has
/// never been …", "is no longer …").
const DENIALS: &[&str] = &[
    "not", "never", "no", "longer", "any", "don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "isn't", "isnt", "wasn't",
    "wasnt", "aren't", "arent", "haven't", "havent", "hasn't", "hasnt", "ain't", "weren't",
];
/// Hypothetical triggers before a term, in its clause.
const HYPOTHETICALS: &[&str] = &[
    "if", "whether", "case", "would", "could", "might", "should", "may", "hypothetically", "suppose", "supposing", "unless",
    "ever", "incase", "wondering", "considering", "thinking", "planning", "plan", "worried", "afraid", "scared", "risk",
    "prevent", "avoid", "eligible", "qualify", "apply", "applying",
];
/// Words of an offer or a service description.
const OFFERS: &[&str] = &[
    "offer", "offers", "cover", "covers", "covered", "coverage", "include", "includes", "including", "program", "programs",
    "available", "resources", "services", "specialist", "specialists", "plans", "support", "discount", "discounts", "free",
    "options", "assistance", "customers", "members", "patients", "anyone", "people", "everyone", "folks",
];
/// Words after a term that make it the name of a service ("hardship program", "bankruptcy
/// attorney", "diabetes supplies").
const SERVICES: &[&str] = &[
    "program", "programs", "plan", "plans", "options", "assistance", "form", "forms", "department", "team", "line", "services",
    "attorney", "attorneys", "lawyer", "lawyers", "specialist", "specialists", "coverage", "benefit", "resources", "hotline",
    "eligibility", "application", "applications", "enrollment", "enrolment", "office",
    // Campaigns and alternatives: "Diabetes Awareness Month", "bankruptcy alternatives".
    "alternatives", "awareness", "counseling", "counselling", "counselors", "counsellors", "support", "walk", "screening", "screenings",
    "education",
];

/// Words that open a question.
const QUESTION_OPENERS: &[&str] = &[
    "are", "do", "does", "did", "have", "has", "is", "was", "were", "will", "would", "can", "could", "should", "any", "how",
    "what", "when", "which", "who", "why", "where", "anyone", "anybody", "so", "and", "also", "just", "ok", "okay",
];

/// The gates for one term at `start..end` of `text`.
pub(super) struct Verdict {
    pub assertion: Assertion,
    pub subject: Subject,
    pub pattern: Pattern,
    /// The nearest subject is an animal ("my dog has diabetes"): not a person's data.
    pub animal: bool,
}

/// Reads the words around the term at `start..end`.
pub(super) fn judge(text: &str, start: usize, end: usize) -> Verdict {
    let before = words_before(text, start);
    let mut subject = Subject::None;
    for w in &before {
        subject = subject.max(subject_of(&w.text));
        // A capitalised word before "is/has" may be a person's name ("Maria has lupus"): counted by
        // the pattern below, not here.
    }
    // The disclosure pattern: back over fillers to the first word that is not one.
    let mut pattern = Pattern::None;
    let mut k = 0;
    // A negation is read over too, so that a denial has its pattern ("I'm *not* gay", "she is
    // *no longer* on insulin"): whether the term is negated is decided below.
    while k < 4 && before.get(k).is_some_and(|w| (any(&w.text, FILLERS) || any(&w.text, DENIALS)) && w.clause == 0) {
        k += 1;
    }
    if let Some(w) = before.get(k).filter(|w| w.clause == 0) {
        let t = w.text.as_str();
        let prev = before.get(k + 1).map(|w| w.text.as_str()).unwrap_or("");
        // A person named before the verb: a subject word anywhere earlier in the sentence ("Caller
        // (19) said he's …", "Member had …, on crutches"), or a capitalised word (a name) in the
        // verb's own clause ("Maria has lupus").
        let earlier = before.get(k + 1..).unwrap_or_default();
        let named_before = earlier.iter().any(|x| subject_of(&x.text) >= Subject::Plural)
            || earlier.iter().take(4).any(|x| x.clause == 0 && x.capitalised && x.text.len() > 1 && !any(&x.text, QUESTION_OPENERS));
        let opens = if t == "as" {
            // "as a Muslim", not "such as", "known as", "as well as".
            !matches!(prev, "such" | "known" | "well" | "same" | "soon" | "long" | "far" | "much")
        } else if t == "with" || t == "from" || t == "for" || t == "of" {
            any(prev, DIAGNOSIS_VERBS) || earlier.iter().take(3).any(|x| any(&x.text, DIAGNOSIS_VERBS) && x.clause == 0)
        } else if any(t, NEEDS_SUBJECT) {
            // In a note the subject is often left out: "On insulin.", "Has diabetes; …".
            let opens_sentence = k + 1 == before.len();
            named_before || opens_sentence || matches!(prev, "i've" | "ive" | "she's" | "he's" | "i'd")
        } else {
            any(t, OPENERS) || any(t, DIAGNOSIS_VERBS) && t.len() > 3
        };
        if opens {
            pattern = Pattern::Disclosure;
        }
    }
    // A note without its subject: only fillers back to the sentence start, one of them a verb
    // ("Been unemployed since October", "been in rehab since March").
    if pattern == Pattern::None && k > 0 && k == before.len() && before.iter().any(|w| matches!(w.text.as_str(), "been" | "being" | "having" | "diagnosed")) {
        pattern = Pattern::Disclosure;
    }
    // A noun phrase: "I'm a recovering gambling addict", "had my gallbladder removed": a possessive,
    // or an article after an opener, up to three words back in the term's clause.
    if pattern == Pattern::None {
        for (j, w) in before.iter().enumerate().skip(k).take(3) {
            if w.clause != 0 {
                break;
            }
            let opener_before = before.get(j + 1).is_some_and(|x| x.clause == 0 && matches!(x.text.as_str(), "i'm" | "im" | "am" | "is" | "are" | "was" | "were" | "he's" | "she's" | "we're" | "they're" | "as" | "being" | "became" | "become"));
            if any(&w.text, &["my", "his", "her", "our", "their"]) || matches!(w.text.as_str(), "a" | "an") && opener_before && subject >= Subject::Plural {
                pattern = Pattern::Disclosure;
                break;
            }
        }
    }
    // Assertion, from the term's own clause back; an item of a list ("SNAP, SSI or Medicaid") is
    // read with the clause that opens the list.
    let mut own = 0u8;
    while before.iter().filter(|w| w.clause == own).all(|w| matches!(w.text.as_str(), "or" | "and" | "nor" | "a" | "an")) && before.iter().any(|w| w.clause > own) {
        own += 1;
    }
    let clause: Vec<&Word> = before.iter().filter(|w| w.clause <= own).collect();
    let negated = clause.iter().take(6).any(|w| any(&w.text, NEGATIONS) || w.text.ends_with("n't"))
        // "can't afford" is a hardship, not a negation.
        && !clause.iter().take(3).any(|w| w.text == "can't" || w.text == "cant" || w.text == "couldn't");
    let hypothetical = clause.iter().any(|w| any(&w.text, HYPOTHETICALS));
    let sentence_start = before.last().map(|w| w.text.as_str()).unwrap_or("");
    let ends_in_question = sentence_end(text, end) == Some(b'?');
    // Speech-to-text writes no question mark: "are you taking any blood thinners", "do you have
    // any medical conditions" ask all the same, unless the speaker says it of themself after.
    let spoken_question = before.windows(2).any(|w| {
        let [you, aux] = w else { return false };
        matches!(you.text.as_str(), "you" | "ya" | "u" | "anyone" | "anybody") && you.clause == aux.clause && any(&aux.text, &["are", "do", "does", "did", "have", "has", "were", "will", "would", "can", "could"])
    }) && !before.iter().take_while(|w| !matches!(w.text.as_str(), "you" | "ya" | "u")).any(|w| any(&w.text, FIRST));
    let asks = ends_in_question
        && (before.is_empty() || any(sentence_start, QUESTION_OPENERS) || before.iter().any(|w| any(&w.text, SECOND) || w.text == "anyone" || w.text == "anybody"))
        || spoken_question;
    // "our hardship program", "a bankruptcy attorney": a service named after the word.
    let names_a_service = from(text, end).split_whitespace().next().is_some_and(|w| {
        any(w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()).to_ascii_lowercase().as_str(), SERVICES)
    });
    let offer = subject <= Subject::Second && (names_a_service || before.iter().any(|w| any(&w.text, OFFERS)));
    // "Why is my daughter's inhaler not covered?": a question about what is one's own discloses it.
    let owns = pattern == Pattern::Disclosure && before.iter().take(3).any(|w| matches!(w.text.as_str(), "my" | "our") || w.text.ends_with("'s") && any(w.text.trim_end_matches("'s"), KIN));
    let assertion = if asks && !owns {
        Assertion::Question
    } else if negated {
        Assertion::Negated
    } else if hypothetical {
        Assertion::Hypothetical
    } else if offer {
        Assertion::Offer
    } else {
        Assertion::Affirmed
    };
    Verdict { assertion, subject, pattern, animal: about_an_animal(&before) }
}

/// The byte that ends the sentence holding `at` (`.`, `!`, `?` or a new line), if any.
fn sentence_end(text: &str, at: usize) -> Option<u8> {
    text.as_bytes().get(sentence(text, at, at).1).copied()
}

/// Words that answer yes.
const YES: &[&str] = &[
    "yes", "yeah", "yep", "yup", "ya", "yea", "correct", "right", "affirmative", "sure", "si", "sí", "uh-huh", "mhm", "mm-hmm",
    "i", "we", "she", "he", "that's", "thats", "definitely", "absolutely", "indeed",
];

/// True when `reply` opens with a yes ("Yes, I am", "yeah", "I do", "she is"), and not with a no
/// ("I don't", "no", "not really").
pub fn answers_yes(reply: &str) -> bool {
    let mut words = reply
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('\u{2019}', "'"));
    let Some(first) = words.next() else { return false };
    if !YES.contains(&first.as_str()) {
        return false;
    }
    let rest: Vec<String> = words.take(4).collect();
    if matches!(first.as_str(), "i" | "we" | "she" | "he" | "that's" | "thats") {
        // "I am", "I do", "we are", "she does", "that's right"; not "I don't", "I'm not sure".
        return rest.first().is_some_and(|w| matches!(w.as_str(), "am" | "do" | "have" | "does" | "is" | "are" | "did" | "right" | "correct" | "was"))
            && !rest.iter().any(|w| w == "not" || w.ends_with("n't"));
    }
    !rest.iter().take(2).any(|w| w == "not" || w == "no" || w.ends_with("n't"))
}

/// True when `text` mentions a person (I, my, a relative, he, she, the customer or patient): a
/// provider's NPI or DEA number is PHI only in a patient's context.
pub(super) fn mentions_person(text: &str) -> bool {
    subjects(text).any(|s| s >= Subject::Second)
}

/// Words of a provider's role: a text with one of them and no patient is a provider speaking of
/// its own numbers ("this is Dr. Okonkwo's office, his NPI is …", "credentialing asked for my NPI").
const PROVIDER_ROLE: &[&str] = &[
    "dra", "doctora", "enfermera", "enfermero", "taxonomy", "remittance", "dr", "doctor", "doctor's", "dr's", "prescriber", "prescriber's", "provider", "provider's", "physician", "practitioner",
    "credentialing", "credentialed", "enrollment", "enrolment", "prescribing", "rendering", "referring", "np", "md", "rn", "dds",
    "lcsw", "nurse", "therapist", "physio", "physiotherapist", "dentist", "chiropractor", "pharmacist", "optometrist",
];
/// Words of a patient's role.
const PATIENT_ROLE: &[&str] = &[
    "patient", "patient's", "pt", "pt's", "member", "member's", "mbr", "beneficiary", "insured", "subscriber", "caregiver",
    // An agent's note about the customer's prescription ("Rx transfer for cust's oxycodone").
    "customer", "customer's", "cust", "cust's", "cx", "cx's",
];

/// True when an NPI or DEA number in `text` is a provider's own: a provider's role is named, and no
/// patient is, nor a relative, nor anything of the writer's but the number itself ("my
/// appointment", "my script", "my doctor": a patient speaking; "my NPI": a provider).
pub(super) fn provider_own(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty() && w.len() <= 14)
        .map(|w| w.to_ascii_lowercase().replace('\u{2019}', "'"))
        .collect();
    // "my NPI is …": only a provider has one.
    let own_number = words.windows(2).any(|p| matches!(p, [a, b] if matches!(a.as_str(), "my" | "mi") && matches!(b.as_str(), "npi" | "dea")));
    let provider = own_number || words.iter().any(|w| any(w, PROVIDER_ROLE));
    // What a provider calls "my" besides the number: its office, its paperwork, its contact.
    let number = |w: &str| {
        matches!(
            w,
            "npi" | "dea" | "number" | "own" | "office" | "practice" | "clinic" | "new" | "email" | "address" | "packet" | "paperwork"
                | "contract" | "billing" | "license" | "taxonomy" | "group" | "tin" | "info" | "credentialing" | "fax" | "phone"
                | "mailing" | "order" | "orders" | "forms" | "remittance" | "payee" | "payments"
        )
    };
    // "I'm Dr. …", "I'm calling about …": the provider introducing itself, not a patient.
    let intro = |p: &[String]| matches!(p, [a, b] if matches!(a.as_str(), "i'm" | "im") && (any(b, PROVIDER_ROLE) || matches!(b.as_str(), "calling" | "writing" | "texting" | "with" | "from" | "the" | "following" | "reaching" | "checking")));
    let introductions = words.windows(2).filter(|p| intro(p)).count();
    let ims = words.iter().filter(|w| matches!(w.as_str(), "i'm" | "im")).count();
    let patient = words.iter().any(|w| any(w, PATIENT_ROLE) || any(w, KIN) || matches!(w.as_str(), "me" | "mine" | "i've" | "ive"))
        || ims > introductions
        || words.windows(2).any(|p| matches!(p, [a, b] if a == "my" && !number(b)))
        || words.last().is_some_and(|w| w == "my");
    provider && !patient
}

/// Words that name an animal: a term said of one is not about a person ("my dog has diabetes").
const ANIMALS: &[&str] = &[
    "dog", "dogs", "dog's", "cat", "cats", "cat's", "puppy", "pup", "kitten", "kitty", "pet", "pets", "pet's", "horse", "parrot",
    "bird", "rabbit", "bunny", "hamster", "canine", "feline", "vet", "vets", "veterinarian", "veterinary",
    "perro", "perra", "perrito", "perrita", "gato", "gata", "gatito", "mascota", "veterinario",
    "rabbit's", "horse's", "bird's", "puppy's", "kitten's", "bunny's", "pony", "mare", "ferret", "tortoise", "turtle", "gecko",
    "parakeet", "budgie", "cockatiel", "guinea",
    // Breeds, and what only an animal has done ("spay surgery", "neutered").
    "pug", "beagle", "poodle", "terrier", "retriever", "labrador", "husky", "chihuahua", "dachshund", "bulldog", "corgi",
    "collie", "spaniel", "doodle", "goldendoodle", "labradoodle", "pitbull", "rottweiler", "schnauzer", "pomeranian",
    "greyhound", "spay", "spayed", "neuter", "neutered",
];

/// True when the nearest subject before a term is an animal ("my dog has diabetes", "Biscuit, my
/// cat, she's on chemo"): a person word ("I", "my son") nearer to the term makes it a person's.
fn about_an_animal(before: &[Word]) -> bool {
    for w in before {
        if any(&w.text, ANIMALS) {
            return true;
        }
        if any(&w.text, FIRST) && w.text != "my" || any(&w.text, KIN) || any(&w.text, SECOND) {
            return false;
        }
    }
    false
}

/// True when a term opens its sentence as a terse disclosure: a specific term followed by a break
/// (`,`, `.`, `;`, `:`, a dash, the end) or, for any term, by a time ("2 yrs", "since may",
/// "friday", "last week"), or a pregnancy's weeks before it ("38 wks preg").
pub(super) fn terse(text: &str, start: usize, end: usize, specific: bool) -> bool {
    let before = words_before(text, start);
    let after = from(text, end).trim_start_matches([' ', '\t']);
    let opens = before.is_empty() || before.len() == 2 && before.first().is_some_and(|w| matches!(w.text.as_str(), "wks" | "weeks" | "wk" | "months" | "mos") && before.get(1).is_some_and(|n| n.text.bytes().all(|c| c.is_ascii_digit())));
    if !opens {
        return false;
    }
    if before.len() == 2 {
        return true;
    }
    let brk = after.is_empty() || after.starts_with([',', '.', ';', ':', '-', '!', '\n']);
    let next: Vec<String> = after.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).take(2).map(str::to_ascii_lowercase).collect();
    let first = next.first().map(String::as_str).unwrap_or("");
    let second = next.get(1).map(String::as_str).unwrap_or("");
    // A habit's frequency ("goes to temple every full moon", "voy a misa todos los días").
    const TIMES: &[&str] = &["every", "each", "daily", "weekly", "todos", "todas", "cada", "since", "today", "yesterday", "monday", "tuesday", "tues", "wednesday", "wed", "thursday", "thurs", "friday", "fri", "saturday", "sunday", "last", "this"];
    const UNITS: &[&str] = &["yr", "yrs", "year", "years", "mo", "mos", "month", "months", "wk", "wks", "week", "weeks", "day", "days"];
    let time = any(first, TIMES) || first.bytes().all(|c| c.is_ascii_digit()) && !first.is_empty() && any(second, UNITS);
    specific && brk || time
}

/// The sentence of `text[start..end]`: from the last break (`.`, `!`, `?`, a line break) before it
/// to the first after it (the break's offset, or the end).
fn sentence(text: &str, start: usize, end: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let is_break = |c: &u8| matches!(c, b'.' | b'!' | b'?' | b'\n');
    let s = b.get(..start).and_then(|x| x.iter().rposition(is_break)).map_or(0, |i| i + 1);
    let e = b.get(end..).and_then(|x| x.iter().position(is_break)).map_or(b.len(), |i| end + i);
    (s, e)
}

/// True when a specific term with no person named around it is still about the record's person:
/// a message's writer or a caller speaks of themselves without saying "I" ("going on Hajj in June,
/// need roaming", "at the temple for puja till 11", "got sent to collections and now it's
/// dragging my report down"). Not in a broadcast (a business writes it: "Reply YES", "STOP to
/// end", "% off", "Ramadan Mubarak from …"), nor in a sentence that asks or supposes ("Facing
/// foreclosure?", "how does repossession work in general", "if a customer misses payments").
pub(super) fn writer_implied(text: &str, start: usize, end: usize) -> bool {
    use aho_corasick::AhoCorasick;
    use std::sync::OnceLock;
    const BROADCAST: &[&str] = &[
        "reply yes", "reply stop", "reply info", "reply check", "reply help", "stop to", "text stop", "msg&data", "msg & data",
        "data rates", "% off", "free consult", "mubarak from", "kareem from", "shalom from", "from all of us", "order ahead",
        "order by", "preorder", "pre-order", "limited time", "call now", "call today", "apply today", "apply now", "in stock",
        "our pharmacy", "unsubscribe", "opt out", "opt-out",
    ];
    // An agent's note of what was read or offered ("read the hardship disclosure per script,
    // LIHEAP referral") tells an offer, not a status.
    const SUPPOSE: &[&str] = &[
        "if ", "in general", "just curious", "how does", "how do ", "what happens", "whether", "in case", "someone", "anyone", "people ",
        "script", "offered", "disclosure", "program", "eligib", "screening", "asked about", "asked if", "question about",
        "questions about", "skipped",
    ];
    static AC: OnceLock<(AhoCorasick, AhoCorasick)> = OnceLock::new();
    let (broadcast, suppose) = AC.get_or_init(|| {
        let build = |p: &[&str]| AhoCorasick::builder().ascii_case_insensitive(true).build(p).expect("static markers build");
        (build(BROADCAST), build(SUPPOSE))
    });
    let b = text.as_bytes();
    let (s, e) = sentence(text, start, end);
    b.get(e) != Some(&b'?') && !suppose.is_match(b.get(s..e).unwrap_or_default()) && !broadcast.is_match(b)
}

/// True when `text` is a business's broadcast, by the marks marketing texts carry: an opt-out
/// ("Reply STOP", "unsubscribe"), a call to act ("book a consult", "join our", "register at",
/// "walk in"), a holiday greeting from a sender ("Ramadan Mubarak!"). A term in one is not said
/// of a person unless one is named as its subject ("I", "my son").
pub(super) fn broadcast(text: &str) -> bool {
    use aho_corasick::AhoCorasick;
    use std::sync::OnceLock;
    const MARKS: &[&str] = &[
        "reply stop", "stop to", "text stop", "msg&data", "msg & data", "data rates", "unsubscribe", "opt out", "opt-out",
        "% off", "limited time", "book a consult", "book now", "book today", "book your", "schedule yours", "register at",
        "register now", "register today", "join our", "sign up", "learn more", "walk in", "walk-in", "no appointment needed",
        "order our", "shop now", "visit us", "mubarak!", "free consult", "call now", "call today", "apply now", "apply today",
    ];
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    let ac = AC.get_or_init(|| AhoCorasick::builder().ascii_case_insensitive(true).build(MARKS).expect("static markers build"));
    ac.is_match(text.as_bytes())
}

/// True when a term is said in an everyday, figurative sense: an object right after it ("bankrupt
/// me", "killing me"), "about" after a trait ("a bit OCD about my inbox"), or a softener right
/// before a mental-health word ("a little OCD", "kinda bipolar", "so depressed the Jets lost").
pub(super) fn figurative(text: &str, start: usize, end: usize, mental: bool) -> bool {
    let next: Vec<String> = from(text, end).split(|c: char| !c.is_ascii_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).take(2).map(str::to_ascii_lowercase).collect();
    let first = next.first().map(String::as_str).unwrap_or("");
    if matches!(first, "me" | "us") {
        return true;
    }
    let before = words_before(text, start);
    let word = |i: usize| before.get(i).map(|w| w.text.as_str()).unwrap_or("");
    // A thing that "gives me" a condition ("this bill is giving me a heart attack", "hold music
    // giving me PTSD"), and "addicted to" a product ("addicted to your oat milk lattes").
    let article = usize::from(matches!(word(0), "a" | "an"));
    let causes = word(article) == "me" && matches!(word(article + 1), "giving" | "gives" | "give" | "gave" | "gonna")
        // "I'm about to have a stroke reading this": what is about to happen, said of a bill.
        || word(article) == "have" && word(article + 1) == "to" && word(article + 2) == "about";
    let term = slice(text, start, end).to_ascii_lowercase();
    let product = term.starts_with("addicted") && matches!(if term.ends_with(" to") { first } else { next.get(1).map(String::as_str).unwrap_or("") }, "your" | "this" | "these" | "that" | "those" | "the");
    if causes || product {
        return true;
    }
    if !mental {
        return false;
    }
    let soft = |i: usize| before.get(i).map(|w| w.text.as_str()).unwrap_or("");
    let softened = matches!(soft(0), "kinda" | "lowkey" | "totally" | "slightly" | "sorta") || matches!((soft(1), soft(0)), ("a", "bit" | "little") | ("kind" | "sort", "of"));
    let so_cause = soft(0) == "so" && matches!(first, "the" | "that" | "about" | "when");
    softened || first == "about" || so_cause
}

/// True when the term's sentence laughs at itself ("lol", "haha", "😂"): a term said there without
/// a disclosure pattern is a joke ("… giving me PTSD 😂", "gonna be bankrupt by christmas haha").
pub(super) fn joking(text: &str, start: usize, end: usize) -> bool {
    use aho_corasick::AhoCorasick;
    use std::sync::OnceLock;
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    let ac = AC.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["lol", "lmao", "haha", "rofl", "\u{1F602}", "\u{1F923}", "\u{1F605}", "\u{1F480}"])
            .expect("static markers build")
    });
    let b = text.as_bytes();
    let (s, e) = sentence(text, start, end);
    let letter = |i: Option<usize>| i.and_then(|i| b.get(i)).is_some_and(u8::is_ascii_alphabetic);
    ac.find_iter(b.get(s..e).unwrap_or_default()).any(|m| {
        // An emoji, or a word ("lol", "haha", "hahaha"), not letters inside one ("lollipop", "Lola").
        let (ms, me) = (s + m.start(), s + m.end());
        let emoji = b.get(ms).is_some_and(|c| *c >= 0x80);
        let laugh = b.get(ms..me).is_some_and(|w| w.eq_ignore_ascii_case(b"haha"));
        emoji || !letter(ms.checked_sub(1)) && (laugh || !letter(Some(me)))
    })
}

/// True when a mental-health word with no person named describes a thing ("this app update is so
/// bipolar", "the weather's kinda depressing"): after a degree word or a copula, or figurative.
pub(super) fn said_of_a_thing(text: &str, start: usize, end: usize) -> bool {
    let before = words_before(text, start);
    let prev = before.first().map(|w| w.text.as_str()).unwrap_or("");
    figurative(text, start, end, true) || matches!(prev, "so" | "too" | "very" | "super" | "really" | "is" | "was" | "are" | "gets" | "got" | "totally" | "pretty")
}

/// True when `text` speaks to someone ("you", "your").
pub(super) fn mentions_you(text: &str) -> bool {
    subjects(text).any(|s| s == Subject::Second)
}

/// The subject each word of `text` names (subject words are short: longer words are skipped).
fn subjects(text: &str) -> impl Iterator<Item = Subject> + '_ {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty() && w.len() <= 12)
        .map(|w| subject_of(&w.to_ascii_lowercase().replace('\u{2019}', "'")))
}

/// True when one of the three words after a term makes a person its subject ("foreclosed on *our*
/// house", "repossessed *my* car").
pub(super) fn subject_after(text: &str, end: usize) -> bool {
    from(text, end)
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .take(3)
        .take_while(|w| !w.contains(['.', ',', ';', '?', '!']))
        .any(|w| matches!(w.to_ascii_lowercase().as_str(), "my" | "our" | "his" | "her" | "their" | "me" | "us" | "him"))
}

/// Words a name follows ("my name is …", "hi …", "thanks …", "Mr …"), for [`is_a_name`] and
/// [`name_like`].
const NAME_CUES: &[&str] = &["name", "name's", "named", "called", "hi", "hello", "hey", "thanks", "thank", "dear", "mr", "mrs", "ms", "dr"];

/// True when a capitalised ambiguous term is a person's or a business's name: "my name is
/// Christian", "this is Grace", "Hi Christian", "Christian Bishop", "Christian Brothers Automotive".
pub(super) fn is_a_name(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    if !b.get(start).is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    // Followed by another capitalised word (a surname, a business).
    let after = from(text, end).trim_start_matches(' ');
    if after.len() < text.len() - end && after.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
        return true;
    }
    let before = words_before(text, start);
    before.iter().take(3).any(|w| {
        any(&w.text, NAME_CUES) || matches!(w.text.as_str(), "ask" | "for" | "with" | "speaking" | "agent")
    }) || before.first().is_some_and(|w| w.text == "is" && before.get(1).is_some_and(|x| x.text == "this" || x.text == "it"))
}

/// True when the word at `start..end` reads as a name: capitalised (or in capitals) and not the
/// first word of its sentence, or after a name's cue ("my name is", "this is", "customer",
/// "hi", "Mr"), in any case.
pub(super) fn name_like(text: &str, start: usize, end: usize) -> bool {
    let before = words_before(text, start);
    let b = text.as_bytes();
    let capital = b.get(start).is_some_and(u8::is_ascii_uppercase) && end > start + 1;
    if capital && !before.is_empty() {
        return true;
    }
    let first = before.first().map(|w| w.text.as_str()).unwrap_or("");
    let second = before.get(1).map(|w| w.text.as_str()).unwrap_or("");
    // A word in lower case is a name only right after its cue ("my name is santeri"); "hi, yes
    // i'm homosexaul" is not one.
    before.iter().take(if capital { 3 } else { 2 }).any(|w| {
        any(&w.text, NAME_CUES) || matches!(w.text.as_str(), "customer" | "caller" | "agent" | "cx" | "soy" | "llamo")
    }) || first == "is" && matches!(second, "this" | "it") || matches!(first, "its" | "it's")
}

/// True when the term follows a label that names its category ("religion: Muslim", "dx - asthma",
/// "orientation: gay").
pub(super) fn labelled(text: &str, start: usize) -> bool {
    let head = upto(text, start).trim_end_matches([' ', '\t']);
    let Some(head) = head.strip_suffix([':', '-', '=']) else { return false };
    let label = head.trim_end().rsplit(|c: char| !c.is_ascii_alphanumeric() && c != '_').next().unwrap_or("").to_ascii_lowercase();
    let k: Vec<u8> = label.bytes().filter(u8::is_ascii_alphanumeric).collect();
    super::fields::of_key(&k) != 0 || matches!(label.as_str(), "dx" | "diag" | "condition" | "meds" | "rx" | "religion" | "faith")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, term: &str) -> Verdict {
        let s = text.find(term).unwrap();
        judge(text, s, s + term.len())
    }

    #[test]
    fn disclosures_and_their_opposites() {
        let v = at("Yes please, I'm legally blind.", "legally blind");
        assert_eq!((v.assertion, v.subject, v.pattern), (Assertion::Affirmed, Subject::Person, Pattern::Disclosure));
        let v = at("my son has severe autism", "autism");
        assert_eq!((v.subject, v.pattern), (Subject::Person, Pattern::Disclosure));
        assert_eq!(at("I don't have diabetes", "diabetes").assertion, Assertion::Negated);
        assert_eq!(at("if I ever get pregnant, is it covered", "pregnant").assertion, Assertion::Hypothetical);
        assert_eq!(at("Are you currently pregnant?", "pregnant").assertion, Assertion::Question);
        assert_eq!(at("I have diabetes, is that covered?", "diabetes").assertion, Assertion::Affirmed);
        assert_eq!(at("we offer discounts for seniors on dialysis", "dialysis").assertion, Assertion::Offer);
        assert_eq!(at("the economy is in a depression", "depression").pattern, Pattern::None);
        assert_eq!(at("such as diabetes", "diabetes").pattern, Pattern::None);
        assert_eq!(at("diagnosed with depression last year", "depression").pattern, Pattern::Disclosure);
        assert_eq!(at("As a Muslim I need halal meals", "Muslim").pattern, Pattern::Disclosure);
        assert_eq!(at("I can't afford rent since I'm on disability", "disability").assertion, Assertion::Affirmed);
    }

    #[test]
    fn yes_and_no_answers() {
        for y in ["Yes, I am.", "yeah", "Yep, twelve weeks", "I am", "I do, yes", "That's right", "Sí"] {
            assert!(answers_yes(y), "{y}");
        }
        for n in ["No", "I don't", "I'm not sure", "Not right now", "yes, no, not really", ""] {
            assert!(!answers_yes(n), "{n}");
        }
    }
}
