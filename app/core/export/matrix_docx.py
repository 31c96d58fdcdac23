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
from app.core.export.quotes import display_path
from app.core.export.sources import quote_source
from app.i18n import _

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
    """0.43 -> '43 %'."""
    return f"{round(float(fraction) * 100)}{NBSP}%"


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
    notes = ([_("{n} not set").format(n=unset)] if unset else []) + (
        [_("{n} mixed").format(n=mixed)] if mixed else [])
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
    legend, and the table with row and column totals."""
    from docx.shared import Cm

    kind = _check(matrix_json)
    rows, cols = matrix_json.get("rows") or [], matrix_json.get("cols") or []
    cells = matrix_json.get("cells") or []
    row_totals = matrix_json.get("row_totals")
    col_totals = matrix_json.get("col_totals")
    with_row_totals = bool(row_totals) and len(row_totals) == len(rows)
    with_col_totals = bool(col_totals) and len(col_totals) == len(cols)

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
        d.add_paragraph(_("{n} codes with nothing in this display are left out, to keep it "
                          "readable.").format(n=base.number(left_out)))
    if not rows or not cols:
        d.add_paragraph(_("The matrix is empty."))
        return base.save_docx(d, out)

    size = 10.0 if len(cols) <= 6 else 9.0 if len(cols) <= 10 else 8.0
    total_w = base.text_width(section)
    # Row labels (often code paths, shown as "Parent / Child") get room for their longest word
    longest = max((w for r in rows for w in display_path(label(r)).split()), key=len, default="")
    first = max(Cm(4.5 if kind != "quotes" else 3.5),
                min(int(total_w * 0.3), Cm(_text_cm(len(longest), size) + 0.6)))
    tot_w = Cm(2.2) if with_row_totals else 0
    col_w = int((total_w - first - tot_w) / len(cols))
    widths = [first] + [col_w] * len(cols) + ([tot_w] if with_row_totals else [])
    headers = [""] + [display_path(label(c)) for c in cols] + ([_("Total")] if with_row_totals else [])
    table = base.add_table(d, headers, widths, style="Table Grid", size=size)
    for cell in table.rows[0].cells:
        base.shade_cell(cell, HEADER_FILL)
    if not _fits(headers[1:], col_w, size):
        _rotate_header(table.rows[0], headers[1:1 + len(cols)], size)

    values = [heat_value(kind, v) for r in cells for v in r]
    top = max((v for v in values if v is not None), default=0.0)
    for i, row in enumerate(rows):
        out_cells = table.add_row().cells
        _fill(out_cells[0], display_path(label(row)), size)
        for j, value in enumerate(cells[i]):
            _put(out_cells[j + 1], kind, value, size)
            heat = heat_value(kind, value)
            if heat and top > 0:
                base.shade_cell(out_cells[j + 1], base.mix(HEAT_LIGHT, HEAT_DARK, heat / top))
        if with_row_totals:
            _put(out_cells[-1], kind, row_totals[i], size, total=True)
    if with_col_totals:
        out_cells = table.add_row().cells
        _fill(out_cells[0], _("Total"), size, bold=True)
        base.shade_cell(out_cells[0], TOTAL_FILL)
        for j, value in enumerate(col_totals):
            _put(out_cells[j + 1], kind, value, size, total=True)
        if with_row_totals:
            _put(out_cells[-1], kind, matrix_json.get("total"), size, total=True)
    return base.save_docx(d, out)


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


def _text_cm(chars: int, size: float) -> float:
    """A rough width of `chars` characters of bold text at `size` points, in cm."""
    return chars * size * 0.0353 * 0.6


def _fits(labels: list[str], width: int, size: float) -> bool:
    """Whether every word of the labels fits on a line of a column `width` (EMU) wide."""
    longest = max((len(w) for text in labels for w in text.split()), default=0)
    return _text_cm(longest, size) <= width / 360_000 - 0.4


def _rotate_header(row, headers: list[str], size: float) -> None:
    """Column labels (`headers`, from the second cell on) written bottom to top in a taller
    header row, for narrow columns."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    longest = max((len(h) for h in headers), default=0)
    row.height = Cm(min(6.0, _text_cm(longest, size) * 0.85 + 0.3))
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for cell in row.cells[1 + len(headers):]:  # the total column keeps its label level
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    for cell in row.cells[1:1 + len(headers)]:
        tc_pr = cell._tc.get_or_add_tcPr()
        direction = OxmlElement("w:textDirection")
        direction.set(qn("w:val"), "btLr")
        tc_pr.append(direction)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


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
