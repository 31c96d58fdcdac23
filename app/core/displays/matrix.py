"""Matrix displays (Miles & Huberman): codings counted, quoted or weighed in a grid of codes,
documents, attribute values or coders, with row and column totals.

Counts come from one SQL GROUP BY over the codings (columns only, no ORM objects); quotes are
cut out by SQL `substr` (code points) and co-occurrence is found by one sweep per document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.displays.axes import Codes, Scope, make_axis, make_scope
from app.errors import InvalidInput
from app.i18n import _
from app.models import Coding, Document

CELL_KINDS = ("count", "documents", "share", "quotes", "valence")
_COLUMNS = {"code": Coding.code_id, "doc": Coding.document_id, "coder": Coding.coder_id,
            "valence": Coding.valence}


@dataclass
class Matrix:
    """A computed display. Cells are ints (count, documents), fractions 0..1 (share), lists of
    quote dicts (quotes) or {"positive", "negative", "unset"} dicts (valence)."""

    rows: list[str]
    cols: list[str]
    cell: str
    cells: list[list[Any]]
    row_totals: list[Any]
    col_totals: list[Any]
    total: Any
    filters: dict = field(default_factory=dict)
    row_axis: str = "codes"
    col_axis: str = ""

    def as_json(self) -> dict:
        return {"rows": list(self.rows), "cols": list(self.cols), "cell": self.cell,
                "cells": [list(r) for r in self.cells], "row_totals": list(self.row_totals),
                "col_totals": list(self.col_totals), "total": self.total,
                "filters": dict(self.filters)}


def _restrict(q, scope: Scope):
    if scope.doc_ids is not None:
        q = q.where(Coding.document_id.in_(sorted(scope.doc_ids)))
    if scope.coder_ids is not None:
        q = q.where(Coding.coder_id.in_(sorted(scope.coder_ids)))
    if scope.code_ids is not None:
        q = q.where(Coding.code_id.in_(sorted(scope.code_ids)))
    return q


# -- facts: (code, document, coder, valence, n, quote, column keys or None) -------------------
def _grouped(s: Session, scope: Scope, needs: set[str]):
    """One GROUP BY over the codings on just the columns the axes and cell kind need."""
    names = [n for n in ("code", "doc", "coder", "valence") if n in needs]
    chosen = [_COLUMNS[n] for n in names]
    for row in s.execute(_restrict(select(*chosen, func.count()).group_by(*chosen), scope)):
        got = dict(zip(names, row))
        yield (got.get("code"), got.get("doc"), got.get("coder"), got.get("valence"), row[-1],
               None, None)


def _single(s: Session, scope: Scope, quotes: bool):
    """Every coding in document and text order (documents by name when quoting), with its
    quote when asked."""
    cols = [Coding.id, Coding.code_id, Coding.document_id, Coding.coder_id, Coding.valence,
            Coding.start, Coding.end]
    q = select(*cols).order_by(Coding.document_id, Coding.start, Coding.end, Coding.id)
    if quotes:
        q = (select(*cols, Document.name,
                    func.substr(Document.text, Coding.start + 1, Coding.end - Coding.start))
             .join(Document, Document.id == Coding.document_id)
             .order_by(Document.name, Coding.start, Coding.end, Coding.id))
    return list(s.execute(_restrict(q, scope)))


def _quote(r, scope: Scope) -> dict:
    return {"document": r[7], "start": r[5], "end": r[6], "text": r[8],
            "coder": scope.coders.get(r[3], ""), "valence": r[4]}


def _cooccurring(s: Session, scope: Scope, quotes: bool, codes: Codes):
    """Each coding with the (rolled-up) codes of the other codings that overlap it."""
    recs = _single(s, scope, quotes)
    n = len(recs)
    docs, starts, ends = [r[2] for r in recs], [r[5] for r in recs], [r[6] for r in recs]
    keys = [codes.map.get(r[1]) for r in recs]
    found: list[set] = [set() for _r in recs]
    for i in range(n):
        kx, end, doc = keys[i], ends[i], docs[i]
        if kx is None:
            continue
        j = i + 1
        # Sorted by start within a document: later codings overlap this one while they start
        # before it ends (half-open ranges, so touching ones do not).
        while j < n and starts[j] < end and docs[j] == doc:
            ky = keys[j]
            if ky is not None:
                found[i].add(ky)
                found[j].add(kx)
            j += 1
    for x, keys_x in zip(recs, found):
        if keys_x:
            yield (x[1], x[2], x[3], x[4], 1, _quote(x, scope) if quotes else None, keys_x)


# -- the display -----------------------------------------------------------------------------
def build_matrix(s: Session, rows: str = "codes", cols: str = "bydel", cell: str = "count", *,
                 coders: list[str] | None = None, where: dict[str, str] | None = None,
                 codes: list[str] | None = None, round: str | None = None,
                 level: int | None = None, roll_up: bool = True) -> Matrix:
    """A matrix of `rows` x `cols` ("codes", "documents", "coders" or an attribute name); with
    rows and columns both "codes", a cell counts the row code's codings that overlap a coding
    of the column code in the same document. `level` (1 = top) rolls deeper codes up into
    their ancestor at that level when `roll_up`."""
    if cell not in CELL_KINDS:
        raise InvalidInput(_("Unknown cell kind {kind}; use one of: {kinds}.").format(
            kind=cell, kinds=", ".join(CELL_KINDS)))
    if level is not None and (isinstance(level, bool) or not isinstance(level, int)
                              or level < 1):
        raise InvalidInput(_("The level must be a whole number of 1 or more."))
    scope = make_scope(s, coders, where, codes, round)
    if level is not None:
        scope.filters.update({"level": level, "roll_up": bool(roll_up)})
    row_axis = make_axis(s, rows, scope, level, roll_up)
    col_axis = make_axis(s, cols, scope, level, roll_up)
    if isinstance(row_axis, Codes) and isinstance(col_axis, Codes):
        facts = _cooccurring(s, scope, cell == "quotes", row_axis)
    elif cell == "quotes":
        facts = ((r[1], r[2], r[3], r[4], 1, _quote(r, scope), None)
                 for r in _single(s, scope, True))
    else:
        needs = {row_axis.need, col_axis.need}
        if cell in ("documents", "share"):
            needs.add("doc")
        if cell == "valence":
            needs.add("valence")
        facts = _grouped(s, scope, needs)
    acc = _accumulate(facts, row_axis, col_axis, cell)
    row_keys = row_axis.keys({rk for rk, _ck in acc}, True)
    col_keys = col_axis.keys({ck for _rk, ck in acc}, False)
    m = _assemble(acc, row_keys, col_keys, row_axis, col_axis, cell, len(scope.docs))
    m.rows = [row_axis.label(k) for k in row_keys]
    m.cols = [col_axis.label(k) for k in col_keys]
    m.filters, m.row_axis, m.col_axis = scope.filters, rows.strip(), cols.strip()
    return m


def _accumulate(facts, row_axis, col_axis, cell: str) -> dict:
    acc: dict[tuple, Any] = {}
    for code_id, doc_id, coder_id, valence, n, quote, col_keys in facts:
        rk = row_axis.key(code_id, doc_id, coder_id)
        if rk is None:
            continue
        for ck in col_keys if col_keys is not None else (col_axis.key(code_id, doc_id, coder_id),):
            if ck is None:
                continue
            k = (rk, ck)
            if cell == "count":
                acc[k] = acc.get(k, 0) + n
            elif cell in ("documents", "share"):
                acc.setdefault(k, set()).add(doc_id)
            elif cell == "quotes":
                acc.setdefault(k, []).append(quote)
            else:
                v = acc.setdefault(k, [0, 0, 0])
                v[0 if valence == 1 else 1 if valence == -1 else 2] += n
    return acc


def _valence(v) -> dict:
    return {"positive": v[0], "negative": v[1], "unset": v[2]}


def _assemble(acc: dict, row_keys: list, col_keys: list, row_axis, col_axis, cell: str,
              n_docs: int) -> Matrix:
    if cell in ("documents", "share"):
        sets = [[acc.get((r, c), set()) for c in col_keys] for r in row_keys]
        row_sets = [set().union(*line) for line in sets]
        col_sets = [set().union(*(line[j] for line in sets)) for j in range(len(col_keys))]
        all_docs = set().union(*row_sets)
        if cell == "documents":
            return Matrix([], [], cell, [[len(x) for x in line] for line in sets],
                          [len(x) for x in row_sets], [len(x) for x in col_sets], len(all_docs))

        def size(axis, key) -> int:
            group = axis.group(key)
            return n_docs if group is None else len(group)

        def frac(n: int, d: int) -> float:
            return n / d if d else 0.0

        col_n = [size(col_axis, c) for c in col_keys]
        return Matrix([], [], cell,
                      [[frac(len(x), col_n[j]) for j, x in enumerate(line)] for line in sets],
                      [frac(len(x), size(row_axis, r)) for x, r in zip(row_sets, row_keys)],
                      [frac(len(x), col_n[j]) for j, x in enumerate(col_sets)],
                      frac(len(all_docs), n_docs))
    if cell == "count":
        grid = [[acc.get((r, c), 0) for c in col_keys] for r in row_keys]
        weights = grid
    elif cell == "quotes":
        grid = [[acc.get((r, c), []) for c in col_keys] for r in row_keys]
        weights = [[len(x) for x in line] for line in grid]
    else:
        raw = [[acc.get((r, c), [0, 0, 0]) for c in col_keys] for r in row_keys]
        grid = [[_valence(v) for v in line] for line in raw]
        rows = [[sum(v[i] for v in line) for i in range(3)] for line in raw]
        cols = [[sum(line[j][i] for line in raw) for i in range(3)]
                for j in range(len(col_keys))]
        total = [sum(v[i] for v in rows) for i in range(3)]
        return Matrix([], [], cell, grid, [_valence(v) for v in rows],
                      [_valence(v) for v in cols], _valence(total))
    row_totals = [sum(line) for line in weights]
    col_totals = [sum(line[j] for line in weights) for j in range(len(col_keys))]
    return Matrix([], [], cell, grid, row_totals, col_totals, sum(row_totals))
