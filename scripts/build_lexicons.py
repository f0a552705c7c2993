#!/usr/bin/env python3
"""Regenerate the lexicon data files under crates/core/data/ from public sources.

One command does everything:

    python3 scripts/build_lexicons.py

It apt-installs Debian's `wordnet-base` if /usr/share/wordnet is missing (needs
root), creates its own virtualenv under /tmp/whosaid-lexicons-venv, pip-installs
the PyPI packages it reads (`names`, `gender-guesser`, `pycountry`) and re-runs
itself inside that venv. Outputs (all UTF-8, small, one record per line):

    names.tsv          first name -> usual gender (+ US Census male share)
    verbs.txt          reporting/communication verb lemma and its inflected forms
    phrasal_verbs.txt  two-word reporting phrasal verbs ("point out")
    nouns.txt          reporting nouns ("statement", "claim") and plurals
    titles.txt         titles and roles that precede names
    entities.tsv       canonical country/organisation -> name variants

Hand-curated supplements read from crates/core/data/supplement_*.txt are merged
into the generated files; SOURCES.md documents every source and licence.
"""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "crates" / "core" / "data"
WN = Path("/usr/share/wordnet")
VENV = Path(os.environ.get("LEXICON_VENV", "/tmp/whosaid-lexicons-venv"))
PIP_PACKAGES = ["names==0.3.0", "gender-guesser==0.4.0", "pycountry"]


# ---------------------------------------------------------------- bootstrap


def bootstrap() -> None:
    """Install WordNet and the venv, then re-exec inside the venv."""
    if not (WN / "data.verb").exists():
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", "wordnet-base"], check=True)
    py = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", *PIP_PACKAGES], check=True)
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


# ---------------------------------------------------------------- WordNet


class WordNet:
    """Minimal reader for the WordNet 3.0 database files."""

    def __init__(self) -> None:
        self.synsets: dict[tuple[str, int], dict] = {}
        for pos, fname in (("n", "data.noun"), ("v", "data.verb")):
            with open(WN / fname, encoding="latin-1") as f:
                for line in f:
                    if line.startswith("  "):
                        continue
                    self.synsets[(pos, int(line[:8]))] = self._parse(line, pos)
        self.index: dict[tuple[str, str], list[int]] = {}
        for pos, fname in (("n", "index.noun"), ("v", "index.verb")):
            with open(WN / fname, encoding="latin-1") as f:
                for line in f:
                    if line.startswith("  "):
                        continue
                    p = line.split()
                    synset_cnt = int(p[2])
                    self.index[(pos, p[0])] = [int(x) for x in p[-synset_cnt:]]
        # sense-tagged counts per (lemma, pos, lex_filenum, lex_id)
        self.tagcount: collections.Counter = collections.Counter()
        with open(WN / "cntlist.rev", encoding="latin-1") as f:
            for line in f:
                key, _sense, cnt = line.split()
                lemma, rest = key.split("%", 1)
                parts = rest.split(":")
                pos = {"1": "n", "2": "v"}.get(parts[0])
                if pos:
                    self.tagcount[(lemma, pos, int(parts[1]), int(parts[2]))] += int(cnt)

    @staticmethod
    def _parse(line: str, pos: str) -> dict:
        f = line.split(" | ")[0].split()
        lex = int(f[1])
        n = int(f[3], 16)
        words = []
        for i in range(n):
            w = re.sub(r"\([a-z]+\)$", "", f[4 + 2 * i])
            words.append((w, int(f[5 + 2 * i], 16)))
        j = 4 + 2 * n
        pcnt = int(f[j])
        ptrs = []
        for k in range(pcnt):
            sym, off, ppos, srctgt = f[j + 1 + 4 * k : j + 5 + 4 * k]
            ptrs.append((sym, int(off), "v" if ppos == "v" else ("n" if ppos == "n" else ppos), srctgt))
        return {"lex": lex, "words": words, "ptrs": ptrs}

    def synset(self, lemma: str, pos: str, sense: int) -> tuple[str, int]:
        return (pos, self.index[(pos, lemma)][sense - 1])

    def closure(self, key: tuple[str, int], sym: str = "~") -> set:
        seen = {key}
        stack = [key]
        while stack:
            k = stack.pop()
            for s, off, p, _ in self.synsets[k]["ptrs"]:
                if s == sym and (p, off) not in seen:
                    seen.add((p, off))
                    stack.append((p, off))
        return seen

    def synset_tagcount(self, key: tuple[str, int]) -> int:
        s = self.synsets[key]
        pos = key[0]
        return sum(self.tagcount[(w.lower(), pos, s["lex"], lid)] for w, lid in s["words"])


