//! The learned attribution tagger: an averaged perceptron over hashed sparse features with
//! first-order Viterbi decoding, trained on PolNeAR by `whosaid-train`.
//!
//! Two tag layers are decoded independently over each paragraph:
//! - layer A, content: `O`, `B`, `I` (BIO keeps adjacent relations apart);
//! - layer B, source and cue: `O`, `B-S`, `I-S`, `B-Q`, `I-Q`.
//!
//! Layer B may tag tokens that lie inside a content (`"…," he said, "…"`), so the two
//! layers do not compete. Each content span is then linked to its nearest cue and the
//! source nearest that cue (see [`assemble`]).
//!
//! The model is embedded from `crates/core/models/tagger.bin` and loaded once. An empty or
//! corrupt file means no model: [`predict`] then returns nothing.

pub mod classes;
pub mod features;
pub mod labels;

use crate::candidate::{Candidate, Origin};
use crate::text::{Sentence, Token};
pub use classes::WordClasses;
use std::ops::Range;
use std::sync::OnceLock;

pub use features::{for_each_stacked, for_each_token, paragraphs, word_hash, word_hashes, NF, NS};

/// Content layer tags.
pub const A_O: u8 = 0;
/// Content begins.
pub const A_B: u8 = 1;
/// Content continues.
pub const A_I: u8 = 2;
/// Number of content-layer tags.
pub const N_A: usize = 3;
/// Source/cue layer: outside.
pub const B_O: u8 = 0;
/// Source begins.
pub const B_BS: u8 = 1;
/// Source continues.
pub const B_IS: u8 = 2;
/// Cue begins.
pub const B_BQ: u8 = 3;
/// Cue continues.
pub const B_IQ: u8 = 4;
/// Number of source/cue-layer tags.
pub const N_B: usize = 5;
/// Values per weight row: layer A's tags then layer B's.
pub const N_TAGS: usize = N_A + N_B;

const MAGIC: &[u8; 4] = b"WSTG";
const VERSION: u32 = 3;

/// Whether tag `cur` may follow `prev` (`None` = chain start) in layer `nt` (3 or 5 tags).
pub fn allowed(nt: usize, prev: Option<u8>, cur: u8) -> bool {
    if nt == N_A {
        cur != A_I || matches!(prev, Some(A_B) | Some(A_I))
    } else {
        match cur {
            B_IS => matches!(prev, Some(B_BS) | Some(B_IS)),
            B_IQ => matches!(prev, Some(B_BQ) | Some(B_IQ)),
            _ => true,
        }
    }
}

/// Cue-like words and their lemma: an open-addressing table keyed by [`word_hash`].
#[derive(Debug, Clone, Default)]
pub struct CueSet {
    keys: Vec<u64>,
    vals: Vec<u64>,
    pairs: Vec<(u64, u64)>,
}

impl CueSet {
    /// Builds the set from `(word hash, lemma hash)` pairs (lemma hashes must be non-zero).
    pub fn new(pairs: &[(u64, u64)]) -> Self {
        let cap = (pairs.len() * 2 + 1).next_power_of_two().max(16);
        let mut keys = vec![0u64; cap];
        let mut vals = vec![0u64; cap];
        for &(k, v) in pairs {
            let k = k.max(1);
            let mut i = (k as usize) & (cap - 1);
            while keys[i] != 0 && keys[i] != k {
                i = (i + 1) & (cap - 1);
            }
            keys[i] = k;
            vals[i] = v.max(1);
        }
        CueSet {
            keys,
            vals,
            pairs: pairs.to_vec(),
        }
    }

    /// Starts loading the slot where [`CueSet::lemma`] of `word` begins its probe.
    #[inline(always)]
    pub(crate) fn prefetch(&self, word: u64) {
        let i = Self::home(word.max(1), self.keys.len().wrapping_sub(1));
        if let (Some(key), Some(val)) = (self.keys.get(i), self.vals.get(i)) {
            crate::cache::prefetch(key);
            crate::cache::prefetch(val);
        }
    }

    /// The slot where the probe for key `k` (a word hash, at least 1) starts.
    #[inline(always)]
    fn home(k: u64, mask: usize) -> usize {
        k as usize & mask
    }

    /// The lemma hash of a cue-like word, or 0.
    #[inline]
    pub fn lemma(&self, word: u64) -> u64 {
        if self.keys.is_empty() {
            return 0;
        }
        let k = word.max(1);
        let mask = self.keys.len() - 1;
        let mut i = Self::home(k, mask);
        loop {
            let x = self.keys[i];
            if x == k {
                return self.vals[i];
            }
            if x == 0 {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }

    /// The pairs the set was built from.
    pub fn pairs(&self) -> &[(u64, u64)] {
        &self.pairs
    }
}

/// Why a model file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The file is empty (no model trained yet).
    #[error("no model")]
    Empty,
    /// Wrong magic, version, size or checksum.
    #[error("corrupt model: {0}")]
    Corrupt(&'static str),
}

/// A trained tagger ready for inference.
#[derive(Debug, Clone)]
pub struct Model {
    /// log2 of the number of feature buckets.
    pub bits: u32,
    /// Emission weights: `N_TAGS` per bucket, quantised to i8 (an 8-byte row per bucket).
    pub weights: Vec<i8>,
    /// Multiply summed emission weights by this to get scores.
    pub inv_scale: f32,
    /// Transitions of layer A: row 0 is the chain start, row `1 + p` follows tag `p`.
    pub trans_a: [f32; (N_A + 1) * N_A],
    /// Transitions of layer B, laid out as `trans_a`.
    pub trans_b: [f32; (N_B + 1) * N_B],
    /// Confidence calibration: `sigmoid(a * mean_margin + b)`.
    pub calib: (f32, f32),
    /// Cue-like words.
    pub cues: CueSet,
    /// Word classes (part of speech, entity class).
    pub classes: WordClasses,
}

/// The checksum that ends the model files (the tagger's, the span refiner's and the quote
/// filter's): a rotate-xor-multiply over little-endian 8-byte words, the last one
/// zero-padded.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for c in bytes.chunks(8) {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    h
}

/// A model file's body `out` with its [`checksum`] appended.
pub fn seal(mut out: Vec<u8>) -> Vec<u8> {
    let c = checksum(&out);
    out.extend_from_slice(&c.to_le_bytes());
    out
}

/// The body of a model file written by [`seal`]: `None` when it is shorter than the
/// checksum or the checksum is wrong.
pub fn unseal(b: &[u8]) -> Option<&[u8]> {
    let (body, sum) = b.split_at_checked(b.len().checked_sub(8)?)?;
    (checksum(body) == u64::from_le_bytes(sum.try_into().ok()?)).then_some(body)
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let s = self
            .b
            .get(self.at..self.at + n)
            .ok_or(ModelError::Corrupt("truncated"))?;
        self.at += n;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or([0; 4]),
        ))
    }
    fn u64(&mut self) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().unwrap_or([0; 8]),
        ))
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
        let x = f32::from_bits(self.u32()?);
        if x.is_finite() {
            Ok(x)
        } else {
            Err(ModelError::Corrupt("non-finite number"))
        }
    }
}

