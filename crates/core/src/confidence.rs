//! Calibrated quote confidence: the probability that a quote is right — its content matches
//! an annotated attribution and its speaker is that attribution's source — estimated by a
//! logistic regression over what the pipeline knows about the quote ([`Evidence`]).
//!
//! The weights are fitted by `whosaid-train` on cross-validated PolNeAR train output (every
//! article analysed by the whole pipeline with a tagger that never saw it) and embedded
//! from `crates/core/models/confidence.txt`. Without that file (or with a broken one) the
//! pipeline's raw score is reported unchanged.

use crate::analysis::{QuoteKind, Resolution};
use crate::candidate::Origin;
use std::sync::OnceLock;

/// What the pipeline knows about one quote when it scores it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    /// Which stage proposed the content.
    pub origin: Origin,
    /// Direct, mixed, indirect or headline.
    pub kind: QuoteKind,
    /// How the speaker was found.
    pub resolution: Resolution,
    /// A cue was found.
    pub has_cue: bool,
    /// The proposer's own score (rule pattern strength or the tagger's calibrated margin).
    pub score: f32,
    /// The heuristic confidence (score weighed by speaker, kind, cue and origin).
    pub raw: f32,
    /// Words in the content.
    pub words: usize,
    /// What the quote filter sees of the quote in its article.
    pub filter: crate::filter::Features,
}

/// Number of calibration features.
pub const N_FEATURES: usize = 18;

/// Names of the features, in order (the keys of `confidence.txt`).
pub const FEATURE_NAMES: [&str; N_FEATURES] = [
    "bias",
    "model",
    "kind_direct",
    "kind_mixed",
    "kind_headline",
    "speaker_pronoun",
    "speaker_nominal",
    "speaker_unresolved",
    "cue",
    "score_logit",
    "raw_logit",
    "model_score_logit",
    "words_1_2",
    "words_3_5",
    "words_16_plus",
    "model_direct",
    "model_mixed",
    "rule_indirect",
];

fn logit(p: f32) -> f32 {
    let p = p.clamp(0.01, 0.99);
    (p / (1.0 - p)).ln()
}

/// The feature vector of `e` (see [`FEATURE_NAMES`]).
pub fn features(e: &Evidence) -> [f32; N_FEATURES] {
    let model = e.origin == Origin::Model;
    let b = |x: bool| x as u8 as f32;
    [
        1.0,
        b(model),
        b(e.kind == QuoteKind::Direct),
        b(e.kind == QuoteKind::Mixed),
        b(e.kind == QuoteKind::Headline),
        b(e.resolution == Resolution::Pronoun),
        b(e.resolution == Resolution::Nominal),
        b(e.resolution == Resolution::Unresolved),
        b(e.has_cue),
        logit(e.score),
        logit(e.raw),
        if model { logit(e.score) } else { 0.0 },
        b(e.words <= 2),
        b((3..=5).contains(&e.words)),
        b(e.words >= 16),
        b(model && e.kind == QuoteKind::Direct),
        b(model && e.kind == QuoteKind::Mixed),
        b(!model && e.kind == QuoteKind::Indirect),
    ]
}

/// Logistic-regression weights over [`features`].
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// One weight per feature.
    pub weights: [f32; N_FEATURES],
}

/// Why a calibration file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalibrationError {
    /// A line is not `name weight`, or the weight is not a finite number.
    #[error("line {0}: expected `name weight`")]
    Syntax(usize),
    /// A feature name the code does not know.
    #[error("line {0}: unknown feature")]
    Unknown(usize),
    /// Some feature has no weight.
    #[error("feature {0} missing")]
    Missing(&'static str),
}

impl Calibration {
    /// The probability that a quote with evidence `e` is right.
    pub fn probability(&self, e: &Evidence) -> f32 {
        let z: f32 = features(e)
            .iter()
            .zip(&self.weights)
            .map(|(x, w)| x * w)
            .sum();
        1.0 / (1.0 + (-z).exp())
    }

