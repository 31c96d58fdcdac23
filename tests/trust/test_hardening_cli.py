"""The command line's side of hardening: no output path may be the project, a file beside it, a
backup or an input (through links too); a command that fails changes nothing and leaves no
file; bytes that are not UTF-8, a code-tree cycle or an unexpected error give `error: ...`,
never a traceback; control characters in names are shown as escapes. Run with -s to print
the table."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import file_digest

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Intervjuer: Hei alle sammen.\nDeltaker 1: Hei på deg, jeg heter ikke Per 🙂.\n"
QDC = ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc"


@pytest.fixture
def proj(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    path = work / "p.sitat"
    assert cli("new", path).code == 0
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli("import", path, src).code == 0
    assert cli("codebook", "import", path, QDC).code == 0
    assert cli("attr", path, "fg", "bydel=Alna").code == 0
    for coder, end in (("Hanne", 20), ("Tor", 24)):
        assert cli("code", path, "--doc", "fg", "--start", 0, "--end", end, "--code", "Respekt",
                   "--coder", coder).code == 0
    return path


def _show(label: str, r) -> None:
    print(f"  {label:<46} exit {r.code}  {r.err.strip()[:110]}")


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (not the index, key or log folders) with its content or link.
    SQLite's shared-memory file and an empty -wal, which come and go as a project is opened
    and closed, are left out; a -wal with anything in it is not."""
    out = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in ("idx", "data", "cache")]
        for name in dirs + files:
            p = Path(root) / name
            rel = str(p.relative_to(folder))
            if not p.is_symlink() and (name.endswith("-shm") or (
                    name.endswith("-wal") and p.stat().st_size == 0)):
                continue
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_file():
                out[rel] = file_digest(p)
            else:
                out[rel] = "folder"
    return out


def _refused(r, needle: str = "") -> None:
    assert r.code == 1, (r.code, r.out, r.err)
    assert r.err.startswith("error: ") and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert needle.lower() in r.err.lower(), r.err


def _backup(proj: Path) -> Path:
    from app.core.backup import rotate_backup
    from app.core.project import Project

    with Project.open(proj) as p:
        return rotate_backup(p)


def _qdpx(cli, proj: Path) -> Path:
    out = proj.parent.parent / "in.qdpx"
    assert cli("refi", "export", proj, out).code == 0
    return out


# -- (2) outputs that are the project, a file beside it, a backup or an input ------------------
# (label, function (cli, project) -> command, words the message must hold)
def _link(proj: Path, name: str, target: Path, hard: bool = False) -> Path:
    link = proj.parent.parent / name
    (os.link if hard else os.symlink)(target, link)
    return link


