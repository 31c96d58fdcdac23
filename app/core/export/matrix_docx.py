"""A matrix display (rows x columns of counts, shares, quotes or valence) as a landscape Word table.

The input is the matrix engine's JSON: `{"rows", "cols", "cell", "cells", "row_totals",
"col_totals", "total", "scope"}`. The scope's description is printed under the title, and the
legend says what a cell counts in it. Count, document and share cells are shaded by value
(light to darker blue, black text stays readable); totals are bold on grey. A quote cell shows
at most three different passages, each with its source line (document, speaker, coders,
round, codebook version, paragraph and offsets).
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core.export import docx_base as base
from app.core.export import layout
from app.core.export.quotes import display_path
from app.core.export.sources import quote_source
from app.i18n import _, counts, n_
from app.i18n.numbers import percent as _percent

KINDS = ("count", "documents", "share", "quotes", "valence")
HEAT_LIGHT, HEAT_DARK = "#EAF1FA", "#5B9BD5"  # black text on the dark end: contrast > 7:1
HEADER_FILL, TOTAL_FILL = "DCE6F1", "F2F2F2"
MAX_QUOTES, QUOTE_CHARS = 3, 90
NBSP, MINUS = "\u00a0", "\u2212"


def label(item) -> str:
    """A row or column label: a string, or a dict with label/name/path/value."""
    if isinstance(item, dict):
        for key in ("label", "name", "path", "value"):
            if item.get(key) not in (None, ""):
                return str(item[key])
        return ""
    return "" if item is None else str(item)


def percent(fraction) -> str:
    """0.43 -> '43 %' (whole per cent, in the output language)."""
    return _percent(fraction, 0)


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """Whitespace normalised, cut at a word boundary with '…' when longer than `limit`."""
    text = base.normalise_space(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.;:") + "…"


def valence_text(v: dict) -> tuple[str, str]:
    """{'positive': 3, 'negative': 1, 'unset': 2} -> ('+3 / −1', '2 not set'); passages whose
    coders set different valences are named too ('1 mixed')."""
    pos, neg, unset, mixed = (int(v.get(k) or 0) for k in ("positive", "negative", "unset",
                                                             "mixed"))
    if not (pos or neg or unset or mixed):
        return "", ""
    notes = ([n_("{n} not set", "{n} not set", unset).format(n=unset)] if unset else []) + (
        [n_("{n} mixed", "{n} mixed", mixed).format(n=mixed)] if mixed else [])
    return f"+{pos} / {MINUS}{neg}", ", ".join(notes)


def distinct_quotes(quotes: list) -> list:
    """The quotes of a cell with each passage once (the same document and span coded by two
    coders, in the every-coding scope, takes one slot, with both coders)."""
    out: list = []
    seen: dict[tuple, dict] = {}
    for q in quotes:
        if not isinstance(q, dict):
            out.append(q)
            continue
        key = (q.get("document"), q.get("start"), q.get("end"))
        first = seen.get(key)
        if first is None:
            seen[key] = dict(q)
            out.append(seen[key])
            continue
        for name in ("coders", "rounds", "codebook_versions"):
            merged = list(first.get(name) or [])
            merged += [x for x in q.get(name) or [] if x not in merged]
            first[name] = merged
    return out


def heat_value(kind: str, value) -> float | None:
    if kind in ("count", "documents", "share") and isinstance(value, (int, float)) \
            and not isinstance(value, bool):
        return float(value)
    return None


def _check(m: dict) -> str:
    kind = m.get("cell", "count")
    if kind not in KINDS:
        raise ValueError(f"unknown matrix cell kind {kind!r}")
    rows, cols, cells = m.get("rows") or [], m.get("cols") or [], m.get("cells") or []
    if len(cells) != len(rows) or any(len(r) != len(cols) for r in cells):
        raise ValueError("matrix cells do not match its rows and columns")
    return kind


def write_matrix_docx(matrix_json: dict, out: str | os.PathLike, title: str,
                      filters_text: str = "") -> Path:
    """Write a matrix display to `out`: title, a line with `filters_text` and the date, a
    legend, and the table with row and column totals, its columns sized to their content.

    A matrix too wide for a landscape page is turned (rows become columns) when that fits,
    otherwise split into parts of as many columns as fit, each repeating the row labels;
    the row totals close the last part."""
    kind = _check(matrix_json)
    rows, cols = matrix_json.get("rows") or [], matrix_json.get("cols") or []
    cells = matrix_json.get("cells") or []
    row_totals = matrix_json.get("row_totals")
    col_totals = matrix_json.get("col_totals")

    d = base.new_document()
    section = d.sections[0]
    base.set_landscape(section)
    base.add_heading(d, title or _("Matrix"), level=0)
    scope = matrix_json.get("scope") or {}
    if scope.get("description"):
        base.add_scope(d, scope["description"])
    when = base.long_date()
    d.add_paragraph(base.xml_safe(
        _("Filters: {filters}. Exported {date}.").format(filters=filters_text.strip().rstrip("."),
                                                         date=when)
        if filters_text.strip() else _("Exported {date}.").format(date=when)))
    d.add_paragraph(legend(kind, scope.get("kind", "segments"),
                           bool(matrix_json.get("per_coder"))))
    left_out = matrix_json.get("codes_left_out") or 0
    if left_out:
        d.add_paragraph(_("{codes} with nothing in this display are left out, to keep it "
                          "readable.").format(codes=counts.codes(left_out)))
    if not rows or not cols:
        d.add_paragraph(_("The matrix is empty."))
        return base.save_docx(d, out)

    grid = Grid(kind, [display_path(label(r)) for r in rows],
                [display_path(label(c)) for c in cols], cells,
                row_totals if row_totals and len(row_totals) == len(rows) else None,
                col_totals if col_totals and len(col_totals) == len(cols) else None,
                matrix_json.get("total"))
    total_cm = base.text_width_cm(section)
    parts = grid.parts(total_cm)
    if parts is None:
        turned = grid.transposed()
        turned_parts = turned.parts(total_cm)
        if turned_parts is not None and len(turned_parts) == 1:
            grid, parts = turned, turned_parts
            d.add_paragraph(_("Rows and columns are swapped to fit the page."))
        else:
            parts = grid.split(total_cm)
    values = [heat_value(kind, v) for r in cells for v in r]
    top = max((v for v in values if v is not None), default=0.0)
    page_cm = base.text_height_cm(section)
    for n, (columns, fitted, with_totals) in enumerate(parts, start=1):
        if len(parts) > 1:
            base.add_heading(d, _("Part {n} of {parts}: {first} – {last}").format(
                n=n, parts=len(parts), first=grid.cols[columns[0]],
                last=grid.cols[columns[-1]]), level=2)
        _write_part(d, grid, columns, fitted, with_totals, top, page_cm)
    return base.save_docx(d, out)


QUOTE_COLUMN_CM = 3.8  # the least width a column of quotes is readable in (8-10 pt)
FIRST_CAP_CM = 4.5  # row labels wrap beyond this (at spaces, never inside a word)


class Grid:
    """The matrix as text and values, ready to be laid out: row and column labels, cells and
    totals (None where the engine gave none)."""

    def __init__(self, kind, rows, cols, cells, row_totals, col_totals, total):
        self.kind, self.rows, self.cols, self.cells = kind, rows, cols, cells
        self.row_totals, self.col_totals, self.total = row_totals, col_totals, total
        self.size = 10.0 if len(cols) <= 6 else 9.0 if len(cols) <= 10 else 8.0

    def transposed(self) -> "Grid":
        cells = [list(col) for col in zip(*self.cells)] if self.cells else []
        return Grid(self.kind, self.cols, self.rows, cells, self.col_totals, self.row_totals,
                    self.total)

    def _texts(self, values) -> list[str]:
        return [cell_text(self.kind, v) for v in values]

    def columns(self, chosen: list[int], with_totals: bool) -> list[layout.Column]:
        first = layout.Column("", self.rows + [_("Total")], self.size, cap=FIRST_CAP_CM)
        quotes = self.kind == "quotes"
        out = [first]
        for j in chosen:
            texts = self._texts([r[j] for r in self.cells])
            if self.col_totals:
                texts.append(cell_text(self.kind, self.col_totals[j], total=True))
            out.append(layout.Column(self.cols[j], texts, self.size, flex=quotes,
                                     minimum=QUOTE_COLUMN_CM if quotes else 0.0, cap=3.0))
        if with_totals and self.row_totals:
            out.append(layout.Column(_("Total"), self._texts(self.row_totals) + [
                cell_text(self.kind, self.total, total=True)], self.size, cap=2.5))
        return out

    def parts(self, total_cm: float):
        """[(columns, layout, with row totals)] for the whole matrix in one table, or None."""
        every = list(range(len(self.cols)))
        fitted = layout.fit_columns(self.columns(every, True), total_cm)
        return None if fitted is None else [(every, fitted, True)]

    def split(self, total_cm: float):
        """The columns in parts, each as many as fit beside the row labels; the row totals
        close the last part (which then may hold one column fewer)."""
        out, start, n = [], 0, len(self.cols)
        while start < n:
            take = 1
            while start + take < n and layout.fit_columns(
                    self.columns(list(range(start, start + take + 1)), False), total_cm):
                take += 1
            chosen = list(range(start, start + take))
            last = start + take == n
            fitted = layout.fit_columns(self.columns(chosen, last), total_cm)
            if fitted is None and last and take > 1:  # the totals need the room of one
                take -= 1
                chosen, last = chosen[:-1], False
                fitted = layout.fit_columns(self.columns(chosen, False), total_cm)
            if fitted is None:  # one column alone is too wide: take the whole width
                fitted = layout.Layout([total_cm * 0.3, total_cm * 0.7], [False, False])
                chosen, last = chosen[:1], False
                take = 1
            out.append((chosen, fitted, last and bool(self.row_totals)))
            start += take
        if self.row_totals and not out[-1][2]:  # the totals alone, beside the row labels
            fitted = layout.fit_columns(self.columns([], True), total_cm)
            out.append(([], fitted, True))
        return out


def cell_text(kind: str, value, total: bool = False) -> str:
    """What a cell says, as plain text (for sizing; quote cells: every quote and source)."""
    if value is None:
        return ""
    if isinstance(value, list):
        if kind != "quotes" or total:
            return base.number(len(value))
        return "\n".join("«" + shorten(q.get("text", "") if isinstance(q, dict) else str(q))
                         + "»" for q in distinct_quotes(value)[:MAX_QUOTES])
    if isinstance(value, dict):
        return "\n".join(valence_text(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return percent(value) if kind == "share" else base.number(value)
    return str(value)


def _write_part(d, grid: Grid, columns: list[int], fitted, with_totals: bool, top: float,
                page_cm: float) -> None:
    kind, size = grid.kind, grid.size
    headers = [""] + [grid.cols[j] for j in columns] + (
        [_("Total")] if with_totals else [])
    widths = fitted.emu
    table = base.add_table(d, headers, widths, style="Table Grid", size=size)
    for cell in table.rows[0].cells:
        base.shade_cell(cell, HEADER_FILL)
    turned = [i for i, t in enumerate(fitted.turned) if t]
    if turned:
        layout.turn_header_cells(table, turned, size)
    for i, row in enumerate(grid.rows):
        out_cells = table.add_row().cells
        _fill(out_cells[0], row, size)
        for k, j in enumerate(columns, start=1):
            value = grid.cells[i][j]
            _put(out_cells[k], kind, value, size)
            heat = heat_value(kind, value)
            if heat and top > 0:
                base.shade_cell(out_cells[k], base.mix(HEAT_LIGHT, HEAT_DARK, heat / top))
        if with_totals:
            _put(out_cells[-1], kind, grid.row_totals[i], size, total=True)
    if grid.col_totals:
        out_cells = table.add_row().cells
        _fill(out_cells[0], _("Total"), size, bold=True)
        base.shade_cell(out_cells[0], TOTAL_FILL)
        for k, j in enumerate(columns, start=1):
            _put(out_cells[k], kind, grid.col_totals[j], size, total=True)
        if with_totals:
            _put(out_cells[-1], kind, grid.total, size, total=True)
    layout.set_widths(table, widths)
    layout.keep_rows_whole(table, page_cm, fitted.widths, size)


LEGENDS = {
    "count": lambda: _("Cells: number of passages, darker for more."),
    "documents": lambda: _("Cells: number of documents with coded passages, darker for more."),
    "share": lambda: _("Cells: share in per cent, darker for more."),
    "quotes": lambda: _("Cells: quotes, shortened; at most {n} per cell, each with its "
                        "source.").format(n=MAX_QUOTES),
    "valence": lambda: _("Cells: positive / critical passages (+ / −)."),
}


def legend(kind: str, scope_kind: str = "segments", per_coder: bool = False) -> str:
    """What a cell holds, in the display's scope."""
    if kind == "count" and scope_kind == "codings":
        text = _("Cells: number of codings (a passage coded by several coders counts once per "
                 "coder), darker for more.")
    elif kind == "valence" and scope_kind == "codings":
        text = _("Cells: positive / critical codings (+ / −).")
    else:
        text = LEGENDS[kind]()
    if per_coder:
        text += " " + _("A passage coded by several coders counts once in each of their "
                        "columns; the totals count it once.")
    return text


