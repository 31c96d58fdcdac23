"""The files Sitat writes beside a project and trusts: planted symbolic links are never followed
(the target stays as it was and is never created), odd lock files give a message or are taken
over, a read-only folder and a full disk still let a project be read, and what a killed Sitat
left behind is cleaned up. Run with -s to print the table."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import file_digest

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Intervjuer: Hei alle sammen.\nDeltaker 1: Hei på deg, jeg heter ikke Per 🙂.\n"
WRITE = ("attr", "{p}", "fg", "bydel=Alna")  # a command that changes the project
READ = ("docs", "{p}")


@pytest.fixture
def proj(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = tmp_path / "p.sitat"
    assert cli("new", path).code == 0
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli("import", path, src).code == 0
    return path


def _show(label: str, r) -> None:
    print(f"  {label:<46} exit {r.code}  {r.err.strip()[:110]}")


def _args(template, p: Path) -> list[str]:
    return [a.format(p=p) for a in template]


def _refused(r, needle: str) -> None:
    assert r.code == 1 and r.err.startswith("error: ") and "Traceback" not in r.err
    assert needle.lower() in r.err.lower()


# -- symbolic links planted where Sitat keeps its own files ------------------------------------
def _victim(tmp: Path) -> Path:
    v = tmp / "thesis.docx"
    v.write_bytes(b"years of work")
    return v


LINKS = [
    ("lock file linked to a file", lambda p: Path(f"{p}.lock"), True),
    ("lock file linked to nothing", lambda p: Path(f"{p}.lock"), False),
    ("-wal linked to a file", lambda p: Path(f"{p}-wal"), True),
    ("-shm linked to nothing", lambda p: Path(f"{p}-shm"), False),
    ("-journal linked to a file", lambda p: Path(f"{p}-journal"), True),
]


@pytest.mark.parametrize("label, where, existing", LINKS, ids=[c[0] for c in LINKS])
def test_planted_links_beside_a_project_are_not_followed(cli, proj, tmp_path, label, where,
                                                         existing):
    victim = _victim(tmp_path) if existing else tmp_path / "created.docx"
    where(proj).symlink_to(victim)
    before = file_digest(proj)
    r = cli(*_args(WRITE, proj))
    _show(label, r)
    _refused(r, "symbolic link")
    assert file_digest(proj) == before
    if existing:
        assert victim.read_bytes() == b"years of work"
    else:
        assert not victim.exists()
    assert where(proj).is_symlink()


def test_a_new_project_on_a_dangling_link_is_refused(cli, tmp_path):
    target = tmp_path / "elsewhere.sitat"
    link = tmp_path / "new.sitat"
    link.symlink_to(target)
    r = cli("new", link)
    _show("new project on a dangling link", r)
    _refused(r, "already exists")
    assert not target.exists()


def test_an_index_folder_linked_elsewhere_is_not_written_through(cli, proj, tmp_path):
    from app.core.project import Project

    with Project.open(proj, read_only=True) as p:
        project_id = p.id
    victim = tmp_path / "papers"
    victim.mkdir()
    (victim / "kapittel.docx").write_bytes(b"draft")
    (tmp_path / "idx").mkdir(mode=0o700)
    (tmp_path / "idx" / project_id).symlink_to(victim)
    r = cli("search", proj, "hei")
    _show("index folder linked to another folder", r)
    assert r.code == 0 and "Hei alle sammen." in r.out
    assert [f.name for f in victim.iterdir()] == ["kapittel.docx"]


# -- lock files that are not what Sitat writes -------------------------------------------------
def test_a_lock_that_is_a_folder_gives_a_message(cli, proj):
    Path(f"{proj}.lock").mkdir()
    before = file_digest(proj)
    r = cli(*_args(WRITE, proj))
    _show("lock file that is a folder", r)
    _refused(r, "is a folder, not a lock file")
    assert file_digest(proj) == before and Path(f"{proj}.lock").is_dir()
    assert cli(*_args(READ, proj)).code == 0  # reading needs no lock


@pytest.mark.parametrize("label, content", [
    ("lock with a huge pid", {"pid": 10**30, "host": "__HOST__", "program": "x"}),
    ("lock with no host", {"pid": 1, "host": None, "program": "x"}),
])
def test_a_garbled_lock_is_taken_over(cli, proj, label, content):
    import socket

    text = json.dumps(content).replace("__HOST__", socket.gethostname())
    Path(f"{proj}.lock").write_text(text)
    r = cli(*_args(WRITE, proj))
    _show(label, r)
    assert r.code == 0 and not r.err.strip(), r.err
    assert not Path(f"{proj}.lock").exists()  # taken over, then released


# -- a read-only folder and a full disk --------------------------------------------------------
# Root may write anywhere; without these capabilities it obeys the folder's mode like anyone.
AS_ANYONE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def _sitat(args, *, limit: int | None = None, obey_modes: bool = False, env=None):
    code = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            + (f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
               if limit is not None else "")
            + "sys.argv = ['sitat'] + sys.argv[1:]; from app.cli import main; "
              "raise SystemExit(main())")
    prefix = AS_ANYONE if obey_modes and os.geteuid() == 0 else []
    r = subprocess.run([*prefix, sys.executable, "-c", code, *map(str, args)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env={**os.environ, **(env or {}), "SITAT_LANG": "en"})

    class R:
        code, out, err = r.returncode, r.stdout, r.stderr
    return R


@pytest.fixture
def read_only_folder(tmp_path):
    import shutil

    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("root ignores folder modes, and setpriv is not here to change that")
    folder = tmp_path / "delt"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)


def test_a_project_in_a_read_only_folder_can_be_read(proj, read_only_folder, tmp_path):
    folder = read_only_folder
    p = folder / "p.sitat"
    p.write_bytes(proj.read_bytes())
    p.chmod(0o666)  # the file is writable; only the folder is not
    folder.chmod(0o555)
    env = {"SITAT_INDEX_DIR": str(tmp_path / "idx"), "XDG_DATA_HOME": str(tmp_path / "data")}
    before = file_digest(p)
    for args, want in ((READ, 0), (("search", "{p}", "hei"), 0), (("summary", "{p}"), 0),
                       (WRITE, 1)):
        r = _sitat(_args(args, p), obey_modes=True, env=env)
        _show(f"read-only folder: {args[0]}", r)
        assert r.code == want and "Traceback" not in r.err, r.err
        if want:
            _refused(r, "folder that cannot be written to")
            assert "read-only" in r.err
    assert "Hei alle sammen." in _sitat(_args(("search", "{p}", "hei"), p), obey_modes=True,
                                        env=env).out
    assert sorted(x.name for x in folder.iterdir()) == ["p.sitat"] and file_digest(p) == before


def test_a_full_disk_lets_read_commands_work(proj, tmp_path):
    """A file-size limit of 0 makes every write fail as on a full disk (EFBIG)."""
    before = file_digest(proj)
    r = _sitat(_args(READ, proj), limit=0)
    _show("full disk: docs", r)
    assert r.code == 0 and "fg" in r.out and "damaged" not in r.err
    r = _sitat(_args(WRITE, proj), limit=0)
    _show("full disk: attr", r)
    _refused(r, "disk holding p.sitat is full")
    r = _sitat(["codebook", "export", proj, tmp_path / "bok.qdc"], limit=100)
    _show("full disk: codebook export", r)
    _refused(r, "disk is full")
    assert file_digest(proj) == before
    assert sorted(x.name for x in tmp_path.iterdir() if x.name.startswith((".", "p.sitat"))) \
        == ["p.sitat"]  # no lock, -wal, -shm or .sitat-*.tmp left behind


@pytest.fixture
def full_disk(tmp_path):
    """A real, tiny and full file system (tmpfs), where this machine lets us mount one."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_a_really_full_disk(proj, full_disk):
    p = full_disk / "p.sitat"
    p.write_bytes(proj.read_bytes())
    try:
        with open(full_disk / "fyll", "wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError:
        pass
    env = {"SITAT_INDEX_DIR": str(full_disk / "idx")}
    before = file_digest(p)
    for args, needle in ((READ, ""), (WRITE, "disk holding p.sitat is full"),
                         (("search", "{p}", "hei"), "disk is full: the search index"),
                         (("codebook", "export", "{p}", str(full_disk / "b.qdc")),
                          "disk is full")):
        r = _sitat(_args(args, p), env=env)
        _show(f"really full disk: {args[0]}", r)
        if needle:
            _refused(r, needle)
        else:
            assert r.code == 0 and "fg" in r.out
    assert file_digest(p) == before
    assert sorted(x.name for x in full_disk.iterdir()) in (["fyll", "p.sitat"],
                                                            ["fyll", "idx", "p.sitat"])


# -- what a killed Sitat left behind -----------------------------------------------------------
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftover_temporary_files_are_removed_at_the_next_start(cli, proj, tmp_path):
    dead, old = _dead_pid(), time.time() - 3 * 86400
    gone = [tmp_path / f".sitat-{dead}-k3j4h5g6.docx", tmp_path / f".sitat-{dead}-abcdefgh.tmp",
            tmp_path / ".sitat-qwertyui.tmp"]
    kept = [tmp_path / f".sitat-{os.getpid()}-abcdefgh.tmp",  # a live writer's
            tmp_path / ".sitat-zxcvbnmq.tmp",  # recent, and no pid to ask
            tmp_path / f"notes.sitat-{dead}-abcdefgh.tmp", tmp_path / "sitat-abcdefgh.tmp",
            tmp_path / f".sitat-{dead}-abcdefgh.tmp.bak.old"]
    for f in gone + kept:
        f.write_bytes(b"half")
    os.utime(gone[2], (old, old))
    r = cli(*_args(READ, proj))
    assert r.code == 0
    print(f"  {'leftover save files at the next start':<46} removed {len(gone)}, kept "
          f"{len(kept)}")
    assert [f for f in gone if f.exists()] == [] and all(f.exists() for f in kept)


KILLED_IMPORT = """
import sys, time
sys.path.insert(0, {root!r})
from app.core.refi import qdpx_import as qi
real = qi._write
def slow(*a, **k):
    real(*a, **k)
    print("ready", flush=True)
    time.sleep(120)
qi._write = slow
qi.import_qdpx({src!r}, {out!r})
"""


def test_a_killed_refi_import_is_cleaned_up(cli, proj, tmp_path):
    qdpx = tmp_path / "p.qdpx"
    assert cli("refi", "export", proj, qdpx).code == 0
    folder = tmp_path / "ny"
    folder.mkdir()
    out = folder / "ny.sitat"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT.format(
        root=str(ROOT), src=str(qdpx), out=str(out))], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        hidden = sorted(x.name for x in folder.iterdir())
        assert any(n.endswith(".sitat.lock") for n in hidden), hidden
        assert cli("refi", "import", qdpx, folder / "annen.sitat").code == 0
        assert set(hidden) <= {x.name for x in folder.iterdir()}  # still running: kept
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    decoy = folder / ".ny.importing-notes.txt"
    decoy.write_text("not Sitat's")
    r = cli("refi", "import", qdpx, out)
    _show("refi import after a killed one", r)
    assert r.code == 0 and out.is_file()
    assert sorted(x.name for x in folder.iterdir()) == [".ny.importing-notes.txt", "annen.sitat",
                                                        "ny.sitat"]


