//! Turn-aware context inside one event: the sentences of a transcript (Voice Intelligence
//! `sentences[]`, a bot's `turns[]`, an utterance list) read in order, by speaker.
//!
//! Two things a sentence alone cannot show:
//! - **a cue in an earlier sentence**: the agent asks "can I get your social?" and the customer's
//!   next sentence holds only the digits. A sentence's identifier cues are carried to the next three
//!   sentences until an identifier takes them, a sentence names something that is not personal data
//!   (an order, a phone, a ZIP), or the asker moves on to another question. A carried cue is weaker
//!   than the sentence's own: "my order number is …" in the answer still wins.
//! - **an identifier read out over several sentences**: "it's four one one one." / "one one one one."
//!   / … A sentence that ends with a number, followed by sentences of the same speaker that start with
//!   one (short acknowledgements of the other speaker, "okay", "go ahead", between them are skipped),
//!   are read as one text; an identifier that crosses a sentence boundary is one finding whose first
//!   span is in the first sentence and whose `continued` spans name each further sentence. A later
//!   sentence may put an aside with no number and no cue before its part ("sorry, the dog, hang on,
//!   okay, seven four"): the aside is read as spaces.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::scanner::slice::{byte_at, byte_before, slice, upto};
use super::super::cues::{Cues, FieldHint};
use super::super::{spoken, Inner, Match, Role};
use super::{finding_from, CharCounter, Finding, Sid, Span, Walker};
use crate::fingerprint::Fingerprinter;

/// One sentence of a turn array, as the walker saw it.
pub(super) struct Turn {
    /// The event it belongs to (index in the record's events).
    pub(super) event: usize,
    /// Which turn array it is in (a counter per record).
    pub(super) array: u32,
    pub(super) text: String,
    pub(super) path: String,
    pub(super) inner: Vec<String>,
    pub(super) occurrence: u32,
    pub(super) hint: FieldHint,
    /// Index in the event's findings just after this sentence's own findings.
    pub(super) at: usize,
    /// The sentence's own scan found an identifier.
    pub(super) idents: bool,
    /// Who speaks (a hash of the `media_channel`, `role`, `speaker` … value).
    pub(super) channel: Option<u64>,
    /// The sentence's SID (`GX…`).
    pub(super) sid: Option<Sid>,
}

const IDENT_CUES: [Cues; 5] = [Cues::SSN, Cues::ACCOUNT, Cues::ROUTING, Cues::DL, Cues::CARD];

/// The identifier cues among `c`.
fn ident_cues(c: Cues) -> Cues {
    IDENT_CUES.iter().fold(Cues::empty(), |acc, &k| if c.contains(k) { acc | k } else { acc })
}

/// How many sentences a cue is carried over.
const CARRY: u8 = 3;

/// A short acknowledgement ("okay", "mm-hmm", "go ahead, I'm ready"): at most four words, no
/// digit, no question.
fn backchannel(t: &Turn) -> bool {
    t.text.split_whitespace().count() <= 4 && !t.text.bytes().any(|b| b.is_ascii_digit() || b == b'?') && !spoken::ends_with_number(&t.text)
}

/// True when `text` holds a numeral or a number said in words.
/// True when `text` repeats `prev` (a group of a number just read), alone or before a few more
/// words ("eight four five three got it"): compared as lower-case words.
fn echoes(text: &str, prev: &str) -> bool {
    fn words(s: &str) -> impl Iterator<Item = &str> {
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
    }
    let (np, nt) = (words(prev).count(), words(text).count());
    (1..=8).contains(&np) && nt >= np && nt <= np + 4 && words(text).zip(words(prev)).all(|(a, b)| a.eq_ignore_ascii_case(b)) && spoken::ends_with_number(prev)
}

fn has_number(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit()) || spoken::has_spoken_number(text)
}

