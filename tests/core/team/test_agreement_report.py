"""Agreement written to CSV (every figure per code and document) and Word (one row per code,
decimal commas, a bold overall row), atomically."""

from __future__ import annotations

import csv

import pytest

from app.core.team.agreement import agreement
from app.core.team.agreement_report import CSV_COLUMNS, write_csv, write_docx
from app.errors import InvalidInput
from app.i18n import set_language
from tests.core.team.agreement_fixtures import HAND, build


@pytest.fixture
def report(project):
    build(project, {"d1": 100, "d2": 50}, HAND + [("d2", "Respekt", "B", 0, 10),
                                                  ("d1", "Trygghet", "C", 0, 5)])
    with project.read() as s:
        return agreement(s, ["A", "B"], ["Respekt", "Informasjon", "Trygghet"])


def test_csv_has_rows_per_document_code_and_overall(report, tmp_path):
    out = write_csv(report, tmp_path / "enighet.csv")
    assert out == tmp_path / "enighet.csv"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == CSV_COLUMNS == ["code", "document", "percent_agreement", "kappa", "alpha",
                                      "a", "b", "c", "d", "segments_matched",
                                      "segments_unmatched"]
    assert rows[1] == ["Respekt", "d1", "0.8", "0.5833", "", "30", "10", "10", "50", "", ""]
    assert rows[2] == ["Respekt", "d2", "0.8", "0.0", "", "0", "0", "10", "40", "", ""]
    assert rows[3][:2] == ["Respekt", ""] and rows[3][5:] == ["30", "10", "20", "90", "0", "4"]
    assert rows[3][4] == str(report.as_json()["codes"][0]["alpha"])
    # Informasjon: kappa cannot be computed in d1 (pe = 1): empty cell
    assert rows[4][:4] == ["Informasjon", "d1", "1.0", ""]
    assert rows[7][:5] == ["Trygghet", "d1", "1.0", "", ""]
    assert rows[9] == ["Trygghet", "", "1.0", "", "", "0", "0", "0", "150", "0", "0"]
    assert rows[-1][:2] == ["Overall", ""]
    assert rows[-1][5:] == ["130", "10", "20", "290", "0", "7"]
    assert len(rows) == 1 + 3 * 3 + 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sitat-")]


def _table(path):
    import docx

    d = docx.Document(str(path))
    table = d.tables[0]
    return d, [[c.text for c in row.cells] for row in table.rows], table


def test_docx_table_has_one_row_per_code_and_a_bold_overall_row(report, tmp_path):
    out = write_docx(report, tmp_path / "enighet.docx", "Enighet runde 1")
    d, rows, table = _table(out)
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "Enighet runde 1"
    assert texts[1:4] == [
        "Coders: A, B",
        "Per cent agreement and κ (Cohen's kappa) compare A–B, character by character; α is "
        "Krippendorff's alpha.",
        "Matched: segments of A–B with a segment of the other coder overlapping it by at least "
        "0.9 (intersection over union); unmatched: those without."]
    assert rows[0] == ["Code", "Agreement A–B", "κ A–B", "α A–B", "Matched", "Unmatched"]
    data = report.as_json()
    pct = f"{data['codes'][0]['percent_agreement'] * 100:.1f} %"  # English figures
    assert rows[1][:3] == ["Respekt", pct, f"{data['codes'][0]['kappa']:.2f}"]
    assert rows[1][4:] == ["0", "4"]
    assert rows[2][:4] == ["Informasjon", "100.0 %", "1.00", "1.00"]
    assert rows[3] == ["Trygghet", "100.0 %", "–", "–", "0", "0"]
    assert rows[4][0] == "Overall" and rows[4][4:] == ["0", "7"]
    assert len(rows) == 5
    assert all(run.bold for cell in table.rows[-1].cells for run in cell.paragraphs[0].runs)
    assert not any(run.bold for cell in table.rows[1].cells for run in cell.paragraphs[0].runs)


def test_docx_names_the_pair_when_more_than_two_coders(project, tmp_path):
    build(project, {"d": 20}, [("d", "X", "A", 0, 5), ("d", "X", "B", 0, 5),
                               ("d", "X", "C", 0, 9)])
    with project.read() as s:
        report = agreement(s, ["C", "A", "B"], overlap=0.75)
    d, rows, _t = _table(write_docx(report, tmp_path / "tre.docx", "Tre"))
    assert [p.text for p in d.paragraphs[1:4]] == [
        "Coders: C, A, B",
        "Per cent agreement, κ (Cohen's kappa) and segments compare the first two coders "
        "(C–A); α (Krippendorff's alpha) covers all 3 coders.",
        "Matched: segments of C–A with a segment of the other coder overlapping it by at least "
        "0.75 (intersection over union); unmatched: those without."]
    assert rows[0] == ["Code", "Agreement C–A", "κ C–A", "α all", "Matched", "Unmatched"]
    assert rows[1][0] == "X" and rows[1][4:] == ["0", "2"]


def test_docx_in_norwegian(report, tmp_path):
    set_language("nb")
    try:
        out = write_docx(report, tmp_path / "enighet.docx", "Enighet")
    finally:
        set_language("en")
    _d, rows, _t = _table(out)
    assert rows[1][1].endswith(" %") and "," in rows[1][1]


def test_a_failed_write_leaves_nothing_behind(report, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(InvalidInput, match="does not exist"):
        write_csv(report, tmp_path / "missing" / "x.csv")
    target = tmp_path / "keep.docx"
    target.write_bytes(b"old")
    (tmp_path / "folder.docx").mkdir()
    with pytest.raises(InvalidInput):
        write_docx(report, tmp_path / "folder.docx", "x")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.docx", "keep.docx"]
