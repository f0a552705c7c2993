//! Finds text pasted into an article that is not its prose: photo captions, bylines,
//! truncated sentences and share/subscribe boilerplate.
//!
//! Every rule looks at the shape of one paragraph (its first and last tokens, a date
//! line at its end, a present-tense verb after a name), never at particular strings of
//! a particular article. No quote is taken from an artifact.

use crate::analysis::{Artifact, ArtifactKind};
use crate::doc::{CharMap, Span};
use crate::layout::Layout;
use crate::text::TokenKind;
use crate::wordclass::{
    is_capitalized, is_determiner, is_function_word, is_month, is_preposition, is_subordinator,
    is_weekday,
};
use std::ops::Range;

/// The artifacts of the document, one per paragraph at most, in text order.
pub fn detect(layout: &Layout, map: &CharMap) -> Vec<Artifact> {
    let mut out = Vec::new();
    for (n, p) in layout.paragraphs.iter().enumerate() {
        if p.is_empty() {
            continue;
        }
        let kind = if is_byline(layout, p) {
            Some(ArtifactKind::Byline)
        } else if is_boilerplate(layout, p) {
            Some(ArtifactKind::Boilerplate)
        } else if is_photo_caption(layout, p) {
            Some(ArtifactKind::PhotoCaption)
        } else if n > 0 && is_truncated(layout, p) {
            Some(ArtifactKind::TruncatedSentence)
        } else {
            None
        };
        if let Some(kind) = kind {
            let start = layout.tokens[p.start].start;
            let end = layout.tokens[p.end - 1].end;
            out.push(Artifact {
                kind,
                span: Span::new(layout.text, map, start, end),
            });
        }
    }
    out
}

/// `• Jane Doe`, `By Jane Doe and John Roe`: a bullet or "By", then only name words.
fn is_byline(l: &Layout, p: &Range<usize>) -> bool {
    let first = l.word(p.start);
    let opener = matches!(first, "•" | "·" | "|" | "—" | "–") || first == "By";
    if !opener || p.len() < 2 || p.len() > 10 {
        return false;
    }
    let mut names = 0;
    for i in p.start + 1..p.end {
        let w = l.word(i);
        match l.kind(i) {
            Some(TokenKind::Word) if is_capitalized(w) => names += 1,
            Some(TokenKind::Word) if w == "and" => {}
            Some(TokenKind::Punct) if w == "," => {}
            _ => return false,
        }
    }
    (1..=6).contains(&names)
}

/// Share/subscribe/read-more lines: short paragraphs opening with such a call.
fn is_boilerplate(l: &Layout, p: &Range<usize>) -> bool {
    if p.len() > 25 {
        return false;
    }
    let head = l.slice(&(p.start..(p.start + 3).min(p.end)));
    const OPENERS: &[&str] = &[
        "share this",
        "share on",
        "share:",
        "subscribe",
        "sign up",
        "click here",
        "read more",
        "read next",
        "related:",
        "follow us",
        "like us on",
        "advertisement",
        "copyright",
        "©",
        "all rights reserved",
        "(c)",
    ];
    /// The first bytes of the openers, in either case (most paragraphs open with none).
    const FIRST: [bool; 256] = {
        let mut t = [false; 256];
        let mut k = 0;
        while k < OPENERS.len() {
            let b = OPENERS[k].as_bytes()[0];
            t[b.to_ascii_lowercase() as usize] = true;
            t[b.to_ascii_uppercase() as usize] = true;
            k += 1;
        }
        t
    };
    head.as_bytes().first().is_some_and(|&b| FIRST[b as usize])
        && OPENERS.iter().any(|o| {
            head.len() >= o.len()
                && head.is_char_boundary(o.len())
                && head[..o.len()].eq_ignore_ascii_case(o)
        })
}

/// A caption pasted as prose: a name, a present-tense verb (`speaks`, `gestures`),
/// and a date line (`Tuesday, April 11, 2017.`) ending the paragraph; or a photo credit.
fn is_photo_caption(l: &Layout, p: &Range<usize>) -> bool {
    if p.len() > 80 || (p.start..p.end).any(|i| l.tokens[i].is_quote()) {
        return false;
    }
    let para = l.slice(p);
    // (one search for "Photo" stands for the two credits that hold it)
    if (para.contains("Photo") && (para.contains("AP Photo") || para.contains("(Photo")))
        || para.contains("Getty Images")
    {
        return true;
    }
    // A caption is one or two sentences.
    let sentences = l.sentence(p.end - 1) - l.sentence(p.start) + 1;
    sentences <= 2 && ends_with_date(l, p) && has_present_action_after_name(l, p)
}