/// A cue carried from one sentence to the next ones: set by a sentence that names an identifier
/// without holding one, kept for [`CARRY`] sentences, dropped when an identifier takes it, an answer
/// holds another number, a sentence names something that is not personal data, or the asker moves
/// on to another question. Shared by turn arrays and dialogues written into one string.
#[derive(Default)]
struct Carry {
    cues: Cues,
    ttl: u8,
    /// Who named the cue (None when speakers are unknown).
    asker: Option<u64>,
}

impl Carry {
    /// Updates the carried cue after a sentence whose own cues are `own` (`found`: an identifier was
    /// found in it, with or without the carried cue).
    fn after(&mut self, text: &str, channel: Option<u64>, own: Cues, found: bool) {
        // An answer that holds a number takes the carried cue, unless it ends with one (the read
        // goes on in the next sentence).
        let answered = !self.cues.is_empty() && channel != self.asker && has_number(text) && !spoken::ends_with_number(text);
        let mine = ident_cues(own);
        // A sentence that names an identifier and something else ("the social security number on
        // the claim") still asks for the identifier: a not-PII word drops the cue only alone.
        if found || own.contains(Cues::NOT_PII) && mine.is_empty() || answered {
            *self = Carry { asker: self.asker, ..Carry::default() };
        } else if !mine.is_empty() {
            *self = Carry { cues: mine, ttl: CARRY, asker: channel };
        } else if self.ttl > 0 {
            // The asker moving on to another question drops the cue; an acknowledgement does not.
            let moved_on = self.asker.is_some() && channel == self.asker && (text.contains('?') || text.split_whitespace().count() > 6);
            self.ttl -= 1;
            if self.ttl == 0 || moved_on {
                *self = Carry { asker: self.asker, ..Carry::default() };
            }
        }
    }
}

/// New findings for the sentences of one turn array: `(index into turns, findings)`.
pub(super) fn pass(sc: &Inner, fp: &Fingerprinter, turns: &[&Turn]) -> Vec<(usize, Vec<Finding>)> {
    let mut out: Vec<(usize, Vec<Finding>)> = Vec::new();
    // The cue carried into each sentence.
    let mut carried_at = Vec::with_capacity(turns.len());
    // Each sentence's own cues (read once, for the passes below too).
    let mut own_at = Vec::with_capacity(turns.len());
    let mut carry = Carry::default();
    for (i, t) in turns.iter().enumerate() {
        carried_at.push(carry.cues);
        let own = sc.cues.cues_in(t.text.as_bytes(), 0, t.text.len());
        own_at.push(own);
        let mut found = t.idents;
        if !t.idents && !carry.cues.is_empty() {
            let mut hint = t.hint;
            hint.carried = carry.cues;
            let mut ms = Vec::new();
            super::super::scan_identifiers(sc, &t.text, &hint, &mut ms);
            if !ms.is_empty() {
                found = true;
                out.push((i, findings(sc, fp, t, &ms)));
            }
        }
        carry.after(&t.text, t.channel, own, found);
        // A name given alone in answer to a question for it.
        let prev = i.checked_sub(1).and_then(|p| turns.get(p));
        if let Some(q) = prev.filter(|q| q.channel.is_none() || q.channel != t.channel) {
            if let Some(m) = crate::scanner::names::answered_name(sc, &q.text, &t.text) {
                out.push((i, findings(sc, fp, t, &[m])));
            }
        }
    }
    // Whether each sentence ends with a number, read once for both passes below.
    let ends: Vec<bool> = turns.iter().map(|t| spoken::ends_with_number(&t.text)).collect();
    // Identifiers read out over several sentences.
    let mut i = 0;
    while let Some(&head) = turns.get(i) {
        if !ends.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        let mut chain = vec![head];
        let mut j = i + 1;
        let mut last = i;
        while let (Some(&t), true) = (turns.get(j), chain.len() < 4) {
            let same = t.channel == head.channel || t.channel.is_none() || head.channel.is_none();
            // An agent echoing the group just read ("four three four eight" / "four three four
            // eight"), or a backchannel, is skipped: the caller's next group continues the number.
            if !same && backchannel(t) || chain.last().is_some_and(|p| echoes(&t.text, &p.text)) {
                j += 1;
                continue;
            }
            if !same || !spoken::continues_number(&t.text) && aside(sc, &t.text).is_none() {
                break;
            }
            chain.push(t);
            last = j;
            if !ends.get(j).copied().unwrap_or(false) {
                break;
            }
            j += 1;
        }
        if chain.len() >= 2 {
            let own = chain.iter().fold(Cues::empty(), |c, t| c | sc.cues.cues_in(t.text.as_bytes(), 0, t.text.len()));
            let carried = if ident_cues(own).is_empty() { carried_at.get(i).copied().unwrap_or_else(Cues::empty) } else { Cues::empty() };
            // The longest chain first; a number that stops before the chain's end ("… nine nine." /
            // "Oh three twenty seven": the expiry) is found in a shorter one.
            if let Some(f) = (2..=chain.len()).rev().find_map(|n| across(sc, fp, chain.get(..n)?, carried)) {
                out.push((i, f));
            }
        }
        i = last.max(i) + 1;
    }
    let more = by_speaker(sc, fp, turns, &Read { carried_at: &carried_at, own_at: &own_at, ends: &ends }, &out);
    out.extend(more);
    out
}

