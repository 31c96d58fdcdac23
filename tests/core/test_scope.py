"""The analysis scope: passages united across coders (overlapping, not touching), the
consensus coder's codings, every coding, the coder and round filters, and - for any codings
at all - passages that cover exactly what the codings cover and never overlap each other."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from app.core.scope import MIXED, AnalysisScope, passage_counts, passages
from app.core.team.rounds import create_round
from app.errors import InvalidInput, NotFound
from app.models import Code, Coder, Coding, Document, Round

TEXT = "Hun så på meg. Hun hadde tid. Det var godt. Vi ventet lenge. Alt ble bra.\n" * 2


def _setup(s):
    doc = Document(name="fg1", text=TEXT, length=len(TEXT), sha256="a")
    other = Document(name="fg2", text=TEXT, length=len(TEXT), sha256="b")
    a, b = Code(name="A", sort_order=0), Code(name="B", sort_order=1)
    people = {n: Coder(name=n) for n in ("Hanne", "Tor", "Kari", "Konsensus")}
    s.add_all([doc, other, a, b, *people.values()])
    s.flush()
    return doc, other, a, b, people


def _code(s, doc, code, coder, start, end, valence=None, memo="", round_id=None):
    c = Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start, end=end,
               valence=valence, memo=memo, round_id=round_id)
    s.add(c)
    s.flush()
    return c


@pytest.fixture
def data(project):
    with project.write() as s:
        doc, other, a, b, who = _setup(s)
        _code(s, doc, a, who["Hanne"], 0, 14, 1, "sitat")       # united with Tor's 0-29
        _code(s, doc, a, who["Tor"], 0, 29, 1, "sitat")
        _code(s, doc, a, who["Kari"], 29, 43, -1)               # touches 0-29: apart
        _code(s, doc, a, who["Hanne"], 44, 60, 1)               # with Tor: mixed valence
        _code(s, doc, a, who["Tor"], 50, 74, -1, "lenge")
        _code(s, doc, b, who["Hanne"], 0, 14)                   # another code: its own
        _code(s, other, a, who["Tor"], 0, 14)
        _code(s, doc, a, who["Konsensus"], 0, 29, 1)
    return project


def spans(found):
    return [(p.start, p.end) for p in found]


def test_segments_unite_overlapping_codings_across_coders_but_not_touching_ones(data):
    with data.read() as s:
        names = dict(s.execute(select(Document.id, Document.name)).all())
        codes = dict(s.execute(select(Code.id, Code.name)).all())
        found = passages(s, AnalysisScope(coders=("Hanne", "Tor", "Kari")), details=True)
    by = [(names[p.document_id], codes[p.code_id], p.start, p.end, p.coders, p.valence, p.memo)
          for p in found]
    assert sorted(by) == [
        ("fg1", "A", 0, 29, ("Hanne", "Tor"), 1, "sitat"),
        ("fg1", "A", 29, 43, ("Kari",), -1, ""),
        ("fg1", "A", 44, 74, ("Hanne", "Tor"), MIXED, "lenge"),
        ("fg1", "B", 0, 14, ("Hanne",), None, ""),
        ("fg2", "A", 0, 14, ("Tor",), None, ""),
    ]
    first = next(p for p in found if p.start == 0 and codes[p.code_id] == "A"
                 and names[p.document_id] == "fg1")
    assert len(first.guids) == len(first.coding_ids) == 2


def test_the_default_scope_is_segments_over_every_coder(data):
    with data.read() as s:
        found = passages(s)
        counts = passage_counts(s)
    # Konsensus's 0-29 joins Hanne's and Tor's passage
    assert len(found) == 5 and sum(counts.values()) == 5
    assert Counter((p.document_id, p.code_id) for p in found) == Counter(counts)


def test_codings_scope_keeps_every_coding(data):
    with data.read() as s:
        found = passages(s, AnalysisScope("codings"))
        counts = passage_counts(s, AnalysisScope("codings"))
        tor = passages(s, AnalysisScope("codings", ("Tor",)))
    assert len(found) == 8 == sum(counts.values())
    assert all(len(p.coding_ids) == 1 for p in found)
    assert spans(tor) == [(0, 29), (50, 74), (0, 14)]


def test_consensus_is_the_consensus_coders_codings(data):
    with data.read() as s:
        found = passages(s, AnalysisScope("consensus"), details=True)
        named = passages(s, AnalysisScope("consensus", ("Kari",)), details=True)
        r = AnalysisScope("consensus").resolve(s)
    assert [(p.start, p.end, p.coders) for p in found] == [(0, 29, ("Konsensus",))]
    assert [(p.start, p.end, p.coders) for p in named] == [(29, 43, ("Kari",))]
    assert r.as_json() == {"kind": "consensus", "coders": ["Konsensus"], "description": (
        "Consensus: the consensus coder's codings; consensus coder: Konsensus.")}


def test_consensus_without_a_consensus_coder_says_what_to_do(data):
    with data.write() as s:
        s.execute(delete(Coder).where(Coder.name == "Konsensus"))
    with data.read() as s, pytest.raises(NotFound, match="no consensus coder .*Konsensus"):
        passages(s, AnalysisScope("consensus"))


def test_coder_filter_and_round_filter(data):
    with data.write() as s:
        create_round(s, "Runde 1", ["fg1"], ["Hanne"])
        rid = s.scalar(select(Round.id))
        doc = s.scalar(select(Document).where(Document.name == "fg1"))
        a = s.scalar(select(Code).where(Code.name == "A"))
        hanne = s.scalar(select(Coder).where(Coder.name == "Hanne"))
        _code(s, doc, a, hanne, 0, 14, round_id=rid)  # coded again in the round
    with data.read() as s:
        hanne = passages(s, AnalysisScope(coders=("Hanne",)))
        in_round = passages(s, AnalysisScope(round="Runde 1"), details=True)
        with pytest.raises(NotFound, match="no coder named Hane.*Did you mean: Hanne"):
            passages(s, AnalysisScope(coders=("Hane",)))
        with pytest.raises(NotFound, match="no round named Runde 2"):
            passages(s, AnalysisScope(round="Runde 2"))
    # Hanne's two 0-14 codings of A (no round and Runde 1) are one passage
    assert spans(hanne) == [(0, 14), (44, 60), (0, 14)]
    assert [(p.start, p.end, p.rounds) for p in in_round] == [(0, 14, ("Runde 1",))]


def test_unknown_scope_is_refused():
    with pytest.raises(InvalidInput, match="Unknown scope passages; use one of: segments, "
                                           "consensus, codings"):
        AnalysisScope("passages")
    assert AnalysisScope.of(None).kind == "segments"
    assert AnalysisScope.of("Codings", ["Tor"]).describe() == (
        "Every coding: a passage coded by several coders counts once per coder; "
        "coders: Tor.")


def test_roll_up_unites_child_codes_under_their_parent(data):
    with data.read() as s:
        ids = dict(s.execute(select(Code.name, Code.id)).all())
        rolled = passage_counts(s, code_map={ids["A"]: ids["A"], ids["B"]: ids["A"]})
        apart = passage_counts(s)
        doc = s.scalar(select(Document.id).where(Document.name == "fg1"))
    assert apart[(doc, ids["A"])] == 3 and apart[(doc, ids["B"])] == 1
    # B's 0-14 lies inside A's first passage: counted under A it adds nothing
    assert rolled[(doc, ids["A"])] == 3 and (doc, ids["B"]) not in rolled


# (coder, document, code, start, length)
spans_st = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1), st.integers(0, 1),
                              st.integers(0, 60), st.integers(1, 20)), max_size=40)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=spans_st)
def test_passages_cover_exactly_the_codings_and_never_overlap(project, rows):
    with project.write() as s:
        s.execute(delete(Coding))
        if not s.scalar(select(Document.id)):
            _setup(s)
        docs = list(s.scalars(select(Document).order_by(Document.id)))
        codes = list(s.scalars(select(Code).order_by(Code.id)))
        coders = list(s.scalars(select(Coder).order_by(Coder.id)))
        seen = set()
        for coder, doc, code, start, length in rows:
            key = (coder, doc, code, start, start + length)
            if key not in seen:  # a coder codes a span with a code once
                seen.add(key)
                _code(s, docs[doc], codes[code], coders[coder], start, start + length)
    with project.read() as s:
        found = passages(s)
        counts = passage_counts(s)
        detailed = passages(s, details=True)
        each = passages(s, AnalysisScope("codings"))
        every = s.execute(select(Coding.document_id, Coding.code_id, Coding.start,
                                 Coding.end)).all()
    covered: dict[tuple, set] = {}
    for doc, code, a, b in every:
        covered.setdefault((doc, code), set()).update(range(a, b))
    by_key: dict[tuple, list] = {}
    for p in found:
        by_key.setdefault((p.document_id, p.code_id), []).append((p.start, p.end))
    assert set(by_key) == set(covered)
    for key, got in by_key.items():
        chars = set()
        for a, b in got:
            chars.update(range(a, b))
        assert chars == covered[key]  # the union of passages is the union of codings
        got.sort()
        assert all(x[1] <= y[0] for x, y in zip(got, got[1:]))  # no two overlap
    assert {k: len(v) for k, v in by_key.items()} == counts
    assert sum(len(p.coding_ids) for p in found) == len(every) == len(each)
    assert [(p.document_id, p.code_id, p.start, p.end, p.coding_ids) for p in detailed] == [
        (p.document_id, p.code_id, p.start, p.end, p.coding_ids) for p in found]
