#!/usr/bin/env bash
# Soak test: ≥ 1 GiB of generated noisy JSON Lines streamed through `whosaid extract`
# (one thread, then -j 2), memory sampled every second; checks that memory stays flat and
# that every input record gives exactly one output line, in order, each valid JSON.
#
#   bench/soak.sh                     # 1 GiB per run, writes its section of docs/benchmarks.md
#   SOAK_BYTES=200M OUT=- bench/soak.sh   # a shorter run, print only
#
# The input is generated on the fly into a pipe (nothing big touches the disk): real
# PolNeAR train articles (whole, or several joined, some with junk characters — control
# characters, zero-width and bidi marks, emoji, U+FFFD — inserted; a few with a NUL, which
# whosaid rejects as binary data), 1 MiB single-line
# articles, huge paragraphs without punctuation, deeply nested and unbalanced quotation
# marks, binary junk lines, lines of invalid UTF-8, malformed JSON (truncated objects,
# arrays, missing or non-string text, 100 000-deep nesting), blank-text records, CRLF
# lines and lines over --max-bytes (4 MiB here). Sampled: VmRSS/VmHWM and the bytes read
# (rchar) from /proc/PID every second; "RSS at 10%" is the RSS when 10% of the input had
# been read. Throughput is input MB / wall seconds of whosaid (generator and checker run
# beside it on the same cores, so it is lower than bench/throughput.sh's).
#
# Environment: SOAK_BYTES (default 1G; K/M/G suffixes), SOAK_THREADS (default "1 2"),
# SOAK_DIR (scratch, default /tmp/soak, deleted afterwards), OUT (default
# docs/benchmarks.md; - prints only), SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
out_md=${OUT:-docs/benchmarks.md}
threads_list=${SOAK_THREADS:-1 2}
bytes_spec=${SOAK_BYTES:-1G}
dir=${SOAK_DIR:-/tmp/soak}
target_bytes=$(python3 -c "
import sys; s = sys.argv[1].upper(); m = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
print(int(float(s[:-1]) * m[s[-1]]) if s[-1] in m else int(s))" "$bytes_spec")
train=$shared/eval-data/polnear/train/text
[ -d "$train" ] || { echo "soak: $train not found (set SHARED)" >&2; exit 2; }

cargo build --release -q -p whosaid
bin=$(realpath "${CARGO_TARGET_DIR:-target}")/release/whosaid
rm -rf "$dir"
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
load=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- the generator
cat >"$dir/gen.py" <<'PY'
"""Writes noisy JSON Lines into FIFO until TARGET bytes; the expected output id of every
line (alternatives joined by TAB) to IDS; counts per kind to STATS (JSON). Builds its
pools first, then writes the time to READY and opens FIFO (which starts whosaid)."""
import glob, json, os, random, sys
from collections import Counter

target, seed, train, ids_path, stats_path, fifo, ready_path = (
    int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6],
    sys.argv[7])
rng = random.Random(seed)
texts = [open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(train, "*.txt")))]
JUNK = ["\u0001", "\u0007", "\u001b", "\u007f", "\u200b", "\u200d", "\u202e", "\u2066",
        "\ufeff", "\ufffd", "\U0001F600", "\U0001F1FA\U0001F1F8", "\u0301", "\u4e2d\u6587",
        "\u05e9\u05dc\u05d5\u05dd", "\t", "\r", "\u2028", "\u00a0", "\\", "\"", "\u201c", "\u201d"]


def noisy(text, rate):
    """`text` with a junk character inserted at about `rate` of its positions."""
    if rate <= 0 or not text:
        return text
    k = max(1, int(len(text) * rate))
    cuts = sorted(rng.randrange(len(text)) for _ in range(k))
    parts, last = [], 0
    for c in cuts:
        parts.append(text[last:c])
        parts.append(rng.choice(JUNK))
        last = c
    parts.append(text[last:])
    return "".join(parts)


def joined(n_bytes, sep):
    """Articles joined by `sep` up to about n_bytes characters, one line."""
    out, size = [], 0
    while size < n_bytes:
        t = rng.choice(texts).replace("\n", " ")
        out.append(t)
        size += len(t) + len(sep)
    return sep.join(out)[:n_bytes]


WORDS = [w.strip(".,;:!?\"'\u201c\u201d\u2018\u2019()[]") for t in texts[:200] for w in t.split()]
WORDS = [w for w in WORDS if w]


def no_punct(n_bytes):
    out, size = [], 0
    while size < n_bytes:
        w = rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)