/// At most this many sentences of the other speakers between two parts of a number one speaker
/// reads (a prompt, an echo, an acknowledgement).
const OTHERS_BETWEEN: usize = 3;

/// Identifiers one speaker reads over several sentences while another speaker prompts ("Middle
/// two."), echoes each group ("five one six seven" / "five one six seven") or acknowledges between
/// them: that speaker's sentences, read as one text when each ends with a number and the next
/// starts with one. Only transcripts whose speakers are known; the chain above reads a number
/// whose parts are adjacent, so a group here has another speaker's sentence inside it.
/// What the first pass read of each sentence: the cue carried into it, its own cues, and whether
/// it ends with a number.
struct Read<'a> {
    carried_at: &'a [Cues],
    own_at: &'a [Cues],
    ends: &'a [bool],
}

fn by_speaker(sc: &Inner, fp: &Fingerprinter, turns: &[&Turn], read: &Read, done: &[(usize, Vec<Finding>)]) -> Vec<(usize, Vec<Finding>)> {
    let Read { carried_at, own_at, ends } = *read;
    let mut out = Vec::new();
    let mut speakers: Vec<u64> = Vec::new();
    for c in turns.iter().filter_map(|t| t.channel) {
        if !speakers.contains(&c) {
            speakers.push(c);
        }
    }
    if speakers.len() < 2 {
        return out;
    }
    for ch in speakers {
        let own: Vec<usize> = (0..turns.len()).filter(|&i| turns.get(i).is_some_and(|t| t.channel == Some(ch))).collect();
        let mut k = 0;
        while let Some(&head) = own.get(k) {
            k += 1;
            // A number the chain above already read from this sentence is not read again.
            let chained = done.iter().any(|(i, fs)| *i == head && fs.iter().any(|f| f.kind.info().role == Role::Identifier));
            if !ends.get(head).copied().unwrap_or(false) || chained {
                continue;
            }
            let mut group = vec![head];
            while let (Some(&j), Some(&prev)) = (own.get(k), group.last()) {
                let Some(t) = turns.get(j) else { break };
                // Where its part starts after an aside, read once for both checks below.
                let after_aside = std::cell::OnceCell::new();
                let aside_at = || *after_aside.get_or_init(|| aside(sc, &t.text));
                // A prompt between the parts that names what is asked for ("And the last four of
                // the card?") asks for another number.
                let named = (prev + 1..j).filter_map(|g| own_at.get(g)).any(|&c| !ident_cues(c).is_empty() || c.contains(Cues::NOT_PII));
                if group.len() >= 6 || j - prev - 1 > OTHERS_BETWEEN || named || !spoken::starts_with_number(&t.text) && aside_at().is_none() {
                    break;
                }
                group.push(j);
                k += 1;
                // A sentence that says more after its number ("five five one eight. and it's
                // under …") ends the read.
                if !ends.get(j).copied().unwrap_or(false) || !spoken::continues_number(&t.text) && aside_at().is_none() {
                    break;
                }
            }
            if group.len() < 2 || group.windows(2).all(|w| matches!(w, [a, b] if b - a == 1)) {
                continue;
            }
            let chain: Vec<&Turn> = group.iter().filter_map(|&g| turns.get(g).copied()).collect();
            let first = group.first().copied().unwrap_or(0);
            // The cues of the group's own sentences, else those carried into its first.
            let mine = group.iter().filter_map(|&g| own_at.get(g)).fold(Cues::empty(), |c, &x| c | x);
            let carried = if ident_cues(mine).is_empty() { carried_at.get(first).copied().unwrap_or_else(Cues::empty) } else { Cues::empty() };
            // The whole group, else without its last part (an expiry read after the number): a
            // scan of the joined text each, so no more.
            let tries = (chain.len().saturating_sub(1).max(2)..=chain.len()).rev();
            if let Some(found) = tries.into_iter().find_map(|n| across(sc, fp, chain.get(..n)?, carried)) {
                out.push((first, found));
            }
        }
    }
    out
}