def test_leftovers_of_a_killed_import_go_when_a_project_is_opened(cli, proj, tmp_path):
    from app.core.project import Project

    dead = _dead_pid()
    hidden = tmp_path / f".x.importing-{dead}-0123abcd.sitat"
    Project.create(hidden).close()
    stale = tmp_path / ".y.importing-89abcdef.sitat"  # the older name: the lock tells the pid
    Project.create(stale).close()
    Path(f"{stale}.lock").write_text(json.dumps({"pid": dead, "host": os.uname().nodename}))
    Path(f"{hidden}-wal").write_bytes(b"")
    r = cli(*_args(READ, proj))
    assert r.code == 0
    assert sorted(x.name for x in tmp_path.iterdir() if ".importing-" in x.name) == []


# -- messages ----------------------------------------------------------------------------------
def test_the_index_fallback_warning_is_a_plain_message(cli, proj, tmp_path, monkeypatch):
    blocked = tmp_path / "fil"
    blocked.write_text("a file where the index folder should be")
    monkeypatch.setenv("SITAT_INDEX_DIR", str(blocked / "idx"))
    r = cli("search", proj, "hei")
    _show("index folder cannot be used", r)
    assert r.code == 0 and "Hei alle sammen." in r.out
    lines = [x for x in r.err.splitlines() if x.strip()]
    assert lines[0].startswith("warning: The search index folder") and len(lines) == 2
    assert "Warning" not in r.err and "warn(" not in r.err


def test_a_save_on_a_full_disk_says_so_and_leaves_nothing(tmp_path):
    import errno

    from app.core.files import save_atomic
    from app.errors import SitatError

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"half a file")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    folder = tmp_path / "ut"
    folder.mkdir()
    with pytest.raises(SitatError, match="Cannot write sitater.docx: the disk is full"):
        save_atomic(folder / "sitater.docx", write)
    assert list(folder.iterdir()) == []
