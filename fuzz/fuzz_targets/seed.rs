//! The seed gold reader and the seed scorer on arbitrary bytes: no panic, whatever the
//! gold JSON (wrong types, empty or huge strings, odd Unicode) or the output lines
//! (truncated, quotes without content, speakers of every JSON type).
//!
//! The input is `GOLD \0 OUTPUT`: the gold JSON, a NUL byte, whosaid's JSON Lines output
//! (without a NUL, both are the whole input).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| whosaid_eval::fuzzing::seed_scorer(data));
