//! Predictions to score: read from JSON Lines in either of two formats, or taken from
//! whosaid's own [`Analysis`], and written in the reference scorer's format.
//!
//! The two line formats, detected per line:
//!
//! - whosaid's record, as `whosaid extract` writes it: `{"id": …, "quotes": [{"kind", "content":
//!   {"text", "char_start", "char_end", …}, "cue": {…}?, "speaker": {"mention": {"text", …}?, …}}]}`;
//!   the speaker is the mention's words, never the canonical name.
//! - the reference scorer's: `{"doc", "content", "content_start"?, "content_end"?, "speaker"?}`,
//!   optionally with the extensions `kind`, `cue_start`, `cue_end` (ignored by `score.py`).

use crate::polnear::{base_name, Prediction};
use serde::{Deserialize, Serialize};
use std::io::Write;
use whosaid_core::{Analysis, QuoteKind};

/// One predicted attributed statement, whatever format it came in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictedQuote {
    /// The article's text file name (`NAME.txt`); any directory part is dropped.
    pub doc: String,
    /// The content words.
    pub content: String,
    /// Code-point offset of the content's start, when known.
    #[serde(default)]
    pub content_start: Option<usize>,
    /// Code-point offset one past the content's end, when known.
    #[serde(default)]
    pub content_end: Option<usize>,
    /// The speaker mention's words, if any.
    #[serde(default)]
    pub speaker: Option<String>,
    /// How the statement is reported, when the predictor says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<QuoteKind>,
    /// Code-point offset of the cue's start, when a cue was predicted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue_start: Option<usize>,
    /// Code-point offset one past the cue's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue_end: Option<usize>,
    /// The predictor's confidence in `[0, 1]`, when it gives one (whosaid's `confidence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
}

impl PredictedQuote {
    /// The predicted cue as `[start, end)` code points.
    pub fn cue(&self) -> Option<(usize, usize)> {
        self.cue_start.zip(self.cue_end)
    }

    /// The reference scorer's view of this prediction.
    pub fn to_reference(&self) -> Prediction {
        Prediction {
            doc: self.doc.clone(),
            content: self.content.clone(),
            content_start: self.content_start,
            content_end: self.content_end,
            speaker: self.speaker.clone(),
        }
    }
}

/// [`polnear::group_by_doc`](crate::polnear::group_by_doc) for these predictions: by
/// document, with resolved content spans, the reference scorer's way.
pub fn group<'a>(
    gold: &[crate::brat::GoldDoc],
    preds: &'a [PredictedQuote],
) -> crate::polnear::Grouped<'a, PredictedQuote> {
    crate::polnear::group_by_doc(gold, preds, |q| {
        (&q.doc, &q.content, q.content_start, q.content_end)
    })
}

/// The predictions of one whosaid [`Analysis`], in output order; the doc is the id's file name.
pub fn from_analysis(analysis: &Analysis) -> Vec<PredictedQuote> {
    let doc = base_name(&analysis.id).to_string();
    analysis
        .quotes
        .iter()
        .map(|q| PredictedQuote {
            doc: doc.clone(),
            content: q.content.text.clone(),
            content_start: Some(q.content.char_start),
            content_end: Some(q.content.char_end),
            speaker: q.speaker.mention.as_ref().map(|m| m.text.clone()),
            kind: Some(q.kind),
            cue_start: q.cue.as_ref().map(|c| c.char_start),
            cue_end: q.cue.as_ref().map(|c| c.char_end),
            confidence: Some(q.confidence),
        })
        .collect()
}

/// A prediction line that could not be read; the rest of the file still is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

/// The predictions found in a JSON Lines text, and the lines that were skipped.
#[derive(Debug, Clone, Default)]
pub struct ReadPredictions {
    /// Every prediction, in file order.
    pub quotes: Vec<PredictedQuote>,
    /// Lines that were neither format (blank lines are silently skipped).
    pub errors: Vec<LineError>,
}

#[derive(Deserialize)]
struct WsSpan {
    #[serde(default)]
    text: String,
    char_start: Option<usize>,
    char_end: Option<usize>,
}

#[derive(Deserialize)]
struct WsSpeaker {
    #[serde(default)]
    mention: Option<WsSpan>,
}