/// `…, Month D, YYYY.` or `…, Weekday, Month D, YYYY.` at the end of the paragraph.
fn ends_with_date(l: &Layout, p: &Range<usize>) -> bool {
    let mut e = p.end;
    if e > p.start && l.kind(e - 1) == Some(TokenKind::Terminal) {
        e -= 1;
    }
    if e < p.start + 4 {
        return false;
    }
    let year = l.word(e - 1);
    let day = l.word(e - 3);
    year.len() == 4
        && l.kind(e - 1) == Some(TokenKind::Number)
        && l.word(e - 2) == ","
        && l.kind(e - 3) == Some(TokenKind::Number)
        && day.len() <= 2
        && e >= p.start + 5
        && is_month(l.word(e - 4))
        && (l.word(e - 5) == "," || is_weekday(l.word(e - 5)))
}

/// A run of capitalized words followed by a lowercase `-s` verb that is not a plural
/// noun after a determiner: "Vladimir Putin speaks at …".
fn has_present_action_after_name(l: &Layout, p: &Range<usize>) -> bool {
    let end = (p.start + 12).min(p.end);
    for i in p.start + 1..end {
        let w = l.word(i);
        // The action is followed by its complement ("speaks at", "waves to the"),
        // which a plural noun ("Iowa polls may") is not.
        let next = l.word(i + 1);
        if l.is_lower_word(i)
            && w.len() > 3
            && w.ends_with('s')
            && !w.ends_with("ss")
            && !is_function_word(w)
            && l.is_cap_word(i - 1)
            && (is_preposition(next) || is_determiner(next) || matches!(next, "on" | "up" | "out"))
        {
            return true;
        }
    }
    false
}

/// A sentence cut off: a paragraph that ends without terminal punctuation after a
/// function word or comma, or a subordinate clause (`While the …`) that never reaches
/// its main clause and stops at an abbreviation or without punctuation.
fn is_truncated(l: &Layout, p: &Range<usize>) -> bool {
    let last = p.end - 1;
    let lw = l.word(last);
    let terminal = match l.kind(last) {
        Some(TokenKind::Terminal) | Some(TokenKind::CloseQuote) => true,
        Some(TokenKind::Punct) => matches!(lw, ")" | "]"),
        _ => false,
    };
    let abbrev_end = l.kind(last) == Some(TokenKind::Word) && lw.ends_with('.');
    // (the comma scan only for a paragraph that opens with a subordinator)
    let has_comma = || (p.start..p.end).any(|i| l.word(i) == ",");
    if is_subordinator(l.word(p.start)) && (!terminal || abbrev_end) && !has_comma() {
        return true;
    }
    if terminal || abbrev_end || p.len() < 5 {
        return false;
    }
    // No terminal punctuation: a heading is short and capitalized; a cut sentence
    // ends on a comma, a function word or a lowercase word mid-phrase.
    matches!(lw, "," | ";" | "-" | "—" | "–")
        || is_function_word(lw)
        || (l.is_lower_word(last) && p.len() >= 8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{split_sentences, tokenize};

    fn kinds(t: &str) -> Vec<(ArtifactKind, String)> {
        let toks = tokenize(t);
        let s = split_sentences(t, &toks);
        let l = Layout::new(t, &toks, &s);
        detect(&l, &CharMap::new(t))
            .into_iter()
            .map(|a| (a.kind, a.span.text))
            .collect()
    }

    #[test]
    fn caption_byline_truncation() {
        let t = "Title here\n\nThe mayor opened the bridge.\n\nMayor Ann Lee waves at a crowd near the river in Leeds, England, Friday, May 3, 2019.\n\nAlthough the early U.K.\n\n• Tom Baker";
        let got = kinds(t);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, ArtifactKind::PhotoCaption);
        assert_eq!(
            got[1],
            (
                ArtifactKind::TruncatedSentence,
                "Although the early U.K.".into()
            )
        );
        assert_eq!(got[2], (ArtifactKind::Byline, "• Tom Baker".into()));
    }

    #[test]
    fn prose_is_not_an_artifact() {
        let t = "Headline\n\nWhile talks went on, the mayor said the bridge is safe.\n\nShe opened it on Monday, May 3, 2019.\n\nBy the end of the day, traffic flowed.";
        assert!(kinds(t).is_empty(), "{:?}", kinds(t));
    }

    #[test]
    fn digest_ending_in_a_date_is_not_a_caption() {
        let t = "Headline\n\nEarly data shows Ohio polls may be off. Texas seems calm. And Gallup finds states shifting. This is the digest for Wednesday, February 3, 2016.";
        assert!(kinds(t).is_empty(), "{:?}", kinds(t));
    }

    #[test]
    fn boilerplate_and_cut_sentence() {
        let t = "Headline\n\nShare this article on Facebook\n\nThe council voted to close the old school and the";
        let got = kinds(t);
        assert_eq!(got[0].0, ArtifactKind::Boilerplate);
        assert_eq!(got[1].0, ArtifactKind::TruncatedSentence);
    }
}
