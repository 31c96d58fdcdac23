"""The whoosh index of a project: one entry per speaker turn or paragraph with its offsets,
speaker and attributes; kept in the user's cache directory (keyed by the project's id) and
brought up to date - or rebuilt - whenever it is missing, stale or corrupt."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.i18n import _

INDEX_VERSION = 2
ENV_DIR = "SITAT_INDEX_DIR"
# What whoosh raises for an index that is damaged or half written.
_BROKEN = (EOFError, FileNotFoundError, IndexError, OSError, ValueError, KeyError)


def _whoosh_errors() -> tuple:
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


def fingerprints(s) -> dict[str, str]:
    """document guid -> hash of its text and attribute values (what the index holds)."""
    from app.core.attributes import values_by_document
    from app.models import Document

    values = values_by_document(s)
    return {guid: hashlib.sha1((sha + json.dumps(values.get(i, {}), sort_keys=True))
                               .encode("utf-8")).hexdigest()
            for i, guid, sha in s.execute(select(Document.id, Document.guid, Document.sha256))}


class ProjectIndex:
    """Open (and maintain) the index of one project. Use `searcher()` after `ensure()`."""

    def __init__(self, project, folder: Path | None = None) -> None:
        self.project = project
        self.warning = ""
        self.folder = folder or self._writable(cache_root() / project.id)
        self._ix = None
        self._texts: dict[str, tuple[int, str, str]] = {}  # guid -> (id, name, text)

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

    def rebuild(self) -> int:
        """Throw the index away and index every document again. Returns units indexed."""
        self.close()
        self._texts.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        from whoosh import index

        self._ix = index.create_in(str(self.folder), schema())
        with self.project.read() as s:
            wanted = fingerprints(s)
        n = self._write(set(wanted), set())
        self._save_state(wanted)
        return n

    def ensure(self) -> str:
        """Make the index match the project: 'fresh', 'updated' or 'rebuilt'."""
        from whoosh import index

        errors = _whoosh_errors()
        state = self._state()
        try:
            if not state or not index.exists_in(str(self.folder)):
                raise FileNotFoundError("no index")
            self._ix = self._ix or index.open_dir(str(self.folder))
            with self._ix.searcher() as probe:
                probe.doc_count()
        except errors:
            self.rebuild()
            return "rebuilt"
        with self.project.read() as s:
            wanted = fingerprints(s)
        have = state.get("documents", {})
        changed = {g for g, f in wanted.items() if have.get(g) != f}
        removed = set(have) - set(wanted)
        if not changed and not removed:
            return "fresh"
        self._texts.clear()
        try:
            self._write(changed, removed | (changed & set(have)))
        except errors:
            self.rebuild()
            return "rebuilt"
        self._save_state(wanted)
        return "updated"

    def _write(self, add: set[str], delete: set[str]) -> int:
        from app.core.attributes import values_by_document
        from app.models import Document, SpeakerTurn

        writer = self._ix.writer(limitmb=256)
        n = 0
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
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return n

    def searcher(self):
        return self._ix.searcher()

    def close(self) -> None:
        if self._ix is not None:
            self._ix.close()
            self._ix = None


def drop_index(project) -> None:
    """Delete the project's search index (after text was replaced for good, so the old words do
    not linger in the cache; it is rebuilt on the next search)."""
    for folder in (cache_root() / project.id,
                   Path(tempfile.gettempdir()) / "sitat-index" / project.id):
        shutil.rmtree(folder, ignore_errors=True)
