//! The document and its offsets: [`Document`] owns the text, [`Span`] points into it.

use serde::{Deserialize, Serialize};

/// One article: the text to analyse plus optional metadata carried through to the output.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Document {
    /// Caller's identifier (file path or JSONL `id`).
    pub id: String,
    /// Headline, when the input gave it separately from the text.
    #[serde(default)]
    pub title: Option<String>,
    /// The article text; every offset points into it.
    pub text: String,
    /// Canonical URL of the article, if known.
    #[serde(default)]
    pub url: Option<String>,
    /// Publication date as given by the source (ISO 8601 preferred).
    #[serde(default)]
    pub date: Option<String>,
    /// Outlet or publisher.
    #[serde(default)]
    pub source: Option<String>,
}

impl Document {
    /// A document with an id and text and no metadata.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }
}

/// Maps byte offsets of a UTF-8 text to Unicode code-point offsets in O(log n).
///
/// Only the positions of multi-byte characters are stored, so ASCII text costs nothing.
#[derive(Debug, Clone, Default)]
pub struct CharMap {
    /// `(byte offset just after a multi-byte char, total extra bytes up to there)`.
    marks: Vec<(usize, usize)>,
}

impl CharMap {
    /// Builds the map for `text`.
    pub fn new(text: &str) -> Self {
        let mut marks = Vec::new();
        let bytes = text.as_bytes();
        let mut extra = 0;
        let mut i = 0;
        while i < bytes.len() {
            // 64 ASCII bytes at a time (news text is mostly ASCII; the OR of a block
            // compiles to a few vector instructions)
            if let Some(c) = bytes[i..].first_chunk::<64>() {
                if c.iter().fold(0, |a, b| a | b) < 0x80 {
                    i += 64;
                    continue;
                }
            }
            // then eight at a time, on to the first byte that is not ASCII
            if let Some(c) = bytes[i..].first_chunk::<8>() {
                let high = u64::from_le_bytes(*c) & 0x8080_8080_8080_8080;
                if high == 0 {
                    i += 8;
                    continue;
                }
                i += (high.trailing_zeros() / 8) as usize;
            } else if bytes[i] < 0x80 {
                i += 1;
                continue;
            }
            // the lead byte of a character tells its length (the text is valid UTF-8):
            // its other bytes are skipped
            let n = match bytes[i] {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0.. => 4,
                _ => 1,
            };
            if n > 1 {
                extra += n - 1;
                marks.push((i + n, extra));
            }
            i += n;
        }
        CharMap { marks }
    }

    /// Code-point offset of byte offset `byte` (which must lie on a char boundary).
    pub fn char_offset(&self, byte: usize) -> usize {
        let k = self.marks.partition_point(|&(b, _)| b <= byte);
        if k == 0 {
            byte
        } else {
            byte - self.marks[k - 1].1
        }
    }

    /// Byte offset of code-point offset `ch` (inverse of [`CharMap::char_offset`]).
    pub fn byte_offset(&self, ch: usize) -> usize {
        // marks[k] in char space is b - extra; both are increasing.
        let k = self.marks.partition_point(|&(b, e)| b - e <= ch);
        if k == 0 {
            ch
        } else {
            ch + self.marks[k - 1].1
        }
    }
}

/// A piece of the original text: its words and where it lies, in bytes and in chars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// The exact slice `text[start..end]`.
    pub text: String,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Code-point offset of the first char.
    pub char_start: usize,
    /// Code-point offset one past the last char.
    pub char_end: usize,
}

impl Span {
    /// The span `text[start..end]`; offsets must lie on char boundaries.
    pub fn new(text: &str, map: &CharMap, start: usize, end: usize) -> Self {
        Span {
            text: text[start..end].to_string(),
            start,
            end,
            char_start: map.char_offset(start),
            char_end: map.char_offset(end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn char_offsets_of_mixed_text() {
        let t = "a “b” c";
        let m = CharMap::new(t);
        assert_eq!(m.char_offset(0), 0);
        assert_eq!(m.char_offset(2), 2); // “ starts at byte 2
        assert_eq!(m.char_offset(5), 3); // b
        assert_eq!(m.char_offset(t.len()), t.chars().count());
        assert_eq!(m.byte_offset(3), 5);
    }

    proptest! {
        #[test]
        fn char_map_agrees_with_std(s in "\\PC{0,60}") {
            let m = CharMap::new(&s);
            for (n, (i, _)) in s.char_indices().enumerate() {
                prop_assert_eq!(m.char_offset(i), n);
                prop_assert_eq!(m.byte_offset(n), i);
            }
            prop_assert_eq!(m.char_offset(s.len()), s.chars().count());
        }
    }
}
