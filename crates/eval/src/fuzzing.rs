//! The bodies of the `brat` and `seed` fuzz targets, shared with the test that replays
//! their committed corpora (`tests/fuzz_corpus.rs`): one piece of code, so the two cannot
//! drift apart.

use crate::brat::{parse_ann, AnnotatorSet, GoldDoc};
use crate::predictions::{read_jsonl, PredictedQuote};
use crate::{errors, report, seed};
use std::path::Path;

/// Reads `TEXT \0 ANN` (without a NUL, both are the whole input) as a brat article and as
/// prediction lines, then runs the scorers on it. Panics only on a bug.
pub fn brat_and_scorers(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let (text, ann) = input.split_once('\0').unwrap_or((&input, &input));
    let Ok(relations) = parse_ann(Path::new("fuzz_A.ann"), ann) else {
        return;
    };
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
}

/// Reads `GOLD \0 OUTPUT` (without a NUL, both are the whole input) as the seed gold JSON
/// and as whosaid JSON Lines output, then runs the seed scorer on them. Panics only on a
/// bug.
pub fn seed_scorer(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let (gold, output) = input.split_once('\0').unwrap_or((&input, &input));
    let quotes = seed::quotes_from_jsonl(output);
    let Ok(gold) = seed::parse_gold(gold) else {
        return;
    };
    let outcome = seed::score(&gold, &quotes);
    let lines = outcome.lines();
    assert!(!lines.is_empty());
    assert!(serde_json::to_string(&outcome).is_ok());
}
