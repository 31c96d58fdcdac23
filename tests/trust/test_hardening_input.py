"""Hardening, second pass - data coming in (issue 15, items 6-8, 10-12, 16): the user sees
`error: ...`, exit 1, and the project file stays byte-identical; nothing is left behind.

Named pipes and devices given as files, .qdpx files with duplicate identifiers or that expand
far beyond their size, invisible texts and names with control characters. A command that
could wait on a pipe runs in a thread with a time limit (the pipe is released afterwards); a
command that could read /dev/zero without end runs in a subprocess with a memory limit. Run
with -s to print the table.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.conftest import CliResult, file_digest, run_cli

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Intervjuer: Hei alle sammen.\nDeltaker 1: Hei på deg, jeg bor på Tøyen.\n"
NS = "urn:QDA-XML:project:1.0"
CODE = "11111111-1111-4111-8111-111111111111"
USER = "33333333-3333-4333-8333-333333333333"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="named pipes, /dev/zero")


@pytest.fixture
def proj(tmp_path):
    path = tmp_path / "p.sitat"
    assert run_cli("new", path).code == 0
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert run_cli("import", path, src).code == 0
    return path


def _show(label: str, r) -> None:
    print(f"  {label:<42} exit {r.code}  {r.err.strip()[:110]}")


# -- running a command that might wait or read without end -----------------------------------
def _release(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return
    os.close(fd)


def _in_thread(args: list, seconds: float = 20.0) -> CliResult:
    """`sitat ARGS` in this process; a command still waiting after `seconds` fails the test
    (after its pipes are released, so the run can go on)."""
    result: list[CliResult] = []
    worker = threading.Thread(target=lambda: result.append(run_cli(*args)), daemon=True)
    worker.start()
    worker.join(seconds)
    waited = worker.is_alive()
    if waited:
        for a in args:
            if isinstance(a, Path) and a.is_fifo():
                _release(a)
        worker.join(10)
    assert not waited, f"sitat {args[0]} was still waiting after {seconds:.0f} s"
    return result[0]


def _memory_capped(args: list, limit: int = 1536 * 1024 * 1024) -> CliResult:
    """`sitat ARGS` in a subprocess limited to `limit` bytes of address space."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    code = "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))"
    r = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                       text=True, cwd=ROOT, timeout=120, preexec_fn=cap,
                       env={**os.environ, "SITAT_LANG": "en"})
    return CliResult(r.returncode, r.stdout, r.stderr)


# -- files for the table ---------------------------------------------------------------------
def _fifo(tmp: Path, name: str) -> Path:
    path = tmp / name
    os.mkfifo(path)
    return path


def _file(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _selection(start: int, end: int, guid: str | None = None, notes: str = "") -> str:
    return (f'<PlainTextSelection guid="{guid or uuid.uuid4()}" startPosition="{start}" '
            f'endPosition="{end}" creatingUser="{USER}"><Coding guid="{uuid.uuid4()}" '
            f'creatingUser="{USER}"><CodeRef targetGUID="{CODE}"/>{notes}</Coding>'
            "</PlainTextSelection>")


def _source(name: str, body: str = "", guid: str | None = None, text: str = TEXT) -> str:
    return (f'<TextSource guid="{guid or uuid.uuid4()}" name="{name}"><PlainTextContent>'
            f"{text}</PlainTextContent>{body}</TextSource>")


def _qdpx(tmp: Path, body: str, codes: str = "", members: dict | None = None,
          name: str = "inn.qdpx") -> Path:
    codes = codes or f'<Code guid="{CODE}" name="Respekt"/>'
    qde = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="P" '
           f'origin="Test"><Users><User guid="{USER}" name="Kari"/></Users>'
           f"<CodeBook><Codes>{codes}</Codes></CodeBook>{body}</Project>")
    path = tmp / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        for member, data in (members or {}).items():
            zf.writestr(member, data)
    return path


def _same_source_guid(tmp: Path) -> Path:
    guid = str(uuid.uuid4())
    return _qdpx(tmp, "<Sources>" + _source("Alna", _selection(0, 10), guid)
                 + _source("Stovner", "", guid, "Noe helt annet.") + "</Sources>")


