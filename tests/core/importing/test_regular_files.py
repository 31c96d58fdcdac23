"""Every file a user names is read only when it is an ordinary file, and never beyond a cap.

A named pipe (FIFO) made `open()` wait forever for a writer and /dev/zero never ended. Each
reader is called in a thread with a time limit, so a reader that waits shows up as a failure
instead of a hung test run; a waiting reader is released afterwards by opening the pipe for
writing.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from app.core.files import reading as safe_read
from app.errors import CodebookError, ImportFailed, InvalidInput, ProjectError, SitatError

pytestmark = [pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here"),
              pytest.mark.sqlite_only]  # pipes and devices named as files


def _release(pipe: Path) -> None:
    """Let a reader that is still waiting on `pipe` go (it then reads end of file)."""
    try:
        fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # nobody is waiting
        return
    os.close(fd)


def _outcome(call, pipe: Path | None = None, seconds: float = 20.0):
    """What `call()` raised (or returned) within `seconds`; fails when it waits longer."""
    result: list = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            result.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive() and pipe is not None:
        _release(pipe)
        worker.join(5)
    assert result, "the reader is still waiting on the file"
    return result[0]


@pytest.fixture
def pipe(tmp_path: Path):
    path = tmp_path / "ror"
    os.mkfifo(path)
    yield path
    _release(path)


def _pipe_named(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


def test_safe_read_refuses_pipes_devices_and_folders(tmp_path: Path, pipe: Path) -> None:
    for path, kind in ((pipe, "a named pipe"), (Path("/dev/zero"), "a device"),
                       (tmp_path, "a folder")):
        err = _outcome(lambda p=path: safe_read.read_capped(p, 100), path)
        assert isinstance(err, InvalidInput) and kind in str(err), err
    ok = tmp_path / "ok.txt"
    ok.write_bytes(b"x" * 100)
    assert safe_read.read_capped(ok, 100) == b"x" * 100
    ok.write_bytes(b"x" * 101)
    with pytest.raises(InvalidInput, match="more than the limit of 1 KB"):
        safe_read.read_capped(ok, 100)


def test_codebook_file_from_a_pipe_or_device_is_refused(tmp_path: Path) -> None:
    from app.core.refi.qdc import read_qdc_file

    pipe = _pipe_named(tmp_path, "bok.qdc")
    err = _outcome(lambda: read_qdc_file(pipe), pipe)
    assert isinstance(err, CodebookError) and "not an ordinary file" in str(err)
    err = _outcome(lambda: read_qdc_file("/dev/zero"))
    assert isinstance(err, CodebookError) and "(it is a device)" in str(err)
    _release(pipe)


def test_attribute_csv_from_a_pipe_or_device_is_refused(tmp_path: Path) -> None:
    from app.core.attributes import read_attributes_csv

    pipe = _pipe_named(tmp_path, "attr.csv")
    err = _outcome(lambda: read_attributes_csv(pipe), pipe)
    assert isinstance(err, InvalidInput) and "attr.csv is not an ordinary file" in str(err)
    err = _outcome(lambda: read_attributes_csv("/dev/zero"))
    assert isinstance(err, InvalidInput) and "(it is a device)" in str(err)
    _release(pipe)


def test_project_or_merge_source_that_is_a_pipe_is_refused(tmp_path: Path,
                                                            project_path: Path) -> None:
    from app.core.project import Project
    from app.core.team.merge import merge_projects

    pipe = _pipe_named(tmp_path, "kopi.sitat")
    for read_only in (False, True):
        err = _outcome(lambda ro=read_only: Project.open(pipe, read_only=ro), pipe)
        assert isinstance(err, ProjectError) and "kopi.sitat is not an ordinary file" in str(err)
    assert _outcome(lambda: Project.needs_upgrade(pipe), pipe) is False
    before = project_path.read_bytes()
    with Project.open(project_path) as target:
        err = _outcome(lambda: merge_projects(target, [pipe]), pipe)
        assert isinstance(err, ProjectError) and "not an ordinary file" in str(err)
        err = _outcome(lambda: merge_projects(target, [Path("/dev/zero")]))
        assert isinstance(err, ProjectError) and "(it is a device)" in str(err)
    assert project_path.read_bytes() == before
    _release(pipe)


def test_qdpx_that_is_a_pipe_is_named_as_such(tmp_path: Path) -> None:
    from app.core.refi.qdpx_import import import_qdpx

    pipe = _pipe_named(tmp_path, "prosjekt.qdpx")
    err = _outcome(lambda: import_qdpx(pipe, tmp_path / "ut.sitat"), pipe)
    assert isinstance(err, ImportFailed) and "not an ordinary file" in str(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prosjekt.qdpx"]
    _release(pipe)


def test_every_refusal_is_a_sitat_error_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "borte.csv"
    with pytest.raises(SitatError, match="borte.csv does not exist"):
        safe_read.read_capped(missing, 10, InvalidInput)
    with pytest.raises(CodebookError, match="borte.csv does not exist"):
        safe_read.regular_file(missing, CodebookError)
