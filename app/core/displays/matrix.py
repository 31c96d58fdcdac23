"""Matrix displays (Miles & Huberman): codings counted, quoted or weighed in a grid of codes,
documents, attribute values or coders, with row and column totals.

Counts come from one SQL GROUP BY over the codings (columns only, no ORM objects); quotes are
cut out by SQL `substr` (code points). Co-occurrence comes from one SQL self-join of the
codings (same document, the other coding starting inside this one, through the index on
document and start), so only overlapping pairs are ever read.

A display lays out at most MAX_CELLS cells. A codes axis lists every codable code in the scope
while the display fits; beyond that it lists only the codes that have something in the
display (the number left out is in `Matrix.codes_left_out`), and if it still does not fit the
display is refused with a message that says how to narrow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from app.core.displays.axes import Codes, Scope, make_axis, make_scope
from app.errors import InvalidInput
from app.i18n import _
from app.models import Coding, Document

CELL_KINDS = ("count", "documents", "share", "quotes", "valence")
MAX_CELLS = 1_000_000  # rows x columns a display may lay out (1,000 codes by 1,000 codes)
_NO_DOCUMENTS: frozenset = frozenset()
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
    codes_left_out: int = 0  # codes with nothing in a display too large to list them all

    def as_json(self) -> dict:
        out = {"rows": list(self.rows), "cols": list(self.cols), "cell": self.cell,
               "cells": [list(r) for r in self.cells], "row_totals": list(self.row_totals),
               "col_totals": list(self.col_totals), "total": self.total,
               "filters": dict(self.filters)}
        if self.codes_left_out:
            out["codes_left_out"] = self.codes_left_out
        return out


def _restrict(q, scope: Scope, coding=Coding):
    if scope.doc_ids is not None:
        q = q.where(coding.document_id.in_(sorted(scope.doc_ids)))
    if scope.coder_ids is not None:
        q = q.where(coding.coder_id.in_(sorted(scope.coder_ids)))
    if scope.code_ids is not None:
        q = q.where(coding.code_id.in_(sorted(scope.code_ids)))
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
    """Each coding that overlaps another, with the (rolled-up) codes of those others.

    One self-join finds every overlapping pair once or twice: y starts at or after x's start
    and before x's end (half-open ranges, so touching codings do not overlap), which the index
    on (document, start) answers as a range scan."""
    x, y = aliased(Coding), aliased(Coding)
    cols = (x.id, x.code_id, x.document_id, x.coder_id, x.valence,
            y.id, y.code_id, y.document_id, y.coder_id, y.valence)
    q = select(*cols).join(y, and_(y.document_id == x.document_id, y.start >= x.start,
                                   y.start < x.end, y.id != x.id))
    q = _restrict(_restrict(q, scope, x), scope, y)
    found: dict[int, set] = {}
    info: dict[int, tuple] = {}
    for row in s.execute(q):
        kx, ky = codes.map.get(row[1]), codes.map.get(row[6])
        if kx is None or ky is None:
            continue
        found.setdefault(row[0], set()).add(ky)
        found.setdefault(row[5], set()).add(kx)
        info[row[0]], info[row[5]] = row[1:5], row[6:10]
    if quotes:
        for r in _single(s, scope, True):
            if r[0] in found:
                yield (r[1], r[2], r[3], r[4], 1, _quote(r, scope), found[r[0]])
        return
    for coding_id, keys in found.items():
        code_id, doc_id, coder_id, valence = info[coding_id]
        yield (code_id, doc_id, coder_id, valence, 1, None, keys)


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
    both_codes = isinstance(row_axis, Codes) and (cols or "").strip() == "codes"
    col_axis = row_axis if both_codes else make_axis(s, cols, scope, level, roll_up)
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
    row_keys, col_keys, left_out = _layout(acc, row_axis, col_axis)
    m = _assemble(acc, row_keys, col_keys, row_axis, col_axis, cell, len(scope.docs))
    m.rows = [row_axis.label(k) for k in row_keys]
    m.cols = [col_axis.label(k) for k in col_keys]
    m.filters, m.row_axis, m.col_axis = scope.filters, rows.strip(), cols.strip()
    m.codes_left_out = left_out
    return m


def _layout(acc: dict, row_axis, col_axis) -> tuple[list, list, int]:
    """Row and column keys in display order, and how many codes without anything were left
    out to keep the display within MAX_CELLS (InvalidInput when even that is too large)."""
    present_rows, present_cols = {rk for rk, _ck in acc}, {ck for _rk, ck in acc}
    row_keys = row_axis.keys(present_rows, True)
    col_keys = col_axis.keys(present_cols, False)
    left_out = 0
    if len(row_keys) * len(col_keys) > MAX_CELLS:
        dropped: set = set()
        if isinstance(row_axis, Codes):
            dropped |= set(row_keys) - present_rows
            row_keys = [k for k in row_keys if k in present_rows]
        if isinstance(col_axis, Codes):
            dropped |= set(col_keys) - present_cols
            col_keys = [k for k in col_keys if k in present_cols]
        left_out = len(dropped)
    cells = len(row_keys) * len(col_keys)
    if cells > MAX_CELLS:
        raise InvalidInput(_("This display would have {n} cells; the limit is {limit}. Choose "
                             "fewer codes (--code) or a higher code level (--level 1), or "
                             "filter the documents (--where).").format(
                                 n=f"{cells:,}".replace(",", " "),
                                 limit=f"{MAX_CELLS:,}".replace(",", " ")))
    return row_keys, col_keys, left_out


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
        sets = [[acc.get((r, c), _NO_DOCUMENTS) for c in col_keys] for r in row_keys]
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
