//! Sexual orientation told without an orientation word: a couple of two women or two men ("my
//! wife and I are both women", "we're two dads", "he and his boyfriend", "a woman married to a
//! woman"). Found by a few patterns, tried only on texts that hold one of their trigger words.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::scanner::slice::{slice};
use std::sync::OnceLock;

use regex::Regex;

/// Words of which a text that tells of a couple holds at least one (lexicon patterns: the prefilter
/// finds them with the terms).
pub(super) const TRIGGERS: &[&str] = &[
    "both", "wife", "wives", "husband", "husbands", "girlfriend", "boyfriend", "married", "dads", "moms", "mums", "mothers",
    "fathers", "partner", "fiance", "fiancee", "fiancé", "fiancée", "spouse", "esposo", "esposa", "novio", "novia", "marido", "pareja",
];

/// A man's title or mark ("Mr. Paiva", "Sr. Gómez", "cx (M)") and a woman's ("Mrs Abiodun", "Ms.
/// Kaur", "Sra. Villalobos", "(F)"). The capital after the title is a class of letters, not
/// `\p{Lu}`: the crate is built without the regex crate's general-category tables (the test
/// build has them through dev-dependencies, so only the binary failed; the fuzz target caught it).
fn titles() -> &'static (Regex, Regex) {
    static R: OnceLock<(Regex, Regex)> = OnceLock::new();
    R.get_or_init(|| {
        (
            Regex::new(r"\b(?:Mr|MR|Mister|Sr|Señor|Senor)\.?\s+[A-ZÁÉÍÓÚÑÇÖÜ]|\((?i:m|male)\)|\b(?i:he/him|he/his)\b").expect("static regex builds"),
            Regex::new(r"\b(?:Mrs|MRS|Ms|MS|Miss|Sra|Señora|Senora)\.?\s+[A-ZÁÉÍÓÚÑÇÖÜ]|\((?i:f|female)\)|\b(?i:she/her|she/hers)\b").expect("static regex builds"),
        )
    })
}

/// A partner named by a man ("my husband", "my ex-husband", "mi esposo", "my partner … he") and by
/// a woman ("my wife", "mi esposa", "my girlfriend" with a sign of a relationship).
fn partners() -> &'static (Regex, Regex) {
    static R: OnceLock<(Regex, Regex)> = OnceLock::new();
    R.get_or_init(|| {
        (
            Regex::new(r"(?i)\b(?:(?:my|mi)\s+(?:ex[- ]?)?(?:husband|boyfriend|fianc[eé]|esposo|novio|marido)\b|(?:adding|add|added)\s+(?:his\s+)?husband\b|my\s+partner\b[^.?!]{0,60}\b(?:he|he's|his|him)\b)")
                .expect("static regex builds"),
            Regex::new(r"(?i)\b(?:(?:my|mi)\s+(?:ex[- ]?)?(?:wife|fianc[eé]e|esposa|mujer)\b|(?:adding|add|added)\s+(?:her\s+)?wife\b|my\s+(?:ex[- ]?)?girlfriend\b[^.?!]{0,60}\b(?:together|dating|engaged|moving in|move in|relationship|living with|live with)\b|my\s+partner\b[^.?!]{0,60}\b(?:she|she's|her)\b)")
                .expect("static regex builds"),
        )
    })
}

/// Where `text` tells of a same-sex couple by a title and a partner: a man titled or marked as one
/// who names his husband or boyfriend, a woman who names her wife (the partner's span).
pub(super) fn titled_couple(text: &str) -> Option<(usize, usize)> {
    let (man, woman) = titles();
    let (his, hers) = partners();
    if man.is_match(text) && !woman.is_match(text) {
        his.find(text).map(|m| (m.start(), m.end()))
    } else if woman.is_match(text) && !man.is_match(text) {
        hers.find(text).map(|m| (m.start(), m.end()))
    } else {
        None
    }
}

/// A person's sex as a given name tells it (`data/names/gendered-first.tsv`: names almost always one
/// sex's in the US Census 1990 first-name files); `true` for a man's name.
fn given_name_is_male(name: &str) -> Option<bool> {
    static M: OnceLock<rustc_hash::FxHashMap<String, bool>> = OnceLock::new();
    let map = M.get_or_init(|| {
        include_str!("../../../data/names/gendered-first.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(n, g)| (n.to_lowercase(), g == "M"))
            .collect()
    });
    // "Andrés" is looked up as "andres".
    let folded: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c => c,
        })
        .collect();
    map.get(&folded).copied()
}

