"""Read a survey export (.xlsx or .csv) into its headings and rows: one row per respondent,
the first row holds the headings. Nothing is written anywhere.

.xlsx: the archive passes the zip-bomb and XML-declaration guards of the transcript importers
before openpyxl (read-only, cached values only) sees it, and the sheet's declared size is
ignored, so a file cannot make Sitat build millions of empty cells. .csv: UTF-8 with or
without BOM, UTF-16 or a Western 8-bit encoding (cp1252), detected as for transcripts; the
separator (';', ',' or tab) is the one that occurs most often outside quotes in the heading
row, or the one named by Excel's `sep=` line.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from app.errors import ImportFailed, InvalidInput
from app.i18n import _

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ROWS = 500_000
MAX_COLUMNS = 2_000
_SEP_LINE = re.compile(r"sep=(.)[ \t]*\r?\n", re.IGNORECASE)


@dataclass
class Table:
    """The headings (trimmed text; "" for an empty heading) and the data rows as
    (file row number, cells); the heading row is row 1. Cells are None, str, int or float;
    rows whose cells are all empty are left out."""

    name: str
    headings: list[str]
    rows: list[tuple[int, list]]


def read_table(path: str | Path) -> Table:
    """The table of an .xlsx or .csv file; ImportFailed naming the file for anything that
    cannot be read."""
    path = Path(path)
    ext = path.suffix.lower()
    try:
        if ext in (".xlsx", ".xlsm"):
            raw_rows = _xlsx_rows(path)
        elif ext in (".csv", ".txt", ".tsv"):
            raw_rows = _csv_rows(path)
        elif ext == ".xls":
            raise ImportFailed(_("This is the old Excel format (.xls). Open it in Excel or "
                                 "LibreOffice, save it as .xlsx and import that file."))
        else:
            raise ImportFailed(_("Survey files must be Excel (.xlsx) or CSV (.csv) files."))
        return _table(path.name, raw_rows)
    except (ImportFailed, InvalidInput) as exc:
        raise ImportFailed(_('Could not read the survey file "{name}": {reason}').format(
            name=path.name, reason=exc)) from None
    except MemoryError:
        raise ImportFailed(_('Could not read the survey file "{name}": it is too large.')
                           .format(name=path.name)) from None


def _table(name: str, raw_rows) -> Table:
    headings: list[str] | None = None
    rows: list[tuple[int, list]] = []
    for number, cells in enumerate(raw_rows, start=1):
        if number > MAX_ROWS:
            raise ImportFailed(_("The file has more than {n} rows.").format(n=MAX_ROWS))
        if len(cells) > MAX_COLUMNS:
            raise ImportFailed(_("Row {row} has more than {n} columns.").format(
                row=number, n=MAX_COLUMNS))
        cells = [_cell(c) for c in cells]
        if headings is None:
            if not any(c is not None for c in cells):
                raise ImportFailed(_("The first row must hold the column headings, but it is "
                                     "empty."))
            headings = ["" if c is None else " ".join(str(c).split()) for c in cells]
            while headings and not headings[-1]:
                headings.pop()
            continue
        if any(c is not None for c in cells):
            rows.append((number, cells))
    if headings is None:
        raise ImportFailed(_("The file is empty."))
    return Table(name, headings, rows)


def _cell(value):
    """A cell as None (empty), str, int or float."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


# -- xlsx ---------------------------------------------------------------------------------------
def _xlsx_rows(path: Path):
    from app.core.importing.ziputil import WORKBOOK, check_xml_parts, corrupt, open_archive

    not_zip = _("The file is not an Excel workbook (.xlsx), although its name says so. If it "
                "is a CSV file, rename it to .csv.")
    with open_archive(path, not_zip, WORKBOOK) as zf:
        check_xml_parts(zf, set())  # no DOCTYPE/ENTITY in any part: no entity bombs
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (InvalidFileException, KeyError, ValueError, TypeError, IndexError, OSError,
            zipfile.BadZipFile, EOFError, SyntaxError):
        raise corrupt(WORKBOOK) from None
    try:
        sheets = wb.worksheets
        if not sheets:
            raise ImportFailed(_("The workbook has no sheet."))
        ws = sheets[0]
        ws.reset_dimensions()  # the declared size may lie; read the cells that are there
        rows = []
        for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if n > MAX_ROWS:
                raise ImportFailed(_("The file has more than {n} rows.").format(n=MAX_ROWS))
            if len(row) > MAX_COLUMNS:
                raise ImportFailed(_("Row {row} has more than {n} columns.").format(
                    row=n, n=MAX_COLUMNS))
            rows.append(row)
        return rows
    except (KeyError, ValueError, TypeError, IndexError, zipfile.BadZipFile, EOFError,
            SyntaxError):
        raise corrupt(WORKBOOK) from None
    finally:
        wb.close()


# -- csv ----------------------------------------------------------------------------------------
def _csv_rows(path: Path):
    from app.core.importing.encoding import read_table_text

    text = read_table_text(path, MAX_FILE_BYTES, _("The file {name} is too large."),
                           _("Cannot read {name}: {reason}"))
    delimiter, text = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=False)
    rows = []
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFailed(_("Line {line} cannot be read as CSV ({reason}).").format(
                line=reader.line_num or line, reason=exc)) from None
        line = reader.line_num + 1
        rows.append([c if c.strip() else None for c in row])
    return rows


def sniff_delimiter(text: str) -> tuple[str, str]:
    """(separator, text without Excel's `sep=` line): ';', ',' or tab, whichever occurs most
    often outside quotes in the first row (';' when none does: Excel in Norway)."""
    m = _SEP_LINE.match(text)
    if m is not None and m.group(1) in ";,\t|":
        return m.group(1), text[m.end():]
    counts = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for ch in text[:100_000]:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in counts:
                counts[ch] += 1
            elif ch in "\r\n":
                break
    best = max(counts, key=lambda c: (counts[c], c == ";"))
    return (best if counts[best] else ";"), text