impl Model {
    /// Serialises the model (little-endian, checksummed).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.weights.len() + 4096);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.extend_from_slice(&(self.cues.pairs().len() as u32).to_le_bytes());
        out.extend_from_slice(&(self.classes.pairs().len() as u32).to_le_bytes());
        for x in [self.inv_scale, self.calib.0, self.calib.1]
            .iter()
            .chain(self.trans_a.iter())
            .chain(self.trans_b.iter())
        {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for &(k, v) in self.cues.pairs() {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
        for &(k, v) in self.classes.pairs() {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend(self.weights.iter().map(|&w| w as u8));
        seal(out)
    }

    /// Parses a model written by [`Model::to_bytes`].
    pub fn from_bytes(b: &[u8]) -> Result<Model, ModelError> {
        if b.is_empty() {
            return Err(ModelError::Empty);
        }
        if b.len() < 8 + 16 {
            return Err(ModelError::Corrupt("too short"));
        }
        let body = unseal(b).ok_or(ModelError::Corrupt("checksum"))?;
        let mut r = Reader { b: body, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(ModelError::Corrupt("magic"));
        }
        if r.u32()? != VERSION {
            return Err(ModelError::Corrupt("version"));
        }
        let bits = r.u32()?;
        if !(8..=24).contains(&bits) {
            return Err(ModelError::Corrupt("bits"));
        }
        let n_cues = r.u32()? as usize;
        let n_classes = r.u32()? as usize;
        let inv_scale = r.f32()?;
        let calib = (r.f32()?, r.f32()?);
        let mut trans_a = [0f32; (N_A + 1) * N_A];
        for x in &mut trans_a {
            *x = r.f32()?;
        }
        let mut trans_b = [0f32; (N_B + 1) * N_B];
        for x in &mut trans_b {
            *x = r.f32()?;
        }
        if n_cues > 1 << 20 {
            return Err(ModelError::Corrupt("cue count"));
        }
        let mut pairs = Vec::with_capacity(n_cues);
        for _ in 0..n_cues {
            pairs.push((r.u64()?, r.u64()?));
        }
        if n_classes > 1 << 22 {
            return Err(ModelError::Corrupt("class count"));
        }
        let mut class_pairs = Vec::with_capacity(n_classes);
        for _ in 0..n_classes {
            let k = r.u64()?;
            let v = r.take(2)?;
            class_pairs.push((k, u16::from_le_bytes([v[0], v[1]])));
        }
        let n = (1usize << bits) * N_TAGS;
        let raw = r.take(n)?;
        if r.at != body.len() {
            return Err(ModelError::Corrupt("trailing bytes"));
        }
        let weights = raw.iter().map(|&b| b as i8).collect();
        Ok(Model {
            bits,
            weights,
            inv_scale,
            trans_a,
            trans_b,
            calib,
            cues: CueSet::new(&pairs),
            classes: WordClasses::new(&class_pairs),
        })
    }

    /// Emission scores of every token (`N_TAGS` per token; tokens outside `sentences` stay 0);
    /// `rules` as in [`for_each_token`].
    pub fn emissions(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        words: &[u64],
        rules: &[u8],
    ) -> Vec<[f32; N_TAGS]> {
        self.emissions_with::<false>(text, tokens, sentences, words, rules)
    }

    /// The body of [`Model::emissions`]; `AVX2`: the caller is compiled for and runs on a
    /// CPU with AVX2 (only [`Model::tag_avx2`] passes `true`).
    #[inline(always)]
    fn emissions_with<const AVX2: bool>(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        words: &[u64],
        rules: &[u8],
    ) -> Vec<[f32; N_TAGS]> {
        let (rows, shift) = self.table();
        match self.joint() {
            // the group rows summed once per key: one lookup per group
            Some(joint) => self.emissions_from::<AVX2>(
                text,
                tokens,
                sentences,
                words,
                rules,
                #[inline(always)]
                |keys| joint.init(keys),
            ),
            None => {
                // template 0 has the value 0 for every token: its row is the start of every sum
                let bias = rows.sum::<1, false>(&[features::SEED_0], &[0], shift, [0; N_TAGS]);
                self.emissions_from::<AVX2>(
                    text,
                    tokens,
                    sentences,
                    words,
                    rules,
                    #[inline(always)]
                    |keys| {
                        rows.sum::<_, true>(
                            &features::GROUP_SEEDS,
                            &features::group_values(keys),
                            shift,
                            bias,
                        )
                    },
                )
            }
        }
    }

    /// [`Model::emissions_with`] with each token's sum started from `init(group keys)`:
    /// template 0's row plus the rows of the group templates.
    #[inline(always)]
    fn emissions_from<const AVX2: bool>(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        words: &[u64],
        rules: &[u8],
        init: impl Fn([usize; 2]) -> [i16; N_TAGS],
    ) -> Vec<[f32; N_TAGS]> {
        // filled as the tokens come (in order), not zeroed first
        let mut em: Vec<[f32; N_TAGS]> = Vec::with_capacity(tokens.len());
        let mut put = |i: usize, e: [f32; N_TAGS]| {
            if i == em.len() {
                // the usual case: the next token
                em.push(e);
            } else if i > em.len() {
                em.resize(i, [0.0; N_TAGS]);
                em.push(e);
            } else {
                em[i] = e;
            }
        };
        let (rows, shift) = self.table();
        #[cfg(target_arch = "x86_64")]
        if AVX2 {
            if let Some(table) = rows.shipped(shift) {
                // SAFETY: `AVX2` is true only in `tag_avx2`, run on CPUs with AVX2
                unsafe {
                    self.emissions_batched(
                        text, tokens, sentences, words, rules, table, init, &mut put,
                    )
                };
                em.resize(tokens.len(), [0.0; N_TAGS]);
                return em;
            }
        }
        features::token_features(
            text,
            tokens,
            sentences,
            words,
            rules,
            &self.cues,
            &self.classes,
            #[inline(always)]
            |i, vals, keys| {
                if i >= tokens.len() {
                    return;
                }
                let Some(hashed) = vals.last_chunk::<{ features::N_HASHED }>() else {
                    return;
                };
                debug_assert_eq!(vals[0], 0);
                let (seeds, init) = (&features::HASHED_SEEDS, init(keys));
                let e = rows
                    .sum::<_, false>(seeds, hashed, shift, init)
                    .map(|a| a as f32 * self.inv_scale);
                put(i, e);
            },
        );
        em.resize(tokens.len(), [0.0; N_TAGS]);
        em
    }

    /// The emissions of [`Model::emissions_from`] with the shipped table `table`, in
    /// batches of [`BATCH`] tokens: the feature loop computes each token's row indices
    /// (and its group sum `init`), and the rows of a whole batch are summed after it, in
    /// a short loop of loads and adds. Fused, each token's ~40 row loads (most of them
    /// cache misses beyond L1) sat between two tokens' long feature computations, so the
    /// misses of different tokens could not overlap; batched, they do. The i16 sums are
    /// the same (wrapping adds in any order: the same lanes).
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    unsafe fn emissions_batched(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        words: &[u64],
        rules: &[u8],
        table: &[[u8; N_TAGS]; 1 << SHIPPED_BITS],
        init: impl Fn([usize; 2]) -> [i16; N_TAGS],
        put: &mut impl FnMut(usize, [f32; N_TAGS]),
    ) {
        let mut batch = Batch {
            idx: [[0; features::N_HASHED]; BATCH],
            init: [[0; N_TAGS]; BATCH],
            at: [0; BATCH],
            n: 0,
        };
        let inv_scale = self.inv_scale;
        let mut flush = |b: &mut Batch| {
            let n = b.n.min(BATCH);
            for ((idx, &init), &at) in b.idx[..n].iter().zip(&b.init[..n]).zip(&b.at[..n]) {
                // SAFETY: the caller's CPU has AVX2
                let sum = unsafe { sum_indexed_avx2(table, idx, init) };
                put(at, sum.map(|a| a as f32 * inv_scale));
            }
            b.n = 0;
        };
        features::token_features(
            text,
            tokens,
            sentences,
            words,
            rules,
            &self.cues,
            &self.classes,
            #[inline(always)]
            |i, vals, keys| {
                if i >= tokens.len() {
                    return;
                }
                let Some(hashed) = vals.last_chunk::<{ features::N_HASHED }>() else {
                    return;
                };
                debug_assert_eq!(vals[0], 0);
                let k = batch.n;
                if let (Some(idx), Some(at), Some(sum0)) = (
                    batch.idx.get_mut(k),
                    batch.at.get_mut(k),
                    batch.init.get_mut(k),
                ) {
                    // SAFETY: the caller's CPU has AVX2
                    *idx = unsafe { row_indices_avx2(&features::HASHED_SEEDS, hashed) };
                    *at = i;
                    *sum0 = init(keys);
                    batch.n += 1;
                }
                if batch.n >= BATCH {
                    flush(&mut batch);
                }
            },
        );
        flush(&mut batch);
    }

    /// Decodes the source/cue layer of every paragraph from emissions `em`.
    pub fn decode_b(&self, sentences: &[Sentence], em: &[[f32; N_TAGS]]) -> Vec<u8> {
        let mut b = vec![0u8; em.len()];
        let mut scratch = Vec::new();
        for p in paragraphs(sentences) {
            viterbi(
                &em[p.clone()],
                N_A,
                N_B,
                &self.trans_b,
                &mut b[p.clone()],
                &mut scratch,
            );
        }
        b
    }

    /// Tags every paragraph: (content-layer tags, source/cue-layer tags, emissions).
    /// The source/cue layer is decoded first; the stacked features read it and add to the
    /// content layer's emissions. `rules`: the rule stage's token codes.
    pub fn tag(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        rules: &[u8],
    ) -> (Vec<u8>, Vec<u8>, Vec<[f32; N_TAGS]>) {
        self.tag_words(text, tokens, sentences, &word_hashes(text, tokens), rules)
    }

    /// [`Model::tag`] with the tokens' [`word_hashes`] (one per token) computed by the
    /// caller, who may use them again.
    pub(crate) fn tag_words(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        words: &[u64],
        rules: &[u8],
    ) -> (Vec<u8>, Vec<u8>, Vec<[f32; N_TAGS]>) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("bmi2")
        {
            // SAFETY: the CPU has the features `tag_avx2` is compiled for
            return unsafe { self.tag_avx2(text, tokens, sentences, words, rules) };
        }
        self.tag_with::<false>(text, tokens, sentences, words, rules)
    }

    /// [`Model::tag`] compiled for CPUs with AVX2 and BMI2 (three-operand shifts and
    /// rotates, VEX-encoded vector code in the feature loop: fewer instructions; the same
    /// integer and f32 operations as without, no fused multiply-add). The row sums hash four
    /// values at a time in AVX2 lanes ([`row_indices_avx2`]) but load the rows one by one: an
    /// AVX2 gather of four rows at a time took 3% fewer instructions but ran 7-10% slower
    /// on the AMD EPYC this was measured on.
    ///
    /// # Safety
    /// The CPU must have AVX2, BMI1 and BMI2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1,bmi2")]
    unsafe fn tag_avx2(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        words: &[u64],
        rules: &[u8],
    ) -> (Vec<u8>, Vec<u8>, Vec<[f32; N_TAGS]>) {
        self.tag_with::<true>(text, tokens, sentences, words, rules)
    }

    /// The body of [`Model::tag`] (`AVX2` as in [`Model::emissions_with`]).
    #[inline(always)]
    fn tag_with<const AVX2: bool>(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        words: &[u64],
        rules: &[u8],
    ) -> (Vec<u8>, Vec<u8>, Vec<[f32; N_TAGS]>) {
        let mut em = self.emissions_with::<AVX2>(text, tokens, sentences, words, rules);
        let b = self.decode_b(sentences, &em);
        let (rows, shift) = self.table();
        let seeds = &features::STACKED_SEEDS;
        // the rows of the stacked templates with constant values in sentences without
        // source or cue tags, summed once
        let q = features::quiet_values(0);
        let quiet = rows.sum::<4, true>(
            &[seeds[0], seeds[1], seeds[3], seeds[4]],
            &[q[0], q[1], q[3], q[4]],
            shift,
            [0; N_TAGS],
        );
        #[cfg(target_arch = "x86_64")]
        let batched = match rows.shipped(shift) {
            // SAFETY: `AVX2` is true only in `tag_avx2`, run on CPUs with AVX2
            Some(table) if AVX2 => unsafe {
                self.stacked_batched(tokens, sentences, words, &b, table, quiet, &mut em);
                true
            },
            _ => false,
        };
        #[cfg(not(target_arch = "x86_64"))]
        let batched = false;
        if !batched {
            self.stacked_fused::<AVX2>(tokens, sentences, words, &b, quiet, &mut em);
        }
        let mut a = vec![0u8; tokens.len()];
        let mut scratch = Vec::new();
        for p in paragraphs(sentences) {
            viterbi(
                &em[p.clone()],
                0,
                N_A,
                &self.trans_a,
                &mut a[p.clone()],
                &mut scratch,
            );
        }
        (a, b, em)
    }

    /// The stacked rows added to the content lanes of `em`, token by token (`quiet`: the
    /// sum of the rows [`features::Stacked::Quiet`] tokens share).
    #[inline(always)]
    fn stacked_fused<const AVX2: bool>(
        &self,
        tokens: &[Token],
        sentences: &[Sentence],
        words: &[u64],
        b: &[u8],
        quiet: [i16; N_TAGS],
        em: &mut [[f32; N_TAGS]],
    ) {
        let (rows, shift) = self.table();
        let seeds = &features::STACKED_SEEDS;
        features::stacked_features(
            tokens,
            sentences,
            words,
            b,
            #[inline(always)]
            |i, vals| {
                let acc = match vals {
                    features::Stacked::Quiet(w0) => {
                        let v = features::quiet_word(w0);
                        rows.sum::<1, true>(&[seeds[2]], &[v], shift, quiet)
                    }
                    features::Stacked::Values(v) => {
                        rows.sum::<_, true>(seeds, v, shift, [0; N_TAGS])
                    }
                };
                if let Some(e) = em.get_mut(i) {
                    if AVX2 {
                        // SAFETY: as above
                        unsafe { add_content_avx2(e, acc, self.inv_scale) };
                    } else {
                        for (e, a) in e[..N_A].iter_mut().zip(acc) {
                            *e += a as f32 * self.inv_scale;
                        }
                    }
                }
            },
        );
    }

    /// [`Model::stacked_fused`] with the shipped table `table`, the row sums deferred and
    /// done [`BATCH`] tokens at a time (as [`Model::emissions_batched`]); the same f32
    /// additions in the same order.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    unsafe fn stacked_batched(
        &self,
        tokens: &[Token],
        sentences: &[Sentence],
        words: &[u64],
        b: &[u8],
        table: &[[u8; N_TAGS]; 1 << SHIPPED_BITS],
        quiet: [i16; N_TAGS],
        em: &mut [[f32; N_TAGS]],
    ) {
        let seeds = &features::STACKED_SEEDS;
        let mut batch = StackedBatch {
            idx: [[0; features::NS]; BATCH],
            rows: [0; BATCH],
            init: [[0; N_TAGS]; BATCH],
            at: [0; BATCH],
            n: 0,
        };
        let inv_scale = self.inv_scale;
        let flush = |bt: &mut StackedBatch, em: &mut [[f32; N_TAGS]]| {
            let n = bt.n.min(BATCH);
            for (((idx, &rows), &init), &at) in bt.idx[..n]
                .iter()
                .zip(&bt.rows[..n])
                .zip(&bt.init[..n])
                .zip(&bt.at[..n])
            {
                let idx = idx.get(..rows).unwrap_or(&[]);
                // SAFETY: the caller's CPU has AVX2
                let acc = unsafe { sum_indexed_slice_avx2(table, idx, init) };
                if let Some(e) = em.get_mut(at) {
                    // SAFETY: as above
                    unsafe { add_content_avx2(e, acc, inv_scale) };
                }
            }
            bt.n = 0;
        };
        features::stacked_features(
            tokens,
            sentences,
            words,
            b,
            #[inline(always)]
            |i, vals| {
                let k = batch.n;
                if let (Some(idx), Some(rows), Some(init), Some(at)) = (
                    batch.idx.get_mut(k),
                    batch.rows.get_mut(k),
                    batch.init.get_mut(k),
                    batch.at.get_mut(k),
                ) {
                    match vals {
                        features::Stacked::Quiet(w0) => {
                            let v = features::quiet_word(w0);
                            idx[0] = features::row_of(v ^ seeds[2], 64 - SHIPPED_BITS) as u64;
                            *rows = 1;
                            *init = quiet;
                        }
                        features::Stacked::Values(v) => {
                            // SAFETY: the caller's CPU has AVX2
                            *idx = unsafe { row_indices_avx2(seeds, v) };
                            *rows = features::NS;
                            *init = [0; N_TAGS];
                        }
                    }
                    *at = i;
                    batch.n += 1;
                }
                if batch.n >= BATCH {
                    flush(&mut batch, em);
                }
            },
        );
        flush(&mut batch, em);
    }