# ---------------------------------------------------------------- names


def build_names() -> tuple[list[str], dict]:
    import gender_guesser
    import names as names_pkg

    pkg = Path(names_pkg.__file__).parent

    def read_census(fname: str) -> dict[str, float]:
        out = {}
        for line in open(pkg / fname, encoding="ascii"):
            p = line.split()
            if len(p) >= 2:
                out[p[0].lower()] = float(p[1])
        return out

    male = read_census("dist.male.first")
    female = read_census("dist.female.first")
    # Frequencies are % of each sex; weight by the 1990 sex ratio (48.7% male).
    rows: dict[str, tuple[str, str]] = {}
    for name in set(male) | set(female):
        m = male.get(name, 0.0) * 0.487
        fm = female.get(name, 0.0) * 0.513
        share = m / (m + fm) if m + fm > 0 else 0.5
        g = "M" if share >= 0.9 else "F" if share <= 0.1 else "?"
        rows[name] = (g, str(round(share * 100)))
    census_n = len(rows)

    # Jörg Michael's nam_dict.txt (world names), as shipped in gender-guesser.
    nd = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    genders: dict[str, set] = collections.defaultdict(set)
    freq: dict[str, int] = collections.defaultdict(int)
    for line in open(nd, encoding="utf-8"):
        if not line or line[0] in "#=":
            continue
        p = line.split()
        if len(p) < 2:
            continue
        g = {"M": "M", "F": "F"}.get(p[0], "?")
        name = p[1].lower()
        if not re.fullmatch(r"[^\W\d_]+(?:[+-][^\W\d_]+)?", name):
            continue
        vals = line[30:-1]
        f = max((int(c, 16) for c in vals if c in "0123456789ABCDEF"), default=0)
        for variant in {name.replace("+", ""), name.replace("+", "-")}:
            genders[variant].add(g)
            freq[variant] = max(freq[variant], f)
    world_n = 0
    for name, gs in genders.items():
        if name in rows or freq[name] < 2:
            continue
        if gs == {"M"}:
            rows[name] = ("M", "-")
        elif gs == {"F"}:
            rows[name] = ("F", "-")
        else:
            continue  # ambiguous: simply unknown
        world_n += 1
    lines = [f"{n}\t{g}\t{s}" for n, (g, s) in sorted(rows.items())]
    return lines, {"census": census_n, "world": world_n}


# ---------------------------------------------------------------- verbs

VOWELS = "aeiou"


def read_verb_exc() -> dict[str, list[str]]:
    exc: dict[str, list[str]] = collections.defaultdict(list)
    for line in open(WN / "verb.exc", encoding="latin-1"):
        p = line.split()
        if len(p) >= 2:
            for base in p[1:]:
                exc[base].append(p[0])
    return exc


def syllables(w: str) -> int:
    return len(re.findall(r"[aeiouy]+", w[:-1] if w.endswith("e") else w)) or 1


def cvc(w: str) -> bool:
    return (
        len(w) >= 3
        and w[-1] not in VOWELS + "wxy"
        and w[-2] in VOWELS
        and w[-3] not in VOWELS
        and not (w[-3] == "u" and w[-4:-3] == "q")
    )


