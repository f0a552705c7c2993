#!/usr/bin/env bash
# whosaid beside the spaCy + textacy peer, in one run on the same input (PolNeAR dev as
# JSON Lines): accuracy scored by ../shared/eval-data/polnear/score.py for both (cue figures,
# which score.py lacks, by `whosaid eval`, which agrees with it on content), and
# throughput and peak RSS on one core (taskset -c 0, /usr/bin/time).
#
#   bench/compare.sh                 # prints the Markdown table and writes its section of docs/benchmarks.md
#   OUT=- bench/compare.sh           # print only
#   SPLIT=dev PEER_VENV=.peer-venv bench/compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
split_name=${SPLIT:-dev}
split=$shared/eval-data/polnear/$split_name
score=$shared/eval-data/polnear/score.py
venv=${PEER_VENV:-.peer-venv}
out_md=${OUT:-docs/benchmarks.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

load=$(cut -d' ' -f1-3 /proc/loadavg)
[ -x "$venv/bin/python" ] || bash "$shared/peers/textacy/setup.sh" "$venv" >&2
cargo build --release -q -p whosaid
bin=${CARGO_TARGET_DIR:-target}/release/whosaid

# The split as JSON Lines, one article a line, id = the text's file name (what score.py keys on).
python3 - "$split/text" "$work/in.jsonl" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
with open(out, "w", encoding="utf-8") as f:
    for n in sorted(os.listdir(src)):
        if n.endswith(".txt"):
            f.write(json.dumps({"id": n, "text": open(os.path.join(src, n), encoding="utf-8").read()}) + "\n")
PY
bytes=$(python3 -c 'import json,sys; print(sum(len(json.loads(l)["text"].encode()) for l in open(sys.argv[1], encoding="utf-8")))' "$work/in.jsonl")
docs=$(wc -l <"$work/in.jsonl")

timed() { # name cmd... -> output in $work/name.out, "secs kb" in $work/name.time
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" taskset -c 0 "$@" >"$work/$name.out" 2>"$work/$name.err"
}

timed peer "$venv/bin/python" "$shared/peers/textacy/run.py" --jsonl "$work/in.jsonl"
# whosaid finishes dev in tens of milliseconds, under /usr/bin/time's 10 ms resolution: run it
# RUNS times (same input, same output) and keep the median run's time and the largest RSS.
runs=${RUNS:-7}
for i in $(seq "$runs"); do
  timed whosaid "$bin" extract --threads 1 --jsonl "$work/in.jsonl"
  cat "$work/whosaid.time" >>"$work/whosaid.times"
done
python3 -c 'import sys; r=[l.split() for l in open(sys.argv[1]) if l.strip()]; s=sorted(float(a) for a,_ in r); print(s[len(s)//2], max(int(b) for _,b in r))' "$work/whosaid.times" >"$work/whosaid.time"
grep '^peer:' "$work/peer.err" >&2 || true

# Both scored by the reference scorer: the peer's lines are already in its format; whosaid's
# are converted by `whosaid eval --write-predictions` (its own table goes to stderr here).
"$bin" eval --gold "$split" "$work/whosaid.out" --write-predictions "$work/whosaid.pred.jsonl" >&2
python3 "$score" "$split" "$work/peer.out" >"$work/peer.score"
python3 "$score" "$split" "$work/whosaid.pred.jsonl" >"$work/whosaid.score"

# Cue P/R/F1 (score.py has none) by `whosaid eval --json`, the same rule for both systems: a
# predicted cue of a content-matched relation overlapping the gold Cue. The peer gives its cue
# as text only ("said"); it is placed at the occurrence nearest its content in the article
# (the cue_start/cue_end extension of the scorer's format).
python3 - "$work/in.jsonl" "$work/peer.out" "$work/peer.cue.jsonl" <<'PY'
import json, sys
texts = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    texts[r["id"]] = r["text"]
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for line in open(sys.argv[2], encoding="utf-8"):
        if not line.strip():
            continue
        p = json.loads(line)
        text, cue = texts.get(p["doc"], ""), p.get("cue") or ""
        best = None
        if cue and p.get("content_start") is not None:
            a, b = p["content_start"], p["content_end"]
            i = text.find(cue)
            while i >= 0:
                d = a - (i + len(cue)) if i < a else max(0, i - b)
                if best is None or d < best[0]:
                    best = (d, i)
                i = text.find(cue, i + 1)
        if best is not None:
            p["cue_start"], p["cue_end"] = best[1], best[1] + len(cue)
        out.write(json.dumps(p) + "\n")
PY
"$bin" eval --gold "$split" "$work/peer.cue.jsonl" --json >"$work/peer.eval" 2>/dev/null
"$bin" eval --gold "$split" "$work/whosaid.out" --json >"$work/whosaid.eval" 2>/dev/null

machine="$(nproc) cores, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -m)"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)
date=$(date -u +%F)

