//! Span refinement: cue-anchored re-selection of the edges of each content the tagger found
//! (as BBC Citron does for its cue-anchored spans).
//!
//! For every content of the tagger, the candidate starts are the original start and the
//! nearby positions that open a clause — a sentence start, after a comma, colon, dash,
//! quote mark or the linked cue, after `that`, at an opening mark — and the candidate ends
//! the original end and the positions that close one; at most [`WINDOW`] tokens away, inside
//! the paragraph and between the neighbouring contents. A linear scorer over hashed
//! features of each start, each end and each (start, end) pair picks one: the edge words,
//! their kinds, parts of speech and source/cue tags, how far and across what (sentence
//! boundaries, cues, quote marks, commas, tokens the tagger scored as content or not) the
//! edge moved, where the cue lies, the length and the sentences spanned.
//!
//! Trained by `whosaid-train` (a structured averaged perceptron on the tagger's
//! cross-validated predictions over PolNeAR train: the target is the choice that overlaps the
//! gold content best) and embedded from `crates/core/models/refine.bin`. An empty or corrupt
//! file means no refinement: the tagger's spans stay as they are.

use crate::candidate::{Candidate, Origin};
use crate::tagger::{self, word_hashes, Model, B_BQ, B_BS, B_IQ, B_IS, N_TAGS};
use crate::text::{Sentence, Token, TokenKind};
use std::ops::Range;
use std::sync::OnceLock;

/// How far (tokens) an edge may move.
pub const WINDOW: usize = 8;
/// Feature values per candidate start.
pub const KS: usize = 10;
/// Feature values per candidate end.
pub const KE: usize = 10;
/// Feature values per (start, end) pair.
pub const KP: usize = 4;

const MAGIC: &[u8; 4] = b"WSRF";
const VERSION: u32 = 1;
const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

/// Seed of template `t` (starts 0.., ends 32.., pairs 64..).
#[inline]
fn tpl(t: u64) -> u64 {
    (t + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The bucket of a feature value in a table of `2^bits` weights.
#[inline]
pub fn bucket(v: u64, bits: u32) -> u32 {
    (v.wrapping_mul(K) >> (64 - bits)) as u32
}

/// A relation of the tagger: (content, cue, source) token ranges.
pub type Relation = (Range<usize>, Option<Range<usize>>, Option<Range<usize>>);

/// The tagger's output on one document, as the refiner reads it.
pub struct Tagged<'a> {
    text: &'a str,
    tokens: &'a [Token],
    /// [`tagger::word_hash`] of every token, as the tagger read them.
    words: Vec<u64>,
    /// Source/cue-layer tags.
    pub b: Vec<u8>,
    /// Content margin of every token (best content tag minus outside).
    pub margin: Vec<f32>,
    /// bit 0: the token starts a sentence; bit 1: it ends one.
    flags: Vec<u8>,
    /// (content, cue, source) of every relation, in text order.
    pub relations: Vec<Relation>,
    /// For each relation, the token range its content may move in.
    pub bounds: Vec<Range<usize>>,
    /// Content-margin calibration of the model.
    calib: (f32, f32),
    /// Scratch: candidate starts and ends.
    starts: Vec<usize>,
    ends: Vec<usize>,
    /// Scratch of [`Refiner::refine`], reused from one relation to the next.
    scratch: Scratch,
}

/// [`Refiner::refine`]'s per-relation vectors, kept for the next relation.
#[derive(Default)]
struct Scratch {
    end_vals: Vec<([u64; KE], EndPart)>,
    start_vals: Vec<(usize, [u64; KS], StartPart)>,
    ends: Vec<(EndPart, i32)>,
    starts: Vec<(usize, StartPart, i32)>,
}

impl<'a> Tagged<'a> {
    /// Runs `model` over the tokenised text (`rules`: the rule stage's token codes).
    pub fn new(
        model: &'a Model,
        text: &'a str,
        tokens: &'a [Token],
        sentences: &[Sentence],
        rules: &[u8],
    ) -> Tagged<'a> {
        let words = word_hashes(text, tokens);
        let (a, b, em) = model.tag_words(text, tokens, sentences, &words, rules);
        let paras = tagger::paragraphs(sentences);
        let relations = tagger::assemble(&paras, &a, &b);
        let margin: Vec<f32> = em.iter().map(margin_of).collect();
        let mut flags = vec![0u8; tokens.len() + 1];
        for s in sentences {
            if s.tokens.is_empty() || s.tokens.end > tokens.len() {
                continue;
            }
            flags[s.tokens.start] |= SENT_START;
            flags[s.tokens.end - 1] |= SENT_END;
        }
        let mut bounds = Vec::with_capacity(relations.len());
        for (k, (c, _, _)) in relations.iter().enumerate() {
            let p = paras
                .iter()
                .find(|p| p.start <= c.start && c.end <= p.end)
                .cloned()
                .unwrap_or(c.clone());
            let lo = match k.checked_sub(1).map(|j| &relations[j].0) {
                Some(prev) if prev.end <= c.start && prev.end >= p.start => prev.end,
                _ => p.start,
            };
            let hi = match relations.get(k + 1).map(|r| &r.0) {
                Some(next) if next.start >= c.end && next.start <= p.end => next.start,
                _ => p.end,
            };
            bounds.push(lo.min(c.start)..hi.max(c.end));
        }
        Tagged {
            text,
            tokens,
            words,
            b,
            margin,
            flags,
            relations,
            bounds,
            calib: model.calib,
            starts: Vec::new(),
            ends: Vec::new(),
            scratch: Scratch::default(),
        }
    }

    fn kind(&self, i: usize) -> u64 {
        self.tokens.get(i).map_or(9, |t| t.kind as u64)
    }

    fn bytes(&self, i: usize) -> &[u8] {
        self.tokens
            .get(i)
            .and_then(|t| self.text.as_bytes().get(t.start..t.end))
            .unwrap_or(b"")
    }

    /// Word hash of token `i` (a fixed value past the edges).
    fn word(&self, i: usize) -> u64 {
        self.words.get(i).copied().unwrap_or(0x77)
    }

    /// 0 outside, 1 source, 2 cue.
    fn btag(&self, i: usize) -> u64 {
        match self.b.get(i) {
            Some(&t) if t == B_BS || t == B_IS => 1,
            Some(&t) if t == B_BQ || t == B_IQ => 2,
            Some(_) => 0,
            None => 3,
        }
    }

    /// The calibrated score of a content span (as [`Model::predict`] computes it).
    pub fn score(&self, span: &Range<usize>) -> f32 {
        let n = span.len().max(1) as f32;
        let m = self
            .margin
            .get(span.clone())
            .map_or(0.0, |s| s.iter().sum())
            / n;
        let z = self.calib.0 * m + self.calib.1;
        1.0 / (1.0 + (-z).exp())
    }
}

