//! The quote filter: boosted decision trees that estimate, from what the pipeline knows
//! about a quote in its article ([`FEATURE_NAMES`]), the probability that its content matches
//! an annotated attribution, and drop the quotes below a threshold.
//!
//! Why a second look after the merge: the tagger and the rules each judge a span from
//! its own evidence; whether a quote is likely right also depends on how the pieces fit
//! together (how far its cue is and on which side, whether the rules agree, how long it
//! is, what surrounds it). Those interactions are what trees learn and a linear model
//! does not. The trees are trained by `whosaid-train` on the whole pipeline's
//! cross-validated output on PolNeAR train and embedded from
//! `crates/core/models/filter.bin`; without that file (or with a broken one) nothing is
//! dropped.

use crate::analysis::{QuoteKind, Resolution};
use crate::candidate::{Candidate, Origin};
use crate::confidence::Evidence;
use crate::layout::Layout;
use crate::text::TokenKind;
use std::sync::OnceLock;

/// Number of filter features.
pub const N_FEATURES: usize = 24;

/// What the filter sees of one quote (see [`FEATURE_NAMES`]).
pub type Features = [f32; N_FEATURES];

/// Names of the features, in order.
pub const FEATURE_NAMES: [&str; N_FEATURES] = [
    "kind (direct 0, mixed 1, indirect 2, headline 3)",
    "proposed by the tagger",
    "proposer's score",
    "heuristic confidence",
    "calibrated confidence",
    "content words",
    "content tokens",
    "cue side (none 0, before 1, after 2, inside 3)",
    "tokens between cue and content (99: no cue)",
    "cue is a reporting verb of the lexicon",
    "speaker resolution (named 0, pronoun 1, nominal 2, unresolved 3)",
    "source found",
    "position in the article (0..1)",
    "quotes in the article",
    "quote marks in the content",
    "commas in the content",
    "tokens since the previous quote's content (999: none)",
    "tokens to the next quote's content (999: none)",
    "sentences the content spans",
    "content starts its sentence",
    "content ends its sentence",
    "content starts with `that`",
    "content starts at a paragraph's start",
    "tokens in the content's sentence",
];

/// The features of candidate `merged[i]`, given its evidence `e` (kind, speaker
/// resolution, scores, words) and calibrated `confidence`.
pub(crate) fn features(
    l: &Layout,
    merged: &[Candidate],
    i: usize,
    e: &Evidence,
    confidence: f32,
) -> Features {
    let c = &merged[i];
    let r = &c.content;
    let b = |x: bool| x as u8 as f32;
    let (side, distance) = match &c.cue {
        None => (0.0, 99.0),
        Some(q) if q.end <= r.start => (1.0, (r.start - q.end) as f32),
        Some(q) if q.start >= r.end => (2.0, (q.start - r.end) as f32),
        Some(_) => (3.0, 0.0),
    };
    let cue_known = c
        .cue
        .as_ref()
        .is_some_and(|q| q.clone().any(|t| l.info(t).lemma(l.word(t)).is_some()));
    let gap = |g: Option<usize>| g.map_or(999.0, |g| g.min(999) as f32);
    let previous = merged
        .iter()
        .filter(|o| o.content.end <= r.start)
        .map(|o| r.start - o.content.end)
        .min();
    let next = merged
        .iter()
        .filter(|o| o.content.start >= r.end)
        .map(|o| o.content.start - r.end)
        .min();
    // quote marks and commas inside, in one pass
    let (mut marks, mut commas) = (0u32, 0u32);
    let bytes = l.text.as_bytes();
    for t in &l.tokens[r.clone()] {
        let comma =
            t.kind == TokenKind::Punct && t.end == t.start + 1 && bytes.get(t.start) == Some(&b',');
        commas += comma as u32;
        marks += t.is_quote() as u32;
    }
    let first_sentence = l.sentence_range(r.start);
    let last_sentence = l.sentence_range(r.end - 1);
    // edges ignore quote marks and the punctuation that ends a sentence
    let opens = (first_sentence.start..r.start).all(|t| l.tokens[t].is_quote());
    let closes = (r.end..last_sentence.end).all(|t| {
        matches!(
            l.kind(t),
            Some(TokenKind::CloseQuote | TokenKind::Terminal | TokenKind::Punct)
        )
    });
    let n = l.tokens.len().max(1) as f32;
    [
        match e.kind {
            QuoteKind::Direct => 0.0,
            QuoteKind::Mixed => 1.0,
            QuoteKind::Indirect => 2.0,
            QuoteKind::Headline => 3.0,
        },
        b(c.origin == Origin::Model),
        c.score,
        e.raw,
        confidence,
        e.words as f32,
        r.len() as f32,
        side,
        distance,
        b(cue_known),
        match e.resolution {
            Resolution::Named => 0.0,
            Resolution::Pronoun => 1.0,
            Resolution::Nominal => 2.0,
            Resolution::Unresolved => 3.0,
        },
        b(c.source.is_some()),
        r.start as f32 / n,
        merged.len() as f32,
        marks as f32,
        commas as f32,
        gap(previous),
        gap(next),
        (l.sentence(r.end - 1) - l.sentence(r.start) + 1) as f32,
        b(opens),
        b(closes),
        b(l.word(r.start).eq_ignore_ascii_case("that")),
        b(l.paragraph_range(r.start).start == r.start),
        first_sentence.len() as f32,
    ]
}

