"""Writing passages into a project's whoosh index, with every core: the parent process reads
the project in one snapshot and sends each worker process its share of the documents (balanced
by length); every process writes segments of its own into the same folder (a new one each
SEGMENT_MB of postings), and the parent, which holds whoosh's write lock, lists them all in one
table of contents - no final merge. Workers are started with "spawn" (safe beside Qt and
threads) and read nothing but what the parent sends them and the index folder the parent just
created. National size (50 M characters, 2 cores): 46 s, against 94 s for bare single-process
whoosh with one field and 237 s before (one process, whoosh's token pipeline, sorted runs
spilled to disk and merged back)."""

from __future__ import annotations

import os
import queue
import sys
import types
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from whoosh.writing import SegmentWriter

from app.core.search.passages import passages as make_passages, units

WORKERS_ENV = "SITAT_INDEX_WORKERS"
PARALLEL_MIN_CHARS = 1_500_000  # below this, starting processes costs more than it saves
LIMIT_MB = 256  # whoosh's pool before it spills sorted runs to disk (incremental updates)
# A build starts a new segment when the one being written holds this many bytes of postings
# (whoosh's estimate): its pool never spills runs to disk and merges them back - which made a
# 25-million-character share three times slower - and memory stays bounded.
SEGMENT_MB = 512

# Postings per block (whoosh: 128): with blocks read as arrays (terms.block_layout), what a
# common word costs is mostly a Python step per block; filters skip blocks a little less often.
BLOCK_POSTINGS = 1024

# One document to index: (guid, text, turns, {attribute field: value}, målform)
Job = tuple[str, str, list, dict, str]


def _blocks_in_protocol_5() -> None:
    """Make whoosh write its posting blocks (and term infos) as protocol-5 pickles instead of
    protocol 2, where every posting's value (bytes) is rebuilt on reading by a call of
    `codecs.encode`: a common word's blocks then load five times faster (national: 21 -> 4 ms
    for "kontaktperson"). whoosh reads any protocol; INDEX_VERSION 5 marks indexes written
    this way. And without zlib (below). Every process that writes an index imports this
    module."""
    import pickle

    from whoosh.codec import whoosh3

    if getattr(whoosh3.dumps, "sitat", False):
        return

    def dumps(obj, protocol=2):
        return pickle.dumps(obj, 5)

    dumps.sitat = True
    whoosh3.dumps = dumps
    # Blocks are written without zlib (each block says whether it is compressed; whoosh reads
    # both): inflating was the largest single cost of a common word's postings once they are
    # raw numbers (terms.PackedCharacters). National: index 198 -> 419 MB, build time the
    # same, "hver eneste gang" ~110 -> ~78 ms, "kontakt*" ~54 -> ~41 ms.
    whoosh3.W3Codec.__init__.__defaults__ = (BLOCK_POSTINGS, 0, 1)
    from app.core.search.terms import block_layout

    block_layout()  # blocks as arrays (INDEX_VERSION 7)


_blocks_in_protocol_5()


def workers_wanted(chars: int, workers: int | None = None) -> int:
    """How many processes write: `workers` if given, else SITAT_INDEX_WORKERS, else one per
    core (at most 4) - and one for a build too small to gain from more."""
    if workers is None:
        env = os.environ.get(WORKERS_ENV, "")
        if env.isdigit() and int(env) > 0:
            workers = int(env)
        else:
            workers = min(os.cpu_count() or 1, 4) if chars >= PARALLEL_MIN_CHARS else 1
    return max(1, workers)


class SegmentBuilder(SegmentWriter):
    """whoosh's segment writer, with the lengths it looks up once per posting while writing
    the postings read once per field instead (the same numbers, without a file read each)."""

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, _Lengths(pdr) if pdr else None,
                                      self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr:
            pdr.close()


class _Lengths:
    def __init__(self, pdr) -> None:
        self.pdr = pdr
        self.n = pdr.doc_count_all()
        self.by_field: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        got = self.by_field.get(fieldname)
        if got is None:
            got = self.by_field[fieldname] = [self.pdr.doc_field_length(d, fieldname, 0)
                                              for d in range(self.n)]
        return got[docnum] or default

    def close(self) -> None:
        self.pdr.close()


def add_job(writer, job: Job) -> int:
    """Index one document's passages; returns the number of units (turns, paragraphs)."""
    guid, text, turns, attrs, form = job
    field = "content_nn" if form == "nn" else "content"
    n = 0
    for ps in make_passages(units(text, turns)):
        body = ps.body(text)
        extra = {"merged": "1", "parts": ps.stored_parts()} if ps.merged else {}
        extra[field] = body
        writer.add_document(doc=guid, unit=f"{guid}:{ps.start}", start=ps.start, end=ps.end,
                            speaker=ps.speakers(), exact=body, malform=form, **extra, **attrs)
        n += len(ps.parts)
    return n


class Segments:
    """The segments one process writes in a build: a new one whenever the current one's
    postings reach SEGMENT_MB. The first writer may be the one holding the index's lock."""

    def __init__(self, ix, first=None) -> None:
        self.ix = ix
        self.writer = first or self._new()
        self.first = self.writer
        self.done: list = []

    def _new(self):
        return SegmentBuilder(self.ix, _lk=False, limitmb=2 * SEGMENT_MB + 64)

    def add(self, job: Job) -> int:
        n = add_job(self.writer, job)
        if self.writer.pool.currentsize > SEGMENT_MB * 1024 * 1024:
            self.done.append(self.writer._finalize_segment())
            self.writer = self._new()
        return n

    def finish(self) -> list:
        """Write the last segment; every segment written (temporary files are left for the
        first writer's `_finish`, or `cleanup`)."""
        if self.writer._added:
            self.done.append(self.writer._finalize_segment())
        else:
            self.writer._close_segment()
        return self.done

    def cancel(self) -> None:
        for w in {id(self.writer): self.writer, id(self.first): self.first}.values():
            try:
                if not w.is_closed:
                    w._close_segment()
            except Exception:  # noqa: BLE001 - already closed half way
                pass

    def cleanup(self) -> None:
        self.first._tempstorage.destroy()


