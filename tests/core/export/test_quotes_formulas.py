"""Quote spreadsheets never hand a formula to the program that opens them (OWASP CSV
injection): a quote, document, coder, code or attribute value starting with = + - @ tab or
CR gets an apostrophe in CSV and Excel's quote prefix in XLSX; valence stays +1 / -1."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from app.core import attributes as attrs
from app.core import codebook as cb
from app.core.export.quotes import write_quotes_csv, write_quotes_xlsx
from app.models import Coder, Coding, Document

TEXT = "=HYPERLINK(\"http://x.example\",\"klikk\") sa hun.\n- Ja, det var bra.\n"


@pytest.fixture
def hostile(project):
    with project.write() as s:
        attrs.define_attribute(s, "tjeneste", "text")
        code = cb.create_code(s, "+Respekt")
        doc = Document(name="-2+3+cmd|' /C calc'!A0", text=TEXT, length=len(TEXT), sha256="x")
        coder = Coder(name="@Hanne")
        s.add_all([doc, coder])
        s.flush()
        attrs.set_values(s, doc, {"tjeneste": "=DPS()"})
        end = TEXT.index(" sa hun")
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=0, end=end,
                     valence=-1))
        start = TEXT.index("- Ja")
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start,
                     end=start + len("- Ja, det var bra."), valence=1))
    return project


def test_quotes_csv_cells_are_never_formulas(hostile, tmp_path):
    with hostile.read() as s:
        out = write_quotes_csv(s, tmp_path / "q.csv", group_by="tjeneste")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0].startswith("# Scope: ")  # a comment line: no formula
    rows = rows[1:]
    assert rows[0] == ["Code", "tjeneste", "Quote", "Document", "Speaker", "Coder", "Valence",
                       "Guid", "Start", "End", "Round", "Codebook version"]
    first, second = rows[1], rows[2]
    assert first[:4] == ["'+Respekt", "'=DPS()", "'" + TEXT[:TEXT.index(" sa hun")],
                         "'-2+3+cmd|' /C calc'!A0"]
    assert first[5:7] == ["'@Hanne", "-1"]  # the valence is a number, not text
    assert first[8:10] == ["0", str(TEXT.index(" sa hun"))]  # offsets are plain numbers
    assert second[2] == "'- Ja, det var bra." and second[6] == "+1"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "@", "\t", "\r")) for cell in row)


def test_quotes_xlsx_keeps_the_text_and_marks_it_as_text(hostile, tmp_path):
    with hostile.read() as s:
        out = write_quotes_xlsx(s, tmp_path / "q.xlsx", group_by="tjeneste")
    ws = load_workbook(out).active
    row = list(ws.iter_rows(min_row=3, max_row=3))[0]  # under the scope note and the header
    values = [c.value for c in row]
    assert values[:4] == ["+Respekt", "=DPS()", TEXT[:TEXT.index(" sa hun")],
                          "-2+3+cmd|' /C calc'!A0"]
    assert all(c.data_type == "s" for c in row if c.value is not None)
    assert [c.quotePrefix for c in row] == [True, True, True, True, False, True] + [False] * 6