def nested(depth):
    opens = ["\u201c", "\u2018", "\"", "'", "\u00ab", "\u2039", "\u201e"]
    closes = ["\u201d", "\u2019", "\"", "'", "\u00bb", "\u203a", "\u201c"]
    seq = [rng.randrange(len(opens)) for _ in range(depth)]
    inner = " she said, ".join("Officials said" for _ in range(3))
    body = "".join(opens[i] + "He said " for i in seq) + inner
    if rng.random() < 0.5:  # balanced
        body += "".join(closes[i] for i in reversed(seq)) + " Smith said."
    else:  # unbalanced: openers only, or closers only
        body = rng.choice([body, "".join(closes[i] + " x" for i in seq)])
    return body


def record(rid, text, crlf=False):
    line = json.dumps({"id": rid, "title": "soak", "text": text}, ensure_ascii=rng.random() < 0.3)
    return line.encode("utf-8") + (b"\r" if crlf else b"")


# Pools built once, reused with a fresh id per record (keeps the generator fast).
print("soak: building pools", file=sys.stderr)
articles = []
for i in range(600):
    t = "\n\n".join(rng.choice(texts) for _ in range(rng.choice([1, 1, 2, 3, 4])))
    articles.append(noisy(t, rng.choice([0, 0, 0.001, 0.01, 0.05])))
long_lines = [noisy(joined(1 << 20, " "), rng.choice([0, 0.0005])) for _ in range(6)]
unpunct = [no_punct(rng.choice([200_000, 500_000, 1 << 20])) for _ in range(6)]
nests = [nested(rng.choice([100, 1000, 10_000, 50_000])) for _ in range(12)]
junk_bins = []
for _ in range(50):
    b = bytearray(rng.randbytes(rng.choice([100, 4096, 65536, 300_000])))
    b = b.replace(b"\n", b"\x00")
    b[0] = rng.choice(b"\x00\x01\xff\x80abc")  # never whitespace or '{'
    junk_bins.append(bytes(b))
oversize = no_punct(5 << 20).encode()  # over --max-bytes 4M

# kind: (share of the bytes, mean size in bytes): drawn with probability share/size.
KINDS = {
    "article": (0.40, 11_000), "long_line": (0.20, 1 << 20), "no_punct": (0.08, 560_000),
    "nested_quotes": (0.05, 70_000), "binary": (0.08, 92_000), "invalid_utf8": (0.05, 11_000),
    "malformed_json": (0.03, 6_000), "deep_json": (0.02, 200_000), "blank_text": (0.00002, 40),
    "oversize": (0.05, 5 << 20), "nul_text": (0.005, 11_000),
}
names = list(KINDS)
weights = [KINDS[k][0] / KINDS[k][1] for k in names]

# The clock of the run starts now: whosaid cannot read before the pipe is opened.
import time
with open(ready_path, "w") as f:
    f.write(f"{time.time()}\n")
out = open(fifo, "wb", buffering=1 << 20)
ids = open(ids_path, "w", encoding="utf-8")
counts, kbytes = Counter(), Counter()
total, line_no, n = 0, 0, 0
while total < target:
    n += 1
    line_no += 1
    rid = f"s{n}"
    pos = f"-:{line_no}"
    kind = rng.choices(names, weights)[0]
    if kind == "article":
        line, expect = record(rid, rng.choice(articles), crlf=rng.random() < 0.05), rid
    elif kind == "long_line":
        line, expect = record(rid, rng.choice(long_lines)), rid
    elif kind == "no_punct":
        line, expect = record(rid, rng.choice(unpunct)), rid
    elif kind == "nested_quotes":
        line, expect = record(rid, rng.choice(nests)), rid
    elif kind == "binary":
        line, expect = rng.choice(junk_bins), pos
    elif kind == "invalid_utf8":
        good = record(rid, rng.choice(articles)[:20_000])
        cut = rng.randrange(10, len(good) - 2)
        line, expect = good[:cut] + rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82"]) + good[cut:], pos
    elif kind == "malformed_json":
        good = record(rid, rng.choice(articles)[:8000])
        choice = rng.randrange(5)
        if choice == 0:    # truncated object
            line, expect = good[: rng.randrange(1, len(good) - 1)], pos
        elif choice == 1:  # an array
            line, expect = b"[" + good + b"]", pos
        elif choice == 2:  # no text field: an error record under its id
            line, expect = json.dumps({"id": rid, "title": "x"}).encode(), rid
        elif choice == 3:  # text is not a string
            line, expect = json.dumps({"id": rid, "text": [1, 2]}).encode(), rid + "\t" + pos
        else:              # a lone surrogate escape
            line, expect = b'{"id": "' + rid.encode() + b'", "text": "a \\udc00 b"}', rid + "\t" + pos
    elif kind == "deep_json":
        d = rng.choice([1000, 100_000])
        line = b'{"id": "' + rid.encode() + b'", "text": "x said y.", "extra": ' + b"[" * d + b"]" * d + b"}"
        expect = rid + "\t" + pos
    elif kind == "nul_text":  # a NUL character in the text: binary data, an error record
        line, expect = record(rid, noisy(rng.choice(articles), 0.0001).replace(" ", "\u0000", 1)), rid
    elif kind == "blank_text":
        line, expect = json.dumps({"id": rid, "text": " \n\t "}).encode(), rid
    else:  # oversize
        line, expect = record(rid, "") [:-2] + oversize + b'"}', pos
    out.write(line)
    out.write(b"\n")
    ids.write(expect + "\n")
    counts[kind] += 1
    kbytes[kind] += len(line) + 1
    total += len(line) + 1
