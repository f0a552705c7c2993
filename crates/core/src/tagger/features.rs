//! Feature extraction for the attribution tagger, shared by training and inference.
//!
//! Every token gets exactly [`NF`] hashed feature buckets. Nothing is allocated per token:
//! word identities are FxHash-style hashes of the lowercased bytes, computed on the fly.

use crate::text::{Sentence, Token, TokenKind};

use super::classes::{self, suffix_hash, WordClasses};
use super::CueSet;

/// Number of base feature buckets per token.
pub const NF: usize = 44;
/// Number of stacked feature buckets per token (they read the decoded source/cue layer
/// and feed the content layer only).
pub const NS: usize = 5;

const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
const SEED: u64 = 0xcbf2_9ce4_8422_2325;
/// Hash standing for "no token here" (before the paragraph start / after its end).
const PAD: u64 = 0x9e37_79b9_7f4a_7c15;
/// How many tokens ahead [`token_features`] requests the word-class and cue slots.
const AHEAD: usize = 8;

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

/// `b.to_ascii_lowercase()` of every byte `b` (one load instead of a compare and an or).
const ASCII_LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    t
};

/// Hash of the lowercased bytes of a word (ASCII case folding only).
#[inline]
pub fn word_hash(bytes: &[u8]) -> u64 {
    let mut h = SEED;
    for &b in bytes {
        h = mix(h, ASCII_LOWER[b as usize] as u64);
    }
    h
}

/// Per-template seeds: a feature's bucket is a multiply-shift hash of `value ^ seed`.
const SEEDS: [u64; NF + NS] = {
    let mut out = [0u64; NF + NS];
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut k = 0;
    while k < NF + NS {
        // splitmix64
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out[k] = z ^ (z >> 31);
        k += 1;
    }
    out
};

/// `SEEDS[from..from + N]`.
const fn seeds_from<const N: usize>(from: usize) -> [u64; N] {
    let mut out = [0u64; N];
    let mut k = 0;
    while k < N {
        out[k] = SEEDS[from + k];
        k += 1;
    }
    out
}

/// The templates whose values [`token_features`] emits, in the order it lays them out:
/// template 0 (whose value is always 0), then the templates inference hashes one by one.
/// The templates of [`G1`] and [`G2`] take their values from small domains: it emits one
/// key per group instead ([`g1_values`], [`g2_values`] give the values), and inference
/// looks up the sum of each group's rows by key ([`Joint`](super::Joint)).
pub(crate) const ORDER: [usize; NV] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 18, 20, 21, 22, 23, 24, 27, 28, 29, 30, 31,
    32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43,
];
/// Number of values [`token_features`] emits per token.
pub(crate) const NV: usize = NF - G1.len() - G2.len();
/// The position of each template's value in the value array (the inverse of [`ORDER`];
/// `usize::MAX` for the group templates).
const SLOT: [usize; NF] = {
    let mut out = [usize::MAX; NF];
    let mut p = 0;
    while p < NV {
        out[ORDER[p]] = p;
        p += 1;
    }
    out
};
/// Number of values inference hashes one by one (all but template 0's).
pub(crate) const N_HASHED: usize = NV - 1;
/// Seed of template 0.
pub(crate) const SEED_0: u64 = SEEDS[0];
/// Seeds of the values inference hashes one by one (`ORDER[1..]`).
pub(crate) const HASHED_SEEDS: [u64; N_HASHED] = {
    let mut out = [0u64; N_HASHED];
    let mut p = 0;
    while p < N_HASHED {
        out[p] = SEEDS[ORDER[p + 1]];
        p += 1;
    }
    out
};
/// Seeds of the group templates: [`G1`]'s, then [`G2`]'s.
pub(crate) const GROUP_SEEDS: [u64; NF - NV] = {
    let mut out = [0u64; NF - NV];
    let mut p = 0;
    while p < G1.len() {
        out[p] = SEEDS[G1[p]];
        p += 1;
    }
    while p < NF - NV {
        out[p] = SEEDS[G2[p - G1.len()]];
        p += 1;
    }
    out
};

/// The values of the group templates of keys `keys` (as [`GROUP_SEEDS`] orders them).
#[inline(always)]
pub(crate) fn group_values(keys: [usize; 2]) -> [u64; NF - NV] {
    let (a, b) = (g1_values(keys[0]), g2_values(keys[1]));
    [a[0], a[1], a[2], b[0], b[1], b[2]]
}