fn margin_of(e: &[f32; N_TAGS]) -> f32 {
    e[1].max(e[2]) - e[0]
}

/// The choices for one content, as feature buckets.
#[derive(Debug, Default, Clone)]
pub struct Choices {
    /// Candidate starts (the original first).
    pub starts: Vec<usize>,
    /// Candidate ends, exclusive (the original first).
    pub ends: Vec<usize>,
    /// Buckets of every start.
    pub sf: Vec<[u32; KS]>,
    /// Buckets of every end.
    pub ef: Vec<[u32; KE]>,
    /// Buckets of every pair `starts[i]`, `ends[j]` at `i * ends.len() + j` (meaningless
    /// when the start is not before the end).
    pub pf: Vec<[u32; KP]>,
}

impl Choices {
    /// Whether pair (`i`, `j`) is a span.
    #[inline]
    pub fn valid(&self, i: usize, j: usize) -> bool {
        self.starts[i] < self.ends[j]
    }
}

/// Signed distance bucket.
fn dbucket(d: i64) -> u64 {
    let m = d.unsigned_abs();
    let b = match m {
        0..=3 => m,
        4..=5 => 4,
        6..=8 => 5,
        9..=13 => 6,
        _ => 7,
    };
    b | ((d < 0) as u64) << 3
}

fn sign(d: i64) -> u64 {
    (d.signum() + 1) as u64
}

/// [`Tagged::flags`]: the token starts a sentence.
const SENT_START: u8 = 1;
/// The token ends a sentence.
const SENT_END: u8 = 2;

/// [`KIND_BITS`]: punctuation, a dash, a closing mark or a terminal.
const K_PUNCT_LIKE: u8 = 1;
/// An opening quote mark.
const K_OPEN: u8 = 2;
/// Any quote mark.
const K_QUOTE: u8 = 4;
/// A terminal or a closing quote mark.
const K_TERM_CLOSE: u8 = 8;
/// Other punctuation ([`TokenKind::Punct`]).
const K_PUNCT: u8 = 16;