/// The writer's or speaker's own given name: after "I'm", "this is", "soy", "my name is" …, or a
/// sign-off at the end ("… thx - Josie"). Not a possessive ("this is Greg's wife").
fn own_names(text: &str) -> impl Iterator<Item = &str> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        Regex::new(r"(?:\b(?:[Ii]'?m|I am|[Tt]his is|[Ii]t'?s|[Ss]oy|[Mm]e llamo|[Mm]y name is|[Mm]y name's)\s+|[-\u{2013}\u{2014}~]\s*)([A-ZÁÉÍÓÚÑ][a-záéíóúñü]+)")
            .expect("static regex builds")
    });
    re.captures_iter(text).filter_map(move |c| {
        let whole = c.get(0)?;
        let m = c.get(1)?;
        let after = text.get(m.end()..).unwrap_or_default();
        if after.starts_with('\'') || after.starts_with('\u{2019}') {
            return None;
        }
        // A sign-off ends the text (after punctuation or a surname).
        let sign_off = whole.as_str().starts_with(['-', '\u{2013}', '\u{2014}', '~']);
        // At most a surname or an initial after it, then the end.
        let rest = after.trim_start().trim_start_matches(|c: char| c.is_alphabetic() || c == '.');
        if sign_off && !rest.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation()).is_empty() {
            return None;
        }
        Some(m.as_str())
    })
}

/// The partner the writer names, and whether a man: "my husband", "my ex boyfriend", "mi esposa",
/// "my partner Lena" (by the partner's name); the byte range of the phrase.
fn own_partner(text: &str) -> Option<(bool, usize, usize)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        Regex::new(r"(?i)\b(?:my|mi)\s+(?:ex[- ]?)?(husband|boyfriend|esposo|novio|marido|wife|esposa|novia|mujer|fianc[eé]e|fianc[eé]|partner|pareja|spouse)\b(?:,?\s+((?-i:Mr|Mrs|Ms|Miss)\.?\s+)?([A-ZÁÉÍÓÚÑ][a-záéíóúñü]+))?")
            .expect("static regex builds")
    });
    let c = re.captures(text)?;
    let whole = c.get(0)?;
    let word = c.get(1)?.as_str().to_lowercase();
    let male = match word.as_str() {
        "husband" | "boyfriend" | "esposo" | "novio" | "marido" | "fiance" | "fiancé" => true,
        "wife" | "esposa" | "novia" | "mujer" | "fiancee" | "fiancée" => false,
        // A partner by title ("my spouse Ms. Bea …"), else by name: only a name whose sex the
        // list knows.
        _ => match c.get(2).map(|t| t.as_str().trim_end_matches(['.', ' '])) {
            Some("Mr") => true,
            Some("Mrs" | "Ms" | "Miss") => false,
            _ => given_name_is_male(c.get(3)?.as_str())?,
        },
    };
    Some((male, whole.start(), whole.end()))
}

/// A partner the text's person names in a string where nothing else tells that person's sex ("add
/// my wife Folake as a secondary", "adding husband Paul as authorized user"), and whether a man:
/// read with the sex a name field of the same event tells (`sex_of_name`). Not a partner the
/// string is about ("calling for my husband", "my wife's account"): the name field may be theirs.
pub(super) fn partner_of_the_person(text: &str) -> Option<(bool, usize, usize)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let adding = R.get_or_init(|| {
        Regex::new(r"(?i)\b(?:adding|add|added)\s+(?:(?:his|her)\s+)?(?:(husband|wife)\b|(?:spouse|partner)\s+(?-i:(Mr|Mrs|Ms|Miss))\.?\s)").expect("static regex builds")
    });
    let (male, s, e) = own_partner(text).or_else(|| {
        let c = adding.captures(text)?;
        let whole = c.get(0)?;
        let male = match (c.get(1), c.get(2)) {
            (Some(w), _) => w.as_str().eq_ignore_ascii_case("husband"),
            (None, Some(t)) => t.as_str() == "Mr",
            _ => return None,
        };
        Some((male, whole.start(), whole.end()))
    })?;
    // The word before the partner, without a copy of the text.
    let before = text.get(..s).unwrap_or_default().trim_end().rsplit(' ').next().unwrap_or_default();
    let about = ["for", "of", "about", "para", "de"].iter().any(|w| before.eq_ignore_ascii_case(w));
    let possessive = text.get(e..).is_some_and(|a| a.starts_with("'s") || a.starts_with("\u{2019}s"));
    (!about && !possessive).then_some((male, s, e))
}

