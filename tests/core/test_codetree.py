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
