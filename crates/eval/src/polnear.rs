//! The PolNeAR content/speaker scorer: a faithful port of
//! `../shared/eval-data/polnear/score.py`, so that `whosaid eval` prints the same figures.
//!
//! A predicted content matches a gold one when their overlap is at least half of the
//! longer span; each gold relation of each annotator file is matched at most once, by
//! the first unused prediction in output order. Predictions are counted once per
//! annotator file (a doubly annotated article counts its predictions twice).

use crate::brat::GoldDoc;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One predicted attribution, in the reference scorer's input format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The article's text file name (`NAME.txt`); directories are ignored.
    pub doc: String,
    /// The predicted content words.
    pub content: String,
    /// Code-point offset of the content's start.
    pub content_start: Option<usize>,
    /// Code-point offset one past the content's end.
    pub content_end: Option<usize>,
    /// The speaker mention's words, if any.
    #[serde(default)]
    pub speaker: Option<String>,
}

/// The reference scorer's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Content precision.
    pub content_p: f64,
    /// Content recall.
    pub content_r: f64,
    /// Content F1.
    pub content_f1: f64,
    /// Speaker accuracy on matched contents whose gold relation has a source.
    pub speaker_acc: f64,
    /// Matched gold contents.
    pub tp: usize,
    /// Unmatched predictions (per annotator file).
    pub fp: usize,
    /// Unmatched gold contents (`"fn"` in JSON, as `score.py` prints it).
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Matched contents whose gold relation has a source.
    pub speaker_n: usize,
    /// Of those, the ones whose predicted speaker agrees.
    pub speaker_ok: usize,
}

impl Scores {
    /// Fills in P, R, F1 and accuracy from the counts.
    pub fn finish(mut self) -> Self {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.content_p = ratio(self.tp, self.tp + self.fp);
        self.content_r = ratio(self.tp, self.tp + self.fn_);
        let (p, r) = (self.content_p, self.content_r);
        self.content_f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        self.speaker_acc = ratio(self.speaker_ok, self.speaker_n);
        self
    }
}

/// Overlap in code points of two half-open spans.
pub fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// True when `pred` and `gold` overlap by at least half of the longer one.
pub fn content_matches(pred: (usize, usize), gold: (usize, usize)) -> bool {
    let longer = (pred.1.saturating_sub(pred.0)).max(gold.1.saturating_sub(gold.0));
    2 * overlap(pred, gold) >= longer
}

/// The reference scorer's speaker test: the predicted mention's last word occurs in the
/// gold source text, or the gold source text occurs in the prediction (case-insensitive).
pub fn speaker_agrees(predicted: &str, gold_source: &str) -> bool {
    let spk = predicted.to_lowercase();
    let gtxt = gold_source.to_lowercase();
    match py_split(&spk).last() {
        Some(last) => gtxt.contains(last) || spk.contains(&gtxt),
        None => false,
    }
}

/// Splits on whitespace the way Python's `str.split()` does (Unicode White_Space plus the
/// information separators U+001C..U+001F), dropping empty pieces.
pub fn py_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
        .filter(|w| !w.is_empty())
}

/// The content span of a prediction as the reference scorer takes it: the given offsets
/// when `content_start` is present, else the first occurrence of the content in `text`
/// (after Python's newline translation), else `None` (the prediction is dropped).
pub fn resolve_span(
    text: &str,
    content: &str,
    start: Option<usize>,
    end: Option<usize>,
) -> Option<(usize, usize)> {
    if let (Some(a), Some(b)) = (start, end) {
        return Some((a, b));
    }
    let found = if text.contains('\r') {
        let t = text.replace("\r\n", "\n").replace('\r', "\n");
        t.find(content).map(|byte| t[..byte].chars().count())
    } else {
        text.find(content).map(|byte| text[..byte].chars().count())
    };
    found.map(|a| (a, a + content.chars().count()))
}

