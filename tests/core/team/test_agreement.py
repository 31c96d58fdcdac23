"""Inter-coder agreement: a hand-worked example, pooling, segment matching by overlap, alpha
for three coders, default codes and documents, and the messages for bad input."""

from __future__ import annotations

import pytest

from app.core.team.agreement import agreement
from app.errors import InvalidInput, NotFound
from tests.core.team.agreement_fixtures import HAND, build, compute


def test_hand_worked_example(project):
    """One document, N = 100 characters, overlap 0.9.

    Respekt: A codes [10,40) and [30,50), united [10,50) (40 chars); B codes [20,60) (40).
      a = |[20,50)| = 30, b = |[10,20)| = 10, c = |[50,60)| = 10, d = 100 - 50 = 50.
      po = (30 + 50) / 100 = 0.8
      pe = ((a+b)(a+c) + (c+d)(b+d)) / N² = (40·40 + 60·60) / 10000 = 5200/10000 = 0.52
      kappa = (0.8 - 0.52) / (1 - 0.52) = 0.28 / 0.48 = 7/12 = 0.58333...
      alpha (m = 2): both-coded chars give o11 = 2·30 = 60, uncoded o00 = 2·50 = 100,
      one-coder chars o01 = o10 = 20; n1 = 60 + 20 = 80, n0 = 100 + 20 = 120, n = 200;
      alpha = 1 - (n-1)·o01 / (n0·n1) = 1 - 199·20 / (120·80) = 1 - 3980/9600
            = 5620/9600 = 281/480 = 0.585416...
      segments: IoU([10,40), [20,60)) = 20/50 = 0.4, IoU([30,50), [20,60)) = 20/40 = 0.5,
      so at 0.9 none of the 3 segments match (at 0.5: 2, at 0.4: 3).
    Informasjon: A codes [0,100), B [0,60) + [60,100) (touching: united [0,100)).
      a = 100, b = c = d = 0; po = 1; pe = (100·100 + 0·0)/10000 = 1, so kappa is null;
      n0 = 0, so alpha is null; IoU 0.6 and 0.4, so 3 unmatched segments.
    Trygghet (asked for, coded by nobody): a = b = c = 0, d = 100; po = 1;
      pe = (0·0 + 100·100)/10000 = 1, kappa null; n1 = 0, alpha null.
    Overall: a = 130, b = 10, c = 10, d = 150, N = 300; po = 280/300 = 0.93333...
      pe = (140·140 + 160·160)/90000 = 45200/90000
      kappa = (N(a+d) - pe·N²) / (N² - pe·N²) = (84000 - 45200)/(90000 - 45200)
            = 38800/44800 = 97/112 = 0.866071...
      alpha: o01 = 20 + 0 + 0, n1 = 80 + 200 + 0 = 280, n0 = 120 + 0 + 200 = 320, n = 600;
      alpha = 1 - 599·20/(320·280) = 1 - 11980/89600 = 3881/4480 = 0.866294...
    """
    build(project, {"d1": 100}, HAND + [("d1", "Trygghet", "C", 0, 1)])
    data = compute(project, ["A", "B"], ["Respekt", "Informasjon", "Trygghet"])
    respekt, info, trygg = data["codes"]
    assert respekt == {
        "code": "Respekt", "percent_agreement": 0.8, "kappa": pytest.approx(7 / 12, abs=1e-4),
        "alpha": pytest.approx(281 / 480, abs=1e-4), "a": 30, "b": 10, "c": 10, "d": 50,
        "segments_matched": 0, "segments_unmatched": 3, "share_matched": 0.0,
        "documents": [{"document": "d1", "percent_agreement": 0.8,
                       "kappa": pytest.approx(0.5833), "a": 30, "b": 10, "c": 10, "d": 50}]}
    assert (info["a"], info["b"], info["c"], info["d"]) == (100, 0, 0, 0)
    assert (info["percent_agreement"], info["kappa"], info["alpha"]) == (1.0, None, None)
    assert (info["segments_matched"], info["segments_unmatched"]) == (0, 3)
    assert (trygg["a"], trygg["b"], trygg["c"], trygg["d"]) == (0, 0, 0, 100)
    assert (trygg["percent_agreement"], trygg["kappa"], trygg["alpha"]) == (1.0, None, None)
    assert trygg["share_matched"] is None and trygg["documents"][0]["kappa"] is None
    assert data["overall"] == {
        "percent_agreement": pytest.approx(280 / 300, abs=1e-4),
        "kappa": pytest.approx(97 / 112, abs=1e-4), "alpha": pytest.approx(3881 / 4480, abs=1e-4),
        "a": 130, "b": 10, "c": 10, "d": 150, "segments_matched": 0, "segments_unmatched": 6}
    assert data["coders"] == ["A", "B"] and data["overlap"] == 0.9
    # unrounded values are exact
    with project.read() as s:
        report = agreement(s, ["A", "B"], ["Respekt"])
    assert report.codes[0].counts.kappa == pytest.approx(7 / 12, rel=1e-12)
    assert report.codes[0].alpha == pytest.approx(281 / 480, rel=1e-12)


