"""Benchmark of inter-coder agreement: 2 coders x 30 codes over the oslo corpus (budget < 1 s).

    python benchmarks/team.py [--size oslo] [--repeat 5]

`bench_agreement(folder, repeat, tmp)` follows the pattern of the functions in run.py (it
returns times and a baseline measured in the same run): `agreement()` for Hanne and Tor on the
corpus's 30 codable leaf codes (percent agreement, kappa, alpha and segment matching per code
and document), against one SQL query that just sums the coded lengths per coder and code - the
least work any agreement figure needs (it reads the same codings, but it neither unites a
coder's overlapping codings nor intersects the two coders', so it cannot give a, b, c, d).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CODERS = ["Hanne", "Tor"]
CODES = 30


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _open_read_only(folder: Path, tmp: Path):
    """The corpus project read-only; a corpus built by an older Sitat is upgraded in a copy."""
    from app.core.project import Project
    from app.errors import ProjectError

    try:
        return Project.open(folder / "project.sitat", read_only=True)
    except ProjectError:
        path = tmp / "agreement.sitat"
        shutil.copyfile(folder / "project.sitat", path)
        Project.open(path).close()
        return Project.open(path, read_only=True)


def leaf_codes(s, limit: int = CODES) -> list[str]:
    """The first `limit` codable codes without child codes, in codebook order."""
    from sqlalchemy import select

    from app.core.codebook import code_paths
    from app.models import Code

    rows = s.execute(select(Code.id, Code.parent_id, Code.codable)).all()
    parents = {r.parent_id for r in rows}
    codable = {r.id for r in rows if r.codable and r.id not in parents}
    return [path for cid, path in code_paths(s).items() if cid in codable][:limit]


def summed_lengths(s, coders: list[str], paths: list[str]) -> dict:
    """The baseline: one GROUP BY query summing coded lengths per coder and code, turned into
    naive totals (a is taken as 0: without intersecting spans nothing better is known)."""
    from sqlalchemy import func, select

    from app.core.codebook import resolve_code
    from app.models import Coder, Coding, Document

    code_ids = [resolve_code(s, p).id for p in paths]
    q = (select(Coder.name, func.sum(Coding.end - Coding.start))
         .join(Coder, Coder.id == Coding.coder_id)
         .where(Coder.name.in_(coders), Coding.code_id.in_(code_ids))
         .group_by(Coder.name, Coding.code_id))
    coded = dict.fromkeys(coders, 0)
    for name, total in s.execute(q).all():
        coded[name] += total
    n = (s.scalar(select(func.sum(Document.length))) or 0) * len(paths)
    b, c = coded[coders[0]], coded[coders[1]]
    return {"a": 0, "b": b, "c": c, "d": n - b - c}


def bench_agreement(folder: Path, repeat: int, tmp: Path) -> dict:
    from app.core.team.agreement import agreement

    times, base = [], []
    with _open_read_only(folder, tmp) as p:
        with p.read() as s:
            paths = leaf_codes(s)
        result: dict = {}
        for _ in range(repeat):
            def run():
                with p.read() as s:
                    result["report"] = agreement(s, CODERS, paths)

            times.append(_timed(run))

            def baseline():
                with p.read() as s:
                    result["sums"] = summed_lengths(s, CODERS, paths)

            base.append(_timed(baseline))
    overall = result["report"].as_json()["overall"] if repeat else {}
    note = (f"{' x '.join(CODERS)}, {len(paths)} codes; kappa {overall.get('kappa')}, "
            f"alpha {overall.get('alpha')}")
    return {"times": times, "baseline_name": "SQL sum of coded lengths",
            "baseline_times": base, "note": note}


def main(argv: list[str] | None = None) -> int:
    from benchmarks import corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(corpus.SIZES), default="oslo")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    folder = corpus.build(a.size)
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        raw = bench_agreement(folder, a.repeat, Path(tmp))
    print(json.dumps({"median_s": round(statistics.median(raw["times"]), 4),
                      "max_s": round(max(raw["times"]), 4),
                      "baseline_name": raw["baseline_name"],
                      "baseline_median_s": round(statistics.median(raw["baseline_times"]), 4),
                      "note": raw["note"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
