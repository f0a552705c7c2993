#!/usr/bin/env python3
"""Replaces one generated section of a Markdown file, leaving the rest as it is.

    python3 bench/md_section.py FILE NAME < CONTENT

The section is the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`; when
the file has no such markers the section is appended (the file is created if need be).
Each benchmark script owns one section of docs/benchmarks.md this way (compare.sh the
side-by-side table, soak.sh the soak test), so that rerunning one keeps the others.
"""
import os
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, name = sys.argv[1], sys.argv[2]
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    content = sys.stdin.read().strip("\n")
    block = f"{begin}\n{content}\n{end}"
    old = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = f.read()
    i, j = old.find(begin), old.find(end)
    if i >= 0 and j > i:
        new = old[:i] + block + old[j + len(end):]
    else:
        new = (old.rstrip("\n") + "\n\n" if old.strip() else "") + block + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(new)
    os.replace(tmp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
