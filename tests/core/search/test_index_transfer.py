"""Handing a built index to another machine (`sitat reindex --export/--import`): a round trip
gives an index that answers at once; an index of another project, of documents changed since,
with a file changed after the export, with unnamed files, or carrying a planted pickle (with a
manifest that matches it) is refused with a message - nothing from it is unpickled and neither
the project nor the index already there changes."""

from __future__ import annotations

import hashlib
import json
import pickle

import pytest

from app.core.search import storage
from app.core.search.index import ProjectIndex
from app.core.search.service import search
from app.core.search.transfer import MANIFEST, IndexRefused, export_index, import_index
from tests.conftest import project_digest, run_cli

TEXT = "Intervjuer: Hva tenker brukerne?\nDeltaker 1: Brukere trenger en fast kontaktperson.\n"


@pytest.fixture
def proj(project, tmp_path, monkeypatch):
    from app.core.documents import import_files

    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(storage, "_process_key", None)
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    more = tmp_path / "more.txt"  # passages of their own: terms in several passages
    more.write_text("".join(f"Deltaker {i % 2}: Om tjenesten {i} sier jeg at hjelpen kom, men "
                            f"kontakten med tjenesten var {'god' if i % 3 else 'dårlig'} og "
                            "ventetiden lang, som for de fleste.\n" for i in range(40)),
                    encoding="utf-8")
    import_files(project, [src, more])
    return project


def _texts(r):
    return [h.text for h in r.hits]


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


class _Marker:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_export_then_import_gives_an_index_that_answers_at_once(proj, tmp_path, monkeypatch):
    out = tmp_path / "export"
    done = export_index(proj, out)
    assert done.documents == 2 and (out / MANIFEST).is_file()
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["project"] == proj.id and len(manifest["documents"]) == 2
    key = storage.index_key()
    assert all(key not in p.read_bytes() and key.hex().encode() not in p.read_bytes()
               for p in out.iterdir())  # the signing key never leaves the machine
    # "another machine": another user key and an empty cache
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "other-user"))
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "other-cache"))
    monkeypatch.setattr(storage, "_process_key", None)
    before = project_digest(proj.path)
    got = import_index(proj, out)
    assert got.documents == 2 and got.passages == 41  # two short turns share one passage
    r = search(proj, "bruker")
    assert r.index_status == "fresh" and _texts(r) == ["brukerne", "Brukere"]
    assert len(search(proj, '"med tjenesten"').hits) == 40
    assert project_digest(proj.path) == before


def _installed(proj):
    ix = ProjectIndex(proj)
    assert _texts(search(proj, "bruker", index=ix)) == ["brukerne", "Brukere"]
    ix.close()
    return ix.folder, _snapshot(ix.folder)


def _refused(proj, src, words: str):
    folder, before = _installed(proj)
    digest = project_digest(proj.path)
    with pytest.raises(IndexRefused, match=words):
        import_index(proj, src)
    assert _snapshot(folder) == before and project_digest(proj.path) == digest
    assert search(proj, "bruker").index_status == "fresh"


def test_an_index_of_changed_documents_is_refused(proj, tmp_path):
    from app.core.documents import import_files

    out = tmp_path / "export"
    export_index(proj, out)
    extra = tmp_path / "ny.txt"
    extra.write_text("Deltaker: Noe nytt.\n", encoding="utf-8")
    import_files(proj, [extra])
    _refused(proj, out, "does not match the project: 1 document was added")


def test_an_index_of_another_project_is_refused(proj, tmp_path):
    out = tmp_path / "export"
    export_index(proj, out)
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["project"] = "0" * 36
    (out / MANIFEST).write_text(json.dumps(manifest))
    _refused(proj, out, "belongs to another project")


