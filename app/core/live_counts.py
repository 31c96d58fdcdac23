"""The counts the window shows (per code, with child codes, and per document) in one analysis
scope - every coding, or passages united across the coders in view - counted once from the
project and then kept up to date coding by coding, so that a coding or its undo costs one
small query at most instead of a recount of 200,000 codings.

The counts rest on one number per document and code (a "cell"): that code's codings, or its
passages, in that document. A coding added or removed changes one cell: by one in the
`codings` scope; in the `segments` scope (passages) by whatever re-uniting that one cell's
codings gives (a coding overlapping a passage of another coder adds nothing, one bridging two
passages takes one away), so only that cell is counted again. The code's own counts, its
ancestors' totals and the document's count follow from the change of the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.codetree import CodeNode, nodes_with_counts
from app.core.scope import CODINGS, SEGMENTS, ResolvedScope, passage_counts
from app.models import Code, Document

COUNT_KINDS = (CODINGS, SEGMENTS)  # what the window can count
CodeCounts = tuple[int, int, int, int]  # own, documents, total (with child codes), total documents


@dataclass
class CountChanges:
    """What one coding changed: code guid -> (own, documents, total, total documents) of the
    code and its ancestors, and document guid -> its new count."""

    codes: dict[str, CodeCounts] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.codes or self.documents)


class LiveCounts:
    """Counts of every code and document in one scope: `kind` (CODINGS or SEGMENTS) over the
    codings of `coder_ids` (None: every coder)."""

    def __init__(self, s: Session, kind: str = CODINGS,
                 coder_ids: Iterable[int] | None = None) -> None:
        if kind not in COUNT_KINDS:
            raise ValueError(kind)
        self.kind = kind
        self.coder_ids = frozenset(coder_ids) if coder_ids is not None else None
        self._scope = ResolvedScope(kind, self.coder_ids, ())
        self.cells: dict[tuple[int, int], int] = passage_counts(s, self._scope)
        per_code: dict[int, dict[int, int]] = {}
        self._doc_totals: dict[int, int] = {}
        for (doc_id, code_id), n in self.cells.items():
            per_code.setdefault(code_id, {})[doc_id] = n
            self._doc_totals[doc_id] = self._doc_totals.get(doc_id, 0) + n
        self._nodes = nodes_with_counts(s, per_code)
        self._code_id: dict[str, int] = {}
        self._parent: dict[int, int | None] = {}
        for code_id, guid, parent_id in s.execute(select(Code.id, Code.guid, Code.parent_id)):
            self._code_id[guid] = code_id
            self._parent[code_id] = parent_id
        self._guid = {i: g for g, i in self._code_id.items()}
        self._doc_id = dict(s.execute(select(Document.guid, Document.id)).all())
        self._counts: dict[int, list[int]] = {
            self._code_id[n.guid]: [n.codings, n.documents, n.total_codings, n.total_documents]
            for n in self._nodes}
        self._subtree: dict[int, list[int]] = {}

    @property
    def key(self) -> tuple[str, frozenset[int] | None]:
        return self.kind, self.coder_ids

    # -- reading ---------------------------------------------------------------------------
    def nodes(self) -> list[CodeNode]:
        """The code tree in tree order with the counts as they are now."""
        for n in self._nodes:
            n.codings, n.documents, n.total_codings, n.total_documents = \
                self._counts[self._code_id[n.guid]]
        return list(self._nodes)

    def code_counts(self, code_guid: str) -> CodeCounts:
        return tuple(self._counts[self._code_id[code_guid]])  # type: ignore[return-value]

    def document_counts(self) -> dict[str, int]:
        """document guid -> its count (codings or passages of every code) in this scope."""
        return {g: self._doc_totals.get(i, 0) for g, i in self._doc_id.items()}

    # -- following one coding -----------------------------------------------------------------
    def follow(self, s: Session, document_guid: str, code_guid: str, coder_id: int,
               sign: int) -> CountChanges:
        """The counts after one coding of `code_guid` by `coder_id` in the document was added
        (sign +1) or removed (-1) and the project already holds the change. Nothing changes
        for a coder outside the scope; an unknown code or document (made since these counts
        were taken) is left to the next full count."""
        if self.coder_ids is not None and coder_id not in self.coder_ids:
            return CountChanges()
        code_id, doc_id = self._code_id.get(code_guid), self._doc_id.get(document_guid)
        if code_id is None or doc_id is None:
            return CountChanges()
        old = self.cells.get((doc_id, code_id), 0)
        if self.kind == CODINGS:
            new = max(0, old + sign)
        else:  # the passages of this one code in this one document, united again
            new = passage_counts(s, self._scope, code_ids={code_id},
                                 doc_ids={doc_id}).get((doc_id, code_id), 0)
        return self._change_cell(doc_id, code_id, old, new, document_guid)

    def _change_cell(self, doc_id: int, code_id: int, old: int, new: int,
                     document_guid: str) -> CountChanges:
        delta = new - old
        if delta == 0:
            return CountChanges()
        if new:
            self.cells[(doc_id, code_id)] = new
        else:
            self.cells.pop((doc_id, code_id), None)
        out = CountChanges()
        own = self._counts[code_id]
        own[0] += delta
        own[1] += (new > 0) - (old > 0)
        node: int | None = code_id
        while node is not None:
            counts = self._counts[node]
            counts[2] += delta
            in_doc = sum(self.cells.get((doc_id, c), 0) for c in self._subtree_of(node))
            counts[3] += (in_doc > 0) - (in_doc - delta > 0)
            out.codes[self._guid[node]] = tuple(counts)  # type: ignore[assignment]
            node = self._parent.get(node)
        self._doc_totals[doc_id] = self._doc_totals.get(doc_id, 0) + delta
        out.documents[document_guid] = self._doc_totals[doc_id]
        return out

    def _subtree_of(self, code_id: int) -> list[int]:
        found = self._subtree.get(code_id)
        if found is None:
            kids: dict[int | None, list[int]] = {}
            for c, parent in self._parent.items():
                kids.setdefault(parent, []).append(c)
            found, stack = [], [code_id]
            while stack:
                c = stack.pop()
                found.append(c)
                stack.extend(kids.get(c, ()))
            self._subtree[code_id] = found
        return found

    def as_tuple(self) -> tuple[dict[str, CodeCounts], dict[str, int]]:
        """Every code's and document's counts (for comparing with a fresh count)."""
        return ({self._guid[i]: tuple(c) for i, c in self._counts.items()},  # type: ignore
                self.document_counts())
