"""Text that goes into Word, Excel and CSV cells: without the control characters XML cannot
hold, and never read as a formula by a spreadsheet program (OWASP "CSV injection")."""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold (lxml and openpyxl refuse them); transcripts rarely have any.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the control characters a Word or Excel file cannot contain."""
    return _NOT_XML.sub("", text or "")


# -- cells of spreadsheets (CSV, XLSX) ----------------------------------------------------------
# OWASP "CSV injection": a cell that starts with one of these is run as a formula by Excel,
# LibreOffice and Google Sheets. Leading white space is skipped first, since some programs
# trim it on import.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet program could read text cell `text` as a formula. A plain signed
    number ("-1", "+0.25") is not: it cannot call anything and stays a number."""
    if not isinstance(text, str) or not text:
        return False
    if text.startswith(FORMULA_START):
        return not _PLAIN_NUMBER.fullmatch(text)
    rest = text.lstrip()
    return rest != text and rest.startswith(FORMULA_START)


def spreadsheet_safe(value):
    """A CSV cell as OWASP recommends: a text cell that could be read as a formula gets a
    leading apostrophe ("'=SUM(A1)"), so it is shown as text; numbers and other cells are
    returned unchanged (the csv module quotes separators and doubles quote marks)."""
    return "'" + value if formula_like(value) else value
