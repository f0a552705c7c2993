//! Training of the span refiner (`whosaid_core::refine`): a structured averaged perceptron
//! over the choices of start and end of each content the tagger found, on the tagger's
//! cross-validated predictions (each article tagged by the fold model that did not see it).

use crate::Doc;
use std::ops::Range;
use whosaid_core::refine::{self, best_pair, Choices, Refiner, Tagged, KP};
use whosaid_core::tagger::{labels, Model, A_B, A_I};

/// One content of the tagger with its choices and how well each matches the gold.
pub struct Instance {
    /// Index of the article.
    pub doc: usize,
    ch: Choices,
    /// Match quality of every pair (shared tokens over the longer span's, best gold
    /// content; -1 for pairs that are no span).
    q: Vec<f32>,
    /// Best quality over the pairs.
    qmax: f32,
}

/// The gold content spans (in tokens) of every annotator file of `d`.
pub fn gold_spans(d: &Doc) -> Vec<Range<usize>> {
    let mut g: Vec<Range<usize>> = d
        .labels
        .iter()
        .flat_map(|(a, _)| labels::spans(a, A_B, A_I))
        .collect();
    g.sort_by_key(|r| (r.start, r.end));
    g.dedup();
    g
}

fn quality(s: usize, e: usize, gold: &[Range<usize>]) -> f32 {
    let mut best = 0f32;
    for g in gold {
        let shared = e.min(g.end).saturating_sub(s.max(g.start));
        if shared > 0 {
            best = best.max(shared as f32 / (e - s).max(g.len()) as f32);
        }
    }
    best
}

/// The instances of article `k` tagged by `model`.
pub fn instances(model: &Model, d: &Doc, k: usize, bits: u32, out: &mut Vec<Instance>) {
    let mut t = Tagged::new(model, &d.text, &d.tokens, &d.sentences, &d.rules);
    let gold = gold_spans(d);
    for r in 0..t.relations.len() {
        let ch = refine::choices(&mut t, r, bits);
        let lo = ch.starts.iter().min().copied().unwrap_or(0);
        let hi = ch.ends.iter().max().copied().unwrap_or(0);
        let near: Vec<Range<usize>> = gold
            .iter()
            .filter(|g| g.start < hi && lo < g.end)
            .cloned()
            .collect();
        let mut q = Vec::with_capacity(ch.starts.len() * ch.ends.len());
        let mut qmax = 0f32;
        for (i, &s) in ch.starts.iter().enumerate() {
            for (j, &e) in ch.ends.iter().enumerate() {
                if ch.valid(i, j) {
                    let v = quality(s, e, &near);
                    qmax = qmax.max(v);
                    q.push(v);
                } else {
                    q.push(-1.0);
                }
            }
        }
        out.push(Instance {
            doc: k,
            ch,
            q,
            qmax,
        });
    }
}

/// Oracle counts: (instances, original matched, some choice matched).
pub fn oracle(insts: &[Instance]) -> (usize, usize, usize) {
    let ns: usize = insts.iter().map(|x| x.ch.starts.len()).sum();
    let ne: usize = insts.iter().map(|x| x.ch.ends.len()).sum();
    let np: usize = insts
        .iter()
        .map(|x| x.ch.starts.len() * x.ch.ends.len())
        .sum();
    eprintln!(
        "refiner choices per content: {:.1} starts, {:.1} ends, {:.1} pairs",
        ns as f64 / insts.len().max(1) as f64,
        ne as f64 / insts.len().max(1) as f64,
        np as f64 / insts.len().max(1) as f64
    );
    let orig = insts.iter().filter(|x| x.q[0] >= matched()).count();
    let any = insts.iter().filter(|x| x.qmax >= matched()).count();
    (insts.len(), orig, any)
}

/// The scorer's test: a content matches when it shares at least half of the longer span.
fn matched() -> f32 {
    0.5
}

fn rng_next(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

/// Trains a refiner on `insts` (those with a choice that matches): the sum of the
/// averaged weights of `bag` perceptrons, each on its own shuffle (the choice is an argmax,
/// so the sum scores as the mean).
pub fn train(insts: &[&Instance], bits: u32, epochs: usize, seed: u64, bag: usize) -> Refiner {
    let mut acc = vec![0f32; 1usize << bits];
    let mut s = seed;
    for _ in 0..bag.max(1) {
        let w = train_one(insts, bits, epochs, s);
        for (a, x) in acc.iter_mut().zip(&w) {
            *a += x;
        }
        s = s.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1);
    }
    Refiner::from_f32(bits, &acc)
}

/// One averaged perceptron's weights.
fn train_one(insts: &[&Instance], bits: u32, epochs: usize, seed: u64) -> Vec<f32> {
    let n = 1usize << bits;
    let mut w = vec![0f32; n];
    let mut u = vec![0f32; n];
    let mut c = 1f32;
    let mut order: Vec<usize> = (0..insts.len())
        .filter(|&k| insts[k].qmax >= matched())
        .collect();
    let mut seed = seed.max(1);
    let sum = |w: &[f32], f: &[u32]| f.iter().map(|&b| w[b as usize]).sum::<f32>();
    for _ in 0..epochs {
        for i in (1..order.len()).rev() {
            let j = (rng_next(&mut seed) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &k in &order {
            let x = insts[k];
            let ch = &x.ch;
            let ss: Vec<f32> = ch.sf.iter().map(|f| sum(&w, f)).collect();
            let es: Vec<f32> = ch.ef.iter().map(|f| sum(&w, f)).collect();
            let pair = |f: &[u32; KP]| sum(&w, f);
            let (pi, pj) = best_pair(ch, &ss, &es, pair);
            let ne = ch.ends.len();
            if x.q[pi * ne + pj] < x.qmax - 1e-6 {
                // target: the best-scoring pair among the best-matching ones
                let mut tgt = (0, 0);
                let mut top = f32::NEG_INFINITY;
                for (i, &si) in ss.iter().enumerate() {
                    for (j, &ej) in es.iter().enumerate() {
                        if x.q[i * ne + j] >= x.qmax - 1e-6 {
                            let v = si + ej + pair(&ch.pf[i * ne + j]);
                            if v > top {
                                top = v;
                                tgt = (i, j);
                            }
                        }
                    }
                }
                let mut upd = |f: &[u32], y: f32| {
                    for &b in f {
                        w[b as usize] += y;
                        u[b as usize] += y * c;
                    }
                };
                upd(&ch.sf[tgt.0], 1.0);
                upd(&ch.ef[tgt.1], 1.0);
                upd(&ch.pf[tgt.0 * ne + tgt.1], 1.0);
                upd(&ch.sf[pi], -1.0);
                upd(&ch.ef[pj], -1.0);
                upd(&ch.pf[pi * ne + pj], -1.0);
            }
            c += 1.0;
        }
    }
    w.iter().zip(&u).map(|(w, u)| w - u / c).collect()
}

/// Counts of (matched before, matched after, moved, fixed, broken) over `insts` with `r`.
pub fn effect(insts: &[&Instance], r: &Refiner) -> [usize; 5] {
    let mut out = [0; 5];
    for x in insts {
        let (i, j) = r.best(&x.ch);
        let b = x.q[0] >= matched();
        let a = x.q[i * x.ch.ends.len() + j] >= matched();
        out[0] += b as usize;
        out[1] += a as usize;
        out[2] += ((i, j) != (0, 0)) as usize;
        out[3] += (a && !b) as usize;
        out[4] += (b && !a) as usize;
    }
    out
}