    /// Proposes attribution candidates for a tokenised text, given the rule stage's codes
    /// of its tokens ([`crate::pipeline::rule_codes`]).
    pub fn predict(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        rules: &[u8],
    ) -> Vec<Candidate> {
        let (a, b, em) = self.tag(text, tokens, sentences, rules);
        let paras = paragraphs(sentences);
        assemble(&paras, &a, &b)
            .into_iter()
            .map(|(content, cue, source)| {
                let m = content
                    .clone()
                    .map(|i| {
                        let e = &em[i];
                        e[1].max(e[2]) - e[0]
                    })
                    .sum::<f32>()
                    / content.len().max(1) as f32;
                let z = self.calib.0 * m + self.calib.1;
                Candidate {
                    content,
                    cue,
                    source,
                    addressee: None,
                    score: 1.0 / (1.0 + (-z).exp()),
                    origin: Origin::Model,
                }
            })
            .collect()
    }

    /// Mean content-layer margin of a span (the input of the calibration).
    pub fn margin(em: &[[f32; N_TAGS]], span: Range<usize>) -> f32 {
        let n = span.len().max(1) as f32;
        span.map(|i| em[i][1].max(em[i][2]) - em[i][0]).sum::<f32>() / n
    }

    /// The weights as one row per bucket, and the shift that maps a seeded feature value
    /// to its row ([`sum_rows`]).
    fn table(&self) -> (Rows<'_>, u32) {
        let shift = 64 - self.bits;
        // the embedded model (a static, never dropped: its address is its identity) has
        // its rows also biased to u8, built once
        if let Some(shipped) = MODEL.get().and_then(Option::as_ref) {
            if std::ptr::eq(self, shipped) {
                static BIASED: OnceLock<Vec<[u8; N_TAGS]>> = OnceLock::new();
                let biased = BIASED.get_or_init(|| {
                    let rows = shipped.weights.as_chunks::<N_TAGS>().0;
                    rows.iter().map(|r| r.map(|w| w as u8 ^ 0x80)).collect()
                });
                return (Rows::Biased(biased), shift);
            }
        }
        (Rows::Signed(self.weights.as_chunks::<N_TAGS>().0), shift)
    }