OUTPUTS = [
    ("docx: the project itself", lambda c, p: ["export", "quotes", p, "--docx", p], "project file"),
    ("docx: a symbolic link to the project", lambda c, p: [
        "export", "quotes", p, "--docx", _link(p, "q.docx", p)], "project file"),
    ("docx: a hard link to the project", lambda c, p: [
        "export", "quotes", p, "--docx", _link(p, "q.docx", p, hard=True)], "project file"),
    ("docx: the project through a linked folder", lambda c, p: [
        "export", "report", p, "--docx", _link(p, "via", p.parent) / "p.sitat"], "project file"),
    ("csv: the project's -wal file", lambda c, p: [
        "matrix", p, "--cols", "documents", "--csv", f"{p}-wal"], "beside the project"),
    ("csv: a dangling link to the project's -shm", lambda c, p: [
        "agreement", p, "--coders", "Hanne,Tor", "--csv", _link(p, "a.csv", Path(f"{p}-shm"))],
     "beside the project"),
    ("xlsx: the project's lock file", lambda c, p: [
        "export", "quotes", p, "--xlsx", f"{p}.lock"], "beside the project"),
    ("xlsx: a hard link to a backup", lambda c, p: [
        "export", "quotes", p, "--xlsx", _link(p, "b.xlsx", _backup(p), hard=True)], "backup"),
    ("docx: a new file among the backups", lambda c, p: [
        "round", "report", p, "R", "--docx", _backup(p).parent / "r.docx"], "backup"),
    ("qdpx: the project", lambda c, p: ["refi", "export", p, p], "project file"),
    ("qdpx: a new project over the .qdpx read", lambda c, p: [
        "refi", "import", _qdpx(c, p), _qdpx(c, p)], "also read"),
    ("qdpx: a new project, linked to the .qdpx read", lambda c, p: [
        "refi", "import", _qdpx(c, p), _link(p, "n.sitat", _qdpx(c, p))], "also read"),
    ("qdc: a symbolic link to the project", lambda c, p: [
        "codebook", "export", p, _link(p, "book.qdc", p)], "project file"),
    ("key file: a hard link to the project", lambda c, p: [
        "pseudonyms", p, "apply", "--key-out", _link(p, "key.csv", p, hard=True)],
     "project file"),
    ("key file: the project's -wal", lambda c, p: [
        "pseudonyms", p, "apply", "--key-out", f"{p}-wal"], "beside the project"),
    ("coder copy: the project's -wal", lambda c, p: [
        "coder-copy", p, "--coder", "Hanne", "--out", f"{p}-wal"], "beside the project"),
    ("coder copy: a link to the project's -journal", lambda c, p: [
        "coder-copy", p, "--coder", "Hanne", "--out", _link(p, "c.sitat", Path(f"{p}-journal"))],
     "beside the project"),
    ("round copies: into the backups folder", lambda c, p: [
        "round", "new", p, "R2", "--documents", "fg", "--coders", "Hanne", "--copies",
        _backup(p).parent], "backups"),
    ("round copies: a file already there", lambda c, p: [
        "round", "new", p, "R2", "--documents", "fg", "--coders", "Hanne", "--copies",
        _planted_copy(p)], "already exists"),
    ("two outputs in one file", lambda c, p: [
        "agreement", p, "--coders", "Hanne,Tor", "--csv", p.parent / "a", "--docx",
        p.parent / "a"], "two outputs"),
]


def _planted_copy(proj: Path) -> Path:
    folder = proj.parent.parent / "copies"
    folder.mkdir()
    (folder / "R2-Hanne.sitat").write_bytes(b"someone's work")
    return folder


@pytest.mark.parametrize("label, make, needle", OUTPUTS, ids=[o[0] for o in OUTPUTS])
def test_outputs_that_would_overwrite_the_project_or_an_input_are_refused(
        cli, proj, tmp_path, label, make, needle):
    assert cli("round", "new", proj, "R", "--documents", "fg", "--coders", "Hanne,Tor").code == 0
    args = make(cli, proj)
    before = _snapshot(tmp_path)
    r = cli(*args)
    _show(label, r)
    _refused(r, needle)
    assert _snapshot(tmp_path) == before  # the project byte-identical, nothing made or moved


def test_the_same_rule_guards_the_windows_save_dialogs(proj, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

    from app.views.dialogs import ask_path

    QApplication.instance() or QApplication([])
    shown = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(proj), "Word (*.docx)")))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: shown.append(a[2])))
    assert ask_path(None, "Export", "x.docx", project=proj) is None
    assert shown and "project file" in shown[0]
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "ok"), "Word (*.docx)")))
    assert ask_path(None, "Export", "x.docx", project=proj) == tmp_path / "ok.docx"


# -- (9) a command that fails halfway changes nothing and leaves nothing -------------------------
def test_matrix_saved_only_when_its_outputs_are_written(cli, proj, tmp_path):
    before = _snapshot(tmp_path)
    r = cli("matrix", proj, "--cols", "documents", "--save", "Oversikt", "--docx",
            tmp_path / "finnes-ikke" / "m.docx", "--csv", tmp_path / "m.csv")
    _show("matrix --save with an output in no folder", r)
    _refused(r, "does not exist")
    assert _snapshot(tmp_path) == before
    assert cli("matrix", proj, "--load", "Oversikt").code == 1  # the display was not saved


