"""Matrix display benchmark: codes x bydel counts beside one hand-written SQL GROUP BY.

    python benchmarks/displays.py [--size oslo200k] [--repeat 7]

Budget (issue #6): < 300 ms on 200,000 codings and within 2x of the SQL baseline. What is
timed is the default display, which counts passages (the overlapping codings of a code by
different coders united, #16); the SQL baseline counts codings. The every-coding display is
checked against the SQL count, and the passages against an independent union of the rows.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BASELINE_SQL = """
SELECT c.code_id, av.value, count(*)
FROM coding c JOIN attribute_value av ON av.document_id = c.document_id
WHERE av.attribute_id = (SELECT id FROM attribute_definition WHERE name = 'bydel')
GROUP BY c.code_id, av.value
"""


def bench_matrix(folder: Path, repeat: int, tmp: Path) -> dict:
    from sqlalchemy import func, select, text

    from app.core.codebook import code_paths
    from app.core.displays.matrix import build_matrix
    from app.core.project import Project
    from app.models import Coding

    from app.errors import ProjectError

    path = folder / "project.sitat"
    try:
        Project.open(path, read_only=True).close()
    except ProjectError:  # a corpus built by an older Sitat: upgrade a copy, not the cache
        path = tmp / "upgraded.sitat"
        shutil.copyfile(folder / "project.sitat", path)
        Project.open(path).close()
    times, base = [], []
    with Project.open(path, read_only=True) as p, p.read() as s:
        n_codings = s.scalar(select(func.count()).select_from(Coding))
        paths = code_paths(s)
        for _ in range(repeat):
            t0 = time.perf_counter()
            m = build_matrix(s, "codes", "bydel", "count")
            times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            rows = s.execute(text(BASELINE_SQL)).all()
            base.append(time.perf_counter() - t0)
        every = build_matrix(s, "codes", "bydel", "count", scope="codings")
        spans = s.execute(text(PASSAGES_SQL)).all()
    sql = {(paths[code], value): n for code, value, n in rows}
    got = {(r, c): every.cells[i][j] for i, r in enumerate(every.rows)
           for j, c in enumerate(every.cols) if every.cells[i][j]}
    assert got == sql, "the every-coding matrix and the SQL GROUP BY disagree"
    assert every.total == sum(sql.values()) == n_codings
    passages = _passages(spans)
    assert m.total == sum(m.row_totals) == sum(m.col_totals) == passages
    return {"times": times, "baseline_name": "one SQL GROUP BY (codings joined to bydel)",
            "baseline_times": base,
            "note": f"{n_codings:,} codings, {passages:,} passages, {len(m.rows)} codes x "
                    f"{len(m.cols)} districts"}


PASSAGES_SQL = """
SELECT c.document_id, c.code_id, c.start, c."end" FROM coding c
JOIN attribute_value av ON av.document_id = c.document_id
WHERE av.attribute_id = (SELECT id FROM attribute_definition WHERE name = 'bydel')
ORDER BY c.document_id, c.code_id, c.start
"""


def _passages(rows) -> int:
    """Runs of overlapping spans of one code in one document, counted once each."""
    n, last, end = 0, None, -1
    for doc, code, a, b in rows:
        if (doc, code) != last or a >= end:
            n, last, end = n + 1, (doc, code), b
        else:
            end = max(end, b)
    return n


def main(argv: list[str] | None = None) -> int:
    from benchmarks import corpus

    ap = argparse.ArgumentParser(description="Time the matrix display against SQL.")
    ap.add_argument("--size", choices=sorted(corpus.SIZES), default="oslo200k")
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args(argv)
    folder = corpus.build(a.size)
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        r = bench_matrix(folder, a.repeat, Path(tmp))
    med, bmed = statistics.median(r["times"]), statistics.median(r["baseline_times"])
    print(f"matrix codes x bydel: median {med * 1000:.1f} ms, max {max(r['times']) * 1000:.1f} ms;"
          f" baseline ({r['baseline_name']}) median {bmed * 1000:.1f} ms;"
          f" ratio {med / bmed:.2f}; {r['note']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
