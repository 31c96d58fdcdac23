"""Budgets of shared projects (#20), each beside the same work on a .sitat file in the same run:

    pg_apply        apply a coding on a local PostgreSQL (the window's core calls, one action)
    pg_open_window  open the oslo project in the main window over PostgreSQL
    pg_publish      `sitat publish` of the oslo corpus (whole command, own process)

Each starts a throwaway cluster (tests/pg.py: initdb in a temporary folder, Unix socket),
restarted with fsync and synchronous commit on as a real server (`durable`), and publishes the
corpus project to it; the cluster is removed afterwards. Run them through
benchmarks/run.py (`--only pg_apply` ...) or alone: python benchmarks/pg_bench.py NAME.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _prepared(folder: Path, tmp: Path, name: str = "source.sitat") -> Path:
    """A copy of the corpus project, upgraded to this Sitat's schema (the cache untouched)."""
    from app.core.project import Project

    path = tmp / name
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(folder / "project.sitat", path)
    Project.open(path).close()
    return path


def durable(cluster) -> None:
    """Restart the throwaway cluster as a real server runs: tests/pg.py starts it with fsync,
    synchronous commit and full-page writes off (fast tests), which would compare an unsafe
    server with a .sitat file that syncs every commit (synchronous=FULL)."""
    options = (f"-k {cluster.root} -c listen_addresses='' -c fsync=on "
               "-c synchronous_commit=on -c full_page_writes=on -c max_connections=60")
    cluster._run("pg_ctl", "-D", str(cluster.data), "-l", str(cluster.root / "log"), "-w",
                 "-t", "60", "-m", "fast", "-o", options, "restart")
    with cluster.admin() as con:
        if con.execute("SHOW fsync").fetchone()[0] != "on":
            raise RuntimeError("the benchmark cluster did not restart with fsync on")


@contextmanager
def published(folder: Path, tmp: Path):
    """(cluster, url of the corpus project published to it, the .sitat copy published)."""
    from app.core.project import Project
    from app.core.server.publish import publish_project

    from tests.pg import Cluster

    source = _prepared(folder, tmp)
    cluster = Cluster()
    try:
        durable(cluster)
        url = cluster.url(cluster.create_database())
        with Project.open(source, read_only=True) as p:
            publish_project(p, url)
        yield cluster, url, source
    finally:
        cluster.stop()


def apply_times(target, n: int, seed: int = 3) -> list[float]:
    """Seconds per coding applied as the window applies one (ApplyCodingCommand.apply: the
    coder, the coding, the coding read back to be shown; one Project.write())."""
    from sqlalchemy import select

    from app.core import workbench as wb
    from app.core.project import Project
    from app.models import Code, Document

    rng = random.Random(seed)
    times = []
    with Project.open(target) as p:
        with p.read() as s:
            docs = s.execute(select(Document.guid, Document.length)
                             .where(Document.length > 400)).all()
            codes = s.scalars(select(Code.guid).where(Code.codable)).all()
        for _ in range(n):
            doc, length = rng.choice(docs)
            code = rng.choice(codes)
            a = rng.randrange(0, length - 320)
            b = a + rng.randint(20, 300)
            t0 = time.perf_counter()
            with p.write() as s:
                coder = wb.ensure_coder(s, "Benk")
                guid = wb.apply_code(s, doc, code, coder.id, a, b).guid
                wb.shown_coding(s, guid)
            times.append(time.perf_counter() - t0)
    return times


def file_apply_times(folder: Path, tmp: Path, n: int) -> list[float]:
    """The same applies on a .sitat copy of the corpus project."""
    return apply_times(_prepared(folder, tmp, "apply.sitat"), n)


def _p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, math.ceil(0.95 * len(xs)) - 1)]


def bench_pg_apply(folder: Path, repeat: int, tmp: Path) -> dict:
    n = max(40, repeat * 40)
    with published(folder, tmp) as (_cluster, url, _source):
        times = apply_times(url, n)
    base = file_apply_times(folder, tmp, n)
    return {"times": times, "baseline_name": "the same applies on a .sitat file",
            "baseline_times": base,
            "note": f"{n} codings, one client; p95 {_p95(times) * 1000:.1f} ms "
                    f"(file p95 {_p95(base) * 1000:.1f} ms)"}


def bench_pg_open_window(folder: Path, repeat: int, tmp: Path) -> dict:
    from benchmarks.gui import _app, open_window_timed
    from app.views import settings

    app = _app()
    settings.use_settings_dir(tmp / "settings")
    times, base, shown = [], [], []
    with published(folder, tmp) as (_cluster, url, source):
        for _ in range(max(1, repeat)):
            for target, out in ((url, times), (source, base)):
                seconds, w, session = open_window_timed(app, target)
                out.append(seconds)
                shown.append((len(w.docs.model.rows), len(w.codes.model.nodes())))
                w.close()
                w.deleteLater()
                app.processEvents()
                session.project.close()
    if len(set(shown)) != 1:
        raise RuntimeError(f"the window showed different projects: {set(shown)}")
    rows, codes = shown[0]
    return {"times": times, "baseline_name": "the same window on the .sitat file",
            "baseline_times": base, "note": f"{rows} documents, {codes} codes"}


def _sitat(*args: str) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "import sys; from app.cli import main; "
                           "sys.exit(main(sys.argv[1:]))", *args], capture_output=True,
                          text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr or proc.stdout)
    return seconds


def bench_pg_publish(folder: Path, repeat: int, tmp: Path) -> dict:
    from app.core.project import Project

    from tests.pg import Cluster

    source = _prepared(folder, tmp)
    summary = Project.open(source, read_only=True).summary()
    times, base = [], []
    cluster = Cluster()
    try:
        durable(cluster)
        for i in range(max(1, repeat)):
            db = cluster.create_database()
            times.append(_sitat("publish", str(source), cluster.url(db)))
            with Project.open(cluster.url(db), read_only=True) as p:
                if p.summary() != summary:
                    raise RuntimeError("the published project differs from the file")
            cluster.drop_database(db)
            out = tmp / f"backup-{i}"
            out.mkdir()
            base.append(_sitat("backup", str(source), "--folder", str(out)))
    finally:
        cluster.stop()
    return {"times": times, "baseline_name": "sitat backup of the file (a new .sitat copy)",
            "baseline_times": base,
            "note": f"whole command; {summary.documents} documents, {summary.codings:,} "
                    f"codings, {summary.characters:,} characters"}


BENCHMARKS = {"pg_apply": bench_pg_apply, "pg_open_window": bench_pg_open_window,
              "pg_publish": bench_pg_publish}


def main(argv: list[str] | None = None) -> int:
    from benchmarks import corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name", choices=sorted(BENCHMARKS))
    ap.add_argument("--size", choices=sorted(corpus.SIZES), default="oslo")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    folder = corpus.build(a.size)
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        r = BENCHMARKS[a.name](folder, a.repeat, Path(tmp))
    print(json.dumps({"median_s": round(statistics.median(r["times"]), 4),
                      "p95_s": round(_p95(r["times"]), 4), "max_s": round(max(r["times"]), 4),
                      "baseline_name": r["baseline_name"],
                      "baseline_median_s": round(statistics.median(r["baseline_times"]), 4),
                      "baseline_p95_s": round(_p95(r["baseline_times"]), 4),
                      "note": r.get("note")}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