/// Boosted oblivious decision trees over [`Features`] with a keep threshold.
///
/// An oblivious tree asks the same question of every node of a level: level `l` tests
/// `x[feature_l] > cut_l`, and the answers, as bits (level `l` → bit `l`), index its
/// `2^depth` leaves; the leaf's value is added to the log-odds. The tests of a tree do
/// not depend on each other, so a quote is scored without a chain of dependent loads
/// (a depth-limited ordinary tree cost 2–3× more here; CatBoost's trees are the same
/// kind).
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    depth: u8,
    /// Log-odds before any tree.
    base: f32,
    /// Quotes whose probability is below this are dropped.
    threshold: f32,
    /// Per tree, the feature index tested at each level.
    features: Vec<u8>,
    /// Per tree, the cut of each level.
    cuts: Vec<f32>,
    /// Per tree, the value of each leaf.
    leaves: Vec<f32>,
    /// The same trees laid out for scoring eight at a time.
    lanes: Lanes,
}

/// Trees per lane group: one AVX2 register of f32 or i32.
const LANES: usize = 8;

/// The trees level-major, in groups of [`LANES`] (padded with trees whose cuts are
/// infinite and leaves zero): level `l` of tree `t` at `l * padded + t`, tree `t`'s leaves
/// at `t << depth ..`.
#[derive(Debug, Clone, PartialEq, Default)]
struct Lanes {
    /// Trees after padding (a multiple of [`LANES`]).
    padded: usize,
    /// Feature index of each level of each tree (i32 for the gather).
    features: Vec<i32>,
    /// Cut of each level of each tree.
    cuts: Vec<f32>,
    /// Leaves of each tree.
    leaves: Vec<f32>,
}

impl Lanes {
    fn new(depth: usize, features: &[u8], cuts: &[f32], leaves: &[f32]) -> Lanes {
        let trees = leaves.len() >> depth;
        let padded = trees.div_ceil(LANES) * LANES;
        let mut l = Lanes {
            padded,
            features: vec![0; depth * padded],
            cuts: vec![f32::INFINITY; depth * padded],
            leaves: vec![0.0; padded << depth],
        };
        for t in 0..trees {
            for level in 0..depth {
                l.features[level * padded + t] = features[t * depth + level] as i32;
                l.cuts[level * padded + t] = cuts[t * depth + level];
            }
        }
        l.leaves[..leaves.len()].copy_from_slice(leaves);
        l
    }
}

/// One oblivious tree of a [`Forest`].
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// Feature index tested at each level (`depth` of them).
    pub features: Vec<u8>,
    /// Cut of each level: `x[feature] > cut` sets the level's bit of the leaf index.
    pub cuts: Vec<f32>,
    /// Value of each leaf (`2^depth`), indexed by the levels' bits.
    pub leaves: Vec<f32>,
}