/// Group 1: the quote state and the cue context to the left (templates 10, 16, 17), with
/// values `qs | qrel << 2`, `that | ldb << 1 | qs << 5` and `colon | qs << 1 | iq << 3`
/// (`iq`, inside a quotation after the token, follows from the quote state `qs`: 1 or 2).
/// Its key: `that | ldb << 1 | qs << 5 | qrel << 7 | colon << 9`.
pub(crate) const G1: [usize; 3] = [10, 16, 17];
/// Bits of a [`G1`] key.
pub(crate) const G1_BITS: u32 = 10;

/// The [`G1`] values of key `k`.
pub(crate) fn g1_values(k: usize) -> [u64; 3] {
    let k = k as u64;
    let v16 = k & 127;
    let qs = v16 >> 5;
    let qrel = (k >> 7) & 3;
    let colon = (k >> 9) & 1;
    let iq = (qs == 1 || qs == 2) as u64;
    [qs | qrel << 2, v16, colon | qs << 1 | iq << 3]
}

/// Group 2: the token's place in its paragraph and the quote state (templates 19, 25,
/// 26), with values `par_b | sib << 2 | qs << 4`, `pfq | qs << 1 | sib << 3` and
/// `has_cue | qs << 1 | jm2 << 3` (`jm2` is `j.min(2)`). Its key: `par_b | sib << 2 |
/// qs << 4 | pfq << 6 | has_cue << 7 | jm2 << 8`.
pub(crate) const G2: [usize; 3] = [19, 25, 26];
/// Bits of a [`G2`] key.
pub(crate) const G2_BITS: u32 = 10;

/// The [`G2`] values of key `k`.
pub(crate) fn g2_values(k: usize) -> [u64; 3] {
    let k = k as u64;
    let v19 = k & 63;
    let (pfq, has_cue, jm2) = ((k >> 6) & 1, (k >> 7) & 1, (k >> 8) & 3);
    let sib = (v19 >> 2) & 3;
    let qs = v19 >> 4;
    [v19, pfq | qs << 1 | sib << 3, has_cue | qs << 1 | jm2 << 3]
}

/// Seeds of the stacked templates.
pub(crate) const STACKED_SEEDS: [u64; NS] = seeds_from(NF);

/// Bucket of feature `value` of template `k` (`NF + j` for stacked template `j`), `bits`
/// bits wide.
#[inline]
pub(crate) fn bucket(k: usize, value: u64, bits: u32) -> u32 {
    row_of(value ^ SEEDS[k], 64 - bits) as u32
}

/// Bucket of a feature value already xor-ed with its template's seed, in a table of
/// `2^(64 - shift)` buckets: [`bucket`] without the template lookup.
#[inline(always)]
pub(crate) fn row_of(seeded: u64, shift: u32) -> usize {
    // one multiply-shift: the values are word hashes or small codes xor a random seed
    (seeded.wrapping_mul(ROW_MULTIPLIER) >> shift) as usize
}

/// The multiplier of [`row_of`].
pub(crate) const ROW_MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// Word shape: capitalisation, digits, punctuation and a length class, in one byte.
pub(crate) fn shape(bytes: &[u8]) -> u64 {
    let mut any_upper = false;
    let mut any_lower = false;
    let mut any_digit = false;
    let mut any_other = false;
    // flags or-ed without branches (the byte classes are unpredictable)
    for &b in bytes {
        let (u, l, d) = (
            b.is_ascii_uppercase(),
            b.is_ascii_lowercase(),
            b.is_ascii_digit(),
        );
        let hi = b >= 0x80;
        any_upper |= u;
        any_lower |= l | hi;
        any_digit |= d;
        any_other |= !(u | l | d | hi);
    }
    let first_upper = bytes.first().map(u8::is_ascii_uppercase).unwrap_or(false);
    pack_shape(
        first_upper,
        any_upper,
        any_lower,
        any_digit,
        any_other,
        bytes.len(),
    )
}

