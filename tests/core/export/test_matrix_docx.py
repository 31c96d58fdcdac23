"""Matrix displays in Word: landscape, filters and date, heat shading that darkens with the
value, bold totals, and the cell forms (count, share, quotes, valence)."""

from __future__ import annotations

import docx
import pytest
from docx.enum.section import WD_ORIENT

from app.core.export.docx_base import cell_fill, is_repeated_header
from app.core.export.matrix_docx import write_matrix_docx
from tests.core.export.conftest import headings


def _luminance(fill: str | None) -> float:
    if fill is None:
        return 1.0
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _read(path):
    d = docx.Document(str(path))
    (table,) = d.tables
    return d, table, [[c.text for c in r.cells] for r in table.rows]


def test_count_matrix(tmp_path):
    m = {"rows": ["Alna", "Stovner"], "cols": ["Respekt", {"label": "Informasjon"}],
         "cell": "count", "cells": [[0, 1200], [5, 40]], "row_totals": [1200, 45],
         "col_totals": [5, 1240], "total": 1245}
    out = write_matrix_docx(m, tmp_path / "m.docx", "Kodinger", "Koder: Hanne")
    d, table, text = _read(out)
    assert d.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert d.sections[0].page_width > d.sections[0].page_height
    assert headings(out) == [("Title", "Kodinger")]
    assert d.paragraphs[1].text.startswith("Filters: Koder: Hanne. Exported ")
    assert text == [["", "Respekt", "Informasjon", "Total"],  # English figures: 1,200
                    ["Alna", "0", "1,200", "1,200"],
                    ["Stovner", "5", "40", "45"],
                    ["Total", "5", "1,240", "1,245"]]
    assert is_repeated_header(table.rows[0])
    fills = {(i, j): cell_fill(table.rows[i].cells[j]) for i in (1, 2) for j in (1, 2)}
    assert fills[(1, 1)] is None  # zero is not shaded
    order = sorted(fills, key=lambda k: _luminance(fills[k]))
    assert order == [(1, 2), (2, 2), (2, 1), (1, 1)]  # darker for more
    assert min(_luminance(f) for f in fills.values()) > 0.3  # black text stays readable
    for cell in list(table.rows[-1].cells) + [r.cells[-1] for r in table.rows[1:]]:
        assert all(run.bold for p in cell.paragraphs for run in p.runs), cell.text
    assert not any(run.bold for run in table.rows[1].cells[1].paragraphs[0].runs)


def test_share_quotes_and_valence_cells(tmp_path):
    share = {"rows": ["A"], "cols": ["x", "y"], "cell": "share", "cells": [[0.43, 0.0]],
             "row_totals": [0.2], "col_totals": [0.43, 0.0], "total": 0.2}
    _d, table, text = _read(write_matrix_docx(share, tmp_path / "s.docx", "Andel"))
    assert text[1] == ["A", "43\u00a0%", "0\u00a0%", "20\u00a0%"]
    assert cell_fill(table.rows[1].cells[1]) is not None

    long = "Det var første gang jeg følte at\nmøtet handlet om meg og ikke om dem, " * 3
    five = [{"document": "d1", "start": 10 * i, "end": 10 * i + 9, "text": "Hun  hørte\npå meg",
             "coders": ["Hanne"], "paragraph": i + 1, "speaker": "Deltaker 2",
             "rounds": ["Runde 1"], "codebook_versions": ["v1"]} for i in range(5)]
    quotes = {"rows": ["A"], "cols": ["x", "y"], "cell": "quotes", "cells": [[five, []]],
              "row_totals": [5], "col_totals": [5, 0], "total": 5}
    quotes["cells"][0][1] = [{"document": "d2", "start": 0, "end": 1, "text": long}]
    _d, table, text = _read(write_matrix_docx(quotes, tmp_path / "q.docx", "Sitater"))
    lines = text[1][1].split("\n")
    assert lines[0::2][:3] == ["«Hun hørte på meg»"] * 3 and lines[-1] == "and 2 more"
    assert lines[1] == ("d1 · Deltaker 2 · coded by Hanne · round Runde 1 · codebook v1 · "
                        "¶ 1, 0\u20139")
    assert lines[5].endswith("¶ 3, 20\u201329")
    short, source = text[1][2].split("\n")
    assert short.startswith("«Det var første gang") and short.endswith("…»")
    assert len(short) < 110
    assert source == "d2 · no round · no codebook version · ¶ 1, 0\u20131"
    assert text[1][3] == "5"

    val = {"rows": ["A"], "cols": ["x"], "cell": "valence",
           "cells": [[{"positive": 3, "negative": 1, "unset": 0}]],
           "row_totals": [{"positive": 3, "negative": 1, "unset": 2}],
           "col_totals": [{"positive": 3, "negative": 1, "unset": 0}],
           "total": {"positive": 3, "negative": 1, "unset": 2}}
    _d, table, text = _read(write_matrix_docx(val, tmp_path / "v.docx", "Valens"))
    assert text[1] == ["A", "+3 / \u22121", "+3 / \u22121\n2 not set"]
    assert cell_fill(table.rows[1].cells[1]) is None


