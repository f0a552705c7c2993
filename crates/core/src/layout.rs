//! The document's layout as the rule stages see it: tokens, sentences, paragraphs,
//! and the sentence of every token — computed once, in one linear pass.

use crate::text::{Sentence, Token, TokenKind};
use crate::wordclass::WordInfo;
use std::ops::Range;

/// Tokens, sentences and paragraphs of one text, with index maps between them.
#[derive(Debug)]
pub struct Layout<'a> {
    /// The text every offset points into.
    pub text: &'a str,
    /// The tokens of the text.
    pub tokens: &'a [Token],
    /// The sentences of the text.
    pub sentences: &'a [Sentence],
    /// Token ranges of the paragraphs, in order.
    pub paragraphs: Vec<Range<usize>>,
    /// For each token, the index of its sentence.
    pub sentence_of: Vec<u32>,
    /// For each token, what the word lists know of it (one lookup per word, for every
    /// stage).
    info: Vec<WordInfo>,
}

impl<'a> Layout<'a> {
    /// Builds the layout; `sentences` must cover `tokens` in order (as
    /// [`crate::text::split_sentences`] guarantees).
    pub fn new(text: &'a str, tokens: &'a [Token], sentences: &'a [Sentence]) -> Self {
        let mut sentence_of = vec![0u32; tokens.len()];
        let mut paragraphs: Vec<Range<usize>> = Vec::new();
        let mut paragraphs_len = 0;
        for (n, s) in sentences.iter().enumerate() {
            for slot in &mut sentence_of[s.tokens.clone()] {
                *slot = n as u32;
            }
            // Paragraph numbers are dense, so a sentence either continues the last
            // paragraph or opens the next one.
            match paragraphs.last_mut() {
                Some(p) if s.paragraph < paragraphs_len => p.end = s.tokens.end,
                _ => paragraphs.push(s.tokens.clone()),
            }
            paragraphs_len = paragraphs.len();
        }
        let info = WordInfo::of_tokens(text, tokens);
        Layout {
            text,
            tokens,
            sentences,
            paragraphs,
            sentence_of,
            info,
        }
    }

    /// The text of token `i` (empty past the end).
    #[inline]
    pub fn word(&self, i: usize) -> &'a str {
        match self.tokens.get(i) {
            Some(t) => &self.text[t.start..t.end],
            None => "",
        }
    }

    /// What the word lists know of token `i` ([`WordInfo::none`] past the end).
    #[inline]
    pub fn info(&self, i: usize) -> WordInfo {
        self.info.get(i).copied().unwrap_or_else(WordInfo::none)
    }

    /// The kind of token `i`, if it exists.
    #[inline]
    pub fn kind(&self, i: usize) -> Option<TokenKind> {
        self.tokens.get(i).map(|t| t.kind)
    }

    /// The sentence index of token `i`.
    pub fn sentence(&self, i: usize) -> usize {
        self.sentence_of.get(i).map_or(0, |&s| s as usize)
    }

    /// The token range of the sentence holding token `i`.
    pub fn sentence_range(&self, i: usize) -> Range<usize> {
        self.sentences
            .get(self.sentence(i))
            .map_or(0..0, |s| s.tokens.clone())
    }

    /// The paragraph index of token `i`.
    pub fn paragraph(&self, i: usize) -> usize {
        self.sentences
            .get(self.sentence(i))
            .map_or(0, |s| s.paragraph)
    }

    /// The token range of the paragraph holding token `i`.
    pub fn paragraph_range(&self, i: usize) -> Range<usize> {
        self.paragraphs
            .get(self.paragraph(i))
            .cloned()
            .unwrap_or(0..0)
    }

    /// True when token `i` is a word starting with an uppercase letter.
    #[inline]
    pub fn is_cap_word(&self, i: usize) -> bool {
        match self.word_first_byte(i) {
            Some(Some(b)) => b.is_ascii_uppercase(),
            Some(None) => crate::wordclass::is_capitalized(self.word(i)),
            None => false,
        }
    }

    /// True when token `i` is a word starting with a lowercase letter.
    #[inline]
    pub fn is_lower_word(&self, i: usize) -> bool {
        match self.word_first_byte(i) {
            Some(Some(b)) => b.is_ascii_lowercase(),
            Some(None) => crate::wordclass::is_lowercase(self.word(i)),
            None => false,
        }
    }

    /// `None` when token `i` is not a word; else its first byte when that is ASCII (the
    /// first character then), `Some(None)` when it is not.
    #[inline]
    fn word_first_byte(&self, i: usize) -> Option<Option<u8>> {
        let t = self.tokens.get(i).filter(|t| t.kind == TokenKind::Word)?;
        let first = self.text.as_bytes().get(t.start..t.end)?.first();
        Some(first.copied().filter(u8::is_ascii))
    }

    /// The text from the start of token `a` to the end of token `b - 1`.
    pub fn slice(&self, r: &Range<usize>) -> &'a str {
        if r.start >= r.end || r.end > self.tokens.len() {
            return "";
        }
        &self.text[self.tokens[r.start].start..self.tokens[r.end - 1].end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{split_sentences, tokenize};

    #[test]
    fn paragraphs_and_sentence_map() {
        let t = "One. Two.\n\nThree.";
        let toks = tokenize(t);
        let s = split_sentences(t, &toks);
        let l = Layout::new(t, &toks, &s);
        assert_eq!(l.paragraphs.len(), 2);
        assert_eq!(l.slice(&l.paragraphs[0]), "One. Two.");
        assert_eq!(l.sentence(2), 1);
        assert_eq!(l.paragraph(4), 1);
    }
}