/// The shape bits: first letter uppercase, any uppercase, any lowercase (or non-ASCII),
/// any digit, any other byte, then a length bucket of `n` bytes (1, 2-3, 4-6, 7+).
#[inline(always)]
fn pack_shape(
    first_upper: bool,
    any_upper: bool,
    any_lower: bool,
    any_digit: bool,
    any_other: bool,
    n: usize,
) -> u64 {
    let len = match n {
        0..=1 => 0,
        2..=3 => 1,
        4..=6 => 2,
        _ => 3,
    };
    (first_upper as u64)
        | (any_upper as u64) << 1
        | (any_lower as u64) << 2
        | (any_digit as u64) << 3
        | (any_other as u64) << 4
        | len << 5
}

/// [`shape`] of `all[start..end]`, eight bytes at a time when a word of at most 8 bytes has
/// 8 bytes of `all` from its start (no loop, no branch on the bytes).
#[inline(always)]
pub(crate) fn shape_at(all: &[u8], start: usize, end: usize) -> u64 {
    const H: u64 = 0x8080_8080_8080_8080;
    const L: u64 = 0x0101_0101_0101_0101;
    let n = end.wrapping_sub(start);
    let chunk = match all.get(start..start.wrapping_add(8)) {
        Some(c) if n <= 8 => c,
        _ => return shape(all.get(start..end).unwrap_or(&[])),
    };
    let v = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
    let valid = if n == 8 {
        H
    } else {
        ((1u64 << (8 * n)) - 1) & H
    };
    let hi = v & H;
    let x = v & !H;
    // bit 7 of each byte: its low 7 bits are >= c (no carries: 127 + 128 < 256)
    let ge = |c: u64| (x + (0x80 - c) * L) & H;
    let upper = ge(b'A' as u64) & !ge(b'Z' as u64 + 1);
    let lower = ge(b'a' as u64) & !ge(b'z' as u64 + 1);
    let digit = ge(b'0' as u64) & !ge(b'9' as u64 + 1);
    let ascii = valid & !hi;
    let any_upper = upper & ascii != 0;
    let any_lower = (lower & ascii) | (hi & valid) != 0;
    let any_digit = digit & ascii != 0;
    let any_other = ascii & !(upper | lower | digit) != 0;
    let first_upper = n > 0 && chunk[0].is_ascii_uppercase();
    pack_shape(first_upper, any_upper, any_lower, any_digit, any_other, n)
}

fn kind_code(k: TokenKind) -> u64 {
    match k {
        TokenKind::Word => 1,
        TokenKind::Number => 2,
        TokenKind::Clitic => 3,
        TokenKind::OpenQuote => 4,
        TokenKind::CloseQuote => 5,
        TokenKind::Dash => 6,
        TokenKind::Terminal => 7,
        TokenKind::Punct => 8,
    }
}

/// [`dist_bucket`] of `Some(d)` for `d` < 16 (a table: no branches on the distance).
const DIST: [u64; 16] = [1, 2, 3, 4, 5, 5, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7];

/// Distance class of a cue word (0 = none in the sentence): 0 → 1, 1 → 2, 2 → 3, 3 → 4,
/// 4–5 → 5, 6–8 → 6, 9–15 → 7, more → 8.
#[inline]
pub(crate) fn dist_bucket(d: Option<usize>) -> u64 {
    match d {
        None => 0,
        Some(d) => DIST.get(d).copied().unwrap_or(8),
    }
}

/// `l.min(m) | r.min(m) << 2` of the byte `l | r << 4` (two distance classes, each at most
/// 8): a table load instead of two minimums.
const fn clamped_pairs(m: u64) -> [u64; 256] {
    let mut t = [0u64; 256];
    let mut k = 0;
    while k < 256 {
        let (l, r) = ((k & 15) as u64, (k >> 4) as u64);
        let l = if l < m { l } else { m };
        let r = if r < m { r } else { m };
        t[k] = l | r << 2;
        k += 1;
    }
    t
}

/// [`clamped_pairs`]`(3)`.
const CLAMPED_3: [u64; 256] = clamped_pairs(3);
/// [`clamped_pairs`]`(2)`.
const CLAMPED_2: [u64; 256] = clamped_pairs(2);

/// `l.min(4) << 2` of the byte `l | r << 4` of [`clamped_pairs`].
const LEFT_4: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut k = 0;
    while k < 256 {
        let l = (k & 15) as u64;
        t[k] = (if l < 4 { l } else { 4 }) << 2;
        k += 1;
    }
    t
};

