#!/usr/bin/env bash
# Provenance benchmark: sentence-source recovery on spun, stitched copies of PolNeAR
# train articles (P/R per replacement rate, two spinners), index/query time, and a
# synthetic corpus of SYNTH sentences (default 100000); peak RSS via /usr/bin/time.
#   bench/provenance.sh [POLNEAR_TEXT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-../shared/eval-data/polnear/train/text}
SYNTH=${SYNTH:-100000}
COPIES=${COPIES:-200}
cargo build --release -q -p whosaid-provenance --example spin_eval
BIN=${CARGO_TARGET_DIR:-target}/release/examples/spin_eval
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "peak RSS %M KB, wall %e s" "$BIN" "$DIR" --copies "$COPIES" --synthetic "$SYNTH"
else
  "$BIN" "$DIR" --copies "$COPIES" --synthetic "$SYNTH"
fi