def _same_code_guid(tmp: Path) -> Path:
    return _qdpx(tmp, "<Sources>" + _source("Alna", _selection(0, 10)) + "</Sources>",
                 f'<Code guid="{CODE}" name="Respekt"/><Code guid="{CODE}" name="Tillit"/>')


def _same_selection_guid(tmp: Path) -> Path:
    sel = str(uuid.uuid4())
    return _qdpx(tmp, "<Sources>" + _source("Alna", _selection(0, 10, sel)
                                            + _selection(12, 20, sel)) + "</Sources>")


def _note_in_300_memos(tmp: Path) -> Path:
    note = str(uuid.uuid4())
    ref = f'<NoteRef targetGUID="{note}"/>'
    body = ("<Sources>" + _source("Alna", "".join(_selection(0, 10, notes=ref)
                                                  for _ in range(300))) + "</Sources>"
            f'<Notes><Note guid="{note}" name="n" plainTextPath="internal://n.txt"/></Notes>')
    return _qdpx(tmp, body, members={"sources/n.txt": "x" * (1024 * 1024)})


def _huge_source(tmp: Path) -> Path:
    import random

    text = "".join(random.Random(5).choices("abcdefghijklmnopqrstuvwxyz \n", k=11_000_000))
    return _qdpx(tmp, "<Sources>" + _source("Lang", text=text) + "</Sources>")


ZERO_WIDTH = "\ufeff\u200b\u200c\u200d\u2060\n\u200b \u200b\n".encode("utf-8")

# (label, args from (tmp_path, project), words the message must contain, run it how)
CASES = [
    ("named pipe as the project", lambda t, p: ["docs", _fifo(t, "ror.sitat")],
     "not an ordinary file", "thread"),
    ("named pipe as a merge source", lambda t, p: ["merge", p, _fifo(t, "kopi.sitat")],
     "not an ordinary file", "thread"),
    ("/dev/zero as a merge source", lambda t, p: ["merge", p, Path("/dev/zero")],
     "it is a device", "capped"),
    ("named pipe as the attribute CSV", lambda t, p: ["attr", p, "--csv", _fifo(t, "a.csv")],
     "not an ordinary file", "thread"),
    ("/dev/zero as the attribute CSV", lambda t, p: ["attr", p, "--csv", Path("/dev/zero")],
     "it is a device", "capped"),
    ("named pipe as the .qdpx", lambda t, p: ["refi", "import", _fifo(t, "inn.qdpx"),
                                              t / "ny.sitat"], "not an ordinary file", "thread"),
    ("text of only zero-width characters", lambda t, p: ["import", p, _file(t, "zw.txt",
                                                                             ZERO_WIDTH)],
     "only invisible characters", "thread"),
    ("document name with a line break", lambda t, p: [
        "import", p, _file(t, "ny.txt", b"Intervjuer: Ny tekst."), "--name", "Fokus\ngruppe"],
     "control character (U+000A)", "thread"),
    ("rename to a name with ESC", lambda t, p: ["rename-doc", p, "fg", "fg\x1b[2J"],
     "control character (U+001B)", "thread"),
    ("rename to a name with a bidi override", lambda t, p: ["rename-doc", p, "fg", "fg\u202e1"],
     "control character (U+202E)", "thread"),
    ("attribute with no name ' =x'", lambda t, p: ["attr", p, "fg", " =x"], "KEY=VALUE",
     "thread"),
    ("attribute name with ESC", lambda t, p: ["attr", p, "fg", "by\x1bdel=Alna"],
     "control character (U+001B)", "thread"),
    (".qdpx: two sources with one guid", lambda t, p: ["refi", "import", _same_source_guid(t),
                                                       t / "ny.sitat"], "Two sources", "thread"),
    (".qdpx: two codes with one guid", lambda t, p: ["refi", "import", _same_code_guid(t),
                                                     t / "ny.sitat"], "Two codes", "thread"),
    (".qdpx: two selections with one guid", lambda t, p: [
        "refi", "import", _same_selection_guid(t), t / "ny.sitat"], "Two selections", "thread"),
    (".qdpx: 1 MiB note in 300 coding memos", lambda t, p: [
        "refi", "import", _note_in_300_memos(t), t / "ny.sitat"], "more than 20971520", "thread"),
    (".qdpx: source text over 10 MiB", lambda t, p: ["refi", "import", _huge_source(t),
                                                    t / "ny.sitat"],
     "limit of 10485760 characters", "thread"),
]


