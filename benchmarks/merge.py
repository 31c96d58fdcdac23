"""Benchmark of merging: four blind coder copies of the corpus merged into the lead's project
(budget < 5 s for an Oslo-sized project, #5, and for the national one with 200,000 codings,
#19), beside a raw SQL copy of the same coding rows (no matching, no checks, no backup).

    python benchmarks/merge.py [--size oslo] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _setup(folder: Path, tmp: Path) -> tuple[Path, list[Path]]:
    """The lead's project (everything but codings) and one blind copy per coder (not timed)."""
    from app.core.project import Project
    from app.core.team.copies import coder_copy

    source = tmp / "source.sitat"
    shutil.copyfile(folder / "project.sitat", source)
    with Project.open(source) as p:
        with p.read() as s:
            from app.models import Coder

            coders = [c.name for c in s.query(Coder).order_by(Coder.name)]
        copies = []
        for name in coders:
            out = tmp / f"copy-{name}.sitat"
            coder_copy(p, name, out, blind=True)
            copies.append(out)
    lead = tmp / "lead.sitat"
    shutil.copyfile(source, lead)
    con = sqlite3.connect(lead)
    con.execute("DELETE FROM coding")
    con.commit()
    con.execute("VACUUM")
    con.close()
    return lead, copies


def bench_merge(folder: Path, repeat: int, tmp: Path) -> dict:
    from app.core.project import Project
    from app.core.team.merge import merge_projects

    lead, copies = _setup(folder, tmp)
    times, base, added = [], [], 0
    for i in range(repeat):
        target = tmp / f"target-{i}.sitat"
        shutil.copyfile(lead, target)
        with Project.open(target) as p:
            t0 = time.perf_counter()
            report = merge_projects(p, copies)
            times.append(time.perf_counter() - t0)
            added = report.as_json()["codings_added"]
        raw = tmp / f"raw-{i}.sitat"
        shutil.copyfile(lead, raw)
        t0 = time.perf_counter()
        con = sqlite3.connect(raw)
        for n, path in enumerate(copies):
            con.execute(f"ATTACH DATABASE ? AS src{n}", (str(path),))
            con.execute(f"INSERT OR IGNORE INTO coding (guid, document_id, code_id, coder_id, "
                        f"start, \"end\", memo, valence, created_at) SELECT guid, document_id, "
                        f"code_id, coder_id, start, \"end\", memo, valence, created_at "
                        f"FROM src{n}.coding")
            con.commit()
            con.execute(f"DETACH DATABASE src{n}")
        con.close()
        base.append(time.perf_counter() - t0)
    return {"times": times, "baseline_name": "raw SQL copy of the coding rows",
            "baseline_times": base,
            "note": f"{len(copies)} blind copies, {added} codings added, backup included"}


def main(argv: list[str] | None = None) -> int:
    from benchmarks import corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(corpus.SIZES), default="oslo")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    folder = corpus.build(a.size)
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        raw = bench_merge(folder, a.repeat, Path(tmp))
    print(json.dumps({"median_s": round(statistics.median(raw["times"]), 3),
                      "baseline_median_s": round(statistics.median(raw["baseline_times"]), 3),
                      "note": raw["note"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