def test_export_writes_no_output_when_another_cannot_be_written(cli, proj, tmp_path):
    before = _snapshot(tmp_path)
    r = cli("export", "quotes", proj, "--docx", tmp_path / "A.docx", "--csv",
            tmp_path / "missing" / "q.csv")
    _show("export quotes --docx A --csv missing/", r)
    _refused(r, "missing")
    assert not (tmp_path / "A.docx").exists() and _snapshot(tmp_path) == before


def test_a_writer_failing_late_leaves_no_output_and_no_saved_display(cli, proj, tmp_path,
                                                                     monkeypatch):
    """The folder checks pass, the Word file is written, then the spreadsheet fails: neither
    file appears, no temporary file stays, and the display is not saved."""
    from app.core.displays import tables
    from app.errors import InvalidInput

    def broken(*_a, **_k):
        raise InvalidInput("Cannot write m.xlsx: the disk is full")

    monkeypatch.setattr(tables, "write_matrix_xlsx", broken)
    before = _snapshot(tmp_path)
    r = cli("matrix", proj, "--cols", "documents", "--save", "Oversikt", "--docx",
            tmp_path / "m.docx", "--xlsx", tmp_path / "m.xlsx")
    _show("matrix: the second output fails late", r)
    _refused(r, "disk is full")
    assert _snapshot(tmp_path) == before
    assert cli("matrix", proj, "--load", "Oversikt").code == 1


def test_agreement_writes_both_tables_or_neither(cli, proj, tmp_path, monkeypatch):
    from app.core.team import agreement_report
    from app.errors import InvalidInput

    monkeypatch.setattr(agreement_report, "write_docx",
                        lambda *a, **k: (_ for _ in ()).throw(InvalidInput("no room")))
    before = _snapshot(tmp_path)
    r = cli("agreement", proj, "--coders", "Hanne,Tor", "--csv", tmp_path / "a.csv",
            "--docx", tmp_path / "a.docx")
    _show("agreement: the Word table fails", r)
    _refused(r, "no room")
    assert _snapshot(tmp_path) == before


def test_round_with_copies_is_kept_only_when_every_copy_is_written(cli, proj, tmp_path,
                                                                   monkeypatch):
    from app.core.team import copies

    real, calls = copies.coder_copy, []

    def second_fails(project, coder, out, *rest, **kw):
        calls.append(coder)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(project, coder, out, *rest, **kw)

    monkeypatch.setattr(copies, "coder_copy", second_fails)
    before = _snapshot(tmp_path)
    r = cli("round", "new", proj, "R", "--documents", "fg", "--coders", "Hanne,Tor",
            "--copies", tmp_path / "kopier" / "runde1")
    _show("round new: the second copy fails", r)
    _refused(r, "disk is full")
    assert _snapshot(tmp_path) == before  # no round, no copy, no folder
    assert cli("round", "list", proj, "--json").json() == []
    monkeypatch.setattr(copies, "coder_copy", real)
    r = cli("round", "new", proj, "R", "--documents", "fg", "--coders", "Hanne,Tor",
            "--copies", tmp_path / "kopier" / "runde1", "--json")
    assert r.code == 0 and [Path(c).name for c in r.json()["copies"]] == [
        "R-Hanne.sitat", "R-Tor.sitat"]
    assert [x["name"] for x in cli("round", "list", proj, "--json").json()] == ["R"]


# -- (10) no traceback: bytes that are not UTF-8, a code-tree cycle, the unexpected ---------------
BAD = os.fsdecode(b"\xff")  # what Python makes of the byte 0xff in an argument


def _bad_file(tmp: Path, name: bytes, data: bytes) -> str:
    path = os.fsencode(tmp) + b"/" + name
    with open(path, "wb") as fh:
        fh.write(data)
    return os.fsdecode(path)


