"""The hand review of the evaluation lists: which Apertium groups and hunspell forms were
removed from candidates-*.tsv (made by build_eval.py) to give nb_groups.tsv and
nn_groups.tsv. Run by hand, never by the tests:

    python tests/data/lexicon/review.py [OSLO_PROJECT.sitat]

Groups are ordered by how often their forms occur in the sample project (and in the Oslo
benchmark corpus when given), counting only forms no other candidate group shares, so
rare homographs (mige for "meg", vie for "vi") do not ride on common words. Then, as read
through by hand:
- groups removed: readings that are rare, archaic or wrong in Apertium (jeg as a noun, om
  as a noun, tre as a verb), agent nouns nobody uses (skjønner, svarer), and participle
  adjectives whose verb group is already there;
- forms removed: nynorsk or dialect forms in the bokmål list (fekk, gjekk, blei, veit,
  høg), archaic passives (fåes, kommes), hunspell artefacts (deltakerer, handjern);
- nynorsk: the -i forms of strong participles and neuter plurals (left the norm in 2012),
  bokmål spellings (fikk, dårlig), spelling variants that are not inflections (ynskje for
  ønske, verte for bli, gi for gje), and forms of another conjugation class.
"""

from __future__ import annotations

import collections
import re
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
TAKE = {"nb": 460, "nn": 180}
DROP_GROUPS = {
    "nb": set("""
jeg/n å/n nav/n om/n midt/n nye/vblex oppe/vblex tre/vblex men/n måte/vblex sige/vblex gjorde/vblex
al/n bare/vblex nå/n får/n elle/vblex selv/n nei/n fire/vblex være/n ved/n sto/n vel/n hit/n neste/n
tusen/n time/vblex ho/n fant/n mens/n ane/vblex stå/n ti/n bedre/vblex hei/n under/n gode/n ham/n
helse/vblex halvt/n e/n året/adj direkte/n ene/vblex mot/n penge/n bo/n glad/n heller/n skje/n
finne/n sover/n hører/n føler/n ligger/n setter/n svarer/n skjønner/n holder/n òg/adv mange/det
egen/adj din/prn min/prn den/prn akutt/n stand/n fyr/n fall/n la/vblex bak/n tom/n mase/vblex
""".split()),
    "nn": set("""
de/prn nav/n så/n så/vblex om/n men/n jo/n hele/n hele/vblex demme/vblex nye/vblex ja/n skrev/n
spurte/vblex oppe/vblex bare/vblex måte/vblex ble/vblex her/n skal/n kunne/n får/n fire/vblex
må/vblex tok/n mange/det gjerne/n time/vblex ved/n sto/n fant/n tusen/n hit/n ti/n ham/n
egen/adj stede/vblex ho/n huske/n ane/vblex din/prn den/prn hei/n galt/n under/n vel/n bor/n
fall/n flytt/n ete/vblex då/adv der/adv to/det også/adv lager/n midt/n å/n le/vblex høyrast/vblex
synast/vblex vilje/vblex helse/vblex
""".split()),
}
DROP_FORMS = {
    "nb": set("""
fekk gjekk skreiv såg blei bleiv blev veit væra væres været låg gammal gammalt vesle greitt fann
tilbaud betød høg høge høgere høgest høgeste høgt fans funnes mere éi sjølve fåes gåes ståes
forståes foreslåes kommes skullet kunnes villes burdet måttet sis has dradd drag drage drager
drages handjern handjerna handjernene handjernet planeres planes plana aldre aldres
planeres planes plana aldre aldres
""".split()),
    "nn": set("""
fikk gikk dårlig dårlige dårligare dårligast dårligaste vanskelig vanskelige vanskeligare
vanskeligast vanskeligaste mye hør hørast høre hører hørt hørte fenge fengi honom tvo hav hava
havast have hev vore vori ogso sagde velkomme velkommen velkommi vert verta verte verter vorte vorti gi gir gitt
givast komma kommast komme kommi gammal gammalt sitte sitter sitta sittast
""".split()),
}
DROP_IN = {
    "nb": {("bli", "vblex"): {"vart"}},
    "nn": {("bli", "vblex"): {"vart"},
           # svare is an a-verb (svarar, svara); the e-verb forms are another paradigm
           ("svare", "vblex"): set("svard svarde svarer svart svarte".split()),
           ("bestemme", "vblex"): {"bestemm"}, ("sitje", "vblex"): {"sete", "siter", "sitt"},
           ("mann", "n"): {"menner"}, ("ta", "vblex"): {"takast", "teker"},
           ("vite", "vblex"): set("veta vete vita vitast".split()), ("sove", "vblex"): {"søv"},
           ("bord", "n"): {"bordane", "bordar", "borden"}, ("tur", "n"): {"tura", "turet"},
           ("skje", "vblex"): {"skjett"}, ("skulle", "vblex"): {"skulla", "skullast"},
           ("måtte", "vblex"): {"måtta", "måttast"}, ("kunne", "vblex"): {"kunna", "kunnast"}},
}
DROP_PREFIX = {"nb": (), "nn": ("ynsk",)}  # ynskje: a spelling variant of ønske


def vocabulary(oslo: str | None) -> collections.Counter:
    words = collections.Counter()
    pattern = re.compile(r"[^\W\d_]+")
    for p in (ROOT / "app" / "data" / "sample" / "bsb_demo").rglob("*.txt"):
        words.update(w.lower() for w in pattern.findall(p.read_text("utf-8", "ignore")))
    if oslo:
        with sqlite3.connect(f"file:{oslo}?mode=ro", uri=True) as con:
            for (text,) in con.execute("select text from document limit 5"):
                words.update(w.lower() for w in pattern.findall(text))
    return words


def review(lang: str, freq: collections.Counter) -> list[str]:
    rows = [line.rstrip("\n").split("\t")
            for line in open(HERE / f"candidates-{lang}.tsv", encoding="utf-8")]
    shared = collections.Counter(f for r in rows for f in r[2].split())
    verbs = {r[0] for r in rows if r[1] == "vblex"}
    scored = []
    for lemma, pos, forms in rows:
        fs = forms.split()
        if lemma not in fs or (pos == "adj" and lemma in verbs):
            continue
        if pos == "n" and lemma.endswith("er"):
            fs = [f for f in fs if not f.endswith(("erer", "erers"))]
        fs = [f for f in fs if not set(f) & set("òôóè") or set(f) & set(lemma)]
        own = sum(freq.get(f, 0) for f in fs if shared[f] == 1)
        score = own + (freq.get(lemma, 0) if shared[lemma] <= 2 else 0)
        if len(fs) >= 2 and score > 0:
            scored.append((score, lemma, pos, fs))
    scored.sort(key=lambda x: -x[0])
    out = []
    for _score, lemma, pos, fs in scored:
        if f"{lemma}/{pos}" in DROP_GROUPS[lang]:
            continue
        fs = [f for f in fs if f not in DROP_FORMS[lang]
              and f not in DROP_IN[lang].get((lemma, pos), ())
              and not f.startswith(DROP_PREFIX[lang])
              and not (lang == "nn" and f.endswith("i") and not lemma.endswith("i"))]
        if len(fs) >= 2:
            out.append(f"{lemma}\t{pos}\t{' '.join(fs)}")
    return out[: TAKE[lang]]


if __name__ == "__main__":
    freq = vocabulary(sys.argv[1] if len(sys.argv) > 1 else None)
    for lang in ("nb", "nn"):
        print("\n".join(review(lang, freq)), file=open(HERE / f"{lang}_groups.new", "w"))
