#!/usr/bin/env bash
# Corpus store benchmark. Prints Markdown tables on stdout (progress on stderr):
#
#  1. ingest beside extract, in one run, same input, same thread count, one after the
#     other: `whosaid extract -j T INPUT > /dev/null` vs `whosaid ingest -j T INPUT` into a
#     fresh database, ROUNDS times alternated — median MB/s and articles/s of each, and
#     the ratio of the medians (and of each round), on PolNeAR (train and dev, the whole
#     corpus in ../shared) and on the first
#     COMPARE articles of the synthetic corpus;
#  2. ingest throughput (articles/s, MB/s of article text), database size per article and
#     search latency (p50/p99 over QUERIES in-process searches drawn from the corpus, see
#     crates/store/examples/search_bench.rs) on PolNeAR and on a synthetic corpus of
#     ARTICLES articles built from PolNeAR train text: the headline and paragraphs of one
#     real article plus three paragraphs of another, shuffled, with a new id, URL, date and
#     outlet, streamed to JSON Lines (nothing is held in memory).
#
#   bench/store.sh                               # 20,000 synthetic articles: minutes
#   bench/store.sh --articles 1000000            # the 1M corpus: ~5.3 GB of JSON Lines, ~4 GB DB
#   bench/store.sh --threads 1 --articles 50000
#
# Options: --articles N (default 20000), --compare N (synthetic articles in the side-by-side
# run, default min(ARTICLES, 20000)), --queries N (1000), --threads N (2), --rounds N (3;
# PolNeAR, a third of a second a round, runs at least 15), --work DIR
# (/tmp/store-bench/run; deleted at the end unless --keep).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
train=$shared/eval-data/polnear/train/text
dev=$shared/eval-data/polnear/dev/text
articles=20000
compare=
queries=1000
threads=2
rounds=3
work=/tmp/store-bench/run
keep=0
while [ $# -gt 0 ]; do
    case $1 in
        --articles) articles=$2; shift 2 ;;
        --compare) compare=$2; shift 2 ;;
        --queries) queries=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "usage: bench/store.sh [--articles N] [--compare N] [--queries N] [--threads N] [--rounds N] [--work DIR] [--keep]" >&2; exit 2 ;;
    esac
done
compare=${compare:-$(( articles < 20000 ? articles : 20000 ))}
rm -rf "$work"
mkdir -p "$work"
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# --bin too: target flags select, and --example alone would leave a stale whosaid
cargo build --release -q -p whosaid -p whosaid-store --bin whosaid --example search_bench
# copies, so that a rebuild during a long run does not change the binaries under it
cp "${CARGO_TARGET_DIR:-target}"/release/whosaid "${CARGO_TARGET_DIR:-target}"/release/examples/search_bench "$work/"
bin=$work/whosaid
searcher=$work/search_bench

log "building the synthetic corpus: $articles articles"
python3 - "$train" "$work/synth.jsonl" "$articles" <<'PY'
import json, os, random, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(42)
articles = []
for name in sorted(os.listdir(src)):
    with open(os.path.join(src, name), encoding="utf-8") as f:
        paras = [p for p in f.read().split("\n") if p.strip()]
    if paras:
        articles.append((name.split("_")[0], paras))
outlets = ["wire", "daily", "herald", "times", "post", "tribune", "gazette", "courier"]
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        source, paras = articles[rng.randrange(len(articles))]
        # the headline and most paragraphs of one article, three of another, shuffled after
        # the headline: distinct texts of realistic length and quote density
        other = articles[rng.randrange(len(articles))][1]
        body = paras[1:] + rng.sample(other, min(3, len(other)))
        rng.shuffle(body)
        outlet = f"{source}-{outlets[i % len(outlets)]}"
        f.write(json.dumps({
            "id": f"synth-{i}",
            "url": f"https://{outlet}.example/{i}",
            "date": f"{2010 + i // 336 % 10}-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}",
            "source": outlet,
            "text": "\n".join([paras[0]] + body) + "\n",
        }) + "\n")
PY
head -n "$compare" "$work/synth.jsonl" > "$work/compare.jsonl"
# The corpus just written (5.5 GB at 1M) would otherwise go to disk while the first
# timings run, and slow the ingest's fsyncs (PolNeAR and 20k both measured 46% that way,
# 51% and 55% without): each timed step starts with nothing left to write back.
log "sync"
sync