NOT_UTF8 = [
    ("a document name", lambda t, p: ["code", p, "--doc", BAD, "--start", "0", "--end", "3",
                                      "--code", "Respekt", "--coder", "H"], "not valid UTF-8"),
    ("a code path", lambda t, p: ["code", p, "--doc", "fg", "--start", "0", "--end", "3",
                                  "--code", BAD, "--coder", "H"], "not valid UTF-8"),
    ("a coder name", lambda t, p: ["code", p, "--doc", "fg", "--start", "0", "--end", "3",
                                   "--code", "Respekt", "--coder", BAD], "not valid UTF-8"),
    ("a --coder filter", lambda t, p: ["codings", p, "--coder", BAD], "\\xff"),
    ("a new document name", lambda t, p: ["rename-doc", p, "fg", BAD], "not valid UTF-8"),
    ("an attribute value", lambda t, p: ["attr", p, "fg", "bydel=" + BAD], "not valid UTF-8"),
    ("a round name", lambda t, p: ["round", "new", p, BAD, "--documents", "fg", "--coders",
                                   "H"], "not valid UTF-8"),
    ("a project file name", lambda t, p: ["docs", _bad_file(t, b"\xff.sitat", p.read_bytes())],
     "rename it"),
    ("a new project's file name", lambda t, p: ["new", os.fsdecode(os.fsencode(t) + b"/\xff.sitat")],
     "rename it"),
    ("a merge source's file name", lambda t, p: [
        "merge", p, _bad_file(t, b"\xffkopi.sitat", p.read_bytes()), "--dry-run"], "rename it"),
    ("a coder copy's file name", lambda t, p: [
        "coder-copy", p, "--coder", "H", "--out", os.fsdecode(os.fsencode(t) + b"/\xff.sitat")],
     "rename it"),
]


@pytest.mark.parametrize("label, make, needle", NOT_UTF8, ids=[n[0] for n in NOT_UTF8])
def test_arguments_that_are_not_utf8_give_a_message(cli, proj, tmp_path, label, make, needle):
    args = make(tmp_path, proj)
    before = _snapshot(tmp_path)
    r = cli(*args)
    _show(f"not UTF-8: {label}", r)
    _refused(r, needle)
    assert "\udcff" not in r.err  # the byte is shown as \xff, not as a lone surrogate
    assert _snapshot(tmp_path) == before


def test_files_whose_names_are_not_utf8_can_be_imported_and_written(cli, proj, tmp_path):
    src = _bad_file(tmp_path, b"gruppe-\xff.txt", "Deltaker 2: Noe helt annet.\n".encode())
    r = cli("import", proj, src)
    _show("import gruppe-\\xff.txt", r)
    assert r.code == 0 and "Imported gruppe-\ufffd" in r.out
    docs = {d["document"]: d for d in cli("docs", proj, "--json").json()}
    assert "gruppe-\ufffd" in docs
    out = os.fsdecode(os.fsencode(tmp_path) + b"/sitater-\xff.docx")
    r = cli("export", "quotes", proj, "--docx", out)
    assert r.code == 0 and os.path.getsize(os.fsencode(out)) > 1000
    assert r.out.strip().endswith("sitater-\\xff.docx")  # printable on any terminal
    assert "\udcff" not in r.out


def test_printing_a_file_name_that_is_not_utf8_on_a_strict_terminal(proj, tmp_path):
    out = os.fsencode(tmp_path) + b"/kodebok-\xff.docx"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "SITAT_LANG": "en"}
    r = subprocess.run([sys.executable, "-m", "app", "export", "codebook", os.fsencode(proj),
                        "--docx", out], cwd=ROOT, capture_output=True, env=env, timeout=120)
    label = "strict stdout: Written: kodebok-\\xff.docx"
    print(f"  {label:<46} exit {r.returncode}  {r.stdout.decode().strip()[-40:]}")
    assert r.returncode == 0 and b"Traceback" not in r.stderr
    assert r.stdout.decode("utf-8").strip().endswith("kodebok-\\xff.docx")
    assert os.path.getsize(out) > 1000


def _cycle(proj: Path) -> None:
    con = sqlite3.connect(proj)
    con.execute("PRAGMA foreign_keys = OFF")
    parent = con.execute("SELECT parent_id FROM code WHERE name = 'Respekt'").fetchone()[0]
    child = con.execute("SELECT id FROM code WHERE name = 'Respekt'").fetchone()[0]
    con.execute("UPDATE code SET parent_id = ? WHERE id = ?", (child, parent))
    con.commit()
    con.close()


