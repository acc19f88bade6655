//! A full name written in its own script inside text in another ("For the W-9: Σταυρούλα
//! Παπαδάκη, SSN …", "for the tax form: 陈美玲, ssn …", "박지훈 discover 6508 …"): in a text that is
//! mostly Latin letters, two capitalised Greek or Cyrillic words, or a run of two or three Han or
//! three Hangul characters standing alone that starts with a common family name. The family-name
//! characters are the most common Chinese and Korean surnames, written from general knowledge.
// Indexing is checked (`get`): a computed offset past the end is no finding, not a panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::word::{next_word, word_at};
use crate::scanner::{Detector, Kind, Match};

/// The most common Chinese family names (simplified and traditional forms).
const HAN_SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤張劉陳楊黃趙吳孫馬鄭謝許韓馮鄧蕭葉蘇呂盧鍾譚陸賈韋鄒龔嚴萬錢湯羅";

/// The most common Korean family names.
const HANGUL_SURNAMES: &str = "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용";

/// Endings of Korean words and phrases that a three-syllable name does not end with (verb endings
/// and particles): "안돼요" is a sentence, not 안 + a given name.
const HANGUL_NOT_LAST: &str = "요다니까서고는은을를가에도죠네지만요게";

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7AF)
}

fn greek_or_cyrillic(c: char) -> bool {
    matches!(c as u32, 0x0370..=0x03FF | 0x1F00..=0x1FFF | 0x0400..=0x04FF)
}

/// Names written in another script than the text's, appended to `out` unless they overlap a name
/// already found.
pub(super) fn scan(text: &str, out: &mut Vec<Match>, first: usize) {
    // Lead bytes of Greek and Cyrillic (U+0370-04FF) and of Han and Hangul (U+3400-D7FF) in UTF-8:
    // a text with none of them is left at once.
    let b = text.as_bytes();
    if text.is_ascii() || text.len() > 4096 || !b.iter().any(|&c| matches!(c, 0xCD..=0xD3 | 0xE3..=0xED)) {
        return;
    }
    if b.iter().filter(|c| c.is_ascii_alphabetic()).count() < 8 {
        return;
    }
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if is_han(c) || is_hangul(c) {
            // A run of Han or Hangul characters standing alone.
            let mut end = i + c.len_utf8();
            let mut n = 1;
            while let Some(&(j, d)) = chars.peek() {
                if is_han(d) == is_han(c) && (is_han(d) || is_hangul(d)) {
                    end = j + d.len_utf8();
                    n += 1;
                    chars.next();
                } else {
                    break;
                }
            }
            let alone = prev.is_none_or(|p| !p.is_alphanumeric())
                && chars.peek().is_none_or(|&(_, d)| !d.is_alphanumeric());
            let run = text.get(i..end).unwrap_or_default();
            let last = run.chars().last().unwrap_or(' ');
            let name = if is_han(c) {
                // A doubled character is a word ("谢谢", thanks), not a name; a family name with a
                // title ("黄太太", Mrs Huang; "王先生") is no full name.
                let titled = ["先生", "太太", "女士", "小姐", "老师", "医生"]
                    .iter()
                    .any(|t| run.ends_with(t));
                (2..=3).contains(&n)
                    && HAN_SURNAMES.contains(c)
                    && run.chars().nth(1) != Some(c)
                    && !titled
            } else {
                n == 3 && HANGUL_SURNAMES.contains(c) && !HANGUL_NOT_LAST.contains(last)
            };
            if alone && name {
                found.push((i, end));
            }
            prev = Some(last);
            continue;
        }
        if greek_or_cyrillic(c) && c.is_uppercase() && prev.is_none_or(|p| !p.is_alphanumeric()) {
            // Two capitalised words of the script: "Σταυρούλα Παπαδάκη", "Ольга Смирнова".
            if let Some(w1) = word_at(text, i) {
                let w2 = next_word(text, w1.end);
                let script = |w: &super::word::Word| {
                    w.text
                        .chars()
                        .all(|x| greek_or_cyrillic(x) || !x.is_alphabetic())
                };
                if let Some(w2) = w2.filter(|w2| {
                    w2.is_capitalised()
                        && !w2.is_upper()
                        && script(w2)
                        && script(&w1)
                        && w1.chars() >= 2
                        && w2.chars() >= 2
                }) {
                    found.push((w1.start, w2.end));
                }
            }
        }
        prev = Some(c);
    }
    for (s, e) in found {
        if !out
            .get(first..)
            .unwrap_or_default()
            .iter()
            .any(|m| m.start < e && s < m.end)
        {
            out.push(Match::new(Kind::Name, Detector::NameScore, s, e, 0.7));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &str) -> Vec<&str> {
        let mut out = Vec::new();
        scan(t, &mut out, 0);
        out.iter().map(|m| &t[m.start..m.end]).collect()
    }

    #[test]
    fn names_in_another_script() {
        assert_eq!(
            names("For the W-9: Σταυρούλα Παπαδάκη, SSN 286-19-7743. sorry"),
            ["Σταυρούλα Παπαδάκη"]
        );
        assert_eq!(
            names("for the tax form: 陈美玲, ssn 557-26-0918. the IRS letter"),
            ["陈美玲"]
        );
        assert_eq!(
            names("박지훈 discover 6508 3726 1904 3182 이거 결제 안돼요 why declined"),
            ["박지훈"]
        );
        assert!(
            names("thank you 谢谢 so much for the help today").is_empty(),
            "a doubled character is a word"
        );
        assert!(names("이거 결제 안돼요 why declined my card please").is_empty());
        assert!(names("全部 ok").is_empty(), "too little Latin text");
        assert!(
            names("客户（黄太太）的 Discover 卡 6580 0146 1109 4448 被盗刷").is_empty(),
            "a family name and a title"
        );
    }
}