/// [`pos_bucket`] of `d` < 21.
const POS: [u64; 21] = [
    0, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
];

/// Position class: 0–3 themselves, 4–6 → 4, 7–10 → 5, 11–20 → 6, more → 7.
#[inline]
pub(crate) fn pos_bucket(d: usize) -> u64 {
    POS.get(d).copied().unwrap_or(7)
}

/// [`word_hash`] of every token (computed once, shared by both feature passes).
pub fn word_hashes(text: &str, tokens: &[Token]) -> Vec<u64> {
    let bytes = text.as_bytes();
    tokens
        .iter()
        .map(|t| word_hash(bytes.get(t.start..t.end).unwrap_or(&[])))
        .collect()
}

/// Per-token facts computed once per document before the feature templates run.
#[derive(Clone, Copy)]
struct TokInfo {
    word: u64,
    shape: u64,
    kind: u64,
    /// Lemma hash when the word is cue-like (from the model's cue set), else 0.
    cue: u64,
    /// Part-of-speech id (see [`classes`]).
    pos: u64,
    /// Entity class.
    ner: u64,
}

/// Facts of the padding around a sentence.
const PAD_INFO: TokInfo = TokInfo {
    word: PAD,
    shape: 99,
    kind: 0,
    cue: 0,
    pos: 63,
    ner: 7,
};

/// Splits the sentences into paragraph chains: ranges of token indices decoded as one sequence.
pub fn paragraphs(sentences: &[Sentence]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    let mut last_par = usize::MAX;
    for s in sentences {
        if s.tokens.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(r) if s.paragraph == last_par && r.end == s.tokens.start => r.end = s.tokens.end,
            _ => out.push(s.tokens.clone()),
        }
        last_par = s.paragraph;
    }
    out
}

/// Calls `emit(i, &buckets)` for every token `i` covered by `sentences`, in order, with the
/// [`NF`] feature buckets (each `< 2^bits`) of that token. `rules` is the rule stage's
/// code of each token ([`crate::pipeline::rule_codes`]; a token past its end counts as 0).
#[allow(clippy::too_many_arguments)]
pub fn for_each_token(
    text: &str,
    tokens: &[Token],
    sentences: &[Sentence],
    words: &[u64],
    rules: &[u8],
    cues: &CueSet,
    wc: &WordClasses,
    bits: u32,
    mut emit: impl FnMut(usize, &[u32; NF]),
) {
    let mut f = [0u32; NF];
    token_features(
        text,
        tokens,
        sentences,
        words,
        rules,
        cues,
        wc,
        |i, vals, keys| {
            for (&k, v) in ORDER.iter().zip(vals) {
                f[k] = bucket(k, *v, bits);
            }
            for (&k, v) in G1.iter().chain(&G2).zip(group_values(keys)) {
                f[k] = bucket(k, v, bits);
            }
            emit(i, &f);
        },
    );
}