/// Bits of each [`TokenKind`] (by discriminant).
const KIND_BITS: [u8; 8] = {
    let mut t = [0u8; 8];
    t[TokenKind::Punct as usize] = K_PUNCT_LIKE | K_PUNCT;
    t[TokenKind::Dash as usize] = K_PUNCT_LIKE;
    t[TokenKind::CloseQuote as usize] = K_PUNCT_LIKE | K_QUOTE | K_TERM_CLOSE;
    t[TokenKind::Terminal as usize] = K_PUNCT_LIKE | K_TERM_CLOSE;
    t[TokenKind::OpenQuote as usize] = K_OPEN | K_QUOTE;
    t
};

fn is_cue_tag(t: u8) -> bool {
    t == B_BQ || t == B_IQ
}

/// What lies in a stretch of tokens `a..z` an edge moves over.
#[derive(Default, Clone, Copy)]
struct Stretch {
    /// tokens with a positive content margin
    pos: u32,
    cue: u32,
    /// sentence starts in `a + 1..z`
    sent_inner: u32,
    quote: u32,
    comma: u32,
    /// sum of the content margins
    msum: f32,
}

impl Stretch {
    /// The stretch's summary feature.
    fn bits(&self, n: usize) -> u64 {
        let n = n as u32;
        let frac = if n == 0 {
            0
        } else if self.pos == 0 {
            1
        } else if self.pos == n {
            2
        } else if 2 * self.pos < n {
            3
        } else {
            4
        };
        let some = |c: u32| (c > 0) as u64;
        frac | some(self.cue) << 3
            | some(self.sent_inner) << 4
            | some(self.quote) << 5
            | some(self.comma) << 6
    }

    /// Mean margin of the stretch against `scale`, bucketed.
    fn margin(&self, n: usize, scale: f32) -> u64 {
        if n == 0 {
            return 0;
        }
        let r = self.msum / n as f32 / scale;
        match r {
            r if r <= -1.0 => 1,
            r if r <= -0.3 => 2,
            r if r <= 0.0 => 3,
            r if r <= 0.3 => 4,
            r if r <= 1.0 => 5,
            _ => 6,
        }
    }
}

impl Tagged<'_> {
    /// Counts over tokens `a..z`.
    fn scan(&self, a: usize, z: usize) -> Stretch {
        let mut st = Stretch::default();
        let bytes = self.text.as_bytes();
        let z = z.min(self.tokens.len());
        let a = a.min(z);
        for (i, ((tk, &bt), &mg)) in self.tokens[a..z]
            .iter()
            .zip(&self.b[a..z])
            .zip(&self.margin[a..z])
            .enumerate()
        {
            let kb = KIND_BITS[tk.kind as usize];
            st.pos += (mg > 0.0) as u32;
            st.msum += mg;
            st.cue += is_cue_tag(bt) as u32;
            st.sent_inner += (i > 0 && self.flags[a + i] & SENT_START != 0) as u32;
            st.quote += (kb & K_QUOTE != 0) as u32;
            st.comma += (kb & K_PUNCT != 0 && bytes.get(tk.start) == Some(&b',')) as u32;
        }
        st
    }

    fn kind_bits(&self, i: usize) -> u8 {
        self.tokens.get(i).map_or(0, |t| KIND_BITS[t.kind as usize])
    }

    fn starts_sentence(&self, i: usize) -> u32 {
        (self.flags.get(i).is_some_and(|f| f & SENT_START != 0)) as u32
    }

    /// Whether a content may start at `p`: at a sentence start or an opening mark, after
    /// punctuation, a quote mark, a cue or "that".
    fn opens(&self, p: usize) -> bool {
        if self.flags[p] & SENT_START != 0 || self.kind_bits(p) & K_OPEN != 0 || p == 0 {
            return true;
        }
        let q = p - 1;
        self.kind_bits(q) & (K_PUNCT_LIKE | K_OPEN) != 0
            || self.b.get(q).is_some_and(|&t| is_cue_tag(t))
            || self.tokens[q].end - self.tokens[q].start == 4
                && self.bytes(q).eq_ignore_ascii_case(b"that")
    }

    /// Whether a content may end before `e` (`0 < e < hi`): after a sentence's end, a
    /// terminal or a closing mark, before punctuation, a quote mark, a source or a cue.
    fn closes(&self, e: usize) -> bool {
        self.flags[e - 1] & SENT_END != 0
            || self.kind_bits(e) & (K_PUNCT_LIKE | K_OPEN) != 0
            || self.kind_bits(e - 1) & K_TERM_CLOSE != 0
            || self.b.get(e).is_some_and(|&t| t != 0)
    }
}

