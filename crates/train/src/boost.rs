//! Gradient boosting of oblivious decision trees (logistic loss, second-order leaf
//! values, histogram split search), the learner of the quote filter
//! ([`whosaid_core::filter::Forest`]).
//!
//! Each tree is grown level by level to a fixed depth; a level asks one question of all
//! its nodes, the (feature, cut) whose summed gain over the nodes is largest (as
//! CatBoost). A level with no split worth making gets an infinite cut (its bit is never
//! set). Cut points come from the training values (every midpoint when a feature has few
//! distinct values, else quantiles).

use whosaid_core::filter::{Features, Forest, Tree, N_FEATURES};

/// Learner settings.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Number of trees.
    pub trees: usize,
    /// Depth of each tree.
    pub depth: u8,
    /// Shrinkage applied to each leaf value.
    pub rate: f32,
    /// L2 penalty on leaf values.
    pub lambda: f64,
    /// Fewest training rows a child may have.
    pub min_rows: u32,
    /// Most cut points per feature.
    pub bins: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            trees: 100,
            depth: 4,
            rate: 0.1,
            lambda: 1.0,
            min_rows: 20,
            bins: 63,
        }
    }
}

/// The cut points of each feature: sorted, distinct; a value `x` falls in bin = number
/// of cuts below it, and the split at cut `j` sends bins ≤ `j` left.
fn cut_points(x: &[Features], bins: usize) -> Vec<Vec<f32>> {
    (0..N_FEATURES)
        .map(|f| {
            let mut v: Vec<f32> = x.iter().map(|r| r[f]).filter(|x| !x.is_nan()).collect();
            v.sort_by(f32::total_cmp);
            let mut distinct = v.clone();
            distinct.dedup();
            if distinct.len() <= bins + 1 {
                distinct.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect()
            } else {
                let mut cuts: Vec<f32> = (1..=bins).map(|j| v[j * v.len() / (bins + 1)]).collect();
                cuts.dedup();
                // a cut at the maximum would leave its right side empty
                cuts.retain(|&c| c < distinct[distinct.len() - 1]);
                cuts
            }
        })
        .collect()
}

