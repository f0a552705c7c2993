#!/usr/bin/env python3
"""Time trafilatura.extract on every *.html.gz page of a directory.

Usage: html_extraction_trafilatura.py DIR OUT.json [PASSES]

Reads and gunzips all pages first (UTF-8), then times only the extract() calls
(median of PASSES passes, default 3), writes {id: text} to OUT.json and prints
one line `pages=N bytes=B seconds=S mb_per_s=X` to stderr, like the Rust example.
"""
import gzip
import json
import os
import statistics
import sys
import time

import trafilatura


def main():
    src, out = sys.argv[1], sys.argv[2]
    passes = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    pages = []
    for name in sorted(os.listdir(src)):
        if name.endswith(".html.gz"):
            with gzip.open(os.path.join(src, name)) as f:
                raw = f.read()
            pages.append((name[: -len(".html.gz")], raw.decode("utf-8", "replace"), len(raw)))
    total = sum(n for _, _, n in pages)
    times, result = [], {}
    for p in range(passes):
        texts = []
        t0 = time.perf_counter()
        for _, html, _ in pages:
            texts.append(trafilatura.extract(html))
        times.append(time.perf_counter() - t0)
        if p == 0:
            result = {i: (t or "") for (i, _, _), t in zip(pages, texts)}
    secs = statistics.median(times)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
    print(f"pages={len(pages)} bytes={total} seconds={secs:.4f} mb_per_s={total / 1e6 / secs:.2f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