const MAGIC: &[u8; 4] = b"WSQF";
const VERSION: u32 = 2;
/// Deepest tree a forest may hold.
pub const MAX_DEPTH: u8 = 8;

impl Forest {
    /// A forest of `trees` of depth `depth`, starting from log-odds `base`, keeping quotes
    /// of probability ≥ `threshold`. `None` when a tree's shape or a feature index is
    /// wrong.
    pub fn new(depth: u8, base: f32, threshold: f32, trees: &[Tree]) -> Option<Forest> {
        if depth == 0 || depth > MAX_DEPTH {
            return None;
        }
        let d = depth as usize;
        let mut f = Forest {
            depth,
            base,
            threshold,
            features: Vec::with_capacity(trees.len() * d),
            cuts: Vec::with_capacity(trees.len() * d),
            leaves: Vec::with_capacity(trees.len() << d),
            lanes: Lanes::default(),
        };
        for t in trees {
            let ok = t.features.len() == d
                && t.cuts.len() == d
                && t.leaves.len() == 1 << d
                && t.features.iter().all(|&x| (x as usize) < N_FEATURES);
            if !ok {
                return None;
            }
            f.features.extend_from_slice(&t.features);
            f.cuts.extend_from_slice(&t.cuts);
            f.leaves.extend_from_slice(&t.leaves);
        }
        f.lanes = Lanes::new(d, &f.features, &f.cuts, &f.leaves);
        Some(f)
    }

    /// Number of trees.
    pub fn len(&self) -> usize {
        self.leaves.len() >> self.depth
    }

    /// True when the forest has no tree.
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// The keep threshold.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The same trees with another keep threshold.
    pub fn with_threshold(mut self, threshold: f32) -> Forest {
        self.threshold = threshold;
        self
    }

    /// The estimated probability that a quote with features `x` matches an attribution.
    pub fn probability(&self, x: &Features) -> f32 {
        // (padded to a power of two: feature indices are below it, so the gather and the
        // masked index stay inside)
        let mut padded = [0f32; 32];
        padded[..N_FEATURES].copy_from_slice(x);
        let sums = self.lane_sums(&padded);
        // the lanes' sums in a fixed order, whichever path computed them
        let sum = sums.iter().fold(0.0, |a, &b| a + b);
        1.0 / (1.0 + (-(self.base + sum)).exp())
    }

