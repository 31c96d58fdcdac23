"""Benchmarks of search: a full index build (budget < 15 s for an Oslo-sized corpus) and query
times (p95 < 50 ms for words, phrases and filtered queries, < 200 ms for prefixes; within
1.3x of a bare whoosh query on the same index), also inside compounds, and the time the
Norwegian lexicon takes to load (once per process; < 300 ms); and a paged search's first
page of hits with its totals (#19: p95 < 50 ms, also at the national size).

    python benchmarks/search.py [--size oslo] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUERIES = {
    "word": ["kontaktperson", "brukere", "respekt", "venteliste", "hjelp"],
    "phrase": ['"ikke sant"', '"fast kontaktperson"', '"hver eneste gang"'],
    "filtered": [("kontaktperson", {"bydel": "Alna"}), ("NAV", {"tjeneste": "NAV"}),
                 ("trygg OG hjelp", {"intervjutype": "Fokusgruppe"})],
    "prefix": ["kontakt*", "ansvar*", "fastleg*"],
    "compounds": ["tjeneste", "kontakt", "plan"],  # also inside compounds (--compounds)
}


def _project(folder: Path, tmp: Path):
    from app.core.project import Project

    path = tmp / "search.sitat"
    shutil.copyfile(folder / "project.sitat", path)
    return Project.open(path, read_only=True)


def _anonymous_mb() -> float | None:
    """This process's private anonymous memory (MB): heap and anonymous maps, not the pages of
    memory-mapped files (the index) - None where /proc/self/smaps_rollup is missing."""
    try:
        with open("/proc/self/smaps_rollup") as f:
            return sum(int(line.split()[1]) for line in f
                       if line.startswith("Anonymous:")) / 1024
    except OSError:
        return None


def bench_reindex(folder: Path, repeat: int, tmp: Path) -> dict:
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
    from sqlalchemy import select

    from app.core.search.index import ProjectIndex, units
    from app.models import Document, SpeakerTurn

    times, base, n = [], [], 0
    with _project(folder, tmp) as p:
        for i in range(repeat):
            ix = ProjectIndex(p, folder=tmp / f"idx-{i}")
            t0 = time.perf_counter()
            n = ix.rebuild()
            times.append(time.perf_counter() - t0)
            ix.close()
            shutil.rmtree(tmp / f"idx-{i}", ignore_errors=True)
            plain = tmp / f"plain-{i}"
            plain.mkdir()
            t0 = time.perf_counter()
            schema = Schema(doc=ID(stored=True), start=NUMERIC(stored=True), end=STORED(),
                            content=TEXT(analyzer=StemmingAnalyzer(), phrase=True))
            w = index.create_in(str(plain), schema).writer(limitmb=256)
            with p.read() as s:
                for doc_id, guid, text in s.execute(select(Document.id, Document.guid,
                                                           Document.text)):
                    turns = s.execute(select(SpeakerTurn.start, SpeakerTurn.end,
                                             SpeakerTurn.speaker)
                                      .where(SpeakerTurn.document_id == doc_id)).all()
                    for u in units(text, turns):
                        w.add_document(doc=guid, start=u.start, end=u.end,
                                       content=text[u.start:u.end])
            w.commit()
            base.append(time.perf_counter() - t0)
            shutil.rmtree(plain, ignore_errors=True)
    return {"times": times, "baseline_name": "bare whoosh, one stemmed field, same passages",
            "baseline_times": base, "note": f"{n} passages (speaker turns and paragraphs)"}


def bench_query(folder: Path, repeat: int, tmp: Path) -> dict:
    """Each query through Sitat's search (index already open, as in the window) against the
    same parsed query and filter through a bare whoosh searcher on the same index, opened once
    and kept, reading the stored fields of every match. The first, cold search (Sitat reads
    its passage table then) is reported on its own. The index is the corpus's, built (or
    checked) in a process of its own, as for `bench_search_first_page`."""
    from whoosh import index as whoosh_index
    from whoosh import query as Q

    from app.core.search.index import ProjectIndex, attr_field
    from app.core.search.query import parse
    from app.core.search.service import search

    from app.core.search import lexicon

    times, base, per_kind, hits, anon = [], [], {}, {}, None
    t0 = time.perf_counter()
    lexicon.get("nb")  # once per process (from the table cached in the user's cache folder)
    lexicon_load = time.perf_counter() - t0
    where_ix = _built_index(folder, tmp)  # built in a process of its own: peak memory is the
    with _project(folder, tmp) as p:      # searches' (and the bare whoosh baseline's)
        ix = ProjectIndex(p, folder=where_ix)
        ix.ensure()
        bare = whoosh_index.open_dir(str(where_ix)).searcher()
        t0 = time.perf_counter()
        search(p, "kontaktperson", index=ix)  # a common word: the whole passage table is read
        cold = time.perf_counter() - t0
        for kind, queries in QUERIES.items():
            for item in queries:
                query, where = item if isinstance(item, tuple) else (item, None)
                for _ in range(repeat):
                    compounds = kind == "compounds"
                    t0 = time.perf_counter()
                    result = search(p, query, where=where, index=ix, compounds=compounds)
                    dt = time.perf_counter() - t0
                    anon = max(anon or 0.0, _anonymous_mb() or 0.0)
                    times.append(dt)
                    per_kind.setdefault(kind, []).append(dt)
                    hits[f"{query} {where}" if where else query] = len(result.hits)
                    q = parse(query, bare.schema, compounds=compounds)
                    flt = Q.And([Q.Term(attr_field(k), v) for k, v in where.items()]) \
                        if where else None
                    t0 = time.perf_counter()
                    found = [(r["doc"], r["start"], r["end"])
                             for r in bare.search(q, filter=flt, limit=None)]
                    base.append(time.perf_counter() - t0)
                    assert found is not None
        bare.close()
        ix.close()
    p95 = {k: round(sorted(v)[int(0.95 * (len(v) - 1))] * 1000, 1) for k, v in per_kind.items()}
    return {"times": times, "baseline_name": "bare whoosh query, same index and filter",
            "baseline_times": base,
            "note": f"p95 ms by kind: {p95}; cold first search {cold * 1000:.0f} ms; "
                    f"lexicon loaded in {lexicon_load * 1000:.0f} ms; private (anonymous) "
                    f"memory at most {anon or 0:.0f} MB with a full list held (peak RSS also "
                    f"counts the index pages read and the baseline's searches); hits: {hits}"}


def _built_index(folder: Path, tmp: Path) -> Path:
    """The corpus's search index, kept beside it (benchmarks/.corpora, never committed) and
    built or brought up to date in a process of its own, so this process's peak memory is the
    searches' alone."""
    import subprocess

    where = folder / ".search-index"
    project = tmp / "search.sitat"
    shutil.copyfile(folder / "project.sitat", project)
    code = ("import sys; from pathlib import Path; from app.core.project import Project; "
            "from app.core.search.index import ProjectIndex\n"
            "with Project.open(Path(sys.argv[1]), read_only=True) as p:\n"
            "    ix = ProjectIndex(p, folder=Path(sys.argv[2])); ix.ensure(); ix.close()")
    subprocess.run([sys.executable, "-c", code, str(project), str(where)], check=True, cwd=ROOT)
    return where


