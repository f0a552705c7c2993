#!/usr/bin/env bash
# Provenance benchmark: sentence-source recovery on spun, stitched copies of PolNeAR
# train articles — precision/recall per replacement rate (10/20/30%) for three spinners
# (our lexicon, an unknown random-word spinner, the unknown one plus word-order,
# insertion/deletion and punctuation edits), stitched-article detection P/R, index and
# query times (in-memory index); peak RSS via /usr/bin/time.
# Scale (on-disk index, 100k–10M sentences): bench/provenance_scale.sh.
#   bench/provenance.sh [POLNEAR_TEXT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-../shared/eval-data/polnear/train/text}
COPIES=${COPIES:-200}
cargo build --release -q -p whosaid-provenance --example spin_eval
BIN=${CARGO_TARGET_DIR:-target}/release/examples/spin_eval
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "peak RSS %M KB, wall %e s" "$BIN" "$DIR" --copies "$COPIES"
else
  "$BIN" "$DIR" --copies "$COPIES"
fi
