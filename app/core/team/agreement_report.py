"""An inter-coder agreement report written to CSV (every figure, per code and document) or to
Word (one row per code with Norwegian-style numbers), always through a temporary file."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from app.core.export import docx_base as base
from app.core.files import spreadsheet_safe
from app.core.team.agreement import AgreementReport
from app.core.team.summaries import number
from app.i18n import _

CSV_COLUMNS = ["code", "document", "percent_agreement", "kappa", "alpha", "a", "b", "c", "d",
               "segments_matched", "segments_unmatched"]


def _cell(value) -> str:
    return "" if value is None else str(value)


def csv_rows(report: AgreementReport) -> list[list[str]]:
    """Header, then per code its documents followed by the code's pooled row (document left
    empty), then the overall row. Fractions have 4 decimals and a decimal point; a figure that
    cannot be computed (kappa when pe = 1) is an empty cell. Code and document names that a
    spreadsheet could run as a formula get a leading apostrophe; figures stay numbers."""
    data = report.as_json()
    rows = [list(CSV_COLUMNS)]
    for code in data["codes"]:
        for doc in code["documents"]:
            rows.append([spreadsheet_safe(code["code"]), spreadsheet_safe(doc["document"])]
                        + [_cell(doc.get(k)) for k in CSV_COLUMNS[2:]])
        rows.append([spreadsheet_safe(code["code"]), ""]
                    + [_cell(code.get(k)) for k in CSV_COLUMNS[2:]])
    overall = data["overall"]
    rows.append([_("Overall"), ""] + [_cell(overall.get(k)) for k in CSV_COLUMNS[2:]])
    return rows


def write_csv(report: AgreementReport, path: str | os.PathLike) -> Path:
    """The report as CSV (UTF-8 with a byte-order mark so Excel reads æøå)."""
    rows = csv_rows(report)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)

    return base.save_atomic(path, write)


def table_rows(report: AgreementReport) -> list[list[str]]:
    """The Word table's body: one row per code, then the overall row (figures as text)."""
    data = report.as_json()
    rows = []
    for r in data["codes"] + [{**data["overall"], "code": _("Overall")}]:
        rows.append([r["code"], number(r["percent_agreement"], True), number(r["kappa"]),
                     number(r["alpha"]), str(r["segments_matched"]),
                     str(r["segments_unmatched"])])
    return rows


def write_docx(report: AgreementReport, path: str | os.PathLike, title: str) -> Path:
    """A Word document: `title` as heading, the coders and the overlap threshold, and a table
    with one row per code and a bold overall row."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    d = base.new_document()
    base.add_heading(d, title, 0)
    coders = report.coders
    line = _("Coders: {coders}").format(coders=", ".join(coders)) + "."
    if len(coders) > 2:
        line += " " + _("Kappa and segment matching compare {a} and {b}; alpha covers all {n} "
                        "coders.").format(a=coders[0], b=coders[1], n=len(coders))
    line += " " + _("Segments match when they overlap by at least {overlap} (intersection "
                    "over union).").format(overlap=number(report.overlap, True))
    d.add_paragraph(base.xml_safe(line))
    headers = [_("Code"), _("Agreement"), _("Kappa"), _("Alpha"), _("Matched"), _("Unmatched")]
    widths = [Cm(6.4), Cm(2.4), Cm(2.0), Cm(2.0), Cm(2.1), Cm(2.1)]
    table = base.add_table(d, headers, widths)
    base.append_rows(table, table_rows(report), widths)
    for row in table.rows[1:]:
        for cell in row.cells[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for cell in table.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    return base.save_docx(d, path)
