#!/usr/bin/env bash
# Builds whosaid and runs it on the seed article, then scores the output with the reference scorer.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p whosaid
seed=../shared/seed/us-russia-relations.txt
out=$(mktemp)
"${CARGO_TARGET_DIR:-target}/release/whosaid" extract "$seed" | tee "$out"
python3 ../shared/seed/score.py ../shared/seed/us-russia-relations.gold.json "$out"
