"""The collection of bad inputs: for each, the message the user sees (`error: ...`), exit code
1, and a project file that is byte-identical afterwards. Run with -s to print the table."""

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
TEXT = "Intervjuer: Hei alle sammen.\nDeltaker 1: Hei på deg, jeg heter ikke Per 🙂.\n"


@pytest.fixture
def proj(cli, tmp_path):
    path = tmp_path / "p.sitat"
    assert cli("new", path).code == 0
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli("import", path, src).code == 0
    assert cli("codebook", "import", path, ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc").code == 0
    return path


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


DOCX_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
              b'2006/content-types"/>')


def _docx_with(document_xml: bytes) -> bytes:
    return _zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": document_xml})


BOMB = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>')
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b'<w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>')


def _valid_docx(tmp: Path) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Intervjuer: Hei.")
    d.save(str(tmp / "ok.docx"))
    return (tmp / "ok.docx").read_bytes()


# (label, file name, bytes or a function of tmp_path giving bytes, command template)
FILES = [
    ("corrupt .docx", "a.docx", b"PK\x03\x04" + b"\x00garbage" * 200),
    ("truncated .docx", "b.docx", lambda t: _valid_docx(t)[:900]),
    (".docx that is a text file", "c.docx", "Bare tekst, ikke Word.\n".encode()),
    (".docx with an XML bomb", "d.docx", _docx_with(BOMB)),
    (".docx with an external entity", "e.docx", _docx_with(EXTERNAL)),
    ("zip bomb", "f.docx", _zip({"[Content_Types].xml": DOCX_TYPES,
                                 "word/document.xml": b"\0" * (60 * 1024 * 1024)})),
    ("empty file", "g.txt", b""),
    ("binary file", "h.txt", bytes(range(256)) * 64),
    ("invalid UTF-8", "i.txt", "Hei på deg, ærlig talt\n".encode() + b"\xff\xfe \xc3\x28\n"),
    ("NUL bytes in text", "j.txt", "Hei\x00 på\x00 deg".encode() * 40),
    ("50 MB single line", "k.txt", lambda t: b"ord " * (13 * 1024 * 1024)),
    ("PDF named .txt", "l.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + b"x" * 200),
    ("a .odt that is not one", "m.odt", b"PK\x03\x04" + b"\x01" * 300),
]


def _show(label: str, r) -> None:
    print(f"  {label:<42} exit {r.code}  {r.err.strip()[:110]}")


@pytest.mark.parametrize("label, name, data", FILES, ids=[f[0] for f in FILES])
def test_bad_files_to_import(cli, proj, tmp_path, label, name, data):
    path = tmp_path / name
    path.write_bytes(data(tmp_path) if callable(data) else data)
    before = file_digest(proj)
    r = cli("import", proj, path)
    _show(label, r)
    assert r.code == 1 and r.err.startswith("error: ") and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert file_digest(proj) == before


def _other_sqlite(tmp: Path) -> Path:
    p = tmp / "other.sqlite"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.commit()
    con.close()
    return p


def _truncated(tmp: Path, proj: Path) -> Path:
    p = tmp / "cut.sitat"
    p.write_bytes(proj.read_bytes()[:3000])
    return p


def _newer(tmp: Path, proj: Path) -> Path:
    p = tmp / "newer.sitat"
    p.write_bytes(proj.read_bytes())
    con = sqlite3.connect(p)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    return p


def _qdc(tmp: Path, data: bytes) -> Path:
    p = tmp / "bok.qdc"
    p.write_bytes(data)
    return p


def _csv(tmp: Path, body: str) -> Path:
    p = tmp / "attr.csv"
    p.write_text(body, encoding="utf-8")
    return p


CASES = [
    ("SQLite file of another program", lambda t, p: ["docs", _other_sqlite(t)], "another program"),
    ("truncated .sitat", lambda t, p: ["docs", _truncated(t, p)], "damaged"),
    (".sitat from a newer schema", lambda t, p: ["docs", _newer(t, p)], "newer version"),
    ("missing project file", lambda t, p: ["docs", t / "nei.sitat"], "does not exist"),
    ("directory as project", lambda t, p: ["docs", t], "folder"),
    ("missing file to import", lambda t, p: ["import", p, t / "mangler.txt"], ""),
    ("directory to import", lambda t, p: ["import", p, t], ""),
    ("code path that does not exist", lambda t, p: ["code", p, "--doc", "fg", "--start", "0",
                                                    "--end", "5", "--code", "Finnes/Ikke",
                                                    "--coder", "H"], "no code"),
    ("offsets outside the text", lambda t, p: ["code", p, "--doc", "fg", "--start", "0",
                                               "--end", "99999", "--code", "Respekt",
                                               "--coder", "H"], "not inside"),
    ("offsets reversed", lambda t, p: ["code", p, "--doc", "fg", "--start", "9", "--end", "2",
                                       "--code", "Respekt", "--coder", "H"], "not inside"),
    ("codebook with entity expansion", lambda t, p: ["codebook", "import", p, _qdc(t, BOMB.replace(
        b"w:document", b"CodeBook"))], "DTD"),
    ("codebook that is not XML", lambda t, p: ["codebook", "import", p, _qdc(t, b"<CodeBook><")],
     "not valid XML"),
    ("attribute CSV with unknown documents", lambda t, p: ["attr", p, "--csv", _csv(
        t, "document,bydel\nfinnes-ikke,Alna\n")], "finnes-ikke"),
    ("attribute CSV with no document column", lambda t, p: ["attr", p, "--csv", _csv(
        t, "navn,bydel\nfg,Alna\n")], ""),
    ("search with unbalanced quotes", lambda t, p: ["search", p, '"ikke lukket'], "quotation"),
    ("search with unbalanced brackets", lambda t, p: ["search", p, "(hei OR deg"], "bracket"),
    ("merge a file that is not a project", lambda t, p: ["merge", p, _other_sqlite(t)],
     "another program"),
    ("matrix with an unknown attribute", lambda t, p: ["matrix", p, "--cols", "bydell"], ""),
    ("round with an unknown document", lambda t, p: ["round", "new", p, "R", "--documents",
                                                     "nei", "--coders", "H"], "no document"),
]


@pytest.mark.parametrize("label, make, needle", CASES, ids=[c[0] for c in CASES])
def test_bad_requests(cli, proj, tmp_path, monkeypatch, label, make, needle):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    args = make(tmp_path, proj)
    watched = [a for a in args if isinstance(a, Path) and a.suffix in (".sitat", ".sqlite")
               and a.is_file()] + [proj]
    before = {p: file_digest(p) for p in watched}
    r = cli(*args)
    _show(label, r)
    assert r.code == 1 and r.err.startswith("error: ") and "Traceback" not in r.err
    assert needle.lower() in r.err.lower()
    assert {p: file_digest(p) for p in watched} == before


def test_read_only_project_file(cli, proj, tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root can write anything")
    proj.chmod(0o444)
    before = file_digest(proj)
    r = cli("attr", proj, "fg", "bydel=Alna")
    assert r.code == 1 and "read-only" in r.err and file_digest(proj) == before


def test_full_disk_leaves_the_project_as_it_was(proj, tmp_path):
    """A file-size limit makes the disk 'full' halfway through importing a large text."""
    big = tmp_path / "stor.txt"
    big.write_text(("Deltaker 1: " + "mange ord her " * 60 + "\n") * 4000, encoding="utf-8")
    before = file_digest(proj)
    limit = max(p.stat().st_size for p in (proj,)) + 256 * 1024
    code = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
            "sys.argv = ['sitat'] + sys.argv[1:]; from app.cli import main; "
            "raise SystemExit(main())")
    r = subprocess.run([sys.executable, "-c", code, "import", str(proj), str(big)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    print(f"  {'full disk (file size limit)':<42} exit {r.returncode}  {r.stderr.strip()[:110]}")
    assert r.returncode == 1 and r.stderr.startswith("error: ")
    assert "Traceback" not in r.stderr and "not changed" in r.stderr
    assert file_digest(proj) == before
