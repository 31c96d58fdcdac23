"""Benchmark of bulk coding: `sitat code P --from FILE.csv` with 10,000 codings (budget < 3 s,
issue #16), on a copy of the corpus project.

    python benchmarks/bulk_coding.py [--size oslo] [--repeat 5] [--rows 10000]

`bench_bulk_code(folder, repeat, tmp)` follows the pattern of run.py's functions. What is
timed is the whole command as a user runs it, in its own process: Python and Sitat starting,
the CSV read, every row checked (document, code, coder, range, not only white space, valence,
already present), provenance asked per (document, coder), one INSERT of all rows and the
commit. The note also gives the same work in-process (without the start-up). Baseline: raw
sqlite3 `executemany` of the same rows into the same file and a commit - the least any bulk
load can do.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROWS = 10_000
CODER = "Bulk"


def write_rows(project: Path, out: Path, n: int = ROWS, seed: int = 16) -> list[tuple]:
    """`n` codings by a new coder on random, not-blank spans of the project's documents and
    codable leaf codes, as a CSV the way Excel in Norway saves it (';', BOM, CRLF). Returns
    (document id, code id, start, end) of each row for the baseline."""
    from sqlalchemy import select

    from app.core.project import Project
    from app.models import Document
    from benchmarks.team import leaf_codes

    rng = random.Random(seed)
    with Project.open(project, read_only=True) as p, p.read() as s:
        docs = [(i, name, text) for i, name, text in
                s.execute(select(Document.id, Document.name, Document.text))]
        codes = leaf_codes(s)
        from app.core.codebook import resolve_code

        code_ids = {path: resolve_code(s, path).id for path in codes}
    rows, seen = [], set()
    while len(rows) < n:
        doc_id, name, text = rng.choice(docs)
        start = rng.randrange(0, max(1, len(text) - 400))
        end = start + rng.randrange(20, 400)
        code = rng.choice(codes)
        if (doc_id, code, start, end) in seen or not text[start:end].strip():
            continue
        seen.add((doc_id, code, start, end))
        rows.append((doc_id, name, code, start, end))
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(["document", "code", "coder", "start", "end", "memo", "valence"])
        for i, (_d, name, code, start, end) in enumerate(rows):
            w.writerow([name, code, CODER, start, end, f"notat {i}" if i % 7 == 0 else "",
                        "+" if i % 5 == 0 else ("-" if i % 5 == 1 else "")])
    return [(d, code_ids[c], a, b) for d, _n, c, a, b in rows]


def _fresh(folder: Path, tmp: Path, name: str) -> Path:
    dst = tmp / name
    for p in (dst, Path(f"{dst}-wal"), Path(f"{dst}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(folder / "project.sitat", dst)
    return dst


def _baseline(path: Path, rows: list[tuple]) -> None:
    import uuid

    con = sqlite3.connect(path)
    try:
        con.execute("INSERT INTO coder (guid, name, color) VALUES (?, ?, ?)",
                    (str(uuid.uuid4()), CODER, "#000000"))
        coder = con.execute("SELECT id FROM coder WHERE name = ?", (CODER,)).fetchone()[0]
        con.executemany(
            'INSERT INTO coding (guid, document_id, code_id, coder_id, start, "end", memo, '
            "created_at) VALUES (?, ?, ?, ?, ?, ?, '', CURRENT_TIMESTAMP)",
            [(str(uuid.uuid4()), d, c, coder, a, b) for d, c, a, b in rows])
        con.commit()
    finally:
        con.close()


def bench_bulk_code(folder: Path, repeat: int, tmp: Path, n: int = ROWS) -> dict:
    from app.core.bulk_coding import bulk_code, read_rows
    from app.core.project import Project

    csv_path = tmp / "codings.csv"
    rows = write_rows(folder / "project.sitat", csv_path, n)
    times, base, inproc = [], [], []
    for i in range(repeat):
        path = _fresh(folder, tmp, f"bulk-{i}.sitat")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", "import sys; from app.cli import main; "
                               "sys.exit(main(sys.argv[1:]))", "code", str(path), "--from",
                               str(csv_path), "--json"], capture_output=True, text=True,
                              cwd=ROOT)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0 or json.loads(proc.stdout)["added"] != n:
            raise RuntimeError(proc.stderr or proc.stdout)
        path = _fresh(folder, tmp, f"bulk-in-{i}.sitat")
        t0 = time.perf_counter()
        with Project.open(path) as p, p.write() as s:
            bulk_code(s, read_rows(csv_path))
        inproc.append(time.perf_counter() - t0)
        path = _fresh(folder, tmp, f"raw-{i}.sitat")
        t0 = time.perf_counter()
        _baseline(path, rows)
        base.append(time.perf_counter() - t0)
    note = (f"{n:,} codings from a CSV; whole command in its own process; in-process (open, "
            f"check, insert, commit) median {statistics.median(inproc):.3f} s")
    return {"times": times, "baseline_name": "sqlite3 executemany + commit",
            "baseline_times": base, "note": note}


def main(argv: list[str] | None = None) -> int:
    from benchmarks import corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(corpus.SIZES), default="oslo")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rows", type=int, default=ROWS)
    a = ap.parse_args(argv)
    folder = corpus.build(a.size)
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        raw = bench_bulk_code(folder, a.repeat, Path(tmp), a.rows)
    print(json.dumps({"median_s": round(statistics.median(raw["times"]), 4),
                      "max_s": round(max(raw["times"]), 4), "budget_s": 3.0,
                      "baseline_name": raw["baseline_name"],
                      "baseline_median_s": round(statistics.median(raw["baseline_times"]), 4),
                      "note": raw["note"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
