//! The full `whosaid eval` report against a PolNeAR split: the reference scorer's headline
//! figures plus exact-match, cue and per-kind figures computed on the same matching.
//!
//! Every figure counts the way `score.py` does: each annotator file of an article is scored
//! separately (a doubly annotated article counts its predictions twice), and the matching
//! of predictions to gold relations is the reference scorer's greedy one — each gold
//! relation, in file order, takes the first unused prediction that matches it.
//!
//! - **content** (the headline, identical to `score.py`): a prediction matches a gold
//!   content when they overlap by at least half of the longer span.
//! - **exact**: a separate matching in which the spans must have the same boundaries once
//!   whitespace, double quote marks, curly single quote marks and `.,;:!?` are trimmed from
//!   both ends of each (so `“We won.”` and `We won` agree: whosaid's direct-quote content
//!   excludes its marks, PolNeAR's includes them).
//! - **strict**: a separate matching in which the code-point offsets must be identical.
//! - **speaker**: of the content-matched gold relations that have a Source, the share whose
//!   predicted speaker mention agrees with it by the reference rule (last word of the
//!   mention occurs in the Source, or the Source occurs in the mention; case-insensitive).
//! - **cue**: relation-level on the content matching. Gold cues are the gold relations with
//!   a Cue; predicted cues are the predictions with a cue (counted per annotator file); a
//!   true positive is a content-matched pair whose predicted cue overlaps any fragment of the
//!   gold Cue by at least one code point.
//! - **kinds**: gold contents are classified by [`classify`] (direct, mixed, indirect);
//!   recall per gold kind is the share of that kind's gold contents that were matched.
//!   Predictions are grouped by their own `kind` (classified by [`classify`] from their span
//!   when the input does not give one); precision per predicted kind is the share of that
//!   kind's predictions that matched some gold content.
//! - **calibration**: predictions binned by their `confidence` ([`CALIBRATION_BINS`];
//!   predictions without one in a last `none` row), counted per annotator file like the
//!   kinds. Per bin: the share whose content matched a gold content (precision, on the
//!   headline matching), the speaker accuracy of the matched ones whose gold has a Source
//!   (the reference rule), and the share that is *right*: content matched and speaker
//!   agreeing (or no gold Source to disagree with). A calibrated confidence has each bin's
//!   right share near its mean confidence.

use crate::brat::{GoldDoc, TextBound};
use crate::polnear::{self, content_matches, greedy_match, overlap, speaker_agrees, Scores};
use crate::predictions::PredictedQuote;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use whosaid_core::QuoteKind;

/// Precision, recall and F1 with their counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Prf {
    /// Precision: `tp / (tp + fp)`.
    pub p: f64,
    /// Recall: `tp / (tp + fn)`.
    pub r: f64,
    /// Harmonic mean of P and R.
    pub f1: f64,
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Prf {
    /// P, R and F1 from the counts (0 where undefined).
    pub fn new(tp: usize, fp: usize, fn_: usize) -> Self {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let p = ratio(tp, tp + fp);
        let r = ratio(tp, tp + fn_);
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        Prf {
            p,
            r,
            f1,
            tp,
            fp,
            fn_,
        }
    }
}

/// The figures of one quote kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct KindRow {
    /// Gold contents of this kind (per annotator file).
    pub gold: usize,
    /// Of those, the ones matched by some prediction.
    pub gold_matched: usize,
    /// `gold_matched / gold`.
    pub recall: f64,
    /// Predictions of this kind (per annotator file).
    pub pred: usize,
    /// Of those, the ones that matched some gold content.
    pub pred_matched: usize,
    /// `pred_matched / pred`.
    pub precision: f64,
}

/// Sizes of what was scored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// Gold articles (with at least one annotator file).
    pub docs: usize,
    /// Annotator files.
    pub annotator_files: usize,
    /// Gold relations with a content, over all annotator files.
    pub gold_relations: usize,
    /// Predictions read or extracted (before dropping unresolvable ones).
    pub predictions: usize,
    /// Predictions on gold articles whose span could be resolved (each counted once).
    pub scored_predictions: usize,
}

/// The confidence bins of the calibration table: `[lo, hi)`, the last one closed
/// (`[0.9, 1.0]`; a confidence above 1 falls in it, below 0 in the first).
pub const CALIBRATION_BINS: [(f64, f64); 4] = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.0)];