def inflect(lemma: str, exc: dict[str, list[str]]) -> set[str]:
    """All forms of a single-word verb: regular morphology + verb.exc."""
    forms = {lemma}
    irregular = [f for f in exc.get(lemma, []) if " " not in f]
    forms.update(irregular)
    has_ing = any(f.endswith("ing") for f in irregular)
    has_s = any(f.endswith("s") and not f.endswith("ss") for f in irregular)
    has_past = any(not f.endswith("ing") and not (f.endswith("s") and not f.endswith("ss")) for f in irregular)
    w = lemma
    if not has_s:
        if re.search(r"(s|x|z|ch|sh|o)$", w):
            forms.add(w + "es")
        elif re.search(r"[^aeiou]y$", w):
            forms.add(w[:-1] + "ies")
        else:
            forms.add(w + "s")
    # stems before -ed / -ing
    double: list[str] = []
    if cvc(w):
        if syllables(w) == 1:
            double = [w + w[-1]]
        elif w.endswith("l"):  # British labelled / American labeled
            double = [w + "l", w]
        elif w.endswith(("en", "er", "on", "it", "et", "ip", "op", "ap")):
            double = [w]  # mostly unstressed: happened, edited, gossiped
        else:
            double = [w + w[-1], w]  # unknown stress: both (regret, admit)
    if w.endswith("c"):
        double = [w + "k"]  # panic -> panicked
    if w.endswith("l") and len(double) == 2:
        # verb.exc lists only the British doubled forms: add both spellings
        forms.update(d + suf for d in double for suf in ("ed", "ing"))
    if not has_past:
        if w.endswith("e"):
            forms.add(w + "d")
        elif re.search(r"[^aeiou]y$", w):
            forms.add(w[:-1] + "ied")
        elif double:
            forms.update(d + "ed" for d in double)
        else:
            forms.add(w + "ed")
    if not has_ing:
        if w.endswith("ie"):
            forms.add(w[:-2] + "ying")
        elif w.endswith("e") and not w.endswith(("ee", "ye", "oe")) and len(w) > 2:
            forms.add(w[:-1] + "ing")
        elif double:
            forms.update(d + "ing" for d in double)
        else:
            forms.add(w + "ing")
    return forms


# Cognition/emotion/motive verbs that news uses to attribute beliefs and stances
# (PolNeAR annotates these as attribution cues). Each must be a WordNet verb.
STANCE_VERBS = """
believe think hope fear expect want doubt suspect assume suppose predict estimate
conclude reckon feel worry wish consider understand know realize realise insist
agree disagree recall remember acknowledge accept reject judge figure guess
anticipate forecast hypothesize hypothesise speculate imagine foresee calculate
decide determine find discover learn notice observe recognize recognise see
intend plan prefer regret fear dread trust question wonder
""".split()


def read_supplement(name: str, tabs_only: bool = False) -> list[list[str]]:
    """The lines of a supplement file, split on tabs (or, unless `tabs_only`, on
    whitespace when a line has no tab: word lists). Entity names hold spaces, so their
    file is read with `tabs_only` (`World Bank` had become `World` with variant `Bank`)."""
    out = []
    path = DATA / name
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line.split("\t") if "\t" in line or tabs_only else line.split())
    return out


