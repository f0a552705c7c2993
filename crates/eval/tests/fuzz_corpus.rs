//! Replays the committed corpus of the `brat` fuzz target (fuzz/corpus/brat/) through the
//! same calls as the target: the brat reader, the prediction reader and the scorers never
//! panic on any of those inputs. (The fuzz step of scripts/test.sh replays every corpus
//! under the fuzzer too; this keeps the brat one in the plain test suite.)

use std::path::PathBuf;
use whosaid_eval::fuzzing::brat_and_scorers as exercise;

#[test]
fn brat_fuzz_corpus_replays_without_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/brat");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/corpus/brat is committed") {
        let path = entry.expect("readable corpus entry").path();
        let data = std::fs::read(&path).expect("readable corpus file");
        exercise(&data);
        n += 1;
    }
    assert!(n > 0, "empty corpus in {}", dir.display());
}

#[test]
fn out_of_range_and_reversed_offsets_are_scored_without_panic() {
    // Offsets past the text, reversed, and a huge one: the scorers clamp, never index out.
    exercise(
        "short text\0T1\tContent 5 99999\tx\nT2\tContent 7 3\ty\n\
         T3\tSource 18446744073709551615 18446744073709551615\tz\n\
         E1\tAttribution:T1 Content:T1 Source:T3\nE2\tAttribution:T2 Content:T2\n"
            .as_bytes(),
    );
}
