#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for a bounded time with cargo-fuzz (libFuzzer, ASan),
# one target after the other, one process each (-jobs=1). Installs cargo-fuzz when it is
# missing; on a stable toolchain RUSTC_BOOTSTRAP=1 lets it use the nightly-only flags.
#
#   scripts/fuzz.sh              # 60 s per target, every target (`cargo fuzz list`)
#   scripts/fuzz.sh 600 warc     # 10 minutes on the WARC target only
#   FUZZ_MERGE=1 scripts/fuzz.sh 300 brat   # then fold new coverage into fuzz/corpus/brat
#
# Corpora: fuzz/corpus/TARGET/ is committed and minimised; it only seeds the run. New
# inputs go to a working corpus, $FUZZ_WORK/TARGET (default fuzz/work/, not committed).
# FUZZ_MERGE=1 replaces fuzz/corpus/TARGET by the set-cover minimisation of both.
#
# A crash, a timeout (a unit slower than 30 s) or an out-of-memory (> 2 GB RSS) fails the
# run: its input is kept in fuzz/artifacts/TARGET/ and also printed in base64 on stderr
# (so that a CI log holds it). Turn it into a regression test in the crate's tests/
# before fixing it. Exit status: 0 when every target ran clean, 1 otherwise.
#
# Environment: FUZZ_SANITIZER (address | none, default address), FUZZ_WORK (see above),
# FUZZ_MAX_LEN (largest generated input, default 262144 bytes).
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-60}
shift || true
targets=("$@")
sanitizer=${FUZZ_SANITIZER:-address}
work=${FUZZ_WORK:-work}
max_len=${FUZZ_MAX_LEN:-262144}
export RUSTC_BOOTSTRAP=1

if ! command -v cargo-fuzz >/dev/null; then
  echo "== installing cargo-fuzz" >&2
  start=$(date +%s)
  cargo install cargo-fuzz --locked || exit 1
  echo "cargo-fuzz installed in $(($(date +%s) - start)) s" >&2
fi
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
[ ${#targets[@]} -gt 0 ] || { echo "no fuzz targets found" >&2; exit 1; }

# One build for every target, timed apart from the fuzzing.
start=$(date +%s)
echo "== building fuzz targets (sanitizer: $sanitizer)" >&2
cargo fuzz build -O -s "$sanitizer" || { echo "fuzz build failed" >&2; exit 1; }
echo "fuzz targets built in $(($(date +%s) - start)) s" >&2

failed=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "$work/$t" "artifacts/$t"
  log="artifacts-$t.log"
  marker=$(mktemp)
  echo "== fuzz target $t: ${secs} s" >&2
  start=$(date +%s)
  if cargo fuzz run -O -s "$sanitizer" "$t" "$work/$t" "corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -max_len="$max_len" -timeout=30 \
    -print_final_stats=1 >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  echo "$t: $status after $(($(date +%s) - start)) s, ${runs:-?} executions; log fuzz/$log" >&2
  if [ "$status" != ok ]; then
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -8 >&2
    # Keep every new crash input: on disk and, base64-encoded, in the log.
    find "artifacts/$t" -type f -newer "$marker" | while read -r f; do
      echo "-- crash input fuzz/$f ($(wc -c <"$f") bytes), base64:" >&2
      head -c 65536 "$f" | base64 >&2
      echo "-- replay: (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O $t $f)" >&2
    done
  fi
  rm -f "$marker"
  if [ "${FUZZ_MERGE:-0}" = 1 ] && [ "$status" = ok ]; then
    merged=$(mktemp -d)
    if cargo fuzz run -O -s "$sanitizer" "$t" "$merged" "corpus/$t" "$work/$t" -- \
      -set_cover_merge=1 -rss_limit_mb=2048 -max_len="$max_len" >>"$log" 2>&1; then
      rm -rf "corpus/$t" && mv "$merged" "corpus/$t"
      echo "$t: corpus minimised to $(find "corpus/$t" -type f | wc -l) inputs" >&2
    else
      rm -rf "$merged"
      echo "$t: merge failed (corpus unchanged)" >&2
    fi
  fi
done
exit $failed