_PEAK = """
import resource, sys, json, tracemalloc
from pathlib import Path
from app.core.project import Project
from app.core.search.index import ProjectIndex
from app.core.search.stream import open_search
from benchmarks.search import QUERIES, _anonymous_mb as anonymous

def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

with Project.open(Path(sys.argv[1]), read_only=True) as p:
    ix = ProjectIndex(p, folder=Path(sys.argv[2]))
    ix.ensure()
    with open_search(p, "og", index=ix) as s:  # what opening the index reads once
        s.next_page()
    before, anon_before, anon = rss(), anonymous(), anonymous()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for kind, queries in QUERIES.items():
        for item in queries:
            query, where = item if isinstance(item, tuple) else (item, None)
            with open_search(p, query, where=where, index=ix,
                             compounds=kind == "compounds") as s:
                s.next_page()
                s.per_document()
                now = anonymous()
                anon = max(anon, now) if now is not None else None
    peak = tracemalloc.get_traced_memory()[1] - base
    print(json.dumps([before, rss(), peak / 2**20, anon_before, anon]))
"""


def _search_peak(project: Path, where_ix: Path) -> dict:
    """Memory of a process that opens the project and its index and runs only the paged
    searches (MB): `rss_before`/`rss` peak resident size before the searches and after them
    (the memory-mapped index files counted as far as they were read), `heap` the most the
    searches held allocated at once (tracemalloc: Python objects and numpy arrays), `anon_before`
    / `anon` the process's private anonymous memory (smaps_rollup) before them and at most
    after any one, file-backed pages of the index left out."""
    import subprocess

    out = subprocess.run([sys.executable, "-c", _PEAK, str(project), str(where_ix)],
                         check=True, cwd=ROOT, capture_output=True, text=True).stdout
    names = ("rss_before", "rss", "heap", "anon_before", "anon")
    return dict(zip(names, json.loads(out.strip().splitlines()[-1])))