/// One row of the calibration table: the predictions whose confidence falls in a bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRow {
    /// The bin as printed: `[0.5,0.7)`, …, `[0.9,1.0]`, or `none` (no confidence given).
    pub bin: String,
    /// Lower bound (inclusive); `None` for the `none` row.
    pub lo: Option<f64>,
    /// Upper bound (exclusive, except for the last bin); `None` for the `none` row.
    pub hi: Option<f64>,
    /// Predictions in the bin (per annotator file).
    pub pred: usize,
    /// Their mean confidence (0 for the `none` row).
    pub mean_confidence: f64,
    /// Of those, the ones whose content matched a gold content.
    pub matched: usize,
    /// `matched / pred`.
    pub precision: f64,
    /// Matched ones whose gold relation has a Source.
    pub speaker_n: usize,
    /// Of those, the ones whose speaker mention agrees with the Source.
    pub speaker_ok: usize,
    /// `speaker_ok / speaker_n`.
    pub speaker_acc: f64,
    /// Matched with the speaker agreeing, or matched a gold relation without a Source.
    pub right: usize,
    /// `right / pred`.
    pub right_share: f64,
}

impl CalibrationRow {
    fn empty(bin: Option<(f64, f64)>) -> Self {
        let name = match bin {
            Some((lo, hi)) if hi >= 1.0 => format!("[{lo:.1},{hi:.1}]"),
            Some((lo, hi)) => format!("[{lo:.1},{hi:.1})"),
            None => "none".to_string(),
        };
        CalibrationRow {
            bin: name,
            lo: bin.map(|b| b.0),
            hi: bin.map(|b| b.1),
            pred: 0,
            mean_confidence: 0.0,
            matched: 0,
            precision: 0.0,
            speaker_n: 0,
            speaker_ok: 0,
            speaker_acc: 0.0,
            right: 0,
            right_share: 0.0,
        }
    }
}

/// The calibration row index of a confidence: its bin, or the `none` row (after the
/// bins) when there is no confidence or it is NaN.
pub fn calibration_bin(confidence: Option<f32>) -> usize {
    match confidence {
        // Compared in f32, the confidence's own precision (0.9f32 is in [0.9, 1.0]).
        Some(c) if !c.is_nan() => CALIBRATION_BINS
            .iter()
            .position(|&(_, hi)| c < hi as f32)
            .unwrap_or(CALIBRATION_BINS.len() - 1),
        _ => CALIBRATION_BINS.len(),
    }
}

/// Everything `whosaid eval --gold` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The reference scorer's figures, field for field as `score.py` prints them.
    #[serde(flatten)]
    pub headline: Scores,
    /// The headline exactly as `score.py` prints it (figures rounded to three places).
    pub score_py: ScorePyLine,
    /// Content P/R/F1 with ≥ 50% overlap (the headline's counts, unrounded).
    pub content: Prf,
    /// Content P/R/F1 with equal boundaries up to edge marks, whitespace and punctuation.
    pub exact: Prf,
    /// Content P/R/F1 with identical offsets.
    pub strict: Prf,
    /// Cue P/R/F1 on content-matched relations.
    pub cue: Prf,
    /// Per-kind recall (gold kinds) and precision (predicted kinds), keyed
    /// `direct`, `mixed`, `indirect`, `headline`.
    pub kinds: std::collections::BTreeMap<String, KindRow>,
    /// Calibration of the predictions' confidence: one row per bin of
    /// [`CALIBRATION_BINS`], then a `none` row when some predictions had no confidence.
    #[serde(default)]
    pub calibration: Vec<CalibrationRow>,
    /// Sizes.
    pub counts: Counts,
}

/// Double quote marks (straight, curly, low, guillemets): the marks that make a quotation.
pub fn is_quote_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»')
}

fn is_edge_junk(c: char) -> bool {
    c.is_whitespace()
        || is_quote_mark(c)
        || matches!(c, '‘' | '’' | '.' | ',' | ';' | ':' | '!' | '?')
}

/// `span` with whitespace, quote marks and `.,;:!?` trimmed from both ends (clamped to `text`).
pub fn trim_span(text: &[char], span: (usize, usize)) -> (usize, usize) {
    let (mut a, mut b) = (span.0.min(text.len()), span.1.min(text.len()));
    while a < b && is_edge_junk(text[a]) {
        a += 1;
    }
    while b > a && is_edge_junk(text[b - 1]) {
        b -= 1;
    }
    (a, b)
}

