"""How the evaluation lists beside this file were made (run by hand, never by the tests).

They must not come from the lexicon search indexes with (simplemma's full-form lists), or
the test would only check that simplemma agrees with itself. Two other sources are used:

- the word forms: Debian's hunspell-no dictionaries (nb_NO / nn_NO, the LibreOffice
  spelling lists), each entry expanded with its inflectional suffix rules;
- which forms belong to which lemma and part of speech: Apertium's bokmål and nynorsk
  morphological analysers (Debian's apertium-nno-nob, nob-nno.automorf.bin and
  nno-nob.automorf.bin), run with lttoolbox's `lt-proc`.

    apt-get download hunspell-no apertium-nno-nob && apt-get install lttoolbox
    dpkg -x hunspell-no_*.deb /tmp/hno && dpkg -x apertium-nno-nob_*.deb /tmp/ap
    python tests/data/lexicon/build_eval.py /tmp/hno /tmp/ap WORDS.txt

WORDS.txt holds the words whose lemmas are wanted (the sample project's and the benchmark
corpus's vocabulary and the examples of issue #18). The output (candidates-*.tsv) was then
read through by hand: groups that mixed two words, rare or archaic readings and forms no
one writes were removed, and the result saved as nb_groups.tsv / nn_groups.tsv. The pairs
that must stay apart (nb_apart.tsv) were chosen by hand among forms that share letters or
an old suffix-stripping stem but no Apertium lemma.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

# Inflectional suffix flags (derivations such as -ing, -het, -lig, -skap are left out).
INFLECTION = set("ABCDEFGHIJKLMNOPQRSTUVWX")
POS = {"n", "vblex", "adj", "adv", "prn", "det", "num"}


def read_aff(path: Path) -> dict[str, list[tuple[str, str, re.Pattern]]]:
    rules: dict[str, list] = defaultdict(list)
    for line in path.read_text("latin-1").splitlines():
        f = line.split()
        if len(f) >= 5 and f[0] == "SFX":
            strip = "" if f[2] == "0" else f[2]
            add = "" if f[3] == "0" else f[3].split("/")[0]
            rules[f[1]].append((strip, add, re.compile(f"{f[4]}$")))
    return rules


def expand(dic: Path, aff: Path) -> set[str]:
    rules = read_aff(aff)
    forms: set[str] = set()
    for line in dic.read_text("latin-1").splitlines()[1:]:
        word, _, flags = line.partition("/")
        if not word or not word.islower() or "-" in word:
            continue
        forms.add(word)
        for flag in flags:
            if flag not in INFLECTION:
                continue
            for strip, add, cond in rules.get(flag, ()):
                if cond.search(word) and word.endswith(strip):
                    forms.add(word[: len(word) - len(strip)] + add)
    return forms


def analyse(forms: list[str], automorf: Path) -> dict[str, set[tuple[str, str]]]:
    out = subprocess.run(["lt-proc", str(automorf)], input="\n".join(forms),
                         capture_output=True, text=True, check=True).stdout
    result: dict[str, set[tuple[str, str]]] = {}
    for unit in re.findall(r"\^(.*?)\$", out):
        form, *readings = unit.split("/")
        got = set()
        for r in readings:
            if "<compound" in r or "<cmp>" in r or r.startswith("*"):
                continue
            m = re.match(r"([^<]+)<([^>]+)>", r)
            if m and m.group(2) in POS:
                got.add((m.group(1), m.group(2)))
        result[form] = got
    return result


def translate(lemmas, autobil: Path) -> set[tuple[str, str]]:
    units = [f"^{lemma}<{pos}>$" for lemma, pos in sorted(lemmas)]
    out = subprocess.run(["lt-proc", "-b", str(autobil)], input="\n".join(units),
                         capture_output=True, text=True, check=True).stdout
    got = set()
    for m in re.finditer(r"/([^/<$^]+)<([^>]+)>", out):
        if m.group(2) in POS:
            got.add((m.group(1), m.group(2)))
    return got


def main(hno: str, ap: str, words: str) -> None:
    here = Path(__file__).parent
    nb_lemmas: set[tuple[str, str]] = set()
    wanted = [w.strip().lower() for w in Path(words).read_text("utf-8").split() if w.strip()]
    for lang, code, other in (("nb", "nob-nno", "nb_NO"), ("nn", "nno-nob", "nn_NO")):
        base = Path(hno) / "usr/share/hunspell" / other
        forms = sorted(expand(base.with_suffix(".dic"), base.with_suffix(".aff")))
        automorf = Path(ap) / f"usr/share/apertium/apertium-nno-nob/{code}.automorf.bin"
        readings = analyse(forms, automorf)
        groups: dict[tuple[str, str], set[str]] = defaultdict(set)
        for form, rs in readings.items():
            for r in rs:
                groups[r].add(form)
        lemmas = {r for rs in analyse(wanted, automorf).values() for r in rs}
        if lang == "nn":  # the bokmål lemmas in nynorsk, through Apertium's bilingual lexicon
            lemmas |= translate(nb_lemmas, Path(ap) / "usr/share/apertium/apertium-nno-nob/"
                                "nob-nno.autobil.bin")
        else:
            nb_lemmas = lemmas
        with open(here / f"candidates-{lang}.tsv", "w", encoding="utf-8") as fh:
            for lemma, pos in sorted(lemmas):
                fs = sorted(groups.get((lemma, pos), ()))
                if len(fs) >= 2:
                    fh.write(f"{lemma}\t{pos}\t{' '.join(fs)}\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