/// Where a sentence's number starts after an aside ([`spoken::number_after_aside`]) that names
/// nothing: an aside with a cue ("my order number is …", "and the routing is …") says what the
/// number is, so it does not go on the one before.
fn aside(sc: &Inner, text: &str) -> Option<usize> {
    spoken::number_after_aside(text).filter(|&i| sc.cues.cues_in(text.as_bytes(), 0, i).is_empty())
}

/// Findings for matches in one sentence's text.
fn findings(sc: &Inner, fp: &Fingerprinter, t: &Turn, ms: &[Match]) -> Vec<Finding> {
    let mut cc = CharCounter::new(t.text.as_bytes());
    ms.iter()
        .map(|m| {
            let mut f = finding_from(m, &t.path, &t.inner, false, t.occurrence, slice(&t.text, m.start, m.end), &mut cc, fp, sc.preview);
            f.sentence_sid = t.sid;
            f
        })
        .collect()
}

/// Identifiers that cross a sentence boundary in the chain's joined text.
fn across(sc: &Inner, fp: &Fingerprinter, chain: &[&Turn], carried: Cues) -> Option<Vec<Finding>> {
    let mut joined = String::new();
    let mut bounds = Vec::with_capacity(chain.len());
    for (k, t) in chain.iter().enumerate() {
        if !joined.is_empty() {
            joined.push(' ');
        }
        let s = joined.len();
        // A later sentence's aside before its number ("sorry, the dog … okay, seven four") is
        // read as spaces, so that its words do not break the number (offsets are kept).
        let aside = if k > 0 && !spoken::starts_with_number(&t.text) { aside(sc, &t.text).unwrap_or(0) } else { 0 };
        joined.extend(std::iter::repeat_n(' ', aside));
        joined.push_str(t.text.get(aside..).unwrap_or_default());
        bounds.push((s, joined.len()));
    }
    let head = chain.first()?;
    let mut hint = head.hint;
    hint.speech = true;
    hint.carried = carried;
    let mut ms = Vec::new();
    super::super::scan_identifiers(sc, &joined, &hint, &mut ms);
    let mut out = Vec::new();
    for m in ms.iter().filter(|m| m.kind.info().role == Role::Identifier) {
        let pieces: Vec<(usize, usize, usize)> = bounds
            .iter()
            .enumerate()
            .filter_map(|(k, &(s, e))| {
                let (a, b) = (m.start.max(s), m.end.min(e));
                let piece = joined.get(a..b)?;
                let lead = piece.len() - piece.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
                let trail = piece.len() - piece.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
                let (a, b) = (a + lead, b - trail);
                (a < b).then(|| (k, a - s, b - s))
            })
            .collect();
        if pieces.len() < 2 {
            continue;
        }
        let said: String = m.said.as_deref().map_or_else(|| slice(&joined, m.start, m.end).chars().filter(char::is_ascii_alphanumeric).collect(), str::to_owned);
        let spans: Vec<(usize, usize, usize, usize, usize)> = pieces
            .iter()
            .filter_map(|&(k, a, b)| {
                let t = chain.get(k)?;
                let mut cc = CharCounter::new(t.text.as_bytes());
                Some((k, cc.at(a), cc.at(b), a, b))
            })
            .collect();
        let Some((&(k0, _, _, a0, b0), rest)) = spans.split_first() else { continue };
        let Some(first) = chain.get(k0) else { continue };
        let piece = Match { start: a0, end: b0, said: Some(said.into()), parts: Vec::new(), ..m.clone() };
        let mut cc = CharCounter::new(first.text.as_bytes());
        let mut f = finding_from(&piece, &first.path, &first.inner, false, first.occurrence, slice(&first.text, a0, b0), &mut cc, fp, sc.preview);
        f.sentence_sid = first.sid;
        f.continued = rest
            .iter()
            .filter_map(|&(k, start, end, byte_start, byte_end)| {
                let t = chain.get(k)?;
                Some(Span { path: t.path.clone(), inner_path: t.inner.clone(), occurrence: t.occurrence, start, end, byte_start, byte_end, sentence_sid: t.sid })
            })
            .collect();
        out.push(f);
    }
    (!out.is_empty()).then_some(out)
}

