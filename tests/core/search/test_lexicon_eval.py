"""Norwegian search on the lexicon, measured on evaluation lists made from other sources
(tests/data/lexicon: hunspell-no's word forms grouped by Apertium's analysers, read
through by hand): pairs of forms that belong together are found together, a query's hits
are rarely another lemma, and pairs that must stay apart do."""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from app.core.search import lexicon
from app.core.search.norwegian import analyse

DATA = Path(__file__).parents[2] / "data" / "lexicon"
pytestmark = pytest.mark.skipif(not lexicon.available(), reason="simplemma is not installed")


def _rows(name: str) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in open(DATA / name, encoding="utf-8")
            if line.strip() and not line.startswith("#")]


def _groups(name: str) -> list[tuple[str, str, list[str]]]:
    return [(lemma, pos, forms.split()) for lemma, pos, forms in _rows(name)]


def measure(groups, lang: str) -> tuple[float, float]:
    """(recall, wrong-lemma rate). Recall: of all pairs of forms in one group, the share a
    search for one finds the other (they share a lemma term). Wrong-lemma rate: treating
    every form of the lists as a document, the share of a query's hits (over all forms as
    queries) that belong to no group of the query word."""
    terms = {f: set(analyse(f, lang)[0]) for _l, _p, forms in groups for f in forms}
    owners: dict[str, set[str]] = defaultdict(set)
    for lemma, _pos, forms in groups:
        for f in forms:
            owners[f].add(lemma)
    pairs = together = 0
    for _lemma, _pos, forms in groups:
        for a, b in itertools.combinations(sorted(set(forms)), 2):
            pairs += 1
            together += bool(terms[a] & terms[b])
    by_term: dict[str, set[str]] = defaultdict(set)
    for f, ts in terms.items():
        for t in ts:
            by_term[t].add(f)
    hits = wrong = 0
    for q, ts in terms.items():
        found = set().union(*(by_term[t] for t in ts)) - {q}
        hits += len(found)
        wrong += sum(1 for f in found if not owners[q] & owners[f])
    return together / pairs, wrong / hits


def test_the_lists_are_large_enough_and_cover_every_part_of_speech():
    nb, nn, apart = _groups("nb_groups.tsv"), _groups("nn_groups.tsv"), _rows("nb_apart.tsv")
    assert len(nb) >= 400 and len(nn) >= 150 and len(apart) >= 100
    assert {"n", "vblex", "adj", "det", "prn"} <= {pos for _l, pos, _f in nb}
    assert {"n", "vblex", "adj", "det", "prn"} <= {pos for _l, pos, _f in nn}


def test_bokmal_recall_and_wrong_lemma_rate():
    recall, wrong = measure(_groups("nb_groups.tsv"), "nb")
    print(f"bokmål: recall {recall:.2%}, wrong lemma {wrong:.2%}")
    assert recall >= 0.97
    assert wrong <= 0.01


def test_nynorsk_recall_and_wrong_lemma_rate():
    recall, wrong = measure(_groups("nn_groups.tsv"), "nn")
    print(f"nynorsk: recall {recall:.2%}, wrong lemma {wrong:.2%}")
    assert recall >= 0.95
    assert wrong <= 0.01


def test_pairs_that_must_stay_apart_do():
    together = [(a, b) for a, b, _why in _rows("nb_apart.tsv")
                if set(analyse(a)[0]) & set(analyse(b)[0])]
    assert together == []


def test_the_issues_examples():
    """Issue #18: inflections the light stemmer missed now meet; homographs stay apart."""
    def meet(a, b, lang="nb"):
        return bool(set(analyse(a, lang)[0]) & set(analyse(b, lang)[0]))

    for group in (["konflikt", "konflikter"], ["tilby", "tilbyr", "tilbys"],
                  ["bidra", "bidrar", "bidratt"], ["mottar", "mottatt"],
                  ["uformell", "uformelt"], ["varierer", "variert", "varierte"],
                  ["erfarer", "erfart"], ["etterlyse", "etterlyser", "etterlyst"],
                  ["styrke", "styrker"]):
        assert all(meet(a, b) for a, b in itertools.combinations(group, 2)), group
    noun = ["bruker", "brukeren", "brukere", "brukerne", "brukernes"]
    assert all(meet("brukerne", w) for w in noun)
    assert not any(meet("brukerne", w) for w in ["bruke", "brukte", "brukt", "bruk"])
    assert meet("bruker", "bruke") and meet("bruker", "brukerne")
    assert analyse("får")[0] == ("få",) and analyse("far")[0] == ("far",)
    assert not meet("far", "får") and not meet("for", "før") and not meet("mot", "møt")
    assert meet("tenesta", "tenestene", "nn") and meet("teneste", "tenesta", "nn")
