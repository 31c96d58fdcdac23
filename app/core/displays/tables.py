"""A matrix display as a spreadsheet: CSV (UTF-8 with BOM) or an Excel workbook, saved atomically.

Both say which analysis scope the display shows: the CSV in a first comment line ("# Scope:
..."), the workbook in a note under its title. Counts and document numbers stay numbers,
shares are fractions (shown as per cent in Excel), quote cells are one `«text» (document;
coders)` line per quote and valence cells read `+n / -n`.
Text cells that a spreadsheet could run as a formula (`=`, `+`, `-`, `@`, tab, CR first) get a
leading apostrophe in CSV and Excel's own "quote prefix" in a workbook (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

from app.core.displays.matrix import Matrix
from app.core.files import formula_like, save_atomic, spreadsheet_safe, xml_safe
from app.i18n import _, n_

EXCEL_CELL_MAX = 32_767  # characters Excel holds in one cell
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def axis_title(axis: str) -> str:
    """The top-left header: what the rows are."""
    return {"codes": _("Codes"), "documents": _("Documents"),
            "coders": _("Coders")}.get(axis, axis)


def quote_lines(quotes: list[dict]) -> str:
    """One line per quote: «text» (document; coders)."""
    def source(q: dict) -> str:
        coders = ", ".join(q.get("coders") or ())
        return "; ".join(x for x in (q.get("document", ""), coders) if x)

    return "\n".join(f"«{q.get('text', '')}» ({source(q)})" for q in quotes)


def valence_text(v: dict) -> str:
    text = f"+{int(v.get('positive') or 0)} / -{int(v.get('negative') or 0)}"
    if v.get("mixed"):
        mixed = int(v["mixed"])
        text += " " + n_("({n} mixed)", "({n} mixed)", mixed).format(n=mixed)
    return text


def scope_note(scope: dict | None, per_coder: bool = False) -> str:
    """'Scope: ...' for a table's note line, or '' for a display without a scope; with
    `per_coder` (a coders axis), how a passage of several coders is counted."""
    description = (scope or {}).get("description") or ""
    if not description:
        return ""
    note = _("Scope: {description}").format(description=description)
    if per_coder:
        note += " " + _("A passage coded by several coders counts once in each of their "
                        "columns; the totals count it once.")
    return note


def comment_row(scope: dict | None, per_coder: bool = False) -> list[list[str]]:
    """The first line of a CSV table: '# Scope: ...' (none without a scope)."""
    note = scope_note(scope, per_coder)
    return [["# " + note]] if note else []


def cell_value(kind: str, value, total: bool = False):
    """A cell as a spreadsheet holds it: numbers as numbers, quotes and valence as text."""
    if kind == "quotes":
        if isinstance(value, list):
            return len(value) if total else quote_lines(value)
        return value
    if kind == "valence" and isinstance(value, dict):
        return valence_text(value)
    if kind == "share" and isinstance(value, float):
        return round(value, 4)
    return value


def table_rows(matrix: Matrix) -> list[list]:
    """Header, one line per row with its total, and the column totals with the grand total."""
    kind = matrix.cell
    out = [[axis_title(matrix.row_axis)] + list(matrix.cols) + [_("Total")]]
    for label, line, total in zip(matrix.rows, matrix.cells, matrix.row_totals):
        out.append([label] + [cell_value(kind, v) for v in line]
                   + [cell_value(kind, total, True)])
    out.append([_("Total")] + [cell_value(kind, v, True) for v in matrix.col_totals]
               + [cell_value(kind, matrix.total, True)])
    return out


def write_matrix_csv(matrix: Matrix, path: str | os.PathLike) -> Path:
    """The matrix as CSV (UTF-8 with a byte-order mark so Excel reads æøå), totals included."""
    rows = comment_row(matrix.scope, matrix.per_coder) + table_rows(matrix)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([spreadsheet_safe(v) for v in row] for row in rows)

    return save_atomic(path, write)


def sheet_name(title: str) -> str:
    name = _SHEET_BAD.sub(" ", xml_safe(title or "")).strip().strip("'")[:31].strip()
    return name or _("Matrix")


def write_matrix_xlsx(matrix: Matrix, path: str | os.PathLike, title: str) -> Path:
    """The matrix as an Excel workbook: the title on top with the scope under it, a bold
    header row and totals, the header and row labels frozen, columns sized to their content;
    text is never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    kind = matrix.cell
    rows = table_rows(matrix)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(title)
    head = ws.cell(row=1, column=1, value=_text(title or _("Matrix")))
    head.font = Font(bold=True, size=14)
    head.data_type = "s"
    head.quotePrefix = formula_like(head.value)
    note = scope_note(matrix.scope, matrix.per_coder)
    top = 1  # rows above the table: the title, and the scope note
    if note:
        cell = ws.cell(row=2, column=1, value=_text(note))
        cell.font, cell.data_type = Font(italic=True), "s"
        cell.quotePrefix = formula_like(cell.value)
        top = 2
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    last_row, last_col = len(rows), len(rows[0])
    widths = [0] * last_col
    for i, values in enumerate(rows, start=1):
        for j, value in enumerate(values, start=1):
            cell = ws.cell(row=i + top, column=j)
            if isinstance(value, str):
                cell.value = _text(value)
                cell.data_type = "s"  # a quote starting with '=' stays text,
                cell.quotePrefix = formula_like(cell.value)  # also when edited in Excel
            else:
                cell.value = value
            if i in (1, last_row) or j == last_col:  # header, column totals, row totals
                cell.font = bold
            if kind == "share" and isinstance(value, float):
                cell.number_format = "0%"
            if kind == "quotes" and i != 1 and isinstance(value, str):
                cell.alignment = wrap
            longest = max((len(x) for x in str(value if value is not None else "").split("\n")),
                          default=0)
            widths[j - 1] = max(widths[j - 1], longest)
    for j, width in enumerate(widths, start=1):
        cap = 60 if kind == "quotes" and 1 < j < last_col else 50
        ws.column_dimensions[get_column_letter(j)].width = max(8, min(cap, width + 2))
    ws.freeze_panes = f"B{top + 2}"
    return save_atomic(path, lambda tmp: wb.save(str(tmp)))


def _text(value: str) -> str:
    text = xml_safe(value)
    return text if len(text) <= EXCEL_CELL_MAX else text[:EXCEL_CELL_MAX - 1] + "…"
