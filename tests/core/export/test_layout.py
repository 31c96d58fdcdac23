"""The Word files a report writer opens: quotes get most of the width, no word breaks inside a
table cell, rows never split across pages, headings stay with what follows, a matrix too wide
for the page comes in parts, and every file gets the mode the user's umask gives."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from app.core.export import layout
from app.core.project import Project

TWIPS_PER_CM = 360_000 / 635  # 566.9 twentieths of a point in a cm


# -- reading a Word file back ----------------------------------------------------------------
def _grid_cm(table) -> list[float]:
    return [int(c.get(qn("w:w"))) / TWIPS_PER_CM
            for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def _size(paragraph, default: float) -> float:
    sizes = [r.font.size.pt for r in paragraph.runs if r.font.size is not None]
    return max(sizes) if sizes else default


def _turned(tc) -> bool:
    tc_pr = tc.tcPr
    return tc_pr is not None and tc_pr.find(qn("w:textDirection")) is not None


def too_narrow(path: Path) -> list[str]:
    """Every piece of text (a word, or a part of a hyphenated name) wider than the column its
    cell gives it: such a word would break in the middle."""
    found = []
    for t, table in enumerate(docx.Document(str(path)).tables):
        grid = _grid_cm(table)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        for r, tr in enumerate(table._tbl.findall(qn("w:tr"))):
            for c, tc in enumerate(tr.findall(qn("w:tc"))):
                width = int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) / TWIPS_PER_CM
                assert abs(width - grid[c]) < 0.01, (path.name, t, r, c)  # cell = grid
                if _turned(tc):
                    continue  # read bottom to top: its length is the row's height
                room = width - layout.CELL_PADDING_CM
                for p in (Paragraph(x, None) for x in tc.findall(qn("w:p"))):
                    size = _size(p, 11.0)
                    for piece in layout.pieces(p.text):
                        if layout.text_cm(piece, size) > room + 1e-6:
                            found.append(f"{path.name} table {t} row {r} col {c}: {piece!r} "
                                         f"needs {layout.text_cm(piece, size):.2f} cm of "
                                         f"{room:.2f}")
    return found


def rows_without_cant_split(path: Path) -> int:
    missing = 0
    for table in docx.Document(str(path)).tables:
        for tr in table._tbl.findall(qn("w:tr")):
            tr_pr = tr.trPr
            if tr_pr is None or tr_pr.find(qn("w:cantSplit")) is None:
                missing += 1
    return missing


def headings_not_kept(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs
            if p.style.name.startswith("Heading") and not p.paragraph_format.keep_with_next]


# -- the files ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def files(sample_path, tmp_path_factory) -> dict[str, Path]:
    """Every Word export of the sample project, and a quote matrix of codes x 13 districts."""
    from app.core import attributes as attrs
    from app.core.displays.matrix import build_matrix
    from app.core.export.codebook_docx import write_codebook_docx
    from app.core.export.matrix_docx import write_matrix_docx
    from app.core.export.quotes import write_quotes_docx
    from app.core.export.report_docx import write_report_docx
    from app.core.team import agreement_report
    from app.core.team.agreement import agreement
    from app.core.team.round_report import write_round_docx
    from app.core.team.rounds import create_round
    from app.core.coding import apply_coding
    from app.models import Coding, Document
    from app.models.survey import SurveyText

    out = tmp_path_factory.mktemp("word")
    copy = out / "p13.sitat"
    shutil.copyfile(sample_path, copy)
    districts = ["Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud", "Grünerløkka",
                 "Nordre Aker", "Nordstrand", "Sagene", "St. Hanshaugen", "Stovner",
                 "Søndre Nordstrand", "Ullern"]
    with Project.open(copy) as p:
        with p.write() as s:
            docs = s.query(Document).order_by(Document.name).all()
            for i, doc in enumerate(docs):
                attrs.set_values(s, doc, {"bydel": districts[i % len(districts)]})
            create_round(s, "R1", [d.name for d in docs], ["Hanne", "Tor"])
            comments = {i for (i,) in s.query(SurveyText.document_id)}
            interviews = [d for d in docs if d.id not in comments]  # not the survey's comments
            for c in s.query(Coding).filter(
                    Coding.document_id.in_([d.id for d in interviews[:3]])).all():
                apply_coding(s, c.document, c.code, c.coder, c.start, c.end)  # in R1 now
        with p.read() as s:
            paths = {name: out / f"{name}.docx" for name in (
                "quotes", "quotes_by_district", "matrix_quotes", "matrix_counts", "codebook",
                "report", "agreement", "round")}
            write_quotes_docx(s, paths["quotes"])
            write_quotes_docx(s, paths["quotes_by_district"], group_by="bydel")
            write_matrix_docx(build_matrix(s, "codes", "bydel", "quotes").as_json(),
                              paths["matrix_quotes"], "Koder etter bydel")
            write_matrix_docx(build_matrix(s, "codes", "bydel", "count").as_json(),
                              paths["matrix_counts"], "Koder etter bydel")
            write_codebook_docx(s, paths["codebook"])
            write_report_docx(s, paths["report"])
            agreement_report.write_docx(agreement(s, ["Hanne", "Tor"]), paths["agreement"],
                                        "Enighet")
            write_round_docx(s, "R1", paths["round"])
    return paths


def test_the_quote_column_gets_most_of_the_width(files):
    for name in ("quotes", "quotes_by_district"):
        tables = docx.Document(str(files[name])).tables
        assert tables
        for table in tables:
            grid = _grid_cm(table)
            assert table.rows[0].cells[0].text == "Quote"
            assert grid[0] / sum(grid) >= 0.60, (name, grid)
            assert sum(grid) == pytest.approx(17.0, abs=0.05)  # the width between the margins


def test_no_word_is_broken_inside_a_table_cell(files):
    problems = [line for path in files.values() for line in too_narrow(path)]
    assert not problems, problems[:10]


def test_no_table_row_breaks_across_pages(files):
    for path in files.values():
        assert rows_without_cant_split(path) == 0, path.name


def test_headings_keep_with_what_follows(files):
    for path in files.values():
        assert headings_not_kept(path) == [], path.name
    assert len([p for p in docx.Document(str(files["report"])).paragraphs
                if p.style.name == "Heading 1"]) >= 3  # the sample's STC work is reported


def test_a_quote_matrix_too_wide_for_the_page_comes_in_parts(files):
    d = docx.Document(str(files["matrix_quotes"]))
    section = d.sections[0]
    page = (section.page_width - section.left_margin - section.right_margin) / 360_000
    parts = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    assert len(parts) == len(d.tables) >= 3 and parts[0].startswith("Part 1 of ")
    columns = []
    labels = None
    for table in d.tables:
        assert sum(_grid_cm(table)) <= page + 0.01
        first = [row.cells[0].text for row in table.rows[1:]]
        assert labels in (None, first)  # every part repeats the row labels
        labels = first
        columns += [c.text for c in table.rows[0].cells[1:]]
    assert columns[-1] == "Total" and len(columns) == 13 + 1  # all 13 districts, then totals
    assert "Grunnleggende kjennetegn / Respekt" in labels


def test_a_count_matrix_of_13_districts_fits_with_turned_headers(files):
    d = docx.Document(str(files["matrix_counts"]))
    (table,) = d.tables
    header = table._tbl.findall(qn("w:tr"))[0]
    turned = [_turned(tc) for tc in header.findall(qn("w:tc"))]
    assert turned[0] is False and all(turned[1:14])  # district names read bottom to top
    labels = [row.cells[0].text for row in table.rows[1:]]
    room = _grid_cm(table)[0] - layout.CELL_PADDING_CM
    assert all(layout.text_cm(label, 8.0) <= room for label in labels)  # one line each


def test_the_round_report_sizes_its_columns_to_the_code_paths(files):
    table = docx.Document(str(files["round"])).tables[0]
    assert "Grunnleggende kjennetegn / Respekt" in [r.cells[0].text for r in table.rows]
    grid = _grid_cm(table)
    assert len(set(round(w, 2) for w in grid)) > 2  # not six equal columns
    assert grid[0] == max(grid)  # the code column is the widest


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_written_files_get_the_mode_the_umask_gives(sample, tmp_path, mask, mode):
    from app.core.export.quotes import write_quotes_docx
    from app.core.team.round_records import round_record
    from app.core.team.round_report import render_docx
    from app.core.team.rounds import create_round

    p = sample  # a copy of its own on the test's backend
    with p.write() as s:
        create_round(s, "R1", ["fg01-gamle-oslo-psykisk-helsearbeid"], ["Hanne", "Tor"])
    with p.read() as s:
        record = round_record(s, "R1")
        old = os.umask(mask)
        try:
            written = [render_docx(record, tmp_path / "round.docx"),
                       write_quotes_docx(s, tmp_path / "q.docx", codes=["Respekt"])]
        finally:
            os.umask(old)
    for path in written:
        assert (path.stat().st_mode & 0o777) == mode, path.name


def test_column_fitting_keeps_long_words_whole():
    quote = layout.Column("Quote", (), 10, flex=True, share=0.6, minimum=6)
    source = layout.Column("Source", ["fg15-sondre-nordstrand-hjemmetjenester", "Deltaker 10"],
                           9)
    fitted = layout.fit_columns([quote, source], 17.0)
    room = fitted.widths[1] - layout.CELL_PADDING_CM
    assert layout.text_cm("hjemmetjenester", 9) <= room  # the longest piece fits
    assert fitted.widths[0] >= 0.6 * 17.0 and sum(fitted.widths) == pytest.approx(17.0)
    assert layout.pieces("fg15-sondre-nordstrand") == ["fg15-", "sondre-", "nordstrand"]
    too_wide = [layout.Column(f"Kolonne {i}", ["Brukerorganisasjoner"], 10) for i in range(9)]
    assert layout.fit_columns(too_wide, 17.0) is None  # the caller splits such a table


def test_a_no_break_space_keeps_a_figure_whole_in_a_fitted_column():
    # "3,1 (n 130)" is written with no-break spaces (the joint display's Total column): Word
    # and LibreOffice never break there, so the column must be wide enough for all of it -
    # Python's \s counts U+00A0 as a space, which made the column too narrow and the
    # figure break inside "130".
    figure = "3,1\u00a0(n\u00a0130)"
    assert layout.pieces(figure) == [figure]
    assert layout.pieces("11\u00a0/\u00a00") == ["11\u00a0/\u00a00"]  # nor after the slash
    assert layout.pieces("12 000-tallet og\u202fså") == ["12", "000-", "tallet", "og\u202fså"]
    column = layout.Column("Sum", [figure, "for få"], 9.0)
    assert column.floor() >= layout.text_cm(figure, 9.0)