    /// Per lane, the sum of the leaves `x` reaches in the trees of that lane.
    fn lane_sums(&self, x: &[f32; 32]) -> [f32; LANES] {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2
            return unsafe { self.lane_sums_avx2(x) };
        }
        self.lane_sums_scalar(x)
    }

    /// [`Forest::lane_sums`] without SIMD: the same additions in the same order, so the
    /// same bits.
    fn lane_sums_scalar(&self, x: &[f32; 32]) -> [f32; LANES] {
        let (d, l) = (self.depth as usize, &self.lanes);
        let mut acc = [0f32; LANES];
        for group in (0..l.padded).step_by(LANES) {
            for (lane, a) in acc.iter_mut().enumerate() {
                let t = group + lane;
                let mut k = 0;
                for level in 0..d {
                    let at = level * l.padded + t;
                    let f = l.features[at] as usize & 31;
                    k |= ((x[f] > l.cuts[at]) as usize) << level;
                }
                *a += l.leaves[(t << d) | k];
            }
        }
        acc
    }

    /// [`Forest::lane_sums`] eight trees at a time: per level one gather of the tested
    /// features, one compare with the cuts, the level's bit or-ed into the leaf indices;
    /// then one gather of the leaves.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn lane_sums_avx2(&self, x: &[f32; 32]) -> [f32; LANES] {
        use std::arch::x86_64::*;
        let (d, l) = (self.depth as usize, &self.lanes);
        let mut acc = _mm256_setzero_ps();
        let lane_ids = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        let shift = _mm_cvtsi32_si128(d as i32);
        for group in (0..l.padded).step_by(LANES) {
            let mut k = _mm256_setzero_si256();
            for level in 0..d {
                let at = level * l.padded + group;
                let fs = &l.features[at..at + LANES];
                let cs = &l.cuts[at..at + LANES];
                // SAFETY: 8 in-bounds elements each; every feature index is below 32
                // (`Lanes::new` takes them from a checked forest), the length of `x`
                let (xv, cv) = unsafe {
                    let fi = _mm256_loadu_si256(fs.as_ptr() as *const __m256i);
                    (
                        _mm256_i32gather_ps::<4>(x.as_ptr(), fi),
                        _mm256_loadu_ps(cs.as_ptr()),
                    )
                };
                let gt = _mm256_castps_si256(_mm256_cmp_ps::<_CMP_GT_OQ>(xv, cv));
                k = _mm256_or_si256(k, _mm256_and_si256(gt, _mm256_set1_epi32(1 << level)));
            }
            let trees = _mm256_add_epi32(_mm256_set1_epi32(group as i32), lane_ids);
            let idx = _mm256_or_si256(_mm256_sll_epi32(trees, shift), k);
            // SAFETY: tree < padded and k < 2^depth, so idx < padded << depth, the
            // length of the leaves
            let leaves = unsafe { _mm256_i32gather_ps::<4>(l.leaves.as_ptr(), idx) };
            acc = _mm256_add_ps(acc, leaves);
        }
        let mut out = [0f32; LANES];
        // SAFETY: out holds 8 f32
        unsafe { _mm256_storeu_ps(out.as_mut_ptr(), acc) };
        out
    }

    /// True when a quote with features `x` is kept.
    pub fn keeps(&self, x: &Features) -> bool {
        self.probability(x) >= self.threshold
    }

    /// Serialises the forest (little-endian, checksummed).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.push(self.depth);
        out.push(N_FEATURES as u8);
        out.extend_from_slice(&(self.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.base.to_le_bytes());
        out.extend_from_slice(&self.threshold.to_le_bytes());
        out.extend_from_slice(&self.features);
        for x in self.cuts.iter().chain(&self.leaves) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        crate::tagger::seal(out)
    }

    /// Parses a forest written by [`Forest::to_bytes`] (`None` when empty, corrupt, or
    /// written for another feature set).
    pub fn from_bytes(b: &[u8]) -> Option<Forest> {
        if b.len() < 30 {
            return None;
        }
        let body = crate::tagger::unseal(b)?;
        let u32_at = |i: usize| Some(u32::from_le_bytes(body.get(i..i + 4)?.try_into().ok()?));
        let f32_at = |i: usize| u32_at(i).map(f32::from_bits);
        if body.get(0..4)? != MAGIC || u32_at(4)? != VERSION {
            return None;
        }
        let (depth, n_features) = (*body.get(8)?, *body.get(9)? as usize);
        let trees = u32_at(10)? as usize;
        let (base, threshold) = (f32_at(14)?, f32_at(18)?);
        if n_features != N_FEATURES || depth == 0 || depth > MAX_DEPTH {
            return None;
        }
        let d = depth as usize;
        let head: usize = 22;
        let levels = trees.checked_mul(d)?;
        let features = body.get(head..head.checked_add(levels)?)?.to_vec();
        let floats_at = head + levels;
        let n_floats = levels.checked_add(trees.checked_mul(1 << d)?)?;
        if body.len() != floats_at.checked_add(n_floats.checked_mul(4)?)? {
            return None;
        }
        let floats: Vec<f32> = body[floats_at..]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if features.iter().any(|&x| x as usize >= N_FEATURES) || floats.iter().any(|x| x.is_nan()) {
            return None;
        }
        let (cuts, leaves) = floats.split_at(levels);
        Some(Forest {
            depth,
            base,
            threshold,
            lanes: Lanes::new(d, &features, cuts, leaves),
            features,
            cuts: cuts.to_vec(),
            leaves: leaves.to_vec(),
        })
    }
}

static FOREST: OnceLock<Option<Forest>> = OnceLock::new();
static FOREST_BYTES: &[u8] = include_bytes!("../models/filter.bin");