def _worker(folder: str, jobs, results) -> None:
    """A writing process: index the documents it is sent into segments of its own."""
    try:
        from whoosh.filedb.filestore import FileStorage

        class OwnTemp(FileStorage):  # temporary files apart from the other writers'
            def temp_storage(self, name=None):
                return super().temp_storage(f"{name or 'w'}-{os.getpid()}")

        segs = Segments(OwnTemp(folder).open_index())
        n = 0
        try:
            while (job := jobs.get()) is not None:
                n += segs.add(job)
                results.put(("doc", None, 0))
            done = segs.finish()
        except BaseException:
            segs.cancel()
            raise
        finally:
            segs.cleanup()
        results.put(("done", done, n))
    except OSError as exc:
        results.put(("oserror", (exc.errno, exc.strerror or str(exc)), 0))
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which raises
        results.put(("error", f"{type(exc).__name__}: {exc}", 0))


def share(sizes: dict[str, int], n: int) -> list[list[str]]:
    """Documents in `n` groups of about equal text length (longest first to the lightest)."""
    groups: list[list[str]] = [[] for _ in range(n)]
    load = [0] * n
    for guid, size in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])):
        k = load.index(min(load))
        groups[k].append(guid)
        load[k] += size
    return groups


@contextmanager
def no_main():
    """Start "spawn" processes inside this: they need only Sitat's modules and are not made to
    import the program's main script (a script without an `if __name__ == "__main__"` guard
    would run again in each)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class Workers:
    """Worker processes writing segments; the parent sends jobs and collects segments."""

    def __init__(self, folder: str, n: int) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.results = ctx.Queue()
        self.queues = [ctx.Queue() for _ in range(n)]
        self.procs = [ctx.Process(target=_worker, args=(folder, q, self.results),
                                  name="sitat-index", daemon=True) for q in self.queues]
        with no_main():
            for p in self.procs:
                p.start()
        self.docs_done = 0
        self.segments: list = []
        self.units = 0
        self._finished = 0

    def send(self, k: int, job: Job) -> None:
        self.queues[k].put(job)

    def close_input(self) -> None:
        for q in self.queues:
            q.put(None)

    def poll(self, timeout: float = 0.0) -> None:
        """Take the workers' messages; raises what a worker ran into."""
        from app.errors import ProjectError
        from app.i18n import _

        while True:
            try:
                kind, value, n = self.results.get(timeout=timeout) if timeout else \
                    self.results.get_nowait()
            except queue.Empty:
                break
            timeout = 0.0
            if kind == "doc":
                self.docs_done += 1
            elif kind == "done":
                self._finished += 1
                self.units += n
                self.segments += value
            elif kind == "oserror":
                raise OSError(*value)
            else:
                raise ProjectError(_("The search index could not be built: {reason}")
                                   .format(reason=value))
        if not self.finished() and any(p.exitcode not in (None, 0) for p in self.procs):
            raise ProjectError(_("The search index could not be built: a worker process "
                                 "stopped."))

    def finished(self) -> bool:
        return self._finished == len(self.procs)

    def stop(self) -> None:
        for p in self.procs:
            if p.is_alive():
                p.terminate()
        for p in self.procs:
            p.join(5)
        for q in (*self.queues, self.results):
            q.cancel_join_thread()
            q.close()


def write_parallel(ix, jobs_by_group: Callable[[list[list[str]]], Iterable[tuple[int, Job]]],
                   sizes: dict[str, int], n: int, progress: Callable[[float], bool] | None,
                   share_done: float, cancelled: Callable[[], BaseException]) -> int:
    """Index the documents of `sizes` (guid -> characters) in an empty index with `n`
    processes: this one and n - 1 workers. `jobs_by_group(groups)` yields (group, job), the
    workers' groups first. `progress(share)` as in ProjectIndex.rebuild (up to
    `share_done`); `cancelled()` is the exception raised when it says stop."""
    from whoosh.writing import NO_MERGE

    groups = share(sizes, n)
    total = max(1, len(sizes))
    pool = Workers(ix.storage.folder, n - 1)
    writer = SegmentBuilder(ix, limitmb=2 * SEGMENT_MB + 64)  # holds the lock, writes the TOC
    segs = Segments(ix, writer)
    units_here = own = 0
    try:
        for k, job in jobs_by_group(groups):
            if k:
                pool.send(k - 1, job)
                continue
            if own == 0:
                pool.close_input()
            units_here += segs.add(job)
            own += 1
            pool.poll()
            if progress and not progress(share_done * (own + pool.docs_done) / total):
                raise cancelled()
        if own == 0:
            pool.close_input()
        # this process's segments are written while the workers write theirs
        segments = NO_MERGE(writer, writer.segments) + segs.finish()
        while not pool.finished():
            pool.poll(timeout=0.2)
            if progress and not progress(share_done * (own + pool.docs_done) / total):
                raise cancelled()
        segments += pool.segments
        writer._commit_toc(segments)
        writer._finish()
    except BaseException:
        pool.stop()
        segs.cancel()
        if not writer.is_closed:
            writer._finish()
        raise
    pool.stop()
    return units_here + pool.units
