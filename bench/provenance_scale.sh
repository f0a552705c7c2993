#!/usr/bin/env bash
# Scale of the on-disk provenance index (prov_ tables in a SQLite file): for the whole
# PolNeAR corpus (train + dev) and synthetic corpora of N sentences (PolNeAR bigram walks;
# default 100k, 1M and 10M), index time, query time (100 spun, stitched 16-sentence
# articles), peak RSS of each phase (/usr/bin/time -v) and database size. Big files go
# under $WORK (default /tmp/prov-bench) and are deleted after each size.
#   bench/provenance_scale.sh [N...]        e.g. bench/provenance_scale.sh 100000 1000000
# Long: run it in the background, e.g.
#   nohup bench/provenance_scale.sh > /tmp/prov-bench/scale.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
POLNEAR=../shared/eval-data/polnear
WORK=${WORK:-/tmp/prov-bench}
QUERIES=${QUERIES:-100}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(100000 1000000 10000000)
mkdir -p "$WORK"
cargo build --release -q -p whosaid-provenance --example prov_scale
cargo build --release -q -p whosaid
# Copies, so that rebuilding while this runs does not swap binaries between phases.
mkdir -p "$WORK/bin"
cp "${CARGO_TARGET_DIR:-target}/release/examples/prov_scale" "${CARGO_TARGET_DIR:-target}/release/whosaid" "$WORK/bin/"
BIN=$WORK/bin/prov_scale
WHOSAID=$WORK/bin/whosaid

rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1"; }

echo "== PolNeAR (train + dev), whosaid ingest + provenance --db"
DB=$WORK/polnear.db
rm -f "$DB" "$DB"-*
"$WHOSAID" ingest "$POLNEAR/train/text" "$POLNEAR/dev/text" --db "$DB" --quiet > /dev/null
before=$(du -b "$DB" | cut -f1)
# First run: indexes every stored article, then traces the 84 dev articles.
/usr/bin/time -v "$WHOSAID" provenance "$POLNEAR/dev/text" --db "$DB" > /dev/null 2> "$WORK/t.index"
echo "first run (indexes the corpus, traces 84 dev articles): wall $(wall "$WORK/t.index"), peak RSS $(rss "$WORK/t.index") KB; db $before -> $(du -b "$DB" | cut -f1) bytes"
/usr/bin/time -v "$WHOSAID" provenance "$POLNEAR/dev/text" --db "$DB" > /dev/null 2> "$WORK/t.query"
echo "second run (index on disk, traces 84 dev articles): wall $(wall "$WORK/t.query"), peak RSS $(rss "$WORK/t.query") KB"
rm -f "$DB" "$DB"-*

for N in "${SIZES[@]}"; do
  echo "== synthetic, $N sentences"
  DB=$WORK/syn-$N.db
  rm -f "$DB" "$DB"-*
  /usr/bin/time -v "$BIN" index "$POLNEAR/train/text" "$DB" "$N" 2> "$WORK/t.index"
  grep -E '^  [0-9]+ sentences' "$WORK/t.index" | tail -3 || true
  echo "index: wall $(wall "$WORK/t.index"), peak RSS $(rss "$WORK/t.index") KB"
  /usr/bin/time -v "$BIN" query "$POLNEAR/train/text" "$DB" "$N" "$QUERIES" 2> "$WORK/t.query"
  echo "query process: wall $(wall "$WORK/t.query"), peak RSS $(rss "$WORK/t.query") KB"
  du -b "$DB" | cut -f1 | sed 's/^/db bytes: /'
  rm -f "$DB" "$DB"-*
done
rm -rf "$WORK/bin"