/// The embedded filter, or `None` when the file is empty or corrupt.
pub fn forest() -> Option<&'static Forest> {
    FOREST
        .get_or_init(|| Forest::from_bytes(FOREST_BYTES))
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stump(feature: u8, cut: f32, left: f32, right: f32) -> Tree {
        Tree {
            features: vec![feature],
            cuts: vec![cut],
            leaves: vec![left, right],
        }
    }

    fn sigmoid(z: f32) -> f32 {
        1.0 / (1.0 + (-z).exp())
    }

    #[test]
    fn trees_add_their_leaves_to_the_log_odds() {
        let f = Forest::new(
            1,
            0.5,
            0.5,
            &[stump(5, 2.0, -1.0, 1.0), stump(0, 0.5, 0.25, -2.0)],
        )
        .expect("valid forest");
        let mut x = [0.0; N_FEATURES];
        x[5] = 3.0; // right of the first cut, left of the second
        assert!((f.probability(&x) - sigmoid(0.5 + 1.0 + 0.25)).abs() < 1e-6);
        assert!(f.keeps(&x));
        x[5] = 1.0;
        x[0] = 1.0;
        assert!((f.probability(&x) - sigmoid(0.5 - 1.0 - 2.0)).abs() < 1e-6);
        assert!(!f.keeps(&x));
    }

    #[test]
    fn each_level_sets_its_bit_of_the_leaf_index() {
        let t = Tree {
            features: vec![1, 2],
            cuts: vec![0.0, 0.0],
            leaves: vec![0.0, 1.0, 2.0, 3.0],
        };
        let f = Forest::new(2, 0.0, 0.5, &[t]).expect("valid forest");
        for (a, b, leaf) in [
            (-1.0, -1.0, 0.0),
            (1.0, -1.0, 1.0),
            (-1.0, 1.0, 2.0),
            (1.0, 1.0, 3.0),
        ] {
            let mut x = [0.0; N_FEATURES];
            x[1] = a;
            x[2] = b;
            assert!((f.probability(&x) - sigmoid(leaf)).abs() < 1e-6, "{a} {b}");
        }
    }

    #[test]
    fn bytes_round_trip_and_corruption_is_refused() {
        let t = Tree {
            features: vec![1, 2],
            cuts: vec![0.5, f32::INFINITY],
            leaves: vec![0.1, -0.2, 0.3, -0.4],
        };
        let f = Forest::new(2, -0.7, 0.3, &[t.clone(), t]).expect("valid forest");
        let bytes = f.to_bytes();
        assert_eq!(Forest::from_bytes(&bytes), Some(f));
        for k in [0, 9, 12, 24, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[k] ^= 1;
            assert_eq!(Forest::from_bytes(&bad), None, "byte {k} flipped");
        }
        assert_eq!(Forest::from_bytes(&bytes[..bytes.len() - 4]), None);
        assert_eq!(Forest::from_bytes(&[]), None);
    }

    #[test]
    fn misshapen_trees_are_refused() {
        let t = stump(0, 0.0, 0.0, 0.0);
        assert!(Forest::new(2, 0.0, 0.5, std::slice::from_ref(&t)).is_none());
        assert!(Forest::new(1, 0.0, 0.5, &[stump(N_FEATURES as u8, 0.0, 0.0, 0.0)]).is_none());
        assert!(Forest::new(0, 0.0, 0.5, &[]).is_none());
        assert!(Forest::new(1, 0.0, 0.5, &[t]).is_some());
    }

    #[test]
    fn the_simd_and_scalar_sums_agree_bit_for_bit() {
        let Some(f) = forest() else {
            panic!("the embedded filter parses");
        };
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            let mut x = [0f32; 32];
            for v in x.iter_mut().take(N_FEATURES) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                *v = ((state >> 40) as f32 / (1u64 << 24) as f32) * 40.0 - 5.0;
            }
            let scalar = f.lane_sums_scalar(&x);
            assert_eq!(f.lane_sums(&x).map(f32::to_bits), scalar.map(f32::to_bits));
        }
    }

    #[test]
    fn the_embedded_filter_parses() {
        assert!(forest().is_some_and(|f| !f.is_empty()));
    }
}
