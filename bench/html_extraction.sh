#!/usr/bin/env bash
# Main-text extraction from news HTML: whosaid-html side by side with trafilatura 2.3.1,
# in one run, each on one core (taskset -c 0), on the article-extraction benchmark's dev half.
#
#   bench/html_extraction.sh                 # both systems, 3 timed passes each
#   PASSES=5 bench/html_extraction.sh
#   PEER=0 bench/html_extraction.sh          # whosaid-html only
#
# Both sides read and gunzip every page first and time only the extraction calls
# (whosaid: decode + extract; trafilatura: extract on the decoded page); MB/s is of raw
# (uncompressed) HTML, the median pass. Quality is scored with the benchmark's score.py.
# Prints a Markdown table on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
data=${DATA:-$shared/eval-data/article-extraction}
split=${SPLIT:-dev}
passes=${PASSES:-3}
peer=${PEER:-1}
venv=${TRAFILATURA_VENV:-.venv-trafilatura}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ ! -d $data/$split/html ]]; then
  echo "no benchmark data at $data/$split (set SHARED or DATA)" >&2
  exit 1
fi

echo "building whosaid-html extract_dir example..." >&2
cargo build --release -q -p whosaid-html --example extract_dir

if [[ $peer == 1 ]]; then
  if ! "$venv/bin/python" -c 'import trafilatura, sys; sys.exit(trafilatura.__version__ != "2.3.1")' 2>/dev/null; then
    echo "installing trafilatura==2.3.1 into $venv..." >&2
    python3 -m venv "$venv"
    # lxml >= 5.2 moved lxml.html.clean (needed by justext) to its own package.
    "$venv/bin/pip" install -q --disable-pip-version-check trafilatura==2.3.1 lxml_html_clean >&2
  fi
fi

score() { # pred.json -> "f1|precision|recall|accuracy"
  python3 "$data/score.py" "$data/$split/ground-truth.json" "$1" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("%.4f | %.4f | %.4f | %.3f" % (d["f1"], d["precision"], d["recall"], d["accuracy"]))'
}
speed() { # stderr line of a runner -> "MB/s|pages/s"
  python3 -c '
import re, sys
kv = dict(re.findall(r"(\w+)=([\d.]+)", open(sys.argv[1]).read()))
print("%.1f | %.0f" % (float(kv["mb_per_s"]), float(kv["pages"]) / float(kv["seconds"])))' "$1"
}

echo "running whosaid-html..." >&2
taskset -c 0 "${CARGO_TARGET_DIR:-target}"/release/examples/extract_dir "$data/$split/html" "$work/whosaid.json" "$passes" 2>"$work/whosaid.err"
w_speed=$(speed "$work/whosaid.err")
w_score=$(score "$work/whosaid.json")
rows=("| whosaid-html $(git describe --always --dirty 2>/dev/null || echo '?') | $w_score | $w_speed |")

if [[ $peer == 1 ]]; then
  echo "running trafilatura 2.3.1..." >&2
  taskset -c 0 "$venv/bin/python" bench/html_extraction_trafilatura.py "$data/$split/html" "$work/trafilatura.json" "$passes" 2>"$work/trafilatura.err"
  t_speed=$(speed "$work/trafilatura.err")
  t_score=$(score "$work/trafilatura.json")
  rows+=("| trafilatura 2.3.1 (\`extract(html)\`) | $t_score | $t_speed |")
  ratio=$(python3 -c 'import sys; print("%.1f" % (float(sys.argv[1]) / float(sys.argv[2])))' "${w_speed%% |*}" "${t_speed%% |*}")
fi

pages=$(ls "$data/$split/html" | grep -c '\.html\.gz$')
echo "### Article extraction, $split split ($pages pages), one core (taskset -c 0), median of $passes passes"
echo
echo "| system | F1 | precision | recall | accuracy | MB/s raw HTML | pages/s |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
if [[ $peer == 1 ]]; then
  echo
  echo "whosaid-html / trafilatura throughput: ${ratio}x"
fi