/// [`for_each_token`] before hashing: calls `emit(i, &values, keys)` for every token `i`
/// with the values of the templates of [`ORDER`] (the bucket of template `ORDER[p]` is
/// [`bucket`]`(ORDER[p], values[p], bits)`) and the keys of groups [`G1`] and [`G2`].
///
/// One right-to-left pass per sentence (what lies to the right of each token), then one
/// left-to-right pass that builds a token's values in a local array and hands them over:
/// no per-sentence value table.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn token_features(
    text: &str,
    tokens: &[Token],
    sentences: &[Sentence],
    words: &[u64],
    rules: &[u8],
    cues: &CueSet,
    wc: &WordClasses,
    mut emit: impl FnMut(usize, &[u64; NV], [usize; 2]),
) {
    let bytes = text.as_bytes();
    let rc = |i: usize| -> u64 { rules.get(i).copied().unwrap_or(0) as u64 };
    let mut info: Vec<TokInfo> = Vec::with_capacity(tokens.len());
    for (k, t) in tokens.iter().enumerate() {
        // the table slots of the token `AHEAD` on, requested now: their misses overlap
        // this token's probes
        if let (Some(ta), Some(&wa)) = (tokens.get(k + AHEAD), words.get(k + AHEAD)) {
            let upper = bytes.get(ta.start).is_some_and(u8::is_ascii_uppercase);
            wc.prefetch(wa, upper);
            cues.prefetch(wa);
        }
        let b = bytes.get(t.start..t.end).unwrap_or(&[]);
        let word = words.get(k).copied().unwrap_or(PAD);
        let c = wc.class_with(word, b.first().is_some_and(u8::is_ascii_uppercase), || {
            suffix_hash(b)
        });
        info.push(TokInfo {
            word,
            shape: shape_at(bytes, t.start, t.end),
            kind: kind_code(t.kind),
            cue: cues.lemma(word),
            pos: classes::pos(c),
            ner: classes::ner(c),
        });
    }
    // Paragraph-wide right-to-left pass: the next closing quote mark and what follows it.
    let mut next_close: Vec<u32> = vec![u32::MAX; tokens.len()];
    {
        let mut nc = u32::MAX;
        let mut par = usize::MAX;
        for s in sentences.iter().rev() {
            if s.tokens.end > tokens.len() {
                continue;
            }
            if s.paragraph != par {
                par = s.paragraph;
                nc = u32::MAX;
            }
            let r = s.tokens.clone();
            let (Some(out), Some(toks)) = (next_close.get_mut(r.clone()), tokens.get(r.clone()))
            else {
                continue;
            };
            for ((o, t), i) in out.iter_mut().zip(toks).zip(r).rev() {
                if t.kind == TokenKind::CloseQuote {
                    nc = i as u32;
                }
                *o = nc;
            }
        }
    }
    // what follows a closing quote mark: 1 cue-like word, 2 source-like (capitalised or
    // pronoun), 0 other; looking past one comma
    let after_close = |c: usize| -> u64 {
        let mut j = c + 1;
        if j < tokens.len() && tokens[j].kind == TokenKind::Punct {
            j += 1;
        }
        match info.get(j) {
            Some(x) if x.cue != 0 => 1 | x.pos << 2,
            Some(x) => 2 | x.pos << 2,
            None => 0,
        }
    };
    let that_h = word_hash(b"that");
    let colon_h = word_hash(b":");
    // Per-sentence scratch, sized once for the longest sentence (every entry a sentence
    // uses is written before it is read: no clearing per sentence): what lies to the
    // right of each token, the token windows.
    let longest = sentences.iter().map(|s| s.tokens.len()).max().unwrap_or(0);
    let mut right: Vec<Right> = vec![Right::default(); longest];
    let mut win: Vec<TokInfo> = Vec::with_capacity(longest + 4);
    let mut in_q = false;
    let mut open_ctx = 0u64;
    let mut par_first_quote = false;
    let mut sent_in_par = 0u64;
    let mut last_par = usize::MAX;
    let mut v = [0u64; NV];
    for s in sentences {
        let r = s.tokens.clone();
        if r.is_empty() || r.end > tokens.len() {
            continue;
        }
        let n = r.len();
        let stoks = &tokens[r.clone()];
        if s.paragraph != last_par {
            last_par = s.paragraph;
            in_q = false;
            open_ctx = 0;
            sent_in_par = 0;
            par_first_quote = stoks[0].kind == TokenKind::OpenQuote;
        } else {
            sent_in_par += 1;
        }
        let par_b = s.paragraph.min(3) as u64;
        let sib = sent_in_par.min(2);
        let pfq = par_first_quote as u64;
        // the sentence's token facts with two padding entries on each side: each token's
        // window `[-2, -1, 0, +1, +2]` is one `win.windows(5)` item
        win.clear();
        win.extend([PAD_INFO; 2]);
        win.extend_from_slice(&info[r.clone()]);
        win.extend([PAD_INFO; 2]);
        // right-to-left pass: nearest cue and quote marks to the right
        let (Some(right), Some(next_close)) = (right.get_mut(..n), next_close.get(r.clone()))
        else {
            continue;
        };
        let mut nxt: Option<(usize, u64, u64)> = None;
        let mut qr = false;
        let mut has_cue = false;
        for (j, (rt, (x, t))) in right
            .iter_mut()
            .zip(win.windows(5).zip(stoks))
            .enumerate()
            .rev()
        {
            *rt = match nxt {
                Some((at, cue, pos)) => Right {
                    cue,
                    db: dist_bucket(Some(at - j)),
                    pos,
                    quote: qr,
                },
                None => Right {
                    cue: 0,
                    db: 0,
                    pos: 1 << 13,
                    quote: qr,
                },
            };
            if x[2].cue != 0 {
                nxt = Some((j, x[2].cue, x[1].pos | x[0].pos << 6));
                has_cue = true;
            }
            if t.is_quote() {
                qr = true;
            }
        }
        // Left-to-right: the cue context (the nearest cue-like word to the left, and the
        // commas, "that" and ":" since it) and the quote context (inside a quotation or
        // not, quote marks around, the next closing mark).
        // the nearest cue-like word to the left: where, its lemma, the word after it and
        // the parts of speech of the two words after it (`1 << 13`: no cue)
        let mut left_at: Option<usize> = None;
        let (mut lc, mut after_left, mut after_left_pos) = (0u64, 0u64, 1u64 << 13);
        // commas since the cue, counted up to 3 (the templates read no more), and template
        // 43's `commas.min(2) | left cue << 2`, both kept as they change
        let mut commas_since = 0u64;
        let mut commas_left = 0u64;
        // the bits of the group 1 key that change only now and then: "that" since the cue
        // (bit 0), a quote mark to the left (bit 7), ":" to the left (bit 9)
        let mut g1_flags = 0usize;
        // the bits of the group 2 key that are the same for the whole sentence
        let g2_base =
            par_b as usize | (sib as usize) << 2 | (pfq as usize) << 6 | (has_cue as usize) << 7;
        // `after_close` of the last closing mark seen (the same for runs of tokens)
        let mut ac_of = u32::MAX;
        let mut ac = 0u64;
        // all of one length (the window's four padding entries aside): no bounds tests in
        // the loop
        let (Some(win), Some(stoks), Some(right), Some(next_close)) = (
            win.get(..n + 4),
            stoks.get(..n),
            right.get(..n),
            next_close.get(..n),
        ) else {
            continue;
        };
        for j in 0..n {
            let (x, t, rt, nclose) = (&win[j..j + 5], &stoks[j], &right[j], next_close[j]);
            let i = r.start + j;
            let [m2, m1, c, p1, p2] = [&x[0], &x[1], &x[2], &x[3], &x[4]];
            // quote state: 0 outside, 1 opening mark, 2 inside, 3 closing mark
            let qs: u64 = match t.kind {
                TokenKind::OpenQuote => {
                    in_q = true;
                    open_ctx = match info.get(i.wrapping_sub(1)) {
                        Some(p) if !t.line_start => 2 | ((p.cue != 0) as u64) << 2 | p.pos << 3,
                        _ => 1,
                    };
                    1
                }
                TokenKind::CloseQuote => {
                    in_q = false;
                    3
                }
                _ if in_q => 2,
                _ => 0,
            };
            let iq = in_q as u64;
            let close_info = if nclose == u32::MAX {
                0
            } else {
                if nclose != ac_of {
                    ac_of = nclose;
                    ac = after_close(nclose as usize);
                }
                ac | dist_bucket(Some(nclose as usize - i)) << 10
            };
            let ldb = dist_bucket(left_at.map(|at| j - at));
            let (rdb, rcl) = (rt.db, rt.cue);
            let (w0, p0) = (c.word, c.pos);
            let cue = c.cue;
            let own_cue = (cue != 0) as u64;
            let bigram = mix(m1.word, w0);
            v[SLOT[15]] = pos_bucket(j) | pos_bucket(n - 1 - j) << 3;
            v[SLOT[0]] = 0;
            v[SLOT[1]] = w0;
            v[SLOT[2]] = m1.word;
            v[SLOT[3]] = p1.word;
            v[SLOT[4]] = m2.word;
            v[SLOT[5]] = p2.word;
            v[SLOT[6]] = bigram;
            v[SLOT[7]] = mix(w0, p1.word);
            v[SLOT[8]] = mix(c.shape, c.kind);
            v[SLOT[9]] = mix(mix(m1.shape, c.shape), p1.shape);
            v[SLOT[11]] = mix(w0, qs);
            // both distance classes (each at most 8) in one byte
            let lr = (ldb | rdb << 4) as u8;
            v[SLOT[12]] = u64::from(lr) | own_cue << 8 | rc(i) << 9;
            v[SLOT[13]] = mix(lc, ldb);
            v[SLOT[14]] = mix(rcl, rdb);
            v[SLOT[18]] = mix(after_left, ldb);
            v[SLOT[20]] = mix(w0, ldb);
            v[SLOT[21]] = mix(w0, rdb);
            v[SLOT[22]] = mix(m1.word, qs);
            v[SLOT[23]] = mix(p1.word, qs);
            v[SLOT[24]] =
                m1.kind | c.kind << 4 | p1.kind << 8 | rc(i) << 12 | rc(i.wrapping_sub(1)) << 16;
            v[SLOT[27]] = mix(bigram, CLAMPED_3[usize::from(lr)]);
            v[SLOT[28]] = mix(lc, rcl) ^ CLAMPED_2[usize::from(lr)];
            v[SLOT[29]] = p0;
            v[SLOT[30]] = m1.pos | p0 << 6;
            v[SLOT[31]] = p0 | p1.pos << 6;
            v[SLOT[32]] = m1.pos | p0 << 6 | p1.pos << 12;
            v[SLOT[33]] = m2.pos | m1.pos << 6 | p0 << 12;
            v[SLOT[34]] = p0 | p1.pos << 6 | p2.pos << 12;
            v[SLOT[35]] = p0 | u64::from(lr) << 6 | qs << 14 | rc(i) << 16;
            v[SLOT[36]] = c.ner | m1.ner << 3 | p1.ner << 6 | p0 << 11 | qs << 9;
            v[SLOT[37]] = after_left_pos | ldb << 14 | iq << 18;
            v[SLOT[38]] = rt.pos | rdb << 14 | iq << 18;
            v[SLOT[39]] = close_info | qs << 16;
            v[SLOT[40]] = mix(w0, p0);
            // inside a quotation or at its closing mark: `qs` is not 0
            v[SLOT[41]] = if qs != 0 { open_ctx } else { 0 } | qs << 10 | pfq << 12;
            v[SLOT[42]] = commas_since | LEFT_4[usize::from(lr)] | p0 << 8 | qs << 6;
            v[SLOT[43]] = mix(w0, commas_left);
            let keys = [
                g1_flags | (ldb as usize) << 1 | (qs as usize) << 5 | (rt.quote as usize) << 8,
                g2_base | (qs as usize) << 4 | j.min(2) << 8,
            ];
            emit(i, &v, keys);
            // update the left context after the token's own features
            if t.kind == TokenKind::Punct && bytes.get(t.start) == Some(&b',') {
                commas_since = (commas_since + 1).min(3);
                commas_left = commas_since.min(2) | (commas_left & 4);
            }
            if cue != 0 {
                left_at = Some(j);
                (lc, after_left, after_left_pos) = (cue, p1.word, p1.pos | p2.pos << 6);
                commas_since = 0;
                commas_left = 4;
                g1_flags &= !1;
            } else if w0 == that_h {
                g1_flags |= 1;
            }
            if w0 == colon_h {
                g1_flags |= 1 << 9;
            }
            if t.is_quote() {
                g1_flags |= 1 << 7;
            }
        }
    }
}