/// Trains a forest on rows `x` with labels `y`, keeping quotes of probability ≥
/// `threshold`. `None` when there is nothing to learn from.
pub fn fit(x: &[Features], y: &[bool], p: &Params, threshold: f32) -> Option<Forest> {
    let n = x.len();
    if n == 0 || n != y.len() {
        return None;
    }
    let cuts = cut_points(x, p.bins);
    let nb = cuts.iter().map(Vec::len).max().unwrap_or(0) + 1;
    // bins[row * N_FEATURES + f]
    let bins: Vec<u8> = x
        .iter()
        .flat_map(|r| {
            cuts.iter()
                .enumerate()
                .map(|(f, c)| c.partition_point(|&cut| cut < r[f]) as u8)
        })
        .collect();
    let positives = y.iter().filter(|&&b| b).count() as f64;
    let prior = ((positives + 0.5) / (n as f64 + 1.0)).clamp(1e-6, 1.0 - 1e-6);
    let base = (prior / (1.0 - prior)).ln() as f32;
    let mut score = vec![base; n];
    let depth = p.depth as usize;
    let mut trees = Vec::with_capacity(p.trees);
    let mut node = vec![0u32; n];
    let mut g = vec![0f64; n];
    let mut h = vec![0f64; n];
    for _ in 0..p.trees {
        for i in 0..n {
            let q = 1.0 / (1.0 + (-score[i] as f64).exp());
            g[i] = q - y[i] as u8 as f64;
            h[i] = (q * (1.0 - q)).max(1e-12);
        }
        node.fill(0);
        let mut tree = Tree {
            features: vec![0; depth],
            cuts: vec![f32::INFINITY; depth],
            leaves: vec![0.0; 1 << depth],
        };
        for level in 0..depth {
            let width = 1usize << level;
            // (g, h, rows) per node of this level, feature and bin
            let mut hist = vec![(0f64, 0f64, 0u32); width * N_FEATURES * nb];
            for i in 0..n {
                let at = node[i] as usize * N_FEATURES;
                let row = &bins[i * N_FEATURES..(i + 1) * N_FEATURES];
                for (f, &b) in row.iter().enumerate() {
                    let cell = &mut hist[(at + f) * nb + b as usize];
                    cell.0 += g[i];
                    cell.1 += h[i];
                    cell.2 += 1;
                }
            }
            // summed gain of each (feature, cut) over the level's nodes
            let mut gain: Vec<Vec<f64>> = cuts.iter().map(|c| vec![0.0; c.len()]).collect();
            let mut allowed: Vec<Vec<bool>> = cuts.iter().map(|c| vec![false; c.len()]).collect();
            for local in 0..width {
                let cells = |f: usize| &hist[(local * N_FEATURES + f) * nb..][..nb];
                let (gt, ht, nt) = cells(0)
                    .iter()
                    .fold((0.0, 0.0, 0u32), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
                let parent = gt * gt / (ht + p.lambda);
                for (f, fcuts) in cuts.iter().enumerate() {
                    let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0u32);
                    for (j, c) in cells(f).iter().enumerate().take(fcuts.len()) {
                        gl += c.0;
                        hl += c.1;
                        nl += c.2;
                        let nr = nt - nl;
                        // a node too small to split on this cut adds nothing, but does not
                        // forbid the cut to the others
                        if nl < p.min_rows || nr < p.min_rows {
                            continue;
                        }
                        let (gr, hr) = (gt - gl, ht - hl);
                        gain[f][j] +=
                            gl * gl / (hl + p.lambda) + gr * gr / (hr + p.lambda) - parent;
                        allowed[f][j] = true;
                    }
                }
            }
            let mut best = (1e-9, None);
            for (f, row) in gain.iter().enumerate() {
                for (j, &v) in row.iter().enumerate() {
                    if allowed[f][j] && v > best.0 {
                        best = (v, Some((f, j)));
                    }
                }
            }
            if let Some((f, j)) = best.1 {
                tree.features[level] = f as u8;
                tree.cuts[level] = cuts[f][j];
                for i in 0..n {
                    let right = bins[i * N_FEATURES + f] as usize > j;
                    node[i] |= (right as u32) << level;
                }
            }
        }
        let mut sums = vec![(0f64, 0f64); 1 << depth];
        for i in 0..n {
            let s = &mut sums[node[i] as usize];
            s.0 += g[i];
            s.1 += h[i];
        }
        for (leaf, (gs, hs)) in tree.leaves.iter_mut().zip(&sums) {
            *leaf = (-gs / (hs + p.lambda)) as f32 * p.rate;
        }
        for i in 0..n {
            score[i] += tree.leaves[node[i] as usize];
        }
        trees.push(tree);
    }
    Forest::new(p.depth, base, threshold, &trees)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_a_rule_over_several_facts_exactly() {
        // positive when (a and b) or c, with a noise feature beside them
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..800 {
            let (a, b, c) = ((i % 2) as f32, ((i / 2) % 2) as f32, ((i / 4) % 2) as f32);
            let mut r = [0.0; N_FEATURES];
            r[0] = a;
            r[1] = b;
            r[2] = c;
            r[3] = (i % 7) as f32;
            x.push(r);
            y.push((a > 0.5 && b > 0.5) || c > 0.5);
        }
        let p = Params {
            trees: 40,
            depth: 3,
            rate: 0.3,
            ..Params::default()
        };
        let f = fit(&x, &y, &p, 0.5).expect("a forest");
        let right = x.iter().zip(&y).filter(|(r, &t)| f.keeps(r) == t).count();
        assert_eq!(right, x.len());
    }

    #[test]
    fn constant_labels_give_the_prior_and_no_split() {
        let x = vec![[1.0; N_FEATURES]; 50];
        let y = vec![true; 50];
        let f = fit(&x, &y, &Params::default(), 0.5).expect("a forest");
        assert!(f.probability(&x[0]) > 0.95);
        assert!(fit(&[], &[], &Params::default(), 0.5).is_none());
    }
}
