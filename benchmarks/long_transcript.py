"""Benchmark of the first search on one transcript of very many one-line speaker turns (issue
15: 7 MB, a million turns took 490 s, 1.9 GB and a 521 MB index). Budget: < 30 s. Also the
cost of checking the index's signature when it is opened (done once per open searcher).

    python benchmarks/long_transcript.py [--turns 1000000] [--verify-size oslo]

Each measurement runs in a process of its own so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUDGET_S = 30.0
WORDS = ["ja", "nei", "mm", "ok", "greit", "hva", "sant", "javel"]

FIRST_SEARCH = """
import json, os, sys, time
sys.path.insert(0, {root!r})


def peak_mb():  # VmHWM starts again at exec (ru_maxrss would count the parent before it)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024

os.environ["SITAT_INDEX_DIR"] = {idx!r}
from app.core.project import Project
from app.core.search.service import search
t = time.perf_counter()
with Project.open({path!r}, read_only=True) as p:
    r = search(p, "ja")
    first = time.perf_counter() - t
    t = time.perf_counter()
    again = search(p, "nei", speaker="D1")
    filtered = time.perf_counter() - t
print(json.dumps({{"first_search_s": round(first, 2), "hits": len(r.hits),
                   "filtered_search_s": round(filtered, 3), "filtered_hits": len(again.hits),
                   "peak_mb": peak_mb()}}))
"""


def transcript(turns: int) -> str:
    """`turns` one-line turns of two speakers (about 8.5 bytes a turn)."""
    return "\n".join(("I: " if i % 2 == 0 else "D1: ") + WORDS[i % 7] + ("" if i % 3 else " da")
                     for i in range(turns)) + "\n"


def bench_long(turns: int, tmp: Path) -> dict:
    from app.core.documents import import_files
    from app.core.project import Project

    src = tmp / "lang.txt"
    src.write_text(transcript(turns), encoding="utf-8")
    path = tmp / "lang.sitat"
    t0 = time.perf_counter()
    with Project.create(path) as p:
        import_files(p, [src])
    imported = time.perf_counter() - t0
    idx = tmp / "idx"
    code = FIRST_SEARCH.format(root=str(ROOT), idx=str(idx), path=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    got = json.loads(out.stdout)
    got.update(turns=turns, text_mb=round(src.stat().st_size / 2**20, 1),
               import_s=round(imported, 1), budget_s=BUDGET_S,
               index_mb=round(sum(f.stat().st_size for f in idx.rglob("*") if f.is_file())
                              / 2**20, 1))
    got["within_budget"] = got["first_search_s"] < BUDGET_S
    return got


def bench_verify(size: str, tmp: Path, repeat: int = 5) -> dict:
    """Opening the corpus's index with its signature checked (Sitat) against whoosh opening
    the same index unchecked; both cold in this process's page cache only after the first."""
    from whoosh import index as whoosh_index

    from app.core.project import Project
    from app.core.search import storage
    from app.core.search.index import ProjectIndex
    from benchmarks import corpus

    folder = corpus.build(size)
    path = tmp / "search.sitat"
    shutil.copyfile(folder / "project.sitat", path)
    checked, bare, verify = [], [], []
    with Project.open(path, read_only=True) as p:
        ix = ProjectIndex(p, folder=tmp / "vidx")
        ix.ensure()
        ix.close()
        state = ix._state()
        for _ in range(repeat):
            t0 = time.perf_counter()
            assert storage.verify_files(ix.folder, storage.index_key(), state["files"], {})
            verify.append(time.perf_counter() - t0)
            fresh = ProjectIndex(p, folder=ix.folder)
            t0 = time.perf_counter()
            assert fresh.ensure() == "fresh"
            checked.append(time.perf_counter() - t0)
            fresh.close()
            t0 = time.perf_counter()
            s = whoosh_index.open_dir(str(ix.folder)).searcher()
            s.doc_count()
            bare.append(time.perf_counter() - t0)
            s.close()
    size_mb = sum(f.stat().st_size for f in ix.folder.iterdir() if f.is_file()) / 2**20
    return {"size": size, "index_mb": round(size_mb, 1),
            "verify_median_ms": round(sorted(verify)[len(verify) // 2] * 1000, 1),
            "open_checked_median_ms": round(sorted(checked)[len(checked) // 2] * 1000, 1),
            "open_bare_whoosh_median_ms": round(sorted(bare)[len(bare) // 2] * 1000, 1)}


def main(argv: list[str] | None = None) -> int:
    from benchmarks import corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=1_000_000)
    ap.add_argument("--verify-size", choices=sorted(corpus.SIZES) + ["none"], default="oslo")
    a = ap.parse_args(argv)
    os.environ.setdefault("SITAT_INDEX_DIR", tempfile.mkdtemp(prefix="sitat-idx-"))
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        print("long_transcript", json.dumps(bench_long(a.turns, Path(tmp))))
        if a.verify_size != "none":
            print("index_verify", json.dumps(bench_verify(a.verify_size, Path(tmp))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
