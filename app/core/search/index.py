"""The whoosh index of a project: one entry per speaker turn or paragraph (runs of short ones
merged, see passages.py) with its offsets, speaker and attributes; kept in the user's cache
directory (keyed by the project's id, see storage.py for why it may be trusted) and brought up
to date - or rebuilt - whenever it is missing, stale, unsigned or corrupt."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from app.core.search import storage
from app.core.search.passages import Parts, Unit, locate, units
from app.core.search.storage import ENV_DIR, cache_root
from app.errors import Cancelled, ProjectError
from app.i18n import _

__all__ = ["ENV_DIR", "INDEX_VERSION", "ProjectIndex", "Unit", "attr_field", "cache_root",
           "drop_index", "fingerprints", "malform", "schema", "units", "whoosh_errors"]

Progress = Callable[[float], bool]  # share done (0-1) -> go on?

INDEX_VERSION = 7  # 4: lemmas from the lexicon, compound parts, nynorsk (issue #18); 5: posting
# blocks in pickle protocol 5 (build.py); 6: text postings as raw 32-bit numbers (terms.py);
# 7: posting blocks of 1024 as arrays, a text block's values one bytes object (terms.block_layout)
# What reading a damaged or half-written index can raise: whoosh's own errors, and whatever
# unpickling or decoding garbage raises (struct, zlib, pickle and the built-in errors below).
_BROKEN = (EOFError, OSError, LookupError, ValueError, TypeError, AttributeError, ImportError,
           ArithmeticError, MemoryError, RecursionError, struct.error, zlib.error,
           pickle.UnpicklingError, re.error,  # re.error: a damaged analyzer pattern
           AssertionError)  # whoosh asserts on what it reads from a table of contents


def whoosh_errors() -> tuple:
    from whoosh.filedb.filetables import FileFormatError
    from whoosh.index import EmptyIndexError, IndexVersionError
    from whoosh.index import IndexError as WhooshIndexError

    return (EmptyIndexError, IndexVersionError, WhooshIndexError, FileFormatError) + _BROKEN


def schema():
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, Schema

    from app.core.search.terms import PassageText

    s = Schema(
        doc=ID(stored=True),  # document guid
        unit=ID(unique=True, stored=True),  # "guid:start"
        start=NUMERIC(stored=True, signed=False),
        end=STORED(),
        speaker=KEYWORD(stored=True, commas=True),  # every speaker of the passage
        merged=ID(),  # "1" for a passage of several short units
        parts=STORED(),  # their (start, end, speaker), relative to the passage
        # TEXT fields (positions and characters) that index a word form's terms once per
        # process: lemmas and compound parts (norwegian.py), and the exact word form
        content=PassageText("nb"),
        content_nn=PassageText("nn"),
        exact=PassageText("exact"),
        malform=ID(),  # "nb" or "nn": which of the two fields above holds the passage
    )
    s.add("attr_*", ID(stored=False), glob=True)
    return s


def attr_field(name: str) -> str:
    """The whoosh field of an attribute (names may contain any character)."""
    return "attr_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


# The document attribute that says a transcript is written in nynorsk (any case); its value
# "nynorsk" or "nn" means nynorsk, anything else (or no value) bokmål.
MALFORM_ATTRIBUTES = ("målform", "malform")
NYNORSK = ("nynorsk", "nn", "nno")


def malform(values: dict[str, str]) -> str:
    """"nn" for a document whose målform attribute says nynorsk, else "nb"."""
    for name, value in values.items():
        if name.strip().casefold() in MALFORM_ATTRIBUTES:
            return "nn" if str(value).strip().casefold() in NYNORSK else "nb"
    return "nb"


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


def document_jobs(s, guids, values: dict[int, dict[str, str]]):
    """Each document's (guid, text, turns, attribute fields, målform), as build.py indexes
    it; `values` as values_by_document gives them."""
    from app.models import Document, SpeakerTurn

    for doc_id, guid, text in s.execute(select(Document.id, Document.guid, Document.text)
                                        .where(Document.guid.in_(list(guids)))):
        turns = list(s.execute(select(SpeakerTurn.start, SpeakerTurn.end, SpeakerTurn.speaker)
                               .where(SpeakerTurn.document_id == doc_id)).all())
        mine = values.get(doc_id, {})
        yield (guid, text, [tuple(t) for t in turns],
               {attr_field(k): v for k, v in mine.items()}, malform(mine))


class ProjectIndex:
    """Open (and maintain) the index of one project. Use `searcher()` after `ensure()`."""

    def __init__(self, project, folder: Path | None = None) -> None:
        self.project = project
        self.warning = ""
        if folder is None:
            folder, self.warning = storage.index_folder(project.id)
        else:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.folder = folder
        self._key = storage.index_key()
        self._known: dict[str, tuple] = {}  # index file -> (stamp, signature) seen here
        self._ix = None
        self._searcher = None
        self._parts: Parts | None = None
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

    def parts(self) -> Parts:
        """The turns inside merged passages of the open searcher."""
        if self._parts is None:
            self._parts = Parts(self.current().reader())
        return self._parts

    def passages(self, keys) -> dict[int, tuple[str, int, int, str]]:
        """search key -> (document guid, start, end, speaker) of the unit it stands for.
        Passages are read from the stored fields once and kept while the index is unchanged;
        a search that matches a large share of them reads them all in one sweep."""
        searcher = self.current()
        docnums = {locate(k)[0] for k in keys}
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
        out = {}
        for key in keys:
            d, k = locate(key)
            guid, lo, hi, who = self._passages[d]
            if k >= 0:
                a, b, who = self.parts().of(d)[k]
                lo, hi = lo + a, lo + b
            out[key] = (guid, lo, hi, who)
        return out

    @staticmethod
    def _version() -> str:
        from app.core.search.lexicon import data_version
        from app.core.search.norwegian import ANALYZER_VERSION

        return f"{INDEX_VERSION}.{ANALYZER_VERSION}.{data_version()}"

    def exists(self) -> bool:
        """Sitat built (and signed) an index for this project here, up to date or not."""
        return bool(self._state())

    def _state(self) -> dict:
        return storage.read_state(self.folder, self._key, self._version())

    def _save_state(self, docs: dict[str, str]) -> None:
        """Sign what Sitat just wrote: the index's files and the documents they hold."""
        files = storage.sign_files(self.folder, self._key, self._known)
        storage.write_state(self.folder, self._key, self._version(), docs, files)

    def _trusted(self, state: dict) -> bool:
        return storage.verify_files(self.folder, self._key, state.get("files", {}), self._known)

    def rebuild(self, progress: Progress | None = None, workers: int | None = None) -> int:
        """Throw the index away and index every document again. Returns units indexed.
        `progress(share_done)` is called as it goes; when it returns False the build stops
        with `Cancelled` (the next search starts it again). `workers`: processes that write
        (default: one per core for a large project, see build.py)."""
        self.close()
        self._forget()
        self._known.clear()
        from whoosh import index

        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            storage.clear_folder(self.folder)
            self._ix = index.create_in(str(self.folder), schema())
            with self.project.read() as s:
                wanted = fingerprints(s)
            n = self._write(set(wanted), set(), progress, workers, fresh=True)
            self._save_state(wanted)
        except OSError as exc:
            self.close()
            try:
                storage.clear_folder(self.folder)  # no half-built index is left to trust
            except OSError:
                pass
            raise self._cannot_write(exc) from exc
        return n

    def _cannot_write(self, exc: OSError) -> ProjectError:
        from app.core.files.own import DiskFull, is_full

        if is_full(exc):
            return DiskFull(_("The disk is full: the search index cannot be built in {folder}. "
                              "Free some space and search again; the project was not "
                              "changed.").format(folder=self.folder))
        return ProjectError(_("The search index cannot be written in {folder}: {reason}")
                            .format(folder=self.folder, reason=exc.strerror or exc))

    def ensure(self, progress: Progress | None = None) -> str:
        """Make the index match the project: 'fresh', 'updated' or 'rebuilt' (see `rebuild`
        for `progress`). An index is only opened after its files were checked against the
        signature Sitat wrote for them."""
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
            if self._searcher is None or not self._searcher.up_to_date():
                if not self._trusted(state):  # changed behind Sitat's back: never load it
                    raise FileNotFoundError("the index does not match its signature")
                if self._searcher is None:
                    self._ix = self._ix or index.open_dir(str(self.folder))
                    self._searcher = self._ix.searcher()
                    self._searcher.doc_count()
                else:  # another window or process wrote it
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
            self._save_state(wanted)
        except errors:
            self.rebuild(progress)
            return "rebuilt"
        self._revision = revision
        return "updated"

    # Share of a build spent reading and analysing documents; whoosh's commit (sorting and
    # writing the postings) takes the rest and cannot report or stop half way.
    _ANALYSIS_SHARE = 0.6

    def _write(self, add: set[str], delete: set[str], progress: Progress | None = None,
               workers: int | None = None, fresh: bool = False) -> int:
        """Index the documents `add` after removing those of `delete`; several processes
        when the index is `fresh` (empty) and large enough (build.py)."""
        from sqlalchemy import func

        from app.core.search import build
        from app.models import Document

        with self.project.read() as s:
            sizes = dict(s.execute(select(Document.guid, func.length(Document.text))
                                   .where(Document.guid.in_(list(add)))).all())
        n_proc = build.workers_wanted(sum(sizes.values()), workers) if fresh else 1
        if fresh and sizes:
            n = build.write_parallel(self._ix, self._jobs, sizes, min(n_proc, len(sizes)),
                                     progress, self._ANALYSIS_SHARE, self._stopped)
        else:
            n = self._write_here(add, delete, progress)
        if progress:
            progress(1.0)
        if self._searcher is not None:
            self._reopen()
        return n

    @staticmethod
    def _stopped() -> Cancelled:
        return Cancelled(_("The search index was not built: stopped."))

    def _jobs(self, groups: list[list[str]]):
        """(group, job) for every document of `groups`, read in one snapshot of the project;
        the later groups (other processes' work) first."""
        order = [(k, g) for k in range(len(groups) - 1, -1, -1) for g in groups[k]]
        with self.project.read() as s:
            for k, guid in order:
                for job in self._read_jobs(s, [guid]):
                    yield k, job

    def _read_jobs(self, s, guids):
        if self._values is None:
            from app.core.attributes import values_by_document

            self._values = values_by_document(s)
        return document_jobs(s, guids, self._values)

    def _write_here(self, add: set[str], delete: set[str], progress: Progress | None) -> int:
        from app.core.search.build import LIMIT_MB, SegmentBuilder, add_job

        writer = SegmentBuilder(self._ix, limitmb=LIMIT_MB)
        n = done = 0
        try:
            for guid in delete:
                writer.delete_by_term("doc", guid)
            with self.project.read() as s:
                self._values = None  # read afresh in this snapshot
                for job in self._read_jobs(s, add):
                    n += add_job(writer, job)
                    done += 1
                    if progress and not progress(self._ANALYSIS_SHARE * done / len(add)):
                        raise self._stopped()
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return n

    def _reopen(self) -> None:
        """A new searcher on the index as it is now. (Not whoosh's `refresh()`: it reuses the
        old segment reader and with it the old list of deleted passages.)"""
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = self._ix.searcher()
        self._parts = None
        self._passages.clear()
        self._all_passages = False

    def current(self):
        """The open searcher (kept between searches, refreshed when the index changes); call
        `ensure()` first. Do not close it: `close()` does."""
        if self._searcher is None:
            self._searcher = self._ix.searcher()
            self._parts = None
        return self._searcher

    def searcher(self):
        """A new searcher, for callers that manage its lifetime (`with ix.searcher() as s`)."""
        return self._ix.searcher()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._parts = None
        self._passages.clear()
        self._all_passages = False
        if self._ix is not None:
            self._ix.close()
            self._ix = None


def drop_index(project) -> None:
    """Delete the project's search index (after text was replaced for good, so the old words do
    not linger in the cache; it is rebuilt on the next search)."""
    storage.drop_folders(project.id)
