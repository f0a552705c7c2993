//! `whosaid-train`: trains the attribution tagger of `whosaid_core::tagger` on PolNeAR train,
//! cross-validates it, measures its speed and writes the model file.

mod boost;
mod classes;
mod refine;

use anyhow::{Context, Result};
use clap::Parser;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;
use whosaid_core::confidence::{Calibration, Evidence};
use whosaid_core::filter::Features;
use whosaid_core::refine::Refiner;
use whosaid_core::tagger::labels::{project, GoldRelation};
use whosaid_core::tagger::{
    self, for_each_stacked, for_each_token, paragraphs, viterbi, word_hash, word_hashes, CueSet,
    Model, WordClasses, NF, NS, N_A, N_B, N_TAGS,
};
use whosaid_core::text::{split_sentences, tokenize, Sentence, Token};
use whosaid_core::CharMap;
use whosaid_core::{pipeline, Document};
use whosaid_eval::brat::{load_split, AnnotatorSet, GoldDoc};
use whosaid_eval::polnear::{
    content_matches, greedy_match, score, speaker_agrees, Prediction, Scores,
};
use whosaid_eval::predictions::from_analysis;

#[derive(Parser, Debug)]
#[command(about = "Train the whosaid attribution tagger on PolNeAR")]
struct Args {
    /// PolNeAR directory holding `train/` and `dev/`.
    #[arg(long, default_value = "../shared/eval-data/polnear")]
    data: PathBuf,
    /// Cross-validate on train with this many folds first (0 = skip); the CV predictions
    /// also calibrate the confidence.
    #[arg(long, default_value_t = 0)]
    folds: usize,
    /// Training epochs.
    #[arg(long, default_value_t = 8)]
    epochs: usize,
    /// log2 of the number of feature buckets.
    #[arg(long, default_value_t = 18)]
    bits: u32,
    /// Minimum times a word must be annotated as (part of) a cue to enter the cue set.
    #[arg(long, default_value_t = 3)]
    cue_min: u32,
    /// Minimum share of a word's occurrences annotated as cue to enter the cue set.
    #[arg(long, default_value_t = 0.2)]
    cue_ratio: f32,
    /// Where to write the model (skipped when absent).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Score the final model on dev (look rarely).
    #[arg(long)]
    eval_dev: bool,
    /// Print the score of decoding the gold tags back (the tag scheme's ceiling).
    #[arg(long)]
    ceiling: bool,
    /// Time the tagger over the train texts.
    #[arg(long)]
    speed: bool,
    /// Stacked features: the content layer reads the decoded source/cue layer.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    stack: bool,
    /// Write the cross-validation predictions here (JSON lines, the scorer's format).
    #[arg(long)]
    dump: Option<PathBuf>,
    /// Write the cross-validation predictions of the tagger + span refiner here (JSON
    /// lines, the scorer's format): beside `--dump-pipeline`, what the merge adds or drops.
    #[arg(long)]
    dump_refined: Option<PathBuf>,
    /// Write the whole pipeline's cross-validation predictions here (JSON lines, the
    /// scorer's format with the kind and cue extensions; `whosaid eval --gold TRAIN
    /// --errors FILE` analyses them, cue figures included).
    #[arg(long)]
    dump_pipeline: Option<PathBuf>,
    /// Train only on each article's first annotator file.
    #[arg(long)]
    first_annotator_only: bool,
    /// Minimum CoreNLP (train) occurrences for a word to get its own word-class entry
    /// (0 = no word classes).
    #[arg(long, default_value_t = 2)]
    class_min: u32,
    /// Where to write the quote-confidence calibration fitted on the cross-validated
    /// whole-pipeline output (needs `--folds`; skipped when absent).
    #[arg(long)]
    confidence_out: Option<PathBuf>,
    /// Quantile of the weight magnitudes that maps to the i8 maximum (larger ones saturate).
    #[arg(long, default_value_t = 1.0)]
    clip: f64,
    /// Perceptrons trained per model, each on its own shuffle of the training paragraphs;
    /// the model is the mean of their averaged weights (a linear model: no inference cost).
    #[arg(long, default_value_t = 1)]
    bag: usize,
    /// Added to the score of the content tags at every token of the final models (a
    /// recall/precision trade-off; goes into the transitions, so costs nothing).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    content_bias: f32,
    /// Added to the score of the cue tags at every token of the final models (more cues
    /// found: 5-fold CV content F1 +0.003, cue F1 +0.008 at 40; see the README).
    #[arg(long, default_value_t = 40.0, allow_negative_numbers = true)]
    cue_bias: f32,
    /// Added to the score of the source tags at every token of the final models (more
    /// sources found: 5-fold CV speaker accuracy +0.011, content F1 ±0 at 30; see the README).
    #[arg(long, default_value_t = 30.0, allow_negative_numbers = true)]
    source_bias: f32,
    /// Seed of the first perceptron's shuffle.
    #[arg(long, default_value_t = 0x2545_f491_4f6c_dd1d)]
    shuffle_seed: u64,
    /// Train the span refiner (`whosaid_core::refine`) on the cross-validated tagger output
    /// (needs `--folds`) and use it in the whole-pipeline CV.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    refine: bool,
    /// Where to write the span refiner (needs `--folds`; default: `refine.bin` beside
    /// `--out`, skipped when neither is given).
    #[arg(long)]
    refine_out: Option<PathBuf>,
    /// log2 of the number of span-refiner weights.
    #[arg(long, default_value_t = 18)]
    refine_bits: u32,
    /// Span-refiner training epochs (5-fold CV whole pipeline F1: 3 0.658, 5 0.659, 10
    /// 0.656, 20 0.652 at 2^16 weights).
    #[arg(long, default_value_t = 5)]
    refine_epochs: usize,
    /// Span-refiner perceptrons, each on its own shuffle, whose averaged weights are summed
    /// (no inference cost; 5-fold CV whole pipeline F1, two shuffles: 1 0.657 / 0.658,
    /// 4 0.659 / 0.659, 8 0.658 / 0.659).
    #[arg(long, default_value_t = 4)]
    refine_bag: usize,
    /// Train the quote filter (`whosaid_core::filter`) on the whole pipeline's
    /// cross-validated output (needs `--folds`), cross-validating it first.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    filter: bool,
    /// Where to write the quote filter (needs `--folds`; default: `filter.bin` beside
    /// `--out`, skipped when neither is given).
    #[arg(long)]
    filter_out: Option<PathBuf>,
    /// Quote-filter trees.
    #[arg(long, default_value_t = 100)]
    filter_trees: usize,
    /// Quote-filter tree depth (oblivious trees; 5-fold CV F1 at 0.35, 100 trees: depth
    /// 4 0.675, 5 0.676, 6 0.675).
    #[arg(long, default_value_t = 5)]
    filter_depth: u8,
    /// Quote-filter learning rate.
    #[arg(long, default_value_t = 0.1)]
    filter_rate: f32,
    /// Quote-filter keep threshold (default: the best of 0.2–0.45 in the filter's
    /// cross-validation on train).
    #[arg(long)]
    filter_threshold: Option<f32>,
}