/// The sex a person's name field tells: a title ("Mr. Joseph Adeyemi", "Mrs. Okoro"), else the
/// given name when the census lists tell it (`true` for a man): the word after the comma of
/// "Last, First", either word of a caller ID in capitals ("MCALLISTER JAMES"), else the first
/// word. Not an address, a number or a handle.
pub(crate) fn sex_of_name(name: &str) -> Option<bool> {
    if name.len() > 60 || name.contains('@') || name.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let (man, woman) = titles();
    match (man.is_match(name), woman.is_match(name)) {
        (true, false) => return Some(true),
        (false, true) => return Some(false),
        (true, true) => return None,
        _ => {}
    }
    if let Some((_, given)) = name.split_once(',') {
        return given.split_whitespace().next().and_then(given_name_is_male);
    }
    let words: Vec<&str> = name.split(|c: char| !c.is_alphabetic() && c != '\'').filter(|w| !w.is_empty()).collect();
    if name.chars().any(char::is_lowercase) {
        return words.first().and_then(|w| given_name_is_male(w));
    }
    let sexes: Vec<bool> = words.iter().take(2).filter_map(|w| given_name_is_male(w)).collect();
    match sexes.as_slice() {
        [x] => Some(*x),
        [a, b] if a == b => Some(*a),
        _ => None,
    }
}

/// Where `text` tells of a same-sex couple by the writer's own given name and the partner they
/// name ("Hi, this is Greg. My husband Paul will sign", "Soy Andrés, mi novio Julián …", "my
/// partner Lena and our daughter … - Josie"): both the same sex. Names of either sex ("Jordan")
/// tell nothing.
pub(super) fn named_couple(text: &str) -> Option<(usize, usize)> {
    let (male, s, e) = own_partner(text)?;
    let mut sexes = own_names(text).filter_map(given_name_is_male);
    let first = sexes.next()?;
    // Two own names of different sexes (a quoted name): no reading.
    (first == male && sexes.all(|x| x == first)).then_some((s, e))
}

fn patterns() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(concat!(
            r"(?i)\b(?:",
            // "we're both women", "me and my wife are both women", "me n my gf r both girls"
            r"(?:we'?re|we are|are|r)\s+both\s+(?:women|men|girls|guys|ladies|females|males|gay|lesbians?)",
            // "we're two guys", "we are two women"
            r"|(?:we'?re|we are)\s+two\s+(?:women|men|girls|guys|ladies)",
            // "somos dos hombres", "somos dos mujeres"
            r"|somos\s+(?:dos\s+)?(?:hombres|mujeres|chicos|chicas)",
            // "we're two dads", "our two moms"
            r"|two\s+(?:moms|mums|mothers|dads|fathers|husbands|wives)",
            // "a woman married to a woman"
            r"|(?:woman|girl|lady)\s+married\s+to\s+(?:a\s+|another\s+)?(?:woman|girl|lady)",
            r"|(?:man|guy)\s+married\s+to\s+(?:a\s+|another\s+)?(?:man|guy)",
            // "he and his boyfriend", "she and her ex-girlfriend"
            r"|(?:he|him)\s+and\s+his\s+(?:ex-?)?(?:boyfriend|husband|bf)",
            r"|(?:she|her)\s+and\s+her\s+(?:ex-?)?(?:girlfriend|wife|gf)",
            // "add his husband", "his boyfriend's meds", "her wife": a man's husband, a woman's
            // wife ("her girlfriend" is also said of a friend, so only with "she and" above)
            r"|his\s+(?:ex-?)?(?:husband|boyfriend)|her\s+(?:ex-?)?wife",
            // "my girlfriend and I … I'm a woman too", "my husband … I'm a guy": the writer's own
            // sex said beside a partner of that sex (either order, one sentence apart at most)
            r"|my\s+(?:girlfriend|gf|wife|fianc[eé]e)\b[^.?!]{0,80}[.?!,]?[^.?!]{0,40}\bi'?m\s+(?:a\s+)?(?:woman|girl|female|lady)",
            r"|my\s+(?:boyfriend|bf|husband|fianc[eé])\b[^.?!]{0,80}[.?!,]?[^.?!]{0,40}\bi'?m\s+(?:a\s+)?(?:man|guy|male|dude)",
            r")\b"
        ))
        .expect("static regex builds")
    })
}

