"""The codebook as the code tree shows it (colours, counts of codings and documents, optionally
per coder) and exact checkpoints of the codebook so that every tree edit - create, rename, move,
merge, delete - can be undone and redone with the same guids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.core.workbench import CodingSnapshot as CodingRow
from app.models import Code, Coding, Document


@dataclass
class CodeNode:
    guid: str
    name: str
    parent_guid: str | None
    colour: str
    description: str
    codable: bool
    depth: int
    codings: int = 0  # own codings
    documents: int = 0  # documents with an own coding
    total_codings: int = 0  # including child codes
    total_documents: int = 0


def code_nodes(s: Session, coder_ids: Iterable[int] | None = None) -> list[CodeNode]:
    """All codes depth-first in tree order, with counts (only `coder_ids`' codings if given)."""
    q = select(Coding.code_id, Coding.document_id, func.count()).group_by(
        Coding.code_id, Coding.document_id)
    coder_ids = list(coder_ids) if coder_ids is not None else None
    if coder_ids is not None:
        q = q.where(Coding.coder_id.in_(coder_ids))
    docs: dict[int, dict[int, int]] = {}
    for code_id, doc_id, n in s.execute(q):
        docs.setdefault(code_id, {})[doc_id] = n
    return nodes_with_counts(s, docs)


def nodes_with_counts(s: Session, docs: dict[int, dict[int, int]]) -> list[CodeNode]:
    """All codes depth-first in tree order, counted from `docs` (code id -> {document id:
    number of codings or passages}); totals include the child codes."""
    rows = list(s.execute(select(Code.id, Code.guid, Code.name, Code.parent_id, Code.color,
                                 Code.description, Code.codable, Code.sort_order)))
    children: dict[int | None, list] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    for kids in children.values():
        kids.sort(key=lambda r: (r.sort_order, r.id))
    guid_of = {r.id: r.guid for r in rows}
    out: list[CodeNode] = []

    def walk(parent: int | None, depth: int) -> tuple[int, set[int]]:
        total, all_docs = 0, set()
        for r in children.get(parent, []):
            own = docs.get(r.id, {})
            node = CodeNode(r.guid, r.name, guid_of.get(r.parent_id), r.color or "#888888",
                            r.description or "", bool(r.codable), depth,
                            sum(own.values()), sum(1 for n in own.values() if n))
            out.append(node)
            sub_total, sub_docs = walk(r.id, depth + 1)
            node.total_codings = node.codings + sub_total
            node.total_documents = len(sub_docs | {d for d, n in own.items() if n})
            total += node.total_codings
            all_docs |= sub_docs | {d for d, n in own.items() if n}
        return total, all_docs

    walk(None, 0)
    return out


def subtree_guids(s: Session, guid: str) -> set[str]:
    rows = list(s.execute(select(Code.id, Code.guid, Code.parent_id)))
    kids: dict[int | None, list] = {}
    by_guid = {}
    for r in rows:
        kids.setdefault(r.parent_id, []).append(r)
        by_guid[r.guid] = r
    root = by_guid.get(guid)
    if root is None:
        return set()
    out, stack = set(), [root]
    while stack:
        r = stack.pop()
        out.add(r.guid)
        stack.extend(kids.get(r.id, []))
    return out


# -- checkpoints -----------------------------------------------------------------------------
_CODE_FIELDS = ("name", "color", "description", "inclusion", "exclusion", "example", "memo",
                "sort_order", "codable")


@dataclass(frozen=True)
class CodeRow:
    guid: str
    parent_guid: str | None
    values: tuple  # _CODE_FIELDS in order


@dataclass(frozen=True)
class Checkpoint:
    """The whole code tree plus every coding of the codes in `scope`, at one moment."""

    codes: tuple[CodeRow, ...]
    scope: frozenset[str]
    codings: tuple[CodingRow, ...]


def checkpoint(s: Session, scope: Iterable[str]) -> Checkpoint:
    s.flush()
    scope = frozenset(scope)
    codes = list(s.scalars(select(Code)))
    guid_of = {c.id: c.guid for c in codes}
    rows = tuple(CodeRow(c.guid, guid_of.get(c.parent_id),
                         tuple(getattr(c, f) for f in _CODE_FIELDS)) for c in codes)
    ids = [c.id for c in codes if c.guid in scope]
    codings: tuple[CodingRow, ...] = ()
    if ids:
        codings = tuple(CodingRow(*r) for r in s.execute(
            select(Coding.guid, Document.guid, Code.guid, Coding.coder_id, Coding.start,
                   Coding.end, Coding.memo, Coding.valence, Coding.created_at,
                   Coding.round_id, Coding.codebook_version_id)
            .join(Document, Document.id == Coding.document_id)
            .join(Code, Code.id == Coding.code_id)
            .where(Coding.code_id.in_(ids))))
    return Checkpoint(rows, scope, codings)


def restore(s: Session, cp: Checkpoint, extra_scope: Iterable[str] = ()) -> None:
    """Make the code tree and the scoped codings exactly as in `cp` (caller's transaction).

    Codes missing now are re-created with their guids, codes not in `cp` are deleted (with
    their codings), and codings of scoped codes are put back or removed to match.
    """
    s.flush()
    current = {c.guid: c for c in s.scalars(select(Code))}
    wanted = {r.guid: r for r in cp.codes}
    ids: dict[str, int] = {g: c.id for g, c in current.items()}
    for row in _parents_first(cp.codes):
        code = current.get(row.guid)
        if code is None:
            code = Code(guid=row.guid)
            s.add(code)
        for field, value in zip(_CODE_FIELDS, row.values):
            setattr(code, field, value)
        code.parent_id = ids[row.parent_guid] if row.parent_guid else None
        s.flush()
        ids[row.guid] = code.id
    extra = [g for g in current if g not in wanted]
    if extra:
        s.execute(delete(Code).where(Code.guid.in_(extra)))
    scope = set(cp.scope) | set(extra_scope)
    scope_ids = [ids[g] for g in scope if g in ids and g in wanted]
    keep = {c.guid for c in cp.codings}
    if scope_ids:
        stale = [g for g in s.scalars(select(Coding.guid).where(Coding.code_id.in_(scope_ids)))
                 if g not in keep]
        if stale:
            s.execute(delete(Coding).where(Coding.guid.in_(stale)))
    s.expire_all()
    docs = {g: i for g, i in s.execute(select(Document.guid, Document.id))} if cp.codings else {}
    existing = {c.guid: c for c in s.scalars(
        select(Coding).where(Coding.guid.in_(list(keep))))} if keep else {}
    for row in cp.codings:
        if row.document_guid not in docs:
            continue  # the document itself is gone; nothing to put back
        values = dict(document_id=docs[row.document_guid], code_id=ids[row.code_guid],
                      coder_id=row.coder_id, start=row.start, end=row.end, memo=row.memo,
                      valence=row.valence, round_id=row.round_id,
                      codebook_version_id=row.codebook_version_id)
        coding = existing.get(row.guid)
        if coding is None:
            coding = Coding(guid=row.guid, created_at=row.created_at, **values)
            s.add(coding)
        else:
            for k, v in values.items():
                setattr(coding, k, v)
    s.flush()


def _parents_first(rows: tuple[CodeRow, ...]) -> list[CodeRow]:
    by_parent: dict[str | None, list[CodeRow]] = {}
    for r in rows:
        by_parent.setdefault(r.parent_guid, []).append(r)
    out: list[CodeRow] = []
    stack = list(reversed(by_parent.get(None, [])))
    while stack:
        r = stack.pop()
        out.append(r)
        stack.extend(reversed(by_parent.get(r.guid, [])))
    return out
