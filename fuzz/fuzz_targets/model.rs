//! The model file parsers (`Model::from_bytes`, `Refiner::from_bytes`,
//! `Forest::from_bytes`) on arbitrary bytes, and a model, refiner or quote filter that
//! parses at work on a few sentences: no panic, no huge allocation.
//!
//! The model files end in a checksum, so random bytes almost never get past it; the
//! target appends the right checksum to its input (the checksum check itself is tested
//! on raw input too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use whosaid_core::filter::Forest;
use whosaid_core::pipeline::{self, rule_codes};
use whosaid_core::refine::{self, Refiner};
use whosaid_core::tagger::{self, checksum, Model};
use whosaid_core::text::{split_sentences, tokenize};
use whosaid_core::Document;

const TEXT: &str = "\"We will win,\" Mayor Ann Lee said on Monday. \
She added that the budget was fine, according to officials.\n\n\
Critics called it \"a disaster\".";

fuzz_target!(|data: &[u8]| {
    let _ = Model::from_bytes(data);
    let _ = Refiner::from_bytes(data);
    let _ = Forest::from_bytes(data);
    let mut bytes = data.to_vec();
    bytes.extend_from_slice(&checksum(data).to_le_bytes());
    if let (Some(refiner), Some(model)) = (Refiner::from_bytes(&bytes), tagger::model()) {
        let tokens = tokenize(TEXT);
        let sentences = split_sentences(TEXT, &tokens);
        let rules = rule_codes(TEXT, &tokens, &sentences);
        for c in refine::predict(model, Some(&refiner), TEXT, &tokens, &sentences, &rules) {
            let _ = c;
        }
    }
    if let Some(forest) = Forest::from_bytes(&bytes) {
        assert_eq!(
            Forest::from_bytes(&forest.to_bytes()).as_ref(),
            Some(&forest),
            "a parsed filter writes back the same filter"
        );
        let doc = Document::new("fuzz", TEXT);
        let (a, _) =
            pipeline::analyze_refined(&doc, tagger::model(), refine::refiner(), Some(&forest));
        for q in &a.quotes {
            assert_eq!(
                doc.text.get(q.content.start..q.content.end),
                Some(q.content.text.as_str())
            );
        }
    }
    if let Ok(model) = Model::from_bytes(&bytes) {
        assert!(
            Model::from_bytes(&model.to_bytes()).is_ok(),
            "a parsed model writes back a model that parses"
        );
        let tokens = tokenize(TEXT);
        let sentences = split_sentences(TEXT, &tokens);
        let rules = rule_codes(TEXT, &tokens, &sentences);
        for c in model.predict(TEXT, &tokens, &sentences, &rules) {
            let _ = c;
        }
    }
});