    /// The group sums of the embedded model ([`Joint`], built once), `None` for any other
    /// model (those sum every row).
    fn joint(&self) -> Option<&'static Joint> {
        let shipped = MODEL.get().and_then(Option::as_ref)?;
        if !std::ptr::eq(self, shipped) {
            return None;
        }
        static JOINT: OnceLock<Option<Joint>> = OnceLock::new();
        JOINT.get_or_init(|| Joint::new(shipped)).as_ref()
    }
}

/// The rows of the small-domain template groups [`features::G1`] (with template 0's row)
/// and [`features::G2`] summed for every key (1,024 entries each, 16 KiB): computed from
/// the weights the first time the embedded model tags, never stored. A token's emission
/// sum starts from one entry of each instead of seven rows (the same i16 sums: every sum
/// of at most `NF + NS` rows fits in i16, so the order of the additions does not matter).
///
/// A G2 with template 15 too (14-bit keys, a 256 KiB table) took 12M instructions fewer
/// on PolNeAR train but ran no faster than the base.
pub(crate) struct Joint {
    g1: Box<[[i16; N_TAGS]; 1 << features::G1_BITS]>,
    g2: Box<[[i16; N_TAGS]; 1 << features::G2_BITS]>,
}

impl Joint {
    /// The group sums of `m`'s rows (always `Some`: the tables have their sizes).
    pub(crate) fn new(m: &Model) -> Option<Joint> {
        let (rows, shift) = (Rows::Signed(m.weights.as_chunks::<N_TAGS>().0), 64 - m.bits);
        let bias = rows.sum::<1, true>(&[features::SEED_0], &[0], shift, [0; N_TAGS]);
        let s1 = features::GROUP_SEEDS
            .first_chunk::<3>()
            .copied()
            .unwrap_or_default();
        let s2 = features::GROUP_SEEDS
            .last_chunk::<3>()
            .copied()
            .unwrap_or_default();
        let g1: Vec<_> = (0..1 << features::G1_BITS)
            .map(|k| rows.sum::<3, true>(&s1, &features::g1_values(k), shift, bias))
            .collect();
        let g2: Vec<_> = (0..1 << features::G2_BITS)
            .map(|k| rows.sum::<3, true>(&s2, &features::g2_values(k), shift, [0; N_TAGS]))
            .collect();
        Some(Joint {
            g1: g1.into_boxed_slice().try_into().ok()?,
            g2: g2.into_boxed_slice().try_into().ok()?,
        })
    }

