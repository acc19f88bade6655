//! Spoken-form events: Voice Intelligence transcripts (several sentences, agent and customer) and
//! real-time transcription callbacks (one utterance), with identifiers said as speech-to-text writes
//! them: digits one by one or in pairs ("forty one eleven"), "oh" and "double", numerals apart, words
//! and numerals mixed, Spanish; the cue in the agent's question and the digits in the answer; a
//! number read over two or three sentences with the agent's "okay" between. Hard negatives are said
//! the same way: phone numbers, amounts, dates, ZIP codes, order and confirmation numbers, last four,
//! counting.

use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

use super::{Generator, Plant, Scenario};
use crate::scanner::Kind;

const EN: [&str; 10] = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
const ES: [&str; 10] = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"];
const TEENS: [&str; 10] = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const NATO: [&str; 26] = [
    "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet", "Kilo", "Lima", "Mike", "November",
    "Oscar", "Papa", "Quebec", "Romeo", "Sierra", "Tango", "Uniform", "Victor", "Whiskey", "X-ray", "Yankee", "Zulu",
];
const BACKCHANNEL: &[&str] = &["Okay.", "Mm-hmm.", "Go ahead.", "Got it.", "Uh-huh.", "Okay, go on."];

/// How a number is said.
#[derive(Clone, Copy)]
enum Style {
    /// "four one one one", "oh", "double five".
    Words,
    /// "forty one eleven".
    Pairs,
    /// "4 1 1 1".
    Numerals,
    /// "4 one 1 one".
    Mixed,
    /// "cuatro uno uno uno".
    Spanish,
}

impl Generator {
    fn style(&mut self) -> Style {
        *[Style::Words, Style::Words, Style::Pairs, Style::Numerals, Style::Mixed, Style::Spanish].choose(&mut self.rng).expect("non-empty")
    }

    /// One digit group said in `style`.
    fn say_group(&mut self, g: &str, style: Style) -> String {
        let d: Vec<usize> = g.bytes().map(|b| usize::from(b - b'0')).collect();
        let mut words: Vec<String> = Vec::new();
        match style {
            Style::Words | Style::Spanish => {
                let mut i = 0;
                while i < d.len() {
                    let word = |n: usize, this: &mut Generator| match style {
                        Style::Spanish => ES[n].to_string(),
                        _ if n == 0 && this.rng.gen_bool(0.5) => "oh".to_string(),
                        _ => EN[n].to_string(),
                    };
                    if matches!(style, Style::Words) && i + 1 < d.len() && d[i] == d[i + 1] && self.rng.gen_bool(0.4) {
                        let w = word(d[i], self);
                        words.push(format!("double {w}"));
                        i += 2;
                    } else {
                        let w = word(d[i], self);
                        words.push(w);
                        i += 1;
                    }
                }
            }
            Style::Pairs => {
                let mut i = 0;
                if d.len() % 2 == 1 {
                    words.push(EN[d[0]].to_string());
                    i = 1;
                }
                while i + 1 < d.len() {
                    let (a, b) = (d[i], d[i + 1]);
                    words.push(match (a, b) {
                        (0, 0) => "oh oh".to_string(),
                        (0, b) => format!("oh {}", EN[b]),
                        (1, b) => TEENS[b].to_string(),
                        (a, 0) => TENS[a].to_string(),
                        (a, b) => format!("{} {}", TENS[a], EN[b]),
                    });
                    i += 2;
                }
            }
            Style::Numerals => words.extend(d.iter().map(|n| n.to_string())),
            Style::Mixed => {
                for &n in &d {
                    let w = if self.rng.gen_bool(0.5) { n.to_string() } else { EN[n].to_string() };
                    words.push(w);
                }
            }
        }
        words.join(" ")
    }

