"""Disagreement review: clusters of differing segments, decisions as consensus codings, undo."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core import codebook as cb
from app.core.team import review
from app.errors import InvalidInput
from app.models import Coder, Coding, Document


@pytest.fixture
def setup(project):
    text = "x" * 200
    with project.write() as s:
        code = cb.create_code(s, "Respekt")
        doc = Document(name="fg", text=text, length=200, sha256="s")
        a, b = Coder(name="Hanne"), Coder(name="Tor")
        s.add_all([doc, a, b])
        s.flush()
        spans = {a.id: [(10, 20), (50, 80), (120, 130)],   # 10-20 agreed; 120-130 A only
                 b.id: [(10, 20), (60, 90), (150, 160)]}   # 60-90 boundary; 150-160 B only
        for coder_id, items in spans.items():
            for start, end in items:
                s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder_id,
                             start=start, end=end))
    return project


def _consensus(project):
    with project.read() as s:
        kid = s.scalar(select(Coder.id).where(Coder.name == "Konsensus"))
        return sorted(s.execute(select(Coding.start, Coding.end)
                                .where(Coding.coder_id == kid)).all())


def test_disagreements_are_clustered_by_kind(setup):
    with setup.read() as s:
        items = review.disagreements(s, "Respekt", "Hanne", "Tor")
    assert [(d.start, d.end, d.kind, d.a_spans, d.b_spans) for d in items] == [
        (50, 90, "boundary", [(50, 80)], [(60, 90)]),
        (120, 130, "a_only", [(120, 130)], []),
        (150, 160, "b_only", [], [(150, 160)]),
    ]
    assert review.progress(items) == (0, 3)


def test_decisions_write_consensus_and_can_be_undone(setup):
    with setup.write() as s:
        items = review.disagreements(s, "Respekt", "Hanne", "Tor")
        review.resolve(s, items[0], "b")
        review.resolve(s, items[1], "neither")
        review.resolve(s, items[2], "edit", span=(148, 162))
    assert _consensus(setup) == [(60, 90), (148, 162)]
    with setup.read() as s:
        again = review.disagreements(s, "Respekt", "Hanne", "Tor")
    assert [d.decision for d in again] == ["b", "neither", "edit"]
    assert review.progress(again) == (3, 3)
    with setup.write() as s:  # change one's mind: "both" replaces "b"
        state = review.capture(s, again[0])
        review.resolve(s, again[0], "both")
    assert _consensus(setup) == [(50, 80), (60, 90), (148, 162)]
    with setup.write() as s:
        review.restore(s, again[0], state)
    assert _consensus(setup) == [(60, 90), (148, 162)]
    with setup.read() as s:
        assert review.disagreements(s, "Respekt", "Hanne", "Tor")[0].decision == "b"


def test_bad_requests(setup):
    with setup.write() as s:
        items = review.disagreements(s, "Respekt", "Hanne", "Tor")
        with pytest.raises(InvalidInput):
            review.resolve(s, items[0], "maybe")
        with pytest.raises(InvalidInput):
            review.resolve(s, items[0], "edit", span=(190, 400))
        with pytest.raises(InvalidInput):
            review.resolve(s, items[0], "a", consensus="Tor")
        with pytest.raises(InvalidInput):
            review.disagreements(s, "Respekt", "Tor", "Tor")