@pytest.mark.parametrize("overlap, matched", [(0.9, 0), (0.51, 0), (0.5, 2), (0.4, 3)])
def test_segments_match_at_the_threshold(project, overlap, matched):
    build(project, {"d1": 100}, HAND)
    code = compute(project, ["A", "B"], ["Respekt"], overlap=overlap)["codes"][0]
    assert (code["segments_matched"], code["segments_unmatched"]) == (matched, 3 - matched)
    assert code["share_matched"] == round(matched / 3, 4)


def test_segments_need_the_same_code_and_document(project):
    build(project, {"d1": 100, "d2": 100}, [
        ("d1", "X", "A", 10, 20), ("d1", "Y", "B", 10, 20),   # other code
        ("d2", "X", "B", 10, 20),                             # other document
        ("d2", "X", "A", 50, 60), ("d2", "X", "B", 50, 60)])  # the one match
    x = compute(project, ["A", "B"], ["X"])["codes"][0]
    assert (x["segments_matched"], x["segments_unmatched"]) == (2, 2)


def test_krippendorff_published_binary_example(project):
    """Krippendorff (2011), 'Computing Krippendorff's alpha-reliability', binary data, two
    observers, ten units: A = 0100000010, B = 1110010000 gives alpha = 0.095 (= 8/84)."""
    build(project, {"d": 10}, [("d", "X", "A", 1, 2), ("d", "X", "A", 8, 9),
                               ("d", "X", "B", 0, 3), ("d", "X", "B", 5, 6)])
    x = compute(project, ["A", "B"])["codes"][0]
    assert x["alpha"] == round(8 / 84, 4)
    assert (x["a"], x["b"], x["c"], x["d"]) == (1, 1, 3, 5)
    assert x["kappa"] == round(0.04 / 0.44, 4)


def test_alpha_for_three_coders(project):
    """N = 10: A [0,6), B [0,4), C [2,8); elementary intervals [0,2) k=2, [2,4) k=3, [4,6) k=2,
    [6,8) k=1, [8,10) k=0. (m-1)·o01 = sum L·k(m-k) = 2·2 + 0 + 2·2 + 2·2 = 12, o01 = 6;
    n1 = 6+4+6 = 16, n0 = 30-16 = 14, n = 30; alpha = 1 - 29·6/(14·16) = 25/112.
    Kappa and segments use the first two coders only."""
    build(project, {"d": 10}, [("d", "X", "A", 0, 6), ("d", "X", "B", 0, 4),
                               ("d", "X", "C", 2, 8)])
    data = compute(project, ["A", "B", "C"], overlap=0.6)
    x = data["codes"][0]
    assert x["alpha"] == round(25 / 112, 4) and data["overall"]["alpha"] == x["alpha"]
    assert (x["a"], x["b"], x["c"], x["d"]) == (4, 2, 0, 4)
    assert (x["segments_matched"], x["segments_unmatched"]) == (2, 0)  # IoU 4/6
    assert data["coders"] == ["A", "B", "C"]
    # order of coders changes kappa's pair, never alpha
    other = compute(project, ["C", "A", "B"], overlap=0.6)["codes"][0]
    assert other["alpha"] == x["alpha"] and (other["a"], other["b"], other["c"]) == (4, 2, 2)


