//! Replays the committed corpora of the `brat` and `seed` fuzz targets (fuzz/corpus/brat/,
//! fuzz/corpus/seed/) through the same calls as the targets: the brat reader, the
//! prediction reader, the seed gold reader and the scorers never panic on any of those
//! inputs. (The fuzz step of scripts/test.sh replays every corpus under the fuzzer too;
//! this keeps these in the plain test suite.)

use std::path::PathBuf;
use whosaid_eval::fuzzing::{brat_and_scorers as exercise, seed_scorer};

/// Runs `body` on every file of fuzz/corpus/`target`; the corpus must not be empty.
fn replay(target: &str, body: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("the fuzz corpus is committed") {
        let path = entry.expect("readable corpus entry").path();
        let data = std::fs::read(&path).expect("readable corpus file");
        body(&data);
        n += 1;
    }
    assert!(n > 0, "empty corpus in {}", dir.display());
}

#[test]
fn brat_fuzz_corpus_replays_without_panic() {
    replay("brat", exercise);
}

#[test]
fn seed_fuzz_corpus_replays_without_panic() {
    replay("seed", seed_scorer);
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