#[derive(Deserialize)]
struct WsQuote {
    #[serde(default)]
    kind: Option<QuoteKind>,
    content: WsSpan,
    #[serde(default)]
    cue: Option<WsSpan>,
    #[serde(default)]
    speaker: Option<WsSpeaker>,
    #[serde(default)]
    confidence: Option<f32>,
}

#[derive(Deserialize)]
struct WsRecord {
    id: String,
    #[serde(default)]
    quotes: Vec<WsQuote>,
}

/// Reads predictions from JSON Lines, detecting each line's format (a `quotes` field means
/// whosaid's record, a `doc` field the reference scorer's).
pub fn read_jsonl(input: &str) -> ReadPredictions {
    let mut out = ReadPredictions::default();
    for (n, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |message: String| LineError {
            line: n + 1,
            message,
        };
        let value: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                out.errors.push(err(format!("not JSON: {e}")));
                continue;
            }
        };
        let is_record = value.get("quotes").is_some();
        let is_reference = value.get("doc").is_some();
        if is_record {
            match WsRecord::deserialize(&value) {
                Ok(r) => {
                    let doc = base_name(&r.id).to_string();
                    for q in r.quotes {
                        let cue = q.cue.and_then(|c| c.char_start.zip(c.char_end));
                        out.quotes.push(PredictedQuote {
                            doc: doc.clone(),
                            content: q.content.text,
                            content_start: q.content.char_start,
                            content_end: q.content.char_end,
                            speaker: q.speaker.and_then(|s| s.mention).map(|m| m.text),
                            kind: q.kind,
                            cue_start: cue.map(|c| c.0),
                            cue_end: cue.map(|c| c.1),
                            confidence: q.confidence,
                        });
                    }
                }
                Err(e) => out.errors.push(err(format!("bad whosaid record: {e}"))),
            }
        } else if is_reference {
            match PredictedQuote::deserialize(&value) {
                Ok(mut p) => {
                    p.doc = base_name(&p.doc).to_string();
                    out.quotes.push(p);
                }
                Err(e) => out.errors.push(err(format!("bad prediction: {e}"))),
            }
        } else {
            out.errors.push(err(
                "neither a whosaid record (`id`, `quotes`) nor a prediction (`doc`, `content`)"
                    .into(),
            ));
        }
    }
    out
}

/// Writes predictions as the reference scorer's JSON Lines (with the `kind` and cue extensions).
pub fn write_jsonl(mut out: impl Write, quotes: &[PredictedQuote]) -> std::io::Result<()> {
    for q in quotes {
        serde_json::to_writer(&mut out, q)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_formats_and_reports_bad_lines() {
        let input = concat!(
            r#"{"id": "dev/text/a.txt", "quotes": [{"kind": "direct", "content": {"text": "hi", "start": 1, "end": 3, "char_start": 1, "char_end": 3}, "cue": {"text": "said", "char_start": 5, "char_end": 9}, "speaker": {"mention": {"text": "Smith", "char_start": 10, "char_end": 15}, "name": "John Smith", "resolution": "named"}, "confidence": 0.9}]}"#,
            "\n\n",
            r#"{"doc": "b.txt", "content": "yo", "speaker": null}"#,
            "\nnot json\n",
            r#"{"other": 1}"#,
            "\n"
        );
        let r = read_jsonl(input);
        assert_eq!(r.quotes.len(), 2);
        assert_eq!(r.quotes[0].doc, "a.txt");
        assert_eq!(r.quotes[0].speaker.as_deref(), Some("Smith"));
        assert_eq!(r.quotes[0].cue(), Some((5, 9)));
        assert_eq!(r.quotes[0].kind, Some(QuoteKind::Direct));
        assert_eq!(r.quotes[1].content_start, None);
        assert_eq!(r.errors.len(), 2);
        assert_eq!(r.errors[0].line, 4);
    }

    #[test]
    fn written_lines_read_back() {
        let q = PredictedQuote {
            doc: "a.txt".into(),
            content: "x".into(),
            content_start: Some(1),
            content_end: Some(2),
            speaker: Some("he".into()),
            kind: Some(QuoteKind::Mixed),
            cue_start: Some(3),
            cue_end: Some(7),
            confidence: Some(0.75),
        };
        let mut buf = Vec::new();
        write_jsonl(&mut buf, std::slice::from_ref(&q)).unwrap();
        let back = read_jsonl(std::str::from_utf8(&buf).unwrap());
        assert_eq!(back.quotes, vec![q]);
    }
}