CYCLE = [
    ("codings", lambda t, p: ["codings", p]),
    ("export quotes", lambda t, p: ["export", "quotes", p, "--docx", t / "q.docx"]),
    ("refi export", lambda t, p: ["refi", "export", p, t / "p.qdpx"]),
    ("merge a project with a cycle", lambda t, p: ["merge", t / "lead.sitat", p]),
    ("merge into a project with a cycle", lambda t, p: ["merge", p, t / "lead.sitat"]),
]


@pytest.mark.parametrize("label, make", CYCLE, ids=[c[0] for c in CYCLE])
def test_a_code_tree_cycle_says_to_repair(cli, proj, tmp_path, label, make):
    (tmp_path / "lead.sitat").write_bytes(proj.read_bytes())
    _cycle(proj)
    assert cli("check", proj).code == 1
    args = make(tmp_path, proj)
    before = _snapshot(tmp_path)
    r = cli(*args)
    _show(f"code-tree cycle: {label}", r)
    _refused(r, "sitat check --repair")
    assert _snapshot(tmp_path) == before
    assert cli("check", proj, "--repair").code == 0
    assert cli("codings", proj).code == 0


def test_an_unexpected_error_prints_one_line_and_a_private_log(cli, proj, tmp_path,
                                                                monkeypatch):
    from app.core import documents

    def broken(*_a, **_k):
        raise RuntimeError("a bug nobody foresaw")

    monkeypatch.setattr(documents, "list_documents", broken)
    r = cli("docs", proj)
    _show("an unexpected error (a bug)", r)
    _refused(r, "a bug nobody foresaw")
    logs = list((tmp_path / "cache" / "sitat" / "logs").iterdir())
    assert len(logs) == 1 and str(logs[0]) in r.err
    assert stat.S_IMODE(logs[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(logs[0].parent.stat().st_mode) == 0o700
    body = logs[0].read_text()
    assert "Traceback" in body and "RuntimeError: a bug nobody foresaw" in body


def test_the_log_is_never_written_through_a_planted_link(cli, proj, tmp_path, monkeypatch):
    from app.core import documents

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache" / "sitat").mkdir(parents=True)
    (tmp_path / "cache" / "sitat" / "logs").symlink_to(elsewhere)
    monkeypatch.setattr(documents, "list_documents",
                        lambda *a, **k: (_ for _ in ()).throw(KeyError("x")))
    r = cli("docs", proj)
    _refused(r, "KeyError")
    assert list(elsewhere.iterdir()) == []
    log = Path(r.err.split("The details are in ", 1)[1].split("; please", 1)[0])
    assert log.is_file() and stat.S_IMODE(log.stat().st_mode) == 0o600
    log.unlink()


# -- (16) control characters in names are shown, not acted on --------------------------------------
def test_names_with_control_characters_are_printed_as_escapes(cli, proj):
    con = sqlite3.connect(proj)
    con.execute("UPDATE document SET name = ? WHERE name = 'fg'",
                ("fg\n\x1b[31mFALSK\x1b[0m\u202e",))
    con.execute("UPDATE coder SET name = ? WHERE name = 'Hanne'", ("Hanne\r\x07",))
    con.execute("UPDATE code SET name = ? WHERE name = 'Respekt'", ("Respekt\x1b]0;tittel\x07",))
    con.commit()
    con.close()
    for args in (["docs", proj], ["codings", proj], ["codes", proj], ["summary", proj]):
        r = cli(*args)
        _show(f"control characters: {args[0]}", r)
        assert r.code == 0, r.err
        raw = r.out + r.err
        assert not any(ch in raw for ch in "\x1b\x07\r\u202e"), repr(raw)
    docs = cli("docs", proj).out
    assert docs.startswith("fg\\n\\x1b[31mFALSK\\x1b[0m\\u202e\t")
    assert len(docs.strip().splitlines()) == 1
    codings = cli("codings", proj).out
    assert "Hanne\\r\\x07" in codings and "Respekt\\x1b]0;tittel\\x07" in codings
    js = cli("docs", proj, "--json").json()  # JSON keeps the name as it is
    assert js[0]["document"] == "fg\n\x1b[31mFALSK\x1b[0m\u202e"
