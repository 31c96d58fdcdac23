"""Matrix displays: hand-counted cells and totals for every row/column/cell combination,
roll-up by level, filters, co-occurrence, exact quotes, and errors a user can act on.

The hand counts are of every coding (scope `codings`); tests/core/displays/
test_matrix_scope.py counts the same data as passages (the default)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.core.displays import matrix
from app.core.team.rounds import create_round
from app.errors import InvalidInput, NotFound
from app.models import Document
from tests.core.displays import matrix_data as data
from tests.core.displays.matrix_data import CODE_ROWS, TEXT


@pytest.fixture
def p(project):
    data.build(project)
    return project


def build_matrix(s, *args, **kwargs):
    """A display of every coding, as these hand counts are."""
    return matrix.build_matrix(s, *args, **{"scope": "codings", **kwargs})


def grid(m):
    return dict(zip(m.rows, m.cells))


def test_codes_by_attribute_count(p):
    with p.read() as s:
        m = build_matrix(s, "codes", "bydel", "count")
    assert m.rows == CODE_ROWS  # the empty code E stays as a gap; group G has no row
    assert m.cols == ["Stovner", "Alna", "(none)"]  # choice order, no value last
    assert grid(m) == {"A": [1, 1, 0], "A/A1": [0, 3, 0], "A/A1/A1x": [0, 1, 0],
                       "A/A2": [1, 0, 0], "G/G1": [1, 2, 0], "E": [0, 0, 0]}
    assert m.row_totals == [2, 3, 1, 1, 3, 0]
    assert m.col_totals == [3, 7, 0] and m.total == 10


def test_codes_by_attribute_documents_and_share(p):
    with p.read() as s:
        docs = build_matrix(s, "codes", "bydel", "documents")
        share = build_matrix(s, "codes", "bydel", "share")
    assert grid(docs) == {"A": [1, 1, 0], "A/A1": [0, 2, 0], "A/A1/A1x": [0, 1, 0],
                          "A/A2": [1, 0, 0], "G/G1": [1, 2, 0], "E": [0, 0, 0]}
    assert docs.row_totals == [2, 2, 1, 1, 3, 0]
    assert docs.col_totals == [1, 2, 0] and docs.total == 3
    # documents per column: Stovner 1 (fg2), Alna 2 (fg1, ind3), no value 1 (ind4)
    assert grid(share) == {"A": [1.0, 0.5, 0.0], "A/A1": [0.0, 1.0, 0.0],
                           "A/A1/A1x": [0.0, 0.5, 0.0], "A/A2": [1.0, 0.0, 0.0],
                           "G/G1": [1.0, 1.0, 0.0], "E": [0.0, 0.0, 0.0]}
    assert share.row_totals == [0.5, 0.5, 0.25, 0.25, 0.75, 0.0]  # of all 4 documents
    assert share.col_totals == [1.0, 1.0, 0.0] and share.total == 0.75


def test_codes_by_attribute_valence(p):
    with p.read() as s:
        m = build_matrix(s, "codes", "bydel", "valence")

    def v(pos=0, neg=0, unset=0):
        return {"positive": pos, "negative": neg, "unset": unset}

    assert grid(m) == {"A": [v(neg=1), v(pos=1), v()], "A/A1": [v(), v(2, 1), v()],
                       "A/A1/A1x": [v(), v(unset=1), v()], "A/A2": [v(unset=1), v(), v()],
                       "G/G1": [v(pos=1), v(1, 1), v()], "E": [v(), v(), v()]}
    assert m.row_totals[1] == v(2, 1) and m.row_totals[-1] == v()
    assert m.col_totals == [v(1, 1, 1), v(4, 2, 1), v()]
    assert m.total == v(5, 3, 2)


def test_quotes_are_exact_after_emoji_and_in_order(p):
    with p.read() as s:
        m = build_matrix(s, "codes", "bydel", "quotes")
        texts = {d.name: d.text for d in s.query(Document)}
    a1 = grid(m)["A/A1"][1]
    assert [(q["document"], q["coder"], q["valence"]) for q in a1] == [
        ("fg1", "Tor", -1), ("ind3", "Hanne", 1), ("ind3", "Tor", 1)]
    start = TEXT.index("Hun så på meg. Hun hadde tid.")
    assert a1[0]["start"] == start and TEXT[:start].startswith("🙂")
    for line in m.cells:
        for quotes in line:
            for q in quotes:
                assert q["text"] == texts[q["document"]][q["start"]:q["end"]]
    assert a1[0]["text"] == "Hun så på meg. Hun hadde tid."
    assert m.row_totals == [2, 3, 1, 1, 3, 0] and m.col_totals == [3, 7, 0] and m.total == 10


def test_codes_by_documents_and_coders(p):
    with p.read() as s:
        by_doc = build_matrix(s, "codes", "documents")
        by_coder = build_matrix(s, "codes", "coders", "documents")
        share = build_matrix(s, "codes", "coders", "share")
    assert by_doc.cols == ["fg1", "fg2", "ind3", "ind4"]  # every document, also uncoded ones
    assert grid(by_doc)["A/A1"] == [1, 0, 2, 0] and grid(by_doc)["G/G1"] == [1, 1, 1, 0]
    assert by_doc.col_totals == [4, 3, 3, 0] and by_doc.total == 10
    assert by_coder.cols == ["Hanne", "Kari", "Tor"]
    assert grid(by_coder)["A/A1"] == [1, 0, 2] and grid(by_coder)["G/G1"] == [2, 0, 1]
    assert by_coder.col_totals == [3, 0, 3] and by_coder.total == 3
    # coders are not document groups: shares of all 4 documents
    assert grid(share)["G/G1"] == [0.5, 0.0, 0.25] and share.col_totals == [0.75, 0.0, 0.75]


def test_documents_rows_list_only_coded_documents(p):
    with p.read() as s:
        m = build_matrix(s, "documents", "coders", "count")
        share = build_matrix(s, "documents", "coders", "share")
        codes = build_matrix(s, "documents", "codes", "count")
    assert m.rows == ["fg1", "fg2", "ind3"]  # ind4 has no codings
    assert m.cells == [[2, 0, 2], [2, 0, 1], [2, 0, 1]]
    assert m.row_totals == [4, 3, 3] and m.col_totals == [6, 0, 4] and m.total == 10
    assert share.cells[0] == [0.25, 0.0, 0.25] and share.row_totals == [1.0, 1.0, 1.0]
    assert codes.cols == CODE_ROWS and codes.cells[0] == [1, 1, 1, 0, 1, 0]


def test_attribute_rows_and_columns(p):
    with p.read() as s:
        m = build_matrix(s, "bydel", "tjeneste", "count")
        share = build_matrix(s, "bydel", "tjeneste", "share")
    assert m.rows == ["Stovner", "Alna"]  # no "(none)" row: ind4 has no codings
    assert m.cols == ["DPS", "NAV", "(none)"]  # text values alphabetically, no value last
    assert m.cells == [[0, 3, 0], [0, 4, 3]]
    assert m.row_totals == [3, 7] and m.col_totals == [0, 7, 3] and m.total == 10
    assert share.cells == [[0.0, 0.5, 0.0], [0.0, 0.5, 1.0]]
    assert share.row_totals == [1.0, 1.0]  # every Stovner and Alna document is coded
    assert share.col_totals == [0.0, 1.0, 1.0] and share.total == 0.75


def test_roll_up_by_level(p):
    with p.read() as s:
        top = build_matrix(s, "codes", "bydel", level=1)
        two = build_matrix(s, "codes", "bydel", level=2)
        flat = build_matrix(s, "codes", "bydel", level=2, roll_up=False)
        docs = build_matrix(s, "codes", "bydel", "documents", level=1)
    assert grid(top) == {"A": [2, 5, 0], "G": [1, 2, 0], "E": [0, 0, 0]}
    assert top.filters == {"level": 1, "roll_up": True}
    assert grid(two) == {"A": [1, 1, 0], "A/A1": [0, 4, 0], "A/A2": [1, 0, 0],
                         "G/G1": [1, 2, 0], "E": [0, 0, 0]}
    assert flat.rows == CODE_ROWS and grid(flat)["A/A1"] == [0, 3, 0]
    assert grid(docs)["A"] == [1, 2, 0] and docs.row_totals[0] == 3
    for m in (top, two, flat):
        assert m.total == 10


def test_cooccurrence(p):
    with p.read() as s:
        m = build_matrix(s, "codes", "codes", "count")
        top = build_matrix(s, "codes", "codes", "count", level=1)
        hanne = build_matrix(s, "codes", "codes", "count", coders=["Hanne"])
        quotes = build_matrix(s, "codes", "codes", "quotes")
    assert m.rows == m.cols == CODE_ROWS
    assert grid(m) == {
        "A": [0, 1, 0, 1, 0, 0],         # 1 overlaps A1 (2); 5 overlaps A2 (6)
        "A/A1": [1, 2, 1, 0, 0, 0],      # 2 overlaps A (1) and A1x (3); 8 and 9 each other
        "A/A1/A1x": [0, 1, 0, 0, 0, 0],  # 3 overlaps A1 (2)
        "A/A2": [1, 0, 0, 0, 0, 0],      # 6 overlaps A (5)
        "G/G1": [0] * 6, "E": [0] * 6}
    assert m.row_totals == [2, 4, 1, 1, 0, 0] and m.total == 8
    assert grid(top) == {"A": [7, 0, 0], "G": [0, 0, 0], "E": [0, 0, 0]}
    assert hanne.total == 0  # Hanne's own codings never overlap each other
    assert [q["text"] for q in grid(quotes)["A/A1"][1]] == ["Det var godt."] * 2


def test_touching_codings_do_not_cooccur(project):
    with project.write() as s:
        from app.models import Code, Coder, Coding

        doc = Document(name="d", text="🙂abcdef", length=7, sha256="x")
        a, b, who = Code(name="A"), Code(name="B", sort_order=1), Coder(name="Hanne")
        s.add_all([doc, a, b, who])
        s.flush()
        s.add_all([Coding(document_id=doc.id, code_id=a.id, coder_id=who.id, start=1, end=4),
                   Coding(document_id=doc.id, code_id=b.id, coder_id=who.id, start=4, end=7),
                   Coding(document_id=doc.id, code_id=b.id, coder_id=who.id, start=3, end=5)])
    with project.read() as s:
        m = build_matrix(s, "codes", "codes")
    # A [1,4) meets B [4,7) without overlapping it; B [3,5) overlaps both
    assert m.cells == [[0, 1], [1, 2]]


def test_filters(p):
    with p.write() as s:
        create_round(s, "Runde 1", ["fg1", "ind3"], ["Hanne"])
        # Hanne's codings 1, 3 and 8 were made in the round; 10 before it (no round)
        from sqlalchemy import update

        from app.models import Coder, Coding, Round

        hanne = s.scalar(select(Coder.id).where(Coder.name == "Hanne"))
        rid = s.scalar(select(Round.id))
        docs = dict(s.execute(select(Document.name, Document.id)).all())
        s.execute(update(Coding).where(Coding.coder_id == hanne, Coding.document_id.in_(
            [docs["fg1"], docs["ind3"]])).values(round_id=rid))
        g1 = s.scalar(select(Coding).where(Coding.coder_id == hanne,
                                           Coding.document_id == docs["ind3"],
                                           Coding.valence == -1))
        g1.round_id = None
    with p.read() as s:
        tor = build_matrix(s, "codes", "bydel", coders=["Tor"])
        nav = build_matrix(s, "codes", "bydel", where={"tjeneste": "NAV"})
        six = build_matrix(s, "codes", "coders", where={"informanter": "6,0"})
        sub = build_matrix(s, "codes", "bydel", codes=["A1"])
        rnd = build_matrix(s, "codes", "bydel", round="Runde 1")
        rnd_coders = build_matrix(s, "documents", "coders", round="Runde 1")
    assert grid(tor) == {"A": [1, 0, 0], "A/A1": [0, 2, 0], "A/A1/A1x": [0, 0, 0],
                         "A/A2": [0, 0, 0], "G/G1": [0, 1, 0], "E": [0, 0, 0]}
    assert tor.total == 4 and tor.filters == {"coders": ["Tor"]}
    assert nav.cols == ["Stovner", "Alna"] and nav.total == 7
    assert grid(nav)["A/A1"] == [0, 1] and grid(nav)["G/G1"] == [1, 1]
    assert six.filters == {"where": {"informanter": "6"}}  # stored canonical form
    assert six.total == 4 and six.col_totals == [2, 0, 2]
    assert sub.rows == ["A/A1", "A/A1/A1x"] and sub.row_totals == [3, 1]
    assert sub.filters == {"codes": ["A/A1"]}
    assert rnd.cols == ["Alna"] and rnd.total == 3  # only the codings made in the round
    assert grid(rnd) == {"A": [1], "A/A1": [1], "A/A1/A1x": [1], "A/A2": [0], "G/G1": [0],
                         "E": [0]}
    assert rnd_coders.rows == ["fg1", "ind3"] and rnd_coders.cols == ["Hanne"]
    assert rnd.filters == {"round": "Runde 1"}
    assert rnd.scope["round"] == "Runde 1"


def test_json_shape(p):
    with p.read() as s:
        m = build_matrix(s, "codes", "bydel", "quotes", coders=["Hanne"],
                         where={"bydel": "alna"})
    out = json.loads(json.dumps(m.as_json()))
    assert set(out) == {"rows", "cols", "cell", "cells", "row_totals", "col_totals", "total",
                        "filters", "scope"}
    assert out["scope"]["kind"] == "codings" and out["scope"]["coders"] == ["Hanne"]
    assert out["cell"] == "quotes" and out["cols"] == ["Alna"]
    assert out["filters"] == {"coders": ["Hanne"], "where": {"bydel": "Alna"}}
    start = TEXT.index("Hun så på meg.")
    assert out["cells"][0][0] == [{
        "document": "fg1", "start": start, "end": start + 14, "text": "Hun så på meg.",
        "coder": "Hanne", "coders": ["Hanne"], "valence": 1, "guids": [out["cells"][0][0][0][
            "guids"][0]], "rounds": [], "codebook_versions": [], "speaker": "",
        "paragraph": 1}]
    assert out["total"] == 4


@pytest.mark.parametrize("kwargs, error, message", [
    ({"cols": "bydl"}, NotFound, "no attribute named bydl. Did you mean: bydel"),
    ({"rows": "dokuments"}, NotFound, "Did you mean: documents"),
    ({"codes": ["A/A3"]}, NotFound, "no code A/A3 .*Did you mean"),
    ({"coders": ["Hane"]}, NotFound, "no coder named Hane .*Did you mean: Hanne"),
    ({"round": "Runde 2"}, NotFound, "no round named Runde 2"),
    ({"where": {"bydl": "Alna"}}, NotFound, "Did you mean: bydel"),
    ({"where": {"bydel": "Oslo"}}, InvalidInput, "not an allowed value of bydel"),
    ({"where": {"informanter": "mange"}}, InvalidInput, "not a number"),
    ({"cell": "counts"}, InvalidInput, "Unknown cell kind counts; use one of: count"),
    ({"level": 0}, InvalidInput, "level must be a whole number"),
])
def test_errors_say_what_to_do(p, kwargs, error, message):
    with p.read() as s:
        with pytest.raises(error, match=message):
            build_matrix(s, **{"rows": "codes", "cols": "bydel", **kwargs})