    /// Template 0's row plus the rows of the group templates of keys `keys`.
    #[inline(always)]
    fn init(&self, keys: [usize; 2]) -> [i16; N_TAGS] {
        let a = self.g1[keys[0] & ((1 << features::G1_BITS) - 1)];
        let b = self.g2[keys[1] & ((1 << features::G2_BITS) - 1)];
        std::array::from_fn(|t| a[t] + b[t])
    }
}

/// The weight rows as [`sum_rows`] reads them.
#[derive(Clone, Copy)]
enum Rows<'a> {
    /// The model's rows (i8 lanes).
    Signed(&'a [[i8; N_TAGS]]),
    /// The rows plus 128 (u8 lanes): a row widens to i16 lanes with one unpack against
    /// zero, not an unpack and a shift that extends the sign; the sum takes 128 off per
    /// row at the end, so it is the same.
    Biased(&'a [[u8; N_TAGS]]),
}

impl Rows<'_> {
    /// [`sum_rows`] of these rows; with `INLINE`, [`sum_rows_inline`] (for the few stacked
    /// rows a call costs as much as the sum).
    #[inline(always)]
    fn sum<const N: usize, const INLINE: bool>(
        self,
        seeds: &[u64; N],
        vals: &[u64; N],
        shift: u32,
        init: [i16; N_TAGS],
    ) -> [i16; N_TAGS] {
        match (self, INLINE) {
            (Rows::Signed(rows), false) => sum_rows(rows, seeds, vals, shift, init),
            (Rows::Biased(rows), false) => sum_rows(rows, seeds, vals, shift, init),
            (Rows::Signed(rows), true) => sum_rows_inline(rows, seeds, vals, shift, init),
            (Rows::Biased(rows), true) => sum_rows_inline(rows, seeds, vals, shift, init),
        }
    }
}

impl<'a> Rows<'a> {
    /// The embedded model's biased table, when these rows are it (`shift` its shift).
    #[inline(always)]
    fn shipped(self, shift: u32) -> Option<&'a [[u8; N_TAGS]; 1 << SHIPPED_BITS]> {
        match self {
            Rows::Biased(rows) if shift == 64 - SHIPPED_BITS => rows.try_into().ok(),
            _ => None,
        }
    }
}

/// Tokens whose row sums [`Model::emissions_batched`] defers and does together.
const BATCH: usize = 16;

/// The deferred row sums of up to [`BATCH`] tokens.
struct Batch {
    /// Each token's row indices (of [`features::HASHED_SEEDS`]' templates).
    idx: [[u64; features::N_HASHED]; BATCH],
    /// Each token's sum so far (template 0 and the groups).
    init: [[i16; N_TAGS]; BATCH],
    /// Each token's index.
    at: [usize; BATCH],
    /// Tokens in the batch.
    n: usize,
}

/// The deferred stacked row sums of up to [`BATCH`] tokens.
struct StackedBatch {
    /// Each token's row indices (the first `rows` of them).
    idx: [[u64; features::NS]; BATCH],
    /// How many rows each token has: 1 (a quiet token) or [`features::NS`].
    rows: [usize; BATCH],
    /// Each token's sum so far.
    init: [[i16; N_TAGS]; BATCH],
    /// Each token's index.
    at: [usize; BATCH],
    /// Tokens in the batch.
    n: usize,
}

/// [`sum_indexed_avx2`] of a slice of row indices.
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn sum_indexed_slice_avx2(
    rows: &[[u8; N_TAGS]; 1 << SHIPPED_BITS],
    idx: &[u64],
    init: [i16; N_TAGS],
) -> [i16; N_TAGS] {
    use std::arch::x86_64::*;
    // SAFETY: `init` has 8 i16 lanes
    let mut acc = unsafe { _mm_loadu_si128(init.as_ptr().cast()) };
    for &r in idx {
        let row = &rows[r as usize & ((1 << SHIPPED_BITS) - 1)];
        // SAFETY: an 8-byte load of an 8-byte row
        acc = _mm_add_epi16(acc, unsafe {
            _mm_cvtepu8_epi16(_mm_loadl_epi64(row.as_ptr().cast()))
        });
    }
    // each row carries its bias of 128
    let bias = _mm_set1_epi16(128i16.wrapping_mul(idx.len() as i16));
    let sum = _mm_sub_epi16(acc, bias);
    let mut out = [0i16; N_TAGS];
    // SAFETY: `out` has 8 i16 lanes
    unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), sum) };
    out
}

/// The rows (of a table of `2^SHIPPED_BITS`) of values `vals` of templates with seeds
/// `seeds`: [`features::row_of`] of each, four at a time in AVX2 lanes (the 64-bit
/// product's top bits from 32-bit multiplies: the same bits).
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn row_indices_avx2<const N: usize>(seeds: &[u64; N], vals: &[u64; N]) -> [u64; N] {
    use std::arch::x86_64::*;
    let mut out = [0u64; N];
    let (seeds4, seeds_rest) = seeds.as_chunks::<4>();
    let (vals4, vals_rest) = vals.as_chunks::<4>();
    let (out4, out_rest) = out.as_chunks_mut::<4>();
    let m = features::ROW_MULTIPLIER;
    let m_lo = _mm256_set1_epi64x(m as i64);
    let m_swapped = _mm256_set1_epi64x(m.rotate_left(32) as i64);
    for ((o, s4), v4) in out4.iter_mut().zip(seeds4).zip(vals4) {
        // SAFETY: 4-lane loads and store of [u64; 4] arrays
        unsafe {
            let x = _mm256_xor_si256(
                _mm256_loadu_si256(v4.as_ptr().cast()),
                _mm256_loadu_si256(s4.as_ptr().cast()),
            );
            let lo = _mm256_mul_epu32(x, m_lo);
            let cross = _mm256_mullo_epi32(x, m_swapped);
            let cross = _mm256_add_epi32(cross, _mm256_slli_epi64::<32>(cross));
            let h = _mm256_add_epi32(lo, cross);
            let h = _mm256_srli_epi64::<{ 64 - SHIPPED_BITS as i32 }>(h);
            _mm256_storeu_si256(o.as_mut_ptr().cast(), h);
        }
    }
    for ((o, &s), &v) in out_rest.iter_mut().zip(seeds_rest).zip(vals_rest) {
        *o = features::row_of(v ^ s, 64 - SHIPPED_BITS) as u64;
    }
    out
}

/// `init` plus the biased rows `idx` of `rows`, less their bias: what [`sum_rows`]
/// returns for the values whose rows these are.
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn sum_indexed_avx2<const N: usize>(
    rows: &[[u8; N_TAGS]; 1 << SHIPPED_BITS],
    idx: &[u64; N],
    init: [i16; N_TAGS],
) -> [i16; N_TAGS] {
    use std::arch::x86_64::*;
    let row = |r: u64| -> __m128i {
        let row = &rows[r as usize & ((1 << SHIPPED_BITS) - 1)];
        // SAFETY: an 8-byte load of an 8-byte row
        unsafe { _mm_cvtepu8_epi16(_mm_loadl_epi64(row.as_ptr().cast())) }
    };
    // SAFETY: `init` has 8 i16 lanes
    let mut acc = [
        unsafe { _mm_loadu_si128(init.as_ptr().cast()) },
        _mm_setzero_si128(),
    ];
    let (pairs, rest) = idx.as_chunks::<2>();
    for p in pairs {
        acc[0] = _mm_add_epi16(acc[0], row(p[0]));
        acc[1] = _mm_add_epi16(acc[1], row(p[1]));
    }
    for &r in rest {
        acc[0] = _mm_add_epi16(acc[0], row(r));
    }
    // each row carries its bias of 128 (at most `NF + NS` rows: no overflow)
    let bias = _mm_set1_epi16(128i16.wrapping_mul(N as i16));
    let sum = _mm_sub_epi16(_mm_add_epi16(acc[0], acc[1]), bias);
    let mut out = [0i16; N_TAGS];
    // SAFETY: `out` has 8 i16 lanes
    unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), sum) };
    out
}

