//! The spin lexicon and the normal form of a sentence's words.
//!
//! Every word is lowercased, country/agency name variants are mapped to their canonical
//! entity (`whosaid_core::lexicon::canonical_entity`: "Russian Federation", "Moscow" →
//! russia; "USA", "U.S." → united states), words of a spin-synonym group to the group's
//! canonical word (`data/spin.tsv`, WordNet 3.0 + a small supplement), and light
//! inflection is stripped. Words that no lexicon knows — names, numbers, rare words —
//! are *anchors*: a spinner has no synonym to put in their place.

use std::collections::HashMap;
use std::sync::OnceLock;
use whosaid_core::lexicon::canonical_entity;
use whosaid_core::text::{Token, TokenKind};

const SPIN: &str = include_str!("../data/spin.tsv");

/// Function words: kept for alignment, left out of similarity.
const STOP: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "and", "or",
    "but", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "it",
    "its", "this", "that", "these", "those", "he", "she", "they", "we", "i", "you", "his", "her",
    "their", "our", "my", "your", "him", "them", "us", "me", "who", "which", "what", "not", "no",
    "do", "does", "did", "will", "would", "can", "could", "should", "may", "might", "must",
    "shall", "there", "here", "than", "then", "so", "if", "into", "over", "about", "after",
    "before", "also", "said", "says", "say", "s", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m",
    "all", "more", "most", "some", "such", "up", "out", "just", "very", "one", "when", "where",
    "while", "how", "why",
];

fn spin_map() -> &'static HashMap<&'static str, &'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for line in SPIN.lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split('\t');
            let Some(canon) = words.next() else { continue };
            map.entry(canon).or_insert(canon);
            for w in words {
                map.entry(w).or_insert(canon);
            }
        }
        map
    })
}

/// The spin-synonym groups of the embedded lexicon, canonical word first (for tests and
/// evaluation spinners).
pub fn spin_groups() -> impl Iterator<Item = Vec<&'static str>> {
    SPIN.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

/// True for a function word (compared lowercase).
pub fn is_stop(lower: &str) -> bool {
    STOP.contains(&lower)
}

/// Candidate lemmas of an inflected lowercase word, the word itself first.
fn lemma_candidates(w: &str) -> impl Iterator<Item = String> {
    let mut v: Vec<String> = vec![w.to_string()];
    let n = w.len();
    if n > 4 && w.ends_with("ies") {
        v.push(format!("{}y", &w[..n - 3]));
    }
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") {
        v.push(w[..n - 1].to_string());
        if w.ends_with("es") {
            v.push(w[..n - 2].to_string());
        }
    }
    if n > 4 && w.ends_with("ed") {
        v.push(w[..n - 2].to_string());
        v.push(w[..n - 1].to_string());
        if n > 5 && w.as_bytes()[n - 3] == w.as_bytes()[n - 4] {
            v.push(w[..n - 3].to_string());
        }
    }
    if n > 5 && w.ends_with("ing") {
        v.push(w[..n - 3].to_string());
        v.push(format!("{}e", &w[..n - 3]));
        if w.as_bytes()[n - 4] == w.as_bytes()[n - 5] {
            v.push(w[..n - 4].to_string());
        }
    }
    v.into_iter()
}

/// A crude stem: the shortest of the plain de-inflections, so that "strikes" and
/// "strike" agree when no lexicon knows them.
fn stem(w: &str) -> String {
    let n = w.len();
    if n > 4 && w.ends_with("ies") {
        return format!("{}y", &w[..n - 3]);
    }
    if n > 5 && w.ends_with("ing") {
        return w[..n - 3].to_string();
    }
    if n > 4 && w.ends_with("ed") {
        return w[..n - 2].to_string();
    }
    if n > 4 && w.ends_with("es") && !w.ends_with("ses") {
        return w[..n - 2].to_string();
    }
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        return w[..n - 1].to_string();
    }
    if n > 4 && w.ends_with('e') {
        return w[..n - 1].to_string();
    }
    w.to_string()
}

/// What a normalised word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// A function word: aligned, not compared.
    Stop,
    /// A word a spinner may replace (it is in the spin lexicon).
    Mutable,
    /// A word a spinner cannot replace: a name, a number, an entity, a rare word.
    Anchor,
}

/// One normalised word (or multi-word entity name) of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The normal form ("russia" for "Russian Federation", "attack" for "strikes").
    pub norm: String,
    /// Hash of `norm`.
    pub hash: u64,
    /// Byte offset of the first byte in the text.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Stop word, mutable or anchor.
    pub kind: UnitKind,
}

/// FNV-1a, then a finaliser: stable across runs and platforms.
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// SplitMix64's finaliser.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn is_wordlike(t: &Token) -> bool {
    matches!(t.kind, TokenKind::Word | TokenKind::Number)
}

/// The normalised words of `tokens` (one sentence's tokens) in `text`.
pub fn units(text: &str, tokens: &[Token]) -> Vec<Unit> {
    let mut out = Vec::with_capacity(tokens.len());
    let map = spin_map();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        if !is_wordlike(&t) {
            i += 1;
            continue;
        }
        let word = t.text(text);
        if !word.chars().any(char::is_alphanumeric) {
            i += 1;
            continue;
        }
        // Entity names of up to four words, longest first; capitalised starts only.
        if word.chars().next().is_some_and(char::is_uppercase) {
            let mut found = None;
            let max = (i + 4).min(tokens.len());
            let mut last = i;
            while last + 1 < max && is_wordlike(&tokens[last + 1]) && !tokens[last + 1].line_start {
                last += 1;
            }
            for j in (i..=last).rev() {
                if let Some(c) = canonical_entity(&text[t.start..tokens[j].end]) {
                    found = Some((j, c));
                    break;
                }
            }
            if let Some((j, canon)) = found {
                let norm = format!("@{}", canon.to_lowercase());
                out.push(Unit {
                    hash: hash_str(&norm),
                    norm,
                    start: t.start,
                    end: tokens[j].end,
                    kind: UnitKind::Anchor,
                });
                i = j + 1;
                continue;
            }
        }
        let mut lower = word.to_lowercase();
        if t.kind == TokenKind::Number {
            lower.retain(|c| c != ',');
        } else if lower.ends_with('.') {
            lower.pop();
        }
        let spun = lemma_candidates(&lower).find_map(|l| map.get(l.as_str()).copied());
        let (norm, kind) = if is_stop(&lower) {
            (lower, UnitKind::Stop)
        } else if let Some(c) = spun {
            (c.to_string(), UnitKind::Mutable)
        } else if t.kind == TokenKind::Number {
            (lower, UnitKind::Anchor)
        } else {
            (stem(&lower), UnitKind::Anchor)
        };
        out.push(Unit {
            hash: hash_str(&norm),
            norm,
            start: t.start,
            end: t.end,
            kind,
        });
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use whosaid_core::text::tokenize;

    fn norms(t: &str) -> Vec<String> {
        units(t, &tokenize(t)).into_iter().map(|u| u.norm).collect()
    }

    #[test]
    fn entities_and_spin_words_meet() {
        assert_eq!(
            norms("after U.S. missile strikes, in violation of international norms"),
            norms("after USA missile attacks, in violation of worldwide norms")
        );
        assert_eq!(norms("Russia has"), norms("Russian Federation has"));
        assert_eq!(norms("the Kremlin said"), ["the", "@russia", "said"]);
    }

    #[test]
    fn lexicon_parses() {
        assert!(spin_map().len() > 2000);
        assert!(spin_groups().all(|g| g.len() >= 2));
    }
}