/// One article, tokenised, with gold tags per annotator file.
struct Doc {
    name: String,
    text: String,
    tokens: Vec<Token>,
    sentences: Vec<Sentence>,
    paras: Vec<std::ops::Range<usize>>,
    map: CharMap,
    /// (content-layer tags, source/cue-layer tags) per annotator file.
    labels: Vec<(Vec<u8>, Vec<u8>)>,
    /// The rule stage's code of each token (`pipeline::rule_codes`), a tagger input.
    rules: Vec<u8>,
}

fn gold_relations(set: &AnnotatorSet) -> Vec<GoldRelation> {
    set.relations
        .iter()
        .map(|r| GoldRelation {
            content: r.content.extent(),
            source: r.source.as_ref().map(|s| s.extent()),
            cue: r.cue.as_ref().map(|c| c.extent()),
        })
        .collect()
}

fn prepare(gold: &[GoldDoc]) -> Vec<Doc> {
    gold.iter()
        .map(|g| {
            let tokens = tokenize(&g.text);
            let sentences = split_sentences(&g.text, &tokens);
            let map = CharMap::new(&g.text);
            let labels = g
                .annotators
                .iter()
                .map(|a| project(&g.text, &tokens, &map, &gold_relations(a)))
                .collect();
            Doc {
                rules: pipeline::rule_codes(&g.text, &tokens, &sentences),
                name: g.name.clone(),
                paras: paragraphs(&sentences),
                text: g.text.clone(),
                tokens,
                sentences,
                map,
                labels,
            }
        })
        .collect()
}

/// Learns the cue-like word set from the training docs, with the lexicon's lemmas frozen in.
fn learn_cues(docs: &[&Doc], min: u32, ratio: f32) -> CueSet {
    let mut counts: HashMap<u64, (u32, u32, String)> = HashMap::new();
    for d in docs {
        for (_, b) in &d.labels {
            for (t, &tag) in d.tokens.iter().zip(b.iter()) {
                let w = &d.text[t.start..t.end];
                let h = word_hash(w.as_bytes());
                let e = counts
                    .entry(h)
                    .or_insert_with(|| (0, 0, w.to_ascii_lowercase()));
                e.0 += 1;
                if tag == tagger::B_BQ || tag == tagger::B_IQ {
                    e.1 += 1;
                }
            }
        }
    }
    let mut pairs: Vec<(u64, u64)> = Vec::new();
    for (h, (n, c, w)) in counts {
        let lemma = whosaid_core::lexicon::reporting_verb_lemma(&w);
        let learned = c >= min && c as f32 >= ratio * n as f32;
        if learned || lemma.is_some() {
            let l = lemma.map(|l| word_hash(l.as_bytes())).unwrap_or(h);
            pairs.push((h, l));
        }
    }
    pairs.sort_unstable();
    CueSet::new(&pairs)
}

/// Averaged perceptron state.
struct Perceptron {
    w: Vec<f32>,
    u: Vec<f32>,
    ta: Vec<f32>,
    tau: Vec<f32>,
    tb: Vec<f32>,
    tbu: Vec<f32>,
    c: f32,
}

impl Perceptron {
    fn new(bits: u32) -> Self {
        let n = (1usize << bits) * N_TAGS;
        Perceptron {
            w: vec![0.0; n],
            u: vec![0.0; n],
            ta: vec![0.0; (N_A + 1) * N_A],
            tau: vec![0.0; (N_A + 1) * N_A],
            tb: vec![0.0; (N_B + 1) * N_B],
            tbu: vec![0.0; (N_B + 1) * N_B],
            c: 1.0,
        }
    }