/// Adds `acc[t] as f32 * inv_scale` to the content lanes `e[..N_A]` in one 8-lane vector:
/// the other lanes add -0.0, which leaves every f32 as it is.
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn add_content_avx2(e: &mut [f32; N_TAGS], acc: [i16; N_TAGS], inv_scale: f32) {
    use std::arch::x86_64::*;
    // SAFETY: 8-lane loads and store of `[i16; 8]` and `[f32; 8]` arrays
    unsafe {
        let a = _mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(_mm_loadu_si128(acc.as_ptr().cast())));
        let x = _mm256_mul_ps(a, _mm256_set1_ps(inv_scale));
        let x = _mm256_blend_ps::<{ (1 << N_A) - 1 }>(_mm256_set1_ps(-0.0), x);
        _mm256_storeu_ps(
            e.as_mut_ptr(),
            _mm256_add_ps(_mm256_loadu_ps(e.as_ptr()), x),
        );
    }
}

/// A weight as stored in a row: widened to i16 it is the weight plus `BIAS`.
trait Weight: Copy {
    /// What widening adds to the weight.
    const BIAS: i16;
    /// The stored value in an i16 lane.
    fn widen(self) -> i16;
}

impl Weight for i8 {
    const BIAS: i16 = 0;
    #[inline(always)]
    fn widen(self) -> i16 {
        self as i16
    }
}

impl Weight for u8 {
    const BIAS: i16 = 128;
    #[inline(always)]
    fn widen(self) -> i16 {
        u16::from(self) as i16
    }
}

/// Bucket bits of the shipped model, for which [`sum_rows`] has a specialised loop.
const SHIPPED_BITS: u32 = 17;

/// Sums `init` and the weight rows of the feature values `vals` of templates with seeds
/// `seeds`, in a table of `2^(64 - shift)` rows (i16 lanes: at most `NF + NS` rows of ±127
/// cannot overflow). A bucket outside the table (a hand-built model) adds nothing.
///
/// Not inlined: inside the feature loop the sum gets no registers of its own.
#[inline(never)]
fn sum_rows<T: Weight, const N: usize>(
    rows: &[[T; N_TAGS]],
    seeds: &[u64; N],
    vals: &[u64; N],
    shift: u32,
    init: [i16; N_TAGS],
) -> [i16; N_TAGS] {
    sum_rows_inline(rows, seeds, vals, shift, init)
}

/// [`sum_rows`], inlined.
#[inline(always)]
fn sum_rows_inline<T: Weight, const N: usize>(
    rows: &[[T; N_TAGS]],
    seeds: &[u64; N],
    vals: &[u64; N],
    shift: u32,
    init: [i16; N_TAGS],
) -> [i16; N_TAGS] {
    match <&[[T; N_TAGS]; 1 << SHIPPED_BITS]>::try_from(rows) {
        // the shift and the table size are constants here: no bounds tests
        Ok(table) if shift == 64 - SHIPPED_BITS => {
            add_rows(table.as_slice(), seeds, vals, 64 - SHIPPED_BITS, init)
        }
        _ => add_rows(rows, seeds, vals, shift, init),
    }
}

/// The loop of [`sum_rows`].
#[inline(always)]
fn add_rows<T: Weight, const N: usize>(
    rows: &[[T; N_TAGS]],
    seeds: &[u64; N],
    vals: &[u64; N],
    shift: u32,
    init: [i16; N_TAGS],
) -> [i16; N_TAGS] {
    // four sums side by side: a quarter of the loop steps, independent adds
    let mut acc = [init, [0; N_TAGS], [0; N_TAGS], [0; N_TAGS]];
    let (seeds4, seeds_rest) = seeds.as_chunks::<4>();
    let (vals4, vals_rest) = vals.as_chunks::<4>();
    for (s4, v4) in seeds4.iter().zip(vals4) {
        for ((acc, &s), &v) in acc.iter_mut().zip(s4).zip(v4) {
            add_row(acc, rows, features::row_of(v ^ s, shift));
        }
    }
    for (&s, &v) in seeds_rest.iter().zip(vals_rest) {
        add_row(&mut acc[0], rows, features::row_of(v ^ s, shift));
    }
    // the widened rows carry `BIAS` each (at most `NF + NS` rows: no overflow)
    let bias = T::BIAS.wrapping_mul(N as i16);
    let mut sum = acc[0];
    for a in &acc[1..] {
        for (s, &x) in sum.iter_mut().zip(a) {
            *s += x;
        }
    }
    sum.map(|s| s - bias)
}

/// Adds row `r` of `rows` to `acc` (a row of zero weights when there is no such row).
#[inline(always)]
fn add_row<T: Weight>(acc: &mut [i16; N_TAGS], rows: &[[T; N_TAGS]], r: usize) {
    match rows.get(r) {
        Some(row) => {
            for (a, &x) in acc.iter_mut().zip(row) {
                *a += x.widen();
            }
        }
        None => *acc = acc.map(|a| a + T::BIAS),
    }
}

/// First-order Viterbi over `em[..][off..off + nt]` with transitions `trans`
/// (`(nt + 1) × nt`, row 0 = start) and the BIO constraints of [`allowed`]. `scores` is
/// scratch (the best path score of every tag of every token).
pub fn viterbi(
    em: &[[f32; N_TAGS]],
    off: usize,
    nt: usize,
    trans: &[f32],
    out: &mut [u8],
    scores: &mut Vec<f32>,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        match (off, nt) {
            // SAFETY: the CPU has AVX2
            (0, N_A) => return unsafe { viterbi_avx2::<N_A, 0>(em, trans, out, scores) },
            // SAFETY: as above
            (N_A, N_B) => return unsafe { viterbi_avx2::<N_B, N_A>(em, trans, out, scores) },
            _ => {}
        }
    }
    match (off, nt) {
        // SAFETY: every x86-64 CPU has SSE
        #[cfg(target_arch = "x86_64")]
        (0, N_A) => unsafe { viterbi_sse::<N_A, 0>(em, trans, out, scores) },
        // SAFETY: as above
        #[cfg(target_arch = "x86_64")]
        (N_A, N_B) => unsafe { viterbi_sse::<N_B, N_A>(em, trans, out, scores) },
        #[cfg(not(target_arch = "x86_64"))]
        (0, N_A) => viterbi_n::<N_A, 0>(em, trans, out, scores),
        #[cfg(not(target_arch = "x86_64"))]
        (N_A, N_B) => viterbi_n::<N_B, N_A>(em, trans, out, scores),
        _ if off + nt <= N_TAGS => viterbi_at(em, off, nt, trans, out, scores),
        _ => {}
    }
}

