"""A complete consensus: agreed segments copied once with memo and valence (and provenance),
disagreements listed with stable ids, settled by id, undecided ones reported; three coders."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.core import codebook as cb
from app.core.team import review
from app.core.team.consensus import fill_consensus
from app.core.team.versions import freeze
from app.errors import InvalidInput, NotFound
from app.models import CodebookVersion, Coder, Coding, Document

TEXT = "abcdefghij" * 30


@pytest.fixture
def setup(project):
    """Hanne and Tor on Respekt in fg: 10-20 agreed (only Hanne wrote a memo, both +),
    30-40 agreed (the same memo, no valence), 100-110 agreed (+ and -), 50-80/60-90 other
    boundaries, 120-130 Hanne only. Eva coded 10-20 and 30-40 as well, and 200-210 alone."""
    with project.write() as s:
        cb.create_code(s, "Respekt")
        cb.create_code(s, "Trygghet")
        doc = Document(name="fg", text=TEXT, length=len(TEXT), sha256="s")
        s.add(doc)
        s.add_all([Coder(name=n) for n in ("Hanne", "Tor", "Eva")])
        s.flush()
        ids = dict(s.execute(select(Coder.name, Coder.id)).all())
        code = cb.resolve_code(s, "Respekt").id
        rows = [("Hanne", 10, 20, "hørt", 1), ("Tor", 10, 20, "", 1),
                ("Hanne", 30, 40, "samme", None), ("Tor", 30, 40, "samme", None),
                ("Hanne", 100, 110, "", 1), ("Tor", 100, 110, "", -1),
                ("Hanne", 50, 80, "", None), ("Tor", 60, 90, "", None),
                ("Hanne", 120, 130, "", None),
                ("Eva", 10, 20, "også", 1), ("Eva", 30, 40, "samme", None),
                ("Eva", 200, 210, "", None)]
        for coder, start, end, memo, valence in rows:
            s.add(Coding(document_id=doc.id, code_id=code, coder_id=ids[coder], start=start,
                         end=end, memo=memo, valence=valence))
    return project


def _consensus(project, name="Konsensus"):
    with project.read() as s:
        kid = s.scalar(select(Coder.id).where(Coder.name == name))
        return sorted(s.execute(select(Coding.start, Coding.end, Coding.memo, Coding.valence)
                                .where(Coding.coder_id == kid)).all())


def test_agreed_segments_are_copied_with_memo_and_valence(setup):
    with setup.write() as s:
        freeze(s, "v1")
    with setup.write() as s:
        report = fill_consensus(s, ["Hanne", "Tor"])
        data = report.as_json()
    assert _consensus(setup) == [(10, 20, "Hanne: hørt", 1), (30, 40, "samme", None),
                                 (100, 110, "", None)]
    assert (data["copied"], data["already_present"], data["settled"]) == (3, 0, 0)
    assert [(u["start"], u["end"], u["kind"]) for u in data["undecided"]] == [
        (50, 90, "boundary"), (120, 130, "a_only")]
    assert [(v["start"], v["end"], v["valences"]) for v in data["valence_conflicts"]] == [
        (100, 110, {"Hanne": "+", "Tor": "-"})]
    with setup.read() as s:  # provenance: the codebook version in force when copied
        v1 = s.scalar(select(CodebookVersion.id))
        kid = s.scalar(select(Coder.id).where(Coder.name == "Konsensus"))
        assert set(s.scalars(select(Coding.codebook_version_id)
                             .where(Coding.coder_id == kid))) == {v1}
        listed = review.find_disagreements(s, ["Hanne", "Tor"])
    assert [u["id"] for u in data["undecided"]] == [d.id for d in listed]


def test_running_it_again_adds_nothing_and_counts_settled(setup):
    with setup.write() as s:
        fill_consensus(s, ["Hanne", "Tor"])
    first = _consensus(setup)
    with setup.write() as s:
        d = review.find_disagreements(s, ["Hanne", "Tor"])[0]
        review.resolve(s, review.find_disagreement(s, d.id), "b")
        again = fill_consensus(s, ["Hanne", "Tor"])
    assert (again.copied, again.already_present, again.settled) == (0, 3, 1)
    assert [(d.start, d.end) for d in again.undecided] == [(120, 130)]
    assert len(again.valence_conflicts) == 1  # the consensus coding still has no valence
    assert _consensus(setup) == sorted(first + [(60, 90, "", None)])


def test_ids_are_stable_and_found_anywhere(setup):
    with setup.read() as s:
        items = review.find_disagreements(s, ["Hanne", "Tor"], ["Respekt"])
        d = items[0]
        doc_guid = s.scalar(select(Document.guid))
        code_guid = cb.resolve_code(s, "Respekt").guid
    raw = f"{doc_guid}|{code_guid}|Hanne|Tor|50|90"
    assert d.id == "d" + hashlib.sha1(raw.encode()).hexdigest()[:10]
    with setup.write() as s:  # unrelated work elsewhere leaves the ids as they were
        other = cb.resolve_code(s, "Trygghet").id
        s.add(Coding(document_id=d.document_id, code_id=other,
                     coder_id=s.scalar(select(Coder.id).where(Coder.name == "Tor")),
                     start=0, end=5))
    with setup.read() as s:
        assert [x.id for x in review.find_disagreements(s, ["Hanne", "Tor"], ["Respekt"])] \
            == [x.id for x in items]
        found = review.find_disagreement(s, d.id.upper())
        assert (found.coders, found.start, found.end, found.spans) == (
            ("Hanne", "Tor"), 50, 90, ([(50, 80)], [(60, 90)]))
        swapped = review.find_disagreements(s, ["Tor", "Hanne"], ["Respekt"])[0]
        assert swapped.id != d.id and review.find_disagreement(s, swapped.id).coders == (
            "Tor", "Hanne")
        with pytest.raises(NotFound):
            review.find_disagreement(s, "d0123456789")
        with pytest.raises(InvalidInput):
            review.find_disagreement(s, "not-an-id")


def test_resolve_takes_the_memo_and_valence_and_checks_the_span(setup):
    with setup.write() as s:
        d = review.find_disagreements(s, ["Hanne", "Tor"])[0]
        with pytest.raises(InvalidInput):  # the edited span must touch the disagreement
            review.resolve(s, d, "edit", span=(0, 10))
        review.resolve(s, d, "Hanne")  # a coder's name works like a
        assert d.decision == "a"
    assert _consensus(setup) == [(50, 80, "", None)]


def test_three_coders(setup):
    with setup.write() as s:
        report = fill_consensus(s, ["Tor", "Eva", "Hanne"])
    # only 10-20 and 30-40 were coded alike by all three; Eva's memo differs at 10-20
    assert _consensus(setup) == [(10, 20, "Eva: også\nHanne: hørt", 1),
                                 (30, 40, "samme", None)]
    assert report.coders == ["Eva", "Hanne", "Tor"]
    assert [(d.start, d.end, d.kind) for d in report.undecided] == [
        (50, 90, "partial"), (100, 110, "partial"), (120, 130, "partial"),
        (200, 210, "partial")]
    last = report.undecided[-1].id
    with setup.write() as s:
        d = review.find_disagreement(s, last)  # found without naming the coders
        assert d.coders == ("Eva", "Hanne", "Tor") and d.spans == ([(200, 210)], [], [])
        decision, span = review.parse_take(d, "Eva")
        review.resolve(s, d, decision, span=span)
        first = review.find_disagreement(s, report.undecided[0].id, ["Hanne", "Eva", "Tor"])
        review.resolve(s, first, "both")
        with pytest.raises(InvalidInput):
            review.parse_take(first, "a")  # a and b only for two coders
    assert _consensus(setup) == [(10, 20, "Eva: også\nHanne: hørt", 1),
                                 (30, 40, "samme", None), (50, 80, "", None),
                                 (60, 90, "", None), (200, 210, "", None)]
    with setup.write() as s:
        again = fill_consensus(s, ["Hanne", "Tor", "Eva"])
        listed = review.find_disagreements(s, ["Hanne", "Tor", "Eva"])
    assert (again.copied, again.already_present, again.settled) == (0, 2, 2)
    assert [d.taken for d in listed] == ["both", None, None, "Eva"]


def test_bad_requests(setup):
    with setup.write() as s:
        with pytest.raises(InvalidInput):
            fill_consensus(s, ["Hanne", "Tor"], consensus="Tor")
        with pytest.raises(InvalidInput):
            fill_consensus(s, ["Hanne"])
        with pytest.raises(InvalidInput):
            fill_consensus(s, ["Hanne", "Hanne"])