    /// Emissions: layer B from the base features, layer A from base and stacked ones.
    fn emissions(&self, feats: &[u32], em: &mut Vec<[f32; N_TAGS]>) {
        em.clear();
        for f in feats.chunks_exact(STRIDE) {
            let mut e = [0f32; N_TAGS];
            for &b in &f[..NF] {
                let row = &self.w[b as usize * N_TAGS..b as usize * N_TAGS + N_TAGS];
                for (x, y) in e.iter_mut().zip(row) {
                    *x += y;
                }
            }
            for &b in &f[NF..] {
                let row = &self.w[b as usize * N_TAGS..b as usize * N_TAGS + N_A];
                for (x, y) in e.iter_mut().zip(row) {
                    *x += y;
                }
            }
            em.push(e);
        }
    }

    /// One perceptron step on one paragraph chain of one layer.
    #[allow(clippy::too_many_arguments)]
    fn update_layer(
        w: &mut [f32],
        u: &mut [f32],
        t: &mut [f32],
        tu: &mut [f32],
        c: f32,
        feats: &[u32],
        off: usize,
        nt: usize,
        nfeat: usize,
        gold: &[u8],
        pred: &[u8],
    ) {
        for i in 0..gold.len() {
            let (g, p) = (gold[i] as usize, pred[i] as usize);
            if g != p {
                for &b in &feats[i * STRIDE..i * STRIDE + nfeat] {
                    let base = b as usize * N_TAGS + off;
                    w[base + g] += 1.0;
                    u[base + g] += c;
                    w[base + p] -= 1.0;
                    u[base + p] -= c;
                }
            }
            let gp = if i == 0 { 0 } else { 1 + gold[i - 1] as usize };
            let pp = if i == 0 { 0 } else { 1 + pred[i - 1] as usize };
            if (gp, g) != (pp, p) {
                t[gp * nt + g] += 1.0;
                tu[gp * nt + g] += c;
                t[pp * nt + p] -= 1.0;
                tu[pp * nt + p] -= c;
            }
        }
    }

    /// The averaged weights: emissions, then layer A's and layer B's transitions.
    fn averaged(&self) -> Averaged {
        let avg = |w: &[f32], u: &[f32]| -> Vec<f32> {
            w.iter().zip(u).map(|(w, u)| w - u / self.c).collect()
        };
        Averaged {
            w: avg(&self.w, &self.u),
            ta: avg(&self.ta, &self.tau),
            tb: avg(&self.tb, &self.tbu),
        }
    }
}

/// The averaged weights of one or more perceptrons (their mean).
struct Averaged {
    w: Vec<f32>,
    ta: Vec<f32>,
    tb: Vec<f32>,
}