/// [`viterbi`] for a layout other than the model's two layers (the tag lanes copied to
/// the front of each row).
fn viterbi_at(
    em: &[[f32; N_TAGS]],
    off: usize,
    nt: usize,
    trans: &[f32],
    out: &mut [u8],
    scores: &mut Vec<f32>,
) {
    let moved: Vec<[f32; N_TAGS]> = em
        .iter()
        .map(|e| {
            let mut x = [0.0; N_TAGS];
            x[..nt].copy_from_slice(&e[off..off + nt]);
            x
        })
        .collect();
    match nt {
        N_A => viterbi_n::<N_A, 0>(&moved, trans, out, scores),
        N_B => viterbi_n::<N_B, 0>(&moved, trans, out, scores),
        _ => {}
    }
}

/// [`viterbi`] with the tag count `NT` and the offset `OFF` of the layer's lanes known at
/// compile time (the loops unroll, the emissions of a token are one unaligned load).
///
/// The forward pass keeps only the best score of each tag (a max per tag, no argmax);
/// the backtrace recomputes the argmax for the one tag on the path, with the same sums
/// and the same first-maximum rule, so the path is the one a back-pointer table gives.
fn viterbi_n<const NT: usize, const OFF: usize>(
    em: &[[f32; N_TAGS]],
    trans: &[f32],
    out: &mut [u8],
    scores: &mut Vec<f32>,
) {
    let n = em.len().min(out.len());
    if n == 0 || OFF + NT > N_TAGS || trans.len() < (NT + 1) * NT {
        return;
    }
    if scores.len() < n * NT {
        scores.resize(n * NT, 0.0);
    }
    let rows = &mut scores.as_chunks_mut::<NT>().0[..n];
    let neg = f32::NEG_INFINITY;
    let (start, tr) = constrained::<NT, NT>(trans);
    let mut cur = [neg; NT];
    for t in 0..NT {
        cur[t] = start[t] + em[0][OFF + t];
    }
    rows[0] = cur;
    for (e, row) in em[1..n].iter().zip(rows[1..].iter_mut()) {
        // the best predecessor's score of every tag: the first maximum over p in order
        let mut nxt = [neg; NT];
        for t in 0..NT {
            nxt[t] = cur[0] + tr[0][t];
        }
        for p in 1..NT {
            for t in 0..NT {
                let s = cur[p] + tr[p][t];
                if s > nxt[t] {
                    nxt[t] = s;
                }
            }
        }
        for t in 0..NT {
            nxt[t] += e[OFF + t];
        }
        cur = nxt;
        *row = cur;
    }
    backtrace::<NT, NT>(rows, &tr, &mut out[..n]);
}

/// The start row and the transitions `tr[p][t]` of an `NT`-tag layer with its BIO
/// constraints folded in (minus infinity where a tag may not start or follow), in `W ≥ NT`
/// lanes (the lanes from `NT` on at minus infinity).
#[inline]
fn constrained<const NT: usize, const W: usize>(trans: &[f32]) -> ([f32; W], [[f32; W]; NT]) {
    let neg = f32::NEG_INFINITY;
    let mut start = [neg; W];
    let mut tr = [[neg; W]; NT];
    for t in 0..NT {
        if allowed(NT, None, t as u8) {
            start[t] = trans[t];
        }
        for p in 0..NT {
            if allowed(NT, Some(p as u8), t as u8) {
                tr[p][t] = trans[(1 + p) * NT + t];
            }
        }
    }
    (start, tr)
}

/// Writes to `out` the best path through `rows` (each token's best score per tag, as the
/// forward pass left them): the best last tag, then for each earlier token the first
/// predecessor that reaches the next tag on the path with the highest score.
#[inline]
fn backtrace<const NT: usize, const W: usize>(
    rows: &[[f32; W]],
    tr: &[[f32; W]; NT],
    out: &mut [u8],
) {
    let n = rows.len().min(out.len());
    if n == 0 {
        return;
    }
    let last = &rows[n - 1];
    let mut t = 0;
    for k in 1..NT {
        if last[k] > last[t] {
            t = k;
        }
    }
    out[n - 1] = t as u8;
    for i in (0..n - 1).rev() {
        let c = &rows[i];
        let mut best = c[0] + tr[0][t];
        let mut arg = 0;
        for p in 1..NT {
            let s = c[p] + tr[p][t];
            if s > best {
                best = s;
                arg = p;
            }
        }
        t = arg;
        out[i] = t as u8;
    }
}

/// [`viterbi_n`] with SSE (x86-64's baseline): the scores of all tags of a token in two
/// 4-lane vectors (lanes from `NT` on at minus infinity), each step a broadcast, an add and
/// a max per predecessor. Every lane gets the same f32 operations in the same order as in
/// [`viterbi_n`] (`max(s, best)` is `if s > best { s } else { best }`), so the scores and
/// the path are the same.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse")]
fn viterbi_sse<const NT: usize, const OFF: usize>(
    em: &[[f32; N_TAGS]],
    trans: &[f32],
    out: &mut [u8],
    scores: &mut Vec<f32>,
) {
    use std::arch::x86_64::*;
    const W: usize = 8;
    let n = em.len().min(out.len());
    if n == 0 || NT > W || OFF + NT > N_TAGS || trans.len() < (NT + 1) * NT {
        return;
    }
    if scores.len() < n * W {
        scores.resize(n * W, 0.0);
    }
    let rows = &mut scores.as_chunks_mut::<W>().0[..n];
    let (start, tr) = constrained::<NT, W>(trans);
    let load = |x: &[f32; W]| -> [__m128; 2] {
        // SAFETY: both loads read inside `x` (8 lanes)
        unsafe { [_mm_loadu_ps(x.as_ptr()), _mm_loadu_ps(x.as_ptr().add(4))] }
    };
    // the layer's emissions in lanes 0..NT, zeros after (finite: minus infinity stays)
    let emit = |e: &[f32; N_TAGS]| -> [__m128; 2] {
        let mut x = [0f32; W];
        x[..NT].copy_from_slice(&e[OFF..OFF + NT]);
        load(&x)
    };
    let store = |row: &mut [f32; W], v: [__m128; 2]| {
        // SAFETY: both stores write inside `row` (8 lanes)
        unsafe {
            _mm_storeu_ps(row.as_mut_ptr(), v[0]);
            _mm_storeu_ps(row.as_mut_ptr().add(4), v[1]);
        }
    };
    let trv: [[__m128; 2]; NT] = std::array::from_fn(|p| load(&tr[p]));
    let halves = if NT > 4 { 2 } else { 1 };
    let mut cur = load(&start);
    let e0 = emit(&em[0]);
    for h in 0..halves {
        cur[h] = _mm_add_ps(cur[h], e0[h]);
    }
    store(&mut rows[0], cur);
    for (e, row) in em[1..n].iter().zip(rows[1..].iter_mut()) {
        let x = emit(e);
        // lane p of `cur` in every lane
        let bcast = |p: usize| -> __m128 {
            let v = cur[p / 4];
            match p % 4 {
                0 => _mm_shuffle_ps::<0x00>(v, v),
                1 => _mm_shuffle_ps::<0x55>(v, v),
                2 => _mm_shuffle_ps::<0xaa>(v, v),
                _ => _mm_shuffle_ps::<0xff>(v, v),
            }
        };
        let mut nxt = cur;
        let b0 = bcast(0);
        for h in 0..halves {
            nxt[h] = _mm_add_ps(b0, trv[0][h]);
        }
        for (p, trp) in trv.iter().enumerate().skip(1) {
            let b = bcast(p);
            for h in 0..halves {
                nxt[h] = _mm_max_ps(_mm_add_ps(b, trp[h]), nxt[h]);
            }
        }
        for h in 0..halves {
            nxt[h] = _mm_add_ps(nxt[h], x[h]);
        }
        cur = nxt;
        store(row, cur);
    }
    backtrace::<NT, W>(rows, &tr, &mut out[..n]);
}

