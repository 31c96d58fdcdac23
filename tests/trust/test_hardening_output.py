"""Data that leaves Sitat, through the command line: spreadsheets never carry a formula, names
typed in decomposed Unicode are found and pseudonymised, `pseudonyms apply` keeps and names
the terms it did not replace, control characters never reach a pseudonym or an export, and an
oversized display is refused. Refusals exit 1 with `error: ...` and leave the project
byte-identical. Run with -s to print the table."""

from __future__ import annotations

import csv
import re
import sqlite3
import unicodedata
import uuid
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import file_digest

ROOT = Path(__file__).resolve().parents[2]
NFD_ASE = unicodedata.normalize("NFD", "Åse")
TEXT = ("Intervjuer: Hei, Åse, fortell om kontoret.\n"
        "Deltaker 1: Jeg ble møtt med respekt på Åsen, sa Åse.\n")
CODEBOOK = ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test"><Codes>'
            f'<Code guid="{uuid.uuid4()}" name="+Respekt" isCodable="true"/>'
            f'<Code guid="{uuid.uuid4()}" name="Informasjon" isCodable="true"/>'
            '</Codes></CodeBook>\n')
HOSTILE_DOC = "=HYPERLINK(1)"


def _show(label: str, r, what: str | None = None) -> None:
    lines = (r.err or r.out).strip().splitlines() or [""]
    print(f"  {label:<42} exit {r.code}  {(what or lines[0])[:110]}")


def _ok(r) -> None:
    assert r.code == 0, r.err
    assert "Traceback" not in r.err


def _refused(r, needle: str) -> None:
    assert r.code == 1 and r.err.startswith("error: ") and "Traceback" not in r.err
    assert needle.lower() in r.err.lower(), r.err


@pytest.fixture
def proj(cli, tmp_path):
    """One transcript named like a formula, a codebook with a formula-like code, two coders
    (one named like a formula) who both coded the same words, and an attribute value that
    is a formula."""
    path = tmp_path / "p.sitat"
    _ok(cli("new", path))
    src = tmp_path / f"{HOSTILE_DOC}.txt"
    src.write_text(TEXT, encoding="utf-8")
    _ok(cli("import", path, src))
    book = tmp_path / "bok.qdc"
    book.write_text(CODEBOOK, encoding="utf-8")
    _ok(cli("codebook", "import", path, book))
    start = TEXT.index("Jeg ble")
    for coder in ("@Hanne", "Tor"):
        _ok(cli("code", path, "--doc", HOSTILE_DOC, "--start", start, "--end", start + 24,
                "--code", "+Respekt", "--coder", coder))
    _ok(cli("attr", path, HOSTILE_DOC, "tjeneste=-NAV+1", "bydel=Årvoll"))
    return path