def test_a_file_changed_after_the_export_is_refused(proj, tmp_path):
    out = tmp_path / "export"
    export_index(proj, out)
    seg = next(out.glob("*.seg"))
    data = bytearray(seg.read_bytes())
    data[len(data) // 2] ^= 0xFF
    seg.write_bytes(bytes(data))
    _refused(proj, out, "was changed after the index was exported")
    (out / "planted.py").write_text("print('hi')")
    _refused(proj, out, "files the manifest does not name")


def test_a_planted_pickle_is_never_unpickled_even_with_a_matching_manifest(proj, tmp_path):
    out = tmp_path / "export"
    export_index(proj, out)
    marker = tmp_path / "ran"
    manifest = json.loads((out / MANIFEST).read_text())
    toc = next(out.glob("_MAIN_*.toc"))
    # whoosh's table of contents, written as whoosh writes it, with a schema pickle that
    # would create a file when loaded; the manifest is made to match it
    import io

    from whoosh import __version__
    from whoosh.filedb.fileindex import _INDEX_VERSION
    from whoosh.filedb.structfile import StructFile
    from whoosh.system import _FLOAT_SIZE, _INT_SIZE

    buf = io.BytesIO()
    f = StructFile(buf)
    f.write_varint(_INT_SIZE)
    f.write_varint(_FLOAT_SIZE)
    f.write_int(-12345)
    f.write_int(_INDEX_VERSION)
    for n in __version__[:3]:
        f.write_varint(n)
    f.write_string(pickle.dumps(_Marker(str(marker)), 2))
    f.write_int(int(toc.name.split("_")[-1].split(".")[0]))
    f.write_int(0)
    f.write_pickle([])
    data = buf.getvalue()
    toc.write_bytes(data)
    manifest["files"][toc.name] = {"size": len(data),
                                   "sha256": hashlib.sha256(data).hexdigest()}
    (out / MANIFEST).write_text(json.dumps(manifest))
    _refused(proj, out, "could not be read safely")
    assert not marker.exists()


def test_a_well_formed_index_that_lacks_a_passage_is_refused(proj, tmp_path):
    from whoosh import index

    out = tmp_path / "export"
    export_index(proj, out)
    ix = index.open_dir(str(out))  # doctored by someone who can run whoosh
    w = ix.writer()
    w.delete_by_term("speaker", "Intervjuer")
    w.commit(optimize=True)
    ix.close()
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"] = {p.name: {"size": p.stat().st_size,
                                  "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
                         for p in out.iterdir() if p.suffix in (".seg", ".toc")}
    for p in out.iterdir():
        if p.name != MANIFEST and p.name not in manifest["files"]:
            p.unlink()
    (out / MANIFEST).write_text(json.dumps(manifest))
    _refused(proj, out, "does not hold what the project's text gives")


def test_the_strict_unpickler_reads_plain_values_only(tmp_path):
    import io

    from app.core.search.quarantine import StrictUnpickler

    def strict(data):
        return StrictUnpickler(io.BytesIO(data)).load()

    for value in (b"", b"\x00\xff", {1, 2}, frozenset({3}), (1, 2.5, "æ"), [b"a", None], 10**30):
        for protocol in (2, 4):
            assert strict(pickle.dumps(value, protocol)) == value
    marker = tmp_path / "ran"
    for evil in (_Marker(str(marker)), print, pytest.raises):
        with pytest.raises(pickle.UnpicklingError, match="not allowed"):
            strict(pickle.dumps(evil, 2))
    assert not marker.exists()


def test_the_command_exports_imports_and_refuses(proj, tmp_path):
    out = tmp_path / "export"
    r = run_cli("reindex", proj.path, "--export", out)
    assert r.code == 0 and "Search index exported: 2 documents" in r.out
    r = run_cli("reindex", proj.path, "--import", out)
    assert r.code == 0 and "Search index imported and checked: 2 documents" in r.out
    r = run_cli("reindex", proj.path, "--import", tmp_path)
    assert r.code == 1 and r.err.startswith("error: ") and "not a search index" in r.err
    r = run_cli("reindex", proj.path)
    assert r.code == 0 and "Search index rebuilt" in r.out