table=$(python3 - "$work" "$bytes" "$docs" "$split_name" "$machine" "$commit" "$date" "$runs" <<'PY'
import json, sys
work, nbytes, ndocs, split, machine, commit, date, runs = sys.argv[1:]
nbytes, ndocs = int(nbytes), int(ndocs)
rows = {}
for name in ("whosaid", "peer"):
    s = json.load(open(f"{work}/{name}.score"))
    e = json.load(open(f"{work}/{name}.eval"))
    assert (e["tp"], e["fp"], e["fn"]) == (s["tp"], s["fp"], s["fn"]), (name, "eval and score.py disagree")
    s["cue_p"], s["cue_r"], s["cue_f1"] = e["cue"]["p"], e["cue"]["r"], e["cue"]["f1"]
    secs, kb = open(f"{work}/{name}.time").read().split()[-2:]
    secs, kb = float(secs), int(kb)
    s["mbps"] = nbytes / 1e6 / max(secs, 1e-3)
    s["rss"] = kb / 1024
    s["secs"] = secs
    s["quotes"] = sum(1 for l in open(f"{work}/{name}.out") if l.strip())
    rows[name] = s
w, p = rows["whosaid"], rows["peer"]
def ratio(k):
    return f"{w[k] / p[k]:.2f}×" if p[k] else "—"
cols = [("content P", "content_p", "{:.3f}"), ("content R", "content_r", "{:.3f}"),
        ("content F1", "content_f1", "{:.3f}"), ("cue P", "cue_p", "{:.3f}"),
        ("cue R", "cue_r", "{:.3f}"), ("cue F1", "cue_f1", "{:.3f}"),
        ("speaker acc", "speaker_acc", "{:.3f}"),
        ("MB/s (1 core)", "mbps", "{:.3f}"), ("peak RSS (MiB)", "rss", "{:.0f}")]
out = []
out.append(f"PolNeAR {split} ({ndocs} articles, {nbytes / 1e6:.2f} MB of text, JSON Lines in), "
           f"both scored by `score.py`; wall time of the whole process under `taskset -c 0` "
           f"(model loading included; whosaid: median of {runs} runs).")
out.append("")
out.append("| system | " + " | ".join(c[0] for c in cols) + " | seconds | tp / fp / fn |")
out.append("| --- | " + " | ".join("---:" for _ in cols) + " | ---: | ---: |")
for label, s in (("**whosaid** `extract --threads 1`", w), ("spaCy + textacy (peer)", p)):
    out.append(f"| {label} | " + " | ".join(f.format(s[k]) for _, k, f in cols)
               + f" | {s['secs']:.2f} | {s['tp']} / {s['fp']} / {s['fn']} |")
out.append("| whosaid / peer | " + " | ".join(ratio(k) for _, k, _ in cols) + " | | |")
out.append("")
out.append(f"Machine: {machine}; {date}; commit {commit}.")
print("\n".join(out))
PY
)

echo "$table"
if [ "$out_md" != - ]; then
  # Only its own section of the file (between `<!-- compare.sh:begin/end -->`); the other
  # sections (bench/soak.sh's) stay as they are.
  {
    echo "## whosaid beside the spaCy + textacy peer"
    echo
    echo "Generated by \`bench/compare.sh\` (do not edit by hand; rerun it)."
    echo
    echo "$table"
    echo
    echo "The peer is textacy's \`direct_quotations\` over spaCy \`en_core_web_sm\`"
    echo "(\`$shared/peers/textacy/run.py\`): direct quotes only, and it refuses articles"
    echo "with an unclosed quotation mark. Speaker accuracy is over each system's own"
    echo "matched contents, so the two are not over the same quotes. Cue P/R/F1 (not in"
    echo "\`score.py\`) are \`whosaid eval\`'s: a predicted cue of a content-matched relation"
    echo "overlapping the gold cue; the peer gives its cue as words only, placed at their"
    echo "occurrence nearest its content. The peer's own timer"
    echo "(parsing only, model loading excluded) in the same run: \`$(grep -m1 '^peer:' "$work/peer.err" || echo none)\`."
    echo "whosaid's run is shorter than /usr/bin/time's 10 ms resolution allows to time well;"
    echo "\`bench/throughput.sh\` times it on PolNeAR train ×5. Load average when this run"
    echo "started: $load. Other jobs on the machine move both MB/s figures between runs (on a"
    echo "loaded 2-core machine, whosaid 5.2–10.4 MB/s and the peer 0.017–0.025 MB/s over four"
    echo "runs of this script on 2026-11-25); rerun on an idle machine for stable figures."
  } | python3 bench/md_section.py "$out_md" compare.sh
  echo "wrote $out_md" >&2
fi
