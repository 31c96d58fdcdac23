"""Matrix displays in each analysis scope: a passage coded alike by two coders counts once by
default and twice in the every-coding scope; on a coders axis it counts once per coder and
once in the totals; co-occurrence and quotes are of passages; every display names its scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.displays.matrix import build_matrix
from app.core.displays.saved import DisplaySpec
from app.core.sample import build_sample
from app.models import Code, Coder, Coding, Document
from tests.core.displays import matrix_data as data

SPANS = 264


@pytest.fixture
def twins(project):
    """Hanne and Tor coded the same 264 spans alike; Tor also coded 10 of his own."""
    text = "Hun så på meg. " * 400
    with project.write() as s:
        doc = Document(name="fg1", text=text, length=len(text), sha256="t")
        code = Code(name="Respekt")
        hanne, tor = Coder(name="Hanne"), Coder(name="Tor")
        s.add_all([doc, code, hanne, tor])
        s.flush()
        for i in range(SPANS):
            for who in (hanne, tor):
                s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=who.id,
                             start=15 * i, end=15 * i + 14, valence=1))
        for i in range(SPANS, SPANS + 10):
            s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=tor.id, start=15 * i,
                         end=15 * i + 14))
    return project


def test_identical_spans_count_once_by_default_and_twice_as_codings(twins):
    with twins.read() as s:
        passages = build_matrix(s, "codes", "documents")
        codings = build_matrix(s, "codes", "documents", scope="codings")
        by_coder = build_matrix(s, "codes", "coders")
        by_coder_codings = build_matrix(s, "codes", "coders", scope="codings")
        hanne = build_matrix(s, "codes", "documents", coders=["Hanne"])
    assert passages.cells == [[SPANS + 10]] and passages.total == SPANS + 10
    assert codings.cells == [[2 * SPANS + 10]] and codings.total == 2 * SPANS + 10
    # on a coders axis a passage counts in each coder's column, and once in the totals
    assert by_coder.cols == ["Hanne", "Tor"] and by_coder.cells == [[SPANS, SPANS + 10]]
    assert by_coder.row_totals == [SPANS + 10] and by_coder.total == SPANS + 10
    assert by_coder.col_totals == [SPANS, SPANS + 10] and by_coder.per_coder
    assert by_coder_codings.row_totals == [2 * SPANS + 10] and not by_coder_codings.per_coder
    assert hanne.total == SPANS
    assert passages.as_json()["scope"] == {
        "kind": "segments", "coders": [], "description": (
            "Passages: overlapping codings of one code by different coders count once; "
            "all coders.")}
    assert codings.as_json()["scope"]["kind"] == "codings"
    assert hanne.as_json()["scope"]["coders"] == ["Hanne"]


def test_valence_and_quotes_are_of_passages(twins):
    with twins.read() as s:
        valence = build_matrix(s, "codes", "documents", "valence")
        quotes = build_matrix(s, "codes", "documents", "quotes")
        per_coder = build_matrix(s, "codes", "coders", "quotes")
    assert valence.total == {"positive": SPANS, "negative": 0, "unset": 10}
    cell = quotes.cells[0][0]
    assert len(cell) == SPANS + 10 == quotes.total
    assert len({(q["start"], q["end"]) for q in cell}) == len(cell)  # no passage twice
    assert cell[0]["coders"] == ["Hanne", "Tor"] and cell[0]["coder"] == "Hanne, Tor"
    assert len(cell[0]["guids"]) == 2 and cell[0]["paragraph"] == 1
    assert cell[-1]["coders"] == ["Tor"]
    assert [len(x) for x in per_coder.cells[0]] == [SPANS, SPANS + 10]
    assert per_coder.total == SPANS + 10


def test_mixed_valence_is_counted_apart(twins):
    with twins.write() as s:
        first = s.scalar(select(Coding).where(Coding.start == 0).order_by(Coding.id))
        first.valence = -1  # Hanne critical, Tor positive on the same passage
    with twins.read() as s:
        valence = build_matrix(s, "codes", "documents", "valence")
        every = build_matrix(s, "codes", "documents", "valence", scope="codings")
    assert valence.total == {"positive": SPANS - 1, "negative": 0, "unset": 10, "mixed": 1}
    assert every.total == {"positive": 2 * SPANS - 1, "negative": 1, "unset": 10}


@pytest.fixture
def p(project):
    data.build(project)
    return project


def test_cooccurrence_of_passages_has_no_double_diagonal(p):
    with p.read() as s:
        passages = build_matrix(s, "codes", "codes")
        codings = build_matrix(s, "codes", "codes", scope="codings")
    rows = dict(zip(passages.rows, passages.cells))
    # Hanne's and Tor's identical A1 codings in ind3 (8, 9) are one passage: no A1 x A1
    assert rows["A/A1"] == [1, 0, 1, 0, 0, 0]
    assert dict(zip(codings.rows, codings.cells))["A/A1"] == [1, 2, 1, 0, 0, 0]
    assert passages.total == 6 and codings.total == 8


def test_consensus_scope_and_unknown_scope(p):
    with p.write() as s:
        konsensus = Coder(name="Konsensus")
        s.add(konsensus)
        s.flush()
        code = s.scalar(select(Code).where(Code.name == "A1"))
        doc = s.scalar(select(Document).where(Document.name == "ind3"))
        start = data.TEXT.index("Det var godt.")
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=konsensus.id, start=start,
                     end=start + 13, valence=1))
    with p.read() as s:
        m = build_matrix(s, "codes", "bydel", scope="consensus")
        with pytest.raises(Exception, match="Unknown scope everything"):
            build_matrix(s, "codes", "bydel", scope="everything")
    assert m.total == 1 and dict(zip(m.rows, m.cells))["A/A1"] == [0, 1, 0]
    assert m.scope["coders"] == ["Konsensus"]


def test_saved_display_keeps_its_scope(p):
    from app.core.displays.saved import load_display, save_display

    with p.write() as s:
        save_display(s, "Alle kodinger", DisplaySpec(rows="codes", cols="bydel",
                                                     scope="codings"))
    with p.read() as s:
        spec = load_display(s, "Alle kodinger")
        m = spec.build(s)
    assert spec.scope == "codings" and m.total == 10 and m.scope["kind"] == "codings"
    assert "every coding" in spec.filters_text()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "demo.sitat"
    build_sample(path).close()
    return path


def test_sample_project_counts_its_264_shared_spans_once(sample, copy_of):
    with copy_of(sample).read() as s:
        passages = build_matrix(s, "codes", "bydel")
        codings = build_matrix(s, "codes", "bydel", scope="codings")
        rows = s.execute(select(Coding.document_id, Coding.code_id, Coding.start, Coding.end,
                                Coder.name).join(Coder, Coder.id == Coding.coder_id)).all()
    spans = {}
    for doc, code, a, b, coder in rows:
        spans.setdefault((doc, code, a, b), set()).add(coder)
    shared = sum(1 for who in spans.values() if who == {"Hanne", "Tor"})
    assert shared == 264
    assert codings.total == len(rows) == 1085 + 42  # + Hanne's in the survey's comments
    # each shared span is one passage, and overlapping spans with other boundaries unite too
    assert passages.total <= len(spans) == 1085 + 42 - shared