/// Classifies a content by its quote marks (double marks only; apostrophes are ignored):
///
/// - `Direct` when every letter or digit of the content lies inside quote marks (a mark
///   just before the content opens a quotation too, so `“We won,”` and `We won` inside
///   marks are both direct, and so is `“A,” … “B”` split over fragments);
/// - `Mixed` when it is not direct but contains a quote mark;
/// - `Indirect` otherwise.
///
/// `fragments` are `[start, end)` code-point ranges into `text`; out-of-range parts are
/// ignored.
pub fn classify(text: &[char], fragments: &[(usize, usize)]) -> QuoteKind {
    let first = fragments.first().map(|f| f.0.min(text.len())).unwrap_or(0);
    // Inside-quote state: straight marks toggle, curly and angle marks nest.
    let mut straight = false;
    let mut depth = 0usize;
    let mut starts_inside = false;
    if first > 0 && matches!(text[first - 1], '“' | '"' | '„' | '«') {
        starts_inside = true;
        if text[first - 1] == '"' {
            straight = true;
        } else {
            depth = 1;
        }
    }
    let mut marks = false;
    let mut outside = false;
    for &(a, b) in fragments {
        let (a, b) = (a.min(text.len()), b.min(text.len()));
        for &c in &text[a..b.max(a)] {
            match c {
                '"' => {
                    marks = true;
                    straight = !straight;
                }
                '“' | '„' | '«' => {
                    marks = true;
                    depth += 1;
                }
                '”' | '»' => {
                    marks = true;
                    depth = depth.saturating_sub(1);
                }
                c if c.is_alphanumeric() && !straight && depth == 0 => outside = true,
                _ => {}
            }
        }
    }
    if (marks || starts_inside) && !outside {
        QuoteKind::Direct
    } else if marks {
        QuoteKind::Mixed
    } else {
        QuoteKind::Indirect
    }
}

fn kind_name(k: QuoteKind) -> &'static str {
    match k {
        QuoteKind::Direct => "direct",
        QuoteKind::Mixed => "mixed",
        QuoteKind::Indirect => "indirect",
        QuoteKind::Headline => "headline",
    }
}

fn cue_overlaps(pred: (usize, usize), gold: &TextBound) -> bool {
    gold.fragments.iter().any(|&f| overlap(pred, f) > 0)
}

/// One prediction on a gold article, its span resolved as the reference scorer does.
struct Resolved<'a> {
    span: (usize, usize),
    quote: &'a PredictedQuote,
    kind: QuoteKind,
}

