#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for a bounded time (default 60 s each) with cargo-fuzz
# (libFuzzer). Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly compiler; on
# a stable toolchain RUSTC_BOOTSTRAP=1 lets it use the nightly-only flags.
#
#   scripts/fuzz.sh            # 60 s per target
#   scripts/fuzz.sh 600 warc   # 10 minutes on the WARC target only
#
# A crash leaves its input in fuzz/artifacts/TARGET/; turn it into a regression test
# (crates/io/tests/ or crates/core/tests/) before fixing. Exit status: 0 when no target
# crashed, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(warc html analyze records)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
export RUSTC_BOOTSTRAP=1
# Seeds: the fixtures of the io tests and a few hand-made inputs.
mkdir -p corpus/warc corpus/html corpus/analyze
printf 'WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 0\r\n\r\n\r\n\r\n' > corpus/warc/seed-empty
printf '<!doctype html><html><head><title>T</title></head><body><article><p>"Hi," she said.</p></article></body></html>' > corpus/html/seed-article
printf '"We will win," Mayor Ann Lee said on Monday. He added that it was fine.\n' > corpus/analyze/seed-quote
failed=0
for t in "${targets[@]}"; do
  echo "== fuzz target $t: ${secs}s" >&2
  start=$(date +%s)
  if cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -max_len=262144 2>"artifacts-$t.log"; then
    status=ok
  else
    status=CRASH
    failed=1
  fi
  end=$(date +%s)
  runs=$(grep -o 'Done [0-9]* runs' "artifacts-$t.log" | tail -1)
  echo "$t: $status after $((end - start)) s (${runs:-no run count}); log fuzz/artifacts-$t.log" >&2
  [ "$status" = ok ] || grep -E 'panicked|SUMMARY|Test unit written' "artifacts-$t.log" | head -5 >&2
done
exit $failed
