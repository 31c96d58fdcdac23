"""Shared Word helpers: Norwegian dates, page numbers, repeating header rows, shading,
landscape, and saving that never leaves half a file behind."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Cm

from app.core.export import docx_base as base
from app.errors import InvalidInput
from app.i18n import set_language


def test_dates_and_quotes():
    assert base.norwegian_date(date(2026, 11, 24)) == "24. november 2026"
    assert base.norwegian_date(date(2025, 3, 1)) == "1. mars 2025"
    assert base.long_date(date(2026, 11, 24)) == "24 November 2026"
    set_language("nb")
    assert base.long_date(date(2026, 5, 17)) == "17. mai 2026"
    assert base.quoted(" Jeg\n  sa\tnei \x01") == "«Jeg sa nei»"
    assert base.mix("#FFFFFF", "#000000", 0.5) == "808080"


def test_document_table_and_landscape(tmp_path):
    d = base.new_document()
    d.add_heading("Tittel", level=0)
    widths = [Cm(10), Cm(7)]
    table = base.add_table(d, ["Sitat", "Dokument"], widths)
    assert base.append_rows(table, [["«a»", " b "], ["", "c"]], widths) == 2
    base.shade_cell(table.rows[1].cells[1], "#a0b0c0")
    base.set_landscape(d.sections[0])
    out = base.save_docx(d, tmp_path / "t.docx")
    back = docx.Document(str(out))
    section = back.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert round(section.page_width.cm, 1) == 29.7
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    (t,) = back.tables
    assert [[c.text for c in r.cells] for r in t.rows] == [["Sitat", "Dokument"],
                                                           ["«a»", " b "], ["", "c"]]
    assert base.is_repeated_header(t.rows[0]) and not base.is_repeated_header(t.rows[1])
    assert t.style.name == base.TABLE_STYLE
    assert base.cell_fill(t.rows[1].cells[1]) == "A0B0C0"


def test_saving_fails_cleanly(tmp_path):
    with pytest.raises(InvalidInput, match="does not exist"):
        base.save_atomic(tmp_path / "nope" / "x.docx", lambda p: p.write_text("x"))
    (tmp_path / "dir.docx").mkdir()
    with pytest.raises(InvalidInput):
        base.save_atomic(tmp_path / "dir.docx", lambda p: p.write_text("x"))

    def broken(path: Path) -> None:
        path.write_text("half")
        raise OSError(28, "No space left on device")

    (tmp_path / "old.docx").write_text("old")
    with pytest.raises(InvalidInput, match="Cannot write old.docx: the disk is full"):
        base.save_atomic(tmp_path / "old.docx", broken)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.docx", "old.docx"]
    assert (tmp_path / "old.docx").read_text() == "old"


def test_saved_files_get_the_usual_permissions(tmp_path):
    import os

    mask = os.umask(0o022)
    try:
        out = base.save_atomic(tmp_path / "a.csv", lambda p: p.write_text("x"))
        assert out.stat().st_mode & 0o777 == 0o644
        out.chmod(0o600)  # an existing file keeps its mode when replaced
        base.save_atomic(out, lambda p: p.write_text("y"))
        assert out.stat().st_mode & 0o777 == 0o600 and out.read_text() == "y"
    finally:
        os.umask(mask)