def bench_search_first_page(folder: Path, repeat: int, tmp: Path) -> dict:
    """Each query of `bench_query` through a paged search (search/stream.py), timed until the
    first page of 200 hits in text order and the totals (in all, per document) are there; the
    index open as in the window. Baseline: the same bare whoosh query as `query`'s."""
    from whoosh import index as whoosh_index
    from whoosh import query as Q

    from app.core.project import Project
    from app.core.search.index import ProjectIndex, attr_field
    from app.core.search.query import parse
    from app.core.search.stream import open_search

    where_ix = _built_index(folder, tmp)
    mem = _search_peak(tmp / "search.sitat", where_ix)
    times, base, per_kind, hits, full = [], [], {}, {}, {}
    with Project.open(tmp / "search.sitat", read_only=True) as p:
        ix = ProjectIndex(p, folder=where_ix)
        ix.ensure()
        bare = whoosh_index.open_dir(str(where_ix)).searcher()
        t0 = time.perf_counter()
        with open_search(p, "kontaktperson", index=ix) as first:
            first.next_page()
        cold = time.perf_counter() - t0
        for kind, queries in QUERIES.items():
            for item in queries:
                query, where = item if isinstance(item, tuple) else (item, None)
                compounds = kind == "compounds"
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    with open_search(p, query, where=where, index=ix,
                                     compounds=compounds) as stream:
                        page = stream.next_page()
                        stream.per_document()
                        dt = time.perf_counter() - t0
                        total = stream.total
                    assert len(page) == min(200, total)
                    times.append(dt)
                    per_kind.setdefault(kind, []).append(dt)
                    hits[f"{query} {where}" if where else query] = total
                    q = parse(query, bare.schema, compounds=compounds)
                    flt = Q.And([Q.Term(attr_field(k), v) for k, v in where.items()]) \
                        if where else None
                    t0 = time.perf_counter()
                    found = [(r["doc"], r["start"], r["end"])
                             for r in bare.search(q, filter=flt, limit=None)]
                    base.append(time.perf_counter() - t0)
                    assert found is not None
                t0 = time.perf_counter()  # every page, once: the whole list through the stream
                with open_search(p, query, where=where, index=ix, compounds=compounds) as s:
                    n = sum(len(x) for x in s.pages())
                full[kind] = max(full.get(kind, 0.0), time.perf_counter() - t0)
                assert n == total
        bare.close()
        ix.close()
    p95 = {k: round(sorted(v)[int(0.95 * (len(v) - 1))] * 1000, 1) for k, v in per_kind.items()}
    slowest = {k: round(v * 1000) for k, v in full.items()}
    anon = "not measured (no /proc/self/smaps_rollup)" if mem["anon"] is None else \
        f"(anonymous, not file-backed) at most {mem['anon']:.0f} MB, " \
        f"{mem['anon'] - mem['anon_before']:.0f} MB over the open project and index"
    return {"times": times, "baseline_name": "bare whoosh query, same index and filter",
            "baseline_times": base,
            "note": f"p95 ms by kind: {p95}; every page walked, slowest per kind (ms): "
                    f"{slowest}; cold first search {cold * 1000:.0f} ms; memory of the "
                    f"searches (a process of their own): at most {mem['heap']:.0f} MB allocated "
                    f"at once (tracemalloc); private memory {anon}; peak RSS "
                    f"{mem['rss']:.0f} MB with the pages of the memory-mapped index read "
                    f"({mem['rss_before']:.0f} MB before the searches); hits: {hits}"}


def main(argv: list[str] | None = None) -> int:
    from benchmarks import corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(corpus.SIZES), default="oslo")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    folder = corpus.build(a.size)
    os.environ.setdefault("SITAT_INDEX_DIR", tempfile.mkdtemp(prefix="sitat-idx-"))
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        for fn in (bench_reindex, bench_query, bench_search_first_page):
            raw = fn(folder, a.repeat if fn is bench_query else max(1, a.repeat // 2), Path(tmp))
            print(fn.__name__, json.dumps({
                "median_s": round(statistics.median(raw["times"]), 4),
                "p95_s": round(sorted(raw["times"])[int(0.95 * (len(raw["times"]) - 1))], 4),
                "baseline_median_s": round(statistics.median(raw["baseline_times"]), 4),
                "note": raw["note"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