@pytest.mark.parametrize("label, make, needle, how", CASES, ids=[c[0] for c in CASES])
def test_refused_inputs(proj, tmp_path, monkeypatch, label, make, needle, how):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    args = make(tmp_path, proj)
    before = file_digest(proj)
    folder = sorted(p.name for p in tmp_path.iterdir())
    r = _in_thread(args) if how == "thread" else _memory_capped(args)
    _show(label, r)
    assert r.code == 1 and r.err.startswith("error: ") and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert needle in r.err, r.err
    assert file_digest(proj) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == folder  # nothing left behind


CODEBOOK_CASES = [
    ("named pipe as the codebook", lambda t: _fifo(t, "bok.qdc"), "not an ordinary file"),
    ("/dev/zero as the codebook", lambda t: Path("/dev/zero"), "it is a device"),
]


@pytest.mark.parametrize("label, make, needle", CODEBOOK_CASES, ids=[c[0] for c in CODEBOOK_CASES])
def test_codebook_from_a_pipe_or_device(proj, tmp_path, label, make, needle):
    path = make(tmp_path)
    before = file_digest(proj)
    if path.is_fifo():
        r = _in_thread(["codebook", "import", proj, path], seconds=5)
    else:
        r = _memory_capped(["codebook", "import", proj, path])
    _show(label, r)
    assert r.code == 1 and r.err.startswith("error: ") and needle in r.err, r.err
    assert file_digest(proj) == before


# -- inputs that used to be refused or misread, and now import -------------------------------
def test_file_names_with_control_characters_give_readable_document_names(proj, tmp_path):
    odd = _file(tmp_path, "Fokusgruppe\nTøyen\x1b[31m.txt", b"Intervjuer: Ny tekst her.\n")
    r = run_cli("import", proj, odd)
    assert r.code == 0, r.err
    docs = run_cli("docs", proj, "--json").json()
    assert sorted(d["document"] for d in docs) == ["Fokusgruppe Tøyen [31m", "fg"]


def test_attribute_csv_saved_by_excel_in_norway(proj, tmp_path):
    data = ('Dokument;Bydel;Tjeneste\r\nfg;Gamle Oslo;"Huset ""Nord"""\r\n;;\r\n'
            ).encode("cp1252")
    r = run_cli("attr", proj, "--csv", _file(tmp_path, "bydeler.csv", data))
    assert r.code == 0, r.err
    docs = run_cli("docs", proj, "--json").json()
    assert docs[0]["attributes"] == {"Bydel": "Gamle Oslo", "Tjeneste": 'Huset "Nord"'}


def test_qdpx_variable_named_a_equals_b_is_imported(tmp_path):
    var = str(uuid.uuid4())
    src = str(uuid.uuid4())
    body = (f'<Variables><Variable guid="{var}" name="a=b" typeOfVariable="Text"/></Variables>'
            "<Sources>" + _source("Alna", "", src).replace(
                "</TextSource>", f'<VariableValue><VariableRef targetGUID="{var}"/>'
                                 "<TextValue>ja</TextValue></VariableValue></TextSource>")
            + "</Sources>")
    out = tmp_path / "ny.sitat"
    r = run_cli("refi", "import", _qdpx(tmp_path, body), out, "--json")
    assert r.code == 0, r.err
    assert [(x["variable"], x["attribute"]) for x in r.json()["renamed"]] == [("a=b", "a-b")]
    docs = run_cli("docs", out, "--json").json()
    assert docs[0]["attributes"] == {"a-b": "ja"}
    again = run_cli("refi", "import", _qdpx(tmp_path, body), tmp_path / "tekst.sitat")
    assert again.code == 0 and "'a=b'" in again.out and "a-b" in again.out