/// Where a position lies relative to the cue: 0 no cue, 1 at its end, 2 one past its end,
/// 3 before it, 4 after it, 5 inside, 6 at its start.
fn cue_rel(cue: Option<&Range<usize>>, p: usize) -> u64 {
    match cue {
        None => 0,
        Some(c) if p == c.end => 1,
        Some(c) if p == c.end + 1 => 2,
        Some(c) if p == c.start => 6,
        Some(c) if p < c.start => 3,
        Some(c) if p > c.end => 4,
        Some(_) => 5,
    }
}

/// Sizes of the pair templates' value ranges (their values are small integers).
const PAIR_SIZE: [usize; KP] = [256, 512, 256, 512];

/// One content's choices before scoring: candidate edges and the context their features
/// read.
struct Ctx {
    s0: usize,
    e0: usize,
    hi: usize,
    cue: Option<Range<usize>>,
    cue_word: u64,
    scale: f32,
    rs0: u64,
    re0: u64,
    /// sentence starts inside the original content (after its first token)
    orig_sents: u64,
    /// quote marks in the original content
    orig_quotes: i32,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl<'a> Tagged<'a> {
    fn ctx(&mut self, k: usize) -> Ctx {
        let (c, cue, _) = &self.relations[k];
        let (s0, e0) = (c.start, c.end);
        let bnd = &self.bounds[k];
        let (lo, hi) = (bnd.start, bnd.end);
        let wlo = lo.max(s0.saturating_sub(WINDOW));
        let whi = hi.min(e0 + WINDOW);
        let mut starts = std::mem::take(&mut self.starts);
        starts.clear();
        starts.push(s0);
        starts.extend((wlo..(s0 + WINDOW + 1).min(e0)).filter(|&p| p != s0 && self.opens(p)));
        let mut ends = std::mem::take(&mut self.ends);
        ends.clear();
        ends.push(e0);
        ends.extend(
            ((s0 + 1).max(e0.saturating_sub(WINDOW))..=whi)
                .filter(|&e| e != e0 && (e >= hi || self.closes(e))),
        );
        let cue = cue.as_ref();
        let base = self.scan(s0, e0);
        // the mean margin of the original content: the scale of the moved stretches'
        let scale = (base.msum / (e0 - s0) as f32).abs().max(1e-3);
        let cue_word = cue.map_or(0x5a, |q| self.word(q.end - 1));
        Ctx {
            s0,
            e0,
            hi,
            cue: cue.cloned(),
            cue_word,
            scale,
            rs0: cue_rel(cue, s0),
            re0: cue_rel(cue, e0),
            orig_sents: base.sent_inner as u64,
            orig_quotes: base.quote as i32,
            starts,
            ends,
        }
    }
}

/// The feature values of start `p` (hashed per template; [`bucket`] maps them to weights)
/// and what it contributes to its pairs.
fn start_values(t: &Tagged, cx: &Ctx, p: usize) -> ([u64; KS], StartPart) {
    let d = p as i64 - cx.s0 as i64;
    let (sg, db) = (sign(d), dbucket(d));
    let wp = t.word(p.wrapping_sub(1));
    let wc = t.word(p);
    let kinds = t.kind(p.wrapping_sub(1))
        | t.kind(p) << 4
        | t.btag(p.wrapping_sub(1)) << 8
        | t.btag(p) << 10
        | ((t.flags[p] & SENT_START) as u64) << 12
        | sg << 13;
    let (a, z) = (p.min(cx.s0), p.max(cx.s0));
    let st = t.scan(a, z);
    let n = z - a;
    let h = |tp: u64, v: u64| mix(tpl(tp), v);
    // counts relative to the original start: quote marks in p..s0 (or s0..p, negated), and
    // sentence starts in p+1..=s0 (or s0+1..=p, negated)
    let dir = if p < cx.s0 { -1 } else { 1 };
    let part = StartPart {
        at: p,
        moved: sg as usize,
        open: (t.tokens[p].kind == TokenKind::OpenQuote) as usize,
        quotes: dir * st.quote as i32,
        sents: if n == 0 {
            0
        } else {
            dir * (st.sent_inner + t.starts_sentence(z)) as i32
        },
    };
    (
        [
            h(0, db),
            h(1, mix(wp, sg)),
            h(2, mix(wc, sg)),
            h(3, kinds),
            h(4, mix(wp, wc)),
            h(5, st.bits(n) | sg << 8 | db << 10),
            h(6, cue_rel(cx.cue.as_ref(), p) | cx.rs0 << 3 | sg << 6),
            h(7, mix(wp, db)),
            h(9, mix(cx.cue_word, sg | cue_rel(cx.cue.as_ref(), p) << 2)),
            h(10, st.margin(n, cx.scale) | sg << 3 | db << 5),
        ],
        part,
    )
}

/// The feature values of end `e` (exclusive) and what it contributes to its pairs.
fn end_values(t: &Tagged, cx: &Ctx, e: usize) -> ([u64; KE], EndPart) {
    let d = e as i64 - cx.e0 as i64;
    let (sg, db) = (sign(d), dbucket(d));
    let wl = t.word(e - 1);
    let wn = t.word(e);
    let sent_end = ((t.flags[e - 1] & SENT_END) >> 1) as u64;
    let kinds = t.kind(e - 1)
        | t.kind(e) << 4
        | t.btag(e - 1) << 8
        | t.btag(e) << 10
        | sent_end << 12
        | sg << 13
        | ((e >= cx.hi) as u64) << 15;
    let (a, z) = (e.min(cx.e0), e.max(cx.e0));
    let st = t.scan(a, z);
    let n = z - a;
    let h = |tp: u64, v: u64| mix(tpl(tp), v);
    // counts relative to the original end: quote marks and sentence starts in e0..e (or
    // e..e0, negated)
    let dir = if e < cx.e0 { -1 } else { 1 };
    let part = EndPart {
        at: e,
        moved: sg as usize,
        close: (t.tokens[e - 1].kind == TokenKind::CloseQuote
            || (e >= 2 && t.tokens[e - 2].kind == TokenKind::CloseQuote)) as usize,
        quotes: dir * st.quote as i32,
        sents: if n == 0 {
            0
        } else {
            dir * (st.sent_inner + t.starts_sentence(a)) as i32
        },
    };
    (
        [
            h(32, db),
            h(33, mix(wl, sg)),
            h(34, mix(wn, sg)),
            h(35, kinds),
            h(36, mix(wl, wn)),
            h(37, st.bits(n) | sg << 8 | db << 10),
            h(38, cue_rel(cx.cue.as_ref(), e) | cx.re0 << 3 | sg << 6),
            h(39, mix(wn, db)),
            h(41, mix(cx.cue_word, sg | t.kind(e) << 2 | sent_end << 6)),
            h(42, st.margin(n, cx.scale) | sg << 3 | db << 5),
        ],
        part,
    )
}

/// What a start contributes to its pairs.
#[derive(Clone, Copy)]
struct StartPart {
    at: usize,
    /// moved: 0 left, 1 not, 2 right
    moved: usize,
    open: usize,
    /// quote marks and inner sentence starts, relative to the original start
    quotes: i32,
    sents: i32,
}

/// What an end contributes to its pairs.
#[derive(Clone, Copy)]
struct EndPart {
    at: usize,
    moved: usize,
    close: usize,
    /// quote marks and inner sentence starts, relative to the original end
    quotes: i32,
    sents: i32,
}

/// Length buckets (0–3 themselves, then 4–6, 7–10, 11–16, 17–25, 26–40, more).
const LEN: [u8; 64] = {
    let mut t = [0u8; 64];
    let mut n = 0;
    while n < 64 {
        t[n] = match n {
            0..=3 => n as u8,
            4..=6 => 4,
            7..=10 => 5,
            11..=16 => 6,
            17..=25 => 7,
            26..=40 => 8,
            _ => 9,
        };
        n += 1;
    }
    t
};

/// The values of the pair templates for span `s.at..e.at` (small integers below
/// [`PAIR_SIZE`]); the span must not be empty.
#[inline(always)]
fn pair_values(cx: &Ctx, s: &StartPart, e: &EndPart) -> [usize; KP] {
    let moves = s.moved | e.moved << 2;
    let cue_at = match &cx.cue {
        None => 0,
        Some(q) if q.end <= s.at => 1,
        Some(q) if q.start >= e.at => 2,
        Some(_) => 3,
    };
    let quotes = (cx.orig_quotes + e.quotes - s.quotes).max(0) as usize;
    let lb = LEN.get(e.at - s.at).map_or(9, |&x| x as usize);
    let sents = (cx.orig_sents as i32 + e.sents - s.sents).clamp(0, 3) as usize;
    [
        lb | moves << 4,
        cue_at | moves << 2 | lb.min(5) << 6,
        sents | (cx.orig_sents as usize).min(3) << 2 | moves << 4,
        s.open | e.close << 1 | (quotes % 2) << 2 | quotes.min(3) << 3 | moves << 5,
    ]
}

/// The bucket of pair template `k`'s value `v`.
#[inline]
fn pair_bucket(k: usize, v: usize, bits: u32) -> u32 {
    bucket(mix(tpl(64 + k as u64), v as u64), bits)
}

/// The choices for relation `k` of `t`, with buckets in a table of `2^bits` weights
/// (training; [`Refiner::refine`] scores the same features without collecting them).
pub fn choices(t: &mut Tagged, k: usize, bits: u32) -> Choices {
    let cx = t.ctx(k);
    let (sf, sps): (Vec<[u32; KS]>, Vec<StartPart>) = cx
        .starts
        .iter()
        .map(|&p| {
            let (v, part) = start_values(t, &cx, p);
            (v.map(|v| bucket(v, bits)), part)
        })
        .unzip();
    let (ef, eps): (Vec<[u32; KE]>, Vec<EndPart>) = cx
        .ends
        .iter()
        .map(|&e| {
            let (v, part) = end_values(t, &cx, e);
            (v.map(|v| bucket(v, bits)), part)
        })
        .unzip();
    let mut pf = Vec::with_capacity(sps.len() * eps.len());
    for sp in &sps {
        for ep in &eps {
            if sp.at >= ep.at {
                pf.push([0; KP]);
                continue;
            }
            let v = pair_values(&cx, sp, ep);
            pf.push(std::array::from_fn(|k| pair_bucket(k, v[k], bits)));
        }
    }
    let out = Choices {
        starts: cx.starts.clone(),
        ends: cx.ends.clone(),
        sf,
        ef,
        pf,
    };
    t.starts = cx.starts;
    t.ends = cx.ends;
    out
}

/// The learned scorer.
#[derive(Debug, Clone)]
pub struct Refiner {
    /// log2 of the number of weights.
    bits: u32,
    /// Weights, quantised (`2^bits` of them).
    weights: Vec<i16>,
    /// The weights of the pair templates' values, looked up directly.
    dense: [Vec<i32>; KP],
}

impl Refiner {
    /// Quantises float weights (the largest magnitude maps to `i16::MAX`; the choice is an
    /// argmax, so the scale does not matter).
    pub fn from_f32(bits: u32, w: &[f32]) -> Refiner {
        let max = w.iter().fold(1e-9f32, |m, x| m.max(x.abs()));
        let scale = 32000.0 / max;
        Refiner::new(
            bits,
            w.iter()
                .map(|x| (x * scale).round().clamp(-32000.0, 32000.0) as i16)
                .collect(),
        )
    }