/// Speaker labels that start a turn in a dialogue written into one string ("Agent: … Caller: …").
const LABELS: &[&str] = &[
    "agent", "customer", "caller", "rep", "representative", "bot", "user", "assistant", "ivr", "cliente", "agente", "client",
    "member", "advisor", "csr", "me", "virtual agent", "va", "cust",
];

/// The turns of a dialogue written into one string: `(content start, content end)` after each
/// speaker label standing at the start of the text or a line (or after a sentence's end).
fn dialogue_turns(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut starts: Vec<(usize, usize)> = Vec::new();
    for c in memchr::memchr_iter(b':', b) {
        let mut s = c;
        while byte_before(b, s).is_some_and(|x| x.is_ascii_alphabetic() || x == b' ') && c - s < 16 {
            s -= 1;
        }
        while s < c && byte_at(b, s) == Some(b' ') {
            s += 1;
        }
        let label = slice(text, s, c).trim_end();
        let at_start = upto(text, s).trim_end_matches(' ').is_empty() || upto(text, s).trim_end_matches(' ').ends_with(['\n', '.', '?', '!', ';']);
        if at_start && LABELS.iter().any(|l| l.eq_ignore_ascii_case(label)) {
            starts.push((s, c + 1));
        }
    }
    starts.iter().enumerate().map(|(k, &(_, content))| (content, starts.get(k + 1).map_or(text.len(), |n| n.0))).collect()
}

/// Identifiers in a dialogue written into one string whose own scan found none: the cue of a
/// question carried to the next turns, numbers said as words read in every turn.
pub(super) fn dialogue(sc: &Inner, text: &str, hint: &FieldHint, out: &mut Vec<Match>) {
    let turns = dialogue_turns(text);
    if turns.len() < 2 {
        return;
    }
    let mut carry = Carry::default();
    for (s, e) in turns {
        let seg = slice(text, s, e);
        let own = sc.cues.cues_in(seg.as_bytes(), 0, seg.len());
        let first = out.len();
        if !carry.cues.is_empty() || spoken::has_spoken_number(seg) {
            let mut h = *hint;
            h.speech = true;
            h.carried = carry.cues;
            super::super::scan_identifiers(sc, seg, &h, out);
            for m in out.get_mut(first..).unwrap_or_default() {
                m.shift(s);
            }
        }
        carry.after(seg, None, own, out.len() > first);
    }
}

