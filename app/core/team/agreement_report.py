"""An inter-coder agreement report written to CSV (every figure, per code and document) or to
Word (one row per code, figures in the output language, columns sized to their content),
always through a temporary file."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from app.core.export import docx_base as base
from app.core.files import spreadsheet_safe
from app.core.team.agreement import AgreementReport
from app.core.export.quotes import display_path
from app.core.team.summaries import agreement_explained, agreement_headers, agreement_rows
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
    """The Word table's body: one row per code (its path as 'Parent / Child'), then the
    overall row (figures as text in the output language)."""
    return agreement_rows(report.as_json(), display_path)


def write_docx(report: AgreementReport, path: str | os.PathLike, title: str) -> Path:
    """A Word document: `title` as heading, what the figures compare (kappa and segments the
    first two coders, alpha all) and how segments match, and a table sized to its content with
    one row per code and a bold overall row."""
    d = base.new_document()
    base.add_heading(d, title, 0)
    for line in agreement_explained(list(report.coders), report.overlap):
        d.add_paragraph(base.xml_safe(line))
    table = base.add_fitted_table(d, agreement_headers(list(report.coders)), table_rows(report),
                                  flex=[0], right=range(1, 6))
    for cell in table.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    return base.save_docx(d, path)