/// Scores predictions against a PolNeAR split: the reference figures and the extra ones.
pub fn evaluate(gold: &[GoldDoc], preds: &[PredictedQuote]) -> Report {
    let reference: Vec<_> = preds.iter().map(PredictedQuote::to_reference).collect();
    let headline = polnear::score(gold, &reference);

    let by_doc = crate::predictions::group(gold, preds);
    let mut counts = Counts {
        docs: gold.len(),
        predictions: preds.len(),
        ..Counts::default()
    };
    let (mut content, mut exact, mut strict, mut cue) = ([0usize; 3], [0; 3], [0; 3], [0; 3]);
    let mut kinds: std::collections::BTreeMap<String, KindRow> =
        ["direct", "mixed", "indirect", "headline"]
            .iter()
            .map(|k| (k.to_string(), KindRow::default()))
            .collect();
    let mut calibration: Vec<CalibrationRow> = CALIBRATION_BINS
        .iter()
        .map(|&b| CalibrationRow::empty(Some(b)))
        .chain(std::iter::once(CalibrationRow::empty(None)))
        .collect();
    let mut confidence_sum = vec![0f64; calibration.len()];
    for doc in gold {
        let chars: Vec<char> = doc.text.chars().collect();
        let resolved: Vec<Resolved> = by_doc
            .get(doc.name.as_str())
            .map(|ps| ps.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(|&(span, q)| {
                let kind = q.kind.unwrap_or_else(|| classify(&chars, &[span]));
                Resolved {
                    span,
                    quote: q,
                    kind,
                }
            })
            .collect();
        counts.scored_predictions += resolved.len();
        let spans: Vec<(usize, usize)> = resolved.iter().map(|r| r.span).collect();
        let trimmed: Vec<(usize, usize)> = spans.iter().map(|&s| trim_span(&chars, s)).collect();
        let n_cues = resolved.iter().filter(|r| r.quote.cue().is_some()).count();
        for ann in &doc.annotators {
            counts.annotator_files += 1;
            counts.gold_relations += ann.relations.len();
            let golds: Vec<(usize, usize)> =
                ann.relations.iter().map(|r| r.content.extent()).collect();

            let found = greedy_match(&spans, &golds, content_matches);
            let tp = found.iter().flatten().count();
            content[0] += tp;
            content[1] += spans.len() - tp;
            content[2] += golds.len() - tp;

            let gold_trimmed: Vec<(usize, usize)> =
                golds.iter().map(|&g| trim_span(&chars, g)).collect();
            let index: Vec<(usize, usize)> = (0..trimmed.len()).map(|k| (k, k)).collect();
            let found_exact = greedy_match(&index, &gold_trimmed, |(k, _), g| trimmed[k] == g);
            let n = found_exact.iter().flatten().count();
            exact[0] += n;
            exact[1] += spans.len() - n;
            exact[2] += golds.len() - n;

            let found_strict = greedy_match(&spans, &golds, |p, g| p == g);
            let n = found_strict.iter().flatten().count();
            strict[0] += n;
            strict[1] += spans.len() - n;
            strict[2] += golds.len() - n;

            let mut matched_pred = vec![false; resolved.len()];
            let mut matched_rel = vec![None; resolved.len()];
            let mut cue_tp = 0;
            let mut gold_cues = 0;
            for (rel, k) in ann.relations.iter().zip(&found) {
                let gk = kind_name(classify(&chars, &rel.content.fragments));
                let row = kinds.entry(gk.to_string()).or_default();
                row.gold += 1;
                if let Some(gc) = &rel.cue {
                    gold_cues += 1;
                    if let Some(pc) = k.and_then(|k| resolved[k].quote.cue()) {
                        if cue_overlaps(pc, gc) {
                            cue_tp += 1;
                        }
                    }
                }
                if let Some(k) = *k {
                    row.gold_matched += 1;
                    matched_pred[k] = true;
                    matched_rel[k] = Some(rel);
                }
            }
            cue[0] += cue_tp;
            cue[1] += n_cues - cue_tp;
            cue[2] += gold_cues - cue_tp;
            for (r, m) in resolved.iter().zip(&matched_pred) {
                let row = kinds.entry(kind_name(r.kind).to_string()).or_default();
                row.pred += 1;
                if *m {
                    row.pred_matched += 1;
                }
            }
            for (r, rel) in resolved.iter().zip(&matched_rel) {
                let b = calibration_bin(r.quote.confidence);
                let row = &mut calibration[b];
                row.pred += 1;
                confidence_sum[b] += r.quote.confidence.map_or(0.0, f64::from);
                let Some(rel) = rel else {
                    continue;
                };
                row.matched += 1;
                match &rel.source {
                    Some(src) => {
                        row.speaker_n += 1;
                        let spk = r.quote.speaker.as_deref().unwrap_or("");
                        if speaker_agrees(spk, &src.text) {
                            row.speaker_ok += 1;
                            row.right += 1;
                        }
                    }
                    None => row.right += 1,
                }
            }
        }
    }
    for row in kinds.values_mut() {
        row.recall = ratio(row.gold_matched, row.gold);
        row.precision = ratio(row.pred_matched, row.pred);
    }
    for (row, sum) in calibration.iter_mut().zip(&confidence_sum) {
        row.mean_confidence = if row.pred == 0 {
            0.0
        } else {
            sum / row.pred as f64
        };
        row.precision = ratio(row.matched, row.pred);
        row.speaker_acc = ratio(row.speaker_ok, row.speaker_n);
        row.right_share = ratio(row.right, row.pred);
    }
    if calibration.last().is_some_and(|r| r.pred == 0) {
        calibration.pop();
    }
    let prf = |c: [usize; 3]| Prf::new(c[0], c[1], c[2]);
    Report {
        score_py: ScorePyLine::from(&headline),
        headline,
        content: prf(content),
        exact: prf(exact),
        strict: prf(strict),
        cue: prf(cue),
        kinds,
        calibration,
        counts,
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl Report {
    /// The human-readable table printed by `whosaid eval`.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let c = &self.counts;
        let _ = writeln!(
            s,
            "gold: {} articles, {} annotator files, {} relations; predictions: {} ({} on gold articles)",
            c.docs, c.annotator_files, c.gold_relations, c.predictions, c.scored_predictions
        );
        let _ = writeln!(
            s,
            "\n{:<26} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
            "", "P", "R", "F1", "tp", "fp", "fn"
        );
        let rows = [
            ("content (overlap >= 50%)", &self.content),
            ("content (exact)", &self.exact),
            ("content (strict offsets)", &self.strict),
            ("cue (on matched content)", &self.cue),
        ];
        for (name, m) in rows {
            let _ = writeln!(
                s,
                "{:<26} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6} {:>6}",
                name, m.p, m.r, m.f1, m.tp, m.fp, m.fn_
            );
        }
        let h = &self.headline;
        let _ = writeln!(
            s,
            "{:<26} {:>6.3}  ({} of {} matched contents with a gold source)",
            "speaker accuracy", h.speaker_acc, h.speaker_ok, h.speaker_n
        );
        let _ = writeln!(
            s,
            "\n{:<10} {:>6} {:>8} {:>7}   {:>6} {:>8} {:>9}",
            "kind", "gold", "matched", "recall", "pred", "matched", "precision"
        );
        let order = ["direct", "mixed", "indirect", "headline"];
        let rest = self.kinds.keys().filter(|k| !order.contains(&k.as_str()));
        for name in order.iter().copied().chain(rest.map(String::as_str)) {
            let Some(k) = self.kinds.get(name) else {
                continue;
            };
            let _ = writeln!(
                s,
                "{:<10} {:>6} {:>8} {:>7.3}   {:>6} {:>8} {:>9.3}",
                name, k.gold, k.gold_matched, k.recall, k.pred, k.pred_matched, k.precision
            );
        }
        let _ = writeln!(
            s,
            "\n{:<10} {:>6} {:>9} {:>8} {:>9}   {:>6} {:>7} {:>7}   {:>6} {:>6}",
            "confidence",
            "pred",
            "mean conf",
            "matched",
            "precision",
            "spk n",
            "spk ok",
            "spk acc",
            "right",
            "share"
        );
        for r in &self.calibration {
            let _ = writeln!(
                s,
                "{:<10} {:>6} {:>9.3} {:>8} {:>9.3}   {:>6} {:>7} {:>7.3}   {:>6} {:>6.3}",
                r.bin,
                r.pred,
                r.mean_confidence,
                r.matched,
                r.precision,
                r.speaker_n,
                r.speaker_ok,
                r.speaker_acc,
                r.right,
                r.right_share
            );
        }
        let _ = writeln!(
            s,
            "\nscore.py: {}",
            serde_json::to_string(&self.score_py).unwrap_or_default()
        );
        s
    }
}

/// The line `score.py` prints: its figures rounded to three places, in its key order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScorePyLine {
    /// Content precision, rounded.
    pub content_p: f64,
    /// Content recall, rounded.
    pub content_r: f64,
    /// Content F1, rounded.
    pub content_f1: f64,
    /// Speaker accuracy, rounded.
    pub speaker_acc: f64,
    /// Matched gold contents.
    pub tp: usize,
    /// Unmatched predictions.
    pub fp: usize,
    /// Unmatched gold contents.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Matched contents whose gold has a source.
    pub speaker_n: usize,
}

impl From<&Scores> for ScorePyLine {
    fn from(s: &Scores) -> Self {
        // Python's round(x, 3): the exact value rounded half to even, as `{:.3}` does.
        let r3 = |x: f64| format!("{x:.3}").parse().unwrap_or(x);
        ScorePyLine {
            content_p: r3(s.content_p),
            content_r: r3(s.content_r),
            content_f1: r3(s.content_f1),
            speaker_acc: r3(s.speaker_acc),
            tp: s.tp,
            fp: s.fp,
            fn_: s.fn_,
            speaker_n: s.speaker_n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brat::{AnnotatorSet, Relation};

    fn tb(label: &str, a: usize, b: usize, text: &str) -> TextBound {
        TextBound {
            label: label.into(),
            fragments: vec![(a, b)],
            text: text.into(),
        }
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn classifies_gold_kinds() {
        let t = chars("“We won,” he said. He said that “we” won. He said we won.");
        assert_eq!(classify(&t, &[(0, 9)]), QuoteKind::Direct);
        assert_eq!(classify(&t, &[(1, 7)]), QuoteKind::Direct); // inside the marks
        assert_eq!(classify(&t, &[(27, 40)]), QuoteKind::Mixed);
        assert_eq!(classify(&t, &[(50, 56)]), QuoteKind::Indirect);
        let t = chars("“A,” he said, “B.”");
        assert_eq!(classify(&t, &[(0, 4), (14, 18)]), QuoteKind::Direct);
        assert_eq!(classify(&t, &[(0, 18)]), QuoteKind::Mixed);
    }

    #[test]
    fn rounds_like_python() {
        let s = Scores {
            content_p: 0.0625,
            content_r: 0.1875,
            content_f1: 0.9995,
            speaker_acc: 2.0 / 3.0,
            ..Scores::default()
        };
        let l = ScorePyLine::from(&s);
        assert_eq!(
            (l.content_p, l.content_r, l.content_f1, l.speaker_acc),
            (0.062, 0.188, 1.0, 0.667)
        );
    }

    #[test]
    fn trims_marks_and_punctuation() {
        let t = chars("x “We won.” y");
        assert_eq!(trim_span(&t, (2, 11)), (3, 9));
        assert_eq!(trim_span(&t, (3, 9)), (3, 9));
        assert_eq!(trim_span(&t, (50, 60)), (13, 13));
    }

    #[test]
    fn report_agrees_with_reference_port_and_scores_extras() {
        let text = "“We won,” Smith said. Jones said that taxes rise.".to_string();
        let rel1 = Relation {
            content: tb("Content", 0, 9, "“We won,”"),
            cue: Some(tb("Cue", 16, 20, "said")),
            source: Some(tb("Source", 10, 15, "Smith")),
        };
        let rel2 = Relation {
            content: tb("Content", 32, 48, "that taxes rise"),
            cue: Some(tb("Cue", 28, 32, "said")),
            source: Some(tb("Source", 22, 27, "Jones")),
        };
        let gold = vec![GoldDoc {
            name: "a.txt".into(),
            text,
            annotators: vec![AnnotatorSet {
                annotator: "X".into(),
                relations: vec![rel1, rel2],
            }],
        }];
        let p = |a, b, spk: &str, cue: Option<(usize, usize)>, kind| PredictedQuote {
            doc: "dir/a.txt".into(),
            content: String::new(),
            content_start: Some(a),
            content_end: Some(b),
            speaker: Some(spk.into()),
            kind,
            cue_start: cue.map(|c: (usize, usize)| c.0),
            cue_end: cue.map(|c: (usize, usize)| c.1),
            confidence: None,
        };
        let preds = vec![
            p(1, 7, "Smith", Some((16, 20)), Some(QuoteKind::Direct)),
            p(38, 48, "Brown", Some((0, 1)), None),
            p(40, 44, "x", None, Some(QuoteKind::Headline)),
        ];
        let r = evaluate(&gold, &preds);
        let reference: Vec<_> = preds.iter().map(PredictedQuote::to_reference).collect();
        assert_eq!(r.headline, polnear::score(&gold, &reference));
        assert_eq!((r.content.tp, r.content.fp, r.content.fn_), (2, 1, 0));
        assert_eq!(r.headline.tp, 2);
        assert_eq!(r.headline.speaker_ok, 1);
        assert_eq!((r.exact.tp, r.exact.fp, r.exact.fn_), (1, 2, 1));
        assert_eq!(r.strict.tp, 0);
        assert_eq!((r.cue.tp, r.cue.fp, r.cue.fn_), (1, 1, 1));
        assert_eq!(r.kinds["direct"].gold, 1);
        assert_eq!(r.kinds["indirect"].gold, 1);
        assert_eq!(r.kinds["indirect"].pred, 1); // classified from its span
        assert_eq!(r.kinds["headline"].pred_matched, 0);
        assert!(r.table().contains("score.py: {\"content_p\":0.667"));
    }

    #[test]
    fn calibration_bins_edges() {
        assert_eq!(calibration_bin(Some(0.0)), 0);
        assert_eq!(calibration_bin(Some(-0.2)), 0);
        assert_eq!(calibration_bin(Some(0.49)), 0);
        assert_eq!(calibration_bin(Some(0.5)), 1);
        assert_eq!(calibration_bin(Some(0.7)), 2);
        assert_eq!(calibration_bin(Some(0.9)), 3);
        assert_eq!(calibration_bin(Some(1.0)), 3);
        assert_eq!(calibration_bin(Some(1.5)), 3);
        assert_eq!(calibration_bin(Some(f32::NAN)), 4);
        assert_eq!(calibration_bin(None), 4);
    }

    #[test]
    fn calibration_table_counts_precision_and_speaker_per_bin() {
        //          0         1         2         3         4         5         6
        //          0123456789012345678901234567890123456789012345678901234567890123
        let text = "“We won,” Smith said. Jones said that taxes rise. Tax rises loom.".to_string();
        let rel_smith = Relation {
            content: tb("Content", 0, 9, "“We won,”"),
            cue: None,
            source: Some(tb("Source", 10, 15, "Smith")),
        };
        let rel_jones = Relation {
            content: tb("Content", 38, 48, "taxes rise"),
            cue: None,
            source: Some(tb("Source", 22, 27, "Jones")),
        };
        let rel_nosource = Relation {
            content: tb("Content", 50, 64, "Tax rises loom"),
            cue: None,
            source: None,
        };
        let gold = vec![GoldDoc {
            name: "a.txt".into(),
            text,
            annotators: vec![AnnotatorSet {
                annotator: "X".into(),
                relations: vec![rel_smith, rel_jones, rel_nosource],
            }],
        }];
        let p = |a, b, spk: Option<&str>, confidence| PredictedQuote {
            doc: "a.txt".into(),
            content: String::new(),
            content_start: Some(a),
            content_end: Some(b),
            speaker: spk.map(str::to_string),
            kind: None,
            cue_start: None,
            cue_end: None,
            confidence,
        };
        let preds = vec![
            p(1, 7, Some("Smith"), Some(0.95)),  // matched, speaker right
            p(38, 48, Some("Smith"), Some(0.9)), // matched, speaker wrong
            p(22, 27, Some("x"), Some(0.93)),    // no gold content there
            p(50, 64, None, Some(0.6)),          // matched, gold has no source
            p(10, 14, None, Some(0.2)),          // unmatched
            p(16, 20, None, None),               // unmatched, no confidence
        ];
        let r = evaluate(&gold, &preds);
        let bins: Vec<&str> = r.calibration.iter().map(|c| c.bin.as_str()).collect();
        assert_eq!(
            bins,
            ["[0.0,0.5)", "[0.5,0.7)", "[0.7,0.9)", "[0.9,1.0]", "none"]
        );
        let high = &r.calibration[3];
        assert_eq!(
            (high.pred, high.matched, high.speaker_n, high.speaker_ok),
            (3, 2, 2, 1)
        );
        assert!((high.precision - 2.0 / 3.0).abs() < 1e-9);
        assert!((high.speaker_acc - 0.5).abs() < 1e-9);
        assert_eq!(high.right, 1);
        assert!((high.mean_confidence - (0.95 + 0.9 + 0.93) / 3.0).abs() < 1e-6);
        let mid = &r.calibration[1];
        assert_eq!(
            (mid.pred, mid.matched, mid.speaker_n, mid.right),
            (1, 1, 0, 1)
        );
        assert_eq!((r.calibration[0].pred, r.calibration[0].matched), (1, 0));
        assert_eq!(r.calibration[2].pred, 0);
        assert_eq!((r.calibration[4].pred, r.calibration[4].lo), (1, None));
        // Every scored prediction is in exactly one bin (one annotator file here).
        let total: usize = r.calibration.iter().map(|c| c.pred).sum();
        assert_eq!(total, r.counts.scored_predictions);
        let matched: usize = r.calibration.iter().map(|c| c.matched).sum();
        assert_eq!(matched, r.content.tp);

        let table = r.table();
        assert!(table.contains("confidence"), "{table}");
        assert!(table.contains("[0.9,1.0]       3"), "{table}");
        let json: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(json["calibration"][3]["bin"], "[0.9,1.0]");
        assert_eq!(json["calibration"][3]["matched"], 2);
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);

        // Without predictions lacking a confidence, there is no `none` row.
        let r = evaluate(&gold, &preds[..5]);
        assert_eq!(r.calibration.len(), CALIBRATION_BINS.len());
    }
}
