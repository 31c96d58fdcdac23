"""Reading survey files: the separator of a CSV is sniffed (commas inside quoted headings do not
mislead it), Excel's `sep=` line, cells with line breaks; hostile or wrong .xlsx files are
refused with a message naming the file (entity declarations, a CSV named .xlsx, old .xls), and
a sheet that declares a huge size is read by the cells it really has."""

from __future__ import annotations

import time
import zipfile

import pytest

from app.core.survey.reader import read_table, sniff_delimiter
from app.errors import ImportFailed
from tests.core.survey.import_files import HEADINGS, ROWS, write_csv, write_xlsx


def test_csv_separator_is_sniffed_outside_quotes():
    heading = ('"Jeg er med når det utarbeides planer som angår meg (kriseplaner, '
               'tiltaksplaner, individuell plan)"')
    assert sniff_delimiter(f"ID;{heading};Bydel\n1;2;3\n")[0] == ";"
    assert sniff_delimiter(f"ID,{heading},Bydel\n1,2,3\n")[0] == ","
    assert sniff_delimiter("ID\tA\tB\n")[0] == "\t"
    assert sniff_delimiter("sep=,\nA;B,C\n") == (",", "A;B,C\n")


def test_csv_rows_keep_file_row_numbers_and_skip_empty_rows(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("A;B;;\n1;\"to\nlinjer\";;\n;;;\n2;x;;\n", encoding="utf-8")
    table = read_table(path)
    assert table.headings == ["A", "B"]
    # row 2 spans two lines in the file but is one row; row 3 is empty and left out
    assert table.rows == [(2, ["1", "to\nlinjer", None, None]), (4, ["2", "x", None, None])]


def test_cp1252_and_utf8_bom_read_the_same(tmp_path):
    a = read_table(write_csv(tmp_path / "a.csv", encoding="utf-8-sig"))
    b = read_table(write_csv(tmp_path / "b.csv", encoding="cp1252", sep=","))
    assert a.headings == b.headings == HEADINGS
    assert a.rows == b.rows
    assert a.rows[0][1][2] == "Grünerløkka"


def test_xlsx_cells_keep_their_types(tmp_path):
    table = read_table(write_xlsx(tmp_path / "s.xlsx"))
    assert table.headings == HEADINGS
    assert table.rows[0] == (2, ROWS[0])


def _rewrite_sheet(path, change) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


def test_xlsx_with_entity_declarations_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "bombe.xlsx")
    _rewrite_sheet(path, lambda xml: (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        + xml))
    with pytest.raises(ImportFailed, match='"bombe.xlsx".*DOCTYPE or ENTITY'):
        read_table(path)


def test_xlsx_declaring_a_huge_sheet_is_read_by_its_real_cells(tmp_path):
    path = write_xlsx(tmp_path / "stor.xlsx")
    _rewrite_sheet(path, lambda xml: xml.replace(b'<dimension ref="A1:G5"/>',
                                                 b'<dimension ref="A1:XFD1048576"/>'))
    t0 = time.perf_counter()
    table = read_table(path)
    assert time.perf_counter() - t0 < 5
    assert len(table.rows) == 4 and table.headings == HEADINGS


def test_wrong_files_are_refused_with_a_reason(tmp_path):
    fake = tmp_path / "svar.xlsx"
    fake.write_text("ID;A\n1;2\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="not an Excel workbook.*rename it to .csv"):
        read_table(fake)
    old = tmp_path / "svar.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(ImportFailed, match="old Excel format"):
        read_table(old)
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFailed, match='"tom.csv".*empty'):
        read_table(empty)
    with pytest.raises(ImportFailed, match="does not exist"):
        read_table(tmp_path / "finnes-ikke.csv")


def test_a_broken_or_foreign_xlsx_gets_spreadsheet_advice_not_word_advice(tmp_path):
    import os

    broken = tmp_path / "svar.xlsx"
    broken.write_bytes(os.urandom(3000).replace(b"PK", b"pk"))
    with pytest.raises(ImportFailed, match="Excel or LibreOffice Calc") as err:
        read_table(broken)
    assert "Word" not in str(err.value)
    protected = tmp_path / "passord.xlsx"  # a password-protected workbook is an OLE file
    protected.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(ImportFailed, match=r"\.xls\).*Excel workbook \(\.xlsx\) or as CSV"):
        read_table(protected)
    pdf = tmp_path / "rapport.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + b"\0" * 100)
    with pytest.raises(ImportFailed, match="not a spreadsheet.*\\.xlsx or \\.csv"):
        read_table(pdf)
