//! The tagger's model file parser (`Model::from_bytes`) on arbitrary bytes, and a model
//! that parses tagging a few sentences: no panic, no huge allocation.
//!
//! The model file ends in a checksum, so random bytes almost never get past it; the
//! target appends the right checksum to its input (the checksum check itself is tested
//! on raw input too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use whosaid_core::tagger::Model;
use whosaid_core::text::{split_sentences, tokenize};

/// The model file's checksum (a copy of the private one in `tagger/mod.rs`).
fn checksum(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for c in bytes.chunks(8) {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    h
}

const TEXT: &str = "\"We will win,\" Mayor Ann Lee said on Monday. \
She added that the budget was fine, according to officials.\n\n\
Critics called it \"a disaster\".";

fuzz_target!(|data: &[u8]| {
    let _ = Model::from_bytes(data);
    let mut bytes = data.to_vec();
    bytes.extend_from_slice(&checksum(data).to_le_bytes());
    if let Ok(model) = Model::from_bytes(&bytes) {
        assert!(
            Model::from_bytes(&model.to_bytes()).is_ok(),
            "a parsed model writes back a model that parses"
        );
        let tokens = tokenize(TEXT);
        let sentences = split_sentences(TEXT, &tokens);
        for c in model.predict(TEXT, &tokens, &sentences) {
            let _ = c;
        }
    }
});