def build_verbs(wn: WordNet) -> tuple[list[str], list[str], list[str], dict]:
    exc = read_verb_exc()
    verb_lemmas: dict[str, set] = collections.defaultdict(set)  # lemma -> lex files
    lemma_lex_all: dict[str, set] = collections.defaultdict(set)
    comm_synsets = []
    for key, s in wn.synsets.items():
        if key[0] != "v":
            continue
        for w, _ in s["words"]:
            lemma_lex_all[w.lower()].add(s["lex"])
        if s["lex"] == 32:
            comm_synsets.append(key)
    phrasal: set[str] = set()
    particles = {"out", "up", "off", "back", "down", "on", "in", "over", "forth", "away", "about", "around"}
    for key in comm_synsets:
        s = wn.synsets[key]
        tagged = wn.synset_tagcount(key) > 0
        for w, _ in s["words"]:
            w = w.lower()
            if "_" in w:
                parts = w.split("_")
                if len(parts) == 2 and parts[1] in particles and tagged and parts[0].isalpha():
                    phrasal.add(f"{parts[0]} {parts[1]}")
                continue
            if not w.isalpha():
                continue
            # keep if the sense is attested in SemCor, or the word has no
            # reading outside verb.communication (unambiguous, e.g. "opine")
            if tagged or lemma_lex_all[w] == {32}:
                verb_lemmas[w].add(32)
    n_comm = len(verb_lemmas)
    for w in STANCE_VERBS:
        if (("v", w)) in wn.index:
            verb_lemmas[w].add(31)
    n_stance = len(verb_lemmas) - n_comm
    supp = read_supplement("supplement_verbs.txt")
    for row in supp:
        verb_lemmas[row[0].lower()].add(0)
    extra_forms: dict[str, set] = collections.defaultdict(set)
    for row in supp:
        extra_forms[row[0].lower()].update(x.lower() for x in row[1:])
    lines = []
    form_owner: dict[str, str] = {}
    # Lemmas first in order, so a form that is also a lemma maps to itself
    for lemma in sorted(verb_lemmas):
        form_owner.setdefault(lemma, lemma)
    for lemma in sorted(verb_lemmas):
        forms = inflect(lemma, exc) | extra_forms[lemma]
        keep = [lemma] + sorted(f for f in forms if f != lemma and form_owner.setdefault(f, lemma) == lemma)
        lines.append(" ".join(keep))
    # reporting nouns: noun.communication (lex 10) derivations of kept verb senses
    nouns: dict[str, str] = {}
    speech: set = set()
    for lemma, sense in (("statement", 1), ("speech_act", 1)):
        speech |= wn.closure(wn.synset(lemma, "n", sense), "~")
    for key in comm_synsets:
        s = wn.synsets[key]
        if not any(w.lower() in verb_lemmas for w, _ in s["words"]):
            continue
        for sym, off, p, _ in s["ptrs"]:
            if sym == "+" and p == "n":
                nk = ("n", off)
                ns = wn.synsets[nk]
                if ns["lex"] != 10 or nk not in speech or wn.synset_tagcount(nk) < 2:
                    continue
                for w, _ in ns["words"]:
                    w = w.lower()
                    if w.isalpha() and w not in nouns and w not in NOUN_STOP:
                        nouns[w] = plural(w)
    for row in read_supplement("supplement_nouns.txt"):
        w = row[0].lower()
        nouns[w] = row[1].lower() if len(row) > 1 else plural(w)
    noun_lines = [f"{w} {p}" for w, p in sorted(nouns.items())]
    stats = {
        "verb_lemmas": len(lines),
        "verb_comm": n_comm,
        "verb_stance": n_stance,
        "verb_supplement": len(supp),
        "verb_forms": sum(len(line.split()) for line in lines),
        "phrasal": len(phrasal),
        "nouns": len(noun_lines),
    }
    return lines, sorted(phrasal), noun_lines, stats


def read_noun_exc() -> dict[str, str]:
    out = {}
    for line in open(WN / "noun.exc", encoding="latin-1"):
        p = line.split()
        if len(p) == 2:
            out.setdefault(p[1], p[0])
    return out


_NOUN_EXC: dict[str, str] = {}


def plural(w: str) -> str:
    if not _NOUN_EXC:
        _NOUN_EXC.update(read_noun_exc())
    if w in _NOUN_EXC:
        return _NOUN_EXC[w]
    if w.endswith("man"):
        return w[:-3] + "men"
    if re.search(r"(s|x|z|ch|sh)$", w):
        return w + "es"
    if re.search(r"[^aeiou]y$", w):
        return w[:-1] + "ies"
    return w + "s"


# ---------------------------------------------------------------- titles

TITLE_ROOTS = [
    ("leader", 1),
    ("official", 1),
    ("head_of_state", 1),
    ("military_officer", 1),
    ("lawmaker", 1),
    ("spokesperson", 1),
    ("minister", 2),
    ("diplomat", 1),
    ("executive", 1),
    ("presiding_officer", 1),
    ("judge", 1),
    ("clergyman", 1),
    ("religious_leader", 1),
    ("police_officer", 1),
    ("noncommissioned_officer", 1),
    ("aristocrat", 1),
    ("sovereign", 1),
    ("prosecutor", 1),
]


# WordNet words that pass the filters but are nicknames, slang or common words
# rather than titles before a name ("Rex" is Latin for king but usually a name).
TITLE_STOP = set("""rex hero superman ubermensch demigod fuzz hack guide shepherd tec commie
hosteller stager divine ordinary superior superordinate handler hirer employer
democrat republican socialist communist""".split())

