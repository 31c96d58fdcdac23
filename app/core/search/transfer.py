"""Handing a built search index to another machine: `sitat reindex P --export DIR` writes the
index's files and a manifest (project id, revision, index version, every document's
fingerprint, each file's size and SHA-256 - never the per-user signing key);
`sitat reindex P --import DIR` installs it only when it matches the project (same id, same
index version, the same documents with the same fingerprints) and every file is the one the
manifest names. It is then read - never loaded as it is - in a strict process (quarantine.py):
an index is pickles, and the manifest's hashes only show the files were not changed after the
export, not that whoever exported them meant well. What that process copies into a new index
is signed with this user's key like an index built here. A refused import changes nothing:
neither the project nor the index already in the cache."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.core.search import storage
from app.core.search.index import ProjectIndex, fingerprints
from app.errors import ProjectError
from app.i18n import _, n_

MANIFEST = "sitat-index.json"
FORMAT = "sitat-search-index"
MAX_MANIFEST = 64 * 1024 * 1024
MAX_FILES = 10_000
_NAME = re.compile(r"^_?MAIN_[A-Za-z0-9_]{1,64}\.(?:toc|seg)$")  # whoosh's own file names
_CHUNK = 1 << 20


class IndexRefused(ProjectError):
    """An exported index that does not match the project, or cannot be trusted."""


@dataclass
class Transferred:
    folder: Path  # the export folder, or the index folder the import installed into
    files: int
    documents: int
    passages: int = 0


def export_index(project, dest: Path, progress=None) -> Transferred:
    """Write the project's index (built or brought up to date first) and its manifest to
    `dest`, an empty or new folder."""
    dest = Path(dest)
    if dest.exists() and any(p.name != MANIFEST and not _NAME.match(p.name)
                             for p in dest.iterdir()):
        raise ProjectError(_("{folder} holds other files: export the index into an empty "
                             "folder.").format(folder=dest))
    ix = ProjectIndex(project)
    try:
        ix.ensure(progress)
        state = ix._state()
        if not state:
            raise ProjectError(_("The search index could not be built."))
        dest.mkdir(parents=True, exist_ok=True)
        for old in dest.iterdir():  # an earlier export in the same folder
            old.unlink()
        files = {}
        for name in sorted(state["files"]):
            files[name] = _copy(ix.folder / name, dest / name)
        manifest = {"format": FORMAT, "index_version": ProjectIndex._version(),
                    "project": project.id, "revision": project.revision(),
                    "documents": state["documents"], "files": files}
        tmp = dest / (MANIFEST + ".part")
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, dest / MANIFEST)
    finally:
        ix.close()
    return Transferred(dest, len(files), len(state["documents"]))


def import_index(project, src: Path) -> Transferred:
    """Install the index exported to `src` as this project's index (see the module's
    docstring); raises IndexRefused, saying why, when it does not match or cannot be read."""
    src = Path(src)
    manifest = _manifest(src)
    _matches(project, manifest)
    ix = ProjectIndex(project)
    ix.close()
    work = Path(tempfile.mkdtemp(prefix=".sitat-import-", dir=ix.folder.parent))
    try:
        (work / "in").mkdir(mode=0o700)
        (work / "out").mkdir(mode=0o700)
        for name, meta in manifest["files"].items():
            got = _copy(src / name, work / "in" / name, limit=meta["size"])
            if got != meta:
                raise IndexRefused(_("{name} in {folder} was changed after the index was "
                                     "exported; it was not installed.")
                                   .format(name=name, folder=src))
        passages = _sanitise(work / "in", work / "out")
        _verify(project, work / "out")
        storage.clear_folder(ix.folder)
        for f in (work / "out").iterdir():
            if f.is_file() and f.name not in ("MAIN_WRITELOCK",):
                os.replace(f, ix.folder / f.name)
        key = storage.index_key()
        files = storage.sign_files(ix.folder, key, {})
        storage.write_state(ix.folder, key, ProjectIndex._version(),
                            dict(manifest["documents"]), files)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Transferred(ix.folder, len(files), len(manifest["documents"]), passages)


def _copy(src: Path, dst: Path, limit: int | None = None) -> dict:
    """Copy a regular file (never through a link), returning its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IndexRefused(_("{name} is not an ordinary file.").format(name=src.name))
        with open(dst, "xb") as out:
            while chunk := os.read(fd, _CHUNK):
                size += len(chunk)
                if limit is not None and size > limit:
                    break
                digest.update(chunk)
                out.write(chunk)
    finally:
        os.close(fd)
    return {"size": size, "sha256": digest.hexdigest()}


