"""Counts kept up to date coding by coding (app.core.live_counts) equal a full recount, in both
scopes the window offers, with and without a coder filter; and the passages scope counts a
passage coded by several coders once."""

from __future__ import annotations

import random

from sqlalchemy import select

from app.core import codebook as cb
from app.core.live_counts import LiveCounts
from app.core.scope import CODINGS, SEGMENTS
from app.models import Coder, Coding, Document


def _setup(project):
    with project.write() as s:
        top = cb.create_code(s, "Topp", codable=False)
        mid = cb.create_code(s, "Midt", top)
        leaf = cb.create_code(s, "Blad", mid)
        other = cb.create_code(s, "Annen")
        docs = [Document(name=f"d{i}", text="x" * 60, length=60, sha256=str(i))
                for i in range(3)]
        coders = [Coder(name="A"), Coder(name="B"), Coder(name="C")]
        s.add_all(docs + coders)
        s.flush()
        return {"codes": [mid.id, leaf.id, other.id], "docs": [d.id for d in docs],
                "coders": [c.id for c in coders], "leaf": leaf.guid,
                "doc_guids": [d.guid for d in docs]}


def _naive(project, kind, coder_ids):
    """An independent count from the raw codings: per code its own count, per document the sum
    (passages: codings of one code in one document united where they overlap)."""
    with project.read() as s:
        rows = list(s.execute(select(Coding.document_id, Coding.code_id, Coding.coder_id,
                                     Coding.start, Coding.end)))
        guid = {d.id: d.guid for d in s.scalars(select(Document))}
    cells: dict = {}
    for doc, code, coder, a, b in rows:
        if coder_ids is None or coder in coder_ids:
            cells.setdefault((doc, code), []).append((a, b))
    per_doc: dict = {}
    for (doc, code), spans in cells.items():
        if kind == CODINGS:
            n = len(spans)
        else:
            n, hi = 0, -1
            for a, b in sorted(spans):
                if a >= hi:
                    n += 1
                hi = max(hi, b)
        per_doc[guid[doc]] = per_doc.get(guid[doc], 0) + n
    return {g: per_doc.get(g, 0) for g in guid.values()}


def test_passages_count_overlaps_once_and_a_bridge_unites_two(project):
    ids = _setup(project)
    a, b, c = ids["coders"]
    doc, leaf = ids["docs"][0], ids["codes"][1]
    with project.write() as s:
        s.add_all([Coding(document_id=doc, code_id=leaf, coder_id=a, start=0, end=10),
                   Coding(document_id=doc, code_id=leaf, coder_id=b, start=5, end=12),
                   Coding(document_id=doc, code_id=leaf, coder_id=a, start=20, end=30)])
    with project.read() as s:
        passages, codings = LiveCounts(s, SEGMENTS), LiveCounts(s, CODINGS)
    assert passages.code_counts(ids["leaf"])[0] == 2  # 0-12 (A and B) and 20-30
    assert codings.code_counts(ids["leaf"])[0] == 3
    with project.write() as s:  # C bridges the two passages: one passage now
        s.add(Coding(document_id=doc, code_id=leaf, coder_id=c, start=11, end=21))
    with project.read() as s:
        changed = passages.follow(s, ids["doc_guids"][0], ids["leaf"], c, +1)
        assert changed.codes[ids["leaf"]][0] == 1
        assert changed.documents == {ids["doc_guids"][0]: 1}
        assert codings.follow(s, ids["doc_guids"][0], ids["leaf"], c, +1).codes[
            ids["leaf"]][0] == 4
    # counted over A only, C's coding changes nothing
    with project.read() as s:
        only_a = LiveCounts(s, SEGMENTS, {a})
        assert not only_a.follow(s, ids["doc_guids"][0], ids["leaf"], c, +1)
        assert only_a.code_counts(ids["leaf"])[0] == 2


def test_following_random_codings_equals_a_full_recount(project):
    ids = _setup(project)
    rng = random.Random(19)
    scopes = [(kind, coders) for kind in (CODINGS, SEGMENTS)
              for coders in (None, frozenset(ids["coders"][:2]))]
    with project.read() as s:
        live = [LiveCounts(s, kind, coders) for kind, coders in scopes]
    for step in range(60):
        with project.write() as s:
            existing = list(s.scalars(select(Coding)))
            if existing and rng.random() < 0.4:
                c = rng.choice(existing)
                sign, code_id, doc_id, coder_id = -1, c.code_id, c.document_id, c.coder_id
                s.delete(c)
            else:  # short spans in short documents: many overlaps between coders
                code_id, doc_id = rng.choice(ids["codes"]), rng.choice(ids["docs"])
                coder_id, a = rng.choice(ids["coders"]), rng.randrange(50)
                s.add(Coding(document_id=doc_id, code_id=code_id, coder_id=coder_id,
                             start=a, end=a + rng.randint(1, 10)))
                sign = 1
            s.flush()
            doc_guid = s.get(Document, doc_id).guid
            code_guid = s.get(cb.Code, code_id).guid
        with project.read() as s:
            for counts, (kind, coders) in zip(live, scopes):
                counts.follow(s, doc_guid, code_guid, coder_id, sign)
                fresh = LiveCounts(s, kind, coders)
                assert counts.as_tuple() == fresh.as_tuple(), (step, kind, coders)
                assert counts.document_counts() == _naive(project, kind, coders)
                assert [(n.name, n.codings, n.total_codings, n.total_documents)
                        for n in counts.nodes()] == [
                    (n.name, n.codings, n.total_codings, n.total_documents)
                    for n in fresh.nodes()]
