//! The brat standoff reader (`.ann` files of PolNeAR) and the prediction JSON Lines
//! reader on arbitrary bytes, then the scorers on what they read: no panic, whatever the
//! offsets (beyond the text, reversed, huge) or the lines (truncated, missing columns).
//!
//! The input is `TEXT \0 ANN`: the article text, a NUL byte, the annotations (without a
//! NUL, both are the whole input). The annotations are also read as predictions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use whosaid_eval::brat::{parse_ann, AnnotatorSet, GoldDoc};
use whosaid_eval::predictions::{read_jsonl, PredictedQuote};
use whosaid_eval::{errors, report};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let (text, ann) = input.split_once('\0').unwrap_or((&input, &input));
    let Ok(relations) = parse_ann(Path::new("fuzz_A.ann"), ann) else {
        return;
    };
    for r in &relations {
        let (a, b) = r.content.extent();
        let _ = (a, b);
    }
    // The gold relations themselves as predictions (as they stand, so offsets may be
    // anywhere), plus whatever the annotation part reads as prediction lines.
    let mut preds: Vec<PredictedQuote> = relations
        .iter()
        .map(|r| {
            let (a, b) = r.content.extent();
            PredictedQuote {
                doc: "fuzz.txt".into(),
                content: r.content.text.clone(),
                content_start: Some(a),
                content_end: Some(b),
                speaker: r.source.as_ref().map(|s| s.text.clone()),
                kind: None,
                cue_start: r.cue.as_ref().map(|c| c.extent().0),
                cue_end: r.cue.as_ref().map(|c| c.extent().1),
                confidence: Some(0.5),
            }
        })
        .collect();
    preds.extend(read_jsonl(ann).quotes);
    let gold = vec![GoldDoc {
        name: "fuzz.txt".into(),
        text: text.to_string(),
        annotators: vec![AnnotatorSet {
            annotator: "A".into(),
            relations,
        }],
    }];
    let rep = report::evaluate(&gold, &preds);
    let _ = rep.table();
    assert!(serde_json::to_string(&rep).is_ok());
    let _ = errors::analyze(&gold, &preds).table();
});