    fn new(bits: u32, mut weights: Vec<i16>) -> Refiner {
        let bits = bits.clamp(4, 24);
        weights.resize(1 << bits, 0);
        let mut r = Refiner {
            bits,
            weights,
            dense: Default::default(),
        };
        r.dense = std::array::from_fn(|k| {
            (0..PAIR_SIZE[k])
                .map(|v| r.w(pair_bucket(k, v, bits)))
                .collect()
        });
        r
    }

    /// Serialises the scorer (little-endian, checksummed).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.weights.len() * 2 + 24);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&self.bits.to_le_bytes());
        for w in &self.weights {
            out.extend_from_slice(&w.to_le_bytes());
        }
        tagger::seal(out)
    }

    /// Parses a scorer written by [`Refiner::to_bytes`] (`None` when empty or corrupt).
    pub fn from_bytes(b: &[u8]) -> Option<Refiner> {
        if b.len() < 20 {
            return None;
        }
        let body = tagger::unseal(b)?;
        if body.get(0..4)? != MAGIC
            || u32::from_le_bytes(body.get(4..8)?.try_into().ok()?) != VERSION
        {
            return None;
        }
        let bits = u32::from_le_bytes(body.get(8..12)?.try_into().ok()?);
        if !(4..=24).contains(&bits) || body.len() != 12 + (2usize << bits) {
            return None;
        }
        let weights = body[12..]
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(Refiner::new(bits, weights))
    }

