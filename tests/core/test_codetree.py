"""Code tree counts and exact codebook checkpoints (undo of merge, delete, move)."""

from __future__ import annotations

from sqlalchemy import select

from app.core import codetree
from app.models import Code, Coding
from tests.core.workbench_fixtures import small_project


def state(project):
    with project.read() as s:
        codes = sorted((c.guid, c.name, c.parent_id is not None, c.sort_order)
                       for c in s.scalars(select(Code)))
        codings = sorted((c.guid, c.code.guid, c.start, c.end, c.memo)
                         for c in s.scalars(select(Coding)))
    return codes, codings


def test_counts_include_children_and_filter_by_coder(project):
    g = small_project(project)
    with project.read() as s:
        nodes = {n.name: n for n in codetree.code_nodes(s)}
        assert [n.name for n in codetree.code_nodes(s)] == [
            "Respekt", "Sett og hørt", "Forutsigbarhet", "Informasjon"]
        assert nodes["Respekt"].codings == 1 and nodes["Respekt"].total_codings == 2
        assert nodes["Respekt"].total_documents == 1
        assert nodes["Sett og hørt"].depth == 1
        assert nodes["Forutsigbarhet"].codings == 2 and nodes["Forutsigbarhet"].documents == 1
        mine = {n.name: n for n in codetree.code_nodes(s, [g["hanne"]])}
        assert mine["Respekt"].total_codings == 1 and mine["Forutsigbarhet"].codings == 1


def test_restore_undoes_a_merge_and_a_delete(project):
    g = small_project(project)
    before = state(project)
    with project.write() as s:
        scope = codetree.subtree_guids(s, g["respekt"]) | {g["forut"]}
        cp = codetree.checkpoint(s, scope)
        # what a merge of Respekt into Forutsigbarhet does: codings move, the code goes
        src = s.scalar(select(Code).where(Code.guid == g["respekt"]))
        dst = s.scalar(select(Code).where(Code.guid == g["forut"]))
        for c in s.scalars(select(Coding).where(Coding.code_id == src.id)):
            c.code_id = dst.id
        s.flush()
        s.delete(src)
    after = state(project)
    assert after != before and len(after[0]) == 2  # Respekt and its child are gone
    with project.write() as s:
        redo = codetree.checkpoint(s, scope)
        codetree.restore(s, cp)
    assert state(project) == before
    with project.write() as s:
        codetree.restore(s, redo)
    assert state(project) == after


def test_restore_removes_a_created_code(project):
    small_project(project)
    before = state(project)
    with project.write() as s:
        cp = codetree.checkpoint(s, set())
        s.add(Code(name="Ny kode"))
    with project.write() as s:
        codetree.restore(s, cp)
    assert state(project) == before


def test_counts_after_coding_match_a_full_recount(project):
    """Follow random adds and removes with counts_after_coding; after each step the counts
    equal code_nodes' full recount (with and without a coder filter)."""
    import random

    from app.core import codebook as cb
    from app.core.codetree import code_nodes, counts_after_coding
    from app.models import Coder, Coding, Document

    rng = random.Random(4)
    with project.write() as s:
        top = cb.create_code(s, "Topp", codable=False)
        mid = cb.create_code(s, "Midt", top)
        leaf = cb.create_code(s, "Blad", mid)
        other = cb.create_code(s, "Annen")
        docs = [Document(name=f"d{i}", text="x" * 100, length=100, sha256=str(i))
                for i in range(3)]
        coders = [Coder(name="A"), Coder(name="B")]
        s.add_all(docs + coders)
        s.flush()
        ids = {"codes": [mid.id, leaf.id, other.id], "docs": [d.id for d in docs],
               "coders": [c.id for c in coders]}
    for filter_ids in (None, [ids["coders"][0]]):
        with project.read() as s:
            nodes = code_nodes(s, filter_ids)
        for step in range(40):
            with project.write() as s:
                existing = list(s.scalars(select(Coding)))
                if existing and rng.random() < 0.4:
                    c = rng.choice(existing)
                    sign, code_id, doc_id, coder_id = -1, c.code_id, c.document_id, c.coder_id
                    s.delete(c)
                else:
                    code_id, doc_id = rng.choice(ids["codes"]), rng.choice(ids["docs"])
                    coder_id, a = rng.choice(ids["coders"]), rng.randrange(90)
                    s.add(Coding(document_id=doc_id, code_id=code_id, coder_id=coder_id,
                                 start=a, end=a + 5 + step))
                    sign = 1
                s.flush()
            with project.read() as s:
                if filter_ids is None or coder_id in filter_ids:
                    doc_guid = s.get(Document, doc_id).guid
                    code_guid = s.get(cb.Code, code_id).guid
                    for guid, (own, d, total, total_d) in counts_after_coding(
                            s, nodes, doc_guid, code_guid, sign, filter_ids).items():
                        n = next(x for x in nodes if x.guid == guid)
                        n.codings, n.documents, n.total_codings, n.total_documents = (
                            own, d, total, total_d)
                fresh = code_nodes(s, filter_ids)
            assert [(n.name, n.codings, n.documents, n.total_codings, n.total_documents)
                    for n in nodes] == [(n.name, n.codings, n.documents, n.total_codings,
                                         n.total_documents) for n in fresh]