out.close()
ids.close()
json.dump({"bytes": total, "records": line_no, "counts": counts, "bytes_by_kind": kbytes},
          open(stats_path, "w"))
PY

# ---------------------------------------------------------------- the checker
cat >"$dir/check.py" <<'PY'
"""Reads whosaid's output: every line valid JSON with an id; writes the ids to IDS and the
counts to STATS (JSON)."""
import json, sys
ids_path, stats_path = sys.argv[1], sys.argv[2]
lines = errors = invalid = quotes = out_bytes = 0
with open(ids_path, "w", encoding="utf-8") as ids:
    for raw in sys.stdin.buffer:
        lines += 1
        out_bytes += len(raw)
        try:
            rec = json.loads(raw)
            rid = rec["id"]
        except (ValueError, KeyError, TypeError):
            invalid += 1
            ids.write("<invalid>\n")
            continue
        if "error" in rec:
            errors += 1
        else:
            quotes += len(rec.get("quotes", []))
        ids.write(rid.replace("\n", " ") + "\n")
json.dump({"lines": lines, "errors": errors, "invalid": invalid, "quotes": quotes,
           "bytes": out_bytes}, open(stats_path, "w"))
PY

# ---------------------------------------------------------------- one run
run() {
  local j=$1 d="$dir/j$1"
  mkdir -p "$d"
  mkfifo "$d/in" "$d/out"
  python3 "$dir/gen.py" "$target_bytes" 20261125 "$train" "$d/expected.ids" "$d/gen.json" \
    "$d/in" "$d/ready" &
  local gen=$!
  python3 "$dir/check.py" "$d/got.ids" "$d/check.json" <"$d/out" &
  local chk=$!
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" extract --format jsonl --max-bytes 4M -q -j "$j" - <"$d/in" >"$d/out" 2>"$d/stderr" &
  local ws=$!
  : >"$d/rss.tsv"
  while kill -0 "$ws" 2>/dev/null; do
    local st rss hwm rchar
    st=$(cat "/proc/$ws/status" 2>/dev/null) || break
    rss=$(awk '/^VmRSS:/ {print $2}' <<<"$st")
    hwm=$(awk '/^VmHWM:/ {print $2}' <<<"$st")
    rchar=$(awk '/^rchar:/ {print $2}' "/proc/$ws/io" 2>/dev/null || echo 0)
    [ -n "$rss" ] && printf '%s\t%s\t%s\t%s\n' "$(date +%s.%N)" "$rss" "$hwm" "$rchar" >>"$d/rss.tsv"
    sleep 1
  done
  local status=0
  wait "$ws" || status=$?
  t1=$(date +%s.%N)
  wait "$gen"
  wait "$chk"
  echo "$status" >"$d/status"
  echo "$t0 $t1" >"$d/times"
}

for j in $threads_list; do
  echo "soak: -j $j, $bytes_spec of noisy input" >&2
  run "$j"
done

