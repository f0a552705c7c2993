#!/usr/bin/env python3
"""Regenerate crates/provenance/data/spin.tsv, the spin lexicon of whosaid-provenance.

    python3 scripts/build_spin_lexicon.py

Article spinners rewrite text by swapping words for dictionary synonyms. To see through
that, whosaid-provenance maps every word of a synonym group to one canonical word. The
groups come from WordNet 3.0 (Debian `wordnet-base`, apt-installed if
/usr/share/wordnet is missing; needs root), restricted to common words:

* a lemma is kept when it is one lowercase alphabetic word of 3+ letters whose senses
  are tagged at least MIN_TAGS times in SemCor (`cntlist.rev`);
* a lemma's *top senses* are its first TOP_SENSES senses per part of speech that are
  tagged at least once;
* the kept lemmas sharing a top sense are joined (union-find, most frequent first), and
  a join that would make a group larger than MAX_GROUP words is refused, so that
  light verbs (get, make, take...) do not swallow half the language;
* crates/provenance/data/supplement_spin.tsv (hand-curated, e.g. international /
  worldwide / global) is merged in.

Output: one group a line, tab-separated, canonical (most frequent) word first.
Country and agency names are not in this file: the crate uses
whosaid_core::lexicon::canonical_entity for them.
"""

from __future__ import annotations

import collections
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "crates" / "provenance" / "data"
WN = Path("/usr/share/wordnet")
MIN_TAGS = 3
TOP_SENSES = 2
MAX_GROUP = 12
POS = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
# Function words WordNet lists as content words; never treated as spun.
STOP = set(
    """the and for not but are was were has had have his her its our their you your they
    them she him who whom what when where why how all any can may might must will would
    shall should one two three also just more most less very much such than then there
    here this that these those with from into over under about after before again""".split()
)


def ensure_wordnet() -> None:
    if not (WN / "cntlist.rev").exists():
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", "wordnet-base"], check=True)


def main() -> None:
    ensure_wordnet()
    # SemCor tag counts per (lemma, pos, sense number), from cntlist.rev.
    tags: dict[tuple[str, str, int], int] = collections.Counter()
    with open(WN / "cntlist.rev", encoding="latin-1") as f:
        for line in f:
            key, sense_no, n = line.split()
            lemma, rest = key.split("%", 1)
            tags[(lemma, POS[rest[0]], int(sense_no))] += int(n)
    senses: dict[tuple[str, str], list[tuple[int, str, int]]] = collections.defaultdict(list)
    freq: collections.Counter[str] = collections.Counter()
    for pos, fname in (("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv")):
        with open(WN / f"index.{fname}", encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                p = line.split()
                lemma, count = p[0], int(p[2])
                if not lemma.isalpha() or not lemma.islower() or len(lemma) < 3 or lemma in STOP:
                    continue
                for no, offset in enumerate(p[-count:], start=1):
                    n = tags.get((lemma, pos, no), 0)
                    senses[(lemma, pos)].append((no, pos + offset, n))
                    freq[lemma] += n
    common = {w for w, n in freq.items() if n >= MIN_TAGS}
    members: dict[str, list[str]] = collections.defaultdict(list)
    for (lemma, _pos), ss in senses.items():
        if lemma not in common:
            continue
        tagged = sorted(s for s in ss if s[2] > 0)[:TOP_SENSES]
        for _no, synset, _tags in tagged:
            members[synset].append(lemma)

    parent: dict[str, str] = {}
    size: dict[str, int] = {}

    def find(w: str) -> str:
        parent.setdefault(w, w)
        size.setdefault(w, 1)
        while parent[w] != w:
            parent[w] = parent[parent[w]]
            w = parent[w]
        return w

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra == rb or size[ra] + size[rb] > MAX_GROUP:
            return
        # The more frequent root stays canonical.
        if (freq[rb], rb) > (freq[ra], ra):
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]

    # Most frequent words first: their groups form before rare words can chain them.
    synsets = sorted(members.items(), key=lambda kv: -max(freq[w] for w in kv[1]))
    for _synset, ws in synsets:
        ws = sorted(set(ws), key=lambda w: (-freq[w], w))
        for w in ws[1:]:
            union(ws[0], w)

    supplement = []
    for line in (DATA / "supplement_spin.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            supplement.append(line.split("\t"))
    # Supplement words leave their WordNet group and form their own.
    taken = {w for g in supplement for w in g}
    groups: dict[str, list[str]] = collections.defaultdict(list)
    for w in list(parent):
        if w not in taken:
            groups[find(w)].append(w)
    out = []
    for ws in groups.values():
        if len(ws) < 2:
            continue
        ws.sort(key=lambda w: (-freq[w], w))
        out.append(ws)
    out.extend(supplement)
    out.sort(key=lambda ws: ws[0])
    header = (
        "# Generated by scripts/build_spin_lexicon.py from WordNet 3.0 (Debian wordnet-base)\n"
        f"# + supplement_spin.tsv; common words only (SemCor tags >= {MIN_TAGS}, top {TOP_SENSES}"
        f" senses, groups <= {MAX_GROUP}).\n"
        "# One synonym group a line, tab-separated, canonical word first.\n"
    )
    text = header + "".join("\t".join(ws) + "\n" for ws in out)
    (DATA / "spin.tsv").write_text(text, encoding="utf-8")
    n = sum(len(ws) for ws in out)
    print(f"spin.tsv: {len(out)} groups, {n} words, {len(text.encode())} bytes")


if __name__ == "__main__":
    main()