impl Averaged {
    /// Adds `o` into `self` (for a mean: scale afterwards).
    fn add(&mut self, o: &Averaged) {
        for (a, b) in [
            (&mut self.w, &o.w),
            (&mut self.ta, &o.ta),
            (&mut self.tb, &o.tb),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    /// Multiplies every weight by `k`.
    fn scale(&mut self, k: f32) {
        for v in [&mut self.w, &mut self.ta, &mut self.tb] {
            for x in v.iter_mut() {
                *x *= k;
            }
        }
    }

    /// The quantised model.
    fn to_model(
        &self,
        bits: u32,
        clip: f64,
        cues: &CueSet,
        wc: &WordClasses,
        calib: (f32, f32),
    ) -> Model {
        let avg = &self.w;
        // i8 quantisation: the scale puts the `clip` quantile of the non-zero magnitudes at
        // 127; the few larger weights saturate.
        let mut mags: Vec<f32> = avg.iter().map(|x| x.abs()).filter(|&x| x > 0.0).collect();
        let max = if mags.is_empty() {
            1e-6
        } else {
            let k = ((mags.len() - 1) as f64 * clip) as usize;
            *mags.select_nth_unstable_by(k, |a, b| a.total_cmp(b)).1
        }
        .max(1e-6);
        let scale = 127.0 / max;
        let weights = avg
            .iter()
            .map(|x| (x * scale).round().clamp(-127.0, 127.0) as i8)
            .collect();
        let mut trans_a = [0f32; (N_A + 1) * N_A];
        trans_a.copy_from_slice(&self.ta);
        let mut trans_b = [0f32; (N_B + 1) * N_B];
        trans_b.copy_from_slice(&self.tb);
        Model {
            bits,
            weights,
            inv_scale: 1.0 / scale,
            trans_a,
            trans_b,
            calib,
            cues: cues.clone(),
            classes: wc.clone(),
        }
    }
}

/// Features of every token: NF base buckets then NS stacked ones (from the decoded or
/// jackknifed source/cue tags `b`).
fn extract(d: &Doc, cues: &CueSet, wc: &WordClasses, bits: u32, b: &[u8]) -> Vec<u32> {
    let mut out = vec![0u32; d.tokens.len() * STRIDE];
    let words = word_hashes(&d.text, &d.tokens);
    for_each_token(
        &d.text,
        &d.tokens,
        &d.sentences,
        &words,
        &d.rules,
        cues,
        wc,
        bits,
        |i, f| {
            out[i * STRIDE..i * STRIDE + NF].copy_from_slice(f);
        },
    );
    for_each_stacked(&d.tokens, &d.sentences, &words, b, bits, |i, f| {
        out[i * STRIDE + NF..(i + 1) * STRIDE].copy_from_slice(f);
    });
    out
}

const STRIDE: usize = NF + NS;

fn rng_next(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

fn train(docs: &[&Doc], args: &Args, wc: &WordClasses) -> Model {
    let cues = learn_cues(docs, args.cue_min, args.cue_ratio);
    // Jackknifed source/cue tags for the stacked features: each half tagged by a model
    // trained on the other half, so that they are as noisy as at inference.
    let mut bpred: Vec<Vec<u8>> = docs.iter().map(|d| vec![0u8; d.tokens.len()]).collect();
    if args.stack {
        for h in 0..2 {
            let sub: Vec<&Doc> = docs
                .iter()
                .enumerate()
                .filter(|(k, _)| k % 2 != h)
                .map(|(_, d)| *d)
                .collect();
            let zeros: Vec<Vec<u8>> = sub.iter().map(|d| vec![0u8; d.tokens.len()]).collect();
            let m = train_stage(&sub, args, &cues, wc, &zeros, args.epochs.min(5));

            for (k, d) in docs.iter().enumerate() {
                if k % 2 == h {
                    let words = word_hashes(&d.text, &d.tokens);
                    let em = m.emissions(&d.text, &d.tokens, &d.sentences, &words, &d.rules);
                    bpred[k] = m.decode_b(&d.sentences, &em);
                }
            }
        }
    }
    let mut m = train_stage(docs, args, &cues, wc, &bpred, args.epochs);
    bias_tags(&mut m, args.content_bias, args.cue_bias, args.source_bias);
    m
}

fn train_stage(
    docs: &[&Doc],
    args: &Args,
    cues: &CueSet,
    wc: &WordClasses,
    bpred: &[Vec<u8>],
    epochs: usize,
) -> Model {
    let t0 = Instant::now();
    let feats: Vec<Vec<u32>> = docs
        .iter()
        .zip(bpred)
        .map(|(d, b)| extract(d, cues, wc, args.bits, b))
        .collect();
    // Instances: (doc, annotator file, paragraph).
    let mut inst: Vec<(usize, usize, usize)> = Vec::new();
    for (k, d) in docs.iter().enumerate() {
        let n_ann = if args.first_annotator_only {
            d.labels.len().min(1)
        } else {
            d.labels.len()
        };
        for a in 0..n_ann {
            for p in 0..d.paras.len() {
                inst.push((k, a, p));
            }
        }
    }
    let mut sum: Option<Averaged> = None;
    let bags = args.bag.max(1);
    for bag in 0..bags {
        let mut seed = args
            .shuffle_seed
            .wrapping_add((bag as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .max(1);
        let avg = train_one(docs, &feats, inst.clone(), args.bits, epochs, &mut seed, t0);
        match &mut sum {
            Some(s) => s.add(&avg),
            None => sum = Some(avg),
        }
    }
    let mut avg = sum.unwrap_or_else(|| Perceptron::new(args.bits).averaged());
    avg.scale(1.0 / bags as f32);
    avg.to_model(args.bits, args.clip, cues, wc, (1.0, 0.0))
}

/// One averaged perceptron over the instances `inst` (doc, annotator file, paragraph),
/// shuffled anew each epoch from `seed`.
fn train_one(
    docs: &[&Doc],
    feats: &[Vec<u32>],
    mut inst: Vec<(usize, usize, usize)>,
    bits: u32,
    epochs: usize,
    seed: &mut u64,
    t0: Instant,
) -> Averaged {
    let mut pc = Perceptron::new(bits);
    let mut em = Vec::new();
    let mut back = Vec::new();
    let mut pa = Vec::new();
    let mut pb = Vec::new();
    for epoch in 0..epochs {
        for i in (1..inst.len()).rev() {
            let j = (rng_next(seed) % (i as u64 + 1)) as usize;
            inst.swap(i, j);
        }
        let mut errs = 0usize;
        for &(k, a, p) in &inst {
            let d = docs[k];
            let r = d.paras[p].clone();
            let f = &feats[k][r.start * STRIDE..r.end * STRIDE];
            pc.emissions(f, &mut em);
            pa.resize(r.len(), 0);
            pb.resize(r.len(), 0);
            viterbi(&em, 0, N_A, &pc.ta, &mut pa, &mut back);
            viterbi(&em, N_A, N_B, &pc.tb, &mut pb, &mut back);
            let (ga, gb) = (&d.labels[a].0[r.clone()], &d.labels[a].1[r.clone()]);
            errs += ga.iter().zip(&pa).filter(|(x, y)| x != y).count();
            let c = pc.c;
            Perceptron::update_layer(
                &mut pc.w,
                &mut pc.u,
                &mut pc.ta,
                &mut pc.tau,
                c,
                f,
                0,
                N_A,
                STRIDE,
                ga,
                &pa,
            );
            Perceptron::update_layer(
                &mut pc.w,
                &mut pc.u,
                &mut pc.tb,
                &mut pc.tbu,
                c,
                f,
                N_A,
                N_B,
                NF,
                gb,
                &pb,
            );
            pc.c += 1.0;
        }
        eprintln!(
            "  epoch {}: {} content-tag errors ({:.1}s)",
            epoch + 1,
            errs,
            t0.elapsed().as_secs_f32()
        );
    }
    pc.averaged()
}

/// Adds `content` to the score of every content tag (`B`, `I`), `cue` to that of every cue
/// tag and `source` to that of every source tag: a constant per token, so it goes into the
/// transitions into those tags.
fn bias_tags(m: &mut Model, content: f32, cue: f32, source: f32) {
    for row in 0..=N_A {
        m.trans_a[row * N_A + tagger::A_B as usize] += content;
        m.trans_a[row * N_A + tagger::A_I as usize] += content;
    }
    for row in 0..=N_B {
        m.trans_b[row * N_B + tagger::B_BQ as usize] += cue;
        m.trans_b[row * N_B + tagger::B_IQ as usize] += cue;
        m.trans_b[row * N_B + tagger::B_BS as usize] += source;
        m.trans_b[row * N_B + tagger::B_IS as usize] += source;
    }
}

/// Predictions of `model` on `d`, with their calibration margins.
fn predict_doc(model: &Model, d: &Doc) -> Vec<(Prediction, f32)> {
    let (a, b, em) = model.tag(&d.text, &d.tokens, &d.sentences, &d.rules);
    tagger::assemble(&d.paras, &a, &b)
        .into_iter()
        .map(|(c, _cue, src)| {
            let m = Model::margin(&em, c.clone());
            (to_prediction(d, c, src), m)
        })
        .collect()
}

fn to_prediction(
    d: &Doc,
    c: std::ops::Range<usize>,
    src: Option<std::ops::Range<usize>>,
) -> Prediction {
    let (a, b) = (d.tokens[c.start].start, d.tokens[c.end - 1].end);
    Prediction {
        doc: d.name.clone(),
        content: d.text[a..b].to_string(),
        content_start: Some(d.map.char_offset(a)),
        content_end: Some(d.map.char_offset(b)),
        speaker: src.map(|s| d.text[d.tokens[s.start].start..d.tokens[s.end - 1].end].to_string()),
    }
}

fn print_scores(label: &str, s: &Scores) {
    println!(
        "{label}: content P {:.3} R {:.3} F1 {:.3} | speaker acc {:.3} (n={}) | tp {} fp {} fn {}",
        s.content_p, s.content_r, s.content_f1, s.speaker_acc, s.speaker_n, s.tp, s.fp, s.fn_
    );
}

/// Fits `sigmoid(a * m + b)` to (margin, matched) pairs by gradient descent.
fn calibrate(pairs: &[(f32, bool)]) -> (f32, f32) {
    if pairs.is_empty() {
        return (1.0, 0.0);
    }
    let sd = (pairs.iter().map(|p| p.0 * p.0).sum::<f32>() / pairs.len() as f32)
        .sqrt()
        .max(1e-6);
    let (mut a, mut b) = (0f64, 0f64);
    for _ in 0..2000 {
        let (mut ga, mut gb) = (0f64, 0f64);
        for &(m, y) in pairs {
            let x = (m / sd) as f64;
            let p = 1.0 / (1.0 + (-(a * x + b)).exp());
            let e = p - y as u8 as f64;
            ga += e * x;
            gb += e;
        }
        let n = pairs.len() as f64;
        a -= 0.5 * ga / n;
        b -= 0.5 * gb / n;
    }
    ((a / sd as f64) as f32, b as f32)
}

fn ceiling(gold: &[GoldDoc], docs: &[Doc]) -> Scores {
    // Each annotator file's tags decoded back, scored against that file alone.
    let mut g1 = Vec::new();
    let mut preds = Vec::new();
    for (g, d) in gold.iter().zip(docs) {
        for (k, ann) in g.annotators.iter().enumerate() {
            let name = format!("{}#{}", g.name, k);
            g1.push(GoldDoc {
                name: name.clone(),
                text: g.text.clone(),
                annotators: vec![ann.clone()],
            });
            let (a, b) = &d.labels[k];
            for (c, _, s) in tagger::assemble(&d.paras, a, b) {
                let mut p = to_prediction(d, c, s);
                p.doc = name.clone();
                preds.push(p);
            }
        }
    }
    score(&g1, &preds)
}

fn matched_any(g: &GoldDoc, p: &Prediction) -> bool {
    let span = (p.content_start.unwrap_or(0), p.content_end.unwrap_or(0));
    g.annotators.iter().any(|a| {
        a.relations
            .iter()
            .any(|r| content_matches(span, r.content.extent()))
    })
}

/// User + system CPU seconds of the current thread (Linux), if readable.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let t0 = Instant::now();
    let gold = load_split(&args.data.join("train")).context("loading PolNeAR train")?;
    let docs = prepare(&gold);
    let n_tok: usize = docs.iter().map(|d| d.tokens.len()).sum();
    eprintln!(
        "train: {} articles, {} annotator files, {} tokens ({:.1}s)",
        docs.len(),
        gold.iter().map(|g| g.annotators.len()).sum::<usize>(),
        n_tok,
        t0.elapsed().as_secs_f32()
    );
    let wc = if args.class_min > 0 {
        classes::learn(&args.data.join("corenlp/train.conllu.gz"), args.class_min)?
    } else {
        WordClasses::default()
    };
    if args.ceiling {
        print_scores("gold-decoding ceiling (train)", &ceiling(&gold, &docs));
    }
    let mut calib = (1.0, 0.0);
    if args.folds > 1 {
        let mut preds = Vec::new();
        let mut pairs = Vec::new();
        // the whole pipeline (rules + this fold's tagger + merge + speakers), out of fold
        let mut pipeline_preds = Vec::new();
        let mut pipeline_quotes = Vec::new();
        let mut evidence: Vec<(usize, Evidence, bool)> = Vec::new();
        // per pipeline quote (in the order of `evidence`): matched by the scorer
        let mut matched_by_scorer: Vec<bool> = Vec::new();
        let mut fold_models: Vec<Model> = Vec::new();
        let mut rinsts: Vec<refine::Instance> = Vec::new();
        for f in 0..args.folds {
            let tr: Vec<&Doc> = docs
                .iter()
                .enumerate()
                .filter(|(k, _)| k % args.folds != f)
                .map(|(_, d)| d)
                .collect();
            eprintln!("fold {}/{}", f + 1, args.folds);
            let m = train(&tr, &args, &wc);
            fold_models.push(m.clone());
            if args.refine {
                for (k, d) in docs.iter().enumerate().filter(|(k, _)| k % args.folds == f) {
                    refine::instances(&m, d, k, args.refine_bits, &mut rinsts);
                }
            }
            for (k, d) in docs.iter().enumerate() {
                if k % args.folds == f {
                    for (p, m) in predict_doc(&m, d) {
                        pairs.push((m, matched_any(&gold[k], &p)));
                        preds.push(p);
                    }
                }
            }
        }
        print_scores(
            &format!("{}-fold CV on train", args.folds),
            &score(&gold, &preds),
        );
        if let Ok(grid) = std::env::var("WS_BIAS_GRID") {
            for spec in grid.split(',') {
                let v: Vec<f32> = spec.split(':').filter_map(|x| x.parse().ok()).collect();
                let (da, db, ds) = (v[0], v[1], v[2]);
                let mut bp = Vec::new();
                for (f, m) in fold_models.iter().enumerate() {
                    let mut m = m.clone();
                    bias_tags(&mut m, da, db, ds);
                    for (k, d) in docs.iter().enumerate().filter(|(k, _)| k % args.folds == f) {
                        let _ = k;
                        bp.extend(predict_doc(&m, d).into_iter().map(|p| p.0));
                    }
                }
                print_scores(
                    &format!("  bias content {da} cue {db} source {ds}"),
                    &score(&gold, &bp),
                );
            }
        }
        if let Some(path) = &args.dump {
            write_jsonl(path, &preds)?;
        }
        calib = calibrate(&pairs);
        // The span refiner of each fold, trained on the other folds' tagger output.
        let mut refiners: Vec<Refiner> = Vec::new();
        if args.refine {
            let (n, orig, any) = refine::oracle(&rinsts);
            println!(
                "span refiner: {n} tagger contents, {orig} match a gold content, {any} could (oracle)"
            );
            let mut rp = Vec::new();
            let mut eff = [0usize; 5];
            for (f, m) in fold_models.iter().enumerate() {
                let tr: Vec<&refine::Instance> =
                    rinsts.iter().filter(|x| x.doc % args.folds != f).collect();
                let r = refine::train(
                    &tr,
                    args.refine_bits,
                    args.refine_epochs,
                    args.shuffle_seed,
                    args.refine_bag,
                );
                let te: Vec<&refine::Instance> =
                    rinsts.iter().filter(|x| x.doc % args.folds == f).collect();
                let e = refine::effect(&te, &r);
                for (a, b) in eff.iter_mut().zip(e) {
                    *a += b;
                }
                let mut m = m.clone();
                m.calib = calib;
                for d in docs
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| k % args.folds == f)
                    .map(|x| x.1)
                {
                    for c in whosaid_core::refine::predict(
                        &m,
                        Some(&r),
                        &d.text,
                        &d.tokens,
                        &d.sentences,
                        &d.rules,
                    ) {
                        rp.push(to_prediction(d, c.content, c.source));
                    }
                }
                refiners.push(r);
            }
            println!(
                "  held out: matched {} -> {} ({} moved, {} fixed, {} broken)",
                eff[0], eff[1], eff[2], eff[3], eff[4]
            );
            print_scores(
                &format!("{}-fold CV on train, tagger + refiner", args.folds),
                &score(&gold, &rp),
            );
            if let Some(path) = &args.dump_refined {
                write_jsonl(path, &rp)?;
            }
        }
        // The whole pipeline, each article analysed with the tagger of the fold that did
        // not see it (given the final margin calibration, as the shipped model will be).
        for (f, m) in fold_models.iter_mut().enumerate() {
            m.calib = calib;
            for (k, d) in docs.iter().enumerate().filter(|(k, _)| k % args.folds == f) {
                let doc = Document::new(d.name.clone(), d.text.clone());
                let (analysis, ev) =
                    pipeline::analyze_refined(&doc, Some(m), refiners.get(f), None);
                let quotes = from_analysis(&analysis);
                let refs: Vec<Prediction> = quotes.iter().map(|q| q.to_reference()).collect();
                let matched = scorer_matched(&gold[k], &refs);
                for (((q, p), e), y) in quotes.into_iter().zip(refs).zip(ev).zip(matched) {
                    evidence.push((k, e, quote_right(&gold[k], &p)));
                    matched_by_scorer.push(y);
                    pipeline_preds.push(p);
                    pipeline_quotes.push(q);
                }
            }
        }
        print_scores(
            &format!("{}-fold CV on train, whole pipeline", args.folds),
            &score(&gold, &pipeline_preds),
        );
        if let Some(path) = &args.dump_pipeline {
            let f = std::fs::File::create(path)
                .with_context(|| format!("writing {}", path.display()))?;
            whosaid_eval::predictions::write_jsonl(std::io::BufWriter::new(f), &pipeline_quotes)?;
        }
        let held = fit_confidence(&evidence, args.confidence_out.as_deref())?;
        if args.filter {
            let out = args
                .filter_out
                .clone()
                .or_else(|| args.out.as_ref().map(|o| o.with_file_name("filter.bin")));
            let rows: Vec<(usize, Features, bool)> = evidence
                .iter()
                .zip(&matched_by_scorer)
                .map(|((k, e, _), &y)| (*k, e.filter, y))
                .collect();
            train_filter(&args, &gold, &rows, &pipeline_preds, out.as_deref())?;
        }
        if std::env::var_os("WS_EXPERIMENT").is_some() {
            for th in [0.05f32, 0.1, 0.15, 0.2, 0.25, 0.3] {
                let kept = keep_at_least(&pipeline_preds, &held, th);
                print_scores(&format!("  keep calibrated >= {th}"), &score(&gold, &kept));
            }
        }
        eprintln!("calibration: a {:.3} b {:.3}", calib.0, calib.1);
        let refine_out = args
            .refine_out
            .clone()
            .or_else(|| args.out.as_ref().map(|o| o.with_file_name("refine.bin")));
        if let (true, Some(out)) = (args.refine, &refine_out) {
            let all: Vec<&refine::Instance> = rinsts.iter().collect();
            let r = refine::train(
                &all,
                args.refine_bits,
                args.refine_epochs,
                args.shuffle_seed,
                args.refine_bag,
            );
            std::fs::write(out, r.to_bytes())
                .with_context(|| format!("writing {}", out.display()))?;
            eprintln!("wrote {}", out.display());
        }
    }
    let all: Vec<&Doc> = docs.iter().collect();
    let mut model = train(&all, &args, &wc);
    model.calib = calib;
    let bytes = model.to_bytes();
    let model = Model::from_bytes(&bytes).context("re-reading the model")?;
    if let Some(out) = &args.out {
        std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    }
    if args.speed {
        // CPU time of this thread (the machine is shared: wall time would count others' work).
        let bytes_in: usize = docs.iter().map(|d| d.text.len()).sum();
        let (c0, t) = (cpu_seconds(), Instant::now());
        let mut n = 0;
        let passes = 5;
        for _ in 0..passes {
            for d in &docs {
                n += model
                    .predict(&d.text, &d.tokens, &d.sentences, &d.rules)
                    .len();
            }
        }
        let wall = t.elapsed().as_secs_f64() / passes as f64;
        let c_mid = cpu_seconds();
        let mut sink = 0u64;
        for _ in 0..passes {
            for d in &docs {
                let words = word_hashes(&d.text, &d.tokens);
                for_each_token(
                    &d.text,
                    &d.tokens,
                    &d.sentences,
                    &words,
                    &d.rules,
                    &model.cues,
                    &model.classes,
                    model.bits,
                    |_, f| {
                        sink = sink.wrapping_add(f[0] as u64 ^ f[NF - 1] as u64);
                    },
                );
            }
        }
        if let (Some(a), Some(b)) = (c_mid, cpu_seconds()) {
            eprintln!(
                "  of which base feature hashing alone: {:.0} ns/token ({})",
                (b - a) / passes as f64 * 1e9 / n_tok as f64,
                sink % 2
            );
        }
        let s = c_mid
            .map(|c1| (c1 - c0.unwrap_or(0.0)) / passes as f64)
            .unwrap_or(wall);
        println!(
            "tagger speed (CPU time): {:.2} M tokens/s, {:.1} MB/s, {:.0} ns/token (wall {:.0} ns/token; {} candidates/pass)",
            n_tok as f64 / s / 1e6,
            bytes_in as f64 / s / 1e6,
            s * 1e9 / n_tok as f64,
            wall * 1e9 / n_tok as f64,
            n / passes
        );
    }
    if args.eval_dev {
        let dev = load_split(&args.data.join("dev")).context("loading PolNeAR dev")?;
        let ddocs = prepare(&dev);
        let preds: Vec<Prediction> = ddocs
            .iter()
            .flat_map(|d| predict_doc(&model, d).into_iter().map(|p| p.0))
            .collect();
        print_scores("dev", &score(&dev, &preds));
    }
    Ok(())
}

/// For each prediction of one article (in the scorer's order), whether the reference
/// scorer matches it to a gold content of some annotator file.
fn scorer_matched(g: &GoldDoc, preds: &[Prediction]) -> Vec<bool> {
    let spans: Vec<(usize, usize)> = preds
        .iter()
        .map(|p| (p.content_start.unwrap_or(0), p.content_end.unwrap_or(0)))
        .collect();
    let mut matched = vec![false; preds.len()];
    for ann in &g.annotators {
        let golds: Vec<(usize, usize)> = ann.relations.iter().map(|r| r.content.extent()).collect();
        for k in greedy_match(&spans, &golds, content_matches)
            .into_iter()
            .flatten()
        {
            matched[k] = true;
        }
    }
    matched
}

/// The predictions whose probability (`p`, one per prediction) is at least `threshold`.
fn keep_at_least(preds: &[Prediction], p: &[f32], threshold: f32) -> Vec<Prediction> {
    preds
        .iter()
        .zip(p)
        .filter(|(_, &p)| p >= threshold)
        .map(|(q, _)| q.clone())
        .collect()
}

/// Cross-validates the quote filter on the whole pipeline's out-of-fold quotes (`rows`,
/// in the order of `preds`; each fold's trees trained on the other folds' articles),
/// printing the pipeline's scores with the filter at several thresholds, then trains it
/// on all the rows at the chosen threshold and writes it to `out`.
fn train_filter(
    args: &Args,
    gold: &[GoldDoc],
    rows: &[(usize, Features, bool)],
    preds: &[Prediction],
    out: Option<&std::path::Path>,
) -> Result<()> {
    let params = boost::Params {
        trees: args.filter_trees,
        depth: args.filter_depth,
        rate: args.filter_rate,
        ..boost::Params::default()
    };
    let mut held = vec![0f32; rows.len()];
    for f in 0..args.folds {
        let (x, y): (Vec<Features>, Vec<bool>) = rows
            .iter()
            .filter(|r| r.0 % args.folds != f)
            .map(|r| (r.1, r.2))
            .unzip();
        let Some(forest) = boost::fit(&x, &y, &params, 0.5) else {
            continue;
        };
        for (n, r) in rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.0 % args.folds == f)
        {
            held[n] = forest.probability(&r.1);
        }
    }
    let mut best = (f64::MIN, 0.3f32);
    for th in [0.0f32, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45] {
        let s = score(gold, &keep_at_least(preds, &held, th));
        print_scores(
            &format!(
                "{}-fold CV on train, whole pipeline + quote filter >= {th}",
                args.folds
            ),
            &s,
        );
        // (unrounded: the printed figures are the scorer's three decimals)
        let f1 = 2.0 * s.tp as f64 / (2 * s.tp + s.fp + s.fn_).max(1) as f64;
        if th > 0.0 && f1 > best.0 {
            best = (f1, th);
        }
    }
    let threshold = args.filter_threshold.unwrap_or(best.1);
    let (x, y): (Vec<Features>, Vec<bool>) = rows.iter().map(|r| (r.1, r.2)).unzip();
    let forest = boost::fit(&x, &y, &params, threshold).context("training the quote filter")?;
    println!(
        "quote filter: {} oblivious trees of depth {}, threshold {threshold}",
        forest.len(),
        args.filter_depth
    );
    if let Some(out) = out {
        std::fs::write(out, forest.to_bytes())
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

/// Whether a prediction is right: its content matches an annotated content (any annotator)
/// whose source, if it has one, the predicted speaker agrees with (the scorer's test).
fn quote_right(g: &GoldDoc, p: &Prediction) -> bool {
    let span = (p.content_start.unwrap_or(0), p.content_end.unwrap_or(0));
    g.annotators.iter().any(|a| {
        a.relations.iter().any(|r| {
            content_matches(span, r.content.extent())
                && r.source.as_ref().is_none_or(|s| {
                    p.speaker
                        .as_deref()
                        .is_some_and(|spk| speaker_agrees(spk, &s.text))
                })
        })
    })
}

/// Prints the reliability of the raw and the calibrated confidence (the calibrated one
/// measured on the half of the articles it was not fitted on, both ways), then fits the
/// calibration on all the evidence and writes it to `out`.
fn fit_confidence(
    evidence: &[(usize, Evidence, bool)],
    out: Option<&std::path::Path>,
) -> Result<Vec<f32>> {
    let mut held_out: Vec<(f32, f32, bool)> = Vec::new(); // (raw, calibrated, right)
    let mut by_index = vec![0f32; evidence.len()];
    for half in 0..2 {
        let train: Vec<(Evidence, bool)> = evidence
            .iter()
            .filter(|(k, _, _)| k % 2 != half)
            .map(|(_, e, y)| (*e, *y))
            .collect();
        let c = Calibration::fit(&train);
        for (n, (_, e, y)) in evidence
            .iter()
            .enumerate()
            .filter(|(_, (k, _, _))| k % 2 == half)
        {
            held_out.push((e.raw, c.probability(e), *y));
            by_index[n] = c.probability(e);
        }
    }
    println!("quote confidence, whole-pipeline CV on train (calibrated: fitted on the other half of the articles)");
    println!("  bin          raw: n  right   calibrated: n  right");
    let bins = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)];
    for (lo, hi) in bins {
        let row = |pick: fn(&(f32, f32, bool)) -> f32| {
            let v: Vec<&(f32, f32, bool)> = held_out
                .iter()
                .filter(|x| (lo..hi).contains(&pick(x)))
                .collect();
            let right = v.iter().filter(|x| x.2).count();
            (v.len(), right as f64 / v.len().max(1) as f64)
        };
        let (rn, rr) = row(|x| x.0);
        let (cn, cr) = row(|x| x.1);
        println!(
            "  [{lo:.1},{:.1})  {rn:>7} {rr:>6.3}   {cn:>13} {cr:>6.3}",
            hi.min(1.0)
        );
    }
    let brier = |pick: fn(&(f32, f32, bool)) -> f32| {
        held_out
            .iter()
            .map(|x| (pick(x) as f64 - x.2 as u8 as f64).powi(2))
            .sum::<f64>()
            / held_out.len().max(1) as f64
    };
    println!(
        "  Brier score: raw {:.4}, calibrated {:.4} ({} quotes)",
        brier(|x| x.0),
        brier(|x| x.1),
        held_out.len()
    );
    let all: Vec<(Evidence, bool)> = evidence.iter().map(|(_, e, y)| (*e, *y)).collect();
    let c = Calibration::fit(&all);
    if let Some(out) = out {
        let header = format!(
            "Quote confidence calibration: logistic regression over whosaid_core::confidence::features,\n\
             fitted by `whosaid-train --folds 5 --confidence-out` on {} quotes of the whole pipeline's\n\
             5-fold cross-validated output on PolNeAR train (target: content matched and speaker right).",
            all.len()
        );
        std::fs::write(out, c.to_text(&header))
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote {}", out.display());
    }
    Ok(by_index)
}

/// Writes predictions as JSON lines (the reference scorer's format).
fn write_jsonl(path: &std::path::Path, preds: &[Prediction]) -> Result<()> {
    let mut s = String::new();
    for p in preds {
        s.push_str(&serde_json::to_string(p)?);
        s.push('\n');
    }
    std::fs::write(path, s)?;
    Ok(())
}
