"""How large a display may get: a codes x codes display of a 20,000-code codebook answers in
seconds under a 1 GB memory cap (only the codes with co-occurrences are laid out, with the
same counts as a brute-force count), and a display that still does not fit is refused with a
message that says how to narrow it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.displays import matrix as matrix_module
from app.core.displays.matrix import build_matrix
from app.core.project import Project
from app.errors import InvalidInput
from app.models import Code, Coding
from tests.core.displays import big_codebook
from tests.core.displays import matrix_data as data

ROOT = Path(__file__).resolve().parents[3]
MEMORY_MB = 1024
SECONDS = 60  # the whole subprocess, imports included; it takes about 1 s


def _run(project: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.core.displays.big_codebook",
                           str(project), str(MEMORY_MB), str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=SECONDS)


def _brute_force(project: Path) -> Counter:
    """(row code path, column code path) -> passages of the row code that overlap a passage
    of the column code, counted pair by pair; a passage is a run of overlapping codings of
    one code in one document (the default scope)."""
    with Project.open(project, read_only=True) as p, p.read() as s:
        from app.core.codebook import code_paths

        paths = code_paths(s)
        rows = s.execute(select(Coding.document_id, Coding.code_id, Coding.start,
                                Coding.end)).all()
    spans: dict[tuple, list] = {}
    for doc, code, a, b in rows:
        spans.setdefault((doc, code), []).append((a, b))
    by_doc: dict[int, list] = {}
    for (doc, code), found in spans.items():
        merged: list[list[int]] = []
        for a, b in sorted(found):
            if merged and a < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        by_doc.setdefault(doc, []).extend((code, a, b) for a, b in merged)
    cells: Counter = Counter()
    for passages in by_doc.values():
        for i, x in enumerate(passages):
            others = {paths[y[0]] for j, y in enumerate(passages)
                      if j != i and y[1] < x[2] and x[1] < y[2]}
            for other in others:
                cells[(paths[x[0]], other)] += 1
    return cells


def test_codes_by_codes_of_a_20000_code_codebook_fits_in_memory_and_time(tmp_path):
    project = tmp_path / "stor.sitat"
    big_codebook.build(project)
    with Project.open(project, read_only=True) as p, p.read() as s:
        assert s.query(Code).count() == 20_200
    r = _run(project, tmp_path / "m.json")
    print(f"\n  codes x codes, 20 000 codes, {MEMORY_MB} MB cap: {r.stdout.strip()}")
    assert r.returncode == 0, r.stderr[-2000:]
    rows, cols, total, left_out, seconds = r.stdout.split()
    assert float(seconds) < 20
    m = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert m["rows"] == m["cols"] and int(rows) == len(m["rows"]) <= big_codebook.USED_CODES
    assert m["codes_left_out"] == int(left_out) == 20_000 - len(m["rows"])
    got = Counter({(row, col): n for row, line in zip(m["rows"], m["cells"])
                   for col, n in zip(m["cols"], line) if n})
    assert got == _brute_force(project)
    assert m["total"] == int(total) == sum(got.values())


def test_a_display_that_cannot_fit_is_refused_quickly(tmp_path):
    project = tmp_path / "stor.sitat"
    big_codebook.build(project, used_codes=1500)  # about 1,500 x 1,500 co-occurring codes
    r = _run(project, tmp_path / "m.json")
    print(f"\n  codes x codes, 1 500 codes in use: {r.stderr.strip().splitlines()[-1][:150]}")
    assert r.returncode != 0 and "MemoryError" not in r.stderr
    assert "the limit is 1,000,000. Choose fewer codes (--code)" in r.stderr
    assert not (tmp_path / "m.json").exists()


@pytest.fixture
def p(project):
    data.build(project)
    return project


def test_empty_codes_are_left_out_only_when_the_display_is_too_large(p, monkeypatch):
    with p.read() as s:
        full = build_matrix(s, "codes", "codes", "count")
    assert full.rows == data.CODE_ROWS and full.codes_left_out == 0
    assert "codes_left_out" not in full.as_json()
    monkeypatch.setattr(matrix_module, "MAX_CELLS", 20)  # 6 x 6 does not fit, 4 x 4 does
    with p.read() as s:
        small = build_matrix(s, "codes", "codes", "count")
    assert small.rows == small.cols == ["A", "A/A1", "A/A1/A1x", "A/A2"]
    assert small.codes_left_out == 2 and small.as_json()["codes_left_out"] == 2
    assert small.cells == [line[:4] for line in full.cells[:4]]
    assert small.total == full.total == 6  # passages: Hanne's and Tor's A1 in ind3 are one


def test_the_word_export_says_how_many_codes_were_left_out(p, monkeypatch, tmp_path):
    import docx

    from app.core.export.matrix_docx import write_matrix_docx

    monkeypatch.setattr(matrix_module, "MAX_CELLS", 20)
    with p.read() as s:
        m = build_matrix(s, "codes", "codes", "count")
    write_matrix_docx(m.as_json(), tmp_path / "m.docx", "Samforekomst")
    texts = [par.text for par in docx.Document(str(tmp_path / "m.docx")).paragraphs]
    assert "2 codes with nothing in this display are left out, to keep it readable." in texts


def test_refusal_names_the_size_and_the_way_out(p, monkeypatch):
    monkeypatch.setattr(matrix_module, "MAX_CELLS", 10)
    with p.read() as s:
        with pytest.raises(InvalidInput, match="would have 16 cells; the limit is 10. Choose "
                                               "fewer codes"):
            build_matrix(s, "codes", "codes", "count")
        # 3 coded documents x the 5 codes with codings (E is left out, and it is still too large)
        with pytest.raises(InvalidInput, match="would have 15 cells"):
            build_matrix(s, "documents", "codes", "count")
        assert build_matrix(s, "codes", "codes", "count", level=1).rows == ["A", "G", "E"]