/// Where `text` tells of a same-sex couple: the byte range of the phrase. The caller tries it only
/// on a text that holds one of the [`TRIGGERS`].
pub(super) fn same_sex_couple(text: &str) -> Option<(usize, usize)> {
    let m = patterns().find(text)?;
    let t = text.to_ascii_lowercase();
    // "both women" needs a couple in the text: "my wife", "girlfriend", "partner", "married".
    let couple = ["wife", "husband", "girlfriend", "boyfriend", " gf", " bf", "partner", "spouse", "married", "couple", "fiance", "esposo", "esposa", "marido", "novio", "novia", "pareja"].iter().any(|w| t.contains(w));
    let said = slice(&t, m.start(), m.end());
    let both = said.contains("both") || said.contains(" two ") || said.starts_with("somos");
    (!both || couple).then_some((m.start(), m.end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn couples() {
        assert!(same_sex_couple("Me and my wife are both women so the invitation is wrong").is_some());
        assert!(same_sex_couple("my husband and I are two dads").is_some());
        assert!(same_sex_couple("Customer said he and his boyfriend share the apartment").is_some());
        assert!(same_sex_couple("we're both women and we love the store").is_none(), "no couple named");
        assert!(same_sex_couple("she and her husband moved").is_none());
        assert!(same_sex_couple("Andre asked to add his husband as secondary contact").is_some());
        assert!(same_sex_couple("Cust said she and her ex-girlfriend split up").is_some());
        assert!(same_sex_couple("she went shopping with her girlfriends").is_none());
        assert!(same_sex_couple("his wife and her husband").is_none());
        assert!(same_sex_couple("both of us need new phones").is_none());
        assert!(same_sex_couple("It's our honeymoon, me and my husband. We're two guys").is_some());
        assert!(same_sex_couple("we're two guys from Ohio looking for a rental").is_none(), "no couple named");
        assert!(titled_couple("Hi, this is Mr. Ortega, my husband needs to be on the account").is_some());
        assert!(titled_couple("Soy la Sra. Duarte y mi esposa va a recoger el pedido").is_some());
        assert!(titled_couple("note: cx (M) adding husband as spouse").is_some());
        assert!(titled_couple("Mrs. Lee here, my husband will call").is_none());
        assert!(same_sex_couple("mi esposo y yo (somos dos hombres) queremos abrir una cuenta").is_some());
        assert!(same_sex_couple("somos dos hombres buscando trabajo").is_none(), "no couple named");
        assert!(titled_couple("pronouns: he/him. adding my husband to the plan").is_some());
        assert!(titled_couple("Mr. Lee here, my wife will call").is_none());
        assert!(titled_couple("Ms. Rao: my girlfriend and I are going to the concert").is_none(), "a friend");
        assert!(named_couple("Hi, this is Derek. My husband will sign for it").is_some());
        assert!(named_couple("my partner Ingrid and I are moving, can you transfer the plan? - Marta").is_some());
        assert!(named_couple("Soy Andrés, mi novio Julián va a pasar").is_some());
        assert!(named_couple("Hi, this is Derek. My wife will sign for it").is_none());
        assert!(named_couple("I'm Jordan and my husband is away").is_none(), "a name of either sex");
        assert!(named_couple("this is Derek's wife, my husband asked me to call").is_none(), "a possessive");
        assert!(named_couple("my husband - Derek Smith said to call you about the bill later today").is_none(), "not a sign-off");
        assert!(same_sex_couple("it's me and my gf on the lease, i'm a woman too").is_some());
        assert!(same_sex_couple("my husband is on the lease, I'm a woman").is_none());
        assert!(partner_of_the_person("adding spouse Ms. Ada Lin as joint holder").is_some_and(|(male, _, _)| !male));
        assert!(partner_of_the_person("add my fiancée Ines to the booking").is_some_and(|(male, _, _)| !male));
        assert!(partner_of_the_person("my spouse Mr. Otto Lind will call").is_some_and(|(male, _, _)| male));
    }
}
