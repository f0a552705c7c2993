#!/usr/bin/env bash
# The project's one test command: formatting, lints, every test (unit, property, golden),
# then a short bounded fuzz run of every fuzz target. Installs what it needs on a fresh
# machine (cargo-fuzz for the fuzz step). Used by .ci/run and the README.
#
# WHOSAID_FUZZ_SECONDS: seconds of fuzzing per target (default 20; 0 skips the fuzz step).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "cargo is required" >&2; exit 2; }
# Property tests draw the same cases on every run (reproducible CI); set another seed, or
# raise PROPTEST_CASES, to explore new cases by hand.
export PROPTEST_RNG_SEED=${PROPTEST_RNG_SEED:-20261125}
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --release -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q
cargo test --workspace --release
# The fuzz workspace is separate (fuzz/): its formatting is checked here too.
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
fuzz_secs=${WHOSAID_FUZZ_SECONDS:-20}
if [ "$fuzz_secs" -gt 0 ]; then
  # Every target from its committed corpus; a crash, hang or OOM fails CI and its input
  # is kept in fuzz/artifacts/ and printed in the log (see scripts/fuzz.sh).
  start=$(date +%s)
  bash scripts/fuzz.sh "$fuzz_secs"
  echo "fuzz step: $(($(date +%s) - start)) s" >&2
fi
