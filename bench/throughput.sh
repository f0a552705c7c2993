#!/usr/bin/env bash
# Whole-corpus throughput and peak memory of `whosaid extract`, side by side with the
# spaCy + textacy peer, in one run on one core.
#
#   bench/throughput.sh            # whosaid on PolNeAR train (x REPEAT) and dev, peer on dev
#   REPEAT=10 PEER=0 bench/throughput.sh
#
# Prints a Markdown table (MB/s of article text, peak RSS) on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
polnear=$shared/eval-data/polnear
repeat=${REPEAT:-5}
peer=${PEER:-1}
venv=${PEER_VENV:-.peer-venv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p whosaid
bin=${CARGO_TARGET_DIR:-target}/release/whosaid

# The corpus as JSON Lines (one article a line), repeated to make the run long enough to time.
python3 - "$polnear/train/text" "$work/train.jsonl" "$repeat" <<'PY'
import json, os, sys
src, out, rep = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = sorted(os.listdir(src))
with open(out, "w", encoding="utf-8") as f:
    for r in range(rep):
        for n in names:
            text = open(os.path.join(src, n), encoding="utf-8").read()
            f.write(json.dumps({"id": f"{r}/{n}", "text": text}) + "\n")
PY
text_bytes() { python3 -c 'import json,sys; print(sum(len(json.loads(l)["text"].encode()) for l in open(sys.argv[1], encoding="utf-8")))' "$1"; }

measure() { # name file args... -> "name|bytes|seconds|MB/s|peak RSS MiB"
  local name=$1 input=$2; shift 2
  local bytes; bytes=$(text_bytes "$input")
  /usr/bin/time -f "%e %M" -o "$work/time" taskset -c 0 "$@" >"$work/out" 2>"$work/err"
  read -r secs kb <"$work/time"
  python3 -c "import sys; b,s,k=int(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); print(f'| $name | {b/1e6:.2f} | {s:.2f} | {b/1e6/max(s,1e-3):.2f} | {k/1024:.0f} |')" "$bytes" "$secs" "$kb"
}

python3 - "$polnear/dev/text" "$work/dev.jsonl" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
with open(out, "w", encoding="utf-8") as f:
    for n in sorted(os.listdir(src)):
        f.write(json.dumps({"id": n, "text": open(os.path.join(src, n), encoding="utf-8").read()}) + "\n")
PY

echo "Machine: $(nproc) cores, $(uname -m); commit $(git rev-parse --short HEAD 2>/dev/null || echo none); $(date -u +%F)"
echo
echo "| system, input | MB of text | seconds | MB/s (1 core) | peak RSS (MiB) |"
echo "| --- | ---: | ---: | ---: | ---: |"
measure "whosaid, PolNeAR train x$repeat" "$work/train.jsonl" "$bin" extract --jsonl "$work/train.jsonl"
measure "whosaid, PolNeAR dev" "$work/dev.jsonl" "$bin" extract --jsonl "$work/dev.jsonl"
if [ "$peer" = 1 ]; then
  [ -x "$venv/bin/python" ] || bash "$shared/peers/textacy/setup.sh" "$venv" >&2
  measure "spaCy + textacy (peer), PolNeAR dev" "$work/dev.jsonl" "$venv/bin/python" "$shared/peers/textacy/run.py" --jsonl "$work/dev.jsonl"
  grep '^peer:' "$work/err" >&2 || true
fi
