#!/usr/bin/env bash
# End-to-end throughput and peak memory of `whosaid extract` on a WARC.gz crawl:
# PolNeAR train texts wrapped as HTML news pages (navigation, share links, footer around
# an <article>), one gzip member per record with a request record before each response,
# as in Common Crawl's CC-NEWS. Runs WARC.gz -> quotes JSON Lines with --threads 1 and
# --threads 2 and prints a Markdown table: MB/s of compressed and uncompressed input,
# pages per second, peak RSS (/usr/bin/time %M).
#
#   bench/warc.sh              # PolNeAR train x5 (about 4,200 pages)
#   REPEAT=20 bench/warc.sh
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
texts=$shared/eval-data/polnear/train/text
repeat=${REPEAT:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p whosaid
bin=${CARGO_TARGET_DIR:-target}/release/whosaid

python3 - "$texts" "$work/crawl.warc.gz" "$repeat" <<'PY'
import gzip, html, os, sys, uuid
src, out, rep = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = sorted(os.listdir(src))
raw = 0
def record(kind, uri, ctype, block):
    head = (f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Date: 2016-01-01T00:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"
with open(out, "wb") as f:
    for r in range(rep):
        for n in names:
            text = open(os.path.join(src, n), encoding="utf-8").read()
            paras = [p.strip() for p in text.split("\n") if p.strip()]
            title = html.escape(paras[0]) if paras else n
            body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras[1:])
            site = n.split("_")[0]
            page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title} | {site}</title>"
                    f"<meta property=\"og:title\" content=\"{title}\"><meta property=\"og:site_name\" content=\"{site}\">"
                    f"</head><body><header><nav><a href=\"/\">Home</a> <a href=\"/politics\">Politics</a> "
                    f"<a href=\"/world\">World</a></nav></header><main><article><h1>{title}</h1>\n{body}\n"
                    f"<div class=\"share\"><a href=\"#\">Share on Facebook</a> <a href=\"#\">Tweet</a></div></article>"
                    f"<aside class=\"related\"><h2>Related</h2><ul><li><a href=\"/a\">Another story</a></li></ul></aside>"
                    f"</main><footer>Copyright 2016 {site}</footer></body></html>").encode()
            uri = f"https://{site}.example/{r}/{n[:-4]}"
            http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    + f"Content-Length: {len(page)}\r\n\r\n".encode() + page)
            for rec in (record("request", uri, "application/http; msgtype=request",
                               f"GET {uri} HTTP/1.1\r\nHost: {site}.example\r\n\r\n".encode()),
                        record("response", uri, "application/http; msgtype=response", http)):
                raw += len(rec)
                f.write(gzip.compress(rec, 6))
print(raw, file=open(out + ".raw", "w"))
PY
gz_bytes=$(stat -c %s "$work/crawl.warc.gz")
raw_bytes=$(cat "$work/crawl.warc.gz.raw")
pages=$(( $(ls "$texts" | wc -l) * repeat ))

echo "Machine: $(nproc) cores, $(uname -m); commit $(git rev-parse --short HEAD 2>/dev/null || echo none); $(date -u +%F)"
echo "Input: $pages pages, $(python3 -c "print(f'{$gz_bytes/1e6:.1f} MB gzip, {$raw_bytes/1e6:.1f} MB uncompressed WARC')")"
echo
echo "| command | threads | seconds | MB/s (gzip) | MB/s (WARC) | pages/s | peak RSS (MiB) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for cmd in extract clean; do
  for threads in 1 2; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin" "$cmd" --threads "$threads" "$work/crawl.warc.gz" >"$work/out" 2>"$work/err" || true
    read -r secs kb <"$work/time"
    records=$(wc -l <"$work/out")
    errors=$(grep -c '"error"' "$work/out" || true)
    python3 -c "import sys; g,w,p,s,k=map(float,sys.argv[1:6]); s=max(s,1e-3); print(f'| whosaid $cmd | $threads | {s:.2f} | {g/1e6/s:.2f} | {w/1e6/s:.2f} | {p/s:.0f} | {k/1024:.0f} |')" \
      "$gz_bytes" "$raw_bytes" "$pages" "$secs" "$kb"
    [ "$records" = "$pages" ] || echo "warning: $records records for $pages pages ($errors errors)" >&2
  done
done
