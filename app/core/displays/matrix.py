"""Matrix displays (Miles & Huberman): passages counted, quoted or weighed in a grid of codes,
documents, attribute values or coders, with row and column totals.

What is counted is the display's analysis scope (app.core.scope): by default passages, the
overlapping codings of a code by different coders counted once; `consensus` the consensus
coder's; `codings` every coding (a passage coded by two coders counts twice). On a coders
axis a passage counts once in the column of each coder who coded it, and the totals count it
once. Where the figures come from is in app.core.displays.facts; quotes are cut out of each
document's text, with what a source line needs (speaker, paragraph, coders, rounds, codebook
versions).

A display lays out at most MAX_CELLS cells. A codes axis lists every codable code in the scope
while the display fits; beyond that it lists only the codes that have something in the
display (the number left out is in `Matrix.codes_left_out`), and if it still does not fit the
display is refused with a message that says how to narrow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.core.displays import facts as F
from app.core.displays.axes import Codes, make_axis, make_scope
from app.core.scope import MIXED
from app.errors import InvalidInput
from app.i18n import _, n_
from app.i18n.numbers import number

CELL_KINDS = ("count", "documents", "share", "quotes", "valence")
MAX_CELLS = 1_000_000  # rows x columns a display may lay out (1,000 codes by 1,000 codes)
_NO_DOCUMENTS: frozenset = frozenset()


@dataclass
class Matrix:
    """A computed display. Cells are ints (count, documents), fractions 0..1 (share), lists of
    quote dicts (quotes) or {"positive", "negative", "unset"} dicts (valence; with "mixed"
    when some passages' coders set different valences). `scope` is the analysis scope as
    JSON ({"kind", "coders", "description"}); `per_coder` says that a passage counts once in
    each of its coders' columns (the totals count it once)."""

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
    scope: dict = field(default_factory=dict)
    per_coder: bool = False

    def as_json(self) -> dict:
        out = {"rows": list(self.rows), "cols": list(self.cols), "cell": self.cell,
               "cells": [list(r) for r in self.cells], "row_totals": list(self.row_totals),
               "col_totals": list(self.col_totals), "total": self.total,
               "filters": dict(self.filters), "scope": dict(self.scope)}
        if self.per_coder:
            out["per_coder"] = True
        if self.codes_left_out:
            out["codes_left_out"] = self.codes_left_out
        return out


# -- the display -----------------------------------------------------------------------------
def build_matrix(s: Session, rows: str = "codes", cols: str = "bydel", cell: str = "count", *,
                 coders: list[str] | None = None, where: dict[str, str] | None = None,
                 codes: list[str] | None = None, round: str | None = None,
                 level: int | None = None, roll_up: bool = True,
                 scope: str | None = None) -> Matrix:
    """A matrix of `rows` x `cols` ("codes", "documents", "coders" or an attribute name) in
    the analysis scope `scope` (segments, consensus or codings; default segments), narrowed
    to `coders` and to the codings of `round` in its documents; with rows and columns both
    "codes", a cell counts the row code's passages that overlap a passage of the column code
    in the same document. `level` (1 = top) rolls deeper codes up into their ancestor at
    that level when `roll_up` (their passages are then united as one code's)."""
    if cell not in CELL_KINDS:
        raise InvalidInput(_("Unknown cell kind {kind}; use one of: {kinds}.").format(
            kind=cell, kinds=", ".join(CELL_KINDS)))
    if level is not None and (isinstance(level, bool) or not isinstance(level, int)
                              or level < 1):
        raise InvalidInput(_("The level must be a whole number of 1 or more."))
    sc = make_scope(s, coders, where, codes, round, scope)
    if level is not None:
        sc.filters.update({"level": level, "roll_up": bool(roll_up)})
    row_axis = make_axis(s, rows, sc, level, roll_up)
    both_codes = isinstance(row_axis, Codes) and (cols or "").strip() == "codes"
    col_axis = row_axis if both_codes else make_axis(s, cols, sc, level, roll_up)
    codes_axis = next((x for x in (row_axis, col_axis) if isinstance(x, Codes)), None)
    by_coder = "coder" in (row_axis.need, col_axis.need)
    unites = sc.analysis.unites
    per_coder = unites and by_coder and cell in ("count", "quotes", "valence")
    if both_codes:
        facts = F.cooccurring(s, sc, cell == "quotes", row_axis)
    elif cell in ("documents", "share"):
        facts = F.grouped(s, sc, {row_axis.need, col_axis.need, "doc"})
    elif cell == "quotes" or (unites and (by_coder or cell == "valence")):
        facts = F.passage_facts(s, sc, codes_axis, by_coder, cell == "quotes")
    elif unites:
        facts = F.counted_passages(s, sc, codes_axis)
    else:
        needs = {row_axis.need, col_axis.need} | ({"valence"} if cell == "valence" else set())
        facts = F.grouped(s, sc, needs)
    acc = _accumulate(facts, row_axis, col_axis, cell, per_coder)
    row_keys, col_keys, left_out = _layout(acc, row_axis, col_axis)
    m = _assemble(acc, row_keys, col_keys, row_axis, col_axis, cell, len(sc.docs), per_coder)
    m.rows = [row_axis.label(k) for k in row_keys]
    m.cols = [col_axis.label(k) for k in col_keys]
    m.filters, m.row_axis, m.col_axis = sc.filters, rows.strip(), cols.strip()
    m.codes_left_out, m.scope, m.per_coder = left_out, sc.analysis.as_json(), per_coder
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
        raise InvalidInput(n_("This display would have {n} cell; the limit is {limit}.",
                              "This display would have {n} cells; the limit is {limit}. Choose "
                              "fewer codes (--code) or a higher code level (--level 1), or "
                              "filter the documents (--where).", cells).format(
                                 n=number(cells), limit=number(MAX_CELLS)))
    return row_keys, col_keys, left_out


def _slot(valence) -> int:
    return 0 if valence == 1 else 1 if valence == -1 else 3 if valence == MIXED else 2


def _accumulate(facts, row_axis, col_axis, cell: str, per_coder: bool) -> dict:
    """Cell key -> what the cell holds. With `per_coder`, a cell holds {passage: valence or
    quote} so that totals can count each passage once."""
    acc: dict[tuple, Any] = {}
    for code_id, doc_id, coder_id, valence, n, quote, col_keys, pid in facts:
        rk = row_axis.key(code_id, doc_id, coder_id)
        if rk is None:
            continue
        for ck in col_keys if col_keys is not None else (col_axis.key(code_id, doc_id, coder_id),):
            if ck is None:
                continue
            k = (rk, ck)
            if per_coder:
                acc.setdefault(k, {})[pid] = quote if cell == "quotes" else valence
            elif cell == "count":
                acc[k] = acc.get(k, 0) + n
            elif cell in ("documents", "share"):
                acc.setdefault(k, set()).add(doc_id)
            elif cell == "quotes":
                acc.setdefault(k, []).append(quote)
            else:
                v = acc.setdefault(k, [0, 0, 0, 0])
                v[_slot(valence)] += n
    return acc


def _valence(v) -> dict:
    out = {"positive": v[0], "negative": v[1], "unset": v[2]}
    if v[3]:
        out["mixed"] = v[3]
    return out


def _tally(passages: dict) -> list[int]:
    v = [0, 0, 0, 0]
    for valence in passages.values():
        v[_slot(valence)] += 1
    return v


def _per_coder(acc: dict, row_keys: list, col_keys: list, cell: str) -> Matrix:
    """Cells of passages on a coders axis: each cell its passages, totals each passage once."""
    grid = [[acc.get((r, c), {}) for c in col_keys] for r in row_keys]
    rows = [{k: v for d in line for k, v in d.items()} for line in grid]
    cols = [{k: v for line in grid for k, v in line[j].items()} for j in range(len(col_keys))]
    every = {k: v for d in rows for k, v in d.items()}
    if cell == "count":
        return Matrix([], [], cell, [[len(d) for d in line] for line in grid],
                      [len(d) for d in rows], [len(d) for d in cols], len(every))
    if cell == "quotes":
        return Matrix([], [], cell, [[list(d.values()) for d in line] for line in grid],
                      [len(d) for d in rows], [len(d) for d in cols], len(every))
    return Matrix([], [], cell, [[_valence(_tally(d)) for d in line] for line in grid],
                  [_valence(_tally(d)) for d in rows], [_valence(_tally(d)) for d in cols],
                  _valence(_tally(every)))


def _assemble(acc: dict, row_keys: list, col_keys: list, row_axis, col_axis, cell: str,
              n_docs: int, per_coder: bool = False) -> Matrix:
    if per_coder:
        return _per_coder(acc, row_keys, col_keys, cell)
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
        raw = [[acc.get((r, c), [0, 0, 0, 0]) for c in col_keys] for r in row_keys]
        grid = [[_valence(v) for v in line] for line in raw]
        rows = [[sum(v[i] for v in line) for i in range(4)] for line in raw]
        cols = [[sum(line[j][i] for line in raw) for i in range(4)]
                for j in range(len(col_keys))]
        total = [sum(v[i] for v in rows) for i in range(4)]
        return Matrix([], [], cell, grid, [_valence(v) for v in rows],
                      [_valence(v) for v in cols], _valence(total))
    row_totals = [sum(line) for line in weights]
    col_totals = [sum(line[j] for line in weights) for j in range(len(col_keys))]
    return Matrix([], [], cell, grid, row_totals, col_totals, sum(row_totals))
