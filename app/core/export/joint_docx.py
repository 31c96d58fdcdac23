"""A joint display (survey themes beside interview codes, app.core.survey.joint) as a landscape
Word table and as an Excel workbook.

Word: a row per theme with the codes it is shown beside; a column per attribute value and
everyone; each cell the survey's mean or % agree with its n (or "too few") over the passages
of the codes in the interviews / in the survey's comments; then the quotes of each theme with
their source lines. Excel: the same figures as numbers, one column per figure, text cells
guarded against formulas (app.core.files.formula_like) like every workbook Sitat writes.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core.export import docx_base as base
from app.core.export.matrix_docx import shorten
from app.core.export.sources import quote_source
from app.core.survey.joint import JointCell, JointDisplay, figure, shown
from app.i18n import _

HEADER_FILL, TOTAL_FILL, SUPPRESSED_FILL = "DCE6F1", "F2F2F2", "EDEDED"
QUOTE_CHARS = 300
NBSP_N = "\u00a0(n\u00a0"  # "3,4 (n 48)" never breaks inside


def _leaf(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def measure_label(measure: str) -> str:
    return _("mean (1-4)") if measure == "mean" else _("% agree")


def cell_lines(c: JointCell, measure: str) -> list[str]:
    """What a cell says: the survey figure with n, then passages in interviews / comments."""
    first = shown(c.survey, measure)
    if c.survey is not None and not c.survey.suppressed and figure(c.survey, measure) is not None:
        first = _("{value} (n {n})").format(value=first, n=c.survey.n).replace(" (n ", NBSP_N)
    return [first, f"{base.number(c.interviews)} / {base.number(c.comments)}"]


def legend(d: JointDisplay) -> str:
    return _("Each cell: the survey's {measure} with the number of respondents (n); under it "
             "the passages coded with the theme's codes in the interviews / in the survey's "
             "comments. Groups of fewer than {min} respondents are shown as \"too few\" (and "
             "so, when only one group of a row would be, is the next smallest), so no one "
             "can be recognised.").format(measure=measure_label(d.measure), min=d.min_group)


def write_joint_docx(d: JointDisplay, out: str | os.PathLike, title: str | None = None) -> Path:
    """Write the joint display `d` to `out` (landscape Word)."""
    from docx.shared import Pt

    doc = base.new_document()
    section = doc.sections[0]
    base.set_landscape(section)
    base.add_heading(doc, title or _("Joint display: {survey} by {by}").format(
        survey=d.survey, by=d.by), level=0)
    if d.scope.get("description"):
        base.add_scope(doc, d.scope["description"])
    doc.add_paragraph(_("Exported {date}.").format(date=base.long_date()))
    doc.add_paragraph(legend(d))
    if not d.mapping_saved:
        doc.add_paragraph(_("The themes are shown beside the codes suggested from their names "
                            "(change with: sitat survey map)."))
    headers = [_("Theme")] + list(d.columns) + [_("Total")]
    rows = []
    for r in d.rows:
        codes = ", ".join(_leaf(p) for p in r.codes) or _("(no code)")
        rows.append([[r.theme, "↔ " + codes]] + [cell_lines(c, d.measure) for c in r.cells]
                    + [cell_lines(r.total, d.measure)])
    size = 9.0 if len(d.columns) <= 6 else 8.0
    table = base.add_fitted_table(doc, headers, rows, size=size)
    for cell in table.rows[0].cells:
        base.shade_cell(cell, HEADER_FILL)
    for i, r in enumerate(d.rows, start=1):
        cells = table.rows[i].cells
        for k, c in enumerate(r.cells + [r.total], start=1):
            if c.survey is not None and c.survey.suppressed:
                base.shade_cell(cells[k], SUPPRESSED_FILL)
            elif k == len(r.cells) + 1:
                base.shade_cell(cells[k], TOTAL_FILL)
        for p in cells[0].paragraphs[1:]:
            for run in p.runs:
                run.italic = True
                run.font.size = Pt(size - 1)
    quoted = [r for r in d.rows if r.quotes]
    if quoted:
        base.add_heading(doc, _("Quotes from the interviews"), level=1)
        for r in quoted:
            base.add_heading(doc, f"{r.theme} ↔ {', '.join(_leaf(p) for p in r.codes)}",
                             level=2)
            for q in r.quotes:
                doc.add_paragraph(base.xml_safe("«" + shorten(q["text"], QUOTE_CHARS) + "»"))
                base.add_note(doc, quote_source(q).line())
    return base.save_docx(doc, out)


def joint_rows(d: JointDisplay) -> list[list]:
    """The display as spreadsheet rows: a header, then a row per theme; figures as numbers
    (means to 2 decimals, per cents whole), "too few" as text."""
    head = [_("Theme"), _("Codes")]
    for col in list(d.columns) + [_("Total")]:
        head += [f"{col}: {measure_label(d.measure)}", f"{col}: n",
                 f"{col}: " + _("interviews"), f"{col}: " + _("comments")]
    out = [head]
    for r in d.rows:
        line: list = [r.theme, ", ".join(r.codes)]
        for c in r.cells + [r.total]:
            fig = c.survey
            if fig is not None and fig.suppressed:
                line += [_("too few"), None]
            else:
                value = figure(fig, d.measure)
                line += [None if value is None else round(float(value), 2 if d.measure ==
                                                                "mean" else 0),
                         fig.n if fig is not None else None]
            line += [c.interviews, c.comments]
        out.append(line)
    return out


def write_joint_xlsx(d: JointDisplay, out: str | os.PathLike, title: str | None = None) -> Path:
    """Write the joint display `d` to an Excel workbook: the title, the scope and legend, the
    table (header and theme column frozen) and, on a second sheet, the quotes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from app.core.displays.tables import _text, sheet_name
    from app.core.files import formula_like, save_atomic

    def put(ws, row: int, col: int, value, bold: bool = False):
        cell = ws.cell(row=row, column=col)
        if isinstance(value, str):
            cell.value = _text(value)
            cell.data_type = "s"
            cell.quotePrefix = formula_like(cell.value)
        else:
            cell.value = value
        if bold:
            cell.font = Font(bold=True)
        return cell

    title = title or _("Joint display: {survey} by {by}").format(survey=d.survey, by=d.by)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(title)
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    put(ws, 2, 1, d.scope.get("description") or "").font = Font(italic=True)
    put(ws, 3, 1, legend(d)).font = Font(italic=True)
    top = 4
    for i, values in enumerate(joint_rows(d), start=1):
        for j, value in enumerate(values, start=1):
            put(ws, top + i, j, value, bold=i == 1 or j == 1)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 40
    ws.freeze_panes = f"C{top + 2}"
    quotes = wb.create_sheet(sheet_name(_("Quotes")))
    for j, head in enumerate((_("Theme"), _("Quote"), _("Source")), start=1):
        put(quotes, 1, j, head, bold=True)
    row = 2
    for r in d.rows:
        for q in r.quotes:
            put(quotes, row, 1, r.theme)
            put(quotes, row, 2, q["text"]).alignment = Alignment(wrap_text=True,
                                                                   vertical="top")
            put(quotes, row, 3, quote_source(q).line())
            row += 1
    quotes.column_dimensions["A"].width = 28
    quotes.column_dimensions["B"].width = 80
    quotes.column_dimensions["C"].width = 40
    return save_atomic(out, lambda tmp: wb.save(str(tmp)))
