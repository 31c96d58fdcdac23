"""Matrix spreadsheets: CSV and XLSX read back equal to the display, with totals, quotes as
«text» (document) lines, valence as +n / -n, formulas never executed, failures reported."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from app.core.displays.matrix import Matrix, build_matrix
from app.core.displays.tables import write_matrix_csv, write_matrix_xlsx
from app.errors import InvalidInput
from tests.core.displays import matrix_data as data


@pytest.fixture
def p(project):
    data.build(project)
    return project


def read_csv(path):
    """The table's rows, after its first line (the scope, as a comment)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0].startswith("# Scope: ")
    return rows[1:]


def test_csv_round_trip(p, tmp_path):
    with p.read() as s:
        m = build_matrix(s, "codes", "bydel", "count")
        v = build_matrix(s, "codes", "bydel", "valence")
        q = build_matrix(s, "codes", "bydel", "quotes", codes=["A/A1"])
    out = write_matrix_csv(m, tmp_path / "m.csv")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        first = next(csv.reader(fh))
    assert first == ["# Scope: Passages: overlapping codings of one code by different coders "
                     "count once; all coders."]
    rows = read_csv(out)
    assert rows[0] == ["Codes", "Stovner", "Alna", "(none)", "Total"]
    assert rows[1] == ["A", "1", "1", "0", "2"]
    assert [r[0] for r in rows[1:-1]] == m.rows
    assert [[int(x) for x in r[1:-1]] for r in rows[1:-1]] == m.cells
    # Hanne and Tor coded the same A1 passage in ind3: it counts once
    assert rows[2] == ["A/A1", "0", "2", "0", "2"]
    assert rows[-1] == ["Total", "3", "6", "0", "9"]

    rows = read_csv(write_matrix_csv(v, tmp_path / "v.csv"))
    # "+1 / -1" would be a formula (= 0) in a spreadsheet: the apostrophe keeps it text
    assert rows[2][2] == "'+1 / -1" and rows[1][1] == "'+0 / -1" and rows[-1][-1] == "'+4 / -3"

    rows = read_csv(write_matrix_csv(q, tmp_path / "q.csv"))
    assert rows[1][2] == ("«Hun så på meg. Hun hadde tid.» (fg1; Tor)\n"
                          "«Det var godt.» (ind3; Hanne, Tor)")
    assert rows[1][-1] == "2" and rows[-1] == ["Total", "0", "3", "0", "3"]
    assert not list(tmp_path.glob(".sitat-*"))  # no temporary files left behind


def test_xlsx_round_trip(p, tmp_path):
    with p.read() as s:
        m = build_matrix(s, "codes", "bydel", "count")
        share = build_matrix(s, "bydel", "tjeneste", "share")
        q = build_matrix(s, "codes", "bydel", "quotes", codes=["A/A1"])
    write_matrix_xlsx(m, tmp_path / "m.xlsx", "Koder etter bydel")
    ws = load_workbook(tmp_path / "m.xlsx").active
    assert ws.title == "Koder etter bydel" and ws["A1"].value == "Koder etter bydel"
    assert ws["A2"].value.startswith("Scope: Passages: overlapping codings")
    values = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    assert values[0] == ["Codes", "Stovner", "Alna", "(none)", "Total"]
    assert [r[1:-1] for r in values[1:-1]] == m.cells
    assert [r[-1] for r in values[1:-1]] == m.row_totals
    assert values[-1] == ["Total", 3, 6, 0, 9]
    assert ws.freeze_panes == "B4"
    assert ws["B3"].font.b and ws["A10"].font.b and ws["E4"].font.b and not ws["B4"].font.b
    assert ws.column_dimensions["A"].width >= len("A/A1/A1x")

    write_matrix_xlsx(share, tmp_path / "s.xlsx", "Andel: bydel / tjeneste?")
    ws = load_workbook(tmp_path / "s.xlsx").active
    assert ws.title == "Andel  bydel   tjeneste"  # characters a sheet name cannot have
    assert ws["C5"].value == 0.5 and ws["C5"].number_format == "0%"

    write_matrix_xlsx(q, tmp_path / "q.xlsx", "Sitater")
    ws = load_workbook(tmp_path / "q.xlsx").active
    assert ws["C4"].value.split("\n") == ["«Hun så på meg. Hun hadde tid.» (fg1; Tor)",
                                          "«Det var godt.» (ind3; Hanne, Tor)"]
    assert ws["C4"].alignment.wrap_text and ws["E4"].value == 2


def test_xlsx_text_is_never_a_formula(tmp_path):
    m = Matrix(["=SUM(A1:A3)"], ["+x"], "count", [[1]], [1], [1], 1, row_axis="documents")
    write_matrix_xlsx(m, tmp_path / "f.xlsx", "=1+1")
    ws = load_workbook(tmp_path / "f.xlsx").active
    assert ws["A1"].value == "=1+1" and ws["A1"].data_type == "s"
    assert ws["A3"].value == "=SUM(A1:A3)" and ws["A3"].data_type == "s"


def test_write_errors_are_reported(p, tmp_path):
    with p.read() as s:
        m = build_matrix(s, "codes", "bydel")
    with pytest.raises(InvalidInput, match="does not exist"):
        write_matrix_csv(m, tmp_path / "missing" / "m.csv")
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(InvalidInput, match="Cannot write dir.xlsx"):
        write_matrix_xlsx(m, tmp_path / "dir.xlsx", "x")
    old = tmp_path / "m.csv"
    old.write_text("old")
    write_matrix_csv(m, old)  # an existing file is replaced in one step
    assert read_csv(old)[-1][-1] == "9"
    assert not list(tmp_path.glob(".sitat-*"))