/// [`viterbi_n`] with AVX2: the scores of a token's tags in one 8-lane vector, in the
/// lanes `OFF..OFF + NT` of its emission row (minus infinity in the others), so a token's
/// emissions are one add; each step a lane broadcast, an add and a max per predecessor.
/// The forward pass also keeps the first best predecessor of every tag (`s > best`, in
/// the order of [`viterbi_n`]'s maximum), so the backtrace follows those instead of
/// recomputing them: the same f32 operations per lane, the same path. `scratch` holds
/// the predecessors (lane indices, as the bits of f32 lanes).
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn viterbi_avx2<const NT: usize, const OFF: usize>(
    em: &[[f32; N_TAGS]],
    trans: &[f32],
    out: &mut [u8],
    scratch: &mut Vec<f32>,
) {
    use std::arch::x86_64::*;
    const W: usize = N_TAGS;
    let n = em.len().min(out.len());
    if n == 0 || OFF + NT > W || trans.len() < (NT + 1) * NT {
        return;
    }
    if scratch.len() < n * W {
        scratch.resize(n * W, 0.0);
    }
    let back = &mut scratch.as_chunks_mut::<W>().0[..n];
    let (start, tr) = constrained::<NT, NT>(trans);
    // SAFETY (all loads and stores below): 8-lane accesses of `[f32; 8]` arrays
    let load = |x: &[f32; W]| unsafe { _mm256_loadu_ps(x.as_ptr()) };
    // a layer row in the lanes of its tags, minus infinity elsewhere
    let lanes = |x: &[f32; NT]| {
        let mut y = [f32::NEG_INFINITY; W];
        y[OFF..OFF + NT].copy_from_slice(x);
        load(&y)
    };
    let trv: [__m256; NT] = std::array::from_fn(|p| lanes(&tr[p]));
    // lane `OFF + p` to every lane; the predecessor `p` as its lane index
    let bcast: [__m256i; NT] = std::array::from_fn(|p| _mm256_set1_epi32((OFF + p) as i32));
    let pred: [__m256; NT] = std::array::from_fn(|p| _mm256_castsi256_ps(bcast[p]));
    let mut cur = _mm256_add_ps(lanes(&start), load(&em[0]));
    for (e, b) in em[1..n].iter().zip(back[1..].iter_mut()) {
        let mut best = _mm256_add_ps(_mm256_permutevar8x32_ps(cur, bcast[0]), trv[0]);
        let mut arg = pred[0];
        for p in 1..NT {
            let s = _mm256_add_ps(_mm256_permutevar8x32_ps(cur, bcast[p]), trv[p]);
            let gt = _mm256_cmp_ps::<_CMP_GT_OQ>(s, best);
            best = _mm256_blendv_ps(best, s, gt);
            arg = _mm256_blendv_ps(arg, pred[p], gt);
        }
        cur = _mm256_add_ps(best, load(e));
        // SAFETY: as above
        unsafe { _mm256_storeu_ps(b.as_mut_ptr(), arg) };
    }
    let mut last = [0f32; W];
    // SAFETY: as above
    unsafe { _mm256_storeu_ps(last.as_mut_ptr(), cur) };
    let mut t = OFF;
    for k in OFF + 1..OFF + NT {
        if last[k] > last[t] {
            t = k;
        }
    }
    out[n - 1] = (t - OFF) as u8;
    for (b, o) in back[1..n].iter().zip(&mut out[..n - 1]).rev() {
        t = b[t].to_bits() as usize & (W - 1);
        *o = t.wrapping_sub(OFF) as u8;
    }
}

/// Distance in tokens between two ranges (0 when they overlap or one lies inside the other).
fn gap(x: &Range<usize>, y: &Range<usize>) -> usize {
    y.start
        .saturating_sub(x.end)
        .max(x.start.saturating_sub(y.end))
}

/// Links each content span to the nearest cue in its paragraph and the source nearest that
/// cue (or nearest the content when no cue was found). Returns (content, cue, source).
#[allow(clippy::type_complexity)]
pub fn assemble(
    paras: &[Range<usize>],
    a: &[u8],
    b: &[u8],
) -> Vec<(Range<usize>, Option<Range<usize>>, Option<Range<usize>>)> {
    let mut out = Vec::new();
    let mut prev_source: Option<Range<usize>> = None;
    // one buffer per kind of span, reused by every paragraph
    let (mut sources, mut contents, mut cues) = (Vec::new(), Vec::new(), Vec::new());
    for p in paras {
        // the spans of tags `begin`/`inside` in the paragraph, as document token ranges
        let find = |tags: &[u8], begin, inside, spans: &mut Vec<Range<usize>>| {
            spans.clear();
            labels::spans_into(&tags[p.clone()], begin, inside, spans);
            for r in spans.iter_mut() {
                *r = r.start + p.start..r.end + p.start;
            }
        };
        find(b, B_BS, B_IS, &mut sources);
        find(a, A_B, A_I, &mut contents);
        if !contents.is_empty() {
            find(b, B_BQ, B_IQ, &mut cues);
            for c in contents.drain(..) {
                let cue = cues
                    .iter()
                    .min_by_key(|q| (gap(q, &c), q.start < c.start))
                    .cloned();
                let anchor = cue.clone().unwrap_or(c.clone());
                // No source in the paragraph: a quote continuing the previous paragraph's.
                let source = sources
                    .iter()
                    .min_by_key(|s| (gap(s, &anchor), gap(s, &c)))
                    .cloned()
                    .or_else(|| prev_source.clone());
                out.push((c, cue, source));
            }
        }
        if let Some(s) = sources.last() {
            prev_source = Some(s.clone());
        }
    }
    out
}

static MODEL: OnceLock<Option<Model>> = OnceLock::new();
static MODEL_BYTES: &[u8] = include_bytes!("../../models/tagger.bin");

/// The embedded model, or `None` when the file is empty or corrupt.
pub fn model() -> Option<&'static Model> {
    MODEL
        .get_or_init(|| Model::from_bytes(MODEL_BYTES).ok())
        .as_ref()
}

/// Proposes attribution candidates with the embedded model (none without a valid model),
/// running the rule stage for its codes.
pub fn predict(text: &str, tokens: &[Token], sentences: &[Sentence]) -> Vec<Candidate> {
    match model() {
        Some(m) => m.predict(
            text,
            tokens,
            sentences,
            &crate::pipeline::rule_codes(text, tokens, sentences),
        ),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