impl Walker<'_> {
    /// Keeps a sentence of a turn array for the turn pass (see `turns`).
    pub(super) fn keep_turn(&mut self, array: u32, s: &str, before: usize) {
        let (path, inner) = self.location();
        let hint = self.hint;
        let occurrence = self.occurrence;
        let event = self.event_index();
        let ev = self.event();
        let idents = ev.findings.get(before..).unwrap_or_default().iter().any(|f| f.kind.info().role == Role::Identifier);
        let at = ev.findings.len();
        self.turns.push(Turn { event, array, text: s.to_owned(), path, inner, occurrence, hint, at, idents, channel: None, sid: None });
    }

    /// Runs the turn pass over the sentences of turn array `array` and puts what it finds in the
    /// event, each finding after its sentence's own.
    pub(super) fn turn_pass(&mut self, array: u32, from: usize) {
        self.answer_pass(array, from);
        let ev_idx = self.event_index();
        let list: Vec<&Turn> = self.turns.get(from..).unwrap_or_default().iter().filter(|t| t.array == array && t.event == ev_idx).collect();
        if list.len() < 2 {
            return;
        }
        let added = pass(self.sc, self.fp, &list);
        if added.is_empty() {
            return;
        }
        // A name given in answer is no identifier: the event needs names read only for identifiers.
        let idents = added.iter().any(|(_, f)| f.iter().any(|x| x.kind.info().role == Role::Identifier));
        // Where each sentence's findings end (a sentence not in the list: the event's end).
        let mut ats: Vec<usize> = added.iter().map(|(k, _)| list.get(*k).map_or(usize::MAX, |t| t.at)).collect();
        drop(list);
        // From the last insertion point to the first, so earlier points stay valid.
        let mut order: Vec<(usize, Vec<Finding>)> = added.into_iter().enumerate().map(|(k, (_, found))| (k, found)).collect();
        order.sort_by_key(|&(k, _)| std::cmp::Reverse(ats.get(k).copied()));
        for (k, found) in order {
            let at = ats.get(k).copied().unwrap_or(usize::MAX).min(self.event().findings.len());
            let n = self.insert(ev_idx, at, found);
            for a in &mut ats {
                if *a > at {
                    *a += n;
                }
            }
        }
        if idents {
            self.ident_event = Some(ev_idx);
        }
        if self.inner.is_empty() {
            self.drain_pending();
        }
    }
}

impl Walker<'_> {
    /// A category term in one speaker's question ("Are you currently pregnant?") answered yes by the
    /// other in the next sentence ("Yes, I am") is a disclosure: a finding on the question's term.
    fn answer_pass(&mut self, array: u32, from: usize) {
        let Some(cats) = self.sc.categories else { return };
        let ev_idx = self.event_index();
        let list: Vec<usize> = (from..self.turns.len()).filter(|&i| self.turns.get(i).is_some_and(|t| t.array == array && t.event == ev_idx)).collect();
        let mut added: Vec<(usize, Vec<Finding>)> = Vec::new();
        for w in list.windows(2) {
            let (Some(q), Some(a)) = (w.first().and_then(|&i| self.turns.get(i)), w.get(1).and_then(|&i| self.turns.get(i))) else { continue };
            if q.channel.is_some() && q.channel == a.channel || !q.text.contains('?') {
                continue;
            }
            // A health identifier asked for and given in the reply.
            if let Some(m) = cats.phi_carried(&q.text, &a.text, a.hint.speech) {
                let mut cc = CharCounter::new(a.text.as_bytes());
                let f = finding_from(&m, &a.path, &a.inner, false, a.occurrence, slice(&a.text, m.start, m.end), &mut cc, self.fp, self.sc.preview);
                added.push((a.at, vec![f]));
            }
            if !crate::scanner::category::answers_yes(&a.text) {
                continue;
            }
            let ms = cats.questions(&q.text);
            if ms.is_empty() {
                continue;
            }
            let mut cc = CharCounter::new(q.text.as_bytes());
            let found = ms.iter().map(|m| finding_from(m, &q.path, &q.inner, false, q.occurrence, slice(&q.text, m.start, m.end), &mut cc, self.fp, self.sc.preview)).collect();
            added.push((q.at, found));
        }
        added.sort_by_key(|(at, _)| *at);
        // From the last sentence to the first, so earlier insertion points stay valid.
        for (at, found) in added.into_iter().rev() {
            self.insert(ev_idx, at, found);
        }
    }
}