now() { date +%s.%N; }

# extract vs ingest, one after the other, same input and threads, ROUNDS times alternated:
# the VM's speed moves by ±10% from minute to minute, so the ratio is of the medians.
# PolNeAR's rounds take a third of a second and its ratio moves by several points from
# round to round on a shared VM: at least 15 rounds, so that its median is stable.
pol_rounds=$(( rounds < 15 ? 15 : rounds ))
echo "### ingest beside extract ($threads threads, same run, medians of alternated rounds: $pol_rounds on PolNeAR, $rounds on the synthetic corpus)"
echo
echo "| input | articles | MB | extract s | extract MB/s | extract articles/s | ingest s | ingest MB/s | ingest articles/s | ingest / extract | rounds: ingest / extract |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for c in polnear compare; do
    if [ $c = polnear ]; then input=("$train" "$dev"); name="PolNeAR train + dev"; else input=("$work/compare.jsonl"); name="synthetic ($compare)"; fi
    times=()
    n_rounds=$rounds
    [ $c = polnear ] && n_rounds=$pol_rounds
    for r in $(seq "$n_rounds"); do
        log "extract $name (round $r)"
        t0=$(now); "$bin" extract -q -j "$threads" "${input[@]}" > /dev/null; t1=$(now)
        log "ingest $name (round $r)"
        rm -f "$work/$c.db" "$work/$c.db-wal" "$work/$c.db-shm"
        sync
        t2=$(now)
        "$bin" ingest -q --json -j "$threads" --db "$work/$c.db" "${input[@]}" > "$work/$c.summary.json"
        t3=$(now)
        sync
        times+=("$t0,$t1,$t2,$t3")
    done
    python3 - "$name" "$work/$c.summary.json" "${times[@]}" <<'PY'
import json, statistics, sys
name, summary, rounds = sys.argv[1], sys.argv[2], [tuple(map(float, r.split(","))) for r in sys.argv[3:]]
s = json.load(open(summary))
n, mb = s["corpus"]["articles"], s["bytes"] / 1e6
exs = [t1 - t0 for t0, t1, _, _ in rounds]
ings = [t3 - t2 for _, _, t2, t3 in rounds]
ex, ing = statistics.median(exs), statistics.median(ings)
each = ", ".join(f"{e / i:.0%}" for e, i in zip(exs, ings))
secs = lambda t: f"{t:.3f}" if t < 10 else f"{t:.1f}"
print(f"| {name} | {n} | {mb:.1f} | {secs(ex)} | {mb/ex:.2f} | {n/ex:.0f} | {secs(ing)} | "
      f"{mb/ing:.2f} | {n/ing:.0f} | **{ex/ing:.1%}** | {each} |")
PY
done

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
      f"{s['corpus']['quotes']} | {q['speakers']} | "
      f"{size/1e6:.1f} | {size/max(arts,1)/1024:.1f} | "
      f"{q['p50_ms']:.2f} | {q['p99_ms']:.2f} |")
PY
}

echo
echo "### ingest and search ($threads threads; search: $queries queries, one at a time)"
echo
echo "| corpus | articles | text MB | ingest s | articles/s | MB/s | quotes | speakers | DB MB | DB KiB/article | search p50 ms | search p99 ms |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
log "search PolNeAR train + dev"
"$searcher" "$work/polnear.db" "$queries" > "$work/polnear.search.json"
row "PolNeAR train + dev" "$work/polnear.db" "$work/polnear.summary.json" "$work/polnear.search.json"
if [ "$compare" != "$articles" ]; then
    rm -f "$work/compare.db" "$work/compare.db-wal" "$work/compare.db-shm"
    log "ingest synthetic ($articles)"
    sync
    "$bin" ingest -q --json -j "$threads" --db "$work/synth.db" "$work/synth.jsonl" > "$work/synth.summary.json"
else
    mv "$work/compare.db" "$work/synth.db"
    mv "$work/compare.summary.json" "$work/synth.summary.json"
fi
log "search synthetic ($articles)"
"$searcher" "$work/synth.db" "$queries" > "$work/synth.search.json"
row "synthetic ($articles)" "$work/synth.db" "$work/synth.summary.json" "$work/synth.search.json"
log "done"