# ---------------------------------------------------------------- the report
report=$(python3 - "$dir" "$load" "$bytes_spec" $threads_list <<'PY'
import json, os, platform, subprocess, sys, datetime
dir, load, spec, threads = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
ok_all = True
rows, timelines, notes = [], [], []
gen0 = None
for j in threads:
    d = os.path.join(dir, f"j{j}")
    gen = json.load(open(os.path.join(d, "gen.json")))
    chk = json.load(open(os.path.join(d, "check.json")))
    gen0 = gen0 or gen
    t0, t1 = map(float, open(os.path.join(d, "times")).read().split())
    t0 = max(t0, float(open(os.path.join(d, "ready")).read()))  # generator ready
    status = int(open(os.path.join(d, "status")).read())
    secs = t1 - t0
    samples = []
    for line in open(os.path.join(d, "rss.tsv")):
        t, rss, hwm, rchar = line.split("\t")
        samples.append((float(t) - t0, int(rss) / 1024, int(hwm) / 1024, int(rchar)))
    total = gen["bytes"]
    def rss_at(frac):
        for t, rss, hwm, rchar in samples:
            if rchar >= frac * total:
                return rss
        return samples[-1][1] if samples else float("nan")
    peak = max((s[2] for s in samples), default=float("nan"))
    # One output line per input line, in input order, with the expected id.
    mism, first = 0, None
    with open(os.path.join(d, "expected.ids")) as e, open(os.path.join(d, "got.ids")) as g:
        n = 0
        for exp, got in zip(e, g):
            n += 1
            if got.rstrip("\n") not in exp.rstrip("\n").split("\t"):
                mism += 1
                first = first or (n, exp.strip(), got.strip())
    stderr_lines = sum(1 for _ in open(os.path.join(d, "stderr"), "rb"))
    lines_ok = chk["lines"] == gen["records"] and mism == 0 and chk["invalid"] == 0
    ok = lines_ok and status in (0, 1) and stderr_lines == chk["errors"]
    ok_all &= ok
    if first:
        notes.append(f"-j {j}: first id mismatch at line {first[0]}: expected {first[1]!r}, got {first[2]!r}")
    rows.append(
        f"| `extract -j {j}` | {total / 1e9:.2f} | {gen['records']} | {chk['lines']} | "
        f"{'yes' if lines_ok else '**NO**'} | {chk['errors']} ({stderr_lines} on stderr) | "
        f"{chk['quotes']} | {secs:.0f} | {total / 1e6 / secs:.1f} | {rss_at(0.1):.0f} / "
        f"{rss_at(0.5):.0f} / {rss_at(0.9):.0f} | {peak:.0f} | {status} |")
    # A coarse timeline: RSS at every 10% of the input read.
    timelines.append(f"-j {j}: " + ", ".join(f"{int(p * 100)}% {rss_at(p):.0f}" for p in
                                            [i / 10 for i in range(1, 10)]) + " MiB")
counts = gen0["counts"]
mix = ", ".join(f"{k} {counts[k]} ({gen0['bytes_by_kind'][k] / 1e6:.0f} MB)" for k in sorted(counts))
try:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
except OSError:
    commit = "?"
cpu = "?"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
out = ["## Soak test: ≥ 1 GB of noisy input, flat memory, nothing dropped", "",
       "Generated by `bench/soak.sh` (do not edit by hand; rerun it).", "",
       f"{spec} of generated noisy JSON Lines piped through `whosaid extract --format jsonl "
       "--max-bytes 4M -q` (mix below), RSS sampled every second from `/proc/PID/status`; "
       "RSS at 10/50/90% is taken when that share of the input had been read "
       "(`rchar`). *lines in = out* checks that every input line gave exactly one output "
       "line, valid JSON, in input order with the expected id (its own, or `-:LINE` for an "
       "unreadable line).", "",
       "| run | GB in | records in | lines out | lines in = out, in order | error records | quotes | seconds | MB/s | RSS MiB at 10% / 50% / 90% | peak RSS MiB | exit |",
       "| --- | ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
out += rows
out += ["", "RSS timeline (MiB, by share of the input read): " + "; ".join(timelines) + ".", "",
        f"Input mix (records, bytes): {mix}.", "",
        f"Machine: {os.cpu_count()} cores, {cpu}; {datetime.date.today()}; commit {commit}; "
        f"load average at start {load}. The generator and the checker (Python) share the "
        "cores with whosaid, so MB/s is below `bench/throughput.sh`'s. Exit status 1 is "
        "whosaid's *partial failure* (some records were error records), as expected here."]
out += [""] + notes if notes else []
print("\n".join(out))
print("SOAK_OK" if ok_all else "SOAK_FAILED", file=sys.stderr)
PY
) 2>"$dir/verdict"
cat "$dir/verdict" >&2
echo "$report"
if [ "$out_md" != - ]; then
  echo "$report" | python3 bench/md_section.py "$out_md" soak.sh
  echo "wrote $out_md" >&2
fi
grep -q SOAK_OK "$dir/verdict"