/// What lies to the right of a token in its sentence: the nearest cue-like word's lemma
/// hash (0: none), its distance class and the parts of speech of the two tokens before it
/// (`1 << 13`: no cue), and whether a quote mark follows.
#[derive(Clone, Copy, Default)]
struct Right {
    cue: u64,
    db: u64,
    pos: u64,
    quote: bool,
}

/// Calls `emit(i, &buckets)` for every token `i` covered by `sentences` with the [`NS`]
/// stacked feature buckets, computed from the source/cue-layer tags `b`.
pub fn for_each_stacked(
    tokens: &[Token],
    sentences: &[Sentence],
    words: &[u64],
    b: &[u8],
    bits: u32,
    mut emit: impl FnMut(usize, &[u32; NS]),
) {
    let mut f = [0u32; NS];
    let mut emit_values = |i: usize, vals: &[u64; NS]| {
        for (k, v) in vals.iter().enumerate() {
            f[k] = bucket(NF + k, *v, bits);
        }
        emit(i, &f);
    };
    stacked_features(tokens, sentences, words, b, |i, vals| match vals {
        Stacked::Values(vals) => emit_values(i, vals),
        Stacked::Quiet(w0) => emit_values(i, &quiet_values(w0)),
    });
}

/// A token's stacked features as [`stacked_features`] gives them.
pub(crate) enum Stacked<'a> {
    /// The [`NS`] values.
    Values(&'a [u64; NS]),
    /// A token of a sentence without source or cue tags, of word hash `w0`: its values
    /// are [`quiet_values`]`(w0)`.
    Quiet(u64),
}