# Derived nouns too general to signal reported speech.
NOUN_STOP = set("""cause condition difference picture portrait return term word words press
input shot shaft row tilt formula provision engagement contract settlement
understanding surrender yielding grounds reason discovery exposure expression
survey sketch outline story tale""".split())


def build_titles(wn: WordNet) -> tuple[list[str], dict]:
    closure: set = set()
    for lemma, sense in TITLE_ROOTS:
        closure |= wn.closure(wn.synset(lemma, "n", sense), "~")
    # leader.n.01 also covers "someone excellent" (paragon, crackerjack) and
    # aggressors: drop those subtrees, which are no titles
    for key in list(closure):
        if {w.lower() for w, _ in wn.synsets[key]["words"]} & {"paragon", "crackerjack", "aggressor"}:
            closure -= wn.closure(key, "~")
    single: set[str] = set()
    multi: set[str] = set()
    for key in closure:
        for w, _ in wn.synsets[key]["words"]:
            lw = w.lower()
            senses = wn.index.get(("n", lw), [])
            # a title word's usual reading must be the person sense: keep it if
            # one of its two most frequent noun senses is in the closure
            if not any(("n", off) in closure for off in senses[:2]):
                continue
            # single words must have a SemCor-attested title sense (drops rare
            # and archaic words: "ostiarius", "anagnost")
            if "_" not in lw and not any(
                ("n", off) in closure and wn.synset_tagcount(("n", off)) > 0 for off in senses
            ):
                continue
            if "_" in lw:
                if lw.count("_") <= 3 and all(p.isalpha() for p in lw.split("_")):
                    multi.add(lw.replace("_", " "))
            elif lw.isalpha() and lw not in TITLE_STOP:
                single.add(lw)
    # multi-word titles must end in a kept single title ("foreign minister")
    multi = {m for m in multi if m.split()[-1] in single}
    n_wn = len(single) + len(multi)
    supp = read_supplement("supplement_titles.txt")
    for row in supp:
        t = " ".join(row).lower().rstrip(".")
        (multi if " " in t else single).add(t)
    lines = sorted(single) + sorted(multi)
    return lines, {"title_single": len(single), "title_multi": len(multi), "title_wordnet": n_wn, "title_supplement": len(supp)}


# ---------------------------------------------------------------- entities

CANONICAL_OVERRIDE = {
    "RU": "Russia",
    "PS": "Palestine",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "TR": "Turkey",
    "FM": "Micronesia",
    "VA": "Vatican City",
    "BN": "Brunei",
    "CZ": "Czech Republic",
    "MK": "North Macedonia",
    "CI": "Ivory Coast",
    "SZ": "Eswatini",
    "KR": "South Korea",
    "KP": "North Korea",
}


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def build_entities(wn: WordNet) -> tuple[list[str], dict]:
    import pycountry

    # WordNet: lemma -> country synsets (instances of country/state/kingdom/...)
    country_roots = set()
    for lemma, sense in (("country", 2), ("state", 1), ("kingdom", 2), ("sultanate", 1), ("republic", 1)):
        try:
            country_roots.add(wn.synset(lemma, "n", sense))
        except (KeyError, IndexError):
            pass
    wn_country: dict[str, tuple] = {}
    for key, s in wn.synsets.items():
        if key[0] != "n" or s["lex"] != 15:  # noun.location
            continue
        if any(sym == "@i" and (p, off) in country_roots for sym, off, p, _ in s["ptrs"]):
            for w, _ in s["words"]:
                wn_country.setdefault(w.replace("_", " ").lower(), key)
    capital_root = wn.synset("national_capital", "n", 1)
    ents: dict[str, list[str]] = {}
    synset_of: dict[str, tuple] = {}
    for c in pycountry.countries:
        canon = CANONICAL_OVERRIDE.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        names = [c.name, getattr(c, "official_name", None), canon, getattr(c, "common_name", None)]
        variants: list[str] = [canon]
        for n in names:
            if not n:
                continue
            variants.append(n)
            if ", " in n:  # "Korea, Republic of" -> "Republic of Korea"
                a, b = n.split(", ", 1)
                variants.append(f"{b} {a}".replace("of the ", "of the "))
            if n.lower().startswith("the "):
                variants.append(n[4:])
        variants += [strip_accents(v) for v in variants]
        variants.append(c.alpha_3)
        key = None
        for v in variants[1:] + variants[:1]:  # ISO names before our short name
            key = key or wn_country.get(v.lower())
        if key:
            synset_of[canon] = key
            variants += [w.replace("_", " ") for w, _ in wn.synsets[key]["words"]]
        ents[canon] = variants
    # capitals via WordNet part holonyms of instances of national_capital
    caps = 0
    canon_of_synset = {v: k for k, v in synset_of.items()}
    for key, s in wn.synsets.items():
        if key[0] != "n" or not any(sym == "@i" and (p, off) == capital_root for sym, off, p, _ in s["ptrs"]):
            continue
        for sym, off, p, _ in s["ptrs"]:
            if sym == "#p" and ("n", off) in canon_of_synset:
                canon = canon_of_synset[("n", off)]
                ents[canon] += [w.replace("_", " ") for w, _ in s["words"]]
                caps += 1
                break
    n_supp = 0
    for row in read_supplement("supplement_entities.tsv", tabs_only=True):
        canon, rest = row[0], row[1:]
        ents.setdefault(canon, [canon]).extend(rest)
        n_supp += len(rest)
    lines = []
    owner: dict[str, str] = {}
    for canon in sorted(ents):
        seen = []
        for v in [canon] + ents[canon]:
            v = v.strip()
            if v.lower().startswith("the "):
                v = v[4:]
            k = v if is_exact_abbrev(v) else v.lower()
            if not v or "\t" in v or owner.setdefault(k, canon) != canon or v in seen:
                continue
            if k != v and any(s.lower() == k and not is_exact_abbrev(s) for s in seen):
                continue
            seen.append(v)
        lines.append("\t".join(seen))
    return lines, {"entities": len(lines), "entity_variants": sum(len(l.split("\t")) for l in lines), "capitals": caps, "entity_supplement": n_supp}