    /// `digits` said in groups of `layout`, groups separated by commas.
    fn say(&mut self, digits: &str, layout: &[usize], style: Style) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = 0;
        for &n in layout {
            let g = &digits[at..(at + n).min(digits.len())];
            at += n;
            if !g.is_empty() {
                out.push(self.say_group(g, style));
            }
        }
        out
    }

    /// Groups of 3 and 4 for a number with no layout of its own.
    fn breath_groups(&mut self, n: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut left = n;
        while left > 0 {
            let g = if left <= 4 { left } else { self.rng.gen_range(3..=4) };
            out.push(g);
            left -= g;
        }
        out
    }

    /// An identifier said aloud: (kind, digits as planted, spoken groups, the agent's question, the
    /// customer's own cue).
    fn spoken_identifier(&mut self, spanish: bool) -> (Kind, String, Vec<String>, &'static str, &'static str) {
        let style = if spanish { Style::Spanish } else { self.style() };
        let style = if matches!(style, Style::Spanish) && !spanish { Style::Words } else { style };
        match self.rng.gen_range(0..4) {
            0 => {
                let d = self.ssn();
                let groups = self.say(&d, &[3, 2, 4], style);
                let q = *["Can I get your social?", "And what's your Social Security number?", "I'll need the social for the account holder."].choose(&mut self.rng).expect("x");
                let own = if spanish { "mi seguro social es" } else { *["my social is", "the social is", "my social security number is"].choose(&mut self.rng).expect("x") };
                (Kind::Ssn, d, groups, if spanish { "¿Me da su número de seguro social?" } else { q }, own)
            }
            1 => {
                let (prefix, len) = *[("4", 16), ("51", 16), ("55", 16), ("37", 15), ("6011", 16)].choose(&mut self.rng).expect("x");
                let d = self.luhn_complete(prefix, len);
                let layout: &[usize] = if len == 15 { &[4, 6, 5] } else { &[4, 4, 4, 4] };
                let groups = self.say(&d, layout, style);
                let q = *["And the card number?", "Go ahead with the card number.", "What's the long number on the front of the card?"].choose(&mut self.rng).expect("x");
                let own = if spanish { "el número de la tarjeta es" } else { *["my card number is", "the card is", "the Visa number is"].choose(&mut self.rng).expect("x") };
                (Kind::Card, d, groups, if spanish { "¿Y el número de la tarjeta?" } else { q }, own)
            }
            2 => {
                let n = self.rng.gen_range(8..14);
                let d = format!("{}{}", self.rng.gen_range(1..10), self.digits(n - 1));
                let layout = self.breath_groups(n);
                let groups = self.say(&d, &layout, style);
                let q = *["What's the account number on file?", "Which checking account should it go to? Read me the account number.", "And the account number for the refund?"].choose(&mut self.rng).expect("x");
                let own = if spanish { "el número de cuenta es" } else { *["my account number is", "the checking account is", "my savings account number is"].choose(&mut self.rng).expect("x") };
                (Kind::Account, d, groups, if spanish { "¿Cuál es el número de cuenta?" } else { q }, own)
            }
            _ => {
                // California: a letter and seven digits, the letter spelled.
                let letter = self.rng.gen_range(0..26usize);
                let digits = self.digits(7);
                // "A", "I" and "O" are words before they are letters: people spell them out.
                let plain = if matches!(letter, 0 | 8 | 14) { 1 } else { 3 };
                let said_letter = match self.rng.gen_range(0..plain) {
                    0 => NATO[letter].to_string(),
                    1 => {
                        let c = char::from(b'A' + letter as u8);
                        let word = *["David", "Boy", "Charlie", "Mary", "Tom", "Sam", "Frank", "Nancy"].choose(&mut self.rng).expect("x");
                        // "as in" + a word that starts with the letter.
                        let w = if word.starts_with(c) { word.to_string() } else { format!("{c}{}", &NATO[letter][1..].to_lowercase()) };
                        format!("{c} as in {w}")
                    }
                    _ => char::from(b'A' + letter as u8).to_string(),
                };
                let style = if matches!(style, Style::Spanish) { Style::Words } else { style };
                let mut groups = self.say(&digits, &[3, 4], style);
                groups[0] = format!("{said_letter} {}", groups[0]);
                let v = format!("{}{digits}", char::from(b'A' + letter as u8));
                (Kind::Dl, v, groups, "Can you read me your California driver's license number?", "my California driver's license is")
            }
        }
    }

    /// A hard negative said aloud (and whether it is Spanish).
    fn spoken_negative(&mut self) -> String {
        let phone = format!("{}{}", self.rng.gen_range(2..10), self.digits(9));
        match self.rng.gen_range(0..9) {
            0 => {
                let s = self.style();
                let g = self.say(&phone, &[3, 3, 4], if matches!(s, Style::Spanish) { Style::Words } else { s });
                format!("You can call me back at {}.", g.join(", "))
            }
            1 => {
                let dollars = self.rng.gen_range(2..10);
                let cents = self.rng.gen_range(10..99);
                format!("The balance is {} {} {}.", EN[dollars], TENS[self.rng.gen_range(2..10)], self.say_group(&cents.to_string(), Style::Pairs))
            }
            2 => {
                let d = format!("{:02}{:02}19{}", self.rng.gen_range(1..13), self.rng.gen_range(1..29), self.digits(2));
                format!("My date of birth is {}.", self.say(&d, &[2, 2, 2, 2], Style::Pairs).join(" "))
            }
            3 => {
                let d = self.digits(5);
                format!("The zip code is {}.", self.say_group(&d, Style::Words))
            }
            4 => {
                let n = self.rng.gen_range(8..11);
                let d = self.digits(n);
                let s = self.style();
                let s = if matches!(s, Style::Spanish) { Style::Words } else { s };
                let layout = self.breath_groups(d.len());
                format!("My order number is {}.", self.say(&d, &layout, s).join(", "))
            }
            5 => {
                let d = self.digits(4);
                format!("It's the card ending in {}.", self.say_group(&d, Style::Words))
            }
            6 => "One two three, can you hear me okay?".to_string(),
            7 => {
                let d = self.digits(9);
                format!("Your confirmation number is {}.", self.say(&d, &[3, 3, 3], Style::Words).join(", "))
            }
            _ => format!("It's about {} {} minutes.", EN[self.rng.gen_range(1..10)], TENS[self.rng.gen_range(2..6)]),
        }
    }

    /// Sentences of a transcript (channel, text) for `scenario`, and the participant's name field.
    fn transcript_turns(&mut self, scenario: Scenario, p: &mut Plant) -> (Vec<(u32, String)>, Option<String>) {
        let mut turns: Vec<(u32, String)> = vec![(1, "Thank you for calling, how can I help you today?".to_string())];
        let mut field = None;
        let spanish = self.rng.gen_bool(0.12);
        let (first, last) = self.full_name();
        if matches!(scenario, Scenario::Combination | Scenario::NameOnly) {
            let name = if self.rng.gen_bool(0.25) { format!("{} {}", first.to_lowercase(), last.to_lowercase()) } else { format!("{first} {last}") };
            p.secrets.push(name.clone());
            p.name = true;
            if self.rng.gen_bool(0.3) {
                field = Some(name);
                turns.push((2, "Hi, I have a question about my bill.".to_string()));
            } else {
                let t = if spanish {
                    *["Hola, soy {}.", "Hola, me llamo {} y tengo una pregunta."].choose(&mut self.rng).expect("x")
                } else {
                    *["Hi, this is {}, I have a question about my bill.", "Yeah hi, my name is {}.", "Hello, {} speaking, I got a letter from you.", "hi um this is {} calling back"]
                        .choose(&mut self.rng)
                        .expect("x")
                };
                turns.push((2, t.replace("{}", &name)));
            }
        } else {
            let first = first.split(' ').next().unwrap_or_default().to_string();
            turns.push((2, self.pick(&["Hi, I'm calling about a charge.", "Hello, it's about my refund."]).to_string()));
            let t = *["Thanks, {}.", "Okay {}, let me pull that up.", "Sure {}, one moment."].choose(&mut self.rng).expect("x");
            turns.push((1, t.replace("{}", &first)));
        }
        if matches!(scenario, Scenario::Combination | Scenario::IdentifierOnly) {
            let (kind, value, groups, question, own) = self.spoken_identifier(spanish);
            p.kinds.push(kind);
            p.secrets.push(value);
            p.secrets.push(groups.join(", "));
            match self.rng.gen_range(0..3) {
                // The cue and the digits in one sentence.
                0 => turns.push((2, format!("Sure, {own} {}.", groups.join(", ")))),
                // The cue in the agent's question, the digits in the answer.
                1 => {
                    turns.push((1, question.to_string()));
                    let lead = *["Sure, it's", "Yeah, it's", "It's", "Okay,", ""].choose(&mut self.rng).expect("x");
                    turns.push((2, format!("{lead} {}.", groups.join(", ")).trim_start().to_string()));
                }
                // Read over several sentences, the agent acknowledging between them.
                _ => {
                    turns.push((1, question.to_string()));
                    let n = groups.len();
                    let cut = if n >= 3 { self.rng.gen_range(1..n) } else { 1 };
                    let (a, b) = groups.split_at(cut);
                    turns.push((2, format!("It's {}.", a.join(", "))));
                    if self.rng.gen_bool(0.7) {
                        turns.push((1, self.pick(BACKCHANNEL).to_string()));
                    }
                    let mut s = b.join(", ");
                    if let Some(c) = s.get_mut(..1) {
                        c.make_ascii_uppercase();
                    }
                    turns.push((2, format!("{s}.")));
                }
            }
            turns.push((1, "Thank you, I see it here.".to_string()));
        }
        for _ in 0..self.rng.gen_range(1..3) {
            let n = self.spoken_negative();
            turns.push((2, n));
        }
        turns.push((1, "Is there anything else I can help you with?".to_string()));
        (turns, field)
    }

    /// A Voice Intelligence transcript with its sentences.
    pub(super) fn voice_transcript(&mut self, scenario: Scenario, p: &mut Plant, account: &str) -> Value {
        let (turns, field) = self.transcript_turns(scenario, p);
        let mut t = 0.4f64;
        let sentences: Vec<Value> = turns
            .iter()
            .enumerate()
            .map(|(i, (ch, text))| {
                let start = t;
                t += 1.5 + text.len() as f64 / 15.0;
                json!({"media_channel": ch, "sentence_index": i, "start_time": format!("{start:.1}"), "end_time": format!("{t:.1}"),
                  "transcript": text, "sid": self.sid("GX"), "confidence": "0.92", "words": []})
            })
            .collect();
        let gt = self.sid("GT");
        let mut participants = vec![json!({"channel_participant": 1, "role": "Agent", "user_id": "agent_204"})];
        let mut customer = json!({"channel_participant": 2, "role": "Customer", "media_participant_id": self.phone()});
        if let Some(name) = field {
            customer["full_name"] = json!(name);
        }
        participants.push(customer);
        json!({"transcript": {"sid": gt, "service_sid": self.sid("GA"), "account_sid": account, "status": "completed", "language_code": "en-US",
            "channel": {"media_properties": {"source_sid": self.sid("RE")}, "participants": participants}},
          "sentences": sentences,
          "meta": {"key": "sentences", "page": 0, "page_size": 50, "next_page_url": null,
            "url": format!("https://intelligence.twilio.com/v2/Transcripts/{gt}/Sentences?PageSize=50&Page=0")}})
    }

    /// A real-time transcription callback: one utterance of the caller.
    pub(super) fn realtime_transcription(&mut self, scenario: Scenario, p: &mut Plant, account: &str, time: &str) -> Value {
        let mut parts: Vec<String> = Vec::new();
        if matches!(scenario, Scenario::Combination | Scenario::NameOnly) {
            let (f, l) = self.full_name();
            let name = if self.rng.gen_bool(0.4) { format!("{} {}", f.to_lowercase(), l.to_lowercase()) } else { format!("{f} {l}") };
            p.secrets.push(name.clone());
            p.name = true;
            parts.push(format!("yes this is {name}"));
        }
        if matches!(scenario, Scenario::Combination | Scenario::IdentifierOnly) {
            let (kind, value, groups, _, own) = self.spoken_identifier(false);
            p.kinds.push(kind);
            p.secrets.push(value);
            p.secrets.push(groups.join(", "));
            parts.push(format!("{own} {}", groups.join(", ")));
        }
        if parts.is_empty() || self.rng.gen_bool(0.3) {
            let n = self.spoken_negative();
            parts.push(n.trim_end_matches('.').to_lowercase());
        }
        let transcript = parts.join(" and ");
        let data = json!({"transcript": transcript, "confidence": 0.87}).to_string();
        json!({"AccountSid": account, "CallSid": self.sid("CA"), "TranscriptionSid": self.sid("GT"), "TranscriptionEvent": "transcription-content",
          "LanguageCode": "en-US", "Track": "inbound_track", "TranscriptionData": data, "Final": "true",
          "SequenceId": self.rng.gen_range(1..80).to_string(), "Timestamp": time})
    }
}