/// The stacked values of a token of word hash `w0` in a sentence without source or cue
/// tags (no cue or source around, none at the token): all constants but template 2's.
#[inline(always)]
pub(crate) fn quiet_values(w0: u64) -> [u64; NS] {
    [0, mix(0, 0), quiet_word(w0), 0, mix(0, 0)]
}

/// Template 2's stacked value in [`quiet_values`].
#[inline(always)]
pub(crate) fn quiet_word(w0: u64) -> u64 {
    mix(w0, 0)
}

/// [`for_each_stacked`] before hashing: calls `emit(i, values)` for every token `i` with
/// its [`NS`] stacked feature values (bucket `k` is [`bucket`]`(NF + k, values[k], bits)`).
#[inline(always)]
pub(crate) fn stacked_features(
    tokens: &[Token],
    sentences: &[Sentence],
    words: &[u64],
    b: &[u8],
    mut emit: impl FnMut(usize, Stacked),
) {
    use super::{B_BQ, B_BS, B_IQ, B_IS, B_O};
    let wh = |j: usize| -> u64 { words.get(j).copied().unwrap_or(PAD) };
    // sized once for the longest sentence; every entry a sentence reads it writes first:
    // the distance classes of the nearest cue and source start to the right
    let longest = sentences.iter().map(|s| s.tokens.len()).max().unwrap_or(0);
    let mut right: Vec<(u64, u64)> = vec![(0, 0); longest];
    for s in sentences {
        let r = s.tokens.clone();
        if r.is_empty() || r.end > tokens.len() || r.end > b.len() {
            continue;
        }
        let (Some(right), Some(tags)) = (right.get_mut(..r.len()), b.get(r.clone())) else {
            continue;
        };
        // every tag `B_O` (0): or-ed without branches
        if tags.iter().fold(0, |a, &t| a | t) == B_O {
            for i in r {
                emit(i, Stacked::Quiet(wh(i)));
            }
            continue;
        }
        let (mut nc, mut ns) = (None, None);
        for (j, (rt, &tag)) in right.iter_mut().zip(tags).enumerate().rev() {
            *rt = (
                dist_bucket(nc.map(|c: usize| c - j - 1)),
                dist_bucket(ns.map(|c: usize| c - j - 1)),
            );
            if tag == B_BQ {
                nc = Some(j);
            }
            if tag == B_BS {
                ns = Some(j);
            }
        }
        // nearest cue/source ending to the left: the index of its last token, its first
        // word and the word after it
        let mut lcue: Option<usize> = None;
        let (mut head, mut after) = (0u64, 0u64);
        let mut lsrc: Option<usize> = None;
        let mut cue_head = 0u64;
        for (j, (&(rdb, rsb), &tag)) in right.iter().zip(tags).enumerate() {
            let i = r.start + j;
            let in_cue = matches!(tag, B_BQ | B_IQ) as u64;
            let in_src = matches!(tag, B_BS | B_IS) as u64;
            let ldb = dist_bucket(lcue.map(|e| j - e - 1));
            let lsb = dist_bucket(lsrc.map(|e| j - e - 1));
            let w0 = wh(i);
            let vals: [u64; NS] = [
                ldb | rdb << 4 | in_cue << 8 | in_src << 9,
                mix(head, ldb),
                mix(w0, ldb.min(4) | rdb.min(4) << 3),
                lsb | rsb << 4 | in_src << 8 | (ldb.min(3)) << 9,
                mix(after, ldb),
            ];
            emit(i, Stacked::Values(&vals));
            if tag == B_BQ {
                cue_head = w0;
            }
            if in_cue == 1 {
                lcue = Some(j);
                head = cue_head;
                after = wh(i + 1);
            }
            if in_src == 1 {
                lsrc = Some(j);
            }
        }
    }
}
