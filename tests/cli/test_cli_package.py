"""The command line as a package: its entry points, one KEY=VALUE reading, one JSON-or-text
output, and files written without leftovers (its structure is checked in tests/test_structure.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "app" / "cli"
TEXT = "Moderator: Hei alle sammen.\nDeltaker 1: Jeg bor på Frogner.\n"


def test_entry_points_resolve():
    from app.cli import main
    from app.cli.main import main as real_main

    assert main is real_main
    for args in (["-m", "app", "--help"], ["-c", "from app.cli import main; main()", "--help"]):
        r = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("usage: sitat") and "codebook" in r.stdout


# -- behaviour kept while moving ------------------------------------------------------------------
@pytest.fixture
def proj(cli, tmp_path):
    path = tmp_path / "p.sitat"
    assert cli("new", path).code == 0
    src = tmp_path / "fg1.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli("import", path, src).code == 0
    return path


def test_a_pair_without_equals_sign_is_an_error_not_a_traceback(cli, proj):
    from tests.conftest import file_digest

    before = file_digest(proj)
    r = cli("attr", proj, "fg1", "bydel")
    assert r.code == 1 and r.err.strip() == "error: expected KEY=VALUE, got bydel"
    r = cli("attr", proj, "fg1", " =Frogner")
    assert r.code == 1 and "expected KEY=VALUE" in r.err
    assert file_digest(proj) == before
    r = cli("import", proj, proj.parent / "fg1.txt", "--attr", "bydel")  # argparse's usage error
    assert r.code == 2 and "argument --attr: expected KEY=VALUE, got bydel" in r.err


def test_key_value_pairs_are_read_the_same_everywhere(cli, proj):
    assert cli("attr", proj, "fg1", " bydel = Frogner ").code == 0
    docs = cli("docs", proj, "--json").json()
    assert docs[0]["attributes"] == {"bydel": "Frogner"}
    hits = cli("search", proj, "Frogner", "--where", " bydel = Frogner ", "--json").json()
    assert [h["document"] for h in hits] == ["fg1"]
    r = cli("search", proj, "Frogner", "--where", "bydel=Gamle Oslo", "--json")
    assert r.code == 1 and "No document has the value Gamle Oslo for bydel" in r.err
    hits = cli("search", proj, "Frogner", "--where", "bydel=frogner", "--json").json()
    assert [h["document"] for h in hits] == ["fg1"]  # a text value ignoring case
    r = cli("matrix", proj, "--rows", "documents", "--cols", "bydel", "--where", "bydel")
    assert r.code == 1 and "expected KEY=VALUE, got bydel" in r.err


def test_codebook_export_that_fails_leaves_no_temporary_file(cli, proj, tmp_path):
    assert cli("codebook", "import", proj, ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc").code == 0
    out = tmp_path / "out"
    out.mkdir()
    (out / "book.qdc").mkdir()  # a folder where the file should go: the final move fails
    r = cli("codebook", "export", proj, out / "book.qdc")
    assert r.code == 1 and r.err.startswith("error: Cannot write book.qdc")
    assert [p.name for p in out.iterdir()] == ["book.qdc"]
    r = cli("codebook", "export", proj, out / "codebook.qdc")
    assert r.code == 0 and (out / "codebook.qdc").read_bytes().startswith(b"<?xml")
    assert sorted(p.name for p in out.iterdir()) == ["book.qdc", "codebook.qdc"]


def test_listings_print_json_or_text_and_counts_only_with_text(cli, proj):
    text = cli("docs", proj)
    assert text.out.startswith("fg1\t") and text.err.strip() == "1 document"
    js = cli("docs", proj, "--json")
    assert js.err == "" and js.json()[0]["document"] == "fg1"
    empty = cli("pseudonyms", proj, "list")
    assert empty.out.strip() == "No sensitive terms are listed."
    assert cli("pseudonyms", proj, "list", "--json").json() == []
