"""The search index is loaded only when Sitat can trust it: whoosh's files are pickles, so a
planted or altered file must never be unpickled. The index lives in a private folder (0700,
this user's), is checked against a signature made with a per-user key kept outside it, and is
built again - never loaded - when anything does not match. Damage, a full disk and odd files
where Sitat keeps its own are answered without a traceback."""

from __future__ import annotations

import errno
import os
import pickle
import random
import stat
from pathlib import Path

import pytest

from app.core.search import storage
from app.core.search.index import ProjectIndex
from app.core.search.service import search
from app.errors import SitatError

TEXT = "Intervjuer: Hva tenker brukerne?\nDeltaker 1: Brukere trenger en fast kontaktperson.\n"


@pytest.fixture
def proj(project, tmp_path, monkeypatch):
    from app.core.documents import import_files

    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(storage, "_process_key", None)
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    import_files(project, [src])
    return project


def _texts(r):
    return [h.text for h in r.hits]


class _Marker:
    """A pickle that, when loaded, creates a file: what a planted index file could do."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def _built(proj) -> Path:
    ix = ProjectIndex(proj)
    assert _texts(search(proj, "bruker", index=ix)) == ["brukerne", "Brukere"]
    ix.close()
    return ix.folder


def test_a_planted_index_file_is_never_unpickled(proj, tmp_path):
    folder = _built(proj)
    marker = tmp_path / "ran"
    for toc in folder.glob("_MAIN_*.toc"):
        toc.write_bytes(pickle.dumps(_Marker(str(marker))))
    r = search(proj, "bruker")
    assert not marker.exists()
    assert r.index_status == "rebuilt" and _texts(r) == ["brukerne", "Brukere"]
    # A newer generation planted beside the real one (whoosh reads the newest) is refused too.
    (folder / "_MAIN_99.toc").write_bytes(pickle.dumps(_Marker(str(marker))))
    assert search(proj, "bruker").index_status == "rebuilt" and not marker.exists()


def test_an_index_signed_with_another_key_is_rebuilt(proj, tmp_path, monkeypatch):
    folder = _built(proj)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "other-user"))
    assert search(proj, "bruker").index_status == "rebuilt"
    key = storage.key_path()
    assert key.read_bytes() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not (folder / "index.key").exists()  # the key is never kept beside the index
    assert search(proj, "bruker").index_status == "fresh"


def test_cache_folders_are_private(proj, tmp_path):
    folder = _built(proj)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(storage.key_path().parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("how", ["writable by others", "owned by another user", "symlink root"])
def test_an_unsafe_cache_folder_is_not_used(proj, tmp_path, monkeypatch, how):
    root = tmp_path / "shared"
    root.mkdir()
    if how == "writable by others":
        root.chmod(0o777)
    elif how == "owned by another user":
        if os.geteuid() != 0:
            pytest.skip("only root can give a folder away")
        (root / proj.id).mkdir(mode=0o700)
        os.chown(root / proj.id, 65534, 65534)
    else:
        real = tmp_path / "elsewhere"
        real.mkdir(mode=0o777)
        real.chmod(0o777)
        root.rmdir()
        root.symlink_to(real)
    monkeypatch.setenv("SITAT_INDEX_DIR", str(root))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    ix = ProjectIndex(proj)
    r = search(proj, "bruker", index=ix)
    print(f"  cache folder {how}: {r.warning}")
    assert _texts(r) == ["brukerne", "Brukere"] and "cannot be used" in r.warning
    assert not str(ix.folder).startswith(str(root)) and ix.folder.name != proj.id
    assert ix.folder.name.startswith("sitat-index-") and ix.folder.parent == tmp_path
    assert stat.S_IMODE(ix.folder.stat().st_mode) == 0o700  # mkdtemp: unpredictable, private
    assert not (tmp_path / "sitat-index").exists()  # the old predictable fallback
    ix.close()


def test_tmpdir_sitat_index_being_a_file_does_not_matter(proj, tmp_path, monkeypatch):
    import tempfile

    (tmp_path / "sitat-index").write_text("not a folder")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("SITAT_INDEX_DIR", str(blocked / "idx"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    r = search(proj, "bruker")
    assert _texts(r) == ["brukerne", "Brukere"] and r.warning
    assert (tmp_path / "sitat-index").read_text() == "not a folder"


def test_the_index_folder_as_a_symlink_is_not_followed(proj, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.txt").write_text("years of work")
    root = tmp_path / "idx"
    root.mkdir(mode=0o700)
    (root / proj.id).symlink_to(victim)
    r = search(proj, "bruker")
    assert _texts(r) == ["brukerne", "Brukere"]
    assert sorted(p.name for p in victim.iterdir()) == ["thesis.txt"]
    assert (victim / "thesis.txt").read_text() == "years of work"
    assert not (root / proj.id).is_symlink() and (root / proj.id).is_dir()


def test_a_symlinked_key_is_not_followed(proj, tmp_path):
    target = tmp_path / "target.txt"
    key = storage.key_path()
    key.parent.mkdir(parents=True, mode=0o700)
    key.symlink_to(target)  # dangling: the target must not be created
    assert _texts(search(proj, "bruker")) == ["brukerne", "Brukere"]
    assert not target.exists() and key.is_symlink()
    target.write_bytes(b"k" * storage.KEY_BYTES)
    target.chmod(0o644)
    assert _texts(search(proj, "bruker")) == ["brukerne", "Brukere"]
    assert target.read_bytes() == b"k" * storage.KEY_BYTES


@pytest.mark.parametrize("content", [b"[]", b"null", b"{}", b'"x"', b"{\"version\": []}",
                                     b"\xff\xfe", b'{"documents": null, "version": "3.1"}'])
def test_an_odd_state_file_means_a_rebuild(proj, content):
    folder = _built(proj)
    (folder / storage.STATE).write_bytes(content)
    r = search(proj, "bruker")
    assert r.index_status == "rebuilt" and _texts(r) == ["brukerne", "Brukere"]


def test_sixty_random_toc_corruptions_still_answer(proj):
    """Even a TOC that Sitat itself signed and the disk then damaged (so whoosh does read it)
    gives a rebuilt index and the right hits, never a traceback."""
    folder = _built(proj)
    rng = random.Random(15)
    for i in range(60):
        ix = ProjectIndex(proj)
        assert ix.ensure() in ("fresh", "rebuilt")
        ix.close()
        (toc,) = folder.glob("_MAIN_*.toc")
        data = bytearray(toc.read_bytes())
        kind = i % 4
        if kind == 0:
            data = data[:rng.randrange(len(data))]
        elif kind == 1:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 2:
            at = rng.randrange(len(data))
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
        else:
            data = bytearray(rng.randbytes(rng.randint(0, 300)))
        toc.write_bytes(bytes(data))
        state = storage.read_state(folder, storage.index_key(), ProjectIndex._version())
        storage.write_state(folder, storage.index_key(), ProjectIndex._version(),
                            state["documents"], storage.sign_files(folder, storage.index_key(),
                                                                   {}))
        r = search(proj, "bruker")
        assert _texts(r) == ["brukerne", "Brukere"], i


class _FullFile:
    def __init__(self, real, budget: list[int]) -> None:
        self._real, self._budget = real, budget

    def write(self, data) -> int:
        self._budget[0] -= len(data)
        if self._budget[0] < 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._real.write(data)

    def __getattr__(self, name):
        return getattr(self._real, name)


@pytest.mark.parametrize("budget", [0, 2000])
def test_a_full_disk_while_building_the_index_says_so(proj, monkeypatch, budget):
    from whoosh.filedb import filestore

    left = [budget]
    real_open = open
    monkeypatch.setattr(filestore, "open",
                        lambda *a, **k: _FullFile(real_open(*a, **k), left), raising=False)
    ix = ProjectIndex(proj)
    with pytest.raises(SitatError, match="disk is full: the search index cannot be built"):
        search(proj, "bruker", index=ix)
    assert storage.index_files(ix.folder) == []  # nothing half-built is left to load
    monkeypatch.setattr(filestore, "open", real_open, raising=False)  # room again
    assert _texts(search(proj, "bruker", index=ix)) == ["brukerne", "Brukere"]
    ix.close()
