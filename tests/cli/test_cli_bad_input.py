"""Bad input from the command line: a clear `error:` line, exit 1, and the project byte-identical."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import file_digest

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Moderator: Hei alle sammen.\nDeltaker 1: Hei, jeg heter ikke Per 🙂.\n"


@pytest.fixture
def proj(cli, tmp_path):
    path = tmp_path / "p.sitat"
    assert cli("new", path).code == 0
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli("import", path, src).code == 0
    assert cli("codebook", "import", path, ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc").code == 0
    return path


def _bad_files(tmp: Path) -> dict[str, Path]:
    files = {}

    def put(name, data: bytes):
        p = tmp / name
        p.write_bytes(data)
        files[name] = p

    put("corrupt.docx", b"PK\x03\x04" + b"\x00garbage" * 100)
    put("text-pretending.docx", "Dette er bare tekst, ikke Word.\n".encode())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (50 * 1024 * 1024))
    put("bomb.docx", buf.getvalue())
    put("empty.txt", b"")
    put("binary.txt", bytes(range(256)) * 64)
    put("bad-utf8.txt", "Hei på deg, ærlig talt\n".encode() + b"\xff\xfe broken \xc3\x28 here\n")
    files["directory"] = tmp / "a-folder"
    files["directory"].mkdir()
    files["missing"] = tmp / "does-not-exist.txt"
    big = tmp / "big.txt"
    with big.open("wb") as fh:
        line = ("Deltaker 1: " + "ord " * 40 + "\n").encode()
        for _ in range(20 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    files["big.txt"] = big
    return files


def test_bad_import_files(cli, proj, tmp_path):
    for label, path in _bad_files(tmp_path).items():
        before = file_digest(proj)
        r = cli("import", proj, path)
        assert r.code == 1, (label, r.out, r.err)
        assert r.err.startswith("error: ") and "Traceback" not in r.err, (label, r.err)
        assert len(r.err.strip().splitlines()) == 1, (label, r.err)
        assert file_digest(proj) == before, label


def test_one_bad_file_stops_the_whole_import(cli, proj, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Intervjuer: Ny tekst her.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    before = file_digest(proj)
    assert cli("import", proj, good, empty).code == 1
    assert file_digest(proj) == before
    assert [d["document"] for d in cli("docs", proj, "--json").json()] == ["fg"]


def test_not_a_sitat_project(cli, tmp_path):
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    before = file_digest(other)
    for args in (("import", other, src), ("docs", other), ("check", other)):
        r = cli(*args)
        assert r.code == 1 and "not a Sitat project" in r.err, r.err
    assert file_digest(other) == before


@pytest.mark.parametrize(
    "args, needle",
    [
        (("--start", "0", "--end", "5", "--code", "Finnes/Ikke"), "no code"),
        (("--start", "5", "--end", "2", "--code", "Respekt"), "not inside"),
        (("--start", "0", "--end", "100000", "--code", "Respekt"), "not inside"),
        (("--start", "-3", "--end", "4", "--code", "Respekt"), "not inside"),
        (("--start", "0", "--end", "5", "--code", "Grunnleggende kjennetegn"), "groups"),
    ],
)
def test_bad_coding_requests(cli, proj, args, needle):
    before = file_digest(proj)
    r = cli("code", proj, "--doc", "fg", "--coder", "Hanne", *args)
    assert r.code == 1, r.err
    assert needle in r.err.lower(), r.err
    assert file_digest(proj) == before


def test_unknown_document_suggests(cli, proj):
    r = cli("code", proj, "--doc", "fgg", "--start", "0", "--end", "3", "--code", "Respekt",
            "--coder", "Tor")
    assert r.code == 1 and "Did you mean: fg" in r.err


def test_real_process_prints_no_traceback(proj, tmp_path):
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    before = file_digest(proj)
    r = subprocess.run([sys.executable, "-m", "app", "import", str(proj), str(empty)],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 1
    assert r.stderr.startswith("error: ") and "Traceback" not in r.stderr
    assert file_digest(proj) == before