    /// The index of weight `b`: the table has 2^bits weights (`new` checks), so the mask
    /// keeps every index inside.
    #[inline(always)]
    fn index(&self, b: u32) -> usize {
        b as usize & (self.weights.len().wrapping_sub(1))
    }

    /// Starts loading weight `b` ([`Refiner::w`]).
    #[inline(always)]
    fn prefetch(&self, b: u32) {
        if let Some(w) = self.weights.get(self.index(b)) {
            crate::cache::prefetch(w);
        }
    }

    #[inline(always)]
    fn w(&self, b: u32) -> i32 {
        self.weights[self.index(b)] as i32
    }

    /// The best choice's (start, end) indices into `ch`.
    pub fn best(&self, ch: &Choices) -> (usize, usize) {
        let ss: Vec<i32> = ch
            .sf
            .iter()
            .map(|f| f.iter().map(|&b| self.w(b)).sum())
            .collect();
        let es: Vec<i32> = ch
            .ef
            .iter()
            .map(|f| f.iter().map(|&b| self.w(b)).sum())
            .collect();
        best_pair(ch, &ss, &es, |f| f.iter().map(|&b| self.w(b)).sum())
    }

    /// The refined span of relation `k` (the choice [`Refiner::best`] makes on
    /// [`choices`], without collecting them).
    pub fn refine(&self, t: &mut Tagged, k: usize) -> Range<usize> {
        let cx = t.ctx(k);
        let bits = self.bits;
        let score = |f: &[u64]| f.iter().map(|&v| self.w(bucket(v, bits))).sum::<i32>();
        // every end's and start's values first, their weights requested as they come, then
        // the scores: the weight loads (cache misses: the table is 512 KiB) of all ends
        // and starts overlap
        let prefetch = |f: &[u64]| {
            for &v in f {
                self.prefetch(bucket(v, bits));
            }
        };
        let mut sc = std::mem::take(&mut t.scratch);
        sc.end_vals.clear();
        sc.end_vals.extend(cx.ends.iter().map(|&e| {
            let ev = end_values(t, &cx, e);
            prefetch(&ev.0);
            ev
        }));
        sc.start_vals.clear();
        sc.start_vals.extend(cx.starts.iter().map(|&s| {
            let (v, sp) = start_values(t, &cx, s);
            prefetch(&v);
            (s, v, sp)
        }));
        sc.ends.clear();
        sc.ends
            .extend(sc.end_vals.iter().map(|(v, part)| (*part, score(v))));
        let pair = |s: &StartPart, e: &EndPart| -> i32 {
            let v = pair_values(&cx, s, e);
            let d = &self.dense;
            // the values lie below PAIR_SIZE, the tables' lengths (powers of two)
            d[0][v[0] & (PAIR_SIZE[0] - 1)]
                + d[1][v[1] & (PAIR_SIZE[1] - 1)]
                + d[2][v[2] & (PAIR_SIZE[2] - 1)]
                + d[3][v[3] & (PAIR_SIZE[3] - 1)]
        };
        sc.starts.clear();
        sc.starts
            .extend(sc.start_vals.iter().map(|(s, v, sp)| (*s, *sp, score(v))));
        let (s0, e0) = (cx.starts[0], cx.ends[0]);
        let mut best = s0..e0;
        let mut top = i32::MIN;
        for &(s, sp, sv) in &sc.starts {
            for (ep, ev) in &sc.ends {
                if s >= ep.at {
                    continue;
                }
                let v = sv + ev + pair(&sp, ep);
                // the original (first) wins ties
                if v > top {
                    top = v;
                    best = s..ep.at;
                }
            }
        }
        t.starts = cx.starts;
        t.ends = cx.ends;
        t.scratch = sc;
        best
    }
}