def _manifest(src: Path) -> dict:
    bad = IndexRefused(_("{folder} is not a search index exported by Sitat (its {manifest} is "
                         "missing or damaged).").format(folder=src, manifest=MANIFEST))
    try:
        path = src / MANIFEST
        if not path.is_file() or path.stat().st_size > MAX_MANIFEST:
            raise bad
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise bad from exc
    files, docs = (data.get("files"), data.get("documents")) if isinstance(data, dict) \
        else (None, None)
    if (data.get("format") != FORMAT if isinstance(data, dict) else True) \
            or not isinstance(files, dict) or not isinstance(docs, dict) \
            or not 0 < len(files) <= MAX_FILES \
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in docs.items()) \
            or not all(isinstance(n, str) and _NAME.match(n) and isinstance(m, dict)
                       and set(m) == {"size", "sha256"} and type(m["size"]) is int
                       and m["size"] >= 0 and isinstance(m["sha256"], str)
                       for n, m in files.items()):
        raise bad
    extra = sorted(p.name for p in src.iterdir() if p.name != MANIFEST and p.name not in files)
    if extra:
        raise IndexRefused(_("{folder} holds files the manifest does not name ({names}); it "
                             "was not installed.").format(folder=src, names=", ".join(extra[:5])))
    return data


def _matches(project, manifest: dict) -> None:
    if manifest.get("index_version") != ProjectIndex._version():
        raise IndexRefused(_("This index was built by another version of Sitat; build it here "
                             "with `sitat reindex` instead."))
    if manifest.get("project") != project.id:
        raise IndexRefused(_("This index belongs to another project; it was not installed."))
    with project.read() as s:
        wanted = fingerprints(s)
    have = manifest["documents"]
    differ = sum(1 for g, f in wanted.items() if have.get(g) != f) + len(set(have) - set(wanted))
    if differ:
        raise IndexRefused(n_(
            "This index does not match the project: {n} document was added, changed or removed "
            "since it was exported. Build the index here with `sitat reindex` instead.",
            "This index does not match the project: {n} documents were added, changed or "
            "removed since it was exported. Build the index here with `sitat reindex` "
            "instead.", differ).format(n=differ))


SAMPLE_PER_DOCUMENT = 2


def _verify(project, folder: Path) -> None:
    """The copied index holds exactly the project's passages (every document's, with their
    ranges), and a sample of them (SAMPLE_PER_DOCUMENT a document) is indexed under the
    terms, positions and characters this machine's analysis gives their text. (The copy was
    written by Sitat from checked values: it is safe to open.)"""
    import random

    from whoosh import index as whoosh_index

    from app.core.attributes import values_by_document
    from app.core.search.index import document_jobs, schema
    from app.core.search.passages import passages, units

    fields = schema()
    wrong = IndexRefused(_("The exported index does not hold what the project's text gives; it "
                           "was not installed. Build it here with `sitat reindex`."))
    ix = whoosh_index.open_dir(str(folder))
    rng = random.Random(0)
    try:
        with ix.searcher() as searcher, project.read() as s:
            r = searcher.reader()
            stored: dict[str, list] = {}
            for d, f in r.iter_docs():
                stored.setdefault(f["doc"], []).append((f["start"], f["end"], d))
            values = values_by_document(s)
            guids = list(fingerprints(s))
            for guid, text, turns, _attrs, form in document_jobs(s, guids, values):
                want = passages(units(text, turns))
                have = sorted(stored.pop(guid, []))
                if [(p.start, p.end) for p in want] != [(a, b) for a, b, _d in have]:
                    raise wrong
                pairs = list(zip(want, have))
                for ps, (_a, _b, d) in rng.sample(pairs, min(SAMPLE_PER_DOCUMENT, len(pairs))):
                    body = ps.body(text)
                    for name in ("content_nn" if form == "nn" else "content", "exact"):
                        for term, _freq, _weight, value in fields[name].index(body):
                            if (name, term) not in r:
                                raise wrong
                            m = r.postings(name, term)
                            m.skip_to(d)
                            if not m.is_active() or m.id() != d or m.value() != value:
                                raise wrong
            if stored:  # passages of documents the project does not have
                raise wrong
    finally:
        ix.close()


def _sanitise(src: Path, dst: Path) -> int:
    """Copy the index in `src` into a new one in `dst` in a strict process (quarantine.py)."""
    import multiprocessing
    import queue

    from app.core.search import quarantine
    from app.core.search.build import no_main

    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    proc = ctx.Process(target=quarantine.sanitise, args=(str(src), str(dst), results),
                       name="sitat-index-import", daemon=True)
    with no_main():
        proc.start()
    try:
        while True:
            try:
                kind, value = results.get(timeout=0.5)
                break
            except queue.Empty:
                if not proc.is_alive():
                    kind, value = "refused", _("the reading process stopped")
                    break
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.terminate()
    if kind != "ok":
        raise IndexRefused(_("The exported index could not be read safely ({reason}); it was "
                             "not installed. Build it here with `sitat reindex`.")
                           .format(reason=value))
    return int(value)