def is_exact_abbrev(v: str) -> bool:
    """All-caps short abbreviations (US, WHO) match case-sensitively."""
    return v.isalpha() and v.isupper() and len(v) <= 5


# ---------------------------------------------------------------- main


def write(name: str, header: str, lines: list[str]) -> None:
    text = "".join(f"# {h}\n" for h in header.strip().splitlines()) + "".join(l + "\n" for l in lines)
    (DATA / name).write_text(text, encoding="utf-8")
    print(f"{name}: {len(lines)} lines, {len(text.encode())} bytes")


def main() -> None:
    bootstrap()
    DATA.mkdir(parents=True, exist_ok=True)
    wn = WordNet()
    names, s1 = build_names()
    write(
        "names.tsv",
        "Generated by scripts/build_lexicons.py. name<TAB>M|F|?<TAB>US Census male share % ('-' if not in Census).\n"
        "Sources: US Census 1990 first names (PyPI `names`), nam_dict.txt (PyPI `gender-guesser`, GFDL).",
        names,
    )
    verbs, phrasal, nouns, s2 = build_verbs(wn)
    write("verbs.txt", "Generated by scripts/build_lexicons.py from WordNet 3.0 + supplement_verbs.txt.\nLine: lemma form form ...", verbs)
    write("phrasal_verbs.txt", "Generated by scripts/build_lexicons.py from WordNet 3.0 verb.communication.\nLine: head particle", phrasal)
    write("nouns.txt", "Generated by scripts/build_lexicons.py from WordNet 3.0 + supplement_nouns.txt.\nLine: singular plural", nouns)
    titles, s3 = build_titles(wn)
    write("titles.txt", "Generated by scripts/build_lexicons.py from WordNet 3.0 + supplement_titles.txt.\nOne lowercased title per line.", titles)
    ents, s4 = build_entities(wn)
    write(
        "entities.tsv",
        "Generated by scripts/build_lexicons.py from pycountry (ISO 3166) + WordNet 3.0 + supplement_entities.tsv.\n"
        "Line: canonical<TAB>variant<TAB>...; all-caps abbreviations (<=5 letters) match case-sensitively.",
        ents,
    )
    for k, v in {**s1, **s2, **s3, **s4}.items():
        print(f"  {k}: {v}")


if __name__ == "__main__":
    main()
