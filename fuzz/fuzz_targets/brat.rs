//! The brat standoff reader (`.ann` files of PolNeAR) and the prediction JSON Lines
//! reader on arbitrary bytes, then the scorers on what they read: no panic, whatever the
//! offsets (beyond the text, reversed, huge) or the lines (truncated, missing columns).
//!
//! The input is `TEXT \0 ANN`: the article text, a NUL byte, the annotations (without a
//! NUL, both are the whole input). The annotations are also read as predictions.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| whosaid_eval::fuzzing::brat_and_scorers(data));