/// The argmax over valid pairs of `ss[i] + es[j] + pair(pf)`, the original (0, 0) on ties.
pub fn best_pair<T: PartialOrd + Copy + std::ops::Add<Output = T>>(
    ch: &Choices,
    ss: &[T],
    es: &[T],
    pair: impl Fn(&[u32; KP]) -> T,
) -> (usize, usize) {
    let n = ch.ends.len();
    let mut best = (0, 0);
    let mut top = ss[0] + es[0] + pair(&ch.pf[0]);
    for (i, &s) in ss.iter().enumerate() {
        for (j, &e) in es.iter().enumerate() {
            if !ch.valid(i, j) || (i, j) == (0, 0) {
                continue;
            }
            let v = s + e + pair(&ch.pf[i * n + j]);
            if v > top {
                top = v;
                best = (i, j);
            }
        }
    }
    best
}

/// The tagger's candidates with refined contents (`refiner` `None`: as tagged; `rules`: the
/// rule stage's token codes, [`crate::pipeline::rule_codes`]).
pub fn predict(
    model: &Model,
    refiner: Option<&Refiner>,
    text: &str,
    tokens: &[Token],
    sentences: &[Sentence],
    rules: &[u8],
) -> Vec<Candidate> {
    let mut t = Tagged::new(model, text, tokens, sentences, rules);
    let mut out = Vec::with_capacity(t.relations.len());
    for k in 0..t.relations.len() {
        let content = match refiner {
            Some(r) => r.refine(&mut t, k),
            None => t.relations[k].0.clone(),
        };
        let (_, cue, source) = &t.relations[k];
        out.push(Candidate {
            score: t.score(&content),
            content,
            cue: cue.clone(),
            source: source.clone(),
            addressee: None,
            origin: Origin::Model,
        });
    }
    out
}