/// The reference scorer's matching for one annotator file: each gold span in order takes
/// the first prediction not yet used that `matches` it. Returns, per gold span, the index
/// of its prediction.
pub fn greedy_match(
    preds: &[(usize, usize)],
    golds: &[(usize, usize)],
    matches: impl Fn((usize, usize), (usize, usize)) -> bool,
) -> Vec<Option<usize>> {
    let mut used = vec![false; preds.len()];
    golds
        .iter()
        .map(|&g| {
            let k = (0..preds.len()).find(|&k| !used[k] && matches(preds[k], g))?;
            used[k] = true;
            Some(k)
        })
        .collect()
}

/// Predictions by document file name, each with its resolved `[start, end)` content span.
pub type Grouped<'a, P = Prediction> = HashMap<String, Vec<((usize, usize), &'a P)>>;

/// Resolves missing offsets the way the reference scorer does (first occurrence of the
/// content in the text; unresolvable predictions are dropped) and groups them by doc.
pub fn group_predictions<'a>(gold: &[GoldDoc], preds: &'a [Prediction]) -> Grouped<'a> {
    group_by_doc(gold, preds, |p| {
        (&p.doc, &p.content, p.content_start, p.content_end)
    })
}

/// [`group_predictions`] for any prediction type: `fields` gives its document id, content
/// text and optional char offsets. Predictions keep their input order within a document.
pub fn group_by_doc<'a, P>(
    gold: &[GoldDoc],
    preds: &'a [P],
    fields: impl Fn(&P) -> (&str, &str, Option<usize>, Option<usize>),
) -> Grouped<'a, P> {
    let texts: HashMap<&str, &str> = gold
        .iter()
        .map(|d| (d.name.as_str(), d.text.as_str()))
        .collect();
    let mut out: Grouped<'a, P> = HashMap::new();
    for p in preds {
        let (doc, content, start, end) = fields(p);
        let doc = base_name(doc).to_string();
        let text = texts.get(doc.as_str()).copied().unwrap_or("");
        let Some(span) = resolve_span(text, content, start, end) else {
            continue;
        };
        out.entry(doc).or_default().push((span, p));
    }
    out
}

/// The file name part of a document id (`dev/text/a.txt` → `a.txt`), as `os.path.basename`.
pub fn base_name(doc: &str) -> &str {
    doc.rsplit('/').next().unwrap_or(doc)
}

/// Scores predictions against a PolNeAR split exactly as `score.py` does.
pub fn score(gold: &[GoldDoc], preds: &[Prediction]) -> Scores {
    let by_doc = group_predictions(gold, preds);
    let none = Vec::new();
    let mut s = Scores::default();
    for doc in gold {
        let preds = by_doc.get(&doc.name).unwrap_or(&none);
        let spans: Vec<(usize, usize)> = preds.iter().map(|p| p.0).collect();
        for ann in &doc.annotators {
            let golds: Vec<(usize, usize)> =
                ann.relations.iter().map(|r| r.content.extent()).collect();
            let found = greedy_match(&spans, &golds, content_matches);
            for (rel, k) in ann.relations.iter().zip(&found) {
                let Some(k) = *k else {
                    s.fn_ += 1;
                    continue;
                };
                s.tp += 1;
                if let Some(src) = &rel.source {
                    s.speaker_n += 1;
                    let spk = preds[k].1.speaker.as_deref().unwrap_or("");
                    if speaker_agrees(spk, &src.text) {
                        s.speaker_ok += 1;
                    }
                }
            }
            s.fp += preds.len() - found.iter().flatten().count();
        }
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_rule_is_half_of_longer() {
        assert!(content_matches((0, 10), (5, 10)));
        assert!(!content_matches((0, 10), (6, 10)));
        assert!(content_matches((0, 4), (0, 8)));
        assert!(!content_matches((0, 3), (0, 8)));
    }

    #[test]
    fn speaker_rule() {
        assert!(speaker_agrees("Sergei Lavrov", "Lavrov"));
        assert!(speaker_agrees("he", "he"));
        assert!(!speaker_agrees("", "he"));
        assert!(!speaker_agrees("Putin", "Lavrov"));
        assert!(speaker_agrees("the", "the Kremlin"));
    }
}