    /// Parses `name weight` lines (`#` starts a comment).
    pub fn parse(text: &str) -> Result<Calibration, CalibrationError> {
        let mut weights = [f32::NAN; N_FEATURES];
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (Some(name), Some(w), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(CalibrationError::Syntax(n + 1));
            };
            let w: f32 = w
                .parse()
                .ok()
                .filter(|w: &f32| w.is_finite())
                .ok_or(CalibrationError::Syntax(n + 1))?;
            let k = FEATURE_NAMES
                .iter()
                .position(|f| *f == name)
                .ok_or(CalibrationError::Unknown(n + 1))?;
            weights[k] = w;
        }
        if let Some(k) = weights.iter().position(|w| w.is_nan()) {
            return Err(CalibrationError::Missing(FEATURE_NAMES[k]));
        }
        Ok(Calibration { weights })
    }

    /// The file format read by [`Calibration::parse`].
    pub fn to_text(&self, header: &str) -> String {
        let mut s = String::new();
        for h in header.lines() {
            s.push_str("# ");
            s.push_str(h);
            s.push('\n');
        }
        for (name, w) in FEATURE_NAMES.iter().zip(&self.weights) {
            s.push_str(&format!("{name} {w:.6}\n"));
        }
        s
    }

    /// Fits the weights to `(evidence, right)` pairs by full-batch gradient descent on the
    /// log loss with a small L2 penalty.
    pub fn fit(data: &[(Evidence, bool)]) -> Calibration {
        let xs: Vec<([f32; N_FEATURES], f32)> = data
            .iter()
            .map(|(e, y)| (features(e), *y as u8 as f32))
            .collect();
        let mut w = [0f64; N_FEATURES];
        let n = xs.len().max(1) as f64;
        let lr = 0.5;
        for _ in 0..3000 {
            let mut g = [0f64; N_FEATURES];
            for (x, y) in &xs {
                let z: f64 = x.iter().zip(&w).map(|(a, b)| *a as f64 * b).sum();
                let p = 1.0 / (1.0 + (-z).exp());
                let e = p - *y as f64;
                for (gk, xk) in g.iter_mut().zip(x) {
                    *gk += e * *xk as f64;
                }
            }
            for (k, (wk, gk)) in w.iter_mut().zip(&g).enumerate() {
                let l2 = if k == 0 { 0.0 } else { 1e-4 * *wk };
                *wk -= lr * (gk / n + l2);
            }
        }
        Calibration {
            weights: w.map(|x| x as f32),
        }
    }
}

static CALIBRATION: OnceLock<Option<Calibration>> = OnceLock::new();
static CALIBRATION_TEXT: &str = include_str!("../models/confidence.txt");

/// The embedded calibration, or `None` when the file is empty or broken.
pub fn calibration() -> Option<&'static Calibration> {
    CALIBRATION
        .get_or_init(|| Calibration::parse(CALIBRATION_TEXT).ok())
        .as_ref()
}

/// The confidence reported for a quote: calibrated when a calibration is embedded, else
/// the raw heuristic score.
pub fn confidence(e: &Evidence) -> f32 {
    match calibration() {
        Some(c) => c.probability(e),
        None => e.raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev() -> Evidence {
        Evidence {
            origin: Origin::Rule,
            kind: QuoteKind::Direct,
            resolution: Resolution::Named,
            has_cue: true,
            score: 0.95,
            raw: 0.95,
            words: 8,
            filter: [0.0; crate::filter::N_FEATURES],
        }
    }

    #[test]
    fn text_round_trip() {
        let mut w = [0f32; N_FEATURES];
        for (k, x) in w.iter_mut().enumerate() {
            *x = k as f32 * 0.25 - 1.0;
        }
        let c = Calibration { weights: w };
        let back = Calibration::parse(&c.to_text("fitted on nothing")).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn broken_files_are_rejected() {
        assert_eq!(
            Calibration::parse("bias 1\nnonsense 2\n"),
            Err(CalibrationError::Unknown(2))
        );
        assert_eq!(
            Calibration::parse("bias x\n"),
            Err(CalibrationError::Syntax(1))
        );
        assert_eq!(
            Calibration::parse("bias inf\n"),
            Err(CalibrationError::Syntax(1))
        );
        assert!(matches!(
            Calibration::parse("bias 1\n"),
            Err(CalibrationError::Missing("model"))
        ));
    }

    #[test]
    fn fit_separates_right_from_wrong() {
        // direct named quotes right, unresolved indirect model quotes wrong
        let good = ev();
        let bad = Evidence {
            origin: Origin::Model,
            kind: QuoteKind::Indirect,
            resolution: Resolution::Unresolved,
            has_cue: false,
            score: 0.3,
            raw: 0.1,
            words: 2,
            filter: [0.0; crate::filter::N_FEATURES],
        };
        let data: Vec<(Evidence, bool)> =
            (0..50).flat_map(|_| [(good, true), (bad, false)]).collect();
        let c = Calibration::fit(&data);
        assert!(c.probability(&good) > 0.9);
        assert!(c.probability(&bad) < 0.1);
    }

    #[test]
    fn embedded_calibration_parses_when_present() {
        if !CALIBRATION_TEXT.trim().is_empty() {
            assert!(calibration().is_some());
        }
        let p = confidence(&ev());
        assert!((0.0..=1.0).contains(&p));
    }
}