def _fill(cell, text: str, size: float, bold: bool = False, align=None):
    from docx.shared import Pt

    p = cell.paragraphs[0]
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(2)
    run = p.add_run(base.xml_safe(text))
    run.font.size = Pt(size)
    run.bold = bold
    return p


def _put(cell, kind: str, value, size: float, total: bool = False) -> None:
    """One cell's content in the form its kind asks for; totals bold on grey."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    if total:
        base.shade_cell(cell, TOTAL_FILL)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    if value is None:
        return
    if isinstance(value, list):  # quotes
        if kind != "quotes" or total:
            _fill(cell, base.number(len(value)), size, total, centre)
            return
        shown = distinct_quotes(value)
        p = cell.paragraphs[0]
        for k, q in enumerate(shown[:MAX_QUOTES]):
            if k:
                p = cell.add_paragraph()
            text = q.get("text", "") if isinstance(q, dict) else str(q)
            p.add_run(base.xml_safe("«" + shorten(text) + "»")).font.size = Pt(size)
            if isinstance(q, dict) and q.get("document"):
                r = cell.add_paragraph().add_run(base.xml_safe(quote_source(q).line()))
                r.font.size = Pt(size - 1.5)
                r.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        if len(shown) > MAX_QUOTES:
            r = cell.add_paragraph().add_run(
                _("and {n} more").format(n=len(shown) - MAX_QUOTES))
            r.font.size, r.italic = Pt(size - 1), True
        return
    if isinstance(value, dict):  # valence
        main, note = valence_text(value)
        if main:
            _fill(cell, main, size, total, centre)
        if note:
            r = cell.add_paragraph().add_run(note)
            cell.paragraphs[-1].alignment = centre
            r.font.size = Pt(size - 1)
            r.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        _fill(cell, percent(value) if kind == "share" else base.number(value), size, total, centre)
        return
    _fill(cell, str(value), size, total)
