//! Gold spans (char offsets) projected onto our tokens as tags of the two layers.

use crate::doc::CharMap;
use crate::text::Token;
use std::ops::Range;

use super::{A_B, A_I, B_BQ, B_BS, B_IQ, B_IS};

/// One gold attribution relation with code-point extents (`[start, end)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoldRelation {
    /// Extent of the content (first fragment's start to last fragment's end).
    pub content: (usize, usize),
    /// Extent of the source mention, if annotated.
    pub source: Option<(usize, usize)>,
    /// Extent of the cue, if annotated.
    pub cue: Option<(usize, usize)>,
}

/// Tokens covered by the byte range `[a, b)`: a token counts when at least half of it
/// lies inside the range.
pub fn tokens_in(tokens: &[Token], a: usize, b: usize) -> Range<usize> {
    let first = tokens.partition_point(|t| t.end <= a);
    let mut lo = first;
    let mut hi = first;
    let mut i = first;
    let mut started = false;
    while i < tokens.len() && tokens[i].start < b {
        let t = tokens[i];
        let ov = t.end.min(b).saturating_sub(t.start.max(a));
        if ov > 0 && 2 * ov >= t.end - t.start {
            if !started {
                lo = i;
                started = true;
            }
            hi = i + 1;
        }
        i += 1;
    }
    if started {
        lo..hi
    } else {
        first..first
    }
}

fn char_span_to_tokens(
    text: &str,
    tokens: &[Token],
    map: &CharMap,
    span: (usize, usize),
) -> Range<usize> {
    let a = map.byte_offset(span.0).min(text.len());
    let b = map.byte_offset(span.1).min(text.len());
    tokens_in(tokens, a, b)
}

/// Tags `tokens` with the gold relations: returns (content-layer tags, source/cue-layer tags).
///
/// Spans are placed longest-first within equal starts, in text order; a span that would
/// overlap one already placed in its layer is dropped (nested contents keep the outer one).
pub fn project(
    text: &str,
    tokens: &[Token],
    map: &CharMap,
    rels: &[GoldRelation],
) -> (Vec<u8>, Vec<u8>) {
    let n = tokens.len();
    let mut a = vec![0u8; n];
    let mut b = vec![0u8; n];
    let place = |tags: &mut [u8], r: Range<usize>, begin: u8, inside: u8| {
        if r.is_empty() || tags[r.clone()].iter().any(|&t| t != 0) {
            return;
        }
        tags[r.start] = begin;
        for t in &mut tags[r.start + 1..r.end] {
            *t = inside;
        }
    };
    let mut contents: Vec<Range<usize>> = rels
        .iter()
        .map(|r| char_span_to_tokens(text, tokens, map, r.content))
        .collect();
    contents.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    for r in contents {
        place(&mut a, r, A_B, A_I);
    }
    let mut others: Vec<(Range<usize>, bool)> = Vec::new();
    for r in rels {
        if let Some(s) = r.source {
            others.push((char_span_to_tokens(text, tokens, map, s), true));
        }
        if let Some(c) = r.cue {
            others.push((char_span_to_tokens(text, tokens, map, c), false));
        }
    }
    others.sort_by_key(|(r, src)| (r.start, std::cmp::Reverse(r.end), !*src));
    for (r, src) in others {
        if src {
            place(&mut b, r, B_BS, B_IS);
        } else {
            place(&mut b, r, B_BQ, B_IQ);
        }
    }
    (a, b)
}

/// The spans of a BIO tag sequence: a span starts at `begin` and runs over `inside` tags.
pub fn spans(tags: &[u8], begin: u8, inside: u8) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    spans_into(tags, begin, inside, &mut out);
    out
}

/// [`spans`], appended to `out`.
pub fn spans_into(tags: &[u8], begin: u8, inside: u8, out: &mut Vec<Range<usize>>) {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    // bit 7 of each zero byte of `x` up to the first (the bits above it may be wrong: only
    // the lowest set bit is used)
    let zero_bytes = |x: u64| x.wrapping_sub(L) & !x & H;
    let (begins, insides) = (L * u64::from(begin), L * u64::from(inside));
    let mut cur: Option<usize> = None;
    let mut i = 0;
    while i < tags.len() {
        // eight tags at a time, to the next that opens a span (outside one) or that is not
        // `inside` (in one)
        if let Some(c) = tags[i..].first_chunk::<8>() {
            let w = u64::from_le_bytes(*c);
            let stop = match cur {
                None => zero_bytes(w ^ begins) | zero_bytes(w ^ insides),
                Some(_) => w ^ insides,
            };
            if stop == 0 {
                i += 8;
                continue;
            }
            i += (stop.trailing_zeros() / 8) as usize;
        }
        let t = tags[i];
        if t == begin {
            if let Some(s) = cur {
                out.push(s..i);
            }
            cur = Some(i);
        } else if t == inside {
            if cur.is_none() {
                cur = Some(i);
            }
        } else if let Some(s) = cur.take() {
            out.push(s..i);
        }
        i += 1;
    }
    if let Some(s) = cur {
        out.push(s..tags.len());
    }
}