static REFINER: OnceLock<Option<Refiner>> = OnceLock::new();
static REFINER_BYTES: &[u8] = include_bytes!("../models/refine.bin");

/// The embedded scorer, or `None` when the file is empty or corrupt.
pub fn refiner() -> Option<&'static Refiner> {
    REFINER
        .get_or_init(|| Refiner::from_bytes(REFINER_BYTES))
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{split_sentences, tokenize};

    const TEXT: &str = "The mayor said on Tuesday that the city would not raise taxes, \
        although critics doubt it.\n\"We will win,\" Ann Lee told reporters. \
        Officials, according to a report, believe the plan is sound.";

    #[test]
    fn without_a_refiner_the_spans_are_the_taggers() {
        let Some(model) = tagger::model() else {
            return;
        };
        let tokens = tokenize(TEXT);
        let sentences = split_sentences(TEXT, &tokens);
        let rules = crate::pipeline::rule_codes(TEXT, &tokens, &sentences);
        let plain = model.predict(TEXT, &tokens, &sentences, &rules);
        let ours = predict(model, None, TEXT, &tokens, &sentences, &rules);
        assert_eq!(plain, ours);
    }

    #[test]
    fn refined_spans_stay_in_their_paragraph() {
        let (Some(model), Some(r)) = (tagger::model(), refiner()) else {
            return;
        };
        let tokens = tokenize(TEXT);
        let sentences = split_sentences(TEXT, &tokens);
        let paras = tagger::paragraphs(&sentences);
        let rules = crate::pipeline::rule_codes(TEXT, &tokens, &sentences);
        for c in predict(model, Some(r), TEXT, &tokens, &sentences, &rules) {
            assert!(!c.content.is_empty() && c.content.end <= tokens.len());
            assert!(paras
                .iter()
                .any(|p| p.start <= c.content.start && c.content.end <= p.end));
        }
    }

    #[test]
    fn model_file_round_trips_and_rejects_damage() {
        let w: Vec<f32> = (0..1 << 8).map(|i| (i as f32 - 100.0) * 0.5).collect();
        let r = Refiner::from_f32(8, &w);
        let bytes = r.to_bytes();
        let back = Refiner::from_bytes(&bytes).map(|x| x.to_bytes());
        assert_eq!(back.as_deref(), Some(bytes.as_slice()));
        assert!(Refiner::from_bytes(&[]).is_none());
        let mut bad = bytes.clone();
        bad[20] ^= 1;
        assert!(Refiner::from_bytes(&bad).is_none());
        assert!(Refiner::from_bytes(&bytes[..bytes.len() - 1]).is_none());
    }
}