def _csv(path: Path) -> list[list[str]]:
    """The rows of a CSV file, without the comment line naming a table's scope."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[1:] if rows and rows[0] and rows[0][0].startswith("# ") else rows


def _cells(rows: list[list[str]]) -> set[str]:
    return {cell for row in rows for cell in row}


# -- 3: CSV injection -------------------------------------------------------------------------
def test_quote_csv_and_xlsx_hold_no_formula(cli, proj, tmp_path):
    r = cli("export", "quotes", proj, "--csv", tmp_path / "q.csv", "--xlsx", tmp_path / "q.xlsx",
            "--group-by", "tjeneste", "--scope", "codings")  # a row per coder
    _show("quote CSV/XLSX with formula-like names", r)
    _ok(r)
    rows = _csv(tmp_path / "q.csv")
    cells = _cells(rows)
    assert {"'+Respekt", "'-NAV+1", f"'{HOSTILE_DOC}", "'@Hanne"} <= cells
    start = TEXT.index("Jeg ble")
    assert rows[1][2] == TEXT[start:start + 24]  # a quote that is no formula stays exact
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells if c not in ("+1", "-1"))
    ws = load_workbook(tmp_path / "q.xlsx").active
    by_value = {c.value: c for row in ws.iter_rows() for c in row if c.value}
    for name in ("+Respekt", "-NAV+1", HOSTILE_DOC, "@Hanne"):
        assert by_value[name].data_type == "s" and by_value[name].quotePrefix, name


def test_matrix_csv_holds_no_formula(cli, proj, tmp_path):
    r = cli("matrix", proj, "--rows", "documents", "--cols", "coders", "--csv", tmp_path / "m.csv")
    _show("matrix CSV with formula-like names", r)
    _ok(r)
    rows = _csv(tmp_path / "m.csv")
    assert rows[0][1:3] == ["'@Hanne", "Tor"] and rows[1][:3] == [f"'{HOSTILE_DOC}", "1", "1"]
    r = cli("matrix", proj, "--rows", "codes", "--cols", "tjeneste", "--cell", "valence",
            "--csv", tmp_path / "v.csv")
    _ok(r)
    rows = _csv(tmp_path / "v.csv")
    assert rows[0][1] == "'-NAV+1" and rows[1][0] == "'+Respekt"
    assert rows[1][1] == "'+0 / -0"  # would be the formula 0 in a spreadsheet


def test_agreement_csv_holds_no_formula_and_numbers_stay_numbers(cli, proj, tmp_path):
    r = cli("agreement", proj, "--coders", "@Hanne,Tor", "--csv", tmp_path / "a.csv")
    _show("agreement CSV with formula-like names", r)
    _ok(r)
    rows = _csv(tmp_path / "a.csv")
    assert rows[1][:2] == ["'+Respekt", f"'{HOSTILE_DOC}"]
    assert rows[1][2] == "1.0" and rows[1][5] == "24"  # figures are plain numbers


# -- 4: decomposed Unicode ------------------------------------------------------------------
def test_an_nfd_term_is_pseudonymised_in_exports_and_apply(cli, proj, tmp_path):
    r = cli("pseudonyms", proj, "add", NFD_ASE)
    _show("pseudonym typed in NFD", r)
    _ok(r)
    _ok(cli("export", "quotes", proj, "--csv", tmp_path / "q.csv", "--anonymise"))
    _ok(cli("matrix", proj, "--cols", "bydel", "--cell", "quotes", "--pseudonymise",
            "--csv", tmp_path / "m.csv"))
    _ok(cli("refi", "export", proj, tmp_path / "p.qdpx", "--pseudonymise"))
    with zipfile.ZipFile(tmp_path / "p.qdpx") as z:
        exported = "".join(z.read(n).decode("utf-8") for n in z.namelist())
    for text in ((tmp_path / "q.csv").read_text(encoding="utf-8-sig"),
                 (tmp_path / "m.csv").read_text(encoding="utf-8-sig"), exported):
        assert not re.search(r"Åse(?!n)", unicodedata.normalize("NFC", text))  # Åsen stays
    assert "[Navn 1]" in exported
    r = cli("pseudonyms", proj, "apply", "--key-out", tmp_path / "key.csv", "--json")
    _ok(r)
    assert r.json()["replacements"] == 2 and r.json()["unreplaced"] == []
    assert "No sensitive terms" in cli("pseudonyms", proj, "list").out
    with sqlite3.connect(proj) as con:
        text = con.execute("SELECT text FROM document").fetchone()[0]
    assert "Åse " not in text and "Åse," not in text and "[Navn 1]" in text
    assert "Åsen" in text  # a longer word is left alone


def test_apply_keeps_and_reports_terms_it_did_not_replace(cli, proj, tmp_path):
    _ok(cli("pseudonyms", proj, "add", "Åse"))
    _ok(cli("pseudonyms", proj, "add", "Kari Nordmann"))
    r = cli("pseudonyms", proj, "apply", "--key-out", tmp_path / "key.csv", "--json")
    _show("apply with a term found nowhere", r, f"unreplaced: {r.json()['unreplaced']}")
    _ok(r)
    assert r.json()["unreplaced"] == ["Kari Nordmann"]
    listed = cli("pseudonyms", proj, "list", "--json").json()
    assert [t["term"] for t in listed] == ["Kari Nordmann"]


def test_apply_that_would_replace_nothing_is_refused(cli, proj, tmp_path):
    _ok(cli("pseudonyms", proj, "add", "Kari"))
    before = file_digest(proj)
    r = cli("pseudonyms", proj, "apply", "--key-out", tmp_path / "key.csv")
    _show("apply that replaces nothing", r)
    _refused(r, "nothing was replaced")
    assert file_digest(proj) == before and not (tmp_path / "key.csv").exists()
    assert [t["term"] for t in cli("pseudonyms", proj, "list", "--json").json()] == ["Kari"]


def test_where_coder_and_document_typed_in_nfd_are_found(cli, proj, tmp_path):
    nfd = unicodedata.normalize("NFD", "Årvoll")
    r = cli("matrix", proj, "--rows", "codes", "--cols", "documents", "--where", f"bydel={nfd}",
            "--scope", "codings", "--json")
    _show("--where value typed in NFD", r, f"total {r.json()['total']}, cols {r.json()['cols']}")
    _ok(r)
    assert r.json()["total"] == 2 and r.json()["cols"] == [HOSTILE_DOC]
    _ok(cli("code", proj, "--doc", HOSTILE_DOC, "--start", 0, "--end", 10, "--code",
            "Informasjon", "--coder", "Åse"))
    r = cli("export", "quotes", proj, "--csv", tmp_path / "q.csv", "--coder", NFD_ASE)
    _ok(r)
    assert [row[1] for row in _csv(tmp_path / "q.csv")[1:]] == ["Intervjuer"]


# -- 16: control characters in pseudonyms --------------------------------------------------
@pytest.mark.parametrize("args, label", [
    (["Åse", "--as", "[Navn\x1b1]"], "pseudonym with ESC"),
    (["Åse\x00"], "term with NUL"),
    (["Å\x07se", "--as", "X"], "term with BEL"),
])
def test_control_characters_in_terms_are_refused(cli, proj, args, label):
    before = file_digest(proj)
    r = cli("pseudonyms", proj, "add", *args)
    _show(label, r)
    _refused(r, "invisible control character")
    assert file_digest(proj) == before


def test_a_stored_control_character_never_reaches_the_refi_export(cli, proj, tmp_path):
    with sqlite3.connect(proj) as con:  # as an older Sitat could have stored it
        con.execute("INSERT INTO pseudonym (term, pseudonym, kind) VALUES "
                    "('Åse', '[Navn\x1b1]', 'name')")
    r = cli("refi", "export", proj, tmp_path / "p.qdpx", "--pseudonymise")
    _show("stored pseudonym with ESC, REFI export", r)
    _ok(r)
    with zipfile.ZipFile(tmp_path / "p.qdpx") as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    assert b"\x1b" not in blob and "[Navn1]".encode() in blob
    r = cli("refi", "import", tmp_path / "p.qdpx", tmp_path / "back.sitat")
    _ok(r)
    assert "1 document," in r.out and "Not imported" not in r.out


# -- 12: display size ---------------------------------------------------------------------------
def test_an_oversized_display_is_refused(cli, proj, monkeypatch):
    from app.core.displays import matrix

    start = TEXT.index("Jeg ble")
    _ok(cli("code", proj, "--doc", HOSTILE_DOC, "--start", start, "--end", start + 10, "--code",
            "Informasjon", "--coder", "Tor"))
    monkeypatch.setattr(matrix, "MAX_CELLS", 3)
    before = file_digest(proj)
    r = cli("matrix", proj, "--rows", "codes", "--cols", "codes", "--save", "stor")
    _show("display larger than the cell limit", r)
    _refused(r, "would have 4 cells; the limit is 3. Choose fewer codes")
    assert file_digest(proj) == before

