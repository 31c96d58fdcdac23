"""The whoosh index of a project: one entry per speaker turn or paragraph with its offsets,
speaker and attributes; kept in the user's cache directory (keyed by the project's id) and
brought up to date - or rebuilt - whenever it is missing, stale or corrupt."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import struct
import tempfile
import warnings
import zlib
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from app.errors import Cancelled
from app.i18n import _

Progress = Callable[[float], bool]  # share done (0-1) -> go on?

INDEX_VERSION = 2
ENV_DIR = "SITAT_INDEX_DIR"
# What whoosh raises for an index that is damaged or half written (struct, zlib and pickle
# errors come from segment files with garbage in them).
_BROKEN = (EOFError, FileNotFoundError, IndexError, OSError, ValueError, KeyError,
           struct.error, zlib.error, pickle.UnpicklingError)


def whoosh_errors() -> tuple:
    from whoosh.filedb.filetables import FileFormatError
    from whoosh.index import EmptyIndexError, IndexVersionError
    from whoosh.index import IndexError as WhooshIndexError

    return (EmptyIndexError, IndexVersionError, WhooshIndexError, FileFormatError) + _BROKEN


def cache_root() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sitat" / "index"


def schema():
    from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

    from app.core.search.norwegian import exact_analyzer, norwegian_analyzer

    s = Schema(
        doc=ID(stored=True),  # document guid
        unit=ID(unique=True, stored=True),  # "guid:start"
        start=NUMERIC(stored=True, signed=False),
        end=STORED(),
        speaker=ID(stored=True),
        content=TEXT(analyzer=norwegian_analyzer(), phrase=True, chars=True),
        exact=TEXT(analyzer=exact_analyzer(), phrase=True, chars=True),
    )
    s.add("attr_*", ID(stored=False), glob=True)
    return s


def attr_field(name: str) -> str:
    """The whoosh field of an attribute (names may contain any character)."""
    return "attr_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    speaker: str


def units(text: str, turns: list[tuple[int, int, str]]) -> list[Unit]:
    """Speaker turns, and paragraphs for text outside any turn; each with its exact range."""
    out: list[Unit] = []
    pos = 0
    for start, end, speaker in sorted(turns):
        out += _paragraphs(text, pos, text.rfind("\n", 0, start) + 1 if start > pos else pos)
        out.append(Unit(start, end, speaker))
        pos = max(pos, end)
    out += _paragraphs(text, pos, len(text))
    return [u for u in out if text[u.start:u.end].strip()]


def _paragraphs(text: str, lo: int, hi: int) -> list[Unit]:
    out, start = [], lo
    while start < hi:
        cut = text.find("\n\n", start, hi)
        end = hi if cut < 0 else cut
        if text[start:end].strip():
            out.append(Unit(start, end, ""))
        start = end + 2 if cut >= 0 else hi
    return out


def fingerprints(s, with_names: bool = False):
    """document guid -> hash of its text and attribute values (what the index holds); with
    `with_names`, also guid -> document name (names are shown with hits, not indexed)."""
    from app.core.attributes import values_by_document
    from app.models import Document

    values = values_by_document(s)
    rows = s.execute(select(Document.id, Document.guid, Document.sha256, Document.name)).all()
    out = {guid: hashlib.sha1((sha + json.dumps(values.get(i, {}), sort_keys=True))
                              .encode("utf-8")).hexdigest()
           for i, guid, sha, _name in rows}
    return (out, {guid: name for _i, guid, _sha, name in rows}) if with_names else out


class ProjectIndex:
    """Open (and maintain) the index of one project. Use `searcher()` after `ensure()`."""

    def __init__(self, project, folder: Path | None = None) -> None:
        self.project = project
        self.warning = ""
        self.folder = folder or self._writable(cache_root() / project.id)
        self._ix = None
        self._searcher = None
        self._revision: int | None = None  # the project revision last found in step
        self._seen: tuple | None = None  # (fingerprints, names) the caches below belong to
        self._texts: dict[str, tuple[int, str, str]] = {}  # guid -> (id, name, text)
        self._values: dict[int, dict[str, str]] | None = None
        self._passages: dict[int, tuple[str, int, int, str]] = {}
        self._all_passages = False

    def _forget(self) -> None:
        """Drop what was cached from the project and the index (they changed)."""
        self._texts.clear()
        self._values = None
        self._passages.clear()
        self._all_passages = False

    def texts(self, s, guids) -> dict[str, tuple[int, str, str]]:
        """(id, name, text) of documents, kept between searches until the project changes."""
        from app.models import Document

        missing = [g for g in guids if g not in self._texts]
        if missing:
            for i, g, n, text in s.execute(select(Document.id, Document.guid, Document.name,
                                                  Document.text)
                                           .where(Document.guid.in_(missing))):
                self._texts[g] = (i, n, text)
        return {g: self._texts[g] for g in guids if g in self._texts}

    def values(self, s) -> dict[int, dict[str, str]]:
        """document id -> attribute values, kept until the project changes."""
        from app.core.attributes import values_by_document

        if self._values is None:
            self._values = values_by_document(s)
        return self._values

    def passages(self, docnums) -> dict[int, tuple[str, int, int, str]]:
        """passage docnum -> (document guid, start, end, speaker). Read from the stored fields
        once and kept while the index is unchanged; a search that matches a large share of
        the passages reads them all in one sweep."""
        searcher = self.current()
        want = [d for d in docnums if d not in self._passages]
        if want and not self._all_passages:
            if len(want) > searcher.doc_count() // 5:
                for d, f in searcher.reader().iter_docs():
                    self._passages[d] = (f["doc"], f["start"], f["end"], f["speaker"])
                self._all_passages = True
            else:
                for d in want:
                    f = searcher.stored_fields(d)
                    self._passages[d] = (f["doc"], f["start"], f["end"], f["speaker"])
        return {d: self._passages[d] for d in docnums}

    def _writable(self, folder: Path) -> Path:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".probe"
            probe.write_bytes(b"")
            probe.unlink()
            return folder
        except OSError:
            fallback = Path(tempfile.gettempdir()) / "sitat-index" / self.project.id
            fallback.mkdir(parents=True, exist_ok=True)
            self.warning = _("The search index folder {folder} cannot be written; using "
                             "{fallback} for now.").format(folder=folder, fallback=fallback)
            warnings.warn(self.warning, stacklevel=2)
            return fallback

    @property
    def _state_file(self) -> Path:
        return self.folder / "sitat-state.json"

    @staticmethod
    def _version() -> str:
        from app.core.search.norwegian import ANALYZER_VERSION

        return f"{INDEX_VERSION}.{ANALYZER_VERSION}"

    def _state(self) -> dict:
        try:
            data = json.loads(self._state_file.read_text(encoding="utf-8"))
            return data if data.get("version") == self._version() else {}
        except (OSError, ValueError):
            return {}

    def _save_state(self, docs: dict[str, str]) -> None:
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": self._version(), "documents": docs}),
                       encoding="utf-8")
        os.replace(tmp, self._state_file)

    def rebuild(self, progress: Progress | None = None) -> int:
        """Throw the index away and index every document again. Returns units indexed.
        `progress(share_done)` is called as it goes; when it returns False the build stops
        with `Cancelled` (the next search starts it again)."""
        self.close()
        self._forget()
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        from whoosh import index

        self._ix = index.create_in(str(self.folder), schema())
        with self.project.read() as s:
            wanted = fingerprints(s)
        n = self._write(set(wanted), set(), progress)
        self._save_state(wanted)
        return n

    def ensure(self, progress: Progress | None = None) -> str:
        """Make the index match the project: 'fresh', 'updated' or 'rebuilt' (see `rebuild`
        for `progress`)."""
        from whoosh import index

        errors = whoosh_errors()
        revision = self.project.revision()  # every write to the project moves it on
        try:
            if (self._searcher is not None and revision == self._revision
                    and self._searcher.up_to_date()):
                return "fresh"
        except errors:  # the folder went away under the open searcher: look closer below
            self._revision = None
        state = self._state()
        try:
            if not state or not index.exists_in(str(self.folder)):
                raise FileNotFoundError("no index")
            if self._searcher is None:
                self._ix = self._ix or index.open_dir(str(self.folder))
                self._searcher = self._ix.searcher()
                self._searcher.doc_count()
            elif not self._searcher.up_to_date():  # another window or process wrote it
                self._reopen()
        except errors:
            self.rebuild(progress)
            return "rebuilt"
        with self.project.read() as s:
            wanted, names = fingerprints(s, with_names=True)
        have = state.get("documents", {})
        changed = {g for g, f in wanted.items() if have.get(g) != f}
        removed = set(have) - set(wanted)
        if self._seen != (wanted, names):
            self._forget()
            self._seen = (wanted, names)
        if not changed and not removed:
            self._revision = revision
            return "fresh"
        try:
            self._write(changed, removed | (changed & set(have)), progress)
        except errors:
            self.rebuild(progress)
            return "rebuilt"
        self._save_state(wanted)
        self._revision = revision
        return "updated"

    # Share of a build spent reading and analysing documents; whoosh's commit (sorting and
    # writing the postings) takes the rest and cannot report or stop half way.
    _ANALYSIS_SHARE = 0.6

    def _write(self, add: set[str], delete: set[str], progress: Progress | None = None) -> int:
        from app.core.attributes import values_by_document
        from app.models import Document, SpeakerTurn

        writer = self._ix.writer(limitmb=256)
        n = done = 0
        try:
            for guid in delete:
                writer.delete_by_term("doc", guid)
            with self.project.read() as s:
                values = values_by_document(s)
                for doc_id, guid, text in s.execute(
                        select(Document.id, Document.guid, Document.text)
                        .where(Document.guid.in_(list(add)))):
                    turns = list(s.execute(select(SpeakerTurn.start, SpeakerTurn.end,
                                                  SpeakerTurn.speaker)
                                           .where(SpeakerTurn.document_id == doc_id)).all())
                    attrs = {attr_field(k): v for k, v in values.get(doc_id, {}).items()}
                    for u in units(text, turns):
                        body = text[u.start:u.end]
                        writer.add_document(doc=guid, unit=f"{guid}:{u.start}", start=u.start,
                                            end=u.end, speaker=u.speaker, content=body,
                                            exact=body, **attrs)
                        n += 1
                    done += 1
                    if progress and not progress(self._ANALYSIS_SHARE * done / len(add)):
                        raise Cancelled(_("The search index was not built: stopped."))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if progress:
            progress(1.0)
        if self._searcher is not None:
            self._reopen()
        return n

    def _reopen(self) -> None:
        """A new searcher on the index as it is now. (Not whoosh's `refresh()`: it reuses the
        old segment reader and with it the old list of deleted passages.)"""
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = self._ix.searcher()
        self._passages.clear()
        self._all_passages = False

    def current(self):
        """The open searcher (kept between searches, refreshed when the index changes); call
        `ensure()` first. Do not close it: `close()` does."""
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher

    def searcher(self):
        """A new searcher, for callers that manage its lifetime (`with ix.searcher() as s`)."""
        return self._ix.searcher()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._passages.clear()
        self._all_passages = False
        if self._ix is not None:
            self._ix.close()
            self._ix = None


def drop_index(project) -> None:
    """Delete the project's search index (after text was replaced for good, so the old words do
    not linger in the cache; it is rebuilt on the next search)."""
    for folder in (cache_root() / project.id,
                   Path(tempfile.gettempdir()) / "sitat-index" / project.id):
        shutil.rmtree(folder, ignore_errors=True)
