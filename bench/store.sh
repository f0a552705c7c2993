#!/usr/bin/env bash
# Corpus store benchmark: `whosaid ingest` throughput (articles/s, MB/s of article text),
# database size per article, and search latency (p50/p99 over QUERIES in-process
# searches drawn from the corpus) on
#   1. PolNeAR train (840 articles), and
#   2. a synthetic corpus of SYNTH articles made from PolNeAR train text (paragraphs of
#      random train articles shuffled together, with URLs, dates and outlets), as JSON Lines.
#
#   bench/store.sh                 # SYNTH=20000 QUERIES=1000: about 2 minutes on 2 cores
#   SYNTH=200000 bench/store.sh    # a bigger corpus
#   THREADS=1 bench/store.sh       # analysis on one core
#
# Prints a Markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
train=$shared/eval-data/polnear/train/text
synth=${SYNTH:-20000}
queries=${QUERIES:-1000}
threads=${THREADS:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p whosaid -p whosaid-store --example search_bench
bin=target/release/whosaid
searcher=target/release/examples/search_bench

python3 - "$train" "$work/synth.jsonl" "$synth" <<'PY'
import json, os, random, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(42)
names = sorted(os.listdir(src))
articles = []
for name in names:
    text = open(os.path.join(src, name), encoding="utf-8").read()
    paras = [p for p in text.split("\n") if p.strip()]
    if paras:
        articles.append((name.split("_")[0], paras))
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        source, paras = articles[rng.randrange(len(articles))]
        # a headline and most paragraphs of one article, a few of another, shuffled after
        # the first: distinct texts, realistic length and quote density
        other = articles[rng.randrange(len(articles))][1]
        body = paras[1:] + rng.sample(other, min(3, len(other)))
        rng.shuffle(body)
        text = "\n".join([paras[0]] + body) + "\n"
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        f.write(json.dumps({
            "id": f"synth-{i}",
            "url": f"https://{source}.example/{i}",
            "date": f"2016-{month:02d}-{day:02d}",
            "source": source,
            "text": text,
        }) + "\n")
PY

row() { # name db summary.json search.json
    python3 - "$@" <<'PY'
import json, os, sys
name, db, summary, search = sys.argv[1:5]
s = json.load(open(summary))
q = json.load(open(search))
size = sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p))
arts = s["corpus"]["articles"]
print(f"| {name} | {arts} | {s['bytes']/1e6:.1f} | {s['seconds']:.1f} | "
      f"{s['added']/s['seconds']:.0f} | {s['bytes']/1e6/s['seconds']:.2f} | "
      f"{s['corpus']['quotes']} | {s['corpus']['speakers']} | "
      f"{size/1e6:.1f} | {size/max(arts,1)/1024:.1f} | "
      f"{q['p50_ms']:.2f} | {q['p99_ms']:.2f} |")
PY
}

echo "| corpus | articles | text MB | ingest s | articles/s | MB/s | quotes | speakers | DB MB | DB KiB/article | search p50 ms | search p99 ms |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for corpus in polnear synth; do
    db=$work/$corpus.db
    if [ "$corpus" = polnear ]; then input=$train; name="PolNeAR train"; else input=$work/synth.jsonl; name="synthetic ($synth)"; fi
    "$bin" ingest --db "$db" -j "$threads" --json "$input" > "$work/$corpus.summary.json" 2> "$work/$corpus.stderr" \
        || { cat "$work/$corpus.stderr" >&2; exit 1; }
    "$searcher" "$db" "$queries" > "$work/$corpus.search.json"
    row "$name" "$db" "$work/$corpus.summary.json" "$work/$corpus.search.json"
done
# Re-ingest of the synthetic corpus: everything is already stored (the idempotence check).
start=$(date +%s.%N)
"$bin" ingest --db "$work/synth.db" --json "$work/synth.jsonl" > "$work/again.json" 2>/dev/null
end=$(date +%s.%N)
python3 - "$work/again.json" "$start" "$end" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"\nRe-ingest of the synthetic corpus: {s['added']} added, {s['already_stored']} already stored, "
      f"{float(sys.argv[3]) - float(sys.argv[2]):.1f} s.")
PY