def test_a_passage_takes_one_quote_slot_with_all_its_coders(tmp_path):
    """Every-coding scope: Hanne and Tor coded the same span; the cell shows it once."""
    same = [{"document": "d1", "start": 0, "end": 9, "text": "Hun hørte", "coders": [name],
             "rounds": [], "codebook_versions": []} for name in ("Hanne", "Tor")]
    other = {"document": "d1", "start": 20, "end": 29, "text": "Vi ventet", "coders": ["Tor"]}
    m = {"rows": ["A"], "cols": ["x"], "cell": "quotes", "cells": [[same + [other]]],
         "row_totals": [3], "col_totals": [3], "total": 3,
         "scope": {"kind": "codings", "coders": [], "description": "Every coding."}}
    d, _table, text = _read(write_matrix_docx(m, tmp_path / "q.docx", "Sitater"))
    lines = text[1][1].split("\n")
    assert lines == ["«Hun hørte»", "d1 · coded by Hanne, Tor · no round · no codebook version "
                     "· ¶ 1, 0\u20139", "«Vi ventet»",
                     "d1 · coded by Tor · no round · no codebook version · ¶ 1, 20\u201329"]
    assert [p.text for p in d.paragraphs[1:3]] == ["Scope: Every coding.", _date_line(d)]


def _date_line(d) -> str:
    return next(p.text for p in d.paragraphs if p.text.startswith("Exported"))


def test_legend_says_what_a_cell_counts_in_the_scope(tmp_path):
    base = {"rows": ["A"], "cols": ["Hanne", "Tor"], "cell": "count", "cells": [[2, 2]],
            "row_totals": [2], "col_totals": [2, 2], "total": 2, "per_coder": True,
            "scope": {"kind": "segments", "coders": [],
                      "description": "Passages: counted once; all coders."}}
    d, _t, _x = _read(write_matrix_docx(base, tmp_path / "p.docx", "Per koder"))
    texts = [p.text for p in d.paragraphs]
    assert "Scope: Passages: counted once; all coders." in texts
    assert ("Cells: number of passages, darker for more. A passage coded by several coders "
            "counts once in each of their columns; the totals count it once.") in texts
    codings = dict(base, per_coder=False, scope={"kind": "codings", "description": "x"})
    d, _t, _x = _read(write_matrix_docx(codings, tmp_path / "c.docx", "Alle"))
    assert any(p.text.startswith("Cells: number of codings (a passage coded by several "
                                 "coders counts once per coder)") for p in d.paragraphs)


def test_empty_and_malformed_matrices(tmp_path):
    empty = {"rows": [], "cols": [], "cell": "count", "cells": []}
    out = write_matrix_docx(empty, tmp_path / "e.docx", "Tom")
    d = docx.Document(str(out))
    assert not d.tables and d.paragraphs[-1].text == "The matrix is empty."
    with pytest.raises(ValueError):
        write_matrix_docx({"rows": ["a"], "cols": ["b"], "cell": "count", "cells": [[1, 2]]},
                          tmp_path / "x.docx", "X")