def test_pooling_sums_counts_over_documents_before_the_formulas(project):
    build(project, {"d1": 100, "d2": 50}, HAND[:3] + [("d2", "Respekt", "B", 0, 10)])
    r = compute(project, ["A", "B"], ["Respekt"])["codes"][0]
    # d1: 30, 10, 10, 50; d2: 0, 0, 10, 40 -> 30, 10, 20, 90 over N = 150
    assert [d["document"] for d in r["documents"]] == ["d1", "d2"]
    assert r["documents"][1] == {"document": "d2", "percent_agreement": 0.8, "kappa": 0.0,
                                 "a": 0, "b": 0, "c": 10, "d": 40}
    assert (r["a"], r["b"], r["c"], r["d"]) == (30, 10, 20, 90)
    n, x = 150, 40 * 50 + 110 * 100
    assert r["kappa"] == round((n * 120 - x) / (n * n - x), 4)
    assert r["percent_agreement"] == 0.8


def test_group_code_pools_its_subtree(project):
    build(project, {"d": 100}, [("d", "G/C1", "A", 0, 10), ("d", "G/C2", "B", 5, 10),
                                ("d", "G/C2", "A", 50, 60), ("d", "G/C1", "B", 50, 60)],
          groups={"G"})
    data = compute(project, ["A", "B"], ["G", "G/C1"])
    g, c1 = data["codes"]
    assert g["code"] == "G" and (g["a"], g["b"], g["c"], g["d"]) == (15, 5, 0, 80)
    assert (g["segments_matched"], g["segments_unmatched"]) == (2, 2)
    assert c1["code"] == "G/C1" and (c1["a"], c1["b"], c1["c"]) == (0, 10, 10)


def test_defaults_every_used_codable_code_in_codebook_order_and_all_documents(project):
    build(project, {"b-doc": 20, "a-doc": 30}, [
        ("a-doc", "Tema/Zeta", "A", 0, 5), ("b-doc", "Tema/Alfa", "B", 0, 5),
        ("a-doc", "Annet", "C", 0, 5)], groups={"Tema"})
    data = compute(project, ["A", "B"])
    assert [c["code"] for c in data["codes"]] == ["Tema/Zeta", "Tema/Alfa"]
    assert [d["document"] for d in data["codes"][0]["documents"]] == ["a-doc", "b-doc"]
    assert data["overall"]["a"] + data["overall"]["b"] + data["overall"]["c"] \
        + data["overall"]["d"] == 2 * 50
    only_b = compute(project, ["A", "B"], documents=["b-doc"])
    assert [c["code"] for c in only_b["codes"]] == ["Tema/Alfa"]
    assert only_b["overall"]["c"] == 5 and only_b["overall"]["d"] == 15


def test_bare_names_resolve_to_full_paths(project):
    build(project, {"d": 10}, [("d", "Tema/Respekt", "A", 0, 5), ("d", "Annet", "B", 0, 5)],
          groups={"Tema"})
    assert compute(project, ["A", "B"], ["Respekt"])["codes"][0]["code"] == "Tema/Respekt"


@pytest.mark.parametrize("coders, codes, docs, overlap, error, words", [
    (["A"], None, None, 0.9, InvalidInput, "at least two coders"),
    ([], None, None, 0.9, InvalidInput, "at least two coders"),
    (["A", "A"], None, None, 0.9, InvalidInput, "more than once"),
    (["A", "Bee"], None, None, 0.9, NotFound, "Did you mean: B"),
    (["A", "B"], ["Respekkt"], None, 0.9, NotFound, "Did you mean: Respekt"),
    (["A", "B"], None, ["d2"], 0.9, NotFound, "Did you mean: d1"),
    (["A", "B"], None, None, 0.0, InvalidInput, "more than 0 and at most 1"),
    (["A", "B"], None, None, 1.5, InvalidInput, "more than 0 and at most 1"),
    (["A", "B"], None, None, float("nan"), InvalidInput, "more than 0 and at most 1"),
])
def test_bad_input_is_refused_with_a_clear_message(project, coders, codes, docs, overlap,
                                                   error, words):
    build(project, {"d1": 100}, HAND)
    with pytest.raises(error, match=words):
        compute(project, coders, codes, docs, overlap)


def test_overlap_of_one_needs_identical_spans(project):
    build(project, {"d": 50}, [("d", "X", "A", 0, 10), ("d", "X", "B", 0, 10),
                               ("d", "X", "A", 20, 30), ("d", "X", "B", 20, 31)])
    x = compute(project, ["A", "B"], overlap=1)["codes"][0]
    assert (x["segments_matched"], x["segments_unmatched"]) == (2, 2)
